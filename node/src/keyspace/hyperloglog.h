// HyperLogLog values in Redis's own string format, so that a value written here DUMPs, RESTOREs, MIGRATEs,
// replicates and persists as an ordinary string that redis-server reads (and the other way round), and
// PFCOUNT answers the same numbers as redis-server for the same inputs. Pure functions on the string bytes;
// the commands are in commands/hll_family.cc.
//
// Format (Redis 2.8.9+, unchanged through 7.x), all multi-byte fields little-endian:
//   offset 0   "HYLL"                           magic
//   offset 4   uint8 encoding                    0 = dense, 1 = sparse (2, "raw", exists only in memory)
//   offset 5   3 bytes, zero                     unused
//   offset 8   uint64 cached cardinality         bit 7 of byte 15 set = the cache is stale
//   offset 16  registers                         2^14 registers of 6 bits each
// Dense: 16384 * 6 bits = 12288 bytes, register i at bit 6*i counted from the least significant bit of
// each byte (register 0 is the low 6 bits of byte 0, register 1 the high 2 bits of byte 0 and low 4 of
// byte 1, ...). The whole value is exactly 12304 bytes.
// Sparse: a run-length sequence of opcodes covering the 16384 registers exactly:
//   ZERO   00xxxxxx            xxxxxx+1 (1..64) registers at 0
//   XZERO  01xxxxxx yyyyyyyy   (xxxxxx yyyyyyyy)+1 (1..16384) registers at 0
//   VAL    1vvvvvxx            xx+1 (1..4) registers at vvvvv+1 (1..32)
// A new HLL is sparse, one XZERO of 16384 (18 bytes). A register above 32, or a sparse value growing past
// hll-sparse-max-bytes (3000 by default), converts the value to dense for good.
//
// An element goes to register (h & 16383) with count = 1 + the number of trailing zero bits of h >> 14
// (at most 51), h = MurmurHash64A(element, seed 0xadc83b19). The sparse updates below edit the opcode
// sequence the way Redis does (split the covering opcode, then merge equal neighbouring VALs), so the
// bytes equal redis-server's for the same sequence of adds. The estimator is Ertl's improved raw
// estimator that Redis uses since 5.0.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rcs::hll {

inline constexpr int kP = 14;
inline constexpr int kQ = 64 - kP;
inline constexpr int kRegisters = 1 << kP;
inline constexpr int kBits = 6;
inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kDenseSize = kHeaderSize + (kRegisters * kBits + 7) / 8;
inline constexpr size_t kDefaultSparseMaxBytes = 3000;
inline constexpr uint8_t kDense = 0;
inline constexpr uint8_t kSparse = 1;

uint64_t MurmurHash64A(const void* key, size_t len, uint32_t seed);
// The register an element goes to and the count it offers (1..51).
int PatternLength(std::string_view element, int* reg);

// Redis's isHLLObject checks: at least a header, the magic, a known encoding, and a dense value of the
// exact size. (A sparse value's opcodes are only checked when walked: Add/Count/Merge report corruption.)
bool IsHll(std::string_view s);
// A new, empty sparse HLL with a valid cached cardinality of 0.
std::string NewSparse();
bool IsDense(std::string_view s);
void InvalidateCache(std::string* s);
void InvalidateCache(char* value);  // the header at `value`, in place

// Adds one element. 1 if a register changed, 0 if not, -1 if the value is corrupt (it may have been
// partly rewritten, as in Redis).
int Add(std::string* s, std::string_view element, size_t sparse_max_bytes);
// Add for a dense value, in place: `value` is the whole HLL string (dense, exact size, as IsHll checks), so
// PFADD on a dense HLL copies nothing. 1 if a register changed, else 0.
int AddDense(char* value, std::string_view element);
// Raises register `index` to `count` if it is lower (sparse: may promote to dense). Same results as Add.
int SetRegister(std::string* s, int index, uint8_t count, size_t sparse_max_bytes);
// Sparse to dense, keeping the header's cache bytes. False (value untouched) if the opcodes do not cover
// exactly 16384 registers. A dense value is left as it is.
bool SparseToDense(std::string* s);

// The cardinality for PFCOUNT of one key: the cached value when valid, else computed and stored in the
// header (*cache_written = true). False if the value is corrupt.
bool Count(std::string* s, uint64_t* card, bool* cache_written);
// The header's cached cardinality, if valid (the value must pass IsHll).
bool CachedCardinality(std::string_view s, uint64_t* card);
// Stores `card` as the valid cached cardinality in the header at `value` (16 writable bytes).
void WriteCache(char* value, uint64_t card);
// The estimate without touching the cache. False if corrupt.
bool Estimate(std::string_view s, uint64_t* card);
// max[i] = max(max[i], register i of s) for the 16384 registers. False if corrupt.
bool MergeInto(std::string_view s, uint8_t* max);
// The estimate for 16384 plain register values (the union PFCOUNT and PFMERGE build).
uint64_t EstimateRegisters(const uint8_t* regs);

// Register i of a dense value (for PFDEBUG GETREG and tests).
uint8_t DenseRegister(std::string_view s, int i);
// PFDEBUG DECODE's text of a sparse value ("z:12 v:3,1 Z:16000": z ZERO, Z XZERO, v value,run); false if not sparse.
bool DecodeSparse(std::string_view s, std::string* out);

}  // namespace rcs::hll
