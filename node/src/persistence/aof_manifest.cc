#include "persistence/aof_manifest.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/strutil.h"
#include "protocol/resp_parser.h"

namespace rcs {

namespace {
bool NeedsQuotes(const std::string& s) {
  if (s.empty()) return true;
  for (unsigned char ch : s) {
    if (ch <= ' ' || ch == '"' || ch == '\'' || ch == '\\' || ch >= 127) return true;
  }
  return false;
}

void Line(std::string* out, const AofFileInfo& f) {
  *out += "file " + (NeedsQuotes(f.name) ? QuoteRepr(f.name) : f.name) + " seq " + std::to_string(f.seq) + " type ";
  out->push_back(f.type);
  out->push_back('\n');
}
}  // namespace

std::string AofManifest::Serialize() const {
  std::string out;
  if (has_base) Line(&out, base);
  for (auto& f : history) Line(&out, f);
  for (auto& f : incrs) Line(&out, f);
  return out;
}

std::vector<AofFileInfo> AofManifest::LoadOrder() const {
  std::vector<AofFileInfo> v;
  if (has_base) v.push_back(base);
  v.insert(v.end(), incrs.begin(), incrs.end());
  return v;
}

StatusOr<AofManifest> AofManifest::Parse(const std::string& text) {
  AofManifest m;
  size_t pos = 0;
  int64_t last_incr = 0;
  bool any = false;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) return Status::Error("Invalid AOF manifest file format");  // no final newline
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> args;
    if (!SplitInlineArgs(line, &args) || args.size() < 6 || args.size() % 2 != 0) {
      return Status::Error("Invalid AOF manifest file format");
    }
    AofFileInfo f;
    f.type = 0;
    bool have_seq = false;
    for (size_t i = 0; i + 1 < args.size(); i += 2) {
      if (args[i] == "file") {
        f.name = args[i + 1];
      } else if (args[i] == "seq") {
        if (!ParseInt64(args[i + 1], &f.seq)) return Status::Error("Invalid AOF manifest file format");
        have_seq = true;
      } else if (args[i] == "type") {
        f.type = args[i + 1].size() == 1 ? args[i + 1][0] : 0;
      }
    }
    if (f.name.empty() || !have_seq || (f.type != 'b' && f.type != 'h' && f.type != 'i')) {
      return Status::Error("Invalid AOF manifest file format");
    }
    if (f.name.find('/') != std::string::npos) return Status::Error("Invalid AOF manifest file format");
    any = true;
    if (f.type == 'b') {
      if (m.has_base) return Status::Error("Found duplicate base file information");
      m.has_base = true;
      m.base = f;
    } else if (f.type == 'h') {
      m.history.push_back(f);
    } else {
      if (f.seq <= last_incr) return Status::Error("Found a non-monotonic sequence number");
      last_incr = f.seq;
      m.incrs.push_back(f);
    }
  }
  if (!any) return Status::Error("Found an empty AOF manifest");
  return m;
}

std::string AofManifestName(const std::string& f) { return f + ".manifest"; }
std::string AofTempManifestName(const std::string& f) { return "temp-" + f + ".manifest"; }
std::string AofBaseName(const std::string& f, int64_t seq, bool rdb) {
  return f + "." + std::to_string(seq) + (rdb ? ".base.rdb" : ".base.aof");
}
std::string AofIncrName(const std::string& f, int64_t seq) { return f + "." + std::to_string(seq) + ".incr.aof"; }

StatusOr<std::string> ReadWholeFile(const std::string& path) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::Error("Can't open " + path + ": " + strerror(errno));
  std::string out;
  char buf[64 * 1024];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  bool err = ferror(f);
  fclose(f);
  if (err) return Status::Error("Can't read " + path);
  return out;
}

}  // namespace rcs
