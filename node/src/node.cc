#include "node.h"

#include <memory>

#include "cluster/cluster.h"
#include "commands/families.h"
#include "replication/replication.h"

namespace rcs {

void WireNode(Server& server) {
  RegisterAllCommands(server.commands());
  InstallReplication(server);
  if (server.config().cluster_enabled) server.AddSubsystem(std::make_unique<cluster::Cluster>(&server));
}

}  // namespace rcs
