#include "keyspace/dump.h"

#include "keyspace/rdb_format.h"
#include "keyspace/rdb_parser.h"
#include "keyspace/rdb_string.h"
#include "keyspace/serialize.h"
#include "protocol/errors.h"

namespace rcs {

namespace {

constexpr size_t kTrailerSize = 2 + 8;

std::string Seal(std::string out) {
  out.push_back(static_cast<char>(kRdbWriteVersion & 0xff));
  out.push_back(static_cast<char>(kRdbWriteVersion >> 8));
  uint64_t crc = Crc64(0, out.data(), out.size());
  for (int i = 0; i < 8; i++) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return out;
}

}  // namespace

std::string CreateStringDumpPayload(std::string_view value, const RdbWriteOptions& options) {
  std::string out;
  out.reserve(1 + 9 + value.size() + kTrailerSize);
  AppendRdbStringObject(&out, value, options);
  return Seal(std::move(out));
}

std::string CreateObjectDumpPayload(const Object& obj, const RdbWriteOptions& options) {
  std::string out;
  AppendRdbObject(&out, obj, options);
  return Seal(std::move(out));
}

std::string CreateDumpPayload(const Entry& entry, const RdbWriteOptions& options) {
  if (entry.type() == ObjType::kString) return CreateStringDumpPayload(entry.str(), options);
  return CreateObjectDumpPayload(*entry.obj(), options);
}

StatusOr<DumpedValue> ParseDumpPayload(std::string_view payload, const RdbParseOptions* options) {
  if (payload.size() < 1 + kTrailerSize) return Status::Error(std::string(err::kBadDumpPayload));
  size_t crc_pos = payload.size() - 8;
  uint64_t stored = 0;
  for (int i = 0; i < 8; i++) {
    stored |= static_cast<uint64_t>(static_cast<unsigned char>(payload[crc_pos + i])) << (8 * i);
  }
  if (Crc64(0, payload.data(), crc_pos) != stored) return Status::Error(std::string(err::kBadDumpPayload));
  size_t ver_pos = crc_pos - 2;
  uint16_t version = static_cast<uint16_t>(static_cast<unsigned char>(payload[ver_pos]) |
                                           (static_cast<unsigned char>(payload[ver_pos + 1]) << 8));
  if (version >= kRedisRdbVersionMin && version <= kRdbVersionMax) {
    static const RdbParseOptions kDefaults;
    auto v = ParseRdbObject(static_cast<uint8_t>(payload[0]), payload.substr(1, ver_pos - 1),
                            options != nullptr ? *options : kDefaults);
    if (!v.ok()) return Status::Error(err::kBadDataFormat);
    return std::move(*v);
  }
  if (version < 1 || version > kDumpFormatVersion) return Status::Error(std::string(err::kBadDumpPayload));

  uint8_t type = static_cast<uint8_t>(payload[0]);
  std::string_view body = payload.substr(1, ver_pos - 1);
  DumpedValue v;
  switch (static_cast<ObjType>(type)) {
    case ObjType::kString: {
      PayloadReader r(body);
      std::string_view s;
      if (!r.GetBytes(&s) || !r.done()) return Status::Error(err::kBadDataFormat);
      v.type = ObjType::kString;
      v.str.assign(s.data(), s.size());
      return v;
    }
    case ObjType::kList:
    case ObjType::kSet:
    case ObjType::kZSet:
    case ObjType::kHash:
    case ObjType::kStream: {
      auto obj = DeserializeObject(static_cast<ObjType>(type), body);
      if (!obj.ok() || *obj == nullptr || (*obj)->type() != static_cast<ObjType>(type) ||
          ((*obj)->size() == 0 && (*obj)->type() != ObjType::kStream)) {
        return Status::Error(err::kBadDataFormat);
      }
      v.type = static_cast<ObjType>(type);
      v.obj = std::move(*obj);
      return v;
    }
  }
  return Status::Error(err::kBadDataFormat);
}

Entry* StoreDumpedValue(Keyspace& db, std::string_view key, DumpedValue value, int64_t expire_at_ms) {
  if (value.type == ObjType::kString) return db.SetString(key, value.str, expire_at_ms, false);
  return db.SetObject(key, std::move(value.obj), expire_at_ms, false);
}

Entry* AddDumpedValue(Keyspace& db, std::string_view key, DumpedValue value, int64_t expire_at_ms) {
  if (value.type == ObjType::kString) return db.AddString(key, value.str, expire_at_ms);
  return db.AddObject(key, std::move(value.obj), expire_at_ms);
}

std::string CreateFunctionDumpPayload(const std::vector<std::string>& codes, bool compress) {
  std::string out;
  for (const std::string& code : codes) AppendRdbFunction(&out, code, compress);
  return Seal(std::move(out));
}

bool FunctionDumpTrailerValid(std::string_view payload) {
  if (payload.size() < kTrailerSize) return false;
  size_t ver_pos = payload.size() - kTrailerSize;
  uint16_t version = static_cast<uint16_t>(static_cast<unsigned char>(payload[ver_pos]) |
                                           (static_cast<unsigned char>(payload[ver_pos + 1]) << 8));
  if (version > kRdbVersionMax) return false;
  uint64_t stored = 0;
  for (int i = 0; i < 8; i++) {
    stored |= static_cast<uint64_t>(static_cast<unsigned char>(payload[ver_pos + 2 + i])) << (8 * i);
  }
  return Crc64(0, payload.data(), payload.size() - 8) == stored;
}

Status ForEachDumpedFunction(std::string_view payload, const std::function<Status(std::string code)>& on_library) {
  auto fail = [](std::string_view text) { return Status::Error(std::string(text)); };
  size_t pos = 0;
  while (payload.size() - pos > kTrailerSize) {
    uint8_t type = static_cast<uint8_t>(payload[pos++]);
    std::string code;
    if (type == rdb::kOpFunction2) {
      if (!ReadRdbString(payload, &pos, &code)) return fail(err::kRestoreBadLibraryPayload);
    } else if (type == rdb::kOpFunctionPreGa) {
      std::string name, engine, description, blob;
      uint64_t has_description = 0;
      if (!ReadRdbString(payload, &pos, &name)) return fail(err::kRestoreBadLibraryName);
      if (!ReadRdbString(payload, &pos, &engine)) return fail(err::kRestoreBadEngineName);
      if (!ReadRdbLength(payload, &pos, &has_description)) return fail(err::kRestoreBadDescriptionFlag);
      if (has_description != 0 && !ReadRdbString(payload, &pos, &description)) {
        return fail(err::kRestoreBadDescription);
      }
      if (!ReadRdbString(payload, &pos, &blob)) return fail(err::kRestoreBadLibraryBlob);
      code = "#!" + engine + " name=" + name + "\n" + blob;
    } else {
      return fail(err::kRestoreNotFunction);
    }
    Status st = on_library(std::move(code));
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

}  // namespace rcs
