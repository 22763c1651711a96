"""A 3+3 cluster of our nodes with appendonly yes, all six killed with SIGKILL together and restarted: every
key is back, every node has the same id and role, cluster_state:ok, the replicas link to their masters again
with a partial resync (no full sync).
Ports 15100-15105 (bus ports +10000)."""
import logging
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

logging.getLogger("redis").setLevel(logging.CRITICAL)
PORTS = [15100 + i for i in range(6)]
KEYS = 3000


def field(node, args, name):
    return rcs.fields(node, *args).get(name)


class AofClusterTest(unittest.TestCase):
    def setUp(self):
        self.cluster = rcs.Cluster(PORTS, node_timeout=3000,
                                   args=["--appendonly", "yes", "--appendfsync", "always"])

    def tearDown(self):
        self.cluster.stop()

    def test_all_six_killed_and_restarted_keep_keys_ids_and_roles(self):
        nodes = self.cluster.start().nodes
        from redis.cluster import RedisCluster
        c = RedisCluster(host="127.0.0.1", port=PORTS[0], socket_timeout=10)
        for i in range(KEYS):
            c.set("key:%d" % i, "value:%d" % i)
        ids = {n.port: n.cli("CLUSTER", "MYID").strip() for n in nodes}
        roles = {n.port: field(n, ["INFO", "replication"], "role") for n in nodes}
        # Replicas have applied the stream (so their AOF holds the keys too) before the crash.
        rcs.wait_until(lambda: sum(int(field(n, ["INFO", "keyspace"], "db0").split(",")[0].split("=")[1])
                                   if field(n, ["INFO", "keyspace"], "db0") else 0 for n in nodes) == 2 * KEYS,
                       timeout=30, what="replicas to hold every key")
        # Each replica wrote a new AOF base after its full sync (until then its manifest names the old data).
        for n in nodes:
            if roles[n.port] == "slave":
                rcs.wait_until(lambda n=n: int(rcs.info(n, "persistence")["aof_rewrites"]) >= 1 and
                               rcs.info(n, "persistence")["aof_rewrite_in_progress"] == "0", timeout=20,
                               what="replica %d's AOF base" % n.port)
        c.close()
        for n in nodes:
            n.kill()
        for n in nodes:
            n.start()
        self.cluster.wait_ok(timeout=60)
        self.assertEqual({n.port: n.cli("CLUSTER", "MYID").strip() for n in nodes}, ids)
        self.assertEqual({n.port: field(n, ["INFO", "replication"], "role") for n in nodes}, roles)
        for n in nodes:
            if roles[n.port] == "slave":
                rcs.wait_until(lambda n=n: field(n, ["INFO", "replication"], "master_link_status") == "up",
                               timeout=30, what="replica %d linked" % n.port)
        # The masters kept their replication ids and offsets (the AOF's marks): no replica needed a full sync.
        for n in nodes:
            if roles[n.port] == "master":
                stats = n.cli("INFO", "stats")
                self.assertIn("sync_full:0", stats)
                self.assertIn("sync_partial_ok:1", stats)
        c = RedisCluster(host="127.0.0.1", port=PORTS[1], socket_timeout=10)
        missing = [i for i in range(KEYS) if c.get("key:%d" % i) != b"value:%d" % i]
        self.assertEqual(missing, [])
        c.close()
        for n in nodes:
            self.assertIn("DB loaded from append only file", n.log())


if __name__ == "__main__":
    rcs.run_tests()
