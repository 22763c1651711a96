// Cluster mode: the Subsystem that makes a node a Redis Cluster node.
//
// Protocol (the bus; message layout in bus_message.h):
//   - Every node keeps one outbound link to every other known node (we connect to its bus port) and accepts
//     inbound links. Requests (PING, MEET) go out on outbound links; the PONG answering a PING or MEET goes
//     back on the link the request came in on. FAIL and UPDATE go out on outbound links.
//   - Handshake: CLUSTER MEET creates a node in "handshake" state under a random id and sends MEET. The
//     receiver of a MEET adds the sender under its real id and answers PONG; the PONG tells the meeting
//     side the peer's real id and the handshake node is renamed (or dropped if the id was known). Gossip
//     entries about unknown nodes start the same handshake with PING instead of MEET; a PING from an
//     unknown sender is answered but adds nothing (only MEET and gossip from known nodes add nodes).
//   - Liveness: a PING is sent every second to the node with the oldest pong among 5 random ones, and to any
//     node whose pong is older than node_timeout/2. A node with a PING unanswered for node_timeout is PFAIL.
//     Masters report PFAIL/FAIL nodes in their gossip; when the reports from masters (valid for
//     2 x node_timeout) plus ourselves (if we are a master) reach a majority of the masters serving slots,
//     the node becomes FAIL and a FAIL message is broadcast. FAIL clears when the node answers again: at
//     once for a replica or a master without slots, after 2 x node_timeout for a master with slots.
//   - Epochs: a greater currentEpoch seen in a message is adopted. Two masters with the same configEpoch:
//     the one with the smaller id bumps currentEpoch and takes it as its configEpoch. A slot claimed by a
//     master with a greater configEpoch than its current owner's moves to the claimer; a claim with a smaller
//     configEpoch is answered with UPDATE (the owner's epoch and slots) so the stale node corrects itself.
//   - Addresses: peers are dialled only through PeerAddress (announce-ip/port/bus-port as the peer sent
//     them, else the address its frames came from; a peer with a hostname at what the name resolves to now,
//     address_rules.h). A known node id heard from a new address (its header, its inbound link, or a PONG
//     on a link dialled at its name's new address) is updated without a new handshake (MaybeChangeAddress);
//     our own address is corrected at start (AdoptOwnAddress). Outgoing links bind to the first bind address.
//   - Authenticated bus (cluster-bus-secret-file + cluster-bus-auth optional|required; bus_auth.h has the wire
//     format): a dialled link starts with the handshake and carries MAC'd frames; an inbound link's first
//     bytes say which kind it is. Messages queued before the handshake is done wait in Link::held. A failure
//     closes the link and counts in cluster_bus_auth_failures. Optional mode redials plain after a handshake
//     that did not finish (a peer not switched yet), so a running cluster can be switched node by node.
//   - Malformed frames are dropped, counted (CLUSTER INFO cluster_stats_messages_malformed_received, CLUSTER
//     LINKS), logged, and the link is closed.
// State changes mark "save" and "update state" to do before the event loop sleeps (config file written
// atomically once per batch of changes).
//
// Files: cluster.cc (lifecycle, cron, commands' state changes, CLUSTER INFO), bus_link.cc (sockets,
// framing, message builders), gossip.cc (received messages, failure detection), failover.cc (elections,
// votes, manual failover), nodes_conf.cc (nodes.conf), command_check.cc (redirects for client commands),
// failover_rules.h (the pure decisions, unit-tested).
#pragma once
#include <bitset>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cluster/address_rules.h"
#include "cluster/bus_auth.h"
#include "cluster/bus_message.h"
#include "cluster/cluster_state.h"
#include "cluster/failover_rules.h"
#include "cluster/redirect.h"
#include "cluster/replication_link.h"
#include "net/resolver.h"
#include "net/socket.h"
#include "server/server.h"

namespace rcs::cluster {

// A name CLUSTER MEET accepts in place of an IP (RFC 1123 characters).
bool IsValidHostname(const std::string& name);

// Also the server's ClusterHooks (server/cluster_hooks.h): how scripting asks where keys are served.
class Cluster : public Subsystem, public ClusterHooks {
 public:
  explicit Cluster(Server* server);
  ~Cluster() override;

  // Creates myself (or loads the config file when `load_file`) without opening sockets (unit tests call
  // this instead of Start).
  Status Init(bool load_file);

  // Subsystem
  Status Start() override;
  bool CheckCommand(Client* c, const CommandSpec& spec, ArgList argv) override;
  void Cron() override;
  void BeforeSleep() override;
  void Shutdown() override;
  // ClusterHooks (command_check.cc)
  KeyRoute RouteKeys(std::span<const std::string_view> keys, bool write, bool readonly_client) override;
  std::string BlockedRedirect(std::string_view key, bool write, bool readonly_client) override;

  ClusterState& state() { return state_; }
  Server& server() { return *server_; }
  ReplicationLink& replication() { return *repl_; }
  int64_t now_ms() const;

  // Commands.
  std::string InfoText();
  Status Meet(const std::string& ip, int port, int cport);
  void Forget(ClusterNode* n);          // removes the node and refuses to re-add it for 60 s
  void SetMyMaster(ClusterNode* master);  // CLUSTER REPLICATE
  void Reset(bool hard);
  bool BumpEpoch();                     // true if the epoch changed
  void SetLinksReply(ReplyBuilder& reply);
  Status SaveConfig();
  // The endpoint clients are told to use for a node (cluster-preferred-endpoint-type).
  std::string PreferredEndpoint(const ClusterNode& n) const;
  bool use_hostname() const;
  // Marks the state changed: the config is saved and cluster_state recomputed before the loop sleeps.
  void MarkChanged() { todo_save_ = todo_update_ = true; }
  // Our own slots/role/epoch changed by a command: tell every peer before the loop sleeps (a PONG to all),
  // instead of waiting for the next ping round.
  void BroadcastConfigSoon() { todo_broadcast_ = true; MarkChanged(); }
  // CLUSTER FAILOVER [FORCE|TAKEOVER] on a replica (the command checked the preconditions).
  enum class ManualFailover { kDefault, kForce, kTakeover };
  void StartManualFailover(ManualFailover kind);
  // A master with a healthy replica hands its slots over before it exits (SIGTERM, SHUTDOWN): true while
  // the handover runs (bounded by the manual failover timeout).
  bool HoldShutdown() override;
  void OnClientFreed(Client* c) override;
  // Recomputes cluster_state now (commands that want the new state in their reply).
  void UpdateState();
  // A slot leaves/joins myself: Redis deletes keys of slots it loses to another master.
  void DelKeysInSlot(int slot);

  // Stats
  uint64_t sent_by_type[static_cast<int>(MsgType::kCount)] = {};
  uint64_t received_by_type[static_cast<int>(MsgType::kCount)] = {};
  uint64_t malformed_received = 0;
  // Links closed and frames dropped by the authenticated bus (CLUSTER INFO cluster_bus_auth_failures).
  uint64_t bus_auth_failures = 0;
  // DEBUG DROP-CLUSTER-PACKET-FILTER: received messages of this type are dropped unread (-1: none).
  int64_t drop_packet_filter = -1;

  // Bus message handling, public so that tests can feed decoded messages without sockets. `link_id` is
  // the link the message came on (0 in tests); replies go there.
  void HandleMessage(const BusMessage& m, uint64_t link_id, const std::string& peer_ip);
  // Pub/sub over the bus (bus_publish.cc): PUBLISH to every node, SPUBLISH to this shard's nodes (the
  // commands call it after delivering locally; nothing before Init); shard channels of slots the shard no
  // longer serves are unsubscribed (called before the loop sleeps).
  void PropagatePublish(std::string_view channel, std::string_view message, bool shard);
  void CheckShardChannelSlots();

 private:
  struct Link {
    uint64_t id = 0;
    net::Connection conn;  // socket + frame buffers (connecting() until the outbound connect completes)
    bool inbound = false;
    std::string node_id;  // the node this link belongs to ("" for an inbound link from an unknown node)
    std::string peer_ip;
    int64_t ctime_ms = 0;
    bool closing = false;  // closed while a message was being handled: freed once the handler returns
    // The authenticated bus (bus_auth.h): `auth` is set on a link that authenticates (handshake first);
    // frames sent before the handshake is done wait in `held`. An inbound link is `undecided` until its
    // first bytes say whether the dialler authenticates.
    std::unique_ptr<BusAuthLink> auth;
    std::vector<std::string> held;
    bool undecided = false;
    bool meet_pending = false;  // our MEET waits in `held`: the node keeps its meet flag until it is sent
  };


  Status LoadConfig(bool* loaded);  // nodes_conf.cc
  void AdoptMyself();
  void ApplyAnnounce();     // cluster-announce-*: at start and on CONFIG SET (a config listener)
  void ApplyNoFailover();   // cluster-replica-no-failover, likewise
  Status Listen();
  void AcceptBus(int lfd);
  void ConnectTo(ClusterNode* n);
  void OnLinkEvent(uint64_t link_id, uint32_t events);
  void CloseLink(uint64_t link_id, const std::string& why);
  void CloseLinksOf(const std::string& node_id);
  void ClosePendingLinks();
  Link* OutboundOf(const std::string& node_id);
  void SendTo(Link* l, const BusMessage& m);
  // The authenticated bus (bus_link.cc).
  enum class BusAuthMode { kNo, kOptional, kRequired };
  BusAuthMode bus_auth_mode() const;
  void StartDiallerAuth(Link* l);
  void OnAuthReady(Link* l);
  void BusAuthFailure(Link* l, const std::string& why);  // counts, logs (rate-limited), closes the link
  void ApplyBusAuthMode();  // CONFIG SET cluster-bus-auth: closes the links the new mode does not keep
  void ExpireAuthHandshakes(int64_t now);
  size_t AuthenticatedLinks() const;
  void FlushLink(Link* l);
  BusMessage BuildHeader(MsgType t);
  void SendPing(Link* l, MsgType t);
  void BroadcastFail(const std::string& id);
  void Broadcast(const BusMessage& m);   // on every outbound link to a known (not handshake) node
  void BroadcastPong();                  // our new config, to everyone at once
  Link* InboundOf(const std::string& node_id);
  void SendUpdate(Link* l, const ClusterNode& owner);
  // gossip.cc
  void HandlePingLike(const BusMessage& m, uint64_t link_id, const std::string& peer_ip, ClusterNode* sender);
  // HandlePingLike's steps, in its order.
  Link* FindLink(uint64_t link_id);
  void AnswerPingOrMeet(const BusMessage& m, Link* link, const std::string& peer_ip, ClusterNode* sender, int64_t now);
  bool SettlePongOnOurLink(const BusMessage& m, Link* link, ClusterNode** sender);  // true: the message is done
  Link* UpdateSenderAddress(const BusMessage& m, uint64_t link_id, Link* link, const std::string& peer_ip,
                            ClusterNode* sender);
  void UpdateSenderAnnounced(const BusMessage& m, ClusterNode* sender);  // hostname, nofailover
  void NotePongReceived(ClusterNode* sender, int64_t now);
  void UpdateSenderRole(const BusMessage& m, ClusterNode* sender);
  void UpdateSenderSlotClaims(const BusMessage& m, ClusterNode* sender);
  void HandleFail(const BusMessage& m, ClusterNode* sender);
  void HandleUpdate(const BusMessage& m);
  void PingAndDetectFailures(int64_t now);
  void RedialIfStalled(ClusterNode* sender, int64_t now);
  void ProcessGossip(const BusMessage& m, ClusterNode* sender);
  void UpdateSlotsFrom(ClusterNode* sender, uint64_t sender_epoch, const SlotBitmap& slots);
  void MarkFailingIfNeeded(ClusterNode* n);
  void ClearFailureIfNeeded(ClusterNode* n);
  void HandleEpochCollision(ClusterNode* sender);
  void SetNodeAsMaster(ClusterNode* n);
  bool PeerAddress(ClusterNode& n, std::string* ip, int* cport);  // one place for addressing
  // Address changes (address_rules.h): applies DecideAddressChange's answer; true if the address changed.
  bool MaybeChangeAddress(ClusterNode* n, const std::string& ip, int port, int cport, AddressSource src,
                          bool gossip_healthy = false);
  void PollResolver(int64_t now);
  void ForgetLookup(const std::string& hostname);  // the next connect asks again
  // Our own address when cluster-announce-ip is unset and nodes.conf had one (we may have moved).
  void AdoptOwnAddress(const std::string& ip, const char* how);
  // Replication follows `m`: by hostname when it has one (re-resolved on each reconnect), else its IP.
  void FollowMaster(const ClusterNode& m);
  // `hostname`: CLUSTER MEET of a name (no IP yet: the name is looked up before dialling).
  void StartHandshake(const std::string& ip, int port, int cport, bool meet, const std::string& hostname = "");
  bool Blacklisted(const std::string& id);
  // bus_publish.cc
  void HandlePublish(const BusMessage& m, ClusterNode* sender);

  // failover.cc
  void HandleReplicaFailover();
  void ReplaceMyMaster();
  void HandleAuthRequest(const BusMessage& m, ClusterNode* sender);
  void HandleAuthAck(const BusMessage& m, ClusterNode* sender);
  int MyReplicaRank() const;
  void ResetElection();
  void ResetManualFailover();
  void LogOnce(int reason, const std::string& text);
  void HandleMfStart(const BusMessage& m, ClusterNode* sender);
  void StartManualFailoverAsMaster(ClusterNode* replica);
  void HandleManualFailover();      // both sides: timeout; replica: may the election start?
  void HandleReplicaMigration();
  bool HoldWrite(Client* c, const CommandSpec& spec, ArgList argv);  // during a manual failover (master)
  // The spec a command queued in MULTI runs (its subcommand's for a container), nullptr if unknown.
  const CommandSpec* QueuedSpec(const std::vector<std::string>& cmd) const;
  void ReleaseHeldWrites();
  ClusterNode* BestHandoverReplica() const;
  enum { kCantFailoverNone, kCantFailoverNoFailover, kCantFailoverDataAge, kCantFailoverExpired, kCantFailoverWaitingVotes };

  Server* server_;
  ClusterState state_;
  std::unique_ptr<ReplicationLink> repl_;
  std::string config_path_;
  bool persist_ = false;
  bool todo_save_ = false, todo_update_ = false, todo_broadcast_ = false;
  net::Socket listen_socket_;
  std::string listen_addr_;     // the bus listens here ("*" = every IPv4 address)
  std::string source_ip_;       // outgoing links bind to this (net::SourceAddressFor), "" = any
  bool own_ip_checked_ = false; // our address was checked against our first outbound link
  bool restarted_with_ip_ = false;  // nodes.conf gave us an address of our own (it may be stale now)
  // Peer hostnames: lookups run on the resolver's threads, answers are kept in names_ (address_rules.h).
  net::Resolver resolver_{2};
  std::map<std::string, ResolvedName> names_;
  std::map<uint64_t, std::unique_ptr<Link>> links_;
  uint64_t next_link_id_ = 1;
  int dispatch_depth_ = 0;                 // > 0 while handling a message: link closes are deferred
  std::vector<uint64_t> pending_close_;
  std::map<std::string, int64_t> blacklist_;  // forgotten node id -> until ms
  // Optional mode: nodes whose last authenticated dial failed in the handshake (a node without the secret
  // yet, during the rolling switch): the next dial is plain; a plain link that closes makes it try again.
  std::set<std::string> plain_fallback_;
  std::map<std::string, int64_t> auth_log_ms_;  // source address -> last auth-failure log line
  int64_t last_ping_round_ms_ = 0;
  int64_t cron_iteration_ = 0;
  int64_t state_change_ms_ = 0;
  bool todo_failover_ = false;
  int64_t writable_after_ms_ = 0;   // a master restarted with slots: cluster_state stays fail until then
  int64_t among_minority_ms_ = 0;   // last time we could not reach a majority of the masters

  // Election (replica side).
  int64_t failover_auth_time_ = 0;     // when the election starts (or started)
  bool failover_auth_sent_ = false;
  size_t failover_auth_count_ = 0;     // votes received
  int failover_auth_rank_ = 0;
  uint64_t failover_auth_epoch_ = 0;
  int cant_failover_logged_ = kCantFailoverNone;
  int64_t cant_failover_log_ms_ = 0;
  // Manual failover (CLUSTER FAILOVER): on the master, the replica it waits for; on the replica, the
  // master's offset to reach.
  int64_t mf_end_ms_ = 0;
  bool mf_can_start_ = false;
  int64_t mf_master_offset_ = -1;
  std::string mf_replica_;
  // Write commands held while this master is paused for a manual failover: run again (and redirected)
  // once the failover is over.
  struct HeldCommand {
    Client* client;
    std::vector<std::string> argv;
    bool was_dirty_exec;
  };
  std::vector<HeldCommand> held_;
  std::bitset<kClusterSlots> shard_slots_;  // the slots our shard served when last checked (bus_publish.cc)
  bool shard_slots_known_ = false;
  bool shutdown_handover_started_ = false;
  int64_t shutdown_handover_end_ms_ = 0;
};

}  // namespace rcs::cluster
