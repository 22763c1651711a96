// Generic (keyspace) commands: DEL UNLINK EXISTS TOUCH TYPE RENAME RENAMENX KEYS SCAN RANDOMKEY, expiry
// (EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME PEXPIRETIME PERSIST), OBJECT, DUMP, RESTORE
// (and RESTORE-ASKING), COPY.
//
// Expiry writes are propagated as absolute PEXPIREAT, and an expiry already in the past deletes the key
// and propagates DEL, except while loading the AOF or on a replica (their source sends the DEL).
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "base/strutil.h"
#include "commands/db_args.h"
#include "keyspace/notify_classes.h"
#include "server/pubsub_hooks.h"
#include "commands/scan_args.h"
#include "commands/value_lookup.h"
#include "keyspace/dump.h"
#include "keyspace/rdb_parser.h"
#include "protocol/errors.h"
#include "server/client.h"
#include "server/command.h"
#include "server/rdb_options.h"
#include "server/server.h"

namespace rcs {

namespace {


std::string Str(std::string_view s) { return std::string(s); }

bool AlreadyExpired(CommandContext& ctx, int64_t at_ms) {
  return at_ms <= ctx.now_ms && !ctx.server.loading() && !ctx.server.is_replica() &&
         !(ctx.client != nullptr && ctx.client->has(kClientMaster));
}

// A lookup that counts keyspace hits/misses like FindRead but leaves the LRU clock alone, as Redis's
// LOOKUP_NOTOUCH lookups (EXISTS, TYPE, TTL, OBJECT) do. The keyspace has no such lookup, so the stats are
// counted here (the stats object belongs to the non-const keyspace, so writing it is well defined).
Entry* FindNoTouch(CommandContext& ctx, std::string_view key) {
  Entry* e = ctx.db.Find(key);
  auto& st = const_cast<KeyspaceStats&>(ctx.db.stats());
  if (e != nullptr) st.keyspace_hits++;
  else st.keyspace_misses++;
  return e;
}

bool LfuPolicy(const Config& c) {
  EvictionPolicy p;
  return ParseEvictionPolicy(c.maxmemory_policy, &p) && IsLfuPolicy(p);
}

// ---- keys ----

void DelCmd(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); i++) {
    // Delete treats an expired key as absent (removing it as expired), so one lookup per key.
    if (ctx.db.Delete(ctx.arg(i))) n++;
  }
  ctx.dirty = n;
  ctx.reply.Integer(n);
}

void ExistsCmd(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); i++) {
    if (FindNoTouch(ctx, ctx.arg(i)) != nullptr) n++;
  }
  ctx.reply.Integer(n);
}

void TouchCmd(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); i++) {
    if (ctx.db.FindRead(ctx.arg(i)) != nullptr) n++;
  }
  ctx.reply.Integer(n);
}

void TypeCmd(CommandContext& ctx) {
  Entry* e = FindNoTouch(ctx, ctx.arg(1));
  ctx.reply.Simple(e == nullptr ? "none" : ObjTypeName(e->type()));
}

void RenameGeneric(CommandContext& ctx, bool nx) {
  std::string_view from = ctx.arg(1), to = ctx.arg(2);
  if (ctx.db.FindWrite(from) == nullptr) return ctx.reply.Error(err::kNoSuchKey);
  if (from == to) {
    if (nx) return ctx.reply.Integer(0);
    return ctx.reply.Ok();
  }
  if (nx && ctx.db.FindWrite(to) != nullptr) return ctx.reply.Integer(0);
  ctx.db.Rename(from, to);
  ctx.dirty = 1;
  if (nx) ctx.reply.Integer(1);
  else ctx.reply.Ok();
}
void RenameCmd(CommandContext& ctx) { RenameGeneric(ctx, false); }
void RenamenxCmd(CommandContext& ctx) { RenameGeneric(ctx, true); }

void KeysCmd(CommandContext& ctx) {
  std::string_view pattern = ctx.arg(1);
  bool all = pattern == "*";
  size_t handle = ctx.reply.BeginDeferred();
  size_t n = 0;
  ctx.db.ForEach([&](const Entry& e) {
    if (all || GlobMatch(pattern, e.key())) {
      ctx.reply.Bulk(e.key());
      n++;
    }
  });
  ctx.reply.EndDeferredArray(handle, n);
}

void ScanCmd(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseScanCursorOrReply(ctx, ctx.arg(1), &cursor)) return;
  ScanOptions opts;
  if (!ParseScanOptions(ctx, 2, &opts, /*allow_type=*/true)) return;
  const std::string_view pattern = opts.pattern, type = opts.type;
  const bool use_pattern = opts.use_pattern, use_type = opts.use_type;
  const int64_t count = opts.count;
  std::vector<std::string> keys;
  uint64_t visited = 0;
  const uint64_t want = static_cast<uint64_t>(count);
  auto visit = [&](const Entry& e) {
    visited++;
    if (use_type && !EqualsIgnoreCase(type, ObjTypeName(e.type()))) return;
    if (use_pattern && !GlobMatch(pattern, e.key())) return;
    keys.emplace_back(e.key());
  };
  // As Redis: keep scanning until COUNT entries were visited or the table is done, with a bound on the
  // number of rounds for sparse tables.
  int rounds = 0;
  do {
    cursor = ctx.db.Scan(cursor, static_cast<size_t>(want - visited), visit);
  } while (cursor != 0 && visited < want && ++rounds < 10);
  ReplyScanCursor(ctx, cursor);
  ctx.reply.BulkArray(keys);
}

void RandomkeyCmd(CommandContext& ctx) {
  Entry* e = ctx.db.RandomEntry();
  if (e == nullptr) return ctx.reply.Null();
  ctx.reply.Bulk(e->key());
}

// ---- expiry ----

enum ExpireFlag : uint32_t { kExpNx = 1, kExpXx = 2, kExpGt = 4, kExpLt = 8 };

// EXPIRE/PEXPIRE (relative) and EXPIREAT/PEXPIREAT (absolute), with NX XX GT LT.
void ExpireGeneric(CommandContext& ctx, bool seconds, bool relative) {
  std::string_view key = ctx.arg(1);
  uint32_t flags = 0;
  for (size_t j = 3; j < ctx.argc(); j++) {
    std::string_view opt = ctx.arg(j);
    if (EqualsIgnoreCase(opt, "nx")) flags |= kExpNx;
    else if (EqualsIgnoreCase(opt, "xx")) flags |= kExpXx;
    else if (EqualsIgnoreCase(opt, "gt")) flags |= kExpGt;
    else if (EqualsIgnoreCase(opt, "lt")) flags |= kExpLt;
    else return ctx.reply.Error(err::UnsupportedOption(opt));
  }
  if ((flags & kExpNx) && (flags & (kExpXx | kExpGt | kExpLt))) return ctx.reply.Error(err::kExpireNxWithOthers);
  if ((flags & kExpGt) && (flags & kExpLt)) return ctx.reply.Error(err::kExpireGtAndLt);
  int64_t when;
  if (!ParseInt64(ctx.arg(2), &when)) return ctx.reply.Error(err::kNotInteger);
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) {
      return ctx.reply.Error(err::InvalidExpireTime(ctx.spec.name));
    }
    when *= 1000;
  }
  int64_t base = relative ? ctx.now_ms : 0;
  if (when > INT64_MAX - base) return ctx.reply.Error(err::InvalidExpireTime(ctx.spec.name));
  when += base;

  Entry* e = ctx.db.FindWrite(key);
  if (e == nullptr) return ctx.reply.Integer(0);
  if (flags) {
    int64_t cur = e->expire_at_ms();  // -1: no expiry, i.e. an infinite TTL
    if ((flags & kExpNx) && cur != -1) return ctx.reply.Integer(0);
    if ((flags & kExpXx) && cur == -1) return ctx.reply.Integer(0);
    if ((flags & kExpGt) && (cur == -1 || when <= cur)) return ctx.reply.Integer(0);
    if ((flags & kExpLt) && cur != -1 && when >= cur) return ctx.reply.Integer(0);
  }
  ctx.dirty = 1;
  if (AlreadyExpired(ctx, when)) {
    ctx.db.Delete(key);
    ctx.PropagateAs({"DEL", Str(key)});
  } else {
    ctx.db.SetExpire(key, when);
    ctx.PropagateAs({"PEXPIREAT", Str(key), Int64ToString(when)});
  }
  ctx.reply.Integer(1);
}
void ExpireCmd(CommandContext& ctx) { ExpireGeneric(ctx, true, true); }
void PexpireCmd(CommandContext& ctx) { ExpireGeneric(ctx, false, true); }
void ExpireatCmd(CommandContext& ctx) { ExpireGeneric(ctx, true, false); }
void PexpireatCmd(CommandContext& ctx) { ExpireGeneric(ctx, false, false); }

void TtlGeneric(CommandContext& ctx, bool ms, bool absolute) {
  Entry* e = FindNoTouch(ctx, ctx.arg(1));
  if (e == nullptr) return ctx.reply.Integer(-2);
  int64_t at = e->expire_at_ms();
  if (at < 0) return ctx.reply.Integer(-1);
  int64_t v = absolute ? at : at - ctx.now_ms;
  if (v < 0) v = 0;
  ctx.reply.Integer(ms ? v : (v + 500) / 1000);
}
void TtlCmd(CommandContext& ctx) { TtlGeneric(ctx, false, false); }
void PttlCmd(CommandContext& ctx) { TtlGeneric(ctx, true, false); }
void ExpiretimeCmd(CommandContext& ctx) { TtlGeneric(ctx, false, true); }
void PexpiretimeCmd(CommandContext& ctx) { TtlGeneric(ctx, true, true); }

void PersistCmd(CommandContext& ctx) {
  if (ctx.db.FindWrite(ctx.arg(1)) == nullptr) return ctx.reply.Integer(0);
  if (!ctx.db.Persist(ctx.arg(1))) return ctx.reply.Integer(0);
  ctx.dirty = 1;
  ctx.reply.Integer(1);
}

// ---- OBJECT ----

void ObjectEncodingCmd(CommandContext& ctx) {
  Entry* e = FindNoTouch(ctx, ctx.arg(2));
  if (e == nullptr) return ctx.reply.Null();
  ctx.reply.Bulk(EncodingOf(*e));
}

void ObjectFreqCmd(CommandContext& ctx) {
  Entry* e = FindNoTouch(ctx, ctx.arg(2));
  if (e == nullptr) return ctx.reply.Null();
  if (!LfuPolicy(ctx.server.config())) return ctx.reply.Error(err::kNoLfu);
  ctx.reply.Integer(ctx.db.LfuFreq(*e));
}

void ObjectIdletimeCmd(CommandContext& ctx) {
  Entry* e = FindNoTouch(ctx, ctx.arg(2));
  if (e == nullptr) return ctx.reply.Null();
  if (LfuPolicy(ctx.server.config())) return ctx.reply.Error(err::kLfuNoIdle);
  ctx.reply.Integer(IdleSeconds(*e, ctx.now_ms));
}

void ObjectRefcountCmd(CommandContext& ctx) {
  Entry* e = FindNoTouch(ctx, ctx.arg(2));
  if (e == nullptr) return ctx.reply.Null();
  // Redis shares the objects of the integers 0..9999 (refcount INT_MAX) unless an LRU/LFU policy needs
  // per-key access data.
  if (e->type() == ObjType::kString) {
    const Config& c = ctx.server.config();
    bool sharing = c.maxmemory == 0 || (c.maxmemory_policy.find("lru") == std::string::npos &&
                                        c.maxmemory_policy.find("lfu") == std::string::npos);
    int64_t v;
    std::string_view s = e->str();
    if (sharing && s.size() <= 20 && ParseInt64(s, &v) && v >= 0 && v < 10000) return ctx.reply.Integer(INT_MAX);
  }
  ctx.reply.Integer(1);
}

void ObjectHelpCmd(CommandContext& ctx) {
  ReplyHelp(ctx, {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help."});
}

// The container's handler is only a fallback: the dispatcher routes to the subcommands.
void ObjectCmd(CommandContext& ctx) {
  ctx.reply.Error(err::UnknownSubcommand(ctx.argc() > 1 ? ctx.arg(1) : "", "object"));
}

// ---- DUMP / RESTORE / COPY ----

void DumpCmd(CommandContext& ctx) {
  Entry* e = ctx.db.FindRead(ctx.arg(1));
  if (e == nullptr) return ctx.reply.Null();
  RdbWriteOptions options;
  options.list_max_listpack_size = ctx.server.config().list_max_listpack_size;
  options.compress = ctx.server.config().rdbcompression;
  ctx.reply.Bulk(CreateDumpPayload(*e, options));
}

// RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
void RestoreCmd(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  bool replace = false, absttl = false;
  int64_t idle = -1, freq = -1;
  for (size_t j = 4; j < ctx.argc(); j++) {
    std::string_view opt = ctx.arg(j);
    bool has_next = j + 1 < ctx.argc();
    if (EqualsIgnoreCase(opt, "replace")) {
      replace = true;
    } else if (EqualsIgnoreCase(opt, "absttl")) {
      absttl = true;
    } else if (EqualsIgnoreCase(opt, "idletime") && has_next && freq == -1) {
      if (!ParseInt64(ctx.arg(j + 1), &idle)) return ctx.reply.Error(err::kNotInteger);
      if (idle < 0) return ctx.reply.Error(err::kInvalidIdletime);
      j++;
    } else if (EqualsIgnoreCase(opt, "freq") && has_next && idle == -1) {
      if (!ParseInt64(ctx.arg(j + 1), &freq)) return ctx.reply.Error(err::kNotInteger);
      if (freq < 0 || freq > 255) return ctx.reply.Error(err::kInvalidFreq);
      j++;
    } else {
      return ctx.reply.Error(err::kSyntax);
    }
  }
  if (!replace && ctx.db.Find(key) != nullptr) return ctx.reply.Error(err::kBusyKey);
  int64_t ttl;
  if (!ParseInt64(ctx.arg(2), &ttl)) return ctx.reply.Error(err::kNotInteger);
  if (ttl < 0) return ctx.reply.Error(err::kInvalidTtl);
  RdbParseOptions limits = RdbOptionsFromConfig(ctx.server.config());
  auto parsed = ParseDumpPayload(ctx.arg(3), &limits);
  if (!parsed.ok()) return ctx.reply.Error(parsed.status().message());

  int64_t at = -1;
  if (ttl > 0) {
    if (!absttl) {
      if (ttl > INT64_MAX - ctx.now_ms) return ctx.reply.Error(err::kInvalidTtl);
      ttl += ctx.now_ms;
    }
    at = ttl;
  }
  bool deleted = replace && ctx.db.Delete(key);
  if (at >= 0) {
    if (AlreadyExpired(ctx, at)) {
      if (deleted) {
        ctx.dirty = 1;
        ctx.PropagateAs({"DEL", Str(key)});
      }
      return ctx.reply.Ok();
    }
  }
  // FREQ lands in the LFU counter under an LFU policy, IDLETIME in the LRU clock under the others.
  Entry* stored = StoreDumpedValue(ctx.db, key, std::move(*parsed), at);
  if (stored != nullptr) ctx.db.SetAccessInfo(stored, freq, idle);
  ctx.dirty = 1;
  if (at >= 0 && !absttl) {
    // Replicas get the absolute deadline.
    std::vector<std::string> cmd(ctx.argv.begin(), ctx.argv.end());
    cmd[2] = Int64ToString(at);
    cmd.emplace_back("ABSTTL");
    ctx.PropagateAs(std::move(cmd));
  }
  ctx.reply.Ok();
}

// Notifies `event` for `key` in database `db` (MOVE's and COPY's destination in another database).
void NotifyInDb(CommandContext& ctx, int db, int cls, const char* event, std::string_view key) {
  PubSubHooks* ps = ctx.server.pubsub_hooks();
  if (ps == nullptr || !ps->notifications_on()) return;
  int saved = ctx.server.db_index();
  ctx.server.set_current_db(db);
  ps->Notify(cls, event, key);
  ctx.server.set_current_db(saved);
}

// Puts a copy of `e`'s value (and its expiry) at `key` in `dst`.
void StoreCopy(Keyspace& dst, std::string_view key, const Entry* e) {
  int64_t at = e->expire_at_ms();
  if (e->type() == ObjType::kString) dst.SetString(key, std::string(e->str()), at);
  else dst.SetObject(key, e->obj()->Clone(), at);
}

// COPY source destination [DB destination-db] [REPLACE]
void CopyCmd(CommandContext& ctx) {
  std::string_view src = ctx.arg(1), dst = ctx.arg(2);
  bool replace = false;
  const int srcid = ctx.server.db_index();
  int dbid = srcid;
  for (size_t j = 3; j < ctx.argc(); j++) {
    std::string_view opt = ctx.arg(j);
    if (EqualsIgnoreCase(opt, "replace")) {
      replace = true;
    } else if (EqualsIgnoreCase(opt, "db") && j + 1 < ctx.argc()) {
      if (!ParseDbIndexArg(ctx, ctx.arg(j + 1), &dbid)) return;
      if (dbid < 0 || dbid >= ctx.server.db_count()) return ctx.reply.Error(err::kDbIndexOutOfRange);
      j++;
    } else {
      return ctx.reply.Error(err::kSyntax);
    }
  }
  if (ctx.server.config().cluster_enabled && (srcid != 0 || dbid != 0)) return ctx.reply.Error(err::kCopyDbCluster);
  if (dbid == srcid && src == dst) return ctx.reply.Error(err::kSameObject);
  Entry* e = ctx.db.FindRead(src);
  if (e == nullptr) return ctx.reply.Integer(0);
  Keyspace& to = ctx.server.db_at(dbid);
  if (to.FindWrite(dst) != nullptr) {
    if (!replace) return ctx.reply.Integer(0);
    to.Delete(dst);
  }
  e = ctx.db.Find(src);  // the destination's lookup may have expired keys (not this one: it was live)
  StoreCopy(to, dst, e);
  if (dbid != srcid) {
    // The table's events (pubsub/keyspace_events.cc) are the current database's: these are the other's.
    ctx.server.SignalKeyInDb(dbid, dst);
    NotifyInDb(ctx, dbid, notify::kNew, "new", dst);
    NotifyInDb(ctx, dbid, notify::kGeneric, "copy_to", dst);
  }
  ctx.dirty = 1;
  ctx.reply.Integer(1);
}

// MOVE key db
void MoveCmd(CommandContext& ctx) {
  if (ctx.server.config().cluster_enabled) return ctx.reply.Error(err::kMoveClusterMode);
  std::string_view key = ctx.arg(1);
  int dbid;
  if (!ParseDbIndexArg(ctx, ctx.arg(2), &dbid)) return;
  if (dbid < 0 || dbid >= ctx.server.db_count()) return ctx.reply.Error(err::kDbIndexOutOfRange);
  const int srcid = ctx.server.db_index();
  if (dbid == srcid) return ctx.reply.Error(err::kSameObject);
  Entry* e = ctx.db.FindWrite(key);
  if (e == nullptr) return ctx.reply.Integer(0);
  Keyspace& to = ctx.server.db_at(dbid);
  if (to.FindWrite(key) != nullptr) return ctx.reply.Integer(0);
  e = ctx.db.Find(key);
  StoreCopy(to, key, e);
  ctx.db.Delete(key);
  ctx.server.SignalKeyInDb(dbid, key);  // the source's WATCH and tracking: TouchWrittenKeys
  NotifyInDb(ctx, dbid, notify::kNew, "new", key);  // redis-server's dbAdd notifies first
  NotifyInDb(ctx, srcid, notify::kGeneric, "move_from", key);
  NotifyInDb(ctx, dbid, notify::kGeneric, "move_to", key);
  ctx.dirty = 1;
  ctx.reply.Integer(1);
}

}  // namespace

void RegisterGenericFamily(CommandRegistry& r) {
  const char* g = "generic";
  const uint32_t w = kCmdWrite, ro = kCmdReadOnly, oom = kCmdDenyOom, fast = kCmdFast;
  r.Add(Spec("del", -2, w, 1, -1, 1, DelCmd, nullptr, g, "Deletes one or more keys."));
  r.Add(Spec("unlink", -2, w | fast, 1, -1, 1, DelCmd, nullptr, g, "Asynchronously deletes one or more keys."));
  r.Add(Spec("exists", -2, ro | fast, 1, -1, 1, ExistsCmd, nullptr, g, "Determines whether one or more keys exist."));
  r.Add(Spec("touch", -2, ro | fast, 1, -1, 1, TouchCmd, nullptr, g,
         "Returns the number of existing keys out of those specified after updating the time they were last accessed."));
  r.Add(Spec("type", 2, ro | fast, 1, 1, 1, TypeCmd, nullptr, g, "Determines the type of value stored at a key."));
  r.Add(Spec("rename", 3, w, 1, 2, 1, RenameCmd, nullptr, g, "Renames a key and overwrites the destination."));
  r.Add(Spec("renamenx", 3, w | fast, 1, 2, 1, RenamenxCmd, nullptr, g, "Renames a key only when the target key name doesn't exist."));
  r.Add(Spec("keys", 2, ro, 0, 0, 0, KeysCmd, nullptr, g, "Returns all key names that match a pattern."));
  r.Add(Spec("scan", -2, ro, 0, 0, 0, ScanCmd, nullptr, g, "Iterates over the key names in the database."));
  r.Add(Spec("randomkey", 1, ro | kCmdRandom, 0, 0, 0, RandomkeyCmd, nullptr, g, "Returns a random key name from the database."));
  r.Add(Spec("expire", -3, w | fast, 1, 1, 1, ExpireCmd, nullptr, g, "Sets the expiration time of a key in seconds."));
  r.Add(Spec("pexpire", -3, w | fast, 1, 1, 1, PexpireCmd, nullptr, g, "Sets the expiration time of a key in milliseconds."));
  r.Add(Spec("expireat", -3, w | fast, 1, 1, 1, ExpireatCmd, nullptr, g, "Sets the expiration time of a key to a Unix timestamp."));
  r.Add(Spec("pexpireat", -3, w | fast, 1, 1, 1, PexpireatCmd, nullptr, g,
         "Sets the expiration time of a key to a Unix milliseconds timestamp."));
  r.Add(Spec("ttl", 2, ro | fast | kCmdRandom, 1, 1, 1, TtlCmd, nullptr, g, "Returns the expiration time in seconds of a key."));
  r.Add(Spec("pttl", 2, ro | fast | kCmdRandom, 1, 1, 1, PttlCmd, nullptr, g, "Returns the expiration time in milliseconds of a key."));
  r.Add(Spec("expiretime", 2, ro | fast, 1, 1, 1, ExpiretimeCmd, nullptr, g, "Returns the expiration time of a key as a Unix timestamp."));
  r.Add(Spec("pexpiretime", 2, ro | fast, 1, 1, 1, PexpiretimeCmd, nullptr, g,
         "Returns the expiration time of a key as a Unix milliseconds timestamp."));
  r.Add(Spec("persist", 2, w | fast, 1, 1, 1, PersistCmd, nullptr, g, "Removes the expiration time of a key."));
  r.Add(Spec("dump", 2, ro, 1, 1, 1, DumpCmd, nullptr, g, "Returns a serialized representation of the value stored at a key."));
  r.Add(Spec("restore", -4, w | oom, 1, 1, 1, RestoreCmd, nullptr, g, "Creates a key from the serialized representation of a value."));
  r.Add(Spec("restore-asking", -4, w | oom | kCmdAsking, 1, 1, 1, RestoreCmd, nullptr, g,
         "An internal command for migrating keys in a cluster."));
  r.Add(Spec("copy", -3, w | oom, 1, 2, 1, CopyCmd, nullptr, g, "Copies the value of a key to a new key."));
  r.Add(Spec("move", 3, w | fast, 1, 1, 1, MoveCmd, nullptr, g, "Moves a key to another database."));

  CommandSpec object = Spec("object", -2, 0, 0, 0, 0, ObjectCmd, nullptr, g, "A container for object introspection commands.");
  object.subcommands.push_back(Spec("object|encoding", 3, ro, 2, 2, 1, ObjectEncodingCmd, nullptr, g,
                                "Returns the internal encoding of a Redis object."));
  object.subcommands.push_back(Spec("object|freq", 3, ro, 2, 2, 1, ObjectFreqCmd, nullptr, g,
                                "Returns the logarithmic access frequency counter of a Redis object."));
  object.subcommands.push_back(Spec("object|help", 2, ro, 0, 0, 0, ObjectHelpCmd, nullptr, g,
                                "Returns helpful text about the different subcommands."));
  object.subcommands.push_back(Spec("object|idletime", 3, ro, 2, 2, 1, ObjectIdletimeCmd, nullptr, g,
                                "Returns the time since the last access to a Redis object."));
  object.subcommands.push_back(Spec("object|refcount", 3, ro, 2, 2, 1, ObjectRefcountCmd, nullptr, g,
                                "Returns the reference count of a value of a key."));
  r.Add(std::move(object));
}

}  // namespace rcs
