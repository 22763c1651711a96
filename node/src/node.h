// The program's wiring: what a node is made of beyond the bare server. The server hosts subsystems and
// runs commands without knowing which exist; this is the one place that puts them together, as the
// redis-cluster-node binary runs them. main() calls it before Server::Start, and so do tests that want a
// node as the binary would run it (a test may also install only the parts it exercises).
#pragma once
#include "server/server.h"

namespace rcs {

// Registers every command family, installs the AOF (always: CONFIG SET appendonly yes turns it on at run
// time), replication (always: any node can become a master or a replica) and, when cluster-enabled, cluster
// mode (slots, redirects, the cluster bus).
void WireNode(Server& server);

}  // namespace rcs
