#include "base/memory_units.h"

#include <cstring>
#include <string>
#include <utility>

#include "base/strutil.h"

namespace rcs {

bool ParseMemory(std::string_view s, int64_t* out) {
  std::string v = ToLower(s);
  static const std::pair<const char*, int64_t> kUnits[] = {
      {"kb", 1024}, {"mb", 1024LL * 1024}, {"gb", 1024LL * 1024 * 1024}, {"k", 1000},
      {"m", 1000LL * 1000}, {"g", 1000LL * 1000 * 1000}, {"b", 1}};
  int64_t mul = 1;
  size_t cut = 0;
  for (auto [suffix, factor] : kUnits) {
    size_t n = strlen(suffix);
    if (v.size() > n && v.compare(v.size() - n, n, suffix) == 0) {
      mul = factor;
      cut = n;
      break;
    }
  }
  int64_t n;
  if (!ParseInt64(std::string_view(v).substr(0, v.size() - cut), &n)) return false;
  if (n < 0 || (n > 0 && mul > INT64_MAX / n)) return false;
  *out = n * mul;
  return true;
}

}  // namespace rcs
