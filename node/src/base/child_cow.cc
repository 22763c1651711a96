#include "base/child_cow.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace rcs {

int64_t PrivateDirtyBytes() {
  FILE* f = fopen("/proc/self/smaps_rollup", "r");
  if (f == nullptr) return 0;
  char line[256];
  int64_t kb = 0;
  while (fgets(line, sizeof(line), f) != nullptr) {
    long long v = 0;
    if (sscanf(line, "Private_Dirty: %lld kB", &v) == 1) kb += v;
  }
  fclose(f);
  return kb * 1024;
}

bool ChildCowReport::Open() {
  Close();
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  read_fd_ = fds[0];
  write_fd_ = fds[1];
  return true;
}

void ChildCowReport::EnterChild(int parent) {
  InChild();
  close_range(kKeptFd + 1, ~0U, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);
}

void ChildCowReport::InChild() {
  if (write_fd_ < 0) {
    close(kKeptFd);  // not kept for a report: closed like every other inherited descriptor
    return;
  }
  if (write_fd_ != kKeptFd) {
    // dup2 clears close-on-exec on the copy; the child never execs anyway.
    if (dup2(write_fd_, kKeptFd) < 0) {
      close(kKeptFd);
      write_fd_ = -1;
      return;
    }
  }
  write_fd_ = kKeptFd;
  read_fd_ = -1;  // closed with the other inherited descriptors
}

void ChildCowReport::SendFromChild() {
  if (write_fd_ < 0) return;
  int64_t bytes = PrivateDirtyBytes();
  // 8 bytes into an empty pipe: written whole or not at all.
  ssize_t ignored = write(write_fd_, &bytes, sizeof(bytes));
  (void)ignored;
}

void ChildCowReport::InParent() {
  if (write_fd_ >= 0) close(write_fd_);
  write_fd_ = -1;
}

int64_t ChildCowReport::Receive() {
  int64_t bytes = 0;
  if (read_fd_ >= 0) {
    int flags = fcntl(read_fd_, F_GETFL);
    fcntl(read_fd_, F_SETFL, flags | O_NONBLOCK);
    if (read(read_fd_, &bytes, sizeof(bytes)) != static_cast<ssize_t>(sizeof(bytes))) bytes = 0;
  }
  Close();
  return bytes;
}

void ChildCowReport::Close() {
  if (read_fd_ >= 0) close(read_fd_);
  if (write_fd_ >= 0) close(write_fd_);
  read_fd_ = write_fd_ = -1;
}

}  // namespace rcs
