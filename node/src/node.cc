#include "node.h"

#include <memory>

#include "base/heap_pages.h"

#include "cluster/cluster.h"
#include "commands/families.h"
#include "persistence/aof.h"
#include "persistence/rdb_save.h"
#include "pubsub/pubsub.h"
#include "replication/replication.h"
#include "scripting/scripting.h"

namespace rcs {

namespace {
// heap-huge-pages yes: the heap grown since the last iteration is advised into huge pages before the loop
// sleeps, so most of it is touched only after the advice (base/heap_pages.h; a load does the same per key).
class HeapPagesKeeper : public Subsystem {
 public:
  void BeforeSleep() override { pages_.Step(); }
 private:
  HeapHugePages pages_;
};
}  // namespace

void WireNode(Server& server) {
  if (server.config().heap_huge_pages) server.AddSubsystem(std::make_unique<HeapPagesKeeper>());
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
