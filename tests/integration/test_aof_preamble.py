"""aof-use-rdb-preamble and backups (issue 18).

AOF base kinds (ports 20600-20619): with the default (yes) the AOF rewrite writes appendonly.aof.N.base.rdb, with
no appendonly.aof.N.base.aof, named so in the manifest as redis-server names them. For each: data of every type
with expiries and a function library, BGREWRITEAOF, more writes, restart: our node has the same data; Debian's
redis-check-rdb accepts the RDB base and redis-check-aof the manifest; Debian's redis-server 7.0.15 started on a
copy of the directory has the same data (key contents compared). CONFIG SET switches the kind between rewrites in
both directions, and CONFIG REWRITE keeps the setting.

Backups (ports 20620-20639): `redis-cli --rdb FILE` (Debian's 7.0.15: REPLCONF capa eof, REPLCONF rdb-only 1,
SYNC) and a raw SYNC (no REPLCONF: "$<len>" framing) against a standalone and a cluster-mode node give a file that
redis-check-rdb accepts and that redis-server 7.0.15 (or our node) loads with the data written."""
import os
import shutil
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
sys.path.insert(0, os.path.dirname(__file__))
import rcs  # noqa: E402
from test_dump_restore_differential import build_commands  # noqa: E402

REDIS_CHECK_AOF = "/usr/bin/redis-check-aof"
AOF_DIR = "appendonlydir"
MANIFEST = "appendonly.aof.manifest"
LIBRARY = "#!lua name=preamblelib\nredis.register_function('answer', function() return 42 end)"


def info(server, section="persistence"):
    return rcs.info(server, section)


def snapshot(client):
    """{key: (type, value, absolute expiry in ms or -1)} of every key."""
    out = {}
    for k in sorted(client.keys("*")):
        out[k] = rcs.key_contents(client, k) + (client.execute_command("PEXPIRETIME", k),)
    return out


def functions(client):
    return sorted(lib[b"library_name"] if isinstance(lib, dict) else lib[1]
                  for lib in client.execute_command("FUNCTION", "LIST"))


def write_everything(c):
    for _, _, cmds in build_commands():
        for cmd in cmds:
            c.execute_command(*cmd)
    far = int(time.time() * 1000) + 3600 * 1000
    c.set("ttl:str", "v", px=3600 * 1000)
    c.rpush("ttl:list", "a", "b")
    c.pexpireat("ttl:list", far)
    c.hset("ttl:hash", mapping={"f": "1"})
    c.pexpireat("ttl:hash", far + 1)
    c.sadd("ttl:set", "1", "2")
    c.pexpireat("ttl:set", far + 2)
    c.zadd("ttl:zset", {"m": 1.5})
    c.pexpireat("ttl:zset", far + 3)
    c.set("gone", "x", px=1)  # expired before the rewrite: in neither base
    c.execute_command("FUNCTION", "LOAD", LIBRARY)


def write_after_rewrite(c):
    """Writes that land in the incremental file after a rewrite: new keys, changes, deletes, expiries."""
    c.set("after:str", "1")
    c.rpush("list:r7", "tail")
    c.delete("str:0")
    c.hset("hash:small", "added", "yes")
    c.zadd("zset:small", {"new": 7})
    c.srem("set:i16", "300")
    c.set("after:ttl", "t", px=7200 * 1000)
    c.persist("ttl:str")
    c.incrby("after:n", 5)


def read_sync_reply(sock, deadline):
    """Reads a SYNC reply's "$<len>\\r\\n<payload>" (skipping the "\\n" keepalives) and returns the payload."""
    buf = b""
    while True:
        while buf.startswith(b"\n"):
            buf = buf[1:]
        nl = buf.find(b"\r\n")
        if nl >= 0:
            break
        if time.time() > deadline:
            raise AssertionError("no SYNC header before the deadline: %r" % buf[:80])
        data = sock.recv(65536)
        if not data:
            raise AssertionError("connection closed before the SYNC header: %r" % buf[:80])
        buf += data
    header = buf[:nl]
    if not header.startswith(b"$") or header.startswith(b"$EOF:"):
        raise AssertionError("unexpected SYNC header %r" % header[:80])
    size = int(header[1:])
    buf = buf[nl + 2:]
    while len(buf) < size:
        if time.time() > deadline:
            raise AssertionError("SYNC payload incomplete: %d of %d bytes" % (len(buf), size))
        data = sock.recv(1 << 20)
        if not data:
            raise AssertionError("connection closed in the SYNC payload: %d of %d bytes" % (len(buf), size))
        buf += data
    return buf[:size]


class AofPreambleTest(rcs.ServersTestCase):
    DIR_PREFIX = "rcs-aof-preamble-"

    def aof_files(self, s):
        return sorted(os.listdir(os.path.join(s.dir, AOF_DIR)))

    def manifest(self, s):
        with open(os.path.join(s.dir, AOF_DIR, MANIFEST)) as f:
            return f.read()

    def wait_loaded(self, s):
        rcs.wait_until(lambda: info(s).get("loading") == "0" and info(s).get("aof_enabled") == "1",
                       timeout=30, what="port %d to load its AOF" % s.port)

    def rewrite(self, s, count):
        self.assertEqual(s.cli("BGREWRITEAOF").strip(), "Background append only file rewriting started")
        rcs.wait_until(lambda: info(s)["aof_rewrites"] == str(count) and info(s)["aof_rewrite_in_progress"] == "0",
                       timeout=30, what="rewrite %d on port %d" % (count, s.port))
        self.assertEqual(info(s)["aof_last_bgrewrite_status"], "ok")
        # The child's own pages (its write buffers at least) are private: a real measure, never 0.
        self.assertGreater(int(info(s)["aof_last_cow_size"]), 0)

    def check_aof(self, s):
        out = subprocess.run([REDIS_CHECK_AOF, os.path.join(s.dir, AOF_DIR, MANIFEST)], capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("All AOF files and manifest are valid", out.stdout)
        return out.stdout

    def base_kind_round_trip(self, port, rdb):
        args = ["--appendonly", "yes"] + ([] if rdb else ["--aof-use-rdb-preamble", "no"])
        kind, other = ("rdb", "aof") if rdb else ("aof", "rdb")
        s = self.server(port, "ours", args).start()
        self.assertEqual(s.cli("CONFIG", "GET", "aof-use-rdb-preamble").split(),
                         ["aof-use-rdb-preamble", "yes" if rdb else "no"])
        # The first base, written at start, is of the configured kind already (redis-server: an empty RDB).
        self.assertEqual(self.aof_files(s), ["appendonly.aof.1.base." + kind, "appendonly.aof.1.incr.aof", MANIFEST])
        c = s.client()
        write_everything(c)
        time.sleep(0.01)
        self.rewrite(s, 1)
        self.assertEqual(self.aof_files(s), ["appendonly.aof.2.base." + kind, "appendonly.aof.2.incr.aof", MANIFEST])
        self.assertEqual(self.manifest(s), "file appendonly.aof.2.base.%s seq 2 type b\n"
                                           "file appendonly.aof.2.incr.aof seq 2 type i\n" % kind)
        base = os.path.join(s.dir, AOF_DIR, "appendonly.aof.2.base." + kind)
        with open(base, "rb") as f:
            head = f.read(9)
        if rdb:
            self.assertEqual(head, b"REDIS0010")
            report = rcs.check_rdb(base)
            self.assertIn("AUX FIELD aof-base = '1'", report)
        else:
            self.assertTrue(head.startswith(b"*"), head)
        write_after_rewrite(c)
        want = snapshot(c)
        self.assertNotIn(b"gone", want)
        self.assertNotIn(b"str:0", want)
        self.assertIn(b"after:str", want)
        self.assertEqual(functions(c), [b"preamblelib"])
        s.kill(sig=15)  # SIGTERM: the incremental file is flushed
        report = self.check_aof(s)
        self.assertIn("Start to check BASE AOF (%s format)." % ("RDB" if rdb else "RESP"), report)
        self.assertNotIn("base." + other, report)

        # Our node restarted on the directory.
        again = self.server(port + 1, "ours", ["--appendonly", "yes"])
        again.start()
        self.wait_loaded(again)
        ca = again.client()
        self.assertEqual(snapshot(ca), want)
        self.assertEqual(ca.execute_command("FCALL", "answer", 0), 42)
        again.kill(sig=15)

        # Debian's redis-server 7.0.15 on a copy of the directory.
        ref = self.server(port + 2, "ref", ["--appendonly", "yes"], binary=rcs.REDIS_SERVER)
        shutil.copytree(os.path.join(s.dir, AOF_DIR), os.path.join(ref.dir, AOF_DIR))
        ref.start()
        rcs.wait_until(lambda: info(ref)["loading"] == "0", timeout=30, what="redis-server to load")
        self.assertEqual(snapshot(ref.client()), want)
        # The library: a FUNCTION2 record of the RDB base, or FUNCTION RESTORE of Redis's payload in a RESP base.
        self.assertEqual(functions(ref.client()), [b"preamblelib"])
        self.assertEqual(ref.client().execute_command("FCALL", "answer", 0), 42)

    def test_rdb_base_default(self):
        self.base_kind_round_trip(20600, rdb=True)

    def test_resp_base_with_no(self):
        self.base_kind_round_trip(20604, rdb=False)

    def test_config_set_switches_the_kind_between_rewrites_and_config_rewrite_keeps_it(self):
        d = os.path.join(self.dir, "switch")
        os.makedirs(d)
        conf = os.path.join(d, "node.conf")
        with open(conf, "w") as f:
            f.write("appendonly yes\n")
        s = rcs.Server(20608, args=[conf], workdir=d)
        s.command_line = lambda: [s.binary, conf, "--port", str(s.port), "--bind", s.host, "--dir", s.dir,
                                  "--save", ""]
        self.servers.append(s)
        s.start()
        c = s.client()
        c.set("k1", "v1", px=3600 * 1000)
        c.rpush("l", "a", "b")
        # yes -> no: the next rewrite writes a RESP base.
        self.assertEqual(s.cli("CONFIG", "SET", "aof-use-rdb-preamble", "no").strip(), "OK")
        self.rewrite(s, 1)
        self.assertEqual(self.aof_files(s), ["appendonly.aof.2.base.aof", "appendonly.aof.2.incr.aof", MANIFEST])
        c.set("k2", "v2")
        # no -> yes: the next one an RDB base; the RESP base becomes history and is deleted.
        self.assertEqual(s.cli("CONFIG", "SET", "aof-use-rdb-preamble", "yes").strip(), "OK")
        self.rewrite(s, 2)
        self.assertEqual(self.aof_files(s), ["appendonly.aof.3.base.rdb", "appendonly.aof.3.incr.aof", MANIFEST])
        rcs.check_rdb(os.path.join(d, AOF_DIR, "appendonly.aof.3.base.rdb"))
        c.set("k3", "v3")
        # And back to no, kept by CONFIG REWRITE across a restart.
        self.assertEqual(s.cli("CONFIG", "SET", "aof-use-rdb-preamble", "no").strip(), "OK")
        self.assertEqual(s.cli("CONFIG", "REWRITE").strip(), "OK")
        with open(conf) as f:
            self.assertIn("aof-use-rdb-preamble no\n", f.read())
        want = snapshot(c)
        s.kill(sig=15)
        self.check_aof(s)
        s.start()
        self.wait_loaded(s)
        c = s.client()
        self.assertEqual(snapshot(c), want)
        self.assertEqual(s.cli("CONFIG", "GET", "aof-use-rdb-preamble").split(), ["aof-use-rdb-preamble", "no"])
        self.rewrite(s, 1)
        self.assertEqual(self.aof_files(s), ["appendonly.aof.4.base.aof", "appendonly.aof.4.incr.aof", MANIFEST])
        s.kill(sig=15)
        self.check_aof(s)
        s.start()
        self.wait_loaded(s)
        self.assertEqual(snapshot(s.client()), want)


class BackupTest(rcs.ServersTestCase):
    """redis-cli --rdb and SYNC against our node, standalone and in cluster mode."""

    DIR_PREFIX = "rcs-backup-"

    def backups_of(self, node, base_port):
        c = node.client()
        write_everything(c)
        time.sleep(0.01)
        want = snapshot(c)
        self.assertEqual(functions(c), [b"preamblelib"])

        # redis-cli --rdb (Debian's 7.0.15): exits 0 with the file.
        path = os.path.join(self.dir, "cli-%d.rdb" % node.port)
        out = subprocess.run([rcs.REDIS_CLI, "-p", str(node.port), "--rdb", path], capture_output=True, text=True,
                             timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("Transfer finished with success", out.stdout + out.stderr)
        rcs.check_rdb(path, len(want))
        ref = self.server(base_port, "ref-cli-%d" % node.port, binary=rcs.REDIS_SERVER)
        shutil.copy(path, os.path.join(ref.dir, "dump.rdb"))
        ref.start()
        self.assertEqual(snapshot(ref.client()), want)
        self.assertEqual(functions(ref.client()), [b"preamblelib"])
        self.assertIn("DB loaded from disk", ref.log())
        # The node closed the rdb-only connection and is not left with a replica.
        rcs.wait_until(lambda: rcs.info(node, "replication")["connected_slaves"] == "0", timeout=10,
                       what="the rdb-only replica to be gone")

        # A raw SYNC (no REPLCONF): the RDB in "$<len>" framing, read the same way from redis-server 7.0.15
        # (which has the same data now) and from our node.
        for server, name in ((ref, "ref"), (node, "ours")):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            try:
                sock.sendall(b"SYNC\r\n")
                payload = read_sync_reply(sock, time.time() + 30)
            finally:
                sock.close()
            self.assertTrue(payload.startswith(b"REDIS0010"), payload[:20])
            path = os.path.join(self.dir, "sync-%s-%d.rdb" % (name, node.port))
            with open(path, "wb") as f:
                f.write(payload)
            rcs.check_rdb(path, len(want))
        # Our node loads it as its dump.rdb.
        ours = self.server(base_port + 1, "ours-sync-%d" % node.port)
        shutil.copy(path, os.path.join(ours.dir, "dump.rdb"))
        ours.start()
        self.assertEqual(snapshot(ours.client()), want)
        self.assertEqual(functions(ours.client()), [b"preamblelib"])
        # REPLCONF rdb-only's replies, differential.
        for args in (["rdb-only", "2"], ["rdb-only", "x"], ["rdb-only", "0"], ["rdb-only", "1"]):
            self.assertEqual(node.cli("REPLCONF", *args, check=False), ref.cli("REPLCONF", *args, check=False), args)
        ref.stop()
        ours.stop()

    def test_standalone(self):
        node = self.server(20620, "standalone").start()
        self.backups_of(node, 20621)

    def test_cluster_mode_node(self):
        node = self.server(20625, "cluster", ["--cluster-enabled", "yes"]).start()
        self.assertEqual(node.cli("CLUSTER", "ADDSLOTSRANGE", "0", "16383").strip(), "OK")
        rcs.wait_until(lambda: rcs.info(node, "cluster").get("cluster_enabled") == "1" and
                       "cluster_state:ok" in node.cli("CLUSTER", "INFO"), timeout=20, what="cluster_state:ok")
        self.backups_of(node, 20626)


if __name__ == "__main__":
    rcs.run_tests()
