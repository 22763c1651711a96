// Client-side caching (server/tracking.h): the tracking table on its own, then CLIENT TRACKING in-process
// (fake clients collect their pushes in their output). The byte-for-byte comparison with redis-server is
// tests/integration/test_tracking_differential.py.
#include <doctest/doctest.h>

#include "harness.h"
#include "server/tracking.h"

namespace rcs {
namespace {

using test::TestNode;

TEST_CASE("TrackingTable: remembers each client once per key and forgets the key when taken") {
  TrackingTable t;
  CHECK(t.Remember("a", 1));
  CHECK_FALSE(t.Remember("a", 1));
  CHECK(t.Remember("a", 2));
  CHECK(t.Remember("b", 1));
  CHECK(t.keys() == 2);
  CHECK(t.items() == 3);
  std::vector<uint64_t> ids;
  REQUIRE(t.Take("a", &ids));
  CHECK(ids == std::vector<uint64_t>{1, 2});
  CHECK_FALSE(t.Take("a", &ids));
  CHECK(t.keys() == 1);
  CHECK(t.items() == 1);
  CHECK(t.RandomKey(12345) == std::optional<std::string>("b"));
  t.Clear();
  CHECK(t.keys() == 0);
  CHECK(t.items() == 0);
  CHECK_FALSE(t.RandomKey(1).has_value());
}

TEST_CASE("TrackingTable: a random key is always one of the table's") {
  TrackingTable t;
  for (int i = 0; i < 100; i++) t.Remember("k" + std::to_string(i), 1);
  for (uint64_t r = 0; r < 1000; r += 7) {
    auto k = t.RandomKey(r * 0x9e3779b97f4a7c15ULL);
    REQUIRE(k.has_value());
    std::vector<uint64_t> ids;
    CHECK(t.Take(*k, &ids));
    t.Remember(*k, 1);
  }
}

TEST_CASE("PrefixOverlapError: redis-server's texts, and which prefix it names") {
  size_t bad = 99;
  CHECK(PrefixOverlapError({}, {"a", "b"}, &bad).empty());
  CHECK(PrefixOverlapError({"ab"}, {"a"}, &bad) ==
        "ERR Prefix 'a' overlaps with an existing prefix 'ab'. Prefixes for a single client must not overlap.");
  CHECK(bad == 0);
  CHECK(PrefixOverlapError({}, {"x", "b", "bc"}, &bad) ==
        "ERR Prefix 'b' overlaps with another provided prefix 'bc'. Prefixes for a single client must not overlap.");
  CHECK(bad == 1);
  // The empty prefix overlaps with everything.
  CHECK_FALSE(PrefixOverlapError({""}, {"q"}, &bad).empty());
}

TEST_CASE("Tracking: a RESP3 client is told once about a key it read, after the writer's reply") {
  TestNode n;
  Client* reader = n.NewClient();
  Client* writer = n.NewClient();
  n.Send(reader, {"HELLO", "3"});
  n.Take(reader);
  n.Send(reader, {"CLIENT", "TRACKING", "on"});
  CHECK(n.Take(reader) == "OK");
  n.Send(writer, {"SET", "k", "1"});
  n.Send(reader, {"GET", "k"});
  CHECK(n.Take(reader) == "\"1\"");
  CHECK(n.server().tracking().table().keys() == 1);
  n.Send(writer, {"SET", "k", "2"});
  CHECK(n.Take(reader) == ">[\"invalidate\", [\"k\"]]");
  CHECK(n.server().tracking().table().keys() == 0);
  n.Send(writer, {"SET", "k", "3"});  // no longer tracked: nothing
  CHECK(n.Take(reader).empty());
  // Its own write: after its reply; with NOLOOP not at all.
  n.Send(reader, {"GET", "k"});
  n.Send(reader, {"SET", "k", "4"});
  CHECK(n.Take(reader) == "\"3\" | OK | >[\"invalidate\", [\"k\"]]");
  n.Send(reader, {"CLIENT", "TRACKING", "on", "NOLOOP"});
  n.Send(reader, {"GET", "k"});
  n.Send(reader, {"SET", "k", "5"});
  CHECK(n.Take(reader) == "OK | \"4\" | OK");
  CHECK(n.Take(writer) == "OK | OK | OK");
}

TEST_CASE("Tracking: a transaction's invalidations follow the EXEC reply") {
  TestNode n;
  Client* c = n.NewClient();
  n.Send(c, {"HELLO", "3"});
  n.Send(c, {"CLIENT", "TRACKING", "on"});
  n.Send(c, {"GET", "a"});
  n.Send(c, {"GET", "b"});
  n.Take(c);
  n.Send(c, {"MULTI"});
  n.Send(c, {"SET", "a", "1"});
  n.Send(c, {"SET", "b", "1"});
  n.Send(c, {"EXEC"});
  CHECK(n.Take(c) == "OK | QUEUED | QUEUED | [OK, OK] | >[\"invalidate\", [\"a\"]] | >[\"invalidate\", [\"b\"]]");
}

TEST_CASE("Tracking: only the written keys of a command invalidate (SINTERSTORE's sources do not)") {
  TestNode n;
  Client* c = n.NewClient();
  Client* w = n.NewClient();
  n.Send(c, {"HELLO", "3"});
  n.Send(c, {"CLIENT", "TRACKING", "on"});
  n.Send(w, {"SADD", "s", "x"});
  n.Send(c, {"SMEMBERS", "s"});
  n.Send(c, {"GET", "d"});
  n.Take(c);
  n.Send(w, {"SINTERSTORE", "d", "s"});
  CHECK(n.Take(c) == ">[\"invalidate\", [\"d\"]]");
}

TEST_CASE("Tracking: FLUSHALL sends a null to every tracking client and empties the table") {
  TestNode n;
  Client* c = n.NewClient();
  Client* c2 = n.NewClient();
  n.Send(c, {"HELLO", "3"});
  n.Send(c, {"CLIENT", "TRACKING", "on"});
  n.Send(c, {"GET", "a"});
  n.Take(c);
  n.Send(c2, {"FLUSHALL"});
  CHECK(n.Take(c) == ">[\"invalidate\", (nil)]");
  CHECK(n.server().tracking().table().keys() == 0);
  n.Send(c, {"FLUSHALL"});
  CHECK(n.Take(c) == "OK | >[\"invalidate\", (nil)]");
}

TEST_CASE("Tracking: RESP2 redirect to a subscribed client, and the broken redirect") {
  TestNode n;
  Client* sub = n.NewClient();
  Client* c = n.NewClient();
  n.Send(sub, {"SUBSCRIBE", "__redis__:invalidate"});
  n.Take(sub);
  n.Send(c, {"CLIENT", "TRACKING", "on", "REDIRECT", std::to_string(sub->id)});
  CHECK(n.Take(c) == "OK");
  n.Send(c, {"CLIENT", "GETREDIR"});
  CHECK(n.Take(c) == "(integer) " + std::to_string(sub->id));
  n.Send(c, {"GET", "k"});
  n.Send(c, {"SET", "k", "v"});
  CHECK(n.Take(c) == "(nil) | OK");
  CHECK(sub->out == "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n");
  sub->out.clear();
  uint64_t sub_id = sub->id;
  n.server().FreeClient(sub);
  n.Send(c, {"HELLO", "3"});
  n.Take(c);
  n.Send(c, {"GET", "k"});
  n.Send(c, {"DEL", "k"});
  CHECK(n.Take(c) ==
        "\"v\" | (integer) 1 | >[\"tracking-redir-broken\", (integer) " + std::to_string(sub_id) + "]");
  n.Send(c, {"CLIENT", "LIST", "ID", std::to_string(c->id)});
  CHECK(n.Take(c).find("flags=tR ") != std::string::npos);
}

TEST_CASE("Tracking: BCAST collects the keys under each prefix until the replies go out") {
  TestNode n;
  Client* c = n.NewClient();
  Client* w = n.NewClient();
  n.Send(c, {"HELLO", "3"});
  n.Send(c, {"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "b"});
  n.Take(c);
  CHECK(n.server().tracking().prefixes() == 2);
  n.Send(w, {"SET", "b2", "1"});
  n.Send(w, {"SET", "a1", "1"});
  n.Send(w, {"SET", "a0", "1"});
  n.Send(w, {"SET", "c", "1"});
  n.server().tracking().BeforeReplies();
  CHECK(n.Take(c) == ">[\"invalidate\", [\"a0\", \"a1\"]] | >[\"invalidate\", [\"b2\"]]");
  n.Send(c, {"CLIENT", "TRACKINGINFO"});
  CHECK(n.Take(c) == "{\"flags\": ~[\"on\", \"bcast\"], \"redirect\": (integer) 0, \"prefixes\": [\"a\", \"b\"]}");
  n.Send(c, {"CLIENT", "TRACKING", "off"});
  CHECK(n.server().tracking().prefixes() == 0);
}

TEST_CASE("Tracking: OPTIN tracks only after CLIENT CACHING yes, for one command") {
  TestNode n;
  Client* c = n.NewClient();
  n.Send(c, {"CLIENT", "TRACKING", "on", "OPTIN"});
  n.Send(c, {"GET", "a"});
  CHECK(n.server().tracking().table().keys() == 0);
  n.Send(c, {"CLIENT", "CACHING", "yes"});
  n.Send(c, {"GET", "a"});
  n.Send(c, {"GET", "b"});
  CHECK(n.server().tracking().table().keys() == 1);
  CHECK(n.Take(c) == "OK | (nil) | OK | (nil) | (nil)");
  n.Send(c, {"CLIENT", "CACHING", "no"});
  CHECK(n.Take(c) == "(error) ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
}

TEST_CASE("Tracking: tracking-table-max-keys drops keys over the limit with an invalidation") {
  TestNode n;
  Client* c = n.NewClient();
  n.Send(c, {"HELLO", "3"});
  n.Send(c, {"CLIENT", "TRACKING", "on"});
  for (int i = 0; i < 10; i++) n.Send(c, {"GET", "k" + std::to_string(i)});
  n.Take(c);
  CHECK(n.server().tracking().table().keys() == 10);
  n.Send(c, {"CONFIG", "SET", "tracking-table-max-keys", "4"});
  n.Take(c);
  n.Send(c, {"PING"});
  CHECK(n.server().tracking().table().keys() == 4);
  std::string out = n.Take(c);
  size_t pushes = 0;
  for (size_t p = out.find("invalidate"); p != std::string::npos; p = out.find("invalidate", p + 1)) pushes++;
  CHECK(pushes == 6);
  n.Send(c, {"INFO", "stats"});
  CHECK(n.Take(c).find("tracking_total_keys:4") != std::string::npos);
}

}  // namespace
}  // namespace rcs
