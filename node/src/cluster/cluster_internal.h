// Helpers shared by the files that implement the Cluster class (not part of its interface).
#pragma once
#include <cstdint>
#include <string>

#include "base/random.h"
#include "base/redis_compat.h"
#include "server/config.h"

namespace rcs::cluster {

inline constexpr int64_t kForgetBlacklistMs = 60000;
inline constexpr int64_t kFailUndoTimeMult = 2;         // FAIL of a master with slots clears after 2 x timeout
inline constexpr int64_t kFailReportValidityMult = 2;   // a failure report counts for 2 x timeout
inline constexpr int64_t kWritableDelayMs = 2000;       // a restarted master with slots: "ok" only after this

// The port the bus listens on (before cluster-announce-bus-port, which only changes what is announced).
inline int BusPort(const Config& cfg) {
  return cfg.cluster_port ? cfg.cluster_port : cfg.port + kClusterBusPortOffset;
}

}  // namespace rcs::cluster
