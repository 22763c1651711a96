// A RedisSource with canned replies for a simulated cluster, for collector and scraper tests.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "hiredis_source.h"
#include "redis_source.h"
#include "test_util.h"

namespace rcs::exporter::testing {

struct FakeNode {
  std::string id;
  int port = 0;
  bool master = true;
  std::string master_id;  // replicas
  std::string slots;      // "0-5460" or ""
  bool down = false;      // connection refused
  bool slow = false;      // never answers in time
  bool fail_flag = false;
  long long epoch = 1;
  std::string hostport() const { return "127.0.0.1:" + std::to_string(port); }
};

class FakeCluster : public RedisSource {
 public:
  std::vector<FakeNode> nodes;
  std::string password = "pw";
  bool cluster_enabled = true;
  int fetch_calls = 0;
  int requests = 0;
  std::map<std::string, int> requests_by_node;
  // Commands ("SLOWLOG GET 1") every node refuses as an ACL user without them would be refused.
  std::vector<std::string> denied;
  // A RESP fixture every master answers CLUSTER SLOT-STATS with (its replicas too); "" answers as Redis 7.0
  // does (unknown subcommand).
  std::string slot_stats_fixture;

  static std::string Id(char c) { return std::string(40, c); }

  // Three masters (a, b, c on ports 21000-21002), three replicas (d->a, e->b, f->c on 21003-21005).
  static FakeCluster SixNodes() {
    FakeCluster f;
    f.nodes = {{Id('a'), 21000, true, "", "0-5460"},     {Id('b'), 21001, true, "", "5461-10922"},
               {Id('c'), 21002, true, "", "10923-16383"}, {Id('d'), 21003, false, Id('a'), ""},
               {Id('e'), 21004, false, Id('b'), ""},      {Id('f'), 21005, false, Id('c'), ""}};
    for (int i = 0; i < 6; ++i) f.nodes[i].epoch = i + 1;
    return f;
  }

  FakeNode* ByPort(int port) {
    for (auto& n : nodes) {
      if (n.port == port) return &n;
    }
    return nullptr;
  }

  // Promotes the replica of `master_port`; the master is flagged fail and down.
  void Failover(int master_port) {
    FakeNode* m = ByPort(master_port);
    for (auto& n : nodes) {
      if (!n.master && n.master_id == m->id) {
        n.master = true;
        n.master_id.clear();
        n.slots = m->slots;
        n.epoch = 7;
      }
    }
    m->slots.clear();
    m->down = true;
    m->fail_flag = true;
  }
  // The old master comes back as a replica of whoever took its place.
  void Rejoin(int old_master_port, int new_master_port) {
    FakeNode* m = ByPort(old_master_port);
    m->down = false;
    m->fail_flag = false;
    m->master = false;
    m->master_id = ByPort(new_master_port)->id;
  }

  bool self_without_ip = false;  // a lone node prints itself as ":port@cport" until it meets a peer

  std::string NodesText(const FakeNode& self) const {
    std::string out;
    for (const auto& n : nodes) {
      if (self_without_ip && &n == &self) {
        out += n.id + " :" + std::to_string(n.port) + "@" + std::to_string(n.port + 10000) +
               " myself,master - 0 0 0 connected" + (n.slots.empty() ? "" : " " + n.slots) + "\n";
        continue;
      }
      std::string flags = (&n == &self ? "myself," : "") + std::string(n.master ? "master" : "slave");
      if (n.fail_flag) flags += ",fail";
      out += n.id + " 127.0.0.1:" + std::to_string(n.port) + "@" + std::to_string(n.port + 10000) + " " + flags +
             " " + (n.master ? "-" : n.master_id) + " 0 1795539898000 " + std::to_string(n.epoch) + " " +
             (n.down ? "disconnected" : "connected") + (n.slots.empty() ? "" : " " + n.slots) + "\n";
    }
    return out;
  }

  Reply Answer(const FakeNode& n, const Command& cmd) const {
    std::string c;
    for (const auto& a : cmd) c += (c.empty() ? "" : " ") + a;
    for (const auto& d : denied) {
      if (c == d) return Reply::Error("NOPERM this user has no permissions to run the '" + cmd[0] + "' command");
    }
    if (c == "INFO ALL") {
      std::string info = ReadFixture(n.master ? "redis-7.0-master-info-all.txt" : "redis-7.0-replica-info-all.txt");
      if (!cluster_enabled) {
        info.replace(info.find("cluster_enabled:1"), 17, "cluster_enabled:0");
        info.replace(info.find("redis_mode:cluster"), 18, "redis_mode:standalone");
      }
      return Reply::String(info);
    }
    if (c == "CLUSTER INFO") {
      if (!cluster_enabled) return Reply::Error("ERR This instance has cluster support disabled");
      return Reply::String(ReadFixture("redis-7.0-cluster-info.txt"));
    }
    if (c == "CLUSTER NODES") {
      if (!cluster_enabled) return Reply::Error("ERR This instance has cluster support disabled");
      return Reply::String(NodesText(n));
    }
    if (c == "SLOWLOG LEN") return Reply::Integer(2);
    if (c == "SLOWLOG GET 1") {
      Reply entry;
      entry.type = Reply::Type::kArray;
      entry.elements = {Reply::Integer(5), Reply::Integer(1795539898), Reply::Integer(1500)};
      Reply all;
      all.type = Reply::Type::kArray;
      all.elements = {entry};
      return all;
    }
    if (c == "LATENCY LATEST") {
      Reply event;
      event.type = Reply::Type::kArray;
      event.elements = {Reply::String("command"), Reply::Integer(1795539898), Reply::Integer(250), Reply::Integer(300)};
      Reply all;
      all.type = Reply::Type::kArray;
      all.elements = {event};
      return all;
    }
    if (c == "CLUSTER SLOT-STATS SLOTSRANGE 0 16383") {
      if (!cluster_enabled) return Reply::Error("ERR This instance has cluster support disabled");
      if (slot_stats_fixture.empty()) return Reply::Error("ERR unknown subcommand 'SLOT-STATS'. Try CLUSTER HELP.");
      return *ParseResp(ReadFixture(slot_stats_fixture));
    }
    return Reply::Error("ERR unknown command '" + c + "'");
  }

  std::vector<NodeResponse> Fetch(const std::vector<NodeRequest>& reqs, Clock::time_point) override {
    ++fetch_calls;
    std::vector<NodeResponse> out(reqs.size());
    for (size_t i = 0; i < reqs.size(); ++i) {
      ++requests;
      ++requests_by_node[reqs[i].endpoint.HostPort()];
      const FakeNode* n = nullptr;
      for (const auto& x : nodes) {
        if (x.hostport() == reqs[i].endpoint.HostPort()) n = &x;
      }
      if (!n || n->down) {
        out[i].error = FetchError::kConnect;
        out[i].message = "Connection refused";
        continue;
      }
      if (n->slow) {
        out[i].error = FetchError::kTimeout;
        out[i].message = "no complete reply within the scrape timeout";
        continue;
      }
      if (reqs[i].password != password) {
        out[i].error = FetchError::kAuth;
        out[i].message = "WRONGPASS invalid username-password pair or user is disabled.";
        continue;
      }
      for (const auto& cmd : reqs[i].commands) out[i].replies.push_back(Answer(*n, cmd));
    }
    return out;
  }
};

}  // namespace rcs::exporter::testing
