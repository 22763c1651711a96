#!/usr/bin/env python3
"""PUBLISH fan-out to 100 subscribers: our node vs Debian's redis-server, side by side in one run.

Each server gets 100 subscriber connections to one channel, drained by one reader thread (selectors), and
redis-benchmark sends PUBLISH to that channel. Rounds alternate between the two servers so machine noise hits
both. Prints requests/s per round, the median ratio, and checks that every subscriber got every message.

    bench/pubsub/bench_pubsub.py --node build/node/redis-cluster-node [--requests 200000] [--pipeline 1]
Ports 18240 (ours) and 18241 (redis-server).
"""
import argparse
import os
import selectors
import socket
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "integration", "lib"))
import rcs  # noqa: E402

PAYLOAD = "x" * 16
# *3 $7 message $2 ch $16 <payload>: the bytes one subscriber receives per PUBLISH.
MSG_BYTES = len(b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$16\r\n" + PAYLOAD.encode() + b"\r\n")


class Subscribers:
    def __init__(self, port, n):
        self.socks = []
        self.received = 0
        self.stop = False
        sel = selectors.DefaultSelector()
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nch\r\n")
            confirm = b""
            while not confirm.endswith(b":1\r\n"):
                confirm += s.recv(64)
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
            self.socks.append(s)
        self.sel = sel
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            for key, _ in self.sel.select(timeout=0.2):
                try:
                    data = key.fileobj.recv(1 << 20)
                except BlockingIOError:
                    continue
                self.received += len(data)

    def close(self):
        self.stop = True
        self.thread.join(timeout=5)
        for s in self.socks:
            s.close()


def bench(port, requests, pipeline):
    subs = Subscribers(port, 100)
    try:
        out = subprocess.run([rcs.REDIS_BENCHMARK, "-p", str(port), "-n", str(requests), "-c", "50", "-P",
                              str(pipeline), "-q", "PUBLISH", "ch", PAYLOAD], capture_output=True, text=True,
                             timeout=600)
        line = [l for l in out.stdout.replace("\r", "\n").splitlines() if "requests per second" in l][-1]
        rps = float(line.split(":")[1].split()[0])
        want = requests * 100 * MSG_BYTES
        deadline = time.monotonic() + 60
        while subs.received < want and time.monotonic() < deadline:
            time.sleep(0.05)
        return rps, subs.received == want
    finally:
        subs.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node", default=rcs.NODE_BIN)
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--pipeline", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    ours = rcs.Server(18240, binary=a.node).start()
    ref = rcs.Server(18241, binary=rcs.REDIS_SERVER).start()
    try:
        ratios = []
        for r in range(a.rounds):
            o, o_ok = bench(ours.port, a.requests, a.pipeline)
            t, t_ok = bench(ref.port, a.requests, a.pipeline)
            ratios.append(o / t)
            print("round %d: ours %.0f rps (all delivered: %s), redis-server %.0f rps (all delivered: %s), %.2fx"
                  % (r + 1, o, o_ok, t, t_ok, o / t))
        print("median ratio: %.2fx" % statistics.median(ratios))
    finally:
        ours.stop()
        ref.stop()


if __name__ == "__main__":
    main()
