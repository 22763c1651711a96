// The directive table. Each row: name, kind, field, bounds or allowed values, and whether CONFIG SET may
// change it. Loading follows redis-server: the file's lines, then the command line's "--name value" pairs
// appended as lines; the first bad line stops startup with its source, line number and reason.
#include "server/config.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/strutil.h"
#include "protocol/resp_parser.h"
#include "protocol/errors.h"
#include "pubsub/notify.h"

namespace rcs {
namespace {

enum class Kind {
  kBool, kInt, kInt64, kMemory, kString, kEnum, kBind, kSave, kReplicaOf, kSecretFile,
  kMemoryOrPercent,      // maxmemory-clients: bytes or "N%"
  kOctal,                // unixsocketperm
  kFlags,                // shutdown-on-sigint: one or more of `values`
  kBufferLimit,          // client-output-buffer-limit <class> <hard> <soft> <seconds> [...]
  kOomScoreAdjValues,    // three integers in -2000..2000
  kKeyspaceEvents,       // notify-keyspace-events class characters
  kPercentiles,          // latency-tracking-info-percentiles: numbers in 0..100
  kRefused,              // user / loadmodule: refused with `refuse_reason`
};

struct Directive {
  const char* name;
  Kind kind;
  bool mutable_at_runtime;
  bool Config::*b = nullptr;
  int Config::*i = nullptr;
  int64_t Config::*l = nullptr;
  std::string Config::*s = nullptr;
  int64_t min = INT64_MIN, max = INT64_MAX;
  std::vector<const char*> values = {};  // for kEnum / kFlags
  const char* alias = nullptr;
  std::string Config::*secret = nullptr;  // for kSecretFile: the field the file's content goes to
  // Directives without a Config field keep their CONFIG GET text in Config::no_effect_values; `def` is
  // Redis 7.0's default text for them.
  const char* def = "";
  // Accepted, but nothing on this node reads the value: a line setting it is logged at startup, unless
  // the value is `native` (the value that describes what this node does anyway, e.g. set-proc-title yes).
  bool no_effect = false;
  const char* native = nullptr;
  // Values other than `only` are refused with `refuse_reason` (tls-port, aclfile); kRefused always is.
  const char* only = nullptr;
  std::string_view refuse_reason = {};
};

Directive B(const char* n, bool Config::*f, bool m = true) { Directive d{n, Kind::kBool, m}; d.b = f; return d; }
Directive I(const char* n, int Config::*f, int64_t lo, int64_t hi, bool m = true) {
  Directive d{n, Kind::kInt, m}; d.i = f; d.min = lo; d.max = hi; return d;
}
Directive L(const char* n, int64_t Config::*f, int64_t lo, int64_t hi, bool m = true) {
  Directive d{n, Kind::kInt64, m}; d.l = f; d.min = lo; d.max = hi; return d;
}
Directive M(const char* n, int64_t Config::*f, int64_t lo, int64_t hi, bool m = true) {
  Directive d{n, Kind::kMemory, m}; d.l = f; d.min = lo; d.max = hi; return d;
}
Directive S(const char* n, std::string Config::*f, bool m = true) { Directive d{n, Kind::kString, m}; d.s = f; return d; }
Directive E(const char* n, std::string Config::*f, std::vector<const char*> v, bool m = true) {
  Directive d{n, Kind::kEnum, m}; d.s = f; d.values = std::move(v); return d;
}
// "<name>-file PATH": reads the secret from PATH when the line is applied (at startup); not settable at run
// time, since CONFIG SET of the secret itself is the run-time way.
Directive SecretFile(const char* n, std::string Config::*path, std::string Config::*secret) {
  Directive d{n, Kind::kSecretFile, false}; d.s = path; d.secret = secret; return d;
}
// A directive with a Config field that nothing reads yet.
Directive NoEffect(Directive d, const char* native) { d.no_effect = true; d.native = native; return d; }

// No-effect directives without a Config field. Bounds, value sets and mutability are Redis 7.0's.
constexpr bool kMut = true, kImm = false;
Directive NB(const char* n, const char* def, bool m = kMut, const char* native = nullptr) {
  Directive d{n, Kind::kBool, m}; d.def = def; d.no_effect = true; d.native = native; return d;
}
Directive NI(const char* n, const char* def, int64_t lo, int64_t hi, bool m = kMut) {
  Directive d{n, Kind::kInt64, m}; d.def = def; d.min = lo; d.max = hi; d.no_effect = true; return d;
}
Directive NM(const char* n, const char* def, int64_t lo = 0, bool m = kMut) {
  Directive d{n, Kind::kMemory, m}; d.def = def; d.min = lo; d.no_effect = true; return d;
}
Directive NS(const char* n, const char* def, bool m = kMut, const char* native = nullptr) {
  Directive d{n, Kind::kString, m}; d.def = def; d.no_effect = true; d.native = native; return d;
}
Directive NE(const char* n, const char* def, std::vector<const char*> v, bool m = kMut, const char* native = nullptr) {
  Directive d{n, Kind::kEnum, m}; d.def = def; d.values = std::move(v); d.no_effect = true; d.native = native;
  return d;
}
Directive NX(const char* n, Kind k, const char* def, bool m = kMut) {
  Directive d{n, k, m}; d.def = def; d.no_effect = true; return d;
}
Directive Native(Directive d, const char* native) { d.native = native; return d; }
// A directive with its text kept like the no-effect ones, that something on this node does read.
Directive Effective(Directive d) { d.no_effect = false; return d; }
Directive Only(Directive d, const char* only, std::string_view reason) { d.only = only; d.refuse_reason = reason; return d; }
Directive Refused(const char* n, std::string_view reason) {
  Directive d{n, Kind::kRefused, false}; d.refuse_reason = reason; return d;
}

constexpr int64_t kIntMax = INT32_MAX;

const std::vector<Directive>& Table() {
  static const std::vector<Directive> table = [] {
    std::vector<Directive> t = {
        I("port", &Config::port, 0, 65535, false),
        Directive{"bind", Kind::kBind, false},
        I("tcp-backlog", &Config::tcp_backlog, 0, INT32_MAX, false),
        I("timeout", &Config::timeout, 0, INT32_MAX),
        I("tcp-keepalive", &Config::tcp_keepalive, 0, INT32_MAX),
        B("protected-mode", &Config::protected_mode),
        I("maxclients", &Config::maxclients, 1, INT32_MAX),
        M("proto-max-bulk-len", &Config::proto_max_bulk_len, 1024 * 1024, INT64_MAX),
        M("client-query-buffer-limit", &Config::client_query_buffer_limit, 1024 * 1024, INT64_MAX),
        S("dir", &Config::dir),
        S("logfile", &Config::logfile, false),
        E("loglevel", &Config::loglevel, {"debug", "verbose", "notice", "warning"}),
        B("daemonize", &Config::daemonize, false),
        S("pidfile", &Config::pidfile, false),
        I("databases", &Config::databases, 1, INT32_MAX, false),
        I("hz", &Config::hz, 1, 500),
        E("supervised", &Config::supervised, {"no", "upstart", "systemd", "auto"}, false),
        S("requirepass", &Config::requirepass),
        S("masterauth", &Config::masterauth),
        S("masteruser", &Config::masteruser),
        SecretFile("requirepass-file", &Config::requirepass_file, &Config::requirepass),
        SecretFile("masterauth-file", &Config::masterauth_file, &Config::masterauth),
        M("maxmemory", &Config::maxmemory, 0, INT64_MAX),
        E("maxmemory-policy", &Config::maxmemory_policy, {"noeviction", "allkeys-lru", "volatile-ttl"}),
        I("maxmemory-samples", &Config::maxmemory_samples, 1, 64),
        B("appendonly", &Config::appendonly),
        E("appendfsync", &Config::appendfsync, {"always", "everysec", "no"}),
        S("appendfilename", &Config::appendfilename, false),
        S("appenddirname", &Config::appenddirname, false),
        // Our AOF is always a plain command stream: "no" is what this node does.
        NoEffect(B("aof-use-rdb-preamble", &Config::aof_use_rdb_preamble), "no"),
        I("auto-aof-rewrite-percentage", &Config::auto_aof_rewrite_percentage, 0, INT32_MAX),
        M("auto-aof-rewrite-min-size", &Config::auto_aof_rewrite_min_size, 0, INT64_MAX),
        B("aof-load-truncated", &Config::aof_load_truncated),
        NoEffect(Directive{"save", Kind::kSave, true}, ""),
        S("dbfilename", &Config::dbfilename, false),
        B("replica-read-only", &Config::replica_read_only),
        B("replica-serve-stale-data", &Config::replica_serve_stale_data),
        M("repl-backlog-size", &Config::repl_backlog_size, 1, INT64_MAX),
        I("repl-timeout", &Config::repl_timeout, 1, INT32_MAX),
        I("repl-ping-replica-period", &Config::repl_ping_replica_period, 1, INT32_MAX),
        I("min-replicas-to-write", &Config::min_replicas_to_write, 0, INT32_MAX),
        I("min-replicas-max-lag", &Config::min_replicas_max_lag, 0, INT32_MAX),
        Directive{"replicaof", Kind::kReplicaOf, false},
        B("cluster-enabled", &Config::cluster_enabled, false),
        S("cluster-config-file", &Config::cluster_config_file, false),
        L("cluster-node-timeout", &Config::cluster_node_timeout, 0, INT64_MAX),
        I("cluster-port", &Config::cluster_port, 0, 65535, false),
        S("cluster-announce-ip", &Config::cluster_announce_ip),
        I("cluster-announce-port", &Config::cluster_announce_port, 0, 65535),
        I("cluster-announce-bus-port", &Config::cluster_announce_bus_port, 0, 65535),
        I("cluster-announce-tls-port", &Config::cluster_announce_tls_port, 0, 65535),
        S("cluster-announce-hostname", &Config::cluster_announce_hostname),
        E("cluster-preferred-endpoint-type", &Config::cluster_preferred_endpoint_type,
          {"ip", "hostname", "unknown-endpoint"}),
        B("cluster-require-full-coverage", &Config::cluster_require_full_coverage),
        B("cluster-allow-reads-when-down", &Config::cluster_allow_reads_when_down),
        B("cluster-allow-replica-migration", &Config::cluster_allow_replica_migration),
        I("cluster-migration-barrier", &Config::cluster_migration_barrier, 0, INT32_MAX),
        I("cluster-replica-validity-factor", &Config::cluster_replica_validity_factor, 0, INT32_MAX),
        B("cluster-replica-no-failover", &Config::cluster_replica_no_failover),
        B("cluster-allow-pubsubshard-when-down", &Config::cluster_allow_pubsubshard_when_down),
        L("busy-reply-threshold", &Config::busy_reply_threshold, 0, INT64_MAX),
        L("slowlog-log-slower-than", &Config::slowlog_log_slower_than, INT64_MIN, INT64_MAX),
        L("slowlog-max-len", &Config::slowlog_max_len, 0, INT64_MAX),
        NoEffect(L("list-max-listpack-size", &Config::list_max_listpack_size, INT32_MIN, INT32_MAX), nullptr),
        L("hash-max-listpack-entries", &Config::hash_max_listpack_entries, 0, INT64_MAX),
        M("hash-max-listpack-value", &Config::hash_max_listpack_value, 0, INT64_MAX),
        L("set-max-intset-entries", &Config::set_max_intset_entries, 0, INT64_MAX),
        L("zset-max-listpack-entries", &Config::zset_max_listpack_entries, 0, INT64_MAX),
        M("zset-max-listpack-value", &Config::zset_max_listpack_value, 0, INT64_MAX),
        I("active-expire-effort", &Config::active_expire_effort, 1, 10),
        // Deletes free synchronously here: "no" is what this node does.
        NoEffect(B("lazyfree-lazy-user-del", &Config::lazyfree_lazy_user_del), "no"),
        // One event loop thread: 1 is what this node does.
        NoEffect(I("io-threads", &Config::io_threads, 1, 128, false), "1"),
        // client-output-buffer-limit: parsed into Config::client_output_buffer_limit (structured, per class);
        // the pubsub class is enforced (pubsub/pubsub.cc), so the directive is no longer "no effect".
        Effective(NX("client-output-buffer-limit", Kind::kBufferLimit, "")),

        // ---- Accepted for compatibility with stock redis.conf files (Redis 7.0's directives); they do not
        // change behaviour here. Validation, defaults and run-time mutability as Redis 7.0.
        // Lazy freeing: frees are synchronous here, so "no" is this node's behaviour.
        NB("lazyfree-lazy-eviction", "no", kMut, "no"),
        NB("lazyfree-lazy-expire", "no", kMut, "no"),
        NB("lazyfree-lazy-server-del", "no", kMut, "no"),
        NB("lazyfree-lazy-user-flush", "no", kMut, "no"),
        NB("replica-lazy-flush", "no", kMut, "no"),
        // Process and logging.
        NB("always-show-logo", "no", kImm, "no"),
        NB("set-proc-title", "yes", kImm, "yes"),
        // The title shown is this template's expansion (ProcessTitle); other templates are not implemented.
        NS("proc-title-template", "{title} {listen-addr} {server-mode}", kMut, "{title} {listen-addr} {server-mode}"),
        NB("syslog-enabled", "no", kImm, "no"),
        NS("syslog-ident", "redis", kImm),
        NE("syslog-facility", "local0",
           {"user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"}, kImm),
        NB("crash-log-enabled", "yes"),
        NB("crash-memcheck-enabled", "yes"),
        NS("ignore-warnings", ""),
        NE("enable-protected-configs", "no", {"no", "yes", "local"}, kImm),
        NE("enable-debug-command", "no", {"no", "yes", "local"}, kImm),
        NE("enable-module-command", "no", {"no", "yes", "local"}, kImm),
        NX("shutdown-on-sigint", Kind::kFlags, "default"),
        NX("shutdown-on-sigterm", Kind::kFlags, "default"),
        NI("shutdown-timeout", "10", 0, kIntMax),
        NE("propagation-error-behavior", "ignore", {"ignore", "panic", "panic-on-replicas"}),
        // Memory management of Redis's allocator and the kernel.
        NB("activerehashing", "yes"),
        NB("activedefrag", "no", kMut, "no"),
        NM("active-defrag-ignore-bytes", "104857600", 1),
        NI("active-defrag-threshold-lower", "10", 0, 1000),
        NI("active-defrag-threshold-upper", "100", 0, 1000),
        NI("active-defrag-cycle-min", "1", 1, 99),
        NI("active-defrag-cycle-max", "25", 1, 99),
        NI("active-defrag-max-scan-fields", "1000", 1, INT64_MAX),
        NB("jemalloc-bg-thread", "yes"),
        NB("disable-thp", "yes", kImm),
        NE("oom-score-adj", "no", {"no", "yes", "relative", "absolute"}, kMut, "no"),
        NX("oom-score-adj-values", Kind::kOomScoreAdjValues, "0 200 800"),
        NX("maxmemory-clients", Kind::kMemoryOrPercent, "0"),
        NI("maxmemory-eviction-tenacity", "10", 0, 100),
        NI("lfu-log-factor", "10", 0, kIntMax),
        NI("lfu-decay-time", "1", 0, kIntMax),
        NB("replica-ignore-maxmemory", "yes"),
        NI("tracking-table-max-keys", "1000000", 0, INT64_MAX),
        // Encodings of types or layouts this node does not have.
        NI("list-compress-depth", "0", 0, kIntMax),
        NM("hll-sparse-max-bytes", "3000"),
        NM("stream-node-max-bytes", "4096"),
        NI("stream-node-max-entries", "100", 0, INT64_MAX),
        // RDB files (dump.rdb: persistence/rdb_save.h).
        NB("stop-writes-on-bgsave-error", "yes"),
        B("rdbcompression", &Config::rdbcompression),  // LZF in dump.rdb and DUMP payloads (rdb_writer.h)
        NB("rdbchecksum", "yes", kImm),
        NB("rdb-del-sync-files", "no"),
        NB("rdb-save-incremental-fsync", "yes"),
        NE("sanitize-dump-payload", "no", {"no", "yes", "clients"}),
        // AOF details our AOF does not have.
        NB("no-appendfsync-on-rewrite", "no"),
        NB("aof-rewrite-incremental-fsync", "yes"),
        NB("aof-timestamp-enabled", "no", kMut, "no"),
        NB("aof-disable-auto-gc", "no"),
        // Replication transfer details (this node's full sync has its own format).
        NB("repl-diskless-sync", "yes"),
        NI("repl-diskless-sync-delay", "5", 0, kIntMax),
        NI("repl-diskless-sync-max-replicas", "0", 0, kIntMax),
        NE("repl-diskless-load", "disabled", {"disabled", "on-empty-db", "swapdb"}),
        NB("repl-disable-tcp-nodelay", "no"),
        NI("repl-backlog-ttl", "3600", 0, INT64_MAX),
        NI("replica-priority", "100", 0, kIntMax),
        NS("replica-announce-ip", ""),
        NI("replica-announce-port", "0", 0, 65535),
        NB("replica-announced", "yes"),
        NB("replica-ignore-disk-write-errors", "no"),
        NS("bind-source-addr", ""),
        NM("cluster-link-sendbuf-limit", "0"),
        // Threads and CPU pinning.
        NB("io-threads-do-reads", "no", kImm, "no"),
        NS("server_cpulist", "", kImm),
        NS("bio_cpulist", "", kImm),
        NS("aof_rewrite_cpulist", "", kImm),
        NS("bgsave_cpulist", "", kImm),
        NI("socket-mark-id", "0", 0, UINT32_MAX, kImm),
        // Monitoring and events (keyspace notifications belong to the pub/sub work).
        Native(NI("latency-monitor-threshold", "0", 0, INT64_MAX), "0"),  // off is this node's behaviour
        NB("latency-tracking", "yes"),
        NX("latency-tracking-info-percentiles", Kind::kPercentiles, "50 99 99.9"),
        // Keyspace notifications (pubsub/keyspace_events.cc): the flags go to Config::notify_keyspace_events.
        Effective(NX("notify-keyspace-events", Kind::kKeyspaceEvents, "")),
        NB("dynamic-hz", "yes"),
        // ACL: only the default user exists; an ACL file would define users, so it is refused.
        NI("acllog-max-len", "128", 0, INT64_MAX),
        NE("acl-pubsub-default", "resetchannels", {"allchannels", "resetchannels"}),
        Only(NS("aclfile", "", kImm), "", err::config_reason::kNoAclUsers),
        Refused("user", err::config_reason::kNoAclUsers),
        Refused("loadmodule", err::config_reason::kNoModules),
        // Unix socket and TLS: the node listens on TCP only.
        NS("unixsocket", "", kImm),
        NX("unixsocketperm", Kind::kOctal, "0", kImm),
        Only(NI("tls-port", "0", 0, 65535), "0", err::config_reason::kNoTls),
        NS("tls-cert-file", ""),
        NS("tls-key-file", ""),
        NS("tls-key-file-pass", ""),
        NS("tls-client-cert-file", ""),
        NS("tls-client-key-file", ""),
        NS("tls-client-key-file-pass", ""),
        NS("tls-dh-params-file", ""),
        NS("tls-ca-cert-file", ""),
        NS("tls-ca-cert-dir", ""),
        NE("tls-auth-clients", "yes", {"no", "yes", "optional"}),
        NB("tls-replication", "no", kMut, "no"),
        NB("tls-cluster", "no", kMut, "no"),
        NS("tls-protocols", ""),
        NS("tls-ciphers", ""),
        NS("tls-ciphersuites", ""),
        NB("tls-prefer-server-ciphers", "no"),
        NB("tls-session-caching", "yes"),
        NI("tls-session-cache-size", "20480", 0, kIntMax),
        NI("tls-session-cache-timeout", "300", 0, kIntMax),
    };
    // Redis's shutdown flags, shared by both signals (values[1] and [2] exclude each other).
    for (auto& d : t) {
      if (d.kind == Kind::kFlags) d.values = {"default", "save", "nosave", "now", "force"};
    }
    return t;
  }();
  return table;
}

// Redis's old names (and 7.0's ziplist names) still work; CONFIG GET answers them too, as Redis does.
const std::vector<std::pair<const char*, const char*>>& Aliases() {
  static const std::vector<std::pair<const char*, const char*>> aliases = {
      {"slaveof", "replicaof"},
      {"slave-read-only", "replica-read-only"},
      {"slave-serve-stale-data", "replica-serve-stale-data"},
      {"slave-priority", "replica-priority"},
      {"slave-lazy-flush", "replica-lazy-flush"},
      {"slave-ignore-maxmemory", "replica-ignore-maxmemory"},
      {"slave-announce-ip", "replica-announce-ip"},
      {"slave-announce-port", "replica-announce-port"},
      {"min-slaves-to-write", "min-replicas-to-write"},
      {"min-slaves-max-lag", "min-replicas-max-lag"},
      {"repl-ping-slave-period", "repl-ping-replica-period"},
      {"cluster-slave-validity-factor", "cluster-replica-validity-factor"},
      {"cluster-slave-no-failover", "cluster-replica-no-failover"},
      {"hash-max-ziplist-entries", "hash-max-listpack-entries"},
      {"hash-max-ziplist-value", "hash-max-listpack-value"},
      {"zset-max-ziplist-entries", "zset-max-listpack-entries"},
      {"zset-max-ziplist-value", "zset-max-listpack-value"},
      {"list-max-ziplist-size", "list-max-listpack-size"},
      {"lua-time-limit", "busy-reply-threshold"},
  };
  return aliases;
}

const Directive* FindDirective(std::string_view name) {
  std::string n = ToLower(name);
  for (auto& [alias, canonical] : Aliases()) {
    if (n == alias) {
      n = canonical;
      break;
    }
  }
  for (auto& d : Table()) {
    if (n == d.name) return &d;
  }
  return nullptr;
}

// Redis's memtoll: "1gb" = 1024^3, "1g" = 10^9, "1k" = 1000, "1kb" = 1024; plain bytes otherwise.
bool ParseMemory(std::string_view s, int64_t* out) {
  std::string v = ToLower(s);
  int64_t mul = 1;
  auto ends = [&](const char* suf) {
    size_t n = strlen(suf);
    return v.size() > n && v.compare(v.size() - n, n, suf) == 0;
  };
  size_t cut = 0;
  if (ends("kb")) { mul = 1024; cut = 2; }
  else if (ends("mb")) { mul = 1024LL * 1024; cut = 2; }
  else if (ends("gb")) { mul = 1024LL * 1024 * 1024; cut = 2; }
  else if (ends("k")) { mul = 1000; cut = 1; }
  else if (ends("m")) { mul = 1000LL * 1000; cut = 1; }
  else if (ends("g")) { mul = 1000LL * 1000 * 1000; cut = 1; }
  else if (ends("b")) { cut = 1; }
  int64_t n;
  if (!ParseInt64(std::string_view(v).substr(0, v.size() - cut), &n)) return false;
  if (n < 0 || (n > 0 && mul > INT64_MAX / n)) return false;
  *out = n * mul;
  return true;
}

bool ParseBool(std::string_view s, bool* out) {
  if (EqualsIgnoreCase(s, "yes")) *out = true;
  else if (EqualsIgnoreCase(s, "no")) *out = false;
  else return false;
  return true;
}

// The secret is the file's first line without its line end ("\n" or "\r\n"), so `echo pw > file` works.
Status ReadSecretFile(const std::string& path, std::string* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Error("can't read the secret file '" + path + "': " + strerror(errno));
  std::string line;
  std::getline(f, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return Status::Error("the secret file '" + path + "' is empty");
  *out = std::move(line);
  return Status::Ok();
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); i++) {
    if (i) s += ' ';
    s += v[i];
  }
  return s;
}

std::string FormatPercentile(double v) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%.15g", v);
  return buf;
}

// notify-keyspace-events: Redis's class characters; the CONFIG GET text is Redis's canonical order.
enum : uint32_t {
  kEvKeyspace = 1, kEvKeyevent = 2, kEvGeneric = 4, kEvString = 8, kEvList = 16, kEvSet = 32, kEvHash = 64,
  kEvZset = 128, kEvExpired = 256, kEvEvicted = 512, kEvStream = 1024, kEvKeyMiss = 2048, kEvModule = 4096,
  kEvNew = 8192,
  kEvAll = kEvGeneric | kEvString | kEvList | kEvSet | kEvHash | kEvZset | kEvExpired | kEvEvicted | kEvStream |
           kEvModule,
};
bool KeyspaceEventsCanonical(std::string_view in, std::string* out) {
  uint32_t f = 0;
  for (char ch : in) {
    switch (ch) {
      case 'A': f |= kEvAll; break;
      case 'g': f |= kEvGeneric; break;
      case '$': f |= kEvString; break;
      case 'l': f |= kEvList; break;
      case 's': f |= kEvSet; break;
      case 'h': f |= kEvHash; break;
      case 'z': f |= kEvZset; break;
      case 'x': f |= kEvExpired; break;
      case 'e': f |= kEvEvicted; break;
      case 'K': f |= kEvKeyspace; break;
      case 'E': f |= kEvKeyevent; break;
      case 't': f |= kEvStream; break;
      case 'm': f |= kEvKeyMiss; break;
      case 'd': f |= kEvModule; break;
      case 'n': f |= kEvNew; break;
      default: return false;
    }
  }
  std::string r;
  if ((f & kEvAll) == kEvAll) {
    r += 'A';
  } else {
    const std::pair<uint32_t, char> order[] = {{kEvGeneric, 'g'}, {kEvString, '$'}, {kEvList, 'l'}, {kEvSet, 's'},
                                               {kEvHash, 'h'},    {kEvZset, 'z'},   {kEvExpired, 'x'},
                                               {kEvEvicted, 'e'}, {kEvStream, 't'}, {kEvModule, 'd'}};
    for (auto [bit, c] : order) {
      if (f & bit) r += c;
    }
    if (f & kEvNew) r += 'n';  // not part of 'A', yet Redis 7.0 leaves it out of the text after an 'A'
  }
  if (f & kEvKeyspace) r += 'K';
  if (f & kEvKeyevent) r += 'E';
  if (f & kEvKeyMiss) r += 'm';
  *out = std::move(r);
  return true;
}

std::string BufferLimitText(const Config& c) {
  static const char* const kNames[] = {"normal", "slave", "pubsub"};  // Redis 7.0 still prints "slave"
  std::string out;
  for (int k = 0; k < 3; k++) {
    const ClientOutputBufferLimit& l = c.client_output_buffer_limit[k];
    if (k) out += ' ';
    out += std::string(kNames[k]) + " " + std::to_string(l.hard_bytes) + " " + std::to_string(l.soft_bytes) +
           " " + std::to_string(l.soft_seconds);
  }
  return out;
}

// Applies one directive with its arguments. Returns the reason on error (Redis's wording where it has one).
// A directive without a Config field keeps its validated CONFIG GET text in Config::no_effect_values.
Status Apply(Config* c, const Directive& d, const std::vector<std::string>& args) {
  auto one = [&]() -> Status {
    if (args.size() != 1) return Status::Error(err::config_reason::kWrongArgCount);
    return Status::Ok();
  };
  std::string text;  // the CONFIG GET text, for field-less directives
  switch (d.kind) {
    case Kind::kBool: {
      if (Status s = one(); !s.ok()) return s;
      bool v;
      if (!ParseBool(args[0], &v)) return Status::Error(err::config_reason::kNotBool);
      if (d.b) {
        c->*d.b = v;
        return Status::Ok();
      }
      text = v ? "yes" : "no";
      break;
    }
    case Kind::kInt:
    case Kind::kInt64: {
      if (Status s = one(); !s.ok()) return s;
      int64_t v;
      if (!ParseInt64(args[0], &v)) return Status::Error(err::config_reason::kNotInteger);
      if (v < d.min || v > d.max) {
        return Status::Error(err::config_reason::OutOfBounds(d.min, d.max));
      }
      if (d.i) c->*d.i = static_cast<int>(v);
      if (d.l) c->*d.l = v;
      if (d.i || d.l) return Status::Ok();
      text = std::to_string(v);
      break;
    }
    case Kind::kMemory: {
      if (Status s = one(); !s.ok()) return s;
      int64_t v;
      if (!ParseMemory(args[0], &v)) return Status::Error(err::config_reason::kNotMemory);
      if (v < d.min || v > d.max) {
        return Status::Error(err::config_reason::OutOfBounds(d.min, d.max));
      }
      if (d.l) {
        c->*d.l = v;
        return Status::Ok();
      }
      text = std::to_string(v);
      break;
    }
    case Kind::kMemoryOrPercent: {
      if (Status s = one(); !s.ok()) return s;
      int64_t v;
      const std::string& a = args[0];
      if (!a.empty() && a.back() == '%') {
        if (!ParseInt64(std::string_view(a).substr(0, a.size() - 1), &v) || v < 0) {
          return Status::Error(err::config_reason::kNotMemoryOrPercent);
        }
        if (v > 100) return Status::Error(err::config_reason::kPercentOver100);
        text = v == 0 ? "0" : std::to_string(v) + "%";
      } else if (a.empty()) {
        text = "0";
      } else {
        if (!ParseMemory(a, &v)) return Status::Error(err::config_reason::kNotMemoryOrPercent);
        text = std::to_string(v);
      }
      break;
    }
    case Kind::kOctal: {
      if (Status s = one(); !s.ok()) return s;
      const std::string& a = args[0];
      if (a.empty() || a.size() > 12 || a.find_first_not_of("01234567") != std::string::npos) {
        return Status::Error(err::config_reason::kNotOctal);
      }
      int64_t v = std::stoll(a, nullptr, 8);
      if (v > 0777) return Status::Error(err::config_reason::OutOfBounds(0, 777));  // Redis prints octal bounds
      char buf[16];
      snprintf(buf, sizeof(buf), "%llo", static_cast<unsigned long long>(v));
      text = buf;
      break;
    }
    case Kind::kString: {
      if (Status s = one(); !s.ok()) return s;
      if (d.s) {
        c->*d.s = args[0];
        return Status::Ok();
      }
      text = args[0];
      break;
    }
    case Kind::kEnum: {
      if (Status s = one(); !s.ok()) return s;
      std::string v = ToLower(args[0]);
      bool found = false;
      for (const char* allowed : d.values) found = found || v == allowed;
      if (!found) {
        std::string list;
        for (size_t i = 0; i < d.values.size(); i++) list += (i ? ", " : "") + std::string(d.values[i]);
        if (std::string(d.name) == "maxmemory-policy") {
          return Status::Error(err::config_reason::NotOneOf(list + " (the other Redis policies are not implemented by this server)"));
        }
        return Status::Error(err::config_reason::NotOneOf(list));
      }
      if (d.s) {
        c->*d.s = v;
        return Status::Ok();
      }
      text = v;
      break;
    }
    case Kind::kFlags: {
      // Any of `values`; the text lists the given ones in the table's order, "default" when none else.
      if (args.empty()) return Status::Error(err::config_reason::kWrongArgCount);
      std::vector<bool> given(d.values.size(), false);
      for (const std::string& a : args) {
        std::string v = ToLower(a);
        bool found = false;
        for (size_t k = 0; k < d.values.size(); k++) {
          if (v == d.values[k]) given[k] = found = true;
        }
        if (!found) {
          std::string list;
          for (size_t i = 0; i < d.values.size(); i++) list += (i ? ", " : "") + std::string(d.values[i]);
          return Status::Error(err::config_reason::NotOneOf(list));
        }
      }
      if (given[1] && given[2]) return Status::Error(err::config_reason::kSaveAndNosave);
      for (size_t k = 1; k < d.values.size(); k++) {
        if (given[k]) text += (text.empty() ? "" : " ") + std::string(d.values[k]);
      }
      if (text.empty()) text = "default";
      break;
    }
    case Kind::kBind: {
      if (args.empty() || args.size() > 16) return Status::Error(err::config_reason::kTooManyBind);
      c->bind = args;
      return Status::Ok();
    }
    case Kind::kSave: {
      // Redis 7.0: `save ""` clears; otherwise pairs of seconds (>= 1) and changes (>= 0). The first save
      // line of a load replaces the default, later lines add points (save_seen_), CONFIG SET replaces.
      std::vector<std::string> points = args;
      if (points.size() == 1 && points[0].empty()) points.clear();
      if (points.size() % 2 != 0) return Status::Error(err::config_reason::kBadSave);
      for (size_t j = 0; j < points.size(); j++) {
        int64_t v;
        if (!ParseInt64(points[j], &v) || (j % 2 == 0 && v < 1) || (j % 2 == 1 && v < 0)) {
          return Status::Error(err::config_reason::kBadSave);
        }
      }
      if (points.empty() || !c->save_seen_) c->save.clear();
      c->save_seen_ = true;
      for (auto& p : points) c->save += (c->save.empty() ? "" : " ") + std::to_string(std::stoll(p));
      return Status::Ok();
    }
    case Kind::kBufferLimit: {
      // Groups of <class> <hard> <soft> <soft-seconds>; all validated before any is applied.
      if (args.empty() || args.size() % 4 != 0) return Status::Error(err::config_reason::kBufferLimitArgs);
      auto limits = c->client_output_buffer_limit;
      for (size_t j = 0; j < args.size(); j += 4) {
        std::string cls = ToLower(args[j]);
        int k;
        if (cls == "normal") k = kClientClassNormal;
        else if (cls == "replica" || cls == "slave") k = kClientClassReplica;
        else if (cls == "pubsub") k = kClientClassPubsub;
        else return Status::Error(err::config_reason::kBufferLimitClass);
        ClientOutputBufferLimit l;
        if (!ParseMemory(args[j + 1], &l.hard_bytes) || !ParseMemory(args[j + 2], &l.soft_bytes) ||
            !ParseInt64(args[j + 3], &l.soft_seconds) || l.soft_seconds < 0) {
          return Status::Error(err::config_reason::kBufferLimitValue);
        }
        limits[k] = l;
      }
      c->client_output_buffer_limit = limits;
      return Status::Ok();
    }
    case Kind::kOomScoreAdjValues: {
      if (args.size() != 3) return Status::Error(err::config_reason::kWrongArgCount);
      for (const std::string& a : args) {
        int64_t v;
        if (!ParseInt64(a, &v) || v < -2000 || v > 2000) return Status::Error(err::config_reason::kOomScoreRange);
        text += (text.empty() ? "" : " ") + std::to_string(v);
      }
      break;
    }
    case Kind::kKeyspaceEvents: {
      if (Status s = one(); !s.ok()) return s;
      if (!KeyspaceEventsCanonical(args[0], &text)) return Status::Error(err::config_reason::kBadEventClass);
      notify::ParseClasses(args[0], &c->notify_keyspace_events);  // the same characters, as flags
      break;
    }
    case Kind::kPercentiles: {
      std::vector<std::string> vals = args;
      if (vals.size() == 1 && vals[0].empty()) vals.clear();
      for (const std::string& a : vals) {
        double v;
        if (!ParseDouble(a, &v)) return Status::Error(err::config_reason::kBadPercentiles);
        if (v < 0.0 || v > 100.0) return Status::Error(err::config_reason::kPercentilesRange);
        text += (text.empty() ? "" : " ") + FormatPercentile(v);
      }
      break;
    }
    case Kind::kRefused:
      return Status::Error(d.refuse_reason);
    case Kind::kSecretFile: {
      if (Status s = one(); !s.ok()) return s;
      if (Status s = ReadSecretFile(args[0], &(c->*d.secret)); !s.ok()) return s;
      c->*d.s = args[0];
      return Status::Ok();
    }
    case Kind::kReplicaOf: {
      if (args.size() != 2) return Status::Error(err::config_reason::kWrongArgCount);
      if (EqualsIgnoreCase(args[0], "no") && EqualsIgnoreCase(args[1], "one")) {
        c->replicaof.clear();  // "replicaof no one": a master, as Redis reads it
        return Status::Ok();
      }
      int64_t port;
      if (!ParseInt64(args[1], &port) || port < 1 || port > 65535) return Status::Error(err::config_reason::kBadMasterPort);
      c->replicaof = args[0] + " " + args[1];
      return Status::Ok();
    }
  }
  if (d.only != nullptr && text != d.only) return Status::Error(d.refuse_reason);
  c->no_effect_values[d.name] = std::move(text);
  return Status::Ok();
}

std::string Get(const Config& c, const Directive& d) {
  switch (d.kind) {
    case Kind::kBool:
      if (d.b) return (c.*d.b) ? "yes" : "no";
      break;
    case Kind::kInt:
    case Kind::kInt64:
    case Kind::kMemory:
      if (d.i) return std::to_string(c.*d.i);
      if (d.l) return std::to_string(c.*d.l);
      break;
    case Kind::kString:
    case Kind::kEnum:
    case Kind::kSecretFile:
      if (d.s) return c.*d.s;
      break;
    case Kind::kBind: return Join(c.bind);
    case Kind::kSave: return c.save;
    case Kind::kReplicaOf: return c.replicaof;
    case Kind::kBufferLimit: return BufferLimitText(c);
    case Kind::kRefused: return "";
    default: break;
  }
  auto it = c.no_effect_values.find(d.name);
  return it == c.no_effect_values.end() ? d.def : it->second;
}

// One configuration line (its words). `source`/`lineno` name it for the no-effect log and rename-command.
Status ApplyLine(Config* config, const std::vector<std::string>& words, std::string_view source, int lineno) {
  std::vector<std::string> args(words.begin() + 1, words.end());
  if (EqualsIgnoreCase(words[0], "rename-command")) {
    // Applied to the command table once it exists (ApplyRenames): an unknown command is reported there.
    if (args.size() != 2) return Status::Error(err::config_reason::kBadDirective);
    config->rename_commands.push_back({ToLower(args[0]), ToLower(args[1]), std::string(source), lineno});
    return Status::Ok();
  }
  const Directive* d = FindDirective(words[0]);
  if (d == nullptr) return Status::Error(err::config_reason::kBadDirective);
  if (Status st = Apply(config, *d, args); !st.ok()) return st;
  if (d->no_effect && (d->native == nullptr || Get(*config, *d) != d->native)) {
    config->no_effect_lines.push_back({d->name, std::string(source), lineno});
  }
  return Status::Ok();
}

Status ApplyTextInternal(std::string_view text, std::string_view source, Config* config, int depth) {
  std::istringstream in{std::string(text)};
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    lineno++;
    size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    std::string trimmed = line.substr(b);
    while (!trimmed.empty() && (trimmed.back() == '\r' || trimmed.back() == ' ' || trimmed.back() == '\t')) {
      trimmed.pop_back();
    }
    std::vector<std::string> words;
    auto where = [&]() {
      return "Reading the configuration file " + std::string(source) + ", at line " + std::to_string(lineno) +
             "\n>>> '" + trimmed + "'\n";
    };
    if (!SplitInlineArgs(trimmed, &words)) return Status::Error(where() + "Unbalanced quotes in configuration line");
    if (words.empty()) continue;
    if (EqualsIgnoreCase(words[0], "include")) {
      if (words.size() != 2) return Status::Error(where() + "wrong number of arguments");
      if (depth > 8) return Status::Error(where() + "includes nested too deeply");
      std::ifstream f(words[1]);
      if (!f) return Status::Error(where() + "Fatal error, can't open config file '" + words[1] + "': " + strerror(errno));
      std::stringstream ss;
      ss << f.rdbuf();
      Status st = ApplyTextInternal(ss.str(), "'" + words[1] + "'", config, depth + 1);
      if (!st.ok()) return st;
      continue;
    }
    Status st = ApplyLine(config, words, source, lineno);
    if (!st.ok()) return Status::Error(where() + st.message());
  }
  return Status::Ok();
}

}  // namespace

Status ApplyConfigText(std::string_view text, std::string_view source_name, Config* config) {
  return ApplyTextInternal(text, source_name, config, 0);
}

Status LoadConfig(int argc, const char* const* argv, Config* config) {
  int i = 0;
  if (argc > 0 && strncmp(argv[0], "--", 2) != 0) {
    std::string path = argv[0];
    std::stringstream ss;
    if (path == "-") {
      ss << std::cin.rdbuf();
    } else {
      std::ifstream f(path);
      if (!f) return Status::Error("Fatal error, can't open config file '" + path + "': " + strerror(errno));
      ss << f.rdbuf();
    }
    Status st = ApplyConfigText(ss.str(), "'" + path + "'", config);
    if (!st.ok()) return st;
    i = 1;
  }
  // Command line: "--name v1 v2 --other v" -> one line per directive, as redis-server builds them.
  std::string text;
  for (; i < argc; i++) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0) {
      if (!text.empty()) text += "\n";
      text += a.substr(2);
    } else {
      if (text.empty()) return Status::Error("Invalid argument '" + a + "': expected --directive");
      // Quote each value so that spaces and empty strings survive (e.g. --save "").
      std::string q = "\"";
      for (char ch : a) {
        if (ch == '"' || ch == '\\') q += '\\';
        q += ch;
      }
      q += "\"";
      text += " " + q;
    }
  }
  // A bare "--save" (no value) means save "".
  return ApplyConfigText(text, "(command line)", config);
}

Status ConfigSet(Config* config, std::string_view name, std::string_view value) {
  const Directive* d = FindDirective(name);
  if (d == nullptr || d->kind == Kind::kRefused) return Status::Error(err::UnknownConfigOption(name));
  if (!d->mutable_at_runtime) {
    return Status::Error(err::ConfigSetFailed(name, err::config_reason::kImmutable));
  }
  std::vector<std::string> args;
  // Redis's multi-argument directives take their words from the one CONFIG SET value.
  bool multi = d->kind == Kind::kBind || d->kind == Kind::kSave || d->kind == Kind::kBufferLimit ||
               d->kind == Kind::kOomScoreAdjValues || d->kind == Kind::kFlags || d->kind == Kind::kPercentiles;
  if (multi) {
    if (!SplitInlineArgs(value, &args)) args = {std::string(value)};
    if ((d->kind == Kind::kSave || d->kind == Kind::kPercentiles) && args.empty()) args = {""};
    // CONFIG SET client-output-buffer-limit "" changes nothing, as in Redis.
    if (d->kind == Kind::kBufferLimit && args.empty()) return Status::Ok();
  } else {
    args = {std::string(value)};
  }
  // CONFIG SET save replaces the points (the loader's "later lines add" is for files only).
  if (d->kind == Kind::kSave) config->save_seen_ = false;
  Status st = Apply(config, *d, args);
  if (!st.ok()) {
    return Status::Error(err::ConfigSetFailed(name, st.message()));
  }
  return Status::Ok();
}

std::vector<std::pair<std::string, std::string>> ConfigGet(const Config& config, std::string_view pattern) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& d : Table()) {
    if (d.kind == Kind::kRefused) continue;
    if (GlobMatch(pattern, d.name, true)) out.emplace_back(d.name, Get(config, d));
  }
  for (auto& [alias, canonical] : Aliases()) {
    if (GlobMatch(pattern, alias, true)) out.emplace_back(alias, Get(config, *FindDirective(canonical)));
  }
  return out;
}

std::string ProcessTitle(std::string_view exec_name, const Config& config) {
  std::string addr = config.bind.empty() ? "*" : config.bind[0];
  if (!addr.empty() && addr[0] == '-') addr.erase(0, 1);  // "-::1": optional address, same address
  std::string title = std::string(exec_name) + " " + addr + ":" + std::to_string(config.port);
  if (config.cluster_enabled) title += " [cluster]";
  return title;
}

std::vector<std::string> NoEffectLogLines(const Config& config) {
  std::vector<std::string> out;
  std::vector<std::string> done;
  for (const NoEffectDirective& first : config.no_effect_lines) {
    if (std::find(done.begin(), done.end(), first.name) != done.end()) continue;
    done.push_back(first.name);
    // "'a.conf' line 3", "'a.conf' lines 3, 4, 5; (command line) line 1"
    std::string where, source;
    int count = 0;
    std::string numbers;
    auto flush = [&]() {
      if (count == 0) return;
      if (!where.empty()) where += "; ";
      where += source + (count == 1 ? " line " : " lines ") + numbers;
    };
    for (const NoEffectDirective& e : config.no_effect_lines) {
      if (e.name != first.name) continue;
      if (e.source != source) {
        flush();
        source = e.source;
        count = 0;
        numbers.clear();
      }
      numbers += (count++ ? ", " : "") + std::to_string(e.line);
    }
    flush();
    out.push_back("Config directive '" + first.name + "' (" + where + "): accepted, has no effect here");
  }
  return out;
}

bool ConfigIsMutable(std::string_view name) {
  const Directive* d = FindDirective(name);
  return d != nullptr && d->mutable_at_runtime;
}

}  // namespace rcs
