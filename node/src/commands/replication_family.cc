// Replication commands: filled in by the cluster/replication work (issue 3).
#include "server/command.h"

namespace rcs {

void RegisterReplicationFamily(CommandRegistry& r) {}

}  // namespace rcs
