#include "base/latency_histogram.h"

#include <algorithm>
#include <bit>

namespace rcs {

namespace {

constexpr int kHalf = 1 << LatencyHistogram::kSubBucketHalfMagnitude;  // 128
constexpr uint64_t kSubBucketMask = 2 * kHalf - 1;                     // 255

// The bucket of a value: how far its bit length reaches past 8 bits (0 for 0..255).
int BucketOf(int64_t v) {
  return std::bit_width(static_cast<uint64_t>(v) | kSubBucketMask) - (LatencyHistogram::kSubBucketHalfMagnitude + 1);
}

}  // namespace

int LatencyHistogram::SlotOf(int64_t v) {
  int b = BucketOf(v);
  int64_t sub = v >> b;
  return static_cast<int>(((b + 1) << kSubBucketHalfMagnitude) + (sub - kHalf));
}

int64_t LatencyHistogram::ValueAtSlot(int slot) {
  int b = (slot >> kSubBucketHalfMagnitude) - 1;
  int64_t sub = (slot & (kHalf - 1)) + kHalf;
  if (b < 0) {
    sub -= kHalf;
    b = 0;
  }
  return sub << b;
}

int64_t LatencyHistogram::LowestEquivalent(int64_t v) {
  int b = BucketOf(v);
  return (v >> b) << b;
}

int64_t LatencyHistogram::HighestEquivalent(int64_t v) {
  int b = BucketOf(v);
  return LowestEquivalent(v) + (int64_t{1} << b) - 1;
}

void LatencyHistogram::Record(int64_t ns) {
  ns = std::clamp(ns, kLowest, kHighest);
  counts_[static_cast<size_t>(SlotOf(ns))]++;
  total_++;
}

int64_t LatencyHistogram::ValueAtPercentile(double p) const {
  double requested = p < 100.0 ? p : 100.0;
  auto wanted = static_cast<int64_t>((requested / 100) * static_cast<double>(total_) + 0.5);
  uint64_t target = wanted > 0 ? static_cast<uint64_t>(wanted) : 1;
  int64_t value = 0;
  uint64_t cumulative = 0;
  for (int i = 0; i < kCounts; i++) {
    cumulative += counts_[static_cast<size_t>(i)];
    if (cumulative >= target) {
      value = ValueAtSlot(i);
      break;
    }
  }
  return p == 0.0 ? LowestEquivalent(value) : HighestEquivalent(value);
}

void LatencyHistogram::ForEachLogStep(int64_t first, const std::function<void(int64_t, uint64_t)>& f) const {
  int64_t level = first;
  int64_t level_low = LowestEquivalent(level);
  int slot = -1;
  int64_t value = 0, highest = 0;
  uint64_t cumulative = 0;
  // Each step either reports and doubles the level or consumes a slot: bounded by both counts.
  for (int steps = 0; steps < kCounts + 128; steps++) {
    bool more = cumulative < total_ || (slot < kCounts && ValueAtSlot(slot + 1) > level_low);
    if (!more) return;
    bool reported = false;
    while (!reported) {
      if (value >= level_low) {
        f(highest, cumulative);
        if (level > (INT64_MAX >> 1)) return;
        level *= 2;
        level_low = LowestEquivalent(level);
        reported = true;
        break;
      }
      if (++slot >= kCounts) {  // past the last slot: the step ends with what was reached
        f(highest, cumulative);
        return;
      }
      cumulative += counts_[static_cast<size_t>(slot)];
      value = ValueAtSlot(slot);
      highest = HighestEquivalent(value);
    }
  }
}

}  // namespace rcs
