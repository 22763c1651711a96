// --check-keys / --check-single-keys: pattern parsing, key slots, and CheckKeys against a fake keyspace per
// node that answers SELECT, SCAN (two keys a page), TYPE, the size commands and GETRANGE.
#include <doctest/doctest.h>

#include <fnmatch.h>

#include <map>

#include "key_check.h"
#include "metric_set.h"

namespace rcs::exporter {
namespace {

Reply Status(std::string s) {
  Reply r = Reply::String(std::move(s));
  r.type = Reply::Type::kStatus;
  return r;
}

struct FakeKey {
  std::string type;
  long long size;
  std::string value;
};

class KeySource : public RedisSource {
 public:
  std::map<int, std::map<int, std::map<std::string, FakeKey>>> data;  // port -> db -> key
  std::vector<std::string> log;
  std::vector<NodeResponse> Fetch(const std::vector<NodeRequest>& reqs, Clock::time_point) override {
    std::vector<NodeResponse> out;
    for (const auto& r : reqs) {
      NodeResponse resp;
      int db = 0;
      auto& node = data[r.endpoint.port];
      for (const auto& c : r.commands) {
        std::string line;
        for (const auto& a : c) line += (line.empty() ? "" : " ") + a;
        log.push_back(std::to_string(r.endpoint.port) + " " + line);
        if (c[0] == "SELECT") {
          db = std::stoi(c[1]);
          resp.replies.push_back(Status("OK"));
        } else if (c[0] == "SCAN") {
          auto& keys = node[db];
          size_t from = std::stoul(c[1]);
          Reply page, list;
          page.type = list.type = Reply::Type::kArray;
          size_t i = 0, next = 0;
          for (auto& [k, v] : keys) {
            if (i >= from && i < from + 2 && fnmatch(c[3].c_str(), k.c_str(), 0) == 0) list.elements.push_back(Reply::String(k));
            ++i;
          }
          next = from + 2 >= keys.size() ? 0 : from + 2;
          page.elements = {Reply::String(std::to_string(next)), list};
          resp.replies.push_back(page);
        } else {
          auto it = node[db].find(c[1]);
          if (c[0] == "TYPE") {
            resp.replies.push_back(Status(it == node[db].end() ? "none" : it->second.type));
          } else if (c[0] == "GETRANGE") {
            resp.replies.push_back(Reply::String(it->second.value.substr(0, 4096)));
          } else {
            resp.replies.push_back(Reply::Integer(it->second.size));
          }
        }
      }
      out.push_back(std::move(resp));
    }
    return out;
  }
};

Endpoint Ep(int port) {
  Endpoint e;
  e.host = "127.0.0.1";
  e.port = port;
  return e;
}
NodeRequest Make(const Endpoint& ep, std::vector<Command> cmds) {
  NodeRequest r;
  r.endpoint = ep;
  r.commands = std::move(cmds);
  return r;
}
Clock::time_point Later() { return Clock::now() + std::chrono::seconds(10); }

}  // namespace

TEST_CASE("ParseKeyPatterns: plain, dbN= and blanks; a bad db is an error") {
  std::string err;
  auto p = ParseKeyPatterns(" a*, db3=b* ,,dbx,db12=", &err);
  REQUIRE(p);
  CHECK(*p == std::vector<KeyPattern>{{0, "a*"}, {3, "b*"}, {0, "dbx"}, {12, ""}});
  CHECK_FALSE(ParseKeyPatterns("dbq=x", &err));
  CHECK(err.find("dbq=x") != std::string::npos);
  CHECK(ParseKeyPatterns("", &err)->empty());
}

TEST_CASE("KeyHashSlot matches CLUSTER KEYSLOT") {
  CHECK(KeyHashSlot("foo") == 12182);
  CHECK(KeyHashSlot("bar") == 5061);
  CHECK(KeyHashSlot("{user1000}.following") == KeyHashSlot("user1000"));
  CHECK(KeyHashSlot("foo{}{bar}") == KeyHashSlot("foo{}{bar}"));  // empty tag: the whole key
  CHECK(KeyHashSlot("123456789") == (0x31C3 & 16383));
}

TEST_CASE("CheckKeys in a cluster: SCAN on every master, single keys on their slot's owner, sizes by type") {
  KeySource src;
  src.data[1][0] = {{"big:list", {"list", 3000000, ""}}, {"small:s", {"string", 5, "hello"}},
                    {"num", {"string", 2, "42"}}, {"other", {"hash", 2, ""}}};
  src.data[2][0] = {{"big:z", {"zset", 4, ""}}, {"big:x", {"stream", 1, ""}}, {"foo", {"set", 7, ""}}};
  std::vector<KeyTarget> targets = {{Ep(1), {{0, 8191}}}, {Ep(2), {{8192, 16383}}}};
  KeyCheckOptions o;
  o.patterns = {{0, "big:*"}, {1, "ignored*"}};
  o.single_keys = {{0, "foo"}, {0, "num"}, {0, "missing"}};
  auto keys = CheckKeys(o, true, targets, src, Make, Later());
  // foo (slot 12182) is asked of port 2 only; num (slot 2110... on port 1); db1 is never selected in a cluster.
  for (const auto& l : src.log) CHECK(l.find("SELECT") == std::string::npos);
  MetricSet m("redis");
  WriteKeyMetrics(keys, m);
  const std::string text = m.Serialize();
  CHECK(text.find("redis_key_size{db=\"db0\",key=\"big:list\"} 3000000") != std::string::npos);
  CHECK(text.find("redis_key_size{db=\"db0\",key=\"big:z\"} 4") != std::string::npos);
  CHECK(text.find("redis_key_size{db=\"db0\",key=\"big:x\"} 1") != std::string::npos);
  CHECK(text.find("redis_key_size{db=\"db0\",key=\"foo\"} 7") != std::string::npos);
  CHECK(text.find("redis_key_value{db=\"db0\",key=\"num\"} 42") != std::string::npos);
  CHECK(text.find("redis_key_size{db=\"db0\",key=\"missing\"} 0") != std::string::npos);  // as redis_exporter
  CHECK(text.find("key=\"small:s\"") == std::string::npos);
  CHECK(text.find("# HELP redis_key_size The length or size of \"key\"") != std::string::npos);
}

TEST_CASE("CheckKeys standalone: dbN= patterns SELECT and go back to db0; strings give value or value_as_string") {
  KeySource src;
  src.data[1][0] = {{"s1", {"string", 5, "hello"}}};
  src.data[1][1] = {{"s2", {"string", 9, "worldwide"}}, {"n", {"string", 3, "1.5"}}, {"big", {"string", 5000, std::string(5000, 'x')}}};
  KeyCheckOptions o;
  o.patterns = {{0, "s*"}, {1, "*"}};
  auto keys = CheckKeys(o, false, {{Ep(1), {}}}, src, Make, Later());
  MetricSet m("redis");
  WriteKeyMetrics(keys, m);
  const std::string text = m.Serialize();
  CHECK(text.find("redis_key_value_as_string{db=\"db0\",key=\"s1\",val=\"hello\"} 1") != std::string::npos);
  CHECK(text.find("redis_key_value_as_string{db=\"db1\",key=\"s2\",val=\"worldwide\"} 1") != std::string::npos);
  CHECK(text.find("redis_key_value{db=\"db1\",key=\"n\"} 1.5") != std::string::npos);
  CHECK(text.find("redis_key_size{db=\"db1\",key=\"big\"} 5000") != std::string::npos);
  CHECK(text.find("key=\"big\",val") == std::string::npos);  // a big string's value is not exported
  CHECK(src.log.back() == "1 SELECT 0");
}

TEST_CASE("CheckKeys stops at --check-keys-limit") {
  KeySource src;
  for (int i = 0; i < 20; ++i) src.data[1][0]["k" + std::to_string(100 + i)] = {"list", i, ""};
  KeyCheckOptions o;
  o.patterns = {{0, "k*"}};
  o.limit = 5;
  auto keys = CheckKeys(o, false, {{Ep(1), {}}}, src, Make, Later());
  CHECK(keys.size() == 5);
  int scans = 0;
  for (const auto& l : src.log) scans += l.find("SCAN") != std::string::npos;
  CHECK(scans == 3);  // two keys a page: 2, 4, then 5 of 6 -> stop
}

}  // namespace rcs::exporter

namespace rcs::exporter {
TEST_CASE("CheckKeys starts no SCAN after the scrape deadline, and a failed node ends its scans") {
  KeySource src;
  src.data[1][0] = {{"a1", {"list", 1, ""}}, {"a2", {"list", 2, ""}}, {"a3", {"list", 3, ""}}};
  KeyCheckOptions o;
  o.patterns = {{0, "a*"}};
  CHECK(CheckKeys(o, false, {{Ep(1), {}}}, src, Make, Clock::now() - std::chrono::seconds(1)).empty());
  for (const auto& l : src.log) CHECK(l.find("SCAN") == std::string::npos);

  struct Down : RedisSource {
    int calls = 0;
    std::vector<NodeResponse> Fetch(const std::vector<NodeRequest>& reqs, Clock::time_point) override {
      ++calls;
      std::vector<NodeResponse> out(reqs.size());
      for (auto& r : out) r.error = FetchError::kConnect;
      return out;
    }
  } down;
  CHECK(CheckKeys(o, false, {{Ep(1), {}}}, down, Make, Later()).empty());
  CHECK(down.calls == 1);  // one SCAN round, nothing to TYPE
}
}  // namespace rcs::exporter
