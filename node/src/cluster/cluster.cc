#include "cluster/cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "base/log.h"
#include "net/event_loop.h"
#include "protocol/errors.h"

namespace rcs::cluster {
namespace {

constexpr int64_t kForgetBlacklistMs = 60000;
constexpr int64_t kFailUndoTimeMult = 2;
constexpr int64_t kFailReportValidityMult = 2;

std::mt19937& Rng() {
  static std::mt19937 rng(std::random_device{}());
  return rng;
}

void SetNonBlocking(int fd) {
  int fl = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

std::string SockAddrIp(const sockaddr_storage& ss) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&ss)->sin_addr, buf, sizeof(buf));
  } else if (ss.ss_family == AF_INET6) {
    const auto* s6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
      inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], buf, sizeof(buf));
    } else {
      inet_ntop(AF_INET6, &s6->sin6_addr, buf, sizeof(buf));
    }
  }
  return buf;
}

}  // namespace

Cluster::Cluster(Server* server) : server_(server), repl_(MakeReplicationLink(*server)) {}

Cluster::~Cluster() {
  for (auto& [id, l] : links_) {
    if (l->fd >= 0) {
      server_->loop()->Remove(l->fd);
      close(l->fd);
    }
  }
  if (listen_fd_ >= 0) {
    server_->loop()->Remove(listen_fd_);
    close(listen_fd_);
  }
}

int64_t Cluster::now_ms() const { return server_->clock().NowMs(); }

Status Cluster::Init(bool load_file) {
  const Config& cfg = server_->config();
  config_path_ = cfg.cluster_config_file;
  persist_ = load_file;
  bool loaded = false;
  if (load_file) {
    std::ifstream f(config_path_);
    if (f.good()) {
      std::stringstream ss;
      ss << f.rdbuf();
      std::string text = ss.str();
      if (text.find_first_not_of(" \r\n\t") != std::string::npos) {
        Status st = state_.LoadConfigText(text);
        if (!st.ok()) return st;
        loaded = true;
        LogNotice("Node configuration loaded, I'm " + state_.myself()->id);
      }
    }
  }
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
  ClusterNode* me = state_.myself();
  if (me->is_replica()) {
    ClusterNode* m = state_.Find(me->master_id);
    if (m != nullptr && !m->ip.empty()) repl_->ReplicateFrom(m->ip, m->port);
    else server_->set_replica(true);
  }
}

void Cluster::ApplyAnnounce() {
  const Config& cfg = server_->config();
  ClusterNode* me = state_.myself();
  me->port = cfg.cluster_announce_port ? cfg.cluster_announce_port : cfg.port;
  int bus = cfg.cluster_port ? cfg.cluster_port : cfg.port + 10000;
  me->cport = cfg.cluster_announce_bus_port ? cfg.cluster_announce_bus_port : bus;
  if (!cfg.cluster_announce_ip.empty()) me->ip = cfg.cluster_announce_ip;
  me->hostname = cfg.cluster_announce_hostname;
}

Status Cluster::Start() {
  Status st = Init(true);
  if (!st.ok()) return st;
  st = Listen();
  if (!st.ok()) return st;
  return Status::Ok();
}

Status Cluster::Listen() {
  const Config& cfg = server_->config();
  int bus = cfg.cluster_port ? cfg.cluster_port : cfg.port + 10000;
  if (bus > 65535) return Status::Error("Redis port number too high. Cluster communication port is 10,000 port numbers higher than your Redis port.");
  std::string addr = "0.0.0.0";
  for (const auto& b : cfg.bind) {
    std::string a = (!b.empty() && b[0] == '-') ? b.substr(1) : b;
    if (a == "*" || a == "::*" || a.find(':') != std::string::npos) continue;
    addr = a;
    break;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::Error(std::string("socket: ") + strerror(errno));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(bus));
  if (inet_pton(AF_INET, addr.c_str(), &sa.sin_addr) != 1) sa.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 || listen(fd, 511) != 0) {
    std::string e = strerror(errno);
    close(fd);
    return Status::Error("Failed listening on port " + std::to_string(bus) + " (cluster bus): " + e);
  }
  SetNonBlocking(fd);
  listen_fd_ = fd;
  server_->loop()->Add(fd, EventLoop::kReadable, [this](int lfd, uint32_t) { AcceptBus(lfd); });
  return Status::Ok();
}

void Cluster::AcceptBus(int lfd) {
  for (int i = 0; i < 100; i++) {
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    int fd = accept4(lfd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_CLOEXEC);
    if (fd < 0) return;
    SetNonBlocking(fd);
    auto l = std::make_unique<Link>();
    l->id = next_link_id_++;
    l->fd = fd;
    l->inbound = true;
    l->peer_ip = SockAddrIp(ss);
    l->ctime_ms = now_ms();
    uint64_t id = l->id;
    links_[id] = std::move(l);
    server_->loop()->Add(fd, EventLoop::kReadable, [this, id](int, uint32_t ev) { OnLinkEvent(id, ev); });
  }
}

bool Cluster::PeerAddress(const ClusterNode& n, std::string* ip, int* cport) const {
  if (n.ip.empty() || n.cport <= 0) return false;
  *ip = n.ip;
  *cport = n.cport;
  return true;
}

void Cluster::ConnectTo(ClusterNode* n) {
  std::string ip;
  int cport;
  if (!PeerAddress(*n, &ip, &cport)) return;
  sockaddr_storage ss{};
  socklen_t sl;
  if (inet_pton(AF_INET, ip.c_str(), &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr) == 1) {
    auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
    s4->sin_family = AF_INET;
    s4->sin_port = htons(static_cast<uint16_t>(cport));
    sl = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, ip.c_str(), &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr) == 1) {
    auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(static_cast<uint16_t>(cport));
    sl = sizeof(sockaddr_in6);
  } else {
    return;
  }
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  SetNonBlocking(fd);
  int rc = connect(fd, reinterpret_cast<sockaddr*>(&ss), sl);
  if (rc != 0 && errno != EINPROGRESS) {
    close(fd);
    if (n->ping_sent_ms == 0) n->ping_sent_ms = now_ms();
    return;
  }
  auto l = std::make_unique<Link>();
  l->id = next_link_id_++;
  l->fd = fd;
  l->connecting = true;
  l->node_id = n->id;
  l->peer_ip = ip;
  l->ctime_ms = now_ms();
  uint64_t id = l->id;
  links_[id] = std::move(l);
  server_->loop()->Add(fd, EventLoop::kReadable | EventLoop::kWritable,
                       [this, id](int, uint32_t ev) { OnLinkEvent(id, ev); });
}

Cluster::Link* Cluster::OutboundOf(const std::string& node_id) {
  for (auto& [id, l] : links_) {
    if (!l->inbound && !l->closing && l->node_id == node_id) return l.get();
  }
  return nullptr;
}

void Cluster::CloseLink(uint64_t link_id, const std::string& why) {
  auto it = links_.find(link_id);
  if (it == links_.end()) return;
  Link* l = it->second.get();
  if (!why.empty() && !l->closing) LogVerbose("Cluster bus link " + l->peer_ip + " closed: " + why);
  if (!l->inbound && !l->closing) {
    if (ClusterNode* n = state_.Find(l->node_id)) n->link_connected = false;
  }
  if (dispatch_depth_ > 0) {
    // A handler up the stack may still hold this link: free it when the handler returns.
    if (!l->closing) pending_close_.push_back(link_id);
    l->closing = true;
    return;
  }
  if (l->fd >= 0) {
    server_->loop()->Remove(l->fd);
    close(l->fd);
  }
  links_.erase(it);
}

void Cluster::ClosePendingLinks() {
  std::vector<uint64_t> ids;
  ids.swap(pending_close_);
  for (uint64_t id : ids) CloseLink(id, "");
}

void Cluster::CloseLinksOf(const std::string& node_id) {
  std::vector<uint64_t> ids;
  for (auto& [id, l] : links_) {
    if (l->node_id == node_id) ids.push_back(id);
  }
  for (uint64_t id : ids) CloseLink(id, "");
}

void Cluster::OnLinkEvent(uint64_t link_id, uint32_t events) {
  auto it = links_.find(link_id);
  if (it == links_.end()) return;
  Link* l = it->second.get();
  if (l->connecting) {
    if (!(events & (EventLoop::kWritable | EventLoop::kReadable))) return;
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      // No ping could be sent: count from now, or a dead node would never time out.
      if (ClusterNode* n = state_.Find(l->node_id); n != nullptr && n->ping_sent_ms == 0) n->ping_sent_ms = now_ms();
      CloseLink(link_id, std::string("connect: ") + strerror(err));
      return;
    }
    l->connecting = false;
    server_->loop()->Modify(l->fd, EventLoop::kReadable);
    ClusterNode* n = state_.Find(l->node_id);
    if (n == nullptr) {
      CloseLink(link_id, "node gone");
      return;
    }
    n->link_connected = true;
    // Keep the time of a ping already pending: a reconnect must not hide a silent node.
    int64_t old_ping = n->ping_sent_ms;
    SendPing(l, n->is(kNodeMeet) ? MsgType::kMeet : MsgType::kPing);
    if (old_ping) n->ping_sent_ms = old_ping;
    n->flags &= ~kNodeMeet;
    return;
  }
  if (events & EventLoop::kWritable) {
    FlushLink(l);
    if (links_.find(link_id) == links_.end()) return;
  }
  if (!(events & EventLoop::kReadable)) return;
  char buf[16384];
  for (;;) {
    ssize_t r = read(l->fd, buf, sizeof(buf));
    if (r == 0) {
      CloseLink(link_id, "connection closed by peer");
      return;
    }
    if (r < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      CloseLink(link_id, std::string("read: ") + strerror(errno));
      return;
    }
    l->in.append(buf, static_cast<size_t>(r));
    l->bytes_received += static_cast<uint64_t>(r);
    if (static_cast<size_t>(r) < sizeof(buf)) break;
  }
  size_t pos = 0;
  while (pos < l->in.size()) {
    BusMessage m;
    DecodeResult d = DecodeMessage(std::string_view(l->in).substr(pos), &m);
    if (d.status == DecodeStatus::kNeedMore) break;
    if (d.status == DecodeStatus::kMalformed) {
      malformed_received++;
      LogWarning("Malformed cluster bus message from " + l->peer_ip + ": " + d.error + "; closing the link");
      CloseLink(link_id, "");
      return;
    }
    pos += d.consumed;
    std::string peer = l->peer_ip;
    dispatch_depth_++;
    HandleMessage(m, link_id, peer);
    dispatch_depth_--;
    bool closed = l->closing;
    if (dispatch_depth_ == 0) ClosePendingLinks();
    if (closed) return;
  }
  l->in.erase(0, pos);
}

void Cluster::FlushLink(Link* l) {
  while (l->out_pos < l->out.size()) {
    ssize_t w = write(l->fd, l->out.data() + l->out_pos, l->out.size() - l->out_pos);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      CloseLink(l->id, std::string("write: ") + strerror(errno));
      return;
    }
    l->out_pos += static_cast<size_t>(w);
    l->bytes_sent += static_cast<uint64_t>(w);
  }
  if (links_.find(l->id) == links_.end() || l->closing) return;
  if (l->out_pos == l->out.size()) {
    l->out.clear();
    l->out_pos = 0;
    server_->loop()->Modify(l->fd, EventLoop::kReadable);
  } else {
    server_->loop()->Modify(l->fd, EventLoop::kReadable | EventLoop::kWritable);
  }
}

void Cluster::SendTo(Link* l, const BusMessage& m) {
  if (l == nullptr || l->fd < 0 || l->closing) return;
  EncodeMessage(m, &l->out);
  sent_by_type[static_cast<int>(m.type)]++;
  if (!l->connecting) FlushLink(l);
}

BusMessage Cluster::BuildHeader(MsgType t) {
  const Config& cfg = server_->config();
  ClusterNode* me = state_.myself();
  BusMessage m;
  m.type = t;
  m.sender_flags = me->flags & ~(kNodeMyself | kNodeMeet);
  m.current_epoch = state_.current_epoch;
  ClusterNode* master = state_.MasterOf(me);
  if (master == nullptr) master = me;
  m.config_epoch = master->config_epoch;
  m.repl_offset = static_cast<uint64_t>(repl_->ReplicationOffset());
  m.sender = me->id;
  for (int s = 0; s < kClusterSlots; s++) {
    if (master->slots.test(s)) BitmapSet(m.slots, s);
  }
  if (me->is_replica()) m.master_id = me->master_id;
  m.ip = cfg.cluster_announce_ip;
  m.port = static_cast<uint16_t>(me->port);
  m.cport = static_cast<uint16_t>(me->cport);
  m.cluster_state = state_.state_ok ? 0 : 1;
  m.hostname = me->hostname;
  return m;
}

void Cluster::SendPing(Link* l, MsgType t) {
  if (l == nullptr) return;
  BusMessage m = BuildHeader(t);
  // Gossip about every node we know that is worth telling about (small clusters: all of them; PFAIL ones
  // always, which is what spreads failure reports).
  for (auto& [id, n] : state_.nodes()) {
    if (n->is(kNodeMyself) || n->is(kNodeHandshake) || n->is(kNodeNoAddr)) continue;
    if (n->id == l->node_id && t != MsgType::kPong) continue;
    if (m.gossip.size() >= kMaxGossip) break;
    BusMessage::Gossip g;
    g.id = n->id;
    g.ping_sent_s = static_cast<uint32_t>(n->ping_sent_ms / 1000);
    g.pong_received_s = static_cast<uint32_t>(n->pong_received_ms / 1000);
    g.ip = n->ip;
    g.port = static_cast<uint16_t>(n->port);
    g.cport = static_cast<uint16_t>(n->cport);
    g.flags = n->flags & ~kNodeMeet;
    m.gossip.push_back(std::move(g));
  }
  if (t == MsgType::kPing && !l->inbound) {
    if (ClusterNode* n = state_.Find(l->node_id)) n->ping_sent_ms = now_ms();
  }
  SendTo(l, m);
}

void Cluster::BroadcastFail(const std::string& id) {
  BusMessage m = BuildHeader(MsgType::kFail);
  m.fail_id = id;
  dispatch_depth_++;  // a failed write must not erase a link while we iterate
  for (auto& [lid, l] : links_) {
    if (l->inbound || l->connecting) continue;
    ClusterNode* n = state_.Find(l->node_id);
    if (n == nullptr || n->is(kNodeHandshake)) continue;
    SendTo(l.get(), m);
  }
  if (--dispatch_depth_ == 0) ClosePendingLinks();
}

void Cluster::SendUpdate(Link* l, const ClusterNode& owner) {
  if (l == nullptr) return;
  BusMessage m = BuildHeader(MsgType::kUpdate);
  m.update_epoch = owner.config_epoch;
  m.update_id = owner.id;
  m.update_slots.assign(kClusterSlots / 8, 0);
  for (int s = 0; s < kClusterSlots; s++) {
    if (owner.slots.test(s)) BitmapSet(m.update_slots, s);
  }
  SendTo(l, m);
}

bool Cluster::Blacklisted(const std::string& id) {
  auto it = blacklist_.find(id);
  if (it == blacklist_.end()) return false;
  if (it->second < now_ms()) {
    blacklist_.erase(it);
    return false;
  }
  return true;
}

void Cluster::StartHandshake(const std::string& ip, int port, int cport, bool meet) {
  for (auto& [id, n] : state_.nodes()) {
    if (n->is(kNodeHandshake) && n->ip == ip && n->port == port && n->cport == cport) return;
  }
  ClusterNode* n = state_.Add("", kNodeHandshake | (meet ? kNodeMeet : 0));
  n->ip = ip;
  n->port = port;
  n->cport = cport;
  n->ctime_ms = now_ms();
  n->pong_received_ms = now_ms();
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
  } else {
    return Status::Error("bad address");
  }
  if (port <= 0 || port > 65535 || cport <= 0 || cport > 65535) return Status::Error("bad address");
  StartHandshake(norm, port, cport, true);
  return Status::Ok();
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
  if (!master->ip.empty()) {
    repl_->ReplicateFrom(master->ip, master->port);
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

Status Cluster::SaveConfig() {
  if (!persist_) return Status::Ok();
  Status st = WriteFileAtomic(config_path_, state_.ConfigText(now_ms()));
  if (!st.ok()) LogWarning("Could not save the cluster config: " + st.message());
  return st;
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
  if (ok && size > 0 && reachable < FailQuorum(size)) ok = false;
  if (size == 0 && cfg.cluster_require_full_coverage) ok = false;
  if (ok != state_.state_ok) {
    state_.state_ok = ok;
    state_change_ms_ = now_ms();
    LogNotice(ok ? "Cluster state changed: ok" : "Cluster state changed: fail");
  }
}

void Cluster::MarkFailingIfNeeded(ClusterNode* n) {
  if (!n->is(kNodePFail) || n->is(kNodeFail)) return;
  size_t needed = FailQuorum(state_.Size());
  size_t failures = n->fail_reports.CountValid(now_ms(), server_->config().cluster_node_timeout * kFailReportValidityMult);
  if (state_.myself()->is_master()) failures++;
  if (failures < needed) return;
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
    if (o == nullptr || o->config_epoch < sender_epoch) {
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
      // A failing node gossiped under a new address: reconnect there.
      if (n->is(kNodeFail | kNodePFail) && !(g.flags & (kNodeNoAddr | kNodeFail | kNodePFail)) && !g.ip.empty() &&
          (n->ip != g.ip || n->port != g.port || n->cport != g.cport)) {
        CloseLinksOf(n->id);
        n->ip = g.ip;
        n->port = g.port;
        n->cport = g.cport;
        n->flags &= ~kNodeNoAddr;
      }
    } else if (sender != nullptr && !(g.flags & kNodeNoAddr) && !g.ip.empty() && !Blacklisted(g.id)) {
      StartHandshake(g.ip, g.port, g.cport, false);
    }
  }
}

void Cluster::HandleMessage(const BusMessage& m, uint64_t link_id, const std::string& peer_ip) {
  int64_t now = now_ms();
  received_by_type[static_cast<int>(m.type)]++;
  auto lit = links_.find(link_id);
  Link* link = lit == links_.end() ? nullptr : lit->second.get();
  ClusterNode* me = state_.myself();
  ClusterNode* sender = state_.Find(m.sender);
  if (sender != nullptr && sender->is(kNodeHandshake)) sender = nullptr;
  if (sender == me) return;  // our own message reflected (should not happen)
  if (sender != nullptr) {
    sender->data_received_ms = now;
    if (link != nullptr && link->inbound && link->node_id.empty()) link->node_id = sender->id;
    if (m.current_epoch > state_.current_epoch) {
      state_.current_epoch = m.current_epoch;
      MarkChanged();
    }
    if (m.config_epoch > sender->config_epoch) {
      sender->config_epoch = m.config_epoch;
      MarkChanged();
    }
    sender->repl_offset = static_cast<int64_t>(m.repl_offset);
  }
  bool ping_like = m.type == MsgType::kPing || m.type == MsgType::kPong || m.type == MsgType::kMeet;
  if (m.type == MsgType::kPing || m.type == MsgType::kMeet) {
    // Learn our own address from the connection a peer reached us on (unless announced).
    if ((m.type == MsgType::kMeet || me->ip.empty()) && server_->config().cluster_announce_ip.empty() &&
        link != nullptr) {
      sockaddr_storage ss{};
      socklen_t len = sizeof(ss);
      if (getsockname(link->fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
        std::string ip = SockAddrIp(ss);
        if (!ip.empty() && ip != me->ip) {
          me->ip = ip;
          LogNotice("IP address for this node updated to " + ip);
          MarkChanged();
        }
      }
    }
    if (sender == nullptr && m.type == MsgType::kMeet) {
      // MEET adds the sender under its real id.
      if (!Blacklisted(m.sender)) {
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
    }
    if (link != nullptr) SendPing(link, MsgType::kPong);
  }
  if (ping_like) {
    // A PONG on our outbound link to a handshake node: the peer's real id.
    if (link != nullptr && !link->inbound && m.type == MsgType::kPong) {
      ClusterNode* ln = state_.Find(link->node_id);
      if (ln != nullptr && ln->is(kNodeHandshake)) {
        if (state_.Find(m.sender) != nullptr) {
          // Known already under its real id: drop the handshake node.
          std::string hid = ln->id;
          state_.Remove(ln);
          CloseLinksOf(hid);
          MarkChanged();
          return;
        }
        std::string old = ln->id;
        state_.Rename(ln, m.sender);
        link->node_id = m.sender;
        ln->flags &= ~(kNodeHandshake | kNodeMeet);
        ln->flags |= m.master_id.empty() ? kNodeMaster : kNodeReplica;
        ln->master_id = m.master_id;
        ln->config_epoch = m.config_epoch;
        ln->link_connected = true;
        sender = ln;
        MarkChanged();
      } else if (ln != nullptr && ln->id != m.sender) {
        // The node at this address is another node now: forget the address, reconnect when it is gossiped.
        ln->flags |= kNodeNoAddr;
        ln->ip.clear();
        ln->port = 0;
        ln->cport = 0;
        CloseLink(link_id, "PONG with a mismatching sender id");
        MarkChanged();
        return;
      }
    }
    if (sender == nullptr) return;
    // Address and hostname as the sender announces them.
    std::string ip = m.ip.empty() ? (link != nullptr && link->inbound ? peer_ip : sender->ip) : m.ip;
    if (!ip.empty() && (ip != sender->ip || m.port != sender->port || m.cport != sender->cport)) {
      sender->ip = ip;
      sender->port = m.port;
      sender->cport = m.cport;
      sender->flags &= ~kNodeNoAddr;
      Link* out = OutboundOf(sender->id);
      if (out != nullptr) CloseLink(out->id, "peer address changed");
      link = nullptr;
      lit = links_.find(link_id);
      if (lit != links_.end()) link = lit->second.get();
      MarkChanged();
    }
    if (sender->hostname != m.hostname) {
      sender->hostname = m.hostname;
      MarkChanged();
    }
    if (m.type == MsgType::kPong && link != nullptr && !link->inbound && link->node_id == sender->id) {
      sender->pong_received_ms = now;
      sender->ping_sent_ms = 0;
      if (sender->is(kNodePFail)) {
        sender->flags &= ~kNodePFail;
        todo_update_ = true;
      } else if (sender->is(kNodeFail)) {
        ClearFailureIfNeeded(sender);
      }
    }
    // Role.
    if (m.master_id.empty()) {
      SetNodeAsMaster(sender);
    } else {
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
    // Slots: a master's claims.
    if (sender->is_master()) {
      bool dirty = false;
      for (int s = 0; s < kClusterSlots && !dirty; s++) dirty = m.HasSlot(s) != sender->slots.test(s);
      if (dirty) {
        UpdateSlotsFrom(sender, m.config_epoch, m.slots);
        // A claim older than what we know: tell the sender who owns the slot now.
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
      HandleEpochCollision(sender);
    }
    ProcessGossip(m, sender);
    return;
  }
  if (m.type == MsgType::kFail) {
    if (sender == nullptr) return;
    ClusterNode* failing = state_.Find(m.fail_id);
    if (failing != nullptr && !failing->is(kNodeFail | kNodeMyself)) {
      LogNotice("FAIL message received from " + sender->id + " about " + failing->id);
      failing->flags |= kNodeFail;
      failing->flags &= ~kNodePFail;
      failing->fail_time_ms = now;
      MarkChanged();
    }
    return;
  }
  if (m.type == MsgType::kUpdate) {
    if (sender == nullptr) return;
    ClusterNode* n = state_.Find(m.update_id);
    if (n == nullptr || n->config_epoch >= m.update_epoch) return;
    if (n->is_replica()) SetNodeAsMaster(n);
    n->config_epoch = m.update_epoch;
    UpdateSlotsFrom(n, m.update_epoch, m.update_slots);
    MarkChanged();
    return;
  }
  // Reserved types (failover, publish): accepted and ignored until the failover issue.
}

void Cluster::Cron() {
  int64_t now = now_ms();
  if (now - last_ping_round_ms_ < 100 && last_ping_round_ms_ != 0) return;
  last_ping_round_ms_ = now;
  cron_iteration_++;
  // cluster-announce-* may change at run time (CONFIG SET): what we announce follows on the next ping.
  ApplyAnnounce();
  const Config& cfg = server_->config();
  int64_t timeout = cfg.cluster_node_timeout;
  int64_t handshake_timeout = std::max<int64_t>(timeout, 1000);
  for (auto it = blacklist_.begin(); it != blacklist_.end();) {
    if (it->second < now) it = blacklist_.erase(it);
    else ++it;
  }
  std::vector<ClusterNode*> nodes;
  for (auto& [id, n] : state_.nodes()) nodes.push_back(n.get());
  bool sockets = listen_fd_ >= 0;
  for (ClusterNode* n : nodes) {
    if (n->is(kNodeMyself) || n->is(kNodeNoAddr)) continue;
    if (n->is(kNodeHandshake) && now - n->ctime_ms > handshake_timeout) {
      CloseLinksOf(n->id);
      state_.Remove(n);
      continue;
    }
    if (sockets && OutboundOf(n->id) == nullptr) ConnectTo(n);
  }
  nodes.clear();
  for (auto& [id, n] : state_.nodes()) nodes.push_back(n.get());
  // Every second, ping the node with the oldest pong among five random ones.
  if (cron_iteration_ % 10 == 0 && !nodes.empty()) {
    ClusterNode* pick = nullptr;
    for (int i = 0; i < 5; i++) {
      ClusterNode* n = nodes[Rng()() % nodes.size()];
      Link* l = OutboundOf(n->id);
      if (n->is(kNodeMyself) || n->is(kNodeHandshake) || l == nullptr || l->connecting || n->ping_sent_ms != 0) continue;
      if (pick == nullptr || n->pong_received_ms < pick->pong_received_ms) pick = n;
    }
    if (pick != nullptr) SendPing(OutboundOf(pick->id), MsgType::kPing);
  }
  for (ClusterNode* n : nodes) {
    if (n->is(kNodeMyself) || n->is(kNodeNoAddr) || n->is(kNodeHandshake)) continue;
    Link* l = OutboundOf(n->id);
    // A link that is up but gets no answer for half the timeout is reconnected (the node may be fine).
    if (l != nullptr && !l->connecting && now - l->ctime_ms > timeout && n->ping_sent_ms &&
        now - n->ping_sent_ms > timeout / 2 && now - n->data_received_ms > timeout / 2) {
      CloseLink(l->id, "no reply within half the node timeout");
      l = nullptr;
    }
    if (l != nullptr && !l->connecting && n->ping_sent_ms == 0 && now - n->pong_received_ms > timeout / 2) {
      SendPing(l, MsgType::kPing);
    }
    if (n->ping_sent_ms == 0) continue;
    int64_t delay = std::min(now - n->ping_sent_ms, now - n->data_received_ms);
    if (delay > timeout && !n->is(kNodePFail | kNodeFail)) {
      LogVerbose("*** NODE " + n->id + " possibly failing");
      n->flags |= kNodePFail;
      todo_update_ = true;
    }
  }
  // A replica follows its master wherever it is.
  ClusterNode* me = state_.myself();
  if (me->is_replica()) {
    ClusterNode* m = state_.Find(me->master_id);
    if (m != nullptr && !m->ip.empty()) repl_->ReplicateFrom(m->ip, m->port);
  }
  UpdateState();
}

void Cluster::BeforeSleep() {
  if (todo_broadcast_) {
    todo_broadcast_ = false;
    std::vector<uint64_t> ids;
    for (auto& [id, l] : links_) {
      if (l->inbound || l->connecting || l->closing) continue;
      ClusterNode* n = state_.Find(l->node_id);
      if (n != nullptr && !n->is(kNodeHandshake)) ids.push_back(id);
    }
    for (uint64_t id : ids) {
      auto it = links_.find(id);
      if (it != links_.end()) SendPing(it->second.get(), MsgType::kPong);
    }
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
  return s;
}

void Cluster::SetLinksReply(ReplyBuilder& reply) {
  std::vector<Link*> shown;
  for (auto& [id, l] : links_) {
    if (!l->node_id.empty() && state_.Find(l->node_id) != nullptr) shown.push_back(l.get());
  }
  reply.Array(shown.size());
  for (Link* l : shown) {
    reply.Map(6);
    reply.Bulk("direction");
    reply.Bulk(l->inbound ? "from" : "to");
    reply.Bulk("node");
    reply.Bulk(l->node_id);
    reply.Bulk("create-time");
    reply.Integer(l->ctime_ms);
    reply.Bulk("events");
    reply.Bulk(l->out.size() > l->out_pos ? "rw" : "r");
    reply.Bulk("send-buffer-allocated");
    reply.Integer(static_cast<int64_t>(l->out.capacity()));
    reply.Bulk("send-buffer-used");
    reply.Integer(static_cast<int64_t>(l->out.size() - l->out_pos));
  }
}

bool Cluster::CheckCommand(Client* c, const CommandSpec& spec, ArgList argv) {
  bool is_exec = spec.name == "exec";
  bool in_multi = c->has(kClientMulti);
  bool asking = c->has(kClientAsking) || spec.is(kCmdAsking);
  if (!in_multi && spec.name != "asking") c->flags &= ~kClientAsking;
  if (!is_exec && spec.first_key == 0 && !spec.is(kCmdMovableKeys)) return true;
  static thread_local std::vector<int> idx;
  static thread_local RedirectQuery q;
  q.keys.clear();
  q.is_write = spec.is(kCmdWrite);
  if (is_exec) {
    if (!in_multi) return true;
    for (const auto& cmd : c->multi_queue) {
      std::vector<std::string_view> av(cmd.begin(), cmd.end());
      const CommandSpec* s = server_->commands().Find(av[0]);
      if (s == nullptr) continue;
      if (!s->subcommands.empty() && av.size() > 1) s = CommandRegistry::FindSubcommand(*s, av[1]);
      if (s == nullptr) continue;
      idx.clear();
      if (!s->KeyIndices(ArgList(av.data(), av.size()), &idx)) continue;
      for (int i : idx) q.keys.push_back(cmd[i]);
      q.is_write |= s->is(kCmdWrite);
    }
  } else {
    idx.clear();
    if (!spec.KeyIndices(argv, &idx)) return true;
    for (int i : idx) q.keys.push_back(argv[i]);
  }
  if (q.keys.empty()) return true;
  // Fast path: one key, in a stable slot we serve, cluster up.
  if (q.keys.size() == 1 && state_.state_ok) {
    int s = KeyHashSlot(q.keys[0]);
    if (state_.owner(s) == state_.myself() && !state_.has_open_slots()) return true;
  }
  q.is_migrate = spec.name == "migrate";
  q.asking = asking;
  q.readonly_client = c->has(kClientReadOnly);
  q.allow_reads_when_down = server_->config().cluster_allow_reads_when_down;
  Keyspace* db = &server_->db();
  q.key_exists = [db](std::string_view k) { return db->Find(k) != nullptr; };
  RedirectDecision d = DecideRedirect(state_, q);
  if (d.kind == RedirectDecision::kServe) return true;
  c->reply.Error(RedirectError(d, use_hostname()));
  return false;
}

}  // namespace rcs::cluster
