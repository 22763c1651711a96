// The pieces of the text exposition format 0.0.4 that MetricSet writes a scrape with, straight into one
// std::string.
//
// Why not prometheus::TextSerializer for the scrape: it writes through std::ostream one character at a time
// (label values are escaped char by char with operator<<), which was ~55% of the exporter's CPU per scrape in
// perf (six nodes, ~1800 samples, 260 KB). These produce byte-for-byte the text of prometheus-cpp 1.0.1's
// TextSerializer (unit tests compare the two, on edge values and on a whole scrape) at a fraction of the
// cost: values are formatted with std::to_chars (as printf "%.16g", the precision TextSerializer sets),
// integers without going through floating-point formatting.
#pragma once
#include <prometheus/metric_type.h>

#include <string>
#include <string_view>

namespace rcs::exporter {

void AppendValue(std::string& out, double v);                      // as TextSerializer prints a double
void AppendLabelValue(std::string& out, std::string_view value);   // escapes \, " and newline
// `name="escaped value"`, preceded by ',' unless it is the first label of the sample.
void AppendLabel(std::string& out, bool first, std::string_view name, std::string_view value);
// The "# HELP" line (when help is not empty) and the "# TYPE" line of a family.
void AppendFamilyHeader(std::string& out, std::string_view name, std::string_view help, prometheus::MetricType type);

}  // namespace rcs::exporter
