#include "text_format.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace rcs::exporter {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

}  // namespace

void AppendValue(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "Nan";
    return;
  }
  if (std::isinf(v)) {
    out += v < 0 ? "-Inf" : "+Inf";
    return;
  }
  char buf[64];
  // Integral values below 2^53 print exactly as integers under %.16g only up to 16 digits; stay within that.
  if (v == std::trunc(v) && std::fabs(v) < 1e15) {
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    if (v == 0 && std::signbit(v)) {
      out += "-0";
      return;
    }
    out.append(buf, p);
    return;
  }
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 16);
  out.append(buf, p);
}

void AppendLabelValue(std::string& out, std::string_view value) {
  size_t start = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\' || c == '"' || c == '\n') {
      out.append(value.substr(start, i - start));
      out += c == '\n' ? "\\n" : (c == '"' ? "\\\"" : "\\\\");
      start = i + 1;
    }
  }
  out.append(value.substr(start));
}

void AppendLabel(std::string& out, bool first, std::string_view name, std::string_view value) {
  if (!first) out.push_back(',');
  out.append(name);
  out.append("=\"");
  AppendLabelValue(out, value);
  out.push_back('"');
}

void AppendFamilyHeader(std::string& out, std::string_view name, std::string_view help, MetricType type) {
  if (!help.empty()) {
    out += "# HELP ";
    out += name;
    out.push_back(' ');
    out += help;
    out.push_back('\n');
  }
  out += "# TYPE ";
  out += name;
  switch (type) {
    case MetricType::Counter: out += " counter\n"; break;
    case MetricType::Gauge: out += " gauge\n"; break;
    case MetricType::Summary: out += " summary\n"; break;
    case MetricType::Untyped: out += " untyped\n"; break;
    case MetricType::Histogram: out += " histogram\n"; break;
  }
}

namespace {

void AppendDouble(std::string& out, double v) { AppendValue(out, v); }

void AppendUnsigned(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, p);
}

// name{labels[,extra="..."]}<space>
void AppendHead(std::string& out, const MetricFamily& family, const ClientMetric& metric, const char* suffix = "",
                const char* extra_name = nullptr, const std::string* extra_value = nullptr) {
  out += family.name;
  out += suffix;
  if (!metric.label.empty() || extra_name) {
    out.push_back('{');
    bool first = true;
    for (const auto& l : metric.label) {
      AppendLabel(out, first, l.name, l.value);
      first = false;
    }
    if (extra_name) AppendLabel(out, first, extra_name, *extra_value);
    out.push_back('}');
  }
  out.push_back(' ');
}

void AppendTail(std::string& out, const ClientMetric& metric) {
  if (metric.timestamp_ms != 0) {
    out.push_back(' ');
    char buf[24];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, metric.timestamp_ms);
    out.append(buf, p);
  }
  out.push_back('\n');
}

std::string DoubleString(double v) {
  std::string s;
  AppendDouble(s, v);
  return s;
}

}  // namespace

void AppendExposition(std::string& out, const std::vector<MetricFamily>& families) {
  for (const auto& f : families) {
    AppendFamilyHeader(out, f.name, f.help, f.type);
    for (const auto& m : f.metric) {
      switch (f.type) {
        case MetricType::Counter:
          AppendHead(out, f, m);
          AppendDouble(out, m.counter.value);
          AppendTail(out, m);
          break;
        case MetricType::Gauge:
          AppendHead(out, f, m);
          AppendDouble(out, m.gauge.value);
          AppendTail(out, m);
          break;
        case MetricType::Untyped:
          AppendHead(out, f, m);
          AppendDouble(out, m.untyped.value);
          AppendTail(out, m);
          break;
        case MetricType::Summary: {
          AppendHead(out, f, m, "_count");
          AppendUnsigned(out, m.summary.sample_count);
          AppendTail(out, m);
          AppendHead(out, f, m, "_sum");
          AppendDouble(out, m.summary.sample_sum);
          AppendTail(out, m);
          for (const auto& q : m.summary.quantile) {
            const std::string qs = DoubleString(q.quantile);
            AppendHead(out, f, m, "", "quantile", &qs);
            AppendDouble(out, q.value);
            AppendTail(out, m);
          }
          break;
        }
        case MetricType::Histogram: {
          AppendHead(out, f, m, "_count");
          AppendUnsigned(out, m.histogram.sample_count);
          AppendTail(out, m);
          AppendHead(out, f, m, "_sum");
          AppendDouble(out, m.histogram.sample_sum);
          AppendTail(out, m);
          double last = -std::numeric_limits<double>::infinity();
          for (const auto& b : m.histogram.bucket) {
            const std::string le = DoubleString(b.upper_bound);
            AppendHead(out, f, m, "_bucket", "le", &le);
            AppendUnsigned(out, b.cumulative_count);
            AppendTail(out, m);
            last = b.upper_bound;
          }
          if (last != std::numeric_limits<double>::infinity()) {
            const std::string inf = "+Inf";
            AppendHead(out, f, m, "_bucket", "le", &inf);
            AppendUnsigned(out, m.histogram.sample_count);
            AppendTail(out, m);
          }
          break;
        }
      }
    }
  }
}

}  // namespace rcs::exporter
