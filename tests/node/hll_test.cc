// HyperLogLog: the commands through the in-process harness and the pure representation
// (keyspace/hyperloglog.h). Every expected reply, value length and value hash below was recorded from
// Debian's redis-server 7.0.15 (/usr/bin/redis-server --port 18000 --save '' --appendonly no) by running
// the same commands on an empty server; the hashes are FNV-1a 64 of the bytes GET returned there, so the
// values here are byte for byte redis-server's (sparse opcodes, dense registers, cached cardinality).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "harness.h"
#include "keyspace/hyperloglog.h"

using rcs::test::PropagationLog;
using rcs::test::Step;
using rcs::test::TestNode;
namespace hll = rcs::hll;

namespace {

uint64_t Fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// The bytes of a string value (GET's reply text without its quotes).
std::string Value(TestNode& n, const std::string& key) {
  std::string r = n.Do({"GET", key});
  REQUIRE(r.size() >= 2);
  REQUIRE(r.front() == '"');
  return r.substr(1, r.size() - 2);
}

// PFADD key prefix<lo> ... prefix<hi-1>, 1000 elements per command (as the recording did).
void AddRange(TestNode& n, const std::string& key, const std::string& prefix, int lo, int hi) {
  for (int s = lo; s < hi; s += 1000) {
    std::vector<std::string> argv = {"PFADD", key};
    for (int i = s; i < hi && i < s + 1000; i++) argv.push_back(prefix + std::to_string(i));
    n.Do(argv);
  }
}

std::string Hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

}  // namespace

TEST_CASE("PFADD PFCOUNT PFMERGE PFDEBUG: replies, invalid and corrupt values, wrong types (redis-server 7.0.15)") {
  TestNode n;
  static const Step kSteps[] = {
      // PFADD / PFCOUNT / PFMERGE replies and errors
      {"PFADD h a b c", "(integer) 1"},
      {"PFADD h a", "(integer) 0"},
      {"PFADD h b c d", "(integer) 1"},
      {"PFCOUNT h", "(integer) 4"},
      {"PFDEBUG ENCODING h", "sparse"},
      {"PFDEBUG DECODE h", "\"Z:7292 v:1,1 Z:1143 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603\""},
      {"PFADD h2", "(integer) 1"},
      {"PFCOUNT h2", "(integer) 0"},
      {"PFADD h2", "(integer) 0"},
      {"PFADD h3 x y z a", "(integer) 1"},
      {"PFCOUNT h h3", "(integer) 7"},
      {"PFCOUNT h nokey", "(integer) 4"},
      {"PFCOUNT nokey", "(integer) 0"},
      {"PFCOUNT nokey nokey2", "(integer) 0"},
      {"PFMERGE dst h h3", "OK"},
      {"PFCOUNT dst", "(integer) 7"},
      {"PFDEBUG DECODE dst", "\"Z:7292 v:1,1 Z:1143 v:1,1 Z:144 v:1,1 Z:4129 v:2,1 Z:2220 v:3,1 Z:847 v:1,1 Z:593 v:2,1 z:9\""},
      {"PFMERGE dst", "OK"},
      {"PFCOUNT dst", "(integer) 7"},
      {"PFMERGE h4", "OK"},
      {"EXISTS h4", "(integer) 1"},
      {"PFCOUNT h4", "(integer) 0"},
      {"PFMERGE h h3", "OK"},
      {"PFCOUNT h", "(integer) 7"},
      {"SET s foo", "OK"},
      {"PFADD s a", "(error) WRONGTYPE Key is not a valid HyperLogLog string value."},
      {"PFCOUNT s", "(error) WRONGTYPE Key is not a valid HyperLogLog string value."},
      {"PFCOUNT h s", "(error) WRONGTYPE Key is not a valid HyperLogLog string value."},
      {"PFMERGE h s", "(error) WRONGTYPE Key is not a valid HyperLogLog string value."},
      {"PFMERGE s h", "(error) WRONGTYPE Key is not a valid HyperLogLog string value."},
      {"SET s \"HYLL\"", "OK"},
      {"PFADD s a", "(error) WRONGTYPE Key is not a valid HyperLogLog string value."},
      {"SET s \"HYLL\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\"", "OK"},
      {"PFADD s a", "(error) WRONGTYPE Key is not a valid HyperLogLog string value."},
      {"SET s \"HYLL\\x02\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\"", "OK"},
      {"PFCOUNT s", "(error) WRONGTYPE Key is not a valid HyperLogLog string value."},
      {"SET s \"HYLx\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x7f\\xff\"", "OK"},
      {"PFCOUNT s", "(error) WRONGTYPE Key is not a valid HyperLogLog string value."},
      {"SET bad \"HYLL\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x80\\x7f\\xfe\"", "OK"},
      {"PFCOUNT bad", "(error) INVALIDOBJ Corrupted HLL object detected"},
      {"PFCOUNT bad h", "(error) INVALIDOBJ Corrupted HLL object detected"},
      {"PFMERGE h bad", "(error) INVALIDOBJ Corrupted HLL object detected"},
      {"PFADD bad a", "(integer) 1"},
      {"SET bad2 \"HYLL\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x80\"", "OK"},
      {"PFCOUNT bad2", "(error) INVALIDOBJ Corrupted HLL object detected"},
      {"PFADD bad2 a", "(error) INVALIDOBJ Corrupted HLL object detected"},
      {"SET cached \"HYLL\\x01\\x00\\x00\\x00\\x07\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x7f\\xff\"", "OK"},
      {"PFCOUNT cached", "(integer) 7"},
      {"PFADD cached a", "(integer) 1"},
      {"PFCOUNT cached", "(integer) 1"},
      {"RPUSH l a", "(integer) 1"},
      {"PFADD l a", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
      {"PFCOUNT l", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
      {"PFCOUNT h l", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
      {"PFMERGE l h", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
      {"PFMERGE h l", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
      {"PFADD", "(error) ERR wrong number of arguments for 'pfadd' command"},
      {"PFCOUNT", "(error) ERR wrong number of arguments for 'pfcount' command"},
      {"PFMERGE", "(error) ERR wrong number of arguments for 'pfmerge' command"},
      {"PFDEBUG ENCODING nokey", "(error) ERR The specified key does not exist"},
      {"PFDEBUG FOO h", "(error) ERR Unknown PFDEBUG subcommand 'FOO'"},
      {"PFDEBUG DECODE s", "(error) WRONGTYPE Key is not a valid HyperLogLog string value."},
      {"PFDEBUG ENCODING l", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
      {"PFDEBUG TODENSE h", "(integer) 1"},
      {"PFDEBUG ENCODING h", "dense"},
      {"PFDEBUG TODENSE h", "(integer) 0"},
      {"PFDEBUG DECODE h", "(error) ERR HLL encoding is not sparse"},
      {"PFCOUNT h", "(integer) 7"},
      {"PFADD h newelement", "(integer) 1"},
      {"PFCOUNT h", "(integer) 8"},
      {"PFDEBUG ENCODING h", "dense"},
      {"PFDEBUG ENCODING h h", "(error) ERR wrong number of arguments for 'pfdebug' command"},
      {"PFDEBUG", "(error) ERR wrong number of arguments for 'pfdebug' command"},
  };
  rcs::test::RunSteps(n, kSteps);
}

TEST_CASE("HLL values are redis-server's bytes: sparse and dense, before and after PFCOUNT caches the cardinality") {
  struct Case {
    int n;
    const char* encoding;
    size_t len;
    uint64_t hash_before;  // FNV-1a of the value after the adds
    int64_t count;         // PFCOUNT
    uint64_t hash_after;   // FNV-1a of the value after PFCOUNT wrote its cache
  };
  // Recorded from redis-server 7.0.15: PFADD n<N> e:0 ... e:<N-1>, then PFDEBUG ENCODING, GET, PFCOUNT, GET.
  static const Case kCases[] = {
      {1, "sparse", 21, 0x22a4cfbed36f584dULL, 1, 0x9b1e762c886f576aULL},
      {10, "sparse", 48, 0x261ee8c45509cbc4ULL, 10, 0x022be2a3d356c412ULL},
      {100, "sparse", 279, 0x4845eccc5ab006fdULL, 100, 0x5999824f1bc45151ULL},
      {300, "sparse", 686, 0xab071d9594d0729eULL, 301, 0x634fbb69aab5ccc0ULL},
      {1000, "sparse", 1880, 0xc25a87c332c6b0a8ULL, 995, 0x9a99632d030aa846ULL},
      {3000, "dense", 12304, 0xa8b06d4d0a254f18ULL, 2981, 0x6093b3d577803490ULL},
      {20000, "dense", 12304, 0x6dc4d3abcedd9db6ULL, 20096, 0xe88df78539c1f07cULL},
      {100000, "dense", 12304, 0x832e135839f94df7ULL, 100342, 0x0abec102fe1c0251ULL},
  };
  TestNode n;
  for (const Case& c : kCases) {
    CAPTURE(c.n);
    std::string key = "n" + std::to_string(c.n);
    AddRange(n, key, "e:", 0, c.n);
    std::string v = Value(n, key);
    CHECK(n.Do({"PFDEBUG", "ENCODING", key}) == c.encoding);
    CHECK(v.size() == c.len);
    CHECK(Fnv1a(v) == c.hash_before);
    CHECK(n.Do({"PFCOUNT", key}) == "(integer) " + std::to_string(c.count));
    CHECK(Fnv1a(Value(n, key)) == c.hash_after);
  }
  // The whole value for ten elements (redis-server's GET, in hex): header with the stale-cache bit, opcodes.
  CHECK(Hex(Value(n, "n10")) ==
        "48594c4c010000000a0000000000000040a2844822804663804491804490804195804ac4844345804ef08045de804337");
}

TEST_CASE("HLL accuracy: 100k distinct elements within the standard error, PFMERGE and PFCOUNT of overlapping sets") {
  TestNode n;
  AddRange(n, "big", "e:", 0, 100000);
  int64_t c = std::stoll(n.Do("PFCOUNT big").substr(10));
  // Standard error 0.81%: 3 sigma is about 2.5%. (redis-server answers 100342 for the same input.)
  CHECK(std::fabs(static_cast<double>(c) - 100000.0) / 100000.0 < 0.025);
  CHECK(c == 100342);
  // Two sets of 60k sharing 20k elements: the union is 100k.
  AddRange(n, "A", "e:", 0, 60000);
  AddRange(n, "B", "e:", 40000, 100000);
  CHECK(n.Do("PFCOUNT A B") == "(integer) 100342");  // redis-server 7.0.15's answer
  CHECK(n.Do("PFMERGE M A B") == "OK");
  CHECK(n.Do("PFCOUNT M") == "(integer) 100342");
  CHECK(Fnv1a(Value(n, "M")) == 0x0abec102fe1c0251ULL);  // redis-server's merged value, byte for byte
  int64_t a = std::stoll(n.Do("PFCOUNT A").substr(10)), b = std::stoll(n.Do("PFCOUNT B").substr(10));
  CHECK(std::fabs(a - 60000.0) / 60000.0 < 0.025);
  CHECK(std::fabs(b - 60000.0) / 60000.0 < 0.025);
  // A sparse merge stays sparse: 150 + 150 elements sharing 50.
  AddRange(n, "sa", "e:", 0, 150);
  AddRange(n, "sb", "e:", 100, 250);
  CHECK(n.Do("PFMERGE SM sa sb") == "OK");
  CHECK(n.Do("PFCOUNT SM") == "(integer) 250");
  CHECK(n.Do("PFDEBUG ENCODING SM") == "sparse");
  std::string sm = Value(n, "SM");
  CHECK(sm.size() == 600);
  CHECK(Fnv1a(sm) == 0x9e2c8abc386a9a49ULL);
}

TEST_CASE("HLL sparse values turn dense when they would pass hll-sparse-max-bytes (3000), as in redis-server") {
  TestNode n;
  // redis-server 7.0.15 turned this HLL dense at the 1671st one-element PFADD of p:0, p:1, ...
  for (int i = 0; i < 1670; i++) n.Do({"PFADD", "p", "p:" + std::to_string(i)});
  CHECK(n.Do("PFDEBUG ENCODING p") == "sparse");
  CHECK(Value(n, "p").size() <= hll::kDefaultSparseMaxBytes);
  CHECK(n.Do("PFADD p p:1670") == "(integer) 1");
  CHECK(n.Do("PFDEBUG ENCODING p") == "dense");
  CHECK(Value(n, "p").size() == hll::kDenseSize);
}

TEST_CASE("HLL propagation: PFADD only when a register changed, PFCOUNT only when it wrote the cache") {
  TestNode n;
  PropagationLog log(n);
  n.Do("PFADD h a b");
  CHECK(log.Take() == "PFADD h a b");
  n.Do("PFADD h a");
  CHECK(log.Take() == "");
  n.Do("PFCOUNT h");
  CHECK(log.Take() == "PFCOUNT h");
  n.Do("PFCOUNT h");  // cached now
  CHECK(log.Take() == "");
  n.Do("PFCOUNT h h");  // a union never writes
  CHECK(log.Take() == "");
  n.Do("PFMERGE d h");
  CHECK(log.Take() == "PFMERGE d h");
  n.Do("PFDEBUG TODENSE d");
  CHECK(log.Take() == "PFDEBUG TODENSE d");
  n.Do("PFDEBUG TODENSE d");
  CHECK(log.Take() == "");
  // A TTL survives PFADD growing the value and PFCOUNT writing the cache.
  n.Do("EXPIRE h 1000");
  AddRange(n, "h", "x:", 0, 500);
  n.Do("PFCOUNT h");
  CHECK(n.Do("TTL h") == "(integer) 1000");
}

TEST_CASE("HLL representation: dense registers round-trip, promotion keeps the cache bytes, corrupt sparse values") {
  std::string s = hll::NewSparse();
  CHECK(s.size() == hll::kHeaderSize + 2);
  CHECK(hll::IsHll(s));
  REQUIRE(hll::SparseToDense(&s));
  CHECK(s.size() == hll::kDenseSize);
  CHECK(hll::IsHll(s));
  // Every register, the last one included (its 6 bits end exactly at the value's end), holds 0..63.
  for (int i = 0; i < hll::kRegisters; i++) {
    CHECK(hll::SetRegister(&s, i, static_cast<uint8_t>(i % 64), hll::kDefaultSparseMaxBytes) == (i % 64 ? 1 : 0));
  }
  bool ok = true;
  for (int i = 0; i < hll::kRegisters; i++) ok = ok && hll::DenseRegister(s, i) == i % 64;
  CHECK(ok);
  // The last register (16383 % 64 == 63) fills the top 6 bits of the last byte.
  CHECK(hll::SetRegister(&s, hll::kRegisters - 1, 63, hll::kDefaultSparseMaxBytes) == 0);
  CHECK((static_cast<uint8_t>(s.back()) >> 2) == 63);
  CHECK(hll::DenseRegister(s, hll::kRegisters - 2) == (hll::kRegisters - 2) % 64);

  // A count above 32 does not fit a sparse VAL: the value turns dense, and the header (cache) is kept.
  std::string t = hll::NewSparse();
  t[8] = 5;  // a valid cached cardinality of 5
  CHECK(hll::SetRegister(&t, 7, 40, hll::kDefaultSparseMaxBytes) == 1);
  CHECK(hll::IsDense(t));
  CHECK(t[8] == 5);
  CHECK(hll::DenseRegister(t, 7) == 40);

  // Opcodes covering fewer or more than 16384 registers are corrupt for every reader.
  std::string bad = hll::NewSparse();
  bad[hll::kHeaderSize + 1] = static_cast<char>(0xfe);  // XZERO of 16383
  uint64_t card;
  bool written;
  std::vector<uint8_t> max(hll::kRegisters, 0);
  CHECK_FALSE(hll::Estimate(bad, &card));
  CHECK_FALSE(hll::MergeInto(bad, max.data()));
  std::string copy = bad;
  CHECK_FALSE(hll::SparseToDense(&copy));
  CHECK(copy == bad);
  bad.push_back(static_cast<char>(0x00));  // ZERO of 1: now exactly 16384
  CHECK(hll::Count(&bad, &card, &written));
  CHECK(card == 0);
  std::string truncated = bad.substr(0, hll::kHeaderSize);
  CHECK(hll::SetRegister(&truncated, 0, 1, hll::kDefaultSparseMaxBytes) == -1);
  // A VAL after the 16384th register is corrupt for merges and conversions even though the walk stopped
  // at exactly 16384 (redis-server 7.0.15 answers INVALIDOBJ to PFMERGE/PFCOUNT of several keys here).
  std::string over = hll::NewSparse();
  over.push_back(static_cast<char>(0x80));  // VAL 1 x1, past the end
  std::fill(max.begin(), max.end(), 0);
  CHECK_FALSE(hll::MergeInto(over, max.data()));
  copy = over;
  CHECK_FALSE(hll::SparseToDense(&copy));
  CHECK_FALSE(hll::Estimate(over, &card));
  CHECK_FALSE(hll::IsHll("HYLL\x01"));
  CHECK_FALSE(hll::IsHll(std::string(hll::kDenseSize - 1, '\0').replace(0, 5, "HYLL\0", 5)));
}
