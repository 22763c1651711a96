// The status page's model and rendering (status_page.h) from canned CLUSTER NODES / INFO replies.
#include <doctest/doctest.h>

#include "status_page.h"
#include "test_util.h"

namespace rcs::exporter {
namespace {

// A six-node cluster view: ids n1..n6, masters n1-n3 with slots, replicas n4-n6; `fail_n1` marks n1 failed,
// `promoted` has n4 as the master of n1's slots (after the failover; n1 failed without slots).
std::string NodesText(bool fail_n1, bool promoted) {
  std::string t;
  auto id = [](int i) { return std::string(39, '0') + std::to_string(i); };
  auto line = [&](int i, const std::string& flags, const std::string& master, const std::string& link,
                  const std::string& slots) {
    t += id(i) + " 127.0.0.1:" + std::to_string(7000 + i) + "@" + std::to_string(17000 + i) + " " + flags + " " +
         master + " 0 0 " + std::to_string(i) + " " + link + (slots.empty() ? "" : " " + slots) + "\n";
  };
  if (promoted) {
    line(1, "master,fail", "-", "disconnected", "");
    line(4, "master", "-", "connected", "0-5460");
  } else {
    line(1, fail_n1 ? "master,fail" : "myself,master", "-", fail_n1 ? "disconnected" : "connected", "0-5460");
    line(4, "slave", id(1), "connected", "");
  }
  line(2, "master", "-", "connected", "5461-10922");
  line(3, "master", "-", "connected", "10923-16000 16001 16002-16383");
  line(5, "slave", id(2), "connected", "");
  line(6, "slave", id(3), "connected", "");
  return t;
}

ScrapeData Data(bool fail_n1, bool promoted) {
  ScrapeData d;
  d.cluster_mode = true;
  d.cluster_view_ok = true;
  d.seed_answered = true;
  d.seed_addr = "127.0.0.1:7002";
  d.topology = ParseClusterNodes(NodesText(fail_n1, promoted));
  for (const auto& n : d.topology.nodes) {
    NodeScrape s;
    s.addr = n.Addr();
    s.node_id = n.id;
    s.role = std::string(n.Role());
    s.up = !n.fail;
    if (s.up) {
      bool master = n.master;
      s.info = "# Memory\r\nused_memory:2048\r\n# Stats\r\ninstantaneous_ops_per_sec:17\r\n# Replication\r\n" +
               std::string(master ? "master_repl_offset:1000\r\n" : "slave_repl_offset:900\r\n") +
               "# Keyspace\r\ndb0:keys=42,expires=0,avg_ttl=0\r\n";
      s.cluster_info = std::string("cluster_state:") + (fail_n1 && !promoted ? "fail" : "ok") +
                       "\r\ncluster_current_epoch:9\r\n";
    } else {
      s.error_message = "Connection refused <&>";
    }
    d.nodes.push_back(s);
  }
  return d;
}

TEST_CASE("status: shards ordered by slot, replicas under their master, lag and keys from INFO") {
  ClusterStatus st = BuildStatus(Data(false, false), 1800000000);
  CHECK(st.cluster_state == "ok");
  CHECK(st.current_epoch == 9);
  CHECK(st.nodes == 6);
  CHECK(st.slots_covered == 16384);
  CHECK(st.slots_assigned == 16384);
  REQUIRE(st.shards.size() == 3);
  CHECK(st.shards[0].master.addr == "127.0.0.1:7001");
  CHECK(st.shards[2].master.slot_ranges == "10923-16000 16001 16002-16383");
  CHECK(st.shards[2].master.slots == 5461);
  for (const auto& sh : st.shards) {
    REQUIRE(sh.replicas.size() == 1);
    CHECK(sh.replicas[0].master_id == sh.master.id);
    CHECK(sh.replicas[0].lag_bytes.value_or(-1) == 100);
    CHECK(sh.master.keys.value_or(-1) == 42);
    CHECK(sh.master.state == "ok");
  }
  CHECK(st.others.empty());
  std::string html = RenderStatusHtml(st, "1.2.3", 10, "/metrics");
  CHECK(html.find("data-state=\"ok\" data-nodes=\"6\" data-shards=\"3\" data-slots-covered=\"16384\"") != std::string::npos);
  CHECK(html.find("<meta http-equiv=\"refresh\" content=\"10\">") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == std::string::npos);  // no external asset
  auto js = StatusJson(st);
  CHECK(js["shards"].size() == 3);
  CHECK(js["shards"][1]["replicas"][0]["lag_bytes"] == 100);
}

TEST_CASE("status: a failed master keeps its shard; its slots are not covered; errors are escaped") {
  ClusterStatus st = BuildStatus(Data(true, false), 1800000000);
  CHECK(st.cluster_state == "fail");
  CHECK(st.slots_covered == 16384 - 5461);
  REQUIRE(st.shards.size() == 3);
  CHECK(st.shards[0].master.state == "fail");
  CHECK_FALSE(st.shards[0].master.link_connected);
  CHECK_FALSE(st.shards[0].master.keys.has_value());
  std::string html = RenderStatusHtml(st, "1.2.3", 10, "/metrics");
  CHECK(html.find("banner bad") != std::string::npos);
  CHECK(html.find("Connection refused &lt;&amp;&gt;") != std::string::npos);
  CHECK(html.find("Connection refused <&>") == std::string::npos);
}

TEST_CASE("status: a replica taking its master's slots is a failover; a node that left is not listed") {
  FailoverLog log;
  ClusterStatus before = BuildStatus(Data(false, false), 1800000000);
  log.Observe(before, &before.failovers);
  CHECK(before.failovers.empty());
  ClusterStatus after = BuildStatus(Data(true, true), 1800000010);
  log.Observe(after, &after.failovers);
  REQUIRE(after.failovers.size() == 1);
  CHECK(after.failovers[0].from_addr == "127.0.0.1:7001");
  CHECK(after.failovers[0].to_addr == "127.0.0.1:7004");
  CHECK(after.failovers[0].slots == "0-5460");
  CHECK(after.failovers[0].unix_seconds == 1800000010);
  CHECK(after.shards[0].master.addr == "127.0.0.1:7004");
  REQUIRE(after.others.size() == 1);  // the failed old master, without slots now
  CHECK(after.others[0].state == "fail");
  // The same view again: nothing new.
  ClusterStatus again = BuildStatus(Data(true, true), 1800000020);
  log.Observe(again, &again.failovers);
  CHECK(again.failovers.size() == 1);
  std::string html = RenderStatusHtml(after, "1.2.3", 10, "/metrics");
  CHECK(html.find("<tr class=\"failover\">") != std::string::npos);
}

TEST_CASE("status: standalone seed and no view") {
  ScrapeData d;
  d.cluster_mode = false;
  d.seed_answered = true;
  NodeScrape s;
  s.addr = "127.0.0.1:6379";
  s.role = "master";
  s.up = true;
  s.info = "used_memory:1\r\ndb0:keys=3,expires=0,avg_ttl=0\r\n";
  d.nodes.push_back(s);
  ClusterStatus st = BuildStatus(d, 1);
  CHECK(st.nodes == 1);
  REQUIRE(st.others.size() == 1);
  CHECK(st.others[0].keys.value_or(-1) == 3);
  CHECK(RenderStatusHtml(st, "v", 10, "/metrics").find("standalone") != std::string::npos);
  ScrapeData none;
  none.cluster_mode = true;
  ClusterStatus empty = BuildStatus(none, 1);
  CHECK(RenderStatusHtml(empty, "v", 10, "/metrics").find("No seed answered CLUSTER NODES") != std::string::npos);
}

}  // namespace
}  // namespace rcs::exporter
