// Client connections: listening sockets, reading and parsing requests, writing replies.
//
// Replies are written before the event loop sleeps (HandleClientsBeforeSleep), straight from the client's
// output buffer; only when the socket cannot take everything is EPOLLOUT registered. So a request that
// arrives and is answered in one loop iteration costs one read and one write system call.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/log.h"
#include "net/event_loop.h"
#include "net/socket.h"
#include "base/strutil.h"
#include "protocol/errors.h"
#include "server/server.h"
#include "server/slot_stats.h"

namespace rcs {

namespace {
constexpr size_t kReadChunk = 16 * 1024;

std::string EndpointText(StatusOr<net::Endpoint> e) { return e.ok() ? e->ToString() : "?:0"; }

// The subscription commands: their replies are pub/sub pushes, which CLIENT REPLY OFF does not silence.
bool IsSubscription(std::string_view name) {
  return EqualsIgnoreCase(name, "subscribe") || EqualsIgnoreCase(name, "unsubscribe") ||
         EqualsIgnoreCase(name, "psubscribe") || EqualsIgnoreCase(name, "punsubscribe") ||
         EqualsIgnoreCase(name, "ssubscribe") || EqualsIgnoreCase(name, "sunsubscribe");
}

// Runs one command of a connected client, with CLIENT REPLY OFF/SKIP: the reply is dropped, and SKIP
// passes from the CLIENT REPLY SKIP command to the one after it (Redis's resetClient; a command that
// blocked keeps it until it is answered).
void RunClientCommand(Server& server, Client* c, ArgList argv) {
  constexpr uint32_t kReplyModes = kClientReplyOff | kClientReplySkip | kClientReplySkipNext;
  if (!c->has(kReplyModes)) {
    server.ExecuteCommand(c, argv);
    if (!c->has(kReplyModes)) return;  // the common case; CLIENT REPLY may have just set one
  } else {
    size_t before = c->out.size();
    server.ExecuteCommand(c, argv);
    if (c->has(kClientReplyOff | kClientReplySkip) && !IsSubscription(argv[0]) && c->out.size() > before) {
      c->out.resize(before);
    }
  }
  if (c->has(kClientBlocked)) return;
  c->flags &= ~kClientReplySkip;
  if (c->has(kClientReplySkipNext)) {
    c->flags |= kClientReplySkip;
    c->flags &= ~kClientReplySkipNext;
  }
}

// 127.0.0.0/8, ::1 and IPv4-mapped loopback (what Redis's connIsLocal calls local).
bool IsLoopbackAddress(const std::string& ip) {
  return ip.rfind("127.", 0) == 0 || ip == "::1" || ip.rfind("::ffff:127.", 0) == 0;
}
}  // namespace

Status Server::Listen(const std::string& addr, int port, bool optional) {
  bool bind_failed = false;
  auto sock = net::Listen(addr, port, config_.tcp_backlog, &bind_failed);
  if (!sock.ok()) {
    if (!bind_failed) return sock.status();
    if (optional) return Status::Ok();
    return Status::Error("Could not create server TCP listening socket " + addr + ":" + std::to_string(port) +
                         ": " + sock.status().message());
  }
  int fd = sock->Release();
  listen_fds_.push_back(fd);
  loop_->Add(fd, EventLoop::kReadable, [this](int lfd, uint32_t) { AcceptClients(lfd); });
  return Status::Ok();
}

void Server::AcceptClients(int listen_fd) {
  net::AcceptOptions opts;
  opts.keepalive_s = config_.tcp_keepalive;
  for (int i = 0; i < 1000; i++) {
    auto sock = net::Accept(listen_fd, opts);
    if (!sock.ok()) return;  // EAGAIN or a transient error
    stats_.total_connections_received++;
    if (static_cast<int>(connected_clients()) >= config_.maxclients) {
      std::string msg = "-" + std::string(err::kMaxClients) + "\r\n";
      ssize_t ignored = write(sock->fd(), msg.data(), msg.size());
      (void)ignored;
      stats_.rejected_connections++;
      continue;  // the socket closes here
    }
    StatusOr<net::Endpoint> peer = net::PeerEndpoint(sock->fd());
    if (config_.protected_mode && acl_.default_user()->nopass() && !(peer.ok() && IsLoopbackAddress(peer->ip))) {
      // protected-mode: with no password for the default user, only the loopback interface may connect.
      std::string msg = "-" + std::string(err::kProtectedMode) + "\r\n";
      ssize_t ignored = write(sock->fd(), msg.data(), msg.size());
      (void)ignored;
      stats_.rejected_connections++;
      continue;  // the socket closes here
    }
    int fd = sock->Release();
    uint64_t id = next_client_id_++;
    auto owned = std::make_unique<Client>(id, fd);
    Client* c = owned.get();
    c->created_ms = clock_->NowMs();
    c->last_interaction_ms = c->created_ms;
    c->user = acl_.default_user();
    c->authenticated = !AuthRequired(c);
    c->addr = EndpointText(peer);
    c->laddr = EndpointText(net::LocalEndpoint(fd));
    c->parser.set_max_bulk_len(config_.proto_max_bulk_len);
    c->reply.set_error_hook(CountErrorReply, this);
    clients_[id] = std::move(owned);
    loop_->Add(fd, EventLoop::kReadable, [this, c](int, uint32_t ev) {
      if (ev & EventLoop::kReadable) ReadFromClient(c);
      else if (ev & EventLoop::kWritable) WriteToClient(c);
    });
  }
}

void Server::ReadFromClient(Client* c) {
  if (c->has(kClientCloseAsap)) return;
  // While a script is busy its caller's next commands and the replication links wait for it to end.
  if (busy_script_ != 0 && (c == busy_caller_ || c->has(kClientMaster) || c->has(kClientReplica))) return;
  // Make room: move unparsed bytes to the front when consumed bytes dominate the buffer.
  if (c->qpos > 0 && (c->qpos == c->qlen || c->qpos > c->qbuf.size() / 2)) {
    if (c->qlen > c->qpos) memmove(c->qbuf.data(), c->qbuf.data() + c->qpos, c->qlen - c->qpos);
    c->qlen -= c->qpos;
    c->qpos = 0;
  }
  size_t want = std::max(kReadChunk, std::min<size_t>(c->parser.bytes_hint(), 1024 * 1024));
  if (c->qbuf.size() - c->qlen < want) c->qbuf.resize(c->qlen + want);
  ssize_t n = read(c->fd, c->qbuf.data() + c->qlen, c->qbuf.size() - c->qlen);
  if (n <= 0) {
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) CloseClient(c);
    return;
  }
  c->qlen += static_cast<size_t>(n);
  c->net_input_bytes += static_cast<uint64_t>(n);
  stats_.net_input_bytes += static_cast<uint64_t>(n);
  stats_.total_reads_processed++;
  // Our master's stream is exempt, as in redis-server (it grows while CLIENT PAUSE holds it).
  if (static_cast<int64_t>(c->qlen - c->qpos) > config_.client_query_buffer_limit && !c->has(kClientMaster)) {
    LogWarning("Closing client that reached max query buffer length: id=" + std::to_string(c->id) + " addr=" +
               c->addr);
    stats_.client_qbuf_limit_disconnections++;
    CloseClient(c);
    return;
  }
  ProcessInput(c);
}

void Server::ProcessInput(Client* c) {
  while (c->qpos < c->qlen && !c->has(kClientBlocked) && !c->has(kClientCloseAfterReply) &&
         !c->has(kClientCloseAsap)) {
    size_t consumed = 0;
    std::string_view data(c->qbuf.data() + c->qpos, c->qlen - c->qpos);
    auto r = c->parser.Parse(data, &consumed, &c->argv);
    if (r == RespParser::Result::kIncomplete) break;
    if (r == RespParser::Result::kError) {
      c->reply.Error(c->parser.error_reply());
      LogVerbose("Protocol error (" + c->parser.error() + ") from client id=" + std::to_string(c->id) +
                 " addr=" + c->addr);
      c->flags |= kClientCloseAfterReply;
      c->qpos = c->qlen;
      break;
    }
    std::string_view raw(c->qbuf.data() + c->qpos, consumed);
    c->qpos += consumed;
    if (config_.cluster_slot_stats_enabled) [[unlikely]] slot_stats_->set_request_bytes(consumed);
    if (!c->argv.empty()) {
      if (c->has(kClientMaster)) {
        // Our master's stream: apply, drop the reply, count the bytes for the replication offset.
        size_t out_before = c->out.size();
        ExecuteCommand(c, c->argv);
        if (!c->reply_to_master) c->out.resize(out_before);
        c->reply_to_master = false;
        if (c->has(kClientPostponed)) {
          // Held by CLIENT PAUSE: its bytes stay in the input buffer, parsed again when the pause ends, and
          // the replication offset does not count them yet.
          c->qpos -= consumed;
          break;
        }
        if (master_stream_hook_) master_stream_hook_(raw);
      } else {
        RunClientCommand(*this, c, c->argv);
      }
      if (!blocking_.ready_keys.empty()) ServeReadyKeys();
    }
  }
  if (c->qpos == c->qlen && !c->parser.in_progress()) {
    c->qpos = c->qlen = 0;
    if (c->qbuf.size() > 64 * 1024) std::string().swap(c->qbuf);  // give back a large buffer
  }
  MarkPendingWrite(c);
}

bool Server::WriteToClient(Client* c) {
  while (c->out_pos < c->out.size()) {
    ssize_t n = write(c->fd, c->out.data() + c->out_pos, c->out.size() - c->out_pos);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) break;
      CloseClient(c);
      return false;
    }
    c->out_pos += static_cast<size_t>(n);
    c->net_output_bytes += static_cast<uint64_t>(n);
    stats_.net_output_bytes += static_cast<uint64_t>(n);
    stats_.total_writes_processed++;
  }
  if (c->out_pos == c->out.size()) {
    c->out.clear();
    c->out_pos = 0;
    if (c->out.capacity() > 64 * 1024) c->out.shrink_to_fit();
    if (c->has(kClientCloseAfterReply)) {
      CloseClient(c);
      return false;
    }
    loop_->Modify(c->fd, EventLoop::kReadable);
  } else {
    loop_->Modify(c->fd, EventLoop::kReadable | EventLoop::kWritable);
  }
  return true;
}

Client* Server::AdoptConnection(int fd, uint32_t flags, std::string_view initial_input) {
  uint64_t id = next_client_id_++;
  auto owned = std::make_unique<Client>(id, fd);
  Client* c = owned.get();
  c->flags |= flags;
  c->created_ms = clock_->NowMs();
  c->last_interaction_ms = c->created_ms;
  c->authenticated = true;
  c->addr = EndpointText(net::PeerEndpoint(fd));
  c->laddr = EndpointText(net::LocalEndpoint(fd));
  c->parser.set_max_bulk_len(config_.proto_max_bulk_len);
  c->reply.set_error_hook(CountErrorReply, this);
  c->qbuf.assign(initial_input.data(), initial_input.size());
  c->qlen = c->qbuf.size();
  clients_[id] = std::move(owned);
  loop_->Add(fd, EventLoop::kReadable, [this, c](int, uint32_t ev) {
    if (ev & EventLoop::kReadable) ReadFromClient(c);
    else if (ev & EventLoop::kWritable) WriteToClient(c);
  });
  if (c->qlen > 0) ProcessInput(c);
  return c;
}

void Server::PauseClient(Client* c) {
  if (c->has(kClientBlocked)) return;
  c->flags |= kClientBlocked;
  blocking_.count++;
}

void Server::ResumeClient(Client* c) {
  if (!c->has(kClientBlocked)) return;
  c->flags &= ~kClientBlocked;
  blocking_.count--;
  MarkPendingWrite(c);
  if (c->fd >= 0 && c->qpos < c->qlen) ProcessInput(c);
}

void Server::CloseClient(Client* c) {
  if (c->fd >= 0) {
    loop_->Remove(c->fd);
    close(c->fd);
    c->fd = -1;
  }
  FreeClient(c);
}

void Server::FreeClientLater(Client* c) {
  c->flags |= kClientCloseAsap;
  if (std::find(clients_to_close_.begin(), clients_to_close_.end(), c) == clients_to_close_.end()) {
    clients_to_close_.push_back(c);
  }
}

void Server::HandleClientsBeforeSleep() {
  for (int round = 0; round < 16 && !blocking_.to_resume.empty(); round++) {
    auto resume = std::move(blocking_.to_resume);
    blocking_.to_resume.clear();
    for (Client* c : resume) {
      if (c->fd < 0 || c->has(kClientBlocked)) continue;
      if (c->has(kClientPostponed) && c->has(kClientMaster)) {
        c->flags &= ~kClientPostponed;  // our master's stream: the held command is still in its input
      } else if (c->has(kClientPostponed)) {
        // Its command waited for CLIENT PAUSE to end: it runs from the start (and may wait again).
        c->flags &= ~kClientPostponed;
        std::vector<std::string> owned = std::move(c->blocked.argv);
        c->blocked.argv.clear();
        std::vector<std::string_view> argv(owned.begin(), owned.end());
        RunClientCommand(*this, c, argv);
        if (!blocking_.ready_keys.empty()) ServeReadyKeys();
        MarkPendingWrite(c);
        if (c->has(kClientBlocked)) continue;
      }
      if (c->qpos < c->qlen) ProcessInput(c);
    }
  }
  if (!clients_to_close_.empty()) {
    auto closing = std::move(clients_to_close_);
    clients_to_close_.clear();
    for (Client* c : closing) {
      if (c->fd >= 0) CloseClient(c);
      else FreeClient(c);
    }
  }
  for (auto& [name, sub] : subsystems_) sub->BeforeReplies();
  if (pending_writes_.empty()) return;
  auto pending = std::move(pending_writes_);
  pending_writes_.clear();
  std::sort(pending.begin(), pending.end());
  pending.erase(std::unique(pending.begin(), pending.end()), pending.end());
  for (Client* c : pending) {
    if (clients_.count(c->id) == 0 || c->fd < 0) continue;
    if (c->has(kClientHoldReplies)) continue;  // written by ReleaseReplies once its writes are on disk
    if (c->out_pos < c->out.size()) {
      WriteToClient(c);
    } else if (c->has(kClientCloseAfterReply)) {
      CloseClient(c);
    }
  }
}

void Server::HoldReplies(Client* c) {
  if (c == nullptr || c->fd < 0 || c->has(kClientHoldReplies)) return;
  c->flags |= kClientHoldReplies;
  held_replies_.push_back(c->id);
}

void Server::ReleaseReplies() {
  auto held = std::move(held_replies_);
  held_replies_.clear();
  for (uint64_t id : held) {
    auto it = clients_.find(id);
    if (it == clients_.end()) continue;
    it->second->flags &= ~kClientHoldReplies;
    MarkPendingWrite(it->second.get());
  }
}

void Server::CloseTimedOutClients() {
  if (config_.timeout <= 0) return;
  int64_t now = clock_->NowMs();
  std::vector<Client*> idle;
  for (auto& [id, c] : clients_) {
    if (c->fd < 0 || c->has(kClientMaster) || c->has(kClientReplica) || c->has(kClientBlocked)) continue;
    if (now - c->last_interaction_ms > static_cast<int64_t>(config_.timeout) * 1000) idle.push_back(c.get());
  }
  for (Client* c : idle) CloseClient(c);
}

}  // namespace rcs

namespace rcs {

Status Server::Start() {
  // The working directory is `dir` already: the config loader chdir()s when it reads it, as redis-server.
  for (const auto& b : config_.bind) {
    bool optional = !b.empty() && b[0] == '-';
    Status st = Listen(optional ? b.substr(1) : b, config_.port, optional);
    if (!st.ok()) return st;
  }
  if (listen_fds_.empty()) return Status::Error("Failed listening on port " + std::to_string(config_.port));
  for (auto& [type, sub] : subsystems_) {
    Status st = sub->Start();
    if (!st.ok()) return st;
  }
  if (!config_.pidfile.empty()) {
    FILE* f = fopen(config_.pidfile.c_str(), "w");
    if (f != nullptr) {
      fprintf(f, "%d\n", static_cast<int>(getpid()));
      fclose(f);
    }
  }
  loop_->AddTimer(1000 / std::max(1, config_.hz), [this]() -> int64_t {
    Cron();
    CloseTimedOutClients();
    return 1000 / std::max(1, config_.hz);
  });
  loop_->SetBeforeSleep([this]() {
    for (auto& [type, sub] : subsystems_) sub->BeforeSleep();
    if (!blocking_.ready_keys.empty()) ServeReadyKeys();
    HandleClientsBeforeSleep();
  });
  LogNotice("Ready to accept connections tcp on port " + std::to_string(config_.port));
  return Status::Ok();
}

void Server::Run() {
  for (;;) {
    if (shutdown_requested_) {
      bool hold = false;
      for (auto& [name, sub] : subsystems_) hold |= sub->HoldShutdown();
      if (!hold) break;
    }
    loop_->RunOnce(-1);
  }
  // Flush what is pending for clients (e.g. replies before SHUTDOWN) once, without waiting.
  HandleClientsBeforeSleep();
  for (auto& [type, sub] : subsystems_) sub->Shutdown();
  for (int fd : listen_fds_) {
    loop_->Remove(fd);
    close(fd);
  }
  listen_fds_.clear();
  if (!config_.pidfile.empty()) unlink(config_.pidfile.c_str());
  LogNotice("Redis is now ready to exit, bye bye...");
}

}  // namespace rcs
