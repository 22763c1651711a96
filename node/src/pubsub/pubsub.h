// Pub/sub state: who listens to which channel, pattern or shard channel, and message delivery. Owned by the
// Server (one per node, standalone or cluster); the commands are in commands/pubsub_family.cc.
//
// Replies as Redis 7.0 sends them, written straight into each subscriber's output buffer: RESP2 arrays, or
// RESP3 push (`>`) frames for a client that switched with HELLO 3:
//   ["subscribe"|"psubscribe"|"ssubscribe"|"unsubscribe"|"punsubscribe"|"sunsubscribe", name, count]
//   ["message", channel, payload]  ["pmessage", pattern, channel, payload]  ["smessage", channel, payload]
// `count` is the client's channels + patterns, or for the shard commands its shard channels alone.
// A RESP2 client with at least one subscription (kClientPubSub) may run only (P|S)SUBSCRIBE,
// (P|S)UNSUBSCRIBE, PING, QUIT and RESET (the server asks AllowedInSubscribeMode).
//
// A server subsystem above the server: the server and cluster mode reach it only through the hooks the
// server defines (server/pubsub_hooks.h); the commands use this class. Installed by the wiring (node.cc), or
// on first use (Of) in a server without it.
//
// Cluster mode: PUBLISH and SPUBLISH are delivered here, and the commands hand them to the cluster, which
// sends them over the bus (cluster/bus_publish.cc); what arrives from the bus is delivered locally only
// (DeliverFromBus), never sent on again, so every node delivers each message once.
//
// Output buffer limits: after each message a subscriber's pending output is checked against
// `client-output-buffer-limit pubsub <hard> <soft> <soft-seconds>`; a client over the hard limit, or over
// the soft limit for longer than soft-seconds, is logged and closed before the loop sleeps (Redis's
// closeClientOnOutputBufferLimitReachedAsync).
//
// Keyspace notifications: Notify(class, event, key) publishes __keyspace@0__:<key> / __keyevent@0__:<event>
// locally (never over the bus, as Redis) when notify-keyspace-events enables the class.
#pragma once
#include <bitset>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/crc16.h"
#include "server/pubsub_hooks.h"
#include "server/server.h"

namespace rcs {

class PubSub final : public Subsystem, public PubSubHooks {
 public:
  explicit PubSub(Server* server);
  ~PubSub() override;
  // The server's pub/sub, installed on first use when the wiring did not install it.
  static PubSub& Of(Server& server);

  // Each writes one confirmation per name to the client (as Redis, also for a repeated name).
  void Subscribe(Client* c, std::string_view channel);
  void PSubscribe(Client* c, std::string_view pattern);
  void SSubscribe(Client* c, std::string_view channel);
  void Unsubscribe(Client* c, std::string_view channel, bool notify = true);
  void PUnsubscribe(Client* c, std::string_view pattern, bool notify = true);
  void SUnsubscribe(Client* c, std::string_view channel, bool notify = true);
  // Without names: every channel (pattern, shard channel) of the client; with none, one reply with a nil
  // name and count 0.
  void UnsubscribeAll(Client* c, bool notify = true);
  void PUnsubscribeAll(Client* c, bool notify = true);
  void SUnsubscribeAll(Client* c, bool notify = true);
  // RESET and a freed client: everything, silently.
  void RemoveClient(Client* c);

  // Delivers to local subscribers and returns how many received it (the commands then hand PUBLISH and
  // SPUBLISH to the cluster).
  int64_t Publish(std::string_view channel, std::string_view message);
  int64_t SPublish(std::string_view channel, std::string_view message);
  // A message from another node (no further propagation).
  int64_t DeliverFromBus(std::string_view channel, std::string_view message, bool shard) override;

  // A slot no longer served by this node's shard: its shard channels' subscribers get "sunsubscribe".
  void SlotsLost(const std::bitset<kClusterSlots>& lost) override;
  bool has_shard_channels() const override { return !shard_channels_.empty(); }

  // Keyspace notification (type is a notify:: class flag, event e.g. "set", "expired").
  void Notify(int type, std::string_view event, std::string_view key) override;
  bool notifications_on() const override;
  // After a write command that changed something: its events, from a table (keyspace_events.cc). `keys`
  // are the argv indices of its keys, `existed` whether each existed before the command ran.
  // `propagated` is what the command propagates as (ctx.propagate_as: names the key a multi-key pop took).
  void NotifyWrite(Keyspace& db, const CommandSpec& spec, std::span<const std::string_view> argv,
                   const std::vector<int>& keys, const std::vector<bool>& existed,
                   const std::vector<std::vector<std::string>>& propagated) override;
  // Before a read-only (or STORE) command runs: "keymiss" for each key it reads that is missing ('m').
  void NotifyKeyMiss(Keyspace& db, const CommandSpec& spec, std::span<const std::string_view> argv,
                     const std::vector<int>& keys) override;

  // Whether a RESP2 client in subscribe mode may run this command.
  bool AllowedInSubscribeMode(const CommandSpec& spec) const override;

  // Subsystem: a freed client leaves its subscriptions.
  void OnClientFreed(Client* c) override { RemoveClient(c); }

  // Introspection (PUBSUB, INFO, CLIENT LIST).
  std::vector<std::string> Channels(std::string_view pattern, bool shard) const;  // pattern "" = all
  int64_t NumSub(std::string_view channel, bool shard) const;
  size_t num_channels() const override { return channels_.size(); }
  size_t num_patterns() const override { return patterns_.size(); }
  size_t num_shard_channels() const override { return shard_channels_.size(); }
  size_t ClientChannels(const Client* c) const;
  size_t ClientPatterns(const Client* c) const;
  size_t ClientShardChannels(const Client* c) const;
  // Whether `allowed(name, literal)` accepts every channel, shard channel (literal false) and pattern
  // (literal true) `c` is subscribed to (ACL: a user's clients whose channels were revoked are closed).
  bool ClientSubscriptionsPass(const Client* c, const std::function<bool(std::string_view, bool)>& allowed) const;

 private:
  struct ClientSubs {
    std::unordered_set<std::string> channels, patterns, shard;
    int64_t soft_limit_since_ms = 0;  // over the soft output limit since (0 = not over)
  };
  using ClientList = std::vector<Client*>;  // in subscription order: delivered in that order
  ClientSubs& SubsOf(Client* c) { return clients_[c]; }
  void Confirm(Client* c, std::string_view kind, const std::string_view* name, size_t count);
  void UpdateFlag(Client* c);
  int64_t Deliver(std::string_view channel, std::string_view message, bool shard);
  class Frames;
  void DeliverTo(Client* c, Frames& frames);
  void CheckOutputLimit(Client* c);
  static void Detach(std::unordered_map<std::string, ClientList>* map, const std::string& name, Client* c);

  Server* server_;
  std::unordered_map<std::string, ClientList> channels_, patterns_, shard_channels_;
  std::unordered_map<const Client*, ClientSubs> clients_;
  size_t soft_timers_ = 0;  // clients over the soft output limit (their timers run)
};

}  // namespace rcs
