#include "server/snapshot_stream.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "keyspace/command_stream.h"

namespace rcs {

SnapshotStream::~SnapshotStream() {
  if (fd_ >= 0) close(fd_);
  if (pid_ > 0) Reap(true);
}

void SnapshotStream::Reap(bool kill_child) {
  if (kill_child) kill(pid_, SIGKILL);
  int st;
  waitpid(pid_, &st, 0);
  pid_ = -1;
  ResumeRehash();
}

void SnapshotStream::ResumeRehash() {
  for (Keyspace* db : dbs_) {
    if (db != nullptr) db->ResumeRehash();
  }
  dbs_.clear();
}

Status SnapshotStream::Start(const std::vector<Keyspace*>& dbs, int64_t now_ms, std::string preamble) {
  return Fork(dbs, [&dbs, now_ms, &preamble] {
    return SerializeDatabases(dbs, now_ms, 256 * 1024, preamble, [](std::string_view chunk) {
      size_t off = 0;
      while (off < chunk.size()) {
        ssize_t n = write(3, chunk.data() + off, chunk.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        off += static_cast<size_t>(n);
      }
      return true;
    });
  });
}

Status SnapshotStream::StartRdb(const std::vector<Keyspace*>& dbs, int64_t now_ms, const RdbFileInfo& info,
                                const RdbWriteOptions& options) {
  return Fork(dbs, [&dbs, now_ms, &info, &options] { return WriteRdb(3, dbs, now_ms, info, options); });
}

Status SnapshotStream::Fork(const std::vector<Keyspace*>& dbs, const std::function<bool()>& child_body) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Status::Error(std::string("pipe: ") + strerror(errno));
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return Status::Error(std::string("fork: ") + strerror(errno));
  }
  if (pid == 0) {
    // Child: only the pipe's write end stays open (no listening sockets); dies with its parent.
    dup2(fds[1], 3);
    close_range(4, ~0U, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);  // the parent died before prctl: nobody would take the result
    _exit(child_body() ? 0 : 1);
  }
  close(fds[1]);
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  dbs_ = dbs;
  for (Keyspace* db : dbs_) {
    if (db != nullptr) db->PauseRehash();
  }
  pid_ = pid;
  fd_ = fds[0];
  return Status::Ok();
}

SnapshotStream::ReadResult SnapshotStream::Read(std::string* out, size_t max_bytes) {
  if (fd_ < 0) return ReadResult::kFailed;
  char buf[64 * 1024];
  size_t got = 0;
  ssize_t n = 0;
  while (got < max_bytes) {
    n = read(fd_, buf, std::min(sizeof(buf), max_bytes - got));
    if (n <= 0) break;
    out->append(buf, static_cast<size_t>(n));
    got += static_cast<size_t>(n);
  }
  bytes_ += got;
  if (got > 0) return ReadResult::kData;
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return ReadResult::kAgain;
  // End of the pipe: the child exited (or the pipe broke: then it is stopped).
  if (n < 0) kill(pid_, SIGKILL);
  close(fd_);
  fd_ = -1;
  int st = 0;
  bool ok = n == 0 && waitpid(pid_, &st, 0) == pid_ && WIFEXITED(st) && WEXITSTATUS(st) == 0;
  if (n < 0) {
    Reap(false);
  } else {
    pid_ = -1;
    ResumeRehash();
  }
  return ok ? ReadResult::kDone : ReadResult::kFailed;
}

}  // namespace rcs
