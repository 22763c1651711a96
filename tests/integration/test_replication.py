"""Standalone replication between our nodes: full sync, live stream, partial resync, auth (ports 12200-12249)."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

PW = "repl-secret"


def info(server, section="replication"):
    return rcs.info(server, section)


class ReplicationTest(unittest.TestCase):
    def setUp(self):
        self.master = rcs.Server(12200, password=PW).start()
        self.replica = None

    def tearDown(self):
        for s in (self.master, self.replica):
            if s:
                s.stop()

    def start_replica(self, port=12201, args=()):
        self.replica = rcs.Server(port, password=PW, args=list(args)).start()
        return self.replica

    def wait_link_up(self, replica, timeout=10):
        rcs.wait_until(lambda: info(replica).get("master_link_status") == "up", timeout=timeout,
                       what="the replica's link to come up")

    def test_full_sync_then_stream_then_read_only(self):
        m = self.master.client()
        for i in range(2000):
            m.set("k%d" % i, i)
        m.rpush("list", *range(100))
        m.hset("hash", mapping={"a": 1, "b": 2})
        m.zadd("z", {"x": 1.5})
        m.set("ttl", "v", px=600000)
        r = self.start_replica()
        self.assertEqual(r.cli("REPLICAOF", "127.0.0.1", "12200").strip(), "OK")
        self.wait_link_up(r)
        rc = r.client()
        rcs.wait_until(lambda: rc.dbsize() == m.dbsize(), timeout=10, what="the snapshot to load")
        self.assertEqual(rc.get("k1999"), b"1999")
        self.assertEqual(rc.lrange("list", 0, -1), [str(i).encode() for i in range(100)])
        self.assertEqual(rc.hgetall("hash"), {b"a": b"1", b"b": b"2"})
        self.assertEqual(rc.zscore("z", "x"), 1.5)
        self.assertGreater(rc.pttl("ttl"), 500000)
        # Live stream.
        m.set("after", "sync")
        m.incrby("counter", 7)
        m.delete("k0")
        rcs.wait_until(lambda: rc.get("after") == b"sync" and rc.get("counter") == b"7" and rc.get("k0") is None,
                       timeout=5, what="the live stream")
        # Replicas refuse writes.
        import redis
        with self.assertRaises(redis.exceptions.ReadOnlyError):
            rc.set("x", "y")
        # Offsets agree once the replica has acked.
        rcs.wait_until(lambda: info(r)["slave_repl_offset"] == info(self.master)["master_repl_offset"], timeout=5,
                       what="replica offset to reach the master's")
        mi = info(self.master)
        self.assertEqual(mi["connected_slaves"], "1")
        self.assertIn("port=12201,state=online", mi["slave0"])
        role = rc.execute_command("ROLE")
        self.assertEqual(role[0], b"slave")
        self.assertEqual(role[3], b"connected")
        self.assertEqual(m.execute_command("WAIT", 1, 2000), 1)

    def test_partial_resync_after_link_drop(self):
        m = self.master.client()
        m.set("a", 1)
        r = self.start_replica()
        r.cli("REPLICAOF", "127.0.0.1", "12200")
        self.wait_link_up(r)
        full_before = int(info(self.master, "stats")["sync_full"])
        # Drop the replica's link from the master side; the replica reconnects and continues.
        m.client_kill_filter(_type="slave")
        m.set("b", 2)
        rc = r.client()
        rcs.wait_until(lambda: rc.get("b") == b"2", timeout=10, what="the replica to catch up after reconnect")
        st = info(self.master, "stats")
        self.assertEqual(int(st["sync_full"]), full_before)
        self.assertGreaterEqual(int(st["sync_partial_ok"]), 1)

    def test_wrong_masterauth_keeps_link_down_and_logs(self):
        r = rcs.Server(12202, password=PW, args=["--masterauth", "wrong"]).start()
        self.replica = r
        r.cli("REPLICAOF", "127.0.0.1", "12200")
        time.sleep(1.5)
        self.assertEqual(info(r)["master_link_status"], "down")
        rcs.wait_until(lambda: "Unable to AUTH to MASTER" in r.log(), timeout=5, what="the auth failure in the log")

    def test_promotion_keeps_data_and_accepts_writes(self):
        m = self.master.client()
        m.set("x", 1)
        r = self.start_replica()
        r.cli("REPLICAOF", "127.0.0.1", "12200")
        self.wait_link_up(r)
        rc = r.client()
        rcs.wait_until(lambda: rc.get("x") == b"1", timeout=5, what="data on the replica")
        self.assertEqual(r.cli("REPLICAOF", "NO", "ONE").strip(), "OK")
        rc.set("y", 2)
        self.assertEqual(rc.get("x"), b"1")
        self.assertEqual(info(r)["role"], "master")

    def test_stale_replica_answers_masterdown_until_the_link_is_back(self):
        # replica-serve-stale-data no: while the link is down only stale-flagged commands (INFO, REPLICAOF...)
        # run; data commands and PING answer -MASTERDOWN, as redis-server does.
        m = self.master.client()
        m.set("x", 1)
        r = self.start_replica(args=["--masterauth", PW, "--replica-serve-stale-data", "no"])
        r.cli("REPLICAOF", "127.0.0.1", "12200")
        self.wait_link_up(r)
        self.assertEqual(r.cli("GET", "x").strip(), "1")
        self.master.stop()
        self.master = None
        rcs.wait_until(lambda: info(r).get("master_link_status") == "down", timeout=10,
                       what="the replica to see its link down")
        self.assertIn("MASTERDOWN Link with MASTER is down", r.cli("GET", "x"))
        self.assertIn("MASTERDOWN", r.cli("PING"))
        self.assertEqual(info(r)["role"], "slave")
        self.master = rcs.Server(12200, password=PW).start()
        self.wait_link_up(r)
        self.assertEqual(r.cli("PING").strip(), "PONG")


if __name__ == "__main__":
    rcs.run_tests()
