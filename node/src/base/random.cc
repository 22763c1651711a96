#include "base/random.h"

#include <sys/random.h>

#include <cerrno>
#include <random>
#include <unordered_set>
#include <utility>

namespace rcs {

FastRandom& ThreadRandom() {
  thread_local FastRandom rng(SecureRandom64());
  return rng;
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

void SecureRandomBytes(void* buf, size_t n) {
  auto* p = static_cast<unsigned char*>(buf);
  while (n > 0) {
    ssize_t r = getrandom(p, n, 0);
    if (r > 0) {
      p += r;
      n -= static_cast<size_t>(r);
    } else if (r < 0 && errno != EINTR) {
      // No getrandom (a very old kernel): std::random_device reads /dev/urandom.
      std::random_device rd;
      for (; n > 0; n--) *p++ = static_cast<unsigned char>(rd());
    }
  }
}

uint64_t SecureRandom64() {
  uint64_t v;
  SecureRandomBytes(&v, sizeof v);
  return v;
}

std::string RandomHex(size_t n) {
  static const char* hex = "0123456789abcdef";
  std::string bytes((n + 1) / 2, '\0');
  SecureRandomBytes(bytes.data(), bytes.size());
  std::string s(n, '0');
  for (size_t i = 0; i < n; i++) {
    auto b = static_cast<unsigned char>(bytes[i / 2]);
    s[i] = hex[i % 2 ? b & 15 : b >> 4];
  }
  return s;
}

}  // namespace rcs
