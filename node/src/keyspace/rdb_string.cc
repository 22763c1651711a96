// redis-server's RDB string encoding, for RESTORE of its DUMP payloads: see rdb_string.h.
#include "keyspace/rdb_string.h"

#include <cstring>

namespace rcs {

namespace {

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool Byte(uint8_t* b) {
    if (pos_ >= s_.size()) return false;
    *b = static_cast<uint8_t>(s_[pos_++]);
    return true;
  }
  bool Bytes(size_t n, std::string_view* out) {
    if (s_.size() - pos_ < n) return false;
    *out = s_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == s_.size(); }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// An RDB length, or (*encoded) the special-encoding number of an 11xxxxxx byte.
bool ReadLen(Reader* r, uint64_t* len, bool* encoded) {
  uint8_t b;
  if (!r->Byte(&b)) return false;
  *encoded = false;
  switch (b >> 6) {
    case 0:
      *len = b & 0x3f;
      return true;
    case 1: {
      uint8_t b2;
      if (!r->Byte(&b2)) return false;
      *len = (static_cast<uint64_t>(b & 0x3f) << 8) | b2;
      return true;
    }
    case 2: {
      int n = b == 0x80 ? 4 : b == 0x81 ? 8 : 0;
      if (n == 0) return false;
      std::string_view v;
      if (!r->Bytes(static_cast<size_t>(n), &v)) return false;
      uint64_t x = 0;
      for (unsigned char c : v) x = (x << 8) | c;
      *len = x;
      return true;
    }
    default:
      *encoded = true;
      *len = b & 0x3f;
      return true;
  }
}

bool ReadPlainLen(Reader* r, uint64_t* len) {
  bool encoded;
  return ReadLen(r, len, &encoded) && !encoded;
}

}  // namespace

void AppendRdbLength(std::string* out, uint64_t len) {
  if (len < 64) {
    out->push_back(static_cast<char>(len));
  } else if (len < 16384) {
    out->push_back(static_cast<char>(0x40 | (len >> 8)));
    out->push_back(static_cast<char>(len & 0xff));
  } else {
    int n = len <= UINT32_MAX ? 4 : 8;
    out->push_back(static_cast<char>(n == 4 ? 0x80 : 0x81));
    for (int i = n - 1; i >= 0; i--) out->push_back(static_cast<char>((len >> (8 * i)) & 0xff));
  }
}

bool LzfDecompressTo(std::string_view in, char* out, size_t out_len) {
  const auto* ip = reinterpret_cast<const unsigned char*>(in.data());
  const unsigned char* const in_end = ip + in.size();
  auto* op = reinterpret_cast<unsigned char*>(out);
  unsigned char* const out_end = op + out_len;
  while (ip < in_end) {
    unsigned ctrl = *ip++;
    if (ctrl < 32) {  // a literal run of ctrl + 1 bytes
      size_t n = ctrl + 1;
      if (static_cast<size_t>(in_end - ip) < n || static_cast<size_t>(out_end - op) < n) return false;
      memcpy(op, ip, n);
      op += n;
      ip += n;
      continue;
    }
    size_t len = ctrl >> 5;
    if (len == 7) {
      if (ip >= in_end) return false;
      len += *ip++;
    }
    if (ip >= in_end) return false;
    size_t dist = ((ctrl & 0x1f) << 8) + *ip++ + 1;
    len += 2;
    if (dist > static_cast<size_t>(op - reinterpret_cast<unsigned char*>(out)) ||
        static_cast<size_t>(out_end - op) < len) {
      return false;
    }
    const unsigned char* ref = op - dist;
    if (dist >= len) {
      memcpy(op, ref, len);
    } else if (dist >= 8 && static_cast<size_t>(out_end - op) >= len + 8) {
      // Overlapping, 8 bytes at a time: each word is read from bytes already final (dist >= 8); the last
      // word may write up to 7 bytes past len, which later input overwrites (there is room for them).
      for (size_t k = 0; k < len; k += 8) memcpy(op + k, ref + k, 8);
    } else {
      for (size_t k = 0; k < len; k++) op[k] = ref[k];  // a run repeating the last dist bytes
    }
    op += len;
  }
  return op == out_end;
}

bool LzfDecompress(std::string_view in, size_t out_len, std::string* out) {
  out->resize(out_len);
  if (LzfDecompressTo(in, out->data(), out_len)) return true;
  out->clear();
  return false;
}

bool DecodeRdbString(std::string_view body, std::string* out) {
  Reader r(body);
  uint64_t len;
  bool encoded;
  if (!ReadLen(&r, &len, &encoded)) return false;
  if (!encoded) {
    std::string_view v;
    if (!r.Bytes(static_cast<size_t>(len), &v) || !r.done()) return false;
    out->assign(v.data(), v.size());
    return true;
  }
  std::string_view v;
  switch (len) {
    case 0:
    case 1:
    case 2: {
      size_t n = size_t{1} << len;  // 1, 2 or 4 bytes
      if (!r.Bytes(n, &v) || !r.done()) return false;
      uint32_t u = 0;
      for (size_t k = 0; k < n; k++) u |= static_cast<uint32_t>(static_cast<uint8_t>(v[k])) << (8 * k);
      int64_t x = n == 1 ? static_cast<int8_t>(u) : n == 2 ? static_cast<int16_t>(u) : static_cast<int32_t>(u);
      *out = std::to_string(x);
      return true;
    }
    case 3: {
      uint64_t clen, ulen;
      if (!ReadPlainLen(&r, &clen) || !ReadPlainLen(&r, &ulen)) return false;
      if (!r.Bytes(static_cast<size_t>(clen), &v) || !r.done()) return false;
      if (ulen > (uint64_t{1} << 40)) return false;  // no real value; refuses a hostile size before reserving
      return LzfDecompress(v, static_cast<size_t>(ulen), out);
    }
    default:
      return false;
  }
}

}  // namespace rcs
