#!/usr/bin/env python3
"""SET with a MONITOR client attached: our node vs Debian's redis-server, side by side in one run.

Each server gets one MONITOR connection drained by a reader thread (every line counted), and redis-benchmark
sends SET (50 clients, random keys). Rounds alternate between the two servers so machine noise hits both.
Prints requests/s and the server's CPU time per request (utime + stime from /proc/<pid>/stat over the run)
per round, the medians and the ratio ours / redis-server, and checks that the monitor got one line per SET.

    bench/monitor/bench_monitor.py [--node build/node/redis-cluster-node] [--requests 200000] [--rounds 3]
Ports 21936 (ours) and 21937 (redis-server).
"""
import argparse
import os
import socket
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "integration", "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rcs  # noqa: E402
from rcs_bench import redis_benchmark  # noqa: E402

OURS, REF = 21936, 21937



class Monitor:
    """A MONITOR connection whose lines are counted by a thread."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.s.sendall(b"*1\r\n$7\r\nMONITOR\r\n")
        head = b""
        while not head.endswith(b"+OK\r\n"):
            head += self.s.recv(64)
        self.lines = 0
        self.stop = False
        self.s.settimeout(0.2)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            try:
                data = self.s.recv(1 << 20)
            except socket.timeout:
                continue
            if not data:
                return
            self.lines += data.count(b"\r\n")

    def close(self):
        self.stop = True
        self.thread.join(timeout=5)
        self.s.close()


def bench(server, requests):
    mon = Monitor(server.port)

    def all_lines():
        deadline = time.monotonic() + 60
        while mon.lines < requests and time.monotonic() < deadline:
            time.sleep(0.05)

    try:
        rps, cpu = redis_benchmark(server, ["SET", "key:__rand_int__", "v"], requests, after=all_lines)
        return rps, cpu, mon.lines >= requests
    finally:
        mon.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node", default=rcs.NODE_BIN)
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    servers = {"ours": rcs.Server(OURS, args=["--save", ""], binary=a.node),
               "redis-server": rcs.Server(REF, args=["--save", ""], binary=rcs.REDIS_SERVER)}
    try:
        for s in servers.values():
            s.start()
        res = {n: {"rps": [], "cpu": []} for n in servers}
        for r in range(a.rounds):
            for n, s in servers.items():
                rps, cpu, ok = bench(s, a.requests)
                res[n]["rps"].append(rps)
                res[n]["cpu"].append(cpu)
                print("round %d %-12s %9.0f rps  %5.2f us CPU/request  monitor got every line: %s"
                      % (r + 1, n, rps, cpu, ok), flush=True)
        o, f = res["ours"], res["redis-server"]
        orps, frps = statistics.median(o["rps"]), statistics.median(f["rps"])
        print("\n| workload | ours rps | redis-server rps | ratio | ours CPU us/req | redis-server CPU us/req |")
        print("|---|---|---|---|---|---|")
        print("| SET + 1 MONITOR | %.0f | %.0f | %.2f | %.2f | %.2f |" % (orps, frps, orps / frps,
                                                                      statistics.median(o["cpu"]),
                                                                      statistics.median(f["cpu"])))
    finally:
        for s in servers.values():
            s.stop()


if __name__ == "__main__":
    main()
