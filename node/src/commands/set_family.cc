// Set commands: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SMOVE SINTER SUNION SDIFF
// SINTERSTORE SUNIONSTORE SDIFFSTORE SINTERCARD SSCAN. The value type and its encodings are in
// keyspace/set_value.h.
//
// Argument checks follow Redis 7.0's order (SPOP/SRANDMEMBER parse the count before the key, SMOVE answers
// 0 for a missing source before checking the destination's type, the multi-key commands check every key's
// type before answering an empty result). Reply types as Redis 7.0: SMEMBERS, SINTER, SUNION, SDIFF and SPOP
// with a count are sets (RESP3 '~'); SRANDMEMBER with a count and SMISMEMBER are arrays.
//
// Propagation: SPOP is not deterministic, so it propagates as SREM key member... (at most 1024 members per
// command), or as DEL key when it empties the set (as Redis). Everything else replays as sent.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/strutil.h"
#include "commands/value_lookup.h"
#include "keyspace/set_value.h"
#include "protocol/errors.h"
#include "commands/scan_args.h"
#include "server/command.h"
#include "server/server.h"

namespace rcs {
namespace {


constexpr size_t kSremBatch = 1024;  // members per propagated SREM

inline int64_t MaxIntset(CommandContext& ctx) { return ctx.server.config().set_max_intset_entries; }

inline SetValue* Create(CommandContext& ctx, std::string_view key) {
  return ctx.db.SetObject(key, std::make_unique<SetValue>())->as<SetValue>();
}

void ReplyMembers(CommandContext& ctx, const SetValue& s) {
  ctx.reply.Set(s.size());
  s.ForEach([&](std::string_view m) { ctx.reply.Bulk(m); });
}

// Stores `result` at `dst` (or deletes `dst` when it is empty) and replies its size, as the *STORE commands.
void StoreResult(CommandContext& ctx, std::string_view dst, std::unique_ptr<SetValue> result) {
  size_t n = result->size();
  if (n > 0) {
    ctx.db.SetObject(dst, std::move(result));
    ctx.dirty++;
  } else if (ctx.db.Delete(dst)) {
    ctx.dirty++;
  }
  ctx.reply.Integer(static_cast<int64_t>(n));
}

// ---- single-key commands ----

void SaddCmd(CommandContext& ctx) {
  SetValue* s;
  if (!Lookup(ctx, ctx.arg(1), true, &s)) return;
  if (s == nullptr) s = Create(ctx, ctx.arg(1));
  int64_t max = MaxIntset(ctx), added = 0;
  for (size_t i = 2; i < ctx.argc(); i++) added += s->Add(ctx.arg(i), max) ? 1 : 0;
  ctx.dirty += added;
  ctx.reply.Integer(added);
}

void SremCmd(CommandContext& ctx) {
  RemoveMembers<SetValue>(ctx, [](SetValue& s, std::string_view m) { return s.Remove(m); });
}

void SmembersCmd(CommandContext& ctx) {
  SetValue* s;
  if (!Lookup(ctx, ctx.arg(1), false, &s)) return;
  if (s == nullptr) ctx.reply.Set(0);
  else ReplyMembers(ctx, *s);
}

void SismemberCmd(CommandContext& ctx) {
  SetValue* s;
  if (!Lookup(ctx, ctx.arg(1), false, &s)) return;
  ctx.reply.Integer(s != nullptr && s->Contains(ctx.arg(2)) ? 1 : 0);
}

void SmismemberCmd(CommandContext& ctx) {
  SetValue* s;
  if (!Lookup(ctx, ctx.arg(1), false, &s)) return;
  ctx.reply.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) ctx.reply.Integer(s != nullptr && s->Contains(ctx.arg(i)) ? 1 : 0);
}

void ScardCmd(CommandContext& ctx) {
  SetValue* s;
  if (!Lookup(ctx, ctx.arg(1), false, &s)) return;
  ctx.reply.Integer(s ? static_cast<int64_t>(s->size()) : 0);
}

void SpopWithCount(CommandContext& ctx) {
  int64_t l;
  if (!ParseInt64(ctx.arg(2), &l) || l < 0) {
    ctx.reply.Error(err::kOutOfRangePositive);
    return;
  }
  SetValue* s;
  if (!Lookup(ctx, ctx.arg(1), true, &s)) return;
  if (s == nullptr || l == 0) {
    ctx.reply.Set(0);
    return;
  }
  std::string key(ctx.arg(1));
  size_t size = s->size();
  uint64_t count = static_cast<uint64_t>(l);
  if (count >= size) {
    // Everything: reply the whole set and delete the key.
    ReplyMembers(ctx, *s);
    ctx.db.Delete(key);
    ctx.dirty += static_cast<int64_t>(size);
    ctx.PropagateAs({"DEL", key});
    return;
  }
  std::vector<uint32_t> idx;
  PickDistinctIndices(size, count, ThreadRandom(), &idx);
  std::vector<std::string> popped;
  popped.reserve(count);
  char buf[SetValue::kIntBufSize];
  for (uint32_t i : idx) popped.emplace_back(s->At(i, buf));
  ctx.reply.Set(count);
  for (const std::string& m : popped) {
    ctx.reply.Bulk(m);
    s->Remove(m);
  }
  size_t remaining = size - count;
  if (!s->is_intset() && remaining * 5 <= count) {
    // Redis rebuilds the survivors into a new set when most members leave (so a hashtable whose
    // survivors are all integers becomes an intset again); keep the same OBJECT ENCODING answer.
    auto fresh = std::make_unique<SetValue>();
    int64_t max = MaxIntset(ctx);
    s->ForEach([&](std::string_view m) { fresh->Add(m, max); });
    ctx.db.SetObject(key, std::move(fresh), -1, /*keep_ttl=*/true);
  }
  ctx.dirty += static_cast<int64_t>(count);
  for (size_t start = 0; start < popped.size(); start += kSremBatch) {
    size_t end = std::min(popped.size(), start + kSremBatch);
    std::vector<std::string> cmd;
    cmd.reserve(2 + end - start);
    cmd.push_back("SREM");
    cmd.push_back(key);
    for (size_t i = start; i < end; i++) cmd.push_back(std::move(popped[i]));
    ctx.PropagateAs(std::move(cmd));
  }
}

void SpopCmd(CommandContext& ctx) {
  if (ctx.argc() == 3) {
    SpopWithCount(ctx);
    return;
  }
  if (ctx.argc() > 3) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  SetValue* s;
  if (!Lookup(ctx, ctx.arg(1), true, &s)) return;
  if (s == nullptr) {
    ctx.reply.Null();
    return;
  }
  char buf[SetValue::kIntBufSize];
  std::string member(s->At(ThreadRandom().Below(s->size()), buf));
  s->Remove(member);
  ctx.reply.Bulk(member);
  std::string key(ctx.arg(1));
  if (s->size() == 0) ctx.db.Delete(key);
  ctx.dirty++;
  ctx.PropagateAs({"SREM", std::move(key), std::move(member)});
}

void SrandmemberCmd(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  char buf[SetValue::kIntBufSize];
  FastRandom& rng = ThreadRandom();
  if (ctx.argc() == 2) {
    SetValue* s;
    if (!Lookup(ctx, ctx.arg(1), false, &s)) return;
    if (s == nullptr) ctx.reply.Null();
    else ctx.reply.Bulk(s->At(rng.Below(s->size()), buf));
    return;
  }
  int64_t l;
  if (!ParseRandomCount(ctx, ctx.arg(2), &l)) return;
  SetValue* s;
  if (!Lookup(ctx, ctx.arg(1), false, &s)) return;
  if (s == nullptr || l == 0) {
    ctx.reply.Array(0);
    return;
  }
  size_t size = s->size();
  if (l < 0) {
    // Negative count: that many independent picks, repeats allowed.
    uint64_t count = static_cast<uint64_t>(-l);
    ctx.reply.Array(count);
    for (uint64_t k = 0; k < count; k++) ctx.reply.Bulk(s->At(rng.Below(size), buf));
    return;
  }
  uint64_t count = static_cast<uint64_t>(l);
  if (count >= size) {
    ctx.reply.Array(size);
    s->ForEach([&](std::string_view m) { ctx.reply.Bulk(m); });
    return;
  }
  std::vector<uint32_t> idx;
  PickDistinctIndices(size, count, rng, &idx);
  ctx.reply.Array(count);
  for (uint32_t i : idx) ctx.reply.Bulk(s->At(i, buf));
}

void SmoveCmd(CommandContext& ctx) {
  std::string_view src_key = ctx.arg(1), dst_key = ctx.arg(2), member = ctx.arg(3);
  // Take the objects right after each lookup: a later lookup may expire keys and move entries.
  Entry* e = ctx.db.FindWrite(src_key);
  bool src_wrong = e != nullptr && e->type() != ObjType::kSet;
  SetValue* src = e != nullptr && !src_wrong ? e->as<SetValue>() : nullptr;
  bool src_exists = e != nullptr;
  e = ctx.db.FindWrite(dst_key);
  bool dst_wrong = e != nullptr && e->type() != ObjType::kSet;
  SetValue* dst = e != nullptr && !dst_wrong ? e->as<SetValue>() : nullptr;
  if (!src_exists) {
    ctx.reply.Integer(0);
    return;
  }
  if (src_wrong || dst_wrong) {
    ctx.reply.Error(err::kWrongType);
    return;
  }
  if (src == dst) {
    ctx.reply.Integer(src->Contains(member) ? 1 : 0);
    return;
  }
  if (!src->Remove(member)) {
    ctx.reply.Integer(0);
    return;
  }
  if (src->size() == 0) ctx.db.Delete(src_key);
  if (dst == nullptr) dst = Create(ctx, dst_key);
  ctx.dirty++;
  if (dst->Add(member, MaxIntset(ctx))) ctx.dirty++;
  ctx.reply.Integer(1);
}

// ---- multi-set operations ----

// The sets named by keys (null for a missing key). False after replying WRONGTYPE.
bool LookupAll(CommandContext& ctx, size_t first, size_t n, std::vector<const SetValue*>* sets) {
  sets->clear();
  sets->reserve(n);
  for (size_t i = 0; i < n; i++) {
    SetValue* s;
    if (!Lookup(ctx, ctx.arg(first + i), false, &s)) return false;
    sets->push_back(s);
  }
  return true;
}

enum class InterMode { kReply, kStore, kCard };

// SINTER / SINTERSTORE / SINTERCARD over argv[first, first+n). limit 0 = none (SINTERCARD).
void Intersect(CommandContext& ctx, size_t first, size_t n, InterMode mode, std::string_view dst,
               uint64_t limit) {
  std::vector<const SetValue*> sets;
  if (!LookupAll(ctx, first, n, &sets)) return;
  if (std::find(sets.begin(), sets.end(), nullptr) != sets.end()) {
    // An empty set makes the intersection empty.
    if (mode == InterMode::kStore) {
      if (ctx.db.Delete(dst)) ctx.dirty++;
      ctx.reply.Integer(0);
    } else if (mode == InterMode::kCard) {
      ctx.reply.Integer(0);
    } else {
      ctx.reply.Set(0);
    }
    return;
  }
  std::stable_sort(sets.begin(), sets.end(),
                   [](const SetValue* a, const SetValue* b) { return a->size() < b->size(); });
  const SetValue* smallest = sets[0];
  std::unique_ptr<SetValue> result;
  if (mode == InterMode::kStore) result = std::make_unique<SetValue>();
  int64_t max = MaxIntset(ctx);
  uint64_t card = 0;
  size_t handle = 0;
  if (mode == InterMode::kReply) handle = ctx.reply.BeginDeferred();
  bool stop = false;
  auto take = [&](std::string_view m) {
    card++;
    if (mode == InterMode::kReply) ctx.reply.Bulk(m);
    else if (mode == InterMode::kStore) result->Add(m, max);
    else if (limit != 0 && card >= limit) stop = true;
  };
  if (smallest->is_intset()) {
    char buf[SetValue::kIntBufSize];
    for (size_t i = 0, sz = smallest->size(); i < sz && !stop; i++) {
      int64_t v = smallest->IntAt(i);
      bool all = true;
      for (size_t j = 1; j < sets.size() && all; j++) {
        if (sets[j] != smallest && !sets[j]->ContainsInt(v)) all = false;
      }
      if (all) take(SetValue::FormatInt(v, buf));
    }
  } else {
    char buf[SetValue::kIntBufSize];
    for (size_t i = 0, sz = smallest->size(); i < sz && !stop; i++) {
      std::string_view m = smallest->At(i, buf);
      bool all = true;
      for (size_t j = 1; j < sets.size() && all; j++) {
        if (sets[j] != smallest && !sets[j]->Contains(m)) all = false;
      }
      if (all) take(m);
    }
  }
  if (mode == InterMode::kReply) ctx.reply.EndDeferredSet(handle, card);
  else if (mode == InterMode::kCard) ctx.reply.Integer(static_cast<int64_t>(card));
  else StoreResult(ctx, dst, std::move(result));
}

enum class SetOp { kUnion, kDiff };

// SUNION / SDIFF and their STORE forms over argv[first, first+n); dst empty = reply the members.
void UnionDiff(CommandContext& ctx, size_t first, size_t n, SetOp op, std::string_view dst, bool store) {
  std::vector<const SetValue*> sets;
  if (!LookupAll(ctx, first, n, &sets)) return;
  auto result = std::make_unique<SetValue>();
  int64_t max = MaxIntset(ctx);
  auto add_all = [&](const SetValue* s) {
    if (s->is_intset()) {
      for (size_t i = 0, sz = s->size(); i < sz; i++) result->AddInt(s->IntAt(i), max);
    } else {
      s->ForEach([&](std::string_view m) { result->Add(m, max); });
    }
  };
  if (op == SetOp::kUnion) {
    for (const SetValue* s : sets) {
      if (s != nullptr) add_all(s);
    }
  } else if (sets[0] != nullptr) {
    const SetValue* base = sets[0];
    bool excluded_all = false;
    for (size_t j = 1; j < sets.size(); j++) {
      if (sets[j] == base) excluded_all = true;  // the first set minus itself
    }
    if (!excluded_all) {
      base->ForEach([&](std::string_view m) {
        for (size_t j = 1; j < sets.size(); j++) {
          if (sets[j] != nullptr && sets[j]->Contains(m)) return;
        }
        result->Add(m, max);
      });
    }
  }
  if (store) StoreResult(ctx, dst, std::move(result));
  else ReplyMembers(ctx, *result);
}

void SinterCmd(CommandContext& ctx) { Intersect(ctx, 1, ctx.argc() - 1, InterMode::kReply, {}, 0); }
void SinterstoreCmd(CommandContext& ctx) {
  Intersect(ctx, 2, ctx.argc() - 2, InterMode::kStore, ctx.arg(1), 0);
}
void SunionCmd(CommandContext& ctx) { UnionDiff(ctx, 1, ctx.argc() - 1, SetOp::kUnion, {}, false); }
void SunionstoreCmd(CommandContext& ctx) { UnionDiff(ctx, 2, ctx.argc() - 2, SetOp::kUnion, ctx.arg(1), true); }
void SdiffCmd(CommandContext& ctx) { UnionDiff(ctx, 1, ctx.argc() - 1, SetOp::kDiff, {}, false); }
void SdiffstoreCmd(CommandContext& ctx) { UnionDiff(ctx, 2, ctx.argc() - 2, SetOp::kDiff, ctx.arg(1), true); }

// numkeys of SINTERCARD: >= 1 and no more than the arguments after it.
bool ParseNumkeys(ArgList argv, int64_t* numkeys, std::string_view* error) {
  if (!ParseInt64(argv[1], numkeys) || *numkeys < 1) {
    *error = err::kNumkeysPositive;
    return false;
  }
  if (*numkeys > static_cast<int64_t>(argv.size()) - 2) {
    *error = err::kTooManyKeys;
    return false;
  }
  return true;
}

void SintercardCmd(CommandContext& ctx) {
  int64_t numkeys;
  std::string_view error;
  if (!ParseNumkeys(ctx.argv, &numkeys, &error)) {
    ctx.reply.Error(error);
    return;
  }
  int64_t limit = 0;
  for (size_t j = 2 + static_cast<size_t>(numkeys); j < ctx.argc(); j++) {
    bool more = j + 1 < ctx.argc();
    if (more && EqualsIgnoreCase(ctx.arg(j), "limit")) {
      j++;
      if (!ParseInt64(ctx.arg(j), &limit) || limit < 0) {
        ctx.reply.Error(err::kLimitNegative);
        return;
      }
    } else {
      ctx.reply.Error(err::kSyntax);
      return;
    }
  }
  Intersect(ctx, 2, static_cast<size_t>(numkeys), InterMode::kCard, {}, static_cast<uint64_t>(limit));
}

bool SintercardKeys(ArgList argv, std::vector<int>* keys) {
  if (argv.size() < 3) return false;
  int64_t numkeys;
  std::string_view error;
  if (!ParseNumkeys(argv, &numkeys, &error)) return false;
  for (int64_t i = 0; i < numkeys; i++) keys->push_back(static_cast<int>(2 + i));
  return true;
}

void SscanCmd(CommandContext& ctx) {
  uint64_t cursor;
  ScanOptions opts;
  SetValue* s = BeginValueScan<SetValue>(ctx, &cursor, &opts);
  if (s == nullptr) return;
  // Intset members are formatted into a scratch buffer: keep copies only for those.
  std::vector<std::string> owned;
  std::vector<std::string_view> found;
  bool copy = s->is_intset();
  uint64_t next = ScanMatching(*s, cursor, opts, [&](std::string_view m) {
    if (copy) owned.emplace_back(m);
    else found.push_back(m);
  });
  ReplyScanCursor(ctx, next);
  if (copy) {
    ctx.reply.BulkArray(owned);
  } else {
    ctx.reply.BulkArray(found);
  }
}

}  // namespace

void RegisterSetFamily(CommandRegistry& r) {
  const uint32_t w = kCmdWrite, ro = kCmdReadOnly, oom = kCmdDenyOom, fast = kCmdFast, rnd = kCmdRandom;
  const char* g = "set";
  r.Add(Spec("sadd", -3, w | oom | fast, 1, 1, 1, SaddCmd, nullptr, g, "Adds one or more members to a set. Creates the key if it doesn't exist."));
  r.Add(Spec("srem", -3, w | fast, 1, 1, 1, SremCmd, nullptr, g, "Removes one or more members from a set. Deletes the set if the last member was removed."));
  r.Add(Spec("smembers", 2, ro, 1, 1, 1, SmembersCmd, nullptr, g, "Returns all members of a set."));
  r.Add(Spec("sismember", 3, ro | fast, 1, 1, 1, SismemberCmd, nullptr, g, "Determines whether a member belongs to a set."));
  r.Add(Spec("smismember", -3, ro | fast, 1, 1, 1, SmismemberCmd, nullptr, g, "Determines whether multiple members belong to a set."));
  r.Add(Spec("scard", 2, ro | fast, 1, 1, 1, ScardCmd, nullptr, g, "Returns the number of members in a set."));
  r.Add(Spec("spop", -2, w | fast | rnd, 1, 1, 1, SpopCmd, nullptr, g, "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped."));
  r.Add(Spec("srandmember", -2, ro | rnd, 1, 1, 1, SrandmemberCmd, nullptr, g, "Get one or multiple random members from a set"));
  r.Add(Spec("smove", 4, w | fast, 1, 2, 1, SmoveCmd, nullptr, g, "Moves a member from one set to another."));
  r.Add(Spec("sinter", -2, ro, 1, -1, 1, SinterCmd, nullptr, g, "Returns the intersect of multiple sets."));
  r.Add(Spec("sunion", -2, ro, 1, -1, 1, SunionCmd, nullptr, g, "Returns the union of multiple sets."));
  r.Add(Spec("sdiff", -2, ro, 1, -1, 1, SdiffCmd, nullptr, g, "Returns the difference of multiple sets."));
  r.Add(Spec("sinterstore", -3, w | oom, 1, -1, 1, SinterstoreCmd, nullptr, g, "Stores the intersect of multiple sets in a key."));
  r.Add(Spec("sunionstore", -3, w | oom, 1, -1, 1, SunionstoreCmd, nullptr, g, "Stores the union of multiple sets in a key."));
  r.Add(Spec("sdiffstore", -3, w | oom, 1, -1, 1, SdiffstoreCmd, nullptr, g, "Stores the difference of multiple sets in a key."));
  r.Add(Spec("sintercard", -3, ro | kCmdMovableKeys, 0, 0, 0, SintercardCmd, SintercardKeys, g, "Returns the number of members of the intersect of multiple sets."));
  r.Add(Spec("sscan", -3, ro | rnd, 1, 1, 1, SscanCmd, nullptr, g, "Iterates over members of a set."));
}

}  // namespace rcs
