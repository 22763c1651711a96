// redis-server's RDB format, read side (keyspace/rdb_parser.h, rdb_encodings.h, base/crc64.h): each packed
// encoding from hand-built bytes, the checksum, refusals with their offsets, and the real files of
// tests/fixtures/rdb/ (redis-server 7.0.15, Redis 8.0-dev, Valkey 8.0.1).
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/crc64.h"
#include "keyspace/hash_value.h"
#include "keyspace/stream_value.h"
#include "keyspace/list_value.h"
#include "keyspace/rdb_encodings.h"
#include "keyspace/rdb_parser.h"
#include "keyspace/rdb_string.h"
#include "keyspace/set_value.h"
#include "keyspace/zset_value.h"

namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(static_cast<char>(c));
  return s;
}

void PutLE(std::string* s, uint64_t v, int n) {
  for (int i = 0; i < n; i++) s->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::vector<std::string> Listpack(const std::string& blob, bool* ok) {
  std::vector<std::string> out;
  *ok = rcs::DecodeListpack(blob, [&](std::string_view e) {
    out.emplace_back(e);
    return true;
  });
  return out;
}

std::vector<std::string> Ziplist(const std::string& blob, bool* ok) {
  std::vector<std::string> out;
  *ok = rcs::DecodeZiplist(blob, [&](std::string_view e) {
    out.emplace_back(e);
    return true;
  });
  return out;
}

// A listpack of raw entries (each: encoding + data), with their backlens, header and end byte.
std::string MakeListpack(const std::vector<std::string>& entries, int count = -1) {
  std::string body;
  for (const auto& e : entries) {
    body += e;
    REQUIRE(e.size() <= 127);
    body.push_back(static_cast<char>(e.size()));
  }
  std::string lp;
  PutLE(&lp, 6 + body.size() + 1, 4);
  PutLE(&lp, count < 0 ? entries.size() : static_cast<size_t>(count), 2);
  return lp + body + "\xff";
}

// Parser sink that keeps everything.
struct Collect : rcs::RdbSink {
  std::map<std::string, rcs::RdbKey> keys;
  std::vector<std::string> functions;
  std::map<std::string, std::string> aux;
  rcs::Status OnAux(std::string_view k, std::string_view v) override {
    aux[std::string(k)] = std::string(v);
    return rcs::Status::Ok();
  }
  rcs::Status OnFunction(std::string code) override {
    functions.push_back(std::move(code));
    return rcs::Status::Ok();
  }
  rcs::Status OnKey(rcs::RdbKey&& k) override {
    std::string name = k.key;
    keys.emplace(name, std::move(k));
    return rcs::Status::Ok();
  }
};

// An RDB image: header, the given body, EOF and the checksum.
std::string MakeRdb(const std::string& body, const char* version = "0011") {
  std::string f = std::string("REDIS") + version + body + "\xff";
  PutLE(&f, rcs::Crc64(0, f.data(), f.size()), 8);
  return f;
}

std::string RdbStr(const std::string& s) {
  std::string out;
  rcs::AppendRdbLength(&out, s.size());
  return out + s;
}

std::string ReadFixture(const std::string& rel) {
  std::ifstream in(std::string(RCS_SOURCE_DIR) + "/tests/fixtures/rdb/" + rel, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The textbook bit-at-a-time CRC-64/Jones, to check the table-driven one against.
uint64_t BitwiseCrc64(const std::string& s) {
  uint64_t crc = 0;
  for (unsigned char c : s) {
    crc ^= c;
    for (int k = 0; k < 8; k++) crc = (crc & 1) ? (crc >> 1) ^ 0x95ac9329ac4bc9b5ULL : crc >> 1;
  }
  return crc;
}

}  // namespace

TEST_CASE("CRC-64/Jones: check value, every length and alignment against the bitwise definition") {
  CHECK(rcs::Crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9caULL);
  std::string s;
  for (int i = 0; i < 300; i++) s.push_back(static_cast<char>(i * 131 + 7));
  for (size_t off = 0; off < 9; off++) {
    for (size_t len = 0; off + len <= s.size(); len += 13) {
      std::string part = s.substr(off, len);
      CHECK(rcs::Crc64(0, part.data(), part.size()) == BitwiseCrc64(part));
    }
  }
  // Split anywhere: the same as one pass.
  for (size_t cut = 0; cut <= s.size(); cut += 37) {
    CHECK(rcs::Crc64(rcs::Crc64(0, s.data(), cut), s.data() + cut, s.size() - cut) == BitwiseCrc64(s));
  }
  // Long inputs (the carry-less multiply path from 64 bytes on): every alignment, lengths around the
  // 16- and 64-byte steps, and starting states other than 0, against the tables and the bitwise definition.
  std::string big;
  uint64_t x = 88172645463325252ULL;
  for (int i = 0; i < 5000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    big.push_back(static_cast<char>(x));
  }
  for (size_t off = 0; off < 16; off++) {
    for (size_t len : {63, 64, 65, 79, 80, 127, 128, 129, 143, 191, 192, 200, 255, 256, 1000, 4096, 4984}) {
      std::string part = big.substr(off, len);
      CHECK(rcs::Crc64(0, part.data(), part.size()) == BitwiseCrc64(part));
      CHECK(rcs::Crc64(0x0123456789abcdefULL, part.data(), part.size()) ==
            rcs::Crc64Portable(0x0123456789abcdefULL, part.data(), part.size()));
    }
  }
  CHECK(rcs::Crc64(rcs::Crc64(0, big.data(), 1111), big.data() + 1111, big.size() - 1111) == BitwiseCrc64(big));
  // The trailer of real files: CRC of everything before it, little-endian.
  for (const char* f : {"redis-7.0.15-basic/dump.rdb", "redis-8.0-dev/dump.rdb", "valkey-8.0.1/dump.rdb"}) {
    std::string d = ReadFixture(f);
    uint64_t stored = 0;
    for (int i = 0; i < 8; i++) stored |= static_cast<uint64_t>(static_cast<unsigned char>(d[d.size() - 8 + i])) << (8 * i);
    CHECK(rcs::Crc64(0, d.data(), d.size() - 8) == stored);
  }
}

TEST_CASE("LZF: literal runs, overlapping back-references, and malformed input refused") {
  std::string out;
  // "abc" literally, then 6 bytes from 3 back (overlapping the bytes being written).
  REQUIRE(rcs::LzfDecompress(Bytes({2, 'a', 'b', 'c', 0x80, 2}), 9, &out));
  CHECK(out == "abcabcabc");
  // A long back-reference (length byte follows: 7 + 2 + 10 = 19 bytes of 'x').
  REQUIRE(rcs::LzfDecompress(Bytes({0, 'x', 0xe0, 10, 0}), 20, &out));
  CHECK(out == std::string(20, 'x'));
  CHECK_FALSE(rcs::LzfDecompress(Bytes({2, 'a', 'b', 'c', 0x80, 5}), 9, &out));  // distance beyond the output
  CHECK_FALSE(rcs::LzfDecompress(Bytes({5, 'a', 'b'}), 6, &out));                 // literal run cut short
  CHECK_FALSE(rcs::LzfDecompress(Bytes({2, 'a', 'b', 'c'}), 4, &out));            // shorter than announced
  CHECK_FALSE(rcs::LzfDecompress(Bytes({2, 'a', 'b', 'c', 0x80, 2}), 5, &out));   // longer than announced
  CHECK_FALSE(rcs::LzfDecompress(Bytes({0, 'x', 0xe0}), 20, &out));               // back-reference cut short
}

TEST_CASE("intset: widths, sign, order") {
  std::string is;
  PutLE(&is, 2, 4);
  PutLE(&is, 3, 4);
  PutLE(&is, static_cast<uint16_t>(-5), 2);
  PutLE(&is, 1, 2);
  PutLE(&is, 100, 2);
  std::vector<int64_t> got;
  REQUIRE(rcs::DecodeIntset(is, [&](int64_t v) { got.push_back(v); return true; }));
  CHECK(got == std::vector<int64_t>{-5, 1, 100});
  std::string wide;
  PutLE(&wide, 8, 4);
  PutLE(&wide, 2, 4);
  PutLE(&wide, static_cast<uint64_t>(INT64_MIN), 8);
  PutLE(&wide, static_cast<uint64_t>(INT64_MAX), 8);
  got.clear();
  REQUIRE(rcs::DecodeIntset(wide, [&](int64_t v) { got.push_back(v); return true; }));
  CHECK(got == std::vector<int64_t>{INT64_MIN, INT64_MAX});
  auto ok = [](const std::string& b) { return rcs::DecodeIntset(b, [](int64_t) { return true; }); };
  std::string unsorted = is;
  unsorted[8] = 7;  // first element 7 > 1
  unsorted[9] = 0;
  CHECK_FALSE(ok(unsorted));
  std::string bad_width = is;
  bad_width[0] = 3;
  CHECK_FALSE(ok(bad_width));
  CHECK_FALSE(ok(is.substr(0, is.size() - 1)));  // count says 3, two and a half there
  CHECK_FALSE(ok(is + "xx"));
}

TEST_CASE("listpack: every integer and string encoding, backlens checked") {
  std::string s200(200, 's');
  std::vector<std::string> entries = {
      Bytes({0x05}),                          // 7-bit uint 5
      Bytes({0x82, 'a', 'b'}),                // 6-bit string "ab"
      Bytes({0xdf, 0xff}),                    // 13-bit int -1
      Bytes({0xf1, 0xe8, 0x03}),              // int16 1000
      Bytes({0xf2, 0x00, 0x00, 0x80}),        // int24 -8388608
      Bytes({0xf3, 0xff, 0xff, 0xff, 0x7f}),  // int32 2147483647
      Bytes({0xf4, 0, 0, 0, 0, 0, 0, 0, 0x80}),  // int64 min
  };
  bool ok;
  auto got = Listpack(MakeListpack(entries), &ok);
  REQUIRE(ok);
  CHECK(got == std::vector<std::string>{"5", "ab", "-1", "1000", "-8388608", "2147483647", "-9223372036854775808"});
  // A 12-bit string (200 bytes: backlen takes two bytes) and the "unknown count" header.
  std::string body = Bytes({0xe0, 200}) + s200;
  std::string lp;
  PutLE(&lp, 6 + body.size() + 2 + 1, 4);
  PutLE(&lp, 65535, 2);
  lp += body + Bytes({202 >> 7, (202 & 127) | 128}) + "\xff";
  got = Listpack(lp, &ok);
  REQUIRE(ok);
  CHECK(got == std::vector<std::string>{s200});
  // Damage: wrong count, wrong total, a string running past the end, a wrong backlen, no end byte.
  Listpack(MakeListpack(entries, 3), &ok);
  CHECK_FALSE(ok);
  std::string bad = MakeListpack(entries);
  bad[0] = static_cast<char>(bad[0] + 1);
  Listpack(bad, &ok);
  CHECK_FALSE(ok);
  Listpack(MakeListpack({Bytes({0x85, 'a'})}), &ok);
  CHECK_FALSE(ok);
  bad = MakeListpack({Bytes({0x82, 'a', 'b'})});
  bad[9] = 2;  // backlen says 2, the entry has 3 bytes
  Listpack(bad, &ok);
  CHECK_FALSE(ok);
  bad = MakeListpack(entries);
  bad.back() = 0;
  Listpack(bad, &ok);
  CHECK_FALSE(ok);
}

TEST_CASE("ziplist: strings, every integer width, immediates, prevlen chain checked") {
  // entries: "hi" (4 bytes), int8 -3 (3 bytes), immediate 7 (2 bytes), int16 -300, int24, int32, int64
  std::vector<std::string> enc = {Bytes({0x02, 'h', 'i'}), Bytes({0xfe, 0xfd}), Bytes({0xf8}),
                                  Bytes({0xc0, 0xd4, 0xfe}), Bytes({0xf0, 0x40, 0x42, 0x0f}),
                                  Bytes({0xd0, 0x00, 0x00, 0x00, 0x80}), Bytes({0xe0, 1, 0, 0, 0, 0, 0, 0, 0})};
  std::string body;
  size_t prev = 0, last = 10;
  for (const auto& e : enc) {
    last = 10 + body.size();
    body.push_back(static_cast<char>(prev));
    body += e;
    prev = e.size() + 1;
  }
  auto make = [&](size_t count, size_t tail, const std::string& b) {
    std::string zl;
    PutLE(&zl, 10 + b.size() + 1, 4);
    PutLE(&zl, tail, 4);
    PutLE(&zl, count, 2);
    return zl + b + "\xff";
  };
  bool ok;
  auto got = Ziplist(make(enc.size(), last, body), &ok);
  REQUIRE(ok);
  CHECK(got == std::vector<std::string>{"hi", "-3", "7", "-300", "1000000", "-2147483648", "1"});
  // A 14-bit string length (big-endian) with a 5-byte prevlen before the next entry.
  std::string big(300, 'z');
  std::string b2 = Bytes({0, 0x41, 0x2c}) + big;  // prevlen 0, 01|000001 00101100 = 300
  size_t second = 10 + b2.size();
  b2 += Bytes({0xfe}) ;
  PutLE(&b2, 303, 4);
  b2 += Bytes({0xf1});  // immediate 0
  got = Ziplist(make(2, second, b2), &ok);
  REQUIRE(ok);
  CHECK(got == std::vector<std::string>{big, "0"});
  // Damage: count, tail, a broken prevlen chain, a string past the end.
  Ziplist(make(enc.size() + 1, last, body), &ok);
  CHECK_FALSE(ok);
  Ziplist(make(enc.size(), last + 1, body), &ok);
  CHECK_FALSE(ok);
  std::string chain = body;
  chain[4] = 9;  // second entry's prevlen
  Ziplist(make(enc.size(), last, chain), &ok);
  CHECK_FALSE(ok);
  Ziplist(make(1, 10, Bytes({0, 0x09, 'a'})), &ok);
  CHECK_FALSE(ok);
}

TEST_CASE("zipmap: pairs with free space; damage refused") {
  std::string zm = Bytes({2, 2, 'f', '1', 2, 1, 'v', '1', 'X', 1, 'g', 0, 0, 0xff});
  std::vector<std::string> got;
  REQUIRE(rcs::DecodeZipmap(zm, [&](std::string_view e) { got.emplace_back(e); return true; }));
  CHECK(got == std::vector<std::string>{"f1", "v1", "g", ""});
  CHECK_FALSE(rcs::DecodeZipmap(zm.substr(0, 6) + "\xff", [](std::string_view) { return true; }));
  zm[0] = 3;
  CHECK_FALSE(rcs::DecodeZipmap(zm, [](std::string_view) { return true; }));
}

TEST_CASE("parser: a hand-built file with aux, expiry, a quicklist and a function") {
  std::string body = Bytes({0xfa}) + RdbStr("redis-ver") + RdbStr("7.2.0");
  body += Bytes({0xf5}) + RdbStr("#!lua name=lib\nredis.register_function('f', function() return 1 end)");
  body += Bytes({0xfe, 0x00, 0xfb, 0x02, 0x01});
  body += Bytes({0xfc});
  PutLE(&body, 4102444800000ULL, 8);
  body += Bytes({0x00}) + RdbStr("s") + Bytes({0xc1, 0x39, 0x30});  // int16 12345
  // quicklist 2: one packed listpack node ("a", 5), one plain node
  body += Bytes({18}) + RdbStr("l") + Bytes({2, 2}) + RdbStr(MakeListpack({Bytes({0x81, 'a'}), Bytes({0x05})})) +
          Bytes({1}) + RdbStr("plain");
  body += Bytes({0xf8, 0x10, 0x02}) + RdbStr("set") + Bytes({2}) + RdbStr("x") + RdbStr("y");  // IDLE then a set
  std::string f = MakeRdb(body);
  Collect c;
  auto r = rcs::ParseRdb(f, rcs::RdbParseOptions{}, c);
  REQUIRE(r.ok());
  CHECK(r->version == 11);
  CHECK(r->keys == 3);
  CHECK(r->checksum_checked);
  CHECK(r->end_offset == f.size());
  CHECK(c.aux["redis-ver"] == "7.2.0");
  REQUIRE(c.functions.size() == 1);
  CHECK(c.functions[0].rfind("#!lua name=lib\n", 0) == 0);
  CHECK(c.keys["s"].value.str == "12345");
  CHECK(c.keys["s"].expire_at_ms == 4102444800000LL);
  auto* l = static_cast<rcs::ListValue*>(c.keys["l"].value.obj.get());
  REQUIRE(l->size() == 3);
  CHECK(l->At(0) == "a");
  CHECK(l->At(1) == "5");
  CHECK(l->At(2) == "plain");
  CHECK(c.keys["l"].expire_at_ms == -1);
  CHECK(c.keys["set"].lru_idle_s == 16);
  CHECK(c.keys["set"].value.obj->size() == 2);
  // rdbchecksum no: a zero checksum is not checked.
  std::string nocrc = f;
  for (size_t i = nocrc.size() - 8; i < nocrc.size(); i++) nocrc[i] = 0;
  Collect c2;
  auto r2 = rcs::ParseRdb(nocrc, rcs::RdbParseOptions{}, c2);
  REQUIRE(r2.ok());
  CHECK_FALSE(r2->checksum_checked);
}

TEST_CASE("parser: refusals and corruption name what and where") {
  auto err = [](const std::string& f) {
    Collect c;
    auto r = rcs::ParseRdb(f, rcs::RdbParseOptions{}, c);
    REQUIRE_FALSE(r.ok());
    return r.status().message();
  };
  const std::string key = Bytes({0}) + RdbStr("k") + RdbStr("v");  // 5 bytes at offset 9
  CHECK(err(MakeRdb(key, "0013")) == "RDB format version 13 is not supported (this node reads 1 to 12) at offset 5");
  CHECK(err(MakeRdb(key, "00x1")) == "bad RDB version in the header at offset 5");
  CHECK(err("REDIT0011") == "not an RDB file (no REDIS signature) at offset 0");
  std::string ok = MakeRdb(key);
  CHECK(err(ok.substr(0, 12)) == "unexpected end of file at offset 12");
  std::string flipped = ok;
  flipped[flipped.size() - 3] ^= 1;
  CHECK(err(flipped).find("RDB checksum mismatch") == 0);
  CHECK(err(flipped).find("at offset 15") != std::string::npos);
  CHECK(err(MakeRdb(Bytes({25}) + RdbStr("h") + RdbStr("x"))) ==
        "key 'h' is a hash with per-field TTLs (RDB type 25): hash with per-field TTLs is not supported yet at offset 9");
  CHECK(err(MakeRdb(key + Bytes({21}) + RdbStr("st") + Bytes({1}) + RdbStr("x"))) ==
        "stream node key entry is not the size of a stream ID at offset 19");
  // Module ids carry a 9-character name (6 bits a character) and a 10-bit version.
  const std::string cset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  uint64_t id = 0;
  for (char ch : std::string("ReJSON-RL")) id = (id << 6) | cset.find(ch);
  id = (id << 10) | 3;
  CHECK(rcs::RdbModuleName(id) == "ReJSON-RL");
  std::string idbytes = Bytes({0x81});
  for (int i = 7; i >= 0; i--) idbytes.push_back(static_cast<char>((id >> (8 * i)) & 0xff));
  CHECK(err(MakeRdb(Bytes({7}) + RdbStr("doc") + idbytes)) ==
        "key 'doc' holds a value of module type 'ReJSON-RL': modules are not supported at offset 9");
  CHECK(err(MakeRdb(Bytes({0xf7}) + idbytes)) ==
        "the file holds data of module 'ReJSON-RL': modules are not supported at offset 9");
  CHECK(err(MakeRdb(Bytes({0xfe, 0x03}) + key)) ==
        "key 'k' is in database 3: this node has only database 0 (as a cluster node) at offset 11");
  CHECK(err(MakeRdb(Bytes({30}) + RdbStr("k"))) == "unknown RDB opcode or value type 30 at offset 9");
  CHECK(err(MakeRdb(Bytes({2}) + RdbStr("s") + Bytes({2}) + RdbStr("a") + RdbStr("a"))) ==
        "duplicate set member 'a' at offset 15");
  CHECK(err(MakeRdb(Bytes({5}) + RdbStr("z") + Bytes({1}) + RdbStr("m") + Bytes({0, 0, 0, 0, 0, 0, 0xf8, 0x7f}))) ==
        "sorted set score is not a number at offset 13");
  // An LZF string claiming far more bytes than its compressed size could produce is refused unallocated.
  CHECK(err(MakeRdb(Bytes({0}) + RdbStr("k") + Bytes({0xc3, 0x01, 0x80, 0x40, 0, 0, 0, 0}))) ==
        "LZF string claims more bytes than it can hold at offset 12");
}

TEST_CASE("parser: the real files of redis-server 7.0.15, Redis 8.0-dev and Valkey 8.0.1") {
  for (const char* dir : {"redis-7.0.15-basic", "redis-8.0-dev-basic", "valkey-8.0.1-basic"}) {
    CAPTURE(dir);
    for (const char* file : {"dump.rdb", "appendonlydir/appendonly.aof.2.base.rdb"}) {
      CAPTURE(file);
      std::string d = ReadFixture(std::string(dir) + "/" + file);
      Collect c;
      auto r = rcs::ParseRdb(d, rcs::RdbParseOptions{}, c);
      REQUIRE_MESSAGE(r.ok(), r.status().message());
      CHECK(r->checksum_checked);
      CHECK(r->end_offset == d.size());
      CHECK(c.keys.size() == 18);
      REQUIRE(c.functions.size() == 1);
      CHECK(c.functions[0].rfind("#!lua name=fixturelib", 0) == 0);
      CHECK(c.keys["str:int"].value.str == "12345");
      CHECK(c.keys["str:neg"].value.type == rcs::ObjType::kString);
      CHECK(c.keys["str:lzf"].value.str.size() > 20000);
      CHECK(c.keys["str:ttl"].expire_at_ms == 4102444800000LL);
      CHECK(c.keys["list:big"].value.obj->size() == 3000);
      CHECK(c.keys["list:small"].value.obj->size() == 6);
      CHECK(c.keys["hash:big"].value.obj->size() == 600);
      CHECK(std::string(c.keys["hash:small"].value.obj->encoding()) == "listpack");
      CHECK(std::string(c.keys["set:int"].value.obj->encoding()) == "intset");
      CHECK(c.keys["set:big"].value.obj->size() == 600);
      CHECK(c.keys["zset:big"].value.obj->size() == 300);
      CHECK(std::string(c.keys["zset:big"].value.obj->encoding()) == "skiplist");
      CHECK(c.keys["hll:dense"].value.str.rfind("HYLL", 0) == 0);
      // Every truncation is an error at the end of the data, never a crash or a partial success.
      for (size_t cut = 9; cut < d.size(); cut += 211) {
        Collect t;
        auto tr = rcs::ParseRdb(std::string_view(d).substr(0, cut), rcs::RdbParseOptions{}, t);
        CHECK_FALSE(tr.ok());
      }
    }
  }
  // The full data sets of redis-server 7.0.15 (stream type 19) and Valkey 8.0.1 (type 21) load, with the
  // stream's groups, consumers and pending entries (the counts of expected.txt).
  for (const char* dir : {"redis-7.0.15", "valkey-8.0.1"}) {
    CAPTURE(dir);
    Collect c;
    auto r = rcs::ParseRdb(ReadFixture(std::string(dir) + "/dump.rdb"), rcs::RdbParseOptions{}, c);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    auto* st = static_cast<rcs::StreamValue*>(c.keys["stream:s"].value.obj.get());
    REQUIRE(st != nullptr);
    CHECK(st->length() == 4);
    REQUIRE(st->groups().size() == 2);
    const rcs::StreamGroup* g1 = st->FindGroup("g1");
    REQUIRE(g1 != nullptr);
    CHECK(g1->consumers().size() == 1);
    CHECK(g1->pel().size() == 2);
    CHECK(g1->last_delivered_id == rcs::StreamId{3, 0});
    CHECK(st->FindGroup("g2")->last_delivered_id == rcs::StreamId{5, 0});
  }
  // The full data sets stop at their first key of a type this node does not have yet.
  for (auto [dir, msg] : {std::pair<const char*, const char*>{"redis-8.0-dev", "key 'hash:fieldttl' is a hash with per-field TTLs"}}) {
    CAPTURE(dir);
    Collect c;
    auto r = rcs::ParseRdb(ReadFixture(std::string(dir) + "/dump.rdb"), rcs::RdbParseOptions{}, c);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().rfind(msg, 0) == 0);
  }
}

TEST_CASE("parser: sorted set scores as text, binary, integers and infinities") {
  std::string body = Bytes({17}) + RdbStr("lp") +
                     RdbStr(MakeListpack({Bytes({0x81, 'a'}), Bytes({0x84, '-', 'i', 'n', 'f'}), Bytes({0x81, 'b'}),
                                          Bytes({0x05}), Bytes({0x81, 'c'}), Bytes({0x83, '1', '.', '5'})}));
  body += Bytes({3}) + RdbStr("txt") + Bytes({3}) + RdbStr("x") + Bytes({254}) + RdbStr("y") + Bytes({3, '2', '.', '5'}) +
          RdbStr("z") + Bytes({255});
  std::string bin;
  double d = -0.25;
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  PutLE(&bin, bits, 8);
  body += Bytes({5}) + RdbStr("bin") + Bytes({1}) + RdbStr("m") + bin;
  Collect c;
  auto r = rcs::ParseRdb(MakeRdb(body), rcs::RdbParseOptions{}, c);
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  auto score = [&](const char* key, const char* member) {
    double s = 0;
    REQUIRE(static_cast<rcs::ZSetValue*>(c.keys[key].value.obj.get())->GetScore(member, &s));
    return s;
  };
  CHECK(score("lp", "a") == -INFINITY);
  CHECK(score("lp", "b") == 5);
  CHECK(score("lp", "c") == 1.5);
  CHECK(score("txt", "x") == INFINITY);
  CHECK(score("txt", "y") == 2.5);
  CHECK(score("txt", "z") == -INFINITY);
  CHECK(score("bin", "m") == -0.25);
}

namespace {
// A ziplist of short strings (each < 64 bytes).
std::string MakeZiplist(const std::vector<std::string>& items) {
  std::string body;
  size_t prev = 0, last = 10;
  for (const auto& s : items) {
    last = 10 + body.size();
    body.push_back(static_cast<char>(prev));
    body.push_back(static_cast<char>(s.size()));
    body += s;
    prev = s.size() + 2;
  }
  std::string zl;
  PutLE(&zl, 10 + body.size() + 1, 4);
  PutLE(&zl, last, 4);
  PutLE(&zl, items.size(), 2);
  return zl + body + "\xff";
}
}  // namespace

TEST_CASE("parser: the encodings of Redis before 7.0 (ziplists, quicklist 1, zipmap, plain list)") {
  std::string body;
  body += Bytes({1}) + RdbStr("plainlist") + Bytes({2}) + RdbStr("p") + RdbStr("q");
  body += Bytes({10}) + RdbStr("zllist") + RdbStr(MakeZiplist({"a", "b"}));
  body += Bytes({14}) + RdbStr("qlist") + Bytes({2}) + RdbStr(MakeZiplist({"1", "2"})) + RdbStr(MakeZiplist({"3"}));
  body += Bytes({13}) + RdbStr("zlhash") + RdbStr(MakeZiplist({"f", "v", "g", "w"}));
  body += Bytes({12}) + RdbStr("zlzset") + RdbStr(MakeZiplist({"m", "2", "n", "1"}));
  body += Bytes({9}) + RdbStr("zmhash") + RdbStr(Bytes({1, 1, 'k', 1, 0, 'v', 0xff}));
  body += Bytes({11}) + RdbStr("intset");
  std::string is;
  PutLE(&is, 4, 4);
  PutLE(&is, 2, 4);
  PutLE(&is, static_cast<uint32_t>(-70000), 4);
  PutLE(&is, 70000, 4);
  body += RdbStr(is);
  // An empty list (a bug of old versions): skipped, as redis-server does.
  body += Bytes({14}) + RdbStr("empty") + Bytes({1}) + RdbStr(MakeZiplist({}));
  Collect c;
  auto r = rcs::ParseRdb(MakeRdb(body, "0009"), rcs::RdbParseOptions{}, c);
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  CHECK(r->empty_keys == 1);
  CHECK(c.keys.count("empty") == 0);
  auto list = [&](const char* k) {
    std::vector<std::string> out;
    auto* l = static_cast<rcs::ListValue*>(c.keys[k].value.obj.get());
    for (size_t i = 0; i < l->size(); i++) out.emplace_back(l->At(i));
    return out;
  };
  CHECK(list("plainlist") == std::vector<std::string>{"p", "q"});
  CHECK(list("zllist") == std::vector<std::string>{"a", "b"});
  CHECK(list("qlist") == std::vector<std::string>{"1", "2", "3"});
  std::string_view v;
  auto* h = static_cast<rcs::HashValue*>(c.keys["zlhash"].value.obj.get());
  REQUIRE(h->Get("g", &v));
  CHECK(v == "w");
  h = static_cast<rcs::HashValue*>(c.keys["zmhash"].value.obj.get());
  REQUIRE(h->Get("k", &v));
  CHECK(v == "v");
  double s;
  REQUIRE(static_cast<rcs::ZSetValue*>(c.keys["zlzset"].value.obj.get())->GetScore("m", &s));
  CHECK(s == 2);
  auto* set = static_cast<rcs::SetValue*>(c.keys["intset"].value.obj.get());
  CHECK(set->ContainsInt(-70000));
  CHECK(set->ContainsInt(70000));
  CHECK(set->size() == 2);
}
