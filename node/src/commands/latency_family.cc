// LATENCY: the latency monitor's spikes (server/latency_monitor.h) and the per-command histograms of
// `latency-tracking` (base/latency_histogram.h), with redis-server 7.0's replies.
#include <cinttypes>
#include <cstdio>
#include <string>

#include "base/strutil.h"
#include "commands/families.h"
#include "protocol/errors.h"
#include "server/server.h"

namespace rcs {

namespace {

int64_t NowS(CommandContext& ctx) { return ctx.now_ms / 1000; }

void LatencyLatest(CommandContext& ctx) {
  const auto& events = ctx.server.latency_monitor().events();
  ctx.reply.Array(events.size());
  for (auto& [name, s] : events) {
    ctx.reply.Array(4);
    ctx.reply.Bulk(name);
    ctx.reply.Integer(s.latest().time);
    ctx.reply.Integer(s.latest().latency);
    ctx.reply.Integer(s.max);
  }
}

void LatencyHistory(CommandContext& ctx) {
  const LatencyMonitor::Series* s = ctx.server.latency_monitor().Find(ctx.arg(2));
  if (s == nullptr) {
    ctx.reply.Array(0);
    return;
  }
  auto h = s->History();
  ctx.reply.Array(h.size());
  for (auto& x : h) {
    ctx.reply.Array(2);
    ctx.reply.Integer(x.time);
    ctx.reply.Integer(x.latency);
  }
}

void LatencyGraph(CommandContext& ctx) {
  const LatencyMonitor::Series* s = ctx.server.latency_monitor().Find(ctx.arg(2));
  if (s == nullptr) {
    ctx.reply.Error(err::LatencyNoSamples(ctx.arg(2)));
    return;
  }
  ctx.reply.Verbatim(RenderLatencyGraph(ctx.arg(2), *s, NowS(ctx)));
}

void LatencyReset(CommandContext& ctx) {
  auto& mon = ctx.server.latency_monitor();
  if (ctx.argc() == 2) {
    ctx.reply.Integer(static_cast<int64_t>(mon.Reset("")));
    return;
  }
  size_t n = 0;
  for (size_t i = 2; i < ctx.argc(); i++) {
    if (!ctx.arg(i).empty()) n += mon.Reset(ctx.arg(i));
  }
  ctx.reply.Integer(static_cast<int64_t>(n));
}

// One command's histogram: {calls, histogram_usec: {µs upper bound: cumulative calls}} over power-of-two
// steps from 1024 ns, only the steps that added calls.
void ReplyHistogram(CommandContext& ctx, const LatencyHistogram& h) {
  ctx.reply.Map(2);
  ctx.reply.Bulk("calls");
  ctx.reply.Integer(static_cast<int64_t>(h.total()));
  ctx.reply.Bulk("histogram_usec");
  size_t handle = ctx.reply.BeginDeferred();
  size_t steps = 0;
  uint64_t previous = 0;
  h.ForEachLogStep(1024, [&](int64_t highest_ns, uint64_t cumulative) {
    if (cumulative > previous) {
      ctx.reply.Integer(highest_ns / 1000);
      ctx.reply.Integer(static_cast<int64_t>(cumulative));
      steps++;
    }
    previous = cumulative;
  });
  ctx.reply.EndDeferredMap(handle, steps);
}

void LatencyHistogramCmd(CommandContext& ctx) {
  size_t handle = ctx.reply.BeginDeferred();
  size_t n = 0;
  auto emit = [&](const CommandSpec& s) {
    if (const LatencyHistogram* h = s.stats.latency.h.get()) {
      ctx.reply.Bulk(s.name);
      ReplyHistogram(ctx, *h);
      n++;
    }
  };
  auto emit_with_subs = [&](const CommandSpec& s) {
    emit(s);
    for (auto& sub : s.subcommands) emit(sub);
  };
  if (ctx.argc() == 2) {
    for (auto& c : ctx.server.commands().all()) emit_with_subs(*c);
  } else {
    for (size_t i = 2; i < ctx.argc(); i++) {
      if (const CommandSpec* s = ctx.server.commands().FindFull(ctx.arg(i))) emit_with_subs(*s);
    }
  }
  ctx.reply.EndDeferredMap(handle, n);
}

// What to look at for each kind of spike (our own advice; the per-event line has redis-server's fields).
std::string Advice(CommandContext& ctx, std::string_view event) {
  const Config& cfg = ctx.server.config();
  if (event == "command") {
    if (cfg.slowlog_log_slower_than < 0) {
      return "  Slow commands: the slow log is off; CONFIG SET slowlog-log-slower-than " +
             std::to_string(cfg.latency_monitor_threshold * 1000) + " records which ones.\n";
    }
    std::string s = "  Slow commands: SLOWLOG GET lists them (O(N) commands on large keys, big DEL/UNLINK of "
                    "aggregates, long scripts).\n";
    if (cfg.slowlog_log_slower_than / 1000 > cfg.latency_monitor_threshold) {
      s += "  The slow log records only commands slower than " + std::to_string(cfg.slowlog_log_slower_than) +
           " us, more than this threshold: CONFIG SET slowlog-log-slower-than " +
           std::to_string(cfg.latency_monitor_threshold * 1000) + ".\n";
    }
    return s;
  }
  if (event == "fast-command") {
    return "  O(1) commands were slow: the process was not given the CPU (machine load, a noisy neighbour, "
           "swapping); measure with redis-cli --intrinsic-latency 100.\n";
  }
  if (event == "fork") {
    return "  fork() of a large data set copies its page tables (INFO persistence latest_fork_usec); schedule "
           "BGSAVE/BGREWRITEAOF off-peak or keep nodes smaller.\n";
  }
  if (event.starts_with("aof-")) {
    return std::string("  The disk under the AOF is slow: keep it on a local SSD, away from other disk-heavy "
                       "processes") + (cfg.appendfsync == "always" ? "; appendfsync always waits for every write, "
                                                                     "everysec does not" : "") + ".\n";
  }
  if (event == "expire-cycle") {
    return "  Many keys expired at once: spread the TTLs, or raise hz so each cycle does less.\n";
  }
  return "";
}

void LatencyDoctor(CommandContext& ctx) {
  const auto& mon = ctx.server.latency_monitor();
  int64_t threshold = ctx.server.config().latency_monitor_threshold;
  std::string out;
  if (mon.events().empty()) {
    out = threshold == 0 ? "Latency monitoring is off on this node (latency-monitor-threshold 0), and no spike was "
                           "recorded. CONFIG SET latency-monitor-threshold <milliseconds> turns it on.\n"
                         : "No latency spike of " + std::to_string(threshold) +
                               " ms or more was recorded since the last LATENCY RESET.\n";
    ctx.reply.Verbatim(out);
    return;
  }
  out = "Latency spikes recorded (latency-monitor-threshold " + std::to_string(threshold) + " ms):\n\n";
  int n = 0;
  for (auto& [name, s] : mon.events()) {
    LatencyMonitor::Stats st = LatencyMonitor::Analyze(s, NowS(ctx));
    char line[512];
    snprintf(line, sizeof(line),
             "%d. %s: %u latency spikes (average %lums, mean deviation %lums, period %.2f sec). Worst all time "
             "event %lums.\n",
             ++n, name.c_str(), st.samples, static_cast<unsigned long>(st.avg), static_cast<unsigned long>(st.mad),
             st.samples ? static_cast<double>(st.period) / st.samples : 0.0, static_cast<unsigned long>(s.max));
    out += line;
    out += Advice(ctx, name);
  }
  ctx.reply.Verbatim(out);
}

void LatencyHelp(CommandContext& ctx) {
  ReplyHelp(ctx, {"LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "DOCTOR",
                  "    Return a human readable latency analysis report.", "GRAPH <event>",
                  "    Return an ASCII latency graph for the <event> class.", "HISTORY <event>",
                  "    Return time-latency samples for the <event> class.", "LATEST",
                  "    Return the latest latency samples for all events.", "RESET [<event> ...]",
                  "    Reset latency data of one or more <event> classes.",
                  "    (default: reset all data for all event classes)", "HISTOGRAM [COMMAND ...]",
                  "    Return a cumulative distribution of latencies in the format of a histogram for the specified "
                  "command names.",
                  "    If no commands are specified then all histograms are replied.", "HELP",
                  "    Prints this help."});
}

}  // namespace

void RegisterLatencyFamily(CommandRegistry& r) {
  const char* srv = "server";
  uint32_t admin = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
  r.Add(ContainerSpec(
      "latency", srv, "A container for latency diagnostics commands.",
      {GroupSpec("latency|doctor", 2, admin, LatencyDoctor, srv, "Returns a human-readable latency analysis report."),
       GroupSpec("latency|graph", 3, admin, LatencyGraph, srv, "Returns a latency graph for an event."),
       GroupSpec("latency|help", 2, kCmdLoading | kCmdStale, LatencyHelp, srv,
                 "Returns helpful text about the different subcommands."),
       GroupSpec("latency|histogram", -2, admin, LatencyHistogramCmd, srv,
                 "Returns the cumulative distribution of latencies of a subset or all commands."),
       GroupSpec("latency|history", 3, admin, LatencyHistory, srv, "Returns timestamp-latency samples for an event."),
       GroupSpec("latency|latest", 2, admin, LatencyLatest, srv, "Returns the latest latency samples for all events."),
       GroupSpec("latency|reset", -2, admin, LatencyReset, srv,
                 "Resets the latency data for one or more events.")}));
}

}  // namespace rcs
