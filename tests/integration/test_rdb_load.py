"""Loading redis-server's RDB files at start (ports 20170-20188): the RDB base of an AOF directory written by
redis-server 7.0.15, Redis 8.0-dev and Valkey 8.0.1 with their default aof-use-rdb-preamble yes
(appendonly yes), and their dump.rdb (appendonly no). Every key is compared with the fixture's expected.txt,
computed the same way (tests/fixtures/rdb/README.md), streams with their consumer groups included. Files with a
type we do not have yet (a hash with field TTLs), a truncated file, a damaged checksum and a newer version are refused: the node exits
non-zero without ever accepting connections, and its log names the file, the offset (and the key)."""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

FIXTURES = os.path.join(rcs.REPO, "tests", "fixtures", "rdb")
BASIC = ["redis-7.0.15-basic", "redis-8.0-dev-basic", "valkey-8.0.1-basic"]
# The full data sets, and the first key in each file that this node refuses (and why).
FULL = {
    "redis-8.0-dev": ("hash:fieldttl", "is a hash with per-field TTLs (RDB type 25): hash with per-field TTLs is not "
                      "supported yet"),
}
# The full data sets this node loads completely (their stream has two consumer groups and pending entries).
FULL_LOADED = ["redis-7.0.15", "valkey-8.0.1"]
BASE_RDB = os.path.join("appendonlydir", "appendonly.aof.2.base.rdb")
PORT = 20170


def cli(port, *args):
    """redis-cli's output as bytes (not a tty: its raw output, as expected.txt was computed from)."""
    out = subprocess.run([rcs.REDIS_CLI, "-p", str(port)] + [str(a) for a in args], capture_output=True,
                         timeout=20, check=True)
    return out.stdout


def md5_12(b):
    return hashlib.md5(b).hexdigest()[:12]


def digest(port, key, typ):
    """The content digest expected.txt has for `key`: md5 (first 12 hex digits) of redis-cli's output."""
    if typ == "string":
        return md5_12(cli(port, "GET", key))
    if typ == "list":
        return md5_12(cli(port, "LRANGE", key, 0, -1))
    if typ == "hash":
        lines = cli(port, "HGETALL", key).split(b"\n")[:-1]
        pairs = sorted(lines[i] + b"\t" + lines[i + 1] for i in range(0, len(lines), 2))
        return md5_12(b"".join(p + b"\n" for p in pairs))
    if typ == "set":
        members = sorted(cli(port, "SMEMBERS", key).split(b"\n")[:-1])
        return md5_12(b"".join(m + b"\n" for m in members))
    if typ == "zset":
        return md5_12(cli(port, "ZRANGE", key, 0, -1, "WITHSCORES"))
    raise AssertionError("no digest for type %s" % typ)


LEN_CMD = {"list": "LLEN", "hash": "HLEN", "set": "SCARD", "zset": "ZCARD", "stream": "XLEN"}


def resp_value(data, pos=0):
    """A RESP2 reply as Python values (arrays as lists, bulks as bytes, null as None)."""
    t, end = data[pos:pos + 1], data.index(b"\r\n", pos)
    head = data[pos + 1:end]
    pos = end + 2
    if t in (b"+", b"-"):
        return head, pos
    if t == b":":
        return int(head), pos
    if t == b"$":
        n = int(head)
        return (None, pos) if n < 0 else (data[pos:pos + n], pos + n + 2)
    n = int(head)
    items = []
    for _ in range(max(n, 0)):
        v, pos = resp_value(data, pos)
        items.append(v)
    return items, pos


def stream_groups_line(port, key):
    """The groups of `key` as expected.txt has them (redis-cli's XINFO GROUPS lines joined by spaces), built
    from XINFO STREAM FULL: name, consumers, pending, last-delivered-id, entries-read, lag (nil: empty)."""
    with rcs.Resp(port, timeout=20) as c:
        info, _ = resp_value(c.call_raw("XINFO", "STREAM", key, "FULL"))
    info = dict(zip(info[::2], info[1::2]))
    out = b""
    for g in info[b"groups"]:
        g = dict(zip(g[::2], g[1::2]))
        for k, v in ((b"name", g[b"name"]), (b"consumers", len(g[b"consumers"])), (b"pending", g[b"pel-count"]),
                     (b"last-delivered-id", g[b"last-delivered-id"]), (b"entries-read", g[b"entries-read"]),
                     (b"lag", g[b"lag"])):
            out += k + b" " + (b"" if v is None else v if isinstance(v, bytes) else str(v).encode()) + b" "
    return out


def expected_lines(folder):
    with open(os.path.join(FIXTURES, folder, "expected.txt"), "rb") as f:
        return [line.rstrip(b"\n") for line in f if line.strip()]


class RdbLoadTest(rcs.ServersTestCase):
    DIR_PREFIX = "rcs-rdb-"

    def workdir(self, folder, what):
        """A writable copy of the fixture's appendonlydir/ or dump.rdb in a fresh directory."""
        d = tempfile.mkdtemp(prefix="%s-" % folder, dir=self.dir)
        src = os.path.join(FIXTURES, folder, what)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(d, what))
            for f in os.listdir(os.path.join(d, what)):
                os.chmod(os.path.join(d, what, f), 0o644)
        else:
            shutil.copy(src, os.path.join(d, what))
            os.chmod(os.path.join(d, what), 0o644)
        return d

    def node(self, port, workdir, appendonly):
        s = rcs.Server(port, args=["--appendonly", "yes" if appendonly else "no"], workdir=workdir)
        self.servers.append(s)
        return s

    def check_keys(self, port, folder, from_dump):
        """Compares every key with expected.txt. A dump.rdb was saved before the three commands of the
        incremental AOF file: there str:after-rewrite is absent, str:int is 12345 and list:small lacks its
        last element "tail"."""
        seen = set()
        for line in expected_lines(folder):
            words = line.split(b" ")
            key = words[0].decode()
            if words[1] == b"PFCOUNT":
                self.assertEqual(cli(port, "PFCOUNT", key).strip(), words[2], line)
                continue
            if key == "functions":
                got = b"functions " + cli(port, "FUNCTION", "LIST").replace(b"\n", b" ")
                self.assertEqual(got, line)
                continue
            typ = words[1].decode()
            seen.add(key)
            if from_dump and key == "str:after-rewrite":
                self.assertEqual(cli(port, "EXISTS", key).strip(), b"0")
                continue
            self.assertEqual(cli(port, "TYPE", key).strip().decode(), typ, key)
            self.assertEqual(b"pexpiretime=" + cli(port, "PEXPIRETIME", key).strip(), words[2], key)
            rest = words[3:]
            if rest == [b"hll"]:
                continue  # compared through the PFCOUNT lines
            if from_dump and key == "str:int":
                self.assertEqual(cli(port, "GET", key), b"12345\n")
                continue
            if from_dump and key == "list:small":
                got = md5_12(cli(port, "LRANGE", key, 0, -1) + b"tail\n")
                self.assertEqual(b"md5=" + got.encode(), rest[1], key)
                n = int(rest[0].split(b"=")[1]) - 1
                self.assertEqual(int(cli(port, "LLEN", key)), n, key)
                continue
            if typ == "string":
                self.assertEqual(digest(port, key, typ).encode(), rest[0], key)
            elif typ == "stream":
                self.assertEqual(b"len=" + cli(port, "XLEN", key).strip(), rest[0], key)
                self.assertEqual(b"groups=" + stream_groups_line(port, key), b" ".join(rest[1:]), key)
            else:
                self.assertEqual(b"len=" + cli(port, LEN_CMD[typ], key).strip(), rest[0], key)
                self.assertEqual(b"md5=" + digest(port, key, typ).encode(), rest[1], key)
        # No key that expected.txt does not list.
        keys = set(k.decode() for k in cli(port, "KEYS", "*").split(b"\n")[:-1])
        if from_dump:
            seen.discard("str:after-rewrite")
        self.assertEqual(keys, seen)

    def test_basic_appendonlydir_with_rdb_base_loads_every_key(self):
        for i, folder in enumerate(BASIC):
            with self.subTest(folder=folder):
                d = self.workdir(folder, "appendonlydir")
                s = self.node(PORT + i, d, appendonly=True).start()
                self.check_keys(s.port, folder, from_dump=False)
                # It keeps appending to the same directory, and loads again from it.
                self.assertEqual(s.cli("SET", "after:restart", "1").strip(), "OK")
                s.stop()
                s.start()
                self.check_keys_plus_one(s.port, folder)
                self.assertIn("DB loaded from append only file", s.log())
                s.stop()

    def check_keys_plus_one(self, port, folder):
        self.assertEqual(cli(port, "GET", "after:restart"), b"1\n")
        cli(port, "DEL", "after:restart")
        self.check_keys(port, folder, from_dump=False)

    def test_basic_dump_rdb_loads_every_key(self):
        for i, folder in enumerate(BASIC):
            with self.subTest(folder=folder):
                d = self.workdir(folder, "dump.rdb")
                s = self.node(PORT + 3 + i, d, appendonly=False).start()
                self.check_keys(s.port, folder, from_dump=True)
                log = s.log()
                self.assertIn("DB loaded from disk:", log)
                self.assertIn("keys loaded: 18, keys expired: 0", log)
                s.stop()

    def test_full_data_sets_with_a_stream_load_every_key(self):
        for i, folder in enumerate(FULL_LOADED):
            with self.subTest(folder=folder, what="appendonlydir"):
                d = self.workdir(folder, "appendonlydir")
                s = self.node(PORT + 6 + i, d, appendonly=True).start()
                self.check_keys(s.port, folder, from_dump=False)
                s.stop()
            with self.subTest(folder=folder, what="dump.rdb"):
                d = self.workdir(folder, "dump.rdb")
                s = self.node(PORT + 9 + i, d, appendonly=False).start()
                self.check_keys(s.port, folder, from_dump=True)
                s.stop()

    def refused(self, port, workdir, appendonly, *needles):
        """Starts a node that must refuse: non-zero exit, never ready, every needle in its log."""
        s = self.node(port, workdir, appendonly)
        s.start(wait=False)
        rc = s.proc.wait(timeout=30)
        log = s.log()
        self.assertNotEqual(rc, 0, log)
        self.assertNotIn("Ready to accept connections", log)
        for n in needles:
            self.assertIn(n, log)
        self.assertTrue(rcs.port_free(port), "port %d still in use" % port)
        return log

    def test_full_data_sets_are_refused_naming_the_key_and_file(self):
        for i, (folder, (key, why)) in enumerate(sorted(FULL.items())):
            with self.subTest(folder=folder, what="appendonlydir"):
                d = self.workdir(folder, "appendonlydir")
                self.refused(PORT + 17 + i, d, True, "Can't load the RDB file " + BASE_RDB + ": key '" + key + "' " + why,
                             " at offset ")
            with self.subTest(folder=folder, what="dump.rdb"):
                d = self.workdir(folder, "dump.rdb")
                self.refused(PORT + 18 + i, d, False, "Can't load the RDB file dump.rdb: key '" + key + "' " + why,
                             " at offset ")

    def damaged(self, change):
        d = self.workdir("redis-7.0.15-basic", "dump.rdb")
        path = os.path.join(d, "dump.rdb")
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(change(data))
        return d, len(data)

    def test_truncated_file_is_refused_with_offset(self):
        d, size = self.damaged(lambda b: b[:len(b) // 2])
        self.refused(PORT + 12, d, False, "Can't load the RDB file dump.rdb: unexpected end of file at offset %d" % (size // 2))

    def test_bad_checksum_is_refused_with_offset(self):
        d, size = self.damaged(lambda b: b[:-1] + bytes([b[-1] ^ 0x01]))
        self.refused(PORT + 13, d, False, "Can't load the RDB file dump.rdb: RDB checksum mismatch",
                     "at offset %d" % (size - 8))

    def test_flipped_data_byte_is_refused(self):
        # A byte in the middle of a value: caught by the decoder or, at the latest, by the checksum.
        def flip(b):
            mid = len(b) // 2
            return b[:mid] + bytes([b[mid] ^ 0x20]) + b[mid + 1:]
        d, _ = self.damaged(flip)
        self.refused(PORT + 14, d, False, "Can't load the RDB file dump.rdb: ", " at offset ")

    def test_newer_version_is_refused_with_offset(self):
        d, _ = self.damaged(lambda b: b"REDIS0099" + b[9:])
        self.refused(PORT + 15, d, False,
                     "Can't load the RDB file dump.rdb: RDB format version 99 is not supported (this node reads 1 to 12) at offset 5")

    def test_damaged_aof_base_is_refused(self):
        d = self.workdir("valkey-8.0.1-basic", "appendonlydir")
        path = os.path.join(d, BASE_RDB)
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(data[:-3])
        self.refused(PORT + 16, d, True, "Can't load the RDB file " + BASE_RDB + ": unexpected end of file at offset %d" % (len(data) - 3))


if __name__ == "__main__":
    unittest.main(verbosity=2)
