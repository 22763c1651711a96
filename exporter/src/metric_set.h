#pragma once
// The metrics of one scrape, built fresh each time (so a node that left leaves no stale series) and grouped
// by name: the text format needs all samples of a family together, while collectors add them node by node.
// Families are prometheus-cpp's MetricFamily, serialized by prometheus-cpp's TextSerializer.
#include <prometheus/metric_family.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rcs::exporter {

using Labels = std::vector<prometheus::ClientMetric::Label>;

class MetricSet {
 public:
  explicit MetricSet(std::string ns) : ns_(std::move(ns)) { families_.reserve(256); }

  // Family "<namespace>_<suffix>", created on first use with this help and type.
  prometheus::MetricFamily& Family(std::string_view suffix, std::string_view help, prometheus::MetricType type);

  void Gauge(std::string_view suffix, std::string_view help, const Labels& labels, double value);
  void Counter(std::string_view suffix, std::string_view help, const Labels& labels, double value);
  // Base labels plus extra ones, without the caller building a new vector.
  void Gauge(std::string_view suffix, std::string_view help, const Labels& base,
             std::initializer_list<std::pair<std::string_view, std::string_view>> extra, double value);
  void Counter(std::string_view suffix, std::string_view help, const Labels& base,
               std::initializer_list<std::pair<std::string_view, std::string_view>> extra, double value);

  bool Has(std::string_view suffix) const { return index_.count(std::string(suffix)) != 0; }
  const std::string& ns() const { return ns_; }
  std::vector<prometheus::MetricFamily>& families() { return families_; }

  // Text exposition format 0.0.4.
  std::string Serialize() const;

 private:
  prometheus::ClientMetric& Add(std::string_view suffix, std::string_view help, prometheus::MetricType type,
                                const Labels& base,
                                std::initializer_list<std::pair<std::string_view, std::string_view>> extra);
  std::string ns_;
  std::vector<prometheus::MetricFamily> families_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace rcs::exporter
