#include "base/alloc.h"

#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

namespace rcs {
namespace {
std::atomic<int64_t> g_used{0};
std::atomic<int64_t> g_peak{0};

inline void CountAllocated(void* p) {
  if (p == nullptr) return;
  int64_t now = g_used.fetch_add(static_cast<int64_t>(malloc_usable_size(p)), std::memory_order_relaxed) +
                static_cast<int64_t>(malloc_usable_size(p));
  if (now > g_peak.load(std::memory_order_relaxed)) g_peak.store(now, std::memory_order_relaxed);
}
inline void CountFreed(void* p) {
  if (p == nullptr) return;
  g_used.fetch_sub(static_cast<int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
}
}  // namespace

int64_t UsedMemory() { return g_used.load(std::memory_order_relaxed); }
int64_t PeakUsedMemory() { return g_peak.load(std::memory_order_relaxed); }
void ResetPeakUsedMemory() { g_peak.store(UsedMemory(), std::memory_order_relaxed); }

int64_t ProcessRssBytes() {
  FILE* f = fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long pages_total = 0, pages_rss = 0;
  int n = fscanf(f, "%ld %ld", &pages_total, &pages_rss);
  fclose(f);
  if (n != 2) return 0;
  return static_cast<int64_t>(pages_rss) * sysconf(_SC_PAGESIZE);
}

void* CountedMalloc(size_t n) {
  void* p = malloc(n);
  if (p == nullptr) throw std::bad_alloc();
  CountAllocated(p);
  return p;
}
void* CountedRealloc(void* p, size_t n) {
  CountFreed(p);
  void* q = realloc(p, n);
  if (q == nullptr) {
    CountAllocated(p);
    throw std::bad_alloc();
  }
  CountAllocated(q);
  return q;
}
void CountedFree(void* p) {
  CountFreed(p);
  free(p);
}
size_t AllocationSize(void* p) { return malloc_usable_size(p); }

}  // namespace rcs

// Replacing the global allocation functions counts every C++ allocation (containers, strings, buffers).
void* operator new(size_t n) { return rcs::CountedMalloc(n == 0 ? 1 : n); }
void* operator new[](size_t n) { return rcs::CountedMalloc(n == 0 ? 1 : n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  void* p = malloc(n == 0 ? 1 : n);
  if (p) rcs::g_used.fetch_add(static_cast<int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  return p;
}
void operator delete(void* p) noexcept { rcs::CountedFree(p); }
void operator delete[](void* p) noexcept { rcs::CountedFree(p); }
void operator delete(void* p, size_t) noexcept { rcs::CountedFree(p); }
void operator delete[](void* p, size_t) noexcept { rcs::CountedFree(p); }
