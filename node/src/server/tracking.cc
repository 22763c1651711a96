#include "server/tracking.h"

#include <algorithm>
#include <cstring>

#include "base/random.h"
#include "base/strutil.h"
#include "protocol/errors.h"
#include "server/acl.h"
#include "server/acl_categories.h"

namespace rcs {

// ---- TrackingTable ----

bool TrackingTable::Remember(std::string_view key, uint64_t id) {
  auto it = table_.find(key);
  if (it == table_.end()) it = table_.emplace(std::string(key), std::vector<uint64_t>{}).first;
  auto& ids = it->second;
  if (std::find(ids.begin(), ids.end(), id) != ids.end()) return false;
  ids.push_back(id);
  items_++;
  return true;
}

bool TrackingTable::Take(std::string_view key, std::vector<uint64_t>* ids) {
  auto it = table_.find(key);
  if (it == table_.end()) return false;
  items_ -= it->second.size();
  *ids = std::move(it->second);
  table_.erase(it);
  return true;
}

void TrackingTable::Clear() {
  table_.clear();
  items_ = 0;
}

std::optional<std::string> TrackingTable::RandomKey(uint64_t rnd) const {
  if (table_.empty()) return std::nullopt;
  // A random bucket, then the next non-empty one: not uniform, as redis-server's random walk is not.
  size_t buckets = table_.bucket_count();
  size_t b = rnd % buckets;
  for (size_t n = 0; n < buckets; n++, b = (b + 1) % buckets) {
    if (table_.bucket_size(b) > 0) return table_.begin(b)->first;
  }
  return table_.begin()->first;
}

// ---- Prefixes ----

namespace {

// Redis's stringCheckPrefix: one starts with the other.
bool Overlap(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  return std::memcmp(a.data(), b.data(), n) == 0;
}

}  // namespace

std::string PrefixOverlapError(const std::vector<std::string>& existing, const std::vector<std::string_view>& added,
                               size_t* bad_index) {
  for (size_t i = 0; i < added.size(); i++) {
    for (const auto& e : existing) {
      if (Overlap(e, added[i])) {
        *bad_index = 0;
        return err::TrackingPrefixOverlap(added[i], e, /*existing=*/true);
      }
    }
    for (size_t j = i + 1; j < added.size(); j++) {
      if (Overlap(added[i], added[j])) {
        *bad_index = i;
        return err::TrackingPrefixOverlap(added[i], added[j], /*existing=*/false);
      }
    }
  }
  return "";
}

// ---- Tracking ----

Tracking::Tracking(Server* server) : server_(server) {}

Tracking::~Tracking() = default;

Client* Tracking::FindClient(uint64_t id) const {
  auto it = server_->clients().find(id);
  return it == server_->clients().end() ? nullptr : it->second.get();
}

int64_t Tracking::Redirect(const Client* c) {
  return c->tracking != nullptr ? static_cast<int64_t>(c->tracking->redirect) : -1;
}

void Tracking::TrackingCommand(Client* c, ArgList argv, ReplyBuilder& reply) {
  // CLIENT TRACKING on|off [REDIRECT id] [BCAST] [PREFIX p]... [OPTIN] [OPTOUT] [NOLOOP]: options first, in
  // redis-server's order of checks.
  int64_t redirect = 0;
  uint32_t options = 0;
  std::vector<std::string_view> prefixes;
  for (size_t j = 3; j < argv.size(); j++) {
    bool more = j + 1 < argv.size();
    std::string_view a = argv[j];
    if (EqualsIgnoreCase(a, "redirect") && more) {
      j++;
      if (redirect != 0) return reply.Error(err::kTrackingOneRedirect);
      if (!ParseInt64(argv[j], &redirect)) return reply.Error(err::kNotInteger);
      // The client must exist now (it may go away later: then the messages have nowhere to go).
      if (redirect <= 0 || FindClient(static_cast<uint64_t>(redirect)) == nullptr) {
        return reply.Error(err::kTrackingNoRedirectClient);
      }
    } else if (EqualsIgnoreCase(a, "bcast")) {
      options |= kTrackingBcast;
    } else if (EqualsIgnoreCase(a, "optin")) {
      options |= kTrackingOptin;
    } else if (EqualsIgnoreCase(a, "optout")) {
      options |= kTrackingOptout;
    } else if (EqualsIgnoreCase(a, "noloop")) {
      options |= kTrackingNoloop;
    } else if (EqualsIgnoreCase(a, "prefix") && more) {
      prefixes.push_back(argv[++j]);
    } else {
      return reply.Error(err::kSyntax);
    }
  }
  if (EqualsIgnoreCase(argv[2], "off")) {
    Disable(c);
    return reply.Ok();
  }
  if (!EqualsIgnoreCase(argv[2], "on")) return reply.Error(err::kSyntax);
  if (!(options & kTrackingBcast) && !prefixes.empty()) return reply.Error(err::kTrackingPrefixNeedsBcast);
  const ClientTracking* t = c->tracking;
  if (t != nullptr && t->has(kTrackingBcast) != ((options & kTrackingBcast) != 0)) {
    return reply.Error(err::kTrackingBcastSwitch);
  }
  if ((options & kTrackingBcast) && (options & (kTrackingOptin | kTrackingOptout))) {
    return reply.Error(err::kTrackingOptBcast);
  }
  if ((options & kTrackingOptin) && (options & kTrackingOptout)) return reply.Error(err::kTrackingOptinOptout);
  if (t != nullptr && (((options & kTrackingOptin) && t->has(kTrackingOptout)) ||
                       ((options & kTrackingOptout) && t->has(kTrackingOptin)))) {
    return reply.Error(err::kTrackingOptSwitch);
  }
  if (options & kTrackingBcast) {
    static const std::vector<std::string> kNone;
    size_t bad = 0;
    std::string error = PrefixOverlapError(t != nullptr ? t->prefixes : kNone, prefixes, &bad);
    if (!error.empty()) {
      reply.Error(error);
      // redis-server 7.0.15 (checkPrefixCollisionsOrReply returns the index) goes on when the overlapping
      // pair does not start with the first prefix: the error is followed by +OK and tracking is on.
      if (bad == 0) return;
    }
  }
  Enable(c, static_cast<uint64_t>(redirect), options, prefixes);
  reply.Ok();
}

void Tracking::Enable(Client* c, uint64_t redirect, uint32_t options, const std::vector<std::string_view>& prefixes) {
  if (c->tracking == nullptr) {
    auto& slot = states_[c->id];
    slot = std::make_unique<ClientTracking>();
    c->tracking = slot.get();
    clients_++;
  }
  active_ = true;
  ClientTracking* t = c->tracking;
  t->flags &= ~(kTrackingBrokenRedir | kTrackingBcast | kTrackingOptin | kTrackingOptout | kTrackingNoloop);
  t->redirect = redirect;
  if (options & kTrackingBcast) {
    t->flags |= kTrackingBcast;
    if (prefixes.empty()) SubscribePrefix(c, "");
    for (auto p : prefixes) SubscribePrefix(c, p);
  }
  t->flags |= options & (kTrackingOptin | kTrackingOptout | kTrackingNoloop);
}

void Tracking::SubscribePrefix(Client* c, std::string_view prefix) {
  auto it = prefix_table_.find(prefix);
  if (it == prefix_table_.end()) it = prefix_table_.emplace(std::string(prefix), Prefix{}).first;
  auto& list = it->second.clients;
  if (std::find(list.begin(), list.end(), c) != list.end()) return;
  list.push_back(c);
  auto& mine = c->tracking->prefixes;
  mine.insert(std::lower_bound(mine.begin(), mine.end(), prefix), std::string(prefix));
}

void Tracking::Disable(Client* c) {
  ClientTracking* t = c->tracking;
  if (t == nullptr) return;
  for (const auto& p : t->prefixes) {
    auto it = prefix_table_.find(p);
    if (it == prefix_table_.end()) continue;
    auto& list = it->second.clients;
    list.erase(std::remove(list.begin(), list.end(), c), list.end());
    if (list.empty()) prefix_table_.erase(it);
  }
  // Its entries in the table stay until their keys are invalidated (redis-server removes them lazily).
  c->tracking = nullptr;
  states_.erase(c->id);
  clients_--;
}

void Tracking::OnClientFreed(Client* c) {
  Disable(c);
  if (current_ == c) {
    current_ = nullptr;
    pending_.clear();
  }
}

void Tracking::CachingCommand(Client* c, std::string_view arg, ReplyBuilder& reply) {
  ClientTracking* t = c->tracking;
  if (t == nullptr) return reply.Error(err::kCachingNotTracking);
  if (EqualsIgnoreCase(arg, "yes")) {
    if (!t->has(kTrackingOptin)) return reply.Error(err::kCachingYesNeedsOptin);
  } else if (EqualsIgnoreCase(arg, "no")) {
    if (!t->has(kTrackingOptout)) return reply.Error(err::kCachingNoNeedsOptout);
  } else {
    return reply.Error(err::kSyntax);
  }
  t->flags |= kTrackingCaching;
  reply.Ok();
}

void Tracking::TrackingInfo(const Client* c, ReplyBuilder& reply) const {
  const ClientTracking* t = c->tracking;
  reply.Map(3);
  reply.Bulk("flags");
  std::vector<std::string_view> flags;
  flags.push_back(t != nullptr ? "on" : "off");
  if (t != nullptr) {
    if (t->has(kTrackingBcast)) flags.push_back("bcast");
    if (t->has(kTrackingOptin)) {
      flags.push_back("optin");
      if (t->has(kTrackingCaching)) flags.push_back("caching-yes");
    }
    if (t->has(kTrackingOptout)) {
      flags.push_back("optout");
      if (t->has(kTrackingCaching)) flags.push_back("caching-no");
    }
    if (t->has(kTrackingNoloop)) flags.push_back("noloop");
    if (t->has(kTrackingBrokenRedir)) flags.push_back("broken_redirect");
  }
  reply.Set(flags.size());
  for (auto f : flags) reply.Bulk(f);
  reply.Bulk("redirect");
  reply.Integer(Redirect(c));
  reply.Bulk("prefixes");
  size_t n = t != nullptr ? t->prefixes.size() : 0;
  reply.Array(n);
  for (size_t i = 0; i < n; i++) reply.Bulk(t->prefixes[i]);
}

// ---- Reads ----

void Tracking::AfterRead(Client* c, const CommandSpec& spec, ArgList argv, bool in_script) {
  // A script's reads track the keys of the command that runs it (EVAL's declared keys), for the client that
  // called it; EVAL_RO, EVALSHA_RO and FCALL_RO themselves track nothing (redis-server's call()).
  if (in_script) {
    if (current_ == nullptr || script_caller_spec_ == nullptr) return;
    c = current_;
    argv = script_caller_argv_;
  } else if (std::strcmp(spec.group, "scripting") == 0) {
    return;
  }
  const CommandSpec& cmd = in_script ? *script_caller_spec_ : spec;
  ClientTracking* t = c->tracking;
  if (t == nullptr || t->has(kTrackingBcast)) return;
  bool caching = t->has(kTrackingCaching);
  if ((t->has(kTrackingOptin) && !caching) || (t->has(kTrackingOptout) && caching)) return;
  if (cmd.is(kCmdPubSub)) return;  // shard channels are keys for routing, not data to cache
  key_buf_.clear();
  if (!cmd.KeyIndices(argv, &key_buf_)) return;
  for (int i : key_buf_) table_.Remember(argv[i], c->id);
}

// ---- Writes ----

bool Tracking::WritesKeyAt(const CommandSpec& spec, ArgList argv, int i) {
  if (spec.is(kCmdRunsQueue) || std::strcmp(spec.group, "scripting") == 0) return false;
  // Only commands with both read-only and written keys need the per-key look.
  if ((spec.key_access & (kAclKeyRead | kAclKeyWrite)) != (kAclKeyRead | kAclKeyWrite)) return true;
  uint8_t access = AclKeyAccessAt(spec, argv, i);
  return access == 0 || (access & kAclKeyWrite) != 0;
}

void Tracking::InvalidateKey(const Client* writer, std::string_view key, bool bcast) {
  if (!active_) return;
  if (bcast && !prefix_table_.empty()) {
    for (auto& [prefix, state] : prefix_table_) {
      if (key.size() < prefix.size() || key.compare(0, prefix.size(), prefix) != 0) continue;
      // The last writer of the key, so that a NOLOOP client is not told about its own write.
      auto [it, inserted] = state.keys.try_emplace(std::string(key), writer);
      if (!inserted) it->second = writer;
    }
  }
  std::vector<uint64_t> ids;
  if (!table_.Take(key, &ids)) return;
  for (uint64_t id : ids) {
    Client* target = FindClient(id);
    // Not tracking any more, or switched to BCAST since it read the key: nothing for it.
    if (target == nullptr || target->tracking == nullptr || target->tracking->has(kTrackingBcast)) continue;
    if (target == current_ && target->tracking->has(kTrackingNoloop)) continue;
    // The running command's client: after its reply (of EXEC, of the script), not in the middle of it.
    if (target == current_) {
      pending_.emplace_back(std::string(key));
    } else {
      Send(target, key, false);
    }
  }
}

void Tracking::InvalidateAll() {
  if (clients_ > 0) {
    for (auto& [id, c] : server_->clients()) {
      if (c->tracking == nullptr) continue;
      if (c.get() == current_) {
        pending_.emplace_back(std::nullopt);
      } else {
        Send(c.get(), c->resp > 2 ? "_\r\n" : "$-1\r\n", true);
      }
    }
  }
  table_.Clear();
}

void Tracking::FlushPending() {
  auto pending = std::move(pending_);
  pending_.clear();
  Client* c = current_;
  if (c == nullptr || c->tracking == nullptr) return;
  for (auto& key : pending) {
    if (key) Send(c, *key, false);
    else Send(c, c->resp > 2 ? "_\r\n" : "$-1\r\n", true);
  }
}

void Tracking::Send(Client* c, std::string_view payload, bool raw) {
  ClientTracking* t = c->tracking;
  Client* to = c;
  bool redirected = false;
  if (t->redirect != 0) {
    Client* r = FindClient(t->redirect);
    if (r == nullptr) {
      // Tell the client (RESP3 only) that its messages have nowhere to go.
      t->flags |= kTrackingBrokenRedir;
      if (c->resp > 2 && !c->has(kClientCloseAsap)) {
        bool idle = c->out_pos == c->out.size();
        ReplyBuilder r3(&c->out, 3);
        r3.Push(2);
        r3.Bulk("tracking-redir-broken");
        r3.Integer(static_cast<int64_t>(t->redirect));
        if (idle) server_->MarkPendingWrite(c);
      }
      return;
    }
    to = r;
    redirected = true;
  }
  if (to->has(kClientCloseAsap)) return;
  std::string& out = to->out;
  bool idle = to->out_pos == out.size();
  if (to->resp > 2) {
    out.append(">2\r\n$10\r\ninvalidate\r\n");
  } else if (redirected && to->has(kClientPubSub)) {
    // A RESP2 client cannot take pushes; in subscribe mode it gets a pub/sub message instead.
    out.append("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n");
  } else {
    return;
  }
  if (raw) {
    out.append(payload);
  } else {
    out.append("*1\r\n$");
    out.append(std::to_string(payload.size()));
    out.append("\r\n");
    out.append(payload);
    out.append("\r\n");
  }
  if (idle) server_->MarkPendingWrite(to);
}

void Tracking::Broadcast() {
  if (clients_ == 0) return;
  std::string common, own;
  // The RESP array of the keys, leaving out those `skip` wrote last (NOLOOP); empty when none is left.
  auto build = [](const std::map<std::string, const Client*, std::less<>>& keys, const Client* skip,
                  std::string* out) {
    out->clear();
    size_t n = 0;
    for (auto& [k, w] : keys) n += (skip == nullptr || w != skip) ? 1 : 0;
    if (n == 0) return;
    out->append("*" + std::to_string(n) + "\r\n");
    for (auto& [k, w] : keys) {
      if (skip != nullptr && w == skip) continue;
      out->append("$" + std::to_string(k.size()) + "\r\n");
      out->append(k);
      out->append("\r\n");
    }
  };
  for (auto& [prefix, state] : prefix_table_) {
    if (state.keys.empty()) continue;
    build(state.keys, nullptr, &common);
    for (Client* c : state.clients) {
      if (c->tracking->has(kTrackingNoloop)) {
        build(state.keys, c, &own);
        if (!own.empty()) Send(c, own, true);
      } else {
        Send(c, common, true);
      }
    }
    state.keys.clear();
  }
}

void Tracking::BeforeReplies() {
  if (!prefix_table_.empty()) Broadcast();
}

void Tracking::LimitTableSize() {
  int64_t max_keys = server_->config().tracking_table_max_keys;
  if (max_keys <= 0 || table_.keys() <= static_cast<size_t>(max_keys)) {
    limit_effort_ = 0;
    return;
  }
  // As redis-server: the effort grows with each call that ends still over the limit.
  int effort = 100 * (limit_effort_ + 1);
  FastRandom& rng = ThreadRandom();
  while (effort-- > 0) {
    auto key = table_.RandomKey(rng.Next());
    if (!key) break;
    InvalidateKey(nullptr, *key, /*bcast=*/false);
    if (table_.keys() <= static_cast<size_t>(max_keys)) {
      limit_effort_ = 0;
      return;
    }
  }
  limit_effort_++;
}

void Tracking::Cron() {
  if (clients_ > 0) LimitTableSize();
}

}  // namespace rcs
