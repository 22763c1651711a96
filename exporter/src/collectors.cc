#include "collectors.h"

#include <array>
#include <string_view>
#include <unordered_map>

#include "info_parser.h"

namespace rcs::exporter {
namespace {

using prometheus::MetricType;

enum class Conv {
  kNumber,    // the value as is
  kStatusOk,  // "ok" -> 1, anything else -> 0
  kLinkUp,    // "up" -> 1, anything else -> 0
  kUsec,      // microseconds -> seconds
};

struct FieldSpec {
  std::string_view field;   // INFO / CLUSTER INFO key
  std::string_view suffix;  // metric name after "<namespace>_"
  MetricType type;
  Conv conv;
  std::string_view help;
};

constexpr auto G = MetricType::Gauge;
constexpr auto C = MetricType::Counter;

// INFO fields exported one to one. Names are redis_exporter's, except where its name breaks Prometheus naming
// (marked RENAMED; the list is in docs/metrics.md). Keep docs/metrics.md in step with this table.
constexpr FieldSpec kInfoFields[] = {
    // Server
    {"uptime_in_seconds", "uptime_in_seconds", G, Conv::kNumber, "Seconds since the server started"},
    {"process_id", "process_id", G, Conv::kNumber, "Process id of the server"},
    {"io_threads_active", "io_threads_active", G, Conv::kNumber, "1 when I/O threads are active"},
    // Clients
    {"connected_clients", "connected_clients", G, Conv::kNumber, "Client connections (not replicas)"},
    {"blocked_clients", "blocked_clients", G, Conv::kNumber, "Clients blocked in a blocking call"},
    {"maxclients", "config_maxclients", G, Conv::kNumber, "maxclients setting"},
    {"client_recent_max_input_buffer", "client_recent_max_input_buffer_bytes", G, Conv::kNumber,
     "Largest recent client input buffer"},
    {"client_recent_max_output_buffer", "client_recent_max_output_buffer_bytes", G, Conv::kNumber,
     "Largest recent client output buffer"},
    {"tracking_clients", "tracking_clients", G, Conv::kNumber, "Clients with client-side caching tracking"},
    {"clients_in_timeout_table", "clients_in_timeout_table", G, Conv::kNumber, "Clients in the timeout table"},
    {"cluster_connections", "cluster_connections", G, Conv::kNumber, "Cluster bus connections"},
    // Memory
    {"used_memory", "memory_used_bytes", G, Conv::kNumber, "Bytes allocated by the server"},
    {"used_memory_rss", "memory_used_rss_bytes", G, Conv::kNumber, "Resident set size of the server"},
    {"used_memory_peak", "memory_used_peak_bytes", G, Conv::kNumber, "Peak of used_memory"},
    {"used_memory_overhead", "memory_used_overhead_bytes", G, Conv::kNumber, "Memory used for internal overhead"},
    {"used_memory_startup", "memory_used_startup_bytes", G, Conv::kNumber, "Memory used at startup"},
    {"used_memory_dataset", "memory_used_dataset_bytes", G, Conv::kNumber, "Memory used by the dataset"},
    {"used_memory_lua", "memory_used_lua_bytes", G, Conv::kNumber, "Memory used by the Lua engine"},
    {"used_memory_scripts", "memory_used_scripts_bytes", G, Conv::kNumber, "Memory used by cached scripts"},
    {"maxmemory", "memory_max_bytes", G, Conv::kNumber, "maxmemory setting (0 = no limit)"},
    {"maxmemory", "config_maxmemory", G, Conv::kNumber, "maxmemory setting (0 = no limit)"},
    {"total_system_memory", "total_system_memory_bytes", G, Conv::kNumber, "Memory of the host"},
    {"allocator_allocated", "allocator_allocated_bytes", G, Conv::kNumber, "Allocator: allocated bytes"},
    {"allocator_active", "allocator_active_bytes", G, Conv::kNumber, "Allocator: active bytes"},
    {"allocator_resident", "allocator_resident_bytes", G, Conv::kNumber, "Allocator: resident bytes"},
    {"allocator_frag_ratio", "allocator_frag_ratio", G, Conv::kNumber, "Allocator fragmentation ratio"},
    {"allocator_frag_bytes", "allocator_frag_bytes", G, Conv::kNumber, "Allocator fragmentation bytes"},
    {"allocator_rss_ratio", "allocator_rss_ratio", G, Conv::kNumber, "Allocator RSS ratio"},
    {"allocator_rss_bytes", "allocator_rss_bytes", G, Conv::kNumber, "Allocator RSS bytes"},
    {"mem_fragmentation_ratio", "mem_fragmentation_ratio", G, Conv::kNumber, "used_memory_rss / used_memory"},
    {"mem_fragmentation_bytes", "mem_fragmentation_bytes", G, Conv::kNumber, "used_memory_rss - used_memory"},
    {"mem_not_counted_for_evict", "mem_not_counted_for_eviction_bytes", G, Conv::kNumber,
     "Memory not counted for eviction"},
    {"mem_clients_slaves", "mem_clients_slaves", G, Conv::kNumber, "Memory used by replica clients"},
    {"mem_clients_normal", "mem_clients_normal", G, Conv::kNumber, "Memory used by normal clients"},
    {"active_defrag_running", "active_defrag_running", G, Conv::kNumber, "Active defragmentation running"},
    {"lazyfree_pending_objects", "lazyfree_pending_objects", G, Conv::kNumber, "Objects waiting to be freed"},
    {"number_of_cached_scripts", "number_of_cached_scripts", G, Conv::kNumber, "Cached Lua scripts"},
    // Persistence
    {"loading", "loading_dump_file", G, Conv::kNumber, "1 while loading a dump file"},
    {"rdb_changes_since_last_save", "rdb_changes_since_last_save", G, Conv::kNumber, "Changes since the last save"},
    {"rdb_bgsave_in_progress", "rdb_bgsave_in_progress", G, Conv::kNumber, "1 while an RDB save runs"},
    {"rdb_last_save_time", "rdb_last_save_timestamp_seconds", G, Conv::kNumber, "Unix time of the last save"},
    {"rdb_last_bgsave_status", "rdb_last_bgsave_status", G, Conv::kStatusOk, "Last RDB save: 1 ok, 0 error"},
    {"rdb_last_bgsave_time_sec", "rdb_last_bgsave_duration_seconds", G, Conv::kNumber,  // RENAMED
     "Duration of the last RDB save (-1 if none)"},
    {"rdb_current_bgsave_time_sec", "rdb_current_bgsave_duration_seconds", G, Conv::kNumber,  // RENAMED
     "Duration of the running RDB save (-1 if none)"},
    {"rdb_last_cow_size", "rdb_last_cow_size_bytes", G, Conv::kNumber, "Copy-on-write bytes of the last RDB save"},
    {"aof_enabled", "aof_enabled", G, Conv::kNumber, "1 when AOF is on"},
    {"aof_rewrite_in_progress", "aof_rewrite_in_progress", G, Conv::kNumber, "1 while an AOF rewrite runs"},
    {"aof_rewrite_scheduled", "aof_rewrite_scheduled", G, Conv::kNumber, "1 when an AOF rewrite is scheduled"},
    {"aof_last_rewrite_time_sec", "aof_last_rewrite_duration_seconds", G, Conv::kNumber,  // RENAMED
     "Duration of the last AOF rewrite (-1 if none)"},
    {"aof_current_rewrite_time_sec", "aof_current_rewrite_duration_seconds", G, Conv::kNumber,  // RENAMED
     "Duration of the running AOF rewrite (-1 if none)"},
    {"aof_last_bgrewrite_status", "aof_last_bgrewrite_status", G, Conv::kStatusOk, "Last AOF rewrite: 1 ok, 0 error"},
    {"aof_last_write_status", "aof_last_write_status", G, Conv::kStatusOk, "Last AOF write: 1 ok, 0 error"},
    {"aof_last_cow_size", "aof_last_cow_size_bytes", G, Conv::kNumber, "Copy-on-write bytes of the last AOF rewrite"},
    {"module_fork_in_progress", "module_fork_in_progress", G, Conv::kNumber, "1 while a module fork runs"},
    {"module_fork_last_cow_size", "module_fork_last_cow_size", G, Conv::kNumber, "Copy-on-write of the last module fork"},
    {"aof_current_size", "aof_current_size_bytes", G, Conv::kNumber, "AOF size"},
    {"aof_base_size", "aof_base_size_bytes", G, Conv::kNumber, "AOF size at the last rewrite"},
    {"aof_pending_rewrite", "aof_pending_rewrite", G, Conv::kNumber, "1 when a rewrite waits for an RDB save"},
    {"aof_buffer_length", "aof_buffer_length", G, Conv::kNumber, "AOF buffer size"},
    {"aof_pending_bio_fsync", "aof_pending_bio_fsync", G, Conv::kNumber, "fsync jobs queued"},
    {"aof_delayed_fsync", "aof_delayed_fsync", G, Conv::kNumber, "Delayed fsyncs"},
    // Stats
    {"total_connections_received", "connections_received_total", C, Conv::kNumber, "Connections accepted"},
    {"total_commands_processed", "commands_processed_total", C, Conv::kNumber, "Commands processed"},
    {"total_net_input_bytes", "net_input_bytes_total", C, Conv::kNumber, "Bytes read from the network"},
    {"total_net_output_bytes", "net_output_bytes_total", C, Conv::kNumber, "Bytes written to the network"},
    {"total_net_repl_input_bytes", "net_repl_input_bytes_total", C, Conv::kNumber, "Replication bytes read"},
    {"total_net_repl_output_bytes", "net_repl_output_bytes_total", C, Conv::kNumber, "Replication bytes written"},
    {"rejected_connections", "rejected_connections_total", C, Conv::kNumber, "Connections rejected (maxclients)"},
    {"sync_full", "replica_resyncs_full", G, Conv::kNumber, "Full resyncs served to replicas"},
    {"sync_partial_ok", "replica_partial_resync_accepted", G, Conv::kNumber, "Partial resyncs accepted"},
    {"sync_partial_err", "replica_partial_resync_denied", G, Conv::kNumber, "Partial resyncs denied"},
    {"expired_keys", "expired_keys_total", C, Conv::kNumber, "Keys expired"},
    {"expired_stale_perc", "expired_stale_percentage", G, Conv::kNumber, "Estimated percentage of stale expired keys"},
    {"expired_time_cap_reached_count", "expired_time_cap_reached_total", C, Conv::kNumber,  // type fixed
     "Active expiry cycles stopped early"},
    {"evicted_keys", "evicted_keys_total", C, Conv::kNumber, "Keys evicted (maxmemory)"},
    {"evicted_clients", "evicted_clients_total", C, Conv::kNumber, "Clients evicted (maxmemory-clients)"},
    {"keyspace_hits", "keyspace_hits_total", C, Conv::kNumber, "Successful key lookups"},
    {"keyspace_misses", "keyspace_misses_total", C, Conv::kNumber, "Failed key lookups"},
    {"pubsub_channels", "pubsub_channels", G, Conv::kNumber, "Pub/sub channels with subscribers"},
    {"pubsub_patterns", "pubsub_patterns", G, Conv::kNumber, "Pub/sub patterns with subscribers"},
    {"pubsubshard_channels", "pubsubshard_channels", G, Conv::kNumber, "Sharded pub/sub channels"},
    {"latest_fork_usec", "latest_fork_seconds", G, Conv::kUsec, "Duration of the latest fork"},
    {"total_forks", "forks_total", C, Conv::kNumber, "Forks since start"},
    {"migrate_cached_sockets", "migrate_cached_sockets", G, Conv::kNumber,  // RENAMED (was ..._total, a gauge)
     "Sockets cached for MIGRATE"},
    {"slave_expires_tracked_keys", "slave_expires_tracked_keys", G, Conv::kNumber, "Keys tracked for expiry on a writable replica"},
    {"active_defrag_hits", "defrag_hits", G, Conv::kNumber, "Active defrag: values reallocated"},
    {"active_defrag_misses", "defrag_misses", G, Conv::kNumber, "Active defrag: values skipped"},
    {"active_defrag_key_hits", "defrag_key_hits", G, Conv::kNumber, "Active defrag: keys defragmented"},
    {"active_defrag_key_misses", "defrag_key_misses", G, Conv::kNumber, "Active defrag: keys skipped"},
    {"tracking_total_keys", "tracking_total_keys", G, Conv::kNumber, "Keys tracked for client-side caching"},
    {"tracking_total_items", "tracking_total_items", G, Conv::kNumber, "Items tracked for client-side caching"},
    {"tracking_total_prefixes", "tracking_total_prefixes", G, Conv::kNumber, "Prefixes tracked for client-side caching"},
    {"unexpected_error_replies", "unexpected_error_replies_total", C, Conv::kNumber,  // RENAMED
     "Unexpected error replies (AOF load, replication)"},
    {"total_error_replies", "error_replies_total", C, Conv::kNumber, "Error replies sent"},  // RENAMED
    {"dump_payload_sanitizations", "dump_payload_sanitizations_total", C, Conv::kNumber,  // RENAMED
     "Deep sanitizations of RESTORE payloads"},
    {"total_reads_processed", "reads_processed_total", C, Conv::kNumber, "Read events processed"},  // RENAMED
    {"total_writes_processed", "writes_processed_total", C, Conv::kNumber, "Write events processed"},  // RENAMED
    {"io_threaded_reads_processed", "io_threaded_reads_processed_total", C, Conv::kNumber,  // RENAMED
     "Reads processed by I/O threads"},
    {"io_threaded_writes_processed", "io_threaded_writes_processed_total", C, Conv::kNumber,  // RENAMED
     "Writes processed by I/O threads"},
    // Replication
    {"connected_slaves", "connected_slaves", G, Conv::kNumber, "Replicas connected to this node"},
    {"master_repl_offset", "master_repl_offset", G, Conv::kNumber, "Replication offset of this node's stream"},
    {"second_repl_offset", "second_repl_offset", G, Conv::kNumber, "Offset up to which the previous replication id is accepted"},
    {"repl_backlog_active", "repl_backlog_is_active", G, Conv::kNumber, "1 when the replication backlog exists"},
    {"repl_backlog_size", "replication_backlog_bytes", G, Conv::kNumber, "Replication backlog size"},
    {"repl_backlog_first_byte_offset", "repl_backlog_first_byte_offset", G, Conv::kNumber, "First offset in the backlog"},
    {"repl_backlog_histlen", "repl_backlog_history_bytes", G, Conv::kNumber, "Bytes of data in the backlog"},
    {"master_link_status", "master_link_up", G, Conv::kLinkUp, "Replica: 1 when the link to its master is up"},
    {"master_last_io_seconds_ago", "master_last_io_seconds_ago", G, Conv::kNumber, "Replica: seconds since the last interaction with its master"},
    {"master_sync_in_progress", "master_sync_in_progress", G, Conv::kNumber, "Replica: 1 while syncing from its master"},
    {"master_link_down_since_seconds", "master_link_down_since_seconds", G, Conv::kNumber, "Replica: seconds the link has been down"},
    {"slave_repl_offset", "slave_repl_offset", G, Conv::kNumber, "Replica: replication offset processed"},
    {"slave_priority", "slave_priority", G, Conv::kNumber, "Replica: priority for promotion"},
    // CPU
    {"used_cpu_sys", "cpu_sys_seconds_total", C, Conv::kNumber, "System CPU used by the server"},
    {"used_cpu_user", "cpu_user_seconds_total", C, Conv::kNumber, "User CPU used by the server"},
    {"used_cpu_sys_children", "cpu_sys_children_seconds_total", C, Conv::kNumber, "System CPU used by children"},
    {"used_cpu_user_children", "cpu_user_children_seconds_total", C, Conv::kNumber, "User CPU used by children"},
    {"used_cpu_sys_main_thread", "cpu_sys_main_thread_seconds_total", C, Conv::kNumber, "System CPU of the main thread"},
    {"used_cpu_user_main_thread", "cpu_user_main_thread_seconds_total", C, Conv::kNumber, "User CPU of the main thread"},
    // Cluster
    {"cluster_enabled", "cluster_enabled", G, Conv::kNumber, "1 when cluster mode is on"},
};

constexpr FieldSpec kClusterInfoFields[] = {
    {"cluster_state", "cluster_state", G, Conv::kStatusOk, "This node's view: 1 cluster ok, 0 fail"},
    {"cluster_slots_assigned", "cluster_slots_assigned", G, Conv::kNumber, "Slots assigned to a node"},
    {"cluster_slots_ok", "cluster_slots_ok", G, Conv::kNumber, "Slots whose owner is not failing"},
    {"cluster_slots_pfail", "cluster_slots_pfail", G, Conv::kNumber, "Slots whose owner is suspected failing"},
    {"cluster_slots_fail", "cluster_slots_fail", G, Conv::kNumber, "Slots whose owner has failed"},
    {"cluster_known_nodes", "cluster_known_nodes", G, Conv::kNumber, "Nodes this node knows"},
    {"cluster_size", "cluster_size", G, Conv::kNumber, "Masters serving at least one slot"},
    {"cluster_current_epoch", "cluster_current_epoch", G, Conv::kNumber, "Cluster current epoch"},
    {"cluster_my_epoch", "cluster_my_epoch", G, Conv::kNumber, "Config epoch of this node (or of its master)"},
    {"cluster_stats_messages_sent", "cluster_messages_sent_total", C, Conv::kNumber, "Cluster bus messages sent"},
    {"cluster_stats_messages_received", "cluster_messages_received_total", C, Conv::kNumber,
     "Cluster bus messages received"},
    {"total_cluster_links_buffer_limit_exceeded", "cluster_links_buffer_limit_exceeded_total", C, Conv::kNumber,
     "Cluster links freed for exceeding the send buffer limit"},
};

template <size_t N>
std::unordered_multimap<std::string_view, const FieldSpec*> Index(const FieldSpec (&table)[N]) {
  std::unordered_multimap<std::string_view, const FieldSpec*> m;
  for (const auto& f : table) m.emplace(f.field, &f);
  return m;
}

const auto& InfoIndex() {
  static const auto index = Index(kInfoFields);
  return index;
}
const auto& ClusterInfoIndex() {
  static const auto index = Index(kClusterInfoFields);
  return index;
}

std::optional<double> Convert(const FieldSpec& f, std::string_view value) {
  switch (f.conv) {
    case Conv::kStatusOk: return value == "ok" ? 1.0 : 0.0;
    case Conv::kLinkUp: return value == "up" ? 1.0 : 0.0;
    case Conv::kUsec: {
      auto n = ParseNumber(value);
      if (!n) return std::nullopt;
      return *n / 1e6;
    }
    case Conv::kNumber: return ParseNumber(value);
  }
  return std::nullopt;
}

void Emit(MetricSet& out, const FieldSpec& f, const LabelSet& labels, double v) {
  if (f.type == MetricType::Counter) {
    out.Counter(f.suffix, f.help, labels, v);
  } else {
    out.Gauge(f.suffix, f.help, labels, v);
  }
}

struct CmdTotals {
  std::string_view cmd;
  double calls, usec;
};

}  // namespace

bool InfoCollector::CollectNode(const NodeScrape& node, MetricSet& out) {
  const LabelSet labels = node.NodeLabels();
  out.Gauge("up", "1 when the node answered INFO this scrape, else 0", labels, node.up ? 1 : 0);
  if (!node.up) return true;
  auto fields = ParseInfo(node.info);
  if (fields.empty()) return false;

  const auto& index = InfoIndex();
  std::string_view version, build_id, mode, os, policy, tcp_port, run_id, pid;
  std::string_view master_host, master_port, read_only;
  bool is_replica = false;
  bool have_db0 = false;
  std::optional<double> server_time_usec, uptime;
  std::vector<CmdTotals> cmds;
  cmds.reserve(32);

  for (const auto& f : fields) {
    auto [lo, hi] = index.equal_range(f.key);
    for (auto it = lo; it != hi; ++it) {
      if (auto v = Convert(*it->second, f.value)) Emit(out, *it->second, labels, *v);
    }
    if (lo != hi) {
      if (f.key == "uptime_in_seconds") uptime = ParseNumber(f.value);
      if (f.key == "process_id") pid = f.value;
      continue;
    }
    const std::string_view k = f.key;
    if (k.starts_with("cmdstat_")) {
      auto st = ParseCommandStat(f.value);
      if (!st) continue;
      std::string_view cmd = k.substr(8);
      out.Counter("commands_total", "Calls per command", labels, {{"cmd", cmd}}, st->calls);
      out.Counter("commands_duration_seconds_total", "Time spent per command", labels, {{"cmd", cmd}},
                  st->usec / 1e6);
      out.Counter("commands_rejected_calls_total", "Calls rejected before execution, per command", labels,
                  {{"cmd", cmd}}, st->rejected_calls);
      out.Counter("commands_failed_calls_total", "Calls that failed during execution, per command", labels,
                  {{"cmd", cmd}}, st->failed_calls);
      cmds.push_back({cmd, st->calls, st->usec});
    } else if (k.starts_with("errorstat_")) {
      double count = 0;
      ForEachKeyValue(f.value, [&](std::string_view kk, std::string_view vv) {
        if (kk == "count") count = ParseNumber(vv).value_or(0);
      });
      out.Counter("errors_total", "Error replies per error prefix", labels, {{"err", k.substr(10)}}, count);
    } else if (k.starts_with("latency_percentiles_usec_")) {
      std::string_view cmd = k.substr(25);
      auto ps = ParseLatencyPercentiles(f.value);
      if (ps.empty()) continue;
      std::vector<std::pair<double, double>> quantiles;
      quantiles.reserve(ps.size());
      for (const auto& p : ps) quantiles.emplace_back(p.quantile, p.usec / 1e6);
      uint64_t count = 0;
      double sum = 0;
      for (const auto& c : cmds) {
        if (c.cmd == cmd) {
          count = static_cast<uint64_t>(c.calls);
          sum = c.usec / 1e6;
          break;
        }
      }
      out.Summary("latency_percentiles_seconds", "Command latency percentiles (server side)", labels,
                  {{"cmd", cmd}}, count, sum, quantiles);
    } else if (k.size() > 2 && k.starts_with("db") && k[2] >= '0' && k[2] <= '9') {
      auto ks = ParseKeyspace(f.value);
      if (!ks) continue;
      have_db0 = have_db0 || k == "db0";
      out.Gauge("db_keys", "Keys per database", labels, {{"db", k}}, ks->keys);
      out.Gauge("db_keys_expiring", "Keys with an expiry per database", labels, {{"db", k}}, ks->expires);
      out.Gauge("db_avg_ttl_seconds", "Average TTL of keys with an expiry per database", labels, {{"db", k}},
                ks->avg_ttl_ms / 1000.0);
    } else if (k.starts_with("slave") && k.size() > 5 && k[5] >= '0' && k[5] <= '9') {
      auto r = ParseConnectedReplica(f.value);
      if (!r) continue;
      out.Gauge("connected_slave_offset_bytes", "Replication offset of a connected replica", labels,
                {{"slave_ip", r->ip}, {"slave_port", r->port}, {"slave_state", r->state}}, r->offset);
      out.Gauge("connected_slave_lag_seconds", "Seconds since a connected replica's last ACK", labels,
                {{"slave_ip", r->ip}, {"slave_port", r->port}, {"slave_state", r->state}}, r->lag);
    } else if (k == "redis_version") {
      version = f.value;
    } else if (k == "redis_build_id") {
      build_id = f.value;
    } else if (k == "redis_mode") {
      mode = f.value;
    } else if (k == "os") {
      os = f.value;
    } else if (k == "maxmemory_policy") {
      policy = f.value;
    } else if (k == "tcp_port") {
      tcp_port = f.value;
    } else if (k == "run_id") {
      run_id = f.value;
    } else if (k == "server_time_usec") {
      server_time_usec = ParseNumber(f.value);
    } else if (k == "role") {
      is_replica = f.value == "slave" || f.value == "replica";
    } else if (k == "master_host") {
      master_host = f.value;
    } else if (k == "master_port") {
      master_port = f.value;
    } else if (k == "slave_read_only" || k == "replica_read_only") {
      read_only = f.value;
    }
  }

  // Redis prints no dbN line for an empty database. redis_exporter serves db0 (the only database in cluster
  // mode) as 0 then, and dashboards and rules on key counts need the series: an empty node is 0, not "No data".
  if (!have_db0) {
    out.Gauge("db_keys", "Keys per database", labels, {{"db", "db0"}}, 0);
    out.Gauge("db_keys_expiring", "Keys with an expiry per database", labels, {{"db", "db0"}}, 0);
  }
  out.Gauge("instance_info", "Facts about the server (always 1)", labels,
            {{"redis_version", version},
             {"redis_build_id", build_id},
             {"redis_mode", mode},
             {"os", os},
             {"maxmemory_policy", policy},
             {"tcp_port", tcp_port},
             {"run_id", run_id},
             {"process_id", pid}},
            1);
  if (is_replica) {
    out.Gauge("slave_info", "Replica: its master (always 1)", labels,
              {{"master_host", master_host}, {"master_port", master_port}, {"read_only", read_only}}, 1);
  }
  if (uptime && server_time_usec) {
    out.Gauge("start_time_seconds", "Unix time the server started", labels, *server_time_usec / 1e6 - *uptime);
  }
  if (node.slowlog_len) out.Gauge("slowlog_length", "Entries in the slow log", labels, *node.slowlog_len);
  if (node.slowlog_last_id) out.Gauge("slowlog_last_id", "Id of the newest slow log entry", labels, *node.slowlog_last_id);
  if (node.slowlog_last_duration_seconds) {
    out.Gauge("last_slow_execution_duration_seconds", "Duration of the newest slow log entry", labels,
              *node.slowlog_last_duration_seconds);
  }
  return true;
}

bool InfoCollector::Collect(const ScrapeData& data, MetricSet& out) {
  bool ok = true;
  for (const auto& n : data.nodes) ok = CollectNode(n, out) && ok;
  return ok;
}

bool ClusterInfoCollector::CollectNode(const NodeScrape& node, MetricSet& out) {
  if (!node.up || node.cluster_info.empty()) return true;
  auto fields = ParseInfo(node.cluster_info);
  if (fields.empty()) return false;
  const LabelSet labels = node.NodeLabels();
  const auto& index = ClusterInfoIndex();
  for (const auto& f : fields) {
    auto [lo, hi] = index.equal_range(f.key);
    for (auto it = lo; it != hi; ++it) {
      if (auto v = Convert(*it->second, f.value)) Emit(out, *it->second, labels, *v);
    }
    if (lo != hi) continue;
    // cluster_stats_messages_<type>_sent / _received: one counter family per direction, type as a label.
    std::string_view k = f.key;
    if (!k.starts_with("cluster_stats_messages_")) continue;
    k.remove_prefix(23);
    auto v = ParseNumber(f.value);
    if (!v) continue;
    if (k.ends_with("_sent")) {
      out.Counter("cluster_stats_messages_sent_total", "Cluster bus messages sent, by type", labels,
                  {{"type", k.substr(0, k.size() - 5)}}, *v);
    } else if (k.ends_with("_received")) {
      out.Counter("cluster_stats_messages_received_total", "Cluster bus messages received, by type", labels,
                  {{"type", k.substr(0, k.size() - 9)}}, *v);
    }
  }
  return true;
}

bool ClusterInfoCollector::Collect(const ScrapeData& data, MetricSet& out) {
  bool ok = true;
  for (const auto& n : data.nodes) ok = CollectNode(n, out) && ok;
  return ok;
}

bool ClusterNodesCollector::Collect(const ScrapeData& data, MetricSet& out) {
  if (!data.cluster_mode) {
    seen_.clear();
    return true;
  }
  if (!data.cluster_view_ok) return false;  // no seed answered; keep role history for when one does
  const auto& nodes = data.topology.nodes;

  std::unordered_map<std::string_view, const NodeScrape*> scraped;
  for (const auto& n : data.nodes) {
    if (!n.node_id.empty()) scraped.emplace(n.node_id, &n);
  }
  std::unordered_map<std::string_view, int> healthy_replicas;
  for (const auto& n : nodes) {
    if (n.replica && !n.fail && !n.master_id.empty()) ++healthy_replicas[n.master_id];
  }

  double masters = 0, masters_with_slots = 0, replicas = 0, masters_without_replica = 0, failed = 0, pfail = 0;
  long long owned = 0;
  std::map<std::string, Seen> next;
  for (const auto& n : nodes) {
    const std::string addr = n.Addr();
    const std::string role(n.Role());
    // The node's own INFO is fresher than the seed's gossip, so the label follows it when the node is up.
    std::string label_role = role;
    if (auto it = scraped.find(n.id); it != scraped.end() && it->second->up) label_role = it->second->role;
    const LabelSet l{{"node_id", n.id}, {"addr", addr}, {"role", label_role}};
    out.Gauge("cluster_node_info", "A node in the seed's CLUSTER NODES (always 1)", {},
              {{"node_id", n.id},
               {"addr", addr},
               {"hostname", n.hostname},
               {"role", label_role},
               {"master_id", n.master_id}},
              1);
    out.Gauge("cluster_node_slots", "Slots the node owns", l, n.slots);
    static constexpr std::array<std::string_view, 5> kFlags{"fail", "pfail", "handshake", "noaddr", "nofailover"};
    const bool flag_values[5] = {n.fail, n.pfail, n.handshake, n.noaddr, n.nofailover};
    for (size_t i = 0; i < kFlags.size(); ++i) {
      out.Gauge("cluster_node_flag", "1 when the node carries the flag in the seed's view", l, {{"flag", kFlags[i]}},
                flag_values[i] ? 1 : 0);
    }
    out.Gauge("cluster_node_link_connected", "1 when the seed's bus link to the node is connected", l,
              n.myself || n.link_connected ? 1 : 0);
    out.Gauge("cluster_node_config_epoch", "Config epoch of the node", l, static_cast<double>(n.config_epoch));
    if (n.master) {
      auto it = healthy_replicas.find(n.id);
      int r = it == healthy_replicas.end() ? 0 : it->second;
      out.Gauge("cluster_node_replicas", "Master: replicas attached and not failed", {},
                {{"node_id", n.id}, {"addr", addr}}, r);
      if (!n.fail) {
        ++masters;
        if (n.slots > 0) ++masters_with_slots;
      }
      if (n.slots > 0 && r == 0) ++masters_without_replica;
    } else if (n.replica && !n.fail) {
      ++replicas;
    }
    if (n.fail) ++failed;
    if (n.pfail) ++pfail;
    owned += n.slots;

    if (!n.handshake) {
      Seen s = {label_role, addr, 0};
      if (auto prev = seen_.find(n.id); prev != seen_.end()) {
        s.changes = prev->second.changes;
        bool known = (label_role == "master" || label_role == "replica") &&
                     (prev->second.role == "master" || prev->second.role == "replica");
        if (known && prev->second.role != label_role) s.changes += 1;
        if (label_role != "master" && label_role != "replica") s.role = prev->second.role;
      }
      out.Counter("cluster_role_changes_total", "Role changes (failovers) the exporter observed for the node", {},
                  {{"node_id", n.id}, {"addr", addr}}, s.changes);
      next[n.id] = std::move(s);
    }
  }
  seen_ = std::move(next);

  out.Gauge("cluster_masters", "Masters not failed (seed's view)", {}, masters);
  out.Gauge("cluster_masters_with_slots", "Masters not failed that own slots", {}, masters_with_slots);
  out.Gauge("cluster_replicas", "Replicas not failed", {}, replicas);
  out.Gauge("cluster_masters_without_replica", "Masters owning slots with no healthy replica", {},
            masters_without_replica);
  out.Gauge("cluster_nodes", "Nodes in the seed's CLUSTER NODES", {}, static_cast<double>(nodes.size()));
  out.Gauge("cluster_nodes_failed", "Nodes flagged fail", {}, failed);
  out.Gauge("cluster_nodes_pfail", "Nodes flagged pfail (fail?)", {}, pfail);
  out.Gauge("cluster_slots_unassigned", "Slots no node owns in the seed's view", {},
            static_cast<double>(std::max<long long>(0, kClusterSlots - owned)));
  out.Gauge("cluster_seed_info", "The seed whose CLUSTER NODES this scrape used (always 1)", {},
            {{"addr", data.seed_addr}}, 1);
  return data.topology.error.empty();
}

std::vector<std::unique_ptr<Collector>> DefaultCollectors() {
  std::vector<std::unique_ptr<Collector>> c;
  c.push_back(std::make_unique<InfoCollector>());
  c.push_back(std::make_unique<ClusterInfoCollector>());
  c.push_back(std::make_unique<ClusterNodesCollector>());
  return c;
}

}  // namespace rcs::exporter
