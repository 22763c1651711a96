// Cluster mode's lifecycle and the state changes commands make: start (load or create myself, listen),
// the cron (what runs every 100 ms: links, pings, failure detection, failover), before-sleep work (PONG
// broadcast, cluster_state, nodes.conf), CLUSTER MEET/REPLICATE/FORGET/RESET, CLUSTER INFO.
// Where the rest lives: bus_link.cc (sockets, framing, message builders), gossip.cc (what received messages
// mean, failure detection), failover.cc (elections, votes, manual failover), nodes_conf.cc (nodes.conf),
// command_check.cc + redirect.cc (MOVED/ASK/... for client commands), failover_rules.h (the pure decisions).
#include "cluster/cluster.h"

#include <arpa/inet.h>

#include <algorithm>

#include "base/log.h"
#include "cluster/cluster_internal.h"
#include "net/event_loop.h"
#include "protocol/errors.h"
#include "server/slot_stats.h"

namespace rcs::cluster {

Cluster::Cluster(Server* server) : server_(server), repl_(MakeReplicationLink(*server)) {
  server_->set_cluster_hooks(this);
  state_.on_slot_owner_change = [this](int slot) { server_->slot_stats().ResetSlot(slot); };
  // What we announce follows CONFIG SET on the next ping.
  server_->config_listeners().Add(
      {"cluster-announce-ip", "cluster-announce-port", "cluster-announce-bus-port", "cluster-announce-hostname"},
      [this] {
        if (state_.myself() != nullptr) ApplyAnnounce();
      });
  server_->config_listeners().Add({"cluster-bus-auth", "cluster-bus-secret-file"}, [this] {
    if (state_.myself() != nullptr) ApplyBusAuthMode();
  });
  server_->config_listeners().Add({"cluster-replica-no-failover"}, [this] {
    if (state_.myself() != nullptr) ApplyNoFailover();
  });
}

Cluster::~Cluster() {
  if (server_->cluster_hooks() == this) server_->set_cluster_hooks(nullptr);
  for (auto& [id, l] : links_) {
    if (l->conn.valid()) server_->loop()->Remove(l->conn.fd());
  }
  if (listen_socket_.valid()) server_->loop()->Remove(listen_socket_.fd());
}

int64_t Cluster::now_ms() const { return server_->clock().NowMs(); }

Status Cluster::Init(bool load_file) {
  const Config& cfg = server_->config();
  config_path_ = cfg.cluster_config_file;
  persist_ = load_file;
  bool loaded = false;
  if (load_file) {
    Status st = LoadConfig(&loaded);
    if (!st.ok()) return st;
  }
  if (loaded && state_.myself()->is_master() && state_.myself()->num_slots > 0) {
    writable_after_ms_ = now_ms() + kWritableDelayMs;
  }
  restarted_with_ip_ = loaded && !state_.myself()->ip.empty();
  if (!loaded) {
    state_.Add("", kNodeMyself | kNodeMaster);
    LogNotice("No cluster configuration found, I'm " + state_.myself()->id);
  }
  for (auto& [id, n] : state_.nodes()) {
    if (!n->is(kNodeMyself)) n->pong_received_ms = now_ms();
  }
  AdoptMyself();
  if (persist_) {
    Status st = SaveConfig();
    if (!st.ok()) return st;
  }
  UpdateState();
  return Status::Ok();
}

void Cluster::AdoptMyself() {
  ApplyAnnounce();
  ApplyNoFailover();
  ClusterNode* me = state_.myself();
  if (me->is_replica()) {
    ClusterNode* m = state_.Find(me->master_id);
    if (m != nullptr && (!m->ip.empty() || !m->hostname.empty())) FollowMaster(*m);
    else server_->set_replica(true);
  }
}

void Cluster::ApplyAnnounce() {
  const Config& cfg = server_->config();
  ClusterNode* me = state_.myself();
  me->port = cfg.cluster_announce_port ? cfg.cluster_announce_port : cfg.port;
  me->cport = cfg.cluster_announce_bus_port ? cfg.cluster_announce_bus_port : BusPort(cfg);
  if (!cfg.cluster_announce_ip.empty()) me->ip = cfg.cluster_announce_ip;
  me->hostname = cfg.cluster_announce_hostname;
}

// cluster-replica-no-failover is announced (the "nofailover" flag), so replicas rank without us.
void Cluster::ApplyNoFailover() {
  ClusterNode* self = state_.myself();
  uint16_t nf = server_->config().cluster_replica_no_failover ? kNodeNoFailover : 0;
  if ((self->flags & kNodeNoFailover) != nf) {
    self->flags = static_cast<uint16_t>((self->flags & ~kNodeNoFailover) | nf);
    MarkChanged();
  }
}

Status Cluster::Start() {
  Status st = Init(true);
  if (!st.ok()) return st;
  st = Listen();
  if (!st.ok()) return st;
  return Status::Ok();
}

void Cluster::Cron() {
  int64_t now = now_ms();
  if (now - last_ping_round_ms_ < 100 && last_ping_round_ms_ != 0) return;
  last_ping_round_ms_ = now;
  cron_iteration_++;
  PollResolver(now);
  const Config& cfg = server_->config();
  int64_t timeout = cfg.cluster_node_timeout;
  int64_t handshake_timeout = std::max<int64_t>(timeout, 1000);
  for (auto it = blacklist_.begin(); it != blacklist_.end();) {
    if (it->second < now) it = blacklist_.erase(it);
    else ++it;
  }
  std::vector<ClusterNode*> nodes;
  for (auto& [id, n] : state_.nodes()) nodes.push_back(n.get());
  bool sockets = listen_socket_.valid();
  for (ClusterNode* n : nodes) {
    // A node without an address is dialled again only when it has a name to look up.
    if (n->is(kNodeMyself) || (n->is(kNodeNoAddr) && n->hostname.empty())) continue;
    if (n->is(kNodeHandshake) && now - n->ctime_ms > handshake_timeout) {
      CloseLinksOf(n->id);
      state_.Remove(n);
      continue;
    }
    if (sockets && OutboundOf(n->id) == nullptr) ConnectTo(n);
  }
  ExpireAuthHandshakes(now);
  PingAndDetectFailures(now);
  HandleManualFailover();
  if (state_.myself()->is_replica()) HandleReplicaFailover();
  HandleReplicaMigration();
  // A replica follows its master wherever it is.
  ClusterNode* me = state_.myself();
  if (me->is_replica()) {
    ClusterNode* m = state_.Find(me->master_id);
    if (m != nullptr && (!m->ip.empty() || !m->hostname.empty())) FollowMaster(*m);
  }
  UpdateState();
}

void Cluster::BeforeSleep() {
  CheckShardChannelSlots();  // bus_publish.cc
  if (todo_failover_) {
    todo_failover_ = false;
    HandleManualFailover();
    HandleReplicaFailover();
  }
  if (todo_broadcast_) {
    todo_broadcast_ = false;
    BroadcastPong();
  }
  if (todo_update_) UpdateState();
  if (todo_save_) {
    todo_save_ = false;
    SaveConfig();
  }
}

void Cluster::Shutdown() {
  SaveConfig();
  std::vector<uint64_t> ids;
  for (auto& [id, l] : links_) ids.push_back(id);
  for (uint64_t id : ids) CloseLink(id, "");
}

Status Cluster::Meet(const std::string& ip, int port, int cport) {
  // Normalize the address text as Redis does (inet_pton/inet_ntop round trip).
  char norm[INET6_ADDRSTRLEN];
  in_addr a4;
  in6_addr a6;
  if (inet_pton(AF_INET, ip.c_str(), &a4) == 1) {
    inet_ntop(AF_INET, &a4, norm, sizeof(norm));
  } else if (inet_pton(AF_INET6, ip.c_str(), &a6) == 1) {
    inet_ntop(AF_INET6, &a6, norm, sizeof(norm));
  } else if (IsValidHostname(ip)) {
    // A name (Redis 7.0 refuses it): `redis-cli --cluster create redis-node-1:6379 ...` sends the names it
    // was given. The handshake node has no IP yet; the bus looks the name up off the event loop like any
    // peer's hostname and dials the answer; an unresolvable name times out as a handshake does.
    if (port <= 0 || port > 65535 || cport <= 0 || cport > 65535) return Status::Error("bad address");
    StartHandshake("", port, cport, true, ip);
    return Status::Ok();
  } else {
    return Status::Error("bad address");
  }
  if (port <= 0 || port > 65535 || cport <= 0 || cport > 65535) return Status::Error("bad address");
  StartHandshake(norm, port, cport, true);
  return Status::Ok();
}

bool IsValidHostname(const std::string& name) {
  // RFC 1123 labels: letters, digits and '-', separated by dots, not starting or ending with '-' or '.'.
  if (name.empty() || name.size() > 253 || name.front() == '-' || name.front() == '.' || name.back() == '-') {
    return false;
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
      return false;
    }
  }
  return name.find("..") == std::string::npos;
}

void Cluster::FollowMaster(const ClusterNode& m) {
  // By name when the master announces one, so that a master re-created on a new address is found on the
  // next reconnect (replication resolves it off the event loop each time); the IP we know is the fallback,
  // and a change of it makes a replica still dialling (or linked to) the old address reconnect
  // (redis/redis#14633: Redis replicas keep dialling the old IP).
  repl_->ReplicateFrom(m.hostname.empty() ? m.ip : m.hostname, m.port, m.ip);
}

void Cluster::SetNodeAsMaster(ClusterNode* n) {
  if (n->is_master()) return;
  n->flags &= ~kNodeReplica;
  n->flags |= kNodeMaster;
  n->master_id.clear();
  MarkChanged();
}

void Cluster::SetMyMaster(ClusterNode* master) {
  ClusterNode* me = state_.myself();
  // A master turned replica ends any manual failover it was part of (held writes now get redirected); a
  // replica that follows a new master starts its elections afresh.
  ResetManualFailover();
  ResetElection();
  if (me->is_master()) {
    for (int s = 0; s < kClusterSlots; s++) {
      if (state_.owner(s) == me) state_.UnassignSlot(s);
      state_.SetMigrating(s, "");
      state_.SetImporting(s, "");
    }
    me->flags &= ~kNodeMaster;
    me->flags |= kNodeReplica;
  }
  me->master_id = master->id;
  if (!master->ip.empty() || !master->hostname.empty()) {
    FollowMaster(*master);
  } else {
    server_->set_replica(true);
  }
  MarkChanged();
}

void Cluster::Forget(ClusterNode* n) {
  blacklist_[n->id] = now_ms() + kForgetBlacklistMs;
  CloseLinksOf(n->id);
  state_.Remove(n);
  MarkChanged();
}

void Cluster::Reset(bool hard) {
  ClusterNode* me = state_.myself();
  if (me->is_replica()) {
    SetNodeAsMaster(me);
    repl_->BecomeMaster();
    server_->db().Clear();
    server_->TouchAllKeys();
  }
  for (int s = 0; s < kClusterSlots; s++) {
    state_.UnassignSlot(s);
    state_.SetMigrating(s, "");
    state_.SetImporting(s, "");
  }
  std::vector<ClusterNode*> others;
  for (auto& [id, n] : state_.nodes()) {
    if (n.get() != me) others.push_back(n.get());
  }
  for (ClusterNode* n : others) {
    CloseLinksOf(n->id);
    state_.Remove(n);
  }
  if (hard) {
    state_.current_epoch = 0;
    state_.last_vote_epoch = 0;
    me->config_epoch = 0;
    std::string old = me->id;
    state_.Rename(me, RandomNodeId());
    LogNotice("Node hard reset, now I'm " + me->id);
  }
  MarkChanged();
  UpdateState();
  if (persist_) SaveConfig();
}

bool Cluster::BumpEpoch() {
  uint64_t max_epoch = std::max(state_.current_epoch, state_.MaxConfigEpoch());
  ClusterNode* me = state_.myself();
  if (me->config_epoch == 0 || me->config_epoch != max_epoch) {
    state_.current_epoch++;
    me->config_epoch = state_.current_epoch;
    MarkChanged();
    return true;
  }
  return false;
}

bool Cluster::use_hostname() const { return server_->config().cluster_preferred_endpoint_type == "hostname"; }

std::string Cluster::PreferredEndpoint(const ClusterNode& n) const {
  if (use_hostname()) return n.hostname.empty() ? std::string("?") : n.hostname;
  return n.ip;
}

void Cluster::DelKeysInSlot(int slot) {
  std::vector<std::string> keys = server_->db().GetKeysInSlot(slot, SIZE_MAX);
  for (const auto& k : keys) {
    server_->db().Delete(k);
    std::vector<std::string_view> del = {"DEL", k};
    server_->Propagate(del);
    server_->TouchKey(k);
  }
}

void Cluster::UpdateState() {
  todo_update_ = false;
  const Config& cfg = server_->config();
  bool ok = true;
  if (cfg.cluster_require_full_coverage) {
    for (int s = 0; s < kClusterSlots && ok; s++) {
      ClusterNode* o = state_.owner(s);
      if (o == nullptr || o->failed()) ok = false;
    }
  }
  size_t size = 0, reachable = 0;
  for (auto& [id, n] : state_.nodes()) {
    if (n->is_master() && n->num_slots > 0) {
      size++;
      if (!n->is(kNodeFail | kNodePFail)) reachable++;
    }
  }
  int64_t now = now_ms();
  if (size > 0 && reachable < FailQuorum(size)) {
    ok = false;
    among_minority_ms_ = now;
  }
  if (size == 0 && cfg.cluster_require_full_coverage) ok = false;
  if (ok && !state_.state_ok && state_.myself()->is_master() && state_.myself()->num_slots > 0) {
    // A master does not take writes at once (Redis's delays): restarted with slots from its nodes.conf, or just
    // back from the minority side of a partition, the configuration that may have given its slots to another
    // master (a failover meanwhile) reaches it first.
    int64_t rejoin = std::clamp<int64_t>(cfg.cluster_node_timeout, 500, 5000);
    if (among_minority_ms_ != 0 && now - among_minority_ms_ < rejoin) return;
    if (now < writable_after_ms_) return;
  }
  if (ok != state_.state_ok) {
    state_.state_ok = ok;
    state_change_ms_ = now_ms();
    LogNotice(ok ? "Cluster state changed: ok" : "Cluster state changed: fail");
  }
}

std::string Cluster::InfoText() {
  size_t ok = 0, pfail = 0, fail = 0, assigned = 0;
  for (int s = 0; s < kClusterSlots; s++) {
    ClusterNode* o = state_.owner(s);
    if (o == nullptr) continue;
    assigned++;
    if (o->is(kNodeFail)) fail++;
    else if (o->is(kNodePFail)) pfail++;
    else ok++;
  }
  ClusterNode* me = state_.myself();
  ClusterNode* master = state_.MasterOf(me);
  std::string s;
  auto field = [&](const std::string& k, const std::string& v) { s += k + ":" + v + "\r\n"; };
  field("cluster_state", state_.state_ok ? "ok" : "fail");
  field("cluster_slots_assigned", std::to_string(assigned));
  field("cluster_slots_ok", std::to_string(ok));
  field("cluster_slots_pfail", std::to_string(pfail));
  field("cluster_slots_fail", std::to_string(fail));
  field("cluster_known_nodes", std::to_string(state_.nodes().size()));
  field("cluster_size", std::to_string(state_.Size()));
  field("cluster_current_epoch", std::to_string(state_.current_epoch));
  field("cluster_my_epoch", std::to_string(master ? master->config_epoch : me->config_epoch));
  uint64_t total_sent = 0, total_recv = 0;
  for (int t = 0; t < static_cast<int>(MsgType::kCount); t++) {
    if (sent_by_type[t] == 0) continue;
    field(std::string("cluster_stats_messages_") + MsgTypeName(static_cast<MsgType>(t)) + "_sent",
          std::to_string(sent_by_type[t]));
    total_sent += sent_by_type[t];
  }
  field("cluster_stats_messages_sent", std::to_string(total_sent));
  for (int t = 0; t < static_cast<int>(MsgType::kCount); t++) {
    if (received_by_type[t] == 0) continue;
    field(std::string("cluster_stats_messages_") + MsgTypeName(static_cast<MsgType>(t)) + "_received",
          std::to_string(received_by_type[t]));
    total_recv += received_by_type[t];
  }
  if (malformed_received > 0) field("cluster_stats_messages_malformed_received", std::to_string(malformed_received));
  field("cluster_stats_messages_received", std::to_string(total_recv + malformed_received));
  field("total_cluster_links_buffer_limit_exceeded", "0");
  // Ours (the authenticated bus, bus_auth.h): links closed because authentication failed (a peer without the
  // secret, a handshake that did not finish, a replayed, reordered or altered frame), and the links up now
  // that are authenticated.
  field("cluster_bus_auth_failures", std::to_string(bus_auth_failures));
  field("cluster_bus_auth_links", std::to_string(AuthenticatedLinks()));
  return s;
}

}  // namespace rcs::cluster
