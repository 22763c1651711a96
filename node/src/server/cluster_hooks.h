// What other subsystems need from cluster mode, as an interface the server owns: cluster mode (cluster/) is a
// subsystem above the server and implements it, so scripting (scripting/) asks where a script's keys are
// served without including cluster/ (siblings do not include each other).
//
// Cluster mode sets itself as the server's hooks when it is created (node.cc installs it when
// cluster-enabled); Server::cluster_hooks() is nullptr in a standalone server.
#pragma once
#include <span>
#include <string>
#include <string_view>

namespace rcs {

class ClusterHooks {
 public:
  virtual ~ClusterHooks() = default;

  // Whether this node may serve a command on these keys now (the dispatcher's redirect rules, for a command
  // run outside the dispatcher: a script's redis.call). `write`: the command writes; `readonly_client`: the
  // caller sent READONLY. Open slots are judged by whether the keys exist here.
  enum class KeyRoute {
    kServe,         // served here
    kNotLocal,      // another node serves them (MOVED, ASK, CROSSSLOT, TRYAGAIN, unbound slot)
    kDown,          // the cluster is down
    kDownReadOnly,  // the cluster is down and only reads are served (cluster-allow-reads-when-down)
  };
  virtual KeyRoute RouteKeys(std::span<const std::string_view> keys, bool write, bool readonly_client) = 0;

  // For a client blocked on `key` (BLPOP, XREAD, ...; a blocked command's keys share one slot): the error that
  // ends its wait because this node no longer serves the slot, as redis-server checks each second
  // ("CLUSTERDOWN The cluster is down", "CLUSTERDOWN Hash slot not served", "MOVED <slot> <ip:port>"), or ""
  // to keep it blocked (the slot is ours, or being imported; a READONLY client of a read command on a replica
  // of the slot's master).
  virtual std::string BlockedRedirect(std::string_view key, bool write, bool readonly_client) = 0;
};

}  // namespace rcs
