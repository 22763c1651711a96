// The Lua 5.1 interpreter that runs EVAL scripts and FUNCTION libraries: one lua_State per server, used
// only from the event loop thread.
//
// Sandbox (as Redis 7.0): the base, table, string and math libraries plus cjson and bit (Debian's
// lua-cjson and lua-bitop); no os, io, debug, package/require, loadfile or dofile. The global table is
// protected: reading a missing global raises "Script attempted to access nonexistent global variable 'x'",
// assigning one raises "Attempt to modify a readonly table". math.random is Redis's rand48 generator
// (math.randomseed(n) gives Redis's sequence; Redis 7 no longer reseeds it per script: effects are
// replicated, not scripts).
//
// Compiled scripts live in the Lua registry, keyed "s:<sha>"; registered functions "f:<name>". Errors
// inside a script are tables {err=..., source=..., line=...}: the error handler turns a string error into
// {err='ERR '..msg} and adds where it happened, and the caller gets
// "<err> script: <sha or function>, on <source>:<line>." as Redis 7.0 writes it.
//
// Lua 5.1 (the C build) unwinds errors with longjmp: every C function that can raise keeps no C++ object
// with a destructor alive across lua_error (the work is done in a helper that returns first).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply.h"

struct lua_State;

namespace rcs::scripting {

// Script flags (the shebang's flags=..., a function's flags={...}).
enum ScriptFlag : uint32_t {
  kScriptNoWrites = 1u << 0,
  kScriptAllowOom = 1u << 1,
  kScriptAllowStale = 1u << 2,
  kScriptNoCluster = 1u << 3,
  kScriptAllowCrossSlot = 1u << 4,
  kScriptCompat = 1u << 5,  // an EVAL script without a shebang: Redis 6 rules (no flag checks up front)
};

// Parses a flag name list ("no-writes,allow-oom"). False with the bad name in *bad.
bool ParseFlagName(std::string_view name, uint32_t* flags);
// The space-separated words of a shebang line ("#!lua name=lib flags=no-writes"), as both EVAL's and
// FUNCTION LOAD's shebangs are split.
std::vector<std::string_view> ShebangWords(std::string_view line);

// EVAL's shebang: "#!lua flags=a,b". No shebang gives kScriptCompat. Error text (with "ERR ") on failure.
bool ParseEvalShebang(std::string_view body, uint32_t* flags, std::string* err);

// What a running script asks of the server.
class ScriptHost {
 public:
  virtual ~ScriptHost() = default;
  // Runs a command for the script. Returns "" with the RESP reply (in protocol `resp`) in *reply, or the
  // reason it was refused, as Redis's scriptCall gives it: "-CODE message" or "message" (ERR is added).
  // argv views the Lua strings on the calling stack (valid for the call).
  virtual std::string Call(std::span<const std::string_view> argv, int resp, std::string* reply) = 0;
  // Called every 100k Lua instructions; true stops the script with "Script killed by user ...".
  virtual bool Interrupted() = 0;
  // redis.log (level 0..3 = debug, verbose, notice, warning).
  virtual void Log(int level, std::string_view message) = 0;
  // redis.set_repl (REPL_NONE 0, REPL_AOF 1, REPL_REPLICA 2, REPL_ALL 3).
  virtual void SetRepl(int flags) = 0;
};

struct RegisteredFunction {
  std::string name;
  std::string description;
  uint32_t flags = 0;
};

class LuaEngine {
 public:
  LuaEngine();
  ~LuaEngine();
  LuaEngine(const LuaEngine&) = delete;
  LuaEngine& operator=(const LuaEngine&) = delete;

  // Compiles an EVAL body (a shebang line is kept as a comment, so line numbers stay right) and stores it
  // under its sha. Returns "" or the error text ("ERR Error compiling script (new function): ...").
  std::string CompileScript(const std::string& sha, std::string_view body);
  void DropScript(const std::string& sha);
  // Runs a compiled script with KEYS and ARGV as globals and writes its reply (or error).
  void RunScript(const std::string& sha, const std::vector<std::string>& keys, const std::vector<std::string>& args,
                 ScriptHost* host, ReplyBuilder& reply);

  // Runs a library's code (without its shebang) in a load environment where only redis.register_function
  // and redis.log exist. The registered functions are kept aside until CommitLibrary. Returns "" or the
  // error text.
  std::string LoadLibrary(std::string_view code, std::vector<RegisteredFunction>* out);
  // Makes the pending functions callable, after removing the functions named in `drop` (the replaced
  // library's); DiscardPending forgets them.
  void CommitLibrary(const std::vector<std::string>& drop);
  void DiscardPending();
  void DropFunctions(const std::vector<std::string>& names);
  // Runs a registered function with KEYS and ARGV as its two arguments.
  void RunFunction(const std::string& name, const std::vector<std::string>& keys,
                   const std::vector<std::string>& args, ScriptHost* host, ReplyBuilder& reply);

  size_t memory_bytes() const;

  // For the C callbacks (lua_engine.cc).
  struct Callbacks;
  friend struct Callbacks;

 private:
  void Run(const std::string& reg_key, const std::string& display, bool function_call,
           const std::vector<std::string>& keys, const std::vector<std::string>& args, ScriptHost* host,
           ReplyBuilder& reply);
  lua_State* L_ = nullptr;
  ScriptHost* host_ = nullptr;  // while a script runs
  int resp_ = 2;                // redis.setresp of the running script
  uint64_t rand_state_ = 0x1234ABCD330Eull;  // rand48's initial state (as Redis's, never reseeded per run)
  int gc_count_ = 0;
  // redis.call's scratch, kept between calls so a call allocates nothing for its arguments and reply (a
  // script cannot call into another script, so one set serves).
  std::vector<std::string_view> call_argv_;
  std::vector<std::string> call_numbers_;
  std::string call_reply_;
  bool loading_library_ = false;
  int64_t load_start_ms_ = 0;
  std::vector<RegisteredFunction>* pending_out_ = nullptr;
};

}  // namespace rcs::scripting
