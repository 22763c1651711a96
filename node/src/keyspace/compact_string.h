// CompactString: the 16-byte string of the hash and set values' nodes (hash_value.h, set_value.h).
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace rcs {

// A byte string in 16 bytes: up to 15 bytes inline, longer ones on the heap (counted allocations).
// Movable (a move is a 16-byte copy), not copyable.
class CompactString {
 public:
  static constexpr size_t kInline = 15;
  CompactString() { SetEmpty(); }
  explicit CompactString(std::string_view s) {
    SetEmpty();
    Assign(s);
  }
  ~CompactString() { Release(); }
  CompactString(CompactString&& o) noexcept {
    memcpy(b_, o.b_, sizeof(b_));
    o.SetEmpty();
  }
  CompactString& operator=(CompactString&& o) noexcept {
    if (this != &o) {
      Release();
      memcpy(b_, o.b_, sizeof(b_));
      o.SetEmpty();
    }
    return *this;
  }
  CompactString(const CompactString&) = delete;
  CompactString& operator=(const CompactString&) = delete;

  std::string_view view() const {
    if (!is_heap()) return std::string_view(reinterpret_cast<const char*>(b_), b_[15]);
    const char* p;
    memcpy(&p, b_, sizeof(p));
    return std::string_view(p, heap_len());
  }
  size_t size() const { return is_heap() ? heap_len() : b_[15]; }
  void Assign(std::string_view s);
  // Heap bytes owned (0 when inline).
  size_t HeapBytes() const;

 private:
  bool is_heap() const { return b_[15] == 0xff; }
  size_t heap_len() const {
    uint64_t l = 0;
    memcpy(&l, b_ + 8, 7);
    return static_cast<size_t>(l);
  }
  void SetEmpty() {
    memset(b_, 0, sizeof(b_));
  }
  void Release();
  alignas(8) unsigned char b_[16];
};
static_assert(sizeof(CompactString) == 16);

}  // namespace rcs
