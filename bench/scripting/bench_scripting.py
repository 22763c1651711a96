#!/usr/bin/env python3
"""EVALSHA of a small script: redis-benchmark against our node and Debian's redis-server, side by side.

    bench/scripting/bench_scripting.py [--requests N] [--rounds R] [--node build/node/redis-cluster-node]

Both servers run standalone with no persistence on 127.0.0.1 (ports 18440/18441). Each round runs, on each
server in turn, `redis-benchmark -n N -c 50 script load "<script>"` (the cache path) and
`redis-benchmark -n N -c 50 evalsha <sha> 1 key:__rand_int__ v` (the script: a SET and a GET). Prints the
requests per second of every run and the ratio of the medians (ours / redis-server)."""
import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

SCRIPT = "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])"


def start(cmd):
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    for _ in range(100):
        port = cmd[cmd.index("--port") + 1]
        r = subprocess.run(["redis-cli", "-p", port, "PING"], capture_output=True, text=True)
        if r.stdout.strip() == "PONG":
            return p
        time.sleep(0.05)
    p.kill()
    raise SystemExit("server did not start: %s" % cmd)


def bench(port, n, args):
    out = subprocess.run(["redis-benchmark", "-p", str(port), "-n", str(n), "-c", "50", "-r", "100000", "-q"] + args,
                         capture_output=True, text=True, timeout=600).stdout
    m = re.findall(r"([0-9.]+) requests per second", out)
    return float(m[-1]) if m else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--node", default="build/node/redis-cluster-node")
    a = ap.parse_args()
    d1, d2 = tempfile.mkdtemp(), tempfile.mkdtemp()
    ours = start([a.node, "--port", "18440", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", d1])
    ref = start(["redis-server", "--port", "18441", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", d2])
    try:
        sha = subprocess.run(["redis-cli", "-p", "18440", "SCRIPT", "LOAD", SCRIPT], capture_output=True,
                             text=True).stdout.strip()
        subprocess.run(["redis-cli", "-p", "18441", "SCRIPT", "LOAD", SCRIPT], capture_output=True)
        tests = {"script load": ["script", "load", SCRIPT],
                 "evalsha": ["evalsha", sha, "1", "key:__rand_int__", "v"]}
        res = {(t, s): [] for t in tests for s in ("ours", "ref")}
        for _ in range(a.rounds):
            for t, args in tests.items():
                res[(t, "ours")].append(bench(18440, a.requests, args))
                res[(t, "ref")].append(bench(18441, a.requests, args))
        print("| test | ours rps (runs) | redis-server rps (runs) | ratio of medians |")
        print("|---|---|---|---:|")
        for t in tests:
            o, r = res[(t, "ours")], res[(t, "ref")]
            ratio = statistics.median(o) / statistics.median(r) if statistics.median(r) else 0
            print("| %s | %s | %s | %.2fx |" % (t, " ".join("%.0f" % x for x in o), " ".join("%.0f" % x for x in r),
                                              ratio))
    finally:
        for p in (ours, ref):
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
