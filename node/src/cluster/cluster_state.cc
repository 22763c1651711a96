#include "cluster/cluster_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "base/random.h"
#include "base/strutil.h"

namespace rcs::cluster {

size_t FailureReports::CountValid(int64_t now_ms, int64_t max_age_ms) {
  for (auto it = reports_.begin(); it != reports_.end();) {
    if (now_ms - it->second > max_age_ms) {
      it = reports_.erase(it);
    } else {
      ++it;
    }
  }
  return reports_.size();
}

std::string ClusterNode::FlagsText() const {
  std::string s;
  auto add = [&](const char* f) {
    if (!s.empty()) s += ',';
    s += f;
  };
  if (is(kNodeMyself)) add("myself");
  if (is(kNodeMaster)) add("master");
  if (is(kNodeReplica)) add("slave");
  if (is(kNodePFail)) add("fail?");
  if (is(kNodeFail)) add("fail");
  if (is(kNodeHandshake)) add("handshake");
  if (is(kNodeNoAddr)) add("noaddr");
  if (is(kNodeNoFailover)) add("nofailover");
  if (s.empty()) s = "noflags";
  return s;
}

std::vector<SlotRange> RangesOf(const std::bitset<kClusterSlots>& slots) {
  std::vector<SlotRange> out;
  int start = -1;
  for (int i = 0; i <= kClusterSlots; i++) {
    bool set = i < kClusterSlots && slots.test(i);
    if (set && start < 0) start = i;
    if (!set && start >= 0) {
      out.push_back({start, i - 1});
      start = -1;
    }
  }
  return out;
}

ClusterNode* ClusterState::Find(std::string_view id) const {
  if (id.empty()) return nullptr;
  auto it = nodes_.find(std::string(id));
  return it == nodes_.end() ? nullptr : it->second.get();
}

ClusterNode* ClusterState::Add(std::string id, uint16_t flags) {
  if (id.empty()) id = RandomNodeId();
  auto n = std::make_unique<ClusterNode>();
  n->id = id;
  n->flags = flags;
  ClusterNode* p = n.get();
  nodes_[id] = std::move(n);
  if ((flags & kNodeMyself) && myself_ == nullptr) myself_ = p;
  return p;
}

void ClusterState::Remove(ClusterNode* n) {
  if (n == nullptr || n == myself_) return;
  for (int s = 0; s < kClusterSlots; s++) {
    if (owner_[s] == n) owner_[s] = nullptr;
  }
  for (auto* m : {&migrating_, &importing_}) {
    for (auto it = m->begin(); it != m->end();) {
      if (it->second == n->id) it = m->erase(it);
      else ++it;
    }
  }
  for (auto& [id, other] : nodes_) other->fail_reports.Remove(n->id);
  nodes_.erase(n->id);
}

bool ClusterState::Rename(ClusterNode* n, const std::string& new_id) {
  if (nodes_.count(new_id)) return false;
  auto it = nodes_.find(n->id);
  if (it == nodes_.end()) return false;
  std::unique_ptr<ClusterNode> owned = std::move(it->second);
  nodes_.erase(it);
  owned->id = new_id;
  nodes_[new_id] = std::move(owned);
  return true;
}

void ClusterState::AssignSlot(int slot, ClusterNode* n) {
  if (owner_[slot] == n) return;
  if (owner_[slot] != nullptr) UnassignSlot(slot);
  owner_[slot] = n;
  n->slots.set(slot);
  n->num_slots++;
  if (on_slot_owner_change) on_slot_owner_change(slot);
}

void ClusterState::UnassignSlot(int slot) {
  ClusterNode* n = owner_[slot];
  if (n == nullptr) return;
  n->slots.reset(slot);
  n->num_slots--;
  owner_[slot] = nullptr;
  if (on_slot_owner_change) on_slot_owner_change(slot);
}

size_t ClusterState::Size() const {
  size_t n = 0;
  for (auto& [id, node] : nodes_) n += node->is_master() && node->num_slots > 0;
  return n;
}

uint64_t ClusterState::MaxConfigEpoch() const {
  uint64_t m = 0;
  for (auto& [id, node] : nodes_) m = std::max(m, node->config_epoch);
  return m;
}

size_t ClusterState::SlotsAssigned() const {
  size_t n = 0;
  for (auto* o : owner_) n += o != nullptr;
  return n;
}

std::vector<ClusterNode*> ClusterState::ReplicasOf(const std::string& master_id) const {
  std::vector<ClusterNode*> out;
  for (auto& [id, node] : nodes_) {
    if (node->is_replica() && node->master_id == master_id) out.push_back(node.get());
  }
  return out;
}

std::string ClusterState::NodeLine(const ClusterNode& n, int64_t now_ms) const {
  (void)now_ms;  // kept in the signature: times are stored per node
  std::string s;
  s.reserve(160);
  s += n.id;
  s += ' ';
  s += n.ip;
  s += ':';
  s += std::to_string(n.port);
  s += '@';
  s += std::to_string(n.cport);
  if (!n.hostname.empty()) {
    s += ',';
    s += n.hostname;
  }
  s += ' ';
  s += n.FlagsText();
  s += ' ';
  s += n.master_id.empty() ? std::string("-") : n.master_id;
  s += ' ';
  bool me = n.is(kNodeMyself);
  s += std::to_string(me ? 0 : n.ping_sent_ms);
  s += ' ';
  s += std::to_string(n.pong_received_ms);
  s += ' ';
  // A replica shows its master's config epoch (Redis's nodeEpoch).
  const ClusterNode* master = n.is_replica() ? Find(n.master_id) : nullptr;
  s += std::to_string(master != nullptr ? master->config_epoch : n.config_epoch);
  s += (me || n.link_connected) ? " connected" : " disconnected";
  if (n.num_slots > 0) {
    for (const SlotRange& r : RangesOf(n.slots)) {
      s += ' ';
      s += std::to_string(r.first);
      if (r.last != r.first) {
        s += '-';
        s += std::to_string(r.last);
      }
    }
  }
  if (me) {
    // In slot order, migrating before importing for the same slot (as Redis prints them).
    auto mi = migrating_.begin();
    auto ii = importing_.begin();
    while (mi != migrating_.end() || ii != importing_.end()) {
      if (ii == importing_.end() || (mi != migrating_.end() && mi->first <= ii->first)) {
        s += " [" + std::to_string(mi->first) + "->-" + mi->second + "]";
        ++mi;
      } else {
        s += " [" + std::to_string(ii->first) + "-<-" + ii->second + "]";
        ++ii;
      }
    }
  }
  s += '\n';
  return s;
}

std::string ClusterState::NodesText(int64_t now_ms) const {
  std::string out;
  for (auto& [id, node] : nodes_) {
    if (node->is(kNodeHandshake)) continue;  // as Redis's CLUSTER NODES in 7.0 (handshake nodes shown? no)
    out += NodeLine(*node, now_ms);
  }
  return out;
}

std::string RandomNodeId() { return RandomHex(kNodeIdLen); }

bool IsValidNodeId(std::string_view id) {
  if (id.size() != kNodeIdLen) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace rcs::cluster
