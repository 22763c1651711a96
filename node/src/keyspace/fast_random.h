// The random source of the values' random picks (SPOP, SRANDMEMBER, HRANDFIELD, ZRANDMEMBER, ...).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace rcs {

// Small fast generator (splitmix64) for random member selection; seeded from std::random_device.
class FastRandom {
 public:
  FastRandom();
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), n > 0.
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  static FastRandom& Instance();

 private:
  uint64_t state_;
};

// k distinct indices in [0, n), uniformly chosen, k <= n, in random order.
void PickDistinctIndices(size_t n, size_t k, FastRandom& rng, std::vector<uint32_t>* out);

}  // namespace rcs
