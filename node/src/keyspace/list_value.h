// The list value: a sequence of byte strings, compact and O(1) at both ends.
//
// Layout (a "quicklist" in spirit; OBJECT ENCODING answers "quicklist" as Redis 7.0 does for every list):
// - The list is a ring of pointers to nodes. Each node is one heap block: a 16-byte header and a byte
//   buffer holding up to kNodeBytes of packed entries in [start, end). The free space on both sides of the
//   used range makes pushes and pops at either end of a node O(1) (a gap buffer), so LPUSH/RPUSH/LPOP/RPOP
//   never move other entries except when a node is regrown.
// - An entry is [varint len][len bytes][backlen], where backlen is the size of the first two parts written
//   as a varint read backwards from the entry's end. Walking works in both directions, 2 bytes of
//   overhead per short element (as Redis's listpack).
// - An element larger than a node gets a node of its own. Nodes never hold zero entries.
// - Locating index i walks node headers (from the nearer end), then entries within one node (from the
//   nearer end of the node): O(nodes + entries of one node), not O(bytes of the list).
//
// DUMP body format (version 1 of the list body, see keyspace/serialize.h for the primitives):
//   varint count (>= 1), then count elements, each as PutBytes (varint length + bytes), head to tail.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "keyspace/object.h"

namespace rcs {

class ListValue final : public Object {
 public:
  // Target upper bound of a node's entry bytes (Redis's list-max-listpack-size -2 is 8 KiB per node).
  static constexpr uint32_t kNodeBytes = 8192 - 16;
  struct Node;  // one block of packed entries (defined in list_value.cc)

  ListValue();
  ~ListValue() override;
  ListValue(const ListValue&) = delete;
  ListValue& operator=(const ListValue&) = delete;

  // Object
  ObjType type() const override { return ObjType::kList; }
  const char* encoding() const override { return "quicklist"; }
  size_t size() const override { return count_; }
  size_t MemoryUsage() const override;
  void Serialize(std::string* out) const override;
  void EmitRebuildCommands(std::string_view key, const CommandSink& sink) const override;
  std::unique_ptr<Object> Clone() const override;
  // Decodes a body written by Serialize (the format above).
  static StatusOr<std::unique_ptr<Object>> Deserialize(std::string_view body);

  // Both ends.
  void PushFront(std::string_view v);
  void PushBack(std::string_view v);
  // Remove the first/last element, copying it to *out when out is not null. The list must not be empty.
  void PopFront(std::string* out);
  void PopBack(std::string* out);
  // Drop n elements from the front / back (LTRIM). n <= size().
  void DropFront(size_t n);
  void DropBack(size_t n);

  // A position in the list. Valid until the list is modified (except through the calls that take one).
  class Iterator {
   public:
    bool valid() const { return node_ < list_->nnodes_; }
    std::string_view value() const;
    void Next();  // towards the tail; becomes invalid past the tail
    void Prev();  // towards the head; becomes invalid past the head

   private:
    friend class ListValue;
    Iterator(const ListValue* l, uint32_t node, uint32_t off) : list_(l), node_(node), off_(off) {}
    const ListValue* list_;
    uint32_t node_;  // node index in the ring; == nnodes_ when invalid
    uint32_t off_;   // offset of the entry's first byte in the node's buffer
  };
  // Iterator at index (0 = head); index must be < size().
  Iterator Seek(size_t index) const;
  Iterator Begin() const;  // head (invalid when empty)
  Iterator Last() const;   // tail (invalid when empty)

  // The element at index (< size()); the view is valid until the list is modified.
  std::string_view At(size_t index) const { return Seek(index).value(); }
  // Replaces the element at index (< size()).
  void Set(size_t index, std::string_view v);
  // Inserts v before (after = false) or after the element at `it`. Invalidates iterators.
  void InsertAt(const Iterator& it, bool after, std::string_view v);
  // Removes elements equal to v: count > 0 the first count from the head, count < 0 the last |count| from
  // the tail (INT64_MIN means all), 0 all of them. Returns how many were removed.
  size_t RemoveEqual(std::string_view v, int64_t count);

  // Verifies the internal invariants (tests): counts, offsets, entry framing. Returns false when broken.
  bool CheckInvariants() const;
  size_t node_count() const { return nnodes_; }

 private:
  Node* NodeAt(uint32_t i) const { return ring_[(head_ + i) & (cap_ - 1)]; }
  Node*& SlotAt(uint32_t i) { return ring_[(head_ + i) & (cap_ - 1)]; }
  void RingGrow();
  void RingInsert(uint32_t i, Node* n);  // node becomes index i
  void RingErase(uint32_t i);
  void FreeNode(uint32_t i);             // frees node i and removes it from the ring
  // Opens `gap` bytes at offset `off` of node i (which may be reallocated); returns the offset of the gap.
  uint32_t MakeRoom(uint32_t i, uint32_t off, uint32_t gap);
  // Splits node i at entry offset off: entries from off on move to a new node i+1.
  void SplitNode(uint32_t i, uint32_t off);
  void InsertIntoNode(uint32_t i, uint32_t off, std::string_view v);
  void InsertAtPos(uint32_t i, uint32_t off, std::string_view v);
  void ShrinkNode(uint32_t i);  // gives back most of the free space of a sparse node
  void MergeSmallNodes();       // joins neighbours that fit in one node together

  Node** ring_;       // points to single_ while cap_ == 1 (a list with one node allocates no ring)
  Node* single_ = nullptr;
  uint32_t cap_ = 1;  // ring capacity, a power of two
  uint32_t head_ = 0;
  uint32_t nnodes_ = 0;
  uint64_t count_ = 0;
};

}  // namespace rcs
