// INFO keysizes (keyspace/key_sizes.h): the bins and their labels, and the histogram kept by the keyspace as
// commands write, per value type. Expectations follow Redis 8.2's tests/unit/info-keysizes.tcl (same
// commands, same histograms); the random sequence is checked against a histogram computed by scanning.
#include <doctest/doctest.h>

#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "harness.h"
#include "keyspace/key_sizes.h"

using namespace rcs;
using rcs::test::TestNode;

namespace {

// The section's lines as Redis's tests abbreviate them: "db0_LIST:4=1 db0_SET:8=2", "" when empty.
std::string Hist(TestNode& n) {
  std::string text = n.Do("INFO keysizes");
  REQUIRE(text.size() >= 2);
  text = text.substr(1, text.size() - 2);  // the bulk's quotes
  REQUIRE(text.rfind("# Keysizes\r\n", 0) == 0);
  text = text.substr(12);
  static const std::pair<const char*, const char*> kAbbrev[] = {{"distrib_strings_sizes", "STR"},
                                                                {"distrib_lists_items", "LIST"},
                                                                {"distrib_sets_items", "SET"},
                                                                {"distrib_zsets_items", "ZSET"},
                                                                {"distrib_hashes_items", "HASH"}};
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    REQUIRE(end != std::string::npos);
    std::string line = text.substr(pos, end - pos);
    for (auto& [name, abbrev] : kAbbrev) {
      size_t at = line.find(name);
      if (at != std::string::npos) line.replace(at, strlen(name), abbrev);
    }
    if (!out.empty()) out += ' ';
    out += line;
    pos = end + 2;
  }
  return out;
}

// What the histogram must be, computed from the keys themselves (SCAN-like walk + STRLEN/LLEN/...).
std::string Scanned(TestNode& n) {
  KeySizes h;
  n.server().db().ForEach([&](const Entry& e) {
    int t = KeySizes::TypeIndex(e.type());
    if (t < 0) return;
    h.Add(t, KeySizes::Bin(e.type() == ObjType::kString ? e.str().size() : e.obj()->size()));
  });
  std::string text;
  h.AppendInfo(0, &text);
  std::string out;
  for (char c : text) {
    if (c == '\r') continue;
    out += c == '\n' ? ' ' : c;
  }
  if (!out.empty()) out.pop_back();
  static const std::pair<const char*, const char*> kAbbrev[] = {{"distrib_strings_sizes", "STR"},
                                                                {"distrib_lists_items", "LIST"},
                                                                {"distrib_sets_items", "SET"},
                                                                {"distrib_zsets_items", "ZSET"},
                                                                {"distrib_hashes_items", "HASH"}};
  for (auto& [name, abbrev] : kAbbrev) {
    for (size_t at; (at = out.find(name)) != std::string::npos;) out.replace(at, strlen(name), abbrev);
  }
  return out;
}

}  // namespace

TEST_CASE("keysizes: bins and labels as Redis prints them") {
  CHECK(KeySizes::Bin(0) == 0);
  CHECK(KeySizes::Bin(1) == 1);
  CHECK(KeySizes::Bin(2) == 2);
  CHECK(KeySizes::Bin(3) == 2);
  CHECK(KeySizes::Bin(4) == 3);
  CHECK(KeySizes::Bin(1023) == 10);
  CHECK(KeySizes::Bin(1024) == 11);
  CHECK(KeySizes::Bin(UINT64_MAX) == 64);
  CHECK(KeySizes::BinLabel(0) == "0");
  CHECK(KeySizes::BinLabel(1) == "1");
  CHECK(KeySizes::BinLabel(10) == "512");
  CHECK(KeySizes::BinLabel(11) == "1K");
  CHECK(KeySizes::BinLabel(20) == "512K");
  CHECK(KeySizes::BinLabel(21) == "1M");
  CHECK(KeySizes::BinLabel(22) == "2M");
  CHECK(KeySizes::BinLabel(31) == "1G");
  CHECK(KeySizes::BinLabel(41) == "1T");
  CHECK(KeySizes::BinLabel(51) == "1P");
  CHECK(KeySizes::BinLabel(64) == "8E");
  KeySizes h;
  std::string empty;
  h.AppendInfo(0, &empty);
  CHECK(empty.empty());
  h.Add(1, 3);
  h.Add(1, 3);
  h.Add(0, 0);
  h.Add(0, 11);
  h.Add(4, 1);
  std::string text;
  h.AppendInfo(0, &text);
  CHECK(text == "db0_distrib_strings_sizes:0=1,1K=1\r\ndb0_distrib_lists_items:4=2\r\ndb0_distrib_hashes_items:1=1\r\n");
}

TEST_CASE("keysizes: strings") {
  TestNode n;
  CHECK(Hist(n) == "");
  std::string v;
  for (int i = 1; i <= 10; i++) {
    v += 'x';
    n.Do({"SET", "mykey", v});
    int low = 1;
    while (low * 2 <= i) low *= 2;
    CHECK(Hist(n) == "db0_STR:" + std::to_string(low) + "=1");
  }
  CHECK(n.Do("FLUSHALL") == "OK");
  CHECK(Hist(n) == "");
  n.Do("SET s2 1234567890");
  CHECK(Hist(n) == "db0_STR:8=1");
  n.Do("SETRANGE s2 10 123456");
  CHECK(Hist(n) == "db0_STR:16=1");
  n.Do("MSET s3 1 s4 2 s5 3");
  n.Do("MSETNX s6 1 s7 2 s8 3");
  CHECK(Hist(n) == "db0_STR:1=6,16=1");
  n.Do("DEL s2");
  CHECK(Hist(n) == "db0_STR:1=6");
  n.Do("FLUSHALL");
  n.Do("SET s1 1024");
  CHECK(Hist(n) == "db0_STR:4=1");
  n.Do("SET s1 842");
  CHECK(Hist(n) == "db0_STR:2=1");
  n.Do({"SET", "s1", ""});
  n.Do({"SET", "s2", ""});
  CHECK(Hist(n) == "db0_STR:0=2");
  n.Do("SET s2 bla");
  CHECK(Hist(n) == "db0_STR:0=1,2=1");
  n.Do("APPEND s1 0123456789ABCDEF");
  CHECK(Hist(n) == "db0_STR:2=1,16=1");
  n.Do("INCR counter");
  CHECK(Hist(n) == "db0_STR:1=1,2=1,16=1");
  n.Do("INCRBY counter 99");
  CHECK(Hist(n) == "db0_STR:2=2,16=1");
  // Bits: SETBIT and BITFIELD grow a string in place.
  n.Do("FLUSHALL");
  n.Do("SETBIT b1 71 1");
  CHECK(Hist(n) == "db0_STR:8=1");
  n.Do("SETBIT b1 640 0");
  CHECK(Hist(n) == "db0_STR:64=1");
  n.Do("BITFIELD b3 SET u8 6 255");
  CHECK(Hist(n) == "db0_STR:2=1,64=1");
  n.Do("SET x 0123456789ABCDEF");
  n.Do("BITOP AND b4 x b1");
  CHECK(Hist(n) == "db0_STR:2=1,16=1,64=2");
  // GETDEL, GETSET, SET over another type.
  n.Do("GETDEL x");
  n.Do("RPUSH l 1 2 3 4");
  n.Do("SET l 1234567");
  CHECK(Hist(n) == "db0_STR:2=1,4=1,64=2");
  // K and M labels.
  n.Do("FLUSHALL");
  n.Do({"SET", "big", std::string(2 * 1024 * 1024, 'x')});
  n.Do({"SET", "k", std::string(1500, 'x')});
  CHECK(Hist(n) == "db0_STR:1K=1,2M=1");
}

TEST_CASE("keysizes: lists") {
  TestNode n;
  n.Do("RPUSH l1 1 2 3 4 5");
  CHECK(Hist(n) == "db0_LIST:4=1");
  n.Do("RPUSH l1 6 7 8 9");
  CHECK(Hist(n) == "db0_LIST:8=1");
  n.Do("LPUSH l2 1");
  CHECK(Hist(n) == "db0_LIST:1=1,8=1");
  n.Do("LPUSH l2 2");
  n.Do("LPUSHX l2 3");
  CHECK(Hist(n) == "db0_LIST:2=1,8=1");
  n.Do("RPUSHX l2 4");
  CHECK(Hist(n) == "db0_LIST:4=1,8=1");
  n.Do("RPOP l1");
  n.Do("RPOP l1");
  CHECK(Hist(n) == "db0_LIST:4=2");
  n.Do("DEL l1");
  CHECK(Hist(n) == "db0_LIST:4=1");
  n.Do("RPUSH l3 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14");
  n.Do("LINSERT l3 AFTER 9 10");
  CHECK(Hist(n) == "db0_LIST:4=1,16=1");
  n.Do("LTRIM l3 0 8");
  CHECK(Hist(n) == "db0_LIST:4=1,8=1");
  n.Do("FLUSHALL");
  n.Do("RPUSH l4 1 2 3 4 5 6 7 8");
  n.Do("LMOVE l4 l5 LEFT LEFT");
  CHECK(Hist(n) == "db0_LIST:1=1,4=1");
  n.Do("LMOVE l4 l5 RIGHT RIGHT");
  n.Do("LMOVE l4 l5 LEFT RIGHT");
  n.Do("LMOVE l4 l5 RIGHT LEFT");
  CHECK(Hist(n) == "db0_LIST:4=2");
  n.Do("BLMOVE l4 l5 RIGHT LEFT 0");
  CHECK(Hist(n) == "db0_LIST:2=1,4=1");
  n.Do("FLUSHALL");
  n.Do("RPUSH l6 1 2 3 4 5 6 7 8 9 10");
  n.Do("LMPOP 1 l6 LEFT COUNT 2");
  CHECK(Hist(n) == "db0_LIST:8=1");
  n.Do("LMPOP 1 l6 LEFT COUNT 1");
  CHECK(Hist(n) == "db0_LIST:4=1");
  n.Do("LMPOP 1 l6 LEFT COUNT 6");
  CHECK(Hist(n) == "db0_LIST:1=1");
  n.Do("LPOP l6");
  CHECK(Hist(n) == "");
  n.Do("RPUSH l8 y x y x y x y x y y");
  n.Do("LREM l8 3 x");
  CHECK(Hist(n) == "db0_LIST:4=1");
  n.Do("LREM l8 0 y");
  CHECK(Hist(n) == "db0_LIST:1=1");
  n.Do("LSET l8 0 z");
  n.Do("RENAME l8 l9");
  CHECK(Hist(n) == "db0_LIST:1=1");
  // A blocked client served by a push: the pop runs for it and the histogram follows.
  Client* c = n.NewClient();
  n.Send(c, {"BLPOP", "q", "0"});
  n.Do("RPUSH q a b c");
  CHECK(n.Take(c) == "[\"q\", \"a\"]");
  CHECK(Hist(n) == "db0_LIST:1=1,2=1");
}

TEST_CASE("keysizes: sets") {
  TestNode n;
  n.Do("SADD s1 1 2 3 4 5");
  CHECK(Hist(n) == "db0_SET:4=1");
  n.Do("SADD s1 6 7 8");
  CHECK(Hist(n) == "db0_SET:8=1");
  n.Do("SADD s2 1");
  n.Do("SADD s2 2");
  CHECK(Hist(n) == "db0_SET:2=1,8=1");
  n.Do("SREM s2 3");
  CHECK(Hist(n) == "db0_SET:2=1,8=1");
  n.Do("SMOVE s2 s3 2");
  CHECK(Hist(n) == "db0_SET:1=2,8=1");
  n.Do("SPOP s3");
  CHECK(Hist(n) == "db0_SET:1=1,8=1");
  n.Do("SPOP s1 7");
  CHECK(Hist(n) == "db0_SET:1=2");
  n.Do("FLUSHALL");
  n.Do("SADD s1 1 2 3 4 5 6 7 8");
  n.Do("SADD s2 6 7 8 9 A B C D");
  n.Do("SADD s3 x");
  n.Do("SDIFFSTORE s3 s1 s2");
  CHECK(Hist(n) == "db0_SET:4=1,8=2");
  n.Do("SINTERSTORE s3 s1 s2");
  CHECK(Hist(n) == "db0_SET:2=1,8=2");
  n.Do("SUNIONSTORE s3 s1 s2");
  CHECK(Hist(n) == "db0_SET:8=3");
  n.Do("SADD s4 E F G H");
  n.Do("SUNIONSTORE s5 s3 s4");
  CHECK(Hist(n) == "db0_SET:4=1,8=3,16=1");
  n.Do("SET s5 1234567");
  CHECK(Hist(n) == "db0_STR:4=1 db0_SET:4=1,8=3");
}

TEST_CASE("keysizes: sorted sets") {
  TestNode n;
  n.Do("ZADD z1 1 a 2 b 3 c 4 d 5 e");
  CHECK(Hist(n) == "db0_ZSET:4=1");
  n.Do("ZADD z1 6 f 7 g 8 h 9 i");
  CHECK(Hist(n) == "db0_ZSET:8=1");
  n.Do("ZADD z2 1 a");
  n.Do("ZREM z1 a");
  CHECK(Hist(n) == "db0_ZSET:1=1,8=1");
  n.Do("ZREM z1 b");
  CHECK(Hist(n) == "db0_ZSET:1=1,4=1");
  n.Do("ZREMRANGEBYSCORE z1 -inf (5");
  CHECK(Hist(n) == "db0_ZSET:1=1,4=1");
  n.Do("ZREMRANGEBYRANK z1 0 1");
  CHECK(Hist(n) == "db0_ZSET:1=1,2=1");
  n.Do("FLUSHALL");
  n.Do("ZADD z1 1 a 2 b 3 c 4 d 5 e");
  n.Do("ZADD z2 3 c 4 d 5 e 6 f");
  n.Do("ZINTERSTORE z3 2 z1 z2");
  CHECK(Hist(n) == "db0_ZSET:2=1,4=2");
  n.Do("ZUNIONSTORE z3 2 z1 z2");
  CHECK(Hist(n) == "db0_ZSET:4=3");
  n.Do("ZDIFFSTORE z3 2 z1 z2");
  CHECK(Hist(n) == "db0_ZSET:2=1,4=2");
  n.Do("BZPOPMIN z1 0");
  n.Do("ZPOPMAX z1 2");
  CHECK(Hist(n) == "db0_ZSET:2=2,4=1");
  n.Do("ZINCRBY z1 1 new");
  CHECK(Hist(n) == "db0_ZSET:2=2,4=1");
  n.Do("ZADD z1 1 n1 2 n2");
  CHECK(Hist(n) == "db0_ZSET:2=1,4=2");
}

TEST_CASE("keysizes: hashes") {
  TestNode n;
  n.Do("HSETNX h1 1 1");
  CHECK(Hist(n) == "db0_HASH:1=1");
  n.Do("HSETNX h1 2 2");
  CHECK(Hist(n) == "db0_HASH:2=1");
  n.Do("HSET h2 1 1");
  n.Do("HDEL h1 1");
  CHECK(Hist(n) == "db0_HASH:1=2");
  n.Do("HDEL h1 2");
  CHECK(Hist(n) == "db0_HASH:1=1");
  n.Do("HMSET h3 1 1 2 2 3 3 4 4");
  CHECK(Hist(n) == "db0_HASH:1=1,4=1");
  n.Do("HINCRBY h2 f2 10");
  n.Do("HINCRBYFLOAT h2 f3 1.5");
  CHECK(Hist(n) == "db0_HASH:2=1,4=1");
  // Streams are not counted.
  n.Do("XADD st * a 1");
  CHECK(Hist(n) == "db0_HASH:2=1,4=1");
}

TEST_CASE("keysizes: expiry, RESTORE, COPY, eviction, FLUSHALL and DEBUG POPULATE") {
  TestNode n({{"enable-debug-command", "yes"}});
  n.Do("RPUSH l 1 2 3 4");
  n.Do("SET s 1234567890");
  n.Do("PEXPIRE l 10");
  n.Do("PEXPIRE s 10");
  CHECK(Hist(n) == "db0_STR:8=1 db0_LIST:4=1");
  n.clock().AdvanceMs(20);
  // A lookup removes an expired key (so does the active cycle: the integration test waits for it).
  CHECK(n.Do("GET s") == "(nil)");
  CHECK(Hist(n) == "db0_LIST:4=1");
  CHECK(n.Do("LLEN l") == "(integer) 0");
  CHECK(Hist(n) == "");
  n.Do("RPUSH l10 1 2 3 4");
  std::string dump = n.Raw({"DUMP", "l10"});
  size_t nl = dump.find("\r\n");
  std::string payload = dump.substr(nl + 2, dump.size() - nl - 4);
  n.Do("DEL l10");
  CHECK(Hist(n) == "");
  CHECK(n.Do({"RESTORE", "l11", "0", payload}) == "OK");
  CHECK(Hist(n) == "db0_LIST:4=1");
  CHECK(n.Do({"RESTORE", "l11", "0", payload, "REPLACE"}) == "OK");
  CHECK(Hist(n) == "db0_LIST:4=1");
  n.Do("COPY l11 l12");
  CHECK(Hist(n) == "db0_LIST:4=2");
  n.Do("DEBUG POPULATE 5 p 3");
  CHECK(Hist(n) == "db0_STR:2=5 db0_LIST:4=2");
  n.Do("FLUSHALL");
  CHECK(Hist(n) == "");
  // Eviction: every key goes under a tiny maxmemory, and the histogram with them.
  n.Do("CONFIG SET maxmemory-policy allkeys-random");
  for (int i = 0; i < 50; i++) n.Do({"SADD", "set" + std::to_string(i), "a", "b", "c"});
  CHECK(Hist(n) == "db0_SET:2=50");
  n.Do("CONFIG SET maxmemory 1");
  n.Do("SET trigger x");  // refused or admitted: either way eviction runs first
  CHECK(Hist(n) == Scanned(n));
  n.Do("CONFIG SET maxmemory 0");
}

TEST_CASE("keysizes: a random write sequence ends with the histogram of its keys") {
  TestNode n;
  std::mt19937 rng(22);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  auto key = [&](const char* prefix) { return std::string(prefix) + std::to_string(pick(12)); };
  auto member = [&] { return std::to_string(pick(300)); };
  for (int step = 0; step < 4000; step++) {
    std::vector<std::string> cmd;
    switch (pick(16)) {
      case 0: cmd = {"SET", key("s"), std::string(static_cast<size_t>(pick(3000)), 'v')}; break;
      case 1: cmd = {"APPEND", key("s"), std::string(static_cast<size_t>(pick(100)), 'a')}; break;
      case 2: cmd = {"SETRANGE", key("s"), std::to_string(pick(5000)), "xy"}; break;
      case 3: cmd = {"RPUSH", key("l"), member(), member(), member()}; break;
      case 4: cmd = {"LPOP", key("l"), std::to_string(pick(5) + 1)}; break;
      case 5: cmd = {"LTRIM", key("l"), "0", std::to_string(pick(20))}; break;
      case 6: cmd = {"SADD", key("t"), member(), member(), member(), member()}; break;
      case 7: cmd = {"SREM", key("t"), member(), member(), member()}; break;
      case 8: cmd = {"SINTERSTORE", key("t"), key("t"), key("t")}; break;
      case 9: cmd = {"ZADD", key("z"), std::to_string(pick(100)), member()}; break;
      case 10: cmd = {"ZREMRANGEBYRANK", key("z"), "0", std::to_string(pick(3))}; break;
      case 11: cmd = {"HSET", key("h"), member(), "v", member(), "w"}; break;
      case 12: cmd = {"HDEL", key("h"), member(), member()}; break;
      case 13: cmd = {"DEL", key(pick(2) ? "l" : "t")}; break;
      case 14: cmd = {"RENAME", key("z"), key("z")}; break;
      case 15: cmd = {"EVAL", "redis.call('RPUSH', KEYS[1], 'x') redis.call('SADD', KEYS[2], ARGV[1]) return 1", "2",
                      key("l"), key("t"), member()};
        break;
    }
    n.Do(cmd);
    if (step % 500 == 0) REQUIRE(Hist(n) == Scanned(n));
  }
  CHECK(Hist(n) != "");
  CHECK(Hist(n) == Scanned(n));
  // MULTI/EXEC: the commands inside count as they run.
  n.Do("MULTI");
  n.Do("RPUSH l0 a b c d e f g h i j k l m n o p q");
  n.Do("SADD t0 q r s");
  n.Do("EXEC");
  CHECK(Hist(n) == Scanned(n));
}
