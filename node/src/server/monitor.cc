// MONITOR, CLIENT PAUSE / UNPAUSE and CLIENT UNBLOCK: the server side of the operator commands (the
// commands themselves are in commands/server_family.cc), as redis-server 7.0.15 behaves:
//
// - A monitor gets one line per command run, after it ran (call()), in the format of MonitorLine; EVAL and
//   FCALL show first, then what their script called ("[0 lua]"). Admin commands (CONFIG, CLIENT LIST,
//   MONITOR, ...) and commands that never ran (unknown, wrong arity, refused before running, queued in
//   MULTI until EXEC) are not shown; nothing while loading. Like Redis (which makes a monitor a kind of
//   replica), a monitor may not run commands that touch the keyspace.
// - CLIENT PAUSE holds the commands of normal clients (not replicas, monitors or our master's stream)
//   in the order they came, blocked ('b' in CLIENT LIST, counted in blocked_clients), until the deadline
//   or CLIENT UNPAUSE; then each runs from the start, as if it had just arrived. WRITE holds writes and
//   may-replicate commands only. While paused the data set stays still: no active or lazy expiry
//   deletes a key (an expired key reads as absent), no eviction.
#include "server/monitor.h"

#include <algorithm>
#include <cstdio>

#include "base/strutil.h"
#include "protocol/errors.h"
#include "server/server.h"

namespace rcs {

std::string MonitorLine(int64_t now_us, std::string_view source, ArgList argv, const std::vector<bool>& redacted,
                        int db) {
  std::string line;
  size_t size = 32 + source.size();
  for (auto a : argv) size += a.size() + 3;
  line.reserve(size);
  char head[64];
  int n = snprintf(head, sizeof(head), "+%lld.%06lld [%d ", static_cast<long long>(now_us / 1000000),
                   static_cast<long long>(now_us % 1000000), db);
  line.append(head, static_cast<size_t>(n));
  line += source;
  line += "] ";
  for (size_t i = 0; i < argv.size(); i++) {
    if (i > 0) line += ' ';
    // Quoted as redis-server's sdscatrepr.
    line += QuoteRepr(i < redacted.size() && redacted[i] ? std::string_view("(redacted)") : argv[i]);
  }
  line += "\r\n";
  return line;
}

bool MonitorBeforeRun(const CommandSpec& spec) {
  const std::string& n = spec.name;
  return n == "eval" || n == "evalsha" || n == "eval_ro" || n == "evalsha_ro" || n == "fcall" || n == "fcall_ro";
}

bool MayReplicate(const CommandSpec& spec) {
  const std::string& n = spec.name;
  return n == "publish" || n == "spublish" || n == "eval" || n == "evalsha" || n == "fcall" || n == "pfcount";
}

bool HeldByWritePause(const CommandSpec& spec, ArgList argv) {
  if ((spec.name == "eval" || spec.name == "eval_ro") && argv.size() > 1 && argv[1].substr(0, 2) == "#!") {
    std::string_view shebang = argv[1].substr(0, argv[1].find('\n'));
    size_t pos = 0;
    while (pos < shebang.size()) {
      size_t end = shebang.find(' ', pos);
      if (end == std::string_view::npos) end = shebang.size();
      std::string_view word = shebang.substr(pos, end - pos);
      if (word.substr(0, 6) == "flags=") {
        std::string_view flags = word.substr(6);
        size_t p = 0;
        while (p <= flags.size()) {
          size_t e = flags.find(',', p);
          if (e == std::string_view::npos) e = flags.size();
          if (flags.substr(p, e - p) == "no-writes") return false;
          p = e + 1;
        }
      }
      pos = end + 1;
    }
    return true;  // declared flags without no-writes: a write
  }
  return spec.is(kCmdWrite) || MayReplicate(spec);
}

void Server::AddMonitor(Client* c) {
  if (c->has(kClientMonitor) || c->has(kClientReplica)) return;  // already one: ignored, no reply
  c->flags |= kClientMonitor;
  monitors_.push_back(c);
}

Server::PauseType Server::pause_type() {
  // Redis: a pause whose end is before now is over (so a pause of 0 ms never starts).
  if (pause_.type != PauseType::kOff && pause_.end_ms < clock_->NowMs()) UpdatePauseState();
  return pause_.type;
}

void Server::UpdatePauseState() {
  // Redis's updateClientPauseTypeAndEndTime: purposes whose end passed are over; the strictest type left
  // applies, until the latest end among the purposes of that type.
  int64_t now = clock_->NowMs();
  PauseType old = pause_.type;
  PauseType type = PauseType::kOff;
  for (int i = 0; i < 2; i++) {
    if (pause_.purpose_type[i] != PauseType::kOff && pause_.purpose_end_ms[i] < now) {
      pause_.purpose_type[i] = PauseType::kOff;
      pause_.purpose_end_ms[i] = 0;
    }
    type = std::max(type, pause_.purpose_type[i]);
  }
  int64_t end = 0;
  for (int i = 0; i < 2; i++) {
    if (type != PauseType::kOff && pause_.purpose_type[i] == type) end = std::max(end, pause_.purpose_end_ms[i]);
  }
  pause_.type = type;
  pause_.end_ms = end;
  for (int i = 0; i < db_count(); i++) {
    if (Keyspace* db = db_if_exists(i)) db->set_expiry_paused(type != PauseType::kOff);
  }
  if (type >= old) return;
  // Less strict than before: each postponed command runs again from the start before the loop sleeps, in
  // arrival order (HandleClientsBeforeSleep), followed by what its client pipelined after it; it may be
  // postponed again (a write under a remaining WRITE pause).
  auto postponed = std::move(pause_.postponed);
  pause_.postponed.clear();
  for (Client* c : postponed) {
    if (!c->has(kClientBlocked)) continue;
    c->flags &= ~kClientBlocked;  // kClientPostponed stays: its command is still to run
    blocking_.count--;
    blocking_.to_resume.push_back(c);
  }
}

void Server::PauseClients(int64_t end_ms, PauseType type, PausePurpose purpose) {
  // A second pause of the same purpose while one is in force: the stricter type and the later end (Redis's
  // pauseClients).
  int i = static_cast<int>(purpose);
  pause_.purpose_type[i] = std::max(pause_.purpose_type[i], type);
  pause_.purpose_end_ms[i] = std::max(pause_.purpose_end_ms[i], end_ms);
  UpdatePauseState();
}

void Server::UnpauseClients(PausePurpose purpose) {
  int i = static_cast<int>(purpose);
  pause_.purpose_type[i] = PauseType::kOff;
  pause_.purpose_end_ms[i] = 0;
  UpdatePauseState();
}

bool Server::PostponeIfPaused(Client* c, const CommandSpec& spec, ArgList argv) {
  // Replicas and monitors are never paused, nor the loaders. Our master's stream is (as redis-server 7.0
  // holds its master client's writes): networking.cc keeps the held command's bytes in the input buffer,
  // so its replication offset counts only what was applied.
  if (c->fd < 0 || c->has(kClientReplica | kClientMonitor)) return false;
  PauseType type = pause_type();
  if (type == PauseType::kOff) return false;
  if (type == PauseType::kWrite) {
    bool write;
    switch (ScriptWritesOf(spec, argv)) {
      case ScriptWrites::kNoWrites: write = false; break;
      case ScriptWrites::kWrites: write = true; break;
      default:
        // Without the scripting subsystem's answer, EVAL's shebang is read here.
        write = script_writes_ ? spec.is(kCmdWrite) || MayReplicate(spec) : HeldByWritePause(spec, argv);
    }
    write = write || (spec.is(kCmdRunsQueue) && c->has(kClientMulti) && (c->multi_has & kCmdWrite));
    if (!write) return false;
  }
  c->flags |= kClientBlocked | kClientPostponed;
  if (!c->has(kClientMaster)) c->blocked.argv.assign(argv.begin(), argv.end());
  blocking_.count++;
  pause_.postponed.push_back(c);
  return true;
}

void Server::RemoveMonitorAndPostponed(Client* c) {
  if (c->has(kClientMonitor)) {
    monitors_.erase(std::remove(monitors_.begin(), monitors_.end(), c), monitors_.end());
    c->flags &= ~kClientMonitor;
  }
  if (c->has(kClientPostponed)) {
    auto& p = pause_.postponed;
    p.erase(std::remove(p.begin(), p.end(), c), p.end());
    c->flags &= ~kClientPostponed;
    c->blocked.argv.clear();
  }
}

bool Server::UnblockClientByCommand(Client* target, bool error) {
  if (target == nullptr || !target->has(kClientBlocked) || target->has(kClientPostponed)) return false;
  if (target->blocked.keys.empty()) {
    // Not waiting for keys: WAIT (replication), or nothing CLIENT UNBLOCK can end.
    return replication_hooks_ != nullptr && replication_hooks_->UnblockWaiter(target, error);
  }
  if (error) {
    target->reply.Error(err::kUnblockedByCommand);
    UnblockClient(target, false);
    MarkPendingWrite(target);
  } else {
    UnblockClient(target, true);  // the reply of its timeout
  }
  return true;
}

}  // namespace rcs
