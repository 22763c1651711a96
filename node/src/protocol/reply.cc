#include "protocol/reply.h"

#include <charconv>
#include <cmath>

#include "base/strutil.h"

namespace rcs {

static void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr - buf);
}

void ReplyBuilder::Header(char type, int64_t n) {
  out_->push_back(type);
  AppendInt(out_, n);
  out_->append("\r\n", 2);
}

void ReplyBuilder::Simple(std::string_view s) {
  out_->push_back('+');
  out_->append(s.data(), s.size());
  out_->append("\r\n", 2);
}

void ReplyBuilder::Error(std::string_view msg) {
  errors_++;
  if (error_hook_) error_hook_(error_arg_, msg);
  out_->push_back('-');
  size_t start = out_->size();
  out_->append(msg.data(), msg.size());
  for (size_t i = start; i < out_->size(); i++) {
    if ((*out_)[i] == '\r' || (*out_)[i] == '\n') (*out_)[i] = ' ';
  }
  out_->append("\r\n", 2);
}

void ReplyBuilder::Integer(int64_t v) { Header(':', v); }

void ReplyBuilder::Bulk(std::string_view s) {
  Header('$', static_cast<int64_t>(s.size()));
  out_->append(s.data(), s.size());
  out_->append("\r\n", 2);
}

void ReplyBuilder::BulkInt(int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  Bulk(std::string_view(buf, r.ptr - buf));
}

void ReplyBuilder::Double(double d) { DoubleText(FormatDouble(d)); }

void ReplyBuilder::DoubleText(std::string_view text) {
  if (proto_ >= 3) {
    out_->push_back(',');
    out_->append(text.data(), text.size());
    out_->append("\r\n", 2);
  } else {
    Bulk(text);
  }
}

void ReplyBuilder::Null() {
  if (proto_ >= 3) out_->append("_\r\n", 3);
  else out_->append("$-1\r\n", 5);
}

void ReplyBuilder::NullArray() {
  if (proto_ >= 3) out_->append("_\r\n", 3);
  else out_->append("*-1\r\n", 5);
}

void ReplyBuilder::Bool(bool b) {
  if (proto_ >= 3) out_->append(b ? "#t\r\n" : "#f\r\n", 4);
  else out_->append(b ? ":1\r\n" : ":0\r\n", 4);
}

void ReplyBuilder::Array(size_t n) { Header('*', static_cast<int64_t>(n)); }
void ReplyBuilder::Map(size_t pairs) {
  if (proto_ >= 3) Header('%', static_cast<int64_t>(pairs));
  else Header('*', static_cast<int64_t>(pairs * 2));
}
void ReplyBuilder::Set(size_t n) { Header(proto_ >= 3 ? '~' : '*', static_cast<int64_t>(n)); }
void ReplyBuilder::Push(size_t n) { Header(proto_ >= 3 ? '>' : '*', static_cast<int64_t>(n)); }

void ReplyBuilder::Verbatim(std::string_view text) {
  if (proto_ >= 3) {
    Header('=', static_cast<int64_t>(text.size() + 4));
    out_->append("txt:", 4);
    out_->append(text.data(), text.size());
    out_->append("\r\n", 2);
  } else {
    Bulk(text);
  }
}

void ReplyBuilder::BulkArray(const std::vector<std::string>& items) {
  Array(items.size());
  for (auto& s : items) Bulk(s);
}
void ReplyBuilder::BulkArray(const std::vector<std::string_view>& items) {
  Array(items.size());
  for (auto s : items) Bulk(s);
}

// A deferred header: remember where the reply starts and insert the header there once the count is
// known (RESP has no padding, so no space can be reserved). Inserting shifts the tail once per deferred
// reply, which is cheap compared with building the elements.
size_t ReplyBuilder::BeginDeferred() { return out_->size(); }

void ReplyBuilder::EndDeferred(size_t handle, char type, int64_t n) {
  char buf[32];
  buf[0] = type;
  auto r = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n);
  r.ptr[0] = '\r';
  r.ptr[1] = '\n';
  out_->insert(handle, buf, (r.ptr + 2) - buf);
}

void ReplyBuilder::EndDeferredArray(size_t handle, size_t n) { EndDeferred(handle, '*', static_cast<int64_t>(n)); }
void ReplyBuilder::EndDeferredMap(size_t handle, size_t pairs) {
  if (proto_ >= 3) EndDeferred(handle, '%', static_cast<int64_t>(pairs));
  else EndDeferred(handle, '*', static_cast<int64_t>(pairs * 2));
}
void ReplyBuilder::EndDeferredSet(size_t handle, size_t n) {
  EndDeferred(handle, proto_ >= 3 ? '~' : '*', static_cast<int64_t>(n));
}

}  // namespace rcs
