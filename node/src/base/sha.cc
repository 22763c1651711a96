#include "base/sha.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace rcs {
namespace {

std::string DigestHex(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // EVP_Digest fails only when libcrypto cannot allocate or the algorithm is missing: nothing to go on with.
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) abort();
  static const char kHex[] = "0123456789abcdef";
  std::string hex(2 * len, '0');
  for (unsigned int i = 0; i < len; i++) {
    hex[2 * i] = kHex[out[i] >> 4];
    hex[2 * i + 1] = kHex[out[i] & 15];
  }
  return hex;
}

}  // namespace

std::string Sha1Hex(std::string_view data) { return DigestHex(EVP_sha1(), data); }
std::string Sha256Hex(std::string_view data) { return DigestHex(EVP_sha256(), data); }

}  // namespace rcs
