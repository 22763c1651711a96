// The hash value, and the building blocks it shares with the set value (set_value.h): a 16-byte compact
// string, a dense hash table with O(1) fair random picks and Redis-compatible SCAN cursors, and a random
// generator.
//
// HashValue has two layouts, as Redis 7.0's encodings (OBJECT ENCODING answers the same name):
// - "listpack": one byte buffer of [varint flen][field][varint vlen][value] pairs in insertion order, and a
//   count. Lookups scan it linearly; it is used while the hash has at most hash-max-listpack-entries
//   fields and every field and value is at most hash-max-listpack-value bytes (Redis's defaults 128/64,
//   so a scan touches at most a few KiB). This is the memory-lean form most hashes live in, and the order
//   of HGETALL/HKEYS matches Redis's listpack order.
// - "hashtable": a DenseTable of 40-byte nodes (field, value, chain link, hash). Once converted a hash
//   never goes back, as in Redis.
//
// DenseTable: the nodes live in one dense vector; buckets are a power-of-two array of uint32 node
// indices with the chains linked through the nodes. Deleting moves the last node into the hole (O(1)
// after the chain walks), so the nodes stay dense and a uniformly random element is one random index:
// SPOP/SRANDMEMBER/HRANDFIELD are exactly fair and O(1) per element (Redis samples buckets instead).
// SCAN walks buckets with Redis's reverse-binary cursor, so every element present for a whole scan is
// returned at least once even when the table grows or shrinks between calls. Resizing relinks the uint32
// chains from the stored hashes (no string is rehashed or moved), which keeps the one-step resize cheap;
// it is not incremental, so a table of millions of elements pauses for a few milliseconds when it
// doubles.
//
// Hashing is base/hash.h's keyed hash with a seed chosen at process start (HashBytes), so that clients
// cannot precompute colliding fields.
//
// DUMP body format of a hash (version 1, primitives from keyspace/serialize.h):
//   varint encoding (0 = listpack, 1 = hashtable; the decoder keeps it), varint count (>= 1),
//   then count pairs, each PutBytes(field) PutBytes(value), in iteration order. Fields are unique.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/hash.h"
#include "base/status.h"
#include "keyspace/object.h"

namespace rcs {

// A byte string in 16 bytes: up to 15 bytes inline, longer ones on the heap (counted allocations).
// Movable (a move is a 16-byte copy), not copyable.
class CompactString {
 public:
  static constexpr size_t kInline = 15;
  CompactString() { SetEmpty(); }
  explicit CompactString(std::string_view s) {
    SetEmpty();
    Assign(s);
  }
  ~CompactString() { Release(); }
  CompactString(CompactString&& o) noexcept {
    memcpy(b_, o.b_, sizeof(b_));
    o.SetEmpty();
  }
  CompactString& operator=(CompactString&& o) noexcept {
    if (this != &o) {
      Release();
      memcpy(b_, o.b_, sizeof(b_));
      o.SetEmpty();
    }
    return *this;
  }
  CompactString(const CompactString&) = delete;
  CompactString& operator=(const CompactString&) = delete;

  std::string_view view() const {
    if (!is_heap()) return std::string_view(reinterpret_cast<const char*>(b_), b_[15]);
    const char* p;
    memcpy(&p, b_, sizeof(p));
    return std::string_view(p, heap_len());
  }
  size_t size() const { return is_heap() ? heap_len() : b_[15]; }
  void Assign(std::string_view s);
  // Heap bytes owned (0 when inline).
  size_t HeapBytes() const;

 private:
  bool is_heap() const { return b_[15] == 0xff; }
  size_t heap_len() const {
    uint64_t l = 0;
    memcpy(&l, b_ + 8, 7);
    return static_cast<size_t>(l);
  }
  void SetEmpty() {
    memset(b_, 0, sizeof(b_));
  }
  void Release();
  alignas(8) unsigned char b_[16];
};
static_assert(sizeof(CompactString) == 16);

// Small fast generator (splitmix64) for random member selection; seeded from std::random_device.
class FastRandom {
 public:
  FastRandom();
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), n > 0.
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  static FastRandom& Instance();

 private:
  uint64_t state_;
};

// k distinct indices in [0, n), uniformly chosen, k <= n, in random order.
void PickDistinctIndices(size_t n, size_t k, FastRandom& rng, std::vector<uint32_t>* out);

// Node requirements: `std::string_view key() const`, `uint32_t next`, `uint32_t hash`, movable.
template <class Node>
class DenseTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  size_t size() const { return nodes_.size(); }
  Node& at(size_t i) { return nodes_[i]; }
  const Node& at(size_t i) const { return nodes_[i]; }
  const std::vector<Node>& nodes() const { return nodes_; }

  uint32_t Find(std::string_view key, uint32_t h) const {
    if (buckets_.empty()) return kNone;
    for (uint32_t i = buckets_[h & (buckets_.size() - 1)]; i != kNone; i = nodes_[i].next) {
      const Node& n = nodes_[i];
      if (n.hash == h && n.key() == key) return i;
    }
    return kNone;
  }
  uint32_t Find(std::string_view key) const { return Find(key, static_cast<uint32_t>(HashBytes(key))); }

  // Adds a node whose key is known to be absent; node.hash must be set. Returns its index.
  uint32_t Append(Node&& node) {
    if (nodes_.size() + 1 > buckets_.size()) Rehash(buckets_.empty() ? 4 : buckets_.size() * 2);
    // Grow by 1.5x rather than the vector's 2x: less slack per element, at the cost of a few more moves.
    if (nodes_.size() == nodes_.capacity()) nodes_.reserve(nodes_.capacity() + nodes_.capacity() / 2 + 4);
    uint32_t idx = static_cast<uint32_t>(nodes_.size());
    uint32_t b = node.hash & (buckets_.size() - 1);
    node.next = buckets_[b];
    nodes_.push_back(std::move(node));
    buckets_[b] = idx;
    return idx;
  }

  void Reserve(size_t n) {
    nodes_.reserve(n);
    size_t want = 4;
    while (want < n) want *= 2;
    if (want > buckets_.size()) Rehash(want);
  }

  // Removes node idx; the last node moves into its place.
  void EraseAt(uint32_t idx) {
    Unlink(idx);
    uint32_t last = static_cast<uint32_t>(nodes_.size() - 1);
    if (idx != last) {
      // Repoint whatever referenced `last` to idx, then move it.
      uint32_t* link = &buckets_[nodes_[last].hash & (buckets_.size() - 1)];
      while (*link != last) link = &nodes_[*link].next;
      *link = idx;
      nodes_[idx] = std::move(nodes_[last]);
    }
    nodes_.pop_back();
    size_t n = nodes_.size();
    if (buckets_.size() > 4 && n * 10 < buckets_.size()) {
      size_t want = 4;
      while (want < n) want *= 2;
      Rehash(want);
    }
    if (nodes_.capacity() > 64 && nodes_.capacity() > 4 * n) nodes_.shrink_to_fit();
  }

  // Visits the nodes of the bucket the cursor names and returns the next cursor (0 = done), with
  // Redis's reverse-binary increment so that resizes between calls never skip an element.
  template <class F>
  uint64_t ScanStep(uint64_t cursor, F&& f) const {
    if (buckets_.empty()) return 0;
    uint64_t mask = buckets_.size() - 1;
    for (uint32_t i = buckets_[cursor & mask]; i != kNone; i = nodes_[i].next) f(nodes_[i]);
    cursor |= ~mask;
    cursor = Rev(cursor);
    cursor++;
    return Rev(cursor);
  }

  size_t TableBytes() const { return nodes_.capacity() * sizeof(Node) + buckets_.capacity() * sizeof(uint32_t); }

 private:
  static uint64_t Rev(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((v & 0x0f0f0f0f0f0f0f0fULL) << 4);
    return __builtin_bswap64(v);
  }
  void Unlink(uint32_t idx) {
    uint32_t* link = &buckets_[nodes_[idx].hash & (buckets_.size() - 1)];
    while (*link != idx) link = &nodes_[*link].next;
    *link = nodes_[idx].next;
  }
  void Rehash(size_t nbuckets) {
    std::vector<uint32_t> nb(nbuckets, kNone);
    uint32_t mask = static_cast<uint32_t>(nbuckets - 1);
    for (uint32_t i = 0; i < nodes_.size(); i++) {
      uint32_t b = nodes_[i].hash & mask;
      nodes_[i].next = nb[b];
      nb[b] = i;
    }
    buckets_.swap(nb);
  }

  std::vector<Node> nodes_;
  std::vector<uint32_t> buckets_;  // empty, or a power of two >= 4
};

class HashValue final : public Object {
 public:
  // Redis's hash-max-listpack-entries / hash-max-listpack-value.
  struct Limits {
    int64_t max_listpack_entries = 128;
    int64_t max_listpack_value = 64;
  };
  struct Node {
    CompactString field;
    CompactString value;
    uint32_t next = 0;
    uint32_t hash = 0;
    std::string_view key() const { return field.view(); }
  };
  using Table = DenseTable<Node>;

  HashValue() = default;
  ~HashValue() override = default;
  HashValue(const HashValue&) = delete;
  HashValue& operator=(const HashValue&) = delete;

  // Object
  ObjType type() const override { return ObjType::kHash; }
  const char* encoding() const override { return table_ ? "hashtable" : "listpack"; }
  size_t size() const override { return table_ ? table_->size() : lp_count_; }
  size_t MemoryUsage() const override;
  void Serialize(std::string* out) const override;
  // HSET key f1 v1 ... with at most 64 pairs per command.
  void EmitRebuildCommands(std::string_view key, const CommandSink& sink) const override;
  std::unique_ptr<Object> Clone() const override;
  static StatusOr<std::unique_ptr<Object>> Deserialize(std::string_view body);

  bool is_listpack() const { return table_ == nullptr; }
  bool Get(std::string_view field, std::string_view* value) const;
  bool Contains(std::string_view field) const {
    std::string_view v;
    return Get(field, &v);
  }
  // Sets field to value; true when the field is new. Converts to a hashtable when the limits say so.
  bool Set(std::string_view field, std::string_view value, const Limits& limits);
  // Adds a field known to be absent (decoders, copies): no lookup.
  void AppendNew(std::string_view field, std::string_view value, const Limits& limits);
  bool Delete(std::string_view field);
  void ConvertToTable();

  // f(field, value) for every pair, in storage order. The hash must not change during the walk.
  template <class F>
  void ForEach(F&& f) const {
    if (table_) {
      for (const Node& n : table_->nodes()) f(n.field.view(), n.value.view());
      return;
    }
    const char* p = lp_.data();
    for (uint32_t i = 0; i < lp_count_; i++) {
      std::string_view fl = ReadLp(&p);
      std::string_view vl = ReadLp(&p);
      f(fl, vl);
    }
  }
  // Pair number i (0 <= i < size()) in storage order: O(1) for a hashtable, O(i) for a listpack.
  std::pair<std::string_view, std::string_view> At(size_t i) const;
  // Every pair as views (valid until the hash changes), positions as At's.
  void Collect(std::vector<std::pair<std::string_view, std::string_view>>* out) const;
  // HSCAN step: f(field, value) for the elements under the cursor; returns the next cursor. A listpack
  // returns everything at once with cursor 0 (as Redis).
  template <class F>
  uint64_t Scan(uint64_t cursor, size_t count, F&& f) const {
    if (!table_) {
      ForEach(f);
      return 0;
    }
    size_t max_iter = count * 10, visited = 0;
    do {
      cursor = table_->ScanStep(cursor, [&](const Node& n) {
        f(n.field.view(), n.value.view());
        visited++;
      });
    } while (cursor != 0 && max_iter-- && visited < count);
    return cursor;
  }

 private:
  static std::string_view ReadLp(const char** p) {
    const unsigned char* q = reinterpret_cast<const unsigned char*>(*p);
    uint64_t len = 0;
    int shift = 0;
    while (*q & 0x80) {
      len |= static_cast<uint64_t>(*q & 0x7f) << shift;
      shift += 7;
      q++;
    }
    len |= static_cast<uint64_t>(*q) << shift;
    q++;
    std::string_view s(reinterpret_cast<const char*>(q), len);
    *p = reinterpret_cast<const char*>(q + len);
    return s;
  }
  // Offset of the listpack entry (its field) for `field`, or npos.
  size_t LpFind(std::string_view field, size_t* value_off, std::string_view* value) const;
  void LpAppend(std::string_view field, std::string_view value);

  std::string lp_;          // listpack bytes (empty when table_ is set)
  uint32_t lp_count_ = 0;   // pairs in lp_
  std::unique_ptr<Table> table_;
};

}  // namespace rcs
