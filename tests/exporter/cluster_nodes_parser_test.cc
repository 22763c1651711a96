#include <doctest/doctest.h>

#include "cluster_nodes_parser.h"
#include "test_util.h"

using namespace rcs::exporter;

namespace {
const ClusterNode* ById(const ClusterNodesParse& p, std::string_view prefix) {
  for (const auto& n : p.nodes) {
    if (std::string_view(n.id).starts_with(prefix)) return &n;
  }
  return nullptr;
}
}  // namespace

TEST_CASE("CLUSTER NODES of a healthy Redis 7.0 cluster") {
  auto p = ParseClusterNodes(ReadFixture("redis-7.0-cluster-nodes.txt"));
  CHECK(p.error.empty());
  REQUIRE(p.nodes.size() == 6);
  int slots = 0;
  for (const auto& n : p.nodes) slots += n.slots;
  CHECK(slots == 16384);
  const ClusterNode* me = ById(p, "93f36985");
  REQUIRE(me);
  CHECK(me->myself);
  CHECK(me->master);
  CHECK(me->Role() == "master");
  CHECK(me->ip == "127.0.0.1");
  CHECK(me->port == 21601);
  CHECK(me->bus_port == 31601);
  CHECK(me->Addr() == "127.0.0.1:21601");
  CHECK(me->slots == 5461);
  CHECK(me->config_epoch == 1);
  CHECK(me->link_connected);
  CHECK(me->master_id.empty());
  CHECK(me->Scrapable());
  const ClusterNode* replica = ById(p, "319296023a");
  REQUIRE(replica);
  CHECK(replica->replica);
  CHECK(replica->Role() == "replica");
  CHECK(replica->master_id == "1ec41b880bfb75c10106c19f0e34a88d64324933");
  CHECK(replica->slots == 0);
}

TEST_CASE("CLUSTER NODES after a master was killed") {
  auto p = ParseClusterNodes(ReadFixture("redis-7.0-cluster-nodes-after-master-killed.txt"));
  CHECK(p.error.empty());
  REQUIRE(p.nodes.size() == 6);
  const ClusterNode* dead = ById(p, "93f36985");
  REQUIRE(dead);
  CHECK(dead->fail);
  CHECK_FALSE(dead->pfail);
  CHECK(dead->master);
  CHECK_FALSE(dead->link_connected);
  CHECK(dead->slots == 5461);
  CHECK(dead->ping_sent_ms == 1795539901857LL);
  int replicas_of_dead = 0;
  for (const auto& n : p.nodes) replicas_of_dead += n.master_id == dead->id;
  CHECK(replicas_of_dead == 1);
}

TEST_CASE("CLUSTER NODES variants: hostname, pfail, noaddr, handshake, nofailover, migrating, IPv6, old format") {
  const std::string text =
      "aaaa 10.0.0.1:6379@16379,redis-node-0 myself,master - 0 0 1 connected 0-100 200 [300->-bbbb] [400-<-cccc]\n"
      "bbbb 10.0.0.2:6379@16379 slave,fail?,nofailover aaaa 1 2 1 connected\n"
      "cccc :0@0 master,noaddr - 0 0 0 disconnected\n"
      "dddd 10.0.0.4:6379@16379 handshake - 0 0 0 connected\n"
      "eeee ::1:6380@16380 master - 0 0 3 connected 16383\n"
      "ffff 10.0.0.6:6379 master - 0 0 4 connected\r\n";
  auto p = ParseClusterNodes(text);
  CHECK(p.error.empty());
  REQUIRE(p.nodes.size() == 6);
  CHECK(p.nodes[0].hostname == "redis-node-0");
  CHECK(p.nodes[0].slots == 102);  // 0-100 and 200; migrating/importing markers own nothing
  CHECK(p.nodes[1].pfail);
  CHECK_FALSE(p.nodes[1].fail);
  CHECK(p.nodes[1].nofailover);
  CHECK(p.nodes[2].noaddr);
  CHECK_FALSE(p.nodes[2].Scrapable());
  CHECK(p.nodes[3].handshake);
  CHECK_FALSE(p.nodes[3].Scrapable());
  CHECK(p.nodes[3].Role() == "unknown");
  CHECK(p.nodes[4].ip == "::1");
  CHECK(p.nodes[4].port == 6380);
  CHECK(p.nodes[4].slots == 1);
  CHECK(p.nodes[5].port == 6379);
  CHECK(p.nodes[5].bus_port == 0);
}

TEST_CASE("malformed CLUSTER NODES lines are reported and skipped") {
  auto p = ParseClusterNodes(
      "short line\n"
      "aaaa 10.0.0.1:6379@16379 master - x 0 1 connected\n"
      "bbbb 10.0.0.2:notaport@1 master - 0 0 1 connected\n"
      "cccc 10.0.0.3:6379@16379 master - 0 0 1 connected 0-16383\n"
      "dddd 10.0.0.4:6379@16379 master - 0 0 1 connected 99999 5-1\n");
  CHECK_FALSE(p.error.empty());
  CHECK(p.error.find("too few fields") != std::string::npos);
  REQUIRE(p.nodes.size() == 2);
  CHECK(p.nodes[0].id == "cccc");
  CHECK(p.nodes[0].slots == 16384);
  CHECK(p.nodes[1].slots == 0);  // out-of-range slot tokens are ignored
  CHECK(ParseClusterNodes("").nodes.empty());
}
