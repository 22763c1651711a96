// The keyspace's dict: one chained hash table per cluster slot, with incremental rehashing, a Fenwick tree
// of the per-slot key counts, random picks and SCAN steps (internal to keyspace/).
//
// Tables. One table per slot, created on the first insert and freed when it becomes empty. Growth and
// shrinking work like Redis's dict: a second bucket array is allocated and entries move a bucket at a time,
// on every operation on that slot and from RehashCron(), so no operation pays for a whole table. The table
// grows when it holds kMaxLoad times as many keys as buckets (to the next power of two, doubling) and
// shrinks when less than 10% full. SCAN uses Redis's reverse-binary cursor per table (which keeps its
// guarantee across resizes); the keyspace puts the slot in the low kSlotBits bits of its cursor.
//
// Random keys (RANDOMKEY, allkeys-lru sampling) pick a slot weighted by its key count through a Fenwick tree
// over the 16384 slot counts, then a random bucket and chain position in that table.
//
// The dict links and unlinks records (entry_record.h) and hashes their keys; it never allocates or frees a
// record, which is the keyspace's job.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/crc16.h"
#include "base/hash.h"
#include "keyspace/entry_record.h"

namespace rcs::keyspace_internal {

inline constexpr uint8_t kInitialBits = 2;  // 4 buckets, as Redis's DICT_HT_INITIAL_SIZE
inline constexpr int kSlotBits = 14;
// Chains average between 1 and 2 entries: a table doubles when it holds twice as many keys as buckets.
// With 16-bit tags in the links, a longer chain costs pointer hops but no key comparisons, and the bucket
// arrays cost 4-8 bytes per key instead of 8-16.
inline constexpr uint64_t kMaxLoad = 2;

// 32 bytes, held inline in one array of 16384 (512 KiB): a lookup goes slot -> bucket -> entry with no
// pointer hop to a separately allocated table header. A slot without keys has b[0] == nullptr.
struct Table {
  Link* b[2] = {nullptr, nullptr};
  uint32_t used[2] = {0, 0};
  int32_t rehash_idx = -1;  // next bucket of b[0] to move; -1 when not rehashing
  uint8_t bits[2] = {0, 0};
  bool queued = false;  // in the RehashCron queue
  size_t size(int i) const { return b[i] ? size_t{1} << bits[i] : 0; }
  size_t mask(int i) const { return (size_t{1} << bits[i]) - 1; }
  bool rehashing() const { return rehash_idx >= 0; }
  uint64_t count() const { return uint64_t{used[0]} + used[1]; }
};
static_assert(sizeof(Table) == 32);

inline uint64_t Rev64(uint64_t v) {
  v = __builtin_bswap64(v);
  v = ((v >> 4) & 0x0f0f0f0f0f0f0f0full) | ((v & 0x0f0f0f0f0f0f0f0full) << 4);
  v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
  v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
  return v;
}

class SlotDict {
 public:
  // Where a key is: the link that points at it (a bucket slot or the previous entry's next field).
  struct Pos {
    Table* t = nullptr;
    int ti = 0;
    Link* link = nullptr;
    Entry* e = nullptr;
  };

  explicit SlotDict(uint64_t seed);
  // Frees the bucket arrays; the owner frees the records first (Clear).
  ~SlotDict();
  SlotDict(const SlotDict&) = delete;
  SlotDict& operator=(const SlotDict&) = delete;

  uint64_t Hash(std::string_view key) const { return KeyedHash(key, seed_); }
  uint64_t total() const { return total_; }
  size_t CountInSlot(int slot) const { return tables_[slot].count(); }

  // The slot's table, nullptr when the slot has no keys.
  Table* Tab(int slot) const {
    Table* t = &tables_[slot];
    return t->b[0] != nullptr ? t : nullptr;
  }
  // Tab(slot), after moving one bucket if the table is rehashing (every operation on a slot helps).
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
  Pos LocateKey(std::string_view key, int* slot_out) const {
    int slot = KeyHashSlot(key);
    *slot_out = slot;
    return Locate(Tab(slot), Hash(key), key);
  }
  // Prefetches, one dependent step each (Keyspace::BulkAdd): the slot's table header and its Fenwick leaf,
  // the key's bucket (the table header must be in the cache by then), the first record of its chain.
  // (An asm statement: GCC 12 dropped __builtin_prefetch of an address loaded from memory here.)
  static void Prefetch(const void* p) {
#if defined(__x86_64__)
    asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
    __builtin_prefetch(p);
#endif
  }
  void PrefetchTable(int slot) const {
    Prefetch(&tables_[slot]);
    Prefetch(&fenwick_[slot + 1]);
  }
  void PrefetchBucket(int slot, uint64_t h) const {
    const Table& t = tables_[slot];
    if (t.b[0] != nullptr) Prefetch(&t.b[0][h & t.mask(0)]);
    if (t.b[1] != nullptr) Prefetch(&t.b[1][h & t.mask(1)]);
  }
  void PrefetchChain(int slot, uint64_t h) const {
    const Table& t = tables_[slot];
    if (t.b[0] == nullptr) return;
    Link l = t.b[0][h & t.mask(0)];
    if (l != 0) Prefetch(LinkEntry(l));
  }
  // Links a record whose key (hash h) is known to be absent.
  void Insert(int slot, uint64_t h, Entry* e) {
    Table* t = &tables_[slot];
    if (t->b[0] == nullptr) {
      t->b[0] = NewBuckets(initial_bits_);
      t->bits[0] = initial_bits_;
    } else if (!t->rehashing() && t->used[0] >= kMaxLoad * t->size(0)) {
      StartResize(t, slot, t->size(0) * 2);
    }
    int i = t->rehashing() ? 1 : 0;
    Link* b = &t->b[i][h & t->mask(i)];
    *NextOf(e) = *b;
    *b = MakeLink(e, h);
    t->used[i]++;
    total_++;
    FenAdd(slot, 1);
  }
  // Unlinks the record at pos (the record itself stays); frees the table when it becomes empty, or starts
  // shrinking it when it is less than 10% full.
  void Unlink(const Pos& pos, int slot) {
    Table* t = pos.t;
    *pos.link = *NextOf(pos.e);
    t->used[pos.ti]--;
    total_--;
    FenAdd(slot, -1);
    if (t->count() == 0) {
      FreeTable(slot);
    } else if (!t->rehashing() && t->bits[0] > kInitialBits && uint64_t{t->used[0]} * 10 < t->size(0)) {
      StartResize(t, slot, t->used[0]);
    }
  }

  // f(entry) for every record of the table; f may free the record (its link is read first). f returns
  // false to stop early.
  template <typename F>
  void ForEachInTable(Table* t, F&& f) const {
    for (int i = 0; i < 2; i++) {
      if (t->b[i] == nullptr) continue;
      size_t size = t->size(i);
      for (size_t j = 0; j < size; j++) {
        for (Link l = t->b[i][j]; l;) {
          Entry* e = LinkEntry(l);
          l = *NextOf(e);
          if (!f(e)) return;
        }
      }
    }
  }
  // Empties a slot: free_record(entry) for each of its records, then frees the table. Returns the count.
  template <typename F>
  uint64_t ClearSlot(int slot, F&& free_record) {
    uint64_t n = 0;
    ForEachInTable(&tables_[slot], [&](Entry* e) {
      free_record(e);
      n++;
      return true;
    });
    total_ -= n;
    FenAdd(slot, -static_cast<int32_t>(n));
    FreeTable(slot);
    return n;
  }
  // ClearSlot for every slot, and forgets pending rehashes.
  template <typename F>
  void Clear(F&& free_record) {
    for (int s = 0; s < kClusterSlots; s++) {
      if (Tab(s) != nullptr) ClearSlot(s, free_record);
    }
    std::vector<int>().swap(rehash_queue_);
  }

  // A uniformly chosen record (slot weighted by key count, then a random bucket and chain position);
  // next_random() returns uniform 64-bit numbers (ThreadRandom). total() must be > 0.
  template <typename R>
  Entry* RandomEntry(R&& next_random) const {
    int slot = FenFind(next_random() % total_);
    const Table* t = &tables_[slot];
    Link l = 0;
    if (t->rehashing()) {
      size_t s0 = t->size(0), s1 = t->size(1);
      size_t span = s0 + s1 - static_cast<size_t>(t->rehash_idx);
      do {
        size_t idx = static_cast<size_t>(t->rehash_idx) + next_random() % span;
        l = idx >= s0 ? t->b[1][idx - s0] : t->b[0][idx];
      } while (l == 0);
    } else {
      size_t mask = t->mask(0);
      do {
        l = t->b[0][next_random() & mask];
      } while (l == 0);
    }
    size_t len = 0;
    for (Link x = l; x; x = *NextOf(LinkEntry(x))) len++;
    size_t k = next_random() % len;
    while (k--) l = *NextOf(LinkEntry(l));
    return LinkEntry(l);
  }

  // One reverse-binary cursor step of a table (Redis's dictScan): emit(entry) for the buckets under
  // cursor v. Returns the next cursor (0 = the table is done).
  template <typename F>
  uint64_t ScanStep(Table* t, uint64_t v, F&& emit) const {
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

  // `keys` keys are about to be inserted (the RESIZEDB hint of an RDB file being loaded): tables created
  // from now on start with their share of them (as many buckets as a table that grew to that share would
  // have), so they do not grow and rehash while the keys arrive, in whatever slot order. 0 ends the hint.
  void SetSizeHint(uint64_t keys) {
    // A quarter more than the average share: the key counts of the slots spread around it (a slot of a
    // million keys in 16384 slots holds 61 +- 8), and a table that outgrows its size rehashes while loading.
    uint64_t want = keys / 4 * 5 / kClusterSlots / kMaxLoad;
    uint8_t bits = kInitialBits;
    while (bits < 24 && (uint64_t{1} << bits) < want) ++bits;
    initial_bits_ = bits;
  }

  // About a millisecond of rehashing of the queued tables (as Redis's incrementallyRehash), also bounded
  // in work so that a test clock that does not move cannot make it spin.
  void RehashCron();

 private:
  static Link* NewBuckets(uint8_t bits);
  void FenAdd(int slot, int32_t d) {
    for (int i = slot + 1; i <= kClusterSlots; i += i & -i) fenwick_[i] += d;
  }
  // The slot holding the r-th key (0-based) in slot order.
  int FenFind(uint64_t r) const;
  void StartResize(Table* t, int slot, uint64_t target);
  // Moves up to n non-empty buckets from b[0] to b[1] (visiting at most 10*n empty ones).
  void RehashStep(Table* t, size_t n);
  void FreeTable(int slot);

  uint64_t seed_;
  Table* tables_;     // kClusterSlots of them
  uint32_t* fenwick_;  // 1-based Fenwick tree of per-slot key counts
  uint64_t total_ = 0;
  uint8_t initial_bits_ = kInitialBits;  // of a new table (SetSizeHint)
  std::vector<int> rehash_queue_;
};

}  // namespace rcs::keyspace_internal
