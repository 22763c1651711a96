#include "commands/scan_args.h"

#include <cctype>
#include <cerrno>
#include <charconv>
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

bool ParseScanCursorOrReply(CommandContext& ctx, std::string_view s, uint64_t* out) {
  if (ParseScanCursor(s, out)) return true;
  ctx.reply.Error(err::kInvalidCursor);
  return false;
}

bool ParseScanOptions(CommandContext& ctx, size_t first, ScanOptions* out, bool allow_type, bool allow_novalues) {
  for (size_t i = first; i < ctx.argc(); i += 2) {
    bool more = i + 1 < ctx.argc();
    if (allow_novalues && EqualsIgnoreCase(ctx.arg(i), "novalues")) {
      out->no_values = true;
      i--;  // a single word
      continue;
    }
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
    } else if (more && allow_type && EqualsIgnoreCase(ctx.arg(i), "type")) {
      out->type = ctx.arg(i + 1);
      out->use_type = true;
    } else {
      ctx.reply.Error(err::kSyntax);
      return false;
    }
  }
  return true;
}

void ReplyScanCursor(CommandContext& ctx, uint64_t next) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), next);
  ctx.reply.Array(2);
  ctx.reply.Bulk(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
}

void ReplyEmptyScan(CommandContext& ctx) {
  ReplyScanCursor(ctx, 0);
  ctx.reply.Array(0);
}

}  // namespace rcs
