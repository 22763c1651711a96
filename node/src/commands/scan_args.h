// The arguments and reply shape shared by SCAN, HSCAN, SSCAN and ZSCAN: the cursor and the
// MATCH/COUNT(/TYPE) options, with Redis's parsing rules and error replies.
#pragma once
#include <cstdint>
#include <string_view>

#include "base/strutil.h"
#include "commands/value_lookup.h"
#include "server/command.h"

namespace rcs {

// Redis's parseScanCursorOrReply: strtoul over the whole argument (so "-1" wraps and "" is 0), no leading
// space, no overflow.
bool ParseScanCursor(std::string_view s, uint64_t* out);
// The same, replying "ERR invalid cursor" when it fails.
bool ParseScanCursorOrReply(CommandContext& ctx, std::string_view s, uint64_t* out);

struct ScanOptions {
  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;  // false for no MATCH or MATCH "*"
  std::string_view type;     // SCAN's TYPE
  bool use_type = false;
  bool no_values = false;    // HSCAN's NOVALUES (7.4): fields only
};

// Parses "[MATCH pattern] [COUNT n]" (and "[TYPE t]" when allow_type, for SCAN) from argv[first..]. On a
// bad option writes Redis's error reply (syntax error, not an integer, COUNT < 1 is a syntax error) and
// returns false. allow_novalues: HSCAN also takes "NOVALUES" (Redis 7.4); elsewhere it stays a syntax error, as
// in 7.0.
bool ParseScanOptions(CommandContext& ctx, size_t first, ScanOptions* out, bool allow_type = false,
                      bool allow_novalues = false);

// The reply: a two-element array of the next cursor and the elements (the caller writes the second).
void ReplyScanCursor(CommandContext& ctx, uint64_t next);
// The reply for a key that does not exist: cursor 0, no elements.
void ReplyEmptyScan(CommandContext& ctx);

// HSCAN/SSCAN/ZSCAN up to the scan itself: the cursor (argv[2]), the key of type T (argv[1]), the options
// (argv[3..]), in Redis's order. Returns null when the reply is written: an error, or the empty scan of a
// missing key.
template <typename T>
T* BeginValueScan(CommandContext& ctx, uint64_t* cursor, ScanOptions* opts, bool allow_novalues = false) {
  T* v;
  if (!ParseScanCursorOrReply(ctx, ctx.arg(2), cursor) || !Lookup(ctx, ctx.arg(1), false, &v)) return nullptr;
  if (v == nullptr) {
    ReplyEmptyScan(ctx);
    return nullptr;
  }
  return ParseScanOptions(ctx, 3, opts, false, allow_novalues) ? v : nullptr;
}

// HSCAN/SSCAN/ZSCAN's walk: v.Scan from `cursor` for opts.count steps, calling emit(member, rest...) (the
// hash's value, the zset's score) only for the members that MATCH the pattern. Returns the next cursor.
template <typename T, typename Emit>
uint64_t ScanMatching(const T& v, uint64_t cursor, const ScanOptions& opts, Emit emit) {
  return v.Scan(cursor, static_cast<size_t>(opts.count), [&](std::string_view member, auto... rest) {
    if (!opts.use_pattern || GlobMatch(opts.pattern, member)) emit(member, rest...);
  });
}

}  // namespace rcs
