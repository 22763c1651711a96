// The call path: how one command runs, from a client's argv to its reply and its effects. Top to bottom:
//
//   ExecuteCommand              a client's command (networking, the AOF loader, tests)
//     LookupCommand             which command and subcommand; the argument count
//     AdmitCommand              may it run now: authentication, a busy script, cluster redirects (subsystems),
//                               the node's state (read-only replica, maxmemory, disk errors, loading, ...)
//     PostponeIfPaused          CLIENT PAUSE: the command waits for the pause to end (monitor.cc)
//     QueueInTransaction        inside MULTI: queued for EXEC, answered QUEUED
//     Call                      runs it; also entered from EXEC, scripts and blocked clients being served
//       PrepareKeyEvents        what keyspace notifications need from before the command ran
//       the handler             the command itself (commands/*_family.cc)
//       NotifyKeyEvents         the keyspace notifications of its writes
//       RecordCallStats         commandstats, total_commands_processed, changes since the last save
//       BlockClient             the command asked to wait for keys (server.cc)
//       RecordSlowlog
//       FeedMonitors            the MONITOR line (EVAL/FCALL's before the handler, so their script's follow)
//       PropagateEffects        its writes to the AOF and the replicas, or into the running script's effects
//       TouchWrittenKeys        WATCH and the clients blocked on the written keys
//
// ACL permission checks are in AdmitCommand, right after authentication (and again at EXEC, and for each
// command a script calls). Client tracking (server/tracking.h) remembers the keys a read-only command read in
// Call after the handler, and sends invalidations from TouchWrittenKeys (and TouchKey, TouchAllKeys); Call
// brackets itself with Tracking::EnterCall/ExitCall so that the running client's own invalidations follow
// its reply.
//
// Writes reach the sinks (AOF, replication) through Emit. BeginWriteGroup / EndWriteGroup / EndTransactionWrites
// are the one place that wraps them in MULTI/EXEC: a transaction's writes, a script's effects.
#include "server/server.h"

#include <algorithm>
#include <string>
#include <vector>

#include "base/strutil.h"
#include "protocol/errors.h"
#include "keyspace/notify_classes.h"
#include "server/db_key.h"
#include "server/monitor.h"
#include "server/slot_stats.h"
#include "server/tracking.h"

namespace rcs {

namespace {

// The slot CLUSTER SLOT-STATS counts a top-level command for: the one slot all its keys hash to (for EXEC,
// the keys of its queued commands), -1 when it has none (or, outside cluster checks, several).
int SlotOfCommand(const CommandRegistry& registry, const Client* c, const CommandSpec& spec, ArgList argv) {
  static thread_local std::vector<int> idx;
  int slot = -1;
  auto add = [&](const CommandSpec& s, ArgList av) {
    idx.clear();
    if (!s.KeyIndices(av, &idx)) return true;
    for (int i : idx) {
      int k = KeyHashSlot(av[i]);
      if (slot >= 0 && k != slot) return false;
      slot = k;
    }
    return true;
  };
  if (spec.is(kCmdRunsQueue)) {
    if (!c->has(kClientMulti)) return -1;
    std::vector<std::string_view> av;
    for (const auto& cmd : c->multi_queue) {
      av.assign(cmd.begin(), cmd.end());
      ArgList list(av.data(), av.size());
      const CommandSpec* s = registry.Resolve(list);
      if (s != nullptr && !add(*s, list)) return -1;
    }
    return slot;
  }
  if (spec.first_key == 0 && !spec.is(kCmdMovableKeys)) return -1;
  return add(spec, argv) ? slot : -1;
}

// MULTI's request, counted with its EXEC (MULTI itself has no keys): *1\r\n$5\r\nmulti\r\n.
constexpr uint64_t kMultiRequestBytes = 15;

}  // namespace

// ---- Before the command runs: lookup, admission, MULTI queueing ----

void Server::ExecuteCommand(Client* c, ArgList argv) {
  if (argv.empty()) return;
  current_client_ = c;
  c->last_interaction_ms = clock_->NowMs();
  const CommandSpec* spec = LookupCommand(c, argv);
  bool postponed = false;
  [&] {
    if (spec == nullptr) return;
    if (!monitors_.empty() && spec->is(kCmdRunsQueue)) {
      // A refused EXEC still shows on MONITOR (Redis's execCommandAbort): the transaction is over.
      if (!AdmitCommand(c, *spec, argv)) {
        FeedMonitors(c, argv);
        return;
      }
    } else if (!AdmitCommand(c, *spec, argv)) {
      return;
    }
    // CLIENT PAUSE: the last check before running, as in Redis's processCommand.
    if (pause_.type != PauseType::kOff && PostponeIfPaused(c, *spec, argv)) {
      postponed = true;
      return;
    }
    if (QueueInTransaction(c, *spec, argv)) return;
    if (tracking_->clients() > 0) tracking_->LimitTableSize();  // tracking-table-max-keys, as processCommand
    Call(c, *spec, argv);
  }();
  // A postponed command has not finished (Redis resets the client only when it has).
  if (!postponed && tracking_->clients() > 0) tracking_->AfterCommand(c, spec);
}

void Server::CountRejected(Client* c, const CommandSpec* spec) {
  // A refused command counts as rejected and, inside MULTI, makes EXEC abort (Redis's rejectCommand).
  if (spec != nullptr) spec->stats.rejected_calls++;
  if (c->has(kClientMulti)) c->flags |= kClientDirtyExec;
}

bool Server::RejectCommand(Client* c, const CommandSpec* spec, std::string_view error) {
  CountRejected(c, spec);
  // A refused EXEC discards the transaction (if any) and says why, as Redis's rejectCommand does with
  // execCommandAbort (also outside MULTI).
  if (spec != nullptr && spec->is(kCmdRunsQueue)) {
    DiscardTransaction(c);
    c->reply.Error(err::ExecAbortBecause(error));
    return false;
  }
  c->reply.Error(error);
  return false;
}

const CommandSpec* Server::LookupCommand(Client* c, ArgList argv) {
  const CommandSpec* spec = registry_.Find(argv[0]);
  if (spec == nullptr) {
    RejectCommand(c, nullptr, err::UnknownCommand(argv[0], argv.data() + 1, std::min<size_t>(argv.size() - 1, 64)));
    return nullptr;
  }
  if (!spec->subcommands.empty()) {
    if (argv.size() < 2) {
      RejectCommand(c, spec, err::WrongArgs(spec->name));
      return nullptr;
    }
    const CommandSpec* sub = CommandRegistry::FindSubcommand(*spec, argv[1]);
    if (sub == nullptr) {
      RejectCommand(c, spec, err::UnknownSubcommand(argv[1], spec->name));
      return nullptr;
    }
    spec = sub;
  }
  int argc = static_cast<int>(argv.size());
  if ((spec->arity > 0 && argc != spec->arity) || argc < -spec->arity) {
    RejectCommand(c, spec, err::WrongArgs(spec->name));
    return nullptr;
  }
  return spec;
}

bool Server::AdmitCommand(Client* c, const CommandSpec& spec, ArgList argv) {
  // As Redis, before authentication: a protected command is refused to everyone unless its directive allows it.
  if (spec.is(kCmdProtected)) {
    // MODULE LOAD/LOADEX/UNLOAD answer to enable-module-command (no effect here beyond this), DEBUG to
    // enable-debug-command.
    if (spec.parent != nullptr && spec.parent->name == "module") {
      auto it = config_.no_effect_values.find("enable-module-command");
      if (!AllowProtected(c, it == config_.no_effect_values.end() ? "no" : it->second)) {
        return RejectCommand(c, &spec, err::kModuleNotAllowed);
      }
    } else if (!AllowProtected(c, config_.enable_debug_command)) {
      return RejectCommand(c, &spec, err::kDebugNotAllowed);
    }
  }
  if (!CheckAuth(c, spec)) return RejectCommand(c, &spec, err::kNoAuth);
  // ACL: the user's commands, keys and channels. A user with every permission (the default user unless
  // configured otherwise) costs one flag test.
  if (c->user != nullptr && !c->user->unrestricted()) {
    AclResult r = CheckAcl(c, spec, argv, c->has(kClientMulti) ? "multi" : "toplevel");
    if (r == kAclDeniedCmd) return RejectCommand(c, &spec, err::NoPermCommand(spec.name));
    if (r == kAclDeniedKey) return RejectCommand(c, &spec, err::kNoPermKey);
    if (r == kAclDeniedChannel) return RejectCommand(c, &spec, err::kNoPermChannel);
  }
  if (busy_script_ != 0 && !spec.is(kCmdAllowBusy)) {
    return RejectCommand(c, &spec, busy_script_ == 1 ? err::kBusyScript : err::kBusyFunction);
  }
  return AdmitBySubsystems(c, spec, argv) && AdmitByNodeState(c, spec);
}

bool Server::AllowProtected(const Client* c, std::string_view setting) {
  if (setting == "yes") return true;
  if (setting != "local") return false;
  // Redis's islocalClient: a unix socket (none here) or a TCP peer at exactly 127.0.0.1 or ::1.
  std::string_view addr = c->addr;
  size_t colon = addr.rfind(':');
  std::string_view ip = colon == std::string_view::npos ? addr : addr.substr(0, colon);
  return ip == "127.0.0.1" || ip == "::1";
}

bool Server::CheckAuth(Client* c, const CommandSpec& spec) {
  if (!AuthRequired(c)) return true;
  if (c->has(kClientMaster)) return true;  // our master's stream and loaders run as the master client
  return spec.is(kCmdNoAuth);
}

bool Server::AdmitBySubsystems(Client* c, const CommandSpec& spec, ArgList argv) {
  // Redirect checks (cluster) do not apply to our master's stream or to loading.
  if (c->has(kClientMaster) || loading_) return true;
  for (auto& [type, sub] : subsystems_) {
    if (!sub->CheckCommand(c, spec, argv)) {
      CountRejected(c, &spec);  // the subsystem wrote the error reply
      return false;
    }
  }
  return true;
}

bool Server::AdmitByNodeState(Client* c, const CommandSpec& spec) {
  if (c->has(kClientMaster)) return true;  // our master's stream (and our loaders) always run
  if (is_replica_ && config_.replica_read_only && spec.is(kCmdWrite)) {
    return RejectCommand(c, &spec, err::kReadOnlyReplica);
  }
  // Every command evicts when over maxmemory (Redis's processCommand); only deny-oom ones are refused when
  // nothing is left to evict.
  if (config_.maxmemory > 0 && !EvictIfNeeded() && spec.is(kCmdDenyOom)) return RejectCommand(c, &spec, err::kOom);
  // The AOF cannot be written: refuse writes (and PING on a master, as Redis does, so that monitoring sees
  // it) until the disk works again. Reads keep working.
  // A failed RDB save refuses them the same way, on a master only (Redis checks it first).
  std::string_view write_error = DiskWriteRefusal();
  if (!write_error.empty() && (spec.is(kCmdWrite) || (spec.is(kCmdHealthProbe) && !is_replica_))) {
    return RejectCommand(c, &spec, write_error);
  }
  // min-replicas-to-write: a write (or the EXEC of queued writes) on a master needs that many good replicas.
  bool write = spec.is(kCmdWrite) || (spec.is(kCmdRunsQueue) && c->has(kClientMulti) && (c->multi_has & kCmdWrite));
  if (write && !EnoughGoodReplicas()) return RejectCommand(c, &spec, err::kNoReplicas);
  // RESP2 subscribe mode: only the subscription commands, PING, QUIT and RESET (RESP3 has no limits).
  if (c->has(kClientPubSub) && c->resp == 2 && !pubsub_->AllowedInSubscribeMode(spec)) {
    return RejectCommand(c, &spec, err::SubscribeContext(spec.name));
  }
  // As Redis: EXEC is refused when any queued command lacks the flag.
  bool in_multi = c->has(kClientMulti);
  auto lacks = [&](CommandFlag f) {
    return !spec.is(f) || (spec.is(kCmdRunsQueue) && in_multi && (c->multi_lacks & f) != 0);
  };
  if (is_replica_ && !master_link_up_ && !config_.replica_serve_stale_data && lacks(kCmdStale)) {
    return RejectCommand(c, &spec, err::kMasterDown);
  }
  // Our own loaders run as the master client; everyone else waits for the data set.
  if (loading_ && lacks(kCmdLoading)) return RejectCommand(c, &spec, err::kLoading);
  // Redis makes a monitor a kind of replica, which may not touch the keyspace.
  if (c->has(kClientMonitor) && (spec.is(kCmdWrite) || spec.is(kCmdReadOnly) || MayReplicate(spec))) {
    return RejectCommand(c, &spec, err::kReplicaKeyspace);
  }
  return true;
}

bool Server::EnoughGoodReplicas() const {
  if (is_replica_ || config_.min_replicas_to_write <= 0 || config_.min_replicas_max_lag <= 0) return true;
  return replication_hooks_ != nullptr &&
         replication_hooks_->good_replicas(config_.min_replicas_max_lag) >= config_.min_replicas_to_write;
}

std::string_view Server::DiskWriteRefusal() const {
  if (rdb_save_failed_ && !is_replica_) return err::kMisconfRdb;
  return write_error_;
}

std::string_view Server::WriteRefusal() const {
  std::string_view disk = DiskWriteRefusal();
  if (!disk.empty()) return disk;
  if (!EnoughGoodReplicas()) return err::kNoReplicas;
  return {};
}

bool Server::QueueInTransaction(Client* c, const CommandSpec& spec, ArgList argv) {
  if (!c->has(kClientMulti) || spec.is(kCmdTxnControl) || spec.is(kCmdNoMulti)) return false;
  c->multi_queue.emplace_back(argv.begin(), argv.end());
  c->multi_lacks |= ~spec.flags;
  c->multi_has |= spec.flags;
  c->reply.Simple("QUEUED");
  // CLUSTER SLOT-STATS: a queued command's request counts for its slot now (Valkey's commandProcessed); its
  // run and reply count with EXEC.
  if (config_.cluster_slot_stats_enabled) [[unlikely]] {
    uint64_t bytes_in = slot_stats_->take_request_bytes();
    bool counted = cluster_hooks_ != nullptr && !c->has(kClientMaster) && !loading_;
    int slot = counted ? SlotOfCommand(registry_, c, spec, argv) : -1;
    if (slot >= 0) slot_stats_->at(slot).network_bytes_in += bytes_in;
  }
  return true;
}

// ---- Call: running the command and what follows from it ----


// cluster-slot-stats-enabled: whether this call counts for a slot, and which (-1: it does not). Top-level
// commands of clients only: the commands inside EXEC and scripts are part of their caller's time and bytes,
// our master's stream and the loaders are not a client's traffic.
int Server::SlotStatsBegin(Client* c, const CommandSpec& spec, ArgList argv, bool retry) {
  uint64_t bytes_in = slot_stats_->take_request_bytes();
  if (cluster_hooks_ == nullptr || effects_.in_exec || effects_.in_script || loading_ || c->has(kClientMaster)) {
    return -1;
  }
  int slot = SlotOfCommand(registry_, c, spec, argv);
  if (slot < 0) return -1;
  // A served blocked command's request was counted when it first ran.
  if (!retry) slot_stats_->at(slot).network_bytes_in += bytes_in + (spec.is(kCmdRunsQueue) ? kMultiRequestBytes : 0);
  slot_stats_->set_current_slot(slot);
  slot_stats_->repl_offset_before = replication_hooks_ != nullptr && !is_replica_ ? replication_hooks_->offset() : -1;
  return slot;
}

void Server::SlotStatsEnd(Client* c, int slot, int64_t duration_us, size_t out_before) {
  SlotStats::Counters& n = slot_stats_->at(slot);
  n.cpu_usec += static_cast<uint64_t>(duration_us);
  if (c->out.size() > out_before) n.network_bytes_out += c->out.size() - out_before;
  // Its writes' propagation, once per online replica (Valkey counts the replication stream the same way).
  if (slot_stats_->repl_offset_before >= 0 && replication_hooks_ != nullptr) {
    int64_t fed = replication_hooks_->offset() - slot_stats_->repl_offset_before;
    if (fed > 0) n.network_bytes_out += static_cast<uint64_t>(fed) * replication_hooks_->good_replicas(INT64_MAX / 2);
  }
  slot_stats_->set_current_slot(-1);
}

// What keyspace notifications (server/notify.h, pubsub/) need to know from before the command ran. A
// local of each Call (Call runs again inside EXEC and scripts); nothing is allocated while notifications
// are off.
struct Server::KeyEvents {
  bool notify_write = false;  // the command's writes are notified after it ran
  std::vector<int> keys;      // argv indices of its keys
  std::vector<bool> existed;  // for each of them: did the key exist before the command
};

void Server::Call(Client* c, const CommandSpec& spec, ArgList argv, bool retry) {
  // One clock read gives the command's time and the start of its duration (as Redis's call() uses
  // ustime() for both); one more at the end.
  int64_t start_us = clock_->NowUs();
  // The command runs in its client's database; the one in force before comes back after it (EXEC and
  // scripts run commands of their own inside this).
  const int saved_db = cur_db_index_;
  // A database is allocated by its first write; a read of one never written sees an empty one.
  if (spec.is(kCmdWrite)) db_at(c->db);
  if (c->db != cur_db_index_ || (spec.is(kCmdWrite) && cur_db_ != dbs_[static_cast<size_t>(c->db)].get())) {
    set_current_db(c->db);
  }
  CommandContext ctx{*this, c, *cur_db_, c->reply, argv, spec, start_us / 1000};
  ctx.retry = retry;
  // Not inside EXEC or a script, not while loading, not for our master's stream (loaders run as the master client).
  ctx.can_block = !effects_.in_exec && !effects_.in_script && !c->has(kClientMaster) && !loading_;
  uint64_t errors_before = c->reply.errors();
  // CLUSTER SLOT-STATS: one predictable test while cluster-slot-stats-enabled is off.
  int stats_slot = -1;
  size_t out_before = 0;
  if (config_.cluster_slot_stats_enabled) [[unlikely]] {
    stats_slot = SlotStatsBegin(c, spec, argv, retry);
    out_before = c->out.size();
  }
  KeyEvents key_events;
  PrepareKeyEvents(c, spec, argv, &key_events);
  // MONITOR: a served blocked client ran (and showed) its command when it blocked.
  bool monitor = !monitors_.empty() && !retry && !loading_;
  if (monitor && MonitorBeforeRun(spec)) {
    FeedMonitors(c, argv);  // EVAL/FCALL first, then what the script calls
    monitor = false;
  }

  Tracking& tracking = *tracking_;
  tracking.EnterCall(c, spec, argv, effects_.in_script);
  // CLIENT NO-TOUCH (7.2): the client that sent the command (a script's or EXEC's commands run for it; a
  // served blocked client is `c` itself) leaves the keys' LRU/LFU alone, except with TOUCH. Every database:
  // a script's SELECT may read in another one.
  const Client* sender = c->has(kClientFake) && current_client_ != nullptr ? current_client_ : c;
  bool no_touch = sender->has(kClientNoTouch) && spec.name != "touch";
  auto set_no_touch = [this](bool on) {
    for (int i = 0; i < db_count(); i++) {
      if (Keyspace* db = db_if_exists(i)) db->set_no_touch(on);
    }
  };
  if (no_touch) set_no_touch(true);
  Keyspace* start_db = &db();
  spec.handler(ctx);
  if (no_touch) set_no_touch(false);
  // INFO keysizes: the collections the command changed in place (in the database it ran in, and the one a
  // script's SELECT left it in; other databases a script wrote settle in the cron or when INFO prints them).
  start_db->SettleKeySizes();
  if (&db() != start_db) db().SettleKeySizes();
  if (tracking.clients() > 0 && spec.is(kCmdReadOnly)) tracking.AfterRead(c, spec, argv, effects_.in_script);

  NotifyKeyEvents(ctx, key_events);
  int64_t duration_us = std::max<int64_t>(0, clock_->NowUs() - start_us);
  RecordCallStats(ctx, duration_us, c->reply.errors() > errors_before);
  RecordLatency(ctx, duration_us);
  if (ctx.block.active) BlockClient(c, argv, ctx.block);
  RecordSlowlog(ctx, duration_us);
  // Administrative commands are not shown (Redis: too dangerous).
  if (monitor && !spec.is(kCmdAdmin) && !monitors_.empty()) FeedMonitors(c, argv);
  PropagateEffects(ctx);
  if (stats_slot >= 0) [[unlikely]] SlotStatsEnd(c, stats_slot, duration_us, out_before);
  if (ctx.dirty > 0) TouchWrittenKeys(c, spec, argv);
  tracking.ExitCall();
  if (cur_db_index_ != saved_db) set_current_db(saved_db);
}

void Server::PrepareKeyEvents(Client* c, const CommandSpec& spec, ArgList argv, KeyEvents* events) {
  if (loading_ || pubsub_ == nullptr || !pubsub_->notifications_on()) return;
  if (spec.is(kCmdWrite)) {
    events->notify_write = spec.KeyIndices(argv, &events->keys);
    if (events->notify_write) {
      for (int i : events->keys) events->existed.push_back(cur_db_->Find(argv[i]) != nullptr);
    }
  }
  // 'm': Redis notifies a miss during the command's read lookup, so before anything the command notifies.
  if ((config_.notify_keyspace_events & notify::kKeyMiss) && !c->has(kClientMaster)) {
    if (events->notify_write || (spec.is(kCmdReadOnly) && spec.KeyIndices(argv, &events->keys))) {
      pubsub_->NotifyKeyMiss(*cur_db_, spec, argv, events->keys);
    }
  }
}

void Server::NotifyKeyEvents(const CommandContext& ctx, const KeyEvents& events) {
  if (!events.notify_write || ctx.dirty <= 0) return;
  pubsub_->NotifyWrite(*cur_db_, ctx.spec, ctx.argv, events.keys, events.existed, ctx.propagate_as);
  for (const auto& e : ctx.key_events) pubsub_->Notify(e.cls, e.event, e.key);
}

void Server::RecordCallStats(const CommandContext& ctx, int64_t duration_us, bool failed) {
  ctx.client->last_cmd = ctx.spec.name;
  ctx.spec.stats.calls++;
  ctx.spec.stats.usec += static_cast<uint64_t>(duration_us);
  if (failed) ctx.spec.stats.failed_calls++;
  stats_.total_commands_processed++;
  if (ctx.dirty > 0) dirty_ += ctx.dirty;
}

// The latency monitor's "command"/"fast-command" spikes and `latency-tracking`'s per-command histogram (in
// ns, as redis-server records duration * 1000). A call that blocks is not a sample: the call that serves
// it after the wake-up is.
void Server::RecordLatency(const CommandContext& ctx, int64_t duration_us) {
  if (ctx.block.active) return;
  if (config_.latency_monitor_threshold > 0) {
    latency_monitor_.AddIfNeeded(ctx.spec.is(kCmdFast) ? "fast-command" : "command", duration_us / 1000,
                                 config_.latency_monitor_threshold, clock_->NowMs() / 1000);
  }
  if (!config_.latency_tracking) return;
  auto& h = ctx.spec.stats.latency.h;
  if (!h) h = std::make_unique<LatencyHistogram>();
  h->Record(duration_us * 1000);
}

namespace {

// The arguments redis-server 7.0 shows as "(redacted)" (redactClientCommandArgument): passwords and ACL
// rules never leave the server through SLOWLOG GET, which a monitoring user may run.
std::vector<bool> RedactedArgs(std::string_view cmd, ArgList argv) {
  std::vector<bool> r(argv.size(), false);
  auto mark = [&](size_t i) {
    if (i < r.size()) r[i] = true;
  };
  if (cmd == "auth") {
    for (size_t i = 1; i < argv.size(); i++) mark(i);
  } else if (cmd == "acl|setuser") {
    for (size_t i = 2; i < argv.size(); i++) mark(i);
  } else if (cmd == "hello") {  // HELLO [protover [AUTH user pass] [SETNAME name]]
    for (size_t i = 2; i < argv.size(); i++) {
      if (EqualsIgnoreCase(argv[i], "auth")) {
        mark(i + 1);
        mark(i + 2);
        i += 2;
      } else if (EqualsIgnoreCase(argv[i], "setname")) {
        i++;
      }
    }
  } else if (cmd == "config|set") {  // the values of the secret settings
    for (size_t i = 2; i + 1 < argv.size(); i += 2) {
      if (EqualsIgnoreCase(argv[i], "requirepass") || EqualsIgnoreCase(argv[i], "masterauth") ||
          EqualsIgnoreCase(argv[i], "masteruser")) {
        mark(i + 1);
      }
    }
  } else if (cmd == "migrate") {  // ... [AUTH pass | AUTH2 user pass] [KEYS ...]
    for (size_t i = 6; i < argv.size(); i++) {
      if (EqualsIgnoreCase(argv[i], "keys")) break;
      if (EqualsIgnoreCase(argv[i], "auth")) {
        mark(i + 1);
        i++;
      } else if (EqualsIgnoreCase(argv[i], "auth2")) {
        mark(i + 1);
        mark(i + 2);
        i += 2;
      }
    }
  }
  return r;
}

}  // namespace

// One line to every monitor (replicationFeedMonitors), arguments redacted as in SLOWLOG. A command a script
// called shows as "[0 lua]".
void Server::FeedMonitors(Client* c, ArgList argv) {
  if (loading_ || monitors_.empty() || argv.empty()) return;
  const CommandSpec* spec = registry_.Resolve(argv);
  std::vector<bool> redacted;  // only AUTH, HELLO and MIGRATE carry secrets among the commands shown
  if (spec != nullptr && (spec->name == "auth" || spec->name == "hello" || spec->name == "migrate")) {
    redacted = RedactedArgs(spec->name, argv);
  }
  bool lua = effects_.in_script && c->has(kClientFake);
  std::string line = MonitorLine(clock_->NowUs(), lua ? std::string_view("lua") : std::string_view(c->addr), argv, redacted, c->db);
  for (Client* m : monitors_) {
    // CLIENT REPLY OFF/SKIP silences a monitor too (Redis's prepareClientToWrite).
    if (m->fd < 0 || m->has(kClientCloseAsap | kClientReplyOff | kClientReplySkip)) continue;
    m->out += line;
    MarkPendingWrite(m);
  }
}

namespace {

// The arguments a slowlog entry keeps: as Redis, at most 32 of at most 128 bytes each, secrets redacted.
std::vector<std::string> SlowlogArgs(std::string_view cmd, ArgList argv) {
  std::vector<std::string> out;
  std::vector<bool> redacted = RedactedArgs(cmd, argv);
  size_t n = std::min<size_t>(argv.size(), 32);
  for (size_t i = 0; i < n; i++) {
    if (i == 31 && argv.size() > 32) {
      out.push_back("... (" + std::to_string(argv.size() - 31) + " more arguments)");
      break;
    }
    if (redacted[i]) {
      out.push_back("(redacted)");
      continue;
    }
    std::string a(argv[i].substr(0, 128));
    if (argv[i].size() > 128) a += "... (" + std::to_string(argv[i].size() - 128) + " more bytes)";
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

void Server::RecordSlowlog(const CommandContext& ctx, int64_t duration_us) {
  if (config_.slowlog_log_slower_than < 0 || duration_us < config_.slowlog_log_slower_than ||
      ctx.spec.is(kCmdSkipSlowlog)) {
    return;
  }
  SlowlogEntry e;
  e.id = slowlog_next_id_++;
  e.time_s = clock_->NowMs() / 1000;
  e.duration_us = duration_us;
  e.argv = SlowlogArgs(ctx.spec.name, ctx.argv);
  e.peer = ctx.client->addr;
  e.client_name = ctx.client->name;
  slowlog_.push_front(std::move(e));
  while (static_cast<int64_t>(slowlog_.size()) > config_.slowlog_max_len) slowlog_.pop_back();
}

void Server::PropagateEffects(CommandContext& ctx) {
  if (ctx.dirty == 0 && ctx.replicate_only) PropagateToReplicasOnly(ctx);
  if (ctx.dirty <= 0 || ctx.spec.is(kCmdNoPropagate)) return;
  if (effects_.in_script) CollectScriptEffects(ctx);
  else PropagateCommandWrites(ctx);
}

void Server::PropagateToReplicasOnly(const CommandContext& ctx) {
  // From a script it goes out at once, ahead of the script's MULTI/EXEC of effects (Redis puts it inside):
  // replicas still deliver it, and redis.set_repl(NONE) keeps it back.
  if (loading_ || (effects_.in_script && (effects_.script_repl & 2) == 0)) return;
  WriteOrigin origin = OriginOf(ctx.client);
  bool batch = BeginWriteGroup(origin, ctx.client, /*own_multi=*/false);
  std::vector<std::string_view> v(ctx.argv.begin(), ctx.argv.end());
  Emit({v, origin, batch, ctx.client, /*replicas_only=*/true});
  EndWriteGroup(origin, ctx.client, /*own_multi=*/false);
}

void Server::PropagateCommandWrites(const CommandContext& ctx) {
  WriteOrigin origin = OriginOf(ctx.client);
  // Several commands propagated for one (XREADGROUP's XCLAIMs, SPOP's SREM batches) go out in MULTI/EXEC, as
  // Redis 7.0's propagatePendingCommands wraps also_propagate when it holds more than one; inside EXEC they
  // join the transaction's own.
  bool own_multi = ctx.propagate_as.size() > 1;
  bool batch = BeginWriteGroup(origin, ctx.client, own_multi);
  if (ctx.propagate_as.empty()) {
    std::vector<std::string_view> v(ctx.argv.begin(), ctx.argv.end());
    Emit({v, origin, batch, ctx.client});
  } else {
    for (auto& cmd : ctx.propagate_as) {
      std::vector<std::string_view> v(cmd.begin(), cmd.end());
      Emit({v, origin, batch, ctx.client});
    }
  }
  EndWriteGroup(origin, ctx.client, own_multi);
}

void Server::CollectScriptEffects(CommandContext& ctx) {
  int targets = effects_.script_repl;
  if (targets == 0) return;  // redis.set_repl(NONE)
  if (ctx.propagate_as.empty()) {
    effects_.script.push_back({std::vector<std::string>(ctx.argv.begin(), ctx.argv.end()), targets, cur_db_index_});
  }
  for (auto& cmd : ctx.propagate_as) effects_.script.push_back({std::move(cmd), targets, cur_db_index_});
}

void Server::TouchWrittenKeys(Client* c, const CommandSpec& spec, ArgList argv) {
  std::vector<int> keys;
  if (!spec.KeyIndices(argv, &keys)) return;
  bool tracking = tracking_->active();
  for (int i : keys) {
    TouchWatchedKey(argv[i]);
    if (tracking && Tracking::WritesKeyAt(spec, argv, i)) tracking_->InvalidateKey(c, argv[i]);
    if (!blocking_.clients_by_key.empty()) {
      std::string k = DbKey(cur_db_index_, argv[i]);
      if (blocking_.clients_by_key.count(k)) blocking_.ready_keys.push_back(std::move(k));
    }
  }
}

// ---- Propagation: the sinks, and the one place writes are wrapped in MULTI/EXEC ----

WriteOrigin Server::OriginOf(const Client* c) const {
  if (loading_) return WriteOrigin::kLoading;
  if (c != nullptr && c->has(kClientMaster)) return WriteOrigin::kMaster;
  return WriteOrigin::kClient;
}

void Server::Propagate(const std::vector<std::string_view>& argv, WriteOrigin origin, Client* client) {
  // While loading, the keyspace deletes nothing by itself (expiry is off), so everything is the replay.
  if (loading_) origin = WriteOrigin::kLoading;
  Emit({argv, origin, false, client});
}

void Server::Emit(const PropagatedWrite& w) {
  PropagatedWrite in_db = w;
  in_db.db = cur_db_index_;
  for (auto& sink : propagate_sinks_) sink(in_db);
}

void Server::EmitBatchMarker(std::string_view word, WriteOrigin origin, Client* c) {
  std::vector<std::string_view> argv = {word};
  Emit({argv, origin, /*in_batch=*/true, c});
}

// A group is the writes of one command, or a script's effects.
//  - Inside EXEC every group joins the transaction: MULTI goes out before the transaction's first write
//    and EXEC after its last (EndTransactionWrites), so a transaction that wrote nothing propagates
//    neither.
//  - Outside EXEC a group goes out as it is, unless it asks for its own MULTI/EXEC (own_multi: a script's
//    effects, when there is more than one).
bool Server::BeginWriteGroup(WriteOrigin origin, Client* c, bool own_multi) {
  if (effects_.in_exec) {
    if (!effects_.exec_multi_sent) {
      EmitBatchMarker("MULTI", origin, c);
      effects_.exec_multi_sent = true;
    }
    return true;
  }
  if (own_multi) EmitBatchMarker("MULTI", origin, c);
  return own_multi;
}

void Server::EndWriteGroup(WriteOrigin origin, Client* c, bool own_multi) {
  if (!effects_.in_exec && own_multi) EmitBatchMarker("EXEC", origin, c);
}

void Server::BeginTransactionWrites() {
  effects_.in_exec = true;
  effects_.exec_multi_sent = false;
}

void Server::EndTransactionWrites(WriteOrigin origin, Client* c) {
  if (effects_.exec_multi_sent) EmitBatchMarker("EXEC", origin, c);
  effects_.in_exec = false;
  effects_.exec_multi_sent = false;
}

// ---- EXEC and scripts: commands that run other commands ----

void Server::ExecTransaction(Client* c) {
  ReplyBuilder& reply = c->reply;
  if (c->has(kClientDirtyExec)) {
    DiscardTransaction(c);
    reply.Error(err::kExecAbort);
    return;
  }
  if (c->has(kClientDirtyCas)) {
    DiscardTransaction(c);
    reply.NullArray();
    return;
  }
  auto queue = std::move(c->multi_queue);
  c->multi_queue.clear();
  c->multi_lacks = 0;
  c->multi_has = 0;
  c->flags &= ~kClientMulti;
  UnwatchAll(c);
  reply.Array(queue.size());
  BeginTransactionWrites();
  for (auto& cmd : queue) {
    std::vector<std::string_view> argv(cmd.begin(), cmd.end());
    const CommandSpec* spec = registry_.Resolve(argv);
    if (spec == nullptr) {  // cannot happen: it was checked when queued
      reply.Error(err::UnknownCommand(argv[0], argv.data() + 1, argv.size() - 1));
      continue;
    }
    if (is_replica_ && config_.replica_read_only && spec->is(kCmdWrite) && !c->has(kClientMaster)) {
      reply.Error(err::kReadOnlyReplica);
      continue;
    }
    // The user's rules may have changed since the command was queued (Redis checks again at EXEC).
    if (c->user != nullptr && !c->user->unrestricted()) {
      AclResult r = CheckAcl(c, *spec, argv, "multi");
      if (r != kAclOk) {
        reply.Error(err::NoPermExec(r == kAclDeniedCmd ? "no permission to execute the command or subcommand"
                                    : r == kAclDeniedKey ? "no permission to touch the specified keys"
                                    : "no permission to access one of the channels used as arguments"));
        continue;
      }
    }
    Call(c, *spec, argv);
  }
  EndTransactionWrites(OriginOf(c), c);
}

void Server::CallFromScript(Client* c, const CommandSpec& spec, ArgList argv) { Call(c, spec, argv); }

void Server::BeginScriptEffects() {
  effects_.in_script = true;
  effects_.script_repl = 3;
  effects_.script.clear();
}

void Server::EndScriptEffects(Client* caller) {
  effects_.in_script = false;
  effects_.script_repl = 3;
  auto effects = std::move(effects_.script);
  effects_.script.clear();
  if (effects.empty()) return;
  WriteOrigin origin = OriginOf(caller);
  bool own_multi = effects.size() > 1;
  bool batch = BeginWriteGroup(origin, caller, own_multi);
  const int saved_db = cur_db_index_;
  for (auto& e : effects) {
    std::vector<std::string_view> v(e.argv.begin(), e.argv.end());
    if (e.db != cur_db_index_) set_current_db(e.db);  // the script's SELECT
    // redis.set_repl(REPL_AOF) / (REPL_REPLICA): that write goes to one of the two sinks only.
    Emit({v, origin, batch, caller, /*replicas_only=*/e.targets == 2, /*aof_only=*/e.targets == 1});
  }
  if (cur_db_index_ != saved_db) set_current_db(saved_db);
  EndWriteGroup(origin, caller, own_multi);
}

}  // namespace rcs
