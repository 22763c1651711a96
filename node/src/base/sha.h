// SHA-1 and SHA-256 through OpenSSL's libcrypto (no hash of our own): the names of EVAL scripts, Lua's
// redis.sha1hex and, later, what hashes passwords and digests data sets.
#pragma once
#include <string>
#include <string_view>

namespace rcs {

// The digest of `data` as lowercase hex digits (40 for SHA-1, 64 for SHA-256).
std::string Sha1Hex(std::string_view data);
std::string Sha256Hex(std::string_view data);

}  // namespace rcs
