// The HTTP endpoints in-process (cpp-httplib client against our server on 127.0.0.1:21150-21159, fake Redis
// source behind it) and the log line formats.
#include <doctest/doctest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "fake_source.h"
#include "http_server.h"
#include "log.h"

using namespace rcs::exporter;
using rcs::exporter::testing::FakeCluster;

namespace {
struct ServerFixture {
  FakeCluster cluster = FakeCluster::SixNodes();
  FakeCluster targets = FakeCluster::SixNodes();
  Config config;
  std::unique_ptr<ClusterScraper> scraper;
  std::unique_ptr<HttpServer> server;
  std::thread thread;
  int port = -1;

  explicit ServerFixture(int listen_port, std::string path = "/metrics") {
    Log().set_quiet(true);
    std::string err;
    config.seeds.push_back(*ParseRedisUri("redis://127.0.0.1:21000", &err));
    config.password = "pw";
    config.listen_host = "127.0.0.1";
    config.listen_port = listen_port;
    config.telemetry_path = path;
    config.scrape_timeout = std::chrono::milliseconds(1000);
    scraper = std::make_unique<ClusterScraper>(config, cluster);
    server = std::make_unique<HttpServer>(config, *scraper, targets);
    port = server->Bind(&err);
    if (port > 0) thread = std::thread([this] { server->Serve(); });
  }
  ~ServerFixture() {
    if (thread.joinable()) {
      server->Stop();
      thread.join();
    }
    Log().set_quiet(false);
  }
};
}  // namespace

TEST_CASE("HTTP endpoints") {
  ServerFixture f(21150, "/custom-metrics");
  REQUIRE(f.port == 21150);
  httplib::Client c("127.0.0.1", f.port);
  c.set_read_timeout(5, 0);

  auto m = c.Get("/custom-metrics");
  REQUIRE(m);
  CHECK(m->status == 200);
  CHECK(m->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(CountLinesStartingWith(m->body, "redis_up{") == 6);
  CHECK(c.Get("/metrics")->status == 404);  // the telemetry path is configurable

  auto t = c.Get("/scrape?target=redis://127.0.0.1:21002");
  REQUIRE(t);
  CHECK(t->status == 200);
  CHECK(CountLinesStartingWith(t->body, "redis_up{") == 1);
  CHECK(c.Get("/scrape")->status == 400);
  CHECK(c.Get("/scrape?target=rediss://127.0.0.1:21002")->status == 400);

  auto d = c.Get("/discover-cluster-nodes");
  REQUIRE(d);
  CHECK(d->status == 200);
  CHECK(nlohmann::json::parse(d->body).size() == 6);

  CHECK(c.Get("/health")->body == "ok\n");
  auto home = c.Get("/");
  REQUIRE(home);
  CHECK(home->body.find("/custom-metrics") != std::string::npos);
  CHECK(home->body.find("data-nodes=\"6\"") != std::string::npos);  // the status page
  auto status = c.Get("/cluster.json");
  REQUIRE(status);
  CHECK(status->status == 200);
  CHECK(nlohmann::json::parse(status->body)["nodes"] == 6);

  for (auto& n : f.cluster.nodes) n.down = true;
  CHECK(c.Get("/discover-cluster-nodes")->status == 503);
  auto down = c.Get("/custom-metrics");
  REQUIRE(down);
  CHECK(down->status == 200);  // never fails as a whole
  CHECK(CountLinesStartingWith(down->body, "redis_up{") == 6);
  CHECK(down->body.find("} 1\n") != std::string::npos);  // e.g. the build info is still there
}

TEST_CASE("binding a busy port fails cleanly") {
  ServerFixture first(21151);
  REQUIRE(first.port == 21151);
  Config c;
  c.listen_host = "127.0.0.1";
  c.listen_port = 21151;
  FakeCluster fake = FakeCluster::SixNodes();
  c.seeds = first.config.seeds;
  ClusterScraper scraper(c, fake);
  HttpServer second(c, scraper, fake);
  std::string err;
  CHECK(second.Bind(&err) == -1);
  CHECK(err.find("cannot listen") != std::string::npos);
}

TEST_CASE("log lines: text with quoting, json objects") {
  Logger text;
  text.set_quiet(true);
  text.Info("node scrape failed", {{"addr", "127.0.0.1:1"}, {"error", "say \"hi\"\nnext"}, {"empty", ""}});
  std::string line = text.last_line();
  CHECK(line.find("level=info msg=\"node scrape failed\" addr=127.0.0.1:1") != std::string::npos);
  CHECK(line.find("error=\"say \\\"hi\\\"\\nnext\"") != std::string::npos);
  CHECK(line.find("empty=\"\"") != std::string::npos);
  CHECK(line.rfind("time=", 0) == 0);

  Logger json;
  json.set_quiet(true);
  json.Configure(true, LogLevel::kWarn);
  json.Info("dropped");
  CHECK(json.last_line().empty());  // below the level
  json.Warn("seed changed", {{"seed", "a:1"}, {"bytes", "\xff"}});
  auto j = nlohmann::json::parse(json.last_line());
  CHECK(j["level"] == "warn");
  CHECK(j["msg"] == "seed changed");
  CHECK(j["seed"] == "a:1");
  CHECK(j.contains("time"));
}
