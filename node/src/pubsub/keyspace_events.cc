// Keyspace notifications for write commands, from one table instead of a call in every handler: the
// families stay as they are (several people edit them), and the whole cost is a branch on
// notify-keyspace-events when notifications are off.
//
// After a write command changed something (dirty > 0), each key it names gets the command's event as Redis
// 7.0 names it (INCR -> "incrby", RENAME -> "rename_from"/"rename_to", LMOVE -> "lpop"/"rpush" by direction,
// SET ... EX -> "set" then "expire", ZADD INCR -> "zincr"), in the class of its family; then a key that
// existed before the command and is gone after it gets "del" (a pop that emptied a list, SREM of the last
// member, DEL, EXPIRE with a time in the past, a STORE whose result was empty). Expired and evicted keys are
// notified by the server's delete hook ("expired", "evicted").
//
// The pops from one of several keys (BLPOP/BRPOP/BZPOPMIN/BZPOPMAX/LMPOP/BLMPOP/ZMPOP/BZMPOP), served at once or after
// blocking (the served retry runs through Server::Call too), name the key they popped in the command they
// propagate as (LPOP key, ZPOPMIN key, ...): that command's rule gives their events, as in Redis.
//
// 'n' ("new"): a key that did not exist before and exists after gets "new" before its own event (Redis's
// dbAdd notifies it); RENAME/RENAMENX/COPY/RESTORE replace their destination by delete + add, so it is
// "new" even when it existed, and RENAME's comes before "rename_from". 'm' ("keymiss"): NotifyKeyMiss,
// called before a read-only command or a STORE command runs, for each key (a STORE's sources) that is
// missing, which is what Redis's read lookups notify. Approximation: Redis's few read commands that look up
// without notifying (OBJECT) are not told apart.
#include <cstring>
#include <unordered_map>

#include "base/strutil.h"
#include "keyspace/keyspace.h"
#include "keyspace/notify_classes.h"
#include "pubsub/pubsub.h"
#include "server/command.h"

namespace rcs {
namespace {

enum class Keys : uint8_t {
  kEach,       // every key gets `event`
  kFirst,      // the first key only (the destination of a STORE)
  kSrcDst,     // key 1 gets `event`, key 2 gets `event2` (nullptr: nothing)
};

struct Rule {
  int cls;
  const char* event;          // nullptr: only the "del" of a vanished key
  Keys keys = Keys::kEach;
  const char* event2 = nullptr;
  bool store = false;         // writes a result to its key: nothing but "del" when the result was empty
  bool no_del = false;        // a vanished key is the command's own doing, with its own event (RENAME's source)
  bool dst_first = false;     // the destination's event comes first (Redis's list moves push, then pop)
  bool via_propagated = false;  // pops from one of several keys: the rule of what it propagates as
};

const std::unordered_map<std::string, Rule>& Rules() {
  using namespace notify;
  static const std::unordered_map<std::string, Rule> rules = {
      {"set", {kString, "set"}}, {"setnx", {kString, "set"}}, {"setex", {kString, "set"}},
      {"psetex", {kString, "set"}}, {"getset", {kString, "set"}}, {"mset", {kString, "set"}},
      {"msetnx", {kString, "set"}}, {"msetex", {kString, "set"}}, {"delex", {kGeneric, nullptr}}, {"append", {kString, "append"}}, {"incr", {kString, "incrby"}},
      {"incrby", {kString, "incrby"}}, {"decr", {kString, "decrby"}}, {"decrby", {kString, "decrby"}},
      {"incrbyfloat", {kString, "incrbyfloat"}}, {"setrange", {kString, "setrange"}},
      {"getdel", {kGeneric, nullptr}}, {"getex", {kGeneric, nullptr}},
      {"del", {kGeneric, nullptr}}, {"unlink", {kGeneric, nullptr}},
      {"expire", {kGeneric, "expire"}}, {"pexpire", {kGeneric, "expire"}}, {"expireat", {kGeneric, "expire"}},
      {"pexpireat", {kGeneric, "expire"}}, {"persist", {kGeneric, "persist"}},
      {"rename", {kGeneric, "rename_from", Keys::kSrcDst, "rename_to", false, true}},
      {"renamenx", {kGeneric, "rename_from", Keys::kSrcDst, "rename_to", false, true}},
      {"copy", {kGeneric, nullptr, Keys::kSrcDst, "copy_to"}}, {"restore", {kGeneric, "restore"}},
      {"hset", {kHash, "hset"}}, {"hmset", {kHash, "hset"}}, {"hsetnx", {kHash, "hset"}},
      {"hdel", {kHash, "hdel"}}, {"hgetdel", {kHash, "hdel"}}, {"hincrby", {kHash, "hincrby"}}, {"hincrbyfloat", {kHash, "hincrbyfloat"}},
      {"lpush", {kList, "lpush"}}, {"lpushx", {kList, "lpush"}}, {"rpush", {kList, "rpush"}},
      {"rpushx", {kList, "rpush"}}, {"lpop", {kList, "lpop"}}, {"rpop", {kList, "rpop"}},
      {"linsert", {kList, "linsert"}}, {"lset", {kList, "lset"}}, {"lrem", {kList, "lrem"}},
      {"ltrim", {kList, "ltrim"}}, {"rpoplpush", {kList, "rpop", Keys::kSrcDst, "lpush", false, false, true}},
      {"brpoplpush", {kList, "rpop", Keys::kSrcDst, "lpush", false, false, true}},
      {"lmove", {kList, "lpop", Keys::kSrcDst, "lpush", false, false, true}}, {"blmove", {kList, "lpop", Keys::kSrcDst, "lpush", false, false, true}},
      {"sadd", {kSet, "sadd"}}, {"srem", {kSet, "srem"}}, {"spop", {kSet, "spop"}},
      {"smove", {kSet, "srem", Keys::kSrcDst, "sadd"}},
      {"sinterstore", {kSet, "sinterstore", Keys::kFirst, nullptr, true}},
      {"sunionstore", {kSet, "sunionstore", Keys::kFirst, nullptr, true}},
      {"sdiffstore", {kSet, "sdiffstore", Keys::kFirst, nullptr, true}},
      {"zadd", {kZset, "zadd"}}, {"zincrby", {kZset, "zincr"}}, {"zrem", {kZset, "zrem"}},
      {"zremrangebyscore", {kZset, "zremrangebyscore"}}, {"zremrangebyrank", {kZset, "zremrangebyrank"}},
      {"zremrangebylex", {kZset, "zremrangebylex"}}, {"zpopmin", {kZset, "zpopmin"}},
      {"zpopmax", {kZset, "zpopmax"}},
      {"zunionstore", {kZset, "zunionstore", Keys::kFirst, nullptr, true}},
      {"zinterstore", {kZset, "zinterstore", Keys::kFirst, nullptr, true}},
      {"zdiffstore", {kZset, "zdiffstore", Keys::kFirst, nullptr, true}},
      {"zrangestore", {kZset, "zrangestore", Keys::kFirst, nullptr, true}},
      {"blpop", {kList, nullptr, Keys::kEach, nullptr, false, false, false, true}},
      {"brpop", {kList, nullptr, Keys::kEach, nullptr, false, false, false, true}},
      {"lmpop", {kList, nullptr, Keys::kEach, nullptr, false, false, false, true}},
      {"blmpop", {kList, nullptr, Keys::kEach, nullptr, false, false, false, true}},
      {"bzpopmin", {kZset, nullptr, Keys::kEach, nullptr, false, false, false, true}},
      {"bzpopmax", {kZset, nullptr, Keys::kEach, nullptr, false, false, false, true}},
      {"zmpop", {kZset, nullptr, Keys::kEach, nullptr, false, false, false, true}},
      {"bzmpop", {kZset, nullptr, Keys::kEach, nullptr, false, false, false, true}},
      // GEOADD runs ZADD; the STORE forms name their destination (GEORADIUS's comes second).
      {"geoadd", {kZset, "zadd"}},
      {"georadius", {kZset, nullptr, Keys::kSrcDst, "georadiusstore", true}},
      {"georadiusbymember", {kZset, nullptr, Keys::kSrcDst, "georadiusstore", true}},
      {"geosearchstore", {kZset, "geosearchstore", Keys::kFirst, nullptr, true}},
      {"sort", {kList, nullptr, Keys::kSrcDst, "sortstore", true}},
      {"xadd", {kStream, "xadd"}}, {"xtrim", {kStream, "xtrim"}}, {"xdel", {kStream, "xdel"}},
      {"xsetid", {kStream, "xsetid"}},
      // Consumer groups: each runs only when it changed something (a new group, consumer or id, one destroyed
      // or deleted). XREADGROUP/XCLAIM/XAUTOCLAIM notify the consumers they create themselves.
      {"xgroup|create", {kStream, "xgroup-create"}}, {"xgroup|setid", {kStream, "xgroup-setid"}},
      {"xgroup|destroy", {kStream, "xgroup-destroy"}},
      {"xgroup|createconsumer", {kStream, "xgroup-createconsumer"}},
      {"xgroup|delconsumer", {kStream, "xgroup-delconsumer"}},
  };
  return rules;
}

bool HasArg(ArgList argv, size_t from, std::initializer_list<const char*> words) {
  for (size_t i = from; i < argv.size(); i++) {
    for (const char* w : words) {
      if (EqualsIgnoreCase(argv[i], w)) return true;
    }
  }
  return false;
}

}  // namespace

void PubSub::NotifyKeyMiss(Keyspace& db, const CommandSpec& spec, ArgList argv, const std::vector<int>& keys) {
  size_t from = 0, to = keys.size();
  if (!spec.is(kCmdReadOnly)) {
    auto it = Rules().find(spec.name);
    if (it == Rules().end() || !it->second.store) return;
    // A STORE reads its sources; its destination is looked up for writing (no keymiss). The destination is
    // the first key, or the second for SORT/GEORADIUS ... STORE.
    if (it->second.keys == Keys::kSrcDst) to = 1; else from = 1;
  }
  for (size_t k = from; k < to; k++) {
    std::string_view key = argv[keys[k]];
    if (db.Find(key) == nullptr) Notify(notify::kKeyMiss, "keymiss", key);
  }
}

void PubSub::NotifyWrite(Keyspace& db, const CommandSpec& spec, ArgList argv, const std::vector<int>& keys,
                         const std::vector<bool>& existed,
                         const std::vector<std::vector<std::string>>& propagated) {
  if (keys.empty()) return;
  auto it = Rules().find(spec.name);
  if (it == Rules().end()) {
    // No events of its own, but a key it created is still "new".
    for (size_t k = 0; k < keys.size(); k++) {
      if (k < existed.size() && !existed[k] && db.Find(argv[keys[k]]) != nullptr) {
        Notify(notify::kNew, "new", argv[keys[k]]);
      }
    }
    return;
  }
  if (it->second.via_propagated) {
    // LPOP/RPOP key [count] or ZPOPMIN/ZPOPMAX key: the key popped from, which existed (it had elements).
    if (propagated.size() != 1 || propagated[0].size() < 2) return;
    const auto& cmd = propagated[0];
    std::string lower = ToLower(cmd[0]);
    auto pit = Rules().find(lower);
    if (pit == Rules().end()) return;
    const Rule& pr = pit->second;
    std::string_view key = cmd[1];
    if (pr.event != nullptr) Notify(pr.cls, pr.event, key);
    if (db.Find(key) == nullptr) Notify(notify::kGeneric, "del", key);
    return;
  }
  const Rule& r = it->second;
  const std::string& name = spec.name;
  if (name == "copy") {
    // COPY ... DB n into another database notifies there itself (commands/generic_family.cc).
    for (size_t j = 3; j + 1 < argv.size(); j++) {
      int64_t d;
      if (EqualsIgnoreCase(argv[j], "db") && ParseInt64(argv[j + 1], &d) && d != server_->db_index()) return;
    }
  }
  // Destinations replaced by delete + add: "new" even when they existed (Redis's dbDelete + dbAdd).
  bool replaces_dst = name == "rename" || name == "renamenx" || name == "copy";
  bool replaces_key = name == "restore";
  if ((name == "rename" || name == "renamenx") && keys.size() == 2 && db.Find(argv[keys[1]]) != nullptr) {
    Notify(notify::kNew, "new", argv[keys[1]]);  // Redis adds the destination before notifying the source
  }
  const char* ev1 = r.event;
  const char* ev2 = r.event2;
  if (name == "lmove" || name == "blmove") {
    ev1 = EqualsIgnoreCase(argv[3], "left") ? "lpop" : "rpop";
    ev2 = EqualsIgnoreCase(argv[4], "left") ? "lpush" : "rpush";
  }
  if (name == "zadd" && HasArg(argv, 2, {"incr"})) ev1 = "zincr";
  for (size_t step = 0; step < keys.size(); step++) {
    size_t k = r.dst_first && keys.size() == 2 ? 1 - step : step;
    std::string_view key = argv[keys[k]];
    bool exists = db.Find(key) != nullptr;
    const char* ev = ev1;
    if (r.keys == Keys::kFirst && k > 0) continue;
    if (r.keys == Keys::kSrcDst) ev = k == 0 ? ev1 : k == 1 ? ev2 : nullptr;
    bool vanished = k < existed.size() && existed[k] && !exists;
    bool created = exists && ((k < existed.size() && !existed[k]) || replaces_key || (replaces_dst && k == 1));
    if (created && !((name == "rename" || name == "renamenx") && k == 1)) Notify(notify::kNew, "new", key);
    if (r.store && !exists) ev = nullptr;                                 // empty result: just "del"
    if (ev != nullptr && std::strcmp(ev, "expire") == 0 && !exists) ev = nullptr;  // a time in the past
    if (ev != nullptr) Notify(r.cls, ev, key);
    if (name == "set" && exists && HasArg(argv, 3, {"ex", "px", "exat", "pxat"})) {
      Notify(notify::kGeneric, "expire", key);
    } else if ((name == "setex" || name == "psetex") && exists) {
      Notify(notify::kGeneric, "expire", key);
    } else if (name == "getex" && exists) {
      if (HasArg(argv, 2, {"persist"})) Notify(notify::kGeneric, "persist", key);
      else if (HasArg(argv, 2, {"ex", "px", "exat", "pxat"})) Notify(notify::kGeneric, "expire", key);
    }
    if (vanished && !r.no_del) Notify(notify::kGeneric, "del", key);
  }
}

}  // namespace rcs
