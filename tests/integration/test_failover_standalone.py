"""FAILOVER on standalone masters beside Debian's redis-server 7.0.15 (ports 10100-10105).

A primary+replica pair of ours (10100/10101) and one of redis-server (10102/10103) get the same FAILOVER
sequences over raw RESP; replies are compared byte for byte: every error (no replicas, a master, a replica,
FORCE without TIMEOUT/TO, a TO that is no replica, syntax, TIMEOUT <= 0, PSYNC ... FAILOVER to a master or with
a wrong replid), then FAILOVER (any replica) and FAILOVER TO ... TIMEOUT back: both end with the same roles
(INFO replication role, master_port = the partner), master_failover_state no-failover, the data written before
on the new primary and writes going on after. A replica held by CLIENT PAUSE WRITE (its master's stream waits)
keeps a FAILOVER TIMEOUT in waiting-for-sync: FAILOVER again, REPLICAOF and writes are refused/held as in
redis-server, ABORT ends it; without FORCE the TIMEOUT aborts it. Then our primary fails over to a redis-server
replica (10104 ours, 10105 redis-server) and back (redis-server sends our node PSYNC FAILOVER). Also CLIENT PAUSE
WRITE against scripts/functions by their flags, and SCRIPT DEBUG (YES/SYNC refused: no Lua debugger)."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

OURS, OURS_R, REF, REF_R, MIX_OURS, MIX_REF = 10100, 10101, 10102, 10103, 10104, 10105
REF_ARGS = ["--repl-diskless-sync-delay", "0"]


def repl(port):
    with rcs.Resp(port) as c:
        text = c.call_raw("INFO", "replication").decode()
    return dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)


def call(port, *args):
    with rcs.Resp(port) as c:
        return c.call_raw(*args)


def follows(replica, master):
    def ok():
        r, m = repl(replica), repl(master)
        return (r.get("role") == "slave" and r.get("master_port") == str(master) and
                r.get("master_link_status") == "up" and m.get("role") == "master" and
                m.get("master_failover_state") == "no-failover" and
                any(("port=%d,state=online" % replica) in v for k, v in m.items() if k.startswith("slave")))
    rcs.wait_until(ok, timeout=15, what="%d to follow %d" % (replica, master))


def synced(replica, master):
    rcs.wait_until(lambda: repl(replica).get("slave_repl_offset") == repl(master).get("master_repl_offset"),
                   timeout=10, what="%d to catch up with %d" % (replica, master))


class FailoverStandaloneTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.servers = [rcs.Server(OURS).start(), rcs.Server(OURS_R).start(),
                       rcs.Server(REF, args=REF_ARGS, binary=rcs.REDIS_SERVER).start(),
                       rcs.Server(REF_R, args=REF_ARGS, binary=rcs.REDIS_SERVER).start(),
                       rcs.Server(MIX_OURS).start(),
                       rcs.Server(MIX_REF, args=REF_ARGS, binary=rcs.REDIS_SERVER).start()]

    @classmethod
    def tearDownClass(cls):
        for s in cls.servers:
            s.stop()

    def same(self, pairs, *args):
        """The command on each (ours, ref) port pair; replies compared as bytes."""
        a, b = call(pairs[0], *args), call(pairs[1], *args)
        self.assertEqual(a, b, "%r: ours %r, redis-server %r" % (args, a, b))
        return a

    def test_1_pair_differential(self):
        masters, replicas = (OURS, REF), (OURS_R, REF_R)
        for args in (("FAILOVER",), ("FAILOVER", "ABORT"), ("FAILOVER", "TO"), ("FAILOVER", "TO", "h", "x"),
                     ("FAILOVER", "TIMEOUT", "0"), ("FAILOVER", "TIMEOUT", "-1"), ("FAILOVER", "TIMEOUT", "x"),
                     ("FAILOVER", "FORCE"), ("FAILOVER", "TIMEOUT", "5", "TIMEOUT", "6"),
                     ("FAILOVER", "ABORT", "TIMEOUT", "5"), ("FAILOVER", "bla"), ("FAILOVER", "FORCE", "FORCE"),
                     ("PSYNC", "x", "1", "FAILOVER")):
            self.same(masters, *args)
        for m, r in zip(masters, replicas):
            call(r, "REPLICAOF", "127.0.0.1", str(m))
        for m, r in zip(masters, replicas):
            follows(r, m)
            for i in range(50):
                call(m, "SET", "k%d" % i, "v%d" % i)
            synced(r, m)
        self.assertEqual(call(OURS, "FAILOVER", "TO", "127.0.0.1", "1"), call(REF, "FAILOVER", "TO", "127.0.0.1", "1"))
        for args in (("FAILOVER", "FORCE"), ("FAILOVER", "TIMEOUT", "100", "FORCE"), ("FAILOVER", "ABORT")):
            self.same(masters, *args)
        for args in (("FAILOVER",), ("FAILOVER", "ABORT"), ("PSYNC", "0" * 40, "1", "FAILOVER")):
            self.same(replicas, *args)
        self.same(masters, "FAILOVER", "TO", "127.0.0.1", str(OURS_R + 1000))

        # A replica whose master's stream is held by CLIENT PAUSE WRITE does not catch up.
        for m, r in zip(masters, replicas):
            call(r, "CLIENT", "PAUSE", "20000", "WRITE")
            call(m, "SET", "held", "1")
            self.assertEqual(call(r, "GET", "held"), b"$-1\r\n")
        a = call(OURS, "FAILOVER", "TO", "127.0.0.1", str(OURS_R), "TIMEOUT", "20000")
        b = call(REF, "FAILOVER", "TO", "127.0.0.1", str(REF_R), "TIMEOUT", "20000")
        self.assertEqual(a, b)
        self.assertEqual(a, b"+OK\r\n")
        for m in masters:
            self.assertEqual(repl(m)["master_failover_state"], "waiting-for-sync")
        for args in (("FAILOVER",), ("REPLICAOF", "NO", "ONE"), ("PSYNC", "?", "-1"), ("GET", "held")):
            self.same(masters, *args)
        writers = [rcs.Resp(m) for m in masters]
        for w in writers:
            w.send("SET", "during", "1")
            w.s.settimeout(0.3)
            with self.assertRaises(OSError):
                w.read_raw()  # held by the failover's pause
            w.s.settimeout(10)
        self.same(masters, "CLIENT", "UNPAUSE")  # does not end the failover's pause
        self.same(masters, "FAILOVER", "ABORT")
        for w in writers:
            self.assertEqual(w.read_raw(), b"+OK\r\n")
            w.close()
        for m in masters:
            self.assertEqual(repl(m)["master_failover_state"], "no-failover")
        # Without FORCE the TIMEOUT aborts it.
        self.same(masters, "FAILOVER", "TIMEOUT", "300")
        for m in masters:
            rcs.wait_until(lambda: repl(m)["master_failover_state"] == "no-failover", timeout=10, what="timeout")
            self.assertEqual(repl(m)["role"], "master")
        for r in replicas:
            call(r, "CLIENT", "UNPAUSE")
        for m, r in zip(masters, replicas):
            synced(r, m)
            self.assertEqual(call(r, "GET", "during"), b"$1\r\n1\r\n")

        # The happy path: to any replica, and back to a named one.
        self.same(masters, "FAILOVER")
        for m, r in zip(masters, replicas):
            follows(m, r)
            self.assertEqual(call(r, "GET", "k49"), b"$3\r\nv49\r\n")
            call(r, "SET", "after", "x")
            synced(m, r)
            self.assertEqual(call(m, "GET", "after"), b"$1\r\nx\r\n")
        self.same(masters, "SET", "a", "1")  # -READONLY on both
        a = call(OURS_R, "FAILOVER", "TO", "127.0.0.1", str(OURS), "TIMEOUT", "10000")
        b = call(REF_R, "FAILOVER", "TO", "127.0.0.1", str(REF), "TIMEOUT", "10000")
        self.assertEqual(a, b)
        for m, r in zip(masters, replicas):
            follows(r, m)
            call(m, "SET", "back", "y")
            synced(r, m)
            self.assertEqual(call(r, "GET", "back"), b"$1\r\ny\r\n")

    def test_2_interop(self):
        # Our primary fails over to a redis-server replica, which fails back over to our node.
        call(MIX_REF, "REPLICAOF", "127.0.0.1", str(MIX_OURS))
        follows(MIX_REF, MIX_OURS)
        for i in range(20):
            call(MIX_OURS, "RPUSH", "l", str(i))
        synced(MIX_REF, MIX_OURS)
        self.assertEqual(call(MIX_OURS, "FAILOVER", "TO", "127.0.0.1", str(MIX_REF), "TIMEOUT", "10000"), b"+OK\r\n")
        follows(MIX_OURS, MIX_REF)
        self.assertEqual(call(MIX_REF, "LLEN", "l"), b":20\r\n")
        call(MIX_REF, "RPUSH", "l", "x")
        self.assertEqual(call(MIX_REF, "FAILOVER"), b"+OK\r\n")
        follows(MIX_REF, MIX_OURS)
        self.assertEqual(call(MIX_OURS, "LLEN", "l"), b":21\r\n")
        call(MIX_OURS, "RPUSH", "l", "y")
        synced(MIX_REF, MIX_OURS)
        self.assertEqual(call(MIX_REF, "LLEN", "l"), b":22\r\n")

    def test_3_pause_write_scripts(self):
        # CLIENT PAUSE WRITE holds scripts and functions by their declared flags (Redis's scriptFlagsToCmdFlags).
        masters = (OURS, REF)
        lib = "#!lua name=fo\nredis.register_function{function_name='ro', callback=function() return 1 end, " \
              "flags={'no-writes'}}\nredis.register_function('rw', function() return 2 end)"
        self.same(masters, "FUNCTION", "LOAD", "REPLACE", lib)
        ro = self.same(masters, "SCRIPT", "LOAD", "#!lua flags=no-writes\nreturn 3").split(b"\r\n")[1].decode()
        rw = self.same(masters, "SCRIPT", "LOAD", "#!lua\nreturn 4").split(b"\r\n")[1].decode()
        compat = self.same(masters, "SCRIPT", "LOAD", "return 5").split(b"\r\n")[1].decode()
        cases = [("EVALSHA", ro, "0"), ("EVALSHA_RO", ro, "0"), ("EVALSHA", rw, "0"), ("EVALSHA", compat, "0"),
                 ("EVALSHA_RO", compat, "0"), ("FCALL", "ro", "0"), ("FCALL_RO", "ro", "0"), ("FCALL", "rw", "0"),
                 ("FCALL_RO", "rw", "0"), ("FCALL", "nosuch", "0"), ("FCALL_RO", "nosuch", "0"),
                 ("EVAL", "#!lua flags=no-writes\nreturn 6", "0"), ("EVAL_RO", "#!lua\nreturn 7", "0"),
                 ("EVAL_RO", "return 8", "0")]
        self.same(masters, "CLIENT", "PAUSE", "20000", "WRITE")
        conns = {}
        for port in masters:
            seen = []
            for args in cases:
                c = rcs.Resp(port)
                c.send(*args)
                c.s.settimeout(0.2)
                try:
                    seen.append(c.read_raw())
                    c.close()
                except OSError:
                    seen.append("held")
                    conns.setdefault(port, []).append(c)
                    c.s.settimeout(10)
            conns[port, "seen"] = seen
        self.assertEqual(conns[OURS, "seen"], conns[REF, "seen"])
        self.assertIn("held", conns[OURS, "seen"])
        self.assertNotEqual(conns[OURS, "seen"][0], "held")  # EVALSHA of a no-writes script runs
        self.same(masters, "CLIENT", "UNPAUSE")
        for port in masters:
            conns[port, "after"] = [c.read_raw() for c in conns.get(port, [])]
            for c in conns.get(port, []):
                c.close()
        self.assertEqual(conns[OURS, "after"], conns[REF, "after"])

    def test_4_script_debug(self):
        # SCRIPT DEBUG answers as redis-server 7.0.15, except that YES/SYNC are refused: there is no Lua debugger.
        masters = (OURS, REF)
        for args in (("SCRIPT", "DEBUG", "NO"), ("SCRIPT", "DEBUG", "maybe"), ("SCRIPT", "DEBUG"),
                     ("SCRIPT", "HELP")):
            self.same(masters, *args)
        for port in masters:
            with rcs.Resp(port) as c:
                c.send_raw(b"PING\r\nSCRIPT DEBUG NO\r\n")
                self.assertEqual(c.read_raw() + c.read_raw(),
                                 b"+PONG\r\n-ERR SCRIPT DEBUG must be called outside a pipeline\r\n")
        for mode in ("YES", "sync"):
            self.assertEqual(call(OURS, "SCRIPT", "DEBUG", mode),
                             b"-ERR SCRIPT DEBUG YES/SYNC is not supported by this node: it has no Lua debugger "
                             b"(use SCRIPT DEBUG NO)\r\n")


if __name__ == "__main__":
    rcs.run_tests()
