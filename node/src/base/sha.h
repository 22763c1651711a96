// SHA-1 (FIPS 180-4) of a byte string as 40 lowercase hex digits: the name of an EVAL script, as in Redis.
// Not used for security.
#pragma once
#include <string>
#include <string_view>

namespace rcs::scripting {

std::string Sha1Hex(std::string_view data);

}  // namespace rcs::scripting
