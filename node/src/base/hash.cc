#include "base/hash.h"

#include <chrono>
#include <random>

namespace rcs {

uint64_t RandomHashSeed() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd() ^
         static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

namespace {
const uint64_t g_process_seed = RandomHashSeed();
}

uint64_t HashBytes(std::string_view s) { return KeyedHash(s, g_process_seed); }

}  // namespace rcs
