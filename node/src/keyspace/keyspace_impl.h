// Keyspace::Impl, shared by the keyspace's implementation files (internal to keyspace/):
//   keyspace.cc       lookups, writes, expiry fields, SCAN/ForEach, the per-slot index API
//   slot_dict.*       the per-slot hash tables with incremental rehash and the Fenwick tree
//   active_expiry.cc  the active expiry cycle
//   eviction.cc       the maxmemory policies: LRU, LFU and volatile-ttl with Redis's candidate pool, random
//
// Keys with an expiry are also in a dense array (the volatile array; each entry knows its index), which
// gives O(1) add/remove, uniform sampling for volatile-ttl and a cursor for the active expiry cycle.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "keyspace/entry_record.h"
#include "keyspace/key_sizes.h"
#include "keyspace/keyspace.h"
#include "keyspace/lfu.h"
#include "keyspace/slot_dict.h"

namespace rcs {

struct Keyspace::Impl {
  using Pos = keyspace_internal::SlotDict::Pos;
  struct PoolItem {
    uint64_t score;
    std::string key;
  };

  explicit Impl(const Clock* c) : Impl(c, RandomHashSeed()) {}
  Impl(const Clock* c, uint64_t seed) : clock(c), dict(seed) {}
  ~Impl() { ClearAll(); }

  const Clock* clock;
  DeleteHook hook;
  bool paused = false;
  bool expiry_disabled = false;  // loading: nothing is expired (the stream replays what happened then)
  int rehash_paused = 0;         // forked children sharing our pages: no background rehash (and no access-bit
                                 // updates on reads) while > 0
  keyspace_internal::SlotDict dict;
  std::vector<Entry*> vol;  // entries with an expiry
  size_t expire_cursor = 0;
  KeyspaceStats stats;
  double stale_perc = 0;
  int64_t avg_ttl = 0;
  std::vector<PoolItem> pool;  // eviction candidates, ascending score; the best is at the back
  EvictionPolicy pool_policy = EvictionPolicy::kNoEviction;  // the policy whose scores the pool holds
  bool no_touch = false;  // set_no_touch: lookups keep the access bits
  EvictionPolicy policy = EvictionPolicy::kNoEviction;
  int lfu_log_factor = 10;
  int lfu_decay_time = 1;

  // INFO keysizes (key_sizes.h). Invariant: every key counts in the bin of its length, except a collection
  // handed out for writing since the last SettleKeySizes (in `touched`), which counts in the bin it had then.
  KeySizes sizes;
  struct TouchedObject {
    Object* obj;
    int8_t type;  // KeySizes::TypeIndex
    int8_t bin;   // the bin it counts in
  };
  std::vector<TouchedObject> touched;
  static constexpr size_t kMaxTouched = 64;
  // Re-bins the touched objects at their current length.
  void Settle() {
    for (const TouchedObject& t : touched) {
      int bin = KeySizes::Bin(t.obj->size());
      if (bin == t.bin) continue;
      sizes.Remove(t.type, t.bin);
      sizes.Add(t.type, bin);
    }
    touched.clear();
  }

  static uint64_t LengthOf(const Entry* e, uint32_t meta) {
    using namespace keyspace_internal;
    if ((meta & kTypeMask) == static_cast<uint32_t>(ObjType::kString)) {
      uint64_t n;
      GetVar(ValueField(e, meta), &n);
      return n;
    }
    return ObjOf(e)->size();
  }
  static int SizeType(uint32_t meta) {
    return KeySizes::TypeIndex(static_cast<ObjType>(meta & keyspace_internal::kTypeMask));
  }
  // A key now in the keyspace counts in its length's bin.
  void SizeAdd(const Entry* e) {
    uint32_t m = keyspace_internal::Meta(e);
    int t = SizeType(m);
    if (t >= 0) sizes.Add(t, KeySizes::Bin(LengthOf(e, m)));
  }
  // A key leaving the keyspace (or about to be overwritten) stops counting, in the bin it counts in.
  void SizeRemove(const Entry* e) {
    uint32_t m = keyspace_internal::Meta(e);
    int t = SizeType(m);
    if (t < 0) return;
    if (t > 0 && !touched.empty()) {
      Object* o = keyspace_internal::ObjOf(e);
      for (size_t i = 0; i < touched.size(); i++) {
        if (touched[i].obj != o) continue;
        sizes.Remove(t, touched[i].bin);
        touched[i] = touched.back();
        touched.pop_back();
        return;
      }
    }
    sizes.Remove(t, KeySizes::Bin(LengthOf(e, m)));
  }
  // A collection handed out for writing: its length may change in place until SettleKeySizes.
  void SizeTouch(const Entry* e, uint32_t m) {
    int t = SizeType(m);
    if (t <= 0) return;  // strings change length only through the keyspace; streams are not counted
    Object* o = keyspace_internal::ObjOf(e);
    for (const TouchedObject& x : touched) {
      if (x.obj == o) return;
    }
    // Writers outside the call path (the RDB loader, tests) never settle: keep the list short. A command
    // touches a few keys, each settled after it, so this is not reached from one.
    if (touched.size() >= kMaxTouched) Settle();
    touched.push_back({o, static_cast<int8_t>(t), static_cast<int8_t>(KeySizes::Bin(o->size()))});
  }

  bool lfu() const { return IsLfuPolicy(policy); }
  // The access bits of a key created now.
  uint32_t FreshAccess(int64_t now_ms) const {
    return lfu() ? lfu::Init(lfu::Minutes(now_ms)) : keyspace_internal::LruClock(now_ms);
  }
  // The access bits after an access now.
  uint32_t Touched(uint32_t bits, int64_t now_ms) const {
    if (!lfu()) return keyspace_internal::LruClock(now_ms);
    double r = static_cast<double>(Rand() >> 11) * (1.0 / 9007199254740992.0);  // [0, 1)
    return lfu::Touch(bits, lfu::Minutes(now_ms), lfu_log_factor, lfu_decay_time, r);
  }

  static uint64_t Rand() { return ThreadRandom().Next(); }
  int64_t NowMs() const { return clock->NowMs(); }
  bool Expired(int64_t now, int64_t at) const { return !expiry_disabled && now > at; }

  // ---- volatile array ----
  void VolAdd(Entry* e) {
    keyspace_internal::SetVolIdx(e, static_cast<uint32_t>(vol.size()));
    vol.push_back(e);
  }
  void VolRemove(Entry* e) {
    uint32_t idx = keyspace_internal::VolIdx(e);
    Entry* last = vol.back();
    vol[idx] = last;
    keyspace_internal::SetVolIdx(last, idx);
    vol.pop_back();
    if (vol.capacity() > 1024 && vol.size() < vol.capacity() / 4) vol.shrink_to_fit();
  }

  static void FreeEntry(Entry* e, bool free_obj) {
    using namespace keyspace_internal;
    if (free_obj && (Meta(e) & kTypeMask) != static_cast<uint32_t>(ObjType::kString)) delete ObjOf(e);
    CountedFree(e);
  }
  // Unlinks and frees the entry at pos (its object too when free_obj).
  void Remove(const Pos& pos, int slot, bool free_obj) {
    Entry* e = pos.e;
    SizeRemove(e);
    dict.Unlink(pos, slot);
    if (keyspace_internal::Meta(e) & keyspace_internal::kHasExpire) VolRemove(e);
    FreeEntry(e, free_obj);
  }
  void CallHook(Entry* e, DeleteReason why) {
    if (hook) hook(keyspace_internal::KeyOf(e), why);
  }
  void DeleteExpired(const Pos& pos, int slot) {
    CallHook(pos.e, DeleteReason::kExpired);
    Remove(pos, slot, true);
    stats.expired_keys++;
  }

  // keyspace.cc
  // mode: 0 Find, 1 FindRead, 2 FindWrite
  Entry* Lookup(std::string_view key, int mode);
  Pos FindLive(std::string_view key, int* slot);
  static Entry* NewEntry(std::string_view key, uint32_t type, uint32_t lru, int64_t expire, std::string_view sval,
                         Object* obj);
  Entry* Set(std::string_view key, uint32_t type, std::string_view sval, Object* obj, int64_t expire_at,
             bool keep_ttl);
  Entry* Add(std::string_view key, uint32_t type, std::string_view sval, Object* obj, int64_t expire_at);
  void Replace(const Pos& pos, Entry* ne);
  Entry* Resize(const Pos& pos, size_t new_size);
  void ClearAll();

  // eviction.cc
  void PoolInsert(uint64_t score, std::string_view key);
  void PoolPopulate(int samples);
};

}  // namespace rcs
