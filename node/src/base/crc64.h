// CRC-64/Jones as Redis uses it for RDB files and DUMP payloads: reflected, polynomial 0xad93d23594c935a9
// (0x95ac9329ac4bc9b5 bit-reversed), initial value 0, no final xor. Check value: Crc64(0, "123456789", 9)
// == 0xe9c6d914c4b8d9ca. A checksum against accidental damage, not a cryptographic hash.
#pragma once
#include <cstddef>
#include <cstdint>

namespace rcs {

// The CRC of `len` bytes at `data`, continuing from `crc` (0 to start). Inputs of 64 bytes or more use
// carry-less multiplication (PCLMULQDQ) where the CPU has it: an RDB file is checked whole at load and
// summed whole at save, and the tables below do about 1.3 GB/s where folding does ten times that.
uint64_t Crc64(uint64_t crc, const void* data, size_t len);
// The same with the tables only (slicing-by-8), whatever the CPU: to test the fast path against.
uint64_t Crc64Portable(uint64_t crc, const void* data, size_t len);

}  // namespace rcs
