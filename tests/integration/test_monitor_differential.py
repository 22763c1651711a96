#!/usr/bin/env python3
"""Operator commands side by side with redis-server 7.0.15 (ports 21930-21935): MONITOR's lines for the same
command sequence (a Lua script, MULTI/EXEC, AUTH/HELLO/MIGRATE redaction, errors, admin commands that stay
hidden; timestamps and client ports normalized), a replica's monitor showing its master's stream, what a monitor client may run, RESET leaving monitor mode;
CLIENT PAUSE WRITE/ALL (held commands answered in order only after UNPAUSE or the deadline, reads passing a
WRITE pause); CLIENT REPLY OFF/SKIP/ON byte streams; CLIENT UNBLOCK TIMEOUT/ERROR; CLIENT HELP and the error
replies of CLIENT PAUSE/UNBLOCK/KILL, byte for byte."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402

OURS, REF = 21930, 21931
STAMP = re.compile(r"^\+?\d+\.\d{6} \[0 ([^\]]*)\] (.*)$", re.S)

SCRIPT = "redis.call('set', KEYS[1], ARGV[1]); redis.call('incr', 'n'); return redis.call('get', KEYS[1])"

# Each entry is sent by the data client and its reply read; MONITOR must show the same lines for them.
SEQUENCE = [
    ["SET", "k", "v"], ["GET", "k"], ["SET", "sp ace", "q\"uo\\te\n\r\t\x07\x08\x01\x7f\xff"],
    ["INCR", "n"], ["INCRBYFLOAT", "f", "1.5"], ["SET", "e", "1", "EX", "100"], ["PING"], ["ECHO", "x"],
    ["SELECT", "0"], ["CLIENT", "ID"], ["CLIENT", "GETNAME"], ["LPUSH", "k", "x"], ["GET", "k", "extra"],
    ["NOSUCH", "cmd"], ["CONFIG", "GET", "maxmemory"], ["CLIENT", "LIST"], ["DEBUG", "SLEEP", "0"],
    ["MULTI"], ["SET", "k2", "v2"], ["INCR", "n"], ["EXEC"],
    ["MULTI"], ["GET", "k"], ["NOSUCH"], ["EXEC"],
    ["MULTI"], ["MONITOR"], ["EXEC"],
    ["EXEC"],
    ["EVAL", SCRIPT, "1", "lk", "lv"], ["EVAL_RO", "return redis.call('get', KEYS[1])", "1", "lk"],
    ["FUNCTION", "LOAD", "#!lua name=mlib\nredis.register_function('mf', function(keys, args) "
                         "return redis.call('incr', keys[1]) end)"],
    ["FCALL", "mf", "1", "fk"], ["FCALL_RO", "nosuchf", "0"], ["FUNCTION", "DELETE", "mlib"],
    ["EVALSHA", "0" * 40, "0"], ["EVAL", "return redis.pcall('nosuch')", "0"],
    ["AUTH", "secret"], ["AUTH", "default", "secret"], ["HELLO", "2", "AUTH", "default", "pw", "SETNAME", "nm"],
    ["HELLO", "2"], ["MIGRATE", "127.0.0.1", "1", "", "0", "100", "AUTH", "pw", "KEYS", "nokey"],
    ["MIGRATE", "127.0.0.1", "1", "", "0", "100", "AUTH2", "u", "pw", "KEYS", "nokey"],
    ["BLPOP", "nolist", "0.01"], ["PUBLISH", "ch", "m"], ["SCRIPT", "FLUSH"], ["DEL", "k", "k2"],
]


def normalize(lines):
    """MONITOR lines with the timestamp dropped and each client's ip:port numbered by first appearance."""
    peers, out = {}, []
    for line in lines:
        m = STAMP.match(line)
        assert m, line
        src = m.group(1)
        if src != "lua":
            src = "c%d" % peers.setdefault(src, len(peers))
        out.append("[%s] %s" % (src, m.group(2)))
    return out


class MonitorDifferentialTest(rcs.ServersTestCase):
    def setUp(self):
        super().setUp()
        for port, binary in ((OURS, None), (REF, rcs.REDIS_SERVER)):
            self.server(port, "p%d" % port, args=["--save", "", "--enable-debug-command", "yes"],
                        binary=binary).start()

    def both(self, fn):
        return {port: fn(port) for port in (OURS, REF)}

    def assertSame(self, seen):
        self.assertEqual(seen[OURS], seen[REF])

    @staticmethod
    def monitor_call(m, *cmd):
        """A command's reply on a monitor connection, skipping the MONITOR lines around it."""
        m.send(*cmd)
        for _ in range(100):
            raw = m.read_raw()
            if not STAMP.match(raw.decode("utf-8", "replace")):
                return raw
        raise AssertionError("no reply to %r" % (cmd,))

    def wait_blocked(self, c, n, monitor=False):
        for _ in range(200):
            if monitor:
                text = self.monitor_call(c, "INFO", "clients").decode()
            else:
                text = c.call("INFO", "clients")[1]
            if "blocked_clients:%d\r\n" % n in text:
                return
            time.sleep(0.02)
        self.fail("blocked_clients never reached %d: %s" % (n, text))

    def test_monitor_lines(self):
        def run(port):
            with rcs.Resp(port) as m, rcs.Resp(port) as c:
                self.assertEqual(m.call("MONITOR"), ("+", "OK"))
                replies = []
                for cmd in SEQUENCE:
                    replies.append(c.call_raw(*cmd))
                c.call("ECHO", "end-marker")
                lines = []
                for _ in range(500):
                    t, v = m.read()
                    self.assertEqual(t, "+", v)
                    lines.append(v)
                    if v.endswith('"end-marker"'):
                        break
                # What a monitor may run: not the keyspace (refused, so not shown either).
                own = [self.monitor_call(m, *cmd) for cmd in (["GET", "k"], ["SET", "k", "v"], ["PUBLISH", "ch", "x"])]
                # MONITOR again is ignored (no reply); its own PING is answered, then shown.
                m.send_raw(rcs.encode("MONITOR") + rcs.encode("PING"))
                tail = []
                for _ in range(10):
                    tail.append(m.read()[1])
                    if len(tail) == 2:
                        break
                tail = [tail[0]] + normalize(tail[1:])
                _, listing = c.call("CLIENT", "LIST")
                flags = [f for f in re.findall(r"flags=(\S+)", listing)]
                # RESET leaves monitor mode: the data client's commands no longer show.
                self.assertEqual(m.call("RESET"), ("+", "RESET"))
                c.call("SET", "after", "1")
                after = m.call_raw("GET", "after")
            return normalize(lines), replies, own, sorted(flags), after, tail

        seen = self.both(run)
        ours, ref = seen[OURS], seen[REF]
        self.assertEqual(ours[0], ref[0])
        self.assertIn('[lua] "set" "lk" "lv"', ours[0])
        self.assertIn('[lua] "incr" "fk"', ours[0])
        self.assertIn('[c0] "AUTH" "(redacted)"', ours[0])
        self.assertNotIn("CONFIG", "\n".join(ours[0]))
        for i, cmd in enumerate(SEQUENCE):
            if cmd[0] not in ("CLIENT", "DEBUG", "MIGRATE", "SCRIPT", "HELLO"):
                self.assertEqual(ours[1][i], ref[1][i], cmd)
        self.assertEqual(ours[2], ref[2])
        self.assertEqual(ours[3], ref[3])
        self.assertIn("O", ours[3])
        self.assertEqual(ours[4], ref[4])
        self.assertEqual(ours[4], b"$1\r\n1\r\n")
        self.assertEqual(ours[5][0], "PONG")
        self.assertEqual(ours[5][1][-6:], '"PING"')

    def test_monitor_sees_paused_and_blocked_once(self):
        def run(port):
            with rcs.Resp(port) as m, rcs.Resp(port) as b, rcs.Resp(port) as c:
                m.call("MONITOR")
                b.send("BLPOP", "bl", "0")
                self.wait_blocked(c, 1)
                c.call("RPUSH", "bl", "a")
                self.assertEqual(b.read(), ("*", ["bl", "a"]))
                c.call("ECHO", "end-marker")
                lines = []
                for _ in range(500):
                    lines.append(m.read()[1])
                    if lines[-1].endswith('"end-marker"'):
                        break
            # wait_blocked's INFO polls differ in number between the two runs.
            return [l for l in normalize(lines) if '"INFO"' not in l]

        self.assertSame(self.both(run))

    def test_client_pause(self):
        def run(port):
            out = []
            with rcs.Resp(port) as p, rcs.Resp(port) as w, rcs.Resp(port) as r, rcs.Resp(port) as m:
                p.call("SET", "pk", "0")
                out.append(p.call_raw("CLIENT", "PAUSE", "100000", "WRITE"))
                w.send_raw(rcs.encode("SET", "pk", "1") + rcs.encode("GET", "pk") + rcs.encode("INCR", "pk"))
                self.wait_blocked(p, 1)
                # Reads pass a WRITE pause; the paused client's write did not happen.
                out.append(r.call_raw("GET", "pk"))
                out.append(r.call_raw("EVAL_RO", "return redis.call('get', KEYS[1])", "1", "pk"))
                out.append(r.call_raw("EVAL", "#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])", "1", "pk"))
                r.send("PUBLISH", "ch", "m")  # may-replicate: held too
                self.wait_blocked(p, 2)
                _, listing = p.call("CLIENT", "LIST")
                out.append(sorted(re.findall(r"flags=(\S+)", listing)))
                out.append(p.call_raw("CLIENT", "UNPAUSE"))
                out.append(w.read_raw() + w.read_raw() + w.read_raw())
                out.append(r.read_raw())
                # ALL holds every normal client, the one that paused too; a monitor is never held, so it
                # watches and unpauses. A WRITE pause on top keeps the stricter type.
                m.call("MONITOR")
                out.append(p.call_raw("CLIENT", "PAUSE", "100000", "ALL"))
                p.send("CLIENT", "PAUSE", "100000", "WRITE")
                r.send("GET", "pk")
                self.wait_blocked(m, 2, monitor=True)
                out.append(self.monitor_call(m, "CLIENT", "UNPAUSE"))
                out.append(p.read_raw())  # its WRITE pause started when it ran, after the UNPAUSE
                out.append(r.read_raw())  # a read: not held by that one
                out.append(p.call_raw("CLIENT", "UNPAUSE"))
                # The deadline ends a pause by itself.
                out.append(p.call_raw("CLIENT", "PAUSE", "200", "ALL"))
                r.send("PING")
                out.append(r.read_raw())
                out.append(p.call_raw("CLIENT", "PAUSE", "0"))
                out.append(r.call_raw("INCR", "pk"))
                # While paused the data set stays still: an expired key reads as absent but is not deleted.
                out.append(p.call_raw("SET", "ek", "v", "PX", "30"))
                out.append(p.call_raw("CLIENT", "PAUSE", "100000", "WRITE"))
                time.sleep(0.3)  # past the key's expiry and a few active-expiry cycles
                out += [r.call_raw("GET", "ek"), r.call_raw("DBSIZE"), r.call_raw("EXISTS", "ek")]
                out.append(p.call_raw("CLIENT", "UNPAUSE"))
                out += [r.call_raw("GET", "ek"), r.call_raw("DBSIZE")]
                for cmd in (["CLIENT", "PAUSE", "abc"], ["CLIENT", "PAUSE", "-1"], ["CLIENT", "PAUSE", "10", "bad"],
                            ["CLIENT", "PAUSE", "abc", "bad"], ["CLIENT", "PAUSE", "1", "ALL", "x"],
                            ["CLIENT", "PAUSE"], ["CLIENT", "UNPAUSE", "x"], ["CLIENT", "PAUSE", "1.5"]):
                    out.append(p.call_raw(*cmd))
            return out

        self.assertSame(self.both(run))

    def test_client_reply(self):
        def run(port):
            with rcs.Resp(port) as c, rcs.Resp(port) as s, rcs.Resp(port) as pub:
                payload = b"".join(rcs.encode(*cmd) for cmd in (
                    ["CLIENT", "REPLY", "OFF"], ["SET", "a", "1"], ["GET", "a"], ["CLIENT", "REPLY", "SKIP"],
                    ["NOSUCH"], ["CLIENT", "REPLY", "ON"], ["GET", "a"], ["CLIENT", "REPLY", "SKIP"], ["GET", "a"],
                    ["INCR", "a"], ["CLIENT", "REPLY", "SKIP"], ["CLIENT", "REPLY", "SKIP"], ["PING"], ["PING", "x"],
                    ["CLIENT", "REPLY", "BAD"], ["CLIENT", "REPLY"], ["ECHO", "end"]))
                c.send_raw(payload)
                stream = b""
                while not stream.endswith(b"$3\r\nend\r\n"):
                    stream += c.read_raw()
                # Pub/sub pushes still arrive with replies off.
                s.send_raw(rcs.encode("CLIENT", "REPLY", "OFF") + rcs.encode("SUBSCRIBE", "c1", "c2"))
                pushes = [s.read_raw(), s.read_raw()]
                pub.call("PUBLISH", "c1", "hello")
                pushes.append(s.read_raw())
            return stream, pushes

        self.assertSame(self.both(run))

    def test_client_unblock(self):
        def run(port):
            out = []
            with rcs.Resp(port) as b, rcs.Resp(port) as u:
                _, bid = b.call("CLIENT", "ID")
                for cmd, mode in ((["BLPOP", "nl", "0"], "TIMEOUT"), (["BZPOPMIN", "nz", "0"], "ERROR"),
                                  (["XREAD", "BLOCK", "0", "STREAMS", "ns", "$"], "ERROR"),
                                  (["BLMOVE", "nl", "dst", "LEFT", "RIGHT", "0"], "timeout"),
                                  (["BZPOPMAX", "nz", "0"], None), (["WAIT", "1", "0"], "TIMEOUT"),
                                  (["WAIT", "1", "0"], "ERROR")):
                    b.send(*cmd)
                    self.wait_blocked(u, 1)
                    args = ["CLIENT", "UNBLOCK", str(bid)] + ([mode] if mode else [])
                    out.append(u.call_raw(*args))
                    out.append(b.read_raw())
                    out.append(b.call_raw("PING"))
                out.append(u.call_raw("CLIENT", "UNBLOCK", str(bid)))
                out.append(u.call_raw("CLIENT", "UNBLOCK", "99999"))
                for cmd in (["CLIENT", "UNBLOCK", "abc"], ["CLIENT", "UNBLOCK", str(bid), "bad"],
                            ["CLIENT", "UNBLOCK", "1", "error", "x"], ["CLIENT", "UNBLOCK"]):
                    out.append(u.call_raw(*cmd))
            return out

        self.assertSame(self.both(run))

    def test_help_kill_and_errors(self):
        def run(port):
            out = []
            with rcs.Resp(port) as c, rcs.Resp(port) as victim:
                for cmd in (["CLIENT", "HELP"], ["client", "help"], ["CLIENT", "KILL", "1.2.3.4:5"],
                            ["CLIENT", "KILL", "ID", "abc"], ["CLIENT", "KILL", "ID", "0"],
                            ["CLIENT", "KILL", "ID", "-3"], ["CLIENT", "KILL", "TYPE", "foo"],
                            ["CLIENT", "KILL", "USER", "nosuch"], ["CLIENT", "KILL", "SKIPME", "maybe"],
                            ["CLIENT", "KILL", "ID", "5", "SKIPME"], ["CLIENT", "KILL", "FOO", "bar"],
                            ["CLIENT", "KILL", "ADDR", "1.2.3.4:5"], ["CLIENT", "KILL", "LADDR", "1.2.3.4:5"],
                            ["CLIENT", "KILL", "TYPE", "master"], ["CLIENT", "KILL", "USER", "default", "SKIPME", "yes",
                                                                  "TYPE", "pubsub"],
                            ["CLIENT", "NO-EVICT", "maybe"], ["CLIENT", "NO-EVICT", "on"], ["CLIENT", "NO-EVICT", "OFF"],
                            ["CLIENT", "REPLY", "ON"], ["MONITOR", "x"], ["CLIENT", "NOSUCH"]):
                    out.append(c.call_raw(*cmd))
                _, vid = victim.call("CLIENT", "ID")
                victim.send("BLPOP", "kl", "0")  # a blocked client is killed as well
                self.wait_blocked(c, 1)
                out.append(c.call_raw("CLIENT", "KILL", "ID", str(vid)))
                out.append(c.call_raw("CLIENT", "KILL", "ID", str(vid)))
                self.assertRaises((ConnectionError, OSError), victim.read_raw)
                self.wait_blocked(c, 0)
                # The old form may kill the caller itself.
                _, info = c.call("CLIENT", "INFO")
                addr = re.search(r"addr=(\S+)", info).group(1)
                out.append(c.call_raw("CLIENT", "KILL", addr))
            return out

        self.assertSame(self.both(run))

    def test_monitor_on_replica(self):
        """What a replica's monitor shows of its master's stream (ports 21932-21935): our node and redis-server,
        each a replica of a redis-server master (so both get the same stream, SELECT included)."""
        def run(master_port, binary):
            self.server(master_port, "m%d" % master_port, args=["--save", "", "--repl-diskless-sync-delay", "0"],
                        binary=rcs.REDIS_SERVER).start()
            replica = self.server(master_port + 1, "r%d" % master_port,
                                  args=["--save", "", "--replicaof", "127.0.0.1", str(master_port)],
                                  binary=binary).start()
            with rcs.Resp(replica.port) as r:
                for _ in range(500):
                    if "master_link_status:up" in r.call("INFO", "replication")[1]:
                        break
                    time.sleep(0.02)
                else:
                    self.fail("replica of %d never linked" % master_port)
            with rcs.Resp(replica.port) as m, rcs.Resp(master_port) as c:
                m.call("MONITOR")
                for cmd in (["SET", "a", "1"], ["INCR", "n"], ["MULTI"], ["SET", "b", "2"], ["DEL", "a"], ["EXEC"],
                            ["EVAL", "redis.call('set', 'x', '1'); redis.call('set', 'y', '2')", "0"],
                            ["PEXPIREAT", "b", "4102444800000"], ["SET", "end-marker", "1"]):
                    c.call(*cmd)
                lines = []
                for _ in range(200):
                    lines.append(m.read()[1])
                    if '"end-marker"' in lines[-1]:
                        break
            # The master's periodic PING and REPLCONF GETACK come at times of their own.
            return [l for l in normalize(lines) if not l.endswith('"PING"')]

        ours, ref = run(21932, None), run(21934, rcs.REDIS_SERVER)
        self.assertEqual(ours, ref)
        self.assertIn('[c0] "SET" "end-marker" "1"', ours)


if __name__ == "__main__":
    import unittest
    unittest.main()
