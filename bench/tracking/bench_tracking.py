#!/usr/bin/env python3
"""GET with client-side caching on: our node and Debian's redis-server side by side in one run.

redis-benchmark over RESP3 (-3) with `--enable-tracking` (each of its 50 connections sends CLIENT TRACKING on
first), so every GET puts its key in the tracking table; 100,000 keys exist (key:000000000000 ...). Workloads:
  GET tracked      GET key:__rand_int__, tracking on
  GET              the same without tracking (the baseline of both servers)
  SET tracked      SET key:__rand_int__ v, tracking on: the keys the GETs tracked are invalidated (one push
                   to the reader each time a key is written after being read)
Prints requests/s and the server's CPU time per request (utime + stime from /proc/<pid>/stat over the run),
per round and as medians, and the ratio ours / redis-server.

    bench/tracking/bench_tracking.py [--node build/node/redis-cluster-node] [--requests 200000] [--rounds 3]
Ports 21977 (ours) and 21978 (redis-server).
"""
import argparse
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "integration", "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rcs  # noqa: E402
from rcs_bench import redis_benchmark  # noqa: E402

OURS, REF = 21977, 21978
WORKLOADS = {
    "GET tracked": ["-3", "--enable-tracking", "GET", "key:__rand_int__"],
    "GET": ["-3", "GET", "key:__rand_int__"],
    "SET tracked": ["-3", "--enable-tracking", "SET", "key:__rand_int__", "v"],
}



def bench(server, argv, requests):
    return redis_benchmark(server, argv, requests)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node", default=rcs.NODE_BIN)
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    servers = {"ours": rcs.Server(OURS, binary=a.node), "redis-server": rcs.Server(REF, binary=rcs.REDIS_SERVER)}
    try:
        for s in servers.values():
            s.start()
            subprocess.run([rcs.REDIS_BENCHMARK, "-p", str(s.port), "-n", "100000", "-r", "100000", "-c", "50",
                            "-q", "SET", "key:__rand_int__", "v"], capture_output=True, timeout=300)
        res = {(n, w): {"rps": [], "cpu": []} for n in servers for w in WORKLOADS}
        for r in range(a.rounds):
            for w, argv in WORKLOADS.items():
                for n, s in servers.items():
                    rps, cpu = bench(s, argv, a.requests)
                    res[(n, w)]["rps"].append(rps)
                    res[(n, w)]["cpu"].append(cpu)
                    print("round %d %-12s %-12s %9.0f rps  %6.2f us CPU/request" % (r + 1, w, n, rps, cpu), flush=True)
        for s in servers.values():
            with rcs.Resp(s.port) as c:
                text = c.call_raw("INFO", "everything").decode()
            print(s.port, " ".join(l for l in text.split("\r\n") if l.startswith("tracking_")))
        print("\n| workload | ours rps | redis-server rps | ratio | ours CPU us/req | redis-server CPU us/req | CPU ratio |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for w in WORKLOADS:
            o, f = res[("ours", w)], res[("redis-server", w)]
            orps, frps = statistics.median(o["rps"]), statistics.median(f["rps"])
            ocpu, fcpu = statistics.median(o["cpu"]), statistics.median(f["cpu"])
            print("| %s | %.0f | %.0f | %.2fx | %.2f | %.2f | %.2fx |" % (w, orps, frps, orps / frps, ocpu, fcpu,
                                                                       ocpu / fcpu if fcpu else 0))
    finally:
        for s in servers.values():
            s.stop()


if __name__ == "__main__":
    main()
