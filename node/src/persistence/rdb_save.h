// Writing the keyspace as an RDB file (dump.rdb): SAVE in the foreground, BGSAVE in a forked child with the
// same copy-on-write snapshot as the AOF rewrite (persistence/aof.h: why fork), LASTSAVE.
//
// The file is what Debian's redis-server 7.0.15 writes and reads, RDB version 10 (keyspace/rdb_parser.h has
// the layout): "REDIS0010", aux fields redis-ver, redis-bits, ctime, used-mem, aof-base, the function
// libraries (one FUNCTION2 record each: the code as an RDB string, as redis-server 7.0 writes them, so a
// loader, ours in rdb_load.h or redis-server, has them before any key), SELECTDB 0, then every key that
// has not expired (its expiry as EXPIRETIME_MS) in the encodings of keyspace/rdb_writer.h, then EOF and
// the CRC-64 of everything before it (rdbchecksum yes).
//
// Durability: the file is written as temp-<pid>.rdb in `dir`, fsync'ed, renamed over `dbfilename` and the
// directory fsync'ed, so a crash at any moment leaves the old file or the new one, never half of one. In a
// BGSAVE the child does all of it; the parent only learns success or failure when it reaps the child.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <string>

#include <vector>

#include "base/child_cow.h"
#include "base/status.h"
#include "keyspace/keyspace.h"
#include "keyspace/rdb_file.h"
#include "keyspace/rdb_writer.h"
#include "server/server.h"

namespace rcs {

// Writes `path` atomically and durably (temp file in its directory, fsync, rename, fsync of the directory).
// dbs[i] is database i (nullptr when never used): keyspace/rdb_file.h.
Status SaveRdbFile(const std::string& path, const std::vector<Keyspace*>& dbs, int64_t now_ms,
                   const RdbFileInfo& info, const RdbWriteOptions& options);

// The saver also keeps the rdb_* fields of INFO persistence and refuses writes with -MISCONF after a failed
// BGSAVE (stop-writes-on-bgsave-error yes, save points configured) until a save succeeds, as redis-server.
class RdbSaver : public Subsystem {
 public:
  explicit RdbSaver(Server* server);
  ~RdbSaver() override;

  void Cron() override;
  void Shutdown() override;

  // SAVE: Ok or the error to reply. A BGSAVE in progress refuses it, unless `alongside_child` (DEBUG RELOAD,
  // as redis-server's rdbSave): then the file is written here too (each writes its own temp file) and the
  // child's rename, later, replaces it with the child's snapshot.
  Status Save(bool alongside_child = false);
  // BGSAVE: Ok once the child runs, or the error to reply. With `schedule` (BGSAVE SCHEDULE) while an AOF
  // rewrite runs, the BGSAVE starts from the cron once it is over: *scheduled is set and Ok returned.
  Status BackgroundSave(bool schedule = false, bool* scheduled = nullptr);
  bool in_progress() const { return child_pid_ > 0; }
  // SHUTDOWN: with `save` (SAVE, or save points configured and no NOSAVE) a running BGSAVE is killed and the
  // file written in the foreground; the error when that failed. Either way the final save of Shutdown()
  // (a SIGTERM) is not done again.
  Status SaveOnShutdown(bool save);

 private:
  RdbFileInfo Info() const;
  RdbWriteOptions Options() const;
  void CheckChild();
  void Done(bool ok);
  void KillChild();
  // The `save` schedule and BGSAVE SCHEDULE, as redis-server's serverCron.
  void StartScheduledSave();
  // -MISCONF on or off (Server::set_rdb_save_failed) from the last status and the config.
  void UpdateWriteRefusal();
  void InfoSection(std::string* out);

  Server* server_;
  pid_t child_pid_ = -1;
  ChildCowReport cow_;              // the child's copy-on-write, sent when it is done
  int64_t last_cow_bytes_ = 0;      // rdb_last_cow_size
  int64_t dirty_at_start_ = 0;
  int64_t start_ms_ = 0;            // the running BGSAVE's start (rdb_current_bgsave_time_sec)
  bool last_bgsave_ok_ = true;      // rdb_last_bgsave_status
  int64_t last_bgsave_time_s_ = -1;  // rdb_last_bgsave_time_sec
  int64_t last_try_s_ = 0;          // the last BGSAVE attempt: a failed one is retried after 5 s
  uint64_t saves_ = 0;              // rdb_saves: SAVE and BGSAVE attempts
  bool scheduled_ = false;          // BGSAVE SCHEDULE during an AOF rewrite
  bool shutdown_handled_ = false;   // SHUTDOWN decided about the final save
};

// Installs the saver into a server (node.cc).
void InstallRdbSaver(Server& server);

}  // namespace rcs
