// ACL categories (@read, @write, @admin, ...) and which commands belong to them: Redis 7.0's membership,
// taken from Debian's redis-server 7.0.15 (tests/fixtures/commands/redis-7.0.15.json) by
// node/tools/gen_acl_tables.py into acl_tables.inc. A command's categories are a bit mask; bit i is the i-th
// category of ACL CAT, which is also the order COMMAND INFO lists them in.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace rcs {

// What a key spec lets a command do to its keys, as ACL checks it (%R~ / %W~).
enum AclKeyAccess : uint8_t {
  kAclKeyRead = 1,   // the spec's `access` flag: the command returns or uses the key's value
  kAclKeyWrite = 2,  // `insert`, `delete` or `update`
};

// A key spec's flags, in the order COMMAND GETKEYSANDFLAGS names them (redis-server's CMD_KEY_*).
enum KeySpecFlag : uint16_t {
  kKeySpec_RO = 1u << 0,
  kKeySpec_RW = 1u << 1,
  kKeySpec_OW = 1u << 2,
  kKeySpec_RM = 1u << 3,
  kKeySpec_access = 1u << 4,
  kKeySpec_update = 1u << 5,
  kKeySpec_insert = 1u << 6,
  kKeySpec_delete = 1u << 7,
  kKeySpec_not_key = 1u << 8,
  kKeySpec_incomplete = 1u << 9,
  kKeySpec_variable_flags = 1u << 10,
};
inline constexpr const char* kKeySpecFlagNames[] = {"RO",     "RW",     "OW",     "RM",      "access",        "update",
                                                    "insert", "delete", "not_key", "incomplete", "variable_flags"};

// One key spec of the reference: what it allows and where its keys begin (begin_search).
struct AclKeySpec {
  uint8_t access;           // AclKeyAccess
  int8_t index;             // begin_search "index": the argv index of its first key; 0 otherwise
  const char* keyword;      // begin_search "keyword" (lowercase): its keys follow this argument; "" otherwise
  uint16_t flags;           // KeySpecFlag
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

struct CommandSpec;
// The reference's key spec that finds the key at argv[pos] of `spec`'s command (the spec whose keys begin
// closest before pos: at its begin_search index, or after its keyword), or nullptr; *spec_no is its number.
const AclKeySpec* KeySpecAt(const CommandSpec& spec, std::span<const std::string_view> argv, int pos,
                            int* spec_no);
// The flags (KeySpecFlag) redis-server 7.0.15 reports for that key in COMMAND GETKEYSANDFLAGS: its key
// spec's, or, for the commands whose specs are incomplete or have variable flags (SET, BITFIELD, SORT,
// SORT_RO, MIGRATE), what their getkeys procedures say.
uint16_t KeySpecFlagsAt(const CommandSpec& spec, std::span<const std::string_view> argv, int pos, int* spec_no);

}  // namespace rcs
