// HTTP endpoints (cpp-httplib): <telemetry-path>, /scrape?target=, /discover-cluster-nodes, /health, / (the
// cluster status page, status_page.h) and /cluster.json (the same as JSON).
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "config.h"
#include "scraper.h"
#include "web_config.h"

namespace httplib {
class Server;
}

namespace rcs::exporter {

class HttpServer {
 public:
  // target_source serves /scrape?target= (its own kept connections, separate from the cluster's).
  HttpServer(const Config& config, ClusterScraper& scraper, RedisSource& target_source);
  ~HttpServer();
  // Binds; returns the port (useful with port 0) or -1 with *error set.
  int Bind(std::string* error);
  // Serves until Stop(). Returns false if serving failed.
  bool Serve();
  void Stop();

 private:
  const Config& config_;
  ClusterScraper& scraper_;
  RedisSource& target_source_;
  std::mutex target_mu_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> serving_{false};  // Serve() was entered
  std::unique_ptr<httplib::Server> server_;  // an SSLServer with tls_server_config
  std::unique_ptr<BasicAuth> auth_;          // with basic_auth_users
};

}  // namespace rcs::exporter
