#include "keyspace/compact_string.h"

#include "base/alloc.h"

namespace rcs {

void CompactString::Release() {
  if (is_heap()) {
    char* p;
    memcpy(&p, b_, sizeof(p));
    CountedFree(p);
    SetEmpty();
  }
}

void CompactString::Assign(std::string_view s) {
  if (s.size() <= kInline) {
    unsigned char tmp[16] = {};
    memcpy(tmp, s.data(), s.size());  // s may point into our own heap block: copy before releasing
    tmp[15] = static_cast<unsigned char>(s.size());
    Release();
    memcpy(b_, tmp, sizeof(b_));
    return;
  }
  uint64_t len = s.size();
  if (is_heap()) {
    char* p;
    memcpy(&p, b_, sizeof(p));
    if (AllocationSize(p) >= s.size()) {
      memmove(p, s.data(), s.size());
      memcpy(b_ + 8, &len, 7);
      return;
    }
  }
  char* p = static_cast<char*>(CountedMalloc(s.size()));
  memcpy(p, s.data(), s.size());
  Release();
  memcpy(b_, &p, sizeof(p));
  memcpy(b_ + 8, &len, 7);
  b_[15] = 0xff;
}

size_t CompactString::HeapBytes() const {
  if (!is_heap()) return 0;
  char* p;
  memcpy(&p, b_, sizeof(p));
  return AllocationSize(p);
}

}  // namespace rcs
