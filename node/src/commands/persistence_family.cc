// BGREWRITEAOF, SAVE, BGSAVE. The AOF itself is persistence/aof.h (INFO persistence comes from it too), the
// RDB file persistence/rdb_save.h.
#include "commands/families.h"
#include "base/strutil.h"
#include "persistence/aof.h"
#include "persistence/rdb_save.h"
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

void SaveCmd(CommandContext& ctx) {
  auto* saver = ctx.server.subsystem<RdbSaver>();
  Status st = saver != nullptr ? saver->Save() : Status::Error("ERR");
  if (!st.ok()) return ctx.reply.Error(st.message());
  ctx.reply.Ok();
}

void BgsaveCmd(CommandContext& ctx) {
  bool schedule = ctx.argc() == 2 && EqualsIgnoreCase(ctx.arg(1), "SCHEDULE");
  if (ctx.argc() > 1 && !schedule) return ctx.reply.Error(err::kSyntax);
  auto* saver = ctx.server.subsystem<RdbSaver>();
  bool scheduled = false;
  Status st = saver != nullptr ? saver->BackgroundSave(schedule, &scheduled) : Status::Error("ERR");
  if (!st.ok()) return ctx.reply.Error(st.message());
  ctx.reply.Simple(scheduled ? "Background saving scheduled" : "Background saving started");
}

}  // namespace

void RegisterPersistenceFamily(CommandRegistry& r) {
  r.Add(Spec("bgrewriteaof", 1, kCmdAdmin | kCmdNoScript, 0, 0, 0, BgrewriteaofCmd, nullptr, "server",
              "Asynchronously rewrites the append-only file to disk."));
  r.Add(Spec("save", 1, kCmdAdmin | kCmdNoScript, 0, 0, 0, SaveCmd, nullptr, "server",
              "Synchronously saves the database(s) to disk."));
  r.Add(Spec("bgsave", -1, kCmdAdmin | kCmdNoScript, 0, 0, 0, BgsaveCmd, nullptr, "server",
              "Asynchronously saves the database(s) to disk."));
}

}  // namespace rcs
