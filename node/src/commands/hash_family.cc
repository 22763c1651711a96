// Hash commands: HSET HSETNX HMSET HGET HMGET HGETALL HKEYS HVALS HDEL HEXISTS HLEN HSTRLEN HINCRBY
// HINCRBYFLOAT HSCAN HRANDFIELD. The value type and its encodings are in keyspace/hash_value.h.
//
// Argument checks follow Redis 7.0's order, because the order decides which error a client sees (e.g.
// HINCRBY parses its increment before looking at the key, HSCAN parses its cursor before the key and its
// options only when the key exists, HRANDFIELD parses its count before the key).
//
// HINCRBYFLOAT propagates as HSET key field <result> so that replicas and the AOF store the exact text
// this node computed.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/strutil.h"
#include "commands/value_lookup.h"
#include "keyspace/hash_value.h"
#include "protocol/errors.h"
#include "commands/scan_args.h"
#include "server/command.h"
#include "server/server.h"

namespace rcs {
namespace {


inline HashValue::Limits LimitsOf(CommandContext& ctx) {
  const Config& c = ctx.server.config();
  return HashValue::Limits{c.hash_max_listpack_entries, c.hash_max_listpack_value};
}

inline HashValue* Create(CommandContext& ctx, std::string_view key) {
  return ctx.db.SetObject(key, std::make_unique<HashValue>())->as<HashValue>();
}

// ---- commands ----

// HSET replies the number of fields created, HMSET (its deprecated twin) OK.
void SetFields(CommandContext& ctx, bool reply_ok) {
  if (ctx.argc() % 2 == 1) {
    ctx.reply.Error(err::WrongArgs(ctx.spec.name));
    return;
  }
  HashValue* h;
  if (!Lookup(ctx, ctx.arg(1), true, &h)) return;
  if (h == nullptr) h = Create(ctx, ctx.arg(1));
  HashValue::Limits limits = LimitsOf(ctx);
  int64_t created = 0;
  for (size_t i = 2; i < ctx.argc(); i += 2) created += h->Set(ctx.arg(i), ctx.arg(i + 1), limits) ? 1 : 0;
  if (reply_ok) ctx.reply.Ok();
  else ctx.reply.Integer(created);
  ctx.dirty += static_cast<int64_t>(ctx.argc() - 2) / 2;
}

void HsetCmd(CommandContext& ctx) { SetFields(ctx, false); }
void HmsetCmd(CommandContext& ctx) { SetFields(ctx, true); }

void HsetnxCmd(CommandContext& ctx) {
  HashValue* h;
  if (!Lookup(ctx, ctx.arg(1), true, &h)) return;
  if (h != nullptr && h->Contains(ctx.arg(2))) {
    ctx.reply.Integer(0);
    return;
  }
  if (h == nullptr) h = Create(ctx, ctx.arg(1));
  h->Set(ctx.arg(2), ctx.arg(3), LimitsOf(ctx));
  ctx.reply.Integer(1);
  ctx.dirty++;
}

void HgetCmd(CommandContext& ctx) {
  HashValue* h;
  if (!Lookup(ctx, ctx.arg(1), false, &h)) return;
  std::string_view v;
  if (h != nullptr && h->Get(ctx.arg(2), &v)) ctx.reply.Bulk(v);
  else ctx.reply.Null();
}

void HmgetCmd(CommandContext& ctx) {
  HashValue* h;
  if (!Lookup(ctx, ctx.arg(1), false, &h)) return;
  ctx.reply.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) {
    std::string_view v;
    if (h != nullptr && h->Get(ctx.arg(i), &v)) ctx.reply.Bulk(v);
    else ctx.reply.Null();
  }
}

void HdelCmd(CommandContext& ctx) {
  RemoveMembers<HashValue>(ctx, [](HashValue& h, std::string_view f) { return h.Delete(f); });
}

// HGETDEL key FIELDS numfields field [field ...] (Redis 8.0): the fields' values (nil for a missing one),
// and the fields deleted (the key with its last one). The FIELDS/numfields checks and their texts are
// redis-server 7.4's for the HTTL family, which HGETDEL shares. Propagated as HDEL of the deleted fields.
void HgetdelCmd(CommandContext& ctx) {
  if (!EqualsIgnoreCase(ctx.arg(2), "FIELDS")) return ctx.reply.Error(err::kFieldsArgMissing);
  int64_t n;
  if (!ParseInt64(ctx.arg(3), &n) || n < 1) return ctx.reply.Error(err::kNumFieldsPositive);
  if (n != static_cast<int64_t>(ctx.argc()) - 4) return ctx.reply.Error(err::kNumFieldsMismatch);
  HashValue* h;
  if (!Lookup(ctx, ctx.arg(1), true, &h)) return;
  ctx.reply.Array(static_cast<size_t>(n));
  std::vector<std::string> hdel = {"HDEL", std::string(ctx.arg(1))};
  for (size_t i = 4; i < ctx.argc(); i++) {
    std::string_view v;
    if (h == nullptr || !h->Get(ctx.arg(i), &v)) {
      ctx.reply.Null();
      continue;
    }
    ctx.reply.Bulk(v);
    h->Delete(ctx.arg(i));
    hdel.emplace_back(ctx.arg(i));
    if (h->size() == 0) {
      ctx.db.Delete(ctx.arg(1));
      h = nullptr;
    }
  }
  ctx.dirty = static_cast<int64_t>(hdel.size()) - 2;
  if (ctx.dirty > 0) ctx.PropagateAs(std::move(hdel));
}

void HlenCmd(CommandContext& ctx) {
  HashValue* h;
  if (!Lookup(ctx, ctx.arg(1), false, &h)) return;
  ctx.reply.Integer(h ? static_cast<int64_t>(h->size()) : 0);
}

void HstrlenCmd(CommandContext& ctx) {
  HashValue* h;
  if (!Lookup(ctx, ctx.arg(1), false, &h)) return;
  std::string_view v;
  ctx.reply.Integer(h != nullptr && h->Get(ctx.arg(2), &v) ? static_cast<int64_t>(v.size()) : 0);
}

void HexistsCmd(CommandContext& ctx) {
  HashValue* h;
  if (!Lookup(ctx, ctx.arg(1), false, &h)) return;
  ctx.reply.Integer(h != nullptr && h->Contains(ctx.arg(2)) ? 1 : 0);
}

enum GetAllWhat { kKeys = 1, kValues = 2, kBoth = 3 };

void GetAll(CommandContext& ctx, int what) {
  HashValue* h;
  if (!Lookup(ctx, ctx.arg(1), false, &h)) return;
  size_t n = h ? h->size() : 0;
  if (what == kBoth) ctx.reply.Map(n);
  else ctx.reply.Array(n);
  if (h == nullptr) return;
  h->ForEach([&](std::string_view f, std::string_view v) {
    if (what & kKeys) ctx.reply.Bulk(f);
    if (what & kValues) ctx.reply.Bulk(v);
  });
}
void HgetallCmd(CommandContext& ctx) { GetAll(ctx, kBoth); }
void HkeysCmd(CommandContext& ctx) { GetAll(ctx, kKeys); }
void HvalsCmd(CommandContext& ctx) { GetAll(ctx, kValues); }

void HincrbyCmd(CommandContext& ctx) {
  int64_t incr;
  if (!ParseInt64(ctx.arg(3), &incr)) {
    ctx.reply.Error(err::kNotInteger);
    return;
  }
  HashValue* h;
  if (!Lookup(ctx, ctx.arg(1), true, &h)) return;
  int64_t value = 0;
  std::string_view cur;
  if (h != nullptr && h->Get(ctx.arg(2), &cur) && !ParseInt64(cur, &value)) {
    ctx.reply.Error(err::kHashValueNotInteger);
    return;
  }
  if ((incr < 0 && value < 0 && incr < INT64_MIN - value) ||
      (incr > 0 && value > 0 && incr > INT64_MAX - value)) {
    ctx.reply.Error(err::kOverflow);
    return;
  }
  value += incr;
  if (h == nullptr) h = Create(ctx, ctx.arg(1));
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), value);
  h->Set(ctx.arg(2), std::string_view(buf, r.ptr - buf), LimitsOf(ctx));
  ctx.reply.Integer(value);
  ctx.dirty++;
}

void HincrbyfloatCmd(CommandContext& ctx) {
  long double incr;
  if (!ParseLongDoubleStrict(ctx.arg(3), &incr)) {
    ctx.reply.Error(err::kNotFloat);
    return;
  }
  if (std::isinf(incr)) {
    ctx.reply.Error(err::kValueNaNOrInf);
    return;
  }
  HashValue* h;
  if (!Lookup(ctx, ctx.arg(1), true, &h)) return;
  long double value = 0;
  std::string_view cur;
  if (h != nullptr && h->Get(ctx.arg(2), &cur) && !ParseLongDoubleStrict(cur, &value)) {
    ctx.reply.Error(err::kHashValueNotFloat);
    return;
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) {
    ctx.reply.Error(err::kIncrFloatNaN);
    return;
  }
  std::string text = FormatLongDouble(value);
  if (h == nullptr) h = Create(ctx, ctx.arg(1));
  h->Set(ctx.arg(2), text, LimitsOf(ctx));
  ctx.reply.Bulk(text);
  ctx.dirty++;
  ctx.PropagateAs({"HSET", std::string(ctx.arg(1)), std::string(ctx.arg(2)), std::move(text)});
}

void HscanCmd(CommandContext& ctx) {
  uint64_t cursor;
  ScanOptions opts;
  HashValue* h = BeginValueScan<HashValue>(ctx, &cursor, &opts, /*allow_novalues=*/true);
  if (h == nullptr) return;
  std::vector<std::pair<std::string_view, std::string_view>> found;
  uint64_t next =
      ScanMatching(*h, cursor, opts, [&](std::string_view f, std::string_view v) { found.emplace_back(f, v); });
  ReplyScanCursor(ctx, next);
  ctx.reply.Array(found.size() * (opts.no_values ? 1 : 2));
  for (auto& [f, v] : found) {
    ctx.reply.Bulk(f);
    if (!opts.no_values) ctx.reply.Bulk(v);
  }
}

void HrandfieldCmd(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    HashValue* h;
    if (!Lookup(ctx, ctx.arg(1), false, &h)) return;
    if (h == nullptr) {
      ctx.reply.Null();
      return;
    }
    ctx.reply.Bulk(h->At(ThreadRandom().Below(h->size())).first);
    return;
  }
  int64_t l;
  if (!ParseRandomCount(ctx, ctx.arg(2), &l)) return;
  if (ctx.argc() > 4 || (ctx.argc() == 4 && !EqualsIgnoreCase(ctx.arg(3), "withvalues"))) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  bool withvalues = ctx.argc() == 4;
  // With values the reply holds 2*count elements: Redis refuses counts whose double overflows.
  if (withvalues && l < -(INT64_MAX / 2)) {
    ctx.reply.Error(err::kValueOutOfRange);
    return;
  }
  HashValue* h;
  if (!Lookup(ctx, ctx.arg(1), false, &h)) return;
  if (h == nullptr || l == 0) {
    ctx.reply.Array(0);
    return;
  }
  bool resp3 = ctx.reply.proto() >= 3;
  auto emit = [&](std::string_view f, std::string_view v) {
    if (withvalues && resp3) ctx.reply.Array(2);
    ctx.reply.Bulk(f);
    if (withvalues) ctx.reply.Bulk(v);
  };
  size_t size = h->size();
  FastRandom& rng = ThreadRandom();
  // Positional access to a listpack is linear: the paths that pick by position index it once.
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  auto index_listpack = [&] {
    if (h->is_listpack()) h->Collect(&pairs);
  };
  auto at = [&](size_t i) { return pairs.empty() ? h->At(i) : pairs[i]; };

  if (l < 0) {
    // Negative count: that many independent picks, repeats allowed.
    uint64_t count = static_cast<uint64_t>(-l);
    index_listpack();
    ctx.reply.Array(withvalues && !resp3 ? count * 2 : count);
    for (uint64_t k = 0; k < count; k++) {
      auto [f, v] = at(rng.Below(size));
      emit(f, v);
    }
    return;
  }
  uint64_t count = static_cast<uint64_t>(l);
  size_t n = count < size ? count : size;
  ctx.reply.Array(withvalues && !resp3 ? n * 2 : n);
  if (count >= size) {
    h->ForEach(emit);
    return;
  }
  std::vector<uint32_t> idx;
  PickDistinctIndices(size, n, rng, &idx);
  index_listpack();
  for (uint32_t i : idx) {
    auto [f, v] = at(i);
    emit(f, v);
  }
}

}  // namespace

void RegisterHashFamily(CommandRegistry& r) {
  const uint32_t w = kCmdWrite, ro = kCmdReadOnly, oom = kCmdDenyOom, fast = kCmdFast, rnd = kCmdRandom;
  const char* g = "hash";
  r.Add(Spec("hset", -4, w | oom | fast, 1, 1, 1, HsetCmd, nullptr, g, "Creates or modifies the value of a field in a hash."));
  r.Add(Spec("hmset", -4, w | oom | fast, 1, 1, 1, HmsetCmd, nullptr, g, "Sets the values of multiple fields."));
  r.Add(Spec("hsetnx", 4, w | oom | fast, 1, 1, 1, HsetnxCmd, nullptr, g, "Sets the value of a field in a hash only when the field doesn't exist."));
  r.Add(Spec("hget", 3, ro | fast, 1, 1, 1, HgetCmd, nullptr, g, "Returns the value of a field in a hash."));
  r.Add(Spec("hmget", -3, ro | fast, 1, 1, 1, HmgetCmd, nullptr, g, "Returns the values of all fields in a hash."));
  r.Add(Spec("hdel", -3, w | fast, 1, 1, 1, HdelCmd, nullptr, g, "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain."));
  r.Add(Spec("hlen", 2, ro | fast, 1, 1, 1, HlenCmd, nullptr, g, "Returns the number of fields in a hash."));
  r.Add(Spec("hstrlen", 3, ro | fast, 1, 1, 1, HstrlenCmd, nullptr, g, "Returns the length of the value of a field."));
  r.Add(Spec("hexists", 3, ro | fast, 1, 1, 1, HexistsCmd, nullptr, g, "Determines whether a field exists in a hash."));
  r.Add(Spec("hgetall", 2, ro, 1, 1, 1, HgetallCmd, nullptr, g, "Returns all fields and values in a hash."));
  r.Add(Spec("hkeys", 2, ro, 1, 1, 1, HkeysCmd, nullptr, g, "Returns all fields in a hash."));
  r.Add(Spec("hvals", 2, ro, 1, 1, 1, HvalsCmd, nullptr, g, "Returns all values in a hash."));
  r.Add(Spec("hincrby", 4, w | oom | fast, 1, 1, 1, HincrbyCmd, nullptr, g, "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist."));
  r.Add(Spec("hincrbyfloat", 4, w | oom | fast, 1, 1, 1, HincrbyfloatCmd, nullptr, g, "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist."));
  r.Add(Spec("hgetdel", -5, kCmdWrite | kCmdFast, 1, 1, 1, HgetdelCmd, nullptr, g,
             "Returns the value of a field and deletes it from the hash."));
  r.Add(Spec("hscan", -3, ro | rnd, 1, 1, 1, HscanCmd, nullptr, g, "Iterates over fields and values of a hash."));
  r.Add(Spec("hrandfield", -2, ro | rnd, 1, 1, 1, HrandfieldCmd, nullptr, g, "Returns one or more random fields from a hash."));
}

}  // namespace rcs
