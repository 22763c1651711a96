"""One node process (ours or Debian's redis-server) for the integration tests (import it through rcs).

Every process started here is registered (rcs_wait.live) and stopped when the test ends (also on failure, on
SIGTERM and at interpreter exit). Every wait is bounded in time.
"""
import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from rcs_wait import live as _live, track, untrack, wait_until

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
NODE_BIN = os.environ.get("RCS_NODE_BIN", os.path.join(REPO, "build", "node", "redis-cluster-node"))
REDIS_SERVER = os.environ.get("REDIS_SERVER_BIN", "/usr/bin/redis-server")
REDIS_CHECK_RDB = "/usr/bin/redis-check-rdb"
REDIS_CLI = os.environ.get("REDIS_CLI_BIN", "/usr/bin/redis-cli")
REDIS_BENCHMARK = os.environ.get("REDIS_BENCHMARK_BIN", "/usr/bin/redis-benchmark")


def _cleanup():
    for p in list(_live):
        p.stop()


atexit.register(_cleanup)
signal.signal(signal.SIGTERM, lambda *a: (_cleanup(), os._exit(1)))


def fields(server, *command, timeout=20):
    """The "field:value" lines of a command's reply (INFO, CLUSTER INFO) as a dict of field -> value (text)."""
    out = {}
    for line in server.cli(*command, timeout=timeout).splitlines():
        if ":" in line:
            k, v = line.strip().split(":", 1)
            out[k] = v
    return out


def info(server, section="default"):
    """INFO <section> of a Server as a dict of field -> value (text)."""
    return fields(server, "INFO", section)


def port_free(port, host="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


def stop_process(proc, sig=signal.SIGTERM, timeout=10):
    """Sends sig to a running subprocess and reaps it; SIGKILL when it is still there after timeout s."""
    if proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


class Server:
    """A node (ours or Debian's redis-server) on host:port (127.0.0.1 unless another loopback address is
    given; `host` may change between stop() and start(): a node restarted on a new address) with its own
    directory."""

    preexec_fn = None  # run in the child before exec (e.g. PR_SET_PDEATHSIG); not for tests with threads

    def __init__(self, port, args=(), binary=None, password=None, workdir=None, host="127.0.0.1"):
        self.host = host
        self.port = port
        self.binary = binary or NODE_BIN
        self.password = password
        self.args = list(args)
        self.own_dir = workdir is None
        self.dir = workdir or tempfile.mkdtemp(prefix="rcs-%d-" % port)
        self.proc = None
        self.log_path = os.path.join(self.dir, "server.log")

    def command_line(self):
        cmd = [self.binary, "--port", str(self.port), "--bind", self.host, "--dir", self.dir,
               "--save", "", "--appendonly", "no"]
        if self.password:
            cmd += ["--requirepass", self.password, "--masterauth", self.password]
        return cmd + self.args

    def start(self, wait=True):
        # A node just killed can leave its port held for a moment by a forked AOF-rewrite child that has not
        # yet run its first instruction (it closes every inherited socket first): wait a bounded moment.
        deadline = time.time() + 3
        while not port_free(self.port, self.host):
            if time.time() > deadline:
                raise AssertionError("port %s:%d is busy before the test started" % (self.host, self.port))
            time.sleep(0.05)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command_line(), stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, preexec_fn=self.preexec_fn)
        log.close()
        track(self)
        if wait:
            wait_until(self.ping, timeout=10, what="server on port %d to answer PING" % self.port)
        return self

    def ping(self):
        if self.proc.poll() is not None:
            raise AssertionError("server on port %d exited with %s; log:\n%s" % (self.port, self.proc.returncode, self.log()))
        return self.cli("PING", check=False).strip() == "PONG"

    def cli(self, *args, check=True, timeout=20, extra=()):
        cmd = [REDIS_CLI, "-h", self.host, "-p", str(self.port)] + list(extra)
        if self.password:
            cmd += ["-a", self.password, "--no-auth-warning"]
        out = subprocess.run(cmd + [str(a) for a in args], capture_output=True, text=True, timeout=timeout)
        if check and out.returncode != 0:
            raise AssertionError("redis-cli %s failed: %s %s" % (args, out.stdout, out.stderr))
        return out.stdout

    def client(self, **kw):
        import redis  # Debian's python3-redis
        return redis.Redis(host=self.host, port=self.port, password=self.password, socket_timeout=10, **kw)

    def log(self):
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def log_tail(self, lines=30):
        """The last `lines` lines of the node's log."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - 256 * 1024))
                return "\n".join(f.read().decode(errors="replace").splitlines()[-lines:])
        except OSError as e:
            return "(no log: %s)" % e

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig=signal.SIGKILL):
        if self.proc:
            stop_process(self.proc, sig)

    def stop(self):
        if self.proc:
            stop_process(self.proc)
        if self in _live:
            untrack(self)
        if self.own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)


def check_rdb(path, keys=None):
    """Debian's redis-check-rdb on `path`: it must exit 0 with "RDB looks OK" and "Checksum OK" (and "<keys>
    keys read" when `keys` is given); its report is returned."""
    out = subprocess.run([REDIS_CHECK_RDB, path], capture_output=True, text=True, timeout=60)
    report = out.stdout + out.stderr
    for ok, what in ((out.returncode == 0, "exit 0"), ("RDB looks OK" in out.stdout, "RDB looks OK"),
                     ("Checksum OK" in out.stdout, "Checksum OK"),
                     (keys is None or "[info] %d keys read" % keys in out.stdout, "%s keys read" % keys)):
        if not ok:
            raise AssertionError("redis-check-rdb %s: no %s:\n%s" % (path, what, report))
    return out.stdout


class PairTestCase(unittest.TestCase):
    """A differential test's two servers for the whole class: our node on OURS_PORT and Debian's redis-server on
    REF_PORT, both started with SERVER_ARGS. If the second does not start, the first is stopped before the error
    goes up (unittest runs no tearDownClass after a failed setUpClass)."""
    OURS_PORT = None
    REF_PORT = None
    SERVER_ARGS = ()

    @classmethod
    def setUpClass(cls):
        cls.ours = Server(cls.OURS_PORT, args=cls.SERVER_ARGS).start()
        try:
            cls.ref = Server(cls.REF_PORT, args=cls.SERVER_ARGS, binary=REDIS_SERVER).start()
        except BaseException:
            cls.ours.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.ours.stop()
        cls.ref.stop()


class ServersTestCase(unittest.TestCase):
    """A unittest case with a temp directory of its own (prefix DIR_PREFIX) per test and the servers it made:
    after each test, also a failed one, every server is stopped and the directory removed.
    server(port, subdir, args, binary) makes a Server (not started) working in dir/subdir."""

    DIR_PREFIX = "rcs-test-"

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix=self.DIR_PREFIX)
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def server(self, port, subdir, args=(), binary=None):
        d = os.path.join(self.dir, subdir)
        os.makedirs(d, exist_ok=True)
        s = Server(port, args=list(args), binary=binary, workdir=d)
        self.servers.append(s)
        return s
