// REPLICAOF/SLAVEOF, ROLE, WAIT, and the commands replicas send: REPLCONF, PSYNC, SYNC.
#include "base/strutil.h"
#include "protocol/errors.h"
#include "replication/replication.h"
#include "server/client.h"
#include "server/command.h"
#include "server/server.h"

namespace rcs {
namespace {

Replication* Repl(CommandContext& ctx) { return ctx.server.subsystem<Replication>(); }

void ReplicaofCmd(CommandContext& ctx) {
  Replication* r = Repl(ctx);
  if (ctx.server.config().cluster_enabled) {
    ctx.reply.Error(err::kReplicaOfClusterMode);
    return;
  }
  if (EqualsIgnoreCase(ctx.arg(1), "NO") && EqualsIgnoreCase(ctx.arg(2), "ONE")) {
    r->BecomeMaster();
    ctx.server.config().replicaof.clear();  // what CONFIG REWRITE persists, as redis-server
    ctx.reply.Ok();
    return;
  }
  int64_t port;
  if (!ParseInt64(ctx.arg(2), &port) || port < 0 || port > 65535) {
    ctx.reply.Error(err::kInvalidMasterPort);
    return;
  }
  if (r->is_replica() && r->master_host() == ctx.arg(1) && r->master_port() == port) {
    ctx.reply.Simple("OK Already connected to specified master");
    return;
  }
  r->ReplicateFrom(std::string(ctx.arg(1)), static_cast<int>(port));
  ctx.server.config().replicaof = std::string(ctx.arg(1)) + " " + std::to_string(port);
  ctx.reply.Ok();
}

void RoleCmd(CommandContext& ctx) { Repl(ctx)->RoleReply(ctx.reply); }

void ReplconfCmd(CommandContext& ctx) { Repl(ctx)->Replconf(ctx.client, ctx.argv, ctx.reply); }

void PsyncCmd(CommandContext& ctx) {
  if (ctx.client->has(kClientMaster)) {
    ctx.reply.Error(err::kReplicaKeyspace);
    return;
  }
  Repl(ctx)->Psync(ctx.client, ctx.argv);
}

void WaitCmd(CommandContext& ctx) {
  int64_t n, timeout;
  if (!ParseInt64(ctx.arg(1), &n)) {
    ctx.reply.Error(err::kNotInteger);
    return;
  }
  if (!ParseInt64(ctx.arg(2), &timeout)) {
    ctx.reply.Error(err::kTimeoutNotInteger);
    return;
  }
  if (timeout < 0) {
    ctx.reply.Error(err::kTimeoutNegative);
    return;
  }
  Repl(ctx)->Wait(ctx.client, n, timeout, ctx.reply);
}

}  // namespace

void RegisterReplicationFamily(CommandRegistry& r) {
  const char* g = "server";
  uint32_t admin = kCmdAdmin | kCmdNoScript | kCmdStale;
  r.Add(Spec("replicaof", 3, admin, 0, 0, 0, ReplicaofCmd, nullptr, g, "Configures a server as replica of another, or promotes it to a master."));
  r.Add(Spec("slaveof", 3, admin, 0, 0, 0, ReplicaofCmd, nullptr, g, "Sets a Redis server as a replica of another, or promotes it to being a master."));
  r.Add(Spec("role", 1, kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast, 0, 0, 0, RoleCmd, nullptr, g, "Returns the replication role."));
  r.Add(Spec("replconf", -1, admin | kCmdLoading | kCmdAllowBusy, 0, 0, 0, ReplconfCmd, nullptr, g, "An internal command for configuring the replication stream."));
  r.Add(Spec("psync", -3, admin | kCmdNoMulti, 0, 0, 0, PsyncCmd, nullptr, g, "An internal command used in replication."));
  r.Add(Spec("sync", 1, admin | kCmdNoMulti, 0, 0, 0, PsyncCmd, nullptr, g, "An internal command used in replication."));
  r.Add(Spec("wait", 3, kCmdNoScript, 0, 0, 0, WaitCmd, nullptr, "generic", "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed."));
}

}  // namespace rcs
