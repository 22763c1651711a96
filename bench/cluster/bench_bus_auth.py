#!/usr/bin/python3
"""Cluster bus throughput with the authenticated bus (MAC) on vs off, side by side in one run.

A cluster of three masters (no replicas) of our node, once without the setting and once with
cluster-bus-secret-file + cluster-bus-auth required. `redis-benchmark` sends PUBLISH (pipelined) to one node;
each PUBLISH goes to every other node as one bus message (cluster/bus_publish.cc), so the bus carries two
messages per command. Measured per configuration and round: the PUBLISH rate redis-benchmark reports, and the
bus messages per second the two receivers handled (cluster_stats_messages_publish_received, read until both
have every message, divided by the time from the start of the benchmark).

Usage: bench/cluster/bench_bus_auth.py [--rounds 3] [--requests 200000] [--pipeline 32] [--size 64]
                                       [--base-port 14300] [--node build/node/redis-cluster-node]
Ports: base .. base+5 (bus ports +10000). Asserts nothing beyond every message arriving within its bound;
every process is stopped at the end, also on failure.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "integration", "lib"))
import rcs  # noqa: E402


def publish_received(n):
    return int(rcs.fields(n, "CLUSTER", "INFO", timeout=5).get("cluster_stats_messages_publish_received", "0"))


def start(base, bus_auth):
    root = tempfile.mkdtemp(prefix="rcs-bench-busauth-")
    extra = []
    if bus_auth:
        extra = ["--cluster-bus-secret-file", rcs.write_bus_secret(root), "--cluster-bus-auth", "required"]
    c = rcs.Cluster(range(base, base + 3), replicas=0, node_timeout=5000, args=extra)
    c.start()
    c.secret_root = root
    return c


def one_round(c, bus_auth, r, args):
    sender, receivers = c.nodes[0], c.nodes[1:]
    before = [publish_received(n) for n in receivers]
    t0 = time.monotonic()
    out = subprocess.run([rcs.REDIS_BENCHMARK, "-p", str(sender.port), "-n", str(args.requests),
                          "-P", str(args.pipeline), "-c", "4", "-q", "PUBLISH", "bench-channel",
                          "x" * args.size], capture_output=True, text=True, timeout=300)
    want = [b + args.requests for b in before]
    rcs.wait_until(lambda: [publish_received(n) for n in receivers] >= want, timeout=120, interval=0.01,
                   what="every PUBLISH delivered over the bus")
    elapsed = time.monotonic() - t0
    line = [l for l in out.stdout.replace("\r", "\n").splitlines() if "requests per second" in l]
    rps = float(line[-1].split(":")[1].split()[0]) if line else float("nan")
    bus_rate = 2 * args.requests / elapsed
    print("%s round %d: PUBLISH %.0f/s (redis-benchmark), bus messages delivered %.0f/s" %
          ("MAC on " if bus_auth else "MAC off", r, rps, bus_rate), flush=True)
    return rps, bus_rate


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--pipeline", type=int, default=32)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--base-port", type=int, default=14300)
    args = ap.parse_args()
    results = {False: [], True: []}
    clusters = {}
    try:
        for auth in (False, True):
            clusters[auth] = start(args.base_port + (3 if auth else 0), auth)
        # Rounds alternate between the two clusters, so both see the same background load.
        for r in range(args.rounds):
            for auth in (False, True):
                results[auth].append(one_round(clusters[auth], auth, r, args))
    finally:
        for c in clusters.values():
            c.stop()
            shutil.rmtree(c.secret_root, ignore_errors=True)
    print()
    print("| bus | PUBLISH/s median (redis-benchmark -P %d, %d-byte message) | bus messages delivered/s, median |" %
          (args.pipeline, args.size))
    print("|---|---|---|")
    for auth in (False, True):
        rps = statistics.median(r[0] for r in results[auth])
        bus = statistics.median(r[1] for r in results[auth])
        print("| %s | %.0f | %.0f |" % ("MAC on (cluster-bus-auth required)" if auth else "MAC off", rps, bus))
    off = statistics.median(r[1] for r in results[False])
    on = statistics.median(r[1] for r in results[True])
    print("\nbus throughput with the MAC: %.1f %% of without" % (100.0 * on / off))


if __name__ == "__main__":
    main()
