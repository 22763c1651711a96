#include <doctest/doctest.h>

#include "harness.h"
#include "replication/replication.h"

using rcs::ReplicationBacklog;

TEST_CASE("backlog keeps the last bytes and serves partial ranges") {
  ReplicationBacklog b(10);
  CHECK(b.histlen() == 0);
  b.Append("abcdef");  // offsets 1..6
  CHECK(b.end_offset() == 6);
  CHECK(b.first_offset() == 1);
  std::string out;
  CHECK(b.CopyFrom(3, &out));
  CHECK(out == "cdef");
  out.clear();
  CHECK(b.CopyFrom(7, &out));  // nothing missing
  CHECK(out.empty());
  CHECK_FALSE(b.CopyFrom(8, &out));  // from the future
  b.Append("ghijkl");  // offsets 7..12, capacity 10 keeps 3..12
  CHECK(b.first_offset() == 3);
  CHECK(b.histlen() == 10);
  CHECK_FALSE(b.CopyFrom(2, &out));
  CHECK(b.CopyFrom(3, &out));
  CHECK(out == "cdefghijkl");
  b.Append(std::string(25, 'z'));  // larger than the capacity
  CHECK(b.histlen() == 10);
  CHECK(b.end_offset() == 37);
  CHECK(b.first_offset() == 28);
}

TEST_CASE("ROLE and INFO replication of a lone master") {
  rcs::test::TestNode n;
  rcs::InstallReplication(n.server());
  CHECK(n.Do("ROLE") == "[\"master\", (integer) 0, []]");
  std::string info = n.Do("INFO replication");
  CHECK(info.find("role:master") != std::string::npos);
  CHECK(info.find("connected_slaves:0") != std::string::npos);
  CHECK(info.find("master_repl_offset:0") != std::string::npos);
  CHECK(n.Do("WAIT 0 0") == "(integer) 0");
  CHECK(n.Do("WAIT x 0") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("REPLICAOF 127.0.0.1 notaport") == "(error) ERR Invalid master port");
}

TEST_CASE("REPLICAOF is refused in cluster mode") {
  rcs::test::TestNode n({{"cluster-enabled", "yes"}});
  rcs::InstallReplication(n.server());
  CHECK(n.Do("REPLICAOF 127.0.0.1 7000") == "(error) ERR REPLICAOF not allowed in cluster mode.");
}

TEST_CASE("CONFIG SET repl-backlog-size resizes the backlog at once (a config listener, not the cron)") {
  rcs::test::TestNode n;
  rcs::InstallReplication(n.server());
  CHECK(n.Do("INFO replication").find("repl_backlog_size:1048576\r\n") != std::string::npos);
  REQUIRE(n.Do("CONFIG SET repl-backlog-size 2mb") == "OK");
  CHECK(n.Do("INFO replication").find("repl_backlog_size:2097152\r\n") != std::string::npos);
}

TEST_CASE("REPLICAOF changes the replicaof value that CONFIG REWRITE writes") {
  rcs::test::TestNode n;
  rcs::InstallReplication(n.server());
  REQUIRE(n.Do("REPLICAOF 127.0.0.1 1") == "OK");
  CHECK(n.server().config().replicaof == "127.0.0.1 1");
  REQUIRE(n.Do("REPLICAOF NO ONE") == "OK");
  CHECK(n.server().config().replicaof.empty());
}
