// CLUSTER SLOT-STATS (Valkey 8.0+, Redis 8.2+): per hash slot of the node's shard, its key count and, with
// cluster-slot-stats-enabled yes, the CPU time and network bytes spent on it since the server started (or
// CONFIG RESETSTAT). The reply to `CLUSTER SLOT-STATS SLOTSRANGE 0 16383` is, in RESP2,
//   [[slot, [name, value, name, value, ...]], ...]   (RESP3: the inner list is a map)
// one entry per slot the shard owns, in slot order; names are key-count, cpu-usec, network-bytes-in,
// network-bytes-out (Redis 8.2 adds memory-bytes; unknown names are ignored). Pure, so unit-tested on replies
// captured from Valkey 8.0.1.
#pragma once
#include <optional>
#include <vector>

#include "redis_source.h"

namespace rcs::exporter {

struct SlotStat {
  int slot = 0;
  double keys = 0;
  // Present only with cluster-slot-stats-enabled yes.
  std::optional<double> cpu_usec, net_in_bytes, net_out_bytes;
};

// nullopt when the reply does not have that shape (an error reply is the caller's business).
std::optional<std::vector<SlotStat>> ParseSlotStats(const Reply& reply);

// Indexes of the `n` slots with the highest value of `metric` (ties: the lower slot first, as the server's
// ORDERBY does), skipping slots without the metric and slots whose value is 0.
std::vector<size_t> TopSlots(const std::vector<SlotStat>& stats, std::optional<double> SlotStat::*metric, size_t n);
std::vector<size_t> TopSlotsByKeys(const std::vector<SlotStat>& stats, size_t n);

}  // namespace rcs::exporter
