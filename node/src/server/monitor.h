// MONITOR's line format and the command classes that MONITOR and CLIENT PAUSE treat apart, as redis-server
// 7.0.15 does (replicationFeedMonitors in replication.c, call() and processCommand() in server.c). Pure
// functions, for the call path (call.cc), the pause (monitor.cc) and unit tests.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/command.h"

namespace rcs {

// One MONITOR line: `+<sec>.<usec> [<db> <source>] "arg" "arg"...\r\n`, each argument quoted and escaped as
// sdscatrepr does, "(redacted)" where `redacted[i]` (AUTH, HELLO AUTH and MIGRATE passwords). `source`
// is the client's "ip:port", or "lua" for a command a script called.
// `db` is the client's database after the command ran (redis-server feeds monitors after the call: a SELECT
// shows its new database).
std::string MonitorLine(int64_t now_us, std::string_view source, ArgList argv, const std::vector<bool>& redacted,
                        int db = 0);

// EVAL, EVALSHA, their _RO forms, FCALL, FCALL_RO: Redis flags them skip-monitor and shows them itself
// before the script runs, so that the script's commands follow them.
bool MonitorBeforeRun(const CommandSpec& spec);

// The commands Redis 7.0.15 flags may-replicate (PUBLISH, SPUBLISH, EVAL, EVALSHA, FCALL, PFCOUNT): like
// writes, CLIENT PAUSE WRITE holds them and a monitor client may not run them.
bool MayReplicate(const CommandSpec& spec);

// Whether CLIENT PAUSE WRITE holds this command: a write or a may-replicate command, except that an EVAL
// whose script declares its flags in a shebang counts as a write only without no-writes (Redis's
// scriptFlagsToCmdFlags). EVALSHA and FCALL count by the command's flags alone.
bool HeldByWritePause(const CommandSpec& spec, ArgList argv);

}  // namespace rcs
