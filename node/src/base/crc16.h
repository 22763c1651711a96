// Key hash slots as Redis Cluster defines them: CRC16-XMODEM (poly 0x1021, init 0) of the key, or of the
// first non-empty "{...}" hash tag in it, modulo 16384.
//
// Every keyspace operation needs its key's slot, so KeyHashSlot computes the CRC 8 bytes at a time
// (slicing-by-8) with the check for '{' folded into the same pass; only a key that contains a '{' takes
// the plain path through HashTagOf.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace rcs {

constexpr int kClusterSlots = 16384;

uint16_t Crc16(std::string_view data);
// The part of the key that is hashed: the content of the first "{...}" if it is non-empty, else the key.
std::string_view HashTagOf(std::string_view key);

namespace crc16_internal {
// kTables[k][v] = v * x^(16 + 8k) mod P (P = x^16 + x^12 + x^5 + 1): the CRC contribution of byte v
// followed by k more bytes. kTables[0] is the classic bytewise table.
constexpr std::array<std::array<uint16_t, 256>, 8> MakeTables() {
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
inline constexpr auto kTables = MakeTables();

inline bool HasByte(uint64_t word, uint8_t c) {
  uint64_t x = word ^ (0x0101010101010101ull * c);
  return ((x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull) != 0;
}
}  // namespace crc16_internal

inline int KeyHashSlot(std::string_view key) {
  using crc16_internal::kTables;
  const auto* p = reinterpret_cast<const uint8_t*>(key.data());
  size_t n = key.size();
  uint16_t crc = 0;
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    if (crc16_internal::HasByte(w, '{')) return Crc16(HashTagOf(key)) & (kClusterSlots - 1);
    w = __builtin_bswap64(w) ^ (static_cast<uint64_t>(crc) << 48);
    crc = kTables[7][w >> 56] ^ kTables[6][(w >> 48) & 0xff] ^ kTables[5][(w >> 40) & 0xff] ^
          kTables[4][(w >> 32) & 0xff] ^ kTables[3][(w >> 24) & 0xff] ^ kTables[2][(w >> 16) & 0xff] ^
          kTables[1][(w >> 8) & 0xff] ^ kTables[0][w & 0xff];
    p += 8;
    n -= 8;
  }
  while (n--) {
    uint8_t c = *p++;
    if (c == '{') return Crc16(HashTagOf(key)) & (kClusterSlots - 1);
    crc = static_cast<uint16_t>((crc << 8) ^ kTables[0][((crc >> 8) ^ c) & 0xff]);
  }
  return crc & (kClusterSlots - 1);
}

}  // namespace rcs
