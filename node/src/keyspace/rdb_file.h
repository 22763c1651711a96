// The whole RDB image of a keyspace, as Debian's redis-server 7.0.15 writes it (RDB version 10): the header,
// AUX fields, the function libraries (one FUNCTION2 record each: rdb_writer.h AppendRdbFunction, given by
// the caller since the keyspace does not know them), SELECTDB n and RESIZEDB (key and expiry counts) for each database that holds keys, every
// key that has not expired (its expiry as EXPIRETIME_MS) in the encodings of rdb_writer.h, EOF and the
// CRC-64 of everything before it. Written to a file descriptor in chunks: by SAVE/BGSAVE
// (persistence/rdb_save.h) and by a master's full sync of a redis-server replica (server/snapshot_stream.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "keyspace/rdb_writer.h"

namespace rcs {

class Keyspace;

struct RdbFileInfo {
  std::string redis_ver = "7.0.15";
  int64_t ctime_s = 0;
  int64_t used_mem = 0;
  bool aof_base = false;
  // The function libraries' codes ("#!lua name=..."), written before the keys as redis-server does, so a
  // loader has them before any data (Server::FunctionLibraries).
  std::vector<std::string> function_libraries;
};

// Writes the whole RDB image of `db` (keys expired at now_ms left out) to fd, in chunks. False on a write
// error (errno set).
bool WriteRdb(int fd, Keyspace& db, int64_t now_ms, const RdbFileInfo& info, const RdbWriteOptions& options);
// The same for numbered databases: dbs[i] is database i (nullptr when never used); as redis-server, each
// database that holds keys gets SELECTDB i and RESIZEDB before its keys, an empty one nothing.
bool WriteRdb(int fd, const std::vector<Keyspace*>& dbs, int64_t now_ms, const RdbFileInfo& info,
              const RdbWriteOptions& options);

}  // namespace rcs
