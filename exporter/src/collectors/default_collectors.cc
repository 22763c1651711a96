#include "collectors/collectors.h"


namespace rcs::exporter {

std::vector<std::unique_ptr<Collector>> DefaultCollectors() {
  std::vector<std::unique_ptr<Collector>> c;
  c.push_back(std::make_unique<InfoCollector>());
  c.push_back(std::make_unique<ClusterInfoCollector>());
  c.push_back(std::make_unique<ClusterNodesCollector>());
  return c;
}

}  // namespace rcs::exporter
