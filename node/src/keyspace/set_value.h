// The set value. Two layouts, as Redis 7.0's encodings (OBJECT ENCODING answers the same name):
// - "intset": a sorted array of integers stored 2, 4 or 8 bytes wide (the narrowest that holds every
//   member; widened when a larger member arrives), used while every member is an integer in Redis's strict
//   decimal form (string2ll: no '+', no leading zeros, no "-0") and there are at most
//   set-max-intset-entries members (capped at 2^30 as Redis). Membership is a binary search.
// - "hashtable": a DenseTable (dense_table.h) of 24-byte nodes (member as a CompactString, chain link,
//   hash), with exactly fair O(1) random picks and Redis-compatible SCAN cursors.
// A set converts to a hashtable when a non-integer member is added or the intset grows past the limit,
// and never converts back (as Redis).
//
// DUMP body format of a set (version 1, primitives from keyspace/serialize.h):
//   varint encoding (0 = intset, 1 = hashtable; the decoder keeps it), varint count (>= 1),
//   then count members, each PutBytes(member) (intset members as their decimal text, ascending).
//   Members are unique; intset members must be integers.
#pragma once
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "keyspace/compact_string.h"
#include "keyspace/dense_table.h"
#include "keyspace/object.h"

namespace rcs {

class SetValue final : public Object {
 public:
  struct Node {
    CompactString member;
    uint32_t next = 0;
    uint32_t hash = 0;
    std::string_view key() const { return member.view(); }
  };
  using Table = DenseTable<Node>;
  // Room for any int64 in decimal.
  static constexpr size_t kIntBufSize = 24;

  SetValue() = default;
  ~SetValue() override = default;
  SetValue(const SetValue&) = delete;
  SetValue& operator=(const SetValue&) = delete;

  // Object
  ObjType type() const override { return ObjType::kSet; }
  const char* encoding() const override { return table_ ? "hashtable" : "intset"; }
  size_t size() const override { return table_ ? table_->size() : is_.size() / width_; }
  size_t MemoryUsage() const override;
  void Serialize(std::string* out) const override;
  // SADD key m1 ... with at most 64 members per command.
  void EmitRebuildCommands(std::string_view key, const CommandSink& sink) const override;
  std::unique_ptr<Object> Clone() const override;
  static StatusOr<std::unique_ptr<Object>> Deserialize(std::string_view body);

  bool is_intset() const { return table_ == nullptr; }
  int intset_width() const { return width_; }  // bytes per intset member: 2, 4 or 8 (never shrinks, as Redis)
  // True when added. max_intset_entries is set-max-intset-entries.
  bool Add(std::string_view member, int64_t max_intset_entries);
  bool AddInt(int64_t v, int64_t max_intset_entries);
  // Room for `members` members about to be added (a decoder that knows the count): more than
  // max_intset_entries makes an empty set a table at once (Add would convert it on the way), sized for them.
  void Reserve(size_t members, int64_t max_intset_entries) {
    if (!table_ && size() == 0 && static_cast<int64_t>(members) > max_intset_entries) ConvertToTable();
    if (table_) table_->Reserve(members);
  }
  bool Remove(std::string_view member);
  bool Contains(std::string_view member) const;
  bool ContainsInt(int64_t v) const;
  void ConvertToTable();

  // f(member) for every member (intset: ascending). The view is valid during the call only. The set must
  // not change during the walk.
  template <class F>
  void ForEach(F&& f) const {
    if (table_) {
      for (const Node& n : table_->nodes()) f(n.member.view());
      return;
    }
    char buf[kIntBufSize];
    size_t n = size();
    for (size_t i = 0; i < n; i++) f(FormatInt(IntAt(i), buf));
  }
  // Member number i (0 <= i < size()), O(1); an intset member is formatted into buf.
  std::string_view At(size_t i, char* buf) const {
    if (table_) return table_->at(i).member.view();
    return FormatInt(IntAt(i), buf);
  }
  // SSCAN step: f(member) for the members under the cursor; returns the next cursor. An intset returns
  // everything at once with cursor 0 (as Redis).
  template <class F>
  uint64_t Scan(uint64_t cursor, size_t count, F&& f) const {
    if (!table_) {
      ForEach(f);
      return 0;
    }
    return table_->Scan(cursor, count, [&](const Node& n) { f(n.member.view()); });
  }

  int64_t IntAt(size_t i) const {
    const char* p = is_.data() + i * width_;
    if (width_ == 2) {
      int16_t v;
      memcpy(&v, p, 2);
      return v;
    }
    if (width_ == 4) {
      int32_t v;
      memcpy(&v, p, 4);
      return v;
    }
    int64_t v;
    memcpy(&v, p, 8);
    return v;
  }
  static std::string_view FormatInt(int64_t v, char* buf) {
    auto r = std::to_chars(buf, buf + kIntBufSize, v);
    return std::string_view(buf, r.ptr - buf);
  }

 private:
  // Binary search in the intset: true when found; *pos is its index or the insertion point.
  bool IntFind(int64_t v, size_t* pos) const;
  void TableAdd(std::string_view member, uint32_t h);

  std::string is_;       // intset bytes: size() integers of width_ bytes, ascending
  uint8_t width_ = 2;    // 2, 4 or 8
  std::unique_ptr<Table> table_;
};

}  // namespace rcs
