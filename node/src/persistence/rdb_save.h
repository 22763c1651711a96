// Writing the keyspace as an RDB file (dump.rdb): SAVE in the foreground, BGSAVE in a forked child with the
// same copy-on-write snapshot as the AOF rewrite (persistence/aof.h: why fork), LASTSAVE.
//
// The file is what Debian's redis-server 7.0.15 writes and reads, RDB version 10 (keyspace/rdb_parser.h has
// the layout): "REDIS0010", aux fields redis-ver, redis-bits, ctime, used-mem, aof-base, SELECTDB 0, then
// every key that has not expired (its expiry as EXPIRETIME_MS) in the encodings of keyspace/rdb_writer.h,
// then EOF and the CRC-64 of everything before it (rdbchecksum yes). Function libraries are not written yet
// (FUNCTION2 records): keep appendonly yes (the AOF carries them) when functions must survive a restart.
//
// Durability: the file is written as temp-<pid>.rdb in `dir`, fsync'ed, renamed over `dbfilename` and the
// directory fsync'ed, so a crash at any moment leaves the old file or the new one, never half of one. In a
// BGSAVE the child does all of it; the parent only learns success or failure when it reaps the child.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <string>

#include "base/status.h"
#include "keyspace/keyspace.h"
#include "keyspace/rdb_file.h"
#include "keyspace/rdb_writer.h"
#include "server/server.h"

namespace rcs {

// Writes `path` atomically and durably (temp file in its directory, fsync, rename, fsync of the directory).
Status SaveRdbFile(const std::string& path, Keyspace& db, int64_t now_ms, const RdbFileInfo& info,
                   const RdbWriteOptions& options);

class RdbSaver : public Subsystem {
 public:
  explicit RdbSaver(Server* server) : server_(server) {}
  ~RdbSaver() override;

  void Cron() override;
  void Shutdown() override;

  // SAVE: Ok or the error to reply.
  Status Save();
  // BGSAVE: Ok once the child runs, or the error to reply.
  Status BackgroundSave();
  bool in_progress() const { return child_pid_ > 0; }

 private:
  RdbFileInfo Info() const;
  RdbWriteOptions Options() const;
  void CheckChild();
  void Done(bool ok);

  Server* server_;
  pid_t child_pid_ = -1;
  int64_t dirty_at_start_ = 0;
};

// Installs the saver into a server (node.cc).
void InstallRdbSaver(Server& server);

}  // namespace rcs
