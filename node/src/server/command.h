// Commands: a spec (name, arity, flags, key positions) plus a handler. Each family registers its commands
// explicitly from one function (RegisterStringFamily(CommandRegistry&) ...), declared in commands/families.h
// and called from the program's wiring (node.cc) through RegisterAllCommands. No static self-registration.
//
// A handler reads ctx.argv (argv[0] is the command name as the client sent it), uses ctx.db, writes exactly
// one reply with ctx.reply (unless it blocks), and reports modifications with ctx.dirty. The dispatcher
// does everything generic around it: arity, auth, cluster redirects, OOM/READONLY checks, -MASTERDOWN
// (kCmdStale) and -LOADING (kCmdLoading), MULTI queueing (kCmdTxnControl runs at once),
// stats, slowlog, propagation of writes to the AOF and replicas (argv as is, or ctx.PropagateAs(...)),
// invalidating WATCHed keys and waking blocked clients on every key the command names when dirty > 0.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "keyspace/keyspace.h"
#include "protocol/reply.h"

namespace rcs {

class Server;
class Client;
struct CommandSpec;
struct AclCommandRow;

// Which arguments of a Pub/Sub command are channels, for ACL (&pattern) checks.
enum AclChannelArgs : uint8_t {
  kAclNoChannels = 0,
  kAclChannelFirstArg,   // PUBLISH, SPUBLISH: argv[1], matched against the patterns
  kAclChannelAllArgs,    // SUBSCRIBE, SSUBSCRIBE: every argument, matched against the patterns
  kAclChannelPatterns,   // PSUBSCRIBE: every argument, compared literally with the patterns
};

using ArgList = std::span<const std::string_view>;

enum CommandFlag : uint32_t {
  kCmdWrite = 1u << 0,       // may modify the keyspace
  kCmdReadOnly = 1u << 1,    // reads the keyspace only
  kCmdDenyOom = 1u << 2,     // may grow memory: refused with -OOM over maxmemory
  kCmdAdmin = 1u << 3,
  kCmdNoAuth = 1u << 4,      // allowed before AUTH (AUTH, HELLO, QUIT)
  kCmdLoading = 1u << 5,     // allowed while loading the AOF
  kCmdStale = 1u << 6,       // allowed on a replica whose link is down
  kCmdFast = 1u << 7,
  kCmdNoMulti = 1u << 8,     // not queued inside MULTI (executed or refused at once)
  kCmdBlocking = 1u << 9,    // may block the client
  kCmdNoPropagate = 1u << 10,
  kCmdMovableKeys = 1u << 11,  // key positions come from getkeys(), not first/last/step
  kCmdRandom = 1u << 12,
  kCmdPubSub = 1u << 13,
  kCmdNoScript = 1u << 14,
  kCmdAllowBusy = 1u << 15,
  kCmdSkipSlowlog = 1u << 16,
  kCmdAsking = 1u << 17,     // behaves like after ASKING (RESTORE-ASKING)
  // Not part of COMMAND INFO (Redis keys these on the command's proc):
  kCmdTxnControl = 1u << 18,   // runs at once inside MULTI instead of being queued (MULTI, EXEC, ...)
  kCmdRunsQueue = 1u << 19,    // runs the MULTI queue: its keys are the queued commands' (EXEC)
  kCmdKeepsAsking = 1u << 20,  // does not end the client's ASKING state (ASKING itself)
  kCmdOpenSlotLocal = 1u << 21,  // served here while its slot is migrating or importing (MIGRATE)
  kCmdHealthProbe = 1u << 22,    // refused like a write while the AOF cannot be written, on a master (PING)
  kCmdProtected = 1u << 23,      // allowed only as enable-debug-command says (DEBUG); hidden from COMMAND INFO
};

struct CommandContext {
  Server& server;
  Client* client;            // the issuing client; a fake client while loading the AOF or replicating
  Keyspace& db;
  ReplyBuilder& reply;
  ArgList argv;
  const CommandSpec& spec;
  int64_t now_ms;            // the command's time: every expiry decision in one command uses it

  // Outputs.
  int64_t dirty = 0;         // number of changes made; > 0 means the command is propagated
  std::vector<std::vector<std::string>> propagate_as{};  // when non-empty, propagated instead of argv
  // Propagate argv to replicas only, although nothing changed (Redis's forceCommandPropagation(REPL): a
  // standalone PUBLISH reaches a replica's subscribers; the AOF never sees it).
  bool replicate_only = false;

  // True when the command may block (not inside MULTI/EXEC, not while loading or applying the master's
  // stream). A blocking command that cannot block behaves as if its timeout expired at once.
  bool can_block = true;
  // True when a blocked client's command runs again because one of its keys was written. A blocking
  // command then treats keys of the wrong type as absent and blocks again (Redis keeps such a client
  // blocked rather than answering WRONGTYPE).
  bool retry = false;
  struct BlockRequest {
    std::vector<std::string> keys;
    int64_t timeout_at_ms = 0;  // absolute Unix ms; 0 = forever
    bool active = false;
    // When not empty, the command run again instead of argv (XREAD turns "$" into the id it meant when it
    // blocked, as Redis keeps the ids of the blocked call).
    std::vector<std::string> argv;
  } block{};

  // Keyspace events the handler reports itself, notified after its table's events (pubsub/keyspace_events.cc)
  // when it changed something: (notify:: class, event, key). XADD's "xtrim" when its trim removed entries.
  struct KeyEvent {
    int cls;
    const char* event;
    std::string key;
  };
  std::vector<KeyEvent> key_events{};
  void NotifyKeyEvent(int cls, const char* event, std::string_view key) {
    key_events.push_back({cls, event, std::string(key)});
  }

  // Propagate these commands instead of argv (call several times for several commands).
  void PropagateAs(std::vector<std::string> cmd) { propagate_as.push_back(std::move(cmd)); }
  // Asks the dispatcher to block the client until one of `keys` is written or the timeout passes; then the
  // same command runs again (and may block again). No reply must be written when blocking.
  void Block(std::vector<std::string> keys, int64_t timeout_at_ms, std::vector<std::string> retry_argv = {}) {
    block.argv = std::move(retry_argv);
    block.keys = std::move(keys);
    block.timeout_at_ms = timeout_at_ms;
    block.active = true;
  }
  std::string_view arg(size_t i) const { return argv[i]; }
  size_t argc() const { return argv.size(); }
};

using CommandHandler = void (*)(CommandContext& ctx);
// For kCmdMovableKeys: appends the argv indices of the keys (or returns false on a syntax error).
using GetKeysFn = bool (*)(ArgList argv, std::vector<int>* key_indices);

struct CommandStats {
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected_calls = 0;
  uint64_t failed_calls = 0;
};

struct CommandSpec {
  std::string name;          // lowercase: "get", or for a subcommand "client|setname"
  int arity = 0;             // Redis's convention: N exactly, -N at least N (argv[0] included)
  uint32_t flags = 0;
  int first_key = 0;         // 1-based argv index of the first key, 0 = no keys
  int last_key = 0;          // -1 = last argument, -2 = the one before it
  int key_step = 0;
  CommandHandler handler = nullptr;
  GetKeysFn getkeys = nullptr;
  const char* group = "";    // "string", "generic", "list", "hash", "set", "sorted-set", "server", ...
  const char* summary = "";  // one line for COMMAND DOCS
  std::vector<CommandSpec> subcommands;  // for container commands (CLIENT, CONFIG, CLUSTER, OBJECT...)
  mutable CommandStats stats;
  // Set by CommandRegistry::Add. id: dense, unique among every command and subcommand (the ACL's command
  // bitmaps are indexed by it); acl_categories: Redis's categories (server/acl_categories.h), from the
  // reference's table, or derived from the flags for a command redis-server 7.0 does not have;
  // key_access: what the command does with its keys for %R~/%W~ (AclKeyAccess of every key spec, or'ed).
  uint32_t id = 0;
  uint32_t acl_categories = 0;
  uint8_t key_access = 0;
  AclChannelArgs acl_channels = kAclNoChannels;
  const AclCommandRow* acl_row = nullptr;  // the reference's row (key specs), nullptr if it has none
  const CommandSpec* parent = nullptr;  // the container of a subcommand

  bool is(uint32_t f) const { return (flags & f) != 0; }
  // argv indices of the keys (for cluster slot checks, WATCH invalidation, blocked client wakeups).
  // False if the arguments do not fit the key spec (the handler then reports the syntax error).
  bool KeyIndices(ArgList argv, std::vector<int>* out) const;
};

// A spec from its leading members (the way the families register their commands), without the aggregate's
// trailing ones, so -Wmissing-field-initializers stays quiet.
CommandSpec Spec(const char* name, int arity, uint32_t flags, int first, int last, int step, CommandHandler fn,
                 GetKeysFn getkeys = nullptr, const char* group = "", const char* summary = "");

// The same with the handler first and the key positions last (0: no keys), as most registrations read.
CommandSpec GroupSpec(const char* name, int arity, uint32_t flags, CommandHandler fn, const char* group,
                      const char* summary, int first = 0, int last = 0, int step = 0);
// "<container>|help": arity 2, runs while loading and on a stale replica (plus extra_flags), Redis's summary.
CommandSpec HelpSpec(const char* name, CommandHandler fn, const char* group, uint32_t extra_flags = 0);

// A container command (CLIENT, CONFIG, PUBSUB, ...): arity -2 and the subcommands that do the work; the
// dispatcher routes "container sub" to the subcommand's spec.
CommandSpec ContainerSpec(const char* name, const char* group, const char* summary, std::vector<CommandSpec> subs);

// The reply of every "<container> HELP": an array of simple strings, one per line, as Redis sends it.
void ReplyHelp(CommandContext& ctx, std::initializer_list<std::string_view> lines);

class CommandRegistry {
 public:
  // Adds a command; a container's subcommands are found with FindSubcommand. Names are case-insensitive.
  void Add(CommandSpec spec);
  const CommandSpec* Find(std::string_view name) const;
  // rename-command: the command is found under `to` instead of `from` ("" = not at all); its spec (name,
  // COMMAND output, stats) is unchanged. False with Redis's reason if `from` is not a command's current
  // name or `to` already is one.
  bool Rename(std::string_view from, std::string_view to, std::string_view* reason);
  // For a container spec, the subcommand named argv[1] (nullptr if unknown).
  static const CommandSpec* FindSubcommand(const CommandSpec& container, std::string_view sub);
  // The spec that runs argv: the command, or for a container its subcommand argv[1]; nullptr if unknown
  // (or a container without a subcommand argument).
  const CommandSpec* Resolve(ArgList argv) const;
  const std::vector<std::unique_ptr<CommandSpec>>& all() const { return commands_; }
  // Every command and subcommand by id (0 .. command_id_count() - 1).
  const CommandSpec* ById(uint32_t id) const { return id < by_id_.size() ? by_id_[id] : nullptr; }
  uint32_t command_id_count() const { return static_cast<uint32_t>(by_id_.size()); }
  // A command or subcommand by its full name ("get", "client|kill"; case-insensitive), as ACL rules and
  // COMMAND INFO name them; nullptr if unknown. Renames do not apply (Redis's ACL uses original names).
  const CommandSpec* FindFull(std::string_view full_name) const;
  void ResetStats();

 private:
  struct NameHash {
    size_t operator()(std::string_view s) const noexcept {
      uint64_t h = 1469598103934665603ull;  // FNV-1a: command names are short
      for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
      return static_cast<size_t>(h);
    }
  };
  void AssignIds(CommandSpec* spec, const CommandSpec* parent);
  std::vector<std::unique_ptr<CommandSpec>> commands_;
  std::vector<const CommandSpec*> by_id_;
  std::unordered_map<std::string, const CommandSpec*> by_original_name_;
  // Keys are views of the specs' own (heap-stable) names.
  std::unordered_map<std::string_view, CommandSpec*, NameHash> by_name_;
  std::vector<std::unique_ptr<std::string>> renamed_names_;  // owns the keys added by Rename
};

}  // namespace rcs
