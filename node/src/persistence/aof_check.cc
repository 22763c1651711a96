#include "persistence/aof_check.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "base/strutil.h"
#include "keyspace/rdb_parser.h"
#include "persistence/aof_manifest.h"
#include "protocol/resp_parser.h"

namespace rcs {

AofFileCheck CheckAofData(std::string_view data) {
  AofFileCheck r;
  r.size = data.size();
  RespParser parser;
  std::vector<std::string_view> args;
  size_t pos = 0, safe = 0;
  bool in_multi = false;
  bool garbage = false;
  while (pos < data.size()) {
    if (data[pos] == '#') {
      size_t nl = data.find('\n', pos);
      if (nl == std::string_view::npos) break;
      pos = nl + 1;
      if (!in_multi) safe = pos;
      continue;
    }
    if (data[pos] != '*') {
      garbage = true;
      break;
    }
    size_t consumed = 0;
    auto res = parser.Parse(data.substr(pos), &consumed, &args);
    if (res == RespParser::Result::kIncomplete) break;
    if (res == RespParser::Result::kError || args.empty()) {
      garbage = true;
      break;
    }
    if (EqualsIgnoreCase(args[0], "multi")) {
      if (in_multi) {
        garbage = true;
        break;
      }
      in_multi = true;
    } else if (EqualsIgnoreCase(args[0], "exec")) {
      if (!in_multi) {
        garbage = true;
        break;
      }
      in_multi = false;
    }
    pos += consumed;
    if (!in_multi) safe = pos;
  }
  r.ok_up_to = safe;
  r.truncated = !garbage && safe < data.size();
  r.ok_up_to_line = static_cast<uint64_t>(std::count(data.begin(), data.begin() + static_cast<ptrdiff_t>(safe), '\n'));
  return r;
}

namespace {

// Reads an RDB image through, keeping nothing: the check of an RDB base.
class DiscardingSink : public RdbSink {
 public:
  Status OnFunction(std::string) override { return Status::Ok(); }
  Status OnKey(RdbKey&&) override { return Status::Ok(); }
  Status OnKeyRef(RdbKeyRef&) override { return Status::Ok(); }
};

// Checks one file; fixes it if allowed. Returns true if it is (now) valid. A file that starts like an RDB
// file (an RDB base) is checked as one first, and what follows its checksum as commands (the AOF tail).
bool CheckFile(const std::string& path, const std::string& shown, bool fix, bool may_fix, FILE* out) {
  StatusOr<std::string> data = ReadWholeFile(path);
  if (!data.ok()) {
    fprintf(out, "%s\n", data.status().message().c_str());
    return false;
  }
  size_t rdb_end = 0;
  if (LooksLikeRdb(*data)) {
    DiscardingSink sink;
    StatusOr<RdbSummary> sum = ParseRdb(*data, RdbParseOptions(), sink);
    if (!sum.ok()) {
      fprintf(out, "RDB preamble of AOF %s is not valid: %s\n", shown.c_str(), sum.status().message().c_str());
      return false;
    }
    fprintf(out, "RDB preamble is OK (%llu keys), proceeding with AOF tail...\n",
            static_cast<unsigned long long>(sum->keys));
    rdb_end = sum->end_offset;
  }
  AofFileCheck c = CheckAofData(std::string_view(*data).substr(rdb_end));
  c.size += rdb_end;
  c.ok_up_to += rdb_end;
  fprintf(out, "AOF analyzed: filename=%s, size=%llu, ok_up_to=%llu, ok_up_to_line=%llu, diff=%llu\n", shown.c_str(),
          static_cast<unsigned long long>(c.size), static_cast<unsigned long long>(c.ok_up_to),
          static_cast<unsigned long long>(c.ok_up_to_line), static_cast<unsigned long long>(c.size - c.ok_up_to));
  if (c.valid()) return true;
  if (!c.truncated) fprintf(out, "AOF %s format error at offset %llu\n", shown.c_str(), static_cast<unsigned long long>(c.ok_up_to));
  else fprintf(out, "AOF %s has an incomplete command (or MULTI without EXEC) at its end\n", shown.c_str());
  if (!fix) {
    fprintf(out, "AOF %s is not valid. Use the --fix option to try fixing it.\n", shown.c_str());
    return false;
  }
  if (!may_fix) {
    fprintf(out, "Failed to truncate AOF %s because it is not the last file\n", shown.c_str());
    return false;
  }
  fprintf(out, "This will shrink the AOF %s from %llu bytes, with %llu bytes, to %llu bytes\n", shown.c_str(),
          static_cast<unsigned long long>(c.size), static_cast<unsigned long long>(c.size - c.ok_up_to),
          static_cast<unsigned long long>(c.ok_up_to));
  if (truncate(path.c_str(), static_cast<off_t>(c.ok_up_to)) != 0) {
    fprintf(out, "Failed to truncate AOF %s: %s\n", shown.c_str(), strerror(errno));
    return false;
  }
  fprintf(out, "Successfully truncated AOF %s\n", shown.c_str());
  return true;
}

}  // namespace

int RunCheckAof(const std::string& path, bool fix, FILE* out) {
  bool is_manifest = path.size() >= 9 && path.compare(path.size() - 9, 9, ".manifest") == 0;
  if (!is_manifest) {
    fprintf(out, "Start checking Old-Style AOF\n");
    bool ok = CheckFile(path, path, fix, true, out);
    if (ok) fprintf(out, "AOF %s is valid\n", path.c_str());
    return ok ? 0 : 1;
  }
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  StatusOr<std::string> text = ReadWholeFile(path);
  if (!text.ok()) {
    fprintf(out, "%s\n", text.status().message().c_str());
    return 1;
  }
  StatusOr<AofManifest> m = AofManifest::Parse(*text);
  if (!m.ok()) {
    fprintf(out, "Invalid AOF manifest %s: %s\n", path.c_str(), m.status().message().c_str());
    return 1;
  }
  fprintf(out, "Start checking Multi Part AOF\n");
  std::vector<AofFileInfo> files = m->LoadOrder();
  bool all_ok = true;
  for (size_t i = 0; i < files.size(); i++) {
    const AofFileInfo& f = files[i];
    if (f.type == 'b') {
      std::string head(5, '\0');
      FILE* bf = fopen((dir + "/" + f.name).c_str(), "rb");
      size_t n = bf != nullptr ? fread(head.data(), 1, head.size(), bf) : 0;
      if (bf != nullptr) fclose(bf);
      fprintf(out, "Start to check BASE AOF (%s format).\n", LooksLikeRdb(std::string_view(head).substr(0, n)) ? "RDB" : "RESP");
    }
    else if (i == 0 || files[i - 1].type == 'b') fprintf(out, "Start to check INCR files.\n");
    bool ok = CheckFile(dir + "/" + f.name, f.name, fix, i + 1 == files.size(), out);
    if (ok) fprintf(out, "%s AOF %s is valid\n", f.type == 'b' ? "BASE" : "INCR", f.name.c_str());
    all_ok = all_ok && ok;
    if (!ok) break;
  }
  if (all_ok) fprintf(out, "All AOF files and manifest are valid\n");
  return all_ok ? 0 : 1;
}

}  // namespace rcs
