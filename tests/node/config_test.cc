#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

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

TEST_CASE("bad config stops with file, line and reason") {
  Config c;
  Status st = ApplyConfigText("port 1\nport abc\n", "x.conf", &c);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message() == "Reading the configuration file x.conf, at line 2\n>>> 'port abc'\nargument couldn't be parsed into an integer");
  st = ApplyConfigText("no-such-directive 1\n", "x.conf", &c);
  CHECK(st.message().find("Bad directive or wrong number of arguments") != std::string::npos);
  st = ApplyConfigText("appendonly maybe\n", "x.conf", &c);
  CHECK(st.message().find("argument must be 'yes' or 'no'") != std::string::npos);
  st = ApplyConfigText("port 70000\n", "x.conf", &c);
  CHECK(st.message().find("argument must be between 0 and 65535 inclusive") != std::string::npos);
  st = ApplyConfigText("maxmemory-policy allkeys-lfu\n", "x.conf", &c);
  CHECK(st.message().find("must be one of the following") != std::string::npos);
  st = ApplyConfigText("save 900 1\n", "x.conf", &c);
  CHECK(st.message().find("RDB snapshots are not supported") != std::string::npos);
  st = ApplyConfigText("requirepass \"unterminated\n", "x.conf", &c);
  CHECK(st.message().find("Unbalanced quotes") != std::string::npos);
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
  CHECK(all.size() == 3);  // maxmemory, maxmemory-policy, maxmemory-samples
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
  Config c;
  Status st = ApplyConfigText("requirepass-file /nonexistent/rcs-secret\n", "t.conf", &c);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message() ==
        "Reading the configuration file t.conf, at line 1\n>>> 'requirepass-file /nonexistent/rcs-secret'\n"
        "can't read the secret file '/nonexistent/rcs-secret': No such file or directory");
  TempFile empty("\n");
  st = ApplyConfigText("masterauth-file " + empty.path + "\n", "t.conf", &c);
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
