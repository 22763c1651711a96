// In-process test harness: a Server without sockets, commands in as argv, replies out as text.
//
//   TestNode n;                       // optional config overrides: TestNode n({{"requirepass","x"}});
//   CHECK(n.Do({"SET", "k", "v"}) == "OK");
//   CHECK(n.Do("GET k") == "\"v\"");  // inline form, split like redis-cli (quotes allowed)
//
// Reply text (one line, unambiguous):
//   simple string  OK            error    (error) ERR syntax error
//   integer        (integer) 5   bulk     "value" (bytes as is)
//   null           (nil)         array    ["a", (integer) 1, (nil)]   empty array []
//   RESP3: map {"k": "v"}, set ~["a"], double (double) 1.5, bool (true)/(false)
#pragma once
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "server/client.h"
#include "server/server.h"

namespace rcs::test {

// Config directives for a TestNode: NodeConfig{{"hash-max-listpack-entries", "4"}}.
using NodeConfig = std::vector<std::pair<std::string, std::string>>;
// The reply text of a command on a key of another type.
inline constexpr const char* kWrongTypeReply =
    "(error) WRONGTYPE Operation against a key holding the wrong kind of value";

// The quoted strings of a reply text, in order: Strings("[\"a\", (integer) 1, \"b\"]") is {"a", "b"}.
std::vector<std::string> Strings(const std::string& text);

// One step of a scripted session checked against redis-server: a command in inline form and the reply
// text it must give (nullptr: run, not compared, e.g. HELLO). `runs` is a bit mask for scripts run more
// than once (e.g. per encoding): RunSteps(n, steps, run) skips the steps whose mask lacks `run`.
struct Step {
  const char* cmd;
  const char* expected;
  unsigned runs = ~0u;
};

// Converts raw RESP reply bytes to the text above; `consumed` gets the bytes of the first reply.
std::string RespToText(std::string_view resp, size_t* consumed = nullptr);

class TestNode;

// Records every command the node propagates (to the AOF and replicas), each as one space-joined line.
class PropagationLog {
 public:
  explicit PropagationLog(TestNode& n);
  std::vector<std::string> cmds;
  // Every recorded command joined with " | ", and forgets them.
  std::string Take();
  std::string last() const { return cmds.empty() ? "" : cmds.back(); }
};

class TestNode {
 public:
  TestNode() : TestNode(std::initializer_list<std::pair<std::string, std::string>>{}) {}
  // Config directives as redis.conf names and values: TestNode n({{"requirepass", "x"}, {"maxmemory", "1mb"}});
  TestNode(std::initializer_list<std::pair<std::string, std::string>> config);
  explicit TestNode(const std::vector<std::pair<std::string, std::string>>& config);
  ~TestNode();

  // Runs one command on the default client and returns its reply as text.
  std::string Do(std::initializer_list<std::string_view> argv);
  std::string Do(const std::vector<std::string>& argv);
  std::string Do(std::string_view inline_command);
  // Raw RESP bytes of the reply.
  std::string Raw(const std::vector<std::string>& argv);

  // More clients (WATCH, blocking). Replies accumulate per client; Take returns and clears them as text.
  Client* NewClient();
  void Send(Client* c, const std::vector<std::string>& argv);
  std::string Take(Client* c);  // every pending reply, as text, joined with " | "

  Server& server() { return *server_; }
  Keyspace& db() { return server_->db(); }
  ManualClock& clock() { return clock_; }
  Client* client() { return client_; }
  // Moves time and runs the timers (blocked timeouts, active expiry).
  void Advance(int64_t ms);

 private:
  ManualClock clock_;
  std::unique_ptr<Server> server_;
  Client* client_;
};

// The count argument that HRANDFIELD, SRANDMEMBER and ZRANDMEMBER share, on a missing key (`cmd` is the
// command name): no count is a null, a count an empty array, the parse errors as Redis words them.
void CheckRandomCountArgument(TestNode& n, const std::string& cmd);

// Runs every step of `steps` whose runs mask has `run` on n's default client and CHECKs its reply.
void RunSteps(TestNode& n, std::span<const Step> steps, unsigned run = ~0u);

}  // namespace rcs::test
