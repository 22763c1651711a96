// Primitives for value bodies in DUMP payloads (and anything else that stores values as bytes).
// Encoding: unsigned LEB128 varints; byte strings as varint length + bytes; doubles as 8 bytes IEEE-754
// little endian. Every value type's Serialize writes its body with these and its static Deserialize reads
// it back; DeserializeObject (object.h) picks the type's decoder.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace rcs {

void PutVarint(std::string* out, uint64_t v);
void PutBytes(std::string* out, std::string_view s);
void PutDouble(std::string* out, double d);

// Reads what the Put* functions wrote. Every Get* returns false (and reads nothing) when the input is
// short or malformed, so decoders never read past the end.
class PayloadReader {
 public:
  explicit PayloadReader(std::string_view data) : data_(data) {}
  bool GetVarint(uint64_t* v);
  bool GetBytes(std::string_view* s);
  bool GetDouble(double* d);
  bool done() const { return pos_ == data_.size(); }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace rcs
