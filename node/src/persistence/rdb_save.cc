// SAVE / BGSAVE: see rdb_save.h.
#include "persistence/rdb_save.h"
#include "server/server_dbs.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "base/alloc.h"
#include "base/clock.h"
#include "base/crc64.h"
#include "base/file_util.h"
#include "base/log.h"
#include "base/strutil.h"
#include "keyspace/rdb_string.h"
#include "net/event_loop.h"
#include "persistence/aof.h"
#include "server/rdb_options.h"
#include "protocol/errors.h"

namespace rcs {

Status SaveRdbFile(const std::string& path, const std::vector<Keyspace*>& dbs, int64_t now_ms,
                   const RdbFileInfo& info, const RdbWriteOptions& options) {
  std::string dir = DirName(path);
  std::string temp = (dir == "." ? std::string() : dir + "/") + "temp-" + std::to_string(getpid()) + ".rdb";
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Error("Failed opening the temp RDB file " + temp + ": " + strerror(errno));
  bool ok = WriteRdb(fd, dbs, now_ms, info, options) && fsync(fd) == 0;
  int err = errno;
  ok = close(fd) == 0 && ok;
  if (ok && rename(temp.c_str(), path.c_str()) != 0) {
    err = errno;
    ok = false;
  }
  if (!ok) {
    unlink(temp.c_str());
    return Status::Error("Write error saving DB on disk: " + std::string(strerror(err)));
  }
  return FsyncDir(dir);
}

namespace {

constexpr int64_t kBgsaveRetryDelayS = 5;  // Redis's CONFIG_BGSAVE_RETRY_DELAY

// "3600 1 300 100" -> {{3600, 1}, {300, 100}} (validated when the config was set).
std::vector<std::pair<int64_t, int64_t>> SavePoints(const std::string& save) {
  std::vector<std::pair<int64_t, int64_t>> points;
  std::vector<int64_t> nums;
  size_t pos = 0;
  while (pos < save.size()) {
    size_t end = save.find(' ', pos);
    if (end == std::string::npos) end = save.size();
    if (end > pos) nums.push_back(std::stoll(save.substr(pos, end - pos)));
    pos = end + 1;
  }
  for (size_t j = 0; j + 1 < nums.size(); j += 2) points.emplace_back(nums[j], nums[j + 1]);
  return points;
}

}  // namespace

RdbSaver::RdbSaver(Server* server) : server_(server) {
  server_->SetInfoProvider("rdb", [this](std::string* out) { InfoSection(out); });
}

RdbSaver::~RdbSaver() {
  // Only the child: the server (and its keyspace) may already be gone.
  if (child_pid_ > 0) {
    kill(child_pid_, SIGKILL);
    int status;
    waitpid(child_pid_, &status, 0);
  }
}

RdbFileInfo RdbSaver::Info() const {
  RdbFileInfo info;
  info.ctime_s = server_->clock().NowMs() / 1000;
  info.used_mem = UsedMemory();
  info.function_libraries = server_->FunctionLibraries();
  return info;
}

RdbWriteOptions RdbSaver::Options() const {
  return RdbWriteOptionsFromConfig(server_->config(), RdbTarget::kDumpFile);
}

Status RdbSaver::Save(bool alongside_child) {
  if (child_pid_ > 0 && !alongside_child) return Status::Error(err::kBgsaveInProgress);
  int64_t dirty = server_->dirty();
  saves_++;
  Status st = SaveRdbFile(server_->config().dbfilename, ServerDbs(*server_), server_->clock().NowMs(), Info(), Options());
  if (!st.ok()) {
    // As redis-server 7.0: a failed SAVE leaves rdb_last_bgsave_status (and -MISCONF) as they were.
    LogWarning(st.message());
    return Status::Error(err::kSaveFailed);
  }
  LogNotice("DB saved on disk");
  server_->MarkSaved(server_->clock().NowMs() / 1000, dirty);
  last_bgsave_ok_ = true;
  UpdateWriteRefusal();
  return Status::Ok();
}

Status RdbSaver::BackgroundSave(bool schedule, bool* scheduled) {
  if (child_pid_ > 0) return Status::Error(err::kBgsaveInProgress);
  auto* aof = server_->subsystem<Aof>();
  if (aof != nullptr && aof->rewrite_in_progress()) {
    if (!schedule) return Status::Error(err::kBgsaveDuringAofRewrite);
    scheduled_ = true;
    if (scheduled != nullptr) *scheduled = true;
    return Status::Ok();
  }
  RdbFileInfo info = Info();
  RdbWriteOptions options = Options();
  std::string path = server_->config().dbfilename;
  int64_t now_ms = server_->clock().NowMs();
  int64_t fork_start_us = server_->clock().NowUs();
  last_try_s_ = now_ms / 1000;
  pid_t parent = getpid();
  cow_.Open();
  pid_t pid = fork();
  if (pid < 0) {
    cow_.Close();
    LogWarning(std::string("Can't save in background: fork: ") + strerror(errno));
    last_bgsave_ok_ = false;
    UpdateWriteRefusal();
    return Status::Error(err::BgsaveForkFailed(strerror(errno)));
  }
  if (pid == 0) {
    cow_.EnterChild(parent);  // no inherited sockets, dies with its parent (as the AOF rewrite's child)
    Status st = SaveRdbFile(path, ServerDbs(*server_), now_ms, info, options);
    if (st.ok()) cow_.SendFromChild();
    _exit(st.ok() ? 0 : 1);
  }
  cow_.InParent();
  server_->stats().latest_fork_usec = server_->clock().NowUs() - fork_start_us;
  server_->LatencySample("fork", server_->stats().latest_fork_usec / 1000);
  server_->stats().total_forks++;
  child_pid_ = pid;
  start_ms_ = MonotonicMs();
  saves_++;
  scheduled_ = false;
  dirty_at_start_ = server_->dirty();
  PauseRehashAll(*server_);
  LogNotice("Background saving started by pid " + std::to_string(pid));
  return Status::Ok();
}

void RdbSaver::Cron() {
  CheckChild();
  UpdateWriteRefusal();  // the config may have changed (save, stop-writes-on-bgsave-error)
  StartScheduledSave();
}

void RdbSaver::StartScheduledSave() {
  if (child_pid_ > 0 || server_->loading()) return;
  auto* aof = server_->subsystem<Aof>();
  if (aof != nullptr && aof->rewrite_in_progress()) return;
  int64_t now_s = server_->clock().NowMs() / 1000;
  bool may_try = last_bgsave_ok_ || now_s - last_try_s_ > kBgsaveRetryDelayS;
  if (!may_try) return;
  if (scheduled_) {
    BackgroundSave();
    return;
  }
  for (const auto& [seconds, changes] : SavePoints(server_->config().save)) {
    if (server_->dirty() >= changes && now_s - server_->last_save_time_s() > seconds) {
      LogNotice(std::to_string(changes) + " changes in " + std::to_string(seconds) + " seconds. Saving...");
      BackgroundSave();
      return;
    }
  }
}

void RdbSaver::UpdateWriteRefusal() {
  const Config& c = server_->config();
  server_->set_rdb_save_failed(!last_bgsave_ok_ && c.stop_writes_on_bgsave_error && !c.save.empty());
}

void RdbSaver::CheckChild() {
  if (child_pid_ <= 0) return;
  int status = 0;
  pid_t r = waitpid(child_pid_, &status, WNOHANG);
  if (r == 0) return;
  Done(r == child_pid_ && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void RdbSaver::Done(bool ok) {
  pid_t pid = child_pid_;
  child_pid_ = -1;
  ResumeRehashAll(*server_);
  last_bgsave_time_s_ = (MonotonicMs() - start_ms_) / 1000;
  last_bgsave_ok_ = ok;
  UpdateWriteRefusal();
  int64_t cow = cow_.Receive();
  if (!ok) {
    unlink(("temp-" + std::to_string(pid) + ".rdb").c_str());
    LogWarning("Background saving error");
    return;
  }
  last_cow_bytes_ = cow;
  LogNotice("RDB: " + std::to_string(cow / (1024 * 1024)) + " MB of memory used by copy-on-write");
  LogNotice("Background saving terminated with success");
  server_->MarkSaved(server_->clock().NowMs() / 1000, dirty_at_start_);
}

void RdbSaver::KillChild() {
  if (child_pid_ <= 0) return;
  LogWarning("There is a child saving an .rdb. Killing it!");
  pid_t pid = child_pid_;
  kill(pid, SIGKILL);
  int status;
  waitpid(pid, &status, 0);
  cow_.Close();
  child_pid_ = -1;
  ResumeRehashAll(*server_);
  unlink(("temp-" + std::to_string(pid) + ".rdb").c_str());
}

Status RdbSaver::SaveOnShutdown(bool save) {
  shutdown_handled_ = true;
  if (!save) return Status::Ok();
  KillChild();
  LogNotice("Saving the final RDB snapshot before exiting.");
  Status st = Save();
  if (!st.ok()) {
    LogWarning("Error trying to save the DB, can't exit.");
    shutdown_handled_ = false;
    return Status::Error(err::kShutdownSaveFailed);
  }
  return Status::Ok();
}

void RdbSaver::Shutdown() {
  KillChild();
  // A SIGTERM (SHUTDOWN decided already): redis-server saves when save points are configured.
  if (shutdown_handled_ || server_->config().save.empty()) return;
  LogNotice("Saving the final RDB snapshot before exiting.");
  if (!Save().ok()) LogWarning("Error trying to save the DB before exiting.");
}

void RdbSaver::InfoSection(std::string* out) {
  const ServerStats& st = server_->stats();
  InfoField(out, "rdb_changes_since_last_save", server_->dirty());
  InfoField(out, "rdb_bgsave_in_progress", child_pid_ > 0 ? 1 : 0);
  InfoField(out, "rdb_last_save_time", server_->last_save_time_s());
  InfoField(out, "rdb_last_bgsave_status", last_bgsave_ok_ ? "ok" : "err");
  InfoField(out, "rdb_last_bgsave_time_sec", last_bgsave_time_s_);
  InfoField(out, "rdb_current_bgsave_time_sec", child_pid_ > 0 ? (MonotonicMs() - start_ms_) / 1000 : -1);
  InfoField(out, "rdb_saves", static_cast<int64_t>(saves_));
  InfoField(out, "rdb_last_cow_size", last_cow_bytes_);
  InfoField(out, "rdb_last_load_keys_expired", static_cast<int64_t>(st.rdb_last_load_keys_expired));
  InfoField(out, "rdb_last_load_keys_loaded", static_cast<int64_t>(st.rdb_last_load_keys_loaded));
}

void InstallRdbSaver(Server& server) { server.AddSubsystem(std::make_unique<RdbSaver>(&server)); }

}  // namespace rcs
