#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "collectors/collectors.h"
#include "fake_source.h"
#include "log.h"
#include "scraper.h"

using namespace rcs::exporter;
using rcs::exporter::testing::FakeCluster;

namespace {

Config TestConfig(std::vector<std::string> seeds = {"redis://127.0.0.1:21000"}, std::string password = "pw") {
  Config c;
  std::string err;
  for (const auto& s : seeds) c.seeds.push_back(*ParseRedisUri(s, &err));
  c.password = std::move(password);
  c.scrape_timeout = std::chrono::milliseconds(1000);
  return c;
}

std::string Up(const FakeCluster& f, int port, const std::string& role) {
  for (const auto& n : f.nodes) {
    if (n.port == port) {
      return "redis_up{addr=\"127.0.0.1:" + std::to_string(port) + "\",node_id=\"" + n.id + "\",role=\"" + role + "\"}";
    }
  }
  return "?";
}

std::set<std::string> FamilyNames(const std::string& text) {
  std::set<std::string> names;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) names.insert(line.substr(7, line.find(' ', 7) - 7));
  }
  return names;
}

struct QuietLogs {
  QuietLogs() { Log().set_quiet(true); }
  ~QuietLogs() { Log().set_quiet(false); }
};

// Every name of the metric contract (tests/exporter/contract_names.txt, shared with the integration test).
std::vector<std::string> ContractNames() {
  std::istringstream in(ReadFixture("../contract_names.txt"));
  std::vector<std::string> names;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') names.push_back(line);
  }
  return names;
}

}  // namespace

TEST_CASE("healthy six-node cluster: every contract name, six nodes up, one round trip once warm") {
  QuietLogs quiet;
  FakeCluster f = FakeCluster::SixNodes();
  ClusterScraper scraper(TestConfig(), f);
  std::string first = scraper.Scrape();
  CHECK(f.fetch_calls == 2);  // seed's CLUSTER NODES, then the six nodes
  std::string text = scraper.Scrape();
  CHECK(f.fetch_calls == 3);  // warm: one round for everything
  auto names = FamilyNames(text);
  auto contract = ContractNames();
  CHECK(contract.size() > 70);
  for (const auto& name : contract) CHECK_MESSAGE(names.count(name), name);
  CHECK(CountLinesStartingWith(text, "redis_up{") == 6);
  for (int p = 21000; p <= 21002; ++p) CHECK(SampleValue(text, Up(f, p, "master")) == "1");
  for (int p = 21003; p <= 21005; ++p) CHECK(SampleValue(text, Up(f, p, "replica")) == "1");
  CHECK(SampleValue(text, "redis_cluster_masters") == "3");
  CHECK(SampleValue(text, "redis_cluster_replicas") == "3");
  CHECK(SampleValue(text, "redis_cluster_masters_without_replica") == "0");
  CHECK(SampleValue(text, "redis_cluster_masters_with_slots") == "3");
  CHECK(SampleValue(text, "redis_cluster_slots_unassigned") == "0");
  CHECK(SampleValue(text, "redis_cluster_nodes") == "6");
  CHECK(SampleValue(text, "redis_cluster_seed_info{addr=\"127.0.0.1:21000\"}") == "1");
  CHECK(SampleValue(text, "redis_exporter_last_scrape_error") == "0");
  CHECK(SampleValue(text, "redis_exporter_nodes_discovered") == "6");
  CHECK(SampleValue(text, "redis_exporter_scrapes_total") == "2");
  CHECK(SampleValue(text, "redis_exporter_scrape_duration_seconds_count") == "2");
  for (const char* c : {"info", "cluster_info", "cluster_nodes"}) {
    CHECK(SampleValue(text, std::string("redis_exporter_collector_success{collector=\"") + c + "\"}") == "1");
  }
  const std::string a = FakeCluster::Id('a');
  CHECK(SampleValue(text, "redis_cluster_node_slots{node_id=\"" + a + "\",addr=\"127.0.0.1:21000\",role=\"master\"}") ==
        "5461");
  CHECK(SampleValue(text, "redis_cluster_node_replicas{node_id=\"" + a + "\",addr=\"127.0.0.1:21000\"}") == "1");
  CHECK(SampleValue(text, "redis_cluster_role_changes_total{node_id=\"" + a + "\",addr=\"127.0.0.1:21000\"}") == "0");
  // Per-node labels on INFO series, cmd/db labels, renamed units.
  const std::string node_a = "addr=\"127.0.0.1:21000\",node_id=\"" + a + "\",role=\"master\"";
  CHECK(SampleValue(text, "redis_commands_total{" + node_a + ",cmd=\"get\"}") == "6289");
  CHECK(SampleValue(text, "redis_commands_duration_seconds_total{" + node_a + ",cmd=\"get\"}") == "0.001063");
  CHECK(SampleValue(text, "redis_db_keys{" + node_a + ",db=\"db0\"}") == "3");
  CHECK(CountLinesStartingWith(text, "redis_db_keys{") == 6);  // the replicas' fixture has no keys: db0 0
  CHECK(SampleValue(text, "redis_errors_total{" + node_a + ",err=\"NOAUTH\"}") == "1");
  CHECK(SampleValue(text, "redis_slowlog_length{" + node_a + "}") == "2");
  CHECK(SampleValue(text, "redis_slowlog_last_id{" + node_a + "}") == "5");
  CHECK(SampleValue(text, "redis_last_slow_execution_duration_seconds{" + node_a + "}") == "0.0015");
  // LATENCY LATEST, under redis_exporter's names and label.
  CHECK(SampleValue(text, "redis_latency_spike_last{" + node_a + ",event_name=\"command\"}") == "1795539898");
  CHECK(SampleValue(text, "redis_latency_spike_duration_seconds{" + node_a + ",event_name=\"command\"}") == "0.25");
  CHECK(SampleValue(text, "redis_start_time_seconds{" + node_a + "}") == "1795539896.05162");
  CHECK(SampleValue(text, "redis_aof_last_write_status{" + node_a + "}") == "1");
  CHECK(SampleValue(text, "redis_cluster_state{" + node_a + "}") == "1");
  CHECK(SampleValue(text, "redis_cluster_stats_messages_sent_total{" + node_a + ",type=\"ping\"}") == "9");
  CHECK(text.find("redis_connected_slave_offset_bytes{" + node_a +
                  ",slave_ip=\"127.0.0.1\",slave_port=\"21606\",slave_state=\"wait_bgsave\"} 0") != std::string::npos);
  // Replica-only series.
  const std::string node_d = "addr=\"127.0.0.1:21003\",node_id=\"" + FakeCluster::Id('d') + "\",role=\"replica\"";
  CHECK(SampleValue(text, "redis_master_link_up{" + node_d + "}") == "0");
  CHECK(SampleValue(text, "redis_master_link_up{" + node_a + "}").empty());
  CHECK(text.find("redis_slave_info{" + node_d + ",master_host=\"127.0.0.1\",master_port=\"21602\"") !=
        std::string::npos);
  // Each family appears once (collectors add node by node; the set groups them).
  std::istringstream in(text);
  std::string line;
  std::set<std::string> types;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) CHECK_MESSAGE(types.insert(line).second, line);
  }
}

TEST_CASE("a node down: redis_up 0 for it, everything else served, error counted") {
  QuietLogs quiet;
  FakeCluster f = FakeCluster::SixNodes();
  ClusterScraper scraper(TestConfig(), f);
  scraper.Scrape();
  f.ByPort(21004)->down = true;
  std::string text = scraper.Scrape();
  CHECK(SampleValue(text, Up(f, 21004, "replica")) == "0");
  CHECK(CountLinesStartingWith(text, "redis_up{") == 6);
  CHECK(CountLinesStartingWith(text, "redis_memory_used_bytes{") == 5);
  CHECK(SampleValue(text, "redis_exporter_node_scrape_errors_total{addr=\"127.0.0.1:21004\"}") == "1");
  CHECK(SampleValue(text, "redis_exporter_node_scrape_errors_total{addr=\"127.0.0.1:21003\"}") == "0");
  CHECK(SampleValue(text, "redis_exporter_last_scrape_error") == "1");
  CHECK(SampleValue(text, "redis_cluster_masters") == "3");
  CHECK(Log().last_line().find("127.0.0.1:21004") != std::string::npos);
  // A timing-out node is the same.
  f.ByPort(21004)->down = false;
  f.ByPort(21005)->slow = true;
  text = scraper.Scrape();
  CHECK(SampleValue(text, Up(f, 21004, "replica")) == "1");
  CHECK(SampleValue(text, Up(f, 21005, "replica")) == "0");
  CHECK(SampleValue(text, "redis_exporter_node_scrape_errors_total{addr=\"127.0.0.1:21004\"}") == "1");
}

TEST_CASE("failover: promoted replica relabelled master, role changes counted, old master returns as replica") {
  QuietLogs quiet;
  FakeCluster f = FakeCluster::SixNodes();
  ClusterScraper scraper(TestConfig({"redis://127.0.0.1:21001"}), f);
  scraper.Scrape();
  f.Failover(21000);  // d (21003) takes over from a (21000)
  std::string text = scraper.Scrape();
  const std::string a = FakeCluster::Id('a'), d = FakeCluster::Id('d');
  CHECK(SampleValue(text, Up(f, 21000, "master")) == "0");
  CHECK(SampleValue(text, Up(f, 21003, "master")) == "1");
  CHECK(SampleValue(text, "redis_cluster_role_changes_total{node_id=\"" + d + "\",addr=\"127.0.0.1:21003\"}") == "1");
  CHECK(SampleValue(text, "redis_cluster_role_changes_total{node_id=\"" + a + "\",addr=\"127.0.0.1:21000\"}") == "0");
  CHECK(SampleValue(text, "redis_cluster_node_flag{node_id=\"" + a +
                              "\",addr=\"127.0.0.1:21000\",role=\"master\",flag=\"fail\"}") == "1");
  CHECK(SampleValue(text, "redis_cluster_nodes_failed") == "1");
  CHECK(SampleValue(text, "redis_cluster_masters") == "3");  // b, c and the promoted d
  CHECK(SampleValue(text, "redis_cluster_masters_without_replica") == "1");  // d has no replica yet
  f.Rejoin(21000, 21003);
  text = scraper.Scrape();
  CHECK(SampleValue(text, Up(f, 21000, "replica")) == "1");
  CHECK(SampleValue(text, "redis_cluster_role_changes_total{node_id=\"" + a + "\",addr=\"127.0.0.1:21000\"}") == "1");
  CHECK(SampleValue(text, "redis_cluster_role_changes_total{node_id=\"" + d + "\",addr=\"127.0.0.1:21003\"}") == "1");
  CHECK(SampleValue(text, "redis_cluster_masters_without_replica") == "0");
}

TEST_CASE("a node that left the cluster disappears at the next scrape") {
  QuietLogs quiet;
  FakeCluster f = FakeCluster::SixNodes();
  ClusterScraper scraper(TestConfig(), f);
  std::string before = scraper.Scrape();
  CHECK(before.find("127.0.0.1:21005") != std::string::npos);
  f.nodes.pop_back();
  std::string after = scraper.Scrape();
  CHECK(after.find("127.0.0.1:21005") == std::string::npos);
  CHECK(after.find(FakeCluster::Id('f')) == std::string::npos);
  CHECK(CountLinesStartingWith(after, "redis_up{") == 5);
}

TEST_CASE("seed down: the next seed, then nodes learned from the last CLUSTER NODES") {
  QuietLogs quiet;
  FakeCluster f = FakeCluster::SixNodes();
  ClusterScraper scraper(TestConfig({"redis://127.0.0.1:21099", "redis://127.0.0.1:21002"}), f);
  std::string text = scraper.Scrape();
  CHECK(SampleValue(text, "redis_cluster_seed_info{addr=\"127.0.0.1:21002\"}") == "1");
  CHECK(CountLinesStartingWith(text, "redis_up{") == 6);
  CHECK(text.find("21099") == std::string::npos);  // a dead seed that is not a cluster member is not a node
  // Both seeds gone: a learned node answers.
  f.ByPort(21002)->down = true;
  text = scraper.Scrape();
  CHECK(CountLinesStartingWith(text, "redis_cluster_seed_info{") == 1);
  CHECK(text.find("redis_cluster_seed_info{addr=\"127.0.0.1:21002\"}") == std::string::npos);
  CHECK(SampleValue(text, Up(f, 21002, "master")) == "0");
  CHECK(SampleValue(text, "redis_cluster_nodes") == "6");
}

TEST_CASE("wrong password: redis_up 0, error metrics, no crash") {
  QuietLogs quiet;
  FakeCluster f = FakeCluster::SixNodes();
  ClusterScraper scraper(TestConfig({"redis://127.0.0.1:21000"}, "wrong"), f);
  std::string text = scraper.Scrape();
  CHECK(SampleValue(text, "redis_up{addr=\"127.0.0.1:21000\",node_id=\"\",role=\"unknown\"}") == "0");
  CHECK(SampleValue(text, "redis_exporter_last_scrape_error") == "1");
  CHECK(SampleValue(text, "redis_exporter_node_scrape_errors_total{addr=\"127.0.0.1:21000\"}") == "1");
  CHECK(SampleValue(text, "redis_exporter_collector_success{collector=\"cluster_nodes\"}") == "0");
  CHECK(Log().last_line().find("kind=auth") != std::string::npos);
  text = scraper.Scrape();
  CHECK(SampleValue(text, "redis_exporter_node_scrape_errors_total{addr=\"127.0.0.1:21000\"}") == "2");
}

TEST_CASE("a command the ACL user may not run: an error series for it, the rest served, no crash") {
  QuietLogs quiet;
  FakeCluster f = FakeCluster::SixNodes();
  f.denied = {"SLOWLOG GET 1", "CLUSTER INFO"};
  ClusterScraper scraper(TestConfig({"redis://127.0.0.1:21000"}), f);
  std::string text = scraper.Scrape();
  CHECK(CountLinesStartingWith(text, "redis_up{") == 6);
  const std::string node = "addr=\"127.0.0.1:21000\",node_id=\"" + FakeCluster::Id('a') + "\",role=\"master\"";
  CHECK(SampleValue(text, "redis_up{" + node + "}") == "1");
  CHECK(SampleValue(text, "redis_exporter_node_command_error{" + node + ",cmd=\"slowlog|get\"}") == "1");
  CHECK(SampleValue(text, "redis_exporter_node_command_error{" + node + ",cmd=\"cluster|info\"}") == "1");
  CHECK(CountLinesStartingWith(text, "redis_exporter_node_command_error{") == 12);
  CHECK_FALSE(HasFamily(text, "redis_slowlog_last_id"));
  CHECK(SampleValue(text, "redis_slowlog_length{" + node + "}") == "2");
  CHECK_FALSE(HasFamily(text, "redis_cluster_state"));  // a CLUSTER INFO field
  CHECK(HasFamily(text, "redis_cluster_node_info"));    // from the seed's CLUSTER NODES
  CHECK(HasFamily(text, "redis_connected_clients"));
  CHECK(Log().last_line().find("node command failed") != std::string::npos);
  CHECK(Log().last_line().find("NOPERM") != std::string::npos);
  // Allowed again: the error series is gone at the next scrape.
  f.denied.clear();
  text = scraper.Scrape();
  CHECK_FALSE(HasFamily(text, "redis_exporter_node_command_error"));
  CHECK(SampleValue(text, "redis_slowlog_last_id{" + node + "}") == "5");
}

TEST_CASE("cluster support disabled: the seeds are scraped as standalone nodes") {
  QuietLogs quiet;
  FakeCluster f = FakeCluster::SixNodes();
  f.cluster_enabled = false;
  ClusterScraper scraper(TestConfig({"redis://127.0.0.1:21000", "127.0.0.1:21001"}), f);
  std::string text = scraper.Scrape();
  CHECK(SampleValue(text, "redis_up{addr=\"127.0.0.1:21000\",node_id=\"\",role=\"master\"}") == "1");
  CHECK(SampleValue(text, "redis_up{addr=\"127.0.0.1:21001\",node_id=\"\",role=\"master\"}") == "1");
  CHECK(CountLinesStartingWith(text, "redis_up{") == 2);
  CHECK_FALSE(HasFamily(text, "redis_cluster_node_info"));
  CHECK_FALSE(HasFamily(text, "redis_cluster_state"));
  CHECK(SampleValue(text, "redis_exporter_last_scrape_error") == "0");
}

TEST_CASE("namespace prefixes every name") {
  QuietLogs quiet;
  FakeCluster f = FakeCluster::SixNodes();
  Config c = TestConfig();
  c.ns = "rc";
  ClusterScraper scraper(c, f);
  std::string text = scraper.Scrape();
  CHECK(HasFamily(text, "rc_up"));
  CHECK(HasFamily(text, "rc_exporter_scrapes_total"));
  CHECK(text.find("\nredis_") == std::string::npos);
}

TEST_CASE("single target (/scrape) and discovery (/discover-cluster-nodes)") {
  QuietLogs quiet;
  FakeCluster f = FakeCluster::SixNodes();
  Config c = TestConfig();
  std::string err;
  std::string text = ScrapeSingleTarget(c, f, *ParseRedisUri("redis://127.0.0.1:21004", &err));
  CHECK(SampleValue(text, Up(f, 21004, "replica")) == "1");
  CHECK(CountLinesStartingWith(text, "redis_up{") == 1);
  CHECK(HasFamily(text, "redis_cluster_state"));
  text = ScrapeSingleTarget(c, f, *ParseRedisUri("redis://127.0.0.1:21098", &err));
  CHECK(SampleValue(text, "redis_up{addr=\"127.0.0.1:21098\",node_id=\"\",role=\"unknown\"}") == "0");

  ClusterScraper scraper(c, f);
  auto json = scraper.Discover();
  REQUIRE(json);
  auto j = nlohmann::json::parse(*json);
  REQUIRE(j.size() == 6);
  CHECK(j[0]["targets"][0].get<std::string>().rfind("redis://127.0.0.1:210", 0) == 0);
  CHECK(j[0]["labels"]["__meta_redis_cluster_node_id"].get<std::string>().size() == 40);
  for (auto& n : f.nodes) n.down = true;
  CHECK_FALSE(scraper.Discover());
}

TEST_CASE("redis_exporter names kept, except the documented renames") {
  // Every family of redis_exporter 1.45's /metrics for a master, minus Go/process internals, must exist in our
  // output for the same INFO, under its own name or its documented new name.
  const std::map<std::string, std::string> renames = {
      {"redis_aof_current_rewrite_duration_sec", "redis_aof_current_rewrite_duration_seconds"},
      {"redis_aof_last_rewrite_duration_sec", "redis_aof_last_rewrite_duration_seconds"},
      {"redis_rdb_current_bgsave_duration_sec", "redis_rdb_current_bgsave_duration_seconds"},
      {"redis_rdb_last_bgsave_duration_sec", "redis_rdb_last_bgsave_duration_seconds"},
      {"redis_dump_payload_sanitizations", "redis_dump_payload_sanitizations_total"},
      {"redis_io_threaded_reads_processed", "redis_io_threaded_reads_processed_total"},
      {"redis_io_threaded_writes_processed", "redis_io_threaded_writes_processed_total"},
      {"redis_migrate_cached_sockets_total", "redis_migrate_cached_sockets"},
      {"redis_total_error_replies", "redis_error_replies_total"},
      {"redis_total_reads_processed", "redis_reads_processed_total"},
      {"redis_total_writes_processed", "redis_writes_processed_total"},
      {"redis_unexpected_error_replies", "redis_unexpected_error_replies_total"},
      {"redis_latency_percentiles_usec", "redis_latency_percentiles_seconds"},
      {"redis_cluster_stats_messages_meet_received", "redis_cluster_stats_messages_received_total"},
      {"redis_cluster_stats_messages_ping_received", "redis_cluster_stats_messages_received_total"},
      {"redis_cluster_stats_messages_ping_sent", "redis_cluster_stats_messages_sent_total"},
      {"redis_cluster_stats_messages_pong_received", "redis_cluster_stats_messages_received_total"},
      {"redis_cluster_stats_messages_pong_sent", "redis_cluster_stats_messages_sent_total"},
  };
  // Not served, on purpose (docs/metrics.md says why).
  const std::set<std::string> absent = {
      "redis_config_io_threads",                           // needs CONFIG GET; io_threads_active is served
      "redis_last_key_groups_scrape_duration_milliseconds",  // key-group feature not implemented
      "redis_exporter_last_scrape_connect_time_seconds", "redis_target_scrape_request_errors_total"};
  QuietLogs quiet;
  FakeCluster f = FakeCluster::SixNodes();
  ClusterScraper scraper(TestConfig(), f);
  auto ours = FamilyNames(scraper.Scrape());
  auto theirs = FamilyNames(ReadFixture("redis_exporter-1.45-metrics-one-master.txt"));
  int checked = 0;
  for (const auto& name : theirs) {
    if (name.rfind("go_", 0) == 0 || name.rfind("process_", 0) == 0 || name.rfind("promhttp_", 0) == 0) continue;
    if (absent.count(name)) continue;
    auto r = renames.find(name);
    const std::string want = r == renames.end() ? name : r->second;
    CHECK_MESSAGE(ours.count(want), name, " -> ", want);
    ++checked;
  }
  CHECK(checked > 120);
}

TEST_CASE("docs/metrics.md lists every family the exporter serves") {
  QuietLogs quiet;
  std::ifstream in(RCS_EXPORTER_METRICS_DOC);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  REQUIRE(!doc.empty());
  FakeCluster f = FakeCluster::SixNodes();
  ClusterScraper scraper(TestConfig(), f);
  scraper.Scrape();
  f.Failover(21000);
  std::string err;
  auto names = FamilyNames(scraper.Scrape());
  for (const auto& n : FamilyNames(ScrapeSingleTarget(TestConfig(), f, *ParseRedisUri("127.0.0.1:21001", &err)))) {
    names.insert(n);
  }
  CHECK(names.size() > 150);
  for (const auto& name : names) {
    bool listed = doc.find("`" + name + "`") != std::string::npos || doc.find("`" + name + "{") != std::string::npos;
    CHECK_MESSAGE(listed, name, " is served but not in docs/metrics.md");
  }
}

TEST_CASE("our node's INFO yields the per-node contract series that a standalone node has") {
  NodeScrape node;
  node.addr = "127.0.0.1:21007";
  node.role = "master";
  node.up = true;
  node.info = ReadFixture("rcs-node-0.1-standalone-info-all.txt");
  MetricSet out("redis");
  CHECK(InfoCollector::CollectNode(node, out));
  const std::string text = out.Serialize();
  for (const char* name : {"redis_up", "redis_uptime_in_seconds", "redis_connected_clients", "redis_memory_used_bytes",
                           "redis_commands_processed_total", "redis_commands_total", "redis_keyspace_hits_total",
                           "redis_db_keys", "redis_instance_info", "redis_connected_slaves", "redis_cluster_enabled"}) {
    CHECK_MESSAGE(HasFamily(text, name), name);
  }
}

TEST_CASE("a node with no keys serves db0 as 0 keys and 0 expiring, as redis_exporter does") {
  NodeScrape node;
  node.addr = "127.0.0.1:21000";
  node.node_id = FakeCluster::Id('a');
  node.role = "master";
  node.up = true;
  node.info = ReadFixture("redis-7.0-empty-master-info-all.txt");  // "# Keyspace" with no dbN line
  REQUIRE(node.info.find("# Keyspace") != std::string::npos);
  REQUIRE(node.info.find("db0:") == std::string::npos);
  MetricSet out("redis");
  CHECK(InfoCollector::CollectNode(node, out));
  const std::string text = out.Serialize();
  const std::string labels = "addr=\"127.0.0.1:21000\",node_id=\"" + node.node_id + "\",role=\"master\",db=\"db0\"";
  CHECK(SampleValue(text, "redis_db_keys{" + labels + "}") == "0");
  CHECK(SampleValue(text, "redis_db_keys_expiring{" + labels + "}") == "0");
  CHECK(CountLinesStartingWith(text, "redis_db_keys{") == 1);
  CHECK_FALSE(HasFamily(text, "redis_db_avg_ttl_seconds"));  // nor does redis_exporter serve a TTL for it

  // With keys, db0 comes from its INFO line, once.
  MetricSet with_keys("redis");
  node.info = ReadFixture("redis-7.0-master-info-all.txt");
  CHECK(InfoCollector::CollectNode(node, with_keys));
  const std::string keyed = with_keys.Serialize();
  CHECK(SampleValue(keyed, "redis_db_keys{" + labels + "}") == "3");
  CHECK(CountLinesStartingWith(keyed, "redis_db_keys{") == 1);
  CHECK(CountLinesStartingWith(keyed, "redis_db_keys_expiring{") == 1);

  // A node that is down serves redis_up 0 and nothing else, so no made-up key count either.
  MetricSet down("redis");
  node.up = false;
  InfoCollector::CollectNode(node, down);
  CHECK_FALSE(HasFamily(down.Serialize(), "redis_db_keys"));
}

TEST_CASE("a lone cluster node that prints itself as \":port\" is still scraped, under the seed's host") {
  QuietLogs quiet;
  FakeCluster f;
  f.nodes = {{FakeCluster::Id('a'), 21000, true, "", "0-16383"}};
  f.self_without_ip = true;
  ClusterScraper scraper(TestConfig(), f);
  std::string text = scraper.Scrape();
  CHECK(SampleValue(text, Up(f, 21000, "master")) == "1");
  CHECK(CountLinesStartingWith(text, "redis_up{") == 1);
  std::string err;
  text = ScrapeSingleTarget(TestConfig(), f, *ParseRedisUri("127.0.0.1:21000", &err));
  CHECK(SampleValue(text, Up(f, 21000, "master")) == "1");
}

TEST_CASE("a hung seed: the backup's CLUSTER NODES from the same round is used, no extra round trip") {
  QuietLogs quiet;
  FakeCluster f = FakeCluster::SixNodes();
  ClusterScraper scraper(TestConfig({"redis://127.0.0.1:21000"}), f);
  scraper.Scrape();
  scraper.Scrape();
  const int before = f.fetch_calls;
  f.ByPort(21000)->slow = true;  // answers nothing within the deadline
  std::string text = scraper.Scrape();
  CHECK(f.fetch_calls == before + 1);
  CHECK(SampleValue(text, Up(f, 21000, "master")) == "0");
  CHECK(CountLinesStartingWith(text, "redis_up{") == 6);
  CHECK(SampleValue(text, "redis_exporter_collector_success{collector=\"cluster_nodes\"}") == "1");
  CHECK(CountLinesStartingWith(text, "redis_cluster_seed_info{") == 1);
  CHECK(text.find("redis_cluster_seed_info{addr=\"127.0.0.1:21000\"}") == std::string::npos);
}

TEST_CASE("two seeds: the second seed is the backup") {
  QuietLogs quiet;
  FakeCluster f = FakeCluster::SixNodes();
  ClusterScraper scraper(TestConfig({"redis://127.0.0.1:21000", "redis://127.0.0.1:21004"}), f);
  scraper.Scrape();
  f.ByPort(21000)->down = true;
  std::string text = scraper.Scrape();
  CHECK(SampleValue(text, "redis_cluster_seed_info{addr=\"127.0.0.1:21004\"}") == "1");
}

TEST_CASE("an old failed id at the same address as a live node: INFO series only for the live one") {
  QuietLogs quiet;
  FakeCluster f = FakeCluster::SixNodes();
  rcs::exporter::testing::FakeNode ghost{FakeCluster::Id('9'), 21005, false, FakeCluster::Id('c'), ""};
  ghost.fail_flag = true;
  f.nodes.insert(f.nodes.begin(), ghost);  // listed first, so "first wins" would pick it
  ClusterScraper scraper(TestConfig(), f);
  std::string text = scraper.Scrape();
  CHECK(CountLinesStartingWith(text, "redis_up{") == 6);
  CHECK(SampleValue(text, Up(f, 21005, "replica")) == "");  // Up() finds the ghost's id first
  CHECK(text.find("redis_up{addr=\"127.0.0.1:21005\",node_id=\"" + FakeCluster::Id('f') + "\",role=\"replica\"} 1") !=
        std::string::npos);
  CHECK(SampleValue(text, "redis_cluster_nodes") == "7");  // the topology series still list both
  CHECK(SampleValue(text, "redis_cluster_nodes_failed") == "1");
}

TEST_CASE("INFO keysizes as histograms redis_keysizes{db,type,le}: le = 2b-1 for the bin b, no _sum") {
  NodeScrape n;
  n.addr = "10.0.0.1:6379";
  n.role = "master";
  n.up = true;
  n.info =
      "# Server\r\nredis_version:8.2.0\r\n# Keyspace\r\ndb0:keys=9,expires=0,avg_ttl=0\r\n# Keysizes\r\n"
      "db0_distrib_strings_sizes:0=1,2=1,4=1,1K=2\r\ndb0_distrib_lists_items:1=3\r\n";
  MetricSet out("redis");
  CHECK(InfoCollector::CollectNode(n, out));
  std::string text = out.Serialize();
  const std::string s = "redis_keysizes_bucket{addr=\"10.0.0.1:6379\",node_id=\"\",role=\"master\",db=\"db0\",type=\"string\",le=\"";
  CHECK(SampleValue(text, s + "0\"}") == "1");
  CHECK(SampleValue(text, s + "3\"}") == "2");
  CHECK(SampleValue(text, s + "7\"}") == "3");
  CHECK(SampleValue(text, s + "2047\"}") == "5");
  CHECK(SampleValue(text, s + "+Inf\"}") == "5");
  CHECK(SampleValue(text, "redis_keysizes_count{addr=\"10.0.0.1:6379\",node_id=\"\",role=\"master\",db=\"db0\",type=\"list\"}") == "3");
  CHECK(text.find("redis_keysizes_sum") == std::string::npos);
  CHECK(SampleValue(text, "redis_db_keys{addr=\"10.0.0.1:6379\",node_id=\"\",role=\"master\",db=\"db0\"}") == "9");
}
