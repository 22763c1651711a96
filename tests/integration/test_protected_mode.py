"""protected-mode, differential against Debian's redis-server 7.0.15, in a network namespace this test makes
(needs root and `ip netns`; else exit 77).

The namespace has its loopback and a veth link eth0 with 10.213.91.1/24 (its peer eth1 in the namespace too); our node (port 21110) and
redis-server (port 21111) run in it bound to every address. A client in the same namespace connecting to
10.213.91.1 comes from a non-loopback address. For both servers, compared byte for byte:
  - protected-mode yes (the default) and no password: the outside client gets the -DENIED text and the
    connection is closed; a loopback client is served; rejected_connections counts the refusal;
  - with a password (CONFIG SET requirepass) the outside client connects and must AUTH;
  - CONFIG SET protected-mode no without a password: the outside client is served.
Every process and the namespace are removed at the end, also on failure."""
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

OURS, REF = 21110, 21111
NS = "rcs%d-pm" % (os.getpid() % 100000)
OUTSIDE_ADDR = "10.213.91.1"

# Runs in the namespace: connect, send the commands (if any), read until the server closes or goes quiet, print the bytes.
RAW_CLIENT = r"""
import socket, sys
host, port, payload = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode().decode("unicode_escape").encode("latin-1")
s = socket.create_connection((host, port), timeout=5)
if payload:
    s.sendall(payload)
s.settimeout(0.5)
data = b""
try:
    while len(data) < 65536:
        chunk = s.recv(65536)
        if not chunk:
            data += b"<closed>"
            break
        data += chunk
except socket.timeout:
    pass
except ConnectionResetError:
    data += b"<reset>"
sys.stdout.write(repr(data))
"""


def run(*cmd, check=True):
    r = subprocess.run(list(cmd), capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL)
    if check and r.returncode != 0:
        raise AssertionError("%s failed (%d): %s %s" % (" ".join(cmd), r.returncode, r.stdout, r.stderr))
    return r


def netns_unavailable():
    if os.geteuid() != 0:
        return "not root"
    if shutil.which("ip") is None:
        return "no `ip` command"
    r = run("ip", "netns", "add", NS, check=False)
    if r.returncode != 0:
        return "`ip netns add` failed: %s" % r.stderr.strip()
    return None


class NsServer(rcs.Server):
    """A server started inside the test's namespace, bound to every address."""

    def command_line(self):
        return ["ip", "netns", "exec", NS, self.binary, "--port", str(self.port), "--bind", "0.0.0.0",
                "--dir", self.dir, "--save", "", "--appendonly", "no"]

    def cli(self, *args, check=True, timeout=20, extra=()):
        out = subprocess.run(["ip", "netns", "exec", NS, rcs.REDIS_CLI, "-h", "127.0.0.1", "-p", str(self.port)] +
                             [str(a) for a in args], capture_output=True, text=True, timeout=timeout)
        if check and out.returncode != 0:
            raise AssertionError("redis-cli %s failed: %s %s" % (args, out.stdout, out.stderr))
        return out.stdout

    def raw(self, host, payload):
        return run("ip", "netns", "exec", NS, sys.executable, "-c", RAW_CLIENT, host, str(self.port), payload).stdout


class ProtectedModeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        why = netns_unavailable()
        if why:
            print("SKIP: protected-mode test needs a network namespace (%s)" % why)
            sys.exit(77)
        try:
            run("ip", "-n", NS, "link", "set", "lo", "up")
            run("ip", "-n", NS, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1")
            run("ip", "-n", NS, "addr", "add", OUTSIDE_ADDR + "/24", "dev", "eth0")
            run("ip", "-n", NS, "link", "set", "eth0", "up")
            run("ip", "-n", NS, "link", "set", "eth1", "up")
        except Exception:
            run("ip", "netns", "del", NS, check=False)
            raise

    @classmethod
    def tearDownClass(cls):
        run("ip", "netns", "del", NS, check=False)

    def setUp(self):
        self.servers = [NsServer(OURS), NsServer(REF, binary=rcs.REDIS_SERVER)]
        # Servers in the namespace are not reachable from the test's own namespace: wait with their cli.
        for s in self.servers:
            s.start(wait=False)
            rcs.wait_until(lambda s=s: s.cli("PING", check=False).strip() == "PONG", timeout=10,
                           what="server %d answering PING in the namespace" % s.port)

    def tearDown(self):
        for s in self.servers:
            s.stop()

    def both(self, fn):
        got, want = (fn(s) for s in self.servers)
        self.assertEqual(got, want)
        return got

    def test_outside_clients_refused_without_password(self):
        # The refusal is written at accept, before the client says anything (a client that sent a command
        # first may see a reset instead: the server closes with its input unread, as Redis does).
        denied = self.both(lambda s: s.raw(OUTSIDE_ADDR, ""))
        self.assertTrue(denied.startswith('b"-DENIED Redis is running in protected mode'), denied)
        self.assertTrue(denied.endswith('from the outside.\\r\\n<closed>"'), denied)
        self.assertEqual(self.both(lambda s: s.raw("127.0.0.1", r"PING\r\n")), "b'+PONG\\r\\n'")
        rejected = self.both(lambda s: rcs.fields(s, "INFO", "stats").get("rejected_connections"))
        self.assertEqual(rejected, "1")

    def test_password_lets_outside_clients_authenticate(self):
        self.both(lambda s: s.cli("CONFIG", "SET", "requirepass", "s3cret"))
        noauth = self.both(lambda s: s.raw(OUTSIDE_ADDR, r"PING\r\n"))
        self.assertEqual(noauth, "b'-NOAUTH Authentication required.\\r\\n'")
        self.assertEqual(self.both(lambda s: s.raw(OUTSIDE_ADDR, r"AUTH s3cret\r\nPING\r\n")), "b'+OK\\r\\n+PONG\\r\\n'")

    def test_protected_mode_off(self):
        self.both(lambda s: s.cli("CONFIG", "SET", "protected-mode", "no"))
        self.assertEqual(self.both(lambda s: s.raw(OUTSIDE_ADDR, r"PING\r\n")), "b'+PONG\\r\\n'")
        self.assertEqual(self.both(lambda s: s.cli("CONFIG", "GET", "protected-mode")), "protected-mode\nno\n")


if __name__ == "__main__":
    rcs.run_tests()
