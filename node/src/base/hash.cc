#include "base/hash.h"

#include "base/random.h"

namespace rcs {

uint64_t RandomHashSeed() { return SecureRandom64(); }

namespace {
const uint64_t g_process_seed = RandomHashSeed();
}

uint64_t HashBytes(std::string_view s) { return KeyedHash(s, g_process_seed); }

}  // namespace rcs
