#include "keyspace/object.h"

#include "keyspace/hash_value.h"
#include "keyspace/list_value.h"
#include "keyspace/set_value.h"
#include "keyspace/stream_value.h"
#include "keyspace/zset_value.h"
#include "protocol/errors.h"

namespace rcs {

StatusOr<std::unique_ptr<Object>> DeserializeObject(ObjType type, std::string_view body) {
  switch (type) {
    case ObjType::kList: return ListValue::Deserialize(body);
    case ObjType::kSet: return SetValue::Deserialize(body);
    case ObjType::kZSet: return ZSetValue::Deserialize(body);
    case ObjType::kHash: return HashValue::Deserialize(body);
    case ObjType::kStream: return StreamValue::Deserialize(body);
    case ObjType::kString: break;  // strings live inline in the keyspace's entries, not as Objects
  }
  return Status::Error(err::kBadDataFormat);
}

const char* ObjTypeName(ObjType t) {
  switch (t) {
    case ObjType::kString: return "string";
    case ObjType::kList: return "list";
    case ObjType::kSet: return "set";
    case ObjType::kZSet: return "zset";
    case ObjType::kHash: return "hash";
    case ObjType::kStream: return "stream";
  }
  return "none";
}

}  // namespace rcs
