// CLUSTER SLOT-STATS: the parser on replies captured from Valkey 8.0.1 (tests/exporter/fixtures/valkey-8.0-*.resp,
// made by fixtures/capture_slot_stats.py), the top-N selection, the collector's series, and
// absence (not zero) on a server without the command.
#include <doctest/doctest.h>

#include "collectors/collectors.h"
#include "config.h"
#include "fake_source.h"
#include "hiredis_source.h"
#include "scraper.h"
#include "test_util.h"

using namespace rcs::exporter;
using rcs::exporter::testing::FakeCluster;

constexpr int HOT_SLOT = 2468;  // the capture's hash tag {hot1}

namespace {

std::vector<SlotStat> Fixture(const char* name) {
  auto reply = ParseResp(ReadFixture(name));
  REQUIRE(reply.has_value());
  auto stats = ParseSlotStats(*reply);
  REQUIRE(stats.has_value());
  return *stats;
}

Reply Arr(std::vector<Reply> e) {
  Reply r;
  r.type = Reply::Type::kArray;
  r.elements = std::move(e);
  return r;
}

Reply Entry(long long slot, std::vector<std::pair<std::string, long long>> kv) {
  std::vector<Reply> m;
  for (auto& [k, v] : kv) {
    m.push_back(Reply::String(k));
    m.push_back(Reply::Integer(v));
  }
  return Arr({Reply::Integer(slot), Arr(std::move(m))});
}

NodeScrape Node(std::string role, std::vector<SlotStat> stats) {
  NodeScrape n;
  n.addr = "10.0.0.1:6379";
  n.node_id = std::string(40, 'a');
  n.role = std::move(role);
  n.up = true;
  n.slot_stats = std::move(stats);
  return n;
}

const std::string kLabels = "addr=\"10.0.0.1:6379\",node_id=\"" + std::string(40, 'a') + "\"";

}  // namespace

TEST_CASE("SLOT-STATS from Valkey 8.0.1 with cluster-slot-stats-enabled yes: every slot of the shard, four stats") {
  auto stats = Fixture("valkey-8.0-slot-stats-enabled.resp");
  REQUIRE(stats.size() == 5461);  // the shard owns 0-5460; SLOTSRANGE 0 16383 lists only those
  double keys = 0;
  for (size_t i = 0; i < stats.size(); ++i) {
    CHECK(stats[i].slot == static_cast<int>(i));
    CHECK(stats[i].cpu_usec.has_value());
    CHECK(stats[i].net_in_bytes.has_value());
    CHECK(stats[i].net_out_bytes.has_value());
    keys += stats[i].keys;
  }
  CHECK(keys == 1200);  // the capture wrote 1200 keys into this shard (see the README)
  // The capture's hot hash tag (HOT_SLOT, see the README) is the top slot by CPU, bytes in and keys.
  auto top = TopSlots(stats, &SlotStat::cpu_usec, 3);
  REQUIRE(top.size() == 3);
  CHECK(stats[top[0]].slot == HOT_SLOT);
  CHECK(stats[TopSlots(stats, &SlotStat::net_in_bytes, 1)[0]].slot == HOT_SLOT);
  CHECK(stats[TopSlotsByKeys(stats, 1)[0]].slot == HOT_SLOT);
}

TEST_CASE("SLOT-STATS with cluster-slot-stats-enabled no: key-count only") {
  auto stats = Fixture("valkey-8.0-slot-stats-keycount.resp");
  REQUIRE(stats.size() == 5461);
  for (const auto& s : stats) {
    CHECK_FALSE(s.cpu_usec.has_value());
    CHECK_FALSE(s.net_out_bytes.has_value());
  }
}

TEST_CASE("SLOT-STATS parser: unknown stats ignored (Redis 8.2 memory-bytes), bad shapes refused") {
  auto ok = ParseSlotStats(Arr({Entry(7, {{"key-count", 3}, {"memory-bytes", 4096}, {"cpu-usec", 10}})}));
  REQUIRE(ok.has_value());
  REQUIRE(ok->size() == 1);
  CHECK((*ok)[0].slot == 7);
  CHECK((*ok)[0].keys == 3);
  CHECK((*ok)[0].cpu_usec == 10);
  CHECK(ParseSlotStats(Arr({}))->empty());
  CHECK_FALSE(ParseSlotStats(Reply::String("x")).has_value());
  CHECK_FALSE(ParseSlotStats(Arr({Arr({Reply::Integer(1)})})).has_value());
  CHECK_FALSE(ParseSlotStats(Arr({Entry(16384, {{"key-count", 1}})})).has_value());
  CHECK_FALSE(ParseSlotStats(Arr({Arr({Reply::Integer(1), Arr({Reply::String("key-count")})})})).has_value());
  CHECK_FALSE(
      ParseSlotStats(Arr({Arr({Reply::Integer(1), Arr({Reply::String("key-count"), Reply::String("1")})})})).has_value());
}

TEST_CASE("top slots: highest first, ties to the lower slot, zero and missing values skipped") {
  std::vector<SlotStat> s(6);
  for (int i = 0; i < 6; ++i) s[i].slot = 100 + i;
  s[0].keys = 5, s[1].keys = 9, s[2].keys = 5, s[3].keys = 0, s[4].keys = 1, s[5].keys = 9;
  s[0].cpu_usec = 3, s[2].cpu_usec = 0;
  auto top = TopSlotsByKeys(s, 3);
  REQUIRE(top.size() == 3);
  CHECK(s[top[0]].slot == 101);
  CHECK(s[top[1]].slot == 105);
  CHECK(s[top[2]].slot == 100);
  CHECK(TopSlotsByKeys(s, 10).size() == 5);
  auto cpu = TopSlots(s, &SlotStat::cpu_usec, 10);
  REQUIRE(cpu.size() == 1);
  CHECK(s[cpu[0]].slot == 100);
  CHECK(TopSlotsByKeys(s, 0).empty());
}

TEST_CASE("slot stats collector: sums, top N with a slot label, hottest-slot share on masters only") {
  std::vector<SlotStat> s(4);
  for (int i = 0; i < 4; ++i) {
    s[i].slot = i;
    s[i].keys = i + 1;                  // 1 2 3 4: sum 10, hottest 4
    s[i].cpu_usec = 1e6 * (i == 2 ? 6 : 1);  // 1 1 6 1: sum 9 s, hottest 6 s
    s[i].net_in_bytes = 100;
    s[i].net_out_bytes = 0;
  }
  MetricSet out("redis");
  CHECK(SlotStatsCollector::CollectNode(Node("master", s), 2, out));
  std::string text = out.Serialize();
  const std::string m = "{" + kLabels + ",role=\"master\"";
  CHECK(SampleValue(text, "redis_slot_stats_slots" + m + "}") == "4");
  CHECK(SampleValue(text, "redis_slot_stats_keys" + m + "}") == "10");
  CHECK(SampleValue(text, "redis_slot_stats_cpu_seconds_total" + m + "}") == "9");
  CHECK(SampleValue(text, "redis_slot_stats_net_input_bytes_total" + m + "}") == "400");
  CHECK(SampleValue(text, "redis_slot_stats_net_output_bytes_total" + m + "}") == "0");
  CHECK(SampleValue(text, "redis_slot_keys" + m + ",slot=\"3\"}") == "4");
  CHECK(SampleValue(text, "redis_slot_keys" + m + ",slot=\"2\"}") == "3");
  CHECK(CountLinesStartingWith(text, "redis_slot_keys{") == 2);
  CHECK(SampleValue(text, "redis_slot_cpu_seconds_total" + m + ",slot=\"2\"}") == "6");
  CHECK(CountLinesStartingWith(text, "redis_slot_cpu_seconds_total{") == 2);
  CHECK(CountLinesStartingWith(text, "redis_slot_net_input_bytes_total{") == 2);
  CHECK(CountLinesStartingWith(text, "redis_slot_net_output_bytes_total{") == 0);  // all zero
  CHECK(SampleValue(text, "redis_slot_stats_hottest_slot_ratio" + m + ",metric=\"keys\"}") == "0.4");
  CHECK(SampleValue(text, "redis_slot_stats_hottest_slot_ratio" + m + ",metric=\"cpu\"}").starts_with("0.666"));
  CHECK(SampleValue(text, "redis_slot_stats_hottest_slot_ratio" + m + ",metric=\"net_input\"}") == "0.25");
  CHECK(SampleValue(text, "redis_slot_stats_hottest_slot_ratio" + m + ",metric=\"net_output\"}").empty());

  MetricSet rep("redis");
  CHECK(SlotStatsCollector::CollectNode(Node("replica", s), 2, rep));
  text = rep.Serialize();
  CHECK(SampleValue(text, "redis_slot_stats_keys{" + kLabels + ",role=\"replica\"}") == "10");
  CHECK_FALSE(HasFamily(text, "redis_slot_stats_hottest_slot_ratio"));

  // --slot-stats.top 0: the sums only.
  MetricSet none("redis");
  CHECK(SlotStatsCollector::CollectNode(Node("master", s), 0, none));
  text = none.Serialize();
  CHECK(HasFamily(text, "redis_slot_stats_keys"));
  CHECK_FALSE(HasFamily(text, "redis_slot_keys"));
  CHECK_FALSE(HasFamily(text, "redis_slot_cpu_seconds_total"));
}

TEST_CASE("slot stats collector: key-count only without cpu/network series; absent, not zero, without the command") {
  std::vector<SlotStat> s(2);
  s[0].slot = 0, s[0].keys = 2, s[1].slot = 1, s[1].keys = 0;
  MetricSet out("redis");
  CHECK(SlotStatsCollector::CollectNode(Node("master", s), 10, out));
  std::string text = out.Serialize();
  CHECK(HasFamily(text, "redis_slot_stats_keys"));
  CHECK_FALSE(HasFamily(text, "redis_slot_stats_cpu_seconds_total"));
  CHECK_FALSE(HasFamily(text, "redis_slot_cpu_seconds_total"));

  NodeScrape lacking = Node("master", {});
  lacking.slot_stats.reset();
  MetricSet absent("redis");
  CHECK(SlotStatsCollector::CollectNode(lacking, 10, absent));
  CHECK(absent.Serialize().empty());

  NodeScrape bad = Node("master", {});
  bad.slot_stats.reset();
  bad.slot_stats_malformed = true;
  MetricSet fail("redis");
  CHECK_FALSE(SlotStatsCollector::CollectNode(bad, 10, fail));
}

TEST_CASE("SLOT-STATS replies through the scraper: unknown subcommand is absence, NOPERM a command error") {
  NodeScrape n;
  NodeResponse r;
  r.replies = {Reply::String("# Server\r\nrole:master\r\n"), Reply::String("cluster_state:ok\r\n"), Reply::Integer(0),
               Arr({}), Arr({}), Reply::Error("ERR unknown subcommand 'SLOT-STATS'. Try CLUSTER HELP.")};
  FillNodeScrape(n, r);
  CHECK(n.up);
  CHECK_FALSE(n.slot_stats.has_value());
  CHECK(n.command_errors.empty());

  NodeResponse denied = r;
  denied.replies[5] = Reply::Error("NOPERM User x has no permissions to run the 'cluster|slot-stats' command");
  NodeScrape d;
  FillNodeScrape(d, denied);
  REQUIRE(d.command_errors.size() == 1);
  CHECK(d.command_errors[0].first == "cluster|slot-stats");

  NodeResponse good = r;
  good.replies[5] = Arr({Entry(5, {{"key-count", 2}})});
  NodeScrape g;
  FillNodeScrape(g, good);
  REQUIRE(g.slot_stats.has_value());
  CHECK(g.slot_stats->size() == 1);
}

TEST_CASE("whole-cluster scrape: slot series for every node with SLOT-STATS, none without") {
  FakeCluster f = FakeCluster::SixNodes();
  Config c;
  std::string err;
  c.seeds.push_back(*ParseRedisUri("redis://127.0.0.1:21000", &err));
  c.password = "pw";
  c.scrape_timeout = std::chrono::milliseconds(1000);
  {
    ClusterScraper s(c, f);
    std::string text = s.Scrape();
    CHECK_FALSE(HasFamily(text, "redis_slot_stats_keys"));
    CHECK(SampleValue(text, "redis_exporter_collector_success{collector=\"slot_stats\"}") == "1");
    CHECK(text.find("redis_exporter_node_command_error") == std::string::npos);
  }
  f.slot_stats_fixture = "valkey-8.0-slot-stats-enabled.resp";
  c.slot_stats_top = 3;
  ClusterScraper s(c, f);
  std::string text = s.Scrape();
  CHECK(CountLinesStartingWith(text, "redis_slot_stats_keys{") == 6);
  CHECK(CountLinesStartingWith(text, "redis_slot_keys{") == 18);
  CHECK(CountLinesStartingWith(text, "redis_slot_cpu_seconds_total{") == 18);
  CHECK(CountLinesStartingWith(text, "redis_slot_stats_hottest_slot_ratio{") == 3 * 4);
}

TEST_CASE("--slot-stats.top: default 10, 0 to 1000, anything else refused") {
  auto parse = [](std::vector<std::string> args) {
    return ParseFlags(args, [](const char*) -> const char* { return nullptr; },
                      [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  };
  CHECK(parse({}).config->slot_stats_top == 10);
  CHECK(parse({"--slot-stats.top", "0"}).config->slot_stats_top == 0);
  CHECK(parse({"--slot-stats.top=1000"}).config->slot_stats_top == 1000);
  for (const char* bad : {"1001", "-1", "ten", ""}) {
    auto r = parse({std::string("--slot-stats.top=") + bad});
    CHECK_FALSE(r.config.has_value());
    CHECK(r.error.find("--slot-stats.top") != std::string::npos);
  }
}
