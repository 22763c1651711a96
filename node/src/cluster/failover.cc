// Failover: a replica replaces its failed master through an election among the masters (Redis 7's
// protocol, cluster spec "Replica election and promotion").
//
// Replica side (HandleReplicaFailover, run by the cron every 100 ms and before sleeping after a vote
// arrives):
//   1. My master is FAIL (or a manual failover is ready), it serves slots, cluster-replica-no-failover is
//      off, my data is recent enough (cluster-replica-validity-factor): schedule the election after
//      ElectionDelayMs (fixed min(500, node_timeout/30) + random + 1 s per rank; rank 0 = highest offset).
//      While waiting, a worse rank learned from gossip pushes the start later.
//   2. At the start time: currentEpoch + 1, FAILOVER_AUTH_REQUEST to every node (its header carries the
//      new currentEpoch, my master's configEpoch and slots).
//   3. FAILOVER_AUTH_ACKs from masters serving slots, for this epoch, are counted; a majority of the
//      masters (FailQuorum(cluster size)) wins: I become master with configEpoch = the election's epoch,
//      take my old master's slots, and PONG everyone at once. The others follow the greater configEpoch
//      (gossip.cc); stale nodes are corrected with UPDATE.
//   The election times out after ElectionTimeoutMs; a new one may start after twice that.
// Master side (HandleAuthRequest): DecideVote (failover_rules.h): one vote per epoch (lastVoteEpoch,
//   saved to nodes.conf before the ACK leaves), only for a replica of a FAIL master (unless a manual
//   failover forces it), never twice for replicas of one master within 2 x node_timeout, never for slots
//   whose owner has a greater configEpoch than the request's.
#include <algorithm>

#include "base/log.h"
#include "cluster/cluster.h"
#include "cluster/cluster_internal.h"

namespace rcs::cluster {

int Cluster::MyReplicaRank() const {
  ClusterNode* me = state_.myself();
  std::vector<int64_t> others;
  for (ClusterNode* r : state_.ReplicasOf(me->master_id)) {
    if (r == me || r->is(kNodeNoFailover) || r->failed()) continue;
    others.push_back(r->repl_offset);
  }
  return ReplicaRank(repl_->ReplicationOffset(), others);
}

void Cluster::ResetElection() {
  failover_auth_time_ = 0;
  failover_auth_sent_ = false;
  failover_auth_count_ = 0;
  failover_auth_rank_ = 0;
}

void Cluster::HandleReplicaFailover() {
  ClusterNode* me = state_.myself();
  if (!me->is_replica()) return;
  ClusterNode* master = state_.Find(me->master_id);
  if (master == nullptr) return;
  const Config& cfg = server_->config();
  int64_t now = now_ms();
  int64_t timeout = cfg.cluster_node_timeout;
  bool manual = mf_end_ms_ != 0 && mf_can_start_;
  if (!manual) {
    if (!master->failed() || master->num_slots == 0) return;
    if (cfg.cluster_replica_no_failover) {
      LogOnce(kCantFailoverNoFailover, "Currently unable to failover: cluster-replica-no-failover is set.");
      return;
    }
    int64_t silence = repl_->MasterSilenceMs(now);
    if (!ReplicaDataValid(silence, timeout, cfg.cluster_replica_validity_factor,
                          static_cast<int64_t>(cfg.repl_ping_replica_period) * 1000)) {
      LogOnce(kCantFailoverDataAge, "Currently unable to failover: my data is too old (" + std::to_string(silence) +
                                        " ms since the last contact with my master).");
      return;
    }
  }
  int64_t auth_timeout = ElectionTimeoutMs(timeout);
  int64_t auth_retry = auth_timeout * 2;
  if (now - failover_auth_time_ > auth_retry) {
    // Schedule a new election.
    failover_auth_sent_ = false;
    failover_auth_count_ = 0;
    if (manual) {
      failover_auth_rank_ = 0;
      failover_auth_time_ = now;
    } else {
      failover_auth_rank_ = MyReplicaRank();
      int64_t random_max = std::max<int64_t>(ElectionFixedDelayMs(timeout), 1);
      int64_t random_part = static_cast<int64_t>(Rng()() % static_cast<uint64_t>(random_max + 1));
      failover_auth_time_ = now + ElectionDelayMs(timeout, failover_auth_rank_, random_part);
      LogNotice("Start of election delayed for " + std::to_string(failover_auth_time_ - now) + " milliseconds (rank #" +
                std::to_string(failover_auth_rank_) + ", offset " + std::to_string(repl_->ReplicationOffset()) + ").");
    }
    cant_failover_logged_ = 0;
    return;
  }
  if (!failover_auth_sent_ && !manual) {
    int rank = MyReplicaRank();
    if (rank > failover_auth_rank_) {
      int64_t added = static_cast<int64_t>(rank - failover_auth_rank_) * 1000;
      failover_auth_time_ += added;
      failover_auth_rank_ = rank;
      LogNotice("Replica rank updated to #" + std::to_string(rank) + ", added " + std::to_string(added) +
                " milliseconds of delay.");
    }
  }
  if (now < failover_auth_time_) return;
  if (now - failover_auth_time_ > auth_timeout) {
    LogOnce(kCantFailoverExpired, "Currently unable to failover: Failover attempt expired.");
    return;
  }
  if (!failover_auth_sent_) {
    state_.current_epoch++;
    failover_auth_epoch_ = state_.current_epoch;
    LogNotice("Starting a failover election for epoch " + std::to_string(failover_auth_epoch_) + ".");
    BusMessage m = BuildHeader(MsgType::kFailoverAuthRequest);
    if (manual) m.mflags |= kMflagForceAck;
    Broadcast(m);
    failover_auth_sent_ = true;
    MarkChanged();
    SaveConfig();
    return;
  }
  size_t needed = FailQuorum(state_.Size());
  if (failover_auth_count_ < needed) {
    LogOnce(kCantFailoverWaitingVotes, "Currently unable to failover: Waiting for votes, but majority still not reached.");
    return;
  }
  LogNotice("Failover election won for epoch " + std::to_string(failover_auth_epoch_) + ": " +
            std::to_string(failover_auth_count_) + " of " + std::to_string(state_.Size()) + " masters voted for me.");
  if (me->config_epoch < failover_auth_epoch_) me->config_epoch = failover_auth_epoch_;
  ReplaceMyMaster();
  ResetManualFailover();
}

void Cluster::ReplaceMyMaster() {
  ClusterNode* me = state_.myself();
  ClusterNode* old = state_.Find(me->master_id);
  SetNodeAsMaster(me);
  repl_->BecomeMaster();
  if (old != nullptr) {
    for (int s = 0; s < kClusterSlots; s++) {
      if (state_.owner(s) == old) state_.AssignSlot(s, me);
    }
  }
  LogNotice("Failover: I am the master now (configEpoch " + std::to_string(me->config_epoch) + "), serving " +
            std::to_string(me->num_slots) + " slots of " + (old ? old->id : std::string("my old master")) + ".");
  ResetElection();
  UpdateState();
  MarkChanged();
  SaveConfig();
  BroadcastPong();
}

void Cluster::HandleAuthRequest(const BusMessage& m, ClusterNode* sender) {
  ClusterNode* me = state_.myself();
  int64_t now = now_ms();
  ClusterNode* master = sender->is_replica() ? state_.Find(sender->master_id) : nullptr;
  VoteRequest r;
  r.i_am_master_with_slots = me->is_master() && me->num_slots > 0;
  r.my_current_epoch = state_.current_epoch;
  r.my_last_vote_epoch = state_.last_vote_epoch;
  r.request_current_epoch = m.current_epoch;
  r.request_config_epoch = m.config_epoch;
  r.requester_is_replica = sender->is_replica() && !m.master_id.empty();
  r.master_known = master != nullptr;
  r.master_failed = master != nullptr && master->failed();
  r.force_ack = (m.mflags & kMflagForceAck) != 0;
  r.now_ms = now;
  r.master_voted_ms = master != nullptr ? master->voted_time_ms : 0;
  r.node_timeout_ms = server_->config().cluster_node_timeout;
  for (int s = 0; s < kClusterSlots; s++) {
    if (!m.HasSlot(s)) continue;
    ClusterNode* o = state_.owner(s);
    if (o != nullptr) r.max_claimed_slot_owner_epoch = std::max(r.max_claimed_slot_owner_epoch, o->config_epoch);
  }
  VoteDecision d = DecideVote(r);
  if (d == VoteDecision::kNotAVoter) return;
  if (d != VoteDecision::kGrant) {
    LogNotice("Failover auth denied to " + sender->id + " for epoch " + std::to_string(m.current_epoch) + ": " +
              VoteDecisionText(d) + ".");
    return;
  }
  state_.last_vote_epoch = state_.current_epoch;
  if (master != nullptr) master->voted_time_ms = now;
  // The vote must survive a crash before anyone learns of it: one vote per epoch, also across restarts.
  MarkChanged();
  SaveConfig();
  Link* l = OutboundOf(sender->id);
  if (l == nullptr) l = InboundOf(sender->id);
  SendTo(l, BuildHeader(MsgType::kFailoverAuthAck));
  LogNotice("Failover auth granted to " + sender->id + " for epoch " + std::to_string(state_.current_epoch));
}

void Cluster::HandleAuthAck(const BusMessage& m, ClusterNode* sender) {
  // Only masters serving slots vote, and only votes for the running election count.
  if (!sender->is_master() || sender->num_slots == 0) return;
  if (m.current_epoch < failover_auth_epoch_ || !failover_auth_sent_) return;
  failover_auth_count_++;
  todo_failover_ = true;
}

void Cluster::LogOnce(int reason, const std::string& text) {
  // "Currently unable to failover" lines are repeated at most every 10 s, as Redis does.
  int64_t now = now_ms();
  if (reason == cant_failover_logged_ && now - cant_failover_log_ms_ < 10000) return;
  cant_failover_logged_ = reason;
  cant_failover_log_ms_ = now;
  LogNotice(text);
}

void Cluster::ResetManualFailover() {
  mf_end_ms_ = 0;
  mf_can_start_ = false;
  mf_master_offset_ = -1;
  mf_replica_.clear();
}

}  // namespace rcs::cluster
