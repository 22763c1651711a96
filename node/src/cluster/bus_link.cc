// Cluster bus links and framing: the listening socket, one outbound link per known node, inbound links
// from peers, the frame buffers (encode on send, decode on receive), and the message builders (header,
// PING/PONG/MEET with gossip, FAIL, UPDATE). A link closed while a handler holds it is freed after the
// handler returns (dispatch_depth_ / pending_close_). What a decoded message means is gossip.cc's business.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/log.h"
#include "cluster/cluster.h"
#include "cluster/cluster_internal.h"
#include "net/event_loop.h"

namespace rcs::cluster {
namespace {

void SetNonBlocking(int fd) {
  int fl = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

}  // namespace

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
  if (me->is_master() && mf_end_ms_ != 0 && !mf_replica_.empty()) m.mflags |= kMflagPaused;
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
  Broadcast(m);
}

void Cluster::Broadcast(const BusMessage& m) {
  // To every known node: on our link to it (queued if it is still connecting, e.g. right after a restart), or
  // else on its link to us (a node handles a message whichever link it comes on).
  dispatch_depth_++;  // a failed write must not erase a link while we iterate
  for (auto& [id, n] : state_.nodes()) {
    if (n->is(kNodeMyself) || n->is(kNodeHandshake)) continue;
    Link* l = OutboundOf(id);
    if (l == nullptr) l = InboundOf(id);
    SendTo(l, m);
  }
  if (--dispatch_depth_ == 0) ClosePendingLinks();
}

void Cluster::BroadcastPong() {
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

Cluster::Link* Cluster::InboundOf(const std::string& node_id) {
  for (auto& [id, l] : links_) {
    if (l->inbound && !l->closing && l->node_id == node_id) return l.get();
  }
  return nullptr;
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

void Cluster::SetLinksReply(ReplyBuilder& reply) {
  // Per peer, its "to" link followed by its "from" link, as Redis lists them (clients pair them in order).
  std::vector<Link*> shown;
  for (auto& [nid, n] : state_.nodes()) {
    if (n->is(kNodeMyself)) continue;
    if (Link* to = OutboundOf(nid)) shown.push_back(to);
    for (auto& [id, l] : links_) {
      if (l->inbound && !l->closing && l->node_id == nid) shown.push_back(l.get());
    }
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

}  // namespace rcs::cluster
