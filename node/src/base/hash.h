// The keyed hash of byte strings that every table of client-chosen strings uses (the keyspace's per-slot
// tables, the hash and set values' dense tables).
//
// Construction: the length and a 64-bit secret seed start the state; each 16-byte block is folded in with
// one 64x64->128-bit multiply whose two halves are xor-ed together ("folded multiply"); the last 0-16 bytes
// are read as two (possibly overlapping) words, and a final multiply with the length mixes the state. Both
// factors of every multiply depend on the seed, so no chosen block zeroes the state for every seed, and
// clients that do not know the seed cannot precompute colliding keys. Short keys (<= 16 bytes) cost two
// 128-bit multiplies. Not a cryptographic MAC: it resists flooding, not a determined attacker with timing access.
#pragma once
#include <cstdint>
#include <cstring>
#include <string_view>

namespace rcs {

namespace hash_internal {
inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}
inline uint64_t Load32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
inline uint64_t Fold(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
inline constexpr uint64_t kK0 = 0xa0761d6478bd642full;
inline constexpr uint64_t kK1 = 0xe7037ed1a0b428dbull;
inline constexpr uint64_t kK2 = 0x8ebc6af09c88c6e3ull;
}  // namespace hash_internal

inline uint64_t KeyedHash(std::string_view key, uint64_t seed) {
  using namespace hash_internal;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(key.data());
  size_t n = key.size();
  const uint64_t s2 = seed ^ kK2;
  uint64_t h = seed ^ (n * kK0);
  while (n > 16) {
    h = Fold(Load64(p) ^ h ^ kK1, Load64(p + 8) ^ s2);
    p += 16;
    n -= 16;
  }
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    a = Load64(p);
    b = Load64(p + n - 8);
  } else if (n >= 4) {
    a = Load32(p);
    b = Load32(p + n - 4);
  } else if (n > 0) {
    a = (static_cast<uint64_t>(p[0]) << 16) | (static_cast<uint64_t>(p[n >> 1]) << 8) | p[n - 1];
  }
  h = Fold(a ^ h ^ kK1, b ^ s2);
  return Fold(h ^ kK0, key.size() ^ kK1);
}

// A fresh secret seed (from the kernel: SecureRandom64 in base/random.h).
uint64_t RandomHashSeed();

// KeyedHash with one seed chosen at process start (for tables that have no seed of their own).
uint64_t HashBytes(std::string_view s);

}  // namespace rcs
