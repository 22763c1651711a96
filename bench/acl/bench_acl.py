#!/usr/bin/env python3
"""ACL check cost: redis-benchmark as the default user (allowed everything) and as a user with 20 key patterns
and category rules, against our node and Debian's redis-server side by side in one run (issue 19).

The restricted user is `on >pw ~k0:* ... ~k18:* ~key:* +@all -@dangerous`: redis-benchmark's keys
(key:__rand_int__) match only the last of the 20 patterns, so every key is tried against all of them. Rounds
alternate between the servers and the users so machine noise hits all four. Prints requests/s per round and,
per server, the median of (restricted / default): the share of throughput the ACL check keeps.

    bench/acl/bench_acl.py --node build/node/redis-cluster-node [--requests 100000] [--rounds 3]
Ports 21240 (ours) and 21241 (redis-server).
"""
import argparse
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "integration", "lib"))
import rcs  # noqa: E402

OURS, REF = 21240, 21241
RULES = ["on", ">pw"] + ["~k%d:*" % i for i in range(19)] + ["~key:*", "+@all", "-@dangerous"]


def bench(port, tests, requests, user):
    cmd = [rcs.REDIS_BENCHMARK, "-p", str(port), "-t", tests, "-n", str(requests), "-c", "50", "-r", "100000",
           "--csv", "-q"]
    if user:
        cmd += ["--user", "bench", "-a", "pw"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600).stdout
    rps = {}
    for line in out.splitlines():
        parts = [p.strip('"') for p in line.split(",")]
        if len(parts) >= 2 and parts[0] != "test":
            rps[parts[0]] = float(parts[1])
    return rps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node", default=rcs.NODE_BIN)
    ap.add_argument("--requests", type=int, default=100000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tests", default="set,get")
    a = ap.parse_args()
    servers = {"ours": rcs.Server(OURS, binary=a.node), "redis-server": rcs.Server(REF, binary=rcs.REDIS_SERVER)}
    try:
        for name, s in servers.items():
            s.start()
            with rcs.Resp(s.port) as c:
                assert c.call("ACL", "SETUSER", "bench", *RULES) == ("+", "OK"), name
        ratios = {name: {} for name in servers}
        for r in range(a.rounds):
            for name, s in servers.items():
                base = bench(s.port, a.tests, a.requests, user=False)
                acl = bench(s.port, a.tests, a.requests, user=True)
                for t in base:
                    ratios[name].setdefault(t, []).append(acl[t] / base[t])
                    print("round %d %-12s %-4s default %9.0f rps  restricted %9.0f rps  (%.3f)"
                          % (r + 1, name, t, base[t], acl[t], acl[t] / base[t]), flush=True)
        for name in servers:
            for t, v in ratios[name].items():
                print("median restricted/default %-12s %-4s %.3f" % (name, t, statistics.median(v)))
    finally:
        for s in servers.values():
            s.stop()


if __name__ == "__main__":
    main()
