"""DEBUG against Debian's redis-server 7.0.15 side by side (ports 20700-20711).

The same command sequence (every type we have, small and large encodings, integers, bitmaps, HyperLogLogs,
TTLs) goes to our node and to redis-server, both with --enable-debug-command yes; then DEBUG DIGEST and
DEBUG DIGEST-VALUE of every key must be the same 40 hex digits. DEBUG RELOAD keeps the digest; a replica's
digest equals its master's after writes (our node replicating from ours, and redis-server replicating from
ours); the same data in two encodings has one digest; the enable-debug-command refusals and DEBUG's other
error replies are compared byte for byte."""
import os
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
sys.path.insert(0, os.path.dirname(__file__))
import rcs  # noqa: E402
from test_dump_restore_differential import build_commands  # noqa: E402

OURS, REF, OURS_REPLICA, REF_REPLICA = 20700, 20701, 20702, 20703
OURS_NO, REF_NO, OURS_LOCAL, REF_LOCAL = 20704, 20705, 20706, 20707
OURS_ENC, REF_ENC = 20708, 20709
OURS_BG, REF_BG = 20710, 20711
ZERO = "0" * 40
DEBUG_ON = ["--enable-debug-command", "yes"]


def extra_commands():
    """What build_commands() lacks: bitmaps, integers changed in place, conversions, TTLs on every type."""
    cmds = [
        ["SETBIT", "bm:small", "7", "1"], ["SETBIT", "bm:small", "100", "1"],
        ["SETBIT", "bm:large", "400000", "1"], ["SETBIT", "bm:large", "3", "1"],
        ["BITFIELD", "bm:field", "SET", "i16", "#3", "-1234", "INCRBY", "u8", "0", "300"],
        ["SET", "counter", "10"], ["INCRBY", "counter", "-25"], ["INCRBYFLOAT", "float", "1.25"],
        ["APPEND", "appended", "12"], ["APPEND", "appended", "34"], ["SETRANGE", "ranged", "5", "xyz"],
        ["SADD", "set:converted", "1", "2", "3"], ["SADD", "set:converted", "three"],
        ["RPUSH", "list:popped", "a", "b", "c", "d", "1", "2"], ["LPOP", "list:popped"], ["RPOP", "list:popped"],
        ["LSET", "list:popped", "1", "replaced"],
        ["HSET", "hash:counted", "n", "5"], ["HINCRBY", "hash:counted", "n", "37"],
        ["HINCRBYFLOAT", "hash:counted", "f", "2.5"],
        ["ZADD", "zset:incr", "1", "a", "2", "b"], ["ZINCRBY", "zset:incr", "0.1", "a"],
        ["ZADD", "zset:incr", "3", "c"], ["ZREM", "zset:incr", "b"],
        ["PFADD", "hll:small", "a", "b", "c"],
        ["PFADD", "hll:merged1", "x", "y"], ["PFADD", "hll:merged2", "y", "z"],
        ["PFMERGE", "hll:merged", "hll:merged1", "hll:merged2"],
        # TTLs on small and large encodings of every type.
        ["SET", "ttl:str", "v", "EX", "3600"], ["SET", "ttl:int", "42", "PX", "7200000"],
        ["RPUSH", "ttl:list", "a", "b"], ["EXPIRE", "ttl:list", "3600"],
        ["SADD", "ttl:intset", "1", "2"], ["EXPIRE", "ttl:intset", "3600"],
        ["SADD", "ttl:set"] + ["m%d" % i for i in range(200)], ["EXPIRE", "ttl:set", "3600"],
        ["HSET", "ttl:hash", "f", "v"], ["EXPIRE", "ttl:hash", "3600"],
        ["HSET", "ttl:bighash"] + sum([["f%d" % i, "v%d" % i] for i in range(300)], []),
        ["EXPIRE", "ttl:bighash", "3600"],
        ["ZADD", "ttl:zset", "1", "a"], ["EXPIRE", "ttl:zset", "3600"],
        ["ZADD", "ttl:bigzset"] + sum([[str(i / 7), "m%d" % i] for i in range(300)], []),
        ["EXPIRE", "ttl:bigzset", "3600"],
        ["SETBIT", "ttl:bitmap", "1000", "1"], ["EXPIRE", "ttl:bitmap", "3600"],
        ["PFADD", "ttl:hll", "a"], ["EXPIRE", "ttl:hll", "3600"],
    ]
    return cmds


def all_commands():
    cmds = []
    for _, _, kc in build_commands():
        cmds += kc
    return cmds + extra_commands()


def text(reply):
    return reply.decode() if isinstance(reply, bytes) else reply


def digest(client):
    return text(client.execute_command("DEBUG", "DIGEST"))


def digest_values(client, keys):
    return [text(d) for d in client.execute_command("DEBUG", "DIGEST-VALUE", *keys)]


class DebugDigestTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.servers = []
        try:
            cls.ours = cls.start(OURS, DEBUG_ON)
            cls.ref = cls.start(REF, DEBUG_ON, rcs.REDIS_SERVER)
            cls.o, cls.r = cls.ours.client(), cls.ref.client()
            cls.empty = (digest(cls.o), digest(cls.r))
            for c in all_commands():
                a, b = cls.o.execute_command(*c), cls.r.execute_command(*c)
                assert a == b, (c[:3], a, b)
            cls.keys = sorted(k.decode("latin-1") for k in cls.r.keys("*"))
        except Exception:
            cls.stop_all()
            raise

    @classmethod
    def start(cls, port, args, binary=None, password=None):
        s = rcs.Server(port, args=args, binary=binary, password=password)
        cls.servers.append(s)
        return s.start()

    @classmethod
    def stop_all(cls):
        for s in cls.servers:
            s.stop()

    @classmethod
    def tearDownClass(cls):
        cls.stop_all()

    def test_1_empty_data_set_is_all_zeros(self):
        self.assertEqual(self.empty, (ZERO, ZERO))

    def test_2_every_key_and_the_data_set_digest_as_redis_server(self):
        self.assertEqual(sorted(k.decode("latin-1") for k in self.o.keys("*")), self.keys)
        self.assertGreater(len(self.keys), 60)
        for key in self.keys:
            with self.subTest(key=key):
                mine = digest_values(self.o, [key])
                self.assertEqual(mine, digest_values(self.r, [key]))
                self.assertNotEqual(mine, [ZERO])
        # Several keys in one call, a missing key (zeros), no key at all (an empty array).
        some = self.keys[:5] + ["no-such-key"] + self.keys[-3:]
        self.assertEqual(digest_values(self.o, some), digest_values(self.r, some))
        self.assertEqual(digest_values(self.o, ["no-such-key"]), [ZERO])
        self.assertEqual(self.o.execute_command("DEBUG", "DIGEST-VALUE"), [])
        self.assertEqual(digest(self.o), digest(self.r))
        # The replies are status replies, as redis-server's.
        with rcs.Resp(OURS) as ours, rcs.Resp(REF) as ref:
            for cmd in (["DEBUG", "DIGEST"], ["DEBUG", "DIGEST-VALUE", self.keys[0], "no-such-key"]):
                self.assertEqual(ours.call_raw(*cmd), ref.call_raw(*cmd))

    def test_3_reload_keeps_the_digest(self):
        before = digest(self.r)
        self.assertEqual(digest(self.o), before)
        for server, c in ((self.ours, self.o), (self.ref, self.r)):
            self.assertEqual(c.execute_command("DEBUG", "RELOAD"), b"OK")
            self.assertEqual(digest(c), before)
            self.assertTrue(os.path.exists(os.path.join(server.dir, "dump.rdb")))
        self.assertEqual(sorted(k.decode("latin-1") for k in self.o.keys("*")), self.keys)
        for key in ("ttl:str", "ttl:bighash", "ttl:bigzset"):
            self.assertGreater(self.o.ttl(key), 3000)
        # NOSAVE loads the file written above: a change made since is undone, as on redis-server.
        for c in (self.o, self.r):
            c.set("after-save", "x")
            self.assertNotEqual(digest(c), before)
            self.assertEqual(c.execute_command("DEBUG", "RELOAD", "NOSAVE"), b"OK")
            self.assertEqual(digest(c), before)
            self.assertIsNone(c.get("after-save"))
        # NOFLUSH MERGE: the file's keys replace ours, the others stay.
        for c in (self.o, self.r):
            c.set("str:0", "changed")
            c.set("merge-extra", "y")
            self.assertEqual(c.execute_command("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"), b"OK")
            self.assertEqual(c.get("str:0"), b"0")
            self.assertEqual(c.get("merge-extra"), b"y")
        self.assertEqual(digest(self.o), digest(self.r))
        for c in (self.o, self.r):
            c.delete("merge-extra")
        self.assertEqual(digest(self.o), before)
        with rcs.Resp(OURS) as ours, rcs.Resp(REF) as ref:
            cmd = ["DEBUG", "RELOAD", "NOSAVE", "BOGUS"]
            self.assertEqual(ours.call_raw(*cmd), ref.call_raw(*cmd))
        # Function libraries go through the file too: flushed and loaded back, replaced by a MERGE; loading a
        # library that exists (NOFLUSH without MERGE) fails, on both.
        lib = "#!lua name=reloadlib\nredis.register_function('reloadfn', function() return 7 end)"
        with rcs.Resp(OURS) as ours, rcs.Resp(REF) as ref:
            for cmd in (["FUNCTION", "LOAD", lib], ["DEBUG", "RELOAD"], ["FCALL", "reloadfn", "0"],
                        ["DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"], ["FCALL", "reloadfn", "0"],
                        ["DEBUG", "RELOAD", "NOSAVE", "NOFLUSH"], ["FUNCTION", "DELETE", "reloadlib"]):
                self.assertEqual(ours.call_raw(*cmd), ref.call_raw(*cmd), cmd)

    def test_4_replicas_have_their_masters_digest(self):
        """Our node and redis-server, each a replica of our node: equal digests after the full sync and
        after writes that keep coming."""
        ours_replica = self.start(OURS_REPLICA, DEBUG_ON)
        ref_replica = self.start(REF_REPLICA, DEBUG_ON, rcs.REDIS_SERVER)
        for rep in (ours_replica, ref_replica):
            self.assertEqual(rep.client().execute_command("REPLICAOF", "127.0.0.1", OURS), b"OK")
        for rep in (ours_replica, ref_replica):
            rcs.wait_until(lambda: rcs.info(rep, "replication").get("master_link_status") == "up", timeout=30,
                           what="replica %d to finish its full sync from %d" % (rep.port, OURS))
        # The same writes on redis-server, so that the later tests still compare equal data sets.
        for c in (self.o, self.r):
            for i in range(300):
                c.rpush("repl:list", "e%d" % i)
                c.hset("repl:hash", "f%d" % (i % 150), i)
                c.zadd("repl:zset", {"m%d" % i: i / 3})
                c.sadd("repl:set", i)
                c.set("repl:str:%d" % (i % 20), "v%d" % i, ex=3600)
                c.incr("repl:counter")
            c.delete("str:1")
            c.expire("hash:big", 3600)
        want = digest(self.o)
        self.assertEqual(want, digest(self.r))
        for rep in (ours_replica, ref_replica):
            c = rep.client()
            rcs.wait_until(lambda: digest(c) == want, timeout=20,
                           what="the digest of replica %d to be its master's %s" % (rep.port, want))
            self.assertEqual(digest_values(c, ["repl:list", "repl:hash", "repl:zset", "hash:big"]),
                             digest_values(self.o, ["repl:list", "repl:hash", "repl:zset", "hash:big"]))
        ours_replica.stop()
        ref_replica.stop()

    def test_5_set_active_expire(self):
        """With active expiry off an expired key stays stored (DBSIZE counts it, DEBUG DIGEST includes it,
        as Redis's); on again, the cron deletes it."""
        results = []
        for c in (self.o, self.r):
            self.assertEqual(c.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0"), b"OK")
            c.set("short-lived", "x", px=50)
            size = c.dbsize()
            time.sleep(0.5)  # ten cron ticks with nothing to delete it
            self.assertEqual(c.dbsize(), size)
            results.append(digest(c))
            self.assertEqual(c.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1"), b"OK")
            rcs.wait_until(lambda: c.dbsize() == size - 1, timeout=10, what="the active expiry to delete the key")
        self.assertEqual(results[0], results[1])
        self.assertEqual(digest(self.o), digest(self.r))

    def test_6_object_sleep_and_other_subcommands(self):
        for key in ("str:2", "str:big", "list:r7", "list:r3000", "set:i16", "set:big", "zset:small", "zset:big",
                    "hash:small", "hash:big", "counter"):
            with self.subTest(key=key):
                mine = text(self.o.execute_command("DEBUG", "OBJECT", key))
                theirs = text(self.r.execute_command("DEBUG", "OBJECT", key))
                fm = dict(f.split(":", 1) for f in mine.split(" ")[1:])
                ft = dict(f.split(":", 1) for f in theirs.split(" ")[1:])
                self.assertTrue(mine.startswith("Value at:0x"), mine)
                # Every field we print is one redis-server prints; only ql_uncompressed_size is left out.
                self.assertEqual(set(ft) - set(fm), {"ql_uncompressed_size"} if "ql_nodes" in ft else set())
                self.assertEqual(fm["encoding"], ft["encoding"])
                if key in ("str:2", "list:r7", "set:i16", "zset:small", "hash:small", "counter"):
                    self.assertEqual(fm["serializedlength"], ft["serializedlength"])
        with rcs.Resp(OURS) as ours, rcs.Resp(REF) as ref:
            for cmd in (["DEBUG", "OBJECT", "no-such-key"], ["DEBUG", "JMAP"], ["DEBUG", "DIGEST", "extra"],
                        ["DEBUG", "OBJECT"], ["DEBUG"], ["DEBUG", "ERROR", "MYERR something\nbad"],
                        ["DEBUG", "LOG", "hello from the test"], ["DEBUG", "SLEEP", "0"],
                        ["DEBUG", "POPULATE", "-1"], ["DEBUG", "POPULATE", "x"],
                        ["DEBUG", "POPULATE", "1", "p", "-5"]):
                with self.subTest(cmd=cmd):
                    self.assertEqual(ours.call_raw(*cmd), ref.call_raw(*cmd))
            # DEBUG HELP: redis-server's lines, less those of the subcommands we do not have.
            mine, theirs = ours.call("DEBUG", "HELP")[1], ref.call("DEBUG", "HELP")[1]
            self.assertEqual(mine[0], theirs[0])
            self.assertEqual(mine[-2:], theirs[-2:])
            self.assertTrue(set(mine) <= set(theirs), set(mine) - set(theirs))
        for c in (self.o, self.r):
            start = time.monotonic()
            self.assertEqual(c.execute_command("DEBUG", "SLEEP", "0.2"), b"OK")
            self.assertGreaterEqual(time.monotonic() - start, 0.19)
        # POPULATE: the same keys on both, existing keys kept.
        for c in (self.o, self.r):
            self.assertEqual(c.execute_command("DEBUG", "POPULATE", "50", "pop", "12"), b"OK")
            self.assertEqual(c.execute_command("DEBUG", "POPULATE", "60", "pop"), b"OK")
        self.assertEqual(self.o.get("pop:3"), b"value:3\x00\x00\x00\x00\x00")
        self.assertEqual(digest(self.o), digest(self.r))


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def proc_state(pid):
    """The state letter of /proc/PID/stat ("T" stopped), None when the process is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


class DebugReloadDuringBgsaveTest(unittest.TestCase):
    """DEBUG RELOAD while a BGSAVE child runs, on both servers: the child is held with SIGSTOP (so how fast it
    would have been does not matter); redis-server's DEBUG RELOAD saves and reloads anyway, and so must ours.
    Then the child goes on and its save completes."""

    def stopped_child(self, server, client):
        """Starts a BGSAVE and stops its child; retried (at most 5 times) when the child was done before the
        SIGSTOP reached it."""
        for _ in range(5):
            self.assertIs(client.execute_command("BGSAVE"), True)  # redis-py: "Background saving started"
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                kids = children(server.proc.pid)
                if kids or rcs.info(server, "persistence")["rdb_bgsave_in_progress"] == "0":
                    break
                time.sleep(0.0005)
            for kid in kids:
                try:
                    os.kill(kid, signal.SIGSTOP)
                except ProcessLookupError:
                    continue
                rcs.wait_until(lambda: proc_state(kid) in ("T", None, "Z"), what="the BGSAVE child to stop")
                if proc_state(kid) == "T":
                    return kid
            rcs.wait_until(lambda: rcs.info(server, "persistence")["rdb_bgsave_in_progress"] == "0",
                           what="the BGSAVE to end before the next try")
        self.fail("every BGSAVE child finished before it could be stopped")

    def test_reload_while_a_child_saves(self):
        servers = [rcs.Server(OURS_BG, args=DEBUG_ON), rcs.Server(REF_BG, args=DEBUG_ON, binary=rcs.REDIS_SERVER)]
        try:
            for s in servers:
                s.start()
                c = s.client()
                with self.subTest(server=s.binary):
                    self.assertEqual(c.execute_command("DEBUG", "POPULATE", "300000", "bg", "20"), b"OK")
                    c.set("extra", "1")
                    before = digest(c)
                    child = self.stopped_child(s, c)
                    try:
                        self.assertEqual(rcs.info(s, "persistence")["rdb_bgsave_in_progress"], "1")
                        self.assertEqual(c.execute_command("DEBUG", "RELOAD"), b"OK")
                        self.assertEqual(digest(c), before)
                        self.assertEqual(c.dbsize(), 300001)
                    finally:
                        os.kill(child, signal.SIGCONT)
                    rcs.wait_until(lambda: rcs.info(s, "persistence")["rdb_bgsave_in_progress"] == "0",
                                   timeout=60, what="the BGSAVE to complete")
                    self.assertEqual(rcs.info(s, "persistence")["rdb_last_bgsave_status"], "ok")
                    # The file is the child's snapshot (the same data): a reload from it keeps the digest.
                    self.assertEqual(c.execute_command("DEBUG", "RELOAD", "NOSAVE"), b"OK")
                    self.assertEqual(digest(c), before)
        finally:
            for s in servers:
                s.stop()


class DebugEncodingTest(unittest.TestCase):
    """The same content in both encodings of a type has one digest (and redis-server agrees)."""

    def test_both_encodings_one_digest(self):
        servers = [rcs.Server(OURS_ENC, args=DEBUG_ON), rcs.Server(REF_ENC, args=DEBUG_ON, binary=rcs.REDIS_SERVER)]
        try:
            for s in servers:
                s.start()
            contents = {
                "hash": [["HSET", "{k}", "a", "1", "b", "two", "c", "-3"]],
                # Not a score of -0: redis-server's listpack stores it as 0, its skiplist keeps -0, so the two
                # encodings' digests differ there (ours do the same; zset:small compares it with redis-server).
                "zset": [["ZADD", "{k}", "1", "a", "2.5", "b", "0", "c", "inf", "d", "7", "8", "-1e-300", "e"]],
                "set": [["SADD", "{k}", "1", "2", "-3", "40000"]],
                "list": [["RPUSH", "{k}", "1", "a", "-2", "b"]],
            }
            # Encoding limits that force the large encodings for the second copy.
            large = {"hash": ("hash-max-listpack-entries", "0"), "zset": ("zset-max-listpack-entries", "0"),
                     "set": ("set-max-intset-entries", "0")}
            for s in servers:
                c = s.client()
                for t, cmds in contents.items():
                    for cmd in cmds:
                        c.execute_command(*[a.replace("{k}", t + ":small") for a in cmd])
                    if t in large:
                        c.config_set(*large[t])
                    for cmd in cmds:
                        c.execute_command(*[a.replace("{k}", t + ":large") for a in cmd])
            o, r = servers[0].client(), servers[1].client()
            for t in contents:
                with self.subTest(type=t):
                    for c in (o, r):
                        small, big = digest_values(c, [t + ":small", t + ":large"])
                        self.assertEqual(small, big)
                        if t in large:
                            self.assertNotEqual(c.object("encoding", t + ":small"), c.object("encoding", t + ":large"))
                    self.assertEqual(digest_values(o, [t + ":small"]), digest_values(r, [t + ":small"]))
            self.assertEqual(digest(o), digest(r))
        finally:
            for s in servers:
                s.stop()


class DebugRefusalTest(unittest.TestCase):
    """enable-debug-command: no (the default) refuses with redis-server's text, also before AUTH and inside
    MULTI; local allows a client on 127.0.0.1."""

    def test_refusals_byte_for_byte(self):
        servers = [rcs.Server(OURS_NO, password="secret"),
                   rcs.Server(REF_NO, password="secret", binary=rcs.REDIS_SERVER),
                   rcs.Server(OURS_LOCAL, args=["--enable-debug-command", "local"]),
                   rcs.Server(REF_LOCAL, args=["--enable-debug-command", "local"], binary=rcs.REDIS_SERVER)]
        try:
            for s in servers:
                s.start()
            replies = []
            for port in (OURS_NO, REF_NO):
                with rcs.Resp(port) as conn:
                    got = [conn.call_raw("DEBUG", "DIGEST")]  # not authenticated: still the DEBUG refusal
                    got.append(conn.call_raw("AUTH", "secret"))
                    got.append(conn.call_raw("DEBUG", "DIGEST"))
                    got.append(conn.call_raw("DEBUG", "HELP"))
                    got.append(conn.call_raw("MULTI"))
                    got.append(conn.call_raw("DEBUG", "DIGEST"))
                    got.append(conn.call_raw("EXEC"))
                    replies.append(got)
                    self.assertEqual(conn.call_raw("CONFIG", "GET", "enable-debug-command"),
                                     b"*2\r\n$20\r\nenable-debug-command\r\n$2\r\nno\r\n")
            self.assertEqual(replies[0], replies[1])
            self.assertTrue(replies[0][0].startswith(b"-ERR DEBUG command not allowed. If the enable-debug-command"),
                            replies[0][0])
            self.assertEqual(replies[0][-1][:10], b"-EXECABORT")
            for port in (OURS_LOCAL, REF_LOCAL):
                with rcs.Resp(port) as conn:
                    self.assertEqual(conn.call_raw("DEBUG", "DIGEST"), b"+" + ZERO.encode() + b"\r\n")
                    self.assertEqual(conn.call_raw("CONFIG", "SET", "enable-debug-command", "yes")[:5], b"-ERR ")
        finally:
            for s in servers:
                s.stop()


if __name__ == "__main__":
    rcs.run_tests()
