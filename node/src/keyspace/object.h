// Values other than strings. Strings live inline in the keyspace's entries (see keyspace.h); lists, hashes,
// sets and sorted sets are Objects owned by their entry. Each type has its value class in keyspace/
// (list_value.h, hash_value.h, set_value.h, zset_value.h), which implements this interface, encodes its
// DUMP body and decodes it (DeserializeObject dispatches by type).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace rcs {

// The numbering is part of the DUMP payload format (see keyspace/dump.h): never renumber.
enum class ObjType : uint8_t { kString = 0, kList = 1, kSet = 2, kZSet = 3, kHash = 4, kStream = 5 };

// "string", "list", "set", "zset", "hash", "stream" (TYPE's reply).
const char* ObjTypeName(ObjType t);

// Receives one command (argv) that rebuilds part of a value; used by AOF rewrite and replica full sync.
using CommandSink = std::function<void(const std::vector<std::string_view>& argv)>;

class Object {
 public:
  virtual ~Object() = default;
  virtual ObjType type() const = 0;
  // OBJECT ENCODING's answer, as Redis 7.0 would give it for the same content ("listpack", "quicklist",
  // "hashtable", "intset", "skiplist").
  virtual const char* encoding() const = 0;
  // Number of elements. A command that leaves a value with 0 elements deletes the key.
  virtual size_t size() const = 0;
  // Approximate bytes of memory the value uses (MEMORY USAGE), including the elements.
  virtual size_t MemoryUsage() const = 0;
  // Appends the value's body (its elements, no type byte) to *out in the DUMP payload format. The body
  // format of each type is documented in its value header, next to its static Deserialize.
  virtual void Serialize(std::string* out) const = 0;
  // Emits commands that rebuild this value under `key` (e.g. RPUSH key e1 ... e64, batched by at most 64
  // elements per command).
  virtual void EmitRebuildCommands(std::string_view key, const CommandSink& sink) const = 0;
  virtual std::unique_ptr<Object> Clone() const = 0;
};

// Decodes a body written by Object::Serialize for the given (non-string) type. Bad input gives an error
// Status, never a crash. Dispatches to the value type's static Deserialize (object.cc), so the keyspace
// decodes values without the command families.
StatusOr<std::unique_ptr<Object>> DeserializeObject(ObjType type, std::string_view body);

}  // namespace rcs
