#include "http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <thread>

#include "build_info.h"
#include "log.h"
#include "status_page.h"

namespace rcs::exporter {
namespace {
constexpr const char* kMetricsType = "text/plain; version=0.0.4; charset=utf-8";

// Hands the scrape text to httplib without copying it (set_content copies; a whole-cluster scrape is ~250 KB).
void SetBody(httplib::Response& res, std::string text) {
  auto body = std::make_shared<std::string>(std::move(text));
  const size_t size = body->size();
  res.set_content_provider(size, kMetricsType, [body](size_t offset, size_t length, httplib::DataSink& sink) {
    return sink.write(body->data() + offset, length);
  });
}

// A plain server, or with tls_server_config an SSLServer (its certificate, key, client CA, minimum version).
std::unique_ptr<httplib::Server> MakeServer(const Config& config) {
  if (!config.web || !config.web->tls()) return std::make_unique<httplib::Server>();
  const WebConfig& w = *config.web;
  auto s = std::make_unique<httplib::SSLServer>(w.cert_file.c_str(), w.key_file.c_str(),
                                                w.require_client_cert ? w.client_ca_file.c_str() : nullptr);
  if (s->is_valid() && !w.min_version.empty()) {
    int v = w.min_version == "TLS10" ? TLS1_VERSION : w.min_version == "TLS11" ? TLS1_1_VERSION
          : w.min_version == "TLS12" ? TLS1_2_VERSION : TLS1_3_VERSION;
    SSL_CTX_set_min_proto_version(s->ssl_context(), v);
  }
  return s;
}
}  // namespace

HttpServer::HttpServer(const Config& config, ClusterScraper& scraper, RedisSource& target_source)
    : config_(config), scraper_(scraper), target_source_(target_source), server_(MakeServer(config)) {
  auto& s = *server_;
  if (config_.web && !config_.web->users.empty()) {
    // Every endpoint, as exporter-toolkit protects them all.
    auth_ = std::make_unique<BasicAuth>(config_.web->users);
    s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (auth_->Check(req.get_header_value("Authorization"))) return httplib::Server::HandlerResponse::Unhandled;
      res.status = 401;
      res.set_header("WWW-Authenticate", "Basic");
      res.set_content("Unauthorized\n", "text/plain");
      return httplib::Server::HandlerResponse::Handled;
    });
  }
  // Responses are written in several send() calls; without TCP_NODELAY, Nagle plus the client's delayed ACK
  // stalled ~1% of keep-alive scrapes by 40 ms in the benchmark.
  s.set_tcp_nodelay(true);
  // Keep a scraper's connection for more than httplib's default of 5 requests.
  s.set_keep_alive_max_count(100);
  // httplib's default also sets SO_REUSEPORT, which lets a second exporter bind the same port and silently
  // share the scrapes; only SO_REUSEADDR (fast restart), so a port clash is a startup error.
  s.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  s.Get(config_.telemetry_path, [this](const httplib::Request&, httplib::Response& res) {
    SetBody(res, scraper_.Scrape());
  });
  s.Get("/scrape", [this](const httplib::Request& req, httplib::Response& res) {
    std::string target = req.get_param_value("target");
    std::string err;
    auto ep = target.empty() ? std::nullopt : ParseRedisUri(target, &err);
    if (!ep) {
      res.status = 400;
      res.set_content(target.empty() ? "missing ?target=redis://host:port\n" : err + "\n", "text/plain");
      return;
    }
    std::lock_guard lock(target_mu_);
    SetBody(res, ScrapeSingleTarget(config_, target_source_, *ep));
  });
  s.Get("/discover-cluster-nodes", [this](const httplib::Request&, httplib::Response& res) {
    auto json = scraper_.Discover();
    if (!json) {
      res.status = 503;
      res.set_content("{\"error\":\"no seed answered CLUSTER NODES\"}", "application/json");
      return;
    }
    res.set_content(*json, "application/json");
  });
  s.Get("/health", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  // The status page and its JSON: from the last scrape when it is at most 5 s old, else a scrape of their own.
  s.Get("/", [this](const httplib::Request&, httplib::Response& res) {
    ClusterStatus st = scraper_.Status(std::chrono::seconds(5));
    res.set_content(RenderStatusHtml(st, kVersion, 10, config_.telemetry_path), "text/html; charset=utf-8");
  });
  s.Get("/cluster.json", [this](const httplib::Request&, httplib::Response& res) {
    ClusterStatus st = scraper_.Status(std::chrono::seconds(5));
    res.set_content(StatusJson(st).dump(), "application/json");
  });
  s.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    Log().Error("request failed", {{"path", req.path}, {"error", what}});
    res.status = 500;
    res.set_content("internal error\n", "text/plain");
  });
}

HttpServer::~HttpServer() = default;

int HttpServer::Bind(std::string* error) {
  if (!server_->is_valid()) {
    *error = "--web.config.file: cannot load the TLS certificate \"" + config_.web->cert_file + "\" / key \"" +
             config_.web->key_file + "\"" + (config_.web->require_client_cert ? " / client CA \"" + config_.web->client_ca_file + "\"" : "");
    return -1;
  }
  int port = config_.listen_port;
  bool ok;
  if (port == 0) {
    port = server_->bind_to_any_port(config_.listen_host);
    ok = port > 0;
  } else {
    ok = server_->bind_to_port(config_.listen_host, port);
  }
  if (!ok) {
    *error = "cannot listen on " + config_.listen_host + ":" + std::to_string(config_.listen_port);
    return -1;
  }
  return port;
}

bool HttpServer::Serve() {
  serving_ = true;
  if (stop_requested_) return true;
  return server_->listen_after_bind();
}

void HttpServer::Stop() {
  // httplib's stop() does nothing before the server loop runs, and the loop would then serve forever: a
  // SIGTERM right at startup (or a test's quick teardown) must still stop it. Wait, bounded, for the loop.
  stop_requested_ = true;
  for (int i = 0; i < 200 && !server_->is_running() && serving_; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  server_->stop();
}

}  // namespace rcs::exporter
