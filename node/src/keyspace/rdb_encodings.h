// Decoders for the packed blobs inside redis-server's RDB values (keyspace/rdb_parser.h). Each takes the
// blob's bytes as they appear in the file (after the RDB string around them was read and decompressed) and
// calls `fn` with every element in order; integers are handed over as their decimal text, as Redis returns
// them. Every decoder checks every length against the blob (no read outside it) and refuses a blob whose
// header disagrees with its content. Formats (all multi-byte integers little-endian unless noted):
//
// ziplist (RDB types 10, 12, 13 and the nodes of type 14):
//   [zlbytes u32][zltail u32][zllen u16] entries... [0xff]
//   entry: prevlen (1 byte < 254, or 0xfe + u32), encoding, data:
//     00llllll                        string, 6-bit length
//     01llllll llllllll               string, 14-bit length (big-endian)
//     10000000 + u32 big-endian       string, 32-bit length
//     0xc0 int16, 0xd0 int32, 0xe0 int64, 0xf0 int24, 0xfe int8
//     0xf1..0xfd                      the integer 0..12 in the encoding byte itself
// listpack (RDB types 16, 17, 20 and the nodes of type 18):
//   [total bytes u32][count u16, 65535 = unknown] entries... [0xff]
//   entry: encoding + data, then backlen (the size of encoding + data in 1..5 bytes, read backwards):
//     0xxxxxxx 7-bit unsigned integer        10llllll string, 6-bit length
//     110xxxxx xxxxxxxx 13-bit signed integer 1110llll llllllll string, 12-bit length (big-endian)
//     0xf0 + u32 string length, 0xf1 int16, 0xf2 int24, 0xf3 int32, 0xf4 int64
// intset (RDB type 11): [width u32: 2, 4 or 8][count u32] count integers of that width, strictly ascending.
// zipmap (RDB type 9, Redis < 2.6): [count byte] then pairs: len field, len free value [free bytes], [0xff];
//   len is one byte < 254 or 254 + u32.
#pragma once
#include <cstdint>
#include <functional>
#include <string_view>

namespace rcs {

// Called per element; returning false stops the walk (the decoder then returns false).
using RdbElementFn = std::function<bool(std::string_view element)>;

bool DecodeZiplist(std::string_view blob, const RdbElementFn& fn);
bool DecodeListpack(std::string_view blob, const RdbElementFn& fn);
bool DecodeIntset(std::string_view blob, const std::function<bool(int64_t)>& fn);
bool DecodeZipmap(std::string_view blob, const RdbElementFn& fn);

}  // namespace rcs
