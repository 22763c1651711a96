// INFO: Redis 7.0's sections and field names (exporters and redis-cli parse them by name).
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <initializer_list>
#include <string>

#include "base/alloc.h"
#include "base/redis_compat.h"
#include <algorithm>
#include "base/strutil.h"
#include "keyspace/key_sizes.h"
#include "server/server.h"
#include "server/tracking.h"

namespace rcs {
namespace {

std::string Human(int64_t bytes) {
  char buf[64];
  double d = static_cast<double>(bytes);
  if (bytes < 1024) snprintf(buf, sizeof(buf), "%" PRId64 "B", bytes);
  else if (bytes < 1024LL * 1024) snprintf(buf, sizeof(buf), "%.2fK", d / 1024);
  else if (bytes < 1024LL * 1024 * 1024) snprintf(buf, sizeof(buf), "%.2fM", d / (1024.0 * 1024));
  else snprintf(buf, sizeof(buf), "%.2fG", d / (1024.0 * 1024 * 1024));
  return buf;
}

void FieldD(std::string* out, const char* name, double v, const char* fmt = "%.2f") {
  char buf[64];
  snprintf(buf, sizeof(buf), fmt, v);
  InfoField(out, name, std::string(buf));
}

// Fields whose value is fixed here (features this node does not have), in Redis's order and format.
struct FixedField {
  const char* name;
  const char* value;
};
void Fields(std::string* out, std::initializer_list<FixedField> fields) {
  for (const FixedField& f : fields) InfoField(out, f.name, f.value);
}

int64_t TotalSystemMemory() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long size = sysconf(_SC_PAGESIZE);
  return static_cast<int64_t>(pages) * size;
}

}  // namespace

void Server::InstMetric::Track(int64_t now_ms, uint64_t value) {
  if (last_time_ms > 0 && now_ms > last_time_ms) {
    samples[idx] = static_cast<double>(value - last_value) * 1000.0 / static_cast<double>(now_ms - last_time_ms);
    idx = (idx + 1) % 16;
  }
  last_time_ms = now_ms;
  last_value = value;
}

double Server::InstMetric::Rate() const {
  double sum = 0;
  for (double s : samples) sum += s;
  return sum / 16;
}

// Writes INFO's sections from the server's state, one function per section (a friend of Server).
class InfoWriter {
 public:
  InfoWriter(Server& server, std::string* out) : s_(server), out_(out) {}

  void ServerSection();
  void ClientsSection();
  void MemorySection();
  void PersistenceSection();
  void StatsSection();
  void ReplicationSection();
  void CpuSection();
  void CommandstatsSection();
  void ErrorstatsSection();
  void LatencystatsSection();
  void ClusterSection();
  void KeyspaceSection();
  void KeysizesSection();

 private:
  // A subsystem's part of a section (Server::SetInfoProvider); false when none is installed.
  bool Provided(const char* section) {
    auto it = s_.info_providers_.find(section);
    if (it == s_.info_providers_.end()) return false;
    it->second(out_);
    return true;
  }

  Server& s_;
  std::string* out_;
};

namespace {

// INFO's sections in Redis's order: the name a client asks for, the title, and whether "default" has it.
struct InfoSectionSpec {
  const char* name;
  const char* title;
  bool in_default;
  void (InfoWriter::*write)();
};
constexpr InfoSectionSpec kInfoSections[] = {
    {"server", "Server", true, &InfoWriter::ServerSection},
    {"clients", "Clients", true, &InfoWriter::ClientsSection},
    {"memory", "Memory", true, &InfoWriter::MemorySection},
    {"persistence", "Persistence", true, &InfoWriter::PersistenceSection},
    {"stats", "Stats", true, &InfoWriter::StatsSection},
    {"replication", "Replication", true, &InfoWriter::ReplicationSection},
    {"cpu", "CPU", true, &InfoWriter::CpuSection},
    {"modules", "Modules", false, nullptr},  // no modules: the title alone
    {"commandstats", "Commandstats", false, &InfoWriter::CommandstatsSection},
    {"errorstats", "Errorstats", true, &InfoWriter::ErrorstatsSection},
    {"latencystats", "Latencystats", false, &InfoWriter::LatencystatsSection},
    {"cluster", "Cluster", true, &InfoWriter::ClusterSection},
    {"keyspace", "Keyspace", true, &InfoWriter::KeyspaceSection},
    {"keysizes", "Keysizes", true, &InfoWriter::KeysizesSection},  // Redis 8.2's
};

// Which sections a request names: "all" (all but modules), "everything", "default" (also no argument), or
// section names.
class SectionFilter {
 public:
  explicit SectionFilter(const std::vector<std::string>& requested)
      : requested_(requested), defaults_(requested.empty()) {
    for (auto& s : requested) {
      if (s == "all") all_ = true;
      if (s == "everything") everything_ = true;
      if (s == "default") defaults_ = true;
    }
  }
  bool Wants(const InfoSectionSpec& section) const {
    if (everything_) return true;
    if (all_ && std::string(section.name) != "modules") return true;
    if (defaults_ && section.in_default) return true;
    for (auto& s : requested_) {
      if (s == section.name) return true;
    }
    return false;
  }

 private:
  const std::vector<std::string>& requested_;
  bool all_ = false, everything_ = false, defaults_;
};

}  // namespace

std::string Server::InfoText(const std::vector<std::string>& requested) {
  SectionFilter filter(requested);
  std::string out;
  out.reserve(4096);
  InfoWriter writer(*this, &out);
  for (const InfoSectionSpec& section : kInfoSections) {
    if (!filter.Wants(section)) continue;
    if (!out.empty()) out += "\r\n";
    out += "# ";
    out += section.title;
    out += "\r\n";
    if (section.write != nullptr) (writer.*section.write)();
  }
  return out;
}

void InfoWriter::ServerSection() {
  std::string* out = out_;
  int64_t now_ms = s_.clock_->NowMs();
  utsname u{};
  uname(&u);
  InfoField(out, "redis_version", kRedisVersion);
  Fields(out, {{"redis_git_sha1", "00000000"}, {"redis_git_dirty", "0"}, {"redis_build_id", "0"}});
  InfoField(out, "redis_mode", s_.config_.cluster_enabled ? "cluster" : "standalone");
  InfoField(out, "rcs_version", RCS_VERSION);
  InfoField(out, "os", std::string(u.sysname) + " " + u.release + " " + u.machine);
  InfoField(out, "arch_bits", static_cast<int64_t>(sizeof(void*) * 8));
  Fields(out, {{"monotonic_clock", "POSIX clock_gettime"}, {"multiplexing_api", "epoll"},
               {"atomicvar_api", "c11-builtin"}});
  InfoField(out, "gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                                std::to_string(__GNUC_PATCHLEVEL__));
  InfoField(out, "process_id", static_cast<int64_t>(getpid()));
  InfoField(out, "process_supervised", "no");
  InfoField(out, "run_id", s_.run_id_);
  InfoField(out, "tcp_port", s_.config_.port);
  InfoField(out, "server_time_usec", s_.clock_->NowUs());
  InfoField(out, "uptime_in_seconds", (now_ms - s_.start_time_ms_) / 1000);
  InfoField(out, "uptime_in_days", (now_ms - s_.start_time_ms_) / 86400000);
  InfoField(out, "hz", s_.config_.hz);
  InfoField(out, "configured_hz", s_.config_.hz);
  InfoField(out, "lru_clock", (now_ms / 1000) & ((1 << 24) - 1));
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  InfoField(out, "executable", n > 0 ? std::string(exe, static_cast<size_t>(n)) : std::string());
  InfoField(out, "config_file", "");
  InfoField(out, "io_threads_active", 0);
}

void InfoWriter::ClientsSection() {
  std::string* out = out_;
  InfoField(out, "connected_clients", static_cast<int64_t>(s_.connected_clients()));
  InfoField(out, "cluster_connections", 0);
  InfoField(out, "maxclients", s_.config_.maxclients);
  InfoField(out, "client_recent_max_input_buffer", s_.stats_.recent_max_input_buffer);
  InfoField(out, "client_recent_max_output_buffer", s_.stats_.recent_max_output_buffer);
  InfoField(out, "blocked_clients", static_cast<int64_t>(s_.blocking_.count));
  InfoField(out, "tracking_clients", static_cast<int64_t>(s_.tracking_->clients()));
  InfoField(out, "clients_in_timeout_table", static_cast<int64_t>(s_.blocking_.timeouts.size()));
}

void InfoWriter::MemorySection() {
  std::string* out = out_;
  int64_t used = UsedMemory(), rss = ProcessRssBytes(), peak = PeakUsedMemory();
  int64_t total_mem = TotalSystemMemory();
  InfoField(out, "used_memory", used);
  InfoField(out, "used_memory_human", Human(used));
  InfoField(out, "used_memory_rss", rss);
  InfoField(out, "used_memory_rss_human", Human(rss));
  InfoField(out, "used_memory_peak", peak);
  InfoField(out, "used_memory_peak_human", Human(peak));
  FieldD(out, "used_memory_peak_perc", peak > 0 ? 100.0 * static_cast<double>(used) / static_cast<double>(peak) : 0,
         "%.2f%%");
  // used_memory is not split into overhead and dataset here: all of it is reported as dataset, so the
  // parts still add up to used_memory.
  InfoField(out, "used_memory_overhead", 0);
  InfoField(out, "used_memory_startup", 0);
  InfoField(out, "used_memory_dataset", used);
  InfoField(out, "used_memory_dataset_perc", "100.00%");
  InfoField(out, "allocator_allocated", used);
  InfoField(out, "allocator_active", used);
  InfoField(out, "allocator_resident", rss);
  InfoField(out, "total_system_memory", total_mem);
  InfoField(out, "total_system_memory_human", Human(total_mem));
  Server::ScriptInfo si = s_.script_info_ ? s_.script_info_() : Server::ScriptInfo{};
  InfoField(out, "used_memory_lua", si.lua_memory);
  InfoField(out, "used_memory_vm_eval", si.lua_memory);
  InfoField(out, "used_memory_lua_human", Human(si.lua_memory));
  InfoField(out, "used_memory_scripts_eval", si.scripts_memory);
  InfoField(out, "number_of_cached_scripts", si.cached_scripts);
  InfoField(out, "number_of_functions", si.functions);
  InfoField(out, "number_of_libraries", si.libraries);
  // One Lua state runs both scripts and functions: its memory is reported as EVAL's (vm_eval).
  InfoField(out, "used_memory_vm_functions", 0);
  InfoField(out, "used_memory_vm_total", si.lua_memory);
  InfoField(out, "used_memory_vm_total_human", Human(si.lua_memory));
  InfoField(out, "used_memory_functions", si.functions_memory);
  InfoField(out, "used_memory_scripts", si.scripts_memory + si.functions_memory);
  InfoField(out, "used_memory_scripts_human", Human(si.scripts_memory + si.functions_memory));
  InfoField(out, "maxmemory", s_.config_.maxmemory);
  InfoField(out, "maxmemory_human", Human(s_.config_.maxmemory));
  InfoField(out, "maxmemory_policy", s_.config_.maxmemory_policy);
  FieldD(out, "allocator_frag_ratio", 1.0);
  InfoField(out, "allocator_frag_bytes", 0);
  FieldD(out, "allocator_rss_ratio", used > 0 ? static_cast<double>(rss) / static_cast<double>(used) : 0);
  InfoField(out, "allocator_rss_bytes", rss - used);
  FieldD(out, "rss_overhead_ratio", 1.0);
  InfoField(out, "rss_overhead_bytes", 0);
  FieldD(out, "mem_fragmentation_ratio", used > 0 ? static_cast<double>(rss) / static_cast<double>(used) : 0);
  InfoField(out, "mem_fragmentation_bytes", rss - used);
  Fields(out, {{"mem_not_counted_for_evict", "0"}, {"mem_replication_backlog", "0"},
               {"mem_total_replication_buffers", "0"}, {"mem_clients_slaves", "0"}, {"mem_clients_normal", "0"},
               {"mem_cluster_links", "0"}, {"mem_aof_buffer", "0"}, {"mem_allocator", "libc"},
               {"active_defrag_running", "0"}, {"lazyfree_pending_objects", "0"}, {"lazyfreed_objects", "0"}});
}

void InfoWriter::PersistenceSection() {
  std::string* out = out_;
  InfoField(out, "loading", s_.loading_ ? 1 : 0);
  Fields(out, {{"async_loading", "0"}, {"current_cow_peak", "0"}, {"current_cow_size", "0"},
               {"current_cow_size_age", "0"}, {"current_fork_perc", "0.00"}, {"current_save_keys_processed", "0"},
               {"current_save_keys_total", "0"}});
  if (!Provided("rdb")) {  // a server without the RDB saver (in-process tests)
    InfoField(out, "rdb_changes_since_last_save", s_.dirty_);
    InfoField(out, "rdb_bgsave_in_progress", 0);
    InfoField(out, "rdb_last_save_time", s_.last_save_time_s_);
    Fields(out, {{"rdb_last_bgsave_status", "ok"}, {"rdb_last_bgsave_time_sec", "-1"},
                 {"rdb_current_bgsave_time_sec", "-1"}, {"rdb_saves", "0"}, {"rdb_last_cow_size", "0"}});
    InfoField(out, "rdb_last_load_keys_expired", static_cast<int64_t>(s_.stats_.rdb_last_load_keys_expired));
    InfoField(out, "rdb_last_load_keys_loaded", static_cast<int64_t>(s_.stats_.rdb_last_load_keys_loaded));
  }
  if (Provided("persistence")) return;
  InfoField(out, "aof_enabled", 0);  // a server without the AOF subsystem (in-process tests)
  Fields(out, {{"aof_rewrite_in_progress", "0"}, {"aof_rewrite_scheduled", "0"},
               {"aof_last_rewrite_time_sec", "-1"}, {"aof_current_rewrite_time_sec", "-1"},
               {"aof_last_bgrewrite_status", "ok"}, {"aof_rewrites", "0"},
               {"aof_rewrites_consecutive_failures", "0"}, {"aof_last_write_status", "ok"},
               {"aof_last_cow_size", "0"}, {"module_fork_in_progress", "0"}, {"module_fork_last_cow_size", "0"}});
}

void InfoWriter::StatsSection() {
  std::string* out = out_;
  const ServerStats& st = s_.stats_;
  KeyspaceStats ks;  // every database's counters together
  for (int i = 0; i < s_.db_count(); i++) {
    const Keyspace* db = s_.db_if_exists(i);
    if (db == nullptr) continue;
    const KeyspaceStats& d = db->stats();
    ks.keyspace_hits += d.keyspace_hits;
    ks.keyspace_misses += d.keyspace_misses;
    ks.expired_keys += d.expired_keys;
    ks.evicted_keys += d.evicted_keys;
    ks.expired_stale_perc_x100 = std::max(ks.expired_stale_perc_x100, d.expired_stale_perc_x100);
    ks.expire_cycle_cpu_us += d.expire_cycle_cpu_us;
  }
  InfoField(out, "total_connections_received", static_cast<int64_t>(st.total_connections_received));
  InfoField(out, "total_commands_processed", static_cast<int64_t>(st.total_commands_processed));
  InfoField(out, "instantaneous_ops_per_sec", static_cast<int64_t>(s_.inst_ops_.Rate()));
  InfoField(out, "total_net_input_bytes", static_cast<int64_t>(st.net_input_bytes));
  InfoField(out, "total_net_output_bytes", static_cast<int64_t>(st.net_output_bytes));
  InfoField(out, "total_net_repl_input_bytes", 0);
  InfoField(out, "total_net_repl_output_bytes", 0);
  FieldD(out, "instantaneous_input_kbps", s_.inst_in_.Rate() / 1024);
  FieldD(out, "instantaneous_output_kbps", s_.inst_out_.Rate() / 1024);
  InfoField(out, "instantaneous_input_repl_kbps", "0.00");
  InfoField(out, "instantaneous_output_repl_kbps", "0.00");
  InfoField(out, "rejected_connections", static_cast<int64_t>(st.rejected_connections));
  InfoField(out, "sync_full", static_cast<int64_t>(st.sync_full));
  InfoField(out, "sync_partial_ok", static_cast<int64_t>(st.sync_partial_ok));
  InfoField(out, "sync_partial_err", static_cast<int64_t>(st.sync_partial_err));
  InfoField(out, "expired_keys", static_cast<int64_t>(ks.expired_keys));
  FieldD(out, "expired_stale_perc", static_cast<double>(ks.expired_stale_perc_x100) / 100.0);
  InfoField(out, "expired_time_cap_reached_count", 0);
  InfoField(out, "expire_cycle_cpu_milliseconds", static_cast<int64_t>(ks.expire_cycle_cpu_us / 1000));
  InfoField(out, "evicted_keys", static_cast<int64_t>(ks.evicted_keys));
  Fields(out, {{"evicted_clients", "0"}, {"total_eviction_exceeded_time", "0"},
               {"current_eviction_exceeded_time", "0"}});
  InfoField(out, "keyspace_hits", static_cast<int64_t>(ks.keyspace_hits));
  InfoField(out, "keyspace_misses", static_cast<int64_t>(ks.keyspace_misses));
  InfoField(out, "pubsub_channels", static_cast<int64_t>(s_.pubsub_ ? s_.pubsub_->num_channels() : 0));
  InfoField(out, "pubsub_patterns", static_cast<int64_t>(s_.pubsub_ ? s_.pubsub_->num_patterns() : 0));
  InfoField(out, "pubsubshard_channels", static_cast<int64_t>(s_.pubsub_ ? s_.pubsub_->num_shard_channels() : 0));
  InfoField(out, "latest_fork_usec", st.latest_fork_usec);
  InfoField(out, "total_forks", static_cast<int64_t>(st.total_forks));
  Fields(out, {{"migrate_cached_sockets", "0"},
               {"slave_expires_tracked_keys", "0"}, {"active_defrag_hits", "0"}, {"active_defrag_misses", "0"},
               {"active_defrag_key_hits", "0"}, {"active_defrag_key_misses", "0"}, {"total_active_defrag_time", "0"},
               {"current_active_defrag_time", "0"}});
  InfoField(out, "tracking_total_keys", static_cast<int64_t>(s_.tracking_->table().keys()));
  InfoField(out, "tracking_total_items", static_cast<int64_t>(s_.tracking_->table().items()));
  InfoField(out, "tracking_total_prefixes", static_cast<int64_t>(s_.tracking_->prefixes()));
  InfoField(out, "unexpected_error_replies", static_cast<int64_t>(st.unexpected_error_replies));
  InfoField(out, "total_error_replies", static_cast<int64_t>(st.total_error_replies));
  InfoField(out, "dump_payload_sanitizations", 0);
  InfoField(out, "total_reads_processed", static_cast<int64_t>(st.total_reads_processed));
  InfoField(out, "total_writes_processed", static_cast<int64_t>(st.total_writes_processed));
  InfoField(out, "io_threaded_reads_processed", 0);
  InfoField(out, "io_threaded_writes_processed", 0);
  InfoField(out, "client_query_buffer_limit_disconnections", static_cast<int64_t>(st.client_qbuf_limit_disconnections));
  // ACL denials (Redis 7.2's fields; 7.0 has only ACL LOG).
  InfoField(out, "acl_access_denied_auth", static_cast<int64_t>(st.acl_access_denied_auth));
  InfoField(out, "acl_access_denied_cmd", static_cast<int64_t>(st.acl_access_denied_cmd));
  InfoField(out, "acl_access_denied_key", static_cast<int64_t>(st.acl_access_denied_key));
  InfoField(out, "acl_access_denied_channel", static_cast<int64_t>(st.acl_access_denied_channel));
}

void InfoWriter::ReplicationSection() {
  std::string* out = out_;
  if (Provided("replication")) return;
  Fields(out, {{"role", "master"}, {"connected_slaves", "0"}, {"master_failover_state", "no-failover"}});
  InfoField(out, "master_replid", s_.run_id_);
  InfoField(out, "master_replid2", std::string(40, '0'));
  Fields(out, {{"master_repl_offset", "0"}, {"second_repl_offset", "-1"}, {"repl_backlog_active", "0"}});
  InfoField(out, "repl_backlog_size", s_.config_.repl_backlog_size);
  InfoField(out, "repl_backlog_first_byte_offset", 0);
  InfoField(out, "repl_backlog_histlen", 0);
}

void InfoWriter::CpuSection() {
  rusage self{}, children{}, thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  FieldD(out_, "used_cpu_sys", secs(self.ru_stime), "%.6f");
  FieldD(out_, "used_cpu_user", secs(self.ru_utime), "%.6f");
  FieldD(out_, "used_cpu_sys_children", secs(children.ru_stime), "%.6f");
  FieldD(out_, "used_cpu_user_children", secs(children.ru_utime), "%.6f");
  FieldD(out_, "used_cpu_sys_main_thread", secs(thread.ru_stime), "%.6f");
  FieldD(out_, "used_cpu_user_main_thread", secs(thread.ru_utime), "%.6f");
}

void InfoWriter::CommandstatsSection() {
  auto emit = [&](const CommandSpec& s) {
    if (s.stats.calls == 0 && s.stats.rejected_calls == 0 && s.stats.failed_calls == 0) return;
    char buf[256];
    double per = s.stats.calls ? static_cast<double>(s.stats.usec) / static_cast<double>(s.stats.calls) : 0;
    snprintf(buf, sizeof(buf), "calls=%" PRIu64 ",usec=%" PRIu64 ",usec_per_call=%.2f,rejected_calls=%" PRIu64
             ",failed_calls=%" PRIu64, s.stats.calls, s.stats.usec, per, s.stats.rejected_calls, s.stats.failed_calls);
    *out_ += "cmdstat_" + s.name + ":" + buf + "\r\n";
  };
  for (auto& c : s_.registry_.all()) {
    emit(*c);
    for (auto& sub : c->subcommands) emit(sub);
  }
}

// latency_percentiles_usec_<command>:p50=1.003,p99=2.007,p99.9=4.015 for each command with a histogram; the
// percentile's name is its "%f" text without trailing zeros, the value in µs with 3 decimals.
void InfoWriter::LatencystatsSection() {
  if (!s_.config_.latency_tracking) return;
  const auto& percentiles = s_.config_.latency_tracking_info_percentiles;
  auto emit = [&](const CommandSpec& s) {
    const LatencyHistogram* h = s.stats.latency.h.get();
    if (h == nullptr) return;
    *out_ += "latency_percentiles_usec_" + s.name + ":";
    for (size_t i = 0; i < percentiles.size(); i++) {
      char name[64], value[64];
      snprintf(name, sizeof(name), "%f", percentiles[i]);
      std::string n = name;
      if (n.find('.') != std::string::npos) {
        while (n.back() == '0') n.pop_back();
        if (n.back() == '.') n.pop_back();
      }
      snprintf(value, sizeof(value), "%.3f", static_cast<double>(h->ValueAtPercentile(percentiles[i])) / 1000.0);
      *out_ += (i ? ",p" : "p") + n + "=" + value;
    }
    *out_ += "\r\n";
  };
  for (auto& c : s_.registry_.all()) {
    emit(*c);
    for (auto& sub : c->subcommands) emit(sub);
  }
}

void InfoWriter::ErrorstatsSection() {
  for (auto& [code, count] : s_.stats_.error_counts) {
    *out_ += "errorstat_" + code + ":count=" + std::to_string(count) + "\r\n";
  }
}

void InfoWriter::ClusterSection() {
  InfoField(out_, "cluster_enabled", s_.config_.cluster_enabled ? 1 : 0);
  Provided("cluster");
}

void InfoWriter::KeyspaceSection() {
  // One line per database that holds keys, as redis-server.
  for (int i = 0; i < s_.db_count(); i++) {
    Keyspace* db = s_.db_if_exists(i);
    if (db == nullptr || db->size() == 0) continue;
    *out_ += "db" + std::to_string(i) + ":keys=" + std::to_string(db->size()) + ",expires=" +
             std::to_string(db->expires_size()) + ",avg_ttl=" + std::to_string(db->avg_ttl_ms()) + "\r\n";
  }
}

// Redis 8.2's key size histograms (keyspace/key_sizes.h): the db<N>_ lines of each database that holds
// keys, in the databases' order.
void InfoWriter::KeysizesSection() {
  for (int i = 0; i < s_.db_count(); i++) {
    Keyspace* db = s_.db_if_exists(i);
    if (db == nullptr || db->size() == 0) continue;
    db->SettleKeySizes();
    db->key_sizes().AppendInfo(i, out_);
  }
}

}  // namespace rcs
