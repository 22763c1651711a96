// EVAL EVALSHA EVAL_RO EVALSHA_RO SCRIPT FCALL FCALL_RO FUNCTION: argument routing to the scripting
// subsystem (scripting/scripting.h), which owns the Lua engine, the script cache and the libraries.
#include "base/strutil.h"
#include "commands/families.h"
#include "protocol/errors.h"
#include "scripting/scripting.h"
#include "server/command.h"
#include "server/server.h"

namespace rcs {
namespace {

using scripting::Scripting;

Scripting& ScriptingOf(CommandContext& ctx) { return Scripting::Of(ctx.server); }

void EvalCmd(CommandContext& ctx) { ScriptingOf(ctx).Eval(ctx, false, false); }
void EvalShaCmd(CommandContext& ctx) { ScriptingOf(ctx).Eval(ctx, true, false); }
void EvalRoCmd(CommandContext& ctx) { ScriptingOf(ctx).Eval(ctx, false, true); }
void EvalShaRoCmd(CommandContext& ctx) { ScriptingOf(ctx).Eval(ctx, true, true); }
void FcallCmd(CommandContext& ctx) { ScriptingOf(ctx).Fcall(ctx, false); }
void FcallRoCmd(CommandContext& ctx) { ScriptingOf(ctx).Fcall(ctx, true); }

// EVAL's keys: numkeys (argv[2]) of them from argv[3].
bool EvalKeys(ArgList argv, std::vector<int>* out) {
  if (argv.size() < 3) return false;
  int64_t n = 0;
  if (!ParseInt64(argv[2], &n) || n < 0 || n > static_cast<int64_t>(argv.size()) - 3) return false;
  for (int64_t i = 0; i < n; i++) out->push_back(static_cast<int>(3 + i));
  return true;
}

void ScriptLoadCmd(CommandContext& ctx) { ScriptingOf(ctx).ScriptLoad(ctx); }
void ScriptExistsCmd(CommandContext& ctx) { ScriptingOf(ctx).ScriptExists(ctx); }
void ScriptFlushCmd(CommandContext& ctx) { ScriptingOf(ctx).ScriptFlush(ctx); }
void ScriptKillCmd(CommandContext& ctx) { ScriptingOf(ctx).Kill(ctx, true); }
// SCRIPT DEBUG: redis-server's checks and replies, but there is no Lua debugger (LDB) here: YES and SYNC are
// refused with a clear error; NO (the mode every client is in) is accepted.
void ScriptDebugCmd(CommandContext& ctx) {
  if (ctx.client->out.size() > ctx.client->out_pos) {
    ctx.reply.Error(err::kScriptDebugPipeline);
    return;
  }
  if (EqualsIgnoreCase(ctx.arg(2), "no")) {
    ctx.reply.Ok();
  } else if (EqualsIgnoreCase(ctx.arg(2), "yes") || EqualsIgnoreCase(ctx.arg(2), "sync")) {
    ctx.reply.Error(err::kScriptDebugUnsupported);
  } else {
    ctx.reply.Error(err::kScriptDebugMode);
  }
}
void ScriptHelpCmd(CommandContext& ctx) {
  ReplyHelp(ctx, {
      "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
      "HELP",
      "    Prints this help."});
}
void ScriptCmd(CommandContext& ctx) {
  ctx.reply.Error(err::UnknownSubcommand(ctx.argc() > 1 ? ctx.arg(1) : "", "script"));
}

void FunctionLoadCmd(CommandContext& ctx) { ScriptingOf(ctx).FunctionLoad(ctx); }
void FunctionDeleteCmd(CommandContext& ctx) { ScriptingOf(ctx).FunctionDelete(ctx); }
void FunctionFlushCmd(CommandContext& ctx) { ScriptingOf(ctx).FunctionFlush(ctx); }
void FunctionListCmd(CommandContext& ctx) { ScriptingOf(ctx).FunctionList(ctx); }
void FunctionHelpCmd(CommandContext& ctx) {
  ReplyHelp(ctx, {
      "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "LOAD [REPLACE] <FUNCTION CODE>",
      "    Create a new library with the given library name and code.",
      "DELETE <LIBRARY NAME>",
      "    Delete the given library.",
      "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
      "    Return general information on all the libraries:",
      "    * Library name",
      "    * The engine used to run the Library",
      "    * Library description",
      "    * Functions list",
      "    * Library code (if WITHCODE is given)",
      "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
      "STATS",
      "    Return information about the current function running:",
      "    * Function name",
      "    * Command used to run the function",
      "    * Duration in MS that the function is running",
      "    If no function is running, return nil",
      "    In addition, returns a list of available engines.",
      "KILL",
      "    Kill the current running function.",
      "FLUSH [ASYNC|SYNC]",
      "    Delete all the libraries.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the libraries.",
      "    * SYNC: Synchronously flush the libraries.",
      "DUMP",
      "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
      "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
      "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
      "    control how to handle existing libraries (default APPEND):",
      "    * FLUSH: delete all existing libraries.",
      "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
      "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
      "      libraries with the new libraries (notice that even on this option there is a chance of failure",
      "      in case of functions name collision with another library).",
      "HELP",
      "    Prints this help."});
}
void FunctionStatsCmd(CommandContext& ctx) { ScriptingOf(ctx).FunctionStats(ctx); }
void FunctionDumpCmd(CommandContext& ctx) { ScriptingOf(ctx).FunctionDump(ctx); }
void FunctionRestoreCmd(CommandContext& ctx) { ScriptingOf(ctx).FunctionRestore(ctx); }
void FunctionKillCmd(CommandContext& ctx) { ScriptingOf(ctx).Kill(ctx, false); }
void FunctionCmd(CommandContext& ctx) {
  ctx.reply.Error(err::UnknownSubcommand(ctx.argc() > 1 ? ctx.arg(1) : "", "function"));
}

}  // namespace

void RegisterScriptingFamily(CommandRegistry& r) {
  const char* g = "scripting";
  // As Redis 7.0: EVAL and FCALL are neither reads nor writes for the dispatcher (the script's commands
  // are checked one by one); they run on a stale replica (the script's own flags decide).
  const uint32_t run = kCmdNoScript | kCmdStale | kCmdMovableKeys | kCmdNoPropagate;
  const uint32_t ro = run | kCmdReadOnly;
  r.Add(Spec("eval", -3, run, 0, 0, 0, EvalCmd, EvalKeys, g, "Executes a server-side Lua script."));
  r.Add(Spec("evalsha", -3, run, 0, 0, 0, EvalShaCmd, EvalKeys, g, "Executes a server-side Lua script by SHA1 digest."));
  r.Add(Spec("eval_ro", -3, ro, 0, 0, 0, EvalRoCmd, EvalKeys, g, "Executes a read-only server-side Lua script."));
  r.Add(Spec("evalsha_ro", -3, ro, 0, 0, 0, EvalShaRoCmd, EvalKeys, g,
             "Executes a read-only server-side Lua script by SHA1 digest."));
  r.Add(Spec("fcall", -3, run, 0, 0, 0, FcallCmd, EvalKeys, g, "Invokes a function."));
  r.Add(Spec("fcall_ro", -3, ro, 0, 0, 0, FcallRoCmd, EvalKeys, g, "Invokes a read-only function."));

  const uint32_t ns = kCmdNoScript;
  CommandSpec script = Spec("script", -2, 0, 0, 0, 0, ScriptCmd, nullptr, g, "A container for Lua scripts management commands.");
  script.subcommands.push_back(Spec("script|debug", 3, ns, 0, 0, 0, ScriptDebugCmd, nullptr, g,
                                    "Sets the debug mode of server-side Lua scripts."));
  script.subcommands.push_back(Spec("script|exists", -3, ns, 0, 0, 0, ScriptExistsCmd, nullptr, g,
                                    "Determines whether server-side Lua scripts exist in the script cache."));
  script.subcommands.push_back(Spec("script|flush", -2, ns, 0, 0, 0, ScriptFlushCmd, nullptr, g,
                                    "Removes all server-side Lua scripts from the script cache."));
  script.subcommands.push_back(HelpSpec("script|help", ScriptHelpCmd, g, ns));
  script.subcommands.push_back(Spec("script|kill", 2, ns | kCmdAllowBusy, 0, 0, 0, ScriptKillCmd, nullptr, g,
                                    "Terminates a server-side Lua script during execution."));
  script.subcommands.push_back(Spec("script|load", 3, ns | kCmdStale, 0, 0, 0, ScriptLoadCmd, nullptr, g,
                                    "Loads a server-side Lua script to the script cache."));
  r.Add(std::move(script));

  const uint32_t fw = kCmdNoScript | kCmdWrite;
  CommandSpec function = Spec("function", -2, 0, 0, 0, 0, FunctionCmd, nullptr, g, "A container for function commands.");
  function.subcommands.push_back(Spec("function|load", -3, fw | kCmdDenyOom, 0, 0, 0, FunctionLoadCmd, nullptr, g,
                                      "Creates a library."));
  function.subcommands.push_back(Spec("function|delete", 3, fw, 0, 0, 0, FunctionDeleteCmd, nullptr, g,
                                      "Deletes a library and its functions."));
  function.subcommands.push_back(Spec("function|flush", -2, fw, 0, 0, 0, FunctionFlushCmd, nullptr, g,
                                      "Deletes all libraries and functions."));
  function.subcommands.push_back(Spec("function|restore", -3, fw | kCmdDenyOom, 0, 0, 0, FunctionRestoreCmd, nullptr, g,
                                      "Restores all libraries from a payload."));
  function.subcommands.push_back(Spec("function|list", -2, ns, 0, 0, 0, FunctionListCmd, nullptr, g,
                                      "Returns information about all libraries."));
  function.subcommands.push_back(Spec("function|dump", 2, ns, 0, 0, 0, FunctionDumpCmd, nullptr, g,
                                      "Dumps all libraries into a serialized binary payload."));
  function.subcommands.push_back(HelpSpec("function|help", FunctionHelpCmd, g, ns));
  function.subcommands.push_back(Spec("function|stats", 2, ns | kCmdAllowBusy, 0, 0, 0, FunctionStatsCmd, nullptr, g,
                                      "Returns information about a function during execution."));
  function.subcommands.push_back(Spec("function|kill", 2, ns | kCmdAllowBusy, 0, 0, 0, FunctionKillCmd, nullptr, g,
                                      "Terminates a function during execution."));
  r.Add(std::move(function));
}

}  // namespace rcs
