#!/usr/bin/python3
"""Streams side by side: redis-cluster-node vs Debian's redis-server 7.0.15, in one run, same flags (issue 20).

Throughput (redis-benchmark -c 50, custom commands), each test with and without -P 16, the two servers
alternating (--rounds, median of the rounds), and the servers' CPU per request (utime+stime from
/proc/<pid>/stat around each run, divided by the requests):
  XADD s * f v                      auto id, one growing stream
  XADD t MAXLEN ~ 1000 * f v        auto id, trimmed
  XRANGE r - + COUNT 10             a stream of 10,000 entries
  XLEN s
  XREADGROUP COUNT 10 + XACK        a loop (read 10 entries as a consumer, acknowledge those 10 ids) over a stream
                                    of enough entries; redis-benchmark cannot carry ids from one command to the
                                    next, so this one is driven by --loop-clients Python processes over raw sockets
                                    (each its own consumer; pipelined: 16 reads in one write, then their 16 XACKs).
                                    Client-bound: its rps compares the servers under the same client; the CPU per
                                    loop is the server's own cost.
Memory: bytes per entry of 1,000,000 small entries (`XADD m * n <i>`, i < 10^6), the used_memory delta.

If our node has no stream commands yet, only redis-server's numbers are printed and ours are marked pending.

Usage: bench/streams/bench_streams.py [--requests 200000] [--rounds 3] [--entries 1000000] [--node PATH]
Ports 21900 (ours) and 21901 (redis-server). Prints a Markdown report. Not a test: asserts nothing about speed.
"""
import argparse
import csv
import io
import multiprocessing
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "integration", "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rcs  # noqa: E402
from rcs_bench import cpu_seconds  # noqa: E402

BENCH_COMMANDS = [
    ("XADD auto id", ["XADD", "s", "*", "f", "v"]),
    ("XADD MAXLEN ~ 1000", ["XADD", "t", "MAXLEN", "~", "1000", "*", "f", "v"]),
    ("XRANGE 10 of 10,000", ["XRANGE", "r", "-", "+", "COUNT", "10"]),
    ("XLEN", ["XLEN", "s"]),
]



def used_memory(server):
    return int(rcs.fields(server, "INFO", "memory")["used_memory"])


def has_streams(server):
    out = server.cli("XLEN", "nosuchkey", check=False).strip()
    return out == "0"


def redis_benchmark(server, command, requests, pipeline):
    cmd = [rcs.REDIS_BENCHMARK, "-h", "127.0.0.1", "-p", str(server.port), "-n", str(requests), "-c", "50", "--csv"]
    if pipeline > 1:
        cmd += ["-P", str(pipeline)]
    c0 = cpu_seconds(server.proc.pid)
    out = subprocess.run(cmd + command, capture_output=True, text=True, timeout=1800)
    c1 = cpu_seconds(server.proc.pid)
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    if not rows:
        raise RuntimeError("redis-benchmark gave no CSV: %s %s" % (out.stdout, out.stderr))
    return float(rows[0]["rps"]), (c1 - c0) / requests * 1e6


def _loop_client(port, consumer, loops, pipeline, result):
    """XREADGROUP GROUP g <consumer> COUNT 10 STREAMS q > then XACK q g <the ids read>, `loops` times."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "integration",
                                    "lib"))
    from rcs_resp import Resp
    c = Resp(port, timeout=60)
    done = 0
    while done < loops:
        batch = min(pipeline, loops - done)
        c.send_raw(b"".join(_encode("XREADGROUP", "GROUP", "g", consumer, "COUNT", "10", "STREAMS", "q", ">")
                            for _ in range(batch)))
        acks = []
        for _ in range(batch):
            t, streams = c.read()
            if t != "*" or not streams:
                raise RuntimeError("XREADGROUP: %r" % ((t, streams),))
            acks.append(_encode("XACK", "q", "g", *[e[0] for e in streams[0][1]]))
        c.send_raw(b"".join(acks))
        for _ in range(batch):
            t, n = c.read()
            if t != ":" or n != 10:
                raise RuntimeError("XACK: %r" % ((t, n),))
        done += batch
    c.close()
    result.put(done)


def _encode(*args):
    from rcs_resp import encode
    return encode(*args)


def readgroup_loop(server, loops, clients, pipeline):
    """rps of read+ack loops (one loop = XREADGROUP COUNT 10 + XACK of 10 ids), server CPU per loop (µs)."""
    c = server.client()
    c.delete("q")
    # Enough entries for every loop, added with redis-cli --pipe.
    need = loops * clients * 10
    data = "".join("XADD q * n %d\r\n" % i for i in range(need))
    out = subprocess.run([rcs.REDIS_CLI, "-p", str(server.port), "--pipe"], input=data, capture_output=True,
                         text=True, timeout=600)
    if "errors: 0" not in out.stdout:
        raise RuntimeError("load failed: " + out.stdout + out.stderr)
    c.xgroup_create("q", "g", id="0")
    result = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_loop_client, args=(server.port, "c%d" % i, loops, pipeline, result))
             for i in range(clients)]
    c0, t0 = cpu_seconds(server.proc.pid), time.monotonic()
    for p in procs:
        p.start()
    total = sum(result.get(timeout=600) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    t1, c1 = time.monotonic(), cpu_seconds(server.proc.pid)
    pending = c.xpending("q", "g")["pending"]
    c.delete("q")
    c.close()
    if pending != 0 or total != loops * clients:
        raise RuntimeError("loop left %d pending, %d of %d loops" % (pending, total, loops * clients))
    return total / (t1 - t0), (c1 - c0) / total * 1e6


def bytes_per_entry(server, entries):
    server.cli("FLUSHALL")
    time.sleep(0.5)
    u0 = used_memory(server)
    data = "".join("XADD m * n %d\r\n" % i for i in range(entries))
    out = subprocess.run([rcs.REDIS_CLI, "-p", str(server.port), "--pipe"], input=data, capture_output=True,
                         text=True, timeout=900)
    if "errors: 0" not in out.stdout:
        raise RuntimeError("load failed: " + out.stdout + out.stderr)
    time.sleep(0.5)
    n = int(server.cli("XLEN", "m").strip())
    assert n == entries, n
    u1 = used_memory(server)
    server.cli("FLUSHALL")
    return (u1 - u0) / entries


def prepare(server):
    server.cli("FLUSHALL")
    data = "".join("XADD r * f v%d\r\n" % i for i in range(10000))
    subprocess.run([rcs.REDIS_CLI, "-p", str(server.port), "--pipe"], input=data, capture_output=True, text=True,
                   timeout=120)


def fmt_ratio(o, r):
    return "%.2fx" % (o / r) if o and r else "pending"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--entries", type=int, default=1000000)
    ap.add_argument("--loops", type=int, default=5000, help="read+ack loops per loop client")
    ap.add_argument("--loop-clients", type=int, default=4)
    ap.add_argument("--node", default=rcs.NODE_BIN)
    ap.add_argument("--port", type=int, default=21900, help="ours on PORT, redis-server on PORT+1")
    args = ap.parse_args()

    ours = rcs.Server(args.port, binary=args.node)
    ref = rcs.Server(args.port + 1, binary=rcs.REDIS_SERVER)
    ours.start()
    ref.start()
    try:
        servers = [ref] + ([ours] if has_streams(ours) else [])
        version = subprocess.run([rcs.REDIS_SERVER, "--version"], capture_output=True, text=True).stdout.strip()
        commit = subprocess.run(["git", "-C", rcs.REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
        print("# Streams: redis-cluster-node (%s) vs %s\n" % (commit, version))
        with open("/proc/loadavg") as f:
            load = f.read().split()[0]
        print("Machine: %d cores, %s, load average %s at start. Both servers `--save \"\" --appendonly no`, "
              "127.0.0.1. redis-benchmark -n %d -c 50; %d rounds, the servers alternating, medians. CPU: server "
              "utime+stime per request (µs).%s\n"
              % (os.cpu_count(), time.strftime("%Y-%m-%d %H:%M"), load, args.requests, args.rounds,
                 "" if ours in servers else " **Our node has no stream commands yet: its columns are pending.**"))
        rows = []
        for pipeline in (1, 16):
            for label, command in BENCH_COMMANDS:
                res = {s.port: [] for s in servers}
                for _ in range(args.rounds):
                    for s in servers:
                        prepare(s)
                        res[s.port].append(redis_benchmark(s, command, args.requests, pipeline))
                rows.append((label + ("" if pipeline == 1 else ", -P 16"), " ".join(command), res))
                print_row(rows[-1], ours, ref)
            res = {s.port: [] for s in servers}
            for _ in range(args.rounds):
                for s in servers:
                    res[s.port].append(readgroup_loop(s, args.loops, args.loop_clients, pipeline))
            rows.append(("XREADGROUP COUNT 10 + XACK loop" + ("" if pipeline == 1 else ", 16 per write"),
                         "%d Python clients x %d loops" % (args.loop_clients, args.loops), res))
            print_row(rows[-1], ours, ref)
        print()
        print("| test | command | ours rps | redis-server rps | ratio ours/ref | ours CPU µs/req | ref CPU µs/req "
              "| CPU ours/ref |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for row in rows:
            print(table_row(row, ours, ref))
        print("\nMemory: %d entries `XADD m * n <i>`, used_memory delta per entry\n" % args.entries)
        print("| server | bytes per entry |")
        print("|---|---:|")
        mem = {}
        for s in servers:
            mem[s.port] = bytes_per_entry(s, args.entries)
        print("| redis-cluster-node | %s |" % ("%.1f" % mem[ours.port] if ours.port in mem else "pending"))
        print("| redis-server | %.1f |" % mem[ref.port])
        if ours.port in mem:
            print("\nRatio (ours / redis-server): %.2f" % (mem[ours.port] / mem[ref.port]))
    finally:
        ours.stop()
        ref.stop()


def medians(res, port):
    if port not in res:
        return None, None
    return statistics.median(r[0] for r in res[port]), statistics.median(r[1] for r in res[port])


def table_row(row, ours, ref):
    label, command, res = row
    o_rps, o_cpu = medians(res, ours.port)
    r_rps, r_cpu = medians(res, ref.port)
    return "| %s | `%s` | %s | %.0f | %s | %s | %.2f | %s |" % (
        label, command, "%.0f" % o_rps if o_rps else "pending", r_rps, fmt_ratio(o_rps, r_rps),
        "%.2f" % o_cpu if o_cpu else "pending", r_cpu, fmt_ratio(o_cpu, r_cpu))


def print_row(row, ours, ref):
    print("# " + table_row(row, ours, ref), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
