// Time source. Everything that depends on time (expiry, timeouts, the cluster bus) reads it from a Clock so
// that tests can move time by hand.
#pragma once
#include <cstdint>

namespace rcs {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;  // wall clock, Unix epoch milliseconds (expiry is absolute Unix time)
  virtual int64_t NowUs() const = 0;  // wall clock, Unix epoch microseconds
  virtual int64_t MonotonicUs() const = 0;  // for durations and timers
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
  int64_t NowUs() const override;
  int64_t MonotonicUs() const override;
  static SystemClock* Instance();
};

// A clock for tests: starts at a fixed time and only moves when told.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1700000000000) : us_(start_ms * 1000) {}
  int64_t NowMs() const override { return us_ / 1000; }
  int64_t NowUs() const override { return us_; }
  int64_t MonotonicUs() const override { return us_; }
  void AdvanceMs(int64_t ms) { us_ += ms * 1000; }
  void SetMs(int64_t ms) { us_ = ms * 1000; }

 private:
  int64_t us_;
};

}  // namespace rcs
