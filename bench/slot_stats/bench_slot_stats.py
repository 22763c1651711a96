#!/usr/bin/env python3
"""The cost of CLUSTER SLOT-STATS' accounting: one cluster-mode node serving all 16384 slots, measured with
cluster-slot-stats-enabled no and yes (CONFIG SET on the same process, rounds alternating so machine noise hits
both), and optionally a baseline node built without the accounting (--baseline, e.g. main's build) for the
"off costs nothing" question. redis-benchmark sends random keys (all slots are local: no redirects).

Prints per round and workload requests/s and the server's CPU time per request (utime + stime from
/proc/<pid>/stat over the run), then the medians and the ratios on/off (and off/baseline).

    bench/slot_stats/bench_slot_stats.py [--node build/node/redis-cluster-node] [--baseline OTHER_BINARY]
                                         [--requests 200000] [--rounds 3] [--workloads 'SET -P 16,GET -P 16']
Ports 10250 (the node) and 10251 (the baseline), bus ports 20250-20251.
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "integration", "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rcs  # noqa: E402
from rcs_bench import redis_benchmark  # noqa: E402

NODE, BASE = 10250, 10251
WORKLOADS = [
    ("SET", ["SET", "key:__rand_int__", "value"]),
    ("GET", ["GET", "key:__rand_int__"]),
    ("SET -P 16", ["-P", "16", "SET", "key:__rand_int__", "value"]),
    ("GET -P 16", ["-P", "16", "GET", "key:__rand_int__"]),
]


def start_cluster_node(port, binary):
    s = rcs.Server(port, args=["--cluster-enabled", "yes", "--cluster-config-file", "nodes-%d.conf" % port],
                   binary=binary)
    s.start()
    s.cli("CLUSTER", "ADDSLOTSRANGE", "0", "16383")
    rcs.wait_until(lambda: rcs.fields(s, "CLUSTER", "INFO").get("cluster_state") == "ok", timeout=20,
                   what="the node %d to serve every slot" % port)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node", default=rcs.NODE_BIN)
    ap.add_argument("--baseline", default=None)
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workloads", default=",".join(w for w, _ in WORKLOADS),
                    help="comma-separated names from: " + ", ".join(w for w, _ in WORKLOADS))
    a = ap.parse_args()
    wanted = [w.strip() for w in a.workloads.split(",")]
    workloads = [(w, argv) for w, argv in WORKLOADS if w in wanted]
    node = start_cluster_node(NODE, a.node)
    base = start_cluster_node(BASE, a.baseline) if a.baseline else None
    variants = [("off", node, "no"), ("on", node, "yes")] + ([("baseline", base, None)] if base else [])
    res = {(w, v): {"rps": [], "cpu": []} for w, _ in workloads for v, _, _ in variants}
    try:
        for r in range(a.rounds):
            for w, argv in workloads:
                for v, server, setting in variants:
                    if setting is not None:
                        server.cli("CONFIG", "SET", "cluster-slot-stats-enabled", setting)
                    rps, cpu = redis_benchmark(server, argv, a.requests)
                    res[(w, v)]["rps"].append(rps)
                    res[(w, v)]["cpu"].append(cpu)
                    print("round %d %-10s %-8s %9.0f rps  %5.3f us CPU/request" % (r + 1, w, v, rps, cpu), flush=True)
        top = node.cli("CLUSTER", "SLOT-STATS", "ORDERBY", "network-bytes-in", "LIMIT", "1")
        print("\nhottest slot by bytes in after the runs:", " ".join(top.split()))
        med = {k: (statistics.median(v["rps"]), statistics.median(v["cpu"])) for k, v in res.items()}
        head = "| workload | off rps | on rps | on/off rps | off CPU us/req | on CPU us/req | on/off CPU |"
        sep = "|---|---|---|---|---|---|---|"
        if base:
            head += " baseline rps | off/baseline rps | baseline CPU us/req | off/baseline CPU |"
            sep += "---|---|---|---|"
        print("\n" + head + "\n" + sep)
        for w, _ in workloads:
            (orps, ocpu), (nrps, ncpu) = med[(w, "off")], med[(w, "on")]
            line = "| %s | %.0f | %.0f | %.3f | %.3f | %.3f | %.3f |" % (w, orps, nrps, nrps / orps, ocpu, ncpu,
                                                                       ncpu / ocpu)
            if base:
                brps, bcpu = med[(w, "baseline")]
                line += " %.0f | %.3f | %.3f | %.3f |" % (brps, orps / brps, bcpu, ocpu / bcpu)
            print(line)
    finally:
        node.stop()
        if base:
            base.stop()


if __name__ == "__main__":
    main()
