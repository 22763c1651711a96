#!/usr/bin/env python3
"""The exporter's cluster status page in a real browser (nodes on ports 12420-12425, exporter on 12430).

A 3+3 cluster of our nodes with some keys; the exporter (one seed) serves / and /cluster.json. Debian's
chromium, headless, loads the page and its DOM (--dump-dom) must show six nodes, three shards, 16,384 slots
served, every node ok and connected, each shard one master and one replica; /cluster.json says the same. Then
kill -9 of a master: within two scrapes (the page scrapes when its data is older than 5 s) the page shows that
node failed and its replica as the master of the same slots, and lists the failover. A screenshot of each state
is written under the build folder (RCS_STATUS_SCREENSHOTS, default build/status-page/) for a person to look at.
Skipped (77) without chromium.
"""
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402

PORTS = list(range(12420, 12426))
EXPORTER_PORT = 12430
EXPORTER_BIN = os.environ.get("RCS_EXPORTER_BIN", os.path.join(rcs.REPO, "build", "exporter", "redis-cluster-exporter"))
SHOTS = os.environ.get("RCS_STATUS_SCREENSHOTS", os.path.join(rcs.REPO, "build", "status-page"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Dom(html.parser.HTMLParser):
    """The page's node rows (data-* attributes), shard headers and the summary banner, from the DOM text."""

    def __init__(self, text):
        super().__init__()
        self.nodes, self.shards, self.summary, self.failovers = [], [], None, 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "tr" and "node" in cls:
            self.nodes.append({k[5:]: v for k, v in a.items() if k.startswith("data-")})
        elif tag == "h2" and "shard" in cls:
            self.shards.append(int(a["data-slots"]))
        elif tag == "div" and a.get("id") == "summary":
            self.summary = {k[5:]: v for k, v in a.items() if k.startswith("data-")}
        elif tag == "tr" and "failover" in cls:
            self.failovers += 1


class StatusPageTest(unittest.TestCase):
    def setUp(self):
        if CHROMIUM is None:
            raise unittest.SkipTest("no chromium")
        self.cluster = rcs.Cluster(PORTS, node_timeout=2000).start()
        self.addCleanup(self.cluster.stop)
        self.profile = tempfile.mkdtemp(prefix="rcs-chromium-")
        self.addCleanup(shutil.rmtree, self.profile, True)
        self.log = tempfile.NamedTemporaryFile(prefix="rcs-exporter-status-", suffix=".log", delete=False)
        self.addCleanup(os.unlink, self.log.name)
        self.exporter = subprocess.Popen(
            [EXPORTER_BIN, "--web.listen-address", "127.0.0.1:%d" % EXPORTER_PORT,
             "--redis.addr", "redis://127.0.0.1:%d" % PORTS[0]],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.addCleanup(rcs.stop_process, self.exporter)
        rcs.wait_until(lambda: self.get("/health") == "ok\n", timeout=10, what="exporter /health")
        os.makedirs(SHOTS, exist_ok=True)
        for i in range(300):
            self.cluster.nodes[0].cli("-c", "SET", "key:%d" % i, "v")

    def get(self, path):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (EXPORTER_PORT, path), timeout=10) as r:
                return r.read().decode()
        except OSError:
            return None

    def browser(self, *args):
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", "--user-data-dir=" + self.profile, *args,
               "http://127.0.0.1:%d/" % EXPORTER_PORT]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        return r.stdout

    def page(self, shot):
        dom = Dom(self.browser("--dump-dom"))
        self.browser("--screenshot=" + os.path.join(SHOTS, shot), "--window-size=900,1400")
        return dom

    def test_page_shows_the_cluster_and_a_failover(self):
        dom = self.page("healthy.png")
        self.assertEqual(dom.summary["state"], "ok", dom.summary)
        self.assertEqual(dom.summary["nodes"], "6")
        self.assertEqual(dom.summary["shards"], "3")
        self.assertEqual(dom.summary["slots-covered"], "16384")
        self.assertEqual(len(dom.nodes), 6, dom.nodes)
        self.assertEqual(sum(dom.shards), 16384)
        self.assertEqual(sorted(n["role"] for n in dom.nodes), ["master"] * 3 + ["replica"] * 3)
        self.assertTrue(all(n["state"] == "ok" for n in dom.nodes), dom.nodes)
        self.assertEqual(sorted(n["addr"] for n in dom.nodes), ["127.0.0.1:%d" % p for p in PORTS])
        self.assertEqual(dom.failovers, 0)
        js = json.loads(self.get("/cluster.json"))
        self.assertEqual((js["cluster_state"], js["nodes"], js["slots_covered"], len(js["shards"])), ("ok", 6, 16384, 3))
        self.assertEqual(sum(sh["master"]["keys"] + 0 for sh in js["shards"]), 300)
        for sh in js["shards"]:
            self.assertEqual(len(sh["replicas"]), 1, sh)
            self.assertEqual(sh["replicas"][0]["master_id"], sh["master"]["id"])

        # kill -9 one master: the page shows it failed and its replica as the master of its slots.
        victim = next(n for n in dom.nodes if n["role"] == "master")
        port = int(victim["addr"].rsplit(":", 1)[1])
        slots = int(victim["slots"])
        self.cluster.kill(self.cluster.node(port))
        survivor = self.cluster.nodes[1] if self.cluster.nodes[0].port == port else self.cluster.nodes[0]
        rcs.wait_until(lambda: rcs.cluster_ok(survivor), timeout=30, what="cluster_state ok after the failover")
        # Two scrapes: the page's data is at most 5 s old, so the second load after 5 s is a new scrape.
        dom = None
        for _ in range(2):
            time.sleep(5.5)
            dom = self.page("after-failover.png")
            failed = [n for n in dom.nodes if n["id"] == victim["id"]]
            if failed and failed[0]["state"] in ("fail", "down") and dom.failovers:
                break
        failed = [n for n in dom.nodes if n["id"] == victim["id"]]
        self.assertEqual(len(failed), 1, dom.nodes)
        self.assertEqual(failed[0]["state"], "fail", failed)
        masters = [n for n in dom.nodes if n["role"] == "master" and n["state"] == "ok"]
        self.assertEqual(len(masters), 3, dom.nodes)
        self.assertIn(slots, [int(m["slots"]) for m in masters])
        self.assertEqual(dom.summary["slots-covered"], "16384")
        self.assertEqual(dom.failovers, 1)
        js = json.loads(self.get("/cluster.json"))
        self.assertEqual(len(js["failovers"]), 1, js["failovers"])
        self.assertEqual(js["failovers"][0]["from"], victim["addr"])


if __name__ == "__main__":
    if CHROMIUM is None:
        print("skipped: no chromium")
        sys.exit(77)
    rcs.run_tests()
