#!/usr/bin/python3
"""Persistence side by side with Debian's redis-server, in one run (ports 15900/15901, replicas 15910/15911):

  1. AOF load time: both servers get the same N keys (redis-cli --pipe), rewrite their AOF (RESP base, no RDB
     preamble), stop, and are restarted; we time from exec until INFO says loading:0 with N keys, and read the
     "DB loaded from append only file: X seconds" line each one logs.
  2. The rewrite's fork (latest_fork_usec) and a client's PING round trips while the rewrite runs (p50/p99),
     and while a replica of the same kind full-syncs the keys.
  3. Write throughput: redis-benchmark -t set,incr,lpush,hset with appendfsync everysec and always, with and
     without -P 16, each test on both servers back to back.

Usage: bench/persistence/bench_persistence.py [--keys 1000000] [--requests 1000000]
         [--node build/node/redis-cluster-node] [--parts load,sync,throughput]
Prints Markdown tables (for bench/RESULTS.md). Timing is noisy on a shared machine: compare ratios.
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration", "lib"))
import rcs  # noqa: E402

PORTS = {"ours": 15900, "redis": 15901}


def start(kind, binary, d, extra):
    args = ["--appendonly", "yes", "--aof-use-rdb-preamble", "no", "--auto-aof-rewrite-percentage", "0"] + extra
    s = rcs.Server(PORTS[kind], binary=binary, workdir=d, args=args)
    t0 = time.monotonic()
    s.start(wait=False)
    return s, t0


def wait_loaded(s, keys, timeout=600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            i = rcs.info(s, "persistence")
            if i.get("loading") == "0" and int(s.cli("DBSIZE", check=False).strip() or 0) == keys:
                return time.monotonic()
        except Exception:  # noqa: BLE001 - still starting
            pass
        time.sleep(0.005)
    raise AssertionError("%d did not load" % s.port)


def fill(s, keys):
    proto = bytearray()
    for i in range(keys):
        k = b"key:%d" % i
        v = b"value:%d:" % i + b"x" * 32
        proto += b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v)
    r = subprocess.run([rcs.REDIS_CLI, "-p", str(s.port), "--pipe"], input=bytes(proto), capture_output=True,
                       timeout=600)
    if r.returncode != 0:
        raise AssertionError(r.stdout + r.stderr)


def pings_until(port, done, check_every):
    """PING round trips (ms, sorted) on one connection until done() (asked every check_every PINGs)."""
    c = socket.create_connection(("127.0.0.1", port))
    lat = []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        t = time.perf_counter()
        c.sendall(b"PING\r\n")
        c.recv(64)
        lat.append((time.perf_counter() - t) * 1000)
        if len(lat) % check_every == 0 and done():
            break
    c.close()
    return sorted(lat)


def rewrite_and_ping(s):
    """BGREWRITEAOF; PING round trips (ms) until it is done; latest_fork_usec."""
    before = int(rcs.info(s, "persistence")["aof_rewrites"])
    s.cli("BGREWRITEAOF")

    def done():
        i = rcs.info(s, "persistence")
        return int(i["aof_rewrites"]) > before and i["aof_rewrite_in_progress"] == "0"
    lat = pings_until(s.port, done, 50)
    fork_us = int(rcs.info(s, "stats")["latest_fork_usec"])
    return fork_us, lat[len(lat) // 2], lat[int(len(lat) * 0.99)], len(lat)


def full_sync_pings(kind, binary, root, keys):
    """A replica of the same kind full-syncs `keys` keys; PING round trips on the master meanwhile."""
    d = os.path.join(root, "fs-" + kind)
    os.makedirs(os.path.join(d, "r"))
    m = rcs.Server(PORTS[kind], binary=binary, workdir=d, args=["--appendonly", "no"])
    m.start()
    fill(m, keys)
    r = rcs.Server(PORTS[kind] + 10, binary=binary, workdir=os.path.join(d, "r"), args=["--appendonly", "no"])
    r.start()
    t0 = time.monotonic()
    r.cli("REPLICAOF", "127.0.0.1", str(m.port))

    def done():
        return (rcs.info(r, "replication").get("master_link_status") == "up" and
                int(r.cli("DBSIZE").strip()) == keys)
    lat = pings_until(m.port, done, 200)
    took = time.monotonic() - t0
    r.stop()
    m.stop()
    return took, lat[len(lat) // 2], lat[int(len(lat) * 0.99)], lat[-1], len(lat)


def logged_load_seconds(s):
    m = re.findall(r"DB loaded from append only file: ([0-9.]+) seconds", s.log())
    return float(m[-1]) if m else float("nan")


def bench_throughput(s, tests, requests, pipeline):
    cmd = [rcs.REDIS_BENCHMARK, "-p", str(s.port), "-t", tests, "-n", str(requests), "-r", "100000", "-c", "50",
           "--csv"]
    if pipeline > 1:
        cmd += ["-P", str(pipeline)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=1200).stdout
    rows = {}
    for line in out.splitlines():
        f = [x.strip('"') for x in line.split(",")]
        if len(f) >= 2 and f[0] != "test":
            rows[f[0].split()[0].lower()] = float(f[1])
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--requests", type=int, default=1000000)
    ap.add_argument("--node", default=rcs.NODE_BIN)
    ap.add_argument("--parts", default="load,sync,throughput", help="comma-separated subset to run")
    a = ap.parse_args()
    parts = set(a.parts.split(","))
    binaries = {"ours": os.path.abspath(a.node), "redis": rcs.REDIS_SERVER}
    root = tempfile.mkdtemp(prefix="rcs-bench-aof-")
    try:
        if "load" in parts:
            print("## AOF load, rewrite (%d keys)\n" % a.keys)
            print("| server | AOF bytes | load (exec to loaded) s | logged load s | fork ms | PING p50 ms during rewrite | PING p99 ms | PINGs |")
            print("|---|---:|---:|---:|---:|---:|---:|---:|")
            res = {}
            for kind in ("ours", "redis"):
                d = os.path.join(root, kind)
                os.makedirs(d)
                s, _ = start(kind, binaries[kind], d, ["--appendfsync", "everysec"])
                rcs.wait_until(s.ping, timeout=20, what="start")
                fill(s, a.keys)
                fork_us, p50, p99, n = rewrite_and_ping(s)
                s.cli("SHUTDOWN", check=False)
                s.proc.wait(timeout=120)
                size = sum(os.path.getsize(os.path.join(d, "appendonlydir", f)) for f in os.listdir(os.path.join(d, "appendonlydir")))
                s2, t0 = start(kind, binaries[kind], d, [])
                loaded = wait_loaded(s2, a.keys) - t0
                res[kind] = loaded
                print("| %s | %d | %.2f | %.2f | %.1f | %.3f | %.3f | %d |" % (kind, size, loaded, logged_load_seconds(s2),
                                                                              fork_us / 1000.0, p50, p99, n))
                s2.stop()
            print("\nLoad time ratio (redis-server / ours): **%.2fx**\n" % (res["redis"] / res["ours"]))
        if "sync" in parts:
            print("## Full sync of %d keys to a replica of the same kind: PING on the master meanwhile\n" % a.keys)
            print("| server | sync s | PING p50 ms | PING p99 ms | PING max ms | PINGs |")
            print("|---|---:|---:|---:|---:|---:|")
            for kind in ("ours", "redis"):
                took, p50, p99, mx, n = full_sync_pings(kind, binaries[kind], root, a.keys)
                print("| %s | %.2f | %.3f | %.3f | %.3f | %d |" % (kind, took, p50, p99, mx, n))
            print()
        if "throughput" in parts:
            for policy in ("everysec", "always"):
                for pipeline in (1, 16):
                    print("## redis-benchmark, appendfsync %s, %s\n" % (policy, "-P 16" if pipeline > 1 else "no pipelining"))
                    print("| test | ours rps | redis-server rps | ratio |")
                    print("|---|---:|---:|---:|")
                    rows = {}
                    servers = {}
                    for kind in ("ours", "redis"):
                        d = os.path.join(root, "%s-%s-%d" % (kind, policy, pipeline))
                        os.makedirs(d)
                        servers[kind], _ = start(kind, binaries[kind], d, ["--appendfsync", policy])
                        rcs.wait_until(servers[kind].ping, timeout=20, what="start")
                    for test in ("set", "incr", "lpush", "hset"):
                        for kind in ("ours", "redis"):
                            rows.setdefault(test, {}).update({kind: bench_throughput(servers[kind], test, a.requests,
                                                                                      pipeline).get(test, 0.0)})
                    prod = 1.0
                    for test, r in rows.items():
                        ratio = r["ours"] / r["redis"] if r["redis"] else float("nan")
                        prod *= ratio
                        print("| %s | %.0f | %.0f | %.2fx |" % (test, r["ours"], r["redis"], ratio))
                    print("\nGeometric mean: **%.2fx**\n" % (prod ** (1.0 / len(rows))))
                    for s in servers.values():
                        s.stop()
    finally:
        import rcs_server  # noqa: E402 (the library stops whatever is still running)
        rcs_server._cleanup()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
