// --check-keys / --check-single-keys (redis_exporter's flags): the size of chosen keys, to catch big keys.
//
// Patterns are found with SCAN MATCH on every master (a key lives on one master of the cluster; on a
// standalone server, on the seed), COUNT --check-keys-batch-size, for at most --check-keys-limit keys in all
// and within the scrape deadline. Single keys go to the master owning their slot (CRC16 of the key's hash
// tag, as CLUSTER KEYSLOT). For each key found: TYPE, then its size by type (STRLEN, LLEN, SCARD, ZCARD, HLEN,
// XLEN) and, for strings of at most 4096 bytes, their value (GETRANGE 0 4095, so a big string is never read).
// A single key that does not exist gets size 0, as in redis_exporter.
// Series as redis_exporter 1.45 prints them: redis_key_size{db,key}; a string value that parses as a number
// redis_key_value{db,key}, any other redis_key_value_as_string{db,key,val} 1. "db" is "db0", ...; a pattern or
// key may be written "db3=pattern" (only db0 exists in a cluster; other dbs are skipped there).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metric_set.h"
#include "redis_source.h"

namespace rcs::exporter {

struct KeyPattern {
  int db = 0;
  std::string pattern;  // a SCAN MATCH glob, or a single key's name
  bool operator==(const KeyPattern&) const = default;
};

// "a*,db1=b*" -> {0,"a*"},{1,"b*"}. Blank items are skipped. Error on a bad db number.
std::optional<std::vector<KeyPattern>> ParseKeyPatterns(std::string_view list, std::string* error);

// CLUSTER KEYSLOT: CRC16 (XMODEM) of the key, or of the part inside the first non-empty {...}, mod 16384.
int KeyHashSlot(std::string_view key);

struct KeyCheckOptions {
  std::vector<KeyPattern> patterns;     // --check-keys
  std::vector<KeyPattern> single_keys;  // --check-single-keys
  size_t batch_size = 1000;             // --check-keys-batch-size: SCAN COUNT
  size_t limit = 1000;                  // --check-keys-limit: keys per scrape, over all patterns and nodes
  bool enabled() const { return !patterns.empty() || !single_keys.empty(); }
};

// Where keys live: a master and its slot ranges (empty = a standalone server, which has them all).
struct KeyTarget {
  Endpoint endpoint;
  std::vector<std::pair<int, int>> slots;
  bool Owns(int slot) const;
};

struct CheckedKey {
  int db = 0;
  std::string key;
  std::string type;  // TYPE's answer
  long long size = 0;
  std::optional<std::string> value;  // strings of at most 4096 bytes
};

using RequestMaker = std::function<NodeRequest(const Endpoint&, std::vector<Command>)>;

// The size command for a TYPE answer; "" for a type without one.
std::string_view SizeCommand(std::string_view type);

// Finds and sizes the keys. `cluster` false: only the dbs of the patterns matter; true: db0 only.
std::vector<CheckedKey> CheckKeys(const KeyCheckOptions& opts, bool cluster, const std::vector<KeyTarget>& targets,
                                  RedisSource& source, const RequestMaker& make, Clock::time_point deadline);

// The series of the checked keys (sorted by db and key).
void WriteKeyMetrics(std::vector<CheckedKey> keys, MetricSet& out);

}  // namespace rcs::exporter
