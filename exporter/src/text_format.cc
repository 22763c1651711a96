#include "text_format.h"

#include <charconv>
#include <cmath>

namespace rcs::exporter {

using prometheus::MetricType;

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

}  // namespace rcs::exporter
