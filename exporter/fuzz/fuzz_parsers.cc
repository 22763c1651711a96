// libFuzzer target for the exporter's pure parsers: INFO / CLUSTER INFO (and their k=v sub-parsers) and
// CLUSTER NODES, plus the collectors that consume them. Input is one reply as a node might send it.
// Build: -DRCS_BUILD_FUZZERS=ON with clang; run: ./fuzz_exporter_parsers -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cluster_nodes_parser.h"
#include "collectors/collectors.h"
#include "info_parser.h"
#include "metric_set.h"

using namespace rcs::exporter;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const auto& f : ParseInfo(text)) {
    (void)ParseNumber(f.value);
    (void)ParseCommandStat(f.value);
    (void)ParseKeyspace(f.value);
    (void)ParseConnectedReplica(f.value);
    (void)ParseLatencyPercentiles(f.value);
  }
  auto nodes = ParseClusterNodes(text);
  for (const auto& n : nodes.nodes) {
    if (n.slots < 0 || n.slots > 16384 * 64) __builtin_trap();
    (void)n.Addr();
  }
  NodeScrape node;
  node.addr = "127.0.0.1:1";
  node.role = "master";
  node.up = true;
  node.info = text;
  node.cluster_info = text;
  MetricSet out("redis");
  InfoCollector::CollectNode(node, out);
  ClusterInfoCollector::CollectNode(node, out);
  ScrapeData sd;
  sd.cluster_mode = true;
  sd.cluster_view_ok = true;
  sd.topology = std::move(nodes);
  ClusterNodesCollector c;
  c.Collect(sd, out);
  (void)out.Serialize();
  return 0;
}
