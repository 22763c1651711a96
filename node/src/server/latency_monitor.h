// The latency monitor (LATENCY LATEST / HISTORY / GRAPH / DOCTOR / RESET): for each event class ("command",
// "fast-command", "fork", "expire-cycle", "aof-write", "aof-fsync-always", ...) the last 160 seconds that had
// a spike at or above `latency-monitor-threshold` ms, one sample per second (the worst of that second), and
// the worst spike since the last reset, as redis-server 7.0 keeps them. The per-command histograms of
// `latency-tracking` are not here: they belong to each command's stats (base/latency_histogram.h).
//
// Invariants: nothing is recorded while the threshold is 0 (off, the default); at most one series per event
// class, created at its first spike, in creation order (LATENCY LATEST lists them so).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rcs {

class LatencyMonitor {
 public:
  static constexpr int kSamples = 160;
  struct Sample {
    int64_t time = 0;      // Unix seconds; 0 = unused slot
    uint32_t latency = 0;  // ms
  };
  struct Series {
    int next = 0;     // slot of the next sample
    uint32_t max = 0; // worst spike since the series was created
    std::array<Sample, kSamples> samples{};
    const Sample& latest() const { return samples[static_cast<size_t>((next + kSamples - 1) % kSamples)]; }
    // The used samples, oldest first.
    std::vector<Sample> History() const;
  };
  struct Stats {  // of the samples kept (LATENCY DOCTOR)
    uint32_t samples = 0, avg = 0, min = 0, max = 0, mad = 0;
    int64_t period = 0;  // seconds from the oldest sample to now (at least 1 when there are samples)
  };

  // Records `ms` for `event` if the threshold is on and ms reaches it.
  void AddIfNeeded(std::string_view event, int64_t ms, int64_t threshold_ms, int64_t now_s) {
    if (threshold_ms > 0 && ms >= threshold_ms) Add(event, ms, now_s);
  }
  void Add(std::string_view event, int64_t ms, int64_t now_s);
  // Forgets one event class (case-insensitive, as redis-server) or, with an empty name, all of them.
  // Returns how many were forgotten.
  size_t Reset(std::string_view event);
  const Series* Find(std::string_view event) const;  // case-sensitive, as redis-server
  const std::vector<std::pair<std::string, Series>>& events() const { return events_; }
  static Stats Analyze(const Series& s, int64_t now_s);

 private:
  std::vector<std::pair<std::string, Series>> events_;
};

// LATENCY GRAPH's text: a header with the high, low and all-time-high latency, a rule, then the samples as
// vertical bars (one column per sample, oldest left, at most 80), scaled between the lowest and the highest
// sample over `rows` rows, each column labelled below with how long ago it was (s, m, h, d).
std::string RenderLatencyGraph(std::string_view event, const LatencyMonitor::Series& s, int64_t now_s, int rows = 4);

}  // namespace rcs
