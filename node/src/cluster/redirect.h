// The redirect decision for one command in cluster mode, as a pure function of the cluster state, the
// command's keys and the client's flags (Redis's getNodeByQuery rules):
//   - no keys: served here, whatever the cluster state;
//   - keys in different slots: CROSSSLOT; a slot nobody serves: CLUSTERDOWN Hash slot not served;
//   - cluster down: CLUSTERDOWN The cluster is down (or, with cluster-allow-reads-when-down, only writes are
//     refused with "... only accepts read commands");
//   - MIGRATE on an open (migrating/importing) slot: served here;
//   - slot migrating away: every key missing here, ASK to the target; some here and some missing, TRYAGAIN
//     (redis-server 7.0: neither node can serve them all until the migration has moved the rest);
//   - slot importing and the client sent ASKING (or the command is RESTORE-ASKING): served, unless several
//     keys are named and some are missing: TRYAGAIN;
//   - READONLY client (or a shard pub/sub command), read command, this node a replica of the slot's master:
//     served here;
//   - shard pub/sub commands (SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH): channels are never "missing" (no ASK or
//     TRYAGAIN), and a down cluster serves them when cluster-allow-pubsubshard-when-down is yes;
//   - another node serves the slot: MOVED.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/cluster_state.h"

namespace rcs::cluster {

struct RedirectQuery {
  std::vector<std::string_view> keys;  // every key of the command (or of every queued command for EXEC)
  bool is_write = false;               // the command (or a queued one) writes
  bool is_migrate = false;             // served on an open slot whatever the keys (kCmdOpenSlotLocal: MIGRATE)
  bool asking = false;                 // ASKING was sent, or the command has the asking flag
  bool readonly_client = false;        // READONLY was sent
  bool allow_reads_when_down = false;
  bool pubsub_shard = false;           // SSUBSCRIBE/SUNSUBSCRIBE/SPUBLISH: the keys are shard channels
  bool allow_pubsubshard_when_down = true;
  std::function<bool(std::string_view key)> key_exists;  // consulted only for open slots
};

struct RedirectDecision {
  enum Kind { kServe, kMoved, kAsk, kCrossSlot, kTryAgain, kDownUnbound, kDownState, kDownReadOnly };
  Kind kind = kServe;
  int slot = -1;
  const ClusterNode* node = nullptr;  // MOVED/ASK target
};

RedirectDecision DecideRedirect(const ClusterState& state, const RedirectQuery& q);

// The error text (without "-" and CRLF) for a decision other than kServe. `use_hostname` follows
// cluster-preferred-endpoint-type hostname ("?" when the target has no hostname, as Redis does).
std::string RedirectError(const RedirectDecision& d, bool use_hostname);

}  // namespace rcs::cluster
