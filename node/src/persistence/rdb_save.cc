// SAVE / BGSAVE: see rdb_save.h.
#include "persistence/rdb_save.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/alloc.h"
#include "base/clock.h"
#include "base/crc64.h"
#include "base/file_util.h"
#include "base/log.h"
#include "keyspace/rdb_string.h"
#include "persistence/aof.h"
#include "protocol/errors.h"

namespace rcs {

Status SaveRdbFile(const std::string& path, Keyspace& db, int64_t now_ms, const RdbFileInfo& info,
                   const RdbWriteOptions& options) {
  std::string dir = DirName(path);
  std::string temp = (dir == "." ? std::string() : dir + "/") + "temp-" + std::to_string(getpid()) + ".rdb";
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Error("Failed opening the temp RDB file " + temp + ": " + strerror(errno));
  bool ok = WriteRdb(fd, db, now_ms, info, options) && fsync(fd) == 0;
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
  return info;
}

RdbWriteOptions RdbSaver::Options() const {
  RdbWriteOptions o;
  o.list_max_listpack_size = server_->config().list_max_listpack_size;
  o.compress = server_->config().rdbcompression;
  return o;
}

Status RdbSaver::Save() {
  if (child_pid_ > 0) return Status::Error(err::kBgsaveInProgress);
  int64_t dirty = server_->dirty();
  Status st = SaveRdbFile(server_->config().dbfilename, server_->db(), server_->clock().NowMs(), Info(), Options());
  if (!st.ok()) {
    LogWarning(st.message());
    return Status::Error(err::kSaveFailed);
  }
  LogNotice("DB saved on disk");
  server_->MarkSaved(server_->clock().NowMs() / 1000, dirty);
  return Status::Ok();
}

Status RdbSaver::BackgroundSave() {
  if (child_pid_ > 0) return Status::Error(err::kBgsaveInProgress);
  auto* aof = server_->subsystem<Aof>();
  if (aof != nullptr && aof->rewrite_in_progress()) {
    return Status::Error(err::kBgsaveDuringAofRewrite);
  }
  RdbFileInfo info = Info();
  RdbWriteOptions options = Options();
  std::string path = server_->config().dbfilename;
  int64_t now_ms = server_->clock().NowMs();
  int64_t fork_start_us = server_->clock().NowUs();
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    LogWarning(std::string("Can't save in background: fork: ") + strerror(errno));
    return Status::Error(err::BgsaveForkFailed(strerror(errno)));
  }
  if (pid == 0) {
    // Child: as the AOF rewrite's (aof.cc): no inherited sockets, dies with its parent.
    close_range(3, ~0U, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    Status st = SaveRdbFile(path, server_->db(), now_ms, info, options);
    _exit(st.ok() ? 0 : 1);
  }
  server_->stats().latest_fork_usec = server_->clock().NowUs() - fork_start_us;
  server_->stats().total_forks++;
  child_pid_ = pid;
  dirty_at_start_ = server_->dirty();
  server_->db().PauseRehash();
  LogNotice("Background saving started by pid " + std::to_string(pid));
  return Status::Ok();
}

void RdbSaver::Cron() { CheckChild(); }

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
  server_->db().ResumeRehash();
  if (!ok) {
    unlink(("temp-" + std::to_string(pid) + ".rdb").c_str());
    LogWarning("Background saving error");
    return;
  }
  LogNotice("Background saving terminated with success");
  server_->MarkSaved(server_->clock().NowMs() / 1000, dirty_at_start_);
}

void RdbSaver::Shutdown() {
  if (child_pid_ <= 0) return;
  kill(child_pid_, SIGKILL);
  int status;
  waitpid(child_pid_, &status, 0);
  Done(false);
}

void InstallRdbSaver(Server& server) { server.AddSubsystem(std::make_unique<RdbSaver>(&server)); }

}  // namespace rcs
