// String commands through the in-process harness: replies (RESP2 and RESP3), every error path, expiry
// with the manual clock, and what is propagated to replicas/AOF.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "harness.h"

using rcs::test::TestNode;

namespace {

using Propagated = rcs::test::PropagationLog;

constexpr int64_t kStart = 1700000000000;  // ManualClock's default start (Unix ms)

}  // namespace

TEST_CASE("GET and SET basics, wrong type, arity") {
  TestNode n;
  CHECK(n.Do("GET k") == "(nil)");
  CHECK(n.Do("SET k v") == "OK");
  CHECK(n.Do("GET k") == "\"v\"");
  CHECK(n.Do({"SET", "bin", std::string_view("a\0b\r\n", 5)}) == "OK");
  CHECK(n.Do("STRLEN bin") == "(integer) 5");
  CHECK(n.Do("SET k") == "(error) ERR wrong number of arguments for 'set' command");
  CHECK(n.Do("GET") == "(error) ERR wrong number of arguments for 'get' command");
  CHECK(n.Do("GET a b") == "(error) ERR wrong number of arguments for 'get' command");
  CHECK(n.Do("RPUSH l a") == "(integer) 1");
  CHECK(n.Do("GET l") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  // SET overwrites any type.
  CHECK(n.Do("SET l x") == "OK");
  CHECK(n.Do("GET l") == "\"x\"");
}

TEST_CASE("SET NX XX GET") {
  TestNode n;
  CHECK(n.Do("SET k v XX") == "(nil)");
  CHECK(n.Do("EXISTS k") == "(integer) 0");
  CHECK(n.Do("SET k v NX") == "OK");
  CHECK(n.Do("SET k w NX") == "(nil)");
  CHECK(n.Do("GET k") == "\"v\"");
  CHECK(n.Do("SET k w XX") == "OK");
  CHECK(n.Do("GET k") == "\"w\"");
  CHECK(n.Do("SET k x GET") == "\"w\"");
  CHECK(n.Do("SET new x GET") == "(nil)");
  CHECK(n.Do("GET new") == "\"x\"");
  // NX with GET (7.0): not set, but the old value is answered.
  CHECK(n.Do("SET k y NX GET") == "\"x\"");
  CHECK(n.Do("GET k") == "\"x\"");
  CHECK(n.Do("SET nokey y XX GET") == "(nil)");
  CHECK(n.Do("EXISTS nokey") == "(integer) 0");
  CHECK(n.Do("SET k v nx xx") == "(error) ERR syntax error");
  CHECK(n.Do("SET k v xx nx") == "(error) ERR syntax error");
  CHECK(n.Do("SET k v foo") == "(error) ERR syntax error");
  CHECK(n.Do("RPUSH l a") == "(integer) 1");
  CHECK(n.Do("SET l v GET") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(n.Do("SET l v NX GET") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(n.Do("TYPE l") == "list");
  CHECK(n.Do("SET l v") == "OK");
}

TEST_CASE("SET expiry options and their errors") {
  TestNode n;
  CHECK(n.Do("SET k v EX 10") == "OK");
  CHECK(n.Do("PTTL k") == "(integer) 10000");
  CHECK(n.Do("SET k v PX 1500") == "OK");
  CHECK(n.Do("PTTL k") == "(integer) 1500");
  CHECK(n.Do("SET k v EXAT " + std::to_string(kStart / 1000 + 100)) == "OK");
  CHECK(n.Do("TTL k") == "(integer) 100");
  CHECK(n.Do("SET k v PXAT " + std::to_string(kStart + 2500)) == "OK");
  CHECK(n.Do("PTTL k") == "(integer) 2500");
  CHECK(n.Do("SET k v2 KEEPTTL") == "OK");
  CHECK(n.Do("PTTL k") == "(integer) 2500");
  CHECK(n.Do("SET k v3") == "OK");
  CHECK(n.Do("TTL k") == "(integer) -1");
  // A repeated EX is accepted (the last wins); mixed units are not.
  CHECK(n.Do("SET k v EX 10 EX 20") == "OK");
  CHECK(n.Do("TTL k") == "(integer) 20");
  CHECK(n.Do("SET k v EX 10 PX 20") == "(error) ERR syntax error");
  CHECK(n.Do("SET k v KEEPTTL EX 1") == "(error) ERR syntax error");
  CHECK(n.Do("SET k v EX 1 KEEPTTL") == "(error) ERR syntax error");
  CHECK(n.Do("SET k v EX") == "(error) ERR syntax error");
  CHECK(n.Do("SET k v PERSIST") == "(error) ERR syntax error");
  CHECK(n.Do("SET k v EX abc") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("SET k v EX 0") == "(error) ERR invalid expire time in 'set' command");
  CHECK(n.Do("SET k v EX -1") == "(error) ERR invalid expire time in 'set' command");
  CHECK(n.Do("SET k v PX 0") == "(error) ERR invalid expire time in 'set' command");
  CHECK(n.Do("SET k v EX 9223372036854775807") == "(error) ERR invalid expire time in 'set' command");
  CHECK(n.Do("SET k v PX 9223372036854775807") == "(error) ERR invalid expire time in 'set' command");
  CHECK(n.Do("SET k v EXAT 0") == "(error) ERR invalid expire time in 'set' command");
  CHECK(n.Do("SET k v EXAT 9223372036854775") == "OK");
  CHECK(n.Do("TTL k") != "(integer) -1");
  // Errors leave the key as it was.
  CHECK(n.Do("GET k") == "\"v\"");
}

TEST_CASE("SET expiry with the manual clock, and expiry in the past deletes") {
  TestNode n;
  Propagated p(n);
  CHECK(n.Do("SET k v PX 100") == "OK");
  n.Advance(100);
  CHECK(n.Do("GET k") == "\"v\"");  // at the deadline itself the key still lives (Redis: now > when)
  n.Advance(1);
  CHECK(n.Do("GET k") == "(nil)");
  CHECK(n.Do("SET k v") == "OK");
  CHECK(n.Do("SET k v2 EXAT 1") == "OK");
  CHECK(n.Do("EXISTS k") == "(integer) 0");
  CHECK(p.last() == "DEL k");
  CHECK(n.Do("SET k v") == "OK");
  CHECK(n.Do("SET k v2 PXAT 5 GET") == "\"v\"");
  CHECK(n.Do("EXISTS k") == "(integer) 0");
}

TEST_CASE("SET propagation: relative expiry becomes PXAT, GET is dropped") {
  TestNode n;
  Propagated p(n);
  CHECK(n.Do("SET k v") == "OK");
  CHECK(p.last() == "SET k v");
  CHECK(n.Do("SET k v EX 10") == "OK");
  CHECK(p.last() == "SET k v PXAT " + std::to_string(kStart + 10000));
  CHECK(n.Do("SET k v PX 10") == "OK");
  CHECK(p.last() == "SET k v PXAT " + std::to_string(kStart + 10));
  CHECK(n.Do("SET k v EXAT 1800000000") == "OK");
  CHECK(p.last() == "SET k v PXAT 1800000000000");
  CHECK(n.Do("SET k w GET") == "\"v\"");
  CHECK(p.last() == "SET k w");
  CHECK(n.Do("SET k w KEEPTTL GET") == "\"w\"");
  CHECK(p.last() == "SET k w KEEPTTL");
  size_t before = p.cmds.size();
  CHECK(n.Do("SET k z NX") == "(nil)");
  CHECK(p.cmds.size() == before);  // nothing changed, nothing propagated
  CHECK(n.Do("SETEX s 5 v") == "OK");
  CHECK(p.last() == "SET s v PXAT " + std::to_string(kStart + 5000));
  CHECK(n.Do("PSETEX s 5 v") == "OK");
  CHECK(p.last() == "SET s v PXAT " + std::to_string(kStart + 5));
}

TEST_CASE("SETNX SETEX PSETEX GETSET GETDEL") {
  TestNode n;
  Propagated p(n);
  CHECK(n.Do("SETNX k v") == "(integer) 1");
  CHECK(n.Do("SETNX k w") == "(integer) 0");
  CHECK(n.Do("GET k") == "\"v\"");
  CHECK(n.Do("SETEX k 10 v") == "OK");
  CHECK(n.Do("TTL k") == "(integer) 10");
  CHECK(n.Do("SETEX k 0 v") == "(error) ERR invalid expire time in 'setex' command");
  CHECK(n.Do("SETEX k x v") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("PSETEX k -5 v") == "(error) ERR invalid expire time in 'psetex' command");
  CHECK(n.Do("PSETEX k 1500 v") == "OK");
  CHECK(n.Do("PTTL k") == "(integer) 1500");
  CHECK(n.Do("SETEX k 10") == "(error) ERR wrong number of arguments for 'setex' command");
  // GETSET answers the old value and clears the TTL.
  CHECK(n.Do("GETSET k w") == "\"v\"");
  CHECK(n.Do("TTL k") == "(integer) -1");
  CHECK(p.last() == "SET k w");
  CHECK(n.Do("GETSET nokey w") == "(nil)");
  CHECK(n.Do("GET nokey") == "\"w\"");
  CHECK(n.Do("RPUSH l a") == "(integer) 1");
  CHECK(n.Do("GETSET l w") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(n.Do("GETDEL l") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(n.Do("GETDEL k") == "\"w\"");
  CHECK(p.last() == "DEL k");
  CHECK(n.Do("GETDEL k") == "(nil)");
  CHECK(n.Do("EXISTS k") == "(integer) 0");
}

TEST_CASE("GETEX options, errors, propagation") {
  TestNode n;
  Propagated p(n);
  CHECK(n.Do("GETEX nokey") == "(nil)");
  CHECK(n.Do("GETEX nokey EX 0") == "(nil)");  // the expire argument is checked only for a key
  CHECK(n.Do("SET k v") == "OK");
  CHECK(n.Do("GETEX k") == "\"v\"");
  CHECK(n.Do("GETEX k EX 10") == "\"v\"");
  CHECK(n.Do("TTL k") == "(integer) 10");
  CHECK(p.last() == "PEXPIREAT k " + std::to_string(kStart + 10000));
  CHECK(n.Do("GETEX k PX 500") == "\"v\"");
  CHECK(n.Do("PTTL k") == "(integer) 500");
  CHECK(n.Do("GETEX k EXAT " + std::to_string(kStart / 1000 + 50)) == "\"v\"");
  CHECK(n.Do("TTL k") == "(integer) 50");
  CHECK(n.Do("GETEX k PERSIST") == "\"v\"");
  CHECK(n.Do("TTL k") == "(integer) -1");
  CHECK(p.last() == "PERSIST k");
  size_t before = p.cmds.size();
  CHECK(n.Do("GETEX k PERSIST") == "\"v\"");  // no TTL to remove: nothing propagated
  CHECK(n.Do("GETEX k") == "\"v\"");
  CHECK(p.cmds.size() == before);
  CHECK(n.Do("GETEX k EX 10 EX 20") == "\"v\"");
  CHECK(n.Do("TTL k") == "(integer) 20");
  CHECK(n.Do("GETEX k PERSIST EX 10") == "(error) ERR syntax error");
  CHECK(n.Do("GETEX k EX 10 PERSIST") == "(error) ERR syntax error");
  CHECK(n.Do("GETEX k KEEPTTL") == "(error) ERR syntax error");
  CHECK(n.Do("GETEX k NX") == "(error) ERR syntax error");
  CHECK(n.Do("GETEX k GET") == "(error) ERR syntax error");
  CHECK(n.Do("GETEX k EX 0") == "(error) ERR invalid expire time in 'getex' command");
  CHECK(n.Do("GETEX k EXAT 0") == "(error) ERR invalid expire time in 'getex' command");
  CHECK(n.Do("GETEX k EX 9223372036854775807") == "(error) ERR invalid expire time in 'getex' command");
  CHECK(n.Do("GETEX k EX x") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("RPUSH l a") == "(integer) 1");
  CHECK(n.Do("GETEX l EX 10") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  // An absolute time in the past: the value is answered and the key is gone.
  CHECK(n.Do("GETEX k PXAT 1") == "\"v\"");
  CHECK(n.Do("EXISTS k") == "(integer) 0");
  CHECK(p.last() == "DEL k");
}

TEST_CASE("MGET MSET MSETNX") {
  TestNode n;
  CHECK(n.Do("MSET a 1 b 2") == "OK");
  CHECK(n.Do("RPUSH l x") == "(integer) 1");
  CHECK(n.Do("MGET a b nokey l") == "[\"1\", \"2\", (nil), (nil)]");
  CHECK(n.Do("MSET a") == "(error) ERR wrong number of arguments for 'mset' command");
  CHECK(n.Do("MSET a 1 b") == "(error) ERR wrong number of arguments for 'mset' command");
  CHECK(n.Do("MSET a 1 a 3") == "OK");
  CHECK(n.Do("GET a") == "\"3\"");
  CHECK(n.Do("MSETNX a 1 c 2") == "(integer) 0");
  CHECK(n.Do("EXISTS c") == "(integer) 0");
  CHECK(n.Do("MSETNX c 1 d 2") == "(integer) 1");
  CHECK(n.Do("MGET c d") == "[\"1\", \"2\"]");
  CHECK(n.Do("MSETNX a 1 b") == "(error) ERR wrong number of arguments for 'msetnx' command");
  CHECK(n.Do("MGET") == "(error) ERR wrong number of arguments for 'mget' command");
  // MSET clears TTLs.
  CHECK(n.Do("SET t v EX 100") == "OK");
  CHECK(n.Do("MSET t w") == "OK");
  CHECK(n.Do("TTL t") == "(integer) -1");
}

TEST_CASE("INCR DECR INCRBY DECRBY") {
  TestNode n;
  CHECK(n.Do("INCR c") == "(integer) 1");
  CHECK(n.Do("INCRBY c 10") == "(integer) 11");
  CHECK(n.Do("DECR c") == "(integer) 10");
  CHECK(n.Do("DECRBY c 20") == "(integer) -10");
  CHECK(n.Do("GET c") == "\"-10\"");
  CHECK(n.Do("INCRBY c -5") == "(integer) -15");
  CHECK(n.Do("INCRBY c abc") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("INCRBY c 1.5") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("SET s abc") == "OK");
  CHECK(n.Do("INCR s") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("SET s ' 1'") == "OK");
  CHECK(n.Do("INCR s") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("SET s 01") == "OK");
  CHECK(n.Do("INCR s") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("SET m 9223372036854775807") == "OK");
  CHECK(n.Do("INCR m") == "(error) ERR increment or decrement would overflow");
  CHECK(n.Do("SET m -9223372036854775808") == "OK");
  CHECK(n.Do("DECR m") == "(error) ERR increment or decrement would overflow");
  CHECK(n.Do("DECRBY x -9223372036854775808") == "(error) ERR decrement would overflow");
  CHECK(n.Do("DECRBY x 9223372036854775808") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("RPUSH l a") == "(integer) 1");
  CHECK(n.Do("INCR l") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  // The TTL survives.
  CHECK(n.Do("SET t 5 EX 100") == "OK");
  CHECK(n.Do("INCR t") == "(integer) 6");
  CHECK(n.Do("TTL t") == "(integer) 100");
  CHECK(n.Do("OBJECT ENCODING t") == "\"int\"");
}

TEST_CASE("INCRBYFLOAT: formatting, errors, KEEPTTL propagation, reply type") {
  TestNode n;
  Propagated p(n);
  CHECK(n.Do("SET f 10.5") == "OK");
  CHECK(n.Do("INCRBYFLOAT f 0.1") == "\"10.6\"");
  CHECK(p.last() == "SET f 10.6 KEEPTTL");
  CHECK(n.Do("INCRBYFLOAT f -5") == "\"5.6\"");
  CHECK(n.Do("INCRBYFLOAT nf 3") == "\"3\"");
  CHECK(n.Do("INCRBYFLOAT nf 2.0e2") == "\"203\"");
  CHECK(n.Do("INCRBYFLOAT f abc") == "(error) ERR value is not a valid float");
  CHECK(n.Do("INCRBYFLOAT f inf") == "(error) ERR increment would produce NaN or Infinity");
  // Literals out of long double's range are not valid floats (Redis's string2ld), written "inf" is.
  CHECK(n.Do("INCRBYFLOAT f 1e5000") == "(error) ERR value is not a valid float");
  CHECK(n.Do("INCRBYFLOAT f 1e-5000") == "(error) ERR value is not a valid float");
  CHECK(n.Do("INCRBYFLOAT f ' 1'") == "(error) ERR value is not a valid float");
  CHECK(n.Do("INCRBYFLOAT f ''") == "(error) ERR value is not a valid float");
  CHECK(n.Do("INCRBYFLOAT f nan") == "(error) ERR value is not a valid float");
  CHECK(n.Do("SET big 1e5000") == "OK");
  CHECK(n.Do("INCRBYFLOAT big 1") == "(error) ERR value is not a valid float");
  CHECK(n.Do("SET big inf") == "OK");
  CHECK(n.Do("INCRBYFLOAT big 1") == "(error) ERR increment would produce NaN or Infinity");
  CHECK(n.Do("GET f") == "\"5.6\"");
  CHECK(n.Do("SET s abc") == "OK");
  CHECK(n.Do("INCRBYFLOAT s 1") == "(error) ERR value is not a valid float");
  CHECK(n.Do("RPUSH l a") == "(integer) 1");
  CHECK(n.Do("INCRBYFLOAT l 1") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(n.Do("SET t 1 EX 100") == "OK");
  CHECK(n.Do("INCRBYFLOAT t 1.5") == "\"2.5\"");
  CHECK(n.Do("TTL t") == "(integer) 100");
  // RESP3: still a bulk string, as Redis.
  CHECK(n.Do("HELLO 3").find("{") == 0);
  CHECK(n.Do("INCRBYFLOAT t 1") == "\"3.5\"");
  CHECK(n.Raw({"INCRBYFLOAT", "t", "1"}) == "$3\r\n4.5\r\n");
}

TEST_CASE("APPEND STRLEN and proto-max-bulk-len") {
  TestNode n({{"proto-max-bulk-len", "1048576"}});
  CHECK(n.Do("APPEND k abc") == "(integer) 3");
  CHECK(n.Do("APPEND k def") == "(integer) 6");
  CHECK(n.Do("GET k") == "\"abcdef\"");
  CHECK(n.Do("STRLEN k") == "(integer) 6");
  CHECK(n.Do("STRLEN nokey") == "(integer) 0");
  CHECK(n.Do("SET t x EX 100") == "OK");
  CHECK(n.Do("APPEND t y") == "(integer) 2");
  CHECK(n.Do("TTL t") == "(integer) 100");
  CHECK(n.Do("RPUSH l a") == "(integer) 1");
  CHECK(n.Do("APPEND l a") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(n.Do("STRLEN l") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  std::string big(1048576 - 6, 'x');
  CHECK(n.Do({"APPEND", "k", big}) == "(integer) 1048576");
  CHECK(n.Do("APPEND k z") == "(error) ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  CHECK(n.Do("STRLEN k") == "(integer) 1048576");
}

TEST_CASE("GETRANGE SUBSTR SETRANGE") {
  TestNode n({{"proto-max-bulk-len", "1048576"}});
  CHECK(n.Do("SET a ohmytext") == "OK");
  CHECK(n.Do("GETRANGE a 0 1") == "\"oh\"");
  CHECK(n.Do("GETRANGE a 0 -1") == "\"ohmytext\"");
  CHECK(n.Do("GETRANGE a -4 -1") == "\"text\"");
  CHECK(n.Do("GETRANGE a 0 100") == "\"ohmytext\"");
  CHECK(n.Do("GETRANGE a 5 3") == "\"\"");
  CHECK(n.Do("GETRANGE a -1 -5") == "\"\"");
  CHECK(n.Do("GETRANGE a -100 -50") == "\"o\"");  // Redis 7.0 clamps both ends to 0
  CHECK(n.Do("GETRANGE nokey 0 -1") == "\"\"");
  CHECK(n.Do("GETRANGE a x 1") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("SUBSTR a 2 3") == "\"my\"");
  CHECK(n.Do("SET i 12345") == "OK");
  CHECK(n.Do("GETRANGE i 1 2") == "\"23\"");
  CHECK(n.Do("RPUSH l a") == "(integer) 1");
  CHECK(n.Do("GETRANGE l 0 1") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");

  CHECK(n.Do("SETRANGE a 2 YT") == "(integer) 8");
  CHECK(n.Do("GET a") == "\"ohYTtext\"");
  CHECK(n.Do("SETRANGE a 10 zz") == "(integer) 12");
  CHECK(n.Do("GET a") == std::string("\"ohYTtext\0\0zz\"", 14));
  CHECK(n.Do("SETRANGE nk 3 x") == "(integer) 4");
  CHECK(n.Do("GET nk") == std::string("\"\0\0\0x\"", 6));
  CHECK(n.Do("SETRANGE nk2 5 ''") == "(integer) 0");
  CHECK(n.Do("EXISTS nk2") == "(integer) 0");
  CHECK(n.Do("SETRANGE a 0 ''") == "(integer) 12");
  CHECK(n.Do("SETRANGE a -1 x") == "(error) ERR offset is out of range");
  CHECK(n.Do("SETRANGE a x x") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("SETRANGE a 1048576 x") == "(error) ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  CHECK(n.Do("SETRANGE a 1048575 x") == "(integer) 1048576");
  CHECK(n.Do("SETRANGE l 0 x") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(n.Do("SET t abc EX 100") == "OK");
  CHECK(n.Do("SETRANGE t 1 X") == "(integer) 3");
  CHECK(n.Do("GET t") == "\"aXc\"");
  CHECK(n.Do("TTL t") == "(integer) 100");
}

TEST_CASE("LCS") {
  TestNode n;
  CHECK(n.Do("MSET a ohmytext b mynewtext") == "OK");
  CHECK(n.Do("LCS a b") == "\"mytext\"");
  CHECK(n.Do("LCS a b LEN") == "(integer) 6");
  CHECK(n.Do("LCS a b IDX") ==
        "[\"matches\", [[[(integer) 4, (integer) 7], [(integer) 5, (integer) 8]], "
        "[[(integer) 2, (integer) 3], [(integer) 0, (integer) 1]]], \"len\", (integer) 6]");
  CHECK(n.Do("LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN") ==
        "[\"matches\", [[[(integer) 4, (integer) 7], [(integer) 5, (integer) 8], (integer) 4]], \"len\", (integer) 6]");
  CHECK(n.Do("LCS a b IDX LEN") == "(error) ERR If you want both the length and indexes, please just use IDX.");
  CHECK(n.Do("LCS a b MINMATCHLEN abc") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("LCS a b foo") == "(error) ERR syntax error");
  CHECK(n.Do("LCS a nokey") == "\"\"");
  CHECK(n.Do("LCS a nokey LEN") == "(integer) 0");
  CHECK(n.Do("RPUSH l x") == "(integer) 1");
  CHECK(n.Do("LCS a l") == "(error) ERR The specified keys must contain string values");
  CHECK(n.Do("HELLO 3").find("{") == 0);
  CHECK(n.Do("LCS a b IDX WITHMATCHLEN") ==
        "{\"matches\": [[[(integer) 4, (integer) 7], [(integer) 5, (integer) 8], (integer) 4], "
        "[[(integer) 2, (integer) 3], [(integer) 0, (integer) 1], (integer) 2]], \"len\": (integer) 6}");
}

TEST_CASE("RESP3 replies of string commands") {
  TestNode n;
  CHECK(n.Do("HELLO 3").find("{") == 0);
  CHECK(n.Raw({"GET", "nokey"}) == "_\r\n");
  CHECK(n.Raw({"SET", "k", "v", "NX"}) == "+OK\r\n");
  CHECK(n.Raw({"SET", "k", "v", "NX"}) == "_\r\n");
  CHECK(n.Do("MGET k nokey") == "[\"v\", (nil)]");
  CHECK(n.Raw({"MGET", "k", "nokey"}) == "*2\r\n$1\r\nv\r\n_\r\n");
  CHECK(n.Raw({"GETEX", "nokey"}) == "_\r\n");
  CHECK(n.Raw({"GETDEL", "nokey"}) == "_\r\n");
  CHECK(n.Raw({"GETSET", "fresh", "v"}) == "_\r\n");
  CHECK(n.Raw({"DUMP", "nokey2"}) == "_\r\n");
  CHECK(n.Raw({"RANDOMKEY"}).rfind("$", 0) == 0);
  CHECK(n.Do("HELLO 2").find("[") == 0);
  CHECK(n.Raw({"GET", "nokey"}) == "$-1\r\n");
  CHECK(n.Raw({"SET", "k", "v", "NX"}) == "$-1\r\n");
  CHECK(n.Raw({"MGET", "k", "nokey"}) == "*2\r\n$1\r\nv\r\n$-1\r\n");
  CHECK(n.Raw({"DUMP", "nokey2"}) == "$-1\r\n");
}

TEST_CASE("string commands in MULTI and WATCH") {
  TestNode n;
  CHECK(n.Do("SET k 1") == "OK");
  CHECK(n.Do("WATCH k") == "OK");
  auto* other = n.NewClient();
  n.Send(other, {"INCR", "k"});
  CHECK(n.Take(other) == "(integer) 2");
  CHECK(n.Do("MULTI") == "OK");
  CHECK(n.Do("INCR k") == "QUEUED");
  CHECK(n.Do("EXEC") == "(nil)");
  CHECK(n.Do("MULTI") == "OK");
  CHECK(n.Do("INCR k") == "QUEUED");
  CHECK(n.Do("SET k x EX 0") == "QUEUED");
  CHECK(n.Do("GET k") == "QUEUED");
  CHECK(n.Do("EXEC") == "[(integer) 3, (error) ERR invalid expire time in 'set' command, \"3\"]");
}
