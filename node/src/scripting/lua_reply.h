// Reply conversion between RESP and Lua values, both directions, as Redis 7.0 converts them. Pure functions
// of a lua_State and bytes: no server, so the fuzzer (node/fuzz/fuzz_lua_reply.cc) drives them directly.
//
// RESP -> Lua (what redis.call returns to the script):
//   +status -> {ok=s}         -error -> {err=s}        :int -> number        $bulk -> string
//   $-1 / *-1 -> false        *n -> array table        RESP3 (after redis.setresp(3)):
//   _ -> nil   #t/#f -> boolean   ,d -> {double=n}   (n -> {big_number=s}   %n -> {map={k=v}}
//   ~n -> {set={k=true}}   =len -> {verbatim_string={format=f, string=s}}   |attribute -> skipped
// Lua -> RESP (what the script returns to its caller):
//   string -> bulk; number -> integer (truncated toward zero, as C's (long long) cast); booleans by the
//   script's protocol (redis.setresp), not the caller's: a RESP2 script returns true -> :1 and false -> the
//   caller's null ($-1 or _), a RESP3 script #t/#f (:1/:0 to a RESP2 caller); table with err -> error, ok -> status, double -> double,
//   big_number, map, set, verbatim_string -> those types (flattened for a RESP2 caller by the reply
//   builder); any other table -> array of t[1], t[2], ... up to the first nil; anything else -> null.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "protocol/reply.h"

struct lua_State;

namespace rcs::scripting {

// Pushes the Lua value of the first RESP reply in `resp` and returns the bytes it took. Malformed or
// incomplete input pushes nothing and returns 0 (the stack is left as it was).
size_t PushRespAsLua(lua_State* L, std::string_view resp);

// Writes the Lua value at stack index `idx` (not popped) as one reply. The reply builder's protocol is the
// caller's; `script_resp` is the script's own (redis.setresp), which decides how booleans are written.
void WriteLuaAsReply(lua_State* L, int idx, ReplyBuilder& reply, int script_resp = 2);

// A Lua number as Redis passes it to a command: "%.17g".
std::string LuaNumberArg(double d);

}  // namespace rcs::scripting
