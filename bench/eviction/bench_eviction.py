#!/usr/bin/env python3
"""Eviction under a skewed workload: our node and Debian's redis-server 7.0.15 side by side.

For each policy (--policies, default allkeys-lru and allkeys-lfu) both servers get the same maxmemory and the
same read-through workload: --ops operations over --keys keys of --value-size bytes, the key of each operation
drawn from a seeded Zipf-like distribution (rank r with weight 1/(r+1)^--skew, ranks shuffled over the key
names), GET pipelined --batch at a time and a SET of every key the GET missed. The first half warms the cache;
the second half is measured. Printed per server and policy: hit rate (all keys and the --hot hottest), evicted
keys, keys held at the end (the same limit holds more of our smaller records), operations per second (wall, client included) and server CPU per request (utime+stime from
/proc/<pid>/stat), then the ratios ours / redis-server. Rounds alternate servers. Ports --base-port and +1.
"""
import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "integration", "lib"))
import rcs  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def pipeline(c, commands):
    if not commands:
        return []
    c.send_raw(b"".join(rcs.encode(*cmd) for cmd in commands))
    return [c.read() for _ in commands]


def evicted(c):
    _, text = c.call("INFO", "stats")
    for line in text.splitlines():
        if line.startswith("evicted_keys:"):
            return int(line.split(":")[1])
    return 0


def run(server, policy, a, stream, hot):
    c = rcs.Resp(server.port, timeout=60)
    pipeline(c, [["CONFIG", "SET", "maxmemory", "0"], ["FLUSHALL"], ["CONFIG", "RESETSTAT"],
                 ["CONFIG", "SET", "maxmemory-policy", policy], ["CONFIG", "SET", "maxmemory", str(a.maxmemory)]])
    value = "v" * a.value_size
    hits = hot_hits = hot_total = requests = 0
    half = len(stream) // 2
    t0 = cpu0 = None
    for start in range(0, len(stream), a.batch):
        if start >= half and t0 is None:
            t0, cpu0 = time.monotonic(), cpu_seconds(server.proc.pid)
        batch = stream[start:start + a.batch]
        got = pipeline(c, [["GET", "key:%d" % k] for k in batch])
        misses = [k for k, (_, v) in zip(batch, got) if v is None]
        pipeline(c, [["SET", "key:%d" % k, value] for k in misses])
        if t0 is not None:
            requests += len(batch) + len(misses)
            for k, (_, v) in zip(batch, got):
                hits += v is not None
                if k in hot:
                    hot_total += 1
                    hot_hits += v is not None
    wall, cpu = time.monotonic() - t0, cpu_seconds(server.proc.pid) - cpu0
    ev = evicted(c)
    held = c.call("DBSIZE")[1]
    c.close()
    n = len(stream) - half
    return {"hit": hits / n, "hot": hot_hits / max(1, hot_total), "evicted": ev, "held": held, "ops": n / wall,
            "cpu_us": cpu / requests * 1e6}


def median(xs):
    return sorted(xs)[len(xs) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--policies", default="allkeys-lru,allkeys-lfu")
    ap.add_argument("--keys", type=int, default=100000)
    ap.add_argument("--ops", type=int, default=400000)
    ap.add_argument("--value-size", type=int, default=200)
    ap.add_argument("--maxmemory", type=int, default=4 * 1024 * 1024)
    ap.add_argument("--skew", type=float, default=1.0)
    ap.add_argument("--hot", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--base-port", type=int, default=21980)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    order = list(range(a.keys))
    rng.shuffle(order)
    weights = [1.0 / (r + 1) ** a.skew for r in range(a.keys)]
    stream = [order[r] for r in rng.choices(range(a.keys), weights=weights, k=a.ops)]
    hot = set(order[:a.hot])
    servers = {"ours": rcs.Server(a.base_port).start(),
               "redis-server": rcs.Server(a.base_port + 1, binary=rcs.REDIS_SERVER).start()}
    try:
        print("%d keys x %d bytes, maxmemory %d, %d ops (Zipf skew %.2f, hot set %d), %d rounds"
              % (a.keys, a.value_size, a.maxmemory, a.ops, a.skew, a.hot, a.rounds))
        print("| policy | server | hit rate | hot-set hit rate | evicted | keys held | ops/s | server CPU us/request |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for policy in a.policies.split(","):
            results = {k: [] for k in servers}
            for _ in range(a.rounds):
                for name, s in servers.items():
                    results[name].append(run(s, policy, a, stream, hot))
            med = {name: {f: median([r[f] for r in rs]) for f in rs[0]} for name, rs in results.items()}
            for name, m in med.items():
                print("| %s | %s | %.3f | %.3f | %d | %d | %.0f | %.2f |"
                      % (policy, name, m["hit"], m["hot"], m["evicted"], m["held"], m["ops"], m["cpu_us"]))
            o, r = med["ours"], med["redis-server"]
            print("| %s | ratio ours/redis-server | %.2f | %.2f | | | %.2f | %.2f |"
                  % (policy, o["hit"] / r["hit"], o["hot"] / r["hot"], o["ops"] / r["ops"], o["cpu_us"] / r["cpu_us"]))
    finally:
        for s in servers.values():
            s.stop()


if __name__ == "__main__":
    main()
