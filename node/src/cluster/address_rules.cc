#include "cluster/address_rules.h"

namespace rcs::cluster {

DialPlan PlanDial(const std::string& known_ip, bool has_hostname, const ResolvedName* name, uint64_t attempt,
                  int64_t now_ms) {
  DialPlan p;
  if (!has_hostname) {
    p.ip = known_ip;
    return p;
  }
  bool fresh = name != nullptr && !name->ip.empty() && name->resolved_ms != 0 &&
               now_ms - name->resolved_ms < kResolveFreshMs && name->resolved_ms >= name->failed_ms;
  if (fresh) {
    // Alternate with the known IP when they differ (odd attempts), so a stale answer cannot hide the peer.
    p.ip = (!known_ip.empty() && known_ip != name->ip && attempt % 2 == 1) ? known_ip : name->ip;
    return p;
  }
  bool running = name != nullptr && name->requested_ms != 0;
  bool failed_recently = name != nullptr && name->failed_ms != 0 && name->failed_ms >= name->resolved_ms &&
                         now_ms - name->failed_ms < kResolveFreshMs;
  p.request = !running && !failed_recently;
  bool waited_enough = running && now_ms - name->requested_ms >= kResolveWaitMs;
  if (failed_recently || waited_enough) {
    // No usable answer: the last address we know (ours, else the last answer, however old).
    p.ip = !known_ip.empty() ? known_ip : (name != nullptr ? name->ip : std::string());
  }
  return p;
}

AddressChange DecideAddressChange(const AddressChangeInput& in) {
  if (in.proposed == in.current) return AddressChange::kSame;
  if (in.proposed.empty() || in.proposed[0] == ':') return AddressChange::kIgnore;  // no ip in it
  if (in.source == AddressSource::kGossip) {
    if (in.has_hostname) return in.link_working ? AddressChange::kIgnore : AddressChange::kResolve;
    if (!in.failing_here || !in.gossip_healthy) return AddressChange::kIgnore;
  }
  if (!in.previous.empty() && in.proposed == in.previous && in.changed_ms != 0 &&
      in.now_ms - in.changed_ms < in.node_timeout_ms) {
    return AddressChange::kFlapRefused;
  }
  return AddressChange::kAccept;
}

const char* AddressChangeText(AddressChange c) {
  switch (c) {
    case AddressChange::kSame: return "same address";
    case AddressChange::kAccept: return "accepted";
    case AddressChange::kIgnore: return "ignored";
    case AddressChange::kResolve: return "resolve the hostname instead";
    case AddressChange::kFlapRefused: return "refused: back to the previous address within one node timeout";
  }
  return "?";
}

std::string AddressText(const std::string& ip, int port, int cport) {
  return ip + ":" + std::to_string(port) + "@" + std::to_string(cport);
}

}  // namespace rcs::cluster
