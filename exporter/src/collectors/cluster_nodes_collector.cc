#include "collectors/collectors.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_map>

namespace rcs::exporter {
namespace {

// The role label: the node's own INFO is fresher than the seed's gossip, so it wins when the node is up.
std::string LabelRole(const ClusterNode& n, const std::unordered_map<std::string_view, const NodeScrape*>& scraped) {
  if (auto it = scraped.find(n.id); it != scraped.end() && it->second->up) return it->second->role;
  return std::string(n.Role());
}

// The series of one node in the seed's view.
void EmitNodeSeries(const ClusterNode& n, const std::string& addr, const std::string& role, MetricSet& out) {
  const LabelSet l{{"node_id", n.id}, {"addr", addr}, {"role", role}};
  out.Gauge("cluster_node_info", "A node in the seed's CLUSTER NODES (always 1)", {},
            {{"node_id", n.id}, {"addr", addr}, {"hostname", n.hostname}, {"role", role}, {"master_id", n.master_id}},
            1);
  out.Gauge("cluster_node_slots", "Slots the node owns", l, n.slots);
  static constexpr std::array<std::string_view, 5> kFlags{"fail", "pfail", "handshake", "noaddr", "nofailover"};
  const bool flag_values[5] = {n.fail, n.pfail, n.handshake, n.noaddr, n.nofailover};
  for (size_t i = 0; i < kFlags.size(); ++i) {
    out.Gauge("cluster_node_flag", "1 when the node carries the flag in the seed's view", l, {{"flag", kFlags[i]}},
              flag_values[i] ? 1 : 0);
  }
  out.Gauge("cluster_node_link_connected", "1 when the seed's bus link to the node is connected", l,
            n.myself || n.link_connected ? 1 : 0);
  out.Gauge("cluster_node_config_epoch", "Config epoch of the node", l, static_cast<double>(n.config_epoch));
}

// Replicas attached to each master and not failed, by master id.
std::unordered_map<std::string_view, int> HealthyReplicas(const std::vector<ClusterNode>& nodes) {
  std::unordered_map<std::string_view, int> healthy;
  for (const auto& n : nodes) {
    if (n.replica && !n.fail && !n.master_id.empty()) ++healthy[n.master_id];
  }
  return healthy;
}

// The cluster-wide counts, summed node by node.
struct ViewCounts {
  double masters = 0, masters_with_slots = 0, replicas = 0, masters_without_replica = 0, failed = 0, pfail = 0;
  long long owned = 0;

  void Add(const ClusterNode& n, int healthy_replicas) {
    if (n.master) {
      if (!n.fail) {
        ++masters;
        if (n.slots > 0) ++masters_with_slots;
      }
      if (n.slots > 0 && healthy_replicas == 0) ++masters_without_replica;
    } else if (n.replica && !n.fail) {
      ++replicas;
    }
    if (n.fail) ++failed;
    if (n.pfail) ++pfail;
    owned += n.slots;
  }

  void Emit(size_t nodes, const std::string& seed_addr, MetricSet& out) const {
    out.Gauge("cluster_masters", "Masters not failed (seed's view)", {}, masters);
    out.Gauge("cluster_masters_with_slots", "Masters not failed that own slots", {}, masters_with_slots);
    out.Gauge("cluster_replicas", "Replicas not failed", {}, replicas);
    out.Gauge("cluster_masters_without_replica", "Masters owning slots with no healthy replica", {},
              masters_without_replica);
    out.Gauge("cluster_nodes", "Nodes in the seed's CLUSTER NODES", {}, static_cast<double>(nodes));
    out.Gauge("cluster_nodes_failed", "Nodes flagged fail", {}, failed);
    out.Gauge("cluster_nodes_pfail", "Nodes flagged pfail (fail?)", {}, pfail);
    out.Gauge("cluster_slots_unassigned", "Slots no node owns in the seed's view", {},
              static_cast<double>(std::max<long long>(0, kClusterSlots - owned)));
    out.Gauge("cluster_seed_info", "The seed whose CLUSTER NODES this scrape used (always 1)", {},
              {{"addr", seed_addr}}, 1);
  }
};

bool IsKnownRole(const std::string& role) { return role == "master" || role == "replica"; }

}  // namespace

void ClusterNodesCollector::TrackRole(const ClusterNode& n, const std::string& addr, const std::string& role,
                                      std::map<std::string, Seen>& next, MetricSet& out) const {
  if (n.handshake) return;
  Seen s = {role, addr, 0};
  if (auto prev = seen_.find(n.id); prev != seen_.end()) {
    s.changes = prev->second.changes;
    if (IsKnownRole(role) && IsKnownRole(prev->second.role) && prev->second.role != role) s.changes += 1;
    if (!IsKnownRole(role)) s.role = prev->second.role;  // an unknown role is no change; remember the last known
  }
  out.Counter("cluster_role_changes_total", "Role changes (failovers) the exporter observed for the node", {},
              {{"node_id", n.id}, {"addr", addr}}, s.changes);
  next[n.id] = std::move(s);
}

bool ClusterNodesCollector::Collect(const ScrapeData& data, MetricSet& out) {
  if (!data.cluster_mode) {
    seen_.clear();
    return true;
  }
  if (!data.cluster_view_ok) return false;  // no seed answered; keep role history for when one does
  const auto& nodes = data.topology.nodes;

  std::unordered_map<std::string_view, const NodeScrape*> scraped;
  for (const auto& n : data.nodes) {
    if (!n.node_id.empty()) scraped.emplace(n.node_id, &n);
  }
  const auto healthy_replicas = HealthyReplicas(nodes);
  ViewCounts counts;
  std::map<std::string, Seen> next;
  for (const auto& n : nodes) {
    const std::string addr = n.Addr();
    const std::string role = LabelRole(n, scraped);
    EmitNodeSeries(n, addr, role, out);
    int replicas = 0;
    if (n.master) {
      if (auto it = healthy_replicas.find(n.id); it != healthy_replicas.end()) replicas = it->second;
      out.Gauge("cluster_node_replicas", "Master: replicas attached and not failed", {},
                {{"node_id", n.id}, {"addr", addr}}, replicas);
    }
    counts.Add(n, replicas);
    TrackRole(n, addr, role, next, out);
  }
  seen_ = std::move(next);
  counts.Emit(nodes.size(), data.seed_addr, out);
  return data.topology.error.empty();
}

}  // namespace rcs::exporter
