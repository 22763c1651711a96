// The cluster's state as this node sees it: the nodes it knows (ClusterNode), who serves each of the 16,384
// slots (SlotMap), the slots being migrated or imported, and the epochs. Pure data plus the pure logic on
// it (failure-report quorum, the nodes.conf format, the CLUSTER NODES line); the I/O (bus links, timers,
// the config file on disk) lives in the Cluster class (cluster.h); the nodes.conf text is in nodes_conf.cc.
//
// nodes.conf (Redis 7.0's format, so that operators and tools read it the same way): one line per node,
//   <id> <ip>:<port>@<cport>[,<hostname>] <flags> <master-id|-> <ping-sent-ms> <pong-recv-ms> <config-epoch>
//   <connected|disconnected> <slot or first-last>... [<slot>->-<node-id>] [<slot>-<-<node-id>]
// followed by the line "vars currentEpoch <n> lastVoteEpoch <n>". CLUSTER NODES prints the same lines
// (without the migrating/importing brackets for other nodes, and with live link states), each ending in "\n".
// The file is rewritten whole on every change: written to a temp file, fsync'ed, renamed over the old one.
#pragma once
#include <array>
#include <bitset>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/crc16.h"
#include "base/status.h"

namespace rcs::cluster {

constexpr int kNodeIdLen = 40;

enum NodeFlag : uint16_t {
  kNodeMyself = 1 << 0,
  kNodeMaster = 1 << 1,
  kNodeReplica = 1 << 2,
  kNodePFail = 1 << 3,
  kNodeFail = 1 << 4,
  kNodeHandshake = 1 << 5,
  kNodeNoAddr = 1 << 6,
  kNodeMeet = 1 << 7,        // send MEET (not PING) on the next connect (CLUSTER MEET)
  kNodeMigrateTo = 1 << 8,   // a master that had replicas: a candidate for replica migration (not shown)
  kNodeNoFailover = 1 << 9,
};

// Who reported a node as failing, and when (ms). A report counts for 2 x node timeout.
class FailureReports {
 public:
  void Add(const std::string& reporter, int64_t now_ms) { reports_[reporter] = now_ms; }
  bool Remove(const std::string& reporter) { return reports_.erase(reporter) > 0; }
  // Drops reports older than max_age_ms; returns how many remain.
  size_t CountValid(int64_t now_ms, int64_t max_age_ms);
  void Clear() { reports_.clear(); }
  size_t size() const { return reports_.size(); }

 private:
  std::map<std::string, int64_t> reports_;
};

struct ClusterNode {
  std::string id;
  std::string ip;            // announced or observed address ("" until known)
  int port = 0;
  int cport = 0;
  std::string hostname;      // cluster-announce-hostname ("" when none)
  uint16_t flags = 0;
  std::string master_id;     // "" for masters
  uint64_t config_epoch = 0;
  int64_t ping_sent_ms = 0;      // 0 = no ping awaiting a pong
  int64_t pong_received_ms = 0;
  int64_t data_received_ms = 0;
  int64_t fail_time_ms = 0;
  int64_t voted_time_ms = 0;     // we last voted for a replica of this master (0 = never)
  int64_t orphaned_since_ms = 0; // master with slots and no working replica since (0 = not orphaned)
  int64_t ctime_ms = 0;          // creation time (handshake timeout)
  int64_t repl_offset = 0;
  std::bitset<kClusterSlots> slots;
  int num_slots = 0;
  FailureReports fail_reports;
  bool link_connected = false;   // outbound link up (for "connected"/"disconnected")
  // Address changes (address_rules.h): the address before our last change of it and when that was (the
  // flapping guard), and the connects since the node last answered (dialling alternates between its
  // hostname's answer and the known IP).
  std::string prev_addr;
  int64_t addr_changed_ms = 0;
  uint64_t dial_attempts = 0;
  int64_t flap_logged_ms = 0;

  bool is(uint16_t f) const { return (flags & f) != 0; }
  bool is_master() const { return is(kNodeMaster); }
  bool is_replica() const { return is(kNodeReplica); }
  bool failed() const { return is(kNodeFail); }
  // "myself,master", "slave", "master,fail?", "noflags"
  std::string FlagsText() const;
};

// A slot range [first, last].
struct SlotRange {
  int first, last;
};
std::vector<SlotRange> RangesOf(const std::bitset<kClusterSlots>& slots);

class ClusterState {
 public:
  ClusterState() { owner_.fill(nullptr); }

  ClusterNode* myself() const { return myself_; }
  ClusterNode* Find(std::string_view id) const;
  // Creates a node (random id when id is empty); the first node created with kNodeMyself becomes myself.
  ClusterNode* Add(std::string id, uint16_t flags);
  void Remove(ClusterNode* n);  // clears its slots, reports it made, replicas' links to it stay as ids
  bool Rename(ClusterNode* n, const std::string& new_id);
  const std::map<std::string, std::unique_ptr<ClusterNode>>& nodes() const { return nodes_; }

  // Slots.
  ClusterNode* owner(int slot) const { return owner_[slot]; }
  void AssignSlot(int slot, ClusterNode* n);
  void UnassignSlot(int slot);
  // Called after a slot gets another owner or none (CLUSTER SLOT-STATS resets its counters then).
  std::function<void(int slot)> on_slot_owner_change;
  // Open slots (few at a time, so kept sparse: "" when the slot is not migrating/importing).
  ClusterNode* migrating_to(int slot) const { return Find(migrating_id(slot)); }
  ClusterNode* importing_from(int slot) const { return Find(importing_id(slot)); }
  const std::string& migrating_id(int slot) const { return Get(migrating_, slot); }
  const std::string& importing_id(int slot) const { return Get(importing_, slot); }
  void SetMigrating(int slot, const std::string& id) { Set(migrating_, slot, id); }
  void SetImporting(int slot, const std::string& id) { Set(importing_, slot, id); }
  bool has_open_slots() const { return !migrating_.empty() || !importing_.empty(); }
  const std::map<int, std::string>& migrating() const { return migrating_; }
  const std::map<int, std::string>& importing() const { return importing_; }

  uint64_t current_epoch = 0;
  uint64_t last_vote_epoch = 0;
  bool state_ok = false;

  // Masters serving at least one slot.
  size_t Size() const;
  uint64_t MaxConfigEpoch() const;
  size_t SlotsAssigned() const;
  std::vector<ClusterNode*> ReplicasOf(const std::string& master_id) const;
  // The master a node belongs to (itself for a master, nullptr if its master is unknown).
  ClusterNode* MasterOf(ClusterNode* n) const { return n->is_replica() ? Find(n->master_id) : n; }

  // One CLUSTER NODES / nodes.conf line, ending in "\n". `for_file` adds the migrating/importing brackets
  // of myself the way Redis does in both (Redis shows them in CLUSTER NODES too, for myself only).
  std::string NodeLine(const ClusterNode& n, int64_t now_ms) const;
  std::string NodesText(int64_t now_ms) const;
  // nodes.conf text (NodesText + the vars line).
  std::string ConfigText(int64_t now_ms) const;
  // Parses nodes.conf text into an empty state. Errors say which line is wrong.
  Status LoadConfigText(std::string_view text);

 private:
  std::map<std::string, std::unique_ptr<ClusterNode>> nodes_;
  ClusterNode* myself_ = nullptr;
  std::array<ClusterNode*, kClusterSlots> owner_;
  std::map<int, std::string> migrating_, importing_;

  static const std::string& Get(const std::map<int, std::string>& m, int slot) {
    static const std::string kNone;
    auto it = m.find(slot);
    return it == m.end() ? kNone : it->second;
  }
  static void Set(std::map<int, std::string>& m, int slot, const std::string& id) {
    if (id.empty()) m.erase(slot);
    else m[slot] = id;
  }
};

// A new random 40-character lowercase hex id.
std::string RandomNodeId();
bool IsValidNodeId(std::string_view id);


}  // namespace rcs::cluster
