// redis-cluster-exporter: Prometheus exporter for a whole Redis Cluster from one seed.
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "build_info.h"
#include "config.h"
#include "hiredis_source.h"
#include "http_server.h"
#include "log.h"
#include "scraper.h"

using namespace rcs::exporter;

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = ParseFlags(
      args, [](const char* name) -> const char* { return std::getenv(name); },
      [](const std::string& path) -> std::optional<std::string> {
        std::ifstream in(path, std::ios::binary);
        if (!in) return std::nullopt;
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
      });
  if (parsed.help) {
    std::cout << HelpText();
    return 0;
  }
  if (parsed.version) {
    std::cout << "redis-cluster-exporter " << kVersion << " (" << kCommit << ")\n";
    return 0;
  }
  if (!parsed.config) {
    std::cerr << "redis-cluster-exporter: " << parsed.error << "\n";
    return 2;
  }
  const Config& config = *parsed.config;
  // Memory: each scrape builds ~1 MB of short-lived data on whichever HTTP worker thread serves it. With
  // glibc's defaults every worker gets its own arena that keeps its freed memory, and the dynamic mmap
  // threshold soon puts the big buffers in those arenas too; RSS then grows to arenas x peak. Two arenas and a
  // fixed mmap threshold (large buffers are mmapped and returned to the system when freed) keep RSS near
  // one scrape's peak.
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  mallopt(M_TRIM_THRESHOLD, 256 * 1024);
  Log().Configure(config.log_json, config.log_level);
  std::signal(SIGPIPE, SIG_IGN);

  // Signals are handled by one thread with sigwait, so the server stops cleanly on SIGTERM/SIGINT.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  HiredisSource cluster_source(config.connection_timeout);
  HiredisSource target_source(config.connection_timeout, 64);
  ClusterScraper scraper(config, cluster_source);
  HttpServer server(config, scraper, target_source);
  std::string error;
  int port = server.Bind(&error);
  if (port < 0) {
    Log().Error("startup failed", {{"error", error}});
    return 1;
  }
  std::string seeds;
  for (const auto& s : config.seeds) seeds += (seeds.empty() ? "" : ",") + s.Uri();
  Log().Info("listening", {{"address", config.listen_host + ":" + std::to_string(port)},
                           {"path", config.telemetry_path},
                           {"seeds", seeds},
                           {"version", kVersion}});

  std::thread signals([&] {
    int sig = 0;
    sigwait(&set, &sig);
    Log().Info("stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    server.Stop();
  });
  bool ok = server.Serve();
  if (!ok) {
    Log().Error("serving failed");
    pthread_kill(signals.native_handle(), SIGTERM);
  }
  signals.join();
  return ok ? 0 : 1;
}
