#include "cluster/redirect.h"

#include "protocol/errors.h"

namespace rcs::cluster {

RedirectDecision DecideRedirect(const ClusterState& state, const RedirectQuery& q) {
  RedirectDecision d;
  const ClusterNode* myself = state.myself();
  const ClusterNode* n = nullptr;
  int slot = -1;
  bool migrating = false, importing = false, multiple_keys = false;
  int missing = 0, existing = 0;
  for (std::string_view key : q.keys) {
    int s = KeyHashSlot(key);
    if (slot < 0) {
      slot = s;
      n = state.owner(s);
      if (n == nullptr) {
        d.kind = RedirectDecision::kDownUnbound;
        d.slot = s;
        return d;
      }
      if (n == myself && !state.migrating_id(s).empty()) {
        migrating = true;
      } else if (!state.importing_id(s).empty()) {
        importing = true;
      }
    } else {
      if (s != slot) {
        d.kind = RedirectDecision::kCrossSlot;
        d.slot = slot;
        return d;
      }
      multiple_keys = true;
    }
    if ((migrating || importing) && !q.pubsub_shard && q.key_exists) {
      if (q.key_exists(key)) existing++;
      else missing++;
    }
  }
  if (n == nullptr) return d;  // no keys
  d.slot = slot;
  if (!state.state_ok && q.pubsub_shard) {
    if (!q.allow_pubsubshard_when_down) {
      d.kind = RedirectDecision::kDownState;
      return d;
    }
  } else if (!state.state_ok) {
    if (!q.allow_reads_when_down) {
      d.kind = RedirectDecision::kDownState;
      return d;
    }
    if (q.is_write) {
      d.kind = RedirectDecision::kDownReadOnly;
      return d;
    }
  }
  if ((migrating || importing) && q.is_migrate) return d;
  if (migrating && missing > 0) {
    // Some keys here and some not: neither node has them all until the migration moves the rest.
    if (existing > 0) {
      d.kind = RedirectDecision::kTryAgain;
      return d;
    }
    const ClusterNode* target = state.migrating_to(slot);
    if (target != nullptr) {
      d.kind = RedirectDecision::kAsk;
      d.node = target;
      return d;
    }
  }
  if (importing && q.asking) {
    if (multiple_keys && missing > 0) d.kind = RedirectDecision::kTryAgain;
    return d;
  }
  if ((q.readonly_client || q.pubsub_shard) && !q.is_write && myself->is_replica() && myself->master_id == n->id) return d;
  if (n != myself) {
    d.kind = RedirectDecision::kMoved;
    d.node = n;
  }
  return d;
}

std::string RedirectError(const RedirectDecision& d, bool use_hostname) {
  switch (d.kind) {
    case RedirectDecision::kCrossSlot: return std::string(err::kCrossSlot);
    case RedirectDecision::kTryAgain: return std::string(err::kTryAgain);
    case RedirectDecision::kDownUnbound: return std::string(err::kClusterDownUnbound);
    case RedirectDecision::kDownState: return std::string(err::kClusterDown);
    case RedirectDecision::kDownReadOnly: return std::string(err::kClusterDownReadOnly);
    case RedirectDecision::kMoved:
    case RedirectDecision::kAsk: {
      std::string_view endpoint = use_hostname ? (d.node->hostname.empty() ? std::string_view("?")
                                                                             : std::string_view(d.node->hostname))
                                               : std::string_view(d.node->ip);
      return err::Redirect(d.kind == RedirectDecision::kAsk, d.slot, endpoint, d.node->port);
    }
    default: return "";
  }
}

}  // namespace rcs::cluster
