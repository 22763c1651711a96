#include "collectors/collectors.h"

#include <string_view>

#include "collectors/field_table.h"
#include "info_parser.h"

namespace rcs::exporter {
namespace {

// cluster_stats_messages_<type>_sent / _received: one counter family per direction, type as a label.
void EmitMessageStat(std::string_view key, std::string_view value, const LabelSet& labels, MetricSet& out) {
  constexpr std::string_view kPrefix = "cluster_stats_messages_";
  if (!key.starts_with(kPrefix)) return;
  key.remove_prefix(kPrefix.size());
  auto v = ParseNumber(value);
  if (!v) return;
  if (key.ends_with("_sent")) {
    out.Counter("cluster_stats_messages_sent_total", "Cluster bus messages sent, by type", labels,
                {{"type", key.substr(0, key.size() - 5)}}, *v);
  } else if (key.ends_with("_received")) {
    out.Counter("cluster_stats_messages_received_total", "Cluster bus messages received, by type", labels,
                {{"type", key.substr(0, key.size() - 9)}}, *v);
  }
}

}  // namespace

bool ClusterInfoCollector::CollectNode(const NodeScrape& node, MetricSet& out) {
  if (!node.up || node.cluster_info.empty()) return true;
  auto fields = ParseInfo(node.cluster_info);
  if (fields.empty()) return false;
  const LabelSet labels = node.NodeLabels();
  const FieldIndex& index = ClusterInfoFieldIndex();
  for (const auto& f : fields) {
    if (!EmitTableField(index, f.key, f.value, labels, out)) EmitMessageStat(f.key, f.value, labels, out);
  }
  return true;
}

}  // namespace rcs::exporter
