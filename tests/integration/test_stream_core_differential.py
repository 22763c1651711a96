"""Streams (without consumer-group commands) against Debian's redis-server 7.0.15, side by side (ports 21300-21309).

1. A seeded random sequence of XADD/XRANGE/XREVRANGE/XLEN/XDEL/XTRIM/XSETID/XREAD/XINFO STREAM (valid and
   invalid arguments, wrong types) runs on our node and on redis-server, in RESP2 and in RESP3 (HELLO 3 on
   a second pair of connections); every reply must be the same bytes.
   Ids: XADD "*" takes the server's clock, so two servers cannot agree on it; the sequence uses explicit
   ids and "<ms>-*" (whose result depends only on the stream), and one structural check covers "*" (an id
   > the previous one, ms within the test's run). XINFO STREAM's radix-tree-nodes counts the nodes of
   redis-server's radix tree, an internal it does not promise; that one number is masked (every other
   field, radix-tree-keys included, is compared: our blocks split where redis-server's listpack nodes do).
2. RDB and DUMP/RESTORE with redis-server: our DUMP payloads RESTORE into redis-server and back with the
   same XRANGE/XINFO; redis-server's payloads (with consumer groups, pending entries and consumers made by
   redis-server) RESTORE into ours and XINFO STREAM FULL matches; our SAVE's dump.rdb passes
   redis-check-rdb and redis-server loads it with the same content.
3. AOF restart with a stream of 100,000 entries (plus trims, deletes, XSETID): the same XINFO STREAM FULL
   and the same DEBUG DIGEST-VALUE after BGREWRITEAOF and a restart.

RCS_STREAM_SEED picks the sequence (printed on failure); RCS_STREAM_STEPS its length.
"""
import os
import random
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

SEED = int(os.environ.get("RCS_STREAM_SEED", "2020"))
STEPS = int(os.environ.get("RCS_STREAM_STEPS", "3000"))
OURS, REF = 21300, 21301
OURS_AOF = 21302

RAX_NODES = re.compile(rb"(\$16\r\nradix-tree-nodes\r\n):-?\d+\r\n")


RAX_KEYS = re.compile(rb"(\$15\r\nradix-tree-keys\r\n):-?\d+\r\n")


def mask(reply):
    return RAX_NODES.sub(rb"\1:0\r\n", reply)


def mask_keys(reply):
    """A stream rebuilt from the AOF (XADD after XADD) has the node boundaries of that history, on
    redis-server as on ours: radix-tree-keys may change across a restart, as it does for redis-server."""
    return RAX_KEYS.sub(rb"\1:0\r\n", mask(reply))


def bulk(reply):
    """The bytes of a bulk reply."""
    assert reply.startswith(b"$"), reply[:100]
    head, _, rest = reply.partition(b"\r\n")
    return rest[:int(head[1:])]


class Generator:
    KEYS = ["s0", "s1", "s2"]

    def __init__(self, rnd):
        self.r = rnd
        self.last = {k: (0, 0) for k in self.KEYS}  # our idea of each stream's last id (may lag: errors)

    def key(self):
        if self.r.random() < 0.03:
            return self.r.choice(["str", "missing"])
        return self.r.choice(self.KEYS)

    def some_id(self, k):
        ms, seq = self.last.get(k, (0, 0))
        r = self.r.random()
        if r < 0.04:
            return self.r.choice(["bad", "1-", "-1", "18446744073709551616", "1-2-3", ""])
        if r < 0.1:
            return self.r.choice(["0-0", "18446744073709551615-18446744073709551615", "0", "1"])
        return "%d-%d" % (max(0, ms - self.r.randint(0, 40)), self.r.randint(0, 4))

    def range_bound(self, k, end):
        r = self.r.random()
        if r < 0.15:
            return "+" if end else "-"
        ident = self.some_id(k)
        if r < 0.35 and ident and ident[0] != "-":
            return "(" + ident
        if r < 0.45:
            return ident.split("-")[0]
        return ident

    def fields(self):
        if self.r.random() < 0.7:
            return ["f", str(self.r.randint(0, 999))]
        n = self.r.randint(1, 3)
        out = []
        for i in range(n):
            out += ["k%d" % self.r.randint(0, 3), "v" * self.r.randint(0, 30)]
        return out

    def trim_spec(self):
        r = self.r
        out = []
        if r.random() < 0.5:
            out += ["MAXLEN"] + ([r.choice(["~", "="])] if r.random() < 0.6 else []) + [str(r.randint(0, 250))]
        else:
            k = r.choice(self.KEYS)
            out += ["MINID"] + ([r.choice(["~", "="])] if r.random() < 0.6 else []) + [self.some_id(k)]
        if "~" in out and r.random() < 0.3:
            out += ["LIMIT", str(r.randint(0, 300))]
        if r.random() < 0.03:
            out += ["LIMIT", "5"]
        return out

    def command(self):
        r = self.r
        k = self.key()
        x = r.random()
        if x < 0.55:
            ms, seq = self.last.get(k, (0, 0))
            y = r.random()
            if y < 0.6:
                nid = (ms + r.randint(0, 2), 0)
                if nid[0] == ms:
                    nid = (ms, seq + r.randint(1, 3))
                ident = "%d-%d" % nid
            elif y < 0.85:
                ident = "%d-*" % (ms + r.choice([0, 0, 1, 5]))
            else:
                ident = self.some_id(k)
            opts = []
            if r.random() < 0.15:
                opts += self.trim_spec()
            if r.random() < 0.05:
                opts.append("NOMKSTREAM")
            cmd = ["XADD", k] + opts + [ident] + self.fields()
            if r.random() < 0.02:
                cmd = cmd[:-1]
            return cmd
        if x < 0.65:
            cmd = ["XRANGE", k, self.range_bound(k, False), self.range_bound(k, True)]
            if r.random() < 0.4:
                cmd += ["COUNT", str(r.randint(-1, 20))]
            return cmd
        if x < 0.72:
            cmd = ["XREVRANGE", k, self.range_bound(k, True), self.range_bound(k, False)]
            if r.random() < 0.4:
                cmd += ["COUNT", str(r.randint(-1, 20))]
            return cmd
        if x < 0.75:
            return ["XLEN", k]
        if x < 0.82:
            return ["XDEL", k] + [self.some_id(k) for _ in range(r.randint(1, 4))]
        if x < 0.87:
            return ["XTRIM", k] + self.trim_spec()
        if x < 0.9:
            ms, seq = self.last.get(k, (0, 0))
            cmd = ["XSETID", k, "%d-%d" % (ms + r.randint(-1, 3), r.randint(0, 9))]
            if r.random() < 0.4:
                cmd += ["ENTRIESADDED", str(r.randint(-1, 2000))]
            if r.random() < 0.3:
                cmd += ["MAXDELETEDID", self.some_id(k)]
            return cmd
        if x < 0.95:
            keys = r.sample(self.KEYS, r.randint(1, 3))
            cmd = ["XREAD"]
            if r.random() < 0.5:
                cmd += ["COUNT", str(r.randint(0, 10))]
            return cmd + ["STREAMS"] + keys + [r.choice(["$", self.some_id(kk)]) for kk in keys]
        if x < 0.98:
            cmd = ["XINFO", "STREAM", k]
            if r.random() < 0.5:
                cmd += ["FULL"] + (["COUNT", str(r.randint(-1, 5))] if r.random() < 0.5 else [])
            return cmd
        return ["DEL", k]

    def observe(self, cmd, reply):
        """Follows each stream's last id from the replies (so the generator's ids stay mostly valid)."""
        if cmd[0] == "XADD" and reply.startswith(b"$") and not reply.startswith(b"$-1"):
            body = reply.split(b"\r\n")[1].decode()
            ms, seq = body.split("-")
            self.last[cmd[1]] = (int(ms), int(seq))
        elif cmd[0] == "XSETID" and reply == b"+OK\r\n":
            ms, seq = cmd[2].split("-")
            self.last[cmd[1]] = (int(ms), int(seq))
        elif cmd[0] == "DEL":
            self.last[cmd[1]] = (0, 0)


class StreamCoreDifferentialTest(rcs.PairTestCase):
    OURS_PORT, REF_PORT = OURS, REF

    def setUp(self):
        self.conns = [rcs.Resp(OURS, timeout=20), rcs.Resp(REF, timeout=20)]
        for c in self.conns:
            c.call_raw("FLUSHALL")

    def tearDown(self):
        for c in self.conns:
            c.close()

    def both(self, a, b, *args):
        ra, rb = mask(a.call_raw(*args)), mask(b.call_raw(*args))
        self.assertEqual(ra, rb, "seed %d: %r: ours %r, redis-server %r" % (SEED, args, ra[:400], rb[:400]))
        return ra

    def test_random_sequence_resp2_and_resp3(self):
        rnd = random.Random(SEED)
        gen = Generator(rnd)
        a2, b2 = self.conns
        a3, b3 = rcs.Resp(OURS, timeout=20), rcs.Resp(REF, timeout=20)
        try:
            a3.call_raw("HELLO", "3")  # HELLO's own reply (server name, version) differs by design
            b3.call_raw("HELLO", "3")
            self.both(a2, b2, "SET", "str", "x")
            kinds = set()
            for step in range(STEPS):
                cmd = gen.command()
                a, b = (a3, b3) if step % 3 == 2 else (a2, b2)
                reply = self.both(a, b, *cmd)
                gen.observe(cmd, reply)
                kinds.add((cmd[0], reply[:1]))
            for k in gen.KEYS:
                self.both(a2, b2, "XRANGE", k, "-", "+")
                self.both(a3, b3, "XINFO", "STREAM", k, "FULL", "COUNT", "0")
                self.both(a2, b2, "DEBUG", "DIGEST-VALUE", k)
            # The sequence must have reached the interesting outcomes, or it proves less than it claims.
            for want in [("XADD", b"$"), ("XADD", b"-"), ("XRANGE", b"*"), ("XTRIM", b":"), ("XDEL", b":"),
                         ("XSETID", b"+"), ("XSETID", b"-"), ("XREAD", b"*")]:
                self.assertIn(want, kinds)
        finally:
            a3.close()
            b3.close()

    def test_auto_ids_are_increasing_and_from_the_clock(self):
        a, _ = self.conns
        before = int(time.time() * 1000)
        ids = [bulk(a.call_raw("XADD", "auto", "*", "f", str(i))).decode() for i in range(50)]
        after = int(time.time() * 1000)
        parsed = [tuple(int(x) for x in i.split("-")) for i in ids]
        self.assertEqual(parsed, sorted(set(parsed)))
        self.assertTrue(before <= parsed[0][0] <= after and before <= parsed[-1][0] <= after, ids[:3])

    def test_dump_restore_both_ways_with_groups(self):
        a, b = self.conns
        for i in range(250):
            args = ["XADD", "s", "%d-%d" % (1000 + i // 3, i % 3)] + (["f", str(i)] if i % 7 else ["g", "x" * i, "h", "1"])
            a.call_raw(*args)
            b.call_raw(*args)
        for c in (a, b):
            c.call_raw("XDEL", "s", "1000-0", "1010-1", "1083-0")
            c.call_raw("XTRIM", "s", "MINID", "1003-1")
        # Groups, pending entries and consumers made by redis-server.
        b.call_raw("XGROUP", "CREATE", "s", "g1", "0")
        b.call_raw("XGROUP", "CREATE", "s", "g2", "$")
        b.call_raw("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "5", "STREAMS", "s", ">")
        b.call_raw("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "3", "STREAMS", "s", ">")
        b.call_raw("XACK", "s", "g1", "1004-0")
        b.call_raw("XGROUP", "CREATECONSUMER", "s", "g2", "carol")
        theirs = bulk(b.call_raw("DUMP", "s"))
        self.assertEqual(a.call_raw("RESTORE", "s2", "0", theirs), b"+OK\r\n")
        b.call_raw("RESTORE", "s2", "0", theirs)
        for args in (["XINFO", "STREAM", "s2", "FULL"], ["XRANGE", "s2", "-", "+"], ["DEBUG", "DIGEST-VALUE", "s2"]):
            self.both(a, b, *args)
        # Our payload (with those groups) into redis-server, and back.
        ours = bulk(a.call_raw("DUMP", "s2"))
        self.assertEqual(b.call_raw("RESTORE", "s3", "0", ours), b"+OK\r\n")
        self.assertEqual(a.call_raw("RESTORE", "s3", "0", ours), b"+OK\r\n")
        for args in (["XINFO", "STREAM", "s3", "FULL"], ["XRANGE", "s3", "-", "+"], ["XLEN", "s3"]):
            self.both(a, b, *args)
        # "s" itself (no groups here: ours cannot make them without the group commands) goes to redis-server.
        mine = bulk(a.call_raw("DUMP", "s"))
        b.call_raw("DEL", "s")
        self.assertEqual(b.call_raw("RESTORE", "s", "0", mine), b"+OK\r\n")
        self.both(a, b, "XINFO", "STREAM", "s", "FULL")
        # Our RDB file: redis-check-rdb accepts it and redis-server loads it with the same content.
        self.assertEqual(a.call_raw("SAVE"), b"+OK\r\n")
        path = os.path.join(self.ours.dir, "dump.rdb")
        rcs.check_rdb(path, keys=3)
        ref2 = rcs.Server(OURS + 5, binary=rcs.REDIS_SERVER)
        import shutil
        shutil.copy(path, os.path.join(ref2.dir, "dump.rdb"))
        ref2.start()
        try:
            with rcs.Resp(ref2.port, timeout=20) as c:
                for k in ("s", "s2", "s3"):
                    self.assertEqual(mask(c.call_raw("XINFO", "STREAM", k, "FULL")),
                                     mask(a.call_raw("XINFO", "STREAM", k, "FULL")))
        finally:
            ref2.stop()


class StreamAofRestartTest(rcs.ServersTestCase):
    def test_aof_restart_100k_entries(self):
        node = self.server(OURS_AOF, "aof", args=["--appendonly", "yes"])
        node.start()
        with rcs.Resp(OURS_AOF, timeout=60) as c:
            batch = []
            for i in range(100000):
                batch.append(rcs.encode("XADD", "big", "%d-%d" % (1 + i // 10, i % 10), "f", str(i), "g", "x"))
                if len(batch) == 2000:
                    c.send_raw(b"".join(batch))
                    for _ in batch:
                        c.read_raw()
                    batch = []
            c.call_raw("XDEL", "big", "1-0", "500-5", "10000-9")
            c.call_raw("XTRIM", "big", "MINID", "3-0")
            c.call_raw("XSETID", "big", "99999999-0", "ENTRIESADDED", "200000", "MAXDELETEDID", "10000-9")
            c.call_raw("XADD", "empty", "MAXLEN", "0", "7-7", "a", "b")
            before = {k: (mask_keys(c.call_raw("XINFO", "STREAM", k, "FULL", "COUNT", "0")), c.call_raw("DEBUG", "DIGEST-VALUE", k),
                          c.call_raw("XRANGE", k, "-", "+", "COUNT", "1000")) for k in ("big", "empty")}
            self.assertEqual(c.call_raw("BGREWRITEAOF")[:1], b"+")
            rcs.wait_until(lambda: rcs.info(node, "persistence").get("aof_rewrite_in_progress") == "0" and
                           rcs.info(node, "persistence").get("aof_rewrite_scheduled") == "0", timeout=40,
                           what="the AOF rewrite to finish")
            c.call_raw("XADD", "big", "99999999-1", "after", "rewrite")
            before["big"] = (mask_keys(c.call_raw("XINFO", "STREAM", "big", "FULL", "COUNT", "0")),
                             c.call_raw("DEBUG", "DIGEST-VALUE", "big"), c.call_raw("XRANGE", "big", "-", "+", "COUNT", "1000"))
        node.stop()
        node.start()
        with rcs.Resp(OURS_AOF, timeout=60) as c:
            for k, want in before.items():
                got = (mask_keys(c.call_raw("XINFO", "STREAM", k, "FULL", "COUNT", "0")), c.call_raw("DEBUG", "DIGEST-VALUE", k),
                       c.call_raw("XRANGE", k, "-", "+", "COUNT", "1000"))
                self.assertEqual(got, want, k)


if __name__ == "__main__":
    rcs.run_tests()
