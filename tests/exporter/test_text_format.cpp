#include <doctest/doctest.h>
#include <prometheus/text_serializer.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "metric_set.h"
#include "text_format.h"

using namespace rcs::exporter;

namespace {
std::string Reference(const std::vector<prometheus::MetricFamily>& families) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}
std::string Ours(const std::vector<prometheus::MetricFamily>& families) {
  std::string out;
  AppendExposition(out, families);
  return out;
}

const double kValues[] = {0,     -0.0,  1,    -1,      0.1,      1.0 / 3, 1e-7, 123456789012345.0, 1e15, 1e16,
                          1e20,  2.5e-300,  1795539896.05162, -42.125, 4.521528e+06,
                          std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                          std::nan("")};
const char* const kNasty = "quote\" back\\slash new\nline";

prometheus::ClientMetric::Label L(std::string n, std::string v) { return {std::move(n), std::move(v)}; }

// The families MetricSet is asked to write in "MetricSet writes what TextSerializer writes".
std::vector<prometheus::MetricFamily> ExpectedFamilies() {
  std::vector<prometheus::MetricFamily> fams(3);
  fams[0].name = "t_g";
  fams[0].help = "a gauge";
  fams[0].type = prometheus::MetricType::Gauge;
  for (double v : kValues) {
    auto& m = fams[0].metric.emplace_back();
    m.label = {L("addr", "127.0.0.1:1"), L("v", "x")};
    m.gauge.value = v;
  }
  fams[1].name = "t_c_total";
  fams[1].help = "help";
  fams[1].type = prometheus::MetricType::Counter;
  auto& c = fams[1].metric.emplace_back();
  c.label = {L("a", kNasty), L("b", "")};
  c.counter.value = 7;
  auto& c2 = fams[1].metric.emplace_back();
  c2.counter.value = 8;
  fams[2].name = "t_s";
  fams[2].help = "summary";
  fams[2].type = prometheus::MetricType::Summary;
  auto& s = fams[2].metric.emplace_back();
  s.label = {L("addr", "127.0.0.1:1"), L("cmd", "cluster|info")};
  s.summary.sample_count = 10;
  s.summary.sample_sum = 0.25;
  s.summary.quantile = {{0.5, 1e-6}, {0.99, 0.000123}, {0.999, 2}};
  return fams;
}
}  // namespace

TEST_CASE("AppendExposition writes what prometheus-cpp's TextSerializer writes") {
  auto fams = ExpectedFamilies();
  auto& h = fams.emplace_back();
  h.name = "t_h";
  h.help = "hist";
  h.type = prometheus::MetricType::Histogram;
  auto& hm = h.metric.emplace_back();
  hm.histogram.sample_count = 4;
  hm.histogram.sample_sum = 0.0123;
  hm.histogram.bucket = {{1, 0.001}, {3, 0.0025}, {4, 1}};
  auto& hm2 = h.metric.emplace_back();
  hm2.label = {L("x", "y")};
  hm2.histogram.sample_count = 1;
  hm2.histogram.bucket = {{1, std::numeric_limits<double>::infinity()}};
  auto& u = fams.emplace_back();
  u.name = "t_u";
  u.type = prometheus::MetricType::Untyped;
  auto& um = u.metric.emplace_back();
  um.untyped.value = 3.5;
  um.timestamp_ms = 1700000000123;
  CHECK(Ours(fams) == Reference(fams));
}

TEST_CASE("MetricSet writes what TextSerializer writes for the same samples") {
  MetricSet set("t");
  LabelSet node{{"addr", "127.0.0.1:1"}};
  for (double v : kValues) set.Gauge("g", "a gauge", node, {{"v", "x"}}, v);
  set.Counter("c_total", "help", LabelSet{{"a", kNasty}, {"b", ""}}, 7);
  set.Counter("c_total", "help", LabelSet{}, 8);
  set.Summary("s", "summary", node, {{"cmd", "cluster|info"}}, 10, 0.25, {{0.5, 1e-6}, {0.99, 0.000123}, {0.999, 2}});
  CHECK(set.samples() == std::size(kValues) + 3);
  CHECK(set.Has("g"));
  CHECK_FALSE(set.Has("nope"));
  CHECK(set.Serialize() == Reference(ExpectedFamilies()));
}

TEST_CASE("MetricSet groups samples by family in first-use order and appends registry families last") {
  MetricSet set("redis");
  set.Gauge("up", "u", LabelSet{{"addr", "a"}}, 1);
  set.Gauge("x", "x", LabelSet{{"addr", "a"}}, 2);
  set.Gauge("up", "u", LabelSet{{"addr", "b"}}, 0);
  std::vector<prometheus::MetricFamily> own(1);
  own[0].name = "redis_exporter_scrapes_total";
  own[0].help = "s";
  own[0].type = prometheus::MetricType::Counter;
  own[0].metric.emplace_back().counter.value = 3;
  set.Append(own);
  CHECK(set.Serialize() ==
        "# HELP redis_up u\n# TYPE redis_up gauge\nredis_up{addr=\"a\"} 1\nredis_up{addr=\"b\"} 0\n"
        "# HELP redis_x x\n# TYPE redis_x gauge\nredis_x{addr=\"a\"} 2\n"
        "# HELP redis_exporter_scrapes_total s\n# TYPE redis_exporter_scrapes_total counter\n"
        "redis_exporter_scrapes_total 3\n");
}
