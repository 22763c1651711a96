#include "collectors/field_table.h"

#include "info_parser.h"

namespace rcs::exporter {
namespace {

constexpr auto G = prometheus::MetricType::Gauge;
constexpr auto C = prometheus::MetricType::Counter;

// The rows are data, kept in their own files so that adding a metric is one line there.
constexpr FieldSpec kInfoFields[] = {
#include "collectors/info_fields.inc"
};

constexpr FieldSpec kClusterInfoFields[] = {
#include "collectors/cluster_info_fields.inc"
};

template <size_t N>
FieldIndex Index(const FieldSpec (&table)[N]) {
  FieldIndex m;
  for (const auto& f : table) m.emplace(f.field, &f);
  return m;
}

std::optional<double> Convert(const FieldSpec& f, std::string_view value) {
  switch (f.conv) {
    case Conv::kStatusOk: return value == "ok" ? 1.0 : 0.0;
    case Conv::kLinkUp: return value == "up" ? 1.0 : 0.0;
    case Conv::kUsec: {
      auto n = ParseNumber(value);
      if (!n) return std::nullopt;
      return *n / 1e6;
    }
    case Conv::kNumber: return ParseNumber(value);
  }
  return std::nullopt;
}

}  // namespace

const FieldIndex& InfoFieldIndex() {
  static const FieldIndex index = Index(kInfoFields);
  return index;
}

const FieldIndex& ClusterInfoFieldIndex() {
  static const FieldIndex index = Index(kClusterInfoFields);
  return index;
}

bool EmitTableField(const FieldIndex& index, std::string_view key, std::string_view value, const LabelSet& labels,
                    MetricSet& out) {
  auto [lo, hi] = index.equal_range(key);
  for (auto it = lo; it != hi; ++it) {
    const FieldSpec& f = *it->second;
    auto v = Convert(f, value);
    if (!v) continue;
    if (f.type == prometheus::MetricType::Counter) {
      out.Counter(f.suffix, f.help, labels, *v);
    } else {
      out.Gauge(f.suffix, f.help, labels, *v);
    }
  }
  return lo != hi;
}

}  // namespace rcs::exporter
