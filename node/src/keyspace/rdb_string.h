// Reading a string value out of redis-server's own DUMP payload (RESTORE and MIGRATE from a redis-server).
//
// redis-server's payload is [RDB type byte][RDB-encoded value][RDB version: 2 bytes LE][CRC-64/Jones: 8 bytes
// LE], the same trailer shape as ours (dump.h) with the RDB format version instead of ours: 6 (Redis 2.8) up
// to 10 (Redis 7.0). Only RDB type 0 (a string) is read here; its body is an RDB string:
//   length-prefixed bytes: the length is 00xxxxxx (6 bits), 01xxxxxx yyyyyyyy (14 bits, big-endian),
//     0x80 + 4 bytes or 0x81 + 8 bytes (big-endian);
//   or a special encoding 11xxxxxx: 0 = int8, 1 = int16, 2 = int32 (little-endian, signed, the value is its
//     decimal text), 3 = LZF: compressed length, uncompressed length (both as above), compressed bytes.
// LZF (liblzf's format): a control byte c < 32 copies the next c+1 bytes; otherwise a back-reference of
// length (c >> 5) + 2 (7 means "add the next byte") at distance ((c & 31) << 8 | next byte) + 1.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace rcs {

inline constexpr uint16_t kRedisRdbVersionMin = 6;
inline constexpr uint16_t kRedisRdbVersionMax = 10;

// Decodes the body (between the type byte and the trailer) of an RDB string. False if it is malformed or
// has bytes left over.
bool DecodeRdbString(std::string_view body, std::string* out);

// Appends an RDB length (the shortest of the forms above), as redis-server writes it.
void AppendRdbLength(std::string* out, uint64_t len);

// liblzf decompression into exactly `out_len` bytes. False on malformed input or a size mismatch.
bool LzfDecompress(std::string_view in, size_t out_len, std::string* out);
// The same into out[0, out_len) (the RDB loader's reused buffers: no allocation per string). What is in
// `out` after a false return is unspecified.
bool LzfDecompressTo(std::string_view in, char* out, size_t out_len);

}  // namespace rcs
