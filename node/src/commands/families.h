// The command families, one registration function each (commands/*_family.cc). The program's wiring
// (node.cc) registers all of them; tests may register only what they exercise.
#pragma once
#include "server/command.h"

namespace rcs {

void RegisterServerFamily(CommandRegistry& r);
void RegisterStringFamily(CommandRegistry& r);
void RegisterBitmapFamily(CommandRegistry& r);
void RegisterHllFamily(CommandRegistry& r);
void RegisterGenericFamily(CommandRegistry& r);
void RegisterHashFamily(CommandRegistry& r);
void RegisterListFamily(CommandRegistry& r);
void RegisterSetFamily(CommandRegistry& r);
void RegisterZSetFamily(CommandRegistry& r);
void RegisterGeoFamily(CommandRegistry& r);
void RegisterSortFamily(CommandRegistry& r);
void RegisterStreamFamily(CommandRegistry& r);
void RegisterTransactionFamily(CommandRegistry& r);
void RegisterClusterFamily(CommandRegistry& r);
void RegisterReplicationFamily(CommandRegistry& r);
void RegisterPersistenceFamily(CommandRegistry& r);
void RegisterPubSubFamily(CommandRegistry& r);
void RegisterScriptingFamily(CommandRegistry& r);
void RegisterDebugFamily(CommandRegistry& r);
void RegisterAclFamily(CommandRegistry& r);
void RegisterLatencyFamily(CommandRegistry& r);
void RegisterOperatorFamily(CommandRegistry& r);  // MEMORY, MODULE, LOLWUT
// Stream consumer groups (stream_group_family.cc): XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM; and
// the handlers of XINFO GROUPS and XINFO CONSUMERS for the XINFO container.
void RegisterStreamGroupFamily(CommandRegistry& r);
void XinfoGroupsCmd(CommandContext& ctx);
void XinfoConsumersCmd(CommandContext& ctx);
// Every family above, in the order COMMAND lists them.
void RegisterAllCommands(CommandRegistry& r);
// What the server needs from the command families at run time (the CLIENT LIST line of a client for
// ACL LOG's client-info); called by the wiring after RegisterAllCommands.
class Server;
void InstallCommandHooks(Server& server);

}  // namespace rcs
