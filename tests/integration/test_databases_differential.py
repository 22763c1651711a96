"""Numbered databases on a standalone node against Debian's redis-server 7.0.15, side by side (ports 10000-10006).

The same command sequences go to our node and to redis-server, and the replies are compared byte for byte:
SELECT/MOVE/SWAPDB/COPY ... DB errors, a seeded random sequence mixing SELECT, MOVE, SWAPDB, COPY ... DB,
FLUSHDB, SET, PEXPIREAT, DBSIZE, KEYS, SCAN (key sets compared sorted: the tables' orders differ), RANDOMKEY
(checked against the keys), INFO keyspace (avg_ttl is an estimate on both: left out), MULTI with SELECT
inside, a script's SELECT that stays its own, RESET going back to db 0 (HELLO keeping the db), CLIENT INFO's
db= field, WATCH and blocking pops per database (SWAPDB serving a blocked pop), keyspace notification channels
and MONITOR's [db addr] lines, MEMORY STATS' db.N entries. Cluster mode refuses SELECT 1, MOVE, SWAPDB and
COPY ... DB 1 with redis-server's texts. Persistence and replication keep every database: redis-server's dump.rdb
loads here (DEBUG RELOAD keeps it) and ours loads in redis-server, a file with more databases than configured is
refused, the AOF survives a restart (RDB and command bases, after a rewrite) and moves both ways between the two
servers, and a replica of ours (ours and redis-server) ends with every database, also after a partial resync.
"""
import os
import random
import re
import shutil
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

SEED = int(os.environ.get("RCS_DATABASES_SEED", "21"))
OURS, REF, CLUSTER_OURS, CLUSTER_REF = 10000, 10001, 10002, 10003
P_A, P_B, P_C = 10004, 10005, 10006
FUTURE_MS = 4102444800000  # 2100-01-01: expiries that do not fire during the test


class DatabasesDifferentialTest(rcs.PairTestCase):
    OURS_PORT, REF_PORT = OURS, REF

    def setUp(self):
        self.pairs = []
        self.a, self.b = self.pair()
        self.a.call_raw("FLUSHALL")
        self.b.call_raw("FLUSHALL")

    def tearDown(self):
        for a, b in self.pairs:
            a.close()
            b.close()

    def pair(self):
        p = (rcs.Resp(OURS, timeout=10), rcs.Resp(REF, timeout=10))
        self.pairs.append(p)
        return p

    def both(self, *args, conns=None):
        a, b = conns or (self.a, self.b)
        ra, rb = a.call_raw(*args), b.call_raw(*args)
        self.assertEqual(ra, rb, "seed %d: %r: ours %r, redis-server %r" % (SEED, args, ra[:300], rb[:300]))
        return ra

    def keys_of(self, conn):
        return sorted(conn.call("KEYS", "*")[1])

    def keyspace(self, conn):
        text = conn.call("INFO", "keyspace")[1]
        return [re.sub(r",avg_ttl=\d+", "", l) for l in text.splitlines() if l.startswith("db")]

    def scan_all(self, conn):
        cursor, seen = "0", []
        for _ in range(1000):
            r = conn.call("SCAN", cursor, "COUNT", "7")[1]
            cursor = r[0]
            seen += r[1]
            if cursor == "0":
                break
        return sorted(set(seen))

    def test_errors(self):
        for args in (("SELECT", "abc"), ("SELECT", "16"), ("SELECT", "-1"), ("SELECT", "99999999999"),
                     ("SELECT", "15"), ("SELECT", "0"), ("SELECT", "1.5"), ("SELECT",), ("SELECT", "1", "2"),
                     ("MOVE", "k", "0"), ("MOVE", "k", "x"), ("MOVE", "k", "16"), ("MOVE", "k", "-1"),
                     ("MOVE", "k", "99999999999"), ("MOVE", "k"),
                     ("SWAPDB", "0", "16"), ("SWAPDB", "x", "1"), ("SWAPDB", "1", "x"), ("SWAPDB", "99999999999", "1"),
                     ("SWAPDB", "-1", "0"), ("SWAPDB", "3", "3"), ("SWAPDB", "0"),
                     ("COPY", "k", "k2", "DB", "16"), ("COPY", "k", "k2", "DB", "x"), ("COPY", "k", "k", "DB", "0"),
                     ("COPY", "k", "k2", "DB"), ("COPY", "k", "k", "DB", "1"),
                     ("SET", "k", "v"), ("MOVE", "k", "0"), ("COPY", "k", "k", "DB", "0"), ("COPY", "k", "k", "DB", "1"),
                     ("MOVE", "k", "1"), ("MOVE", "k", "1"), ("SELECT", "1"), ("GET", "k"),
                     ("CONFIG", "GET", "databases")):
            self.both(*args)

    def test_random_sequence(self):
        rnd = random.Random(SEED)
        # Two clients each, with their own SELECTed databases.
        conns = [(self.a, self.b), self.pair()]
        dbs = [0, 0]
        keys = ["k%d" % i for i in range(8)]
        for step in range(600):
            ci = rnd.randrange(2)
            c = conns[ci]
            op = rnd.random()
            k = rnd.choice(keys)
            db = rnd.randrange(4) if rnd.random() < 0.9 else rnd.randrange(16)
            if op < 0.12:
                self.both("SELECT", str(db), conns=c)
                dbs[ci] = db
            elif op < 0.35:
                self.both("SET", k, "v%d" % step, conns=c)
            elif op < 0.40:
                self.both("RPUSH", k, "a", "b", conns=c)
            elif op < 0.47:
                self.both("MOVE", k, str(db), conns=c)
            elif op < 0.51:
                self.both("SWAPDB", str(db), str(rnd.randrange(4)), conns=c)
            elif op < 0.58:
                extra = ["REPLACE"] if rnd.random() < 0.5 else []
                self.both("COPY", k, rnd.choice(keys), "DB", str(db), *extra, conns=c)
            elif op < 0.60:
                self.both("FLUSHDB", conns=c)
            elif op < 0.66:
                self.both("PEXPIREAT", k, str(FUTURE_MS + step), conns=c)
            elif op < 0.70:
                self.both("PEXPIRETIME", k, conns=c)
            elif op < 0.76:
                self.both("DBSIZE", conns=c)
            elif op < 0.82:
                self.both("GET", k, conns=c)
            elif op < 0.85:
                self.both("DEL", k, conns=c)
            elif op < 0.89:
                self.assertEqual(self.scan_all(c[0]), self.scan_all(c[1]), "SCAN at step %d" % step)
            elif op < 0.92:
                ka, kb = self.keys_of(c[0]), self.keys_of(c[1])
                self.assertEqual(ka, kb, "KEYS at step %d" % step)
                r = c[0].call("RANDOMKEY")[1]
                self.assertTrue(r in ka if ka else r is None, (r, ka))
            elif op < 0.96:
                self.assertEqual(self.keyspace(c[0]), self.keyspace(c[1]), "INFO keyspace at step %d" % step)
            elif op < 0.98:
                self.both("TYPE", k, conns=c)
            else:
                self.both("FLUSHALL", conns=c) if rnd.random() < 0.2 else self.both("EXISTS", k, conns=c)
        self.assertEqual(self.keyspace(self.a), self.keyspace(self.b))
        self.assertTrue(len(self.keyspace(self.a)) >= 1, "the sequence left no keys: it tested nothing")

    def test_transactions_scripts_and_connection_state(self):
        for args in (("SET", "x", "0"), ("MULTI",), ("SELECT", "2"), ("SET", "x", "2"), ("SELECT", "3"),
                     ("INCR", "x"), ("EXEC",), ("GET", "x"), ("SELECT", "2"), ("GET", "x"),
                     ("EVAL", "redis.call('SELECT', 5); redis.call('SET', 'y', 'five'); return redis.call('GET', 'x')", "0"),
                     ("GET", "y"), ("SELECT", "5"), ("GET", "y"),
                     ("EVAL", "return redis.call('SELECT', 99)", "0"),
                     ("HELLO", "2"), ("GET", "y"), ("RESET",), ("GET", "y"), ("GET", "x")):
            if args[0] == "HELLO":  # its reply differs (server name, version): the db stays
                self.a.call_raw(*args)
                self.b.call_raw(*args)
            else:
                self.both(*args)
        self.both("SELECT", "7")
        ours = self.a.call("CLIENT", "INFO")[1]
        ref = self.b.call("CLIENT", "INFO")[1]
        self.assertIn(" db=7 ", ours)
        self.assertIn(" db=7 ", ref)
        self.assertEqual(self.keyspace(self.a), self.keyspace(self.b))

    def test_memory_stats_lists_each_database(self):
        for args in (("SET", "a", "1"), ("SELECT", "3"), ("SET", "b", "2"), ("SELECT", "9"), ("SET", "c", "3"),
                     ("DEL", "c")):
            self.both(*args)
        names = []
        for conn in (self.a, self.b):
            r = conn.call("MEMORY", "STATS")[1]
            names.append([r[i] for i in range(0, len(r), 2)])
            self.assertEqual(r[r.index("keys.count") + 1], 2)
        self.assertEqual(names[0], names[1])
        self.assertIn("db.3", names[0])

    def test_watch_and_blocking_per_db(self):
        other = self.pair()
        self.both("SELECT", "1")
        self.both("WATCH", "w")
        self.both("SET", "w", "other-db", conns=other)  # db 0: not the watched key
        self.both("MULTI")
        self.both("SET", "w", "1")
        self.both("EXEC")
        self.both("WATCH", "w")
        self.both("SELECT", "1", conns=other)
        self.both("SET", "w", "same-db", conns=other)
        self.both("MULTI")
        self.both("SET", "w", "2")
        self.both("EXEC")  # nil: the watched key changed
        self.both("SELECT", "0", conns=other)
        # BLPOP in db 2 is not served by a push in db 0, but by one in db 2 (or a MOVE there).
        self.both("SELECT", "2")
        for s in (self.a, self.b):
            s.send("BLPOP", "q", "5")
        self.both("RPUSH", "q", "in-db0", conns=other)
        self.both("MOVE", "q", "2", conns=other)
        self.assertEqual(self.a.read_raw(), self.b.read_raw())
        # SWAPDB serves a client blocked on a key the swap brings in (redis-server's scanDatabaseForReadyKeys).
        for s in (self.a, self.b):
            s.send("BLPOP", "q2", "5")
        self.both("SELECT", "3", conns=other)
        self.both("RPUSH", "q2", "from-db3", conns=other)
        self.both("SWAPDB", "2", "3", conns=other)
        self.assertEqual(self.a.read_raw(), self.b.read_raw())
        self.assertEqual(self.keyspace(self.a), self.keyspace(self.b))

    def test_notifications_and_monitor(self):
        self.both("CONFIG", "SET", "notify-keyspace-events", "KEA")
        subs = self.pair()
        mons = self.pair()
        for s in subs:
            s.call_raw("PSUBSCRIBE", "__key*__:*")
        for m in mons:
            m.call_raw("MONITOR")
        for args in (("SELECT", "4"), ("SET", "n", "1"), ("MOVE", "n", "6"), ("SELECT", "6"),
                     ("COPY", "n", "n2", "DB", "1"), ("EXPIRE", "n", "100"), ("DEL", "n"),
                     ("EVAL", "redis.call('SELECT', 2); return redis.call('SET', 's', '1')", "0")):
            self.both(*args)
        self.both("PING")
        for s in subs:
            s.s.settimeout(2)
        msgs = []
        for s in subs:
            got = []
            for _ in range(40):
                try:
                    got.append(s.read())
                except (socket.timeout, OSError):
                    break
                if len(got) >= 14:
                    break
            msgs.append(got)
        self.assertEqual(msgs[0], msgs[1])
        self.assertIn("__keyspace@6__:n", repr(msgs[0]))
        lines = []
        for m in mons:
            got = []
            for _ in range(11):
                got.append(re.sub(r"^[0-9.]+ \[(\d+) [^\]]*\]", r"[\1]", m.read()[1]))
            lines.append(got)
        self.assertEqual(lines[0], lines[1])
        self.assertIn('[4] "SET" "n" "1"', lines[0])
        self.assertIn('[2] "SET" "s" "1"', lines[0])  # the script's SELECT: [2 lua]
        self.assertIn("__keyspace@2__:s", repr(msgs[0]))
        self.both("CONFIG", "SET", "notify-keyspace-events", "")


class DatabasesClusterModeTest(rcs.ServersTestCase):
    def test_cluster_mode_refuses_other_databases(self):
        ours = self.server(CLUSTER_OURS, "ours", ["--cluster-enabled", "yes"]).start()
        ref = self.server(CLUSTER_REF, "ref", ["--cluster-enabled", "yes"], binary=rcs.REDIS_SERVER).start()
        with rcs.Resp(CLUSTER_OURS) as a, rcs.Resp(CLUSTER_REF) as b:
            for args in (("SELECT", "1"), ("SELECT", "0"), ("SELECT", "16"), ("SELECT", "x"), ("MOVE", "k", "1"),
                         ("SWAPDB", "0", "1"), ("COPY", "k", "k2", "DB", "1"), ("COPY", "k", "k2", "DB", "16"),
                         ("COPY", "k", "k2", "DB", "0")):
                ra, rb = a.call_raw(*args), b.call_raw(*args)
                self.assertEqual(ra, rb, "%r: ours %r, redis-server %r" % (args, ra, rb))
        self.assertTrue(ours.alive() and ref.alive())


def data_of(server, dbs=range(16)):
    """{db: {key: (type, value)}} of every database that holds keys (redis-py, order-free values)."""
    out = {}
    for db in dbs:
        c = server.client(db=db)
        keys = sorted(c.keys("*"))
        if keys:
            out[db] = {k: rcs.key_contents(c, k) for k in keys}
        c.close()
    return out


def fill(server):
    """Keys of each type in databases 0, 3 and 15, some with an expiry, plus a MOVE and a SWAPDB."""
    c = server.client()
    for db in (0, 3, 15):
        c.execute_command("SELECT", db)
        c.set("s%d" % db, "v%d" % db)
        c.set("t%d" % db, "ttl", ex=1000)
        c.rpush("l%d" % db, *["e%d" % i for i in range(5)])
        c.hset("h%d" % db, mapping={"f1": "1", "f2": "two"})
        c.sadd("z%d" % db, "a", "b")
        c.zadd("zz%d" % db, {"m": 1.5})
    c.execute_command("SELECT", 0)
    c.set("same", "db0")
    c.execute_command("MOVE", "same", 7)
    c.execute_command("SWAPDB", 3, 4)
    c.close()


class DatabasesPersistenceTest(rcs.ServersTestCase):
    def test_rdb_from_redis_server_and_back(self):
        ref = self.server(P_A, "ref", binary=rcs.REDIS_SERVER).start()
        fill(ref)
        want = data_of(ref)
        self.assertEqual(sorted(want), [0, 4, 7, 15])
        ref.cli("SAVE")
        ref.stop()
        ours = self.server(P_B, "ours", ["--dbfilename", "dump.rdb", "--enable-debug-command", "yes"])
        shutil.copy(os.path.join(ref.dir, "dump.rdb"), os.path.join(ours.dir, "dump.rdb"))
        ours.start()
        self.assertEqual(data_of(ours), want)
        self.assertEqual(ours.cli("DBSIZE").strip(), "6")
        with rcs.Resp(P_B) as r:
            self.assertEqual(r.call("SELECT", "4"), ("+", "OK"))
            self.assertEqual(r.call("TTL", "t3")[0], ":")
            self.assertTrue(900 < r.call("TTL", "t3")[1] <= 1000)
        # DEBUG RELOAD keeps them all; our SAVE loads into redis-server.
        self.assertEqual(ours.cli("DEBUG", "RELOAD").strip(), "OK")
        self.assertEqual(data_of(ours), want)
        ours.cli("SAVE")
        rcs.check_rdb(os.path.join(ours.dir, "dump.rdb"))
        ours.stop()
        ref2 = self.server(P_C, "ref2", binary=rcs.REDIS_SERVER)
        shutil.copy(os.path.join(ours.dir, "dump.rdb"), os.path.join(ref2.dir, "dump.rdb"))
        ref2.start()
        self.assertEqual(data_of(ref2), want)

    def test_rdb_with_more_databases_than_configured_is_refused(self):
        ref = self.server(P_A, "ref", binary=rcs.REDIS_SERVER).start()
        fill(ref)
        ref.cli("SAVE")
        ref.stop()
        ours = self.server(P_B, "ours", ["--databases", "8"])
        shutil.copy(os.path.join(ref.dir, "dump.rdb"), os.path.join(ours.dir, "dump.rdb"))
        with self.assertRaises(AssertionError):
            ours.start()
        self.assertIn("configured to handle more than 8 databases", ours.log())
        self.assertFalse(ours.alive())

    def test_aof_restart_keeps_databases(self):
        for preamble in ("yes", "no"):
            ours = self.server(P_B, "aof-" + preamble, ["--appendonly", "yes", "--aof-use-rdb-preamble", preamble])
            ours.start()
            fill(ours)
            ours.cli("BGREWRITEAOF")
            rcs.wait_until(lambda: rcs.info(ours, "persistence").get("aof_rewrite_in_progress") == "0" and
                           rcs.info(ours, "persistence").get("aof_rewrite_scheduled") == "0",
                           timeout=20, what="the AOF rewrite to finish")
            c = ours.client(db=9)
            c.set("after-rewrite", "9")
            c.close()
            c = ours.client(db=15)
            c.delete("s15")
            c.close()
            want = data_of(ours)
            self.assertIn(9, want)
            ours.stop()
            ours.start()
            self.assertEqual(data_of(ours), want, "aof-use-rdb-preamble " + preamble)
            with open(ours.log_path, errors="replace") as f:
                self.assertNotIn("Bad file format", f.read())
            ours.stop()

    def test_aof_written_by_redis_server_loads(self):
        ref = self.server(P_A, "ref", ["--appendonly", "yes"], binary=rcs.REDIS_SERVER).start()
        fill(ref)
        want = data_of(ref)
        ref.stop()
        ours = self.server(P_B, "ours", ["--appendonly", "yes"])
        shutil.copytree(os.path.join(ref.dir, "appendonlydir"), os.path.join(ours.dir, "appendonlydir"))
        ours.start()
        self.assertEqual(data_of(ours), want)
        # And back: our AOF (its SELECTs) loads in redis-server.
        c = ours.client(db=6)
        c.set("ours-db6", "6")
        c.close()
        want = data_of(ours)
        ours.stop()
        ref2 = self.server(P_C, "ref2", ["--appendonly", "yes"], binary=rcs.REDIS_SERVER)
        shutil.copytree(os.path.join(ours.dir, "appendonlydir"), os.path.join(ref2.dir, "appendonlydir"))
        ref2.start()
        self.assertEqual(data_of(ref2), want)

    def test_replicas_get_every_database(self):
        master = self.server(P_A, "master").start()
        fill(master)
        replica = self.server(P_B, "replica", ["--replicaof", "127.0.0.1", str(P_A)]).start()
        ref_replica = self.server(P_C, "ref-replica", ["--replicaof", "127.0.0.1", str(P_A)],
                                  binary=rcs.REDIS_SERVER).start()
        for r in (replica, ref_replica):
            rcs.wait_until(lambda: rcs.info(r, "replication").get("master_link_status") == "up", timeout=20,
                           what="replica %d in sync" % r.port)
        # Writes after the sync, switching databases (the stream's SELECTs), a transaction and a script.
        c = master.client(db=2)
        c.set("live2", "x")
        c.execute_command("SELECT", 0)
        p = c.pipeline(transaction=True)
        p.execute_command("SELECT", 5)
        p.set("in-multi", "5")
        p.execute()
        c.execute_command("SELECT", 0)
        c.eval("redis.call('SELECT', 11); redis.call('SET', 'from-script', '11'); return 1", 0)
        c.execute_command("MOVE", "s0", "12")
        c.execute_command("SWAPDB", "15", "14")
        c.close()
        want = data_of(master)
        for db in (2, 5, 11, 12, 14):
            self.assertIn(db, want)
        for r in (replica, ref_replica):
            rcs.wait_until(lambda: data_of(r) == want, timeout=10, what="replica %d to have every database" % r.port)
        # A partial resync continues in the database the stream had SELECTed (the master sends no new SELECT).
        c = master.client(db=3)
        c.set("before-drop", "1")
        rcs.wait_until(lambda: replica.client(db=3).get("before-drop") == b"1", timeout=10, what="before-drop")
        partial = int(rcs.info(master, "stats").get("sync_partial_ok", "0"))
        replica.cli("CLIENT", "KILL", "TYPE", "master")
        rcs.wait_until(lambda: int(rcs.info(master, "stats").get("sync_partial_ok", "0")) > partial and
                       rcs.info(replica, "replication").get("master_link_status") == "up", timeout=20,
                       what="the replica's partial resync")
        c.set("after-drop", "2")
        c.close()
        want = data_of(master)
        rcs.wait_until(lambda: data_of(replica) == want, timeout=10, what="the replica after its partial resync")

if __name__ == "__main__":
    unittest.main()
