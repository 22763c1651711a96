// Sorted set commands. Semantics, reply types and error texts follow Redis 7.0's t_zset.c (checked against
// redis-server 7.0.15): option parsing happens before the key lookup, so a syntax error wins over a missing
// key; a command that leaves a sorted set empty deletes the key.
#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/random.h"
#include "base/strutil.h"
#include "commands/scan_args.h"
#include "commands/mpop_args.h"
#include "commands/value_lookup.h"
#include "keyspace/set_value.h"
#include "keyspace/zset_value.h"
#include "protocol/errors.h"
#include "server/command.h"
#include "server/server.h"

namespace rcs {

namespace {


ZSetLimits LimitsOf(const CommandContext& ctx) {
  const Config& c = ctx.server.config();
  ZSetLimits l;
  l.max_listpack_entries = c.zset_max_listpack_entries < 0 ? 0 : static_cast<size_t>(c.zset_max_listpack_entries);
  l.max_listpack_value = c.zset_max_listpack_value < 0 ? 0 : static_cast<size_t>(c.zset_max_listpack_value);
  return l;
}

// Looks a key up; *wrongtype is set (and the error replied) when it holds another type.
ZSetValue* LookupZSet(CommandContext& ctx, std::string_view key, bool write, bool* wrongtype) {
  ZSetValue* z;
  *wrongtype = !Lookup(ctx, key, write, &z);
  return z;
}

// A score, weight or increment as Redis's getDoubleFromObject reads it: strtod over the whole argument, no
// leading space, NaN refused, overflow (+-HUGE_VAL) and underflow to zero refused, denormals accepted.
// (strutil's ParseDouble differs on the ERANGE cases, so sorted sets use this one.)
bool ParseScore(std::string_view s, double* out) {
  if (s.empty() || isspace(static_cast<unsigned char>(s[0]))) return false;
  char small[128];
  std::string big;
  const char* p;
  if (s.size() < sizeof(small)) {
    memcpy(small, s.data(), s.size());
    small[s.size()] = '\0';
    p = small;
  } else {
    big.assign(s);
    p = big.c_str();
  }
  char* end = nullptr;
  errno = 0;
  double v = strtod(p, &end);
  if (end != p + s.size() || std::isnan(v)) return false;
  if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || std::fpclassify(v) == FP_ZERO)) return false;
  *out = v;
  return true;
}

// getLongFromObject: strict integer.
bool ParseLongOrReply(CommandContext& ctx, std::string_view s, int64_t* v) {
  if (!ParseInt64(s, v)) {
    ctx.reply.Error(err::kNotInteger);
    return false;
  }
  return true;
}

// ---- ranges ----

struct ScoreRange {
  double min = 0, max = 0;
  bool minex = false, maxex = false;
};

// One end of a score range as zslParseRange reads it: "(" for exclusive, then strtod over the rest (which
// accepts what strtod accepts, e.g. "inf", " 1", "0x10", and an empty rest as 0), NaN refused.
bool ParseScoreBound(std::string_view s, double* v, bool* ex) {
  std::string buf(s);
  const char* p = buf.c_str();
  *ex = false;
  if (!buf.empty() && buf[0] == '(') {
    *ex = true;
    p++;
  }
  char* end = nullptr;
  errno = 0;
  *v = strtod(p, &end);
  return *end == '\0' && !std::isnan(*v);
}

bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* r) {
  return ParseScoreBound(min, &r->min, &r->minex) && ParseScoreBound(max, &r->max, &r->maxex);
}

struct LexBound {
  int kind = 0;  // -1: "-" (below everything), +1: "+" (above everything), 0: a value
  std::string_view value;
  bool ex = false;
};

bool ParseLexBound(std::string_view s, LexBound* b) {
  if (s.empty()) return false;
  switch (s[0]) {
    case '+':
    case '-':
      if (s.size() > 1 && s[1] != '\0') return false;
      b->kind = s[0] == '+' ? 1 : -1;
      b->ex = true;
      return true;
    case '(':
    case '[':
      b->kind = 0;
      b->ex = s[0] == '(';
      b->value = s.substr(1);
      return true;
    default:
      return false;
  }
}

// [first, first + count) in ascending ranks of the elements within a score range.
void ScoreRangeRanks(const ZSetValue& z, const ScoreRange& r, size_t* first, size_t* count) {
  size_t s = r.minex ? z.CountWhile([&](double sc, std::string_view) { return sc <= r.min; })
                     : z.CountWhile([&](double sc, std::string_view) { return sc < r.min; });
  size_t e = r.maxex ? z.CountWhile([&](double sc, std::string_view) { return sc < r.max; })
                     : z.CountWhile([&](double sc, std::string_view) { return sc <= r.max; });
  *first = s;
  *count = e > s ? e - s : 0;
}

// Whether member m is >= min / <= max (zslLexValueGteMin / zslLexValueLteMax).
bool LexGteMin(std::string_view m, const LexBound& min) {
  if (min.kind != 0) return min.kind < 0;
  return min.ex ? m > min.value : m >= min.value;
}
bool LexLteMax(std::string_view m, const LexBound& max) {
  if (max.kind != 0) return max.kind > 0;
  return max.ex ? m < max.value : m <= max.value;
}

void LexRangeRanks(const ZSetValue& z, const LexBound& min, const LexBound& max, size_t* first, size_t* count) {
  *first = 0;
  *count = 0;
  if (z.size() == 0) return;
  // As Redis, the range is first tested against the ends of the set (this matters only when the members do
  // not all have the same score, where lex ranges are unspecified but clients still see the result).
  std::string_view m;
  double sc;
  z.At(z.size() - 1, &m, &sc);
  if (!LexGteMin(m, min)) return;
  z.At(0, &m, &sc);
  if (!LexLteMax(m, max)) return;
  size_t s;
  if (min.kind < 0) {
    s = 0;
  } else if (min.kind > 0) {
    s = z.size();
  } else {
    s = min.ex ? z.CountWhile([&](double, std::string_view m) { return m <= min.value; })
               : z.CountWhile([&](double, std::string_view m) { return m < min.value; });
  }
  size_t e;
  if (max.kind < 0) {
    e = 0;
  } else if (max.kind > 0) {
    e = z.size();
  } else {
    e = max.ex ? z.CountWhile([&](double, std::string_view m) { return m < max.value; })
               : z.CountWhile([&](double, std::string_view m) { return m <= max.value; });
  }
  *first = s;
  *count = e > s ? e - s : 0;
}

// ---- reply helpers ----

// An array of members, optionally with scores: RESP2 flat (m1 s1 m2 s2), RESP3 pairs ([m1 s1] [m2 s2]).
class ScoredReply {
 public:
  ScoredReply(ReplyBuilder& r, bool withscores) : r_(r), withscores_(withscores), resp3_(r.proto() >= 3) {}
  void Begin(size_t n) { r_.Array(withscores_ && !resp3_ ? n * 2 : n); }
  void Emit(std::string_view m, double s) {
    if (withscores_ && resp3_) r_.Array(2);
    r_.Bulk(m);
    if (withscores_) r_.Double(s);
  }

 private:
  ReplyBuilder& r_;
  bool withscores_, resp3_;
};

// Emits `count` elements from rank `start` (ascending ranks; going down when reverse).
void ReplyRange(CommandContext& ctx, const ZSetValue& z, size_t start, size_t count, bool reverse, bool withscores) {
  ScoredReply out(ctx.reply, withscores);
  out.Begin(count);
  z.ForRange(start, count, reverse, [&](std::string_view m, double s) { out.Emit(m, s); });
}

// Stores sorted (ascending) elements at `dst` (deleting it when empty) and replies the count.
void StoreResult(CommandContext& ctx, std::string_view dst, std::vector<std::pair<std::string_view, double>>& items) {
  if (items.empty()) {
    if (ctx.db.Delete(dst)) ctx.dirty++;
    ctx.reply.Integer(0);
    return;
  }
  size_t maxlen = 0;
  for (auto& it : items) maxlen = std::max(maxlen, it.first.size());
  auto z = ZSetValue::Create(items.size(), maxlen, LimitsOf(ctx));
  for (auto& it : items) z->AppendSorted(it.first, it.second);
  size_t n = items.size();
  items.clear();  // the views may point into the value being replaced
  ctx.db.SetObject(dst, std::move(z));
  ctx.dirty++;
  ctx.reply.Integer(static_cast<int64_t>(n));
}

// ---- ZADD / ZINCRBY ----

void ZaddGeneric(CommandContext& ctx, bool incr_cmd) {
  bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = incr_cmd;
  size_t idx = 2;
  for (; idx < ctx.argc(); idx++) {
    std::string_view o = ctx.arg(idx);
    if (EqualsIgnoreCase(o, "nx")) nx = true;
    else if (EqualsIgnoreCase(o, "xx")) xx = true;
    else if (EqualsIgnoreCase(o, "ch")) ch = true;
    else if (EqualsIgnoreCase(o, "incr")) incr = true;
    else if (EqualsIgnoreCase(o, "gt")) gt = true;
    else if (EqualsIgnoreCase(o, "lt")) lt = true;
    else break;
  }
  size_t elements = ctx.argc() - idx;
  if (elements % 2 || elements == 0) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  elements /= 2;
  if (nx && xx) {
    ctx.reply.Error(err::kZaddXxNx);
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    ctx.reply.Error(err::kZaddGtLtNx);
    return;
  }
  if (incr && elements > 1) {
    ctx.reply.Error(err::kZaddIncrPair);
    return;
  }
  // Validate every score before touching anything (a bad score leaves the set untouched).
  thread_local std::vector<double> scores;
  scores.resize(elements);
  for (size_t j = 0; j < elements; j++) {
    if (!ParseScore(ctx.arg(idx + 2 * j), &scores[j])) {
      ctx.reply.Error(err::kNotFloat);
      return;
    }
  }
  std::string_view key = ctx.arg(1);
  bool wrongtype;
  ZSetValue* z = LookupZSet(ctx, key, true, &wrongtype);
  if (wrongtype) return;
  std::unique_ptr<ZSetValue> fresh;
  int64_t added = 0, updated = 0, processed = 0;
  double score = 0;
  if (!z) {
    if (xx) {
      if (incr) ctx.reply.Null(); else ctx.reply.Integer(0);
      return;
    }
    ZSetLimits l = LimitsOf(ctx);
    fresh = ZSetValue::Create(elements, ctx.arg(idx + 1).size(), l);
    // Redis 7.0 chooses the encoding by the first member only; later ones convert as they are added.
    if (l.max_listpack_entries > 0 && ctx.arg(idx + 1).size() <= l.max_listpack_value && fresh->is_skiplist()) {
      fresh = std::make_unique<ZSetValue>();
    }
    z = fresh.get();
  }
  ZSetLimits limits = LimitsOf(ctx);
  for (size_t j = 0; j < elements; j++) {
    std::string_view member = ctx.arg(idx + 2 * j + 1);
    score = scores[j];
    double cur;
    if (z->GetScore(member, &cur)) {
      if (nx) continue;
      if (incr) {
        score += cur;
        if (std::isnan(score)) {
          ctx.reply.Error(err::kScoreNaN);
          ctx.dirty = added + updated;
          return;
        }
      }
      if ((lt && score >= cur) || (gt && score <= cur)) continue;
      processed++;
      if (score != cur) {
        z->Set(member, score, limits);
        updated++;
      }
    } else {
      if (xx) continue;
      z->InsertNew(member, score, limits);
      added++;
      processed++;
    }
  }
  if (fresh && fresh->size() > 0) ctx.db.SetObject(key, std::move(fresh));
  ctx.dirty = added + updated;
  if (incr) {
    if (processed) ctx.reply.Double(score); else ctx.reply.Null();
  } else {
    ctx.reply.Integer(ch ? added + updated : added);
  }
}

void ZaddCmd(CommandContext& ctx) { ZaddGeneric(ctx, false); }
void ZincrbyCmd(CommandContext& ctx) { ZaddGeneric(ctx, true); }

// ---- simple reads / writes ----

void ZremCmd(CommandContext& ctx) {
  RemoveMembers<ZSetValue>(ctx, [](ZSetValue& z, std::string_view m) { return z.Remove(m); });
}

void ZscoreCmd(CommandContext& ctx) {
  bool wrongtype;
  ZSetValue* z = LookupZSet(ctx, ctx.arg(1), false, &wrongtype);
  if (wrongtype) return;
  double s;
  if (!z || !z->GetScore(ctx.arg(2), &s)) {
    ctx.reply.Null();
    return;
  }
  ctx.reply.Double(s);
}

void ZmscoreCmd(CommandContext& ctx) {
  bool wrongtype;
  ZSetValue* z = LookupZSet(ctx, ctx.arg(1), false, &wrongtype);
  if (wrongtype) return;
  ctx.reply.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) {
    double s;
    if (z && z->GetScore(ctx.arg(i), &s)) ctx.reply.Double(s); else ctx.reply.Null();
  }
}

void ZcardCmd(CommandContext& ctx) {
  bool wrongtype;
  ZSetValue* z = LookupZSet(ctx, ctx.arg(1), false, &wrongtype);
  if (wrongtype) return;
  ctx.reply.Integer(z ? static_cast<int64_t>(z->size()) : 0);
}

void ZcountCmd(CommandContext& ctx) {
  ScoreRange r;
  if (!ParseScoreRange(ctx.arg(2), ctx.arg(3), &r)) {
    ctx.reply.Error(err::kMinMaxNotFloat);
    return;
  }
  bool wrongtype;
  ZSetValue* z = LookupZSet(ctx, ctx.arg(1), false, &wrongtype);
  if (wrongtype) return;
  size_t first = 0, count = 0;
  if (z) ScoreRangeRanks(*z, r, &first, &count);
  ctx.reply.Integer(static_cast<int64_t>(count));
}

void ZlexcountCmd(CommandContext& ctx) {
  LexBound min, max;
  if (!ParseLexBound(ctx.arg(2), &min) || !ParseLexBound(ctx.arg(3), &max)) {
    ctx.reply.Error(err::kMinMaxNotLex);
    return;
  }
  bool wrongtype;
  ZSetValue* z = LookupZSet(ctx, ctx.arg(1), false, &wrongtype);
  if (wrongtype) return;
  size_t first = 0, count = 0;
  if (z) LexRangeRanks(*z, min, max, &first, &count);
  ctx.reply.Integer(static_cast<int64_t>(count));
}

// ZRANK/ZREVRANK key member [WITHSCORE] (WITHSCORE since Redis 7.2: [rank, score], or a null array).
// The arguments are checked before the key, as redis-server 7.2 does.
void RankGeneric(CommandContext& ctx, bool reverse) {
  if (ctx.argc() > 4) {
    ctx.reply.Error(err::WrongArgs(ctx.spec.name));
    return;
  }
  bool withscore = false;
  if (ctx.argc() == 4) {
    if (!EqualsIgnoreCase(ctx.arg(3), "WITHSCORE")) {
      ctx.reply.Error(err::kSyntax);
      return;
    }
    withscore = true;
  }
  bool wrongtype;
  ZSetValue* z = LookupZSet(ctx, ctx.arg(1), false, &wrongtype);
  if (wrongtype) return;
  int64_t rank = z ? z->Rank(ctx.arg(2)) : -1;
  double score = 0;
  if (rank < 0 || (withscore && !z->GetScore(ctx.arg(2), &score))) {
    if (withscore) ctx.reply.NullArray();
    else ctx.reply.Null();
    return;
  }
  if (withscore) ctx.reply.Array(2);
  ctx.reply.Integer(reverse ? static_cast<int64_t>(z->size()) - 1 - rank : rank);
  if (withscore) ctx.reply.Double(score);
}
void ZrankCmd(CommandContext& ctx) { RankGeneric(ctx, false); }
void ZrevrankCmd(CommandContext& ctx) { RankGeneric(ctx, true); }

// ---- ZRANGE family ----

enum class RangeType { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

// argc_start: index of the source key (1, or 2 for ZRANGESTORE whose argv[1] is the destination).
void RangeGeneric(CommandContext& ctx, size_t argc_start, bool store, RangeType type, Direction dir) {
  std::string_view key = ctx.arg(argc_start);
  size_t minidx = argc_start + 1, maxidx = argc_start + 2;
  bool withscores = false;
  int64_t offset = 0, limit = -1;
  for (size_t j = argc_start + 3; j < ctx.argc(); j++) {
    size_t left = ctx.argc() - j - 1;
    std::string_view o = ctx.arg(j);
    if (!store && EqualsIgnoreCase(o, "withscores")) {
      withscores = true;
    } else if (EqualsIgnoreCase(o, "limit") && left >= 2) {
      if (!ParseLongOrReply(ctx, ctx.arg(j + 1), &offset) || !ParseLongOrReply(ctx, ctx.arg(j + 2), &limit)) return;
      j += 2;
    } else if (dir == Direction::kAuto && EqualsIgnoreCase(o, "rev")) {
      dir = Direction::kReverse;
    } else if (type == RangeType::kAuto && EqualsIgnoreCase(o, "bylex")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && EqualsIgnoreCase(o, "byscore")) {
      type = RangeType::kScore;
    } else {
      ctx.reply.Error(err::kSyntax);
      return;
    }
  }
  if (dir == Direction::kAuto) dir = Direction::kForward;
  if (type == RangeType::kAuto) type = RangeType::kRank;
  // As Redis, only a limit other than -1 counts: "ZRANGE k 0 -1 LIMIT 0 -1" is accepted.
  if (limit != -1 && type == RangeType::kRank) {
    ctx.reply.Error(err::kLimitNeedsBy);
    return;
  }
  if (withscores && type == RangeType::kLex) {
    ctx.reply.Error(err::kWithscoresBylex);
    return;
  }
  bool reverse = dir == Direction::kReverse;
  if (reverse && type != RangeType::kRank) std::swap(minidx, maxidx);

  int64_t start = 0, end = 0;
  ScoreRange sr;
  LexBound lmin, lmax;
  switch (type) {
    case RangeType::kAuto:
    case RangeType::kRank:
      if (!ParseLongOrReply(ctx, ctx.arg(minidx), &start) || !ParseLongOrReply(ctx, ctx.arg(maxidx), &end)) return;
      break;
    case RangeType::kScore:
      if (!ParseScoreRange(ctx.arg(minidx), ctx.arg(maxidx), &sr)) {
        ctx.reply.Error(err::kMinMaxNotFloat);
        return;
      }
      break;
    case RangeType::kLex:
      if (!ParseLexBound(ctx.arg(minidx), &lmin) || !ParseLexBound(ctx.arg(maxidx), &lmax)) {
        ctx.reply.Error(err::kMinMaxNotLex);
        return;
      }
      break;
  }

  bool wrongtype;
  ZSetValue* z = LookupZSet(ctx, key, false, &wrongtype);
  if (wrongtype) return;

  // The selection as (first rank visited, count, direction).
  size_t first = 0, count = 0;
  if (z) {
    size_t llen = z->size();
    if (type == RangeType::kRank) {
      int64_t n = static_cast<int64_t>(llen);
      if (start < 0) start = n + start;
      if (end < 0) end = n + end;
      if (start < 0) start = 0;
      if (!(start > end || start >= n)) {
        if (end >= n) end = n - 1;
        count = static_cast<size_t>(end - start + 1);
        first = reverse ? llen - 1 - static_cast<size_t>(start) : static_cast<size_t>(start);
      }
    } else {
      size_t lo, n;
      if (type == RangeType::kScore) ScoreRangeRanks(*z, sr, &lo, &n);
      else LexRangeRanks(*z, lmin, lmax, &lo, &n);
      // LIMIT: a negative offset selects nothing; a negative count means all.
      if (offset >= 0 && static_cast<uint64_t>(offset) < n) {
        size_t avail = n - static_cast<size_t>(offset);
        count = limit < 0 ? avail : std::min(avail, static_cast<size_t>(limit));
        first = reverse ? lo + n - 1 - static_cast<size_t>(offset) : lo + static_cast<size_t>(offset);
      }
    }
  }

  if (!store) {
    if (!z) ctx.reply.Array(0);
    else ReplyRange(ctx, *z, first, count, reverse, withscores);
    return;
  }
  std::vector<std::pair<std::string_view, double>> items;
  items.reserve(count);
  if (z) z->ForRange(first, count, reverse, [&](std::string_view m, double s) { items.emplace_back(m, s); });
  if (reverse) std::reverse(items.begin(), items.end());
  StoreResult(ctx, ctx.arg(1), items);
}

void ZrangeCmd(CommandContext& ctx) { RangeGeneric(ctx, 1, false, RangeType::kAuto, Direction::kAuto); }
void ZrevrangeCmd(CommandContext& ctx) { RangeGeneric(ctx, 1, false, RangeType::kRank, Direction::kReverse); }
void ZrangebyscoreCmd(CommandContext& ctx) { RangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kForward); }
void ZrevrangebyscoreCmd(CommandContext& ctx) { RangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kReverse); }
void ZrangebylexCmd(CommandContext& ctx) { RangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kForward); }
void ZrevrangebylexCmd(CommandContext& ctx) { RangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kReverse); }
void ZrangestoreCmd(CommandContext& ctx) { RangeGeneric(ctx, 2, true, RangeType::kAuto, Direction::kAuto); }

// ---- ZREMRANGEBY* ----

void RemRangeGeneric(CommandContext& ctx, RangeType type) {
  int64_t start = 0, end = 0;
  ScoreRange sr;
  LexBound lmin, lmax;
  if (type == RangeType::kRank) {
    if (!ParseLongOrReply(ctx, ctx.arg(2), &start) || !ParseLongOrReply(ctx, ctx.arg(3), &end)) return;
  } else if (type == RangeType::kScore) {
    if (!ParseScoreRange(ctx.arg(2), ctx.arg(3), &sr)) {
      ctx.reply.Error(err::kMinMaxNotFloat);
      return;
    }
  } else {
    if (!ParseLexBound(ctx.arg(2), &lmin) || !ParseLexBound(ctx.arg(3), &lmax)) {
      ctx.reply.Error(err::kMinMaxNotLex);
      return;
    }
  }
  bool wrongtype;
  ZSetValue* z = LookupZSet(ctx, ctx.arg(1), true, &wrongtype);
  if (wrongtype) return;
  if (!z) {
    ctx.reply.Integer(0);
    return;
  }
  size_t first = 0, count = 0;
  if (type == RangeType::kRank) {
    int64_t n = static_cast<int64_t>(z->size());
    if (start < 0) start = n + start;
    if (end < 0) end = n + end;
    if (start < 0) start = 0;
    if (start > end || start >= n) {
      ctx.reply.Integer(0);
      return;
    }
    if (end >= n) end = n - 1;
    first = static_cast<size_t>(start);
    count = static_cast<size_t>(end - start + 1);
  } else if (type == RangeType::kScore) {
    ScoreRangeRanks(*z, sr, &first, &count);
  } else {
    LexRangeRanks(*z, lmin, lmax, &first, &count);
  }
  size_t deleted = z->DeleteRange(first, count);
  if (z->size() == 0) ctx.db.Delete(ctx.arg(1));
  ctx.dirty = static_cast<int64_t>(deleted);
  ctx.reply.Integer(static_cast<int64_t>(deleted));
}
void ZremrangebyrankCmd(CommandContext& ctx) { RemRangeGeneric(ctx, RangeType::kRank); }
void ZremrangebyscoreCmd(CommandContext& ctx) { RemRangeGeneric(ctx, RangeType::kScore); }
void ZremrangebylexCmd(CommandContext& ctx) { RemRangeGeneric(ctx, RangeType::kLex); }

// ---- ZPOPMIN / ZPOPMAX / BZPOPMIN / BZPOPMAX ----

// Pops up to `count` from z (min first, or max first) replying the elements; deletes the key when emptied.
void PopAndReply(CommandContext& ctx, std::string_view key, ZSetValue* z, size_t count, bool max, bool nested) {
  size_t n = std::min(count, z->size());
  size_t first = max ? z->size() - 1 : 0;
  ScoredReply out(ctx.reply, true);
  if (nested) {
    ctx.reply.Array(n);
    z->ForRange(first, n, max, [&](std::string_view m, double s) { out.Emit(m, s); });
  } else {
    ctx.reply.Array(n * 2);
    z->ForRange(first, n, max, [&](std::string_view m, double s) {
      ctx.reply.Bulk(m);
      ctx.reply.Double(s);
    });
  }
  z->DeleteRange(max ? z->size() - n : 0, n);
  if (z->size() == 0) ctx.db.Delete(key);
  ctx.dirty += static_cast<int64_t>(n);
}

void PopGeneric(CommandContext& ctx, bool max) {
  if (ctx.argc() > 3) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  int64_t count = -1;
  if (ctx.argc() == 3) {
    // getPositiveLongFromObjectOrReply: one message for "not an integer" and "negative".
    if (!ParseInt64(ctx.arg(2), &count) || count < 0) {
      ctx.reply.Error(err::kOutOfRangePositive);
      return;
    }
  }
  bool nested = ctx.reply.proto() >= 3 && count != -1;
  bool wrongtype;
  ZSetValue* z = LookupZSet(ctx, ctx.arg(1), true, &wrongtype);
  if (wrongtype) return;
  if (!z || count == 0) {
    ctx.reply.Array(0);
    return;
  }
  PopAndReply(ctx, ctx.arg(1), z, count == -1 ? 1 : static_cast<size_t>(count), max, nested);
}
void ZpopminCmd(CommandContext& ctx) { PopGeneric(ctx, false); }
void ZpopmaxCmd(CommandContext& ctx) { PopGeneric(ctx, true); }


void BpopGeneric(CommandContext& ctx, bool max) {
  int64_t timeout_at;
  if (!ParseTimeout(ctx, ctx.arg(ctx.argc() - 1), &timeout_at)) return;
  size_t nkeys = ctx.argc() - 2;
  for (size_t i = 1; i <= nkeys; i++) {
    // On a retry (a key was written while blocked) a key of another type counts as absent: Redis keeps
    // the client blocked instead of answering WRONGTYPE.
    Entry* e = ctx.db.FindWrite(ctx.arg(i));
    if (!e || (ctx.retry && e->type() != ObjType::kZSet)) continue;
    if (e->type() != ObjType::kZSet) {
      ctx.reply.Error(err::kWrongType);
      return;
    }
    ZSetValue* z = e->as<ZSetValue>();
    if (z->size() == 0) continue;
    std::string_view key = ctx.arg(i);
    std::string_view m;
    double s;
    z->At(max ? z->size() - 1 : 0, &m, &s);
    ctx.reply.Array(3);
    ctx.reply.Bulk(key);
    ctx.reply.Bulk(m);
    ctx.reply.Double(s);
    z->DeleteRange(max ? z->size() - 1 : 0, 1);
    ctx.PropagateAs({max ? "ZPOPMAX" : "ZPOPMIN", std::string(key)});
    if (z->size() == 0) ctx.db.Delete(key);
    ctx.dirty++;
    return;
  }
  if (!ctx.can_block) {
    ctx.reply.NullArray();
    return;
  }
  std::vector<std::string> keys;
  keys.reserve(nkeys);
  for (size_t i = 1; i <= nkeys; i++) keys.emplace_back(ctx.arg(i));
  ctx.Block(std::move(keys), timeout_at);
}
void BzpopminCmd(CommandContext& ctx) { BpopGeneric(ctx, false); }
void BzpopmaxCmd(CommandContext& ctx) { BpopGeneric(ctx, true); }

// ZMPOP numkeys key... MIN|MAX [COUNT n]; BZMPOP timeout numkeys ... (numkeys_idx 1 or 2). The first
// non-empty sorted set is popped ([key, [[member, score] ...]]), propagated as ZPOPMIN/ZPOPMAX key count
// (the count asked for, as redis-server 7.0 rewrites it); no such set: null, or block.
void ZmpopGeneric(CommandContext& ctx, size_t numkeys_idx, bool blocking) {
  bool max = false;
  MpopArgs args;
  auto where = [&max](std::string_view w) {
    if (EqualsIgnoreCase(w, "min")) max = false;
    else if (EqualsIgnoreCase(w, "max")) max = true;
    else return false;
    return true;
  };
  if (!ParseMpopArgs(ctx, numkeys_idx, where, &args)) return;
  size_t where_idx = args.where_idx;
  int64_t count = args.count;
  int64_t timeout_at = 0;
  if (blocking && !ParseTimeout(ctx, ctx.arg(1), &timeout_at)) return;
  for (size_t i = numkeys_idx + 1; i < where_idx; i++) {
    Entry* e = ctx.db.FindWrite(ctx.arg(i));
    if (!e || (ctx.retry && e->type() != ObjType::kZSet)) continue;
    if (e->type() != ObjType::kZSet) {
      ctx.reply.Error(err::kWrongType);
      return;
    }
    ZSetValue* z = e->as<ZSetValue>();
    if (z->size() == 0) continue;
    std::string key(ctx.arg(i));
    ctx.reply.Array(2);
    ctx.reply.Bulk(key);
    size_t n = std::min(static_cast<size_t>(count), z->size());
    size_t first = max ? z->size() - 1 : 0;
    ctx.reply.Array(n);
    z->ForRange(first, n, max, [&](std::string_view m, double s) {
      ctx.reply.Array(2);
      ctx.reply.Bulk(m);
      ctx.reply.Double(s);
    });
    z->DeleteRange(max ? z->size() - n : 0, n);
    if (z->size() == 0) ctx.db.Delete(key);
    ctx.dirty += static_cast<int64_t>(n);
    ctx.PropagateAs({max ? "ZPOPMAX" : "ZPOPMIN", key, Int64ToString(count)});
    return;
  }
  if (!blocking || !ctx.can_block) {
    ctx.reply.NullArray();
    return;
  }
  std::vector<std::string> keys;
  for (size_t j = numkeys_idx + 1; j < where_idx; j++) keys.emplace_back(ctx.arg(j));
  ctx.Block(std::move(keys), timeout_at);
}
void ZmpopCmd(CommandContext& ctx) { ZmpopGeneric(ctx, 1, false); }
void BzmpopCmd(CommandContext& ctx) { ZmpopGeneric(ctx, 2, true); }


// ---- ZUNION / ZINTER / ZDIFF (+STORE) ----

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

struct Source {
  const ZSetValue* z = nullptr;
  std::vector<std::string> set_members;           // a plain set's members (score 1)
  std::unordered_set<std::string_view> set_index;  // built for membership checks
  double weight = 1.0;
  size_t size() const { return z ? z->size() : set_members.size(); }
  bool Find(std::string_view m, double* s) const {
    if (z) return z->GetScore(m, s);
    if (set_index.count(m) == 0) return false;
    *s = 1.0;
    return true;
  }
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (z) z->ForEach(fn);
    else for (const auto& m : set_members) fn(std::string_view(m), 1.0);
  }
};

inline void AggregateInto(double* target, double v, Aggregate a) {
  switch (a) {
    case Aggregate::kSum:
      *target += v;
      if (std::isnan(*target)) *target = 0.0;  // +inf + -inf: Redis's convention is 0
      break;
    case Aggregate::kMin: *target = std::min(*target, v); break;
    case Aggregate::kMax: *target = std::max(*target, v); break;
  }
}

bool StoreOpKeys(ArgList argv, std::vector<int>* out) {
  out->push_back(1);
  return NumkeysKeys(argv, 2, out);
}
bool OpKeys(ArgList argv, std::vector<int>* out) { return NumkeysKeys(argv, 1, out); }
bool ZmpopKeys(ArgList argv, std::vector<int>* out) { return NumkeysKeys(argv, 1, out); }
bool BzmpopKeys(ArgList argv, std::vector<int>* out) { return NumkeysKeys(argv, 2, out); }

using ScoredItems = std::vector<std::pair<std::string_view, double>>;

// The options after the keys: WEIGHTS (stored in the sources), AGGREGATE, WITHSCORES; ZINTERCARD's LIMIT.
struct SetOpOptions {
  Aggregate agg = Aggregate::kSum;
  bool withscores = false;
  int64_t card_limit = 0;  // 0: no limit
};

double Weighted(double s, double w) {
  double v = s * w;
  return std::isnan(v) ? 0.0 : v;  // 0 * inf
}

// numkeys and the source keys (zsets, or sets whose members score 1). False after replying an error.
bool LoadSources(CommandContext& ctx, size_t numkeys_idx, std::vector<Source>* src) {
  int64_t setnum;
  if (!ParseLongOrReply(ctx, ctx.arg(numkeys_idx), &setnum)) return false;
  if (setnum < 1) {
    ctx.reply.Error(err::AtLeastOneKey(ctx.arg(0)));
    return false;
  }
  if (static_cast<uint64_t>(setnum) > ctx.argc() - numkeys_idx - 1) {
    ctx.reply.Error(err::kSyntax);
    return false;
  }
  src->resize(static_cast<size_t>(setnum));
  for (size_t i = 0; i < src->size(); i++) {
    Entry* e = ctx.db.FindRead(ctx.arg(numkeys_idx + 1 + i));
    if (!e) continue;
    Source& s = (*src)[i];
    if (e->type() == ObjType::kZSet) {
      s.z = e->as<ZSetValue>();
    } else if (e->type() == ObjType::kSet) {
      auto* set = e->as<SetValue>();
      s.set_members.reserve(set->size());
      set->ForEach([&](std::string_view m) { s.set_members.emplace_back(m); });
    } else {
      ctx.reply.Error(err::kWrongType);
      return false;
    }
  }
  return true;
}

// ZINTERCARD's options from argv[j] on: LIMIT only. False after replying an error.
bool ParseIntercardOptions(CommandContext& ctx, size_t j, SetOpOptions* opts) {
  while (j < ctx.argc()) {
    if (ctx.argc() - j < 2 || !EqualsIgnoreCase(ctx.arg(j), "limit")) {
      ctx.reply.Error(err::kSyntax);
      return false;
    }
    if (!ParseInt64(ctx.arg(j + 1), &opts->card_limit) || opts->card_limit < 0) {
      ctx.reply.Error(err::kLimitNegative);
      return false;
    }
    j += 2;
  }
  return true;
}

// The options from argv[j] on; WEIGHTS go into the sources. False after replying an error.
bool ParseSetOpOptions(CommandContext& ctx, size_t j, SetOp op, bool has_dst, std::vector<Source>* src,
                       SetOpOptions* opts) {
  while (j < ctx.argc()) {
    size_t remaining = ctx.argc() - j;
    std::string_view o = ctx.arg(j);
    if (op != SetOp::kDiff && remaining >= src->size() + 1 && EqualsIgnoreCase(o, "weights")) {
      j++;
      for (size_t i = 0; i < src->size(); i++, j++) {
        if (!ParseScore(ctx.arg(j), &(*src)[i].weight)) {
          ctx.reply.Error(err::kWeightNotFloat);
          return false;
        }
      }
    } else if (op != SetOp::kDiff && remaining >= 2 && EqualsIgnoreCase(o, "aggregate")) {
      std::string_view a = ctx.arg(j + 1);
      if (EqualsIgnoreCase(a, "sum")) opts->agg = Aggregate::kSum;
      else if (EqualsIgnoreCase(a, "min")) opts->agg = Aggregate::kMin;
      else if (EqualsIgnoreCase(a, "max")) opts->agg = Aggregate::kMax;
      else {
        ctx.reply.Error(err::kSyntax);
        return false;
      }
      j += 2;
    } else if (!has_dst && EqualsIgnoreCase(o, "withscores")) {
      opts->withscores = true;
      j++;
    } else {
      ctx.reply.Error(err::kSyntax);
      return false;
    }
  }
  return true;
}

// Plain sets among the looked-up sources get a membership index (zsets look members up themselves).
void IndexForLookup(Source* s) {
  if (!s->z) s->set_index.insert(s->set_members.begin(), s->set_members.end());
}

// The intersection walks the smallest source and looks its members up in the others (indexed here). Empty
// when the smallest source is empty.
std::vector<Source*> SmallestFirst(std::vector<Source>& src) {
  std::vector<Source*> order;
  for (auto& s : src) order.push_back(&s);
  std::stable_sort(order.begin(), order.end(), [](const Source* a, const Source* b) { return a->size() < b->size(); });
  if (order[0]->size() == 0) return {};
  for (size_t i = 1; i < order.size(); i++) IndexForLookup(order[i]);
  return order;
}

ScoredItems Intersection(std::vector<Source>& src, Aggregate agg) {
  ScoredItems items;
  std::vector<Source*> order = SmallestFirst(src);
  if (order.empty()) return items;
  order[0]->ForEach([&](std::string_view m, double s0) {
    double score = Weighted(s0, order[0]->weight);
    for (size_t i = 1; i < order.size(); i++) {
      double v;
      if (!order[i]->Find(m, &v)) return;
      AggregateInto(&score, Weighted(v, order[i]->weight), agg);
    }
    items.emplace_back(m, score);
  });
  return items;
}

// ZINTERCARD: the intersection's size, counting stops at limit (0: no limit).
int64_t IntersectionCardinality(std::vector<Source>& src, int64_t limit) {
  std::vector<Source*> order = SmallestFirst(src);
  if (order.empty()) return 0;
  int64_t card = 0;
  order[0]->ForEach([&](std::string_view m, double) {
    if (limit > 0 && card >= limit) return;
    double v;
    for (size_t i = 1; i < order.size(); i++) {
      if (!order[i]->Find(m, &v)) return;
    }
    card++;
  });
  return card;
}

ScoredItems Union(std::vector<Source>& src, Aggregate agg) {
  std::unordered_map<std::string_view, double> acc;
  size_t total = 0;
  for (auto& s : src) total += s.size();
  acc.reserve(total);
  for (auto& s : src) {
    s.ForEach([&](std::string_view m, double sc) {
      double v = Weighted(sc, s.weight);
      auto [it, inserted] = acc.try_emplace(m, v);
      if (!inserted) AggregateInto(&it->second, v, agg);
    });
  }
  return ScoredItems(acc.begin(), acc.end());
}

// The first source's members found in none of the others, with their own scores (no weights in ZDIFF).
ScoredItems Difference(std::vector<Source>& src) {
  ScoredItems items;
  if (src[0].size() == 0) return items;
  for (size_t i = 1; i < src.size(); i++) IndexForLookup(&src[i]);
  src[0].ForEach([&](std::string_view m, double s0) {
    for (size_t i = 1; i < src.size(); i++) {
      double v;
      if (src[i].Find(m, &v)) return;
    }
    items.emplace_back(m, s0);
  });
  return items;
}

// cardinality_only: ZINTERCARD (LIMIT allowed; WEIGHTS, AGGREGATE and WITHSCORES are not).
void SetOpGeneric(CommandContext& ctx, bool has_dst, SetOp op, bool cardinality_only = false) {
  size_t numkeys_idx = has_dst ? 2 : 1;
  std::vector<Source> src;
  if (!LoadSources(ctx, numkeys_idx, &src)) return;
  size_t options_idx = numkeys_idx + 1 + src.size();
  SetOpOptions opts;
  if (cardinality_only) {
    if (ParseIntercardOptions(ctx, options_idx, &opts)) {
      ctx.reply.Integer(IntersectionCardinality(src, opts.card_limit));
    }
    return;
  }
  if (!ParseSetOpOptions(ctx, options_idx, op, has_dst, &src, &opts)) return;
  ScoredItems items;
  switch (op) {
    case SetOp::kInter: items = Intersection(src, opts.agg); break;
    case SetOp::kUnion: items = Union(src, opts.agg); break;
    case SetOp::kDiff: items = Difference(src); break;
  }
  // A difference from a zset keeps the zset's order already.
  if (op != SetOp::kDiff || !src[0].z) {
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
      return a.second < b.second || (a.second == b.second && a.first < b.first);
    });
  }
  if (has_dst) {
    StoreResult(ctx, ctx.arg(1), items);
    return;
  }
  ScoredReply out(ctx.reply, opts.withscores);
  out.Begin(items.size());
  for (auto& [m, s] : items) out.Emit(m, s);
}

void ZunionstoreCmd(CommandContext& ctx) { SetOpGeneric(ctx, true, SetOp::kUnion); }
void ZinterstoreCmd(CommandContext& ctx) { SetOpGeneric(ctx, true, SetOp::kInter); }
void ZdiffstoreCmd(CommandContext& ctx) { SetOpGeneric(ctx, true, SetOp::kDiff); }
void ZunionCmd(CommandContext& ctx) { SetOpGeneric(ctx, false, SetOp::kUnion); }
void ZinterCmd(CommandContext& ctx) { SetOpGeneric(ctx, false, SetOp::kInter); }
void ZdiffCmd(CommandContext& ctx) { SetOpGeneric(ctx, false, SetOp::kDiff); }
void ZintercardCmd(CommandContext& ctx) { SetOpGeneric(ctx, false, SetOp::kInter, true); }

// ---- ZSCAN ----

void ZscanCmd(CommandContext& ctx) {
  uint64_t cursor;
  ScanOptions opts;
  ZSetValue* z = BeginValueScan<ZSetValue>(ctx, &cursor, &opts);
  if (z == nullptr) return;
  std::vector<std::pair<std::string_view, double>> found;
  uint64_t next = ScanMatching(*z, cursor, opts, [&](std::string_view m, double s) { found.emplace_back(m, s); });
  ReplyScanCursor(ctx, next);
  ctx.reply.Array(found.size() * 2);
  for (auto& [m, s] : found) {
    ctx.reply.Bulk(m);
    ctx.reply.Bulk(FormatDouble(s));  // ZSCAN's scores are plain bulk strings, also in RESP3
  }
}

// ---- ZRANDMEMBER ----

void ZrandmemberCmd(CommandContext& ctx) {
  if (ctx.argc() >= 3) {
    int64_t l;
    if (!ParseRandomCount(ctx, ctx.arg(2), &l)) return;
    bool withscores = false;
    if (ctx.argc() > 4 || (ctx.argc() == 4 && !EqualsIgnoreCase(ctx.arg(3), "withscores"))) {
      ctx.reply.Error(err::kSyntax);
      return;
    }
    if (ctx.argc() == 4) {
      withscores = true;
      if (l < -INT64_MAX / 2 || l > INT64_MAX / 2) {
        ctx.reply.Error(err::kValueOutOfRange);
        return;
      }
    }
    bool wrongtype;
    ZSetValue* z = LookupZSet(ctx, ctx.arg(1), false, &wrongtype);
    if (wrongtype) return;
    if (!z || l == 0) {
      ctx.reply.Array(0);
      return;
    }
    size_t size = z->size();
    ScoredReply out(ctx.reply, withscores);
    if (l < 0 || l == 1) {
      // Repetitions allowed (or a single pick): independent uniform picks.
      uint64_t count = l < 0 ? static_cast<uint64_t>(-l) : 1;
      out.Begin(count);
      FastRandom& rng = ThreadRandom();
      for (uint64_t i = 0; i < count; i++) {
        std::string_view m;
        double s;
        z->At(rng.Below(size), &m, &s);
        out.Emit(m, s);
      }
      return;
    }
    size_t count = static_cast<size_t>(l);
    if (count >= size) {
      // The whole set; redis-server 7.0 lists it from the highest element down.
      out.Begin(size);
      z->ForRange(size - 1, size, true, [&](std::string_view m, double s) { out.Emit(m, s); });
      return;
    }
    // Distinct picks, in random order.
    std::vector<uint32_t> ranks;
    PickDistinctIndices(size, count, ThreadRandom(), &ranks);
    out.Begin(count);
    for (size_t r : ranks) {
      std::string_view m;
      double s;
      z->At(r, &m, &s);
      out.Emit(m, s);
    }
    return;
  }
  bool wrongtype;
  ZSetValue* z = LookupZSet(ctx, ctx.arg(1), false, &wrongtype);
  if (wrongtype) return;
  if (!z) {
    ctx.reply.Null();
    return;
  }
  std::string_view m;
  double s;
  z->At(ThreadRandom().Below(z->size()), &m, &s);
  ctx.reply.Bulk(m);
}

}  // namespace

void RegisterZSetFamily(CommandRegistry& r) {
  const char* g = "sorted-set";
  const uint32_t w = kCmdWrite, ro = kCmdReadOnly, oom = kCmdDenyOom, fast = kCmdFast;
  const uint32_t mov = kCmdMovableKeys, blk = kCmdBlocking | kCmdNoScript;
  r.Add(Spec("zadd", -4, w | oom | fast, 1, 1, 1, ZaddCmd, nullptr, g, "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist."));
  r.Add(Spec("zincrby", 4, w | oom | fast, 1, 1, 1, ZincrbyCmd, nullptr, g, "Increments the score of a member in a sorted set."));
  r.Add(Spec("zrem", -3, w | fast, 1, 1, 1, ZremCmd, nullptr, g, "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed."));
  r.Add(Spec("zscore", 3, ro | fast, 1, 1, 1, ZscoreCmd, nullptr, g, "Returns the score of a member in a sorted set."));
  r.Add(Spec("zmscore", -3, ro | fast, 1, 1, 1, ZmscoreCmd, nullptr, g, "Returns the score of one or more members in a sorted set."));
  r.Add(Spec("zcard", 2, ro | fast, 1, 1, 1, ZcardCmd, nullptr, g, "Returns the number of members in a sorted set."));
  r.Add(Spec("zcount", 4, ro | fast, 1, 1, 1, ZcountCmd, nullptr, g, "Returns the count of members in a sorted set that have scores within a range."));
  r.Add(Spec("zlexcount", 4, ro | fast, 1, 1, 1, ZlexcountCmd, nullptr, g, "Returns the number of members in a sorted set within a lexicographical range."));
  r.Add(Spec("zrank", -3, ro | fast, 1, 1, 1, ZrankCmd, nullptr, g, "Returns the index of a member in a sorted set ordered by ascending scores."));
  r.Add(Spec("zrevrank", -3, ro | fast, 1, 1, 1, ZrevrankCmd, nullptr, g, "Returns the index of a member in a sorted set ordered by descending scores."));
  r.Add(Spec("zrange", -4, ro, 1, 1, 1, ZrangeCmd, nullptr, g, "Returns members in a sorted set within a range of indexes."));
  r.Add(Spec("zrangestore", -5, w | oom, 1, 2, 1, ZrangestoreCmd, nullptr, g, "Stores a range of members from sorted set in a key."));
  r.Add(Spec("zrevrange", -4, ro, 1, 1, 1, ZrevrangeCmd, nullptr, g, "Returns members in a sorted set within a range of indexes in reverse order."));
  r.Add(Spec("zrangebyscore", -4, ro, 1, 1, 1, ZrangebyscoreCmd, nullptr, g, "Returns members in a sorted set within a range of scores."));
  r.Add(Spec("zrevrangebyscore", -4, ro, 1, 1, 1, ZrevrangebyscoreCmd, nullptr, g, "Returns members in a sorted set within a range of scores in reverse order."));
  r.Add(Spec("zrangebylex", -4, ro, 1, 1, 1, ZrangebylexCmd, nullptr, g, "Returns members in a sorted set within a lexicographical range."));
  r.Add(Spec("zrevrangebylex", -4, ro, 1, 1, 1, ZrevrangebylexCmd, nullptr, g, "Returns members in a sorted set within a lexicographical range in reverse order."));
  r.Add(Spec("zremrangebyrank", 4, w, 1, 1, 1, ZremrangebyrankCmd, nullptr, g, "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed."));
  r.Add(Spec("zremrangebyscore", 4, w, 1, 1, 1, ZremrangebyscoreCmd, nullptr, g, "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed."));
  r.Add(Spec("zremrangebylex", 4, w, 1, 1, 1, ZremrangebylexCmd, nullptr, g, "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed."));
  r.Add(Spec("zpopmin", -2, w | fast, 1, 1, 1, ZpopminCmd, nullptr, g, "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped."));
  r.Add(Spec("zpopmax", -2, w | fast, 1, 1, 1, ZpopmaxCmd, nullptr, g, "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped."));
  r.Add(Spec("bzpopmin", -3, w | fast | blk, 1, -2, 1, BzpopminCmd, nullptr, g, "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped."));
  r.Add(Spec("bzpopmax", -3, w | fast | blk, 1, -2, 1, BzpopmaxCmd, nullptr, g, "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped."));
  r.Add(Spec("zmpop", -4, w | mov, 0, 0, 0, ZmpopCmd, ZmpopKeys, g, "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped."));
  r.Add(Spec("bzmpop", -5, w | kCmdBlocking | mov, 0, 0, 0, BzmpopCmd, BzmpopKeys, g, "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped."));
  r.Add(Spec("zunionstore", -4, w | oom | mov, 1, 1, 1, ZunionstoreCmd, StoreOpKeys, g, "Stores the union of multiple sorted sets in a key."));
  r.Add(Spec("zinterstore", -4, w | oom | mov, 1, 1, 1, ZinterstoreCmd, StoreOpKeys, g, "Stores the intersect of multiple sorted sets in a key."));
  r.Add(Spec("zdiffstore", -4, w | oom | mov, 1, 1, 1, ZdiffstoreCmd, StoreOpKeys, g, "Stores the difference of multiple sorted sets in a key."));
  r.Add(Spec("zunion", -3, ro | mov, 0, 0, 0, ZunionCmd, OpKeys, g, "Returns the union of multiple sorted sets."));
  r.Add(Spec("zinter", -3, ro | mov, 0, 0, 0, ZinterCmd, OpKeys, g, "Returns the intersect of multiple sorted sets."));
  r.Add(Spec("zdiff", -3, ro | mov, 0, 0, 0, ZdiffCmd, OpKeys, g, "Returns the difference between multiple sorted sets."));
  r.Add(Spec("zintercard", -3, ro | mov, 0, 0, 0, ZintercardCmd, OpKeys, g, "Returns the number of members of the intersect of multiple sorted sets."));
  r.Add(Spec("zscan", -3, ro | kCmdRandom, 1, 1, 1, ZscanCmd, nullptr, g, "Iterates over members and scores of a sorted set."));
  r.Add(Spec("zrandmember", -2, ro | kCmdRandom, 1, 1, 1, ZrandmemberCmd, nullptr, g, "Returns one or more random members from a sorted set."));
}

}  // namespace rcs
