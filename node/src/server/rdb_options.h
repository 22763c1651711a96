// The encoding limits an RDB load (a file, a full sync from redis-server, a RESTORE payload) converts
// values with: the server's hash/zset/set thresholds, shared by persistence/, replication/ and commands/.
#pragma once
#include <cstddef>

#include "base/file_util.h"
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
// target: the file is dump.rdb (rdb-save-incremental-fsync) or an AOF base
// (aof-rewrite-incremental-fsync); false for a stream (a full sync).
enum class RdbTarget { kStream, kDumpFile, kAofBase };
inline RdbWriteOptions RdbWriteOptionsFromConfig(const Config& c, RdbTarget target = RdbTarget::kStream) {
  RdbWriteOptions o;
  o.list_max_listpack_size = c.list_max_listpack_size;
  o.compress = c.rdbcompression;
  bool sync = (target == RdbTarget::kDumpFile && c.rdb_save_incremental_fsync) ||
              (target == RdbTarget::kAofBase && c.aof_rewrite_incremental_fsync);
  o.incremental_sync_bytes = sync ? IncrementalSync::kDefaultChunk : 0;
  return o;
}

}  // namespace rcs
