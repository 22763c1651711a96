// The dispatcher and the server's bookkeeping. Networking lives in networking.cc, INFO in info.cc.
#include "server/server.h"

#include <algorithm>

#include "base/alloc.h"
#include "base/log.h"
#include "base/strutil.h"
#include "net/event_loop.h"
#include "protocol/errors.h"
#include "keyspace/notify_classes.h"
#include "pubsub/pubsub.h"

namespace rcs {

namespace {
void ErrorHookThunk(void* arg, std::string_view error) { static_cast<Server*>(arg)->CountError(error); }
}  // namespace

Server::Server(Config config, const Clock* clock)
    : config_(std::move(config)), clock_(clock), loop_(std::make_unique<EventLoop>()), db_(clock),
      pubsub_(std::make_unique<PubSub>(this)) {
  start_time_ms_ = clock_->NowMs();
  last_save_time_s_ = start_time_ms_ / 1000;
  run_id_ = RandomHex(40);
  db_.set_delete_hook([this](std::string_view key, Keyspace::DeleteReason why) {
    // The keyspace removed a key on its own (expired/evicted): replicas and the AOF get a DEL, and
    // WATCHers see the key as modified.
    std::vector<std::string_view> del = {"DEL", key};
    Propagate(del, why == Keyspace::DeleteReason::kEvicted ? WriteOrigin::kEviction : WriteOrigin::kExpiry);
    TouchKey(key);
    if (why == Keyspace::DeleteReason::kEvicted) pubsub_->Notify(notify::kEvicted, "evicted", key);
    else pubsub_->Notify(notify::kExpired, "expired", key);
  });
  config_listeners_.Add({"loglevel"}, [this] {
    LogLevel level;
    if (ParseLogLevel(config_.loglevel, &level)) SetLogLevel(level);
  });
}

Server::~Server() = default;

Client* Server::CreateFakeClient() {
  uint64_t id = next_client_id_++;
  auto c = std::make_unique<Client>(id, -1);
  c->flags |= kClientFake;
  c->created_ms = clock_->NowMs();
  c->last_interaction_ms = c->created_ms;
  c->authenticated = config_.requirepass.empty();
  c->reply.set_error_hook(ErrorHookThunk, this);
  Client* raw = c.get();
  clients_[id] = std::move(c);
  return raw;
}

size_t Server::connected_clients() const {
  size_t n = 0;
  for (auto& [id, c] : clients_) {
    if (!c->has(kClientFake) && !c->has(kClientMaster) && !c->has(kClientReplica)) n++;
  }
  return n;
}

void Server::CountError(std::string_view error) {
  stats_.total_error_replies++;
  size_t sp = error.find(' ');
  std::string_view code = error.substr(0, sp);
  if (code.size() > 64) code = code.substr(0, 64);
  // Redis counts errorstats by the error's first word; a flood of distinct codes is capped at 128.
  auto it = stats_.error_counts.find(std::string(code));
  if (it != stats_.error_counts.end()) {
    it->second++;
  } else if (stats_.error_counts.size() < 128) {
    stats_.error_counts.emplace(std::string(code), 1);
  }
}

void Server::MarkPendingWrite(Client* c) {
  if (c->fd < 0) return;
  pending_writes_.push_back(c);
}

void Server::ExecuteCommand(Client* c, ArgList argv) {
  if (argv.empty()) return;
  current_client_ = c;
  c->last_interaction_ms = clock_->NowMs();
  ReplyBuilder& reply = c->reply;
  bool in_multi = c->has(kClientMulti);
  // A refused command counts as rejected and, inside MULTI, makes EXEC abort (Redis's rejectCommand).
  const CommandSpec* spec = nullptr;
  auto count_rejected = [&] {
    if (spec != nullptr) spec->stats.rejected_calls++;
    if (in_multi) c->flags |= kClientDirtyExec;
  };
  auto reject = [&](std::string_view error) {
    count_rejected();
    reply.Error(error);
  };
  spec = registry_.Find(argv[0]);
  if (spec == nullptr) {
    return reject(err::UnknownCommand(argv[0], argv.data() + 1, std::min<size_t>(argv.size() - 1, 64)));
  }
  if (!spec->subcommands.empty()) {
    if (argv.size() < 2) return reject(err::WrongArgs(spec->name));
    const CommandSpec* sub = CommandRegistry::FindSubcommand(*spec, argv[1]);
    if (sub == nullptr) return reject(err::UnknownSubcommand(argv[1], spec->name));
    spec = sub;
  }
  int argc = static_cast<int>(argv.size());
  if ((spec->arity > 0 && argc != spec->arity) || argc < -spec->arity) return reject(err::WrongArgs(spec->name));
  if (!CheckAuth(c, *spec)) return reject(err::kNoAuth);
  if (busy_script_ != 0 && !spec->is(kCmdAllowBusy)) {
    return reject(busy_script_ == 1 ? err::kBusyScript : err::kBusyFunction);
  }
  bool from_master = c->has(kClientMaster);
  // Redirect checks (cluster) do not apply to our master's stream or to loading.
  for (auto& [type, sub] : subsystems_) {
    if (from_master || loading_) break;
    if (!sub->CheckCommand(c, *spec, argv)) {
      count_rejected();  // the subsystem wrote the error reply
      return;
    }
  }
  if (!from_master) {
    if (is_replica_ && config_.replica_read_only && spec->is(kCmdWrite)) return reject(err::kReadOnlyReplica);
    if (config_.maxmemory > 0 && spec->is(kCmdDenyOom) && !EvictIfNeeded()) return reject(err::kOom);
    // The AOF cannot be written: refuse writes (and PING on a master, as Redis does, so that monitoring sees
    // it) until the disk works again. Reads keep working.
    if (!write_error_.empty() && (spec->is(kCmdWrite) || (spec->is(kCmdHealthProbe) && !is_replica_))) {
      return reject(write_error_);
    }
    // RESP2 subscribe mode: only the subscription commands, PING, QUIT and RESET (RESP3 has no limits).
    if (c->has(kClientPubSub) && c->resp == 2 && !PubSub::AllowedInSubscribeMode(*spec)) {
      return reject(err::SubscribeContext(spec->name));
    }
    // As Redis: EXEC is refused when any queued command lacks the flag.
    auto lacks = [&](CommandFlag f) {
      return !spec->is(f) || (spec->is(kCmdRunsQueue) && in_multi && (c->multi_lacks & f) != 0);
    };
    if (is_replica_ && !master_link_up_ && !config_.replica_serve_stale_data && lacks(kCmdStale)) {
      return reject(err::kMasterDown);
    }
    // Our own loaders run as the master client; everyone else waits for the data set.
    if (loading_ && lacks(kCmdLoading)) return reject(err::kLoading);
  }
  if (in_multi && !spec->is(kCmdTxnControl) && !spec->is(kCmdNoMulti)) {
    c->multi_queue.emplace_back(argv.begin(), argv.end());
    c->multi_lacks |= ~spec->flags;
    reply.Simple("QUEUED");
    return;
  }
  Call(c, *spec, argv);
}

bool Server::CheckAuth(Client* c, const CommandSpec& spec) {
  if (c->authenticated || config_.requirepass.empty()) return true;
  if (c->has(kClientMaster)) return true;  // our master's stream and loaders run as the master client
  return spec.is(kCmdNoAuth);
}

void Server::Call(Client* c, const CommandSpec& spec, ArgList argv, bool retry) {
  // One clock read gives the command's time and the start of its duration (as Redis's call() uses
  // ustime() for both); one more at the end.
  int64_t start = clock_->NowUs();
  CommandContext ctx{*this, c, db_, c->reply, argv, spec, start / 1000};
  ctx.retry = retry;
  // Not inside EXEC, not while loading, not for our master's stream (loaders run as the master client).
  ctx.can_block = !in_exec_ && !script_effects_on_ && !c->has(kClientMaster) && !loading_;
  uint64_t errors_before = c->reply.errors();
  // Keyspace notifications (pubsub/keyspace_events.cc) need to know which keys existed before the command.
  std::vector<int> notify_keys;  // locals: Call runs again inside EXEC (no allocation while notifications are off)
  std::vector<bool> notify_existed;
  bool notify_on = !loading_ && pubsub_->notifications_on();
  bool notify = spec.is(kCmdWrite) && notify_on;
  if (notify) {
    if (spec.KeyIndices(argv, &notify_keys)) {
      for (int i : notify_keys) notify_existed.push_back(db_.Find(argv[i]) != nullptr);
    } else {
      notify = false;
    }
  }
  // 'm': Redis notifies a miss during the command's read lookup, so before anything the command notifies.
  if (notify_on && (config_.notify_keyspace_events & notify::kKeyMiss) && !c->has(kClientMaster)) {
    if (notify || (spec.is(kCmdReadOnly) && spec.KeyIndices(argv, &notify_keys))) {
      pubsub_->NotifyKeyMiss(db_, spec, argv, notify_keys);
    }
  }
  spec.handler(ctx);
  if (notify && ctx.dirty > 0) {
    pubsub_->NotifyWrite(db_, spec, argv, notify_keys, notify_existed, ctx.propagate_as);
  }
  int64_t duration = clock_->NowUs() - start;
  if (duration < 0) duration = 0;
  c->last_cmd = spec.name;
  spec.stats.calls++;
  spec.stats.usec += static_cast<uint64_t>(duration);
  if (c->reply.errors() > errors_before) spec.stats.failed_calls++;
  stats_.total_commands_processed++;

  if (ctx.block.active) BlockClient(c, argv, ctx.block);

  if (config_.slowlog_log_slower_than >= 0 && duration >= config_.slowlog_log_slower_than &&
      !spec.is(kCmdSkipSlowlog)) {
    SlowlogEntry e;
    e.id = next_slowlog_id();
    e.time_s = clock_->NowMs() / 1000;
    e.duration_us = duration;
    // Redis keeps at most 32 arguments of at most 128 bytes each.
    size_t n = std::min<size_t>(argv.size(), 32);
    for (size_t i = 0; i < n; i++) {
      if (i == 31 && argv.size() > 32) {
        e.argv.push_back("... (" + std::to_string(argv.size() - 31) + " more arguments)");
        break;
      }
      std::string a(argv[i].substr(0, 128));
      if (argv[i].size() > 128) a += "... (" + std::to_string(argv[i].size() - 128) + " more bytes)";
      e.argv.push_back(std::move(a));
    }
    e.peer = c->addr;
    e.client_name = c->name;
    slowlog_.push_front(std::move(e));
    while (static_cast<int64_t>(slowlog_.size()) > config_.slowlog_max_len) slowlog_.pop_back();
  }

  // From a script it goes out at once, ahead of the script's MULTI/EXEC of effects (Redis puts it inside):
  // replicas still deliver it, and redis.set_repl(NONE) keeps it back.
  if (ctx.dirty == 0 && ctx.replicate_only && !loading_ && (!script_effects_on_ || (script_repl_ & 2) != 0)) {
    WriteOrigin origin = OriginOf(c);
    if (in_exec_ && !exec_propagated_multi_) {
      std::vector<std::string_view> multi = {"MULTI"};
      Emit({multi, origin, true, c});
      exec_propagated_multi_ = true;
    }
    std::vector<std::string_view> v(argv.begin(), argv.end());
    Emit({v, origin, in_exec_, c, /*replicas_only=*/true});
  }
  if (ctx.dirty > 0) {
    dirty_ += ctx.dirty;
    if (!spec.is(kCmdNoPropagate) && script_effects_on_) {
      if (script_repl_ != 0) {
        if (ctx.propagate_as.empty()) {
          script_effects_.push_back({std::vector<std::string>(argv.begin(), argv.end()), script_repl_});
        }
        for (auto& cmd : ctx.propagate_as) script_effects_.push_back({std::move(cmd), script_repl_});
      }
    } else if (!spec.is(kCmdNoPropagate)) {
      WriteOrigin origin = OriginOf(c);
      if (in_exec_ && !exec_propagated_multi_) {
        std::vector<std::string_view> multi = {"MULTI"};
        Emit({multi, origin, true, c});
        exec_propagated_multi_ = true;
      }
      if (ctx.propagate_as.empty()) {
        std::vector<std::string_view> v(argv.begin(), argv.end());
        Emit({v, origin, in_exec_, c});
      } else {
        for (auto& cmd : ctx.propagate_as) {
          std::vector<std::string_view> v(cmd.begin(), cmd.end());
          Emit({v, origin, in_exec_, c});
        }
      }
    }
    std::vector<int> keys;
    if (spec.KeyIndices(argv, &keys)) {
      for (int i : keys) {
        TouchKey(argv[i]);
        if (!blocking_keys_.empty() && blocking_keys_.count(std::string(argv[i]))) {
          ready_keys_.emplace_back(argv[i]);
        }
      }
    }
  }
}

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
  for (auto& sink : propagate_sinks_) sink(w);
}

// ---- WATCH / MULTI ----

void Server::Watch(Client* c, std::string_view key) {
  for (auto& k : c->watched_keys) {
    if (k == key) return;
  }
  c->watched_keys.emplace_back(key);
  watched_keys_[std::string(key)].push_back(c);
}

void Server::UnwatchAll(Client* c) {
  for (auto& k : c->watched_keys) {
    auto it = watched_keys_.find(k);
    if (it == watched_keys_.end()) continue;
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), c), v.end());
    if (v.empty()) watched_keys_.erase(it);
  }
  c->watched_keys.clear();
  c->flags &= ~kClientDirtyCas;
}

void Server::TouchKey(std::string_view key) {
  if (watched_keys_.empty()) return;
  auto it = watched_keys_.find(std::string(key));
  if (it == watched_keys_.end()) return;
  for (Client* c : it->second) c->flags |= kClientDirtyCas;
}

void Server::TouchAllKeys() {
  for (auto& [key, clients] : watched_keys_) {
    for (Client* c : clients) c->flags |= kClientDirtyCas;
  }
}

void Server::DiscardTransaction(Client* c) {
  c->multi_queue.clear();
  c->multi_lacks = 0;
  c->flags &= ~(kClientMulti | kClientDirtyExec);
  UnwatchAll(c);
}

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
  c->flags &= ~kClientMulti;
  UnwatchAll(c);
  reply.Array(queue.size());
  in_exec_ = true;
  exec_propagated_multi_ = false;
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
    Call(c, *spec, argv);
  }
  if (exec_propagated_multi_) {
    std::vector<std::string_view> exec = {"EXEC"};
    Emit({exec, OriginOf(c), true, c});
  }
  in_exec_ = false;
  exec_propagated_multi_ = false;
}

// ---- Scripts ----

void Server::CallFromScript(Client* c, const CommandSpec& spec, ArgList argv) { Call(c, spec, argv); }

void Server::BeginScriptEffects() {
  script_effects_on_ = true;
  script_repl_ = 3;
  script_effects_.clear();
}

void Server::EndScriptEffects(Client* caller) {
  script_effects_on_ = false;
  script_repl_ = 3;
  auto effects = std::move(script_effects_);
  script_effects_.clear();
  if (effects.empty()) return;
  WriteOrigin origin = OriginOf(caller);
  // Inside EXEC the script's writes are part of the transaction's MULTI/EXEC.
  bool batch = in_exec_ || effects.size() > 1;
  if (in_exec_ && !exec_propagated_multi_) {
    std::vector<std::string_view> multi = {"MULTI"};
    Emit({multi, origin, true, caller});
    exec_propagated_multi_ = true;
  } else if (!in_exec_ && batch) {
    std::vector<std::string_view> multi = {"MULTI"};
    Emit({multi, origin, true, caller});
  }
  for (auto& e : effects) {
    std::vector<std::string_view> v(e.argv.begin(), e.argv.end());
    // redis.set_repl(REPL_AOF) / (REPL_REPLICA): that write goes to one of the two sinks only.
    Emit({v, origin, batch, caller, /*replicas_only=*/e.targets == 2, /*aof_only=*/e.targets == 1});
  }
  if (!in_exec_ && batch) {
    std::vector<std::string_view> exec = {"EXEC"};
    Emit({exec, origin, true, caller});
  }
}

void Server::ProcessEventsWhileBusy() {
  loop_->PollFds(0);
  HandleClientsBeforeSleep();
}

// ---- Blocking ----

void Server::BlockClient(Client* c, ArgList argv, CommandContext::BlockRequest& req) {
  c->flags |= kClientBlocked;
  c->blocked.keys = std::move(req.keys);
  c->blocked.argv.assign(argv.begin(), argv.end());
  c->blocked.timeout_at_ms = req.timeout_at_ms;
  for (auto& k : c->blocked.keys) blocking_keys_[k].push_back(c);
  if (req.timeout_at_ms > 0) block_timeouts_.emplace(req.timeout_at_ms, c->id);
  blocked_count_++;
}

void Server::UnblockClient(Client* c, bool timed_out) {
  if (!c->has(kClientBlocked)) return;
  for (auto& k : c->blocked.keys) {
    auto it = blocking_keys_.find(k);
    if (it == blocking_keys_.end()) continue;
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), c), v.end());
    if (v.empty()) blocking_keys_.erase(it);
  }
  if (c->blocked.timeout_at_ms > 0) block_timeouts_.erase({c->blocked.timeout_at_ms, c->id});
  c->flags &= ~kClientBlocked;
  blocked_count_--;
  if (timed_out) {
    c->reply.NullArray();
    MarkPendingWrite(c);
  }
  c->blocked.keys.clear();
  c->blocked.timeout_at_ms = 0;
  // Commands the client pipelined behind the blocking one run before the loop sleeps.
  if (c->fd >= 0) clients_to_resume_.push_back(c);
}

void Server::ServeReadyKeys() {
  // Serving a client may write keys that other clients wait on: loop until nothing is ready.
  for (int rounds = 0; !ready_keys_.empty() && rounds < 1000; rounds++) {
    auto keys = std::move(ready_keys_);
    ready_keys_.clear();
    for (auto& key : keys) {
      auto it = blocking_keys_.find(key);
      if (it == blocking_keys_.end()) continue;
      std::vector<Client*> waiting = it->second;  // in blocking order: first blocked, first served
      for (Client* c : waiting) {
        if (!c->has(kClientBlocked)) continue;
        auto argv_owned = std::move(c->blocked.argv);
        int64_t timeout = c->blocked.timeout_at_ms;
        UnblockClient(c, false);
        std::vector<std::string_view> argv(argv_owned.begin(), argv_owned.end());
        const CommandSpec* spec = registry_.Resolve(argv);
        if (spec == nullptr) continue;
        Call(c, *spec, argv, /*retry=*/true);
        if (c->has(kClientBlocked)) {
          // Nothing for it after all (another client took it): it keeps waiting with the same deadline.
          if (c->blocked.timeout_at_ms != timeout && timeout > 0) {
            block_timeouts_.erase({c->blocked.timeout_at_ms, c->id});
            c->blocked.timeout_at_ms = timeout;
            block_timeouts_.emplace(timeout, c->id);
          }
        } else {
          MarkPendingWrite(c);
        }
      }
    }
  }
}

void Server::HandleBlockedTimeouts() {
  int64_t now = clock_->NowMs();
  while (!block_timeouts_.empty() && block_timeouts_.begin()->first <= now) {
    uint64_t id = block_timeouts_.begin()->second;
    block_timeouts_.erase(block_timeouts_.begin());
    auto it = clients_.find(id);
    if (it == clients_.end()) continue;
    Client* c = it->second.get();
    c->blocked.timeout_at_ms = 0;  // already removed from the timeout set
    UnblockClient(c, true);
  }
}

bool Server::EvictIfNeeded() {
  int64_t used = UsedMemory();
  if (used <= config_.maxmemory) return true;
  if (config_.maxmemory_policy == "noeviction") return false;
  // Evict until really under the limit: what eviction frees is measured per key, and small allocations
  // around it (its candidate pool, propagation) can leave used_memory just over. A little margin keeps
  // every write at the boundary from evicting one key at a time. Bounded rounds.
  for (int round = 0; round < 64; round++) {
    int64_t over = UsedMemory() - config_.maxmemory;
    if (over <= 0) return true;
    if (db_.Evict(config_.maxmemory_policy, over + 1024, config_.maxmemory_samples) == 0) break;
  }
  return UsedMemory() <= config_.maxmemory;
}

void Server::AddSubsystemOfType(std::type_index type, std::unique_ptr<Subsystem> s) {
  subsystems_.emplace_back(type, std::move(s));
}

Subsystem* Server::FindSubsystem(std::type_index type) const {
  for (auto& [t, s] : subsystems_) {
    if (t == type) return s.get();
  }
  return nullptr;
}

void Server::FreeClient(Client* c) {
  clients_to_resume_.erase(std::remove(clients_to_resume_.begin(), clients_to_resume_.end(), c), clients_to_resume_.end());
  clients_to_close_.erase(std::remove(clients_to_close_.begin(), clients_to_close_.end(), c), clients_to_close_.end());
  for (auto& [type, sub] : subsystems_) sub->OnClientFreed(c);
  UnblockClient(c, false);
  UnwatchAll(c);
  pubsub_->RemoveClient(c);
  pending_writes_.erase(std::remove(pending_writes_.begin(), pending_writes_.end(), c), pending_writes_.end());
  if (current_client_ == c) current_client_ = nullptr;
  clients_.erase(c->id);
}

void Server::Cron() {
  HandleBlockedTimeouts();
  int64_t now = clock_->NowMs();
  inst_ops_.Track(now, stats_.total_commands_processed);
  inst_in_.Track(now, stats_.net_input_bytes);
  inst_out_.Track(now, stats_.net_output_bytes);
  // Active expiry: Redis spends up to 25% of each cron tick (100 ms at hz 10) on it at effort 1.
  int64_t budget_us = 1000000 / std::max(1, config_.hz) * (25 + 2 * (config_.active_expire_effort - 1)) / 100;
  if (!is_replica_) db_.ActiveExpireCycle(budget_us);
  db_.Cron();
  for (auto& [type, sub] : subsystems_) sub->Cron();
}

void Server::RunPendingTimers() {
  Cron();
  ServeReadyKeys();
}

void Server::RequestShutdown() { shutdown_requested_ = true; }

}  // namespace rcs
