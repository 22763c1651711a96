#!/usr/bin/python3
"""Network partition of our own cluster, in network namespaces made by this test (needs root and `ip netns`).

Topology: one namespace per node (six nodes: 3 masters + 3 replicas, node timeout 5000 ms) and one for the
clients, each with a veth link `eth0` whose peer is attached to a bridge `br0` in a seventh namespace. The
addresses are 10.213.77.10-15 (nodes) and 10.213.77.100 (clients), /24, on these links only: nothing is
connected to the root namespace, so traffic flows only between the namespaces made here. Each node runs
`ip netns exec <ns> redis-cluster-node --bind <its address> --port 14000` (cluster bus 24000); the cluster is
formed by Debian's `redis-cli --cluster create` run in the clients' namespace.

Every node runs with min-replicas-to-write 1 and min-replicas-max-lag 1 (seconds), as a deployment that bounds
what a partitioned master can acknowledge would.

Then one master is cut off together with a client in its own namespace (its link's bridge side goes down):
  - a writer in the master's namespace writes keys {tag}:1, {tag}:2, ... in order; just before the cut it pauses
    and WAITs until the replica acknowledged everything so far, so every write before the cut is on the replica;
  - the minority master refuses writes with -NOREPLICAS within min-replicas-max-lag (+ 1 s: the lag is counted
    in whole seconds, + the margin), since its replica's ACKs stop, and never acknowledges a write again;
  - it refuses them with -CLUSTERDOWN within 1.5 node timeouts (PFAIL timing) + a margin (cron, loaded machine);
  - the majority promotes the master's replica (ROLE master, cluster_state:ok on the five);
  - healing (link up) gives one view: every node lists the same owner for every slot, three masters serve
    slots, the old master is a replica of the new one with its replication link up, cluster_state:ok
    everywhere;
  - the writes lost are exactly the ones the cut master acknowledged between the cut and its first -NOREPLICAS:
    the new master (and the old one, resynchronised from it) holds every key acknowledged before the cut and
    none acknowledged after it; refused writes left nothing anywhere.
Prints the measured times.

RCS_NODE_BIN=/usr/bin/redis-server runs the same test on Debian's redis-server, as a reference (it passes:
Redis keeps a healed minority master in cluster_state:fail for its rejoin delay, so it takes no write).

Skips (exit 77, ctest SKIP_RETURN_CODE) when not root or when network namespaces cannot be made. Every
process, namespace and link made here is removed at the end, also on failure; every wait is bounded.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402
from rcs import key_slot  # noqa: E402

SKIP = 77
PORT = 14000
# 5000 ms: a minority master calls the cluster down from about 0.75 node timeouts after the cut on (seen: 2.3 s
# at 3000 ms), and the -NOREPLICAS it must answer first comes up to MAX_LAG + 1 s after the cut; 5000 ms keeps
# the two well apart.
NODE_TIMEOUT = 5000
SUBNET = "10.213.77"
NODE_ADDRS = ["%s.%d" % (SUBNET, 10 + i) for i in range(6)]
CLIENT_ADDR = "%s.100" % SUBNET
PARTITION_SECONDS = 12    # how long the master stays cut off
MAX_LAG = 1               # min-replicas-max-lag, seconds (min-replicas-to-write 1)
REFUSE_MARGIN_MS = 1500   # cron period, PFAIL bookkeeping and a loaded machine, on top of the min-replicas lag
# -CLUSTERDOWN: a peer turns PFAIL when a ping to it is unanswered for a node timeout, and a node pings a peer
# once its last pong is half a node timeout old, so up to 1.5 node timeouts after the cut (ours: up to 1.26 seen;
# redis-server: 1.5); the cron and a loaded machine add the margin.
CLUSTERDOWN_BOUND_MS = NODE_TIMEOUT * 3 // 2 + REFUSE_MARGIN_MS
TAG = "p%d" % (os.getpid() % 100000)   # namespace names: unique per run, so parallel runs cannot collide


def run(*cmd, check=True, timeout=20):
    r = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if check and r.returncode != 0:
        raise AssertionError("%s failed (%d): %s %s" % (" ".join(cmd), r.returncode, r.stdout, r.stderr))
    return r


class Net:
    """The namespaces, veth links and bridge of this test; remove() undoes all of it."""

    def __init__(self):
        self.bridge_ns = "rcs%s-br" % TAG
        self.client_ns = "rcs%s-cl" % TAG
        self.node_ns = ["rcs%s-n%d" % (TAG, i) for i in range(6)]
        self.made = []

    def add_ns(self, name, addr, peer):
        run("ip", "netns", "add", name)
        self.made.append(name)
        run("ip", "-n", name, "link", "set", "lo", "up")
        # eth0 in the new namespace, its peer (named `peer`) in the bridge's namespace, on the bridge.
        run("ip", "link", "add", "eth0", "netns", name, "type", "veth", "peer", "name", peer, "netns", self.bridge_ns)
        run("ip", "-n", self.bridge_ns, "link", "set", peer, "master", "br0")
        run("ip", "-n", self.bridge_ns, "link", "set", peer, "up")
        run("ip", "-n", name, "addr", "add", addr + "/24", "dev", "eth0")
        run("ip", "-n", name, "link", "set", "eth0", "up")

    def create(self):
        run("ip", "netns", "add", self.bridge_ns)
        self.made.append(self.bridge_ns)
        run("ip", "-n", self.bridge_ns, "link", "add", "br0", "type", "bridge")
        run("ip", "-n", self.bridge_ns, "link", "set", "br0", "up")
        for i, ns in enumerate(self.node_ns):
            self.add_ns(ns, NODE_ADDRS[i], "h%d" % i)
        self.add_ns(self.client_ns, CLIENT_ADDR, "hc")

    def cut(self, i):
        run("ip", "-n", self.bridge_ns, "link", "set", "h%d" % i, "down")

    def heal(self, i):
        run("ip", "-n", self.bridge_ns, "link", "set", "h%d" % i, "up")

    def remove(self):
        # Deleting a namespace deletes the veth ends in it (and so their peers) and the bridge.
        for name in reversed(self.made):
            run("ip", "netns", "del", name, check=False)
        self.made = []
        left = [n for n in run("ip", "netns", "list", check=False).stdout.split() if n.startswith("rcs%s-" % TAG)]
        return left


class NsNode:
    """Our node in its own namespace, bound to its own address."""

    def __init__(self, ns, addr, workdir):
        self.ns, self.addr = ns, addr
        self.name = "%s:%d" % (addr, PORT)
        self.dir = os.path.join(workdir, addr)
        os.makedirs(self.dir, exist_ok=True)
        self.proc = None

    def start(self):
        log = open(os.path.join(self.dir, "server.log"), "ab")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, rcs.NODE_BIN, "--port", str(PORT), "--bind", self.addr,
             "--dir", self.dir, "--save", "", "--appendonly", "no", "--protected-mode", "no", "--cluster-enabled", "yes",
             "--cluster-node-timeout", str(NODE_TIMEOUT), "--cluster-config-file", "nodes.conf",
             "--min-replicas-to-write", "1", "--min-replicas-max-lag", str(MAX_LAG),
             "--loglevel", os.environ.get("RCS_PARTITION_LOGLEVEL", "notice")],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        rcs.track(self)  # its last log lines are printed if a wait times out or the test fails

    def cli(self, *args, timeout=5, from_ns=None):
        """redis-cli to this node, run in `from_ns` (default: this node's own namespace)."""
        r = subprocess.run(["ip", "netns", "exec", from_ns or self.ns, rcs.REDIS_CLI, "-h", self.addr, "-p", str(PORT)] +
                           [str(a) for a in args], capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
        return r.stdout

    def info(self, *section):
        out = {}
        for line in self.cli(*section).splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                out[k] = v.strip()
        return out

    def nodes(self):
        """{addr: (id, flags, master_id, [slot ranges])} from CLUSTER NODES."""
        res = {}
        for line in self.cli("CLUSTER", "NODES").splitlines():
            f = line.split()
            if len(f) >= 8:
                res[f[1].split("@")[0].rsplit(":", 1)[0]] = (f[0], f[2], f[3], [r for r in f[8:] if not r.startswith("[")])
        return res

    def role(self):
        try:
            out = self.cli("ROLE", timeout=2).split()
            return out[0] if out else None
        except subprocess.TimeoutExpired:
            return None

    def log(self):
        try:
            with open(os.path.join(self.dir, "server.log"), errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def log_tail(self, lines=rcs.LOG_LINES):
        return "\n".join(self.log().splitlines()[-lines:])

    def stop(self):
        # SIGKILL: nothing here needs a clean shutdown (no persistence), and a master's SIGTERM handover
        # would only make the cleanup slower.
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        rcs.untrack(self)


def writer_main(addr, tag, seconds, out_path):
    """Run inside the cut master's namespace: SET {tag}:i (i = 1, 2, ...) as fast as one connection allows, until
    the file out_path + '.stop' exists or `seconds` passed, and write one JSON line per change of outcome (wall
    time, index i of the first write with that outcome, 'ok' or the error text), then {"end": last i}.
    When out_path + '.pause' appears: stop writing, WAIT until one replica acknowledged every write so far, write
    {"paused": last i, "wait": replicas}, and go on when out_path + '.resume' appears ({"resumed": ...})."""
    import redis
    c = redis.Redis(host=addr, port=PORT, socket_timeout=1, socket_connect_timeout=1)
    t0 = time.monotonic()
    last = None
    i = 0
    paused = False
    with open(out_path, "w") as out:
        out.write(json.dumps({"t": 0.0, "start": time.time()}) + "\n")
        out.flush()
        while time.monotonic() - t0 < seconds and not os.path.exists(out_path + ".stop"):
            if not paused and os.path.exists(out_path + ".pause"):
                paused = True
                acked = 0
                for _ in range(10):   # bounded: 10 x 1 s
                    try:
                        acked = c.execute_command("WAIT", 1, 1000)
                    except redis.exceptions.RedisError:
                        acked = 0
                    if acked >= 1:
                        break
                out.write(json.dumps({"wall": time.time(), "paused": i, "wait": acked}) + "\n")
                out.flush()
                while not os.path.exists(out_path + ".resume") and time.monotonic() - t0 < seconds:
                    time.sleep(0.005)
                out.write(json.dumps({"wall": time.time(), "resumed": i}) + "\n")
                out.flush()
                last = None   # the first outcome after the pause is an event of its own
            i += 1
            try:
                c.set("%s:%d" % (tag, i), "x")
                res = "ok"
            except redis.exceptions.ResponseError as e:
                res = str(e)
            except redis.exceptions.RedisError as e:
                res = "conn: %s" % e
            if res != last:
                out.write(json.dumps({"t": time.monotonic() - t0, "wall": time.time(), "res": res, "i": i}) + "\n")
                out.flush()
                last = res
            if res != "ok":
                time.sleep(0.01)
        out.write(json.dumps({"wall": time.time(), "end": i}) + "\n")
        out.flush()


def outcomes(events):
    """{i: outcome} of every write the writer made, from its change-of-outcome events and its end event."""
    res = [e for e in events if "res" in e]
    end = next(e["end"] for e in events if "end" in e)
    out = {}
    for k, e in enumerate(res):
        last = res[k + 1]["i"] - 1 if k + 1 < len(res) else end
        for i in range(e["i"], last + 1):
            out[i] = e["res"]
    return out


def slot_owners(view):
    """[owner addr of slot 0..16383] from one node's CLUSTER NODES (None: unassigned)."""
    owner = [None] * 16384
    for addr, (_, flags, _, ranges) in view.items():
        if "master" not in flags:
            continue
        for r in ranges:
            a, _, b = r.partition("-")
            for s in range(int(a), int(b or a) + 1):
                owner[s] = addr
    return owner


def can_make_namespaces():
    if os.geteuid() != 0:
        return "not root"
    if shutil.which("ip") is None:
        return "no `ip` command (iproute2)"
    probe = "rcs%s-probe" % TAG
    r = run("ip", "netns", "add", probe, check=False)
    if r.returncode != 0:
        return "`ip netns add` failed: %s" % r.stderr.strip()
    run("ip", "netns", "del", probe, check=False)
    return None


def _terminated(*_):
    raise SystemExit(1)   # ctest's timeout: unwind through main's finally, which removes the namespaces


def main():
    signal.signal(signal.SIGTERM, _terminated)
    why = can_make_namespaces()
    if why:
        print("SKIP: the partition test needs root and network namespaces (%s)" % why)
        return SKIP
    workdir = tempfile.mkdtemp(prefix="rcs-partition-")
    net = Net()
    nodes = []
    writer = None
    ok = False
    try:
        net.create()
        nodes = [NsNode(net.node_ns[i], NODE_ADDRS[i], workdir) for i in range(6)]
        for n in nodes:
            n.start()
        for n in nodes:
            rcs.wait_until(lambda n=n: n.cli("PING").strip() == "PONG", timeout=15, what="node %s PING" % n.addr)
        rcs.cluster_create(["%s:%d" % (a, PORT) for a in NODE_ADDRS], prefix=["ip", "netns", "exec", net.client_ns])
        rcs.wait_cluster_ok(nodes, timeout=30, known=6, what="cluster_state:ok everywhere, six nodes known by each")
        by_addr = {n.addr: n for n in nodes}
        # Cut the master on the first address that is a master; its replica is in the majority. (redis-server
        # as the reference may list a replica's master a moment after cluster_state:ok: wait for it.)
        def master_and_replica():
            view = nodes[0].nodes()
            master = next(by_addr[a] for a in NODE_ADDRS if "master" in view[a][1])
            mid = view[master.addr][0]
            replica = next((by_addr[a] for a, (_, _, m, _) in view.items() if m == mid), None)
            return (view, master, replica) if replica else None
        view, master, replica = rcs.wait_until(master_and_replica, timeout=20,
                                               what="node 0 listing the replica of the first master")
        rcs.wait_until(lambda: replica.info("INFO", "replication").get("master_link_status") == "up",
                       timeout=30, what="replica link up")
        others = [n for n in nodes if n is not master]
        print("cluster formed in namespaces; cutting master %s off (its replica %s is in the majority)"
              % (master.addr, replica.addr), flush=True)

        # A writer in the master's namespace: it stays with the master in the minority. Its keys hash to a
        # slot of that master.
        mine = slot_owners(view)
        tag = next("{pw%d}" % i for i in range(10000) if mine[key_slot("{pw%d}" % i)] == master.addr)
        wlog = os.path.join(workdir, "writer.jsonl")
        wseconds = 120   # an upper bound: the writer stops when told, after the heal
        writer = subprocess.Popen(["ip", "netns", "exec", master.ns, sys.executable, os.path.abspath(__file__),
                                   "--writer", master.addr, tag, str(wseconds), wlog],
                                  stdout=subprocess.DEVNULL, stderr=open(os.path.join(workdir, "writer.err"), "w"),
                                  stdin=subprocess.DEVNULL)

        def writer_events():
            try:
                with open(wlog) as f:
                    return [json.loads(line) for line in f if line.strip()]
            except (OSError, ValueError):
                return []
        def writer_started():
            if writer.poll() is not None:
                with open(os.path.join(workdir, "writer.err")) as f:
                    raise SystemExit("the writer exited with %s:\n%s" % (writer.returncode, f.read()))
            return any(e.get("res") == "ok" for e in writer_events())
        rcs.wait_until(writer_started, timeout=10, what="the writer's first OK before the cut")
        # The writer pauses and WAITs for its replica: every write acknowledged before the cut is on the replica.
        open(wlog + ".pause", "w").close()
        rcs.wait_until(lambda: any("paused" in e for e in writer_events()), timeout=20,
                       what="the writer paused, its writes acknowledged by the replica (WAIT)")
        pause = next(e for e in writer_events() if "paused" in e)
        assert pause["wait"] >= 1, "WAIT 1: the replica did not acknowledge the writes before the cut: %s" % pause
        paused_i = pause["paused"]
        t_cut_wall = time.time()
        t_cut = time.monotonic()
        net.cut(nodes.index(master))
        open(wlog + ".resume", "w").close()
        rcs.wait_until(lambda: any("resumed" in e for e in writer_events()), timeout=10,
                       what="the writer writing again after the cut")
        # Minority: its replica's ACKs stop, so within min-replicas-max-lag the master refuses writes.
        def first_norep():
            return next((e for e in writer_events()
                         if e.get("i", 0) > paused_i and e.get("res", "").startswith("NOREPLICAS")), None)
        norep = rcs.wait_until(first_norep, timeout=MAX_LAG + 10, what="-NOREPLICAS on the minority master")
        t_norep_ms = (norep["wall"] - t_cut_wall) * 1000
        print("minority master: first write refused %.0f ms after the cut: -%s (%d writes acknowledged after the cut)"
              % (t_norep_ms, norep["res"], norep["i"] - paused_i - 1), flush=True)
        assert norep["res"] == "NOREPLICAS Not enough good replicas to write.", norep
        # The lag is counted in whole seconds (as Redis does): up to MAX_LAG + 1 s after the replica's last ACK.
        assert t_norep_ms <= (MAX_LAG + 1) * 1000 + REFUSE_MARGIN_MS, \
            "the minority master took writes for %.0f ms (min-replicas-max-lag %d s + 1 s + %d ms margin)" % (
                t_norep_ms, MAX_LAG, REFUSE_MARGIN_MS)

        # Majority: the replica is promoted.
        rcs.wait_until(lambda: replica.role() == "master", timeout=NODE_TIMEOUT / 1000 * 2 + 15, interval=0.05,
                       what="replica %s promoted by the majority" % replica.addr)
        t_promoted = time.monotonic() - t_cut
        rcs.wait_until(lambda: all(n.info("CLUSTER", "INFO").get("cluster_state") == "ok" for n in others),
                       timeout=20, interval=0.1, what="cluster_state:ok on the five nodes of the majority")
        t_majority_ok = time.monotonic() - t_cut
        # Minority: the writer saw -CLUSTERDOWN, and when.
        rcs.wait_until(lambda: any(e.get("res", "").startswith("CLUSTERDOWN") for e in writer_events()),
                       timeout=NODE_TIMEOUT / 1000 + 10, what="-CLUSTERDOWN on the minority master")
        ev = writer_events()
        down = next(e for e in ev if e.get("res", "").startswith("CLUSTERDOWN"))
        assert down["i"] > norep["i"], "-CLUSTERDOWN (%s) before -NOREPLICAS (%s)" % (down, norep)
        t_refused_ms = (down["wall"] - t_cut_wall) * 1000
        print("minority master: first write refused %.0f ms after the cut: -%s" % (t_refused_ms, down["res"]), flush=True)
        assert down["res"] == "CLUSTERDOWN The cluster is down", down
        assert t_refused_ms <= CLUSTERDOWN_BOUND_MS, \
            "the minority master called the cluster down only %.0f ms after the cut (node timeout %d ms; bound %d ms)" % (
                t_refused_ms, NODE_TIMEOUT, CLUSTERDOWN_BOUND_MS)
        after = [e for e in ev if e.get("wall", 0) > down["wall"]]
        assert not any(e.get("res") == "ok" for e in after), "the minority master accepted writes again: %s" % after
        # Stay partitioned a while (the majority's view settles: FAIL, new master, epochs), then heal.
        time.sleep(max(1.0, PARTITION_SECONDS - (time.monotonic() - t_cut)))
        minority_info = master.info("CLUSTER", "INFO")
        assert minority_info.get("cluster_state") == "fail", minority_info
        assert master.role() == "master", "the cut master is still a master on its side"
        print("majority: replica %s promoted %.2f s after the cut, cluster_state:ok on the five %.2f s after"
              % (replica.addr, t_promoted, t_majority_ok), flush=True)

        # Heal. The writer goes on: the old master must not take a write when it is back either (it has to learn
        # that it lost its slots before it may call the cluster ok again).
        t_heal = time.monotonic()
        net.heal(nodes.index(master))
        rcs.wait_until(lambda: master.role() == "slave" and
                       master.info("INFO", "replication").get("master_host") == replica.addr and
                       master.info("INFO", "replication").get("master_link_status") == "up",
                       timeout=40, interval=0.1, what="old master %s a replica of %s" % (master.addr, replica.addr))
        t_rejoin = time.monotonic() - t_heal
        # Its cluster_state turns ok once it has a PONG from a majority of the masters again (its own links,
        # dialled during the partition, may connect after the replication link): until then it answers
        # -CLUSTERDOWN, as Redis does, and from then on -MOVED to the new master.
        rcs.wait_until(lambda: (writer_events() or [{}])[-1].get("res", "").startswith("MOVED "), timeout=15, interval=0.1,
                       what="the writer on the old master's side redirected with -MOVED")
        t_moved = time.monotonic() - t_heal
        open(wlog + ".stop", "w").close()
        writer.wait(timeout=20)
        writer = None
        ev = writer_events()
        print("the writer on the old master's side, from the cut on: %s" % "; ".join(
            "+%.2fs %s" % (e["wall"] - t_cut_wall, e["res"][:60]) for e in ev if "res" in e and e["wall"] > t_cut_wall),
            flush=True)
        taken = [e for e in ev if e.get("wall", 0) > down["wall"] and e.get("res") == "ok"]
        assert not taken, "after healing, the old master accepted writes before it became a replica (those writes " \
            "are lost): first OK %.2f s after the heal" % (taken[0]["wall"] - t_cut_wall - (t_heal - t_cut))
        taken = [e for e in ev if e.get("i", 0) >= norep["i"] and e.get("res") == "ok"]
        assert not taken, "the minority master acknowledged writes again after -NOREPLICAS: %s" % taken
        # What the cut master acknowledged: the writes before the cut (all on the replica, WAIT said so) and a
        # bounded run right after it, up to its first -NOREPLICAS. A write whose reply never came (a timeout)
        # may or may not have been applied: neither expected nor excluded.
        done = outcomes(ev)
        keyname = lambda i: "%s:%d" % (tag, i)  # noqa: E731
        acked_before = {keyname(i) for i, r in done.items() if r == "ok" and i <= paused_i}
        acked_after = {keyname(i) for i, r in done.items() if r == "ok" and i > paused_i}
        unknown = {keyname(i) for i, r in done.items() if r.startswith("conn:")}
        assert acked_before, "no write acknowledged before the cut"
        assert all(i < norep["i"] for i, r in done.items() if r == "ok" and i > paused_i)
        last_res = [e for e in ev if "res" in e][-1]
        assert last_res["res"].startswith("MOVED "), "the old master, now a replica, should redirect: %s" % last_res
        rcs.wait_until(lambda: all(n.info("CLUSTER", "INFO").get("cluster_state") == "ok" for n in nodes),
                       timeout=30, interval=0.1, what="cluster_state:ok everywhere after healing")

        def one_view():
            views = [n.nodes() for n in nodes]
            owners = [slot_owners(v) for v in views]
            if any(o != owners[0] for o in owners) or None in owners[0]:
                return False
            masters = set(owners[0])
            return masters if len(masters) == 3 and master.addr not in masters and replica.addr in masters else False
        masters = rcs.wait_until(one_view, timeout=20, interval=0.2, what="one view of the slots on every node")

        def old_master_is_replica_everywhere():
            return all((lambda v: v[master.addr][2] == v[replica.addr][0] and "slave" in v[master.addr][1])(n.nodes())
                       for n in nodes)
        rcs.wait_until(old_master_is_replica_everywhere, timeout=20, interval=0.2,
                       what="every node listing the old master as a replica of the new one")
        print("healed: old master %s is a replica of %s %.2f s after healing, redirects with -MOVED %.2f s after; "
              "every node sees the same owner for every slot, masters %s"
              % (master.addr, replica.addr, t_rejoin, t_moved, sorted(masters)), flush=True)

        # The writes lost are exactly those the cut master acknowledged after the cut: the new master has every
        # key acknowledged before it and none after; the old master, resynchronised, has the same keys.
        slot = key_slot(tag)

        def keys_of(node):
            return set(node.cli("CLUSTER", "GETKEYSINSLOT", slot, 10000000, timeout=20).split()) - unknown
        on_new = keys_of(replica)
        assert on_new == acked_before, "the new master's keys of slot %d differ from the writes acknowledged " \
            "before the cut: %d missing (e.g. %s), %d more (e.g. %s)" % (
                slot, len(acked_before - on_new), sorted(acked_before - on_new)[:5], len(on_new - acked_before),
                sorted(on_new - acked_before)[:5])
        rcs.wait_until(lambda: keys_of(master) == on_new, timeout=20, interval=0.2,
                       what="the old master, now a replica, holding the new master's keys of slot %d" % slot)
        print("lost after the heal: the %d writes the cut master acknowledged between the cut and its first "
              "-NOREPLICAS; the %d acknowledged before the cut are all on the new master (%d writes without a reply)"
              % (len(acked_after), len(acked_before), len(unknown)), flush=True)
        ok = True
        print("OK")
        return 0
    finally:
        if writer is not None and writer.poll() is None:
            writer.kill()
            writer.wait(timeout=10)
        for n in nodes:
            n.stop()
        left = net.remove()
        if left:
            print("cleanup: namespaces left behind: %s" % left)
        if ok:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print("logs kept in %s" % workdir)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--writer":
        writer_main(sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5])
        sys.exit(0)
    sys.exit(main())
