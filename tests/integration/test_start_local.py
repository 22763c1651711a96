"""The launcher, scripts/start-local, end to end (ports 16100-16105, bus 26100-26105, 16121, 16190, 16193):
start forms a 3+3 cluster, status shows it, a second start re-creates nothing, kill/start of one node,
stop stops everything. Uses its own data folder and always stops what it started."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

LAUNCHER = os.path.join(rcs.REPO, "scripts", "start-local")
BASE = 16100
PROM_PORT = 16190
EXPORTER_PORT = 16121


class StartLocalTest(unittest.TestCase):
    def setUp(self):
        for p in list(range(BASE, BASE + 6)) + [16121, PROM_PORT, 16193]:
            if not rcs.port_free(p):
                raise AssertionError("port %d is busy before the test started" % p)
        self.data = tempfile.mkdtemp(prefix="rcs-start-local-")
        self.env = dict(os.environ, RCS_DATA_DIR=self.data, RCS_BASE_PORT=str(BASE), RCS_EXPORTER_PORT=str(EXPORTER_PORT),
                        RCS_PROMETHEUS_PORT=str(PROM_PORT), RCS_ALERTMANAGER_PORT="16193",
                        RCS_BUILD_DIR=os.path.dirname(os.path.dirname(os.path.abspath(rcs.NODE_BIN))))

    def tearDown(self):
        self.run_launcher("stop", check=False)
        shutil.rmtree(self.data, ignore_errors=True)

    def run_launcher(self, *args, check=True, timeout=180):
        out = subprocess.run([LAUNCHER] + list(args), env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and out.returncode != 0:
            self.fail("start-local %s exited %d:\n%s\n%s" % (args, out.returncode, out.stdout, out.stderr))
        return out.stdout

    def password(self):
        with open(os.path.join(self.data, "password")) as f:
            return f.read().strip()

    def cli(self, port, *args):
        env = dict(os.environ, REDISCLI_AUTH=self.password())
        return subprocess.run([rcs.REDIS_CLI, "-p", str(port)] + list(args), env=env, capture_output=True,
                              text=True, timeout=10).stdout.strip()

    def user_password(self, user):
        with open(os.path.join(self.data, "%s_password" % user)) as f:
            return f.read().strip()

    def user_cli(self, port, user, *args):
        env = dict(os.environ, REDISCLI_AUTH=self.user_password(user))
        out = subprocess.run([rcs.REDIS_CLI, "--user", user, "-p", str(port)] + list(args), env=env,
                             capture_output=True, text=True, timeout=10)
        return (out.stdout + out.stderr).strip()

    def metrics(self):
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % EXPORTER_PORT, timeout=10) as r:
            return r.read().decode()

    def node_ids(self):
        return [self.cli(BASE + i, "CLUSTER", "MYID") for i in range(6)]

    def status_rows(self):
        rows = {}
        for line in self.run_launcher("status").splitlines():
            m = re.match(r"127\.0\.0\.1:(\d+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(\S+)", line)
            if m:
                rows[int(m.group(1))] = m.groups()[1:]
        return rows

    def test_start_status_restart_stop(self):
        out = self.run_launcher()
        self.assertIn("cluster_state:ok on all 6 nodes", out)
        rows = self.status_rows()
        self.assertEqual(sorted(rows), list(range(BASE, BASE + 6)))
        masters = [p for p, r in rows.items() if r[0] == "master"]
        replicas = [p for p, r in rows.items() if r[0] == "replica"]
        self.assertEqual(len(masters), 3, rows)
        self.assertEqual(len(replicas), 3, rows)
        self.assertEqual(sum(int(rows[p][2]) for p in masters), 16384)
        for p in replicas:
            self.assertEqual(rows[p][4], "up", rows)
            self.assertRegex(rows[p][1], r"^127\.0\.0\.1:161\d\d$")
        ids = self.node_ids()

        # The least-privilege users: each does its job and nothing else.
        exporter = self.user_cli(BASE, "exporter", "GET", "k")
        self.assertEqual(exporter, "NOPERM this user has no permissions to run the 'get' command")
        self.assertIn("role:", self.user_cli(BASE, "exporter", "INFO", "replication"))
        self.assertEqual(self.user_cli(BASE, "healthcheck", "PING"), "PONG")
        self.assertTrue(self.user_cli(BASE, "healthcheck", "INFO").startswith("NOPERM"))
        self.assertTrue(self.user_cli(BASE, "app", "FLUSHALL").startswith("NOPERM"))
        self.assertEqual(self.user_cli(BASE, "app", "-c", "SET", "app-key", "v"), "OK")
        self.assertEqual(self.user_cli(BASE, "app", "-c", "DEL", "app-key"), "1")  # the node replaced below must be empty
        for p in masters:  # each replica follows its master as user replication
            self.assertRegex(self.cli(p, "CLIENT", "LIST", "TYPE", "replica"), r" user=replication ")
        def up_lines():
            try:
                return [line for line in self.metrics().splitlines() if line.startswith("redis_up{")]
            except OSError:
                return []
        rcs.wait_until(lambda: len(up_lines()) == 6 and all(line.endswith(" 1") for line in up_lines()),
                       timeout=30, interval=1, what="the exporter (as user exporter) with redis_up 1 for 6 nodes")

        # No process shows a password.
        ps = subprocess.run(["ps", "-e", "-o", "args="], capture_output=True, text=True, timeout=10).stdout
        self.assertNotIn(self.password(), ps)
        for user in ("app", "exporter", "healthcheck", "replication"):
            self.assertNotIn(self.user_password(user), ps)
        self.assertIn("127.0.0.1:%d [cluster]" % BASE, ps)

        if shutil.which("prometheus"):
            def rules_loaded():
                with urllib.request.urlopen("http://127.0.0.1:%d/api/v1/rules" % PROM_PORT, timeout=5) as r:
                    return len(json.load(r)["data"]["groups"]) > 0
            rcs.wait_until(rules_loaded, timeout=60, interval=1, what="Prometheus with the alert rules loaded")

        # A second start keeps everything: same node ids, nothing created.
        out = self.run_launcher()
        self.assertIn("cluster already formed", out)
        self.assertNotIn("creating the cluster", out)
        self.assertEqual(self.node_ids(), ids)

        # kill / start one replica (the failure drill), then stop and start everything again from disk.
        victim = replicas[0]
        self.run_launcher("kill", str(victim))
        rows = self.status_rows()
        self.assertNotIn(victim, rows)  # shown as unreachable, not as a member
        self.run_launcher("start", str(victim))
        rcs.wait_until(lambda: self.cli(victim, "PING") == "PONG", timeout=20, what="restarted node")
        self.assertEqual(self.node_ids(), ids)

        # A node replaced by an empty one (its nodes.conf gone): the init joins it as a replica and forgets
        # the old id; nothing else changes.
        self.run_launcher("kill", str(victim))
        os.remove(os.path.join(self.data, "node-%d" % (victim - BASE), "nodes.conf"))
        self.run_launcher("start", str(victim))
        rcs.wait_until(lambda: self.cli(victim, "PING") == "PONG", timeout=20, what="replaced node")
        out = self.run_launcher()
        self.assertIn("cluster half formed", out)
        self.assertIn("forgetting the replaced node %s" % ids[victim - BASE], out)
        new_ids = self.node_ids()
        self.assertNotEqual(new_ids[victim - BASE], ids[victim - BASE])
        self.assertEqual([x for i, x in enumerate(new_ids) if i != victim - BASE],
                         [x for i, x in enumerate(ids) if i != victim - BASE])
        ids = new_ids
        rows = self.status_rows()
        self.assertEqual(sorted(r[0] for r in rows.values()), ["master"] * 3 + ["replica"] * 3, rows)
        self.assertNotIn("fail", self.cli(BASE, "CLUSTER", "NODES"))  # the old entry is forgotten everywhere
        self.assertIn("Ready to accept connections", self.run_launcher("logs", "0"))

        out = self.run_launcher("stop")
        self.assertIn("stopped", out)
        self.assertEqual([f for f in os.listdir(self.data) if f.endswith(".pid")], [])
        for i in range(6):
            self.assertTrue(rcs.port_free(BASE + i), "node port %d still in use after stop" % (BASE + i))
        out = self.run_launcher()
        self.assertIn("cluster already formed", out)
        self.assertEqual(self.node_ids(), ids)


if __name__ == "__main__":
    rcs.run_tests()
