#include "pubsub/pubsub.h"

#include <algorithm>
#include <memory>

#include "base/log.h"
#include "base/strutil.h"
#include "keyspace/notify_classes.h"
#include "server/client.h"
#include "server/command.h"
#include "server/server.h"
#include "server/slot_stats.h"

namespace rcs {

PubSub::PubSub(Server* server) : server_(server) { server_->set_pubsub_hooks(this); }

PubSub::~PubSub() {
  if (server_->pubsub_hooks() == this) server_->set_pubsub_hooks(nullptr);
}

PubSub& PubSub::Of(Server& server) {
  PubSub* p = server.subsystem<PubSub>();
  if (p == nullptr) p = server.AddSubsystem(std::make_unique<PubSub>(&server));
  return *p;
}

void PubSub::Confirm(Client* c, std::string_view kind, const std::string_view* name, size_t count) {
  ReplyBuilder& r = c->reply;
  r.Push(3);
  r.Bulk(kind);
  if (name != nullptr) r.Bulk(*name);
  else r.Null();
  r.Integer(static_cast<int64_t>(count));
}

void PubSub::UpdateFlag(Client* c) {
  auto it = clients_.find(c);
  bool any = it != clients_.end() &&
             !(it->second.channels.empty() && it->second.patterns.empty() && it->second.shard.empty());
  if (any) {
    c->flags |= kClientPubSub;
  } else {
    c->flags &= ~kClientPubSub;
    if (it != clients_.end()) {
      if (it->second.soft_limit_since_ms != 0) soft_timers_--;
      clients_.erase(it);
    }
  }
}

void PubSub::Detach(std::unordered_map<std::string, ClientList>* map, const std::string& name, Client* c) {
  auto it = map->find(name);
  if (it == map->end()) return;
  auto& v = it->second;
  v.erase(std::remove(v.begin(), v.end(), c), v.end());
  if (v.empty()) map->erase(it);
}

size_t PubSub::ClientChannels(const Client* c) const {
  auto it = clients_.find(c);
  return it == clients_.end() ? 0 : it->second.channels.size();
}
bool PubSub::ClientSubscriptionsPass(const Client* c,
                                     const std::function<bool(std::string_view, bool)>& allowed) const {
  auto it = clients_.find(c);
  if (it == clients_.end()) return true;
  for (const auto& p : it->second.patterns) {
    if (!allowed(p, true)) return false;
  }
  for (const auto& ch : it->second.channels) {
    if (!allowed(ch, false)) return false;
  }
  for (const auto& ch : it->second.shard) {
    if (!allowed(ch, false)) return false;
  }
  return true;
}

size_t PubSub::ClientPatterns(const Client* c) const {
  auto it = clients_.find(c);
  return it == clients_.end() ? 0 : it->second.patterns.size();
}
size_t PubSub::ClientShardChannels(const Client* c) const {
  auto it = clients_.find(c);
  return it == clients_.end() ? 0 : it->second.shard.size();
}

void PubSub::Subscribe(Client* c, std::string_view channel) {
  ClientSubs& s = SubsOf(c);
  if (s.channels.emplace(channel).second) channels_[std::string(channel)].push_back(c);
  Confirm(c, "subscribe", &channel, s.channels.size() + s.patterns.size());
  UpdateFlag(c);
}

void PubSub::PSubscribe(Client* c, std::string_view pattern) {
  ClientSubs& s = SubsOf(c);
  if (s.patterns.emplace(pattern).second) patterns_[std::string(pattern)].push_back(c);
  Confirm(c, "psubscribe", &pattern, s.channels.size() + s.patterns.size());
  UpdateFlag(c);
}

void PubSub::SSubscribe(Client* c, std::string_view channel) {
  ClientSubs& s = SubsOf(c);
  if (s.shard.emplace(channel).second) shard_channels_[std::string(channel)].push_back(c);
  Confirm(c, "ssubscribe", &channel, s.shard.size());
  UpdateFlag(c);
}

void PubSub::Unsubscribe(Client* c, std::string_view channel, bool notify) {
  size_t count = 0;
  if (auto it = clients_.find(c); it != clients_.end()) {
    std::string name(channel);
    if (it->second.channels.erase(name) > 0) Detach(&channels_, name, c);
    count = it->second.channels.size() + it->second.patterns.size();
  }
  if (notify) Confirm(c, "unsubscribe", &channel, count);
  UpdateFlag(c);
}

void PubSub::PUnsubscribe(Client* c, std::string_view pattern, bool notify) {
  size_t count = 0;
  if (auto it = clients_.find(c); it != clients_.end()) {
    std::string name(pattern);
    if (it->second.patterns.erase(name) > 0) Detach(&patterns_, name, c);
    count = it->second.channels.size() + it->second.patterns.size();
  }
  if (notify) Confirm(c, "punsubscribe", &pattern, count);
  UpdateFlag(c);
}

void PubSub::SUnsubscribe(Client* c, std::string_view channel, bool notify) {
  size_t count = 0;
  if (auto it = clients_.find(c); it != clients_.end()) {
    std::string name(channel);
    if (it->second.shard.erase(name) > 0) Detach(&shard_channels_, name, c);
    count = it->second.shard.size();
  }
  if (notify) Confirm(c, "sunsubscribe", &channel, count);
  UpdateFlag(c);
}

void PubSub::UnsubscribeAll(Client* c, bool notify) {
  auto it = clients_.find(c);
  std::vector<std::string> names;
  if (it != clients_.end()) names.assign(it->second.channels.begin(), it->second.channels.end());
  if (names.empty()) {
    size_t count = it == clients_.end() ? 0 : it->second.patterns.size();
    if (notify) Confirm(c, "unsubscribe", nullptr, count);
    return;
  }
  for (auto& n : names) Unsubscribe(c, n, notify);
}

void PubSub::PUnsubscribeAll(Client* c, bool notify) {
  auto it = clients_.find(c);
  std::vector<std::string> names;
  if (it != clients_.end()) names.assign(it->second.patterns.begin(), it->second.patterns.end());
  if (names.empty()) {
    size_t count = it == clients_.end() ? 0 : it->second.channels.size();
    if (notify) Confirm(c, "punsubscribe", nullptr, count);
    return;
  }
  for (auto& n : names) PUnsubscribe(c, n, notify);
}

void PubSub::SUnsubscribeAll(Client* c, bool notify) {
  auto it = clients_.find(c);
  std::vector<std::string> names;
  if (it != clients_.end()) names.assign(it->second.shard.begin(), it->second.shard.end());
  if (names.empty()) {
    if (notify) Confirm(c, "sunsubscribe", nullptr, 0);
    return;
  }
  for (auto& n : names) SUnsubscribe(c, n, notify);
}

void PubSub::RemoveClient(Client* c) {
  if (clients_.find(c) == clients_.end()) return;
  UnsubscribeAll(c, false);
  PUnsubscribeAll(c, false);
  SUnsubscribeAll(c, false);
  clients_.erase(c);
  c->flags &= ~kClientPubSub;
}

// One message's frames, built once per protocol for all its receivers (a fan-out to N subscribers
// formats it at most twice, not N times).
class PubSub::Frames {
 public:
  // The views must outlive the Frames (they are the command's arguments and the subscription's name).
  explicit Frames(std::initializer_list<std::string_view> parts) {
    for (auto p : parts) parts_[n_++] = p;
  }
  const std::string& For(int proto) {
    std::string& f = proto >= 3 ? resp3_ : resp2_;
    if (f.empty()) {
      ReplyBuilder r(&f, proto);
      r.Push(n_);
      for (size_t i = 0; i < n_; i++) r.Bulk(parts_[i]);
    }
    return f;
  }

 private:
  std::string_view parts_[4];  // message: 3, pmessage: 4
  size_t n_ = 0;
  std::string resp2_, resp3_;
};

void PubSub::DeliverTo(Client* c, Frames& frames) {
  if (c->has(kClientCloseAsap)) return;  // being closed (e.g. over its output limit): nothing more for it
  // A client with output already pending is already queued for writing (or waits for EPOLLOUT): queue it
  // once, not once per message of a fan-out.
  bool was_idle = c->out.size() == c->out_pos;
  c->reply.Raw(frames.For(c->reply.proto()));
  if (was_idle) server_->MarkPendingWrite(c);
  CheckOutputLimit(c);
}

void PubSub::CheckOutputLimit(Client* c) {
  const ClientOutputBufferLimit& lim = server_->config().client_output_buffer_limit[kClientClassPubsub];
  auto pending = static_cast<int64_t>(c->out.size() - c->out_pos);
  bool over_hard = lim.hard_bytes > 0 && pending >= lim.hard_bytes;
  bool over_soft = lim.soft_bytes > 0 && pending >= lim.soft_bytes;
  // The common case, a subscriber that keeps up: no lookup, no clock read.
  if (!over_hard && !over_soft && soft_timers_ == 0) return;
  auto it = clients_.find(c);
  if (it == clients_.end()) return;
  int64_t& since = it->second.soft_limit_since_ms;
  bool close = over_hard;
  if (over_soft) {
    int64_t now = server_->clock().NowMs();
    if (since == 0) {
      since = now;
      soft_timers_++;
    } else if ((now - since) / 1000 > lim.soft_seconds) {
      close = true;
    }
  } else if (since != 0) {
    since = 0;
    soft_timers_--;
  }
  if (!close) return;
  LogWarning("Client id=" + std::to_string(c->id) + " addr=" + c->addr + " name=" + c->name +
             " omem=" + std::to_string(pending) +
             " scheduled to be closed ASAP for overcoming of output buffer limits.");
  server_->FreeClientLater(c);
}

int64_t PubSub::Deliver(std::string_view channel, std::string_view message, bool shard) {
  int64_t receivers = 0;
  auto& map = shard ? shard_channels_ : channels_;
  // Delivery changes no subscription (a client over its output limit is freed later, before the loop
  // sleeps), so the lists are walked in place.
  if (auto it = map.find(std::string(channel)); it != map.end()) {
    Frames frames({shard ? "smessage" : "message", channel, message});
    // CLUSTER SLOT-STATS: a shard channel's messages to this node's subscribers count as its slot's bytes out.
    bool count = shard && server_->config().cluster_slot_stats_enabled && server_->cluster_hooks() != nullptr;
    uint64_t bytes = 0;
    for (Client* c : it->second) {
      size_t before = c->out.size();
      DeliverTo(c, frames);
      if (count && c->out.size() > before) bytes += c->out.size() - before;
      receivers++;
    }
    if (bytes > 0) server_->slot_stats().at(KeyHashSlot(channel)).network_bytes_out += bytes;
  }
  if (!shard && !patterns_.empty()) {
    for (auto& [pattern, list] : patterns_) {
      if (!GlobMatch(pattern, channel)) continue;
      Frames frames({"pmessage", pattern, channel, message});
      for (Client* c : list) {
        DeliverTo(c, frames);
        receivers++;
      }
    }
  }
  return receivers;
}

int64_t PubSub::Publish(std::string_view channel, std::string_view message) {
  return Deliver(channel, message, false);
}

int64_t PubSub::SPublish(std::string_view channel, std::string_view message) {
  return Deliver(channel, message, true);
}

int64_t PubSub::DeliverFromBus(std::string_view channel, std::string_view message, bool shard) {
  return Deliver(channel, message, shard);
}

void PubSub::SlotsLost(const std::bitset<kClusterSlots>& lost) {
  std::vector<std::string> gone;
  for (auto& [name, list] : shard_channels_) {
    if (lost.test(static_cast<size_t>(KeyHashSlot(name)))) gone.push_back(name);
  }
  for (auto& name : gone) {
    auto it = shard_channels_.find(name);
    if (it == shard_channels_.end()) continue;
    ClientList list = it->second;
    for (Client* c : list) {
      SUnsubscribe(c, name, true);
      server_->MarkPendingWrite(c);
    }
  }
}

bool PubSub::notifications_on() const {
  int f = server_->config().notify_keyspace_events;
  return (f & (notify::kKeyspace | notify::kKeyevent)) != 0;
}

void PubSub::Notify(int type, std::string_view event, std::string_view key) {
  int flags = server_->config().notify_keyspace_events;
  if ((flags & type) == 0) return;
  if (flags & notify::kKeyspace) {
    std::string ch = "__keyspace@" + std::to_string(server_->db_index()) + "__:";
    ch.append(key);
    Deliver(ch, event, false);
  }
  if (flags & notify::kKeyevent) {
    std::string ch = "__keyevent@" + std::to_string(server_->db_index()) + "__:";
    ch.append(event);
    Deliver(ch, key, false);
  }
}

bool PubSub::AllowedInSubscribeMode(const CommandSpec& spec) const {
  static const char* const kAllowed[] = {"ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe",
                                         "psubscribe", "punsubscribe", "quit", "reset"};
  for (const char* n : kAllowed) {
    if (spec.name == n) return true;
  }
  return false;
}

std::vector<std::string> PubSub::Channels(std::string_view pattern, bool shard) const {
  std::vector<std::string> out;
  for (auto& [name, list] : shard ? shard_channels_ : channels_) {
    if (pattern.empty() || GlobMatch(pattern, name)) out.push_back(name);
  }
  return out;
}

int64_t PubSub::NumSub(std::string_view channel, bool shard) const {
  auto& map = shard ? shard_channels_ : channels_;
  auto it = map.find(std::string(channel));
  return it == map.end() ? 0 : static_cast<int64_t>(it->second.size());
}

}  // namespace rcs
