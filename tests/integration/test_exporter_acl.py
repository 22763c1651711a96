"""The exporter as a least-privilege ACL user, against Debian's redis-server 7.0.15 (ports 21700-21719).

The README's ACL line for the `exporter` user allows exactly the commands the exporter sends (AUTH needs no
permission):

    user exporter on >PASSWORD -@all +info +cluster|info +cluster|nodes +slowlog|len +slowlog|get +latency|latest

(no key pattern, no channel: it can read or write no key). Checked here, standalone (one redis-server) and in
cluster mode (three redis-server masters):
  - a scrape as `exporter` (--redis.user / REDIS_USER with the password or a password file) has redis_up 1 for
    every node and exactly the series a scrape as the default (admin) user has; the server's ACL LOG has no
    denial for `exporter`;
  - `exporter` cannot GET, SET, CONFIG GET or FLUSHALL;
  - each permission of the line is needed: with one removed at run time (ACL SETUSER exporter -<cmd>) the scrape
    shows it as an error metric (INFO: redis_up 0; CLUSTER NODES: redis_exporter_last_scrape_error 1; the
    others: redis_exporter_node_command_error{cmd}), the rest is served and the exporter keeps running.
"""
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

EXPORTER_BIN = os.environ.get("RCS_EXPORTER_BIN", os.path.join(rcs.REPO, "build", "exporter", "redis-cluster-exporter"))
ADMIN_PW = "admin-pw-21700"
EXPORTER_PW = "exporter-pw-21700"
# The README's line, as words (redis-server takes `--user <words>` like a `user` line of the config file).
PERMISSIONS = ["+info", "+cluster|info", "+cluster|nodes", "+slowlog|len", "+slowlog|get", "+latency|latest"]
ACL_WORDS = ["exporter", "on", ">" + EXPORTER_PW, "-@all"] + PERMISSIONS


def reference_server(port, cluster):
    args = ["--user"] + ACL_WORDS + ["--slowlog-log-slower-than", "0"]  # a slow log entry on every scrape
    if cluster:
        args += ["--cluster-enabled", "yes", "--cluster-config-file", "nodes-%d.conf" % port]
    return rcs.Server(port, args=args, binary=rcs.REDIS_SERVER, password=ADMIN_PW)


class Exporter:
    def __init__(self, port, args, env=None):
        self.port = port
        self.log_path = tempfile.mktemp(prefix="rcs-exporter-%d-" % port, suffix=".log")
        e = dict(os.environ)
        for k in ("REDIS_USER", "REDIS_PASSWORD", "REDIS_PASSWORD_FILE", "REDIS_ADDR"):
            e.pop(k, None)
        e.update(env or {})
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen([EXPORTER_BIN, "--web.listen-address", "127.0.0.1:%d" % port] + args,
                                         stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=e)
        rcs.wait_until(self.healthy, timeout=10, what="exporter on %d serving /health" % port)

    def healthy(self):
        assert self.proc.poll() is None, "the exporter exited with %s: %s" % (self.proc.returncode, self.log())
        try:
            return urllib.request.urlopen("http://127.0.0.1:%d/health" % self.port, timeout=2).status == 200
        except OSError:
            return False

    def scrape(self):
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.port, timeout=10) as r:
            return r.read().decode()

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()[-3000:]

    def stop(self):
        rcs.stop_process(self.proc)
        os.unlink(self.log_path)


def samples(text):
    """{series (name and labels): value} of a scrape."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            series, _, value = line.rpartition(" ")
            out[series] = value
    return out


def series_with(text, prefix):
    return {s: v for s, v in samples(text).items() if s.startswith(prefix)}


class ExporterAclTest(unittest.TestCase):
    def setUp(self):
        self.stops = []
        self.tmp = tempfile.mkdtemp(prefix="rcs-exporter-acl-")

    def tearDown(self):
        for stop in reversed(self.stops):
            stop()
        for f in os.listdir(self.tmp):
            os.unlink(os.path.join(self.tmp, f))
        os.rmdir(self.tmp)

    def start_servers(self, ports, cluster):
        servers = []
        for p in ports:
            s = reference_server(p, cluster)
            s.start()
            self.stops.append(s.stop)
            servers.append(s)
        if cluster:
            rcs.cluster_create(["127.0.0.1:%d" % p for p in ports], replicas=0, password=ADMIN_PW)
            rcs.wait_cluster_ok(servers, timeout=30, known=len(ports))
        return servers

    def exporter(self, port, args, env=None):
        e = Exporter(port, args, env)
        self.stops.append(e.stop)
        return e

    def acl_setuser(self, servers, rule):
        for s in servers:
            self.assertEqual(s.cli("ACL", "SETUSER", "exporter", rule).strip(), "OK")

    def check_least_privilege(self, server):
        for cmd in (["GET", "k"], ["SET", "k", "v"], ["CONFIG", "GET", "maxmemory"], ["FLUSHALL"], ["KEYS", "*"]):
            out = subprocess.run([rcs.REDIS_CLI, "-p", str(server.port), "--user", "exporter", "--pass", EXPORTER_PW,
                                  "--no-auth-warning"] + cmd, capture_output=True, text=True, timeout=10).stdout
            self.assertTrue(out.startswith("NOPERM"), "exporter may run %s: %r" % (cmd, out))

    def same_series(self, admin, least, nodes):
        """Both exporters scraped twice (so that each saw the other's commands in INFO commandstats): the same
        series, redis_up 1 for each of `nodes`."""
        for _ in range(2):
            a, b = admin.scrape(), least.scrape()
        a, b = admin.scrape(), least.scrape()
        ups = series_with(b, "redis_up{")
        self.assertEqual(len(ups), nodes, ups)
        self.assertEqual(set(ups.values()), {"1"}, ups)
        # Series from INFO commandstats / latencystats appear when a command first runs; the two scrapes are
        # of the same servers a moment apart, so compare the names and labels only.
        missing = sorted(set(samples(a)) - set(samples(b)))
        extra = sorted(set(samples(b)) - set(samples(a)))
        self.assertEqual((missing, extra), ([], []), "series of the admin scrape missing as exporter / extra")
        self.assertGreater(len(samples(b)), 150)
        self.assertNotIn("redis_exporter_node_command_error", b)
        return b

    def check_each_permission_needed(self, servers, least, cluster):
        for perm in PERMISSIONS:
            cmd = perm[1:]
            self.acl_setuser(servers, "-" + cmd)
            try:
                text = least.scrape()
                s = samples(text)
                ups = series_with(text, "redis_up{")
                if cmd == "info":
                    self.assertEqual(set(ups.values()), {"0"}, "INFO denied: %s" % ups)
                    self.assertEqual(s["redis_exporter_last_scrape_error"], "1")
                elif cmd == "cluster|nodes":
                    # No seed answers CLUSTER NODES (the ACL is checked before the cluster mode): the nodes known
                    # are still scraped, the scrape is marked as failed.
                    self.assertEqual(s["redis_exporter_last_scrape_error"], "1", "CLUSTER NODES denied")
                    self.assertEqual(set(ups.values()), {"1"}, ups)
                    if cluster:
                        self.assertEqual(s['redis_exporter_collector_success{collector="cluster_nodes"}'], "0")
                else:
                    self.assertEqual(set(ups.values()), {"1"}, ups)
                    errs = series_with(text, "redis_exporter_node_command_error{")
                    self.assertEqual(len(errs), len(servers), "%s denied: %s" % (cmd, errs))
                    self.assertTrue(all(k.endswith(',cmd="%s"}' % cmd) and v == "1" for k, v in errs.items()), errs)
                self.assertTrue(least.healthy())
            finally:
                self.acl_setuser(servers, "+" + cmd)
            # Allowed again: the scrape is whole again.
            text = least.scrape()
            self.assertEqual(samples(text)["redis_exporter_last_scrape_error"], "0", cmd)
            self.assertNotIn("redis_exporter_node_command_error", text)

    def test_standalone(self):
        servers = self.start_servers([21700], cluster=False)
        admin = self.exporter(21710, ["--redis.addr", "redis://127.0.0.1:21700", "--redis.password", ADMIN_PW])
        least = self.exporter(21711, ["--redis.addr", "redis://127.0.0.1:21700", "--redis.user", "exporter",
                                      "--redis.password", EXPORTER_PW])
        self.same_series(admin, least, nodes=1)
        self.assertEqual(servers[0].cli("ACL", "LOG").strip(), "", "a command of the exporter was denied")
        self.check_least_privilege(servers[0])
        self.check_each_permission_needed(servers, least, cluster=False)

    def test_cluster(self):
        ports = [21701, 21702, 21703]
        servers = self.start_servers(ports, cluster=True)
        pwfile = os.path.join(self.tmp, "exporter_password")
        with open(pwfile, "w") as f:
            f.write(EXPORTER_PW + "\n")
        addr = "redis://127.0.0.1:21701,redis://127.0.0.1:21702"
        admin = self.exporter(21712, ["--redis.addr", addr, "--redis.password", ADMIN_PW])
        # redis_exporter's environment names: REDIS_USER, REDIS_PASSWORD_FILE.
        least = self.exporter(21713, ["--redis.addr", addr],
                              env={"REDIS_USER": "exporter", "REDIS_PASSWORD_FILE": pwfile})
        text = self.same_series(admin, least, nodes=3)
        self.assertEqual(samples(text)["redis_cluster_nodes"], "3")
        for s in servers:
            self.assertEqual(s.cli("ACL", "LOG").strip(), "", "a command of the exporter was denied")
        self.check_least_privilege(servers[0])
        self.check_each_permission_needed(servers, least, cluster=True)


if __name__ == "__main__":
    rcs.run_tests()
