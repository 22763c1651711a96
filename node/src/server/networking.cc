// Client connections: listening sockets, reading and parsing requests, writing replies.
//
// Replies are written before the event loop sleeps (HandleClientsBeforeSleep), straight from the client's
// output buffer; only when the socket cannot take everything is EPOLLOUT registered. So a request that
// arrives and is answered in one loop iteration costs one read and one write system call.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/log.h"
#include "net/event_loop.h"
#include "protocol/errors.h"
#include "server/server.h"

namespace rcs {

namespace {
constexpr size_t kReadChunk = 16 * 1024;

std::string PeerAddress(int fd, bool local) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  int r = local ? getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len)
                : getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  if (r != 0) return "?:0";
  char ip[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (ss.ss_family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
    port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
    port = ntohs(a->sin6_port);
  }
  return std::string(ip) + ":" + std::to_string(port);
}

void ErrorHookThunk(void* arg, std::string_view error) { static_cast<Server*>(arg)->CountError(error); }
}  // namespace

Status Server::Listen(const std::string& addr_in, int port, bool optional) {
  std::string addr = addr_in;
  bool v6 = addr.find(':') != std::string::npos;
  if (addr == "*") addr = "0.0.0.0";
  if (addr == "::*") addr = "::";
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::Error(std::string("socket: ") + strerror(errno));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  int r;
  if (v6) {
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET6, addr.c_str(), &sa.sin6_addr) != 1) {
      close(fd);
      return Status::Error("Invalid bind address '" + addr_in + "'");
    }
    r = bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  } else {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, addr.c_str(), &sa.sin_addr) != 1) {
      close(fd);
      return Status::Error("Invalid bind address '" + addr_in + "'");
    }
    r = bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  }
  if (r != 0 || listen(fd, config_.tcp_backlog) != 0) {
    std::string e = strerror(errno);
    close(fd);
    if (optional) return Status::Ok();
    return Status::Error("Could not create server TCP listening socket " + addr_in + ":" + std::to_string(port) +
                         ": " + e);
  }
  listen_fds_.push_back(fd);
  loop_->Add(fd, EventLoop::kReadable, [this](int lfd, uint32_t) { AcceptClients(lfd); });
  return Status::Ok();
}

void Server::AcceptClients(int listen_fd) {
  for (int i = 0; i < 1000; i++) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN or a transient error
    stats_.total_connections_received++;
    if (static_cast<int>(connected_clients()) >= config_.maxclients) {
      std::string msg = "-" + std::string(err::kMaxClients) + "\r\n";
      ssize_t ignored = write(fd, msg.data(), msg.size());
      (void)ignored;
      close(fd);
      stats_.rejected_connections++;
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (config_.tcp_keepalive > 0) {
      setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
      int idle = config_.tcp_keepalive;
      setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
    }
    uint64_t id = next_client_id_++;
    auto owned = std::make_unique<Client>(id, fd);
    Client* c = owned.get();
    c->created_ms = clock_->NowMs();
    c->last_interaction_ms = c->created_ms;
    c->authenticated = config_.requirepass.empty();
    c->addr = PeerAddress(fd, false);
    c->laddr = PeerAddress(fd, true);
    c->parser.set_max_bulk_len(config_.proto_max_bulk_len);
    c->reply.set_error_hook(ErrorHookThunk, this);
    clients_[id] = std::move(owned);
    loop_->Add(fd, EventLoop::kReadable, [this, c](int, uint32_t ev) {
      if (ev & EventLoop::kReadable) ReadFromClient(c);
      else if (ev & EventLoop::kWritable) WriteToClient(c);
    });
  }
}

void Server::ReadFromClient(Client* c) {
  if (c->has(kClientCloseAsap)) return;
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
  if (static_cast<int64_t>(c->qlen - c->qpos) > config_.client_query_buffer_limit) {
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
      c->reply.Error("ERR " + c->parser.error());
      LogVerbose("Protocol error (" + c->parser.error() + ") from client id=" + std::to_string(c->id) +
                 " addr=" + c->addr);
      c->flags |= kClientCloseAfterReply;
      c->qpos = c->qlen;
      break;
    }
    std::string_view raw(c->qbuf.data() + c->qpos, consumed);
    c->qpos += consumed;
    if (!c->argv.empty()) {
      if (c->has(kClientMaster)) {
        // Our master's stream: apply, drop the reply, count the bytes for the replication offset.
        size_t out_before = c->out.size();
        ExecuteCommand(c, c->argv);
        if (!c->reply_to_master) c->out.resize(out_before);
        c->reply_to_master = false;
        if (master_stream_hook_) master_stream_hook_(raw);
      } else {
        ExecuteCommand(c, c->argv);
      }
      if (!ready_keys_.empty()) ServeReadyKeys();
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
  c->addr = PeerAddress(fd, false);
  c->laddr = PeerAddress(fd, true);
  c->parser.set_max_bulk_len(config_.proto_max_bulk_len);
  c->reply.set_error_hook(ErrorHookThunk, this);
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
  blocked_count_++;
}

void Server::ResumeClient(Client* c) {
  if (!c->has(kClientBlocked)) return;
  c->flags &= ~kClientBlocked;
  blocked_count_--;
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
  for (int round = 0; round < 16 && !clients_to_resume_.empty(); round++) {
    auto resume = std::move(clients_to_resume_);
    clients_to_resume_.clear();
    for (Client* c : resume) {
      if (c->fd >= 0 && !c->has(kClientBlocked) && c->qpos < c->qlen) ProcessInput(c);
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
  if (pending_writes_.empty()) return;
  auto pending = std::move(pending_writes_);
  pending_writes_.clear();
  std::sort(pending.begin(), pending.end());
  pending.erase(std::unique(pending.begin(), pending.end()), pending.end());
  for (Client* c : pending) {
    if (clients_.count(c->id) == 0 || c->fd < 0) continue;
    if (c->out_pos < c->out.size()) {
      WriteToClient(c);
    } else if (c->has(kClientCloseAfterReply)) {
      CloseClient(c);
    }
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
  if (!config_.dir.empty() && config_.dir != ".") {
    if (chdir(config_.dir.c_str()) != 0) {
      return Status::Error("Can't chdir to '" + config_.dir + "': " + strerror(errno));
    }
  }
  for (const auto& b : config_.bind) {
    bool optional = !b.empty() && b[0] == '-';
    Status st = Listen(optional ? b.substr(1) : b, config_.port, optional);
    if (!st.ok()) return st;
  }
  if (listen_fds_.empty()) return Status::Error("Failed listening on port " + std::to_string(config_.port));
  for (auto& [name, sub] : subsystems_) {
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
    for (auto& [name, sub] : subsystems_) sub->BeforeSleep();
    if (!ready_keys_.empty()) ServeReadyKeys();
    HandleClientsBeforeSleep();
  });
  LogNotice("Ready to accept connections tcp on port " + std::to_string(config_.port));
  return Status::Ok();
}

void Server::Run() {
  while (!shutdown_requested_) loop_->RunOnce(-1);
  // Flush what is pending for clients (e.g. replies before SHUTDOWN) once, without waiting.
  HandleClientsBeforeSleep();
  for (auto& [name, sub] : subsystems_) sub->Shutdown();
  for (int fd : listen_fds_) {
    loop_->Remove(fd);
    close(fd);
  }
  listen_fds_.clear();
  if (!config_.pidfile.empty()) unlink(config_.pidfile.c_str());
  LogNotice("Redis is now ready to exit, bye bye...");
}

}  // namespace rcs
