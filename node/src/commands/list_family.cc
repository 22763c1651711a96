// List commands: pushes and pops at both ends, positional reads and edits, moves between lists, and the
// blocking pops.
//
// Argument checks follow Redis 7.0's order exactly, because the order decides which error a client sees
// (e.g. LRANGE parses its indices before looking at the key, LINDEX looks at the key first).
//
// Blocking (BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP): when every named list is empty the handler asks the
// dispatcher to block (ctx.Block) and writes nothing; the dispatcher runs the command again when one of the
// keys is written and answers a null array on timeout. Inside MULTI (ctx.can_block false) the command answers
// at once as on timeout (BLMOVE/BRPOPLPUSH: a null bulk, as Redis 7.0). A served blocking pop propagates as
// its non-blocking form (LPOP/RPOP key, LMOVE, RPOPLPUSH, LPOP/RPOP key count) so that replicas and the AOF
// never block.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "base/strutil.h"
#include "commands/mpop_args.h"
#include "commands/value_lookup.h"
#include "keyspace/list_value.h"
#include "protocol/errors.h"
#include "server/command.h"

namespace rcs {
namespace {


enum class End { kHead, kTail };

// Redis's list "where" words.
bool ParseEnd(std::string_view s, End* out) {
  if (EqualsIgnoreCase(s, "left")) *out = End::kHead;
  else if (EqualsIgnoreCase(s, "right")) *out = End::kTail;
  else return false;
  return true;
}

// A non-negative integer as Redis's getPositiveLongFromObjectOrReply: `msg` for both "not an integer" and
// "negative".
bool ParseNonNegative(CommandContext& ctx, std::string_view s, std::string_view msg, int64_t* out) {
  if (!ParseInt64(s, out) || *out < 0) {
    ctx.reply.Error(msg);
    return false;
  }
  return true;
}

bool ParseIndex(CommandContext& ctx, std::string_view s, int64_t* out) {
  if (!ParseInt64(s, out)) {
    ctx.reply.Error(err::kNotInteger);
    return false;
  }
  return true;
}


inline ListValue* CreateList(CommandContext& ctx, std::string_view key) {
  return ctx.db.SetObject(key, std::make_unique<ListValue>())->as<ListValue>();
}

// Pops one element and replies it as a bulk string (no copy: the reply is written before the pop).
inline void PopReply(CommandContext& ctx, ListValue* l, End end) {
  if (end == End::kHead) {
    ctx.reply.Bulk(l->Begin().value());
    l->PopFront(nullptr);
  } else {
    ctx.reply.Bulk(l->Last().value());
    l->PopBack(nullptr);
  }
}

// Pops up to `count` elements, replying them as an array.
size_t PopRangeReply(CommandContext& ctx, ListValue* l, End end, int64_t count) {
  size_t n = static_cast<size_t>(std::min<uint64_t>(static_cast<uint64_t>(count), l->size()));
  ctx.reply.Array(n);
  for (size_t i = 0; i < n; i++) PopReply(ctx, l, end);
  return n;
}

// ---- pushes ----

void PushGeneric(CommandContext& ctx, End end, bool only_existing) {
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.db.FindWrite(key);
  ListValue* l;
  if (e != nullptr) {
    if ((l = AsValue<ListValue>(ctx, e)) == nullptr) return;
  } else {
    if (only_existing) {
      ctx.reply.Integer(0);
      return;
    }
    l = CreateList(ctx, key);
  }
  size_t argc = ctx.argc();
  if (end == End::kHead) {
    for (size_t i = 2; i < argc; i++) l->PushFront(ctx.arg(i));
  } else {
    for (size_t i = 2; i < argc; i++) l->PushBack(ctx.arg(i));
  }
  ctx.dirty += static_cast<int64_t>(argc - 2);
  ctx.reply.Integer(static_cast<int64_t>(l->size()));
}

void LpushCmd(CommandContext& ctx) { PushGeneric(ctx, End::kHead, false); }
void RpushCmd(CommandContext& ctx) { PushGeneric(ctx, End::kTail, false); }
void LpushxCmd(CommandContext& ctx) { PushGeneric(ctx, End::kHead, true); }
void RpushxCmd(CommandContext& ctx) { PushGeneric(ctx, End::kTail, true); }

// ---- pops ----

void PopGeneric(CommandContext& ctx, End end) {
  bool has_count = ctx.argc() == 3;
  if (ctx.argc() > 3) {
    ctx.reply.Error(err::WrongArgs(ctx.spec.name));
    return;
  }
  int64_t count = 0;
  if (has_count && !ParseNonNegative(ctx, ctx.arg(2), err::kOutOfRangePositive, &count)) return;
  std::string_view key = ctx.arg(1);
  ListValue* l = FindOrReply<ListValue>(ctx, key, true, [&](ReplyBuilder& r) {
    if (has_count) r.NullArray();
    else r.Null();
  });
  if (l == nullptr) return;
  if (has_count && count == 0) {
    ctx.reply.Array(0);
    return;
  }
  if (has_count) {
    ctx.dirty += static_cast<int64_t>(PopRangeReply(ctx, l, end, count));
  } else {
    PopReply(ctx, l, end);
    ctx.dirty++;
  }
  if (l->size() == 0) ctx.db.Delete(key);
}

void LpopCmd(CommandContext& ctx) { PopGeneric(ctx, End::kHead); }
void RpopCmd(CommandContext& ctx) { PopGeneric(ctx, End::kTail); }

// ---- reads ----

void LlenCmd(CommandContext& ctx) {
  ListValue* l = FindOrReply<ListValue>(ctx, ctx.arg(1), false, [](ReplyBuilder& r) { r.Integer(0); });
  if (l != nullptr) ctx.reply.Integer(static_cast<int64_t>(l->size()));
}

// LINDEX and LSET: the list at argv[1] and argv[2] as a position in it (negative counts from the tail).
// Returns null after replying: no_key(), WRONGTYPE, not an integer, or out_of_range() for a position
// outside the list (LINDEX replies null for both, LSET errors).
using ReplyFn = void (*)(CommandContext&);
ListValue* ListAndIndex(CommandContext& ctx, bool write, ReplyFn no_key, ReplyFn out_of_range, size_t* pos) {
  ListValue* l = FindOrReply<ListValue>(ctx, ctx.arg(1), write, [&](ReplyBuilder&) { no_key(ctx); });
  int64_t index;
  if (l == nullptr || !ParseIndex(ctx, ctx.arg(2), &index)) return nullptr;
  int64_t len = static_cast<int64_t>(l->size());
  if (index < 0) index += len;
  if (index < 0 || index >= len) {
    out_of_range(ctx);
    return nullptr;
  }
  *pos = static_cast<size_t>(index);
  return l;
}

void LindexCmd(CommandContext& ctx) {
  size_t pos;
  ReplyFn null = [](CommandContext& c) { c.reply.Null(); };
  ListValue* l = ListAndIndex(ctx, false, null, null, &pos);
  if (l != nullptr) ctx.reply.Bulk(l->At(pos));
}

// LRANGE/LTRIM's index rule: negative indexes count from the end, start is clamped to 0 and stop to the
// last element. False when the range is empty; else *start..*stop are valid positions.
bool ClampRange(int64_t len, int64_t* start, int64_t* stop) {
  if (*start < 0) *start += len;
  if (*stop < 0) *stop += len;
  if (*start < 0) *start = 0;
  if (*start > *stop || *start >= len) return false;
  if (*stop >= len) *stop = len - 1;
  return true;
}

void LrangeCmd(CommandContext& ctx) {
  int64_t start, stop;
  if (!ParseIndex(ctx, ctx.arg(2), &start) || !ParseIndex(ctx, ctx.arg(3), &stop)) return;
  ListValue* l = FindOrReply<ListValue>(ctx, ctx.arg(1), false, [](ReplyBuilder& r) { r.Array(0); });
  if (l == nullptr) return;
  if (!ClampRange(static_cast<int64_t>(l->size()), &start, &stop)) {
    ctx.reply.Array(0);
    return;
  }
  size_t n = static_cast<size_t>(stop - start + 1);
  ctx.reply.Array(n);
  ListValue::Iterator it = l->Seek(static_cast<size_t>(start));
  for (size_t i = 0; i < n; i++, it.Next()) ctx.reply.Bulk(it.value());
}

void LposCmd(CommandContext& ctx) {
  std::string_view element = ctx.arg(2);
  int64_t rank = 1, count = -1, maxlen = 0;
  size_t argc = ctx.argc();
  for (size_t j = 3; j < argc; j++) {
    std::string_view opt = ctx.arg(j);
    bool more = j + 1 < argc;
    if (EqualsIgnoreCase(opt, "rank") && more) {
      if (!ParseIndex(ctx, ctx.arg(++j), &rank)) return;
      // Redis 7.2 and later (the redis:8.4 we replace) refuse the one rank that cannot be negated; 7.0.15
      // negated it in a C long and counted every match.
      if (rank == INT64_MIN) {
        ctx.reply.Error(err::kCountOutOfRange);
        return;
      }
      if (rank == 0) {
        ctx.reply.Error(err::kRankZero);
        return;
      }
    } else if (EqualsIgnoreCase(opt, "count") && more) {
      if (!ParseNonNegative(ctx, ctx.arg(++j), err::kCountNegative, &count)) return;
    } else if (EqualsIgnoreCase(opt, "maxlen") && more) {
      if (!ParseNonNegative(ctx, ctx.arg(++j), err::kMaxlenNegative, &maxlen)) return;
    } else {
      ctx.reply.Error(err::kSyntax);
      return;
    }
  }
  ListValue* l = FindOrReply<ListValue>(ctx, ctx.arg(1), false, [&](ReplyBuilder& r) {
    if (count != -1) r.Array(0);
    else r.Null();
  });
  if (l == nullptr) return;

  // A negative rank searches from the tail.
  bool from_tail = rank < 0;
  uint64_t want_rank = static_cast<uint64_t>(from_tail ? -rank : rank);
  uint64_t llen = l->size();
  uint64_t limit = maxlen == 0 ? llen : std::min<uint64_t>(llen, static_cast<uint64_t>(maxlen));
  size_t handle = 0;
  if (count != -1) handle = ctx.reply.BeginDeferred();
  uint64_t matches = 0, emitted = 0;
  int64_t found = -1;
  ListValue::Iterator it = from_tail ? l->Last() : l->Begin();
  for (uint64_t index = 0; index < limit && it.valid(); index++) {
    if (it.value() == element) {
      matches++;
      if (matches >= want_rank) {
        int64_t pos = static_cast<int64_t>(from_tail ? llen - index - 1 : index);
        if (count == -1) {
          found = pos;
          break;
        }
        ctx.reply.Integer(pos);
        emitted++;
        if (count != 0 && matches - want_rank + 1 >= static_cast<uint64_t>(count)) break;
      }
    }
    if (from_tail) it.Prev();
    else it.Next();
  }
  if (count != -1) {
    ctx.reply.EndDeferredArray(handle, emitted);
  } else if (found >= 0) {
    ctx.reply.Integer(found);
  } else {
    ctx.reply.Null();
  }
}

// ---- edits ----

void LsetCmd(CommandContext& ctx) {
  size_t pos;
  ListValue* l = ListAndIndex(
      ctx, true, [](CommandContext& c) { c.reply.Error(err::kNoSuchKey); },
      [](CommandContext& c) { c.reply.Error(err::kIndexOutOfRange); }, &pos);
  if (l == nullptr) return;
  l->Set(pos, ctx.arg(3));
  ctx.dirty++;
  ctx.reply.Ok();
}

void LinsertCmd(CommandContext& ctx) {
  bool after;
  if (EqualsIgnoreCase(ctx.arg(2), "after")) after = true;
  else if (EqualsIgnoreCase(ctx.arg(2), "before")) after = false;
  else {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  ListValue* l = FindOrReply<ListValue>(ctx, ctx.arg(1), true, [](ReplyBuilder& r) { r.Integer(0); });
  if (l == nullptr) return;
  std::string_view pivot = ctx.arg(3);
  for (ListValue::Iterator it = l->Begin(); it.valid(); it.Next()) {
    if (it.value() == pivot) {
      l->InsertAt(it, after, ctx.arg(4));
      ctx.dirty++;
      ctx.reply.Integer(static_cast<int64_t>(l->size()));
      return;
    }
  }
  ctx.reply.Integer(-1);
}

void LremCmd(CommandContext& ctx) {
  int64_t count;
  if (!ParseIndex(ctx, ctx.arg(2), &count)) return;
  std::string_view key = ctx.arg(1);
  ListValue* l = FindOrReply<ListValue>(ctx, key, true, [](ReplyBuilder& r) { r.Integer(0); });
  if (l == nullptr) return;
  size_t removed = l->RemoveEqual(ctx.arg(3), count);
  if (l->size() == 0) ctx.db.Delete(key);
  ctx.dirty += static_cast<int64_t>(removed);
  ctx.reply.Integer(static_cast<int64_t>(removed));
}

void LtrimCmd(CommandContext& ctx) {
  int64_t start, stop;
  if (!ParseIndex(ctx, ctx.arg(2), &start) || !ParseIndex(ctx, ctx.arg(3), &stop)) return;
  std::string_view key = ctx.arg(1);
  ListValue* l = FindOrReply<ListValue>(ctx, key, true, [](ReplyBuilder& r) { r.Ok(); });
  if (l == nullptr) return;
  int64_t len = static_cast<int64_t>(l->size());
  int64_t ltrim = len, rtrim = 0;  // an empty range removes everything
  if (ClampRange(len, &start, &stop)) {
    ltrim = start;
    rtrim = len - stop - 1;
  }
  l->DropFront(static_cast<size_t>(ltrim));
  l->DropBack(static_cast<size_t>(rtrim));
  if (l->size() == 0) ctx.db.Delete(key);
  ctx.dirty += ltrim + rtrim;
  ctx.reply.Ok();
}

// ---- moves ----

// LMOVE's work once the arguments are parsed: replies the moved element, null when the source is empty.
void MoveGeneric(CommandContext& ctx, End from, End to) {
  std::string_view src = ctx.arg(1), dst = ctx.arg(2);
  ListValue* sl = FindOrReply<ListValue>(ctx, src, true, [](ReplyBuilder& r) { r.Null(); });
  if (sl == nullptr) return;
  // Object pointers stay valid across lookups of other keys (entry pointers may not).
  Entry* de = ctx.db.FindWrite(dst);
  ListValue* dl = nullptr;
  if (de != nullptr && (dl = AsValue<ListValue>(ctx, de)) == nullptr) return;
  std::string value;
  if (from == End::kHead) sl->PopFront(&value);
  else sl->PopBack(&value);
  if (dl == nullptr) dl = CreateList(ctx, dst);  // dst != src here: src exists
  if (to == End::kHead) dl->PushFront(value);
  else dl->PushBack(value);
  if (sl->size() == 0) ctx.db.Delete(src);
  ctx.dirty++;
  ctx.reply.Bulk(value);
}

void LmoveCmd(CommandContext& ctx) {
  End from, to;
  if (!ParseEnd(ctx.arg(3), &from) || !ParseEnd(ctx.arg(4), &to)) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  MoveGeneric(ctx, from, to);
}

void RpoplpushCmd(CommandContext& ctx) { MoveGeneric(ctx, End::kTail, End::kHead); }

// ---- blocking ----

// BLPOP/BRPOP/LMPOP/BLMPOP: the first of argv[from..to) that holds a list, its index in *at; null when none
// does. A key of another type is WRONGTYPE (null with *replied set), except for a blocked client woken up
// again: it skips the key and keeps waiting.
ListValue* FirstList(CommandContext& ctx, size_t from, size_t to, size_t* at, bool* replied) {
  *replied = false;
  for (size_t j = from; j < to; j++) {
    Entry* e = ctx.db.FindWrite(ctx.arg(j));
    if (e == nullptr || (ctx.retry && e->type() != ObjType::kList)) continue;
    ListValue* l = AsValue<ListValue>(ctx, e);
    *replied = l == nullptr;
    *at = j;
    return l;
  }
  return nullptr;
}

void BlockingPopGeneric(CommandContext& ctx, End end) {
  size_t argc = ctx.argc();
  int64_t timeout_at;
  if (!ParseTimeout(ctx, ctx.arg(argc - 1), &timeout_at)) return;
  size_t at;
  bool replied;
  if (ListValue* l = FirstList(ctx, 1, argc - 1, &at, &replied)) {
    std::string_view key = ctx.arg(at);
    ctx.reply.Array(2);
    ctx.reply.Bulk(key);
    PopReply(ctx, l, end);
    if (l->size() == 0) ctx.db.Delete(key);
    ctx.dirty++;
    ctx.PropagateAs({end == End::kHead ? "LPOP" : "RPOP", std::string(key)});
    return;
  }
  if (replied) return;
  if (!ctx.can_block) {
    ctx.reply.NullArray();
    return;
  }
  std::vector<std::string> keys;
  keys.reserve(argc - 2);
  for (size_t j = 1; j + 1 < argc; j++) keys.emplace_back(ctx.arg(j));
  ctx.Block(std::move(keys), timeout_at);
}

void BlpopCmd(CommandContext& ctx) { BlockingPopGeneric(ctx, End::kHead); }
void BrpopCmd(CommandContext& ctx) { BlockingPopGeneric(ctx, End::kTail); }

// BLMOVE/BRPOPLPUSH once parsed: blocks on the source only.
void BlockingMoveGeneric(CommandContext& ctx, End from, End to, int64_t timeout_at) {
  std::string_view src = ctx.arg(1);
  Entry* e = ctx.db.FindWrite(src);
  if (e != nullptr && e->type() != ObjType::kList) {
    if (!ctx.retry) {
      ctx.reply.Error(err::kWrongType);
      return;
    }
    e = nullptr;  // blocked on a key that became another type: keep waiting
  }
  if (e == nullptr) {
    if (!ctx.can_block) {
      ctx.reply.Null();
      return;
    }
    ctx.Block({std::string(src)}, timeout_at);
    return;
  }
  uint64_t errors = ctx.reply.errors();
  MoveGeneric(ctx, from, to);
  if (ctx.reply.errors() != errors || ctx.dirty == 0) return;
  if (ctx.argc() == 6) {
    ctx.PropagateAs({"LMOVE", std::string(src), std::string(ctx.arg(2)), std::string(ctx.arg(3)),
                     std::string(ctx.arg(4))});
  } else {
    ctx.PropagateAs({"RPOPLPUSH", std::string(src), std::string(ctx.arg(2))});
  }
}

void BlmoveCmd(CommandContext& ctx) {
  End from, to;
  if (!ParseEnd(ctx.arg(3), &from) || !ParseEnd(ctx.arg(4), &to)) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  int64_t timeout_at;
  if (!ParseTimeout(ctx, ctx.arg(5), &timeout_at)) return;
  BlockingMoveGeneric(ctx, from, to, timeout_at);
}

void BrpoplpushCmd(CommandContext& ctx) {
  int64_t timeout_at;
  if (!ParseTimeout(ctx, ctx.arg(3), &timeout_at)) return;
  BlockingMoveGeneric(ctx, End::kTail, End::kHead, timeout_at);
}

// LMPOP numkeys key... LEFT|RIGHT [COUNT n]; BLMPOP timeout numkeys ... (numkeys_idx 1 or 2).
void MpopGeneric(CommandContext& ctx, size_t numkeys_idx, bool blocking) {
  End end;
  MpopArgs args;
  if (!ParseMpopArgs(ctx, numkeys_idx, [&end](std::string_view w) { return ParseEnd(w, &end); }, &args)) return;
  size_t where_idx = args.where_idx;
  int64_t count = args.count;
  int64_t timeout_at = 0;
  if (blocking && !ParseTimeout(ctx, ctx.arg(1), &timeout_at)) return;

  size_t at;
  bool replied;
  if (ListValue* l = FirstList(ctx, numkeys_idx + 1, where_idx, &at, &replied)) {
    std::string_view key = ctx.arg(at);
    ctx.reply.Array(2);
    ctx.reply.Bulk(key);
    size_t n = PopRangeReply(ctx, l, end, count);
    if (l->size() == 0) ctx.db.Delete(key);
    ctx.dirty += static_cast<int64_t>(n);
    ctx.PropagateAs({end == End::kHead ? "LPOP" : "RPOP", std::string(key), Int64ToString(static_cast<int64_t>(n))});
    return;
  }
  if (replied) return;
  if (!blocking || !ctx.can_block) {
    ctx.reply.NullArray();
    return;
  }
  std::vector<std::string> keys;
  for (size_t j = numkeys_idx + 1; j < where_idx; j++) keys.emplace_back(ctx.arg(j));
  ctx.Block(std::move(keys), timeout_at);
}

void LmpopCmd(CommandContext& ctx) { MpopGeneric(ctx, 1, false); }
void BlmpopCmd(CommandContext& ctx) { MpopGeneric(ctx, 2, true); }

bool LmpopKeys(ArgList argv, std::vector<int>* out) { return NumkeysKeys(argv, 1, out); }
bool BlmpopKeys(ArgList argv, std::vector<int>* out) { return NumkeysKeys(argv, 2, out); }

}  // namespace

void RegisterListFamily(CommandRegistry& r) {
  const char* g = "list";
  const uint32_t w = kCmdWrite, ro = kCmdReadOnly, oom = kCmdDenyOom, fast = kCmdFast;
  const uint32_t blk = kCmdBlocking | kCmdNoScript;
  r.Add(Spec("lpush", -3, w | oom | fast, 1, 1, 1, LpushCmd, nullptr, g, "Prepends one or more elements to a list. Creates the key if it doesn't exist."));
  r.Add(Spec("rpush", -3, w | oom | fast, 1, 1, 1, RpushCmd, nullptr, g, "Appends one or more elements to a list. Creates the key if it doesn't exist."));
  r.Add(Spec("lpushx", -3, w | oom | fast, 1, 1, 1, LpushxCmd, nullptr, g, "Prepends one or more elements to a list only when the list exists."));
  r.Add(Spec("rpushx", -3, w | oom | fast, 1, 1, 1, RpushxCmd, nullptr, g, "Appends an element to a list only when the list exists."));
  r.Add(Spec("lpop", -2, w | fast, 1, 1, 1, LpopCmd, nullptr, g, "Returns the first elements in a list after removing it. Deletes the list if the last element was popped."));
  r.Add(Spec("rpop", -2, w | fast, 1, 1, 1, RpopCmd, nullptr, g, "Returns and removes the last elements of a list. Deletes the list if the last element was popped."));
  r.Add(Spec("llen", 2, ro | fast, 1, 1, 1, LlenCmd, nullptr, g, "Returns the length of a list."));
  r.Add(Spec("lindex", 3, ro, 1, 1, 1, LindexCmd, nullptr, g, "Returns an element from a list by its index."));
  r.Add(Spec("lrange", 4, ro, 1, 1, 1, LrangeCmd, nullptr, g, "Returns a range of elements from a list."));
  r.Add(Spec("lpos", -3, ro, 1, 1, 1, LposCmd, nullptr, g, "Returns the index of matching elements in a list."));
  r.Add(Spec("lset", 4, w | oom, 1, 1, 1, LsetCmd, nullptr, g, "Sets the value of an element in a list by its index."));
  r.Add(Spec("linsert", 5, w | oom, 1, 1, 1, LinsertCmd, nullptr, g, "Inserts an element before or after another element in a list."));
  r.Add(Spec("lrem", 4, w, 1, 1, 1, LremCmd, nullptr, g, "Removes elements from a list. Deletes the list if the last element was removed."));
  r.Add(Spec("ltrim", 4, w, 1, 1, 1, LtrimCmd, nullptr, g, "Removes elements from both ends a list. Deletes the list if all elements were trimmed."));
  r.Add(Spec("lmove", 5, w | oom, 1, 2, 1, LmoveCmd, nullptr, g, "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved."));
  r.Add(Spec("rpoplpush", 3, w | oom, 1, 2, 1, RpoplpushCmd, nullptr, g, "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped."));
  r.Add(Spec("lmpop", -4, w | kCmdMovableKeys, 0, 0, 0, LmpopCmd, LmpopKeys, g, "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped."));
  r.Add(Spec("blpop", -3, w | blk, 1, -2, 1, BlpopCmd, nullptr, g, "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped."));
  r.Add(Spec("brpop", -3, w | blk, 1, -2, 1, BrpopCmd, nullptr, g, "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped."));
  r.Add(Spec("blmove", 6, w | oom | blk, 1, 2, 1, BlmoveCmd, nullptr, g, "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved."));
  r.Add(Spec("brpoplpush", 4, w | oom | blk, 1, 2, 1, BrpoplpushCmd, nullptr, g, "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped."));
  r.Add(Spec("blmpop", -5, w | kCmdBlocking | kCmdMovableKeys, 0, 0, 0, BlmpopCmd, BlmpopKeys, g, "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped."));
}

}  // namespace rcs
