// Client-side caching (CLIENT TRACKING), as redis-server 7.0 does it (src/tracking.c there).
//
// Default mode: every key a tracking client reads with a read-only command goes into the tracking table
// (key -> the ids of the clients that may cache it). When the key is written (a command, expiry, eviction,
// a master's stream on a replica), each of those clients gets one invalidation message and the key leaves
// the table: it is tracked again on the next read. OPTIN / OPTOUT make that per command (CLIENT CACHING
// yes|no before it), NOLOOP leaves out the writer's own writes. Entries of clients that turned tracking off
// or went away stay until their key is invalidated (as Redis, which removes them lazily); INFO counts them.
//
// BCAST mode: nothing is remembered; written keys that start with one of the client's prefixes ("" = all)
// are collected per prefix and sent before the event loop sleeps, one array per prefix.
//
// Messages: RESP3 clients get a push `>2 $10 invalidate *1 $<len> key` (BCAST: the array of keys; FLUSHALL:
// a null instead of the array). With REDIRECT <id> they go to that client instead: as a push when it
// speaks RESP3, as a pub/sub message on __redis__:invalidate when it is a RESP2 client in subscribe mode,
// else nowhere. When the redirect client is gone, a RESP3 client gets `tracking-redir-broken <id>`.
// An invalidation for the client whose command is running (its own write, a key it read that expired)
// waits until that command (EXEC, a script) replied, as redis-server 7.0.15's
// trackingHandlePendingKeyInvalidations does.
//
// The table has at most tracking-table-max-keys keys (0 = no limit): before each command and in the cron,
// random keys over the limit are invalidated, with the effort redis-server puts into it.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/server.h"

namespace rcs {

enum TrackingFlag : uint32_t {
  kTrackingBrokenRedir = 1u << 0,  // the redirect client went away (CLIENT LIST 'R')
  kTrackingBcast = 1u << 1,        // 'B'
  kTrackingOptin = 1u << 2,
  kTrackingOptout = 1u << 3,
  kTrackingCaching = 1u << 4,      // CLIENT CACHING yes (OPTIN) / no (OPTOUT) for the next command
  kTrackingNoloop = 1u << 5,
};

// One client's tracking state (Client::tracking while tracking is on).
struct ClientTracking {
  uint32_t flags = 0;
  uint64_t redirect = 0;               // 0 = none
  std::vector<std::string> prefixes;   // BCAST prefixes, sorted as TRACKINGINFO lists them
  bool has(uint32_t f) const { return (flags & f) != 0; }
};

// Keys -> the ids of the clients that may cache them. Pure bookkeeping, no I/O.
class TrackingTable {
 public:
  // Client `id` may cache `key`; true if that is new.
  bool Remember(std::string_view key, uint64_t id);
  // Removes the key; its ids go to *ids (in the order they were added). False if it was not there.
  bool Take(std::string_view key, std::vector<uint64_t>* ids);
  void Clear();
  size_t keys() const { return table_.size(); }
  uint64_t items() const { return items_; }  // ids over all keys (INFO tracking_total_items)
  // A key picked at random (`rnd` is any random number); nullopt when empty.
  std::optional<std::string> RandomKey(uint64_t rnd) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::vector<uint64_t>, Hash, std::equal_to<>> table_;
  uint64_t items_ = 0;
};

// redis-server's check of new BCAST prefixes against the client's and each other ("" when they do not
// overlap): two prefixes overlap when one starts with the other. `bad_index` gets the index of the prefix
// named first in the error (redis-server 7.0.15 still accepts the prefixes when it is not 0).
std::string PrefixOverlapError(const std::vector<std::string>& existing, const std::vector<std::string_view>& added,
                               size_t* bad_index);

class Tracking : public Subsystem {
 public:
  explicit Tracking(Server* server);
  ~Tracking() override;

  // Anything to do on the call path: once a client turned tracking on, writes are checked against the
  // table for good (redis-server keeps its table once made).
  bool active() const { return active_; }
  size_t clients() const { return clients_; }
  size_t prefixes() const { return prefix_table_.size(); }
  const TrackingTable& table() const { return table_; }

  // CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO, with redis-server's replies.
  void TrackingCommand(Client* c, ArgList argv, ReplyBuilder& reply);
  void CachingCommand(Client* c, std::string_view arg, ReplyBuilder& reply);
  void TrackingInfo(const Client* c, ReplyBuilder& reply) const;
  static int64_t Redirect(const Client* c);  // GETREDIR, CLIENT LIST redir=: -1 when tracking is off
  // Tracking off (CLIENT TRACKING off, RESET, the client is freed).
  void Disable(Client* c);

  // The call path (call.cc). EnterCall/ExitCall bracket every Call: the outermost one's client is the one
  // whose own invalidations wait for its reply, and the last command outside a script is the one whose
  // keys a script's reads track (as Redis tracks EVAL's keys).
  void EnterCall(Client* c, const CommandSpec& spec, ArgList argv, bool in_script) {
    if (depth_++ == 0) current_ = c;
    if (!in_script) {
      script_caller_spec_ = &spec;
      script_caller_argv_ = argv;
    }
  }
  void ExitCall() {
    if (--depth_ == 0) {
      if (!pending_.empty()) FlushPending();
      current_ = nullptr;
    }
  }
  // After a read-only command ran for `c` (the script client inside a script).
  void AfterRead(Client* c, const CommandSpec& spec, ArgList argv, bool in_script);
  // After each command a client sent (run, queued or refused): CLIENT CACHING lasts one command (or one
  // transaction), as Redis's resetClient.
  void AfterCommand(Client* c, const CommandSpec* spec) {
    if (c->tracking != nullptr && !c->has(kClientMulti) &&
        (spec == nullptr || spec->parent == nullptr || spec->parent->name != "client")) {
      c->tracking->flags &= ~kTrackingCaching;
    }
  }
  // Whether a command's write of its key at argv[i] invalidates it: keys it only reads do not (SINTERSTORE's
  // sources), and neither do a script's declared keys or EXEC's (their commands invalidate what they write).
  static bool WritesKeyAt(const CommandSpec& spec, ArgList argv, int i);
  // `key` changed (`writer`: the client whose command wrote it, nullptr for expiry/eviction); `bcast`: also
  // for BCAST clients (false when the limit drops the key from the table).
  void InvalidateKey(const Client* writer, std::string_view key, bool bcast = true);
  // FLUSHALL/FLUSHDB or a new data set: every tracking client gets a null ("everything"), the table empties.
  void InvalidateAll();
  // tracking-table-max-keys.
  void LimitTableSize();

  // Subsystem: the BCAST messages go out before the replies; the limit is checked in the cron too.
  void Cron() override;
  void BeforeReplies() override;
  void OnClientFreed(Client* c) override;

 private:
  struct Prefix {
    std::map<std::string, const Client*, std::less<>> keys;  // written since the last broadcast -> writer
    std::vector<Client*> clients;
  };
  void Enable(Client* c, uint64_t redirect, uint32_t options, const std::vector<std::string_view>& prefixes);
  void SubscribePrefix(Client* c, std::string_view prefix);
  Client* FindClient(uint64_t id) const;
  // One message to `c` (or its redirect): `payload` is the key, or with `raw` the RESP of the value part.
  void Send(Client* c, std::string_view payload, bool raw);
  void FlushPending();
  void Broadcast();

  Server* server_;
  bool active_ = false;
  size_t clients_ = 0;  // INFO tracking_clients
  TrackingTable table_;
  std::map<std::string, Prefix, std::less<>> prefix_table_;
  std::unordered_map<uint64_t, std::unique_ptr<ClientTracking>> states_;
  int depth_ = 0;
  Client* current_ = nullptr;
  const CommandSpec* script_caller_spec_ = nullptr;
  ArgList script_caller_argv_;
  // Invalidations for current_ held until its command replied: keys, or nullopt for a flush.
  std::vector<std::optional<std::string>> pending_;
  int limit_effort_ = 0;  // redis-server's timeout_counter of trackingLimitUsedSlots
  std::vector<int> key_buf_;  // AfterRead's key positions, kept to spare an allocation per tracked read
};

}  // namespace rcs
