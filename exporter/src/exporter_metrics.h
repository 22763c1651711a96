// The exporter's own metrics (<namespace>_exporter_*): how scraping went, not what the nodes said. One writer
// for both endpoints, through MetricSet like the node series:
//   /metrics            ExporterMetrics keeps what lives across scrapes (scrape count, the duration
//                       histogram, errors per node) and writes the whole set after each scrape;
//   /scrape?target=     keeps no state and writes only the per-scrape pair (error, duration) with
//                       WriteLastScrape, the function ExporterMetrics writes that pair with too.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "collectors/collector.h"
#include "metric_set.h"

namespace rcs::exporter {

// What "this scrape" covered: the whole cluster (/metrics) or one target (/scrape). The pair's HELP text says
// which, since an error means something different for each.
enum class ScrapeScope { kCluster, kTarget };

// <ns>_exporter_last_scrape_error and <ns>_exporter_last_scrape_duration_seconds.
void WriteLastScrape(ScrapeScope scope, bool error, double seconds, MetricSet& out);

struct CollectorRun {
  const char* name;
  bool ok;  // the collector's source was usable
  double seconds;
};

// One whole-cluster scrape, as its own metrics report it.
struct ScrapeReport {
  bool error = false;  // a node, or every seed, could not be read
  double seconds = 0;  // before serialization
  size_t nodes = 0;    // nodes the scrape reported on
  std::vector<CollectorRun> collectors;
};

class ExporterMetrics {
 public:
  ExporterMetrics();
  // Counts the scrape, its duration, and per node whether it could be read; nodes no longer in `nodes` are
  // forgotten (their error counter goes away with them).
  void Record(const ScrapeReport& report, const std::vector<NodeScrape>& nodes);
  // Every <ns>_exporter_* family of /metrics, after Record() of the same scrape.
  void Write(const ScrapeReport& report, MetricSet& out) const;

 private:
  double scrapes_ = 0;
  std::vector<uint64_t> duration_buckets_;  // observations per bucket of kDurationBounds (not cumulative)
  double duration_sum_ = 0;
  std::map<std::string, double> node_errors_;  // by addr
};

}  // namespace rcs::exporter
