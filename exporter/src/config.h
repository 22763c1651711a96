// Command line and environment, in redis_exporter's spelling so users can switch: each flag may be written
// -flag value, -flag=value, --flag value or --flag=value; each has an environment variable; a flag wins over
// its variable, which wins over the default. Parsing is pure (args and a getenv function in, Config or an
// error out) so it is unit-tested; main() turns an error into a message and exit code 2.
#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "key_check.h"
#include "log.h"
#include "redis_uri.h"
#include "web_config.h"

namespace rcs::exporter {

struct Config {
  std::vector<Endpoint> seeds;
  std::string user;
  std::string password;                              // --redis.password or a plain password file
  std::map<std::string, std::string> password_map;  // JSON password file: "redis://host:port" -> password
  std::string listen_host = "0.0.0.0";
  int listen_port = 9121;
  std::string telemetry_path = "/metrics";
  std::string ns = "redis";
  std::chrono::milliseconds connection_timeout{2000};
  std::chrono::milliseconds scrape_timeout{5000};
  size_t slot_stats_top = 10;  // --slot-stats.top: per node, the top N slots by each SLOT-STATS metric
  KeyCheckOptions key_check;  // --check-keys, --check-single-keys, --check-keys-batch-size, --check-keys-limit
  std::optional<WebConfig> web;  // --web.config.file: TLS and basic auth (web_config.h)
  bool log_json = false;
  LogLevel log_level = LogLevel::kInfo;

  // Credentials for a node: the URI's own, then the password file's entry for "redis://host:port", then
  // --redis.password, then the first seed's (a cluster normally shares one password).
  std::string PasswordFor(const Endpoint& ep) const;
  std::string UserFor(const Endpoint& ep) const;
};

struct FlagParse {
  std::optional<Config> config;  // set when parsing succeeded and the program should run
  bool help = false;             // --help: print HelpText(), exit 0
  bool version = false;          // --version
  std::string error;             // set on a bad flag or value: print it, exit 2
};

using GetEnv = std::function<const char*(const char*)>;
using ReadFile = std::function<std::optional<std::string>(const std::string&)>;

FlagParse ParseFlags(const std::vector<std::string>& args, const GetEnv& getenv, const ReadFile& read_file);
std::string HelpText();

// Go-style durations as redis_exporter takes them: "15s", "500ms", "1m30s", "2.5s"; a bare number is seconds.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view s);

// Password file: a plain secret (trailing newline ignored) or a JSON object {"redis://host:port": "password"}.
bool ParsePasswordFile(const std::string& content, std::string* password, std::map<std::string, std::string>* map,
                       std::string* error);

}  // namespace rcs::exporter
