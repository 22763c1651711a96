// HiredisSource against sockets of the test's own: a closed port, a listener that never answers, and a tiny
// scripted RESP server. Only 127.0.0.1, ports 21090-21097.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "hiredis_source.h"

using namespace rcs::exporter;

namespace {

int Listen(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 16) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

NodeRequest Req(int port, std::vector<Command> cmds, std::string password = "") {
  NodeRequest r;
  r.endpoint.host = "127.0.0.1";
  r.endpoint.port = port;
  r.password = std::move(password);
  r.commands = std::move(cmds);
  return r;
}

// Answers each RESP command it reads with the next canned reply; counts accepted connections.
struct ScriptedServer {
  int fd;
  std::atomic<int> accepted{0};
  std::atomic<bool> stop{false};
  std::thread thread;
  explicit ScriptedServer(int port, std::function<std::string(const std::string& cmd)> answer) : fd(Listen(port)) {
    thread = std::thread([this, answer] {
      while (!stop) {
        int c = accept(fd, nullptr, nullptr);
        if (c < 0) return;
        ++accepted;
        std::string buf;
        char tmp[4096];
        for (;;) {
          ssize_t n = read(c, tmp, sizeof tmp);
          if (n <= 0) break;
          buf.append(tmp, n);
          // Commands arrive as RESP arrays; answer once per complete array (count "*" headers at line starts).
          size_t pos;
          while ((pos = buf.find("\r\n")) != std::string::npos && buf[0] == '*') {
            int argc = std::stoi(buf.substr(1, pos - 1));
            size_t p = pos + 2;
            std::string cmd;
            bool complete = true;
            for (int i = 0; i < argc; ++i) {
              size_t e = buf.find("\r\n", p);
              if (e == std::string::npos) { complete = false; break; }
              int len = std::stoi(buf.substr(p + 1, e - p - 1));
              if (buf.size() < e + 2 + len + 2) { complete = false; break; }
              cmd += (cmd.empty() ? "" : " ") + buf.substr(e + 2, len);
              p = e + 2 + len + 2;
            }
            if (!complete) break;
            buf.erase(0, p);
            std::string reply = answer(cmd);
            if (write(c, reply.data(), reply.size()) < 0) break;
          }
        }
        close(c);
      }
    });
  }
  ~ScriptedServer() {
    stop = true;
    shutdown(fd, SHUT_RDWR);
    close(fd);
    thread.join();
  }
};

}  // namespace

TEST_CASE("connection refused is a connect error, quickly") {
  HiredisSource src(std::chrono::milliseconds(500));
  auto t0 = Clock::now();
  auto r = src.Fetch({Req(21090, {{"PING"}})}, Clock::now() + std::chrono::seconds(2));
  CHECK(r[0].error == FetchError::kConnect);
  CHECK_FALSE(r[0].message.empty());
  CHECK(Clock::now() - t0 < std::chrono::seconds(1));
}

TEST_CASE("a listener that never answers times out at the deadline, not later") {
  int fd = Listen(21091);
  REQUIRE(fd >= 0);
  HiredisSource src(std::chrono::milliseconds(2000));
  auto t0 = Clock::now();
  auto r = src.Fetch({Req(21091, {{"PING"}})}, Clock::now() + std::chrono::milliseconds(300));
  auto took = Clock::now() - t0;
  close(fd);
  CHECK(r[0].error == FetchError::kTimeout);
  CHECK(took >= std::chrono::milliseconds(250));
  CHECK(took < std::chrono::milliseconds(1000));
}

TEST_CASE("pipelined replies, AUTH on a new connection, connection kept and reused") {
  std::atomic<int> auths{0};
  ScriptedServer srv(21092, [&](const std::string& cmd) -> std::string {
    if (cmd == "AUTH pw") {
      ++auths;
      return "+OK\r\n";
    }
    if (cmd == "AUTH bad") return "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
    if (cmd == "INFO ALL") return "$13\r\nrole:master\r\n\r\n";
    if (cmd == "SLOWLOG LEN") return ":3\r\n";
    if (cmd == "SLOWLOG GET 1") return "*1\r\n*3\r\n:7\r\n:100\r\n:250\r\n";
    return "-ERR unknown command\r\n";
  });
  REQUIRE(srv.fd >= 0);
  HiredisSource src(std::chrono::milliseconds(1000));
  for (int round = 0; round < 3; ++round) {
    auto r = src.Fetch({Req(21092, {{"INFO", "ALL"}, {"SLOWLOG", "LEN"}, {"SLOWLOG", "GET", "1"}, {"NOPE"}}, "pw")},
                       Clock::now() + std::chrono::seconds(2));
    REQUIRE_MESSAGE(r[0].ok(), r[0].message);
    REQUIRE(r[0].replies.size() == 4);
    CHECK(r[0].replies[0].str == "role:master\r\n");
    CHECK(r[0].replies[1].integer == 3);
    CHECK(r[0].replies[2].elements.at(0).elements.at(2).integer == 250);
    CHECK(r[0].replies[3].IsError());
  }
  CHECK(src.connects() == 1);
  CHECK(srv.accepted == 1);
  CHECK(auths == 1);
  // Retain drops connections to endpoints that left (and frees the one-client scripted server).
  src.Retain({});
  CHECK(src.connections() == 0);
  // Wrong password on a new connection.
  HiredisSource other(std::chrono::milliseconds(1000));
  auto bad = other.Fetch({Req(21092, {{"INFO", "ALL"}}, "bad")}, Clock::now() + std::chrono::seconds(2));
  CHECK(bad[0].error == FetchError::kAuth);
  CHECK(bad[0].message.find("WRONGPASS") != std::string::npos);
  CHECK(other.connections() == 0);  // a failed connection is not kept
}

TEST_CASE("a kept connection closed by the server is retried once on a new one") {
  std::atomic<int> served{0};
  // Closes the connection after every reply, like a server whose idle `timeout` fired between scrapes.
  int fd = Listen(21093);
  REQUIRE(fd >= 0);
  std::atomic<bool> stop{false};
  std::thread t([&] {
    while (!stop) {
      int c = accept(fd, nullptr, nullptr);
      if (c < 0) return;
      char buf[256];
      if (read(c, buf, sizeof buf) > 0) {
        ++served;
        if (write(c, "+PONG\r\n", 7) < 0) {
        }
      }
      close(c);
    }
  });
  HiredisSource src(std::chrono::milliseconds(1000));
  for (int i = 0; i < 3; ++i) {
    auto r = src.Fetch({Req(21093, {{"PING"}})}, Clock::now() + std::chrono::seconds(2));
    CHECK_MESSAGE(r[0].ok(), r[0].message);
  }
  CHECK(served == 3);
  stop = true;
  shutdown(fd, SHUT_RDWR);
  close(fd);
  t.join();
}

TEST_CASE("many nodes at once: one slow node does not hold up the others beyond the deadline") {
  ScriptedServer fast(21094, [](const std::string&) { return std::string("+PONG\r\n"); });
  int silent = Listen(21095);
  REQUIRE(fast.fd >= 0);
  REQUIRE(silent >= 0);
  HiredisSource src(std::chrono::milliseconds(1000));
  auto t0 = Clock::now();
  auto r = src.Fetch({Req(21094, {{"PING"}}), Req(21095, {{"PING"}}), Req(21090, {{"PING"}})},
                     Clock::now() + std::chrono::milliseconds(600));
  auto took = Clock::now() - t0;
  close(silent);
  CHECK(r[0].ok());
  CHECK(r[0].seconds < 0.4);  // answered on its own time, not held until the deadline
  CHECK(r[1].error == FetchError::kTimeout);
  CHECK(r[2].error == FetchError::kConnect);
  CHECK(took >= std::chrono::milliseconds(550));
  CHECK(took < std::chrono::milliseconds(1500));
}
