// The DUMP/RESTORE payload (also used by MIGRATE): one value, self-checking, independent of the key and
// of its expiry (RESTORE and MIGRATE carry the TTL as a separate argument, as Redis does).
//
// Format: redis-server's own, so that DUMP/RESTORE/MIGRATE work between our nodes and redis-server both ways:
//
//   [RDB object: type byte + body (keyspace/rdb_writer.h)][RDB version: 2 bytes LE][CRC64: 8 bytes LE]
//
// - Written: RDB version 10 (kRdbWriteVersion, what redis-server 7.0 writes and reads), with the encodings
//   redis-server would choose for the value.
// - Read: RDB versions kRedisRdbVersionMin (6) to kRdbVersionMax (12: redis-server 7.0 to 8.x, Valkey),
//   every value type the RDB parser reads (keyspace/rdb_parser.h), built with the server's encoding limits.
// - Also read, so that MIGRATE from a node of an older release keeps working during a rolling upgrade:
//   this project's former format, version 1 (kDumpFormatVersion; never overlapping RDB versions):
//   [type: ObjType number][body: Object::Serialize, decoded by DeserializeObject; a string is
//   PutBytes(value)][version 1][CRC64].
// - CRC64 is CRC-64/Jones (reflected, polynomial 0xad93d23594c935a9, init 0, no final xor; check value of
//   "123456789" is 0xe9c6d914c4b8d9ca) over every byte before it.
//
// Invariants: a payload is accepted only if it is at least 11 bytes, its CRC matches and its version is one
// of the above ("ERR DUMP payload version or checksum are wrong" otherwise, as redis-server answers). The
// body must decode completely (no trailing bytes) and an aggregate must not be empty ("ERR Bad data format").
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/crc64.h"  // Crc64, the payload checksum
#include "base/status.h"
#include "keyspace/keyspace.h"
#include "keyspace/object.h"
#include "keyspace/rdb_writer.h"

namespace rcs {

inline constexpr uint16_t kDumpFormatVersion = 1;  // this project's former format, still read

struct RdbParseOptions;  // keyspace/rdb_parser.h

// The payload of a key's value (its expiry is not included).
std::string CreateDumpPayload(const Entry& entry, const RdbWriteOptions& options = {});
// The same for a value not in a keyspace: a string or an object.
std::string CreateStringDumpPayload(std::string_view value, const RdbWriteOptions& options = {});
std::string CreateObjectDumpPayload(const Object& obj, const RdbWriteOptions& options = {});

// A decoded payload: type, and either the string value or the object.
struct DumpedValue {
  ObjType type = ObjType::kString;
  std::string str;              // type == kString
  std::unique_ptr<Object> obj;  // type != kString
};

// Checks and decodes a payload. Errors (exact client-visible texts):
// "ERR DUMP payload version or checksum are wrong" (too short, bad CRC, unknown version) and
// "ERR Bad data format" (checksum fine but the type or body cannot be decoded).
// `options` (nullptr: the defaults) are the encoding limits of the values built.
StatusOr<DumpedValue> ParseDumpPayload(std::string_view payload, const RdbParseOptions* options = nullptr);

// Stores a decoded value under `key` with the given expiry (-1 = none) and returns the entry.
Entry* StoreDumpedValue(Keyspace& db, std::string_view key, DumpedValue value, int64_t expire_at_ms);
// The same for a key that must not exist: nullptr (nothing stored) when it does.
Entry* AddDumpedValue(Keyspace& db, std::string_view key, DumpedValue value, int64_t expire_at_ms);

// FUNCTION DUMP / FUNCTION RESTORE's payload, redis-server 7.0's (functions.c), so that libraries move between
// our nodes and redis-server both ways: the libraries as the records of an RDB file, then the trailer above.
//
//   [0xf5 FUNCTION2: the library's code ("#!lua name=...\n...") as an RDB string]...
//   [RDB version: 2 bytes LE][CRC64: 8 bytes LE]
//
// Written: one FUNCTION2 record per library, RDB version 10. Read (as redis-server 7.0.15's RESTORE):
// the trailer first (at least 10 bytes, a version up to kRdbVersionMax, the CRC; else "ERR DUMP payload
// version or checksum are wrong"), then records while more than the 10 trailer bytes are left, each a
// FUNCTION2 or the pre-release FUNCTION record of Redis 7.0 RC1/RC2 (0xf6: name, engine, a description
// flag (length), the description if the flag is not 0, and the code without its shebang line, which
// becomes "#!<engine> name=<name>\n<code>"). A field may run into the trailer bytes, as in redis-server.
std::string CreateFunctionDumpPayload(const std::vector<std::string>& codes, bool compress);
bool FunctionDumpTrailerValid(std::string_view payload);
// Hands the code of each record of a payload (whose trailer is valid) to `on_library` in order; stops at the
// first error: redis-server's text for a bad record (errors.h kRestoreNotFunction and friends) or the one
// on_library returned.
Status ForEachDumpedFunction(std::string_view payload, const std::function<Status(std::string code)>& on_library);

}  // namespace rcs
