#include "harness.h"

#include <doctest/doctest.h>

#include <stdexcept>

#include "commands/families.h"
#include "protocol/resp_parser.h"

namespace rcs::test {

namespace {

bool ReadLine(std::string_view s, size_t pos, std::string_view* line, size_t* next) {
  size_t e = s.find("\r\n", pos);
  if (e == std::string_view::npos) return false;
  *line = s.substr(pos, e - pos);
  *next = e + 2;
  return true;
}

std::string Parse(std::string_view s, size_t* pos) {
  std::string_view line;
  size_t next;
  if (*pos >= s.size() || !ReadLine(s, *pos + 1, &line, &next)) throw std::runtime_error("truncated reply");
  char type = s[*pos];
  *pos = next;
  auto aggregate = [&](const char* open, const char* close, int64_t n, bool pairs) {
    if (n < 0) return std::string("(nil)");
    std::string r = open;
    for (int64_t i = 0; i < n; i++) {
      if (i) r += ", ";
      r += Parse(s, pos);
      if (pairs) {
        r += ": ";
        r += Parse(s, pos);
      }
    }
    return r + close;
  };
  switch (type) {
    case '+': return std::string(line);
    case '-': return "(error) " + std::string(line);
    case ':': return "(integer) " + std::string(line);
    case ',': return "(double) " + std::string(line);
    case '#': return line == "t" ? "(true)" : "(false)";
    case '_': return "(nil)";
    case '(': return "(big) " + std::string(line);
    case '$':
    case '=': {
      int64_t n = std::stoll(std::string(line));
      if (n < 0) return "(nil)";
      std::string_view body = s.substr(*pos, static_cast<size_t>(n));
      *pos += static_cast<size_t>(n) + 2;
      if (type == '=') body.remove_prefix(4);
      return "\"" + std::string(body) + "\"";
    }
    case '*': return aggregate("[", "]", std::stoll(std::string(line)), false);
    case '~': return aggregate("~[", "]", std::stoll(std::string(line)), false);
    case '>': return aggregate(">[", "]", std::stoll(std::string(line)), false);
    case '%': return aggregate("{", "}", std::stoll(std::string(line)), true);
    default: throw std::runtime_error(std::string("bad reply type ") + type);
  }
}

}  // namespace

std::string RespToText(std::string_view resp, size_t* consumed) {
  size_t pos = 0;
  std::string r = Parse(resp, &pos);
  if (consumed) *consumed = pos;
  return r;
}

TestNode::TestNode(std::initializer_list<std::pair<std::string, std::string>> config)
    : TestNode(std::vector<std::pair<std::string, std::string>>(config)) {}

TestNode::TestNode(const std::vector<std::pair<std::string, std::string>>& config) {
  Config c;
  c.port = 0;
  for (auto& [k, v] : config) {
    Status st = ConfigSet(&c, k, v);
    if (!st.ok()) {
      // Directives that are not mutable at run time (cluster-enabled, port...) are still settable here.
      std::string text = k + " \"" + v + "\"";
      st = ApplyConfigText(text, "test", &c);
      if (!st.ok()) throw std::runtime_error(st.message());
    }
  }
  server_ = std::make_unique<Server>(c, &clock_);
  // Every command family, as the binary has them; subsystems (replication, cluster) only where a test
  // installs them.
  RegisterAllCommands(server_->commands());
  InstallCommandHooks(*server_);
  client_ = server_->CreateFakeClient();
}

TestNode::~TestNode() = default;

std::string TestNode::Raw(const std::vector<std::string>& argv) {
  std::vector<std::string_view> v(argv.begin(), argv.end());
  client_->out.clear();
  server_->ExecuteCommand(client_, v);
  server_->ServeReadyKeys();
  std::string r = client_->out;
  client_->out.clear();
  return r;
}

std::string TestNode::Do(const std::vector<std::string>& argv) {
  std::string raw = Raw(argv);
  if (raw.empty()) return "";
  size_t used = 0;
  std::string text = RespToText(raw, &used);
  // More than one reply to one command would be a bug (except for blocked clients, never here).
  if (used != raw.size()) throw std::runtime_error("trailing bytes after reply: " + raw.substr(used));
  return text;
}

std::string TestNode::Do(std::initializer_list<std::string_view> argv) {
  std::vector<std::string> v(argv.begin(), argv.end());
  return Do(v);
}

std::string TestNode::Do(std::string_view inline_command) {
  std::vector<std::string> v;
  if (!SplitInlineArgs(inline_command, &v)) throw std::runtime_error("unbalanced quotes");
  return Do(v);
}

Client* TestNode::NewClient() { return server_->CreateFakeClient(); }

void TestNode::Send(Client* c, const std::vector<std::string>& argv) {
  std::vector<std::string_view> v(argv.begin(), argv.end());
  server_->ExecuteCommand(c, v);
  server_->ServeReadyKeys();
}

std::string TestNode::Take(Client* c) {
  std::string all;
  std::string_view rest = c->out;
  while (!rest.empty()) {
    size_t used = 0;
    if (!all.empty()) all += " | ";
    all += RespToText(rest, &used);
    rest.remove_prefix(used);
  }
  c->out.clear();
  return all;
}

PropagationLog::PropagationLog(TestNode& n) {
  n.server().AddPropagateSink([this](const PropagatedWrite& w) {
    std::string s;
    for (auto a : w.argv) {
      if (!s.empty()) s += ' ';
      s.append(a);
    }
    cmds.push_back(std::move(s));
  });
}

std::string PropagationLog::Take() {
  std::string all;
  for (auto& c : cmds) all += (all.empty() ? "" : " | ") + c;
  cmds.clear();
  return all;
}

void TestNode::Advance(int64_t ms) {
  clock_.AdvanceMs(ms);
  server_->RunPendingTimers();
}

std::vector<std::string> Strings(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = text.find('"', pos)) != std::string::npos) {
    size_t end = text.find('"', pos + 1);
    if (end == std::string::npos) break;
    out.push_back(text.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  return out;
}

void CheckRandomCountArgument(TestNode& n, const std::string& cmd) {
  INFO("command: " << cmd);
  CHECK(n.Do(cmd + " nokey") == "(nil)");
  CHECK(n.Do(cmd + " nokey 2") == "[]");
  CHECK(n.Do(cmd + " nokey abc") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do(cmd + " nokey -9223372036854775808") ==
        "(error) ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
}

void RunSteps(TestNode& n, std::span<const Step> steps, unsigned run) {
  for (const Step& s : steps) {
    if ((s.runs & run) == 0) continue;
    std::string got = n.Do(std::string_view(s.cmd));
    if (s.expected != nullptr) {
      INFO("command: " << std::string(s.cmd));
      CHECK(got == std::string(s.expected));
    }
  }
}

}  // namespace rcs::test
