#include "server/command.h"

#include "base/strutil.h"
#include "protocol/errors.h"

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

void CommandRegistry::Add(CommandSpec spec) {
  auto owned = std::make_unique<CommandSpec>(std::move(spec));
  owned->name = ToLower(owned->name);
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
