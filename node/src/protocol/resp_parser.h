// Incremental parser for client requests: RESP multibulk ("*N\r\n$len\r\n...\r\n") and inline commands
// ("SET k v\r\n", quoting as redis-cli and Redis accept it).
//
// The parser is resumable: when a frame is split across reads it keeps its place (offsets relative to the
// start of the current command), so a large bulk arriving in pieces is scanned once. The caller keeps the
// bytes of the current command at a stable offset from its start (it may move the whole command in memory
// between calls, e.g. when compacting the buffer, because offsets are relative).
//
// Limits (Redis's defaults; the errors are err::kProto* texts, sent before the connection is
// closed): multibulk count <= 1024*1024, bulk length <= proto-max-bulk-len, count lines and inline
// requests <= 64 KiB.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rcs {

class RespParser {
 public:
  enum class Result { kCommand, kIncomplete, kError };

  static constexpr size_t kMaxInlineSize = 64 * 1024;
  static constexpr int64_t kMaxMultibulkLen = 1024 * 1024;

  // Parses the command at the start of data. kCommand: *consumed bytes form one command whose arguments
  // are in *args (views into data; an empty command, e.g. a blank line or "*0", gives empty args).
  // kIncomplete: more bytes are needed; call again with the same command start and more bytes.
  // kError: error_reply() holds the error reply (an err::kProto* text), error() the same without its
  // leading "ERR "; the connection must be closed.
  Result Parse(std::string_view data, size_t* consumed, std::vector<std::string_view>* args);

  const std::string& error_reply() const { return error_; }
  std::string error() const { return error_.substr(4); }
  void set_max_bulk_len(int64_t n) { max_bulk_len_ = n; }
  // Bytes the current incomplete command still needs at least (a hint for reading large bulks).
  size_t bytes_hint() const { return bulk_len_ > 0 ? static_cast<size_t>(bulk_len_) + 2 : 0; }
  bool in_progress() const { return state_ != State::kStart; }
  void Reset();

 private:
  enum class State { kStart, kBulkHeader, kBulkData };
  Result ParseInline(std::string_view data, size_t* consumed, std::vector<std::string_view>* args);
  Result Fail(std::string_view reply);

  State state_ = State::kStart;
  size_t pos_ = 0;                // resume offset from the command's start
  int64_t multibulk_left_ = 0;    // arguments still to read
  int64_t bulk_len_ = -1;         // length of the bulk being read
  std::vector<std::pair<size_t, size_t>> spans_;  // (offset, length) of each argument read so far
  int64_t max_bulk_len_ = 512LL * 1024 * 1024;
  std::string error_;
  std::string inline_storage_;    // unescaped inline arguments live here
};

// Splits an inline line as Redis's sdssplitargs does: spaces separate, "..." with \n \r \t \b \a \\ \" and
// \xHH escapes, '...' with \' only. Returns false on unbalanced quotes.
bool SplitInlineArgs(std::string_view line, std::vector<std::string>* out);

}  // namespace rcs
