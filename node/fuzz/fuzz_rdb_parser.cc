// libFuzzer target for the RDB reader (keyspace/rdb_parser.h, rdb_encodings.h). Input that starts with
// "REDIS" is parsed as a whole file (the seeds are real dump.rdb files). Anything else picks a mode with its
// first byte:
//   0: the rest is the body of an RDB 12 file (header, then EOF and a zero checksum are added), so mutations
//      of keys and values are not stopped by the checksum and reach the code that builds values;
//   1..4: the rest is one listpack, ziplist, intset or zipmap blob.
// Whatever the input, the parser returns a value or an error, without reading out of bounds (ASan),
// undefined behaviour (UBSan) or a huge allocation (-rss_limit_mb / -malloc_limit_mb); a key it hands over
// is never empty.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "keyspace/list_value.h"
#include "keyspace/rdb_encodings.h"
#include "keyspace/rdb_parser.h"

namespace {

struct CheckingSink : rcs::RdbSink {
  rcs::Status OnFunction(std::string code) override { return rcs::Status::Ok(); }
  rcs::Status OnKey(rcs::RdbKey&& k) override {
    if (k.value.type != rcs::ObjType::kString) {
      // Only a stream may be empty (XADD then XDEL leaves one; Redis saves and loads it).
      if (k.value.obj == nullptr || (k.value.obj->size() == 0 && k.value.type != rcs::ObjType::kStream)) abort();
      if (k.value.type == rcs::ObjType::kList &&
          !static_cast<const rcs::ListValue*>(k.value.obj.get())->CheckInvariants()) {
        abort();
      }
    }
    return rcs::Status::Ok();
  }
};

void ParseFile(std::string_view data) {
  CheckingSink sink;
  rcs::RdbParseOptions opt;
  opt.hash.max_listpack_entries = 8;  // small limits: conversions to the big encodings happen too
  opt.zset.max_listpack_entries = 8;
  opt.set_max_intset_entries = 8;
  auto r = rcs::ParseRdb(data, opt, sink);
  if (r.ok() && r->end_offset > data.size()) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view data(reinterpret_cast<const char*>(bytes), size);
  if (rcs::LooksLikeRdb(data)) {
    ParseFile(data);
    return 0;
  }
  if (data.empty()) return 0;
  std::string_view rest = data.substr(1);
  auto any = [](std::string_view) { return true; };
  switch (static_cast<uint8_t>(data[0]) % 5) {
    case 0: {
      std::string f = "REDIS0012";
      f.append(rest.data(), rest.size());
      f.append("\xff\0\0\0\0\0\0\0\0", 9);
      ParseFile(f);
      break;
    }
    case 1:
      rcs::DecodeListpack(rest, any);
      break;
    case 2:
      rcs::DecodeZiplist(rest, any);
      break;
    case 3:
      rcs::DecodeIntset(rest, [](int64_t) { return true; });
      break;
    case 4:
      rcs::DecodeZipmap(rest, any);
      break;
  }
  return 0;
}
