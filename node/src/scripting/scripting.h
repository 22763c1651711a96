// Scripting: the EVAL script cache, the FUNCTION libraries and the run of one script at a time, as a
// server subsystem (installed by node.cc; tests get it on first use through Scripting::Of).
//
// A script runs atomically on the event loop thread. The commands it calls go through Server::Call (as
// EXEC's queued commands do) after the checks Redis's scriptCall makes: unknown command, arity, noscript
// commands, writes from a read-only script, writes on a read-only replica, OOM, and in cluster mode that
// every key is served here (and, unless allow-cross-slot-keys, in one slot). Its writes reach replicas and
// the AOF as the commands it ran (effects replication), wrapped in MULTI/EXEC when more than one.
//
// Once a script ran longer than busy-reply-threshold, the Lua count hook serves other clients between Lua
// instructions (Server::ProcessEventsWhileBusy): everything but SCRIPT KILL / FUNCTION KILL / SHUTDOWN gets
// -BUSY. SCRIPT KILL stops a script that has not written yet; the script's caller gets
// "ERR Script killed by user with SCRIPT KILL... script: ...".
//
// Functions are replicated and persisted as the FUNCTION LOAD / DELETE / FLUSH / RESTORE commands
// themselves; a snapshot (AOF rewrite, our replica's full sync) starts with one FUNCTION RESTORE of every
// library (SnapshotCommands), so a restart or a new replica has them before any data. RDB images (dump.rdb,
// a redis-server replica's full sync) hold them as FUNCTION2 records (Server::FunctionLibraries).
//
// FUNCTION DUMP's payload is redis-server's (keyspace/dump.h CreateFunctionDumpPayload), so FUNCTION DUMP /
// RESTORE move libraries between our nodes and redis-server both ways; RESTORE also reads the payload of
// earlier releases of this node (ParseLegacyDump), which AOF files written then hold.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "scripting/lua_engine.h"
#include "server/command.h"
#include "server/server.h"

namespace rcs::scripting {

class Scripting : public Subsystem, public ScriptHost {
 public:
  explicit Scripting(Server* server);
  ~Scripting() override;
  // The server's scripting subsystem, installed on first use when the wiring did not install it.
  static Scripting& Of(Server& server);

  // Commands (commands/scripting_family.cc parses, these run).
  void Eval(CommandContext& ctx, bool by_sha, bool read_only);
  void Fcall(CommandContext& ctx, bool read_only);
  void ScriptLoad(CommandContext& ctx);
  void ScriptExists(CommandContext& ctx);
  void ScriptFlush(CommandContext& ctx);
  void Kill(CommandContext& ctx, bool eval);
  void FunctionLoad(CommandContext& ctx);
  void FunctionDelete(CommandContext& ctx);
  void FunctionFlush(CommandContext& ctx);
  void FunctionList(CommandContext& ctx);
  void FunctionStats(CommandContext& ctx);
  void FunctionDump(CommandContext& ctx);
  void FunctionRestore(CommandContext& ctx);

  // FUNCTION RESTORE ... REPLACE of every library, for the head of a snapshot; empty without libraries.
  std::string SnapshotCommands() const;
  // The FUNCTION DUMP payload of every library (redis-server's format).
  std::string DumpLibraries() const;
  // The libraries' codes in this node's former payload ("RCSFUNC1"); false when it is not one.
  static bool ParseLegacyDump(std::string_view payload, std::vector<std::string>* codes);

  // Removes every library with its functions (FUNCTION FLUSH; DEBUG RELOAD empties the data set with them).
  void DropAllLibraries();

  // What the script or function an EVAL*/FCALL* would run declares about writes (CLIENT PAUSE WRITE).
  Server::ScriptWrites DeclaredWrites(const CommandSpec& spec, ArgList argv) const;

  size_t script_count() const { return scripts_.size(); }
  size_t memory_bytes() const { return engine_->memory_bytes(); }

  // ScriptHost
  std::string Call(std::span<const std::string_view> argv, int resp, std::string* reply) override;
  bool Interrupted() override;
  void Log(int level, std::string_view message) override;
  void SetRepl(int flags) override;

 private:
  struct Script {
    std::string body;
    uint32_t flags = 0;
  };
  struct Library {
    std::string name, code;
    std::vector<RegisteredFunction> functions;
  };
  // Compiles and caches a body; returns its sha or sets *err.
  bool AddScript(std::string_view body, std::string* sha, std::string* err);
  // The checks before a script with these flags runs (Redis's scriptPrepareForRun); false after replying.
  bool PrepareRun(CommandContext& ctx, uint32_t flags, bool read_only);
  // Runs `run` with the run state set up (effects, busy tracking) and torn down.
  template <typename F>
  void RunWith(CommandContext& ctx, uint32_t flags, bool read_only, bool eval, const std::string& name,
               const std::vector<std::string>& keys, F run);
  // Loads one library's code; on success installs it (replacing one of the same name when `replace`).
  bool LoadLibrary(std::string_view code, bool replace, std::string* name, std::string* err);
  // The steps of LoadLibrary: the "#!lua name=..." line (the library's name, or *err), then running the code
  // in the engine, whose registered functions are left pending (LuaEngine::CommitLibrary / DiscardPending).
  bool LibraryHeader(std::string_view code, std::string* name, std::string* err) const;
  bool CompileLibrary(std::string_view code, std::vector<RegisteredFunction>* fns, std::string* err);
  // Removes one library (nothing if it does not exist).
  void DropLibrary(const std::string& name);
  void ResetEngine();

  Server* server_;
  std::unique_ptr<LuaEngine> engine_;
  std::unordered_map<std::string, Script> scripts_;
  std::map<std::string, Library> libraries_;
  std::unordered_map<std::string, std::pair<std::string, uint32_t>> functions_;  // name -> (library, flags)
  Client* script_client_ = nullptr;  // runs the script's commands

  struct Run {
    bool active = false;
    Client* caller = nullptr;
    uint32_t flags = 0;
    bool read_only = false;
    bool eval = true;
    bool wrote = false;
    bool killed = false;
    bool busy = false;
    bool oom = false;  // over maxmemory when the script started
    int slot = -1;     // the slot of the keys used so far (cluster mode)
    int64_t start_ms = 0;
    std::string name;
  } run_;
};

}  // namespace rcs::scripting
