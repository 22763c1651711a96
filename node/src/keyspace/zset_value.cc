#include "keyspace/zset_value.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>

#include "base/strutil.h"
#include "keyspace/serialize.h"
#include "protocol/errors.h"

namespace rcs {

namespace {

// (score, member) order: score first, then member bytes as unsigned memcmp (string_view compares so).
inline bool KeyLess(double s1, std::string_view m1, double s2, std::string_view m2) {
  return s1 < s2 || (s1 == s2 && m1 < m2);
}

uint64_t g_rng_state = 0x9E3779B97F4A7C15ull;
inline uint64_t NextRandom() {
  uint64_t x = g_rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  g_rng_state = x;
  return x;
}

constexpr size_t kMinBuckets = 8;

inline uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
  v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((v & 0x0F0F0F0F0F0F0F0Full) << 4);
  return __builtin_bswap64(v);
}

}  // namespace

ZSetValue::ZSetValue() = default;

ZSetValue::~ZSetValue() {
  if (skiplist_) SlFreeAll();
}

std::unique_ptr<ZSetValue> ZSetValue::Create(size_t size_hint, size_t max_member_len, const ZSetLimits& limits) {
  auto z = std::make_unique<ZSetValue>();
  if (size_hint > limits.max_listpack_entries || max_member_len > limits.max_listpack_value ||
      limits.max_listpack_entries == 0) {
    z->ConvertToSkiplist();
  } else if (size_hint) {
    z->lp_.reserve(size_hint);
  }
  return z;
}

// ---- listpack ----

size_t ZSetValue::LpFind(std::string_view member) const {
  for (size_t i = 0; i < lp_.size(); i++) {
    const LpItem& it = lp_[i];
    if (it.len == member.size() && memcmp(lp_bytes_.data() + it.off, member.data(), it.len) == 0) return i;
  }
  return std::string_view::npos;
}

size_t ZSetValue::LpLowerBound(double score, std::string_view member) const {
  size_t lo = 0, hi = lp_.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (KeyLess(lp_[mid].score, LpMember(lp_[mid]), score, member)) lo = mid + 1; else hi = mid;
  }
  return lo;
}

void ZSetValue::LpInsertAt(size_t idx, std::string_view member, double score) {
  if (score == 0) score = 0.0;  // a listpack stores scores as text: Redis 7.0 keeps -0 as "0"
  LpItem it{score, static_cast<uint32_t>(lp_bytes_.size()), static_cast<uint32_t>(member.size())};
  lp_bytes_.append(member.data(), member.size());
  lp_.insert(lp_.begin() + idx, it);
}

void ZSetValue::LpEraseAt(size_t idx) {
  lp_garbage_ += lp_[idx].len;
  lp_.erase(lp_.begin() + idx);
  if (lp_.empty()) {
    lp_bytes_.clear();
    lp_garbage_ = 0;
  } else if (lp_garbage_ > 256 && lp_garbage_ * 2 > lp_bytes_.size()) {
    LpCompact();
  }
}

void ZSetValue::LpCompact() {
  std::string bytes;
  bytes.reserve(lp_bytes_.size() - lp_garbage_);
  for (auto& it : lp_) {
    uint32_t off = static_cast<uint32_t>(bytes.size());
    bytes.append(lp_bytes_.data() + it.off, it.len);
    it.off = off;
  }
  lp_bytes_.swap(bytes);
  lp_garbage_ = 0;
}

// ---- skiplist nodes ----

ZSetValue::Node* ZSetValue::NewNode(int height, double score, std::string_view member) {
  size_t bytes = sizeof(Node) + sizeof(Node::Level) * height + member.size();
  void* mem = ::operator new(bytes);
  Node* n = static_cast<Node*>(mem);
  n->score = score;
  n->backward = nullptr;
  n->hnext = nullptr;
  n->len = static_cast<uint32_t>(member.size());
  n->height = static_cast<uint8_t>(height);
  for (int i = 0; i < height; i++) n->lv(i) = {nullptr, 0};
  if (!member.empty()) memcpy(n->data(), member.data(), member.size());
  return n;
}

void ZSetValue::FreeNode(Node* n) { ::operator delete(static_cast<void*>(n)); }

int ZSetValue::RandomHeight() {
  // p = 1/4, as Redis: expected 1.33 levels per node.
  int h = 1;
  uint64_t r = NextRandom();
  while ((r & 3) == 0 && h < kMaxLevel) {
    h++;
    r >>= 2;
    if (r == 0) r = NextRandom();
  }
  return h;
}

void ZSetValue::SlInit() {
  header_ = NewNode(kMaxLevel, 0, {});
  tail_ = nullptr;
  length_ = 0;
  level_ = 1;
  node_bytes_ = 0;
  buckets_.assign(kMinBuckets, nullptr);
}

void ZSetValue::SlFreeAll() {
  Node* n = header_->lv(0).forward;
  while (n) {
    Node* next = n->lv(0).forward;
    FreeNode(n);
    n = next;
  }
  FreeNode(header_);
  header_ = nullptr;
}

void ZSetValue::SlFindUpdate(double score, std::string_view member, Node** update) const {
  Node* p = header_;
  for (int i = level_ - 1; i >= 0; i--) {
    while (p->lv(i).forward && KeyLess(p->lv(i).forward->score, p->lv(i).forward->member(), score, member)) {
      p = p->lv(i).forward;
    }
    update[i] = p;
  }
}

void ZSetValue::SlInsert(Node* x) {
  Node* update[kMaxLevel];
  size_t rank[kMaxLevel];
  Node* p = header_;
  std::string_view m = x->member();
  for (int i = level_ - 1; i >= 0; i--) {
    rank[i] = (i == level_ - 1) ? 0 : rank[i + 1];
    while (p->lv(i).forward && KeyLess(p->lv(i).forward->score, p->lv(i).forward->member(), x->score, m)) {
      rank[i] += p->lv(i).span;
      p = p->lv(i).forward;
    }
    update[i] = p;
  }
  int h = x->height;
  if (h > level_) {
    for (int i = level_; i < h; i++) {
      rank[i] = 0;
      update[i] = header_;
      header_->lv(i).span = length_;
    }
    level_ = h;
  }
  for (int i = 0; i < h; i++) {
    x->lv(i).forward = update[i]->lv(i).forward;
    update[i]->lv(i).forward = x;
    x->lv(i).span = update[i]->lv(i).span - (rank[0] - rank[i]);
    update[i]->lv(i).span = (rank[0] - rank[i]) + 1;
  }
  for (int i = h; i < level_; i++) update[i]->lv(i).span++;
  x->backward = (update[0] == header_) ? nullptr : update[0];
  if (x->lv(0).forward) x->lv(0).forward->backward = x; else tail_ = x;
  length_++;
}

void ZSetValue::SlUnlink(Node* x, Node** update) {
  for (int i = 0; i < level_; i++) {
    if (update[i]->lv(i).forward == x) {
      update[i]->lv(i).span += x->lv(i).span - 1;
      update[i]->lv(i).forward = x->lv(i).forward;
    } else {
      update[i]->lv(i).span -= 1;
    }
  }
  if (x->lv(0).forward) x->lv(0).forward->backward = x->backward; else tail_ = x->backward;
  while (level_ > 1 && header_->lv(level_ - 1).forward == nullptr) level_--;
  length_--;
}

ZSetValue::Node* ZSetValue::SlAtRank(size_t rank) const {
  size_t traversed = 0;
  Node* p = header_;
  for (int i = level_ - 1; i >= 0; i--) {
    while (p->lv(i).forward && traversed + p->lv(i).span <= rank + 1) {
      traversed += p->lv(i).span;
      p = p->lv(i).forward;
    }
    if (traversed == rank + 1) return p;
  }
  return nullptr;
}

void ZSetValue::SlUpdateScore(Node* x, double score) {
  std::string_view m = x->member();
  // Stays in place when the order with its neighbours does not change.
  if ((x->backward == nullptr || KeyLess(x->backward->score, x->backward->member(), score, m)) &&
      (x->lv(0).forward == nullptr || KeyLess(score, m, x->lv(0).forward->score, x->lv(0).forward->member()))) {
    x->score = score;
    return;
  }
  Node* update[kMaxLevel];
  SlFindUpdate(x->score, m, update);
  SlUnlink(x, update);
  x->score = score;
  SlInsert(x);  // reuses the node: its member bytes (hash key) stay where they are
}

// ---- hash index ----

size_t ZSetValue::HBucket(std::string_view member) const {
  return std::hash<std::string_view>{}(member) & (buckets_.size() - 1);
}

ZSetValue::Node* ZSetValue::HFind(std::string_view member) const {
  for (Node* n = buckets_[HBucket(member)]; n; n = n->hnext) {
    if (n->len == member.size() && memcmp(n->data(), member.data(), member.size()) == 0) return n;
  }
  return nullptr;
}

void ZSetValue::HInsert(Node* x) {
  // length_ already counts x.
  if (length_ > buckets_.size()) HResize(buckets_.size() * 2);
  size_t b = HBucket(x->member());
  x->hnext = buckets_[b];
  buckets_[b] = x;
}

void ZSetValue::HErase(Node* x) {
  Node** pp = &buckets_[HBucket(x->member())];
  while (*pp != x) pp = &(*pp)->hnext;
  *pp = x->hnext;
  // length_ already excludes x.
  if (buckets_.size() > 64 && length_ * 8 < buckets_.size()) {
    size_t n = kMinBuckets;
    while (n < length_) n *= 2;
    HResize(n);
  }
}

void ZSetValue::HResize(size_t nbuckets) {
  std::vector<Node*> nb(nbuckets, nullptr);
  for (Node* head : buckets_) {
    while (head) {
      Node* next = head->hnext;
      size_t b = std::hash<std::string_view>{}(head->member()) & (nbuckets - 1);
      head->hnext = nb[b];
      nb[b] = head;
      head = next;
    }
  }
  buckets_.swap(nb);
}

// ---- public ----

void ZSetValue::ConvertToSkiplist() {
  if (skiplist_) return;
  std::vector<LpItem> items;
  items.swap(lp_);
  std::string bytes;
  bytes.swap(lp_bytes_);
  lp_garbage_ = 0;
  skiplist_ = true;
  SlInit();
  size_t nb = kMinBuckets;
  while (nb < items.size()) nb *= 2;
  buckets_.assign(nb, nullptr);
  for (const LpItem& it : items) AppendSorted(std::string_view(bytes.data() + it.off, it.len), it.score);
}

bool ZSetValue::GetScore(std::string_view member, double* score) const {
  if (skiplist_) {
    Node* n = HFind(member);
    if (!n) return false;
    *score = n->score;
    return true;
  }
  size_t i = LpFind(member);
  if (i == std::string_view::npos) return false;
  *score = lp_[i].score;
  return true;
}

bool ZSetValue::Set(std::string_view member, double score, const ZSetLimits& limits) {
  if (!skiplist_) {
    size_t i = LpFind(member);
    if (i != std::string_view::npos) {
      if (lp_[i].score == score) return false;
      // Move the record to its new position; the member bytes stay where they are.
      LpItem it = lp_[i];
      it.score = score == 0 ? 0.0 : score;
      lp_.erase(lp_.begin() + i);
      size_t pos = LpLowerBound(score, member);
      lp_.insert(lp_.begin() + pos, it);
      return false;
    }
    if (lp_.size() + 1 > limits.max_listpack_entries || member.size() > limits.max_listpack_value) {
      ConvertToSkiplist();
    } else {
      LpInsertAt(LpLowerBound(score, member), member, score);
      return true;
    }
  }
  Node* n = HFind(member);
  if (n) {
    if (n->score != score) SlUpdateScore(n, score);
    return false;
  }
  int h = RandomHeight();
  n = NewNode(h, score, member);
  node_bytes_ += sizeof(Node) + sizeof(Node::Level) * h + member.size();
  SlInsert(n);
  HInsert(n);
  return true;
}

void ZSetValue::InsertNew(std::string_view member, double score, const ZSetLimits& limits) {
  if (!skiplist_) {
    if (lp_.size() + 1 <= limits.max_listpack_entries && member.size() <= limits.max_listpack_value) {
      LpInsertAt(LpLowerBound(score, member), member, score);
      return;
    }
    ConvertToSkiplist();
  }
  int h = RandomHeight();
  Node* n = NewNode(h, score, member);
  node_bytes_ += sizeof(Node) + sizeof(Node::Level) * h + member.size();
  SlInsert(n);
  HInsert(n);
}

void ZSetValue::AppendSorted(std::string_view member, double score) {
  if (!skiplist_) {
    LpInsertAt(lp_.size(), member, score);
    return;
  }
  int h = RandomHeight();
  Node* n = NewNode(h, score, member);
  node_bytes_ += sizeof(Node) + sizeof(Node::Level) * h + member.size();
  SlInsert(n);  // goes to the tail: the search walks the top levels only
  HInsert(n);
}

bool ZSetValue::Remove(std::string_view member) {
  if (!skiplist_) {
    size_t i = LpFind(member);
    if (i == std::string_view::npos) return false;
    LpEraseAt(i);
    return true;
  }
  Node* n = HFind(member);
  if (!n) return false;
  Node* update[kMaxLevel];
  SlFindUpdate(n->score, n->member(), update);
  SlUnlink(n, update);
  HErase(n);
  node_bytes_ -= sizeof(Node) + sizeof(Node::Level) * n->height + n->len;
  FreeNode(n);
  return true;
}

int64_t ZSetValue::Rank(std::string_view member) const {
  double score;
  if (!GetScore(member, &score)) return -1;
  if (!skiplist_) return static_cast<int64_t>(LpLowerBound(score, member));
  return static_cast<int64_t>(
      CountWhile([&](double s, std::string_view m) { return KeyLess(s, m, score, member); }));
}

void ZSetValue::At(size_t rank, std::string_view* member, double* score) const {
  if (!skiplist_) {
    *member = LpMember(lp_[rank]);
    *score = lp_[rank].score;
    return;
  }
  Node* n = SlAtRank(rank);
  *member = n->member();
  *score = n->score;
}

size_t ZSetValue::DeleteRange(size_t start, size_t count) {
  if (count == 0 || start >= size()) return 0;
  count = std::min(count, size() - start);
  if (!skiplist_) {
    for (size_t i = 0; i < count; i++) lp_garbage_ += lp_[start + i].len;
    lp_.erase(lp_.begin() + start, lp_.begin() + start + count);
    if (lp_.empty()) {
      lp_bytes_.clear();
      lp_garbage_ = 0;
    } else if (lp_garbage_ > 256 && lp_garbage_ * 2 > lp_bytes_.size()) {
      LpCompact();
    }
    return count;
  }
  Node* update[kMaxLevel];
  size_t traversed = 0;
  Node* p = header_;
  for (int i = level_ - 1; i >= 0; i--) {
    while (p->lv(i).forward && traversed + p->lv(i).span < start + 1) {
      traversed += p->lv(i).span;
      p = p->lv(i).forward;
    }
    update[i] = p;
  }
  Node* x = p->lv(0).forward;
  size_t removed = 0;
  while (x && removed < count) {
    Node* next = x->lv(0).forward;
    SlUnlink(x, update);
    HErase(x);
    node_bytes_ -= sizeof(Node) + sizeof(Node::Level) * x->height + x->len;
    FreeNode(x);
    removed++;
    x = next;
  }
  return removed;
}

uint64_t ZSetValue::Scan(uint64_t cursor, size_t count,
                         const std::function<void(std::string_view, double)>& fn) const {
  if (!skiplist_) {
    for (const LpItem& it : lp_) fn(LpMember(it), it.score);
    return 0;
  }
  // Reverse-binary cursor over the buckets, as Redis's dictScan: elements present for the whole scan are
  // returned even when the table grows or shrinks between calls (some may come twice).
  const uint64_t mask = buckets_.size() - 1;
  uint64_t v = cursor;
  size_t emitted = 0;
  size_t budget = std::max<size_t>(count, 1) * 10;  // buckets visited at most, as Redis's maxiterations
  do {
    for (Node* n = buckets_[v & mask]; n; n = n->hnext) {
      fn(n->member(), n->score);
      emitted++;
    }
    v |= ~mask;
    v = ReverseBits(v);
    v++;
    v = ReverseBits(v);
  } while (v != 0 && emitted < count && --budget > 0);
  return v;
}

size_t ZSetValue::MemoryUsage() const {
  size_t total = sizeof(*this);
  if (!skiplist_) return total + lp_.capacity() * sizeof(LpItem) + lp_bytes_.capacity();
  return total + node_bytes_ + sizeof(Node) + sizeof(Node::Level) * kMaxLevel + buckets_.capacity() * sizeof(Node*);
}

void ZSetValue::Serialize(std::string* out) const {
  PutVarint(out, skiplist_ ? 1 : 0);
  PutVarint(out, size());
  ForEach([&](std::string_view m, double s) {
    PutBytes(out, m);
    PutDouble(out, s);
  });
}

void ZSetValue::EmitRebuildCommands(std::string_view key, const CommandSink& sink) const {
  constexpr size_t kBatch = 64;
  std::vector<std::string> scores;
  std::vector<std::string_view> argv;
  scores.reserve(kBatch);
  argv.reserve(2 + 2 * kBatch);
  auto flush = [&]() {
    if (scores.empty()) return;
    sink(argv);
    scores.clear();
    argv.clear();
  };
  ForEach([&](std::string_view m, double s) {
    if (argv.empty()) {
      argv.push_back("ZADD");
      argv.push_back(key);
    }
    // The vector has room for kBatch strings: views into them stay valid until the flush.
    scores.push_back(FormatDouble(s));
    argv.push_back(scores.back());
    argv.push_back(m);
    if (scores.size() == kBatch) flush();
  });
  flush();
}

std::unique_ptr<Object> ZSetValue::Clone() const {
  auto z = std::make_unique<ZSetValue>();
  if (skiplist_) {
    z->ConvertToSkiplist();
    size_t nb = kMinBuckets;
    while (nb < length_) nb *= 2;
    z->buckets_.assign(nb, nullptr);
  } else {
    z->lp_.reserve(lp_.size());
  }
  ForEach([&](std::string_view m, double s) { z->AppendSorted(m, s); });
  return z;
}

StatusOr<std::unique_ptr<Object>> ZSetValue::Deserialize(std::string_view body) {
  const Status bad = Status::Error(err::kBadDataFormat);
  PayloadReader r(body);
  uint64_t enc, count;
  if (!r.GetVarint(&enc) || enc > 1 || !r.GetVarint(&count)) return bad;
  if (count > r.remaining() / 9) return bad;  // every element takes at least 1 + 8 bytes
  auto z = std::make_unique<ZSetValue>();
  if (enc == 1) z->ConvertToSkiplist();
  std::string prev_member;
  double prev_score = 0;
  for (uint64_t i = 0; i < count; i++) {
    std::string_view m;
    double s;
    if (!r.GetBytes(&m) || !r.GetDouble(&s) || std::isnan(s)) return bad;
    if (i > 0 && !KeyLess(prev_score, prev_member, s, m)) return bad;
    z->AppendSorted(m, s);
    prev_member.assign(m.data(), m.size());
    prev_score = s;
  }
  if (!r.done()) return bad;
  return std::unique_ptr<Object>(std::move(z));
}

}  // namespace rcs
