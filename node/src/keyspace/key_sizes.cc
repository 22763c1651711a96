#include "keyspace/key_sizes.h"

namespace rcs {

int KeySizes::TypeIndex(ObjType t) {
  switch (t) {
    case ObjType::kString: return 0;
    case ObjType::kList: return 1;
    case ObjType::kSet: return 2;
    case ObjType::kZSet: return 3;
    case ObjType::kHash: return 4;
    default: return -1;
  }
}

std::string KeySizes::BinLabel(int bin) {
  if (bin == 0) return "0";
  int power = bin - 1;  // the bin's lower bound is 2^power
  static constexpr const char* kUnits[] = {"", "K", "M", "G", "T", "P", "E"};
  int unit = power / 10;
  return std::to_string(uint64_t{1} << (power - unit * 10)) + kUnits[unit];
}

std::string_view KeySizes::LineName(int type) {
  static constexpr std::string_view kNames[kTypes] = {"distrib_strings_sizes", "distrib_lists_items",
                                                      "distrib_sets_items", "distrib_zsets_items",
                                                      "distrib_hashes_items"};
  return kNames[type];
}

void KeySizes::AppendInfo(int db, std::string* out) const {
  for (int t = 0; t < kTypes; t++) {
    bool any = false;
    for (int b = 0; b < kBins; b++) {
      if (counts_[t][b] == 0) continue;
      if (!any) {
        *out += "db" + std::to_string(db) + "_";
        *out += LineName(t);
        *out += ':';
        any = true;
      } else {
        *out += ',';
      }
      *out += BinLabel(b);
      *out += '=';
      *out += std::to_string(counts_[t][b]);
    }
    if (any) *out += "\r\n";
  }
}

}  // namespace rcs
