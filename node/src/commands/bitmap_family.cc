// Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.
//
// Bitmaps are plain string values (keyspace.h keeps them inline in the entry). Bit 0 is the most
// significant bit of byte 0, as in Redis. A write that stays within the value's length changes the bytes
// in place (Entry::mutable_str); one that reaches further first grows the value with zero bytes
// (Keyspace::GrowString: a realloc, not a copy of the whole bitmap), keeping its TTL. The argument
// checks, their order, and which errors win over a missing key follow Redis 7.0's bitops.c (BITCOUNT and
// BITPOS look the key up before parsing their range: a missing key answers 0 / -1 whatever the range
// says).
//
// Propagation: every write is propagated as the command itself (the result depends only on the value
// and the arguments).
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "base/strutil.h"
#include "protocol/errors.h"
#include "server/client.h"
#include "server/command.h"
#include "server/server.h"

namespace rcs {

namespace {

// The master's stream and the AOF must apply what the master accepted, whatever our limits say.
bool MustObeyClient(CommandContext& ctx) {
  return ctx.server.loading() || (ctx.client != nullptr && ctx.client->has(kClientMaster));
}

// Redis reads these arguments as C strings: an embedded NUL ends them.
std::string_view CStr(std::string_view s) {
  size_t nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

// A bit offset: a non-negative integer whose byte is below proto-max-bulk-len; with `hash`, "#N" means
// N * bits (BITFIELD's field-index form). False after replying.
bool ParseBitOffset(CommandContext& ctx, std::string_view arg, bool hash, int bits, uint64_t* out) {
  std::string_view s = CStr(arg);
  bool use_hash = hash && s.size() > 1 && s[0] == '#';
  int64_t v;
  if (!ParseInt64(use_hash ? s.substr(1) : s, &v)) {
    ctx.reply.Error(err::kBitOffset);
    return false;
  }
  if (use_hash) v = static_cast<int64_t>(static_cast<uint64_t>(v) * static_cast<uint64_t>(bits));  // wraps as in C
  if (v < 0 || (!MustObeyClient(ctx) && (v >> 3) >= ctx.server.config().proto_max_bulk_len)) {
    ctx.reply.Error(err::kBitOffset);
    return false;
  }
  *out = static_cast<uint64_t>(v);
  return true;
}

// BITFIELD's type: i1..i64 or u1..u63 ("I8" is refused). False after replying.
bool ParseBitfieldType(CommandContext& ctx, std::string_view arg, bool* sign, int* bits) {
  std::string_view s = CStr(arg);
  if (s.empty()) return ctx.reply.Error(err::kBitfieldType), false;
  char c = s[0];
  if (c == 'i') *sign = true;  // lower case only, as 7.0 checks
  else if (c == 'u') *sign = false;
  else return ctx.reply.Error(err::kBitfieldType), false;
  int64_t n;
  if (!ParseInt64(s.substr(1), &n) || n < 1 || (*sign && n > 64) || (!*sign && n > 63)) {
    ctx.reply.Error(err::kBitfieldType);
    return false;
  }
  *bits = static_cast<int>(n);
  return true;
}

// The string at `key` made long enough to hold bit `maxbit` (created or zero-extended, TTL kept).
// Returns the writable bytes and sets *len, or nullptr after replying WRONGTYPE. *grown: created or longer.
char* StringForBitWrite(CommandContext& ctx, std::string_view key, uint64_t maxbit, size_t* len, bool* grown) {
  const size_t need = static_cast<size_t>(maxbit >> 3) + 1;
  Entry* e = ctx.db.FindWrite(key);
  *grown = false;
  if (e != nullptr && e->type() != ObjType::kString) {
    ctx.reply.Error(err::kWrongType);
    return nullptr;
  }
  if (e == nullptr) {
    e = ctx.db.SetString(key, std::string(need, '\0'));
    *grown = true;
  } else if (e->str().size() < need) {
    e = ctx.db.GrowString(key, need);
    *grown = true;
  }
  *len = e->str().size();
  return e->mutable_str();
}

// ---- SETBIT / GETBIT ----

void SetbitCmd(CommandContext& ctx) {
  uint64_t offset;
  if (!ParseBitOffset(ctx, ctx.arg(2), false, 0, &offset)) return;
  int64_t on;
  if (!ParseInt64(ctx.arg(3), &on) || (on & ~int64_t{1}) != 0) return ctx.reply.Error(err::kBitValue);
  size_t len;
  bool grown;
  char* p = StringForBitWrite(ctx, ctx.arg(1), offset, &len, &grown);
  if (p == nullptr) return;
  const size_t byte = offset >> 3;
  const int bit = 7 - static_cast<int>(offset & 7);
  uint8_t v = static_cast<uint8_t>(p[byte]);
  int old = (v >> bit) & 1;
  if (grown || old != on) {
    v = static_cast<uint8_t>((v & ~(1u << bit)) | (static_cast<unsigned>(on) << bit));
    p[byte] = static_cast<char>(v);
    ctx.dirty = 1;
  }
  ctx.reply.Integer(old);
}

void GetbitCmd(CommandContext& ctx) {
  uint64_t offset;
  if (!ParseBitOffset(ctx, ctx.arg(2), false, 0, &offset)) return;
  Entry* e = ctx.db.FindRead(ctx.arg(1));
  if (e == nullptr) return ctx.reply.Integer(0);
  if (e->type() != ObjType::kString) return ctx.reply.Error(err::kWrongType);
  std::string_view s = e->str();
  size_t byte = offset >> 3;
  int bit = 7 - static_cast<int>(offset & 7);
  ctx.reply.Integer(byte < s.size() ? (static_cast<uint8_t>(s[byte]) >> bit) & 1 : 0);
}

// ---- BITCOUNT / BITPOS ----

// Resolves a [start, end] range (negative = from the end) over `total` units the way Redis 7.0 does.
// False when the range is empty.
bool ResolveRange(int64_t* start, int64_t* end, int64_t total) {
  if (*start < 0) *start = total + *start;
  if (*end < 0) *end = total + *end;
  if (*start < 0) *start = 0;
  if (*end < 0) *end = 0;
  if (*end >= total) *end = total - 1;
  return *start <= *end;
}

inline int BitAt(const uint8_t* p, uint64_t i) { return (p[i >> 3] >> (7 - (i & 7))) & 1; }

// Set bits in `words` 64-bit words at p. The build targets baseline x86-64 (no POPCNT instruction), where
// std::popcount is a dozen instructions per word; a CPU that has POPCNT (every x86-64 since 2008) gets a
// copy of the loop compiled for it, picked once at run time.
inline int64_t PopcountWords(const uint8_t* p, size_t words) {
  int64_t n = 0;
  for (size_t i = 0; i < words; i++) {
    uint64_t w;
    memcpy(&w, p + 8 * i, 8);
    n += std::popcount(w);
  }
  return n;
}
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("popcnt"))) int64_t PopcountWordsHw(const uint8_t* p, size_t words) {
  int64_t n = 0;
  for (size_t i = 0; i < words; i++) {
    uint64_t w;
    memcpy(&w, p + 8 * i, 8);
    n += __builtin_popcountll(w);
  }
  return n;
}
int64_t CountWords(const uint8_t* p, size_t words) {
  static const bool hw = __builtin_cpu_supports("popcnt");
  return hw ? PopcountWordsHw(p, words) : PopcountWords(p, words);
}
#else
int64_t CountWords(const uint8_t* p, size_t words) { return PopcountWords(p, words); }
#endif

// Set bits in bit positions [from, to] of p.
int64_t PopcountBits(const uint8_t* p, uint64_t from, uint64_t to) {
  int64_t n = 0;
  while (from <= to && (from & 7) != 0) n += BitAt(p, from++);
  if (from + 63 <= to) {
    size_t words = static_cast<size_t>((to + 1 - from) / 64);
    n += CountWords(p + (from >> 3), words);
    from += 64 * static_cast<uint64_t>(words);
  }
  while (from + 7 <= to) {
    n += std::popcount(static_cast<unsigned>(p[from >> 3]));
    from += 8;
  }
  while (from <= to) n += BitAt(p, from++);
  return n;
}

// The first bit position in [from, to] holding `bit`, or -1.
int64_t FindBit(const uint8_t* p, uint64_t from, uint64_t to, int bit) {
  const uint8_t skip = bit ? 0x00 : 0xff;  // a byte without the bit we look for
  while (from <= to && (from & 7) != 0) {
    if (BitAt(p, from) == bit) return static_cast<int64_t>(from);
    from++;
  }
  while (from + 7 <= to && p[from >> 3] == skip) from += 8;
  while (from <= to) {
    if (BitAt(p, from) == bit) return static_cast<int64_t>(from);
    from++;
  }
  return -1;
}

// BITCOUNT key [start end [BYTE|BIT]]
void BitcountCmd(CommandContext& ctx) {
  Entry* e = ctx.db.FindRead(ctx.arg(1));
  if (e == nullptr) return ctx.reply.Integer(0);
  if (e->type() != ObjType::kString) return ctx.reply.Error(err::kWrongType);
  std::string_view s = e->str();
  const uint8_t* p = reinterpret_cast<const uint8_t*>(s.data());
  const int64_t len = static_cast<int64_t>(s.size());
  if (ctx.argc() == 2) {
    return ctx.reply.Integer(len == 0 ? 0 : PopcountBits(p, 0, static_cast<uint64_t>(len) * 8 - 1));
  }
  if (ctx.argc() != 4 && ctx.argc() != 5) return ctx.reply.Error(err::kSyntax);
  int64_t start, end;
  if (!ParseInt64(ctx.arg(2), &start) || !ParseInt64(ctx.arg(3), &end)) return ctx.reply.Error(err::kNotInteger);
  if (start < 0 && end < 0 && start > end) return ctx.reply.Integer(0);
  bool isbit = false;
  if (ctx.argc() == 5) {
    if (EqualsIgnoreCase(ctx.arg(4), "bit")) isbit = true;
    else if (!EqualsIgnoreCase(ctx.arg(4), "byte")) return ctx.reply.Error(err::kSyntax);
  }
  if (!ResolveRange(&start, &end, isbit ? len * 8 : len)) return ctx.reply.Integer(0);
  if (!isbit) {
    start *= 8;
    end = end * 8 + 7;
  }
  ctx.reply.Integer(PopcountBits(p, static_cast<uint64_t>(start), static_cast<uint64_t>(end)));
}

// BITPOS key bit [start [end [BYTE|BIT]]]
void BitposCmd(CommandContext& ctx) {
  int64_t bit;
  if (!ParseInt64(ctx.arg(2), &bit)) return ctx.reply.Error(err::kNotInteger);
  if (bit != 0 && bit != 1) return ctx.reply.Error(err::kBitposBit);
  Entry* e = ctx.db.FindRead(ctx.arg(1));
  // A missing key is an endless run of zero bits.
  if (e == nullptr) return ctx.reply.Integer(bit ? -1 : 0);
  if (e->type() != ObjType::kString) return ctx.reply.Error(err::kWrongType);
  std::string_view s = e->str();
  const uint8_t* p = reinterpret_cast<const uint8_t*>(s.data());
  const int64_t len = static_cast<int64_t>(s.size());
  int64_t start = 0, end = len - 1;
  bool isbit = false, end_given = false;
  if (ctx.argc() >= 4 && ctx.argc() <= 6) {
    if (!ParseInt64(ctx.arg(3), &start)) return ctx.reply.Error(err::kNotInteger);
    if (ctx.argc() == 6) {
      if (EqualsIgnoreCase(ctx.arg(5), "bit")) isbit = true;
      else if (!EqualsIgnoreCase(ctx.arg(5), "byte")) return ctx.reply.Error(err::kSyntax);
    }
    if (ctx.argc() >= 5) {
      if (!ParseInt64(ctx.arg(4), &end)) return ctx.reply.Error(err::kNotInteger);
      end_given = true;
    }
    if (!ResolveRange(&start, &end, isbit ? len * 8 : len)) return ctx.reply.Integer(-1);
  } else if (ctx.argc() != 3) {
    return ctx.reply.Error(err::kSyntax);
  } else if (len == 0) {
    return ctx.reply.Integer(-1);
  }
  if (!isbit) {
    start *= 8;
    end = end * 8 + 7;
  }
  int64_t pos = FindBit(p, static_cast<uint64_t>(start), static_cast<uint64_t>(end), static_cast<int>(bit));
  // Looking for a 0 without an explicit end: the string continues with zeros right after its end.
  if (pos < 0 && bit == 0 && !end_given) pos = end + 1;
  ctx.reply.Integer(pos);
}

// ---- BITOP ----

// Redis 8.2 adds DIFF (X and none of Y1..Yn), DIFF1 (any of Y1..Yn but not X), ANDOR (X and any of Y1..Yn;
// these three need X and at least one Y) and ONE (the bits set in exactly one source).
void BitopCmd(CommandContext& ctx) {
  enum { kAnd, kOr, kXor, kNot, kDiff, kDiff1, kAndOr, kOne } op;
  std::string_view name = ctx.arg(1);
  if (EqualsIgnoreCase(name, "and")) op = kAnd;
  else if (EqualsIgnoreCase(name, "or")) op = kOr;
  else if (EqualsIgnoreCase(name, "xor")) op = kXor;
  else if (EqualsIgnoreCase(name, "not")) op = kNot;
  else if (EqualsIgnoreCase(name, "diff")) op = kDiff;
  else if (EqualsIgnoreCase(name, "diff1")) op = kDiff1;
  else if (EqualsIgnoreCase(name, "andor")) op = kAndOr;
  else if (EqualsIgnoreCase(name, "one")) op = kOne;
  else return ctx.reply.Error(err::kSyntax);
  if (op == kNot && ctx.argc() != 4) return ctx.reply.Error(err::kBitopNot);
  if ((op == kDiff || op == kDiff1 || op == kAndOr) && ctx.argc() < 5) return ctx.reply.Error(err::kBitopTwoSources);

  // Copies of the sources: the destination may be one of them.
  const size_t nkeys = ctx.argc() - 3;
  std::vector<std::string> src(nkeys);
  size_t maxlen = 0;
  for (size_t j = 0; j < nkeys; j++) {
    Entry* e = ctx.db.FindRead(ctx.arg(j + 3));
    if (e == nullptr) continue;  // a missing key is an empty string
    if (e->type() != ObjType::kString) return ctx.reply.Error(err::kWrongType);
    src[j].assign(e->str());
    maxlen = std::max(maxlen, src[j].size());
  }
  std::string_view dest = ctx.arg(2);
  if (maxlen == 0) {
    if (ctx.db.Delete(dest)) ctx.dirty = 1;
    return ctx.reply.Integer(0);
  }
  std::string res(maxlen, '\0');
  for (size_t i = 0; i < maxlen; i++) {
    auto byte = [&](size_t j) -> uint8_t { return i < src[j].size() ? static_cast<uint8_t>(src[j][i]) : 0; };
    uint8_t out = byte(0);
    if (op == kNot) out = static_cast<uint8_t>(~out);
    if (op == kAnd || op == kOr || op == kXor) {
      for (size_t j = 1; j < nkeys; j++) {
        if (op == kAnd) out &= byte(j);
        else if (op == kOr) out |= byte(j);
        else out ^= byte(j);
      }
    } else if (op == kOne) {
      uint8_t seen = out, twice = 0;
      for (size_t j = 1; j < nkeys; j++) {
        twice |= seen & byte(j);
        seen |= byte(j);
      }
      out = static_cast<uint8_t>(seen & ~twice);
    } else if (op != kNot) {
      uint8_t others = 0;  // Y1 | ... | Yn
      for (size_t j = 1; j < nkeys; j++) others |= byte(j);
      if (op == kDiff) out = static_cast<uint8_t>(out & ~others);
      else if (op == kDiff1) out = static_cast<uint8_t>(~out & others);
      else out = static_cast<uint8_t>(out & others);
    }
    res[i] = static_cast<char>(out);
  }
  ctx.db.SetString(dest, res);  // a new value: the old TTL goes, as with SET
  ctx.dirty = 1;
  ctx.reply.Integer(static_cast<int64_t>(maxlen));
}

// ---- BITFIELD ----

enum class Overflow { kWrap, kSat, kFail };
enum class FieldOp { kGet, kSet, kIncrby };

struct FieldCmd {
  FieldOp op;
  Overflow ow;
  bool sign;
  int bits;
  uint64_t offset;
  int64_t value;
};

uint64_t GetUnsigned(const uint8_t* p, uint64_t offset, int bits) {
  uint64_t v = 0;
  for (int j = 0; j < bits; j++, offset++) v = (v << 1) | static_cast<uint64_t>(BitAt(p, offset));
  return v;
}
int64_t GetSigned(const uint8_t* p, uint64_t offset, int bits) {
  uint64_t u = GetUnsigned(p, offset, bits);
  if (bits < 64 && (u & (uint64_t{1} << (bits - 1)))) u |= ~uint64_t{0} << bits;  // sign-extend
  return static_cast<int64_t>(u);
}
void SetUnsigned(uint8_t* p, uint64_t offset, int bits, uint64_t v) {
  for (int j = 0; j < bits; j++, offset++) {
    unsigned bitval = (v >> (bits - 1 - j)) & 1;
    unsigned shift = 7 - (offset & 7);
    uint8_t& b = p[offset >> 3];
    b = static_cast<uint8_t>((b & ~(1u << shift)) | (bitval << shift));
  }
}

// Whether value+incr leaves the unsigned `bits` range; *limit gets the wrapped or saturated result.
bool UnsignedOverflow(uint64_t value, int64_t incr, int bits, Overflow ow, uint64_t* limit) {
  uint64_t max = (uint64_t{1} << bits) - 1;  // bits <= 63
  int64_t maxincr = static_cast<int64_t>(max - value);
  int64_t minincr = static_cast<int64_t>(0 - value);
  bool over = value > max || (incr > 0 && incr > maxincr);
  bool under = !over && incr < 0 && incr < minincr;
  if (!over && !under) return false;
  if (ow == Overflow::kWrap) *limit = (value + static_cast<uint64_t>(incr)) & max;
  else if (ow == Overflow::kSat) *limit = over ? max : 0;
  return true;
}

bool SignedOverflow(int64_t value, int64_t incr, int bits, Overflow ow, int64_t* limit) {
  int64_t max = bits == 64 ? INT64_MAX : (int64_t{1} << (bits - 1)) - 1;
  int64_t min = -max - 1;
  // These may wrap, but are only used once `value` is known to be in range (as in Redis).
  int64_t maxincr = static_cast<int64_t>(static_cast<uint64_t>(max) - static_cast<uint64_t>(value));
  int64_t minincr = static_cast<int64_t>(static_cast<uint64_t>(min) - static_cast<uint64_t>(value));
  bool over = value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr);
  bool under = !over && (value < min || (bits != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr));
  if (!over && !under) return false;
  if (ow == Overflow::kWrap) {
    uint64_t c = static_cast<uint64_t>(value) + static_cast<uint64_t>(incr);
    if (bits < 64) {
      uint64_t mask = ~uint64_t{0} << bits;
      if (c & (uint64_t{1} << (bits - 1))) c |= mask;
      else c &= ~mask;
    }
    *limit = static_cast<int64_t>(c);
  } else if (ow == Overflow::kSat) {
    *limit = over ? max : min;
  }
  return true;
}

void BitfieldGeneric(CommandContext& ctx, bool readonly_cmd) {
  std::vector<FieldCmd> ops;
  Overflow ow = Overflow::kWrap;
  bool readonly = true;
  uint64_t highest = 0;
  for (size_t j = 2; j < ctx.argc(); j++) {
    const size_t rem = ctx.argc() - j - 1;
    std::string_view sub = CStr(ctx.arg(j));
    FieldOp op;
    if (EqualsIgnoreCase(sub, "get") && rem >= 2) {
      op = FieldOp::kGet;
    } else if (EqualsIgnoreCase(sub, "set") && rem >= 3) {
      op = FieldOp::kSet;
    } else if (EqualsIgnoreCase(sub, "incrby") && rem >= 3) {
      op = FieldOp::kIncrby;
    } else if (EqualsIgnoreCase(sub, "overflow") && rem >= 1) {
      std::string_view t = CStr(ctx.arg(++j));
      if (EqualsIgnoreCase(t, "wrap")) ow = Overflow::kWrap;
      else if (EqualsIgnoreCase(t, "sat")) ow = Overflow::kSat;
      else if (EqualsIgnoreCase(t, "fail")) ow = Overflow::kFail;
      else return ctx.reply.Error(err::kBitfieldOverflow);
      continue;
    } else {
      return ctx.reply.Error(err::kSyntax);
    }
    FieldCmd f{op, ow, false, 0, 0, 0};
    if (!ParseBitfieldType(ctx, ctx.arg(j + 1), &f.sign, &f.bits)) return;
    if (!ParseBitOffset(ctx, ctx.arg(j + 2), true, f.bits, &f.offset)) return;
    if (op != FieldOp::kGet) {
      readonly = false;
      highest = std::max(highest, f.offset + static_cast<uint64_t>(f.bits) - 1);
      if (!ParseInt64(ctx.arg(j + 3), &f.value)) return ctx.reply.Error(err::kNotInteger);
    }
    ops.push_back(f);
    j += op == FieldOp::kGet ? 2 : 3;
  }

  uint8_t* wp = nullptr;     // the value's bytes when writing
  std::string_view rs;       // the value when only reading
  bool exists = false;
  size_t len = 0;
  if (readonly) {
    Entry* e = ctx.db.FindRead(ctx.arg(1));
    if (e != nullptr && e->type() != ObjType::kString) return ctx.reply.Error(err::kWrongType);
    if (e != nullptr) {
      rs = e->str();
      exists = true;
    }
  } else {
    if (readonly_cmd) return ctx.reply.Error(err::kBitfieldRo);
    bool grown;
    char* p = StringForBitWrite(ctx, ctx.arg(1), highest, &len, &grown);
    if (p == nullptr) return;
    wp = reinterpret_cast<uint8_t*>(p);
    exists = true;
  }

  ctx.reply.Array(ops.size());
  int64_t changes = 0;
  for (const FieldCmd& f : ops) {
    if (f.op == FieldOp::kGet) {
      // Read through a zero-padded copy of the 9 bytes a 64-bit field at any bit offset can touch.
      uint8_t buf[9] = {0};
      const uint64_t byte = f.offset >> 3;
      const uint8_t* src = wp != nullptr ? wp : reinterpret_cast<const uint8_t*>(rs.data());
      const size_t srclen = wp != nullptr ? len : rs.size();
      for (uint64_t i = 0; exists && i < 9 && byte + i < srclen; i++) buf[i] = src[byte + i];
      uint64_t off = f.offset - byte * 8;
      if (f.sign) ctx.reply.Integer(GetSigned(buf, off, f.bits));
      else ctx.reply.Integer(static_cast<int64_t>(GetUnsigned(buf, off, f.bits)));
      continue;
    }
    changes++;  // counted even when FAIL leaves the field alone, as in Redis
    if (f.sign) {
      int64_t oldval = GetSigned(wp, f.offset, f.bits), newval, wrapped = 0, retval;
      bool overflow;
      if (f.op == FieldOp::kIncrby) {
        overflow = SignedOverflow(oldval, f.value, f.bits, f.ow, &wrapped);
        newval = overflow ? wrapped : static_cast<int64_t>(static_cast<uint64_t>(oldval) + static_cast<uint64_t>(f.value));
        retval = newval;
      } else {
        newval = f.value;
        overflow = SignedOverflow(newval, 0, f.bits, f.ow, &wrapped);
        if (overflow) newval = wrapped;
        retval = oldval;
      }
      if (overflow && f.ow == Overflow::kFail) {
        ctx.reply.Null();
      } else {
        ctx.reply.Integer(retval);
        SetUnsigned(wp, f.offset, f.bits, static_cast<uint64_t>(newval));
      }
    } else {
      uint64_t oldval = GetUnsigned(wp, f.offset, f.bits), newval, wrapped = 0, retval;
      bool overflow;
      if (f.op == FieldOp::kIncrby) {
        newval = oldval + static_cast<uint64_t>(f.value);
        overflow = UnsignedOverflow(oldval, f.value, f.bits, f.ow, &wrapped);
        if (overflow) newval = wrapped;
        retval = newval;
      } else {
        newval = static_cast<uint64_t>(f.value);
        overflow = UnsignedOverflow(newval, 0, f.bits, f.ow, &wrapped);
        if (overflow) newval = wrapped;
        retval = oldval;
      }
      if (overflow && f.ow == Overflow::kFail) {
        ctx.reply.Null();
      } else {
        ctx.reply.Integer(static_cast<int64_t>(retval));
        SetUnsigned(wp, f.offset, f.bits, newval);
      }
    }
  }
  ctx.dirty += changes;
}

void BitfieldCmd(CommandContext& ctx) { BitfieldGeneric(ctx, false); }
void BitfieldRoCmd(CommandContext& ctx) { BitfieldGeneric(ctx, true); }

}  // namespace

void RegisterBitmapFamily(CommandRegistry& r) {
  const char* g = "bitmap";
  const uint32_t w = kCmdWrite, ro = kCmdReadOnly, oom = kCmdDenyOom, fast = kCmdFast;
  r.Add(Spec("setbit", 4, w | oom, 1, 1, 1, SetbitCmd, nullptr, g,
             "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist."));
  r.Add(Spec("getbit", 3, ro | fast, 1, 1, 1, GetbitCmd, nullptr, g, "Returns a bit value by offset."));
  r.Add(Spec("bitcount", -2, ro, 1, 1, 1, BitcountCmd, nullptr, g, "Counts the number of set bits (population counting) in a string."));
  r.Add(Spec("bitpos", -3, ro, 1, 1, 1, BitposCmd, nullptr, g, "Finds the first set (1) or clear (0) bit in a string."));
  r.Add(Spec("bitop", -4, w | oom, 2, -1, 1, BitopCmd, nullptr, g, "Performs bitwise operations on multiple strings, and stores the result."));
  r.Add(Spec("bitfield", -2, w | oom, 1, 1, 1, BitfieldCmd, nullptr, g, "Performs arbitrary bitfield integer operations on strings."));
  r.Add(Spec("bitfield_ro", -2, ro | fast, 1, 1, 1, BitfieldRoCmd, nullptr, g, "Performs arbitrary read-only bitfield integer operations on strings."));
}

}  // namespace rcs
