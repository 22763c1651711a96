// The cluster status page (/) and its JSON (/cluster.json): the topology and health of the whole cluster at a
// glance, from the same fetch a Prometheus scrape makes, for an on-call engineer without Grafana at hand.
//
// BuildStatus turns one scrape's ScrapeData into a ClusterStatus: shards (a master with slots and its
// replicas), each node's state as the seed's CLUSTER NODES says it (ok, pfail, fail, handshake, noaddr) or
// "down" when the exporter could not read it, link state, epochs, keys, memory, ops/s and a replica's
// replication lag in bytes. FailoverLog remembers, across scrapes, when the master of a slot range changed.
// Rendering is pure (no I/O): server-side HTML with inline CSS, no script, refreshed by a meta tag.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "collectors/collector.h"

namespace rcs::exporter {

struct StatusNode {
  std::string id, addr, role, master_id;
  std::string state;  // ok | pfail | fail | handshake | noaddr | down (the exporter could not read it)
  bool link_connected = false;
  long long config_epoch = 0;
  int slots = 0;
  std::string slot_ranges;  // "0-5460 10923" (masters)
  bool scraped = false;     // its INFO was read this time
  std::string error;        // why not
  std::optional<double> keys, used_memory, ops_per_sec, repl_offset, lag_bytes;
};

struct StatusShard {
  StatusNode master;
  std::vector<StatusNode> replicas;
};

struct Failover {
  int64_t unix_seconds = 0;
  std::string slots;  // the slot ranges that changed hands
  std::string from_addr, to_addr;
};

struct ClusterStatus {
  int64_t unix_seconds = 0;
  std::string seed_addr;
  bool cluster_mode = false;
  bool view_ok = false;          // a seed answered CLUSTER NODES
  std::string cluster_state;     // the seed's CLUSTER INFO cluster_state ("" when unknown)
  long long current_epoch = 0;
  int slots_covered = 0;         // slots owned by a master that is not failed
  int slots_assigned = 0;
  std::vector<StatusShard> shards;
  std::vector<StatusNode> others;  // nodes without slots and without a master with slots (e.g. empty masters)
  std::vector<Failover> failovers;  // newest first
  size_t nodes = 0;
};

// Remembers which master owned each slot range, across scrapes; a change is a failover (or a resharding,
// which moves slots to a master that already had others: not reported).
class FailoverLog {
 public:
  void Observe(const ClusterStatus& status, std::vector<Failover>* out);
  const std::deque<Failover>& recent() const { return recent_; }

 private:
  std::map<int, std::pair<std::string, std::string>> owner_;  // first slot of a range -> (master id, addr)
  std::deque<Failover> recent_;                               // newest first, at most 10
};

ClusterStatus BuildStatus(const ScrapeData& data, int64_t unix_seconds);
std::string RenderStatusHtml(const ClusterStatus& status, const std::string& version, int refresh_seconds,
                             const std::string& telemetry_path);
nlohmann::json StatusJson(const ClusterStatus& status);

}  // namespace rcs::exporter
