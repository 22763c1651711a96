// The cluster check run before every command: collects the command's keys (or those of every queued
// command for EXEC) and asks the pure redirect decision (redirect.h) whether to serve, MOVED, ASK, ...
#include "cluster/cluster.h"

namespace rcs::cluster {

const CommandSpec* Cluster::QueuedSpec(const std::vector<std::string>& cmd) const {
  std::vector<std::string_view> av(cmd.begin(), cmd.end());
  return server_->commands().Resolve(ArgList(av.data(), av.size()));
}

bool Cluster::CheckCommand(Client* c, const CommandSpec& spec, ArgList argv) {
  // Behaviour comes from the command's flags (server/command.h), not its name: EXEC's keys are those of the
  // queued commands (kCmdRunsQueue), ASKING keeps the ASKING state (kCmdKeepsAsking), MIGRATE is served on
  // an open slot (kCmdOpenSlotLocal).
  bool is_exec = spec.is(kCmdRunsQueue);
  bool in_multi = c->has(kClientMulti);
  bool asking = c->has(kClientAsking) || spec.is(kCmdAsking);
  if (!in_multi && !spec.is(kCmdKeepsAsking)) c->flags &= ~kClientAsking;
  if (!is_exec && spec.first_key == 0 && !spec.is(kCmdMovableKeys)) return true;
  // A master paused for a manual failover holds writes until the failover is over (then redirects them).
  if (mf_end_ms_ != 0 && HoldWrite(c, spec, argv)) return false;
  static thread_local std::vector<int> idx;
  static thread_local RedirectQuery q;
  q.keys.clear();
  q.is_write = spec.is(kCmdWrite);
  if (is_exec) {
    if (!in_multi) return true;
    for (const auto& cmd : c->multi_queue) {
      const CommandSpec* s = QueuedSpec(cmd);
      if (s == nullptr) continue;
      std::vector<std::string_view> av(cmd.begin(), cmd.end());
      idx.clear();
      if (!s->KeyIndices(ArgList(av.data(), av.size()), &idx)) continue;
      for (int i : idx) q.keys.push_back(cmd[i]);
      q.is_write |= s->is(kCmdWrite);
    }
  } else {
    idx.clear();
    if (!spec.KeyIndices(argv, &idx)) return true;
    for (int i : idx) q.keys.push_back(argv[i]);
  }
  if (q.keys.empty()) return true;
  // Fast path: one key, in a stable slot we serve, cluster up.
  if (q.keys.size() == 1 && state_.state_ok) {
    int s = KeyHashSlot(q.keys[0]);
    if (state_.owner(s) == state_.myself() && !state_.has_open_slots()) return true;
  }
  q.is_migrate = spec.is(kCmdOpenSlotLocal);
  q.asking = asking;
  q.readonly_client = c->has(kClientReadOnly);
  q.allow_reads_when_down = server_->config().cluster_allow_reads_when_down;
  // The only pub/sub commands with keys are the shard ones; their keys are channels.
  q.pubsub_shard = spec.is(kCmdPubSub);
  q.allow_pubsubshard_when_down = server_->config().cluster_allow_pubsubshard_when_down;
  Keyspace* db = &server_->db();
  q.key_exists = [db](std::string_view k) { return db->Find(k) != nullptr; };
  RedirectDecision d = DecideRedirect(state_, q);
  if (d.kind == RedirectDecision::kServe) return true;
  c->reply.Error(RedirectError(d, use_hostname()));
  return false;
}

// A script's redis.call (scripting/, through the server's ClusterHooks): the same decision for its keys.
ClusterHooks::KeyRoute Cluster::RouteKeys(std::span<const std::string_view> keys, bool write,
                                          bool readonly_client) {
  RedirectQuery q;
  q.keys.assign(keys.begin(), keys.end());
  q.is_write = write;
  q.readonly_client = readonly_client;
  q.allow_reads_when_down = server_->config().cluster_allow_reads_when_down;
  Keyspace* db = &server_->db();
  q.key_exists = [db](std::string_view k) { return db->Find(k) != nullptr; };
  RedirectDecision d = DecideRedirect(state_, q);
  switch (d.kind) {
    case RedirectDecision::kServe: return KeyRoute::kServe;
    case RedirectDecision::kDownState: return KeyRoute::kDown;
    case RedirectDecision::kDownReadOnly: return KeyRoute::kDownReadOnly;
    default: return KeyRoute::kNotLocal;
  }
}

// clusterRedirectBlockedClientIfNeeded's rules: the cluster down, then the slot's owner.
std::string Cluster::BlockedRedirect(std::string_view key, bool write, bool readonly_client) {
  RedirectDecision d;
  if (!state_.state_ok) {
    d.kind = RedirectDecision::kDownState;
    return RedirectError(d, use_hostname());
  }
  int slot = KeyHashSlot(key);
  const ClusterNode* owner = state_.owner(slot);
  const ClusterNode* me = state_.myself();
  if (readonly_client && !write && owner != nullptr && !me->is_master() && me->master_id == owner->id) return "";
  if (owner == me || !state_.importing_id(slot).empty()) return "";
  d.slot = slot;
  d.node = owner;
  d.kind = owner == nullptr ? RedirectDecision::kDownUnbound : RedirectDecision::kMoved;
  return RedirectError(d, use_hostname());
}

}  // namespace rcs::cluster
