#include "commands/mpop_args.h"

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

}  // namespace rcs
