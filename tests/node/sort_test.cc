// SORT/SORT_RO, ZMPOP/BZMPOP and LMPOP/BLMPOP. The scripts' expected replies were produced by Debian's
// redis-server 7.0.15 (same commands, same order, fresh server), converted to the harness's text.
#include <doctest/doctest.h>

#include <string>

#include "harness.h"

using namespace rcs::test;  // TestNode, Step, PropagationLog

namespace {

const Step kSortScript[] = {
    {"RPUSH l 3 1 2 10 1.5 -4", "(integer) 6"},
    {"SORT l", "[\"-4\", \"1\", \"1.5\", \"2\", \"3\", \"10\"]"},
    {"SORT l DESC", "[\"10\", \"3\", \"2\", \"1.5\", \"1\", \"-4\"]"},
    {"SORT l ALPHA", "[\"-4\", \"1\", \"1.5\", \"10\", \"2\", \"3\"]"},
    {"SORT l ALPHA DESC", "[\"3\", \"2\", \"10\", \"1.5\", \"1\", \"-4\"]"},
    {"SORT l LIMIT 1 2", "[\"1\", \"1.5\"]"},
    {"SORT l LIMIT -5 2", "[\"-4\", \"1\"]"},
    {"SORT l LIMIT 2 -1", "[\"1.5\", \"2\", \"3\", \"10\"]"},
    {"SORT l LIMIT 10 2", "[]"},
    {"SORT l LIMIT 0 0", "[]"},
    {"SORT l LIMIT a 1", "(error) ERR value is not an integer or out of range"},
    {"SORT l LIMIT 1", "(error) ERR syntax error"},
    {"SORT l FOO", "(error) ERR syntax error"},
    {"SORT l BY nosort", "[\"3\", \"1\", \"2\", \"10\", \"1.5\", \"-4\"]"},
    {"SORT l BY nosort DESC", "[\"-4\", \"1.5\", \"10\", \"2\", \"1\", \"3\"]"},
    {"SORT l BY nosort LIMIT 1 3", "[\"1\", \"2\", \"10\"]"},
    {"SORT l BY nosort DESC LIMIT 1 3", "[\"1.5\", \"10\", \"2\"]"},
    {"SORT_RO l BY nosort DESC LIMIT 4 10", "[\"1\", \"3\"]"},
    {"MSET w_3 30 w_1 10 w_2 20 w_10 5 w_1.5 1 w_-4 x", "OK"},
    {"SORT l BY w_*", "(error) ERR One or more scores can't be converted into double"},
    {"HSET h_3 f c h_1 f a", "(error) ERR wrong number of arguments for 'hset' command"},
    {"HSET h_1 f a", "(integer) 1"},
    {"SORT l BY w_* LIMIT 0 5", "(error) ERR One or more scores can't be converted into double"},
    {"DEL w_-4", "(integer) 1"},
    {"SORT l BY w_*", "[\"-4\", \"1.5\", \"10\", \"1\", \"2\", \"3\"]"},
    {"SORT l BY w_* DESC GET # GET h_*->f GET w_*", "[\"3\", (nil), \"30\", \"2\", (nil), \"20\", \"1\", \"a\", \"10\", \"10\", (nil), \"5\", \"1.5\", (nil), \"1\", \"-4\", (nil), (nil)]"},
    {"SORT l BY w_* ALPHA", "[\"-4\", \"1.5\", \"1\", \"2\", \"3\", \"10\"]"},
    {"SORT l BY w_* ALPHA DESC", "[\"10\", \"3\", \"2\", \"1\", \"1.5\", \"-4\"]"},
    {"SORT l BY h_*->f ALPHA GET #", "[\"3\", \"2\", \"10\", \"1.5\", \"-4\", \"1\"]"},
    {"SORT l GET h_*->f GET nostar", "[(nil), (nil), \"a\", (nil), (nil), (nil), (nil), (nil), (nil), (nil), (nil), (nil)]"},
    {"SORT l GET", "(error) ERR syntax error"},
    {"SORT l STORE dst", "(integer) 6"},
    {"LRANGE dst 0 -1", "[\"-4\", \"1\", \"1.5\", \"2\", \"3\", \"10\"]"},
    {"SORT l LIMIT 0 2 GET # GET w_* STORE dst", "(integer) 4"},
    {"LRANGE dst 0 -1", "[\"-4\", \"\", \"1\", \"10\"]"},
    {"SORT l LIMIT 10 2 STORE dst", "(integer) 0"},
    {"EXISTS dst", "(integer) 0"},
    {"SORT_RO l STORE dst", "(error) ERR syntax error"},
    {"SORT_RO l ALPHA LIMIT 0 3", "[\"-4\", \"1\", \"1.5\"]"},
    {"RPUSH bad 1 a 2", "(integer) 3"},
    {"SORT bad", "(error) ERR One or more scores can't be converted into double"},
    {"SORT bad ALPHA", "[\"1\", \"2\", \"a\"]"},
    {"RPUSH bad3 \" 2\" \"\" \"0x10\" \"inf\" \"-inf\"", "(integer) 5"},
    {"SORT bad3", "[\"-inf\", \"\", \" 2\", \"0x10\", \"inf\"]"},
    {"SORT bad3 DESC", "[\"inf\", \"0x10\", \" 2\", \"\", \"-inf\"]"},
    {"SADD s 5 3 9 1", "(integer) 4"},
    {"SORT s", "[\"1\", \"3\", \"5\", \"9\"]"},
    {"SORT s DESC LIMIT 1 2", "[\"5\", \"3\"]"},
    {"SORT s BY nosort STORE dst", "(integer) 4"},
    {"LRANGE dst 0 -1", "[\"1\", \"3\", \"5\", \"9\"]"},
    {"SADD s2 b a c", "(integer) 3"},
    {"SORT s2 ALPHA", "[\"a\", \"b\", \"c\"]"},
    {"SORT s2", "(error) ERR One or more scores can't be converted into double"},
    {"ZADD z 3 c 1 a 2 b", "(integer) 3"},
    {"SORT z ALPHA", "[\"a\", \"b\", \"c\"]"},
    {"SORT z BY nosort", "[\"a\", \"b\", \"c\"]"},
    {"SORT z BY nosort DESC", "[\"c\", \"b\", \"a\"]"},
    {"SORT z BY nosort LIMIT 1 1", "[\"b\"]"},
    {"SORT z BY nosort DESC LIMIT 1 5", "[\"b\", \"a\"]"},
    {"OBJECT ENCODING z", "\"skiplist\""},
    {"SORT nokey", "[]"},
    {"SORT nokey STORE dst", "(integer) 0"},
    {"SET str x", "OK"},
    {"SORT str", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
    {"SORT str LIMIT x 1", "(error) ERR value is not an integer or out of range"},
    {"HSET hk a b", "(integer) 1"},
    {"SORT hk", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
};

const Step kMpopScript[] = {
    {"ZADD z1 1 a 2 b 3 c", "(integer) 3"},
    {"ZADD z2 5 x", "(integer) 1"},
    {"ZMPOP 2 z0 z1 MIN", "[\"z1\", [[\"a\", \"1\"]]]"},
    {"ZMPOP 2 z0 z1 MAX COUNT 10", "[\"z1\", [[\"c\", \"3\"], [\"b\", \"2\"]]]"},
    {"EXISTS z1", "(integer) 0"},
    {"ZMPOP 2 z0 z1 MIN", "(nil)"},
    {"ZMPOP 1 z2 min count 1", "[\"z2\", [[\"x\", \"5\"]]]"},
    {"ZMPOP 0 z1 MIN", "(error) ERR numkeys should be greater than 0"},
    {"ZMPOP x z1 MIN", "(error) ERR numkeys should be greater than 0"},
    {"ZMPOP 3 z1 MIN", "(error) ERR syntax error"},
    {"ZMPOP 1 z1 MID", "(error) ERR syntax error"},
    {"ZMPOP 1 z1 MIN COUNT 0", "(error) ERR count should be greater than 0"},
    {"ZMPOP 1 z1 MIN COUNT x", "(error) ERR count should be greater than 0"},
    {"ZMPOP 1 z1 MIN COUNT 1 COUNT 2", "(error) ERR syntax error"},
    {"ZMPOP 1 z1 MIN FOO", "(error) ERR syntax error"},
    {"SET str x", "OK"},
    {"ZADD z3 1 a", "(integer) 1"},
    {"ZMPOP 2 str z3 MIN", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
    {"ZMPOP 2 z3 str MIN", "[\"z3\", [[\"a\", \"1\"]]]"},
    {"BZMPOP x 1 z9 MIN", "(error) ERR timeout is not a float or out of range"},
    {"BZMPOP -1 1 z9 MIN", "(error) ERR timeout is negative"},
    {"BZMPOP 0 0 z9 MIN", "(error) ERR numkeys should be greater than 0"},
    {"ZADD z4 1.5 a 2.5 b", "(integer) 2"},
    {"BZMPOP 0 2 z9 z4 MAX COUNT 5", "[\"z4\", [[\"b\", \"2.5\"], [\"a\", \"1.5\"]]]"},
    {"RPUSH l1 a b c", "(integer) 3"},
    {"LMPOP 2 l0 l1 LEFT", "[\"l1\", [\"a\"]]"},
    {"LMPOP 2 l0 l1 RIGHT COUNT 5", "[\"l1\", [\"c\", \"b\"]]"},
    {"LMPOP 2 l0 l1 RIGHT COUNT 5", "(nil)"},
    {"LMPOP 0 l1 LEFT", "(error) ERR numkeys should be greater than 0"},
    {"LMPOP 1 l1 UP", "(error) ERR syntax error"},
    {"LMPOP 1 l1 LEFT COUNT 0", "(error) ERR count should be greater than 0"},
    {"RPUSH l2 x", "(integer) 1"},
    {"BLMPOP 0 1 l2 RIGHT COUNT 2", "[\"l2\", [\"x\"]]"},
};

}  // namespace

TEST_CASE("sort: command replies match redis-server 7.0.15") {
  TestNode n;
  RunSteps(n, kSortScript);
}

TEST_CASE("sort: an out-of-range value cannot be converted") {
  // redis-server 7.0.15 agrees on this reply, but does not reset errno before its strtod, so after such an
  // error its next numeric SORTs may fail too until a system call changes errno; we do not copy that.
  TestNode n;
  n.Do("RPUSH l 1 1e400");
  CHECK(n.Do("SORT l") == "(error) ERR One or more scores can't be converted into double");
  n.Do("RPUSH m 2 1");
  CHECK(n.Do("SORT m") == "[\"1\", \"2\"]");
}

TEST_CASE("sort: BY and GET patterns are refused in cluster mode, as redis-server 7.0.15 refuses them") {
  TestNode n({{"cluster-enabled", "yes"}});
  n.Do("RPUSH l 2 1");
  CHECK(n.Do("SORT l") == "[\"1\", \"2\"]");
  CHECK(n.Do("SORT l BY nosort") == "[\"2\", \"1\"]");
  CHECK(n.Do("SORT l BY w_*") == "(error) ERR BY option of SORT denied in Cluster mode.");
  CHECK(n.Do("SORT l GET #") == "(error) ERR GET option of SORT denied in Cluster mode.");
  CHECK(n.Do("SORT_RO l GET w_*") == "(error) ERR GET option of SORT denied in Cluster mode.");
}

TEST_CASE("sort: STORE is propagated as sent; an empty result deletes the destination") {
  TestNode n;
  PropagationLog log(n);
  n.Do("RPUSH l b a");
  log.Take();
  CHECK(n.Do("SORT l ALPHA STORE d") == "(integer) 2");
  CHECK(log.Take() == "SORT l ALPHA STORE d");
  CHECK(n.Do("SORT l") == "(error) ERR One or more scores can't be converted into double");
  CHECK(n.Do("SORT nokey STORE d") == "(integer) 0");
  CHECK(n.Do("EXISTS d") == "(integer) 0");
  CHECK(log.Take() == "SORT nokey STORE d");
  CHECK(n.Do("SORT l ALPHA") == "[\"a\", \"b\"]");
  CHECK(log.Take() == "");
}

TEST_CASE("zmpop/lmpop: command replies match redis-server 7.0.15") {
  TestNode n;
  RunSteps(n, kMpopScript);
}

TEST_CASE("zmpop: RESP3 scores are doubles; propagated as ZPOPMIN/ZPOPMAX with the count asked") {
  TestNode n;
  PropagationLog log(n);
  n.Do("HELLO 3");
  n.Do("ZADD z 1 a 2 b");
  log.Take();
  CHECK(n.Do("ZMPOP 1 z MAX COUNT 5") == "[\"z\", [[\"b\", (double) 2], [\"a\", (double) 1]]]");
  CHECK(log.Take() == "ZPOPMAX z 5");
  CHECK(n.Do("ZMPOP 1 z MAX") == "(nil)");
}

TEST_CASE("bzmpop: a blocked client is served when the set gets a member") {
  TestNode n;
  rcs::Client* c = n.NewClient();
  n.Send(c, {"BZMPOP", "0", "2", "a", "b", "MIN", "COUNT", "2"});
  CHECK(n.Take(c) == "");
  n.Do("ZADD b 3 x 4 y 5 z");
  CHECK(n.Take(c) == "[\"b\", [[\"x\", \"3\"], [\"y\", \"4\"]]]");
  CHECK(n.Do("ZCARD b") == "(integer) 1");
}
