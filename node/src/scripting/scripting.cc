#include "scripting/scripting.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "base/alloc.h"
#include "base/crc16.h"
#include "base/log.h"
#include "base/strutil.h"
#include "net/event_loop.h"
#include "protocol/errors.h"
#include "base/sha.h"
#include "keyspace/dump.h"

namespace rcs::scripting {

namespace {

// numkeys at argv[2] of EVAL/FCALL; false after replying.
bool ParseNumKeys(CommandContext& ctx, int64_t* n) {
  if (!ParseInt64(ctx.arg(2), n)) {
    ctx.reply.Error(err::kNotInteger);
    return false;
  }
  if (*n < 0) {
    ctx.reply.Error(err::kNumkeysNegative);
    return false;
  }
  if (*n > static_cast<int64_t>(ctx.argc()) - 3) {
    ctx.reply.Error(err::kTooManyKeys);
    return false;
  }
  return true;
}

void SplitKeysArgs(const CommandContext& ctx, int64_t numkeys, std::vector<std::string>* keys,
                   std::vector<std::string>* args) {
  for (size_t i = 3; i < ctx.argc(); i++) {
    if (static_cast<int64_t>(i - 3) < numkeys) keys->emplace_back(ctx.arg(i));
    else args->emplace_back(ctx.arg(i));
  }
}

bool ValidLibraryName(std::string_view name) {
  if (name.empty()) return false;
  for (char ch : name) {
    if (!(isalnum(static_cast<unsigned char>(ch)) || ch == '_')) return false;
  }
  return true;
}

// FNV-1a 64: the checksum of the former FUNCTION DUMP payload (ParseLegacyDump).
uint64_t Checksum(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

uint64_t GetU64(std::string_view s) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | static_cast<unsigned char>(s[static_cast<size_t>(i)]);
  return v;
}

void ReplyFlags(ReplyBuilder& r, uint32_t flags) {
  static const std::pair<uint32_t, const char*> kNames[] = {{kScriptNoWrites, "no-writes"},
                                                           {kScriptAllowOom, "allow-oom"},
                                                           {kScriptAllowStale, "allow-stale"},
                                                           {kScriptNoCluster, "no-cluster"},
                                                           {kScriptAllowCrossSlot, "allow-cross-slot-keys"}};
  size_t n = 0;
  for (const auto& [f, name] : kNames) n += (flags & f) ? 1 : 0;
  r.Set(n);
  for (const auto& [f, name] : kNames) {
    if (flags & f) r.Simple(name);
  }
}

constexpr std::string_view kDumpMagic = "RCSFUNC1";

}  // namespace

Scripting::Scripting(Server* server) : server_(server), engine_(std::make_unique<LuaEngine>()) {
  script_client_ = server_->CreateFakeClient();
  script_client_->name = "lua";
  server_->AddSnapshotPreamble([this] { return SnapshotCommands(); });
  server_->SetFunctionLibrariesProvider([this] {
    std::vector<std::string> codes;
    codes.reserve(libraries_.size());
    for (const auto& [name, lib] : libraries_) codes.push_back(lib.code);
    return codes;
  });
  server_->SetScriptInfoProvider([this] {
    Server::ScriptInfo si;
    si.lua_memory = static_cast<int64_t>(engine_->memory_bytes());
    for (const auto& [sha, s] : scripts_) si.scripts_memory += static_cast<int64_t>(sha.size() + s.body.size());
    for (const auto& [name, lib] : libraries_) si.functions_memory += static_cast<int64_t>(name.size() + lib.code.size());
    si.cached_scripts = static_cast<int64_t>(scripts_.size());
    si.functions = static_cast<int64_t>(functions_.size());
    si.libraries = static_cast<int64_t>(libraries_.size());
    return si;
  });
  server_->SetScriptWritesLookup([this](const CommandSpec& spec, ArgList argv) { return DeclaredWrites(spec, argv); });
}

Server::ScriptWrites Scripting::DeclaredWrites(const CommandSpec& spec, ArgList argv) const {
  // Redis's evalGetCommandFlags / fcallGetCommandFlags: the flags of the cached script (or the body's shebang)
  // or of the function; none declared (no shebang, an unknown sha or function) leaves the command's own.
  const std::string& n = spec.name;
  uint32_t flags = kScriptCompat;
  if (argv.size() < 2) return Server::ScriptWrites::kUndeclared;
  if (n == "eval" || n == "eval_ro") {
    std::string error;
    if (!ParseEvalShebang(argv[1], &flags, &error)) return Server::ScriptWrites::kUndeclared;
  } else if (n == "evalsha" || n == "evalsha_ro") {
    if (argv[1].size() != 40) return Server::ScriptWrites::kUndeclared;
    std::string sha(argv[1]);
    for (char& ch : sha) ch = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    auto it = scripts_.find(sha);
    if (it == scripts_.end()) return Server::ScriptWrites::kUndeclared;
    flags = it->second.flags;
  } else if (n == "fcall" || n == "fcall_ro") {
    auto it = functions_.find(std::string(argv[1]));
    if (it == functions_.end()) return Server::ScriptWrites::kUndeclared;
    flags = it->second.second;
  } else {
    return Server::ScriptWrites::kUndeclared;
  }
  if (flags & kScriptCompat) return Server::ScriptWrites::kUndeclared;
  return (flags & kScriptNoWrites) ? Server::ScriptWrites::kNoWrites : Server::ScriptWrites::kWrites;
}

Scripting::~Scripting() {
  if (server_ != nullptr) server_->SetScriptWritesLookup(nullptr);
}

Scripting& Scripting::Of(Server& server) {
  Scripting* s = server.subsystem<Scripting>();
  if (s == nullptr) s = server.AddSubsystem(std::make_unique<Scripting>(&server));
  return *s;
}

// ---- EVAL ----

bool Scripting::AddScript(std::string_view body, std::string* sha, std::string* err) {
  *sha = Sha1Hex(body);
  if (scripts_.count(*sha)) return true;
  uint32_t flags = 0;
  if (!ParseEvalShebang(body, &flags, err)) return false;
  *err = engine_->CompileScript(*sha, body);
  if (!err->empty()) return false;
  scripts_[*sha] = Script{std::string(body), flags};
  return true;
}

bool Scripting::PrepareRun(CommandContext& ctx, uint32_t flags, bool read_only) {
  if (flags & kScriptCompat) return true;
  const Config& cfg = server_->config();
  bool from_master = ctx.client->has(kClientMaster);
  if ((flags & kScriptNoCluster) && cfg.cluster_enabled) {
    ctx.reply.Error(err::kScriptNoCluster);
    return false;
  }
  if (!(flags & (kScriptAllowOom | kScriptNoWrites)) && cfg.maxmemory > 0 && UsedMemory() > cfg.maxmemory &&
      !from_master) {
    ctx.reply.Error(err::kScriptOom);
    return false;
  }
  if (!(flags & kScriptNoWrites)) {
    // The dispatcher sees a script that may write as a write command (Redis derives EVAL's flags from the
    // shebang), so a read-only replica answers with its usual READONLY error.
    if (server_->is_replica() && cfg.replica_read_only && !from_master) {
      ctx.reply.Error(err::kReadOnlyReplica);
      return false;
    }
    if (std::string_view refusal = server_->WriteRefusal(); !refusal.empty() && !from_master) {
      ctx.reply.Error(refusal);
      return false;
    }
    if (read_only) {
      ctx.reply.Error(err::kScriptWriteWithRo);
      return false;
    }
  }
  // Likewise a stale replica answers as for a command without the stale flag (after READONLY, as Redis).
  if (server_->is_replica() && !server_->master_link_up() && !cfg.replica_serve_stale_data &&
      !(flags & kScriptAllowStale) && !from_master) {
    ctx.reply.Error(err::kMasterDown);
    return false;
  }
  return true;
}

template <typename F>
void Scripting::RunWith(CommandContext& ctx, uint32_t flags, bool read_only, bool eval, const std::string& name,
                        const std::vector<std::string>& keys, F run) {
  if (!PrepareRun(ctx, flags, read_only)) return;
  const Config& cfg = server_->config();
  run_ = Run{};
  run_.active = true;
  run_.caller = ctx.client;
  run_.flags = flags;
  run_.read_only = read_only || (flags & kScriptNoWrites) != 0;
  run_.eval = eval;
  run_.start_ms = MonotonicMs();
  run_.name = name;
  run_.oom = cfg.maxmemory > 0 && UsedMemory() > cfg.maxmemory;
  if (cfg.cluster_enabled && !keys.empty()) run_.slot = KeyHashSlot(keys[0]);
  server_->BeginScriptEffects();
  script_client_->db = ctx.client->db;  // the script starts in its caller's database; its SELECT stays its own
  run();
  server_->EndScriptEffects(ctx.client);
  if (run_.busy) {
    server_->SetBusyScript(0, nullptr);
    LogWarning("Script " + name + " finished after " + std::to_string(MonotonicMs() - run_.start_ms) + " ms");
  }
  run_ = Run{};
}

void Scripting::Eval(CommandContext& ctx, bool by_sha, bool read_only) {
  int64_t numkeys = 0;
  if (!ParseNumKeys(ctx, &numkeys)) return;
  std::string sha;
  if (by_sha) {
    sha.assign(ctx.arg(1));
    for (char& ch : sha) ch = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    if (sha.size() != 40 || scripts_.count(sha) == 0) {
      ctx.reply.Error(err::kNoScript);
      return;
    }
  } else {
    std::string error;
    if (!AddScript(ctx.arg(1), &sha, &error)) {
      ctx.reply.Error(error);
      return;
    }
  }
  uint32_t flags = scripts_[sha].flags;
  std::vector<std::string> keys, args;
  SplitKeysArgs(ctx, numkeys, &keys, &args);
  RunWith(ctx, flags, read_only, true, sha, keys,
          [&] { engine_->RunScript(sha, keys, args, this, ctx.reply); });
}

void Scripting::Fcall(CommandContext& ctx, bool read_only) {
  int64_t numkeys = 0;
  if (!ParseNumKeys(ctx, &numkeys)) return;
  std::string name(ctx.arg(1));
  auto it = functions_.find(name);
  if (it == functions_.end()) {
    ctx.reply.Error(err::kFunctionNotFound);
    return;
  }
  std::vector<std::string> keys, args;
  SplitKeysArgs(ctx, numkeys, &keys, &args);
  RunWith(ctx, it->second.second, read_only, false, name, keys,
          [&] { engine_->RunFunction(name, keys, args, this, ctx.reply); });
}

void Scripting::ScriptLoad(CommandContext& ctx) {
  std::string sha, error;
  if (!AddScript(ctx.arg(2), &sha, &error)) {
    ctx.reply.Error(error);
    return;
  }
  ctx.reply.Bulk(sha);
}

void Scripting::ScriptExists(CommandContext& ctx) {
  ctx.reply.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) ctx.reply.Integer(scripts_.count(ToLower(ctx.arg(i))) ? 1 : 0);
}

void Scripting::ScriptFlush(CommandContext& ctx) {
  if (ctx.argc() > 3 || (ctx.argc() == 3 && !EqualsIgnoreCase(ctx.arg(2), "sync") &&
                         !EqualsIgnoreCase(ctx.arg(2), "async"))) {
    ctx.reply.Error(err::kScriptFlushArgs);
    return;
  }
  // ASYNC frees at once too: the compiled chunks are small next to a Lua GC cycle.
  for (auto& [sha, s] : scripts_) engine_->DropScript(sha);
  scripts_.clear();
  ctx.reply.Ok();
}

void Scripting::Kill(CommandContext& ctx, bool eval) {
  if (!run_.active) {
    ctx.reply.Error(err::kNotBusy);
    return;
  }
  if (run_.wrote) {
    ctx.reply.Error(err::kUnkillableWrote);
    return;
  }
  if (eval && !run_.eval) {
    ctx.reply.Error(err::kBusyFunction);
    return;
  }
  if (!eval && run_.eval) {
    ctx.reply.Error(err::kBusyScript);
    return;
  }
  run_.killed = true;
  ctx.reply.Ok();
}

// ---- ScriptHost ----

std::string Scripting::Call(std::span<const std::string_view> argv, int resp, std::string* reply) {
  ArgList args = argv;
  ArgList av = argv;
  const CommandSpec* spec = server_->commands().Find(av[0]);
  auto refuse = [](std::string_view e) { return "-" + std::string(e); };
  if (spec != nullptr && !spec->subcommands.empty()) {
    spec = av.size() < 2 ? nullptr : CommandRegistry::FindSubcommand(*spec, av[1]);
  }
  if (spec == nullptr) return refuse(err::kScriptUnknownCommand);
  int argc = static_cast<int>(av.size());
  if ((spec->arity > 0 && argc != spec->arity) || argc < -spec->arity) return refuse(err::kScriptWrongArgs);
  if (spec->is(kCmdNoScript)) return refuse(err::kScriptNotAllowed);
  const Config& cfg = server_->config();
  Client* caller = run_.caller;
  // ACL: the script's commands run as the caller's user (logged with the caller, context "lua").
  if (caller != nullptr && caller->user != nullptr && !caller->user->unrestricted()) {
    AclResult r = server_->CheckAcl(caller, *spec, args, "lua");
    if (r == kAclDeniedCmd) return refuse(err::kScriptAclCommand);
    if (r == kAclDeniedKey) return refuse(err::kScriptAclKey);
    if (r == kAclDeniedChannel) return refuse(err::kScriptAclChannel);
  }
  bool from_master = caller != nullptr && caller->has(kClientMaster);
  bool write = spec->is(kCmdWrite);
  if (write && run_.read_only) return refuse(err::kScriptWriteInRo);
  // Once the script wrote, later writes are not refused on a state that may have changed meanwhile.
  if (write && !run_.wrote && !from_master) {
    if (server_->is_replica() && cfg.replica_read_only) return refuse(err::kReadOnlyReplica);
    if (std::string_view refusal = server_->WriteRefusal(); !refusal.empty()) return refuse(refusal);
  }
  if (cfg.maxmemory > 0 && !from_master && !run_.wrote && run_.oom && spec->is(kCmdDenyOom)) {
    return refuse(err::kOom);
  }
  if (write) run_.wrote = true;
  ClusterHooks* cl = server_->cluster_hooks();
  if (cl != nullptr && !from_master && !server_->loading()) {
    std::vector<int> idx;
    std::vector<std::string_view> keys;
    if (spec->KeyIndices(args, &idx)) {
      for (int i : idx) keys.push_back(av[i]);
    }
    if (!keys.empty()) {
      ClusterHooks::KeyRoute d = cl->RouteKeys(keys, write, caller != nullptr && caller->has(kClientReadOnly));
      if (d == ClusterHooks::KeyRoute::kDown) return refuse(err::kScriptClusterDown);
      if (d == ClusterHooks::KeyRoute::kDownReadOnly) return refuse(err::kScriptClusterDownRo);
      if (d != ClusterHooks::KeyRoute::kServe) return refuse(err::kScriptNonLocalKey);
      if (!(run_.flags & (kScriptAllowCrossSlot | kScriptCompat))) {
        int slot = KeyHashSlot(keys[0]);
        if (run_.slot == -1) run_.slot = slot;
        else if (run_.slot != slot) return refuse(err::kScriptCrossSlot);
      }
    }
  }
  Client* sc = script_client_;
  sc->resp = resp;
  sc->reply.set_proto(resp);
  sc->out.clear();
  // The script's commands act for the caller in the caller's cluster state (READONLY).
  sc->flags = (sc->flags & ~kClientReadOnly) | (caller != nullptr ? (caller->flags & kClientReadOnly) : 0);
  server_->CallFromScript(sc, *spec, args);
  reply->swap(sc->out);
  sc->out.clear();
  return "";
}

bool Scripting::Interrupted() {
  if (!run_.active) return false;
  int64_t elapsed = MonotonicMs() - run_.start_ms;
  if (elapsed < server_->config().busy_reply_threshold) return false;
  if (!run_.busy) {
    run_.busy = true;
    LogWarning("Slow script detected: still in execution after " + std::to_string(elapsed) +
               " milliseconds. You can try killing the script using the " +
               (run_.eval ? "SCRIPT KILL" : "FUNCTION KILL") + " command. Script name is: " + run_.name + ".");
    server_->SetBusyScript(run_.eval ? 1 : 2, run_.caller);
  }
  server_->ProcessEventsWhileBusy();
  // SHUTDOWN (NOSAVE) during a busy script ends the script too, written or not: the server is going away.
  return run_.killed || server_->shutdown_requested();
}

void Scripting::Log(int level, std::string_view message) {
  rcs::Log(static_cast<LogLevel>(level), message);
}

void Scripting::SetRepl(int flags) {
  // The flags hold for the writes that follow, until the script ends or calls it again.
  server_->set_script_repl(flags);
}

// ---- Functions ----

bool Scripting::LibraryHeader(std::string_view code, std::string* name, std::string* err) const {
  if (code.substr(0, 2) != "#!") {
    *err = err::kLibraryNoMetadata;
    return false;
  }
  size_t eol = code.find('\n');
  std::vector<std::string_view> words = ShebangWords(code.substr(0, eol));
  std::string engine = ToLower(words.empty() ? "" : words[0].substr(2));
  if (engine != "lua") {
    *err = err::EngineNotFound(words.empty() ? "" : words[0].substr(2));
    return false;
  }
  name->clear();
  for (size_t i = 1; i < words.size(); i++) {
    if (words[i].substr(0, 5) == "name=") {
      *name = std::string(words[i].substr(5));
    } else {
      *err = err::InvalidLibraryMetadata(words[i]);
      return false;
    }
  }
  if (name->empty()) {
    *err = err::kLibraryNoName;
    return false;
  }
  if (!ValidLibraryName(*name)) {
    *err = err::kLibraryBadName;
    return false;
  }
  return true;
}

bool Scripting::CompileLibrary(std::string_view code, std::vector<RegisteredFunction>* fns, std::string* err) {
  // The metadata line stays as a comment so errors name the library's own line numbers.
  std::string lua = "--" + std::string(code);
  *err = engine_->LoadLibrary(lua, fns);
  if (!err->empty()) return false;
  if (fns->empty()) {
    engine_->DiscardPending();
    *err = err::kNoFunctionsRegistered;
    return false;
  }
  return true;
}

bool Scripting::LoadLibrary(std::string_view code, bool replace, std::string* name, std::string* err) {
  if (!LibraryHeader(code, name, err)) return false;
  auto old = libraries_.find(*name);
  if (old != libraries_.end() && !replace) {
    *err = err::LibraryExists(*name);
    return false;
  }
  std::vector<RegisteredFunction> fns;
  if (!CompileLibrary(code, &fns, err)) return false;
  for (const auto& f : fns) {
    auto it = functions_.find(f.name);
    if (it != functions_.end() && it->second.first != *name) {
      engine_->DiscardPending();
      *err = err::FunctionExists(f.name);
      return false;
    }
  }
  std::vector<std::string> drop;
  if (old != libraries_.end()) {
    for (const auto& f : old->second.functions) {
      drop.push_back(f.name);
      functions_.erase(f.name);
    }
  }
  engine_->CommitLibrary(drop);
  for (const auto& f : fns) functions_[f.name] = {*name, f.flags};
  libraries_[*name] = Library{*name, std::string(code), std::move(fns)};
  return true;
}

void Scripting::DropLibrary(const std::string& name) {
  auto it = libraries_.find(name);
  if (it == libraries_.end()) return;
  std::vector<std::string> drop;
  for (const auto& f : it->second.functions) {
    drop.push_back(f.name);
    functions_.erase(f.name);
  }
  engine_->DropFunctions(drop);
  libraries_.erase(it);
}

void Scripting::DropAllLibraries() {
  std::vector<std::string> drop;
  for (const auto& [name, fn] : functions_) drop.push_back(name);
  engine_->DropFunctions(drop);
  functions_.clear();
  libraries_.clear();
}

void Scripting::FunctionLoad(CommandContext& ctx) {
  // Every argument before the last is an option (REPLACE, any number of times), as redis-server 7.0.15's
  // functionLoadCommand reads them: the first other one is refused, the last argument is the code.
  bool replace = false;
  size_t code_at = ctx.argc() - 1;
  for (size_t i = 2; i < code_at; i++) {
    if (!EqualsIgnoreCase(ctx.arg(i), "replace")) {
      ctx.reply.Error(err::UnknownOptionGiven(ctx.arg(i)));
      return;
    }
    replace = true;
  }
  std::string name, error;
  if (!LoadLibrary(ctx.arg(code_at), replace, &name, &error)) {
    ctx.reply.Error(error);
    return;
  }
  ctx.dirty++;
  ctx.reply.Bulk(name);
}

void Scripting::FunctionDelete(CommandContext& ctx) {
  std::string name(ctx.arg(2));
  if (libraries_.count(name) == 0) {
    ctx.reply.Error(err::kLibraryNotFound);
    return;
  }
  DropLibrary(name);
  ctx.dirty++;
  ctx.reply.Ok();
}

void Scripting::FunctionFlush(CommandContext& ctx) {
  if (ctx.argc() > 3 || (ctx.argc() == 3 && !EqualsIgnoreCase(ctx.arg(2), "sync") &&
                         !EqualsIgnoreCase(ctx.arg(2), "async"))) {
    ctx.reply.Error(err::kFunctionFlushArgs);
    return;
  }
  DropAllLibraries();
  ctx.dirty++;
  ctx.reply.Ok();
}

void Scripting::FunctionList(CommandContext& ctx) {
  bool with_code = false;
  std::string pattern;
  bool has_pattern = false;
  for (size_t i = 2; i < ctx.argc(); i++) {
    if (EqualsIgnoreCase(ctx.arg(i), "withcode")) {
      with_code = true;
    } else if (EqualsIgnoreCase(ctx.arg(i), "libraryname") && !has_pattern) {
      if (i + 1 >= ctx.argc()) {
        ctx.reply.Error(err::kLibraryNameArgMissing);
        return;
      }
      pattern = std::string(ctx.arg(++i));
      has_pattern = true;
    } else {
      ctx.reply.Error(err::UnknownArgument(ctx.arg(i)));
      return;
    }
  }
  std::vector<const Library*> libs;
  for (const auto& [name, lib] : libraries_) {
    if (!has_pattern || GlobMatch(pattern, name)) libs.push_back(&lib);
  }
  ReplyBuilder& r = ctx.reply;
  r.Array(libs.size());
  for (const Library* lib : libs) {
    r.Map(with_code ? 4 : 3);
    r.Bulk("library_name");
    r.Bulk(lib->name);
    r.Bulk("engine");
    r.Bulk("LUA");
    r.Bulk("functions");
    r.Array(lib->functions.size());
    for (const auto& f : lib->functions) {
      r.Map(3);
      r.Bulk("name");
      r.Bulk(f.name);
      r.Bulk("description");
      if (f.description.empty()) r.Null();
      else r.Bulk(f.description);
      r.Bulk("flags");
      ReplyFlags(r, f.flags);
    }
    if (with_code) {
      r.Bulk("library_code");
      r.Bulk(lib->code);
    }
  }
}

void Scripting::FunctionStats(CommandContext& ctx) {
  ReplyBuilder& r = ctx.reply;
  r.Map(2);
  r.Bulk("running_script");
  if (run_.active && !run_.eval) {
    r.Map(3);
    r.Bulk("name");
    r.Bulk(run_.name);
    r.Bulk("command");
    r.Array(0);
    r.Bulk("duration_ms");
    r.Integer(MonotonicMs() - run_.start_ms);
  } else {
    r.Null();
  }
  r.Bulk("engines");
  r.Map(1);
  r.Bulk("LUA");
  r.Map(2);
  r.Bulk("libraries_count");
  r.Integer(static_cast<int64_t>(libraries_.size()));
  r.Bulk("functions_count");
  r.Integer(static_cast<int64_t>(functions_.size()));
}

std::string Scripting::DumpLibraries() const {
  std::vector<std::string> codes;
  codes.reserve(libraries_.size());
  for (const auto& [name, lib] : libraries_) codes.push_back(lib.code);
  return CreateFunctionDumpPayload(codes, server_->config().rdbcompression);
}

// The payload of FUNCTION DUMP before it took redis-server's format, still read because AOF files written
// then hold it (their base starts with FUNCTION RESTORE of it): "RCSFUNC1", then per library its code's
// length as 8 bytes little-endian and the code, then an 8-byte little-endian FNV-1a 64 checksum of
// everything before it. Never mistaken for redis-server's payload, whose first byte is an RDB opcode.
bool Scripting::ParseLegacyDump(std::string_view p, std::vector<std::string>* codes) {
  if (p.size() < kDumpMagic.size() + 8 || p.substr(0, kDumpMagic.size()) != kDumpMagic) return false;
  std::string_view body = p.substr(0, p.size() - 8);
  if (GetU64(p.substr(p.size() - 8)) != Checksum(body)) return false;
  size_t pos = kDumpMagic.size();
  while (pos < body.size()) {
    if (body.size() - pos < 8) return false;
    uint64_t len = GetU64(body.substr(pos, 8));
    pos += 8;
    if (len > body.size() - pos) return false;
    codes->emplace_back(body.substr(pos, len));
    pos += len;
  }
  return true;
}

void Scripting::FunctionDump(CommandContext& ctx) { ctx.reply.Bulk(DumpLibraries()); }

// As redis-server 7.0's functionRestoreCommand: the payload's libraries first load on their own (as a new set
// of libraries: each one's metadata and code, no two of the same name, no function twice), then join the
// current ones by the policy: FLUSH replaces them all; APPEND refuses a library that exists; REPLACE drops
// the existing ones of the same names. Then no function of the payload may exist in a library that stays.
// All or nothing: any error leaves the libraries as they were.
void Scripting::FunctionRestore(CommandContext& ctx) {
  enum { kAppend, kReplace, kFlush } policy = kAppend;
  if (ctx.argc() == 4) {
    if (EqualsIgnoreCase(ctx.arg(3), "append")) policy = kAppend;
    else if (EqualsIgnoreCase(ctx.arg(3), "replace")) policy = kReplace;
    else if (EqualsIgnoreCase(ctx.arg(3), "flush")) policy = kFlush;
    else {
      ctx.reply.Error(err::kBadRestorePolicy);
      return;
    }
  } else if (ctx.argc() > 4) {
    ctx.reply.Error(err::SubcommandSyntax(ctx.arg(1), ctx.arg(0)));
    return;
  }
  struct Staged {
    std::string name, code;
    std::vector<RegisteredFunction> functions;
  };
  std::vector<Staged> staged;
  std::set<std::string> staged_names, staged_functions;
  auto stage = [&](std::string code) -> Status {
    Staged lib;
    std::string error;
    if (!LibraryHeader(code, &lib.name, &error)) return Status::Error(error);
    if (staged_names.count(lib.name) != 0) return Status::Error(err::LibraryExists(lib.name));
    if (!CompileLibrary(code, &lib.functions, &error)) return Status::Error(error);
    engine_->DiscardPending();  // compiled to check it: it is loaded for good below
    for (const auto& f : lib.functions) {
      if (!staged_functions.insert(f.name).second) return Status::Error(err::FunctionExists(f.name));
    }
    staged_names.insert(lib.name);
    lib.code = std::move(code);
    staged.push_back(std::move(lib));
    return Status::Ok();
  };
  std::string_view payload = ctx.arg(2);
  std::vector<std::string> legacy;
  Status st;
  if (ParseLegacyDump(payload, &legacy)) {
    for (std::string& code : legacy) {
      st = stage(std::move(code));
      if (!st.ok()) break;
    }
  } else if (!FunctionDumpTrailerValid(payload)) {
    ctx.reply.Error(err::kBadDumpPayload);
    return;
  } else {
    st = ForEachDumpedFunction(payload, stage);
  }
  if (!st.ok()) {
    ctx.reply.Error(st.message());
    return;
  }
  std::set<std::string> replaced;
  if (policy != kFlush) {
    for (const Staged& lib : staged) {
      if (libraries_.count(lib.name) == 0) continue;
      if (policy == kAppend) {
        ctx.reply.Error(err::RestoreLibraryExists(lib.name));
        return;
      }
      replaced.insert(lib.name);
    }
    for (const Staged& lib : staged) {
      for (const auto& f : lib.functions) {
        auto it = functions_.find(f.name);
        if (it != functions_.end() && replaced.count(it->second.first) == 0) {
          ctx.reply.Error(err::FunctionExists(f.name));
          return;
        }
      }
    }
  }
  std::vector<std::string> saved;
  for (const auto& [name, lib] : libraries_) saved.push_back(lib.code);
  if (policy == kFlush) {
    DropAllLibraries();
  } else {
    for (const std::string& name : replaced) DropLibrary(name);
  }
  for (const Staged& lib : staged) {
    std::string name, error;
    if (!LoadLibrary(lib.code, false, &name, &error)) {
      // Not expected (each library loaded on its own above and nothing is in its way now): put the previous
      // libraries back (they loaded before, so they load again).
      DropAllLibraries();
      for (const std::string& code : saved) LoadLibrary(code, true, &name, &error);
      ctx.reply.Error(error);
      return;
    }
  }
  ctx.dirty++;
  ctx.reply.Ok();
}

std::string Scripting::SnapshotCommands() const {
  if (libraries_.empty()) return "";
  std::string payload = DumpLibraries();
  std::string out = "*4\r\n$8\r\nFUNCTION\r\n$7\r\nRESTORE\r\n$" + std::to_string(payload.size()) + "\r\n";
  out += payload;
  out += "\r\n$7\r\nREPLACE\r\n";
  return out;
}

}  // namespace rcs::scripting
