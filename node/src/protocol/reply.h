// Builds replies in RESP2 or RESP3 (chosen per client by HELLO) straight into the client's output buffer.
// Types map as Redis maps them: Map -> RESP2 flat array of 2n, Set -> array, Null -> $-1 (RESP2 bulk) or
// *-1 (NullArray), Double -> bulk string in RESP2, Bool -> integer 1/0 in RESP2.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rcs {

class ReplyBuilder {
 public:
  // Called for every error reply with the error text (without '-'); the server counts errorstats with it.
  using ErrorHook = void (*)(void* arg, std::string_view error);

  ReplyBuilder(std::string* out, int proto) : out_(out), proto_(proto) {}
  void set_error_hook(ErrorHook hook, void* arg) { error_hook_ = hook; error_arg_ = arg; }
  void set_proto(int proto) { proto_ = proto; }
  int proto() const { return proto_; }
  std::string* buffer() { return out_; }
  void set_buffer(std::string* out) { out_ = out; }
  // Number of error replies written since construction (the dispatcher uses it for failed_calls).
  uint64_t errors() const { return errors_; }

  void Ok() { out_->append("+OK\r\n", 5); }
  void Simple(std::string_view s);
  // msg is the Redis error text without the leading '-', e.g. "ERR syntax error" or "WRONGTYPE ...".
  // Newlines in msg are replaced by spaces (they would break the protocol).
  void Error(std::string_view msg);
  void Integer(int64_t v);
  void Bulk(std::string_view s);
  void BulkInt(int64_t v);          // an integer as a bulk string
  void Double(double d);            // RESP3 double, RESP2 bulk ("%.17g")
  void DoubleText(std::string_view text);  // a pre-formatted double (e.g. INCRBYFLOAT's text)
  void Null();                      // RESP2 $-1, RESP3 _
  void NullArray();                 // RESP2 *-1, RESP3 _
  void Bool(bool b);                // RESP3 #t/#f, RESP2 :1/:0
  void Array(size_t n);
  void Map(size_t pairs);           // RESP3 %n, RESP2 *2n
  void Set(size_t n);               // RESP3 ~n, RESP2 *n
  void Verbatim(std::string_view text);  // RESP3 =len\r\ntxt:..., RESP2 bulk (INFO, CLIENT LIST...)
  void Push(size_t n);              // RESP3 >n, RESP2 *n
  void BulkArray(const std::vector<std::string>& items);
  void BulkArray(const std::vector<std::string_view>& items);
  void Raw(std::string_view bytes) { out_->append(bytes.data(), bytes.size()); }

  // For replies whose length is known only after writing the elements: reserve a header, fill it later.
  size_t BeginDeferred();
  void EndDeferredArray(size_t handle, size_t n);
  void EndDeferredMap(size_t handle, size_t pairs);
  void EndDeferredSet(size_t handle, size_t n);

 private:
  void Header(char type, int64_t n);
  void EndDeferred(size_t handle, char type, int64_t n);
  std::string* out_;
  int proto_;
  uint64_t errors_ = 0;
  ErrorHook error_hook_ = nullptr;
  void* error_arg_ = nullptr;
};

}  // namespace rcs
