#include "keyspace/fast_random.h"

#include <random>
#include <unordered_set>
#include <utility>

namespace rcs {

FastRandom::FastRandom() {
  std::random_device rd;
  state_ = (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

FastRandom& FastRandom::Instance() {
  static FastRandom r;
  return r;
}

void PickDistinctIndices(size_t n, size_t k, FastRandom& rng, std::vector<uint32_t>* out) {
  out->clear();
  if (k > n) k = n;
  out->reserve(k);
  if (k == 1) {
    out->push_back(static_cast<uint32_t>(rng.Below(n)));
    return;
  }
  if (k * 3 > n) {
    // Dense request: a partial Fisher-Yates shuffle of every index.
    std::vector<uint32_t> all(n);
    for (size_t i = 0; i < n; i++) all[i] = static_cast<uint32_t>(i);
    for (size_t i = 0; i < k; i++) {
      size_t j = i + rng.Below(n - i);
      std::swap(all[i], all[j]);
      out->push_back(all[i]);
    }
    return;
  }
  // Sparse request: draw and reject repeats (at most 1/3 of the draws repeat).
  std::unordered_set<uint32_t> seen;
  seen.reserve(k * 2);
  while (out->size() < k) {
    uint32_t i = static_cast<uint32_t>(rng.Below(n));
    if (seen.insert(i).second) out->push_back(i);
  }
}

}  // namespace rcs
