// Eviction (maxmemory-policy allkeys-lru and volatile-ttl), as Redis's evict.c does it: each round samples
// `samples` keys (random keys for LRU, random keys with an expiry for volatile-ttl) into a pool of the
// kPoolSize best candidates kept across calls, then evicts the best candidate that still exists.
#include <algorithm>
#include <string>

#include "base/alloc.h"
#include "keyspace/entry_record.h"
#include "keyspace/keyspace.h"
#include "keyspace/keyspace_impl.h"

namespace rcs {

using namespace keyspace_internal;

namespace {
constexpr size_t kPoolSize = 16;  // Redis's EVPOOL_SIZE

uint64_t IdleMs(uint32_t lru, uint32_t now_lru) {
  if (now_lru >= lru) return static_cast<uint64_t>(now_lru - lru) * 1000;
  return static_cast<uint64_t>(now_lru + (kLruMax - lru)) * 1000;
}
}  // namespace

void Keyspace::Impl::PoolInsert(uint64_t score, std::string_view key) {
  for (auto& it : pool) {
    if (it.key == key) {
      if (it.score == score) return;
      it.score = score;
      std::sort(pool.begin(), pool.end(), [](const PoolItem& a, const PoolItem& b) { return a.score < b.score; });
      return;
    }
  }
  if (pool.size() == kPoolSize) {
    if (score <= pool.front().score) return;
    pool.erase(pool.begin());
  }
  auto it = std::upper_bound(pool.begin(), pool.end(), score,
                             [](uint64_t s, const PoolItem& p) { return s < p.score; });
  pool.insert(it, PoolItem{score, std::string(key)});
}

void Keyspace::Impl::PoolPopulate(bool lru, int samples) {
  uint32_t now_lru = LruClock(NowMs());
  for (int i = 0; i < samples; i++) {
    Entry* e;
    uint64_t score;
    if (lru) {
      if (dict.total() == 0) return;
      e = dict.RandomEntry([this] { return Rand(); });
      score = IdleMs(Meta(e) >> kLruShift, now_lru);
    } else {
      if (vol.empty()) return;
      e = vol[Rand() % vol.size()];
      score = UINT64_MAX - static_cast<uint64_t>(ExpireOf(e));
    }
    PoolInsert(score, KeyOf(e));
  }
}

size_t Keyspace::Evict(std::string_view policy, int64_t need_bytes_to_free, int samples) {
  Impl& m = *impl_;
  bool lru;
  if (policy == "allkeys-lru") {
    lru = true;
  } else if (policy == "volatile-ttl") {
    lru = false;
  } else {
    return 0;
  }
  if (samples <= 0) samples = 5;
  if (m.pool_lru != lru) {
    m.pool.clear();
    m.pool_lru = lru;
  }
  size_t evicted = 0;
  int64_t freed = 0;
  while (freed < need_bytes_to_free) {
    Impl::Pos victim;
    int vslot = 0;
    while (victim.e == nullptr) {
      if (lru ? m.dict.total() == 0 : m.vol.empty()) break;
      m.PoolPopulate(lru, samples);
      while (!m.pool.empty()) {
        std::string key = std::move(m.pool.back().key);
        m.pool.pop_back();
        Impl::Pos pos = m.dict.LocateKey(key, &vslot);
        if (pos.e != nullptr && (lru || (Meta(pos.e) & kHasExpire))) {
          victim = pos;
          break;
        }
      }
    }
    if (victim.e == nullptr) break;
    m.CallHook(victim.e, DeleteReason::kEvicted);
    int64_t before = UsedMemory();
    m.Remove(victim, vslot, true);
    freed += before - UsedMemory();
    m.stats.evicted_keys++;
    evicted++;
  }
  return evicted;
}

}  // namespace rcs
