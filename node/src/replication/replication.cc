#include "replication/replication.h"

#include <algorithm>
#include <cstring>

#include "base/alloc.h"
#include "base/log.h"
#include "base/random.h"
#include "base/strutil.h"
#include "keyspace/command_stream.h"
#include "keyspace/dump.h"
#include "keyspace/rdb_parser.h"
#include "net/event_loop.h"
#include "net/socket.h"
#include "protocol/errors.h"
#include "server/command_loader.h"
#include "server/rdb_options.h"
#include "server/server_dbs.h"

namespace rcs {

// ---- ReplicationBacklog ----

void ReplicationBacklog::Append(std::string_view data) {
  end_offset_ += static_cast<int64_t>(data.size());
  if (capacity_ == 0) return;
  if (ring_.size() != capacity_) ring_.assign(capacity_, '\0');
  if (data.size() >= capacity_) {
    memcpy(ring_.data(), data.data() + data.size() - capacity_, capacity_);
    head_ = 0;
    size_ = capacity_;
    return;
  }
  size_t tail = (head_ + size_) % capacity_;
  size_t first = std::min(data.size(), capacity_ - tail);
  memcpy(ring_.data() + tail, data.data(), first);
  memcpy(ring_.data(), data.data() + first, data.size() - first);
  size_ += data.size();
  if (size_ > capacity_) {
    head_ = (head_ + (size_ - capacity_)) % capacity_;
    size_ = capacity_;
  }
}

bool ReplicationBacklog::CopyFrom(int64_t from, std::string* out) const {
  if (from == end_offset_ + 1) return true;  // nothing missing
  if (size_ == 0 || from < first_offset() || from > end_offset_ + 1) return false;
  size_t skip = static_cast<size_t>(from - first_offset());
  for (size_t i = skip; i < size_;) {
    size_t idx = (head_ + i) % capacity_;
    size_t run = std::min(size_ - i, capacity_ - idx);
    out->append(ring_.data() + idx, run);
    i += run;
  }
  return true;
}

void ReplicationBacklog::Resize(size_t capacity) {
  std::string keep;
  if (size_ > 0) CopyFrom(first_offset(), &keep);
  capacity_ = capacity;
  ring_.clear();
  head_ = size_ = 0;
  int64_t end = end_offset_;
  end_offset_ = end - static_cast<int64_t>(keep.size());
  Append(keep);
}

// ---- Replication ----

Replication::Replication(Server* server)
    : server_(server), backlog_(static_cast<size_t>(server->config().repl_backlog_size)) {
  replid_ = RandomHex(40);
  replid2_ = std::string(40, '0');
  server_->set_replication_hooks(this);
  server_->config_listeners().Add({"repl-backlog-size"}, [this] {
    size_t size = static_cast<size_t>(server_->config().repl_backlog_size);
    if (backlog_.capacity() != size) backlog_.Resize(size);
  });
  server_->AddPropagateSink([this](const PropagatedWrite& w) {
    // A replica forwards its master's stream byte for byte (OnMasterStreamApplied); a replay is no write.
    if (w.origin == WriteOrigin::kMaster || w.origin == WriteOrigin::kLoading || w.aof_only) return;
    if (is_replica() || !backlog_active_) {
      stream_db_ = -1;  // what we apply carries our master's SELECTs; our own stream starts afresh
      return;
    }
    if (w.db != stream_db_) {
      std::string n = std::to_string(w.db);
      Feed({"SELECT", n});
      stream_db_ = w.db;
    }
    Feed(w.argv);
  });
  server_->SetMasterStreamHook([this](std::string_view raw) { OnMasterStreamApplied(raw); });
  server_->SetInfoProvider("replication", [this](std::string* out) { InfoSection(out); });
}

Replication::~Replication() {
  if (server_->replication_hooks() == this) server_->set_replication_hooks(nullptr);
  if (link_.valid()) server_->loop()->Remove(link_.fd());
}

Status Replication::Start() {
  const std::string& r = server_->config().replicaof;
  if (!r.empty() && !server_->config().cluster_enabled) {
    size_t sp = r.find(' ');
    ReplicateFrom(r.substr(0, sp), std::stoi(r.substr(sp + 1)));
  }
  return Status::Ok();
}

void Replication::NewReplid() { replid_ = RandomHex(40); }

void Replication::ChangeReplicationId() {
  replid_ = RandomHex(40);
  replid2_ = std::string(40, '0');
  second_offset_ = -1;
}

void Replication::RestorePosition(const std::string& replid, int64_t offset) {
  master_offset_ = offset;
  backlog_.set_end_offset(offset);
  if (is_replica()) {
    replid_ = master_replid_ = replid;
  } else {
    // As Redis does for a master loading its data: the loaded history becomes replid2 up to its end, under a
    // new replid. A replica that had exactly this much continues; one that had more (writes this master lost
    // in the crash) must not continue later from bytes that differ from what it has: it full-syncs.
    replid2_ = replid;
    second_offset_ = offset + 1;
    NewReplid();
  }
  LogNotice("Replication position restored from the AOF: " + replid + ":" + std::to_string(offset));
}

size_t Replication::online_replicas() const {
  size_t n = 0;
  for (Client* c : replicas_) n += c->repl_state == "online";
  return n;
}

int Replication::good_replicas(int64_t max_lag_s) const {
  int64_t now_s = server_->clock().NowMs() / 1000;
  int n = 0;
  for (Client* c : replicas_) {
    // Whole seconds, as Redis compares server.unixtime with the replica's last ACK time.
    n += c->repl_state == "online" && now_s - c->repl_ack_time_ms / 1000 <= max_lag_s;
  }
  return n;
}

// ---- Master side ----

void Replication::Feed(const std::vector<std::string_view>& argv) {
  // A replica does not produce writes of its own: what it applies from its master is recorded by
  // OnMasterStreamApplied (byte for byte, so offsets stay equal along the chain).
  if (is_replica() || !backlog_active_) return;
  std::string bytes;
  AppendRespCommand(&bytes, argv);
  FeedBytes(bytes);
}

void Replication::FeedBytes(std::string_view bytes) {
  backlog_.Append(bytes);
  master_offset_ = backlog_.end_offset();
  for (Client* c : replicas_) {
    if (c->repl_state == "send_bulk") {
      if (SnapshotTransfer* t = TransferOf(c)) t->pending.append(bytes.data(), bytes.size());
      continue;
    }
    if (c->repl_state == "wait_bgsave") {
      for (auto& h : held_) {
        if (h.first == c) h.second.append(bytes.data(), bytes.size());
      }
      continue;
    }
    if (c->repl_state != "online") continue;
    c->out.append(bytes.data(), bytes.size());
    server_->MarkPendingWrite(c);
  }
}

Replication::SnapshotTransfer* Replication::TransferOf(Client* c) {
  for (auto& t : transfers_) {
    if (t->replica == c) return t.get();
  }
  return nullptr;
}

void Replication::PumpTransfer(SnapshotTransfer* t) {
  // Bounded output: read more of the snapshot only while the replica's socket keeps up.
  constexpr size_t kHighWater = 1024 * 1024;
  Client* c = t->replica;
  // "$<len>" framing: the length is known at the end only, so the snapshot is collected whole first.
  bool want_read = t->eof_mark.empty() || c->out.size() - c->out_pos < kHighWater;
  if (want_read != t->reading) {
    if (want_read) {
      server_->loop()->Add(t->stream->fd(), EventLoop::kReadable, [this, t](int, uint32_t) { PumpTransfer(t); });
    } else {
      server_->loop()->Remove(t->stream->fd());
    }
    t->reading = want_read;
  }
  if (!want_read) return;
  int fd = t->stream->fd();
  // A pipe-sized slice per wakeup, so other clients are served between slices (as Redis relays 16 KB).
  auto r = t->stream->Read(t->eof_mark.empty() ? &t->whole : &c->out, 64 * 1024);
  if (r == SnapshotStream::ReadResult::kData) {
    if (!t->eof_mark.empty()) server_->MarkPendingWrite(c);
  } else if (r == SnapshotStream::ReadResult::kDone || r == SnapshotStream::ReadResult::kFailed) {
    if (t->reading) server_->loop()->Remove(fd);  // the stream closed it
    t->reading = false;
    EndTransfer(t, r == SnapshotStream::ReadResult::kDone);
  }
}

void Replication::EndTransfer(SnapshotTransfer* t, bool ok) {
  Client* c = t->replica;
  bool ours = std::find(rcs_capa_replicas_.begin(), rcs_capa_replicas_.end(), c) != rcs_capa_replicas_.end();
  if (ok && t->rdb_only) {
    // redis-cli --rdb: the snapshot and nothing after it; the connection closes once it is written.
    if (t->eof_mark.empty()) {
      c->out += "$" + std::to_string(t->whole.size()) + "\r\n";
      c->out += t->whole;
    } else {
      c->out += t->eof_mark;
    }
    c->flags |= kClientCloseAfterReply;
    LogNotice("Synchronization with replica " + c->addr + " succeeded (" + std::to_string(t->stream->bytes()) +
              " bytes of RDB), closing it (rdb-only)");
    server_->MarkPendingWrite(c);
  } else if (ok && t->eof_mark.empty()) {
    // "$<len>" framing (no capa eof): the length tells the end, so the stream follows right away, as after
    // redis-server's disk-based transfer.
    c->out += "$" + std::to_string(t->whole.size()) + "\r\n";
    c->out += t->whole;
    c->out += t->pending;
    std::string().swap(t->whole);
    c->repl_state = "online";
    c->repl_ack_time_ms = server_->clock().NowMs();
    LogNotice("Synchronization with replica " + c->addr + " succeeded (" + std::to_string(t->stream->bytes()) +
              " bytes of " + (ours ? "snapshot" : "RDB") + ")");
    server_->MarkPendingWrite(c);
  } else if (ok && !ours) {
    // redis-server finds the end mark only at the end of what it read: the writes since the cut wait until its
    // first REPLCONF ACK (it sends one as soon as it loaded the RDB), as redis-server's masters do.
    c->out += t->eof_mark;
    held_.emplace_back(c, std::move(t->pending));
    c->repl_state = "wait_bgsave";
    c->repl_ack_time_ms = server_->clock().NowMs();
    LogNotice("Synchronization with replica " + c->addr + " succeeded (" + std::to_string(t->stream->bytes()) +
              " bytes of RDB), streaming from its first ACK");
    server_->MarkPendingWrite(c);
  } else if (ok) {
    // The end mark, then every write since the cut: from here the replica is fed like the others.
    c->out += t->eof_mark;
    c->out += t->pending;
    c->repl_state = "online";
    c->repl_ack_time_ms = server_->clock().NowMs();
    LogNotice("Synchronization with replica " + c->addr + " succeeded (" + std::to_string(t->stream->bytes()) +
              " bytes of snapshot)");
    server_->MarkPendingWrite(c);
  } else {
    LogWarning("Full sync of replica " + c->addr + " failed: the snapshot child did not finish");
    server_->FreeClientLater(c);
  }
  if (t->reading && t->stream->fd() >= 0) server_->loop()->Remove(t->stream->fd());
  transfers_.erase(std::remove_if(transfers_.begin(), transfers_.end(),
                                  [t](const std::unique_ptr<SnapshotTransfer>& p) { return p.get() == t; }),
                   transfers_.end());
}

void Replication::Psync(Client* c, ArgList argv) {
  if (c->has(kClientReplica)) return;  // already a replica: ignore repeats
  if (argv.size() > 3 && EqualsIgnoreCase(argv[0], "psync") && EqualsIgnoreCase(argv[3], "failover")) {
    // Our master's FAILOVER picked us: if it is still the history we follow, we become the master and the
    // PSYNC goes on as any other (it continues from our backlog: the old replid is our replid2 now).
    LogWarning("Failover request received for replid " + std::string(argv[1]) + ".");
    if (!is_replica()) {
      c->reply.Error(err::kPsyncFailoverToMaster);
      return;
    }
    if (!EqualsIgnoreCase(argv[1], replid_)) {
      c->reply.Error(err::kPsyncFailoverReplid);
      return;
    }
    BecomeMaster();
    server_->config().replicaof.clear();
    LogNotice("MASTER MODE enabled (failover request from '" + c->addr + "')");
  }
  if (failover_in_progress()) {
    c->reply.Error(err::kSyncWhileFailingOver);
    return;
  }
  if (is_replica() && state_ != LinkState::kConnected) {
    c->reply.Error(err::kNoMasterLink);
    return;
  }
  std::string_view want_id = argv.size() >= 3 ? argv[1] : "?";
  int64_t want_off = -1;
  if (argv.size() >= 3 && !ParseInt64(argv[2], &want_off)) want_off = -1;
  c->flags |= kClientReplica;
  replicas_.push_back(c);
  if (!backlog_active_) {
    backlog_active_ = true;
    backlog_.set_end_offset(master_offset_);
    stream_db_ = -1;
  }
  // Partial resync: the replica follows our history (our replid, or the one we took over from) and the
  // bytes it lacks are still in the backlog.
  bool same_history = want_id == replid_ || (want_id == replid2_ && want_off <= second_offset_);
  std::string tail;
  if (argv.size() >= 3 && same_history && want_off > 0 && backlog_.CopyFrom(want_off, &tail)) {
    c->out += "+CONTINUE " + replid_ + "\r\n";
    c->out += tail;
    c->repl_state = "online";
    c->repl_ack_time_ms = server_->clock().NowMs();
    server_->stats().sync_partial_ok++;
    LogNotice("Partial resynchronization request from " + c->addr + " accepted, sending " +
              std::to_string(tail.size()) + " bytes of backlog starting from offset " + std::to_string(want_off) + ".");
    server_->MarkPendingWrite(c);
    return;
  }
  if (argv.size() >= 3 && want_id != "?") server_->stats().sync_partial_err++;
  server_->stats().sync_full++;
  // Full sync: the snapshot is a consistent cut of the keyspace at master_offset_ (a forked child's view),
  // streamed as "$EOF:<mark>\r\n<snapshot><mark>" (Redis's framing for a snapshot of unknown length); the
  // writes that follow the cut are queued behind it. Our own replicas (capa rcs) get the command stream,
  // any other (redis-server) an RDB image.
  auto t = std::make_unique<SnapshotTransfer>();
  t->replica = c;
  stream_db_ = -1;  // the snapshot leaves the replica in some database: the next write SELECTs its own
  t->stream = std::make_unique<SnapshotStream>();
  bool ours = std::find(rcs_capa_replicas_.begin(), rcs_capa_replicas_.end(), c) != rcs_capa_replicas_.end();
  Status st;
  if (ours) {
    st = t->stream->Start(ServerDbs(*server_), server_->clock().NowMs(), server_->SnapshotPreambleText());
  } else {
    RdbFileInfo info;
    info.ctime_s = server_->clock().NowMs() / 1000;
    info.used_mem = UsedMemory();
    info.function_libraries = server_->FunctionLibraries();
    RdbWriteOptions o;
    o.list_max_listpack_size = server_->config().list_max_listpack_size;
    o.compress = server_->config().rdbcompression;
    st = t->stream->StartRdb(ServerDbs(*server_), server_->clock().NowMs(), info, o);
  }
  if (!st.ok()) {
    LogWarning("Can't start the full sync of replica " + c->addr + ": " + st.message());
    server_->FreeClientLater(c);
    return;
  }
  auto has = [c](const std::vector<Client*>& v) { return std::find(v.begin(), v.end(), c) != v.end(); };
  t->rdb_only = has(rdb_only_replicas_);
  // SYNC (not PSYNC): no +FULLRESYNC line, as redis-server (its CLIENT_PRE_PSYNC replicas).
  if (!EqualsIgnoreCase(argv[0], "sync")) {
    c->out += "+FULLRESYNC " + replid_ + " " + std::to_string(master_offset_) + "\r\n";
  }
  if (has(eof_capa_replicas_) || ours) {
    t->eof_mark = RandomHex(40);
    c->out += "$EOF:" + t->eof_mark + "\r\n";
  }
  c->repl_state = "send_bulk";
  c->repl_ack_time_ms = server_->clock().NowMs();
  LogNotice("Replica " + c->addr + " asks for synchronization: full resync, " + (ours ? "snapshot" : "RDB") +
            " streamed by a child (" + std::to_string(TotalKeys(*server_)) + " keys)");
  server_->MarkPendingWrite(c);
  transfers_.push_back(std::move(t));
  PumpTransfer(transfers_.back().get());
}

void Replication::Replconf(Client* c, ArgList argv, ReplyBuilder& reply) {
  if ((argv.size() - 1) % 2 != 0) {
    reply.Error(err::kSyntax);
    return;
  }
  for (size_t i = 1; i + 1 < argv.size(); i += 2) {
    std::string_view opt = argv[i], val = argv[i + 1];
    if (EqualsIgnoreCase(opt, "listening-port")) {
      int64_t port;
      if (!ParseInt64(val, &port)) {
        reply.Error(err::kNotInteger);
        return;
      }
      c->repl_listening_port = static_cast<int>(port);
    } else if (EqualsIgnoreCase(opt, "ack")) {
      int64_t off;
      if (ParseInt64(val, &off) && off > c->repl_ack_offset) c->repl_ack_offset = off;
      c->repl_ack_time_ms = server_->clock().NowMs();
      if (c->repl_state == "wait_bgsave") {
        // A redis-server replica loaded our RDB: the stream since the cut follows.
        for (auto it = held_.begin(); it != held_.end(); ++it) {
          if (it->first != c) continue;
          c->out += it->second;
          held_.erase(it);
          break;
        }
        c->repl_state = "online";
        server_->MarkPendingWrite(c);
      }
      ServeWaiters();
      return;  // no reply to ACK
    } else if (EqualsIgnoreCase(opt, "getack")) {
      if (c->has(kClientMaster)) {
        // Reply with our offset, as a command on the master link.
        std::string off = std::to_string(master_offset_);
        reply.Array(3);
        reply.Bulk("REPLCONF");
        reply.Bulk("ACK");
        reply.Bulk(off);
        c->reply_to_master = true;
      }
      return;
    } else if (EqualsIgnoreCase(opt, "capa")) {
      // "rcs": the replica is one of ours and reads our command-stream snapshot; any other gets an RDB.
      if (EqualsIgnoreCase(val, "rcs") &&
          std::find(rcs_capa_replicas_.begin(), rcs_capa_replicas_.end(), c) == rcs_capa_replicas_.end()) {
        rcs_capa_replicas_.push_back(c);
      }
      if (EqualsIgnoreCase(val, "eof") &&
          std::find(eof_capa_replicas_.begin(), eof_capa_replicas_.end(), c) == eof_capa_replicas_.end()) {
        eof_capa_replicas_.push_back(c);
      }
    } else if (EqualsIgnoreCase(opt, "rdb-only")) {
      // redis-cli --rdb: the snapshot alone (redis-server takes 0 or 1).
      int64_t v = 0;
      if (!ParseInt64(val, &v)) {
        reply.Error(err::kNotInteger);
        return;
      }
      if (v != 0 && v != 1) {
        reply.Error(err::kZeroOrOne);
        return;
      }
      rdb_only_replicas_.erase(std::remove(rdb_only_replicas_.begin(), rdb_only_replicas_.end(), c),
                               rdb_only_replicas_.end());
      if (v == 1) rdb_only_replicas_.push_back(c);
    } else if (EqualsIgnoreCase(opt, "ip-address")) {
      // The address the replica announces (replica-announce-ip): INFO and FAILOVER TO name it by this.
      auto it = std::find_if(announced_ips_.begin(), announced_ips_.end(),
                             [c](const std::pair<Client*, std::string>& a) { return a.first == c; });
      if (it == announced_ips_.end()) announced_ips_.emplace_back(c, std::string(val));
      else it->second.assign(val);
    } else if (EqualsIgnoreCase(opt, "rdb-filter-only")) {
      // Accepted.
    } else {
      reply.Error(err::UnrecognizedReplconf(opt));
      return;
    }
  }
  reply.Ok();
}

void Replication::Wait(Client* c, int64_t numreplicas, int64_t timeout_ms, ReplyBuilder& reply) {
  if (is_replica()) {
    reply.Error(err::kWaitOnReplica);
    return;
  }
  int64_t acked = 0;
  for (Client* r : replicas_) acked += r->repl_ack_offset >= master_offset_;
  if (acked >= numreplicas || c->has(kClientMulti) || c->has(kClientFake)) {
    reply.Integer(acked);
    return;
  }
  int64_t deadline = timeout_ms > 0 ? server_->clock().NowMs() + timeout_ms : 0;
  waiters_.push_back({c, master_offset_, numreplicas, deadline});
  server_->PauseClient(c);
  // Ask the replicas for an ack now rather than waiting for their next one: before the loop sleeps, and
  // not while clients are paused (it would grow the stream a FAILOVER waits for replicas to match).
  getack_pending_ = true;
}

bool Replication::UnblockWaiter(Client* c, bool error) {
  auto it = std::find_if(waiters_.begin(), waiters_.end(), [c](const Waiter& w) { return w.client == c; });
  if (it == waiters_.end()) return false;
  int64_t acked = 0;
  for (Client* r : replicas_) acked += r->repl_ack_offset >= it->offset;
  waiters_.erase(it);
  if (error) c->reply.Error(err::kUnblockedByCommand);
  else c->reply.Integer(acked);  // what WAIT answers at its timeout
  server_->ResumeClient(c);
  return true;
}

void Replication::ServeWaiters() {
  if (waiters_.empty()) return;
  int64_t now = server_->clock().NowMs();
  std::vector<Waiter> keep;
  for (auto& w : waiters_) {
    int64_t acked = 0;
    for (Client* r : replicas_) acked += r->repl_ack_offset >= w.offset;
    if (acked >= w.numreplicas || (w.deadline_ms > 0 && now >= w.deadline_ms)) {
      w.client->reply.Integer(acked);
      server_->ResumeClient(w.client);
    } else {
      keep.push_back(w);
    }
  }
  waiters_ = std::move(keep);
}

// ---- Role changes ----

void Replication::ReplicateFrom(const std::string& host, int port, const std::string& fallback_ip) {
  if (master_host_ == host && master_port_ == port && state_ != LinkState::kNone) {
    if (fallback_ip == master_fallback_ip_) return;
    std::string old = master_fallback_ip_;
    master_fallback_ip_ = fallback_ip;
    // Same master, known at a new address now: a link being set up (or up) to another address is redone
    // there, instead of waiting out repl-timeout on an address that is gone (redis/redis#14633).
    if (!old.empty() && !fallback_ip.empty() && state_ != LinkState::kConnect && dialed_ip_ != fallback_ip) {
      LogNotice("MASTER " + host + ":" + std::to_string(port) + " moved to " + fallback_ip + ", reconnecting");
      DropLink("Master address changed");
      next_connect_ms_ = 0;
      StartConnect();
    }
    return;
  }
  DropLink("replicating from a new master");
  master_fallback_ip_ = fallback_ip;
  lookup_started_ms_ = 0;
  if (!is_replica()) {
    // Our history so far becomes what we continue from: we keep replid as the history we want to follow
    // until the new master tells us its own.
    master_replid_ = replid_;
  }
  master_host_ = host;
  master_port_ = port;
  backlog_active_ = true;  // we keep the stream we apply, to serve partial resyncs once promoted
  server_->set_replica(true);  // answers the clients blocked in WAIT too
  waiters_.clear();
  getack_pending_ = false;
  SetLogRole('S');
  // Our own replicas must resync with us once our data changes under them.
  for (Client* c : replicas_) {
    c->flags |= kClientCloseAfterReply;
    server_->MarkPendingWrite(c);
  }
  SetState(LinkState::kConnect);
  next_connect_ms_ = 0;
  link_down_since_ms_ = server_->clock().NowMs();
  LogNotice("Connecting to MASTER " + host + ":" + std::to_string(port));
  StartConnect();
}

void Replication::SetState(LinkState s) {
  state_ = s;
  // The dispatcher refuses non-stale commands with -MASTERDOWN while a replica's link is down
  // (replica-serve-stale-data no).
  server_->set_master_link_up(s == LinkState::kConnected);
}

void Replication::BecomeMaster() {
  if (!is_replica()) return;
  DropLink("promoted to master");
  // Keep the data and continue its history: replicas of our old master can PSYNC with us (replid2).
  replid2_ = master_replid_.empty() ? std::string(40, '0') : master_replid_;
  second_offset_ = master_offset_ + 1;
  NewReplid();
  master_host_.clear();
  master_port_ = 0;
  master_fallback_ip_.clear();
  SetState(LinkState::kNone);
  server_->set_replica(false);
  SetLogRole('M');
  LogNotice("MASTER MODE enabled (replid " + replid_ + ", continuing " + replid2_ + " up to offset " +
            std::to_string(master_offset_) + ")");
}

// ---- FAILOVER (standalone masters) ----
//
// As redis-server 7.0's failoverCommand / updateFailoverStatus: FAILOVER pauses writes (a pause of its own
// purpose: CLIENT UNPAUSE does not end it) and waits in state waiting-for-sync until the target replica (or,
// without TO, any replica) has acked our whole stream (REPLCONF ACK == master_repl_offset). Then, in state
// failover-in-progress, we follow that replica; our handshake's PSYNC carries FAILOVER, and the replica,
// seeing its master's replid, becomes a master that continues our history and answers +CONTINUE. Its answer
// ends the failover (the pause too: held writes then meet a replica and get -READONLY); a refusal, or
// FAILOVER ABORT, makes us a master again. At the TIMEOUT, FORCE goes ahead anyway, else the failover is
// aborted. In failover-in-progress only FAILOVER ABORT ends a failover whose target does not answer.

std::string Replication::ReplicaIp(const Client* c) const {
  for (const auto& a : announced_ips_) {
    if (a.first == c) return a.second;
  }
  return c->addr.substr(0, c->addr.rfind(':'));
}

Client* Replication::FindReplica(const std::string& host, int port) const {
  for (Client* c : replicas_) {
    if (EqualsIgnoreCase(ReplicaIp(c), host) && c->repl_listening_port == port) return c;
  }
  return nullptr;
}

std::string Replication::StartFailover(bool to, const std::string& host, int64_t port, int64_t timeout_ms,
                                       bool force) {
  if (failover_in_progress()) return std::string(err::kFailoverInProgress);
  if (is_replica()) return std::string(err::kFailoverOnReplica);
  if (replicas_.empty()) return std::string(err::kFailoverNoReplicas);
  if (force && (timeout_ms == 0 || !to)) return std::string(err::kFailoverForceArgs);
  if (to) {
    Client* target = port < 0 || port > 65535 ? nullptr : FindReplica(host, static_cast<int>(port));
    if (target == nullptr) return std::string(err::kFailoverTargetNotReplica);
    if (target->repl_state != "online") return std::string(err::kFailoverTargetNotOnline);
    failover_host_ = host;
    failover_port_ = static_cast<int>(port);
    LogNotice("FAILOVER requested to " + host + ":" + std::to_string(port) + ".");
  } else {
    LogNotice("FAILOVER requested to any replica.");
  }
  int64_t now = server_->clock().NowMs();
  failover_end_ms_ = timeout_ms > 0 ? (timeout_ms > INT64_MAX - now ? INT64_MAX : now + timeout_ms) : 0;
  failover_force_ = force;
  failover_state_ = FailoverState::kWaitForSync;
  server_->PauseClients(INT64_MAX, Server::PauseType::kWrite, Server::PausePurpose::kFailover);
  return "";
}

void Replication::ClearFailoverState() {
  failover_end_ms_ = 0;
  failover_force_ = false;
  failover_host_.clear();
  failover_port_ = 0;
  failover_state_ = FailoverState::kNone;
  server_->UnpauseClients(Server::PausePurpose::kFailover);
}

bool Replication::AbortFailover(const std::string& why) {
  if (failover_state_ == FailoverState::kNone) return false;
  if (!failover_host_.empty()) {
    LogNotice("FAILOVER to " + failover_host_ + ":" + std::to_string(failover_port_) + " aborted: " + why);
  } else {
    LogNotice("FAILOVER to any replica aborted: " + why);
  }
  if (failover_state_ == FailoverState::kInProgress) {
    BecomeMaster();
    server_->config().replicaof.clear();
  }
  ClearFailoverState();
  return true;
}

void Replication::UpdateFailoverStatus() {
  if (failover_state_ != FailoverState::kWaitForSync) return;
  int64_t now = server_->clock().NowMs();
  if (failover_end_ms_ != 0 && failover_end_ms_ <= now) {
    if (failover_force_) {
      LogNotice("FAILOVER to " + failover_host_ + ":" + std::to_string(failover_port_) +
                " time out exceeded, failing over.");
      failover_state_ = FailoverState::kInProgress;
      ReplicateFrom(failover_host_, failover_port_);
      server_->config().replicaof = failover_host_ + " " + std::to_string(failover_port_);
    } else {
      AbortFailover("Replica never caught up before timeout");
    }
    return;
  }
  Client* target = nullptr;
  if (!failover_host_.empty()) {
    target = FindReplica(failover_host_, failover_port_);
  } else {
    for (Client* c : replicas_) {
      if (c->repl_ack_offset == master_offset_) {
        target = c;
        failover_host_ = ReplicaIp(c);
        failover_port_ = c->repl_listening_port;
        break;
      }
    }
  }
  if (target == nullptr || target->repl_ack_offset != master_offset_) return;
  failover_state_ = FailoverState::kInProgress;
  LogNotice("Failover target " + failover_host_ + ":" + std::to_string(failover_port_) + " is synced, failing over.");
  ReplicateFrom(failover_host_, failover_port_);
  server_->config().replicaof = failover_host_ + " " + std::to_string(failover_port_);
}

// ---- Replica side: the link to our master ----

void Replication::StartConnect() {
  // Not before our own data is loaded (the AOF): PSYNC then asks for what follows it.
  if (state_ != LinkState::kConnect || server_->loading()) return;
  int64_t now = server_->clock().NowMs();
  if (now < next_connect_ms_) return;
  std::string ip = master_host_;
  if (!net::IsNumericAddress(master_host_)) {
    // Resolved again for every attempt, off the event loop; the attempt waits for the answer at most a
    // second, then uses the last known IP (a lookup that hangs, a name the DNS does not know yet).
    PollLookup();
    if (lookup_started_ms_ == 0) {
      lookup_started_ms_ = now;
      lookup_done_ = false;
      lookup_ip_.clear();
      resolver_.Request(master_host_);
    }
    if (!lookup_done_ && now - lookup_started_ms_ < 1000) return;  // the cron asks again
    ip = lookup_ip_.empty() ? master_fallback_ip_ : lookup_ip_;
    lookup_started_ms_ = 0;
    if (ip.empty()) {
      next_connect_ms_ = now + 1000;
      LogWarning("Unable to connect to MASTER " + master_host_ + ":" + std::to_string(master_port_) +
                 ": the name does not resolve");
      return;
    }
  }
  next_connect_ms_ = now + 1000;
  auto sock = net::StartConnect(ip, master_port_, net::SourceAddressFor(server_->config().bind));
  if (!sock.ok()) {
    LogWarning("Unable to connect to MASTER " + master_host_ + ":" + std::to_string(master_port_) + ": " +
               sock.status().message());
    return;
  }
  dialed_ip_ = ip;
  int fd = sock->fd();
  link_ = net::Connection(std::move(*sock));  // state_ says when it is connected
  SetState(LinkState::kConnecting);
  link_started_ms_ = now;
  handshake_replies_ = 0;
  psync_sent_ = false;
  transfer_len_ = -1;
  eof_mark_.clear();
  server_->loop()->Add(fd, EventLoop::kReadable | EventLoop::kWritable,
                       [this](int, uint32_t ev) { OnLinkEvent(ev); });
}

void Replication::SendToMaster(const std::vector<std::string_view>& argv) {
  if (!link_.valid()) return;  // an earlier write of this handshake failed and dropped the link
  AppendRespCommand(&link_.output_buffer(), argv);
  Status st = link_.Flush();
  if (!st.ok()) {
    DropLink("Error writing to MASTER: " + st.message());
    return;
  }
  // What the socket did not take goes out when it is writable again (OnLinkEvent).
  if (link_.has_pending_output()) server_->loop()->Modify(link_.fd(), EventLoop::kReadable | EventLoop::kWritable);
}

void Replication::OnLinkEvent(uint32_t events) {
  if (state_ == LinkState::kConnecting) {
    Status st = net::FinishConnect(link_.fd());
    if (!st.ok()) {
      DropLink("Error condition on socket for SYNC: " + st.message());
      return;
    }
    if (!(events & EventLoop::kWritable)) return;
    server_->loop()->Modify(link_.fd(), EventLoop::kReadable);
    LogNotice("MASTER <-> REPLICA sync started");
    SetState(LinkState::kHandshake);
    SendToMaster({"PING"});
    if (!server_->config().masterauth.empty()) {
      if (!server_->config().masteruser.empty()) {
        SendToMaster({"AUTH", server_->config().masteruser, server_->config().masterauth});
      } else {
        SendToMaster({"AUTH", server_->config().masterauth});
      }
    }
    std::string port = std::to_string(server_->config().cluster_announce_port > 0 ? server_->config().cluster_announce_port
                                                                                   : server_->config().port);
    SendToMaster({"REPLCONF", "listening-port", port});
    SendToMaster({"REPLCONF", "capa", "eof", "capa", "psync2", "capa", "rcs"});
    return;
  }
  if (events & EventLoop::kWritable) {
    Status st = link_.Flush();
    if (!st.ok()) {
      DropLink("Error writing to MASTER: " + st.message());
      return;
    }
    if (!link_.has_pending_output()) server_->loop()->Modify(link_.fd(), EventLoop::kReadable);
  }
  if (!(events & EventLoop::kReadable)) return;
  auto n = link_.ReadAvailable(SIZE_MAX);
  if (!n.ok()) {
    DropLink(link_.eof() ? "MASTER closed the connection during the handshake"
                         : "Error reading from MASTER: " + n.status().message());
    return;
  }
  if (*n > 0) last_io_ms_ = server_->clock().NowMs();
  OnHandshakeData();
}

void Replication::OnHandshakeData() {
  int expected = server_->config().masterauth.empty() ? 3 : 4;  // PING, [AUTH], REPLCONF x2
  std::string line;
  while (state_ == LinkState::kHandshake && handshake_replies_ < expected) {
    if (!link_.TakeLine(&line)) return;
    handshake_replies_++;
    bool is_ping_reply = handshake_replies_ == 1;
    bool is_auth_reply = !server_->config().masterauth.empty() && handshake_replies_ == 2;
    if (!line.empty() && line[0] == '-') {
      // PING may be refused before AUTH (NOAUTH): that is expected. Anything else is fatal for this attempt.
      if (is_ping_reply && line.rfind("-NOAUTH", 0) == 0) continue;
      if (is_auth_reply) {
        DropLink("Unable to AUTH to MASTER: " + line.substr(1));
        return;
      }
      if (is_ping_reply) {
        DropLink("Error reply to PING from master: '" + line.substr(1) + "'");
        return;
      }
      LogWarning("(Non critical) Master does not understand REPLCONF: " + line.substr(1));
    }
  }
  if (state_ == LinkState::kHandshake && !psync_sent_) {
    // Only now: redis-server refuses a PSYNC that arrives while replies to the earlier handshake commands
    // are still in its output buffer ("-ERR SYNC and PSYNC are invalid with pending output"), which a
    // pipelined handshake hit whenever the commands arrived in one read.
    psync_sent_ = true;
    std::string off = std::to_string(master_offset_ + 1);
    std::vector<std::string_view> psync = {"PSYNC", "?", "-1"};
    if (!master_replid_.empty()) psync = {"PSYNC", master_replid_, off};
    // A FAILOVER of ours: the target becomes the master and we its replica.
    if (failover_state_ == FailoverState::kInProgress) psync.push_back("FAILOVER");
    SendToMaster(psync);
    if (!link_.valid() && failover_state_ == FailoverState::kInProgress) {
      AbortFailover("Write error to failover target");
    }
    return;
  }
  if (state_ == LinkState::kHandshake) {
    SkipKeepaliveNewlines();
    if (!link_.TakeLine(&line)) return;
    if (failover_state_ == FailoverState::kInProgress) {
      // The target accepted (a partial resync is expected; a full one is possible) or refused the failover.
      if (line.rfind("+FULLRESYNC ", 0) == 0 || line.rfind("+CONTINUE", 0) == 0) {
        ClearFailoverState();
      } else {
        LogWarning("Failover target answered PSYNC FAILOVER: " + line);
        AbortFailover("Failover target rejected psync request");
        return;
      }
    }
    if (line.rfind("+FULLRESYNC ", 0) == 0) {
      size_t sp = line.find(' ', 12);
      master_replid_ = line.substr(12, sp - 12);
      int64_t off = 0;
      ParseInt64(line.substr(sp + 1), &off);
      master_offset_ = off;
      SetState(LinkState::kTransfer);
      sync_in_progress_ = true;
      LogNotice("Full resync from master: " + master_replid_ + ":" + std::to_string(off));
    } else if (line.rfind("+CONTINUE", 0) == 0) {
      if (line.size() > 10) {
        std::string newid = line.substr(10);
        if (newid != master_replid_) {
          // The master took over another history (failover): ours continues under its id.
          replid2_ = master_replid_;
          second_offset_ = master_offset_ + 1;
          master_replid_ = replid_ = newid;
        }
      }
      LogNotice("Successful partial resynchronization with master.");
      FinishTransfer({}, link_.in());
      return;
    } else if (line.rfind("-NOAUTH", 0) == 0 || line.rfind("-WRONGPASS", 0) == 0) {
      DropLink("MASTER aborted replication: " + line.substr(1) + " (check masterauth)");
      return;
    } else {
      DropLink("Unexpected reply to PSYNC from master: " + line);
      return;
    }
  }
  if (state_ == LinkState::kTransfer) {
    if (transfer_len_ < 0 && eof_mark_.empty()) {
      SkipKeepaliveNewlines();
      if (!link_.TakeLine(&line)) return;
      if (line.rfind("$EOF:", 0) == 0 && line.size() == 45) {
        eof_mark_ = line.substr(5);
        eof_scan_from_ = 0;
      } else if (line.empty() || line[0] != '$' || !ParseInt64(std::string_view(line).substr(1), &transfer_len_) ||
                 transfer_len_ < 0) {
        DropLink("Bad protocol from MASTER, the first byte is not '$': " + line.substr(0, 32));
        return;
      }
    }
    if (!eof_mark_.empty()) {
      // A streamed snapshot: it ends where the mark is (searched only in bytes not searched before).
      const std::string& in = link_.in();
      size_t at = in.find(eof_mark_, eof_scan_from_);
      if (at == std::string::npos) {
        eof_scan_from_ = in.size() >= eof_mark_.size() ? in.size() - eof_mark_.size() + 1 : 0;
        return;
      }
      std::string snapshot = in.substr(0, at);
      std::string rest = in.substr(at + eof_mark_.size());
      eof_mark_.clear();
      FinishTransfer(snapshot, rest);
      return;
    }
    if (static_cast<int64_t>(link_.in().size()) < transfer_len_) return;
    std::string snapshot = link_.in().substr(0, static_cast<size_t>(transfer_len_));
    std::string rest = link_.in().substr(static_cast<size_t>(transfer_len_));
    FinishTransfer(snapshot, rest);
  }
}

void Replication::SkipKeepaliveNewlines() {
  // redis-server sends a bare "\n" every second to a replica waiting for its snapshot (before +FULLRESYNC
  // while a diskless sync waits for more replicas, and before the "$" line while its BGSAVE runs).
  size_t n = 0;
  while (n < link_.in().size() && link_.in()[n] == '\n') n++;
  if (n > 0) link_.Consume(n);
}

namespace {

// Keeps the keys and function libraries of an RDB snapshot until the whole image parsed and its checksum
// matched: only then do they replace our data.
class CollectingRdbSink : public RdbSink {
 public:
  explicit CollectingRdbSink(int databases) : databases_(databases) {}
  // A standalone replica takes every database of its master's image (cluster mode: database 0 only).
  bool takes_databases() const override { return databases_ > 1; }
  Status OnSelectDb(uint64_t dbid) override {
    if (dbid >= static_cast<uint64_t>(databases_)) {
      return Status::Error("FATAL: Data file was created with a Redis server configured to handle more than " +
                           std::to_string(databases_) + " databases");
    }
    db_ = static_cast<int>(dbid);
    return Status::Ok();
  }
  Status OnFunction(std::string code) override {
    functions.push_back(std::move(code));
    return Status::Ok();
  }
  Status OnKey(RdbKey&& key) override {
    keys.push_back(std::move(key));
    key_dbs.push_back(db_);
    return Status::Ok();
  }
  std::vector<std::string> functions;
  std::vector<RdbKey> keys;
  std::vector<int> key_dbs;  // the database of each key

 private:
  int databases_;
  int db_ = 0;
};

}  // namespace

bool Replication::LoadRdbSnapshot(std::string_view rdb, size_t* loaded) {
  CollectingRdbSink sink(server_->config().cluster_enabled ? 1 : server_->db_count());
  StatusOr<RdbSummary> sum = ParseRdb(rdb, RdbOptionsFromConfig(server_->config()), sink);
  std::string error;
  if (!sum.ok()) {
    error = sum.status().message();
  } else if (sum->end_offset != rdb.size()) {
    error = "unexpected bytes after the checksum at offset " + std::to_string(sum->end_offset);
  } else {
    {
      std::vector<std::pair<int, std::string_view>> names;
      names.reserve(sink.keys.size());
      for (size_t i = 0; i < sink.keys.size(); i++) names.emplace_back(sink.key_dbs[i], sink.keys[i].key);
      std::sort(names.begin(), names.end());
      auto it = std::adjacent_find(names.begin(), names.end());
      if (it != names.end()) error = "duplicate key '" + std::string(it->second.substr(0, 128)) + "'";
    }
  }
  if (!error.empty()) {
    DropLink("Failed trying to load the MASTER synchronization DB from socket: " + error);
    return false;
  }
  // Complete and valid: it replaces our data. A replica keeps keys whose time passed (its master's DELs
  // remove them), as redis-server's replicas do.
  ClearAllDbs(*server_);
  server_->TouchAllKeys();
  for (size_t i = 0; i < sink.keys.size(); i++) {
    RdbKey& k = sink.keys[i];
    Keyspace& db = server_->db_at(sink.key_dbs[i]);
    Entry* e = StoreDumpedValue(db, k.key, std::move(k.value), k.expire_at_ms);
    if (e != nullptr) db.SetAccessInfo(e, k.lfu_freq, k.lru_idle_s);  // the snapshot's FREQ / IDLE
  }
  {
    CommandStreamLoader loader(*server_);
    std::string reply;
    std::vector<std::string_view> flush = {"FUNCTION", "FLUSH"};
    loader.Execute(flush, &reply);
    for (const std::string& code : sink.functions) {
      std::vector<std::string_view> argv = {"FUNCTION", "LOAD", code};
      if (!loader.Execute(argv, &reply)) LogWarning("MASTER's function library not loaded: " + reply);
    }
  }
  *loaded = sink.keys.size();
  return true;
}

void Replication::FinishTransfer(std::string_view snapshot, std::string_view rest) {
  bool full = state_ == LinkState::kTransfer;
  if (full && LooksLikeRdb(snapshot)) {
    // redis-server's full sync: an RDB image.
    size_t keys = 0;
    if (!LoadRdbSnapshot(snapshot, &keys)) {
      master_replid_.clear();  // the next attempt asks for a full sync again
      return;
    }
    backlog_.set_end_offset(master_offset_);
    replid_ = master_replid_;
    replid2_ = std::string(40, '0');
    second_offset_ = -1;
    server_->DatasetReplaced();
    LogNotice("MASTER <-> REPLICA sync: Finished with success (RDB, " + std::to_string(keys) + " keys loaded)");
  } else if (full) {
    // Replace our data with the master's snapshot: flush, then replay it as the AOF is replayed.
    ClearAllDbs(*server_);
    server_->TouchAllKeys();
    size_t applied = 0;
    {
      CommandStreamLoader loader(*server_);
      StatusOr<size_t> r = loader.Feed(snapshot);
      if (!r.ok() || *r != snapshot.size() || loader.in_transaction()) {
        DropLink("Corrupt snapshot from MASTER at byte " + std::to_string(loader.offset()) +
                 (r.ok() ? std::string(" (truncated)") : ": " + r.status().message()));
        master_replid_.clear();  // our data is gone: the next attempt asks for a full sync again
        return;
      }
      applied = loader.commands();
    }
    // Our backlog now continues from the master's offset.
    backlog_.set_end_offset(master_offset_);
    replid_ = master_replid_;
    replid2_ = std::string(40, '0');
    second_offset_ = -1;
    server_->DatasetReplaced();
    LogNotice("MASTER <-> REPLICA sync: Finished with success (" + std::to_string(applied) + " commands loaded)");
  }
  sync_in_progress_ = false;
  server_->loop()->Remove(link_.fd());
  net::Socket sock = link_.ReleaseSocket();
  SetState(LinkState::kConnected);
  last_io_ms_ = server_->clock().NowMs();
  link_down_since_ms_ = 0;
  // The stream continues in the database it had SELECTed (a full sync's snapshot is followed by a SELECT).
  if (full) master_db_ = 0;
  if (master_db_ >= server_->db_count()) master_db_ = 0;
  // `rest` may point into the link's input buffer: reset the link only after the client copied it. It is
  // applied once the client is in its database (AdoptConnection would run it at once).
  master_client_ = server_->AdoptConnection(sock.Release(), kClientMaster, "");
  master_client_->db = master_db_;
  if (!rest.empty()) {
    Client* c = master_client_;
    server_->PauseClient(c);
    c->qbuf.assign(rest.data(), rest.size());
    c->qpos = 0;
    c->qlen = c->qbuf.size();
    server_->ResumeClient(c);
  }
  link_ = net::Connection();
}

void Replication::OnMasterStreamApplied(std::string_view raw) {
  last_io_ms_ = server_->clock().NowMs();
  // Keep the same bytes in our backlog (and pass them to our own replicas): offsets stay equal down
  // the chain, and a promoted replica can serve partial resyncs.
  backlog_.Append(raw);
  master_offset_ = backlog_.end_offset();
  for (Client* c : replicas_) {
    if (c->repl_state == "send_bulk") {
      if (SnapshotTransfer* t = TransferOf(c)) t->pending.append(raw.data(), raw.size());
      continue;
    }
    if (c->repl_state == "wait_bgsave") {
      for (auto& h : held_) {
        if (h.first == c) h.second.append(raw.data(), raw.size());
      }
      continue;
    }
    if (c->repl_state != "online") continue;
    c->out.append(raw.data(), raw.size());
    server_->MarkPendingWrite(c);
  }
}

void Replication::PollLookup() {
  for (net::Resolver::Result& r : resolver_.TakeResults()) {
    if (r.name != master_host_ || lookup_started_ms_ == 0) continue;  // a lookup for an earlier master
    lookup_done_ = true;
    lookup_ip_ = r.ip;
    if (r.ip.empty()) LogVerbose("Could not resolve MASTER " + r.name + ": " + r.error);
  }
}

void Replication::DropLink(const std::string& why) {
  dialed_ip_.clear();
  if (link_.valid()) server_->loop()->Remove(link_.fd());
  link_ = net::Connection();
  if (master_client_ != nullptr) {
    Client* c = master_client_;
    master_client_ = nullptr;
    master_db_ = c->db;
    c->flags |= kClientCloseAsap;
    server_->FreeClientLater(c);
  }
  if (state_ != LinkState::kNone) {
    if (state_ != LinkState::kConnect) LogWarning(why);
    if (link_down_since_ms_ == 0) link_down_since_ms_ = server_->clock().NowMs();
    state_ = is_replica() ? LinkState::kConnect : LinkState::kNone;
  }
  sync_in_progress_ = false;
}

void Replication::OnClientFreed(Client* c) {
  if (SnapshotTransfer* t = TransferOf(c)) {
    if (t->reading) server_->loop()->Remove(t->stream->fd());
    transfers_.erase(std::remove_if(transfers_.begin(), transfers_.end(),
                                    [t](const std::unique_ptr<SnapshotTransfer>& p) { return p.get() == t; }),
                     transfers_.end());  // the stream's destructor stops its child
  }
  if (c == master_client_) {
    master_client_ = nullptr;
    master_db_ = c->db;
    if (state_ == LinkState::kConnected) {
      LogWarning("Connection with master lost.");
      dialed_ip_.clear();
      SetState(LinkState::kConnect);
      link_down_since_ms_ = server_->clock().NowMs();
    }
  }
  replicas_.erase(std::remove(replicas_.begin(), replicas_.end(), c), replicas_.end());
  rcs_capa_replicas_.erase(std::remove(rcs_capa_replicas_.begin(), rcs_capa_replicas_.end(), c),
                           rcs_capa_replicas_.end());
  eof_capa_replicas_.erase(std::remove(eof_capa_replicas_.begin(), eof_capa_replicas_.end(), c),
                           eof_capa_replicas_.end());
  rdb_only_replicas_.erase(std::remove(rdb_only_replicas_.begin(), rdb_only_replicas_.end(), c),
                           rdb_only_replicas_.end());
  announced_ips_.erase(std::remove_if(announced_ips_.begin(), announced_ips_.end(),
                                     [c](const std::pair<Client*, std::string>& a) { return a.first == c; }),
                      announced_ips_.end());
  held_.erase(std::remove_if(held_.begin(), held_.end(),
                             [c](const std::pair<Client*, std::string>& h) { return h.first == c; }),
              held_.end());
  waiters_.erase(std::remove_if(waiters_.begin(), waiters_.end(), [c](const Waiter& w) { return w.client == c; }),
                 waiters_.end());
}

void Replication::Cron() {
  int64_t now = server_->clock().NowMs();
  const Config& cfg = server_->config();
  // A process that was stopped (SIGSTOP, a long stall) must not grow its stream the moment it resumes: in
  // cluster mode it may have been replaced meanwhile, and an extra PING would make its history longer than
  // the new master's, forcing a full sync instead of a partial one. Redis gets this by counting cron loops
  // for the replica ping; we postpone the ping by one period after a stall.
  if (last_cron_ms_ != 0 && now - last_cron_ms_ > 2000) last_ping_ms_ = now;
  last_cron_ms_ = now;
  UpdateFailoverStatus();
  if (is_replica()) {
    if (state_ == LinkState::kConnect) StartConnect();
    if ((state_ == LinkState::kConnecting || state_ == LinkState::kHandshake || state_ == LinkState::kTransfer) &&
        now - link_started_ms_ > static_cast<int64_t>(cfg.repl_timeout) * 1000) {
      DropLink("Timeout connecting to the MASTER...");
    }
    if (state_ == LinkState::kConnected && master_client_ != nullptr) {
      if (now - last_io_ms_ > static_cast<int64_t>(cfg.repl_timeout) * 1000) {
        DropLink("MASTER timeout: no data nor PING received...");
      } else if (now - last_ack_ms_ >= 1000) {
        last_ack_ms_ = now;
        AppendRespCommand(&master_client_->out, {"REPLCONF", "ACK", std::to_string(master_offset_)});
        server_->MarkPendingWrite(master_client_);
      }
    }
  } else if (!replicas_.empty() && now - last_ping_ms_ >= static_cast<int64_t>(cfg.repl_ping_replica_period) * 1000) {
    last_ping_ms_ = now;
    // Not during a FAILOVER with a TIMEOUT while writes are paused: the PING would move the offset the
    // replicas must match (redis-server skips it then too).
    bool failover_pause = failover_end_ms_ != 0 && server_->pause_type() != Server::PauseType::kOff;
    if (!failover_pause) {
      std::vector<std::string_view> ping = {"PING"};
      Feed(ping);
    }
  }
  ServeWaiters();
}

void Replication::BeforeSleep() {
  if (getack_pending_ && server_->pause_type() == Server::PauseType::kOff) {
    getack_pending_ = false;
    if (!is_replica() && backlog_active_) FeedBytes("*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n");
  }
  // Acks that arrived may complete a FAILOVER's wait (Redis checks in beforeSleep too).
  UpdateFailoverStatus();
  // Snapshot transfers paused while their replica's output was full resume once it drained.
  for (size_t i = 0; i < transfers_.size();) {
    SnapshotTransfer* t = transfers_[i].get();
    size_t before = transfers_.size();
    if (!t->reading) PumpTransfer(t);
    if (transfers_.size() == before) i++;
  }
}

void Replication::Shutdown() { DropLink("shutting down"); }

void Replication::InfoSection(std::string* out) {
  int64_t now = server_->clock().NowMs();
  if (is_replica()) {
    InfoField(out, "role", "slave");
    InfoField(out, "master_host", master_host_);
    InfoField(out, "master_port", master_port_);
    InfoField(out, "master_link_status", state_ == LinkState::kConnected ? "up" : "down");
    InfoField(out, "master_last_io_seconds_ago", state_ == LinkState::kConnected ? (now - last_io_ms_) / 1000 : -1);
    InfoField(out, "master_sync_in_progress", sync_in_progress_ ? 1 : 0);
    InfoField(out, "slave_read_repl_offset", master_offset_);
    InfoField(out, "slave_repl_offset", master_offset_);
    if (state_ != LinkState::kConnected) {
      InfoField(out, "master_link_down_since_seconds", link_down_since_ms_ ? (now - link_down_since_ms_) / 1000 : -1);
    }
    InfoField(out, "slave_priority", 100);
    InfoField(out, "slave_read_only", server_->config().replica_read_only ? 1 : 0);
    InfoField(out, "replica_announced", 1);
  } else {
    InfoField(out, "role", "master");
  }
  InfoField(out, "connected_slaves", static_cast<int64_t>(online_replicas()));
  const Config& cfg = server_->config();
  if (cfg.min_replicas_to_write > 0 && cfg.min_replicas_max_lag > 0) {
    InfoField(out, "min_slaves_good_slaves", static_cast<int64_t>(good_replicas(cfg.min_replicas_max_lag)));
  }
  int i = 0;
  for (Client* c : replicas_) {
    std::string ip = ReplicaIp(c);
    int64_t lag = c->repl_ack_time_ms ? (now - c->repl_ack_time_ms) / 1000 : 0;
    std::string line = "ip=" + ip + ",port=" + std::to_string(c->repl_listening_port) + ",state=" + c->repl_state +
                       ",offset=" + std::to_string(c->repl_ack_offset) + ",lag=" + std::to_string(lag);
    InfoField(out, ("slave" + std::to_string(i++)).c_str(), line);
  }
  InfoField(out, "master_failover_state", failover_state_ == FailoverState::kNone          ? "no-failover"
                                          : failover_state_ == FailoverState::kWaitForSync ? "waiting-for-sync"
                                                                                           : "failover-in-progress");
  InfoField(out, "master_replid", replid_);
  InfoField(out, "master_replid2", replid2_);
  InfoField(out, "master_repl_offset", master_offset_);
  InfoField(out, "second_repl_offset", second_offset_);
  InfoField(out, "repl_backlog_active", backlog_active_ ? 1 : 0);
  InfoField(out, "repl_backlog_size", static_cast<int64_t>(backlog_.capacity()));
  InfoField(out, "repl_backlog_first_byte_offset", backlog_.first_offset());
  InfoField(out, "repl_backlog_histlen", static_cast<int64_t>(backlog_.histlen()));
}

void Replication::RoleReply(ReplyBuilder& reply) {
  if (is_replica()) {
    const char* st = "connect";
    switch (state_) {
      case LinkState::kConnecting: st = "connecting"; break;
      case LinkState::kHandshake: st = "handshake"; break;
      case LinkState::kTransfer: st = "sync"; break;
      case LinkState::kConnected: st = "connected"; break;
      default: break;
    }
    reply.Array(5);
    reply.Bulk("slave");
    reply.Bulk(master_host_);
    reply.Integer(master_port_);
    reply.Bulk(st);
    reply.Integer(state_ == LinkState::kConnected ? master_offset_ : -1);
    return;
  }
  reply.Array(3);
  reply.Bulk("master");
  reply.Integer(master_offset_);
  size_t n = 0;
  for (Client* c : replicas_) n += c->repl_state == "online";
  reply.Array(n);
  for (Client* c : replicas_) {
    if (c->repl_state != "online") continue;
    reply.Array(3);
    reply.Bulk(ReplicaIp(c));
    reply.Bulk(std::to_string(c->repl_listening_port));
    reply.Bulk(std::to_string(c->repl_ack_offset));
  }
}

Replication* InstallReplication(Server& server) {
  return server.AddSubsystem(std::make_unique<Replication>(&server));
}

}  // namespace rcs
