// RESTORE of redis-server's own DUMP payloads (keyspace/rdb_string.h). The payloads below are what Debian's
// redis-server 7.0.15 answered to DUMP for each value (hex), recorded on a --save '' --appendonly no server.
#include <doctest/doctest.h>

#include <string>

#include "harness.h"
#include "keyspace/dump.h"
#include "keyspace/rdb_string.h"

using rcs::test::TestNode;

namespace {

std::string Unhex(const std::string& h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

}  // namespace

TEST_CASE("redis-server's string DUMP payloads RESTORE: raw, int8/16/32, LZF, empty, an HLL") {
  struct Case {
    const char* hex;
    std::string value;
  };
  const Case kCases[] = {
      {"000568656c6c6f0a006372df766534200a", "hello"},
      {"00c0f90a005e26d130d7a242ab", "-7"},
      {"00c1d2040a00008708a144825ced", "1234"},
      {"00c2eb32a4f80a001b1fb03aba81865b", "-123456789"},
      {"0013393232333337323033363835343737353830370a003a657e9481e85f22", "9223372036854775807"},
      {"00c311412202616261e0bc010278797ae04c0201797a0a0044081977744ae5a5", ""},  // "ab" x 100 + "xyz" x 30
      {"00000a005d9b5c400f7fa2da", ""},
  };
  std::string lzf_value;
  for (int i = 0; i < 100; i++) lzf_value += "ab";
  for (int i = 0; i < 30; i++) lzf_value += "xyz";
  for (const Case& c : kCases) {
    CAPTURE(c.hex);
    auto v = rcs::ParseDumpPayload(Unhex(c.hex));
    REQUIRE(v.ok());
    CHECK(v->type == rcs::ObjType::kString);
    CHECK(v->str == (std::string(c.hex).substr(0, 4) == "00c3" ? lzf_value : c.value));
  }
  // PFADD hll a b c on redis-server, DUMPed there, RESTOREd here: the same HLL, the same count.
  TestNode n;
  std::string hll = Unhex("001b48594c4c01000000000000000000008060f38050b1844bfb80425a0a009f590c06b6497049");
  CHECK(n.Do({"RESTORE", "h", "0", hll}) == "OK");
  CHECK(n.Do("PFCOUNT h") == "(integer) 3");
  CHECK(n.Do("PFADD h a b c") == "(integer) 0");
  CHECK(n.Do("PFDEBUG DECODE h") == "\"Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603\"");
}

TEST_CASE("redis-server payloads of other types are read, malformed RDB strings refused cleanly") {
  // RPUSH l a on redis-server 7.0.15: a quicklist (RDB type 18), read through the RDB parser.
  auto list = rcs::ParseDumpPayload(Unhex("1201020a0a0000000100816102ff0a0009b9edf594ded995"));
  REQUIRE(list.ok());
  CHECK(list->type == rcs::ObjType::kList);
  REQUIRE(list->obj != nullptr);
  CHECK(list->obj->size() == 1);
  std::string out;
  CHECK_FALSE(rcs::DecodeRdbString(Unhex("05616263"), &out));          // 5 bytes announced, 3 there
  CHECK_FALSE(rcs::DecodeRdbString(Unhex("0361626364"), &out));        // a byte left over
  CHECK_FALSE(rcs::DecodeRdbString(Unhex("c4"), &out));                // unknown special encoding
  CHECK_FALSE(rcs::DecodeRdbString(Unhex("c30305e0ff01"), &out));      // LZF back-reference before the start
  CHECK_FALSE(rcs::DecodeRdbString(Unhex("c30203016161"), &out));      // LZF shorter than announced
  CHECK_FALSE(rcs::DecodeRdbString(Unhex("c3030403616161"), &out));    // LZF literal longer than its input
  CHECK(rcs::LzfDecompress(Unhex("0161622001"), 5, &out));              // "ab" then a 3-byte copy from 2 back
  CHECK(out == "ababa");
}
