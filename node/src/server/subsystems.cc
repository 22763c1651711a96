#include "server/subsystems.h"

#include <memory>

#include "cluster/cluster.h"
#include "replication/replication.h"

namespace rcs {

void InstallSubsystems(Server& server) {
  // Replication is always present: any node can become a master or a replica.
  InstallReplication(server);
  // Cluster mode: slots, redirects and the cluster bus.
  if (server.config().cluster_enabled) {
    server.AddSubsystem("cluster", std::make_unique<cluster::Cluster>(&server));
  }
}

}  // namespace rcs
