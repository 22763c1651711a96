"""What Redis 7.2 to 8.4 added (issue 23's smaller parts), on our node (ports 10400-10403), and the 7.0 forms of
the same commands against Debian's redis-server 7.0.15 (port 10401), byte for byte in RESP2 and RESP3.

  - ZRANK/ZREVRANK WITHSCORE, CLIENT NO-TOUCH (OBJECT IDLETIME unchanged, TOUCH still touches, flag T),
    CLIENT KILL MAXAGE, HSCAN NOVALUES: expectations from the Redis documentation;
  - the 7.0 forms (ZRANK without WITHSCORE, SET without the new options, BITOP AND/OR/XOR/NOT, HSCAN without
    NOVALUES, SCAN/SSCAN with NOVALUES still a syntax error) give redis-server 7.0.15's bytes;
  - tests/fixtures/redis-8.x.conf (every directive of a Redis 7.2-8.x redis.conf at its default, written
    from the documentation) starts the node; each directive it does not implement is logged once.
"""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

OURS, REF, CONF_NODE = 10400, 10401, 10402  # and a replica on 10403
FIXTURE = os.path.join(rcs.REPO, "tests", "fixtures", "redis-8.x.conf")


class Redis72PlusTest(rcs.ServersTestCase):
    def start_pair(self):
        self.server(OURS, "ours").start()
        self.server(REF, "ref", binary=rcs.REDIS_SERVER).start()
        self.conns = []
        for proto in (2, 3):
            a, b = rcs.Resp(OURS), rcs.Resp(REF)
            if proto == 3:
                a.call_raw("HELLO", "3")
                b.call_raw("HELLO", "3")
            self.conns.append((a, b))

    def tearDown(self):
        for a, b in getattr(self, "conns", []):
            a.close()
            b.close()
        super().tearDown()

    def both(self, *cmd, protos=(2, 3)):
        for p in protos:
            a, b = self.conns[p - 2]
            self.assertEqual(a.call_raw(*cmd), b.call_raw(*cmd), (p, cmd))

    def test_70_forms_unchanged(self):
        self.start_pair()
        self.both("ZADD", "z", "1", "a", "2.5", "b", "3", "c", protos=(2,))
        for cmd in (("ZRANK", "z", "b"), ("ZREVRANK", "z", "b"), ("ZRANK", "z", "x"), ("ZRANK", "nokey", "a"),
                    ("ZRANK", "z"), ("ZRANK", "z", "a", "b", "c"), ("ZREVRANK", "z", "a", "WITHSCORE", "x")):
            self.both(*cmd)
        for cmd in (("SET", "s", "v"), ("SET", "s", "w", "NX"), ("SET", "s", "w", "XX", "GET"),
                    ("SET", "s", "x", "NX", "GET"), ("SET", "s", "y", "KEEPTTL"), ("SET", "s", "y", "EX", "0"),
                    ("SET", "s", "y", "NX", "XX"), ("SET", "s", "y", "FOO"), ("SET", "z", "v", "GET"),
                    ("SET", "s", "y", "EX", "10", "PX", "5"), ("GET", "s")):
            self.both(*cmd, protos=(2,))
        self.both("SET", "b1", "foobar", protos=(2,))
        self.both("SET", "b2", "abcdef", protos=(2,))
        for op in ("AND", "OR", "XOR"):
            self.both("BITOP", op, "dest", "b1", "b2", "nokey", protos=(2,))
            self.both("GET", "dest")
        for cmd in (("BITOP", "NOT", "dest", "b1"), ("BITOP", "NOT", "dest", "b1", "b2"), ("BITOP", "NAND", "d", "b1"),
                    ("BITOP", "AND", "d", "z"), ("GET", "dest")):
            self.both(*cmd, protos=(2,))
        self.both("HSET", "h", "f1", "v1", "f2", "v2", protos=(2,))
        for cmd in (("HSCAN", "h", "0"), ("HSCAN", "h", "0", "MATCH", "f1"), ("HSCAN", "h", "0", "COUNT", "x"),
                    ("SCAN", "0", "NOVALUES"), ("SSCAN", "s", "0", "NOVALUES"), ("ZSCAN", "z", "0", "NOVALUES")):
            self.both(*cmd)

    def test_new_forms(self):
        self.server(OURS, "ours").start()
        with rcs.Resp(OURS) as c:
            # ZRANK WITHSCORE: the documentation's example.
            c.call("ZADD", "myzset", "1", "one", "2", "two", "3", "three")
            self.assertEqual(c.call("ZRANK", "myzset", "three"), (":", 2))
            self.assertEqual(c.call_raw("ZRANK", "myzset", "three", "WITHSCORE"), b"*2\r\n:2\r\n$1\r\n3\r\n")
            self.assertEqual(c.call_raw("ZRANK", "myzset", "four", "WITHSCORE"), b"*-1\r\n")
            self.assertEqual(c.call_raw("ZREVRANK", "myzset", "one", "WITHSCORE"), b"*2\r\n:2\r\n$1\r\n1\r\n")
            c.call("HELLO", "3")
            self.assertEqual(c.call_raw("ZRANK", "myzset", "two", "WITHSCORE"), b"*2\r\n:1\r\n,2\r\n")
            c.call("HELLO", "2")
            # HSCAN NOVALUES.
            c.call("HSET", "myhash", "a", "1", "b", "2")
            t, (cursor, items) = c.call("HSCAN", "myhash", "0", "NOVALUES")
            self.assertEqual((cursor, sorted(items)), ("0", ["a", "b"]))
            # CLIENT NO-TOUCH: OBJECT IDLETIME stays; TOUCH touches; flag T.
            c.call("SET", "k", "v")
            time.sleep(2.2)
            self.assertEqual(c.call("CLIENT", "NO-TOUCH", "ON"), ("+", "OK"))
            self.assertIn(" flags=T ", c.call("CLIENT", "INFO")[1])
            c.call("GET", "k")
            self.assertGreaterEqual(c.call("OBJECT", "IDLETIME", "k")[1], 2)
            c.call("TOUCH", "k")
            self.assertEqual(c.call("OBJECT", "IDLETIME", "k")[1], 0)
            self.assertEqual(c.call("CLIENT", "NO-TOUCH", "OFF"), ("+", "OK"))
            self.assertEqual(c.call("CLIENT", "NO-TOUCH", "x"), ("-", "ERR syntax error"))
            # CLIENT KILL MAXAGE: the connection older than 1 s goes, the fresh one stays.
            with rcs.Resp(OURS) as old:
                old.call("PING")
                time.sleep(2.2)
                with rcs.Resp(OURS) as young:
                    young.call("PING")
                    self.assertEqual(c.call("CLIENT", "KILL", "MAXAGE", "2", "SKIPME", "yes"), (":", 1))
                    self.assertEqual(young.call("PING"), ("+", "PONG"))
                self.assertEqual(c.call("CLIENT", "KILL", "MAXAGE", "0"), ("-", "ERR maxage should be greater than 0"))
            self.assertEqual(c.call("PING"), ("+", "PONG"))

    def test_compare_and_set(self):
        """8.4's SET IFEQ/IFDEQ, DELEX, DIGEST, MSETEX with the documentation's examples, seen by a replica."""
        self.server(OURS, "ours").start()
        replica = self.server(REF + 2, "replica", args=["--replicaof", "127.0.0.1", str(OURS)]).start()
        with rcs.Resp(OURS) as c:
            c.call("SET", "key1", "Hello world")
            self.assertEqual(c.call("DIGEST", "key1"), ("$", "b6acb9d84a38ff74"))
            self.assertEqual(c.call("SET", "key1", "x", "IFDEQ", "b6acb9d84a38ff74"), ("+", "OK"))
            self.assertEqual(c.call("SET", "key1", "y", "IFEQ", "nope"), ("$", None))
            self.assertEqual(c.call("MSETEX", "2", "m1", "a", "m2", "b", "PX", "100000"), (":", 1))
            self.assertEqual(c.call("DELEX", "m1", "IFEQ", "a"), (":", 1))
            c.call("SET", "done", "1")
        rcs.wait_until(lambda: replica.cli("GET", "done").strip() == "1", timeout=10, what="replica to catch up")
        self.assertEqual(replica.cli("GET", "key1").strip(), "x")
        self.assertEqual(replica.cli("EXISTS", "m1").strip(), "0")
        self.assertGreater(int(replica.cli("PTTL", "m2")), 0)

    def test_redis_8x_conf_starts_the_node(self):
        d = os.path.join(self.dir, "conf")
        os.makedirs(d)
        s = rcs.Server(CONF_NODE, workdir=d)
        s.command_line = lambda: [s.binary, FIXTURE, "--port", str(CONF_NODE), "--bind", "127.0.0.1",
                                  "--dir", d, "--daemonize", "no", "--logfile", "", "--pidfile", ""]
        self.servers.append(s)
        s.start()
        self.assertEqual(s.cli("CONFIG", "GET", "set-max-listpack-entries").split(), ["set-max-listpack-entries", "128"])
        self.assertEqual(s.cli("CONFIG", "GET", "locale-collate").split(), ["locale-collate"])
        with open(s.log_path, errors="replace") as f:
            log = f.read()
        self.assertNotIn("Bad directive", log)
        for name in ("locale-collate", "set-max-listpack-entries", "server_cpulist", "repl-rdb-channel"):
            lines = [l for l in log.splitlines() if "'%s'" % name in l and "no effect" in l]
            self.assertEqual(len(lines), 1, (name, log))


if __name__ == "__main__":
    rcs.run_tests()
