#include <doctest/doctest.h>

#include "harness.h"

using rcs::test::TestNode;

TEST_CASE("PING, ECHO, unknown commands, arity") {
  TestNode n;
  CHECK(n.Do("PING") == "PONG");
  CHECK(n.Do("PING hello") == "\"hello\"");
  CHECK(n.Do("ECHO x") == "\"x\"");
  CHECK(n.Do("ECHO") == "(error) ERR wrong number of arguments for 'echo' command");
  CHECK(n.Do("NOSUCH a b") == "(error) ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' ");
  CHECK(n.Do("CONFIG") == "(error) ERR wrong number of arguments for 'config' command");
  CHECK(n.Do("CONFIG NOPE") == "(error) ERR unknown subcommand 'NOPE'. Try CONFIG HELP.");
  CHECK(n.Do("CONFIG GET") == "(error) ERR wrong number of arguments for 'config|get' command");
}

TEST_CASE("requirepass: NOAUTH before AUTH, WRONGPASS, AUTH default pass") {
  TestNode n({{"requirepass", "s3cret"}});
  CHECK(n.Do("PING") == "(error) NOAUTH Authentication required.");
  CHECK(n.Do("AUTH wrong") == "(error) WRONGPASS invalid username-password pair or user is disabled.");
  CHECK(n.Do("AUTH someone s3cret") == "(error) WRONGPASS invalid username-password pair or user is disabled.");
  CHECK(n.Do("PING") == "(error) NOAUTH Authentication required.");
  CHECK(n.Do("AUTH s3cret") == "OK");
  CHECK(n.Do("PING") == "PONG");
  auto* other = n.NewClient();
  other->authenticated = false;
  n.Send(other, {"AUTH", "default", "s3cret"});
  CHECK(n.Take(other) == "OK");
  n.Send(other, {"RESET"});
  CHECK(n.Take(other) == "RESET");
  n.Send(other, {"GET", "x"});
  CHECK(n.Take(other) == "(error) NOAUTH Authentication required.");
}

TEST_CASE("AUTH without requirepass") {
  TestNode n;
  CHECK(n.Do("AUTH x").find("(error) ERR AUTH <password> called without any password configured") == 0);
}

TEST_CASE("HELLO switches protocol and reports the server") {
  TestNode n({{"requirepass", "pw"}});
  CHECK(n.Do("HELLO 3").find("(error) NOAUTH HELLO must be called") == 0);
  CHECK(n.Do("HELLO 4") == "(error) NOPROTO unsupported protocol version");
  std::string r = n.Do("HELLO 3 AUTH default pw SETNAME app");
  CHECK(r.find("{\"server\": \"redis\", \"version\": \"7.0.15\", \"proto\": (integer) 3") == 0);
  CHECK(r.find("\"mode\": \"standalone\"") != std::string::npos);
  CHECK(n.Do("CLIENT GETNAME") == "\"app\"");
  CHECK(n.Do("CONFIG GET port") == "{\"port\": \"0\"}");
  CHECK(n.Do("HELLO 2").find("[\"server\", \"redis\"") == 0);
  CHECK(n.Do("CONFIG GET port") == "[\"port\", \"0\"]");
}

TEST_CASE("SELECT: databases 0..15 on a standalone node, only 0 in cluster mode") {
  TestNode n;
  CHECK(n.Do("SELECT 0") == "OK");
  CHECK(n.Do("SET k zero") == "OK");
  CHECK(n.Do("SELECT 15") == "OK");
  CHECK(n.Do("GET k") == "(nil)");
  CHECK(n.Do("SET k fifteen") == "OK");
  CHECK(n.Do("MOVE k 0") == "(integer) 0");  // exists there
  CHECK(n.Do("SWAPDB 0 15") == "OK");
  CHECK(n.Do("GET k") == "\"zero\"");
  CHECK(n.Do("DBSIZE") == "(integer) 1");
  CHECK(n.Do("SELECT 16") == "(error) ERR DB index is out of range");
  CHECK(n.Do("SELECT -1") == "(error) ERR DB index is out of range");
  CHECK(n.Do("SWAPDB 0 x") == "(error) ERR invalid second DB index");
  CHECK(n.Do("FLUSHDB") == "OK");
  CHECK(n.Do("SELECT 0") == "OK");
  CHECK(n.Do("GET k") == "\"fifteen\"");
  CHECK(n.Do("INFO keyspace").find("db0:keys=1,expires=0") != std::string::npos);
  CHECK(n.Do("SELECT x") == "(error) ERR value is not an integer or out of range");
  TestNode c({{"cluster-enabled", "yes"}});
  CHECK(c.Do("SELECT 1") == "(error) ERR SELECT is not allowed in cluster mode");
}

TEST_CASE("CLIENT subcommands") {
  TestNode n;
  CHECK(n.Do("CLIENT GETNAME") == "(nil)");
  CHECK(n.Do("CLIENT SETNAME has space") == "(error) ERR wrong number of arguments for 'client|setname' command");
  CHECK(n.Do({"CLIENT", "SETNAME", "has space"}) ==
        "(error) ERR Client names cannot contain spaces, newlines or special characters.");
  CHECK(n.Do("CLIENT SETNAME worker-1") == "OK");
  CHECK(n.Do("CLIENT SETINFO LIB-NAME redis-py") == "OK");
  CHECK(n.Do("CLIENT SETINFO LIB-VER 5.0") == "OK");
  CHECK(n.Do("CLIENT SETINFO NOPE x") == "(error) ERR Unrecognized option 'NOPE'");
  std::string id = n.Do("CLIENT ID");
  CHECK(id.rfind("(integer) ", 0) == 0);
  std::string info = n.Do("CLIENT INFO");
  CHECK(info.find("name=worker-1") != std::string::npos);
  CHECK(info.find("lib-name=redis-py lib-ver=5.0") != std::string::npos);
  CHECK(n.Do("CLIENT LIST").find("cmd=client|info") != std::string::npos);
  CHECK(n.Do("CLIENT KILL ID 999999") == "(integer) 0");
  CHECK(n.Do("CLIENT KILL 1.2.3.4:5") == "(error) ERR No such client");
}

TEST_CASE("CONFIG GET/SET/RESETSTAT through the dispatcher") {
  TestNode n;
  CHECK(n.Do("CONFIG SET maxmemory 10mb maxmemory-policy allkeys-lru") == "OK");
  CHECK(n.Do("CONFIG GET maxmemory") == "[\"maxmemory\", \"10485760\"]");
  CHECK(n.Do("CONFIG SET maxmemory 1mb maxmemory-policy bogus").find("(error) ERR CONFIG SET failed") == 0);
  CHECK(n.Do("CONFIG GET maxmemory") == "[\"maxmemory\", \"10485760\"]");  // all or nothing
  CHECK(n.Do("CONFIG SET maxmemory 1mb maxmemory 2mb").find("duplicate parameter") != std::string::npos);
  CHECK(n.Do("CONFIG RESETSTAT") == "OK");
  // RESETSTAT itself is counted after the reset, as in Redis.
  CHECK(n.Do("INFO stats").find("total_commands_processed:1\r\n") != std::string::npos);
}

TEST_CASE("INFO sections and field names") {
  TestNode n;
  n.Do("PING");
  n.Do("NOSUCH");
  std::string info = n.Do("INFO");
  for (const char* f : {"# Server", "redis_version:", "redis_mode:standalone", "tcp_port:", "uptime_in_seconds:",
                        "# Clients", "connected_clients:", "maxclients:10000", "blocked_clients:0", "# Memory",
                        "used_memory:", "used_memory_rss:", "maxmemory:0", "maxmemory_policy:noeviction",
                        "# Persistence", "aof_enabled:0", "aof_last_write_status:ok", "# Stats",
                        "total_commands_processed:", "keyspace_hits:", "rejected_connections:0", "# Replication",
                        "role:master", "connected_slaves:0", "master_repl_offset:", "# CPU", "used_cpu_sys:",
                        "# Errorstats", "errorstat_ERR:count=1", "# Cluster", "cluster_enabled:0", "# Keyspace"}) {
    CAPTURE(f);
    CHECK(info.find(f) != std::string::npos);
  }
  CHECK(info.find("# Commandstats") == std::string::npos);
  std::string all = n.Do("INFO all");
  CHECK(all.find("cmdstat_ping:calls=1,usec=") != std::string::npos);
  CHECK(all.find("rejected_calls=0,failed_calls=0") != std::string::npos);
  std::string mem = n.Do("INFO memory");
  CHECK(mem.find("# Server") == std::string::npos);
  CHECK(mem.find("# Memory") != std::string::npos);
}

TEST_CASE("COMMAND COUNT/INFO/GETKEYS/DOCS") {
  TestNode n;
  CHECK(n.Do("COMMAND COUNT").rfind("(integer) ", 0) == 0);
  std::string info = n.Do("COMMAND INFO ping nosuch");
  CHECK(info.find("[[\"ping\", (integer) -1, [fast]") == 0);  // redis-server 7.0.15: PING is not stale
  CHECK(info.find("(nil)]") != std::string::npos);
  // COMMAND GETKEYS has arity -4 (redis-server 7.0.15): the command and at least one argument.
  CHECK(n.Do("COMMAND GETKEYS PING") == "(error) ERR wrong number of arguments for 'command|getkeys' command");
  CHECK(n.Do("COMMAND GETKEYS GET") == "(error) ERR wrong number of arguments for 'command|getkeys' command");
  CHECK(n.Do("COMMAND GETKEYS PING x") == "(error) ERR The command has no key arguments");
  CHECK(n.Do("COMMAND GETKEYS NOSUCH x") == "(error) ERR Invalid command specified");
  CHECK(n.Do("COMMAND DOCS ping").find("\"summary\"") != std::string::npos);
}

TEST_CASE("MULTI/EXEC/DISCARD/WATCH") {
  TestNode n;
  CHECK(n.Do("EXEC") == "(error) ERR EXEC without MULTI");
  CHECK(n.Do("DISCARD") == "(error) ERR DISCARD without MULTI");
  CHECK(n.Do("MULTI") == "OK");
  CHECK(n.Do("MULTI") == "(error) ERR MULTI calls can not be nested");
  CHECK(n.Do("PING") == "QUEUED");
  CHECK(n.Do("ECHO a") == "QUEUED");
  CHECK(n.Do("EXEC") == "[PONG, \"a\"]");
  // A refused command inside MULTI aborts EXEC.
  CHECK(n.Do("MULTI") == "OK");
  CHECK(n.Do("NOSUCH") .find("(error) ERR unknown command") == 0);
  CHECK(n.Do("PING") == "QUEUED");
  CHECK(n.Do("EXEC") == "(error) EXECABORT Transaction discarded because of previous errors.");
  CHECK(n.Do("MULTI") == "OK");
  CHECK(n.Do("WATCH x") == "(error) ERR WATCH inside MULTI is not allowed");
  CHECK(n.Do("DISCARD") == "OK");
  // WATCH: a write by another client makes EXEC return a null array.
  CHECK(n.Do("WATCH k") == "OK");
  auto* other = n.NewClient();
  n.Send(other, {"FLUSHALL"});
  CHECK(n.Take(other) == "OK");
  CHECK(n.Do("MULTI") == "OK");
  CHECK(n.Do("PING") == "QUEUED");
  CHECK(n.Do("EXEC") == "(nil)");
  // UNWATCH forgets.
  CHECK(n.Do("WATCH k") == "OK");
  n.Send(other, {"FLUSHALL"});
  n.Take(other);
  CHECK(n.Do("UNWATCH") == "OK");
  CHECK(n.Do("MULTI") == "OK");
  CHECK(n.Do("PING") == "QUEUED");
  CHECK(n.Do("EXEC") == "[PONG]");
}

TEST_CASE("SLOWLOG records commands over the threshold") {
  TestNode n;
  CHECK(n.Do("CONFIG SET slowlog-log-slower-than 0") == "OK");
  n.Do("ECHO slow");
  CHECK(n.Do("SLOWLOG LEN") != "(integer) 0");
  std::string got = n.Do("SLOWLOG GET 2");
  CHECK(got.find("[\"CONFIG\", \"SET\", \"slowlog-log-slower-than\", \"0\"]") == std::string::npos);
  CHECK(got.find("[\"ECHO\", \"slow\"]") != std::string::npos);
  CHECK(n.Do("SLOWLOG RESET") == "OK");
  CHECK(n.Do("SLOWLOG GET -2") == "(error) ERR count should be greater than or equal to -1");
}

TEST_CASE("TIME, LASTSAVE, DBSIZE, QUIT") {
  TestNode n;
  std::string t = n.Do("TIME");
  CHECK(t.find("[\"1700000000\", \"0\"]") == 0);
  CHECK(n.Do("LASTSAVE") == "(integer) 1700000000");
  CHECK(n.Do("DBSIZE") == "(integer) 0");
  CHECK(n.Do("QUIT") == "OK");
  CHECK(n.client()->has(rcs::kClientCloseAfterReply));
}

TEST_CASE("a client blocked on a key that becomes another type stays blocked") {
  TestNode n;
  auto* waiter = n.NewClient();
  n.Send(waiter, {"BLPOP", "k", "0"});
  CHECK(n.Take(waiter) == "");
  CHECK(n.Do("SET k v") == "OK");
  CHECK(n.Take(waiter) == "");  // Redis 7.0 keeps it blocked: no WRONGTYPE
  CHECK(n.Do("DEL k") == "(integer) 1");
  CHECK(n.Do("RPUSH k x") == "(integer) 1");
  CHECK(n.Take(waiter) == "[\"k\", \"x\"]");
  CHECK(n.Do("SET k v") == "OK");  // a fresh call (not a retry) on the wrong type is an error
  CHECK(n.Do("BLPOP k 0") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
}

TEST_CASE("Loading: commands without the loading flag get -LOADING, also EXEC of a queue holding one") {
  TestNode n;
  CHECK(n.Do("SET k v") == "OK");
  CHECK(n.Do("MULTI") == "OK");
  CHECK(n.Do("GET k") == "QUEUED");
  n.server().set_loading(true);
  CHECK(n.Do("GET k") == "(error) LOADING Redis is loading the dataset in memory");
  // As redis-server's rejectCommand: a refused EXEC discards the transaction and says why.
  CHECK(n.Do("EXEC") == "(error) EXECABORT Transaction discarded because of: LOADING Redis is loading the dataset "
                        "in memory");
  n.server().set_loading(false);
  CHECK(n.Do("EXEC") == "(error) ERR EXEC without MULTI");

  n.server().set_loading(true);
  CHECK(n.Do("INFO server").find("redis_version") != std::string::npos);  // INFO has the loading flag
  CHECK(n.Do("SELECT 0") == "OK");
  CHECK(n.Do("MULTI") == "OK");
  CHECK(n.Do("SELECT 0") == "QUEUED");
  CHECK(n.Do("EXEC") == "[OK]");  // every queued command may run while loading
  // Our loaders (full sync, AOF) run as the master client: they are not refused.
  auto* loader = n.NewClient();
  loader->flags |= rcs::kClientMaster;
  n.Send(loader, {"SET", "k", "w"});
  CHECK(n.Take(loader) == "OK");
  n.server().set_loading(false);
  CHECK(n.Do("GET k") == "\"w\"");
}

TEST_CASE("Stale replica: with replica-serve-stale-data no and the master link down, -MASTERDOWN") {
  TestNode n({{"replica-serve-stale-data", "no"}});
  CHECK(n.Do("SET k v") == "OK");
  n.server().set_replica(true);
  n.server().set_master_link_up(false);
  const std::string masterdown =
      "(error) MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
  CHECK(n.Do("GET k") == masterdown);
  CHECK(n.Do("PING") == masterdown);  // as redis-server: PING has no stale flag
  CHECK(n.Do("INFO server").find("redis_version") != std::string::npos);  // stale flag
  CHECK(n.Do("MULTI") == "OK");
  CHECK(n.Do("SELECT 0") == "QUEUED");
  CHECK(n.Do("EXEC") == "[OK]");
  n.server().set_master_link_up(true);
  CHECK(n.Do("MULTI") == "OK");
  CHECK(n.Do("GET k") == "QUEUED");
  n.server().set_master_link_up(false);
  CHECK(n.Do("EXEC") == "(error) EXECABORT Transaction discarded because of: " + masterdown.substr(8));
  CHECK(n.Do("DISCARD") == "(error) ERR DISCARD without MULTI");
  n.server().set_master_link_up(true);
  CHECK(n.Do("GET k") == "\"v\"");

  TestNode serving;  // replica-serve-stale-data yes (the default): a stale replica answers
  CHECK(serving.Do("SET k v") == "OK");
  serving.server().set_replica(true);
  serving.server().set_master_link_up(false);
  CHECK(serving.Do("GET k") == "\"v\"");
}

TEST_CASE("Command flags replace command-name checks") {
  TestNode n;
  auto& reg = n.server().commands();
  for (const char* name : {"multi", "exec", "discard", "watch", "quit", "reset"}) {
    CAPTURE(name);
    CHECK(reg.Find(name)->is(rcs::kCmdTxnControl));
  }
  CHECK(!reg.Find("unwatch")->is(rcs::kCmdTxnControl));
  CHECK(reg.Find("exec")->is(rcs::kCmdRunsQueue));
  CHECK(reg.Find("asking")->is(rcs::kCmdKeepsAsking));
  CHECK(reg.Find("migrate")->is(rcs::kCmdOpenSlotLocal));
  // Resolve finds a container's subcommand the way the dispatcher does.
  std::vector<std::string_view> argv = {"CONFIG", "get", "x"};
  CHECK(reg.Resolve(argv)->name == "config|get");
  argv = {"CONFIG"};
  CHECK(reg.Resolve(argv) == nullptr);
  // HMSET (HSET's twin, one handler before) replies OK, HSET the number of new fields.
  CHECK(n.Do("HMSET h a 1") == "OK");
  CHECK(n.Do("HSET h b 2") == "(integer) 1");
}
