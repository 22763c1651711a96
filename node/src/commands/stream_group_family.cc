// Stream consumer groups: XGROUP CREATE|CREATECONSUMER|DELCONSUMER|DESTROY|SETID|HELP, XREADGROUP, XACK,
// XPENDING, XCLAIM, XAUTOCLAIM, XINFO GROUPS and XINFO CONSUMERS, as Redis 7.0 (t_stream.c) answers them.
//
// Propagation is Redis's, so a replica or the AOF ends up with the same pending entries lists: the commands
// that hand out entries are never propagated as sent, but as their effects:
// - each entry XREADGROUP delivers (without NOACK) becomes
//     XCLAIM <key> <group> <consumer> 0 <id> TIME <delivery ms> RETRYCOUNT <count> FORCE JUSTID LASTID <group id>
//   and a NOACK read that moved the group's last id becomes XGROUP SETID <key> <group> <id> ENTRIESREAD <n>
//   (a consumer a NOACK read created: XGROUP CREATECONSUMER first). A read of a consumer's history changes
//   delivery counts and times but is not propagated (Redis does not either).
// - XCLAIM and XAUTOCLAIM propagate the same XCLAIM form per entry they claimed, and per pending entry whose
//   stream entry was deleted (which they drop from the PEL; the replica drops it the same way); XCLAIM's
//   LASTID that moved the group without claiming anything becomes XGROUP SETID ... ENTRIESREAD.
// - XACK and the XGROUP subcommands are propagated as they are.
// A command that changed nothing propagates nothing (ctx.dirty stays 0).
//
// Blocking XREADGROUP (BLOCK) waits through the server's Block mechanism: the command runs again when one of
// its keys is written. A run after waking (ctx.retry) answers as Redis's serveClientsBlockedOnStreamKey:
// -UNBLOCKED when the key is gone or no longer a stream, -NOGROUP ... no longer exists when the group is gone,
// the new entries (at most COUNT, 1000 without COUNT) when the group's last id is behind the stream's, and
// otherwise it blocks again. Clients are served in the order they blocked.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/strutil.h"
#include "commands/families.h"
#include "keyspace/notify_classes.h"
#include "keyspace/stream_groups.h"
#include "keyspace/stream_value.h"
#include "protocol/errors.h"
#include "server/command.h"
#include "server/pubsub_hooks.h"
#include "server/server.h"

namespace rcs {
namespace {

constexpr int64_t kBlockedDefaultCount = 1000;  // Redis's XREAD_BLOCKED_DEFAULT_COUNT

// ---- helpers ----

// The stream at `key`, or nullptr (*wrongtype set after replying WRONGTYPE when it is another type).
StreamValue* LookupStream(CommandContext& ctx, std::string_view key, bool write, bool* wrongtype) {
  *wrongtype = false;
  Entry* e = write ? ctx.db.FindWrite(key) : ctx.db.FindRead(key);
  if (e == nullptr) return nullptr;
  if (e->type() != ObjType::kStream) {
    ctx.reply.Error(err::kWrongType);
    *wrongtype = true;
    return nullptr;
  }
  return e->as<StreamValue>();
}

// An id argument as Redis's streamParseStrictIDOrReply / streamParseIDOrReply reads it.
bool ParseIdOrReply(CommandContext& ctx, std::string_view s, uint64_t missing_seq, bool strict, StreamId* out) {
  StreamIdParse p;
  if (!ParseStreamId(s, missing_seq, strict, /*allow_seq_auto=*/false, &p)) {
    ctx.reply.Error(err::kStreamInvalidId);
    return false;
  }
  *out = p.id;
  return true;
}

bool ParseIdQuiet(std::string_view s, StreamId* out) {
  StreamIdParse p;
  if (!ParseStreamId(s, 0, /*strict=*/true, /*allow_seq_auto=*/false, &p)) return false;
  *out = p.id;
  return true;
}

// A range bound as Redis's streamParseIntervalIDOrReply: "(" makes it exclusive (then strict).
bool ParseIntervalIdOrReply(CommandContext& ctx, std::string_view s, uint64_t missing_seq, StreamId* out,
                            bool* exclusive) {
  *exclusive = s.size() > 1 && s[0] == '(';
  if (*exclusive) return ParseIdOrReply(ctx, s.substr(1), missing_seq, true, out);
  return ParseIdOrReply(ctx, s, missing_seq, false, out);
}

bool ParseLongLongOrReply(CommandContext& ctx, std::string_view s, std::string_view error, int64_t* out) {
  if (!ParseInt64(s, out)) {
    ctx.reply.Error(error);
    return false;
  }
  return true;
}

void ReplyId(CommandContext& ctx, StreamId id) { ctx.reply.Bulk(id.ToString()); }

void ReplyEntry(CommandContext& ctx, StreamId id, const StreamValue::FieldValues& fv) {
  ctx.reply.Array(2);
  ReplyId(ctx, id);
  ctx.reply.Array(fv.size());
  for (std::string_view x : fv) ctx.reply.Bulk(x);
}

// The entry `id` of `s` as [id, [f, v, ...]]; false (nothing written) when it is not in the stream.
bool ReplyEntryById(CommandContext& ctx, const StreamValue& s, StreamId id) {
  bool found = false;
  s.Range(id, id, false, 1, [&](StreamId got, const StreamValue::FieldValues& fv) {
    ReplyEntry(ctx, got, fv);
    found = true;
    return false;
  });
  return found;
}

void Notify(CommandContext& ctx, const char* event, std::string_view key) {
  PubSubHooks* hooks = ctx.server.pubsub_hooks();
  if (hooks != nullptr && hooks->notifications_on()) hooks->Notify(notify::kStream, event, key);
}

std::string Int(int64_t v) { return std::to_string(v); }

// XCLAIM <key> <group> <consumer> 0 <id> TIME <ms> RETRYCOUNT <n> FORCE JUSTID LASTID <group last id>: what
// Redis propagates for a pending entry that was created, moved or dropped (streamPropagateXCLAIM).
void PropagateXclaim(CommandContext& ctx, std::string_view key, std::string_view group_name, const StreamGroup& g,
                     std::string_view id_arg, const StreamNack& nack) {
  ctx.PropagateAs({"XCLAIM", std::string(key), std::string(group_name), nack.consumer->name, "0",
                   std::string(id_arg), "TIME", Int(nack.delivery_time_ms), "RETRYCOUNT",
                   std::to_string(nack.delivery_count), "FORCE", "JUSTID", "LASTID", g.last_delivered_id.ToString()});
  ctx.dirty++;
}

// XGROUP SETID <key> <group> <last id> ENTRIESREAD <n> (streamPropagateGroupID).
void PropagateGroupId(CommandContext& ctx, std::string_view key, std::string_view group_name, const StreamGroup& g) {
  ctx.PropagateAs({"XGROUP", "SETID", std::string(key), std::string(group_name), g.last_delivered_id.ToString(),
                   "ENTRIESREAD", Int(g.entries_read)});
  ctx.dirty++;
}

// ---- XGROUP ----

// What every XGROUP subcommand but HELP shares (Redis's xgroupCommand prologue): options of CREATE/SETID,
// the key (must exist unless MKSTREAM), the group (must exist for SETID/CREATECONSUMER/DELCONSUMER).
struct XgroupArgs {
  StreamValue* s = nullptr;
  StreamGroup* g = nullptr;
  bool mkstream = false;
  int64_t entries_read = StreamGroup::kInvalidEntriesRead;
};

bool XgroupPrologue(CommandContext& ctx, XgroupArgs* a) {
  std::string_view sub = ctx.arg(1);
  bool create = EqualsIgnoreCase(sub, "create");
  bool setid = EqualsIgnoreCase(sub, "setid");
  for (size_t i = 5; i < ctx.argc();) {
    if (create && EqualsIgnoreCase(ctx.arg(i), "mkstream")) {
      a->mkstream = true;
      i++;
    } else if ((create || setid) && EqualsIgnoreCase(ctx.arg(i), "entriesread") && i + 1 < ctx.argc()) {
      if (!ParseLongLongOrReply(ctx, ctx.arg(i + 1), err::kNotInteger, &a->entries_read)) return false;
      if (a->entries_read < 0 && a->entries_read != StreamGroup::kInvalidEntriesRead) {
        ctx.reply.Error(err::kEntriesReadRange);
        return false;
      }
      i += 2;
    } else {
      ctx.reply.Error(err::SubcommandSyntax(ctx.arg(1), ctx.arg(0)));
      return false;
    }
  }
  bool wrongtype;
  a->s = LookupStream(ctx, ctx.arg(2), true, &wrongtype);
  if (wrongtype) return false;
  if (!a->mkstream) {
    if (a->s == nullptr) {
      ctx.reply.Error(err::kXgroupKeyMissing);
      return false;
    }
    a->g = a->s->FindGroup(ctx.arg(3));
    if (a->g == nullptr && !create && !EqualsIgnoreCase(sub, "destroy")) {
      ctx.reply.Error(err::NoGroupForKey(ctx.arg(3), ctx.arg(2)));
      return false;
    }
  }
  return true;
}

void XgroupCreate(CommandContext& ctx) {
  XgroupArgs a;
  if (!XgroupPrologue(ctx, &a)) return;
  if (ctx.argc() > 8) {
    ctx.reply.Error(err::SubcommandSyntax(ctx.arg(1), ctx.arg(0)));
    return;
  }
  StreamId id;
  if (ctx.arg(4) == "$") {
    id = a.s != nullptr ? a.s->last_id() : StreamId::Min();
  } else if (!ParseIdOrReply(ctx, ctx.arg(4), 0, true, &id)) {
    return;
  }
  std::string_view key = ctx.arg(2);
  if (a.s == nullptr) {
    a.s = ctx.db.SetObject(key, std::make_unique<StreamValue>())->as<StreamValue>();
    ctx.dirty++;
  }
  if (a.s->CreateGroup(ctx.arg(3), id, a.entries_read) == nullptr) {
    ctx.reply.Error(err::kBusyGroup);
    return;
  }
  ctx.dirty++;
  ctx.reply.Ok();
}

void XgroupSetid(CommandContext& ctx) {
  XgroupArgs a;
  if (!XgroupPrologue(ctx, &a)) return;
  if (ctx.argc() != 5 && ctx.argc() != 7) {
    ctx.reply.Error(err::SubcommandSyntax(ctx.arg(1), ctx.arg(0)));
    return;
  }
  StreamId id;
  if (ctx.arg(4) == "$") {
    id = a.s->last_id();
  } else if (!ParseIdOrReply(ctx, ctx.arg(4), 0, false, &id)) {
    return;
  }
  a.g->last_delivered_id = id;
  a.g->entries_read = a.entries_read;
  ctx.dirty++;
  ctx.reply.Ok();
}

void XgroupDestroy(CommandContext& ctx) {
  XgroupArgs a;
  if (!XgroupPrologue(ctx, &a)) return;
  if (a.g == nullptr) {
    ctx.reply.Integer(0);
    return;
  }
  a.s->DestroyGroup(ctx.arg(3));
  // dirty > 0 wakes the clients blocked on the key: their XREADGROUP answers -NOGROUP (as Redis signals the
  // key ready on DESTROY).
  ctx.dirty++;
  ctx.reply.Integer(1);
}

void XgroupCreateConsumer(CommandContext& ctx) {
  XgroupArgs a;
  if (!XgroupPrologue(ctx, &a)) return;
  auto [c, created] = a.g->CreateConsumer(ctx.arg(4));
  if (created) {
    c->seen_time_ms = ctx.now_ms;
    ctx.dirty++;
  }
  ctx.reply.Integer(created ? 1 : 0);
}

void XgroupDelConsumer(CommandContext& ctx) {
  XgroupArgs a;
  if (!XgroupPrologue(ctx, &a)) return;
  int64_t pending = a.g->DeleteConsumer(ctx.arg(4));
  if (pending < 0) {
    ctx.reply.Integer(0);
    return;
  }
  ctx.dirty++;
  ctx.reply.Integer(pending);
}

void XgroupHelp(CommandContext& ctx) {
  ReplyHelp(ctx, {
      "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CREATE <key> <groupname> <id|$> [option]",
      "    Create a new consumer group. Options are:",
      "    * MKSTREAM",
      "      Create the empty stream if it does not exist.",
      "    * ENTRIESREAD entries_read",
      "      Set the group's entries_read counter (internal use).",
      "CREATECONSUMER <key> <groupname> <consumer>",
      "    Create a new consumer in the specified group.",
      "DELCONSUMER <key> <groupname> <consumer>",
      "    Remove the specified consumer.",
      "DESTROY <key> <groupname>",
      "    Remove the specified group.",
      "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
      "    Set the current group ID and entries_read counter.",
      "HELP",
      "    Prints this help.",
  });
}

// ---- XREADGROUP ----

// [GROUP g c] [COUNT n] [BLOCK ms] [NOACK] STREAMS k1 .. kn id1 .. idn: the key positions (Redis's
// xreadGetKeys).
bool XreadgroupKeys(ArgList argv, std::vector<int>* out) {
  size_t streams = 0;
  for (size_t i = 1; i < argv.size(); i++) {
    std::string_view a = argv[i];
    if (EqualsIgnoreCase(a, "block") || EqualsIgnoreCase(a, "count")) {
      i++;
    } else if (EqualsIgnoreCase(a, "group")) {
      i += 2;
    } else if (EqualsIgnoreCase(a, "noack")) {
    } else if (EqualsIgnoreCase(a, "streams")) {
      streams = i;
      break;
    } else {
      break;
    }
  }
  if (streams == 0) return false;
  size_t num = argv.size() - streams - 1;
  if (num == 0 || num % 2 != 0) return false;
  num /= 2;
  for (size_t i = streams + 1; i < argv.size() - num; i++) out->push_back(static_cast<int>(i));
  return true;
}

// Serves one stream of XREADGROUP: its history (`start` in the consumer's PEL) or the entries after the
// group's last id. Replies [key, entries] (or the map pair in RESP3: the caller wrote the header).
void ServeGroupStream(CommandContext& ctx, std::string_view key, std::string_view group_name, StreamValue& s,
                      StreamGroup& g, StreamConsumer* consumer, StreamId start, int64_t count, bool noack,
                      bool history) {
  size_t limit = count > 0 ? static_cast<size_t>(count) : 0;
  if (history) {
    size_t handle = ctx.reply.BeginDeferred();
    size_t n = 0;
    for (auto it = consumer->pel.lower_bound(start); it != consumer->pel.end() && (limit == 0 || n < limit); ++it) {
      if (ReplyEntryById(ctx, s, it->first)) {
        it->second->delivery_time_ms = ctx.now_ms;
        it->second->delivery_count++;
      } else {
        // Pending but deleted from the stream: the id with a null entry.
        ctx.reply.Array(2);
        ReplyId(ctx, it->first);
        ctx.reply.NullArray();
      }
      n++;
    }
    ctx.reply.EndDeferredArray(handle, n);
    return;
  }
  size_t handle = ctx.reply.BeginDeferred();
  bool moved = false;
  size_t n = s.Range(start, StreamId::Max(), false, limit, [&](StreamId id, const StreamValue::FieldValues& fv) {
    if (StreamGroupAdvance(s, g, id)) moved = true;
    ReplyEntry(ctx, id, fv);
    if (!noack) {
      StreamNack* nack = StreamGroupDeliver(g, consumer, id, ctx.now_ms);
      PropagateXclaim(ctx, key, group_name, g, id.ToString(), *nack);
    }
    return true;
  });
  ctx.reply.EndDeferredArray(handle, n);
  if (noack && moved) PropagateGroupId(ctx, key, group_name, g);
}

void XreadgroupCmd(CommandContext& ctx) {
  int64_t timeout_ms = -1;
  int64_t count = 0;
  size_t streams_arg = 0, streams_count = 0;
  bool noack = false;
  std::string_view group_name, consumer_name;
  bool have_group = false;
  for (size_t i = 1; i < ctx.argc(); i++) {
    size_t more = ctx.argc() - i - 1;
    std::string_view o = ctx.arg(i);
    if (EqualsIgnoreCase(o, "block") && more > 0) {
      if (ctx.server.in_script()) {
        ctx.reply.Error(err::BlockFromScript(ctx.arg(0)));
        return;
      }
      i++;
      if (!ParseLongLongOrReply(ctx, ctx.arg(i), err::kTimeoutNotInteger, &timeout_ms)) return;
      if (timeout_ms < 0) {
        ctx.reply.Error(err::kTimeoutNegative);
        return;
      }
    } else if (EqualsIgnoreCase(o, "count") && more > 0) {
      i++;
      if (!ParseLongLongOrReply(ctx, ctx.arg(i), err::kNotInteger, &count)) return;
      if (count < 0) count = 0;
    } else if (EqualsIgnoreCase(o, "streams") && more > 0) {
      streams_arg = i + 1;
      streams_count = ctx.argc() - streams_arg;
      if (streams_count % 2 != 0) {
        ctx.reply.Error(err::kXreadUnbalanced);
        return;
      }
      streams_count /= 2;
      break;
    } else if (EqualsIgnoreCase(o, "group") && more >= 2) {
      group_name = ctx.arg(i + 1);
      consumer_name = ctx.arg(i + 2);
      have_group = true;
      i += 2;
    } else if (EqualsIgnoreCase(o, "noack")) {
      noack = true;
    } else {
      ctx.reply.Error(err::kSyntax);
      return;
    }
  }
  if (streams_arg == 0) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  if (!have_group) {
    ctx.reply.Error(err::kXreadgroupMissingGroup);
    return;
  }

  struct Target {
    StreamValue* s;
    StreamGroup* g;
    StreamId gt;
    bool newest;  // ">"
  };
  std::vector<Target> targets(streams_count);
  for (size_t k = 0; k < streams_count; k++) {
    std::string_view key = ctx.arg(streams_arg + k);
    std::string_view id_arg = ctx.arg(streams_arg + streams_count + k);
    Entry* e = ctx.db.FindRead(key);
    if (ctx.retry && (e == nullptr || e->type() != ObjType::kStream)) {
      // Woken up: the key this client waited on was deleted or overwritten.
      ctx.reply.Error(err::kBlockedStreamGone);
      return;
    }
    if (e != nullptr && e->type() != ObjType::kStream) {
      ctx.reply.Error(err::kWrongType);
      return;
    }
    StreamValue* s = e != nullptr ? e->as<StreamValue>() : nullptr;
    StreamGroup* g = s != nullptr ? s->FindGroup(group_name) : nullptr;
    if (g == nullptr) {
      if (ctx.retry) ctx.reply.Error(err::kBlockedGroupGone);
      else ctx.reply.Error(err::NoGroupXreadgroup(key, group_name));
      return;
    }
    targets[k] = {s, g, StreamId{}, false};
    if (id_arg == "$") {
      ctx.reply.Error(err::kXreadgroupDollar);
      return;
    }
    if (id_arg == ">") {
      targets[k].newest = true;
      continue;
    }
    if (!ParseIdOrReply(ctx, id_arg, 0, true, &targets[k].gt)) return;
  }

  if (ctx.retry && count == 0) count = kBlockedDefaultCount;
  size_t served = 0;
  size_t handle = 0;
  for (size_t k = 0; k < streams_count; k++) {
    Target& t = targets[k];
    std::string_view key = ctx.arg(streams_arg + k);
    StreamId start;
    bool history = !t.newest;
    if (history) {
      start = t.gt;
    } else {
      if (t.s->length() == 0 || StreamLastValidId(*t.s) <= t.g->last_delivered_id) continue;
      start = t.g->last_delivered_id;
    }
    // Entries greater than start (history included, as Redis increments the id first).
    if (!start.Incr() && history) {
      // Redis wraps around to 0-0 here.
      start = StreamId::Min();
    }
    if (served++ == 0) handle = ctx.reply.BeginDeferred();
    if (ctx.reply.proto() == 2) ctx.reply.Array(2);
    ctx.reply.Bulk(key);
    bool created;
    StreamConsumer* consumer = StreamGroupConsumer(*t.g, consumer_name, ctx.now_ms, &created);
    if (created) {
      Notify(ctx, "xgroup-createconsumer", key);
      if (noack) {
        ctx.PropagateAs({"XGROUP", "CREATECONSUMER", std::string(key), std::string(group_name),
                         std::string(consumer_name)});
        ctx.dirty++;
      }
    }
    ServeGroupStream(ctx, key, group_name, *t.s, *t.g, consumer, start, count, noack, history);
  }
  if (served > 0) {
    if (ctx.reply.proto() == 2) ctx.reply.EndDeferredArray(handle, served);
    else ctx.reply.EndDeferredMap(handle, served);
    return;
  }
  if (timeout_ms >= 0) {
    if (!ctx.can_block) {
      ctx.reply.NullArray();
      return;
    }
    std::vector<std::string> keys;
    for (size_t k = 0; k < streams_count; k++) keys.emplace_back(ctx.arg(streams_arg + k));
    ctx.Block(std::move(keys), timeout_ms > 0 ? ctx.now_ms + timeout_ms : 0);
    return;
  }
  ctx.reply.NullArray();
}

// ---- XACK ----

void XackCmd(CommandContext& ctx) {
  bool wrongtype;
  StreamValue* s = LookupStream(ctx, ctx.arg(1), false, &wrongtype);
  if (wrongtype) return;
  StreamGroup* g = s != nullptr ? s->FindGroup(ctx.arg(2)) : nullptr;
  if (g == nullptr) {
    ctx.reply.Integer(0);
    return;
  }
  std::vector<StreamId> ids(ctx.argc() - 3);
  for (size_t j = 3; j < ctx.argc(); j++) {
    if (!ParseIdOrReply(ctx, ctx.arg(j), 0, true, &ids[j - 3])) return;
  }
  int64_t acked = 0;
  for (StreamId id : ids) {
    if (g->EraseNack(id)) acked++;
  }
  ctx.dirty += acked;
  ctx.reply.Integer(acked);
}

// ---- XPENDING ----

void XpendingCmd(CommandContext& ctx) {
  size_t argc = ctx.argc();
  bool justinfo = argc == 3;
  if (argc != 3 && (argc < 6 || argc > 9)) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  StreamId start, end;
  int64_t count = 0, minidle = 0;
  std::string_view consumer_name;
  bool have_consumer = false;
  if (argc >= 6) {
    size_t si = 3;
    if (EqualsIgnoreCase(ctx.arg(3), "idle")) {
      if (!ParseLongLongOrReply(ctx, ctx.arg(4), err::kNotInteger, &minidle)) return;
      if (argc < 8) {
        ctx.reply.Error(err::kSyntax);
        return;
      }
      si += 2;
    }
    if (!ParseLongLongOrReply(ctx, ctx.arg(si + 2), err::kNotInteger, &count)) return;
    if (count < 0) count = 0;
    bool ex;
    if (!ParseIntervalIdOrReply(ctx, ctx.arg(si), 0, &start, &ex)) return;
    if (ex && !start.Incr()) {
      ctx.reply.Error(err::kStreamInvalidStart);
      return;
    }
    if (!ParseIntervalIdOrReply(ctx, ctx.arg(si + 1), UINT64_MAX, &end, &ex)) return;
    if (ex && !end.Decr()) {
      ctx.reply.Error(err::kStreamInvalidEnd);
      return;
    }
    if (si + 3 < argc) {
      consumer_name = ctx.arg(si + 3);
      have_consumer = true;
    }
  }
  bool wrongtype;
  StreamValue* s = LookupStream(ctx, ctx.arg(1), false, &wrongtype);
  if (wrongtype) return;
  StreamGroup* g = s != nullptr ? s->FindGroup(ctx.arg(2)) : nullptr;
  if (g == nullptr) {
    ctx.reply.Error(err::NoKeyOrGroup(ctx.arg(1), ctx.arg(2)));
    return;
  }
  if (justinfo) {
    ctx.reply.Array(4);
    ctx.reply.Integer(static_cast<int64_t>(g->pel().size()));
    if (g->pel().empty()) {
      ctx.reply.Null();
      ctx.reply.Null();
      ctx.reply.NullArray();
      return;
    }
    ReplyId(ctx, g->pel().begin()->first);
    ReplyId(ctx, g->pel().rbegin()->first);
    size_t n = 0;
    for (const auto& [name, c] : g->consumers()) n += c->pel.empty() ? 0 : 1;
    ctx.reply.Array(n);
    for (const auto& [name, c] : g->consumers()) {
      if (c->pel.empty()) continue;
      ctx.reply.Array(2);
      ctx.reply.Bulk(name);
      ctx.reply.BulkInt(static_cast<int64_t>(c->pel.size()));
    }
    return;
  }
  auto reply_nack = [&](StreamId id, const StreamNack& nack) {
    ctx.reply.Array(4);
    ReplyId(ctx, id);
    ctx.reply.Bulk(nack.consumer->name);
    ctx.reply.Integer(std::max<int64_t>(0, ctx.now_ms - nack.delivery_time_ms));
    ctx.reply.Integer(static_cast<int64_t>(nack.delivery_count));
  };
  size_t handle = ctx.reply.BeginDeferred();
  size_t n = 0;
  if (have_consumer) {
    StreamConsumer* c = g->FindConsumer(consumer_name);
    if (c != nullptr) {
      for (auto it = c->pel.lower_bound(start); count > 0 && it != c->pel.end() && it->first <= end; ++it) {
        if (minidle != 0 && ctx.now_ms - it->second->delivery_time_ms < minidle) continue;
        reply_nack(it->first, *it->second);
        n++;
        count--;
      }
    }
  } else {
    for (auto it = g->pel().lower_bound(start); count > 0 && it != g->pel().end() && it->first <= end; ++it) {
      if (minidle != 0 && ctx.now_ms - it->second.delivery_time_ms < minidle) continue;
      reply_nack(it->first, it->second);
      n++;
      count--;
    }
  }
  ctx.reply.EndDeferredArray(handle, n);
}

// ---- XCLAIM ----

void XclaimCmd(CommandContext& ctx) {
  std::string_view key = ctx.arg(1), group_name = ctx.arg(2);
  bool wrongtype;
  StreamValue* s = LookupStream(ctx, key, false, &wrongtype);
  if (wrongtype) return;
  StreamGroup* g = s != nullptr ? s->FindGroup(group_name) : nullptr;
  if (g == nullptr) {
    ctx.reply.Error(err::NoKeyOrGroup(key, group_name));
    return;
  }
  int64_t minidle;
  if (!ParseLongLongOrReply(ctx, ctx.arg(4), err::kXclaimMinIdle, &minidle)) return;
  if (minidle < 0) minidle = 0;
  size_t j = 5;
  std::vector<StreamId> ids;
  for (; j < ctx.argc(); j++) {
    StreamId id;
    if (!ParseIdQuiet(ctx.arg(j), &id)) break;
    ids.push_back(id);
  }
  size_t last_id_arg = j;  // ids are argv[5 .. last_id_arg)
  int64_t now = ctx.now_ms;
  int64_t retrycount = -1, deliverytime = -1;
  bool force = false, justid = false;
  StreamId last_id;
  for (; j < ctx.argc(); j++) {
    size_t more = ctx.argc() - 1 - j;
    std::string_view opt = ctx.arg(j);
    if (EqualsIgnoreCase(opt, "force")) {
      force = true;
    } else if (EqualsIgnoreCase(opt, "justid")) {
      justid = true;
    } else if (EqualsIgnoreCase(opt, "idle") && more > 0) {
      j++;
      if (!ParseLongLongOrReply(ctx, ctx.arg(j), err::kXclaimIdle, &deliverytime)) return;
      deliverytime = now - deliverytime;
    } else if (EqualsIgnoreCase(opt, "time") && more > 0) {
      j++;
      if (!ParseLongLongOrReply(ctx, ctx.arg(j), err::kXclaimTime, &deliverytime)) return;
    } else if (EqualsIgnoreCase(opt, "retrycount") && more > 0) {
      j++;
      if (!ParseLongLongOrReply(ctx, ctx.arg(j), err::kXclaimRetryCount, &retrycount)) return;
    } else if (EqualsIgnoreCase(opt, "lastid") && more > 0) {
      j++;
      if (!ParseIdOrReply(ctx, ctx.arg(j), 0, true, &last_id)) return;
    } else {
      ctx.reply.Error(err::XclaimUnknownOption(opt));
      return;
    }
  }
  bool propagate_last_id = false;
  if (last_id > g->last_delivered_id) {
    g->last_delivered_id = last_id;
    propagate_last_id = true;
  }
  if (deliverytime != -1) {
    if (deliverytime < 0 || deliverytime > now) deliverytime = now;
  } else {
    deliverytime = now;
  }
  StreamConsumer* consumer = nullptr;
  size_t handle = ctx.reply.BeginDeferred();
  size_t n = 0;
  for (size_t k = 5; k < last_id_arg; k++) {
    StreamId id = ids[k - 5];
    StreamNack* nack = g->FindNack(id);
    if (!s->Contains(id)) {
      // Gone from the stream: dropped from the PEL (and so on the replica, by the propagated XCLAIM).
      if (nack != nullptr) {
        PropagateXclaim(ctx, key, group_name, *g, ctx.arg(k), *nack);
        propagate_last_id = false;
        g->EraseNack(id);
      }
      continue;
    }
    bool forced = false;
    if (nack == nullptr) {
      if (!force) continue;
      forced = true;  // Redis creates it with count 1 and no consumer, then claims it below
    } else if (minidle != 0 && now - nack->delivery_time_ms < minidle) {
      continue;
    }
    if (consumer == nullptr) {
      bool created;
      consumer = StreamGroupConsumer(*g, ctx.arg(3), now, &created);
      if (created) Notify(ctx, "xgroup-createconsumer", key);
    }
    uint64_t delivery_count = forced ? 1 : nack->delivery_count;
    if (retrycount >= 0) delivery_count = static_cast<uint64_t>(retrycount);
    else if (!justid) delivery_count++;
    if (forced) {
      nack = g->AddNack(id, consumer, deliverytime, delivery_count);
    } else {
      if (nack->consumer != consumer) g->TransferNack(nack, consumer);
      nack->delivery_time_ms = deliverytime;
      nack->delivery_count = delivery_count;
    }
    if (justid) ReplyId(ctx, id);
    else ReplyEntryById(ctx, *s, id);
    n++;
    PropagateXclaim(ctx, key, group_name, *g, ctx.arg(k), *nack);
    propagate_last_id = false;
  }
  if (propagate_last_id) PropagateGroupId(ctx, key, group_name, *g);
  ctx.reply.EndDeferredArray(handle, n);
}

// ---- XAUTOCLAIM ----

void XautoclaimCmd(CommandContext& ctx) {
  std::string_view key = ctx.arg(1), group_name = ctx.arg(2);
  constexpr int64_t kAttemptsFactor = 10;
  int64_t minidle;
  if (!ParseLongLongOrReply(ctx, ctx.arg(4), err::kXautoclaimMinIdle, &minidle)) return;
  if (minidle < 0) minidle = 0;
  StreamId start;
  bool ex;
  if (!ParseIntervalIdOrReply(ctx, ctx.arg(5), 0, &start, &ex)) return;
  if (ex && !start.Incr()) {
    ctx.reply.Error(err::kStreamInvalidStart);
    return;
  }
  int64_t count = 100;
  bool justid = false;
  for (size_t j = 6; j < ctx.argc(); j++) {
    size_t more = ctx.argc() - 1 - j;
    std::string_view opt = ctx.arg(j);
    if (EqualsIgnoreCase(opt, "count") && more > 0) {
      constexpr int64_t kMaxCount = INT64_MAX / 16;  // LONG_MAX / max(sizeof(streamID), attempts factor)
      if (!ParseInt64(ctx.arg(j + 1), &count) || count < 1 || count > kMaxCount) {
        ctx.reply.Error(err::kCountAtLeastOne);
        return;
      }
      j++;
    } else if (EqualsIgnoreCase(opt, "justid")) {
      justid = true;
    } else {
      ctx.reply.Error(err::kSyntax);
      return;
    }
  }
  bool wrongtype;
  StreamValue* s = LookupStream(ctx, key, false, &wrongtype);
  if (wrongtype) return;
  StreamGroup* g = s != nullptr ? s->FindGroup(group_name) : nullptr;
  if (g == nullptr) {
    ctx.reply.Error(err::NoKeyOrGroup(key, group_name));
    return;
  }
  int64_t attempts = count * kAttemptsFactor;
  int64_t now = ctx.now_ms;
  StreamConsumer* consumer = nullptr;
  std::vector<StreamId> deleted;
  ctx.reply.Array(3);
  // The cursor comes first in the reply but is known only at the end: reply into a side buffer.
  std::string entries;
  std::string* main_out = ctx.reply.buffer();
  ctx.reply.set_buffer(&entries);
  size_t n = 0;
  auto it = g->pel().lower_bound(start);
  while (attempts-- > 0 && count > 0 && it != g->pel().end()) {
    StreamId id = it->first;
    ++it;  // before the entry may be erased
    StreamNack* nack = g->FindNack(id);
    if (!s->Contains(id)) {
      PropagateXclaim(ctx, key, group_name, *g, id.ToString(), *nack);
      g->EraseNack(id);
      deleted.push_back(id);
      count--;
      continue;
    }
    if (minidle != 0 && now - nack->delivery_time_ms < minidle) continue;
    if (consumer == nullptr) {
      bool created;
      consumer = StreamGroupConsumer(*g, ctx.arg(3), now, &created);
      if (created) Notify(ctx, "xgroup-createconsumer", key);
    }
    if (nack->consumer != consumer) g->TransferNack(nack, consumer);
    nack->delivery_time_ms = now;
    if (!justid) nack->delivery_count++;
    if (justid) ReplyId(ctx, id);
    else ReplyEntryById(ctx, *s, id);
    n++;
    count--;
    PropagateXclaim(ctx, key, group_name, *g, id.ToString(), *nack);
  }
  ctx.reply.set_buffer(main_out);
  ReplyId(ctx, it == g->pel().end() ? StreamId::Min() : it->first);
  ctx.reply.Array(n);
  ctx.reply.Raw(entries);
  ctx.reply.Array(deleted.size());
  for (StreamId id : deleted) ReplyId(ctx, id);
}

// ---- XINFO GROUPS / CONSUMERS ----

}  // namespace

void XinfoGroupsCmd(CommandContext& ctx) {
  Entry* e = ctx.db.FindRead(ctx.arg(2));
  if (e == nullptr) {
    ctx.reply.Error(err::kNoSuchKey);
    return;
  }
  if (e->type() != ObjType::kStream) {
    ctx.reply.Error(err::kWrongType);
    return;
  }
  const StreamValue& s = *e->as<StreamValue>();
  ctx.reply.Array(s.groups().size());
  for (const auto& [name, g] : s.groups()) {
    ctx.reply.Map(6);
    ctx.reply.Bulk("name");
    ctx.reply.Bulk(name);
    ctx.reply.Bulk("consumers");
    ctx.reply.Integer(static_cast<int64_t>(g->consumers().size()));
    ctx.reply.Bulk("pending");
    ctx.reply.Integer(static_cast<int64_t>(g->pel().size()));
    ctx.reply.Bulk("last-delivered-id");
    ReplyId(ctx, g->last_delivered_id);
    ctx.reply.Bulk("entries-read");
    if (g->entries_read != StreamGroup::kInvalidEntriesRead) ctx.reply.Integer(g->entries_read);
    else ctx.reply.Null();
    ctx.reply.Bulk("lag");
    std::optional<int64_t> lag = StreamGroupLag(s, *g);
    if (lag) ctx.reply.Integer(*lag);
    else ctx.reply.Null();
  }
}

// Redis 7.0.15 reports name, pending and idle (ms since the consumer was last seen) per consumer.
void XinfoConsumersCmd(CommandContext& ctx) {
  Entry* e = ctx.db.FindRead(ctx.arg(2));
  if (e == nullptr) {
    ctx.reply.Error(err::kNoSuchKey);
    return;
  }
  if (e->type() != ObjType::kStream) {
    ctx.reply.Error(err::kWrongType);
    return;
  }
  const StreamValue& s = *e->as<StreamValue>();
  StreamGroup* g = s.FindGroup(ctx.arg(3));
  if (g == nullptr) {
    ctx.reply.Error(err::NoGroupForKey(ctx.arg(3), ctx.arg(2)));
    return;
  }
  ctx.reply.Array(g->consumers().size());
  for (const auto& [name, c] : g->consumers()) {
    ctx.reply.Map(3);
    ctx.reply.Bulk("name");
    ctx.reply.Bulk(name);
    ctx.reply.Bulk("pending");
    ctx.reply.Integer(static_cast<int64_t>(c->pel.size()));
    ctx.reply.Bulk("idle");
    ctx.reply.Integer(std::max<int64_t>(0, ctx.now_ms - c->seen_time_ms));
  }
}

void RegisterStreamGroupFamily(CommandRegistry& r) {
  const char* g = "stream";
  constexpr uint32_t w = kCmdWrite, oom = kCmdDenyOom, fast = kCmdFast;
  r.Add(ContainerSpec(
      "xgroup", g, "A container for consumer groups commands.",
      {
          GroupSpec("xgroup|create", -5, w | oom, XgroupCreate, g, "Creates a consumer group.", 2, 2, 1),
          GroupSpec("xgroup|createconsumer", 5, w | oom, XgroupCreateConsumer, g,
                    "Creates a consumer in a consumer group.", 2, 2, 1),
          GroupSpec("xgroup|delconsumer", 5, w, XgroupDelConsumer, g, "Deletes a consumer from a consumer group.",
                    2, 2, 1),
          GroupSpec("xgroup|destroy", 4, w, XgroupDestroy, g, "Destroys a consumer group.", 2, 2, 1),
          GroupSpec("xgroup|setid", -5, w, XgroupSetid, g, "Sets the last-delivered ID of a consumer group.", 2, 2, 1),
          HelpSpec("xgroup|help", XgroupHelp, g),
      }));
  r.Add(Spec("xreadgroup", -7, w | kCmdBlocking | kCmdMovableKeys, 0, 0, 0, XreadgroupCmd, XreadgroupKeys, g,
             "Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is "
             "available otherwise."));
  r.Add(Spec("xack", -4, w | fast, 1, 1, 1, XackCmd, nullptr, g,
             "Returns the number of messages that were successfully acknowledged by the consumer group member of a "
             "stream."));
  r.Add(Spec("xpending", -3, kCmdReadOnly, 1, 1, 1, XpendingCmd, nullptr, g,
             "Returns the information and entries from a stream consumer group's pending entries list."));
  r.Add(Spec("xclaim", -6, w | fast, 1, 1, 1, XclaimCmd, nullptr, g,
             "Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a "
             "consumer group member."));
  r.Add(Spec("xautoclaim", -6, w | fast, 1, 1, 1, XautoclaimCmd, nullptr, g,
             "Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to "
             "as consumer group member."));
}

}  // namespace rcs
