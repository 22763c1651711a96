// DEBUG DIGEST / DIGEST-VALUE per type (the expected digits are redis-server 7.0.15's for the same commands),
// encoding independence, keys whose expiry passed, enable-debug-command, and DEBUG's small subcommands.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "harness.h"
#include "protocol/errors.h"

using rcs::test::NodeConfig;
using rcs::test::TestNode;

namespace {

const NodeConfig kDebugOn = {{"enable-debug-command", "yes"}};
const std::string kZeros(40, '0');

// The data set the expected digests were taken from (redis-server 7.0.15, --enable-debug-command yes).
void Load(TestNode& n) {
  for (const char* cmd : {"SET s hello", "SET n 12345", "SET neg -7", "RPUSH l a b 3 -4 c", "SADD si 1 2 3 -5",
                          "SADD ss a b 7", "HSET h f1 v1 f2 2 3 x", "ZADD z 1 a 2.5 b -3 c 1e300 d inf e",
                          "PFADD hll x y z", "SETBIT bm 100 1", "SET e v PX 100000000"}) {
    n.Do(cmd);
  }
}

}  // namespace

TEST_CASE("DEBUG DIGEST-VALUE and DIGEST: redis-server 7.0.15's digits for every type") {
  TestNode n(kDebugOn);
  CHECK(n.Do("DEBUG DIGEST") == kZeros);
  Load(n);
  CHECK(n.Do("DEBUG DIGEST-VALUE s n neg l si ss h z hll bm e nosuch") ==
        "[36b23a1456b2dce2c3ed252c456761301dba8060, e1cf90774e995ae03de66e8109dc5cb9d9c2dc83, "
        "220f87802dc1eca9ffb9dd7f52e30f559e135f81, d0ef23e55a9f8a3851130fe65db7445be7b1ffd0, "
        "5e497276f46b9037a75afe0286ef7a77cbed85e4, 4db2915dc242371e719444ddc8b328e38ac18e1c, "
        "09e50b7cc028763500597a45b3227a4822c937ba, 53871d363b5bbef39d59274cc40d3069e601ef99, "
        "e5cd969a24a4c1a8030a4f941227f2a32bfb1ec9, b92d5cbfe6ad10464759782af71120636feb6f84, "
        "311b17018163335616e089f6b951c82c477335ac, " + kZeros + "]");
  CHECK(n.Do("DEBUG DIGEST") == "d8e5a38676cf3aa67a0122d66fe0f8f9e99f0cf4");
  CHECK(n.Do("DEBUG DIGEST-VALUE") == "[]");
  // The expiry's presence counts, not its time.
  std::string with_ttl = n.Do("DEBUG DIGEST");
  n.Do("PEXPIRE e 5000");
  CHECK(n.Do("DEBUG DIGEST") == with_ttl);
  n.Do("PERSIST e");
  CHECK(n.Do("DEBUG DIGEST") != with_ttl);
  // Order matters in a list, not in a set, a hash or the key space.
  n.Do("RPUSH l2 c -4 3 b a");
  CHECK(n.Do("DEBUG DIGEST-VALUE l2") != n.Do("DEBUG DIGEST-VALUE l"));
  n.Do("SADD si2 -5 3 2 1");
  CHECK(n.Do("DEBUG DIGEST-VALUE si2") == n.Do("DEBUG DIGEST-VALUE si"));
  n.Do("FLUSHALL");
  CHECK(n.Do("DEBUG DIGEST") == kZeros);
}

TEST_CASE("DEBUG DIGEST-VALUE: one digest for both encodings of a type") {
  TestNode small(kDebugOn);
  TestNode large({{"enable-debug-command", "yes"}, {"hash-max-listpack-entries", "0"},
                  {"zset-max-listpack-entries", "0"}, {"set-max-intset-entries", "0"}});
  for (TestNode* n : {&small, &large}) {
    n->Do("HSET h a 1 b two c -3");
    n->Do("ZADD z 1 a 2.5 b 0 c inf d 7 8");
    n->Do("SADD s 1 2 -3 40000");
  }
  CHECK(small.Do("OBJECT ENCODING h") == "\"listpack\"");
  CHECK(large.Do("OBJECT ENCODING h") == "\"hashtable\"");
  CHECK(small.Do("OBJECT ENCODING z") == "\"listpack\"");
  CHECK(large.Do("OBJECT ENCODING z") == "\"skiplist\"");
  CHECK(small.Do("OBJECT ENCODING s") == "\"intset\"");
  CHECK(large.Do("OBJECT ENCODING s") == "\"hashtable\"");
  CHECK(small.Do("DEBUG DIGEST-VALUE h z s") == large.Do("DEBUG DIGEST-VALUE h z s"));
  CHECK(small.Do("DEBUG DIGEST") == large.Do("DEBUG DIGEST"));
}

TEST_CASE("DEBUG DIGEST: a key whose expiry passed counts until it is removed, as in Redis") {
  TestNode n(kDebugOn);
  CHECK(n.Do("DEBUG SET-ACTIVE-EXPIRE 0") == "OK");
  n.Do("SET k v PX 100");
  n.Do("SET other x");
  std::string live = n.Do("DEBUG DIGEST");
  std::string value = n.Do("DEBUG DIGEST-VALUE k");
  n.Advance(1000);  // the cron runs, but active expiry is off
  CHECK(n.Do("DBSIZE") == "(integer) 2");
  CHECK(n.Do("DEBUG DIGEST") == live);
  CHECK(n.Do("DEBUG DIGEST-VALUE k") == value);
  CHECK(n.Do("DBSIZE") == "(integer) 2");  // DEBUG deleted nothing
  CHECK(n.Do("DEBUG SET-ACTIVE-EXPIRE 1") == "OK");
  n.Advance(1000);
  CHECK(n.Do("DBSIZE") == "(integer) 1");
  CHECK(n.Do("DEBUG DIGEST") != live);
}

TEST_CASE("enable-debug-command: no refuses, yes allows, local allows 127.0.0.1 and ::1 only") {
  const std::string refused = "(error) " + std::string(rcs::err::kDebugNotAllowed);
  TestNode off;
  CHECK(off.Do("CONFIG GET enable-debug-command") == "[\"enable-debug-command\", \"no\"]");
  CHECK(off.Do("DEBUG DIGEST") == refused);
  CHECK(off.Do("DEBUG HELP") == refused);
  TestNode on(kDebugOn);
  CHECK(on.Do("DEBUG DIGEST") == kZeros);
  TestNode local({{"enable-debug-command", "local"}});
  struct Case {
    const char* addr;
    bool allowed;
  };
  for (Case c : {Case{"127.0.0.1:40000", true}, Case{"::1:40000", true}, Case{"127.0.0.2:40000", false},
                 Case{"10.0.0.1:40000", false}, Case{"", false}}) {
    CAPTURE(c.addr);
    local.client()->addr = c.addr;
    CHECK(local.Do("DEBUG DIGEST") == (c.allowed ? kZeros : refused));
  }
  // Refused before authentication, and inside MULTI the refusal aborts EXEC.
  TestNode auth({{"requirepass", "pw"}});
  CHECK(auth.Do("DEBUG DIGEST") == refused);
  CHECK(auth.Do("AUTH pw") == "OK");
  CHECK(auth.Do("MULTI") == "OK");
  CHECK(auth.Do("DEBUG DIGEST") == refused);
  CHECK(auth.Do("EXEC").rfind("(error) EXECABORT", 0) == 0);
}

TEST_CASE("DEBUG OBJECT, POPULATE, ERROR, unknown subcommands") {
  TestNode n(kDebugOn);
  n.Do("SET n 12345");
  n.Do("RPUSH l a b 3 -4 c");
  // redis-server 7.0.15 prints serializedlength 3 for n and 24 for l (their RDB encodings' lengths).
  std::string obj = n.Do("DEBUG OBJECT n");
  CHECK(obj.rfind("Value at:0x", 0) == 0);
  CHECK(obj.find(" refcount:1 encoding:int serializedlength:3 lru:") != std::string::npos);
  CHECK(obj.find(" lru_seconds_idle:0") != std::string::npos);
  std::string list = n.Do("DEBUG OBJECT l");
  CHECK(list.find(" encoding:quicklist serializedlength:24 ") != std::string::npos);
  CHECK(list.find(" ql_nodes:1 ql_avg_node:5.00 ql_listpack_max:-2 ql_compressed:0") != std::string::npos);
  CHECK(n.Do("DEBUG OBJECT nosuch") == "(error) ERR no such key");
  CHECK(n.Do("DEBUG POPULATE 3 p 10") == "OK");
  CHECK(n.Do("GET p:2") == std::string("\"value:2\0\0\0\"", 12));
  CHECK(n.Do("DEBUG POPULATE x") == "(error) ERR value is out of range, must be positive");
  CHECK(n.Do({"DEBUG", "ERROR", "MYERR oops"}) == "(error) MYERR oops");
  CHECK(n.Do("DEBUG SEGFAULT") ==
        "(error) ERR unknown subcommand or wrong number of arguments for 'SEGFAULT'. Try DEBUG HELP.");
  CHECK(n.Do("DEBUG DIGEST x") ==
        "(error) ERR unknown subcommand or wrong number of arguments for 'DIGEST'. Try DEBUG HELP.");
  CHECK(n.Do("DEBUG SLEEP 0") == "OK");
  // No RDB saver in this harness: RELOAD's save fails with SAVE's bare error, as redis-server's would.
  CHECK(n.Do("DEBUG RELOAD") == "(error) ERR");
  CHECK(n.Do("DEBUG RELOAD NOSAVE X") ==
        "(error) ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
}
