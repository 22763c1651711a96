// The keyspace as a command stream (or an RDB image) produced by a forked child into a pipe: how a master
// sends a full sync without serializing the whole data set on the event loop (and without holding it in
// memory twice).
//
// Start() forks; the child walks its copy-on-write view of the keyspace with the KeyspaceSerializer, writes
// the stream to the pipe and exits 0 (1 if the pipe broke). The parent reads the pipe from its event loop,
// as fast as the consumer takes the bytes, so a client's PING is answered throughout. The cut is the
// keyspace at fork time: the caller queues every write after it behind the stream.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "keyspace/keyspace.h"
#include "keyspace/rdb_file.h"

namespace rcs {

class SnapshotStream {
 public:
  SnapshotStream() = default;
  ~SnapshotStream();  // kills a running child
  SnapshotStream(const SnapshotStream&) = delete;
  SnapshotStream& operator=(const SnapshotStream&) = delete;

  // `preamble` (commands) comes before the keys: Server::SnapshotPreambleText.
  // dbs[i] is database i (nullptr when never used): keyspace/command_stream.h SerializeDatabases.
  Status Start(const std::vector<Keyspace*>& dbs, int64_t now_ms, std::string preamble = "");
  // The same cut as an RDB image (keyspace/rdb_file.h): the full sync of a replica that is redis-server.
  Status StartRdb(const std::vector<Keyspace*>& dbs, int64_t now_ms, const RdbFileInfo& info,
                  const RdbWriteOptions& options);
  // The read end of the pipe (non-blocking), for the event loop.
  int fd() const { return fd_; }
  enum class ReadResult { kData, kAgain, kDone, kFailed };
  // Appends up to max_bytes to *out. kDone once the child finished and every byte was read.
  ReadResult Read(std::string* out, size_t max_bytes);
  uint64_t bytes() const { return bytes_; }

 private:
  // Forks a child that runs `child_body` (writing to fd 3, the pipe) and exits 0 when it returned true.
  Status Fork(const std::vector<Keyspace*>& dbs, const std::function<bool()>& child_body);
  void ResumeRehash();
  void Reap(bool kill_child);
  std::vector<Keyspace*> dbs_;  // background rehash paused while the child lives
  pid_t pid_ = -1;
  int fd_ = -1;
  uint64_t bytes_ = 0;
};

}  // namespace rcs
