#include "metric_set.h"

#include <prometheus/text_serializer.h>

#include <sstream>

namespace rcs::exporter {

prometheus::MetricFamily& MetricSet::Family(std::string_view suffix, std::string_view help,
                                            prometheus::MetricType type) {
  auto [it, inserted] = index_.try_emplace(std::string(suffix), families_.size());
  if (inserted) {
    prometheus::MetricFamily f;
    f.name.reserve(ns_.size() + 1 + suffix.size());
    f.name.append(ns_).append("_").append(suffix);
    f.help = std::string(help);
    f.type = type;
    families_.push_back(std::move(f));
  }
  return families_[it->second];
}

prometheus::ClientMetric& MetricSet::Add(std::string_view suffix, std::string_view help, prometheus::MetricType type,
                                         const Labels& base,
                                         std::initializer_list<std::pair<std::string_view, std::string_view>> extra) {
  auto& fam = Family(suffix, help, type);
  auto& m = fam.metric.emplace_back();
  m.label.reserve(base.size() + extra.size());
  m.label = base;
  for (const auto& [k, v] : extra) m.label.push_back({std::string(k), std::string(v)});
  return m;
}

void MetricSet::Gauge(std::string_view suffix, std::string_view help, const Labels& labels, double value) {
  Add(suffix, help, prometheus::MetricType::Gauge, labels, {}).gauge.value = value;
}

void MetricSet::Counter(std::string_view suffix, std::string_view help, const Labels& labels, double value) {
  Add(suffix, help, prometheus::MetricType::Counter, labels, {}).counter.value = value;
}

void MetricSet::Gauge(std::string_view suffix, std::string_view help, const Labels& base,
                      std::initializer_list<std::pair<std::string_view, std::string_view>> extra, double value) {
  Add(suffix, help, prometheus::MetricType::Gauge, base, extra).gauge.value = value;
}

void MetricSet::Counter(std::string_view suffix, std::string_view help, const Labels& base,
                        std::initializer_list<std::pair<std::string_view, std::string_view>> extra, double value) {
  Add(suffix, help, prometheus::MetricType::Counter, base, extra).counter.value = value;
}

std::string MetricSet::Serialize() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families_);
  return std::move(out).str();
}

}  // namespace rcs::exporter
