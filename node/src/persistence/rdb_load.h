// Loading redis-server's RDB files at start: dump.rdb (dbfilename in dir) when appendonly is no, and the
// RDB base of a multi-part AOF (appendonly.aof.N.base.rdb, redis-server's default aof-use-rdb-preamble yes)
// before its incremental files are replayed.
//
// The file is read whole and decoded by the pure parser (keyspace/rdb_parser.h); keys go straight into the
// keyspace (no propagation: a loaded file is already persisted), function libraries go to the scripting
// subsystem through the server's dispatcher (FUNCTION LOAD on the loading client, exactly what a replayed AOF
// does), so persistence/ never includes scripting/. It runs before the event loop serves anyone; an error
// (refused type, corruption, bad checksum, newer version) empties the keyspace again and is returned with the
// file name and the byte offset, and the node exits non-zero: it never starts on half a data set.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "base/file_util.h"  // MappedFile
#include "base/status.h"
#include "keyspace/rdb_parser.h"

namespace rcs {

class Server;
class CommandStreamLoader;

struct RdbLoadResult {
  RdbSummary summary;
  uint64_t keys_expired = 0;  // already expired, not loaded (dump.rdb on a master, as redis-server)
};

// Loads the RDB image `data` (read from `path`, which errors name) into the server. The server must be in
// loading mode through `loader` (whose client runs the FUNCTION LOADs). With `skip_expired`, keys whose
// expiry has passed are dropped; an AOF base keeps them (its incremental files were written against them).
// A key that already exists is an error, unless `replace_existing` (DEBUG RELOAD MERGE): then the file's wins.
// A file that does not load completely leaves an empty keyspace (the node does not start on half a data set),
// unless `keep_on_failure` (DEBUG RELOAD: what was there and what loaded stays, as on redis-server).
// `mapped`, when `data` is that mapping's view: the pages already read are dropped as the load goes on.
StatusOr<RdbLoadResult> LoadRdbImage(Server& server, CommandStreamLoader& loader, const std::string& path,
                                     std::string_view data, bool skip_expired, bool replace_existing = false,
                                     bool keep_on_failure = false, const MappedFile* mapped = nullptr);

// appendonly no: loads `dbfilename` from the working directory (dir) if it exists, logging what was loaded
// as redis-server does. Ok when there is no file.
Status LoadDumpRdbAtStart(Server& server);

}  // namespace rcs
