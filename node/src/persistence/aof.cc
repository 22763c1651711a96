#include "persistence/aof.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/alloc.h"
#include "base/file_util.h"
#include "base/log.h"
#include "base/strutil.h"
#include "keyspace/command_stream.h"
#include "keyspace/rdb_file.h"
#include "net/event_loop.h"
#include "persistence/rdb_load.h"
#include "protocol/errors.h"
#include "server/command_loader.h"
#include "server/rdb_options.h"
#include "server/server_dbs.h"

namespace rcs {

// ---- BackgroundFsync ----

BackgroundFsync::BackgroundFsync() : thread_([this] { Loop(); }) {}

BackgroundFsync::~BackgroundFsync() {
  {
    std::lock_guard<std::mutex> g(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void BackgroundFsync::Fsync(int fd) {
  {
    std::lock_guard<std::mutex> g(mu_);
    jobs_.push_back({fd, false});
    pending_++;
  }
  cv_.notify_one();
}

void BackgroundFsync::Close(int fd) {
  {
    std::lock_guard<std::mutex> g(mu_);
    jobs_.push_back({fd, true});
    pending_++;
  }
  cv_.notify_one();
}

void BackgroundFsync::Drain() {
  std::unique_lock<std::mutex> l(mu_);
  idle_cv_.wait(l, [this] { return jobs_.empty() && pending_.load() == 0; });
}

void BackgroundFsync::Loop() {
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    cv_.wait(l, [this] { return stop_ || !jobs_.empty(); });
    if (jobs_.empty()) {
      if (stop_) return;
      continue;
    }
    Job j = jobs_.front();
    jobs_.pop_front();
    l.unlock();
    if (j.close) {
      close(j.fd);
    } else {
      int r = fdatasync(j.fd);
      last_errno_.store(r == 0 ? 0 : errno);
    }
    l.lock();
    pending_--;
    if (jobs_.empty()) idle_cv_.notify_all();
  }
}

// ---- Aof ----

namespace {
int64_t FileSize(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.st_size);
}

// The first bytes of an RDB file ("REDIS"), read without loading a (possibly large) RESP base whole.
bool StartsLikeRdb(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char head[5];
  ssize_t n = read(fd, head, sizeof(head));
  close(fd);
  return n == static_cast<ssize_t>(sizeof(head)) && LooksLikeRdb(std::string_view(head, sizeof(head)));
}

// A base file: the keyspace (keys expired at now_ms left out) and the function libraries, as an RDB image (rdb:
// FUNCTION2 records, as dump.rdb) or as commands (Server::SnapshotPreambleText first), then the replication
// mark as a command. After an RDB base's checksum the mark is the "AOF tail" that redis-server 7 replays after
// an RDB base (as after a redis-server < 7 preamble), that redis-check-aof checks as such and redis-check-rdb
// does not read. Runs in the rewrite child (and at start
// for the empty first base). False on a write error.
bool WriteBaseFile(int fd, Server& server, bool rdb, int64_t now_ms, const std::string& mark) {
  std::string tail;
  if (rdb) {
    RdbFileInfo info;
    info.ctime_s = now_ms / 1000;
    info.used_mem = UsedMemory();
    info.aof_base = true;
    info.function_libraries = server.FunctionLibraries();  // FUNCTION2 records, as in dump.rdb
    RdbWriteOptions options = RdbWriteOptionsFromConfig(server.config(), RdbTarget::kAofBase);
    if (!WriteRdb(fd, ServerDbs(server), now_ms, info, options)) return false;
  } else {
    IncrementalSync sync(fd, server.config().aof_rewrite_incremental_fsync ? IncrementalSync::kDefaultChunk : 0);
    if (!SerializeDatabases(ServerDbs(server), now_ms, 1 << 20, server.SnapshotPreambleText(),
                            [fd, &sync](std::string_view chunk) { return WriteAll(fd, chunk) && sync.Wrote(chunk.size()); })) {
      return false;
    }
  }
  // The replication position this snapshot is at, for a partial resync after a restart.
  if (!mark.empty()) tail += mark + "\r\n";
  return tail.empty() || WriteAll(fd, tail);
}

std::string Seconds(int64_t ms) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%.3f", static_cast<double>(ms) / 1000.0);
  return buf;
}
}  // namespace

Aof::Aof(Server* server) : server_(server) {
  server_->AddPropagateSink([this](const PropagatedWrite& w) { Feed(w); });
  server_->SetInfoProvider("persistence", [this](std::string* out) { InfoSection(out); });
  server_->config_listeners().Add({"appendonly"}, [this] { appendonly_unsettled_ = !AfterConfigChange(); });
}

Aof::~Aof() {
  KillChild();
  if (load_fd_ >= 0) close(load_fd_);
  if (bio_) bio_->Drain();
  if (fd_ >= 0) close(fd_);
}

std::string Aof::DirPath() const { return server_->config().appenddirname; }
std::string Aof::PathOf(const std::string& name) const { return DirPath() + "/" + name; }

void Aof::Feed(const PropagatedWrite& w) {
  if (state_ == State::kOff || w.origin == WriteOrigin::kLoading || w.replicas_only) return;
  if (w.db != selected_db_) {
    // Every file starts with the SELECT of its first write, as redis-server's aof_selected_db.
    std::string n = std::to_string(w.db);
    AppendRespCommand(&buffer_, {"SELECT", n});
    selected_db_ = w.db;
  }
  AppendRespCommand(&buffer_, w.argv);
  if (w.client != nullptr && w.client->fd >= 0 && server_->config().appendfsync == "always") {
    if (batch_clients_.empty() || batch_clients_.back() != w.client) batch_clients_.push_back(w.client);
  }
}

Status Aof::Start() {
  filename_ = server_->config().appendfilename;
  bio_ = std::make_unique<BackgroundFsync>();
  // appendonly no: the data set is dump.rdb, if there is one (persistence/rdb_load.h).
  if (!server_->config().appendonly) return LoadDumpRdbAtStart(*server_);
  if (mkdir(DirPath().c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::Error("Can't create the append-only directory '" + DirPath() + "': " + strerror(errno));
  }
  if (FileSize(PathOf(AofManifestName(filename_))) >= 0) {
    Status st = BeginLoad();
    if (!st.ok()) return st;
    // Load in slices from the event loop: the node answers (-LOADING, INFO) meanwhile.
    server_->loop()->AddTimer(0, [this]() -> int64_t {
      StatusOr<bool> r = LoadStep(20);
      if (!r.ok()) {
        LogWarning(r.status().message());
        exit(1);
      }
      if (!*r) return 0;
      FinishLoad();
      return -1;
    });
    return Status::Ok();
  }
  return CreateFresh();
}

Status Aof::CreateFresh() {
  // A new data set: an empty base and the first incremental file, as redis-server creates on start.
  // With aof-use-rdb-preamble yes the empty base is an RDB file without keys, as redis-server's.
  bool rdb = server_->config().aof_use_rdb_preamble;
  AofManifest m;
  m.has_base = true;
  m.base = {AofBaseName(filename_, 1, rdb), 1, 'b'};
  m.incrs.push_back({AofIncrName(filename_, 1), 1, 'i'});
  std::string base_path = PathOf(m.base.name);
  int fd = open(base_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Error("Can't create the AOF base file " + base_path + ": " + strerror(errno));
  // The keyspace is empty at start; at run time (CONFIG SET appendonly yes) the base comes from a rewrite.
  bool ok = WriteBaseFile(fd, *server_, rdb, server_->clock().NowMs(), "") && fsync(fd) == 0;
  int err = errno;
  close(fd);
  if (!ok) return Status::Error("Can't write the AOF base file " + base_path + ": " + strerror(err));
  LogNotice("Creating AOF base file " + m.base.name + " on server start");
  Status st = OpenForAppend(m.incrs.back().name, true);
  if (!st.ok()) return st;
  LogNotice("Creating AOF incr file " + m.incrs.back().name + " on server start");
  st = PersistManifest(m);
  if (!st.ok()) return st;
  manifest_ = m;
  current_size_ = base_size_ = 0;
  state_ = State::kOn;
  return Status::Ok();
}

Status Aof::OpenForAppend(const std::string& name, bool truncate) {
  std::string path = PathOf(name);
  int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0);
  int fd = open(path.c_str(), flags, 0644);
  if (fd < 0) return Status::Error("Can't open the append-only file " + path + ": " + strerror(errno));
  if (fd_ >= 0) bio_->Close(fd_);  // after any fsync of it still queued
  fd_ = fd;
  cur_incr_ = name;
  selected_db_ = -1;
  return Status::Ok();
}

Status Aof::PersistManifest(const AofManifest& m) {
  return WriteFileAtomic(DirPath() + "/" + AofManifestName(filename_), m.Serialize(),
                         DirPath() + "/" + AofTempManifestName(filename_));
}

// ---- Appending ----

bool Aof::Flush(bool force, bool fsync_now) {
  if (fd_ < 0) return true;
  const std::string& policy = server_->config().appendfsync;
  bool always = policy == "always";
  bool everysec = policy == "everysec";
  int64_t now = MonotonicMs();
  if (!buffer_.empty()) {
    if (everysec && !force && bio_->busy()) {
      // The disk is still busy with the last fsync: a write now would block behind it.
      if (postponed_since_ms_ == 0) {
        postponed_since_ms_ = now;
        return true;
      }
      if (now - postponed_since_ms_ < 2000) return true;
      delayed_fsync_++;
      LogNotice("Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without "
                "waiting for fsync to complete, this may slow down Redis.");
    }
    postponed_since_ms_ = 0;
    size_t off = 0;
    int err = 0;
    int64_t write_start_ms = server_->config().latency_monitor_threshold > 0 ? MonotonicMs() : -1;
    while (off < buffer_.size()) {
      ssize_t n = write(fd_, buffer_.data() + off, buffer_.size() - off);
      if (n < 0) {
        if (errno == EINTR) continue;
        err = errno;
        break;
      }
      if (n == 0) {
        err = ENOSPC;
        break;
      }
      off += static_cast<size_t>(n);
    }
    if (off < buffer_.size()) {
      if (off > 0) {
        // Cut the partial command off the file so that a retry appends whole commands; if that fails too,
        // the written part stays and only the rest is retried.
        struct stat st;
        if (fstat(fd_, &st) == 0 && ftruncate(fd_, st.st_size - static_cast<off_t>(off)) == 0) {
          off = 0;
        } else {
          buffer_.erase(0, off);
          current_size_ += static_cast<int64_t>(off);
        }
      }
      OnWriteError(err == 0 ? EIO : err, "write");
      return false;
    }
    if (write_start_ms >= 0) server_->LatencySample("aof-write", MonotonicMs() - write_start_ms);
    current_size_ += static_cast<int64_t>(buffer_.size());
    buffer_.clear();
    if (buffer_.capacity() > 4 * 1024 * 1024) std::string().swap(buffer_);
    fsync_due_ = true;
  }
  if (fsync_due_) {
    if (always || fsync_now) {
      int64_t fsync_start_ms = MonotonicMs();
      if (fdatasync(fd_) != 0) {
        OnWriteError(errno, "fsync");
        return false;
      }
      if (always) server_->LatencySample("aof-fsync-always", MonotonicMs() - fsync_start_ms);
      fsync_due_ = false;
      last_fsync_ms_ = now;
    } else if (everysec && now - last_fsync_ms_ >= 1000 && !bio_->busy()) {
      bio_->Fsync(fd_);
      fsync_due_ = false;
      last_fsync_ms_ = now;
    } else if (!everysec && !always) {
      fsync_due_ = false;
    }
  }
  if (!bio_->busy() && bio_->last_errno() != 0) {
    fsync_due_ = true;  // retried at the next second
    OnWriteError(bio_->last_errno(), "fsync");
    return false;
  }
  if (!write_ok_) OnWriteOk();
  return true;
}

void Aof::OnWriteError(int err, const char* what) {
  if (write_ok_ || write_errno_ != err) {
    LogWarning(std::string("Error ") + (std::strcmp(what, "fsync") == 0 ? "fsyncing" : "writing to") +
               " the AOF file: " + strerror(err));
  }
  write_ok_ = false;
  write_errno_ = err;
  server_->set_write_error(std::string(err::kMisconfAof) + strerror(err));
}

void Aof::OnWriteOk() {
  write_ok_ = true;
  write_errno_ = 0;
  server_->set_write_error("");
  LogWarning("AOF write error looks solved, Redis can write again.");
}

void Aof::OnClientFreed(Client* c) {
  batch_clients_.erase(std::remove(batch_clients_.begin(), batch_clients_.end(), c), batch_clients_.end());
}

void Aof::OnDatasetReplaced() {
  if (state_ == State::kOff) return;
  KillChild();
  Flush(true, true);
  if (cur_is_temp_) unlink(PathOf(cur_incr_).c_str());
  cur_is_temp_ = false;
  Status st = StartRewrite(true);
  if (!st.ok()) LogWarning("Can't write a new AOF base after the full sync (retried): " + st.message());
}

std::string Aof::ReplicationMark() const {
  ReplicationHooks* repl = server_->replication_hooks();
  if (repl == nullptr) return "";
  return std::string(kReplMarkPrefix) + repl->replid() + ":" + std::to_string(repl->offset());
}

void Aof::MarkReplicationPosition(bool now) {
  // Under a steady stream of writes one mark per 100 ms (a few bytes per batch would add up); the cron
  // writes it once the stream pauses, so a node stopped in a quiet moment knows its exact position.
  int64_t t = MonotonicMs();
  if (!now && t - last_mark_ms_ < 100) return;
  std::string mark = ReplicationMark();
  if (mark.empty() || mark == repl_mark_) return;
  last_mark_ms_ = t;
  buffer_ += mark;
  buffer_ += "\r\n";
  repl_mark_ = std::move(mark);
}

void Aof::BeforeReplies() {
  if (state_ == State::kOff || loader_ != nullptr) return;
  MarkReplicationPosition(false);
  bool always = server_->config().appendfsync == "always";
  if (buffer_.empty() && !fsync_due_ && write_ok_) return;
  bool ok = Flush(false, false);
  if (!always) return;
  if (ok) {
    batch_clients_.clear();
    server_->ReleaseReplies();
  } else {
    // Not on disk: those clients get no reply (so no acknowledgement) until it is.
    for (Client* c : batch_clients_) server_->HoldReplies(c);
  }
}

void Aof::Shutdown() {
  KillChild();
  if (state_ != State::kOff && fd_ >= 0) {
    if (Flush(true, true)) LogNotice("Calling fsync() on the AOF file.");
  }
  if (bio_) bio_->Drain();
  if (fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
}

void Aof::Cron() {
  if (appendonly_unsettled_) appendonly_unsettled_ = !AfterConfigChange();
  CheckChild();
  if (state_ == State::kOff || loader_ != nullptr) return;
  MarkReplicationPosition(true);
  if (!write_ok_ || fsync_due_ || !buffer_.empty()) {
    bool was_ok = write_ok_;
    bool ok = Flush(!write_ok_, false);
    if (ok && !was_ok) {
      batch_clients_.clear();
      server_->ReleaseReplies();
    }
  }
  const Config& cfg = server_->config();
  // After a failed rewrite, wait a little before the next attempt (a full disk would otherwise fork 10 times
  // a second).
  bool may_retry = last_rewrite_ok_ || MonotonicMs() - rewrite_end_ms_ >= 1000 * std::min<int64_t>(60, 1 + rewrite_failures_);
  if (state_ == State::kOn && child_pid_ < 0 && may_retry && cfg.auto_aof_rewrite_percentage > 0 &&
      current_size_ > cfg.auto_aof_rewrite_min_size) {
    int64_t base = base_size_ > 0 ? base_size_ : 1;
    int64_t growth = current_size_ * 100 / base - 100;
    if (growth >= cfg.auto_aof_rewrite_percentage) {
      LogNotice("Starting automatic rewriting of AOF on " + std::to_string(growth) + "% growth");
      Status st = StartRewrite(false);
      if (!st.ok()) LogWarning(st.message());
    }
  }
  if (state_ == State::kWaitRewrite && child_pid_ < 0 && may_retry) {
    // A failed base for CONFIG SET appendonly yes is retried, as Redis does.
    Status st = StartRewrite(true);
    if (!st.ok()) LogWarning(st.message());
  }
}

bool Aof::AfterConfigChange() {
  bool want = server_->config().appendonly;
  if (loader_ != nullptr) return false;
  if (want && state_ == State::kOff) {
    if (mkdir(DirPath().c_str(), 0755) != 0 && errno != EEXIST) {
      LogWarning("Can't create the append-only directory '" + DirPath() + "': " + strerror(errno));
      return false;
    }
    filename_ = server_->config().appendfilename;
    // Keep the numbering of an AOF left from an earlier run, so its files become history, not clashes.
    StatusOr<std::string> text = ReadWholeFile(PathOf(AofManifestName(filename_)));
    manifest_ = AofManifest();
    if (text.ok()) {
      StatusOr<AofManifest> m = AofManifest::Parse(*text);
      if (m.ok()) manifest_ = *m;
    }
    Status st = StartRewrite(true);
    if (!st.ok()) {
      LogWarning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation: " +
                 st.message());
      return false;
    }
    LogNotice("AOF enabled: writing a base file first");
  } else if (!want && state_ != State::kOff) {
    KillChild();
    Flush(true, true);
    if (bio_) bio_->Drain();
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    if (cur_is_temp_) unlink(PathOf(cur_incr_).c_str());
    cur_is_temp_ = false;
    buffer_.clear();
    batch_clients_.clear();
    state_ = State::kOff;
    if (!write_ok_) {
      write_ok_ = true;
      server_->set_write_error("");
      server_->ReleaseReplies();
    }
    LogNotice("AOF disabled (CONFIG SET appendonly no)");
  }
  return true;
}

// ---- Loading ----

Status Aof::BeginLoad() {
  std::string mpath = PathOf(AofManifestName(filename_));
  StatusOr<std::string> text = ReadWholeFile(mpath);
  if (!text.ok()) return text.status();
  StatusOr<AofManifest> m = AofManifest::Parse(*text);
  if (!m.ok()) return Status::Error(m.status().message() + " (" + mpath + ")");
  manifest_ = *m;
  load_files_ = manifest_.LoadOrder();
  load_total_bytes_ = 0;
  for (auto& f : load_files_) {
    int64_t size = FileSize(PathOf(f.name));
    if (size < 0) return Status::Error("The AOF file " + f.name + " doesn't exist");
    load_total_bytes_ += static_cast<uint64_t>(size);
  }
  load_index_ = 0;
  load_done_bytes_ = 0;
  load_start_ms_ = load_last_log_ms_ = MonotonicMs();
  ClearAllDbs(*server_);
  loader_ = std::make_unique<CommandStreamLoader>(*server_);
  LogNotice("Loading the AOF (" + std::to_string(load_files_.size()) + " files, " +
            std::to_string(load_total_bytes_) + " bytes) from " + DirPath() + "/" + AofManifestName(filename_));
  rdb_base_end_ = 0;
  if (!load_files_.empty() && load_files_[0].type == 'b') {
    // redis-server's default base is an RDB file (aof-use-rdb-preamble yes): loaded whole, before serving;
    // commands after its checksum (a redis-server < 7 preamble AOF) are replayed from there.
    const std::string path = PathOf(load_files_[0].name);
    if (StartsLikeRdb(path)) {
      StatusOr<MappedFile> data = MappedFile::Open(path);
      if (!data.ok()) {
        loader_.reset();
        return data.status();
      }
      StatusOr<RdbLoadResult> r = LoadRdbImage(*server_, *loader_, path, data->view(), /*skip_expired=*/false,
                                               /*replace_existing=*/false, /*keep_on_failure=*/false, &*data);
      if (!r.ok()) {
        loader_.reset();
        return r.status();
      }
      rdb_base_end_ = r->summary.end_offset;
      load_done_bytes_ += rdb_base_end_;
    }
  }
  return Status::Ok();
}

StatusOr<bool> Aof::LoadStep(int64_t budget_ms) {
  int64_t start = MonotonicMs();
  const std::string manifest = DirPath() + "/" + AofManifestName(filename_);
  while (load_index_ < load_files_.size()) {
    const AofFileInfo& f = load_files_[load_index_];
    bool last = load_index_ + 1 == load_files_.size();
    if (load_fd_ < 0) {
      load_fd_ = open(PathOf(f.name).c_str(), O_RDONLY | O_CLOEXEC);
      if (load_fd_ < 0) return Status::Error("Can't open the AOF file " + f.name + ": " + strerror(errno));
      load_buf_.clear();
      load_file_pos_ = 0;
      loader_->StartFile();
      if (load_index_ == 0 && rdb_base_end_ > 0) {
        // The RDB part of the base is loaded already (BeginLoad).
        if (lseek(load_fd_, static_cast<off_t>(rdb_base_end_), SEEK_SET) < 0) {
          return Status::Error("Can't seek in the AOF file " + f.name + ": " + strerror(errno));
        }
        load_file_pos_ = rdb_base_end_;
      }
    }
    char chunk[1 << 16];
    ssize_t n = read(load_fd_, chunk, sizeof(chunk));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Error("Error reading the AOF file " + f.name + ": " + strerror(errno));
    }
    if (n == 0) {
      // End of this file: anything left is an incomplete command (or an open MULTI).
      close(load_fd_);
      load_fd_ = -1;
      if (!load_buf_.empty() || loader_->in_transaction()) {
        uint64_t cut = loader_->safe_offset();
        if (!last || !server_->config().aof_load_truncated) {
          return Status::Error("Unexpected end of file reading the append only file " + f.name + " at offset " +
                               std::to_string(cut) + ". You can: 1) Make a backup of your AOF file, then use "
                               "redis-cluster-node --check-aof " + manifest + " --fix. 2) Alternatively you can set "
                               "the 'aof-load-truncated' configuration option to yes and restart the server.");
        }
        LogWarning("!!! Warning: short read while loading the AOF file " + f.name + "!!!");
        LogWarning("!!! Truncating the AOF " + f.name + " at offset " + std::to_string(cut) + " !!!");
        if (truncate(PathOf(f.name).c_str(), static_cast<off_t>(cut)) != 0) {
          return Status::Error("Error truncating the AOF file " + f.name + ": " + strerror(errno));
        }
        LogWarning("AOF loaded anyway because aof-load-truncated is enabled");
      }
      load_index_++;
      continue;
    }
    load_buf_.append(chunk, static_cast<size_t>(n));
    load_file_pos_ += static_cast<uint64_t>(n);
    load_done_bytes_ += static_cast<uint64_t>(n);
    StatusOr<size_t> used = loader_->Feed(load_buf_);
    if (!used.ok()) {
      return Status::Error("Bad file format reading the append only file " + f.name + " at offset " +
                           std::to_string(loader_->offset()) + " (" + used.status().message() +
                           "): make a backup of your AOF file, then use redis-cluster-node --check-aof " +
                           manifest + " --fix");
    }
    load_buf_.erase(0, *used);
    int64_t now = MonotonicMs();
    if (now - load_last_log_ms_ >= 1000) {
      load_last_log_ms_ = now;
      double secs = static_cast<double>(now - load_start_ms_) / 1000.0;
      char line[200];
      snprintf(line, sizeof(line), "Loading AOF: %zu keys, %.1f MB of %.1f MB, %.1f MB/s", TotalKeys(*server_),
               static_cast<double>(load_done_bytes_) / 1e6, static_cast<double>(load_total_bytes_) / 1e6,
               secs > 0 ? static_cast<double>(load_done_bytes_) / 1e6 / secs : 0.0);
      LogNotice(line);
    }
    if (now - start >= budget_ms) return false;
  }
  return true;
}

void Aof::FinishLoad() {
  uint64_t commands = loader_->commands();
  // The AOF ends with the replication position of its data when nothing was applied after it (a torn last
  // batch, cut off above, leaves commands after the previous mark: then the position is unknown).
  const std::string& mark = loader_->last_annotation();
  if (mark.rfind(kReplMarkPrefix, 0) == 0 && loader_->commands_since_annotation() == 0) {
    std::string rest = mark.substr(kReplMarkPrefix.size());
    size_t colon = rest.find(':');
    int64_t offset = 0;
    ReplicationHooks* repl = server_->replication_hooks();
    if (repl != nullptr && colon == 40 && ParseInt64(std::string_view(rest).substr(41), &offset)) {
      repl->RestorePosition(rest.substr(0, 40), offset);
      repl_mark_ = mark;
    }
  }
  loader_.reset();  // loading off
  int64_t ms = MonotonicMs() - load_start_ms_;
  LogNotice("DB loaded from append only file: " + Seconds(ms) + " seconds (" + std::to_string(commands) +
            " commands, " + std::to_string(TotalKeys(*server_)) + " keys)");
  current_size_ = 0;
  for (auto& f : manifest_.LoadOrder()) current_size_ += std::max<int64_t>(0, FileSize(PathOf(f.name)));
  base_size_ = current_size_;
  Status st;
  if (manifest_.incrs.empty()) {
    AofManifest m = manifest_;
    m.incrs.push_back({AofIncrName(filename_, 1), 1, 'i'});
    st = OpenForAppend(m.incrs.back().name, true);
    if (st.ok()) st = PersistManifest(m);
    if (st.ok()) manifest_ = m;
  } else {
    st = OpenForAppend(manifest_.incrs.back().name, false);
  }
  if (!st.ok()) {
    LogWarning(st.message());
    exit(1);
  }
  state_ = State::kOn;
}

Status Aof::LoadAllForTest() {
  filename_ = server_->config().appendfilename;
  if (!bio_) bio_ = std::make_unique<BackgroundFsync>();
  Status st = BeginLoad();
  if (!st.ok()) return st;
  while (true) {
    StatusOr<bool> r = LoadStep(1000000);
    if (!r.ok()) {
      loader_.reset();
      return r.status();
    }
    if (*r) break;
  }
  FinishLoad();
  return Status::Ok();
}

// ---- Rewrite ----

Status Aof::RewriteInBackground() {
  if (child_pid_ > 0) return Status::Error(std::string(err::kAofRewriteInProgress));
  if (state_ == State::kOff) {
    // As redis-server: with appendonly no the rewrite still writes a base (and a manifest naming only it).
    if (mkdir(DirPath().c_str(), 0755) != 0 && errno != EEXIST) return Status::Error(std::string(err::kAofRewriteFailed));
    filename_ = server_->config().appendfilename;
    if (!bio_) bio_ = std::make_unique<BackgroundFsync>();
  }
  Status st = StartRewrite(false);
  if (!st.ok()) {
    LogWarning(st.message());
    return Status::Error(std::string(err::kAofRewriteFailed));
  }
  return st;
}

Status Aof::StartRewrite(bool wait_rewrite) {
  if (child_pid_ > 0) return Status::Error(std::string(err::kAofRewriteInProgress));
  if (state_ != State::kOff && !Flush(true, true)) {
    return Status::Error("Can't rewrite the AOF while it can't be written: " + std::string(strerror(write_errno_)));
  }
  // Writes from now on go to a new incremental file: named in the manifest right away, or (while enabling)
  // a temporary one that only the finished rewrite names.
  AofManifest next = manifest_;
  std::string name;
  if (wait_rewrite) {
    name = "temp-" + filename_ + ".incr";
    Status st = OpenForAppend(name, true);
    if (!st.ok()) return st;
    cur_is_temp_ = true;
    state_ = State::kWaitRewrite;
  } else if (state_ == State::kOn) {
    int64_t seq = manifest_.last_incr_seq() + 1;
    name = AofIncrName(filename_, seq);
    next.incrs.push_back({name, seq, 'i'});
    std::string old = cur_incr_;
    Status st = OpenForAppend(name, true);
    if (!st.ok()) return st;
    st = PersistManifest(next);
    if (!st.ok()) {
      // Keep appending where the manifest says.
      OpenForAppend(old, false);
      unlink(PathOf(name).c_str());
      return st;
    }
    manifest_ = next;
    LogNotice("Creating AOF incr file " + name + " on background rewrite");
  }
  int64_t now_ms = server_->clock().NowMs();
  // aof-use-rdb-preamble as it is now decides this rewrite's base (CONFIG SET applies to the next one).
  bool rdb = server_->config().aof_use_rdb_preamble;
  std::string mark = ReplicationMark();
  repl_mark_ = mark;
  int64_t fork_start_us = server_->clock().NowUs();
  pid_t parent = getpid();
  cow_.Open();
  pid_t pid = fork();
  if (pid < 0) {
    cow_.Close();
    return Status::Error(std::string("Can't rewrite append only file in background: fork: ") + strerror(errno));
  }
  if (pid == 0) {
    // Child: a frozen copy of the keyspace; it writes the file and _exits.
    cow_.EnterChild(parent);
    std::string temp = PathOf("temp-rewriteaof-bg-" + std::to_string(getpid()) + ".aof");
    int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) _exit(1);
    bool ok = WriteBaseFile(fd, *server_, rdb, now_ms, mark);
    ok = ok && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (ok) cow_.SendFromChild();
    _exit(ok ? 0 : 1);
  }
  cow_.InParent();
  server_->stats().latest_fork_usec = server_->clock().NowUs() - fork_start_us;
  server_->LatencySample("fork", server_->stats().latest_fork_usec / 1000);
  server_->stats().total_forks++;
  child_pid_ = pid;
  child_rdb_ = rdb;
  child_temp_ = "temp-rewriteaof-bg-" + std::to_string(pid) + ".aof";
  rewrite_start_ms_ = MonotonicMs();
  PauseRehashAll(*server_);
  LogNotice("Background append only file rewriting started by pid " + std::to_string(pid) + " (fork took " +
            std::to_string(server_->stats().latest_fork_usec / 1000) + " ms)");
  return Status::Ok();
}

void Aof::CheckChild() {
  if (child_pid_ <= 0) return;
  int status = 0;
  pid_t r = waitpid(child_pid_, &status, WNOHANG);
  if (r == 0) return;
  bool ok = r == child_pid_ && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  int64_t cow = cow_.Receive();
  if (ok) {
    last_cow_bytes_ = cow;
    LogNotice("AOF rewrite: " + std::to_string(cow / (1024 * 1024)) + " MB of memory used by copy-on-write");
  }
  RewriteDone(ok);
}

void Aof::RewriteDone(bool ok) {
  child_pid_ = -1;
  ResumeRehashAll(*server_);
  rewrite_end_ms_ = MonotonicMs();
  last_rewrite_time_s_ = (rewrite_end_ms_ - rewrite_start_ms_) / 1000;
  std::string temp = PathOf(child_temp_);
  int64_t base_seq = manifest_.base_seq() + 1;
  std::string base_name = AofBaseName(filename_, base_seq, child_rdb_);
  if (ok && rename(temp.c_str(), PathOf(base_name).c_str()) != 0) {
    LogWarning("Error trying to rename the temporary AOF base file " + child_temp_ + " into " + base_name + ": " +
               strerror(errno));
    ok = false;
  }
  if (!ok) {
    unlink(temp.c_str());
    last_rewrite_ok_ = false;
    rewrite_failures_++;
    LogWarning("Background AOF rewrite terminated with error");
    return;
  }
  LogNotice("Successfully renamed the temporary AOF base file " + child_temp_ + " into " + base_name);
  // Flush what was written meanwhile, so the incr file that the new manifest names is complete on disk.
  Flush(true, true);
  AofManifest m;
  m.has_base = true;
  m.base = {base_name, base_seq, 'b'};
  m.history = manifest_.history;
  if (manifest_.has_base) m.history.push_back({manifest_.base.name, manifest_.base.seq, 'h'});
  std::string incr_name = cur_incr_;
  int64_t incr_seq = manifest_.last_incr_seq();
  bool off = state_ == State::kOff;  // BGREWRITEAOF with appendonly no: the base alone
  for (auto& f : manifest_.incrs) {
    if (!off && !cur_is_temp_ && f.name == cur_incr_) continue;
    m.history.push_back({f.name, f.seq, 'h'});
  }
  if (cur_is_temp_) {
    incr_seq++;
    incr_name = AofIncrName(filename_, incr_seq);
    if (rename(PathOf(cur_incr_).c_str(), PathOf(incr_name).c_str()) != 0) {
      LogWarning("Error trying to rename the temporary AOF incr file: " + std::string(strerror(errno)));
      last_rewrite_ok_ = false;
      rewrite_failures_++;
      return;
    }
  }
  if (!off) m.incrs.push_back({incr_name, incr_seq, 'i'});
  Status st = PersistManifest(m);
  if (!st.ok()) {
    LogWarning("Background AOF rewrite: " + st.message());
    if (cur_is_temp_) rename(PathOf(incr_name).c_str(), PathOf(cur_incr_).c_str());
    last_rewrite_ok_ = false;
    rewrite_failures_++;
    return;
  }
  manifest_ = m;
  if (off) {
    last_rewrite_ok_ = true;
    rewrite_failures_ = 0;
    rewrites_++;
    DeleteHistory();
    LogNotice("Background AOF rewrite finished successfully");
    return;
  }
  cur_incr_ = incr_name;
  cur_is_temp_ = false;
  state_ = State::kOn;
  base_size_ = std::max<int64_t>(0, FileSize(PathOf(base_name)));
  current_size_ = base_size_ + std::max<int64_t>(0, FileSize(PathOf(incr_name)));
  last_rewrite_ok_ = true;
  rewrite_failures_ = 0;
  rewrites_++;
  DeleteHistory();
  LogNotice("Background AOF rewrite finished successfully");
}

void Aof::DeleteHistory() {
  if (manifest_.history.empty()) return;
  for (auto& f : manifest_.history) {
    LogNotice("Removing the history file " + f.name);
    unlink(PathOf(f.name).c_str());
  }
  manifest_.history.clear();
  Status st = PersistManifest(manifest_);
  if (!st.ok()) LogWarning(st.message());
}

void Aof::KillChild() {
  if (child_pid_ <= 0) return;
  kill(child_pid_, SIGKILL);
  int status;
  waitpid(child_pid_, &status, 0);
  cow_.Close();
  unlink(PathOf(child_temp_).c_str());
  child_pid_ = -1;
  ResumeRehashAll(*server_);
  LogNotice("Killing running AOF rewrite child");
}

// ---- INFO ----

void Aof::InfoSection(std::string* out) {
  auto field = [out](std::string_view name, std::string_view v) { InfoField(out, name, v); };
  auto num = [out](std::string_view name, int64_t v) { InfoField(out, name, v); };
  bool on = state_ != State::kOff;
  num("aof_enabled", on ? 1 : 0);
  num("aof_rewrite_in_progress", child_pid_ > 0 ? 1 : 0);
  num("aof_rewrite_scheduled", rewrite_scheduled_ ? 1 : 0);
  num("aof_last_rewrite_time_sec", last_rewrite_time_s_);
  num("aof_current_rewrite_time_sec", child_pid_ > 0 ? (MonotonicMs() - rewrite_start_ms_) / 1000 : -1);
  field("aof_last_bgrewrite_status", last_rewrite_ok_ ? "ok" : "err");
  num("aof_rewrites", static_cast<int64_t>(rewrites_));
  num("aof_rewrites_consecutive_failures", static_cast<int64_t>(rewrite_failures_));
  field("aof_last_write_status", write_ok_ ? "ok" : "err");
  num("aof_last_cow_size", last_cow_bytes_);
  num("module_fork_in_progress", 0);
  num("module_fork_last_cow_size", 0);
  if (on) {
    num("aof_current_size", current_size_);
    num("aof_base_size", base_size_);
    num("aof_pending_rewrite", 0);
    num("aof_buffer_length", static_cast<int64_t>(buffer_.size()));
    num("aof_pending_bio_fsync", bio_ && bio_->busy() ? 1 : 0);
    num("aof_delayed_fsync", static_cast<int64_t>(delayed_fsync_));
  }
  if (loader_ != nullptr) {
    int64_t elapsed_ms = MonotonicMs() - load_start_ms_;
    double perc = load_total_bytes_ ? 100.0 * static_cast<double>(load_done_bytes_) / static_cast<double>(load_total_bytes_) : 0;
    int64_t eta = load_done_bytes_ && elapsed_ms > 0
                      ? static_cast<int64_t>((load_total_bytes_ - load_done_bytes_) * static_cast<uint64_t>(elapsed_ms) /
                                             load_done_bytes_ / 1000)
                      : 1;
    num("loading_start_time", server_->clock().NowMs() / 1000 - elapsed_ms / 1000);
    num("loading_total_bytes", static_cast<int64_t>(load_total_bytes_));
    num("loading_rdb_used_mem", 0);
    num("loading_loaded_bytes", static_cast<int64_t>(load_done_bytes_));
    char p[32];
    snprintf(p, sizeof(p), "%.2f", perc);
    field("loading_loaded_perc", p);
    num("loading_eta_seconds", eta);
  }
}

void InstallAof(Server& server) { server.AddSubsystem(std::make_unique<Aof>(&server)); }

}  // namespace rcs
