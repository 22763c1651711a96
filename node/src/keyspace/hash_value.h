// The hash value. Its building blocks, shared with the set value (set_value.h), have their own headers:
// CompactString (compact_string.h), DenseTable (dense_table.h); random picks use ThreadRandom (base/random.h).
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

#include "base/status.h"
#include "keyspace/compact_string.h"
#include "keyspace/dense_table.h"
#include "keyspace/object.h"

namespace rcs {

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
  // Room for `fields` pairs about to be set (a decoder that knows the count): a count over the listpack
  // limit makes an empty hash a table at once, sized for them; a listpack gets `listpack_bytes` of room.
  void Reserve(size_t fields, size_t listpack_bytes, const Limits& limits) {
    if (!table_ && lp_count_ == 0 && static_cast<int64_t>(fields) > limits.max_listpack_entries) ConvertToTable();
    if (table_) {
      table_->Reserve(fields);
    } else {
      lp_.reserve(listpack_bytes);
    }
  }
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
    return table_->Scan(cursor, count, [&](const Node& n) { f(n.field.view(), n.value.view()); });
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
