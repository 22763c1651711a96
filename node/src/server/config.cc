// The directive table. Each row: name, kind, field, bounds or allowed values, and whether CONFIG SET may
// change it. Loading follows redis-server: the file's lines, then the command line's "--name value" pairs
// appended as lines; the first bad line stops startup with its source, line number and reason.
#include "server/config.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/strutil.h"
#include "protocol/resp_parser.h"
#include "protocol/errors.h"

namespace rcs {
namespace {

enum class Kind { kBool, kInt, kInt64, kMemory, kString, kEnum, kBind, kSave, kReplicaOf, kSecretFile, kIgnoredBool, kIgnoredInt, kIgnoredString };

struct Directive {
  const char* name;
  Kind kind;
  bool mutable_at_runtime;
  bool Config::*b = nullptr;
  int Config::*i = nullptr;
  int64_t Config::*l = nullptr;
  std::string Config::*s = nullptr;
  int64_t min = INT64_MIN, max = INT64_MAX;
  std::vector<const char*> values = {};  // for kEnum
  const char* alias = nullptr;
  std::string Config::*secret = nullptr;  // for kSecretFile: the field the file's content goes to
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
Directive Ignored(const char* n, Kind k) { return Directive{n, k, true}; }

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
        B("aof-use-rdb-preamble", &Config::aof_use_rdb_preamble),
        I("auto-aof-rewrite-percentage", &Config::auto_aof_rewrite_percentage, 0, INT32_MAX),
        M("auto-aof-rewrite-min-size", &Config::auto_aof_rewrite_min_size, 0, INT64_MAX),
        B("aof-load-truncated", &Config::aof_load_truncated),
        Directive{"save", Kind::kSave, true},
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
        L("slowlog-log-slower-than", &Config::slowlog_log_slower_than, INT64_MIN, INT64_MAX),
        L("slowlog-max-len", &Config::slowlog_max_len, 0, INT64_MAX),
        L("list-max-listpack-size", &Config::list_max_listpack_size, INT32_MIN, INT32_MAX),
        L("hash-max-listpack-entries", &Config::hash_max_listpack_entries, 0, INT64_MAX),
        L("hash-max-listpack-value", &Config::hash_max_listpack_value, 0, INT64_MAX),
        L("set-max-intset-entries", &Config::set_max_intset_entries, 0, INT64_MAX),
        L("zset-max-listpack-entries", &Config::zset_max_listpack_entries, 0, INT64_MAX),
        L("zset-max-listpack-value", &Config::zset_max_listpack_value, 0, INT64_MAX),
        I("active-expire-effort", &Config::active_expire_effort, 1, 10),
        B("lazyfree-lazy-user-del", &Config::lazyfree_lazy_user_del),
        I("io-threads", &Config::io_threads, 1, 128, false),
        // Accepted for compatibility with existing redis.conf files; they do not change behaviour here.
        Ignored("lazyfree-lazy-eviction", Kind::kIgnoredBool),
        Ignored("lazyfree-lazy-expire", Kind::kIgnoredBool),
        Ignored("lazyfree-lazy-server-del", Kind::kIgnoredBool),
        Ignored("replica-lazy-flush", Kind::kIgnoredBool),
        Ignored("activedefrag", Kind::kIgnoredBool),
        Ignored("jemalloc-bg-thread", Kind::kIgnoredBool),
        Ignored("rdbcompression", Kind::kIgnoredBool),
        Ignored("rdbchecksum", Kind::kIgnoredBool),
        Ignored("stop-writes-on-bgsave-error", Kind::kIgnoredBool),
        Ignored("always-show-logo", Kind::kIgnoredBool),
        Ignored("set-proc-title", Kind::kIgnoredBool),
        Ignored("no-appendfsync-on-rewrite", Kind::kIgnoredBool),
        Ignored("aof-rewrite-incremental-fsync", Kind::kIgnoredBool),
        Ignored("aof-timestamp-enabled", Kind::kIgnoredBool),
        Ignored("dynamic-hz", Kind::kIgnoredBool),
        Ignored("repl-disable-tcp-nodelay", Kind::kIgnoredBool),
        Ignored("repl-diskless-sync", Kind::kIgnoredBool),
        Ignored("io-threads-do-reads", Kind::kIgnoredBool),
        Ignored("crash-log-enabled", Kind::kIgnoredBool),
        Ignored("repl-diskless-sync-delay", Kind::kIgnoredInt),
        Ignored("latency-monitor-threshold", Kind::kIgnoredInt),
        Ignored("lua-time-limit", Kind::kIgnoredInt),
        Ignored("busy-reply-threshold", Kind::kIgnoredInt),
        Ignored("replica-priority", Kind::kIgnoredInt),
        Ignored("notify-keyspace-events", Kind::kIgnoredString),
        Ignored("repl-diskless-load", Kind::kIgnoredString),
        Ignored("oom-score-adj", Kind::kIgnoredString),
    };
    return t;
  }();
  return table;
}

const Directive* FindDirective(std::string_view name) {
  std::string n = ToLower(name);
  // Redis's old names still work.
  if (n == "slaveof") n = "replicaof";
  else if (n == "slave-read-only") n = "replica-read-only";
  else if (n == "slave-serve-stale-data") n = "replica-serve-stale-data";
  else if (n == "slave-priority") n = "replica-priority";
  else if (n == "cluster-slave-validity-factor") n = "cluster-replica-validity-factor";
  else if (n == "cluster-slave-no-failover") n = "cluster-replica-no-failover";
  else if (n == "hash-max-ziplist-entries") n = "hash-max-listpack-entries";
  else if (n == "hash-max-ziplist-value") n = "hash-max-listpack-value";
  else if (n == "zset-max-ziplist-entries") n = "zset-max-listpack-entries";
  else if (n == "zset-max-ziplist-value") n = "zset-max-listpack-value";
  else if (n == "list-max-ziplist-size") n = "list-max-listpack-size";
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

// Applies one directive with its arguments. Returns the reason on error (Redis's wording where it has one).
Status Apply(Config* c, const Directive& d, const std::vector<std::string>& args) {
  auto one = [&]() -> Status {
    if (args.size() != 1) return Status::Error(err::config_reason::kWrongArgCount);
    return Status::Ok();
  };
  switch (d.kind) {
    case Kind::kBool:
    case Kind::kIgnoredBool: {
      if (Status s = one(); !s.ok()) return s;
      bool v;
      if (!ParseBool(args[0], &v)) return Status::Error(err::config_reason::kNotBool);
      if (d.b) c->*d.b = v;
      return Status::Ok();
    }
    case Kind::kInt:
    case Kind::kInt64:
    case Kind::kIgnoredInt: {
      if (Status s = one(); !s.ok()) return s;
      int64_t v;
      if (!ParseInt64(args[0], &v)) return Status::Error(err::config_reason::kNotInteger);
      if (v < d.min || v > d.max) {
        return Status::Error(err::config_reason::OutOfBounds(d.min, d.max));
      }
      if (d.i) c->*d.i = static_cast<int>(v);
      if (d.l) c->*d.l = v;
      return Status::Ok();
    }
    case Kind::kMemory: {
      if (Status s = one(); !s.ok()) return s;
      int64_t v;
      if (!ParseMemory(args[0], &v)) return Status::Error(err::config_reason::kNotMemory);
      if (v < d.min || v > d.max) {
        return Status::Error(err::config_reason::OutOfBounds(d.min, d.max));
      }
      c->*d.l = v;
      return Status::Ok();
    }
    case Kind::kString:
    case Kind::kIgnoredString: {
      if (Status s = one(); !s.ok()) return s;
      if (d.s) c->*d.s = args[0];
      return Status::Ok();
    }
    case Kind::kEnum: {
      if (Status s = one(); !s.ok()) return s;
      std::string v = ToLower(args[0]);
      for (const char* allowed : d.values) {
        if (v == allowed) {
          c->*d.s = v;
          return Status::Ok();
        }
      }
      std::string list;
      for (size_t i = 0; i < d.values.size(); i++) list += (i ? ", " : "") + std::string(d.values[i]);
      if (std::string(d.name) == "maxmemory-policy") {
        return Status::Error(err::config_reason::NotOneOf(list + " (the other Redis policies are not implemented by this server)"));
      }
      return Status::Error(err::config_reason::NotOneOf(list));
    }
    case Kind::kBind: {
      if (args.empty() || args.size() > 16) return Status::Error(err::config_reason::kTooManyBind);
      c->bind = args;
      return Status::Ok();
    }
    case Kind::kSave: {
      // Only `save ""` (snapshots off) is supported: persistence is the AOF.
      if (args.empty() || (args.size() == 1 && args[0].empty())) {
        c->save.clear();
        return Status::Ok();
      }
      return Status::Error(err::config_reason::kNoRdb);
    }
    case Kind::kSecretFile: {
      if (Status s = one(); !s.ok()) return s;
      if (Status s = ReadSecretFile(args[0], &(c->*d.secret)); !s.ok()) return s;
      c->*d.s = args[0];
      return Status::Ok();
    }
    case Kind::kReplicaOf: {
      if (args.size() != 2) return Status::Error(err::config_reason::kWrongArgCount);
      int64_t port;
      if (!ParseInt64(args[1], &port) || port < 1 || port > 65535) return Status::Error(err::config_reason::kBadMasterPort);
      c->replicaof = args[0] + " " + args[1];
      return Status::Ok();
    }
  }
  return Status::Error(err::config_reason::kUnsupported);
}

std::string Get(const Config& c, const Directive& d) {
  switch (d.kind) {
    case Kind::kBool: return (c.*d.b) ? "yes" : "no";
    case Kind::kInt: return std::to_string(c.*d.i);
    case Kind::kInt64:
    case Kind::kMemory: return std::to_string(c.*d.l);
    case Kind::kString:
    case Kind::kEnum:
    case Kind::kSecretFile: return c.*d.s;
    case Kind::kBind: return Join(c.bind);
    case Kind::kSave: return c.save;
    case Kind::kReplicaOf: return c.replicaof;
    case Kind::kIgnoredBool: return "no";
    case Kind::kIgnoredInt: return "0";
    case Kind::kIgnoredString: return "";
  }
  return "";
}

Status ApplyLine(Config* config, const std::vector<std::string>& words) {
  const Directive* d = FindDirective(words[0]);
  if (d == nullptr) return Status::Error("Bad directive or wrong number of arguments");
  std::vector<std::string> args(words.begin() + 1, words.end());
  return Apply(config, *d, args);
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
      Status st = ApplyTextInternal(ss.str(), words[1], config, depth + 1);
      if (!st.ok()) return st;
      continue;
    }
    Status st = ApplyLine(config, words);
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
  if (d == nullptr) return Status::Error(err::UnknownConfigOption(name));
    if (!d->mutable_at_runtime) {
    return Status::Error(err::ConfigSetFailed(name, err::config_reason::kImmutable));
  }
  std::vector<std::string> args;
  if (d->kind == Kind::kBind || d->kind == Kind::kSave) {
    if (!SplitInlineArgs(value, &args)) args = {std::string(value)};
    if (d->kind == Kind::kSave && args.empty()) args = {""};
  } else {
    args = {std::string(value)};
  }
  Status st = Apply(config, *d, args);
  if (!st.ok()) {
    return Status::Error(err::ConfigSetFailed(name, st.message()));
  }
  return Status::Ok();
}

std::vector<std::pair<std::string, std::string>> ConfigGet(const Config& config, std::string_view pattern) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& d : Table()) {
    if (d.kind == Kind::kIgnoredBool || d.kind == Kind::kIgnoredInt || d.kind == Kind::kIgnoredString) continue;
    if (GlobMatch(pattern, d.name, true)) out.emplace_back(d.name, Get(config, d));
  }
  if (GlobMatch(pattern, "slaveof", true) && !GlobMatch(pattern, "replicaof", true)) {
    out.emplace_back("slaveof", config.replicaof);
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

bool ConfigIsMutable(std::string_view name) {
  const Directive* d = FindDirective(name);
  return d != nullptr && d->mutable_at_runtime;
}

}  // namespace rcs
