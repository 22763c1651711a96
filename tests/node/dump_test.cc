// The DUMP payload (keyspace/dump.h) and DUMP/RESTORE/RESTORE-ASKING through the harness: layout,
// checksum, version, corrupted and truncated input, TTL handling and propagation.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness.h"
#include "keyspace/dump.h"
#include "keyspace/hash_value.h"
#include "keyspace/list_value.h"
#include "keyspace/serialize.h"
#include "keyspace/set_value.h"
#include "keyspace/zset_value.h"

using rcs::test::TestNode;

namespace {

constexpr int64_t kStart = 1700000000000;
constexpr const char* kBadPayload = "(error) ERR DUMP payload version or checksum are wrong";

// The bytes of a RESP2 bulk reply.
std::string BulkBody(const std::string& raw) {
  REQUIRE(raw.size() >= 4);
  REQUIRE(raw[0] == '$');
  size_t crlf = raw.find("\r\n");
  size_t len = std::stoul(raw.substr(1, crlf - 1));
  REQUIRE(raw.size() == crlf + 2 + len + 2);
  return raw.substr(crlf + 2, len);
}

// Re-seals a payload after editing its type/body/version: recomputes the CRC.
std::string Reseal(std::string without_crc) {
  uint64_t crc = rcs::Crc64(0, without_crc.data(), without_crc.size());
  for (int i = 0; i < 8; i++) without_crc.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return without_crc;
}

using Propagated = rcs::test::PropagationLog;

// One small value of each collection type; the list holds `list_elements`.
struct SampleObjects {
  rcs::ListValue list;
  rcs::SetValue set;
  rcs::ZSetValue zset;
  rcs::HashValue hash;
  explicit SampleObjects(std::initializer_list<std::string_view> list_elements) {
    for (std::string_view e : list_elements) list.PushBack(e);
    set.Add("7", 512);
    set.Add("x", 512);
    zset.Set("m", 1.5, rcs::ZSetLimits{});
    hash.Set("f", "v", rcs::HashValue::Limits{});
  }
};

// `v` decoded to a copy of `obj`: the same type, size and serialized content.
void CheckSameValue(rcs::StatusOr<rcs::DumpedValue>& v, const rcs::Object& obj) {
  REQUIRE(v.ok());
  CHECK(v->type == obj.type());
  REQUIRE(v->obj != nullptr);
  CHECK(v->obj->size() == obj.size());
  std::string a, b;
  obj.Serialize(&a);
  v->obj->Serialize(&b);
  CHECK(a == b);
}

}  // namespace

TEST_CASE("CRC64 (Jones) check value") {
  const char* s = "123456789";
  CHECK(rcs::Crc64(0, s, 9) == 0xe9c6d914c4b8d9caULL);
  // Continuing a CRC over split input gives the same result.
  CHECK(rcs::Crc64(rcs::Crc64(0, s, 4), s + 4, 5) == 0xe9c6d914c4b8d9caULL);
}

TEST_CASE("string payload layout and round trip") {
  std::string p = rcs::CreateStringDumpPayload("hello");
  // redis-server 7.0.15's DUMP of SET k hello, byte for byte: RDB string, RDB version 10, CRC-64.
  CHECK(p == std::string("\x00\x05hello\x0a\x00\x63\x72\xdf\x76\x65\x34\x20\x0a", 17));
  // The older string body of ours (varint length, version 1) is still read.
  std::string old_body("\x00\x05hello\x01\x00", 9);
  uint64_t crc = rcs::Crc64(0, old_body.data(), old_body.size());
  for (int i = 0; i < 8; i++) old_body.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  auto old = rcs::ParseDumpPayload(old_body);
  REQUIRE(old.ok());
  CHECK(old->str == "hello");
  auto v = rcs::ParseDumpPayload(p);
  REQUIRE(v.ok());
  CHECK(v->type == rcs::ObjType::kString);
  CHECK(v->str == "hello");
  std::string big(100000, 'z');
  auto v2 = rcs::ParseDumpPayload(rcs::CreateStringDumpPayload(big));
  REQUIRE(v2.ok());
  CHECK(v2->str == big);
  auto v3 = rcs::ParseDumpPayload(rcs::CreateStringDumpPayload(""));
  REQUIRE(v3.ok());
  CHECK(v3->str.empty());
}

TEST_CASE("corrupted payloads are refused, never crash") {
  std::string p = rcs::CreateStringDumpPayload("some value");
  for (size_t len = 0; len < p.size(); len++) {
    auto v = rcs::ParseDumpPayload(p.substr(0, len));
    CHECK_FALSE(v.ok());
    CHECK(v.status().message() == "ERR DUMP payload version or checksum are wrong");
  }
  for (size_t bit = 0; bit < p.size() * 8; bit++) {
    std::string q = p;
    q[bit / 8] = static_cast<char>(q[bit / 8] ^ (1 << (bit % 8)));
    auto v = rcs::ParseDumpPayload(q);
    CHECK_FALSE(v.ok());
    CHECK(v.status().message() == "ERR DUMP payload version or checksum are wrong");
  }
  std::string extra = p + "x";
  CHECK_FALSE(rcs::ParseDumpPayload(extra).ok());
}

TEST_CASE("version and body checks behind a valid checksum") {
  std::string body;
  body.push_back(0);
  rcs::PutBytes(&body, "abc");
  // A newer version than ours: refused as Redis refuses a newer RDB version.
  auto newer = rcs::ParseDumpPayload(Reseal(body + std::string("\x02\x00", 2)));
  CHECK(newer.status().message() == "ERR DUMP payload version or checksum are wrong");
  auto zero = rcs::ParseDumpPayload(Reseal(body + std::string("\x00\x00", 2)));
  CHECK(zero.status().message() == "ERR DUMP payload version or checksum are wrong");
  CHECK(rcs::ParseDumpPayload(Reseal(body + std::string("\x01\x00", 2))).ok());
  // Trailing bytes in a string body, a short body, an unknown type: bad data format.
  auto trailing = rcs::ParseDumpPayload(Reseal(body + "z" + std::string("\x01\x00", 2)));
  CHECK(trailing.status().message() == "ERR Bad data format");
  std::string short_body = std::string("\x00\x09" "abc", 5) + std::string("\x01\x00", 2);
  CHECK(rcs::ParseDumpPayload(Reseal(short_body)).status().message() == "ERR Bad data format");
  std::string unknown = std::string("\x09\x01" "a", 3) + std::string("\x01\x00", 2);
  CHECK(rcs::ParseDumpPayload(Reseal(unknown)).status().message() == "ERR Bad data format");
  // An aggregate type whose body is garbage.
  std::string bad_list = std::string("\x01\xff\xff\xff", 4) + std::string("\x01\x00", 2);
  CHECK(rcs::ParseDumpPayload(Reseal(bad_list)).status().message() == "ERR Bad data format");
}

TEST_CASE("DUMP and RESTORE of strings and lists") {
  TestNode n;
  CHECK(n.Do("DUMP nokey") == "(nil)");
  CHECK(n.Do("SET k hello") == "OK");
  std::string payload = BulkBody(n.Raw({"DUMP", "k"}));
  CHECK(payload == rcs::CreateStringDumpPayload("hello"));
  CHECK(n.Do({"RESTORE", "k2", "0", payload}) == "OK");
  CHECK(n.Do("GET k2") == "\"hello\"");
  CHECK(n.Do("TTL k2") == "(integer) -1");
  CHECK(n.Do({"RESTORE", "k2", "0", payload}) == "(error) BUSYKEY Target key name already exists.");
  CHECK(n.Do("SET k3 other") == "OK");
  CHECK(n.Do({"RESTORE", "k3", "0", payload, "REPLACE"}) == "OK");
  CHECK(n.Do("GET k3") == "\"hello\"");

  CHECK(n.Do("RPUSH l a b c") == "(integer) 3");
  std::string lp = BulkBody(n.Raw({"DUMP", "l"}));
  CHECK(lp[0] == 18);  // redis-server's quicklist 2 (keyspace/rdb_writer.h)
  CHECK(n.Do({"RESTORE", "l2", "0", lp}) == "OK");
  CHECK(n.Do("LRANGE l2 0 -1") == "[\"a\", \"b\", \"c\"]");
  CHECK(n.Do("TYPE l2") == "list");
  CHECK(n.Do({"RESTORE", "k", "0", lp, "REPLACE"}) == "OK");
  CHECK(n.Do("TYPE k") == "list");
}

TEST_CASE("RESTORE: TTL, ABSTTL, options and errors") {
  TestNode n;
  Propagated p(n);
  std::string payload = rcs::CreateStringDumpPayload("v");
  CHECK(n.Do({"RESTORE", "a", "5000", payload}) == "OK");
  CHECK(n.Do("PTTL a") == "(integer) 5000");
  CHECK(p.last() == "RESTORE a " + std::to_string(kStart + 5000) + " " + payload + " ABSTTL");
  CHECK(n.Do({"RESTORE", "b", std::to_string(kStart + 7000), payload, "ABSTTL"}) == "OK");
  CHECK(n.Do("PTTL b") == "(integer) 7000");
  CHECK(p.last() == "RESTORE b " + std::to_string(kStart + 7000) + " " + payload + " ABSTTL");
  n.Advance(5000);
  CHECK(n.Do("EXISTS a b") == "(integer) 2");  // at its deadline a key still lives (Redis: now > when)
  n.Advance(1);
  CHECK(n.Do("EXISTS a b") == "(integer) 1");
  // A deadline already past: OK, nothing stored; with REPLACE the old key is deleted (and DEL propagated).
  CHECK(n.Do({"RESTORE", "c", "1", payload, "ABSTTL"}) == "OK");
  CHECK(n.Do("EXISTS c") == "(integer) 0");
  CHECK(n.Do({"RESTORE", "b", "1", payload, "ABSTTL", "REPLACE"}) == "OK");
  CHECK(n.Do("EXISTS b") == "(integer) 0");
  CHECK(p.last() == "DEL b");
  CHECK(n.Do({"RESTORE", "d", "0", payload, "IDLETIME", "10"}) == "OK");
  CHECK(n.Do({"RESTORE", "e", "0", payload, "FREQ", "10"}) == "OK");
  CHECK(n.Do({"RESTORE", "f", "0", payload, "idletime", "-1"}) == "(error) ERR Invalid IDLETIME value, must be >= 0");
  CHECK(n.Do({"RESTORE", "f", "0", payload, "FREQ", "256"}) == "(error) ERR Invalid FREQ value, must be >= 0 and <= 255");
  CHECK(n.Do({"RESTORE", "f", "0", payload, "FREQ", "x"}) == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do({"RESTORE", "f", "0", payload, "IDLETIME", "1", "FREQ", "1"}) == "(error) ERR syntax error");
  CHECK(n.Do({"RESTORE", "f", "0", payload, "FOO"}) == "(error) ERR syntax error");
  CHECK(n.Do({"RESTORE", "f", "0", payload, "IDLETIME"}) == "(error) ERR syntax error");
  CHECK(n.Do({"RESTORE", "f", "-1", payload}) == "(error) ERR Invalid TTL value, must be >= 0");
  CHECK(n.Do({"RESTORE", "f", "x", payload}) == "(error) ERR value is not an integer or out of range");
  // BUSYKEY is checked before the TTL and the payload, as Redis does.
  CHECK(n.Do({"RESTORE", "d", "x", "junk"}) == "(error) BUSYKEY Target key name already exists.");
  CHECK(n.Do({"RESTORE", "f", "0", "junk"}) == kBadPayload);
  CHECK(n.Do({"RESTORE", "f", "0"}) == "(error) ERR wrong number of arguments for 'restore' command");
  CHECK(n.Do("EXISTS f") == "(integer) 0");
}

TEST_CASE("RESTORE refuses every truncated or bit-flipped payload") {
  TestNode n;
  CHECK(n.Do("RPUSH l one two three") == "(integer) 3");
  std::string payload = BulkBody(n.Raw({"DUMP", "l"}));
  for (size_t len = 0; len < payload.size(); len++) {
    CHECK(n.Do({"RESTORE", "x", "0", payload.substr(0, len)}) == kBadPayload);
  }
  for (size_t bit = 0; bit < payload.size() * 8; bit++) {
    std::string q = payload;
    q[bit / 8] = static_cast<char>(q[bit / 8] ^ (1 << (bit % 8)));
    CHECK(n.Do({"RESTORE", "x", "0", q}) == kBadPayload);
  }
  CHECK(n.Do("EXISTS x") == "(integer) 0");
}

TEST_CASE("RESTORE-ASKING restores like RESTORE") {
  TestNode n;
  std::string payload = rcs::CreateStringDumpPayload("v");
  CHECK(n.Do({"RESTORE-ASKING", "k", "0", payload}) == "OK");
  CHECK(n.Do("GET k") == "\"v\"");
  CHECK(n.Do({"RESTORE-ASKING", "k", "0", payload}) == "(error) BUSYKEY Target key name already exists.");
  const rcs::CommandSpec* s = n.server().commands().Find("restore-asking");
  REQUIRE(s != nullptr);
  CHECK(s->is(rcs::kCmdAsking));
}

TEST_CASE("CreateDumpPayload/ParseDumpPayload as plain functions (MIGRATE uses them)") {
  TestNode n;
  CHECK(n.Do("RPUSH l a b") == "(integer) 2");
  CHECK(n.Do("SET s text") == "OK");
  rcs::Entry* e = n.db().Find("l");
  REQUIRE(e != nullptr);
  std::string lp = rcs::CreateDumpPayload(*e);
  std::string sp = rcs::CreateDumpPayload(*n.db().Find("s"));
  auto lv = rcs::ParseDumpPayload(lp);
  REQUIRE(lv.ok());
  CHECK(lv->type == rcs::ObjType::kList);
  REQUIRE(lv->obj != nullptr);
  CHECK(lv->obj->size() == 2);
  auto sv = rcs::ParseDumpPayload(sp);
  REQUIRE(sv.ok());
  CHECK(sv->str == "text");
  rcs::StoreDumpedValue(n.db(), "l3", std::move(*lv), kStart + 1000);
  CHECK(n.Do("LRANGE l3 0 -1") == "[\"a\", \"b\"]");
  CHECK(n.Do("PTTL l3") == "(integer) 1000");
}

TEST_CASE("the keyspace decodes every type without the command registry") {
  // No TestNode here: nothing registers commands, the decoders belong to the value types.
  SampleObjects o({"a", "b"});
  const rcs::Object* values[] = {&o.list, &o.set, &o.zset, &o.hash};
  for (const rcs::Object* obj : values) {
    CAPTURE(rcs::ObjTypeName(obj->type()));
    auto v = rcs::ParseDumpPayload(rcs::CreateObjectDumpPayload(*obj));
    CheckSameValue(v, *obj);
  }
  CHECK_FALSE(rcs::DeserializeObject(rcs::ObjType::kString, "\x01a").ok());
}

TEST_CASE("payloads of this project's former format (version 1) still decode, for every type") {
  // A node of an older release MIGRATEs with these during a rolling upgrade.
  SampleObjects o({"a", "123"});
  rcs::SetValue ints;
  ints.Add("-3", 512);
  const rcs::Object* values[] = {&o.list, &o.set, &ints, &o.zset, &o.hash};
  for (const rcs::Object* obj : values) {
    CAPTURE(rcs::ObjTypeName(obj->type()));
    std::string p(1, static_cast<char>(obj->type()));
    obj->Serialize(&p);
    p += std::string("\x01\x00", 2);
    auto v = rcs::ParseDumpPayload(Reseal(p));
    CheckSameValue(v, *obj);
    // Written again, it is redis-server's format (RDB version 10).
    std::string again = rcs::CreateObjectDumpPayload(*v->obj);
    CHECK(again.substr(again.size() - 10, 2) == std::string("\x0a\x00", 2));
  }
}

TEST_CASE("random bodies behind a valid checksum never crash the decoders") {
  uint64_t seed = 0x9e3779b97f4a7c15ULL;
  auto next = [&] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  int decoded = 0, refused = 0;
  for (int iter = 0; iter < 4000; iter++) {
    std::string p;
    p.push_back(static_cast<char>(next() % 6));  // the five types and one unknown
    size_t len = next() % 40;
    for (size_t i = 0; i < len; i++) {
      // Mostly small bytes, so that varint counts and lengths are often plausible.
      uint64_t r = next();
      p.push_back(static_cast<char>(r % 4 == 0 ? r >> 8 : r % 5));
    }
    p += std::string("\x01\x00", 2);
    auto v = rcs::ParseDumpPayload(Reseal(p));
    if (v.ok()) {
      decoded++;
      CHECK((v->type == rcs::ObjType::kString || (v->obj != nullptr && v->obj->size() > 0)));
    } else {
      refused++;
      CHECK(v.status().message() == "ERR Bad data format");
    }
  }
  CHECK(decoded + refused == 4000);
  CHECK(refused > 0);
}

TEST_CASE("DUMP/RESTORE round trip of every type, small and large encodings") {
  TestNode n;
  CHECK(n.Do("HSET h f1 v1 f2 v2") == "(integer) 2");
  CHECK(n.Do("SADD s 1 2 3") == "(integer) 3");
  CHECK(n.Do("SADD sw a b c") == "(integer) 3");
  CHECK(n.Do("ZADD z 1 a 2.5 b -3 c") == "(integer) 3");
  CHECK(n.Do("RPUSH l x y z") == "(integer) 3");
  std::vector<std::string> big_hash = {"HSET", "bh"}, big_set = {"SADD", "bs"}, big_zset = {"ZADD", "bz"};
  for (int i = 0; i < 300; i++) {
    big_hash.push_back("field" + std::to_string(i));
    big_hash.push_back(std::string(70, static_cast<char>('a' + i % 26)));
    big_set.push_back("member" + std::to_string(i));
    big_zset.push_back(std::to_string(i * 0.5));
    big_zset.push_back("m" + std::to_string(i));
  }
  CHECK(n.Do(big_hash) == "(integer) 300");
  CHECK(n.Do(big_set) == "(integer) 300");
  CHECK(n.Do(big_zset) == "(integer) 300");
  struct Check {
    const char* key;
    std::vector<std::string> read;  // {cmd, <key>, args...}: the key is substituted
  };
  std::vector<Check> checks = {
      {"h", {"HGETALL"}}, {"s", {"SMEMBERS"}}, {"sw", {"SMEMBERS"}}, {"z", {"ZRANGE", "0", "-1", "WITHSCORES"}},
      {"l", {"LRANGE", "0", "-1"}}, {"bh", {"HLEN"}}, {"bs", {"SCARD"}}, {"bz", {"ZRANGE", "0", "-1", "WITHSCORES"}},
  };
  auto read = [&](const Check& c, const std::string& key) {
    std::vector<std::string> argv = {c.read[0], key};
    argv.insert(argv.end(), c.read.begin() + 1, c.read.end());
    return n.Do(argv);
  };
  for (auto& c : checks) {
    CAPTURE(c.key);
    std::string payload = BulkBody(n.Raw({"DUMP", c.key}));
    std::string copy = std::string(c.key) + ":copy";
    CHECK(n.Do({"RESTORE", copy, "0", payload}) == "OK");
    CHECK(n.Do({"TYPE", copy}) == n.Do({"TYPE", c.key}));
    CHECK(n.Do({"OBJECT", "ENCODING", copy}) == n.Do({"OBJECT", "ENCODING", c.key}));
    std::string original = read(c, c.key), restored = read(c, copy);
    if (c.read[0] == "SMEMBERS" || c.read[0] == "HGETALL") {
      // Unordered types: compare as sets of items.
      auto items = [](const std::string& r) {
        std::multiset<std::string> out;
        size_t pos = 0;
        while ((pos = r.find('"', pos)) != std::string::npos) {
          size_t end = r.find('"', pos + 1);
          out.insert(r.substr(pos + 1, end - pos - 1));
          pos = end + 1;
        }
        return out;
      };
      CHECK(items(original) == items(restored));
      CHECK(!items(original).empty());
    } else {
      CHECK(original == restored);
    }
    // A payload survives a second trip unchanged.
    CHECK(BulkBody(n.Raw({"DUMP", copy})).size() == payload.size());
  }
}

TEST_CASE("function payload (FUNCTION DUMP/RESTORE): layout, trailer checks, records read in order") {
  const std::string lib1 = "#!lua name=one\nredis.register_function('f1', function() return 1 end)";
  const std::string lib2 = "#!lua name=two\n-- " + std::string(100, 'y') + "\nredis.register_function('f2', "
                           "function() return 2 end)";
  auto read_all = [](std::string_view payload, std::vector<std::string>* codes) {
    return rcs::ForEachDumpedFunction(payload, [codes](std::string code) {
      codes->push_back(std::move(code));
      return rcs::Status::Ok();
    });
  };
  for (bool compress : {false, true}) {
    std::string p = rcs::CreateFunctionDumpPayload({lib1, lib2}, compress);
    std::string records;
    rcs::AppendRdbFunction(&records, lib1, compress);
    rcs::AppendRdbFunction(&records, lib2, compress);
    CHECK(p.size() == records.size() + 10);
    CHECK(p.substr(0, records.size()) == records);
    CHECK(p.substr(records.size(), 2) == std::string("\x0a\x00", 2));  // RDB version 10
    CHECK(p == Reseal(p.substr(0, p.size() - 8)));
    CHECK(rcs::FunctionDumpTrailerValid(p));
    std::vector<std::string> codes;
    REQUIRE(read_all(p, &codes).ok());
    CHECK(codes == std::vector<std::string>{lib1, lib2});
  }
  // No library: the bare trailer, valid and empty.
  std::string empty = rcs::CreateFunctionDumpPayload({}, true);
  CHECK(empty.size() == 10);
  CHECK(rcs::FunctionDumpTrailerValid(empty));
  std::vector<std::string> none;
  CHECK(read_all(empty, &none).ok());
  CHECK(none.empty());

  // Trailer refusals: short, a flipped bit anywhere, a version newer than the parser reads.
  std::string p = rcs::CreateFunctionDumpPayload({lib1}, false);
  CHECK_FALSE(rcs::FunctionDumpTrailerValid(p.substr(0, 9)));
  CHECK_FALSE(rcs::FunctionDumpTrailerValid(""));
  for (size_t i = 0; i < p.size(); i++) {
    std::string bad = p;
    bad[i] ^= 0x04;
    CHECK_FALSE(rcs::FunctionDumpTrailerValid(bad));
  }
  std::string body = p.substr(0, p.size() - 10);
  CHECK(rcs::FunctionDumpTrailerValid(Reseal(body + std::string("\x0c\x00", 2))));  // 12: Redis 8 / Valkey
  CHECK_FALSE(rcs::FunctionDumpTrailerValid(Reseal(body + std::string("\x0d\x00", 2))));

  // Record errors (redis-server's texts), in payload order, after the records before them were handed over.
  auto error_of = [&](const std::string& records) {
    std::vector<std::string> codes;
    rcs::Status st = read_all(Reseal(records + std::string("\x0a\x00", 2)), &codes);
    return std::make_pair(st.ok() ? std::string("OK") : st.message(), codes.size());
  };
  CHECK(error_of(body + std::string("\x00\x01k\x01v", 5)) ==
        std::make_pair(std::string("ERR given type is not a function"), size_t{1}));
  CHECK(error_of("\xf5\x40\xc8" "abc") == std::make_pair(std::string("ERR Failed loading library payload"), size_t{0}));
  CHECK(error_of("\xf6\x03one\x40\xff") == std::make_pair(std::string("ERR Failed loading engine name"), size_t{0}));
  // The pre-release record of Redis 7.0 RC: name, engine, description flag and description, code.
  std::vector<std::string> codes;
  std::string pre_ga = std::string("\xf6\x03one\x03LUA\x01\x04" "desc", 15) + "\x0b" "return 'x' ";
  REQUIRE(read_all(Reseal(pre_ga + std::string("\x0a\x00", 2)), &codes).ok());
  CHECK(codes == std::vector<std::string>{"#!LUA name=one\nreturn 'x' "});
  codes.clear();
  std::string no_desc = std::string("\xf6\x03one\x03LUA\x00", 10) + "\x01x";
  REQUIRE(read_all(Reseal(no_desc + std::string("\x0a\x00", 2)), &codes).ok());
  CHECK(codes == std::vector<std::string>{"#!LUA name=one\nx"});
  // The first error of on_library stops the walk and is returned.
  int calls = 0;
  rcs::Status st = rcs::ForEachDumpedFunction(rcs::CreateFunctionDumpPayload({lib1, lib2}, false), [&](std::string) {
    calls++;
    return rcs::Status::Error("ERR stop");
  });
  CHECK(st.message() == "ERR stop");
  CHECK(calls == 1);
}
