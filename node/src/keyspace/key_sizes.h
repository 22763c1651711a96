// INFO keysizes (Redis 8.2): for each value type, how many keys of a database have a length in each
// power-of-two bin. A string's length is its byte count (STRLEN), a list's, set's, sorted set's and hash's
// their element count (LLEN, SCARD, ZCARD, HLEN); streams are not counted, as in Redis.
//
// Bins: bin 0 holds length 0 (only strings can be empty), bin i >= 1 holds lengths [2^(i-1), 2^i). The
// section prints one line per database and type that has keys, types in Redis's order (strings, lists,
// sets, zsets, hashes), bins ascending, only bins that hold keys, each labelled by its lower bound, with
// K/M/G/T/P for multiples of 1024:
//   db0_distrib_strings_sizes:0=1,2=3,1K=2
//   db0_distrib_lists_items:4=1,16M=1
// The counts are kept by the keyspace as keys are written (keyspace.h: key_sizes, SettleKeySizes).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "keyspace/object.h"

namespace rcs {

class KeySizes {
 public:
  static constexpr int kTypes = 5;  // strings, lists, sets, zsets, hashes
  static constexpr int kBins = 66;  // length 0, then [2^(i-1), 2^i) for i = 1..64 (and a spare)

  // The histogram's index of a value type, -1 for the ones not counted (streams).
  static int TypeIndex(ObjType t);
  // The bin of a length.
  static int Bin(uint64_t len) { return len == 0 ? 0 : 64 - __builtin_clzll(len); }
  // A bin's label: its lower bound, "0", "1", ... "512", "1K", ... "512K", "1M", ... (Redis's format).
  static std::string BinLabel(int bin);
  // The name of a type's line after "db<N>_": "distrib_strings_sizes", "distrib_lists_items", ...
  static std::string_view LineName(int type);

  void Add(int type, int bin) { counts_[type][bin]++; }
  void Remove(int type, int bin) { counts_[type][bin]--; }
  void Clear() { counts_ = {}; }
  int64_t count(int type, int bin) const { return counts_[type][bin]; }
  // The section's lines for database `db` ("db0_distrib_...:...\r\n" per type with keys), appended to `out`.
  void AppendInfo(int db, std::string* out) const;

 private:
  std::array<std::array<int64_t, kBins>, kTypes> counts_{};
};

}  // namespace rcs
