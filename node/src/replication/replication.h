// Replication: a master streams every write to its replicas; a replica copies its master's data and then
// applies the master's live write stream.
//
// Protocol (Redis's, so the offsets and replies read the same in INFO and ROLE):
//   replica -> master: PING, AUTH <masterauth> (if set), REPLCONF listening-port <port>,
//                      REPLCONF capa eof capa psync2 capa rcs, PSYNC <replid> <offset+1> (or PSYNC ? -1)
//   master  -> replica: +FULLRESYNC <replid> <offset>\r\n then $EOF:<40-char mark>\r\n<snapshot><mark>
//                       (full sync; a replica also reads the older $<len>\r\n<snapshot>), or
//                       +CONTINUE <replid>\r\n then the bytes after the requested offset (partial resync)
//   then the live stream: every propagated write as a RESP command; PING every repl-ping-replica-period;
//   REPLCONF GETACK * asks for an ack; the replica sends REPLCONF ACK <offset> every second.
//
// To our own replicas (capa rcs) the snapshot is our own format, not an RDB file: the keyspace as a command stream
// (keyspace/command_stream.h, the same serializer the AOF rewrite uses), written by a child forked when
// PSYNC arrives (server/snapshot_stream.h) and read from its pipe by the event loop as fast as the
// replica's socket drains, so other clients are served meanwhile. The writes after the fork wait in the
// transfer's pending buffer and follow the end mark, so the replica sees a consistent cut. The replica
// loads it through the same CommandStreamLoader as the AOF, then writes a new AOF base. A replica that does
// not say capa rcs (redis-server) gets the same cut as an RDB image (RDB version 10, keyspace/rdb_file.h),
// written by the child the same way, in the same framing.
//
// SYNC (the pre-PSYNC command, also what `redis-cli --rdb` sends) is answered as redis-server answers it: a full
// sync without the +FULLRESYNC line. A replica that did not say capa eof (a raw SYNC) gets the RDB as
// "$<len>\r\n<rdb>", collected whole from the child first (redis-server writes it to disk first); one that said
// REPLCONF rdb-only 1 (redis-cli --rdb) gets the snapshot alone and the connection is closed after it.
//
// Following a redis-server master: its snapshot is an RDB file (either framing), recognised by its
// "REDIS" magic and parsed whole (keyspace/rdb_parser.h) before it replaces our data; a bad image drops
// the link and the next attempt asks for a full sync again. The bare "\n" keepalives redis-server sends
// while it prepares the snapshot are skipped. The live stream after it is read as our own master's.
//
// Offsets: master_repl_offset counts the bytes of the live stream ever produced (the snapshot is not
// counted). The backlog keeps the last repl-backlog-size bytes so a replica that reconnects, or the
// other replicas after a failover (replid2 / second_repl_offset), continue with a partial resync.
// A replica keeps its own backlog of the stream it applied, so it can serve PSYNC once promoted.
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/resolver.h"
#include "net/socket.h"
#include "server/snapshot_stream.h"
#include "server/server.h"

namespace rcs {

// The last `capacity` bytes of the replication stream, in a ring buffer. Created when the first replica
// attaches (or when this node becomes a replica), as Redis does: a lone master keeps no backlog.
class ReplicationBacklog {
 public:
  explicit ReplicationBacklog(size_t capacity) : capacity_(capacity) {}
  void Append(std::string_view data);
  // Bytes from offset `from` (1-based stream offset) to the end; false if not all of them are kept.
  bool CopyFrom(int64_t from, std::string* out) const;
  int64_t first_offset() const { return size_ == 0 ? 0 : end_offset_ - static_cast<int64_t>(size_) + 1; }
  int64_t end_offset() const { return end_offset_; }  // offset of the last byte appended
  void set_end_offset(int64_t o) { end_offset_ = o; size_ = 0; head_ = 0; }
  size_t histlen() const { return size_; }
  size_t capacity() const { return capacity_; }
  void Resize(size_t capacity);

 private:
  size_t capacity_;
  std::string ring_;   // allocated on first Append
  size_t head_ = 0;    // index of the oldest byte
  size_t size_ = 0;
  int64_t end_offset_ = 0;
};

// The server's ReplicationHooks (server/replication_hooks.h) are this subsystem: the AOF and cluster mode
// reach it through them.
class Replication final : public Subsystem, public ReplicationHooks {
 public:
  explicit Replication(Server* server);
  ~Replication() override;

  // Subsystem
  Status Start() override;
  void Cron() override;
  void BeforeSleep() override;
  void Shutdown() override;
  void OnClientFreed(Client* c) override;

  // Master side (commands from replicas).
  void Psync(Client* c, ArgList argv);   // PSYNC replid offset / SYNC
  void Replconf(Client* c, ArgList argv, ReplyBuilder& reply);
  void Wait(Client* c, int64_t numreplicas, int64_t timeout_ms, ReplyBuilder& reply);

  // Role changes.
  // REPLICAOF host port, CLUSTER REPLICATE. `host` is an IP or a hostname: a name is looked up off the event
  // loop before each connect attempt (net::Resolver), and `fallback_ip` (cluster mode: the master's last
  // known IP) is dialled when it does not resolve. A new fallback_ip while the link is not up, or up to
  // another address, reconnects: the master moved (redis/redis#14633).
  void ReplicateFrom(const std::string& host, int port, const std::string& fallback_ip = "") override;
  void BecomeMaster() override;                          // REPLICAOF NO ONE, failover promotion
  bool is_replica() const { return !master_host_.empty(); }
  const std::string& master_host() const { return master_host_; }
  int master_port() const { return master_port_; }
  bool master_link_up() const override { return state_ == LinkState::kConnected; }

  // The offset of the data this node has: master_repl_offset (master) or the applied offset (replica).
  int64_t offset() const override { return master_offset_; }
  const std::string& replid() const override { return replid_; }
  int64_t master_last_io_ms() const override { return last_io_ms_; }
  int64_t link_down_since_ms() const override { return link_down_since_ms_; }
  int good_replicas(int64_t max_lag_s) const override;
  bool UnblockWaiter(Client* c, bool error) override;  // CLIENT UNBLOCK of a WAIT
  size_t online_replicas() const;

  // Our data set is the history `replid` up to `offset` (the AOF recorded it): a replica's PSYNC asks for
  // what follows, so a restarted replica continues with a partial resync while the master still has it.
  void RestorePosition(const std::string& replid, int64_t offset) override;

  // FAILOVER [TO host port [FORCE]] [TIMEOUT ms] for a standalone master (Redis 7.0's coordinated
  // failover): writes are paused (PausePurpose::kFailover) until a replica (the target, or any) has acked
  // our whole stream; then we follow it and send it PSYNC <replid> <offset> FAILOVER, which makes it a
  // master that continues our history. "" or the error to reply. `timeout_ms` 0 waits forever; with
  // `force` the failover goes ahead at the timeout even if the target has not caught up.
  // `to`: a target was named (host, port).
  std::string StartFailover(bool to, const std::string& host, int64_t port, int64_t timeout_ms, bool force);
  // FAILOVER ABORT: false when none is in progress.
  bool AbortFailover(const std::string& why);
  bool failover_in_progress() const { return failover_state_ != FailoverState::kNone; }

  // Called by the networking layer for every command applied from the master's stream.
  void OnMasterStreamApplied(std::string_view raw_command_bytes);

  // DEBUG CHANGE-REPL-ID: a new replication ID and none before it (redis-server's changeReplicationId and
  // clearReplicationId2): replicas must resync in full.
  void ChangeReplicationId();

  void InfoSection(std::string* out);
  void RoleReply(ReplyBuilder& reply);

 private:
  enum class LinkState { kNone, kConnect, kConnecting, kHandshake, kTransfer, kConnected };
  // A FAILOVER: waiting for a replica to catch up, then following it until it accepted PSYNC FAILOVER.
  enum class FailoverState { kNone, kWaitForSync, kInProgress };
  FailoverState failover_state_ = FailoverState::kNone;
  int64_t failover_end_ms_ = 0;  // 0 = no TIMEOUT
  bool failover_force_ = false;
  std::string failover_host_;    // "" = any replica (until one caught up)
  int failover_port_ = 0;
  void UpdateFailoverStatus();
  void ClearFailoverState();
  Client* FindReplica(const std::string& host, int port) const;
  std::string ReplicaIp(const Client* c) const;  // REPLCONF ip-address, else the peer's
  std::vector<std::pair<Client*, std::string>> announced_ips_;
  bool getack_pending_ = false;  // WAIT's REPLCONF GETACK, held while clients are paused (as Redis)
  void Feed(const std::vector<std::string_view>& argv);  // propagate sink
  void FeedBytes(std::string_view bytes);
  void StartConnect();
  void OnLinkEvent(uint32_t events);
  void OnHandshakeData();
  void FinishTransfer(std::string_view snapshot, std::string_view rest);
  void SkipKeepaliveNewlines();
  // Loads a redis-server master's RDB snapshot in place of our data, only when it parsed whole; false
  // (the link dropped) when it did not.
  bool LoadRdbSnapshot(std::string_view rdb, size_t* loaded);
  void DropLink(const std::string& why);
  void SetState(LinkState s);  // also tells the server whether the master link is up
  void SendToMaster(const std::vector<std::string_view>& argv);
  void NewReplid();
  void ServeWaiters();

  Server* server_;
  // Identity of our data history.
  std::string replid_, replid2_;
  int64_t master_offset_ = 0;
  int64_t second_offset_ = -1;
  ReplicationBacklog backlog_;
  bool backlog_active_ = false;  // becomes true with the first replica, or when we follow a master
  // The database our stream last SELECTed (-1: none yet, or a full sync started): a write to another one is
  // preceded by SELECT, as redis-server's slaveseldb.
  int stream_db_ = -1;
  // The database our master's stream had SELECTed when its link dropped: a partial resync continues there.
  int master_db_ = 0;

  // Replica side.
  std::string master_host_;
  int master_port_ = 0;
  std::string master_fallback_ip_;
  std::string dialed_ip_;          // the address of the current link ("" = none)
  // Looking up master_host_ for the next connect attempt (a hostname only).
  net::Resolver resolver_{1};
  int64_t lookup_started_ms_ = 0;  // 0 = no lookup for this attempt yet
  bool lookup_done_ = false;
  std::string lookup_ip_;          // its answer ("" = failed)
  void PollLookup();
  LinkState state_ = LinkState::kNone;
  net::Connection link_;         // to our master until the transfer ends (then the master's client)
  int handshake_replies_ = 0;    // replies read so far (PING, AUTH, REPLCONF x2)
  bool psync_sent_ = false;      // PSYNC goes out once those replies are in (see OnHandshakeData)
  int64_t transfer_len_ = -1;
  bool psync_continue_ = false;
  int64_t link_started_ms_ = 0;
  int64_t last_io_ms_ = 0;
  int64_t link_down_since_ms_ = 0;
  int64_t last_ack_ms_ = 0;
  int64_t next_connect_ms_ = 0;
  Client* master_client_ = nullptr;
  std::string master_replid_;    // the replid we follow
  bool sync_in_progress_ = false;

  // Master side.
  std::vector<Client*> replicas_;
  std::vector<Client*> rcs_capa_replicas_;  // sent REPLCONF capa rcs: our own nodes (command-stream snapshot)
  std::vector<Client*> eof_capa_replicas_;  // sent REPLCONF capa eof: read the "$EOF:<mark>" framing
  std::vector<Client*> rdb_only_replicas_;  // sent REPLCONF rdb-only 1 (redis-cli --rdb): the snapshot alone
  // redis-server replicas that have their RDB (state wait_bgsave) and the stream since the cut, sent on their
  // first REPLCONF ACK.
  std::vector<std::pair<Client*, std::string>> held_;
  // Full syncs in progress: a forked child streams the snapshot (server/snapshot_stream.h) into the
  // replica's output as fast as it drains; the live stream after the cut waits in `pending` behind it.
  struct SnapshotTransfer {
    Client* replica;
    std::unique_ptr<SnapshotStream> stream;
    std::string eof_mark;  // empty: "$<len>\r\n" framing, the snapshot collected in `whole` first
    std::string whole;
    std::string pending;
    bool reading = false;  // the pipe is registered in the event loop
    bool rdb_only = false;  // closed after the snapshot, no stream
  };
  std::vector<std::unique_ptr<SnapshotTransfer>> transfers_;
  SnapshotTransfer* TransferOf(Client* c);
  void PumpTransfer(SnapshotTransfer* t);
  void EndTransfer(SnapshotTransfer* t, bool ok);
  // Replica side: the snapshot ends at this mark ("$EOF:<mark>" framing) when the length is not known.
  std::string eof_mark_;
  size_t eof_scan_from_ = 0;
  int64_t last_ping_ms_ = 0;
  int64_t last_cron_ms_ = 0;
  struct Waiter {
    Client* client;
    int64_t offset;
    int64_t numreplicas;
    int64_t deadline_ms;
  };
  std::vector<Waiter> waiters_;
};

// Installs replication into a server (node.cc does it for every node; tests that exercise it too).
Replication* InstallReplication(Server& server);

}  // namespace rcs
