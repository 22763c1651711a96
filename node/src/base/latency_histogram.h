// A command-latency histogram with the bucket layout of the HDR histogram redis-server 7.0 uses for
// `latency-tracking` (lowest value 1 ns, highest 1 s, 2 significant figures), so that INFO latencystats
// percentiles and LATENCY HISTOGRAM buckets of the same durations are the same numbers as redis-server's.
//
// Layout (HDR's log-linear scheme, written from its definition): values are nanoseconds; 256 sub-buckets
// per bucket, bucket 0 counts 0..255 exactly, each next bucket doubles the range and the resolution
// (bucket b >= 1 counts [128 << b, 256 << b) in steps of 1 << b); 23 buckets reach past 1e9. The counts
// are one flat array of (23 + 1) * 128 = 3072 slots: index = ((b + 1) << 7) + (sub - 128), where
// b = bit length of (v | 255) - 8 and sub = v >> b.
//
// Invariants: Record clamps to [1, 1e9] as redis-server does; nothing allocates after construction (the
// server allocates a command's histogram at its first call, as redis-server does, so the command path of
// every later call is allocation-free).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace rcs {

class LatencyHistogram {
 public:
  static constexpr int64_t kLowest = 1;             // ns
  static constexpr int64_t kHighest = 1000000000;  // ns (1 s)
  static constexpr int kBuckets = 23;
  static constexpr int kSubBucketHalfMagnitude = 7;  // 128
  static constexpr int kCounts = (kBuckets + 1) << kSubBucketHalfMagnitude;

  void Record(int64_t ns);
  uint64_t total() const { return total_; }

  // The value at percentile p (0..100) as HDR's hdr_value_at_percentile computes it: the highest value
  // equivalent to the first slot where the cumulative count reaches round(p% of total) (the lowest for
  // p == 0). 0 when empty.
  int64_t ValueAtPercentile(double p) const;

  // Walks the counts in steps of powers of two starting at `first` ns (HDR's logarithmic iterator with
  // log base 2, as LATENCY HISTOGRAM uses it with first = 1024): for each step, the highest value
  // equivalent to the slot that reached it and the cumulative count so far. Calls f(value_ns, cumulative).
  void ForEachLogStep(int64_t first, const std::function<void(int64_t, uint64_t)>& f) const;

  // Slot arithmetic, exposed for tests.
  static int SlotOf(int64_t v);
  static int64_t ValueAtSlot(int slot);
  static int64_t LowestEquivalent(int64_t v);
  static int64_t HighestEquivalent(int64_t v);

 private:
  std::array<uint64_t, kCounts> counts_{};
  uint64_t total_ = 0;
};

}  // namespace rcs
