// Memory accounting: every allocation of the process (operator new/delete are replaced in alloc.cc, and
// the keyspace's records go through CountedMalloc) is counted with its usable size, so used_memory in INFO
// and the maxmemory check read one counter.
#pragma once
#include <cstddef>
#include <cstdint>

namespace rcs {

int64_t UsedMemory();
int64_t PeakUsedMemory();
void ResetPeakUsedMemory();
int64_t ProcessRssBytes();  // from /proc/self/statm

void* CountedMalloc(size_t n);
void* CountedRealloc(void* p, size_t n);
void CountedFree(void* p);
size_t AllocationSize(void* p);  // usable size of a CountedMalloc'ed block

}  // namespace rcs
