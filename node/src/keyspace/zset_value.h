// The sorted set value (ZADD and friends).
//
// Two encodings, named as Redis 7.0 names them for OBJECT ENCODING:
// - "listpack": while the set has at most zset-max-listpack-entries members and no member is longer than
//   zset-max-listpack-value bytes. Members live back to back in one byte buffer; a vector of 16-byte index
//   records (score, offset, length) is kept sorted by (score, member). Every operation is a scan or a binary
//   search over at most a few hundred records: compact and cache friendly.
// - "skiplist": a skiplist with spans (rank of any node in O(log n)) plus an intrusive chained hash table
//   (member -> node, O(1) score lookup). Each node is one allocation: header, levels, member bytes. A set
//   never converts back to listpack (as in Redis, except for freshly built results such as ZUNIONSTORE's,
//   which are created in whichever encoding fits).
//
// Order: by score, then by member bytes (unsigned memcmp, shorter first on a common prefix), as Redis.
//
// DUMP body (written by Serialize, read by ZSetValue::Deserialize; primitives from keyspace/serialize.h):
//   varint encoding (0 = listpack, 1 = skiplist)   the encoding the source used; kept on RESTORE
//   varint count
//   count x { bytes member, double score }         strictly ascending by (score, member), no NaN
// A body that is truncated, has trailing bytes, NaN scores, or is not strictly ascending is rejected.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "keyspace/object.h"

namespace rcs {

struct ZSetLimits {
  size_t max_listpack_entries = 128;
  size_t max_listpack_value = 64;
};

class ZSetValue final : public Object {
 public:
  static constexpr int kMaxLevel = 32;

  struct Node {
    struct Level {
      Node* forward;
      size_t span;  // number of level-0 steps this link jumps
    };
    double score;
    Node* backward;
    Node* hnext;  // hash chain
    uint32_t len;
    uint8_t height;
    Level* levels() { return reinterpret_cast<Level*>(this + 1); }
    const Level* levels() const { return reinterpret_cast<const Level*>(this + 1); }
    Level& lv(int i) { return levels()[i]; }
    const Level& lv(int i) const { return levels()[i]; }
    const char* data() const { return reinterpret_cast<const char*>(levels() + height); }
    char* data() { return reinterpret_cast<char*>(levels() + height); }
    std::string_view member() const { return std::string_view(data(), len); }
  };

  ZSetValue();  // empty, listpack
  ~ZSetValue() override;
  ZSetValue(const ZSetValue&) = delete;
  ZSetValue& operator=(const ZSetValue&) = delete;

  // An empty set in the encoding a result of `size_hint` members, the longest `max_member_len` bytes,
  // would have under `limits`.
  static std::unique_ptr<ZSetValue> Create(size_t size_hint, size_t max_member_len, const ZSetLimits& limits);

  // Object
  ObjType type() const override { return ObjType::kZSet; }
  const char* encoding() const override { return skiplist_ ? "skiplist" : "listpack"; }
  size_t size() const override { return skiplist_ ? length_ : lp_.size(); }
  size_t MemoryUsage() const override;
  void Serialize(std::string* out) const override;
  void EmitRebuildCommands(std::string_view key, const CommandSink& sink) const override;
  std::unique_ptr<Object> Clone() const override;
  // Decodes a body written by Serialize (the format above).
  static StatusOr<std::unique_ptr<Object>> Deserialize(std::string_view body);

  bool is_skiplist() const { return skiplist_; }
  void ConvertToSkiplist();

  // Score of `member`; false when absent.
  bool GetScore(std::string_view member, double* score) const;
  // Inserts `member` (or updates its score). Returns true when the member was added. Converts to skiplist
  // when the new content no longer fits the listpack limits.
  bool Set(std::string_view member, double score, const ZSetLimits& limits);
  // Set for a member the caller just looked up and knows is absent (saves the second lookup).
  void InsertNew(std::string_view member, double score, const ZSetLimits& limits);
  // Appends a member known to be absent and greater than every member present (building from sorted
  // data). Does not convert: the caller chose the encoding with Create.
  void AppendSorted(std::string_view member, double score);
  bool Remove(std::string_view member);
  // 0-based rank in ascending order, -1 when absent.
  int64_t Rank(std::string_view member) const;

  // The number of leading elements (ascending order) for which pred(score, member) holds; pred must be
  // true for a prefix of the order and false after it.
  template <typename Pred>
  size_t CountWhile(Pred pred) const;

  // Calls fn(member, score) for `count` elements starting at rank `start` (0-based, ascending ranks), going
  // up, or going down (ranks start, start-1, ...) when reverse. The ranks must exist. fn must not modify.
  template <typename Fn>
  void ForRange(size_t start, size_t count, bool reverse, Fn&& fn) const;
  template <typename Fn>
  void ForEach(Fn&& fn) const { if (size()) ForRange(0, size(), false, fn); }
  // Skips the leading elements for which skip(score, member) holds (a prefix of the order, as for
  // CountWhile), then calls fn(member, score) on the following ones in ascending order until fn returns
  // false: one search, then a walk (GEOSEARCH's score ranges).
  template <typename Skip, typename Fn>
  void ScanFrom(Skip skip, Fn&& fn) const;

  // The element at `rank` (0-based ascending).
  void At(size_t rank, std::string_view* member, double* score) const;

  // Deletes ranks [start, start + count); returns the number deleted.
  size_t DeleteRange(size_t start, size_t count);

  // ZSCAN: Redis's guarantee (every member present during the whole scan is returned at least once). A
  // listpack returns everything at once with cursor 0.
  uint64_t Scan(uint64_t cursor, size_t count,
                const std::function<void(std::string_view member, double score)>& fn) const;

 private:
  struct LpItem {
    double score;
    uint32_t off;
    uint32_t len;
  };
  std::string_view LpMember(const LpItem& it) const { return std::string_view(lp_bytes_.data() + it.off, it.len); }
  size_t LpFind(std::string_view member) const;  // index or npos
  size_t LpLowerBound(double score, std::string_view member) const;
  void LpInsertAt(size_t idx, std::string_view member, double score);
  void LpEraseAt(size_t idx);
  void LpCompact();

  static Node* NewNode(int height, double score, std::string_view member);
  static void FreeNode(Node* n);
  static int RandomHeight();
  void SlInit();
  void SlInsert(Node* x);
  void SlFindUpdate(double score, std::string_view member, Node** update) const;
  void SlUnlink(Node* x, Node** update);
  Node* SlAtRank(size_t rank) const;  // 0-based
  void SlUpdateScore(Node* x, double score);
  void SlFreeAll();

  Node* HFind(std::string_view member) const;
  void HInsert(Node* x);
  void HErase(Node* x);
  void HResize(size_t nbuckets);
  size_t HBucket(std::string_view member) const;

  bool skiplist_ = false;
  // listpack
  std::vector<LpItem> lp_;
  std::string lp_bytes_;
  size_t lp_garbage_ = 0;
  // skiplist
  Node* header_ = nullptr;
  Node* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;
  size_t node_bytes_ = 0;
  std::vector<Node*> buckets_;
};

// ---- templates ----

template <typename Pred>
size_t ZSetValue::CountWhile(Pred pred) const {
  if (!skiplist_) {
    size_t lo = 0, hi = lp_.size();
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (pred(lp_[mid].score, LpMember(lp_[mid]))) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  size_t rank = 0;
  const Node* p = header_;
  for (int i = level_ - 1; i >= 0; i--) {
    while (p->lv(i).forward && pred(p->lv(i).forward->score, p->lv(i).forward->member())) {
      rank += p->lv(i).span;
      p = p->lv(i).forward;
    }
  }
  return rank;
}

template <typename Skip, typename Fn>
void ZSetValue::ScanFrom(Skip skip, Fn&& fn) const {
  if (!skiplist_) {
    for (size_t i = CountWhile(skip); i < lp_.size(); i++) {
      if (!fn(LpMember(lp_[i]), lp_[i].score)) return;
    }
    return;
  }
  const Node* p = header_;
  for (int i = level_ - 1; i >= 0; i--) {
    while (p->lv(i).forward && skip(p->lv(i).forward->score, p->lv(i).forward->member())) p = p->lv(i).forward;
  }
  for (const Node* n = p->lv(0).forward; n; n = n->lv(0).forward) {
    if (!fn(n->member(), n->score)) return;
  }
}

template <typename Fn>
void ZSetValue::ForRange(size_t start, size_t count, bool reverse, Fn&& fn) const {
  if (count == 0) return;
  if (!skiplist_) {
    if (reverse) {
      for (size_t i = 0; i < count; i++) fn(LpMember(lp_[start - i]), lp_[start - i].score);
    } else {
      for (size_t i = 0; i < count; i++) fn(LpMember(lp_[start + i]), lp_[start + i].score);
    }
    return;
  }
  const Node* n = SlAtRank(start);
  for (size_t i = 0; i < count && n; i++) {
    fn(n->member(), n->score);
    n = reverse ? n->backward : n->lv(0).forward;
  }
}

}  // namespace rcs
