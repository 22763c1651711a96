// Pub/sub over the cluster bus (message layout in bus_message.h: PUBLISH and PUBLISHSHARD).
//
//   - PUBLISH on any node: delivered to that node's subscribers, then (the command calls PropagatePublish)
//     sent once to every other known node (on our link to it, else its link to us: Broadcast). A receiver
//     delivers to its own subscribers (through the server's PubSubHooks) and never forwards, so each node
//     delivers each message exactly once. A message from an unknown sender is
//     dropped (as Redis: only nodes of the cluster publish).
//   - SPUBLISH (already checked by the redirect rules to hash to a slot of this node's shard): sent to the
//     other nodes of the shard only, the master and its replicas.
//   - Shard channels follow their slot: when a slot stops being served by this node's shard (resharding,
//     CLUSTER SETSLOT/DELSLOTS, an UPDATE, becoming the replica of another master), its shard channels'
//     subscribers get "sunsubscribe" (Redis's removeChannelsInSlot). Checked before the event loop sleeps by
//     comparing the shard's slots with those seen last time, so every path that changes slots is covered.
#include "cluster/cluster.h"
#include "server/pubsub_hooks.h"

namespace rcs::cluster {

void Cluster::PropagatePublish(std::string_view channel, std::string_view message, bool shard) {
  if (state_.myself() == nullptr) return;  // not initialized: no bus yet
  BusMessage m = BuildHeader(shard ? MsgType::kPublishShard : MsgType::kPublish);
  m.channel.assign(channel);
  m.message.assign(message);
  if (!shard) {
    Broadcast(m);
    return;
  }
  ClusterNode* me = state_.myself();
  const std::string& shard_master = me->is_replica() ? me->master_id : me->id;
  dispatch_depth_++;  // a failed write must not erase a link while we iterate
  for (auto& [id, n] : state_.nodes()) {
    if (n->is(kNodeMyself) || n->is(kNodeHandshake)) continue;
    if (id != shard_master && !(n->is_replica() && n->master_id == shard_master)) continue;
    Link* l = OutboundOf(id);
    if (l == nullptr) l = InboundOf(id);
    SendTo(l, m);
  }
  if (--dispatch_depth_ == 0) ClosePendingLinks();
}

void Cluster::HandlePublish(const BusMessage& m, ClusterNode* sender) {
  if (sender == nullptr) return;
  // Without pub/sub installed nobody here subscribed: nothing to deliver.
  PubSubHooks* ps = server_->pubsub_hooks();
  if (ps != nullptr) ps->DeliverFromBus(m.channel, m.message, m.type == MsgType::kPublishShard);
}

void Cluster::CheckShardChannelSlots() {
  ClusterNode* me = state_.myself();
  if (me == nullptr) return;
  ClusterNode* master = state_.MasterOf(me);
  if (master == nullptr) master = me;
  const std::bitset<kClusterSlots>& now = master->slots;
  if (shard_slots_known_) {
    std::bitset<kClusterSlots> lost = shard_slots_ & ~now;
    PubSubHooks* ps = server_->pubsub_hooks();
    if (lost.any() && ps != nullptr && ps->has_shard_channels()) ps->SlotsLost(lost);
  }
  shard_slots_ = now;
  shard_slots_known_ = true;
}

}  // namespace rcs::cluster
