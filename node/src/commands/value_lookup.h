// What the family files share around a key's value: the typed lookup that replies WRONGTYPE, the
// remove-members-then-drop-the-empty-key shape of HDEL, SREM and ZREM, and the count argument of
// HRANDFIELD, SRANDMEMBER and ZRANDMEMBER; the encoding and idle time that OBJECT and DEBUG OBJECT report.
#pragma once
#include <cstdint>
#include <string_view>

#include "base/strutil.h"
#include "keyspace/hash_value.h"
#include "keyspace/lfu.h"
#include "keyspace/list_value.h"
#include "keyspace/set_value.h"
#include "keyspace/stream_value.h"
#include "keyspace/zset_value.h"
#include "protocol/errors.h"
#include "server/command.h"

namespace rcs {

template <typename T> struct ValueType;
template <> struct ValueType<HashValue> { static constexpr ObjType kType = ObjType::kHash; };
template <> struct ValueType<ListValue> { static constexpr ObjType kType = ObjType::kList; };
template <> struct ValueType<SetValue> { static constexpr ObjType kType = ObjType::kSet; };
template <> struct ValueType<ZSetValue> { static constexpr ObjType kType = ObjType::kZSet; };
template <> struct ValueType<StreamValue> { static constexpr ObjType kType = ObjType::kStream; };

// The value of type T at `e`, or nullptr after replying WRONGTYPE. e must not be null.
template <typename T>
T* AsValue(CommandContext& ctx, Entry* e) {
  if (e->type() != ValueType<T>::kType) {
    ctx.reply.Error(err::kWrongType);
    return nullptr;
  }
  return e->as<T>();
}

// Looks `key` up for reading or writing. Returns false after replying WRONGTYPE; *out is null when the key
// does not exist.
template <typename T>
bool Lookup(CommandContext& ctx, std::string_view key, bool write, T** out) {
  Entry* e = write ? ctx.db.FindWrite(key) : ctx.db.FindRead(key);
  *out = nullptr;
  if (e == nullptr) return true;
  *out = AsValue<T>(ctx, e);
  return *out != nullptr;
}

// The T at `key`, looked up for reading or writing, or nullptr once the reply is written: WRONGTYPE for
// another type, or what the command answers for a missing key (`missing(ctx.reply)`: 0, an empty array,
// null, OK ...).
template <typename T, typename Missing>
T* FindOrReply(CommandContext& ctx, std::string_view key, bool write, Missing missing) {
  Entry* e = write ? ctx.db.FindWrite(key) : ctx.db.FindRead(key);
  if (e == nullptr) {
    missing(ctx.reply);
    return nullptr;
  }
  return AsValue<T>(ctx, e);
}

// HDEL/SREM/ZREM: removes argv[2..] from the T at argv[1] with remove(value, member) -> bool, deletes the
// key once it is empty (the remaining arguments are not looked at), replies how many were removed.
template <typename T, typename Remove>
void RemoveMembers(CommandContext& ctx, Remove remove) {
  T* v;
  if (!Lookup(ctx, ctx.arg(1), true, &v)) return;
  int64_t removed = 0;
  for (size_t i = 2; v != nullptr && i < ctx.argc(); i++) {
    if (!remove(*v, ctx.arg(i))) continue;
    removed++;
    if (v->size() == 0) {
      ctx.db.Delete(ctx.arg(1));
      break;
    }
  }
  ctx.dirty += removed;
  ctx.reply.Integer(removed);
}

// The count of HRANDFIELD/SRANDMEMBER/ZRANDMEMBER: an integer, not INT64_MIN (a negative count asks for
// -count picks, which must fit). False after replying.
inline bool ParseRandomCount(CommandContext& ctx, std::string_view s, int64_t* out) {
  if (!ParseInt64(s, out)) {
    ctx.reply.Error(err::kNotInteger);
    return false;
  }
  if (*out == INT64_MIN) {
    ctx.reply.Error(err::kCountOutOfRange);
    return false;
  }
  return true;
}

// OBJECT ENCODING's answer. A string's as Redis 7.0 chooses for a value set by SET: "int" for the canonical
// text of an int64 (at most 20 bytes), "embstr" up to 44 bytes, "raw" above.
inline const char* EncodingOf(const Entry& e) {
  if (e.type() != ObjType::kString) return e.obj()->encoding();
  std::string_view s = e.str();
  int64_t v;
  if (s.size() <= 20 && ParseInt64(s, &v)) return "int";
  return s.size() <= 44 ? "embstr" : "raw";
}

// Seconds since the key was last accessed (OBJECT IDLETIME). The LRU clock counts seconds modulo 2^24, as
// Redis's.
inline int64_t IdleSeconds(const Entry& e, int64_t now_ms) { return LruIdleSeconds(e.lru(), now_ms); }

}  // namespace rcs
