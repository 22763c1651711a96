// The one way the exporter cuts reply text into pieces: INFO / CLUSTER INFO / CLUSTER NODES lines, the
// "k=v,k=v" lists inside INFO values, CLUSTER NODES flags and fields. Views into the text; nothing is copied.
#pragma once
#include <string_view>

namespace rcs::exporter {

// Yields the pieces between `sep`, in order; empty pieces are yielded too, except after a trailing separator
// (so "a,b," is "a", "b" and "" is nothing).
class Splitter {
 public:
  Splitter(std::string_view text, char sep) : rest_(text), sep_(sep) {}

  bool Next(std::string_view& piece) {
    if (done_ || rest_.empty()) return false;
    const size_t at = rest_.find(sep_);
    if (at == std::string_view::npos) {
      piece = rest_;
      done_ = true;
    } else {
      piece = rest_.substr(0, at);
      rest_.remove_prefix(at + 1);
    }
    return true;
  }

 private:
  std::string_view rest_;
  char sep_;
  bool done_ = false;
};

// Lines ending in "\n" with the "\r" before it dropped (Redis sends "\r\n"; a bare "\n" is accepted).
class LineSplitter {
 public:
  explicit LineSplitter(std::string_view text) : pieces_(text, '\n') {}

  bool Next(std::string_view& line) {
    if (!pieces_.Next(line)) return false;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return true;
  }

 private:
  Splitter pieces_;
};

}  // namespace rcs::exporter
