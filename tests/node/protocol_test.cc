#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "protocol/reply.h"
#include "protocol/resp_parser.h"

using rcs::ReplyBuilder;
using rcs::RespParser;

namespace {

// Feeds `input` to a parser in pieces of `step` bytes, as a socket would deliver it, and returns every
// command parsed (joined with spaces) or "ERR:<text>".
std::vector<std::string> ParseAll(const std::string& input, size_t step) {
  RespParser p;
  std::vector<std::string> out;
  std::string buf;
  size_t fed = 0;
  std::vector<std::string_view> args;
  while (fed < input.size() || !buf.empty()) {
    if (fed < input.size()) {
      size_t n = std::min(step, input.size() - fed);
      buf.append(input, fed, n);
      fed += n;
    }
    bool progress = true;
    while (progress && !buf.empty()) {
      size_t consumed = 0;
      auto r = p.Parse(buf, &consumed, &args);
      if (r == RespParser::Result::kError) {
        out.push_back("ERR:" + p.error());
        return out;
      }
      if (r == RespParser::Result::kIncomplete) {
        progress = false;
        break;
      }
      std::string cmd;
      for (auto a : args) cmd += (cmd.empty() ? "" : " ") + std::string(a);
      out.push_back(cmd);
      buf.erase(0, consumed);
    }
    if (fed >= input.size() && !progress) break;
  }
  return out;
}

}  // namespace

TEST_CASE("multibulk commands parse whole and split at every byte") {
  std::string in = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*1\r\n$4\r\nPING\r\n";
  for (size_t step : {1u, 2u, 3u, 7u, 1000u}) {
    CAPTURE(step);
    auto cmds = ParseAll(in, step);
    REQUIRE(cmds.size() == 2);
    CHECK(cmds[0] == "SET k hello");
    CHECK(cmds[1] == "PING");
  }
}

TEST_CASE("binary-safe bulk values, empty bulk, empty multibulk") {
  std::string v("a\0b\r\nc", 6);
  std::string in = "*2\r\n$3\r\nGET\r\n$6\r\n" + v + "\r\n*0\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n";
  auto cmds = ParseAll(in, 1);
  REQUIRE(cmds.size() == 3);
  CHECK(cmds[0] == "GET " + v);
  CHECK(cmds[1] == "");
  CHECK(cmds[2] == "ECHO ");
}

TEST_CASE("inline commands with quotes and escapes") {
  auto cmds = ParseAll("SET k \"a b\\x41\\n\" \r\nGET 'it''s'\r\n\r\nPING\n", 1);
  // 'it''s' is two adjacent quoted strings without a space: unbalanced for Redis.
  REQUIRE(cmds.size() >= 1);
  CHECK(cmds[0] == "SET k a bA\n");
  CHECK(cmds[1] == "ERR:Protocol error: unbalanced quotes in request");
  auto ok = ParseAll("SET k 'it\\'s'\r\n\r\nPING\n", 2);
  REQUIRE(ok.size() == 3);
  CHECK(ok[0] == "SET k it's");
  CHECK(ok[1] == "");
  CHECK(ok[2] == "PING");
}

TEST_CASE("malformed frames give Redis's protocol errors") {
  CHECK(ParseAll("*abc\r\n", 100).back() == "ERR:Protocol error: invalid multibulk length");
  CHECK(ParseAll("*-5x\r\n", 100).back() == "ERR:Protocol error: invalid multibulk length");
  CHECK(ParseAll("*1048577\r\n", 100).back() == "ERR:Protocol error: invalid multibulk length");
  CHECK(ParseAll("*1\r\n+OK\r\n", 100).back() == "ERR:Protocol error: expected '$', got '+'");
  CHECK(ParseAll("*1\r\n$-1\r\n", 100).back() == "ERR:Protocol error: invalid bulk length");
  CHECK(ParseAll("*1\r\n$x\r\n", 100).back() == "ERR:Protocol error: invalid bulk length");
  CHECK(ParseAll("*1\r\n$536870913\r\n", 100).back() == "ERR:Protocol error: invalid bulk length");
  CHECK(ParseAll("SET \"unterminated\r\n", 100).back() == "ERR:Protocol error: unbalanced quotes in request");
  std::string huge_inline(70000, 'a');
  CHECK(ParseAll(huge_inline, 4096).back() == "ERR:Protocol error: too big inline request");
  std::string huge_count = "*" + std::string(70000, '1');
  CHECK(ParseAll(huge_count, 4096).back() == "ERR:Protocol error: too big mbulk count string");
  std::string huge_bulk_count = "*1\r\n$" + std::string(70000, '1');
  CHECK(ParseAll(huge_bulk_count, 4096).back() == "ERR:Protocol error: too big bulk count string");
}

TEST_CASE("proto-max-bulk-len is enforced") {
  RespParser p;
  p.set_max_bulk_len(10);
  size_t consumed;
  std::vector<std::string_view> args;
  CHECK(p.Parse("*1\r\n$11\r\n", &consumed, &args) == RespParser::Result::kError);
  CHECK(p.error() == "Protocol error: invalid bulk length");
}

TEST_CASE("a large bulk arriving in pieces is resumed, not rescanned") {
  std::string value(1 << 20, 'x');
  std::string in = "*2\r\n$4\r\nECHO\r\n$" + std::to_string(value.size()) + "\r\n" + value + "\r\n";
  RespParser p;
  std::vector<std::string_view> args;
  size_t consumed = 0;
  std::string buf;
  size_t fed = 0;
  int calls = 0;
  RespParser::Result r = RespParser::Result::kIncomplete;
  while (r == RespParser::Result::kIncomplete && fed < in.size()) {
    size_t n = std::min<size_t>(16384, in.size() - fed);
    buf.append(in, fed, n);
    fed += n;
    r = p.Parse(buf, &consumed, &args);
    calls++;
    if (r == RespParser::Result::kIncomplete) CHECK(p.bytes_hint() == value.size() + 2);
  }
  REQUIRE(r == RespParser::Result::kCommand);
  CHECK(consumed == in.size());
  REQUIRE(args.size() == 2);
  CHECK(args[1].size() == value.size());
  CHECK(calls > 10);
}

TEST_CASE("reply builder: RESP2 and RESP3 encodings") {
  std::string out;
  ReplyBuilder r2(&out, 2);
  r2.Null();
  r2.NullArray();
  r2.Double(1.5);
  r2.Bool(true);
  r2.Map(1);
  r2.Set(2);
  r2.Error("ERR bad\r\nthing");
  CHECK(out == "$-1\r\n*-1\r\n$3\r\n1.5\r\n:1\r\n*2\r\n*2\r\n-ERR bad  thing\r\n");
  out.clear();
  ReplyBuilder r3(&out, 3);
  r3.Null();
  r3.NullArray();
  r3.Double(1.5);
  r3.Bool(false);
  r3.Map(1);
  r3.Set(2);
  r3.Verbatim("hi");
  CHECK(out == "_\r\n_\r\n,1.5\r\n#f\r\n%1\r\n~2\r\n=6\r\ntxt:hi\r\n");
  CHECK(r2.errors() == 1);
}

TEST_CASE("deferred array header is inserted before its elements") {
  std::string out = "+X\r\n";
  ReplyBuilder r(&out, 2);
  size_t h = r.BeginDeferred();
  r.Integer(1);
  r.Integer(2);
  r.EndDeferredArray(h, 2);
  CHECK(out == "+X\r\n*2\r\n:1\r\n:2\r\n");
}
