#!/usr/bin/env python3
"""redis-cli's operator modes against our node and Debian's redis-server 7.0.15 side by side (ports 12400-12401).

The same seeded data set (strings, lists, hashes, sets, sorted sets and streams of distinct sizes, some keys
with a TTL) goes into both servers; then each mode runs against both and what it prints is compared:

  --bigkeys   the summary (biggest key per type and its size, counts, averages, percentages): byte for byte
  --memkeys   the summary with the byte counts masked (MEMORY USAGE is each server's own accounting): which
              key is the biggest of each type (one key per type is much larger than the rest), the key counts
              and percentages
  --scan      the same key set, also with --pattern and -i
  --stat      the header lines byte for byte; each data line has the same columns, the same key count and
              a request counter that grows
  --latency, --latency-history
              the line formats of non-tty output (the values are durations, not compared)

--hotkeys needs an LFU maxmemory-policy; it is checked with the eviction tests.
"""
import os
import random
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402

OURS, REF = 12400, 12401
SEED = int(os.environ.get("RCS_CLI_MODES_SEED", "1221"))
CLI = "redis-cli"


def cli(port, *args, timeout=30):
    r = subprocess.run([CLI, "-p", str(port), *args], capture_output=True, text=True, timeout=timeout)
    return r.stdout


def cli_for(port, seconds, *args):
    """A mode that runs until stopped: line-buffered output for `seconds`, then SIGTERM."""
    try:
        r = subprocess.run(["stdbuf", "-oL", CLI, "-p", str(port), *args], capture_output=True, text=True,
                           timeout=seconds)
        return r.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout or b""
        return out.decode() if isinstance(out, bytes) else out


def summary(text):
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("-------- summary -------"):
            return lines[i:]
    raise AssertionError("no summary in redis-cli output:\n" + text[-2000:])


class CliModesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ours = rcs.Server(OURS, args=["--save", ""]).start()
        cls.ref = rcs.Server(REF, args=["--save", ""], binary=rcs.REDIS_SERVER).start()
        cls.keys = cls.load()

    @classmethod
    def tearDownClass(cls):
        cls.ours.stop()
        cls.ref.stop()

    @classmethod
    def load(cls):
        rnd = random.Random(SEED)
        cmds, keys = [], []
        sizes = rnd.sample(range(1, 400), 120)  # distinct sizes: the biggest of each type is unambiguous
        for i, n in enumerate(sizes):
            kind = i % 6
            key = "%s:%03d" % ("slhzSx"[kind], i)
            items = [str(j) for j in range(n)]
            if kind == 0:
                cmds.append(["SET", key, "v" * n])
            elif kind == 1:
                cmds.append(["RPUSH", key, *items])
            elif kind == 2:
                cmds.append(["HSET", key, *[x for j in items for x in ("f" + j, j)]])
            elif kind == 3:
                cmds.append(["ZADD", key, *[x for j in items for x in (j, "m" + j)]])
            elif kind == 4:
                cmds.append(["SADD", key, *items])
            else:
                for j in range(min(n, 60)):
                    cmds.append(["XADD", key, "%d-1" % (j + 1), "f", str(j)])
            if i % 10 == 3:
                cmds.append(["EXPIRE", key, "3600"])
            keys.append(key)
        # One key per type far bigger than the rest, for --memkeys.
        big = {"big:s": ["SET", "big:s", "x" * 100000], "big:l": ["RPUSH", "big:l", *(["y" * 50] * 5000)],
               "big:h": ["HSET", "big:h", *[x for j in range(3000) for x in ("field%d" % j, "v" * 30)]],
               "big:z": ["ZADD", "big:z", *[x for j in range(3000) for x in (str(j), "member%d" % j)]],
               "big:S": ["SADD", "big:S", *["element%d" % j for j in range(3000)]]}
        for key, cmd in big.items():
            cmds.append(cmd)
            keys.append(key)
        for j in range(2000):
            cmds.append(["XADD", "big:x", "%d-1" % (j + 1), "field", "v" * 20])
        keys.append("big:x")
        for port in (OURS, REF):
            with rcs.Resp(port, timeout=30) as c:
                for cmd in cmds:
                    r = c.call(*cmd)
                    assert r[0] != "-", (port, cmd[:3], r)
                n = c.call("DBSIZE")
                assert n == (":", len(keys)), (port, n, len(keys))
        return keys

    def test_bigkeys_summary_is_identical(self):
        ours, ref = summary(cli(OURS, "--bigkeys")), summary(cli(REF, "--bigkeys"))
        self.assertIn("Sampled %d keys in the keyspace!" % len(self.keys), ours)
        self.assertEqual(ours, ref)

    def test_memkeys_finds_the_same_biggest_keys(self):
        mask = re.compile(r"\d+ bytes|avg size \d+\.\d+")
        ours, ref = summary(cli(OURS, "--memkeys")), summary(cli(REF, "--memkeys"))
        self.assertEqual([mask.sub("N", line) for line in ours], [mask.sub("N", line) for line in ref])
        biggest = [line for line in ours if line.startswith("Biggest")]
        self.assertEqual(len(biggest), 6, ours)
        for line in biggest:
            self.assertRegex(line, r"found '\"big:[slhzSx]\"' has \d+ bytes$")

    def test_scan_mode(self):
        for args in ([], ["--pattern", "big:*"], ["--pattern", "*:0?5"], ["--pattern", "*:0?5", "-i", "0.01"]):
            ours, ref = sorted(cli(OURS, "--scan", *args).split()), sorted(cli(REF, "--scan", *args).split())
            self.assertTrue(ours, args)
            self.assertEqual(ours, ref, args)
        self.assertEqual(sorted(cli(OURS, "--scan").split()), sorted(self.keys))

    def test_stat_lines(self):
        outs = {}
        for port in (OURS, REF):
            outs[port] = cli_for(port, 2.6, "--stat", "-i", "1").splitlines()
        ours, ref = outs[OURS], outs[REF]
        self.assertGreaterEqual(len(ours), 4, ours)
        self.assertEqual(ours[:2], ref[:2])  # the two header lines
        widths = [m.start() for m in re.finditer(r"\S+", ref[2])]
        requests = []
        for line in ours[2:]:
            cols = line.split()
            # keys mem clients blocked requests (+delta) connections
            self.assertEqual(len(cols), 7, line)
            self.assertEqual(cols[0], str(len(self.keys)), line)
            self.assertRegex(cols[1], r"^\d+(\.\d+)?[BKMG]$")
            self.assertRegex(cols[5], r"^\(\+\d+\)$")
            requests.append(int(cols[4]))
            self.assertEqual([m.start() for m in re.finditer(r"\S+", line)][:3], widths[:3], line)
        self.assertEqual(requests, sorted(requests))
        self.assertLess(requests[0], requests[-1])

    def test_latency_modes(self):
        line = re.compile(r"^\d+ \d+ \d+\.\d\d \d+$")  # min max avg samples, non-tty output
        for port in (OURS, REF):
            out = cli(port, "--latency").splitlines()
            self.assertEqual(len(out), 1, out)
            self.assertRegex(out[0], line)
            self.assertGreater(int(out[0].split()[3]), 10)
            hist = cli_for(port, 2.6, "--latency-history", "-i", "1").splitlines()
            self.assertGreater(len(hist), 5, hist)
            ranges = [h for h in hist if " -- " in h]
            self.assertTrue(ranges, hist)
            for h in hist:
                if " -- " in h:
                    self.assertRegex(h, r"^ -- \d+\.\d\d seconds range$")
                else:
                    self.assertRegex(h, line)


if __name__ == "__main__":
    unittest.main(verbosity=2)
