#include <doctest/doctest.h>
#include <prometheus/text_serializer.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "fake_source.h"
#include "log.h"
#include "metric_set.h"
#include "scraper.h"

using namespace rcs::exporter;

namespace {
std::string Reference(const std::vector<prometheus::MetricFamily>& families) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
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

TEST_CASE("MetricSet groups samples by family in first-use order; Clear() forgets them") {
  MetricSet set("redis");
  set.Gauge("up", "u", LabelSet{{"addr", "a"}}, 1);
  set.Gauge("x", "x", LabelSet{{"addr", "a"}}, 2);
  set.Gauge("up", "u", LabelSet{{"addr", "b"}}, 0);
  CHECK(set.Serialize() ==
        "# HELP redis_up u\n# TYPE redis_up gauge\nredis_up{addr=\"a\"} 1\nredis_up{addr=\"b\"} 0\n"
        "# HELP redis_x x\n# TYPE redis_x gauge\nredis_x{addr=\"a\"} 2\n");
  set.Clear();
  CHECK(set.samples() == 0);
  set.Gauge("x", "x", LabelSet{}, 3);
  CHECK(set.Serialize() == "# HELP redis_x x\n# TYPE redis_x gauge\nredis_x 3\n");
}

namespace {

// Reads an exposition back into prometheus-cpp families (the kinds this exporter serves: gauges, counters,
// summaries, and the registry's histogram), so that TextSerializer can write the same families again.
class ExpositionReader {
 public:
  explicit ExpositionReader(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    std::string help;
    while (std::getline(in, line)) {
      if (line.rfind("# HELP ", 0) == 0) {
        const size_t sp = line.find(' ', 7);
        help = line.substr(sp + 1);
      } else if (line.rfind("# TYPE ", 0) == 0) {
        const size_t sp = line.find(' ', 7);
        auto& f = families.emplace_back();
        f.name = line.substr(7, sp - 7);
        f.help = help;
        f.type = TypeOf(line.substr(sp + 1));
        help.clear();
      } else {
        REQUIRE_MESSAGE(!families.empty(), line);
        Sample(families.back(), line);
      }
    }
  }

  std::vector<prometheus::MetricFamily> families;

 private:
  static prometheus::MetricType TypeOf(const std::string& t) {
    if (t == "counter") return prometheus::MetricType::Counter;
    if (t == "gauge") return prometheus::MetricType::Gauge;
    if (t == "summary") return prometheus::MetricType::Summary;
    if (t == "histogram") return prometheus::MetricType::Histogram;
    return prometheus::MetricType::Untyped;
  }

  // name{a="x",b="y"} value
  static void Sample(prometheus::MetricFamily& f, const std::string& line) {
    size_t i = line.find_first_of("{ ");
    const std::string name = line.substr(0, i);
    std::vector<prometheus::ClientMetric::Label> labels;
    std::string special;  // the value of "quantile" or "le"
    if (line[i] == '{') {
      ++i;
      while (line[i] != '}') {
        const size_t eq = line.find('=', i);
        prometheus::ClientMetric::Label l{line.substr(i, eq - i), ""};
        i = eq + 2;  // past ="
        for (; line[i] != '"'; ++i) {
          if (line[i] == '\\') {
            ++i;
            l.value.push_back(line[i] == 'n' ? '\n' : line[i]);
          } else {
            l.value.push_back(line[i]);
          }
        }
        ++i;  // past the closing quote
        if (line[i] == ',') ++i;
        if (l.name == "quantile" || l.name == "le") {
          special = l.value;
        } else {
          labels.push_back(std::move(l));
        }
      }
      ++i;
    }
    const std::string value = line.substr(i + 1);
    const double v = std::strtod(value.c_str(), nullptr);
    const auto count = static_cast<std::uint64_t>(std::strtoull(value.c_str(), nullptr, 10));
    const std::string suffix = name.substr(f.name.size());
    REQUIRE_MESSAGE(name.rfind(f.name, 0) == 0, line);
    using prometheus::MetricType;
    if (f.type == MetricType::Summary || f.type == MetricType::Histogram) {
      if (suffix == "_count") {
        auto& m = f.metric.emplace_back();
        m.label = std::move(labels);
        (f.type == MetricType::Summary ? m.summary.sample_count : m.histogram.sample_count) = count;
        return;
      }
      REQUIRE_MESSAGE(!f.metric.empty(), line);
      auto& m = f.metric.back();
      CHECK_MESSAGE(m.label == labels, line);
      if (suffix == "_sum") {
        (f.type == MetricType::Summary ? m.summary.sample_sum : m.histogram.sample_sum) = v;
      } else if (f.type == MetricType::Summary) {
        m.summary.quantile.push_back({std::strtod(special.c_str(), nullptr), v});
      } else {
        m.histogram.bucket.push_back({count, std::strtod(special.c_str(), nullptr)});
      }
      return;
    }
    CHECK_MESSAGE(suffix.empty(), line);
    auto& m = f.metric.emplace_back();
    m.label = std::move(labels);
    if (f.type == MetricType::Counter) {
      m.counter.value = v;
    } else if (f.type == MetricType::Gauge) {
      m.gauge.value = v;
    } else {
      m.untyped.value = v;
    }
  }
};

}  // namespace

// The guard against drift between the fast writer and prometheus-cpp: everything the exporter serves, read
// back into families and written again by TextSerializer, is the same text to the byte.
TEST_CASE("a whole scrape is byte for byte what TextSerializer writes for the same families") {
  Log().set_quiet(true);
  rcs::exporter::testing::FakeCluster f = rcs::exporter::testing::FakeCluster::SixNodes();
  Config c;
  std::string err;
  c.seeds.push_back(*ParseRedisUri("redis://127.0.0.1:21000", &err));
  c.password = "pw";
  ClusterScraper scraper(c, f);
  scraper.Scrape();
  const std::string text = scraper.Scrape();
  ExpositionReader cluster(text);
  CHECK(cluster.families.size() > 100);
  CHECK(Reference(cluster.families) == text);

  const std::string single = ScrapeSingleTarget(c, f, *ParseRedisUri("redis://127.0.0.1:21001", &err));
  ExpositionReader one(single);
  CHECK(one.families.size() > 50);
  CHECK(Reference(one.families) == single);
  Log().set_quiet(false);
}
