// What Redis 7.2 to 8.4 added on top of 7.0 (issue 23's smaller parts), through the in-process harness:
// ZRANK/ZREVRANK WITHSCORE, CLIENT NO-TOUCH, CLIENT KILL MAXAGE, HSCAN NOVALUES and the newer config names.
// Expectations are written from the Redis documentation and the 7.2/7.4 sources' behaviour; the 7.0 forms
// are checked against redis-server 7.0.15 in tests/integration/test_redis72plus.py.
#include <doctest/doctest.h>

#include <string>

#include "harness.h"

using rcs::test::TestNode;

TEST_CASE("ZRANK and ZREVRANK WITHSCORE (7.2)") {
  TestNode n;
  CHECK(n.Do("ZADD z 1 one 2 two 3 three") == "(integer) 3");
  CHECK(n.Do("ZRANK z three") == "(integer) 2");
  CHECK(n.Do("ZRANK z three WITHSCORE") == "[(integer) 2, \"3\"]");
  CHECK(n.Do("ZRANK z three withscore") == "[(integer) 2, \"3\"]");
  CHECK(n.Do("ZREVRANK z one WITHSCORE") == "[(integer) 2, \"1\"]");
  CHECK(n.Do("ZREVRANK z three") == "(integer) 0");
  CHECK(n.Do("ZRANK z four") == "(nil)");
  CHECK(n.Do("ZRANK z four WITHSCORE") == "(nil)");  // a null array
  CHECK(n.Raw({"ZRANK", "z", "four", "WITHSCORE"}) == "*-1\r\n");
  CHECK(n.Raw({"ZRANK", "z", "four"}) == "$-1\r\n");
  CHECK(n.Raw({"ZRANK", "missing", "a", "WITHSCORE"}) == "*-1\r\n");
  CHECK(n.Do("ZRANK z one WITHSCORES") == "(error) ERR syntax error");
  CHECK(n.Do("ZRANK z one WITHSCORE x") == "(error) ERR wrong number of arguments for 'zrank' command");
  CHECK(n.Do("ZREVRANK z one a b") == "(error) ERR wrong number of arguments for 'zrevrank' command");
  // The arguments are checked before the key's type.
  CHECK(n.Do("SET s v") == "OK");
  CHECK(n.Do("ZRANK s a BAD") == "(error) ERR syntax error");
  CHECK(n.Do("ZRANK s a WITHSCORE") == rcs::test::kWrongTypeReply);
  CHECK(n.Do("ZADD f 1.5 a") == "(integer) 1");
  CHECK(n.Do("ZRANK f a WITHSCORE") == "[(integer) 0, \"1.5\"]");
  CHECK(n.Do("HELLO 3").find("proto") != std::string::npos);
  CHECK(n.Do("ZRANK f a WITHSCORE") == "[(integer) 0, (double) 1.5]");
  CHECK(n.Raw({"ZRANK", "f", "b", "WITHSCORE"}) == "_\r\n");
}

TEST_CASE("CLIENT NO-TOUCH keeps OBJECT IDLETIME and FREQ; TOUCH still touches (7.2)") {
  TestNode n;
  CHECK(n.Do("SET k v") == "OK");
  n.Advance(10000);
  CHECK(n.Do("CLIENT NO-TOUCH on") == "OK");
  CHECK(n.Do("CLIENT INFO").find(" flags=T ") != std::string::npos);
  CHECK(n.Do("GET k") == "\"v\"");
  CHECK(n.Do("OBJECT IDLETIME k") == "(integer) 10");
  CHECK(n.Do("STRLEN k") == "(integer) 1");
  CHECK(n.Do("OBJECT IDLETIME k") == "(integer) 10");
  // Inside a transaction and a script too.
  CHECK(n.Do("MULTI") == "OK");
  CHECK(n.Do("GET k") == "QUEUED");
  CHECK(n.Do("EXEC") == "[\"v\"]");
  CHECK(n.Do("EVAL \"return redis.call('get', KEYS[1])\" 1 k") == "\"v\"");
  CHECK(n.Do("OBJECT IDLETIME k") == "(integer) 10");
  CHECK(n.Do("TOUCH k") == "(integer) 1");
  CHECK(n.Do("OBJECT IDLETIME k") == "(integer) 0");
  n.Advance(5000);
  CHECK(n.Do("CLIENT NO-TOUCH OFF") == "OK");
  CHECK(n.Do("CLIENT INFO").find(" flags=N ") != std::string::npos);
  CHECK(n.Do("GET k") == "\"v\"");
  CHECK(n.Do("OBJECT IDLETIME k") == "(integer) 0");
  CHECK(n.Do("CLIENT NO-TOUCH maybe") == "(error) ERR syntax error");
  CHECK(n.Do("CLIENT NO-TOUCH") == "(error) ERR wrong number of arguments for 'client|no-touch' command");
  // RESET turns it off.
  CHECK(n.Do("CLIENT NO-TOUCH on") == "OK");
  CHECK(n.Do("RESET") == "RESET");
  CHECK(n.Do("CLIENT INFO").find(" flags=N ") != std::string::npos);
}

TEST_CASE("CLIENT NO-TOUCH under LFU: OBJECT FREQ does not grow") {
  TestNode n({{"maxmemory-policy", "allkeys-lfu"}, {"lfu-log-factor", "0"}});
  CHECK(n.Do("SET k v") == "OK");
  std::string before = n.Do("OBJECT FREQ k");
  CHECK(n.Do("CLIENT NO-TOUCH on") == "OK");
  for (int i = 0; i < 20; i++) CHECK(n.Do("GET k") == "\"v\"");
  CHECK(n.Do("OBJECT FREQ k") == before);
  CHECK(n.Do("CLIENT NO-TOUCH off") == "OK");
  for (int i = 0; i < 20; i++) CHECK(n.Do("GET k") == "\"v\"");
  CHECK(n.Do("OBJECT FREQ k") != before);
}

TEST_CASE("CLIENT KILL MAXAGE (7.4): its argument (the kill itself: test_redis72plus.py)") {
  TestNode n;
  CHECK(n.Do("CLIENT KILL MAXAGE x") == "(error) ERR maxage is not an integer or out of range");
  CHECK(n.Do("CLIENT KILL MAXAGE 0") == "(error) ERR maxage should be greater than 0");
  CHECK(n.Do("CLIENT KILL MAXAGE -1") == "(error) ERR maxage should be greater than 0");
  CHECK(n.Do("CLIENT KILL MAXAGE 100") == "(integer) 0");
}

TEST_CASE("HSCAN NOVALUES (7.4); other scans keep 7.0's syntax error") {
  TestNode n;
  CHECK(n.Do("HSET h f1 v1 f2 v2") == "(integer) 2");
  CHECK(n.Do("HSCAN h 0 NOVALUES") == "[\"0\", [\"f1\", \"f2\"]]");
  CHECK(n.Do("HSCAN h 0 novalues COUNT 10 MATCH f1") == "[\"0\", [\"f1\"]]");
  CHECK(n.Do("HSCAN h 0 MATCH f2 NOVALUES") == "[\"0\", [\"f2\"]]");
  CHECK(n.Do("HSCAN h 0") == "[\"0\", [\"f1\", \"v1\", \"f2\", \"v2\"]]");
  CHECK(n.Do("HSCAN h 0 COUNT NOVALUES") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("HSCAN missing 0 NOVALUES") == "[\"0\", []]");
  CHECK(n.Do("SADD s a") == "(integer) 1");
  CHECK(n.Do("SSCAN s 0 NOVALUES") == "(error) ERR syntax error");
  CHECK(n.Do("SCAN 0 NOVALUES") == "(error) ERR syntax error");
}

TEST_CASE("Redis 7.2+ config names: accepted, CONFIG SET/GET, hyphenated CPU lists") {
  TestNode n({{"locale-collate", ""}, {"set-max-listpack-entries", "128"}, {"server-cpulist", "0-1"}});
  CHECK(n.Do("CONFIG GET set-max-listpack-entries") == "[\"set-max-listpack-entries\", \"128\"]");
  CHECK(n.Do("CONFIG SET set-max-listpack-value 100") == "OK");
  CHECK(n.Do("CONFIG GET set-max-listpack-value") == "[\"set-max-listpack-value\", \"100\"]");
  CHECK(n.Do("CONFIG GET locale-collate") == "[\"locale-collate\", \"\"]");
  CHECK(n.Do("CONFIG GET server-cpulist") == "[\"server-cpulist\", \"0-1\"]");
  CHECK(n.Do("CONFIG GET server_cpulist") == "[\"server_cpulist\", \"0-1\"]");
  CHECK(n.Do("CONFIG GET max-new-connections-per-cycle") == "[\"max-new-connections-per-cycle\", \"10\"]");
  CHECK(n.Do("CONFIG SET hide-user-data-from-log maybe").starts_with("(error) ERR CONFIG SET failed"));
}

TEST_CASE("DIGEST (8.4): XXH3 64-bit of the value, as 16 hex digits") {
  TestNode n;
  CHECK(n.Do("SET key1 \"Hello world\"") == "OK");
  CHECK(n.Do("DIGEST key1") == "\"b6acb9d84a38ff74\"");  // the DIGEST page's example
  CHECK(n.Do("DIGEST missing") == "(nil)");
  CHECK(n.Do("SET n 12345") == "OK");
  CHECK(n.Do("DIGEST n").size() == 18);
  CHECK(n.Do("RPUSH l a") == "(integer) 1");
  CHECK(n.Do("DIGEST l") == rcs::test::kWrongTypeReply);
  CHECK(n.Do("DIGEST") == "(error) ERR wrong number of arguments for 'digest' command");
}

TEST_CASE("SET IFEQ / IFNE / IFDEQ / IFDNE (8.4) propagate as plain SET") {
  TestNode n;
  rcs::test::PropagationLog log(n);
  CHECK(n.Do("SET k v1") == "OK");
  log.Take();
  CHECK(n.Do("SET k v2 IFEQ v1") == "OK");
  CHECK(log.Take() == "SET k v2");
  CHECK(n.Do("SET k v3 IFEQ v1") == "(nil)");
  CHECK(n.Do("GET k") == "\"v2\"");
  CHECK(n.Do("SET nokey v IFEQ v") == "(nil)");    // IFEQ does not create
  CHECK(n.Do("EXISTS nokey") == "(integer) 0");
  CHECK(n.Do("SET k v3 IFNE v2") == "(nil)");
  CHECK(n.Do("SET k v3 IFNE other") == "OK");
  CHECK(n.Do("SET new v IFNE x") == "OK");          // IFNE creates
  CHECK(n.Do("SET key1 \"Hello world\"") == "OK");
  CHECK(n.Do("SET key1 x IFDEQ B6ACB9D84A38FF74 GET") == "\"Hello world\"");  // digests compare without case
  CHECK(n.Do("GET key1") == "\"x\"");
  CHECK(n.Do("SET key1 y IFDEQ b6acb9d84a38ff74 GET") == "\"x\"");  // not set; GET answers the old value
  CHECK(n.Do("GET key1") == "\"x\"");
  CHECK(n.Do("SET key1 y IFDNE b6acb9d84a38ff74") == "OK");
  CHECK(n.Do("SET nokey2 y IFDEQ b6acb9d84a38ff74") == "(nil)");
  CHECK(n.Do("SET nokey2 y IFDNE b6acb9d84a38ff74 PX 100000") == "OK");
  CHECK(log.last() == "SET nokey2 y PXAT 1700000100000");
  CHECK(n.Do("SET k v IFEQ a NX") == "(error) ERR syntax error");
  CHECK(n.Do("SET k v XX IFEQ a") == "(error) ERR syntax error");
  CHECK(n.Do("SET k v IFEQ a IFNE b") == "(error) ERR syntax error");
  CHECK(n.Do("SET k v IFEQ") == "(error) ERR syntax error");
  CHECK(n.Do("RPUSH l a") == "(integer) 1");
  CHECK(n.Do("SET l v IFNE x") == rcs::test::kWrongTypeReply);
  CHECK(n.Do("LLEN l") == "(integer) 1");
}

TEST_CASE("DELEX (8.4) deletes on a condition, propagates DEL") {
  TestNode n;
  rcs::test::PropagationLog log(n);
  CHECK(n.Do("SET k v") == "OK");
  CHECK(n.Do("DELEX k IFEQ w") == "(integer) 0");
  CHECK(n.Do("DELEX k IFNE v") == "(integer) 0");
  CHECK(n.Do("DELEX k IFDNE " + std::string("b6acb9d84a38ff74")) == "(integer) 1");
  CHECK(log.last() == "DEL k");
  CHECK(n.Do("SET key1 \"Hello world\"") == "OK");
  CHECK(n.Do("DELEX key1 IFDEQ b6acb9d84a38ff74") == "(integer) 1");
  CHECK(n.Do("DELEX missing IFNE x") == "(integer) 0");
  CHECK(n.Do("RPUSH l a") == "(integer) 1");
  CHECK(n.Do("DELEX l IFEQ a") == rcs::test::kWrongTypeReply);
  CHECK(n.Do("DELEX l") == "(integer) 1");  // no condition: any type, as DEL
  CHECK(n.Do("DELEX l") == "(integer) 0");
  CHECK(n.Do("DELEX k IFEQ") == "(error) ERR syntax error");
  CHECK(n.Do("DELEX k FOO v") == "(error) ERR syntax error");
  CHECK(n.Do("DELEX k IFEQ a b") == "(error) ERR syntax error");
}

TEST_CASE("MSETEX (8.4): all or none, one expiry, propagated as SET ... PXAT") {
  TestNode n;
  rcs::test::PropagationLog log(n);
  CHECK(n.Do("MSETEX 2 a 1 b 2 EX 100") == "(integer) 1");
  CHECK(n.Do("MGET a b") == "[\"1\", \"2\"]");
  CHECK(n.Do("PTTL a") == "(integer) 100000");
  CHECK(log.Take() == "MULTI | SET a 1 PXAT 1700000100000 | SET b 2 PXAT 1700000100000 | EXEC");
  CHECK(n.Do("MSETEX 2 a 3 c 4 NX") == "(integer) 0");
  CHECK(n.Do("EXISTS c") == "(integer) 0");
  CHECK(n.Do("MSETEX 2 a 3 c 4 XX") == "(integer) 0");
  CHECK(n.Do("MSETEX 2 a 3 b 4 XX KEEPTTL") == "(integer) 1");
  CHECK(n.Do("PTTL b") == "(integer) 100000");
  CHECK(n.Do("MSETEX 1 a 5") == "(integer) 1");
  CHECK(n.Do("PTTL a") == "(integer) -1");
  CHECK(n.Do("MSETEX 0 a 1") == "(error) ERR invalid numkeys value");
  CHECK(n.Do("MSETEX 2 a 1 b") == "(error) ERR invalid numkeys value");
  CHECK(n.Do("MSETEX x a 1") == "(error) ERR invalid numkeys value");
  CHECK(n.Do("MSETEX 1 a 1 GET") == "(error) ERR syntax error");
  CHECK(n.Do("MSETEX 1 a 1 IFEQ x") == "(error) ERR syntax error");
  CHECK(n.Do("MSETEX 1 a 1 NX XX") == "(error) ERR syntax error");
  CHECK(n.Do("MSETEX 1 a 1 EX 0") == "(error) ERR invalid expire time in 'msetex' command");
  CHECK(n.Do("COMMAND GETKEYS MSETEX 2 a 1 b 2 PX 5") == "[\"a\", \"b\"]");
}

TEST_CASE("BITOP DIFF, DIFF1, ANDOR, ONE (8.2): the bitmaps page's examples") {
  TestNode n;
  // A = 11110000... pattern from the documentation: A, B, C as bit strings.
  CHECK(n.Do("SETBIT A 0 1") == "(integer) 0");
  CHECK(n.Do("SETBIT A 1 1") == "(integer) 0");
  CHECK(n.Do("SETBIT A 3 1") == "(integer) 0");  // A = 1101 0000
  CHECK(n.Do("SETBIT B 1 1") == "(integer) 0");
  CHECK(n.Do("SETBIT B 2 1") == "(integer) 0");  // B = 0110 0000
  CHECK(n.Do("SETBIT C 2 1") == "(integer) 0");
  CHECK(n.Do("SETBIT C 3 1") == "(integer) 0");  // C = 0011 0000
  CHECK(n.Do("BITOP DIFF R A B C") == "(integer) 1");
  CHECK(n.Do("GET R") == "\"\x80\"");  // in A only: bit 0
  CHECK(n.Do("BITOP DIFF1 R A B C") == "(integer) 1");
  CHECK(n.Do("GET R") == "\"\x20\"");  // in B or C, not A: bit 2
  CHECK(n.Do("BITOP ANDOR R A B C") == "(integer) 1");
  CHECK(n.Do("GET R") == "\"P\"");     // in A and B or C: bits 1, 3 = 0101 0000
  CHECK(n.Do("BITOP ONE R A B C") == "(integer) 1");
  CHECK(n.Do("GET R") == "\"\x80\"");  // in exactly one: bit 0 (1: A,B; 2: B,C; 3: A,C)
  CHECK(n.Do("BITOP one R A") == "(integer) 1");
  CHECK(n.Do("GET R") == "\"\xd0\"");
  CHECK(n.Do("BITOP DIFF R A") == "(error) ERR BITOP DIFF, DIFF1 and ANDOR must be called with at least two source keys.");
  CHECK(n.Do("BITOP ANDOR R A") == "(error) ERR BITOP DIFF, DIFF1 and ANDOR must be called with at least two source keys.");
  CHECK(n.Do("BITOP DIFF R nokey1 nokey2") == "(integer) 0");
  CHECK(n.Do("EXISTS R") == "(integer) 0");
  CHECK(n.Do("BITOP NAND R A B") == "(error) ERR syntax error");
}

TEST_CASE("HGETDEL (8.0): values, deletes, propagates HDEL") {
  TestNode n;
  rcs::test::PropagationLog log(n);
  CHECK(n.Do("HSET h f1 v1 f2 v2 f3 v3") == "(integer) 3");
  CHECK(n.Do("HGETDEL h FIELDS 2 f1 nofield") == "[\"v1\", (nil)]");
  CHECK(log.last() == "HDEL h f1");
  CHECK(n.Do("HLEN h") == "(integer) 2");
  CHECK(n.Do("HGETDEL h FIELDS 1 nofield") == "[(nil)]");
  CHECK(n.Do("HGETDEL h fields 3 f2 f3 f2") == "[\"v2\", \"v3\", (nil)]");
  CHECK(n.Do("EXISTS h") == "(integer) 0");
  CHECK(n.Do("HGETDEL missing FIELDS 1 a") == "[(nil)]");
  CHECK(n.Do("HGETDEL h FIELD 1 a") == "(error) ERR Mandatory argument FIELDS is missing or not at the right position");
  CHECK(n.Do("HGETDEL h FIELDS 0 a") == "(error) ERR Number of fields must be a positive integer");
  CHECK(n.Do("HGETDEL h FIELDS x a") == "(error) ERR Number of fields must be a positive integer");
  CHECK(n.Do("HGETDEL h FIELDS 2 a") == "(error) ERR The `numfields` parameter must match the number of arguments");
  CHECK(n.Do("SET s v") == "OK");
  CHECK(n.Do("HGETDEL s FIELDS 1 a") == rcs::test::kWrongTypeReply);
}
