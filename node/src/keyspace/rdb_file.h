// The whole RDB image of a keyspace, as Debian's redis-server 7.0.15 writes it (RDB version 10): the header,
// AUX fields, SELECTDB 0, every key that has not expired (its expiry as EXPIRETIME_MS) in the encodings of
// rdb_writer.h, EOF and the CRC-64 of everything before it. Written to a file descriptor in chunks: by
// SAVE/BGSAVE (persistence/rdb_save.h) and by a master's full sync of a redis-server replica
// (server/snapshot_stream.h).
#pragma once
#include <cstdint>
#include <string>

#include "keyspace/rdb_writer.h"

namespace rcs {

class Keyspace;

struct RdbFileInfo {
  std::string redis_ver = "7.0.15";
  int64_t ctime_s = 0;
  int64_t used_mem = 0;
  bool aof_base = false;
};

// Writes the whole RDB image of `db` (keys expired at now_ms left out) to fd, in chunks. False on a write
// error (errno set).
bool WriteRdb(int fd, Keyspace& db, int64_t now_ms, const RdbFileInfo& info, const RdbWriteOptions& options);

}  // namespace rcs
