// The hash digest of a string value that Redis 8.4's DIGEST answers and SET/DELEX's IFDEQ/IFDNE compare
// with: XXH3 (64-bit, seed 0) of the value's bytes, as 16 lowercase hexadecimal digits. XXH3 comes from
// Debian's libxxhash (not a cryptographic hash; nothing here relies on it being one).
#pragma once
#include <string>
#include <string_view>

namespace rcs {

// "b6acb9d84a38ff74" for "Hello world" (the DIGEST page's example).
std::string ValueDigestHex(std::string_view value);

// Whether `digest` (a client's IFDEQ/IFDNE argument) names the digest of `value`: hexadecimal digits
// compared without regard to case.
bool DigestMatches(std::string_view value, std::string_view digest);

}  // namespace rcs
