#!/usr/bin/env python3
"""XREADGROUP COUNT 10 + XACK loop on our node and on Debian's redis-server 7.0.15, side by side.

Each server gets the same stream of --entries entries (XADD pipelined), one group, then one client reads with
XREADGROUP GROUP g c COUNT 10 STREAMS s > and acknowledges the ten ids with one XACK, --loops times (each XACK
waits for its read: no pipelining across the pair), alternating servers round by round. Printed per server: pairs
per second (wall, client included) and server CPU (utime+stime from /proc/<pid>/stat) per command, then the
ratios ours / redis-server. Ports --base-port and --base-port+1.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "integration", "lib"))
import rcs  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def load(port, entries):
    c = rcs.Resp(port, timeout=60)
    c.call_raw("FLUSHALL")
    batch = 1000
    for start in range(0, entries, batch):
        payload = b"".join(rcs.encode("XADD", "s", "%d-1" % (i + 1), "field", "value%d" % i)
                           for i in range(start, min(entries, start + batch)))
        c.send_raw(payload)
        for _ in range(min(entries, start + batch) - start):
            c.read_raw()
    c.call_raw("XGROUP", "CREATE", "s", "g", "0")
    return c


def run(server, c, loops):
    t0, cpu0 = time.monotonic(), cpu_seconds(server.proc.pid)
    for _ in range(loops):
        reply = c.call("XREADGROUP", "GROUP", "g", "c", "COUNT", "10", "STREAMS", "s", ">")[1]
        ids = [e[0] for e in reply[0][1]]
        assert c.call("XACK", "s", "g", *ids)[1] == len(ids)
    return time.monotonic() - t0, cpu_seconds(server.proc.pid) - cpu0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=200000)
    ap.add_argument("--loops", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--base-port", type=int, default=21370)
    a = ap.parse_args()
    servers = {"ours": rcs.Server(a.base_port).start(),
               "redis-server": rcs.Server(a.base_port + 1, binary=rcs.REDIS_SERVER).start()}
    try:
        results = {k: [] for k in servers}
        for _ in range(a.rounds):
            for name, s in servers.items():
                c = load(s.port, a.entries)
                wall, cpu = run(s, c, a.loops)
                c.close()
                results[name].append((a.loops / wall, cpu / (2 * a.loops) * 1e6))
        med = {}
        for name, rs in results.items():
            pairs = sorted(r[0] for r in rs)[len(rs) // 2]
            us = sorted(r[1] for r in rs)[len(rs) // 2]
            med[name] = (pairs, us)
            print("%-13s %8.0f read+ack pairs/s  %6.2f us server CPU per command" % (name, pairs, us))
        o, r = med["ours"], med["redis-server"]
        print("ratio ours/redis-server: pairs/s %.2f, CPU per command %.2f" % (o[0] / r[0], o[1] / r[1]))
    finally:
        for s in servers.values():
            s.stop()


if __name__ == "__main__":
    main()
