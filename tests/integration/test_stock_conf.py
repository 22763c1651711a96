"""Debian's stock /etc/redis/redis.conf starts the node unchanged (ports 18602-18609).

The file is passed as is; only what must differ on a test machine comes after it on the command line, which
overrides the file as with redis-server. The directives the node accepts but does not use are logged once
each with the file and line.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

STOCK_CONF = "/etc/redis/redis.conf"
# The 16 lines issue 13 found rejected: accepted now, and each has no effect here (but
# client-output-buffer-limit, which pub/sub enforces, and acllog-max-len, which ACL LOG keeps: in IMPLEMENTED).
ISSUE_LINES = ["proc-title-template", "rdb-del-sync-files", "repl-diskless-sync-max-replicas",
               "lazyfree-lazy-user-flush", "oom-score-adj-values", "disable-thp", "list-compress-depth",
               "hll-sparse-max-bytes", "stream-node-max-bytes", "stream-node-max-entries", "activerehashing",
               "rdb-save-incremental-fsync",
               # Only db 0 is served: the stock "databases 16" is logged until numbered databases exist.
               "databases"]
# Of those, the ones whose stock value is what this node does anyway, so nothing is logged for them.
NATIVE_VALUES = {"proc-title-template", "lazyfree-lazy-user-flush"}
# Directives this node implements: the log must not call them no-effect.
IMPLEMENTED = ["acllog-max-len", "bind", "port", "timeout", "tcp-keepalive", "protected-mode", "maxmemory", "appendonly", "dir",
               "loglevel", "hz", "slowlog-max-len", "appendfsync", "client-output-buffer-limit"]


class StockServer(rcs.Server):
    def command_line(self):
        return [self.binary, STOCK_CONF, "--port", str(self.port), "--daemonize", "no", "--dir", self.dir,
                "--logfile", "", "--pidfile", os.path.join(self.dir, "redis.pid")]


def directive_lines(path):
    """{directive name: [line numbers]} of the file's active lines."""
    out = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            words = line.split()
            if words and not words[0].startswith("#"):
                out.setdefault(words[0].lower(), []).append(n)
    return out


@unittest.skipUnless(os.path.exists(STOCK_CONF), "Debian's redis-server package is not installed")
class StockConfTest(unittest.TestCase):
    def test_debian_redis_conf_starts_the_node(self):
        lines = directive_lines(STOCK_CONF)
        s = StockServer(18602).start()
        try:
            self.assertEqual(s.cli("PING").strip(), "PONG")
            # The file's values are in force (bind and port 6379 aside: overridden / theirs).
            self.assertEqual(s.cli("CONFIG", "GET", "activerehashing").split(), ["activerehashing", "yes"])
            self.assertEqual(s.cli("CONFIG", "GET", "client-output-buffer-limit").strip().split("\n"),
                             ["client-output-buffer-limit",
                              "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"])
            self.assertEqual(s.cli("CONFIG", "GET", "oom-score-adj-values").split(),
                             ["oom-score-adj-values", "0", "200", "800"])
            self.assertEqual(s.cli("CONFIG", "GET", "port").split(), ["port", "18602"])
            self.assertEqual(s.cli("CONFIG", "GET", "auto-aof-rewrite-min-size").split(),
                             ["auto-aof-rewrite-min-size", str(64 * 1024 * 1024)])
            # Settable at run time where Redis allows it; immutable ones give Redis's error.
            self.assertEqual(s.cli("CONFIG", "SET", "list-compress-depth", "3").strip(), "OK")
            self.assertEqual(s.cli("CONFIG", "GET", "list-compress-depth").split(), ["list-compress-depth", "3"])
            self.assertEqual(s.cli("CONFIG", "SET", "disable-thp", "no").strip(),
                             "ERR CONFIG SET failed (possibly related to argument 'disable-thp') - "
                             "can't set immutable config")
            with open(s.log_path, errors="replace") as f:
                log = f.read()
        finally:
            s.stop()
        named = re.findall(r"Config directive '([^']+)' \(([^)]*)\): accepted, has no effect here", log)
        by_name = {}
        for name, where in named:
            self.assertNotIn(name, by_name, "named twice in the log: %s" % name)
            by_name[name] = where
        for name in ISSUE_LINES:
            if name in NATIVE_VALUES:
                self.assertNotIn(name, by_name)
                continue
            self.assertIn(name, by_name, "not logged as no-effect: %s" % name)
        # Every logged one names exactly the file's lines of that directive.
        for name, where in by_name.items():
            expect = lines[name]
            word = "line" if len(expect) == 1 else "lines"
            self.assertEqual(where, "'%s' %s %s" % (STOCK_CONF, word, ", ".join(map(str, expect))))
        for name in IMPLEMENTED:
            self.assertNotIn(name, by_name)

    def test_include_and_rename_command(self):
        """A site file that includes the stock one and renames commands, as redis.conf suggests."""
        d = tempfile.mkdtemp(prefix="rcs-18603-")
        self.addCleanup(shutil.rmtree, d, True)
        site = os.path.join(d, "site.conf")
        with open(site, "w") as f:
            f.write("include %s\nrename-command FLUSHALL \"\"\nrename-command CONFIG ADMIN-CONFIG\n" % STOCK_CONF)

        class SiteServer(StockServer):
            def command_line(self):
                return [self.binary, site] + super().command_line()[2:]

        s = SiteServer(18603).start()
        try:
            self.assertIn("unknown command", s.cli("FLUSHALL"))
            self.assertIn("unknown command", s.cli("CONFIG", "GET", "port"))
            self.assertEqual(s.cli("ADMIN-CONFIG", "GET", "port").split(), ["port", "18603"])
            with open(s.log_path, errors="replace") as f:
                log = f.read()
            # The included file's lines are named with the included file's name.
            self.assertIn("Config directive 'activerehashing' ('%s' line %d)" %
                          (STOCK_CONF, directive_lines(STOCK_CONF)["activerehashing"][0]), log)
        finally:
            s.stop()
        with open(site, "w") as f:
            f.write("port 18604\n\nrename-command NOSUCHCOMMAND x\n")
        out = subprocess.run([rcs.NODE_BIN, site, "--dir", d, "--logfile", ""], capture_output=True, text=True,
                             timeout=10, stdin=subprocess.DEVNULL)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("Reading the configuration file '%s', at line 3" % site, out.stderr)
        self.assertIn("No such command in rename-command", out.stderr)


if __name__ == "__main__":
    rcs.run_tests()
