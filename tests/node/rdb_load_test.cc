// Loading an RDB image into a server (persistence/rdb_load.h): keys and expiries go into the keyspace,
// function libraries to the scripting subsystem, keys that expired while the writer was down are dropped
// only when asked (dump.rdb on a master), and a file that fails part-way leaves nothing behind.
#include <doctest/doctest.h>

#include <string>

#include "base/crc64.h"
#include "harness.h"
#include "keyspace/rdb_string.h"
#include "server/command_loader.h"
#include "persistence/rdb_load.h"

using rcs::test::TestNode;

namespace {

constexpr int64_t kNow = 1700000000000;

std::string Str(const std::string& s) {
  std::string out;
  rcs::AppendRdbLength(&out, s.size());
  return out + s;
}

std::string Expiry(int64_t ms) {
  std::string out = "\xfc";
  for (int i = 0; i < 8; i++) out.push_back(static_cast<char>((static_cast<uint64_t>(ms) >> (8 * i)) & 0xff));
  return out;
}

std::string File(const std::string& body) {
  std::string f = "REDIS0010" + body + "\xff";
  uint64_t crc = rcs::Crc64(0, f.data(), f.size());
  for (int i = 0; i < 8; i++) f.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return f;
}

const std::string kLibrary = "#!lua name=lib\nredis.register_function('f', function() return 7 end)";

rcs::StatusOr<rcs::RdbLoadResult> Load(TestNode& n, const std::string& file, bool skip_expired) {
  rcs::CommandStreamLoader loader(n.server());
  return rcs::LoadRdbImage(n.server(), loader, "x.rdb", file, skip_expired);
}

}  // namespace

TEST_CASE("RDB image: keys, expiries and function libraries reach the server") {
  std::string body = "\xf5" + Str(kLibrary);
  body += Expiry(kNow - 1000) + std::string(1, '\0') + Str("old") + Str("gone");
  body += Expiry(kNow + 100000) + std::string(1, '\0') + Str("new") + Str("v");
  body += std::string(1, '\x04') + Str("h") + std::string(1, '\x01') + Str("f") + Str("1");
  std::string file = File(body);

  TestNode master;
  master.clock().SetMs(kNow);
  auto r = Load(master, file, /*skip_expired=*/true);
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  CHECK(r->summary.keys == 3);
  CHECK(r->keys_expired == 1);
  CHECK(master.Do("EXISTS old") == "(integer) 0");
  CHECK(master.Do("GET new") == "\"v\"");
  CHECK(master.Do("PTTL new") == "(integer) 100000");
  CHECK(master.Do("HGET h f") == "\"1\"");
  CHECK(master.Do("FCALL f 0") == "(integer) 7");
  CHECK_FALSE(master.server().loading());

  // An AOF base keeps them: its incremental files were written against those keys.
  TestNode base;
  base.clock().SetMs(kNow);
  r = Load(base, file, /*skip_expired=*/false);
  REQUIRE(r.ok());
  CHECK(r->keys_expired == 0);
  CHECK(base.server().db().size() == 3);
}

TEST_CASE("RDB image: an error part-way leaves an empty keyspace and names the file and offset") {
  TestNode n;
  n.clock().SetMs(kNow);
  std::string a = std::string(1, '\0') + Str("a") + Str("1");  // offset 9
  std::string dup = std::string(1, '\0') + Str("a") + Str("2");  // offset 14
  auto r = Load(n, File(a + dup), true);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "Can't load the RDB file x.rdb: duplicate key 'a' at offset 14");
  CHECK(n.server().db().size() == 0);

  r = Load(n, File(a + "\xf5" + Str("#!lua name=bad\nthis is not lua")), true);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().rfind("Can't load the RDB file x.rdb: function library can't be loaded (ERR ", 0) == 0);
  CHECK(r.status().message().find("at offset 14") != std::string::npos);
  CHECK(n.server().db().size() == 0);
  CHECK_FALSE(n.server().loading());
}
