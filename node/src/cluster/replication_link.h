// The seam between cluster mode and replication. Cluster mode decides roles (CLUSTER REPLICATE, a master
// losing all its slots to another, CLUSTER RESET, later failover); replication moves the data. Cluster code
// only calls this interface:
//   ReplicateFrom(host, port, ip)  start (or switch) following that master: full sync then the live stream;
//                              `host` is its hostname or IP, `ip` its last known IP (fallback when the
//                              name does not resolve; a new one makes a link to the old address reconnect)
//   BecomeMaster()             stop following; keep the data and continue its history (promotion)
//   ReplicationOffset()        the offset of the data this node has (CLUSTER SHARDS, bus messages)
//   LinkUp()                   the replica's link to its master is up (CLUSTER SHARDS health)
//   MasterSilenceMs(now)       ms since the last byte from the master (or since the link went down)
// MakeReplicationLink returns the implementation backed by the replication subsystem (through the server's
// ReplicationHooks, server/replication_hooks.h) when the server has one, else one that only flips the
// server's role (server.set_replica).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

namespace rcs {
class Server;
}

namespace rcs::cluster {

class ReplicationLink {
 public:
  virtual ~ReplicationLink() = default;
  virtual void ReplicateFrom(const std::string& host, int port, const std::string& ip) = 0;
  virtual void BecomeMaster() = 0;
  virtual int64_t ReplicationOffset() const = 0;
  virtual bool LinkUp() const = 0;
  // How long we have not heard from our master (failover's data validity check).
  virtual int64_t MasterSilenceMs(int64_t now_ms) const = 0;
};

std::unique_ptr<ReplicationLink> MakeReplicationLink(Server& server);

}  // namespace rcs::cluster
