#!/usr/bin/python3
"""Side-by-side benchmark of redis-cluster-node against Debian's redis-server, in one run, same flags.

Throughput and latency: redis-benchmark -t set,get,incr,lpush,hset,sadd,zadd -n N -c 50, without and with
-P 16, each test run on both servers back to back (interleaved so that machine noise hits both).
Memory: bytes per key after loading 1,000,000 keys with 22-byte names and 16-byte values (used_memory delta
and RSS delta, divided by the number of keys).

Bitmaps and HyperLogLog: redis-benchmark custom commands (BITS_COMMANDS below), same flags, on both servers.

Usage: bench/node/bench_node.py [--requests 1000000] [--keys 1000000] [--node build/node/redis-cluster-node]
                                [--only bits]
Prints a Markdown report. Ports 12100-12101 (--port). Not a test: it asserts nothing about speed.
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

PASSWORD = "bench-secret"
TESTS = "set,get,incr,lpush,hset,sadd,zadd"


# (label, command); bits_section prepares "bigbits" and "hll2". redis-benchmark pads __rand_int__ to 12 digits
# ("000000012345"), which is not an integer for SETBIT's offset: the random part goes into key names and PFADD
# elements instead.
BITS_COMMANDS = [
    ("SETBIT (100k keys)", ["SETBIT", "bits:__rand_int__", "1000", "1"]),
    ("GETBIT", ["GETBIT", "bits:__rand_int__", "1000"]),
    ("BITCOUNT (16 KB value)", ["BITCOUNT", "bigbits"]),
    ("BITCOUNT 0 99 (small keys)", ["BITCOUNT", "bits:__rand_int__", "0", "99"]),
    ("PFADD (one key, random elements)", ["PFADD", "hll", "__rand_int__"]),
    ("PFCOUNT (cached)", ["PFCOUNT", "hll"]),
    ("PFCOUNT of two keys (union, dense)", ["PFCOUNT", "hll", "hll2"]),
]


def bits_benchmark(port, command, requests, pipeline):
    cmd = [rcs.REDIS_BENCHMARK, "-h", "127.0.0.1", "-p", str(port), "-a", PASSWORD, "-n", str(requests),
           "-c", "50", "--csv", "-r", "100000"]
    if pipeline > 1:
        cmd += ["-P", str(pipeline)]
    out = subprocess.run(cmd + command, capture_output=True, text=True, timeout=1800)
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    if not rows:
        raise RuntimeError("redis-benchmark gave no CSV: %s %s" % (out.stdout, out.stderr))
    return float(rows[0]["rps"]), float(rows[0]["p50_latency_ms"]), float(rows[0]["p99_latency_ms"])


def bits_section(ours, ref, requests):
    print("## Bitmaps and HyperLogLog (custom commands, -c 50 -r 100000, no pipelining)\n")
    print("| command | ours rps | redis-server rps | ratio | ours p50 ms | ref p50 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for s in (ours, ref):
        s.cli("FLUSHALL")
        c = s.client()
        c.set("bigbits", os.urandom(16384))
        c.pfadd("hll2", *["x%d" % i for i in range(5000)])  # dense: the union PFCOUNT merges 2 x 16384 registers
    ratios = []
    for label, command in BITS_COMMANDS:
        o = bits_benchmark(ours.port, command, requests, 1)
        r = bits_benchmark(ref.port, command, requests, 1)
        ratios.append(o[0] / r[0])
        print("| %s `%s` | %.0f | %.0f | %.2fx | %.3f | %.3f |" % (label, " ".join(command), o[0], r[0], o[0] / r[0], o[1], r[1]))
        sys.stdout.flush()
    geo = 1.0
    for x in ratios:
        geo *= x
    print("\nGeometric mean throughput ratio: **%.2fx**\n" % (geo ** (1.0 / len(ratios))))


def rss_bytes(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def used_memory(server):
    for line in server.cli("INFO", "memory").splitlines():
        if line.startswith("used_memory:"):
            return int(line.split(":")[1])
    return 0


def benchmark(port, test, requests, pipeline):
    cmd = [rcs.REDIS_BENCHMARK, "-h", "127.0.0.1", "-p", str(port), "-a", PASSWORD, "-n", str(requests),
           "-c", "50", "-t", test, "--csv", "-r", "100000"]
    if pipeline > 1:
        cmd += ["-P", str(pipeline)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    if not rows:
        raise RuntimeError("redis-benchmark gave no CSV: %s %s" % (out.stdout, out.stderr))
    r = rows[0]
    return float(r["rps"]), float(r["p50_latency_ms"]), float(r["p99_latency_ms"])


def load_keys(server, n):
    # 22-byte names ("key:" + 18 digits) and 16-byte values, through redis-cli --pipe.
    lines = "".join("SET key:%018d val:%012d\r\n" % (i, i) for i in range(n))
    cmd = [rcs.REDIS_CLI, "-p", str(server.port), "-a", PASSWORD, "--no-auth-warning", "--pipe"]
    out = subprocess.run(cmd, input=lines, capture_output=True, text=True, timeout=600)
    if "errors: 0" not in out.stdout:
        raise RuntimeError("load failed: " + out.stdout + out.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=1000000)
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--node", default=rcs.NODE_BIN)
    ap.add_argument("--only", choices=["bits"], help="run only this section")
    ap.add_argument("--port", type=int, default=12100, help="ours on PORT, redis-server on PORT+1")
    args = ap.parse_args()

    ours = rcs.Server(args.port, binary=args.node, password=PASSWORD)
    ref = rcs.Server(args.port + 1, binary=rcs.REDIS_SERVER, password=PASSWORD)
    ours.start()
    ref.start()
    try:
        version = subprocess.run([rcs.REDIS_SERVER, "--version"], capture_output=True, text=True).stdout.strip()
        print("# Node benchmark: redis-cluster-node vs %s\n" % version)
        print("Machine: %d cores, %s. Both servers: `--save \"\" --appendonly no --requirepass ...`, "
              "127.0.0.1. redis-benchmark -n %d -c 50 -r 100000, each test on both servers back to back.\n"
              % (os.cpu_count(), time.strftime("%Y-%m-%d"), args.requests))
        if args.only == "bits":
            bits_section(ours, ref, args.requests)
            return
        for pipeline in (1, 16):
            print("## %s\n" % ("no pipelining" if pipeline == 1 else "-P 16"))
            print("| test | ours rps | redis-server rps | ratio | ours p50 ms | ref p50 ms | ours p99 ms | ref p99 ms |")
            print("|---|---:|---:|---:|---:|---:|---:|---:|")
            ratios = []
            for test in TESTS.split(","):
                for s in (ours, ref):
                    s.cli("FLUSHALL")
                o = benchmark(ours.port, test, args.requests, pipeline)
                r = benchmark(ref.port, test, args.requests, pipeline)
                ratios.append(o[0] / r[0])
                print("| %s | %.0f | %.0f | %.2fx | %.3f | %.3f | %.3f | %.3f |"
                      % (test, o[0], r[0], o[0] / r[0], o[1], r[1], o[2], r[2]))
                sys.stdout.flush()
            geo = 1.0
            for x in ratios:
                geo *= x
            print("\nGeometric mean throughput ratio: **%.2fx**\n" % (geo ** (1.0 / len(ratios))))
        bits_section(ours, ref, args.requests)
        print("## Memory: %d keys, 22-byte names, 16-byte values\n" % args.keys)
        print("| server | used_memory delta / key | RSS delta / key |")
        print("|---|---:|---:|")
        results = {}
        for name, s in (("redis-cluster-node", ours), ("redis-server", ref)):
            s.cli("FLUSHALL")
            time.sleep(0.5)
            u0, r0 = used_memory(s), rss_bytes(s.proc.pid)
            load_keys(s, args.keys)
            time.sleep(0.5)
            u1, r1 = used_memory(s), rss_bytes(s.proc.pid)
            results[name] = ((u1 - u0) / args.keys, (r1 - r0) / args.keys)
            print("| %s | %.1f | %.1f |" % (name, results[name][0], results[name][1]))
        o, r = results["redis-cluster-node"], results["redis-server"]
        print("\nRatio (ours / redis-server): used_memory %.2f, RSS %.2f\n" % (o[0] / r[0], o[1] / r[1]))
    finally:
        ours.stop()
        ref.stop()


if __name__ == "__main__":
    main()
