#include "base/crc64.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace rcs {

namespace {

constexpr uint64_t kCrc64Poly = 0x95ac9329ac4bc9b5ULL;  // 0xad93d23594c935a9 bit-reflected

// Slicing-by-8: kTables[k][v] is the CRC contribution of byte v followed by k zero bytes, so 8 input bytes
// are folded per step (short inputs, the tail of long ones, and CPUs without carry-less multiply).
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

uint64_t Crc64Tables(uint64_t crc, const unsigned char* p, size_t len) {
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

#if defined(__x86_64__)

// Folding with carry-less multiplication (PCLMULQDQ), the method of Intel's "Fast CRC Computation for
// Generic Polynomials Using PCLMULQDQ", derived here for this polynomial:
//
// With a zero starting state, the CRC of a message is that of the message XOR-ed with any multiple of the
// polynomial P, and the state after 8 bytes can be XOR-ed into the next 8 (the table loop above does it).
// So the running CRC is XOR-ed into the first 16-byte block, which becomes a 128-bit accumulator A; the
// block 16*d bytes further on is reached by replacing A with a 128-bit value congruent to A * x^(128 d)
// mod P and XOR-ing the data into it. In the reflected bit order (bit i of the little-endian 128-bit value
// is the coefficient of x^(127-i)), A = Alo * x^64 + Ahi, and a carry-less product of two reflected 64-bit
// values is their polynomial product times x. Hence
//   A * x^(8n) == clmul(Alo, rev(x^(8n+63) mod P)) ^ clmul(Ahi, rev(x^(8n-1) mod P))   (n = 16 d bytes),
// each product 127 bits. At the end the accumulator is reduced by the table loop (its 16 bytes from a zero
// state), and the tail too.
constexpr uint64_t kPolyNormal = 0xad93d23594c935a9ULL;

// x^n mod P, coefficients in the normal order (bit i is x^i).
constexpr uint64_t XPowModP(unsigned n) {
  uint64_t r = 1;
  for (unsigned i = 0; i < n; i++) {
    bool top = (r >> 63) != 0;
    r <<= 1;
    if (top) r ^= kPolyNormal;
  }
  return r;
}

constexpr uint64_t Reverse64(uint64_t v) {
  uint64_t r = 0;
  for (int i = 0; i < 64; i++) {
    r = (r << 1) | (v & 1);
    v >>= 1;
  }
  return r;
}

// The two constants folding an accumulator forward by `bytes`: {for Alo, for Ahi}.
struct FoldConstants {
  uint64_t lo, hi;
};
constexpr FoldConstants Fold(unsigned bytes) {
  return {Reverse64(XPowModP(8 * bytes + 63)), Reverse64(XPowModP(8 * bytes - 1))};
}

constexpr FoldConstants kFold16 = Fold(16);
constexpr FoldConstants kFold64 = Fold(64);

__attribute__((target("pclmul,sse2"))) inline __m128i FoldStep(__m128i acc, __m128i k, __m128i data) {
  __m128i lo = _mm_clmulepi64_si128(acc, k, 0x00);  // Alo * k.lo
  __m128i hi = _mm_clmulepi64_si128(acc, k, 0x11);  // Ahi * k.hi
  return _mm_xor_si128(_mm_xor_si128(lo, hi), data);
}

__attribute__((target("pclmul,sse2"))) uint64_t Crc64Clmul(uint64_t crc, const unsigned char* p, size_t len) {
  // len >= 64.
  const __m128i k16 = _mm_set_epi64x(static_cast<long long>(kFold16.hi), static_cast<long long>(kFold16.lo));
  const __m128i k64 = _mm_set_epi64x(static_cast<long long>(kFold64.hi), static_cast<long long>(kFold64.lo));
  auto load = [](const unsigned char* q) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(q)); };
  // Four accumulators 16 bytes apart, each folded forward by 64 bytes per step: independent chains.
  __m128i a0 = _mm_xor_si128(load(p), _mm_set_epi64x(0, static_cast<long long>(crc)));
  __m128i a1 = load(p + 16), a2 = load(p + 32), a3 = load(p + 48);
  p += 64;
  len -= 64;
  while (len >= 64) {
    a0 = FoldStep(a0, k64, load(p));
    a1 = FoldStep(a1, k64, load(p + 16));
    a2 = FoldStep(a2, k64, load(p + 32));
    a3 = FoldStep(a3, k64, load(p + 48));
    p += 64;
    len -= 64;
  }
  // Into one accumulator (a0 and a1 are 16 bytes before the next one), then 16 bytes at a time.
  a1 = FoldStep(a0, k16, a1);
  a2 = FoldStep(a1, k16, a2);
  __m128i a = FoldStep(a2, k16, a3);
  while (len >= 16) {
    a = FoldStep(a, k16, load(p));
    p += 16;
    len -= 16;
  }
  unsigned char bytes[16];
  _mm_storeu_si128(reinterpret_cast<__m128i*>(bytes), a);
  return Crc64Tables(Crc64Tables(0, bytes, 16), p, len);
}

bool HaveClmul() {
  static const bool have = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse2");
  return have;
}

#endif

}  // namespace

uint64_t Crc64(uint64_t crc, const void* data, size_t len) {
  const auto* p = static_cast<const unsigned char*>(data);
#if defined(__x86_64__)
  if (len >= 64 && HaveClmul()) return Crc64Clmul(crc, p, len);
#endif
  return Crc64Tables(crc, p, len);
}

uint64_t Crc64Portable(uint64_t crc, const void* data, size_t len) {
  return Crc64Tables(crc, static_cast<const unsigned char*>(data), len);
}

}  // namespace rcs
