#include "net/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "net/event_loop.h"

namespace rcs::net {

namespace {

Status Errno(const char* what) { return Status::Error(std::string(what) + ": " + strerror(errno)); }

// Waits until fd is ready for `events` or `timeout_ms` passed; false on timeout or a poll error.
bool WaitFor(int fd, short events, int64_t timeout_ms) {
  int64_t deadline = MonotonicMs() + timeout_ms;
  for (;;) {
    int64_t left = deadline - MonotonicMs();
    left = std::clamp<int64_t>(left, 0, INT_MAX);
    pollfd p{fd, events, 0};
    int r = poll(&p, 1, static_cast<int>(left));
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return false;
  }
}

StatusOr<Endpoint> FromSockaddr(const sockaddr_storage& ss) {
  char ip[INET6_ADDRSTRLEN] = "?";
  Endpoint e;
  if (ss.ss_family == AF_INET) {
    auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
    e.port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr)) inet_ntop(AF_INET, &a->sin6_addr.s6_addr[12], ip, sizeof(ip));
    else inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
    e.port = ntohs(a->sin6_port);
  } else {
    return Status::Error("not an internet socket");
  }
  e.ip = ip;
  return e;
}

// Fills `ss` from a numeric IPv4 or IPv6 address and a port; false if `ip` is neither.
bool ToSockaddr(const std::string& ip, int port, sockaddr_storage* ss, socklen_t* len) {
  auto* v4 = reinterpret_cast<sockaddr_in*>(ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(ss);
  if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    *len = sizeof(sockaddr_in);
    return true;
  }
  if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) != 1) return false;
  v6->sin6_family = AF_INET6;
  v6->sin6_port = htons(static_cast<uint16_t>(port));
  *len = sizeof(sockaddr_in6);
  return true;
}

bool IsLoopback(const sockaddr* a) {
  if (a->sa_family == AF_INET) {
    return (ntohl(reinterpret_cast<const sockaddr_in*>(a)->sin_addr.s_addr) >> 24) == 127;
  }
  if (a->sa_family == AF_INET6) return IN6_IS_ADDR_LOOPBACK(&reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr);
  return false;
}

}  // namespace

std::string SourceAddressFor(const std::vector<std::string>& bind) {
  for (const auto& b : bind) {
    std::string a = (!b.empty() && b[0] == '-') ? b.substr(1) : b;
    if (a.empty() || a == "*" || a == "::*" || a == "0.0.0.0" || a == "::") return "";
    return a;
  }
  return "";
}

Socket& Socket::operator=(Socket&& o) noexcept {
  if (this != &o) {
    Close();
    fd_ = o.Release();
  }
  return *this;
}

void Socket::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

StatusOr<Socket> Listen(const std::string& addr_in, int port, int backlog, bool* bind_failed) {
  if (bind_failed != nullptr) *bind_failed = false;
  std::string addr = addr_in;
  if (addr == "*") addr = "0.0.0.0";
  if (addr == "::*") addr = "::";
  sockaddr_storage ss{};
  socklen_t len;
  if (!ToSockaddr(addr, port, &ss, &len)) return Status::Error("Invalid bind address '" + addr_in + "'");
  bool v6 = ss.ss_family == AF_INET6;
  Socket s(socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!s.valid()) return Errno("socket");
  int one = 1;
  setsockopt(s.fd(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (v6) setsockopt(s.fd(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if (bind(s.fd(), reinterpret_cast<sockaddr*>(&ss), len) != 0 || listen(s.fd(), backlog) != 0) {
    if (bind_failed != nullptr) *bind_failed = true;
    return Status::Error(strerror(errno));
  }
  return s;
}

int LocalPort(int fd) {
  auto e = LocalEndpoint(fd);
  return e.ok() ? e->port : -1;
}

StatusOr<Socket> Accept(int listen_fd, const AcceptOptions& opts) {
  Socket s(accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!s.valid()) return Errno("accept");
  if (opts.nodelay) SetNoDelay(s.fd());
  if (opts.keepalive_s > 0) SetKeepAlive(s.fd(), opts.keepalive_s);
  return s;
}

StatusOr<Socket> StartConnect(const std::string& host, int port, const std::string& source_ip) {
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
  if (rc != 0 || res == nullptr) return Status::Error(std::string("resolve ") + host + ": " + gai_strerror(rc));
  Status last = Status::Error("connect: no address for " + host);
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    Socket s(socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!s.valid()) {
      last = Errno("socket");
      continue;
    }
    if (!source_ip.empty()) {
      // Best effort, as Redis binds its outgoing links to the first bind address: on a host with several
      // addresses (loopback aliases, a container on two networks) the peer then sees the address we listen
      // on, which is what it learns as ours. A source of the other family, or one that is gone, is skipped.
      sockaddr_storage src{};
      socklen_t slen;
      // A loopback source towards a remote peer (bind 127.0.0.1 10.0.0.5) would never get an answer: skipped.
      if (ToSockaddr(source_ip, 0, &src, &slen) && src.ss_family == ai->ai_family &&
          IsLoopback(reinterpret_cast<sockaddr*>(&src)) == IsLoopback(ai->ai_addr)) {
        (void)bind(s.fd(), reinterpret_cast<sockaddr*>(&src), slen);
      }
    }
    if (connect(s.fd(), ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last = Errno("connect");
      continue;
    }
    SetNoDelay(s.fd());
    freeaddrinfo(res);
    return s;
  }
  freeaddrinfo(res);
  return last;
}

Status FinishConnect(int fd) {
  int err = 0;
  socklen_t len = sizeof(err);
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return Errno("getsockopt");
  if (err != 0) return Status::Error(strerror(err));
  return Status::Ok();
}

StatusOr<Socket> ConnectWithDeadline(const std::string& host, int port, int64_t timeout_ms, bool* refused) {
  if (refused != nullptr) *refused = false;
  auto s = StartConnect(host, port);
  if (!s.ok()) return s;
  if (!WaitFor(s->fd(), POLLOUT, timeout_ms)) return Status::Error("connect: timed out");
  Status st = FinishConnect(s->fd());
  if (!st.ok()) {
    if (refused != nullptr) *refused = true;
    return st;
  }
  return s;
}

Status SetKeepAlive(int fd, int idle_s) {
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) != 0) return Errno("setsockopt SO_KEEPALIVE");
  if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_s, sizeof(idle_s)) != 0) {
    return Errno("setsockopt TCP_KEEPIDLE");
  }
  return Status::Ok();
}

Status SetNoDelay(int fd) {
  int one = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) return Errno("setsockopt TCP_NODELAY");
  return Status::Ok();
}

StatusOr<Endpoint> PeerEndpoint(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return Errno("getpeername");
  return FromSockaddr(ss);
}

StatusOr<Endpoint> LocalEndpoint(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return Errno("getsockname");
  return FromSockaddr(ss);
}

// ---- Connection ----

Status Connection::FinishConnect() {
  Status st = net::FinishConnect(fd());
  if (st.ok()) connecting_ = false;
  return st;
}

StatusOr<size_t> Connection::ReadAvailable(size_t max_bytes) {
  char buf[16 * 1024];
  size_t total = 0;
  while (total < max_bytes) {
    ssize_t r = read(fd(), buf, sizeof(buf));
    if (r > 0) {
      in_.append(buf, static_cast<size_t>(r));
      total += static_cast<size_t>(r);
      bytes_received_ += static_cast<uint64_t>(r);
      if (static_cast<size_t>(r) < sizeof(buf)) break;  // drained: skip the read that would say EAGAIN
      continue;
    }
    if (r == 0) {
      eof_ = true;
      return Status::Error("connection closed by peer");
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    return Status::Error(strerror(errno));
  }
  return total;
}

bool Connection::TakeLine(std::string* line) {
  size_t e = in_.find("\r\n");
  if (e == std::string::npos) return false;
  line->assign(in_, 0, e);
  in_.erase(0, e + 2);
  return true;
}

std::string Connection::TakeInput() {
  std::string r;
  r.swap(in_);
  return r;
}

Status Connection::Flush() {
  while (out_pos_ < out_.size()) {
    ssize_t w = write(fd(), out_.data() + out_pos_, out_.size() - out_pos_);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return Status::Error(strerror(errno));
    }
    out_pos_ += static_cast<size_t>(w);
    bytes_sent_ += static_cast<uint64_t>(w);
  }
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
  }
  return Status::Ok();
}

Status Connection::FlushBlocking(int64_t timeout_ms) {
  for (;;) {
    Status st = Flush();
    if (!st.ok() || !has_pending_output()) return st;
    if (!WaitFor(fd(), POLLOUT, timeout_ms)) return Status::Error("write: timed out");
  }
}

StatusOr<std::string> Connection::ReadLineBlocking(int64_t timeout_ms) {
  std::string line;
  for (;;) {
    if (TakeLine(&line)) return line;
    auto n = ReadAvailable();
    if (!n.ok()) return n.status();
    if (*n == 0 && !WaitFor(fd(), POLLIN, timeout_ms)) return Status::Error("read: timed out");
  }
}

void Connection::Close() {
  sock_.Close();
  connecting_ = false;
}

}  // namespace rcs::net
