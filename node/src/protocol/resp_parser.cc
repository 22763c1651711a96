#include "protocol/resp_parser.h"

#include <cctype>
#include <cstring>

#include "base/strutil.h"
#include "protocol/errors.h"

namespace rcs {

void RespParser::Reset() {
  state_ = State::kStart;
  pos_ = 0;
  multibulk_left_ = 0;
  bulk_len_ = -1;
  spans_.clear();
}

RespParser::Result RespParser::Fail(std::string_view reply) {
  error_.assign(reply);
  Reset();
  return Result::kError;
}

// Reads a "<prefix><int>\r\n" line at data[pos]. Returns 1 on success (value, *next set), 0 if incomplete,
// -1 if the line is malformed.
static int ReadCountLine(std::string_view data, size_t pos, int64_t* value, size_t* next, bool* too_big) {
  size_t limit = data.size();
  // Fast path for the common case: 1-18 plain digits without a leading zero (or "0"), then CRLF. Anything
  // else (signs, leading zeros, junk, a line split across reads) takes the general path below, which has
  // string2ll's exact rules.
  {
    const char* p = data.data() + pos + 1;
    const char* end = data.data() + limit;
    const char* start = p;
    int64_t v = 0;
    while (p < end && p - start < 18 && static_cast<unsigned>(*p - '0') <= 9) v = v * 10 + (*p++ - '0');
    size_t ndigits = static_cast<size_t>(p - start);
    if (ndigits > 0 && p + 1 < end && p[0] == '\r' && p[1] == '\n' && (start[0] != '0' || ndigits == 1)) {
      *value = v;
      *next = static_cast<size_t>(p + 2 - data.data());
      return 1;
    }
  }
  const char* start = data.data() + pos + 1;
  const void* cr = memchr(start, '\r', limit - pos - 1);
  if (cr == nullptr) {
    *too_big = limit - pos > RespParser::kMaxInlineSize;
    return 0;
  }
  size_t cr_pos = static_cast<const char*>(cr) - data.data();
  if (cr_pos - pos > RespParser::kMaxInlineSize) {
    *too_big = true;
    return 0;
  }
  if (cr_pos + 1 >= limit) return 0;  // need the '\n'
  std::string_view num = data.substr(pos + 1, cr_pos - pos - 1);
  if (!ParseInt64(num, value)) return -1;
  *next = cr_pos + 2;
  return 1;
}

RespParser::Result RespParser::Parse(std::string_view data, size_t* consumed,
                                     std::vector<std::string_view>* args) {
  args->clear();
  if (state_ == State::kStart) {
    if (data.empty()) return Result::kIncomplete;
    if (data[0] != '*') return ParseInline(data, consumed, args);
    int64_t count = 0;
    size_t next = 0;
    bool too_big = false;
    int r = ReadCountLine(data, 0, &count, &next, &too_big);
    if (r == 0) {
      if (too_big) return Fail(err::kProtoBigMbulkCount);
      return Result::kIncomplete;
    }
    if (r < 0 || count > kMaxMultibulkLen) return Fail(err::kProtoBadMbulkLen);
    if (count <= 0) {
      *consumed = next;
      return Result::kCommand;
    }
    multibulk_left_ = count;
    spans_.clear();
    spans_.reserve(static_cast<size_t>(count < 1024 ? count : 1024));
    pos_ = next;
    state_ = State::kBulkHeader;
  }
  while (multibulk_left_ > 0) {
    if (state_ == State::kBulkHeader) {
      if (pos_ >= data.size()) return Result::kIncomplete;
      if (data[pos_] != '$') {
        return Fail(err::ProtoExpectedDollar(data[pos_]));
      }
      int64_t len = 0;
      size_t next = 0;
      bool too_big = false;
      int r = ReadCountLine(data, pos_, &len, &next, &too_big);
      if (r == 0) {
        if (too_big) return Fail(err::kProtoBigBulkCount);
        return Result::kIncomplete;
      }
      if (r < 0 || len < 0 || len > max_bulk_len_) return Fail(err::kProtoBadBulkLen);
      bulk_len_ = len;
      pos_ = next;
      state_ = State::kBulkData;
    }
    // kBulkData
    size_t need = static_cast<size_t>(bulk_len_) + 2;
    if (data.size() - pos_ < need) return Result::kIncomplete;
    // Redis does not check the trailing CRLF of a bulk; we do not either (compatibility), but we skip it.
    spans_.emplace_back(pos_, static_cast<size_t>(bulk_len_));
    pos_ += need;
    bulk_len_ = -1;
    multibulk_left_--;
    state_ = State::kBulkHeader;
  }
  args->reserve(spans_.size());
  for (auto& [off, len] : spans_) args->emplace_back(data.data() + off, len);
  *consumed = pos_;
  state_ = State::kStart;
  pos_ = 0;
  spans_.clear();
  return Result::kCommand;
}

RespParser::Result RespParser::ParseInline(std::string_view data, size_t* consumed,
                                           std::vector<std::string_view>* args) {
  const void* nl = memchr(data.data(), '\n', data.size());
  if (nl == nullptr) {
    if (data.size() > kMaxInlineSize) return Fail(err::kProtoBigInline);
    return Result::kIncomplete;
  }
  size_t nl_pos = static_cast<const char*>(nl) - data.data();
  if (nl_pos > kMaxInlineSize) return Fail(err::kProtoBigInline);
  std::string_view line = data.substr(0, nl_pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::vector<std::string> parts;
  if (!SplitInlineArgs(line, &parts)) return Fail(err::kProtoUnbalancedQuotes);
  // Keep the unescaped arguments in one buffer so that the views stay valid until the next Parse call.
  inline_storage_.clear();
  size_t total = 0;
  for (auto& p : parts) total += p.size();
  inline_storage_.reserve(total);
  for (auto& p : parts) inline_storage_ += p;
  size_t off = 0;
  for (auto& p : parts) {
    args->emplace_back(inline_storage_.data() + off, p.size());
    off += p.size();
  }
  *consumed = nl_pos + 1;
  return Result::kCommand;
}

static int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool SplitInlineArgs(std::string_view line, std::vector<std::string>* out) {
  out->clear();
  size_t i = 0, n = line.size();
  while (true) {
    while (i < n && isspace(static_cast<unsigned char>(line[i]))) i++;
    if (i >= n) return true;
    std::string cur;
    bool in_dq = false, in_sq = false, done = false;
    while (!done) {
      if (in_dq) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && HexValue(line[i + 2]) >= 0 &&
            HexValue(line[i + 3]) >= 0) {
          cur += static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3]));
          i += 3;
        } else if (c == '\\' && i + 1 < n) {
          i++;
          switch (line[i]) {
            case 'n': cur += '\n'; break;
            case 'r': cur += '\r'; break;
            case 't': cur += '\t'; break;
            case 'b': cur += '\b'; break;
            case 'a': cur += '\a'; break;
            default: cur += line[i]; break;
          }
        } else if (c == '"') {
          // A closing quote must be followed by a space or the end.
          if (i + 1 < n && !isspace(static_cast<unsigned char>(line[i + 1]))) return false;
          done = true;
        } else {
          cur += c;
        }
      } else if (in_sq) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          i++;
          cur += '\'';
        } else if (c == '\'') {
          if (i + 1 < n && !isspace(static_cast<unsigned char>(line[i + 1]))) return false;
          done = true;
        } else {
          cur += c;
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        char c = line[i];
        if (isspace(static_cast<unsigned char>(c))) {
          done = true;
        } else if (c == '"') {
          in_dq = true;
        } else if (c == '\'') {
          in_sq = true;
        } else {
          cur += c;
        }
      }
      if (i < n) i++;
    }
    out->push_back(std::move(cur));
  }
}

}  // namespace rcs
