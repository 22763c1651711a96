// WATCH and blocking know a key by its database too (server.cc, call.cc): 4 bytes of the index, then the key.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace rcs {

inline std::string DbKey(int db, std::string_view key) {
  std::string k(4 + key.size(), '\0');
  uint32_t d = static_cast<uint32_t>(db);
  memcpy(k.data(), &d, 4);
  if (!key.empty()) memcpy(k.data() + 4, key.data(), key.size());
  return k;
}

inline int DbOfKey(std::string_view dbkey) {
  uint32_t d;
  memcpy(&d, dbkey.data(), 4);
  return static_cast<int>(d);
}

}  // namespace rcs
