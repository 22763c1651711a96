// MULTI EXEC DISCARD WATCH UNWATCH. Queueing happens in the dispatcher (server.cc); EXEC runs the queue
// with Server::ExecTransaction, which also wraps propagated writes in MULTI/EXEC.
#include "protocol/errors.h"
#include "server/client.h"
#include "server/command.h"
#include "server/server.h"

namespace rcs {
namespace {

void MultiCmd(CommandContext& ctx) {
  Client* c = ctx.client;
  if (c->has(kClientMulti)) {
    ctx.reply.Error(err::kMultiNested);
    return;
  }
  c->flags |= kClientMulti;
  ctx.reply.Ok();
}

void ExecCmd(CommandContext& ctx) {
  if (!ctx.client->has(kClientMulti)) {
    ctx.reply.Error(err::kExecWithoutMulti);
    return;
  }
  ctx.server.ExecTransaction(ctx.client);
}

void DiscardCmd(CommandContext& ctx) {
  if (!ctx.client->has(kClientMulti)) {
    ctx.reply.Error(err::kDiscardWithoutMulti);
    return;
  }
  ctx.server.DiscardTransaction(ctx.client);
  ctx.reply.Ok();
}

void WatchCmd(CommandContext& ctx) {
  if (ctx.client->has(kClientMulti)) {
    ctx.reply.Error(err::kWatchInMulti);
    return;
  }
  for (size_t i = 1; i < ctx.argc(); i++) ctx.server.Watch(ctx.client, ctx.arg(i));
  ctx.reply.Ok();
}

void UnwatchCmd(CommandContext& ctx) {
  ctx.server.UnwatchAll(ctx.client);
  ctx.reply.Ok();
}

}  // namespace

void RegisterTransactionFamily(CommandRegistry& r) {
  const char* g = "transactions";
  // Like Redis: all of them run while loading or stale; all but UNWATCH run at once inside MULTI.
  const uint32_t base = kCmdNoScript | kCmdLoading | kCmdStale, txn = kCmdTxnControl;
  const uint32_t fast = kCmdFast | kCmdAllowBusy;
  r.Add(Spec("multi", 1, base | fast | txn, 0, 0, 0, MultiCmd, nullptr, g, "Starts a transaction."));
  r.Add(Spec("exec", 1, base | kCmdSkipSlowlog | txn | kCmdRunsQueue, 0, 0, 0, ExecCmd, nullptr, g,
             "Executes all commands in a transaction."));
  r.Add(Spec("discard", 1, base | fast | txn, 0, 0, 0, DiscardCmd, nullptr, g, "Discards a transaction."));
  r.Add(Spec("watch", -2, base | fast | txn, 1, -1, 1, WatchCmd, nullptr, g,
             "Monitors changes to keys to determine the execution of a transaction."));
  r.Add(Spec("unwatch", 1, base | fast, 0, 0, 0, UnwatchCmd, nullptr, g,
             "Forgets about watched keys of a transaction."));
}

}  // namespace rcs
