#include "server/latency_monitor.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "base/strutil.h"

namespace rcs {

std::vector<LatencyMonitor::Sample> LatencyMonitor::Series::History() const {
  std::vector<Sample> out;
  for (int j = 0; j < kSamples; j++) {
    const Sample& s = samples[static_cast<size_t>((next + j) % kSamples)];
    if (s.time != 0) out.push_back(s);
  }
  return out;
}

void LatencyMonitor::Add(std::string_view event, int64_t ms, int64_t now_s) {
  auto it = std::find_if(events_.begin(), events_.end(), [&](const auto& e) { return e.first == event; });
  if (it == events_.end()) {
    events_.emplace_back(std::string(event), Series{});
    it = events_.end() - 1;
  }
  Series& s = it->second;
  auto latency = static_cast<uint32_t>(std::clamp<int64_t>(ms, 0, UINT32_MAX));
  s.max = std::max(s.max, latency);
  Sample& prev = s.samples[static_cast<size_t>((s.next + kSamples - 1) % kSamples)];
  if (prev.time == now_s) {  // one sample per second: the worst of it
    prev.latency = std::max(prev.latency, latency);
    return;
  }
  s.samples[static_cast<size_t>(s.next)] = Sample{now_s, latency};
  s.next = (s.next + 1) % kSamples;
}

size_t LatencyMonitor::Reset(std::string_view event) {
  size_t before = events_.size();
  std::erase_if(events_, [&](const auto& e) { return event.empty() || EqualsIgnoreCase(e.first, event); });
  return before - events_.size();
}

const LatencyMonitor::Series* LatencyMonitor::Find(std::string_view event) const {
  for (auto& [name, s] : events_) {
    if (name == event) return &s;
  }
  return nullptr;
}

LatencyMonitor::Stats LatencyMonitor::Analyze(const Series& s, int64_t now_s) {
  Stats st;
  uint64_t sum = 0;
  int64_t oldest = 0;
  for (const Sample& x : s.samples) {
    if (x.time == 0) continue;
    st.samples++;
    st.min = st.samples == 1 ? x.latency : std::min(st.min, x.latency);
    st.max = std::max(st.max, x.latency);
    sum += x.latency;
    if (oldest == 0 || x.time < oldest) oldest = x.time;
  }
  if (st.samples == 0) return st;
  st.avg = static_cast<uint32_t>(sum / st.samples);
  st.period = std::max<int64_t>(1, now_s - oldest);
  uint64_t dev = 0;
  for (const Sample& x : s.samples) {
    if (x.time != 0) dev += static_cast<uint64_t>(std::llabs(static_cast<int64_t>(st.avg) - x.latency));
  }
  st.mad = static_cast<uint32_t>(dev / st.samples);
  return st;
}

namespace {

std::string Ago(int64_t secs) {
  if (secs < 60) return std::to_string(secs) + "s";
  if (secs < 3600) return std::to_string(secs / 60) + "m";
  if (secs < 86400) return std::to_string(secs / 3600) + "h";
  return std::to_string(secs / 86400) + "d";
}

}  // namespace

std::string RenderLatencyGraph(std::string_view event, const LatencyMonitor::Series& s, int64_t now_s, int rows) {
  constexpr size_t kCols = 80;
  std::vector<LatencyMonitor::Sample> h = s.History();
  if (h.size() > kCols) h.erase(h.begin(), h.end() - static_cast<std::ptrdiff_t>(kCols));
  uint32_t lo = 0, hi = 0;
  for (size_t i = 0; i < h.size(); i++) {
    lo = i == 0 ? h[i].latency : std::min(lo, h[i].latency);
    hi = std::max(hi, h[i].latency);
  }
  char head[256];
  snprintf(head, sizeof(head), "%.*s - high %lu ms, low %lu ms (all time high %lu ms)\n",
           static_cast<int>(event.size()), event.data(), static_cast<unsigned long>(hi),
           static_cast<unsigned long>(lo), static_cast<unsigned long>(s.max));
  std::string out = head;
  out.append(kCols, '-');
  out += '\n';
  // Bar height of each sample in 1..rows (the lowest sample gets one row, the highest all of them).
  std::vector<int> height(h.size(), 1);
  for (size_t i = 0; i < h.size(); i++) {
    if (hi > lo) height[i] = 1 + static_cast<int>((static_cast<uint64_t>(h[i].latency - lo) * (rows - 1) + (hi - lo) / 2) / (hi - lo));
  }
  for (int r = rows; r >= 1; r--) {
    std::string line;
    for (size_t i = 0; i < h.size(); i++) line += height[i] >= r ? (height[i] == r ? '_' : '|') : ' ';
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  }
  // Labels, written vertically under their column.
  std::vector<std::string> labels;
  size_t longest = 0;
  for (auto& x : h) {
    labels.push_back(Ago(std::max<int64_t>(0, now_s - x.time)));
    longest = std::max(longest, labels.back().size());
  }
  for (size_t r = 0; r < longest; r++) {
    std::string line;
    for (auto& l : labels) line += r < l.size() ? l[r] : ' ';
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  }
  return out;
}

}  // namespace rcs
