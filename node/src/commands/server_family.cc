// Connection and server commands: PING ECHO AUTH HELLO QUIT RESET SELECT CLIENT INFO DBSIZE FLUSHALL
// FLUSHDB TIME COMMAND CONFIG SLOWLOG MEMORY LASTSAVE SHUTDOWN.
#include <sys/time.h>

#include <algorithm>

#include "base/alloc.h"
#include "base/log.h"
#include "base/redis_compat.h"
#include "base/strutil.h"
#include "commands/db_args.h"
#include "persistence/rdb_save.h"
#include "protocol/errors.h"
#include "pubsub/pubsub.h"
#include "server/acl_categories.h"
#include "server/client.h"
#include "server/tracking.h"
#include "server/command.h"
#include "server/server.h"
#include "server/slot_stats.h"

namespace rcs {
namespace {

void PingCmd(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    ctx.reply.Error(err::WrongArgs("ping"));
    return;
  }
  if (ctx.client->has(kClientPubSub) && ctx.client->resp == 2) {
    // RESP2 subscribe mode: a push-shaped reply, so a client reading messages can tell it apart.
    ctx.reply.Array(2);
    ctx.reply.Bulk("pong");
    ctx.reply.Bulk(ctx.argc() == 2 ? ctx.arg(1) : std::string_view());
    return;
  }
  if (ctx.argc() == 2) ctx.reply.Bulk(ctx.arg(1));
  else ctx.reply.Simple("PONG");
}

void EchoCmd(CommandContext& ctx) { ctx.reply.Bulk(ctx.arg(1)); }

void AuthCmd(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  // AUTH <password> with the default user needing none is a mistake Redis points out.
  if (ctx.argc() == 2 && ctx.server.acl().default_user()->nopass()) {
    ctx.reply.Error(err::kAuthNotConfigured);
    return;
  }
  std::string_view user = ctx.argc() == 3 ? ctx.arg(1) : "default";
  std::string_view pass = ctx.argc() == 3 ? ctx.arg(2) : ctx.arg(1);
  if (!ctx.server.Authenticate(ctx.client, user, pass)) {
    LogVerbose("Authentication failed for client id=" + std::to_string(ctx.client->id) + " addr=" + ctx.client->addr);
    ctx.reply.Error(err::kWrongPass);
    return;
  }
  ctx.reply.Ok();
}

bool ValidClientName(std::string_view name) {
  for (char ch : name) {
    if (ch < '!' || ch > '~') return false;
  }
  return true;
}

void HelloCmd(CommandContext& ctx) {
  int64_t ver = ctx.client->resp;
  size_t i = 1;
  if (ctx.argc() >= 2) {
    if (!ParseInt64(ctx.arg(1), &ver)) {
      ctx.reply.Error(err::kProtoVersionNotInteger);
      return;
    }
    if (ver < 2 || ver > 3) {
      ctx.reply.Error(err::kNoProto);
      return;
    }
    i = 2;
  }
  std::string_view setname;
  bool has_setname = false;
  for (; i < ctx.argc(); i++) {
    size_t left = ctx.argc() - i - 1;
    if (EqualsIgnoreCase(ctx.arg(i), "AUTH") && left >= 2) {
      if (!ctx.server.Authenticate(ctx.client, ctx.arg(i + 1), ctx.arg(i + 2))) {
        ctx.reply.Error(err::kWrongPass);
        return;
      }
      i += 2;
    } else if (EqualsIgnoreCase(ctx.arg(i), "SETNAME") && left >= 1) {
      setname = ctx.arg(i + 1);
      has_setname = true;
      i += 1;
    } else {
      ctx.reply.Error(err::HelloBadOption(ctx.arg(i)));
      return;
    }
  }
  if (ctx.server.AuthRequired(ctx.client)) {
    ctx.reply.Error(err::kHelloNoAuth);
    return;
  }
  if (has_setname) {
    if (!ValidClientName(setname)) {
      ctx.reply.Error(err::kBadClientName);
      return;
    }
    ctx.client->name = std::string(setname);
  }
  ctx.client->resp = static_cast<int>(ver);
  ctx.reply.set_proto(static_cast<int>(ver));
  ctx.reply.Map(7);
  ctx.reply.Bulk("server");
  ctx.reply.Bulk("redis");
  ctx.reply.Bulk("version");
  ctx.reply.Bulk(kRedisVersion);
  ctx.reply.Bulk("proto");
  ctx.reply.Integer(ver);
  ctx.reply.Bulk("id");
  ctx.reply.Integer(static_cast<int64_t>(ctx.client->id));
  ctx.reply.Bulk("mode");
  ctx.reply.Bulk(ctx.server.config().cluster_enabled ? "cluster" : "standalone");
  ctx.reply.Bulk("role");
  ctx.reply.Bulk(ctx.server.is_replica() ? "replica" : "master");
  ctx.reply.Bulk("modules");
  ctx.reply.Array(0);
}

void QuitCmd(CommandContext& ctx) {
  ctx.reply.Ok();
  ctx.client->flags |= kClientCloseAfterReply;
}

void ResetCmd(CommandContext& ctx) {
  Client* c = ctx.client;
  ctx.server.DiscardTransaction(c);
  ctx.server.RemoveMonitorAndPostponed(c);  // leaves monitor mode
  if (PubSub* ps = ctx.server.subsystem<PubSub>()) ps->RemoveClient(c);
  ctx.server.tracking().Disable(c);
  // As Redis's clearClientConnectionState: REPLY SKIP still drops RESET's own reply.
  // NO-TOUCH too (7.2); NO-EVICT stays, as in 7.0.
  c->flags &= ~(kClientReadOnly | kClientAsking | kClientReplyOff | kClientReplySkipNext | kClientNoTouch);
  c->name.clear();
  c->resp = 2;
  c->reply.set_proto(2);
  // Back to the default user, authenticated only if it needs no password (as Redis's clearClientConnectionState).
  c->user = ctx.server.acl().default_user();
  c->authenticated = false;
  c->authenticated = !ctx.server.AuthRequired(c);
  ctx.server.SelectDb(c, 0);
  ctx.reply.Simple("RESET");
}

void SelectCmd(CommandContext& ctx) {
  int db;
  if (!ParseDbIndexArg(ctx, ctx.arg(1), &db)) return;
  if (ctx.server.config().cluster_enabled && db != 0) return ctx.reply.Error(err::kSelectClusterMode);
  if (db < 0 || db >= ctx.server.db_count()) return ctx.reply.Error(err::kDbIndexOutOfRange);
  ctx.server.SelectDb(ctx.client, db);
  ctx.reply.Ok();
}

void SwapdbCmd(CommandContext& ctx) {
  if (ctx.server.config().cluster_enabled) return ctx.reply.Error(err::kSwapdbClusterMode);
  int a, b;
  if (!ParseDbIndexArg(ctx, ctx.arg(1), &a, err::kSwapdbFirstIndex)) return;
  if (!ParseDbIndexArg(ctx, ctx.arg(2), &b, err::kSwapdbSecondIndex)) return;
  int n = ctx.server.db_count();
  if (a < 0 || a >= n || b < 0 || b >= n) return ctx.reply.Error(err::kDbIndexOutOfRange);
  if (a != b) ctx.server.SwapDbs(a, b);
  ctx.dirty = 1;
  ctx.reply.Ok();
}

// ---- CLIENT ----

std::string ClientFlagsText(const Client* c) {
  std::string f;
  if (c->has(kClientReplica)) f += 'S';
  else if (c->has(kClientMonitor)) f += 'O';
  if (c->has(kClientMaster)) f += 'M';
  if (c->has(kClientMulti)) f += 'x';
  if (c->has(kClientBlocked)) f += 'b';
  if (c->tracking != nullptr) {
    f += 't';
    if (c->tracking->has(kTrackingBrokenRedir)) f += 'R';
    if (c->tracking->has(kTrackingBcast)) f += 'B';
  }
  if (c->has(kClientDirtyCas)) f += 'd';
  if (c->has(kClientCloseAfterReply)) f += 'c';
  if (c->has(kClientCloseAsap)) f += 'A';
  if (c->has(kClientReadOnly)) f += 'r';
  if (c->has(kClientNoEvict)) f += 'e';
  if (c->has(kClientNoTouch)) f += 'T';
  if (f.empty()) f = "N";
  return f;
}

std::string ClientInfoLine(const Server& server, const Client* c) {
  int64_t now = server.clock().NowMs();
  std::string s;
  s.reserve(256);
  s += "id=" + std::to_string(c->id);
  s += " addr=" + c->addr;
  s += " laddr=" + c->laddr;
  s += " fd=" + std::to_string(c->fd);
  s += " name=" + c->name;
  s += " age=" + std::to_string((now - c->created_ms) / 1000);
  s += " idle=" + std::to_string((now - c->last_interaction_ms) / 1000);
  s += " flags=" + ClientFlagsText(c);
  const PubSub* ps = server.subsystem<PubSub>();  // none installed: nothing subscribed
  s += " db=" + std::to_string(c->db) + " sub=" + std::to_string(ps ? ps->ClientChannels(c) : 0) +
       " psub=" + std::to_string(ps ? ps->ClientPatterns(c) : 0) +
       " ssub=" + std::to_string(ps ? ps->ClientShardChannels(c) : 0);
  s += " multi=" + std::to_string(c->has(kClientMulti) ? static_cast<int64_t>(c->multi_queue.size()) : -1);
  s += " qbuf=" + std::to_string(c->qlen - c->qpos);
  s += " qbuf-free=" + std::to_string(c->qbuf.size() - c->qlen);
  s += " argv-mem=0 multi-mem=0";
  s += " rbs=" + std::to_string(c->out.capacity()) + " rbp=" + std::to_string(c->out.size());
  s += " obl=" + std::to_string(c->out.size() - c->out_pos) + " oll=0";
  s += " omem=" + std::to_string(c->out.capacity());
  s += " tot-mem=" + std::to_string(c->out.capacity() + c->qbuf.capacity() + sizeof(Client));
  s += " events=r";
  s += " cmd=";
  s += c->last_cmd;
  s += " user=";
  s += c->user != nullptr ? std::string_view(c->user->name()) : std::string_view("default");
  s += " redir=" + std::to_string(Tracking::Redirect(c));
  s += " resp=" + std::to_string(c->resp);
  s += " lib-name=" + c->lib_name + " lib-ver=" + c->lib_ver;
  return s;
}

std::string ClientType(const Client* c) {
  if (c->has(kClientMaster)) return "master";
  if (c->has(kClientReplica)) return "replica";
  if (c->has(kClientPubSub)) return "pubsub";
  return "normal";
}

void ClientSetName(CommandContext& ctx) {
  if (!ValidClientName(ctx.arg(2))) {
    ctx.reply.Error(err::kBadClientName);
    return;
  }
  ctx.client->name = std::string(ctx.arg(2));
  ctx.reply.Ok();
}

void ClientGetName(CommandContext& ctx) {
  if (ctx.client->name.empty()) ctx.reply.Null();
  else ctx.reply.Bulk(ctx.client->name);
}

void ClientSetInfo(CommandContext& ctx) {
  std::string_view attr = ctx.arg(2), value = ctx.arg(3);
  if (!ValidClientName(value) && !value.empty()) {
    ctx.reply.Error(err::BadClientAttr(attr));
    return;
  }
  if (EqualsIgnoreCase(attr, "lib-name")) {
    ctx.client->lib_name = std::string(value);
  } else if (EqualsIgnoreCase(attr, "lib-ver")) {
    ctx.client->lib_ver = std::string(value);
  } else {
    ctx.reply.Error(err::UnrecognizedOption(attr));
    return;
  }
  ctx.reply.Ok();
}

void ClientId(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.client->id)); }

void ClientList(CommandContext& ctx) {
  std::string type;
  std::vector<uint64_t> ids;
  for (size_t i = 2; i < ctx.argc(); i++) {
    if (EqualsIgnoreCase(ctx.arg(i), "TYPE") && i + 1 < ctx.argc()) {
      type = ToLower(ctx.arg(++i));
      if (type == "slave") type = "replica";
      if (type != "normal" && type != "master" && type != "replica" && type != "pubsub") {
        ctx.reply.Error(err::UnknownClientType(ctx.arg(i)));
        return;
      }
    } else if (EqualsIgnoreCase(ctx.arg(i), "ID") && i + 1 < ctx.argc()) {
      for (i++; i < ctx.argc(); i++) {
        int64_t id;
        if (!ParseInt64(ctx.arg(i), &id) || id <= 0) {
          ctx.reply.Error(err::kInvalidClientId);
          return;
        }
        ids.push_back(static_cast<uint64_t>(id));
      }
    } else {
      ctx.reply.Error(err::kSyntax);
      return;
    }
  }
  std::string text;
  for (auto& [id, c] : ctx.server.clients()) {
    if (c->has(kClientFake) && c.get() != ctx.client) continue;
    if (!type.empty() && ClientType(c.get()) != type) continue;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) continue;
    text += ClientInfoLine(ctx.server, c.get());
    text += '\n';
  }
  ctx.reply.Verbatim(text);
}

void ClientInfo(CommandContext& ctx) { ctx.reply.Verbatim(ClientInfoLine(ctx.server, ctx.client) + "\n"); }

// The caller closes after this command's reply; any other client at once, what it had pending dropped (as
// Redis's freeClient: a killed monitor gets no more lines).
void KillClient(CommandContext& ctx, Client* c) {
  if (c == ctx.client) {
    c->flags |= kClientCloseAfterReply;
    ctx.server.MarkPendingWrite(c);
  } else {
    ctx.server.FreeClientLater(c);
  }
}

void ClientKill(CommandContext& ctx) {
  // Old form: CLIENT KILL addr:port -> +OK or error.
  if (ctx.argc() == 3) {
    for (auto& [id, c] : ctx.server.clients()) {
      if (c->addr == ctx.arg(2)) {
        KillClient(ctx, c.get());
        ctx.reply.Ok();
        return;
      }
    }
    ctx.reply.Error(err::kNoSuchClient);
    return;
  }
  uint64_t want_id = 0;
  std::string addr, laddr, type;
  const AclUser* user = nullptr;
  bool skipme = true;
  int64_t max_age_s = 0;  // MAXAGE (7.4): only clients connected at least that many seconds
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    if (i + 1 >= ctx.argc()) {
      ctx.reply.Error(err::kSyntax);
      return;
    }
    std::string_view opt = ctx.arg(i), val = ctx.arg(i + 1);
    if (EqualsIgnoreCase(opt, "ID")) {
      int64_t id;
      if (!ParseInt64(val, &id) || id <= 0) {
        ctx.reply.Error(err::kClientIdNotPositive);
        return;
      }
      want_id = static_cast<uint64_t>(id);
    } else if (EqualsIgnoreCase(opt, "MAXAGE")) {
      if (!ParseInt64(val, &max_age_s)) {
        ctx.reply.Error(err::kMaxAgeNotInteger);
        return;
      }
      if (max_age_s <= 0) {
        ctx.reply.Error(err::kMaxAgeNotPositive);
        return;
      }
    } else if (EqualsIgnoreCase(opt, "ADDR")) {
      addr = std::string(val);
    } else if (EqualsIgnoreCase(opt, "LADDR")) {
      laddr = std::string(val);
    } else if (EqualsIgnoreCase(opt, "TYPE")) {
      type = ToLower(val);
      if (type == "slave") type = "replica";
      if (type != "normal" && type != "master" && type != "replica" && type != "pubsub") {
        ctx.reply.Error(err::UnknownClientType(val));
        return;
      }
    } else if (EqualsIgnoreCase(opt, "USER")) {
      user = ctx.server.acl().Find(val);
      if (user == nullptr) {
        ctx.reply.Error(err::NoSuchUser(val));
        return;
      }
    } else if (EqualsIgnoreCase(opt, "SKIPME")) {
      if (EqualsIgnoreCase(val, "yes")) skipme = true;
      else if (EqualsIgnoreCase(val, "no")) skipme = false;
      else {
        ctx.reply.Error(err::kSyntax);
        return;
      }
    } else {
      ctx.reply.Error(err::kSyntax);
      return;
    }
  }
  int64_t killed = 0;
  for (auto& [id, c] : ctx.server.clients()) {
    if (c->has(kClientFake)) continue;
    if (want_id && id != want_id) continue;
    if (!addr.empty() && c->addr != addr) continue;
    if (!laddr.empty() && c->laddr != laddr) continue;
    if (!type.empty() && ClientType(c.get()) != type) continue;
    if (user != nullptr && c->user != user) continue;
    if (skipme && c.get() == ctx.client) continue;
    if (max_age_s > 0 && ctx.now_ms / 1000 - c->created_ms / 1000 < max_age_s) continue;
    KillClient(ctx, c.get());
    killed++;
  }
  ctx.reply.Integer(killed);
}

// CLIENT NO-TOUCH ON|OFF (7.2): the client's commands, TOUCH excepted, leave the keys' LRU/LFU alone.
void ClientNoTouch(CommandContext& ctx) {
  if (EqualsIgnoreCase(ctx.arg(2), "ON")) ctx.client->flags |= kClientNoTouch;
  else if (EqualsIgnoreCase(ctx.arg(2), "OFF")) ctx.client->flags &= ~kClientNoTouch;
  else {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  ctx.reply.Ok();
}

void ClientNoEvict(CommandContext& ctx) {
  if (EqualsIgnoreCase(ctx.arg(2), "ON")) ctx.client->flags |= kClientNoEvict;
  else if (EqualsIgnoreCase(ctx.arg(2), "OFF")) ctx.client->flags &= ~kClientNoEvict;
  else {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  ctx.reply.Ok();
}

// Client-side caching (server/tracking.h).
void ClientTrackingCmd(CommandContext& ctx) { ctx.server.tracking().TrackingCommand(ctx.client, ctx.argv, ctx.reply); }
void ClientCaching(CommandContext& ctx) { ctx.server.tracking().CachingCommand(ctx.client, ctx.arg(2), ctx.reply); }
void ClientGetRedir(CommandContext& ctx) { ctx.reply.Integer(Tracking::Redirect(ctx.client)); }
void ClientTrackingInfo(CommandContext& ctx) { ctx.server.tracking().TrackingInfo(ctx.client, ctx.reply); }

// CLIENT PAUSE <timeout> [WRITE|ALL]: the mode is checked before the timeout, as redis-server does.
void ClientPause(CommandContext& ctx) {
  if (ctx.argc() > 4) {
    ctx.reply.Error(err::SubcommandSyntax(ctx.arg(1), "client"));
    return;
  }
  Server::PauseType type = Server::PauseType::kAll;
  if (ctx.argc() == 4) {
    if (EqualsIgnoreCase(ctx.arg(3), "write")) type = Server::PauseType::kWrite;
    else if (!EqualsIgnoreCase(ctx.arg(3), "all")) {
      ctx.reply.Error(err::kClientPauseMode);
      return;
    }
  }
  int64_t ms;
  if (!ParseInt64(ctx.arg(2), &ms)) {
    ctx.reply.Error(err::kTimeoutNotInteger);
    return;
  }
  if (ms < 0) {
    ctx.reply.Error(err::kTimeoutNegative);
    return;
  }
  int64_t now = ctx.server.clock().NowMs();
  // A timeout of 0 ends at once (Redis keeps 0 as the end time, which has always passed).
  int64_t end = ms == 0 ? 0 : (ms > INT64_MAX - now ? INT64_MAX : now + ms);
  ctx.server.PauseClients(end, type);
  ctx.reply.Ok();
}

void ClientUnpause(CommandContext& ctx) {
  ctx.server.UnpauseClients();
  ctx.reply.Ok();
}

// CLIENT REPLY ON|OFF|SKIP: OFF and SKIP reply nothing (the network layer drops replies, server/networking.cc).
void ClientReply(CommandContext& ctx) {
  Client* c = ctx.client;
  if (EqualsIgnoreCase(ctx.arg(2), "on")) {
    c->flags &= ~(kClientReplySkip | kClientReplyOff);
    ctx.reply.Ok();
  } else if (EqualsIgnoreCase(ctx.arg(2), "off")) {
    c->flags |= kClientReplyOff;
  } else if (EqualsIgnoreCase(ctx.arg(2), "skip")) {
    if (!c->has(kClientReplyOff)) c->flags |= kClientReplySkipNext;
  } else {
    ctx.reply.Error(err::kSyntax);
  }
}

// CLIENT UNBLOCK <id> [TIMEOUT|ERROR]: 1 when the client was waiting (BLPOP, BZPOPMIN, XREAD, WAIT, ...).
void ClientUnblock(CommandContext& ctx) {
  if (ctx.argc() > 4) {
    ctx.reply.Error(err::SubcommandSyntax(ctx.arg(1), "client"));
    return;
  }
  bool error = false;
  if (ctx.argc() == 4) {
    if (EqualsIgnoreCase(ctx.arg(3), "error")) error = true;
    else if (!EqualsIgnoreCase(ctx.arg(3), "timeout")) {
      ctx.reply.Error(err::kClientUnblockReason);
      return;
    }
  }
  int64_t id;
  if (!ParseInt64(ctx.arg(2), &id)) {
    ctx.reply.Error(err::kNotInteger);
    return;
  }
  Client* target = nullptr;
  auto it = ctx.server.clients().find(static_cast<uint64_t>(id));
  if (it != ctx.server.clients().end()) target = it->second.get();
  ctx.reply.Integer(ctx.server.UnblockClientByCommand(target, error) ? 1 : 0);
}

void MonitorCmd(CommandContext& ctx) {
  // Inside EXEC (or anywhere a reply per command is expected) a client cannot turn into a stream.
  if (!ctx.can_block && !ctx.client->has(kClientMaster)) {
    ctx.reply.Error(err::kMonitorDenyBlocking);
    return;
  }
  if (ctx.client->has(kClientMonitor) || ctx.client->has(kClientReplica)) return;  // ignored, no reply
  ctx.server.AddMonitor(ctx.client);
  ctx.reply.Ok();
}

// redis-server 7.0.15's text, every line (TRACKING and friends are another change's).
void ClientHelp(CommandContext& ctx) {
  ReplyHelp(ctx, {"CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                  "CACHING (YES|NO)",
                  "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
                  "GETREDIR",
                  "    Return the client ID we are redirecting to when tracking is enabled.",
                  "GETNAME",
                  "    Return the name of the current connection.",
                  "ID",
                  "    Return the ID of the current connection.",
                  "INFO",
                  "    Return information about the current client connection.",
                  "KILL <ip:port>",
                  "    Kill connection made from <ip:port>.",
                  "KILL <option> <value> [<option> <value> [...]]",
                  "    Kill connections. Options are:",
                  "    * ADDR (<ip:port>|<unixsocket>:0)",
                  "      Kill connections made from the specified address",
                  "    * LADDR (<ip:port>|<unixsocket>:0)",
                  "      Kill connections made to specified local address",
                  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                  "      Kill connections by type.",
                  "    * USER <username>",
                  "      Kill connections authenticated by <username>.",
                  "    * SKIPME (YES|NO)",
                  "      Skip killing current connection (default: yes).",
                  "LIST [options ...]",
                  "    Return information about client connections. Options:",
                  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                  "      Return clients of specified type.",
                  "UNPAUSE",
                  "    Stop the current client pause, resuming traffic.",
                  "PAUSE <timeout> [WRITE|ALL]",
                  "    Suspend all, or just write, clients for <timeout> milliseconds.",
                  "REPLY (ON|OFF|SKIP)",
                  "    Control the replies sent to the current connection.",
                  "SETNAME <name>",
                  "    Assign the name <name> to the current connection.",
                  "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                  "    Unblock the specified blocked client.",
                  "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
                  "         [OPTIN] [OPTOUT] [NOLOOP]",
                  "    Control server assisted client side caching.",
                  "TRACKINGINFO",
                  "    Report tracking status for the current connection.",
                  "NO-EVICT (ON|OFF)",
                  "    Protect current client connection from eviction.",
                  "HELP",
                  "    Prints this help."});
}

// ---- INFO, DBSIZE, FLUSH*, TIME, LASTSAVE, SHUTDOWN ----

void InfoCmd(CommandContext& ctx) {
  std::vector<std::string> sections;
  for (size_t i = 1; i < ctx.argc(); i++) sections.push_back(ToLower(ctx.arg(i)));
  ctx.reply.Verbatim(ctx.server.InfoText(sections));
}

void DbsizeCmd(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.db.size())); }

void FlushCmd(CommandContext& ctx) {
  if (ctx.argc() > 2 || (ctx.argc() == 2 && !EqualsIgnoreCase(ctx.arg(1), "ASYNC") && !EqualsIgnoreCase(ctx.arg(1), "SYNC"))) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  size_t n = 0;
  if (ctx.spec.name == "flushall") {
    for (int i = 0; i < ctx.server.db_count(); i++) {
      Keyspace* db = ctx.server.db_if_exists(i);
      if (db == nullptr) continue;
      n += db->size();
      db->Clear();
    }
  } else {
    n = ctx.db.size();
    ctx.db.Clear();
  }
  ctx.server.TouchAllKeys();
  ctx.dirty += static_cast<int64_t>(n) + 1;
  ctx.reply.Ok();
}

void TimeCmd(CommandContext& ctx) {
  int64_t us = ctx.server.clock().NowUs();
  ctx.reply.Array(2);
  ctx.reply.BulkInt(us / 1000000);
  ctx.reply.BulkInt(us % 1000000);
}

void LastsaveCmd(CommandContext& ctx) { ctx.reply.Integer(ctx.server.last_save_time_s()); }

void ShutdownCmd(CommandContext& ctx) {
  bool nosave = false, save = false, force = false;
  for (size_t i = 1; i < ctx.argc(); i++) {
    std::string_view a = ctx.arg(i);
    nosave |= EqualsIgnoreCase(a, "NOSAVE");
    save |= EqualsIgnoreCase(a, "SAVE");
    force |= EqualsIgnoreCase(a, "FORCE");
    if (!EqualsIgnoreCase(a, "NOSAVE") && !EqualsIgnoreCase(a, "SAVE") && !EqualsIgnoreCase(a, "NOW") &&
        !EqualsIgnoreCase(a, "FORCE") && !EqualsIgnoreCase(a, "ABORT")) {
      ctx.reply.Error(err::kSyntax);
      return;
    }
    if (EqualsIgnoreCase(a, "ABORT")) {
      ctx.reply.Error(err::kNoShutdown);
      return;
    }
  }
  if (save && nosave) return ctx.reply.Error(err::kSyntax);
  LogWarning("User requested shutdown...");
  // The final RDB save, as redis-server: with SAVE, or by default when save points are configured.
  if (auto* saver = ctx.server.subsystem<RdbSaver>(); saver != nullptr) {
    Status st = saver->SaveOnShutdown(save || (!nosave && !ctx.server.config().save.empty()));
    if (!st.ok() && !force) return ctx.reply.Error(st.message());
  }
  ctx.server.RequestShutdown();
  // Redis closes the connection without a reply on success.
  ctx.client->flags |= kClientCloseAfterReply;
}

// ---- CONFIG ----

void ConfigGetCmd(CommandContext& ctx) {
  std::vector<std::pair<std::string, std::string>> all;
  for (size_t i = 2; i < ctx.argc(); i++) {
    for (auto& kv : ConfigGet(ctx.server.config(), ctx.arg(i))) {
      bool dup = false;
      for (auto& e : all) dup = dup || e.first == kv.first;
      if (!dup) all.push_back(std::move(kv));
    }
  }
  ctx.reply.Map(all.size());
  for (auto& [k, v] : all) {
    ctx.reply.Bulk(k);
    ctx.reply.Bulk(v);
  }
}

void ConfigSetCmd(CommandContext& ctx) {
  if (ctx.argc() % 2 != 0) {
    ctx.reply.Error(err::WrongArgs("config|set"));
    return;
  }
  // All or nothing: validate on a copy, then swap in.
  Config copy = ctx.server.config();
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2) {
    for (size_t j = 2; j < i; j += 2) {
      if (EqualsIgnoreCase(ctx.arg(i), ctx.arg(j))) {
        ctx.reply.Error(err::ConfigSetFailed(ctx.arg(i), err::config_reason::kDuplicate));
        return;
      }
    }
    Status st = ConfigSet(&copy, ctx.arg(i), ctx.arg(i + 1));
    if (!st.ok()) {
      ctx.reply.Error(st.message());
      return;
    }
  }
  // The directives whose value changed, by canonical name, for the subsystems that act on them.
  std::vector<std::string> changed;
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2) {
    std::string name = ConfigCanonicalName(ctx.arg(i));
    if (ConfigGet(copy, name) != ConfigGet(ctx.server.config(), name)) changed.push_back(std::move(name));
  }
  ctx.server.config() = std::move(copy);
  ctx.server.config_listeners().Notify(changed);
  ctx.reply.Ok();
}

void ConfigResetStatCmd(CommandContext& ctx) {
  ctx.server.stats() = ServerStats{};
  ctx.server.commands().ResetStats();
  for (int i = 0; i < ctx.server.db_count(); i++) {
    if (Keyspace* db = ctx.server.db_if_exists(i)) db->ResetStats();
  }
  ctx.server.slot_stats().Reset();  // CLUSTER SLOT-STATS' counters, as Valkey's resetClusterStats
  ResetPeakUsedMemory();
  ctx.reply.Ok();
}

void ConfigRewriteCmd(CommandContext& ctx) {
  const Config& config = ctx.server.config();
  if (config.config_file.empty()) {
    ctx.reply.Error(err::kNoConfigFile);
    return;
  }
  // The ACL users as `user` lines. The default user's line is left out when it only mirrors a password read
  // from requirepass-file: secrets from files (even hashed) stay out of the config file.
  std::vector<std::string> users;
  std::string mirror = "on #" + AclHashPassword(config.requirepass) + " ~* &* +@all";
  for (const auto& [name, u] : ctx.server.acl().users()) {
    std::string rules = u->Describe(ctx.server.commands());
    if (name == "default" && !config.requirepass_file.empty() && rules == mirror) continue;
    users.push_back("user " + name + " " + rules);
  }
  Status st = RewriteConfigFile(config, users);
  if (!st.ok()) {
    LogWarning("CONFIG REWRITE failed: " + st.message());
    ctx.reply.Error(std::string(err::kConfigRewriteFailed) + st.message());
    return;
  }
  LogNotice("CONFIG REWRITE executed with success.");
  ctx.reply.Ok();
}

void ConfigHelp(CommandContext& ctx) {
  ReplyHelp(ctx, {"CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "GET <pattern>",
                  "    Return parameters matching the glob-like <pattern> and their values.",
                  "SET <directive> <value>", "    Set the configuration <directive> to <value>.", "RESETSTAT",
                  "    Reset statistics reported by the INFO command.", "REWRITE", "    Rewrite the configuration file.",
                  "HELP", "    Prints this help."});
}

// ---- SLOWLOG ----

void SlowlogGet(CommandContext& ctx) {
  int64_t count = 10;
  if (ctx.argc() == 3) {
    if (!ParseInt64(ctx.arg(2), &count) || count < -1) {
      ctx.reply.Error(err::kSlowlogCount);
      return;
    }
    if (count == -1) count = INT64_MAX;
  } else if (ctx.argc() > 3) {
    ctx.reply.Error(err::WrongArgs("slowlog|get"));
    return;
  }
  auto& log = ctx.server.slowlog();
  size_t n = std::min<size_t>(log.size(), static_cast<size_t>(count));
  ctx.reply.Array(n);
  for (size_t i = 0; i < n; i++) {
    const SlowlogEntry& e = log[i];
    ctx.reply.Array(6);
    ctx.reply.Integer(e.id);
    ctx.reply.Integer(e.time_s);
    ctx.reply.Integer(e.duration_us);
    ctx.reply.BulkArray(e.argv);
    ctx.reply.Bulk(e.peer);
    ctx.reply.Bulk(e.client_name);
  }
}

void SlowlogLen(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.server.slowlog().size())); }
void SlowlogReset(CommandContext& ctx) {
  ctx.server.slowlog().clear();
  ctx.reply.Ok();
}
void SlowlogHelp(CommandContext& ctx) {
  ReplyHelp(ctx, {"SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "GET [<count>]",
                  "    Return top <count> entries from the slowlog (default: 10, -1 mean all).", "LEN",
                  "    Return the length of the slowlog.", "RESET", "    Reset the slowlog.", "HELP",
                  "    Prints this help."});
}

// ---- COMMAND ----

std::vector<std::string> FlagNames(const CommandSpec& s) {
  std::vector<std::string> f;
  if (s.is(kCmdWrite)) f.push_back("write");
  if (s.is(kCmdReadOnly)) f.push_back("readonly");
  if (s.is(kCmdDenyOom)) f.push_back("denyoom");
  if (s.is(kCmdAdmin)) f.push_back("admin");
  if (s.is(kCmdPubSub)) f.push_back("pubsub");
  if (s.is(kCmdNoScript)) f.push_back("noscript");
  if (s.is(kCmdBlocking)) f.push_back("blocking");
  if (s.is(kCmdLoading)) f.push_back("loading");
  if (s.is(kCmdStale)) f.push_back("stale");
  if (s.is(kCmdSkipSlowlog)) f.push_back("skip_slowlog");
  if (s.is(kCmdAsking)) f.push_back("asking");
  if (s.is(kCmdFast)) f.push_back("fast");
  if (s.is(kCmdNoAuth)) f.push_back("no_auth");
  if (s.is(kCmdNoMulti)) f.push_back("no_multi");
  if (s.is(kCmdAllowBusy)) f.push_back("allow_busy");
  if (s.is(kCmdMovableKeys)) f.push_back("movablekeys");
  return f;
}

// A key spec's begin_search or find_keys: {type: <type>, spec: {...}}, written up to the spec's map of
// `fields` entries, which the caller fills.
void BeginKeySpecStep(ReplyBuilder& reply, std::string_view type, size_t fields) {
  reply.Map(2);
  reply.Bulk("type");
  reply.Bulk(type);
  reply.Bulk("spec");
  reply.Map(fields);
}

void ReplyCommandInfo(CommandContext& ctx, const CommandSpec& s) {
  ctx.reply.Array(10);
  ctx.reply.Bulk(s.name);
  ctx.reply.Integer(s.arity);
  auto flags = FlagNames(s);
  ctx.reply.Set(flags.size());
  for (auto& f : flags) ctx.reply.Simple(f);
  int first = s.first_key, last = s.last_key, step = s.key_step;
  if (s.is(kCmdMovableKeys)) first = last = step = 0;
  ctx.reply.Integer(first);
  ctx.reply.Integer(last);
  ctx.reply.Integer(step);
  // ACL categories: Redis's membership (server/acl_categories.h), in ACL CAT's order, as redis-server lists them.
  int ncats = __builtin_popcount(s.acl_categories);
  ctx.reply.Set(static_cast<size_t>(ncats));
  for (int i = 0; i < kAclCategoryCount; i++) {
    if (s.acl_categories & (1u << i)) ctx.reply.Simple("@" + std::string(AclCategoryName(i)));
  }
  ctx.reply.Array(0);  // tips
  // Key specs: a range spec for fixed positions (what cluster clients need), none for movable keys.
  if (first > 0) {
    ctx.reply.Array(1);
    ctx.reply.Map(3);
    ctx.reply.Bulk("flags");
    ctx.reply.Set(1);
    ctx.reply.Simple(s.is(kCmdWrite) ? "RW" : "RO");
    ctx.reply.Bulk("begin_search");
    BeginKeySpecStep(ctx.reply, "index", 1);
    ctx.reply.Bulk("index");
    ctx.reply.Integer(first);
    ctx.reply.Bulk("find_keys");
    BeginKeySpecStep(ctx.reply, "range", 3);
    ctx.reply.Bulk("lastkey");
    ctx.reply.Integer(last >= 0 ? last - first : last);
    ctx.reply.Bulk("keystep");
    ctx.reply.Integer(step);
    ctx.reply.Bulk("limit");
    ctx.reply.Integer(0);
  } else {
    ctx.reply.Array(0);
  }
  ctx.reply.Array(s.subcommands.size());
  for (auto& sub : s.subcommands) ReplyCommandInfo(ctx, sub);
}

void CommandCmd(CommandContext& ctx) {
  auto& all = ctx.server.commands().all();
  ctx.reply.Array(all.size());
  for (auto& s : all) ReplyCommandInfo(ctx, *s);
}

void CommandCount(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.commands().all().size()));
}

void CommandList(CommandContext& ctx) {
  auto& all = ctx.server.commands().all();
  ctx.reply.Array(all.size());
  for (auto& s : all) ctx.reply.Bulk(s->name);
}

const CommandSpec* LookupByFullName(Server& server, std::string_view name) {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return server.commands().Find(name);
  const CommandSpec* c = server.commands().Find(name.substr(0, bar));
  return c ? CommandRegistry::FindSubcommand(*c, name.substr(bar + 1)) : nullptr;
}

void CommandInfo(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    CommandCmd(ctx);
    return;
  }
  ctx.reply.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) {
    const CommandSpec* s = LookupByFullName(ctx.server, ctx.arg(i));
    if (s) ReplyCommandInfo(ctx, *s);
    else ctx.reply.NullArray();
  }
}

void ReplyDocs(CommandContext& ctx, const CommandSpec& s) {
  ctx.reply.Bulk(s.name);
  ctx.reply.Map(s.subcommands.empty() ? 3 : 4);
  ctx.reply.Bulk("summary");
  ctx.reply.Bulk(s.summary);
  ctx.reply.Bulk("since");
  ctx.reply.Bulk("1.0.0");
  ctx.reply.Bulk("group");
  ctx.reply.Bulk(*s.group ? s.group : "server");
  if (!s.subcommands.empty()) {
    ctx.reply.Bulk("subcommands");
    ctx.reply.Map(s.subcommands.size());
    for (auto& sub : s.subcommands) ReplyDocs(ctx, sub);
  }
}

void CommandDocs(CommandContext& ctx) {
  std::vector<const CommandSpec*> specs;
  if (ctx.argc() == 2) {
    for (auto& s : ctx.server.commands().all()) specs.push_back(s.get());
  } else {
    for (size_t i = 2; i < ctx.argc(); i++) {
      if (const CommandSpec* s = LookupByFullName(ctx.server, ctx.arg(i))) specs.push_back(s);
    }
  }
  ctx.reply.Map(specs.size());
  for (auto* s : specs) ReplyDocs(ctx, *s);
}

// Whether redis-server 7.0.15 says the command has keys: a getkeys procedure (movable keys) or a key spec
// that names real keys (SPUBLISH's channel is a not_key spec: "no key arguments").
bool CommandHasKeys(const CommandSpec& s) {
  if (s.is(kCmdMovableKeys)) return true;
  if (s.acl_row == nullptr || s.acl_row->key_spec_count == 0) return s.first_key > 0;
  for (int i = 0; i < std::min<int>(s.acl_row->key_spec_count, 4); i++) {
    if (!(s.acl_row->key_specs[i].flags & kKeySpec_not_key)) return true;
  }
  return false;
}

// COMMAND GETKEYS and GETKEYSANDFLAGS: redis-server's getKeysSubcommandImpl (its checks in its order; the
// keys in key spec order, each with its spec's flags when asked).
void CommandGetKeysImpl(CommandContext& ctx, bool with_flags) {
  ArgList cmd = ctx.argv.subspan(2);
  const CommandSpec* s = ctx.server.commands().Find(cmd[0]);
  if (s == nullptr) {
    ctx.reply.Error(err::kInvalidCommand);
    return;
  }
  if (!s->subcommands.empty() && cmd.size() >= 2) {  // a container's unknown subcommand is no command
    s = CommandRegistry::FindSubcommand(*s, cmd[1]);
    if (s == nullptr) {
      ctx.reply.Error(err::kInvalidCommand);
      return;
    }
  }
  if (s->name == "command") {  // a container in redis-server, dispatched by hand here (CommandDispatch)
    bool known = false;
    for (const char* sub : {"count", "docs", "getkeys", "getkeysandflags", "help", "info", "list"}) {
      known = known || EqualsIgnoreCase(cmd[1], sub);
    }
    ctx.reply.Error(known ? err::kGetKeysNoKeys : err::kInvalidCommand);
    return;
  }
  if (!CommandHasKeys(*s)) {
    ctx.reply.Error(err::kGetKeysNoKeys);
    return;
  }
  int argc = static_cast<int>(cmd.size());
  if ((s->arity > 0 && argc != s->arity) || argc < -s->arity) {
    ctx.reply.Error(err::kGetKeysArity);
    return;
  }
  std::vector<int> idx;
  bool ok = s->KeyIndices(cmd, &idx);
  // redis-server's key spec walk fails when a spec's first key would be past the arguments (PFMERGE dest
  // alone: its source keys' spec begins at 2).
  if (s->acl_row != nullptr) {
    for (int i = 0; i < std::min<int>(s->acl_row->key_spec_count, 4); i++) {
      const AclKeySpec& ks = s->acl_row->key_specs[i];
      if (!(ks.flags & kKeySpec_not_key) && ks.index > 0 && ks.index >= argc) ok = false;
    }
  }
  // EVAL, EVALSHA, FCALL and their _RO forms may name no keys at all (CMD_NO_MANDATORY_KEYS).
  bool no_mandatory_keys = s->name.starts_with("eval") || s->name.starts_with("fcall");
  if (!ok || idx.empty()) {
    if (no_mandatory_keys) ctx.reply.Array(0);
    else ctx.reply.Error(err::kGetKeysBadArgs);
    return;
  }
  struct Found {
    int pos, spec_no;
    uint16_t flags;
  };
  std::vector<Found> keys;
  for (int i : idx) {
    int spec_no = 0;
    uint16_t flags = KeySpecFlagsAt(*s, cmd, i, &spec_no);
    keys.push_back({i, spec_no, flags});
  }
  std::stable_sort(keys.begin(), keys.end(), [](const Found& a, const Found& b) { return a.spec_no < b.spec_no; });
  ctx.reply.Array(keys.size());
  for (const Found& k : keys) {
    if (!with_flags) {
      ctx.reply.Bulk(cmd[k.pos]);
      continue;
    }
    ctx.reply.Array(2);
    ctx.reply.Bulk(cmd[k.pos]);
    ctx.reply.Set(static_cast<size_t>(__builtin_popcount(k.flags)));
    for (int b = 0; b < 11; b++) {
      if (k.flags & (1u << b)) ctx.reply.Simple(kKeySpecFlagNames[b]);
    }
  }
}

void CommandHelp(CommandContext& ctx) {
  ReplyHelp(ctx, {"COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "(no subcommand)",
                  "    Return details about all Redis commands.", "COUNT",
                  "    Return the total number of commands in this Redis server.", "LIST",
                  "    Return a list of all commands in this Redis server.", "INFO [<command-name> ...]",
                  "    Return details about multiple Redis commands.",
                  "    If no command names are given, documentation details for all",
                  "    commands are returned.", "DOCS [<command-name> ...]",
                  "    Return documentation details about multiple Redis commands.",
                  "    If no command names are given, documentation details for all",
                  "    commands are returned.", "GETKEYS <full-command>",
                  "    Return the keys from a full Redis command.", "GETKEYSANDFLAGS <full-command>",
                  "    Return the keys and the access flags from a full Redis command.", "HELP",
                  "    Prints this help."});
}

// COMMAND is both a command (no arguments) and a container; the container dispatch needs argv[1], so the
// plain form is handled by registering COMMAND with arity -1 and dispatching here.
void CommandDispatch(CommandContext& ctx) {
  if (ctx.argc() == 1) {
    CommandCmd(ctx);
    return;
  }
  std::string_view sub = ctx.arg(1);
  if (EqualsIgnoreCase(sub, "COUNT") && ctx.argc() == 2) CommandCount(ctx);
  else if (EqualsIgnoreCase(sub, "LIST")) CommandList(ctx);
  else if (EqualsIgnoreCase(sub, "INFO")) CommandInfo(ctx);
  else if (EqualsIgnoreCase(sub, "DOCS")) CommandDocs(ctx);
  else if (EqualsIgnoreCase(sub, "GETKEYS") && ctx.argc() >= 4) CommandGetKeysImpl(ctx, false);  // arity -4 as Redis
  else if (EqualsIgnoreCase(sub, "GETKEYSANDFLAGS") && ctx.argc() >= 4) CommandGetKeysImpl(ctx, true);
  else if (EqualsIgnoreCase(sub, "HELP") && ctx.argc() == 2) CommandHelp(ctx);
  else if (EqualsIgnoreCase(sub, "COUNT") || EqualsIgnoreCase(sub, "GETKEYS") ||
           EqualsIgnoreCase(sub, "GETKEYSANDFLAGS") || EqualsIgnoreCase(sub, "HELP"))
    ctx.reply.Error(err::WrongArgs("command|" + ToLower(sub)));
  else ctx.reply.Error(err::UnknownSubcommand(sub, "COMMAND"));
}

}  // namespace

void InstallCommandHooks(Server& server) {
  server.client_info_text = [&server](const Client* c) { return ClientInfoLine(server, c); };
}

void RegisterServerFamily(CommandRegistry& r) {
  const char* conn = "connection";
  const char* srv = "server";
  r.Add(GroupSpec("ping", -1, kCmdFast | kCmdHealthProbe, PingCmd, conn, "Returns the server's liveliness response."));
  r.Add(GroupSpec("echo", 2, kCmdFast, EchoCmd, conn, "Returns the given string."));
  r.Add(GroupSpec("auth", -2, kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy, AuthCmd, conn,
            "Authenticates the connection."));
  r.Add(GroupSpec("hello", -1, kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy, HelloCmd, conn,
            "Handshakes with the Redis server."));
  // QUIT and RESET run at once inside MULTI (kCmdTxnControl).
  const uint32_t conn_ctl =
      kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy | kCmdTxnControl;
  r.Add(GroupSpec("quit", -1, conn_ctl, QuitCmd, conn, "Closes the connection."));
  r.Add(GroupSpec("reset", 1, conn_ctl, ResetCmd, conn, "Resets the connection."));
  r.Add(GroupSpec("select", 2, kCmdLoading | kCmdStale | kCmdFast, SelectCmd, conn, "Changes the selected database."));
  r.Add(ContainerSpec("client", conn, "A container for client connection commands.",
                  {GroupSpec("client|setname", 3, kCmdNoScript | kCmdLoading | kCmdStale, ClientSetName, conn, "Sets the connection name."),
                   GroupSpec("client|getname", 2, kCmdNoScript | kCmdLoading | kCmdStale, ClientGetName, conn, "Returns the name of the connection."),
                   GroupSpec("client|setinfo", 4, kCmdNoScript | kCmdLoading | kCmdStale, ClientSetInfo, conn, "Sets information specific to the client or connection."),
                   GroupSpec("client|id", 2, kCmdNoScript | kCmdLoading | kCmdStale, ClientId, conn, "Returns the unique client ID of the connection."),
                   GroupSpec("client|list", -2, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale, ClientList, conn, "Lists open connections."),
                   GroupSpec("client|info", 2, kCmdNoScript | kCmdLoading | kCmdStale, ClientInfo, conn, "Returns information about the connection."),
                   GroupSpec("client|kill", -3, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale, ClientKill, conn, "Terminates open connections."),
                   GroupSpec("client|no-touch", 3, kCmdNoScript | kCmdLoading | kCmdStale, ClientNoTouch, conn, "Controls whether commands sent by the client affect the LRU/LFU of accessed keys."),
                   GroupSpec("client|no-evict", 3, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale, ClientNoEvict, conn, "Sets the client eviction mode of the connection."),
                   GroupSpec("client|pause", -3, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale, ClientPause, conn, "Stop processing commands from clients for some time"),
                   GroupSpec("client|unpause", 2, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale, ClientUnpause, conn, "Resume processing of clients that were paused"),
                   GroupSpec("client|reply", 3, kCmdNoScript | kCmdLoading | kCmdStale, ClientReply, conn, "Instruct the server whether to reply to commands"),
                   GroupSpec("client|unblock", -3, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale, ClientUnblock, conn, "Unblock a client blocked in a blocking command from a different connection"),
                   GroupSpec("client|tracking", -3, kCmdNoScript | kCmdLoading | kCmdStale, ClientTrackingCmd, conn, "Controls server-assisted client-side caching for the connection."),
                   GroupSpec("client|caching", 3, kCmdNoScript | kCmdLoading | kCmdStale, ClientCaching, conn, "Instructs the server whether to track the keys in the next request."),
                   GroupSpec("client|getredir", 2, kCmdNoScript | kCmdLoading | kCmdStale, ClientGetRedir, conn, "Returns the client ID to which the connection's tracking notifications are redirected."),
                   GroupSpec("client|trackinginfo", 2, kCmdNoScript | kCmdLoading | kCmdStale, ClientTrackingInfo, conn, "Returns information about server-assisted client-side caching for the connection."),
                   HelpSpec("client|help", ClientHelp, conn)}));
  r.Add(GroupSpec("monitor", 1, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale, MonitorCmd, srv,
            "Listen for all requests received by the server in real time"));
  r.Add(GroupSpec("info", -1, kCmdLoading | kCmdStale, InfoCmd, srv, "Returns information and statistics about the server."));
  r.Add(GroupSpec("dbsize", 1, kCmdReadOnly | kCmdFast, DbsizeCmd, srv, "Returns the number of keys in the database."));
  r.Add(GroupSpec("flushall", -1, kCmdWrite, FlushCmd, srv, "Removes all keys from all databases."));
  r.Add(GroupSpec("flushdb", -1, kCmdWrite, FlushCmd, srv, "Remove all keys from the current database."));
  r.Add(GroupSpec("swapdb", 3, kCmdWrite | kCmdFast, SwapdbCmd, srv, "Swaps two Redis databases"));
  r.Add(GroupSpec("time", 1, kCmdLoading | kCmdStale | kCmdFast | kCmdRandom, TimeCmd, srv, "Returns the server time."));
  r.Add(GroupSpec("lastsave", 1, kCmdLoading | kCmdStale | kCmdFast | kCmdRandom, LastsaveCmd, srv,
            "Returns the Unix timestamp of the last successful save to disk."));
  r.Add(GroupSpec("shutdown", -1, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale | kCmdNoMulti | kCmdAllowBusy, ShutdownCmd,
            srv, "Synchronously saves the database(s) to disk and shuts down the Redis server."));
  r.Add(GroupSpec("command", -1, kCmdLoading | kCmdStale, CommandDispatch, srv, "Returns detailed information about all commands."));
  r.Add(ContainerSpec("config", srv, "A container for server configuration commands.",
                  {GroupSpec("config|get", -3, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale, ConfigGetCmd, srv, "Returns the effective values of configuration parameters."),
                   GroupSpec("config|set", -4, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale, ConfigSetCmd, srv, "Sets configuration parameters in-flight."),
                   GroupSpec("config|resetstat", 2, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale, ConfigResetStatCmd, srv, "Resets the server's statistics."),
                   GroupSpec("config|rewrite", 2, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale, ConfigRewriteCmd, srv, "Persists the effective configuration to file."),
                   HelpSpec("config|help", ConfigHelp, srv)}));
  r.Add(ContainerSpec("slowlog", srv, "A container for slow log commands.",
                  {GroupSpec("slowlog|get", -2, kCmdAdmin | kCmdLoading | kCmdStale, SlowlogGet, srv, "Returns the slow log's entries."),
                   GroupSpec("slowlog|len", 2, kCmdAdmin | kCmdLoading | kCmdStale, SlowlogLen, srv, "Returns the number of entries in the slow log."),
                   GroupSpec("slowlog|reset", 2, kCmdAdmin | kCmdLoading | kCmdStale, SlowlogReset, srv, "Clears all entries from the slow log."),
                   GroupSpec("slowlog|help", 2, kCmdLoading | kCmdStale, SlowlogHelp, srv, "Show helpful text about the different subcommands")}));
}

}  // namespace rcs
