// Peer addresses that change (containers re-created, pods rescheduled): the decisions as pure functions of
// plain inputs, unit-tested in tests/node/cluster_test.cc. Cluster (bus_link.cc, gossip.cc) gathers the
// inputs and acts on the answers; net::Resolver does the lookups off the event loop.
//
// Where to dial a peer (PlanDial):
//   - A peer without a hostname is dialled at its known IP, as in Redis.
//   - A peer with a hostname (cluster-announce-hostname, carried in every bus header and in nodes.conf) is
//     dialled at the address its name resolves to now: each (re)connect uses a lookup at most kFreshMs old,
//     otherwise a new one is asked for and the connect waits for it up to kWaitMs (a cron tick or two with a
//     working DNS). A name that does not resolve (the container is not up yet, DNS is down) or a lookup that
//     hangs falls back to the last known IP, and is asked again once the failure is kFreshMs old.
//   - When the name and the known IP disagree, attempts alternate between the two: a stale DNS answer
//     (Kubernetes keeps a pod's old record a few seconds) cannot hide a peer whose known IP still works.
//   The stored IP is replaced only once the peer answered on the new address with its own id (a PONG on
//   our link): a wrong lookup never overwrites a good address.
//
// Whether a message changes a known node's address (DecideAddressChange):
//   - What the node says about itself (the header's announced ip, or else the address its inbound link
//     comes from) and an address our own link proved (a PONG with its id) are taken at once: no new
//     handshake, the stale outbound link is dropped and redialled.
//   - What a third node gossips is taken as Redis takes it: only for a node we consider PFAIL/FAIL that the
//     gossip shows healthy. For a node with a hostname the gossip only asks for a fresh lookup while our link
//     to the node is not working: its own name is the better witness.
//   - Flapping guard: going back to the address the node had before the last change is refused for one
//     node timeout after that change (two processes claiming one id, or a peer seen from two interfaces,
//     would otherwise rewrite nodes.conf on every message). A node that really moves back is taken once the
//     timeout passed.
#pragma once
#include <cstdint>
#include <string>

namespace rcs::cluster {

inline constexpr int64_t kResolveFreshMs = 1000;  // a lookup younger than this is used as is
inline constexpr int64_t kResolveWaitMs = 1000;   // a connect waits at most this long for a lookup

// What the cache knows about one hostname.
struct ResolvedName {
  std::string ip;             // last successful answer ("" = none yet)
  int64_t resolved_ms = 0;    // when `ip` came (0 = never)
  int64_t failed_ms = 0;      // when the last lookup failed (0 = never)
  int64_t requested_ms = 0;   // a lookup runs since then (0 = none running)
};

struct DialPlan {
  std::string ip;        // dial this now ("" = do not dial now)
  bool request = false;  // ask the resolver for a fresh lookup
};

// `attempt` counts the connects since the peer last answered (alternation between name and known IP).
DialPlan PlanDial(const std::string& known_ip, bool has_hostname, const ResolvedName* name, uint64_t attempt,
                  int64_t now_ms);

enum class AddressSource {
  kSelf,       // the node's own message: the header's ip, or the source address of its inbound link
  kConfirmed,  // our link to this address got a PONG from the node
  kGossip,     // a third node's gossip entry
};

struct AddressChangeInput {
  std::string current;           // "ip:port@cport" we know
  std::string proposed;          // "ip:port@cport" the message implies
  std::string previous;          // the address before our last change of it ("" = never changed)
  int64_t changed_ms = 0;        // when we last changed it
  int64_t now_ms = 0;
  int64_t node_timeout_ms = 0;
  AddressSource source = AddressSource::kSelf;
  bool has_hostname = false;
  bool failing_here = false;     // PFAIL or FAIL in our view
  bool gossip_healthy = false;   // the gossip entry has neither PFAIL nor FAIL nor NOADDR
  bool link_working = false;     // our outbound link to the node is up and got a PONG
};

enum class AddressChange {
  kSame,        // nothing to do
  kAccept,      // take the new address
  kIgnore,      // keep ours
  kResolve,     // keep ours, but ask for a fresh lookup of the node's hostname
  kFlapRefused  // back to the previous address too soon: keep ours (logged)
};
AddressChange DecideAddressChange(const AddressChangeInput& in);
const char* AddressChangeText(AddressChange c);

std::string AddressText(const std::string& ip, int port, int cport);  // "ip:port@cport"

}  // namespace rcs::cluster
