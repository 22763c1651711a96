// REPLICAOF/SLAVEOF, FAILOVER, ROLE, WAIT, and the commands replicas send: REPLCONF, PSYNC, SYNC.
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
  if (r->failover_in_progress()) {
    ctx.reply.Error(err::kReplicaOfWhileFailingOver);
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

// FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms], parsed as redis-server 7.0.15 parses it (each option
// once, ABORT only alone); the failover itself is replication's (Replication::StartFailover).
void FailoverCmd(CommandContext& ctx) {
  Replication* r = Repl(ctx);
  if (ctx.server.config().cluster_enabled) {
    ctx.reply.Error(err::kFailoverClusterMode);
    return;
  }
  if (ctx.argc() == 2 && EqualsIgnoreCase(ctx.arg(1), "abort")) {
    if (!r->AbortFailover("Failover manually aborted")) {
      ctx.reply.Error(err::kNoFailoverInProgress);
      return;
    }
    ctx.reply.Ok();
    return;
  }
  int64_t timeout_ms = 0, port = 0;
  bool force = false, to = false;
  std::string host;
  for (size_t j = 1; j < ctx.argc(); j++) {
    if (EqualsIgnoreCase(ctx.arg(j), "timeout") && j + 1 < ctx.argc() && timeout_ms == 0) {
      if (!ParseInt64(ctx.arg(j + 1), &timeout_ms)) {
        ctx.reply.Error(err::kNotInteger);
        return;
      }
      if (timeout_ms <= 0) {
        ctx.reply.Error(err::kFailoverTimeoutPositive);
        return;
      }
      j++;
    } else if (EqualsIgnoreCase(ctx.arg(j), "to") && j + 2 < ctx.argc() && !to) {
      if (!ParseInt64(ctx.arg(j + 2), &port)) {
        ctx.reply.Error(err::kNotInteger);
        return;
      }
      host.assign(ctx.arg(j + 1));
      to = true;
      j += 2;
    } else if (EqualsIgnoreCase(ctx.arg(j), "force") && !force) {
      force = true;
    } else {
      ctx.reply.Error(err::kSyntax);
      return;
    }
  }
  std::string error = r->StartFailover(to, host, port, timeout_ms, force);
  if (!error.empty()) {
    ctx.reply.Error(error);
    return;
  }
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
  r.Add(Spec("failover", -1, admin, 0, 0, 0, FailoverCmd, nullptr, g, "Start a coordinated failover between this server and one of its replicas."));
  r.Add(Spec("role", 1, kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast, 0, 0, 0, RoleCmd, nullptr, g, "Returns the replication role."));
  r.Add(Spec("replconf", -1, admin | kCmdLoading | kCmdAllowBusy, 0, 0, 0, ReplconfCmd, nullptr, g, "An internal command for configuring the replication stream."));
  r.Add(Spec("psync", -3, admin | kCmdNoMulti, 0, 0, 0, PsyncCmd, nullptr, g, "An internal command used in replication."));
  r.Add(Spec("sync", 1, admin | kCmdNoMulti, 0, 0, 0, PsyncCmd, nullptr, g, "An internal command used in replication."));
  r.Add(Spec("wait", 3, kCmdNoScript, 0, 0, 0, WaitCmd, nullptr, "generic", "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed."));
}

}  // namespace rcs
