// Active expiry, as Redis's activeExpireCycle: sample keys with an expiry (kExpireKeysPerLoop at a time,
// walking the volatile array with a cursor), delete the expired ones, and repeat while more than
// kAcceptableStalePerc percent of a sample was expired and the time budget lasts. Also keeps INFO's
// avg_ttl and expired_stale_perc estimates.
#include <algorithm>
#include <chrono>

#include "keyspace/entry_record.h"
#include "keyspace/keyspace.h"
#include "keyspace/keyspace_impl.h"

namespace rcs {

using namespace keyspace_internal;

namespace {
constexpr int kExpireKeysPerLoop = 20;
constexpr int kAcceptableStalePerc = 10;
}  // namespace

size_t Keyspace::ActiveExpireCycle(int64_t budget_us) {
  Impl& m = *impl_;
  if (m.paused || m.expiry_disabled || m.vol.empty()) return 0;
  auto start = std::chrono::steady_clock::now();
  const int64_t now = m.NowMs();
  size_t total_expired = 0, total_sampled = 0;
  int iteration = 0;
  size_t expired, sampled;
  do {
    size_t num = m.vol.size();
    if (num == 0) break;
    size_t n = std::min<size_t>(num, kExpireKeysPerLoop);
    expired = sampled = 0;
    int64_t ttl_sum = 0;
    size_t ttl_samples = 0;
    for (size_t j = 0; j < n && !m.vol.empty(); j++) {
      if (m.expire_cursor >= m.vol.size()) m.expire_cursor = 0;
      Entry* e = m.vol[m.expire_cursor];
      int64_t when = ExpireOf(e);
      sampled++;
      if (now > when) {
        // The last entry moves into this index: do not advance the cursor.
        int slot;
        Impl::Pos pos = m.dict.LocateKey(KeyOf(e), &slot);
        m.DeleteExpired(pos, slot);
        expired++;
      } else {
        ttl_sum += when - now;
        ttl_samples++;
        m.expire_cursor++;
      }
    }
    total_expired += expired;
    total_sampled += sampled;
    if (ttl_samples > 0) {
      int64_t avg = ttl_sum / static_cast<int64_t>(ttl_samples);
      m.avg_ttl = m.avg_ttl == 0 ? avg : (m.avg_ttl / 50) * 49 + (avg / 50);
    }
    if ((++iteration & 15) == 0) {
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
      if (us.count() > budget_us) break;
    }
  } while (sampled == 0 || expired * 100 / sampled > kAcceptableStalePerc);
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  m.stats.expire_cycle_cpu_us += static_cast<uint64_t>(elapsed.count());
  double current = total_sampled ? static_cast<double>(total_expired) / total_sampled : 0;
  m.stale_perc = current * 0.05 + m.stale_perc * 0.95;
  m.stats.expired_stale_perc_x100 = static_cast<uint64_t>(m.stale_perc * 10000 + 0.5);
  return total_expired;
}

}  // namespace rcs
