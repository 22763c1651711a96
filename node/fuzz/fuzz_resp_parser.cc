// libFuzzer target for the request parser: any byte sequence, delivered in arbitrary pieces, must either
// parse into commands, ask for more bytes, or end in a protocol error; never crash, hang or read out of
// bounds (built with ASan+UBSan). The first input byte chooses how the rest is split into reads.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/resp_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t step = (data[0] % 64) + 1;
  std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  rcs::RespParser parser;
  parser.set_max_bulk_len(1 << 20);
  std::vector<std::string_view> args;
  std::string buf;
  size_t fed = 0;
  while (fed < input.size()) {
    size_t n = std::min(step, input.size() - fed);
    buf.append(input, fed, n);
    fed += n;
    for (int guard = 0; guard < 100000 && !buf.empty(); guard++) {
      size_t consumed = 0;
      auto r = parser.Parse(buf, &consumed, &args);
      if (r == rcs::RespParser::Result::kError) return 0;
      if (r == rcs::RespParser::Result::kIncomplete) break;
      if (consumed == 0 || consumed > buf.size()) __builtin_trap();  // must always make progress
      size_t total = 0;
      for (auto a : args) {
        // Every argument must point inside the buffer or inside the parser's own inline storage.
        total += a.size();
        volatile char sink = a.empty() ? 0 : a[a.size() - 1];
        (void)sink;
      }
      (void)total;
      buf.erase(0, consumed);
    }
  }
  return 0;
}
