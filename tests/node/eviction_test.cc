// The maxmemory policies: the LFU counter (keyspace/lfu.h: logarithmic increment, decay) and each policy's
// choice of keys to evict, on a Keyspace with a ManualClock (no server).
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "keyspace/keyspace.h"
#include "keyspace/lfu.h"

namespace rcs {
namespace {

struct EvictLog {
  std::vector<std::string> keys;
  void Attach(Keyspace& ks) {
    ks.set_delete_hook([this](std::string_view k, Keyspace::DeleteReason why) {
      CHECK(why == Keyspace::DeleteReason::kEvicted);
      keys.emplace_back(k);
    });
  }
  size_t CountPrefix(std::string_view p) const {
    size_t n = 0;
    for (const auto& k : keys) n += k.rfind(p, 0) == 0;
    return n;
  }
};

}  // namespace

TEST_CASE("lfu: logarithmic increment") {
  // A counter at or below LFU_INIT_VAL always grows; so does any counter with lfu-log-factor 0.
  CHECK(lfu::LogIncr(0, 10, 0.999) == 1);
  CHECK(lfu::LogIncr(5, 10, 0.999) == 6);
  CHECK(lfu::LogIncr(200, 0, 0.999) == 201);
  // Above it, with probability 1 / ((counter - 5) * factor + 1).
  CHECK(lfu::LogIncr(105, 10, 0.0009) == 106);  // p = 1/1001
  CHECK(lfu::LogIncr(105, 10, 0.0011) == 105);
  CHECK(lfu::LogIncr(6, 1, 0.49) == 7);  // p = 1/2
  CHECK(lfu::LogIncr(6, 1, 0.51) == 6);
  // Saturates.
  CHECK(lfu::LogIncr(255, 0, 0.0) == 255);
  // Many accesses with the default factor: the counter grows like a logarithm (Redis's table: 100 hits -> ~10,
  // 1000 -> ~18, 100k -> ~142 with factor 10; here with a fixed sequence of r).
  uint32_t c = lfu::kLfuInitVal;
  uint64_t x = 12345;
  for (int i = 0; i < 100000; i++) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    c = lfu::LogIncr(c, 10, static_cast<double>(x >> 11) / 9007199254740992.0);
  }
  CHECK(c > 100);
  CHECK(c < 200);
}

TEST_CASE("lfu: decay by elapsed minutes") {
  const uint32_t bits = (100u << 8) | 20;
  CHECK(lfu::DecrAndReturn(bits, 100, 1) == 20);
  CHECK(lfu::DecrAndReturn(bits, 103, 1) == 17);
  CHECK(lfu::DecrAndReturn(bits, 103, 2) == 19);  // one whole period of 2 minutes
  CHECK(lfu::DecrAndReturn(bits, 103, 0) == 20);  // lfu-decay-time 0: never
  CHECK(lfu::DecrAndReturn(bits, 200, 1) == 0);   // more periods than the counter
  // The 16-bit minutes wrap once.
  CHECK(lfu::Elapsed(65530, 5) == 10);
  CHECK(lfu::DecrAndReturn((65530u << 8) | 20, 5, 1) == 10);
  // An access decays first, then increments, then stores the current minutes.
  uint32_t t = lfu::Touch(bits, 103, 0, 1, 0.5);
  CHECK((t >> 8) == 103);
  CHECK((t & 255) == 18);
  CHECK(lfu::Init(7) == ((7u << 8) | 5));
}

TEST_CASE("keyspace: LFU access tracking") {
  ManualClock clock;
  Keyspace ks(&clock);
  ks.set_eviction_policy(EvictionPolicy::kAllKeysLfu);
  ks.set_lfu_params(0, 0);  // deterministic: every access counts, no decay
  ks.SetString("k", "v");
  CHECK(ks.LfuFreq(*ks.Find("k")) == 5);  // LFU_INIT_VAL
  for (int i = 0; i < 10; i++) CHECK(ks.FindRead("k") != nullptr);
  CHECK(ks.LfuFreq(*ks.Find("k")) == 15);
  CHECK(ks.Find("k") != nullptr);  // no touch
  CHECK(ks.LfuFreq(*ks.Find("k")) == 15);
  ks.FindWrite("k");
  CHECK(ks.LfuFreq(*ks.Find("k")) == 16);
  // An overwrite is an access and keeps the counter (Redis's setKey + dbOverwrite).
  ks.SetString("k", std::string(100, 'x'));
  CHECK(ks.LfuFreq(*ks.Find("k")) == 17);
  // Decay: one per lfu-decay-time minutes, read without storing; the next access stores it.
  ks.set_lfu_params(0, 1);
  clock.AdvanceMs(3 * 60 * 1000);
  CHECK(ks.LfuFreq(*ks.Find("k")) == 14);
  CHECK(ks.LfuFreq(*ks.Find("k")) == 14);
  ks.FindRead("k");
  CHECK(ks.LfuFreq(*ks.Find("k")) == 15);
  // Switching policy reinterprets the same bits: nothing stored changes.
  uint32_t bits = ks.Find("k")->lru();
  ks.set_eviction_policy(EvictionPolicy::kAllKeysLru);
  CHECK(ks.Find("k")->lru() == bits);
  ks.FindRead("k");  // now an LRU clock
  CHECK(ks.IdleSeconds(*ks.Find("k")) == 0);
  // SetAccessInfo (RESTORE FREQ/IDLETIME, the RDB's FREQ/IDLE): only the one the policy reads.
  bits = ks.Find("k")->lru();
  ks.SetAccessInfo(ks.Find("k"), 200, -1);  // FREQ under LRU: ignored
  CHECK(ks.Find("k")->lru() == bits);
  ks.SetAccessInfo(ks.Find("k"), -1, 1000);
  CHECK(ks.IdleSeconds(*ks.Find("k")) == 1000);
  ks.set_eviction_policy(EvictionPolicy::kVolatileLfu);
  ks.SetAccessInfo(ks.Find("k"), 200, -1);
  CHECK(ks.LfuFreq(*ks.Find("k")) == 200);
  ks.SetAccessInfo(ks.Find("k"), -1, 5);  // IDLETIME under LFU: ignored
  CHECK(ks.LfuFreq(*ks.Find("k")) == 200);
  // A new key under LFU starts at 5.
  ks.SetString("n", "v");
  CHECK(ks.LfuFreq(*ks.Find("n")) == 5);
  // While a forked child shares the pages, reads leave the bits alone (and an overwrite keeps them).
  ks.set_lfu_params(0, 0);
  ks.PauseRehash();
  ks.FindRead("n");
  ks.SetString("n", "w");
  CHECK(ks.LfuFreq(*ks.Find("n")) == 5);
  ks.ResumeRehash();
  ks.FindRead("n");
  CHECK(ks.LfuFreq(*ks.Find("n")) == 6);
}

TEST_CASE("eviction: allkeys-lfu and volatile-lfu evict the least frequently used") {
  ManualClock clock;
  Keyspace ks(&clock);
  EvictLog log;
  log.Attach(ks);
  ks.set_eviction_policy(EvictionPolicy::kAllKeysLfu);
  for (int i = 0; i < 300; i++) {
    std::string k = (i % 3 == 0 ? "hot" : "cold") + std::to_string(i);
    ks.SetString(k, std::string(100, 'v'), i % 2 == 0 ? clock.NowMs() + 3600000 : -1);
    ks.SetAccessInfo(ks.Find(k), k[0] == 'h' ? 100 : 2, -1);
  }
  size_t n = ks.Evict(100 * 100, 10);
  REQUIRE(n > 0);
  CHECK(log.CountPrefix("hot") * 10 <= n);  // overwhelmingly the cold keys
  CHECK(ks.stats().evicted_keys == n);

  // volatile-lfu: only keys with an expiry, however cold the others are.
  ks.set_eviction_policy(EvictionPolicy::kVolatileLfu);
  log.keys.clear();
  size_t m = ks.Evict(int64_t{1} << 40, 5);
  CHECK(m == log.keys.size());
  CHECK(ks.expires_size() == 0);
  for (const auto& k : log.keys) CHECK(std::stoi(k.substr(k[0] == 'h' ? 3 : 4)) % 2 == 0);
  CHECK(ks.Evict(int64_t{1} << 40, 5) == 0);  // only persistent keys left: nothing evictable
  CHECK(ks.size() > 0);
}

TEST_CASE("eviction: volatile-lru evicts only keys with an expiry, the least recently used first") {
  ManualClock clock;
  Keyspace ks(&clock);
  EvictLog log;
  log.Attach(ks);
  ks.set_eviction_policy(EvictionPolicy::kVolatileLru);
  for (int i = 0; i < 200; i++) ks.SetString("persist" + std::to_string(i), std::string(100, 'p'));  // oldest
  clock.AdvanceMs(50000);
  for (int i = 0; i < 200; i++) ks.SetString("vold" + std::to_string(i), std::string(100, 'o'), clock.NowMs() + 10000000);
  clock.AdvanceMs(50000);
  for (int i = 0; i < 200; i++) ks.SetString("vnew" + std::to_string(i), std::string(100, 'n'), clock.NowMs() + 10000000);
  size_t n = ks.Evict(60 * 100, 10);
  REQUIRE(n > 0);
  CHECK(log.CountPrefix("persist") == 0);
  CHECK(log.CountPrefix("vold") * 10 >= n * 9);
  ks.Evict(int64_t{1} << 40, 5);
  CHECK(log.CountPrefix("persist") == 0);
  CHECK(ks.size() == 200);
  CHECK(ks.Evict(1, 5) == 0);
}

TEST_CASE("eviction: allkeys-random and volatile-random") {
  ManualClock clock;
  Keyspace ks(&clock);
  EvictLog log;
  log.Attach(ks);
  for (int i = 0; i < 200; i++) {
    ks.SetString("p" + std::to_string(i), std::string(50, 'p'));
    ks.SetString("v" + std::to_string(i), std::string(50, 'v'), clock.NowMs() + 100000);
  }
  ks.set_eviction_policy(EvictionPolicy::kVolatileRandom);
  size_t n = ks.Evict(int64_t{1} << 40, 5, 50);  // max_keys bounds one call
  CHECK(n == 50);
  n += ks.Evict(int64_t{1} << 40, 5);
  CHECK(n == 200);
  CHECK(log.CountPrefix("p") == 0);
  CHECK(ks.expires_size() == 0);
  CHECK(ks.Evict(1, 5) == 0);
  ks.set_eviction_policy(EvictionPolicy::kAllKeysRandom);
  // Both kinds go: a random sample of 100 out of 200 persistent keys (no bias to check beyond "some").
  log.keys.clear();
  CHECK(ks.Evict(int64_t{1} << 40, 5, 100) == 100);
  std::set<std::string> distinct(log.keys.begin(), log.keys.end());
  CHECK(distinct.size() == 100);
  ks.Evict(int64_t{1} << 40, 5);
  CHECK(ks.size() == 0);
}

TEST_CASE("eviction policy names") {
  EvictionPolicy p;
  for (const char* n : {"noeviction", "allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-lfu", "allkeys-random",
                        "volatile-random", "volatile-ttl"}) {
    CHECK(ParseEvictionPolicy(n, &p));
  }
  CHECK_FALSE(ParseEvictionPolicy("allkeys-ttl", &p));
  CHECK(ParseEvictionPolicy("volatile-lfu", &p));
  CHECK(IsLfuPolicy(p));
  CHECK_FALSE(IsLruPolicy(p));
}

}  // namespace rcs
