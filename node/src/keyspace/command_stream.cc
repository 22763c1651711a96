#include "keyspace/command_stream.h"

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

KeyspaceSerializer::KeyspaceSerializer(Keyspace& db, int64_t now_ms, size_t chunk_bytes)
    : db_(db), now_ms_(now_ms), chunk_bytes_(chunk_bytes) {}

bool KeyspaceSerializer::Flush(const Sink& sink) {
  if (buf_.empty()) return true;
  bytes_ += buf_.size();
  bool ok = sink(buf_);
  buf_.clear();
  if (!ok) failed_ = true;
  return ok;
}

bool KeyspaceSerializer::Step(const Sink& sink, uint64_t budget_bytes) {
  if (failed_) return true;
  uint64_t start = bytes_;
  while (next_slot_ < kClusterSlots) {
    db_.ForEachInSlot(next_slot_++, [&](const Entry& e) {
      if (failed_) return;
      if (e.has_expire() && e.expire_at_ms() <= now_ms_) return;
      SerializeEntry(e, &buf_);
      keys_++;
      if (buf_.size() >= chunk_bytes_) Flush(sink);
    });
    if (failed_) return true;
    if (bytes_ - start >= budget_bytes) return false;
  }
  Flush(sink);
  return true;
}

size_t SerializeKeyspace(Keyspace& db, int64_t now_ms, std::string* out) {
  KeyspaceSerializer s(db, now_ms);
  s.Run([out](std::string_view chunk) {
    out->append(chunk.data(), chunk.size());
    return true;
  });
  return s.keys();
}

bool SerializeDatabases(const std::vector<Keyspace*>& dbs, int64_t now_ms, size_t chunk_bytes,
                        std::string_view preamble, const KeyspaceSerializer::Sink& sink) {
  for (size_t i = 0; i < dbs.size(); i++) {
    if (i > 0 && (dbs[i] == nullptr || dbs[i]->size() == 0)) continue;
    if (i > 0) {
      std::string select;
      std::string n = std::to_string(i);
      AppendRespCommand(&select, {"SELECT", n});
      if (!sink(select)) return false;
    }
    KeyspaceSerializer ser(*dbs[i], now_ms, chunk_bytes);
    if (i == 0) ser.set_preamble(preamble);
    ser.Run(sink);
    if (ser.failed()) return false;
  }
  return true;
}

}  // namespace rcs
