// The copy-on-write a forked child (BGSAVE, the AOF rewrite) caused, as redis-server measures it: the child's
// Private_Dirty pages (/proc/self/smaps_rollup) when its work is done, sent to the parent through a pipe, for
// INFO persistence's rdb_last_cow_size / aof_last_cow_size and the log.
#pragma once
#include <cstdint>

namespace rcs {

class ChildCowReport {
 public:
  ChildCowReport() = default;
  ChildCowReport(const ChildCowReport&) = delete;
  ChildCowReport& operator=(const ChildCowReport&) = delete;
  ~ChildCowReport() { Close(); }

  // Before fork(). False when no pipe could be made (the report is then 0, nothing else changes).
  bool Open();
  // In the child, right after fork() and before it closes the inherited descriptors from kKeptFd + 1 on:
  // the write end becomes descriptor kKeptFd.
  static constexpr int kKeptFd = 3;
  void InChild();
  // The prologue of a forked child that writes a snapshot (BGSAVE, the AOF rewrite), right after fork():
  // InChild, then every other inherited descriptor closed (until then the child holds the listening ports
  // too), then it dies with its parent (and _exits at once when `parent` is already gone: nobody would take
  // the result).
  void EnterChild(int parent);
  // In the child when its work is done: sends its Private_Dirty bytes.
  void SendFromChild();
  // In the parent after fork(): closes the write end.
  void InParent();
  // In the parent once the child exited: the bytes it sent, 0 when it sent nothing (it failed or was killed).
  int64_t Receive();
  void Close();

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;
};

// Private_Dirty of this process in bytes (0 when /proc cannot tell).
int64_t PrivateDirtyBytes();

}  // namespace rcs
