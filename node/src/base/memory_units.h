// Redis's memory amounts ("1gb" = 1024^3, "1g" = 10^9, "1kb" = 1024, "1k" = 1000, "1b" or plain bytes), as
// its memtoll reads them in config files, CONFIG SET and DEBUG QUICKLIST-PACKED-THRESHOLD.
#pragma once
#include <cstdint>
#include <string_view>

namespace rcs {

// False for anything else, a negative amount or one that overflows.
bool ParseMemory(std::string_view s, int64_t* out);

}  // namespace rcs
