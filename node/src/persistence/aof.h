// The append-only file: every write the node accepts is appended, as a RESP command, to the last
// incremental file of a Redis 7 multi-part AOF (persistence/aof_manifest.h), and replayed at start.
//
// Appending. The propagate sink appends each write (every origin but kLoading) to buffer_. Before the event
// loop writes replies (Subsystem::BeforeReplies) the buffer is written to the file, and
//   appendfsync always    fdatasync'ed right there, on the loop thread, once for all the writes of this
//                         loop iteration: no reply to a write leaves before the write is on disk;
//   appendfsync everysec  fsync'ed by a background thread at most once a second. While that fsync is still
//                         running the write is postponed (up to 2 s, then written anyway and counted in
//                         aof_delayed_fsync), as Redis does, so the loop never blocks behind a slow disk;
//   appendfsync no        left to the kernel.
// A failed write or fsync (disk full, I/O error) sets aof_last_write_status:err and makes the server refuse
// writes with "-MISCONF Errors writing to the AOF file: <reason>"; the unwritten bytes stay in the buffer
// (a partial write is truncated away first) and are retried every cron tick until the disk works again.
// With appendfsync always the replies of the clients whose writes are in the failed batch are held back
// until their bytes are on disk, so nothing acknowledged is lost (redis-server exits instead).
//
// Loading. At start, when the manifest exists, a base that is an RDB file (aof-use-rdb-preamble yes, ours and
// redis-server's default, writes appendonly.aof.N.base.rdb) is loaded first, whole and before serving
// (persistence/rdb_load.h); then the rest (an RDB base's tail, below, and the incremental files) is replayed through the CommandStreamLoader in
// slices of about 20 ms from the event loop, so the node answers meanwhile: INFO shows loading:1 and the
// loading_* fields, data commands get -LOADING. A truncated last file (a crash in the middle of an append)
// is cut after its last complete command, with a warning, if aof-load-truncated is yes; any other damage
// stops the node with the file, the offset and a hint (`redis-cluster-node --check-aof <manifest> --fix`).
//
// Rewrite (BGREWRITEAOF, or automatic when the AOF grew by auto-aof-rewrite-percentage over its size after
// the last rewrite and is at least auto-aof-rewrite-min-size). As Redis 7:
//   1. the buffer is written and fsync'ed; a new incremental file seq N+1 is opened and added to the
//      manifest (atomic switch), so writes from now on go to it;
//   2. fork(): the child writes the keyspace (a frozen copy-on-write view) to temp-rewriteaof-bg-<pid>.aof,
//      fsyncs it and exits; the parent keeps serving, with background rehash paused so that copy-on-write
//      stays small. aof-use-rdb-preamble, read when the rewrite starts, decides the base's kind:
//        yes  an RDB file (keyspace/rdb_file.h: RDB 10, the encodings of dump.rdb, aux aof-base 1), then
//             the function libraries as commands and the replication mark (below) after its checksum: an
//             "AOF tail", which redis-server 7 replays and redis-check-aof checks after an RDB base;
//        no   commands (KeyspaceSerializer): the function libraries, every key, the replication mark;
//   3. when the child succeeded, its file is renamed to the next base, appendonly.aof.N.base.rdb or
//      appendonly.aof.N.base.aof by its kind (redis-server's names), and the manifest switches to
//      {new base, incr N+1}, the old base and incrs marked history; then they are deleted and the manifest
//      written without them.
// Each manifest names only complete files, so a kill -9 at any point loads: before step 3 the old base and
// every incr (including N+1), after it the new base and incr N+1.
//
// Why fork and not a snapshot without fork: the keyspace is one big pointer structure owned by the loop
// thread; a consistent snapshot without fork means either copying it (2x memory, a pause proportional to
// the data) or versioning every write path. fork() costs copying the page tables (about 10 ms per GB of
// RSS, measured in bench/persistence) and then only the pages written during the rewrite.
//
// A replica that loaded its master's snapshot (origin kLoading: not appended) does the same as CONFIG SET
// appendonly yes below: until the new base is complete, the manifest still names the old data set.
//
// CONFIG SET appendonly yes at run time starts a rewrite whose incremental file is a temporary one, not in
// any manifest, until the new base is complete (Redis's "wait rewrite" state); appendonly no stops
// appending (and kills a running rewrite).
#pragma once
#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/child_cow.h"
#include "persistence/aof_manifest.h"
#include "server/server.h"

namespace rcs {

class CommandStreamLoader;

// Runs fsync/close of AOF descriptors off the event loop thread (one job at a time, in order).
class BackgroundFsync {
 public:
  BackgroundFsync();
  ~BackgroundFsync();
  void Fsync(int fd);
  void Close(int fd);
  bool busy() const { return pending_.load() > 0; }
  // Result of the last fsync: 0 ok, else errno (read and reset by the loop thread).
  int last_errno() const { return last_errno_.load(); }
  // Waits for every queued job (shutdown, file switch under appendfsync always).
  void Drain();

 private:
  struct Job {
    int fd;
    bool close;
  };
  void Loop();
  std::mutex mu_;
  std::condition_variable cv_, idle_cv_;
  std::deque<Job> jobs_;
  std::atomic<int> pending_{0};
  std::atomic<int> last_errno_{0};
  bool stop_ = false;
  std::thread thread_;
};

class Aof : public Subsystem {
 public:
  explicit Aof(Server* server);
  ~Aof() override;

  // Subsystem
  Status Start() override;
  void Cron() override;
  void BeforeReplies() override;
  void Shutdown() override;
  void OnClientFreed(Client* c) override;
  void OnDatasetReplaced() override;

  // BGREWRITEAOF. Ok, or the error to reply.
  Status RewriteInBackground();
  bool rewrite_in_progress() const { return child_pid_ > 0; }
  bool enabled() const { return state_ != State::kOff; }
  bool loading() const { return loader_ != nullptr; }

  void InfoSection(std::string* out);

  // Loads the AOF directory synchronously (tests; the node loads from the event loop). Error texts are
  // the ones the node logs before exiting.
  Status LoadAllForTest();

 private:
  enum class State { kOff, kOn, kWaitRewrite };
  void Feed(const PropagatedWrite& w);
  std::string DirPath() const;
  std::string PathOf(const std::string& name) const;
  Status CreateFresh();
  Status OpenForAppend(const std::string& name, bool truncate);
  Status PersistManifest(const AofManifest& m);
  // Writes buffer_; with `fsync_now` (always, shutdown, rewrite start) also fdatasync. False on failure.
  bool Flush(bool force, bool fsync_now);
  void OnWriteError(int err, const char* what);
  void OnWriteOk();
  // Loading
  Status BeginLoad();
  // Loads for about budget_ms; true when done. On damage returns the fatal error.
  StatusOr<bool> LoadStep(int64_t budget_ms);
  void FinishLoad();
  // Rewrite
  Status StartRewrite(bool wait_rewrite);
  void CheckChild();
  void RewriteDone(bool ok);
  void KillChild();
  void DeleteHistory();
  // Follows CONFIG SET appendonly (a config listener). False when it has to be tried again from the cron
  // (while the AOF loads, or enabling could not start yet, e.g. a rewrite child still runs).
  bool AfterConfigChange();
  bool appendonly_unsettled_ = false;
  // "#RCS-REPL:<replid>:<offset>" is appended after a batch that moved the replication offset (at most every
  // 100 ms while writes keep coming, and at the next cron tick once they pause; an AOF annotation line, which
  // redis-server and redis-check-aof skip like their own "#TS:"), and the rewrite ends the base with it. At start the last mark, if no command follows it, is the position of the loaded
  // data: a replica's PSYNC continues from it, and a master keeps its replid and offset, so its replicas
  // continue too when they had exactly that much (after a restart of the whole cluster, for instance).
  static constexpr std::string_view kReplMarkPrefix = "#RCS-REPL:";
  std::string ReplicationMark() const;
  void MarkReplicationPosition(bool now);
  std::string repl_mark_;
  int64_t last_mark_ms_ = 0;

  Server* server_;
  State state_ = State::kOff;
  std::string filename_;  // appendfilename at start
  AofManifest manifest_;
  int fd_ = -1;
  std::string cur_incr_;    // name of the file appended to
  int selected_db_ = -1;    // the database the file appended to last SELECTed (-1: none yet)
  bool cur_is_temp_ = false;
  std::string buffer_;
  std::vector<Client*> batch_clients_;  // appendfsync always: clients with writes in buffer_
  std::unique_ptr<BackgroundFsync> bio_;
  int64_t last_fsync_ms_ = 0;
  int64_t postponed_since_ms_ = 0;
  uint64_t delayed_fsync_ = 0;
  bool fsync_due_ = false;  // bytes written since the last fsync
  bool write_ok_ = true;
  int write_errno_ = 0;
  int64_t current_size_ = 0;
  int64_t base_size_ = 0;   // aof_base_size: size when last loaded or rewritten (growth reference)
  // Loading
  std::unique_ptr<CommandStreamLoader> loader_;
  std::vector<AofFileInfo> load_files_;
  size_t load_index_ = 0;
  int load_fd_ = -1;
  std::string load_buf_;
  uint64_t load_file_pos_ = 0;  // bytes of the current file read so far
  uint64_t rdb_base_end_ = 0;   // an RDB base: where its RDB part ends (0: a RESP base)
  int64_t load_start_ms_ = 0, load_last_log_ms_ = 0;
  uint64_t load_total_bytes_ = 0, load_done_bytes_ = 0;
  int64_t load_timer_ = 0;
  // Rewrite
  pid_t child_pid_ = -1;
  ChildCowReport cow_;           // the rewrite child's copy-on-write, sent when it is done
  int64_t last_cow_bytes_ = 0;   // aof_last_cow_size
  std::string child_temp_;
  bool child_rdb_ = false;  // the running rewrite writes an RDB base (aof-use-rdb-preamble when it started)
  int64_t rewrite_start_ms_ = 0;
  int64_t rewrite_end_ms_ = 0;
  int64_t last_rewrite_time_s_ = -1;
  bool last_rewrite_ok_ = true;
  uint64_t rewrites_ = 0, rewrite_failures_ = 0;
  bool rewrite_scheduled_ = false;
};

// Installs the AOF into a server (always present: CONFIG SET appendonly yes turns it on at run time).
void InstallAof(Server& server);

}  // namespace rcs
