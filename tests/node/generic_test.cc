// Generic (keyspace) commands through the in-process harness: DEL/EXISTS/TYPE/RENAME/KEYS/SCAN, the
// expiry commands with the manual clock and their propagation, OBJECT, COPY.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "harness.h"

using rcs::test::TestNode;

namespace {

using Propagated = rcs::test::PropagationLog;

constexpr int64_t kStart = 1700000000000;

// Splits a harness array reply of bulk strings ["a", "b"] into its items (no quotes or commas inside).
std::set<std::string> Items(const std::string& reply) {
  std::set<std::string> out;
  size_t pos = 0;
  while ((pos = reply.find('"', pos)) != std::string::npos) {
    size_t end = reply.find('"', pos + 1);
    out.insert(reply.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("DEL UNLINK EXISTS TOUCH TYPE") {
  TestNode n;
  CHECK(n.Do("MSET a 1 b 2 c 3") == "OK");
  CHECK(n.Do("RPUSH l x") == "(integer) 1");
  CHECK(n.Do("EXISTS a a nokey l") == "(integer) 3");
  CHECK(n.Do("TOUCH a b nokey") == "(integer) 2");
  CHECK(n.Do("TYPE a") == "string");
  CHECK(n.Do("TYPE l") == "list");
  CHECK(n.Do("TYPE nokey") == "none");
  CHECK(n.Do("DEL a b nokey") == "(integer) 2");
  CHECK(n.Do("UNLINK c l c") == "(integer) 2");
  CHECK(n.Do("EXISTS a b c l") == "(integer) 0");
  CHECK(n.Do("DEL") == "(error) ERR wrong number of arguments for 'del' command");
  CHECK(n.Do("EXISTS") == "(error) ERR wrong number of arguments for 'exists' command");
  CHECK(n.Do("TYPE") == "(error) ERR wrong number of arguments for 'type' command");
  // An expired key counts as absent.
  CHECK(n.Do("SET e v PX 10") == "OK");
  n.Advance(11);
  CHECK(n.Do("EXISTS e") == "(integer) 0");
  CHECK(n.Do("DEL e") == "(integer) 0");
  CHECK(n.Do("HELLO 3").find("{") == 0);
  CHECK(n.Raw({"TYPE", "nokey"}) == "+none\r\n");
}

TEST_CASE("RENAME RENAMENX") {
  TestNode n;
  CHECK(n.Do("RENAME nokey x") == "(error) ERR no such key");
  CHECK(n.Do("RENAMENX nokey x") == "(error) ERR no such key");
  CHECK(n.Do("SET a 1 EX 100") == "OK");
  CHECK(n.Do("RENAME a a") == "OK");
  CHECK(n.Do("RENAMENX a a") == "(integer) 0");
  CHECK(n.Do("RENAME a b") == "OK");
  CHECK(n.Do("EXISTS a") == "(integer) 0");
  CHECK(n.Do("GET b") == "\"1\"");
  CHECK(n.Do("TTL b") == "(integer) 100");  // the TTL moves with the value
  CHECK(n.Do("SET c 2") == "OK");
  CHECK(n.Do("RENAMENX b c") == "(integer) 0");
  CHECK(n.Do("RENAMENX b d") == "(integer) 1");
  CHECK(n.Do("RPUSH l x") == "(integer) 1");
  CHECK(n.Do("RENAME l d") == "OK");  // overwrites any type
  CHECK(n.Do("TYPE d") == "list");
  CHECK(n.Do("RENAME a") == "(error) ERR wrong number of arguments for 'rename' command");
}

TEST_CASE("KEYS and RANDOMKEY") {
  TestNode n;
  CHECK(n.Do("KEYS *") == "[]");
  CHECK(n.Do("RANDOMKEY") == "(nil)");
  CHECK(n.Do("MSET hello 1 hallo 2 hxllo 3 world 4") == "OK");
  CHECK(Items(n.Do("KEYS *")) == std::set<std::string>{"hello", "hallo", "hxllo", "world"});
  CHECK(Items(n.Do("KEYS h?llo")) == std::set<std::string>{"hello", "hallo", "hxllo"});
  CHECK(Items(n.Do("KEYS h[ae]llo")) == std::set<std::string>{"hello", "hallo"});
  CHECK(Items(n.Do("KEYS h[^e]llo")) == std::set<std::string>{"hallo", "hxllo"});
  CHECK(n.Do("KEYS nomatch*") == "[]");
  CHECK(n.Do("KEYS") == "(error) ERR wrong number of arguments for 'keys' command");
  std::string r = n.Do("RANDOMKEY");
  CHECK(Items("[" + r + "]").size() == 1);
  CHECK(std::set<std::string>{"\"hello\"", "\"hallo\"", "\"hxllo\"", "\"world\""}.count(r) == 1);
  CHECK(n.Do("SET gone v PX 5") == "OK");
  n.Advance(6);
  CHECK(Items(n.Do("KEYS *")).count("gone") == 0);
}

TEST_CASE("SCAN: full iteration, MATCH, COUNT, TYPE, errors") {
  TestNode n;
  for (int i = 0; i < 200; i++) n.Do({"SET", "key:" + std::to_string(i), "v"});
  for (int i = 0; i < 20; i++) n.Do({"RPUSH", "list:" + std::to_string(i), "x"});
  auto scan_all = [&](std::vector<std::string> extra) {
    std::set<std::string> seen;
    std::string cursor = "0";
    int rounds = 0;
    do {
      std::vector<std::string> argv = {"SCAN", cursor};
      argv.insert(argv.end(), extra.begin(), extra.end());
      std::string r = n.Do(argv);
      REQUIRE(r.rfind("[\"", 0) == 0);
      size_t end = r.find('"', 2);
      cursor = r.substr(2, end - 2);
      for (auto& k : Items(r.substr(end + 1))) seen.insert(k);
    } while (cursor != "0" && ++rounds < 10000);
    return seen;
  };
  auto all = scan_all({});
  CHECK(all.size() == 220);
  auto lists = scan_all({"TYPE", "list"});
  CHECK(lists.size() == 20);
  for (auto& k : lists) CHECK(k.rfind("list:", 0) == 0);
  CHECK(scan_all({"TYPE", "STRING", "COUNT", "50"}).size() == 200);
  auto some = scan_all({"MATCH", "key:1?", "COUNT", "1000"});
  CHECK(some == std::set<std::string>{"key:10", "key:11", "key:12", "key:13", "key:14", "key:15", "key:16",
                                      "key:17", "key:18", "key:19"});
  CHECK(scan_all({"TYPE", "nosuchtype"}).empty());
  // A COUNT larger than the keyspace finishes in one call.
  CHECK(n.Do("SCAN 0 COUNT 100000").rfind("[\"0\", [", 0) == 0);
  CHECK(n.Do("SCAN abc") == "(error) ERR invalid cursor");
  CHECK(n.Do("SCAN ' 1'") == "(error) ERR invalid cursor");
  CHECK(n.Do("SCAN 99999999999999999999999") == "(error) ERR invalid cursor");
  CHECK(n.Do("SCAN 0 COUNT 0") == "(error) ERR syntax error");
  CHECK(n.Do("SCAN 0 COUNT abc") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("SCAN 0 MATCH") == "(error) ERR syntax error");
  CHECK(n.Do("SCAN 0 FOO bar") == "(error) ERR syntax error");
  CHECK(n.Do("SCAN") == "(error) ERR wrong number of arguments for 'scan' command");
  TestNode empty;
  CHECK(empty.Do("SCAN 0") == "[\"0\", []]");
}

TEST_CASE("EXPIRE family: units, clock, TTL rounding") {
  TestNode n;
  CHECK(n.Do("EXPIRE nokey 10") == "(integer) 0");
  CHECK(n.Do("TTL nokey") == "(integer) -2");
  CHECK(n.Do("PTTL nokey") == "(integer) -2");
  CHECK(n.Do("EXPIRETIME nokey") == "(integer) -2");
  CHECK(n.Do("SET k v") == "OK");
  CHECK(n.Do("TTL k") == "(integer) -1");
  CHECK(n.Do("PEXPIRETIME k") == "(integer) -1");
  CHECK(n.Do("EXPIRE k 10") == "(integer) 1");
  CHECK(n.Do("TTL k") == "(integer) 10");
  CHECK(n.Do("PTTL k") == "(integer) 10000");
  CHECK(n.Do("EXPIRETIME k") == "(integer) " + std::to_string(kStart / 1000 + 10));
  CHECK(n.Do("PEXPIRETIME k") == "(integer) " + std::to_string(kStart + 10000));
  n.Advance(1600);
  CHECK(n.Do("PTTL k") == "(integer) 8400");
  CHECK(n.Do("TTL k") == "(integer) 8");  // (8400 + 500) / 1000
  n.Advance(100);
  CHECK(n.Do("TTL k") == "(integer) 8");
  CHECK(n.Do("PEXPIRE k 1500") == "(integer) 1");
  CHECK(n.Do("TTL k") == "(integer) 2");  // 1500 ms rounds to 2
  CHECK(n.Do("EXPIREAT k " + std::to_string(kStart / 1000 + 100)) == "(integer) 1");
  CHECK(n.Do("EXPIRETIME k") == "(integer) " + std::to_string(kStart / 1000 + 100));
  CHECK(n.Do("PEXPIREAT k " + std::to_string(kStart + 5000)) == "(integer) 1");
  CHECK(n.Do("PEXPIRETIME k") == "(integer) " + std::to_string(kStart + 5000));
  n.Advance(5000 - 1700);
  CHECK(n.Do("GET k") == "\"v\"");  // at the deadline itself the key still lives (Redis: now > when)
  n.Advance(1);
  CHECK(n.Do("GET k") == "(nil)");
  CHECK(n.Do("TTL k") == "(integer) -2");
  // Active expiry removes keys nobody reads.
  for (int i = 0; i < 50; i++) n.Do({"SET", "t" + std::to_string(i), "v", "PX", "100"});
  n.Advance(1000);
  CHECK(n.server().db().size() == 0);
}

TEST_CASE("EXPIRE with NX XX GT LT and errors") {
  TestNode n;
  CHECK(n.Do("SET k v") == "OK");
  CHECK(n.Do("EXPIRE k 100 XX") == "(integer) 0");
  CHECK(n.Do("EXPIRE k 100 GT") == "(integer) 0");  // no TTL counts as infinite
  CHECK(n.Do("EXPIRE k 100 LT") == "(integer) 1");
  CHECK(n.Do("EXPIRE k 50 NX") == "(integer) 0");
  CHECK(n.Do("EXPIRE k 200 LT") == "(integer) 0");
  CHECK(n.Do("EXPIRE k 200 GT") == "(integer) 1");
  CHECK(n.Do("TTL k") == "(integer) 200");
  CHECK(n.Do("EXPIRE k 200 GT") == "(integer) 0");  // equal is not greater
  CHECK(n.Do("EXPIRE k 150 XX LT") == "(integer) 1");
  CHECK(n.Do("TTL k") == "(integer) 150");
  CHECK(n.Do("PERSIST k") == "(integer) 1");
  CHECK(n.Do("EXPIRE k 10 NX") == "(integer) 1");
  CHECK(n.Do("EXPIRE k 10 nx xx") == "(error) ERR NX and XX, GT or LT options at the same time are not compatible");
  CHECK(n.Do("EXPIRE k 10 NX GT") == "(error) ERR NX and XX, GT or LT options at the same time are not compatible");
  CHECK(n.Do("EXPIRE k 10 GT LT") == "(error) ERR GT and LT options at the same time are not compatible");
  CHECK(n.Do("EXPIRE k 10 foo") == "(error) ERR Unsupported option foo");
  CHECK(n.Do("EXPIRE nokey 10 foo") == "(error) ERR Unsupported option foo");
  CHECK(n.Do("EXPIRE k abc") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("EXPIRE k 9223372036854775807") == "(error) ERR invalid expire time in 'expire' command");
  CHECK(n.Do("EXPIRE k -9223372036854775808") == "(error) ERR invalid expire time in 'expire' command");
  CHECK(n.Do("PEXPIRE k 9223372036854775807") == "(error) ERR invalid expire time in 'pexpire' command");
  CHECK(n.Do("EXPIREAT k 9223372036854775807") == "(error) ERR invalid expire time in 'expireat' command");
  CHECK(n.Do("PEXPIREAT k 9223372036854775807") == "(integer) 1");
  CHECK(n.Do("EXPIRE k") == "(error) ERR wrong number of arguments for 'expire' command");
  CHECK(n.Do("PERSIST k") == "(integer) 1");
  CHECK(n.Do("PERSIST k") == "(integer) 0");
  CHECK(n.Do("PERSIST nokey") == "(integer) 0");
}

TEST_CASE("expiry propagation: PEXPIREAT, and a past time deletes with DEL") {
  TestNode n;
  Propagated p(n);
  CHECK(n.Do("SET k v") == "OK");
  CHECK(n.Do("EXPIRE k 10") == "(integer) 1");
  CHECK(p.last() == "PEXPIREAT k " + std::to_string(kStart + 10000));
  CHECK(n.Do("PEXPIRE k 10 GT") == "(integer) 0");
  CHECK(p.last() == "PEXPIREAT k " + std::to_string(kStart + 10000));
  CHECK(n.Do("EXPIREAT k 1800000000") == "(integer) 1");
  CHECK(p.last() == "PEXPIREAT k 1800000000000");
  CHECK(n.Do("PERSIST k") == "(integer) 1");
  CHECK(p.last() == "PERSIST k");
  CHECK(n.Do("EXPIRE k -1") == "(integer) 1");
  CHECK(p.last() == "DEL k");
  CHECK(n.Do("EXISTS k") == "(integer) 0");
  CHECK(n.Do("SET k v") == "OK");
  CHECK(n.Do("PEXPIREAT k 1") == "(integer) 1");
  CHECK(n.Do("EXISTS k") == "(integer) 0");
  CHECK(n.Do("SET k v") == "OK");
  CHECK(n.Do("EXPIRE k 0") == "(integer) 1");
  CHECK(n.Do("EXISTS k") == "(integer) 0");
  // While loading (the AOF replays an old PEXPIREAT) a past expiry is set, not turned into a delete: the
  // key stays in the table until expiry removes it.
  TestNode r;
  CHECK(r.Do("SET k v") == "OK");
  r.server().set_loading(true);
  auto* loader = r.NewClient();  // loaders run as the master client (others get -LOADING)
  loader->flags |= rcs::kClientMaster;
  r.Send(loader, {"PEXPIREAT", "k", "1"});
  CHECK(r.Take(loader) == "(integer) 1");
  CHECK(r.server().db().size() == 1);
  r.server().set_loading(false);
  CHECK(r.Do("EXISTS k") == "(integer) 0");
}

TEST_CASE("OBJECT ENCODING REFCOUNT IDLETIME FREQ HELP") {
  TestNode n;
  CHECK(n.Do("SET i 123") == "OK");
  CHECK(n.Do("OBJECT ENCODING i") == "\"int\"");
  CHECK(n.Do("SET i -9223372036854775808") == "OK");
  CHECK(n.Do("OBJECT ENCODING i") == "\"int\"");
  CHECK(n.Do("SET i 0123") == "OK");
  CHECK(n.Do("OBJECT ENCODING i") == "\"embstr\"");
  CHECK(n.Do({"SET", "e", std::string(44, 'x')}) == "OK");
  CHECK(n.Do("OBJECT ENCODING e") == "\"embstr\"");
  CHECK(n.Do({"SET", "r", std::string(45, 'x')}) == "OK");
  CHECK(n.Do("OBJECT ENCODING r") == "\"raw\"");
  CHECK(n.Do("RPUSH l a") == "(integer) 1");
  CHECK(n.Do("OBJECT ENCODING l") == "\"quicklist\"");  // Redis 7.0 lists are always quicklists
  CHECK(n.Do("OBJECT ENCODING nokey") == "(nil)");
  CHECK(n.Do("SET small 100") == "OK");
  CHECK(n.Do("OBJECT REFCOUNT small") == "(integer) 2147483647");
  CHECK(n.Do("OBJECT REFCOUNT r") == "(integer) 1");
  CHECK(n.Do("OBJECT REFCOUNT nokey") == "(nil)");
  CHECK(n.Do("OBJECT IDLETIME r") == "(integer) 0");
  n.Advance(5000);
  CHECK(n.Do("OBJECT IDLETIME r") == "(integer) 5");
  CHECK(n.Do("OBJECT IDLETIME r") == "(integer) 5");  // OBJECT does not touch the key
  CHECK(n.Do("GET r").size() == 47);
  CHECK(n.Do("OBJECT IDLETIME r") == "(integer) 0");
  CHECK(n.Do("OBJECT FREQ r") ==
        "(error) ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
        "when switching between policies at runtime LRU and LFU data will take some time to adjust.");
  CHECK(n.Do("OBJECT FREQ nokey") == "(nil)");
  std::string help = n.Do("OBJECT HELP");
  CHECK(help.rfind("[OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:, ENCODING <key>", 0) == 0);
  CHECK(help.find("    Prints this help.]") != std::string::npos);
  CHECK(n.Do("OBJECT") == "(error) ERR wrong number of arguments for 'object' command");
  CHECK(n.Do("OBJECT ENCODING") == "(error) ERR wrong number of arguments for 'object|encoding' command");
  CHECK(n.Do("OBJECT HELP x") == "(error) ERR wrong number of arguments for 'object|help' command");
  CHECK(n.Do("OBJECT foo") == "(error) ERR unknown subcommand 'foo'. Try OBJECT HELP.");
  CHECK(n.Do("HELLO 3").find("{") == 0);
  CHECK(n.Raw({"OBJECT", "ENCODING", "nokey"}) == "_\r\n");
}

TEST_CASE("COPY") {
  TestNode n;
  CHECK(n.Do("SET a 1 EX 100") == "OK");
  CHECK(n.Do("COPY a b") == "(integer) 1");
  CHECK(n.Do("GET b") == "\"1\"");
  CHECK(n.Do("TTL b") == "(integer) 100");
  CHECK(n.Do("SET a 2") == "OK");
  CHECK(n.Do("COPY a b") == "(integer) 0");
  CHECK(n.Do("GET b") == "\"1\"");
  CHECK(n.Do("COPY a b REPLACE") == "(integer) 1");
  CHECK(n.Do("GET b") == "\"2\"");
  CHECK(n.Do("TTL b") == "(integer) -1");
  CHECK(n.Do("COPY nokey c") == "(integer) 0");
  CHECK(n.Do("COPY a a") == "(error) ERR source and destination objects are the same");
  CHECK(n.Do("COPY a c DB 0") == "(integer) 1");
  CHECK(n.Do("COPY a d DB 1") == "(integer) 1");
  CHECK(n.Do("EXISTS d") == "(integer) 0");
  CHECK(n.Do("COPY a d DB 16") == "(error) ERR DB index is out of range");
  CHECK(n.Do("COPY a d DB 99999999999") ==
        "(error) ERR value is out of range, value must between -2147483648 and 2147483647");
  CHECK(n.Do("COPY a d DB x") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("COPY a d FOO") == "(error) ERR syntax error");
  CHECK(n.Do("RPUSH l x y") == "(integer) 2");
  CHECK(n.Do("COPY l l2") == "(integer) 1");
  CHECK(n.Do("RPUSH l2 z") == "(integer) 3");
  CHECK(n.Do("LLEN l") == "(integer) 2");  // a deep copy
  TestNode c({{"cluster-enabled", "yes"}});
  CHECK(c.Do("COPY a d DB 1") == "(error) ERR Copying to another database is not allowed in cluster mode");
}

TEST_CASE("key positions of the specs (cluster slot checks and WATCH use them)") {
  TestNode n;
  auto keys = [&](std::vector<std::string_view> argv) {
    const rcs::CommandSpec* s = n.server().commands().Find(argv[0]);
    REQUIRE(s != nullptr);
    std::vector<int> idx;
    REQUIRE(s->KeyIndices(argv, &idx));
    return idx;
  };
  CHECK(keys({"del", "a", "b", "c"}) == std::vector<int>{1, 2, 3});
  CHECK(keys({"exists", "a", "b"}) == std::vector<int>{1, 2});
  CHECK(keys({"mget", "a", "b"}) == std::vector<int>{1, 2});
  CHECK(keys({"mset", "a", "1", "b", "2"}) == std::vector<int>{1, 3});
  CHECK(keys({"msetnx", "a", "1", "b", "2"}) == std::vector<int>{1, 3});
  CHECK(keys({"rename", "a", "b"}) == std::vector<int>{1, 2});
  CHECK(keys({"copy", "a", "b", "REPLACE"}) == std::vector<int>{1, 2});
  CHECK(keys({"set", "a", "v", "EX", "1"}) == std::vector<int>{1});
  CHECK(keys({"lcs", "a", "b", "LEN"}) == std::vector<int>{1, 2});
  CHECK(keys({"restore", "a", "0", "x", "REPLACE"}) == std::vector<int>{1});
  CHECK(keys({"keys", "*"}).empty());
  // WATCH sees a RENAME's destination change.
  CHECK(n.Do("SET a 1") == "OK");
  CHECK(n.Do("WATCH b") == "OK");
  auto* other = n.NewClient();
  n.Send(other, {"RENAME", "a", "b"});
  CHECK(n.Take(other) == "OK");
  CHECK(n.Do("MULTI") == "OK");
  CHECK(n.Do("GET b") == "QUEUED");
  CHECK(n.Do("EXEC") == "(nil)");
}

TEST_CASE("keyspace hits and misses are counted as Redis counts them, without touching the LRU clock") {
  TestNode n;
  CHECK(n.Do("SET k v") == "OK");
  n.Advance(3000);
  auto hits = [&] { return n.db().stats().keyspace_hits; };
  auto misses = [&] { return n.db().stats().keyspace_misses; };
  uint64_t h = hits(), m = misses();
  CHECK(n.Do("EXISTS k nokey") == "(integer) 1");
  CHECK(n.Do("TTL k") == "(integer) -1");
  CHECK(n.Do("TYPE nokey") == "none");
  CHECK(n.Do("OBJECT ENCODING k") == "\"embstr\"");
  CHECK(hits() == h + 3);
  CHECK(misses() == m + 2);
  CHECK(n.Do("OBJECT IDLETIME k") == "(integer) 3");  // none of the above touched the key
  h = hits();
  m = misses();
  CHECK(n.Do("SET k w") == "OK");
  CHECK(n.Do("INCR c") == "(integer) 1");
  CHECK(n.Do("DEL c") == "(integer) 1");
  CHECK(n.Do("EXPIRE k 100") == "(integer) 1");
  CHECK(hits() == h);  // writes do not count
  CHECK(misses() == m);
  CHECK(n.Do("GETSET k x") == "\"w\"");
  CHECK(n.Do("MGET k nokey") == "[\"x\", (nil)]");
  CHECK(hits() == h + 2);
  CHECK(misses() == m + 1);
}
