// libFuzzer target for the Lua reply conversion (scripting/lua_reply.h), both directions:
//   first byte even: the rest is RESP (a command's reply); RESP -> Lua must take a prefix of the input or
//     nothing, and whatever it builds, converted back (RESP2 and RESP3 callers), must be one complete,
//     well-formed reply;
//   first byte odd: the rest is a Lua chunk (base/table/string/math only, stopped after 200k instructions);
//     the value it returns, converted to a reply, must be one complete, well-formed reply.
// Never crash, hang or read out of bounds (built with ASan+UBSan).
#include <cstddef>
#include <cstdint>
#include <string>

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

#include "protocol/reply.h"
#include "scripting/lua_reply.h"

namespace {

void StopHook(lua_State* L, lua_Debug*) { luaL_error(L, "instruction limit"); }

// Lua allocations are capped so a chunk cannot exhaust the fuzzer's memory.
size_t g_used = 0;
void* CappedAlloc(void*, void* ptr, size_t osize, size_t nsize) {
  if (nsize == 0) {
    g_used -= osize;
    free(ptr);
    return nullptr;
  }
  if (g_used - osize + nsize > (64u << 20)) return nullptr;
  void* p = realloc(ptr, nsize);
  if (p != nullptr) g_used = g_used - osize + nsize;
  return p;
}

void CheckRoundTrip(lua_State* L, int idx) {
  for (int proto : {2, 3}) {
    std::string out;
    rcs::ReplyBuilder rb(&out, proto);
    rcs::scripting::WriteLuaAsReply(L, idx, rb);
    int top = lua_gettop(L);
    size_t used = rcs::scripting::PushRespAsLua(L, out);
    if (used != out.size()) __builtin_trap();  // the reply we write must parse back whole
    lua_settop(L, top);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  lua_State* L = lua_newstate(CappedAlloc, nullptr);
  if (L == nullptr) return 0;
  if (data[0] % 2 == 0) {
    size_t used = rcs::scripting::PushRespAsLua(L, input);
    if (used > input.size()) __builtin_trap();
    if (used == 0 && lua_gettop(L) != 0) __builtin_trap();  // nothing pushed on malformed input
    if (used > 0) {
      if (lua_gettop(L) != 1) __builtin_trap();
      CheckRoundTrip(L, 1);
    }
  } else {
    for (lua_CFunction f : {luaopen_base, luaopen_table, luaopen_string, luaopen_math}) {
      lua_pushcfunction(L, f);
      lua_call(L, 0, 0);
    }
    lua_sethook(L, StopHook, LUA_MASKCOUNT, 200000);
    if (luaL_loadbuffer(L, input.data(), input.size(), "=fuzz") == 0 && lua_pcall(L, 0, 1, 0) == 0) {
      lua_sethook(L, StopHook, 0, 0);
      CheckRoundTrip(L, -1);
    }
  }
  lua_close(L);
  return 0;
}
