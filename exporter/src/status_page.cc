#include "status_page.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "info_parser.h"

namespace rcs::exporter {
namespace {

std::string Esc(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string Ranges(const std::vector<std::pair<int, int>>& ranges) {
  std::string out;
  for (const auto& [a, b] : ranges) {
    if (!out.empty()) out += ' ';
    out += a == b ? std::to_string(a) : std::to_string(a) + "-" + std::to_string(b);
  }
  return out;
}

std::string NodeState(const ClusterNode& n, const NodeScrape* scrape) {
  if (n.fail) return "fail";
  if (n.pfail) return "pfail";
  if (n.handshake) return "handshake";
  if (n.noaddr) return "noaddr";
  if (scrape == nullptr || !scrape->up) return "down";
  return "ok";
}

void FillFromInfo(const NodeScrape& s, StatusNode& out) {
  out.scraped = s.up;
  out.error = s.error_message;
  if (!s.up) return;
  double keys = 0;
  bool any_db = false;
  for (const auto& f : ParseInfo(s.info)) {
    if (f.key == "used_memory") out.used_memory = ParseNumber(f.value);
    else if (f.key == "instantaneous_ops_per_sec") out.ops_per_sec = ParseNumber(f.value);
    else if (f.key == "master_repl_offset" && out.role == "master") out.repl_offset = ParseNumber(f.value);
    else if (f.key == "slave_repl_offset" && out.role != "master") out.repl_offset = ParseNumber(f.value);
    else if (f.key.size() > 2 && f.key.substr(0, 2) == "db") {
      if (auto ks = ParseKeyspace(f.value)) {
        keys += ks->keys;
        any_db = true;
      }
    }
  }
  out.keys = any_db ? keys : 0;
}

std::string Human(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

std::string Num(const std::optional<double>& v, bool bytes = false) {
  if (!v) return "&ndash;";
  if (bytes) return Human(*v);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", *v);
  return buf;
}

std::string TimeText(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string NodeRow(const StatusNode& n, bool master) {
  std::string r = "<tr class=\"node " + Esc(n.state) + "\" data-id=\"" + Esc(n.id) + "\" data-addr=\"" +
                  Esc(n.addr) + "\" data-role=\"" + Esc(n.role) + "\" data-state=\"" + Esc(n.state) +
                  "\" data-slots=\"" + std::to_string(n.slots) + "\">";
  r += "<td>" + std::string(master ? "<b>master</b>" : "&nbsp;&nbsp;replica") + "</td>";
  r += "<td class=\"addr\">" + Esc(n.addr) + "<br><small>" + Esc(n.id.substr(0, 12)) + "</small></td>";
  r += "<td><span class=\"st " + Esc(n.state) + "\">" + Esc(n.state) + "</span></td>";
  r += "<td>" + std::string(n.link_connected ? "connected" : "<span class=\"bad\">disconnected</span>") + "</td>";
  r += "<td>" + std::to_string(n.config_epoch) + "</td>";
  r += "<td>" + Num(n.keys) + "</td><td>" + Num(n.used_memory, true) + "</td><td>" + Num(n.ops_per_sec) + "</td>";
  r += "<td>" + (master ? Num(n.repl_offset) : (n.lag_bytes ? Num(n.lag_bytes) + " B behind" : "&ndash;")) + "</td>";
  r += "</tr>";
  if (!n.error.empty()) r += "<tr class=\"err\"><td></td><td colspan=\"8\">" + Esc(n.error) + "</td></tr>";
  return r;
}

nlohmann::json OptJson(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

nlohmann::json NodeJson(const StatusNode& n) {
  return {{"id", n.id},
          {"addr", n.addr},
          {"role", n.role},
          {"master_id", n.master_id},
          {"state", n.state},
          {"link", n.link_connected ? "connected" : "disconnected"},
          {"config_epoch", n.config_epoch},
          {"slots", n.slots},
          {"slot_ranges", n.slot_ranges},
          {"scraped", n.scraped},
          {"error", n.error},
          {"keys", OptJson(n.keys)},
          {"used_memory_bytes", OptJson(n.used_memory)},
          {"ops_per_sec", OptJson(n.ops_per_sec)},
          {"repl_offset", OptJson(n.repl_offset)},
          {"lag_bytes", OptJson(n.lag_bytes)}};
}

}  // namespace

ClusterStatus BuildStatus(const ScrapeData& data, int64_t unix_seconds) {
  ClusterStatus st;
  st.unix_seconds = unix_seconds;
  st.seed_addr = data.seed_addr;
  st.cluster_mode = data.cluster_mode;
  st.view_ok = data.cluster_view_ok;
  std::map<std::string, const NodeScrape*> by_id, by_addr;
  for (const auto& s : data.nodes) {
    if (!s.node_id.empty()) by_id[s.node_id] = &s;
    by_addr[s.addr] = &s;
  }
  // The cluster's own view from the seed's CLUSTER INFO (or any node's, when the seed's is missing).
  const NodeScrape* info_from = nullptr;
  for (const auto& s : data.nodes) {
    if (s.cluster_info.empty()) continue;
    if (info_from == nullptr || s.addr == data.seed_addr) info_from = &s;
  }
  if (info_from != nullptr) {
    for (const auto& f : ParseInfo(info_from->cluster_info)) {
      if (f.key == "cluster_state") st.cluster_state = std::string(f.value);
      else if (f.key == "cluster_current_epoch") st.current_epoch = static_cast<long long>(ParseNumber(f.value).value_or(0));
    }
  }
  std::map<std::string, StatusNode> nodes;  // by id
  std::vector<std::string> order;
  for (const auto& n : data.topology.nodes) {
    const NodeScrape* s = by_id.count(n.id) ? by_id[n.id] : (by_addr.count(n.Addr()) ? by_addr[n.Addr()] : nullptr);
    StatusNode sn;
    sn.id = n.id;
    sn.addr = n.Addr();
    sn.role = std::string(n.Role());
    sn.master_id = n.master_id;
    sn.state = NodeState(n, s);
    sn.link_connected = n.link_connected || n.myself;
    sn.config_epoch = n.config_epoch;
    sn.slots = n.slots;
    sn.slot_ranges = Ranges(n.slot_ranges);
    if (s != nullptr) FillFromInfo(*s, sn);
    else sn.error = "not scraped";
    st.slots_assigned += n.master ? n.slots : 0;
    if (n.master && !n.fail) st.slots_covered += n.slots;
    order.push_back(n.id);
    nodes[n.id] = std::move(sn);
  }
  st.nodes = order.size();
  if (order.empty()) {  // standalone, or no view: the scraped nodes as they are
    for (const auto& s : data.nodes) {
      StatusNode sn;
      sn.id = s.node_id;
      sn.addr = s.addr;
      sn.role = s.role;
      sn.state = s.up ? "ok" : "down";
      sn.link_connected = s.up;
      FillFromInfo(s, sn);
      st.others.push_back(std::move(sn));
    }
    st.nodes = st.others.size();
    return st;
  }
  std::map<std::string, size_t> shard_of;  // master id -> index in shards
  std::vector<std::pair<int, std::string>> masters;  // (first slot, id), to order shards by slot
  for (const auto& id : order) {
    const StatusNode& n = nodes[id];
    if (n.role == "master" && n.slots > 0) {
      int first = std::stoi(n.slot_ranges.substr(0, n.slot_ranges.find_first_of(" -")));
      masters.emplace_back(first, id);
    }
  }
  std::sort(masters.begin(), masters.end());
  for (const auto& [first, id] : masters) {
    shard_of[id] = st.shards.size();
    st.shards.push_back(StatusShard{nodes[id], {}});
  }
  for (const auto& id : order) {
    StatusNode& n = nodes[id];
    if (shard_of.count(id)) continue;
    auto it = shard_of.find(n.master_id);
    if (n.role != "master" && it != shard_of.end()) {
      StatusShard& sh = st.shards[it->second];
      if (sh.master.repl_offset && n.repl_offset) n.lag_bytes = std::max(0.0, *sh.master.repl_offset - *n.repl_offset);
      sh.replicas.push_back(n);
    } else {
      st.others.push_back(n);
    }
  }
  return st;
}

void FailoverLog::Observe(const ClusterStatus& status, std::vector<Failover>* out) {
  for (const auto& sh : status.shards) {
    if (sh.master.slot_ranges.empty()) continue;
    int first = std::stoi(sh.master.slot_ranges.substr(0, sh.master.slot_ranges.find_first_of(" -")));
    auto it = owner_.find(first);
    if (it != owner_.end() && it->second.first != sh.master.id) {
      // The new master was this range's replica (or a node that had no slots): a failover. A master that
      // already owned other ranges took these by resharding; that is not reported.
      Failover f{status.unix_seconds, sh.master.slot_ranges, it->second.second, sh.master.addr};
      recent_.push_front(f);
      if (recent_.size() > 10) recent_.pop_back();
    }
    owner_[first] = {sh.master.id, sh.master.addr};
  }
  if (out != nullptr) out->assign(recent_.begin(), recent_.end());
}

std::string RenderStatusHtml(const ClusterStatus& st, const std::string& version, int refresh_seconds,
                             const std::string& telemetry_path) {
  std::string h;
  h.reserve(16384);
  bool ok = !st.cluster_mode || st.cluster_state == "ok";
  h += "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       "<meta http-equiv=\"refresh\" content=\"" + std::to_string(refresh_seconds) + "\">"
       "<title>" + std::string(ok ? "OK" : "PROBLEM") + " - Redis Cluster status</title><style>"
       "body{font-family:system-ui,sans-serif;margin:0.8em;color:#222;background:#fafafa}"
       "h1{font-size:1.3em;margin:0.2em 0}h2{font-size:1.05em;margin:1em 0 0.3em}"
       ".banner{padding:0.6em;border-radius:6px;font-weight:bold;margin:0.5em 0}"
       ".banner.ok{background:#d8f5d8;color:#145214}.banner.bad{background:#fbd5d5;color:#7a1010}"
       "table{border-collapse:collapse;width:100%;background:#fff;font-size:0.92em}"
       "th,td{padding:0.3em 0.5em;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}"
       "th{background:#f0f0f0}small{color:#777}.st{padding:0.1em 0.45em;border-radius:4px;color:#fff}"
       ".st.ok{background:#2a8f2a}.st.pfail{background:#d98a00}.st.fail,.st.down,.st.noaddr{background:#c02424}"
       ".st.handshake{background:#5870c8}.bad{color:#c02424}tr.err td{color:#c02424;font-size:0.85em}"
       ".wrap{overflow-x:auto}footer{margin-top:1em;color:#777;font-size:0.85em}"
       "</style></head><body>";
  h += "<h1>Redis Cluster status</h1>";
  h += "<div id=\"summary\" class=\"banner " + std::string(ok ? "ok" : "bad") + "\" data-state=\"" +
       Esc(st.cluster_state) + "\" data-nodes=\"" + std::to_string(st.nodes) + "\" data-shards=\"" +
       std::to_string(st.shards.size()) + "\" data-slots-covered=\"" + std::to_string(st.slots_covered) +
       "\" data-slots-assigned=\"" + std::to_string(st.slots_assigned) + "\">";
  if (!st.view_ok && st.cluster_mode) {
    h += "No seed answered CLUSTER NODES";
  } else if (st.cluster_mode) {
    h += "cluster_state: " + Esc(st.cluster_state.empty() ? "unknown" : st.cluster_state) + " &middot; " +
         std::to_string(st.nodes) + " nodes &middot; " + std::to_string(st.shards.size()) + " shards &middot; " +
         std::to_string(st.slots_covered) + " / 16384 slots served &middot; epoch " + std::to_string(st.current_epoch);
  } else {
    h += "standalone &middot; " + std::to_string(st.nodes) + " nodes";
  }
  h += "</div>";
  const char* head = "<div class=\"wrap\"><table><tr><th>role</th><th>node</th><th>state</th><th>link</th>"
                     "<th>epoch</th><th>keys</th><th>memory</th><th>ops/s</th><th>repl offset / lag</th></tr>";
  for (size_t i = 0; i < st.shards.size(); ++i) {
    const auto& sh = st.shards[i];
    h += "<h2 class=\"shard\" data-slots=\"" + std::to_string(sh.master.slots) + "\">Shard " + std::to_string(i + 1) +
         ": slots " + Esc(sh.master.slot_ranges) + " (" + std::to_string(sh.master.slots) + ")</h2>";
    h += head;
    h += NodeRow(sh.master, true);
    for (const auto& r : sh.replicas) h += NodeRow(r, false);
    h += "</table></div>";
  }
  if (!st.others.empty()) {
    h += "<h2>Nodes without slots</h2>";
    h += head;
    for (const auto& n : st.others) h += NodeRow(n, n.role == "master");
    h += "</table></div>";
  }
  h += "<h2>Recent failovers</h2>";
  if (st.failovers.empty()) {
    h += "<p id=\"failovers\">None seen since the exporter started.</p>";
  } else {
    h += "<div class=\"wrap\"><table id=\"failovers\"><tr><th>when</th><th>slots</th><th>from</th><th>to</th></tr>";
    for (const auto& f : st.failovers) {
      h += "<tr class=\"failover\"><td>" + TimeText(f.unix_seconds) + "</td><td>" + Esc(f.slots) + "</td><td>" +
           Esc(f.from_addr) + "</td><td>" + Esc(f.to_addr) + "</td></tr>";
    }
    h += "</table></div>";
  }
  h += "<footer>Read " + TimeText(st.unix_seconds) + " from seed " + Esc(st.seed_addr) + ", refreshed every " +
       std::to_string(refresh_seconds) + " s. redis-cluster-exporter " + Esc(version) + " &middot; <a href=\"" +
       Esc(telemetry_path) + "\">metrics</a> &middot; <a href=\"/cluster.json\">cluster.json</a> &middot; "
       "<a href=\"/discover-cluster-nodes\">targets</a> &middot; <a href=\"/health\">health</a></footer>";
  h += "</body></html>";
  return h;
}

nlohmann::json StatusJson(const ClusterStatus& st) {
  nlohmann::json shards = nlohmann::json::array();
  for (const auto& sh : st.shards) {
    nlohmann::json replicas = nlohmann::json::array();
    for (const auto& r : sh.replicas) replicas.push_back(NodeJson(r));
    shards.push_back({{"slots", sh.master.slots}, {"slot_ranges", sh.master.slot_ranges},
                      {"master", NodeJson(sh.master)}, {"replicas", replicas}});
  }
  nlohmann::json others = nlohmann::json::array();
  for (const auto& n : st.others) others.push_back(NodeJson(n));
  nlohmann::json failovers = nlohmann::json::array();
  for (const auto& f : st.failovers) {
    failovers.push_back({{"unix_seconds", f.unix_seconds}, {"slots", f.slots}, {"from", f.from_addr}, {"to", f.to_addr}});
  }
  return {{"unix_seconds", st.unix_seconds},
          {"seed", st.seed_addr},
          {"cluster_mode", st.cluster_mode},
          {"view_ok", st.view_ok},
          {"cluster_state", st.cluster_state},
          {"current_epoch", st.current_epoch},
          {"nodes", st.nodes},
          {"slots_assigned", st.slots_assigned},
          {"slots_covered", st.slots_covered},
          {"shards", shards},
          {"other_nodes", others},
          {"failovers", failovers}};
}

}  // namespace rcs::exporter
