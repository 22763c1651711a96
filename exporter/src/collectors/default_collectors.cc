#include "collectors/collectors.h"


namespace rcs::exporter {

std::vector<std::unique_ptr<Collector>> DefaultCollectors(size_t slot_stats_top) {
  std::vector<std::unique_ptr<Collector>> c;
  c.push_back(std::make_unique<InfoCollector>());
  c.push_back(std::make_unique<ClusterInfoCollector>());
  c.push_back(std::make_unique<ClusterNodesCollector>());
  c.push_back(std::make_unique<SlotStatsCollector>(slot_stats_top));
  return c;
}

}  // namespace rcs::exporter
