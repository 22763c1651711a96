// Files that must survive a crash whole: nodes.conf and the AOF manifest are replaced, never edited, so a
// kill -9 or power loss at any moment leaves either the old or the new content on disk.
#pragma once
#include <string>
#include <string_view>

#include "base/status.h"

namespace rcs {

// Writes all of `data` to `fd` (retrying short writes and EINTR); false on an error (errno tells which).
bool WriteAll(int fd, std::string_view data);

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

}  // namespace rcs
