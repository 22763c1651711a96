#!/usr/bin/env python3
"""--web.config.file: the exporter's endpoints over TLS with basic auth (ports: node 12442, exporter 12440,
Prometheus 12441).

A self-signed certificate made by the openssl CLI and a bcrypt hash made by libcrypt (python's crypt); the
exporter-toolkit file names both. Checked with curl: no credentials, a wrong password and an unknown user get
401 with WWW-Authenticate, the right ones get the metrics; plain HTTP gets no metrics; a TLS 1.2 client is
refused when min_version is TLS13. Then a real Prometheus (Debian's) scrapes it over TLS with basic auth: its
`up` is 1 and `redis_up` 1, while a job with a wrong password has `up` 0. A file with a setting the exporter
does not honour stops it with exit code 2 and the line named.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt  # noqa: E402  (libcrypt's bcrypt; deprecated in Python, still what Debian 12 ships)

NODE, EXPORTER, PROM = 12442, 12440, 12441
EXPORTER_BIN = os.environ.get("RCS_EXPORTER_BIN", os.path.join(rcs.REPO, "build", "exporter", "redis-cluster-exporter"))
PROMETHEUS = shutil.which("prometheus")
PASSWORD = "scrape-pw-12440"


class WebConfigTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rcs-webcfg-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.node = rcs.Server(NODE, args=["--save", ""]).start()
        self.addCleanup(self.node.stop)
        self.cert, self.key = self.path("cert.pem"), self.path("key.pem")
        r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.key,
                            "-out", self.cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                            "-addext", "subjectAltName=IP:127.0.0.1"], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.hash = crypt.crypt(PASSWORD, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 6))
        self.assertTrue(self.hash.startswith("$2"), self.hash)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write_config(self, min_version="TLS12", extra=""):
        p = self.path("web.yml")
        with open(p, "w") as f:
            f.write("# exporter-toolkit web config\ntls_server_config:\n  cert_file: %s\n  key_file: %s\n"
                    "  min_version: %s\n%sbasic_auth_users:\n  prometheus: '%s'\n"
                    % (self.cert, self.key, min_version, extra, self.hash))
        return p

    def exporter(self, config):
        log = open(self.path("exporter.log"), "wb")
        self.addCleanup(log.close)
        p = subprocess.Popen([EXPORTER_BIN, "--web.listen-address", "127.0.0.1:%d" % EXPORTER, "--redis.addr",
                              "redis://127.0.0.1:%d" % NODE, "--web.config.file", config],
                             stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.addCleanup(rcs.stop_process, p)
        rcs.wait_until(lambda: self.curl("/health", user="prometheus:" + PASSWORD)[0] == "200", timeout=15,
                       what="exporter serving over TLS")
        return p

    def curl(self, path, user=None, scheme="https", extra=()):
        cmd = ["curl", "-s", "-o", self.path("body"), "-D", self.path("headers"), "-w", "%{http_code}",
               "--max-time", "10", "--cacert", self.cert, *extra]
        if user:
            cmd += ["-u", user]
        r = subprocess.run(cmd + ["%s://127.0.0.1:%d%s" % (scheme, EXPORTER, path)], capture_output=True, text=True,
                           timeout=30)
        body = open(self.path("body"), errors="replace").read() if os.path.exists(self.path("body")) else ""
        headers = open(self.path("headers"), errors="replace").read() if os.path.exists(self.path("headers")) else ""
        for f in ("body", "headers"):
            if os.path.exists(self.path(f)):
                os.unlink(self.path(f))
        return r.stdout, body, headers, r.returncode

    def test_tls_and_basic_auth_with_curl_and_prometheus(self):
        self.exporter(self.write_config())
        for user in (None, "prometheus:wrong", "nobody:" + PASSWORD, "prometheus:"):
            code, body, headers, _ = self.curl("/metrics", user=user)
            self.assertEqual(code, "401", (user, body))
            self.assertIn("WWW-Authenticate: Basic", headers)
            self.assertNotIn("redis_up", body)
        code, body, _, _ = self.curl("/metrics", user="prometheus:" + PASSWORD)
        self.assertEqual(code, "200")
        self.assertIn("redis_up{", body)
        code, body, _, _ = self.curl("/cluster.json", user="prometheus:" + PASSWORD)
        self.assertEqual(code, "200")
        self.assertIn('"nodes":1', body)
        code, body, _, _ = self.curl("/", user=None)
        self.assertEqual(code, "401")  # every endpoint, the status page too
        code, body, _, rc = self.curl("/metrics", user="prometheus:" + PASSWORD, scheme="http")
        self.assertNotEqual(code, "200")
        self.assertNotIn("redis_up", body)

        if PROMETHEUS is None:
            self.skipTest("no prometheus")
        pw_file = self.path("scrape-password")
        with open(pw_file, "w") as f:
            f.write(PASSWORD)
        bad_file = self.path("bad-password")
        with open(bad_file, "w") as f:
            f.write("wrong")
        target = "127.0.0.1:%d" % EXPORTER
        jobs = []
        for job, pwf in (("redis", pw_file), ("wrong-password", bad_file)):
            jobs.append("  - job_name: %s\n    scheme: https\n    scrape_interval: 1s\n    scrape_timeout: 900ms\n"
                        "    tls_config:\n      ca_file: %s\n    basic_auth:\n      username: prometheus\n"
                        "      password_file: %s\n    static_configs:\n      - targets: ['%s']\n"
                        % (job, self.cert, pwf, target))
        with open(self.path("prometheus.yml"), "w") as f:
            f.write("global:\n  scrape_interval: 1s\nscrape_configs:\n" + "".join(jobs))
        log = open(self.path("prometheus.log"), "wb")
        self.addCleanup(log.close)
        prom = subprocess.Popen([PROMETHEUS, "--config.file", self.path("prometheus.yml"), "--storage.tsdb.path",
                                 self.path("tsdb"), "--web.listen-address", "127.0.0.1:%d" % PROM],
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.addCleanup(rcs.stop_process, prom)

        def query(q):
            url = "http://127.0.0.1:%d/api/v1/query?query=%s" % (PROM, urllib.parse.quote(q))
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    res = json.loads(r.read())["data"]["result"]
            except OSError:
                return None
            return {s["metric"].get("job", ""): s["value"][1] for s in res}

        def scraped():
            up = query("up")
            return up if up and len(up) == 2 and query("redis_up") else None

        up = rcs.wait_until(scraped, timeout=40, what="Prometheus scraping both jobs")
        self.assertEqual(up, {"redis": "1", "wrong-password": "0"})
        self.assertEqual(query('redis_up{job="redis"}'), {"redis": "1"})

    def test_min_version_and_bad_files(self):
        self.exporter(self.write_config(min_version="TLS13"))
        code, _, _, rc = self.curl("/metrics", user="prometheus:" + PASSWORD, extra=("--tls-max", "1.2"))
        self.assertEqual(code, "000")
        self.assertNotEqual(rc, 0)
        code, _, _, _ = self.curl("/metrics", user="prometheus:" + PASSWORD, extra=("--tlsv1.3",))
        self.assertEqual(code, "200")
        bad = self.write_config(extra="  cipher_suites: [TLS_AES_128_GCM_SHA256]\n")
        r = subprocess.run([EXPORTER_BIN, "--web.listen-address", "127.0.0.1:%d" % (EXPORTER + 5),
                            "--redis.addr", "redis://127.0.0.1:%d" % NODE, "--web.config.file", bad],
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("line 6: \"cipher_suites\"", r.stderr)
        missing = self.path("missing-cert.yml")
        with open(missing, "w") as f:
            f.write("tls_server_config:\n  cert_file: %s\n  key_file: %s\n" % (self.path("nope.pem"), self.key))
        r = subprocess.run([EXPORTER_BIN, "--web.listen-address", "127.0.0.1:%d" % (EXPORTER + 5),
                            "--redis.addr", "redis://127.0.0.1:%d" % NODE, "--web.config.file", missing],
                           capture_output=True, text=True, timeout=20)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("cannot load the TLS certificate", r.stdout + r.stderr)


if __name__ == "__main__":
    rcs.run_tests()
