// String commands: GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX INCR DECR INCRBY DECRBY
// INCRBYFLOAT APPEND STRLEN GETRANGE SUBSTR SETRANGE LCS, and Redis 8.4's compare-and-set (SET ... IFEQ |
// IFNE | IFDEQ | IFDNE), DELEX, DIGEST and MSETEX. A condition decided here is not replayed: SET propagates
// as a plain SET (absolute expiry), DELEX as DEL, MSETEX as one SET per key (in MULTI/EXEC when several).
//
// Strings live inline in the keyspace's entries (Keyspace::SetString). Every expiry decision uses the
// command's time (ctx.now_ms). Relative expiries are propagated as absolute ones (SET ... PXAT,
// PEXPIREAT) so that a replica or an AOF replayed later ends with the same deadline.
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "base/strutil.h"
#include "base/value_digest.h"
#include "protocol/errors.h"
#include "server/client.h"
#include "server/command.h"
#include "server/server.h"

namespace rcs {

namespace {


// SET / GETEX options.
enum SetFlag : uint32_t {
  kSetNx = 1u << 0,
  kSetXx = 1u << 1,
  kSetGet = 1u << 2,
  kSetKeepTtl = 1u << 3,
  kSetPersist = 1u << 4,
  kSetEx = 1u << 5,
  kSetPx = 1u << 6,
  kSetExAt = 1u << 7,
  kSetPxAt = 1u << 8,
  // Redis 8.4's conditions on the current value (SET only), exclusive with NX/XX and with each other.
  kSetIfEq = 1u << 9,
  kSetIfNe = 1u << 10,
  kSetIfDeq = 1u << 11,
  kSetIfDne = 1u << 12,
};
constexpr uint32_t kSetAnyExpire = kSetEx | kSetPx | kSetExAt | kSetPxAt;
constexpr uint32_t kSetAnyCond = kSetIfEq | kSetIfNe | kSetIfDeq | kSetIfDne;

// The condition word of SET / DELEX ("IFEQ" ...) as its flag, or 0.
uint32_t ConditionFlag(std::string_view w) {
  if (EqualsIgnoreCase(w, "ifeq")) return kSetIfEq;
  if (EqualsIgnoreCase(w, "ifne")) return kSetIfNe;
  if (EqualsIgnoreCase(w, "ifdeq")) return kSetIfDeq;
  if (EqualsIgnoreCase(w, "ifdne")) return kSetIfDne;
  return 0;
}

// Whether a condition holds for the current value (`current` null: no key). IFEQ/IFDEQ need the key;
// IFNE/IFDNE hold for a missing one.
bool ConditionHolds(uint32_t cond, const std::string_view* current, std::string_view arg) {
  switch (cond) {
    case kSetIfEq: return current != nullptr && *current == arg;
    case kSetIfNe: return current == nullptr || *current != arg;
    case kSetIfDeq: return current != nullptr && DigestMatches(*current, arg);
    case kSetIfDne: return current == nullptr || !DigestMatches(*current, arg);
    default: return true;
  }
}

inline bool Is2(std::string_view s, char a, char b) {
  return s.size() == 2 && (s[0] | 0x20) == a && (s[1] | 0x20) == b;
}

// Parses SET's (is_set) or GETEX's options from argv[start] on, with Redis 7.0's rules of which options
// exclude which (a repeated EX is allowed, the last one wins). Replies "syntax error" and returns false
// on anything else.
bool ParseSetOptions(CommandContext& ctx, size_t start, bool is_set, uint32_t* flags, std::string_view* expire,
                     std::string_view* cond_arg = nullptr) {
  for (size_t j = start; j < ctx.argc(); j++) {
    std::string_view opt = ctx.arg(j);
    bool has_next = j + 1 < ctx.argc();
    uint32_t f = *flags;
    uint32_t cond = is_set && cond_arg != nullptr ? ConditionFlag(opt) : 0;
    if (is_set && Is2(opt, 'n', 'x') && !(f & (kSetXx | kSetAnyCond))) {
      *flags |= kSetNx;
    } else if (is_set && Is2(opt, 'x', 'x') && !(f & (kSetNx | kSetAnyCond))) {
      *flags |= kSetXx;
    } else if (cond != 0 && !(f & (kSetNx | kSetXx | kSetAnyCond)) && has_next) {
      *flags |= cond;
      *cond_arg = ctx.arg(++j);
    } else if (is_set && EqualsIgnoreCase(opt, "get")) {
      *flags |= kSetGet;
    } else if (is_set && EqualsIgnoreCase(opt, "keepttl") && !(f & (kSetPersist | kSetAnyExpire))) {
      *flags |= kSetKeepTtl;
    } else if (!is_set && EqualsIgnoreCase(opt, "persist") && !(f & (kSetKeepTtl | kSetAnyExpire))) {
      *flags |= kSetPersist;
    } else if (Is2(opt, 'e', 'x') && !(f & (kSetKeepTtl | kSetPersist | kSetExAt | kSetPx | kSetPxAt)) && has_next) {
      *flags |= kSetEx;
      *expire = ctx.arg(++j);
    } else if (Is2(opt, 'p', 'x') && !(f & (kSetKeepTtl | kSetPersist | kSetEx | kSetExAt | kSetPxAt)) && has_next) {
      *flags |= kSetPx;
      *expire = ctx.arg(++j);
    } else if (EqualsIgnoreCase(opt, "exat") && !(f & (kSetKeepTtl | kSetPersist | kSetEx | kSetPx | kSetPxAt)) &&
               has_next) {
      *flags |= kSetExAt;
      *expire = ctx.arg(++j);
    } else if (EqualsIgnoreCase(opt, "pxat") && !(f & (kSetKeepTtl | kSetPersist | kSetEx | kSetExAt | kSetPx)) &&
               has_next) {
      *flags |= kSetPxAt;
      *expire = ctx.arg(++j);
    } else {
      ctx.reply.Error(err::kSyntax);
      return false;
    }
  }
  return true;
}

// The absolute expiry (Unix ms) of an EX/PX/EXAT/PXAT argument. Replies and returns false when it is not
// an integer, <= 0, or overflows.
bool ExpireArgToMs(CommandContext& ctx, std::string_view arg, uint32_t flags, int64_t* ms) {
  int64_t v;
  if (!ParseInt64(arg, &v)) {
    ctx.reply.Error(err::kNotInteger);
    return false;
  }
  bool seconds = (flags & (kSetEx | kSetExAt)) != 0;
  if (v <= 0 || (seconds && v > INT64_MAX / 1000)) {
    ctx.reply.Error(err::InvalidExpireTime(ctx.spec.name));
    return false;
  }
  if (seconds) v *= 1000;
  if (flags & (kSetEx | kSetPx)) {
    if (v > INT64_MAX - ctx.now_ms) {
      ctx.reply.Error(err::InvalidExpireTime(ctx.spec.name));
      return false;
    }
    v += ctx.now_ms;
  }
  *ms = v;
  return true;
}

// Whether an absolute expiry is already past and the key must go now. Not while loading the AOF or on
// a replica: there the key is kept and the master's (or the log's) DEL removes it.
bool AlreadyExpired(CommandContext& ctx, int64_t at_ms) {
  return at_ms <= ctx.now_ms && !ctx.server.loading() && !ctx.server.is_replica() &&
         !(ctx.client != nullptr && ctx.client->has(kClientMaster));
}

// The master's stream and the AOF must apply what the master accepted, whatever our limits say.
bool MustObeyClient(CommandContext& ctx) {
  return ctx.server.loading() || (ctx.client != nullptr && ctx.client->has(kClientMaster));
}

bool StringTooLong(CommandContext& ctx, uint64_t total) {
  if (MustObeyClient(ctx)) return false;
  return total > static_cast<uint64_t>(ctx.server.config().proto_max_bulk_len);
}

std::string Str(std::string_view s) { return std::string(s); }

// Looks up a string key for reading; replies WRONGTYPE (and sets *failed) for other types.
Entry* ReadString(CommandContext& ctx, std::string_view key, bool* failed) {
  Entry* e = ctx.db.FindRead(key);
  *failed = false;
  if (e != nullptr && e->type() != ObjType::kString) {
    ctx.reply.Error(err::kWrongType);
    *failed = true;
  }
  return e;
}

// Looked up without counting an access: the SetString that follows is it (redis-server's INCR, APPEND and
// SETRANGE look the key up for writing once and then change the value in place or overwrite it keeping the
// access data), so an LFU counter grows by one per command here too.
Entry* WriteString(CommandContext& ctx, std::string_view key, bool* failed) {
  Entry* e = ctx.db.Find(key);
  *failed = false;
  if (e != nullptr && e->type() != ObjType::kString) {
    ctx.reply.Error(err::kWrongType);
    *failed = true;
  }
  return e;
}

// ---- GET / SET family ----

void GetCmd(CommandContext& ctx) {
  Entry* e = ctx.db.FindRead(ctx.arg(1));
  if (e == nullptr) return ctx.reply.Null();
  if (e->type() != ObjType::kString) return ctx.reply.Error(err::kWrongType);
  ctx.reply.Bulk(e->str());
}

// The SET replicas and the AOF get for a write decided here: the absolute deadline (PXAT) or KEEPTTL, no
// condition (NX/XX/IF*, GET) left to evaluate again.
void PropagateSet(CommandContext& ctx, std::string_view key, std::string_view value, int64_t expire_at,
                  bool keep_ttl) {
  std::vector<std::string> cmd = {"SET", Str(key), Str(value)};
  if (expire_at >= 0) {
    cmd.emplace_back("PXAT");
    cmd.push_back(Int64ToString(expire_at));
  } else if (keep_ttl) {
    cmd.emplace_back("KEEPTTL");
  }
  ctx.PropagateAs(std::move(cmd));
}

void SetCmd(CommandContext& ctx) {
  std::string_view key = ctx.arg(1), value = ctx.arg(2);
  if (ctx.argc() == 3) {  // the hot path: no options, no lookup
    ctx.db.SetString(key, value);
    ctx.dirty = 1;
    return ctx.reply.Ok();
  }
  uint32_t flags = 0;
  std::string_view expire_arg, cond_arg;
  if (!ParseSetOptions(ctx, 3, true, &flags, &expire_arg, &cond_arg)) return;
  int64_t expire_at = -1;
  if ((flags & kSetAnyExpire) && !ExpireArgToMs(ctx, expire_arg, flags, &expire_at)) return;

  bool found;
  std::string old;
  bool had_old = false;
  bool cond_holds = true;
  if (flags & (kSetGet | kSetAnyCond)) {
    bool failed;
    Entry* e = (flags & kSetGet) ? ReadString(ctx, key, &failed) : WriteString(ctx, key, &failed);
    if (failed) return;
    found = e != nullptr;
    if (found) {
      old.assign(e->str());
      had_old = true;
    }
    std::string_view current = old;
    cond_holds = ConditionHolds(flags & kSetAnyCond, found ? &current : nullptr, cond_arg);
  } else if (flags & (kSetNx | kSetXx)) {
    found = ctx.db.FindWrite(key) != nullptr;
  } else {
    found = false;  // not needed
  }
  auto reply_old = [&] {
    if (had_old) ctx.reply.Bulk(old);
    else ctx.reply.Null();
  };
  if (((flags & kSetNx) && found) || ((flags & kSetXx) && !found) || !cond_holds) {
    // Not set: GET still answers the old value.
    if (flags & kSetGet) return reply_old();
    return ctx.reply.Null();
  }

  ctx.dirty = 1;
  if (expire_at >= 0 && AlreadyExpired(ctx, expire_at)) {
    // The value would be born expired: remove the key now and tell replicas/AOF the same.
    ctx.db.Delete(key);
    ctx.PropagateAs({"DEL", Str(key)});
  } else {
    ctx.db.SetString(key, value, expire_at, (flags & kSetKeepTtl) != 0);
    if ((expire_at >= 0 && !(flags & kSetPxAt)) || (flags & (kSetGet | kSetNx | kSetXx | kSetAnyCond))) {
      // Replay exactly what happened: the absolute deadline, without GET/NX/XX/IF* (already decided here).
      PropagateSet(ctx, key, value, expire_at, (flags & kSetKeepTtl) != 0);
    }
  }
  if (flags & kSetGet) return reply_old();
  ctx.reply.Ok();
}

void SetnxCmd(CommandContext& ctx) {
  if (ctx.db.FindWrite(ctx.arg(1)) != nullptr) return ctx.reply.Integer(0);
  ctx.db.SetString(ctx.arg(1), ctx.arg(2));
  ctx.dirty = 1;
  ctx.reply.Integer(1);
}

void SetexGeneric(CommandContext& ctx, uint32_t unit_flag) {
  int64_t at;
  if (!ExpireArgToMs(ctx, ctx.arg(2), unit_flag, &at)) return;
  ctx.db.SetString(ctx.arg(1), ctx.arg(3), at);
  ctx.dirty = 1;
  ctx.PropagateAs({"SET", Str(ctx.arg(1)), Str(ctx.arg(3)), "PXAT", Int64ToString(at)});
  ctx.reply.Ok();
}
void SetexCmd(CommandContext& ctx) { SetexGeneric(ctx, kSetEx); }
void PsetexCmd(CommandContext& ctx) { SetexGeneric(ctx, kSetPx); }

void GetsetCmd(CommandContext& ctx) {
  bool failed;
  Entry* e = ReadString(ctx, ctx.arg(1), &failed);
  if (failed) return;
  if (e == nullptr) ctx.reply.Null();
  else ctx.reply.Bulk(e->str());
  ctx.db.SetString(ctx.arg(1), ctx.arg(2));
  ctx.dirty = 1;
  ctx.PropagateAs({"SET", Str(ctx.arg(1)), Str(ctx.arg(2))});
}

void GetdelCmd(CommandContext& ctx) {
  bool failed;
  Entry* e = ReadString(ctx, ctx.arg(1), &failed);
  if (failed) return;
  if (e == nullptr) return ctx.reply.Null();
  ctx.reply.Bulk(e->str());
  ctx.db.Delete(ctx.arg(1));
  ctx.dirty = 1;
  ctx.PropagateAs({"DEL", Str(ctx.arg(1))});
}

void GetexCmd(CommandContext& ctx) {
  uint32_t flags = 0;
  std::string_view expire_arg;
  if (!ParseSetOptions(ctx, 2, false, &flags, &expire_arg)) return;
  std::string_view key = ctx.arg(1);
  bool failed;
  Entry* e = ReadString(ctx, key, &failed);
  if (failed) return;
  if (e == nullptr) return ctx.reply.Null();
  int64_t at = -1;
  if ((flags & kSetAnyExpire) && !ExpireArgToMs(ctx, expire_arg, flags, &at)) return;
  ctx.reply.Bulk(e->str());
  if ((flags & (kSetExAt | kSetPxAt)) && AlreadyExpired(ctx, at)) {
    ctx.db.Delete(key);
    ctx.dirty = 1;
    ctx.PropagateAs({"DEL", Str(key)});
  } else if (at >= 0) {
    ctx.db.SetExpire(key, at);
    ctx.dirty = 1;
    ctx.PropagateAs({"PEXPIREAT", Str(key), Int64ToString(at)});
  } else if (flags & kSetPersist) {
    if (ctx.db.Persist(key)) {
      ctx.dirty = 1;
      ctx.PropagateAs({"PERSIST", Str(key)});
    }
  }
}

void MgetCmd(CommandContext& ctx) {
  ctx.reply.Array(ctx.argc() - 1);
  for (size_t i = 1; i < ctx.argc(); i++) {
    Entry* e = ctx.db.FindRead(ctx.arg(i));
    if (e == nullptr || e->type() != ObjType::kString) ctx.reply.Null();
    else ctx.reply.Bulk(e->str());
  }
}

void MsetCmd(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) return ctx.reply.Error(err::WrongArgs(ctx.spec.name));
  for (size_t i = 1; i < ctx.argc(); i += 2) ctx.db.SetString(ctx.arg(i), ctx.arg(i + 1));
  ctx.dirty = static_cast<int64_t>((ctx.argc() - 1) / 2);
  ctx.reply.Ok();
}

void MsetnxCmd(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) return ctx.reply.Error(err::WrongArgs(ctx.spec.name));
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    if (ctx.db.FindWrite(ctx.arg(i)) != nullptr) return ctx.reply.Integer(0);
  }
  for (size_t i = 1; i < ctx.argc(); i += 2) ctx.db.SetString(ctx.arg(i), ctx.arg(i + 1));
  ctx.dirty = static_cast<int64_t>((ctx.argc() - 1) / 2);
  ctx.reply.Integer(1);
}

// MSETEX numkeys key value [key value ...] [NX | XX] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL] (8.4): the
// keys get one expiry (or keep theirs), all or none (NX: none exists, XX: all exist); 1 when set, else 0.
bool MsetexNumkeys(ArgList argv, int64_t* n) {
  return argv.size() >= 4 && ParseInt64(argv[1], n) && *n >= 1 &&
         *n <= static_cast<int64_t>((argv.size() - 2) / 2);
}

bool MsetexKeys(ArgList argv, std::vector<int>* out) {
  int64_t n;
  if (!MsetexNumkeys(argv, &n)) return false;
  for (int64_t i = 0; i < n; i++) out->push_back(static_cast<int>(2 + 2 * i));
  return true;
}

void MsetexCmd(CommandContext& ctx) {
  int64_t n;
  if (!MsetexNumkeys(ctx.argv, &n)) return ctx.reply.Error(err::kInvalidNumkeys);
  uint32_t flags = 0;
  std::string_view expire_arg;
  size_t opts = 2 + 2 * static_cast<size_t>(n);
  if (!ParseSetOptions(ctx, opts, true, &flags, &expire_arg)) return;
  if (flags & kSetGet) return ctx.reply.Error(err::kSyntax);
  int64_t expire_at = -1;
  if ((flags & kSetAnyExpire) && !ExpireArgToMs(ctx, expire_arg, flags, &expire_at)) return;
  if (flags & (kSetNx | kSetXx)) {
    for (size_t i = 2; i < opts; i += 2) {
      bool exists = ctx.db.FindWrite(ctx.arg(i)) != nullptr;
      if (exists != ((flags & kSetXx) != 0)) return ctx.reply.Integer(0);
    }
  }
  bool gone = expire_at >= 0 && AlreadyExpired(ctx, expire_at);
  for (size_t i = 2; i < opts; i += 2) {
    std::string_view key = ctx.arg(i), value = ctx.arg(i + 1);
    if (gone) {
      ctx.db.Delete(key);
      ctx.PropagateAs({"DEL", Str(key)});
      continue;
    }
    ctx.db.SetString(key, value, expire_at, (flags & kSetKeepTtl) != 0);
    PropagateSet(ctx, key, value, expire_at, (flags & kSetKeepTtl) != 0);
  }
  ctx.dirty = n;
  ctx.reply.Integer(1);
}

// DELEX key [IFEQ v | IFNE v | IFDEQ digest | IFDNE digest] (8.4): deletes the key (any type without a
// condition; a string whose value meets it otherwise). 1 when deleted, else 0.
void DelexCmd(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  uint32_t cond = 0;
  if (ctx.argc() != 2) {
    cond = ConditionFlag(ctx.arg(2));
    if (ctx.argc() != 4 || cond == 0) return ctx.reply.Error(err::kSyntax);
  }
  if (cond != 0) {
    bool failed;
    Entry* e = WriteString(ctx, key, &failed);
    if (failed) return;
    if (e == nullptr) return ctx.reply.Integer(0);
    std::string_view current = e->str();
    if (!ConditionHolds(cond, &current, ctx.arg(3))) return ctx.reply.Integer(0);
  }
  if (!ctx.db.Delete(key)) return ctx.reply.Integer(0);
  ctx.dirty = 1;
  ctx.PropagateAs({"DEL", Str(key)});
  ctx.reply.Integer(1);
}

// DIGEST key (8.4): the XXH3 digest of a string value, as hex (base/value_digest.h); null for no key.
void DigestCmd(CommandContext& ctx) {
  bool failed;
  Entry* e = ReadString(ctx, ctx.arg(1), &failed);
  if (failed) return;
  if (e == nullptr) return ctx.reply.Null();
  ctx.reply.Bulk(ValueDigestHex(e->str()));
}

// ---- counters ----

void IncrBy(CommandContext& ctx, int64_t delta) {
  std::string_view key = ctx.arg(1);
  bool failed;
  Entry* e = WriteString(ctx, key, &failed);
  if (failed) return;
  int64_t v = 0;
  if (e != nullptr && !ParseInt64(e->str(), &v)) return ctx.reply.Error(err::kNotInteger);
  int64_t result;
  if (__builtin_add_overflow(v, delta, &result)) return ctx.reply.Error(err::kOverflow);
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), result);
  ctx.db.SetString(key, std::string_view(buf, r.ptr - buf), -1, /*keep_ttl=*/true);
  ctx.dirty = 1;
  ctx.reply.Integer(result);
}

void IncrCmd(CommandContext& ctx) { IncrBy(ctx, 1); }
void DecrCmd(CommandContext& ctx) { IncrBy(ctx, -1); }
void IncrbyCmd(CommandContext& ctx) {
  int64_t d;
  if (!ParseInt64(ctx.arg(2), &d)) return ctx.reply.Error(err::kNotInteger);
  IncrBy(ctx, d);
}
void DecrbyCmd(CommandContext& ctx) {
  int64_t d;
  if (!ParseInt64(ctx.arg(2), &d)) return ctx.reply.Error(err::kNotInteger);
  if (d == INT64_MIN) return ctx.reply.Error(err::kDecrOverflow);
  IncrBy(ctx, -d);
}

void IncrbyfloatCmd(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  bool failed;
  Entry* e = WriteString(ctx, key, &failed);
  if (failed) return;
  long double value = 0, incr;
  if ((e != nullptr && !ParseLongDoubleStrict(e->str(), &value)) || !ParseLongDoubleStrict(ctx.arg(2), &incr)) {
    return ctx.reply.Error(err::kNotFloat);
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) return ctx.reply.Error(err::kIncrFloatNaN);
  std::string text = FormatLongDouble(value);
  ctx.db.SetString(key, text, -1, /*keep_ttl=*/true);
  ctx.dirty = 1;
  ctx.reply.Bulk(text);
  // Float formatting may differ between machines: replicas get the result, not the increment.
  ctx.PropagateAs({"SET", Str(key), std::move(text), "KEEPTTL"});
}

// ---- substrings ----

void AppendCmd(CommandContext& ctx) {
  std::string_view key = ctx.arg(1), tail = ctx.arg(2);
  bool failed;
  Entry* e = WriteString(ctx, key, &failed);
  if (failed) return;
  size_t len;
  if (e == nullptr) {
    ctx.db.SetString(key, tail);
    len = tail.size();
  } else {
    std::string_view cur = e->str();
    if (StringTooLong(ctx, static_cast<uint64_t>(cur.size()) + tail.size())) {
      return ctx.reply.Error(err::kStringTooLong);
    }
    std::string joined;
    joined.reserve(cur.size() + tail.size());
    joined.append(cur).append(tail);
    ctx.db.SetString(key, joined, -1, /*keep_ttl=*/true);
    len = joined.size();
  }
  ctx.dirty = 1;
  ctx.reply.Integer(static_cast<int64_t>(len));
}

void StrlenCmd(CommandContext& ctx) {
  bool failed;
  Entry* e = ReadString(ctx, ctx.arg(1), &failed);
  if (failed) return;
  ctx.reply.Integer(e == nullptr ? 0 : static_cast<int64_t>(e->str().size()));
}

void GetrangeCmd(CommandContext& ctx) {
  int64_t start, end;
  if (!ParseInt64(ctx.arg(2), &start) || !ParseInt64(ctx.arg(3), &end)) return ctx.reply.Error(err::kNotInteger);
  bool failed;
  Entry* e = ReadString(ctx, ctx.arg(1), &failed);
  if (failed) return;
  if (e == nullptr) return ctx.reply.Bulk("");
  std::string_view s = e->str();
  int64_t len = static_cast<int64_t>(s.size());
  // Redis 7.0's arithmetic, quirks included (e.g. both ends far before the start select the first byte).
  if (start < 0 && end < 0 && start > end) return ctx.reply.Bulk("");
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) return ctx.reply.Bulk("");
  ctx.reply.Bulk(s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
}

void SetrangeCmd(CommandContext& ctx) {
  std::string_view key = ctx.arg(1), value = ctx.arg(3);
  int64_t offset;
  if (!ParseInt64(ctx.arg(2), &offset)) return ctx.reply.Error(err::kNotInteger);
  if (offset < 0) return ctx.reply.Error(err::kOffsetOutOfRange);
  bool failed;
  Entry* e = WriteString(ctx, key, &failed);
  if (failed) return;
  size_t olen = e == nullptr ? 0 : e->str().size();
  if (value.empty()) return ctx.reply.Integer(static_cast<int64_t>(olen));
  uint64_t total = static_cast<uint64_t>(offset) + value.size();
  if (StringTooLong(ctx, total)) return ctx.reply.Error(err::kStringTooLong);
  std::string s;
  s.reserve(std::max<uint64_t>(olen, total));
  if (e != nullptr) s.assign(e->str());
  if (s.size() < total) s.resize(total, '\0');
  memcpy(s.data() + offset, value.data(), value.size());
  ctx.db.SetString(key, s, -1, /*keep_ttl=*/true);
  ctx.dirty = 1;
  ctx.reply.Integer(static_cast<int64_t>(s.size()));
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
void LcsCmd(CommandContext& ctx) {
  Entry* ea = ctx.db.FindRead(ctx.arg(1));
  Entry* eb = ctx.db.FindRead(ctx.arg(2));
  if ((ea != nullptr && ea->type() != ObjType::kString) || (eb != nullptr && eb->type() != ObjType::kString)) {
    return ctx.reply.Error(err::kLcsNotStrings);
  }
  bool getlen = false, getidx = false, withmatchlen = false;
  int64_t minmatchlen = 0;
  for (size_t j = 3; j < ctx.argc(); j++) {
    std::string_view opt = ctx.arg(j);
    if (EqualsIgnoreCase(opt, "idx")) {
      getidx = true;
    } else if (EqualsIgnoreCase(opt, "len")) {
      getlen = true;
    } else if (EqualsIgnoreCase(opt, "withmatchlen")) {
      withmatchlen = true;
    } else if (EqualsIgnoreCase(opt, "minmatchlen") && j + 1 < ctx.argc()) {
      if (!ParseInt64(ctx.arg(j + 1), &minmatchlen)) return ctx.reply.Error(err::kNotInteger);
      if (minmatchlen < 0) minmatchlen = 0;
      j++;
    } else {
      return ctx.reply.Error(err::kSyntax);
    }
  }
  if (getlen && getidx) return ctx.reply.Error(err::kLcsLenAndIdx);
  // Copies: the views would not survive anything that touches the keyspace, and the table is O(n*m) anyway.
  std::string a = ea ? std::string(ea->str()) : std::string();
  std::string b = eb ? std::string(eb->str()) : std::string();
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) return ctx.reply.Error(err::kLcsTooLong);
  const uint64_t alen = a.size(), blen = b.size();
  unsigned __int128 cells = static_cast<unsigned __int128>(alen + 1) * (blen + 1);
  if (cells * sizeof(uint32_t) > static_cast<unsigned __int128>(ctx.server.config().proto_max_bulk_len)) {
    return ctx.reply.Error(err::kLcsMemory);
  }
  // dp[i][j] = LCS length of a[0..i) and b[0..j).
  std::vector<uint32_t> dp(static_cast<size_t>(cells), 0);
  auto at = [&](uint64_t i, uint64_t j) -> uint32_t& { return dp[i * (blen + 1) + j]; };
  for (uint64_t i = 1; i <= alen; i++) {
    for (uint64_t j = 1; j <= blen; j++) {
      if (a[i - 1] == b[j - 1]) at(i, j) = at(i - 1, j - 1) + 1;
      else at(i, j) = std::max(at(i - 1, j), at(i, j - 1));
    }
  }
  uint32_t lcs_len = at(alen, blen);
  if (getlen) return ctx.reply.Integer(lcs_len);

  // Walk back from the end, collecting the subsequence and the maximal runs of matches ("ranges"), which
  // come out from the last to the first, as Redis emits them.
  std::string result(lcs_len, '\0');
  uint32_t idx = lcs_len;
  const uint64_t none = alen;  // arange_start == none: no range open
  uint64_t astart = none, aend = 0, bstart = 0, bend = 0;
  size_t handle = 0, matches = 0;
  if (getidx) {
    ctx.reply.Map(2);
    ctx.reply.Bulk("matches");
    handle = ctx.reply.BeginDeferred();
  }
  uint64_t i = alen, j = blen;
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      result[--idx] = a[i - 1];
      if (astart == none) {
        astart = aend = i - 1;
        bstart = bend = j - 1;
      } else if (astart == i && bstart == j) {
        astart--;
        bstart--;
      } else {
        emit = true;
      }
      if (astart == 0 || bstart == 0) emit = true;
      i--;
      j--;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) i--;
      else j--;
      if (astart != none) emit = true;
    }
    if (emit && astart != none) {
      uint64_t mlen = aend - astart + 1;
      if (getidx && (minmatchlen == 0 || mlen >= static_cast<uint64_t>(minmatchlen))) {
        ctx.reply.Array(withmatchlen ? 3 : 2);
        ctx.reply.Array(2);
        ctx.reply.Integer(static_cast<int64_t>(astart));
        ctx.reply.Integer(static_cast<int64_t>(aend));
        ctx.reply.Array(2);
        ctx.reply.Integer(static_cast<int64_t>(bstart));
        ctx.reply.Integer(static_cast<int64_t>(bend));
        if (withmatchlen) ctx.reply.Integer(static_cast<int64_t>(mlen));
        matches++;
      }
      astart = none;
    }
  }
  if (getidx) {
    ctx.reply.EndDeferredArray(handle, matches);
    ctx.reply.Bulk("len");
    ctx.reply.Integer(lcs_len);
  } else {
    ctx.reply.Bulk(result);
  }
}

}  // namespace

void RegisterStringFamily(CommandRegistry& r) {
  const char* g = "string";
  const uint32_t w = kCmdWrite, ro = kCmdReadOnly, oom = kCmdDenyOom, fast = kCmdFast;
  r.Add(Spec("get", 2, ro | fast, 1, 1, 1, GetCmd, nullptr, g, "Returns the string value of a key."));
  r.Add(Spec("set", -3, w | oom, 1, 1, 1, SetCmd, nullptr, g,
         "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist."));
  r.Add(Spec("setnx", 3, w | oom | fast, 1, 1, 1, SetnxCmd, nullptr, g,
         "Set the string value of a key only when the key doesn't exist."));
  r.Add(Spec("setex", 4, w | oom, 1, 1, 1, SetexCmd, nullptr, g,
         "Sets the string value and expiration time of a key. Creates the key if it doesn't exist."));
  r.Add(Spec("psetex", 4, w | oom, 1, 1, 1, PsetexCmd, nullptr, g,
         "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist."));
  r.Add(Spec("getset", 3, w | oom | fast, 1, 1, 1, GetsetCmd, nullptr, g,
         "Returns the previous string value of a key after setting it to a new value."));
  r.Add(Spec("getdel", 2, w | fast, 1, 1, 1, GetdelCmd, nullptr, g,
         "Returns the string value of a key after deleting the key."));
  r.Add(Spec("getex", -2, w | fast, 1, 1, 1, GetexCmd, nullptr, g,
         "Returns the string value of a key after setting its expiration time."));
  r.Add(Spec("mget", -2, ro | fast, 1, -1, 1, MgetCmd, nullptr, g, "Atomically returns the string values of one or more keys."));
  r.Add(Spec("mset", -3, w | oom, 1, -1, 2, MsetCmd, nullptr, g,
         "Atomically creates or modifies the string values of one or more keys."));
  r.Add(Spec("msetex", -4, w | oom | kCmdMovableKeys, 0, 0, 0, MsetexCmd, MsetexKeys, g,
             "Atomically sets multiple string keys with a shared expiration in a single operation."));
  r.Add(Spec("delex", -2, w | kCmdFast, 1, 1, 1, DelexCmd, nullptr, g,
             "Conditionally removes the specified key based on value or hash digest comparison."));
  r.Add(Spec("digest", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, DigestCmd, nullptr, g,
             "Returns the hash digest of a string value as a hexadecimal string."));
  r.Add(Spec("msetnx", -3, w | oom, 1, -1, 2, MsetnxCmd, nullptr, g,
         "Atomically modifies the string values of one or more keys only when all keys don't exist."));
  r.Add(Spec("incr", 2, w | oom | fast, 1, 1, 1, IncrCmd, nullptr, g,
         "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist."));
  r.Add(Spec("decr", 2, w | oom | fast, 1, 1, 1, DecrCmd, nullptr, g,
         "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist."));
  r.Add(Spec("incrby", 3, w | oom | fast, 1, 1, 1, IncrbyCmd, nullptr, g,
         "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist."));
  r.Add(Spec("decrby", 3, w | oom | fast, 1, 1, 1, DecrbyCmd, nullptr, g,
         "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist."));
  r.Add(Spec("incrbyfloat", 3, w | oom | fast, 1, 1, 1, IncrbyfloatCmd, nullptr, g,
         "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist."));
  r.Add(Spec("append", 3, w | oom | fast, 1, 1, 1, AppendCmd, nullptr, g,
         "Appends a string to the value of a key. Creates the key if it doesn't exist."));
  r.Add(Spec("strlen", 2, ro | fast, 1, 1, 1, StrlenCmd, nullptr, g, "Returns the length of a string value."));
  r.Add(Spec("getrange", 4, ro, 1, 1, 1, GetrangeCmd, nullptr, g, "Returns a substring of the string stored at a key."));
  r.Add(Spec("substr", 4, ro, 1, 1, 1, GetrangeCmd, nullptr, g, "Returns a substring from a string value."));
  r.Add(Spec("setrange", 4, w | oom, 1, 1, 1, SetrangeCmd, nullptr, g,
         "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist."));
  r.Add(Spec("lcs", -3, ro, 1, 2, 1, LcsCmd, nullptr, g, "Finds the longest common substring."));
}

}  // namespace rcs
