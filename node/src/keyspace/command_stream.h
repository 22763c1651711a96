// The keyspace as a stream of commands: what a replica's full sync and the AOF rewrite both write, and what
// AOF loading and a replica's full sync both read back (server/command_loader.h).
//
// Format: RESP multibulk commands, one or more per key, e.g.
//   *3 $3 SET $k $v            strings (SET k v PXAT t when the key has an expiry)
//   *N $5 RPUSH $k ...          lists/hashes/sets/sorted sets: Object::EmitRebuildCommands, batched
//   *3 $9 PEXPIREAT $k $t       expiry of a non-string key, after its content
// Replaying the stream on an empty keyspace rebuilds the same keys, values and absolute expiries (so a
// restart never extends a TTL). Keys already expired at serialization time are left out. redis-server
// reads the same stream (it is the AOF format with aof-use-rdb-preamble no).
//
// KeyspaceSerializer walks the keyspace one cluster slot at a time and hands the commands to a sink in
// chunks, so memory stays bounded by a chunk (plus one key) whatever the data set, and a caller can stop
// after a budget and resume later. Resuming is only a consistent cut if the keyspace did not change in
// between: the AOF rewrite runs it in a forked child, whose keyspace is frozen.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/crc16.h"
#include "keyspace/keyspace.h"

namespace rcs {

// Appends one command in RESP multibulk form.
void AppendRespCommand(std::string* out, const std::vector<std::string_view>& argv);

// Appends the commands that rebuild one key.
void SerializeEntry(const Entry& e, std::string* out);

class KeyspaceSerializer {
 public:
  // Receives the stream in order; returns false to stop (a write error), which makes Step return done
  // with failed() set.
  using Sink = std::function<bool(std::string_view chunk)>;
  KeyspaceSerializer(Keyspace& db, int64_t now_ms, size_t chunk_bytes = 64 * 1024);

  // Serializes until at least `budget_bytes` more were handed to the sink, or to the end. True when the
  // whole keyspace has been written (or the sink failed).
  bool Step(const Sink& sink, uint64_t budget_bytes);
  bool Run(const Sink& sink) { return Step(sink, UINT64_MAX); }
  // Commands written before the first key (Server::SnapshotPreambleText: the function libraries).
  void set_preamble(std::string_view commands) { buf_.insert(0, commands); }

  bool done() const { return next_slot_ >= kClusterSlots && buf_.empty(); }
  bool failed() const { return failed_; }
  size_t keys() const { return keys_; }
  uint64_t bytes() const { return bytes_; }

 private:
  bool Flush(const Sink& sink);
  Keyspace& db_;
  int64_t now_ms_;
  size_t chunk_bytes_;
  int next_slot_ = 0;
  std::string buf_;
  size_t keys_ = 0;
  uint64_t bytes_ = 0;
  bool failed_ = false;
};

// Serializes the whole keyspace into one string. Returns the number of keys written.
size_t SerializeKeyspace(Keyspace& db, int64_t now_ms, std::string* out);

// Numbered databases as one stream (the AOF's command base, a replica's full sync): database 0 (with the
// preamble first, even when empty), then for each other database that holds keys `SELECT n` and its keys.
// dbs[i] is database i, nullptr when never used. False when the sink failed.
bool SerializeDatabases(const std::vector<Keyspace*>& dbs, int64_t now_ms, size_t chunk_bytes,
                        std::string_view preamble, const KeyspaceSerializer::Sink& sink);

}  // namespace rcs
