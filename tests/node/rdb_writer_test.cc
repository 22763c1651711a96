// The RDB object writer (keyspace/rdb_writer.h): byte-equal to what Debian's redis-server 7.0.15 answered to
// DUMP for the same values (hex, recorded on a --save '' --appendonly no server), round trips through the
// RDB parser for every type and encoding, LZF, listpack integer and backlen forms; a whole file's function
// library records.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "base/clock.h"
#include "keyspace/dump.h"
#include "keyspace/keyspace.h"
#include "keyspace/rdb_file.h"
#include "keyspace/hash_value.h"
#include "keyspace/list_value.h"
#include "keyspace/rdb_encodings.h"
#include "keyspace/rdb_parser.h"
#include "keyspace/rdb_string.h"
#include "keyspace/rdb_writer.h"
#include "keyspace/set_value.h"
#include "keyspace/zset_value.h"

namespace {

std::string Hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

// Every element of the object in its natural order, scores as their text.
std::string Contents(const rcs::Object& obj) {
  std::string out;
  auto add = [&out](std::string_view s) {
    out += std::to_string(s.size()) + ":" + std::string(s) + ",";
  };
  switch (obj.type()) {
    case rcs::ObjType::kList: {
      const auto& l = static_cast<const rcs::ListValue&>(obj);
      for (auto it = l.Begin(); it.valid(); it.Next()) add(it.value());
      break;
    }
    case rcs::ObjType::kSet: {
      std::vector<std::string> m;
      static_cast<const rcs::SetValue&>(obj).ForEach([&](std::string_view s) { m.emplace_back(s); });
      std::sort(m.begin(), m.end());
      for (const auto& s : m) add(s);
      break;
    }
    case rcs::ObjType::kZSet:
      static_cast<const rcs::ZSetValue&>(obj).ForEach([&](std::string_view s, double score) {
        add(s);
        add(rcs::RdbScoreText(score));
      });
      break;
    case rcs::ObjType::kHash: {
      std::vector<std::string> m;
      static_cast<const rcs::HashValue&>(obj).ForEach(
          [&](std::string_view f, std::string_view v) { m.push_back(std::string(f) + "=" + std::string(v)); });
      std::sort(m.begin(), m.end());
      for (const auto& s : m) add(s);
      break;
    }
    case rcs::ObjType::kString:
      break;
  }
  return out;
}

void CheckRoundTrip(const rcs::Object& obj) {
  std::string p = rcs::CreateObjectDumpPayload(obj);
  auto v = rcs::ParseDumpPayload(p);
  REQUIRE(v.ok());
  REQUIRE(v->obj != nullptr);
  CHECK(v->type == obj.type());
  CHECK(std::string(v->obj->encoding()) == obj.encoding());
  CHECK(Contents(*v->obj) == Contents(obj));
  // Writing what was read gives the same bytes (the encodings are chosen from the value alone).
  if (obj.type() != rcs::ObjType::kSet || std::string(obj.encoding()) == "intset") {
    if (obj.type() != rcs::ObjType::kHash || std::string(obj.encoding()) == "listpack") {
      CHECK(rcs::CreateObjectDumpPayload(*v->obj) == p);
    }
  }
}

}  // namespace

TEST_CASE("payloads byte-equal to redis-server 7.0.15's DUMP") {
  rcs::ListValue l;
  for (const char* e : {"a", "1", "-5", "300", "70000", "hello"}) l.PushBack(e);
  CHECK(Hex(rcs::CreateObjectDumpPayload(l)) ==
        "1201021e1e00000006008161020101dffb02c12c02f2701101048568656c6c6f06ff0a00a2e02ebe9a435789");
  rcs::SetValue si;
  for (const char* e : {"1", "2", "100000"}) si.Add(e, 512);
  CHECK(Hex(rcs::CreateObjectDumpPayload(si)) == "0b1404000000030000000100000002000000a08601000a007555caa8a102e384");
  rcs::ZSetValue z;
  z.Set("a", 1, rcs::ZSetLimits{});
  z.Set("b", 1.5, rcs::ZSetLimits{});
  z.Set("c", -0.0, rcs::ZSetLimits{});
  z.Set("d", 1e20, rcs::ZSetLimits{});
  CHECK(Hex(rcs::CreateObjectDumpPayload(z)) ==
        "11232300000008008163020001816102010181620283312e35048164028531652b323006ff0a00d5c67fdad0c80616");
  rcs::HashValue h;
  h.Set("f", "v", rcs::HashValue::Limits{});
  h.Set("n", "12345", rcs::HashValue::Limits{});
  CHECK(Hex(rcs::CreateObjectDumpPayload(h)) == "1014140000000400816602817602816e02f1393003ff0a00295e989381be5650");
  CHECK(Hex(rcs::CreateStringDumpPayload("123")) == "00c07b0a0048e253e1007a67b9");
}

TEST_CASE("RDB strings: integers, LZF only when it saves 4 bytes, raw otherwise") {
  auto enc = [](std::string_view s, bool compress = true) {
    std::string out;
    rcs::AppendRdbString(&out, s, compress);
    return out;
  };
  CHECK(Hex(enc("-128")) == "c080");
  CHECK(Hex(enc("32767")) == "c1ff7f");
  CHECK(Hex(enc("-2147483648")) == "c200000080");
  CHECK(Hex(enc("2147483648")) == "0a32313437343833363438");  // beyond int32: text
  CHECK(Hex(enc("007")) == "03303037");                      // not canonical: text
  CHECK(Hex(enc("-0")) == "022d30");
  std::string rep(200, 'x');
  std::string c = enc(rep);
  CHECK(static_cast<uint8_t>(c[0]) == 0xc3);
  CHECK(c.size() < 20);
  std::string back;
  REQUIRE(rcs::DecodeRdbString(c, &back));
  CHECK(back == rep);
  CHECK(enc(rep, false).size() == 2 + 200);
  // 21 distinct bytes do not compress: raw.
  std::string distinct = "abcdefghijklmnopqrstu";
  CHECK(enc(distinct) == std::string(1, '\x15') + distinct);
  // LZF round trips over varied input (overlapping copies, long matches, far references).
  uint64_t seed = 12345;
  for (int iter = 0; iter < 300; iter++) {
    std::string in;
    size_t len = 1 + (seed % 20000);
    while (in.size() < len) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      int kind = static_cast<int>((seed >> 33) % 4);
      if (kind == 0 || in.empty()) {
        in.push_back(static_cast<char>(seed >> 40));
      } else {
        size_t from = (seed >> 20) % in.size();
        size_t n = (seed >> 10) % 300;
        for (size_t k = 0; k < n && in.size() < len; k++) in.push_back(in[from + k]);
      }
    }
    std::string packed, out;
    if (rcs::LzfCompress(in, in.size() + in.size() / 16 + 64, &packed)) {
      REQUIRE(rcs::LzfDecompress(packed, in.size(), &out));
      CHECK(out == in);
    } else {
      FAIL("LZF output larger than its bound");
    }
    std::string small;
    if (rcs::LzfCompress(in, 3, &small)) CHECK(small.size() <= 3);
  }
}

TEST_CASE("listpack entries decode back, in every integer and string form") {
  rcs::ListpackBuilder lp;
  std::vector<std::string> in = {"0", "127", "128", "-1", "-4096", "4095", "-4097", "32767", "-32768",
                                 "8388607", "-8388608", "2147483647", "-2147483648", "9223372036854775807",
                                 "-9223372036854775808", "9223372036854775808", "01", "", std::string(63, 'a'),
                                 std::string(64, 'b'), std::string(4095, 'c'), std::string(4096, 'd'),
                                 std::string(20000, 'e')};
  for (const auto& s : in) lp.Append(s);
  std::string blob = lp.Finish();
  std::vector<std::string> out;
  REQUIRE(rcs::DecodeListpack(blob, [&](std::string_view e) {
    out.emplace_back(e);
    return true;
  }));
  CHECK(out == in);
}

TEST_CASE("every type and encoding round trips through the RDB parser") {
  rcs::ListValue small, big;
  small.PushBack("x");
  for (int i = 0; i < 5000; i++) big.PushBack(i % 3 ? std::to_string(i) : "element-" + std::string(i % 50, 'z'));
  big.PushBack(std::string(100000, 'q'));
  CheckRoundTrip(small);
  CheckRoundTrip(big);
  rcs::SetValue ints, wide, strs, many_ints;
  ints.Add("5", 512);
  wide.Add("-9000000000", 512);
  wide.Add("3", 512);
  strs.Add("a", 512);
  strs.Add("1", 512);
  for (int i = 0; i < 600; i++) many_ints.Add(std::to_string(i * 7), 512);  // past set-max-intset-entries
  for (const rcs::SetValue* s : {&ints, &wide, &strs, &many_ints}) CheckRoundTrip(*s);
  CHECK(wide.intset_width() == 8);
  rcs::ZSetValue zl, zs;
  zl.Set("m", 2.5, rcs::ZSetLimits{});
  for (int i = 0; i < 200; i++) zs.Set("member" + std::to_string(i), i * 0.25 - 10, rcs::ZSetLimits{});
  zs.Set("inf", INFINITY, rcs::ZSetLimits{});
  zs.Set("-inf", -INFINITY, rcs::ZSetLimits{});
  CHECK(zs.is_skiplist());
  CheckRoundTrip(zl);
  CheckRoundTrip(zs);
  rcs::HashValue hl, ht;
  hl.Set("f", "1", rcs::HashValue::Limits{});
  for (int i = 0; i < 300; i++) ht.Set("field" + std::to_string(i), std::string(i % 90, 'v'), rcs::HashValue::Limits{});
  CHECK_FALSE(ht.is_listpack());
  CheckRoundTrip(hl);
  CheckRoundTrip(ht);
}

TEST_CASE("quicklist nodes are cut where redis-server cuts them on tail pushes") {
  // 8 KiB nodes (list-max-listpack-size -2): a node takes an element while bytes + len + 8 <= 8192.
  rcs::ListValue l;
  for (int i = 0; i < 1000; i++) l.PushBack(std::string(100, 'a'));  // 102-byte entries (1+100+1)
  std::string out;
  rcs::RdbWriteOptions opt;
  opt.compress = false;
  rcs::AppendRdbObject(&out, l, opt);
  // A node of n entries (7 + 102n bytes) takes one more while 7 + 102n + 100 + 8 <= 8192: 80 entries a node,
  // so 13 nodes (12 * 80, then 40).
  CHECK(static_cast<uint8_t>(out[0]) == 18);
  CHECK(static_cast<uint8_t>(out[1]) == 13);
  opt.list_max_listpack_size = 10;  // at most 10 elements per node
  out.clear();
  rcs::AppendRdbObject(&out, l, opt);
  CHECK(static_cast<uint8_t>(out[1]) == 0x40);  // 100 as a 14-bit RDB length
  CHECK(static_cast<uint8_t>(out[2]) == 100);
}

TEST_CASE("DEBUG QUICKLIST-PACKED-THRESHOLD: elements from the threshold on are written as plain nodes") {
  rcs::ListValue l;
  l.PushBack("small");
  l.PushBack(std::string(200, 'x'));
  l.PushBack("tail");
  rcs::RdbWriteOptions opt;
  opt.compress = false;
  std::string out;
  rcs::AppendRdbObject(&out, l, opt);
  CHECK(static_cast<uint8_t>(out[1]) == 1);  // one packed node (the default threshold is 1 GiB)
  REQUIRE(rcs::SetQuicklistPackedThreshold(100));
  out.clear();
  rcs::AppendRdbObject(&out, l, opt);
  CHECK(static_cast<uint8_t>(out[1]) == 3);  // packed, plain (the 200-byte element), packed
  CHECK(static_cast<uint8_t>(out[2]) == 2);  // the first node is packed (2), the next one plain (1)
  // redis-server's range: up to 4 GiB - 1 MiB; 0 restores the default.
  CHECK_FALSE(rcs::SetQuicklistPackedThreshold((uint64_t{1} << 32) - (uint64_t{1} << 20) + 1));
  CHECK(rcs::SetQuicklistPackedThreshold((uint64_t{1} << 32) - (uint64_t{1} << 20)));
  REQUIRE(rcs::SetQuicklistPackedThreshold(0));
  out.clear();
  rcs::AppendRdbObject(&out, l, opt);
  CHECK(static_cast<uint8_t>(out[1]) == 1);
}

namespace {

// Parser sink that keeps the order of what it is given: "f:<code>" for a library, "k:<key>" for a key.
struct OrderSink : rcs::RdbSink {
  std::vector<std::string> items;
  rcs::Status OnFunction(std::string code) override {
    items.push_back("f:" + code);
    return rcs::Status::Ok();
  }
  rcs::Status OnKey(rcs::RdbKey&& k) override {
    items.push_back("k:" + k.key);
    return rcs::Status::Ok();
  }
};

std::string WriteToString(rcs::Keyspace& db, const rcs::RdbFileInfo& info, const rcs::RdbWriteOptions& options) {
  FILE* f = tmpfile();
  REQUIRE(f != nullptr);
  REQUIRE(rcs::WriteRdb(fileno(f), db, 0, info, options));
  std::string out;
  rewind(f);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  fclose(f);
  return out;
}

}  // namespace

TEST_CASE("RDB file: the function libraries as FUNCTION2 records after the aux fields, before the keys") {
  rcs::ManualClock clock;
  rcs::Keyspace db(&clock);
  db.SetString("k", "v");
  rcs::RdbFileInfo info;
  const std::string lib1 = "#!lua name=one\nredis.register_function('f1', function() return 1 end)";
  const std::string lib2 = "#!lua name=two\n-- " + std::string(200, 'x') + "\nredis.register_function('f2', "
                           "function() return 2 end)";
  info.function_libraries = {lib1, lib2};
  for (bool compress : {false, true}) {
    rcs::RdbWriteOptions options;
    options.compress = compress;
    std::string file = WriteToString(db, info, options);
    OrderSink sink;
    auto r = rcs::ParseRdb(file, rcs::RdbParseOptions{}, sink);
    REQUIRE(r.ok());
    CHECK(r->functions == 2);
    CHECK(sink.items == std::vector<std::string>{"f:" + lib1, "f:" + lib2, "k:k"});
    // The first record follows the aof-base aux field as redis-server writes it: 0xf5 + the code.
    std::string aof_base = "\xfa";
    rcs::AppendRdbString(&aof_base, "aof-base", false);
    rcs::AppendRdbString(&aof_base, "0", false);
    size_t at = file.find(aof_base);
    REQUIRE(at != std::string::npos);
    std::string record;
    rcs::AppendRdbFunction(&record, lib1, compress);
    CHECK(Hex(file.substr(at + aof_base.size(), record.size())) == Hex(record));
    if (!compress) {
      std::string plain_record = "\xf5";
      rcs::AppendRdbLength(&plain_record, lib1.size());
      CHECK(record == plain_record + lib1);
    }
    std::string long_record;
    rcs::AppendRdbFunction(&long_record, lib2, compress);
    CHECK((static_cast<unsigned char>(long_record[1]) == 0xc3) == compress);  // LZF with rdbcompression
  }
  // Without libraries, SELECTDB right after the aux fields.
  info.function_libraries.clear();
  std::string plain = WriteToString(db, info, rcs::RdbWriteOptions{});
  std::string aof_base = "\xfa";
  rcs::AppendRdbString(&aof_base, "aof-base", false);
  rcs::AppendRdbString(&aof_base, "0", false);
  size_t at = plain.find(aof_base);
  REQUIRE(at != std::string::npos);
  CHECK(static_cast<unsigned char>(plain[at + aof_base.size()]) == 0xfe);
}

namespace {

// Parser sink for numbered databases: "<db>:<key>" for each key, the RESIZEDB hints as "resize <keys>".
struct DbSink : rcs::RdbSink {
  std::vector<std::string> items;
  uint64_t db = 0;
  bool takes_databases() const override { return true; }
  rcs::Status OnSelectDb(uint64_t d) override {
    if (d >= 16) return rcs::Status::Error("too many databases");
    db = d;
    return rcs::Status::Ok();
  }
  rcs::Status OnResizeDb(uint64_t keys, uint64_t) override {
    items.push_back("resize " + std::to_string(keys));
    return rcs::Status::Ok();
  }
  rcs::Status OnFunction(std::string) override { return rcs::Status::Ok(); }
  rcs::Status OnKey(rcs::RdbKey&& k) override {
    items.push_back(std::to_string(db) + ":" + k.key);
    return rcs::Status::Ok();
  }
};

std::string WriteDbsToString(const std::vector<rcs::Keyspace*>& dbs) {
  FILE* f = tmpfile();
  REQUIRE(f != nullptr);
  REQUIRE(rcs::WriteRdb(fileno(f), dbs, 0, rcs::RdbFileInfo{}, rcs::RdbWriteOptions{}));
  std::string out;
  rewind(f);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  fclose(f);
  return out;
}

}  // namespace

TEST_CASE("RDB file: numbered databases as SELECTDB + RESIZEDB before each one that holds keys") {
  rcs::ManualClock clock;
  rcs::Keyspace db0(&clock), db2(&clock), empty(&clock), db20(&clock);
  db0.SetString("a", "1");
  db2.SetString("b", "2");
  db2.SetString("c", "3");
  db20.SetString("far", "x");
  std::string file = WriteDbsToString({&db0, nullptr, &db2, &empty});
  DbSink sink;
  REQUIRE(rcs::ParseRdb(file, rcs::RdbParseOptions{}, sink).ok());
  REQUIRE(sink.items.size() == 5);
  CHECK(sink.items[0] == "resize 1");
  CHECK(sink.items[1] == "0:a");
  CHECK(sink.items[2] == "resize 2");
  CHECK((sink.items[3] == "2:b" || sink.items[3] == "2:c"));
  // No database with keys: no SELECTDB at all (redis-server's empty file).
  std::string none = WriteDbsToString({&empty, nullptr});
  CHECK(none.substr(0, none.size() - 9).find('\xfe') == std::string::npos);  // before EOF and the CRC
  // A database the sink refuses fails the parse with its reason; a sink that takes no databases refuses keys
  // outside database 0 as before.
  std::vector<rcs::Keyspace*> many(21, nullptr);
  many[20] = &db20;
  std::string far = WriteDbsToString(many);
  DbSink refusing;
  auto r = rcs::ParseRdb(far, rcs::RdbParseOptions{}, refusing);
  REQUIRE(!r.ok());
  CHECK(r.status().message().find("too many databases") == 0);
  OrderSink db0_only;
  auto r0 = rcs::ParseRdb(file, rcs::RdbParseOptions{}, db0_only);
  REQUIRE(!r0.ok());
  CHECK(r0.status().message().find("is in database 2") != std::string::npos);
}
