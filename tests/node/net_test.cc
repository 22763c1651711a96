// The socket layer (net/socket.h) on real loopback sockets: listeners on port 0 (the kernel picks a free
// port), connects that succeed, are refused or run out of time, and a buffered connection whose peer
// reads slowly (partial writes). Every wait is bounded.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "net/socket.h"

using namespace rcs;

namespace {

struct ListenerPair {
  net::Socket listener;
  int port = 0;
};

ListenerPair ListenLoopback(int backlog = 16) {
  auto l = net::Listen("127.0.0.1", 0, backlog);
  REQUIRE(l.ok());
  ListenerPair p;
  p.port = net::LocalPort(l->fd());
  p.listener = std::move(*l);
  REQUIRE(p.port > 0);
  return p;
}

// Accepts one connection, retrying for a bounded time (the listener is non-blocking).
net::Socket AcceptOne(int listen_fd) {
  for (int i = 0; i < 200; i++) {
    auto s = net::Accept(listen_fd);
    if (s.ok()) return std::move(*s);
    usleep(5000);
  }
  FAIL("no connection to accept within 1s");
  return net::Socket();
}

// A connected pair on loopback: `client` from ConnectWithDeadline, `server` from Accept.
struct TcpPair {
  ListenerPair l = ListenLoopback();
  net::Connection client, server;
  TcpPair() {
    auto c = net::ConnectWithDeadline("127.0.0.1", l.port, 2000);
    REQUIRE(c.ok());
    client = net::Connection(std::move(*c));
    server = net::Connection(AcceptOne(l.listener.fd()));
  }
};

// Fixed, small kernel buffers (no autotuning): a send of 1 MB cannot fit in them.
void ShrinkBuffers(int sender_fd, int receiver_fd) {
  int snd = 16 * 1024, rcv = 64 * 1024;
  setsockopt(sender_fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
  setsockopt(receiver_fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
}

}  // namespace

TEST_CASE("listen on 127.0.0.1 port 0, connect with a deadline, accept; both ends know the addresses") {
  TcpPair p;
  auto peer = net::PeerEndpoint(p.client.fd());
  REQUIRE(peer.ok());
  CHECK(peer->ip == "127.0.0.1");
  CHECK(peer->port == p.l.port);
  CHECK(peer->ToString() == "127.0.0.1:" + std::to_string(p.l.port));
  auto local = net::LocalEndpoint(p.client.fd());
  auto accepted_peer = net::PeerEndpoint(p.server.fd());
  REQUIRE(local.ok());
  REQUIRE(accepted_peer.ok());
  CHECK(accepted_peer->ToString() == local->ToString());
  // Nothing more to accept: an error, which ends an accept loop.
  CHECK_FALSE(net::Accept(p.l.listener.fd()).ok());
  CHECK(net::SetKeepAlive(p.server.fd(), 30).ok());
  int on = 0;
  socklen_t len = sizeof(on);
  getsockopt(p.server.fd(), SOL_SOCKET, SO_KEEPALIVE, &on, &len);
  CHECK(on == 1);
}

TEST_CASE("listen errors: a bad address is not a bind failure; a port in use is") {
  bool bind_failed = true;
  auto bad = net::Listen("not-an-address", 0, 16, &bind_failed);
  CHECK_FALSE(bad.ok());
  CHECK(bad.status().message() == "Invalid bind address 'not-an-address'");
  CHECK_FALSE(bind_failed);
  ListenerPair l = ListenLoopback();
  auto again = net::Listen("127.0.0.1", l.port, 16, &bind_failed);
  CHECK_FALSE(again.ok());
  CHECK(bind_failed);
}

TEST_CASE("connect to a port where nobody listens is refused") {
  // A bound socket that does not listen: the port stays ours for the test and refuses connections.
  net::Socket bound(socket(AF_INET, SOCK_STREAM, 0));
  REQUIRE(bound.valid());
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(bound.fd(), reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0);
  int port = net::LocalPort(bound.fd());
  REQUIRE(port > 0);
  bool refused = false;
  auto c = net::ConnectWithDeadline("127.0.0.1", port, 2000, &refused);
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message() == "Connection refused");
  CHECK(refused);
  // The non-blocking form reports the same once the socket is writable.
  auto s = net::StartConnect("127.0.0.1", port);
  REQUIRE(s.ok());
  Status st = Status::Ok();
  for (int i = 0; i < 200 && st.ok(); i++) {
    st = net::FinishConnect(s->fd());
    if (st.ok()) usleep(5000);
  }
  CHECK(st.message() == "Connection refused");
}

TEST_CASE("connect with a deadline fails when the listener takes no more connections") {
  // Backlog 0 and nobody accepting: once the accept queue is full the kernel drops further SYNs, so a
  // connect neither succeeds nor is refused before its deadline.
  ListenerPair l = ListenLoopback(0);
  std::vector<net::Socket> fill;
  for (int i = 0; i < 4; i++) {
    auto s = net::StartConnect("127.0.0.1", l.port);
    REQUIRE(s.ok());
    fill.push_back(std::move(*s));
  }
  usleep(50000);
  bool timed_out = false;
  for (int i = 0; i < 4 && !timed_out; i++) {
    bool refused = true;
    auto c = net::ConnectWithDeadline("127.0.0.1", l.port, 100, &refused);
    if (!c.ok()) {
      CHECK(c.status().message() == "connect: timed out");
      CHECK_FALSE(refused);
      timed_out = true;
    } else {
      fill.push_back(std::move(*c));
    }
  }
  CHECK(timed_out);
}

TEST_CASE("StartConnect resolves names and reports what it cannot resolve") {
  auto s = net::StartConnect("no-such-host.invalid", 6379);
  CHECK_FALSE(s.ok());
  CHECK(s.status().message().rfind("resolve no-such-host.invalid: ", 0) == 0);
}

TEST_CASE("buffered connection: partial writes stay queued until the peer reads") {
  TcpPair p;
  ShrinkBuffers(p.client.fd(), p.server.fd());
  std::string payload;
  for (int i = 0; payload.size() < 1024 * 1024; i++) payload += "line " + std::to_string(i) + "\r\n";
  p.client.Queue(payload);
  REQUIRE(p.client.Flush().ok());
  // The peer reads nothing yet: the socket took only part of it.
  CHECK(p.client.has_pending_output());
  CHECK(p.client.pending_output() < payload.size());
  CHECK(p.client.bytes_sent() == payload.size() - p.client.pending_output());
  // Alternate flushing and reading until everything arrived (bounded: 10 s; rounds without
  // progress sleep a millisecond).
  size_t lines = 0;
  std::string line, got;
  bool io_ok = true;
  for (int round = 0; round < 10000 && io_ok && p.server.bytes_received() < payload.size(); round++) {
    io_ok = p.client.Flush().ok();
    auto n = p.server.ReadAvailable(64 * 1024);
    io_ok = io_ok && n.ok();
    while (p.server.TakeLine(&line)) {
      got += line + "\r\n";
      lines++;
    }
    if (n.ok() && *n == 0) usleep(1000);
  }
  CHECK(io_ok);
  CHECK_FALSE(p.client.has_pending_output());
  CHECK(p.client.bytes_sent() == payload.size());
  CHECK(p.server.bytes_received() == payload.size());
  CHECK(got == payload);
  CHECK(p.server.in().empty());
  CHECK(lines > 1000);
  // The peer closing is reported as eof, with what was read before it still in the buffer.
  p.client.Queue("tail");
  REQUIRE(p.client.FlushBlocking(2000).ok());
  p.client.Close();
  Status st = Status::Ok();
  for (int i = 0; i < 200 && st.ok(); i++) {
    auto n = p.server.ReadAvailable();
    st = n.status();
    if (st.ok()) usleep(5000);
  }
  CHECK_FALSE(st.ok());
  CHECK(p.server.eof());
  CHECK(p.server.TakeInput() == "tail");
}

TEST_CASE("buffered connection: blocking line reads and writes give up without progress") {
  TcpPair p;
  // A line in two pieces is read as one.
  p.server.Queue("+PARTIAL");
  REQUIRE(p.server.Flush().ok());
  CHECK_FALSE(p.client.ReadLineBlocking(50).ok());  // no CRLF yet: timed out
  p.server.Queue(" LINE\r\n-ERR next\r\n");
  REQUIRE(p.server.Flush().ok());
  auto l1 = p.client.ReadLineBlocking(2000);
  REQUIRE(l1.ok());
  CHECK(*l1 == "+PARTIAL LINE");
  auto l2 = p.client.ReadLineBlocking(2000);
  REQUIRE(l2.ok());
  CHECK(*l2 == "-ERR next");
  // A peer that never reads: a blocking flush of more than the buffers hold times out.
  ShrinkBuffers(p.client.fd(), p.server.fd());
  p.client.Queue(std::string(1024 * 1024, 'x'));
  Status st = p.client.FlushBlocking(50);
  CHECK_FALSE(st.ok());
  CHECK(st.message() == "write: timed out");
  CHECK(p.client.has_pending_output());
}
