// Writing values in redis-server's RDB object format, version 10 (what Debian's redis-server 7.0.15 writes
// and reads), with the encodings redis-server 7.0 would choose for the same value. Pure: a value in, bytes
// out. Used by DUMP (keyspace/dump.h) and by RDB files (persistence/). The reader is rdb_parser.h.
//
// RDB object = [type byte][body]. What is written, by the value's current encoding (our values switch
// encodings at the same thresholds as Redis 7.0 and, like it, never switch back):
//   string   type 0: an RDB string (below)
//   list     type 18 (quicklist 2): length = node count, then per node a length (2 = packed, 1 = plain)
//            and an RDB string: a listpack of the node's elements, or the bare element of a plain node.
//            Elements are cut into nodes as redis-server fills them when pushed at the tail with
//            list-max-listpack-size (fill): a node takes the next element while its listpack bytes + the
//            element's length + 8 stay within the limit (fill < 0: 4/8/16/32/64 KiB for -1..-5; fill > 0:
//            at most fill elements and 8 KiB). An element of 1 GiB or more gets a plain node.
//   set      intset encoding: type 11, an RDB string holding the intset [width u32][count u32][members];
//            hashtable: type 2, length, then each member as an RDB string.
//   zset     listpack: type 17, an RDB string holding a listpack of member, score, member, score ...
//            (ascending; the score as redis-server formats it: an integer if it is one below 2^52 in
//            magnitude, else "%.17g", "inf", "-inf"; both zeros as 0); skiplist: type 5 (ZSET_2), length, then
//            from the highest to the lowest: member (RDB string), score (8-byte IEEE double, LE).
//   hash     listpack: type 16, listpack of field, value, ... in the hash's order; hashtable: type 4,
//            length, then field, value as RDB strings.
// RDB string: a canonical integer of at most 11 characters that fits 8/16/32 bits is written as
// 0xc0/0xc1/0xc2 + the integer (little-endian); else, with compression on, a string longer than 20
// bytes that LZF shrinks to at most len-4 bytes is 0xc3, compressed length, original length, LZF bytes;
// else length + bytes. Listpack entries: the formats in rdb_encodings.h; an element that is a canonical
// int64 of at most 20 characters is stored as an integer in the smallest encoding.
//
// What is deterministic against redis-server: strings, intsets, listpacks of zsets and hashes, skiplist
// zsets and the quicklist of a list built by tail pushes are byte-equal when LZF is not involved. Not
// byte-equal: hashtable sets and hashes (the order is each program's hash table order), quicklists of
// lists built otherwise (node boundaries depend on the push history), and LZF output (the format allows
// many encodings of the same input; this compressor is our own, so its output differs from liblzf's).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "keyspace/object.h"

namespace rcs {

inline constexpr uint16_t kRdbWriteVersion = 10;

struct RdbWriteOptions {
  bool compress = true;                // rdbcompression
  int64_t list_max_listpack_size = -2;  // list-max-listpack-size (the quicklist fill)
  // A file (WriteRdb): start its writeback every this many bytes (base/file_util.h IncrementalSync); 0 never.
  uint64_t incremental_sync_bytes = 0;
};

// Appends [type byte][body] of a string value; with a key, [type byte][key as an RDB string][body], the
// record of an RDB file.
void AppendRdbStringObject(std::string* out, std::string_view value, const RdbWriteOptions& options,
                           const std::string_view* key = nullptr);
// The same for an aggregate value.
void AppendRdbObject(std::string* out, const Object& obj, const RdbWriteOptions& options,
                     const std::string_view* key = nullptr);

// DEBUG QUICKLIST-PACKED-THRESHOLD: list elements of at least `bytes` are written as plain quicklist nodes
// (redis-server's packed threshold, 1 GiB by default; here decided when the list is written). As
// redis-server: false (unchanged) above 4 GiB - 1 MiB, 0 restores the default.
bool SetQuicklistPackedThreshold(uint64_t bytes);

// Appends an RDB string (integer, LZF or raw, as above).
void AppendRdbString(std::string* out, std::string_view s, bool compress);

// Appends a function library as redis-server 7.0 writes it in an RDB file and a FUNCTION DUMP payload:
// the FUNCTION2 opcode (0xf5), then the library's whole code ("#!lua name=...\n...") as an RDB string.
void AppendRdbFunction(std::string* out, std::string_view code, bool compress);

// LZF (the format LzfDecompress in rdb_string.h reads). Returns false, leaving `out` with unspecified
// content, when the result would exceed max_out bytes.
bool LzfCompress(std::string_view in, size_t max_out, std::string* out);

// Builds listpacks (the format of rdb_encodings.h).
class ListpackBuilder {
 public:
  ListpackBuilder();
  void Append(std::string_view element);
  size_t bytes() const { return buf_.size() + 1; }  // including the end byte still to be written
  size_t count() const { return count_; }
  std::string Finish();  // the complete listpack; the builder is then empty again

 private:
  std::string buf_;
  size_t count_ = 0;
};

// The text redis-server 7.0 stores for a sorted set score in a listpack.
std::string RdbScoreText(double score);

}  // namespace rcs
