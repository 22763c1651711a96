// Eviction, as Redis 7.0's evict.c does it, for the eight maxmemory policies.
//
// LRU, LFU and volatile-ttl: each round samples `samples` keys (from every key for allkeys-*, from the keys
// with an expiry for volatile-*) into a pool of the kPoolSize best candidates kept across calls, scored so
// that higher is better (idle milliseconds; 255 minus the decayed LFU counter; the sooner expiry), then
// evicts the best candidate that still exists (and, for volatile-*, still has an expiry). Random: one random
// key (volatile-random: one with an expiry). noeviction evicts nothing.
//
// Access tracking lives here too: the 24 access bits of a key are an LRU clock or, under an LFU policy, the
// counter of keyspace/lfu.h.
#include <algorithm>
#include <string>

#include "base/alloc.h"
#include "keyspace/entry_record.h"
#include "keyspace/keyspace.h"
#include "keyspace/keyspace_impl.h"
#include "keyspace/lfu.h"

namespace rcs {

using namespace keyspace_internal;

namespace {
constexpr size_t kPoolSize = 16;  // Redis's EVPOOL_SIZE

uint64_t IdleMs(uint32_t lru, uint32_t now_lru) {
  if (now_lru >= lru) return static_cast<uint64_t>(now_lru - lru) * 1000;
  return static_cast<uint64_t>(now_lru + (kLruMax - lru)) * 1000;
}

bool AllKeys(EvictionPolicy p) {
  return p == EvictionPolicy::kAllKeysLru || p == EvictionPolicy::kAllKeysLfu || p == EvictionPolicy::kAllKeysRandom;
}
}  // namespace

bool ParseEvictionPolicy(std::string_view name, EvictionPolicy* out) {
  static constexpr std::pair<std::string_view, EvictionPolicy> kNames[] = {
      {"noeviction", EvictionPolicy::kNoEviction},         {"allkeys-lru", EvictionPolicy::kAllKeysLru},
      {"volatile-lru", EvictionPolicy::kVolatileLru},      {"allkeys-lfu", EvictionPolicy::kAllKeysLfu},
      {"volatile-lfu", EvictionPolicy::kVolatileLfu},      {"allkeys-random", EvictionPolicy::kAllKeysRandom},
      {"volatile-random", EvictionPolicy::kVolatileRandom}, {"volatile-ttl", EvictionPolicy::kVolatileTtl},
  };
  for (const auto& [n, p] : kNames) {
    if (n == name) {
      *out = p;
      return true;
    }
  }
  return false;
}

void Keyspace::set_eviction_policy(EvictionPolicy policy) { impl_->policy = policy; }
EvictionPolicy Keyspace::eviction_policy() const { return impl_->policy; }
void Keyspace::set_lfu_params(int log_factor, int decay_time) {
  impl_->lfu_log_factor = log_factor;
  impl_->lfu_decay_time = decay_time;
}

int Keyspace::LfuFreq(const Entry& e) const {
  return static_cast<int>(lfu::DecrAndReturn(e.lru(), lfu::Minutes(impl_->NowMs()), impl_->lfu_decay_time));
}

int64_t Keyspace::IdleSeconds(const Entry& e) const { return LruIdleSeconds(e.lru(), impl_->NowMs()); }

void Keyspace::SetAccessInfo(Entry* e, int64_t lfu_freq, int64_t lru_idle_s) {
  Impl& m = *impl_;
  int64_t now = m.NowMs();
  if (m.lfu()) {
    if (lfu_freq < 0) return;
    uint32_t f = static_cast<uint32_t>(std::min<int64_t>(lfu_freq, 255));
    SetMeta(e, WithLru(Meta(e), (lfu::Minutes(now) << 8) | f));
  } else if (lru_idle_s >= 0) {
    // The clock of the access that long ago; one that would precede the clock's zero wraps (Redis's
    // objectSetLRUOrLFU).
    int64_t abs = static_cast<int64_t>(LruClock(now)) - lru_idle_s;
    if (abs < 0) abs += kLruMax;
    if (abs < 0) abs = 0;  // idle longer than the clock's whole cycle
    SetMeta(e, WithLru(Meta(e), static_cast<uint32_t>(abs)));
  }
}

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

void Keyspace::Impl::PoolPopulate(int samples) {
  const bool all = AllKeys(policy);
  const int64_t now = NowMs();
  const uint32_t now_lru = LruClock(now);
  const uint32_t now_min = lfu::Minutes(now);
  for (int i = 0; i < samples; i++) {
    Entry* e;
    if (all) {
      if (dict.total() == 0) return;
      e = dict.RandomEntry([] { return Rand(); });
    } else {
      if (vol.empty()) return;
      e = vol[Rand() % vol.size()];
    }
    uint32_t bits = Meta(e) >> kLruShift;
    uint64_t score;
    if (IsLruPolicy(policy)) {
      score = IdleMs(bits, now_lru);
    } else if (IsLfuPolicy(policy)) {
      score = 255 - lfu::DecrAndReturn(bits, now_min, lfu_decay_time);
    } else {
      score = UINT64_MAX - static_cast<uint64_t>(ExpireOf(e));
    }
    PoolInsert(score, KeyOf(e));
  }
}

size_t Keyspace::Evict(int64_t need_bytes_to_free, int samples, size_t max_keys) {
  Impl& m = *impl_;
  const EvictionPolicy p = m.policy;
  if (p == EvictionPolicy::kNoEviction) return 0;
  const bool all = AllKeys(p);
  const bool random = p == EvictionPolicy::kAllKeysRandom || p == EvictionPolicy::kVolatileRandom;
  if (samples <= 0) samples = 5;
  if (m.pool_policy != p) {  // scores of another policy are not comparable
    m.pool.clear();
    m.pool_policy = p;
  }
  size_t evicted = 0;
  int64_t freed = 0;
  while (freed < need_bytes_to_free && evicted < max_keys) {
    if (all ? m.dict.total() == 0 : m.vol.empty()) break;
    Impl::Pos victim;
    int vslot = 0;
    if (random) {
      Entry* e = all ? m.dict.RandomEntry([] { return Impl::Rand(); }) : m.vol[Impl::Rand() % m.vol.size()];
      if (e == nullptr) break;
      std::string key(KeyOf(e));
      victim = m.dict.LocateKey(key, &vslot);
    }
    while (victim.e == nullptr && !random) {
      if (all ? m.dict.total() == 0 : m.vol.empty()) break;
      m.PoolPopulate(samples);
      while (!m.pool.empty()) {
        std::string key = std::move(m.pool.back().key);
        m.pool.pop_back();
        Impl::Pos pos = m.dict.LocateKey(key, &vslot);
        if (pos.e != nullptr && (all || (Meta(pos.e) & kHasExpire))) {
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
