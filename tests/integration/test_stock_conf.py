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
# The lines issue 13 found rejected (16, less databases and rdb-save-incremental-fsync, implemented since): accepted now, and each has no effect here (but
# client-output-buffer-limit, which pub/sub enforces, and acllog-max-len, which ACL LOG keeps: in IMPLEMENTED).
ISSUE_LINES = ["proc-title-template", "rdb-del-sync-files", "repl-diskless-sync-max-replicas",
               "lazyfree-lazy-user-flush", "oom-score-adj-values", "disable-thp", "list-compress-depth",
               "stream-node-max-bytes", "stream-node-max-entries", "activerehashing"]
# Of those, the ones whose stock value is what this node does anyway, so nothing is logged for them.
NATIVE_VALUES = {"proc-title-template", "lazyfree-lazy-user-flush"}
# Directives this node implements: the log must not call them no-effect.
IMPLEMENTED = ["acllog-max-len", "databases", "bind", "port", "timeout", "tcp-keepalive", "protected-mode", "maxmemory", "appendonly", "dir",
               "loglevel", "hz", "slowlog-max-len", "appendfsync", "min-replicas-to-write",
               "min-replicas-max-lag", "hll-sparse-max-bytes", "rdb-save-incremental-fsync",
               "aof-rewrite-incremental-fsync"]
# Partly implemented: only the lines that set what is ignored are named (client-output-buffer-limit: the
# pubsub class is enforced, the stock file's replica class limit is not; its normal class line sets no limit).
PARTIAL = {"client-output-buffer-limit": lambda words: words[1].lower() in ("replica", "slave")}


class StockServer(rcs.Server):
    def command_line(self):
        return [self.binary, STOCK_CONF, "--port", str(self.port), "--daemonize", "no", "--dir", self.dir,
                "--logfile", "", "--pidfile", os.path.join(self.dir, "redis.pid")]


def directive_lines(path):
    """{directive name: [line numbers]} of the file's active lines (for PARTIAL ones, the lines it names)."""
    out = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            words = line.split()
            if words and not words[0].startswith("#"):
                name = words[0].lower()
                if name in PARTIAL and not PARTIAL[name](words):
                    continue
                out.setdefault(name, []).append(n)
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
        named = re.findall(r"# Config directive '([^']+)' \(([^)]*)\): accepted, has no effect here", log)
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



class NoSilentDirectiveTest(unittest.TestCase):
    """A file with every directive that is accepted but (partly) not implemented starts the node (port 21720),
    and each is named in exactly one warning-level line ('#'), with its lines; implemented ones never are."""

    IGNORED = {  # directive -> (its lines in the file below, the note the warning ends with)
        "supervised": ([2], "(no readiness notification is sent; run it as Type=simple)"),
        "cluster-announce-tls-port": ([3], "(there is no TLS port)"),
        "cluster-preferred-endpoint-type": ([4], "(unknown-endpoint is not implemented: redirections name the IP)"),
        "client-output-buffer-limit": ([5], "(only the pubsub class is enforced; normal and replica clients have "
                                            "no output limit)"),
        "io-threads": ([6], ""),
        "lazyfree-lazy-user-del": ([7], ""),
        "activerehashing": ([8], ""),
    }
    FILE = ("databases 16\nsupervised systemd\ncluster-announce-tls-port 16380\n"
            "cluster-preferred-endpoint-type unknown-endpoint\nclient-output-buffer-limit replica 256mb 64mb 60\n"
            "io-threads 4\nlazyfree-lazy-user-del yes\nactiverehashing no\ndatabases 8\n"
            # implemented, or what this node does anyway: never named
            "min-replicas-to-write 0\nmin-replicas-max-lag 10\nprotected-mode yes\ntimeout 0\nhz 10\n"
            "maxmemory-policy noeviction\nclient-output-buffer-limit pubsub 32mb 8mb 60\n"
            "client-output-buffer-limit normal 0 0 0\ncluster-preferred-endpoint-type ip\nsupervised no\n"
            "set-proc-title yes\nslowlog-max-len 64\n")
    IMPLEMENTED = ["databases", "min-replicas-to-write", "min-replicas-max-lag", "protected-mode", "timeout", "hz",
                   "maxmemory-policy", "slowlog-max-len", "set-proc-title"]

    def test_each_ignored_directive_warns_once(self):
        d = tempfile.mkdtemp(prefix="rcs-21720-")
        self.addCleanup(shutil.rmtree, d, True)
        conf = os.path.join(d, "node.conf")
        with open(conf, "w") as f:
            f.write(self.FILE)

        class FileServer(rcs.Server):
            def command_line(self):
                return [self.binary, conf] + super().command_line()[1:]

        s = FileServer(21720).start()
        try:
            self.assertEqual(s.cli("PING").strip(), "PONG")
            self.assertEqual(s.cli("CONFIG", "GET", "databases").split(), ["databases", "8"])  # the last line wins
            with open(s.log_path, errors="replace") as f:
                log = f.read()
        finally:
            s.stop()
        named = re.findall(r"^\S+ \d+ \w+ \d+ [\d:.]+ ([#*.-]) Config directive '([^']+)' \(([^)]*)\): "
                           r"accepted, has no effect here(.*)$", log, re.M)
        self.assertEqual(sorted(n for _, n, _, _ in named), sorted(self.IGNORED), log)
        for level, name, where, note in named:
            lines, want_note = self.IGNORED[name]
            self.assertEqual(level, "#", "%s is not logged as a warning" % name)
            self.assertEqual(where, "'%s' %s %s" % (conf, "line" if len(lines) == 1 else "lines",
                                                    ", ".join(map(str, lines))))
            self.assertEqual(note.strip(), want_note)
        for name in self.IMPLEMENTED:
            self.assertNotIn("'%s'" % name, "".join(n for _, n, _, _ in named))


if __name__ == "__main__":
    rcs.run_tests()
