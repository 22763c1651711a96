// The keyspace's hash slot computation: the same result as KeyHashSlot (base/crc16.h), computed 8 bytes at a
// time (slicing-by-8 CRC16-XMODEM) and with the hash-tag check folded into the same pass, because every
// keyspace operation needs the slot of its key.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "base/crc16.h"

namespace rcs::ks {

// kCrcTables[k][v] = v * x^(16 + 8k) mod P (P = x^16 + x^12 + x^5 + 1): the CRC contribution of byte v
// followed by k more bytes.
constexpr std::array<std::array<uint16_t, 256>, 8> MakeCrcTables() {
  std::array<std::array<uint16_t, 256>, 8> t{};
  for (int i = 0; i < 256; i++) {
    uint16_t crc = static_cast<uint16_t>(i << 8);
    for (int b = 0; b < 8; b++) {
      crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021) : static_cast<uint16_t>(crc << 1);
    }
    t[0][i] = crc;
  }
  for (int k = 1; k < 8; k++) {
    for (int i = 0; i < 256; i++) {
      uint16_t prev = t[k - 1][i];
      t[k][i] = static_cast<uint16_t>((prev << 8) ^ t[0][prev >> 8]);
    }
  }
  return t;
}
inline constexpr auto kCrcTables = MakeCrcTables();

inline bool HasByte(uint64_t word, uint8_t c) {
  uint64_t x = word ^ (0x0101010101010101ull * c);
  return ((x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull) != 0;
}

// Crc16(key) & 16383, or KeyHashSlot(key) when the key contains a '{'.
inline int SlotOf(std::string_view key) {
  const auto* p = reinterpret_cast<const uint8_t*>(key.data());
  size_t n = key.size();
  uint16_t crc = 0;
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    if (HasByte(w, '{')) return KeyHashSlot(key);
    w = __builtin_bswap64(w) ^ (static_cast<uint64_t>(crc) << 48);
    crc = kCrcTables[7][w >> 56] ^ kCrcTables[6][(w >> 48) & 0xff] ^ kCrcTables[5][(w >> 40) & 0xff] ^
          kCrcTables[4][(w >> 32) & 0xff] ^ kCrcTables[3][(w >> 24) & 0xff] ^ kCrcTables[2][(w >> 16) & 0xff] ^
          kCrcTables[1][(w >> 8) & 0xff] ^ kCrcTables[0][w & 0xff];
    p += 8;
    n -= 8;
  }
  while (n--) {
    uint8_t c = *p++;
    if (c == '{') return KeyHashSlot(key);
    crc = static_cast<uint16_t>((crc << 8) ^ kCrcTables[0][((crc >> 8) ^ c) & 0xff]);
  }
  return crc & (kClusterSlots - 1);
}

}  // namespace rcs::ks
