#include "scraper.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

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

}  // namespace

const std::vector<Command>& NodeCommands() {
  static const std::vector<Command> cmds = {
      {"INFO", "ALL"},         {"CLUSTER", "INFO"},     {"SLOWLOG", "LEN"},
      {"SLOWLOG", "GET", "1"}, {"LATENCY", "LATEST"},   {"CLUSTER", "SLOT-STATS", "SLOTSRANGE", "0", "16383"}};
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
  node.command_errors.clear();
  static const char* const kAclNames[] = {"info",        "cluster|info",   "slowlog|len",
                                          "slowlog|get", "latency|latest", "cluster|slot-stats"};
  for (size_t i = 1; i < r.replies.size() && i < NodeCommands().size(); ++i) {
    const Reply& rep = r.replies[i];
    // A standalone server has no CLUSTER INFO, a server before Valkey 8 / Redis 8.2 no CLUSTER SLOT-STATS
    // ("unknown subcommand"): neither is an error, their series are just absent.
    bool absent = (i == 1 || i == 5) &&
                  (IsClusterDisabled(rep.str) || rep.str.find("unknown subcommand") != std::string::npos);
    if (rep.IsError() && !absent) node.command_errors.emplace_back(kAclNames[i], rep.str);
  }
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
  // LATENCY LATEST: [[event, unix time of the latest spike, its ms, worst ms], ...]; entries of another shape
  // are skipped.
  node.latency_spikes.clear();
  if (r.replies.size() > 4 && r.replies[4].type == Reply::Type::kArray) {
    for (const Reply& e : r.replies[4].elements) {
      if (e.type != Reply::Type::kArray || e.elements.size() < 3 || e.elements[0].type != Reply::Type::kString ||
          e.elements[1].type != Reply::Type::kInteger || e.elements[2].type != Reply::Type::kInteger) {
        continue;
      }
      node.latency_spikes.push_back({e.elements[0].str, static_cast<double>(e.elements[1].integer),
                                     static_cast<double>(e.elements[2].integer) / 1e3});
    }
  }
  node.slot_stats.reset();
  node.slot_stats_malformed = false;
  if (r.replies.size() > 5 && r.replies[5].type == Reply::Type::kArray) {
    node.slot_stats = ParseSlotStats(r.replies[5]);
    node.slot_stats_malformed = !node.slot_stats;
  }
}

ClusterScraper::ClusterScraper(Config config, RedisSource& source)
    : ClusterScraper(config, source, DefaultCollectors(config.slot_stats_top)) {}

ClusterScraper::ClusterScraper(Config config, RedisSource& source, std::vector<std::unique_ptr<Collector>> collectors)
    : config_(std::move(config)),
      source_(source),
      collectors_(std::move(collectors)),
      series_(config_.ns),
      own_series_(config_.ns) {}

NodeRequest ClusterScraper::Request(const Endpoint& ep, std::vector<Command> commands) const {
  NodeRequest r;
  r.endpoint = ep;
  r.user = config_.UserFor(ep);
  r.password = config_.PasswordFor(ep);
  r.commands = std::move(commands);
  return r;
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

struct ClusterScraper::Round {
  std::vector<NodeRequest> requests;
  std::vector<NodeResponse> responses;       // after Fetch, one per request
  std::map<std::string, size_t> node_index;  // host:port -> index of that node's NodeCommands() request

  bool HasNode(const std::string& hp) const { return node_index.count(hp) != 0; }
  // The response to the node's NodeCommands() request; null when this round did not fetch the node.
  NodeResponse* NodeResponseFor(const std::string& hp) {
    auto it = node_index.find(hp);
    return it == node_index.end() || it->second >= responses.size() ? nullptr : &responses[it->second];
  }
  bool NodeAnswered(const std::string& hp) const {
    auto it = node_index.find(hp);
    return it != node_index.end() && it->second < responses.size() && responses[it->second].ok();
  }
};

// On the connection of a known node it is one more command of that node's request; otherwise a request of
// its own. Its reply is commands[position] of requests[request].
struct ClusterScraper::SeedAsk {
  Endpoint endpoint;
  size_t request = 0, position = 0;
};

ScrapeData ClusterScraper::Gather(Clock::time_point deadline) {
  // Round one: the known nodes, plus CLUSTER NODES from the first seed and from a backup. The backup's answer
  // is used only when the first seed fails; asking both at once means a hung seed does not eat the whole
  // scrape budget before the fallback is even tried.
  Round first;
  for (const auto& k : known_) AddNode(first, k.endpoint);
  const std::vector<SeedAsk> asks = AddSeedAsks(first);
  first.responses = source_.Fetch(first.requests, deadline);

  // The cluster view: the first seed that answers, else the remaining seeds and known nodes one at a time.
  SeedFailures seed_failures;
  SeedAnswer seed = FirstSeedAnswer(first, asks, seed_failures);
  const size_t next_seed = std::min<size_t>(config_.seeds.size(), 2);  // AddSeedAsks asked the first two
  if (!seed.ok) seed = AskSeeds(next_seed, FallbackOrder(first, seed_failures), deadline, &seed_failures);
  LogSeedChange(seed);

  // The nodes this scrape reports, and round two for those round one did not fetch.
  ScrapeData data;
  data.seed_answered = seed.ok;
  std::vector<Known> nodes = NodesToReport(seed, data);
  Round second = SecondRound(nodes, first, seed, seed_failures, deadline);

  data.nodes.reserve(nodes.size());
  for (const auto& n : nodes) {
    const std::string hp = n.endpoint.HostPort();
    NodeResponse* r = first.NodeResponseFor(hp);
    if (!r) r = second.NodeResponseFor(hp);
    data.nodes.push_back(ToNodeScrape(n, r, seed_failures));
  }
  if (seed.ok) Remember(std::move(nodes));
  return data;
}

void ClusterScraper::AddNode(Round& round, const Endpoint& ep) const {
  const std::string hp = ep.HostPort();
  if (round.HasNode(hp)) return;
  round.node_index[hp] = round.requests.size();
  round.requests.push_back(Request(ep, NodeCommands()));
}

// CLUSTER NODES from the first seed and a backup: the second seed, or else a known node that is not the first
// seed.
std::vector<ClusterScraper::SeedAsk> ClusterScraper::AddSeedAsks(Round& first) const {
  auto ask = [&](const Endpoint& ep) {
    SeedAsk a{ep};
    if (auto it = first.node_index.find(ep.HostPort()); it != first.node_index.end()) {
      a.request = it->second;
      a.position = first.requests[a.request].commands.size();
      first.requests[a.request].commands.push_back(kClusterNodes);
    } else {
      a.request = first.requests.size();
      first.requests.push_back(Request(ep, {kClusterNodes}));
    }
    return a;
  };
  const Endpoint& seed0 = config_.seeds.front();
  std::vector<SeedAsk> asks{ask(seed0)};
  if (config_.seeds.size() > 1) {
    asks.push_back(ask(config_.seeds[1]));
    return asks;
  }
  for (const auto& k : known_) {
    if (k.endpoint.HostPort() != seed0.HostPort()) {
      asks.push_back(ask(k.endpoint));
      break;
    }
  }
  return asks;
}
// The first ask, in order, whose reply is a cluster view (or says the seed is standalone). Every ask that
// failed is noted in `failures`, so that the node is not waited on twice.
ClusterScraper::SeedAnswer ClusterScraper::FirstSeedAnswer(Round& first, const std::vector<SeedAsk>& asks,
                                                           SeedFailures& failures) const {
  for (const auto& a : asks) {
    NodeResponse& r = first.responses[a.request];
    const std::string hp = a.endpoint.HostPort();
    if (!r.ok() || r.replies.size() <= a.position) {
      failures[hp] = r;
      continue;
    }
    Reply& rep = r.replies[a.position];
    if (rep.type == Reply::Type::kString) return {true, false, hp, std::move(rep.str)};
    if (rep.IsError() && IsClusterDisabled(rep.str)) return {true, true, hp, {}};
    NodeResponse f;
    f.error = rep.IsError() && IsAuthError(rep.str) ? FetchError::kAuth : FetchError::kIo;
    f.message = "CLUSTER NODES: " + rep.str;
    failures[hp] = std::move(f);
  }
  return {};
}

// After the remaining seeds (AskSeeds tries those first): the known nodes that just answered (warm
// connections), then the rest of them; none that already failed this scrape.
std::vector<Endpoint> ClusterScraper::FallbackOrder(const Round& first, const SeedFailures& failures) const {
  std::vector<Endpoint> order;
  for (bool answered : {true, false}) {
    for (const auto& k : known_) {
      const std::string hp = k.endpoint.HostPort();
      if (failures.count(hp)) continue;
      if (first.NodeAnswered(hp) == answered) order.push_back(k.endpoint);
    }
  }
  return order;
}

ClusterScraper::SeedAnswer ClusterScraper::AskSeeds(size_t from, const std::vector<Endpoint>& extra,
                                                    Clock::time_point deadline, SeedFailures* failures) {
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

// Logs changes of the seed in use, not every scrape.
void ClusterScraper::LogSeedChange(const SeedAnswer& seed) {
  const std::string seed0 = config_.seeds.front().HostPort();
  if (seed.ok && seed.seed_addr != last_seed_) {
    if (seed.seed_addr != seed0) {
      Log().Warn("first seed unavailable, using another", {{"seed", seed0}, {"used", seed.seed_addr}});
    } else if (!last_seed_.empty()) {
      Log().Info("first seed answers again", {{"seed", seed0}});
    }
  }
  if (!seed.ok && !last_seed_.empty()) Log().Error("no seed answered CLUSTER NODES");
  last_seed_ = seed.ok ? seed.seed_addr : "";
}

// Which nodes this scrape reports: the cluster view's; the seeds of a standalone setup; with no answer, the
// nodes known from the last view (before any view, the seeds themselves). Sets data's cluster fields.
std::vector<ClusterScraper::Known> ClusterScraper::NodesToReport(const SeedAnswer& seed, ScrapeData& data) {
  if (seed.ok && !seed.standalone) {
    cluster_mode_ = true;
    return NodesFromTopology(seed, data);
  }
  if (seed.ok) {
    cluster_mode_ = false;
    return SeedsAsNodes();
  }
  data.cluster_mode = cluster_mode_;
  return known_.empty() ? SeedsAsNodes() : known_;
}

std::vector<ClusterScraper::Known> ClusterScraper::NodesFromTopology(const SeedAnswer& seed, ScrapeData& data) const {
  data.cluster_mode = true;
  data.cluster_view_ok = true;
  data.seed_addr = seed.seed_addr;
  data.topology = ParseClusterNodes(seed.nodes_text);
  if (!data.topology.error.empty()) Log().Warn("odd CLUSTER NODES line", {{"error", data.topology.error}});
  const Endpoint seed_ep = SeedEndpoint(seed.seed_addr);
  std::vector<Known> nodes;
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
  return nodes;
}

std::vector<ClusterScraper::Known> ClusterScraper::SeedsAsNodes() const {
  std::vector<Known> nodes;
  for (const auto& s : config_.seeds) nodes.push_back({s, s.HostPort(), "", "unknown", ""});
  return nodes;
}

// Fetches the nodes round one did not (first scrape, a node joined); without a cluster view, not those that
// already failed this scrape: they are not waited on twice.
ClusterScraper::Round ClusterScraper::SecondRound(const std::vector<Known>& nodes, const Round& first,
                                                  const SeedAnswer& seed, const SeedFailures& failures,
                                                  Clock::time_point deadline) {
  Round second;
  for (const auto& n : nodes) {
    const std::string hp = n.endpoint.HostPort();
    if (first.HasNode(hp) || (!seed.ok && failures.count(hp))) continue;
    AddNode(second, n.endpoint);
  }
  if (!second.requests.empty()) second.responses = source_.Fetch(second.requests, deadline);
  return second;
}

// One node's NodeScrape from its response; without one, from its seed failure, or else "not fetched" (the
// scrape ran out of time before it was asked).
NodeScrape ClusterScraper::ToNodeScrape(const Known& node, NodeResponse* response, const SeedFailures& failures) {
  NodeScrape s;
  s.addr = node.addr;
  s.node_id = node.node_id;
  s.role = node.role.empty() ? "unknown" : node.role;
  s.master_id = node.master_id;
  if (response) {
    FillNodeScrape(s, *response);
  } else if (auto f = failures.find(node.endpoint.HostPort()); f != failures.end()) {
    s.error = f->second.error == FetchError::kNone ? FetchError::kIo : f->second.error;
    s.error_message = f->second.message;
  } else {
    s.error = FetchError::kTimeout;
    s.error_message = "not fetched";
  }
  return s;
}

// The nodes of a fresh cluster view become the next scrape's first round; connections to others are closed.
void ClusterScraper::Remember(std::vector<Known> nodes) {
  known_ = std::move(nodes);
  std::vector<std::string> keep;
  for (const auto& k : known_) keep.push_back(k.endpoint.HostPort());
  for (const auto& s : config_.seeds) keep.push_back(s.HostPort());
  source_.Retain(keep);
}

// Logs a node's failure when it starts or changes, and its recovery.
void ClusterScraper::LogNodeErrors(const ScrapeData& data) {
  std::map<std::string, std::string> last;
  for (const auto& n : data.nodes) {
    auto prev_it = last_error_.find(n.addr);
    const std::string prev = prev_it == last_error_.end() ? "" : prev_it->second;
    if (!n.up) {
      std::string what = std::string(FetchErrorName(n.error)) + ": " + n.error_message;
      if (what != prev) {
        Log().Warn("node scrape failed", {{"addr", n.addr},
                                          {"node_id", n.node_id},
                                          {"kind", FetchErrorName(n.error)},
                                          {"error", n.error_message}});
      }
      last[n.addr] = what;
    } else if (!n.command_errors.empty()) {
      // Up, but a command failed (e.g. -NOPERM: the ACL user lacks it): logged once per change, like a failure.
      std::string what = "command:";
      for (const auto& [cmd, error] : n.command_errors) what += " " + cmd + ": " + error + ";";
      if (what != prev) {
        for (const auto& [cmd, error] : n.command_errors) {
          Log().Warn("node command failed", {{"addr", n.addr}, {"node_id", n.node_id}, {"cmd", cmd}, {"error", error}});
        }
      }
      last[n.addr] = what;
    } else if (!prev.empty()) {
      Log().Info("node scrape recovered", {{"addr", n.addr}, {"node_id", n.node_id}});
    }
  }
  last_error_ = std::move(last);
}

std::vector<CollectorRun> ClusterScraper::RunCollectors(const ScrapeData& data, MetricSet& out) {
  std::vector<CollectorRun> runs;
  for (auto& c : collectors_) {
    auto t0 = Clock::now();
    bool ok = c->Collect(data, out);
    runs.push_back({c->Name(), ok, std::chrono::duration<double>(Clock::now() - t0).count()});
  }
  return runs;
}

std::string ClusterScraper::Scrape() {
  std::lock_guard lock(mu_);
  const auto start = Clock::now();
  ScrapeData data = Gather(start + config_.scrape_timeout);
  LogNodeErrors(data);

  series_.Clear();
  ScrapeReport report;
  report.collectors = RunCollectors(data, series_);
  if (config_.key_check.enabled()) CheckKeysOf(data, start + config_.scrape_timeout);
  report.error = !data.seed_answered || (data.cluster_mode && !data.cluster_view_ok);
  for (const auto& n : data.nodes) report.error = report.error || !n.up;
  report.nodes = data.nodes.size();
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  own_metrics_.Record(report, data.nodes);
  own_series_.Clear();
  own_metrics_.Write(report, own_series_);
  status_ = BuildStatus(data, std::chrono::duration_cast<std::chrono::seconds>(
                                  std::chrono::system_clock::now().time_since_epoch()).count());
  failovers_.Observe(status_, &status_.failovers);
  status_time_ = Clock::now();
  return series_.Serialize() + own_series_.Serialize();
}

// --check-keys: the masters that own slots (standalone: the seeds), scanned within the scrape's deadline.
void ClusterScraper::CheckKeysOf(const ScrapeData& data, Clock::time_point deadline) {
  std::vector<KeyTarget> targets;
  if (data.cluster_mode) {
    for (const auto& n : data.topology.nodes) {
      if (!n.master || n.fail || n.slot_ranges.empty() || !n.Scrapable()) continue;
      if (auto ep = EndpointFromNodeAddr(n.ip, n.port)) targets.push_back({*ep, n.slot_ranges});
    }
  } else {
    for (const auto& s : config_.seeds) targets.push_back({s, {}});
  }
  auto make = [this](const Endpoint& ep, std::vector<Command> cmds) { return Request(ep, std::move(cmds)); };
  WriteKeyMetrics(CheckKeys(config_.key_check, data.cluster_mode, targets, source_, make, deadline), series_);
}

ClusterStatus ClusterScraper::Status(std::chrono::milliseconds max_age) {
  {
    std::lock_guard lock(mu_);
    if (status_time_ && Clock::now() - *status_time_ <= max_age) return status_;
  }
  Scrape();
  std::lock_guard lock(mu_);
  return status_;
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
  SlotStatsCollector::CollectNode(node, config.slot_stats_top, out);
  WriteLastScrape(ScrapeScope::kTarget, !node.up, std::chrono::duration<double>(Clock::now() - start).count(), out);
  return out.Serialize();
}

}  // namespace rcs::exporter
