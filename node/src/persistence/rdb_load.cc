#include "persistence/rdb_load.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "net/event_loop.h"  // MonotonicMs
#include "base/log.h"
#include "keyspace/dump.h"
#include "base/file_util.h"  // MappedFile
#include "base/heap_pages.h"
#include "server/command_loader.h"
#include "server/rdb_options.h"
#include "server/server.h"
#include "server/server_dbs.h"

namespace rcs {

namespace {

class ServerRdbSink : public RdbSink {
 public:
  ServerRdbSink(Server& server, CommandStreamLoader& loader, bool skip_expired, bool replace_existing,
                const MappedFile* mapped)
      : server_(server),
        mapped_(mapped),
        loader_(loader),
        skip_expired_(skip_expired),
        replace_existing_(replace_existing),
        now_ms_(server.clock().NowMs()) {}

  // Numbered databases: SELECTDB n puts the keys that follow into database n (0 in cluster mode, as before:
  // a key of another database there fails the load).
  bool takes_databases() const override { return !server_.config().cluster_enabled; }
  Status OnSelectDb(uint64_t dbid) override {
    if (dbid >= static_cast<uint64_t>(server_.db_count())) {
      return Status::Error("FATAL: Data file was created with a Redis server configured to handle more than " +
                           std::to_string(server_.db_count()) + " databases");
    }
    if (static_cast<int>(dbid) == dbid_) return Status::Ok();
    Status flushed = Flush();  // the keys held back belong to the database before
    if (!flushed.ok()) return flushed;
    dbid_ = static_cast<int>(dbid);
    db_ = &server_.db_at(dbid_);
    bulk_ = std::make_unique<Keyspace::BulkAdd>(*db_);
    return Status::Ok();
  }

  Status OnAux(std::string_view key, std::string_view value) override {
    std::string v(value.substr(0, 200));
    if (!key.empty() && key[0] == '%') {
      LogNotice("RDB '" + std::string(key) + "': " + v);
    } else if (key == "redis-ver") {
      LogNotice("Loading RDB produced by version " + v);
    } else if (key == "valkey-ver") {
      LogNotice("Loading RDB produced by valkey version " + v);
    } else if (key == "ctime") {
      int64_t age = now_ms_ / 1000 - std::strtoll(v.c_str(), nullptr, 10);
      LogNotice("RDB age " + std::to_string(age < 0 ? 0 : age) + " seconds");
    } else if (key == "used-mem") {
      char buf[96];
      snprintf(buf, sizeof(buf), "RDB memory usage when created %.2f Mb",
               static_cast<double>(std::strtoll(v.c_str(), nullptr, 10)) / (1024 * 1024));
      LogNotice(buf);
    } else if (key == "aof-base" && v != "0") {
      LogNotice("RDB is base AOF");
    }
    return Status::Ok();
  }

  Status OnFunction(std::string code) override {
    // A merge (DEBUG RELOAD MERGE) replaces a library of the same name, as Redis's RDBFLAGS_ALLOW_DUP does.
    std::vector<std::string_view> argv = {"FUNCTION", "LOAD", code};
    if (replace_existing_) argv = {"FUNCTION", "LOAD", "REPLACE", code};
    std::string reply;
    if (!loader_.Execute(argv, &reply)) {
      while (!reply.empty() && (reply.back() == '\n' || reply.back() == '\r')) reply.pop_back();
      return Status::Error("function library can't be loaded (" + reply.substr(reply.empty() ? 0 : 1) + ")");
    }
    return Status::Ok();
  }

  Status OnKey(RdbKey&& k) override {
    if (skip_expired_ && k.expire_at_ms >= 0 && k.expire_at_ms < now_ms_) {
      expired_++;
      return Status::Ok();
    }
    Keyspace& db = *db_;
    // The file's FREQ / IDLE records land in the key's access bits as the policy in use reads them.
    if (replace_existing_) {
      db.Delete(k.key);
      Entry* e = StoreDumpedValue(db, k.key, std::move(k.value), k.expire_at_ms);
      if (e != nullptr) db.SetAccessInfo(e, k.lfu_freq, k.lru_idle_s);
      return Status::Ok();
    }
    // One lookup for the duplicate check and the insert.
    Entry* e = AddDumpedValue(db, k.key, std::move(k.value), k.expire_at_ms);
    if (e == nullptr) return Status::Error("duplicate key '" + k.key.substr(0, 128) + "'");
    db.SetAccessInfo(e, k.lfu_freq, k.lru_idle_s);
    return Status::Ok();
  }

  void OnConsumed(size_t offset) override {
    if (mapped_ != nullptr) mapped_->DropBefore(offset);
  }

  Status OnResizeDb(uint64_t keys, uint64_t expires) override {
    db_->SizeHint(keys, expires);
    return Status::Ok();
  }

  // The same without copies: the key and a string value go from the image (or the parser's buffers)
  // straight into the keyspace's record.
  Status OnKeyRef(RdbKeyRef& k) override {
    if (skip_expired_ && k.expire_at_ms >= 0 && k.expire_at_ms < now_ms_) {
      expired_++;
      return Status::Ok();
    }
    heap_pages_.Step();
    Keyspace& db = *db_;
    const bool is_string = k.type == ObjType::kString;
    if (replace_existing_) {
      db.Delete(k.key);
      Entry* e = is_string ? db.SetString(k.key, k.str, k.expire_at_ms, false)
                           : db.SetObject(k.key, std::move(k.obj), k.expire_at_ms, false);
      db.SetAccessInfo(e, k.lfu_freq, k.lru_idle_s);
      return Status::Ok();
    }
    // Linked a few keys later, with the duplicate check (Keyspace::BulkAdd).
    bool ok = is_string ? bulk_->AddString(k.key, k.str, k.expire_at_ms, k.offset, k.lfu_freq, k.lru_idle_s)
                        : bulk_->AddObject(k.key, std::move(k.obj), k.expire_at_ms, k.offset, k.lfu_freq, k.lru_idle_s);
    if (ok) return Status::Ok();
    k.offset = static_cast<size_t>(bulk_->duplicate_tag());
    return Status::Error(DuplicateMessage());
  }

  // Links the keys still held back; the error names the duplicate key and its offset, as a parse error does.
  Status Flush() {
    if (bulk_->Flush()) return Status::Ok();
    return Status::Error(DuplicateMessage() + " at offset " + std::to_string(bulk_->duplicate_tag()));
  }

  uint64_t expired() const { return expired_; }

 private:
  std::string DuplicateMessage() const {
    return "duplicate key '" + bulk_->duplicate().substr(0, 128) + "'";
  }

  Server& server_;
  const MappedFile* mapped_;
  CommandStreamLoader& loader_;
  bool skip_expired_;
  bool replace_existing_;
  int64_t now_ms_;
  uint64_t expired_ = 0;
  HeapHugePages heap_pages_{server_.config().heap_huge_pages};  // while the keys go in
  int dbid_ = 0;
  Keyspace* db_ = &server_.db_at(0);
  std::unique_ptr<Keyspace::BulkAdd> bulk_ = std::make_unique<Keyspace::BulkAdd>(*db_);
};

}  // namespace

StatusOr<RdbLoadResult> LoadRdbImage(Server& server, CommandStreamLoader& loader, const std::string& path,
                                     std::string_view data, bool skip_expired, bool replace_existing,
                                     bool keep_on_failure, const MappedFile* mapped) {
  ServerRdbSink sink(server, loader, skip_expired, replace_existing, mapped);
  StatusOr<RdbSummary> sum = ParseRdb(data, RdbOptionsFromConfig(server.config()), sink);
  if (sum.ok()) {
    Status flushed = sink.Flush();
    if (!flushed.ok()) sum = flushed;
  }
  for (Keyspace* db : ServerDbs(server)) {
    if (db != nullptr) db->SizeHint(0, 0);
  }
  if (!sum.ok()) {
    // Nothing of a file that did not load completely stays (the caller stops the node); or, when asked,
    // every key read before the error (those still held back by the sink too).
    if (keep_on_failure) (void)sink.Flush();
    if (!keep_on_failure) ClearAllDbs(server);
    return Status::Error("Can't load the RDB file " + path + ": " + sum.status().message());
  }
  RdbLoadResult r;
  r.summary = *sum;
  r.keys_expired = sink.expired();
  server.stats().rdb_last_load_keys_loaded = r.summary.keys - r.keys_expired;
  server.stats().rdb_last_load_keys_expired = r.keys_expired;
  LogNotice("Done loading RDB, keys loaded: " + std::to_string(r.summary.keys - r.keys_expired) +
            ", keys expired: " + std::to_string(r.keys_expired) + ".");
  return r;
}

Status LoadDumpRdbAtStart(Server& server) {
  const std::string path = server.config().dbfilename;
  struct stat st;
  if (path.empty() || stat(path.c_str(), &st) != 0) return Status::Ok();
  int64_t start = MonotonicMs();
  StatusOr<MappedFile> data = MappedFile::Open(path);
  if (!data.ok()) return data.status();
  auto loader = std::make_unique<CommandStreamLoader>(server);  // loading mode while the keys go in
  // A master drops keys that expired while it was down; a replica keeps them for its master's DELs (as
  // redis-server does).
  bool replica = server.is_replica() || !server.config().replicaof.empty();
  StatusOr<RdbLoadResult> r = LoadRdbImage(server, *loader, path, data->view(), /*skip_expired=*/!replica,
                                              /*replace_existing=*/false, /*keep_on_failure=*/false, &*data);
  loader.reset();
  if (!r.ok()) return r.status();
  if (r->summary.end_offset != data->size()) {
    ClearAllDbs(server);
    return Status::Error("Can't load the RDB file " + path + ": unexpected bytes after the checksum at offset " +
                         std::to_string(r->summary.end_offset));
  }
  char buf[64];
  snprintf(buf, sizeof(buf), "%.3f", static_cast<double>(MonotonicMs() - start) / 1000.0);
  LogNotice(std::string("DB loaded from disk: ") + buf + " seconds (" + std::to_string(TotalKeys(server)) + " keys)");
  return Status::Ok();
}

}  // namespace rcs
