// Errors as values on the data path. A Status carries a message that is, where it reaches a client, the
// exact Redis error text without the leading '-' (e.g. "ERR syntax error").
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace rcs {

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string msg) { Status s; s.ok_ = false; s.msg_ = std::move(msg); return s; }
  static Status Error(std::string_view msg) { return Error(std::string(msg)); }
  static Status Error(const char* msg) { return Error(std::string(msg)); }
  bool ok() const { return ok_; }
  const std::string& message() const { return msg_; }
  explicit operator bool() const { return ok_; }

 private:
  bool ok_ = true;
  std::string msg_;
};

template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T& operator*() { return *value_; }
  T* operator->() { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace rcs
