// Configuration as redis-server takes it: `redis-cluster-node [file.conf] [--directive value ...]`.
// Every directive is one declaration in a table (config.cc) with its type, default, bounds, whether CONFIG SET
// may change it at run time, its CONFIG GET text and how CONFIG REWRITE writes it back (config_rewrite.cc).
// Unknown directives and bad values stop startup with the file, line and reason, as Redis does.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace rcs {

// One class of `client-output-buffer-limit <class> <hard> <soft> <soft-seconds>`: a client of the class is
// disconnected when its pending output reaches hard_bytes, or stays at or above soft_bytes for soft_seconds
// (0 bytes = no limit). Parsed and validated as Redis does; CONFIG GET joins the three classes as
// "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60".
struct ClientOutputBufferLimit {
  int64_t hard_bytes = 0;
  int64_t soft_bytes = 0;
  int64_t soft_seconds = 0;
};
enum ClientClass { kClientClassNormal = 0, kClientClassReplica = 1, kClientClassPubsub = 2 };

// Where a directive that has no effect on this node was set, for the startup log line.
struct NoEffectDirective {
  std::string name;    // the directive's canonical name
  std::string source;  // "'/etc/redis/redis.conf'" or "(command line)"
  int line = 0;
};

struct Config {
  // The absolute path of the file the node was started with ("" = none: only command-line directives, or the
  // file was read from stdin); CONFIG REWRITE writes it.
  std::string config_file;
  // Network
  int port = 6379;
  std::vector<std::string> bind = {"*", "-::*"};
  int tcp_backlog = 511;
  int timeout = 0;             // idle client timeout, seconds (0 = never)
  int tcp_keepalive = 300;
  bool protected_mode = true;
  int maxclients = 10000;
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;
  // General
  std::string dir = ".";        // the loader chdir()s to it when it reads the line, as redis-server
  std::string logfile;         // "" = stdout
  std::string loglevel = "notice";
  bool daemonize = false;
  std::string pidfile;
  int databases = 16;          // numbered databases (SELECT); cluster mode uses only db 0
  int hz = 10;
  std::string supervised = "no";
  // Security
  std::string requirepass;
  std::string masterauth;
  std::string masteruser;
  // requirepass-file / masterauth-file: the path the secret was read from at startup (first line, without
  // its line end), so the secret itself never has to appear in a config file or the process arguments.
  std::string requirepass_file;
  std::string masterauth_file;
  // DEBUG: "no" (refused), "yes", or "local" (only from 127.0.0.1 or ::1; there are no unix sockets here).
  std::string enable_debug_command = "no";
  // Memory
  int64_t maxmemory = 0;
  std::string maxmemory_policy = "noeviction";
  int maxmemory_samples = 5;
  int maxmemory_eviction_tenacity = 10;  // 0..100: how long one eviction pass may run (Server::EvictIfNeeded)
  int lfu_log_factor = 10;               // LFU counter growth (keyspace/lfu.h)
  int lfu_decay_time = 1;                // minutes per LFU counter decrement, 0 = no decay
  bool lazyfree_lazy_eviction = false;   // evictions propagate as UNLINK (frees stay synchronous here)
  // Client-side caching: at most this many keys in the tracking table (0 = no limit); over it, random keys
  // are dropped from it with an invalidation, as redis-server does.
  int64_t tracking_table_max_keys = 1000000;
  // Persistence
  bool appendonly = false;
  std::string appendfsync = "everysec";
  std::string appendfilename = "appendonly.aof";
  std::string appenddirname = "appendonlydir";
  bool aof_use_rdb_preamble = true;
  // Our own: the malloc heap in transparent huge pages (base/heap_pages.h), so fork copies 512 times fewer
  // page-table entries (BGSAVE, AOF rewrite, full sync). Config file / command line only.
  bool heap_huge_pages = true;  // the AOF rewrite's base: RDB (yes) or commands (persistence/aof.h)
  int auto_aof_rewrite_percentage = 100;
  int64_t auto_aof_rewrite_min_size = 64LL * 1024 * 1024;
  bool aof_load_truncated = true;
  // RDB snapshot points "seconds changes ..." as CONFIG GET shows them: a BGSAVE starts from the cron when
  // at least `changes` writes happened and `seconds` passed since the last save (persistence/rdb_save.h).
  // "" = none. The default is redis-server's.
  std::string save = "3600 1 300 100 60 10000";
  bool stop_writes_on_bgsave_error = true;
  bool save_seen_ = false;     // loader state: Redis's first `save` line of a load replaces, later ones add
  std::string dbfilename = "dump.rdb";
  bool rdbcompression = true;
  // Start the writeback of a dump.rdb / AOF rewrite every 32 MiB as the child writes it (base/file_util.h
  // IncrementalSync), as redis-server does, instead of one burst of the whole file at the final fsync.
  bool rdb_save_incremental_fsync = true;
  bool aof_rewrite_incremental_fsync = true;
  // Replication
  bool replica_read_only = true;
  bool replica_serve_stale_data = true;
  int64_t repl_backlog_size = 1024 * 1024;
  int repl_timeout = 60;
  int repl_ping_replica_period = 10;
  int min_replicas_to_write = 0;
  int min_replicas_max_lag = 10;
  std::string replicaof;       // "host port" when configured as a replica at startup (standalone)
  // Cluster
  bool cluster_enabled = false;
  std::string cluster_config_file = "nodes.conf";
  int64_t cluster_node_timeout = 15000;
  int cluster_port = 0;        // 0 = port + 10000
  std::string cluster_announce_ip;
  int cluster_announce_port = 0;
  int cluster_announce_bus_port = 0;
  int cluster_announce_tls_port = 0;
  std::string cluster_announce_hostname;
  std::string cluster_preferred_endpoint_type = "ip";
  bool cluster_require_full_coverage = true;
  bool cluster_allow_reads_when_down = false;
  bool cluster_allow_replica_migration = true;
  int cluster_migration_barrier = 1;
  int cluster_replica_validity_factor = 10;
  bool cluster_replica_no_failover = false;
  bool cluster_allow_pubsubshard_when_down = true;
  // CLUSTER SLOT-STATS' cpu-usec and network-bytes-in/out (server/slot_stats.h); key-count is always there.
  bool cluster_slot_stats_enabled = false;
  // The authenticated cluster bus (cluster/bus_auth.h). cluster_bus_secret is the first line of
  // cluster-bus-secret-file: no directive of its own, so never in CONFIG GET, CONFIG REWRITE or a log.
  // cluster-bus-auth: "no" (Redis's bus, byte for byte), "optional" (dial authenticated, accept both),
  // "required" (authenticated links only); optional/required need the secret.
  std::string cluster_bus_secret_file;
  std::string cluster_bus_secret;
  std::string cluster_bus_auth = "no";
  // A script running longer (ms) makes other clients get -BUSY (alias lua-time-limit).
  int64_t busy_reply_threshold = 5000;
  // Slow log
  int64_t slowlog_log_slower_than = 10000;  // microseconds; negative disables, 0 logs everything
  int64_t slowlog_max_len = 128;
  // Latency: the monitor's spike threshold in ms (0 = off; LATENCY LATEST/HISTORY), the per-command
  // histograms (INFO latencystats, LATENCY HISTOGRAM) and the percentiles INFO prints of them.
  int64_t latency_monitor_threshold = 0;
  bool latency_tracking = true;
  std::vector<double> latency_tracking_info_percentiles{50.0, 99.0, 99.9};
  // Encodings (only affect OBJECT ENCODING answers and memory layout choices)
  int64_t list_max_listpack_size = -2;
  int64_t hash_max_listpack_entries = 128;
  int64_t hash_max_listpack_value = 64;
  int64_t set_max_intset_entries = 512;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  // Active expiry effort 1..10 as Redis's active-expire-effort
  int active_expire_effort = 1;
  bool lazyfree_lazy_user_del = false;
  int io_threads = 1;
  // Indexed by ClientClass. The kClientClassPubsub row is enforced for subscribers (pubsub/pubsub.cc); the
  // normal and replica rows are kept for CONFIG GET only.
  std::array<ClientOutputBufferLimit, 3> client_output_buffer_limit = {{
      {0, 0, 0}, {256LL * 1024 * 1024, 64LL * 1024 * 1024, 60}, {32LL * 1024 * 1024, 8LL * 1024 * 1024, 60}}};
  // `rename-command FROM TO` lines in order (TO "" removes the command); applied to the command table at
  // startup (ApplyRenames in main), where an unknown FROM stops startup as in Redis.
  struct Rename {
    std::string from, to, source;
    int line = 0;
  };
  std::vector<Rename> rename_commands;
  // ACL: `user <name> <rules...>` lines in order (applied when the server starts, after the command table
  // exists), acllog-max-len, acl-pubsub-default, aclfile (users from a file instead; ACL LOAD/SAVE).
  struct UserLine {
    std::vector<std::string> words;  // name, then the rules
    std::string source;
    int line = 0;
  };
  std::vector<UserLine> acl_user_lines;
  int64_t acllog_max_len = 128;
  std::string acl_pubsub_default = "resetchannels";
  std::string aclfile;
  int notify_keyspace_events = 0;  // notify:: class flags (keyspace/notify_classes.h) of notify-keyspace-events
  // Directives accepted for compatibility with stock redis.conf files that change nothing here: name ->
  // their CONFIG GET text, after Redis's validation (absent = Redis's default from the table).
  std::map<std::string, std::string> no_effect_values;
  // Each line that set one of them to a value other than this node's own behaviour, in load order.
  std::vector<NoEffectDirective> no_effect_lines;
};

// Loads configuration: an optional file (first argument if it does not start with "--"), then
// "--directive value..." arguments, in order, later ones winning. "-" as file name reads stdin.
Status LoadConfig(int argc, const char* const* argv, Config* config);
Status ApplyConfigText(std::string_view text, std::string_view source_name, Config* config);

// CONFIG SET: one directive. Errors as Redis words them for CONFIG SET.
Status ConfigSet(Config* config, std::string_view name, std::string_view value);
// CONFIG GET: every (name, value) whose name matches the glob pattern (case-insensitive).
std::vector<std::pair<std::string, std::string>> ConfigGet(const Config& config, std::string_view pattern);
// The process title redis-server shows by default ("{title} {listen-addr} {server-mode}"):
// "redis-cluster-node 127.0.0.1:7000 [cluster]", "* " when no bind is given, no mode for a standalone node.
std::string ProcessTitle(std::string_view exec_name, const Config& config);
// The startup log lines for Config::no_effect_lines, one per directive (all its lines named), e.g.
// "Config directive 'activerehashing' ('/etc/redis/redis.conf' line 2003): accepted, has no effect here".
std::vector<std::string> NoEffectLogLines(const Config& config);
// Whether the directive may change at run time.
bool ConfigIsMutable(std::string_view name);
// The canonical name of a directive or alias ("slave-read-only" -> "replica-read-only"), lowercased.
std::string ConfigCanonicalName(std::string_view name);

// CONFIG REWRITE, as redis-server's rewriteConfig: the new text of the config file `old_text` for the current
// values. Comments, unknown lines (rename-command, include) and the order are kept; the first lines of each
// directive the file has are replaced with the current value, its further lines blanked (runs of blank lines
// become one); directives not in the file are appended after a "# Generated by CONFIG REWRITE" line when
// their value is not the default. Secrets that came from requirepass-file/masterauth-file are not written.
// `user_lines` are the ACL users' lines ("user default on nopass ~* &* +@all"), written after the directives as
// redis-server's rewriteConfigUserOption does (unless an aclfile holds the users: then the file's user lines go).
std::string RewriteConfigText(std::string_view old_text, const Config& config,
                              const std::vector<std::string>& user_lines = {});
// Rewrites config.config_file atomically (a temp file in the same folder, fsync, rename, fsync of the
// folder). The error is the reason (strerror) when the file cannot be read or written.
Status RewriteConfigFile(const Config& config, const std::vector<std::string>& user_lines = {});

// Who wants to know when a directive changes at run time. A subsystem registers the directives it acts on
// (canonical names); the CONFIG SET handler calls Notify with the names whose value changed, once the new
// values are all in place. Each listener runs at most once per Notify.
class ConfigListeners {
 public:
  void Add(std::vector<std::string> names, std::function<void()> listener);
  void Notify(const std::vector<std::string>& changed) const;

 private:
  struct Entry {
    std::vector<std::string> names;
    std::function<void()> listener;
  };
  std::vector<Entry> entries_;
};

}  // namespace rcs
