// The program's wiring (node.cc): a bare Server hosts nothing; WireNode gives it what the binary has.
#include <doctest/doctest.h>

#include "cluster/cluster.h"
#include "node.h"
#include "replication/replication.h"

using namespace rcs;

TEST_CASE("a bare server has no commands and no subsystems until the wiring adds them") {
  Config c;
  c.port = 0;
  Server bare(c);
  CHECK(bare.commands().Find("get") == nullptr);
  CHECK(bare.subsystem<Replication>() == nullptr);
  CHECK(bare.subsystem<cluster::Cluster>() == nullptr);

  Server wired(c);
  WireNode(wired);
  CHECK(wired.commands().Find("get") != nullptr);
  CHECK(wired.commands().Find("cluster") != nullptr);
  CHECK(wired.commands().Find("replicaof") != nullptr);
  CHECK(wired.subsystem<Replication>() != nullptr);
  CHECK(wired.subsystem<cluster::Cluster>() == nullptr);  // not cluster-enabled
}

TEST_CASE("cluster mode is installed only when cluster-enabled, and found by its type") {
  Config c;
  c.port = 0;
  c.cluster_enabled = true;
  Server s(c);
  WireNode(s);
  cluster::Cluster* cl = s.subsystem<cluster::Cluster>();
  REQUIRE(cl != nullptr);
  CHECK(static_cast<Subsystem*>(cl) != static_cast<Subsystem*>(s.subsystem<Replication>()));
}
