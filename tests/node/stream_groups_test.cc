// Stream consumer groups: XGROUP, XREADGROUP (blocking too), XACK, XPENDING, XCLAIM, XAUTOCLAIM, XINFO GROUPS
// and CONSUMERS, and what they propagate. Expected replies are Debian's redis-server 7.0.15's for the same
// commands (times come from the test's manual clock: idle times are exact here).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "harness.h"
#include "keyspace/stream_groups.h"
#include "keyspace/stream_value.h"

using rcs::test::PropagationLog;
using rcs::test::TestNode;

namespace {

// A stream s with entries 1-1 .. n-1 (field f, value v<ms>) and group g at 0.
void Fill(TestNode& n, int entries, const char* key = "s") {
  for (int i = 1; i <= entries; i++) {
    n.Do({"XADD", key, std::to_string(i) + "-1", "f", "v" + std::to_string(i)});
  }
}

}  // namespace

TEST_CASE("XGROUP CREATE SETID DESTROY CREATECONSUMER DELCONSUMER and their errors") {
  TestNode n;
  CHECK(n.Do("XGROUP CREATE s g $") ==
        "(error) ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the "
        "MKSTREAM option to create an empty stream automatically.");
  CHECK(n.Do("XGROUP CREATE s g $ MKSTREAM") == "OK");
  CHECK(n.Do("TYPE s") == "stream");
  CHECK(n.Do("XLEN s") == "(integer) 0");
  CHECK(n.Do("XGROUP CREATE s g 0") == "(error) BUSYGROUP Consumer Group name already exists");
  CHECK(n.Do("XGROUP CREATE s h 1-x") == "(error) ERR Invalid stream ID specified as stream command argument");
  CHECK(n.Do("XGROUP CREATE s h +") == "(error) ERR Invalid stream ID specified as stream command argument");
  CHECK(n.Do("XGROUP CREATE s h 0 ENTRIESREAD -2") == "(error) ERR value for ENTRIESREAD must be positive or -1");
  CHECK(n.Do("XGROUP CREATE s h 0 ENTRIESREAD x") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("XGROUP CREATE s h 0 FOO") ==
        "(error) ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.");
  CHECK(n.Do("XGROUP SETID s g 0 MKSTREAM") ==
        "(error) ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.");
  CHECK(n.Do("XGROUP CREATE s h 5 ENTRIESREAD 3") == "OK");
  n.Do("SET str x");
  CHECK(n.Do("XGROUP CREATE str g $ MKSTREAM") == rcs::test::kWrongTypeReply);
  CHECK(n.Do("XGROUP SETID s nosuch 0") == "(error) NOGROUP No such consumer group 'nosuch' for key name 's'");
  CHECK(n.Do("XGROUP CREATECONSUMER s nosuch c") ==
        "(error) NOGROUP No such consumer group 'nosuch' for key name 's'");
  CHECK(n.Do("XGROUP SETID s g 7-7 ENTRIESREAD 2") == "OK");
  CHECK(n.Do("XGROUP SETID s g -") == "OK");  // not strict: "-" is 0-0
  CHECK(n.Do("XGROUP CREATECONSUMER s g c1") == "(integer) 1");
  CHECK(n.Do("XGROUP CREATECONSUMER s g c1") == "(integer) 0");
  CHECK(n.Do("XGROUP DELCONSUMER s g nobody") == "(integer) 0");
  CHECK(n.Do("XGROUP DESTROY s nosuch") == "(integer) 0");
  CHECK(n.Do("XGROUP DESTROY missing g") ==
        "(error) ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the "
        "MKSTREAM option to create an empty stream automatically.");
  CHECK(n.Do("XINFO GROUPS s") ==
        "[[\"name\", \"g\", \"consumers\", (integer) 1, \"pending\", (integer) 0, \"last-delivered-id\", \"0-0\", "
        "\"entries-read\", (nil), \"lag\", (integer) 0], [\"name\", \"h\", \"consumers\", (integer) 0, \"pending\", "
        "(integer) 0, \"last-delivered-id\", \"5-0\", \"entries-read\", (integer) 3, \"lag\", (integer) 0]]");
  CHECK(n.Do("XGROUP DESTROY s h") == "(integer) 1");
  CHECK(n.Do("XGROUP FOO s g") == "(error) ERR unknown subcommand 'FOO'. Try XGROUP HELP.");
  CHECK(n.Do("XGROUP DESTROY s") == "(error) ERR wrong number of arguments for 'xgroup|destroy' command");
  CHECK(n.Raw({"XGROUP", "HELP"}).rfind("*17\r\n+XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n", 0) == 0);
}

TEST_CASE("XREADGROUP: new entries, history, NOACK, COUNT, several streams, errors") {
  TestNode n;
  Fill(n, 4);
  n.Do("XGROUP CREATE s g 0");
  n.Do("XGROUP CREATE t g $ MKSTREAM");
  CHECK(n.Do("XREADGROUP GROUP g c1 COUNT 2 STREAMS s >") ==
        "[[\"s\", [[\"1-1\", [\"f\", \"v1\"]], [\"2-1\", [\"f\", \"v2\"]]]]]");
  CHECK(n.Do("XREADGROUP GROUP g c2 COUNT 1 STREAMS s t > >") == "[[\"s\", [[\"3-1\", [\"f\", \"v3\"]]]]]");
  // History: c1's own pending entries after the id; a deleted one comes back with a null body.
  n.Do("XDEL s 2-1");
  CHECK(n.Do("XREADGROUP GROUP g c1 STREAMS s 0") ==
        "[[\"s\", [[\"1-1\", [\"f\", \"v1\"]], [\"2-1\", (nil)]]]]");
  CHECK(n.Do("XREADGROUP GROUP g c1 STREAMS s 1-1") == "[[\"s\", [[\"2-1\", (nil)]]]]");
  CHECK(n.Do("XREADGROUP GROUP g c3 STREAMS s 0") == "[[\"s\", []]]");  // history of a new consumer: empty
  // NOACK: delivered, not pending.
  CHECK(n.Do("XREADGROUP GROUP g c1 NOACK STREAMS s >") == "[[\"s\", [[\"4-1\", [\"f\", \"v4\"]]]]]");
  CHECK(n.Do("XREADGROUP GROUP g c1 STREAMS s >") == "(nil)");
  CHECK(n.Do("XPENDING s g") == "[(integer) 3, \"1-1\", \"3-1\", [[\"c1\", \"2\"], [\"c2\", \"1\"]]]");
  // Errors, in Redis's order.
  CHECK(n.Do("XREADGROUP GROUP g c1 STREAMS s $") ==
        "(error) ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this "
        "consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an "
        "empty result set.");
  CHECK(n.Do("XREADGROUP GROUP g c1 STREAMS s nosuch > >") ==
        "(error) NOGROUP No such key 'nosuch' or consumer group 'g' in XREADGROUP with GROUP option");
  CHECK(n.Do("XREADGROUP GROUP x c1 STREAMS s >") ==
        "(error) NOGROUP No such key 's' or consumer group 'x' in XREADGROUP with GROUP option");
  CHECK(n.Do("XREADGROUP GROUP g c1 STREAMS s +") ==
        "(error) ERR Invalid stream ID specified as stream command argument");
  CHECK(n.Do("XREADGROUP GROUP g c1 STREAMS s t >") ==
        "(error) ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
  CHECK(n.Do("XREADGROUP COUNT 1 NOACK STREAMS s >") == "(error) ERR Missing GROUP option for XREADGROUP");
  CHECK(n.Do("XREADGROUP GROUP g c1 COUNT x STREAMS s >") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("XREADGROUP GROUP g c1 BLOCK -1 STREAMS s >") == "(error) ERR timeout is negative");
  CHECK(n.Do("XREADGROUP GROUP g c1 FOO STREAMS s >") == "(error) ERR syntax error");
  n.Do("SET str x");
  CHECK(n.Do("XREADGROUP GROUP g c1 STREAMS str >") == rcs::test::kWrongTypeReply);
  // RESP3: a map of stream name to entries.
  n.Do("XADD s 9-1 a b");
  CHECK(n.Do("HELLO 3").size() > 0);
  CHECK(n.Do("XREADGROUP GROUP g c1 STREAMS s >") == "{\"s\": [[\"9-1\", [\"a\", \"b\"]]]}");
}

TEST_CASE("XREADGROUP propagates an XCLAIM per delivered entry, XGROUP SETID for NOACK, nothing for history") {
  TestNode n;
  Fill(n, 3);
  n.Do("XGROUP CREATE s g 0");
  PropagationLog log(n);
  int64_t now = n.clock().NowMs();
  std::string t = std::to_string(now);
  n.Do("XREADGROUP GROUP g c COUNT 2 STREAMS s >");
  CHECK(log.Take() ==
        "MULTI | XCLAIM s g c 0 1-1 TIME " + t + " RETRYCOUNT 1 FORCE JUSTID LASTID 1-1 | XCLAIM s g c 0 2-1 TIME " +
            t + " RETRYCOUNT 1 FORCE JUSTID LASTID 2-1 | EXEC");
  n.Do("XREADGROUP GROUP g c STREAMS s 0");
  CHECK(log.Take().empty());
  n.Do("XREADGROUP GROUP g c2 NOACK STREAMS s >");
  CHECK(log.Take() == "MULTI | XGROUP CREATECONSUMER s g c2 | XGROUP SETID s g 3-1 ENTRIESREAD 3 | EXEC");
  n.Do("XREADGROUP GROUP g c STREAMS s >");  // nothing new
  CHECK(log.Take().empty());
  n.Do("XACK s g 1-1 5-5");
  CHECK(log.Take() == "XACK s g 1-1 5-5");
  // Inside MULTI the XCLAIMs join the transaction's MULTI/EXEC (no nested one).
  n.Do("XADD s 4-1 f v4");
  log.Take();
  n.Do("MULTI");
  n.Do("XREADGROUP GROUP g c STREAMS s >");
  n.Do("XACK s g 4-1");
  n.Do("EXEC");
  CHECK(log.Take() == "MULTI | XCLAIM s g c 0 4-1 TIME " + t + " RETRYCOUNT 1 FORCE JUSTID LASTID 4-1 | XACK s g 4-1 | EXEC");
  n.Do("XACK s g 1-1");
  CHECK(log.Take().empty());
}

TEST_CASE("XACK XPENDING summary, extended, IDLE and consumer") {
  TestNode n;
  Fill(n, 5);
  n.Do("XGROUP CREATE s g 0");
  CHECK(n.Do("XPENDING s g") == "[(integer) 0, (nil), (nil), (nil)]");
  n.Do("XREADGROUP GROUP g a COUNT 2 STREAMS s >");
  n.Advance(1000);
  n.Do("XREADGROUP GROUP g b COUNT 2 STREAMS s >");
  n.Advance(500);
  CHECK(n.Do("XPENDING s g - + 10") ==
        "[[\"1-1\", \"a\", (integer) 1500, (integer) 1], [\"2-1\", \"a\", (integer) 1500, (integer) 1], "
        "[\"3-1\", \"b\", (integer) 500, (integer) 1], [\"4-1\", \"b\", (integer) 500, (integer) 1]]");
  CHECK(n.Do("XPENDING s g IDLE 1000 - + 10") ==
        "[[\"1-1\", \"a\", (integer) 1500, (integer) 1], [\"2-1\", \"a\", (integer) 1500, (integer) 1]]");
  CHECK(n.Do("XPENDING s g - + 10 b") ==
        "[[\"3-1\", \"b\", (integer) 500, (integer) 1], [\"4-1\", \"b\", (integer) 500, (integer) 1]]");
  CHECK(n.Do("XPENDING s g (1-1 (4-1 10") ==
        "[[\"2-1\", \"a\", (integer) 1500, (integer) 1], [\"3-1\", \"b\", (integer) 500, (integer) 1]]");
  CHECK(n.Do("XPENDING s g - + 1") == "[[\"1-1\", \"a\", (integer) 1500, (integer) 1]]");
  CHECK(n.Do("XPENDING s g - + 10 nobody") == "[]");
  CHECK(n.Do("XPENDING s g - + -5") == "[]");
  CHECK(n.Do("XPENDING s g - +") == "(error) ERR syntax error");
  CHECK(n.Do("XPENDING s g IDLE 5 - + ") == "(error) ERR syntax error");
  CHECK(n.Do("XPENDING s g IDLE x - + 10") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("XPENDING s g (18446744073709551615-18446744073709551615 + 10") ==
        "(error) ERR invalid start ID for the interval");
  CHECK(n.Do("XPENDING s g - (0-0 10") == "(error) ERR invalid end ID for the interval");
  CHECK(n.Do("XPENDING s nosuch") == "(error) NOGROUP No such key 's' or consumer group 'nosuch'");
  CHECK(n.Do("XPENDING nokey g - + 10") == "(error) NOGROUP No such key 'nokey' or consumer group 'g'");
  CHECK(n.Do("XPENDING s g") == "[(integer) 4, \"1-1\", \"4-1\", [[\"a\", \"2\"], [\"b\", \"2\"]]]");
  CHECK(n.Do("XACK s g 1-1 4-1 9-9") == "(integer) 2");
  CHECK(n.Do("XACK s g 2-1 x") == "(error) ERR Invalid stream ID specified as stream command argument");
  CHECK(n.Do("XACK s g 2-1 -") == "(error) ERR Invalid stream ID specified as stream command argument");
  CHECK(n.Do("XACK s nosuch 2-1") == "(integer) 0");
  CHECK(n.Do("XACK nokey g 2-1") == "(integer) 0");
  CHECK(n.Do("XPENDING s g") == "[(integer) 2, \"2-1\", \"3-1\", [[\"a\", \"1\"], [\"b\", \"1\"]]]");
}

TEST_CASE("XCLAIM: min idle, IDLE, TIME, RETRYCOUNT, FORCE, JUSTID, LASTID, deleted entries, propagation") {
  TestNode n;
  Fill(n, 5);
  n.Do("XGROUP CREATE s g 0");
  n.Do("XREADGROUP GROUP g a COUNT 3 STREAMS s >");
  n.Advance(2000);
  PropagationLog log(n);
  int64_t now = n.clock().NowMs();
  // Not idle long enough: nothing.
  CHECK(n.Do("XCLAIM s g b 5000 1-1") == "[]");
  CHECK(log.Take().empty());
  CHECK(n.Do("XCLAIM s g b 1000 1-1") == "[[\"1-1\", [\"f\", \"v1\"]]]");
  CHECK(log.Take() == "XCLAIM s g b 0 1-1 TIME " + std::to_string(now) +
                          " RETRYCOUNT 2 FORCE JUSTID LASTID 3-1");
  // JUSTID does not count a delivery; RETRYCOUNT sets it; IDLE sets the delivery time back.
  CHECK(n.Do("XCLAIM s g b 0 2-1 JUSTID IDLE 700") == "[\"2-1\"]");
  CHECK(n.Do("XCLAIM s g b 0 3-1 JUSTID RETRYCOUNT 9 TIME 1000") == "[\"3-1\"]");
  CHECK(n.Do("XPENDING s g - + 10") ==
        "[[\"1-1\", \"b\", (integer) 0, (integer) 2], [\"2-1\", \"b\", (integer) 700, (integer) 1], "
        "[\"3-1\", \"b\", (integer) " + std::to_string(now - 1000) + ", (integer) 9]]");
  log.Take();
  // Not pending: ignored without FORCE; FORCE creates it (count 2 unless JUSTID / RETRYCOUNT); an id not in
  // the stream is ignored even with FORCE.
  CHECK(n.Do("XCLAIM s g c 0 4-1") == "[]");
  CHECK(n.Do("XCLAIM s g c 0 4-1 5-1 8-8 FORCE") == "[[\"4-1\", [\"f\", \"v4\"]], [\"5-1\", [\"f\", \"v5\"]]]");
  CHECK(n.Do("XPENDING s g 4-1 + 10") ==
        "[[\"4-1\", \"c\", (integer) 0, (integer) 2], [\"5-1\", \"c\", (integer) 0, (integer) 2]]");
  log.Take();
  // An entry deleted from the stream leaves the PEL when claimed (and the replica is told the same way).
  n.Do("XDEL s 4-1");
  log.Take();
  CHECK(n.Do("XCLAIM s g b 0 4-1") == "[]");
  CHECK(log.Take() == "XCLAIM s g c 0 4-1 TIME " + std::to_string(now) + " RETRYCOUNT 2 FORCE JUSTID LASTID 3-1");
  CHECK(n.Do("XPENDING s g") == "[(integer) 4, \"1-1\", \"5-1\", [[\"b\", \"3\"], [\"c\", \"1\"]]]");
  // LASTID moves the group forward; alone it propagates as XGROUP SETID.
  CHECK(n.Do("XCLAIM s g b 0 9-9 LASTID 5-1") == "[]");
  CHECK(log.Take() == "XGROUP SETID s g 5-1 ENTRIESREAD 3");
  CHECK(n.Do("XCLAIM s g b 0 1-1 LASTID 2-0 JUSTID") == "[\"1-1\"]");  // an older LASTID: not moved
  CHECK(log.Take() == "XCLAIM s g b 0 1-1 TIME " + std::to_string(now) + " RETRYCOUNT 2 FORCE JUSTID LASTID 5-1");
  // Errors.
  CHECK(n.Do("XCLAIM s g b x 1-1") == "(error) ERR Invalid min-idle-time argument for XCLAIM");
  CHECK(n.Do("XCLAIM s g b 0 1-1 IDLE x") == "(error) ERR Invalid IDLE option argument for XCLAIM");
  CHECK(n.Do("XCLAIM s g b 0 1-1 TIME x") == "(error) ERR Invalid TIME option argument for XCLAIM");
  CHECK(n.Do("XCLAIM s g b 0 1-1 RETRYCOUNT x") == "(error) ERR Invalid RETRYCOUNT option argument for XCLAIM");
  CHECK(n.Do("XCLAIM s g b 0 1-1 LASTID x") == "(error) ERR Invalid stream ID specified as stream command argument");
  CHECK(n.Do("XCLAIM s g b 0 1-1 BOGUS") == "(error) ERR Unrecognized XCLAIM option 'BOGUS'");
  CHECK(n.Do("XCLAIM s g b 0 + 1-1") == "(error) ERR Unrecognized XCLAIM option '+'");
  CHECK(n.Do("XCLAIM s x b 0 1-1") == "(error) NOGROUP No such key 's' or consumer group 'x'");
  CHECK(n.Do("XCLAIM nokey g b x 1-1") == "(error) NOGROUP No such key 'nokey' or consumer group 'g'");
}

TEST_CASE("XAUTOCLAIM: cursor, COUNT, JUSTID, min idle, deleted ids") {
  TestNode n;
  Fill(n, 6);
  n.Do("XGROUP CREATE s g 0");
  n.Do("XREADGROUP GROUP g a STREAMS s >");
  n.Do("XDEL s 2-1 3-1");
  n.Advance(100);
  PropagationLog log(n);
  std::string t = std::to_string(n.clock().NowMs());
  CHECK(n.Do("XAUTOCLAIM s g b 0 - COUNT 2") ==
        "[\"3-1\", [[\"1-1\", [\"f\", \"v1\"]]], [\"2-1\"]]");
  CHECK(log.Take() == "MULTI | XCLAIM s g b 0 1-1 TIME " + t + " RETRYCOUNT 2 FORCE JUSTID LASTID 6-1 | "
                      "XCLAIM s g a 0 2-1 TIME " + std::to_string(n.clock().NowMs() - 100) +
                      " RETRYCOUNT 1 FORCE JUSTID LASTID 6-1 | EXEC");
  CHECK(n.Do("XAUTOCLAIM s g b 0 (1-1 JUSTID") == "[\"0-0\", [\"4-1\", \"5-1\", \"6-1\"], [\"3-1\"]]");
  CHECK(n.Do("XAUTOCLAIM s g c 1000 0") == "[\"0-0\", [], []]");
  n.Advance(1000);
  CHECK(n.Do("XAUTOCLAIM s g c 1000 0 COUNT 1 JUSTID") == "[\"4-1\", [\"1-1\"], []]");
  CHECK(n.Do("XPENDING s g - + 10") ==
        "[[\"1-1\", \"c\", (integer) 0, (integer) 2], [\"4-1\", \"b\", (integer) 1000, (integer) 1], "
        "[\"5-1\", \"b\", (integer) 1000, (integer) 1], [\"6-1\", \"b\", (integer) 1000, (integer) 1]]");
  CHECK(n.Do("XAUTOCLAIM s g c 0 0 COUNT 0") == "(error) ERR COUNT must be > 0");
  CHECK(n.Do("XAUTOCLAIM s g c 0 0 COUNT x") == "(error) ERR COUNT must be > 0");
  CHECK(n.Do("XAUTOCLAIM s g c x 0") == "(error) ERR Invalid min-idle-time argument for XAUTOCLAIM");
  CHECK(n.Do("XAUTOCLAIM s g c 0 x") == "(error) ERR Invalid stream ID specified as stream command argument");
  CHECK(n.Do("XAUTOCLAIM s g c 0 0 FOO") == "(error) ERR syntax error");
  CHECK(n.Do("XAUTOCLAIM s x c 0 0") == "(error) NOGROUP No such key 's' or consumer group 'x'");
}

TEST_CASE("XINFO GROUPS lag and entries-read; XINFO CONSUMERS idle") {
  TestNode n;
  Fill(n, 4);
  n.Do("XGROUP CREATE s g 0");
  CHECK(n.Do("XINFO GROUPS s") ==
        "[[\"name\", \"g\", \"consumers\", (integer) 0, \"pending\", (integer) 0, \"last-delivered-id\", \"0-0\", "
        "\"entries-read\", (nil), \"lag\", (integer) 4]]");
  n.Do("XREADGROUP GROUP g a COUNT 1 STREAMS s >");
  CHECK(n.Do("XINFO GROUPS s") ==
        "[[\"name\", \"g\", \"consumers\", (integer) 1, \"pending\", (integer) 1, \"last-delivered-id\", \"1-1\", "
        "\"entries-read\", (integer) 1, \"lag\", (integer) 3]]");
  n.Do("XDEL s 3-1");  // a deleted entry ahead of the group: the lag cannot be known
  CHECK(n.Do("XINFO GROUPS s") ==
        "[[\"name\", \"g\", \"consumers\", (integer) 1, \"pending\", (integer) 1, \"last-delivered-id\", \"1-1\", "
        "\"entries-read\", (integer) 1, \"lag\", (nil)]]");
  n.Do("XREADGROUP GROUP g a STREAMS s >");
  CHECK(n.Do("XINFO GROUPS s") ==
        "[[\"name\", \"g\", \"consumers\", (integer) 1, \"pending\", (integer) 3, \"last-delivered-id\", \"4-1\", "
        "\"entries-read\", (integer) 4, \"lag\", (integer) 0]]");
  n.Advance(250);
  n.Do("XGROUP CREATECONSUMER s g b");
  n.Advance(50);
  CHECK(n.Do("XINFO CONSUMERS s g") ==
        "[[\"name\", \"a\", \"pending\", (integer) 3, \"idle\", (integer) 300], "
        "[\"name\", \"b\", \"pending\", (integer) 0, \"idle\", (integer) 50]]");
  CHECK(n.Do("XINFO CONSUMERS s x") == "(error) NOGROUP No such consumer group 'x' for key name 's'");
  CHECK(n.Do("XINFO GROUPS nokey") == "(error) ERR no such key");
  n.Do("SET str x");
  CHECK(n.Do("XINFO GROUPS str") == rcs::test::kWrongTypeReply);
  CHECK(n.Do("HELLO 3").size() > 0);
  CHECK(n.Do("XINFO CONSUMERS s g") ==
        "[{\"name\": \"a\", \"pending\": (integer) 3, \"idle\": (integer) 300}, "
        "{\"name\": \"b\", \"pending\": (integer) 0, \"idle\": (integer) 50}]");
}

TEST_CASE("Blocked XREADGROUP clients are served in the order they blocked") {
  TestNode n;
  n.Do("XGROUP CREATE s g $ MKSTREAM");
  auto* c1 = n.NewClient();
  auto* c2 = n.NewClient();
  auto* c3 = n.NewClient();
  n.Send(c1, {"XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">"});
  n.Send(c2, {"XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "s", ">"});
  n.Send(c3, {"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"});
  CHECK(n.server().blocked_clients() == 3);
  n.Do("XADD s 1-1 f one");
  CHECK(n.Take(c1) == "[[\"s\", [[\"1-1\", [\"f\", \"one\"]]]]]");
  CHECK(n.Take(c2).empty());
  CHECK(n.Take(c3).empty());
  n.Do("XADD s 2-1 f two");
  CHECK(n.Take(c2) == "[[\"s\", [[\"2-1\", [\"f\", \"two\"]]]]]");
  CHECK(n.Take(c3).empty());
  n.Do("XADD s 3-1 f three");
  CHECK(n.Take(c3) == "[[\"s\", [[\"3-1\", [\"f\", \"three\"]]]]]");
  CHECK(n.server().blocked_clients() == 0);
  CHECK(n.Do("XPENDING s g") == "[(integer) 3, \"1-1\", \"3-1\", [[\"a\", \"1\"], [\"b\", \"1\"], [\"c\", \"1\"]]]");
  // A timeout answers a null array.
  n.Send(c1, {"XREADGROUP", "GROUP", "g", "a", "BLOCK", "100", "STREAMS", "s", ">"});
  n.Advance(150);
  CHECK(n.Take(c1) == "(nil)");
  // Inside MULTI it cannot block.
  n.Do("MULTI");
  n.Do("XREADGROUP GROUP g a BLOCK 0 STREAMS s >");
  CHECK(n.Do("EXEC") == "[(nil)]");
  CHECK(n.server().blocked_clients() == 0);
}

TEST_CASE("Blocked XREADGROUP: group destroyed, key deleted or overwritten") {
  TestNode n;
  n.Do("XGROUP CREATE s g $ MKSTREAM");
  auto* c = n.NewClient();
  n.Send(c, {"XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">"});
  n.Do("XGROUP DESTROY s g");
  CHECK(n.Take(c) == "(error) NOGROUP the consumer group this client was blocked on no longer exists");
  n.Do("XGROUP CREATE s g $");
  n.Send(c, {"XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">"});
  n.Do("DEL s");
  CHECK(n.Take(c) == "(error) UNBLOCKED the stream key no longer exists");
  n.Do("XGROUP CREATE s g $ MKSTREAM");
  n.Send(c, {"XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">"});
  n.Do("SET s x");
  CHECK(n.Take(c) == "(error) UNBLOCKED the stream key no longer exists");
  CHECK(n.server().blocked_clients() == 0);
}

TEST_CASE("Becoming a replica unblocks every blocked client with -UNBLOCKED and closes it") {
  TestNode n;
  n.Do("XGROUP CREATE s g $ MKSTREAM");
  auto* c1 = n.NewClient();
  auto* c2 = n.NewClient();
  n.Send(c1, {"XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">"});
  n.Send(c2, {"BLPOP", "l", "0"});
  CHECK(n.server().blocked_clients() == 2);
  n.server().set_replica(true);
  CHECK(n.server().blocked_clients() == 0);
  const char* unblocked =
      "(error) UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)";
  CHECK(n.Take(c1) == unblocked);
  CHECK(n.Take(c2) == unblocked);
  CHECK(c1->has(rcs::kClientCloseAfterReply));
  // On the replica XREADGROUP is a write: refused.
  CHECK(n.Do("XREADGROUP GROUP g a BLOCK 0 STREAMS s >") == "(error) READONLY You can't write against a read only replica.");
}

TEST_CASE("Stream group lag and read counter follow Redis 7.0's rules") {
  rcs::StreamValue s;
  std::vector<std::string_view> fv = {"f", "v"};
  for (uint64_t i = 1; i <= 5; i++) s.Append(rcs::StreamId{i, 0}, fv);
  rcs::StreamGroup* g = s.CreateGroup("g", rcs::StreamId{0, 0}, rcs::StreamGroup::kInvalidEntriesRead);
  REQUIRE(g != nullptr);
  CHECK(rcs::StreamGroupLag(s, *g) == 5);  // 0-0 is before the first entry: entries_read estimated 0
  CHECK(rcs::StreamGroupAdvance(s, *g, rcs::StreamId{1, 0}));
  CHECK(g->entries_read == 1);
  CHECK(!rcs::StreamGroupAdvance(s, *g, rcs::StreamId{1, 0}));
  CHECK(rcs::StreamGroupAdvance(s, *g, rcs::StreamId{2, 0}));
  CHECK(g->entries_read == 2);
  CHECK(rcs::StreamGroupLag(s, *g) == 3);
  s.Delete(rcs::StreamId{4, 0});
  CHECK(!rcs::StreamGroupLag(s, *g).has_value());
  CHECK(rcs::StreamGroupAdvance(s, *g, rcs::StreamId{3, 0}));
  CHECK(g->entries_read == -1);  // a deleted entry ahead: the counter cannot be kept
  CHECK(rcs::StreamGroupAdvance(s, *g, rcs::StreamId{5, 0}));
  CHECK(g->entries_read == 5);  // the last entry: exact again
  CHECK(rcs::StreamGroupLag(s, *g) == 0);
  CHECK(rcs::StreamLastValidId(s) == rcs::StreamId{5, 0});
}

TEST_CASE("XREAD and XREADGROUP with BLOCK from a script: refused with the command as the script spelled it") {
  rcs::test::TestNode n;
  CHECK(n.Do("XGROUP CREATE s g $ MKSTREAM") == "OK");
  std::string r = n.Do({"EVAL", "return redis.call('xread','BLOCK','0','STREAMS','s','$')", "0"});
  CHECK(r.find("ERR xread command is not allowed with BLOCK option from scripts") != std::string::npos);
  r = n.Do({"EVAL", "return redis.call('XreadGroup','GROUP','g','c','BLOCK','10','STREAMS','s','>')", "0"});
  CHECK(r.find("ERR XreadGroup command is not allowed with BLOCK option from scripts") != std::string::npos);
  // Without BLOCK a script reads as usual.
  CHECK(n.Do({"EVAL", "return redis.call('xread','COUNT','1','STREAMS','s','0')", "0"}) == "(nil)");
}
