#!/usr/bin/env python3
"""Small operator commands side by side with Debian's redis-server 7.0.15 (ports 21992-21993).

The same commands go to our node and to redis-server, in RESP2 and RESP3, and the replies are compared byte
for byte: LPOS's RANK extremes, FUNCTION LOAD's options, COMMAND GETKEYS/GETKEYSANDFLAGS over commands with
every kind of key spec (and their errors), MODULE, MEMORY (STATS compared by field names, order and types),
LOLWUT, PFSELFTEST, hll-sparse-max-bytes and the DEBUG subcommands."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402

OURS, REF = 21992, 21993

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


class OpcmdsDifferentialTest(rcs.ServersTestCase):
    def setUp(self):
        super().setUp()
        for port, binary in ((OURS, None), (REF, rcs.REDIS_SERVER)):
            self.server(port, "p%d" % port, args=["--save", "", "--enable-debug-command", "yes"],
                        binary=binary).start()
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
        for rank in ("-9223372036854775808", "9223372036854775807", "-9223372036854775807", "0", "-1", "x",
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


if __name__ == "__main__":
    unittest.main()
