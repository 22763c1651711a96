// What the server and the cluster bus need from pub/sub, as an interface the server owns: pub/sub
// (pubsub/PubSub) is a subsystem above the server and implements it, so neither the server nor cluster mode
// includes pubsub/ (layers run one way; siblings do not include each other).
//
// PubSub installs itself (Server::set_pubsub_hooks) when it is created: by the program's wiring (node.cc),
// or in a server without it (tests) by the first pub/sub command (PubSub::Of). Until then nobody can have
// subscribed, so callers skip what they would deliver or notify (Server::pubsub_hooks() is nullptr).
//
// Publishing to the cluster bus is not in here: the PUBLISH/SPUBLISH commands hand the message to cluster
// mode themselves (commands/pubsub_family.cc), and the bus hands what arrives to DeliverFromBus.
#pragma once
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/crc16.h"

namespace rcs {

class Keyspace;
struct CommandSpec;

class PubSubHooks {
 public:
  virtual ~PubSubHooks() = default;

  // Keyspace notifications (type is a notify:: class flag of server/notify.h, event e.g. "set", "expired").
  virtual bool notifications_on() const = 0;
  virtual void Notify(int type, std::string_view event, std::string_view key) = 0;
  // After a write command that changed something: its events. `keys` are the argv indices of its keys,
  // `existed` whether each existed before the command ran, `propagated` what the command propagates as.
  virtual void NotifyWrite(Keyspace& db, const CommandSpec& spec, std::span<const std::string_view> argv,
                           const std::vector<int>& keys, const std::vector<bool>& existed,
                           const std::vector<std::vector<std::string>>& propagated) = 0;
  // Before a read-only (or STORE) command runs: "keymiss" for each key it reads that is missing.
  virtual void NotifyKeyMiss(Keyspace& db, const CommandSpec& spec, std::span<const std::string_view> argv,
                             const std::vector<int>& keys) = 0;

  // Whether a RESP2 client in subscribe mode may run this command.
  virtual bool AllowedInSubscribeMode(const CommandSpec& spec) const = 0;

  // INFO.
  virtual size_t num_channels() const = 0;
  virtual size_t num_patterns() const = 0;
  virtual size_t num_shard_channels() const = 0;

  // Cluster bus: a message another node published (delivered here only, never sent on); returns how many
  // local subscribers received it.
  virtual int64_t DeliverFromBus(std::string_view channel, std::string_view message, bool shard) = 0;
  // A slot no longer served by this node's shard: its shard channels' subscribers get "sunsubscribe".
  virtual bool has_shard_channels() const = 0;
  virtual void SlotsLost(const std::bitset<kClusterSlots>& lost) = 0;
};

}  // namespace rcs
