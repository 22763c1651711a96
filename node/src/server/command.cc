#include "server/command.h"

#include "base/strutil.h"
#include "protocol/errors.h"
#include "server/acl_categories.h"

namespace rcs {

CommandSpec Spec(const char* name, int arity, uint32_t flags, int first, int last, int step, CommandHandler fn,
                 GetKeysFn getkeys, const char* group, const char* summary) {
  CommandSpec s;
  s.name = name;
  s.arity = arity;
  s.flags = flags;
  s.first_key = first;
  s.last_key = last;
  s.key_step = step;
  s.handler = fn;
  s.getkeys = getkeys;
  s.group = group;
  s.summary = summary;
  return s;
}

CommandSpec GroupSpec(const char* name, int arity, uint32_t flags, CommandHandler fn, const char* group,
                      const char* summary, int first, int last, int step) {
  return Spec(name, arity, flags, first, last, step, fn, nullptr, group, summary);
}

CommandSpec HelpSpec(const char* name, CommandHandler fn, const char* group, uint32_t extra_flags) {
  return GroupSpec(name, 2, kCmdLoading | kCmdStale | extra_flags, fn, group,
                   "Returns helpful text about the different subcommands.");
}

CommandSpec ContainerSpec(const char* name, const char* group, const char* summary, std::vector<CommandSpec> subs) {
  CommandSpec s;
  s.name = name;
  s.arity = -2;
  s.group = group;
  s.summary = summary;
  s.subcommands = std::move(subs);
  return s;
}

void ReplyHelp(CommandContext& ctx, std::initializer_list<std::string_view> lines) {
  ctx.reply.Array(lines.size());
  for (std::string_view l : lines) ctx.reply.Simple(l);
}

bool CommandSpec::KeyIndices(ArgList argv, std::vector<int>* out) const {
  out->clear();
  if (is(kCmdMovableKeys)) return getkeys != nullptr && getkeys(argv, out);
  if (first_key <= 0) return true;
  int argc = static_cast<int>(argv.size());
  int last = last_key;
  if (last < 0) last = argc + last;
  if (first_key >= argc) return false;
  if (last >= argc) return false;
  for (int i = first_key; i <= last; i += (key_step > 0 ? key_step : 1)) out->push_back(i);
  return true;
}

namespace {

uint32_t Category(std::string_view name) { return 1u << AclCategoryIndex(name); }

// Categories for a command redis-server 7.0.15 does not have: Redis's rules for a command table entry
// without explicit categories (from the flags and the group).
uint32_t DerivedCategories(const CommandSpec& s) {
  uint32_t c = 0;
  if (s.is(kCmdWrite)) c |= Category("write");
  if (s.is(kCmdReadOnly)) c |= Category("read");
  if (s.is(kCmdAdmin)) c |= Category("admin") | Category("dangerous");
  if (s.is(kCmdPubSub)) c |= Category("pubsub");
  c |= s.is(kCmdFast) ? Category("fast") : Category("slow");
  if (s.is(kCmdBlocking)) c |= Category("blocking");
  std::string_view group = *s.group ? s.group : "server";
  if (group == "generic") c |= Category("keyspace");
  else if (group == "sorted-set") c |= Category("sortedset");
  else if (int i = AclCategoryIndex(group); i >= 0) c |= 1u << i;
  return c;
}

}  // namespace

void CommandRegistry::AssignIds(CommandSpec* spec, const CommandSpec* parent) {
  spec->id = static_cast<uint32_t>(by_id_.size());
  spec->parent = parent;
  by_id_.push_back(spec);
  by_original_name_[spec->name] = spec;
  if (const AclCommandRow* row = FindAclCommandRow(spec->name)) {
    spec->acl_row = row;
    spec->acl_categories = row->categories;
    for (int i = 0; i < row->key_spec_count && i < 4; i++) spec->key_access |= row->key_specs[i].access;
  } else {
    spec->acl_categories = DerivedCategories(*spec);
    if (spec->first_key > 0 || spec->is(kCmdMovableKeys)) {
      spec->key_access = spec->is(kCmdWrite) ? (kAclKeyRead | kAclKeyWrite) : kAclKeyRead;
    }
  }
  if (spec->name == "publish" || spec->name == "spublish") spec->acl_channels = kAclChannelFirstArg;
  if (spec->name == "subscribe" || spec->name == "ssubscribe") spec->acl_channels = kAclChannelAllArgs;
  if (spec->name == "psubscribe") spec->acl_channels = kAclChannelPatterns;
  for (auto& sub : spec->subcommands) {
    sub.name = ToLower(sub.name);
    AssignIds(&sub, spec);
  }
}

const CommandSpec* CommandRegistry::FindFull(std::string_view full_name) const {
  auto it = by_original_name_.find(ToLower(full_name));
  return it == by_original_name_.end() ? nullptr : it->second;
}

void CommandRegistry::Add(CommandSpec spec) {
  auto owned = std::make_unique<CommandSpec>(std::move(spec));
  owned->name = ToLower(owned->name);
  AssignIds(owned.get(), nullptr);
  by_name_[std::string_view(owned->name)] = owned.get();
  commands_.push_back(std::move(owned));
}

const CommandSpec* CommandRegistry::Find(std::string_view name) const {
  char buf[64];
  if (name.size() >= sizeof(buf)) return nullptr;
  for (size_t i = 0; i < name.size(); i++) {
    char c = name[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  auto it = by_name_.find(std::string_view(buf, name.size()));
  return it == by_name_.end() ? nullptr : it->second;
}

bool CommandRegistry::Rename(std::string_view from, std::string_view to, std::string_view* reason) {
  auto it = by_name_.find(ToLower(from));
  if (it == by_name_.end()) {
    *reason = err::config_reason::kNoSuchRename;
    return false;
  }
  std::string target = ToLower(to);
  if (!target.empty() && by_name_.count(target) != 0) {
    *reason = err::config_reason::kRenameTargetExists;
    return false;
  }
  CommandSpec* spec = it->second;
  by_name_.erase(it);
  if (!target.empty()) {
    renamed_names_.push_back(std::make_unique<std::string>(std::move(target)));
    by_name_[std::string_view(*renamed_names_.back())] = spec;
  }
  return true;
}

const CommandSpec* CommandRegistry::FindSubcommand(const CommandSpec& container, std::string_view sub) {
  for (auto& s : container.subcommands) {
    size_t bar = s.name.find('|');
    std::string_view short_name = bar == std::string::npos ? std::string_view(s.name)
                                                           : std::string_view(s.name).substr(bar + 1);
    if (EqualsIgnoreCase(short_name, sub)) return &s;
  }
  return nullptr;
}

const CommandSpec* CommandRegistry::Resolve(ArgList argv) const {
  if (argv.empty()) return nullptr;
  const CommandSpec* spec = Find(argv[0]);
  if (spec == nullptr || spec->subcommands.empty()) return spec;
  return argv.size() < 2 ? nullptr : FindSubcommand(*spec, argv[1]);
}

void CommandRegistry::ResetStats() {
  for (auto& c : commands_) {
    c->stats = CommandStats{};
    for (auto& s : c->subcommands) s.stats = CommandStats{};
  }
}

}  // namespace rcs
