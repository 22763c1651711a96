// The LFU access counter, as Redis 7.0's (evict.c, db.c updateLFU): under an LFU maxmemory-policy the 24
// access bits of a key hold
//
//     bits 8-23  the last decrement time: Unix minutes, 16 bits (wrapping)
//     bits 0-7   a logarithmic access counter, saturating at 255
//
// A new key starts at kLfuInitVal so that it survives long enough to collect a few accesses. An access first
// decays the counter by one per `decay_time` minutes elapsed since the stored time (0 = never decays), then
// increments it with probability 1 / ((counter - kLfuInitVal) * log_factor + 1), then stores the current
// minutes. Pure functions: the keyspace supplies the clock and the random number.
#pragma once
#include <cstdint>

namespace rcs::lfu {

inline constexpr uint32_t kLfuInitVal = 5;

inline uint32_t Minutes(int64_t now_ms) { return static_cast<uint32_t>(now_ms / 1000 / 60) & 65535; }

// Minutes since `ldt`, the 16-bit clock taken to have wrapped at most once.
inline uint32_t Elapsed(uint32_t ldt, uint32_t now_min) { return now_min >= ldt ? now_min - ldt : 65535 - ldt + now_min; }

// The counter of `bits` after the decay due at `now_min` (bits are not changed: Redis's LFUDecrAndReturn).
inline uint32_t DecrAndReturn(uint32_t bits, uint32_t now_min, int decay_time) {
  uint32_t ldt = bits >> 8, counter = bits & 255;
  uint32_t periods = decay_time > 0 ? Elapsed(ldt, now_min) / static_cast<uint32_t>(decay_time) : 0;
  if (periods != 0) counter = periods > counter ? 0 : counter - periods;
  return counter;
}

// One logarithmic increment; `r` is uniform in [0, 1).
inline uint32_t LogIncr(uint32_t counter, int log_factor, double r) {
  if (counter >= 255) return 255;
  double base = counter > kLfuInitVal ? static_cast<double>(counter - kLfuInitVal) : 0.0;
  double p = 1.0 / (base * log_factor + 1);
  return r < p ? counter + 1 : counter;
}

inline uint32_t Init(uint32_t now_min) { return (now_min << 8) | kLfuInitVal; }

// The bits after one access at `now_min` (Redis's updateLFU).
inline uint32_t Touch(uint32_t bits, uint32_t now_min, int log_factor, int decay_time, double r) {
  uint32_t counter = LogIncr(DecrAndReturn(bits, now_min, decay_time), log_factor, r);
  return (now_min << 8) | counter;
}

}  // namespace rcs::lfu

namespace rcs {
// Seconds since the access whose LRU clock (seconds modulo 2^24, as Redis's) is `lru`, the clock taken to have
// wrapped at most once (Redis's estimateObjectIdleTime).
inline int64_t LruIdleSeconds(uint32_t lru, int64_t now_ms) {
  constexpr int64_t kLruMax = (1 << 24) - 1;
  int64_t now = (now_ms / 1000) & kLruMax;
  int64_t l = static_cast<int64_t>(lru) & kLruMax;
  return now >= l ? now - l : (kLruMax - l) + now;
}
}  // namespace rcs
