"""Stream consumer groups against Debian's redis-server 7.0.15, side by side (ports 21350-21354).

A seeded random sequence of stream commands with several streams, groups and consumers (XADD with explicit ids,
XGROUP CREATE/CREATECONSUMER/DELCONSUMER/DESTROY/SETID with MKSTREAM and ENTRIESREAD, XREADGROUP with COUNT,
NOACK, `>` and explicit ids over several streams, XACK, XPENDING summary and extended with IDLE and a consumer,
XCLAIM with IDLE/TIME/RETRYCOUNT/FORCE/JUSTID/LASTID, XAUTOCLAIM with COUNT/JUSTID and its deleted-id list, XINFO
GROUPS/CONSUMERS, XDEL/XTRIM/DEL interleaved, invalid arguments and wrong types) runs on our node and on
redis-server, each command on a RESP2 or a RESP3 connection (the same on both); every reply must be the same
bytes. Times are not compared: the idle times of XPENDING and XINFO CONSUMERS are masked, and every idle or time
argument is either 0 or so far from the test's own duration (days) that it decides the same way on both servers.

Each server has a replica (ours of ours, redis-server's of redis-server): after the sequence the replicas' groups
(XINFO GROUPS, XINFO CONSUMERS, XPENDING) must be equal to each other, which holds only if XREADGROUP, XCLAIM and
XAUTOCLAIM propagate what redis-server propagates (XCLAIM ... FORCE JUSTID LASTID, XGROUP SETID ... ENTRIESREAD,
XGROUP CREATECONSUMER).

A deterministic part checks blocking XREADGROUP: clients served in the order they blocked, BLOCK timeouts, the
errors of a client whose group is destroyed or whose key is deleted or overwritten while it waits, NOACK, and
XREADGROUP BLOCK inside MULTI.

RCS_SG_SEED picks the sequence (printed on failure); RCS_SG_STEPS its length. RCS_SG_REF_ONLY=1 runs redis-server
on both sides (to check the test itself).
"""
import os
import random
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

SEED = int(os.environ.get("RCS_SG_SEED", "2020"))
STEPS = int(os.environ.get("RCS_SG_STEPS", "4000"))
REF_ONLY = os.environ.get("RCS_SG_REF_ONLY") == "1"
OURS, REF, OURS_REPLICA, REF_REPLICA = 21350, 21351, 21352, 21353

FAR = 10 ** 9       # an idle time far beyond the test's duration (11 days, in ms)
NEAR = 10 ** 8      # a min-idle filter between "just delivered" and FAR


# ---- raw replies as trees, so a few time fields can be masked and the rest compared byte for byte ----

def parse(data, pos=0):
    """(node, next) where node is (type byte, header bytes, children or body bytes)."""
    e = data.index(b"\r\n", pos)
    t, head = data[pos:pos + 1], data[pos + 1:e]
    pos = e + 2
    if t in (b"$", b"=", b"!"):
        n = int(head)
        if n < 0:
            return (t, head, None), pos
        return (t, head, data[pos:pos + n]), pos + n + 2
    if t in (b"*", b">", b"~", b"%", b"|"):
        n = int(head)
        kids = []
        for _ in range(max(n, 0) * (2 if t in (b"%", b"|") else 1)):
            k, pos = parse(data, pos)
            kids.append(k)
        return (t, head, kids), pos
    return (t, head, None), pos


def serialize(node):
    t, head, body = node
    out = t + head + b"\r\n"
    if isinstance(body, list):
        return out + b"".join(serialize(k) for k in body)
    if body is not None:
        return out + body + b"\r\n"
    return out


MASKED = (b":", b"0", None)


def mask_reply(cmd, raw):
    """The reply with the time fields that differ between two servers replaced by :0."""
    if raw[:1] not in (b"*", b"%"):
        return raw
    name = cmd[0].upper()
    sub = cmd[1].upper() if len(cmd) > 1 else ""
    node, _ = parse(raw)
    if name == "XPENDING" and len(cmd) > 3:
        for entry in node[2]:
            if entry[0] == b"*" and len(entry[2]) == 4:
                entry[2][2] = MASKED
    elif name == "XINFO" and sub == "CONSUMERS":
        for consumer in node[2]:
            kids = consumer[2]
            for i in range(0, len(kids) - 1, 2):
                if kids[i][2] in (b"idle", b"seen-time", b"active-time", b"inactive"):
                    kids[i + 1] = MASKED
    else:
        return raw
    return serialize(node)


# ---- the generator ----

class Generator:
    STREAMS = ["s0", "s1", "s2"]
    GROUPS = ["g0", "g1", "g2"]
    CONSUMERS = ["c0", "c1", "c2", "c3"]

    def __init__(self, rnd):
        self.r = rnd
        self.top = {s: 0 for s in self.STREAMS}   # the highest ms used per stream

    def stream(self):
        r = self.r.random()
        if r < 0.03:
            return self.r.choice(["str", "missing"])
        return self.r.choice(self.STREAMS)

    def group(self):
        return self.r.choice(self.GROUPS) if self.r.random() > 0.04 else "nosuchgroup"

    def consumer(self):
        return self.r.choice(self.CONSUMERS)

    def some_id(self, key=None, allow_special=False):
        """An id near what the streams hold (sometimes invalid)."""
        r = self.r
        x = r.random()
        if x < 0.03:
            return r.choice(["abc", "1-x", "-1", "18446744073709551616", "1-2-3", ""])
        if allow_special and x < 0.08:
            return r.choice(["-", "+"])
        top = self.top.get(key, 0) if key else max(self.top.values())
        ms = r.randint(0, top + 2)
        if r.random() < 0.3:
            return str(ms)
        return "%d-%d" % (ms, r.randint(0, 2))

    def xadd(self):
        r = self.r
        key = self.stream()
        top = self.top.get(key, 0)
        if r.random() < 0.05:
            idarg = "%d-%d" % (max(0, top - r.randint(0, 3)), 0)  # not above the top: an error (or 0-0)
        elif r.random() < 0.2:
            top += r.randint(1, 3)
            idarg = "%d-*" % top
        else:
            top += r.randint(1, 3)
            idarg = "%d-%d" % (top, r.randint(0, 3))
        if key in self.top:
            self.top[key] = max(self.top[key], top)
        nfields = r.choice([1, 1, 2])
        args = ["XADD", key]
        if r.random() < 0.03:
            args.append("NOMKSTREAM")
        args.append(idarg)
        for i in range(nfields):
            args += ["f%d" % r.randint(0, 2), "v%d" % r.randint(0, 99)]
        return args

    def entriesread(self):
        r = self.r
        return ["ENTRIESREAD", r.choice(["-1", "0", "3", "100", "-2", "x", str(r.randint(0, 50))])]

    def xgroup(self):
        r = self.r
        sub = r.choice(["CREATE"] * 6 + ["SETID"] * 3 + ["DESTROY", "CREATECONSUMER", "CREATECONSUMER",
                                                          "DELCONSUMER", "HELP", "FOO"])
        key, group = self.stream(), self.group()
        if sub == "CREATE":
            idarg = r.choice(["$", "0", "$", self.some_id(key)])
            args = ["XGROUP", "CREATE", key, group, idarg]
            if r.random() < 0.5:
                args.append("MKSTREAM")
            if r.random() < 0.3:
                args += self.entriesread()
            if r.random() < 0.03:
                args.append("BADOPT")
            return args
        if sub == "SETID":
            args = ["XGROUP", "SETID", key, group, r.choice(["$", "0", self.some_id(key, True)])]
            if r.random() < 0.4:
                args += self.entriesread()
            if r.random() < 0.03:
                args.append("MKSTREAM")
            return args
        if sub == "DESTROY":
            return ["XGROUP", "DESTROY", key, group] + (["x"] if r.random() < 0.03 else [])
        if sub in ("CREATECONSUMER", "DELCONSUMER"):
            return ["XGROUP", sub, key, group, self.consumer()]
        if sub == "HELP":
            return ["XGROUP", "HELP"]
        return ["XGROUP", "FOO", key, group]

    def xreadgroup(self):
        r = self.r
        args = ["XREADGROUP"]
        if r.random() > 0.02:
            args += ["GROUP", self.group(), self.consumer()]
        if r.random() < 0.6:
            args += ["COUNT", r.choice(["1", "2", "3", "5", "0", "-1", "100"] + (["x"] if r.random() < 0.05 else []))]
        if r.random() < 0.2:
            args.append("NOACK")
        if r.random() < 0.02:
            args.append("BOGUS")
        n = r.choice([1, 1, 1, 2, 2, 3])
        keys = r.sample(self.STREAMS, n) if r.random() > 0.05 else [self.stream() for _ in range(n)]
        ids = []
        for k in keys:
            x = r.random()
            if x < 0.7:
                ids.append(">")
            elif x < 0.75:
                ids.append(r.choice(["$", "+", "-"]))
            else:
                ids.append(r.choice(["0", "0-0", self.some_id(k)]))
        if r.random() < 0.02:
            ids = ids[:-1]  # unbalanced
        args += ["STREAMS"] + keys + ids
        return args

    def xack(self):
        r = self.r
        key = self.stream()
        return ["XACK", key, self.group()] + [self.some_id(key) for _ in range(r.randint(1, 4))]

    def xpending(self):
        r = self.r
        key, group = self.stream(), self.group()
        if r.random() < 0.3:
            return ["XPENDING", key, group]
        args = ["XPENDING", key, group]
        if r.random() < 0.3:
            args += ["IDLE", r.choice(["0", str(NEAR), str(NEAR), "-5", "x"])]
        start = r.choice(["-", "-", "0", self.some_id(key), "(" + self.some_id(key), "(-"])
        end = r.choice(["+", "+", self.some_id(key), "(" + self.some_id(key), "(+"])
        args += [start, end, r.choice(["10", "100", "2", "0", "-3", "x"])]
        if r.random() < 0.4:
            args.append(self.consumer() if r.random() > 0.1 else "nobody")
        if r.random() < 0.02:
            args = args[:4]
        return args

    def claim_ids(self, key):
        return [self.some_id(key) for _ in range(self.r.randint(1, 4))]

    def xclaim(self):
        r = self.r
        key = self.stream()
        args = ["XCLAIM", key, self.group(), self.consumer(), r.choice(["0", "0", str(NEAR), "-1", "x"])]
        args += self.claim_ids(key)
        opts = []
        if r.random() < 0.3:
            opts += ["IDLE", r.choice(["0", str(FAR), str(2 * FAR), "-1"] + (["y"] if r.random() < 0.1 else []))]
        if r.random() < 0.2:
            opts += ["TIME", r.choice(["0", "1000", str(4 * 10 ** 12), "-7"] + (["y"] if r.random() < 0.1 else []))]
        if r.random() < 0.3:
            opts += ["RETRYCOUNT", r.choice(["0", "1", "5", "99"] + (["z"] if r.random() < 0.1 else []))]
        if r.random() < 0.3:
            opts.append("FORCE")
        if r.random() < 0.4:
            opts.append("JUSTID")
        if r.random() < 0.2:
            opts += ["LASTID", self.some_id(key)]
        if r.random() < 0.02:
            opts.append("NOSUCHOPT")
        r.shuffle(opts) if r.random() < 0.1 else None
        return args + opts

    def xautoclaim(self):
        r = self.r
        key = self.stream()
        args = ["XAUTOCLAIM", key, self.group(), self.consumer(), r.choice(["0", "0", str(NEAR), "-1", "x"]),
                r.choice(["0", "-", "0-0", self.some_id(key), "(" + self.some_id(key), "+"])]
        if r.random() < 0.5:
            args += ["COUNT", r.choice(["1", "2", "3", "10", "0", "-1", "x"])]
        if r.random() < 0.4:
            args.append("JUSTID")
        if r.random() < 0.02:
            args.append("BAD")
        return args

    def xinfo(self):
        r = self.r
        x = r.random()
        if x < 0.45:
            return ["XINFO", "GROUPS", self.stream()]
        if x < 0.95:  # (XINFO STREAM is the streams family's, compared in test_stream_core_differential)
            return ["XINFO", "CONSUMERS", self.stream(), self.group()]
        return r.choice([["XINFO", "HELP"], ["XINFO", "GROUPS"], ["XINFO", "FOO", "s0"]])

    def xdel(self):
        key = self.stream()
        return ["XDEL", key] + [self.some_id(key) for _ in range(self.r.randint(1, 3))]

    def xtrim(self):
        r = self.r
        key = self.stream()
        if r.random() < 0.5:
            return ["XTRIM", key, "MAXLEN"] + (["="] if r.random() < 0.3 else []) + [str(r.randint(3, 40))]
        return ["XTRIM", key, "MINID", self.some_id(key)]

    def command(self):
        r = self.r
        c = r.choice(["XADD"] * 12 + ["XGROUP"] * 4 + ["XREADGROUP"] * 10 + ["XACK"] * 4 + ["XPENDING"] * 4 +
                     ["XCLAIM"] * 4 + ["XAUTOCLAIM"] * 3 + ["XINFO"] * 3 + ["XDEL"] * 2 + ["XTRIM"] +
                     ["DEL", "XLEN", "XRANGE"])
        if c == "XADD":
            return self.xadd()
        if c == "XGROUP":
            return self.xgroup()
        if c == "XREADGROUP":
            return self.xreadgroup()
        if c == "XACK":
            return self.xack()
        if c == "XPENDING":
            return self.xpending()
        if c == "XCLAIM":
            return self.xclaim()
        if c == "XAUTOCLAIM":
            return self.xautoclaim()
        if c == "XINFO":
            return self.xinfo()
        if c == "XDEL":
            return self.xdel()
        if c == "XTRIM":
            return self.xtrim()
        if c == "DEL":
            if r.random() < 0.7:  # rarely: the streams start over (their groups with them)
                return ["PING"]
            key = r.choice(self.STREAMS)
            return ["DEL", key]
        if c == "XLEN":
            return ["XLEN", self.stream()]
        return ["XRANGE", self.stream(), "-", "+"]


def conn(port, resp3):
    c = rcs.Resp(port, timeout=20)
    if resp3:
        reply = c.call_raw("HELLO", "3")
        assert reply.startswith(b"%"), reply[:100]
    return c


class StreamGroupsDifferentialTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        ours_bin = rcs.REDIS_SERVER if REF_ONLY else None
        cls.ours = rcs.Server(OURS, binary=ours_bin).start()
        cls.ref = rcs.Server(REF, binary=rcs.REDIS_SERVER).start()
        cls.ours_replica = rcs.Server(OURS_REPLICA, binary=ours_bin).start()
        cls.ref_replica = rcs.Server(REF_REPLICA, binary=rcs.REDIS_SERVER).start()

    @classmethod
    def tearDownClass(cls):
        for s in (cls.ours, cls.ref, cls.ours_replica, cls.ref_replica):
            s.stop()

    def setUp(self):
        self.conns = []
        self.a2, self.b2 = self.open(OURS, False), self.open(REF, False)
        self.a3, self.b3 = self.open(OURS, True), self.open(REF, True)
        for c in (self.a2, self.b2):
            c.call_raw("FLUSHALL")

    def tearDown(self):
        for c in self.conns:
            c.close()

    def open(self, port, resp3=False):
        c = conn(port, resp3)
        self.conns.append(c)
        return c

    def both(self, *args, resp3=False, mask=True):
        a, b = (self.a3, self.b3) if resp3 else (self.a2, self.b2)
        ra, rb = a.call_raw(*args), b.call_raw(*args)
        if mask:
            ra, rb = mask_reply(args, ra), mask_reply(args, rb)
        self.assertEqual(ra, rb, "seed %d resp%d: %r:\n ours          %r\n redis-server  %r"
                         % (SEED, 3 if resp3 else 2, args, ra[:600], rb[:600]))
        return ra

    def test_random_sequence_replies_match_and_replicas_agree(self):
        for replica, master in ((self.ours_replica, OURS), (self.ref_replica, REF)):
            with rcs.Resp(replica.port) as r:
                self.assertEqual(r.call_raw("REPLICAOF", "127.0.0.1", master), b"+OK\r\n")
        for replica in (self.ours_replica, self.ref_replica):
            rcs.wait_until(lambda: rcs.info(replica, "replication").get("master_link_status") == "up", timeout=20,
                           what="replica %d's link to come up" % replica.port)
        rnd = random.Random(SEED)
        gen = Generator(rnd)
        self.both("SET", "str", "not a stream")
        for key in gen.STREAMS:
            for g in gen.GROUPS:
                self.both("XGROUP", "CREATE", key, g, "0", "MKSTREAM")
        kinds = {}
        for step in range(STEPS):
            cmd = gen.command()
            reply = self.both(*cmd, resp3=rnd.random() < 0.4)
            kind = cmd[0].upper() + (" " + cmd[1].upper() if cmd[0].upper() in ("XGROUP", "XINFO") else "")
            ok = not reply.startswith(b"-")
            kinds.setdefault(kind, [0, 0])[0 if ok else 1] += 1
            if not ok:
                kinds.setdefault("error " + reply[:12].decode(errors="replace"), [0, 0])[0] += 1
            if cmd[0].upper() == "DEL":
                # The groups come back at once (a stream without them only answers NOGROUP).
                for g in gen.GROUPS[:rnd.randint(1, len(gen.GROUPS))]:
                    self.both("XGROUP", "CREATE", cmd[1], g, rnd.choice(["0", "$"]), "MKSTREAM")
        if os.environ.get("RCS_SG_VERBOSE"):
            print(sorted(kinds.items()), file=sys.stderr)
        # The sequence must have exercised every command with successes and errors, or it proves less than it
        # claims.
        for kind in ("XADD", "XGROUP CREATE", "XGROUP SETID", "XGROUP DESTROY", "XGROUP CREATECONSUMER",
                     "XGROUP DELCONSUMER", "XREADGROUP", "XACK", "XPENDING", "XCLAIM", "XAUTOCLAIM",
                     "XINFO GROUPS", "XINFO CONSUMERS", "XDEL", "XTRIM"):
            self.assertGreater(kinds.get(kind, [0, 0])[0], 5, "%s: %r" % (kind, kinds.get(kind)))
        for kind in ("XADD", "XGROUP CREATE", "XREADGROUP", "XPENDING", "XCLAIM", "XAUTOCLAIM"):
            self.assertGreater(kinds.get(kind, [0, 0])[1], 3, "%s errors: %r" % (kind, kinds.get(kind)))
        # Final state, in both protocols.
        for resp3 in (False, True):
            for key in gen.STREAMS:
                self.both("XINFO", "GROUPS", key, resp3=resp3)
                self.both("XRANGE", key, "-", "+", resp3=resp3)
                for g in gen.GROUPS:
                    self.both("XINFO", "CONSUMERS", key, g, resp3=resp3)
                    self.both("XPENDING", key, g, "-", "+", "1000", resp3=resp3)
        # The replicas hold the same groups, consumers and pending entries as each other.
        for c in (self.a2, self.b2):
            self.assertEqual(c.call_raw("WAIT", "1", "5000"), b":1\r\n")
        with rcs.Resp(OURS_REPLICA) as ra, rcs.Resp(REF_REPLICA) as rb:
            for key in gen.STREAMS:
                cmds = [["XINFO", "GROUPS", key], ["XRANGE", key, "-", "+"]]
                for g in gen.GROUPS:
                    cmds += [["XINFO", "CONSUMERS", key, g], ["XPENDING", key, g, "-", "+", "1000"],
                             ["XPENDING", key, g]]
                for cmd in cmds:
                    x, y = mask_reply(cmd, ra.call_raw(*cmd)), mask_reply(cmd, rb.call_raw(*cmd))
                    self.assertEqual(x, y, "replicas, seed %d: %r:\n ours          %r\n redis-server  %r"
                                     % (SEED, cmd, x[:600], y[:600]))

    def test_acl_key_permissions(self):
        # redis-server 7.0.15's key specs: XREADGROUP reads its keys (RO access), XACK/XCLAIM/XGROUP write them.
        self.both("XGROUP", "CREATE", "s", "g", "0", "MKSTREAM")
        self.both("XADD", "s", "1-1", "f", "v")
        for rules in (["%R~*"], ["%W~*"], ["~*"], ["%R~other"]):
            self.both("ACL", "SETUSER", "u", "reset", "on", "nopass", "+@all", *rules)
            a, b = self.open(OURS), self.open(REF)
            for c in (a, b):
                self.assertEqual(c.call_raw("AUTH", "u", "x"), b"+OK\r\n")
            for cmd in (["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"], ["XACK", "s", "g", "1-1"],
                        ["XPENDING", "s", "g"], ["XCLAIM", "s", "g", "c", "0", "1-1"], ["XINFO", "GROUPS", "s"],
                        ["XGROUP", "CREATECONSUMER", "s", "g", "d"], ["XAUTOCLAIM", "s", "g", "c", "0", "0"]):
                ra, rb = a.call_raw(*cmd), b.call_raw(*cmd)
                self.assertEqual(mask_reply(cmd, ra), mask_reply(cmd, rb), "%r %r" % (rules, cmd))

    def test_keyspace_notifications(self):
        # The same events, in the same order, for a scripted sequence (xgroup-* and the "new" of MKSTREAM).
        self.both("CONFIG", "SET", "notify-keyspace-events", "KEA")
        subs = []
        for port in (OURS, REF):
            c = self.open(port)
            c.call_raw("PSUBSCRIBE", "__key*__:*")
            subs.append(c)
        cmds = [["XGROUP", "CREATE", "n", "g", "$", "MKSTREAM"], ["XGROUP", "CREATE", "n", "g", "$"],
                ["XADD", "n", "1-1", "f", "v"], ["XADD", "n", "2-1", "f", "v"],
                ["XGROUP", "CREATECONSUMER", "n", "g", "c0"], ["XGROUP", "CREATECONSUMER", "n", "g", "c0"],
                ["XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "n", ">"],
                ["XREADGROUP", "GROUP", "g", "c2", "NOACK", "STREAMS", "n", ">"],
                ["XCLAIM", "n", "g", "c3", "0", "1-1"], ["XAUTOCLAIM", "n", "g", "c4", "0", "0"],
                ["XACK", "n", "g", "1-1"], ["XGROUP", "SETID", "n", "g", "0"],
                ["XGROUP", "DELCONSUMER", "n", "g", "c1"], ["XGROUP", "DELCONSUMER", "n", "g", "nobody"],
                ["XGROUP", "DESTROY", "n", "g"], ["XGROUP", "DESTROY", "n", "g"], ["DEL", "n"], ["PING"]]
        for cmd in cmds:
            self.both(*cmd)
        got = []
        for c in subs:
            events = []
            while True:
                msg = c.read()[1]
                events.append((msg[2], msg[3]))
                if msg[2] == "__keyevent@0__:del":
                    break
            got.append(events)
        self.assertEqual(got[0], got[1])
        self.assertIn(("__keyevent@0__:xgroup-createconsumer", "n"), got[1])
        self.both("CONFIG", "SET", "notify-keyspace-events", "")

    # ---- blocking ----

    def blocked_clients(self, port):
        return int(rcs.fields(rcs.Server(port), "INFO", "clients")["blocked_clients"])

    def wait_blocked(self, n):
        for port in (OURS, REF):
            rcs.wait_until(lambda: self.blocked_clients(port) == n, timeout=10,
                           what="%d blocked clients on port %d" % (n, port))

    def test_blocking_xreadgroup(self):
        for resp3 in (False, True):
            self.both("FLUSHALL", resp3=resp3)
            self.both("XGROUP", "CREATE", "bs", "g", "$", "MKSTREAM", resp3=resp3)
            self.both("XGROUP", "CREATE", "bs", "h", "$", resp3=resp3)
            # Three clients of group g and one of h wait; each XADD serves the first waiting client of g (in
            # blocking order) and h's client.
            waiting = []
            for i, (group, consumer) in enumerate((("g", "c1"), ("g", "c2"), ("h", "c3"), ("g", "c4"))):
                pair = (self.open(OURS, resp3), self.open(REF, resp3))
                for c in pair:
                    c.send("XREADGROUP", "GROUP", group, consumer, "BLOCK", "0", "STREAMS", "bs", ">")
                waiting.append(pair)
                self.wait_blocked(i + 1)
            self.both("XADD", "bs", "1-1", "f", "one", resp3=resp3)
            for pair in (waiting[0], waiting[2]):
                ra, rb = pair[0].read_raw(), pair[1].read_raw()
                self.assertEqual(ra, rb)
                self.assertIn(b"one", ra)
            self.wait_blocked(2)
            # Two entries in one MULTI: the next client of g gets both (it is served after EXEC).
            for c in (self.a2, self.b2):
                c.send("MULTI")
                c.send("XADD", "bs", "2-1", "f", "two")
                c.send("XADD", "bs", "3-1", "f", "three")
                c.send("EXEC")
                for _ in range(4):
                    c.read_raw()
            ra, rb = waiting[1][0].read_raw(), waiting[1][1].read_raw()
            self.assertEqual(ra, rb)
            self.assertIn(b"two", ra)
            self.assertIn(b"three", ra)
            self.wait_blocked(1)
            self.both("XPENDING", "bs", "g", resp3=resp3)
            self.both("XINFO", "GROUPS", "bs", resp3=resp3)
            self.both("XINFO", "CONSUMERS", "bs", "g", resp3=resp3)
            # The group of a waiting client is destroyed: -NOGROUP.
            self.both("XGROUP", "DESTROY", "bs", "g", resp3=resp3)
            ra, rb = waiting[3][0].read_raw(), waiting[3][1].read_raw()
            self.assertEqual(ra, rb)
            self.assertTrue(ra.startswith(b"-NOGROUP"), ra)
            self.wait_blocked(0)
            # The key of a waiting client is deleted, or overwritten by another type: -UNBLOCKED.
            for kill in (["DEL", "bs"], ["SET", "bs", "x"]):
                self.both("DEL", "bs", resp3=resp3)
                self.both("XGROUP", "CREATE", "bs", "g", "$", "MKSTREAM", resp3=resp3)
                pair = (self.open(OURS, resp3), self.open(REF, resp3))
                for c in pair:
                    c.send("XREADGROUP", "GROUP", "g", "c", "COUNT", "5", "BLOCK", "0", "STREAMS", "bs", ">")
                self.wait_blocked(1)
                self.both(*kill, resp3=resp3)
                ra, rb = pair[0].read_raw(), pair[1].read_raw()
                self.assertEqual(ra, rb)
                self.assertTrue(ra.startswith(b"-UNBLOCKED"), ra)
                self.wait_blocked(0)
            # A timeout answers a null array; a write that brings nothing new for the group keeps the client
            # waiting (XGROUP SETID past the new entry by another client).
            self.both("DEL", "bs", resp3=resp3)
            self.both("XGROUP", "CREATE", "bs", "g", "$", "MKSTREAM", resp3=resp3)
            self.both("XGROUP", "CREATE", "other", "g", "$", "MKSTREAM", resp3=resp3)
            self.both("XREADGROUP", "GROUP", "g", "c", "BLOCK", "50", "STREAMS", "bs", ">", resp3=resp3)
            pair = (self.open(OURS, resp3), self.open(REF, resp3))
            for c in pair:
                c.send("XREADGROUP", "GROUP", "g", "n", "NOACK", "BLOCK", "0", "STREAMS", "other", "bs", ">", ">")
            self.wait_blocked(1)
            for c in (self.a2, self.b2):
                c.send("MULTI")
                c.send("XADD", "bs", "5-0", "f", "skipped")
                c.send("XGROUP", "SETID", "bs", "g", "$")
                c.send("EXEC")
                for _ in range(4):
                    c.read_raw()
            self.wait_blocked(1)
            self.both("XADD", "bs", "6-0", "f", "noack", resp3=resp3)
            ra, rb = pair[0].read_raw(), pair[1].read_raw()
            self.assertEqual(ra, rb)
            self.assertIn(b"noack", ra)
            self.assertNotIn(b"skipped", ra)
            self.both("XPENDING", "bs", "g", resp3=resp3)
            self.both("XINFO", "CONSUMERS", "bs", "g", resp3=resp3)
            # Inside MULTI, BLOCK cannot block: a null array at once.
            for c in ((self.a3, self.b3) if resp3 else (self.a2, self.b2)):
                c.send("MULTI")
                c.send("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "bs", ">")
                c.send("EXEC")
            replies = [[c.read_raw() for _ in range(3)] for c in ((self.a3, self.b3) if resp3 else (self.a2, self.b2))]
            self.assertEqual(replies[0], replies[1])
            for c in waiting[2] + waiting[0] + waiting[1] + waiting[3]:
                c.close()
                self.conns.remove(c)


if __name__ == "__main__":
    rcs.run_tests()
