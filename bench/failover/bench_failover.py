#!/usr/bin/python3
"""Failover benchmark: redis-cluster-node vs Debian's redis-server, in one run, same flags.

For each node timeout (3000 and 5000 ms) and each server kind, a six-node cluster (3 masters + 3 replicas,
`--save "" --appendonly no`, formed with `redis-cli --cluster create --cluster-replicas 1`), KEYS keys loaded
into one shard with `redis-cli --pipe` (keys of about a hundred hash tags that hash into that master's slots).
Each round, on that shard:
  - kill -9 of its master; measured: -> its replica answers `ROLE` as master (polled every 20 ms), and
    -> `cluster_state:ok` on every live node;
  - restart of the killed node (same port and nodes.conf; it comes back empty, there is no persistence);
    measured: restart -> `ROLE` slave with `master_link_status:up` (a full sync of the KEYS keys);
  - the next round kills the new master of the same shard (the two nodes take turns).
Prints one line per round and a Markdown table of median / worst per configuration. Times are wall clock on
whatever else the machine is doing: run the two servers in one run and compare side by side.

Usage: bench/failover/bench_failover.py [--rounds 10] [--keys 600000] [--timeouts 3000,5000]
                                        [--node build/node/redis-cluster-node] [--redis-server /usr/bin/redis-server]
                                        [--bus-auth] [--no-reference] [--base-port 14200]
--bus-auth adds our node with the authenticated cluster bus (cluster-bus-secret-file, cluster-bus-auth required)
to the configurations, side by side with the same node without it; --no-reference leaves redis-server out.
Ports: 14200-14259 by default (six per configuration, bus ports +10000). Asserts nothing beyond each step completing
within its bound; every process is stopped at the end, also on failure.
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "integration"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "integration", "lib"))
import rcs  # noqa: E402
from test_failover import cluster_nodes, info, key_slot, role  # noqa: E402


def resp(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def owner_ranges(view, port):
    return [tuple(int(x) for x in (r.split("-") if "-" in r else (r, r))) for r in view[port][3] if not r.startswith("[")]


def load_keys(master, view, n_keys, workdir):
    """n_keys SETs into master's slots through `redis-cli --pipe`; returns the count the master reports."""
    ranges = owner_ranges(view, master.port)
    tags = []
    i = 0
    while len(tags) < 100 and i < 100000:
        s = key_slot("t%d" % i)
        if any(a <= s <= b for a, b in ranges):
            tags.append("t%d" % i)
        i += 1
    path = os.path.join(workdir, "load-%d.resp" % master.port)
    value = b"v" * 32
    with open(path, "wb") as f:
        chunk = []
        for k in range(n_keys):
            chunk.append(resp(b"SET", ("{%s}:%d" % (tags[k % len(tags)], k)).encode(), value))
            if len(chunk) == 10000:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk))
    with open(path, "rb") as f:
        out = subprocess.run([rcs.REDIS_CLI, "-h", "127.0.0.1", "-p", str(master.port), "--pipe"], stdin=f,
                             capture_output=True, text=True, timeout=300)
    os.unlink(path)
    if out.returncode != 0:
        raise RuntimeError("redis-cli --pipe: %s %s" % (out.stdout[-400:], out.stderr[-400:]))
    return int(master.cli("DBSIZE").strip())


def state_ok(n):
    try:
        return "cluster_state:ok" in n.cli("CLUSTER", "INFO", timeout=2, check=False)
    except subprocess.TimeoutExpired:
        return False


def linked_replica_of(node, master_port):
    try:
        r = info(node, "INFO", "replication")
    except (subprocess.TimeoutExpired, AssertionError):
        return False
    return r.get("role") == "slave" and r.get("master_port") == str(master_port) and r.get("master_link_status") == "up"


def run_config(kind, binary, timeout_ms, base, rounds, n_keys, bus_auth=False):
    workdir = tempfile.mkdtemp(prefix="rcs-bench-failover-")
    extra = []
    if bus_auth:
        extra = ["--cluster-bus-secret-file", rcs.write_bus_secret(workdir), "--cluster-bus-auth", "required"]
    nodes = [rcs.Server(base + i, binary=binary,
                        args=["--cluster-enabled", "yes", "--cluster-node-timeout", str(timeout_ms),
                              "--cluster-config-file", "nodes-%d.conf" % (base + i)] + extra)
             for i in range(6)]
    results = []
    try:
        for n in nodes:
            n.start()
        by_port = {n.port: n for n in nodes}
        out = subprocess.run([rcs.REDIS_CLI, "--cluster", "create"] + ["127.0.0.1:%d" % n.port for n in nodes] +
                             ["--cluster-replicas", "1", "--cluster-yes"], capture_output=True, text=True,
                             timeout=120, stdin=subprocess.DEVNULL)
        if out.returncode != 0:
            raise RuntimeError("cluster create: " + out.stdout + out.stderr)
        rcs.wait_until(lambda: all(state_ok(n) for n in nodes), timeout=60, what="cluster_state:ok on all six")
        # redis-server announces the replicas' roles a moment after cluster_state:ok: wait for the full picture.
        view = rcs.wait_until(lambda: (lambda v: v if sum(1 for x in v.values() if "slave" in x[1] and x[2] != "-") == 3
                                       else None)(cluster_nodes(nodes[0])), timeout=30, what="three replicas known")
        master = by_port[next(p for p in sorted(view) if "master" in view[p][1] and view[p][3])]
        replica = by_port[next(p for p, v in view.items() if v[2] == view[master.port][0])]
        rcs.wait_until(lambda: linked_replica_of(replica, master.port), timeout=30, what="replica linked")
        keys = load_keys(master, view, n_keys, workdir)
        rcs.wait_until(lambda: int(replica.cli("DBSIZE").strip()) == keys, timeout=120, what="replica has every key")
        print("%s, node timeout %d ms: %d keys in the shard of master %d (replica %d)" % (
            kind, timeout_ms, keys, master.port, replica.port), flush=True)
        for rnd in range(rounds):
            # Steady state before each kill: all ok, the replica in sync, and the voters' "voted for a replica of
            # this master" window (2 x node timeout) passed since the previous promotion.
            rcs.wait_until(lambda: all(state_ok(n) for n in nodes), timeout=60, what="cluster ok before the round")
            rcs.wait_until(lambda: linked_replica_of(replica, master.port), timeout=60, what="replica linked")
            t0 = time.monotonic()
            master.kill(signal.SIGKILL)
            if master in rcs._live:
                rcs._live.remove(master)
            rcs.wait_until(lambda: role(replica) == "master", timeout=timeout_ms / 1000 * 4 + 30, interval=0.02,
                           what="%s promoted" % replica.port)
            t_role = time.monotonic() - t0
            live = [n for n in nodes if n is not master]
            rcs.wait_until(lambda: all(state_ok(n) for n in live), timeout=60, interval=0.02,
                           what="cluster_state:ok on every live node")
            t_ok = time.monotonic() - t0
            t1 = time.monotonic()
            master.start(wait=False)
            rcs.wait_until(lambda: linked_replica_of(master, replica.port), timeout=120, interval=0.02,
                           what="restarted %d linked to %d" % (master.port, replica.port))
            t_rejoin = time.monotonic() - t1
            results.append((t_role, t_ok, t_rejoin))
            print("  %s %d ms round %d: kill -> ROLE master %.2f s, -> cluster_state:ok everywhere %.2f s; "
                  "restart -> replica link up %.2f s" % (kind, timeout_ms, rnd + 1, t_role, t_ok, t_rejoin), flush=True)
            master, replica = replica, master
            # The voters refuse a second vote for replicas of one master within 2 x node timeout (Redis and us).
            time.sleep(max(0.0, timeout_ms / 1000 * 2 + 0.5 - (time.monotonic() - t0)))
    finally:
        for n in nodes:
            n.stop()
    return results


def summary(vals):
    return statistics.median(vals), max(vals)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--keys", type=int, default=600000)
    ap.add_argument("--timeouts", default="3000,5000")
    ap.add_argument("--node", default=rcs.NODE_BIN)
    ap.add_argument("--redis-server", default=rcs.REDIS_SERVER)
    ap.add_argument("--bus-auth", action="store_true")
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--base-port", type=int, default=14200)
    args = ap.parse_args()
    timeouts = [int(t) for t in args.timeouts.split(",")]
    version = subprocess.run([args.redis_server, "--version"], capture_output=True, text=True).stdout.strip()
    print("redis-server: %s; %d rounds per configuration, %d keys in the killed shard" % (version, args.rounds, args.keys))
    table = []
    base = args.base_port
    configs = [("redis-cluster-node", args.node, False)]
    if args.bus_auth:
        configs.append(("redis-cluster-node, bus MAC on", args.node, True))
    if not args.no_reference:
        configs.append(("redis-server", args.redis_server, False))
    for t in timeouts:
        for kind, binary, bus_auth in configs:
            res = run_config(kind, binary, t, base, args.rounds, args.keys, bus_auth)
            base += 10
            table.append((kind, t, res))
    print()
    print("| server | node timeout | kill → ROLE master, median / worst | kill → cluster_state:ok everywhere, "
          "median / worst | restart → replica link up, median / worst |")
    print("|---|---|---|---|---|")
    for kind, t, res in table:
        cols = []
        for i in range(3):
            med, worst = summary([r[i] for r in res])
            cols.append("%.2f / %.2f s" % (med, worst))
        print("| %s | %d ms | %s |" % (kind, t, " | ".join(cols)))


if __name__ == "__main__":
    main()
