// Cluster commands: CLUSTER (every subcommand redis-cli --cluster and the cluster clients use), READONLY,
// READWRITE, ASKING and MIGRATE. Replies and errors as Redis 7.0 sends them.
#include <algorithm>
#include <cstring>
#include <set>

#include "base/redis_compat.h"
#include "base/strutil.h"
#include "cluster/cluster.h"
#include "keyspace/command_stream.h"
#include "keyspace/dump.h"
#include "net/socket.h"
#include "protocol/errors.h"
#include "server/client.h"
#include "server/command.h"
#include "server/server.h"
#include "server/slot_stats.h"

namespace rcs {
namespace {

using cluster::Cluster;
using cluster::ClusterNode;
using cluster::ClusterState;


Cluster* GetCluster(CommandContext& ctx) {
  if (!ctx.server.config().cluster_enabled) {
    ctx.reply.Error(err::kClusterDisabled);
    return nullptr;
  }
  Cluster* c = ctx.server.subsystem<Cluster>();
  if (c == nullptr) ctx.reply.Error(err::kClusterDisabled);
  return c;
}

// A slot argument as Redis's getSlotOrReply.
bool SlotArg(CommandContext& ctx, std::string_view arg, int* slot) {
  int64_t v;
  if (!ParseInt64(arg, &v) || v < 0 || v >= kClusterSlots) {
    ctx.reply.Error(err::kInvalidSlot);
    return false;
  }
  *slot = static_cast<int>(v);
  return true;
}

// The node named by id, or nullptr after replying unknown(id) (Redis's texts differ by subcommand).
ClusterNode* NodeArg(CommandContext& ctx, Cluster* cl, std::string_view id,
                     std::string (*unknown)(std::string_view) = err::UnknownNode) {
  ClusterNode* n = cl->state().Find(id);
  if (n == nullptr || n->is(cluster::kNodeHandshake)) {
    ctx.reply.Error(unknown(id));
    return nullptr;
  }
  return n;
}

std::string LineWithoutNewline(const ClusterState& st, const ClusterNode& n, int64_t now) {
  std::string s = st.NodeLine(n, now);
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

void ClusterInfo(CommandContext& ctx) {
  if (Cluster* cl = GetCluster(ctx)) ctx.reply.Verbatim(cl->InfoText());
}

void ClusterNodes(CommandContext& ctx) {
  if (Cluster* cl = GetCluster(ctx)) ctx.reply.Verbatim(cl->state().NodesText(ctx.now_ms));
}

void ClusterMyId(CommandContext& ctx) {
  if (Cluster* cl = GetCluster(ctx)) ctx.reply.Bulk(cl->state().myself()->id);
}

void ClusterMyShardId(CommandContext& ctx) {
  Cluster* cl = GetCluster(ctx);
  if (cl == nullptr) return;
  // Our shard id: the id of the shard's master (stable while the shard keeps its master).
  ClusterNode* me = cl->state().myself();
  ctx.reply.Bulk(me->is_replica() && !me->master_id.empty() ? me->master_id : me->id);
}

void NodeEndpoint(CommandContext& ctx, Cluster* cl, const ClusterNode& n) {
  bool host = cl->use_hostname();
  ctx.reply.Array(4);
  ctx.reply.Bulk(cl->PreferredEndpoint(n));
  ctx.reply.Integer(n.port);
  ctx.reply.Bulk(n.id);
  size_t extra = (host ? 1 : 0) + (!host && !n.hostname.empty() ? 1 : 0);
  ctx.reply.Map(extra);
  if (host) {
    ctx.reply.Bulk("ip");
    ctx.reply.Bulk(n.ip);
  }
  if (!host && !n.hostname.empty()) {
    ctx.reply.Bulk("hostname");
    ctx.reply.Bulk(n.hostname);
  }
}

void ClusterSlots(CommandContext& ctx) {
  Cluster* cl = GetCluster(ctx);
  if (cl == nullptr) return;
  ClusterState& st = cl->state();
  struct Range {
    int first, last;
    ClusterNode* n;
  };
  std::vector<Range> ranges;
  for (int s = 0; s < kClusterSlots; s++) {
    ClusterNode* o = st.owner(s);
    if (o == nullptr) continue;
    if (!ranges.empty() && ranges.back().n == o && ranges.back().last == s - 1) {
      ranges.back().last = s;
    } else {
      ranges.push_back({s, s, o});
    }
  }
  ctx.reply.Array(ranges.size());
  for (const Range& r : ranges) {
    std::vector<ClusterNode*> replicas;
    for (ClusterNode* rep : st.ReplicasOf(r.n->id)) {
      if (!rep->failed()) replicas.push_back(rep);
    }
    ctx.reply.Array(3 + replicas.size());
    ctx.reply.Integer(r.first);
    ctx.reply.Integer(r.last);
    NodeEndpoint(ctx, cl, *r.n);
    for (ClusterNode* rep : replicas) NodeEndpoint(ctx, cl, *rep);
  }
}

void ShardNode(CommandContext& ctx, Cluster* cl, const ClusterNode& n) {
  bool has_host = !n.hostname.empty();
  ctx.reply.Map(has_host ? 8 : 7);
  ctx.reply.Bulk("id");
  ctx.reply.Bulk(n.id);
  ctx.reply.Bulk("port");
  ctx.reply.Integer(n.port);
  ctx.reply.Bulk("ip");
  ctx.reply.Bulk(n.ip);
  ctx.reply.Bulk("endpoint");
  ctx.reply.Bulk(cl->PreferredEndpoint(n));
  if (has_host) {
    ctx.reply.Bulk("hostname");
    ctx.reply.Bulk(n.hostname);
  }
  ctx.reply.Bulk("role");
  ctx.reply.Bulk(n.is_replica() ? "replica" : "master");
  int64_t offset = n.is(cluster::kNodeMyself) ? cl->replication().ReplicationOffset() : n.repl_offset;
  ctx.reply.Bulk("replication-offset");
  ctx.reply.Integer(offset);
  ctx.reply.Bulk("health");
  if (n.failed()) ctx.reply.Bulk("fail");
  else if (n.is_replica() && offset == 0) ctx.reply.Bulk("loading");
  else ctx.reply.Bulk("online");
}

void ClusterShards(CommandContext& ctx) {
  Cluster* cl = GetCluster(ctx);
  if (cl == nullptr) return;
  ClusterState& st = cl->state();
  std::vector<ClusterNode*> masters;
  for (auto& [id, n] : st.nodes()) {
    if (n->is_master() && !n->is(cluster::kNodeHandshake)) masters.push_back(n.get());
  }
  ctx.reply.Array(masters.size());
  for (ClusterNode* m : masters) {
    ctx.reply.Map(2);
    ctx.reply.Bulk("slots");
    auto ranges = cluster::RangesOf(m->slots);
    ctx.reply.Array(ranges.size() * 2);
    for (auto& r : ranges) {
      ctx.reply.Integer(r.first);
      ctx.reply.Integer(r.last);
    }
    ctx.reply.Bulk("nodes");
    auto reps = st.ReplicasOf(m->id);
    ctx.reply.Array(1 + reps.size());
    ShardNode(ctx, cl, *m);
    for (ClusterNode* r : reps) ShardNode(ctx, cl, *r);
  }
}

void ClusterMeet(CommandContext& ctx) {
  Cluster* cl = GetCluster(ctx);
  if (cl == nullptr) return;
  if (ctx.argc() != 4 && ctx.argc() != 5) return ctx.reply.Error(err::WrongArgs("cluster|meet"));
  int64_t port, cport;
  if (!ParseInt64(ctx.arg(3), &port)) {
    return ctx.reply.Error(err::InvalidBasePort(ctx.arg(3)));
  }
  if (ctx.argc() == 5) {
    if (!ParseInt64(ctx.arg(4), &cport)) {
      return ctx.reply.Error(err::InvalidBusPort(ctx.arg(4)));
    }
  } else {
    cport = port + kClusterBusPortOffset;
  }
  if (port < 0 || port > 65535 || cport < 0 || cport > 65535 ||
      !cl->Meet(std::string(ctx.arg(2)), static_cast<int>(port), static_cast<int>(cport)).ok()) {
    return ctx.reply.Error(err::InvalidNodeAddress(ctx.arg(2), ctx.arg(3)));
  }
  ctx.reply.Ok();
}

// ADDSLOTS/DELSLOTS and their RANGE forms share the checks and the apply step.
void ChangeSlots(CommandContext& ctx, bool add, bool range) {
  Cluster* cl = GetCluster(ctx);
  if (cl == nullptr) return;
  ClusterState& st = cl->state();
  std::vector<int> slots;
  if (range) {
    if (ctx.argc() % 2 == 1) return ctx.reply.Error(err::WrongArgs(add ? "cluster|addslotsrange" : "cluster|delslotsrange"));
    for (size_t i = 2; i + 1 < ctx.argc(); i += 2) {
      int a, b;
      if (!SlotArg(ctx, ctx.arg(i), &a) || !SlotArg(ctx, ctx.arg(i + 1), &b)) return;
      if (a > b) {
        return ctx.reply.Error(err::SlotRangeReversed(a, b));
      }
      for (int s = a; s <= b; s++) slots.push_back(s);
    }
  } else {
    slots.reserve(ctx.argc() - 2);
    for (size_t i = 2; i < ctx.argc(); i++) {
      int s;
      if (!SlotArg(ctx, ctx.arg(i), &s)) return;
      slots.push_back(s);
    }
  }
  std::vector<uint8_t> seen(kClusterSlots, 0);
  for (int s : slots) {
    if (add && st.owner(s) != nullptr) return ctx.reply.Error(err::SlotBusy(s));
    if (!add && st.owner(s) == nullptr) {
      return ctx.reply.Error(err::SlotUnassigned(s));
    }
    if (seen[s]++) return ctx.reply.Error(err::SlotRepeated(s));
  }
  for (int s : slots) {
    if (add) {
      st.SetImporting(s, "");
      st.AssignSlot(s, st.myself());
    } else {
      st.UnassignSlot(s);
    }
  }
  cl->BroadcastConfigSoon();
  ctx.reply.Ok();
}

void ClusterAddSlots(CommandContext& ctx) { ChangeSlots(ctx, true, false); }
void ClusterDelSlots(CommandContext& ctx) { ChangeSlots(ctx, false, false); }
void ClusterAddSlotsRange(CommandContext& ctx) { ChangeSlots(ctx, true, true); }
void ClusterDelSlotsRange(CommandContext& ctx) { ChangeSlots(ctx, false, true); }

void ClusterFlushSlots(CommandContext& ctx) {
  Cluster* cl = GetCluster(ctx);
  if (cl == nullptr) return;
  if (ctx.db.size() != 0) return ctx.reply.Error(err::kFlushSlotsNotEmpty);
  ClusterState& st = cl->state();
  for (int s = 0; s < kClusterSlots; s++) {
    if (st.owner(s) == st.myself()) st.UnassignSlot(s);
  }
  cl->MarkChanged();
  ctx.reply.Ok();
}

void ClusterSetSlot(CommandContext& ctx) {
  Cluster* cl = GetCluster(ctx);
  if (cl == nullptr) return;
  ClusterState& st = cl->state();
  ClusterNode* me = st.myself();
  if (me->is_replica()) return ctx.reply.Error(err::kSetSlotReplica);
  int slot;
  if (!SlotArg(ctx, ctx.arg(2), &slot)) return;
  std::string_view action = ctx.arg(3);
  if (EqualsIgnoreCase(action, "migrating") && ctx.argc() == 5) {
    if (st.owner(slot) != me) return ctx.reply.Error(err::NotSlotOwner(slot));
    ClusterNode* n = NodeArg(ctx, cl, ctx.arg(4), err::DontKnowNode);
    if (n == nullptr) return;
    if (n->is_replica()) return ctx.reply.Error(err::kTargetNotMaster);
    st.SetMigrating(slot, n->id);
  } else if (EqualsIgnoreCase(action, "importing") && ctx.argc() == 5) {
    if (st.owner(slot) == me) {
      return ctx.reply.Error(err::AlreadySlotOwner(slot));
    }
    ClusterNode* n = NodeArg(ctx, cl, ctx.arg(4), err::DontKnowNode);
    if (n == nullptr) return;
    if (n->is_replica()) return ctx.reply.Error(err::kTargetNotMaster);
    st.SetImporting(slot, n->id);
  } else if (EqualsIgnoreCase(action, "stable") && ctx.argc() == 4) {
    st.SetMigrating(slot, "");
    st.SetImporting(slot, "");
  } else if (EqualsIgnoreCase(action, "node") && ctx.argc() == 5) {
    ClusterNode* n = NodeArg(ctx, cl, ctx.arg(4));
    if (n == nullptr) return;
    if (n->is_replica()) return ctx.reply.Error(err::kTargetNotMaster);
    size_t keys = ctx.db.CountKeysInSlot(slot);
    if (st.owner(slot) == me && n != me && keys > 0) {
      return ctx.reply.Error(err::SlotHasKeys(slot));
    }
    if (keys == 0 && !st.migrating_id(slot).empty()) st.SetMigrating(slot, "");
    if (n == me && !st.importing_id(slot).empty()) {
      // The import is done: claim the slot with a new epoch so the rest of the cluster follows us.
      st.SetImporting(slot, "");
      cl->BumpEpoch();
    }
    st.AssignSlot(slot, n);
  } else {
    return ctx.reply.Error(err::kSetSlotSyntax);
  }
  cl->BroadcastConfigSoon();
  cl->UpdateState();
  ctx.reply.Ok();
}

void ClusterSetConfigEpoch(CommandContext& ctx) {
  Cluster* cl = GetCluster(ctx);
  if (cl == nullptr) return;
  int64_t epoch;
  if (!ParseInt64(ctx.arg(2), &epoch)) return ctx.reply.Error(err::kNotInteger);
  ClusterState& st = cl->state();
  if (epoch < 0) return ctx.reply.Error(err::InvalidConfigEpoch(epoch));
  if (st.nodes().size() > 1) return ctx.reply.Error(err::kEpochOthers);
  if (st.myself()->config_epoch != 0) return ctx.reply.Error(err::kEpochNonZero);
  st.myself()->config_epoch = static_cast<uint64_t>(epoch);
  if (st.current_epoch < static_cast<uint64_t>(epoch)) st.current_epoch = static_cast<uint64_t>(epoch);
  cl->MarkChanged();
  ctx.reply.Ok();
}

void ClusterBumpEpoch(CommandContext& ctx) {
  Cluster* cl = GetCluster(ctx);
  if (cl == nullptr) return;
  bool bumped = cl->BumpEpoch();
  if (bumped) cl->BroadcastConfigSoon();
  ctx.reply.Simple(std::string(bumped ? "BUMPED " : "STILL ") + std::to_string(cl->state().myself()->config_epoch));
}

void ClusterReplicate(CommandContext& ctx) {
  Cluster* cl = GetCluster(ctx);
  if (cl == nullptr) return;
  ClusterNode* n = NodeArg(ctx, cl, ctx.arg(2));
  if (n == nullptr) return;
  ClusterNode* me = cl->state().myself();
  if (n == me) return ctx.reply.Error(err::kReplicateMyself);
  if (n->is_replica()) return ctx.reply.Error(err::kReplicateReplica);
  if (me->is_master() && (me->num_slots != 0 || ctx.db.size() != 0)) return ctx.reply.Error(err::kReplicateNotEmpty);
  cl->SetMyMaster(n);
  cl->BroadcastConfigSoon();
  cl->UpdateState();
  ctx.reply.Ok();
}

// CLUSTER FAILOVER [FORCE|TAKEOVER]: on a replica, take over from its master (failover.cc explains the
// three kinds). Replies OK once the failover has started, as Redis does; CLUSTER NODES/ROLE show the outcome.
void ClusterFailover(CommandContext& ctx) {
  Cluster* cl = GetCluster(ctx);
  if (cl == nullptr) return;
  Cluster::ManualFailover kind = Cluster::ManualFailover::kDefault;
  if (ctx.argv.size() == 3) {
    if (EqualsIgnoreCase(ctx.arg(2), "force")) kind = Cluster::ManualFailover::kForce;
    else if (EqualsIgnoreCase(ctx.arg(2), "takeover")) kind = Cluster::ManualFailover::kTakeover;
    else return ctx.reply.Error(err::kSyntax);
  } else if (ctx.argv.size() > 3) {
    return ctx.reply.Error(err::kSyntax);
  }
  ClusterNode* me = cl->state().myself();
  if (me->is_master()) return ctx.reply.Error(err::kFailoverToMaster);
  ClusterNode* master = cl->state().Find(me->master_id);
  if (master == nullptr) return ctx.reply.Error(err::kFailoverMasterUnknown);
  if (kind == Cluster::ManualFailover::kDefault && (master->failed() || !master->link_connected)) {
    return ctx.reply.Error(err::kFailoverMasterDown);
  }
  cl->StartManualFailover(kind);
  ctx.reply.Ok();
}

void ClusterReplicas(CommandContext& ctx) {
  Cluster* cl = GetCluster(ctx);
  if (cl == nullptr) return;
  ClusterNode* n = NodeArg(ctx, cl, ctx.arg(2));
  if (n == nullptr) return;
  if (!n->is_master()) return ctx.reply.Error(err::kNotMaster);
  auto reps = cl->state().ReplicasOf(n->id);
  ctx.reply.Array(reps.size());
  for (ClusterNode* r : reps) ctx.reply.Bulk(LineWithoutNewline(cl->state(), *r, ctx.now_ms));
}

void ClusterForget(CommandContext& ctx) {
  Cluster* cl = GetCluster(ctx);
  if (cl == nullptr) return;
  ClusterNode* n = NodeArg(ctx, cl, ctx.arg(2));
  if (n == nullptr) return;
  ClusterNode* me = cl->state().myself();
  if (n == me) return ctx.reply.Error(err::kForgetMyself);
  if (me->is_replica() && me->master_id == n->id) return ctx.reply.Error(err::kForgetMaster);
  cl->Forget(n);
  cl->UpdateState();
  ctx.reply.Ok();
}

void ClusterReset(CommandContext& ctx) {
  Cluster* cl = GetCluster(ctx);
  if (cl == nullptr) return;
  bool hard = false;
  if (ctx.argc() == 3) {
    if (EqualsIgnoreCase(ctx.arg(2), "hard")) hard = true;
    else if (!EqualsIgnoreCase(ctx.arg(2), "soft")) return ctx.reply.Error(err::kSyntax);
  } else if (ctx.argc() > 3) {
    return ctx.reply.Error(err::kSyntax);
  }
  if (cl->state().myself()->is_master() && ctx.db.size() != 0) return ctx.reply.Error(err::kResetWithKeys);
  cl->Reset(hard);
  ctx.reply.Ok();
}

// CLUSTER SLOT-STATS SLOTSRANGE start end | ORDERBY metric [LIMIT n] [ASC|DESC] (Valkey 8.0, Redis 8.2):
// the slots of this node's shard (a replica answers for its master's), each as [slot, {key-count, and while
// cluster-slot-stats-enabled also cpu-usec, network-bytes-in, network-bytes-out}] (server/slot_stats.h).
// SLOTSRANGE lists by slot; ORDERBY sorts by the metric (DESC unless ASC, ties by slot) and keeps LIMIT
// (default 16384). Only key-count may be sorted by while the counters are off.
void ClusterSlotStats(CommandContext& ctx) {
  Cluster* cl = GetCluster(ctx);
  if (cl == nullptr) return;
  const ClusterState& st = cl->state();
  const ClusterNode* master = st.myself() == nullptr ? nullptr : st.MasterOf(st.myself());
  auto mine = [&](int slot) { return master != nullptr && master->slots.test(slot); };
  const bool counters = ctx.server.config().cluster_slot_stats_enabled;
  const SlotStats& stats = ctx.server.slot_stats();
  enum Metric { kKeyCount, kCpu, kBytesIn, kBytesOut };
  auto value = [&](int slot, Metric m) -> uint64_t {
    switch (m) {
      case kKeyCount: return ctx.db.CountKeysInSlot(slot);
      case kCpu: return stats.at(slot).cpu_usec;
      case kBytesIn: return stats.at(slot).network_bytes_in;
      case kBytesOut: return stats.at(slot).network_bytes_out;
    }
    return 0;
  };
  auto reply_slot = [&](int slot) {
    ctx.reply.Array(2);
    ctx.reply.Integer(slot);
    ctx.reply.Map(counters ? 4 : 1);
    ctx.reply.Bulk("key-count");
    ctx.reply.Integer(static_cast<int64_t>(ctx.db.CountKeysInSlot(slot)));
    if (!counters) return;
    const SlotStats::Counters& n = stats.at(slot);
    ctx.reply.Bulk("cpu-usec");
    ctx.reply.Integer(static_cast<int64_t>(n.cpu_usec));
    ctx.reply.Bulk("network-bytes-in");
    ctx.reply.Integer(static_cast<int64_t>(n.network_bytes_in));
    ctx.reply.Bulk("network-bytes-out");
    ctx.reply.Integer(static_cast<int64_t>(n.network_bytes_out));
  };
  const size_t argc = ctx.argc();
  if (argc == 5 && EqualsIgnoreCase(ctx.arg(2), "slotsrange")) {
    int start, end;
    if (!SlotArg(ctx, ctx.arg(3), &start) || !SlotArg(ctx, ctx.arg(4), &end)) return;
    if (start > end) return ctx.reply.Error(err::SlotStatsRangeReversed(start, end));
    size_t n = 0;
    for (int s = start; s <= end; s++) n += mine(s);
    ctx.reply.Array(n);
    for (int s = start; s <= end; s++) {
      if (mine(s)) reply_slot(s);
    }
    return;
  }
  if (argc >= 4 && EqualsIgnoreCase(ctx.arg(2), "orderby")) {
    std::string_view name = ctx.arg(3);
    Metric metric;
    if (EqualsIgnoreCase(name, "key-count")) {
      metric = kKeyCount;
    } else if (counters && EqualsIgnoreCase(name, "cpu-usec")) {
      metric = kCpu;
    } else if (counters && EqualsIgnoreCase(name, "network-bytes-in")) {
      metric = kBytesIn;
    } else if (counters && EqualsIgnoreCase(name, "network-bytes-out")) {
      metric = kBytesOut;
    } else {
      return ctx.reply.Error(err::kSlotStatsMetric);
    }
    bool desc = true;
    int64_t limit = kClusterSlots;
    int limits = 0, orders = 0;
    for (size_t i = 4; i < argc; i++) {
      if (EqualsIgnoreCase(ctx.arg(i), "limit") && i + 1 < argc) {
        if (!ParseInt64(ctx.arg(i + 1), &limit) || limit < 1 || limit > kClusterSlots) {
          return ctx.reply.Error(err::kSlotStatsLimit);
        }
        i++;
        limits++;
      } else if (EqualsIgnoreCase(ctx.arg(i), "asc")) {
        desc = false;
        orders++;
      } else if (EqualsIgnoreCase(ctx.arg(i), "desc")) {
        desc = true;
        orders++;
      } else {
        return ctx.reply.Error(err::kSyntax);
      }
      if (limits > 1 || orders > 1) return ctx.reply.Error(err::kSlotStatsRepeatedFilter);
    }
    std::vector<std::pair<uint64_t, int>> order;  // (value, slot)
    for (int s = 0; s < kClusterSlots; s++) {
      if (mine(s)) order.emplace_back(value(s, metric), s);
    }
    // Ties by ascending slot either way.
    std::sort(order.begin(), order.end(), [desc](const auto& a, const auto& b) {
      if (a.first != b.first) return desc ? a.first > b.first : a.first < b.first;
      return a.second < b.second;
    });
    size_t n = std::min(order.size(), static_cast<size_t>(limit));
    ctx.reply.Array(n);
    for (size_t i = 0; i < n; i++) reply_slot(order[i].second);
    return;
  }
  ctx.reply.Error(err::SubcommandSyntax(ctx.arg(1), "cluster"));
}

void ClusterCountKeysInSlot(CommandContext& ctx) {
  if (GetCluster(ctx) == nullptr) return;
  int64_t slot;
  if (!ParseInt64(ctx.arg(2), &slot)) return ctx.reply.Error(err::kNotInteger);
  if (slot < 0 || slot >= kClusterSlots) return ctx.reply.Error(err::kInvalidSlotShort);
  ctx.reply.Integer(static_cast<int64_t>(ctx.db.CountKeysInSlot(static_cast<int>(slot))));
}

void ClusterGetKeysInSlot(CommandContext& ctx) {
  if (GetCluster(ctx) == nullptr) return;
  int64_t slot, count;
  if (!ParseInt64(ctx.arg(2), &slot) || !ParseInt64(ctx.arg(3), &count)) return ctx.reply.Error(err::kNotInteger);
  if (count < 0 || slot < 0 || slot >= kClusterSlots) return ctx.reply.Error(err::kInvalidSlotOrKeys);
  ctx.reply.BulkArray(ctx.db.GetKeysInSlot(static_cast<int>(slot), static_cast<size_t>(count)));
}

void ClusterKeySlot(CommandContext& ctx) {
  if (GetCluster(ctx) == nullptr) return;
  ctx.reply.Integer(KeyHashSlot(ctx.arg(2)));
}

void ClusterCountFailureReports(CommandContext& ctx) {
  Cluster* cl = GetCluster(ctx);
  if (cl == nullptr) return;
  ClusterNode* n = NodeArg(ctx, cl, ctx.arg(2));
  if (n == nullptr) return;
  ctx.reply.Integer(static_cast<int64_t>(
      n->fail_reports.CountValid(ctx.now_ms, ctx.server.config().cluster_node_timeout * 2)));
}

void ClusterSaveConfig(CommandContext& ctx) {
  Cluster* cl = GetCluster(ctx);
  if (cl == nullptr) return;
  Status st = cl->SaveConfig();
  if (!st.ok()) return ctx.reply.Error(err::SaveConfigFailed(st.message()));
  ctx.reply.Ok();
}

void ClusterLinks(CommandContext& ctx) {
  if (Cluster* cl = GetCluster(ctx)) cl->SetLinksReply(ctx.reply);
}

void ClusterHelp(CommandContext& ctx) {
  ReplyHelp(ctx, {
      "CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ADDSLOTS <slot> [<slot> ...]", "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
      "BUMPEPOCH", "COUNT-FAILURE-REPORTS <node-id>", "COUNTKEYSINSLOT <slot>", "DELSLOTS <slot> [<slot> ...]",
      "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]", "FLUSHSLOTS", "FORGET <node-id>",
      "GETKEYSINSLOT <slot> <count>", "INFO", "KEYSLOT <key>", "LINKS", "MEET <ip> <port> [<bus-port>]", "MYID",
      "MYSHARDID", "NODES", "REPLICATE <node-id>", "RESET [HARD|SOFT]", "SET-CONFIG-EPOCH <epoch>",
      "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)", "REPLICAS <node-id>",
      "SAVECONFIG", "SHARDS", "SLOTS", "HELP"});
}

void ClusterContainer(CommandContext& ctx) {
  ctx.reply.Error(err::UnknownSubcommand(ctx.argc() > 1 ? ctx.arg(1) : "", "cluster"));
}

void ReadOnlyCmd(CommandContext& ctx) {
  if (!ctx.server.config().cluster_enabled) return ctx.reply.Error(err::kClusterDisabled);
  ctx.client->flags |= kClientReadOnly;
  ctx.reply.Ok();
}

void ReadWriteCmd(CommandContext& ctx) {
  if (!ctx.server.config().cluster_enabled) return ctx.reply.Error(err::kClusterDisabled);
  ctx.client->flags &= ~kClientReadOnly;
  ctx.reply.Ok();
}

void AskingCmd(CommandContext& ctx) {
  if (!ctx.server.config().cluster_enabled) return ctx.reply.Error(err::kClusterDisabled);
  ctx.client->flags |= kClientAsking;
  ctx.reply.Ok();
}

// ---- MIGRATE ----

// MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw] [AUTH2 user pw] [KEYS k...]: keys at 3 or
// after KEYS.
bool MigrateKeys(ArgList argv, std::vector<int>* out) {
  if (argv.size() < 6) return false;
  for (size_t i = 6; i < argv.size(); i++) {
    std::string_view a = argv[i];
    if (EqualsIgnoreCase(a, "auth")) {
      i++;
    } else if (EqualsIgnoreCase(a, "auth2")) {
      i += 2;
    } else if (EqualsIgnoreCase(a, "keys")) {
      if (!argv[3].empty()) return false;
      for (size_t k = i + 1; k < argv.size(); k++) out->push_back(static_cast<int>(k));
      return true;
    }
  }
  out->push_back(3);
  return true;
}

void MigrateCmd(CommandContext& ctx) {
  bool copy = false, replace = false;
  std::string user, password;
  bool auth = false;
  size_t first_key = 3, num_keys = 1;
  for (size_t i = 6; i < ctx.argc(); i++) {
    std::string_view a = ctx.arg(i);
    bool more = i + 1 < ctx.argc();
    if (EqualsIgnoreCase(a, "copy")) {
      copy = true;
    } else if (EqualsIgnoreCase(a, "replace")) {
      replace = true;
    } else if (EqualsIgnoreCase(a, "auth")) {
      if (!more) return ctx.reply.Error(err::kSyntax);
      auth = true;
      password = std::string(ctx.arg(++i));
    } else if (EqualsIgnoreCase(a, "auth2")) {
      if (i + 2 >= ctx.argc()) return ctx.reply.Error(err::kSyntax);
      auth = true;
      user = std::string(ctx.arg(++i));
      password = std::string(ctx.arg(++i));
    } else if (EqualsIgnoreCase(a, "keys")) {
      if (!ctx.arg(3).empty()) return ctx.reply.Error(err::kMigrateKeysArg);
      first_key = i + 1;
      num_keys = ctx.argc() - i - 1;
      break;
    } else {
      return ctx.reply.Error(err::kSyntax);
    }
  }
  int64_t timeout, dbid;
  if (!ParseInt64(ctx.arg(5), &timeout) || !ParseInt64(ctx.arg(4), &dbid)) return ctx.reply.Error(err::kNotInteger);
  if (timeout <= 0) timeout = 1000;
  // Keys that exist; none at all: NOKEY.
  std::vector<std::string_view> keys;
  std::vector<const Entry*> entries;
  for (size_t i = 0; i < num_keys; i++) {
    std::string_view k = ctx.arg(first_key + i);
    const Entry* e = ctx.db.FindRead(k);
    if (e == nullptr) continue;
    keys.push_back(k);
    entries.push_back(e);
  }
  if (keys.empty()) return ctx.reply.Simple("NOKEY");
  int64_t port = 0;
  if (!ParseInt64(ctx.arg(2), &port) || port < 0 || port > 65535) return ctx.reply.Error(err::kIoConnect);
  // redis-server waits only for the socket to become writable: a refused connection fails at its first
  // write ("writing to target instance"); a timeout or a name that does not resolve, at the connect.
  bool refused = false;
  auto sock = net::ConnectWithDeadline(std::string(ctx.arg(1)), static_cast<int>(port), timeout, &refused);
  if (!sock.ok()) return ctx.reply.Error(refused ? err::kIoWrite : err::kIoConnect);
  net::Connection target(std::move(*sock));
  std::string& out = target.output_buffer();
  int expected = 0;
  if (auth) {
    if (user.empty()) AppendRespCommand(&out, {"AUTH", password});
    else AppendRespCommand(&out, {"AUTH", user, password});
    expected++;
  }
  std::string db = std::to_string(dbid);
  AppendRespCommand(&out, {"SELECT", db});
  expected++;
  bool cluster = ctx.server.config().cluster_enabled;
  for (size_t i = 0; i < keys.size(); i++) {
    int64_t ttl = 0;
    if (entries[i]->has_expire()) {
      ttl = entries[i]->expire_at_ms() - ctx.now_ms;
      if (ttl < 1) ttl = 1;
    }
    std::string payload = CreateDumpPayload(*entries[i]);
    std::string ttls = std::to_string(ttl);
    std::vector<std::string_view> cmd = {cluster ? "RESTORE-ASKING" : "RESTORE", keys[i], ttls, payload};
    if (replace) cmd.push_back("REPLACE");
    AppendRespCommand(&out, cmd);
  }
  if (!target.FlushBlocking(timeout).ok()) return ctx.reply.Error(err::kIoWrite);
  std::string error;
  for (int i = 0; i < expected; i++) {
    auto line = target.ReadLineBlocking(timeout);
    if (!line.ok()) return ctx.reply.Error(err::kIoRead);
    if (!line->empty() && (*line)[0] == '-' && error.empty()) error = line->substr(1);
  }
  if (!error.empty()) {
    // AUTH or SELECT failed: nothing was moved.
    return ctx.reply.Error(err::TargetError(error));
  }
  std::vector<std::string> moved;
  for (size_t i = 0; i < keys.size(); i++) {
    auto line = target.ReadLineBlocking(timeout);
    if (!line.ok()) {
      error = "\x01io";
      break;
    }
    if (!line->empty() && (*line)[0] == '-') {
      if (error.empty()) error = line->substr(1);
    } else {
      moved.push_back(std::string(keys[i]));
    }
  }
  target.Close();
  // Every key the target accepted is deleted here (unless COPY): a key is never in both places nor lost.
  if (!copy && !moved.empty()) {
    std::vector<std::string> del = {"DEL"};
    for (const auto& k : moved) {
      ctx.db.Delete(k);
      del.push_back(k);
    }
    ctx.PropagateAs(del);
    ctx.dirty += static_cast<int64_t>(moved.size());
  }
  if (error == "\x01io") return ctx.reply.Error(err::kIoRead);
  if (!error.empty()) return ctx.reply.Error(err::TargetError(error));
  ctx.reply.Ok();
}

// The spec of CLUSTER or one of its subcommands (all in the "cluster" group).
CommandSpec ClusterSpec(const char* name, int arity, uint32_t flags, CommandHandler h, const char* summary,
                        int first = 0, int last = 0, int step = 0) {
  return GroupSpec(name, arity, flags, h, "cluster", summary, first, last, step);
}

}  // namespace

void RegisterClusterFamily(CommandRegistry& r) {
  const uint32_t adm = kCmdAdmin | kCmdStale | kCmdNoScript, st = kCmdStale, fast = kCmdFast;
  CommandSpec c = ClusterSpec("cluster", -2, 0, ClusterContainer, "A container for Redis Cluster commands.");
  c.subcommands = {
      ClusterSpec("cluster|addslots", -3, adm, ClusterAddSlots, "Assigns new hash slots to a node."),
      ClusterSpec("cluster|addslotsrange", -4, adm, ClusterAddSlotsRange, "Assigns new hash slot ranges to a node."),
      ClusterSpec("cluster|bumpepoch", 2, adm, ClusterBumpEpoch, "Advances the cluster config epoch."),
      ClusterSpec("cluster|count-failure-reports", 3, adm, ClusterCountFailureReports,
          "Returns the number of active failure reports active for a node."),
      ClusterSpec("cluster|countkeysinslot", 3, st, ClusterCountKeysInSlot,
          "Returns the number of keys in a hash slot."),
      ClusterSpec("cluster|delslots", -3, adm, ClusterDelSlots, "Sets hash slots as unbound for a node."),
      ClusterSpec("cluster|delslotsrange", -4, adm, ClusterDelSlotsRange,
          "Sets hash slot ranges as unbound for a node."),
      ClusterSpec("cluster|failover", -2, adm, ClusterFailover,
          "Forces a replica to perform a manual failover of its master."),
      ClusterSpec("cluster|flushslots", 2, adm, ClusterFlushSlots, "Deletes all slots information from a node."),
      ClusterSpec("cluster|forget", 3, adm, ClusterForget, "Removes a node from the nodes table."),
      ClusterSpec("cluster|getkeysinslot", 4, st, ClusterGetKeysInSlot, "Returns the key names in a hash slot."),
      HelpSpec("cluster|help", ClusterHelp, "cluster"),
      ClusterSpec("cluster|info", 2, st, ClusterInfo, "Returns information about the state of a node."),
      ClusterSpec("cluster|keyslot", 3, st, ClusterKeySlot, "Returns the hash slot for a key."),
      ClusterSpec("cluster|links", 2, st, ClusterLinks, "Returns a list of all TCP links to and from peer nodes."),
      ClusterSpec("cluster|meet", -4, adm, ClusterMeet, "Forces a node to handshake with another node."),
      ClusterSpec("cluster|myid", 2, st, ClusterMyId, "Returns the ID of a node."),
      ClusterSpec("cluster|myshardid", 2, st, ClusterMyShardId, "Returns the shard ID of a node."),
      ClusterSpec("cluster|nodes", 2, st, ClusterNodes, "Returns the cluster configuration for a node."),
      ClusterSpec("cluster|replicas", 3, adm, ClusterReplicas, "Lists the replica nodes of a master node."),
      ClusterSpec("cluster|slaves", 3, adm, ClusterReplicas, "Lists the replica nodes of a master node."),
      ClusterSpec("cluster|replicate", 3, adm, ClusterReplicate, "Configure a node as replica of a master node."),
      ClusterSpec("cluster|reset", -2, adm, ClusterReset, "Resets a node."),
      ClusterSpec("cluster|saveconfig", 2, adm, ClusterSaveConfig,
          "Forces a node to save the cluster configuration to disk."),
      ClusterSpec("cluster|set-config-epoch", 3, adm, ClusterSetConfigEpoch,
          "Sets the configuration epoch for a new node."),
      ClusterSpec("cluster|setslot", -4, adm, ClusterSetSlot, "Binds a hash slot to a node."),
      ClusterSpec("cluster|shards", 2, st, ClusterShards, "Returns the mapping of cluster slots to shards."),
      ClusterSpec("cluster|slots", 2, st, ClusterSlots, "Returns the mapping of cluster slots to nodes."),
      ClusterSpec("cluster|slot-stats", -4, st | kCmdLoading, ClusterSlotStats,
          "Return an array of slot usage statistics for slots assigned to the current node."),
  };
  r.Add(std::move(c));
  r.Add(ClusterSpec("readonly", 1, fast | kCmdLoading | st, ReadOnlyCmd,
            "Enables read-only queries for a connection to a Redis Cluster replica node."));
  r.Add(ClusterSpec("readwrite", 1, fast | kCmdLoading | st, ReadWriteCmd,
            "Enables read-write queries for a connection to a Reids Cluster replica node."));
  r.Add(ClusterSpec("asking", 1, fast | kCmdKeepsAsking, AskingCmd,
      "Signals that a cluster client is following an -ASK redirect."));
  CommandSpec m = ClusterSpec("migrate", -6, kCmdWrite | kCmdMovableKeys | kCmdOpenSlotLocal, MigrateCmd,
                      "Atomically transfers a key from one Redis instance to another.", 3, 3, 1);
  m.group = "generic";
  m.getkeys = MigrateKeys;
  r.Add(std::move(m));
}

}  // namespace rcs
