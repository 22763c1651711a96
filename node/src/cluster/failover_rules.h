// The decisions of failure detection and failover, as pure functions of plain inputs (no sockets, no
// clock), so each rule is unit-tested on its own (tests/node/cluster_test.cc). Cluster (gossip.cc,
// failover.cc) gathers the inputs from its state and acts on the answers. The rules are Redis 7's
// (cluster spec, "Failure detection", "Replica election and promotion", "Masters reply to replica vote
// request"); the election delay's fixed part is Valkey's min(500, node_timeout / 30).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace rcs::cluster {

// The quorum for FAIL and for winning an election: a majority of the masters that serve slots.
inline size_t FailQuorum(size_t cluster_size) { return cluster_size / 2 + 1; }

// A PFAIL node becomes FAIL when the valid reports of other masters, plus our own opinion if we are a master
// serving slots, reach the quorum.
inline bool HasFailQuorum(size_t valid_reports, bool i_am_voting_master, size_t cluster_size) {
  return valid_reports + (i_am_voting_master ? 1 : 0) >= FailQuorum(cluster_size);
}

// A replica's rank among the replicas of its failed master: how many of the others have a greater
// replication offset (0 = the most up to date, who goes first). Equal offsets share a rank.
int ReplicaRank(int64_t my_offset, const std::vector<int64_t>& other_replica_offsets);

// How long a replica waits, after it learns its master is FAIL, before asking for votes: a fixed part
// (min(500, node_timeout / 30) ms) so the FAIL reaches every master first, a random part (0..random_max)
// so replicas of one rank do not split the vote, and one second per rank.
inline int64_t ElectionFixedDelayMs(int64_t node_timeout_ms) {
  int64_t f = node_timeout_ms / 30;
  return f < 500 ? f : 500;
}
inline int64_t ElectionDelayMs(int64_t node_timeout_ms, int rank, int64_t random_part_ms) {
  return ElectionFixedDelayMs(node_timeout_ms) + random_part_ms + static_cast<int64_t>(rank) * 1000;
}

// How long a replica's election lasts before it gives up (max(2 x node_timeout, 2 s)), and when it may
// retry (twice that).
inline int64_t ElectionTimeoutMs(int64_t node_timeout_ms) {
  return node_timeout_ms * 2 > 2000 ? node_timeout_ms * 2 : 2000;
}

// Whether a replica's data is recent enough to fail over (cluster-replica-validity-factor): the time since
// it last heard from its master, minus the node timeout, must not exceed
// node_timeout x factor + repl_ping_period. A factor of 0 means "always valid".
bool ReplicaDataValid(int64_t data_age_ms, int64_t node_timeout_ms, int validity_factor, int64_t repl_ping_period_ms);

// A master's vote on a FAILOVER_AUTH_REQUEST.
struct VoteRequest {
  bool i_am_master_with_slots = false;
  uint64_t my_current_epoch = 0;        // after adopting the request's currentEpoch
  uint64_t my_last_vote_epoch = 0;
  uint64_t request_current_epoch = 0;
  uint64_t request_config_epoch = 0;    // the requester's master's configEpoch as the requester knows it
  bool requester_is_replica = false;
  bool master_known = false;            // we know the requester's master
  bool master_failed = false;           // ... and it is FAIL for us
  bool force_ack = false;               // manual failover: vote even if the master is not FAIL
  int64_t now_ms = 0;
  int64_t master_voted_ms = 0;          // when we last voted for a replica of that master (0 = never)
  int64_t node_timeout_ms = 0;
  uint64_t max_claimed_slot_owner_epoch = 0;  // the greatest configEpoch among the owners (for us) of the
                                              // slots the requester claims
};
enum class VoteDecision {
  kGrant,
  kNotAVoter,          // we are a replica or serve no slots
  kStaleEpoch,         // the request's currentEpoch is lower than ours
  kAlreadyVoted,       // we voted in this epoch already
  kNotAReplica,        // the requester is a master (or its master is unknown)
  kMasterNotFailed,    // its master is not FAIL and no manual failover forces the vote
  kTooSoon,            // we voted for a replica of this master less than 2 x node_timeout ago
  kSlotsHaveNewerOwner // a slot it claims has an owner with a greater configEpoch than the request's
};
VoteDecision DecideVote(const VoteRequest& r);
const char* VoteDecisionText(VoteDecision d);  // for the log line explaining a refused vote

// Whether a master claiming a slot with `claim_epoch` takes it from the current owner (none: always).
inline bool SlotClaimWins(bool has_owner, uint64_t owner_epoch, uint64_t claim_epoch) {
  return !has_owner || owner_epoch < claim_epoch;
}

// Replica migration: whether I (a replica of a master with `my_master_ok_replicas` working replicas) should
// move to an orphaned master: only when my master keeps more than the barrier, and only the replica with the
// smallest id among its master's replicas goes (so exactly one moves).
inline bool ShouldMigrateReplica(int my_master_ok_replicas, int migration_barrier, bool i_am_smallest_id) {
  return my_master_ok_replicas > migration_barrier && i_am_smallest_id;
}

}  // namespace rcs::cluster
