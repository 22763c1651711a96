#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "base/latency_histogram.h"
#include "harness.h"
#include "server/latency_monitor.h"

using namespace rcs;
using rcs::test::TestNode;

namespace {

std::vector<std::pair<int64_t, uint64_t>> Steps(const LatencyHistogram& h) {
  std::vector<std::pair<int64_t, uint64_t>> out;
  uint64_t prev = 0;
  h.ForEachLogStep(1024, [&](int64_t v, uint64_t c) {
    if (c > prev) out.emplace_back(v / 1000, c);
    prev = c;
  });
  return out;
}

}  // namespace

TEST_CASE("latency histogram slots: HDR's layout with 2 significant figures from 1 ns") {
  // Bucket 0 counts 0..255 one by one; each next bucket doubles the step.
  CHECK(LatencyHistogram::SlotOf(0) == 0);
  CHECK(LatencyHistogram::SlotOf(255) == 255);
  CHECK(LatencyHistogram::SlotOf(256) == 256);
  CHECK(LatencyHistogram::SlotOf(257) == 256);  // step 2
  CHECK(LatencyHistogram::SlotOf(511) == 383);
  CHECK(LatencyHistogram::SlotOf(512) == 384);
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{255}, int64_t{256}, int64_t{1000}, int64_t{1023},
                    int64_t{1024}, int64_t{52223}, int64_t{999999}, int64_t{1000000000}}) {
    int slot = LatencyHistogram::SlotOf(v);
    CHECK(LatencyHistogram::ValueAtSlot(slot) == LatencyHistogram::LowestEquivalent(v));
    CHECK(LatencyHistogram::LowestEquivalent(v) <= v);
    CHECK(v <= LatencyHistogram::HighestEquivalent(v));
  }
  // 1 µs (1000 ns) falls in [1000, 1003]: redis-server prints p50=1.003 for a 1 µs command.
  CHECK(LatencyHistogram::LowestEquivalent(1000) == 1000);
  CHECK(LatencyHistogram::HighestEquivalent(1000) == 1003);
  // 52 µs in [52224 - 256, 52223]... step 256 above 32768: 52000 -> [51968, 52223] (redis-server's 52.223).
  CHECK(LatencyHistogram::HighestEquivalent(52000) == 52223);
  CHECK(LatencyHistogram::SlotOf(1000000000) < LatencyHistogram::kCounts);
}

TEST_CASE("latency histogram percentiles as hdr_value_at_percentile") {
  LatencyHistogram h;
  CHECK(h.ValueAtPercentile(50) == 0);
  h.Record(1000);
  CHECK(h.total() == 1);
  CHECK(h.ValueAtPercentile(50) == 1003);
  CHECK(h.ValueAtPercentile(99.9) == 1003);
  CHECK(h.ValueAtPercentile(0) == 1000);  // p0 is the lowest equivalent value
  for (int i = 0; i < 98; i++) h.Record(2000);
  h.Record(1000000);
  // 100 values: p50 is the 50th (2000 -> 2007), p99 the 99th (2007), p99.9 rounds to the 100th (1 ms).
  CHECK(h.ValueAtPercentile(50) == 2007);
  CHECK(h.ValueAtPercentile(99) == 2007);
  CHECK(h.ValueAtPercentile(99.9) == LatencyHistogram::HighestEquivalent(1000000));
  CHECK(h.ValueAtPercentile(100) == LatencyHistogram::HighestEquivalent(1000000));
  // Clamped to [1 ns, 1 s].
  LatencyHistogram c;
  c.Record(0);
  c.Record(5000000000);
  CHECK(c.ValueAtPercentile(1) == 1);
  CHECK(c.ValueAtPercentile(100) == LatencyHistogram::HighestEquivalent(1000000000));
}

TEST_CASE("latency histogram power-of-two steps as LATENCY HISTOGRAM reports them") {
  LatencyHistogram h;
  h.Record(52000);  // a 52 µs call: redis-server reports it under 66 (the 65536 ns step's slot, 66047 ns)
  CHECK(Steps(h) == std::vector<std::pair<int64_t, uint64_t>>{{66, 1}});
  LatencyHistogram g;
  g.Record(3000);   // a 3 µs call: the 4096 ns step -> 4
  CHECK(Steps(g) == std::vector<std::pair<int64_t, uint64_t>>{{4, 1}});
  g.Record(500);    // under the first step: reported at 1024 -> 1
  g.Record(3000);
  g.Record(900000);
  // 0.9 ms: the first slot at or past the 1048576 ns step is [1048576, 1056767] -> 1056.
  CHECK(Steps(g) == std::vector<std::pair<int64_t, uint64_t>>{{1, 1}, {4, 3}, {1056, 4}});
  LatencyHistogram top;
  top.Record(2000000000);  // clamped to 1 s, past the last step that fits: the walk ends at the last slot
  auto s = Steps(top);
  REQUIRE(s.size() == 1);
  CHECK(s[0].second == 1);
  CHECK(s[0].first == LatencyHistogram::HighestEquivalent(LatencyHistogram::ValueAtSlot(LatencyHistogram::kCounts - 1)) / 1000);
}

TEST_CASE("latency monitor: one sample per second, the worst; 160 kept; reset") {
  LatencyMonitor m;
  m.AddIfNeeded("command", 5, 0, 100);  // threshold 0: off
  CHECK(m.events().empty());
  m.AddIfNeeded("command", 5, 10, 100);  // under the threshold
  CHECK(m.events().empty());
  m.AddIfNeeded("command", 12, 10, 100);
  m.AddIfNeeded("command", 30, 10, 100);  // same second: the worst stays
  m.AddIfNeeded("command", 11, 10, 100);
  m.AddIfNeeded("fork", 20, 10, 101);
  m.AddIfNeeded("command", 15, 10, 102);
  REQUIRE(m.events().size() == 2);
  CHECK(m.events()[0].first == "command");
  const auto* s = m.Find("command");
  REQUIRE(s != nullptr);
  CHECK(s->latest().time == 102);
  CHECK(s->latest().latency == 15);
  CHECK(s->max == 30);
  auto h = s->History();
  REQUIRE(h.size() == 2);
  CHECK(h[0].time == 100);
  CHECK(h[0].latency == 30);
  auto st = LatencyMonitor::Analyze(*s, 110);
  CHECK(st.samples == 2);
  CHECK(st.avg == 22);
  CHECK(st.mad == 7);
  CHECK(st.period == 10);
  CHECK(m.Find("COMMAND") == nullptr);  // lookups are case-sensitive
  for (int i = 0; i < 200; i++) m.Add("command", i, 1000 + i);
  CHECK(m.Find("command")->History().size() == LatencyMonitor::kSamples);
  CHECK(m.Find("command")->History().front().time == 1000 + 200 - LatencyMonitor::kSamples);
  CHECK(m.Reset("FORK") == 1);  // resets match case-insensitively
  CHECK(m.Reset("nothing") == 0);
  CHECK(m.Reset("") == 1);
  CHECK(m.events().empty());
}

TEST_CASE("latency graph: header, rule, bars and labels") {
  LatencyMonitor m;
  m.Add("command", 10, 100);
  m.Add("command", 40, 130);
  std::string g = RenderLatencyGraph("command", *m.Find("command"), 160);
  CHECK(g.starts_with("command - high 40 ms, low 10 ms (all time high 40 ms)\n" + std::string(80, '-') + "\n"));
  // Two columns: 10 ms (one row) 60 s ago, 40 ms (all four rows) 30 s ago; labels "1m" and "30s" downwards.
  CHECK(g.ends_with(" _\n |\n |\n_|\n13\nm0\n s\n"));
}

TEST_CASE("LATENCY and INFO latencystats on a node") {
  TestNode n;
  CHECK(n.Do("SET a b") == "OK");
  CHECK(n.Do("GET a") == "\"b\"");
  std::string info = n.Do("INFO latencystats");
  CHECK(info.find("# Latencystats") != std::string::npos);
  CHECK(info.find("latency_percentiles_usec_set:p50=0.001,p99=0.001,p99.9=0.001") != std::string::npos);
  CHECK(info.find("latency_percentiles_usec_get:") != std::string::npos);
  CHECK(n.Do("CONFIG SET latency-tracking-info-percentiles \"50 99.99 12.5\"") == "OK");
  CHECK(n.Do("INFO latencystats").find("latency_percentiles_usec_set:p50=0.001,p99.99=0.001,p12.5=0.001") !=
        std::string::npos);
  CHECK(n.Do("CONFIG GET latency-tracking-info-percentiles") ==
        "[\"latency-tracking-info-percentiles\", \"50 99.99 12.5\"]");
  CHECK(n.Do("LATENCY HISTOGRAM set nosuch").find("\"set\"") != std::string::npos);
  CHECK(n.Do("LATENCY HISTOGRAM nosuch") == "[]");
  CHECK(n.Do("LATENCY LATEST") == "[]");
  CHECK(n.Do("LATENCY HISTORY command") == "[]");
  CHECK(n.Do("LATENCY GRAPH command") == "(error) ERR No samples available for event 'command'");
  CHECK(n.Do("LATENCY RESET") == "(integer) 0");
  CHECK(n.Do("LATENCY DOCTOR").find("latency-monitor-threshold") != std::string::npos);
  CHECK(n.Do("LATENCY NOPE") == "(error) ERR unknown subcommand 'NOPE'. Try LATENCY HELP.");
  CHECK(n.Do("CONFIG SET latency-tracking no") == "OK");
  CHECK(n.Do("INFO latencystats").find("latency_percentiles") == std::string::npos);
  CHECK(n.Do("CONFIG RESETSTAT") == "OK");
  CHECK(n.Do("CONFIG SET latency-tracking yes") == "OK");
  CHECK(n.Do("LATENCY HISTOGRAM set") == "[]");  // RESETSTAT dropped the histograms
  // Spikes recorded by the server's own events.
  CHECK(n.Do("CONFIG SET latency-monitor-threshold 5") == "OK");
  n.server().LatencySample("fork", 7);
  n.server().LatencySample("fork", 3);
  std::string latest = n.Do("LATENCY LATEST");
  CHECK(latest.find("\"fork\"") != std::string::npos);
  CHECK(n.Do("LATENCY DOCTOR").find("1. fork: 1 latency spikes") != std::string::npos);
  CHECK(n.Do("LATENCY RESET fork FORK other") == "(integer) 1");
}
