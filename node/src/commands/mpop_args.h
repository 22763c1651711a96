// The argument shape LMPOP/BLMPOP and ZMPOP/BZMPOP share: [timeout] numkeys key... <where> [COUNT n].
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

}  // namespace rcs
