#include "base/heap_pages.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

namespace rcs {

namespace {
constexpr int kLoadTopPad = 32 << 20;
constexpr int kDefaultTopPad = 128 << 10;  // glibc's DEFAULT_TOP_PAD
constexpr uintptr_t kPage = 4096;
int g_live = 0;  // instances alive: the pad stays raised while any is
}  // namespace

uintptr_t HeapHugePages::CurrentBreak() { return reinterpret_cast<uintptr_t>(sbrk(0)); }

HeapHugePages::HeapHugePages(bool enabled) {
  if (!enabled) return;
  uintptr_t brk = CurrentBreak();
  if (brk == static_cast<uintptr_t>(-1)) return;
  active_ = mallopt(M_TOP_PAD, kLoadTopPad) == 1;
  advised_to_ = brk;
  if (active_) g_live++;
}

HeapHugePages::~HeapHugePages() {
  if (!active_) return;
  Step();
  // No malloc_trim: it would MADV_DONTNEED the free 4 KiB pieces inside the heap and so split the huge
  // pages; what is left above the data set is trimmed by glibc's own top trim at the next free.
  if (--g_live == 0) mallopt(M_TOP_PAD, kDefaultTopPad);
}

void HeapHugePages::Advise() {
  uintptr_t brk = CurrentBreak();
  if (brk < advised_to_) {  // the heap shrank (a trim): advise from there on when it grows again
    advised_to_ = brk;
    return;
  }
  uintptr_t from = advised_to_ & ~(kPage - 1);
  // The vma brk added is merged with the advised one before it, so the heap stays one mapping.
  if (madvise(reinterpret_cast<void*>(from), brk - from, MADV_HUGEPAGE) == 0) advised_bytes_ += brk - advised_to_;
  advised_to_ = brk;
}

}  // namespace rcs
