// Scrape orchestration: which nodes to ask what, in as few round trips as possible, within --scrape-timeout.
//
// Steady state is one round: the seed's CLUSTER NODES and every known node's INFO ALL / CLUSTER INFO /
// SLOWLOG are fetched together (known = the scrapable nodes of the previous CLUSTER NODES). Nodes that the new
// CLUSTER NODES lists but that were not fetched (first scrape, a node joined) get a second round. A backup (the
// second seed, or a known node) is asked for CLUSTER NODES in the same round and used only if the first seed
// fails; if both fail, the remaining seeds are asked in turn, then the nodes that just answered, then the rest.
// Series are built from scratch every scrape, so a node that left the cluster disappears at once.
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "collectors/collector.h"
#include "config.h"
#include "redis_source.h"

namespace rcs::exporter {

class ClusterScraper {
 public:
  ClusterScraper(Config config, RedisSource& source);
  ClusterScraper(Config config, RedisSource& source, std::vector<std::unique_ptr<Collector>> collectors);

  // The whole cluster in the text exposition format. Serialized: concurrent calls wait for each other.
  std::string Scrape();
  // Prometheus http_sd JSON listing every node; nullopt (HTTP 503) when no seed answers.
  std::optional<std::string> Discover();

 private:
  struct Known {
    Endpoint endpoint;
    std::string addr, node_id, role, master_id;
  };
  struct SeedAnswer {
    bool ok = false;
    bool standalone = false;  // the seed said cluster support is disabled
    std::string seed_addr;
    std::string nodes_text;
  };
  NodeRequest Request(const Endpoint& ep, std::vector<Command> commands) const;
  // Tries seeds[from..], then `extra`, one at a time, for CLUSTER NODES.
  SeedAnswer AskSeeds(size_t from, const std::vector<Endpoint>& extra, Clock::time_point deadline,
                      std::map<std::string, NodeResponse>* failures);
  ScrapeData Gather(Clock::time_point deadline);
  Endpoint SeedEndpoint(const std::string& host_port) const;  // the seed (or learned node) with this key
  void TrackErrors(const ScrapeData& data);

  Config config_;
  RedisSource& source_;
  std::vector<std::unique_ptr<Collector>> collectors_;
  std::mutex mu_;
  std::vector<Known> known_;
  bool cluster_mode_ = true;
  std::string last_seed_;  // seed that answered last time ("" if none), to log only changes
  std::map<std::string, std::string> last_error_;  // by addr, for logging transitions
  MetricSet scratch_;  // reused between scrapes (cleared each time) to keep its buffers' capacity

  // The exporter's own metrics live across scrapes in a prometheus-cpp registry.
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Counter* scrapes_ = nullptr;
  prometheus::Gauge* last_duration_ = nullptr;
  prometheus::Histogram* duration_ = nullptr;
  prometheus::Gauge* last_error_gauge_ = nullptr;
  prometheus::Gauge* nodes_discovered_ = nullptr;
  prometheus::Family<prometheus::Gauge>* collector_success_ = nullptr;
  prometheus::Family<prometheus::Gauge>* collector_duration_ = nullptr;
  prometheus::Family<prometheus::Counter>* node_errors_ = nullptr;
  std::map<std::string, prometheus::Counter*> node_error_counters_;  // by addr; removed when a node leaves
};

// Metrics of one node for /scrape?target= (the multi-target pattern): INFO, CLUSTER INFO and SLOWLOG series
// with the node's labels, plus redis_exporter_last_scrape_duration_seconds.
std::string ScrapeSingleTarget(const Config& config, RedisSource& source, const Endpoint& target);

// Commands sent to every node, in this order.
const std::vector<Command>& NodeCommands();
// Fills a NodeScrape's data fields from the replies to NodeCommands() (starting at replies[0]).
void FillNodeScrape(NodeScrape& node, NodeResponse& response);

}  // namespace rcs::exporter
