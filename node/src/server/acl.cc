#include "server/acl.h"

#include <climits>
#include <cstring>

#include <algorithm>

#include "base/sha.h"
#include "base/strutil.h"
#include "protocol/errors.h"
#include "protocol/resp_parser.h"
#include "server/acl_categories.h"

namespace rcs {

std::string_view AclRuleErrorText(AclRuleError e) {
  switch (e) {
    case AclRuleError::kOk: return "";
    case AclRuleError::kSyntax: return "Syntax error";
    case AclRuleError::kUnknownCommand: return "Unknown command or category name in ACL";
    case AclRuleError::kKeyAfterAll:
      return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any "
             "effect. Try 'resetkeys' to start with an empty list of patterns";
    case AclRuleError::kChannelAfterAll:
      return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any "
             "effect. Try 'resetchannels' to start with an empty list of channels";
    case AclRuleError::kNoSuchPassword: return "The password you are trying to remove from the user does not exist";
    case AclRuleError::kBadHash:
      return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
    case AclRuleError::kDuplicateUser:
      return "Duplicate user found. A user can only be defined once in config files";
    case AclRuleError::kFirstArgOfSub: return "Allowing first-arg of a subcommand is not supported";
  }
  return "Wrong format";
}

std::string AclHashPassword(std::string_view password) { return Sha256Hex(password); }

// Redis's ACLStringHasSpaces: patterns and user names with blanks or NULs would not survive ACL LIST.
bool AclStringHasSpaces(std::string_view s) {
  for (char c : s) {
    if (c == 0 || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return true;
  }
  return false;
}

namespace {

bool ValidHash(std::string_view h) {
  if (h.size() != 64) return false;
  for (char c : h) {
    if (!((c >= 'a' && c <= 'f') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

// Every command, then its subcommands, in registry order: the order our "dict" walks them.
template <typename Fn>
void ForEachCommand(const CommandRegistry& reg, Fn fn) {
  for (const auto& c : reg.all()) {
    fn(*c);
    for (const auto& s : c->subcommands) fn(s);
  }
}

// Redis's lookupCommandBySdsLogic for ACL rules: "cmd" or "container|sub"; more than one '|' is unknown.
const CommandSpec* LookupAclCommand(const CommandRegistry& reg, std::string_view name) {
  size_t bar = name.find('|');
  if (bar != std::string_view::npos && name.find('|', bar + 1) != std::string_view::npos) return nullptr;
  const CommandSpec* spec = reg.FindFull(name);
  if (spec == nullptr) return nullptr;
  if (bar == std::string_view::npos && spec->parent != nullptr) return nullptr;
  return spec;
}

// Redis matches key and channel patterns with stringmatchlen: the same glob as KEYS.
bool Match(std::string_view pattern, std::string_view s) { return GlobMatch(pattern, s, false); }

}  // namespace

// ---- AclSelector ----

AclSelector::AclSelector(uint32_t flags, bool allchannels_default)
    : flags_(flags | (allchannels_default ? static_cast<uint32_t>(kAllChannels) : 0u)) {}

void AclSelector::SetBit(uint32_t id, bool on) {
  if (id >= kAclCommandBits) return;
  bits_.set(id, on);
  if (!on) flags_ &= ~kAllCommands;
}

void AclSelector::ChangePerm(const CommandSpec& spec, bool allow) {
  SetBit(spec.id, allow);
  firstargs_.erase(spec.id);
  for (const auto& sub : spec.subcommands) SetBit(sub.id, allow);
}

bool AclSelector::SetCategory(const CommandRegistry& reg, std::string_view name, bool allow) {
  int cat = AclCategoryIndex(name);
  if (cat < 0) return false;
  uint32_t bit = 1u << cat;
  ForEachCommand(reg, [&](const CommandSpec& s) {
    if (s.acl_categories & bit) ChangePerm(s, allow);
  });
  return true;
}

void AclSelector::CountCategory(const CommandRegistry& reg, uint32_t cat_bit, unsigned long* on,
                                unsigned long* off) const {
  *on = *off = 0;
  ForEachCommand(reg, [&](const CommandSpec& s) {
    if (s.acl_categories & cat_bit) (allowed(s.id) ? *on : *off) += 1;
  });
}

AclRuleError AclSelector::Apply(const CommandRegistry& reg, std::string_view op) {
  if (EqualsIgnoreCase(op, "allkeys") || EqualsIgnoreCase(op, "~*")) {
    flags_ |= kAllKeys;
    patterns_.clear();
  } else if (EqualsIgnoreCase(op, "resetkeys")) {
    flags_ &= ~kAllKeys;
    patterns_.clear();
  } else if (EqualsIgnoreCase(op, "allchannels") || EqualsIgnoreCase(op, "&*")) {
    flags_ |= kAllChannels;
    channels_.clear();
  } else if (EqualsIgnoreCase(op, "resetchannels")) {
    flags_ &= ~kAllChannels;
    channels_.clear();
  } else if (EqualsIgnoreCase(op, "allcommands") || EqualsIgnoreCase(op, "+@all")) {
    bits_.set();
    flags_ |= kAllCommands;
    firstargs_.clear();
  } else if (EqualsIgnoreCase(op, "nocommands") || EqualsIgnoreCase(op, "-@all")) {
    bits_.reset();
    flags_ &= ~kAllCommands;
    firstargs_.clear();
  } else if (!op.empty() && (op[0] == '~' || op[0] == '%')) {
    if (flags_ & kAllKeys) return AclRuleError::kKeyAfterAll;
    uint8_t access = 0;
    size_t offset = 1;
    if (op[0] == '%') {
      for (; offset < op.size(); offset++) {
        char c = op[offset];
        if ((c == 'R' || c == 'r') && !(access & kAclKeyRead)) {
          access |= kAclKeyRead;
        } else if ((c == 'W' || c == 'w') && !(access & kAclKeyWrite)) {
          access |= kAclKeyWrite;
        } else if (c == '~') {
          offset++;
          break;
        } else {
          return AclRuleError::kSyntax;
        }
      }
      if (access == 0) return AclRuleError::kSyntax;  // "%~k": no permission named
    } else {
      access = kAclKeyRead | kAclKeyWrite;
    }
    std::string_view pattern = op.substr(std::min(offset, op.size()));
    if (AclStringHasSpaces(pattern)) return AclRuleError::kSyntax;
    bool found = false;
    for (auto& p : patterns_) {
      if (p.pattern == pattern) {
        p.access |= access;
        found = true;
        break;
      }
    }
    if (!found) patterns_.push_back({std::string(pattern), access});
    flags_ &= ~kAllKeys;
  } else if (!op.empty() && op[0] == '&') {
    if (flags_ & kAllChannels) return AclRuleError::kChannelAfterAll;
    std::string_view pattern = op.substr(1);
    if (AclStringHasSpaces(pattern)) return AclRuleError::kSyntax;
    bool found = false;
    for (auto& c : channels_) found = found || c == pattern;
    if (!found) channels_.emplace_back(pattern);
    flags_ &= ~kAllChannels;
  } else if (op.size() >= 1 && op[0] == '+' && (op.size() < 2 || op[1] != '@')) {
    std::string_view name = op.substr(1);
    size_t bar = name.rfind('|');
    if (bar == std::string_view::npos) {
      const CommandSpec* spec = LookupAclCommand(reg, name);
      if (spec == nullptr) return AclRuleError::kUnknownCommand;
      ChangePerm(*spec, true);
    } else {
      std::string_view cmd_name = name.substr(0, bar), sub = name.substr(bar + 1);
      const CommandSpec* cmd = LookupAclCommand(reg, cmd_name);
      if (cmd == nullptr) return AclRuleError::kUnknownCommand;
      if (cmd->parent != nullptr) return AclRuleError::kFirstArgOfSub;
      if (sub.empty()) return AclRuleError::kSyntax;
      if (!cmd->subcommands.empty()) {
        const CommandSpec* s = LookupAclCommand(reg, name);
        if (s == nullptr) return AclRuleError::kUnknownCommand;
        ChangePerm(*s, true);
      } else {
        auto& list = firstargs_[cmd->id];
        bool found = false;
        for (auto& a : list) found = found || EqualsIgnoreCase(a, sub);
        if (!found) list.emplace_back(sub);
      }
    }
  } else if (op.size() >= 1 && op[0] == '-' && (op.size() < 2 || op[1] != '@')) {
    const CommandSpec* spec = LookupAclCommand(reg, op.substr(1));
    if (spec == nullptr) return AclRuleError::kUnknownCommand;
    ChangePerm(*spec, false);
  } else if (op.size() >= 2 && (op[0] == '+' || op[0] == '-') && op[1] == '@') {
    if (!SetCategory(reg, op.substr(2), op[0] == '+')) return AclRuleError::kUnknownCommand;
  } else {
    return AclRuleError::kSyntax;
  }
  return AclRuleError::kOk;
}

std::string AclSelector::DescribeCommandRules(const CommandRegistry& reg) const {
  // As Redis 7.0: start from +@all or -@all (the reserved bit tells which), apply the best-fitting categories
  // one by one to a copy, then name the single commands that still differ, then the allowed first args.
  std::string rules;
  bool additive = !bits_.test(kAclFutureBit);
  AclSelector fake(0, false);
  fake.Apply(reg, additive ? "-@all" : "+@all");
  rules = additive ? "-@all " : "+@all ";
  AclSelector temp(0, false);
  temp.bits_ = bits_;
  bool applied[kAclCategoryCount] = {};
  while (true) {
    int best = -1;
    unsigned long mindiff = INT_MAX, maxsame = 0;
    for (int j = 0; j < kAclCategoryCount; j++) {
      if (applied[j]) continue;
      unsigned long on, off;
      temp.CountCategory(reg, 1u << j, &on, &off);
      unsigned long diff = additive ? off : on, same = additive ? on : off;
      if (same > diff && (diff < mindiff || (diff == mindiff && same > maxsame))) {
        best = j;
        mindiff = diff;
        maxsame = same;
      }
    }
    if (best == -1) break;
    std::string cat(AclCategoryName(best));
    fake.SetCategory(reg, cat, additive);
    temp.SetCategory(reg, cat, !additive);
    rules += (additive ? "+@" : "-@") + cat + " ";
    applied[best] = true;
  }
  ForEachCommand(reg, [&](const CommandSpec& s) {
    bool user = allowed(s.id), have = fake.allowed(s.id);
    if (user != have) {
      rules += (user ? "+" : "-") + s.name + " ";
      fake.ChangePerm(s, user);
    }
    if (!user) {
      auto it = firstargs_.find(s.id);
      if (it != firstargs_.end()) {
        for (const auto& a : it->second) rules += "+" + s.name + "|" + a + " ";
      }
    }
  });
  rules.pop_back();
  return rules;
}

std::string AclSelector::DescribeKeys() const {
  std::string out;
  if (flags_ & kAllKeys) return "~*";
  for (const auto& p : patterns_) {
    if (!out.empty()) out += ' ';
    out += p.access == (kAclKeyRead | kAclKeyWrite) ? "~" : p.access == kAclKeyRead ? "%R~" : "%W~";
    out += p.pattern;
  }
  return out;
}

std::string AclSelector::DescribeChannels() const {
  if (flags_ & kAllChannels) return "&*";
  std::string out;
  for (const auto& c : channels_) {
    if (!out.empty()) out += ' ';
    out += "&" + c;
  }
  return out;
}

std::string AclSelector::Describe(const CommandRegistry& reg) const {
  std::string res;
  if (flags_ & kAllKeys) {
    res += "~* ";
  } else {
    for (const auto& p : patterns_) {
      res += p.access == (kAclKeyRead | kAclKeyWrite) ? "~" : p.access == kAclKeyRead ? "%R~" : "%W~";
      res += p.pattern + " ";
    }
  }
  if (flags_ & kAllChannels) {
    res += "&* ";
  } else {
    res += "resetchannels ";
    for (const auto& c : channels_) res += "&" + c + " ";
  }
  res += DescribeCommandRules(reg);
  return res;
}

bool AclSelector::CheckKey(std::string_view key, uint8_t access) const {
  if (flags_ & kAllKeys) return true;
  for (const auto& p : patterns_) {
    if ((p.access & access) != access) continue;
    if (Match(p.pattern, key)) return true;
  }
  return false;
}

bool AclSelector::CheckChannel(std::string_view channel, bool literal) const {
  if (flags_ & kAllChannels) return true;
  for (const auto& p : channels_) {
    if (literal ? p == channel : Match(p, channel)) return true;
  }
  return false;
}

AclResult AclSelector::CheckCommand(const CommandSpec& spec, ArgList argv, const std::vector<int>& keys,
                                    int* failed_pos) const {
  if (!(flags_ & kAllCommands) && !spec.is(kCmdNoAuth) && !allowed(spec.id)) {
    auto it = firstargs_.find(spec.id);
    if (argv.size() < 2 || it == firstargs_.end()) return kAclDeniedCmd;
    size_t idx = spec.parent != nullptr ? 2 : 1;
    bool ok = false;
    for (const auto& a : it->second) {
      if (idx < argv.size() && EqualsIgnoreCase(argv[idx], a)) {
        ok = true;
        break;
      }
    }
    if (!ok) return kAclDeniedCmd;
  }
  if (!(flags_ & kAllKeys)) {
    for (int pos : keys) {
      if (!CheckKey(argv[pos], AclKeyAccessAt(spec, argv, pos))) {
        *failed_pos = pos;
        return kAclDeniedKey;
      }
    }
  }
  if (!(flags_ & kAllChannels) && spec.acl_channels != kAclNoChannels) {
    size_t first = 1, last = spec.acl_channels == kAclChannelFirstArg ? 1 : argv.size() - 1;
    bool literal = spec.acl_channels == kAclChannelPatterns;
    for (size_t j = first; j <= last && j < argv.size(); j++) {
      if (!CheckChannel(argv[j], literal)) {
        *failed_pos = static_cast<int>(j);
        return kAclDeniedChannel;
      }
    }
  }
  return kAclOk;
}

// ---- AclUser ----

AclUser::AclUser(std::string name, bool allchannels_default)
    : name_(std::move(name)), allchannels_default_(allchannels_default) {
  selectors_.emplace_back(AclSelector::kRoot, allchannels_default);
  Refresh();
}

void AclUser::Refresh() {
  const AclSelector& root = selectors_[0];
  uint32_t all = AclSelector::kAllKeys | AclSelector::kAllChannels | AclSelector::kAllCommands;
  unrestricted_ = (root.flags() & all) == all;
}

AclRuleError AclUser::Apply(const CommandRegistry& reg, std::string_view op) {
  AclRuleError r = AclRuleError::kOk;
  if (op.empty()) return r;
  if (EqualsIgnoreCase(op, "on")) {
    flags_ = (flags_ | kEnabled) & ~kDisabled;
  } else if (EqualsIgnoreCase(op, "off")) {
    flags_ = (flags_ | kDisabled) & ~kEnabled;
  } else if (EqualsIgnoreCase(op, "skip-sanitize-payload")) {
    flags_ = (flags_ | kSkipSanitize) & ~kSanitize;
  } else if (EqualsIgnoreCase(op, "sanitize-payload")) {
    flags_ = (flags_ | kSanitize) & ~kSkipSanitize;
  } else if (EqualsIgnoreCase(op, "nopass")) {
    flags_ |= kNoPass;
    passwords_.clear();
  } else if (EqualsIgnoreCase(op, "resetpass")) {
    flags_ &= ~kNoPass;
    passwords_.clear();
  } else if (op[0] == '>' || op[0] == '#') {
    std::string hash;
    if (op[0] == '>') {
      hash = AclHashPassword(op.substr(1));
    } else {
      if (!ValidHash(op.substr(1))) return AclRuleError::kBadHash;
      hash = std::string(op.substr(1));
    }
    bool found = false;
    for (auto& p : passwords_) found = found || p == hash;
    if (!found) passwords_.push_back(std::move(hash));
    flags_ &= ~kNoPass;
  } else if (op[0] == '<' || op[0] == '!') {
    std::string hash;
    if (op[0] == '<') {
      hash = AclHashPassword(op.substr(1));
    } else {
      if (!ValidHash(op.substr(1))) return AclRuleError::kBadHash;
      hash = std::string(op.substr(1));
    }
    auto it = std::find(passwords_.begin(), passwords_.end(), hash);
    if (it == passwords_.end()) return AclRuleError::kNoSuchPassword;
    passwords_.erase(it);
  } else if (op[0] == '(' && op.back() == ')') {
    AclSelector s(0, allchannels_default_);
    std::vector<std::string> args;
    // As sdssplitargs: unbalanced quotes give no arguments (an empty selector).
    if (!SplitInlineArgs(op.substr(1, op.size() - 2), &args)) args.clear();
    for (const auto& a : args) {
      r = s.Apply(reg, a);
      if (r != AclRuleError::kOk) return r;
    }
    selectors_.push_back(std::move(s));
  } else if (EqualsIgnoreCase(op, "clearselectors")) {
    selectors_.erase(selectors_.begin() + 1, selectors_.end());
  } else if (EqualsIgnoreCase(op, "reset")) {
    Apply(reg, "resetpass");
    Apply(reg, "resetkeys");
    Apply(reg, "resetchannels");
    if (allchannels_default_) Apply(reg, "allchannels");
    Apply(reg, "off");
    Apply(reg, "sanitize-payload");
    Apply(reg, "clearselectors");
    Apply(reg, "-@all");
  } else {
    r = selectors_[0].Apply(reg, op);
  }
  Refresh();
  return r;
}

std::string AclUser::Describe(const CommandRegistry& reg) const {
  std::string res;
  static constexpr std::pair<uint32_t, const char*> kFlagNames[] = {
      {kEnabled, "on"}, {kDisabled, "off"}, {kNoPass, "nopass"},
      {kSkipSanitize, "skip-sanitize-payload"}, {kSanitize, "sanitize-payload"}};
  for (auto [f, n] : kFlagNames) {
    if (flags_ & f) res += std::string(n) + " ";
  }
  for (const auto& p : passwords_) res += "#" + p + " ";
  for (const auto& s : selectors_) {
    if (s.has(AclSelector::kRoot)) res += s.Describe(reg);
    else res += " (" + s.Describe(reg) + ")";
  }
  return res;
}

bool AclUser::CheckPassword(std::string_view password) const {
  if (flags_ & kDisabled) return false;
  if (flags_ & kNoPass) return true;
  std::string hash = AclHashPassword(password);
  bool ok = false;
  for (const auto& p : passwords_) ok |= SecureEquals(hash, p);  // every hash compared: no early exit
  return ok;
}

AclResult AclUser::CheckCommand(const CommandSpec& spec, ArgList argv, int* failed_pos) const {
  if (unrestricted_) return kAclOk;
  std::vector<int> keys;
  // Every key is checked, also those of a key spec that neither reads nor writes the value (EXISTS, TYPE):
  // they must match some pattern.
  if ((spec.first_key > 0 || spec.is(kCmdMovableKeys)) && !spec.KeyIndices(argv, &keys)) keys.clear();
  AclResult relevant = kAclDeniedCmd;
  int last_idx = 0;
  for (const auto& s : selectors_) {
    int idx = 0;
    AclResult r = s.CheckCommand(spec, argv, keys, &idx);
    if (r == kAclOk) return kAclOk;
    if (r > relevant || (r == relevant && idx > last_idx)) {
      relevant = r;
      last_idx = idx;
    }
  }
  *failed_pos = last_idx;
  return relevant;
}

bool AclUser::CheckKey(std::string_view key, uint8_t access) const {
  for (const auto& s : selectors_) {
    if (s.CheckKey(key, access)) return true;
  }
  return false;
}

bool AclUser::CheckChannel(std::string_view channel, bool literal) const {
  for (const auto& s : selectors_) {
    if (s.CheckChannel(channel, literal)) return true;
  }
  return false;
}

// ---- Selector arguments, users ----

bool AclMergeSelectorArgs(const std::vector<std::string_view>& args, std::vector<std::string>* out, size_t* bad_index) {
  out->clear();
  bool open = false;
  size_t open_at = 0;
  std::string selector;
  for (size_t j = 0; j < args.size(); j++) {
    std::string_view op = args[j];
    if (!op.empty() && op[0] == '(' && op.back() != ')') {
      selector.assign(op);
      open = true;
      open_at = j;
      continue;
    }
    if (open) {
      selector += ' ';
      selector += op;
      if (!op.empty() && op.back() == ')') {
        open = false;
        out->push_back(std::move(selector));
        selector.clear();
      }
      continue;
    }
    out->emplace_back(op);
  }
  if (open) {
    *bad_index = open_at;
    return false;
  }
  return true;
}

AclUsers::AclUsers() {
  auto u = std::make_unique<AclUser>("default", false);
  CommandRegistry empty;
  // The default user: +@all ~* &* on nopass (no registry needed for these rules).
  u->Apply(empty, "+@all");
  u->Apply(empty, "~*");
  u->Apply(empty, "&*");
  u->Apply(empty, "on");
  u->Apply(empty, "nopass");
  default_ = u.get();
  users_.emplace("default", std::move(u));
}

AclUser* AclUsers::Find(std::string_view name) const {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : it->second.get();
}

bool AclUsers::SetUser(const CommandRegistry& reg, std::string_view name, const std::vector<std::string_view>& rules,
                       std::string* error) {
  std::vector<std::string> merged;
  size_t bad = 0;
  if (!AclMergeSelectorArgs(rules, &merged, &bad)) {
    *error = err::AclUnmatchedParenthesis(rules[bad]);
    return false;
  }
  if (AclStringHasSpaces(name)) {
    *error = std::string(err::kAclUsernameSpaces);
    return false;
  }
  AclUser* existing = Find(name);
  AclUser copy = existing != nullptr ? *existing : AclUser(std::string(name), allchannels_default_);
  for (const auto& op : merged) {
    AclRuleError e = copy.Apply(reg, op);
    if (e != AclRuleError::kOk) {
      *error = err::AclSetUserModifier(op, AclRuleErrorText(e));
      return false;
    }
  }
  if (existing != nullptr) {
    *existing = std::move(copy);
  } else {
    users_.emplace(std::string(name), std::make_unique<AclUser>(std::move(copy)));
  }
  generation_++;
  return true;
}

bool AclUsers::Delete(std::string_view name) {
  auto it = users_.find(name);
  if (it == users_.end() || it->second.get() == default_) return false;
  users_.erase(it);
  generation_++;
  return true;
}

void AclUsers::Replace(std::map<std::string, std::unique_ptr<AclUser>, std::less<>> users) {
  // The default user object stays (clients point at it) and takes the loaded rules, or a new default
  // user's when the set has none.
  std::unique_ptr<AclUser> def = std::move(users_.find("default")->second);
  auto it = users.find("default");
  if (it != users.end()) {
    *def = std::move(*it->second);
    users.erase(it);
  } else {
    *def = *AclUsers().default_;
  }
  users_ = std::move(users);
  users_.emplace("default", std::move(def));
  generation_++;
}

const AclKeySpec* KeySpecAt(const CommandSpec& spec, ArgList argv, int pos, int* spec_no) {
  const AclCommandRow* row = spec.acl_row;
  *spec_no = 0;
  if (row == nullptr) return nullptr;
  int best_begin = -1;
  const AclKeySpec* best = nullptr;
  int n = std::min<int>(row->key_spec_count, 4);
  for (int i = 0; i < n; i++) {
    const AclKeySpec& ks = row->key_specs[i];
    int begin = -1;
    if (ks.index > 0) {
      begin = ks.index;
    } else if (ks.keyword[0] != 0) {
      for (int j = pos - 1; j >= 1; j--) {
        if (EqualsIgnoreCase(argv[j], ks.keyword)) {
          begin = j + 1;
          break;
        }
      }
    } else if (pos >= 1 && EqualsIgnoreCase(argv[pos - 1], "store")) {
      begin = pos;  // SORT ... STORE key: the spec Redis finds with its own getkeys
    }
    if (begin >= 0 && begin <= pos && begin > best_begin) {
      best_begin = begin;
      best = &ks;
      *spec_no = i;
    }
  }
  return best;
}

uint8_t AclKeyAccessAt(const CommandSpec& spec, ArgList argv, int pos) {
  const AclCommandRow* row = spec.acl_row;
  if (row == nullptr || row->key_spec_count == 0) return spec.key_access;
  // SET's key spec has variable flags: without GET it only writes (Redis's setGetKeys).
  if (spec.name == "set") {
    for (size_t i = 3; i < argv.size(); i++) {
      if (EqualsIgnoreCase(argv[i], "get")) return kAclKeyRead | kAclKeyWrite;
    }
    return kAclKeyWrite;
  }
  int spec_no = 0;
  const AclKeySpec* ks = KeySpecAt(spec, argv, pos, &spec_no);
  return ks != nullptr ? ks->access : spec.key_access;
}

uint16_t KeySpecFlagsAt(const CommandSpec& spec, ArgList argv, int pos, int* spec_no) {
  *spec_no = 0;
  // redis-server uses these commands' getkeys procedures (their specs have variable flags or are incomplete)
  // and takes the flags those set.
  if (spec.name == "set") {
    for (size_t i = 3; i < argv.size(); i++) {
      if (EqualsIgnoreCase(argv[i], "get")) return kKeySpec_RW | kKeySpec_access | kKeySpec_update;
    }
    return kKeySpec_OW | kKeySpec_update;
  }
  if (spec.name == "bitfield") {  // read-only when every operation is a GET (OVERFLOW allowed)
    bool readonly = true;
    for (size_t i = 2; i < argv.size(); i++) {
      size_t rem = argv.size() - i - 1;
      if (EqualsIgnoreCase(argv[i], "get") && rem >= 2) {
        i += 2;
      } else if (EqualsIgnoreCase(argv[i], "overflow") && rem >= 1) {
        i += 1;
      } else {
        readonly = false;  // SET, INCRBY, or a syntax error
        break;
      }
    }
    return readonly ? kKeySpec_RO | kKeySpec_access : kKeySpec_RW | kKeySpec_access | kKeySpec_update;
  }
  if (spec.name == "sort_ro") return kKeySpec_RO | kKeySpec_access;
  if (spec.name == "sort") {
    *spec_no = pos == 1 ? 0 : 1;
    return pos == 1 ? kKeySpec_RO | kKeySpec_access : kKeySpec_OW | kKeySpec_update;
  }
  if (spec.name == "migrate") return kKeySpec_RW | kKeySpec_access | kKeySpec_delete;
  const AclKeySpec* ks = KeySpecAt(spec, argv, pos, spec_no);
  return ks != nullptr ? ks->flags : 0;
}

}  // namespace rcs
