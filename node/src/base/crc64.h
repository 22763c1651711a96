// CRC-64/Jones as Redis uses it for RDB files and DUMP payloads: reflected, polynomial 0xad93d23594c935a9
// (0x95ac9329ac4bc9b5 bit-reversed), initial value 0, no final xor. Check value: Crc64(0, "123456789", 9)
// == 0xe9c6d914c4b8d9ca. A checksum against accidental damage, not a cryptographic hash.
#pragma once
#include <cstddef>
#include <cstdint>

namespace rcs {

// The CRC of `len` bytes at `data`, continuing from `crc` (0 to start).
uint64_t Crc64(uint64_t crc, const void* data, size_t len);

}  // namespace rcs
