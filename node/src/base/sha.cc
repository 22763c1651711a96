#include "base/sha.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>

namespace rcs {
namespace {

unsigned int Digest(const EVP_MD* md, std::string_view data, unsigned char* out) {
  unsigned int len = 0;
  // EVP_Digest fails only when libcrypto cannot allocate or the algorithm is missing: nothing to go on with.
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) abort();
  return len;
}

std::string DigestHex(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = Digest(md, data, out);
  return HexLower(out, len);
}

}  // namespace

std::string HexLower(const unsigned char* bytes, size_t len) {
  static const char kHex[] = "0123456789abcdef";
  std::string hex(2 * len, '0');
  for (size_t i = 0; i < len; i++) {
    hex[2 * i] = kHex[bytes[i] >> 4];
    hex[2 * i + 1] = kHex[bytes[i] & 15];
  }
  return hex;
}

Sha1Digest Sha1(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  Digest(EVP_sha1(), data, out);
  Sha1Digest d;
  std::copy(out, out + d.size(), d.begin());
  return d;
}

std::string Sha1Hex(std::string_view data) { return DigestHex(EVP_sha1(), data); }
std::string Sha256Hex(std::string_view data) { return DigestHex(EVP_sha256(), data); }

}  // namespace rcs
