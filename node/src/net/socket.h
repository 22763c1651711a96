// TCP sockets for every part of the node: the client port (server/networking.cc), the replica's link to
// its master (replication/), MIGRATE's client to the target node (commands/cluster_family.cc) and the
// cluster bus (cluster/). One place sets the socket options, so every link behaves the same way.
//
//   Listen(addr, port, backlog)     non-blocking, close-on-exec listener with SO_REUSEADDR; "*" is every
//                                   IPv4 address, "::*" every IPv6 one; an IPv6 listener is IPV6_V6ONLY
//                                   (listen on both to take both). Port 0 picks a free port: LocalPort().
//   Accept(listen_fd, opts)         one connection, non-blocking, close-on-exec, TCP_NODELAY and
//                                   keepalive as asked. An error (EAGAIN included) ends an accept loop.
//   StartConnect(host, port[, src]) non-blocking connect to a host name or address (a name is resolved with a
//                                   blocking getaddrinfo: the event loop passes numeric addresses, see
//                                   resolver.h), from local address `src` if given: the socket is returned
//                                   while the connection is in progress. Register it for writability, then
//                                   FinishConnect(fd) says whether it succeeded. The caller keeps the
//                                   deadline (a timer or its cron), as the event loop must not block.
//   ConnectWithDeadline(h, p, ms)   the same, waiting at most `ms` for the connection (poll). For code that
//                                   blocks by design (MIGRATE, tests). `refused` (optional) tells a connection
//                                   that failed once the socket was writable (refused, reset) from a timeout or
//                                   an address that does not resolve.
//   SetKeepAlive(fd, idle_s)        SO_KEEPALIVE with the first probe after idle_s seconds of silence.
//   PeerEndpoint / LocalEndpoint    the addresses of a connected socket (IPv4-mapped IPv6 shown as IPv4).
//
// Connection is a socket with an input and an output buffer, for links that frame their own messages
// (the cluster bus, the replication handshake, MIGRATE). It never blocks unless asked to:
//   ReadAvailable()      reads what the socket has into in(); the caller parses and Consume()s a prefix.
//   Queue(bytes)         appends to the output buffer; Flush() writes what the socket takes now and
//                        keeps the rest (partial writes): while has_pending_output(), register the fd for
//                        writability and Flush() again when it is writable.
//   FlushBlocking(ms) / ReadLineBlocking(ms)   wait with poll, failing after `ms` without progress.
// Counters of the bytes moved (bytes_sent/bytes_received) are there for CLUSTER LINKS.
// Client connections of the server keep their own tuned buffers (server/client.h) and only use the
// listen/accept/address functions.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace rcs::net {

// An owned file descriptor: closed when destroyed. Move-only.
class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() { Close(); }
  Socket(Socket&& o) noexcept : fd_(o.Release()) {}
  Socket& operator=(Socket&& o) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  int fd() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership (e.g. to Server::AdoptConnection).
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void Close();

 private:
  int fd_ = -1;
};

// `bind_failed` (optional) tells a bind/listen failure (address in use or not available here) from a bad
// address or no socket at all.
StatusOr<Socket> Listen(const std::string& addr, int port, int backlog, bool* bind_failed = nullptr);
// The port a socket is bound to (a listener on port 0), or -1.
int LocalPort(int fd);

struct AcceptOptions {
  bool nodelay = true;
  int keepalive_s = 0;  // > 0: SO_KEEPALIVE with this idle time
};
StatusOr<Socket> Accept(int listen_fd, const AcceptOptions& opts = {});

// `source_ip` (optional): bind the socket to this local address first (best effort).
// The source address outgoing links use for a `bind` list, as Redis does: its first address, or "" (let
// the kernel choose) when that is a wildcard.
std::string SourceAddressFor(const std::vector<std::string>& bind);
StatusOr<Socket> StartConnect(const std::string& host, int port, const std::string& source_ip = "");
// After the socket became writable: ok if connected, else the connect error.
Status FinishConnect(int fd);
StatusOr<Socket> ConnectWithDeadline(const std::string& host, int port, int64_t timeout_ms,
                                     bool* refused = nullptr);

Status SetKeepAlive(int fd, int idle_s);
Status SetNoDelay(int fd);

struct Endpoint {
  std::string ip;
  int port = 0;
  std::string ToString() const { return ip + ":" + std::to_string(port); }  // "127.0.0.1:6379"
};
StatusOr<Endpoint> PeerEndpoint(int fd);
StatusOr<Endpoint> LocalEndpoint(int fd);

class Connection {
 public:
  Connection() = default;
  // `connecting`: the socket comes from StartConnect and FinishConnect has not run yet.
  explicit Connection(Socket s, bool connecting = false) : sock_(std::move(s)), connecting_(connecting) {}

  int fd() const { return sock_.fd(); }
  bool valid() const { return sock_.valid(); }
  bool connecting() const { return connecting_; }
  // Call when the socket became writable while connecting().
  Status FinishConnect();

  // Input. ReadAvailable reads until the socket has nothing more (or `max_bytes` were read); returns the
  // number of bytes read (0: nothing there now). An error is a read error, or the peer closing (eof()).
  StatusOr<size_t> ReadAvailable(size_t max_bytes = 1 << 20);
  bool eof() const { return eof_; }
  const std::string& in() const { return in_; }
  void Consume(size_t n) { in_.erase(0, n); }
  // Takes one "...\r\n" line (without the CRLF) from the input buffer; false if there is none yet.
  bool TakeLine(std::string* line);
  // Everything read and not consumed, and empties the buffer.
  std::string TakeInput();

  // Output.
  void Queue(std::string_view bytes) { out_.append(bytes.data(), bytes.size()); }
  std::string& output_buffer() { return out_; }  // for encoders that append in place; Flush writes it
  Status Flush();
  bool has_pending_output() const { return out_pos_ < out_.size(); }
  size_t pending_output() const { return out_.size() - out_pos_; }

  // Blocking use: each waits at most `timeout_ms` for progress (like SO_SNDTIMEO/SO_RCVTIMEO per call).
  Status FlushBlocking(int64_t timeout_ms);
  StatusOr<std::string> ReadLineBlocking(int64_t timeout_ms);

  uint64_t bytes_sent() const { return bytes_sent_; }
  uint64_t bytes_received() const { return bytes_received_; }

  // Gives the socket away (buffers stay here); the connection is then invalid.
  Socket ReleaseSocket() { return std::move(sock_); }
  void Close();

 private:
  Socket sock_;
  bool connecting_ = false;
  bool eof_ = false;
  std::string in_, out_;
  size_t out_pos_ = 0;
  uint64_t bytes_sent_ = 0, bytes_received_ = 0;
};

}  // namespace rcs::net
