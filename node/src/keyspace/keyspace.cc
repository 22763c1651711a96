// The keyspace implementation.
//
// Entries. Every key is one CountedMalloc'ed record, laid out as
//   offset 0   uint64  link to the next entry of the bucket chain (tagged pointer, see below)
//   offset 8   uint32  meta: bits 0-2 ObjType, bit 3 has-expire, bits 8-31 LRU clock (seconds, 24 bits)
//   offset 12  [has-expire only] int64 expire_at_ms, uint32 index of the entry in the volatile array
//   then       varint key length, key bytes, and
//              string: varint value length, value bytes | object: 8-byte Object* (unaligned, memcpy'd)
// A 22-byte key with a 16-byte value is 52 bytes: one 64-byte glibc chunk. Keys without an expiry do not pay
// for one; adding an expiry (SetExpire) reallocates the entry, which is why an Entry* is only valid until
// the next modifying call.
//
// Links. Bucket slots and the entries' next fields are 64-bit words holding the pointer in the low 48 bits
// (user-space addresses on x86-64 and aarch64 fit; checked on every allocation) and the top 16 bits of the
// pointed-to entry's hash in the high 16 bits, so a chain walk compares keys only when those bits match.
//
// Tables. One chained hash table per cluster slot, created on the first insert and freed when it becomes
// empty. Growth and shrinking work like Redis's dict: a second bucket array is allocated and entries move a
// bucket at a time, on every operation on that slot and from Cron(), so no operation pays for a whole
// table. The table grows when it holds as many keys as buckets (to the next power of two, doubling) and
// shrinks when less than 10% full. SCAN uses Redis's reverse-binary cursor per table (which keeps its
// guarantee across resizes) with the slot in the low 14 bits of the cursor.
//
// Random keys (RANDOMKEY, allkeys-lru sampling) pick a slot weighted by its key count through a Fenwick tree
// over the 16384 slot counts, then a random bucket and chain position in that table.
//
// Keys with an expiry are also in a dense array (the volatile array; each entry knows its index), which
// gives O(1) add/remove, uniform sampling for volatile-ttl and a cursor for the active expiry cycle.
#include "keyspace/keyspace.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "base/alloc.h"
#include "base/crc16.h"
#include "base/hash.h"
#include "keyspace/ks_slot.h"

namespace rcs {
namespace {

// ---- entry layout ----
constexpr size_t kMetaOff = 8;
constexpr size_t kExpireOff = 12;
constexpr size_t kVolIdxOff = 20;
constexpr size_t kBaseHeader = 12;
constexpr size_t kExpireBytes = 12;
constexpr uint32_t kTypeMask = 0x7;
constexpr uint32_t kHasExpire = 0x8;
constexpr uint32_t kLruShift = 8;
constexpr uint32_t kLruMax = (1u << 24) - 1;

inline uint8_t* Bytes(const Entry* e) { return reinterpret_cast<uint8_t*>(const_cast<Entry*>(e)); }
inline uint32_t Meta(const Entry* e) {
  uint32_t m;
  memcpy(&m, Bytes(e) + kMetaOff, 4);
  return m;
}
inline void SetMeta(Entry* e, uint32_t m) { memcpy(Bytes(e) + kMetaOff, &m, 4); }
inline int64_t ExpireOf(const Entry* e) {
  int64_t v;
  memcpy(&v, Bytes(e) + kExpireOff, 8);
  return v;
}
inline void SetExpireOf(Entry* e, int64_t v) { memcpy(Bytes(e) + kExpireOff, &v, 8); }
inline uint32_t VolIdx(const Entry* e) {
  uint32_t v;
  memcpy(&v, Bytes(e) + kVolIdxOff, 4);
  return v;
}
inline void SetVolIdx(Entry* e, uint32_t v) { memcpy(Bytes(e) + kVolIdxOff, &v, 4); }
inline uint32_t LruClock(int64_t now_ms) { return static_cast<uint32_t>(now_ms / 1000) & kLruMax; }
inline uint32_t WithLru(uint32_t meta, uint32_t lru) { return (meta & 0xff) | (lru << kLruShift); }

inline size_t VarintLen(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
inline uint8_t* PutVar(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}
inline const uint8_t* GetVar(const uint8_t* p, uint64_t* v) {
  if (*p < 0x80) {
    *v = *p;
    return p + 1;
  }
  uint64_t r = 0;
  int shift = 0;
  while (*p & 0x80) {
    r |= static_cast<uint64_t>(*p & 0x7f) << shift;
    shift += 7;
    ++p;
  }
  r |= static_cast<uint64_t>(*p) << shift;
  *v = r;
  return p + 1;
}

inline const uint8_t* KeyField(const Entry* e, uint32_t meta) {
  return Bytes(e) + ((meta & kHasExpire) ? kBaseHeader + kExpireBytes : kBaseHeader);
}
inline std::string_view KeyOf(const Entry* e) {
  uint64_t n;
  const uint8_t* p = GetVar(KeyField(e, Meta(e)), &n);
  return {reinterpret_cast<const char*>(p), n};
}
// Start of the value field (string length varint or Object*).
inline const uint8_t* ValueField(const Entry* e, uint32_t meta) {
  uint64_t n;
  const uint8_t* p = GetVar(KeyField(e, meta), &n);
  return p + n;
}
inline Object* ObjOf(const Entry* e) {
  Object* o;
  memcpy(&o, ValueField(e, Meta(e)), sizeof(o));
  return o;
}
inline bool KeyEq(const Entry* e, std::string_view key) {
  uint64_t n;
  const uint8_t* p = GetVar(KeyField(e, Meta(e)), &n);
  return n == key.size() && memcmp(p, key.data(), n) == 0;
}
inline size_t EntrySize(bool has_expire, size_t keylen, bool is_string, size_t vallen) {
  return kBaseHeader + (has_expire ? kExpireBytes : 0) + VarintLen(keylen) + keylen +
         (is_string ? VarintLen(vallen) + vallen : sizeof(Object*));
}
// Bytes the entry occupies (its layout, not its allocation).
inline size_t EntryLength(const Entry* e) {
  uint32_t m = Meta(e);
  const uint8_t* v = ValueField(e, m);
  if ((m & kTypeMask) != static_cast<uint32_t>(ObjType::kString)) return (v - Bytes(e)) + sizeof(Object*);
  uint64_t n;
  const uint8_t* p = GetVar(v, &n);
  return (p - Bytes(e)) + n;
}

// ---- tagged links ----
using Link = uint64_t;
constexpr uint64_t kPtrMask = (uint64_t{1} << 48) - 1;
inline Entry* LinkEntry(Link l) { return reinterpret_cast<Entry*>(l & kPtrMask); }
inline Link MakeLink(Entry* e, uint64_t h) { return reinterpret_cast<uint64_t>(e) | (h & ~kPtrMask); }
inline Link* NextOf(Entry* e) { return reinterpret_cast<Link*>(e); }

void* AllocChecked(size_t n) {
  void* p = CountedMalloc(n);
  if ((reinterpret_cast<uint64_t>(p) & ~kPtrMask) != 0) {
    fprintf(stderr, "keyspace: allocation above 2^48 (%p), tagged pointers cannot hold it\n", p);
    abort();
  }
  return p;
}

inline uint64_t Rev64(uint64_t v) {
  v = __builtin_bswap64(v);
  v = ((v >> 4) & 0x0f0f0f0f0f0f0f0full) | ((v & 0x0f0f0f0f0f0f0f0full) << 4);
  v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
  v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
  return v;
}

constexpr uint8_t kInitialBits = 2;  // 4 buckets, as Redis's DICT_HT_INITIAL_SIZE
constexpr int kSlotBits = 14;
// Chains average between 1 and 2 entries: a table doubles when it holds twice as many keys as buckets.
// With 16-bit tags in the links, a longer chain costs pointer hops but no key comparisons, and the bucket
// arrays cost 4-8 bytes per key instead of 8-16.
constexpr uint64_t kMaxLoad = 2;
constexpr size_t kPoolSize = 16;     // Redis's EVPOOL_SIZE
constexpr int kExpireKeysPerLoop = 20;
constexpr int kAcceptableStalePerc = 10;

// 32 bytes, held inline in one array of 16384 (512 KiB): a lookup goes slot -> bucket -> entry with no
// pointer hop to a separately allocated table header. A slot without keys has b[0] == nullptr.
struct Table {
  Link* b[2] = {nullptr, nullptr};
  uint32_t used[2] = {0, 0};
  int32_t rehash_idx = -1;  // next bucket of b[0] to move; -1 when not rehashing
  uint8_t bits[2] = {0, 0};
  bool queued = false;  // in the Cron rehash queue
  size_t size(int i) const { return b[i] ? size_t{1} << bits[i] : 0; }
  size_t mask(int i) const { return (size_t{1} << bits[i]) - 1; }
  bool rehashing() const { return rehash_idx >= 0; }
  uint64_t count() const { return uint64_t{used[0]} + used[1]; }
};

static_assert(sizeof(Table) == 32);

Link* NewBuckets(uint8_t bits) {
  size_t n = size_t{1} << bits;
  Link* b = static_cast<Link*>(CountedMalloc(n * sizeof(Link)));
  memset(b, 0, n * sizeof(Link));
  return b;
}

}  // namespace

// ---- Entry accessors ----
ObjType Entry::type() const { return static_cast<ObjType>(Meta(this) & kTypeMask); }
std::string_view Entry::key() const { return KeyOf(this); }
std::string_view Entry::str() const {
  uint64_t n;
  const uint8_t* p = GetVar(ValueField(this, Meta(this)), &n);
  return {reinterpret_cast<const char*>(p), n};
}
Object* Entry::obj() const { return ObjOf(this); }
bool Entry::has_expire() const { return (Meta(this) & kHasExpire) != 0; }
int64_t Entry::expire_at_ms() const { return has_expire() ? ExpireOf(this) : -1; }
uint32_t Entry::lru() const { return Meta(this) >> kLruShift; }

// ---- Impl ----
struct Keyspace::Impl {
  // Where a key is: the link that points at it (a bucket slot or the previous entry's next field).
  struct Pos {
    Table* t = nullptr;
    int ti = 0;
    Link* link = nullptr;
    Entry* e = nullptr;
  };
  struct PoolItem {
    uint64_t score;
    std::string key;
  };

  explicit Impl(const Clock* c) : clock(c) {
    seed = RandomHashSeed();
    rng = seed | 1;
    tables = static_cast<Table*>(CountedMalloc(sizeof(Table) * kClusterSlots));
    for (int s = 0; s < kClusterSlots; s++) new (&tables[s]) Table();
    fenwick = static_cast<uint32_t*>(CountedMalloc(sizeof(uint32_t) * (kClusterSlots + 1)));
    memset(fenwick, 0, sizeof(uint32_t) * (kClusterSlots + 1));
  }
  ~Impl() {
    ClearAll();
    CountedFree(tables);
    CountedFree(fenwick);
  }

  const Clock* clock;
  DeleteHook hook;
  bool paused = false;
  uint64_t seed;
  uint64_t rng;
  Table* tables;  // kClusterSlots of them
  uint32_t* fenwick;  // 1-based Fenwick tree of per-slot key counts
  uint64_t total = 0;
  std::vector<Entry*> vol;  // entries with an expiry
  size_t expire_cursor = 0;
  KeyspaceStats stats;
  double stale_perc = 0;
  int64_t avg_ttl = 0;
  std::vector<int> rehash_queue;
  std::vector<PoolItem> pool;  // ascending score; the best candidate is at the back
  bool pool_lru = true;

  uint64_t Rand() {
    // xorshift64*
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Dull;
  }
  uint64_t Hash(std::string_view key) const { return KeyedHash(key, seed); }
  int64_t NowMs() const { return clock->NowMs(); }

  // ---- Fenwick tree ----
  void FenAdd(int slot, int32_t d) {
    for (int i = slot + 1; i <= kClusterSlots; i += i & -i) fenwick[i] += d;
  }
  // The slot holding the r-th key (0-based) in slot order.
  int FenFind(uint64_t r) const {
    int pos = 0;
    for (int step = kClusterSlots; step > 0; step >>= 1) {
      if (pos + step <= kClusterSlots && fenwick[pos + step] <= r) {
        pos += step;
        r -= fenwick[pos];
      }
    }
    return pos;  // 0-based slot = (1-based index pos+1) - 1
  }

  // ---- volatile array ----
  void VolAdd(Entry* e) {
    SetVolIdx(e, static_cast<uint32_t>(vol.size()));
    vol.push_back(e);
  }
  void VolRemove(Entry* e) {
    uint32_t idx = VolIdx(e);
    Entry* last = vol.back();
    vol[idx] = last;
    SetVolIdx(last, idx);
    vol.pop_back();
    if (vol.capacity() > 1024 && vol.size() < vol.capacity() / 4) vol.shrink_to_fit();
  }

  // ---- tables ----
  Table* Tab(int slot) const {
    Table* t = &tables[slot];
    return t->b[0] != nullptr ? t : nullptr;
  }
  void Queue(Table* t, int slot) {
    if (!t->queued) {
      t->queued = true;
      rehash_queue.push_back(slot);
    }
  }
  void StartResize(Table* t, int slot, uint64_t target) {
    uint8_t bits = kInitialBits;
    while ((uint64_t{1} << bits) < target) ++bits;
    if (bits == t->bits[0]) return;
    t->b[1] = NewBuckets(bits);
    t->bits[1] = bits;
    t->used[1] = 0;
    t->rehash_idx = 0;
    Queue(t, slot);
  }
  // Moves up to n non-empty buckets from b[0] to b[1] (visiting at most 10*n empty ones).
  void RehashStep(Table* t, size_t n) {
    size_t empty_visits = n * 10;
    size_t mask1 = t->mask(1);
    while (n-- && t->used[0] != 0) {
      while (t->b[0][t->rehash_idx] == 0) {
        t->rehash_idx++;
        if (--empty_visits == 0) return;
      }
      Link l = t->b[0][t->rehash_idx];
      while (l) {
        Entry* e = LinkEntry(l);
        Link next = *NextOf(e);
        uint64_t h = Hash(KeyOf(e));
        Link* dst = &t->b[1][h & mask1];
        *NextOf(e) = *dst;
        *dst = MakeLink(e, h);
        t->used[0]--;
        t->used[1]++;
        l = next;
      }
      t->b[0][t->rehash_idx] = 0;
      t->rehash_idx++;
    }
    if (t->used[0] == 0) {
      CountedFree(t->b[0]);
      t->b[0] = t->b[1];
      t->bits[0] = t->bits[1];
      t->used[0] = t->used[1];
      t->b[1] = nullptr;
      t->bits[1] = 0;
      t->used[1] = 0;
      t->rehash_idx = -1;
    }
  }
  Table* PrepareSlot(int slot) {
    Table* t = Tab(slot);
    if (t != nullptr && t->rehashing()) RehashStep(t, 1);
    return t;
  }
  Pos Locate(Table* t, uint64_t h, std::string_view key) const {
    Pos pos;
    pos.t = t;
    if (t == nullptr) return pos;
    const uint64_t tag = h & ~kPtrMask;
    for (int i = 0; i < 2; i++) {
      if (t->b[i] == nullptr) break;
      Link* link = &t->b[i][h & t->mask(i)];
      while (*link) {
        Link l = *link;
        Entry* e = LinkEntry(l);
        if ((l & ~kPtrMask) == tag && KeyEq(e, key)) {
          pos.ti = i;
          pos.link = link;
          pos.e = e;
          return pos;
        }
        link = NextOf(e);
      }
      if (!t->rehashing()) break;
    }
    return pos;
  }
  Pos LocateKey(std::string_view key, int* slot_out) {
    int slot = ks::SlotOf(key);
    *slot_out = slot;
    return Locate(Tab(slot), Hash(key), key);
  }
  void Insert(int slot, uint64_t h, Entry* e) {
    Table* t = &tables[slot];
    if (t->b[0] == nullptr) {
      t->b[0] = NewBuckets(kInitialBits);
      t->bits[0] = kInitialBits;
    } else if (!t->rehashing() && t->used[0] >= kMaxLoad * t->size(0)) {
      StartResize(t, slot, t->size(0) * 2);
    }
    int i = t->rehashing() ? 1 : 0;
    Link* b = &t->b[i][h & t->mask(i)];
    *NextOf(e) = *b;
    *b = MakeLink(e, h);
    t->used[i]++;
    total++;
    FenAdd(slot, 1);
  }
  void FreeTable(int slot) {
    Table* t = &tables[slot];
    CountedFree(t->b[0]);
    if (t->b[1]) CountedFree(t->b[1]);
    *t = Table();
  }
  void FreeEntry(Entry* e, bool free_obj) {
    if (free_obj && (Meta(e) & kTypeMask) != static_cast<uint32_t>(ObjType::kString)) delete ObjOf(e);
    CountedFree(e);
  }
  // Unlinks and frees the entry at pos (its object too when free_obj).
  void Remove(const Pos& pos, int slot, bool free_obj) {
    Entry* e = pos.e;
    Table* t = pos.t;
    *pos.link = *NextOf(e);
    t->used[pos.ti]--;
    total--;
    FenAdd(slot, -1);
    if (Meta(e) & kHasExpire) VolRemove(e);
    FreeEntry(e, free_obj);
    if (t->count() == 0) {
      FreeTable(slot);
    } else if (!t->rehashing() && t->bits[0] > kInitialBits && uint64_t{t->used[0]} * 10 < t->size(0)) {
      StartResize(t, slot, t->used[0]);
    }
  }
  // Puts `ne` where pos.e was (same key, same chain position) and frees the old record (not its object).
  void Replace(const Pos& pos, Entry* ne) {
    Entry* old = pos.e;
    *NextOf(ne) = *NextOf(old);
    *pos.link = MakeLink(ne, *pos.link);
    CountedFree(old);
  }
  void CallHook(Entry* e, DeleteReason why) {
    if (hook) hook(KeyOf(e), why);
  }
  void DeleteExpired(const Pos& pos, int slot) {
    CallHook(pos.e, DeleteReason::kExpired);
    Remove(pos, slot, true);
    stats.expired_keys++;
  }

  // mode: 0 Find, 1 FindRead, 2 FindWrite
  Entry* Lookup(std::string_view key, int mode) {
    int slot = ks::SlotOf(key);
    Table* t = PrepareSlot(slot);
    if (t != nullptr) {
      Pos pos = Locate(t, Hash(key), key);
      if (pos.e != nullptr) {
        uint32_t m = Meta(pos.e);
        int64_t now = -1;
        if (m & kHasExpire) {
          now = NowMs();
          if (now > ExpireOf(pos.e)) {
            if (!paused) DeleteExpired(pos, slot);
            if (mode == 1) stats.keyspace_misses++;
            return nullptr;
          }
        }
        if (mode != 0) {
          if (now < 0) now = NowMs();
          SetMeta(pos.e, WithLru(m, LruClock(now)));
          if (mode == 1) stats.keyspace_hits++;
        }
        return pos.e;
      }
    }
    if (mode == 1) stats.keyspace_misses++;
    return nullptr;
  }
  // Finds a key for modification. An expired key is deleted first and reported absent; but while expiry is
  // paused (a replica) it is returned as is: writes then come from the master, which still sees the key (as
  // Redis's replicas never treat keys as expired for their master's commands), and the master's DEL for an
  // expired key must remove it. Inserting beside it would duplicate the key.
  Pos FindLive(std::string_view key, int* slot) {
    *slot = ks::SlotOf(key);
    Table* t = PrepareSlot(*slot);
    Pos pos = Locate(t, Hash(key), key);
    if (pos.e != nullptr && !paused && (Meta(pos.e) & kHasExpire) && NowMs() > ExpireOf(pos.e)) {
      DeleteExpired(pos, *slot);
      return Pos{};
    }
    return pos;
  }

  // Builds a record. For strings `sval` is the value; otherwise `obj` is stored.
  static Entry* NewEntry(std::string_view key, uint32_t type, uint32_t lru, int64_t expire,
                         std::string_view sval, Object* obj) {
    bool is_string = type == static_cast<uint32_t>(ObjType::kString);
    bool has_expire = expire >= 0;
    size_t sz = EntrySize(has_expire, key.size(), is_string, sval.size());
    uint8_t* p = static_cast<uint8_t*>(AllocChecked(sz));
    Entry* e = reinterpret_cast<Entry*>(p);
    *NextOf(e) = 0;
    SetMeta(e, type | (has_expire ? kHasExpire : 0) | (lru << kLruShift));
    uint8_t* q = p + kBaseHeader;
    if (has_expire) {
      SetExpireOf(e, expire);
      SetVolIdx(e, 0);
      q += kExpireBytes;
    }
    q = PutVar(q, key.size());
    memcpy(q, key.data(), key.size());
    q += key.size();
    if (is_string) {
      q = PutVar(q, sval.size());
      if (!sval.empty()) memcpy(q, sval.data(), sval.size());
    } else {
      memcpy(q, &obj, sizeof(obj));
    }
    return e;
  }

  Entry* Set(std::string_view key, uint32_t type, std::string_view sval, Object* obj, int64_t expire_at,
             bool keep_ttl) {
    int slot;
    Pos pos = FindLive(key, &slot);
    uint32_t lru = LruClock(NowMs());
    const bool is_string = type == static_cast<uint32_t>(ObjType::kString);
    if (pos.e == nullptr) {
      uint64_t h = Hash(key);
      Entry* e = NewEntry(key, type, lru, expire_at, sval, obj);
      Insert(slot, h, e);
      if (expire_at >= 0) VolAdd(e);
      return e;
    }
    Entry* old = pos.e;
    const uint32_t om = Meta(old);
    const bool old_has = (om & kHasExpire) != 0;
    int64_t exp = expire_at >= 0 ? expire_at : (keep_ttl && old_has ? ExpireOf(old) : -1);
    const bool new_has = exp >= 0;
    const bool old_string = (om & kTypeMask) == static_cast<uint32_t>(ObjType::kString);
    if (is_string && old_string && old_has == new_has) {
      // Same layout up to the value: rewrite in place when the allocation fits without much waste.
      uint8_t* vf = const_cast<uint8_t*>(ValueField(old, om));
      uint64_t oldlen;
      GetVar(vf, &oldlen);
      if (VarintLen(oldlen) == VarintLen(sval.size())) {
        size_t need = (vf - Bytes(old)) + VarintLen(sval.size()) + sval.size();
        size_t have = AllocationSize(old);
        if (need <= have && have - need <= std::max<size_t>(16, need / 4)) {
          uint8_t* q = PutVar(vf, sval.size());
          if (!sval.empty()) memmove(q, sval.data(), sval.size());  // sval may alias the old value
          SetMeta(old, WithLru(om, lru));
          if (new_has) SetExpireOf(old, exp);
          return old;
        }
      }
    }
    Entry* ne = NewEntry(key, type, lru, exp, sval, obj);
    if (!old_string) delete ObjOf(old);
    if (old_has && new_has) {
      uint32_t idx = VolIdx(old);
      SetVolIdx(ne, idx);
      vol[idx] = ne;
    } else if (old_has) {
      VolRemove(old);
    } else if (new_has) {
      VolAdd(ne);
    }
    Replace(pos, ne);
    return ne;
  }

  // Reallocates the entry at pos to `new_size` bytes (content up to min(old, new) preserved) and fixes the
  // link and the volatile array. Returns the (possibly moved) entry.
  Entry* Resize(const Pos& pos, size_t new_size) {
    Entry* old = pos.e;
    Entry* ne = static_cast<Entry*>(CountedRealloc(old, new_size));
    if ((reinterpret_cast<uint64_t>(ne) & ~kPtrMask) != 0) abort();
    if (ne != old) {
      *pos.link = MakeLink(ne, *pos.link);  // the next field moved with the content
      if (Meta(ne) & kHasExpire) vol[VolIdx(ne)] = ne;
    }
    return ne;
  }

  void ClearAll() {
    for (int s = 0; s < kClusterSlots; s++) {
      if (Tab(s) != nullptr) FreeSlotEntries(s, false);
    }
    memset(fenwick, 0, sizeof(uint32_t) * (kClusterSlots + 1));
    total = 0;
    std::vector<Entry*>().swap(vol);
    std::vector<int>().swap(rehash_queue);
    std::vector<PoolItem>().swap(pool);
    expire_cursor = 0;
    avg_ttl = 0;
  }
  // Frees every entry of a slot and the table. With fix_index the counters and the volatile array are
  // updated entry by entry (ClearAll resets them wholesale instead).
  void FreeSlotEntries(int slot, bool fix_index) {
    Table* t = &tables[slot];
    uint64_t n = 0;
    for (int i = 0; i < 2; i++) {
      if (t->b[i] == nullptr) continue;
      size_t size = t->size(i);
      for (size_t j = 0; j < size; j++) {
        Link l = t->b[i][j];
        while (l) {
          Entry* e = LinkEntry(l);
          l = *NextOf(e);
          if (fix_index && (Meta(e) & kHasExpire)) VolRemove(e);
          FreeEntry(e, true);
          n++;
        }
      }
    }
    if (fix_index) {
      total -= n;
      FenAdd(slot, -static_cast<int32_t>(n));
    }
    FreeTable(slot);
  }

  // A uniformly chosen slot (weighted by key count), then a random bucket and chain position.
  Entry* RandomAny() {
    if (total == 0) return nullptr;
    int slot = FenFind(Rand() % total);
    Table* t = &tables[slot];
    Link l = 0;
    if (t->rehashing()) {
      size_t s0 = t->size(0), s1 = t->size(1);
      size_t span = s0 + s1 - static_cast<size_t>(t->rehash_idx);
      do {
        size_t idx = static_cast<size_t>(t->rehash_idx) + Rand() % span;
        l = idx >= s0 ? t->b[1][idx - s0] : t->b[0][idx];
      } while (l == 0);
    } else {
      size_t mask = t->mask(0);
      do {
        l = t->b[0][Rand() & mask];
      } while (l == 0);
    }
    size_t len = 0;
    for (Link x = l; x; x = *NextOf(LinkEntry(x))) len++;
    size_t k = Rand() % len;
    while (k--) l = *NextOf(LinkEntry(l));
    return LinkEntry(l);
  }

  // Scans one reverse-binary cursor step of a table (Redis's dictScan). Returns the next cursor.
  template <typename F>
  uint64_t ScanTable(Table* t, uint64_t v, F&& emit) {
    auto bucket = [&](Link l) {
      while (l) {
        Entry* e = LinkEntry(l);
        l = *NextOf(e);
        emit(e);
      }
    };
    if (!t->rehashing()) {
      uint64_t m0 = t->mask(0);
      bucket(t->b[0][v & m0]);
      v |= ~m0;
      v = Rev64(v);
      v++;
      return Rev64(v);
    }
    int s = t->size(0) <= t->size(1) ? 0 : 1;
    int g = 1 - s;
    uint64_t m0 = t->mask(s), m1 = t->mask(g);
    bucket(t->b[s][v & m0]);
    do {
      bucket(t->b[g][v & m1]);
      v |= ~m1;
      v = Rev64(v);
      v++;
      v = Rev64(v);
    } while (v & (m0 ^ m1));
    return v;
  }

  static uint64_t IdleMs(uint32_t lru, uint32_t now_lru) {
    if (now_lru >= lru) return static_cast<uint64_t>(now_lru - lru) * 1000;
    return static_cast<uint64_t>(now_lru + (kLruMax - lru)) * 1000;
  }
  void PoolInsert(uint64_t score, std::string_view key) {
    for (auto& it : pool) {
      if (it.key == key) {
        if (it.score == score) return;
        it.score = score;
        std::sort(pool.begin(), pool.end(), [](const PoolItem& a, const PoolItem& b) { return a.score < b.score; });
        return;
      }
    }
    if (pool.size() == kPoolSize) {
      if (score <= pool.front().score) return;
      pool.erase(pool.begin());
    }
    auto it = std::upper_bound(pool.begin(), pool.end(), score,
                               [](uint64_t s, const PoolItem& p) { return s < p.score; });
    pool.insert(it, PoolItem{score, std::string(key)});
  }
  void PoolPopulate(bool lru, int samples) {
    uint32_t now_lru = LruClock(NowMs());
    for (int i = 0; i < samples; i++) {
      Entry* e;
      uint64_t score;
      if (lru) {
        e = RandomAny();
        if (e == nullptr) return;
        score = IdleMs(Meta(e) >> kLruShift, now_lru);
      } else {
        if (vol.empty()) return;
        e = vol[Rand() % vol.size()];
        score = UINT64_MAX - static_cast<uint64_t>(ExpireOf(e));
      }
      PoolInsert(score, KeyOf(e));
    }
  }
};

// ---- Keyspace ----
Keyspace::Keyspace(const Clock* clock) : impl_(std::make_unique<Impl>(clock)) {}
Keyspace::~Keyspace() = default;

void Keyspace::set_delete_hook(DeleteHook hook) { impl_->hook = std::move(hook); }
void Keyspace::set_expiry_paused(bool paused) { impl_->paused = paused; }

Entry* Keyspace::Find(std::string_view key) { return impl_->Lookup(key, 0); }
Entry* Keyspace::FindRead(std::string_view key) { return impl_->Lookup(key, 1); }
Entry* Keyspace::FindWrite(std::string_view key) { return impl_->Lookup(key, 2); }

Entry* Keyspace::SetString(std::string_view key, std::string_view value, int64_t expire_at_ms, bool keep_ttl) {
  return impl_->Set(key, static_cast<uint32_t>(ObjType::kString), value, nullptr, expire_at_ms, keep_ttl);
}

Entry* Keyspace::SetObject(std::string_view key, std::unique_ptr<Object> obj, int64_t expire_at_ms,
                           bool keep_ttl) {
  uint32_t type = static_cast<uint32_t>(obj->type());
  return impl_->Set(key, type, {}, obj.release(), expire_at_ms, keep_ttl);
}

bool Keyspace::Delete(std::string_view key) {
  int slot;
  Impl::Pos pos = impl_->FindLive(key, &slot);
  if (pos.e == nullptr) return false;
  impl_->Remove(pos, slot, true);
  return true;
}

bool Keyspace::Rename(std::string_view from, std::string_view to) {
  Impl& m = *impl_;
  int fslot;
  Impl::Pos fp = m.FindLive(from, &fslot);
  if (fp.e == nullptr) return false;
  if (from == to) return true;
  Entry* src = fp.e;
  uint32_t meta = Meta(src);
  uint32_t type = meta & kTypeMask;
  bool is_string = type == static_cast<uint32_t>(ObjType::kString);
  Entry* ne = Impl::NewEntry(to, type, meta >> kLruShift, (meta & kHasExpire) ? ExpireOf(src) : -1,
                             is_string ? src->str() : std::string_view{}, is_string ? nullptr : ObjOf(src));
  // Drop the old `to` (it may precede `from` in a chain: locate `from` again afterwards).
  // `to` and `from` may point into the entries removed below: hash them first, and insert with the new
  // entry's own copy of the key.
  const uint64_t from_hash = m.Hash(from);
  int tslot;
  Impl::Pos tp = m.FindLive(to, &tslot);
  if (tp.e != nullptr) m.Remove(tp, tslot, true);
  fp = m.Locate(m.Tab(fslot), from_hash, from);
  m.Remove(fp, fslot, false);
  m.Insert(tslot, m.Hash(KeyOf(ne)), ne);
  if (Meta(ne) & kHasExpire) m.VolAdd(ne);
  return true;
}

bool Keyspace::SetExpire(std::string_view key, int64_t at_ms) {
  Impl& m = *impl_;
  int slot;
  Impl::Pos pos = m.FindLive(key, &slot);
  if (pos.e == nullptr) return false;
  uint32_t meta = Meta(pos.e);
  if (meta & kHasExpire) {
    SetExpireOf(pos.e, at_ms);
    return true;
  }
  size_t len = EntryLength(pos.e);
  Entry* e = m.Resize(pos, len + kExpireBytes);
  uint8_t* p = Bytes(e);
  memmove(p + kBaseHeader + kExpireBytes, p + kBaseHeader, len - kBaseHeader);
  SetMeta(e, meta | kHasExpire);
  SetExpireOf(e, at_ms);
  m.VolAdd(e);
  return true;
}

bool Keyspace::Persist(std::string_view key) {
  Impl& m = *impl_;
  int slot;
  Impl::Pos pos = m.FindLive(key, &slot);
  if (pos.e == nullptr) return false;
  uint32_t meta = Meta(pos.e);
  if (!(meta & kHasExpire)) return false;
  m.VolRemove(pos.e);
  size_t len = EntryLength(pos.e);
  uint8_t* p = Bytes(pos.e);
  memmove(p + kBaseHeader, p + kBaseHeader + kExpireBytes, len - kBaseHeader - kExpireBytes);
  SetMeta(pos.e, meta & ~kHasExpire);
  m.Resize(pos, len - kExpireBytes);
  return true;
}

size_t Keyspace::size() const { return impl_->total; }
size_t Keyspace::expires_size() const { return impl_->vol.size(); }
int64_t Keyspace::avg_ttl_ms() const { return impl_->vol.empty() ? 0 : impl_->avg_ttl; }
void Keyspace::Clear() { impl_->ClearAll(); }

uint64_t Keyspace::Scan(uint64_t cursor, size_t count, const std::function<void(const Entry&)>& fn) {
  Impl& m = *impl_;
  if (count == 0) count = 1;
  int slot = static_cast<int>(cursor & (kClusterSlots - 1));
  uint64_t v = cursor >> kSlotBits;
  size_t visited = 0, iterations = 0;
  const size_t max_iterations = count * 10;
  const int64_t now = m.NowMs();
  auto emit = [&](Entry* e) {
    visited++;
    if ((Meta(e) & kHasExpire) && now > ExpireOf(e)) return;
    fn(*e);
  };
  while (true) {
    Table* t = m.Tab(slot);
    if (t != nullptr) {
      v = m.ScanTable(t, v, emit);
      iterations++;
      if (v != 0) {
        if (visited >= count || iterations >= max_iterations) return (v << kSlotBits) | static_cast<uint64_t>(slot);
        continue;
      }
    }
    v = 0;
    if (++slot == kClusterSlots) return 0;
    if (visited >= count || iterations >= max_iterations) return static_cast<uint64_t>(slot);
  }
}

void Keyspace::ForEach(const std::function<void(const Entry&)>& fn) {
  Impl& m = *impl_;
  const int64_t now = m.NowMs();
  for (int s = 0; s < kClusterSlots; s++) {
    Table* t = m.Tab(s);
    if (t == nullptr) continue;
    for (int i = 0; i < 2; i++) {
      if (t->b[i] == nullptr) continue;
      size_t size = t->size(i);
      for (size_t j = 0; j < size; j++) {
        for (Link l = t->b[i][j]; l;) {
          Entry* e = LinkEntry(l);
          l = *NextOf(e);
          if ((Meta(e) & kHasExpire) && now > ExpireOf(e)) continue;
          fn(*e);
        }
      }
    }
  }
}

Entry* Keyspace::RandomEntry() {
  Impl& m = *impl_;
  const int64_t now = m.NowMs();
  Entry* last = nullptr;
  for (int tries = 0; tries < 100 && m.total > 0; tries++) {
    Entry* e = m.RandomAny();
    if (!(Meta(e) & kHasExpire) || now <= ExpireOf(e)) return e;
    last = e;
    if (!m.paused) {
      int slot;
      Impl::Pos pos = m.LocateKey(KeyOf(e), &slot);
      m.DeleteExpired(pos, slot);
      last = nullptr;
    }
  }
  // On a replica where every sampled key is logically expired, Redis returns one anyway (no endless loop).
  return last;
}

size_t Keyspace::CountKeysInSlot(int slot) const {
  if (slot < 0 || slot >= kClusterSlots) return 0;
  return impl_->tables[slot].count();
}

std::vector<std::string> Keyspace::GetKeysInSlot(int slot, size_t count) const {
  std::vector<std::string> out;
  if (slot < 0 || slot >= kClusterSlots) return out;
  Table* t = impl_->Tab(slot);
  if (t == nullptr) return out;
  for (int i = 0; i < 2 && out.size() < count; i++) {
    if (t->b[i] == nullptr) continue;
    size_t size = t->size(i);
    for (size_t j = 0; j < size && out.size() < count; j++) {
      for (Link l = t->b[i][j]; l && out.size() < count; l = *NextOf(LinkEntry(l))) {
        out.emplace_back(KeyOf(LinkEntry(l)));
      }
    }
  }
  return out;
}

void Keyspace::DeleteKeysInSlot(int slot) {
  if (slot < 0 || slot >= kClusterSlots || impl_->Tab(slot) == nullptr) return;
  impl_->FreeSlotEntries(slot, true);
}

size_t Keyspace::ActiveExpireCycle(int64_t budget_us) {
  Impl& m = *impl_;
  if (m.paused || m.vol.empty()) return 0;
  auto start = std::chrono::steady_clock::now();
  const int64_t now = m.NowMs();
  size_t total_expired = 0, total_sampled = 0;
  int iteration = 0;
  size_t expired, sampled;
  do {
    size_t num = m.vol.size();
    if (num == 0) break;
    size_t n = std::min<size_t>(num, kExpireKeysPerLoop);
    expired = sampled = 0;
    int64_t ttl_sum = 0;
    size_t ttl_samples = 0;
    for (size_t j = 0; j < n && !m.vol.empty(); j++) {
      if (m.expire_cursor >= m.vol.size()) m.expire_cursor = 0;
      Entry* e = m.vol[m.expire_cursor];
      int64_t when = ExpireOf(e);
      sampled++;
      if (now > when) {
        // The last entry moves into this index: do not advance the cursor.
        int slot;
        Impl::Pos pos = m.LocateKey(KeyOf(e), &slot);
        m.DeleteExpired(pos, slot);
        expired++;
      } else {
        ttl_sum += when - now;
        ttl_samples++;
        m.expire_cursor++;
      }
    }
    total_expired += expired;
    total_sampled += sampled;
    if (ttl_samples > 0) {
      int64_t avg = ttl_sum / static_cast<int64_t>(ttl_samples);
      m.avg_ttl = m.avg_ttl == 0 ? avg : (m.avg_ttl / 50) * 49 + (avg / 50);
    }
    if ((++iteration & 15) == 0) {
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
      if (us.count() > budget_us) break;
    }
  } while (sampled == 0 || expired * 100 / sampled > kAcceptableStalePerc);
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  m.stats.expire_cycle_cpu_us += static_cast<uint64_t>(elapsed.count());
  double current = total_sampled ? static_cast<double>(total_expired) / total_sampled : 0;
  m.stale_perc = current * 0.05 + m.stale_perc * 0.95;
  m.stats.expired_stale_perc_x100 = static_cast<uint64_t>(m.stale_perc * 10000 + 0.5);
  return total_expired;
}

size_t Keyspace::Evict(std::string_view policy, int64_t need_bytes_to_free, int samples) {
  Impl& m = *impl_;
  bool lru;
  if (policy == "allkeys-lru") {
    lru = true;
  } else if (policy == "volatile-ttl") {
    lru = false;
  } else {
    return 0;
  }
  if (samples <= 0) samples = 5;
  if (m.pool_lru != lru) {
    m.pool.clear();
    m.pool_lru = lru;
  }
  size_t evicted = 0;
  int64_t freed = 0;
  while (freed < need_bytes_to_free) {
    Impl::Pos victim;
    int vslot = 0;
    while (victim.e == nullptr) {
      if (lru ? m.total == 0 : m.vol.empty()) break;
      m.PoolPopulate(lru, samples);
      while (!m.pool.empty()) {
        std::string key = std::move(m.pool.back().key);
        m.pool.pop_back();
        Impl::Pos pos = m.LocateKey(key, &vslot);
        if (pos.e != nullptr && (lru || (Meta(pos.e) & kHasExpire))) {
          victim = pos;
          break;
        }
      }
    }
    if (victim.e == nullptr) break;
    m.CallHook(victim.e, DeleteReason::kEvicted);
    int64_t before = UsedMemory();
    m.Remove(victim, vslot, true);
    freed += before - UsedMemory();
    m.stats.evicted_keys++;
    evicted++;
  }
  return evicted;
}

const KeyspaceStats& Keyspace::stats() const { return impl_->stats; }
void Keyspace::ResetStats() {
  impl_->stats = KeyspaceStats{};
  impl_->stale_perc = 0;
}

void Keyspace::Cron() {
  Impl& m = *impl_;
  if (m.rehash_queue.empty()) return;
  // About a millisecond of rehashing per call, as Redis's incrementallyRehash; also bounded in work so a
  // test clock that does not move cannot make it spin.
  auto start = std::chrono::steady_clock::now();
  size_t work = 0;
  std::vector<int> keep;
  for (size_t i = 0; i < m.rehash_queue.size(); i++) {
    int slot = m.rehash_queue[i];
    Table* t = m.Tab(slot);
    if (t == nullptr || !t->queued) continue;
    bool budget_left = work < 100000 &&
                       std::chrono::steady_clock::now() - start < std::chrono::microseconds(1000);
    while (budget_left && t->rehashing()) {
      m.RehashStep(t, 100);
      work += 100;
      budget_left = work < 100000 && std::chrono::steady_clock::now() - start < std::chrono::microseconds(1000);
    }
    if (t->rehashing()) {
      keep.push_back(slot);
    } else {
      t->queued = false;
    }
  }
  m.rehash_queue.swap(keep);
}

}  // namespace rcs
