// Scrape orchestration: which nodes to ask what, in as few round trips as possible, within --scrape-timeout.
//
// Steady state is one round: the seed's CLUSTER NODES and every known node's INFO ALL / CLUSTER INFO /
// SLOWLOG are fetched together (known = the scrapable nodes of the previous CLUSTER NODES). Nodes that the new
// CLUSTER NODES lists but that were not fetched (first scrape, a node joined) get a second round. A backup (the
// second seed, or a known node) is asked for CLUSTER NODES in the same round and used only if the first seed
// fails; if both fail, the remaining seeds are asked in turn, then the nodes that just answered, then the rest.
// Series are built from scratch every scrape, so a node that left the cluster disappears at once.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "collectors/collector.h"
#include "config.h"
#include "exporter_metrics.h"
#include "redis_source.h"
#include "status_page.h"

namespace rcs::exporter {

class ClusterScraper {
 public:
  ClusterScraper(Config config, RedisSource& source);
  ClusterScraper(Config config, RedisSource& source, std::vector<std::unique_ptr<Collector>> collectors);

  // The whole cluster in the text exposition format. Serialized: concurrent calls wait for each other.
  std::string Scrape();
  // Prometheus http_sd JSON listing every node; nullopt (HTTP 503) when no seed answers.
  std::optional<std::string> Discover();
  // The status page's view of the last scrape (status_page.h), scraping first when that is older than
  // max_age or there was none, so the page works without a Prometheus scraping.
  ClusterStatus Status(std::chrono::milliseconds max_age);

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
  struct Round;    // the requests of one fetch round and their responses
  struct SeedAsk;  // a CLUSTER NODES request riding in the first round
  using SeedFailures = std::map<std::string, NodeResponse>;  // by host:port

  // Gather, top to bottom: one round to the known nodes and two seeds, the cluster view from the first seed
  // that answers, the nodes that view lists, a second round for those not fetched yet, one NodeScrape each.
  ScrapeData Gather(Clock::time_point deadline);
  void AddNode(Round& round, const Endpoint& ep) const;
  std::vector<SeedAsk> AddSeedAsks(Round& first) const;
  SeedAnswer FirstSeedAnswer(Round& first, const std::vector<SeedAsk>& asks, SeedFailures& failures) const;
  std::vector<Endpoint> FallbackOrder(const Round& first, const SeedFailures& failures) const;
  // Tries seeds[from..], then `extra`, one at a time, for CLUSTER NODES.
  SeedAnswer AskSeeds(size_t from, const std::vector<Endpoint>& extra, Clock::time_point deadline,
                      SeedFailures* failures);
  void LogSeedChange(const SeedAnswer& seed);
  std::vector<Known> NodesToReport(const SeedAnswer& seed, ScrapeData& data);
  std::vector<Known> NodesFromTopology(const SeedAnswer& seed, ScrapeData& data) const;
  std::vector<Known> SeedsAsNodes() const;
  Round SecondRound(const std::vector<Known>& nodes, const Round& first, const SeedAnswer& seed,
                    const SeedFailures& failures, Clock::time_point deadline);
  static NodeScrape ToNodeScrape(const Known& node, NodeResponse* response, const SeedFailures& failures);
  void Remember(std::vector<Known> nodes);

  NodeRequest Request(const Endpoint& ep, std::vector<Command> commands) const;
  Endpoint SeedEndpoint(const std::string& host_port) const;  // the seed (or learned node) with this key
  std::vector<CollectorRun> RunCollectors(const ScrapeData& data, MetricSet& out);
  void LogNodeErrors(const ScrapeData& data);
  void CheckKeysOf(const ScrapeData& data, Clock::time_point deadline);

  Config config_;
  RedisSource& source_;
  std::vector<std::unique_ptr<Collector>> collectors_;
  std::mutex mu_;
  std::vector<Known> known_;
  bool cluster_mode_ = true;
  std::string last_seed_;  // seed that answered last time ("" if none), to log only changes
  std::map<std::string, std::string> last_error_;  // by addr, for logging transitions
  // Reused between scrapes (cleared each time) to keep their buffers' capacity: the collectors' series, and
  // the exporter's own metrics (written after them, from own_metrics_).
  MetricSet series_;
  MetricSet own_series_;
  ExporterMetrics own_metrics_;
  // The status page's view, rebuilt by every scrape.
  ClusterStatus status_;
  std::optional<Clock::time_point> status_time_;
  FailoverLog failovers_;
};

// Metrics of one node for /scrape?target= (the multi-target pattern): INFO, CLUSTER INFO and SLOWLOG series
// with the node's labels, plus the exporter's last-scrape error and duration.
std::string ScrapeSingleTarget(const Config& config, RedisSource& source, const Endpoint& target);

// Commands sent to every node, in this order.
const std::vector<Command>& NodeCommands();
// Fills a NodeScrape's data fields from the replies to NodeCommands() (starting at replies[0]).
void FillNodeScrape(NodeScrape& node, NodeResponse& response);

}  // namespace rcs::exporter
