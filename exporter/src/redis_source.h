// The one interface between the exporter's logic and Redis. The scraper hands a batch of requests (one per
// node, each a pipeline of commands) and a deadline; the source answers all of them, concurrently, by the
// deadline. HiredisSource is the real one; tests use a fake with canned replies.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "redis_uri.h"

namespace rcs::exporter {

using Clock = std::chrono::steady_clock;

struct Reply {
  enum class Type { kString, kStatus, kInteger, kNil, kArray, kError };
  Type type = Type::kNil;
  std::string str;  // string, status or error text
  long long integer = 0;
  std::vector<Reply> elements;

  bool IsError() const { return type == Type::kError; }
  static Reply String(std::string s) { return Reply{Type::kString, std::move(s), 0, {}}; }
  static Reply Error(std::string s) { return Reply{Type::kError, std::move(s), 0, {}}; }
  static Reply Integer(long long v) { return Reply{Type::kInteger, {}, v, {}}; }
};

using Command = std::vector<std::string>;

struct NodeRequest {
  Endpoint endpoint;
  std::string user;      // AUTH user (Redis 6 ACL); "" for the default user
  std::string password;  // "" sends no AUTH
  std::vector<Command> commands;
};

enum class FetchError { kNone, kConnect, kAuth, kTimeout, kIo };
const char* FetchErrorName(FetchError e);

struct NodeResponse {
  FetchError error = FetchError::kNone;
  std::string message;         // what went wrong, for logs ("" when ok)
  std::vector<Reply> replies;  // one per command when ok (a command's own error is an error Reply)
  double seconds = 0;          // time from the start of the fetch to this node's last reply
  bool ok() const { return error == FetchError::kNone; }
};

class RedisSource {
 public:
  virtual ~RedisSource() = default;
  // Answers requests[i] in result[i]. Never blocks past `deadline`.
  virtual std::vector<NodeResponse> Fetch(const std::vector<NodeRequest>& requests, Clock::time_point deadline) = 0;
  // Drops cached connections to endpoints not in `keep` (HostPort keys); nodes that left the cluster.
  virtual void Retain(const std::vector<std::string>& keep) {}
};

}  // namespace rcs::exporter
