#include "collectors/collectors.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "collectors/field_table.h"
#include "info_parser.h"

namespace rcs::exporter {
namespace {

struct CmdTotals {
  std::string_view cmd;
  double calls, usec;
};

// What INFO says that is not a sample of its own: label values of instance_info and slave_info, the inputs of
// start_time_seconds, and per-command totals that the latency summaries take their count and sum from.
// Collected while walking the fields, written once at the end.
struct NodeFacts {
  std::string_view version, build_id, mode, os, policy, tcp_port, run_id, pid;
  std::string_view master_host, master_port, read_only;
  bool is_replica = false;
  bool have_db0 = false;
  std::optional<double> server_time_usec, uptime;
  std::vector<CmdTotals> cmds;
};

// cmdstat_<cmd>:calls=..,usec=..,rejected_calls=..,failed_calls=..
void EmitCommandStat(std::string_view cmd, std::string_view value, const LabelSet& labels, NodeFacts& facts,
                     MetricSet& out) {
  auto st = ParseCommandStat(value);
  if (!st) return;
  out.Counter("commands_total", "Calls per command", labels, {{"cmd", cmd}}, st->calls);
  out.Counter("commands_duration_seconds_total", "Time spent per command", labels, {{"cmd", cmd}}, st->usec / 1e6);
  out.Counter("commands_rejected_calls_total", "Calls rejected before execution, per command", labels,
              {{"cmd", cmd}}, st->rejected_calls);
  out.Counter("commands_failed_calls_total", "Calls that failed during execution, per command", labels,
              {{"cmd", cmd}}, st->failed_calls);
  facts.cmds.push_back({cmd, st->calls, st->usec});
}

// errorstat_<prefix>:count=..
void EmitErrorStat(std::string_view prefix, std::string_view value, const LabelSet& labels, MetricSet& out) {
  double count = 0;
  ForEachKeyValue(value, [&](std::string_view k, std::string_view v) {
    if (k == "count") count = ParseNumber(v).value_or(0);
  });
  out.Counter("errors_total", "Error replies per error prefix", labels, {{"err", prefix}}, count);
}

// latency_percentiles_usec_<cmd>:p50=..,p99=..; count and sum from the command's cmdstat line, which INFO ALL
// prints before the latency section.
void EmitLatencyPercentiles(std::string_view cmd, std::string_view value, const LabelSet& labels,
                            const NodeFacts& facts, MetricSet& out) {
  auto ps = ParseLatencyPercentiles(value);
  if (ps.empty()) return;
  std::vector<std::pair<double, double>> quantiles;
  quantiles.reserve(ps.size());
  for (const auto& p : ps) quantiles.emplace_back(p.quantile, p.usec / 1e6);
  uint64_t count = 0;
  double sum = 0;
  for (const auto& c : facts.cmds) {
    if (c.cmd == cmd) {
      count = static_cast<uint64_t>(c.calls);
      sum = c.usec / 1e6;
      break;
    }
  }
  out.Summary("latency_percentiles_seconds", "Command latency percentiles (server side)", labels, {{"cmd", cmd}},
              count, sum, quantiles);
}

// dbN:keys=..,expires=..,avg_ttl=..
void EmitKeyspace(std::string_view db, std::string_view value, const LabelSet& labels, NodeFacts& facts,
                  MetricSet& out) {
  auto ks = ParseKeyspace(value);
  if (!ks) return;
  facts.have_db0 = facts.have_db0 || db == "db0";
  out.Gauge("db_keys", "Keys per database", labels, {{"db", db}}, ks->keys);
  out.Gauge("db_keys_expiring", "Keys with an expiry per database", labels, {{"db", db}}, ks->expires);
  out.Gauge("db_avg_ttl_seconds", "Average TTL of keys with an expiry per database", labels, {{"db", db}},
            ks->avg_ttl_ms / 1000.0);
}

// db<N>_distrib_<type>_<sizes|items>: one histogram per db and type. A bin with lower bound b >= 1 holds the
// integers b .. 2b-1, so its `le` is 2b-1 (exact for lengths and counts); the bin 0 holds 0. INFO gives no sum.
bool EmitKeySizes(std::string_view k, std::string_view value, const LabelSet& labels, MetricSet& out) {
  auto line = ParseKeySizes(k, value);
  if (!line) return false;
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {"strings", "string"}, {"lists", "list"}, {"sets", "set"}, {"zsets", "zset"}, {"hashes", "hash"}};
  std::string_view type = line->type;
  for (const auto& [plural, name] : kTypes) {
    if (type == plural) type = name;
  }
  std::sort(line->bins.begin(), line->bins.end());
  std::vector<double> bounds;
  std::vector<uint64_t> cumulative;
  uint64_t total = 0;
  for (const auto& [lower, n] : line->bins) {
    total += static_cast<uint64_t>(n);
    bounds.push_back(lower == 0 ? 0 : 2 * lower - 1);
    cumulative.push_back(total);
  }
  bounds.push_back(std::numeric_limits<double>::infinity());
  cumulative.push_back(total);
  LabelSet l = labels;
  l.Add("db", line->db);
  l.Add("type", type);
  out.Histogram("keysizes",
                "Keys by size (INFO keysizes): string length in bytes, or elements of a list, set, zset or hash",
                l, bounds, cumulative, std::nullopt);
  return true;
}

// slaveN:ip=..,port=..,state=..,offset=..,lag=..
void EmitConnectedReplica(std::string_view value, const LabelSet& labels, MetricSet& out) {
  auto r = ParseConnectedReplica(value);
  if (!r) return;
  out.Gauge("connected_slave_offset_bytes", "Replication offset of a connected replica", labels,
            {{"slave_ip", r->ip}, {"slave_port", r->port}, {"slave_state", r->state}}, r->offset);
  out.Gauge("connected_slave_lag_seconds", "Seconds since a connected replica's last ACK", labels,
            {{"slave_ip", r->ip}, {"slave_port", r->port}, {"slave_state", r->state}}, r->lag);
}

bool IsNumbered(std::string_view key, std::string_view prefix) {
  return key.size() > prefix.size() && key.starts_with(prefix) && key[prefix.size()] >= '0' &&
         key[prefix.size()] <= '9';
}

// Fields whose name carries a label (command, error prefix, database, replica); false for any other field.
bool EmitLabelledField(std::string_view k, std::string_view value, const LabelSet& labels, NodeFacts& facts,
                       MetricSet& out) {
  if (k.starts_with("cmdstat_")) {
    EmitCommandStat(k.substr(8), value, labels, facts, out);
  } else if (k.starts_with("errorstat_")) {
    EmitErrorStat(k.substr(10), value, labels, out);
  } else if (k.starts_with("latency_percentiles_usec_")) {
    EmitLatencyPercentiles(k.substr(25), value, labels, facts, out);
  } else if (k.find("_distrib_") != std::string_view::npos && EmitKeySizes(k, value, labels, out)) {
  } else if (IsNumbered(k, "db")) {
    EmitKeyspace(k, value, labels, facts, out);
  } else if (IsNumbered(k, "slave")) {
    EmitConnectedReplica(value, labels, out);
  } else {
    return false;
  }
  return true;
}

// INFO fields whose text becomes a label value of instance_info or slave_info.
constexpr std::pair<std::string_view, std::string_view NodeFacts::*> kLabelFacts[] = {
    {"redis_version", &NodeFacts::version},   {"redis_build_id", &NodeFacts::build_id},
    {"redis_mode", &NodeFacts::mode},         {"os", &NodeFacts::os},
    {"maxmemory_policy", &NodeFacts::policy}, {"tcp_port", &NodeFacts::tcp_port},
    {"run_id", &NodeFacts::run_id},           {"master_host", &NodeFacts::master_host},
    {"master_port", &NodeFacts::master_port}, {"slave_read_only", &NodeFacts::read_only},
    {"replica_read_only", &NodeFacts::read_only}};

void RememberFact(std::string_view k, std::string_view value, NodeFacts& facts) {
  for (const auto& [key, member] : kLabelFacts) {
    if (k == key) {
      facts.*member = value;
      return;
    }
  }
  if (k == "server_time_usec") facts.server_time_usec = ParseNumber(value);
  if (k == "role") facts.is_replica = value == "slave" || value == "replica";
}

void EmitFacts(const NodeFacts& facts, const LabelSet& labels, MetricSet& out) {
  // Redis prints no dbN line for an empty database. redis_exporter serves db0 (the only database in cluster
  // mode) as 0 then, and dashboards and rules on key counts need the series: an empty node is 0, not "No data".
  if (!facts.have_db0) {
    out.Gauge("db_keys", "Keys per database", labels, {{"db", "db0"}}, 0);
    out.Gauge("db_keys_expiring", "Keys with an expiry per database", labels, {{"db", "db0"}}, 0);
  }
  out.Gauge("instance_info", "Facts about the server (always 1)", labels,
            {{"redis_version", facts.version},
             {"redis_build_id", facts.build_id},
             {"redis_mode", facts.mode},
             {"os", facts.os},
             {"maxmemory_policy", facts.policy},
             {"tcp_port", facts.tcp_port},
             {"run_id", facts.run_id},
             {"process_id", facts.pid}},
            1);
  if (facts.is_replica) {
    out.Gauge("slave_info", "Replica: its master (always 1)", labels,
              {{"master_host", facts.master_host}, {"master_port", facts.master_port}, {"read_only", facts.read_only}},
              1);
  }
  if (facts.uptime && facts.server_time_usec) {
    out.Gauge("start_time_seconds", "Unix time the server started", labels,
              *facts.server_time_usec / 1e6 - *facts.uptime);
  }
}

// redis_exporter's names and label (event_name) for LATENCY LATEST.
void EmitLatencySpikes(const NodeScrape& node, const LabelSet& labels, MetricSet& out) {
  for (const auto& s : node.latency_spikes) {
    out.Gauge("latency_spike_last", "Unix time of the latest latency spike of the event (LATENCY LATEST)", labels,
              {{"event_name", s.event}}, s.last_unix_seconds);
    out.Gauge("latency_spike_duration_seconds", "Duration of the latest latency spike of the event (LATENCY LATEST)",
              labels, {{"event_name", s.event}}, s.duration_seconds);
  }
}

void EmitSlowlog(const NodeScrape& node, const LabelSet& labels, MetricSet& out) {
  if (node.slowlog_len) out.Gauge("slowlog_length", "Entries in the slow log", labels, *node.slowlog_len);
  if (node.slowlog_last_id) out.Gauge("slowlog_last_id", "Id of the newest slow log entry", labels, *node.slowlog_last_id);
  if (node.slowlog_last_duration_seconds) {
    out.Gauge("last_slow_execution_duration_seconds", "Duration of the newest slow log entry", labels,
              *node.slowlog_last_duration_seconds);
  }
}

}  // namespace

bool InfoCollector::CollectNode(const NodeScrape& node, MetricSet& out) {
  const LabelSet labels = node.NodeLabels();
  out.Gauge("up", "1 when the node answered INFO this scrape, else 0", labels, node.up ? 1 : 0);
  if (!node.up) return true;
  for (const auto& [cmd, error] : node.command_errors) {
    out.Gauge("exporter_node_command_error",
              "1 when the command answered with an error this scrape (its series are missing; e.g. -NOPERM)", labels,
              {{"cmd", cmd}}, 1);
  }
  auto fields = ParseInfo(node.info);
  if (fields.empty()) return false;

  const FieldIndex& index = InfoFieldIndex();
  NodeFacts facts;
  facts.cmds.reserve(32);
  for (const auto& f : fields) {
    if (EmitTableField(index, f.key, f.value, labels, out)) {
      if (f.key == "uptime_in_seconds") facts.uptime = ParseNumber(f.value);
      if (f.key == "process_id") facts.pid = f.value;
    } else if (!EmitLabelledField(f.key, f.value, labels, facts, out)) {
      RememberFact(f.key, f.value, facts);
    }
  }
  EmitFacts(facts, labels, out);
  EmitSlowlog(node, labels, out);
  EmitLatencySpikes(node, labels, out);
  return true;
}

}  // namespace rcs::exporter
