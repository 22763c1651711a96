// Numbers of the Redis this node answers as, written once: the version it reports (INFO, HELLO, the Lua
// redis.REDIS_VERSION constants) and the cluster bus port offset that peers and redis-cli assume.
// The slot count is kClusterSlots in base/crc16.h, next to the hash that produces slots.
#pragma once
#include <string_view>

namespace rcs {

inline constexpr std::string_view kRedisVersion = "7.0.15";
inline constexpr int kRedisVersionNum = 0x0007000f;  // 0x00MMmmpp, as Lua's redis.REDIS_VERSION_NUM

// The bus port is the client port + this unless cluster-port says otherwise (and CLUSTER MEET without a bus
// port assumes it for the peer).
inline constexpr int kClusterBusPortOffset = 10000;

}  // namespace rcs
