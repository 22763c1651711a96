// ACL categories (@read, @write, @admin, ...) and which commands belong to them: Redis 7.0's membership,
// taken from Debian's redis-server 7.0.15 (tests/fixtures/commands/redis-7.0.15.json) by
// node/tools/gen_acl_tables.py into acl_tables.inc. A command's categories are a bit mask; bit i is the i-th
// category of ACL CAT, which is also the order COMMAND INFO lists them in.
#pragma once
#include <cstdint>
#include <string_view>

namespace rcs {

// What a key spec lets a command do to its keys, as ACL checks it (%R~ / %W~).
enum AclKeyAccess : uint8_t {
  kAclKeyRead = 1,   // the spec's `access` flag: the command returns or uses the key's value
  kAclKeyWrite = 2,  // `insert`, `delete` or `update`
};

// One key spec of the reference: what it allows and where its keys begin (begin_search).
struct AclKeySpec {
  uint8_t access;           // AclKeyAccess
  int8_t index;             // begin_search "index": the argv index of its first key; 0 otherwise
  const char* keyword;      // begin_search "keyword" (lowercase): its keys follow this argument; "" otherwise
};

struct AclCommandRow {
  const char* name;         // "get", or "client|kill" for a subcommand
  uint32_t categories;      // bit mask over AclCategoryName
  uint8_t key_spec_count;   // how many key specs the reference has (at most 4 are kept)
  AclKeySpec key_specs[4];
};

inline constexpr int kAclCategoryCount = 21;

// The name of category `i` (0 <= i < kAclCategoryCount), without '@'.
std::string_view AclCategoryName(int i);
// The index of a category name (without '@', case-insensitive), or -1.
int AclCategoryIndex(std::string_view name);
// The reference's row for a command's full name ("get", "client|kill"), or nullptr if redis-server 7.0.15
// has no such command.
const AclCommandRow* FindAclCommandRow(std::string_view full_name);
// Every row of the reference (tests compare our registry against them).
const AclCommandRow* AclCommandRows(int* count);

}  // namespace rcs
