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
//
// Manual failover (CLUSTER FAILOVER on a replica; zero writes lost):
//   replica -> master MFSTART; the master holds every write command (HoldWrite) for up to
//   kManualFailoverTimeoutMs and pings the replica every 100 ms with kMflagPaused and its final offset; the
//   replica waits until it has applied that offset, then runs the election at once with kMflagForceAck
//   (masters vote although the master is not FAIL). The old master learns from the winner's PONG that it
//   lost its slots, becomes its replica and releases the held writes, which are now redirected (MOVED).
//   FORCE skips the master (election at once, for a dead master); TAKEOVER skips the election too: a new
//   configEpoch without consensus, then promotion.
// Graceful handover (SIGTERM / SHUTDOWN of a master with a healthy replica): the master pauses writes itself
//   and sends MFSTART (with its final offset) to the replica with the best offset; the rest is the manual
//   failover above. The shutdown waits for it, at most the manual failover timeout.
// Replica migration (cluster-allow-replica-migration, cluster-migration-barrier): when a master serving
//   slots has had no working replica for 5 s, the replica with the smallest id of a master that keeps more
//   than the barrier moves to it.
#include <algorithm>

#include "base/log.h"
#include "server/client.h"
#include "cluster/cluster.h"
#include "cluster/cluster_internal.h"

namespace rcs::cluster {
namespace {
constexpr int64_t kManualFailoverTimeoutMs = 5000;
constexpr int64_t kReplicaMigrationDelayMs = 5000;
}  // namespace

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
      int64_t random_part = static_cast<int64_t>(ThreadRandom().Below(static_cast<uint64_t>(random_max + 1)));
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
  // The requester's role and master come from the request's own header, as Redis applies a sender's header
  // before handling any message: a master just demoted to replica asks for votes before its PONG with the
  // new role has reached every voter (a manual failover right after a failover was refused as "not a
  // replica").
  ClusterNode* master = m.master_id.empty() ? nullptr : state_.Find(m.master_id);
  VoteRequest r;
  r.i_am_master_with_slots = me->is_master() && me->num_slots > 0;
  r.my_current_epoch = state_.current_epoch;
  r.my_last_vote_epoch = state_.last_vote_epoch;
  r.request_current_epoch = m.current_epoch;
  r.request_config_epoch = m.config_epoch;
  r.requester_is_replica = !m.master_id.empty();
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
  ReleaseHeldWrites();
}

void Cluster::StartManualFailover(ManualFailover kind) {
  ClusterNode* me = state_.myself();
  ClusterNode* master = state_.Find(me->master_id);
  ResetManualFailover();
  ResetElection();
  mf_end_ms_ = now_ms() + kManualFailoverTimeoutMs;
  if (kind == ManualFailover::kTakeover) {
    // No election: a configEpoch of our own, greater than any we know, then promotion.
    LogNotice("Taking over the master (user request).");
    state_.current_epoch = std::max(state_.current_epoch, state_.MaxConfigEpoch()) + 1;
    me->config_epoch = state_.current_epoch;
    LogNotice("New configEpoch set to " + std::to_string(me->config_epoch));
    ReplaceMyMaster();
    ResetManualFailover();
    return;
  }
  if (kind == ManualFailover::kForce) {
    LogNotice("Forced failover user request accepted.");
    mf_can_start_ = true;
    todo_failover_ = true;
    return;
  }
  LogNotice("Manual failover user request accepted.");
  if (master != nullptr) {
    Link* l = OutboundOf(master->id);
    SendTo(l, BuildHeader(MsgType::kMfStart));
  }
}

void Cluster::StartManualFailoverAsMaster(ClusterNode* replica) {
  ResetManualFailover();
  mf_end_ms_ = now_ms() + kManualFailoverTimeoutMs;
  mf_replica_ = replica->id;
  // From now on writes are held (HoldWrite) and our offset is final: tell the replica.
  SendPing(OutboundOf(replica->id), MsgType::kPing);
}

void Cluster::HandleMfStart(const BusMessage& m, ClusterNode* sender) {
  ClusterNode* me = state_.myself();
  if (me->is_replica() && me->master_id == sender->id) {
    // Our master hands over (it is shutting down) and is paused already.
    if (mf_end_ms_ != 0) return;
    if (server_->config().cluster_replica_no_failover) {
      // Its view of our flag was stale: our next pong tells it, and it exits without a handover.
      LogNotice("Handover requested by my master " + sender->id + " refused: cluster-replica-no-failover is set.");
      return;
    }
    ResetManualFailover();
    ResetElection();
    mf_end_ms_ = now_ms() + kManualFailoverTimeoutMs;
    if (m.mflags & kMflagPaused) mf_master_offset_ = static_cast<int64_t>(m.repl_offset);
    LogNotice("Manual failover requested by my master " + sender->id + " (handover before it shuts down).");
    todo_failover_ = true;
    return;
  }
  if (!me->is_master() || !sender->is_replica() || sender->master_id != me->id) return;
  LogNotice("Manual failover requested by replica " + sender->id + ".");
  StartManualFailoverAsMaster(sender);
}

void Cluster::HandleManualFailover() {
  if (mf_end_ms_ == 0) return;
  ClusterNode* me = state_.myself();
  if (now_ms() > mf_end_ms_) {
    LogNotice("Manual failover timed out.");
    ResetManualFailover();
    return;
  }
  if (me->is_master()) {
    // Keep the replica informed of our (final) offset.
    if (ClusterNode* r = state_.Find(mf_replica_)) SendPing(OutboundOf(r->id), MsgType::kPing);
    return;
  }
  if (mf_can_start_ || mf_master_offset_ < 0) return;
  // Every write the master accepted is here once we reach its offset (what follows it, if anything, is
  // replication PINGs/GETACKs: writes are held).
  if (repl_->ReplicationOffset() >= mf_master_offset_) {
    mf_can_start_ = true;
    LogNotice("All master replication stream processed, manual failover can start.");
    todo_failover_ = true;
  }
}

bool Cluster::HoldWrite(Client* c, const CommandSpec& spec, ArgList argv) {
  ClusterNode* me = state_.myself();
  if (mf_end_ms_ == 0 || !me->is_master() || mf_replica_.empty()) return false;
  if (c->has(kClientMaster) || c->has(kClientFake)) return false;
  bool write = spec.is(kCmdWrite);
  if (spec.is(kCmdRunsQueue) && c->has(kClientMulti)) {
    for (const auto& cmd : c->multi_queue) {
      const CommandSpec* s = QueuedSpec(cmd);
      if (s != nullptr && s->is(kCmdWrite)) write = true;
    }
  } else if (c->has(kClientMulti)) {
    return false;  // queued, not run: EXEC is what is held
  }
  if (!write) return false;
  held_.push_back({c, std::vector<std::string>(argv.begin(), argv.end()), c->has(kClientDirtyExec)});
  spec.stats.rejected_calls--;  // the server counts a refusal; this one is only postponed
  server_->PauseClient(c);
  return true;
}

void Cluster::ReleaseHeldWrites() {
  if (held_.empty()) return;
  std::vector<HeldCommand> held;
  held.swap(held_);
  for (HeldCommand& h : held) {
    Client* c = h.client;
    if (!h.was_dirty_exec) c->flags &= ~kClientDirtyExec;
    // Run the held command first, then whatever the client pipelined after it, in order.
    size_t qlen = c->qlen;
    c->qlen = c->qpos;
    server_->ResumeClient(c);
    std::vector<std::string_view> av(h.argv.begin(), h.argv.end());
    server_->ExecuteCommand(c, ArgList(av.data(), av.size()));
    server_->MarkPendingWrite(c);
    c->qlen = qlen;
    if (!c->has(kClientBlocked) && c->qpos < c->qlen) {
      server_->PauseClient(c);
      server_->ResumeClient(c);
    }
  }
}

void Cluster::OnClientFreed(Client* c) {
  held_.erase(std::remove_if(held_.begin(), held_.end(), [c](const HeldCommand& h) { return h.client == c; }),
              held_.end());
}

ClusterNode* Cluster::BestHandoverReplica() const {
  ClusterNode* me = state_.myself();
  ClusterNode* best = nullptr;
  for (ClusterNode* r : state_.ReplicasOf(me->id)) {
    // Healthy: reachable now (bus link up, no ping unanswered for more than 500 ms).
    bool silent = r->ping_sent_ms != 0 && now_ms() - r->ping_sent_ms > 500;
    if (r->is(kNodeFail | kNodePFail | kNodeNoFailover) || !r->link_connected || silent) continue;
    if (best == nullptr || r->repl_offset > best->repl_offset) best = r;
  }
  return best;
}

bool Cluster::HoldShutdown() {
  ClusterNode* me = state_.myself();
  int64_t now = now_ms();
  if (!shutdown_handover_started_) {
    shutdown_handover_started_ = true;
    if (!me->is_master() || me->num_slots == 0) return false;
    ClusterNode* r = BestHandoverReplica();
    if (r == nullptr) {
      LogNotice("Shutdown: no healthy replica to hand my slots to.");
      return false;
    }
    shutdown_handover_end_ms_ = now + kManualFailoverTimeoutMs;
    LogNotice("Shutdown: handing my slots over to replica " + r->id + " first (manual failover).");
    StartManualFailoverAsMaster(r);
    BusMessage m = BuildHeader(MsgType::kMfStart);
    SendTo(OutboundOf(r->id), m);
    return true;
  }
  if (shutdown_handover_end_ms_ == 0) return false;
  if (!me->is_master() || me->num_slots == 0) {
    LogNotice("Shutdown: my replica took over, exiting.");
    shutdown_handover_end_ms_ = 0;
    return false;
  }
  ClusterNode* r = state_.Find(mf_replica_);
  if (r != nullptr && r->is(kNodeNoFailover)) {
    LogNotice("Shutdown: replica " + r->id + " is set to never fail over (nofailover), exiting without a handover.");
    shutdown_handover_end_ms_ = 0;
    ResetManualFailover();
    return false;
  }
  if (r == nullptr || !r->link_connected || r->is(kNodeFail | kNodePFail)) {
    LogWarning("Shutdown: the replica I was handing over to went away, exiting anyway.");
    shutdown_handover_end_ms_ = 0;
    ResetManualFailover();
    return false;
  }
  if (now > shutdown_handover_end_ms_) {
    LogWarning("Shutdown: the handover did not finish in time, exiting anyway.");
    shutdown_handover_end_ms_ = 0;
    return false;
  }
  return true;
}

void Cluster::HandleReplicaMigration() {
  const Config& cfg = server_->config();
  ClusterNode* me = state_.myself();
  int64_t now = now_ms();
  auto ok_replicas = [&](const ClusterNode* m) {
    int n = 0;
    for (ClusterNode* r : state_.ReplicasOf(m->id)) n += !r->is(kNodeFail | kNodePFail);
    return n;
  };
  ClusterNode* target = nullptr;
  for (auto& [id, n] : state_.nodes()) {
    if (!n->is_master() || n->num_slots == 0) {
      n->orphaned_since_ms = 0;
      continue;
    }
    int ok = ok_replicas(n.get());
    if (ok > 0) n->flags |= kNodeMigrateTo;  // had replicas: worth giving one back if it loses them
    bool orphan = ok == 0 && n->is(kNodeMigrateTo) && !n->is(kNodeFail | kNodePFail);
    if (!orphan) {
      n->orphaned_since_ms = 0;
      continue;
    }
    if (n->orphaned_since_ms == 0) n->orphaned_since_ms = now;
    if (target == nullptr) target = n.get();
  }
  if (!me->is_replica() || target == nullptr || !cfg.cluster_allow_replica_migration || !state_.state_ok) return;
  ClusterNode* mine = state_.Find(me->master_id);
  if (mine == nullptr || mine == target || mine->is(kNodeFail | kNodePFail)) return;
  bool smallest = true;
  for (ClusterNode* r : state_.ReplicasOf(mine->id)) {
    if (r != me && !r->is(kNodeFail | kNodePFail) && r->id < me->id) smallest = false;
  }
  if (!ShouldMigrateReplica(ok_replicas(mine), cfg.cluster_migration_barrier, smallest)) return;
  if (now - target->orphaned_since_ms < kReplicaMigrationDelayMs) return;
  LogNotice("Migrating to orphaned master " + target->id);
  SetMyMaster(target);
  BroadcastConfigSoon();
}

}  // namespace rcs::cluster
