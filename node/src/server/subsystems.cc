#include "server/subsystems.h"

namespace rcs {

void InstallSubsystems(Server& server) {
  // Each subsystem adds itself here when it exists (cluster: issue 3; replication; AOF).
}

}  // namespace rcs
