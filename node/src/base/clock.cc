#include "base/clock.h"

#include <time.h>

namespace rcs {

static int64_t ReadUs(clockid_t id) {
  timespec ts;
  clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

int64_t SystemClock::NowMs() const { return ReadUs(CLOCK_REALTIME) / 1000; }
int64_t SystemClock::NowUs() const { return ReadUs(CLOCK_REALTIME); }
int64_t SystemClock::MonotonicUs() const { return ReadUs(CLOCK_MONOTONIC); }
SystemClock* SystemClock::Instance() {
  static SystemClock clock;
  return &clock;
}

}  // namespace rcs
