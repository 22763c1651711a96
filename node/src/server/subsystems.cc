#include "server/subsystems.h"

#include "replication/replication.h"

namespace rcs {

void InstallSubsystems(Server& server) {
  // Replication is always present: any node can become a master or a replica.
  InstallReplication(server);
  // Cluster mode (issue 3) installs itself here when config.cluster_enabled.
}

}  // namespace rcs
