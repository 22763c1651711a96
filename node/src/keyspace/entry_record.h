// The keyspace's record encoding (internal to keyspace/: keyspace.cc, slot_dict.*, eviction.cc and
// active_expiry.cc include it; nothing outside keyspace/ should).
//
// Entries. Every key is one CountedMalloc'ed record, laid out as
//   offset 0   uint64  link to the next entry of the bucket chain (tagged pointer, see below)
//   offset 8   uint32  meta: bits 0-2 ObjType, bit 3 has-expire, bits 8-31 LRU clock (seconds, 24 bits)
//   offset 12  [has-expire only] int64 expire_at_ms, uint32 index of the entry in the volatile array
//   then       varint key length, key bytes, and
//              string: varint value length, value bytes | object: 8-byte Object* (unaligned, memcpy'd)
// A 22-byte key with a 16-byte value is 52 bytes: one 64-byte glibc chunk. Keys without an expiry do not pay
// for one; adding an expiry (SetExpire) reallocates the entry, which is why an Entry* is only valid until
// the next modifying call.
//
// Links. Bucket slots and the entries' next fields are 64-bit words holding the pointer in the low 48 bits
// (user-space addresses on x86-64 and aarch64 fit; checked on every allocation) and the top 16 bits of the
// pointed-to entry's hash in the high 16 bits, so a chain walk compares keys only when those bits match.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "base/alloc.h"
#include "keyspace/keyspace.h"
#include "keyspace/object.h"

namespace rcs::keyspace_internal {

constexpr size_t kMetaOff = 8;
constexpr size_t kExpireOff = 12;
constexpr size_t kVolIdxOff = 20;
constexpr size_t kBaseHeader = 12;
constexpr size_t kExpireBytes = 12;
constexpr uint32_t kTypeMask = 0x7;
constexpr uint32_t kHasExpire = 0x8;
constexpr uint32_t kLruShift = 8;
constexpr uint32_t kLruMax = (1u << 24) - 1;

inline uint8_t* Bytes(const Entry* e) { return reinterpret_cast<uint8_t*>(const_cast<Entry*>(e)); }
inline uint32_t Meta(const Entry* e) {
  uint32_t m;
  memcpy(&m, Bytes(e) + kMetaOff, 4);
  return m;
}
inline void SetMeta(Entry* e, uint32_t m) { memcpy(Bytes(e) + kMetaOff, &m, 4); }
inline int64_t ExpireOf(const Entry* e) {
  int64_t v;
  memcpy(&v, Bytes(e) + kExpireOff, 8);
  return v;
}
inline void SetExpireOf(Entry* e, int64_t v) { memcpy(Bytes(e) + kExpireOff, &v, 8); }
inline uint32_t VolIdx(const Entry* e) {
  uint32_t v;
  memcpy(&v, Bytes(e) + kVolIdxOff, 4);
  return v;
}
inline void SetVolIdx(Entry* e, uint32_t v) { memcpy(Bytes(e) + kVolIdxOff, &v, 4); }
inline uint32_t LruClock(int64_t now_ms) { return static_cast<uint32_t>(now_ms / 1000) & kLruMax; }
inline uint32_t WithLru(uint32_t meta, uint32_t lru) { return (meta & 0xff) | (lru << kLruShift); }

inline size_t VarintLen(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
inline uint8_t* PutVar(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}
inline const uint8_t* GetVar(const uint8_t* p, uint64_t* v) {
  if (*p < 0x80) {
    *v = *p;
    return p + 1;
  }
  uint64_t r = 0;
  int shift = 0;
  while (*p & 0x80) {
    r |= static_cast<uint64_t>(*p & 0x7f) << shift;
    shift += 7;
    ++p;
  }
  r |= static_cast<uint64_t>(*p) << shift;
  *v = r;
  return p + 1;
}

inline const uint8_t* KeyField(const Entry* e, uint32_t meta) {
  return Bytes(e) + ((meta & kHasExpire) ? kBaseHeader + kExpireBytes : kBaseHeader);
}
inline std::string_view KeyOf(const Entry* e) {
  uint64_t n;
  const uint8_t* p = GetVar(KeyField(e, Meta(e)), &n);
  return {reinterpret_cast<const char*>(p), n};
}
// Start of the value field (string length varint or Object*).
inline const uint8_t* ValueField(const Entry* e, uint32_t meta) {
  uint64_t n;
  const uint8_t* p = GetVar(KeyField(e, meta), &n);
  return p + n;
}
inline Object* ObjOf(const Entry* e) {
  Object* o;
  memcpy(&o, ValueField(e, Meta(e)), sizeof(o));
  return o;
}
inline bool KeyEq(const Entry* e, std::string_view key) {
  uint64_t n;
  const uint8_t* p = GetVar(KeyField(e, Meta(e)), &n);
  return n == key.size() && memcmp(p, key.data(), n) == 0;
}
inline size_t EntrySize(bool has_expire, size_t keylen, bool is_string, size_t vallen) {
  return kBaseHeader + (has_expire ? kExpireBytes : 0) + VarintLen(keylen) + keylen +
         (is_string ? VarintLen(vallen) + vallen : sizeof(Object*));
}
// Bytes the entry occupies (its layout, not its allocation).
inline size_t EntryLength(const Entry* e) {
  uint32_t m = Meta(e);
  const uint8_t* v = ValueField(e, m);
  if ((m & kTypeMask) != static_cast<uint32_t>(ObjType::kString)) return (v - Bytes(e)) + sizeof(Object*);
  uint64_t n;
  const uint8_t* p = GetVar(v, &n);
  return (p - Bytes(e)) + n;
}

// ---- tagged links ----
using Link = uint64_t;
constexpr uint64_t kPtrMask = (uint64_t{1} << 48) - 1;
inline Entry* LinkEntry(Link l) { return reinterpret_cast<Entry*>(l & kPtrMask); }
inline Link MakeLink(Entry* e, uint64_t h) { return reinterpret_cast<uint64_t>(e) | (h & ~kPtrMask); }
inline Link* NextOf(Entry* e) { return reinterpret_cast<Link*>(e); }

inline void* AllocChecked(size_t n) {
  void* p = CountedMalloc(n);
  if ((reinterpret_cast<uint64_t>(p) & ~kPtrMask) != 0) {
    fprintf(stderr, "keyspace: allocation above 2^48 (%p), tagged pointers cannot hold it\n", p);
    abort();
  }
  return p;
}

}  // namespace rcs::keyspace_internal
