// DEBUG, as redis-server 7.0 has it, for the subcommands tools and test suites use:
//   DIGEST, DIGEST-VALUE   the data set's and single values' digests, equal to redis-server's for equal data
//                          (keyspace/digest.h has the algorithm); how replicas are compared with their master
//   RELOAD [MERGE|NOFLUSH|NOSAVE ...]   SAVE to dbfilename, empty the keyspace, load the file back
//   OBJECT key             the facts about a value redis-server prints (which of them we print: DebugObject)
//   PROTOCOL type          a sample reply of each RESP3 type, as redis-server's (client libraries test with it)
//   CHANGE-REPL-ID         a new replication ID (replicas resync in full)
//   LISTPACK/QUICKLIST key a summary of our structure on stdout (not redis-server's dump), its reply text
//   QUICKLIST-PACKED-THRESHOLD size   list elements from this size on are written as plain RDB nodes
//   DROP-CLUSTER-PACKET-FILTER type   drop received cluster bus messages of a type (-1: none)
//   STRINGMATCH-TEST       a fuzz run of our glob matcher
//   SLEEP, SET-ACTIVE-EXPIRE, POPULATE, LOG, ERROR, HELP
// Every other subcommand of redis-server's (the ones that crash the node on purpose, allocator and hash
// table internals, JMAP-like dumps) gets redis-server's unknown-subcommand error.
//
// DEBUG is refused with redis-server's text unless enable-debug-command (no | yes | local, default no as in
// Redis 7.0) allows it for the client: the dispatcher checks kCmdProtected before authentication, as Redis.
#include <sys/stat.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>

#include "base/file_util.h"
#include "base/log.h"
#include "base/memory_units.h"
#include "base/strutil.h"
#include "commands/families.h"
#include "commands/value_lookup.h"
#include "cluster/cluster.h"
#include "keyspace/digest.h"
#include "keyspace/rdb_writer.h"
#include "persistence/rdb_load.h"
#include "persistence/rdb_save.h"
#include "replication/replication.h"
#include "protocol/errors.h"
#include "scripting/scripting.h"
#include "server/command.h"
#include "server/command_loader.h"
#include "server/server.h"
#include "server/server_dbs.h"

namespace rcs {
namespace {

void DebugHelp(CommandContext& ctx) {
  // redis-server 7.0.15's lines for the subcommands we have, in its order.
  ReplyHelp(ctx, {
      "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANGE-REPL-ID",
      "    Change the replication IDs of the instance.",
      "    Dangerous: should be used only for testing the replication subsystem.",
      "DIGEST",
      "    Output a hex signature representing the current DB content.",
      "DIGEST-VALUE <key> [<key> ...]",
      "    Output a hex signature of the values of all the specified keys.",
      "ERROR <string>",
      "    Return a Redis protocol error with <string> as message. Useful for clients",
      "    unit tests to simulate Redis errors.",
      "LOG <message>",
      "    Write <message> to the server log.",
      "OBJECT <key>",
      "    Show low level info about `key` and associated value.",
      "DROP-CLUSTER-PACKET-FILTER <packet-type>",
      "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
      "POPULATE <count> [<prefix>] [<size>]",
      "    Create <count> string keys named key:<num>. If <prefix> is specified then",
      "    it is used instead of the 'key' prefix. These are not propagated to",
      "    replicas. Cluster slots are not respected so keys not belonging to the",
      "    current node can be created in cluster mode.",
      "PROTOCOL <type>",
      "    Reply with a test value of the specified type. <type> can be: string,",
      "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
      "    true, false.",
      "RELOAD [option ...]",
      "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
      "    * MERGE: conflicting keys will be loaded from RDB.",
      "    * NOFLUSH: the existing database will not be removed before load, but",
      "      conflicting keys will generate an exception and kill the server.",
      "    * NOSAVE: the database will be loaded from an existing RDB file.",
      "    Examples:",
      "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
      "      the database.",
      "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
      "      existing RDB file.",
      "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
      "      file to the database.",
      "SET-ACTIVE-EXPIRE <0|1>",
      "    Setting it to 0 disables expiring keys in background when they are not",
      "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
      "    default.",
      "QUICKLIST-PACKED-THRESHOLD <size>",
      "    Sets the threshold for elements to be inserted as plain vs packed nodes",
      "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
      "SLEEP <seconds>",
      "    Stop the server for <seconds>. Decimals allowed.",
      "STRINGMATCH-TEST",
      "    Run a fuzz tester against the stringmatchlen() function.",
      "LISTPACK <key>",
      "    Show low level info about the listpack encoding of <key>.",
      "QUICKLIST <key> [<0|1>]",
      "    Show low level info about the quicklist encoding of <key>.",
      "    The optional argument (0 by default) sets the level of detail",
      "HELP",
      "    Prints this help.",
  });
}

void DebugDigest(CommandContext& ctx) { ctx.reply.Simple(DigestText(DatasetDigest(ServerDbs(ctx.server)))); }

void DebugDigestValue(CommandContext& ctx) {
  ctx.reply.Array(ctx.argc() - 2);
  // As Redis: the stored value, also when its expiry has passed (no lookup that would delete it).
  for (size_t i = 2; i < ctx.argc(); i++) ctx.reply.Simple(DigestText(ValueDigest(ctx.db.FindStored(ctx.arg(i)))));
}

// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: redis-server's steps (save, empty, load) and replies; a failed load
// keeps what was there and what loaded before the error. Differences: redis-server exits on a duplicate key
// with NOFLUSH and no MERGE, we answer the error. A BGSAVE in progress does not stop the save (redis-server's
// rdbSave writes the file anyway; the child's rename replaces it when the child is done).
void DebugReload(CommandContext& ctx) {
  bool flush = true, save = true, merge = false;
  for (size_t i = 2; i < ctx.argc(); i++) {
    std::string_view opt = ctx.arg(i);
    if (EqualsIgnoreCase(opt, "MERGE")) {
      merge = true;
    } else if (EqualsIgnoreCase(opt, "NOFLUSH")) {
      flush = false;
    } else if (EqualsIgnoreCase(opt, "NOSAVE")) {
      save = false;
    } else {
      return ctx.reply.Error(err::kDebugReloadOptions);
    }
  }
  Server& server = ctx.server;
  if (save) {
    auto* saver = server.subsystem<RdbSaver>();
    Status st = saver != nullptr ? saver->Save(/*alongside_child=*/true) : Status::Error(err::kSaveFailed);
    if (!st.ok()) return ctx.reply.Error(st.message());
  }
  if (flush) {
    // The data set as Redis's emptyData() empties it: the keys of every database and the function libraries.
    ClearAllDbs(server);
    server.TouchAllKeys();
    scripting::Scripting::Of(server).DropAllLibraries();
  }
  const std::string path = server.config().dbfilename;
  StatusOr<MappedFile> data = MappedFile::Open(path);
  if (!data.ok()) {
    LogWarning("DEBUG RELOAD: " + data.status().message());
    return ctx.reply.Error(err::kDebugReloadFailed);
  }
  bool ok;
  {
    CommandStreamLoader loader(server);  // loading mode while the keys go in, as at startup
    // A master drops keys whose expiry passed; a replica keeps them for its master's DELs.
    bool replica = server.is_replica();
    StatusOr<RdbLoadResult> r = LoadRdbImage(server, loader, path, data->view(), /*skip_expired=*/!replica,
                                             merge, /*keep_on_failure=*/true, &*data);
    ok = r.ok();
    if (!ok) LogWarning(r.status().message());
  }
  if (!ok) return ctx.reply.Error(err::kDebugReloadFailed);
  LogWarning("DB reloaded by DEBUG RELOAD");
  ctx.reply.Ok();
}

// DEBUG OBJECT key: redis-server's line "Value at:<address> refcount:<n> encoding:<enc>
// serializedlength:<bytes> lru:<clock> lru_seconds_idle:<s>" and, for a quicklist, " ql_nodes:<n>
// ql_avg_node:<x.xx> ql_listpack_max:<fill> ql_compressed:0". What the numbers are here: the address of our
// value; refcount 1 (values are not shared); encoding as OBJECT ENCODING; serializedlength the length of the
// value's RDB encoding (what SAVE writes for it, without type byte and key; LZF output may differ in length
// from redis-server's); lru and idle from the key's LRU clock; ql_nodes our list's node count (our nodes are
// cut by bytes as redis-server's are, but not always at the same elements); ql_uncompressed_size is left out
// (we do not keep redis-server's per-node listpack sizes).
void DebugObject(CommandContext& ctx) {
  Entry* e = ctx.db.FindStored(ctx.arg(2));
  if (e == nullptr) return ctx.reply.Error(err::kNoSuchKey);
  const Config& config = ctx.server.config();
  RdbWriteOptions options;
  options.compress = config.rdbcompression;
  options.list_max_listpack_size = config.list_max_listpack_size;
  std::string rdb;
  const void* address;
  if (e->type() == ObjType::kString) {
    AppendRdbStringObject(&rdb, e->str(), options);
    address = e->str().data();
  } else {
    AppendRdbObject(&rdb, *e->obj(), options);
    address = e->obj();
  }
  char extra[160] = "";
  if (e->type() == ObjType::kList) {
    const auto* list = e->as<ListValue>();
    size_t nodes = list->node_count();
    snprintf(extra, sizeof(extra), " ql_nodes:%zu ql_avg_node:%.2f ql_listpack_max:%" PRId64 " ql_compressed:0",
             nodes, nodes == 0 ? 0.0 : static_cast<double>(list->size()) / static_cast<double>(nodes),
             config.list_max_listpack_size);
  }
  char line[512];
  snprintf(line, sizeof(line),
           "Value at:%p refcount:1 encoding:%s serializedlength:%zu lru:%u lru_seconds_idle:%" PRId64 "%s", address,
           EncodingOf(*e), rdb.size() - 1, e->lru(), IdleSeconds(*e, ctx.now_ms), extra);
  ctx.reply.Simple(line);
}

// DEBUG SLEEP seconds: blocks the whole node (that is what it is for); decimals allowed, junk is 0 (strtod).
void DebugSleep(CommandContext& ctx) {
  std::string arg(ctx.arg(2));
  double seconds = strtod(arg.c_str(), nullptr);
  int64_t us = static_cast<int64_t>(seconds * 1000000);
  if (us > 0) {
    timespec ts{static_cast<time_t>(us / 1000000), static_cast<long>((us % 1000000) * 1000)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
  }
  ctx.reply.Ok();
}

void DebugSetActiveExpire(CommandContext& ctx) {
  std::string arg(ctx.arg(2));
  ctx.server.set_active_expire_enabled(atoi(arg.c_str()) != 0);  // atoi, as Redis: junk is 0
  ctx.reply.Ok();
}

// DEBUG POPULATE count [prefix] [size]: string keys prefix:<j> = "value:<j>" (padded with zero bytes or cut to
// `size`), skipping keys that exist. As in redis-server nothing is propagated or counted as a change, and the
// keys' cluster slots are not checked.
void DebugPopulate(CommandContext& ctx) {
  // As redis-server's getPositiveLongFromObjectOrReply: one error for junk and for a negative number.
  int64_t count, size = 0;
  if (!ParseInt64(ctx.arg(2), &count) || count < 0) return ctx.reply.Error(err::kOutOfRangePositive);
  if (ctx.argc() == 5 && (!ParseInt64(ctx.arg(4), &size) || size < 0)) {
    return ctx.reply.Error(err::kOutOfRangePositive);
  }
  std::string prefix(ctx.argc() >= 4 ? ctx.arg(3) : "key");
  Keyspace& db = ctx.server.db_at(ctx.server.db_index());  // DEBUG is no write: ctx.db may be a never-used one
  for (int64_t j = 0; j < count; j++) {
    std::string key = prefix + ":" + std::to_string(j);
    if (db.FindWrite(key) != nullptr) continue;
    std::string value = "value:" + std::to_string(j);
    if (size > 0) value.resize(static_cast<size_t>(size), '\0');
    db.SetString(key, value);
    ctx.server.TouchKey(key);
  }
  ctx.reply.Ok();
}

// DEBUG PROTOCOL type: redis-server's sample value of each type (RESP2 gets each as its RESP2 form; a push
// is RESP3 only).
void DebugProtocol(CommandContext& ctx) {
  std::string_view name = ctx.arg(2);
  auto& r = ctx.reply;
  auto is = [&](std::string_view n) { return EqualsIgnoreCase(name, n); };
  if (is("string")) {
    r.Bulk("Hello World");
  } else if (is("integer")) {
    r.Integer(12345);
  } else if (is("double")) {
    r.Double(3.141);
  } else if (is("bignum")) {
    constexpr std::string_view kBig = "1234567999999999999999999999999999999";
    if (r.proto() >= 3) r.Raw("(" + std::string(kBig) + "\r\n");
    else r.Bulk(kBig);
  } else if (is("null")) {
    r.Null();
  } else if (is("array") || is("set")) {
    if (is("array")) r.Array(3);
    else r.Set(3);
    for (int j = 0; j < 3; j++) r.Integer(j);
  } else if (is("map")) {
    r.Map(3);
    for (int j = 0; j < 3; j++) {
      r.Integer(j);
      r.Bool(j == 1);
    }
  } else if (is("attrib")) {
    if (r.proto() >= 3) {  // an attribute, then the reply it annotates
      r.Raw("|1\r\n");
      r.Bulk("key-popularity");
      r.Array(2);
      r.Bulk("key:123");
      r.Integer(90);
    }
    r.Bulk("Some real reply following the attribute");
  } else if (is("push")) {
    if (r.proto() < 3) return r.Error(err::kDebugProtocolResp2);
    r.Push(2);
    r.Bulk("server-cpu-usage");
    r.Integer(42);
    r.Bulk("Some real reply following the push reply");
  } else if (is("true") || is("false")) {
    r.Bool(is("true"));
  } else if (is("verbatim")) {
    r.Verbatim("This is a verbatim\nstring");
  } else {
    r.Error(err::kDebugProtocolType);
  }
}

// DEBUG LISTPACK key / QUICKLIST key [0|1]: redis-server prints its structure on stdout and says so; we print
// a summary of ours (type, encoding, elements, nodes) there and answer the same.
void DebugStructure(CommandContext& ctx, bool quicklist) {
  Entry* e = ctx.db.FindStored(ctx.arg(2));
  if (e == nullptr) return ctx.reply.Error(err::kNoSuchKey);
  const char* encoding = EncodingOf(*e);
  if (std::string_view(encoding) != (quicklist ? "quicklist" : "listpack")) {
    return ctx.reply.Error(quicklist ? err::kNotQuicklist : err::kNotListpack);
  }
  std::string key(ctx.arg(2));
  if (quicklist) {
    const auto* list = e->as<ListValue>();
    printf("{quicklist key:%s count:%zu nodes:%zu}\n", key.c_str(), list->size(), list->node_count());
  } else {
    printf("{listpack key:%s entries:%zu}\n", key.c_str(), e->obj()->size());
  }
  fflush(stdout);
  ctx.reply.Simple(quicklist ? "Quicklist structure printed on stdout" : "Listpack structure printed on stdout");
}

// DEBUG STRINGMATCH-TEST: a million random patterns against random strings (bytes 0-127, up to 31 long), as
// redis-server's fuzz test of its matcher (which runs 10 million): it passes when nothing crashes.
void DebugStringmatchTest(CommandContext& ctx) {
  char str[32], pat[32];
  uint64_t matches = 0;
  for (int cycle = 0; cycle < 1000000; cycle++) {
    int slen = rand() % 32, plen = rand() % 32;
    for (int j = 0; j < slen; j++) str[j] = static_cast<char>(rand() % 128);
    for (int j = 0; j < plen; j++) pat[j] = static_cast<char>(rand() % 128);
    matches += GlobMatch(std::string_view(pat, plen), std::string_view(str, slen)) ? 1 : 0;
  }
  (void)matches;
  ctx.reply.Simple("Apparently Redis did not crash: test passed");
}

void DebugCmd(CommandContext& ctx) {
  std::string_view sub = ctx.arg(1);
  size_t argc = ctx.argc();
  auto is = [&](std::string_view name) { return EqualsIgnoreCase(sub, name); };
  if (is("help") && argc == 2) return DebugHelp(ctx);
  if (is("digest") && argc == 2) return DebugDigest(ctx);
  if (is("digest-value")) return DebugDigestValue(ctx);
  if (is("reload")) return DebugReload(ctx);
  if (is("object") && argc == 3) return DebugObject(ctx);
  if (is("sleep") && argc == 3) return DebugSleep(ctx);
  if (is("set-active-expire") && argc == 3) return DebugSetActiveExpire(ctx);
  if (is("populate") && argc >= 3 && argc <= 5) return DebugPopulate(ctx);
  if (is("log") && argc == 3) {
    LogWarning("DEBUG LOG: " + std::string(ctx.arg(2)));
    return ctx.reply.Ok();
  }
  if (is("error") && argc == 3) return ctx.reply.Error(ctx.arg(2));  // the text as given, newlines as spaces
  if (is("protocol") && argc == 3) return DebugProtocol(ctx);
  if (is("listpack") && argc == 3) return DebugStructure(ctx, false);
  if (is("quicklist") && (argc == 3 || argc == 4)) return DebugStructure(ctx, true);
  if (is("stringmatch-test") && argc == 2) return DebugStringmatchTest(ctx);
  if (is("change-repl-id") && argc == 2) {
    LogWarning("Changing replication IDs after receiving DEBUG change-repl-id");
    if (auto* repl = ctx.server.subsystem<Replication>()) repl->ChangeReplicationId();
    return ctx.reply.Ok();
  }
  if (is("quicklist-packed-threshold") && argc == 3) {
    int64_t bytes;
    if (!ParseMemory(ctx.arg(2), &bytes) || !SetQuicklistPackedThreshold(static_cast<uint64_t>(bytes))) {
      return ctx.reply.Error(err::kDebugPackedThreshold);
    }
    return ctx.reply.Ok();
  }
  if (is("drop-cluster-packet-filter") && argc == 3) {
    int64_t type;
    if (!ParseInt64(ctx.arg(2), &type)) return ctx.reply.Error(err::kNotInteger);
    if (auto* cluster = ctx.server.subsystem<cluster::Cluster>()) cluster->drop_packet_filter = type;
    return ctx.reply.Ok();
  }
  ctx.reply.Error(err::SubcommandSyntax(sub, "debug"));
}

}  // namespace

void RegisterDebugFamily(CommandRegistry& r) {
  r.Add(GroupSpec("debug", -2, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale | kCmdProtected, DebugCmd,
                  "server", "A container for debugging commands"));
}

}  // namespace rcs
