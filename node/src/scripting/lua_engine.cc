#include "scripting/lua_engine.h"

#include <cmath>
#include <cstring>

#include "base/redis_compat.h"
#include "net/event_loop.h"
#include "protocol/errors.h"
#include "scripting/lua_reply.h"
#include "base/sha.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
int luaopen_cjson(lua_State* L);
int luaopen_bit(lua_State* L);
}

namespace rcs::scripting {

namespace {
char kEngineKey;          // registry[&kEngineKey] = the LuaEngine (light userdata)
char kFunctionsKey;       // registry[&kFunctionsKey] = { "s:<sha>" / "f:<name>" = function }
char kPendingKey;         // registry[&kPendingKey] = functions registered by the library being loaded
constexpr int kHookInstructions = 100000;
constexpr int64_t kLoadTimeoutMs = 500;  // FUNCTION LOAD's limit on the library's top-level code

struct FlagName {
  const char* name;
  uint32_t flag;
};
constexpr FlagName kFlagNames[] = {{"no-writes", kScriptNoWrites},
                                   {"allow-oom", kScriptAllowOom},
                                   {"allow-stale", kScriptAllowStale},
                                   {"no-cluster", kScriptNoCluster},
                                   {"allow-cross-slot-keys", kScriptAllowCrossSlot}};
}  // namespace

std::vector<std::string_view> ShebangWords(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') i++;
    size_t j = i;
    while (j < line.size() && line[j] != ' ') j++;
    if (j > i) words.push_back(line.substr(i, j - i));
    i = j;
  }
  return words;
}

bool ParseFlagName(std::string_view name, uint32_t* flags) {
  for (const auto& f : kFlagNames) {
    if (name == f.name) {
      *flags |= f.flag;
      return true;
    }
  }
  return false;
}

bool ParseEvalShebang(std::string_view body, uint32_t* flags, std::string* err) {
  *flags = 0;
  if (body.substr(0, 2) != "#!") {
    *flags = kScriptCompat;
    return true;
  }
  size_t eol = body.find('\n');
  std::string_view line = body.substr(0, eol);
  std::vector<std::string_view> words = ShebangWords(line);  // the engine, then options
  if (words.empty() || words[0] != "#!lua") {
    *err = err::ShebangBadEngine(words.empty() ? line : words[0]);
    return false;
  }
  for (size_t w = 1; w < words.size(); w++) {
    if (words[w].substr(0, 6) != "flags=") {
      *err = err::ShebangBadOption(words[w]);
      return false;
    }
    std::string_view list = words[w].substr(6);
    size_t p = 0;
    while (p <= list.size()) {
      size_t q = list.find(',', p);
      if (q == std::string_view::npos) q = list.size();
      std::string_view name = list.substr(p, q - p);
      if (!name.empty() && !ParseFlagName(name, flags)) {
        *err = err::ShebangBadFlag(name);
        return false;
      }
      p = q + 1;
    }
  }
  return true;
}

// ---- C callbacks ----

struct LuaEngine::Callbacks {
  static LuaEngine* Engine(lua_State* L) {
    lua_pushlightuserdata(L, &kEngineKey);
    lua_rawget(L, LUA_REGISTRYINDEX);
    auto* e = static_cast<LuaEngine*>(lua_touserdata(L, -1));
    lua_pop(L, 1);
    return e;
  }

  // Pushes {err=...} from a Redis error text, as Redis's luaPushErrorBuff: "-CODE msg" keeps its code,
  // "-msg" (one word) and "msg" get ERR.
  static void PushError(lua_State* L, std::string_view text) {
    std::string final_msg;
    if (!text.empty() && text[0] == '-') {
      std::string_view rest = text.substr(1);
      if (rest.find(' ') == std::string_view::npos) final_msg = err::WithErrCode(rest);
      else final_msg = std::string(rest);
    } else {
      final_msg = err::WithErrCode(text);
    }
    PushFullError(L, final_msg);
  }
  // Pushes {err=error}, the error (with its code) as it is.
  static void PushFullError(lua_State* L, std::string_view error) {
    lua_newtable(L);
    lua_pushstring(L, "err");
    lua_pushlstring(L, error.data(), error.size());
    lua_rawset(L, -3);
  }

  // The work of redis.call/pcall: leaves the result (or an error table) on the stack and returns true when
  // that is an error to raise. No C++ object outlives this function, so the caller may lua_error.
  static bool Command(lua_State* L, bool raise) {
    LuaEngine* e = Engine(L);
    int argc = lua_gettop(L);
    if (argc == 0) {
      PushError(L, err::lua_reason::kNoArguments);
      return true;
    }
    // Views into the Lua strings, which stay on this call's stack until it returns; a number argument is
    // formatted into `numbers` (reserved up front, so the views into it stay valid).
    std::vector<std::string_view>& argv = e->call_argv_;
    std::vector<std::string>& numbers = e->call_numbers_;
    argv.clear();
    numbers.clear();
    numbers.reserve(static_cast<size_t>(argc));
    for (int j = 1; j <= argc; j++) {
      if (lua_type(L, j) == LUA_TNUMBER) {
        numbers.push_back(LuaNumberArg(lua_tonumber(L, j)));
        argv.emplace_back(numbers.back());
      } else if (lua_type(L, j) == LUA_TSTRING) {
        size_t len = 0;
        const char* p = lua_tolstring(L, j, &len);
        argv.emplace_back(p, len);
      } else {
        PushError(L, err::lua_reason::kBadArgumentType);
        return true;
      }
    }
    if (e->host_ == nullptr) {
      PushFullError(L, err::kScriptUnknownCommand);
      return true;
    }
    std::string& reply = e->call_reply_;  // reused: its capacity stays from call to call
    reply.clear();
    std::string refused = e->host_->Call(argv, e->resp_, &reply);
    if (!refused.empty()) {
      PushError(L, refused);
      return true;
    }
    if (PushRespAsLua(L, reply) == 0) {
      PushError(L, err::lua_reason::kReplyNotConverted);
      return true;
    }
    return raise && !reply.empty() && reply[0] == '-';
  }
  static int Call(lua_State* L) {
    if (Command(L, true)) return lua_error(L);
    return 1;
  }
  static int PCall(lua_State* L) {
    Command(L, false);
    return 1;
  }

  static int ErrorReply(lua_State* L) {
    if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
      PushError(L, err::lua_reason::kWrongArgsOrType);
      return 1;
    }
    size_t len = 0;
    const char* p = lua_tolstring(L, 1, &len);
    std::string_view s(p, len);
    if (!s.empty() && s[0] == '-') {
      PushError(L, s);
    } else {
      std::string t = "-" + std::string(s);
      PushError(L, t);
    }
    return 1;
  }
  static int StatusReply(lua_State* L) {
    if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
      PushError(L, err::lua_reason::kWrongArgsOrType);
      return 1;
    }
    lua_newtable(L);
    lua_pushstring(L, "ok");
    lua_pushvalue(L, 1);
    lua_rawset(L, -3);
    return 1;
  }
  static bool Sha1Work(lua_State* L) {
    if (lua_gettop(L) != 1) {
      PushError(L, err::lua_reason::kWrongArgCount);
      return true;
    }
    size_t len = 0;
    const char* p = lua_tolstring(L, 1, &len);
    std::string hex = Sha1Hex(std::string_view(p == nullptr ? "" : p, p == nullptr ? 0 : len));
    lua_pushlstring(L, hex.data(), hex.size());
    return false;
  }
  static int Sha1(lua_State* L) {
    if (Sha1Work(L)) return lua_error(L);
    return 1;
  }
  static bool LogWork(lua_State* L) {
    int argc = lua_gettop(L);
    if (argc < 2) {
      PushError(L, err::lua_reason::kLogArgs);
      return true;
    }
    if (!lua_isnumber(L, 1)) {
      PushError(L, err::lua_reason::kLogLevelNotNumber);
      return true;
    }
    int level = static_cast<int>(lua_tonumber(L, 1));
    if (level < 0 || level > 3) {
      PushError(L, err::lua_reason::kLogLevelInvalid);
      return true;
    }
    std::string msg;
    for (int j = 2; j <= argc; j++) {
      size_t len = 0;
      const char* p = lua_tolstring(L, j, &len);
      if (p == nullptr) continue;
      if (j > 2) msg += ' ';
      msg.append(p, len);
    }
    LuaEngine* e = Engine(L);
    if (e->host_ != nullptr) e->host_->Log(level, msg);
    return false;
  }
  static int Log(lua_State* L) {
    if (LogWork(L)) return lua_error(L);
    return 0;
  }
  static int SetResp(lua_State* L) {
    if (lua_gettop(L) != 1) {
      PushError(L, err::lua_reason::kSetRespArgs);
      return lua_error(L);
    }
    int v = static_cast<int>(lua_tonumber(L, 1));
    if (v != 2 && v != 3) {
      PushError(L, err::lua_reason::kSetRespVersion);
      return lua_error(L);
    }
    Engine(L)->resp_ = v;
    return 0;
  }
  static int SetRepl(lua_State* L) {
    if (lua_gettop(L) != 1) {
      PushError(L, err::lua_reason::kSetReplArgs);
      return lua_error(L);
    }
    int flags = static_cast<int>(lua_tonumber(L, 1));
    if ((flags & ~3) != 0) {
      PushError(L, err::lua_reason::kSetReplFlags);
      return lua_error(L);
    }
    LuaEngine* e = Engine(L);
    if (e->host_ != nullptr) e->host_->SetRepl(flags);
    return 0;
  }
  static int ReplicateCommands(lua_State* L) {
    lua_pushboolean(L, 1);
    return 1;
  }
  static int Breakpoint(lua_State* L) {
    lua_pushboolean(L, 0);
    return 1;
  }
  static int Nothing(lua_State*) { return 0; }

  // rand48 (as Redis's math.random): x = (a*x + c) mod 2^48, the top 31 bits are the value.
  static int32_t Rand48(LuaEngine* e) {
    e->rand_state_ = (e->rand_state_ * 0x5DEECE66Dull + 0xB) & ((1ull << 48) - 1);
    return static_cast<int32_t>(e->rand_state_ >> 17);
  }
  static int Random(lua_State* L) {
    constexpr int32_t kMax = 2147483647;
    lua_Number r = static_cast<lua_Number>(Rand48(Engine(L)) % kMax) / static_cast<lua_Number>(kMax);
    switch (lua_gettop(L)) {
      case 0:
        lua_pushnumber(L, r);
        break;
      case 1: {
        int u = luaL_checkint(L, 1);
        luaL_argcheck(L, 1 <= u, 1, "interval is empty");
        lua_pushnumber(L, std::floor(r * u) + 1);
        break;
      }
      case 2: {
        int l = luaL_checkint(L, 1);
        int u = luaL_checkint(L, 2);
        luaL_argcheck(L, l <= u, 2, "interval is empty");
        lua_pushnumber(L, std::floor(r * (u - l + 1)) + l);
        break;
      }
      default:
        return luaL_error(L, "%s", err::lua_reason::kWrongArgCount.data());
    }
    return 1;
  }
  static int RandomSeed(lua_State* L) {
    Engine(L)->rand_state_ = (static_cast<uint64_t>(static_cast<uint32_t>(luaL_checkint(L, 1))) << 16) | 0x330E;
    return 0;
  }

  // Globals are read-only and missing ones are an error.
  static int GlobalIndex(lua_State* L) {
    const char* name = lua_tostring(L, 2);
    return luaL_error(L, err::lua_reason::kNoSuchGlobal.data(), name ? name : "?");
  }
  static int GlobalNewIndex(lua_State* L) { return luaL_error(L, "%s", err::lua_reason::kReadonlyTable.data()); }

  // Error handler: a string error becomes {err='ERR '..msg}; where it happened (the Lua code calling a
  // C function such as redis.call or error) goes into source/line.
  static int ErrorHandler(lua_State* L) {
    if (lua_type(L, 1) != LUA_TTABLE) {
      const char* msg = lua_tostring(L, 1);
      lua_newtable(L);
      lua_pushstring(L, "err");
      lua_pushstring(L, err::kErrCode);
      if (msg != nullptr) lua_pushstring(L, msg);
      else if (lua_type(L, 1) == LUA_TBOOLEAN) lua_pushstring(L, lua_toboolean(L, 1) ? "true" : "false");
      else lua_pushstring(L, lua_isnil(L, 1) ? "nil" : lua_typename(L, lua_type(L, 1)));
      lua_concat(L, 2);
      lua_rawset(L, -3);
      lua_replace(L, 1);
    }
    lua_Debug ar;
    bool found = false;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "nSl", &ar)) {
      found = true;
      if (strcmp(ar.what, "C") == 0) found = lua_getstack(L, 2, &ar) && lua_getinfo(L, "nSl", &ar);
    }
    if (found) {
      lua_pushstring(L, "source");
      lua_pushstring(L, ar.source);
      lua_rawset(L, 1);
      lua_pushstring(L, "line");
      lua_pushnumber(L, ar.currentline);
      lua_rawset(L, 1);
    }
    lua_settop(L, 1);
    return 1;
  }

  static void Hook(lua_State* L, lua_Debug*) {
    LuaEngine* e = Engine(L);
    bool stop = false;
    std::string_view why;
    if (e->loading_library_) {
      if (MonotonicMs() - e->load_start_ms_ > kLoadTimeoutMs) {
        stop = true;
        why = err::lua_reason::kLoadTimeout;
      }
    } else if (e->host_ != nullptr && e->host_->Interrupted()) {
      stop = true;
      why = err::lua_reason::kKilled;
    }
    if (!stop) return;
    // Keep raising on every line until the script is out (a pcall in the script must not swallow it).
    lua_sethook(L, Hook, LUA_MASKLINE, 0);
    PushError(L, why);
    lua_error(L);
  }

  // redis.register_function('name', fn) or redis.register_function{function_name=, callback=, flags=,
  // description=}, only while a library loads.
  static bool RegisterWork(lua_State* L) {
    LuaEngine* e = Engine(L);
    if (!e->loading_library_ || e->pending_out_ == nullptr) {
      PushError(L, err::lua_reason::kRegisterNotLoading);
      return true;
    }
    RegisteredFunction f;
    int argc = lua_gettop(L);
    int fn_index = 0;
    if (argc == 2) {
      if (lua_type(L, 1) != LUA_TSTRING || lua_type(L, 2) != LUA_TFUNCTION) {
        PushError(L, err::lua_reason::kRegisterWrongArgs);
        return true;
      }
      f.name = lua_tostring(L, 1);
      fn_index = 2;
    } else if (argc == 1 && lua_type(L, 1) == LUA_TTABLE) {
      lua_pushnil(L);  // index 2: the callback, once found
      lua_pushnil(L);
      while (lua_next(L, 1) != 0) {
        if (lua_type(L, -2) != LUA_TSTRING) {
          PushError(L, err::lua_reason::kRegisterKeyNotString);
          return true;
        }
        std::string key = lua_tostring(L, -2);
        if (key == "function_name") {
          if (lua_type(L, -1) != LUA_TSTRING) {
            PushError(L, err::lua_reason::kRegisterNameNotString);
            return true;
          }
          f.name = lua_tostring(L, -1);
        } else if (key == "description") {
          if (lua_type(L, -1) != LUA_TSTRING) {
            PushError(L, err::lua_reason::kRegisterDescriptionNotString);
            return true;
          }
          f.description = lua_tostring(L, -1);
        } else if (key == "callback") {
          if (lua_type(L, -1) != LUA_TFUNCTION) {
            PushError(L, err::lua_reason::kRegisterCallbackNotFunction);
            return true;
          }
          lua_pushvalue(L, -1);
          lua_replace(L, 2);
        } else if (key == "flags") {
          if (lua_type(L, -1) != LUA_TTABLE) {
            PushError(L, err::lua_reason::kRegisterFlagsNotTable);
            return true;
          }
          int ft = lua_gettop(L);
          for (int j = 1;; j++) {
            lua_rawgeti(L, ft, j);
            if (lua_isnil(L, -1)) {
              lua_pop(L, 1);
              break;
            }
            const char* name = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : nullptr;
            if (name == nullptr || !ParseFlagName(name, &f.flags)) {
              lua_pop(L, 1);
              PushError(L, err::lua_reason::kRegisterUnknownFlag);
              return true;
            }
            lua_pop(L, 1);
          }
        } else {
          PushError(L, err::lua_reason::kRegisterUnknownArgument);
          return true;
        }
        lua_pop(L, 1);
      }
      if (lua_type(L, 2) != LUA_TFUNCTION) {
        PushError(L, err::lua_reason::kRegisterNoCallback);
        return true;
      }
      fn_index = 2;
    } else {
      PushError(L, err::lua_reason::kRegisterArgCount);
      return true;
    }
    if (f.name.empty()) {
      PushError(L, err::lua_reason::kRegisterNoName);
      return true;
    }
    for (char ch : f.name) {
      if (!(isalnum(static_cast<unsigned char>(ch)) || ch == '_')) {
        // (Redis 7.0 words it so for function names too.)
        PushFullError(L, err::kLibraryBadName);
        return true;
      }
    }
    for (const auto& other : *e->pending_out_) {
      if (other.name == f.name) {
        PushError(L, err::lua_reason::kFunctionInLibrary);
        return true;
      }
    }
    lua_pushlightuserdata(L, &kPendingKey);
    lua_rawget(L, LUA_REGISTRYINDEX);
    lua_pushlstring(L, f.name.data(), f.name.size());
    lua_pushvalue(L, fn_index);
    // Functions run with the real globals, not the load environment.
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    lua_setfenv(L, -2);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    e->pending_out_->push_back(std::move(f));
    return false;
  }
  static int Register(lua_State* L) {
    if (RegisterWork(L)) return lua_error(L);
    return 0;
  }
};

// ---- LuaEngine ----

LuaEngine::LuaEngine() {
  L_ = luaL_newstate();
  const lua_CFunction libs[] = {luaopen_base, luaopen_table, luaopen_string, luaopen_math};
  for (lua_CFunction f : libs) {
    lua_pushcfunction(L_, f);
    lua_call(L_, 0, 0);
  }
  lua_pushcfunction(L_, luaopen_cjson);
  lua_call(L_, 0, 1);
  lua_setglobal(L_, "cjson");
  lua_pushcfunction(L_, luaopen_bit);
  lua_call(L_, 0, 1);
  lua_setglobal(L_, "bit");
  // Unsafe or pointless in a script.
  for (const char* name : {"loadfile", "dofile", "print"}) {
    lua_pushnil(L_);
    lua_setglobal(L_, name);
  }
  lua_pushlightuserdata(L_, &kEngineKey);
  lua_pushlightuserdata(L_, this);
  lua_rawset(L_, LUA_REGISTRYINDEX);
  lua_pushlightuserdata(L_, &kFunctionsKey);
  lua_newtable(L_);
  lua_rawset(L_, LUA_REGISTRYINDEX);
  lua_pushlightuserdata(L_, &kPendingKey);
  lua_newtable(L_);
  lua_rawset(L_, LUA_REGISTRYINDEX);

  lua_getglobal(L_, "math");
  lua_pushcfunction(L_, Callbacks::Random);
  lua_setfield(L_, -2, "random");
  lua_pushcfunction(L_, Callbacks::RandomSeed);
  lua_setfield(L_, -2, "randomseed");
  lua_pop(L_, 1);

  lua_newtable(L_);
  struct Fn {
    const char* name;
    lua_CFunction fn;
  };
  const Fn fns[] = {{"call", Callbacks::Call},
                    {"pcall", Callbacks::PCall},
                    {"error_reply", Callbacks::ErrorReply},
                    {"status_reply", Callbacks::StatusReply},
                    {"sha1hex", Callbacks::Sha1},
                    {"log", Callbacks::Log},
                    {"setresp", Callbacks::SetResp},
                    {"set_repl", Callbacks::SetRepl},
                    {"replicate_commands", Callbacks::ReplicateCommands},
                    {"breakpoint", Callbacks::Breakpoint},
                    {"debug", Callbacks::Nothing}};
  for (const auto& f : fns) {
    lua_pushcfunction(L_, f.fn);
    lua_setfield(L_, -2, f.name);
  }
  const std::pair<const char*, int> consts[] = {
      {"LOG_DEBUG", 0}, {"LOG_VERBOSE", 1}, {"LOG_NOTICE", 2}, {"LOG_WARNING", 3},    {"REPL_NONE", 0},
      {"REPL_AOF", 1},  {"REPL_SLAVE", 2},  {"REPL_REPLICA", 2}, {"REPL_ALL", 3},
      {"REDIS_VERSION_NUM", kRedisVersionNum}};
  for (const auto& [name, v] : consts) {
    lua_pushnumber(L_, v);
    lua_setfield(L_, -2, name);
  }
  lua_pushlstring(L_, kRedisVersion.data(), kRedisVersion.size());
  lua_setfield(L_, -2, "REDIS_VERSION");
  lua_setglobal(L_, "redis");

  // Protect the globals last: from here on only rawset adds one (KEYS and ARGV).
  lua_pushvalue(L_, LUA_GLOBALSINDEX);
  lua_newtable(L_);
  lua_pushcfunction(L_, Callbacks::GlobalIndex);
  lua_setfield(L_, -2, "__index");
  lua_pushcfunction(L_, Callbacks::GlobalNewIndex);
  lua_setfield(L_, -2, "__newindex");
  lua_setmetatable(L_, -2);
  lua_pop(L_, 1);
}

LuaEngine::~LuaEngine() {
  if (L_ != nullptr) lua_close(L_);
}

size_t LuaEngine::memory_bytes() const {
  return static_cast<size_t>(lua_gc(L_, LUA_GCCOUNT, 0)) * 1024 + static_cast<size_t>(lua_gc(L_, LUA_GCCOUNTB, 0));
}

std::string LuaEngine::CompileScript(const std::string& sha, std::string_view body) {
  std::string code;
  std::string_view src = body;
  if (body.substr(0, 2) == "#!") {
    // The shebang line stays as a comment: errors name the same line numbers as Redis.
    code = "--";
    code.append(body.data(), body.size());
    src = code;
  }
  if (luaL_loadbuffer(L_, src.data(), src.size(), "@user_script") != 0) {
    const char* msg = lua_tostring(L_, -1);
    std::string err = err::ScriptCompileFailed(msg ? msg : "?");
    lua_pop(L_, 1);
    return err;
  }
  lua_pushlightuserdata(L_, &kFunctionsKey);
  lua_rawget(L_, LUA_REGISTRYINDEX);
  std::string key = "s:" + sha;
  lua_pushlstring(L_, key.data(), key.size());
  lua_pushvalue(L_, -3);
  lua_rawset(L_, -3);
  lua_pop(L_, 2);
  return "";
}

void LuaEngine::DropScript(const std::string& sha) { DropFunctions({"\x01" + sha}); }

void LuaEngine::DropFunctions(const std::vector<std::string>& names) {
  lua_pushlightuserdata(L_, &kFunctionsKey);
  lua_rawget(L_, LUA_REGISTRYINDEX);
  for (const auto& n : names) {
    // "\x01<sha>" names a script (DropScript), anything else a function.
    std::string key = n.size() > 0 && n[0] == '\x01' ? "s:" + n.substr(1) : "f:" + n;
    lua_pushlstring(L_, key.data(), key.size());
    lua_pushnil(L_);
    lua_rawset(L_, -3);
  }
  lua_pop(L_, 1);
  lua_gc(L_, LUA_GCSTEP, 10);
}

void LuaEngine::RunScript(const std::string& sha, const std::vector<std::string>& keys,
                          const std::vector<std::string>& args, ScriptHost* host, ReplyBuilder& reply) {
  Run("s:" + sha, sha, false, keys, args, host, reply);
}

void LuaEngine::RunFunction(const std::string& name, const std::vector<std::string>& keys,
                            const std::vector<std::string>& args, ScriptHost* host, ReplyBuilder& reply) {
  Run("f:" + name, name, true, keys, args, host, reply);
}

namespace {
void PushStringArray(lua_State* L, const std::vector<std::string>& v) {
  lua_createtable(L, static_cast<int>(v.size()), 0);
  for (size_t i = 0; i < v.size(); i++) {
    lua_pushlstring(L, v[i].data(), v[i].size());
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
}
}  // namespace

void LuaEngine::Run(const std::string& reg_key, const std::string& display, bool function_call,
                    const std::vector<std::string>& keys, const std::vector<std::string>& args, ScriptHost* host,
                    ReplyBuilder& reply) {
  int top = lua_gettop(L_);
  lua_pushcfunction(L_, Callbacks::ErrorHandler);
  int handler = lua_gettop(L_);
  lua_pushlightuserdata(L_, &kFunctionsKey);
  lua_rawget(L_, LUA_REGISTRYINDEX);
  lua_pushlstring(L_, reg_key.data(), reg_key.size());
  lua_rawget(L_, -2);
  lua_remove(L_, -2);
  if (lua_type(L_, -1) != LUA_TFUNCTION) {
    lua_settop(L_, top);
    reply.Error(function_call ? err::kFunctionNotFound : err::kNoScript);
    return;
  }
  int nargs = 0;
  if (function_call) {
    PushStringArray(L_, keys);
    PushStringArray(L_, args);
    nargs = 2;
  } else {
    // KEYS and ARGV are globals, set with rawset past the globals' write guard.
    lua_pushliteral(L_, "KEYS");
    PushStringArray(L_, keys);
    lua_rawset(L_, LUA_GLOBALSINDEX);
    lua_pushliteral(L_, "ARGV");
    PushStringArray(L_, args);
    lua_rawset(L_, LUA_GLOBALSINDEX);
  }
  host_ = host;
  resp_ = 2;
  lua_sethook(L_, Callbacks::Hook, LUA_MASKCOUNT, kHookInstructions);
  int rc = lua_pcall(L_, nargs, 1, handler);
  lua_sethook(L_, Callbacks::Hook, 0, 0);
  host_ = nullptr;
  if (rc == 0) {
    WriteLuaAsReply(L_, -1, reply, resp_);
  } else if (lua_type(L_, -1) == LUA_TTABLE) {
    int t = lua_gettop(L_);
    lua_getfield(L_, t, "err");
    lua_getfield(L_, t, "source");
    lua_getfield(L_, t, "line");
    std::string msg;
    if (const char* m = lua_tostring(L_, -3)) msg = m;
    const char* source = lua_tostring(L_, -2);
    const char* line = lua_tostring(L_, -1);  // a number, converted in place (not a table key)
    if (source != nullptr && line != nullptr) {
      msg += " script: " + display + ", on " + source + ":" + line + ".";
    }
    reply.Error(msg);
  } else {
    const char* m = lua_tostring(L_, -1);
    reply.Error(err::ScriptRunFailed(display, m ? m : "execution failure"));
  }
  lua_settop(L_, top);
  if (++gc_count_ >= 50) {
    lua_gc(L_, LUA_GCSTEP, 50);
    gc_count_ = 0;
  }
}

std::string LuaEngine::LoadLibrary(std::string_view code, std::vector<RegisteredFunction>* out) {
  int top = lua_gettop(L_);
  DiscardPending();
  if (luaL_loadbuffer(L_, code.data(), code.size(), "@user_function") != 0) {
    const char* msg = lua_tostring(L_, -1);
    std::string err = err::FunctionCompileFailed(msg ? msg : "?");
    lua_settop(L_, top);
    return err;
  }
  // The load environment: redis has only register_function, log and the constants; other globals are read
  // through to the real (protected) ones, and nothing can be assigned.
  int chunk = lua_gettop(L_);
  lua_newtable(L_);
  int env = lua_gettop(L_);
  lua_newtable(L_);
  lua_pushcfunction(L_, Callbacks::Register);
  lua_setfield(L_, -2, "register_function");
  lua_pushcfunction(L_, Callbacks::Log);
  lua_setfield(L_, -2, "log");
  lua_getglobal(L_, "redis");
  for (const char* c : {"LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REDIS_VERSION", "REDIS_VERSION_NUM"}) {
    lua_getfield(L_, -1, c);
    lua_setfield(L_, -3, c);
  }
  lua_pop(L_, 1);
  lua_newtable(L_);  // redis.call & co do not exist while loading: reading them is the missing-global error
  lua_pushcfunction(L_, Callbacks::GlobalIndex);
  lua_setfield(L_, -2, "__index");
  lua_setmetatable(L_, -2);
  lua_setfield(L_, env, "redis");
  lua_newtable(L_);  // metatable
  lua_pushvalue(L_, LUA_GLOBALSINDEX);
  lua_setfield(L_, -2, "__index");
  lua_pushcfunction(L_, Callbacks::GlobalNewIndex);
  lua_setfield(L_, -2, "__newindex");
  lua_setmetatable(L_, env);
  lua_setfenv(L_, chunk);
  lua_pushcfunction(L_, Callbacks::ErrorHandler);
  lua_insert(L_, chunk);
  loading_library_ = true;
  load_start_ms_ = MonotonicMs();
  pending_out_ = out;
  host_ = nullptr;
  lua_sethook(L_, Callbacks::Hook, LUA_MASKCOUNT, kHookInstructions);
  int rc = lua_pcall(L_, 0, 0, chunk);
  lua_sethook(L_, Callbacks::Hook, 0, 0);
  loading_library_ = false;
  pending_out_ = nullptr;
  std::string err;
  if (rc != 0) {
    if (lua_type(L_, -1) == LUA_TTABLE) lua_getfield(L_, -1, "err");
    const char* m = lua_tostring(L_, -1);
    err = err::FunctionRegisterFailed(m ? m : "?");
    DiscardPending();
    out->clear();
  }
  lua_settop(L_, top);
  return err;
}

void LuaEngine::DiscardPending() {
  lua_pushlightuserdata(L_, &kPendingKey);
  lua_newtable(L_);
  lua_rawset(L_, LUA_REGISTRYINDEX);
}

void LuaEngine::CommitLibrary(const std::vector<std::string>& drop) {
  DropFunctions(drop);
  lua_pushlightuserdata(L_, &kFunctionsKey);
  lua_rawget(L_, LUA_REGISTRYINDEX);
  int funcs = lua_gettop(L_);
  lua_pushlightuserdata(L_, &kPendingKey);
  lua_rawget(L_, LUA_REGISTRYINDEX);
  int pending = lua_gettop(L_);
  lua_pushnil(L_);
  while (lua_next(L_, pending) != 0) {
    lua_pushstring(L_, "f:");
    lua_pushvalue(L_, -3);
    lua_concat(L_, 2);
    lua_pushvalue(L_, -2);
    lua_rawset(L_, funcs);
    lua_pop(L_, 1);
  }
  lua_settop(L_, funcs - 1);
  DiscardPending();
}

}  // namespace rcs::scripting
