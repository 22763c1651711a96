#include "keyspace/serialize.h"

#include <cstring>

namespace rcs {

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutBytes(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s.data(), s.size());
}

void PutDouble(std::string* out, double d) {
  uint64_t bits;
  memcpy(&bits, &d, 8);
  for (int i = 0; i < 8; i++) out->push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

bool PayloadReader::GetVarint(uint64_t* v) {
  uint64_t result = 0;
  size_t p = pos_;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p >= data_.size()) return false;
    uint8_t b = static_cast<uint8_t>(data_[p++]);
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *v = result;
      pos_ = p;
      return true;
    }
  }
  return false;
}

bool PayloadReader::GetBytes(std::string_view* s) {
  size_t save = pos_;
  uint64_t len;
  if (!GetVarint(&len)) return false;
  if (len > data_.size() - pos_) {
    pos_ = save;
    return false;
  }
  *s = data_.substr(pos_, len);
  pos_ += len;
  return true;
}

bool PayloadReader::GetDouble(double* d) {
  if (data_.size() - pos_ < 8) return false;
  uint64_t bits = 0;
  for (int i = 0; i < 8; i++) bits |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
  memcpy(d, &bits, 8);
  pos_ += 8;
  return true;
}

}  // namespace rcs
