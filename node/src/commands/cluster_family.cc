// Cluster commands: filled in by the cluster/replication work (issue 3).
#include "server/command.h"

namespace rcs {

void RegisterClusterFamily(CommandRegistry& r) {}

}  // namespace rcs
