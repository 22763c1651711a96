#include "node.h"

#include <memory>

#include "cluster/cluster.h"
#include "commands/families.h"
#include "persistence/aof.h"
#include "persistence/rdb_save.h"
#include "pubsub/pubsub.h"
#include "replication/replication.h"
#include "scripting/scripting.h"

namespace rcs {

void WireNode(Server& server) {
  RegisterAllCommands(server.commands());
  InstallCommandHooks(server);
  // Pub/sub: the server and cluster mode reach it through the server's PubSubHooks.
  PubSub::Of(server);
  // Scripting before the AOF: loading replays FUNCTION LOAD/RESTORE.
  scripting::Scripting::Of(server);
  // The AOF first: its Start begins loading, and replication does not connect to a master before our own
  // data (and the replication position the AOF recorded) is loaded.
  InstallAof(server);
  InstallRdbSaver(server);
  InstallReplication(server);
  if (server.config().cluster_enabled) server.AddSubsystem(std::make_unique<cluster::Cluster>(&server));
}

}  // namespace rcs
