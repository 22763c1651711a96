#include <doctest/doctest.h>

#include "info_parser.h"
#include "test_util.h"
#include "text_split.h"

using namespace rcs::exporter;

namespace {
std::string_view Field(const std::vector<InfoField>& fields, std::string_view key) {
  for (const auto& f : fields) {
    if (f.key == key) return f.value;
  }
  return "<missing>";
}
}  // namespace

TEST_CASE("INFO ALL of a Redis 7.0 master parses into sections and fields") {
  const std::string text = ReadFixture("redis-7.0-master-info-all.txt");
  auto fields = ParseInfo(text);
  CHECK(fields.size() > 200);
  CHECK(Field(fields, "redis_version") == "7.0.15");
  CHECK(Field(fields, "role") == "master");
  CHECK(Field(fields, "connected_clients") == "1");
  CHECK(Field(fields, "used_memory") == "3155648");
  CHECK(Field(fields, "cluster_enabled") == "1");
  CHECK(Field(fields, "os") == "Linux 6.18.44-fc-v509 x86_64");  // values keep their spaces
  CHECK(Field(fields, "config_file") == "");                      // empty value is a field
  for (const auto& f : fields) {
    CHECK(f.value.find('\r') == std::string_view::npos);
    CHECK(!f.key.empty());
  }
  // Sections are attached.
  for (const auto& f : fields) {
    if (f.key == "used_memory") CHECK(f.section == "Memory");
    if (f.key.starts_with("cmdstat_")) CHECK(f.section == "Commandstats");
    if (f.key == "db0") CHECK(f.section == "Keyspace");
  }
}

TEST_CASE("INFO of a replica has its replication fields") {
  const std::string text = ReadFixture("redis-7.0-replica-info-all.txt");
  auto fields = ParseInfo(text);
  CHECK(Field(fields, "role") == "slave");
  CHECK(Field(fields, "master_host") == "127.0.0.1");
  CHECK(Field(fields, "master_port") == "21602");
  CHECK(Field(fields, "master_link_status") == "down");
  CHECK(Field(fields, "slave_repl_offset") == "0");
}

TEST_CASE("ParseInfo accepts bare LF, skips junk and headers") {
  auto fields = ParseInfo("# Server\nredis_version:7.2.0\nnot a field\n:novalue\n\n# Clients\nconnected_clients:3");
  REQUIRE(fields.size() == 2);
  CHECK(fields[0].key == "redis_version");
  CHECK(fields[0].section == "Server");
  CHECK(fields[1].value == "3");
  CHECK(fields[1].section == "Clients");
  CHECK(ParseInfo("").empty());
}

TEST_CASE("numbers as Redis prints them") {
  CHECK(ParseNumber("42").value() == 42);
  CHECK(ParseNumber("-1").value() == -1);
  CHECK(ParseNumber("0.17").value() == doctest::Approx(0.17));
  CHECK(ParseNumber("30.59%").value() == doctest::Approx(30.59));
  CHECK(ParseNumber("1.5e3").value() == 1500);
  CHECK_FALSE(ParseNumber("").has_value());
  CHECK_FALSE(ParseNumber("ok").has_value());
  CHECK_FALSE(ParseNumber("3.01M").has_value());
  CHECK_FALSE(ParseNumber("%").has_value());
}

TEST_CASE("commandstats, keyspace, replicas and latency percentiles") {
  auto cs = ParseCommandStat("calls=6289,usec=1063,usec_per_call=0.17,rejected_calls=2,failed_calls=3");
  REQUIRE(cs);
  CHECK(cs->calls == 6289);
  CHECK(cs->usec == 1063);
  CHECK(cs->rejected_calls == 2);
  CHECK(cs->failed_calls == 3);
  // Redis before 6.2 has no rejected/failed counts.
  auto old = ParseCommandStat("calls=5,usec=10,usec_per_call=2.00");
  REQUIRE(old);
  CHECK(old->failed_calls == 0);
  CHECK_FALSE(ParseCommandStat("garbage"));

  auto ks = ParseKeyspace("keys=3,expires=1,avg_ttl=2500");
  REQUIRE(ks);
  CHECK(ks->keys == 3);
  CHECK(ks->expires == 1);
  CHECK(ks->avg_ttl_ms == 2500);
  CHECK_FALSE(ParseKeyspace("expires=1"));

  auto r = ParseConnectedReplica("ip=127.0.0.1,port=21606,state=wait_bgsave,offset=10,lag=1");
  REQUIRE(r);
  CHECK(r->ip == "127.0.0.1");
  CHECK(r->port == "21606");
  CHECK(r->state == "wait_bgsave");
  CHECK(r->offset == 10);
  CHECK(r->lag == 1);
  auto v6 = ParseConnectedReplica("ip=::1,port=6380,state=online,offset=5,lag=0");
  REQUIRE(v6);
  CHECK(v6->ip == "::1");
  CHECK_FALSE(ParseConnectedReplica("port=1"));

  auto lat = ParseLatencyPercentiles("p50=0.001,p99=1.003,p99.9=4.015");
  REQUIRE(lat.size() == 3);
  CHECK(lat[0].quantile == doctest::Approx(0.5));
  CHECK(lat[2].quantile == doctest::Approx(0.999));
  CHECK(lat[2].usec == doctest::Approx(4.015));
  CHECK(ParseLatencyPercentiles("x=1,p=2").empty());
}

TEST_CASE("CLUSTER INFO fixtures") {
  const std::string ok_text = ReadFixture("redis-7.0-cluster-info.txt");  // fields point into the text
  auto ok = ParseInfo(ok_text);
  CHECK(Field(ok, "cluster_state") == "ok");
  CHECK(Field(ok, "cluster_slots_ok") == "16384");
  CHECK(Field(ok, "cluster_stats_messages_meet_received") == "5");
  const std::string failed_text = ReadFixture("redis-7.0-cluster-info-after-master-killed.txt");
  auto failed = ParseInfo(failed_text);
  CHECK(Field(failed, "cluster_state") == "fail");
  CHECK(Field(failed, "cluster_slots_fail") == "5461");
}

TEST_CASE("INFO ALL of our own node (standalone, captured with redis-cli from redis-cluster-node 0.1)") {
  const std::string text = ReadFixture("rcs-node-0.1-standalone-info-all.txt");
  auto fields = ParseInfo(text);
  CHECK(fields.size() > 150);
  CHECK(Field(fields, "redis_mode") == "standalone");
  CHECK(Field(fields, "role") == "master");
  CHECK(Field(fields, "cluster_enabled") == "0");
  CHECK(ParseKeyspace(Field(fields, "db0")).has_value());
  int cmdstats = 0;
  for (const auto& f : fields) {
    if (f.key.starts_with("cmdstat_")) {
      CHECK_MESSAGE(ParseCommandStat(f.value).has_value(), f.key);
      ++cmdstats;
    }
  }
  CHECK(cmdstats > 0);
}

TEST_CASE("Splitter and LineSplitter: the one way reply text is cut") {
  auto pieces = [](std::string_view text, char sep) {
    std::vector<std::string_view> out;
    Splitter s(text, sep);
    std::string_view p;
    while (s.Next(p)) out.push_back(p);
    return out;
  };
  CHECK(pieces("", ',').empty());
  CHECK(pieces("a", ',') == std::vector<std::string_view>{"a"});
  CHECK(pieces("a,,b,", ',') == std::vector<std::string_view>{"a", "", "b"});
  CHECK(pieces(",", ',') == std::vector<std::string_view>{""});
  std::vector<std::string_view> lines;
  LineSplitter ls("one\r\ntwo\n\r\nthree");
  std::string_view line;
  while (ls.Next(line)) lines.push_back(line);
  CHECK(lines == std::vector<std::string_view>{"one", "two", "", "three"});
}

TEST_CASE("INFO keysizes lines (Redis 8.2 format): db, type, power-of-two bins with K/M units") {
  auto l = ParseKeySizes("db0_distrib_strings_sizes", "0=1,2=3,4K=2,1M=1");
  REQUIRE(l.has_value());
  CHECK(l->db == "db0");
  CHECK(l->type == "strings");
  REQUIRE(l->bins.size() == 4);
  CHECK(l->bins[0] == std::pair<double, double>(0, 1));
  CHECK(l->bins[1] == std::pair<double, double>(2, 3));
  CHECK(l->bins[2] == std::pair<double, double>(4096, 2));
  CHECK(l->bins[3] == std::pair<double, double>(1048576, 1));
  auto h = ParseKeySizes("db12_distrib_hashes_items", "1=5");
  REQUIRE(h.has_value());
  CHECK(h->db == "db12");
  CHECK(h->type == "hashes");
  CHECK_FALSE(ParseKeySizes("db0", "keys=1,expires=0").has_value());
  CHECK_FALSE(ParseKeySizes("dbx_distrib_strings_sizes", "1=1").has_value());
  CHECK_FALSE(ParseKeySizes("db0_distrib_strings_bytes", "1=1").has_value());
  CHECK_FALSE(ParseKeySizes("db0_distrib_strings_sizes", "1Q=1").has_value());
  CHECK_FALSE(ParseKeySizes("db0_distrib_strings_sizes", "2=-1").has_value());
}
