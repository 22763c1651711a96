#include "commands/scan_args.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>

#include "base/strutil.h"
#include "protocol/errors.h"

namespace rcs {

bool ParseScanCursor(std::string_view s, uint64_t* out) {
  if (!s.empty() && isspace(static_cast<unsigned char>(s[0]))) return false;
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  unsigned long v = strtoul(buf.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return false;
  *out = v;
  return true;
}

bool ParseScanOptions(CommandContext& ctx, size_t first, ScanOptions* out) {
  for (size_t i = first; i < ctx.argc(); i += 2) {
    bool more = i + 1 < ctx.argc();
    if (more && EqualsIgnoreCase(ctx.arg(i), "count")) {
      if (!ParseInt64(ctx.arg(i + 1), &out->count)) {
        ctx.reply.Error(err::kNotInteger);
        return false;
      }
      if (out->count < 1) {
        ctx.reply.Error(err::kSyntax);
        return false;
      }
    } else if (more && EqualsIgnoreCase(ctx.arg(i), "match")) {
      out->pattern = ctx.arg(i + 1);
      out->use_pattern = !(out->pattern.size() == 1 && out->pattern[0] == '*');
    } else {
      ctx.reply.Error(err::kSyntax);
      return false;
    }
  }
  return true;
}

}  // namespace rcs
