#include "base/value_digest.h"

#include <xxhash.h>

#include <cstdint>
#include <cstdio>

#include "base/strutil.h"

namespace rcs {

std::string ValueDigestHex(std::string_view value) {
  uint64_t h = XXH3_64bits(value.data(), value.size());
  char buf[17];
  snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf, 16);
}

bool DigestMatches(std::string_view value, std::string_view digest) {
  return EqualsIgnoreCase(ValueDigestHex(value), digest);
}

}  // namespace rcs
