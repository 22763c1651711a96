"""The RDB saver at work (ports 20400-20403): the `save <seconds> <changes>` schedule starts a BGSAVE from the
cron and the rdb_* fields of INFO persistence move as redis-server 7.0.15's do; a BGSAVE onto a full disk (a
small tmpfs mounted in a private mount namespace: root only) refuses writes and PING with redis-server's
-MISCONF until a save succeeds, and nothing acknowledged before is lost; SHUTDOWN SAVE writes dump.rdb,
SHUTDOWN NOSAVE does not, a plain SHUTDOWN saves when save points are configured.

Exit code 77 (skipped) when the full-disk test cannot run (not root, or no mount namespace), after the other
tests passed."""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402
from rcs_wait import LogTailResult  # noqa: E402

SCHEDULE, DISK, SHUT, SHUT2 = 20400, 20401, 20402, 20403
NS_ENV = "RCS_RDB_OPS_IN_NAMESPACE"

MISCONF = ("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. "
           "Commands that may modify the data set are disabled, because this instance is configured to report "
           "errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check "
           "the Redis logs for details about the RDB error.")

# `redis-cli INFO persistence` of Debian's redis-server 7.0.15: the rdb_* fields, in this order.
RDB_FIELDS = ["rdb_changes_since_last_save", "rdb_bgsave_in_progress", "rdb_last_save_time",
              "rdb_last_bgsave_status", "rdb_last_bgsave_time_sec", "rdb_current_bgsave_time_sec", "rdb_saves",
              "rdb_last_cow_size", "rdb_last_load_keys_expired", "rdb_last_load_keys_loaded"]


def rdb_info(server):
    out = {}
    order = []
    for line in server.cli("INFO", "persistence").splitlines():
        if line.startswith("rdb_"):
            k, v = line.strip().split(":", 1)
            out[k] = v
            order.append(k)
    return out, order


def in_namespace():
    return os.environ.get(NS_ENV) == "1"


class RdbOpsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rcs-rdb-ops-")
        self.servers = []
        self.mounts = []

    def tearDown(self):
        for s in self.servers:
            s.stop()
        for m in self.mounts:
            subprocess.run(["umount", m], capture_output=True, timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)

    def server(self, port, subdir, args=()):
        d = os.path.join(self.dir, subdir)
        os.makedirs(d, exist_ok=True)
        s = rcs.Server(port, args=list(args), workdir=d)
        self.servers.append(s)
        return s

    def wait_bgsave_done(self, server):
        rcs.wait_until(lambda: rdb_info(server)[0]["rdb_bgsave_in_progress"] == "0", timeout=30,
                       what="the BGSAVE to finish")

    def test_schedule_fires_and_info_moves(self):
        s = self.server(SCHEDULE, "schedule", ["--save", "1 1"]).start()
        info, order = rdb_info(s)
        self.assertEqual(order, RDB_FIELDS)
        self.assertEqual(s.cli("CONFIG", "GET", "save").split(), ["save", "1", "1"])
        self.assertEqual(info["rdb_saves"], "0")
        self.assertEqual(info["rdb_last_bgsave_time_sec"], "-1")
        self.assertEqual(info["rdb_last_bgsave_status"], "ok")
        self.assertEqual(info["rdb_changes_since_last_save"], "0")
        start_time = int(info["rdb_last_save_time"])
        path = os.path.join(s.dir, "dump.rdb")
        self.assertFalse(os.path.exists(path))

        c = s.client()
        for i in range(100):
            c.set("k%d" % i, "v%d" % i)
        # The cron saves once more than a second has passed since the last save with at least one change.
        rcs.wait_until(lambda: rdb_info(s)[0]["rdb_saves"] != "0", timeout=15, what="the scheduled BGSAVE")
        self.assertIn("changes in 1 seconds. Saving...", s.log())
        self.wait_bgsave_done(s)
        info, _ = rdb_info(s)
        self.assertEqual(info["rdb_last_bgsave_status"], "ok")
        self.assertEqual(info["rdb_changes_since_last_save"], "0")
        self.assertGreaterEqual(int(info["rdb_last_bgsave_time_sec"]), 0)
        self.assertEqual(info["rdb_current_bgsave_time_sec"], "-1")
        self.assertGreater(int(info["rdb_last_save_time"]), start_time)
        self.assertTrue(os.path.exists(path))

        # A restart on a file with a key that expired meanwhile: rdb_last_load_keys_loaded and _expired.
        # (No more scheduled saves: the key's expiry would be a change that a later file leaves out.)
        self.assertTrue(c.config_set("save", ""))
        c.set("expiring", "x", px=1500)
        self.assertTrue(c.save())
        c.close()
        time.sleep(1.6)
        s.kill()
        s.start()
        info, _ = rdb_info(s)
        self.assertEqual(info["rdb_last_load_keys_loaded"], "100")
        self.assertEqual(info["rdb_last_load_keys_expired"], "1")
        self.assertEqual(s.cli("DBSIZE").strip(), "100")

        # BGSAVE SCHEDULE with no AOF rewrite running starts at once, as redis-server.
        self.assertEqual(s.cli("BGSAVE", "SCHEDULE").strip(), "Background saving started")
        self.wait_bgsave_done(s)
        self.assertEqual(s.cli("BGSAVE", "NOW").strip(), "ERR syntax error")

    def test_full_disk_misconf_until_a_save_succeeds(self):
        if not in_namespace():
            self.skipTest("needs root and a private mount namespace (unshare --mount)")
        disk = os.path.join(self.dir, "disk")
        os.makedirs(disk)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1M", "tmpfs", disk], check=True, timeout=30)
        self.mounts.append(disk)
        # Save points configured (MISCONF needs them) but far away: only our BGSAVEs run.
        s = self.server(DISK, "disk-log", ["--dir", disk, "--save", "3600 1", "--rdbcompression", "no"]).start()
        c = s.client()
        acked = {}
        for i in range(300):
            v = os.urandom(1024).hex()
            self.assertTrue(c.set("key:%d" % i, v))
            acked["key:%d" % i] = v
        # Fill the disk: a filler file leaves less room than the ~600 kB snapshot needs.
        filler = os.path.join(disk, "filler")
        with open(filler, "wb") as f:
            try:
                f.write(b"\0" * (1024 * 1024))
            except OSError:
                pass
        self.assertEqual(s.cli("BGSAVE").strip(), "Background saving started")
        self.wait_bgsave_done(s)
        info, _ = rdb_info(s)
        self.assertEqual(info["rdb_last_bgsave_status"], "err")
        self.assertEqual(info["rdb_saves"], "1")
        self.assertEqual(sorted(f for f in os.listdir(disk) if f.startswith("temp-")), [])

        self.assertEqual(s.cli("SET", "after", "x").strip(), MISCONF)
        self.assertEqual(s.cli("PING").strip(), MISCONF)
        self.assertEqual(s.cli("DEL", "key:0").strip(), MISCONF)
        self.assertEqual(s.cli("GET", "key:1").strip(), acked["key:1"])  # reads keep working
        # A failed SAVE keeps the refusal (redis-server 7.0.15 does too).
        self.assertEqual(s.cli("SAVE").strip(), "ERR")
        self.assertEqual(s.cli("SET", "after", "x").strip(), MISCONF)

        # Space again: still refused until a save succeeds, then writes resume.
        os.unlink(filler)
        self.assertEqual(s.cli("SET", "after", "x").strip(), MISCONF)
        self.assertEqual(s.cli("BGSAVE").strip(), "Background saving started")
        self.wait_bgsave_done(s)
        self.assertEqual(rdb_info(s)[0]["rdb_last_bgsave_status"], "ok")
        self.assertEqual(s.cli("SET", "after", "x").strip(), "OK")
        self.assertEqual(s.cli("PING").strip(), "PONG")

        # Nothing acknowledged is lost: the file has every key written before the failure.
        s.kill()
        s.start()
        c = s.client()
        self.assertEqual(c.dbsize(), len(acked))
        for k in ("key:0", "key:150", "key:299"):
            self.assertEqual(c.get(k).decode(), acked[k])
        c.close()

    def shutdown(self, s, *args):
        s.cli("SHUTDOWN", *args, check=False)
        s.proc.wait(timeout=30)
        rcs.untrack(s)

    def test_shutdown_save_and_nosave(self):
        # save "": SHUTDOWN SAVE writes the file, a plain SHUTDOWN does not.
        a = self.server(SHUT, "shut-a").start()
        a.cli("SET", "a", "1")
        self.shutdown(a)
        self.assertFalse(os.path.exists(os.path.join(a.dir, "dump.rdb")))
        a.start()
        self.assertEqual(a.cli("DBSIZE").strip(), "0")
        a.cli("SET", "a", "1")
        self.shutdown(a, "SAVE")
        self.assertTrue(os.path.exists(os.path.join(a.dir, "dump.rdb")))
        a.start()
        self.assertEqual(a.cli("GET", "a").strip(), "1")

        # Save points configured: SHUTDOWN NOSAVE does not write, a plain SHUTDOWN does.
        b = self.server(SHUT2, "shut-b", ["--save", "3600 1"]).start()
        b.cli("SET", "b", "1")
        self.shutdown(b, "NOSAVE")
        self.assertFalse(os.path.exists(os.path.join(b.dir, "dump.rdb")))
        b.start()
        self.assertEqual(b.cli("DBSIZE").strip(), "0")
        self.assertEqual(b.cli("SHUTDOWN", "SAVE", "NOSAVE").strip(), "ERR syntax error")
        b.cli("SET", "b", "2")
        self.shutdown(b)
        self.assertIn("Saving the final RDB snapshot before exiting.", b.log())
        b.start()
        self.assertEqual(b.cli("GET", "b").strip(), "2")


def main():
    if os.geteuid() == 0 and not in_namespace() and shutil.which("unshare"):
        probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True,
                               timeout=30)
        if probe.returncode == 0:
            env = dict(os.environ, **{NS_ENV: "1"})
            r = subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable,
                                os.path.abspath(__file__)] + sys.argv[1:], env=env)
            sys.exit(r.returncode)
    prog = unittest.main(testRunner=unittest.TextTestRunner(resultclass=LogTailResult, verbosity=2), exit=False)
    result = prog.result
    if result.testsRun == 0:
        print("error: no test ran", file=sys.stderr)
        sys.exit(1)
    if not result.wasSuccessful():
        sys.exit(1)
    sys.exit(77 if result.skipped else 0)


if __name__ == "__main__":
    main()
