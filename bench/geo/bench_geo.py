#!/usr/bin/env python3
"""Geo and SORT throughput: our node and Debian's redis-server side by side in one run (issue 21).

Three redis-benchmark workloads, each on both servers, rounds alternating between them:
  GEOADD     GEOADD gb 13.__rand_int__ 38.__rand_int__ p:__rand_int__ (new and updated members)
  GEOSEARCH  GEOSEARCH geo FROMMEMBER m:__rand_int__ BYRADIUS 5 km, on a set of 100,000 members spread over
             about 2 x 2 degrees (a few hundred members within 5 km of each), so every query returns results
  SORT       SORT biglist, a list of 1,000 random numbers (numeric sort of all of them)
Prints requests/s and the server's CPU time per request (utime + stime from /proc/<pid>/stat over the run),
per round and as medians, and the ratio ours / redis-server.

    bench/geo/bench_geo.py [--node build/node/redis-cluster-node] [--requests 50000] [--rounds 3]
Ports 21920 (ours) and 21921 (redis-server).
"""
import argparse
import os
import random
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "integration", "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rcs  # noqa: E402
from rcs_bench import redis_benchmark  # noqa: E402

OURS, REF = 21920, 21921
WORKLOADS = {
    "GEOADD": ["GEOADD", "gb", "13.__rand_int__", "38.__rand_int__", "p:__rand_int__"],
    "GEOSEARCH": ["GEOSEARCH", "geo", "FROMMEMBER", "m:__rand_int__", "BYRADIUS", "5", "km"],
    "SORT": ["SORT", "biglist"],
}



def load(port, seed):
    rnd = random.Random(seed)
    with rcs.Resp(port, timeout=60) as c:
        c.call("FLUSHALL")
        batch = []
        for i in range(100000):
            batch += ["%.6f" % rnd.uniform(12.0, 14.0), "%.6f" % rnd.uniform(37.0, 39.0), "m:%012d" % i]
            if len(batch) >= 3000:
                c.call("GEOADD", "geo", *batch)
                batch = []
        c.call("RPUSH", "biglist", *[str(rnd.randint(-1000000, 1000000)) for _ in range(1000)])


def bench(server, argv, requests):
    return redis_benchmark(server, argv, requests)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node", default=rcs.NODE_BIN)
    ap.add_argument("--requests", type=int, default=50000)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    servers = {"ours": rcs.Server(OURS, binary=a.node), "redis-server": rcs.Server(REF, binary=rcs.REDIS_SERVER)}
    try:
        for s in servers.values():
            s.start()
            load(s.port, 21)
        res = {(n, w): {"rps": [], "cpu": []} for n in servers for w in WORKLOADS}
        for r in range(a.rounds):
            for w, argv in WORKLOADS.items():
                for n, s in servers.items():
                    req = a.requests if w != "SORT" else max(1000, a.requests // 5)
                    rps, cpu = bench(s, argv, req)
                    res[(n, w)]["rps"].append(rps)
                    res[(n, w)]["cpu"].append(cpu)
                    print("round %d %-9s %-12s %9.0f rps  %7.1f us CPU/request" % (r + 1, w, n, rps, cpu), flush=True)
        print("\n| workload | ours rps | redis-server rps | ratio | ours CPU us/req | redis-server CPU us/req |")
        print("|---|---|---|---|---|---|")
        for w in WORKLOADS:
            o, f = res[("ours", w)], res[("redis-server", w)]
            orps, frps = statistics.median(o["rps"]), statistics.median(f["rps"])
            print("| %s | %.0f | %.0f | %.2f | %.1f | %.1f |" % (w, orps, frps, orps / frps, statistics.median(o["cpu"]),
                                                            statistics.median(f["cpu"])))
    finally:
        for s in servers.values():
            s.stop()


if __name__ == "__main__":
    main()
