// Set commands and the set value type. Expected replies were taken from Debian's redis-server 7.0.15
// (same commands, same order).
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "harness.h"
#include "keyspace/serialize.h"
#include "keyspace/set_value.h"

using rcs::SetValue;
using namespace rcs::test;  // TestNode, NodeConfig, Step, Strings, PropagationLog

namespace {

std::set<std::string> Members(const SetValue& s) {
  std::set<std::string> m;
  s.ForEach([&](std::string_view v) { m.insert(std::string(v)); });
  return m;
}

std::set<std::string> StringSet(const std::string& text) {
  auto v = Strings(text);
  return std::set<std::string>(v.begin(), v.end());
}

}  // namespace

TEST_CASE("SetValue: matches a set model under random operations, intset widths and conversion") {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 4; round++) {
    SetValue s;
    std::set<std::string> m;
    int64_t max_intset = round == 3 ? 64 : 100000;
    for (int op = 0; op < 4000; op++) {
      std::string v;
      int kind = static_cast<int>(rng() % 10);
      if (round == 0 || kind < 6) {
        // Integers of every width, including the extremes.
        int64_t choices[] = {static_cast<int64_t>(rng() % 50) - 25, static_cast<int64_t>(rng() % 100000) - 50000,
                             static_cast<int64_t>(rng() % 10000000000ULL) - 5000000000LL, INT64_MIN, INT64_MAX};
        v = std::to_string(choices[rng() % 5]);
      } else if (round == 1) {
        v = "0" + std::to_string(rng() % 20);  // not canonical integers: strings
      } else {
        v = "m" + std::to_string(rng() % 300);
      }
      if (rng() % 3 != 0) {
        CHECK(s.Add(v, max_intset) == (m.insert(v).second));
      } else {
        CHECK(s.Remove(v) == (m.erase(v) == 1));
      }
      REQUIRE(s.size() == m.size());
      CHECK(s.Contains(v) == (m.count(v) == 1));
    }
    CHECK(Members(s) == m);
    char buf[SetValue::kIntBufSize];
    std::set<std::string> by_pos;
    for (size_t i = 0; i < s.size(); i++) by_pos.insert(std::string(s.At(i, buf)));
    CHECK(by_pos == m);
    if (round == 0) {
      CHECK(std::string(s.encoding()) == "intset");
      // Ascending order, as Redis's intset.
      int64_t prev = INT64_MIN;
      bool first = true;
      s.ForEach([&](std::string_view v) {
        int64_t x = std::stoll(std::string(v));
        if (!first) CHECK(x > prev);
        prev = x;
        first = false;
      });
    } else {
      CHECK(std::string(s.encoding()) == "hashtable");
    }
  }
}

TEST_CASE("SetValue: intset rules as Redis (strict integers, entry limit, no way back)") {
  SetValue s;
  CHECK(std::string(s.encoding()) == "intset");
  s.Add("1", 3);
  s.Add("-5", 3);
  s.Add("70000", 3);
  CHECK(std::string(s.encoding()) == "intset");
  s.Add("4", 3);  // 4 > 3 entries
  CHECK(std::string(s.encoding()) == "hashtable");
  s.Remove("4");
  CHECK(std::string(s.encoding()) == "hashtable");
  CHECK(s.Contains("70000"));
  CHECK(s.ContainsInt(-5));
  for (const char* not_int : {"01", "-0", "+1", " 1", "1 ", "9223372036854775808", "1.0", ""}) {
    SetValue t;
    t.Add(not_int, 512);
    CAPTURE(not_int);
    CHECK(std::string(t.encoding()) == "hashtable");
  }
  SetValue e;
  e.Add("9223372036854775807", 512);
  e.Add("-9223372036854775808", 512);
  CHECK(std::string(e.encoding()) == "intset");
  CHECK(Members(e) == std::set<std::string>{"9223372036854775807", "-9223372036854775808"});
}

TEST_CASE("SetValue: serialize, deserialize, clone and rebuild commands") {
  for (int kind = 0; kind < 2; kind++) {
    SetValue s;
    int n = 200;
    for (int i = 0; i < n; i++) s.Add(kind == 0 ? std::to_string(i * 1000 - 7) : "member:" + std::to_string(i), 512);
    std::string body;
    s.Serialize(&body);
    auto back = rcs::DeserializeObject(rcs::ObjType::kSet, body);
    REQUIRE(back.ok());
    CHECK(Members(*static_cast<SetValue*>(back.value().get())) == Members(s));
    CHECK(std::string(back.value()->encoding()) == s.encoding());
    auto clone = s.Clone();
    CHECK(Members(*static_cast<SetValue*>(clone.get())) == Members(s));
    CHECK(std::string(clone->encoding()) == s.encoding());
    std::set<std::string> rebuilt;
    size_t cmds = 0;
    s.EmitRebuildCommands("k", [&](const std::vector<std::string_view>& argv) {
      cmds++;
      CHECK(argv[0] == "SADD");
      CHECK(argv[1] == "k");
      CHECK(argv.size() <= 2 + 64);
      for (size_t i = 2; i < argv.size(); i++) rebuilt.insert(std::string(argv[i]));
    });
    CHECK(cmds == 4);  // 200 members, 64 per command
    CHECK(rebuilt == Members(s));
    CHECK(s.MemoryUsage() > 0);
  }
  for (std::string bad : {std::string(""), std::string("\x03\x01\x01" "a", 4), std::string("\x00\x01\x01" "a", 4),
                          std::string("\x01\x02\x01" "a\x01" "a", 7), std::string("\x00\x02\x01" "1\x01" "1", 7),
                          std::string("\x01\x01\x05" "a", 4), std::string("\x01\x01\x01" "ab", 5)}) {
    CHECK_FALSE(rcs::DeserializeObject(rcs::ObjType::kSet, bad).ok());
  }
}

TEST_CASE("SADD SREM SISMEMBER SMISMEMBER SCARD SMEMBERS") {
  TestNode n;
  CHECK(n.Do("SADD s 3 1 2 1") == "(integer) 3");
  CHECK(n.Do("SADD s 2 4") == "(integer) 1");
  CHECK(n.Do("SMEMBERS s") == "[\"1\", \"2\", \"3\", \"4\"]");  // intset: ascending
  CHECK(n.Do("SCARD s") == "(integer) 4");
  CHECK(n.Do("SCARD nokey") == "(integer) 0");
  CHECK(n.Do("SISMEMBER s 2") == "(integer) 1");
  CHECK(n.Do("SISMEMBER s 02") == "(integer) 0");
  CHECK(n.Do("SISMEMBER nokey 2") == "(integer) 0");
  CHECK(n.Do("SMISMEMBER s 1 9 4") == "[(integer) 1, (integer) 0, (integer) 1]");
  CHECK(n.Do("SMISMEMBER nokey 1 2") == "[(integer) 0, (integer) 0]");
  CHECK(n.Do("SREM s 1 9 2") == "(integer) 2");
  CHECK(n.Do("SREM nokey 1") == "(integer) 0");
  CHECK(n.Do("SREM s 3 4 5") == "(integer) 2");
  CHECK(n.db().Find("s") == nullptr);
  CHECK(n.Do("SMEMBERS nokey") == "[]");
  CHECK(n.Do("SADD s") == "(error) ERR wrong number of arguments for 'sadd' command");

  n.Do("SET str v");
  for (const char* cmd : {"SADD str a", "SREM str a", "SMEMBERS str", "SISMEMBER str a", "SMISMEMBER str a",
                          "SCARD str", "SPOP str", "SPOP str 0", "SRANDMEMBER str", "SRANDMEMBER str 0",
                          "SMOVE str s a", "SINTER str", "SUNION str", "SDIFF str", "SINTERCARD 1 str",
                          "SSCAN str 0", "SINTER nokey str", "SUNION nokey str", "SDIFF nokey str",
                          "SINTERCARD 2 nokey str", "SINTERSTORE d nokey str"}) {
    CAPTURE(cmd);
    CHECK(n.Do(cmd) == rcs::test::kWrongTypeReply);
  }
  n.Do("HELLO 3");
  n.Do("SADD s 1 2");
  CHECK(n.Raw({"SMEMBERS", "s"}) == "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  CHECK(n.Raw({"SMEMBERS", "nokey"}) == "~0\r\n");
  CHECK(n.Raw({"SMISMEMBER", "s", "1"}) == "*1\r\n:1\r\n");
}

TEST_CASE("OBJECT ENCODING of sets follows set-max-intset-entries") {
  TestNode n(NodeConfig{{"set-max-intset-entries", "3"}});
  static const Step kSteps[] = {
      {"SADD s 1 2 3", nullptr},
      {"OBJECT ENCODING s", "\"intset\""},
      {"SADD s 4", nullptr},
      {"OBJECT ENCODING s", "\"hashtable\""},
      {"SADD a x 1", nullptr},
      {"OBJECT ENCODING a", "\"hashtable\""},
      {"SREM a x", nullptr},
      {"OBJECT ENCODING a", "\"hashtable\""},
      {"SADD b 01", nullptr},
      {"OBJECT ENCODING b", "\"hashtable\""},
      {"SADD c -9223372036854775808 9223372036854775807", nullptr},
      {"OBJECT ENCODING c", "\"intset\""},
      {"SMEMBERS c", "[\"-9223372036854775808\", \"9223372036854775807\"]"},
  };
  rcs::test::RunSteps(n, kSteps);
}

TEST_CASE("SPOP: counts, errors, RESP3 set, propagation as SREM or DEL") {
  TestNode n;
  PropagationLog log(n);
  CHECK(n.Do("SPOP nokey") == "(nil)");
  CHECK(n.Do("SPOP nokey 2") == "[]");
  CHECK(n.Do("SPOP nokey -1") == "(error) ERR value is out of range, must be positive");
  CHECK(n.Do("SPOP nokey abc") == "(error) ERR value is out of range, must be positive");
  CHECK(n.Do("SPOP nokey 1 2") == "(error) ERR syntax error");
  CHECK(log.Take() == "");

  n.Do("SADD s a b c d e");
  log.Take();
  std::string one = n.Do("SPOP s");
  auto popped = Strings(one);
  REQUIRE(popped.size() == 1);
  CHECK(log.Take() == "SREM s " + popped[0]);
  CHECK(n.Do("SISMEMBER s " + popped[0]) == "(integer) 0");
  CHECK(n.Do("SPOP s 0") == "[]");
  CHECK(log.Take() == "");
  auto two = Strings(n.Do("SPOP s 2"));
  REQUIRE(two.size() == 2);
  CHECK(two[0] != two[1]);
  CHECK(log.Take() == "SREM s " + two[0] + " " + two[1]);
  CHECK(n.Do("SCARD s") == "(integer) 2");
  auto rest = Strings(n.Do("SPOP s 10"));
  CHECK(rest.size() == 2);
  CHECK(log.Take() == "DEL s");
  CHECK(n.db().Find("s") == nullptr);

  n.Do("SADD t 1");
  log.Take();
  CHECK(n.Do("SPOP t") == "\"1\"");
  CHECK(log.Take() == "SREM t 1");
  CHECK(n.db().Find("t") == nullptr);

  n.Do("HELLO 3");
  n.Do("SADD u 1 2 3");
  CHECK(n.Raw({"SPOP", "u", "5"}) == "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  CHECK(n.Raw({"SPOP", "nokey", "2"}) == "~0\r\n");
  CHECK(n.Raw({"SPOP", "nokey"}) == "_\r\n");
}

TEST_CASE("SPOP with a large count pops distinct members and keeps the rest; TTL kept") {
  TestNode n;
  PropagationLog log(n);
  std::vector<std::string> args = {"SADD", "s"};
  for (int i = 0; i < 3000; i++) args.push_back("m" + std::to_string(i));
  n.Do(args);
  n.Do("EXPIRE s 100");
  log.Take();
  auto popped = Strings(n.Do("SPOP s 2900"));
  CHECK(popped.size() == 2900);
  std::set<std::string> distinct(popped.begin(), popped.end());
  CHECK(distinct.size() == 2900);
  CHECK(n.Do("SCARD s") == "(integer) 100");
  CHECK(n.Do("TTL s") == "(integer) 100");
  for (const auto& m : Strings(n.Do("SMEMBERS s"))) CHECK(distinct.count(m) == 0);
  // Propagated as SREMs of at most 1024 members covering exactly the popped ones, in MULTI/EXEC (several
  // commands for one, as Redis 7.0 wraps them).
  std::set<std::string> removed;
  REQUIRE(log.cmds.size() >= 3);
  CHECK(log.cmds.front() == "MULTI");
  CHECK(log.cmds.back() == "EXEC");
  log.cmds.erase(log.cmds.begin());
  log.cmds.pop_back();
  for (auto& c : log.cmds) {
    auto words = std::vector<std::string>();
    size_t p = 0, q;
    while ((q = c.find(' ', p)) != std::string::npos) {
      words.push_back(c.substr(p, q - p));
      p = q + 1;
    }
    words.push_back(c.substr(p));
    CHECK(words[0] == "SREM");
    CHECK(words.size() <= 2 + 1024);
    for (size_t i = 2; i < words.size(); i++) removed.insert(words[i]);
  }
  CHECK(removed == distinct);

  // Most members of a hashtable leave and the survivors are integers: Redis rebuilds an intset.
  n.Do("SADD h a 1 2 3 4 5 6 7 8 9 10 11");
  n.Do("SREM h a");
  CHECK(n.Do("OBJECT ENCODING h") == "\"hashtable\"");
  n.Do("SPOP h 10");
  CHECK(n.Do("OBJECT ENCODING h") == "\"intset\"");
  CHECK(n.Do("SCARD h") == "(integer) 1");
}

TEST_CASE("SRANDMEMBER: counts, errors, fairness") {
  TestNode n;
  rcs::test::CheckRandomCountArgument(n, "SRANDMEMBER");
  CHECK(n.Do("SRANDMEMBER nokey 1 2") == "(error) ERR syntax error");
  n.Do("SADD s 1 2 3");
  CHECK(n.Do("SRANDMEMBER s 0") == "[]");
  CHECK(n.Do("SRANDMEMBER s 5") == "[\"1\", \"2\", \"3\"]");
  auto two = Strings(n.Do("SRANDMEMBER s 2"));
  REQUIRE(two.size() == 2);
  CHECK(two[0] != two[1]);
  CHECK(Strings(n.Do("SRANDMEMBER s -7")).size() == 7);
  CHECK(n.Do("SCARD s") == "(integer) 3");  // read only
  n.Do("HELLO 3");
  CHECK(n.Raw({"SRANDMEMBER", "s", "5"}) == "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");  // an array, not a set
  CHECK(n.Raw({"SRANDMEMBER", "nokey", "5"}) == "*0\r\n");
  CHECK(n.Raw({"SRANDMEMBER", "nokey"}) == "_\r\n");
  n.Do("HELLO 2");

  // Fair on a hashtable after deletions (the dense table has no holes).
  for (int i = 0; i < 40; i++) n.Do({"SADD", "big", "m" + std::to_string(i)});
  for (int i = 0; i < 30; i++) n.Do({"SREM", "big", "m" + std::to_string(i)});
  std::map<std::string, int> hits;
  for (auto& m : Strings(n.Do("SRANDMEMBER big -20000"))) hits[m]++;
  CHECK(hits.size() == 10);
  for (auto& [m, c] : hits) {
    CAPTURE(m);
    CHECK(c > 1600);
    CHECK(c < 2400);
  }
  // Fair on an intset too.
  hits.clear();
  for (auto& m : Strings(n.Do("SRANDMEMBER s -9000"))) hits[m]++;
  CHECK(hits.size() == 3);
  for (auto& [m, c] : hits) {
    CHECK(c > 2600);
    CHECK(c < 3400);
  }
}

TEST_CASE("SMOVE") {
  TestNode n;
  n.Do("SET str v");
  CHECK(n.Do("SMOVE nokey str a") == "(integer) 0");  // a missing source answers before any type check
  n.Do("SADD s a b");
  CHECK(n.Do("SMOVE s str a") == rcs::test::kWrongTypeReply);
  CHECK(n.Do("SMOVE s s a") == "(integer) 1");
  CHECK(n.Do("SMOVE s s zz") == "(integer) 0");
  CHECK(n.Do("SMOVE s d zz") == "(integer) 0");
  CHECK(n.Do("EXISTS d") == "(integer) 0");
  CHECK(n.Do("SMOVE s d a") == "(integer) 1");
  CHECK(n.Do("SMEMBERS d") == "[\"a\"]");
  CHECK(n.Do("SMOVE s d b") == "(integer) 1");
  CHECK(n.db().Find("s") == nullptr);
  CHECK(n.Do("SCARD d") == "(integer) 2");
  n.Do("SADD i 1 2");
  CHECK(n.Do("SMOVE i j 1") == "(integer) 1");
  CHECK(n.Do("OBJECT ENCODING j") == "\"intset\"");
  n.Do("SADD j 2");
  CHECK(n.Do("SMOVE i j 2") == "(integer) 1");  // already in the destination: still moved
  CHECK(n.Do("SMEMBERS j") == "[\"1\", \"2\"]");
  CHECK(n.Do("EXISTS i") == "(integer) 0");
}

TEST_CASE("SINTER SUNION SDIFF and STORE forms") {
  TestNode n;
  n.Do("SADD a 1 2 3 4");
  n.Do("SADD b 3 4 5");
  n.Do("SADD c x 3 y");
  CHECK(n.Do("SINTER a b") == "[\"3\", \"4\"]");
  CHECK(n.Do("SINTER a b c") == "[\"3\"]");
  CHECK(n.Do("SINTER a nokey") == "[]");
  CHECK(n.Do("SINTER nokey") == "[]");
  CHECK(n.Do("SINTER a a") == "[\"1\", \"2\", \"3\", \"4\"]");
  CHECK(n.Do("SUNION a b") == "[\"1\", \"2\", \"3\", \"4\", \"5\"]");
  CHECK(StringSet(n.Do("SUNION a c nokey")) == std::set<std::string>{"1", "2", "3", "4", "x", "y"});
  CHECK(n.Do("SDIFF a b") == "[\"1\", \"2\"]");
  CHECK(n.Do("SDIFF a nokey b") == "[\"1\", \"2\"]");
  CHECK(n.Do("SDIFF nokey a") == "[]");
  CHECK(n.Do("SDIFF a b a") == "[]");
  CHECK(StringSet(n.Do("SDIFF c a")) == std::set<std::string>{"x", "y"});

  CHECK(n.Do("SINTERSTORE d a b") == "(integer) 2");
  CHECK(n.Do("SMEMBERS d") == "[\"3\", \"4\"]");
  CHECK(n.Do("OBJECT ENCODING d") == "\"intset\"");
  CHECK(n.Do("SINTERSTORE d c b") == "(integer) 1");
  CHECK(n.Do("OBJECT ENCODING d") == "\"intset\"");  // built from scratch: the result decides
  CHECK(n.Do("SUNIONSTORE u a c") == "(integer) 6");
  CHECK(n.Do("OBJECT ENCODING u") == "\"hashtable\"");
  CHECK(n.Do("SDIFFSTORE df a b") == "(integer) 2");
  CHECK(n.Do("SMEMBERS df") == "[\"1\", \"2\"]");
  // The destination may be a source, and any type is overwritten; an empty result deletes it.
  CHECK(n.Do("SINTERSTORE a a b") == "(integer) 2");
  CHECK(n.Do("SMEMBERS a") == "[\"3\", \"4\"]");
  n.Do("SET str v");
  n.Do("EXPIRE str 100");
  CHECK(n.Do("SUNIONSTORE str b") == "(integer) 3");
  CHECK(n.Do("TYPE str") == "set");
  CHECK(n.Do("TTL str") == "(integer) -1");
  CHECK(n.Do("SINTERSTORE str a nokey") == "(integer) 0");
  CHECK(n.Do("EXISTS str") == "(integer) 0");
  CHECK(n.Do("SDIFFSTORE df a a") == "(integer) 0");
  CHECK(n.Do("EXISTS df") == "(integer) 0");

  n.Do("HELLO 3");
  CHECK(n.Raw({"SINTER", "a", "b"}) == "~2\r\n$1\r\n3\r\n$1\r\n4\r\n");
  CHECK(n.Raw({"SINTER", "a", "nokey"}) == "~0\r\n");
  CHECK(n.Raw({"SUNION", "a"}) == "~2\r\n$1\r\n3\r\n$1\r\n4\r\n");
  CHECK(n.Raw({"SDIFF", "nokey", "a"}) == "~0\r\n");
}

TEST_CASE("SINTER/SUNION/SDIFF agree with a model on big mixed sets") {
  TestNode n(NodeConfig{{"set-max-intset-entries", "64"}});
  std::mt19937 rng(3);
  std::vector<std::set<std::string>> model(4);
  for (int k = 0; k < 4; k++) {
    std::vector<std::string> args = {"SADD", "k" + std::to_string(k)};
    int count = k == 0 ? 30 : 400;
    for (int i = 0; i < count; i++) {
      std::string m = (k == 3 || rng() % 4 == 0) ? "s" + std::to_string(rng() % 300) : std::to_string(rng() % 300);
      args.push_back(m);
      model[k].insert(m);
    }
    n.Do(args);
  }
  std::set<std::string> inter, uni, diff;
  for (auto& m : model[1]) {
    if (model[2].count(m) && model[3].count(m)) inter.insert(m);
  }
  for (auto& s : model) uni.insert(s.begin(), s.end());
  for (auto& m : model[1]) {
    if (!model[0].count(m) && !model[2].count(m)) diff.insert(m);
  }
  CHECK(StringSet(n.Do("SINTER k1 k2 k3")) == inter);
  CHECK(Strings(n.Do("SINTER k1 k2 k3")).size() == inter.size());
  CHECK(StringSet(n.Do("SUNION k0 k1 k2 k3")) == uni);
  CHECK(Strings(n.Do("SUNION k0 k1 k2 k3")).size() == uni.size());
  CHECK(StringSet(n.Do("SDIFF k1 k0 k2")) == diff);
  CHECK(n.Do("SINTERCARD 3 k1 k2 k3") == "(integer) " + std::to_string(inter.size()));
  CHECK(n.Do("SUNIONSTORE dst k0 k1 k2 k3") == "(integer) " + std::to_string(uni.size()));
}

TEST_CASE("SINTERCARD: numkeys, LIMIT and errors") {
  TestNode n;
  n.Do("SADD a 1 2 3 4");
  n.Do("SADD b 2 3 4 5");
  CHECK(n.Do("SINTERCARD 2 a b") == "(integer) 3");
  CHECK(n.Do("SINTERCARD 2 a b LIMIT 2") == "(integer) 2");
  CHECK(n.Do("SINTERCARD 2 a b limit 0") == "(integer) 3");
  CHECK(n.Do("SINTERCARD 2 a b LIMIT 10") == "(integer) 3");
  CHECK(n.Do("SINTERCARD 1 a") == "(integer) 4");
  CHECK(n.Do("SINTERCARD 2 a nokey") == "(integer) 0");
  CHECK(n.Do("SINTERCARD 0 a") == "(error) ERR numkeys should be greater than 0");
  CHECK(n.Do("SINTERCARD -1 a") == "(error) ERR numkeys should be greater than 0");
  CHECK(n.Do("SINTERCARD abc a") == "(error) ERR numkeys should be greater than 0");
  CHECK(n.Do("SINTERCARD 3 a b") == "(error) ERR Number of keys can't be greater than number of args");
  CHECK(n.Do("SINTERCARD 1 a LIMIT") == "(error) ERR syntax error");
  CHECK(n.Do("SINTERCARD 1 a LIMIT -1") == "(error) ERR LIMIT can't be negative");
  CHECK(n.Do("SINTERCARD 1 a LIMIT abc") == "(error) ERR LIMIT can't be negative");
  CHECK(n.Do("SINTERCARD 1 a foo 1") == "(error) ERR syntax error");
  // Keys come from numkeys (movable keys).
  CHECK(n.Do("COMMAND GETKEYS SINTERCARD 2 a b LIMIT 1") == "[\"a\", \"b\"]");
}

TEST_CASE("SSCAN: cursor parsing, options, MATCH, full walk of a hashtable") {
  TestNode n;
  CHECK(n.Do("SSCAN nokey abc") == "(error) ERR invalid cursor");
  CHECK(n.Do("SSCAN nokey 0 COUNT abc") == "[\"0\", []]");
  n.Do("SADD s 1 2 10");
  CHECK(n.Do("SSCAN s 0") == "[\"0\", [\"1\", \"2\", \"10\"]]");
  CHECK(n.Do("SSCAN s 0 MATCH 1*") == "[\"0\", [\"1\", \"10\"]]");
  CHECK(n.Do("SSCAN s 0 COUNT 0") == "(error) ERR syntax error");
  CHECK(n.Do("SSCAN s 0 COUNT x") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("SSCAN s 0 foo") == "(error) ERR syntax error");

  std::vector<std::string> args = {"SADD", "big"};
  for (int i = 0; i < 1000; i++) args.push_back("member" + std::to_string(i));
  n.Do(args);
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    auto strs = Strings(n.Do({"SSCAN", "big", cursor, "COUNT", "25"}));
    cursor = strs[0];
    seen.insert(strs.begin() + 1, strs.end());
    // Add and remove other members while scanning (the table resizes).
    if (calls % 5 == 0) {
      std::vector<std::string> more = {"SADD", "big"};
      for (int i = 0; i < 200; i++) more.push_back("tmp" + std::to_string(calls * 1000 + i));
      n.Do(more);
    }
    calls++;
  } while (cursor != "0" && calls < 100000);
  for (int i = 0; i < 1000; i++) CHECK(seen.count("member" + std::to_string(i)) == 1);
}
