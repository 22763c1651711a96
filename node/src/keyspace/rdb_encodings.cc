// redis-server's packed encodings, read only: see rdb_encodings.h for the formats.
#include "keyspace/rdb_encodings.h"

#include <charconv>
#include <cstring>

namespace rcs {

namespace {

uint64_t LoadLE(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

// Sign-extends the low `bits` bits of v.
int64_t SignExtend(uint64_t v, int bits) {
  if (bits == 64) return static_cast<int64_t>(v);
  uint64_t m = uint64_t{1} << (bits - 1);
  v &= (uint64_t{1} << bits) - 1;
  return static_cast<int64_t>((v ^ m) - m);
}

bool EmitInt(int64_t v, const RdbElementFn& fn) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return fn(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
}

// Bytes a listpack backlen takes for an entry of `l` bytes.
size_t BacklenSize(uint64_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

}  // namespace

bool DecodeZiplist(std::string_view blob, const RdbElementFn& fn) {
  const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
  size_t size = blob.size();
  if (size < 11 || LoadLE(p, 4) != size || p[size - 1] != 0xff) return false;
  uint64_t tail = LoadLE(p + 4, 4);
  uint64_t declared = LoadLE(p + 8, 2);
  size_t pos = 10, prev_len = 0, count = 0, last_start = 10;
  while (pos < size - 1) {
    size_t start = pos;
    // prevlen
    size_t prevlen;
    if (p[pos] < 254) {
      prevlen = p[pos];
      pos += 1;
    } else if (p[pos] == 254) {
      if (size - 1 - pos < 5) return false;
      prevlen = LoadLE(p + pos + 1, 4);
      pos += 5;
    } else {
      return false;
    }
    if (prevlen != prev_len) return false;
    if (pos >= size - 1) return false;
    unsigned char enc = p[pos];
    size_t avail = size - 1 - pos;  // bytes up to the end marker, encoding byte included
    bool ok;
    switch (enc >> 6) {
      case 0: {
        size_t len = enc & 0x3f;
        if (avail < 1 + len) return false;
        ok = fn(std::string_view(blob.data() + pos + 1, len));
        pos += 1 + len;
        break;
      }
      case 1: {
        if (avail < 2) return false;
        size_t len = (static_cast<size_t>(enc & 0x3f) << 8) | p[pos + 1];
        if (avail - 2 < len) return false;
        ok = fn(std::string_view(blob.data() + pos + 2, len));
        pos += 2 + len;
        break;
      }
      case 2: {
        if (enc != 0x80 || avail < 5) return false;
        size_t len = (static_cast<size_t>(p[pos + 1]) << 24) | (static_cast<size_t>(p[pos + 2]) << 16) |
                     (static_cast<size_t>(p[pos + 3]) << 8) | p[pos + 4];
        if (avail - 5 < len) return false;
        ok = fn(std::string_view(blob.data() + pos + 5, len));
        pos += 5 + len;
        break;
      }
      default: {
        int n;
        switch (enc) {
          case 0xc0: n = 2; break;
          case 0xd0: n = 4; break;
          case 0xe0: n = 8; break;
          case 0xf0: n = 3; break;
          case 0xfe: n = 1; break;
          default:
            if (enc >= 0xf1 && enc <= 0xfd) {
              n = 0;
              break;
            }
            return false;
        }
        if (avail < 1 + static_cast<size_t>(n)) return false;
        int64_t v = n == 0 ? static_cast<int64_t>(enc & 0x0f) - 1 : SignExtend(LoadLE(p + pos + 1, n), 8 * n);
        ok = EmitInt(v, fn);
        pos += 1 + static_cast<size_t>(n);
        break;
      }
    }
    if (!ok) return false;
    prev_len = pos - start;
    last_start = start;
    count++;
  }
  if (pos != size - 1) return false;
  if (declared != 0xffff && declared != count) return false;
  if (tail != (count == 0 ? 10 : last_start)) return false;
  return true;
}

bool DecodeListpack(std::string_view blob, const RdbElementFn& fn) {
  const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
  size_t size = blob.size();
  if (size < 7 || LoadLE(p, 4) != size || p[size - 1] != 0xff) return false;
  uint64_t declared = LoadLE(p + 4, 2);
  size_t pos = 6, count = 0;
  while (pos < size - 1) {
    unsigned char enc = p[pos];
    size_t avail = size - 1 - pos;
    size_t head, len = 0;  // header bytes, string length (strings only)
    bool is_int = false;
    int64_t v = 0;
    if ((enc & 0x80) == 0) {
      is_int = true;
      v = enc & 0x7f;
      head = 1;
    } else if ((enc & 0xc0) == 0x80) {
      head = 1;
      len = enc & 0x3f;
    } else if ((enc & 0xe0) == 0xc0) {
      if (avail < 2) return false;
      is_int = true;
      v = SignExtend((static_cast<uint64_t>(enc & 0x1f) << 8) | p[pos + 1], 13);
      head = 2;
    } else if ((enc & 0xf0) == 0xe0) {
      if (avail < 2) return false;
      head = 2;
      len = (static_cast<size_t>(enc & 0x0f) << 8) | p[pos + 1];
    } else {
      int n;
      switch (enc) {
        case 0xf0:
          if (avail < 5) return false;
          head = 5;
          len = LoadLE(p + pos + 1, 4);
          n = -1;
          break;
        case 0xf1: n = 2; break;
        case 0xf2: n = 3; break;
        case 0xf3: n = 4; break;
        case 0xf4: n = 8; break;
        default: return false;
      }
      if (n > 0) {
        if (avail < 1 + static_cast<size_t>(n)) return false;
        is_int = true;
        v = SignExtend(LoadLE(p + pos + 1, n), 8 * n);
        head = 1 + static_cast<size_t>(n);
      }
    }
    if (avail < head || avail - head < len) return false;
    size_t entry = head + len;
    size_t bl = BacklenSize(entry);
    if (avail - entry < bl) return false;
    // The backlen, read backwards from its last byte, must give the entry's size.
    uint64_t back = 0;
    for (size_t i = 0; i < bl; i++) {
      unsigned char b = p[pos + entry + bl - 1 - i];
      back |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if (((b & 0x80) != 0) != (i + 1 < bl)) return false;
    }
    if (back != entry) return false;
    bool ok = is_int ? EmitInt(v, fn) : fn(std::string_view(blob.data() + pos + head, len));
    if (!ok) return false;
    pos += entry + bl;
    count++;
  }
  if (pos != size - 1) return false;
  return declared == 0xffff || declared == count;
}

bool DecodeIntset(std::string_view blob, const std::function<bool(int64_t)>& fn) {
  const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
  if (blob.size() < 8) return false;
  uint64_t width = LoadLE(p, 4);
  uint64_t count = LoadLE(p + 4, 4);
  if (width != 2 && width != 4 && width != 8) return false;
  if ((blob.size() - 8) / width != count || (blob.size() - 8) % width != 0) return false;
  int64_t prev = 0;
  for (uint64_t i = 0; i < count; i++) {
    int64_t v = SignExtend(LoadLE(p + 8 + i * width, static_cast<int>(width)), static_cast<int>(8 * width));
    if (i > 0 && v <= prev) return false;
    if (!fn(v)) return false;
    prev = v;
  }
  return true;
}

bool DecodeZipmap(std::string_view blob, const RdbElementFn& fn) {
  const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
  size_t size = blob.size();
  if (size < 2 || p[size - 1] != 0xff) return false;
  size_t declared = p[0];
  size_t pos = 1, pairs = 0;
  auto read_len = [&](size_t* len) {
    if (pos >= size - 1) return false;
    if (p[pos] < 254) {
      *len = p[pos];
      pos += 1;
      return true;
    }
    if (p[pos] != 254 || size - 1 - pos < 5) return false;
    *len = LoadLE(p + pos + 1, 4);
    pos += 5;
    return true;
  };
  while (pos < size - 1) {
    size_t flen, vlen;
    if (!read_len(&flen) || size - 1 - pos < flen) return false;
    std::string_view field(blob.data() + pos, flen);
    pos += flen;
    if (!read_len(&vlen) || pos >= size - 1) return false;
    size_t free = p[pos++];
    if (size - 1 - pos < vlen || size - 1 - pos - vlen < free) return false;
    if (!fn(field) || !fn(std::string_view(blob.data() + pos, vlen))) return false;
    pos += vlen + free;
    pairs++;
  }
  return declared >= 254 || declared == pairs;
}

}  // namespace rcs
