#include "config.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace rcs::exporter {
namespace {

struct FlagSpec {
  const char* name;
  const char* env;
  const char* def;
  const char* help;
};

constexpr FlagSpec kFlags[] = {
    {"redis.addr", "REDIS_ADDR", "redis://redis-node-0:6379",
     "Seed node address(es), comma separated: redis://[user:password@]host:port or host:port. The first seed that "
     "answers CLUSTER NODES is used; if none does, nodes learned from the last CLUSTER NODES are tried."},
    {"redis.user", "REDIS_USER", "", "User for AUTH (Redis 6+ ACL); empty for the default user."},
    {"redis.password", "REDIS_PASSWORD", "", "Password for AUTH."},
    {"redis.password-file", "REDIS_PASSWORD_FILE", "",
     "File holding the password (e.g. /run/secrets/redis_password; trailing newline ignored), or a JSON object "
     "mapping redis://host:port to a password. Overrides --redis.password."},
    {"web.listen-address", "REDIS_EXPORTER_WEB_LISTEN_ADDRESS", ":9121", "Address to serve HTTP on, host:port."},
    {"web.telemetry-path", "REDIS_EXPORTER_WEB_TELEMETRY_PATH", "/metrics", "Path of the whole-cluster metrics."},
    {"web.config.file", "REDIS_EXPORTER_WEB_CONFIG_FILE", "",
     "exporter-toolkit web config (YAML): tls_server_config (cert_file, key_file, client_auth_type, client_ca_file, "
     "min_version) and basic_auth_users (bcrypt hashes) for every endpoint."},
    {"namespace", "REDIS_EXPORTER_NAMESPACE", "redis", "Prefix of every metric name."},
    {"connection-timeout", "REDIS_EXPORTER_CONNECTION_TIMEOUT", "2s", "Timeout for connecting to a node."},
    {"scrape-timeout", "REDIS_EXPORTER_SCRAPE_TIMEOUT", "5s",
     "Upper bound of one scrape; nodes that have not answered by then are reported redis_up 0."},
    {"slot-stats.top", "REDIS_EXPORTER_SLOT_STATS_TOP", "10",
     "Per node, how many of its hottest slots (by key count, CPU, network bytes in and out; CLUSTER SLOT-STATS) "
     "get series with a slot label: 0 to 1000. The per-node sums are served regardless."},
    {"check-keys", "REDIS_EXPORTER_CHECK_KEYS", "",
     "Comma separated key patterns (SCAN MATCH globs, optionally dbN=pattern) whose keys get redis_key_size and, "
     "for small strings, redis_key_value / redis_key_value_as_string; searched with SCAN on every master."},
    {"check-single-keys", "REDIS_EXPORTER_CHECK_SINGLE_KEYS", "",
     "Comma separated keys (optionally dbN=key) to export the same for; asked of the master owning the key's slot."},
    {"check-keys-batch-size", "REDIS_EXPORTER_CHECK_KEYS_BATCH_SIZE", "1000",
     "COUNT of each SCAN for --check-keys (1 to 1000000): larger is fewer round trips but a longer SCAN on the node."},
    {"check-keys-limit", "REDIS_EXPORTER_CHECK_KEYS_LIMIT", "1000",
     "At most this many keys per scrape (single keys first, then pattern matches, over all masters; 1 to 100000). "
     "Scanning also stops at --scrape-timeout."},
    {"log-format", "REDIS_EXPORTER_LOG_FORMAT", "text", "Log format: text or json."},
    {"log-level", "REDIS_EXPORTER_LOG_LEVEL", "info", "Log level: debug, info, warn or error."},
};

bool ValidNamespace(const std::string& ns) {
  if (ns.empty()) return false;
  for (size_t i = 0; i < ns.size(); ++i) {
    char c = ns[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double total_ms = 0;
  const char* p = s.data();
  const char* end = s.data() + s.size();
  bool any = false;
  while (p < end) {
    double v = 0;
    auto [q, ec] = std::from_chars(p, end, v);
    if (ec != std::errc() || v < 0) return std::nullopt;
    p = q;
    std::string_view rest(p, end - p);
    double unit_ms;
    if (rest.empty()) {
      if (any) return std::nullopt;  // "1m30" is ambiguous
      unit_ms = 1000;
    } else if (rest.starts_with("ms")) {
      unit_ms = 1;
      p += 2;
    } else if (rest.starts_with("s")) {
      unit_ms = 1000;
      p += 1;
    } else if (rest.starts_with("m")) {
      unit_ms = 60'000;
      p += 1;
    } else if (rest.starts_with("h")) {
      unit_ms = 3'600'000;
      p += 1;
    } else {
      return std::nullopt;
    }
    total_ms += v * unit_ms;
    any = true;
  }
  return std::chrono::milliseconds(static_cast<long long>(total_ms + 0.5));
}

bool ParsePasswordFile(const std::string& content, std::string* password, std::map<std::string, std::string>* map,
                       std::string* error) {
  size_t first = content.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && content[first] == '{') {
    auto j = nlohmann::json::parse(content, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      *error = "password file looks like JSON but is not a JSON object";
      return false;
    }
    for (auto& [k, v] : j.items()) {
      if (!v.is_string()) {
        *error = "password file: the value for \"" + k + "\" is not a string";
        return false;
      }
      std::string err;
      auto ep = ParseRedisUri(k, &err);
      (*map)[ep ? ep->Uri() : k] = v.get<std::string>();
    }
    return true;
  }
  std::string p = content;
  while (!p.empty() && (p.back() == '\n' || p.back() == '\r')) p.pop_back();
  *password = p;
  return true;
}

std::string Config::PasswordFor(const Endpoint& ep) const {
  if (ep.password) return *ep.password;
  if (auto it = password_map.find(ep.Uri()); it != password_map.end()) return it->second;
  if (!password.empty()) return password;
  if (!seeds.empty() && !(seeds.front().HostPort() == ep.HostPort())) {
    const Endpoint& s = seeds.front();
    if (s.password) return *s.password;
    if (auto it = password_map.find(s.Uri()); it != password_map.end()) return it->second;
  }
  return "";
}

std::string Config::UserFor(const Endpoint& ep) const {
  if (ep.user) return *ep.user;
  if (!seeds.empty() && seeds.front().user && !(seeds.front().HostPort() == ep.HostPort())) return *seeds.front().user;
  return user;
}

std::string HelpText() {
  std::string out =
      "Usage: redis-cluster-exporter [flags]\n\n"
      "Prometheus exporter for a Redis Cluster: discovers every node from a seed's CLUSTER NODES and serves\n"
      "all of them on one /metrics. Flags may be written -flag value, -flag=value, --flag value, --flag=value.\n\n"
      "Flags (environment variable, default):\n";
  for (const auto& f : kFlags) {
    out += "  --" + std::string(f.name) + "\n      " + f.help + "\n      env " + f.env + ", default \"" + f.def +
           "\"\n";
  }
  out +=
      "  --is-cluster\n      Accepted for compatibility with redis_exporter; cluster discovery is always on.\n"
      "  --help\n      Print this help and exit.\n"
      "  --version\n      Print the version and exit.\n\n"
      "Endpoints: <telemetry-path> (whole cluster), /scrape?target=redis://host:port (one node),\n"
      "/discover-cluster-nodes (Prometheus http_sd JSON), /health, / (landing page).\n"
      "Exit codes: 0 ok, 1 runtime failure (e.g. cannot listen), 2 bad flags or configuration.\n";
  return out;
}

FlagParse ParseFlags(const std::vector<std::string>& args, const GetEnv& getenv, const ReadFile& read_file) {
  FlagParse r;
  std::map<std::string, std::string> values;
  for (const auto& f : kFlags) {
    const char* e = getenv(f.env);
    values[f.name] = e ? e : f.def;
  }
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a.rfind("--", 0) == 0) {
      a = a.substr(2);
    } else if (a.rfind("-", 0) == 0 && a.size() > 1) {
      a = a.substr(1);
    } else {
      r.error = "unexpected argument \"" + args[i] + "\" (flags start with --)";
      return r;
    }
    std::string name = a, value;
    bool has_value = false;
    if (size_t eq = a.find('='); eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      has_value = true;
    }
    if (name == "help" || name == "h") {
      r.help = true;
      return r;
    }
    if (name == "version") {
      r.version = true;
      return r;
    }
    if (name == "is-cluster") {  // redis_exporter's switch; discovery is always on here
      if (has_value && value != "true" && value != "false" && value != "1" && value != "0") {
        r.error = "flag --is-cluster takes true or false, got \"" + value + "\"";
        return r;
      }
      continue;
    }
    bool known = false;
    for (const auto& f : kFlags) known = known || name == f.name;
    if (!known) {
      r.error = "unknown flag --" + name + " (see --help)";
      return r;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        r.error = "flag --" + name + " needs a value";
        return r;
      }
      value = args[++i];
    }
    values[name] = value;
  }

  Config c;
  // Seeds.
  std::string addrs = values["redis.addr"];
  size_t pos = 0;
  while (pos <= addrs.size()) {
    size_t comma = addrs.find(',', pos);
    if (comma == std::string::npos) comma = addrs.size();
    std::string one = addrs.substr(pos, comma - pos);
    pos = comma + 1;
    while (!one.empty() && one.front() == ' ') one.erase(0, 1);
    while (!one.empty() && one.back() == ' ') one.pop_back();
    if (one.empty()) continue;
    std::string err;
    auto ep = ParseRedisUri(one, &err);
    if (!ep) {
      r.error = "--redis.addr: " + err;
      return r;
    }
    c.seeds.push_back(*ep);
  }
  if (c.seeds.empty()) {
    r.error = "--redis.addr: no address given";
    return r;
  }
  c.user = values["redis.user"];
  c.password = values["redis.password"];
  if (const std::string& file = values["redis.password-file"]; !file.empty()) {
    auto content = read_file(file);
    if (!content) {
      r.error = "--redis.password-file: cannot read \"" + file + "\"";
      return r;
    }
    std::string err, pw;
    if (!ParsePasswordFile(*content, &pw, &c.password_map, &err)) {
      r.error = "--redis.password-file: " + err;
      return r;
    }
    if (!pw.empty() || c.password_map.empty()) c.password = pw;
  }
  // Listen address: "host:port", ":port", "[v6]:port".
  std::string listen = values["web.listen-address"];
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    r.error = "--web.listen-address: expected host:port or :port, got \"" + listen + "\"";
    return r;
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  c.listen_host = host.empty() ? "0.0.0.0" : host;
  std::string port = listen.substr(colon + 1);
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), c.listen_port);
  if (ec != std::errc() || p != port.data() + port.size() || c.listen_port < 0 || c.listen_port > 65535) {
    r.error = "--web.listen-address: bad port in \"" + listen + "\"";
    return r;
  }
  if (const std::string& file = values["web.config.file"]; !file.empty()) {
    auto content = read_file(file);
    if (!content) {
      r.error = "--web.config.file: cannot read \"" + file + "\"";
      return r;
    }
    std::string err;
    c.web = ParseWebConfig(*content, &err);
    if (!c.web) {
      r.error = "--web.config.file " + file + ": " + err;
      return r;
    }
  }
  c.telemetry_path = values["web.telemetry-path"];
  if (c.telemetry_path.empty() || c.telemetry_path.front() != '/') {
    r.error = "--web.telemetry-path: must start with '/'";
    return r;
  }
  if (c.telemetry_path == "/scrape" || c.telemetry_path == "/health" || c.telemetry_path == "/" ||
      c.telemetry_path == "/discover-cluster-nodes" || c.telemetry_path == "/cluster.json") {
    r.error = "--web.telemetry-path: \"" + c.telemetry_path + "\" is taken by another endpoint";
    return r;
  }
  c.ns = values["namespace"];
  if (!ValidNamespace(c.ns)) {
    r.error = "--namespace: \"" + c.ns + "\" is not a valid metric name prefix ([a-zA-Z_][a-zA-Z0-9_]*)";
    return r;
  }
  for (const char* name : {"connection-timeout", "scrape-timeout"}) {
    auto d = ParseDuration(values[name]);
    if (!d || d->count() <= 0) {
      r.error = std::string("--") + name + ": \"" + values[name] + "\" is not a positive duration (e.g. 5s, 500ms)";
      return r;
    }
    (std::string_view(name) == "connection-timeout" ? c.connection_timeout : c.scrape_timeout) = *d;
  }
  {
    const std::string& top = values["slot-stats.top"];
    unsigned long n = 0;
    auto [tp, tec] = std::from_chars(top.data(), top.data() + top.size(), n);
    if (tec != std::errc() || tp != top.data() + top.size() || top.empty() || n > 1000) {
      r.error = "--slot-stats.top: expected a number from 0 to 1000, got \"" + top + "\"";
      return r;
    }
    c.slot_stats_top = n;
  }
  for (const char* name : {"check-keys", "check-single-keys"}) {
    std::string err;
    auto list = ParseKeyPatterns(values[name], &err);
    if (!list) {
      r.error = std::string("--") + name + ": " + err;
      return r;
    }
    (std::string_view(name) == "check-keys" ? c.key_check.patterns : c.key_check.single_keys) = std::move(*list);
  }
  for (const char* name : {"check-keys-batch-size", "check-keys-limit"}) {
    const std::string& v = values[name];
    const bool batch = std::string_view(name) == "check-keys-batch-size";
    const unsigned long max = batch ? 1000000 : 100000;
    unsigned long n = 0;
    auto [np, nec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (nec != std::errc() || np != v.data() + v.size() || v.empty() || n < 1 || n > max) {
      r.error = std::string("--") + name + ": expected a number from 1 to " + std::to_string(max) + ", got \"" + v + "\"";
      return r;
    }
    (batch ? c.key_check.batch_size : c.key_check.limit) = n;
  }
  const std::string& fmt = values["log-format"];
  if (fmt == "json") {
    c.log_json = true;
  } else if (fmt != "text") {
    r.error = "--log-format: expected text or json, got \"" + fmt + "\"";
    return r;
  }
  const std::string& lvl = values["log-level"];
  if (lvl == "debug") c.log_level = LogLevel::kDebug;
  else if (lvl == "info") c.log_level = LogLevel::kInfo;
  else if (lvl == "warn" || lvl == "warning") c.log_level = LogLevel::kWarn;
  else if (lvl == "error") c.log_level = LogLevel::kError;
  else {
    r.error = "--log-level: expected debug, info, warn or error, got \"" + lvl + "\"";
    return r;
  }
  r.config = std::move(c);
  return r;
}

}  // namespace rcs::exporter
