// Stream commands without consumer groups: XADD XRANGE XREVRANGE XLEN XDEL XTRIM XSETID XREAD XINFO STREAM
// and XINFO HELP, as Redis 7.0.15's t_stream.c (argument order, error texts, replies in RESP2 and RESP3).
// The consumer-group commands (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM, XINFO GROUPS and
// CONSUMERS) are registered by their own family (stream_groups), on the same value (keyspace/stream_value.h).
//
// Propagation, as Redis: XADD with "*" or "<ms>-*" propagates the id it generated; an approximate trim
// ("~", XADD or XTRIM) propagates as the exact trim to what it left (MAXLEN = <length> or MINID = <first
// id>) so that replicas and the AOF end with the same entries whatever their block boundaries. Commands
// from our master or the AOF trim without LIMIT (Redis's mustObeyClient).
// XREAD never propagates. A blocked XREAD runs again when one of its keys is written, with "$" replaced by
// the last id the stream had when the client blocked.
#include <string>
#include <vector>

#include "base/strutil.h"
#include "commands/families.h"
#include "commands/stream_reply.h"
#include "commands/value_lookup.h"
#include "keyspace/notify_classes.h"
#include "keyspace/stream_value.h"
#include "protocol/errors.h"
#include "server/client.h"
#include "server/command.h"
#include "server/server.h"

namespace rcs {
namespace {

}  // namespace

// ---- ids and replies (commands/stream_reply.h) ----

bool ParseStreamIdOrReply(CommandContext& ctx, std::string_view s, uint64_t missing_seq, bool strict, StreamId* out,
                          bool* seq_given) {
  StreamIdParse p;
  if (!ParseStreamId(s, missing_seq, strict, false, &p)) {
    ctx.reply.Error(err::kStreamInvalidId);
    return false;
  }
  *out = p.id;
  if (seq_given) *seq_given = p.seq_given;
  return true;
}

void ReplyStreamId(ReplyBuilder& r, StreamId id) {
  std::string s;
  s.reserve(44);
  id.AppendTo(&s);
  r.Bulk(s);
}

void ReplyStreamEntry(ReplyBuilder& r, StreamId id, const StreamValue::FieldValues& fv) {
  r.Array(2);
  ReplyStreamId(r, id);
  r.Array(fv.size());
  for (std::string_view s : fv) r.Bulk(s);
}

size_t ReplyStreamRange(ReplyBuilder& r, const StreamValue& s, StreamId start, StreamId end, size_t count, bool rev) {
  size_t h = r.BeginDeferred();
  size_t n = s.Range(start, end, rev, count, [&](StreamId id, const StreamValue::FieldValues& fv) {
    ReplyStreamEntry(r, id, fv);
    return true;
  });
  r.EndDeferredArray(h, n);
  return n;
}

namespace {

bool ParseIdOrReply(CommandContext& ctx, std::string_view s, uint64_t missing_seq, bool strict, StreamId* out) {
  return ParseStreamIdOrReply(ctx, s, missing_seq, strict, out);
}
void ReplyId(ReplyBuilder& r, StreamId id) { ReplyStreamId(r, id); }
void ReplyEntry(ReplyBuilder& r, StreamId id, const StreamValue::FieldValues& fv) { ReplyStreamEntry(r, id, fv); }
size_t ReplyRange(ReplyBuilder& r, const StreamValue& s, StreamId start, StreamId end, size_t count, bool rev) {
  return ReplyStreamRange(r, s, start, end, count, rev);
}

bool MustObey(const CommandContext& ctx) {
  return ctx.server.loading() || (ctx.client != nullptr && ctx.client->has(kClientMaster));
}

// ---- XADD / XTRIM arguments (Redis's streamParseAddOrTrimArgsOrReply) ----

enum class Trim { kNone, kMaxLen, kMinId };

struct AddTrimArgs {
  Trim strategy = Trim::kNone;
  bool approx = false;
  int64_t maxlen = 0;
  StreamId minid;
  int64_t limit = 0;
  size_t strategy_arg = 0;  // argv index of the MAXLEN/MINID value
  bool nomkstream = false;
  bool id_given = false;
  bool seq_given = true;
  StreamId id;
};

// Returns the index of the id argument (XADD) or argc (XTRIM); 0 after replying an error.
size_t ParseAddOrTrimArgs(CommandContext& ctx, AddTrimArgs* a, bool xadd) {
  size_t argc = ctx.argc();
  size_t i = 2;
  bool limit_given = false;
  for (; i < argc; i++) {
    size_t more = argc - 1 - i;
    std::string_view opt = ctx.arg(i);
    if (xadd && opt == "*") {
      break;
    } else if (EqualsIgnoreCase(opt, "maxlen") && more) {
      if (a->strategy != Trim::kNone) {
        ctx.reply.Error(err::kStreamMaxlenAndMinid);
        return 0;
      }
      a->approx = false;
      std::string_view next = ctx.arg(i + 1);
      if (more >= 2 && next == "~") {
        a->approx = true;
        i++;
      } else if (more >= 2 && next == "=") {
        i++;
      }
      if (!ParseInt64(ctx.arg(i + 1), &a->maxlen)) {
        ctx.reply.Error(err::kNotInteger);
        return 0;
      }
      if (a->maxlen < 0) {
        ctx.reply.Error(err::kStreamMaxlenNegative);
        return 0;
      }
      i++;
      a->strategy = Trim::kMaxLen;
      a->strategy_arg = i;
    } else if (EqualsIgnoreCase(opt, "minid") && more) {
      if (a->strategy != Trim::kNone) {
        ctx.reply.Error(err::kStreamMaxlenAndMinid);
        return 0;
      }
      a->approx = false;
      std::string_view next = ctx.arg(i + 1);
      if (more >= 2 && next == "~") {
        a->approx = true;
        i++;
      } else if (more >= 2 && next == "=") {
        i++;
      }
      if (!ParseIdOrReply(ctx, ctx.arg(i + 1), 0, true, &a->minid)) return 0;
      i++;
      a->strategy = Trim::kMinId;
      a->strategy_arg = i;
    } else if (EqualsIgnoreCase(opt, "limit") && more) {
      if (!ParseInt64(ctx.arg(i + 1), &a->limit)) {
        ctx.reply.Error(err::kNotInteger);
        return 0;
      }
      if (a->limit < 0) {
        ctx.reply.Error(err::kStreamLimitNegative);
        return 0;
      }
      limit_given = true;
      i++;
    } else if (xadd && EqualsIgnoreCase(opt, "nomkstream")) {
      a->nomkstream = true;
    } else if (xadd) {
      StreamIdParse p;
      if (!ParseStreamId(opt, 0, true, true, &p)) {
        ctx.reply.Error(err::kStreamInvalidId);
        return 0;
      }
      a->id = p.id;
      a->seq_given = p.seq_given;
      a->id_given = true;
      break;
    } else {
      ctx.reply.Error(err::kSyntax);
      return 0;
    }
  }
  if (a->limit && a->strategy == Trim::kNone) {
    ctx.reply.Error(err::kStreamLimitNoStrategy);
    return 0;
  }
  if (!xadd && a->strategy == Trim::kNone) {
    ctx.reply.Error(err::kXtrimNoStrategy);
    return 0;
  }
  if (MustObey(ctx)) {
    a->limit = 0;
  } else if (limit_given) {
    if (!a->approx) {
      ctx.reply.Error(err::kStreamLimitNoApprox);
      return 0;
    }
  } else {
    a->limit = a->approx ? 100 * static_cast<int64_t>(StreamValue::kBlockEntries) : 0;
  }
  return i;
}

int64_t DoTrim(StreamValue* s, const AddTrimArgs& a) {
  if (a.strategy == Trim::kMaxLen) return s->TrimMaxLen(static_cast<uint64_t>(a.maxlen), a.approx, a.limit);
  if (a.strategy == Trim::kMinId) return s->TrimMinId(a.minid, a.approx, a.limit);
  return 0;
}

// Redis's streamRewriteApproxSpecifier + streamRewriteTrimArgument on a copy of argv.
void RewriteApproxTrim(const StreamValue& s, const AddTrimArgs& a, std::vector<std::string>* argv) {
  (*argv)[a.strategy_arg - 1] = "=";
  if (a.strategy == Trim::kMaxLen) {
    (*argv)[a.strategy_arg] = std::to_string(s.length());
  } else {
    (*argv)[a.strategy_arg] = s.first_id().ToString();
  }
}

std::vector<std::string> ArgvCopy(const CommandContext& ctx) {
  return std::vector<std::string>(ctx.argv.begin(), ctx.argv.end());
}

// ---- commands ----

void XaddCmd(CommandContext& ctx) {
  AddTrimArgs a;
  size_t idpos = ParseAddOrTrimArgs(ctx, &a, true);
  if (idpos == 0) return;
  size_t field_pos = idpos + 1;
  size_t nfv = ctx.argc() > field_pos ? ctx.argc() - field_pos : 0;
  if (nfv < 2 || nfv % 2 == 1) {
    ctx.reply.Error(err::WrongArgs("xadd"));
    return;
  }
  if (a.id_given && a.seq_given && a.id.IsZero()) {
    ctx.reply.Error(err::kXaddIdZero);
    return;
  }
  std::string_view key = ctx.arg(1);
  StreamValue* s;
  if (!Lookup(ctx, key, true, &s)) return;
  bool created = false;
  if (s == nullptr) {
    if (a.nomkstream) {
      ctx.reply.Null();
      return;
    }
    created = true;
  }
  StreamValue fresh_probe;
  const StreamValue& cur = s ? *s : fresh_probe;
  if (cur.last_id() == StreamId::Max()) {
    ctx.reply.Error(err::kStreamExhausted);
    return;
  }
  StreamId id;
  bool ok;
  if (!a.id_given) {
    ok = cur.NextAutoId(static_cast<uint64_t>(ctx.now_ms), &id);
  } else if (!a.seq_given) {
    ok = cur.NextSeqId(a.id.ms, &id);
  } else {
    id = a.id;
    ok = id > cur.last_id();
  }
  if (!ok) {
    // "<ms>-*" with ms equal to the last id's and its seq at the maximum: streamAppendItem fails without
    // setting errno, and redis-server 7.0.15 answers with the ERANGE text (checked against it).
    bool seq_exhausted = a.id_given && !a.seq_given && a.id.ms == cur.last_id().ms;
    ctx.reply.Error(seq_exhausted ? err::kStreamElementsTooLarge : err::kXaddIdTooSmall);
    return;
  }
  size_t total = 0;
  for (size_t i = field_pos; i < ctx.argc(); i++) total += ctx.arg(i).size();
  if (total > (size_t{1} << 30)) {
    ctx.reply.Error(err::kStreamElementsTooLarge);
    return;
  }
  if (created) s = ctx.db.SetObject(key, std::make_unique<StreamValue>())->as<StreamValue>();
  s->Append(id, ctx.argv.data() + field_pos, nfv);
  std::string idtext = id.ToString();
  ctx.reply.Bulk(idtext);
  ctx.dirty++;
  std::vector<std::string> prop;
  bool rewrite = false;
  if (a.strategy != Trim::kNone) {
    if (DoTrim(s, a) > 0) ctx.NotifyKeyEvent(notify::kStream, "xtrim", key);
    if (a.approx) {
      prop = ArgvCopy(ctx);
      RewriteApproxTrim(*s, a, &prop);
      rewrite = true;
    }
  }
  if (!a.id_given || !a.seq_given) {
    if (!rewrite) prop = ArgvCopy(ctx);
    prop[idpos] = idtext;
    rewrite = true;
  }
  if (rewrite) ctx.PropagateAs(std::move(prop));
}

// XRANGE/XREVRANGE ("(" exclusive bounds, "-" and "+", incomplete ids: start seq 0, end seq max).
bool ParseIntervalId(CommandContext& ctx, std::string_view s, uint64_t missing_seq, StreamId* id, bool* exclusive) {
  *exclusive = false;
  if (s.size() > 1 && s[0] == '(') {
    *exclusive = true;
    return ParseIdOrReply(ctx, s.substr(1), missing_seq, true, id);
  }
  return ParseIdOrReply(ctx, s, missing_seq, false, id);
}

void RangeGeneric(CommandContext& ctx, bool rev) {
  std::string_view start_arg = rev ? ctx.arg(3) : ctx.arg(2);
  std::string_view end_arg = rev ? ctx.arg(2) : ctx.arg(3);
  StreamId start, end;
  bool sx, ex;
  if (!ParseIntervalId(ctx, start_arg, 0, &start, &sx)) return;
  if (sx && !start.Incr()) {
    ctx.reply.Error(err::kStreamInvalidStart);
    return;
  }
  if (!ParseIntervalId(ctx, end_arg, UINT64_MAX, &end, &ex)) return;
  if (ex && !end.Decr()) {
    ctx.reply.Error(err::kStreamInvalidEnd);
    return;
  }
  int64_t count = -1;
  for (size_t j = 4; j < ctx.argc(); j++) {
    size_t additional = ctx.argc() - j - 1;
    if (EqualsIgnoreCase(ctx.arg(j), "count") && additional >= 1) {
      if (!ParseInt64(ctx.arg(j + 1), &count)) {
        ctx.reply.Error(err::kNotInteger);
        return;
      }
      if (count < 0) count = 0;
      j++;
    } else {
      ctx.reply.Error(err::kSyntax);
      return;
    }
  }
  StreamValue* s = FindOrReply<StreamValue>(ctx, ctx.arg(1), false, [](ReplyBuilder& r) { r.Array(0); });
  if (s == nullptr) return;
  if (count == 0) {
    ctx.reply.NullArray();
    return;
  }
  ReplyRange(ctx.reply, *s, start, end, count == -1 ? 0 : static_cast<size_t>(count), rev);
}

void XrangeCmd(CommandContext& ctx) { RangeGeneric(ctx, false); }
void XrevrangeCmd(CommandContext& ctx) { RangeGeneric(ctx, true); }

void XlenCmd(CommandContext& ctx) {
  StreamValue* s = FindOrReply<StreamValue>(ctx, ctx.arg(1), false, [](ReplyBuilder& r) { r.Integer(0); });
  if (s == nullptr) return;
  ctx.reply.Integer(static_cast<int64_t>(s->length()));
}

void XdelCmd(CommandContext& ctx) {
  StreamValue* s = FindOrReply<StreamValue>(ctx, ctx.arg(1), true, [](ReplyBuilder& r) { r.Integer(0); });
  if (s == nullptr) return;
  std::vector<StreamId> ids(ctx.argc() - 2);
  for (size_t j = 2; j < ctx.argc(); j++) {
    if (!ParseIdOrReply(ctx, ctx.arg(j), 0, true, &ids[j - 2])) return;
  }
  int64_t deleted = 0;
  for (StreamId id : ids) deleted += s->Delete(id) ? 1 : 0;
  ctx.dirty += deleted;
  ctx.reply.Integer(deleted);
}

void XtrimCmd(CommandContext& ctx) {
  AddTrimArgs a;
  if (ParseAddOrTrimArgs(ctx, &a, false) == 0) return;
  StreamValue* s = FindOrReply<StreamValue>(ctx, ctx.arg(1), true, [](ReplyBuilder& r) { r.Integer(0); });
  if (s == nullptr) return;
  int64_t deleted = DoTrim(s, a);
  if (deleted) {
    if (a.approx) {
      std::vector<std::string> prop = ArgvCopy(ctx);
      RewriteApproxTrim(*s, a, &prop);
      ctx.PropagateAs(std::move(prop));
    }
    ctx.dirty += deleted;
  }
  ctx.reply.Integer(deleted);
}

void XsetidCmd(CommandContext& ctx) {
  StreamId id, max_xdel;
  int64_t entries_added = -1;
  if (!ParseIdOrReply(ctx, ctx.arg(2), 0, true, &id)) return;
  for (size_t i = 3; i < ctx.argc();) {
    size_t more = ctx.argc() - 1 - i;
    std::string_view opt = ctx.arg(i);
    if (EqualsIgnoreCase(opt, "entriesadded") && more) {
      if (!ParseInt64(ctx.arg(i + 1), &entries_added)) {
        ctx.reply.Error(err::kNotInteger);
        return;
      }
      if (entries_added < 0) {
        ctx.reply.Error(err::kXsetidEntriesAddedNegative);
        return;
      }
      i += 2;
    } else if (EqualsIgnoreCase(opt, "maxdeletedid") && more) {
      if (!ParseIdOrReply(ctx, ctx.arg(i + 1), 0, true, &max_xdel)) return;
      if (id < max_xdel) {
        ctx.reply.Error(err::kXsetidBelowMaxDeleted);
        return;
      }
      i += 2;
    } else {
      ctx.reply.Error(err::kSyntax);
      return;
    }
  }
  StreamValue* s = FindOrReply<StreamValue>(ctx, ctx.arg(1), true, [](ReplyBuilder& r) { r.Error(err::kNoSuchKey); });
  if (s == nullptr) return;
  if (s->length() > 0) {
    StreamId maxid;
    s->Last(&maxid, nullptr);
    if (id < maxid) {
      ctx.reply.Error(err::kXsetidBelowTop);
      return;
    }
    if (entries_added != -1 && s->length() > static_cast<uint64_t>(entries_added)) {
      ctx.reply.Error(err::kXsetidEntriesAddedBelowLength);
      return;
    }
  }
  s->set_last_id(id);
  if (entries_added != -1) s->set_entries_added(static_cast<uint64_t>(entries_added));
  if (!max_xdel.IsZero()) s->set_max_deleted_entry_id(max_xdel);
  ctx.reply.Ok();
  ctx.dirty++;
}

// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
void XreadCmd(CommandContext& ctx) {
  int64_t timeout = -1;
  int64_t count = 0;
  size_t streams_arg = 0, streams_count = 0;
  size_t argc = ctx.argc();
  for (size_t i = 1; i < argc; i++) {
    size_t more = argc - i - 1;
    std::string_view o = ctx.arg(i);
    if (EqualsIgnoreCase(o, "block") && more) {
      if (ctx.server.in_script()) {
        ctx.reply.Error(err::BlockFromScript(ctx.arg(0)));
        return;
      }
      i++;
      if (!ParseInt64(ctx.arg(i), &timeout)) {
        ctx.reply.Error(err::kTimeoutNotInteger);
        return;
      }
      if (timeout < 0) {
        ctx.reply.Error(err::kTimeoutNegative);
        return;
      }
    } else if (EqualsIgnoreCase(o, "count") && more) {
      i++;
      if (!ParseInt64(ctx.arg(i), &count)) {
        ctx.reply.Error(err::kNotInteger);
        return;
      }
      if (count < 0) count = 0;
    } else if (EqualsIgnoreCase(o, "streams") && more) {
      streams_arg = i + 1;
      streams_count = argc - streams_arg;
      if (streams_count % 2 != 0) {
        ctx.reply.Error(err::kXreadUnbalanced);
        return;
      }
      streams_count /= 2;
      break;
    } else if (EqualsIgnoreCase(o, "group") && more >= 2) {
      ctx.reply.Error(err::kXreadGroupOption);
      return;
    } else if (EqualsIgnoreCase(o, "noack")) {
      ctx.reply.Error(err::kXreadNoackOption);
      return;
    } else {
      ctx.reply.Error(err::kSyntax);
      return;
    }
  }
  if (streams_arg == 0) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  std::vector<StreamId> ids(streams_count);
  bool had_dollar = false;
  for (size_t k = 0; k < streams_count; k++) {
    std::string_view key = ctx.arg(streams_arg + k);
    std::string_view ida = ctx.arg(streams_arg + streams_count + k);
    Entry* e = ctx.db.FindRead(key);
    if (e != nullptr && e->type() != ObjType::kStream) {
      if (ctx.retry) {
        e = nullptr;  // a blocked client keeps waiting on a key that became another type
      } else {
        ctx.reply.Error(err::kWrongType);
        return;
      }
    }
    if (ida == "$") {
      had_dollar = true;
      ids[k] = e ? e->as<StreamValue>()->last_id() : StreamId{};
      continue;
    }
    if (ida == ">") {
      ctx.reply.Error(err::kXreadGtOnlyInGroup);
      return;
    }
    if (!ParseIdOrReply(ctx, ida, 0, true, &ids[k])) return;
  }
  size_t served = 0;
  size_t handle = 0;
  for (size_t k = 0; k < streams_count; k++) {
    std::string_view key = ctx.arg(streams_arg + k);
    Entry* e = ctx.db.Find(key);
    if (e == nullptr || e->type() != ObjType::kStream) continue;
    const StreamValue* s = e->as<StreamValue>();
    StreamId maxid;
    if (s->length() == 0 || !s->Last(&maxid, nullptr) || !(maxid > ids[k])) continue;
    if (served++ == 0) handle = ctx.reply.BeginDeferred();
    if (ctx.reply.proto() == 2) ctx.reply.Array(2);
    ctx.reply.Bulk(key);
    StreamId start = ids[k];
    start.Incr();
    ReplyRange(ctx.reply, *s, start, StreamId::Max(), static_cast<size_t>(count), false);
  }
  if (served) {
    if (ctx.reply.proto() == 2) {
      ctx.reply.EndDeferredArray(handle, served);
    } else {
      ctx.reply.EndDeferredMap(handle, served);
    }
    return;
  }
  if (timeout == -1 || !ctx.can_block) {
    ctx.reply.NullArray();
    return;
  }
  int64_t at = 0;
  if (timeout > 0) at = timeout > INT64_MAX - ctx.now_ms ? 0 : ctx.now_ms + timeout;
  std::vector<std::string> keys;
  for (size_t k = 0; k < streams_count; k++) keys.emplace_back(ctx.arg(streams_arg + k));
  std::vector<std::string> retry;
  if (had_dollar) {
    retry = ArgvCopy(ctx);
    for (size_t k = 0; k < streams_count; k++) retry[streams_arg + streams_count + k] = ids[k].ToString();
  }
  ctx.Block(std::move(keys), at, std::move(retry));
}

// The number of radix tree nodes Redis would report for `keys` 16-byte keys: an approximation (one node
// per key plus the inner nodes of a tree branching on the low bytes); only XINFO STREAM shows it.
int64_t ApproxRaxNodes(size_t keys) {
  if (keys == 0) return 1;
  return static_cast<int64_t>(keys + (keys + 1) / 2 + 1);
}

void ReplyStreamInfo(CommandContext& ctx, const StreamValue& s) {
  bool full = false;
  int64_t count = 10;
  size_t optc = ctx.argc() - 3;
  if (optc != 0) {
    if ((optc != 1 && optc != 3) || !EqualsIgnoreCase(ctx.arg(3), "full")) {
      ctx.reply.Error(err::SubcommandSyntax(ctx.arg(1), "XINFO"));
      return;
    }
    full = true;
    if (optc == 3) {
      if (!EqualsIgnoreCase(ctx.arg(4), "count")) {
        ctx.reply.Error(err::SubcommandSyntax(ctx.arg(1), "XINFO"));
        return;
      }
      if (!ParseInt64(ctx.arg(5), &count)) {
        ctx.reply.Error(err::kNotInteger);
        return;
      }
      if (count < 0) count = 10;
    }
  }
  ReplyBuilder& r = ctx.reply;
  r.Map(full ? 9 : 10);
  r.Bulk("length");
  r.Integer(static_cast<int64_t>(s.length()));
  r.Bulk("radix-tree-keys");
  r.Integer(static_cast<int64_t>(s.block_count()));
  r.Bulk("radix-tree-nodes");
  r.Integer(ApproxRaxNodes(s.block_count()));
  r.Bulk("last-generated-id");
  ReplyId(r, s.last_id());
  r.Bulk("max-deleted-entry-id");
  ReplyId(r, s.max_deleted_entry_id());
  r.Bulk("entries-added");
  r.Integer(static_cast<int64_t>(s.entries_added()));
  r.Bulk("recorded-first-entry-id");
  ReplyId(r, s.first_id());
  if (!full) {
    r.Bulk("groups");
    r.Integer(static_cast<int64_t>(s.groups().size()));
    r.Bulk("first-entry");
    if (s.Range(StreamId::Min(), StreamId::Max(), false, 1, [&](StreamId id, const StreamValue::FieldValues& fv) {
          ReplyEntry(r, id, fv);
          return false;
        }) == 0) {
      r.Null();
    }
    r.Bulk("last-entry");
    if (s.Range(StreamId::Min(), StreamId::Max(), true, 1, [&](StreamId id, const StreamValue::FieldValues& fv) {
          ReplyEntry(r, id, fv);
          return false;
        }) == 0) {
      r.Null();
    }
    return;
  }
  size_t cnt = static_cast<size_t>(count);
  r.Bulk("entries");
  ReplyRange(r, s, StreamId::Min(), StreamId::Max(), cnt, false);
  r.Bulk("groups");
  r.Array(s.groups().size());
  for (const auto& [name, g] : s.groups()) {
    r.Map(7);
    r.Bulk("name");
    r.Bulk(name);
    r.Bulk("last-delivered-id");
    ReplyId(r, g->last_delivered_id);
    r.Bulk("entries-read");
    if (g->entries_read != StreamGroup::kInvalidEntriesRead) {
      r.Integer(g->entries_read);
    } else {
      r.Null();
    }
    r.Bulk("lag");
    ReplyGroupLag(r, s, *g);
    r.Bulk("pel-count");
    r.Integer(static_cast<int64_t>(g->pel().size()));
    r.Bulk("pending");
    size_t n = 0;
    size_t h = r.BeginDeferred();
    for (const auto& [id, nack] : g->pel()) {
      if (cnt && n >= cnt) break;
      r.Array(4);
      ReplyId(r, id);
      r.Bulk(nack.consumer ? std::string_view(nack.consumer->name) : std::string_view());
      r.Integer(nack.delivery_time_ms);
      r.Integer(static_cast<int64_t>(nack.delivery_count));
      n++;
    }
    r.EndDeferredArray(h, n);
    r.Bulk("consumers");
    r.Array(g->consumers().size());
    for (const auto& [cname, c] : g->consumers()) {
      r.Map(4);
      r.Bulk("name");
      r.Bulk(cname);
      r.Bulk("seen-time");
      r.Integer(c->seen_time_ms);
      r.Bulk("pel-count");
      r.Integer(static_cast<int64_t>(c->pel.size()));
      r.Bulk("pending");
      size_t m = 0;
      size_t hc = r.BeginDeferred();
      for (const auto& [id, nack] : c->pel) {
        if (cnt && m >= cnt) break;
        r.Array(3);
        ReplyId(r, id);
        r.Integer(nack->delivery_time_ms);
        r.Integer(static_cast<int64_t>(nack->delivery_count));
        m++;
      }
      r.EndDeferredArray(hc, m);
    }
  }
}

void XinfoStreamCmd(CommandContext& ctx) {
  StreamValue* s =
      FindOrReply<StreamValue>(ctx, ctx.arg(2), false, [](ReplyBuilder& r) { r.Error(err::kNoSuchKey); });
  if (s == nullptr) return;
  ReplyStreamInfo(ctx, *s);
}

void XinfoHelpCmd(CommandContext& ctx) {
  ReplyHelp(ctx, {"XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "CONSUMERS <key> <groupname>", "    Show consumers of <groupname>.", "GROUPS <key>",
                  "    Show the stream consumer groups.", "STREAM <key> [FULL [COUNT <count>]",
                  "    Show information about the stream.", "HELP", "    Prints this help."});
}

// XREAD/XREADGROUP keys: the first half of the arguments after STREAMS (Redis's xreadGetKeys).
bool XreadKeys(ArgList argv, std::vector<int>* out) {
  for (size_t i = 1; i < argv.size(); i++) {
    if (EqualsIgnoreCase(argv[i], "streams")) {
      size_t n = argv.size() - i - 1;
      if (n == 0 || n % 2 != 0) return false;
      for (size_t k = 0; k < n / 2; k++) out->push_back(static_cast<int>(i + 1 + k));
      return true;
    }
  }
  return false;
}

}  // namespace

// Redis's streamReplyWithCGLag: the group's lag, or null when it cannot be known.
void ReplyGroupLag(ReplyBuilder& r, const StreamValue& s, const StreamGroup& g) {
  int64_t lag = 0;
  bool valid = false;
  if (s.entries_added() == 0) {
    valid = true;
  } else if (g.entries_read != StreamGroup::kInvalidEntriesRead &&
             !s.RangeHasTombstones(g.last_delivered_id, StreamId::Max())) {
    lag = static_cast<int64_t>(s.entries_added()) - g.entries_read;
    valid = true;
  } else {
    int64_t er = s.EstimateDistanceFromFirstEverEntry(g.last_delivered_id);
    if (er != StreamGroup::kInvalidEntriesRead) {
      lag = static_cast<int64_t>(s.entries_added()) - er;
      valid = true;
    }
  }
  if (valid) {
    r.Integer(lag);
  } else {
    r.Null();
  }
}

void RegisterStreamFamily(CommandRegistry& r) {
  const char* g = "stream";
  const uint32_t w = kCmdWrite, ro = kCmdReadOnly, oom = kCmdDenyOom, fast = kCmdFast;
  r.Add(Spec("xadd", -5, w | oom | fast, 1, 1, 1, XaddCmd, nullptr, g, "Appends a new message to a stream. Creates the key if it doesn't exist."));
  r.Add(Spec("xrange", -4, ro, 1, 1, 1, XrangeCmd, nullptr, g, "Returns the messages from a stream within a range of IDs."));
  r.Add(Spec("xrevrange", -4, ro, 1, 1, 1, XrevrangeCmd, nullptr, g, "Returns the messages from a stream within a range of IDs in reverse order."));
  r.Add(Spec("xlen", 2, ro | fast, 1, 1, 1, XlenCmd, nullptr, g, "Return the number of messages in a stream."));
  r.Add(Spec("xdel", -3, w | fast, 1, 1, 1, XdelCmd, nullptr, g, "Returns the number of messages after removing them from a stream."));
  r.Add(Spec("xtrim", -4, w, 1, 1, 1, XtrimCmd, nullptr, g, "Deletes messages from the beginning of a stream."));
  r.Add(Spec("xsetid", -3, w | oom | fast, 1, 1, 1, XsetidCmd, nullptr, g, "An internal command for replicating stream values."));
  r.Add(Spec("xread", -4, ro | kCmdBlocking | kCmdMovableKeys, 0, 0, 0, XreadCmd, XreadKeys, g, "Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise."));
  r.Add(ContainerSpec("xinfo", g, "A container for stream introspection commands.",
                      {GroupSpec("xinfo|stream", -3, ro, XinfoStreamCmd, g, "Returns information about a stream.", 2, 2, 1),
                       // The consumer-group views (stream_group_family.cc).
                       GroupSpec("xinfo|consumers", 4, ro, XinfoConsumersCmd, g,
                                 "Returns a list of the consumers in a consumer group.", 2, 2, 1),
                       GroupSpec("xinfo|groups", 3, ro, XinfoGroupsCmd, g,
                                 "Returns a list of the consumer groups of a stream.", 2, 2, 1),
                       HelpSpec("xinfo|help", XinfoHelpCmd, g)}));
}

}  // namespace rcs
