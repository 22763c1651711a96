#!/usr/bin/env python3
"""SLOWLOG keeps no secret (ports 21250-21251): with slowlog-log-slower-than 0, AUTH, HELLO ... AUTH, ACL SETUSER,
CONFIG SET of requirepass/masterauth/masteruser and MIGRATE ... AUTH/AUTH2 are logged with "(redacted)" in the
places redis-server 7.0.15 redacts, and the same commands give the same SLOWLOG arguments on both servers. A
monitoring user that may run SLOWLOG GET (the shipped `exporter`) thus never sees a password."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402

OURS, REF = 21250, 21251
SECRETS = ["sEcret-1", "sEcret-2", "sEcret-3", "sEcret-4", "sEcret-5"]
# Each sequence runs on a fresh client; replies are not compared (the MIGRATEs fail on both), the log is.
COMMANDS = [
    ["ACL", "SETUSER", "u1", "on", ">sEcret-1", "~*", "+@all"],
    ["AUTH", "u1", "sEcret-1"],
    ["AUTH", "wrong-sEcret-2"],
    ["AUTH", "nobody", "sEcret-2"],
    ["HELLO", "2", "AUTH", "u1", "sEcret-1", "SETNAME", "n1"],
    ["HELLO", "2", "SETNAME", "n2", "AUTH", "u1", "sEcret-1"],
    ["hello", "3", "auth", "u1", "sEcret-1"],
    ["CONFIG", "SET", "masteruser", "mu", "masterauth", "sEcret-3", "maxmemory", "0"],
    ["config", "set", "slowlog-max-len", "128", "requirepass", ""],
    ["MIGRATE", "127.0.0.1", "1", "k", "0", "10", "AUTH", "sEcret-4"],
    ["MIGRATE", "127.0.0.1", "1", "", "0", "10", "COPY", "AUTH2", "u", "sEcret-5", "KEYS", "a", "b"],
    ["ACL", "GETUSER", "u1"],
]


def slowlog_args(port):
    with rcs.Resp(port) as c:
        reply = c.call("SLOWLOG", "GET", "100")
    # Each entry: id, time, duration, args, peer, name. Oldest first, without the SLOWLOG RESET.
    entries = [e[3] for e in reply[1]]
    return [args for args in reversed(entries) if args[:2] != ["SLOWLOG", "RESET"]]


class SlowlogRedactionTest(rcs.ServersTestCase):
    def test_same_redactions_as_redis_server(self):
        logs = {}
        for port, binary in ((OURS, None), (REF, rcs.REDIS_SERVER)):
            s = self.server(port, "p%d" % port, args=["--slowlog-log-slower-than", "0", "--save", ""],
                            binary=binary)
            s.start()
            with rcs.Resp(port) as c:
                c.call("SLOWLOG", "RESET")
            for cmd in COMMANDS:
                with rcs.Resp(port) as c:
                    c.call(*cmd)
            logs[port] = slowlog_args(port)
        self.assertEqual(len(logs[REF]), len(COMMANDS), logs[REF])
        self.assertEqual(logs[OURS], logs[REF])
        flat = " ".join(" ".join(a) for a in logs[OURS])
        for secret in SECRETS:
            self.assertNotIn(secret, flat)
        self.assertIn("(redacted)", flat)


if __name__ == "__main__":
    rcs.run_tests()
