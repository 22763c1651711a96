#!/usr/bin/env python3
"""Small operator commands side by side with Debian's redis-server 7.0.15 (ports 21992-21995).

The same commands go to our node and to redis-server, in RESP2 and RESP3, and the replies are compared byte
for byte: LPOS's RANK extremes, FUNCTION LOAD's options, COMMAND GETKEYS/GETKEYSANDFLAGS over commands with
every kind of key spec (and their errors), MODULE, MEMORY (STATS compared by field names, order and types),
LOLWUT, PFSELFTEST, hll-sparse-max-bytes and the DEBUG subcommands. One exception, checked on our node
alone: LPOS ... RANK -9223372036854775808 is refused as Redis 7.2+ refuses it (7.0.15's answer was a defect)."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402

OURS, REF = 21992, 21993
DEFAULT_OURS, DEFAULT_REF = 21994, 21995  # started with redis-server's defaults (MODULE LOAD refused)

GETKEYS = [
    ["get", "a"], ["set", "a", "b"], ["set", "a", "b", "GET"], ["set", "a", "b", "EX", "10", "get"],
    ["lmove", "a", "b", "LEFT", "RIGHT"], ["rpoplpush", "a", "b"], ["mset", "a", "1", "b", "2"],
    ["del", "a", "b", "c"], ["zunionstore", "d", "2", "a", "b", "WEIGHTS", "1", "2"], ["zunion", "2", "a", "b"],
    ["zunionstore", "d", "0", "a"], ["zunionstore", "d", "x", "a"], ["eval", "return 1", "0"],
    ["eval", "return 1", "2", "a", "b", "c"], ["eval", "return 1", "-1"], ["evalsha_ro", "x", "1", "k"],
    ["fcall", "f", "0"], ["fcall_ro", "f", "1", "k", "arg"], ["sort", "a"], ["sort", "a", "by", "x", "store", "b"],
    ["sort", "a", "store", "b", "get", "#"], ["sort_ro", "a", "by", "w_*"], ["bitfield", "a", "get", "u8", "0"],
    ["bitfield", "a", "overflow", "sat", "get", "u8", "0"], ["bitfield", "a", "set", "u8", "0", "1"],
    ["bitfield", "a", "incrby", "u8", "0", "1"], ["bitfield", "a", "bogus"], ["bitfield_ro", "a", "get", "u8", "0"],
    ["migrate", "h", "1", "k", "0", "10"], ["migrate", "h", "1", "", "0", "10", "keys", "a", "b"],
    ["migrate", "h", "1", "", "0", "10", "copy", "auth", "p", "keys", "a"],
    ["georadius", "a", "1", "1", "1", "m", "store", "b", "storedist", "c"],
    ["georadius", "a", "1", "1", "1", "m", "storedist", "c", "store", "b"],
    ["georadiusbymember", "a", "m", "1", "km", "store", "b"], ["geosearchstore", "d", "s", "frommember", "m", "byradius", "1", "m"],
    ["xread", "count", "1", "streams", "a", "b", "0", "0"], ["xreadgroup", "group", "g", "c", "streams", "a", "0"],
    ["xread", "streams", "a"], ["blmpop", "0", "2", "a", "b", "LEFT"], ["lmpop", "1", "a", "RIGHT"], ["lmpop", "0", "left"],
    ["zmpop", "1", "a", "min"], ["sintercard", "2", "a", "b"], ["smove", "a", "b", "m"], ["copy", "a", "b"],
    ["rename", "a", "b"], ["getdel", "a"], ["getex", "a"], ["pfcount", "a", "b"], ["pfmerge", "d", "a", "b"],
    ["object", "encoding", "a"], ["memory", "usage", "a"], ["xgroup", "create", "s", "g", "$"],
    ["xinfo", "stream", "s"], ["touch", "a", "b"], ["unlink", "a"], ["expire", "a", "1"], ["incr", "a"],
    ["hset", "h", "f", "v"], ["sadd", "s", "m"], ["lpush", "l", "x"], ["linsert", "l", "before", "a", "b"],
    ["spublish", "c", "m"], ["ssubscribe", "c"], ["publish", "c", "m"], ["client", "kill", "x"], ["ping"],
    ["echo", "x"], ["nosuchcommand", "a"], ["get"], ["get", "a", "b"], ["watch", "a", "b"], ["bitop", "and", "d", "a", "b"],
    ["lcs", "a", "b"], ["restore", "a", "0", "x"], ["dump", "a"], ["blpop", "a", "b", "0"], ["brpoplpush", "a", "b", "0"],
    ["zrangestore", "d", "s", "0", "1"], ["zdiffstore", "d", "2", "a", "b"], ["sunionstore", "d", "a", "b"],
    ["setrange", "a", "0", "x"], ["append", "a", "x"], ["hincrbyfloat", "h", "f", "1"], ["xadd", "s", "*", "f", "v"],
    ["xdel", "s", "0-1"], ["xtrim", "s", "maxlen", "1"], ["xautoclaim", "s", "g", "c", "0", "0"],
    ["function", "load", "x"], ["config", "get", "x"],
]


# Commands whose arity a later Redis widened and this node follows (ZRANK/ZREVRANK ... WITHSCORE, 7.2).
ARITY_EXTENDED = {"zrank", "zrevrank"}


class OpcmdsDifferentialTest(rcs.ServersTestCase):
    def setUp(self):
        super().setUp()
        for port, binary in ((OURS, None), (REF, rcs.REDIS_SERVER)):
            self.server(port, "p%d" % port, args=["--save", "", "--enable-debug-command", "yes",
                                                   "--enable-module-command", "local"], binary=binary).start()
        self.conns = {}
        for proto in (2, 3):
            a, b = rcs.Resp(OURS, timeout=20), rcs.Resp(REF, timeout=20)
            if proto == 3:
                a.call_raw("HELLO", "3")
                b.call_raw("HELLO", "3")
            self.conns[proto] = (a, b)

    def tearDown(self):
        for a, b in self.conns.values():
            a.close()
            b.close()
        super().tearDown()

    def both(self, *args, protos=(2, 3)):
        """Sends args to both servers in each protocol; the replies must be the same bytes."""
        out = None
        for proto in protos:
            a, b = self.conns[proto]
            ra, rb = a.call_raw(*args), b.call_raw(*args)
            self.assertEqual(ra, rb, "RESP%d: %r: ours %r, redis-server %r" % (proto, args, ra[:600], rb[:600]))
            out = ra
        return out

    def test_lpos_rank_extremes(self):
        self.both("RPUSH", "l", "a", "b", "a", "c", "a", protos=(2,))
        # The one rank that cannot be negated: redis-server 7.0.15 negates it in a C long and answers every
        # match; Redis 7.2 and later (the redis:8.4 we replace) refuse it, and so do we (checked by hand here:
        # the reference has the old behaviour).
        out_of_range = (b"-ERR value is out of range, value must between -9223372036854775807 and "
                        b"9223372036854775807\r\n")
        for proto in (2, 3):
            ours = self.conns[proto][0]
            for key in ("l", "missing"):
                for extra in ([], ["COUNT", "0"], ["COUNT", "2", "MAXLEN", "4"]):
                    self.assertEqual(ours.call_raw("LPOS", key, "a", "RANK", "-9223372036854775808", *extra),
                                     out_of_range)
        for rank in ("9223372036854775807", "-9223372036854775807", "0", "-1", "x",
                     "9223372036854775808", "-9223372036854775809", "1.5"):
            self.both("LPOS", "l", "a", "RANK", rank)
            self.both("LPOS", "l", "a", "RANK", rank, "COUNT", "0")
            self.both("LPOS", "l", "a", "RANK", rank, "COUNT", "2", "MAXLEN", "4")
            self.both("LPOS", "missing", "a", "RANK", rank)

    def test_function_load_options(self):
        code = "#!lua name=lib1\nredis.register_function('f1', function() return 1 end)"
        for args in (["foo", "bar"], ["REPLACE", "foo", "bar"], ["REPLACE", "REPLACE", "bar"], ["foo", code],
                     ["REPLACE", "foo", code], ["bar"]):
            self.both("FUNCTION", "LOAD", *args, protos=(2,))
        self.both("FUNCTION", "LOAD", code, protos=(2,))
        self.both("FUNCTION", "LOAD", "REPLACE", "replace", code, protos=(2,))
        self.both("FUNCTION", "LOAD", "REPLACE", "x", code, protos=(2,))
        self.both("FUNCTION", "LIST")

    def test_command_getkeys_and_flags(self):
        for cmd in GETKEYS:
            self.both("COMMAND", "GETKEYS", *cmd)
            self.both("COMMAND", "GETKEYSANDFLAGS", *cmd)
        for args in ([], ["get"]):
            self.both("COMMAND", "GETKEYS", *args)
            self.both("COMMAND", "GETKEYSANDFLAGS", *args)
        self.both("COMMAND", "HELP")

    def test_getkeys_sweep(self):
        """Every command and subcommand of the reference (that this node has too) with its arity's number of
        arguments and up to 3 more, as letters, as "1"s and mixed: GETKEYS and GETKEYSANDFLAGS answer alike."""
        fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "commands",
                               "redis-7.0.15.json")
        with open(fixture) as f:
            commands = json.load(f)["commands"]

        def walk(cs):
            for c in cs:
                yield c
                yield from walk(c["subcommands"])

        a, b = self.conns[2]
        checked = 0
        for c in walk(commands):
            name = c["name"].split("|")
            t, info = a.call("COMMAND", "INFO", c["name"])
            if info == [None] or (len(name) == 2 and a.call("COMMAND", "GETKEYS", *name, "x")[1] ==
                                  "ERR Invalid command specified"):
                continue  # a command this node does not have
            for extra in range(4):
                if extra > 0 and c["name"] in ARITY_EXTENDED:
                    continue  # more arguments than 7.0.15 allows are a later version's form here
                m = abs(c["arity"]) + extra - len(name)
                if m < 0:
                    continue
                for args in ([chr(97 + i % 26) for i in range(m)], ["1"] * m,
                             ["1" if i % 2 == 0 else chr(97 + i % 26) for i in range(m)]):
                    for sub in ("GETKEYS", "GETKEYSANDFLAGS"):
                        cmd = ["COMMAND", sub] + name + args
                        self.assertEqual(a.call_raw(*cmd), b.call_raw(*cmd), cmd)
                        checked += 1
        self.assertGreater(checked, 7000)

    def test_module(self):
        for args in (["LIST"], ["HELP"], ["LOAD", "/nonexistent/module.so"], ["LOAD", "/x.so", "a", "b"],
                     ["LOADEX", "/x.so"], ["LOADEX", "/x.so", "CONFIG", "a"], ["LOADEX", "/x.so", "ARGS", "1"],
                     ["UNLOAD", "x"], ["LIST", "x"], ["UNLOAD"], ["LOAD"], ["FOO"], ["help", "x"]):
            self.both("MODULE", *args)
        self.both("MODULE")
        for port, binary in ((DEFAULT_OURS, None), (DEFAULT_REF, rcs.REDIS_SERVER)):
            self.server(port, "d%d" % port, args=["--save", ""], binary=binary).start()
        with rcs.Resp(DEFAULT_OURS) as a, rcs.Resp(DEFAULT_REF) as b:
            for args in (["LOAD", "/x.so"], ["LOADEX", "/x.so"], ["UNLOAD", "x"], ["LIST"], ["HELP"]):
                self.assertEqual(a.call_raw("MODULE", *args), b.call_raw("MODULE", *args), args)
            self.assertEqual(a.call_raw("CONFIG", "GET", "enable-module-command"),
                             b.call_raw("CONFIG", "GET", "enable-module-command"))

    def memory_stats_shape(self, proto):
        shapes = []
        for c in self.conns[proto]:
            _, items = typed(c.call_raw("MEMORY", "STATS"))
            shapes.append(shape(items))
        self.assertEqual(shapes[0], shapes[1], "RESP%d" % proto)
        return shapes[0]

    def test_memory(self):
        self.both("MEMORY", "HELP")
        self.both("MEMORY", "DOCTOR")  # an empty instance
        for args in (["STATS", "x"], ["DOCTOR", "x"], ["PURGE", "x"], ["MALLOC-STATS", "x"], ["FOO"], ["USAGE"]):
            self.both("MEMORY", *args)
        self.both("MEMORY", "PURGE")
        self.both("SET", "k", "v", protos=(2,))
        for args in (["k", "SAMPLES", "x"], ["k", "SAMPLES", "-1"], ["k", "SAMPLES"], ["k", "FOO"],
                     ["missing"], ["missing", "SAMPLES", "0", "SAMPLES", "5"]):
            self.both("MEMORY", "USAGE", *args)
        self.both("DEL", "k", protos=(2,))
        for proto in (2, 3):
            self.memory_stats_shape(proto)
        self.both("RPUSH", "l", "a", protos=(2,))
        for proto in (2, 3):
            got = self.memory_stats_shape(proto)
            self.assertIn("db.0", [k for k, _ in got])
        a, _ = self.conns[3]
        _, stats = typed(a.call_raw("MEMORY", "STATS"))
        stats = dict(zip([v for _, v in stats[0::2]], stats[1::2]))
        self.assertEqual(stats["keys.count"], (":", 1))
        used = int(a.call("INFO", "memory")[1].split("used_memory:")[1].split("\r\n")[0])
        self.assertGreater(stats["total.allocated"][1], 0)
        self.assertLess(abs(stats["total.allocated"][1] - used), 1 << 20)
        t, text = a.call("MEMORY", "MALLOC-STATS")
        self.assertEqual(t, "=")
        self.assertIn("<malloc", text)
        # Over 5 MB: one of the reports (which depends on the process), never the empty-instance text.
        self.both("DEBUG", "POPULATE", "60000", "key", "100", protos=(2,))
        for c in self.conns[2]:
            t, text = c.call("MEMORY", "DOCTOR")
            self.assertTrue(text.startswith("Hi Sam, I can't find any memory issue") or
                            (text.startswith("Sam, I detected a few issues") and
                             text.endswith("I'm here to keep you safe, Sam. I want to help you.\n")), text)

    def test_lolwut(self):
        # What redis-server draws without randomness: the version line, Schotter's first two rows, and a
        # one-row skyline (no skyscraper is tall enough to show).
        for args in ([], ["VERSION", "7"], ["VERSION", "4"], ["VERSION", "-1"],
                     ["VERSION", "x"], ["VERSION"], ["5"], ["VERSION", "5", "x"], ["VERSION", "5", "10", "y"],
                     ["VERSION", "5", "10", "3", "z"], ["VERSION", "6", "x"], ["VERSION", "6", "3", "y"],
                     ["VERSION", "5", "20", "3", "2"], ["VERSION", "5", "66", "8", "1"], ["VERSION", "5", "1", "1", "1"],
                     ["VERSION", "5", "2", "1", "1"], ["VERSION", "5", "3", "2", "2"], ["VERSION", "5", "-5", "-1", "0"],
                     ["VERSION", "5", "5000", "300", "2"], ["VERSION", "5", "33", "7", "2"], ["VERSION", "6", "10", "1"],
                     ["VERSION", "6", "-3", "-3"], ["version", "6", "1", "1"]):
            self.both("LOLWUT", *args)
        # Random drawings: the same lines, of the same lengths, the same last lines. VERSION 4294967301 is 5
        # (redis-server takes the version as an unsigned int).
        for args in (["VERSION", "5"], ["VERSION", "6"], ["VERSION", "5", "40", "5", "9"], ["VERSION", "6", "30", "8"],
                     ["VERSION", "4294967301", "20", "3", "4"]):
            texts = [c.call("LOLWUT", *args)[1] for c in self.conns[2]]
            a, b = [t.split("\n") for t in texts]
            self.assertEqual(len(a), len(b), args)
            self.assertEqual(a[-3:], b[-3:], args)
            cells = (lambda line: line.count("\x1b[0m")) if args[1] == "6" else len  # pixels (6) or characters
            self.assertEqual([cells(x) for x in a], [cells(x) for x in b], args)

    def test_pfselftest_and_sparse_max_bytes(self):
        self.both("PFSELFTEST", protos=(2,))
        self.both("PFSELFTEST", "x", protos=(2,))
        for limit in ("100", "0", "3000", "1kb"):
            self.both("CONFIG", "SET", "hll-sparse-max-bytes", limit, protos=(2,))
            self.both("CONFIG", "GET", "hll-sparse-max-bytes")
            self.both("DEL", "h", "m", protos=(2,))
            for i in range(0, 400, 20):
                self.both("PFADD", "h", *["e%d" % j for j in range(i, i + 20)], protos=(2,))
                self.both("PFDEBUG", "ENCODING", "h", protos=(2,))
                self.both("GET", "h", protos=(2,))
            self.both("PFADD", "s", "x", protos=(2,))
            self.both("PFMERGE", "m", "s", "h", protos=(2,))
            self.both("PFDEBUG", "ENCODING", "m", protos=(2,))
            self.both("GET", "m", protos=(2,))
            self.both("PFCOUNT", "h", "m")
        self.both("CONFIG", "SET", "hll-sparse-max-bytes", "-1", protos=(2,))

    def test_debug_subcommands(self):
        for proto in (2, 3):
            a, b = self.conns[proto]
            for t in ("string", "integer", "double", "bignum", "null", "array", "set", "map", "attrib", "push",
                      "verbatim", "true", "false", "TRUE", "nosuch"):
                ra, rb = a.call_raw("DEBUG", "PROTOCOL", t), b.call_raw("DEBUG", "PROTOCOL", t)
                self.assertEqual(ra, rb, (proto, t))
                if t in ("push", "attrib") and proto == 3:  # the push or attribute, then the reply after it
                    self.assertEqual(a.read_raw(), b.read_raw(), (proto, t))
                    self.assertEqual(a.call_raw("PING"), b"+PONG\r\n")
        self.both("DEBUG", "PROTOCOL")
        self.both("RPUSH", "l", "a", "b", protos=(2,))
        self.both("HSET", "h", "f", "v", protos=(2,))
        self.both("SET", "s", "v", protos=(2,))
        for args in (["LISTPACK", "missing"], ["LISTPACK", "h"], ["LISTPACK", "l"], ["LISTPACK", "s"],
                     ["QUICKLIST", "l"], ["QUICKLIST", "l", "1"], ["QUICKLIST", "h"], ["QUICKLIST", "missing"],
                     ["QUICKLIST", "l", "1", "2"], ["LISTPACK"]):
            self.both("DEBUG", *args)
        for size in ("x", "-1", "5gb", "4294967296", "4gb", "1", "1kb", "0", "4293918720", "4293918721", "0"):
            self.both("DEBUG", "QUICKLIST-PACKED-THRESHOLD", size)
        for args in (["x"], ["-1"], ["5"], ["-1"], []):
            self.both("DEBUG", "DROP-CLUSTER-PACKET-FILTER", *args)
        # redis-server's own run takes 10-20 s on a busy machine: only ours runs it (redis-server's reply text).
        self.assertEqual(self.conns[2][0].call_raw("DEBUG", "STRINGMATCH-TEST"),
                         b"+Apparently Redis did not crash: test passed\r\n")
        a, b = self.conns[2]
        before = a.call("INFO", "replication")[1]
        self.both("DEBUG", "CHANGE-REPL-ID", protos=(2,))
        after = a.call("INFO", "replication")[1]
        replid = lambda text: text.split("master_replid:")[1].split("\r\n")[0]
        self.assertNotEqual(replid(before), replid(after))
        self.both("DEBUG", "CHANGE-REPL-ID", "x", protos=(2,))
        # DEBUG HELP lists the subcommands this node has, with redis-server's lines, in its order.
        ours, ref = a.call("DEBUG", "HELP")[1], b.call("DEBUG", "HELP")[1]
        self.assertEqual(ours[0], ref[0])
        it = iter(ref)
        self.assertTrue(all(line in it for line in ours), ours)
        for sub in ("PROTOCOL", "CHANGE-REPL-ID", "QUICKLIST-PACKED-THRESHOLD", "LISTPACK <key>",
                    "DROP-CLUSTER-PACKET-FILTER <packet-type>", "STRINGMATCH-TEST"):
            self.assertTrue(any(line.startswith(sub) for line in ours), sub)


def typed(data, pos=0):
    """The reply at data[pos:] as (type, value) with every element typed; a map's or attribute's value is
    its flat list of typed keys and values."""
    return _typed(data, pos)[0]


def _typed(data, pos):
    e = data.index(b"\r\n", pos)
    t, rest = chr(data[pos]), data[pos + 1:e]
    pos = e + 2
    if t in "$=!":
        n = int(rest)
        if n < 0:
            return (t, None), pos
        return (t, data[pos:pos + n].decode()), pos + n + 2
    if t in "*>~%|":
        n = int(rest)
        items = []
        for _ in range(n * (2 if t in "%|" else 1)):
            v, pos = _typed(data, pos)
            items.append(v)
        return (t, items), pos
    if t == ":":
        return (t, int(rest)), pos
    return (t, rest.decode()), pos


def shape(items):
    """A map's (flat list of typed keys and values) field names in order, with their value types (a nested
    map's shape in place of its type)."""
    out = []
    for (_, k), (t, v) in zip(items[0::2], items[1::2]):
        out.append((k, shape(v) if t == "%" else t))
    return out


if __name__ == "__main__":
    unittest.main()
