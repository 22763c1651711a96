// ACL users as Redis 7.0 defines them: pure logic (no sockets), unit-testable with a CommandRegistry.
//
// A user has flags (on/off, nopass, sanitize-payload), SHA-256 password hashes and a list of selectors; the
// first selector is the root (the rules given outside parentheses), the others come from "(...)" rules. A
// command is allowed when any selector allows it: its command bit (or an allowed first argument), every key
// it names (with the read/write access its key spec needs against %R~/%W~/~ patterns) and every channel.
//
// Selectors keep a bitmap of allowed command ids (CommandSpec::id); the last bit is Redis's reserved
// "future commands" bit, set only by +@all/allcommands, which decides whether a description starts with
// +@all or -@all. Descriptions (ACL LIST, GETUSER, ACL SAVE) are derived from the bitmap the way Redis 7.0
// does: the best-fitting categories first, then single commands, then allowed first arguments.
//
// Passwords are stored only as SHA-256 hex digests (base/sha.h) and compared in constant time. Nothing here
// logs a password.
#pragma once
#include <bitset>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/command.h"

namespace rcs {

// Why a rule was refused (Redis's errno values of ACLSetUser), with ACLSetUserStringError's texts.
enum class AclRuleError : uint8_t {
  kOk,
  kSyntax,              // EINVAL
  kUnknownCommand,      // ENOENT
  kKeyAfterAll,         // EEXIST
  kChannelAfterAll,     // EISDIR
  kNoSuchPassword,      // ENODEV
  kBadHash,             // EBADMSG
  kDuplicateUser,       // EALREADY
  kFirstArgOfSub,       // ECHILD
};
std::string_view AclRuleErrorText(AclRuleError e);

// The outcome of a permission check; the values order them as Redis does when selectors disagree
// (ACL_OK 0, ACL_DENIED_CMD 1, ACL_DENIED_KEY 2, ACL_DENIED_AUTH 3, ACL_DENIED_CHANNEL 4).
enum AclResult : int { kAclOk = 0, kAclDeniedCmd = 1, kAclDeniedKey = 2, kAclDeniedAuth = 3, kAclDeniedChannel = 4 };

inline constexpr size_t kAclCommandBits = 1024;  // as Redis's USER_COMMAND_BITS_COUNT
inline constexpr size_t kAclFutureBit = kAclCommandBits - 1;

struct AclKeyPattern {
  std::string pattern;
  uint8_t access;  // AclKeyAccess: kAclKeyRead | kAclKeyWrite (both = "~")
};

class AclSelector {
 public:
  enum Flag : uint32_t { kRoot = 1, kAllKeys = 2, kAllChannels = 4, kAllCommands = 8 };
  AclSelector(uint32_t flags, bool allchannels_default);

  // One selector rule (~pat, %RW~pat, allkeys, resetkeys, &chan, allchannels, resetchannels, +cmd, -cmd,
  // +cmd|sub, +@cat, -@cat, allcommands, nocommands).
  AclRuleError Apply(const CommandRegistry& reg, std::string_view op);
  // "~a* %R~b* resetchannels &c -@all +get" as ACL LIST shows a selector.
  std::string Describe(const CommandRegistry& reg) const;
  std::string DescribeCommandRules(const CommandRegistry& reg) const;

  // Permission checks. key_pos / chan_pos get the argv index that failed.
  AclResult CheckCommand(const CommandSpec& spec, ArgList argv, const std::vector<int>& keys,
                         int* failed_pos) const;
  bool CheckKey(std::string_view key, uint8_t access) const;
  bool CheckChannel(std::string_view channel, bool literal) const;

  uint32_t flags() const { return flags_; }
  bool has(uint32_t f) const { return (flags_ & f) != 0; }
  bool allowed(uint32_t id) const { return id < kAclCommandBits && bits_.test(id); }
  const std::vector<AclKeyPattern>& patterns() const { return patterns_; }
  const std::vector<std::string>& channels() const { return channels_; }
  // For ACL GETUSER's "keys" and "channels" fields.
  std::string DescribeKeys() const;
  std::string DescribeChannels() const;

 private:
  void SetBit(uint32_t id, bool on);
  void ChangePerm(const CommandSpec& spec, bool allow);
  bool SetCategory(const CommandRegistry& reg, std::string_view name, bool allow);
  void CountCategory(const CommandRegistry& reg, uint32_t cat_bit, unsigned long* on, unsigned long* off) const;

  uint32_t flags_;
  std::bitset<kAclCommandBits> bits_;
  // First arguments allowed for an otherwise denied command without subcommands ("+select|0").
  std::map<uint32_t, std::vector<std::string>> firstargs_;
  std::vector<AclKeyPattern> patterns_;
  std::vector<std::string> channels_;
};

class AclUser {
 public:
  enum Flag : uint32_t { kEnabled = 1, kDisabled = 2, kNoPass = 4, kSkipSanitize = 8, kSanitize = 16 };
  AclUser(std::string name, bool allchannels_default);

  // One rule of ACL SETUSER (already merged: a "(...)" selector is one op).
  AclRuleError Apply(const CommandRegistry& reg, std::string_view op);
  // "on nopass ~* &* +@all" as ACL LIST shows it (without "user <name> ").
  std::string Describe(const CommandRegistry& reg) const;
  // Constant time over the stored hashes: the SHA-256 of `password` against each of them.
  bool CheckPassword(std::string_view password) const;
  // The permission check of a command for this user: kAclOk, or the most relevant denial of all selectors
  // (Redis's ACLCheckAllUserCommandPerm) and in *failed_pos the argv index of the key or channel.
  AclResult CheckCommand(const CommandSpec& spec, ArgList argv, int* failed_pos) const;
  bool CheckKey(std::string_view key, uint8_t access) const;
  bool CheckChannel(std::string_view channel, bool literal) const;

  const std::string& name() const { return name_; }
  bool enabled() const { return (flags_ & kEnabled) != 0; }
  bool nopass() const { return (flags_ & kNoPass) != 0; }
  uint32_t flags() const { return flags_; }
  const std::vector<std::string>& password_hashes() const { return passwords_; }
  const std::vector<AclSelector>& selectors() const { return selectors_; }
  // True when the root selector allows every command, key and channel: the dispatcher skips the checks.
  bool unrestricted() const { return unrestricted_; }

 private:
  void Refresh();
  std::string name_;
  uint32_t flags_ = kDisabled;
  std::vector<std::string> passwords_;  // SHA-256 hex digests
  std::vector<AclSelector> selectors_;  // [0] is the root
  bool allchannels_default_;
  bool unrestricted_ = false;
};

// Redis's ACLMergeSelectorArguments: "(~a" "+get)" become "(~a +get)". False when a '(' is not closed;
// *bad_index then names the argument that opened it.
bool AclMergeSelectorArgs(const std::vector<std::string_view>& args, std::vector<std::string>* out, size_t* bad_index);

// The users (sorted by name, as Redis's radix tree lists them). The default user always exists.
class AclUsers {
 public:
  AclUsers();
  // acl-pubsub-default: whether new users (and "reset") get allchannels.
  void set_allchannels_default(bool on) { allchannels_default_ = on; }
  bool allchannels_default() const { return allchannels_default_; }

  AclUser* Find(std::string_view name) const;
  AclUser* default_user() const { return default_; }
  // ACL SETUSER: creates the user if needed and applies the rules to a copy first, so an error changes
  // nothing. On error, *error is the full reply text ("ERR Error in ACL SETUSER modifier ...").
  bool SetUser(const CommandRegistry& reg, std::string_view name, const std::vector<std::string_view>& rules,
               std::string* error);
  // Removes a user (never "default"); false if there is none.
  bool Delete(std::string_view name);
  const std::map<std::string, std::unique_ptr<AclUser>, std::less<>>& users() const { return users_; }
  // Replaces every user with `users` (ACL LOAD); the default user is created if the set lacks it.
  void Replace(std::map<std::string, std::unique_ptr<AclUser>, std::less<>> users);
  // Bumped whenever a user is changed or deleted: clients compare it to revalidate their user pointer.
  uint64_t generation() const { return generation_; }

 private:
  std::map<std::string, std::unique_ptr<AclUser>, std::less<>> users_;
  AclUser* default_ = nullptr;
  bool allchannels_default_ = false;
  uint64_t generation_ = 0;
};

// What a command needs on its key at argv[pos] (AclKeyAccess), from the reference's key specs.
uint8_t AclKeyAccessAt(const CommandSpec& spec, ArgList argv, int pos);

// The SHA-256 hex digest of a password, as the rules store it.
std::string AclHashPassword(std::string_view password);
// Redis's ACLStringHasSpaces: a blank or NUL, which user names and patterns may not contain.
bool AclStringHasSpaces(std::string_view s);

}  // namespace rcs
