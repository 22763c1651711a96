"""SAVE, BGSAVE and LASTSAVE writing dump.rdb (ports 20320-20323): Debian's redis-check-rdb accepts the file,
Debian's redis-server 7.0.15 started on it has every key with equal content and expiry, and our node restarted
with appendonly no loads it back. The keys are the differential DUMP test's set (every type, small and large
encodings) plus keys with a TTL."""
import os
import re
import signal
import shutil
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
sys.path.insert(0, os.path.dirname(__file__))
import rcs  # noqa: E402
from test_dump_restore_differential import build_commands, contents  # noqa: E402

OURS, REF, OURS_AGAIN = 20320, 20321, 20322


def snapshot(client):
    keys = sorted(k.decode("latin-1") for k in client.keys("*"))
    # Contents without OBJECT ENCODING for strings (int/embstr/raw depend on how the value was made).
    out = {}
    for k in keys:
        t, enc, v = contents(client, k)
        out[k] = (t, enc if t != "string" else None, v, client.execute_command("PEXPIRETIME", k) > 0)
    return out


class RdbSaveTest(rcs.ServersTestCase):
    DIR_PREFIX = "rcs-rdb-save-"

    def test_save_bgsave_checked_loaded_by_redis_server_and_by_us(self):
        ours = self.server(OURS, "ours").start()
        c = ours.client()
        for _, _, cmds in build_commands():
            for cmd in cmds:
                c.execute_command(*cmd)
        c.set("ttl:str", "v", px=3600 * 1000)
        c.rpush("ttl:list", "a", "b")
        c.pexpireat("ttl:list", int(time.time() * 1000) + 7200 * 1000)
        c.set("gone", "x", px=1)
        time.sleep(0.05)
        want = snapshot(c)
        self.assertNotIn("gone", want)

        before = c.lastsave()
        self.assertTrue(c.save())
        path = os.path.join(ours.dir, "dump.rdb")
        report = rcs.check_rdb(path)
        self.assertIn("[info] %d keys read" % len(want), report)
        self.assertGreaterEqual(c.lastsave(), before)
        self.assertEqual(sorted(f for f in os.listdir(ours.dir) if f.startswith("temp-")), [])

        # BGSAVE after a change: LASTSAVE moves on once the child finished, and the file has the change.
        saved_at = c.lastsave()
        rcs.wait_until(lambda: int(time.time()) > int(saved_at.timestamp()), timeout=3, what="the next second")
        c.set("after:save", "1")
        want["after:save"] = ("string", None, b"1", False)
        self.assertEqual(ours.cli("BGSAVE").strip(), "Background saving started")
        rcs.wait_until(lambda: c.lastsave() > saved_at, timeout=60, what="BGSAVE to finish (LASTSAVE)")
        self.assertIn("Background saving terminated with success", ours.log())
        report = rcs.check_rdb(path)
        self.assertIn("[info] %d keys read" % len(want), report)
        self.assertEqual(sorted(f for f in os.listdir(ours.dir) if f.startswith("temp-")), [])
        self.assertEqual(snapshot(c), want)  # the parent's data set is untouched

        # Debian's redis-server 7.0.15 loads our file.
        ref = self.server(REF, "ref", binary=rcs.REDIS_SERVER)
        shutil.copy(path, os.path.join(ref.dir, "dump.rdb"))
        ref.start()
        self.assertEqual(snapshot(ref.client()), want)
        self.assertIn("DB loaded from disk", ref.log())

        # Our node restarted with appendonly no loads it back.
        ours.stop()
        again = self.server(OURS_AGAIN, "ours")
        again.start()
        self.assertEqual(snapshot(again.client()), want)
        self.assertIn("DB loaded from disk", again.log())

    def test_bgsave_and_save_refused_while_a_bgsave_runs(self):
        ours = self.server(OURS + 3, "busy").start()
        c = ours.client()
        # Enough data (about 20 MB) that the child writes for a while after the BGSAVE reply.
        pipe = c.pipeline(transaction=False)
        for i in range(100):
            pipe.rpush("list:%d" % i, *["element-%d-%010d" % (i, j) for j in range(10000)])
        for i in range(16):
            pipe.set("blob:%d" % i, b"x" * (1 << 20))
        pipe.execute()
        self.assertEqual(rcs.info(ours, "persistence")["rdb_last_cow_size"], "0")
        self.assertEqual(ours.cli("BGSAVE").strip(), "Background saving started")
        # The child is held stopped (found by the pid the log names) so that it is certainly still running.
        pid = int(rcs.wait_until(lambda: re.search(r"Background saving started by pid (\d+)", ours.log()),
                                 timeout=10, what="the BGSAVE child's pid").group(1))
        os.kill(pid, signal.SIGSTOP)

        def state():
            with open("/proc/%d/stat" % pid) as f:
                return f.read().rsplit(")", 1)[1].split()[0]
        # A stopped child ("T"); a zombie ("Z") would mean it had finished before it could be held.
        rcs.wait_until(lambda: state() in ("T", "Z"), timeout=5, what="the BGSAVE child to stop")
        self.assertEqual(state(), "T", "the BGSAVE child finished before it could be held")
        try:
            busy = "ERR Background save already in progress"
            self.assertEqual(ours.cli("BGSAVE").strip(), busy)
            self.assertEqual(ours.cli("SAVE").strip(), busy)
            self.assertEqual(ours.cli("PING").strip(), "PONG")  # the event loop is not blocked meanwhile
            # 16 MB rewritten in place while the child holds the old pages: copy-on-write the child reports.
            for i in range(16):
                c.setrange("blob:%d" % i, 0, b"y" * (1 << 20))
        finally:
            os.kill(pid, signal.SIGCONT)  # wakes the child
        rcs.wait_until(lambda: "Background saving terminated with success" in ours.log(), timeout=60,
                       what="BGSAVE to finish")
        cow = int(rcs.info(ours, "persistence")["rdb_last_cow_size"])
        self.assertGreaterEqual(cow, 8 << 20, "rdb_last_cow_size %d after 16 MB were rewritten during the save" % cow)
        self.assertIn("RDB: %d MB of memory used by copy-on-write" % (cow >> 20), ours.log())
        rcs.check_rdb(os.path.join(ours.dir, "dump.rdb"))
        self.assertEqual(ours.cli("SAVE").strip(), "OK")


if __name__ == "__main__":
    unittest.main(verbosity=2)
