// Files that must survive a crash whole: nodes.conf and the AOF manifest are replaced, never edited, so a
// kill -9 or power loss at any moment leaves either the old or the new content on disk.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace rcs {

// Writes all of `data` to `fd` (retrying short writes and EINTR); false on an error (errno tells which).
bool WriteAll(int fd, std::string_view data);

// Starts the writeback of a file as it is written and bounds what of it stays dirty in the page cache:
// after each `chunk` bytes, the kernel is told to write that chunk out (sync_file_range WRITE, which does
// not wait) and we wait for the chunk before it. redis-server does this for dump.rdb and the AOF rewrite
// (rdb-save-incremental-fsync, aof-rewrite-incremental-fsync: 32 MiB). Without it a save of hundreds of MB
// leaves all of it dirty until the final fsync, which then writes it in one burst at the end of the save.
// Only for a file written front to back from offset 0 by one writer.
class IncrementalSync {
 public:
  static constexpr uint64_t kDefaultChunk = 32ull << 20;
  // chunk 0: does nothing.
  IncrementalSync(int fd, uint64_t chunk) : fd_(fd), chunk_(chunk) {}
  // `n` more bytes were written at the end of the file. False on a sync_file_range error (errno set).
  bool Wrote(size_t n);

 private:
  int fd_;
  uint64_t chunk_;
  uint64_t written_ = 0;   // bytes written so far
  uint64_t started_ = 0;   // the file's first `started_` bytes have had their writeback started
};

// Replaces `path` with `text` atomically and durably: writes `tmp_path` (in the same directory, so the
// rename cannot cross filesystems), fsyncs it, renames it over `path` and fsyncs the directory. On error
// the temp file is removed and `path` is untouched.
Status WriteFileAtomic(const std::string& path, std::string_view text, const std::string& tmp_path);
// The same with the temp file `path.tmp-<pid>`.
Status WriteFileAtomic(const std::string& path, std::string_view text);
// fsync of a directory (after a create, rename or unlink in it).
Status FsyncDir(const std::string& dir);
// The directory part of a path ("." when it has none).
std::string DirName(const std::string& path);

// A whole file mapped read-only (an RDB file to load): the loader reads it in place, without a copy in
// anonymous memory, and the kernel can drop pages already read under memory pressure. The file must not be
// truncated while mapped (ours are replaced by rename, which leaves the mapping intact).
class MappedFile {
 public:
  static StatusOr<MappedFile> Open(const std::string& path);
  MappedFile(MappedFile&& other) noexcept : data_(other.data_), size_(other.size_) {
    other.data_ = nullptr;
    other.size_ = 0;
  }
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  ~MappedFile();
  std::string_view view() const { return std::string_view(static_cast<const char*>(data_), size_); }
  // The reader is done with the bytes before `offset`: their pages leave this process's memory (the page
  // cache keeps them), so a file loaded front to back does not count whole in the peak RSS. Reading them
  // again still works (they fault back in).
  void DropBefore(size_t offset) const;
  size_t size() const { return size_; }

 private:
  MappedFile(void* data, size_t size) : data_(data), size_(size) {}
  void* data_ = nullptr;  // nullptr for an empty file
  size_t size_ = 0;
};

}  // namespace rcs
