// The keyspace as a stream of commands: what a replica's full sync and the AOF rewrite both write.
//
// Format: RESP multibulk commands, one or more per key, e.g.
//   *3 $3 SET $k $v            strings (SET k v PXAT t when the key has an expiry)
//   *N $5 RPUSH $k ...          lists/hashes/sets/sorted sets: Object::EmitRebuildCommands, batched
//   *3 $9 PEXPIREAT $k $t       expiry of a non-string key, after its content
// Replaying the stream on an empty keyspace rebuilds the same keys, values and absolute expiries. Keys
// already expired at serialization time are left out.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "keyspace/keyspace.h"

namespace rcs {

// Appends one command in RESP multibulk form.
void AppendRespCommand(std::string* out, const std::vector<std::string_view>& argv);

// Appends the commands that rebuild one key.
void SerializeEntry(const Entry& e, std::string* out);

// Serializes the whole keyspace. Returns the number of keys written.
size_t SerializeKeyspace(Keyspace& db, int64_t now_ms, std::string* out);

}  // namespace rcs
