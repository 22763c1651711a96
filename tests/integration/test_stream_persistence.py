#!/usr/bin/python3
"""Streams kept exactly by the AOF and by replication (ports 21387-21389).

One stream of 100,000 entries (auto ids, 500 trimmed away with XTRIM MINID, 100 deleted with XDEL) with three
consumer groups holding pending entries (XREADGROUP, XREADGROUP NOACK, XACK, XCLAIM with IDLE/RETRYCOUNT/FORCE,
XAUTOCLAIM, XGROUP CREATE ... ENTRIESREAD, CREATECONSUMER, SETID) and a small second stream. A snapshot of a server is
XINFO STREAM FULL COUNT 0 of each stream (every entry, group, consumer and pending entry; the consumers'
seen-time and the radix tree's shape masked, the pending entries' delivery times kept: they are stored and
propagated) and DEBUG DIGEST-VALUE of each stream; a promoted replica's PELs are compared with XPENDING.
  - AOF restart: appendonly yes; the snapshot after a restart equals the one before; again after BGREWRITEAOF
    with the RDB preamble (the stream in the RDB base) and with aof-use-rdb-preamble no (as commands).
  - Replica full sync: a replica started after the data was written has the master's snapshot; then consumer
    traffic on the master (XREADGROUP, XCLAIM, XAUTOCLAIM over deleted entries, XACK, XGROUP DELCONSUMER, XADD
    MAXLEN ~, XDEL) reaches the replica through the live stream: the snapshots stay equal (the propagation of
    XREADGROUP/XCLAIM/XAUTOCLAIM as redis-server does it); the replica promoted (REPLICAOF NO ONE) has the same
    PELs and serves the next XREADGROUP exactly as the master does.

RCS_STREAM_TARGET=redis-server runs it against Debian's redis-server 7.0.15 (see lib/rcs_streams.py); the test

"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402
import rcs_streams  # noqa: E402

MASTER, REPLICA, OTHER = 21387, 21388, 21389
ENTRIES = 100000
KEY, SMALL = "events", "small"


def build(node, c):
    """The data set (see the module docstring) on `node` (redis-cli --pipe for the entries), then redis-py `c`.
    Explicit ids (T0+i/100 ms, sequence i%100: a hundred entries per millisecond), so that no reply of 100,000
    ids has to be read back to know them."""
    t0 = int(time.time() * 1000) - 3600 * 1000
    eid = lambda i: "%d-%d" % (t0 + i // 100, i % 100)  # noqa: E731
    total = ENTRIES + 500 + ENTRIES // 1000 - 1
    rcs_streams.pipe(node, [["XADD", KEY, eid(i), "n", i, "kind", "click" if i % 3 else "view"]
                            for i in range(total)])
    c.xtrim(KEY, minid=eid(500), approximate=False)
    # Every 1000th entry but the first (a group below starts there).
    deleted = [eid(500 + 1000 * k) for k in range(1, ENTRIES // 1000)]
    assert c.xdel(KEY, *deleted) == len(deleted)
    assert c.xlen(KEY) == ENTRIES
    ids = [eid(total - 1)]
    # g1 from the start: two consumers with pending entries, half of one acknowledged.
    c.xgroup_create(KEY, "g1", id="0")
    got = c.xreadgroup("g1", "c1", {KEY: ">"}, count=3000)[0][1]
    c.xreadgroup("g1", "c2", {KEY: ">"}, count=2000)
    c.xack(KEY, "g1", *[e for e, _ in got[::2]])
    # g2 in the middle, with a consumer that reads with NOACK (no PEL) and one without.
    mid = eid(60000)
    c.execute_command("XGROUP", "CREATE", KEY, "g2", mid, "ENTRIESREAD", 59900)
    c.xreadgroup("g2", "fast", {KEY: ">"}, count=500, noack=True)
    c.xreadgroup("g2", "slow", {KEY: ">"}, count=700)
    # g3: an idle consumer with nothing pending, claims between consumers, an id set back.
    c.xgroup_create(KEY, "g3", id="$")
    c.execute_command("XGROUP", "CREATECONSUMER", KEY, "g3", "idle")
    # Not SETID ... ENTRIESREAD 0 here: redis-server 7.0.15 itself then shows entries-read nil after the next
    # XREADGROUP (deleted entries make it unknown) but 0 after an AOF reload, so nothing exact can be asserted.
    c.execute_command("XGROUP", "SETID", KEY, "g3", "0")
    got = c.xreadgroup("g3", "a", {KEY: ">"}, count=400)[0][1]
    c.xclaim(KEY, "g3", "b", 0, [e for e, _ in got[:50]], retrycount=7)
    c.xclaim(KEY, "g3", "b", 0, [e for e, _ in got[50:60]], idle=5000, justid=True)
    c.xclaim(KEY, "g3", "c", 0, [ids[-1]], force=True)  # not delivered before: FORCE adds it
    c.xautoclaim(KEY, "g3", "c", 0, got[100][0], count=25)
    # A small stream with an explicit id space and XSETID.
    for i in range(1, 30):
        c.xadd(SMALL, {"i": i}, id="%d-%d" % (i // 10, i))
    c.execute_command("XSETID", SMALL, "99-0", "ENTRIESADDED", 40, "MAXDELETEDID", "5-5")
    c.xgroup_create(SMALL, "g", id="0")
    c.xreadgroup("g", "x", {SMALL: ">"}, count=5)


def snapshot(node):
    """XINFO STREAM FULL COUNT 0 of each stream (bytes, read times masked) and DEBUG DIGEST-VALUE."""
    c = node.client()
    try:
        return {
            "full %s" % KEY: rcs_streams.xinfo_full_raw(node, KEY),
            "full %s" % SMALL: rcs_streams.xinfo_full_raw(node, SMALL),
            "digest-value": [c.execute_command("DEBUG", "DIGEST-VALUE", k) for k in (KEY, SMALL)],
        }
    finally:
        c.close()


def traffic(c):
    """Consumer traffic whose effects must reach the replica."""
    c.xreadgroup("g1", "c3", {KEY: ">"}, count=1000)
    pend = c.xpending_range(KEY, "g1", "-", "+", 300, consumername="c2")
    c.xclaim(KEY, "g1", "c3", 0, [r["message_id"] for r in pend[:100]])
    c.xclaim(KEY, "g1", "c1", 0, [r["message_id"] for r in pend[100:150]], justid=True)
    victims = [r["message_id"] for r in pend[200:220]]
    c.xdel(KEY, *victims)  # pending but deleted: XAUTOCLAIM drops them from the PEL and lists them
    reply = c.execute_command("XAUTOCLAIM", KEY, "g1", "c4", 0, pend[150]["message_id"], "COUNT", 100)
    assert sorted(reply[2]) == sorted(victims), reply[2]
    c.xack(KEY, "g1", *[r["message_id"] for r in pend[:50]])
    # Not here: XREADGROUP of the history (an id instead of ">"). redis-server 7.0.15 raises the delivery count
    # and time of those entries on the master without propagating it, so its replicas differ after one.
    c.execute_command("XGROUP", "DELCONSUMER", KEY, "g2", "fast")
    c.xadd(KEY, {"n": "late"}, maxlen=ENTRIES, approximate=True)
    c.xreadgroup("g3", "a", {KEY: ">"}, count=10)


class StreamPersistenceTest(rcs.ServersTestCase):
    DIR_PREFIX = "rcs-stream-persistence-"

    @classmethod
    def setUpClass(cls):
        probe = rcs.Server(MASTER, binary=rcs_streams.BINARY).start()
        try:
            rcs_streams.require_streams(probe)
        finally:
            probe.stop()

    def node(self, port, subdir, args=()):
        return self.server(port, subdir, args=rcs_streams.DEBUG_ARGS + list(args), binary=rcs_streams.BINARY)

    def restart(self, s):
        s.stop()  # SIGTERM: the AOF is flushed and fsynced at shutdown
        s.start()
        rcs.wait_until(lambda: rcs.info(s, "persistence").get("loading") == "0", timeout=30,
                       what="%d to finish loading" % s.port)

    def wait_rewrite(self, s):
        rcs.wait_until(lambda: rcs.info(s, "persistence").get("aof_rewrite_in_progress") == "0" and
                       rcs.info(s, "persistence").get("aof_rewrite_scheduled") == "0", timeout=30,
                       what="the AOF rewrite of %d to finish" % s.port)
        self.assertEqual(rcs.info(s, "persistence").get("aof_last_bgrewrite_status"), "ok")

    def assertSnapshotsEqual(self, a, b, what):
        for part in a:
            if a[part] != b[part]:
                at = next((i for i, (x, y) in enumerate(zip(a[part], b[part])) if x != y),
                          min(len(a[part]), len(b[part])))
                self.fail("%s: %s differs at byte %s: %r / %r" % (what, part, at, a[part][max(0, at - 200):at + 200],
                                                                  b[part][max(0, at - 200):at + 200]))

    def test_aof_restart(self):
        m = self.node(MASTER, "aof", ["--appendonly", "yes"]).start()
        c = m.client()
        build(m, c)
        before = snapshot(m)
        c.close()
        self.restart(m)  # the AOF as written (the commands and what XREADGROUP/XCLAIM propagated)
        c = m.client()
        self.assertSnapshotsEqual(before, snapshot(m), "restart from the AOF's commands")
        for preamble in ("yes", "no"):
            self.assertEqual(c.config_set("aof-use-rdb-preamble", preamble), True)
            c.bgrewriteaof()
            self.wait_rewrite(m)
            c.close()
            self.restart(m)
            c = m.client()
            self.assertSnapshotsEqual(before, snapshot(m), "restart after BGREWRITEAOF, preamble %s" % preamble)
        c.close()

    def test_replica_full_sync_and_propagation(self):
        m = self.node(MASTER, "master").start()
        mc = m.client()
        build(m, mc)
        r = self.node(REPLICA, "replica", ["--replicaof", "127.0.0.1", str(MASTER)]).start()
        rc = r.client()

        def synced():
            mi, ri = rcs.info(m, "replication"), rcs.info(r, "replication")
            return ri.get("master_link_status") == "up" and \
                ri.get("master_repl_offset") == mi.get("master_repl_offset")
        rcs.wait_until(synced, timeout=30, what="the replica's full sync")
        self.assertSnapshotsEqual(snapshot(m), snapshot(r), "replica after the full sync")

        traffic(mc)
        self.assertEqual(mc.execute_command("WAIT", 1, 10000), 1)
        rcs.wait_until(synced, timeout=30, what="the replica to apply the traffic")
        after = snapshot(m)
        self.assertSnapshotsEqual(after, snapshot(r), "replica after XREADGROUP/XCLAIM/XAUTOCLAIM traffic")

        # A second replica synced now gets the same (the full sync of a stream with this history).
        o = self.node(OTHER, "other", ["--replicaof", "127.0.0.1", str(MASTER)]).start()
        oc = o.client()
        rcs.wait_until(lambda: rcs.info(o, "replication").get("master_link_status") == "up" and
                       rcs.info(o, "replication").get("master_repl_offset") ==
                       rcs.info(m, "replication").get("master_repl_offset"),
                       timeout=30, what="the second replica's full sync")
        self.assertSnapshotsEqual(after, snapshot(o), "second replica after its full sync")

        # Promoted: the same PELs, and the next reads deliver what the master would deliver.
        self.assertTrue(rc.execute_command("REPLICAOF", "NO", "ONE"))
        self.assertEqual(rcs_streams.pels(rc, KEY), rcs_streams.pels(mc, KEY))
        for group, consumer in (("g1", "c9"), ("g2", "slow"), ("g3", "b")):
            self.assertEqual(rc.xreadgroup(group, consumer, {KEY: ">"}, count=20),
                             mc.xreadgroup(group, consumer, {KEY: ">"}, count=20), group)
        self.assertEqual(rcs_streams.pels(rc, KEY), rcs_streams.pels(mc, KEY))
        for cl in (mc, rc, oc):
            cl.close()


if __name__ == "__main__":
    rcs.run_tests()
