#include "cluster/failover_rules.h"

namespace rcs::cluster {

int ReplicaRank(int64_t my_offset, const std::vector<int64_t>& other_replica_offsets) {
  int rank = 0;
  for (int64_t o : other_replica_offsets) rank += o > my_offset;
  return rank;
}

bool ReplicaDataValid(int64_t data_age_ms, int64_t node_timeout_ms, int validity_factor, int64_t repl_ping_period_ms) {
  if (validity_factor <= 0) return true;
  int64_t age = data_age_ms > node_timeout_ms ? data_age_ms - node_timeout_ms : 0;
  return age <= node_timeout_ms * validity_factor + repl_ping_period_ms;
}

VoteDecision DecideVote(const VoteRequest& r) {
  if (!r.i_am_master_with_slots) return VoteDecision::kNotAVoter;
  if (r.request_current_epoch < r.my_current_epoch) return VoteDecision::kStaleEpoch;
  if (r.my_last_vote_epoch == r.my_current_epoch) return VoteDecision::kAlreadyVoted;
  if (!r.requester_is_replica || !r.master_known) return VoteDecision::kNotAReplica;
  if (!r.master_failed && !r.force_ack) return VoteDecision::kMasterNotFailed;
  if (r.master_voted_ms != 0 && r.now_ms - r.master_voted_ms < r.node_timeout_ms * 2) return VoteDecision::kTooSoon;
  if (r.max_claimed_slot_owner_epoch > r.request_config_epoch) return VoteDecision::kSlotsHaveNewerOwner;
  return VoteDecision::kGrant;
}

const char* VoteDecisionText(VoteDecision d) {
  switch (d) {
    case VoteDecision::kGrant: return "granted";
    case VoteDecision::kNotAVoter: return "I am not a master serving slots";
    case VoteDecision::kStaleEpoch: return "its currentEpoch is older than mine";
    case VoteDecision::kAlreadyVoted: return "I already voted in this epoch";
    case VoteDecision::kNotAReplica: return "it is not a replica of a master I know";
    case VoteDecision::kMasterNotFailed: return "its master is not in FAIL state";
    case VoteDecision::kTooSoon: return "I voted for a replica of this master less than 2 x node timeout ago";
    case VoteDecision::kSlotsHaveNewerOwner: return "a slot it claims has an owner with a greater configEpoch";
  }
  return "?";
}

}  // namespace rcs::cluster
