// The numbered databases as a whole, for what saves or streams them all (RDB, AOF rewrite, full sync).
#pragma once
#include <vector>

#include "keyspace/keyspace.h"
#include "server/server.h"

namespace rcs {

// dbs[i] is database i, nullptr when it was never used.
inline std::vector<Keyspace*> ServerDbs(Server& s) {
  std::vector<Keyspace*> dbs(static_cast<size_t>(s.db_count()));
  for (int i = 0; i < s.db_count(); i++) dbs[static_cast<size_t>(i)] = s.db_if_exists(i);
  return dbs;
}

// A forked child shares our pages: no background rehash in any database until it is done.
inline void PauseRehashAll(Server& s) {
  for (Keyspace* db : ServerDbs(s)) {
    if (db != nullptr) db->PauseRehash();
  }
}
inline void ResumeRehashAll(Server& s) {
  for (Keyspace* db : ServerDbs(s)) {
    if (db != nullptr) db->ResumeRehash();
  }
}

inline void ClearAllDbs(Server& s) {
  for (Keyspace* db : ServerDbs(s)) {
    if (db != nullptr) db->Clear();
  }
}

// Keys in every database (log lines).
inline size_t TotalKeys(Server& s) {
  size_t n = 0;
  for (Keyspace* db : ServerDbs(s)) n += db != nullptr ? db->size() : 0;
  return n;
}

}  // namespace rcs
