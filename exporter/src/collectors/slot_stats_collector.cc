#include <algorithm>
#include <string>

#include "collectors/collectors.h"

namespace rcs::exporter {
namespace {

using Metric = std::optional<double> SlotStat::*;

struct Counter {
  Metric metric;
  const char* sum_name;   // per node, over all its slots
  const char* slot_name;  // the top N slots by this counter
  const char* ratio_label;
  double scale;
  const char* help;
};

constexpr Counter kCounters[] = {
    {&SlotStat::cpu_usec, "slot_stats_cpu_seconds_total", "slot_cpu_seconds_total", "cpu", 1e-6,
     "CPU time spent on commands of"},
    {&SlotStat::net_in_bytes, "slot_stats_net_input_bytes_total", "slot_net_input_bytes_total", "net_input", 1,
     "Network bytes received for"},
    {&SlotStat::net_out_bytes, "slot_stats_net_output_bytes_total", "slot_net_output_bytes_total", "net_output", 1,
     "Network bytes sent for"},
};

void HottestShare(const char* metric, double hottest, double sum, const LabelSet& labels, MetricSet& out) {
  if (sum <= 0) return;
  out.Gauge("slot_stats_hottest_slot_ratio",
            "Master: the share of its shard's total (since start) that its hottest slot has, by metric", labels,
            {{"metric", metric}}, hottest / sum);
}

}  // namespace

bool SlotStatsCollector::CollectNode(const NodeScrape& node, size_t top, MetricSet& out) {
  if (node.slot_stats_malformed) return false;
  if (!node.up || !node.slot_stats) return true;
  const auto& stats = *node.slot_stats;
  const LabelSet labels = node.NodeLabels();
  const bool master = node.role == "master";
  out.Gauge("slot_stats_slots", "Slots of the node's shard that CLUSTER SLOT-STATS reported", labels,
            static_cast<double>(stats.size()));
  double keys = 0, max_keys = 0;
  for (const auto& s : stats) {
    keys += s.keys;
    max_keys = std::max(max_keys, s.keys);
  }
  out.Gauge("slot_stats_keys", "Keys in the slots of the node's shard (sum of CLUSTER SLOT-STATS key-count)", labels,
            keys);
  std::string slot;
  for (size_t i : TopSlotsByKeys(stats, top)) {
    slot = std::to_string(stats[i].slot);
    out.Gauge("slot_keys", "Keys in the slot, for the node's top slots by key count", labels, {{"slot", slot}},
              stats[i].keys);
  }
  if (master) HottestShare("keys", max_keys, keys, labels, out);
  for (const Counter& c : kCounters) {
    if (stats.empty() || !(stats.front().*c.metric)) continue;  // cluster-slot-stats-enabled no
    double sum = 0, max = 0;
    for (const auto& s : stats) {
      double v = (s.*c.metric).value_or(0);
      sum += v;
      max = std::max(max, v);
    }
    out.Counter(c.sum_name, std::string(c.help) + " the slots of the node's shard (CLUSTER SLOT-STATS)", labels,
                sum * c.scale);
    for (size_t i : TopSlots(stats, c.metric, top)) {
      slot = std::to_string(stats[i].slot);
      out.Counter(c.slot_name, std::string(c.help) + " the slot, for the node's top slots by it", labels,
                  {{"slot", slot}}, *(stats[i].*c.metric) * c.scale);
    }
    if (master) HottestShare(c.ratio_label, max, sum, labels, out);
  }
  return true;
}

}  // namespace rcs::exporter
