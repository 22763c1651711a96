// Hash commands and the hash value type. Expected replies were taken from Debian's redis-server 7.0.15
// (same commands, same order).
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "harness.h"
#include "keyspace/hash_value.h"
#include "keyspace/serialize.h"

using rcs::HashValue;
using rcs::test::Step;
using rcs::test::TestNode;
using rcs::test::NodeConfig;

namespace {

using rcs::test::PropagationLog;

std::map<std::string, std::string> Contents(const HashValue& h) {
  std::map<std::string, std::string> m;
  h.ForEach([&](std::string_view f, std::string_view v) { m.emplace(std::string(f), std::string(v)); });
  return m;
}

// Counts the elements of a RESP2 text array reply ("[...]"): the number of top-level '"' pairs.
size_t CountBulks(const std::string& text) {
  size_t n = 0;
  bool in = false;
  for (char c : text) {
    if (c == '"') {
      if (!in) n++;
      in = !in;
    }
  }
  return n;
}

}  // namespace

TEST_CASE("HashValue: matches a map model under random operations, through both encodings") {
  std::mt19937 rng(11);
  HashValue::Limits limits{16, 20};
  for (int round = 0; round < 4; round++) {
    HashValue h;
    std::map<std::string, std::string> m;
    for (int op = 0; op < 3000; op++) {
      std::string f = "f" + std::to_string(rng() % (round < 2 ? 12 : 400));
      int k = static_cast<int>(rng() % 10);
      if (k < 6) {
        std::string v(rng() % (round == 1 ? 30 : 10), static_cast<char>('a' + rng() % 26));
        bool added = h.Set(f, v, limits);
        CHECK(added == (m.count(f) == 0));
        m[f] = v;
      } else if (k < 9) {
        CHECK(h.Delete(f) == (m.erase(f) == 1));
      } else {
        std::string_view v;
        bool found = h.Get(f, &v);
        REQUIRE(found == (m.count(f) == 1));
        if (found) CHECK(v == m[f]);
      }
      REQUIRE(h.size() == m.size());
    }
    CHECK(Contents(h) == m);
    // Positional access agrees with iteration.
    std::map<std::string, std::string> by_pos;
    for (size_t i = 0; i < h.size(); i++) by_pos.emplace(std::string(h.At(i).first), std::string(h.At(i).second));
    CHECK(by_pos == m);
  }
}

TEST_CASE("HashValue: encodings follow hash-max-listpack-entries/value and never go back") {
  HashValue::Limits limits{3, 8};
  HashValue h;
  CHECK(std::string(h.encoding()) == "listpack");
  h.Set("a", "1", limits);
  h.Set("b", "12345678", limits);  // exactly the value limit
  h.Set("c", "3", limits);
  CHECK(std::string(h.encoding()) == "listpack");
  h.Set("d", "4", limits);  // 4 > 3 entries
  CHECK(std::string(h.encoding()) == "hashtable");
  h.Delete("d");
  h.Delete("c");
  CHECK(std::string(h.encoding()) == "hashtable");

  HashValue g;
  g.Set("a", "123456789", limits);  // value longer than the limit
  CHECK(std::string(g.encoding()) == "hashtable");
  HashValue k;
  k.Set("123456789", "v", limits);  // field longer than the limit
  CHECK(std::string(k.encoding()) == "hashtable");
  HashValue u;
  u.Set("a", "1", limits);
  u.Set("a", "123456789", limits);  // an update that grows the value converts too
  CHECK(std::string(u.encoding()) == "hashtable");
  std::string_view v;
  CHECK(u.Get("a", &v));
  CHECK(v == "123456789");
}

TEST_CASE("HashValue: listpack keeps insertion order and updates values in place") {
  HashValue h;
  HashValue::Limits limits;
  h.Set("z", "1", limits);
  h.Set("a", "2", limits);
  h.Set("m", "3", limits);
  h.Set("a", "a much longer value", limits);
  h.Set("z", "", limits);
  std::string order;
  h.ForEach([&](std::string_view f, std::string_view v) { order += std::string(f) + "=" + std::string(v) + ";"; });
  CHECK(order == "z=;a=a much longer value;m=3;");
  h.Delete("a");
  order.clear();
  h.ForEach([&](std::string_view f, std::string_view v) { order += std::string(f) + "=" + std::string(v) + ";"; });
  CHECK(order == "z=;m=3;");
}

TEST_CASE("HashValue: serialize, deserialize, clone and rebuild commands") {
  for (int big : {0, 1}) {
    HashValue h;
    HashValue::Limits limits;
    int n = big ? 300 : 5;
    for (int i = 0; i < n; i++) h.Set("field:" + std::to_string(i), std::string(i % 40, 'x') + std::to_string(i), limits);
    std::string body;
    h.Serialize(&body);
    auto back = rcs::DeserializeObject(rcs::ObjType::kHash, body);
    REQUIRE(back.ok());
    auto* hb = static_cast<HashValue*>(back.value().get());
    CHECK(Contents(*hb) == Contents(h));
    CHECK(std::string(hb->encoding()) == h.encoding());
    auto clone = h.Clone();
    CHECK(Contents(*static_cast<HashValue*>(clone.get())) == Contents(h));
    CHECK(std::string(clone->encoding()) == h.encoding());

    std::vector<std::vector<std::string>> cmds;
    h.EmitRebuildCommands("key", [&](const std::vector<std::string_view>& argv) {
      cmds.emplace_back(argv.begin(), argv.end());
    });
    size_t pairs = 0;
    for (auto& c : cmds) {
      CHECK(c[0] == "HSET");
      CHECK(c[1] == "key");
      CHECK(c.size() % 2 == 0);
      CHECK(c.size() <= 2 + 2 * 64);
      pairs += (c.size() - 2) / 2;
    }
    CHECK(pairs == static_cast<size_t>(n));
    CHECK(cmds.size() == static_cast<size_t>((n + 63) / 64));
    CHECK(h.MemoryUsage() > 0);
  }
  // Malformed bodies are errors, never crashes.
  for (std::string bad : {std::string(""), std::string("\x02\x01", 2), std::string("\x00\x00", 2),
                          std::string("\x00\x05\x01" "a", 4), std::string("\x00\x01\x01" "a\x01" "b" "x", 7),
                          std::string("\x00\x02\x01" "a\x01" "b\x01" "a\x01" "c", 10)}) {
    CHECK_FALSE(rcs::DeserializeObject(rcs::ObjType::kHash, bad).ok());
  }
}

TEST_CASE("HashValue: HSCAN cursor returns every stable field across resizes") {
  HashValue h;
  HashValue::Limits limits{1, 64};
  for (int i = 0; i < 2000; i++) h.Set("k" + std::to_string(i), "v", limits);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int step = 0;
  do {
    cursor = h.Scan(cursor, 10, [&](std::string_view f, std::string_view) { seen.insert(std::string(f)); });
    // Grow and shrink the table between calls; only fields k2000+ come and go.
    if (step % 7 == 0) {
      for (int i = 0; i < 300; i++) h.Set("x" + std::to_string(step * 1000 + i), "v", limits);
    }
    if (step % 11 == 0) {
      for (int i = 0; i < 2000; i++) h.Delete("x" + std::to_string(i + (step / 7) * 1000));
    }
    step++;
  } while (cursor != 0 && step < 100000);
  CHECK(cursor == 0);
  for (int i = 0; i < 2000; i++) CHECK(seen.count("k" + std::to_string(i)) == 1);
}

TEST_CASE("HSET HMSET HSETNX HGET HMGET HDEL HLEN HEXISTS HSTRLEN") {
  TestNode n;
  CHECK(n.Do("HSET h a") == "(error) ERR wrong number of arguments for 'hset' command");
  CHECK(n.Do("HSET h a 1 b") == "(error) ERR wrong number of arguments for 'hset' command");
  CHECK(n.Do("HMSET h a") == "(error) ERR wrong number of arguments for 'hmset' command");
  CHECK(n.Do("HSET h a 1 b 2") == "(integer) 2");
  CHECK(n.Do("HSET h a 10 c 3") == "(integer) 1");
  CHECK(n.Do("HMSET h d 4") == "OK");
  CHECK(n.Do("HSETNX h a x") == "(integer) 0");
  CHECK(n.Do("HSETNX h e 5") == "(integer) 1");
  CHECK(n.Do("HGET h a") == "\"10\"");
  CHECK(n.Do("HGET h zz") == "(nil)");
  CHECK(n.Do("HGET nokey a") == "(nil)");
  CHECK(n.Do("HMGET h a zz b") == "[\"10\", (nil), \"2\"]");
  CHECK(n.Do("HMGET nokey a b") == "[(nil), (nil)]");
  CHECK(n.Do("HLEN h") == "(integer) 5");
  CHECK(n.Do("HLEN nokey") == "(integer) 0");
  CHECK(n.Do("HEXISTS h a") == "(integer) 1");
  CHECK(n.Do("HEXISTS h zz") == "(integer) 0");
  CHECK(n.Do("HEXISTS nokey a") == "(integer) 0");
  CHECK(n.Do("HSTRLEN h a") == "(integer) 2");
  CHECK(n.Do("HSTRLEN h zz") == "(integer) 0");
  CHECK(n.Do("HSTRLEN nokey a") == "(integer) 0");
  CHECK(n.Do("HDEL h a zz b") == "(integer) 2");
  CHECK(n.Do("HDEL nokey a") == "(integer) 0");
  CHECK(n.Do("HDEL h c d e") == "(integer) 3");
  CHECK(n.db().Find("h") == nullptr);  // an emptied hash is deleted
  CHECK(n.Do("EXISTS h") == "(integer) 0");

  n.Do("SET str v");
  for (const char* cmd : {"HSET str a 1", "HMSET str a 1", "HSETNX str a 1", "HGET str a", "HMGET str a", "HDEL str a",
                          "HLEN str", "HEXISTS str a", "HSTRLEN str a", "HGETALL str", "HKEYS str", "HVALS str",
                          "HINCRBY str a 1", "HINCRBYFLOAT str a 1", "HSCAN str 0", "HRANDFIELD str",
                          "HRANDFIELD str 2"}) {
    CAPTURE(cmd);
    CHECK(n.Do(cmd) == rcs::test::kWrongTypeReply);
  }
  CHECK(n.Do("GET str") == "\"v\"");
}

TEST_CASE("HGETALL HKEYS HVALS: map in RESP3, flat array in RESP2, listpack order") {
  TestNode n;
  n.Do("HSET h b 2 a 1 c 3");
  CHECK(n.Do("HGETALL h") == "[\"b\", \"2\", \"a\", \"1\", \"c\", \"3\"]");
  CHECK(n.Do("HKEYS h") == "[\"b\", \"a\", \"c\"]");
  CHECK(n.Do("HVALS h") == "[\"2\", \"1\", \"3\"]");
  CHECK(n.Do("HGETALL nokey") == "[]");
  CHECK(n.Do("HKEYS nokey") == "[]");
  n.Do("HELLO 3");
  CHECK(n.Raw({"HGETALL", "h"}) == "%3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(n.Raw({"HGETALL", "nokey"}) == "%0\r\n");
  CHECK(n.Raw({"HKEYS", "nokey"}) == "*0\r\n");
  CHECK(n.Raw({"HVALS", "h"}) == "*3\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n");
  CHECK(n.Raw({"HGET", "h", "zz"}) == "_\r\n");
}

TEST_CASE("HINCRBY: errors, overflow, strict integers") {
  TestNode n;
  CHECK(n.Do("HINCRBY h a x") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("EXISTS h") == "(integer) 0");
  CHECK(n.Do("HINCRBY h new -5") == "(integer) -5");
  CHECK(n.Do("HINCRBY h new 7") == "(integer) 2");
  n.Do("HSET h s hello lz 007 big 9223372036854775807 small -9223372036854775808");
  CHECK(n.Do("HINCRBY h s 1") == "(error) ERR hash value is not an integer");
  CHECK(n.Do("HINCRBY h lz 1") == "(error) ERR hash value is not an integer");
  CHECK(n.Do("HINCRBY h big 1") == "(error) ERR increment or decrement would overflow");
  CHECK(n.Do("HINCRBY h small -1") == "(error) ERR increment or decrement would overflow");
  CHECK(n.Do("HINCRBY h big -1") == "(integer) 9223372036854775806");
  CHECK(n.Do("HINCRBY h big 0") == "(integer) 9223372036854775806");
  CHECK(n.Do("HGET h big") == "\"9223372036854775806\"");
}

TEST_CASE("HINCRBYFLOAT: Redis's float rules, formatting and propagation as HSET") {
  TestNode n;
  PropagationLog log(n);
  CHECK(n.Do("HINCRBYFLOAT h f 0.1") == "\"0.1\"");
  CHECK(log.Take() == "HSET h f 0.1");
  CHECK(n.Do("HINCRBYFLOAT h f 0.2") == "\"0.3\"");
  CHECK(log.Take() == "HSET h f 0.3");
  CHECK(n.Do("HINCRBYFLOAT h g 5.0e3") == "\"5000\"");
  CHECK(n.Do("HINCRBYFLOAT h g -5000") == "\"0\"");
  CHECK(n.Do("HINCRBYFLOAT h e 0x1p3") == "\"8\"");
  log.Take();
  CHECK(n.Do("HINCRBYFLOAT h f inf") == "(error) ERR value is NaN or Infinity");
  CHECK(n.Do("HINCRBYFLOAT h f +inf") == "(error) ERR value is NaN or Infinity");
  CHECK(n.Do("HINCRBYFLOAT h f nan") == "(error) ERR value is not a valid float");
  CHECK(n.Do("HINCRBYFLOAT h f abc") == "(error) ERR value is not a valid float");
  CHECK(n.Do({"HINCRBYFLOAT", "h", "f", " 1"}) == "(error) ERR value is not a valid float");
  CHECK(n.Do("HINCRBYFLOAT h f 1e5000") == "(error) ERR value is not a valid float");  // overflow
  CHECK(n.Do("HINCRBYFLOAT h f 1e-5000") == "(error) ERR value is not a valid float");  // underflow to 0
  CHECK(log.Take() == "");
  n.Do({"HSET", "h", "sp", " 12", "tr", "12 ", "hex", "0x10", "big", "1e5000", "inf", "inf", "lz", "007", "s", "x"});
  CHECK(n.Do("HINCRBYFLOAT h sp 1") == "(error) ERR hash value is not a float");
  CHECK(n.Do("HINCRBYFLOAT h tr 1") == "(error) ERR hash value is not a float");
  CHECK(n.Do("HINCRBYFLOAT h big 1") == "(error) ERR hash value is not a float");
  CHECK(n.Do("HINCRBYFLOAT h s 1") == "(error) ERR hash value is not a float");
  CHECK(n.Do("HINCRBYFLOAT h inf 1") == "(error) ERR increment would produce NaN or Infinity");
  CHECK(n.Do("HINCRBYFLOAT h hex 1") == "\"17\"");
  CHECK(n.Do("HINCRBYFLOAT h lz 1") == "\"8\"");
  // Large results use Redis's %.17Lf text (long double precision).
  CHECK(n.Do("HINCRBYFLOAT h c 1e70") == "\"10000000000000000000222479489586148259025995410601157579323600873193472\"");
  CHECK(n.Do("OBJECT ENCODING h") == "\"hashtable\"");  // the 71-byte value exceeds hash-max-listpack-value
  n.Do("HELLO 3");
  CHECK(n.Raw({"HINCRBYFLOAT", "h", "f", "1"}) == "$3\r\n1.3\r\n");  // a bulk string, also in RESP3
}

TEST_CASE("OBJECT ENCODING of hashes follows the configured limits") {
  TestNode n(NodeConfig{{"hash-max-listpack-entries", "4"}, {"hash-max-listpack-value", "10"}});
  static const Step kSteps[] = {
      {"HSET h a 1 b 2 c 3 d 4", nullptr},
      {"OBJECT ENCODING h", "\"listpack\""},
      {"HSET h e 5", nullptr},
      {"OBJECT ENCODING h", "\"hashtable\""},
      {"HDEL h a b c d", nullptr},
      {"OBJECT ENCODING h", "\"hashtable\""},
      {"HSET h2 a 0123456789", nullptr},
      {"OBJECT ENCODING h2", "\"listpack\""},
      {"HSET h2 b 01234567890", nullptr},
      {"OBJECT ENCODING h2", "\"hashtable\""},
      {"HINCRBY h3 a_very_long_field 1", nullptr},
      {"OBJECT ENCODING h3", "\"hashtable\""},
      {"HSETNX h4 a_very_long_field 1", nullptr},
      {"OBJECT ENCODING h4", "\"hashtable\""},
      {"HGETALL h", "[\"e\", \"5\"]"},
  };
  rcs::test::RunSteps(n, kSteps);
}

TEST_CASE("HRANDFIELD: count forms, WITHVALUES, argument order, RESP3 pairs") {
  TestNode n;
  rcs::test::CheckRandomCountArgument(n, "HRANDFIELD");
  CHECK(n.Do("HRANDFIELD nokey abc withvalues") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("HRANDFIELD nokey -9223372036854775807 foo") == "(error) ERR syntax error");
  CHECK(n.Do("HRANDFIELD nokey 1 withvalues x") == "(error) ERR syntax error");
  CHECK(n.Do("HRANDFIELD nokey -4611686018427387904 withvalues") == "(error) ERR value is out of range");
  CHECK(n.Do("HRANDFIELD nokey -4611686018427387903 withvalues") == "[]");

  n.Do("HSET h a 1 b 2 c 3");
  std::string one = n.Do("HRANDFIELD h");
  CHECK((one == "\"a\"" || one == "\"b\"" || one == "\"c\""));
  CHECK(n.Do("HRANDFIELD h 0") == "[]");
  CHECK(n.Do("HRANDFIELD h 3") == "[\"a\", \"b\", \"c\"]");
  CHECK(n.Do("HRANDFIELD h 10 WITHVALUES") == "[\"a\", \"1\", \"b\", \"2\", \"c\", \"3\"]");
  for (int i = 0; i < 50; i++) {
    std::string two = n.Do("HRANDFIELD h 2");
    CHECK(CountBulks(two) == 2);
    // Distinct fields for a positive count.
    CHECK(!(two == "[\"a\", \"a\"]" || two == "[\"b\", \"b\"]" || two == "[\"c\", \"c\"]"));
    std::string pairs = n.Do("HRANDFIELD h 2 withvalues");
    CHECK(CountBulks(pairs) == 4);
  }
  std::string many = n.Do("HRANDFIELD h -20");
  CHECK(CountBulks(many) == 20);  // repeats allowed
  CHECK(CountBulks(n.Do("HRANDFIELD h -5 WITHVALUES")) == 10);

  n.Do("HELLO 3");
  std::string raw = n.Raw({"HRANDFIELD", "h", "-2", "withvalues"});
  CHECK(raw.rfind("*2\r\n*2\r\n$1\r\n", 0) == 0);  // RESP3: an array of [field, value] pairs
  CHECK(n.Raw({"HRANDFIELD", "h", "5", "withvalues"}) ==
        "*3\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(n.Raw({"HRANDFIELD", "nokey"}) == "_\r\n");
}

TEST_CASE("HRANDFIELD is fair on a hashtable, also after deletions") {
  TestNode n(NodeConfig{{"hash-max-listpack-entries", "2"}});
  for (int i = 0; i < 20; i++) n.Do({"HSET", "h", "f" + std::to_string(i), "v"});
  for (int i = 0; i < 10; i++) n.Do({"HDEL", "h", "f" + std::to_string(i * 2)});
  CHECK(n.Do("OBJECT ENCODING h") == "\"hashtable\"");
  std::map<std::string, int> hits;
  std::string reply = n.Do("HRANDFIELD h -20000");
  size_t pos = 0;
  while ((pos = reply.find('"', pos)) != std::string::npos) {
    size_t end = reply.find('"', pos + 1);
    hits[reply.substr(pos + 1, end - pos - 1)]++;
    pos = end + 1;
  }
  CHECK(hits.size() == 10);
  for (auto& [f, c] : hits) {
    CAPTURE(f);
    CHECK(c > 1600);  // expected 2000 each; 1600..2400 is beyond 8 standard deviations
    CHECK(c < 2400);
  }
  // Positive count on a big hash: distinct fields.
  std::string ten = n.Do("HRANDFIELD h 9");
  std::set<std::string> distinct;
  pos = 0;
  while ((pos = ten.find('"', pos)) != std::string::npos) {
    size_t end = ten.find('"', pos + 1);
    distinct.insert(ten.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  CHECK(distinct.size() == 9);
}

TEST_CASE("HSCAN: cursor parsing, options, missing key, MATCH") {
  TestNode n;
  CHECK(n.Do("HSCAN nokey abc") == "(error) ERR invalid cursor");
  CHECK(n.Do({"HSCAN", "nokey", " 1"}) == "(error) ERR invalid cursor");
  CHECK(n.Do("HSCAN nokey 0 COUNT abc") == "[\"0\", []]");  // options are read only for an existing key
  CHECK(n.Do("HSCAN nokey -1") == "[\"0\", []]");            // strtoul accepts "-1"
  n.Do("HSET h a 1 b 2 ab 3");
  CHECK(n.Do("HSCAN h 0") == "[\"0\", [\"a\", \"1\", \"b\", \"2\", \"ab\", \"3\"]]");
  CHECK(n.Do("HSCAN h 0 count 0") == "(error) ERR syntax error");
  CHECK(n.Do("HSCAN h 0 count x") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("HSCAN h 0 type string") == "(error) ERR syntax error");
  CHECK(n.Do("HSCAN h 0 match") == "(error) ERR syntax error");
  CHECK(n.Do("HSCAN h 0 MATCH a*") == "[\"0\", [\"a\", \"1\", \"ab\", \"3\"]]");
  CHECK(n.Do("HSCAN h 0 MATCH * COUNT 1") == "[\"0\", [\"a\", \"1\", \"b\", \"2\", \"ab\", \"3\"]]");

  TestNode big(NodeConfig{{"hash-max-listpack-entries", "8"}});
  for (int i = 0; i < 500; i++) big.Do({"HSET", "h", "field" + std::to_string(i), std::to_string(i)});
  std::set<std::string> fields;
  std::string cursor = "0";
  int calls = 0;
  do {
    std::string r = big.Do({"HSCAN", "h", cursor, "COUNT", "20"});
    size_t q1 = r.find('"'), q2 = r.find('"', q1 + 1);
    cursor = r.substr(q1 + 1, q2 - q1 - 1);
    size_t pos = q2 + 1;
    bool is_field = true;
    while ((pos = r.find('"', pos)) != std::string::npos) {
      size_t end = r.find('"', pos + 1);
      if (is_field) fields.insert(r.substr(pos + 1, end - pos - 1));
      is_field = !is_field;
      pos = end + 1;
    }
    calls++;
  } while (cursor != "0" && calls < 10000);
  CHECK(fields.size() == 500);
  CHECK(calls > 1);  // a hashtable is walked in steps
}

TEST_CASE("Hash commands keep the key's TTL and leave no empty key") {
  TestNode n;
  n.Do("HSET h a 1");
  n.Do("EXPIRE h 100");
  n.Do("HSET h b 2");
  n.Do("HINCRBY h a 1");
  n.Do("HINCRBYFLOAT h a 1");
  n.Do("HDEL h b");
  CHECK(n.Do("TTL h") == "(integer) 100");
  CHECK(n.Do("HGET h a") == "\"3\"");
  n.Do("HDEL h a");
  CHECK(n.Do("TYPE h") == "none");
}
