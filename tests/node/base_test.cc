#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include <random>
#include <set>
#include <string>

#include "base/crc16.h"
#include "base/file_util.h"
#include "base/hash.h"
#include "base/random.h"
#include "base/strutil.h"

using namespace rcs;

TEST_CASE("CRC16 and key hash slots match Redis Cluster's published values") {
  CHECK(Crc16("123456789") == 0x31C3);  // the test vector in the cluster specification
  CHECK(KeyHashSlot("foo") == 12182);
  CHECK(KeyHashSlot("bar") == 5061);
  CHECK(KeyHashSlot("{user1000}.following") == KeyHashSlot("{user1000}.followers"));
  CHECK(KeyHashSlot("foo{}{bar}") == KeyHashSlot("foo{}{bar}"));
  CHECK(HashTagOf("foo{}{bar}") == "foo{}{bar}");  // empty first tag: the whole key is hashed
  CHECK(HashTagOf("foo{{bar}}zap") == "{bar");
  CHECK(HashTagOf("foo{bar}{zap}") == "bar");
  CHECK(KeyHashSlot("") == 0);
}

TEST_CASE("KeyHashSlot (8 bytes at a time) agrees with Crc16 of the hash tag") {
  std::mt19937_64 rng(7);
  const char alphabet[] = "ab{}xyz0123456789:{}";
  for (int i = 0; i < 200000; i++) {
    std::string k(rng() % 40, ' ');
    for (auto& c : k) c = (rng() % 8 == 0) ? static_cast<char>(rng() % 256) : alphabet[rng() % (sizeof(alphabet) - 1)];
    REQUIRE(KeyHashSlot(k) == (Crc16(HashTagOf(k)) & 16383));
  }
  CHECK(KeyHashSlot("123456789") == (0x31C3 & 16383));  // CRC16-XMODEM check value
  CHECK(KeyHashSlot("{user1000}.following") == KeyHashSlot("{user1000}.followers"));
  CHECK(KeyHashSlot("") == 0);
}

TEST_CASE("KeyedHash: deterministic per seed, different across seeds, every length and byte counts") {
  const uint64_t seed = 0x0123456789abcdefULL;
  std::string buf;
  std::set<uint64_t> seen;
  for (size_t len = 0; len <= 64; len++) {
    // Every length of the same prefix (zero bytes too) hashes differently: the length is mixed in.
    CHECK(KeyedHash(buf, seed) == KeyedHash(buf, seed));
    CHECK(KeyedHash(buf, seed) != KeyedHash(buf, seed ^ 1));
    CHECK(seen.insert(KeyedHash(buf, seed)).second);
    // Flipping any one byte changes the hash (short, block and tail paths).
    for (size_t i = 0; i < len; i++) {
      std::string flipped = buf;
      flipped[i] ^= 0x20;
      CHECK(KeyedHash(flipped, seed) != KeyedHash(buf, seed));
    }
    buf.push_back(static_cast<char>(len % 3 == 0 ? 0 : 'a' + len % 26));
  }
  CHECK(HashBytes("field") == HashBytes("field"));
  CHECK(RandomHashSeed() != RandomHashSeed());
}

TEST_CASE("ParseInt64 follows string2ll") {
  int64_t v;
  CHECK(ParseInt64("0", &v));
  CHECK(ParseInt64("-9223372036854775808", &v));
  CHECK(v == INT64_MIN);
  CHECK(ParseInt64("9223372036854775807", &v));
  CHECK_FALSE(ParseInt64("9223372036854775808", &v));
  CHECK_FALSE(ParseInt64("01", &v));
  CHECK_FALSE(ParseInt64("+1", &v));
  CHECK_FALSE(ParseInt64(" 1", &v));
  CHECK_FALSE(ParseInt64("-0", &v));
  CHECK_FALSE(ParseInt64("", &v));
  CHECK_FALSE(ParseInt64("1a", &v));
}

TEST_CASE("ParseDouble and formatting") {
  double d;
  CHECK(ParseDouble("1.5", &d));
  CHECK(ParseDouble("-inf", &d));
  CHECK_FALSE(ParseDouble("nan", &d));
  CHECK_FALSE(ParseDouble(" 1", &d));
  CHECK_FALSE(ParseDouble("1x", &d));
  CHECK_FALSE(ParseDouble("1e400", &d));   // overflow
  CHECK_FALSE(ParseDouble("1e-400", &d));  // underflow to zero
  CHECK(ParseDouble("4e-320", &d));        // a denormal is fine
  CHECK(ParseDouble("inf", &d));
  long double ld;
  CHECK_FALSE(ParseLongDouble("1e5000", &ld));
  CHECK(FormatDouble(1.5) == "1.5");
  CHECK(FormatDouble(0.1) == "0.10000000000000001");
  CHECK(FormatLongDouble(10.5L) == "10.5");
  CHECK(FormatLongDouble(3.0L) == "3");
}

TEST_CASE("glob matching as Redis's stringmatchlen") {
  struct Case {
    const char* pattern;
    std::string text;
    bool nocase;
    bool matches;
  };
  const Case cases[] = {
      {"*", "anything", false, true},
      {"h?llo", "hello", false, true},
      {"h[ae]llo", "hallo", false, true},
      {"h[^e]llo", "hello", false, false},
      {"h[a-b]llo", "hbllo", false, true},
      {"h\\*llo", "h*llo", false, true},
      {"h\\*llo", "hello", false, false},
      {"MAX*", "maxmemory", true, true},
      {"a*b", "acd", false, false},
      {"*a*a*a*a*a*a*a*a*b", std::string(50, 'a') + "b", false, true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pattern);
    CAPTURE(c.text);
    CHECK(GlobMatch(c.pattern, c.text, c.nocase) == c.matches);
  }
}

TEST_CASE("SecureEquals") {
  CHECK(SecureEquals("secret", "secret"));
  CHECK_FALSE(SecureEquals("secret", "secreT"));
  CHECK_FALSE(SecureEquals("secret", "secret1"));
  CHECK_FALSE(SecureEquals("", "x"));
  CHECK(SecureEquals("", ""));
}

TEST_CASE("InfoField writes one INFO line; RandomHex gives fresh lowercase hex ids") {
  std::string out;
  InfoField(&out, "role", "master");
  InfoField(&out, "connected_slaves", 2);
  InfoField(&out, "second_repl_offset", -1);
  CHECK(out == "role:master\r\nconnected_slaves:2\r\nsecond_repl_offset:-1\r\n");
  std::string a = RandomHex(40), b = RandomHex(40);
  CHECK(a.size() == 40);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(a != b);  // 160 random bits each
  CHECK(RandomHex(0).empty());
}

TEST_CASE("WriteFileAtomic replaces the file whole; a failed write leaves no temp file") {
  std::string path = "/tmp/rcs-cluster-test-" + std::to_string(getpid()) + ".conf";
  REQUIRE(WriteFileAtomic(path, "first\n").ok());
  REQUIRE(WriteFileAtomic(path, "second\n").ok());
  FILE* f = fopen(path.c_str(), "r");
  REQUIRE(f != nullptr);
  char buf[64] = {0};
  size_t n = fread(buf, 1, sizeof(buf) - 1, f);
  fclose(f);
  CHECK(std::string(buf, n) == "second\n");
  unlink(path.c_str());
  CHECK_FALSE(WriteFileAtomic("/nonexistent-dir/x/nodes.conf", "x").ok());
  // An explicit temp name (the AOF manifest's) is used and gone afterwards.
  std::string tmp = path + ".temp";
  REQUIRE(WriteFileAtomic(path, "third\n", tmp).ok());
  CHECK(access(tmp.c_str(), F_OK) != 0);
  unlink(path.c_str());
  CHECK(DirName("/a/b/c") == "/a/b");
  CHECK(DirName("/c") == "/");
  CHECK(DirName("c") == ".");
}

TEST_CASE("IncrementalSync starts the writeback of each whole chunk and leaves the file's bytes as written") {
  std::string path = "/tmp/rcs-incsync-test-" + std::to_string(getpid());
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  IncrementalSync sync(fd, 4096);
  std::string expect;
  for (int i = 0; i < 300; i++) {  // 300 writes of 1..200 bytes: chunk boundaries fall inside writes
    std::string piece(static_cast<size_t>(1 + (i * 37) % 200), static_cast<char>('a' + i % 26));
    REQUIRE(WriteAll(fd, piece));
    REQUIRE(sync.Wrote(piece.size()));
    expect += piece;
  }
  REQUIRE(close(fd) == 0);
  FILE* f = fopen(path.c_str(), "r");
  REQUIRE(f != nullptr);
  std::string got(expect.size() + 1, '\0');
  got.resize(fread(got.data(), 1, got.size(), f));
  fclose(f);
  unlink(path.c_str());
  CHECK(got == expect);
  // Not a file: once a chunk is complete the error is reported (ESPIPE), as a write error would be.
  int p[2];
  REQUIRE(pipe(p) == 0);
  IncrementalSync on_pipe(p[1], 16);
  CHECK(on_pipe.Wrote(15));
  CHECK_FALSE(on_pipe.Wrote(1));
  CHECK(errno == ESPIPE);
  IncrementalSync off(p[1], 0);  // chunk 0: never syncs
  CHECK(off.Wrote(1 << 20));
  close(p[0]);
  close(p[1]);
}

TEST_CASE("Random: picks stay in range, distinct picks are distinct, secure bytes differ between calls") {
  FastRandom& rng = ThreadRandom();
  CHECK(&rng == &ThreadRandom());  // one generator per thread
  for (int i = 0; i < 1000; i++) CHECK(rng.Below(7) < 7);
  FastRandom a(42), b(42);
  CHECK(a.Next() == b.Next());  // seeded: reproducible
  for (size_t k : {size_t{1}, size_t{3}, size_t{60}, size_t{100}}) {  // single, sparse, dense, all
    std::vector<uint32_t> idx;
    PickDistinctIndices(100, k, rng, &idx);
    CHECK(idx.size() == k);
    CHECK(std::set<uint32_t>(idx.begin(), idx.end()).size() == k);
    for (uint32_t i : idx) CHECK(i < 100);
  }
  CHECK(SecureRandom64() != SecureRandom64());
  std::string odd = RandomHex(7);
  CHECK(odd.size() == 7);
  CHECK(odd.find_first_not_of("0123456789abcdef") == std::string::npos);
}
