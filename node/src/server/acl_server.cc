// The server's side of ACL: which user a client acts as, authentication, the permission check the
// dispatcher (call.cc), EXEC and scripts make, the ACL LOG and INFO's acl_access_denied_* counters.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "base/file_util.h"
#include "base/log.h"
#include "server/server.h"

namespace rcs {

bool Server::AuthRequired(const Client* c) const {
  if (c->authenticated) return false;
  const AclUser* d = acl_.default_user();
  return !d->nopass() || !d->enabled();
}

bool Server::Authenticate(Client* c, std::string_view user, std::string_view password) {
  AclUser* u = acl_.Find(user);
  if (u != nullptr && u->CheckPassword(password)) {
    c->authenticated = true;
    c->user = u;
    return true;
  }
  LogAclDenial(c, kAclDeniedAuth, c->has(kClientMulti) ? "multi" : "toplevel",
               c->argv.empty() ? std::string_view("AUTH") : c->argv[0], user);
  return false;
}

void Server::LogAclDenial(Client* c, AclResult reason, std::string_view context, std::string_view object,
                          std::string_view username) {
  switch (reason) {
    case kAclDeniedAuth: stats_.acl_access_denied_auth++; break;
    case kAclDeniedCmd: stats_.acl_access_denied_cmd++; break;
    case kAclDeniedKey: stats_.acl_access_denied_key++; break;
    case kAclDeniedChannel: stats_.acl_access_denied_channel++; break;
    case kAclOk: return;
  }
  if (username.empty() && reason != kAclDeniedAuth) {
    username = c->user != nullptr ? std::string_view(c->user->name()) : std::string_view("default");
  }
  int64_t now = clock_->NowMs();
  std::string info = client_info_text ? client_info_text(c) : std::string();
  // As Redis: an equal denial among the 10 newest entries within 60 s is counted in that entry (moved to
  // the front) instead of adding one.
  size_t scan = std::min<size_t>(acl_log_.size(), 10);
  for (size_t i = 0; i < scan; i++) {
    AclLogEntry& e = acl_log_[i];
    if (e.reason == reason && e.context == context && e.object == object && e.username == username &&
        std::abs(now - e.ctime_ms) <= 60000) {
      AclLogEntry moved = std::move(e);
      acl_log_.erase(acl_log_.begin() + static_cast<long>(i));
      moved.count++;
      moved.ctime_ms = now;
      moved.client_info = std::move(info);
      acl_log_.push_front(std::move(moved));
      return;
    }
  }
  AclLogEntry e;
  e.reason = reason;
  e.context = std::string(context);
  e.object = std::string(object);
  e.username = std::string(username);
  e.ctime_ms = now;
  e.client_info = std::move(info);
  acl_log_.push_front(std::move(e));
  while (static_cast<int64_t>(acl_log_.size()) > config_.acllog_max_len) acl_log_.pop_back();
}

AclResult Server::CheckAcl(Client* c, const CommandSpec& spec, ArgList argv, std::string_view context) {
  const AclUser* u = c->user;
  if (u == nullptr || u->unrestricted() || c->has(kClientMaster)) return kAclOk;
  int pos = 0;
  AclResult r = u->CheckCommand(spec, argv, &pos);
  if (r == kAclOk) return r;
  std::string_view object = r == kAclDeniedCmd ? std::string_view(spec.name) : argv[pos];
  LogAclDenial(c, r, context, object);
  return r;
}

void Server::DisconnectClientsOfUser(const AclUser* user) {
  for (auto& [id, c] : clients_) {
    if (c->user != user) continue;
    // As Redis: the client drops back to the default user, unauthenticated, and closes after this command's
    // reply when it is the one running it.
    c->user = acl_.default_user();
    c->authenticated = false;
    if (c.get() == current_client_) c->flags |= kClientCloseAfterReply;
    else FreeClientLater(c.get());
  }
}

}  // namespace rcs

namespace rcs {

void Server::ApplyRequirePass() {
  std::string error;
  std::vector<std::string_view> rules = {"resetpass"};
  std::string add = ">" + config_.requirepass;
  rules.push_back(config_.requirepass.empty() ? std::string_view("nopass") : std::string_view(add));
  acl_.SetUser(registry_, "default", rules, &error);
}

Status Server::LoadConfiguredUsers() {
  acl_.set_allchannels_default(config_.acl_pubsub_default == "allchannels");
  if (!config_.aclfile.empty() && !config_.acl_user_lines.empty()) {
    return Status::Error(
        "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. "
        "This setup is very likely to lead to configuration errors and security holes, please define either an "
        "ACL file or declare users directly in your redis.conf, but not both.");
  }
  std::set<std::string> seen;
  for (const auto& line : config_.acl_user_lines) {
    const std::string& name = line.words[0];
    if (AclStringHasSpaces(name)) return Status::Error("Spaces not allowed in ACL usernames");
    if (!seen.insert(name).second) {
      return Status::Error(line.source + ":" + std::to_string(line.line) + ": " +
                           std::string(AclRuleErrorText(AclRuleError::kDuplicateUser)));
    }
    std::vector<std::string_view> rules(line.words.begin() + 1, line.words.end());
    // A configured default user starts from "reset", as Redis's ACLLoadConfiguredUsers.
    if (name == "default") rules.insert(rules.begin(), "reset");
    std::string error;
    if (!acl_.SetUser(registry_, name, rules, &error)) {
      return Status::Error("Error loading ACL user '" + name + "' (" + line.source + ":" +
                           std::to_string(line.line) + "): " + error.substr(4));
    }
    if (!acl_.Find(name)->enabled()) {
      LogNotice("The user '" + name + "' is disabled (there is no 'on' modifier in the user description). Make "
                "sure this is not a configuration error.");
    }
  }
  if (!config_.aclfile.empty()) {
    std::string errors = LoadAclFile();
    if (!errors.empty()) return Status::Error("Aborting Redis startup because of ACL errors: " + errors);
  }
  return Status::Ok();
}

std::string Server::LoadAclFile() {
  const std::string& path = config_.aclfile;
  std::ifstream in(path, std::ios::binary);
  if (!in) return "Error loading ACLs, opening file '" + path + "': " + strerror(errno);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  // Loaded into a fresh set: any error leaves the current users as they are (Redis's ACLLoadFromFile).
  std::map<std::string, std::unique_ptr<AclUser>, std::less<>> users;
  std::set<std::string> names;
  std::string errors;
  size_t pos = 0;
  int linenum = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() + 1 : nl + 1;
    linenum++;
    size_t b = line.find_first_not_of(" \t\r\n"), e = line.find_last_not_of(" \t\r\n");
    if (b == std::string::npos) continue;
    line = line.substr(b, e - b + 1);
    // Words split on single spaces, as sdssplitlen (empty words between double spaces are kept).
    std::vector<std::string> words;
    size_t p = 0;
    while (true) {
      size_t sp = line.find(' ', p);
      words.push_back(line.substr(p, sp == std::string::npos ? std::string::npos : sp - p));
      if (sp == std::string::npos) break;
      p = sp + 1;
    }
    std::string where = path + ":" + std::to_string(linenum);
    if (words[0] != "user" || words.size() < 2) {
      errors += where + " should start with user keyword followed by the username. ";
      continue;
    }
    if (AclStringHasSpaces(words[1])) {
      errors += "'" + where + ": username '" + words[1] + "' contains invalid characters. ";
      continue;
    }
    if (!names.insert(words[1]).second) {
      errors += "WARNING: Duplicate user '" + words[1] + "' found on line " + std::to_string(linenum) + ". ";
      continue;
    }
    std::vector<std::string_view> args(words.begin() + 2, words.end());
    std::vector<std::string> merged;
    size_t bad = 0;
    if (!AclMergeSelectorArgs(args, &merged, &bad)) {
      errors += where + ": Unmatched parenthesis in selector definition.";
      continue;
    }
    // The rules one by one on a new user: every failing rule is reported.
    AclUser user(words[1], acl_.allchannels_default());
    for (std::string& op : merged) {
      size_t ob = op.find_first_not_of("\t\r\n"), oe = op.find_last_not_of("\t\r\n");
      op = ob == std::string::npos ? std::string() : op.substr(ob, oe - ob + 1);
      AclRuleError r = user.Apply(registry_, op);
      if (r == AclRuleError::kOk) continue;
      // As redis-server 7.0: the first bad rule of a line is reported, naming the rule only for an unknown
      // command or category (other rules may hold a password).
      if (r == AclRuleError::kUnknownCommand) {
        errors += where + ": Error in applying operation '" + op + "': " + std::string(AclRuleErrorText(r)) + ". ";
      } else {
        errors += where + ": " + std::string(AclRuleErrorText(r)) + ". ";
      }
      break;
    }
    if (errors.empty()) users.emplace(words[1], std::make_unique<AclUser>(std::move(user)));
  }
  if (!errors.empty()) {
    return errors + "WARNING: ACL errors detected, no change to the previously active ACL rules was performed";
  }
  // A file without a default user gives the default user its initial rules (AclUsers::Replace).
  for (const auto& [name, u] : acl_.users()) {
    if (u.get() != acl_.default_user()) DisconnectClientsOfUser(u.get());
  }
  acl_.Replace(std::move(users));
  return "";
}

bool Server::SaveAclFile() {
  std::string text;
  for (const auto& [name, u] : acl_.users()) text += "user " + name + " " + u->Describe(registry_) + "\n";
  // Written to a temp file, fsynced, renamed over the ACL file, directory fsynced: a crash leaves the old
  // file or the new one, never half of one (redis-server writes the same way).
  std::string tmp = config_.aclfile + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(clock_->NowMs());
  Status st = WriteFileAtomic(config_.aclfile, text, tmp);
  if (!st.ok()) LogWarning("ACL SAVE failed: " + st.message());
  return st.ok();
}

}  // namespace rcs
