// The collectors the exporter has, each implemented in its own file in this folder (info_collector.cc,
// cluster_info_collector.cc, cluster_nodes_collector.cc), and the list it runs (default_collectors.cc). A new
// collector is a class here, its file, and one line in DefaultCollectors().
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "collectors/collector.h"

namespace rcs::exporter {

// redis_up and everything from INFO ALL and SLOWLOG, per node.
class InfoCollector : public Collector {
 public:
  const char* Name() const override { return "info"; }
  bool Collect(const ScrapeData& data, MetricSet& out) override { return CollectEachNode(data, out, CollectNode); }
  // One node's series (also used by /scrape?target=).
  static bool CollectNode(const NodeScrape& node, MetricSet& out);
};

// Each node's own CLUSTER INFO, with its node labels (also used by /scrape?target=).
class ClusterInfoCollector : public Collector {
 public:
  const char* Name() const override { return "cluster_info"; }
  bool Collect(const ScrapeData& data, MetricSet& out) override { return CollectEachNode(data, out, CollectNode); }
  static bool CollectNode(const NodeScrape& node, MetricSet& out);
};

// Each node's CLUSTER SLOT-STATS (Valkey 8+, Redis 8.2+; absent for a server without it): per node the sums
// over its shard's slots, the top `top` slots by key count, CPU and network bytes (a `slot` label, so at most
// 4 x top series per node), and on masters the hottest slot's share of the shard.
class SlotStatsCollector : public Collector {
 public:
  explicit SlotStatsCollector(size_t top) : top_(top) {}
  const char* Name() const override { return "slot_stats"; }
  bool Collect(const ScrapeData& data, MetricSet& out) override {
    bool ok = true;
    for (const auto& n : data.nodes) ok = CollectNode(n, top_, out) && ok;
    return ok;
  }
  static bool CollectNode(const NodeScrape& node, size_t top, MetricSet& out);

 private:
  size_t top_;
};

// The seed's CLUSTER NODES: per-node topology series, derived counts, and role changes observed between
// scrapes (the only state a collector keeps; it forgets nodes that left the cluster).
class ClusterNodesCollector : public Collector {
 public:
  const char* Name() const override { return "cluster_nodes"; }
  bool Collect(const ScrapeData& data, MetricSet& out) override;

 private:
  struct Seen {
    std::string role;
    std::string addr;
    double changes = 0;
  };
  // Carries the node's history into `next` and writes its cluster_role_changes_total.
  void TrackRole(const ClusterNode& n, const std::string& addr, const std::string& role,
                 std::map<std::string, Seen>& next, MetricSet& out) const;

  std::map<std::string, Seen> seen_;  // by node id
};

// The collectors the exporter runs, in the order they run (and their families first appear).
std::vector<std::unique_ptr<Collector>> DefaultCollectors(size_t slot_stats_top = 10);

}  // namespace rcs::exporter
