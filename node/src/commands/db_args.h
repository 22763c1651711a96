// A database index argument (SELECT, MOVE, SWAPDB, COPY ... DB), read as redis-server's
// getIntFromObjectOrReply: not an integer -> `not_integer` (or "value is not an integer or out of range"),
// outside int -> `not_integer` (or err::kIntOutOfRange). The range of `databases` is the caller's.
#pragma once
#include <climits>
#include <cstdint>
#include <string_view>

#include "base/strutil.h"
#include "protocol/errors.h"
#include "server/command.h"

namespace rcs {

inline bool ParseDbIndexArg(CommandContext& ctx, std::string_view arg, int* out, std::string_view not_integer = {}) {
  int64_t v;
  if (!ParseInt64(arg, &v)) {
    ctx.reply.Error(not_integer.empty() ? err::kNotInteger : not_integer);
    return false;
  }
  if (v < INT_MIN || v > INT_MAX) {
    ctx.reply.Error(not_integer.empty() ? err::kIntOutOfRange : not_integer);
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

}  // namespace rcs
