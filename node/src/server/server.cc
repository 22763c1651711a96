// The server's bookkeeping: clients, WATCH, blocking, cron. The call path (dispatcher, propagation) lives in
// call.cc, networking in networking.cc, INFO in info.cc.
#include "server/server.h"

#include <algorithm>
#include <cmath>

#include "base/alloc.h"
#include "base/log.h"
#include "base/random.h"
#include "base/strutil.h"
#include "keyspace/notify_classes.h"
#include "net/event_loop.h"
#include "protocol/errors.h"
#include "server/db_key.h"
#include "server/slot_stats.h"
#include "server/tracking.h"

namespace rcs {

Server::Server(Config config, const Clock* clock)
    : config_(std::move(config)), clock_(clock), loop_(std::make_unique<EventLoop>()),
      slot_stats_(std::make_unique<SlotStats>()) {
  dbs_.resize(static_cast<size_t>(std::max(1, config_.databases)));  // cluster mode: SELECT keeps clients on 0
  InitDb(0);
  cur_db_ = dbs_[0].get();
  tracking_ = AddSubsystem(std::make_unique<Tracking>(this));
  start_time_ms_ = clock_->NowMs();
  last_save_time_s_ = start_time_ms_ / 1000;
  run_id_ = RandomHex(40);
  // The default user mirrors requirepass (resetpass >pw, or nopass), at start and on CONFIG SET.
  acl_.set_allchannels_default(config_.acl_pubsub_default == "allchannels");
  ApplyRequirePass();
  config_listeners_.Add({"requirepass"}, [this] { ApplyRequirePass(); });
  config_listeners_.Add({"acl-pubsub-default"},
                        [this] { acl_.set_allchannels_default(config_.acl_pubsub_default == "allchannels"); });
  // maxmemory-policy and the LFU parameters drive the keyspace's access tracking and eviction; a lower
  // maxmemory evicts at once (as Redis's CONFIG SET maxmemory does).
  auto apply_eviction = [this] {
    EvictionPolicy p = EvictionPolicy::kNoEviction;
    ParseEvictionPolicy(config_.maxmemory_policy, &p);
    for (auto& db : dbs_) {
      if (db == nullptr) continue;
      db->set_eviction_policy(p);
      db->set_lfu_params(config_.lfu_log_factor, config_.lfu_decay_time);
    }
  };
  apply_eviction();
  config_listeners_.Add({"maxmemory-policy", "lfu-log-factor", "lfu-decay-time"}, apply_eviction);
  config_listeners_.Add({"maxmemory"}, [this] {
    if (config_.maxmemory > 0 && !is_replica_ && !loading_) EvictIfNeeded();
  });
  config_listeners_.Add({"loglevel"}, [this] {
    LogLevel level;
    if (ParseLogLevel(config_.loglevel, &level)) SetLogLevel(level);
  });
}

Server::~Server() = default;

// ---- Numbered databases ----

void Server::InitDb(int index) {
  auto db = std::make_unique<Keyspace>(clock_);
  Keyspace* raw = db.get();
  raw->set_delete_hook([this, raw](std::string_view key, Keyspace::DeleteReason why) {
    // The keyspace removed a key on its own (expired/evicted): replicas and the AOF get a DEL, and
    // WATCHers see the key as modified. All of it happens in that key's database (SWAPDB moves the
    // Keyspace, so its index is looked up now).
    int saved = cur_db_index_;
    for (size_t i = 0; i < dbs_.size(); i++) {
      if (dbs_[i].get() == raw) set_current_db(static_cast<int>(i));
    }
    // An eviction with lazyfree-lazy-eviction yes propagates as UNLINK (Redis's propagateDeletion).
    bool unlink = why == Keyspace::DeleteReason::kEvicted && config_.lazyfree_lazy_eviction;
    std::vector<std::string_view> del = {unlink ? "UNLINK" : "DEL", key};
    Propagate(del, why == Keyspace::DeleteReason::kEvicted ? WriteOrigin::kEviction : WriteOrigin::kExpiry);
    TouchKey(key);
    if (pubsub_ != nullptr) {
      if (why == Keyspace::DeleteReason::kEvicted) pubsub_->Notify(notify::kEvicted, "evicted", key);
      else pubsub_->Notify(notify::kExpired, "expired", key);
    }
    set_current_db(saved);
  });
  if (loading_) raw->set_expiry_disabled(true);  // a loader replays into it (server/command_loader.cc)
  if (pause_.type != PauseType::kOff) raw->set_expiry_paused(true);  // CLIENT PAUSE / FAILOVER: data stays still
  if (index != 0) {
    // The settings db 0 got from the configuration listeners.
    raw->set_eviction_policy(dbs_[0]->eviction_policy());
    raw->set_lfu_params(config_.lfu_log_factor, config_.lfu_decay_time);
  }
  dbs_[static_cast<size_t>(index)] = std::move(db);
}

Keyspace& Server::db_at(int index) {
  if (dbs_[static_cast<size_t>(index)] == nullptr) InitDb(index);
  return *dbs_[static_cast<size_t>(index)];
}

namespace {
// What a command that only reads sees in a database never written: nothing. One for every server (it is never
// written, so it holds no key and no clock reading matters), so that SELECT and reads allocate nothing.
Keyspace* NeverUsedDb() {
  static Keyspace* empty = new Keyspace(SystemClock::Instance());
  return empty;
}
}  // namespace

void Server::set_current_db(int index) {
  Keyspace* db = dbs_[static_cast<size_t>(index)].get();
  cur_db_ = db != nullptr ? db : NeverUsedDb();
  cur_db_index_ = index;
}

void Server::SelectDb(Client* c, int index) {
  c->db = index;
  set_current_db(index);  // SELECT and RESET run in their client's Call, which restores the db after it
}


void Server::SignalKeyInDb(int db, std::string_view key) {
  std::string k = DbKey(db, key);
  if (auto it = watched_keys_.find(k); it != watched_keys_.end()) {
    for (Client* c : it->second) c->flags |= kClientDirtyCas;
  }
  if (blocking_.clients_by_key.count(k)) blocking_.ready_keys.push_back(std::move(k));
}

void Server::SwapDbs(int a, int b) {
  std::swap(dbs_[static_cast<size_t>(a)], dbs_[static_cast<size_t>(b)]);  // one may be never used (nullptr)
  set_current_db(cur_db_index_);
  auto find = [this](int d, std::string_view key) {
    return dbs_[static_cast<size_t>(d)] != nullptr && dbs_[static_cast<size_t>(d)]->Find(key) != nullptr;
  };
  // Redis's touchAllWatchedKeysInDb: a watched key that exists in either database changed.
  for (auto& [k, clients] : watched_keys_) {
    int d = DbOfKey(k);
    if (d != a && d != b) continue;
    std::string_view key = std::string_view(k).substr(4);
    if (!find(a, key) && !find(b, key)) continue;
    for (Client* c : clients) c->flags |= kClientDirtyCas;
  }
  // Redis's scanDatabaseForReadyKeys: clients blocked on keys that exist now are served.
  for (auto& [k, clients] : blocking_.clients_by_key) {
    int d = DbOfKey(k);
    if (d != a && d != b) continue;
    if (find(d, std::string_view(k).substr(4))) blocking_.ready_keys.push_back(k);
  }
}

Client* Server::CreateFakeClient() {
  uint64_t id = next_client_id_++;
  auto c = std::make_unique<Client>(id, -1);
  c->flags |= kClientFake;
  c->created_ms = clock_->NowMs();
  c->last_interaction_ms = c->created_ms;
  c->user = acl_.default_user();
  c->authenticated = !AuthRequired(c.get());
  c->reply.set_error_hook(CountErrorReply, this);
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

void Server::CountErrorReply(void* server, std::string_view error) { static_cast<Server*>(server)->CountError(error); }

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

// ---- WATCH / MULTI ----

void Server::Watch(Client* c, std::string_view key) {
  std::string k = DbKey(c->db, key);
  for (auto& w : c->watched_keys) {
    if (w == k) return;
  }
  c->watched_keys.push_back(k);
  watched_keys_[std::move(k)].push_back(c);
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
  TouchWatchedKey(key);
  tracking_->InvalidateKey(nullptr, key);
}

void Server::TouchWatchedKey(std::string_view key) {
  if (watched_keys_.empty()) return;
  auto it = watched_keys_.find(DbKey(cur_db_index_, key));
  if (it == watched_keys_.end()) return;
  for (Client* c : it->second) c->flags |= kClientDirtyCas;
}

void Server::TouchAllKeys() {
  tracking_->InvalidateAll();
  for (auto& [key, clients] : watched_keys_) {
    for (Client* c : clients) c->flags |= kClientDirtyCas;
  }
}

void Server::DiscardTransaction(Client* c) {
  c->multi_queue.clear();
  c->multi_lacks = 0;
  c->multi_has = 0;
  c->flags &= ~(kClientMulti | kClientDirtyExec);
  UnwatchAll(c);
}

// ---- Scripts ----

void Server::ProcessEventsWhileBusy() {
  loop_->PollFds(0);
  HandleClientsBeforeSleep();
}

// ---- Blocking ----

void Server::BlockClient(Client* c, ArgList argv, CommandContext::BlockRequest& req) {
  c->flags |= kClientBlocked;
  c->blocked.keys = std::move(req.keys);
  if (!req.argv.empty()) {
    c->blocked.argv = std::move(req.argv);
  } else {
    c->blocked.argv.assign(argv.begin(), argv.end());
  }
  c->blocked.timeout_at_ms = req.timeout_at_ms;
  for (auto& k : c->blocked.keys) blocking_.clients_by_key[DbKey(c->db, k)].push_back(c);
  if (req.timeout_at_ms > 0) blocking_.timeouts.emplace(req.timeout_at_ms, c->id);
  blocking_.count++;
}

void Server::UnblockClient(Client* c, bool timed_out) {
  if (!c->has(kClientBlocked)) return;
  for (auto& k : c->blocked.keys) {
    auto it = blocking_.clients_by_key.find(DbKey(c->db, k));
    if (it == blocking_.clients_by_key.end()) continue;
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), c), v.end());
    if (v.empty()) blocking_.clients_by_key.erase(it);
  }
  if (c->blocked.timeout_at_ms > 0) blocking_.timeouts.erase({c->blocked.timeout_at_ms, c->id});
  c->flags &= ~kClientBlocked;
  blocking_.count--;
  if (timed_out) {
    size_t before = c->out.size();
    c->reply.NullArray();
    if (c->has(kClientReplyOff | kClientReplySkip)) c->out.resize(before);  // CLIENT REPLY OFF/SKIP
    c->flags &= ~kClientReplySkip;  // SKIP covered the command that blocked
    MarkPendingWrite(c);
  }
  c->blocked.keys.clear();
  c->blocked.timeout_at_ms = 0;
  // Commands the client pipelined behind the blocking one run before the loop sleeps.
  if (c->fd >= 0) blocking_.to_resume.push_back(c);
}

void Server::ServeReadyKeys() {
  // Serving a client may write keys that other clients wait on: loop until nothing is ready.
  for (int rounds = 0; !blocking_.ready_keys.empty() && rounds < 1000; rounds++) {
    auto keys = std::move(blocking_.ready_keys);
    blocking_.ready_keys.clear();
    for (auto& key : keys) {
      auto it = blocking_.clients_by_key.find(key);
      if (it == blocking_.clients_by_key.end()) continue;
      std::vector<Client*> waiting = it->second;  // in blocking order: first blocked, first served
      for (Client* c : waiting) {
        if (!c->has(kClientBlocked)) continue;
        auto argv_owned = std::move(c->blocked.argv);
        int64_t timeout = c->blocked.timeout_at_ms;
        UnblockClient(c, false);
        std::vector<std::string_view> argv(argv_owned.begin(), argv_owned.end());
        const CommandSpec* spec = registry_.Resolve(argv);
        if (spec == nullptr) continue;
        size_t out_before = c->out.size();
        Call(c, *spec, argv, /*retry=*/true);
        if (c->has(kClientReplyOff | kClientReplySkip)) c->out.resize(out_before);  // CLIENT REPLY OFF/SKIP
        if (c->has(kClientBlocked)) {
          // Nothing for it after all (another client took it): it keeps waiting with the same deadline.
          if (c->blocked.timeout_at_ms != timeout && timeout > 0) {
            blocking_.timeouts.erase({c->blocked.timeout_at_ms, c->id});
            c->blocked.timeout_at_ms = timeout;
            blocking_.timeouts.emplace(timeout, c->id);
          }
        } else {
          c->flags &= ~kClientReplySkip;  // SKIP covered the command that blocked
          MarkPendingWrite(c);
        }
      }
    }
  }
}

// Clients blocked on keys of a slot this node no longer serves (given away, cluster down) get the redirect
// and stop waiting, as redis-server's clientsCron does: otherwise a blocked XREAD/BLPOP would wait forever on a
// node that will never see a write to its key again.
void Server::RedirectBlockedClients() {
  if (cluster_hooks_ == nullptr || blocking_.count == 0) return;
  std::vector<std::pair<Client*, std::string>> redirect;
  for (auto& [id, c] : clients_) {
    if (!c->has(kClientBlocked) || c->blocked.keys.empty()) continue;
    const CommandSpec* spec = c->blocked.argv.empty() ? nullptr : registry_.Find(c->blocked.argv[0]);
    bool write = spec != nullptr && spec->is(kCmdWrite);
    std::string e = cluster_hooks_->BlockedRedirect(c->blocked.keys[0], write, c->has(kClientReadOnly));
    if (!e.empty()) redirect.emplace_back(c.get(), std::move(e));
  }
  for (auto& [c, e] : redirect) {
    UnblockClient(c, false);
    c->reply.Error(e);
    MarkPendingWrite(c);
  }
}

void Server::set_replica(bool replica) {
  is_replica_ = replica;
  if (!replica || blocking_.count == 0) return;
  std::vector<Client*> blocked;
  for (auto& [id, c] : clients_) {
    // Clients held by CLIENT PAUSE are not waiting for data: their command runs when the pause ends.
    if (c->has(kClientBlocked) && !c->has(kClientPostponed)) blocked.push_back(c.get());
  }
  for (Client* c : blocked) {
    c->reply.Error(err::kUnblockedStateChanged);
    UnblockClient(c, false);
    c->flags |= kClientCloseAfterReply;
    MarkPendingWrite(c);
  }
}

void Server::HandleBlockedTimeouts() {
  int64_t now = clock_->NowMs();
  while (!blocking_.timeouts.empty() && blocking_.timeouts.begin()->first <= now) {
    uint64_t id = blocking_.timeouts.begin()->second;
    blocking_.timeouts.erase(blocking_.timeouts.begin());
    auto it = clients_.find(id);
    if (it == clients_.end()) continue;
    Client* c = it->second.get();
    c->blocked.timeout_at_ms = 0;  // already removed from the timeout set
    UnblockClient(c, true);
  }
}

namespace {
// maxmemory-eviction-tenacity as the time one eviction pass may take (Redis's evictionTimeLimitUs): 0..10 is
// 0..500 us linearly, then 15% more per step (about 2 minutes at 99); 100 is no limit.
int64_t EvictionTimeLimitUs(int tenacity) {
  if (tenacity <= 10) return 50 * static_cast<int64_t>(tenacity);
  if (tenacity < 100) return static_cast<int64_t>(500.0 * std::pow(1.15, tenacity - 10.0));
  return INT64_MAX;
}
}  // namespace

// One pass of Redis's performEvictions: evicts until used memory is under maxmemory, looking at the time every
// 16 keys. Evict until really under the limit: what eviction frees is measured per key, and small allocations
// around it (the candidate pool, propagation) can leave used_memory just over; a little margin keeps every
// write at the boundary from evicting one key at a time.
Server::EvictPass Server::EvictionPass() {
  if (UsedMemory() <= config_.maxmemory) return EvictPass::kOk;
  if (dbs_[0]->eviction_policy() == EvictionPolicy::kNoEviction) return EvictPass::kFail;
  const int64_t limit_us = EvictionTimeLimitUs(config_.maxmemory_eviction_tenacity);
  const int64_t start_us = clock_->MonotonicUs();
  while (true) {
    int64_t over = UsedMemory() - config_.maxmemory;
    if (over <= 0) return EvictPass::kOk;
    // Every database gives keys in turn (Redis samples them all into one pool; each of ours keeps its own).
    size_t evicted = 0;
    for (size_t i = 0; i < dbs_.size() && UsedMemory() > config_.maxmemory; i++) {
      if (dbs_[i] == nullptr || dbs_[i]->size() == 0) continue;
      evicted += dbs_[i]->Evict(UsedMemory() - config_.maxmemory + 1024, config_.maxmemory_samples, 16);
    }
    if (evicted == 0) return EvictPass::kFail;
    if (UsedMemory() > config_.maxmemory && clock_->MonotonicUs() - start_us > limit_us) return EvictPass::kOutOfTime;
  }
}

// Before a command when maxmemory is set. A pass out of time leaves the rest to a timer that keeps evicting
// between client events until under the limit (Redis's evictionTimeProc), and the command goes ahead. False
// only when over the limit with nothing evictable left (or noeviction): deny-oom commands are refused then.
// A replica does not evict (replica-ignore-maxmemory yes): its master's DELs keep it a copy.
bool Server::EvictIfNeeded() {
  if (is_replica_ || loading_) return true;
  // No eviction while clients are paused (the data set stays still); the command is not refused either.
  if (pause_.type != PauseType::kOff && dbs_[0]->eviction_policy() != EvictionPolicy::kNoEviction) return true;
  EvictPass r = EvictionPass();
  if (r == EvictPass::kOutOfTime && !eviction_timer_running_) {
    eviction_timer_running_ = true;
    loop_->AddTimer(0, [this]() -> int64_t {
      // 1 ms, not 0: a timer due again at once would run again in the same loop iteration, starving clients.
      if (pause_.type != PauseType::kOff) return 10;  // CLIENT PAUSE: the data set stays still until it ends
      if (config_.maxmemory > 0 && !is_replica_ && EvictionPass() == EvictPass::kOutOfTime) return 1;
      eviction_timer_running_ = false;
      return -1;
    });
  }
  return r != EvictPass::kFail;
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
  auto& to_resume = blocking_.to_resume;
  to_resume.erase(std::remove(to_resume.begin(), to_resume.end(), c), to_resume.end());
  clients_to_close_.erase(std::remove(clients_to_close_.begin(), clients_to_close_.end(), c), clients_to_close_.end());
  for (auto& [type, sub] : subsystems_) sub->OnClientFreed(c);
  RemoveMonitorAndPostponed(c);
  UnblockClient(c, false);
  UnwatchAll(c);
  pending_writes_.erase(std::remove(pending_writes_.begin(), pending_writes_.end(), c), pending_writes_.end());
  if (current_client_ == c) current_client_ = nullptr;
  clients_.erase(c->id);
}

void Server::Cron() {
  if (pause_.type != PauseType::kOff) pause_type();  // a CLIENT PAUSE whose deadline passed ends
  HandleBlockedTimeouts();
  RedirectBlockedClients();
  int64_t now = clock_->NowMs();
  inst_ops_.Track(now, stats_.total_commands_processed);
  inst_in_.Track(now, stats_.net_input_bytes);
  inst_out_.Track(now, stats_.net_output_bytes);
  // Active expiry: Redis spends up to 25% of each cron tick (100 ms at hz 10) on it at effort 1.
  int64_t budget_us = 1000000 / std::max(1, config_.hz) * (25 + 2 * (config_.active_expire_effort - 1)) / 100;
  // While clients are paused the data set stays still (Redis's activeExpireCycle).
  if (!is_replica_ && active_expire_enabled_ && pause_.type == PauseType::kOff) {
    int64_t start_ms = config_.latency_monitor_threshold > 0 ? clock_->NowMs() : 0;
    int64_t end_us = clock_->MonotonicUs() + budget_us;
    for (auto& db : dbs_) {
      int64_t left = end_us - clock_->MonotonicUs();
      if (left <= 0) break;
      if (db != nullptr && db->expires_size() > 0) db->ActiveExpireCycle(left);
    }
    if (start_ms != 0) LatencySample("expire-cycle", clock_->NowMs() - start_ms);
  }
  for (auto& db : dbs_) {
    if (db == nullptr) continue;
    db->Cron();
    db->SettleKeySizes();  // writes outside a command's Call (none known): INFO keysizes stays exact
  }
  for (auto& [type, sub] : subsystems_) sub->Cron();
}

void Server::RunPendingTimers() {
  Cron();
  ServeReadyKeys();
}

void Server::RequestShutdown() { shutdown_requested_ = true; }

}  // namespace rcs
