#include <doctest/doctest.h>

#include <map>

#include "config.h"
#include "redis_uri.h"

using namespace rcs::exporter;

namespace {
struct Env {
  std::map<std::string, std::string> vars;
  std::map<std::string, std::string> files;
  FlagParse Parse(std::vector<std::string> args) const {
    return ParseFlags(
        args,
        [this](const char* n) -> const char* {
          auto it = vars.find(n);
          return it == vars.end() ? nullptr : it->second.c_str();
        },
        [this](const std::string& path) -> std::optional<std::string> {
          auto it = files.find(path);
          if (it == files.end()) return std::nullopt;
          return it->second;
        });
  }
};
}  // namespace

TEST_CASE("defaults follow the issue") {
  auto r = Env{}.Parse({});
  REQUIRE(r.config);
  const Config& c = *r.config;
  REQUIRE(c.seeds.size() == 1);
  CHECK(c.seeds[0].host == "redis-node-0");
  CHECK(c.seeds[0].port == 6379);
  CHECK(c.listen_host == "0.0.0.0");
  CHECK(c.listen_port == 9121);
  CHECK(c.telemetry_path == "/metrics");
  CHECK(c.ns == "redis");
  CHECK(c.connection_timeout.count() == 2000);
  CHECK(c.scrape_timeout.count() == 5000);
  CHECK_FALSE(c.log_json);
}

TEST_CASE("all flag spellings, several seeds, and every flag's value") {
  auto r = Env{}.Parse({"--redis.addr=redis://a:7000, b:7001", "-redis.user", "mon", "--redis.password", "pw",
                        "-web.listen-address=127.0.0.1:21150", "--web.telemetry-path=/m", "--namespace=rc",
                        "--connection-timeout", "250ms", "--scrape-timeout=1m30s", "--log-format=json",
                        "--log-level=debug"});
  REQUIRE_MESSAGE(r.config, r.error);
  const Config& c = *r.config;
  REQUIRE(c.seeds.size() == 2);
  CHECK(c.seeds[0].HostPort() == "a:7000");
  CHECK(c.seeds[1].HostPort() == "b:7001");
  CHECK(c.user == "mon");
  CHECK(c.password == "pw");
  CHECK(c.listen_host == "127.0.0.1");
  CHECK(c.listen_port == 21150);
  CHECK(c.telemetry_path == "/m");
  CHECK(c.ns == "rc");
  CHECK(c.connection_timeout.count() == 250);
  CHECK(c.scrape_timeout.count() == 90'000);
  CHECK(c.log_json);
  CHECK(c.log_level == LogLevel::kDebug);
}

TEST_CASE("environment variables, overridden by flags") {
  Env env;
  env.vars = {{"REDIS_ADDR", "redis://envhost:7000"},
              {"REDIS_PASSWORD", "envpw"},
              {"REDIS_EXPORTER_WEB_LISTEN_ADDRESS", ":21151"},
              {"REDIS_EXPORTER_SCRAPE_TIMEOUT", "3s"},
              {"REDIS_EXPORTER_LOG_FORMAT", "json"}};
  auto r = env.Parse({});
  REQUIRE(r.config);
  CHECK(r.config->seeds[0].HostPort() == "envhost:7000");
  CHECK(r.config->password == "envpw");
  CHECK(r.config->listen_port == 21151);
  CHECK(r.config->scrape_timeout.count() == 3000);
  CHECK(r.config->log_json);
  auto r2 = env.Parse({"--redis.password=flagpw", "--log-format", "text"});
  REQUIRE(r2.config);
  CHECK(r2.config->password == "flagpw");
  CHECK_FALSE(r2.config->log_json);
}

TEST_CASE("bad flags give a clear error") {
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  };
  std::vector<Case> cases = {
      {{"--nope"}, "unknown flag --nope"},
      {{"--redis.addr"}, "needs a value"},
      {{"stray"}, "unexpected argument"},
      {{"--redis.addr=rediss://x:1"}, "TLS"},
      {{"--redis.addr=http://x:1"}, "unsupported scheme"},
      {{"--redis.addr=redis://x:99999"}, "bad port"},
      {{"--redis.addr="}, "no address"},
      {{"--web.listen-address=9121"}, "expected host:port"},
      {{"--web.listen-address=:http"}, "bad port"},
      {{"--web.telemetry-path=metrics"}, "must start with '/'"},
      {{"--web.telemetry-path=/health"}, "taken"},
      {{"--namespace=1bad"}, "not a valid metric name prefix"},
      {{"--scrape-timeout=soon"}, "not a positive duration"},
      {{"--connection-timeout=0s"}, "not a positive duration"},
      {{"--log-format=xml"}, "text or json"},
      {{"--log-level=loud"}, "debug, info, warn or error"},
      {{"--redis.password-file=/missing"}, "cannot read"},
  };
  for (const auto& c : cases) {
    auto r = Env{}.Parse(c.args);
    CHECK_FALSE(r.config);
    CHECK_MESSAGE(r.error.find(c.expect) != std::string::npos, c.args[0], " -> ", r.error);
  }
  CHECK(Env{}.Parse({"--help"}).help);
  CHECK(Env{}.Parse({"-h"}).help);
  CHECK(Env{}.Parse({"--version"}).version);
  std::string help = HelpText();
  for (const char* f : {"--redis.addr", "--redis.user", "--redis.password", "--redis.password-file",
                        "--web.listen-address", "--web.telemetry-path", "--namespace", "--connection-timeout",
                        "--scrape-timeout", "--log-format", "REDIS_ADDR", "REDIS_PASSWORD_FILE"}) {
    CHECK_MESSAGE(help.find(f) != std::string::npos, f);
  }
}

TEST_CASE("password file: plain secret with trailing newline, or JSON map") {
  Env env;
  env.files["/run/secrets/redis_password"] = "s3cret\n";
  env.files["/pw.json"] = R"({"redis://10.0.0.1:6379": "one", "10.0.0.2:6379": "two"})";
  env.files["/bad.json"] = R"({"redis://a:1": 5})";
  auto r = env.Parse({"--redis.password=ignored", "--redis.password-file=/run/secrets/redis_password"});
  REQUIRE(r.config);
  CHECK(r.config->password == "s3cret");

  auto j = env.Parse({"--redis.addr=redis://10.0.0.1:6379", "--redis.password-file=/pw.json"});
  REQUIRE_MESSAGE(j.config, j.error);
  std::string err;
  CHECK(j.config->PasswordFor(*ParseRedisUri("10.0.0.2:6379", &err)) == "two");
  CHECK(j.config->PasswordFor(*ParseRedisUri("10.0.0.1:6379", &err)) == "one");
  // A discovered node missing from the map gets the first seed's password.
  CHECK(j.config->PasswordFor(*ParseRedisUri("10.0.0.9:6379", &err)) == "one");

  auto bad = env.Parse({"--redis.password-file=/bad.json"});
  CHECK_FALSE(bad.config);
  CHECK(bad.error.find("not a string") != std::string::npos);
}

TEST_CASE("redis URIs") {
  std::string err;
  auto a = ParseRedisUri("redis://user:p%40ss@host.example:7000/0", &err);
  REQUIRE(a);
  CHECK(a->host == "host.example");
  CHECK(a->port == 7000);
  CHECK(a->user.value() == "user");
  CHECK(a->password.value() == "p@ss");
  CHECK(a->Uri() == "redis://host.example:7000");  // never prints credentials
  auto b = ParseRedisUri("redis://:pw@h", &err);
  REQUIRE(b);
  CHECK_FALSE(b->user);
  CHECK(b->password.value() == "pw");
  CHECK(b->port == 6379);
  auto c = ParseRedisUri("[::1]:6380", &err);
  REQUIRE(c);
  CHECK(c->host == "::1");
  CHECK(c->HostPort() == "[::1]:6380");
  CHECK_FALSE(ParseRedisUri("redis://:1", &err));
  CHECK(err.find("missing host") != std::string::npos);
  // A URI password beats the flag.
  Config cfg;
  cfg.password = "flag";
  CHECK(cfg.PasswordFor(*a) == "p@ss");
  CHECK(cfg.UserFor(*a) == "user");
}

TEST_CASE("redis_exporter's -is-cluster is accepted (discovery is always on)") {
  CHECK(Env{}.Parse({"-is-cluster"}).config);
  CHECK(Env{}.Parse({"--is-cluster=true", "--redis.addr=redis://a:1"}).config);
  auto bad = Env{}.Parse({"--is-cluster=maybe"});
  CHECK_FALSE(bad.config);
  CHECK(bad.error.find("true or false") != std::string::npos);
}

TEST_CASE("durations") {
  CHECK(ParseDuration("15s")->count() == 15000);
  CHECK(ParseDuration("500ms")->count() == 500);
  CHECK(ParseDuration("2.5s")->count() == 2500);
  CHECK(ParseDuration("1h")->count() == 3'600'000);
  CHECK(ParseDuration("3")->count() == 3000);
  CHECK_FALSE(ParseDuration(""));
  CHECK_FALSE(ParseDuration("5x"));
  CHECK_FALSE(ParseDuration("1m30"));
  CHECK_FALSE(ParseDuration("-1s"));
}

TEST_CASE("check-keys flags and environment variables (redis_exporter's names)") {
  Env env;
  auto d = env.Parse({});
  REQUIRE(d.config);
  CHECK_FALSE(d.config->key_check.enabled());
  CHECK(d.config->key_check.batch_size == 1000);
  CHECK(d.config->key_check.limit == 1000);
  env.vars = {{"REDIS_EXPORTER_CHECK_KEYS", "a*,db2=b*"},
              {"REDIS_EXPORTER_CHECK_SINGLE_KEYS", "k1"},
              {"REDIS_EXPORTER_CHECK_KEYS_BATCH_SIZE", "50"},
              {"REDIS_EXPORTER_CHECK_KEYS_LIMIT", "7"}};
  auto r = env.Parse({});
  REQUIRE(r.config);
  CHECK(r.config->key_check.patterns == std::vector<KeyPattern>{{0, "a*"}, {2, "b*"}});
  CHECK(r.config->key_check.single_keys == std::vector<KeyPattern>{{0, "k1"}});
  CHECK(r.config->key_check.batch_size == 50);
  CHECK(r.config->key_check.limit == 7);
  auto f = env.Parse({"-check-single-keys=db1=x,y", "--check-keys-batch-size", "3"});
  REQUIRE(f.config);
  CHECK(f.config->key_check.single_keys == std::vector<KeyPattern>{{1, "x"}, {0, "y"}});
  CHECK(f.config->key_check.batch_size == 3);
  for (auto args : std::vector<std::vector<std::string>>{{"--check-keys", "dbz=q"},
                                                          {"--check-keys-batch-size", "0"},
                                                          {"--check-keys-limit", "100001"},
                                                          {"--check-keys-limit", "x"}}) {
    auto e = Env{}.Parse(args);
    CHECK_FALSE(e.config);
    CHECK(e.error.find("--" + args[0].substr(2)) != std::string::npos);
  }
}
