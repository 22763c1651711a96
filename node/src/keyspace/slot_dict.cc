#include "keyspace/slot_dict.h"

#include <chrono>
#include <new>

namespace rcs::keyspace_internal {

SlotDict::SlotDict(uint64_t seed) : seed_(seed) {
  tables_ = static_cast<Table*>(CountedMalloc(sizeof(Table) * kClusterSlots));
  for (int s = 0; s < kClusterSlots; s++) new (&tables_[s]) Table();
  fenwick_ = static_cast<uint32_t*>(CountedMalloc(sizeof(uint32_t) * (kClusterSlots + 1)));
  memset(fenwick_, 0, sizeof(uint32_t) * (kClusterSlots + 1));
}

SlotDict::~SlotDict() {
  for (int s = 0; s < kClusterSlots; s++) {
    if (Tab(s) != nullptr) FreeTable(s);
  }
  CountedFree(tables_);
  CountedFree(fenwick_);
}

Link* SlotDict::NewBuckets(uint8_t bits) {
  size_t n = size_t{1} << bits;
  Link* b = static_cast<Link*>(CountedMalloc(n * sizeof(Link)));
  memset(b, 0, n * sizeof(Link));
  return b;
}

int SlotDict::FenFind(uint64_t r) const {
  int pos = 0;
  for (int step = kClusterSlots; step > 0; step >>= 1) {
    if (pos + step <= kClusterSlots && fenwick_[pos + step] <= r) {
      pos += step;
      r -= fenwick_[pos];
    }
  }
  return pos;  // 0-based slot = (1-based index pos+1) - 1
}

void SlotDict::StartResize(Table* t, int slot, uint64_t target) {
  uint8_t bits = kInitialBits;
  while ((uint64_t{1} << bits) < target) ++bits;
  if (bits == t->bits[0]) return;
  t->b[1] = NewBuckets(bits);
  t->bits[1] = bits;
  t->used[1] = 0;
  t->rehash_idx = 0;
  if (!t->queued) {
    t->queued = true;
    rehash_queue_.push_back(slot);
  }
}

void SlotDict::RehashStep(Table* t, size_t n) {
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

void SlotDict::FreeTable(int slot) {
  Table* t = &tables_[slot];
  CountedFree(t->b[0]);
  if (t->b[1]) CountedFree(t->b[1]);
  *t = Table();
}

void SlotDict::RehashCron() {
  if (rehash_queue_.empty()) return;
  auto start = std::chrono::steady_clock::now();
  size_t work = 0;
  std::vector<int> keep;
  for (size_t i = 0; i < rehash_queue_.size(); i++) {
    int slot = rehash_queue_[i];
    Table* t = Tab(slot);
    if (t == nullptr || !t->queued) continue;
    bool budget_left = work < 100000 &&
                       std::chrono::steady_clock::now() - start < std::chrono::microseconds(1000);
    while (budget_left && t->rehashing()) {
      RehashStep(t, 100);
      work += 100;
      budget_left = work < 100000 && std::chrono::steady_clock::now() - start < std::chrono::microseconds(1000);
    }
    if (t->rehashing()) {
      keep.push_back(slot);
    } else {
      t->queued = false;
    }
  }
  rehash_queue_.swap(keep);
}

}  // namespace rcs::keyspace_internal
