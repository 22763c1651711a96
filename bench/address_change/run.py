#!/usr/bin/python3
"""Address-change benchmark (issue 12): a full restart where every node comes back on a new IP, in one run
against redis-cluster-node and against Debian's redis-server 7.0, same flags.

For each server kind: six nodes (3 masters + 3 replicas) named rcs-ac-<kind>-N, each on its own loopback
address (127.0.0.0/8 is local on Linux, so 127.0.0.x needs no alias), started with
`--cluster-announce-hostname <name> --cluster-preferred-endpoint-type hostname --cluster-node-timeout T
--appendonly yes --cluster-announce-ip <its address of the moment>`, formed with `redis-cli --cluster create --cluster-replicas 1` (by IP: MEET takes one).
cluster-announce-ip is needed on loopback aliases only: redis-server's outgoing bus connections leave from
127.0.0.1 whatever it binds, so without it peers would record every node as 127.0.0.1 (it is what a pod's
announce-ip = pod IP would be; both servers get it, set to the new address after the restart).
KEYS keys are written through redis-py's RedisCluster (by name, so the hosts file is used). Then all six are
stopped (SIGTERM), the hosts file is rewritten so every name points to a new address, and each node is started
again on its new address with its old data folder (nodes.conf, AOF). No CLUSTER MEET, no edit of nodes.conf.
Measured from the moment the last node was started: the time until every node reports cluster_state:ok, and,
at the end of the wait (--wait seconds, default 30), what state each node is in: cluster_state, how many
peers it flags fail / fail? (pfail), how many of its links are disconnected, whether every replica has
master_link_status:up, and how many keys are readable.

Names resolve through a private hosts file: the script re-runs itself under `unshare --mount` and
bind-mounts a temp file over /etc/hosts inside that mount namespace only (the machine's /etc/hosts is never
written); every process it starts inherits the namespace. Needs root (unshare, mount).

Usage: bench/address_change/run.py [--node build/node/redis-cluster-node] [--redis-server /usr/bin/redis-server]
                                   [--kinds ours,redis-server] [--timeout 5000] [--wait 30] [--keys 10000]
Ports: 19100-19105 (redis-server), 19200-19205 (ours), bus ports +10000. Addresses 127.0.0.{110-115} before
the restart and 127.0.0.{120-125} after (redis-server), 127.0.0.{130-135} / {140-145} (ours).
Asserts nothing; every process is stopped at the end, also on failure.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import logging

import redis
from redis.cluster import ClusterNode, RedisCluster

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"
KINDS = {
    # kind: (first port, first address before, first address after): last octet of 127.0.0.x
    "redis-server": (19100, 110, 120),
    "ours": (19200, 130, 140),
}


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def reexec_in_private_namespace():
    """Runs this script again in a new mount namespace with a temp file bind-mounted over /etc/hosts."""
    if os.environ.get("RCS_AC_INNER") == "1":
        return
    if os.geteuid() != 0:
        sys.exit("run.py: needs root (unshare --mount and a bind mount over /etc/hosts in that namespace)")
    env = dict(os.environ, RCS_AC_INNER="1")
    cmd = ["unshare", "--mount", "--propagation", "private", sys.executable, os.path.abspath(__file__)] + sys.argv[1:]
    sys.exit(subprocess.call(cmd, env=env))


class Hosts:
    """The private hosts file: rewritten in place (same inode, so the bind mount keeps showing it)."""

    def __init__(self, workdir):
        self.path = os.path.join(workdir, "hosts")
        with open("/etc/hosts") as f:
            self.base = [l for l in f.read().splitlines() if "rcs-ac-" not in l]
        self.names = {}
        self.write()
        subprocess.run(["mount", "--bind", self.path, "/etc/hosts"], check=True)
        with open("/etc/hosts") as f:
            if "# rcs address-change bench" not in f.read():
                sys.exit("run.py: the bind mount over /etc/hosts did not take")

    def set(self, name, ip):
        self.names[name] = ip

    def write(self):
        lines = self.base + ["# rcs address-change bench"] + ["%s %s" % (ip, n) for n, ip in sorted(self.names.items())]
        with open(self.path, "r+" if os.path.exists(self.path) else "w") as f:
            f.truncate(0)
            f.write("\n".join(lines) + "\n")


class Node:
    def __init__(self, kind, binary, i, port, workdir, timeout_ms):
        self.kind, self.binary, self.i, self.port = kind, binary, i, port
        self.name = "rcs-ac-%s-%d" % ("ours" if kind == "ours" else "ref", i)
        self.dir = os.path.join(workdir, "%s-%d" % (kind, i))
        os.makedirs(self.dir, exist_ok=True)
        self.timeout_ms = timeout_ms
        self.proc = None
        self.ip = None

    def start(self, ip):
        self.ip = ip
        args = [self.binary, "--port", str(self.port), "--bind", ip, "--dir", self.dir, "--cluster-enabled", "yes",
                "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", str(self.timeout_ms),
                "--cluster-announce-hostname", self.name, "--cluster-preferred-endpoint-type", "hostname",
                "--cluster-announce-ip", ip,
                "--appendonly", "yes", "--save", "", "--protected-mode", "no",
                "--logfile", os.path.join(self.dir, "node.log")]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.dir, "stderr.log"), "ab"))
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited with %s (see %s)" % (self.name, self.proc.returncode, self.dir))
            try:
                if self.client().ping():
                    return
            except redis.RedisError:
                pass
            time.sleep(0.05)
        raise RuntimeError("%s did not answer PING within 20 s" % self.name)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def client(self):
        return redis.Redis(host=self.ip, port=self.port, socket_timeout=2, decode_responses=True)


def raw(node, *args):
    """One command through redis-cli (a plain text reply, as a human sees it)."""
    out = subprocess.run([REDIS_CLI, "-h", node.ip, "-p", str(node.port)] + list(args), capture_output=True,
                         text=True, timeout=10)
    return out.stdout.replace("\r", "")


def state_of(node):
    info = raw(node, "CLUSTER", "INFO")
    return dict(l.split(":", 1) for l in info.splitlines() if ":" in l)


def view_of(node):
    """(peers flagged fail, peers flagged fail?, disconnected links) in this node's CLUSTER NODES."""
    fail = pfail = disc = 0
    for line in raw(node, "CLUSTER", "NODES").splitlines():
        f = line.split()
        if len(f) < 8 or "myself" in f[2]:
            continue
        flags = f[2].split(",")
        fail += "fail" in flags
        pfail += "fail?" in flags
        disc += f[7] == "disconnected"
    return fail, pfail, disc


def healthy(nodes):
    return all(state_of(n).get("cluster_state") == "ok" and view_of(n) == (0, 0, 0) for n in nodes)


def all_ok(nodes):
    return all(state_of(n).get("cluster_state") == "ok" for n in nodes)


def replicas_linked(nodes):
    """(replicas with master_link_status:up, replicas)."""
    up = total = 0
    for n in nodes:
        rep = dict(l.split(":", 1) for l in raw(n, "INFO", "replication").splitlines() if ":" in l)
        if rep.get("role") == "slave":
            total += 1
            up += rep.get("master_link_status") == "up"
    return up, total


def readable_keys(nodes, n_keys, budget_s=10):
    """(keys read back correctly, keys tried) through a RedisCluster client started from the names; stops
    trying after budget_s (a broken cluster makes every read wait for retries)."""
    try:
        rc = RedisCluster(startup_nodes=[ClusterNode(n.name, n.port) for n in nodes], socket_timeout=2,
                          decode_responses=True, cluster_error_retry_attempts=1)
    except Exception:
        return 0, 0
    ok = tried = 0
    deadline = time.time() + budget_s
    try:
        for k in range(n_keys):
            if time.time() > deadline:
                break
            tried += 1
            try:
                ok += rc.get("k%d" % k) == "v%d" % k
            except Exception:
                pass
    finally:
        rc.close()
    return ok, tried


def run_kind(kind, binary, hosts, workdir, args):
    port0, before0, after0 = KINDS[kind]
    nodes = [Node(kind, binary, i, port0 + i, workdir, args.timeout) for i in range(6)]
    result = {"kind": kind}
    try:
        for n in nodes:
            hosts.set(n.name, "127.0.0.%d" % (before0 + n.i))
        hosts.write()
        for n in nodes:
            n.start("127.0.0.%d" % (before0 + n.i))
        out = subprocess.run([REDIS_CLI, "--cluster", "create"] + ["%s:%d" % (n.ip, n.port) for n in nodes] +
                             ["--cluster-replicas", "1", "--cluster-yes"], capture_output=True, text=True,
                             timeout=120)
        if out.returncode != 0:
            raise RuntimeError("cluster create: %s %s" % (out.stdout[-600:], out.stderr[-600:]))
        deadline = time.time() + 60
        while not (all_ok(nodes) and replicas_linked(nodes)[0] == 3):
            if time.time() > deadline:
                raise RuntimeError("%s: the new cluster is not ok with linked replicas within 60 s" % kind)
            time.sleep(0.2)
        rc = RedisCluster(startup_nodes=[ClusterNode(n.name, n.port) for n in nodes], decode_responses=True)
        hostnames = sorted({x.host for x in rc.get_nodes()})
        for k in range(args.keys):
            rc.set("k%d" % k, "v%d" % k)
        rc.close()
        ids = {n.name: n.client().execute_command("CLUSTER", "MYID") for n in nodes}
        log("%s: cluster formed, %d keys written; the client knows the nodes as %s" % (kind, args.keys, ",".join(hostnames)))
        # Let the AOF reach disk (appendfsync everysec) and the replicas catch up before the full stop.
        time.sleep(1.5)
        for n in nodes:
            n.stop()
        for n in nodes:
            hosts.set(n.name, "127.0.0.%d" % (after0 + n.i))
        hosts.write()
        log("%s: all six stopped; names now point to 127.0.0.%d-%d (were 127.0.0.%d-%d); starting them again" %
            (kind, after0, after0 + 5, before0, before0 + 5))
        for n in nodes:
            n.start("127.0.0.%d" % (after0 + n.i))
        t0 = time.time()
        healthy_at = None
        # Healthy = every node says cluster_state:ok and sees no peer fail / fail? and no disconnected link.
        # cluster_state alone is not enough: a node that just loaded its nodes.conf says ok until the node
        # timeout flags the peers it cannot reach (redis-server does, for about 2 s). The state is sampled for
        # the whole wait for both servers, so "healthy" must also hold at the end.
        while time.time() - t0 < args.wait:
            if healthy(nodes):
                if healthy_at is None:
                    healthy_at = time.time() - t0
            else:
                healthy_at = None
            time.sleep(0.1)
        waited = time.time() - t0
        result["healthy_s"] = healthy_at
        result["waited_s"] = waited
        states = [state_of(n).get("cluster_state", "?") for n in nodes]
        views = [view_of(n) for n in nodes]
        result["ok_nodes"] = sum(s == "ok" for s in states)
        result["fail_views"] = sum(v[0] > 0 for v in views)
        result["pfail_views"] = sum(v[1] > 0 for v in views)
        result["disc_views"] = sum(v[2] > 0 for v in views)
        result["fail_flags"] = sum(v[0] for v in views)
        result["pfail_flags"] = sum(v[1] for v in views)
        result["disc_links"] = sum(v[2] for v in views)
        result["linked"] = replicas_linked(nodes)
        result["same_ids"] = all(n.client().execute_command("CLUSTER", "MYID") == ids[n.name] for n in nodes)
        result["keys"] = readable_keys(nodes, args.keys)
        result["nodes_line"] = raw(nodes[0], "CLUSTER", "NODES")
        log("%s: %s" % (kind, describe(result, args)))
        return result
    finally:
        for n in nodes:
            n.stop()


def describe(r, args):
    head = ("healthy (cluster_state:ok, no fail/fail?/disconnected in any view) %.2f s after the last restart, and still at the end" % r["healthy_s"] if r["healthy_s"] is not None
            else "NOT healthy %.0f s after the last restart" % r["waited_s"])
    return ("%s; at %.1f s: cluster_state ok on %d/6; nodes seeing a peer fail: %d (%d flags), fail?: %d (%d flags), "
            "a disconnected link: %d (%d links); replicas linked %d/%d; same node ids: %s; keys read back %d of %d tried" %
            (head, r["waited_s"], r["ok_nodes"], r["fail_views"], r["fail_flags"], r["pfail_views"], r["pfail_flags"],
             r["disc_views"], r["disc_links"], r["linked"][0], r["linked"][1], "yes" if r["same_ids"] else "no",
             r["keys"][0], r["keys"][1]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--node", default=os.path.join(ROOT, "build", "node", "redis-cluster-node"))
    ap.add_argument("--redis-server", default="/usr/bin/redis-server")
    ap.add_argument("--kinds", default="ours,redis-server")
    ap.add_argument("--timeout", type=int, default=5000, help="cluster-node-timeout in ms")
    ap.add_argument("--wait", type=float, default=30, help="seconds to wait after the restart")
    ap.add_argument("--keys", type=int, default=10000)
    args = ap.parse_args()
    reexec_in_private_namespace()
    logging.getLogger("redis").setLevel(logging.CRITICAL)  # a broken cluster's retries are counted, not logged
    kinds = [k for k in args.kinds.split(",") if k]
    for k in kinds:
        if k not in KINDS:
            sys.exit("run.py: unknown kind %s (ours, redis-server)" % k)
    workdir = tempfile.mkdtemp(prefix="rcs-address-change-")
    hosts = Hosts(workdir)
    results = []
    try:
        for k in kinds:
            binary = args.node if k == "ours" else args.redis_server
            ver = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
            log("%s: %s" % (k, ver))
            results.append(run_kind(k, binary, hosts, workdir, args))
    finally:
        subprocess.run(["umount", "/etc/hosts"])
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    print("node timeout %d ms, wait %.0f s, %d keys; load average %s" %
          (args.timeout, args.wait, args.keys, " ".join(open("/proc/loadavg").read().split()[:3])))
    print("| server | time to healthy on all six (cluster_state:ok, no fail, fail? or disconnected link in any view) | state at the end of the wait |")
    print("|---|---:|---|")
    for r in results:
        t = "%.2f s" % r["healthy_s"] if r["healthy_s"] is not None else "not within %.0f s" % args.wait
        print("| %s | %s | ok on %d/6; %d nodes see a peer fail, %d fail?, %d a disconnected link; replicas linked "
              "%d/%d; keys read back %d of %d tried |" % (r["kind"], t, r["ok_nodes"], r["fail_views"], r["pfail_views"],
                                               r["disc_views"], r["linked"][0], r["linked"][1], r["keys"][0], r["keys"][1]))
    for r in results:
        if r["healthy_s"] is None:
            print("\n%s: CLUSTER NODES of node 0 at the end:\n%s" % (r["kind"], r["nodes_line"]))


if __name__ == "__main__":
    main()
