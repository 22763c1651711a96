// INFO: Redis 7.0's sections and field names (exporters and redis-cli parse them by name).
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>

#include "base/alloc.h"
#include "base/strutil.h"
#include "server/server.h"

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

void Field(std::string* out, const char* name, const std::string& value) {
  out->append(name);
  out->push_back(':');
  out->append(value);
  out->append("\r\n");
}
void Field(std::string* out, const char* name, int64_t v) { Field(out, name, std::to_string(v)); }
void FieldD(std::string* out, const char* name, double v, const char* fmt = "%.2f") {
  char buf[64];
  snprintf(buf, sizeof(buf), fmt, v);
  Field(out, name, std::string(buf));
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

std::string Server::InfoText(const std::vector<std::string>& requested) {
  bool all = false, everything = false, defaults = requested.empty();
  for (auto& s : requested) {
    if (s == "all") all = true;
    if (s == "everything") everything = true;
    if (s == "default") defaults = true;
  }
  auto want = [&](const char* name, bool in_default) {
    if (everything) return true;
    if (all && std::string(name) != "modules") return true;
    if (defaults && in_default) return true;
    for (auto& s : requested) {
      if (s == name) return true;
    }
    return false;
  };
  std::string out;
  out.reserve(4096);
  int64_t now_ms = clock_->NowMs();
  auto section = [&](const char* title) {
    if (!out.empty()) out += "\r\n";
    out += "# ";
    out += title;
    out += "\r\n";
  };
  if (want("server", true)) {
    section("Server");
    utsname u{};
    uname(&u);
    Field(&out, "redis_version", "7.0.15");
    Field(&out, "redis_git_sha1", "00000000");
    Field(&out, "redis_git_dirty", 0);
    Field(&out, "redis_build_id", "0");
    Field(&out, "redis_mode", config_.cluster_enabled ? "cluster" : "standalone");
    Field(&out, "rcs_version", RCS_VERSION);
    Field(&out, "os", std::string(u.sysname) + " " + u.release + " " + u.machine);
    Field(&out, "arch_bits", static_cast<int64_t>(sizeof(void*) * 8));
    Field(&out, "monotonic_clock", "POSIX clock_gettime");
    Field(&out, "multiplexing_api", "epoll");
    Field(&out, "atomicvar_api", "c11-builtin");
    Field(&out, "gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                                   std::to_string(__GNUC_PATCHLEVEL__));
    Field(&out, "process_id", static_cast<int64_t>(getpid()));
    Field(&out, "process_supervised", "no");
    Field(&out, "run_id", run_id_);
    Field(&out, "tcp_port", config_.port);
    Field(&out, "server_time_usec", clock_->NowUs());
    Field(&out, "uptime_in_seconds", (now_ms - start_time_ms_) / 1000);
    Field(&out, "uptime_in_days", (now_ms - start_time_ms_) / 86400000);
    Field(&out, "hz", config_.hz);
    Field(&out, "configured_hz", config_.hz);
    Field(&out, "lru_clock", (now_ms / 1000) & ((1 << 24) - 1));
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    Field(&out, "executable", n > 0 ? std::string(exe, static_cast<size_t>(n)) : std::string());
    Field(&out, "config_file", "");
    Field(&out, "io_threads_active", 0);
  }
  if (want("clients", true)) {
    section("Clients");
    Field(&out, "connected_clients", static_cast<int64_t>(connected_clients()));
    Field(&out, "cluster_connections", 0);
    Field(&out, "maxclients", config_.maxclients);
    Field(&out, "client_recent_max_input_buffer", stats_.recent_max_input_buffer);
    Field(&out, "client_recent_max_output_buffer", stats_.recent_max_output_buffer);
    Field(&out, "blocked_clients", static_cast<int64_t>(blocked_count_));
    Field(&out, "tracking_clients", 0);
    Field(&out, "clients_in_timeout_table", static_cast<int64_t>(block_timeouts_.size()));
  }
  if (want("memory", true)) {
    section("Memory");
    int64_t used = UsedMemory(), rss = ProcessRssBytes(), peak = PeakUsedMemory();
    int64_t total_mem = TotalSystemMemory();
    Field(&out, "used_memory", used);
    Field(&out, "used_memory_human", Human(used));
    Field(&out, "used_memory_rss", rss);
    Field(&out, "used_memory_rss_human", Human(rss));
    Field(&out, "used_memory_peak", peak);
    Field(&out, "used_memory_peak_human", Human(peak));
    FieldD(&out, "used_memory_peak_perc", peak > 0 ? 100.0 * static_cast<double>(used) / static_cast<double>(peak) : 0, "%.2f%%");
    // used_memory is not split into overhead and dataset here: all of it is reported as dataset, so the
    // parts still add up to used_memory.
    Field(&out, "used_memory_overhead", 0);
    Field(&out, "used_memory_startup", 0);
    Field(&out, "used_memory_dataset", used);
    Field(&out, "used_memory_dataset_perc", "100.00%");
    Field(&out, "allocator_allocated", used);
    Field(&out, "allocator_active", used);
    Field(&out, "allocator_resident", rss);
    Field(&out, "total_system_memory", total_mem);
    Field(&out, "total_system_memory_human", Human(total_mem));
    Field(&out, "used_memory_lua", 0);
    Field(&out, "used_memory_vm_eval", 0);
    Field(&out, "used_memory_lua_human", "0B");
    Field(&out, "used_memory_scripts_eval", 0);
    Field(&out, "number_of_cached_scripts", 0);
    Field(&out, "number_of_functions", 0);
    Field(&out, "number_of_libraries", 0);
    Field(&out, "used_memory_vm_functions", 0);
    Field(&out, "used_memory_vm_total", 0);
    Field(&out, "used_memory_vm_total_human", "0B");
    Field(&out, "used_memory_functions", 0);
    Field(&out, "used_memory_scripts", 0);
    Field(&out, "used_memory_scripts_human", "0B");
    Field(&out, "maxmemory", config_.maxmemory);
    Field(&out, "maxmemory_human", Human(config_.maxmemory));
    Field(&out, "maxmemory_policy", config_.maxmemory_policy);
    FieldD(&out, "allocator_frag_ratio", 1.0);
    Field(&out, "allocator_frag_bytes", 0);
    FieldD(&out, "allocator_rss_ratio", used > 0 ? static_cast<double>(rss) / static_cast<double>(used) : 0);
    Field(&out, "allocator_rss_bytes", rss - used);
    FieldD(&out, "rss_overhead_ratio", 1.0);
    Field(&out, "rss_overhead_bytes", 0);
    FieldD(&out, "mem_fragmentation_ratio", used > 0 ? static_cast<double>(rss) / static_cast<double>(used) : 0);
    Field(&out, "mem_fragmentation_bytes", rss - used);
    Field(&out, "mem_not_counted_for_evict", 0);
    Field(&out, "mem_replication_backlog", 0);
    Field(&out, "mem_total_replication_buffers", 0);
    Field(&out, "mem_clients_slaves", 0);
    Field(&out, "mem_clients_normal", 0);
    Field(&out, "mem_cluster_links", 0);
    Field(&out, "mem_aof_buffer", 0);
    Field(&out, "mem_allocator", "libc");
    Field(&out, "active_defrag_running", 0);
    Field(&out, "lazyfree_pending_objects", 0);
    Field(&out, "lazyfreed_objects", 0);
  }
  if (want("persistence", true)) {
    section("Persistence");
    Field(&out, "loading", loading_ ? 1 : 0);
    Field(&out, "async_loading", 0);
    Field(&out, "current_cow_peak", 0);
    Field(&out, "current_cow_size", 0);
    Field(&out, "current_cow_size_age", 0);
    Field(&out, "current_fork_perc", "0.00");
    Field(&out, "current_save_keys_processed", 0);
    Field(&out, "current_save_keys_total", 0);
    Field(&out, "rdb_changes_since_last_save", dirty_);
    Field(&out, "rdb_bgsave_in_progress", 0);
    Field(&out, "rdb_last_save_time", last_save_time_s_);
    Field(&out, "rdb_last_bgsave_status", "ok");
    Field(&out, "rdb_last_bgsave_time_sec", -1);
    Field(&out, "rdb_current_bgsave_time_sec", -1);
    Field(&out, "rdb_saves", 0);
    Field(&out, "rdb_last_cow_size", 0);
    Field(&out, "rdb_last_load_keys_expired", 0);
    Field(&out, "rdb_last_load_keys_loaded", 0);
    auto it = info_providers_.find("persistence");
    if (it != info_providers_.end()) {
      it->second(&out);
    } else {
      Field(&out, "aof_enabled", 0);  // no AOF yet, whatever appendonly says (see main.cc's warning)
      Field(&out, "aof_rewrite_in_progress", 0);
      Field(&out, "aof_rewrite_scheduled", 0);
      Field(&out, "aof_last_rewrite_time_sec", -1);
      Field(&out, "aof_current_rewrite_time_sec", -1);
      Field(&out, "aof_last_bgrewrite_status", "ok");
      Field(&out, "aof_rewrites", 0);
      Field(&out, "aof_rewrites_consecutive_failures", 0);
      Field(&out, "aof_last_write_status", "ok");
      Field(&out, "aof_last_cow_size", 0);
      Field(&out, "module_fork_in_progress", 0);
      Field(&out, "module_fork_last_cow_size", 0);
    }
  }
  if (want("stats", true)) {
    section("Stats");
    const KeyspaceStats& ks = db_.stats();
    Field(&out, "total_connections_received", static_cast<int64_t>(stats_.total_connections_received));
    Field(&out, "total_commands_processed", static_cast<int64_t>(stats_.total_commands_processed));
    Field(&out, "instantaneous_ops_per_sec", static_cast<int64_t>(inst_ops_.Rate()));
    Field(&out, "total_net_input_bytes", static_cast<int64_t>(stats_.net_input_bytes));
    Field(&out, "total_net_output_bytes", static_cast<int64_t>(stats_.net_output_bytes));
    Field(&out, "total_net_repl_input_bytes", 0);
    Field(&out, "total_net_repl_output_bytes", 0);
    FieldD(&out, "instantaneous_input_kbps", inst_in_.Rate() / 1024);
    FieldD(&out, "instantaneous_output_kbps", inst_out_.Rate() / 1024);
    Field(&out, "instantaneous_input_repl_kbps", "0.00");
    Field(&out, "instantaneous_output_repl_kbps", "0.00");
    Field(&out, "rejected_connections", static_cast<int64_t>(stats_.rejected_connections));
    Field(&out, "sync_full", static_cast<int64_t>(stats_.sync_full));
    Field(&out, "sync_partial_ok", static_cast<int64_t>(stats_.sync_partial_ok));
    Field(&out, "sync_partial_err", static_cast<int64_t>(stats_.sync_partial_err));
    Field(&out, "expired_keys", static_cast<int64_t>(ks.expired_keys));
    FieldD(&out, "expired_stale_perc", static_cast<double>(ks.expired_stale_perc_x100) / 100.0);
    Field(&out, "expired_time_cap_reached_count", 0);
    Field(&out, "expire_cycle_cpu_milliseconds", static_cast<int64_t>(ks.expire_cycle_cpu_us / 1000));
    Field(&out, "evicted_keys", static_cast<int64_t>(ks.evicted_keys));
    Field(&out, "evicted_clients", 0);
    Field(&out, "total_eviction_exceeded_time", 0);
    Field(&out, "current_eviction_exceeded_time", 0);
    Field(&out, "keyspace_hits", static_cast<int64_t>(ks.keyspace_hits));
    Field(&out, "keyspace_misses", static_cast<int64_t>(ks.keyspace_misses));
    Field(&out, "pubsub_channels", 0);
    Field(&out, "pubsub_patterns", 0);
    Field(&out, "pubsubshard_channels", 0);
    Field(&out, "latest_fork_usec", 0);
    Field(&out, "total_forks", 0);
    Field(&out, "migrate_cached_sockets", 0);
    Field(&out, "slave_expires_tracked_keys", 0);
    Field(&out, "active_defrag_hits", 0);
    Field(&out, "active_defrag_misses", 0);
    Field(&out, "active_defrag_key_hits", 0);
    Field(&out, "active_defrag_key_misses", 0);
    Field(&out, "total_active_defrag_time", 0);
    Field(&out, "current_active_defrag_time", 0);
    Field(&out, "tracking_total_keys", 0);
    Field(&out, "tracking_total_items", 0);
    Field(&out, "tracking_total_prefixes", 0);
    Field(&out, "unexpected_error_replies", static_cast<int64_t>(stats_.unexpected_error_replies));
    Field(&out, "total_error_replies", static_cast<int64_t>(stats_.total_error_replies));
    Field(&out, "dump_payload_sanitizations", 0);
    Field(&out, "total_reads_processed", static_cast<int64_t>(stats_.total_reads_processed));
    Field(&out, "total_writes_processed", static_cast<int64_t>(stats_.total_writes_processed));
    Field(&out, "io_threaded_reads_processed", 0);
    Field(&out, "io_threaded_writes_processed", 0);
    Field(&out, "client_query_buffer_limit_disconnections", static_cast<int64_t>(stats_.client_qbuf_limit_disconnections));
  }
  if (want("replication", true)) {
    section("Replication");
    auto it = info_providers_.find("replication");
    if (it != info_providers_.end()) {
      it->second(&out);
    } else {
      Field(&out, "role", "master");
      Field(&out, "connected_slaves", 0);
      Field(&out, "master_failover_state", "no-failover");
      Field(&out, "master_replid", run_id_);
      Field(&out, "master_replid2", std::string(40, '0'));
      Field(&out, "master_repl_offset", 0);
      Field(&out, "second_repl_offset", -1);
      Field(&out, "repl_backlog_active", 0);
      Field(&out, "repl_backlog_size", config_.repl_backlog_size);
      Field(&out, "repl_backlog_first_byte_offset", 0);
      Field(&out, "repl_backlog_histlen", 0);
    }
  }
  if (want("cpu", true)) {
    section("CPU");
    rusage self{}, children{}, thread{};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    getrusage(RUSAGE_THREAD, &thread);
    auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
    FieldD(&out, "used_cpu_sys", secs(self.ru_stime), "%.6f");
    FieldD(&out, "used_cpu_user", secs(self.ru_utime), "%.6f");
    FieldD(&out, "used_cpu_sys_children", secs(children.ru_stime), "%.6f");
    FieldD(&out, "used_cpu_user_children", secs(children.ru_utime), "%.6f");
    FieldD(&out, "used_cpu_sys_main_thread", secs(thread.ru_stime), "%.6f");
    FieldD(&out, "used_cpu_user_main_thread", secs(thread.ru_utime), "%.6f");
  }
  if (want("modules", false)) {
    section("Modules");
  }
  if (want("commandstats", false)) {
    section("Commandstats");
    auto emit = [&](const CommandSpec& s) {
      if (s.stats.calls == 0 && s.stats.rejected_calls == 0 && s.stats.failed_calls == 0) return;
      char buf[256];
      double per = s.stats.calls ? static_cast<double>(s.stats.usec) / static_cast<double>(s.stats.calls) : 0;
      snprintf(buf, sizeof(buf), "calls=%" PRIu64 ",usec=%" PRIu64 ",usec_per_call=%.2f,rejected_calls=%" PRIu64
               ",failed_calls=%" PRIu64, s.stats.calls, s.stats.usec, per, s.stats.rejected_calls, s.stats.failed_calls);
      out += "cmdstat_" + s.name + ":" + buf + "\r\n";
    };
    for (auto& c : registry_.all()) {
      emit(*c);
      for (auto& sub : c->subcommands) emit(sub);
    }
  }
  if (want("errorstats", true)) {
    section("Errorstats");
    for (auto& [code, count] : stats_.error_counts) {
      out += "errorstat_" + code + ":count=" + std::to_string(count) + "\r\n";
    }
  }
  if (want("cluster", true)) {
    section("Cluster");
    Field(&out, "cluster_enabled", config_.cluster_enabled ? 1 : 0);
    auto it = info_providers_.find("cluster");
    if (it != info_providers_.end()) it->second(&out);
  }
  if (want("keyspace", true)) {
    section("Keyspace");
    if (db_.size() > 0) {
      out += "db0:keys=" + std::to_string(db_.size()) + ",expires=" + std::to_string(db_.expires_size()) +
             ",avg_ttl=" + std::to_string(db_.avg_ttl_ms()) + "\r\n";
    }
  }
  return out;
}

}  // namespace rcs
