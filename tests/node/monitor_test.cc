// MONITOR's line format (server/monitor.h): what redis-server 7.0.15's replicationFeedMonitors writes.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "server/monitor.h"

using rcs::ArgList;
using rcs::MonitorLine;

TEST_CASE("MONITOR line: timestamp, source, quoted arguments") {
  std::vector<std::string_view> argv = {"SET", "k", "v"};
  CHECK(MonitorLine(1700000000123456, "127.0.0.1:12345", argv, {}) ==
        "+1700000000.123456 [0 127.0.0.1:12345] \"SET\" \"k\" \"v\"\r\n");
  // Microseconds keep six digits; a script's commands show as lua.
  std::vector<std::string_view> get = {"get", "x"};
  CHECK(MonitorLine(1700000000000042, "lua", get, {}) == "+1700000000.000042 [0 lua] \"get\" \"x\"\r\n");
}

TEST_CASE("MONITOR line: escapes as sdscatrepr, redacted arguments") {
  std::string bin("a\"b\\c\n\r\t\a\b\x01\x7f\xff z", 15);
  std::vector<std::string_view> argv = {"SET", bin, ""};
  CHECK(MonitorLine(1000000, "1.2.3.4:5", argv, {}) ==
        "+1.000000 [0 1.2.3.4:5] \"SET\" \"a\\\"b\\\\c\\n\\r\\t\\a\\b\\x01\\x7f\\xff z\" \"\"\r\n");
  std::vector<std::string_view> auth = {"AUTH", "user", "secret"};
  CHECK(MonitorLine(0, "h:1", auth, {false, true, true}) ==
        "+0.000000 [0 h:1] \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n");
}

TEST_CASE("MONITOR/PAUSE command classes") {
  rcs::CommandSpec spec;
  for (const char* n : {"eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro"}) {
    spec.name = n;
    CHECK(rcs::MonitorBeforeRun(spec));
  }
  for (const char* n : {"publish", "spublish", "eval", "evalsha", "fcall", "pfcount"}) {
    spec.name = n;
    CHECK(rcs::MayReplicate(spec));
  }
  for (const char* n : {"get", "eval_ro", "fcall_ro", "client|pause", "set"}) {
    spec.name = n;
    CHECK_FALSE(rcs::MayReplicate(spec));
  }
  spec.name = "exec";
  CHECK_FALSE(rcs::MonitorBeforeRun(spec));
}

TEST_CASE("CLIENT PAUSE WRITE: which EVALs it holds") {
  rcs::CommandSpec eval;
  eval.name = "eval";
  auto held = [&](std::string_view body) {
    std::vector<std::string_view> argv = {"EVAL", body, "0"};
    return rcs::HeldByWritePause(eval, argv);
  };
  CHECK(held("return 1"));                                   // may-replicate
  CHECK(held("#!lua\nreturn 1"));                            // declared flags, no no-writes: a write
  CHECK(held("#!lua flags=allow-oom\nreturn 1"));
  CHECK_FALSE(held("#!lua flags=no-writes\nreturn 1"));
  CHECK_FALSE(held("#!lua flags=allow-stale,no-writes\nreturn 1"));
  rcs::CommandSpec get;
  get.name = "get";
  get.flags = rcs::kCmdReadOnly;
  std::vector<std::string_view> argv = {"GET", "k"};
  CHECK_FALSE(rcs::HeldByWritePause(get, argv));
}
