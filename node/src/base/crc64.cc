#include "base/crc64.h"

#include <array>

namespace rcs {

namespace {

constexpr uint64_t kCrc64Poly = 0x95ac9329ac4bc9b5ULL;  // 0xad93d23594c935a9 bit-reflected

// Slicing-by-8: kTables[k][v] is the CRC contribution of byte v followed by k zero bytes, so 8 input bytes
// are folded per step (an RDB file is checked whole at load).
constexpr std::array<std::array<uint64_t, 256>, 8> MakeTables() {
  std::array<std::array<uint64_t, 256>, 8> t{};
  for (uint64_t i = 0; i < 256; i++) {
    uint64_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ kCrc64Poly : c >> 1;
    t[0][i] = c;
  }
  for (int k = 1; k < 8; k++) {
    for (int i = 0; i < 256; i++) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
  }
  return t;
}

constexpr std::array<std::array<uint64_t, 256>, 8> kTables = MakeTables();

}  // namespace

uint64_t Crc64(uint64_t crc, const void* data, size_t len) {
  const auto* p = static_cast<const unsigned char*>(data);
  while (len >= 8) {
    uint64_t w = 0;
    for (int i = 0; i < 8; i++) w |= static_cast<uint64_t>(p[i]) << (8 * i);
    crc ^= w;
    crc = kTables[7][crc & 0xff] ^ kTables[6][(crc >> 8) & 0xff] ^ kTables[5][(crc >> 16) & 0xff] ^
          kTables[4][(crc >> 24) & 0xff] ^ kTables[3][(crc >> 32) & 0xff] ^ kTables[2][(crc >> 40) & 0xff] ^
          kTables[1][(crc >> 48) & 0xff] ^ kTables[0][crc >> 56];
    p += 8;
    len -= 8;
  }
  while (len-- > 0) crc = kTables[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

}  // namespace rcs
