// The DUMP/RESTORE payload (also used by MIGRATE): one value, self-checking, independent of the key and
// of its expiry (RESTORE and MIGRATE carry the TTL as a separate argument, as Redis does).
//
// Format, version 1 (kDumpFormatVersion):
//
//   [type: 1 byte][body: N bytes][format version: 2 bytes, little endian][CRC64: 8 bytes, little endian]
//
// - type is the ObjType number (object.h): 0 string, 1 list, 2 set, 3 zset, 4 hash.
// - Strings are written in redis-server's own format instead (type 0, an RDB string, version 10 =
//   kRedisRdbVersionMax: rdb_string.h), which both redis-server and we read; older payloads of ours with
//   a version-1 string body (PutBytes: varint length + bytes) are still read.
// - Body of any other type: what its Object::Serialize writes, decoded by DeserializeObject (each value
//   header documents its body), version 1.
// - CRC64 is CRC-64/Jones (reflected, polynomial 0xad93d23594c935a9, init 0, no final xor; the checksum
//   Redis uses for its own payloads; check value of "123456789" is 0xe9c6d914c4b8d9ca) over every byte
//   before it: type, body and version.
//
// redis-server's payloads (RDB versions 6..10 in the version field, disjoint from ours) are read too, for
// strings only (rdb_string.h): a string DUMPed on redis-server RESTOREs here, and ours there. Other types
// stay in our own format, which redis-server refuses.
//
// Invariants: a payload is accepted only if it is at least 11 bytes, its CRC matches and its version is
// between 1 and kDumpFormatVersion (newer nodes must keep reading older versions; older nodes refuse newer
// payloads rather than misreading them). The body must decode completely (no trailing bytes) and an
// aggregate must not be empty (a key never holds an empty list/hash/set/zset).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/crc64.h"  // Crc64, the payload checksum
#include "base/status.h"
#include "keyspace/keyspace.h"
#include "keyspace/object.h"

namespace rcs {

inline constexpr uint16_t kDumpFormatVersion = 1;

// The payload of a key's value (its expiry is not included).
std::string CreateDumpPayload(const Entry& entry);
// The same for a value not in a keyspace: a string (obj == nullptr) or an object.
std::string CreateStringDumpPayload(std::string_view value);
std::string CreateObjectDumpPayload(const Object& obj);

// A decoded payload: type, and either the string value or the object.
struct DumpedValue {
  ObjType type = ObjType::kString;
  std::string str;              // type == kString
  std::unique_ptr<Object> obj;  // type != kString
};

// Checks and decodes a payload. Errors (exact client-visible texts):
// "ERR DUMP payload version or checksum are wrong" (too short, bad CRC, unknown version) and
// "ERR Bad data format" (checksum fine but the type or body cannot be decoded).
StatusOr<DumpedValue> ParseDumpPayload(std::string_view payload);

// Stores a decoded value under `key` with the given expiry (-1 = none) and returns the entry.
Entry* StoreDumpedValue(Keyspace& db, std::string_view key, DumpedValue value, int64_t expire_at_ms);

}  // namespace rcs
