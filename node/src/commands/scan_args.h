// The arguments shared by the HSCAN/SSCAN family: the cursor and the MATCH/COUNT options, with Redis's
// parsing rules and error replies.
#pragma once
#include <cstdint>
#include <string_view>

#include "server/command.h"
#include "protocol/errors.h"

namespace rcs {


// Redis's parseScanCursorOrReply: strtoul over the whole argument (so "-1" wraps and "" is 0), no leading
// space, no overflow.
bool ParseScanCursor(std::string_view s, uint64_t* out);

struct ScanOptions {
  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;  // false for no MATCH or MATCH "*"
};

// Parses "[MATCH pattern] [COUNT n]" from argv[first..]. On a bad option writes Redis's error reply
// (syntax error, not an integer, COUNT < 1 is a syntax error) and returns false.
bool ParseScanOptions(CommandContext& ctx, size_t first, ScanOptions* out);

}  // namespace rcs
