#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "keyspace/notify_classes.h"
#include "server/command.h"
#include "server/config.h"

using namespace rcs;

TEST_CASE("config text: directives, quoting, comments, memory units, aliases") {
  Config c;
  Status st = ApplyConfigText(
      "# comment\n"
      "port 7001\n"
      "bind 127.0.0.1 -::1\n"
      "requirepass \"p a ss\"\n"
      "maxmemory 100mb\n"
      "maxmemory-policy allkeys-lru\n"
      "cluster-enabled yes\n"
      "cluster-node-timeout 5000\n"
      "save \"\"\n"
      "slaveof 10.0.0.1 6379\n"
      "appendonly yes\n",
      "test.conf", &c);
  REQUIRE(st.ok());
  CHECK(c.port == 7001);
  CHECK(c.bind == std::vector<std::string>{"127.0.0.1", "-::1"});
  CHECK(c.requirepass == "p a ss");
  CHECK(c.maxmemory == 100LL * 1024 * 1024);
  CHECK(c.maxmemory_policy == "allkeys-lru");
  CHECK(c.cluster_enabled);
  CHECK(c.cluster_node_timeout == 5000);
  CHECK(c.save.empty());
  CHECK(c.replicaof == "10.0.0.1 6379");
  CHECK(c.appendonly);
}

namespace {
// The whole message loading `text` (read from a file named `file`) fails with; "(accepted)" when it loads.
std::string LoadError(const std::string& text, const std::string& file = "x.conf") {
  Config c;
  Status st = ApplyConfigText(text, file, &c);
  return st.ok() ? "(accepted)" : st.message();
}
}  // namespace

TEST_CASE("bad config stops with file, line and reason") {
  CHECK(LoadError("port 1\nport abc\n") ==
        "Reading the configuration file x.conf, at line 2\n>>> 'port abc'\nargument couldn't be parsed into an integer");
  CHECK(LoadError("no-such-directive 1\n").find("Bad directive or wrong number of arguments") != std::string::npos);
  CHECK(LoadError("appendonly maybe\n").find("argument must be 'yes' or 'no'") != std::string::npos);
  CHECK(LoadError("port 70000\n").find("argument must be between 0 and 65535 inclusive") != std::string::npos);
  CHECK(LoadError("maxmemory-policy allkeys-ttl\n").find("must be one of the following") != std::string::npos);
  CHECK(LoadError("save 900\n").find("Invalid save parameters") != std::string::npos);
  CHECK(LoadError("requirepass \"unterminated\n").find("Unbalanced quotes") != std::string::npos);
}

TEST_CASE("command line arguments as redis-server takes them") {
  Config c;
  const char* argv[] = {"--port", "7002", "--cluster-enabled", "yes", "--requirepass", "s3cret", "--save", "",
                        "--bind", "127.0.0.1", "::1"};
  Status st = LoadConfig(11, argv, &c);
  REQUIRE(st.ok());
  CHECK(c.port == 7002);
  CHECK(c.cluster_enabled);
  CHECK(c.requirepass == "s3cret");
  CHECK(c.bind.size() == 2);
  const char* bad[] = {"--port", "x"};
  CHECK_FALSE(LoadConfig(2, bad, &c).ok());
  const char* missing[] = {"/nonexistent/redis.conf"};
  Status m = LoadConfig(1, missing, &c);
  CHECK(m.message().find("can't open config file") != std::string::npos);
}

TEST_CASE("CONFIG GET patterns and CONFIG SET validation") {
  Config c;
  auto all = ConfigGet(c, "maxmemory*");
  CHECK(all.size() == 5);  // maxmemory, -policy, -samples, -clients, -eviction-tenacity (as Redis 7.0)
  auto one = ConfigGet(c, "PORT");
  REQUIRE(one.size() == 1);
  CHECK(one[0].second == "6379");
  CHECK(ConfigSet(&c, "maxmemory", "1gb").ok());
  CHECK(c.maxmemory == 1024LL * 1024 * 1024);
  Status st = ConfigSet(&c, "maxmemory", "lots");
  CHECK(st.message() == "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value");
  st = ConfigSet(&c, "nope", "1");
  CHECK(st.message() == "ERR Unknown option or number of arguments for CONFIG SET - 'nope'");
  st = ConfigSet(&c, "cluster-enabled", "yes");
  CHECK(st.message().find("can't set immutable config") != std::string::npos);
}

namespace {
// A file in the temp folder that is removed when the test ends.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& content) {
    char tmpl[] = "/tmp/rcs-config-test-XXXXXX";
    int fd = mkstemp(tmpl);
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    close(fd);
    path = tmpl;
  }
  ~TempFile() { unlink(path.c_str()); }
};
}  // namespace

TEST_CASE("requirepass-file and masterauth-file read the secret's first line at startup") {
  TempFile pass("s3cr et\n");
  TempFile auth("other\r\nsecond line is ignored\n");
  Config c;
  Status st = ApplyConfigText("requirepass-file " + pass.path + "\nmasterauth-file " + auth.path + "\n", "t.conf", &c);
  REQUIRE(st.ok());
  CHECK(c.requirepass == "s3cr et");
  CHECK(c.masterauth == "other");
  // CONFIG GET shows the path for the -file directives; they cannot change at run time.
  auto got = ConfigGet(c, "requirepass-file");
  REQUIRE(got.size() == 1);
  CHECK(got[0].second == pass.path);
  CHECK_FALSE(ConfigIsMutable("masterauth-file"));
  CHECK_FALSE(ConfigSet(&c, "requirepass-file", pass.path).ok());
  // A later requirepass wins, as any later directive does.
  REQUIRE(ApplyConfigText("requirepass direct\n", "t.conf", &c).ok());
  CHECK(c.requirepass == "direct");
}

TEST_CASE("an unreadable or empty secret file stops startup with a clear message") {
  CHECK(LoadError("requirepass-file /nonexistent/rcs-secret\n", "t.conf") ==
        "Reading the configuration file t.conf, at line 1\n>>> 'requirepass-file /nonexistent/rcs-secret'\n"
        "can't read the secret file '/nonexistent/rcs-secret': No such file or directory");
  Config c;
  TempFile empty("\n");
  Status st = ApplyConfigText("masterauth-file " + empty.path + "\n", "t.conf", &c);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("the secret file '" + empty.path + "' is empty") != std::string::npos);
  CHECK(c.masterauth.empty());
  // The command line form works the same way.
  TempFile pass("fromargs\n");
  std::string flag = "--requirepass-file";
  const char* argv[] = {flag.c_str(), pass.path.c_str()};
  Config d;
  REQUIRE(LoadConfig(2, argv, &d).ok());
  CHECK(d.requirepass == "fromargs");
}

TEST_CASE("process title as redis-server shows it") {
  Config c;
  c.port = 7000;
  c.bind = {"127.0.0.1", "-::1"};
  c.cluster_enabled = true;
  CHECK(ProcessTitle("redis-cluster-node", c) == "redis-cluster-node 127.0.0.1:7000 [cluster]");
  c.cluster_enabled = false;
  c.bind = {"-::1"};
  CHECK(ProcessTitle("./redis-cluster-node", c) == "./redis-cluster-node ::1:7000");
  c.bind.clear();
  CHECK(ProcessTitle("redis-cluster-node", c) == "redis-cluster-node *:7000");
}

namespace {
std::map<std::string, std::string> GetAll(const Config& c) {
  std::map<std::string, std::string> m;
  for (auto& [k, v] : ConfigGet(c, "*")) m[k] = v;
  return m;
}
// The reason (the last line of LoadError) alone.
std::string Reason(const std::string& conf) {
  std::string m = LoadError(conf);
  return m.substr(m.rfind('\n') + 1);
}
}  // namespace

TEST_CASE("every directive of Redis 7.0 loads and CONFIG GET gives its value back") {
  const std::string path = std::string(RCS_SOURCE_DIR) + "/tests/node/fixtures/redis-7.0-directives.conf";
  std::ifstream f(path);
  REQUIRE(f);
  std::stringstream text;
  text << f.rdbuf();
  Config c;
  Status st = ApplyConfigText(text.str(), "'" + path + "'", &c);
  REQUIRE_MESSAGE(st.ok(), st.message());
  auto got = GetAll(c);
  std::istringstream lines(text.str());
  std::string line;
  int checked = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::string name = line.substr(0, line.find(' '));
    std::string value = line.substr(line.find(' ') + 1);
    if (value == "\"\"") value.clear();
    if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
    if (name == "rename-command" || name == "client-output-buffer-limit" || name == "replicaof") continue;
    INFO("directive ", name);
    REQUIRE(got.count(name) == 1);
    CHECK(got[name] == value);
    checked++;
  }
  CHECK(checked > 180);
  // The lines CONFIG GET shows differently, as Redis does.
  CHECK(got["client-output-buffer-limit"] == "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  CHECK(got["replicaof"] == "127.0.0.1 6380");
  CHECK(got["slaveof"] == "127.0.0.1 6380");
  REQUIRE(c.rename_commands.size() == 1);
  CHECK(c.rename_commands[0].from == "config");
  CHECK(c.rename_commands[0].to.empty());
  CHECK(c.rename_commands[0].line > 190);
  // Defaults: a fresh Config answers CONFIG GET for the same names (the table's defaults are Redis's).
  auto defaults = GetAll(Config{});
  for (auto& [k, v] : got) CHECK_MESSAGE(defaults.count(k) == 1, k);
  CHECK(defaults["oom-score-adj-values"] == "0 200 800");
  CHECK(defaults["proc-title-template"] == "{title} {listen-addr} {server-mode}");
}

TEST_CASE("the directives Debian's redis.conf sets and this node does not use are named once with file and line") {
  Config c;
  Status st = ApplyConfigText(
      "activerehashing yes\n"
      "set-proc-title yes\n"              // what this node does: not named
      "lazyfree-lazy-user-flush no\n"     // what this node does: not named
      "client-output-buffer-limit normal 0 0 0\n"
      "client-output-buffer-limit replica 256mb 64mb 60\n"
      "client-output-buffer-limit pubsub 32mb 8mb 60\n"
      "oom-score-adj-values 0 200 800\n"
      "port 7000\n",
      "'a.conf'", &c);
  REQUIRE(st.ok());
  const char* argv[] = {"--activerehashing", "no"};
  REQUIRE(LoadConfig(2, argv, &c).ok());
  auto lines = NoEffectLogLines(c);
  // client-output-buffer-limit: its pubsub class is enforced, so only the line giving the replica class a
  // limit is named (the normal class line sets no limit, which is what this node does).
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "Config directive 'activerehashing' ('a.conf' line 1; (command line) line 1): accepted, has no effect here");
  CHECK(lines[1] == "Config directive 'client-output-buffer-limit' ('a.conf' line 5): accepted, has no effect here "
                    "(only the pubsub class is enforced; normal and replica clients have no output limit)");
  CHECK(lines[2] == "Config directive 'oom-score-adj-values' ('a.conf' line 7): accepted, has no effect here");
  // The structured client-output-buffer-limit value (per class) the pub/sub work reads.
  CHECK(c.client_output_buffer_limit[kClientClassPubsub].hard_bytes == 32LL * 1024 * 1024);
  CHECK(c.client_output_buffer_limit[kClientClassPubsub].soft_bytes == 8LL * 1024 * 1024);
  CHECK(c.client_output_buffer_limit[kClientClassPubsub].soft_seconds == 60);
  CHECK(c.client_output_buffer_limit[kClientClassReplica].hard_bytes == 256LL * 1024 * 1024);
  CHECK(c.client_output_buffer_limit[kClientClassNormal].hard_bytes == 0);
}

TEST_CASE("every accepted directive that is not implemented is named once; implemented ones are not") {
  Config c;
  Status st = ApplyConfigText(
      "databases 16\n"
      "supervised systemd\n"
      "cluster-announce-tls-port 16380\n"
      "cluster-preferred-endpoint-type unknown-endpoint\n"
      "client-output-buffer-limit normal 1mb 1mb 10\n"
      "activerehashing no\n"
      "databases 4\n"
      // implemented (or set to what this node does): never named
      "port 7000\n"
      "min-replicas-to-write 1\n"
      "min-replicas-max-lag 5\n"
      "protected-mode yes\n"
      "supervised no\n"
      "cluster-announce-tls-port 0\n"
      "cluster-preferred-endpoint-type hostname\n"
      "client-output-buffer-limit pubsub 32mb 8mb 60\n"
      "timeout 30\n"
      "hz 20\n"
      "maxmemory-policy allkeys-lru\n"
      "slowlog-log-slower-than 100\n"
      "io-threads 1\n"
      "lazyfree-lazy-user-del no\n"
      "set-proc-title yes\n",
      "'b.conf'", &c);
  REQUIRE(st.ok());
  auto lines = NoEffectLogLines(c);
  REQUIRE(lines.size() == 5);  // databases (lines 1 and 7) is implemented: never named
  CHECK(lines[0] == "Config directive 'supervised' ('b.conf' line 2): accepted, has no effect here "
                    "(no readiness notification is sent; run it as Type=simple)");
  CHECK(lines[1] == "Config directive 'cluster-announce-tls-port' ('b.conf' line 3): accepted, has no effect here "
                    "(there is no TLS port)");
  CHECK(lines[2] == "Config directive 'cluster-preferred-endpoint-type' ('b.conf' line 4): accepted, has no effect "
                    "here (unknown-endpoint is not implemented: redirections name the IP)");
  CHECK(lines[3] == "Config directive 'client-output-buffer-limit' ('b.conf' line 5): accepted, has no effect here "
                    "(only the pubsub class is enforced; normal and replica clients have no output limit)");
  CHECK(lines[4] == "Config directive 'activerehashing' ('b.conf' line 6): accepted, has no effect here");
}

TEST_CASE("the partly implemented directives are each named for the values they ignore") {
  // Each directive below is accepted but changes nothing on this node for the values named; the rest of the
  // table is implemented or is a compatibility directive (Kept) that is named whenever set. This list is the
  // README's; a directive added to the table without an effect must be added here and marked NoEffect.
  for (const char* line : {"supervised auto", "cluster-announce-tls-port 1",
                           "cluster-preferred-endpoint-type unknown-endpoint",
                           "client-output-buffer-limit replica 1mb 1mb 1", "io-threads 4",
                           "lazyfree-lazy-user-del yes"}) {
    Config c;
    REQUIRE(ApplyConfigText(std::string(line) + "\n", "'c.conf'", &c).ok());
    CAPTURE(line);
    CHECK(NoEffectLogLines(c).size() == 1);
  }
}

TEST_CASE("a misspelled directive stops loading with file, line and reason") {
  CHECK(LoadError("port 7000\n\n# comment\nactiverehashng yes\n", "'/etc/redis/redis.conf'") ==
        "Reading the configuration file '/etc/redis/redis.conf', at line 4\n>>> 'activerehashng yes'\n"
        "Bad directive or wrong number of arguments");
}

TEST_CASE("bad values of the compatibility directives fail as in Redis 7.0") {
  // Reasons as Debian's redis-server 7.0.15 gives them for the same lines.
  CHECK(Reason("hll-sparse-max-bytes -1\n") == "argument must be a memory value");
  CHECK(Reason("stream-node-max-bytes lots\n") == "argument must be a memory value");
  CHECK(Reason("list-compress-depth x\n") == "argument couldn't be parsed into an integer");
  CHECK(Reason("list-compress-depth -1\n") == "argument must be between 0 and 2147483647 inclusive");
  CHECK(Reason("active-defrag-cycle-max 100\n") == "argument must be between 1 and 99 inclusive");
  CHECK(Reason("activerehashing maybe\n") == "argument must be 'yes' or 'no'");
  CHECK(Reason("activerehashing yes no\n") == "wrong number of arguments");
  CHECK(Reason("repl-diskless-load sometimes\n") ==
        "argument(s) must be one of the following: disabled, on-empty-db, swapdb");
  CHECK(Reason("oom-score-adj-values 0 200\n") == "wrong number of arguments");
  CHECK(Reason("oom-score-adj-values 0 200 3000\n") ==
        "Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
  CHECK(Reason("client-output-buffer-limit normal 1 2\n") == "Wrong number of arguments in buffer limit configuration.");
  CHECK(Reason("client-output-buffer-limit bogus 1 2 3\n") ==
        "Invalid client class specified in buffer limit configuration.");
  CHECK(Reason("client-output-buffer-limit normal x 2 3\n") ==
        "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
  CHECK(Reason("save 3600 1 300\n") == "Invalid save parameters");
  CHECK(Reason("save 0 1\n") == "Invalid save parameters");
  CHECK(Reason("notify-keyspace-events KEQ\n") == "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  CHECK(Reason("latency-tracking-info-percentiles 50 101\n") ==
        "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
  CHECK(Reason("maxmemory-clients lots\n") == "argument must be a memory or percent value");
  CHECK(Reason("unixsocketperm 9\n") == "argument couldn't be parsed as an octal number");
  CHECK(Reason("unixsocketperm 1000\n") == "argument must be between 0 and 777 inclusive");
  CHECK(Reason("cluster-link-sendbuf-limit 1x\n") == "argument must be a memory value");
  CHECK(Reason("socket-mark-id -1\n") == "argument must be between 0 and 4294967295 inclusive");
  CHECK(Reason("rename-command CONFIG\n") == "Bad directive or wrong number of arguments");
  // ACL users: `user` lines add up (checked when the server starts); aclfile is a path.
  CHECK(Reason("user alice on >pw ~* +@all\nuser bob off\n") == "(accepted)");
  CHECK(Reason("user\n") == "Bad directive or wrong number of arguments");
  CHECK(Reason("aclfile /etc/redis/users.acl\n") == "(accepted)");
  // Refused on purpose: ignoring them would leave the node less protected than the file says.
  CHECK(Reason("tls-port 6380\n").find("TLS is not supported") == 0);
  CHECK(Reason("loadmodule /x.so\n") == "modules are not supported by this node");
  CHECK(Reason("tls-port 0\naclfile \"\"\n") == "(accepted)");
}

TEST_CASE("multi-argument directives parse and CONFIG GET joins them as Redis") {
  Config c;
  REQUIRE(ApplyConfigText("save 3600 1 300 100\nsave 60 10000\n"
                          "oom-score-adj-values 0 200 800\n"
                          "notify-keyspace-events KEA\n"
                          "maxmemory-clients 10%\n"
                          "unixsocketperm 700\n"
                          "latency-tracking-info-percentiles 50 99.9\n"
                          "shutdown-on-sigterm nosave now\n"
                          "stream-node-max-bytes 4kb\n",
                          "x.conf", &c)
              .ok());
  auto got = GetAll(c);
  CHECK(got["save"] == "3600 1 300 100 60 10000");  // later save lines of a file add points, as in Redis
  CHECK(got["oom-score-adj-values"] == "0 200 800");
  CHECK(got["notify-keyspace-events"] == "AKE");     // Redis's canonical order
  CHECK(got["maxmemory-clients"] == "10%");
  CHECK(got["unixsocketperm"] == "700");
  CHECK(got["latency-tracking-info-percentiles"] == "50 99.9");
  CHECK(got["shutdown-on-sigterm"] == "nosave now");
  CHECK(got["stream-node-max-bytes"] == "4096");
  REQUIRE(ApplyConfigText("save \"\"\n", "x.conf", &c).ok());
  CHECK(c.save.empty());
  Config q;  // the command line's --save "1 1" arrives as one quoted word, as redis-server takes it
  CHECK(q.save == "3600 1 300 100 60 10000");  // redis-server's default points
  REQUIRE(ApplyConfigText("save \"1 1\"\n", "x.conf", &q).ok());
  CHECK(q.save == "1 1");
  Config e;
  REQUIRE(ApplyConfigText("notify-keyspace-events Ex\n", "x.conf", &e).ok());
  CHECK(GetAll(e)["notify-keyspace-events"] == "xE");
  // Redis 7.0's texts for these (checked against redis-server 7.0.15).
  REQUIRE(ApplyConfigText("notify-keyspace-events KEAnm\nshutdown-on-sigint now nosave\nmaxmemory-clients 0%\n",
                          "x.conf", &e).ok());
  CHECK(GetAll(e)["notify-keyspace-events"] == "AKEm");
  CHECK(GetAll(e)["shutdown-on-sigint"] == "nosave now");
  CHECK(GetAll(e)["maxmemory-clients"] == "0");
  CHECK(Reason("maxmemory-clients 150%\n") == "percentage argument must be less or equal to 100");
  CHECK(Reason("shutdown-on-sigint save nosave\n") == "shutdown options SAVE and NOSAVE can't be used simultaneously");
}

TEST_CASE("CONFIG SET of compatibility directives: validated, stored, immutable ones refused as Redis") {
  Config c;
  CHECK(ConfigSet(&c, "activerehashing", "no").ok());
  CHECK(GetAll(c)["activerehashing"] == "no");
  CHECK(ConfigSet(&c, "hll-sparse-max-bytes", "1kb").ok());
  CHECK(GetAll(c)["hll-sparse-max-bytes"] == "1024");
  CHECK(ConfigSet(&c, "client-output-buffer-limit", "pubsub 64mb 16mb 30").ok());
  CHECK(c.client_output_buffer_limit[kClientClassPubsub].hard_bytes == 64LL * 1024 * 1024);
  CHECK(c.client_output_buffer_limit[kClientClassPubsub].soft_seconds == 30);
  CHECK(GetAll(c)["client-output-buffer-limit"] ==
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 67108864 16777216 30");
  CHECK(ConfigSet(&c, "save", "900 1").ok());
  CHECK(ConfigSet(&c, "save", "300 10").ok());
  CHECK(c.save == "300 10");  // CONFIG SET replaces
  CHECK(ConfigSet(&c, "oom-score-adj-values", "0 100 900").ok());
  CHECK(GetAll(c)["oom-score-adj-values"] == "0 100 900");
  CHECK(ConfigSet(&c, "lua-time-limit", "100").ok());  // alias of busy-reply-threshold, as in Redis 7.0
  CHECK(GetAll(c)["busy-reply-threshold"] == "100");
  CHECK(ConfigSet(&c, "list-compress-depth", "-1").message() ==
        "ERR CONFIG SET failed (possibly related to argument 'list-compress-depth') - argument must be between 0 and "
        "2147483647 inclusive");
  CHECK(ConfigSet(&c, "disable-thp", "no").message() ==
        "ERR CONFIG SET failed (possibly related to argument 'disable-thp') - can't set immutable config");
  CHECK(ConfigSet(&c, "rdbchecksum", "no").message().find("can't set immutable config") != std::string::npos);
  CHECK(ConfigSet(&c, "set-proc-title", "no").message().find("can't set immutable config") != std::string::npos);
  CHECK(ConfigSet(&c, "user", "x").message() == "ERR Unknown option or number of arguments for CONFIG SET - 'user'");
}

TEST_CASE("rename-command renames or removes a command in the table") {
  CommandRegistry r;
  r.Add(Spec("get", 2, 0, 1, 1, 1, nullptr));
  r.Add(Spec("flushall", -1, 0, 0, 0, 0, nullptr));
  std::string_view reason;
  REQUIRE(r.Rename("GET", "fetch", &reason));
  CHECK(r.Find("get") == nullptr);
  REQUIRE(r.Find("FETCH") != nullptr);
  CHECK(r.Find("fetch")->name == "get");  // the spec itself keeps its name
  REQUIRE(r.Rename("flushall", "", &reason));
  CHECK(r.Find("flushall") == nullptr);
  CHECK_FALSE(r.Rename("nosuch", "x", &reason));
  CHECK(reason == "No such command in rename-command");
  r.Add(Spec("set", -3, 0, 1, 1, 1, nullptr));
  CHECK_FALSE(r.Rename("set", "fetch", &reason));
  CHECK(reason == "Target command name already exists");
}

TEST_CASE("include reads another file in place; replicaof no one") {
  TempFile inc("activerehashing no\nlist-compress-depth 2\n");
  Config c;
  Status st = ApplyConfigText("port 7000\ninclude " + inc.path + "\nreplicaof 10.0.0.1 6379\nreplicaof no one\n",
                              "'main.conf'", &c);
  REQUIRE_MESSAGE(st.ok(), st.message());
  CHECK(GetAll(c)["list-compress-depth"] == "2");
  CHECK(c.replicaof.empty());
  auto lines = NoEffectLogLines(c);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "Config directive 'activerehashing' ('" + inc.path + "' line 1): accepted, has no effect here");
}

namespace {
std::string Cwd() {
  char buf[4096];
  REQUIRE(getcwd(buf, sizeof(buf)) != nullptr);
  return buf;
}
std::string ReadAll(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
// A temp folder (removed at the end with what the test put in it); restores the working directory, which
// loading a `dir` line changes.
struct TempDir {
  std::string path;
  std::string cwd = Cwd();
  TempDir() {
    char tmpl[] = "/tmp/rcs-config-dir-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    CHECK(chdir(cwd.c_str()) == 0);
    std::string cmd = "rm -rf '" + path + "'";
    CHECK(system(cmd.c_str()) == 0);
  }
};
}  // namespace

TEST_CASE("notify-keyspace-events: one parser; CONFIG GET shows 'n' as redis-server 7.0.15 does") {
  // Input -> CONFIG GET, each pair checked against redis-server 7.0.15 (CONFIG SET, then CONFIG GET).
  const std::pair<const char*, const char*> cases[] = {
      {"KEA", "AKE"}, {"Kn", "nK"}, {"AKE", "AKE"}, {"nK", "nK"}, {"$lshzxeKEtmdn", "$lshzxetdnKEm"},
      {"An", "A"},    {"nA", "A"},  {"KEAn", "AKE"}, {"gn", "gn"}, {"n", "n"},   {"En", "nE"},
      {"xn", "xn"},   {"KEg$lshzxetdmn", "AKEm"},     {"", ""},
  };
  for (auto [in, out] : cases) {
    CAPTURE(in);
    Config c;
    REQUIRE(ConfigSet(&c, "notify-keyspace-events", in).ok());
    CHECK(GetAll(c)["notify-keyspace-events"] == out);
    // The flags the publisher reads are the parser's, and they print the same text.
    int flags = -1;
    REQUIRE(notify::ParseClasses(in, &flags));
    CHECK(c.notify_keyspace_events == flags);
    CHECK(notify::ClassesToString(flags) == out);
  }
  Config c;
  REQUIRE(ConfigSet(&c, "notify-keyspace-events", "Kn").ok());
  CHECK((c.notify_keyspace_events & notify::kNew) != 0);
  CHECK(ConfigSet(&c, "notify-keyspace-events", "KQ").message() ==
        "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class "
        "character. Use 'Ag$lshzxeKEtmdn'.");
  CHECK(GetAll(c)["notify-keyspace-events"] == "nK");  // unchanged by the refused value
}

TEST_CASE("CONFIG REWRITE text: the file's shape kept, as redis-server 7.0.15 rewrites the same file") {
  // The file and the CONFIG SETs of a run of redis-server 7.0.15; `expected` is its rewritten file, without
  // the lines of what this node does not have (ACL users) and without latency-tracking-info-percentiles,
  // which redis-server appends although it is at its default.
  const std::string file =
      "# my comment\n"
      "port 19202\n"
      "bind 127.0.0.1\n"
      "\n"
      "   # another comment, indented\n"
      "save \"\"\n"
      "appendonly no\n"
      "slave-read-only yes\n"
      "maxmemory 100mb\n"
      "timeout 0\n"
      "timeout 5\n"
      "\n"
      "\n"
      "rename-command FLUSHALL \"\"\n"
      "logfile log.txt\n"
      "daemonize no\n";
  Config c;
  REQUIRE(ApplyConfigText(file, "'r.conf'", &c).ok());
  REQUIRE(ConfigSet(&c, "maxmemory", "200mb").ok());
  REQUIRE(ConfigSet(&c, "hz", "20").ok());
  REQUIRE(ConfigSet(&c, "notify-keyspace-events", "KEA").ok());
  REQUIRE(ConfigSet(&c, "requirepass", "se cret").ok());
  REQUIRE(ConfigSet(&c, "timeout", "7").ok());
  REQUIRE(ConfigSet(&c, "client-output-buffer-limit", "pubsub 64mb 16mb 90").ok());
  REQUIRE(ConfigSet(&c, "maxmemory-clients", "5%").ok());
  const std::string expected =
      "# my comment\n"
      "port 19202\n"
      "bind 127.0.0.1\n"
      "\n"
      "# another comment, indented\n"
      "save \"\"\n"
      "appendonly no\n"
      "replica-read-only yes\n"
      "maxmemory 200mb\n"
      "timeout 7\n"
      "\n"
      "rename-command FLUSHALL \"\"\n"
      "logfile \"log.txt\"\n"
      "daemonize no\n"
      "\n"
      "# Generated by CONFIG REWRITE\n"
      "dir \"" + Cwd() + "\"\n"
      "hz 20\n"
      "requirepass \"se cret\"\n"
      "client-output-buffer-limit pubsub 64mb 16mb 90\n"
      "maxmemory-clients 5%\n"
      "notify-keyspace-events \"AKE\"\n";
  std::string got = RewriteConfigText(file, c);
  CHECK(got == expected);
  // A second rewrite of the same values changes nothing, and adds no second signature.
  CHECK(RewriteConfigText(got, c) == expected);
  // The rewritten file loads back to the same values.
  Config back;
  REQUIRE(ApplyConfigText(got, "'r.conf'", &back).ok());
  auto want = GetAll(c), have = GetAll(back);
  want.erase("dir");
  have.erase("dir");
  CHECK(have == want);
}

TEST_CASE("CONFIG REWRITE text: defaults left out, lines of removed values blanked, strings quoted back") {
  Config c;
  REQUIRE(ApplyConfigText("replicaof 10.0.0.1 6379\nsave 60 1\nsave 30 2\n", "'a.conf'", &c).ok());
  REQUIRE(ConfigSet(&c, "save", "10 1").ok());
  REQUIRE(ConfigSet(&c, "masterauth", "a\"b\\c\nd").ok());
  REQUIRE(ConfigSet(&c, "client-output-buffer-limit", "replica 1mb 2 0").ok());
  REQUIRE(ConfigSet(&c, "maxmemory", "1000").ok());
  c.replicaof.clear();  // REPLICAOF NO ONE: a master drops its replicaof lines, as redis-server
  std::string got = RewriteConfigText("replicaof 10.0.0.1 6379\nsave 60 1\nsave 30 2\n", c);
  CHECK(got ==
        "\n"  // the blanked replicaof line
        "save 10 1\n"
        "\n"
        "# Generated by CONFIG REWRITE\n"
        "dir \"" + Cwd() + "\"\n"
        "masterauth \"a\\\"b\\\\c\\nd\"\n"
        "maxmemory 1000\n"
        "client-output-buffer-limit replica 1mb 2 0\n");
  Config back;
  REQUIRE(ApplyConfigText(got, "'a.conf'", &back).ok());
  CHECK(back.masterauth == "a\"b\\c\nd");
  CHECK(back.save == "10 1");
  CHECK(back.client_output_buffer_limit[kClientClassReplica].hard_bytes == 1024 * 1024);
  // A file without any line of a directive at its default gets none; an unparsable line is kept as a comment.
  Config d;
  CHECK(RewriteConfigText("foo \"bar\n", d) ==
        "# ??? foo \"bar\n\n# Generated by CONFIG REWRITE\ndir \"" + Cwd() +
            "\"\nsave 3600 1\nsave 300 100\nsave 60 10000\n");
}

TEST_CASE("CONFIG REWRITE never writes a secret that came from requirepass-file or masterauth-file") {
  TempFile secret("from-file\n");
  Config c;
  const std::string file = "# secrets come from files\nrequirepass-file " + secret.path + "\n";
  REQUIRE(ApplyConfigText(file, "'s.conf'", &c).ok());
  REQUIRE(c.requirepass == "from-file");
  std::string got = RewriteConfigText(file, c);
  CHECK(got.find("from-file") == std::string::npos);
  CHECK(got.find("requirepass-file \"" + secret.path + "\"") != std::string::npos);
  CHECK(got.find("\nrequirepass ") == std::string::npos);
  // Changed at run time, the secret is still not written (the file stays its one source); a requirepass
  // line the user wrote is left as it is.
  REQUIRE(ConfigSet(&c, "requirepass", "changed").ok());
  got = RewriteConfigText(file + "requirepass old\n", c);
  CHECK(got.find("changed") == std::string::npos);
  CHECK(got.find("requirepass old\n") != std::string::npos);
  // Without a secret file, the password is written (redis-server does the same).
  Config plain;
  REQUIRE(ConfigSet(&plain, "requirepass", "pw").ok());
  CHECK(RewriteConfigText("", plain).find("requirepass \"pw\"\n") != std::string::npos);
}

TEST_CASE("CONFIG REWRITE file: replaced atomically, permissions kept, no temp file left") {
  TempDir dir;
  const std::string path = dir.path + "/node.conf";
  {
    std::ofstream f(path);
    f << "# keep me\nport 7100\nsome-future-directive 1\n";
  }
  REQUIRE(chmod(path.c_str(), 0600) == 0);
  Config c;
  c.config_file = path;
  c.port = 7100;
  REQUIRE(ConfigSet(&c, "hz", "33").ok());
  Status st = RewriteConfigFile(c);
  REQUIRE_MESSAGE(st.ok(), st.message());
  std::string text = ReadAll(path);
  CHECK(text.rfind("# keep me\nport 7100\nsome-future-directive 1\n", 0) == 0);
  CHECK(text.find("\nhz 33\n") != std::string::npos);
  struct stat sb {};
  REQUIRE(stat(path.c_str(), &sb) == 0);
  CHECK((sb.st_mode & 0777) == 0600);
  CHECK(system(("test $(ls -A '" + dir.path + "' | wc -l) -eq 1").c_str()) == 0);
  // A file that cannot be written: the reason.
  c.config_file = dir.path + "/missing-folder/node.conf";
  CHECK(RewriteConfigFile(c).message() == "No such file or directory");
}

TEST_CASE("dir changes the working directory while the file is read, as redis-server") {
  TempDir dir;
  REQUIRE(mkdir((dir.path + "/data").c_str(), 0755) == 0);
  REQUIRE(mkdir((dir.path + "/data/inc").c_str(), 0755) == 0);
  {
    std::ofstream f(dir.path + "/data/inc/more.conf");
    f << "hz 42\n";
  }
  {
    std::ofstream f(dir.path + "/node.conf");
    f << "dir ./data\nlogfile log.txt\ninclude inc/more.conf\n";
  }
  REQUIRE(chdir(dir.path.c_str()) == 0);
  Config c;
  const char* argv[] = {"node.conf", "--port", "7101"};
  Status st = LoadConfig(3, argv, &c);
  REQUIRE_MESSAGE(st.ok(), st.message());
  CHECK(Cwd() == dir.path + "/data");  // where logfile, pidfile, the AOF and nodes.conf are then opened
  CHECK(c.hz == 42);                   // the include was read relative to the new directory
  CHECK(c.logfile == "log.txt");
  CHECK(c.config_file == dir.path + "/node.conf");  // absolute, resolved before the chdir
  CHECK(GetAll(c)["dir"] == "./data");               // CONFIG GET shows the text, as before
  // A dir that does not exist stops loading at its line with the reason, as redis-server.
  Config bad;
  CHECK(ApplyConfigText("dir /nonexistent/rcs\n", "'b.conf'", &bad).message() ==
        "Reading the configuration file 'b.conf', at line 1\n>>> 'dir /nonexistent/rcs'\nNo such file or directory");
  // No file: nothing for CONFIG REWRITE to write.
  Config args_only;
  const char* only[] = {"--port", "7102"};
  REQUIRE(LoadConfig(2, only, &args_only).ok());
  CHECK(args_only.config_file.empty());
}

TEST_CASE("config listeners: told once per change, only for their directives") {
  ConfigListeners listeners;
  int announce = 0, backlog = 0;
  listeners.Add({"cluster-announce-ip", "cluster-announce-port"}, [&] { announce++; });
  listeners.Add({"repl-backlog-size"}, [&] { backlog++; });
  listeners.Notify({"cluster-announce-ip", "cluster-announce-port", "hz"});
  CHECK(announce == 1);
  CHECK(backlog == 0);
  listeners.Notify({"repl-backlog-size"});
  CHECK(backlog == 1);
  listeners.Notify({});
  CHECK(announce == 1);
  CHECK(ConfigCanonicalName("SLAVE-READ-ONLY") == "replica-read-only");
  CHECK(ConfigCanonicalName("Hz") == "hz");
}

TEST_CASE("cluster-bus-secret-file and cluster-bus-auth: the secret is read, reloaded, never shown or written") {
  TempFile secret("bus-s3cret\n");
  TempFile other("rotated\n");
  Config c;
  // optional/required need the secret first.
  CHECK_FALSE(ConfigSet(&c, "cluster-bus-auth", "required").ok());
  CHECK(c.cluster_bus_auth == "no");
  const std::string file = "cluster-bus-secret-file " + secret.path + "\ncluster-bus-auth required\n";
  REQUIRE(ApplyConfigText(file, "b.conf", &c).ok());
  CHECK(c.cluster_bus_secret == "bus-s3cret");
  CHECK(c.cluster_bus_auth == "required");
  auto all = GetAll(c);
  CHECK(all["cluster-bus-secret-file"] == secret.path);
  CHECK(all["cluster-bus-auth"] == "required");
  for (auto& [k, v] : all) CHECK(v.find("bus-s3cret") == std::string::npos);
  std::string got = RewriteConfigText(file, c);
  CHECK(got.find("bus-s3cret") == std::string::npos);
  CHECK(got.find("cluster-bus-auth required") != std::string::npos);
  // Reloading at run time: a new file is read; an unreadable one leaves the old secret.
  REQUIRE(ConfigSet(&c, "cluster-bus-secret-file", other.path).ok());
  CHECK(c.cluster_bus_secret == "rotated");
  CHECK_FALSE(ConfigSet(&c, "cluster-bus-secret-file", "/nonexistent/rcs-bus-secret").ok());
  CHECK(c.cluster_bus_secret == "rotated");
  // The secret cannot be dropped while the bus needs it.
  CHECK_FALSE(ConfigSet(&c, "cluster-bus-secret-file", "").ok());
  REQUIRE(ConfigSet(&c, "cluster-bus-auth", "no").ok());
  REQUIRE(ConfigSet(&c, "cluster-bus-secret-file", "").ok());
  CHECK(c.cluster_bus_secret.empty());
}
