"""A Redis Cluster of real nodes for the integration tests (import it through rcs).

    with rcs.Cluster(range(13000, 13006), node_timeout=2000) as c:   # start six nodes, create 3+3, wait for ok
        c.kill(c.masters()[0]); ...

Cluster starts N nodes with the given arguments, forms them with Debian's `redis-cli --cluster create
--cluster-replicas R`, waits for cluster_state:ok on every node (every wait bounded, and a timeout prints every
node's last log lines), and stops them all at the end. The functions below it (cluster_create, wait_cluster_ok,
cluster_nodes, key_slot) also serve tests whose nodes are not rcs.Server objects (network namespaces): they
need only a `cli(*args, timeout=...)` method.
"""
import os
import shutil
import signal
import subprocess
import tempfile

import rcs_server
from rcs_server import Server, fields
from rcs_wait import WaitTimeout, wait_until

SLOTS = 16384


def crc16(data):
    """CRC16-CCITT (XMODEM), the cluster's key hash."""
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def key_slot(key):
    s = key.find("{")
    if s >= 0:
        e = key.find("}", s + 1)
        if e > s + 1:
            key = key[s + 1:e]
    return crc16(key.encode()) % SLOTS


def cluster_cli(*args, password=None, prefix=(), timeout=120):
    """`redis-cli --cluster <args>` (prefix: a command to run it under, e.g. `ip netns exec NS`):
    (exit code, stdout + stderr)."""
    cmd = list(prefix) + [rcs_server.REDIS_CLI]
    if password:
        cmd += ["-a", password, "--no-auth-warning"]
    cmd += ["--cluster"] + [str(a) for a in args]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        so_far = "".join(x.decode(errors="replace") if isinstance(x, bytes) else x for x in (e.stdout, e.stderr) if x)
        raise AssertionError("redis-cli --cluster %s did not finish within %ds; its output so far (end):\n%s"
                             % (args[0], timeout, so_far[-3000:])) from None
    return out.returncode, out.stdout + out.stderr


def cluster_create(addrs, replicas=1, password=None, prefix=(), timeout=120):
    """`redis-cli --cluster create <addrs> --cluster-replicas R --cluster-yes`; its output. Raises with the
    output when it fails."""
    rc, out = cluster_cli("create", *addrs, "--cluster-replicas", replicas, "--cluster-yes",
                          password=password, prefix=prefix, timeout=timeout)
    if rc != 0:
        raise AssertionError("redis-cli --cluster create %s failed (exit %d):\n%s" % (" ".join(addrs), rc, out))
    return out


def cluster_ok(node, known=None):
    f = fields(node, "CLUSTER", "INFO", timeout=5)
    return f.get("cluster_state") == "ok" and (known is None or f.get("cluster_known_nodes") == str(known))


def all_ok(nodes):
    """cluster_state:ok on every node of `nodes` that is running (an rcs.Server)."""
    return all(cluster_ok(n) for n in nodes if n.alive())


def wait_cluster_ok(nodes, timeout=30, known=None, interval=0.1, what=None):
    """Waits until every node in `nodes` reports cluster_state:ok (and knows `known` nodes, if given)."""
    wait_until(lambda: all(cluster_ok(n, known) for n in nodes), timeout=timeout, interval=interval,
               what=what or ("cluster_state:ok on %d nodes%s" % (
                   len(nodes), "" if known is None else " each knowing %d nodes" % known)))


def cluster_nodes(node, timeout=5):
    """CLUSTER NODES of one node: {port: (id, flags, master id, slot ranges)} (flags as one comma-separated
    string; the ranges as listed, importing/migrating [..] entries included)."""
    res = {}
    for line in node.cli("CLUSTER", "NODES", timeout=timeout).splitlines():
        f = line.split()
        if len(f) < 8:
            continue
        port = int(f[1].split("@")[0].split(",")[0].rsplit(":", 1)[1])
        res[port] = (f[0], f[2], f[3], f[8:])
    return res


def slot_owner(view, slot):
    """The port of the master serving `slot` in a cluster_nodes() view (masters flagged fail or fail? skipped),
    or None."""
    for port, (_, flags, _, ranges) in view.items():
        if "master" not in flags or "fail" in flags:
            continue
        for r in ranges:
            if r.startswith("["):
                continue
            a, _, b = r.partition("-")
            if int(a) <= slot <= int(b or a):
                return port
    return None


def role(node, timeout=2):
    """The first word of ROLE (master, slave), None if the node does not answer."""
    try:
        out = node.cli("ROLE", timeout=timeout, check=False).split()
        return out[0] if out else None
    except subprocess.TimeoutExpired:
        return None


def write_bus_secret(directory, secret=True):
    """Writes a cluster bus secret file (mode 0600) into `directory`: `secret`, or a random one for True; its
    path."""
    if secret is True:
        secret = os.urandom(24).hex()
    path = os.path.join(directory, "bus-secret")
    with open(path, "w") as f:
        f.write(secret + "\n")
    os.chmod(path, 0o600)
    return path


class Cluster:
    """Nodes on `ports` (127.0.0.1), each in its own directory under one root, all with --cluster-enabled yes.

    args: extra arguments for every node, or a function port -> arguments. password: requirepass/masterauth.
    node_timeout: --cluster-node-timeout (ms). config_file: --cluster-config-file ("%d" is replaced by the port).
    root: the directory to keep the nodes' directories in (kept at stop); default a temporary one, removed.
    bus_secret: a cluster bus secret (True: a random one) written to <root>/bus-secret; every node then runs with
    cluster-bus-secret-file and cluster-bus-auth required (the authenticated bus), self.bus_secret_file.
    """

    def __init__(self, ports, args=(), password=None, replicas=1, node_timeout=None, config_file="nodes.conf",
                 binary=None, root=None, bus_secret=None):
        self.ports = list(ports)
        self.password = password
        self.replicas = replicas
        self.keep_root = root is not None
        self.root = root or tempfile.mkdtemp(prefix="rcs-cluster-%d-" % self.ports[0])
        self.nodes = []
        self.bus_secret_file = None
        if bus_secret:
            self.bus_secret_file = write_bus_secret(self.root, bus_secret)
        for p in self.ports:
            d = os.path.join(self.root, str(p))
            os.makedirs(d, exist_ok=True)
            node_args = ["--cluster-enabled", "yes",
                         "--cluster-config-file", config_file % p if "%d" in config_file else config_file]
            if node_timeout is not None:
                node_args += ["--cluster-node-timeout", str(node_timeout)]
            if self.bus_secret_file:
                node_args += ["--cluster-bus-secret-file", self.bus_secret_file, "--cluster-bus-auth", "required"]
            node_args += list(args(p) if callable(args) else args)
            self.nodes.append(Server(p, args=node_args, binary=binary, password=password, workdir=d))

    # ---- lifecycle
    def start(self, create=True, linked=False, timeout=60):
        """Starts every node (each answers PING); with create, forms the cluster of all of them (see create)."""
        try:
            for n in self.nodes:
                n.start(wait=False)
            for n in self.nodes:
                wait_until(n.ping, timeout=20, what="node %d to answer PING" % n.port)
            if create:
                self.create(linked=linked, timeout=timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def create(self, nodes=None, linked=False, timeout=60):
        """redis-cli --cluster create of `nodes` (default all), then waits until each of them reports
        cluster_state:ok and knows all of them; with linked, also until every replica's link is up."""
        nodes = list(nodes or self.nodes)
        out = cluster_create(["127.0.0.1:%d" % n.port for n in nodes], self.replicas, password=self.password)
        self.wait_ok(nodes, timeout=timeout, known=len(nodes))
        if linked:
            self.wait_linked(nodes, timeout=timeout)
        return out

    def stop(self):
        for n in self.nodes:
            if n.proc is not None and n.proc.poll() is None:
                try:
                    n.proc.send_signal(signal.SIGCONT)  # a SIGSTOPped node would not see the SIGTERM
                except OSError:
                    pass
            n.stop()
        if not self.keep_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def kill(self, node, sig=signal.SIGKILL):
        """Sends `sig` and waits for the exit; the node's directory (nodes.conf, AOF) is kept."""
        node.kill(sig)

    def restart(self, node, sig=signal.SIGKILL):
        """kill(node, sig), then starts it again from its directory (it answers PING)."""
        node.kill(sig)
        return node.start()

    # ---- views
    def live(self):
        return [n for n in self.nodes if n.alive()]

    def node(self, port):
        return next(n for n in self.nodes if n.port == port)

    def view(self, node=None):
        """cluster_nodes() of `node` (default the first live node)."""
        return cluster_nodes(node or self.live()[0])

    def masters(self, node=None):
        """The nodes that are masters serving slots, in port order."""
        v = self.view(node)
        return [self.node(p) for p in sorted(v) if "master" in v[p][1] and "fail" not in v[p][1] and v[p][3]]

    def master_for(self, key, node=None):
        """The node serving `key`'s slot, in the view of `node` (default the first live node)."""
        port = slot_owner(self.view(node), key_slot(key))
        if port is None:
            raise AssertionError("no master serves the slot of %r" % key)
        return self.node(port)

    def replicas_of(self, master, node=None):
        v = self.view(node)
        mid = v[master.port][0]
        return [self.node(p) for p in sorted(v) if v[p][2] == mid and "fail" not in v[p][1]]

    # ---- waits
    def wait_ok(self, nodes=None, timeout=30, known=None, what=None):
        """cluster_state:ok on every live node of `nodes` (default all)."""
        nodes = [n for n in (nodes or self.nodes) if n.alive()]
        wait_cluster_ok(nodes, timeout=timeout, known=known, what=what)

    def wait_linked(self, nodes=None, timeout=30):
        """master_link_status:up on every live replica of `nodes` (default all)."""
        for n in [n for n in (nodes or self.nodes) if n.alive()]:
            wait_until(lambda n=n: role(n) == "master" or
                       fields(n, "INFO", "replication", timeout=5).get("master_link_status") == "up",
                       timeout=timeout, what="replica %d's link to its master" % n.port)


def main(argv=None):
    """Entry point for the shell tests (tests/exporter/cluster_lib.sh): forms a cluster of nodes the shell
    started and waits for it, with the same bounds and failure report (the nodes' last log lines) as the
    Python tests."""
    import argparse
    ap = argparse.ArgumentParser(description="redis-cli --cluster create of running nodes, then wait for "
                                 "cluster_state:ok on each and (--linked) every replica's link up")
    ap.add_argument("ports", type=int, nargs="+")
    ap.add_argument("--password")
    ap.add_argument("--replicas", type=int, default=1)
    ap.add_argument("--dirs", required=True,
                    help="the nodes' directories, %%d = port; each holds the node's log as server.log")
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--linked", action="store_true")
    a = ap.parse_args(argv)
    from rcs_wait import track
    nodes = [Server(p, password=a.password, workdir=a.dirs % p) for p in a.ports]
    for n in nodes:
        track(n)  # never started here: only the logs are read, and nothing is stopped or removed
        n.proc = None
    try:
        for n in nodes:
            wait_until(lambda n=n: n.cli("PING", check=False, timeout=5).strip() == "PONG", timeout=a.timeout,
                       what="node %d to answer PING" % n.port)
        cluster_create(["127.0.0.1:%d" % p for p in a.ports], a.replicas, password=a.password)
        wait_cluster_ok(nodes, timeout=a.timeout, known=len(nodes))
        if a.linked:
            for n in nodes:
                wait_until(lambda n=n: role(n) == "master" or
                           fields(n, "INFO", "replication", timeout=5).get("master_link_status") == "up",
                           timeout=a.timeout, what="replica %d's link to its master" % n.port)
    except AssertionError as e:
        import sys
        print("error: %s" % e, file=sys.stderr)
        if not isinstance(e, WaitTimeout):
            from rcs_wait import log_tails
            print(log_tails(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
