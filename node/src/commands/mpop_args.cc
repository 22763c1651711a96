#include "commands/mpop_args.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "base/strutil.h"
#include "protocol/errors.h"

namespace rcs {

bool ParseMpopArgs(CommandContext& ctx, size_t numkeys_idx, const std::function<bool(std::string_view)>& parse_where,
                   MpopArgs* out) {
  size_t argc = ctx.argc();
  int64_t numkeys;
  if (!ParseInt64(ctx.arg(numkeys_idx), &numkeys) || numkeys < 1) {
    ctx.reply.Error(err::kNumkeysPositive);
    return false;
  }
  uint64_t where_idx = numkeys_idx + static_cast<uint64_t>(numkeys) + 1;
  if (where_idx >= argc || !parse_where(ctx.arg(where_idx))) {
    ctx.reply.Error(err::kSyntax);
    return false;
  }
  int64_t count = -1;
  for (size_t j = where_idx + 1; j < argc; j++) {
    if (count == -1 && EqualsIgnoreCase(ctx.arg(j), "count") && j + 1 < argc) {
      if (!ParseInt64(ctx.arg(++j), &count) || count < 1) {
        ctx.reply.Error(err::kCountPositive);
        return false;
      }
    } else {
      ctx.reply.Error(err::kSyntax);
      return false;
    }
  }
  out->first_key = numkeys_idx + 1;
  out->where_idx = where_idx;
  out->count = count == -1 ? 1 : count;
  return true;
}

bool NumkeysKeys(ArgList argv, size_t numkeys_idx, std::vector<int>* out) {
  int64_t n;
  if (argv.size() <= numkeys_idx || !ParseInt64(argv[numkeys_idx], &n) || n < 1 ||
      static_cast<uint64_t>(n) > argv.size() - numkeys_idx - 1) {
    return false;
  }
  for (int64_t i = 0; i < n; i++) out->push_back(static_cast<int>(numkeys_idx + 1 + i));
  return true;
}

bool ParseTimeout(CommandContext& ctx, std::string_view s, int64_t* at_ms) {
  constexpr size_t kMaxLongDoubleChars = 5 * 1024;
  if (s.empty() || s.size() >= kMaxLongDoubleChars || isspace(static_cast<unsigned char>(s[0]))) {
    ctx.reply.Error(err::kTimeoutNotFloat);
    return false;
  }
  char buf[kMaxLongDoubleChars];
  memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  char* end = nullptr;
  errno = 0;
  long double v = strtold(buf, &end);
  if (end != buf + s.size() || std::isnan(v) ||
      (errno == ERANGE && (std::isinf(v) || v == 0.0L))) {
    ctx.reply.Error(err::kTimeoutNotFloat);
    return false;
  }
  long double ms = ceill(v * 1000.0L);
  int64_t tval;
  if (!(ms >= -9223372036854775808.0L && ms < 9223372036854775808.0L)) tval = INT64_MIN;
  else tval = static_cast<int64_t>(ms);
  if (tval < 0) {
    ctx.reply.Error(err::kTimeoutNegative);
    return false;
  }
  if (tval > 0) {
    // Past the end of time: block forever (Redis would wrap around; no client can tell the difference).
    tval = tval > INT64_MAX - ctx.now_ms ? 0 : tval + ctx.now_ms;
  }
  *at_ms = tval;
  return true;
}

}  // namespace rcs
