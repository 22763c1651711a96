#!/usr/bin/python3
"""Self-healing across address changes (issue 12): a 3+3 cluster whose nodes come back on new addresses.

Each node binds its own loopback address (127.0.0.0/8 needs no setup on Linux), all on the same port as in a
container network, and announces a stable name (cluster-announce-hostname node-N). The names resolve through
a private hosts file: the test re-executes itself under `unshare --mount --net` (root only; exit 77 = skipped),
so its loopback, ports and bridge are its own, and bind-mounts a temp file over /etc/hosts inside that mount
namespace only (the machine's /etc/hosts is never written; every write checks that the bind mount is in
place), then rewrites that file in place (same inode) whenever addresses change, as a container DNS would.

Variants and scenarios (each restart moves nodes to addresses no node used before, so a stale address is
never answered by the node it names; scenario a2 reuses addresses crosswise, as `docker compose down/up` does):
  hostnames, preferred endpoint ip:
    a   full restart: all six stopped, all six started on new addresses, no human step
    a2  full restart on a permutation of the previous addresses (node-1 gets node-2's address, ...)
    a3  full restart while the names still resolve to the old addresses for 1.5 s (a DNS catching up)
    b   one master replaced (SIGTERM: it hands its slots to its replica, then comes back elsewhere)
    c   only the replicas move
    d   a master killed and started elsewhere while its replica keeps running: the replica follows it
  hostnames, preferred endpoint hostname, formed by `redis-cli --cluster create node-1:port ...` (CLUSTER MEET
    with names): a (and the keys are read by redis-py following MOVED to node-N)
  no hostnames (IP only, as Redis): b and d (redis/redis#14633: the replica finds its moved master by itself)
  container-like (netns): each node in a network namespace of its own on a bridge, bound to 0.0.0.0 with no
    cluster-announce-ip as in Docker: a2 and a (a node learns its new address from its first bus link)
After each: cluster_state:ok on all six (the time is printed next to 2 x node timeout), the same node ids,
every shard serving the same slots, every node seen at its new address by all, every key readable, every
replica's master_link_status:up, and `redis-cli --cluster check` clean.

RCS_ADDR_REFERENCE=1 runs scenario a against Debian's redis-server instead (given cluster-announce-ip with its
new address too, as it does not bind outgoing links to its bind address) and only prints the state it is left
in (evidence for the benchmark; nothing asserted).

Our nodes bind their outgoing bus and replication links to their first bind address (as Redis did up to 6.2),
so a node listening on 127.0.0.23 is seen at 127.0.0.23 by its peers, with no cluster-announce-ip.

Ports: RCS_ADDR_PORT (default 17000, bus port +10000) on 127.0.0.11-127.0.0.99 and 10.213.78.11-26, all in
the test's own network namespace. RCS_ADDR_ONLY=<variant,...> runs some variants only (debugging). Every
process is stopped at the end, also on failure; every wait is bounded.
"""
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402

logging.getLogger("redis").setLevel(logging.CRITICAL)

PORT = int(os.environ.get("RCS_ADDR_PORT", "17000"))
NODE_TIMEOUT = 2000
KEYS = 300
HEAL_WAIT = 30.0  # bounded wait for a healed cluster (the goal is 2 x node timeout; the time is printed)
HOSTS = None      # the temp file mounted over /etc/hosts (set in main)


def reexec_in_mount_namespace():
    """Runs the test in a private mount namespace (returns only inside it)."""
    if os.environ.get("RCS_ADDR_IN_NS") == "1":
        return
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("mount") is None or \
            shutil.which("ip") is None:
        print("SKIP: needs root, unshare(1) and ip(8) for a private /etc/hosts and network")
        sys.exit(77)
    env = dict(os.environ, RCS_ADDR_IN_NS="1", RCS_ADDR_PARENT_NS=os.readlink("/proc/self/ns/mnt"))
    # A network namespace of our own too: its loopback and the bridge of the container-like variant are ours
    # alone (no port or address of the machine is touched).
    probe = subprocess.run(["unshare", "--mount", "--net", "true"], capture_output=True)
    if probe.returncode != 0:
        print("SKIP: unshare --mount --net failed: %s" % probe.stderr.decode().strip())
        sys.exit(77)
    try:
        r = subprocess.run(["unshare", "--mount", "--net", "--propagation", "private", sys.executable,
                            os.path.abspath(__file__)] + sys.argv[1:], env=env, timeout=600)
    except subprocess.TimeoutExpired:
        print("FAIL: the test ran longer than 600 s")
        sys.exit(1)
    sys.exit(r.returncode)


def private_hosts_file():
    """A temp file bind-mounted over /etc/hosts in this (private) mount namespace."""
    parent = os.environ.get("RCS_ADDR_PARENT_NS", "")
    if not parent or os.readlink("/proc/self/ns/mnt") == parent:
        raise AssertionError("not in a private mount namespace: refusing to touch /etc/hosts")
    fd, path = tempfile.mkstemp(prefix="rcs-hosts-")
    os.close(fd)
    with open(path, "w") as f:
        f.write("127.0.0.1 localhost\n")
    r = subprocess.run(["mount", "--bind", path, "/etc/hosts"], capture_output=True, text=True)
    if r.returncode != 0:
        print("SKIP: cannot bind-mount a private /etc/hosts: %s" % r.stderr.strip())
        sys.exit(77)
    return path


def sh(*cmd):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=20)
    if r.returncode != 0:
        raise AssertionError("%s failed: %s" % (" ".join(map(str, cmd)), r.stderr.strip()))
    return r.stdout


class Bridge:
    """Container-like hosts: node N runs in network namespace rcsaddr-N with eth0 on a bridge (br0, in the
    test's own network namespace, 10.213.78.1/24, so the test reaches every node directly). The nodes bind
    the wildcard address as in a container, and an address change is a new address on eth0.

    As Docker's bridge driver does, eth0's MAC address is derived from its IP address (02:42 + the four
    address bytes), and a stopped node's eth0 is down with no address (a removed container has none). Both
    matter when addresses are swapped between nodes: with a fixed MAC per namespace, every neighbour cache
    on the bridge (the test's and each node's) kept mapping a reused address to the MAC of the namespace
    that held it before, and connections to the node that took it over went unanswered until that entry
    expired (15-45 s of REACHABLE plus the probes): the cause of "timed out after 20.0s waiting for node-4
    to answer on 10.213.78.16" in scenario a2, about one run in three. The node was not involved."""
    NET = "10.213.78."

    def __init__(self, count):
        self.names = ["rcsaddr-%d" % (i + 1) for i in range(count)]
        sh("ip", "link", "add", "br0", "type", "bridge")
        sh("ip", "addr", "add", self.NET + "1/24", "dev", "br0")
        sh("ip", "link", "set", "br0", "up")
        for i, ns in enumerate(self.names):
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
            sh("ip", "link", "add", "veth%d" % i, "type", "veth", "peer", "name", "eth0", "netns", ns)
            sh("ip", "link", "set", "veth%d" % i, "master", "br0")
            sh("ip", "link", "set", "veth%d" % i, "up")

    @staticmethod
    def mac(ip):
        return "02:42:" + ":".join("%02x" % int(b) for b in ip.split("."))

    def address(self, index, ip):
        """Gives node `index` the address `ip` (and the MAC that goes with it), as a new container gets."""
        ns = self.names[index - 1]
        self.release(index)
        sh("ip", "-n", ns, "link", "set", "eth0", "address", self.mac(ip))
        sh("ip", "-n", ns, "addr", "add", ip + "/24", "dev", "eth0")
        sh("ip", "-n", ns, "link", "set", "eth0", "up")

    def release(self, index):
        """Node `index` is gone: its eth0 is down and has no address (so no two namespaces ever hold one)."""
        ns = self.names[index - 1]
        sh("ip", "-n", ns, "link", "set", "eth0", "down")
        sh("ip", "-n", ns, "addr", "flush", "dev", "eth0")

    def remove(self):
        for ns in self.names:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        subprocess.run(["ip", "link", "del", "br0"], capture_output=True)


def write_hosts(names):
    """Rewrites the private hosts file in place (the bind mount keeps pointing at the same inode)."""
    if os.stat("/etc/hosts").st_ino != os.stat(HOSTS).st_ino:
        raise AssertionError("/etc/hosts is not our private file: refusing to write")
    text = "127.0.0.1 localhost\n" + "".join("%s %s\n" % (ip, name) for name, ip in sorted(names.items()))
    with open(HOSTS, "r+") as f:
        f.seek(0)
        f.truncate()
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


class Node(rcs.Server):
    def __init__(self, index, host, extra, binary=None, hostname=True):
        self.index = index
        self.name = "node-%d" % index
        self.workdir = tempfile.mkdtemp(prefix="rcs-addr-%d-" % index)
        args = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", str(NODE_TIMEOUT), "--appendonly", "yes", "--appendfsync", "always"]
        if hostname:
            args += ["--cluster-announce-hostname", self.name]
        super().__init__(PORT, args=args + list(extra), binary=binary, workdir=self.workdir, host=host)
        self.node_id = None
        self.announce_ip = False

    def command_line(self):
        # redis-server 7.0 does not bind its outgoing bus links to the bind address (bind-source-addr is
        # unset by default), so on loopback aliases it must be told its address, as a pod is told its IP.
        return super().command_line() + (["--cluster-announce-ip", self.host] if self.announce_ip else [])

    @property
    def addr(self):
        return "%s:%d" % (self.host, self.port)


class NetnsNode(Node):
    """A node in its own network namespace (Bridge), bound to every address like a container's."""
    bridge = None

    def command_line(self):
        cmd = super().command_line()
        cmd[cmd.index("--bind") + 1] = "0.0.0.0"
        return ["ip", "netns", "exec", self.bridge.names[self.index - 1]] + cmd

    def start(self, wait=True):
        # Its address is set on its eth0 (Bridge.address) before it starts: the port is free there by
        # construction (the namespace is new), so rcs.Server's free-port probe (from this namespace) is skipped.
        self.bridge.address(self.index, self.host)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command_line(), stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        log.close()
        rcs._live.append(self)
        if wait:
            rcs.wait_until(self.ping, timeout=10, what="%s to answer PING" % self.name)
        return self

    def stop(self):
        super().stop()
        if os.path.exists("/run/netns/" + self.bridge.names[self.index - 1]):  # not after Bridge.remove()
            self.bridge.release(self.index)

    def kill(self, sig=signal.SIGKILL):
        super().kill(sig)
        if sig in (signal.SIGKILL, signal.SIGTERM):
            self.bridge.release(self.index)


cli_cluster = rcs.cluster_cli


def nodes_view(n):
    """CLUSTER NODES of n: id -> {addr, hostname, flags, master, slots}."""
    view = {}
    for line in n.cli("CLUSTER", "NODES", timeout=5).splitlines():
        f = line.split()
        if len(f) < 8:
            continue
        addr, _, hostname = f[1].partition(",")
        view[f[0]] = {"addr": addr.split("@")[0], "hostname": hostname, "flags": set(f[2].split(",")),
                      "master": f[3], "slots": tuple(f[8:])}
    return view


def shards(view):
    """frozenset(ids of a master and its replicas) -> the master's slots."""
    out = {}
    for nid, v in view.items():
        if "master" in v["flags"] and v["slots"]:
            members = {nid} | {r for r, rv in view.items() if rv["master"] == nid}
            out[frozenset(members)] = v["slots"]
    return out


UNHEALTHY = [""]  # why healthy() last said no (for the failure message and the slow-heal note)


def healthy(nodes, expect_ids):
    """True when every node agrees on the cluster at the nodes' current addresses and every replica is linked."""
    def no(why):
        UNHEALTHY[0] = why
        return False
    for n in nodes:
        if rcs.fields(n, "CLUSTER", "INFO", timeout=5).get("cluster_state") != "ok":
            return no("%s: cluster_state not ok" % n.name)
    for n in nodes:
        view = nodes_view(n)
        if set(view) != expect_ids:
            return no("%s knows other ids: %s" % (n.name, sorted(view)))
        for m in nodes:
            v = view[m.node_id]
            if v["addr"] != m.addr or v["flags"] & {"fail", "fail?", "noaddr", "handshake"}:
                return no("%s sees %s at %s flags %s" % (n.name, m.name, v["addr"], ",".join(sorted(v["flags"]))))
        if "slave" in view[n.node_id]["flags"]:
            repl = rcs.info(n, "replication")
            if repl.get("master_link_status") != "up":
                return no("%s: master_link_status %s (master_host %s)" % (
                    n.name, repl.get("master_link_status"), repl.get("master_host")))
    return True


def all_ok(nodes):
    return all(rcs.fields(n, "CLUSTER", "INFO", timeout=5).get("cluster_state") == "ok" for n in nodes)


def check_clean(n):
    rc, out = cli_cluster("check", n.addr)
    assert rc == 0, "cluster check failed:\n" + out
    assert "[ERR]" not in out and "[WARNING]" not in out, "cluster check not clean:\n" + out
    assert "[OK] All 16384 slots covered." in out, out


def cluster_client(n):
    from redis.cluster import RedisCluster
    return RedisCluster(host=n.host, port=n.port, socket_timeout=10)


def write_keys(nodes, tag):
    rc = cluster_client(nodes[0])
    for i in range(KEYS):
        rc.set("%s:key:%d" % (tag, i), "v%d" % i)
    rc.close()


def read_keys(nodes, tag):
    rc = cluster_client(nodes[0])
    missing = [i for i in range(KEYS) if rc.get("%s:key:%d" % (tag, i)) != b"v%d" % i]
    rc.close()
    assert not missing, "%d keys lost, e.g. %s" % (len(missing), missing[:5])


def stop_all(nodes):
    # Replicas first: a master stopped while its replica is healthy would hand its slots over first (as a
    # SIGTERM'd master does), and this scenario is about addresses, not failovers.
    roles = {n.node_id: nodes_view(n)[n.node_id]["flags"] for n in nodes}
    for n in sorted(nodes, key=lambda n: "master" in roles[n.node_id]):
        n.stop()


class Cluster:
    def __init__(self, label, extra=(), hostname=True, binary=None, first_ip=11, net="127.0.0.", cls=Node):
        self.label = label
        self.hostname = hostname
        self.nodes = [cls(i + 1, "%s%d" % (net, first_ip + i), extra, binary=binary, hostname=hostname)
                      for i in range(6)]
        self.names = {n.name: n.host for n in self.nodes}
        self.ids = set()
        self.shards = {}

    def publish_names(self):
        self.names = {n.name: n.host for n in self.nodes}
        write_hosts(self.names)

    def create(self, by_name=False):
        self.publish_names()
        for n in self.nodes:
            n.start()
        # by_name: redis-cli sends CLUSTER MEET <name> <port> (our nodes look the name up; Redis refuses it).
        addrs = ["%s:%d" % (n.name, n.port) for n in self.nodes] if by_name else [n.addr for n in self.nodes]
        rcs.cluster_create(addrs)
        for n in self.nodes:
            n.node_id = n.cli("CLUSTER", "MYID").strip()
        self.ids = {n.node_id for n in self.nodes}
        rcs.wait_until(lambda: healthy(self.nodes, self.ids), timeout=60, interval=0.2,
                       what="[%s] the new cluster to be healthy" % self.label)
        self.shards = shards(nodes_view(self.nodes[0]))
        assert len(self.shards) == 3, self.shards
        write_keys(self.nodes, self.label)
        check_clean(self.nodes[0])

    def masters(self):
        view = nodes_view(self.nodes[0])
        return [n for n in self.nodes if "master" in view[n.node_id]["flags"]]

    def replicas(self):
        view = nodes_view(self.nodes[0])
        return [n for n in self.nodes if "slave" in view[n.node_id]["flags"]]

    def replica_of(self, master):
        view = nodes_view(self.nodes[0])
        return [n for n in self.nodes if view[n.node_id]["master"] == master.node_id]

    def restarted(self, moved, what, t0):
        """Waits until the cluster healed after `moved` came back on new addresses; asserts the outcome."""
        rcs.wait_until(lambda: all_ok(self.nodes), timeout=HEAL_WAIT, interval=0.05,
                       what="[%s] %s: cluster_state:ok on all six" % (self.label, what))
        t_ok = time.monotonic() - t0
        slow = []

        def check():
            ok = healthy(self.nodes, self.ids)
            if not ok and time.monotonic() - t0 > 2 * NODE_TIMEOUT / 1000.0 and not slow:
                slow.append(UNHEALTHY[0])
            return ok
        try:
            rcs.wait_until(check, timeout=HEAL_WAIT, interval=0.1,
                           what="[%s] %s: every node at its new address, every replica linked" % (self.label, what))
        except AssertionError as e:
            raise AssertionError("%s; last: %s" % (e, UNHEALTHY[0]))
        t_healthy = time.monotonic() - t0
        if slow:
            print("[%s] %s: still healing at 2 x node timeout: %s" % (self.label, what, slow[0]))
        # cluster_state:ok can show up before the peers are reached (nobody is PFAIL yet right after a
        # start): the healed time is the one that counts.
        print("[%s] %s (%d node(s) moved): healed after %.2f s (cluster_state:ok on all six, every node seen at "
              "its new address by all, every replica linked; 2 x node timeout = %.1f s; cluster_state:ok first "
              "seen on all six after %.2f s)" % (self.label, what, len(moved), t_healthy,
                                                 2 * NODE_TIMEOUT / 1000.0, t_ok), flush=True)
        for n in self.nodes:
            assert n.cli("CLUSTER", "MYID").strip() == n.node_id, "node %s changed its id" % n.name
        for n in self.nodes:
            got = shards(nodes_view(n))
            assert got == self.shards, "[%s] %s: shards/slots changed as seen by %s:\n%s\nvs\n%s" % (
                self.label, what, n.name, got, self.shards)
            if self.hostname:
                view = nodes_view(n)
                assert all(view[m.node_id]["hostname"] == m.name for m in self.nodes), view
        read_keys(self.nodes, self.label)
        check_clean(self.nodes[0])
        return t_healthy

    def move(self, which, new_ips, what, stop=None, dns_late=0.0):
        """Stops `which`, starts them on `new_ips`. dns_late: the names keep resolving to the old addresses
        for that many seconds after the start (a DNS that has not caught up yet)."""
        stop = stop or (lambda ns: [n.stop() for n in ns])
        stop(which)
        for n, ip in zip(which, new_ips):
            n.host = ip
        if not dns_late:
            self.publish_names()
        t0 = time.monotonic()
        for n in which:
            n.start(wait=False)
        for n in which:
            rcs.wait_until(n.ping, timeout=20, what="%s to answer on %s" % (n.name, n.addr))
        if dns_late:
            time.sleep(max(0.0, dns_late - (time.monotonic() - t0)))
            self.publish_names()
        return self.restarted(which, what, t0)

    def full_restart(self, new_ips, what, dns_late=0.0):
        return self.move(list(self.nodes), new_ips, what, stop=lambda ns: stop_all(ns), dns_late=dns_late)

    def stop(self):
        for n in self.nodes:
            n.stop()
            if os.environ.get("RCS_ADDR_KEEP") != "1":
                shutil.rmtree(n.workdir, ignore_errors=True)
            else:
                print("kept", n.name, n.workdir)


def ips(first, count=6, net="127.0.0."):
    return ["%s%d" % (net, first + i) for i in range(count)]


def master_moves_replica_follows(c, new_ip, what):
    """Scenario d: a master is killed and started elsewhere; its running replica follows by itself."""
    master = c.masters()[0]
    replica = c.replica_of(master)[0]
    t = c.move([master], [new_ip], what, stop=lambda ns: [n.kill(signal.SIGKILL) for n in ns])
    view = nodes_view(replica)
    if "master" in view[master.node_id]["flags"] and view[replica.node_id]["master"] == master.node_id:
        repl = rcs.info(replica, "replication")
        assert repl.get("master_link_status") == "up", repl
        assert repl.get("master_host") in (master.host, master.name), repl
        served = rcs.info(master, "replication")
        assert any(v.startswith("ip=%s," % replica.host) for k, v in served.items() if k.startswith("slave")), served
        print("[%s] %s: replica %s follows its master at %s (master_host:%s)" % (
            c.label, what, replica.name, master.addr, repl.get("master_host")))
    else:
        # A loaded machine may let the replica take over before the master is back: then the old master
        # must have rejoined as its replica, which healthy() checked.
        print("[%s] %s: the replica had taken over before the master came back" % (c.label, what))
    return t


# RCS_ADDR_ONLY=<variant,...> runs some variants only (debugging); a name that is not a variant is an error.
VARIANTS = ("hostnames", "hostname-endpoints", "ip-only", "netns")
want = rcs.variant_filter("RCS_ADDR_ONLY", VARIANTS)


def run_ours():
    times = []
    # The hostnames and netns variants run with the authenticated cluster bus (cluster-bus-auth required): links
    # re-made to new addresses authenticate again.
    secret_dir = tempfile.mkdtemp(prefix="rcs-addr-secret-")
    bus_auth = ["--cluster-bus-secret-file", rcs.write_bus_secret(secret_dir), "--cluster-bus-auth", "required"]
    try:
        run_variants(times, bus_auth)
    finally:
        shutil.rmtree(secret_dir, ignore_errors=True)
    print("full restarts on new addresses (a, a2, hostname endpoints a, netns a2 and a): healed after %s s "
          "(node timeout %d ms)" % (", ".join("%.2f" % t for t in times), NODE_TIMEOUT))


def run_variants(times, bus_auth):
    # Variant 1: hostnames, clients get IPs.
    c = Cluster("hostnames", extra=bus_auth)
    try:
        if not want("hostnames"):
            raise StopIteration
        c.create()
        times.append(c.full_restart(ips(21), "a: full restart on new addresses"))
        perm = [c.nodes[(i + 1) % 6].host for i in range(6)]  # node-1 takes node-2's address, ...
        times.append(c.full_restart(perm, "a2: full restart, addresses swapped between nodes"))
        # Longer than the node timeout without peers: nodes flag each other FAIL and replicas may take over on
        # the way; it heals all the same.
        c.full_restart(ips(31), "a3: full restart, names resolve to the old addresses for 1.5 s", dns_late=1.5)
        c.move([c.masters()[0]], ["127.0.0.37"], "b: one master replaced")
        c.move(c.replicas(), ips(41, 3), "c: only the replicas move")
        master_moves_replica_follows(c, "127.0.0.51", "d: a master moves under its replica")
    except StopIteration:
        pass
    finally:
        c.stop()
    # Variant 2: clients get hostnames (MOVED node-N:port, CLUSTER SLOTS names).
    c = Cluster("hostname-endpoints", extra=["--cluster-preferred-endpoint-type", "hostname"], first_ip=61)
    try:
        if not want("hostname-endpoints"):
            raise StopIteration
        c.create(by_name=True)
        slots = c.nodes[0].cli("CLUSTER", "SLOTS")
        assert "node-" in slots, slots
        times.append(c.full_restart(ips(71), "a: full restart on new addresses"))
    except StopIteration:
        pass
    finally:
        c.stop()
    # Variant 3: no hostnames: what Redis does, plus the moved node found from its own links.
    c = Cluster("ip-only", hostname=False, first_ip=81)
    try:
        if not want("ip-only"):
            raise StopIteration
        c.create()
        c.move([c.masters()[0]], ["127.0.0.91"], "b: one master replaced")
        master_moves_replica_follows(c, "127.0.0.92", "d: a master moves under its replica")
    except StopIteration:
        pass
    finally:
        c.stop()
    # Variant 4: container-like hosts (own network namespace, wildcard bind, no announce-ip): a node learns its
    # new address from its first bus link; the addresses are swapped between nodes as Docker may do.
    bridge = Bridge(6)
    NetnsNode.bridge = bridge
    # Clients and replicas reach these nodes from other addresses than loopback: without a password they need
    # protected-mode no, as in a container (the compose file sets it, with a password).
    c = Cluster("netns", extra=["--protected-mode", "no"] + bus_auth, first_ip=11, net=Bridge.NET, cls=NetnsNode)
    try:
        if not want("netns"):
            raise StopIteration
        c.create()
        perm = [c.nodes[(i + 2) % 6].host for i in range(6)]
        times.append(c.full_restart(perm, "a2: full restart, addresses swapped between nodes"))
        times.append(c.full_restart(ips(21, net=Bridge.NET), "a: full restart on new addresses"))
    except StopIteration:
        pass
    finally:
        c.stop()
        bridge.remove()


def run_reference():
    """Debian's redis-server through scenario a: prints the state it is left in (nothing asserted)."""
    extra = ["--save", "", "--protected-mode", "no"]
    c = Cluster("redis-server", extra=extra, binary=rcs.REDIS_SERVER, first_ip=11)
    for n in c.nodes:
        n.announce_ip = True
    try:
        c.create()
        stop_all(c.nodes)
        for n, ip in zip(c.nodes, ips(21)):
            n.host = ip
        c.publish_names()
        for n in c.nodes:
            n.start()
        wait = 2 * NODE_TIMEOUT / 1000.0 + 15
        time.sleep(wait)
        states = [rcs.fields(n, "CLUSTER", "INFO").get("cluster_state") for n in c.nodes]
        print("redis-server %.0f s after a full restart on new addresses: cluster_state %s" % (wait, states))
        print(c.nodes[0].cli("CLUSTER", "NODES"))
    except StopIteration:
        pass
    finally:
        c.stop()


def main():
    global HOSTS
    reexec_in_mount_namespace()
    sh("ip", "link", "set", "lo", "up")  # our own network namespace starts with loopback down
    HOSTS = private_hosts_file()
    try:
        if os.environ.get("RCS_ADDR_REFERENCE") == "1":
            run_reference()
        else:
            run_ours()
    finally:
        subprocess.run(["umount", "/etc/hosts"], capture_output=True)
        os.unlink(HOSTS)
    print("OK")


if __name__ == "__main__":
    main()
