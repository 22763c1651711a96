#include "metric_set.h"

#include "text_format.h"

namespace rcs::exporter {

LabelSet::LabelSet(LabelPairs labels) {
  for (const auto& [k, v] : labels) Add(k, v);
}

void LabelSet::Add(std::string_view name, std::string_view value) { AppendLabel(text_, text_.empty(), name, value); }

MetricSet::MetricSet(std::string ns) : ns_(std::move(ns)) {
  families_.reserve(256);
  index_.reserve(256);
}

MetricSet::Family& MetricSet::Find(std::string_view suffix, std::string_view help, prometheus::MetricType type) {
  if (auto it = index_.find(suffix); it != index_.end()) return *it->second;
  auto f = std::make_unique<Family>();
  f->suffix = std::string(suffix);
  f->name.reserve(ns_.size() + 1 + suffix.size());
  f->name.append(ns_).append("_").append(suffix);
  f->help = std::string(help);
  f->type = type;
  Family* raw = f.get();
  families_.push_back(std::move(f));
  index_.emplace(raw->suffix, raw);
  return *raw;
}

void MetricSet::Head(std::string& out, const Family& f, std::string_view name_suffix, const LabelSet& labels,
                     LabelPairs extra, std::string_view last_name, std::string_view last_value) {
  out += f.name;
  out += name_suffix;
  if (!labels.empty() || extra.size() != 0 || !last_name.empty()) {
    out.push_back('{');
    out += labels.text();
    bool first = labels.empty();
    for (const auto& [k, v] : extra) {
      AppendLabel(out, first, k, v);
      first = false;
    }
    if (!last_name.empty()) AppendLabel(out, first, last_name, last_value);
    out.push_back('}');
  }
  out.push_back(' ');
}

void MetricSet::Sample(std::string_view suffix, std::string_view help, prometheus::MetricType type,
                       const LabelSet& labels, LabelPairs extra, double value) {
  Family& f = Find(suffix, help, type);
  const size_t before = f.body.size();
  Head(f.body, f, {}, labels, extra);
  AppendValue(f.body, value);
  f.body.push_back('\n');
  ++samples_;
  bytes_ += f.body.size() - before;
}

void MetricSet::Summary(std::string_view suffix, std::string_view help, const LabelSet& labels, LabelPairs extra,
                        uint64_t count, double sum, const std::vector<std::pair<double, double>>& quantiles) {
  Family& f = Find(suffix, help, prometheus::MetricType::Summary);
  const size_t before = f.body.size();
  Head(f.body, f, "_count", labels, extra);
  AppendValue(f.body, static_cast<double>(count));
  f.body.push_back('\n');
  Head(f.body, f, "_sum", labels, extra);
  AppendValue(f.body, sum);
  f.body.push_back('\n');
  std::string q;
  for (const auto& [quantile, value] : quantiles) {
    q.clear();
    AppendValue(q, quantile);
    Head(f.body, f, {}, labels, extra, "quantile", q);
    AppendValue(f.body, value);
    f.body.push_back('\n');
  }
  ++samples_;
  bytes_ += f.body.size() - before;
}

void MetricSet::Histogram(std::string_view suffix, std::string_view help, const LabelSet& labels,
                          const std::vector<double>& bounds, const std::vector<uint64_t>& cumulative,
                          std::optional<double> sum) {
  Family& f = Find(suffix, help, prometheus::MetricType::Histogram);
  const size_t before = f.body.size();
  Head(f.body, f, "_count", labels, {});
  AppendValue(f.body, static_cast<double>(cumulative.empty() ? 0 : cumulative.back()));
  f.body.push_back('\n');
  if (sum) {
    Head(f.body, f, "_sum", labels, {});
    AppendValue(f.body, *sum);
    f.body.push_back('\n');
  }
  std::string le;
  for (size_t i = 0; i < bounds.size() && i < cumulative.size(); ++i) {
    le.clear();
    AppendValue(le, bounds[i]);
    Head(f.body, f, "_bucket", labels, {}, "le", le);
    AppendValue(f.body, static_cast<double>(cumulative[i]));
    f.body.push_back('\n');
  }
  ++samples_;
  bytes_ += f.body.size() - before;
}

void MetricSet::Clear() {
  for (auto& f : families_) f->body.clear();
  samples_ = 0;
  bytes_ = 0;
}

std::string MetricSet::Serialize() const {
  std::string out;
  out.reserve(bytes_ + families_.size() * 160);
  for (const auto& f : families_) {
    if (f->body.empty()) continue;
    AppendFamilyHeader(out, f->name, f->help, f->type);
    out += f->body;
  }
  return out;
}

}  // namespace rcs::exporter
