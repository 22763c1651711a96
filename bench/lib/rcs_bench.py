"""What the side-by-side benchmarks share: a server's CPU time from /proc, and one redis-benchmark run with
its rate and the server's CPU per request (utime+stime, the figure that stays meaningful when redis-benchmark
itself is the bottleneck on 2 cores). Bench scripts put this directory and tests/integration/lib on sys.path."""
import os
import subprocess

import rcs

CLK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of a process, in seconds (fields 14 and 15 of /proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def redis_benchmark(server, argv, requests, clients=50, keyspace=100000, after=None):
    """redis-benchmark -n requests -c clients -r keyspace --csv against server (an rcs.Server) running argv:
    (requests per second, server CPU microseconds per request). `after` runs once the benchmark ended and
    before the CPU is read (e.g. waiting for a MONITOR client to receive every line)."""
    cmd = [rcs.REDIS_BENCHMARK, "-p", str(server.port), "-n", str(requests), "-c", str(clients), "-r",
           str(keyspace), "--csv", "-q"] + list(argv)
    before = cpu_seconds(server.proc.pid)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=900).stdout
    if after is not None:
        after()
    cpu = cpu_seconds(server.proc.pid) - before
    rps = None
    for line in out.splitlines():
        parts = [p.strip('"') for p in line.split(",")]
        if len(parts) >= 2 and parts[0] != "test":
            rps = float(parts[1])
    if rps is None:
        raise AssertionError("redis-benchmark %r printed no rate:\n%s" % (argv, out[-1000:]))
    return rps, cpu * 1e6 / requests
