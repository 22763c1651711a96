#include "base/file_util.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace rcs {

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Status FsyncDir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Error("Can't open " + dir + ": " + strerror(errno));
  int r = fsync(fd);
  int e = errno;
  close(fd);
  if (r != 0) return Status::Error("Can't fsync " + dir + ": " + strerror(e));
  return Status::Ok();
}

bool WriteAll(int fd, std::string_view data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

bool IncrementalSync::Wrote(size_t n) {
  written_ += n;
  if (chunk_ == 0) return true;
  while (written_ - started_ >= chunk_) {
    if (sync_file_range(fd_, static_cast<off64_t>(started_), static_cast<off64_t>(chunk_),
                        SYNC_FILE_RANGE_WRITE) != 0) {
      return false;
    }
    // Wait for the chunk before this one: at most two chunks are dirty or in flight at any time.
    if (started_ >= chunk_ &&
        sync_file_range(fd_, static_cast<off64_t>(started_ - chunk_), static_cast<off64_t>(chunk_),
                        SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) != 0) {
      return false;
    }
    started_ += chunk_;
  }
  return true;
}

Status WriteFileAtomic(const std::string& path, std::string_view text, const std::string& tmp_path) {
  int fd = open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Error("Can't open " + tmp_path + ": " + strerror(errno));
  auto fail = [&](const char* what) {
    std::string e = strerror(errno);
    if (fd >= 0) close(fd);
    unlink(tmp_path.c_str());
    return Status::Error(std::string("Can't ") + what + " " + tmp_path + ": " + e);
  };
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = write(fd, text.data() + off, text.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    off += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) return fail("fsync");
  close(fd);
  fd = -1;
  if (rename(tmp_path.c_str(), path.c_str()) != 0) return fail("rename");
  return FsyncDir(DirName(path));
}

Status WriteFileAtomic(const std::string& path, std::string_view text) {
  return WriteFileAtomic(path, text, path + ".tmp-" + std::to_string(getpid()));
}

StatusOr<MappedFile> MappedFile::Open(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error("Can't open " + path + ": " + strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return Status::Error("Can't read " + path + ": " + strerror(e));
  }
  size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    close(fd);
    return MappedFile(nullptr, 0);
  }
  void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  int e = errno;
  close(fd);  // the mapping keeps the file
  if (p == MAP_FAILED) return Status::Error("Can't read " + path + ": " + strerror(e));
  madvise(p, size, MADV_SEQUENTIAL);  // read front to back once: read ahead, drop behind
  return MappedFile(p, size);
}

void MappedFile::DropBefore(size_t offset) const {
  if (data_ == nullptr) return;
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t bytes = std::min(offset, size_) / page * page;
  if (bytes > 0) madvise(data_, bytes, MADV_DONTNEED);
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) munmap(data_, size_);
}

}  // namespace rcs
