#include "keyspace/list_value.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "base/alloc.h"
#include "keyspace/serialize.h"
#include "protocol/errors.h"

namespace rcs {

// One block: this header, then `cap` bytes of buffer; entries live in [start, end).
struct ListValue::Node {
  uint32_t cap;
  uint32_t start;
  uint32_t end;
  uint32_t count;
  char* data() { return reinterpret_cast<char*>(this + 1); }
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  uint32_t used() const { return end - start; }
};
static_assert(sizeof(ListValue::Node) == 16);

namespace {

using Node = ListValue::Node;

inline uint32_t VarintSize(uint64_t v) {
  uint32_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

// Bytes an element of `len` bytes takes in a node.
inline uint32_t EntrySizeFor(size_t len) {
  uint32_t t = VarintSize(len) + static_cast<uint32_t>(len);
  return t + VarintSize(t);
}

inline uint32_t WriteEntry(char* p, std::string_view v) {
  char* q = p;
  uint64_t len = v.size();
  while (len >= 0x80) {
    *q++ = static_cast<char>((len & 0x7f) | 0x80);
    len >>= 7;
  }
  *q++ = static_cast<char>(len);
  if (!v.empty()) memcpy(q, v.data(), v.size());
  q += v.size();
  // backlen: the size of [varint len][bytes], most significant group first, so that reading backwards from
  // the entry's last byte gets the low 7 bits first; 0x80 marks "one more byte before this one".
  uint64_t t = static_cast<uint64_t>(q - p);
  uint32_t k = VarintSize(t);
  for (uint32_t i = 0; i < k; i++) {
    uint8_t b = static_cast<uint8_t>((t >> (7 * i)) & 0x7f);
    if (i + 1 < k) b |= 0x80;
    q[k - 1 - i] = static_cast<char>(b);
  }
  return static_cast<uint32_t>(q - p) + k;
}

// Reads the entry at p; returns its total size and sets *v to the element.
inline uint32_t ReadEntry(const char* p, std::string_view* v) {
  uint64_t len = 0;
  uint32_t h = 0;
  int shift = 0;
  uint8_t b;
  do {
    b = static_cast<uint8_t>(p[h++]);
    len |= static_cast<uint64_t>(b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  *v = std::string_view(p + h, len);
  uint32_t t = h + static_cast<uint32_t>(len);
  return t + VarintSize(t);
}

inline uint32_t EntrySizeAt(const char* p) {
  std::string_view v;
  return ReadEntry(p, &v);
}

// Offset of the entry that ends at `end` (exclusive) in buffer d.
inline uint32_t PrevEntryStart(const char* d, uint32_t end) {
  uint32_t q = end - 1;
  uint8_t b = static_cast<uint8_t>(d[q]);
  uint64_t t = b & 0x7f;
  uint32_t k = 1;
  int shift = 7;
  while (b & 0x80) {
    b = static_cast<uint8_t>(d[--q]);
    t |= static_cast<uint64_t>(b & 0x7f) << shift;
    shift += 7;
    k++;
  }
  return end - k - static_cast<uint32_t>(t);
}

Node* AllocNode(size_t want_cap) {
  size_t bytes = sizeof(Node) + std::max<size_t>(want_cap, 1);
  void* p = CountedMalloc(bytes);
  Node* n = static_cast<Node*>(p);
  size_t cap = AllocationSize(p) - sizeof(Node);
  n->cap = static_cast<uint32_t>(std::min<size_t>(cap, UINT32_MAX));
  n->start = n->end = 0;
  n->count = 0;
  return n;
}

// Growth target of a node that needs `need` bytes: +50% (memory-friendly), within the node bound unless a
// single oversized element needs more.
uint32_t GrowCap(uint32_t need) {
  uint64_t c = static_cast<uint64_t>(need) + need / 2;
  if (c < 48) c = 48;
  if (c > ListValue::kNodeBytes) c = std::max<uint64_t>(need, ListValue::kNodeBytes);
  return static_cast<uint32_t>(c);
}

}  // namespace

ListValue::ListValue() : ring_(&single_) {}

ListValue::~ListValue() {
  for (uint32_t i = 0; i < nnodes_; i++) CountedFree(NodeAt(i));
  if (ring_ != &single_) delete[] ring_;
}

// ---- ring of node pointers ----

void ListValue::RingGrow() {
  uint32_t ncap = cap_ * 2;
  Node** nr = new Node*[ncap];
  for (uint32_t i = 0; i < nnodes_; i++) nr[i] = NodeAt(i);
  if (ring_ != &single_) delete[] ring_;
  ring_ = nr;
  cap_ = ncap;
  head_ = 0;
}

void ListValue::RingInsert(uint32_t i, Node* n) {
  if (nnodes_ == cap_) RingGrow();
  if (i < nnodes_ / 2) {
    head_ = (head_ + cap_ - 1) & (cap_ - 1);
    nnodes_++;
    for (uint32_t k = 0; k < i; k++) SlotAt(k) = SlotAt(k + 1);
  } else {
    nnodes_++;
    for (uint32_t k = nnodes_ - 1; k > i; k--) SlotAt(k) = SlotAt(k - 1);
  }
  SlotAt(i) = n;
}

void ListValue::RingErase(uint32_t i) {
  if (i < nnodes_ / 2) {
    for (uint32_t k = i; k > 0; k--) SlotAt(k) = SlotAt(k - 1);
    head_ = (head_ + 1) & (cap_ - 1);
  } else {
    for (uint32_t k = i; k + 1 < nnodes_; k++) SlotAt(k) = SlotAt(k + 1);
  }
  nnodes_--;
  if (nnodes_ == 0) head_ = 0;
  // Give the ring back when the list has shrunk a lot (a drained queue keeps one small node).
  if (cap_ > 1 && (nnodes_ <= 1 || (cap_ >= 16 && nnodes_ < cap_ / 8))) {
    uint32_t ncap = 1;
    if (nnodes_ > 1) {
      ncap = cap_;
      while (ncap / 2 >= nnodes_ * 2 && ncap > 8) ncap /= 2;
    }
    Node** nr = ncap == 1 ? &single_ : new Node*[ncap];
    for (uint32_t k = 0; k < nnodes_; k++) nr[k] = NodeAt(k);
    delete[] ring_;
    ring_ = nr;
    cap_ = ncap;
    head_ = 0;
  }
}

void ListValue::FreeNode(uint32_t i) {
  CountedFree(NodeAt(i));
  RingErase(i);
}

// ---- node editing ----

// Where a node's free space should go when it is laid out anew: the head node grows towards the head, the
// tail node towards the tail, a lone node or a middle node both ways.
static uint32_t FrontSpare(uint32_t i, uint32_t nnodes, uint32_t spare) {
  if (nnodes > 1 && i == 0) return spare;
  if (nnodes > 1 && i == nnodes - 1) return 0;
  return spare / 2;
}

uint32_t ListValue::MakeRoom(uint32_t i, uint32_t off, uint32_t gap) {
  Node* n = NodeAt(i);
  char* d = n->data();
  uint32_t left = off - n->start, right = n->end - off, used = n->used();
  bool can_left = n->start >= gap, can_right = n->cap - n->end >= gap;
  if (off == n->start && can_left) {
    n->start -= gap;
    return n->start;
  }
  if (off == n->end && can_right) {
    n->end += gap;
    return off;
  }
  if (off != n->start && off != n->end) {  // a middle insert: shift the smaller side that has room
    if (can_left && (left <= right || !can_right)) {
      memmove(d + n->start - gap, d + n->start, left);
      n->start -= gap;
      return off - gap;
    }
    if (can_right) {
      memmove(d + off + gap, d + off, right);
      n->end += gap;
      return off;
    }
  }
  // Lay the node out anew (same capacity when the free space suffices, else grown), with the spare room
  // where the next inserts are likely to go.
  uint32_t need = used + gap;
  uint32_t free_total = n->cap - used;
  Node* m = AllocNode(free_total >= gap ? n->cap : GrowCap(need));
  uint32_t front = FrontSpare(i, nnodes_, m->cap - need);
  char* md = m->data();
  memcpy(md + front, d + n->start, left);
  memcpy(md + front + left + gap, d + off, right);
  m->start = front;
  m->end = front + need;
  m->count = n->count;
  CountedFree(n);
  SlotAt(i) = m;
  return front + left;
}

void ListValue::InsertIntoNode(uint32_t i, uint32_t off, std::string_view v) {
  uint32_t es = EntrySizeFor(v.size());
  uint32_t g = MakeRoom(i, off, es);
  Node* n = NodeAt(i);
  WriteEntry(n->data() + g, v);
  n->count++;
  count_++;
}

namespace {
// A node holding just v; `at_front` leaves spare room before it (the node will grow towards the head).
Node* NodeWith(std::string_view v, bool at_front) {
  uint32_t es = EntrySizeFor(v.size());
  Node* n = AllocNode(es);
  uint32_t off = at_front ? n->cap - es : 0;
  WriteEntry(n->data() + off, v);
  n->start = off;
  n->end = off + es;
  n->count = 1;
  return n;
}
}  // namespace

void ListValue::SplitNode(uint32_t i, uint32_t off) {
  Node* n = NodeAt(i);
  uint32_t moved = 0;
  for (uint32_t p = off; p < n->end; p += EntrySizeAt(n->data() + p)) moved++;
  uint32_t bytes = n->end - off;
  Node* m = AllocNode(bytes);
  memcpy(m->data(), n->data() + off, bytes);
  m->start = 0;
  m->end = bytes;
  m->count = moved;
  n->end = off;
  n->count -= moved;
  RingInsert(i + 1, m);
}

void ListValue::InsertAtPos(uint32_t i, uint32_t off, std::string_view v) {
  uint32_t es = EntrySizeFor(v.size());
  Node* n = NodeAt(i);
  if (n->used() + es <= kNodeBytes) return InsertIntoNode(i, off, v);
  if (off == n->start) {
    if (i > 0 && NodeAt(i - 1)->used() + es <= kNodeBytes) return InsertIntoNode(i - 1, NodeAt(i - 1)->end, v);
    RingInsert(i, NodeWith(v, true));
    count_++;
    return;
  }
  if (off == n->end) {
    if (i + 1 < nnodes_ && NodeAt(i + 1)->used() + es <= kNodeBytes)
      return InsertIntoNode(i + 1, NodeAt(i + 1)->start, v);
    RingInsert(i + 1, NodeWith(v, false));
    count_++;
    return;
  }
  SplitNode(i, off);
  if (NodeAt(i)->used() + es <= kNodeBytes) return InsertIntoNode(i, NodeAt(i)->end, v);
  if (NodeAt(i + 1)->used() + es <= kNodeBytes) return InsertIntoNode(i + 1, NodeAt(i + 1)->start, v);
  RingInsert(i + 1, NodeWith(v, false));
  count_++;
}

void ListValue::ShrinkNode(uint32_t i) {
  Node* n = NodeAt(i);
  uint32_t used = n->used();
  if (n->cap < 256 || n->cap / 4 < used) return;
  Node* m = AllocNode(GrowCap(used));
  uint32_t off = FrontSpare(i, nnodes_, m->cap - used);
  memcpy(m->data() + off, n->data() + n->start, used);
  m->start = off;
  m->end = off + used;
  m->count = n->count;
  CountedFree(n);
  SlotAt(i) = m;
}

void ListValue::MergeSmallNodes() {
  uint32_t i = 0;
  while (i + 1 < nnodes_) {
    Node* a = NodeAt(i);
    Node* b = NodeAt(i + 1);
    uint32_t bu = b->used();
    if (a->used() + bu > kNodeBytes) {
      i++;
      continue;
    }
    uint32_t g = MakeRoom(i, a->end, bu);
    a = NodeAt(i);
    memcpy(a->data() + g, b->data() + b->start, bu);
    a->count += b->count;
    FreeNode(i + 1);
  }
  for (uint32_t k = 0; k < nnodes_; k++) ShrinkNode(k);
}

// ---- both ends ----

void ListValue::PushFront(std::string_view v) {
  if (nnodes_ > 0) {
    Node* h = NodeAt(0);
    uint32_t es = EntrySizeFor(v.size());
    if (h->used() + es <= kNodeBytes) {
      if (h->start >= es) {  // the common case: room in front, no move at all
        h->start -= es;
        WriteEntry(h->data() + h->start, v);
        h->count++;
        count_++;
        return;
      }
      return InsertIntoNode(0, h->start, v);
    }
  }
  RingInsert(0, NodeWith(v, true));
  count_++;
}

void ListValue::PushBack(std::string_view v) {
  if (nnodes_ > 0) {
    Node* t = NodeAt(nnodes_ - 1);
    uint32_t es = EntrySizeFor(v.size());
    if (t->used() + es <= kNodeBytes) {
      if (t->cap - t->end >= es) {
        WriteEntry(t->data() + t->end, v);
        t->end += es;
        t->count++;
        count_++;
        return;
      }
      return InsertIntoNode(nnodes_ - 1, t->end, v);
    }
  }
  RingInsert(nnodes_, NodeWith(v, false));
  count_++;
}

void ListValue::PopFront(std::string* out) {
  Node* h = NodeAt(0);
  std::string_view v;
  uint32_t es = ReadEntry(h->data() + h->start, &v);
  if (out) out->assign(v.data(), v.size());
  h->start += es;
  h->count--;
  count_--;
  if (h->count == 0) FreeNode(0);
  else if (h->cap >= 1024) ShrinkNode(0);
}

void ListValue::PopBack(std::string* out) {
  uint32_t last = nnodes_ - 1;
  Node* t = NodeAt(last);
  uint32_t off = PrevEntryStart(t->data(), t->end);
  std::string_view v;
  ReadEntry(t->data() + off, &v);
  if (out) out->assign(v.data(), v.size());
  t->end = off;
  t->count--;
  count_--;
  if (t->count == 0) FreeNode(last);
  else if (t->cap >= 1024) ShrinkNode(last);
}

void ListValue::DropFront(size_t n) {
  while (n > 0 && nnodes_ > 0) {
    Node* h = NodeAt(0);
    if (h->count <= n) {
      n -= h->count;
      count_ -= h->count;
      FreeNode(0);
      continue;
    }
    uint32_t off = h->start;
    for (size_t k = 0; k < n; k++) off += EntrySizeAt(h->data() + off);
    h->start = off;
    h->count -= static_cast<uint32_t>(n);
    count_ -= n;
    n = 0;
    ShrinkNode(0);
  }
}

void ListValue::DropBack(size_t n) {
  while (n > 0 && nnodes_ > 0) {
    uint32_t last = nnodes_ - 1;
    Node* t = NodeAt(last);
    if (t->count <= n) {
      n -= t->count;
      count_ -= t->count;
      FreeNode(last);
      continue;
    }
    uint32_t off = t->end;
    for (size_t k = 0; k < n; k++) off = PrevEntryStart(t->data(), off);
    t->end = off;
    t->count -= static_cast<uint32_t>(n);
    count_ -= n;
    n = 0;
    ShrinkNode(last);
  }
}

// ---- positions ----

std::string_view ListValue::Iterator::value() const {
  std::string_view v;
  ReadEntry(list_->NodeAt(node_)->data() + off_, &v);
  return v;
}

void ListValue::Iterator::Next() {
  const Node* n = list_->NodeAt(node_);
  off_ += EntrySizeAt(n->data() + off_);
  if (off_ == n->end) {
    node_++;
    off_ = node_ < list_->nnodes_ ? list_->NodeAt(node_)->start : 0;
  }
}

void ListValue::Iterator::Prev() {
  const Node* n = list_->NodeAt(node_);
  if (off_ == n->start) {
    if (node_ == 0) {
      node_ = list_->nnodes_;
      off_ = 0;
      return;
    }
    node_--;
    n = list_->NodeAt(node_);
    off_ = n->end;
  }
  off_ = PrevEntryStart(n->data(), off_);
}

ListValue::Iterator ListValue::Begin() const {
  if (nnodes_ == 0) return Iterator(this, 0, 0);
  return Iterator(this, 0, NodeAt(0)->start);
}

ListValue::Iterator ListValue::Last() const {
  if (nnodes_ == 0) return Iterator(this, 0, 0);
  const Node* t = NodeAt(nnodes_ - 1);
  return Iterator(this, nnodes_ - 1, PrevEntryStart(t->data(), t->end));
}

ListValue::Iterator ListValue::Seek(size_t index) const {
  uint32_t i;
  size_t local;  // index within node i
  if (index < count_ / 2) {
    i = 0;
    while (index >= NodeAt(i)->count) index -= NodeAt(i)->count, i++;
    local = index;
  } else {
    size_t r = count_ - 1 - index;  // distance from the tail
    i = nnodes_ - 1;
    while (r >= NodeAt(i)->count) r -= NodeAt(i)->count, i--;
    local = NodeAt(i)->count - 1 - r;
  }
  const Node* n = NodeAt(i);
  uint32_t off;
  if (local < n->count / 2) {
    off = n->start;
    for (size_t k = 0; k < local; k++) off += EntrySizeAt(n->data() + off);
  } else {
    off = n->end;
    for (size_t k = n->count - local; k > 0; k--) off = PrevEntryStart(n->data(), off);
  }
  return Iterator(this, i, off);
}

void ListValue::Set(size_t index, std::string_view v) {
  Iterator it = Seek(index);
  uint32_t i = it.node_, off = it.off_;
  Node* n = NodeAt(i);
  uint32_t old_size = EntrySizeAt(n->data() + off);
  uint32_t es = EntrySizeFor(v.size());
  if (es == old_size) {
    WriteEntry(n->data() + off, v);
    return;
  }
  if (n->count == 1) {
    CountedFree(n);
    SlotAt(i) = NodeWith(v, i == 0 && nnodes_ > 1);
    return;
  }
  // Remove the old entry (moving the smaller side), then insert at its place.
  char* d = n->data();
  if (off - n->start <= n->end - (off + old_size)) {
    memmove(d + n->start + old_size, d + n->start, off - n->start);
    n->start += old_size;
    off += old_size;
  } else {
    memmove(d + off, d + off + old_size, n->end - off - old_size);
    n->end -= old_size;
  }
  n->count--;
  count_--;
  InsertAtPos(i, off, v);
}

void ListValue::InsertAt(const Iterator& it, bool after, std::string_view v) {
  uint32_t off = it.off_;
  if (after) off += EntrySizeAt(NodeAt(it.node_)->data() + off);
  InsertAtPos(it.node_, off, v);
}

size_t ListValue::RemoveEqual(std::string_view v, int64_t count) {
  if (count_ == 0) return 0;
  bool from_tail = count < 0;
  uint64_t limit;
  if (count == 0 || count == INT64_MIN) limit = UINT64_MAX;
  else limit = from_tail ? static_cast<uint64_t>(-count) : static_cast<uint64_t>(count);
  uint64_t removed = 0;
  uint32_t visited = 0, total_nodes = nnodes_;
  uint32_t i = from_tail ? nnodes_ - 1 : 0;
  while (visited < total_nodes && removed < limit) {
    visited++;
    Node* n = NodeAt(i);
    char* d = n->data();
    uint64_t quota = limit - removed;
    // Matches to keep before removing: from the tail, only the last `quota` matches of this node go.
    uint64_t skip = 0;
    if (from_tail) {
      uint64_t matches = 0;
      std::string_view e;
      for (uint32_t p = n->start; p < n->end;) {
        p += ReadEntry(d + p, &e);
        if (e == v) matches++;
      }
      if (matches == 0) {
        if (i == 0) break;
        i--;
        continue;
      }
      skip = matches > quota ? matches - quota : 0;
    }
    uint32_t w = n->start, r = 0;
    uint64_t seen = 0;
    std::string_view e;
    for (uint32_t p = n->start; p < n->end;) {
      uint32_t es = ReadEntry(d + p, &e);
      bool drop = false;
      if (e == v && removed + r < limit) {
        seen++;
        if (seen > skip) drop = true;
      }
      if (drop) {
        r++;
      } else {
        if (w != p) memmove(d + w, d + p, es);
        w += es;
      }
      p += es;
    }
    n->end = w;
    n->count -= r;
    count_ -= r;
    removed += r;
    bool freed = false;
    if (n->count == 0) {
      FreeNode(i);
      freed = true;
    }
    if (from_tail) {
      if (i == 0) break;
      i--;
    } else if (!freed) {
      i++;
    }
  }
  if (removed > 0) MergeSmallNodes();
  return removed;
}

// ---- Object ----

size_t ListValue::MemoryUsage() const {
  size_t total = sizeof(ListValue);
  if (ring_ != &single_) total += cap_ * sizeof(Node*);
  for (uint32_t i = 0; i < nnodes_; i++) total += AllocationSize(NodeAt(i));
  return total;
}

void ListValue::Serialize(std::string* out) const {
  PutVarint(out, count_);
  for (Iterator it = Begin(); it.valid(); it.Next()) PutBytes(out, it.value());
}

void ListValue::EmitRebuildCommands(std::string_view key, const CommandSink& sink) const {
  std::vector<std::string_view> argv;
  argv.reserve(2 + 64);
  argv.push_back("RPUSH");
  argv.push_back(key);
  for (Iterator it = Begin(); it.valid(); it.Next()) {
    argv.push_back(it.value());
    if (argv.size() == 2 + 64) {
      sink(argv);
      argv.resize(2);
    }
  }
  if (argv.size() > 2) sink(argv);
}

std::unique_ptr<Object> ListValue::Clone() const {
  auto copy = std::make_unique<ListValue>();
  for (uint32_t i = 0; i < nnodes_; i++) {
    const Node* n = NodeAt(i);
    Node* m = AllocNode(n->used());
    memcpy(m->data(), n->data() + n->start, n->used());
    m->start = 0;
    m->end = n->used();
    m->count = n->count;
    copy->RingInsert(copy->nnodes_, m);
  }
  copy->count_ = count_;
  return copy;
}

StatusOr<std::unique_ptr<Object>> ListValue::Deserialize(std::string_view body) {
  PayloadReader r(body);
  uint64_t n;
  if (!r.GetVarint(&n) || n == 0 || n > r.remaining()) return Status::Error(err::kBadDataFormat);
  auto list = std::make_unique<ListValue>();
  for (uint64_t k = 0; k < n; k++) {
    std::string_view e;
    if (!r.GetBytes(&e) || e.size() > UINT32_MAX - 32) return Status::Error(err::kBadDataFormat);
    list->PushBack(e);
  }
  if (!r.done()) return Status::Error(err::kBadDataFormat);
  return std::unique_ptr<Object>(std::move(list));
}

bool ListValue::CheckInvariants() const {
  uint64_t total = 0;
  if (nnodes_ > cap_ || (cap_ & (cap_ - 1)) != 0) return false;
  for (uint32_t i = 0; i < nnodes_; i++) {
    const Node* n = NodeAt(i);
    if (n->start > n->end || n->end > n->cap || n->count == 0) return false;
    uint32_t c = 0, p = n->start;
    while (p < n->end) {
      uint32_t es = EntrySizeAt(n->data() + p);
      if (es == 0 || p + es > n->end) return false;
      if (PrevEntryStart(n->data(), p + es) != p) return false;
      p += es;
      c++;
    }
    if (p != n->end || c != n->count) return false;
    total += c;
  }
  return total == count_;
}

}  // namespace rcs
