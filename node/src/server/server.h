// The server: owns the configuration, the keyspace, the commands, the clients and the event loop, and runs
// every command through one dispatcher (ExecuteCommand). One thread runs all of it: no locks on the data
// path.
#pragma once
#include <cstdint>
#include <functional>
#include <deque>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <typeinfo>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "keyspace/keyspace.h"
#include "server/acl.h"
#include "server/client.h"
#include "server/cluster_hooks.h"
#include "server/command.h"
#include "server/config.h"
#include "server/latency_monitor.h"
#include "server/pubsub_hooks.h"
#include "server/replication_hooks.h"

namespace rcs {

class EventLoop;
class Tracking;

// Where a propagated write comes from.
enum class WriteOrigin : uint8_t {
  kClient,    // a client's command
  kMaster,    // our master's replication stream (a replica applying it)
  kLoading,   // replaying the AOF or a master's snapshot: already persisted, never re-propagated
  kExpiry,    // the keyspace deleted an expired key (DEL)
  kEviction,  // maxmemory evicted a key (DEL)
};

struct PropagatedWrite {
  const std::vector<std::string_view>& argv;
  WriteOrigin origin;
  // Part of a transaction: MULTI, the queued writes and EXEC (the same origin for all of them), so a
  // sink keeps them together.
  bool in_batch = false;
  Client* client = nullptr;  // the client whose command caused it (nullptr for expiry/eviction)
  bool replicas_only = false;  // replicas get it, the AOF does not (PUBLISH; a script's REPL_REPLICA write)
  bool aof_only = false;       // the AOF gets it, replicas do not (a script's REPL_AOF write)
  int db = 0;                  // the database it applies to: a sink writes SELECT when this changes
};

// Subsystems that plug into the server (cluster mode, replication, AOF). The server calls them at fixed
// points; they reach back through the Server's public API and its event loop.
class Subsystem {
 public:
  virtual ~Subsystem() = default;
  // Called by Server::Start after the client listeners are open (load state, open ports, start timers).
  virtual Status Start() { return Status::Ok(); }
  // Called before every command (after auth and arity checks, before MULTI queueing). Return false after
  // writing an error reply (e.g. -MOVED) to refuse the command.
  virtual bool CheckCommand(Client* c, const CommandSpec& spec, ArgList argv) { return true; }
  // Called from the server's cron (hz times a second) and before the event loop sleeps.
  virtual void Cron() {}
  virtual void BeforeSleep() {}
  // Called before the event loop sleeps, after every command of this iteration ran and right before the
  // replies are written (the AOF writes and, with appendfsync always, fsyncs here: no reply leaves before
  // its write is on disk).
  virtual void BeforeReplies() {}
  // Called on every loop iteration once a shutdown was requested (SIGTERM, SHUTDOWN): return true to keep
  // the server running a little longer (cluster mode hands a master's slots to its replica first). Each
  // subsystem bounds its own wait.
  virtual bool HoldShutdown() { return false; }
  // Called when the server stops (flush files, close links).
  virtual void Shutdown() {}
  // Called for a client that is being freed (e.g. a replica link).
  virtual void OnClientFreed(Client* c) {}
  // The whole data set was replaced (a replica loaded its master's snapshot): the AOF writes a new base.
  virtual void OnDatasetReplaced() {}
};

struct SlowlogEntry {
  int64_t id;
  int64_t time_s;
  int64_t duration_us;
  std::vector<std::string> argv;
  std::string peer, client_name;
};

// One ACL LOG entry: equal denials (reason, context, object, user, client) within 60 s are counted in one.
struct AclLogEntry {
  uint64_t count = 1;
  AclResult reason;
  std::string context;   // "toplevel", "multi", "lua"
  std::string object;    // the command, key or channel; the user name for an AUTH failure
  std::string username;
  int64_t ctime_ms = 0;  // when it was last updated
  std::string client_info;
};

struct ServerStats {
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t total_error_replies = 0;
  uint64_t unexpected_error_replies = 0;
  uint64_t total_reads_processed = 0;
  uint64_t total_writes_processed = 0;
  uint64_t client_qbuf_limit_disconnections = 0;
  uint64_t sync_full = 0, sync_partial_ok = 0, sync_partial_err = 0;
  int64_t latest_fork_usec = 0;  // the AOF rewrite's fork()
  uint64_t total_forks = 0;
  uint64_t rdb_last_load_keys_loaded = 0, rdb_last_load_keys_expired = 0;  // the last RDB image loaded
  std::map<std::string, uint64_t> error_counts;  // errorstats: first word of the error -> count
  uint64_t acl_access_denied_auth = 0, acl_access_denied_cmd = 0, acl_access_denied_key = 0,
           acl_access_denied_channel = 0;
  int64_t recent_max_input_buffer = 0, recent_max_output_buffer = 0;
};

class SlotStats;  // server/slot_stats.h

class Server {
 public:
  Server(Config config, const Clock* clock = SystemClock::Instance());
  ~Server();

  // Opens listeners (client port, later the cluster bus), loads persisted state. Error on bind failure.
  Status Start();
  // Runs the event loop until SHUTDOWN or a signal.
  void Run();
  void RequestShutdown();
  bool shutdown_requested() const { return shutdown_requested_; }

  Config& config() { return config_; }
  const Config& config() const { return config_; }
  // Subsystems register here for the directives they act on; CONFIG SET notifies them (config.h).
  ConfigListeners& config_listeners() { return config_listeners_; }
  const Clock& clock() const { return *clock_; }
  // Numbered databases (`databases`; SELECT, MOVE, SWAPDB on standalone nodes, db 0 only in cluster mode).
  // db() is the database of the command running (its client's SELECTed one, as Redis's c->db), db 0 outside
  // commands; set_current_db changes it (loaders, expiry of another db). Databases other than 0 are
  // allocated on first use: an empty Keyspace is not free.
  Keyspace& db() { return *cur_db_; }
  int db_index() const { return cur_db_index_; }
  void set_current_db(int index);
  int db_count() const { return static_cast<int>(dbs_.size()); }
  Keyspace& db_at(int index);
  Keyspace* db_if_exists(int index) const { return dbs_[index].get(); }
  // SELECT: the client's database (and the running command's, when the client runs it).
  void SelectDb(Client* c, int index);
  // SWAPDB: the two databases trade contents; WATCHers of their keys see them modified, clients blocked
  // on keys that now exist are served.
  void SwapDbs(int a, int b);
  // A key written in database `db` by a command running in another one (MOVE, COPY ... DB): WATCH and
  // the clients blocked on it.
  void SignalKeyInDb(int db, std::string_view key);
  // Pub/sub, through the hooks the server defines (server/pubsub_hooks.h): nullptr until pub/sub is
  // installed (by the wiring, or by the first pub/sub command); pubsub() only once it is.
  PubSubHooks* pubsub_hooks() const { return pubsub_; }
  PubSubHooks& pubsub() { return *pubsub_; }
  void set_pubsub_hooks(PubSubHooks* h) { pubsub_ = h; }
  // Replication and cluster mode, for the other subsystems (server/replication_hooks.h,
  // server/cluster_hooks.h): each sets itself when created; nullptr when not installed.
  ReplicationHooks* replication_hooks() const { return replication_hooks_; }
  void set_replication_hooks(ReplicationHooks* h) { replication_hooks_ = h; }
  ClusterHooks* cluster_hooks() const { return cluster_hooks_; }
  void set_cluster_hooks(ClusterHooks* h) { cluster_hooks_ = h; }
  CommandRegistry& commands() { return registry_; }
  ServerStats& stats() { return stats_; }
  // CLUSTER SLOT-STATS' per-slot counters (server/slot_stats.h).
  SlotStats& slot_stats() { return *slot_stats_; }

  // ACL users (server/acl.h). The default user mirrors requirepass (resetpass >pw, or nopass when empty).
  AclUsers& acl() { return acl_; }
  // Whether this client must authenticate before running commands other than AUTH/HELLO/QUIT (Redis's
  // authRequired: the default user has a password or is off, and the client has not authenticated).
  bool AuthRequired(const Client* c) const;
  // AUTH / HELLO AUTH: true and the client acts as `user` when the pair is valid; else an ACL LOG entry and
  // the auth-denied count. Passwords are never logged.
  bool Authenticate(Client* c, std::string_view user, std::string_view password);
  // A denial (kAclDeniedCmd/Key/Channel/Auth) for the ACL LOG and INFO stats; context "toplevel", "multi"
  // or "lua"; `object` the command name, key, channel or user name.
  void LogAclDenial(Client* c, AclResult reason, std::string_view context, std::string_view object,
                    std::string_view username = {});
  std::deque<AclLogEntry>& acl_log() { return acl_log_; }
  // The permission check of a command for a client: kAclOk or the denial, logged; *error gets the text.
  AclResult CheckAcl(Client* c, const CommandSpec& spec, ArgList argv, std::string_view context);
  // After ACL SETUSER/DELUSER/LOAD: clients whose user was deleted or turned off are disconnected (after
  // the current command's reply), as Redis does.
  void DisconnectClientsOfUser(const AclUser* user);
  // Users from the configuration at startup: `user` lines, or the aclfile (not both). An error (Redis's
  // text) stops startup.
  Status LoadConfiguredUsers();
  // ACL LOAD: every user from the aclfile, all or nothing; "" on success, else redis-server's error text
  // (without "ERR "). Clients of the replaced users (but the default user's) are disconnected.
  std::string LoadAclFile();
  // ACL SAVE: the users in ACL LIST's format to the aclfile (a temporary file renamed over it).
  bool SaveAclFile();
  // requirepass for the default user: "resetpass >pw", or "nopass" when empty (Redis's
  // ACLUpdateDefaultUserPassword).
  void ApplyRequirePass();
  // A CLIENT LIST style line of a client (ACL LOG's client-info).
  std::function<std::string(const Client*)> client_info_text;
  EventLoop* loop() { return loop_.get(); }

  // Clients.
  Client* CreateFakeClient();  // no socket; replies collect in client->out (tests, AOF load)
  void FreeClient(Client* c);
  // Closes a client before the event loop next sleeps (safe from inside callbacks that use it).
  void FreeClientLater(Client* c);
  const std::map<uint64_t, std::unique_ptr<Client>>& clients() const { return clients_; }
  size_t connected_clients() const;
  size_t blocked_clients() const { return blocking_.count; }
  // A script (EVAL, FCALL) is running: the command being called comes from redis.call/pcall.
  bool in_script() const { return effects_.in_script; }

  // The dispatcher: runs one command for a client (argv[0] is the name), writing the reply to the
  // client's output buffer. Public so that tests and the AOF loader drive it directly. The stages of the
  // call path are described at the top of call.cc.
  void ExecuteCommand(Client* c, ArgList argv);
  // Runs the timers a real event loop would (blocked client timeouts, active expiry, cron); for tests.
  void RunPendingTimers();
  // Serves clients blocked on keys that were written (called after each command batch).
  void ServeReadyKeys();
  // A client has output to write (the network layer writes it before the loop sleeps).
  void MarkPendingWrite(Client* c);

  // MONITOR, CLIENT PAUSE/UNPAUSE, CLIENT UNBLOCK (server/monitor.cc).
  // Makes a client a monitor: from now on it gets a line for each command run (redis-server's format).
  void AddMonitor(Client* c);
  // A client leaves monitor mode (RESET) and the pause's queue (it is being freed).
  void RemoveMonitorAndPostponed(Client* c);
  // CLIENT PAUSE: until end_ms (Unix ms), every command (kAll) or every write (kWrite: writes, EVAL,
  // FCALL, PUBLISH, ... the commands Redis flags may-replicate) from normal clients waits; the data set
  // stays still (no active expiry, no eviction). Pauses combine (the stricter type, the later end).
  // Each purpose (CLIENT PAUSE, a FAILOVER waiting for its replica) has its own type and end, as Redis's
  // pause purposes: the strictest in force applies, and ending one leaves the other.
  enum class PauseType : uint8_t { kOff, kWrite, kAll };
  enum class PausePurpose : uint8_t { kClientCommand, kFailover };
  void PauseClients(int64_t end_ms, PauseType type, PausePurpose purpose = PausePurpose::kClientCommand);
  // CLIENT UNPAUSE, or the deadline passed: postponed commands run again, in the order they arrived.
  void UnpauseClients(PausePurpose purpose = PausePurpose::kClientCommand);
  PauseType pause_type();  // kOff once the deadline passed
  // What a script or function declares about writes (its shebang's or flags={...}'s no-writes), for a
  // command that would run it (EVAL*, FCALL*): kUndeclared when it declares no flags (Redis 6 rules, the
  // command's own flags apply) or is not known. Set by the scripting subsystem; CLIENT PAUSE WRITE asks it.
  enum class ScriptWrites : uint8_t { kUndeclared, kWrites, kNoWrites };
  using ScriptWritesLookup = std::function<ScriptWrites(const CommandSpec& spec, ArgList argv)>;
  void SetScriptWritesLookup(ScriptWritesLookup f) { script_writes_ = std::move(f); }
  ScriptWrites ScriptWritesOf(const CommandSpec& spec, ArgList argv) const {
    return script_writes_ ? script_writes_(spec, argv) : ScriptWrites::kUndeclared;
  }
  // CLIENT UNBLOCK: ends the wait of a client blocked on keys or in WAIT (`error`: -UNBLOCKED..., else the
  // timeout reply). False when the client is not blocked in something that can be unblocked.
  bool UnblockClientByCommand(Client* target, bool error);

  // Pauses reading commands from a client (WAIT) / resumes it, processing input that arrived meanwhile.
  void PauseClient(Client* c);
  void ResumeClient(Client* c);
  // Turns a connected socket into a client (the replication link to our master), with bytes already read.
  Client* AdoptConnection(int fd, uint32_t flags, std::string_view initial_input);
  // Called with the raw bytes of every command applied from the master's stream (replica offsets).
  using MasterStreamHook = std::function<void(std::string_view raw_command)>;
  void SetMasterStreamHook(MasterStreamHook h) { master_stream_hook_ = std::move(h); }

  // Transactions (used by the MULTI family).
  void Watch(Client* c, std::string_view key);
  void UnwatchAll(Client* c);
  void ExecTransaction(Client* c);
  void DiscardTransaction(Client* c);

  // Sinks that receive every propagated write (AOF, replication). Each gets the command's argv and where the
  // write came from, and decides from that: the AOF keeps everything but its own replay; replication
  // forwards its master's stream byte for byte elsewhere and so skips kMaster.
  using PropagateSink = std::function<void(const PropagatedWrite& w)>;
  void AddPropagateSink(PropagateSink sink) { propagate_sinks_.push_back(std::move(sink)); }
  // Client-side caching (CLIENT TRACKING, server/tracking.h): always installed, by the constructor.
  Tracking& tracking() { return *tracking_; }
  // Subsystems (cluster mode, replication, later the AOF), installed by the program's wiring (node.cc) or
  // a test. Owned by the server, called in the order added, found by their type:
  // server.subsystem<Replication>() (nullptr when not installed). The server knows only the interface.
  template <typename T>
  T* AddSubsystem(std::unique_ptr<T> s) {
    static_assert(std::is_base_of_v<Subsystem, T>);
    T* raw = s.get();
    AddSubsystemOfType(std::type_index(typeid(T)), std::move(s));
    return raw;
  }
  template <typename T>
  T* subsystem() const {
    // Safe downcast: the entry for typeid(T) was added from a T*.
    return static_cast<T*>(FindSubsystem(std::type_index(typeid(T))));
  }
  // Marks this node as a replica (writes refused unless from the master) or a master. Becoming a replica
  // (every new master, as Redis's replicationSetMaster) answers every blocked client -UNBLOCKED ... instance
  // state changed and closes it after the reply: what it waited for may never come on a replica.
  void set_replica(bool replica);
  // The replication link reports its state here: while a replica's link is down and
  // replica-serve-stale-data is no, commands without the stale flag get -MASTERDOWN.
  void set_master_link_up(bool up) { master_link_up_ = up; }
  void set_loading(bool loading) { loading_ = loading; }
  // Persistence failed (e.g. "MISCONF Errors writing to the AOF file: No space left on device"): writes are
  // refused with this error until it is cleared with "".
  void set_write_error(std::string error) { write_error_ = std::move(error); }
  // Why a write is refused now, or empty: -MISCONF after a failed RDB save (a master) or AOF write, then
  // -NOREPLICAS when min-replicas-to-write good replicas are missing (a master). Scripts check it too.
  std::string_view WriteRefusal() const;
  // Its -MISCONF part alone (the dispatcher also refuses PING on a master with it), or empty.
  std::string_view DiskWriteRefusal() const;
  bool EnoughGoodReplicas() const;
  // The last BGSAVE failed with stop-writes-on-bgsave-error yes and save points configured (the RDB saver
  // decides): a master refuses writes and PING with -MISCONF until a save succeeds.
  void set_rdb_save_failed(bool failed) { rdb_save_failed_ = failed; }
  // DEBUG SET-ACTIVE-EXPIRE 0|1: without it the cron deletes no expired keys (lookups still do).
  void set_active_expire_enabled(bool on) { active_expire_enabled_ = on; }
  // Replies held back from a client until its writes are on disk (appendfsync always after a failed
  // write): the network layer keeps its output until ReleaseReplies.
  void HoldReplies(Client* c);
  void ReleaseReplies();
  // INFO sections provided by subsystems (replication, cluster, persistence): name -> text producer.
  using InfoProvider = std::function<void(std::string* out)>;
  void SetInfoProvider(const std::string& section, InfoProvider p) { info_providers_[section] = std::move(p); }

  // Tells every subsystem that the data set was replaced wholesale (not through propagated writes).
  void DatasetReplaced() {
    for (auto& [name, sub] : subsystems_) sub->OnDatasetReplaced();
  }
  // Keys changed by someone other than a command (expiry, eviction, FLUSHALL): invalidate WATCH and the
  // client-side caches of tracking clients (server/tracking.h).
  void TouchKey(std::string_view key);
  void TouchAllKeys();  // FLUSHALL/FLUSHDB
  // Propagates a write the node makes itself (expiry, eviction, a cluster slot's cleanup) to the AOF and the
  // replicas. Commands propagate through Call.
  void Propagate(const std::vector<std::string_view>& argv, WriteOrigin origin = WriteOrigin::kClient,
                 Client* client = nullptr);

  // Scripts (scripting/): the commands a script calls run through CallFromScript, without the
  // dispatcher's checks (the script runner makes its own, with Redis's script error texts). Their writes
  // are collected from BeginScriptEffects to EndScriptEffects and propagated then: alone, or wrapped in
  // MULTI/EXEC when more than one (inside EXEC they join the transaction). set_script_repl picks
  // where the following writes go (redis.set_repl: AOF, replicas, both or neither).
  void CallFromScript(Client* c, const CommandSpec& spec, ArgList argv);
  void BeginScriptEffects();
  void EndScriptEffects(Client* caller);
  // redis.set_repl flags: 1 = AOF (REPL_AOF), 2 = replicas (REPL_REPLICA), 3 = both, 0 = neither.
  void set_script_repl(int flags) { effects_.script_repl = flags & 3; }
  // A script runs longer than busy-reply-threshold: every command but the kCmdAllowBusy ones gets -BUSY
  // (kind 1: EVAL's text, 2: FCALL's), and the caller's (and replication links') input waits.
  // ProcessEventsWhileBusy serves other clients' input and writes their replies, without timers.
  void SetBusyScript(int kind, Client* caller) {
    busy_script_ = kind;
    busy_caller_ = caller;
  }
  void ProcessEventsWhileBusy();
  // INFO memory's scripting fields, from the scripting subsystem (zeros without it).
  struct ScriptInfo {
    int64_t lua_memory = 0, scripts_memory = 0, functions_memory = 0;
    int64_t cached_scripts = 0, functions = 0, libraries = 0;
  };
  void SetScriptInfoProvider(std::function<ScriptInfo()> p) { script_info_ = std::move(p); }
  // State outside the keyspace that every snapshot (AOF rewrite base, replica full sync) starts with, as
  // RESP commands (the function libraries); providers are called in the order added.
  using SnapshotPreamble = std::function<std::string()>;
  void AddSnapshotPreamble(SnapshotPreamble p) { snapshot_preambles_.push_back(std::move(p)); }
  std::string SnapshotPreambleText() const {
    std::string out;
    for (const auto& p : snapshot_preambles_) out += p();
    return out;
  }
  // The same state for the RDB writers (dump.rdb, the full sync of a redis-server replica), which store it
  // as records of their own: the function libraries' codes, from the scripting subsystem (none without it).
  using FunctionLibrariesProvider = std::function<std::vector<std::string>()>;
  void SetFunctionLibrariesProvider(FunctionLibrariesProvider p) { function_libraries_ = std::move(p); }
  std::vector<std::string> FunctionLibraries() const {
    return function_libraries_ ? function_libraries_() : std::vector<std::string>{};
  }

  // Slowlog, newest first (SLOWLOG GET/LEN/RESET).
  std::deque<SlowlogEntry>& slowlog() { return slowlog_; }
  LatencyMonitor& latency_monitor() { return latency_monitor_; }
  // Records a latency spike of `ms` for `event` if latency-monitor-threshold is on and reached.
  void LatencySample(std::string_view event, int64_t ms) {
    latency_monitor_.AddIfNeeded(event, ms, config_.latency_monitor_threshold, clock_->NowMs() / 1000);
  }

  // INFO text for the given sections ("default", "all", "everything", or names).
  std::string InfoText(const std::vector<std::string>& sections);

  int64_t dirty() const { return dirty_; }
  int64_t last_save_time_s() const { return last_save_time_s_; }
  // A save of the data set as it was when `dirty_at_start` writes had been counted succeeded (LASTSAVE).
  void MarkSaved(int64_t time_s, int64_t dirty_at_start) {
    last_save_time_s_ = time_s;
    dirty_ -= dirty_at_start;
  }
  bool loading() const { return loading_; }
  bool is_replica() const { return is_replica_; }
  bool master_link_up() const { return master_link_up_; }

 private:
  friend class InfoWriter;  // info.cc: INFO's sections
  // errorstats: every client's reply builder calls this hook (set_error_hook) for each error reply.
  static void CountErrorReply(void* server, std::string_view error);
  void CountError(std::string_view error);
  void AddSubsystemOfType(std::type_index type, std::unique_ptr<Subsystem> s);
  Subsystem* FindSubsystem(std::type_index type) const;

  // The call path (call.cc), in the order a command goes through it.
  // Before it runs: each check that refuses replies the error, counts the command as rejected and returns
  // false (nullptr).
  const CommandSpec* LookupCommand(Client* c, ArgList argv);
  bool AdmitCommand(Client* c, const CommandSpec& spec, ArgList argv);
  bool CheckAuth(Client* c, const CommandSpec& spec);
  // enable-debug-command's "no" | "yes" | "local" for this client.
  static bool AllowProtected(const Client* c, std::string_view setting);
  bool AdmitBySubsystems(Client* c, const CommandSpec& spec, ArgList argv);
  bool AdmitByNodeState(Client* c, const CommandSpec& spec);
  bool RejectCommand(Client* c, const CommandSpec* spec, std::string_view error);
  void CountRejected(Client* c, const CommandSpec* spec);
  bool QueueInTransaction(Client* c, const CommandSpec& spec, ArgList argv);
  // Runs the command and everything that follows from it; EXEC, scripts and served blocked clients come
  // in here directly.
  void Call(Client* c, const CommandSpec& spec, ArgList argv, bool retry = false);
  struct KeyEvents;
  void PrepareKeyEvents(Client* c, const CommandSpec& spec, ArgList argv, KeyEvents* events);
  void NotifyKeyEvents(const CommandContext& ctx, const KeyEvents& events);
  void RecordCallStats(const CommandContext& ctx, int64_t duration_us, bool failed);
  // CLUSTER SLOT-STATS' accounting around a call (call.cc), only while cluster-slot-stats-enabled.
  int SlotStatsBegin(Client* c, const CommandSpec& spec, ArgList argv, bool retry);
  void SlotStatsEnd(Client* c, int slot, int64_t duration_us, size_t out_before);
  void RecordSlowlog(const CommandContext& ctx, int64_t duration_us);
  void RecordLatency(const CommandContext& ctx, int64_t duration_us);
  void PropagateEffects(CommandContext& ctx);
  // A command that changed nothing but must reach the replicas (PUBLISH): never the AOF.
  void PropagateToReplicasOnly(const CommandContext& ctx);
  void PropagateCommandWrites(const CommandContext& ctx);
  // Inside a script: the writes wait for EndScriptEffects, with the redis.set_repl targets in force.
  void CollectScriptEffects(CommandContext& ctx);
  // WATCH sees the written keys modified, tracking clients get their invalidations (`c` wrote them);
  // clients blocked on them are served before the loop sleeps.
  void TouchWrittenKeys(Client* c, const CommandSpec& spec, ArgList argv);
  void TouchWatchedKey(std::string_view key);
  // Propagation to the sinks. BeginWriteGroup/EndWriteGroup/EndTransactionWrites are the one place that
  // wraps writes in MULTI/EXEC; BeginWriteGroup returns whether the group's writes are in a batch.
  WriteOrigin OriginOf(const Client* c) const;
  void Emit(const PropagatedWrite& w);
  void EmitBatchMarker(std::string_view word, WriteOrigin origin, Client* c);  // MULTI or EXEC
  bool BeginWriteGroup(WriteOrigin origin, Client* c, bool own_multi);
  void EndWriteGroup(WriteOrigin origin, Client* c, bool own_multi);
  void BeginTransactionWrites();
  void EndTransactionWrites(WriteOrigin origin, Client* c);

  // MONITOR and CLIENT PAUSE (monitor.cc).
  void FeedMonitors(Client* c, ArgList argv);
  // The command must wait for the pause to end: the client is postponed with a copy of argv.
  bool PostponeIfPaused(Client* c, const CommandSpec& spec, ArgList argv);
  void BlockClient(Client* c, ArgList argv, CommandContext::BlockRequest& req);
  void UnblockClient(Client* c, bool timed_out);
  void SignalKeysReady(const CommandSpec& spec, ArgList argv);
  void HandleBlockedTimeouts();
  void RedirectBlockedClients();
  // Networking (networking.cc).
  Status Listen(const std::string& addr, int port, bool optional);
  void AcceptClients(int listen_fd);
  void ReadFromClient(Client* c);
  void ProcessInput(Client* c);
  bool WriteToClient(Client* c);  // false if the client was closed
  void CloseClient(Client* c);
  void HandleClientsBeforeSleep();
  void CloseTimedOutClients();
  void Cron();
  void BeforeSleep();
  bool EvictIfNeeded();
  enum class EvictPass { kOk, kOutOfTime, kFail };
  EvictPass EvictionPass();
  bool eviction_timer_running_ = false;  // a pass ran out of time: a timer keeps evicting (Redis's evictionTimeProc)

  Config config_;
  ConfigListeners config_listeners_;
  const Clock* clock_;
  std::unique_ptr<EventLoop> loop_;
  std::vector<int> listen_fds_;
  std::vector<Client*> clients_to_close_;
  CommandRegistry registry_;
  std::vector<std::unique_ptr<Keyspace>> dbs_;  // `databases` slots; nullptr until first used (0 always exists)
  Keyspace* cur_db_ = nullptr;
  int cur_db_index_ = 0;
  void InitDb(int index);
  PubSubHooks* pubsub_ = nullptr;  // these three are owned by their subsystems
  ReplicationHooks* replication_hooks_ = nullptr;
  ClusterHooks* cluster_hooks_ = nullptr;
  Tracking* tracking_ = nullptr;  // a subsystem (owned in subsystems_), added by the constructor
  ServerStats stats_;
  std::unique_ptr<SlotStats> slot_stats_;
  AclUsers acl_;
  std::deque<AclLogEntry> acl_log_;
  std::map<uint64_t, std::unique_ptr<Client>> clients_;
  uint64_t next_client_id_ = 1;
  std::unordered_map<std::string, std::vector<Client*>> watched_keys_;
  // Clients waiting for keys (BLPOP, BZPOPMIN, ...) and paused ones (WAIT).
  struct BlockingState {
    size_t count = 0;  // blocked or paused clients (INFO blocked_clients)
    std::unordered_map<std::string, std::vector<Client*>> clients_by_key;  // in blocking order
    std::vector<std::string> ready_keys;  // written keys someone waits on: ServeReadyKeys serves them
    std::set<std::pair<int64_t, uint64_t>> timeouts;  // (deadline ms, client id)
    std::vector<Client*> to_resume;  // unblocked clients whose pipelined input waits
  } blocking_;
  std::vector<Client*> monitors_;
  struct PauseState {
    PauseType type = PauseType::kOff;  // the strictest of the purposes in force, and its latest end
    int64_t end_ms = 0;
    PauseType purpose_type[2] = {PauseType::kOff, PauseType::kOff};  // by PausePurpose
    int64_t purpose_end_ms[2] = {0, 0};
    std::vector<Client*> postponed;  // in the order they were paused
  } pause_;
  void UpdatePauseState();
  ScriptWritesLookup script_writes_;
  std::deque<SlowlogEntry> slowlog_;
  LatencyMonitor latency_monitor_;
  int64_t slowlog_next_id_ = 0;
  int64_t start_time_ms_ = 0;
  int64_t dirty_ = 0;
  int64_t last_save_time_s_ = 0;
  bool loading_ = false;
  std::string write_error_;
  bool rdb_save_failed_ = false;
  bool active_expire_enabled_ = true;
  std::vector<uint64_t> held_replies_;  // client ids
  bool is_replica_ = false;
  bool master_link_up_ = true;  // until the replication link says otherwise
  bool shutdown_requested_ = false;
  std::string run_id_;
  Client* current_client_ = nullptr;
  std::vector<PropagateSink> propagate_sinks_;
  MasterStreamHook master_stream_hook_;
  std::vector<std::pair<std::type_index, std::unique_ptr<Subsystem>>> subsystems_;
  std::map<std::string, InfoProvider> info_providers_;
  std::vector<Client*> pending_writes_;
  // Where the call path sends writes while EXEC or a script runs (call.cc).
  struct ScriptEffect {
    std::vector<std::string> argv;
    int targets;  // set_repl's flags when the write happened
    int db = 0;   // the script's SELECTed database then
  };
  struct WriteEffects {
    bool in_exec = false;          // EXEC runs its queue: writes join the transaction's MULTI/EXEC
    bool exec_multi_sent = false;  // the transaction's MULTI went out, so its EXEC follows
    bool in_script = false;        // a script runs: its writes are collected and propagated at its end
    int script_repl = 3;           // redis.set_repl flags in force (1 = AOF, 2 = replicas)
    std::vector<ScriptEffect> script;
  } effects_;
  std::vector<SnapshotPreamble> snapshot_preambles_;
  FunctionLibrariesProvider function_libraries_;
  std::function<ScriptInfo()> script_info_;
  int busy_script_ = 0;
  Client* busy_caller_ = nullptr;
  int64_t cron_last_ms_ = 0;
  // instantaneous_* in INFO: samples every cron tick of (time, counter), averaged over the last 16.
  struct InstMetric {
    int64_t last_time_ms = 0;
    uint64_t last_value = 0;
    double samples[16] = {};
    int idx = 0;
    void Track(int64_t now_ms, uint64_t value);
    double Rate() const;
  };
  InstMetric inst_ops_, inst_in_, inst_out_;
};

}  // namespace rcs
