// ACL: users, their rules and what they may run (server/acl.h has the model; the dispatcher checks).
#include <string>
#include <vector>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "base/random.h"
#include "base/strutil.h"
#include "protocol/errors.h"
#include "pubsub/pubsub.h"
#include "server/acl.h"
#include "server/acl_categories.h"
#include "server/client.h"
#include "server/command.h"
#include "server/server.h"

namespace rcs {
namespace {

// Every channel pattern of every selector of a user (Redis's "upcoming" list).
std::vector<std::string> AllChannels(const AclUser& u) {
  std::vector<std::string> out;
  for (const auto& s : u.selectors()) out.insert(out.end(), s.channels().begin(), s.channels().end());
  return out;
}

// As Redis 7.0's ACLKillPubsubClientsIfNeeded: unless a selector now allows every channel, or the new channel
// patterns include every old one, the user's Pub/Sub clients with a subscription the new patterns do not
// cover are closed.
void KillPubSubClientsIfNeeded(CommandContext& ctx, const AclUser& u, const std::vector<std::string>& old_channels) {
  for (const auto& s : u.selectors()) {
    if (s.has(AclSelector::kAllChannels)) return;
  }
  std::vector<std::string> upcoming = AllChannels(u);
  bool superset = true;
  for (const auto& c : old_channels) {
    superset = superset && std::find(upcoming.begin(), upcoming.end(), c) != upcoming.end();
  }
  PubSub* ps = ctx.server.subsystem<PubSub>();
  if (superset || ps == nullptr) return;
  auto allowed = [&upcoming](std::string_view name, bool literal) {
    for (const auto& p : upcoming) {
      if (literal ? p == name : GlobMatch(p, name)) return true;
    }
    return false;
  };
  std::vector<Client*> kill;
  for (const auto& [id, c] : ctx.server.clients()) {
    if (c->user == &u && c->has(kClientPubSub) && !ps->ClientSubscriptionsPass(c.get(), allowed)) kill.push_back(c.get());
  }
  for (Client* c : kill) {
    if (c == ctx.client) c->flags |= kClientCloseAfterReply;
    else ctx.server.FreeClientLater(c);
  }
}

void AclSetUser(CommandContext& ctx) {
  std::vector<std::string_view> rules(ctx.argv.begin() + 3, ctx.argv.end());
  std::string error;
  AclUsers& acl = ctx.server.acl();
  const AclUser* before = acl.Find(ctx.arg(2));
  std::vector<std::string> old_channels = before != nullptr ? AllChannels(*before) : std::vector<std::string>{};
  if (!acl.SetUser(ctx.server.commands(), ctx.arg(2), rules, &error)) {
    ctx.reply.Error(error);
    return;
  }
  if (before != nullptr) KillPubSubClientsIfNeeded(ctx, *before, old_channels);
  ctx.reply.Ok();
}

void AclDelUser(CommandContext& ctx) {
  for (size_t i = 2; i < ctx.argc(); i++) {
    if (ctx.arg(i) == "default") {
      ctx.reply.Error(err::kAclDefaultUserDelete);
      return;
    }
  }
  int64_t deleted = 0;
  AclUsers& acl = ctx.server.acl();
  for (size_t i = 2; i < ctx.argc(); i++) {
    AclUser* u = acl.Find(ctx.arg(i));
    if (u == nullptr) continue;
    ctx.server.DisconnectClientsOfUser(u);
    acl.Delete(ctx.arg(i));
    deleted++;
  }
  ctx.reply.Integer(deleted);
}

void ReplySelector(CommandContext& ctx, const AclSelector& s) {
  ctx.reply.Bulk("commands");
  ctx.reply.Bulk(s.DescribeCommandRules(ctx.server.commands()));
  ctx.reply.Bulk("keys");
  ctx.reply.Bulk(s.DescribeKeys());
  ctx.reply.Bulk("channels");
  ctx.reply.Bulk(s.DescribeChannels());
}

void AclGetUser(CommandContext& ctx) {
  const AclUser* u = ctx.server.acl().Find(ctx.arg(2));
  if (u == nullptr) {
    ctx.reply.Null();
    return;
  }
  ctx.reply.Map(6);
  ctx.reply.Bulk("flags");
  std::vector<std::string_view> flags;
  if (u->flags() & AclUser::kEnabled) flags.push_back("on");
  if (u->flags() & AclUser::kDisabled) flags.push_back("off");
  if (u->flags() & AclUser::kNoPass) flags.push_back("nopass");
  if (u->flags() & AclUser::kSkipSanitize) flags.push_back("skip-sanitize-payload");
  if (u->flags() & AclUser::kSanitize) flags.push_back("sanitize-payload");
  ctx.reply.Set(flags.size());
  for (auto f : flags) ctx.reply.Bulk(f);
  ctx.reply.Bulk("passwords");
  ctx.reply.BulkArray(u->password_hashes());
  ReplySelector(ctx, u->selectors()[0]);
  ctx.reply.Bulk("selectors");
  ctx.reply.Array(u->selectors().size() - 1);
  for (size_t i = 1; i < u->selectors().size(); i++) {
    ctx.reply.Map(3);
    ReplySelector(ctx, u->selectors()[i]);
  }
}

void AclList(CommandContext& ctx) {
  const auto& users = ctx.server.acl().users();
  ctx.reply.Array(users.size());
  for (const auto& [name, u] : users) ctx.reply.Bulk("user " + name + " " + u->Describe(ctx.server.commands()));
}

void AclUsersCmd(CommandContext& ctx) {
  const auto& users = ctx.server.acl().users();
  ctx.reply.Array(users.size());
  for (const auto& [name, u] : users) ctx.reply.Bulk(name);
}

void AclWhoAmI(CommandContext& ctx) {
  if (ctx.client->user == nullptr) ctx.reply.Null();
  else ctx.reply.Bulk(ctx.client->user->name());
}

void AclGenPass(CommandContext& ctx) {
  int64_t bits = 256;
  if (ctx.argc() == 3 && !ParseInt64(ctx.arg(2), &bits)) {
    ctx.reply.Error(err::kNotInteger);
    return;
  }
  if (bits <= 0 || bits > 4096) {
    ctx.reply.Error(err::kAclGenpassRange);
    return;
  }
  size_t chars = static_cast<size_t>((bits + 3) / 4);
  ctx.reply.Bulk(RandomHex(chars));
}

void AclLog(CommandContext& ctx) {
  int64_t count = 10;
  auto& log = ctx.server.acl_log();
  if (ctx.argc() == 3) {
    if (EqualsIgnoreCase(ctx.arg(2), "reset")) {
      log.clear();
      ctx.reply.Ok();
      return;
    }
    if (!ParseInt64(ctx.arg(2), &count)) {
      ctx.reply.Error(err::kNotInteger);
      return;
    }
    if (count < 0) count = 0;
  }
  size_t n = std::min<size_t>(static_cast<size_t>(count), log.size());
  int64_t now = ctx.server.clock().NowMs();
  ctx.reply.Array(n);
  for (size_t i = 0; i < n; i++) {
    const AclLogEntry& e = log[i];
    ctx.reply.Map(7);
    ctx.reply.Bulk("count");
    ctx.reply.Integer(static_cast<int64_t>(e.count));
    ctx.reply.Bulk("reason");
    ctx.reply.Bulk(e.reason == kAclDeniedCmd ? "command" : e.reason == kAclDeniedKey ? "key"
                   : e.reason == kAclDeniedChannel ? "channel" : e.reason == kAclDeniedAuth ? "auth" : "unknown");
    ctx.reply.Bulk("context");
    ctx.reply.Bulk(e.context);
    ctx.reply.Bulk("object");
    ctx.reply.Bulk(e.object);
    ctx.reply.Bulk("username");
    ctx.reply.Bulk(e.username);
    ctx.reply.Bulk("age-seconds");
    ctx.reply.Double(static_cast<double>(now - e.ctime_ms) / 1000);
    ctx.reply.Bulk("client-info");
    ctx.reply.Bulk(e.client_info);
  }
}

void AclDryRun(CommandContext& ctx) {
  const AclUser* u = ctx.server.acl().Find(ctx.arg(2));
  if (u == nullptr) {
    ctx.reply.Error(err::AclUserNotFound(ctx.arg(2)));
    return;
  }
  ArgList argv = ctx.argv.subspan(3);
  const CommandSpec* spec = ctx.server.commands().FindFull(argv[0]);
  if (spec != nullptr && spec->parent != nullptr) spec = nullptr;  // "client|kill" is not a command name
  if (spec != nullptr && !spec->subcommands.empty() && argv.size() >= 2) {
    spec = CommandRegistry::FindSubcommand(*spec, argv[1]);
  }
  if (spec == nullptr) {
    ctx.reply.Error(err::AclCommandNotFound(argv[0]));
    return;
  }
  int argc = static_cast<int>(argv.size());
  if ((spec->arity > 0 && argc != spec->arity) || argc < -spec->arity) {
    ctx.reply.Error(err::WrongArgs(spec->name));
    return;
  }
  int pos = 0;
  AclResult r = u->CheckCommand(*spec, argv, &pos);
  if (r == kAclOk) ctx.reply.Ok();
  else if (r == kAclDeniedCmd) ctx.reply.Bulk("This user has no permissions to run the '" + spec->name + "' command");
  else if (r == kAclDeniedKey) ctx.reply.Bulk("This user has no permissions to access the '" + std::string(argv[pos]) + "' key");
  else ctx.reply.Bulk("This user has no permissions to access the '" + std::string(argv[pos]) + "' channel");
}

void AclLoad(CommandContext& ctx) {
  if (ctx.server.config().aclfile.empty()) {
    ctx.reply.Error(err::kAclNoFile);
    return;
  }
  std::string errors = ctx.server.LoadAclFile();
  if (errors.empty()) ctx.reply.Ok();
  else ctx.reply.Error(err::AclLoadFailed(errors));
}

void AclSave(CommandContext& ctx) {
  if (ctx.server.config().aclfile.empty()) {
    ctx.reply.Error(err::kAclNoFile);
    return;
  }
  if (ctx.server.SaveAclFile()) ctx.reply.Ok();
  else ctx.reply.Error(err::kAclSaveFailed);
}

void AclCat(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    ctx.reply.Array(kAclCategoryCount);
    for (int i = 0; i < kAclCategoryCount; i++) ctx.reply.Bulk(AclCategoryName(i));
    return;
  }
  int cat = AclCategoryIndex(ctx.arg(2));
  if (cat < 0) {
    ctx.reply.Error(err::AclUnknownCategory(ctx.arg(2)));
    return;
  }
  // As Redis: every command of the category, a container's subcommands after it (by their own categories).
  std::vector<std::string_view> names;
  for (const auto& c : ctx.server.commands().all()) {
    if (c->acl_categories & (1u << cat)) names.push_back(c->name);
    for (const auto& s : c->subcommands) {
      if (s.acl_categories & (1u << cat)) names.push_back(s.name);
    }
  }
  ctx.reply.BulkArray(names);
}

void AclHelp(CommandContext& ctx) {
  ReplyHelp(ctx, {"ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                  "CAT [<category>]",
                  "    List all commands that belong to <category>, or all command categories",
                  "    when no category is specified.",
                  "DELUSER <username> [<username> ...]",
                  "    Delete a list of users.",
                  "DRYRUN <username> <command> [<arg> ...]",
                  "    Returns whether the user can execute the given command without executing the command.",
                  "GETUSER <username>",
                  "    Get the user's details.",
                  "GENPASS [<bits>]",
                  "    Generate a secure 256-bit user password. The optional `bits` argument can",
                  "    be used to specify a different size.",
                  "LIST",
                  "    Show users details in config file format.",
                  "LOAD",
                  "    Reload users from the ACL file.",
                  "LOG [<count> | RESET]",
                  "    Show the ACL log entries.",
                  "SAVE",
                  "    Save the current config to the ACL file.",
                  "SETUSER <username> <attribute> [<attribute> ...]",
                  "    Create or modify a user with the specified attributes.",
                  "USERS",
                  "    List all the registered usernames.",
                  "WHOAMI",
                  "    Return the current connection username.",
                  "HELP",
                  "    Prints this help."});
}

}  // namespace

void RegisterAclFamily(CommandRegistry& r) {
  const char* g = "server";
  uint32_t ls = kCmdNoScript | kCmdLoading | kCmdStale;
  uint32_t adm = kCmdAdmin | ls;
  r.Add(ContainerSpec("acl", g, "A container for Access List Control commands.",
                      {GroupSpec("acl|cat", -2, ls, AclCat, g,
                                 "Lists the ACL categories, or the commands inside a category."),
                       GroupSpec("acl|deluser", -3, adm, AclDelUser, g, "Deletes ACL users, and terminates their connections."),
                       GroupSpec("acl|dryrun", -4, adm, AclDryRun, g,
                                 "Simulates the execution of a command by a user, without executing the command."),
                       GroupSpec("acl|genpass", -2, ls, AclGenPass, g, "Generates a pseudorandom, secure password that can be used to identify ACL users."),
                       GroupSpec("acl|getuser", 3, adm, AclGetUser, g, "Lists the ACL rules of a user."),
                       HelpSpec("acl|help", AclHelp, g),
                       GroupSpec("acl|list", 2, adm, AclList, g, "Dumps the effective rules in ACL file format."),
                       GroupSpec("acl|load", 2, adm, AclLoad, g, "Reloads the rules from the configured ACL file."),
                       GroupSpec("acl|log", -2, adm, AclLog, g, "Lists recent security events generated due to ACL rules."),
                       GroupSpec("acl|save", 2, adm, AclSave, g, "Saves the effective ACL rules in the configured ACL file."),
                       GroupSpec("acl|setuser", -3, adm, AclSetUser, g, "Creates and modifies an ACL user and its rules."),
                       GroupSpec("acl|users", 2, adm, AclUsersCmd, g, "Lists all ACL users."),
                       GroupSpec("acl|whoami", 2, ls, AclWhoAmI, g,
                                 "Returns the authenticated username of the current connection.")}));
}

}  // namespace rcs
