// libFuzzer target for the RESTORE payload decoder (keyspace/dump.h: RDB object + RDB version + CRC-64).
// The first byte picks a mode:
//   even: the rest is a whole payload, as RESTORE receives it (version and checksum checked);
//   odd:  the rest is the RDB object (type byte and body); version 10 and the right CRC-64 are appended, so
//         mutations of the body are not stopped by the checksum and reach the code that builds values.
// The seeds (corpus-restore_payload/) are the payloads of the fixtures' keys in the first form.
// Whatever the input, the decoder returns a value or one of its two errors, without reading out of bounds
// (ASan), undefined behaviour (UBSan) or a huge allocation; a value it returns is never an empty aggregate.
// The same payload also goes to FUNCTION RESTORE's reader (FunctionDumpTrailerValid, ForEachDumpedFunction):
// it hands over codes or answers one of redis-server's record errors, under the same sanitizers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/crc64.h"
#include "keyspace/dump.h"
#include "keyspace/list_value.h"
#include "keyspace/rdb_parser.h"
#include "protocol/errors.h"

namespace {

void Decode(std::string_view payload) {
  rcs::RdbParseOptions opt;
  opt.hash.max_listpack_entries = 8;  // small limits: conversions to the big encodings happen too
  opt.zset.max_listpack_entries = 8;
  opt.set_max_intset_entries = 8;
  auto r = rcs::ParseDumpPayload(payload, &opt);
  if (!r.ok()) {
    const std::string& m = r.status().message();
    if (m != rcs::err::kBadDumpPayload && m != rcs::err::kBadDataFormat) abort();
    return;
  }
  if (r->type == rcs::ObjType::kString) return;
  // Only a stream may be empty (XADD then XDEL leaves one; Redis saves and restores it).
  if (r->obj == nullptr || (r->obj->size() == 0 && r->type != rcs::ObjType::kStream)) abort();
  if (r->type == rcs::ObjType::kList && !static_cast<const rcs::ListValue*>(r->obj.get())->CheckInvariants()) {
    abort();
  }
}

void DecodeFunctions(std::string_view payload) {
  if (!rcs::FunctionDumpTrailerValid(payload)) return;
  size_t total = 0;
  rcs::Status st = rcs::ForEachDumpedFunction(payload, [&total, &payload](std::string code) {
    total += code.size();
    if (total > payload.size() * 300 + 1024) abort();  // the reader bounds LZF expansion (88x)
    return rcs::Status::Ok();
  });
  if (st.ok()) return;
  const std::string& m = st.message();
  for (std::string_view e : {rcs::err::kRestoreNotFunction, rcs::err::kRestoreBadLibraryPayload,
                             rcs::err::kRestoreBadLibraryName, rcs::err::kRestoreBadEngineName,
                             rcs::err::kRestoreBadDescriptionFlag, rcs::err::kRestoreBadDescription,
                             rcs::err::kRestoreBadLibraryBlob}) {
    if (m == e) return;
  }
  abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view data(reinterpret_cast<const char*>(bytes), size);
  if (data.empty()) return 0;
  std::string_view rest = data.substr(1);
  if ((static_cast<uint8_t>(data[0]) & 1) == 0) {
    Decode(rest);
    DecodeFunctions(rest);
    return 0;
  }
  std::string p(rest);
  p.push_back(10);  // RDB version 10, little endian
  p.push_back(0);
  uint64_t crc = rcs::Crc64(0, p.data(), p.size());
  for (int i = 0; i < 8; i++) p.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  Decode(p);
  DecodeFunctions(p);
  return 0;
}
