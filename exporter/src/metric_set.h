// The metrics of one scrape, built fresh each time (so a node that left leaves no stale series) and grouped
// by name: the text format needs all samples of a family together, while collectors add them node by node.
//
// Samples are written straight into one text buffer per family instead of being kept as prometheus-cpp
// ClientMetric objects: a six-node scrape has ~1800 samples, and building them as objects (a label vector of
// heap strings per sample) then serializing them cost more CPU and memory than everything else in a scrape.
// A node's identifying labels are rendered and escaped once (LabelSet) and reused for all its samples. The
// exporter's own metrics are written through a MetricSet too (exporter_metrics.h), so every endpoint has one
// writer.
#pragma once
#include <prometheus/metric_type.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rcs::exporter {

using LabelPairs = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Labels rendered once as `name="escaped value",...`.
class LabelSet {
 public:
  LabelSet() = default;
  LabelSet(LabelPairs labels);
  void Add(std::string_view name, std::string_view value);
  const std::string& text() const { return text_; }
  bool empty() const { return text_.empty(); }

 private:
  std::string text_;
};

class MetricSet {
 public:
  explicit MetricSet(std::string ns);

  void Gauge(std::string_view suffix, std::string_view help, const LabelSet& labels, double value) {
    Sample(suffix, help, prometheus::MetricType::Gauge, labels, {}, value);
  }
  void Gauge(std::string_view suffix, std::string_view help, const LabelSet& labels, LabelPairs extra, double value) {
    Sample(suffix, help, prometheus::MetricType::Gauge, labels, extra, value);
  }
  void Counter(std::string_view suffix, std::string_view help, const LabelSet& labels, double value) {
    Sample(suffix, help, prometheus::MetricType::Counter, labels, {}, value);
  }
  void Counter(std::string_view suffix, std::string_view help, const LabelSet& labels, LabelPairs extra,
               double value) {
    Sample(suffix, help, prometheus::MetricType::Counter, labels, extra, value);
  }
  // A summary with precomputed quantiles (quantile, value).
  void Summary(std::string_view suffix, std::string_view help, const LabelSet& labels, LabelPairs extra,
               uint64_t count, double sum, const std::vector<std::pair<double, double>>& quantiles);
  // A histogram: `bounds` are the buckets' upper bounds, the last one +Inf; `cumulative[i]` counts the
  // observations <= bounds[i], so the last one is the count of all. No `_sum` line when the sum is unknown.
  void Histogram(std::string_view suffix, std::string_view help, const LabelSet& labels,
                 const std::vector<double>& bounds, const std::vector<uint64_t>& cumulative,
                 std::optional<double> sum);
  bool Has(std::string_view suffix) const { return index_.count(suffix) != 0; }
  size_t samples() const { return samples_; }
  const std::string& ns() const { return ns_; }

  // Text exposition format 0.0.4 (the same text prometheus-cpp's TextSerializer writes). Families that got no
  // sample since the last Clear() are left out.
  std::string Serialize() const;

  // Forgets all samples but keeps each family's buffer capacity, so a scraper that reuses one MetricSet does
  // not regrow ~130 buffers every scrape.
  void Clear();

 private:
  struct Family {
    std::string suffix;  // key of index_ (views into it)
    std::string name;    // "<ns>_<suffix>"
    std::string help;
    prometheus::MetricType type;
    std::string body;  // sample lines
  };
  Family& Find(std::string_view suffix, std::string_view help, prometheus::MetricType type);
  void Head(std::string& out, const Family& f, std::string_view name_suffix, const LabelSet& labels, LabelPairs extra,
            std::string_view last_name = {}, std::string_view last_value = {});
  void Sample(std::string_view suffix, std::string_view help, prometheus::MetricType type, const LabelSet& labels,
              LabelPairs extra, double value);

  std::string ns_;
  std::vector<std::unique_ptr<Family>> families_;
  std::unordered_map<std::string_view, Family*> index_;
  size_t samples_ = 0;
  size_t bytes_ = 0;
};

}  // namespace rcs::exporter
