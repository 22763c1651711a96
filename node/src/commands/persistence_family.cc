// BGREWRITEAOF. The AOF itself is persistence/aof.h; INFO persistence comes from it too.
#include "commands/families.h"
#include "persistence/aof.h"
#include "protocol/errors.h"
#include "server/command.h"
#include "server/server.h"

namespace rcs {
namespace {

void BgrewriteaofCmd(CommandContext& ctx) {
  auto* aof = ctx.server.subsystem<Aof>();
  if (aof == nullptr) {
    ctx.reply.Error(err::kAofRewriteFailed);
    return;
  }
  Status st = aof->RewriteInBackground();
  if (!st.ok()) {
    ctx.reply.Error(st.message());
    return;
  }
  ctx.reply.Simple("Background append only file rewriting started");
}

}  // namespace

void RegisterPersistenceFamily(CommandRegistry& r) {
  r.Add(Spec("bgrewriteaof", 1, kCmdAdmin | kCmdNoScript, 0, 0, 0, BgrewriteaofCmd, nullptr, "server",
              "Asynchronously rewrites the append-only file to disk."));
}

}  // namespace rcs
