"""The AOF with real processes (ports 15000-15099): kill -9 under a writer (always, everysec), truncated tail,
damaged middle, --check-aof --fix, rewrite under a writer (and kill -9 during it / right after the manifest
switch), a full disk (tmpfs the test mounts, as root), CONFIG SET appendonly, interop with Debian's
redis-server and redis-check-aof."""
import os
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

import redis  # noqa: E402

REDIS_CHECK_AOF = "/usr/bin/redis-check-aof"
AOF_DIR = "appendonlydir"
MANIFEST = "appendonly.aof.manifest"


def info(server, section="persistence"):
    return rcs.info(server, section)


def aof_files(d):
    p = os.path.join(d, AOF_DIR)
    return sorted(os.listdir(p)) if os.path.isdir(p) else []


def aof_size(d):
    p = os.path.join(d, AOF_DIR)
    return sum(os.path.getsize(os.path.join(p, f)) for f in os.listdir(p))


class Writer(threading.Thread):
    """Writes k<i> = i one at a time and records every write the server acknowledged (and when)."""

    def __init__(self, port, prefix="k", overwrite_keys=0):
        super().__init__(daemon=True)
        self.port = port
        self.prefix = prefix
        self.overwrite_keys = overwrite_keys
        self.acked = []  # (i, monotonic time of the reply)
        self.errors = []
        self.stop = threading.Event()

    def run(self):
        c = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)
        i = 0
        deadline = time.monotonic() + 60
        while not self.stop.is_set() and time.monotonic() < deadline:
            try:
                if self.overwrite_keys:
                    c.set("%s%d" % (self.prefix, i % self.overwrite_keys), i)
                else:
                    c.set("%s%d" % (self.prefix, i), i)
                self.acked.append((i, time.monotonic()))
            except redis.exceptions.ResponseError as e:
                self.errors.append(str(e))
                time.sleep(0.01)
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
                return
            i += 1


def aof_ends_with_mark(node_dir, offset):
    """True when the last AOF file the manifest names ends with the replication position mark at `offset`
    (the #RCS-REPL:<replid>:<offset> annotation line of persistence/aof.h)."""
    d = os.path.join(node_dir, AOF_DIR)
    with open(os.path.join(d, MANIFEST)) as f:
        last = [line.split()[1] for line in f if line.startswith("file ")][-1]
    with open(os.path.join(d, last), "rb") as f:
        tail = f.read()[-200:]
    lines = tail.rstrip(b"\r\n").split(b"\r\n")
    return lines[-1].startswith(b"#RCS-REPL:") and lines[-1].endswith(b":%s" % str(offset).encode())


class AofTest(rcs.ServersTestCase):
    DIR_PREFIX = "rcs-aof-"

    def node(self, port, args=(), binary=None, workdir=None):
        s = rcs.Server(port, args=["--appendonly", "yes"] + list(args), binary=binary, workdir=workdir or self.dir)
        self.servers.append(s)
        return s

    def wait_loaded(self, s):
        rcs.wait_until(lambda: info(s).get("loading") == "0", timeout=30, what="loading to finish")

    def test_kill9_appendfsync_always_keeps_every_acknowledged_write(self):
        s = self.node(15000, ["--appendfsync", "always"]).start()
        w = Writer(15000)
        w.start()
        rcs.wait_until(lambda: len(w.acked) > 300, timeout=20, what="writes")
        s.kill()
        w.join(10)
        acked = [i for i, _ in w.acked]
        s2 = self.node(15000, ["--appendfsync", "always"]).start()
        self.wait_loaded(s2)
        c = s2.client()
        pipe = c.pipeline(transaction=False)
        for i in acked:
            pipe.get("k%d" % i)
        values = pipe.execute()
        missing = [i for i, v in zip(acked, values) if v != str(i).encode()]
        self.assertEqual(missing, [], "acknowledged writes lost with appendfsync always")
        self.assertIn("DB loaded from append only file", s2.log())

    def test_kill9_appendfsync_everysec_loses_at_most_two_seconds(self):
        s = self.node(15001, ["--appendfsync", "everysec"]).start()
        w = Writer(15001)
        w.start()
        time.sleep(3.0)
        killed_at = time.monotonic()
        s.kill()
        w.join(10)
        s2 = self.node(15001).start()
        self.wait_loaded(s2)
        c = s2.client()
        old = [i for i, t in w.acked if t < killed_at - 2.2]
        self.assertGreater(len(old), 50)
        pipe = c.pipeline(transaction=False)
        for i in old:
            pipe.get("k%d" % i)
        missing = [i for i, v in zip(old, pipe.execute()) if v is None]
        self.assertEqual(missing, [], "writes older than ~2 s lost with everysec")

    def test_truncated_tail_loads_damaged_middle_refuses_check_aof_fixes(self):
        s = self.node(15002, ["--appendfsync", "always"]).start()  # everything on disk before the kill
        c = s.client()
        for i in range(200):
            c.set("k%d" % i, i)
        c.rpush("l", *range(10))
        s.kill()
        incr = os.path.join(self.dir, AOF_DIR, "appendonly.aof.1.incr.aof")
        # A crash in the middle of an append.
        with open(incr, "ab") as f:
            f.write(b"*3\r\n$3\r\nSET\r\n$7\r\npartial\r\n$3\r\nva")
        s2 = self.node(15002).start()
        self.wait_loaded(s2)
        self.assertEqual(s2.client().dbsize(), 201)
        self.assertIn("short read while loading the AOF file appendonly.aof.1.incr.aof", s2.log())
        self.assertIn("AOF loaded anyway because aof-load-truncated is enabled", s2.log())
        s2.client().set("after", "1")  # appends after the cut: the file is whole again
        s2.kill()
        self.assertEqual(subprocess.run([REDIS_CHECK_AOF, os.path.join(self.dir, AOF_DIR, MANIFEST)],
                                        capture_output=True).returncode, 0)
        # Damage in the middle: the node refuses to start and says where and what to do.
        with open(incr, "rb") as f:
            data = bytearray(f.read())
        at = data.find(b"$3\r\nk50\r\n")
        data[at] = ord("?")
        with open(incr, "wb") as f:
            f.write(bytes(data))
        s3 = self.node(15002)
        s3.start(wait=False)
        rc = s3.proc.wait(timeout=20)
        self.assertEqual(rc, 1)
        log = s3.log()
        self.assertIn("Bad file format reading the append only file appendonly.aof.1.incr.aof at offset", log)
        self.assertIn("--check-aof", log)
        manifest = os.path.join(self.dir, AOF_DIR, MANIFEST)
        r = subprocess.run([rcs.NODE_BIN, "--check-aof", manifest], capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("is not valid. Use the --fix option", r.stdout)
        r = subprocess.run([rcs.NODE_BIN, "--check-aof", manifest, "--fix"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn("Successfully truncated AOF appendonly.aof.1.incr.aof", r.stdout)
        s4 = self.node(15002).start()
        self.wait_loaded(s4)
        self.assertEqual(s4.client().get("k49"), b"49")  # everything before the damage

    def test_rewrite_under_writer_shrinks_and_loses_nothing(self):
        s = self.node(15003, ["--auto-aof-rewrite-percentage", "0", "--appendfsync", "always"]).start()
        c = s.client()
        for _ in range(20):  # many overwrites of 500 keys: a rewrite keeps only the last values
            pipe = c.pipeline(transaction=False)
            for i in range(2000):
                pipe.set("over%d" % (i % 500), i)
            pipe.execute()
        before = aof_size(self.dir)
        w = Writer(15003, prefix="w", overwrite_keys=200)
        w.start()
        rcs.wait_until(lambda: len(w.acked) > 100, timeout=10, what="writes")
        self.assertEqual(s.cli("BGREWRITEAOF").strip(), "Background append only file rewriting started")
        rcs.wait_until(lambda: info(s)["aof_rewrites"] == "1" and info(s)["aof_rewrite_in_progress"] == "0",
                       timeout=20, what="the rewrite")
        time.sleep(0.3)
        w.stop.set()
        w.join(10)
        self.assertEqual(w.errors, [])
        self.assertEqual(info(s)["aof_last_bgrewrite_status"], "ok")
        files = aof_files(self.dir)
        self.assertEqual(files, ["appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof", MANIFEST])
        self.assertLess(os.path.getsize(os.path.join(self.dir, AOF_DIR, "appendonly.aof.2.base.rdb")), before / 10)
        self.assertLess(aof_size(self.dir), before)
        s.kill()
        s2 = self.node(15003).start()
        self.wait_loaded(s2)
        c2 = s2.client()
        last = {}
        for i, _ in w.acked:
            last[i % 200] = i
        pipe = c2.pipeline(transaction=False)
        for j in sorted(last):
            pipe.get("w%d" % j)
        lost = [j for j, v in zip(sorted(last), pipe.execute()) if v != str(last[j]).encode()]
        self.assertEqual(lost, [])
        self.assertEqual(c2.get("over499"), b"1999")

    def test_automatic_rewrite_on_growth(self):
        s = self.node(15009, ["--auto-aof-rewrite-percentage", "100", "--auto-aof-rewrite-min-size", "64kb"]).start()
        c = s.client()
        for _ in range(10):
            pipe = c.pipeline(transaction=False)
            for i in range(1000):
                pipe.set("k%d" % (i % 100), "x" * 20)
            pipe.execute()
        rcs.wait_until(lambda: int(info(s)["aof_rewrites"]) >= 1 and info(s)["aof_rewrite_in_progress"] == "0",
                       timeout=20, what="an automatic rewrite")
        self.assertIn("Starting automatic rewriting of AOF on", s.log())
        self.assertLess(int(info(s)["aof_base_size"]), 64 * 1024)
        self.assertGreater(int(info(s, "stats")["total_forks"]), 0)

    def fill(self, c, n):
        for start in range(0, n, 5000):
            pipe = c.pipeline(transaction=False)
            for i in range(start, min(n, start + 5000)):
                pipe.set("key:%d" % i, "v" * 50)
            pipe.execute()

    def test_kill9_during_rewrite_and_right_after_the_switch_both_load(self):
        n = 200000
        s = self.node(15004, ["--auto-aof-rewrite-percentage", "0"]).start()
        self.fill(s.client(), n)
        s.cli("BGREWRITEAOF")
        s.kill()  # during the rewrite (the child dies with its parent)
        s2 = self.node(15004, ["--auto-aof-rewrite-percentage", "0"]).start()
        self.wait_loaded(s2)
        self.assertEqual(s2.client().dbsize(), n)
        s2.client().set("extra", "1")
        s2.cli("BGREWRITEAOF")
        manifest = os.path.join(self.dir, AOF_DIR, MANIFEST)

        def switched():
            with open(manifest) as f:
                return "appendonly.aof.2.base.rdb" in f.read()
        rcs.wait_until(switched, timeout=30, interval=0.002, what="the manifest switch")
        s2.kill()  # right after the switch, maybe before the history files are gone
        s3 = self.node(15004).start()
        self.wait_loaded(s3)
        self.assertEqual(s3.client().dbsize(), n + 1)
        self.assertEqual(s3.client().get("extra"), b"1")

    def test_config_set_appendonly_at_run_time_writes_a_base_first(self):
        s = self.node(15005, ["--appendonly", "no", "--appendfsync", "always"]).start()
        c = s.client()
        for i in range(1000):
            c.set("k%d" % i, i)
        self.assertEqual(info(s)["aof_enabled"], "0")
        self.assertEqual(s.cli("CONFIG", "SET", "appendonly", "yes").strip(), "OK")
        rcs.wait_until(lambda: info(s)["aof_enabled"] == "1" and info(s)["aof_rewrite_in_progress"] == "0" and
                       os.path.exists(os.path.join(self.dir, AOF_DIR, MANIFEST)), timeout=20, what="the base")
        c.set("after", "x")
        s.kill()
        with open(os.path.join(self.dir, AOF_DIR, MANIFEST)) as f:
            self.assertIn("appendonly.aof.1.base.rdb", f.read())
        s2 = self.node(15005).start()
        self.wait_loaded(s2)
        self.assertEqual(s2.client().dbsize(), 1001)
        self.assertEqual(s2.cli("CONFIG", "SET", "appendonly", "no").strip(), "OK")
        rcs.wait_until(lambda: info(s2)["aof_enabled"] == "0", timeout=5, what="the AOF to stop")

    def test_interop_with_redis_server_and_redis_check_aof(self):
        ours = os.path.join(self.dir, "ours")
        os.makedirs(ours)
        s = self.node(15006, workdir=ours).start()
        c = s.client()
        c.set("s", "v")
        c.set("ttl", "x", ex=1000)
        c.rpush("l", "a", "b", "c")
        c.hset("h", mapping={"f": "1", "g": "2"})
        c.sadd("set", "m1", "m2")
        c.zadd("z", {"a": 1.5, "b": -2})
        c.incrby("n", 42)
        tx = c.pipeline(transaction=True)
        tx.set("t1", "1").incr("t2")
        tx.execute()
        s.cli("BGREWRITEAOF")
        rcs.wait_until(lambda: info(s)["aof_rewrites"] == "1", timeout=10, what="the rewrite")
        c.set("after_rewrite", "1")
        s.stop()
        r = subprocess.run([REDIS_CHECK_AOF, os.path.join(ours, AOF_DIR, MANIFEST)], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("All AOF files and manifest are valid", r.stdout)

        def contents(cl):
            return (cl.get("s"), cl.ttl("ttl") > 900, cl.lrange("l", 0, -1), cl.hgetall("h"), cl.smembers("set"),
                    cl.zrange("z", 0, -1, withscores=True), cl.get("n"), cl.get("t1"), cl.get("t2"),
                    cl.get("after_rewrite"), cl.dbsize())
        ref = rcs.Server(15007, binary=rcs.REDIS_SERVER, workdir=ours,
                         args=["--appendonly", "yes", "--aof-use-rdb-preamble", "no"])
        self.servers.append(ref)
        ref.start()
        rcs.wait_until(lambda: info(ref)["loading"] == "0", timeout=20, what="redis-server to load")
        expected = (b"v", True, [b"a", b"b", b"c"], {b"f": b"1", b"g": b"2"}, {b"m1", b"m2"},
                    [(b"b", -2.0), (b"a", 1.5)], b"42", b"1", b"1", b"1", 10)
        self.assertEqual(contents(ref.client()), expected)
        # redis-server's own files (it appended, and rewrites without an RDB preamble) load into our node.
        rc = ref.client()
        rc.set("from_redis", "yes")
        ref.cli("BGREWRITEAOF")
        rcs.wait_until(lambda: info(ref)["aof_rewrite_in_progress"] == "0" and info(ref)["aof_rewrites"] == "1",
                       timeout=20, what="redis-server's rewrite")
        rc.lpush("l", "z")
        ref.cli("SHUTDOWN", check=False)
        ref.proc.wait(timeout=10)
        s2 = self.node(15006, workdir=ours).start()
        self.wait_loaded(s2)
        c2 = s2.client()
        self.assertEqual(c2.get("from_redis"), b"yes")
        self.assertEqual(c2.lrange("l", 0, -1), [b"z", b"a", b"b", b"c"])
        self.assertEqual(c2.dbsize(), 11)

    def test_restarted_replica_continues_with_a_partial_resync(self):
        master = rcs.Server(15010, args=["--appendonly", "yes"])
        self.servers.append(master)
        master.start()
        m = master.client()
        for i in range(500):
            m.set("k%d" % i, i)
        rdir = os.path.join(self.dir, "replica")
        os.makedirs(rdir)
        replica = self.node(15011, ["--replicaof", "127.0.0.1", "15010", "--appendfsync", "always"],
                            workdir=rdir).start()
        rcs.wait_until(lambda: info(replica, "replication").get("master_link_status") == "up", timeout=10,
                       what="the replica's link")
        for i in range(500, 1000):
            m.set("k%d" % i, i)
        rcs.wait_until(lambda: info(replica, "replication")["slave_repl_offset"] ==
                       info(master, "replication")["master_repl_offset"], timeout=10, what="the replica to catch up")
        # The full sync's data is in the replica's AOF once the base written after it is in the manifest.
        rcs.wait_until(lambda: int(info(replica)["aof_rewrites"]) >= 1 and info(replica)["aof_rewrite_in_progress"] == "0",
                       timeout=20, what="the replica's new AOF base")
        # Under a stream of writes the position mark is written at most every 100 ms, and by the cron once the
        # stream pauses: a kill -9 before that leaves commands after the last mark, an unknown position and,
        # rightly, a full resync (the clean-clone run that killed it 40 ms after the last write got one).
        # Wait for the mark of the final offset, so the kill is of a node that knows its position.
        offset = info(master, "replication")["master_repl_offset"]
        rcs.wait_until(lambda: aof_ends_with_mark(rdir, offset), timeout=10,
                       what="the replica's AOF to end with its replication position (offset %s)" % offset)
        replica.kill()
        for i in range(1000, 1500):  # written while the replica is down: still in the master's backlog
            m.set("k%d" % i, i)
        full_before = int(info(master, "stats")["sync_full"])
        partial_before = int(info(master, "stats")["sync_partial_ok"])
        r = subprocess.run([REDIS_CHECK_AOF, os.path.join(rdir, AOF_DIR, MANIFEST)], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout)  # our replication marks are annotations Redis skips
        replica2 = self.node(15011, ["--replicaof", "127.0.0.1", "15010"], workdir=rdir).start()
        rcs.wait_until(lambda: info(replica2, "replication").get("master_link_status") == "up", timeout=20,
                       what="the restarted replica's link")
        rcs.wait_until(lambda: replica2.client().dbsize() == 1500, timeout=10, what="the keys written meanwhile")
        self.assertEqual(int(info(master, "stats")["sync_partial_ok"]), partial_before + 1, replica2.log() + master.log())
        self.assertEqual(int(info(master, "stats")["sync_full"]), full_before)
        self.assertIn("Replication position restored from the AOF", replica2.log())
        self.assertEqual(replica2.client().get("k1499"), b"1499")

    def test_full_sync_streamed_by_a_child_under_a_writer(self):
        master = rcs.Server(15012, args=["--appendonly", "no"])
        self.servers.append(master)
        master.start()
        self.fill(master.client(), 100000)
        w = Writer(15012, prefix="during")
        w.start()
        rcs.wait_until(lambda: len(w.acked) > 50, timeout=10, what="writes")
        rdir = os.path.join(self.dir, "replica-fs")
        os.makedirs(rdir)
        replica = self.node(15013, ["--appendonly", "no"], workdir=rdir).start()
        replica.cli("REPLICAOF", "127.0.0.1", "15012")
        rcs.wait_until(lambda: info(replica, "replication").get("master_link_status") == "up", timeout=30,
                       what="the replica's link")
        time.sleep(0.3)
        w.stop.set()
        w.join(10)
        rcs.wait_until(lambda: info(replica, "replication")["slave_repl_offset"] ==
                       info(master, "replication")["master_repl_offset"], timeout=20, what="the offsets to agree")
        self.assertEqual(replica.client().dbsize(), master.client().dbsize())
        rc = replica.client()
        pipe = rc.pipeline(transaction=False)
        for i, _ in w.acked:
            pipe.get("during%d" % i)
        self.assertEqual([i for (i, _), v in zip(w.acked, pipe.execute()) if v != str(i).encode()], [])
        self.assertIn("snapshot streamed by a child", master.log())

    @unittest.skipUnless(os.geteuid() == 0, "mounting a tmpfs needs root")
    def test_disk_full_refuses_writes_keeps_reads_and_resumes(self):
        mnt = os.path.join(self.dir, "small")
        os.makedirs(mnt)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt], capture_output=True, text=True)
        if r.returncode != 0:
            self.skipTest("cannot mount a tmpfs: " + r.stderr)
        try:
            filler = os.path.join(mnt, "filler")
            with open(filler, "wb") as f:
                f.write(b"x" * (1200 * 1024))
            s = self.node(15008, ["--appendfsync", "always"], workdir=mnt).start()
            w = Writer(15008, prefix="full")
            w.start()
            rcs.wait_until(lambda: info(s)["aof_last_write_status"] == "err", timeout=30, what="the disk to fill")
            c = s.client()
            with self.assertRaises(redis.exceptions.ResponseError) as refused:
                c.set("more", "1")
            self.assertTrue(str(refused.exception).startswith(
                "MISCONF Errors writing to the AOF file: No space left on device"), str(refused.exception))
            self.assertEqual(c.get("full0"), b"0")  # reads work
            acked_while_full = len(w.acked)
            os.unlink(filler)
            rcs.wait_until(lambda: info(s)["aof_last_write_status"] == "ok", timeout=10, what="the AOF to recover")
            rcs.wait_until(lambda: len(w.acked) > acked_while_full + 100, timeout=10, what="writes to resume")
            self.assertEqual(c.set("more", "1"), True)
            w.stop.set()
            w.join(10)
            s.kill()
            s2 = self.node(15008, workdir=mnt).start()
            self.wait_loaded(s2)
            c2 = s2.client()
            pipe = c2.pipeline(transaction=False)
            for i, _ in w.acked:
                pipe.get("full%d" % i)
            missing = [i for (i, _), v in zip(w.acked, pipe.execute()) if v != str(i).encode()]
            self.assertEqual(missing, [], "acknowledged writes lost after the disk was full")
            self.assertEqual(c2.get("more"), b"1")
            s2.stop()
        finally:
            for s in self.servers:
                s.kill()
            subprocess.run(["umount", "-l", mnt], capture_output=True)


if __name__ == "__main__":
    rcs.run_tests()
