"""Bitmaps and HyperLogLog against Debian's redis-server, side by side (ports 18050-18059).

A seeded random sequence of SETBIT/GETBIT/BITCOUNT/BITPOS/BITOP/BITFIELD/BITFIELD_RO/PFADD/PFCOUNT/PFMERGE
(valid and invalid arguments, wrong types, corrupt HLLs) runs on our node and on redis-server; every reply
must be the same bytes, and so must every value (GET) at the end: HLLs are redis-server's own format.
Values then travel both ways (GET from one, SET into the other) and PFCOUNT/BITCOUNT/GET must agree;
DUMP payloads RESTORE both ways (ours into redis-server, redis-server's into ours) and MIGRATE moves them,
with the same bytes; a replica of our node (REPLICAOF) holds the same bytes; in cluster mode multi-key PFCOUNT/PFMERGE/BITOP get CROSSSLOT unless the keys share a slot.

RCS_BITS_SEED picks the sequence (printed on failure); RCS_BITS_STEPS its length.
"""
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

SEED = int(os.environ.get("RCS_BITS_SEED", "1313"))
STEPS = int(os.environ.get("RCS_BITS_STEPS", "6000"))
OURS, REF, REPLICA, CLUSTER = 18050, 18051, 18052, 18053


def Raw(port):
    """A RESP connection whose call_raw returns each reply's raw bytes (so replies compare byte for byte)."""
    return rcs.Resp(port, timeout=20)


def bulk(reply):
    """The body of a bulk reply."""
    assert reply.startswith(b"$"), reply
    head, _, rest = reply.partition(b"\r\n")
    return rest[:int(head[1:])]


class Generator:
    """Random commands over a few keys of each kind, with a share of invalid arguments."""

    BITKEYS = ["b0", "b1", "b2", "b3"]
    HLLKEYS = ["h0", "h1", "h2", "h3"]

    def __init__(self, rnd):
        self.r = rnd

    def offset(self):
        r = self.r.random()
        if r < 0.03:
            return self.r.choice(["-1", "x", "4294967296", "1.5", "99999999999999999999", ""])
        if r < 0.06:
            return str(self.r.choice([4294967295, 4294967288]))  # the limit (GETs only: no 512 MB values)
        return str(self.r.randint(0, 3000) if self.r.random() < 0.3 else self.r.randint(0, 300))

    def index(self):
        r = self.r.random()
        if r < 0.03:
            return self.r.choice(["a", "1.0", "99999999999999999999"])
        return str(self.r.randint(-60, 60))

    def key(self, kinds):
        if self.r.random() < 0.04:
            return self.r.choice(["lst", "missing", "str", "corrupt"])
        return self.r.choice(kinds)

    def field_type(self):
        r = self.r.random()
        if r < 0.04:
            return self.r.choice(["u64", "i65", "i0", "x8", "U8", "u", ""])
        if self.r.random() < 0.5:
            return "i%d" % self.r.choice([1, 2, 3, 5, 7, 8, 13, 16, 31, 32, 33, 63, 64])
        return "u%d" % self.r.choice([1, 2, 3, 5, 7, 8, 13, 16, 31, 32, 33, 62, 63])

    def field_value(self):
        r = self.r.random()
        if r < 0.03:
            return self.r.choice(["x", "1.5", "99999999999999999999"])
        if r < 0.2:
            return str(self.r.choice([-9223372036854775808, 9223372036854775807, -1, 0, 1, 255, 256, -129, 128]))
        return str(self.r.randint(-300, 300))

    def bitfield(self, ro):
        args = ["BITFIELD_RO" if ro else "BITFIELD", self.key(self.BITKEYS)]
        for _ in range(self.r.randint(0, 4)):
            op = self.r.choice(["GET", "GET", "SET", "INCRBY", "OVERFLOW"] + (["FOO"] if self.r.random() < 0.02 else []))
            if op == "OVERFLOW":
                args += [op, self.r.choice(["WRAP", "SAT", "FAIL", "wrap", "sat", "fail"] +
                                           (["BAD"] if self.r.random() < 0.05 else []))]
                continue
            t = self.field_type()
            off = self.offset() if self.r.random() < 0.7 else "#%d" % self.r.randint(0, 40)
            if op == "GET":
                args += [op, t, off]
            elif op == "FOO":
                args += [op, t]
            else:
                args += [op, t, off if not off.startswith("42949672") else "100", self.field_value()]
        return args

    def command(self):
        r = self.r
        c = r.choice(["SETBIT"] * 6 + ["GETBIT"] * 2 + ["BITCOUNT"] * 3 + ["BITPOS"] * 3 + ["BITOP"] * 2 +
                     ["BITFIELD"] * 3 + ["BITFIELD_RO"] + ["PFADD"] * 6 + ["PFCOUNT"] * 3 + ["PFMERGE"] * 2 +
                     ["GET", "SETSTR", "DEL"])
        if c == "SETBIT":
            off = self.offset()
            if off.startswith("42949672"):
                off = "5000"
            val = r.choice(["0", "1", "1"]) if r.random() > 0.03 else r.choice(["2", "-1", "x"])
            return ["SETBIT", self.key(self.BITKEYS), off, val]
        if c == "GETBIT":
            return ["GETBIT", self.key(self.BITKEYS), self.offset()]
        if c == "BITCOUNT":
            args = ["BITCOUNT", self.key(self.BITKEYS)]
            n = r.choice([0, 2, 2, 3, 1])
            if n >= 1:
                args.append(self.index())
            if n >= 2:
                args.append(self.index())
            if n >= 3:
                args.append(r.choice(["BIT", "BYTE", "bit", "byte"] + (["FOO"] if r.random() < 0.1 else [])))
            return args
        if c == "BITPOS":
            args = ["BITPOS", self.key(self.BITKEYS), r.choice(["0", "1"]) if r.random() > 0.03 else "2"]
            n = r.randint(0, 3)
            if n >= 1:
                args.append(self.index())
            if n >= 2:
                args.append(self.index())
            if n >= 3:
                args.append(r.choice(["BIT", "BYTE", "bit"] + (["FOO"] if r.random() < 0.1 else [])))
            return args
        if c == "BITOP":
            op = r.choice(["AND", "OR", "XOR", "NOT", "and", "not"] + (["FOO"] if r.random() < 0.05 else []))
            n = 1 if op.upper() == "NOT" and r.random() < 0.9 else r.randint(1, 3)
            return ["BITOP", op, r.choice(self.BITKEYS)] + [self.key(self.BITKEYS) for _ in range(n)]
        if c in ("BITFIELD", "BITFIELD_RO"):
            return self.bitfield(c == "BITFIELD_RO")
        if c == "PFADD":
            pool = r.choice([20, 200, 5000])  # small pools keep values sparse, the large one turns them dense
            n = r.randint(0, 400 if pool == 5000 else 30)
            return ["PFADD", self.key(self.HLLKEYS)] + ["el:%d" % r.randint(0, pool) for _ in range(n)]
        if c == "PFCOUNT":
            return ["PFCOUNT"] + [self.key(self.HLLKEYS) for _ in range(r.choice([1, 1, 2, 3]))]
        if c == "PFMERGE":
            return ["PFMERGE", r.choice(self.HLLKEYS)] + [self.key(self.HLLKEYS) for _ in range(r.randint(0, 3))]
        if c == "GET":
            return ["GET", r.choice(self.BITKEYS + self.HLLKEYS)]
        if c == "SETSTR":
            return ["SET", r.choice(self.BITKEYS), r.choice(["", "foobar", "12345", "\xff\xf0"])]
        return ["DEL", r.choice(self.BITKEYS + self.HLLKEYS)]


CORRUPT_HLL = b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe"  # opcodes cover 16383 registers


class BitsDifferentialTest(rcs.PairTestCase):
    OURS_PORT, REF_PORT = OURS, REF

    def setUp(self):
        self.a, self.b = Raw(OURS), Raw(REF)
        for c in (self.a, self.b):
            c.call_raw("FLUSHALL")

    def tearDown(self):
        self.a.close()
        self.b.close()

    def both(self, *args):
        ra, rb = self.a.call_raw(*args), self.b.call_raw(*args)
        self.assertEqual(ra, rb, "seed %d: %r: ours %r, redis-server %r" % (SEED, args, ra[:300], rb[:300]))
        return ra

    def test_random_sequence_replies_and_values_match(self):
        rnd = random.Random(SEED)
        gen = Generator(rnd)
        self.both("RPUSH", "lst", "x")
        self.both("SET", "str", "not an hll")
        self.both("SET", "corrupt", CORRUPT_HLL)
        encodings = set()
        for _ in range(STEPS):
            cmd = gen.command()
            self.both(*cmd)
            if cmd[0] in ("PFADD", "PFMERGE"):
                encodings.add(self.both("PFDEBUG", "ENCODING", cmd[1]))
        for k in gen.BITKEYS + gen.HLLKEYS + ["corrupt"]:
            self.both("GET", k)
            self.both("STRLEN", k)
        # The sequence must have exercised both HLL encodings, or it proves less than it claims.
        self.assertIn(b"+sparse\r\n", encodings)
        self.assertIn(b"+dense\r\n", encodings)

    def test_values_travel_both_ways(self):
        # A sparse HLL, a dense HLL and a bitmap made on each side are read by the other.
        for c in (self.a, self.b):
            c.call_raw("PFADD", "hs", *["s%d" % i for i in range(80)])
            c.call_raw("PFADD", "hd", *["d%d" % i for i in range(8000)])
            for i in range(0, 4000, 7):
                c.call_raw("SETBIT", "bm", i, 1)
        self.assertEqual(self.a.call_raw("PFDEBUG", "ENCODING", "hs"), b"+sparse\r\n")
        self.assertEqual(self.a.call_raw("PFDEBUG", "ENCODING", "hd"), b"+dense\r\n")
        for src, dst in ((self.a, self.b), (self.b, self.a)):
            for k in ("hs", "hd", "bm"):
                dst.call_raw("SET", "copy:" + k, bulk(src.call_raw("GET", k)))
            for k in ("hs", "hd"):
                self.assertEqual(dst.call_raw("PFCOUNT", "copy:" + k), src.call_raw("PFCOUNT", k))
                self.assertEqual(dst.call_raw("PFADD", "copy:" + k, "more"), src.call_raw("PFADD", k, "more"))
                self.assertEqual(bulk(dst.call_raw("GET", "copy:" + k)), bulk(src.call_raw("GET", k)))
            self.assertEqual(dst.call_raw("BITCOUNT", "copy:bm"), src.call_raw("BITCOUNT", "bm"))
            self.assertEqual(dst.call_raw("PFCOUNT", "copy:hs", "copy:hd"), src.call_raw("PFCOUNT", "hs", "hd"))
            self.assertEqual(bulk(dst.call_raw("GET", "copy:bm")), bulk(src.call_raw("GET", "bm")))
        # redis-server's DUMP payloads (RDB strings, LZF-compressed when long) RESTORE into our node.
        for k in ("hs", "hd", "bm"):
            payload = bulk(self.b.call_raw("DUMP", k))
            self.assertEqual(self.a.call_raw("RESTORE", "fromref:" + k, 0, payload), b"+OK\r\n")
            self.assertEqual(bulk(self.a.call_raw("GET", "fromref:" + k)), bulk(self.b.call_raw("GET", k)))
        self.assertEqual(self.a.call_raw("PFCOUNT", "fromref:hd"), self.b.call_raw("PFCOUNT", "hd"))
        self.assertEqual(self.a.call_raw("PFCOUNT", "fromref:hs"), self.b.call_raw("PFCOUNT", "hs"))
        # And ours RESTORE into redis-server (strings are DUMPed in redis-server's format).
        for k in ("hs", "hd", "bm"):
            payload = bulk(self.a.call_raw("DUMP", k))
            self.assertEqual(self.b.call_raw("RESTORE", "fromours:" + k, 0, payload), b"+OK\r\n")
            self.assertEqual(bulk(self.b.call_raw("GET", "fromours:" + k)), bulk(self.a.call_raw("GET", k)))
        self.assertEqual(self.b.call_raw("PFCOUNT", "fromours:hd"), self.a.call_raw("PFCOUNT", "hd"))
        self.assertEqual(self.b.call_raw("PFCOUNT", "fromours:hs"), self.a.call_raw("PFCOUNT", "hs"))
        self.assertEqual(self.b.call_raw("BITCOUNT", "fromours:bm"), self.a.call_raw("BITCOUNT", "bm"))
        # MIGRATE carries the same payloads: ours to redis-server and back.
        self.a.call_raw("PFADD", "mig", *["m%d" % i for i in range(3000)])
        value = bulk(self.a.call_raw("GET", "mig"))
        self.assertEqual(self.a.call_raw("MIGRATE", "127.0.0.1", REF, "mig", 0, 5000), b"+OK\r\n")
        self.assertEqual(bulk(self.b.call_raw("GET", "mig")), value)
        self.assertEqual(self.b.call_raw("MIGRATE", "127.0.0.1", OURS, "mig", 0, 5000), b"+OK\r\n")
        self.assertEqual(bulk(self.a.call_raw("GET", "mig")), value)
        # DUMP/RESTORE on our node keeps the bytes (and so MIGRATE, which carries the same payload).
        for k in ("hs", "hd", "bm"):
            payload = bulk(self.a.call_raw("DUMP", k))
            self.assertEqual(self.a.call_raw("RESTORE", "r:" + k, 0, payload), b"+OK\r\n")
            self.assertEqual(bulk(self.a.call_raw("GET", "r:" + k)), bulk(self.a.call_raw("GET", k)))
        self.assertEqual(self.a.call_raw("PFCOUNT", "r:hd"), self.b.call_raw("PFCOUNT", "hd"))

    def test_replica_holds_the_same_bytes(self):
        replica = rcs.Server(REPLICA).start()
        try:
            r = Raw(REPLICA)
            self.assertEqual(r.call_raw("REPLICAOF", "127.0.0.1", OURS), b"+OK\r\n")
            # Reaches the replica in the full sync.
            self.a.call_raw("PFADD", "before", *["x%d" % i for i in range(3000)])
            rcs.wait_until(lambda: rcs.info(replica, "replication").get("master_link_status") == "up", timeout=20,
                           what="the replica's link to come up")
            self.a.call_raw("PFADD", "hs", "a", "b", "c")
            self.a.call_raw("PFADD", "hd", *["d%d" % i for i in range(6000)])
            self.a.call_raw("PFCOUNT", "hd")  # writes the cache: propagated so the replica's bytes match
            self.a.call_raw("PFMERGE", "hm", "hs", "hd")
            self.a.call_raw("SETBIT", "bm", 1000, 1)
            self.a.call_raw("BITFIELD", "bm", "SET", "i16", "#3", -77, "INCRBY", "u8", 200, 9)
            self.a.call_raw("BITOP", "NOT", "bn", "bm")
            keys = ("before", "hs", "hd", "hm", "bm", "bn")
            expected = {k: self.a.call_raw("GET", k) for k in keys}
            rcs.wait_until(lambda: all(r.call_raw("GET", k) == v for k, v in expected.items()), timeout=20,
                           what="the replica to hold the master's values")
            self.assertEqual(r.call_raw("PFCOUNT", "hm"), self.a.call_raw("PFCOUNT", "hm"))
            self.assertEqual(r.call_raw("BITFIELD_RO", "bm", "GET", "i16", "#3"), b"*1\r\n:-77\r\n")
            self.assertTrue(r.call_raw("SETBIT", "bm", 1, 1).startswith(b"-READONLY"))
            r.close()
        finally:
            replica.stop()

    def test_cluster_mode_multi_key_commands_need_one_slot(self):
        node = rcs.Server(CLUSTER, args=["--cluster-enabled", "yes"]).start()
        try:
            c = Raw(CLUSTER)
            self.assertEqual(c.call_raw("CLUSTER", "ADDSLOTSRANGE", 0, 16383), b"+OK\r\n")
            rcs.wait_until(lambda: "cluster_state:ok" in node.cli("CLUSTER", "INFO"), timeout=20,
                           what="cluster_state:ok")
            cross = b"-CROSSSLOT Keys in request don't hash to the same slot\r\n"
            c.call_raw("PFADD", "{t}a", 1, 2)
            c.call_raw("PFADD", "{t}b", 2, 3)
            self.assertEqual(c.call_raw("PFCOUNT", "{t}a", "{t}b"), b":3\r\n")
            self.assertEqual(c.call_raw("PFCOUNT", "a", "b"), cross)
            self.assertEqual(c.call_raw("PFMERGE", "{t}m", "{t}a", "{t}b"), b"+OK\r\n")
            self.assertEqual(c.call_raw("PFMERGE", "m", "{t}a"), cross)
            self.assertEqual(c.call_raw("BITOP", "AND", "d", "{t}a", "{t}b"), cross)
            self.assertEqual(c.call_raw("BITOP", "OR", "{t}d", "{t}a", "{t}b"),
                             b":%d\r\n" % len(bulk(c.call_raw("GET", "{t}a"))))
            c.close()
        finally:
            node.stop()


if __name__ == "__main__":
    rcs.run_tests()
