#include "scraper.h"

#include <prometheus/text_serializer.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "build_info.h"
#include "collectors/collectors.h"
#include "info_parser.h"
#include "log.h"
#include "text_split.h"

namespace rcs::exporter {
namespace {

const Command kClusterNodes{"CLUSTER", "NODES"};

bool IsAuthError(std::string_view e) {
  return e.starts_with("NOAUTH") || e.starts_with("WRONGPASS") || e.starts_with("NOPERM") ||
         e.find("invalid password") != std::string_view::npos ||
         e.find("without any password configured") != std::string_view::npos;
}

bool IsClusterDisabled(std::string_view e) {
  return e.find("cluster support disabled") != std::string_view::npos ||
         e.find("unknown command") != std::string_view::npos;
}

std::string NormalizeRole(std::string_view r) {
  if (r == "master") return "master";
  if (r == "slave" || r == "replica") return "replica";
  return "unknown";
}

std::string_view InfoValue(std::string_view info, std::string_view key) {
  LineSplitter lines(info);
  std::string_view line;
  while (lines.Next(line)) {
    if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == ':') {
      return line.substr(key.size() + 1);
    }
  }
  return {};
}

const prometheus::Histogram::BucketBoundaries kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                          0.25,  0.5,    1,     2.5,  5,     10};

}  // namespace

const std::vector<Command>& NodeCommands() {
  static const std::vector<Command> cmds = {
      {"INFO", "ALL"}, {"CLUSTER", "INFO"}, {"SLOWLOG", "LEN"}, {"SLOWLOG", "GET", "1"}};
  return cmds;
}

void FillNodeScrape(NodeScrape& node, NodeResponse& r) {
  node.seconds = r.seconds;
  if (!r.ok()) {
    node.up = false;
    node.error = r.error;
    node.error_message = r.message;
    return;
  }
  if (r.replies.empty() || r.replies[0].type != Reply::Type::kString) {
    node.up = false;
    std::string msg = r.replies.empty() ? "no reply" : r.replies[0].str;
    node.error = IsAuthError(msg) ? FetchError::kAuth : FetchError::kIo;
    node.error_message = "INFO: " + msg;
    return;
  }
  node.up = true;
  node.error = FetchError::kNone;
  node.error_message.clear();
  node.info = std::move(r.replies[0].str);
  std::string_view role = InfoValue(node.info, "role");
  if (!role.empty()) node.role = NormalizeRole(role);
  if (r.replies.size() > 1 && r.replies[1].type == Reply::Type::kString) node.cluster_info = std::move(r.replies[1].str);
  if (r.replies.size() > 2 && r.replies[2].type == Reply::Type::kInteger) node.slowlog_len = r.replies[2].integer;
  if (r.replies.size() > 3 && r.replies[3].type == Reply::Type::kArray) {
    const auto& entries = r.replies[3].elements;
    if (!entries.empty() && entries[0].type == Reply::Type::kArray && entries[0].elements.size() >= 3 &&
        entries[0].elements[0].type == Reply::Type::kInteger && entries[0].elements[2].type == Reply::Type::kInteger) {
      node.slowlog_last_id = entries[0].elements[0].integer;
      node.slowlog_last_duration_seconds = entries[0].elements[2].integer / 1e6;
    } else if (entries.empty()) {
      node.slowlog_last_id = 0;
      node.slowlog_last_duration_seconds = 0;
    }
  }
}

ClusterScraper::ClusterScraper(Config config, RedisSource& source)
    : ClusterScraper(std::move(config), source, DefaultCollectors()) {}

ClusterScraper::ClusterScraper(Config config, RedisSource& source, std::vector<std::unique_ptr<Collector>> collectors)
    : config_(std::move(config)),
      source_(source),
      collectors_(std::move(collectors)),
      scratch_(config_.ns),
      registry_(std::make_shared<prometheus::Registry>()) {
  const std::string p = config_.ns + "_exporter_";
  using prometheus::BuildCounter;
  using prometheus::BuildGauge;
  using prometheus::BuildHistogram;
  scrapes_ = &BuildCounter().Name(p + "scrapes_total").Help("Scrapes of the cluster").Register(*registry_).Add({});
  last_duration_ = &BuildGauge()
                        .Name(p + "last_scrape_duration_seconds")
                        .Help("Duration of this scrape (before serialization)")
                        .Register(*registry_)
                        .Add({});
  duration_ = &BuildHistogram()
                   .Name(p + "scrape_duration_seconds")
                   .Help("Durations of scrapes")
                   .Register(*registry_)
                   .Add({}, kBuckets);
  last_error_gauge_ = &BuildGauge()
                           .Name(p + "last_scrape_error")
                           .Help("1 when a node or every seed could not be read this scrape")
                           .Register(*registry_)
                           .Add({});
  nodes_discovered_ =
      &BuildGauge().Name(p + "nodes_discovered").Help("Nodes this scrape reported on").Register(*registry_).Add({});
  collector_success_ = &BuildGauge()
                            .Name(p + "collector_success")
                            .Help("1 when the collector's source was usable this scrape")
                            .Register(*registry_);
  collector_duration_ = &BuildGauge()
                             .Name(p + "collector_duration_seconds")
                             .Help("Time the collector took this scrape")
                             .Register(*registry_);
  node_errors_ = &BuildCounter()
                      .Name(p + "node_scrape_errors_total")
                      .Help("Scrapes in which the node could not be read")
                      .Register(*registry_);
  BuildGauge()
      .Name(p + "build_info")
      .Help("Exporter build (always 1)")
      .Register(*registry_)
      .Add({{"version", kVersion}, {"commit", kCommit}, {"compiler", __VERSION__}})
      .Set(1);
}

NodeRequest ClusterScraper::Request(const Endpoint& ep, std::vector<Command> commands) const {
  NodeRequest r;
  r.endpoint = ep;
  r.user = config_.UserFor(ep);
  r.password = config_.PasswordFor(ep);
  r.commands = std::move(commands);
  return r;
}

ClusterScraper::SeedAnswer ClusterScraper::AskSeeds(size_t from, const std::vector<Endpoint>& extra,
                                                    Clock::time_point deadline,
                                                    std::map<std::string, NodeResponse>* failures) {
  std::vector<Endpoint> candidates(config_.seeds.begin() + std::min(from, config_.seeds.size()), config_.seeds.end());
  candidates.insert(candidates.end(), extra.begin(), extra.end());
  std::set<std::string> tried;
  for (const auto& ep : candidates) {
    if (Clock::now() >= deadline) break;
    if (!tried.insert(ep.HostPort()).second) continue;
    auto resp = source_.Fetch({Request(ep, {kClusterNodes})}, deadline);
    NodeResponse& r = resp[0];
    if (r.ok() && !r.replies.empty()) {
      Reply& rep = r.replies[0];
      if (rep.type == Reply::Type::kString) return {true, false, ep.HostPort(), std::move(rep.str)};
      if (rep.IsError() && IsClusterDisabled(rep.str)) return {true, true, ep.HostPort(), {}};
      if (rep.IsError()) {
        r.error = IsAuthError(rep.str) ? FetchError::kAuth : FetchError::kIo;
        r.message = "CLUSTER NODES: " + rep.str;
      }
    }
    Log().Debug("seed did not answer", {{"seed", ep.HostPort()}, {"error", r.message}});
    if (failures) (*failures)[ep.HostPort()] = std::move(r);
  }
  return {};
}

Endpoint ClusterScraper::SeedEndpoint(const std::string& host_port) const {
  for (const auto& s : config_.seeds) {
    if (s.HostPort() == host_port) return s;
  }
  for (const auto& k : known_) {
    if (k.endpoint.HostPort() == host_port) return k.endpoint;
  }
  return config_.seeds.front();
}

ScrapeData ClusterScraper::Gather(Clock::time_point deadline) {
  ScrapeData data;
  // Round A: known nodes, plus CLUSTER NODES from the first seed and from a backup (the second seed, or else a
  // known node), each on the same connection as that node's INFO when it is a known node. The backup's answer
  // is used only when the first seed fails; asking both at once means a hung seed does not eat the whole
  // scrape budget before the fallback is even tried.
  std::vector<NodeRequest> reqs;
  std::map<std::string, size_t> by_hostport;
  for (const auto& k : known_) {
    if (by_hostport.count(k.endpoint.HostPort())) continue;
    by_hostport[k.endpoint.HostPort()] = reqs.size();
    reqs.push_back(Request(k.endpoint, NodeCommands()));
  }
  struct Ask {
    Endpoint endpoint;
    size_t req = 0, pos = 0;
  };
  auto add_ask = [&](const Endpoint& ep) {
    Ask a{ep};
    if (auto it = by_hostport.find(ep.HostPort()); it != by_hostport.end()) {
      a.req = it->second;
      a.pos = reqs[a.req].commands.size();
      reqs[a.req].commands.push_back(kClusterNodes);
    } else {
      a.req = reqs.size();
      reqs.push_back(Request(ep, {kClusterNodes}));
    }
    return a;
  };
  const Endpoint& seed0 = config_.seeds.front();
  std::vector<Ask> asks{add_ask(seed0)};
  size_t next_seed = 1;
  if (config_.seeds.size() > 1) {
    asks.push_back(add_ask(config_.seeds[1]));
    next_seed = 2;
  } else {
    for (const auto& k : known_) {
      if (k.endpoint.HostPort() != seed0.HostPort()) {
        asks.push_back(add_ask(k.endpoint));
        break;
      }
    }
  }
  auto resps = source_.Fetch(reqs, deadline);

  std::map<std::string, NodeResponse> seed_failures;
  SeedAnswer seed;
  for (const auto& a : asks) {
    NodeResponse& r = resps[a.req];
    const std::string hp = a.endpoint.HostPort();
    if (r.ok() && r.replies.size() > a.pos) {
      Reply& rep = r.replies[a.pos];
      if (rep.type == Reply::Type::kString) {
        seed = {true, false, hp, std::move(rep.str)};
        break;
      }
      if (rep.IsError() && IsClusterDisabled(rep.str)) {
        seed = {true, true, hp, {}};
        break;
      }
      NodeResponse f;
      f.error = rep.IsError() && IsAuthError(rep.str) ? FetchError::kAuth : FetchError::kIo;
      f.message = "CLUSTER NODES: " + rep.str;
      seed_failures[hp] = std::move(f);
    } else {
      seed_failures[hp] = r;
    }
  }
  if (!seed.ok) {
    // The remaining seeds, then nodes that just answered (warm connections), then the rest of the known nodes.
    std::vector<Endpoint> extra;
    for (int pass = 0; pass < 2; ++pass) {
      for (const auto& k : known_) {
        if (seed_failures.count(k.endpoint.HostPort())) continue;
        bool answered = resps[by_hostport[k.endpoint.HostPort()]].ok();
        if (answered == (pass == 0)) extra.push_back(k.endpoint);
      }
    }
    seed = AskSeeds(next_seed, extra, deadline, &seed_failures);
  }
  if (seed.ok && seed.seed_addr != last_seed_) {  // log changes of seed, not every scrape
    if (seed.seed_addr != seed0.HostPort()) {
      Log().Warn("first seed unavailable, using another", {{"seed", seed0.HostPort()}, {"used", seed.seed_addr}});
    } else if (!last_seed_.empty()) {
      Log().Info("first seed answers again", {{"seed", seed0.HostPort()}});
    }
  }
  if (!seed.ok && !last_seed_.empty()) Log().Error("no seed answered CLUSTER NODES");
  last_seed_ = seed.ok ? seed.seed_addr : "";

  // Which nodes this scrape reports.
  std::vector<Known> nodes;
  if (seed.ok && !seed.standalone) {
    cluster_mode_ = true;
    data.cluster_mode = true;
    data.cluster_view_ok = true;
    data.seed_addr = seed.seed_addr;
    data.topology = ParseClusterNodes(seed.nodes_text);
    if (!data.topology.error.empty()) Log().Warn("odd CLUSTER NODES line", {{"error", data.topology.error}});
    const Endpoint seed_ep = SeedEndpoint(seed.seed_addr);
    std::map<std::string, std::pair<size_t, bool>> at_addr;  // hostport -> (index in nodes, failed)
    for (auto& n : data.topology.nodes) {
      // A node that has not met any peer yet prints its own address as ":port"; it is the seed itself.
      if (n.myself && n.ip.empty() && !n.noaddr) n.ip = seed_ep.host;
      if (!n.Scrapable()) continue;
      auto ep = EndpointFromNodeAddr(n.ip, n.port);
      if (!ep) continue;
      Known k{*ep, n.Addr(), n.id, std::string(n.Role()), n.master_id};
      // Two entries at one address (a node re-created with a new id while the old id is still remembered as
      // failed): the address answers for the live one only, so only it gets the INFO series.
      auto [it, fresh] = at_addr.try_emplace(ep->HostPort(), nodes.size(), n.fail);
      if (fresh) {
        nodes.push_back(std::move(k));
      } else if (it->second.second && !n.fail) {
        nodes[it->second.first] = std::move(k);
        it->second.second = false;
      }
    }
    // Stable output order (CLUSTER NODES order changes between calls).
    std::sort(nodes.begin(), nodes.end(), [](const Known& a, const Known& b) { return a.addr < b.addr; });
  } else if (seed.ok && seed.standalone) {
    cluster_mode_ = false;
    for (const auto& s : config_.seeds) nodes.push_back({s, s.HostPort(), "", "unknown", ""});
  } else {
    // No seed answered. Report what we knew; before any topology, the seeds themselves.
    data.cluster_mode = cluster_mode_;
    if (!known_.empty()) {
      nodes = known_;
    } else {
      for (const auto& s : config_.seeds) nodes.push_back({s, s.HostPort(), "", "unknown", ""});
    }
  }

  // Round B: nodes not fetched in round A.
  std::vector<NodeRequest> more;
  std::vector<std::string> more_keys;
  for (const auto& n : nodes) {
    const std::string hp = n.endpoint.HostPort();
    if (by_hostport.count(hp)) continue;
    if (std::find(more_keys.begin(), more_keys.end(), hp) != more_keys.end()) continue;
    if (!seed.ok && seed_failures.count(hp)) continue;  // already failed this scrape; do not wait on it twice
    more.push_back(Request(n.endpoint, NodeCommands()));
    more_keys.push_back(hp);
  }
  std::vector<NodeResponse> more_resps;
  if (!more.empty()) more_resps = source_.Fetch(more, deadline);

  data.nodes.reserve(nodes.size());
  for (const auto& n : nodes) {
    NodeScrape s;
    s.addr = n.addr;
    s.node_id = n.node_id;
    s.role = n.role.empty() ? "unknown" : n.role;
    s.master_id = n.master_id;
    const std::string hp = n.endpoint.HostPort();
    NodeResponse* r = nullptr;
    if (auto it = by_hostport.find(hp); it != by_hostport.end()) {
      r = &resps[it->second];
    } else if (auto m = std::find(more_keys.begin(), more_keys.end(), hp); m != more_keys.end()) {
      r = &more_resps[m - more_keys.begin()];
    }
    if (r) {
      FillNodeScrape(s, *r);
    } else if (auto f = seed_failures.find(hp); f != seed_failures.end()) {
      s.error = f->second.error == FetchError::kNone ? FetchError::kIo : f->second.error;
      s.error_message = f->second.message;
    } else {
      s.error = FetchError::kTimeout;
      s.error_message = "not fetched";
    }
    data.nodes.push_back(std::move(s));
  }

  if (seed.ok) {
    known_ = std::move(nodes);
    std::vector<std::string> keep;
    for (const auto& k : known_) keep.push_back(k.endpoint.HostPort());
    for (const auto& s : config_.seeds) keep.push_back(s.HostPort());
    source_.Retain(keep);
  }
  return data;
}

void ClusterScraper::TrackErrors(const ScrapeData& data) {
  std::map<std::string, prometheus::Counter*> counters;
  std::map<std::string, std::string> last;
  for (const auto& n : data.nodes) {
    prometheus::Counter* c = nullptr;
    if (auto it = node_error_counters_.find(n.addr); it != node_error_counters_.end()) {
      c = it->second;
      node_error_counters_.erase(it);
    } else if (auto done = counters.find(n.addr); done != counters.end()) {
      c = done->second;
    } else {
      c = &node_errors_->Add({{"addr", n.addr}});
    }
    counters[n.addr] = c;
    std::string prev = last_error_.count(n.addr) ? last_error_[n.addr] : "";
    if (!n.up) {
      c->Increment();
      std::string what = std::string(FetchErrorName(n.error)) + ": " + n.error_message;
      if (what != prev) {
        Log().Warn("node scrape failed", {{"addr", n.addr},
                                          {"node_id", n.node_id},
                                          {"kind", FetchErrorName(n.error)},
                                          {"error", n.error_message}});
      }
      last[n.addr] = what;
    } else if (!prev.empty()) {
      Log().Info("node scrape recovered", {{"addr", n.addr}, {"node_id", n.node_id}});
    }
  }
  for (auto& [addr, c] : node_error_counters_) node_errors_->Remove(c);  // nodes that left
  node_error_counters_ = std::move(counters);
  last_error_ = std::move(last);
}

std::string ClusterScraper::Scrape() {
  std::lock_guard lock(mu_);
  const auto start = Clock::now();
  ScrapeData data = Gather(start + config_.scrape_timeout);
  TrackErrors(data);

  MetricSet& out = scratch_;
  out.Clear();
  std::vector<std::pair<const char*, std::pair<bool, double>>> collector_stats;
  for (auto& c : collectors_) {
    auto t0 = Clock::now();
    bool ok = c->Collect(data, out);
    collector_stats.push_back({c->Name(), {ok, std::chrono::duration<double>(Clock::now() - t0).count()}});
  }

  bool any_error = data.cluster_mode && !data.cluster_view_ok;
  for (const auto& n : data.nodes) any_error = any_error || !n.up;
  for (const auto& [name, st] : collector_stats) {
    collector_success_->Add({{"collector", name}}).Set(st.first ? 1 : 0);
    collector_duration_->Add({{"collector", name}}).Set(st.second);
  }
  nodes_discovered_->Set(static_cast<double>(data.nodes.size()));
  last_error_gauge_->Set(any_error ? 1 : 0);
  scrapes_->Increment();
  const double took = std::chrono::duration<double>(Clock::now() - start).count();
  last_duration_->Set(took);
  duration_->Observe(took);
  std::string text = out.Serialize();
  text += prometheus::TextSerializer().Serialize(registry_->Collect());
  return text;
}

std::optional<std::string> ClusterScraper::Discover() {
  std::lock_guard lock(mu_);
  auto deadline = Clock::now() + config_.scrape_timeout;
  std::vector<Endpoint> extra;
  for (const auto& k : known_) extra.push_back(k.endpoint);
  SeedAnswer seed = AskSeeds(0, extra, deadline, nullptr);
  if (!seed.ok) return std::nullopt;
  nlohmann::json out = nlohmann::json::array();
  if (seed.standalone) {
    for (const auto& s : config_.seeds) {
      out.push_back({{"targets", {s.Uri()}}, {"labels", nlohmann::json::object()}});
    }
    return out.dump();
  }
  for (const auto& n : ParseClusterNodes(seed.nodes_text).nodes) {
    if (!n.Scrapable()) continue;
    auto ep = EndpointFromNodeAddr(n.ip, n.port);
    if (!ep) continue;
    out.push_back({{"targets", {ep->Uri()}},
                   {"labels",
                    {{"__meta_redis_cluster_node_id", n.id},
                     {"__meta_redis_cluster_addr", n.Addr()},
                     {"__meta_redis_cluster_role", std::string(n.Role())},
                     {"__meta_redis_cluster_master_id", n.master_id}}}});
  }
  return out.dump();
}

std::string ScrapeSingleTarget(const Config& config, RedisSource& source, const Endpoint& target) {
  const auto start = Clock::now();
  NodeRequest req;
  req.endpoint = target;
  req.user = config.UserFor(target);
  req.password = config.PasswordFor(target);
  req.commands = NodeCommands();
  req.commands.push_back(kClusterNodes);
  auto resps = source.Fetch({req}, start + config.scrape_timeout);
  NodeScrape node;
  node.addr = target.HostPort();
  node.role = "unknown";
  NodeResponse& r = resps[0];
  if (r.ok() && r.replies.size() > NodeCommands().size()) {
    const Reply& nodes = r.replies[NodeCommands().size()];
    if (nodes.type == Reply::Type::kString) {
      for (const auto& n : ParseClusterNodes(nodes.str).nodes) {
        if (n.myself) {
          node.node_id = n.id;
          if (!n.ip.empty()) node.addr = n.Addr();
          node.role = std::string(n.Role());
        }
      }
    }
  }
  FillNodeScrape(node, r);
  if (!node.up) {
    Log().Warn("target scrape failed",
               {{"target", target.HostPort()}, {"kind", FetchErrorName(node.error)}, {"error", node.error_message}});
  }
  MetricSet out(config.ns);
  InfoCollector::CollectNode(node, out);
  ClusterInfoCollector::CollectNode(node, out);
  out.Gauge("exporter_last_scrape_error", "1 when the target could not be read", {}, node.up ? 0 : 1);
  out.Gauge("exporter_last_scrape_duration_seconds", "Duration of this scrape", {},
            std::chrono::duration<double>(Clock::now() - start).count());
  return out.Serialize();
}

}  // namespace rcs::exporter
