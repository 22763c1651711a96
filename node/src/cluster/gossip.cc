// Gossip and failure detection: what a received bus message means for our view of the cluster.
//   - handshake (MEET adds the sender; a PONG names a handshake node), addresses, roles, epochs;
//   - slot claims: a claim with a greater configEpoch than the owner's wins (SlotClaimWins); a stale claim
//     is answered with UPDATE; equal configEpochs between masters are resolved by HandleEpochCollision;
//   - liveness: the ping schedule, PFAIL after node_timeout without a pong, FAIL on a quorum of master
//     reports (HasFailQuorum), FAIL cleared when the node answers again.
// Failover messages (FAILOVER_AUTH_REQUEST/ACK, MFSTART) are passed on to failover.cc.
#include <algorithm>

#include "base/log.h"
#include "cluster/cluster.h"
#include "cluster/cluster_internal.h"
#include "cluster/failover_rules.h"

namespace rcs::cluster {

bool Cluster::Blacklisted(const std::string& id) {
  auto it = blacklist_.find(id);
  if (it == blacklist_.end()) return false;
  if (it->second < now_ms()) {
    blacklist_.erase(it);
    return false;
  }
  return true;
}

void Cluster::StartHandshake(const std::string& ip, int port, int cport, bool meet, const std::string& hostname) {
  for (auto& [id, n] : state_.nodes()) {
    if (n->is(kNodeHandshake) && n->ip == ip && n->hostname == hostname && n->port == port && n->cport == cport) return;
  }
  ClusterNode* n = state_.Add("", kNodeHandshake | (meet ? kNodeMeet : 0));
  n->ip = ip;
  n->hostname = hostname;
  n->port = port;
  n->cport = cport;
  n->ctime_ms = now_ms();
  n->pong_received_ms = now_ms();
}

bool Cluster::MaybeChangeAddress(ClusterNode* n, const std::string& ip, int port, int cport, AddressSource src,
                                 bool gossip_healthy) {
  int64_t now = now_ms();
  AddressChangeInput in;
  in.current = AddressText(n->ip, n->port, n->cport);
  in.proposed = AddressText(ip, port, cport);
  in.previous = n->prev_addr;
  in.changed_ms = n->addr_changed_ms;
  in.now_ms = now;
  in.node_timeout_ms = server_->config().cluster_node_timeout;
  in.source = src;
  in.has_hostname = !n->hostname.empty();
  in.failing_here = n->is(kNodePFail | kNodeFail);
  in.gossip_healthy = gossip_healthy;
  Link* out = OutboundOf(n->id);
  in.link_working = out != nullptr && !out->conn.connecting() && n->link_connected && n->ping_sent_ms == 0;
  AddressChange d = DecideAddressChange(in);
  switch (d) {
    case AddressChange::kSame:
    case AddressChange::kIgnore:
      return false;
    case AddressChange::kResolve:
      ForgetLookup(n->hostname);
      return false;
    case AddressChange::kFlapRefused:
      if (now - n->flap_logged_ms > 10000) {
        n->flap_logged_ms = now;
        LogWarning("Node " + n->id + " seen at " + in.proposed + " again within one node timeout of moving to " +
                   in.current + ": " + AddressChangeText(d) + " (two processes with one node id?)");
      }
      return false;
    case AddressChange::kAccept:
      break;
  }
  static const char* kHow[] = {"its own message", "a PONG on our link", "gossip"};
  LogNotice("Address of node " + n->id + (n->hostname.empty() ? std::string() : " (" + n->hostname + ")") +
            " changed from " + in.current + " to " + in.proposed + " (" + kHow[static_cast<int>(src)] + ")");
  if (!n->ip.empty()) n->prev_addr = in.current;
  n->addr_changed_ms = now;
  n->ip = ip;
  n->port = port;
  n->cport = cport;
  n->flags &= ~kNodeNoAddr;
  n->dial_attempts = 0;
  // Our outbound link goes to the old address, unless it is the one that just proved the new one.
  if (src != AddressSource::kConfirmed && out != nullptr) CloseLink(out->id, "peer address changed");
  MarkChanged();
  return true;
}

void Cluster::MarkFailingIfNeeded(ClusterNode* n) {
  if (!n->is(kNodePFail) || n->is(kNodeFail)) return;
  size_t failures = n->fail_reports.CountValid(now_ms(), server_->config().cluster_node_timeout * kFailReportValidityMult);
  if (!HasFailQuorum(failures, state_.myself()->is_master(), state_.Size())) return;
  LogNotice("Marking node " + n->id + " as failing (quorum reached).");
  n->flags &= ~kNodePFail;
  n->flags |= kNodeFail;
  n->fail_time_ms = now_ms();
  BroadcastFail(n->id);
  MarkChanged();
}

void Cluster::ClearFailureIfNeeded(ClusterNode* n) {
  int64_t now = now_ms();
  if (n->is_replica() || n->num_slots == 0) {
    LogNotice("Clear FAIL state for node " + n->id + ": " + (n->is_replica() ? "replica" : "master without slots") +
              " is reachable again.");
    n->flags &= ~kNodeFail;
    MarkChanged();
  } else if (now - n->fail_time_ms > server_->config().cluster_node_timeout * kFailUndoTimeMult) {
    LogNotice("Clear FAIL state for node " + n->id + ": is reachable again and nobody is serving its slots after some time.");
    n->flags &= ~kNodeFail;
    MarkChanged();
  }
}

void Cluster::HandleEpochCollision(ClusterNode* sender) {
  ClusterNode* me = state_.myself();
  if (sender->config_epoch != me->config_epoch || !sender->is_master() || !me->is_master()) return;
  // The node with the smaller id takes a new epoch.
  if (sender->id <= me->id) return;
  state_.current_epoch++;
  me->config_epoch = state_.current_epoch;
  MarkChanged();
  LogVerbose("WARNING: configEpoch collision with node " + sender->id + ". configEpoch set to " +
             std::to_string(me->config_epoch));
}

void Cluster::UpdateSlotsFrom(ClusterNode* sender, uint64_t sender_epoch, const SlotBitmap& slots) {
  ClusterNode* me = state_.myself();
  if (sender == me) return;
  ClusterNode* cur_master = me->is_master() ? me : state_.Find(me->master_id);
  ClusterNode* new_master = nullptr;
  std::vector<int> dirty;
  int sender_slots = 0, migrated_our_slots = 0;
  for (int s = 0; s < kClusterSlots; s++) {
    if (!BitmapHas(slots, s)) continue;
    sender_slots++;
    ClusterNode* o = state_.owner(s);
    if (o == sender) continue;
    if (!state_.importing_id(s).empty()) continue;
    if (SlotClaimWins(o != nullptr, o ? o->config_epoch : 0, sender_epoch)) {
      if (o == me && server_->db().CountKeysInSlot(s) > 0) dirty.push_back(s);
      if (o != nullptr && o == cur_master) {
        new_master = sender;
        migrated_our_slots++;
      }
      state_.AssignSlot(s, sender);
      MarkChanged();
    }
  }
  if (new_master != nullptr && cur_master != nullptr && cur_master->num_slots == 0 &&
      (server_->config().cluster_allow_replica_migration || sender_slots == migrated_our_slots)) {
    LogNotice("Configuration change detected. Reconfiguring myself as a replica of " + sender->id);
    SetMyMaster(sender);
  } else {
    for (int s : dirty) DelKeysInSlot(s);
  }
}

void Cluster::ProcessGossip(const BusMessage& m, ClusterNode* sender) {
  int64_t now = now_ms();
  for (const auto& g : m.gossip) {
    ClusterNode* n = state_.Find(g.id);
    if (n != nullptr) {
      if (n->is(kNodeMyself)) {
        // What CLUSTER NODES shows as our own pong time: the latest a peer reports (seconds), as Redis.
        int64_t pong = static_cast<int64_t>(g.pong_received_s) * 1000;
        if (pong <= now + 500 && pong > n->pong_received_ms) n->pong_received_ms = pong;
        continue;
      }
      if (sender != nullptr && sender->is_master()) {
        if (g.flags & (kNodeFail | kNodePFail)) {
          n->fail_reports.Add(sender->id, now);
          MarkFailingIfNeeded(n);
        } else {
          n->fail_reports.Remove(sender->id);
        }
      }
      // Someone heard from the node recently: no need to ping it ourselves yet.
      if (!(g.flags & (kNodeFail | kNodePFail)) && n->ping_sent_ms == 0 && n->fail_reports.size() == 0) {
        int64_t pong = static_cast<int64_t>(g.pong_received_s) * 1000;
        if (pong <= now + 500 && pong > n->pong_received_ms) n->pong_received_ms = pong;
      }
      // A node gossiped under a new address: taken for a failing node (Redis's rule), a fresh lookup of its
      // name for a node with a hostname (address_rules.h).
      if (sender != nullptr && !g.ip.empty() && (n->ip != g.ip || n->port != g.port || n->cport != g.cport)) {
        bool healthy = !(g.flags & (kNodeNoAddr | kNodeFail | kNodePFail));
        if (MaybeChangeAddress(n, g.ip, g.port, g.cport, AddressSource::kGossip, healthy)) CloseLinksOf(n->id);
      }
    } else if (sender != nullptr && !(g.flags & kNodeNoAddr) && !g.ip.empty() && !Blacklisted(g.id)) {
      StartHandshake(g.ip, g.port, g.cport, false);
    }
  }
}

void Cluster::HandleMessage(const BusMessage& m, uint64_t link_id, const std::string& peer_ip) {
  int64_t now = now_ms();
  received_by_type[static_cast<int>(m.type)]++;
  if (static_cast<int64_t>(m.type) == drop_packet_filter) {
    LogWarning("Dropping packet that matches debug drop filter");
    return;
  }
  Link* link = FindLink(link_id);
  ClusterNode* me = state_.myself();
  ClusterNode* sender = state_.Find(m.sender);
  if (sender != nullptr && sender->is(kNodeHandshake)) sender = nullptr;
  if (sender == me) {
    // We dialled ourselves: a peer's stale address is ours now (addresses reused after a restart).
    if (link != nullptr && !link->inbound) CloseLink(link_id, "the address leads to this node");
    return;
  }
  if (sender != nullptr) {
    sender->data_received_ms = now;
    if (link != nullptr && link->inbound) RedialIfStalled(sender, now);
    if (link != nullptr && link->inbound && link->node_id.empty()) {
      // One inbound link per peer, as Redis keeps it: a reconnecting peer's older link is dropped.
      std::vector<uint64_t> older;
      for (auto& [id, other] : links_) {
        if (other.get() != link && other->inbound && !other->closing && other->node_id == sender->id) older.push_back(id);
      }
      for (uint64_t id : older) CloseLink(id, "replaced by a newer inbound link");
      link->node_id = sender->id;
    }
    if (m.current_epoch > state_.current_epoch) {
      state_.current_epoch = m.current_epoch;
      MarkChanged();
    }
    if (m.config_epoch > sender->config_epoch) {
      sender->config_epoch = m.config_epoch;
      MarkChanged();
    }
    sender->repl_offset = static_cast<int64_t>(m.repl_offset);
    // Manual failover: our paused master's final offset (the replica waits until it has applied it).
    if (me->is_replica() && me->master_id == sender->id && (m.mflags & kMflagPaused) && mf_end_ms_ != 0 &&
        mf_master_offset_ < 0) {
      mf_master_offset_ = static_cast<int64_t>(m.repl_offset);
      LogNotice("Received replication offset for paused master manual failover: " + std::to_string(mf_master_offset_));
      todo_failover_ = true;
    }
  }
  switch (m.type) {
    case MsgType::kPing:
    case MsgType::kPong:
    case MsgType::kMeet:
      HandlePingLike(m, link_id, peer_ip, sender);
      break;
    case MsgType::kFail:
      if (sender != nullptr) HandleFail(m, sender);
      break;
    case MsgType::kUpdate:
      if (sender != nullptr) HandleUpdate(m);
      break;
    case MsgType::kFailoverAuthRequest:
      if (sender != nullptr) HandleAuthRequest(m, sender);
      break;
    case MsgType::kFailoverAuthAck:
      if (sender != nullptr) HandleAuthAck(m, sender);
      break;
    case MsgType::kMfStart:
      if (sender != nullptr) HandleMfStart(m, sender);
      break;
    case MsgType::kPublish:
    case MsgType::kPublishShard:
      HandlePublish(m, sender);  // bus_publish.cc
      break;
    default:
      break;
  }
}

// PING, PONG, MEET, in the order Redis applies them: answer a PING/MEET (and let a MEET introduce its sender);
// settle a PONG on a link dialled for a handshake or to an address another node now answers on; then, for a known
// sender, what its header says: address, hostname and nofailover, liveness (a PONG on our link), role, slot claims
// and epochs; last its gossip about the other nodes.
void Cluster::HandlePingLike(const BusMessage& m, uint64_t link_id, const std::string& peer_ip, ClusterNode* sender) {
  int64_t now = now_ms();
  Link* link = FindLink(link_id);
  if (m.type == MsgType::kPing || m.type == MsgType::kMeet) AnswerPingOrMeet(m, link, peer_ip, sender, now);
  if (link != nullptr && !link->inbound && m.type == MsgType::kPong && SettlePongOnOurLink(m, link, &sender)) return;
  if (sender == nullptr) return;
  link = UpdateSenderAddress(m, link_id, link, peer_ip, sender);
  UpdateSenderAnnounced(m, sender);
  if (m.type == MsgType::kPong && link != nullptr && !link->inbound && link->node_id == sender->id) {
    NotePongReceived(sender, now);
  }
  UpdateSenderRole(m, sender);
  if (sender->is_master()) {
    UpdateSenderSlotClaims(m, sender);
    HandleEpochCollision(sender);
  }
  ProcessGossip(m, sender);
}

Cluster::Link* Cluster::FindLink(uint64_t link_id) {
  auto it = links_.find(link_id);
  return it == links_.end() ? nullptr : it->second.get();
}

// A PING or MEET: learn our own address from the connection it came on (unless announced), add the sender of a
// MEET we do not know yet, and answer PONG on the same link.
void Cluster::AnswerPingOrMeet(const BusMessage& m, Link* link, const std::string& peer_ip, ClusterNode* sender,
                               int64_t now) {
  ClusterNode* me = state_.myself();
  if ((m.type == MsgType::kMeet || me->ip.empty()) && server_->config().cluster_announce_ip.empty() &&
      link != nullptr) {
    StatusOr<net::Endpoint> local = net::LocalEndpoint(link->conn.fd());
    if (local.ok()) {
      const std::string& ip = local->ip;
      if (!ip.empty() && ip != me->ip) {
        me->ip = ip;
        LogNotice("IP address for this node updated to " + ip);
        MarkChanged();
      }
    }
  }
  if (sender == nullptr && m.type == MsgType::kMeet && !Blacklisted(m.sender)) {
    // MEET adds the sender under its real id.
    ClusterNode* n = state_.Add(m.sender, m.master_id.empty() ? kNodeMaster : kNodeReplica);
    n->ip = m.ip.empty() ? peer_ip : m.ip;
    n->port = m.port;
    n->cport = m.cport;
    n->hostname = m.hostname;
    n->master_id = m.master_id;
    n->pong_received_ms = now;
    n->ctime_ms = now;
    if (link != nullptr) link->node_id = n->id;
    MarkChanged();
    ProcessGossip(m, nullptr);
  }
  if (link != nullptr) SendPing(link, MsgType::kPong);
}

// A PONG on our outbound link. To a handshake node: the peer's real id (the node is renamed, `*sender` becomes it),
// or an id we know already (the handshake node is dropped). To a known node, from another id: that node is not at
// this address any more. True when the message is done with (nothing more to learn from it).
bool Cluster::SettlePongOnOurLink(const BusMessage& m, Link* link, ClusterNode** sender) {
  ClusterNode* ln = state_.Find(link->node_id);
  if (ln != nullptr && ln->is(kNodeHandshake)) {
    if (ClusterNode* known = state_.Find(m.sender)) {
      // Known already under its real id: drop the handshake node. The address it answered on is proven
      // (CLUSTER MEET of a node that moved, or a gossiped address of an id we know).
      if (!known->is(kNodeMyself)) {
        MaybeChangeAddress(known, link->peer_ip, ln->port, ln->cport, AddressSource::kConfirmed);
      }
      std::string hid = ln->id;
      state_.Remove(ln);
      CloseLinksOf(hid);
      MarkChanged();
      return true;
    }
    state_.Rename(ln, m.sender);
    link->node_id = m.sender;
    ln->flags &= ~(kNodeHandshake | kNodeMeet);
    ln->flags |= m.master_id.empty() ? kNodeMaster : kNodeReplica;
    ln->master_id = m.master_id;
    ln->config_epoch = m.config_epoch;
    ln->link_connected = true;
    *sender = ln;
    MarkChanged();
    return false;
  }
  if (ln == nullptr || ln->id == m.sender) return false;
  if (!ln->hostname.empty() && link->peer_ip != ln->ip) {
    // A lookup of its name led to another node (a stale DNS answer): ask again, keep its address.
    ForgetLookup(ln->hostname);
  } else {
    // The node at this address is another node now: forget the address; reconnect when it is gossiped, or (a
    // node with a hostname, whose ports we keep) where its name resolves.
    LogNotice("Node " + ln->id + " is not at " + ln->ip + " any more (" + m.sender + " answered there)");
    ln->flags |= kNodeNoAddr;
    ln->ip.clear();
    if (ln->hostname.empty()) {
      ln->port = 0;
      ln->cport = 0;
    } else {
      ForgetLookup(ln->hostname);
    }
  }
  CloseLink(link->id, "PONG with a mismatching sender id");
  MarkChanged();
  return true;
}

// The sender's address: as it announces it, else where its inbound link comes from, else (a PONG on our link,
// dialled where its hostname resolves) the address our link reached. No new handshake: the stale outbound link is
// dropped and redialled (MaybeChangeAddress). Returns the link the message came on, nullptr if that is gone now.
Cluster::Link* Cluster::UpdateSenderAddress(const BusMessage& m, uint64_t link_id, Link* link,
                                            const std::string& peer_ip, ClusterNode* sender) {
  AddressSource src = AddressSource::kSelf;
  std::string ip = m.ip;
  if (ip.empty() && link != nullptr && link->inbound) {
    ip = peer_ip;
  } else if (ip.empty() && link != nullptr && m.type == MsgType::kPong && link->node_id == sender->id) {
    ip = peer_ip;
    src = AddressSource::kConfirmed;
  } else if (ip.empty()) {
    ip = sender->ip;
  }
  if (!ip.empty() && MaybeChangeAddress(sender, ip, m.port, m.cport, src)) link = FindLink(link_id);
  return link;
}

// What the sender announces about itself besides its address: its hostname, and nofailover
// (cluster-replica-no-failover, which CONFIG SET changes at run time: its latest header is the truth; replica
// ranking and the shutdown handover skip such replicas).
void Cluster::UpdateSenderAnnounced(const BusMessage& m, ClusterNode* sender) {
  if (sender->hostname != m.hostname) {
    sender->hostname = m.hostname;
    MarkChanged();
  }
  uint16_t nofailover = m.sender_flags & kNodeNoFailover;
  if ((sender->flags & kNodeNoFailover) != nofailover) {
    sender->flags = static_cast<uint16_t>((sender->flags & ~kNodeNoFailover) | nofailover);
    MarkChanged();
  }
}

// The sender answered our PING: it is alive (PFAIL clears at once, FAIL by ClearFailureIfNeeded's rule).
void Cluster::NotePongReceived(ClusterNode* sender, int64_t now) {
  sender->pong_received_ms = now;
  sender->ping_sent_ms = 0;
  sender->dial_attempts = 0;
  if (sender->is(kNodePFail)) {
    sender->flags &= ~kNodePFail;
    todo_update_ = true;
  } else if (sender->is(kNodeFail)) {
    ClearFailureIfNeeded(sender);
  }
}

// Master or replica (of which master), as the sender says; a master turned replica loses its slots.
void Cluster::UpdateSenderRole(const BusMessage& m, ClusterNode* sender) {
  if (m.master_id.empty()) {
    SetNodeAsMaster(sender);
    return;
  }
  if (sender->is_master()) {
    for (int s = 0; s < kClusterSlots; s++) {
      if (state_.owner(s) == sender) state_.UnassignSlot(s);
    }
    sender->flags &= ~kNodeMaster;
    sender->flags |= kNodeReplica;
    MarkChanged();
  }
  if (sender->master_id != m.master_id) {
    sender->master_id = m.master_id;
    MarkChanged();
  }
}

// A master's slot claims, when they differ from what we know of it: claims with a greater configEpoch win
// (UpdateSlotsFrom); a claim older than what we know is answered with UPDATE, telling the sender who owns the
// slot now.
void Cluster::UpdateSenderSlotClaims(const BusMessage& m, ClusterNode* sender) {
  bool dirty = false;
  for (int s = 0; s < kClusterSlots && !dirty; s++) dirty = m.HasSlot(s) != sender->slots.test(s);
  if (!dirty) return;
  UpdateSlotsFrom(sender, m.config_epoch, m.slots);
  for (int s = 0; s < kClusterSlots; s++) {
    if (!m.HasSlot(s)) continue;
    ClusterNode* o = state_.owner(s);
    if (o == nullptr || o == sender) continue;
    if (o->config_epoch > m.config_epoch) {
      SendUpdate(OutboundOf(sender->id), *o);
      break;
    }
  }
}

// FAIL: the sender reached the quorum for a node; we take its word.
void Cluster::HandleFail(const BusMessage& m, ClusterNode* sender) {
  int64_t now = now_ms();
  ClusterNode* failing = state_.Find(m.fail_id);
  if (failing != nullptr && !failing->is(kNodeFail | kNodeMyself)) {
    LogNotice("FAIL message received from " + sender->id + " about " + failing->id);
    failing->flags |= kNodeFail;
    failing->flags &= ~kNodePFail;
    failing->fail_time_ms = now;
    MarkChanged();
  }
}

// UPDATE: a node tells us a master's newer configEpoch and slots (our view was stale).
void Cluster::HandleUpdate(const BusMessage& m) {
  ClusterNode* n = state_.Find(m.update_id);
  if (n == nullptr || n->config_epoch >= m.update_epoch) return;
  if (n->is_replica()) SetNodeAsMaster(n);
  n->config_epoch = m.update_epoch;
  UpdateSlotsFrom(n, m.update_epoch, m.update_slots);
  MarkChanged();
}


// The sender reached us, so our own connect to it, still waiting on a SYN lost during a partition, is dialled
// again at once instead of after the kernel's retransmission backoff: its PFAIL (and so cluster_state on the
// side that healed) clears with the first PONG, not up to half a node timeout later. At most every 250 ms.
void Cluster::RedialIfStalled(ClusterNode* sender, int64_t now) {
  Link* out = OutboundOf(sender->id);
  if (out == nullptr || !out->conn.connecting() || now - out->ctime_ms < 250) return;
  CloseLink(out->id, "the node reached us while our connect to it was still pending");
  ConnectTo(sender);
}

void Cluster::PingAndDetectFailures(int64_t now) {
  int64_t timeout = server_->config().cluster_node_timeout;
  std::vector<ClusterNode*> nodes;
  for (auto& [id, n] : state_.nodes()) nodes.push_back(n.get());
  // Every second, ping the node with the oldest pong among five random ones.
  if (cron_iteration_ % 10 == 0 && !nodes.empty()) {
    ClusterNode* pick = nullptr;
    for (int i = 0; i < 5; i++) {
      ClusterNode* n = nodes[ThreadRandom().Below(nodes.size())];
      Link* l = OutboundOf(n->id);
      if (n->is(kNodeMyself) || n->is(kNodeHandshake) || l == nullptr || l->conn.connecting() || n->ping_sent_ms != 0) continue;
      if (pick == nullptr || n->pong_received_ms < pick->pong_received_ms) pick = n;
    }
    if (pick != nullptr) SendPing(OutboundOf(pick->id), MsgType::kPing);
  }
  for (ClusterNode* n : nodes) {
    if (n->is(kNodeMyself) || (n->is(kNodeNoAddr) && n->hostname.empty()) || n->is(kNodeHandshake)) continue;
    Link* l = OutboundOf(n->id);
    // A connect that hangs (an old address nobody answers at: a removed container, a rescheduled pod) is
    // given up after half the node timeout, so the next attempt can go where the node is now.
    if (l != nullptr && l->conn.connecting() && now - l->ctime_ms > std::max<int64_t>(timeout / 2, 500)) {
      if (n->ping_sent_ms == 0) n->ping_sent_ms = now;
      CloseLink(l->id, "connect timed out");
      l = nullptr;
    }
    // A link that is up but gets no answer for half the timeout is reconnected (the node may be fine).
    if (l != nullptr && !l->conn.connecting() && now - l->ctime_ms > timeout && n->ping_sent_ms &&
        now - n->ping_sent_ms > timeout / 2 && now - n->data_received_ms > timeout / 2) {
      CloseLink(l->id, "no reply within half the node timeout");
      l = nullptr;
    }
    if (l != nullptr && !l->conn.connecting() && n->ping_sent_ms == 0 && now - n->pong_received_ms > timeout / 2) {
      SendPing(l, MsgType::kPing);
    }
    if (n->ping_sent_ms == 0) continue;
    if (n->is(kNodePFail | kNodeFail)) continue;
    // PFAIL: a ping unanswered for node_timeout (Redis's rule), or silence for node_timeout with a ping
    // unanswered for 3/4 of it. A ping goes out once the last pong is timeout/2 old, so under Redis's rule a
    // dead node is PFAIL up to 1.5 x node_timeout after its last message; here closer to node_timeout, while a
    // live node still has 3/4 of the timeout to answer a ping.
    int64_t pending = now - n->ping_sent_ms;
    int64_t silent = n->data_received_ms != 0 ? now - n->data_received_ms : pending;
    if (std::min(pending, silent) > timeout || (pending > timeout * 3 / 4 && silent > timeout)) {
      LogVerbose("*** NODE " + n->id + " possibly failing");
      n->flags |= kNodePFail;
      todo_update_ = true;
      // Reports of other masters may be in already; and the masters hear our own at once (a PING carries the
      // PFAIL flag in its gossip) instead of on the next random ping, so FAIL comes one round trip later.
      MarkFailingIfNeeded(n);
      if (!n->is(kNodeFail) && state_.myself()->is_master() && state_.myself()->num_slots > 0) {
        for (auto& [id, other] : state_.nodes()) {
          if (other.get() == n || other->is(kNodeMyself) || !other->is_master() || other->num_slots == 0) continue;
          Link* ol = OutboundOf(other->id);
          if (ol == nullptr || ol->conn.connecting()) continue;
          // A ping already awaiting its pong keeps its time: resetting it here would restart that master's
          // failure clock each time we flag another peer, and a cut-off master would see the last of its
          // peers fail (and stop taking writes) up to a node timeout late.
          int64_t awaiting_since = other->ping_sent_ms;
          SendPing(ol, MsgType::kPing);
          if (awaiting_since != 0) other->ping_sent_ms = awaiting_since;
        }
      }
    }
  }
}

}  // namespace rcs::cluster
