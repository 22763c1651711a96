// The whole RDB image of a keyspace: see rdb_file.h.
#include "keyspace/rdb_file.h"

#include <unistd.h>

#include <cerrno>

#include "base/crc64.h"
#include "base/file_util.h"
#include "keyspace/keyspace.h"
#include "keyspace/rdb_format.h"
#include "keyspace/rdb_string.h"

namespace rcs {

namespace {

// RDB opcodes (keyspace/rdb_format.h).
using rdb::kOpAux, rdb::kOpExpireTimeMs, rdb::kOpIdle, rdb::kOpFreq, rdb::kOpSelectDb, rdb::kOpResizeDb, rdb::kOpEof;
constexpr size_t kChunkBytes = 1 << 20;


void Aux(std::string* out, std::string_view key, std::string_view value) {
  out->push_back(static_cast<char>(kOpAux));
  AppendRdbString(out, key, false);
  AppendRdbString(out, value, false);
}

}  // namespace

bool WriteRdb(int fd, Keyspace& db, int64_t now_ms, const RdbFileInfo& info, const RdbWriteOptions& options) {
  return WriteRdb(fd, std::vector<Keyspace*>{&db}, now_ms, info, options);
}

bool WriteRdb(int fd, const std::vector<Keyspace*>& dbs, int64_t now_ms, const RdbFileInfo& info,
              const RdbWriteOptions& options) {
  std::string buf = "REDIS0010";
  Aux(&buf, "redis-ver", info.redis_ver);
  Aux(&buf, "redis-bits", std::to_string(sizeof(void*) * 8));
  Aux(&buf, "ctime", std::to_string(info.ctime_s));
  Aux(&buf, "used-mem", std::to_string(info.used_mem));
  Aux(&buf, "aof-base", info.aof_base ? "1" : "0");
  for (const std::string& code : info.function_libraries) AppendRdbFunction(&buf, code, options.compress);
  uint64_t crc = 0;
  bool ok = true;
  IncrementalSync sync(fd, options.incremental_sync_bytes);
  auto flush = [&] {
    if (!ok) return;
    crc = Crc64(crc, buf.data(), buf.size());
    ok = WriteAll(fd, buf) && sync.Wrote(buf.size());
    buf.clear();
  };
  for (size_t dbi = 0; dbi < dbs.size() && ok; dbi++) {
    if (dbs[dbi] == nullptr || dbs[dbi]->size() == 0) continue;
    Keyspace& db = *dbs[dbi];
    buf.push_back(static_cast<char>(kOpSelectDb));
    AppendRdbLength(&buf, dbi);
    // RESIZEDB as redis-server writes it (the table sizes, expired keys not removed yet included): loaders
    // size their tables from it.
    buf.push_back(static_cast<char>(kOpResizeDb));
    AppendRdbLength(&buf, db.size());
    AppendRdbLength(&buf, db.expires_size());
    // The keys' access data, as redis-server saves it: IDLE (seconds) under an LRU policy, FREQ (the decayed
    // counter) under an LFU one, nothing under the others.
    const bool save_lru = IsLruPolicy(db.eviction_policy()), save_lfu = IsLfuPolicy(db.eviction_policy());
    db.ForEach([&](const Entry& e) {
      if (!ok) return;
      if (e.has_expire()) {
        if (e.expire_at_ms() <= now_ms) return;
        buf.push_back(static_cast<char>(kOpExpireTimeMs));
        uint64_t at = static_cast<uint64_t>(e.expire_at_ms());
        for (int i = 0; i < 8; i++) buf.push_back(static_cast<char>((at >> (8 * i)) & 0xff));
      }
      if (save_lru) {
        buf.push_back(static_cast<char>(kOpIdle));
        AppendRdbLength(&buf, static_cast<uint64_t>(db.IdleSeconds(e)));
      } else if (save_lfu) {
        buf.push_back(static_cast<char>(kOpFreq));
        buf.push_back(static_cast<char>(db.LfuFreq(e)));
      }
      std::string_view key = e.key();
      if (e.type() == ObjType::kString) {
        AppendRdbStringObject(&buf, e.str(), options, &key);
      } else {
        AppendRdbObject(&buf, *e.obj(), options, &key);
      }
      if (buf.size() >= kChunkBytes) flush();
    });
  }
  buf.push_back(static_cast<char>(kOpEof));
  flush();
  if (!ok) return false;
  for (int i = 0; i < 8; i++) buf.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return WriteAll(fd, buf);
}

}  // namespace rcs
