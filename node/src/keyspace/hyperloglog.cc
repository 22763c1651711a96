// HyperLogLog in Redis's string format: see hyperloglog.h for the layout.
#include "keyspace/hyperloglog.h"

#include <cmath>
#include <cstring>

namespace rcs::hll {

namespace {

constexpr uint32_t kSeed = 0xadc83b19u;
constexpr uint64_t kPMask = kRegisters - 1;
constexpr int kRegMax = (1 << kBits) - 1;
constexpr size_t kRegBytes = kDenseSize - kHeaderSize;
constexpr double kAlphaInf = 0.721347520444481703680;  // 0.5 / ln(2)

// Sparse opcodes.
constexpr int kValMaxValue = 32;
constexpr int kValMaxLen = 4;
constexpr int kZeroMaxLen = 64;

inline bool IsZero(uint8_t b) { return (b & 0xc0) == 0; }
inline bool IsXZero(uint8_t b) { return (b & 0xc0) == 0x40; }
inline bool IsVal(uint8_t b) { return (b & 0x80) != 0; }
inline int ZeroLen(uint8_t b) { return (b & 0x3f) + 1; }
inline int XZeroLen(uint8_t b0, uint8_t b1) { return (((b0 & 0x3f) << 8) | b1) + 1; }
inline int ValValue(uint8_t b) { return ((b >> 2) & 0x1f) + 1; }
inline int ValLen(uint8_t b) { return (b & 0x3) + 1; }
inline uint8_t ValOp(int value, int len) { return static_cast<uint8_t>(0x80 | ((value - 1) << 2) | (len - 1)); }
inline uint8_t ZeroOp(int len) { return static_cast<uint8_t>(len - 1); }
inline void XZeroOp(uint8_t* p, int len) {
  int l = len - 1;
  p[0] = static_cast<uint8_t>((l >> 8) | 0x40);
  p[1] = static_cast<uint8_t>(l & 0xff);
}

inline const uint8_t* U8(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }
inline uint8_t* U8(std::string* s) { return reinterpret_cast<uint8_t*>(s->data()); }
// The byte at i, 0 past the end (Redis's sds strings end in a 0 byte that a truncated XZERO reads).
inline uint8_t At(std::string_view s, size_t i) { return i < s.size() ? static_cast<uint8_t>(s[i]) : 0; }

// Dense register access. The last register's byte+1 lies past the registers: it is read as 0 and the
// write there would store nothing (its bits are all above the register), so it is skipped.
inline uint8_t GetDense(const uint8_t* regs, int i) {
  size_t bit = static_cast<size_t>(i) * kBits;
  size_t byte = bit / 8;
  unsigned fb = bit & 7, fb8 = 8 - fb;
  unsigned b0 = regs[byte];
  unsigned b1 = byte + 1 < kRegBytes ? regs[byte + 1] : 0;
  return static_cast<uint8_t>(((b0 >> fb) | (b1 << fb8)) & kRegMax);
}
inline void SetDense(uint8_t* regs, int i, uint8_t val) {
  size_t bit = static_cast<size_t>(i) * kBits;
  size_t byte = bit / 8;
  unsigned fb = bit & 7, fb8 = 8 - fb;
  unsigned v = val;
  regs[byte] = static_cast<uint8_t>((regs[byte] & ~(kRegMax << fb)) | (v << fb));
  if (byte + 1 < kRegBytes) {
    regs[byte + 1] = static_cast<uint8_t>((regs[byte + 1] & ~(kRegMax >> fb8)) | (v >> fb8));
  }
}
// Calls f(i, value) for the 16384 registers in order, four at a time: four 6-bit registers fill three bytes
// exactly (register i at bit 6*i, least significant bits first), so no register straddles a group.
static_assert(kRegisters % 4 == 0 && kRegBytes == kRegisters / 4 * 3);
template <class F>
inline void ForEachDense(const uint8_t* regs, F f) {
  for (int g = 0; g < kRegisters / 4; g++) {
    const unsigned b0 = regs[3 * g], b1 = regs[3 * g + 1], b2 = regs[3 * g + 2];
    f(4 * g, static_cast<uint8_t>(b0 & kRegMax));
    f(4 * g + 1, static_cast<uint8_t>(((b0 >> 6) | (b1 << 2)) & kRegMax));
    f(4 * g + 2, static_cast<uint8_t>(((b1 >> 4) | (b2 << 4)) & kRegMax));
    f(4 * g + 3, static_cast<uint8_t>(b2 >> 2));
  }
}
// One opcode of a sparse value: ZERO ('z') or XZERO ('Z') runs of zero registers, or a VAL ('v') run of
// `len` registers equal to `value` (1..32; 0 for the zero runs), starting at register `first`.
struct SparseRun {
  char kind;
  long first;
  int len;
  int value;
};
// Calls f(run) for the opcodes of the sparse value s in order. f returns false to stop (a corrupt value).
// Returns the number of registers the opcodes cover (kRegisters for a sound value), or -1 when f stopped.
template <class F>
long ForEachSparseRun(std::string_view s, F f) {
  const uint8_t* p = U8(s);
  size_t i = kHeaderSize;
  long idx = 0;
  while (i < s.size()) {
    uint8_t b = p[i];
    SparseRun run;
    if (IsZero(b)) {
      run = {'z', idx, ZeroLen(b), 0};
      i++;
    } else if (IsXZero(b)) {
      run = {'Z', idx, XZeroLen(b, At(s, i + 1)), 0};
      i += 2;
    } else {
      run = {'v', idx, ValLen(b), ValValue(b)};
      i++;
    }
    if (!f(run)) return -1;
    idx += run.len;
  }
  return idx;
}
// 1 if the register was raised.
inline int DenseSet(uint8_t* regs, int i, uint8_t count) {
  if (GetDense(regs, i) >= count) return 0;
  SetDense(regs, i, count);
  return 1;
}

inline bool CacheValid(std::string_view s) { return (static_cast<uint8_t>(s[15]) & 0x80) == 0; }

// Ertl's sigma and tau ("New cardinality estimation algorithms for HyperLogLog sketches", 2017), as
// Redis evaluates them (iterate until the sum stops changing).
double Sigma(double x) {
  if (x == 1.) return INFINITY;
  double z_prime, y = 1, z = x;
  do {
    x *= x;
    z_prime = z;
    z += x * y;
    y += y;
  } while (z_prime != z);
  return z;
}

double Tau(double x) {
  if (x == 0. || x == 1.) return 0.;
  double z_prime, y = 1.0, z = 1 - x;
  do {
    x = std::sqrt(x);
    z_prime = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (z_prime != z);
  return z / 3;
}

uint64_t EstimateHisto(const int* histo) {
  const double m = kRegisters;
  double z = m * Tau((m - histo[kQ + 1]) / m);
  for (int j = kQ; j >= 1; --j) {
    z += histo[j];
    z *= 0.5;
  }
  z += m * Sigma(histo[0] / m);
  return static_cast<uint64_t>(std::llround(kAlphaInf * m * m / z));
}

// Register histogram of a value (dense or sparse). False if sparse opcodes do not cover 16384 registers.
bool Histogram(std::string_view s, int* histo) {
  const uint8_t* p = U8(s);
  if (s[4] == static_cast<char>(kDense)) {
    const uint8_t* regs = p + kHeaderSize;
    ForEachDense(regs, [histo](int, uint8_t v) { histo[v]++; });
    return true;
  }
  return ForEachSparseRun(s, [histo](const SparseRun& run) {
           histo[run.value] += run.len;
           return true;
         }) == kRegisters;
}

}  // namespace

uint64_t MurmurHash64A(const void* key, size_t len, uint32_t seed) {
  const uint64_t m = 0xc6a4a7935bd1e995ULL;
  const int r = 47;
  uint64_t h = seed ^ (static_cast<uint64_t>(len) * m);
  const uint8_t* data = static_cast<const uint8_t*>(key);
  const uint8_t* end = data + (len - (len & 7));
  while (data != end) {
    uint64_t k = 0;
    for (int b = 7; b >= 0; b--) k = (k << 8) | data[b];  // little-endian on every host, as Redis reads it
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
    data += 8;
  }
  switch (len & 7) {
    case 7: h ^= static_cast<uint64_t>(data[6]) << 48; [[fallthrough]];
    case 6: h ^= static_cast<uint64_t>(data[5]) << 40; [[fallthrough]];
    case 5: h ^= static_cast<uint64_t>(data[4]) << 32; [[fallthrough]];
    case 4: h ^= static_cast<uint64_t>(data[3]) << 24; [[fallthrough]];
    case 3: h ^= static_cast<uint64_t>(data[2]) << 16; [[fallthrough]];
    case 2: h ^= static_cast<uint64_t>(data[1]) << 8; [[fallthrough]];
    case 1:
      h ^= static_cast<uint64_t>(data[0]);
      h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

int PatternLength(std::string_view element, int* reg) {
  uint64_t hash = MurmurHash64A(element.data(), element.size(), kSeed);
  *reg = static_cast<int>(hash & kPMask);
  hash >>= kP;
  hash |= uint64_t{1} << kQ;  // the count is at most Q+1
  int count = 1;
  uint64_t bit = 1;
  while ((hash & bit) == 0) {
    count++;
    bit <<= 1;
  }
  return count;
}

bool IsHll(std::string_view s) {
  if (s.size() < kHeaderSize) return false;
  if (s.substr(0, 4) != "HYLL") return false;
  uint8_t enc = static_cast<uint8_t>(s[4]);
  if (enc > kSparse) return false;
  if (enc == kDense && s.size() != kDenseSize) return false;
  return true;
}

std::string NewSparse() {
  std::string s(kHeaderSize + 2, '\0');
  memcpy(s.data(), "HYLL", 4);
  s[4] = static_cast<char>(kSparse);
  XZeroOp(U8(&s) + kHeaderSize, kRegisters);
  return s;
}

bool IsDense(std::string_view s) { return s.size() > 4 && s[4] == static_cast<char>(kDense); }

void InvalidateCache(char* value) { value[15] = static_cast<char>(static_cast<uint8_t>(value[15]) | 0x80); }
void InvalidateCache(std::string* s) { InvalidateCache(s->data()); }

bool SparseToDense(std::string* s) {
  if (IsDense(*s)) return true;
  std::string dense(kDenseSize, '\0');
  memcpy(dense.data(), s->data(), kHeaderSize);  // magic and the cached cardinality
  dense[4] = static_cast<char>(kDense);
  uint8_t* regs = U8(&dense) + kHeaderSize;
  long covered = ForEachSparseRun(*s, [regs](const SparseRun& run) {
    if (run.value == 0) return true;                         // registers start at 0
    if (run.first + run.len > kRegisters) return false;      // a VAL past the last register: corrupt at once
    for (int k = 0; k < run.len; k++) SetDense(regs, static_cast<int>(run.first + k), static_cast<uint8_t>(run.value));
    return true;
  });
  if (covered != kRegisters) return false;
  *s = std::move(dense);
  return true;
}

int SetRegister(std::string* s, int index, uint8_t count, size_t sparse_max_bytes) {
  if (IsDense(*s)) return DenseSet(U8(s) + kHeaderSize, index, count);
  if (s->size() < kHeaderSize || (*s)[4] != static_cast<char>(kSparse)) return -1;
  if (count > kValMaxValue) goto promote;
  {
    // Step 1: find the opcode covering `index`.
    const size_t sparse = kHeaderSize;
    size_t end = s->size();
    size_t p = sparse;
    bool has_prev = false;
    size_t prev = 0;
    long first = 0, span = 0;
    while (p < end) {
      uint8_t b = static_cast<uint8_t>((*s)[p]);
      size_t oplen = 1;
      if (IsZero(b)) {
        span = ZeroLen(b);
      } else if (IsVal(b)) {
        span = ValLen(b);
      } else {
        span = XZeroLen(b, At(*s, p + 1));
        oplen = 2;
      }
      if (index <= first + span - 1) break;
      prev = p;
      has_prev = true;
      p += oplen;
      first += span;
    }
    if (span == 0 || p >= end) return -1;

    uint8_t op = static_cast<uint8_t>((*s)[p]);
    bool is_zero = IsZero(op), is_xzero = IsXZero(op), is_val = IsVal(op);
    long runlen = is_zero ? ZeroLen(op) : is_xzero ? XZeroLen(op, At(*s, p + 1)) : ValLen(op);

    // Step 2: the trivial cases (a VAL already high enough; a one-register VAL or ZERO rewritten in place).
    bool done = false;
    if (is_val) {
      if (ValValue(op) >= count) return 0;
      if (runlen == 1) {
        (*s)[p] = static_cast<char>(ValOp(count, 1));
        done = true;
      }
    }
    if (!done && is_zero && runlen == 1) {
      (*s)[p] = static_cast<char>(ValOp(count, 1));
      done = true;
    }
    if (!done) {
      // General case: split the opcode into up to three (ZERO/XZERO - VAL - ZERO/XZERO, or VAL - VAL - VAL).
      uint8_t seq[5];
      size_t n = 0;
      long last = first + span - 1;
      if (is_zero || is_xzero) {
        auto zeros = [&](long len) {
          if (len > kZeroMaxLen) {
            XZeroOp(seq + n, static_cast<int>(len));
            n += 2;
          } else {
            seq[n++] = ZeroOp(static_cast<int>(len));
          }
        };
        if (index != first) zeros(index - first);
        seq[n++] = ValOp(count, 1);
        if (index != last) zeros(last - index);
      } else {
        int cur = ValValue(op);
        if (index != first) seq[n++] = ValOp(cur, static_cast<int>(index - first));
        seq[n++] = ValOp(count, 1);
        if (index != last) seq[n++] = ValOp(cur, static_cast<int>(last - index));
      }
      size_t oldlen = is_xzero ? 2 : 1;
      long delta = static_cast<long>(n) - static_cast<long>(oldlen);
      if (delta > 0 && s->size() + static_cast<size_t>(delta) > sparse_max_bytes) goto promote;
      s->replace(p, oldlen, reinterpret_cast<const char*>(seq), n);
      end = s->size();
    }

    // Step 3: merge equal adjacent VALs, scanning up to 5 opcodes from the one before the change.
    p = has_prev ? prev : sparse;
    int scanlen = 5;
    while (p < end && scanlen-- != 0) {
      uint8_t b = static_cast<uint8_t>((*s)[p]);
      if (IsXZero(b)) {
        p += 2;
        continue;
      }
      if (IsZero(b)) {
        p++;
        continue;
      }
      if (p + 1 < end && IsVal(static_cast<uint8_t>((*s)[p + 1]))) {
        uint8_t b2 = static_cast<uint8_t>((*s)[p + 1]);
        int v1 = ValValue(b), v2 = ValValue(b2);
        if (v1 == v2) {
          int len = ValLen(b) + ValLen(b2);
          if (len <= kValMaxLen) {
            (*s)[p + 1] = static_cast<char>(ValOp(v1, len));
            s->erase(p, 1);
            end--;
            continue;  // try again with the merged opcode and its right neighbour
          }
        }
      }
      p++;
    }
    InvalidateCache(s);
    return 1;
  }
promote:
  if (!SparseToDense(s)) return -1;
  // A promotion happens only when a register must change, so this reports 1.
  return DenseSet(U8(s) + kHeaderSize, index, count);
}

int Add(std::string* s, std::string_view element, size_t sparse_max_bytes) {
  int reg;
  int count = PatternLength(element, &reg);
  return SetRegister(s, reg, static_cast<uint8_t>(count), sparse_max_bytes);
}

int AddDense(char* value, std::string_view element) {
  int reg;
  int count = PatternLength(element, &reg);
  return DenseSet(reinterpret_cast<uint8_t*>(value) + kHeaderSize, reg, static_cast<uint8_t>(count));
}

bool Estimate(std::string_view s, uint64_t* card) {
  int histo[64] = {0};
  if (!Histogram(s, histo)) return false;
  *card = EstimateHisto(histo);
  return true;
}

bool CachedCardinality(std::string_view s, uint64_t* card) {
  if (!CacheValid(s)) return false;
  const uint8_t* p = U8(s);
  uint64_t c = 0;
  for (int b = 7; b >= 0; b--) c = (c << 8) | p[8 + b];
  *card = c;
  return true;
}

void WriteCache(char* value, uint64_t card) {
  for (int b = 0; b < 8; b++) value[8 + b] = static_cast<char>((card >> (8 * b)) & 0xff);
}

bool Count(std::string* s, uint64_t* card, bool* cache_written) {
  *cache_written = false;
  if (CachedCardinality(*s, card)) return true;
  if (!Estimate(*s, card)) return false;
  WriteCache(s->data(), *card);
  *cache_written = true;
  return true;
}

bool MergeInto(std::string_view s, uint8_t* max) {
  const uint8_t* p = U8(s);
  if (IsDense(s)) {
    ForEachDense(p + kHeaderSize, [max](int i, uint8_t v) {
      if (v > max[i]) max[i] = v;
    });
    return true;
  }
  return ForEachSparseRun(s, [max](const SparseRun& run) {
           if (run.value == 0) return true;                     // a zero raises no maximum
           if (run.first + run.len > kRegisters) return false;  // corrupt at once, even if the count ends right
           auto val = static_cast<uint8_t>(run.value);
           for (long r = run.first; r < run.first + run.len; r++) {
             if (val > max[r]) max[r] = val;
           }
           return true;
         }) == kRegisters;
}

uint64_t EstimateRegisters(const uint8_t* regs) {
  int histo[64] = {0};
  for (int i = 0; i < kRegisters; i++) histo[regs[i] & 63]++;
  return EstimateHisto(histo);
}

uint8_t DenseRegister(std::string_view s, int i) { return GetDense(U8(s) + kHeaderSize, i); }

bool DecodeSparse(std::string_view s, std::string* out) {
  if (s.size() < kHeaderSize || s[4] != static_cast<char>(kSparse)) return false;
  out->clear();
  ForEachSparseRun(s, [out](const SparseRun& run) {
    *out += run.kind;
    *out += ':';
    if (run.kind == 'v') *out += std::to_string(run.value) + ",";
    *out += std::to_string(run.len) + " ";
    return true;
  });
  while (!out->empty() && out->back() == ' ') out->pop_back();
  return true;
}

}  // namespace rcs::hll
