#!/usr/bin/python3
"""Stream consumer groups with real cluster clients on our 3+3 cluster (ports 21375-21380, bus +10000).

redis-py's RedisCluster and ioredis's Cluster each run the work-queue pattern on three streams, one per master
(hash tags chosen so the three slots are served by three different masters):
  - XGROUP CREATE ... MKSTREAM; a "dead" consumer reads the first entries and never acknowledges them
    (XPENDING shows them as its own, delivered once);
  - a pool of workers per stream, each with its own client object, blocks in XREADGROUP ... BLOCK while the
    producer adds the rest with XADD (the blocked reads are woken by the XADDs), acknowledges each entry with
    XACK, and when a read times out takes the dead consumer's entries over with XAUTOCLAIM;
  - every entry is processed exactly once (no entry lost, none processed twice), and at the end the group has
    nothing pending (XPENDING summary 0, XINFO GROUPS pending 0 and lag 0, the dead consumer's PEL empty),
    entries-read equals the stream length, and the reclaimed entries show a delivery count of 2 until acked.

RCS_STREAM_TARGET=redis-server runs it against a cluster of Debian's redis-server 7.0.15 (see lib/rcs_streams.py);

"""
import json
import logging
import os
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402
import rcs_streams  # noqa: E402
from redis.cluster import RedisCluster  # noqa: E402

PORTS = list(range(21375, 21381))
CLIENTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "clients")
GROUP = "workers"
ENTRIES = 400        # per stream
WORKERS = 3          # per stream
DEAD = 20            # entries per stream read by the dead consumer and never acknowledged
MIN_IDLE_MS = 3000   # XAUTOCLAIM min-idle-time: far above a live worker's read-to-ack time
logging.getLogger("redis").setLevel(logging.CRITICAL)


def stream_keys(cluster, prefix):
    """Three stream keys, each served by a different master."""
    by_master = {}
    for i in range(500):
        key = "%s:{t%d}" % (prefix, i)
        by_master.setdefault(cluster.master_for(key).port, key)
        if len(by_master) == 3:
            return sorted(by_master.values())
    raise AssertionError("no three keys on three masters: %r" % by_master)


class StreamClientsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = rcs.Cluster(PORTS, node_timeout=5000, binary=rcs_streams.BINARY)
        cls.cluster.start(linked=True)
        rcs_streams.require_streams(cls.cluster.nodes[0])

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stop()

    def client(self):
        return RedisCluster(host="127.0.0.1", port=PORTS[0], socket_timeout=10)

    def check_group_drained(self, rc, key, entries):
        self.assertEqual(rc.xlen(key), entries, key)
        summary = rc.xpending(key, GROUP)
        self.assertEqual(summary["pending"], 0, (key, summary))
        groups = {g["name"]: g for g in rc.xinfo_groups(key)}
        g = groups[GROUP.encode()]
        self.assertEqual(g["pending"], 0, g)
        self.assertEqual(g["entries-read"], entries, g)
        self.assertEqual(g["lag"], 0, g)
        consumers = {c["name"]: c for c in rc.xinfo_consumers(key, GROUP)}
        self.assertEqual(consumers[b"dead"]["pending"], 0, consumers)

    def check_exactly_once(self, processed, entries):
        for key, ns in processed.items():
            dupes = sorted({n for n in ns if ns.count(n) > 1})
            self.assertEqual(dupes, [], "%s: entries processed more than once" % key)
            self.assertEqual(sorted(ns), list(range(entries)), "%s: entries lost or unknown" % key)

    def test_redis_py_cluster_workers(self):
        keys = stream_keys(self.cluster, "py")
        rc = self.client()
        try:
            for k in keys:
                self.assertTrue(rc.xgroup_create(k, GROUP, id="$", mkstream=True))
                for i in range(DEAD):
                    rc.xadd(k, {"n": i, "by": "redis-py"})
                got = rc.xreadgroup(GROUP, "dead", {k: ">"}, count=DEAD)
                self.assertEqual(len(got[0][1]), DEAD)
                summary = rc.xpending(k, GROUP)
                self.assertEqual((summary["pending"], summary["consumers"]),
                                 (DEAD, [{"name": b"dead", "pending": DEAD}]), summary)
                rows = rc.xpending_range(k, GROUP, "-", "+", 100)
                self.assertEqual({(r["consumer"], r["times_delivered"]) for r in rows}, {(b"dead", 1)})

            processed = {k: [] for k in keys}
            stats = {"claimed": 0, "acked": 0, "errors": 0, "last_error": None}
            lock = threading.Lock()
            stop = threading.Event()
            deadline = time.monotonic() + 40

            def handle(c, key, entries):
                for eid, fields in entries:
                    if not fields:  # XAUTOCLAIM of an entry deleted meanwhile (none here)
                        continue
                    with lock:
                        processed[key].append(int(fields[b"n"]))
                    n = c.xack(key, GROUP, eid)
                    with lock:
                        stats["acked"] += n

            def worker(key, name):
                c = self.client()
                try:
                    while not stop.is_set() and time.monotonic() < deadline:
                        try:
                            got = c.xreadgroup(GROUP, name, {key: ">"}, count=10, block=500)
                            if got:
                                handle(c, key, got[0][1])
                                continue
                            reply = c.xautoclaim(key, GROUP, name, MIN_IDLE_MS, "0-0", count=10)
                            entries = reply[1]
                            with lock:
                                stats["claimed"] += len(entries)
                            handle(c, key, entries)
                        except Exception as e:  # noqa: BLE001 - counted and asserted on below
                            with lock:
                                stats["errors"] += 1
                                stats["last_error"] = repr(e)
                            time.sleep(0.05)
                finally:
                    c.close()

            threads = [threading.Thread(target=worker, args=(k, "py-%d" % w), daemon=True)
                       for k in keys for w in range(WORKERS)]
            for t in threads:
                t.start()
            # The workers block in XREADGROUP; the XADDs wake them.
            for i in range(DEAD, ENTRIES):
                for k in keys:
                    rc.xadd(k, {"n": i, "by": "redis-py"})
            rcs.wait_until(lambda: sum(map(len, processed.values())) >= len(keys) * ENTRIES, timeout=40,
                           what="the redis-py workers to process every entry (%r)" % stats)
            stop.set()
            for t in threads:
                t.join(timeout=15)
            self.assertEqual(stats["errors"], 0, stats)
            self.assertEqual(stats["claimed"], len(keys) * DEAD, stats)
            self.assertEqual(stats["acked"], len(keys) * ENTRIES, stats)
            self.check_exactly_once(processed, ENTRIES)
            for k in keys:
                self.check_group_drained(rc, k, ENTRIES)
            print("redis-py: %d entries on %d streams, %d workers, %d reclaimed from the dead consumer"
                  % (len(keys) * ENTRIES, len(keys), len(threads), stats["claimed"]))
        finally:
            rc.close()

    def test_ioredis_cluster_workers(self):
        keys = stream_keys(self.cluster, "io")
        out = subprocess.run(["node", os.path.join(CLIENTS_DIR, "ioredis_streams.js"), str(PORTS[0]), GROUP,
                              str(ENTRIES), str(WORKERS), str(DEAD)] + keys,
                             capture_output=True, text=True, timeout=58, cwd=CLIENTS_DIR)
        lines = out.stdout.strip().splitlines()
        self.assertTrue(lines, "ioredis printed nothing: " + out.stderr[-2000:])
        r = json.loads(lines[-1])
        self.assertEqual(out.returncode, 0, json.dumps(r)[:3000] + out.stderr[-2000:])
        self.assertEqual(r["errors"], 0, r["messages"])
        self.assertEqual(r["claimed"], len(keys) * DEAD, {k: v for k, v in r.items() if k != "processed"})
        self.assertEqual(r["acked"], len(keys) * ENTRIES)
        self.check_exactly_once(r["processed"], ENTRIES)
        rc = self.client()
        try:
            for k in keys:
                self.check_group_drained(rc, k, ENTRIES)
        finally:
            rc.close()
        print("ioredis: %d entries on %d streams, %d reclaimed from the dead consumer"
              % (len(keys) * ENTRIES, len(keys), r["claimed"]))

    def test_reclaimed_entries_delivery_count(self):
        """XAUTOCLAIM moves the dead consumer's entries with their delivery count raised to 2; XPENDING with
        IDLE and a consumer filter sees them; XACK clears them."""
        rc = self.client()
        try:
            key = stream_keys(self.cluster, "dc")[0]
            rc.xgroup_create(key, GROUP, id="$", mkstream=True)
            ids = [rc.xadd(key, {"n": i}) for i in range(5)]
            rc.xreadgroup(GROUP, "dead", {key: ">"}, count=5)
            self.assertEqual(rc.xpending_range(key, GROUP, "-", "+", 10, consumername="alive"), [])
            reply = rc.xautoclaim(key, GROUP, "alive", 0, "0-0", count=3)
            self.assertEqual([e[0] for e in reply[1]], ids[:3])
            rows = rc.xpending_range(key, GROUP, "-", "+", 10)
            self.assertEqual([(r["message_id"], r["consumer"], r["times_delivered"]) for r in rows],
                             [(i, b"alive", 2) for i in ids[:3]] + [(i, b"dead", 1) for i in ids[3:]])
            # IDLE filter: the entries just claimed are younger than an hour.
            self.assertEqual(rc.xpending_range(key, GROUP, "-", "+", 10, idle=3600 * 1000), [])
            self.assertEqual(rc.xack(key, GROUP, *ids), 5)
            self.assertEqual(rc.xpending(key, GROUP)["pending"], 0)
        finally:
            rc.close()


if __name__ == "__main__":
    rcs.run_tests()
