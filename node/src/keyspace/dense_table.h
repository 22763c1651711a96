// DenseTable: the hash table of the hash and set values' "hashtable" encoding (hash_value.h, set_value.h).
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
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "base/hash.h"

namespace rcs {

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

  // SCAN step of HSCAN/SSCAN: f(node) for the nodes under the cursor and the following buckets, until
  // about `count` nodes were visited (or 10 * count buckets); returns the next cursor (0 = done).
  template <class F>
  uint64_t Scan(uint64_t cursor, size_t count, F&& f) const {
    size_t max_iter = count * 10, visited = 0;
    do {
      cursor = ScanStep(cursor, [&](const Node& n) {
        f(n);
        visited++;
      });
    } while (cursor != 0 && max_iter-- && visited < count);
    return cursor;
  }

  // Bytes the nodes' strings hold on the heap, heap_bytes(node) each: exact for up to 64 nodes, else
  // sampled over the first 64 and extrapolated (MEMORY USAGE is an estimate in Redis too).
  template <class F>
  size_t EstimateHeapBytes(F&& heap_bytes) const {
    size_t n = nodes_.size(), sample = n < 64 ? n : 64, heap = 0;
    for (size_t i = 0; i < sample; i++) heap += heap_bytes(nodes_[i]);
    return sample > 0 ? heap * n / sample : 0;
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

}  // namespace rcs
