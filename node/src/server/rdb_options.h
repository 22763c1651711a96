// The encoding limits an RDB load (a file, a full sync from redis-server, a RESTORE payload) converts
// values with: the server's hash/zset/set thresholds, shared by persistence/, replication/ and commands/.
#pragma once
#include <cstddef>

#include "keyspace/rdb_parser.h"
#include "keyspace/rdb_writer.h"
#include "server/config.h"

namespace rcs {

inline RdbParseOptions RdbOptionsFromConfig(const Config& c) {
  RdbParseOptions o;
  o.hash = HashValue::Limits{c.hash_max_listpack_entries, c.hash_max_listpack_value};
  o.zset.max_listpack_entries = c.zset_max_listpack_entries < 0 ? 0 : static_cast<size_t>(c.zset_max_listpack_entries);
  o.zset.max_listpack_value = c.zset_max_listpack_value < 0 ? 0 : static_cast<size_t>(c.zset_max_listpack_value);
  o.set_max_intset_entries = c.set_max_intset_entries;
  return o;
}

// The encodings an RDB file is written with (BGSAVE, the AOF rewrite's RDB base, a full sync to redis-server).
inline RdbWriteOptions RdbWriteOptionsFromConfig(const Config& c) {
  RdbWriteOptions o;
  o.list_max_listpack_size = c.list_max_listpack_size;
  o.compress = c.rdbcompression;
  return o;
}

}  // namespace rcs
