// SHA-1 and SHA-256 through OpenSSL's libcrypto (no hash of our own): the names of EVAL scripts, Lua's
// redis.sha1hex, DEBUG DIGEST's data set digests and, later, what hashes passwords.
#pragma once
#include <array>
#include <string>
#include <string_view>

namespace rcs {

// The digest of `data` as lowercase hex digits (40 for SHA-1, 64 for SHA-256).
std::string Sha1Hex(std::string_view data);
std::string Sha256Hex(std::string_view data);

// The raw 20 bytes of the SHA-1 of `data` (DEBUG DIGEST chains digests of digests).
using Sha1Digest = std::array<unsigned char, 20>;
Sha1Digest Sha1(std::string_view data);
// Lowercase hex of any bytes (a Sha1Digest gives the 40 digits Sha1Hex would).
std::string HexLower(const unsigned char* bytes, size_t len);

}  // namespace rcs
