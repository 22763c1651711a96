#include "persistence/command_stream.h"

#include <charconv>

namespace rcs {

void AppendRespCommand(std::string* out, const std::vector<std::string_view>& argv) {
  char buf[24];
  out->push_back('*');
  auto r = std::to_chars(buf, buf + sizeof(buf), argv.size());
  out->append(buf, r.ptr - buf);
  out->append("\r\n", 2);
  for (auto a : argv) {
    out->push_back('$');
    r = std::to_chars(buf, buf + sizeof(buf), a.size());
    out->append(buf, r.ptr - buf);
    out->append("\r\n", 2);
    out->append(a.data(), a.size());
    out->append("\r\n", 2);
  }
}

void SerializeEntry(const Entry& e, std::string* out) {
  std::string when;
  if (e.has_expire()) when = std::to_string(e.expire_at_ms());
  if (e.type() == ObjType::kString) {
    if (e.has_expire()) AppendRespCommand(out, {"SET", e.key(), e.str(), "PXAT", when});
    else AppendRespCommand(out, {"SET", e.key(), e.str()});
    return;
  }
  e.obj()->EmitRebuildCommands(e.key(), [out](const std::vector<std::string_view>& argv) {
    AppendRespCommand(out, argv);
  });
  if (e.has_expire()) AppendRespCommand(out, {"PEXPIREAT", e.key(), when});
}

size_t SerializeKeyspace(Keyspace& db, int64_t now_ms, std::string* out) {
  size_t n = 0;
  db.ForEach([&](const Entry& e) {
    if (e.has_expire() && e.expire_at_ms() <= now_ms) return;
    SerializeEntry(e, out);
    n++;
  });
  return n;
}

}  // namespace rcs
