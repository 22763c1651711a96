#!/usr/bin/env python3
"""Latency diagnostics side by side with redis-server 7.0.15 (ports 21940-21941).

Durations differ between two servers, so what is compared is everything else: which commands INFO
latencystats and LATENCY HISTOGRAM list after the same commands, the names of the percentiles, the call
counts, that every histogram step is one of the power-of-two steps redis-server reports (1, 2, 4, ... 33, 66,
131 ... µs) with cumulative counts ending at the calls; the latency monitor's events after the same slow
command (DEBUG SLEEP) with latency-monitor-threshold set; and the exact replies of the error paths,
LATENCY HELP, RESET counts and HISTORY lengths, in RESP2 and RESP3."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402

OURS, REF = 21940, 21941
WORKLOAD = [
    ["SET", "k", "v"], ["GET", "k"], ["GET", "missing"], ["INCR", "n"], ["HSET", "h", "f", "v"],
    ["LPUSH", "l", "a", "b"], ["CLIENT", "ID"], ["CONFIG", "GET", "maxmemory"], ["PING"], ["DEL", "k"],
    ["OBJECT", "ENCODING", "l"], ["EXISTS", "h"],
]
# The steps LATENCY HISTOGRAM can report: the highest value of the slot that reaches 1024 * 2^k ns, in µs.
STEPS = {1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16908, 33816, 67633, 135266, 270532,
         541065, 1082130, 1073741}
PCT = re.compile(r"^p[0-9.]+=\d+\.\d{3}$")


def latencystats(c):
    _, text = c.call("INFO", "latencystats")
    out = {}
    for line in text.splitlines():
        if line.startswith("latency_percentiles_usec_"):
            name, values = line[len("latency_percentiles_usec_"):].split(":", 1)
            out[name] = values.split(",")
    return out


def histogram(c, *names):
    t, items = c.call("LATENCY", "HISTOGRAM", *names)
    out = {}
    for name, body in zip(items[0::2], items[1::2]):
        body = dict(zip(body[0::2], body[1::2]))
        hist = body["histogram_usec"]
        out[name] = (body["calls"], list(zip(hist[0::2], hist[1::2])))
    return t, out


class LatencyDifferentialTest(rcs.ServersTestCase):
    def start_both(self, *extra):
        for port, binary in ((OURS, None), (REF, rcs.REDIS_SERVER)):
            self.server(port, "p%d" % port, args=["--save", "", "--enable-debug-command", "yes", *extra],
                        binary=binary).start()

    def test_latencystats_and_histograms(self):
        self.start_both()
        seen = {}
        for port in (OURS, REF):
            with rcs.Resp(port) as c:
                c.call("CONFIG", "RESETSTAT")
                for cmd in WORKLOAD * 3:
                    c.call(*cmd)
                stats = latencystats(c)
                c.call("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99.99 12.5 0")
                stats2 = latencystats(c)
                _, hist = histogram(c)
                _, some = histogram(c, "get", "client", "nosuch", "CONFIG|GET")
                c.call("HELLO", "3")
                t3, some3 = histogram(c, "get")
            seen[port] = (stats, stats2, hist, some, t3, some3)
        ours, ref = seen[OURS], seen[REF]
        # The same commands (subcommands as container|sub) have histograms.
        self.assertEqual(sorted(ours[0]), sorted(ref[0]))
        self.assertIn("client|id", ours[0])
        for stats in (ours[0], ref[0]):
            for values in stats.values():
                self.assertEqual([v.split("=")[0] for v in values], ["p50", "p99", "p99.9"])
                self.assertTrue(all(PCT.match(v) for v in values), values)
        for stats in (ours[1], ref[1]):
            for values in stats.values():
                self.assertEqual([v.split("=")[0] for v in values], ["p50", "p99.99", "p12.5", "p0"])
        # LATENCY HISTOGRAM: the same commands with the same call counts; steps from redis-server's set.
        self.assertEqual({k: v[0] for k, v in ours[2].items()}, {k: v[0] for k, v in ref[2].items()})
        for hist in (ours[2], ref[2]):
            for name, (calls, steps) in hist.items():
                self.assertTrue(steps, name)
                self.assertTrue(all(s in STEPS for s, _ in steps), (name, steps))
                counts = [n for _, n in steps]
                self.assertEqual(counts, sorted(counts))
                self.assertEqual(counts[-1], calls)
        self.assertEqual(sorted(ours[3]), sorted(ref[3]))
        self.assertEqual(sorted(ours[3]), ["client|id", "config|get", "get"])
        self.assertEqual(ours[4], ref[4])
        self.assertEqual(ours[4], "%")
        self.assertEqual(ours[5]["get"][0], ref[5]["get"][0])

    def test_monitor_events_and_errors(self):
        self.start_both("--latency-monitor-threshold", "20")
        runs = {}
        for port in (OURS, REF):
            replies = []
            with rcs.Resp(port) as c:
                for proto in ("2", "3"):
                    c.call("HELLO", proto)
                    c.call("LATENCY", "RESET")
                    for cmd in (["LATENCY", "LATEST"], ["LATENCY", "HISTORY", "command"],
                                ["LATENCY", "GRAPH", "command"], ["LATENCY", "RESET", "nosuch"],
                                ["LATENCY"], ["LATENCY", "HISTORY"], ["LATENCY", "GRAPH", "a", "b"],
                                ["LATENCY", "LATEST", "x"], ["LATENCY", "DOCTOR", "x"], ["LATENCY", "NOPE"],
                                ["LATENCY", "HELP"], ["LATENCY", "help", "x"], ["CONFIG", "GET", "latency-tracking"],
                                ["CONFIG", "GET", "latency-monitor-threshold"],
                                ["CONFIG", "GET", "latency-tracking-info-percentiles"],
                                ["CONFIG", "SET", "latency-tracking-info-percentiles", "101"],
                                ["CONFIG", "SET", "latency-tracking-info-percentiles", "a"],
                                ["CONFIG", "SET", "latency-monitor-threshold", "-1"],
                                ["CONFIG", "SET", "latency-tracking", "maybe"]):
                        replies.append((cmd, c.call_raw(*cmd)))
                    c.call("DEBUG", "SLEEP", "0.05")
                    t, latest = c.call("LATENCY", "LATEST")
                    self.assertEqual(len(latest), 1, latest)
                    event, when, last, worst = latest[0]
                    replies.append(("latest", (event, last >= 50, worst >= last, when > 1600000000)))
                    _, hist = c.call("LATENCY", "HISTORY", "command")
                    replies.append(("history", len(hist), hist[0][1] >= 50))
                    _, graph = c.call("LATENCY", "GRAPH", "command")
                    head = graph.split("\n")[0]
                    replies.append(("graph", re.sub(r"\d+", "N", head), graph.split("\n")[1]))
                    _, doctor = c.call("LATENCY", "DOCTOR")
                    replies.append(("doctor", "command" in doctor))
                    replies.append(("reset", c.call_raw("LATENCY", "RESET", "COMMAND", "fast-command")))
                    replies.append(("after", c.call_raw("LATENCY", "LATEST")))
            runs[port] = replies
        for a, b in zip(runs[OURS], runs[REF]):
            self.assertEqual(a, b)
        self.assertEqual(len(runs[OURS]), len(runs[REF]))


if __name__ == "__main__":
    rcs.run_tests()
