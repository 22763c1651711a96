// The argument shapes the list and sorted-set pops share: [timeout] numkeys key... <where> [COUNT n] of
// LMPOP/BLMPOP and ZMPOP/BZMPOP, and the seconds timeout of every blocking pop (BLPOP ... BZMPOP).
#pragma once
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "server/command.h"

namespace rcs {

struct MpopArgs {
  size_t first_key = 0;  // the keys are argv[first_key, where_idx)
  size_t where_idx = 0;  // LEFT|RIGHT or MIN|MAX
  int64_t count = 1;
};

// Reads numkeys (at numkeys_idx), the where word (parse_where: false when it is not one) and COUNT, in
// redis-server's order and with its errors; false after replying one. The timeout of the blocking forms is
// the caller's to read afterwards, as redis-server reads it last.
bool ParseMpopArgs(CommandContext& ctx, size_t numkeys_idx, const std::function<bool(std::string_view)>& parse_where,
                   MpopArgs* out);

// The key positions of "numkeys key..." at numkeys_idx (COMMAND GETKEYS, cluster slot checks); false when
// numkeys is not a positive integer or there are fewer keys than it says.
bool NumkeysKeys(ArgList argv, size_t numkeys_idx, std::vector<int>* out);

// Blocking timeout in seconds as Redis 7.0 reads it: a long double as string2ld accepts it (no spaces,
// overflow and underflow rejected, hex and "inf" accepted), milliseconds rounded up, values that do not fit
// a 64-bit integer count as negative (what the x86 conversion gives Redis). 0 blocks forever.
// *at_ms: the deadline (now + the timeout), 0 for none; false after replying the error.
bool ParseTimeout(CommandContext& ctx, std::string_view s, int64_t* at_ms);

}  // namespace rcs
