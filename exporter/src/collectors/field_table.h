// INFO-style `key:value` fields exported one to one: the tables (info_fields.inc, cluster_info_fields.inc)
// and how a row turns a field's text into a sample. Shared by InfoCollector and ClusterInfoCollector.
#pragma once
#include <prometheus/metric_type.h>

#include <optional>
#include <string_view>
#include <unordered_map>

#include "metric_set.h"

namespace rcs::exporter {

enum class Conv {
  kNumber,    // the value as is
  kStatusOk,  // "ok" -> 1, anything else -> 0
  kLinkUp,    // "up" -> 1, anything else -> 0
  kUsec,      // microseconds -> seconds
};

struct FieldSpec {
  std::string_view field;   // INFO / CLUSTER INFO key
  std::string_view suffix;  // metric name after "<namespace>_"
  prometheus::MetricType type;
  Conv conv;
  std::string_view help;
};

// Rows by field; a field may feed more than one metric (maxmemory does).
using FieldIndex = std::unordered_multimap<std::string_view, const FieldSpec*>;
const FieldIndex& InfoFieldIndex();
const FieldIndex& ClusterInfoFieldIndex();

// Adds the samples of every row for this field; returns false when no row names the field.
bool EmitTableField(const FieldIndex& index, std::string_view key, std::string_view value, const LabelSet& labels,
                    MetricSet& out);

}  // namespace rcs::exporter
