#include "commands/families.h"

namespace rcs {

void RegisterAllCommands(CommandRegistry& r) {
  RegisterServerFamily(r);
  RegisterTransactionFamily(r);
  RegisterStringFamily(r);
  RegisterBitmapFamily(r);
  RegisterHllFamily(r);
  RegisterGenericFamily(r);
  RegisterHashFamily(r);
  RegisterListFamily(r);
  RegisterSetFamily(r);
  RegisterZSetFamily(r);
  RegisterGeoFamily(r);
  RegisterSortFamily(r);
  RegisterStreamFamily(r);
  RegisterStreamGroupFamily(r);
  RegisterClusterFamily(r);
  RegisterReplicationFamily(r);
  RegisterPersistenceFamily(r);
  RegisterPubSubFamily(r);
  RegisterScriptingFamily(r);
  RegisterDebugFamily(r);
  RegisterAclFamily(r);
  RegisterLatencyFamily(r);
  RegisterOperatorFamily(r);
}

}  // namespace rcs
