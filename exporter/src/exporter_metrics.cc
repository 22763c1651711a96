#include "exporter_metrics.h"

#include <algorithm>
#include <limits>

#include "build_info.h"

namespace rcs::exporter {
namespace {

// Upper bounds of the scrape duration histogram's buckets, in seconds; the last is +Inf.
const std::vector<double> kDurationBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                             1,     2.5,    5,     10,   std::numeric_limits<double>::infinity()};

}  // namespace

void WriteLastScrape(ScrapeScope scope, bool error, double seconds, MetricSet& out) {
  const bool cluster = scope == ScrapeScope::kCluster;
  out.Gauge("exporter_last_scrape_error",
            cluster ? "1 when a node or every seed could not be read this scrape" : "1 when the target could not be read",
            {}, error ? 1 : 0);
  out.Gauge("exporter_last_scrape_duration_seconds",
            cluster ? "Duration of this scrape (before serialization)" : "Duration of this scrape", {}, seconds);
}

ExporterMetrics::ExporterMetrics() : duration_buckets_(kDurationBounds.size(), 0) {}

void ExporterMetrics::Record(const ScrapeReport& report, const std::vector<NodeScrape>& nodes) {
  scrapes_ += 1;
  // A value on a bound belongs to that bucket (le: less than or equal).
  const auto bucket = std::lower_bound(kDurationBounds.begin(), kDurationBounds.end(), report.seconds);
  ++duration_buckets_[std::min<size_t>(bucket - kDurationBounds.begin(), kDurationBounds.size() - 1)];
  duration_sum_ += report.seconds;

  std::map<std::string, double> errors;
  for (const auto& n : nodes) {
    auto prev = node_errors_.find(n.addr);
    auto [it, fresh] = errors.try_emplace(n.addr, prev == node_errors_.end() ? 0 : prev->second);
    if (!n.up) it->second += 1;
  }
  node_errors_ = std::move(errors);
}

void ExporterMetrics::Write(const ScrapeReport& report, MetricSet& out) const {
  out.Counter("exporter_scrapes_total", "Scrapes of the cluster", {}, scrapes_);
  for (const auto& [addr, errors] : node_errors_) {
    out.Counter("exporter_node_scrape_errors_total", "Scrapes in which the node could not be read", {},
                {{"addr", addr}}, errors);
  }
  WriteLastScrape(ScrapeScope::kCluster, report.error, report.seconds, out);
  out.Gauge("exporter_nodes_discovered", "Nodes this scrape reported on", {}, static_cast<double>(report.nodes));
  for (const auto& c : report.collectors) {
    out.Gauge("exporter_collector_success", "1 when the collector's source was usable this scrape", {},
              {{"collector", c.name}}, c.ok ? 1 : 0);
  }
  for (const auto& c : report.collectors) {
    out.Gauge("exporter_collector_duration_seconds", "Time the collector took this scrape", {},
              {{"collector", c.name}}, c.seconds);
  }
  out.Gauge("exporter_build_info", "Exporter build (always 1)", {},
            {{"commit", kCommit}, {"compiler", __VERSION__}, {"version", kVersion}}, 1);
  std::vector<uint64_t> cumulative(duration_buckets_.size());
  uint64_t running = 0;
  for (size_t i = 0; i < duration_buckets_.size(); ++i) cumulative[i] = running += duration_buckets_[i];
  out.Histogram("exporter_scrape_duration_seconds", "Durations of scrapes", {}, kDurationBounds, cumulative,
                duration_sum_);
}

}  // namespace rcs::exporter
