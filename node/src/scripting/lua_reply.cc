#include "scripting/lua_reply.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "protocol/errors.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

namespace rcs::scripting {
namespace {

// Nesting limit for both directions: deeper replies are not produced by any command, and a script's
// self-referencing table must not recurse forever. Redis answers "reached lua stack limit" there.
constexpr int kMaxDepth = 200;

// A line up to CRLF starting at pos; false when incomplete.
bool ReadLine(std::string_view s, size_t pos, std::string_view* line, size_t* next) {
  size_t e = s.find("\r\n", pos);
  if (e == std::string_view::npos) return false;
  *line = s.substr(pos, e - pos);
  *next = e + 2;
  return true;
}

bool ParseInt(std::string_view t, int64_t* out) {
  if (t.empty() || t.size() > 20) return false;
  char buf[24];
  memcpy(buf, t.data(), t.size());
  buf[t.size()] = '\0';
  char* end = nullptr;
  errno = 0;
  long long v = strtoll(buf, &end, 10);
  if (errno != 0 || end != buf + t.size()) return false;
  *out = v;
  return true;
}

void SetField(lua_State* L, const char* name, std::string_view value) {
  lua_pushstring(L, name);
  lua_pushlstring(L, value.data(), value.size());
  lua_rawset(L, -3);
}

// A table key must not be nil or NaN (lua_rawset would raise outside any protected call).
bool UsableKey(lua_State* L, int idx) {
  int t = lua_type(L, idx);
  if (t == LUA_TNIL) return false;
  if (t == LUA_TNUMBER && std::isnan(lua_tonumber(L, idx))) return false;
  return true;
}

size_t Push(lua_State* L, std::string_view s, size_t pos, int depth);

// Pushes n elements (2n for maps) into the table at the top. Returns the end position or 0.
size_t PushElements(lua_State* L, std::string_view s, size_t pos, int64_t n, int depth, char kind) {
  for (int64_t i = 0; i < n; i++) {
    if (kind == '*') {
      size_t p = Push(L, s, pos, depth + 1);
      if (p == 0) return 0;
      pos = p;
      lua_rawseti(L, -2, static_cast<int>(i + 1));
    } else if (kind == '%') {
      size_t p = Push(L, s, pos, depth + 1);
      if (p == 0) return 0;
      size_t q = Push(L, s, p, depth + 1);
      if (q == 0) {
        lua_pop(L, 1);
        return 0;
      }
      pos = q;
      if (UsableKey(L, -2)) lua_rawset(L, -3);
      else lua_pop(L, 2);
    } else {  // set: members are keys with the value true
      size_t p = Push(L, s, pos, depth + 1);
      if (p == 0) return 0;
      pos = p;
      if (UsableKey(L, -1)) {
        lua_pushboolean(L, 1);
        lua_rawset(L, -3);
      } else {
        lua_pop(L, 1);
      }
    }
  }
  return pos;
}

size_t Push(lua_State* L, std::string_view s, size_t pos, int depth) {
  if (depth > kMaxDepth || pos >= s.size() || !lua_checkstack(L, 8)) return 0;
  int top = lua_gettop(L);
  char type = s[pos];
  std::string_view line;
  size_t next = 0;
  if (!ReadLine(s, pos + 1, &line, &next)) return 0;
  switch (type) {
    case '+':
      lua_newtable(L);
      SetField(L, "ok", line);
      return next;
    case '-':
      lua_newtable(L);
      SetField(L, "err", line);
      return next;
    case ':': {
      int64_t v = 0;
      if (!ParseInt(line, &v)) return 0;
      lua_pushnumber(L, static_cast<lua_Number>(v));
      return next;
    }
    case '$':
    case '=':
    case '!': {
      int64_t len = 0;
      if (!ParseInt(line, &len) || len < -1) return 0;
      if (len == -1) {
        if (type != '$') return 0;
        lua_pushboolean(L, 0);
        return next;
      }
      if (static_cast<uint64_t>(len) > s.size() - next || s.size() - next - static_cast<size_t>(len) < 2) return 0;
      std::string_view body = s.substr(next, static_cast<size_t>(len));
      if (s.substr(next + static_cast<size_t>(len), 2) != "\r\n") return 0;
      size_t end = next + static_cast<size_t>(len) + 2;
      if (type == '$') {
        lua_pushlstring(L, body.data(), body.size());
      } else if (type == '!') {  // RESP3 blob error
        lua_newtable(L);
        SetField(L, "err", body);
      } else {
        if (body.size() < 4 || body[3] != ':') return 0;
        lua_newtable(L);
        lua_pushstring(L, "verbatim_string");
        lua_newtable(L);
        SetField(L, "format", body.substr(0, 3));
        SetField(L, "string", body.substr(4));
        lua_rawset(L, -3);
      }
      return end;
    }
    case '*':
    case '%':
    case '~':
    case '>': {
      int64_t n = 0;
      if (!ParseInt(line, &n) || n < -1) return 0;
      if (n == -1) {
        if (type != '*') return 0;
        lua_pushboolean(L, 0);
        return next;
      }
      // Each element takes at least 3 bytes: a count beyond that is malformed (and must not allocate).
      if (static_cast<uint64_t>(n) > (s.size() - next) / 3) return 0;
      lua_newtable(L);
      if (type == '%' || type == '~') {
        lua_pushstring(L, type == '%' ? "map" : "set");
        lua_newtable(L);
      }
      size_t end = PushElements(L, s, next, n, depth, type == '>' ? '*' : type);
      if (end == 0) {
        lua_settop(L, top);
        return 0;
      }
      if (type == '%' || type == '~') lua_rawset(L, -3);
      return end;
    }
    case '_':
      if (!line.empty()) return 0;
      lua_pushnil(L);
      return next;
    case '#':
      if (line != "t" && line != "f") return 0;
      lua_pushboolean(L, line == "t");
      return next;
    case ',': {
      if (line.empty() || line.size() > 64) return 0;
      char buf[72];
      memcpy(buf, line.data(), line.size());
      buf[line.size()] = '\0';
      char* end = nullptr;
      double d = strtod(buf, &end);
      if (end != buf + line.size()) return 0;
      lua_newtable(L);
      lua_pushstring(L, "double");
      lua_pushnumber(L, d);
      lua_rawset(L, -3);
      return next;
    }
    case '(':
      lua_newtable(L);
      SetField(L, "big_number", line);
      return next;
    case '|': {  // attributes carry no value for the script: skip them, the reply follows
      int64_t n = 0;
      if (!ParseInt(line, &n) || n < 0 || static_cast<uint64_t>(n) > (s.size() - next) / 6) return 0;
      lua_newtable(L);
      size_t end = PushElements(L, s, next, n * 2, depth, '*');
      lua_settop(L, top);
      if (end == 0) return 0;
      return Push(L, s, end, depth + 1);
    }
    default:
      return 0;
  }
}

// t[name] of the table at idx, pushed; returns its type.
int GetField(lua_State* L, int idx, const char* name) {
  lua_pushstring(L, name);
  lua_rawget(L, idx);
  return lua_type(L, -1);
}

std::string NoCrlf(std::string_view s) {
  std::string r(s);
  for (char& ch : r) {
    if (ch == '\r' || ch == '\n') ch = ' ';
  }
  return r;
}

int64_t ToInteger(double d) {
  // C's (long long) cast on x86-64 (what Redis does): out of range and NaN give INT64_MIN.
  if (std::isnan(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(d);
}

// Where a Lua value is written: the caller's reply (its protocol decides RESP2/RESP3 framing) and the
// script's own protocol (redis.setresp, 2 unless the script changed it), which decides booleans as in
// Redis's luaReplyToRedisReply: a RESP2 script returns true as :1 and false as the caller's null; a RESP3
// script returns them as booleans (#t/#f, or :1/:0 to a RESP2 caller).
struct LuaReplyOut {
  ReplyBuilder& reply;
  int script_resp;
};

// A Lua value as a reply: a table is one of the typed tables (kTypedTables) or else an array.
void WriteScalar(lua_State* L, int idx, LuaReplyOut& out);
bool WriteTypedTable(lua_State* L, int idx, LuaReplyOut& out, int depth);
void WriteArray(lua_State* L, int idx, LuaReplyOut& out, int depth);

void Write(lua_State* L, int idx, LuaReplyOut& out, int depth) {
  ReplyBuilder& reply = out.reply;
  if (idx < 0) idx = lua_gettop(L) + idx + 1;
  if (depth > kMaxDepth || !lua_checkstack(L, 8)) {
    reply.Error(err::kLuaStackLimit);
    return;
  }
  if (lua_type(L, idx) != LUA_TTABLE) {
    WriteScalar(L, idx, out);
    return;
  }
  if (!WriteTypedTable(L, idx, out, depth)) WriteArray(L, idx, out, depth);
}

// Anything but a table: strings, booleans (see LuaReplyOut), numbers (cut to integers), everything else nil.
void WriteScalar(lua_State* L, int idx, LuaReplyOut& out) {
  ReplyBuilder& reply = out.reply;
  switch (lua_type(L, idx)) {
    case LUA_TSTRING: {
      size_t len = 0;
      const char* p = lua_tolstring(L, idx, &len);
      reply.Bulk(std::string_view(p, len));
      return;
    }
    case LUA_TBOOLEAN:
      if (out.script_resp == 2) {
        if (lua_toboolean(L, idx)) reply.Integer(1);
        else reply.Null();
      } else {
        reply.Bool(lua_toboolean(L, idx) != 0);
      }
      return;
    case LUA_TNUMBER:
      reply.Integer(ToInteger(lua_tonumber(L, idx)));
      return;
    default:
      reply.Null();
      return;
  }
}

// The string at the top of the stack.
std::string_view TopString(lua_State* L) {
  size_t len = 0;
  const char* p = lua_tolstring(L, -1, &len);
  return std::string_view(p, len);
}

// The tables a script returns for a reply type ({err = "..."}, {ok = "..."}, {map = {...}}, ...): the
// field's value is at the top of the stack. Each returns false when the table is not of its type after all.
bool WriteErrTable(lua_State* L, LuaReplyOut& out, int) {
  ReplyBuilder& reply = out.reply;
  reply.Error(TopString(L));
  return true;
}

bool WriteOkTable(lua_State* L, LuaReplyOut& out, int) {
  ReplyBuilder& reply = out.reply;
  reply.Simple(NoCrlf(TopString(L)));
  return true;
}

bool WriteDoubleTable(lua_State* L, LuaReplyOut& out, int) {
  ReplyBuilder& reply = out.reply;
  reply.Double(lua_tonumber(L, -1));
  return true;
}

bool WriteBigNumberTable(lua_State* L, LuaReplyOut& out, int) {
  ReplyBuilder& reply = out.reply;
  std::string n = NoCrlf(TopString(L));
  if (reply.proto() >= 3) {
    reply.Raw("(");
    reply.Raw(n);
    reply.Raw("\r\n");
  } else {
    reply.Bulk(n);
  }
  return true;
}

// Writes the entries of the table at t, keys only (a set) or keys and values (a map); returns how many.
size_t WriteEntries(lua_State* L, int t, LuaReplyOut& out, int depth, bool with_values) {
  size_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, t) != 0) {
    Write(L, -2, out, depth + 1);
    if (with_values) Write(L, -1, out, depth + 1);
    lua_pop(L, 1);
    n++;
  }
  return n;
}

bool WriteMapTable(lua_State* L, LuaReplyOut& out, int depth) {
  size_t h = out.reply.BeginDeferred();
  size_t pairs = WriteEntries(L, lua_gettop(L), out, depth, /*with_values=*/true);
  out.reply.EndDeferredMap(h, pairs);
  return true;
}

bool WriteSetTable(lua_State* L, LuaReplyOut& out, int depth) {
  size_t h = out.reply.BeginDeferred();
  size_t n = WriteEntries(L, lua_gettop(L), out, depth, /*with_values=*/false);
  out.reply.EndDeferredSet(h, n);
  return true;
}

// {verbatim_string = {format = "txt", string = "..."}}; without both strings it is written as an array.
bool WriteVerbatimTable(lua_State* L, LuaReplyOut& out, int) {
  ReplyBuilder& reply = out.reply;
  int v = lua_gettop(L);
  int ft = GetField(L, v, "format");
  int st = GetField(L, v, "string");
  if (ft != LUA_TSTRING || st != LUA_TSTRING) return false;
  size_t flen = 0, slen = 0;
  const char* f = lua_tolstring(L, -2, &flen);
  const char* str = lua_tolstring(L, -1, &slen);
  if (reply.proto() >= 3) {
    std::string fmt(f, flen);
    fmt.resize(3, ' ');
    std::string body = fmt + ":" + std::string(str, slen);
    reply.Raw("=" + std::to_string(body.size()) + "\r\n");
    reply.Raw(body);
    reply.Raw("\r\n");
  } else {
    reply.Bulk(std::string_view(str, slen));
  }
  return true;
}

struct TypedTable {
  const char* field;
  int lua_type;  // of the field's value
  bool (*write)(lua_State* L, LuaReplyOut& out, int depth);
};
// Tried in this order: the first field present with its type decides.
constexpr TypedTable kTypedTables[] = {
    {"err", LUA_TSTRING, WriteErrTable},         {"ok", LUA_TSTRING, WriteOkTable},
    {"double", LUA_TNUMBER, WriteDoubleTable},   {"big_number", LUA_TSTRING, WriteBigNumberTable},
    {"map", LUA_TTABLE, WriteMapTable},          {"set", LUA_TTABLE, WriteSetTable},
    {"verbatim_string", LUA_TTABLE, WriteVerbatimTable},
};

// False when the table at idx is none of kTypedTables.
bool WriteTypedTable(lua_State* L, int idx, LuaReplyOut& out, int depth) {
  int top = lua_gettop(L);
  for (const TypedTable& t : kTypedTables) {
    bool written = GetField(L, idx, t.field) == t.lua_type && t.write(L, out, depth);
    lua_settop(L, top);
    if (written) return true;
  }
  return false;
}

// An array: t[1], t[2], ... until the first nil.
void WriteArray(lua_State* L, int idx, LuaReplyOut& out, int depth) {
  size_t h = out.reply.BeginDeferred();
  size_t n = 0;
  for (int j = 1;; j++) {
    lua_rawgeti(L, idx, j);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      break;
    }
    Write(L, -1, out, depth + 1);
    lua_pop(L, 1);
    n++;
  }
  out.reply.EndDeferredArray(h, n);
}

}  // namespace

size_t PushRespAsLua(lua_State* L, std::string_view resp) {
  int top = lua_gettop(L);
  size_t n = Push(L, resp, 0, 0);
  if (n == 0) lua_settop(L, top);
  return n;
}

void WriteLuaAsReply(lua_State* L, int idx, ReplyBuilder& reply, int script_resp) {
  LuaReplyOut out{reply, script_resp};
  Write(L, idx, out, 0);
}

std::string LuaNumberArg(double d) {
  char buf[64];
  int n = snprintf(buf, sizeof(buf), "%.17g", d);
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace rcs::scripting
