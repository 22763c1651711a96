// Random numbers, from two sources and no other in the node:
//
// - ThreadRandom(): one fast generator (splitmix64) per thread, seeded from the kernel at first use, for picks
//   that only need to look random: SPOP/SRANDMEMBER/HRANDFIELD/ZRANDMEMBER, RANDOMKEY and the eviction
//   samples, the gossip target, the failover election delay. The node draws them on its one event-loop
//   thread; being thread_local, a helper thread that ever draws gets its own state instead of a data race.
// - SecureRandomBytes() / SecureRandom64() / RandomHex(): the kernel's getrandom(2) on every call, for what
//   must be unguessable and must not repeat between processes: node ids, run ids, replication ids, the
//   diskless transfer's EOF mark, the seeds of the hash tables (a guessable seed lets a client put every key
//   in one bucket). Asking the kernel each time is also what keeps these right across fork(): a forked child
//   holds a copy of every userspace generator and would draw the same numbers as its parent.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rcs {

class FastRandom {
 public:
  explicit FastRandom(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), n > 0 (the high half of a 64x64-bit product: bias below 2^-40 for any n < 2^24).
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64); }

 private:
  uint64_t state_;
};

// This thread's generator.
FastRandom& ThreadRandom();

// k distinct indices in [0, n), uniformly chosen, k <= n, in random order.
void PickDistinctIndices(size_t n, size_t k, FastRandom& rng, std::vector<uint32_t>* out);

void SecureRandomBytes(void* buf, size_t n);
uint64_t SecureRandom64();
// n lowercase hex digits (4 random bits each).
std::string RandomHex(size_t n);

}  // namespace rcs
