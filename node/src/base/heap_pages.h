// Transparent huge pages for the malloc heap while a data set is loaded (dump.rdb, an AOF's RDB base,
// DEBUG RELOAD, a replica's full sync).
//
// Why: loading fills hundreds of MB of fresh heap, and with 4 KiB pages every page costs a fault on first
// touch. On the VMs this runs on a fault is expensive (25 us a page measured on the development VM: a
// 512 MB heap is 3.5 s of faults, more than the whole parse), and it was a third of our load's samples.
// With 2 MiB pages one fault maps 512 times as much; the zeroing stays, the trap per 4 KiB goes. As a side
// effect the page tables of the loaded data set are 512 times smaller, so a later fork (BGSAVE, AOF
// rewrite) copies less of them.
//
// The node keeps one instance for its whole life (heap-huge-pages yes, the default: node.cc steps it before
// the event loop sleeps), so a data set that arrives by commands is in huge pages too and a fork (BGSAVE,
// AOF rewrite, full sync) takes a few ms instead of tens (bench/RESULTS.md). The price is THP's: a partly
// used huge page stays resident, and before Linux 5.8 the first write to a page after a fork copied 2 MiB
// (since then the kernel splits the huge page and copies 4 KiB). heap-huge-pages no turns both uses off.
//
// How: glibc's malloc grows its main heap with brk in steps of M_TOP_PAD beyond the request. While an
// instance lives, the pad is raised to 32 MiB so each step covers whole 2 MiB pages, and Step() (cheap:
// sbrk(0) reads a variable) marks the part of the heap grown since the last call MADV_HUGEPAGE, before
// most of it is touched. With transparent_hugepage "never" (or a kernel without THP) the advice does
// nothing and the load is as before; with "always" it is what the kernel does anyway. The destructor puts
// the pad back when the last instance goes; the untouched top of the heap costs no memory, at most the last huge page is resident
// beyond what the data set uses. Allocations that glibc serves with mmap (128 KiB and more)
// are not covered. Event-loop thread only.
#pragma once
#include <cstdint>

namespace rcs {

class HeapHugePages {
 public:
  // enabled false: does nothing (heap-huge-pages no).
  explicit HeapHugePages(bool enabled = true);
  ~HeapHugePages();
  HeapHugePages(const HeapHugePages&) = delete;
  HeapHugePages& operator=(const HeapHugePages&) = delete;

  // Advises the heap grown since the last call. Call often (every key): a few instructions when the heap
  // has not grown.
  void Step() {
    if (active_ && CurrentBreak() != advised_to_) Advise();
  }
  // Bytes of heap advised so far (for the log line).
  uint64_t advised_bytes() const { return advised_bytes_; }

 private:
  static uintptr_t CurrentBreak();
  void Advise();

  bool active_ = false;
  uintptr_t advised_to_ = 0;
  uint64_t advised_bytes_ = 0;
};

}  // namespace rcs
