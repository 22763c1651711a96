// The keyspace: every key of database 0, its value and its expiry.
//
// Shape (the implementation's notes: entry_record.h for the records, slot_dict.h for the tables, keyspace_impl.h
// for which file holds what):
// - One hash table per cluster slot (16384), created on first use, so that COUNTKEYSINSLOT is O(1),
//   GETKEYSINSLOT walks one small table, and growing tables rehash incrementally a few buckets per
//   operation (no pause when a table holds millions of keys). Standalone mode uses the same layout.
// - Each key is one compact heap record (an Entry): header, key bytes, and either the string value inline
//   or a pointer to an Object (list/hash/set/zset). An optional absolute expiry (Unix ms) is stored in the
//   entry; keys with an expiry are also indexed for active expiry and eviction sampling.
// - Lookups delete expired keys lazily (unless expiry is paused, as on a replica, which only hides them).
//
// Entry pointers returned by lookups stay valid until the next call that modifies the keyspace (a string
// overwrite may move the entry). Object pointers (entry->obj()) stay valid until that key is deleted or
// overwritten, so a command may modify a list/hash/... in place through it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "keyspace/object.h"

namespace rcs {

class Entry {
 public:
  ObjType type() const;
  std::string_view key() const;
  // The string value; only for type() == kString.
  std::string_view str() const;
  // The same bytes, writable: SETBIT, BITFIELD and PFADD change a value in place when its length stays
  // (no copy of a large bitmap per bit). Only for type() == kString; valid as long as str() is.
  char* mutable_str();
  // The object; only for type() != kString.
  Object* obj() const;
  template <typename T>
  T* as() const { return static_cast<T*>(obj()); }
  bool has_expire() const;
  int64_t expire_at_ms() const;  // -1 when there is none
  // The key's 24 access bits, as Redis's robj.lru: the LRU clock (seconds) of the last access under any
  // policy but an LFU one, and under those 16 bits of minutes (the last decrement time) above an 8-bit
  // logarithmic access counter (keyspace/lfu.h).
  uint32_t lru() const;

  Entry() = delete;
  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;
};

// maxmemory-policy: Redis 7.0's eight.
enum class EvictionPolicy : uint8_t {
  kNoEviction,
  kAllKeysLru,
  kVolatileLru,
  kAllKeysLfu,
  kVolatileLfu,
  kAllKeysRandom,
  kVolatileRandom,
  kVolatileTtl,
};
// The policy named `name` (as CONFIG stores it, lower case); false for any other name.
bool ParseEvictionPolicy(std::string_view name, EvictionPolicy* out);
inline bool IsLfuPolicy(EvictionPolicy p) { return p == EvictionPolicy::kAllKeysLfu || p == EvictionPolicy::kVolatileLfu; }
inline bool IsLruPolicy(EvictionPolicy p) { return p == EvictionPolicy::kAllKeysLru || p == EvictionPolicy::kVolatileLru; }

struct KeyspaceStats {
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t expired_keys = 0;
  uint64_t evicted_keys = 0;
  uint64_t expired_stale_perc_x100 = 0;  // last active cycle's estimate of expired keys not yet removed
  uint64_t expire_cycle_cpu_us = 0;
};

class KeySizes;  // keyspace/key_sizes.h

class Keyspace {
 public:
  // Why a key is deleted by the keyspace itself (not by a command).
  enum class DeleteReason { kExpired, kEvicted };
  // Called for every key the keyspace deletes on its own, before the key is gone, so that the server can
  // propagate a DEL to the AOF and replicas and invalidate WATCH.
  using DeleteHook = std::function<void(std::string_view key, DeleteReason why)>;

  explicit Keyspace(const Clock* clock);
  ~Keyspace();
  Keyspace(const Keyspace&) = delete;
  Keyspace& operator=(const Keyspace&) = delete;

  void set_delete_hook(DeleteHook hook);
  // When paused (a replica), expired keys are hidden from lookups but not deleted: the master's DEL will
  // come through replication.
  void set_expiry_paused(bool paused);
  // While loading (an AOF, a master's snapshot) no key counts as expired: the stream replays commands that
  // saw those keys alive, and the stream's own DELs remove them.
  void set_expiry_disabled(bool disabled);
  // While a forked child serializes the keyspace, background rehashing would copy every page it touches:
  // each child pauses it for its lifetime (counted: an AOF rewrite and full syncs may overlap).
  void PauseRehash();
  void ResumeRehash();
  // While set, lookups and overwrites leave the keys' access bits (LRU clock / LFU counter) as they are:
  // the command running comes from a CLIENT NO-TOUCH client (Redis 7.2's LOOKUP_NOTOUCH).
  void set_no_touch(bool no_touch);

  // Lookups: nullptr when the key is absent or expired.
  Entry* Find(std::string_view key);      // no stats, no LRU update (internal use, EXISTS-like checks)
  Entry* FindRead(std::string_view key);  // counts keyspace hits/misses, updates LRU
  Entry* FindWrite(std::string_view key); // updates LRU, no hit/miss stats
  // The key as stored, even when its expiry has passed: never deletes, no stats, no LRU update (DEBUG
  // DIGEST-VALUE and DEBUG OBJECT, which Redis answers from the dict itself).
  Entry* FindStored(std::string_view key);

  // Creates or overwrites `key` with a string value. expire_at_ms >= 0 sets that expiry; -1 with
  // keep_ttl keeps an existing key's expiry; -1 without keep_ttl removes it. Returns the new entry.
  Entry* SetString(std::string_view key, std::string_view value, int64_t expire_at_ms = -1,
                   bool keep_ttl = false);
  // Lengthens the string at `key` to `new_len` bytes, the new ones zero (SETBIT/BITFIELD past the end),
  // keeping its expiry and LRU. The record's allocation grows with slack (as Redis's sds strings do), so a
  // bitmap grown bit by bit is not copied whole each time. nullptr if `key` holds no string; a string
  // already that long is left as it is.
  Entry* GrowString(std::string_view key, size_t new_len);
  // Creates or overwrites `key` with an object value (expiry as for SetString).
  Entry* SetObject(std::string_view key, std::unique_ptr<Object> obj, int64_t expire_at_ms = -1,
                   bool keep_ttl = false);
  // Adds `key`, which must not exist yet (the RDB loader: one lookup for the duplicate check and the insert).
  // nullptr, and nothing changed (`obj` freed), when it does.
  Entry* AddString(std::string_view key, std::string_view value, int64_t expire_at_ms);
  Entry* AddObject(std::string_view key, std::unique_ptr<Object> obj, int64_t expire_at_ms);
  // About `keys` keys, `expires` of them with an expiry, are about to be added (an RDB file's RESIZEDB):
  // the tables of slots that get their first key from now on are sized for their share, so that loading
  // does not grow and rehash them key by key. SizeHint(0, 0) when done.
  void SizeHint(uint64_t keys, uint64_t expires);
  // AddString/AddObject a few keys behind (below).
  class BulkAdd;
  bool Delete(std::string_view key);
  // Moves the value and expiry of `from` to `to` (overwriting `to`). False if `from` does not exist.
  bool Rename(std::string_view from, std::string_view to);

  // Expiry. SetExpire with a time in the past still sets it (the caller decides to delete instead).
  bool SetExpire(std::string_view key, int64_t at_ms);
  bool Persist(std::string_view key);  // true if an expiry was removed

  size_t size() const;          // keys, including expired ones not yet removed
  size_t expires_size() const;  // keys with an expiry
  int64_t avg_ttl_ms() const;   // estimate, for INFO keyspace
  void Clear();                 // FLUSHALL/FLUSHDB

  // SCAN: Redis's guarantees (every key present for the whole scan is returned at least once, even across
  // rehashing). cursor 0 starts; the returned cursor 0 ends. `count` is a hint of entries to visit.
  // Expired keys are skipped.
  uint64_t Scan(uint64_t cursor, size_t count, const std::function<void(const Entry&)>& fn);
  // Every live key, in no particular order (KEYS, AOF rewrite, replica snapshot). fn must not modify.
  void ForEach(const std::function<void(const Entry&)>& fn);
  // Every stored key, also those whose expiry passed but that are not removed yet (DEBUG DIGEST).
  void ForEachStored(const std::function<void(const Entry&)>& fn);
  // The live keys of one slot (a resumable serializer walks slot by slot). Returns how many.
  size_t ForEachInSlot(int slot, const std::function<void(const Entry&)>& fn);
  // A random live key (RANDOMKEY), nullptr if empty.
  Entry* RandomEntry();

  // Per-slot index (cluster).
  size_t CountKeysInSlot(int slot) const;
  std::vector<std::string> GetKeysInSlot(int slot, size_t count) const;
  void DeleteKeysInSlot(int slot);  // used when a slot is taken away (replies with the count deleted)

  // Access tracking and eviction follow maxmemory-policy (and lfu-log-factor / lfu-decay-time): under an LFU
  // policy every access decays and logarithmically increments the key's counter, new keys start at
  // LFU_INIT_VAL (5); under the others an access stores the LRU clock. Switching policy changes nothing
  // stored: the same bits are read the other way until the keys are accessed again (as Redis does).
  void set_eviction_policy(EvictionPolicy policy);
  EvictionPolicy eviction_policy() const;
  void set_lfu_params(int log_factor, int decay_time);
  // The key's access counter after the decay due by now (OBJECT FREQ, the RDB's FREQ); meaningful under an
  // LFU policy.
  int LfuFreq(const Entry& e) const;
  // Seconds since the last access by the LRU clock (OBJECT IDLETIME, the RDB's IDLE).
  int64_t IdleSeconds(const Entry& e) const;
  // Redis's objectSetLRUOrLFU (RESTORE's FREQ / IDLETIME, an RDB's FREQ / IDLE records): under an LFU policy
  // a freq >= 0 becomes the counter (decay time now); under the others an idle >= 0 (seconds) becomes the
  // clock. -1 = not given.
  void SetAccessInfo(Entry* e, int64_t lfu_freq, int64_t lru_idle_s);

  // Active expiry: delete expired keys for at most `budget_us` microseconds; returns keys deleted.
  // Called from the server's cron (10 times a second) and, lightly, before sleeping.
  size_t ActiveExpireCycle(int64_t budget_us);
  // Eviction by the policy set: frees keys until `need_bytes_to_free` bytes were freed (estimated via
  // UsedMemory deltas), `max_keys` keys were evicted, or nothing evictable is left (noeviction: nothing is).
  // LRU, LFU and volatile-ttl choose with Redis's candidate pool (`samples` keys per round), the random
  // policies pick a random key (volatile-*: only keys with an expiry). Returns keys evicted.
  size_t Evict(int64_t need_bytes_to_free, int samples, size_t max_keys = SIZE_MAX);

  const KeyspaceStats& stats() const;
  // INFO keysizes (keyspace/key_sizes.h): per type, how many keys have a length (string bytes, collection
  // elements) in each power-of-two bin. Kept as keys are written, never by scanning: the keyspace's own
  // writes move a key between bins at once; a collection changed in place through an Entry from FindWrite,
  // SetObject or AddObject is re-binned by SettleKeySizes, which the call path runs after every command (and
  // the cron, for writes outside it). Until then the key counts in the bin it had before.
  const KeySizes& key_sizes() const;
  void SettleKeySizes();
  void ResetStats();
  // Called from the cron with the current time; keeps incremental rehashing going when idle.
  void Cron();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Adds keys that must not exist yet (the RDB loader), as AddString/AddObject do, but a few keys behind the
// caller: each key's record is built at once, then its slot table, its bucket and the first record of its
// chain are prefetched one step each while the caller reads the next keys, and it is linked (with the
// duplicate check) kDepth keys later. In a file written in redis-server's order every key lands in a random
// slot table and bucket, and waiting for those cache misses one after the other was most of the insert.
// A key that turns out to exist already stops the adding: Add/Flush return false, duplicate() and
// duplicate_tag() say which key it was, and the keys queued after it are dropped, so the keyspace holds
// exactly the keys added before it. The destructor drops what was not flushed. Nothing else may modify the
// keyspace while keys are queued.
class Keyspace::BulkAdd {
 public:
  explicit BulkAdd(Keyspace& db) : db_(db) {}
  ~BulkAdd();
  BulkAdd(const BulkAdd&) = delete;
  BulkAdd& operator=(const BulkAdd&) = delete;

  // tag: the caller's name for the key in duplicate_tag() (the RDB loader: the key's offset in the file).
  // lfu_freq / lru_idle_s: the file's FREQ / IDLE for the key (SetAccessInfo), -1 when absent.
  bool AddString(std::string_view key, std::string_view value, int64_t expire_at_ms, uint64_t tag,
                 int64_t lfu_freq = -1, int64_t lru_idle_s = -1);
  bool AddObject(std::string_view key, std::unique_ptr<Object> obj, int64_t expire_at_ms, uint64_t tag,
                 int64_t lfu_freq = -1, int64_t lru_idle_s = -1);
  // Links every queued key.
  bool Flush();
  const std::string& duplicate() const { return dup_key_; }
  uint64_t duplicate_tag() const { return dup_tag_; }

 private:
  // A key's bucket is prefetched kBucketAge keys after its table, its chain kChainAge keys after that, and
  // it is linked at kDepth (one key's parse was not always long enough for a miss).
  static constexpr int kBucketAge = 2, kChainAge = 4, kDepth = 6;
  struct Pending {
    Entry* e;
    uint64_t h;
    uint64_t tag;
    int slot;
  };
  bool Push(Entry* e, std::string_view key, uint64_t tag);
  bool Commit(const Pending& p);
  void Drop();

  Keyspace& db_;
  Pending q_[kDepth + 1];  // oldest first from head_
  int head_ = 0, count_ = 0;
  bool failed_ = false;
  std::string dup_key_;
  uint64_t dup_tag_ = 0;
};

}  // namespace rcs
