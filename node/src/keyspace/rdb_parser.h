// Reading redis-server's RDB files (dump.rdb, the RDB base of an AOF), as written by redis-server 7.0 to 8.x
// (RDB versions 10 to 12) and Valkey 7.2 to 8.x (RDB 11); older versions down to 1 use the same
// encodings and are read too. Decoding only: bytes in, keys and values out. The caller (persistence/
// rdb_load.h) decides where they go, so that this can be fuzzed and unit-tested without a server.
//
// File layout:
//   "REDIS" + 4 ASCII digits (the version)
//   then opcodes and keys until EOF:
//     0xfa AUX         string key, string value (redis-ver, ctime, used-mem, aof-base, repl-id ...)
//     0xfe SELECTDB    length: the database of the keys that follow
//     0xfb RESIZEDB    length, length: size hints (keys, keys with an expiry: RdbSink::OnResizeDb)
//     0xf4 SLOT_INFO   length slot, length keys, length expires: cluster size hints (ignored)
//     0xfc EXPIRETIME_MS  8 bytes little-endian, absolute unix time in ms, for the next key
//     0xfd EXPIRETIME     4 bytes little-endian, absolute unix time in s, for the next key
//     0xf8 IDLE        length: LRU idle seconds of the next key;  0xf9 FREQ  1 byte: its LFU counter
//     0xf5 FUNCTION2   string: a function library's code ("#!lua name=..."), for the scripting subsystem
//     0xf7 MODULE_AUX  module data: refused, naming the module (we have no modules)
//     0..25            a key: its RDB type, the key (a string), the value in that type's encoding
//     0xff EOF         then 8 bytes CRC-64/Jones (base/crc64.h) of everything before, little-endian;
//                      0 means the writer had rdbchecksum off (not checked, as redis-server does)
//   Lengths and strings: keyspace/rdb_string.h (6/14/32/64-bit lengths, int8/16/32 and LZF strings).
// Value encodings read (RDB type number):
//   0 string; 1 list of strings; 10 ziplist list; 14 quicklist of ziplists; 18 quicklist 2 (listpack or
//   plain nodes); 2 set of strings; 11 intset; 20 listpack set; 3 zset (text scores); 5 zset 2 (binary
//   double scores); 12 ziplist zset; 17 listpack zset; 4 hash; 9 zipmap; 13 ziplist hash; 16 listpack hash.
//   HyperLogLogs are strings. Packed blobs: keyspace/rdb_encodings.h.
// Refused with a clear error that names the key: streams (15, 19, 21), hashes with per-field TTLs (22-25),
// module values (6, 7: the module's name is decoded from its id), keys outside database 0 (this node has
// only database 0, as a cluster node). Unknown types/opcodes, truncation, bad checksums, versions newer
// than kRdbVersionMax, duplicate members and malformed blobs are errors. Every error ends with
// "at offset N" (the byte in the file where the bad item starts).
//
// An RDB written as an AOF preamble by redis-server < 7 may be followed by AOF commands in the same file:
// the parse stops after the checksum and reports where (end_offset).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "keyspace/dump.h"  // DumpedValue
#include "keyspace/hash_value.h"
#include "keyspace/zset_value.h"

namespace rcs {

inline constexpr int kRdbVersionMax = 12;

// Encoding limits of the values built (the server's config: hash-max-listpack-entries and friends).
struct RdbParseOptions {
  HashValue::Limits hash;
  ZSetLimits zset;
  int64_t set_max_intset_entries = 512;
};

// One key as read.
struct RdbKey {
  std::string key;
  DumpedValue value;
  int64_t expire_at_ms = -1;  // absolute unix ms, -1 none
  int64_t lru_idle_s = -1;    // IDLE opcode, -1 absent
  int lfu_freq = -1;          // FREQ opcode, -1 absent
};

// One key as read, its bytes borrowed: `key` and `str` point into the image or into the parser's reused
// buffers and are valid during OnKeyRef only; `obj` may be moved out. The loader's path: no allocation per
// key beyond the value that stays.
struct RdbKeyRef {
  std::string_view key;
  ObjType type = ObjType::kString;
  std::string_view str;         // type == kString
  std::unique_ptr<Object> obj;  // type != kString
  int64_t expire_at_ms = -1;
  int64_t lru_idle_s = -1;
  int lfu_freq = -1;
  // Where the key's record starts in the image; the offset of an error OnKeyRef returns. A sink that keeps
  // keys back and finds a problem with an earlier one sets it to that key's offset.
  size_t offset = 0;
};

// Receives what the parser reads, in file order. A non-ok Status stops the parse; it is returned with
// " at offset N" (the start of the item) appended.
class RdbSink {
 public:
  virtual ~RdbSink() = default;
  virtual Status OnAux(std::string_view key, std::string_view value) { return Status::Ok(); }
  virtual Status OnFunction(std::string code) = 0;
  // The parse is past `offset` for good (called every few MB, between keys): the bytes before it are
  // checksummed already and no view into them is handed out any more.
  virtual void OnConsumed(size_t offset) {}
  // SELECTDB: the keys that follow are database `db`'s. A sink that does not take it (returns false from
  // takes_databases) gets keys of database 0 only: a key of another one fails the parse.
  virtual bool takes_databases() const { return false; }
  virtual Status OnSelectDb(uint64_t db) { return Status::Ok(); }
  // RESIZEDB: how many keys (and keys with an expiry) the database that follows holds, a size hint.
  virtual Status OnResizeDb(uint64_t keys, uint64_t expires) { return Status::Ok(); }
  virtual Status OnKey(RdbKey&& key) = 0;
  // Each key goes here; by default it is copied into an RdbKey for OnKey. A sink that does not keep the
  // bytes (the loader copies them into the keyspace anyway) overrides this.
  virtual Status OnKeyRef(RdbKeyRef& key);
};

struct RdbSummary {
  int version = 0;
  uint64_t keys = 0;        // keys handed to OnKey
  uint64_t empty_keys = 0;  // empty aggregates skipped (redis-server skips them too)
  uint64_t functions = 0;
  bool checksum_checked = false;
  size_t end_offset = 0;  // first byte after the checksum
};

// Parses one value: its RDB type and the body that follows it (all of `body`: no bytes may be left).
// An empty aggregate is an error here (a DUMP payload never holds one).
StatusOr<DumpedValue> ParseRdbObject(uint8_t type, std::string_view body, const RdbParseOptions& options);

// One RDB string (keyspace/rdb_string.h: plain, integer or LZF) or one length at data[*pos], moving *pos past
// it. False when it is malformed or runs past the end of `data`. For records outside a file (FUNCTION
// RESTORE's payload).
bool ReadRdbString(std::string_view data, size_t* pos, std::string* out);
bool ReadRdbLength(std::string_view data, size_t* pos, uint64_t* len);

// True when `data` starts like an RDB file ("REDIS").
bool LooksLikeRdb(std::string_view data);

// Parses a whole RDB image.
StatusOr<RdbSummary> ParseRdb(std::string_view data, const RdbParseOptions& options, RdbSink& sink);

// The 9-character module type name encoded in a module id (Redis's module type naming).
std::string RdbModuleName(uint64_t module_id);

}  // namespace rcs
