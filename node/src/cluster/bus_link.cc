// Cluster bus links and framing: the listening socket, one outbound link per known node, inbound links
// from peers, the frame buffers (encode on send, decode on receive), and the message builders (header,
// PING/PONG/MEET with gossip, FAIL, UPDATE). A link closed while a handler holds it is freed after the
// handler returns (dispatch_depth_ / pending_close_). What a decoded message means is gossip.cc's business.
#include <algorithm>

#include "base/log.h"
#include "cluster/cluster.h"
#include "cluster/cluster_internal.h"
#include "net/event_loop.h"
#include "net/socket.h"

namespace rcs::cluster {

Status Cluster::Listen() {
  const Config& cfg = server_->config();
  int bus = BusPort(cfg);
  if (bus > 65535) return Status::Error("Redis port number too high. Cluster communication port is 10,000 port numbers higher than your Redis port.");
  // The bus listens on the first IPv4 address the node binds to (every IPv4 address when none is given).
  std::string addr = "*";
  for (const auto& b : cfg.bind) {
    std::string a = (!b.empty() && b[0] == '-') ? b.substr(1) : b;
    if (a == "*" || a == "::*" || a.find(':') != std::string::npos) continue;
    addr = a;
    break;
  }
  StatusOr<net::Socket> s = net::Listen(addr, bus, 511);
  if (!s.ok()) return Status::Error("Failed listening on port " + std::to_string(bus) + " (cluster bus): " + s.status().message());
  listen_socket_ = std::move(*s);
  listen_addr_ = addr;
  source_ip_ = net::SourceAddressFor(cfg.bind);
  // Bound to one address: that is where peers reach us, also after a restart on a new address (a container
  // re-created with the same nodes.conf). A fresh node keeps Redis's rule (learn it from the first MEET).
  if (addr != "*" && addr != "0.0.0.0" && restarted_with_ip_) {
    AdoptOwnAddress(addr, "the bind address");
    own_ip_checked_ = true;
  }
  server_->loop()->Add(listen_socket_.fd(), EventLoop::kReadable, [this](int lfd, uint32_t) { AcceptBus(lfd); });
  return Status::Ok();
}
void Cluster::AcceptBus(int lfd) {
  for (int i = 0; i < 100; i++) {
    StatusOr<net::Socket> s = net::Accept(lfd);
    if (!s.ok()) return;  // EAGAIN included: nothing more to accept now
    auto l = std::make_unique<Link>();
    l->id = next_link_id_++;
    StatusOr<net::Endpoint> peer = net::PeerEndpoint(s->fd());
    l->peer_ip = peer.ok() ? peer->ip : std::string();
    l->conn = net::Connection(std::move(*s));
    l->inbound = true;
    l->undecided = true;
    l->ctime_ms = now_ms();
    uint64_t id = l->id;
    int fd = l->conn.fd();
    links_[id] = std::move(l);
    server_->loop()->Add(fd, EventLoop::kReadable, [this, id](int, uint32_t ev) { OnLinkEvent(id, ev); });
  }
}
bool Cluster::PeerAddress(ClusterNode& n, std::string* ip, int* cport) {
  if (n.cport <= 0) return false;
  const ResolvedName* name = nullptr;
  if (!n.hostname.empty()) {
    auto it = names_.find(n.hostname);
    if (it != names_.end()) name = &it->second;
  }
  int64_t now = now_ms();
  DialPlan plan = PlanDial(n.ip, !n.hostname.empty(), name, n.dial_attempts, now);
  if (plan.request) {
    names_[n.hostname].requested_ms = now;
    resolver_.Request(n.hostname);
  }
  if (plan.ip.empty()) return false;  // waiting for the lookup (the cron tries again in 100 ms)
  *ip = plan.ip;
  *cport = n.cport;
  return true;
}

void Cluster::PollResolver(int64_t now) {
  for (net::Resolver::Result& r : resolver_.TakeResults()) {
    ResolvedName& e = names_[r.name];
    e.requested_ms = 0;
    if (r.ip.empty()) {
      if (e.failed_ms == 0 || e.failed_ms < e.resolved_ms) LogVerbose("Could not resolve " + r.name + ": " + r.error);
      e.failed_ms = now;
      continue;
    }
    if (!e.ip.empty() && e.ip != r.ip) LogNotice("Hostname " + r.name + " resolves to " + r.ip + " now (was " + e.ip + ")");
    e.ip = r.ip;
    e.resolved_ms = now;
  }
  // Only the names of nodes we know are kept (a forgotten node's name goes with it).
  if (cron_iteration_ % 100 == 0) {
    for (auto it = names_.begin(); it != names_.end();) {
      bool used = false;
      for (auto& [id, n] : state_.nodes()) used = used || n->hostname == it->first;
      if (!used && it->second.requested_ms == 0) it = names_.erase(it);
      else ++it;
    }
  }
}

void Cluster::ForgetLookup(const std::string& hostname) {
  auto it = names_.find(hostname);
  if (it != names_.end() && it->second.requested_ms == 0) it->second.resolved_ms = 0;
}

void Cluster::AdoptOwnAddress(const std::string& ip, const char* how) {
  ClusterNode* me = state_.myself();
  if (!server_->config().cluster_announce_ip.empty() || ip.empty() || ip == me->ip) return;
  LogNotice("IP address for this node updated to " + ip + " (was " + (me->ip.empty() ? "unknown" : me->ip) +
            ", from " + how + ")");
  me->ip = ip;
  // Peers take our address from our links (the header's ip stays empty), so only nodes.conf and what we
  // show clients change; PONG everyone so CLUSTER NODES everywhere agrees at once.
  BroadcastConfigSoon();
}

void Cluster::ConnectTo(ClusterNode* n) {
  std::string ip;
  int cport;
  if (!PeerAddress(*n, &ip, &cport)) return;
  n->dial_attempts++;
  StatusOr<net::Socket> s = net::StartConnect(ip, cport, source_ip_);
  if (!s.ok()) {
    // No ping could be sent: count from now, or a dead node would never time out.
    if (n->ping_sent_ms == 0) n->ping_sent_ms = now_ms();
    return;
  }
  auto l = std::make_unique<Link>();
  l->id = next_link_id_++;
  l->conn = net::Connection(std::move(*s), /*connecting=*/true);
  l->node_id = n->id;
  l->peer_ip = ip;
  l->ctime_ms = now_ms();
  uint64_t id = l->id;
  int fd = l->conn.fd();
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
  if (!l->inbound && !l->closing && !l->node_id.empty()) {
    // Optional mode, the rolling switch: a dial whose handshake did not finish (a peer that has no secret
    // yet closes it as malformed) is retried plain; a plain link that ends is retried authenticated.
    if (l->auth != nullptr && !l->auth->ready() && bus_auth_mode() == BusAuthMode::kOptional) {
      plain_fallback_.insert(l->node_id);
    } else if (l->auth == nullptr) {
      plain_fallback_.erase(l->node_id);
    }
    if (l->meet_pending) {
      if (ClusterNode* n = state_.Find(l->node_id)) n->flags |= kNodeMeet;  // the MEET was never sent
    }
  }
  if (!l->inbound && !l->closing) {
    if (ClusterNode* n = state_.Find(l->node_id)) n->link_connected = false;
  }
  if (dispatch_depth_ > 0) {
    // A handler up the stack may still hold this link: free it when the handler returns.
    if (!l->closing) pending_close_.push_back(link_id);
    l->closing = true;
    return;
  }
  if (l->conn.valid()) server_->loop()->Remove(l->conn.fd());
  links_.erase(it);  // the Connection closes its socket
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
  if (l->conn.connecting()) {
    if (!(events & (EventLoop::kWritable | EventLoop::kReadable))) return;
    Status st = l->conn.FinishConnect();
    if (!st.ok()) {
      // No ping could be sent: count from now, or a dead node would never time out.
      if (ClusterNode* n = state_.Find(l->node_id); n != nullptr && n->ping_sent_ms == 0) n->ping_sent_ms = now_ms();
      CloseLink(link_id, "connect: " + st.message());
      return;
    }
    server_->loop()->Modify(l->conn.fd(), EventLoop::kReadable);
    ClusterNode* n = state_.Find(l->node_id);
    if (n == nullptr) {
      CloseLink(link_id, "node gone");
      return;
    }
    n->link_connected = true;
    // Restarted on a new address with a wildcard bind: our first outbound link shows the address peers see
    // us at (the kernel's source address towards them), checked once per start.
    if (!own_ip_checked_ && restarted_with_ip_) {
      own_ip_checked_ = true;
      StatusOr<net::Endpoint> local = net::LocalEndpoint(l->conn.fd());
      if (local.ok()) AdoptOwnAddress(local->ip, "the local address of the first bus link");
    }
    if (bus_auth_mode() != BusAuthMode::kNo && !plain_fallback_.count(n->id)) StartDiallerAuth(l);
    // Keep the time of a ping already pending: a reconnect must not hide a silent node.
    int64_t old_ping = n->ping_sent_ms;
    bool meet = n->is(kNodeMeet);
    SendPing(l, meet ? MsgType::kMeet : MsgType::kPing);
    if (old_ping) n->ping_sent_ms = old_ping;
    n->flags &= ~kNodeMeet;
    // Waiting for the handshake: if it fails, the MEET was not sent and the node keeps its flag (CloseLink).
    l->meet_pending = meet && l->auth != nullptr && !l->auth->ready();
    return;
  }
  if (events & EventLoop::kWritable) {
    FlushLink(l);
    if (links_.find(link_id) == links_.end()) return;
  }
  if (!(events & EventLoop::kReadable)) return;
  StatusOr<size_t> r = l->conn.ReadAvailable();
  if (!r.ok()) {
    CloseLink(link_id, l->conn.eof() ? "connection closed by peer" : "read: " + r.status().message());
    return;
  }
  size_t pos = 0;
  while (pos < l->conn.in().size()) {
    std::string_view rest = std::string_view(l->conn.in()).substr(pos);
    if (l->undecided) {
      // The first bytes of an inbound link: an authenticating dialler's HELLO, or Redis's plain frames.
      if (rest.size() < 4) break;
      l->undecided = false;
      BusAuthMode mode = bus_auth_mode();
      if (mode != BusAuthMode::kNo && LooksLikeAuthHello(rest)) {
        l->auth = std::make_unique<BusAuthLink>(BusAuthLink::Role::kListener, server_->config().cluster_bus_secret);
      } else if (mode == BusAuthMode::kRequired) {
        BusAuthFailure(l, "an unauthenticated bus link (cluster-bus-auth is required)");
        return;
      }
    }
    BusMessage m;
    DecodeResult d;
    if (l->auth != nullptr) {
      BusAuthLink::Result r = l->auth->Feed(rest);
      if (r.step == BusAuthLink::Step::kNeedMore) break;
      if (r.step == BusAuthLink::Step::kFail) {
        BusAuthFailure(l, r.error);
        return;
      }
      pos += r.consumed;
      if (r.step == BusAuthLink::Step::kHandshake) {
        if (!r.reply.empty()) l->conn.Queue(r.reply);
        if (l->auth->ready()) OnAuthReady(l);
        FlushLink(l);
        if (links_.find(link_id) == links_.end() || l->closing) return;
        continue;
      }
      d = DecodeMessage(r.frame, &m);
      if (d.status == DecodeStatus::kOk && d.consumed != r.frame.size()) {
        d.status = DecodeStatus::kMalformed;
        d.error = "the authenticated frame holds more than one message";
      } else if (d.status == DecodeStatus::kNeedMore) {
        d.status = DecodeStatus::kMalformed;
        d.error = "the authenticated frame holds a truncated message";
      }
    } else {
      d = DecodeMessage(rest, &m);
      if (d.status == DecodeStatus::kNeedMore) break;
      if (d.status == DecodeStatus::kOk) pos += d.consumed;
    }
    if (d.status == DecodeStatus::kMalformed) {
      malformed_received++;
      LogWarning("Malformed cluster bus message from " + l->peer_ip + ": " + d.error + "; closing the link");
      CloseLink(link_id, "");
      return;
    }
    std::string peer = l->peer_ip;
    dispatch_depth_++;
    HandleMessage(m, link_id, peer);
    dispatch_depth_--;
    bool closed = l->closing;
    if (dispatch_depth_ == 0) ClosePendingLinks();
    if (closed) return;
  }
  l->conn.Consume(pos);
}

void Cluster::FlushLink(Link* l) {
  Status st = l->conn.Flush();
  if (!st.ok()) {
    CloseLink(l->id, "write: " + st.message());
    return;
  }
  if (links_.find(l->id) == links_.end() || l->closing) return;
  server_->loop()->Modify(l->conn.fd(), l->conn.has_pending_output() ? EventLoop::kReadable | EventLoop::kWritable
                                                                      : EventLoop::kReadable);
}
void Cluster::SendTo(Link* l, const BusMessage& m) {
  if (l == nullptr || !l->conn.valid() || l->closing) return;
  if (l->auth != nullptr) {
    std::string frame;
    EncodeMessage(m, &frame);
    if (l->auth->ready()) {
      l->auth->Seal(frame, &l->conn.output_buffer());
    } else {
      l->held.push_back(std::move(frame));
    }
  } else {
    EncodeMessage(m, &l->conn.output_buffer());
  }
  sent_by_type[static_cast<int>(m.type)]++;
  if (!l->conn.connecting()) FlushLink(l);
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
    if (l->inbound || l->conn.connecting() || l->closing) continue;
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
    reply.Bulk(l->conn.has_pending_output() ? "rw" : "r");
    reply.Bulk("send-buffer-allocated");
    reply.Integer(static_cast<int64_t>(l->conn.output_buffer().capacity()));
    reply.Bulk("send-buffer-used");
    reply.Integer(static_cast<int64_t>(l->conn.pending_output()));
  }
}

}  // namespace rcs::cluster

namespace rcs::cluster {

// ---- The authenticated bus (bus_auth.h has the wire format) ----

Cluster::BusAuthMode Cluster::bus_auth_mode() const {
  const Config& cfg = server_->config();
  if (cfg.cluster_bus_secret.empty()) return BusAuthMode::kNo;
  if (cfg.cluster_bus_auth == "required") return BusAuthMode::kRequired;
  if (cfg.cluster_bus_auth == "optional") return BusAuthMode::kOptional;
  return BusAuthMode::kNo;
}

void Cluster::StartDiallerAuth(Link* l) {
  l->auth = std::make_unique<BusAuthLink>(BusAuthLink::Role::kDialler, server_->config().cluster_bus_secret);
  l->conn.Queue(l->auth->Hello());
}

void Cluster::OnAuthReady(Link* l) {
  LogVerbose("Cluster bus link " + l->peer_ip + " authenticated");
  std::vector<std::string> held;
  held.swap(l->held);
  for (const std::string& frame : held) l->auth->Seal(frame, &l->conn.output_buffer());
  l->meet_pending = false;
}

void Cluster::BusAuthFailure(Link* l, const std::string& why) {
  bus_auth_failures++;
  // At most one line per source address every 10 s: a peer (or an attacker) retrying cannot flood the log.
  int64_t now = now_ms();
  int64_t& last = auth_log_ms_[l->peer_ip];
  if (last == 0 || now - last >= 10000) {
    LogWarning("Cluster bus authentication failed for a link from " + l->peer_ip + ": " + why +
               "; closing the link (cluster_bus_auth_failures:" + std::to_string(bus_auth_failures) + ")");
    last = now;
  }
  if (auth_log_ms_.size() > 1024) {
    for (auto it = auth_log_ms_.begin(); it != auth_log_ms_.end();) {
      if (now - it->second >= 10000) it = auth_log_ms_.erase(it);
      else ++it;
    }
  }
  CloseLink(l->id, "");
}

void Cluster::ApplyBusAuthMode() {
  BusAuthMode mode = bus_auth_mode();
  if (mode != BusAuthMode::kOptional) plain_fallback_.clear();
  std::vector<uint64_t> ids;
  for (auto& [id, l] : links_) {
    if (l->closing || l->conn.connecting() || l->undecided) continue;
    bool authenticated = l->auth != nullptr;
    bool keep = mode == BusAuthMode::kNo ? !authenticated
              : mode == BusAuthMode::kRequired ? authenticated
                                               : authenticated || l->inbound;  // optional: dial authenticated
    if (!keep) ids.push_back(id);
  }
  if (!ids.empty()) {
    LogNotice(std::string("cluster-bus-auth ") + server_->config().cluster_bus_auth + ": reconnecting " +
              std::to_string(ids.size()) + " bus link(s)");
  }
  for (uint64_t id : ids) CloseLink(id, "cluster-bus-auth changed");
}

void Cluster::ExpireAuthHandshakes(int64_t now) {
  int64_t limit = std::max<int64_t>(server_->config().cluster_node_timeout, 1000);
  std::vector<Link*> expired;
  for (auto& [id, l] : links_) {
    if (l->auth != nullptr && !l->auth->ready() && !l->closing && now - l->ctime_ms > limit) expired.push_back(l.get());
  }
  for (Link* l : expired) {
    // A dialled peer that does not answer (stopped, overloaded) is a liveness matter, as a hanging connect:
    // the ping waiting in `held` makes it PFAIL in time. A dialler that does not finish is counted.
    if (l->inbound) BusAuthFailure(l, "the authentication handshake did not finish in time");
    else CloseLink(l->id, "the authentication handshake did not finish in time");
  }
}

size_t Cluster::AuthenticatedLinks() const {
  size_t n = 0;
  for (auto& [id, l] : links_) n += l->auth != nullptr && l->auth->ready() && !l->closing;
  return n;
}

}  // namespace rcs::cluster
