#!/usr/bin/python3
"""Six-node cluster benchmark: redis-cluster-node vs Debian's redis-server, in one run, same flags.

For each server kind: start six nodes (cluster-enabled, password, no persistence), time
`redis-cli --cluster create ... --cluster-replicas 1 --cluster-yes` until cluster_state:ok on all six, then run
`redis-benchmark --cluster -t set,get,incr,lpush,hset -n N -c 50` without and with -P 16 (N >= 1,000,000:
fewer requests make redis-benchmark's cluster mode round to 250 ms). Tests alternate between the two clusters.

Usage: bench/cluster/bench_cluster.py [--requests 1000000] [--node build/node/redis-cluster-node]
Ports: ours 13000-13005, redis-server 13100-13105 (bus ports +10000). Prints Markdown; asserts nothing.
"""
import argparse
import csv
import io
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "integration", "lib"))
import rcs  # noqa: E402

PW = "bench-secret"
TESTS = ["set", "get", "incr", "lpush", "hset"]


def start_cluster(binary, base):
    nodes = []
    for i in range(6):
        s = rcs.Server(base + i, binary=binary, password=PW,
                       args=["--cluster-enabled", "yes", "--cluster-node-timeout", "5000",
                             "--cluster-config-file", "nodes-%d.conf" % (base + i)])
        s.start()
        nodes.append(s)
    t0 = time.monotonic()
    hosts = ["127.0.0.1:%d" % (base + i) for i in range(6)]
    out = subprocess.run([rcs.REDIS_CLI, "-a", PW, "--no-auth-warning", "--cluster", "create"] + hosts +
                         ["--cluster-replicas", "1", "--cluster-yes"], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError("cluster create failed: " + out.stdout + out.stderr)
    rcs.wait_until(lambda: all("cluster_state:ok" in n.cli("CLUSTER", "INFO") for n in nodes), timeout=60,
                   interval=0.02, what="cluster_state:ok on all six")
    return nodes, time.monotonic() - t0


def bench(port, test, n, pipeline):
    cmd = [rcs.REDIS_BENCHMARK, "--cluster", "-h", "127.0.0.1", "-p", str(port), "-a", PW, "-n", str(n), "-c", "50",
           "-t", test, "--csv", "-r", "100000"]
    if pipeline > 1:
        cmd += ["-P", str(pipeline)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    rows = [r for r in csv.DictReader(io.StringIO(out.stdout[out.stdout.find('"test"'):]))]
    if not rows:
        raise RuntimeError("no CSV from redis-benchmark: %s %s" % (out.stdout[-500:], out.stderr[-500:]))
    return float(rows[0]["rps"]), float(rows[0]["p50_latency_ms"]), float(rows[0]["p99_latency_ms"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=1000000)
    ap.add_argument("--node", default=rcs.NODE_BIN)
    args = ap.parse_args()
    ours, ref = [], []
    try:
        ours, t_ours = start_cluster(args.node, 13000)
        ref, t_ref = start_cluster(rcs.REDIS_SERVER, 13100)
        print("# Cluster benchmark: six redis-cluster-node vs six redis-server (3 masters, 3 replicas)\n")
        print("%d cores, %s; redis-benchmark --cluster -n %d -c 50 -r 100000; tests alternate between the clusters.\n"
              % (os.cpu_count(), time.strftime("%Y-%m-%d"), args.requests))
        print("Time from `redis-cli --cluster create` to cluster_state:ok on all six: ours %.2f s, redis-server %.2f s\n"
              % (t_ours, t_ref))
        for pipeline in (1, 16):
            print("## %s\n" % ("no pipelining" if pipeline == 1 else "-P 16"))
            print("| test | ours rps | redis-server rps | ratio | ours p50 ms | ref p50 ms | ours p99 ms | ref p99 ms |")
            print("|---|---:|---:|---:|---:|---:|---:|---:|")
            geo = 1.0
            for t in TESTS:
                o = bench(13000, t, args.requests, pipeline)
                r = bench(13100, t, args.requests, pipeline)
                geo *= o[0] / r[0]
                print("| %s | %.0f | %.0f | %.2fx | %.3f | %.3f | %.3f | %.3f |" % (t, o[0], r[0], o[0] / r[0], o[1], r[1], o[2], r[2]))
                sys.stdout.flush()
            print("\nGeometric mean throughput ratio: **%.2fx**\n" % (geo ** (1.0 / len(TESTS))))
    finally:
        for s in ours + ref:
            s.stop()


if __name__ == "__main__":
    main()
