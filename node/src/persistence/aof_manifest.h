// The manifest of a multi-part AOF, as Redis 7.0 writes and reads it (aof.c), so that either server loads
// the other's directory.
//
// Directory `appenddirname` (default appendonlydir) holds:
//   <appendfilename>.manifest               which files make up the data set, in order
//   <appendfilename>.<seq>.base.rdb         at most one base: the keyspace as an RDB file (a rewrite with
//                                           aof-use-rdb-preamble yes, the default; persistence/aof.h)
//   <appendfilename>.<seq>.base.aof         or as commands (aof-use-rdb-preamble no)
//   <appendfilename>.<seq>.incr.aof         the writes after the base, in seq order; appends go to the last
// One line per file, in this order (base, history, incr):
//   file appendonly.aof.2.base.aof seq 2 type b\n
//   file appendonly.aof.2.incr.aof seq 2 type i\n
// type h marks a file left over from before a rewrite ("history"): not loaded, deleted afterwards. Lines
// starting with '#' are comments. Further key/value pairs on a line are ignored (Redis's forward
// compatibility); a name with spaces or quotes is written quoted, as Redis's sdscatrepr does.
//
// Invariant kept by every writer: the manifest on disk only names files that are complete (a base is
// renamed into place before the manifest that names it), and it is replaced atomically (write a temp file,
// fsync, rename, fsync the directory), so a kill -9 at any moment leaves a manifest that loads.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/file_util.h"  // WriteFileAtomic, FsyncDir
#include "base/status.h"

namespace rcs {

struct AofFileInfo {
  std::string name;
  int64_t seq = 0;
  char type = 'i';  // 'b' base, 'h' history, 'i' incremental
};

struct AofManifest {
  bool has_base = false;
  AofFileInfo base;
  std::vector<AofFileInfo> history;
  std::vector<AofFileInfo> incrs;  // in seq order
  int64_t base_seq() const { return has_base ? base.seq : 0; }
  int64_t last_incr_seq() const { return incrs.empty() ? 0 : incrs.back().seq; }

  // The manifest's text.
  std::string Serialize() const;
  // Parses a manifest's text; errors with Redis's messages.
  static StatusOr<AofManifest> Parse(const std::string& text);
  // Files to load, in order: the base, then every incremental file.
  std::vector<AofFileInfo> LoadOrder() const;
};

// File names for appendfilename (e.g. "appendonly.aof").
std::string AofManifestName(const std::string& appendfilename);
std::string AofTempManifestName(const std::string& appendfilename);
// The base's name says its kind, as redis-server names it: ".base.rdb" (rdb) or ".base.aof".
std::string AofBaseName(const std::string& appendfilename, int64_t seq, bool rdb = false);
std::string AofIncrName(const std::string& appendfilename, int64_t seq);

// Reads a whole file; errors name the file.
StatusOr<std::string> ReadWholeFile(const std::string& path);

}  // namespace rcs
