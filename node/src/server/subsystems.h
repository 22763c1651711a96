// Installs the subsystems that the configuration asks for (cluster mode, replication, AOF) into a server.
// Called by main() before Server::Start, and by tests that want a node as the binary would run it.
#pragma once
#include "server/server.h"

namespace rcs {

void InstallSubsystems(Server& server);

}  // namespace rcs
