// The collector interface. A collector turns what one scrape fetched (ScrapeData) into metric families. Each
// reads one kind of source (INFO, CLUSTER INFO, CLUSTER NODES) and sits behind this interface, so the scraper
// times each one and reports its success, and tests drive each one from canned replies. The collectors
// themselves are declared in collectors.h, one file each in this folder.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "cluster_nodes_parser.h"
#include "metric_set.h"
#include "redis_source.h"
#include "slot_stats.h"

namespace rcs::exporter {

// One node as seen in one scrape.
struct NodeScrape {
  std::string addr;     // label: "ip:port" as the node announces it (or the configured address)
  std::string node_id;  // label: 40-hex cluster id, "" outside cluster mode
  std::string role;     // label: "master", "replica", or "unknown" when neither the node nor the seed says
  std::string master_id;
  bool up = false;
  FetchError error = FetchError::kNone;
  std::string error_message;
  std::string info;          // INFO ALL text ("" when down)
  std::string cluster_info;  // CLUSTER INFO text ("" when down or not in cluster mode)
  std::optional<long long> slowlog_len;
  std::optional<long long> slowlog_last_id;
  std::optional<double> slowlog_last_duration_seconds;
  // LATENCY LATEST: per event, the Unix time of its latest spike and that spike's duration.
  struct LatencySpike {
    std::string event;
    double last_unix_seconds = 0;
    double duration_seconds = 0;
  };
  std::vector<LatencySpike> latency_spikes;
  // CLUSTER SLOT-STATS SLOTSRANGE 0 16383; nullopt when the server has no such command (or is standalone).
  std::optional<std::vector<SlotStat>> slot_stats;
  bool slot_stats_malformed = false;  // it answered, but not in the documented shape
  double seconds = 0;  // how long fetching this node took
  // Commands after INFO that answered with an error this scrape (e.g. -NOPERM when the ACL user lacks one):
  // (name as ACL spells it, "cluster|info", error text). Their series are missing; this says why.
  std::vector<std::pair<std::string, std::string>> command_errors;

  LabelSet NodeLabels() const { return LabelSet{{"addr", addr}, {"node_id", node_id}, {"role", role}}; }
};

struct ScrapeData {
  std::vector<NodeScrape> nodes;
  bool cluster_mode = false;
  // The seed's CLUSTER NODES; empty when no seed answered (then cluster_view_ok is false).
  bool cluster_view_ok = false;
  // A seed answered CLUSTER NODES (with the view, or "cluster support disabled"); false when none did, e.g.
  // all refused it (-NOPERM for an ACL user without cluster|nodes): redis_exporter_last_scrape_error 1.
  bool seed_answered = false;
  std::string seed_addr;  // which seed answered
  ClusterNodesParse topology;
};

class Collector {
 public:
  virtual ~Collector() = default;
  virtual const char* Name() const = 0;
  // Adds this scrape's series. Returns false when the source it reads was unusable (reported as
  // redis_exporter_collector_success{collector} 0); what it could add is still served. A node being down is
  // not a collector failure: that is what redis_up says.
  virtual bool Collect(const ScrapeData& data, MetricSet& out) = 0;
};

// Collect() of a collector that reads each node on its own: collect_node for every node of the scrape; false
// when any node's source was unusable.
inline bool CollectEachNode(const ScrapeData& data, MetricSet& out,
                            bool (*collect_node)(const NodeScrape&, MetricSet&)) {
  bool ok = true;
  for (const auto& n : data.nodes) ok = collect_node(n, out) && ok;
  return ok;
}

}  // namespace rcs::exporter
