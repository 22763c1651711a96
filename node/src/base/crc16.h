// Key hash slots as Redis Cluster defines them: CRC16-XMODEM (poly 0x1021, init 0) of the key, or of the
// first non-empty "{...}" hash tag in it, modulo 16384.
#pragma once
#include <cstdint>
#include <string_view>

namespace rcs {

constexpr int kClusterSlots = 16384;

uint16_t Crc16(std::string_view data);
// The part of the key that is hashed: the content of the first "{...}" if it is non-empty, else the key.
std::string_view HashTagOf(std::string_view key);
inline int KeyHashSlot(std::string_view key) { return Crc16(HashTagOf(key)) & (kClusterSlots - 1); }

}  // namespace rcs
