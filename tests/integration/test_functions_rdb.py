"""Function libraries in redis-server's RDB formats, against Debian's redis-server 7.0.15 side by side (ports
20800-20809):
- FUNCTION DUMP of each server RESTOREs into the other with FUNCTION LIST WITHCODE equal and the functions
  callable; with rdbcompression off and one library the two payloads are byte-equal;
- FUNCTION RESTORE's replies byte for byte with redis-server's, for payloads from either server and crafted
  ones (bad checksum, truncated, newer version, a record that is not a library, a cut record, the pre-release
  record of Redis 7.0 RC, bad code, a library twice) and each policy (APPEND onto an existing library,
  REPLACE, FLUSH, function name conflicts), the libraries compared after each;
- our SAVE'd dump.rdb holds the libraries: redis-check-rdb accepts it, redis-server 7.0.15 started on it has
  them and the keys, our node restarted on it has them; redis-server's dump.rdb with libraries loads in ours;
- redis-server as a replica of our node has the libraries after the full sync, then follows FUNCTION LOAD /
  RESTORE / DELETE; `redis-cli --rdb` of our node gives a file redis-server starts on with the libraries."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402


# Several functions per library, flags, descriptions; lib_b's comment makes its code long and repetitive
# enough for LZF (rdbcompression yes).
LIBS = [
    "#!lua name=lib_a\n"
    "redis.register_function{function_name='a_get', callback=function(keys, args) return redis.call('GET', keys[1]) "
    "end, flags={'no-writes'}, description='reads one key'}\n"
    "redis.register_function('a_set', function(keys, args) return redis.call('SET', keys[1], args[1]) end)\n"
    "redis.register_function{function_name='a_stale', callback=function() return 'stale' end, "
    "flags={'no-writes', 'allow-stale', 'allow-oom'}}\n",
    "#!lua name=lib_b\n-- " + "the same words again and again, " * 8 + "\n"
    "redis.register_function{function_name='b_echo', callback=function(keys, args) return args[1] end, "
    "flags={'no-writes', 'no-cluster'}, description='echoes its first argument'}\n"
    "redis.register_function('b_count', function(keys, args) return #args end)",
    "#!lua name=lib_c\nredis.register_function('c_one', function() return 1 end)",
]


def crc64(data):
    """CRC-64/Jones as Redis computes it (reflected, polynomial 0xad93d23594c935a9, init 0, no final xor)."""
    poly = 0x95AC9329AC4BC9B5  # 0xad93d23594c935a9 bit-reversed
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
    return crc


def seal(body, version=10):
    """A payload: records + RDB version + CRC64, both little-endian."""
    body = body + version.to_bytes(2, "little")
    return body + crc64(body).to_bytes(8, "little")


def rdb_string(s):
    """An RDB string, plain: length (6 or 14 bits, or 32 bits) + bytes."""
    s = s if isinstance(s, bytes) else s.encode()
    n = len(s)
    if n < 64:
        head = bytes([n])
    elif n < 16384:
        head = bytes([0x40 | (n >> 8), n & 0xFF])
    else:
        head = b"\x80" + n.to_bytes(4, "big")
    return head + s


def function2(code):
    return b"\xf5" + rdb_string(code)


def normalized(client):
    """FUNCTION LIST WITHCODE without the orders that are each server's hash table order: libraries by name,
    functions by name, flags sorted."""
    libs = []
    for lib in client.execute_command("FUNCTION", "LIST", "WITHCODE"):
        d = dict(zip(lib[::2], lib[1::2]))
        fns = []
        for f in d[b"functions"]:
            fd = dict(zip(f[::2], f[1::2]))
            fns.append((fd[b"name"], fd[b"description"], sorted(fd[b"flags"])))
        libs.append((d[b"library_name"], d[b"engine"], sorted(fns), d[b"library_code"]))
    return sorted(libs)


class FunctionsRdbTest(rcs.ServersTestCase):
    DIR_PREFIX = "rcs-functions-rdb-"

    def pair(self, port):
        """Our node on `port`, redis-server on port + 1."""
        ours = self.server(port, "ours").start()
        ref = self.server(port + 1, "ref", binary=rcs.REDIS_SERVER).start()
        return ours, ref

    @staticmethod
    def load(client, libs=LIBS):
        for code in libs:
            client.execute_command("FUNCTION", "LOAD", code)

    def test_crc64_check_value(self):
        self.assertEqual(crc64(b"123456789"), 0xE9C6D914C4B8D9CA)

    def test_dump_restores_into_the_other_server(self):
        ours, ref = self.pair(20800)
        oc, rc = ours.client(), ref.client()
        self.load(oc)
        self.load(rc)
        want = normalized(rc)
        self.assertEqual(len(want), 3)
        self.assertEqual(normalized(oc), want)
        dumps = {"ours": oc.execute_command("FUNCTION", "DUMP"), "ref": rc.execute_command("FUNCTION", "DUMP")}
        self.assertEqual(dumps["ours"][:1], b"\xf5")  # FUNCTION2 records, not our former payload
        for name, payload in dumps.items():
            for target in (oc, rc):
                self.assertEqual(target.execute_command("FUNCTION", "FLUSH"), b"OK")
                self.assertEqual(target.execute_command("FUNCTION", "RESTORE", payload), b"OK", name)
                self.assertEqual(normalized(target), want, "%s's dump restored" % name)
        # The restored functions run, with the same replies on both.
        for c in (oc, rc):
            self.assertEqual(c.execute_command("FCALL", "a_set", 1, "k", "v"), b"OK")
            self.assertEqual(c.execute_command("FCALL_RO", "a_get", 1, "k"), b"v")
            self.assertEqual(c.execute_command("FCALL", "b_count", 0, "x", "y", "z"), 3)
            self.assertEqual(c.execute_command("FCALL_RO", "b_echo", 0, "hello"), b"hello")
        # One library, no LZF: nothing is left to differ (no hash table order, no compressor's choices).
        for c in (oc, rc):
            self.assertEqual(c.execute_command("CONFIG", "SET", "rdbcompression", "no"), b"OK")
            c.execute_command("FUNCTION", "FLUSH")
            c.execute_command("FUNCTION", "LOAD", LIBS[1])
        self.assertEqual(oc.execute_command("FUNCTION", "DUMP"), rc.execute_command("FUNCTION", "DUMP"))
        # No library: the bare trailer, equal too.
        for c in (oc, rc):
            c.execute_command("FUNCTION", "FLUSH")
        self.assertEqual(oc.execute_command("FUNCTION", "DUMP"), rc.execute_command("FUNCTION", "DUMP"))

    def test_restore_replies_byte_for_byte(self):
        ours, ref = self.pair(20802)
        oc, rc = ours.client(), ref.client()
        self.load(rc, LIBS[:2])
        full = rc.execute_command("FUNCTION", "DUMP")  # lib_a and lib_b
        rc.execute_command("FUNCTION", "FLUSH")
        self.load(oc, LIBS[:2])
        full_ours = oc.execute_command("FUNCTION", "DUMP")
        oc.execute_command("FUNCTION", "FLUSH")
        self.load(rc, LIBS[:1])
        only_a = rc.execute_command("FUNCTION", "DUMP")
        rc.execute_command("FUNCTION", "FLUSH")
        empty = rc.execute_command("FUNCTION", "DUMP")

        flipped = bytearray(full)
        flipped[len(full) // 2] ^= 0x20
        newer = seal(full[:-10], version=13)
        collide = "#!lua name=lib_z\nredis.register_function('a_get', function() return 'z' end)"
        # a_stale moves from lib_a to lib_b, both replaced: fine (the replaced libraries go first).
        a_without = "#!lua name=lib_a\nredis.register_function('a_get', function() return 'a' end)"
        b_with = ("#!lua name=lib_b\nredis.register_function('b_count', function(keys, args) return #args end)\n"
                  "redis.register_function('a_stale', function() return 'moved' end)")
        pre_ga = (b"\xf6" + rdb_string("lib_p") + rdb_string("LUA") + b"\x01" + rdb_string("an old description")
                  + rdb_string("redis.register_function('p_one', function() return 'p' end)"))
        cases = [
            ("APPEND onto an existing library", ("FUNCTION", "RESTORE", full)),
            ("the same, ours' payload", ("FUNCTION", "RESTORE", full_ours, "APPEND")),
            ("bad checksum", ("FUNCTION", "RESTORE", bytes(flipped))),
            ("truncated by one byte", ("FUNCTION", "RESTORE", full[:-1])),
            ("truncated to 9 bytes", ("FUNCTION", "RESTORE", full[:9])),
            ("empty", ("FUNCTION", "RESTORE", b"")),
            ("newer RDB version", ("FUNCTION", "RESTORE", newer)),
            ("not a function record", ("FUNCTION", "RESTORE", seal(b"\x00" + rdb_string("k") + rdb_string("v")))),
            ("a record cut short", ("FUNCTION", "RESTORE", seal(b"\xf5\x40\xc8abc"))),
            ("a library twice", ("FUNCTION", "RESTORE", seal(function2(LIBS[2]) + function2(LIBS[2])), "FLUSH")),
            ("a function twice", ("FUNCTION", "RESTORE", seal(function2(LIBS[2]) + function2(
                "#!lua name=lib_d\nredis.register_function('c_one', function() return 2 end)")), "FLUSH")),
            ("code that does not compile", ("FUNCTION", "RESTORE", seal(function2("#!lua name=lib_e\nreturn (")))),
            ("no functions", ("FUNCTION", "RESTORE", seal(function2("#!lua name=lib_f\nlocal x = 1")))),
            ("no metadata", ("FUNCTION", "RESTORE", seal(function2("redis.register_function('x', function() end)")))),
            ("unknown engine", ("FUNCTION", "RESTORE", seal(function2("#!js name=lib_g\nx")))),
            ("bad policy", ("FUNCTION", "RESTORE", full, "MERGE")),
            ("too many arguments", ("FUNCTION", "RESTORE", full, "APPEND", "x")),
            ("REPLACE", ("FUNCTION", "RESTORE", full, "REPLACE")),
            ("FLUSH to one library", ("FUNCTION", "RESTORE", only_a, "flush")),
            ("APPEND of a new library", ("FUNCTION", "RESTORE", seal(function2(LIBS[2])))),
            ("a function of another library, APPEND", ("FUNCTION", "RESTORE", seal(function2(collide)))),
            ("a function of another library, REPLACE", ("FUNCTION", "RESTORE", seal(function2(collide)), "REPLACE")),
            ("REPLACE adding lib_b", ("FUNCTION", "RESTORE", full, "REPLACE")),
            ("REPLACE with a function moving to a replaced library",
             ("FUNCTION", "RESTORE", seal(function2(a_without) + function2(b_with)), "REPLACE")),
            ("the same function in the payload twice", ("FUNCTION", "RESTORE", seal(function2(LIBS[0]) + function2(
                b_with)), "REPLACE")),
            ("the pre-release record of Redis 7.0 RC", ("FUNCTION", "RESTORE", seal(pre_ga))),
            ("the bare trailer, APPEND", ("FUNCTION", "RESTORE", empty)),
            ("the bare trailer, FLUSH", ("FUNCTION", "RESTORE", empty, "FLUSH")),
            ("our full dump, FLUSH", ("FUNCTION", "RESTORE", full_ours, "FLUSH")),
        ]
        self.load(oc, LIBS[:1])
        self.load(rc, LIBS[:1])
        with rcs.Resp(ours.port) as o, rcs.Resp(ref.port) as r:
            for what, cmd in cases:
                want = r.call_raw(*cmd)
                got = o.call_raw(*cmd)
                self.assertEqual(got, want, what)
                self.assertEqual(normalized(oc), normalized(rc), "libraries after: " + what)
        self.assertEqual(len(normalized(rc)), 2)
        for c in (oc, rc):  # the last restore's functions run
            self.assertEqual(c.execute_command("FCALL", "b_count", 0, "x"), 1)

    def test_dump_rdb_loads_in_redis_server_and_in_ours(self):
        ours = self.server(20804, "ours").start()
        oc = ours.client()
        self.load(oc)
        oc.set("s", "v")
        oc.rpush("l", "a", "b")
        want = normalized(oc)
        self.assertTrue(oc.save())
        path = os.path.join(ours.dir, "dump.rdb")
        rcs.check_rdb(path)

        ref = self.server(20805, "ref", binary=rcs.REDIS_SERVER)
        shutil.copy(path, os.path.join(ref.dir, "dump.rdb"))
        ref.start()
        rc = ref.client()
        self.assertEqual(normalized(rc), want)
        self.assertEqual((rc.get("s"), rc.lrange("l", 0, -1)), (b"v", [b"a", b"b"]))
        self.assertEqual(rc.execute_command("FCALL_RO", "b_echo", 0, "x"), b"x")

        # Our node restarted on its own file (SHUTDOWN SAVE writes it again, with the libraries).
        oc.execute_command("FUNCTION", "DELETE", "lib_c")
        want = normalized(oc)
        self.assertEqual(len(want), 2)
        try:
            oc.execute_command("SHUTDOWN", "SAVE")
        except Exception:  # the connection closes as the node exits
            pass
        rcs.wait_until(lambda: not ours.alive(), timeout=20, what="our node to exit after SHUTDOWN SAVE")
        ours.start()
        oc = ours.client()
        self.assertEqual(normalized(oc), want)
        self.assertEqual(oc.get("s"), b"v")
        self.assertEqual(oc.execute_command("FCALL", "a_set", 1, "s", "w"), b"OK")
        self.assertEqual(oc.execute_command("FCALL_RO", "a_get", 1, "s"), b"w")

        # redis-server's dump.rdb with libraries loads in ours.
        rc.execute_command("FUNCTION", "LOAD", "#!lua name=lib_r\nredis.register_function('r_one', function() return 'r' end)")
        want = normalized(rc)
        self.assertTrue(rc.save())
        again = self.server(20806, "ours-on-ref")
        shutil.copy(os.path.join(ref.dir, "dump.rdb"), os.path.join(again.dir, "dump.rdb"))
        again.start()
        self.assertEqual(normalized(again.client()), want)

    def test_redis_server_replica_gets_the_libraries(self):
        master = self.server(20807, "master").start()
        mc = master.client()
        self.load(mc, LIBS[:2])
        for i in range(100):
            mc.set("k:%d" % i, i)
        replica = self.server(20808, "replica", binary=rcs.REDIS_SERVER).start()
        rc = replica.client()
        rc.execute_command("FUNCTION", "LOAD", LIBS[2])  # gone after the full sync, as on a redis-server master
        self.assertEqual(rc.execute_command("REPLICAOF", "127.0.0.1", master.port), b"OK")
        rcs.wait_until(lambda: rcs.info(replica, "replication").get("master_link_status") == "up",
                       timeout=60, what="the redis-server replica's link up")
        self.assertEqual(normalized(rc), normalized(mc))
        self.assertEqual(rc.dbsize(), 100)
        self.assertIn("MASTER <-> REPLICA sync: Finished with success", open(replica.log_path, errors="replace").read())

        # The stream: FUNCTION LOAD, RESTORE (our payload, now redis-server's format) and DELETE.
        mc.execute_command("FUNCTION", "LOAD", LIBS[2])
        payload = mc.execute_command("FUNCTION", "DUMP")
        mc.execute_command("FUNCTION", "DELETE", "lib_a")
        self.assertEqual(mc.execute_command("FUNCTION", "RESTORE", payload, "REPLACE"), b"OK")
        mc.execute_command("FUNCTION", "DELETE", "lib_b")
        self.assertEqual(mc.execute_command("WAIT", 1, 5000), 1)
        rcs.wait_until(lambda: normalized(rc) == normalized(mc), timeout=10,
                       what="the replica's libraries to follow the master's")
        self.assertEqual([lib[0] for lib in normalized(rc)], [b"lib_a", b"lib_c"])

        # redis-cli --rdb: a file redis-server starts on, with the libraries.
        other = self.server(20809, "from-cli", binary=rcs.REDIS_SERVER)
        path = os.path.join(other.dir, "dump.rdb")
        out = subprocess.run([rcs.REDIS_CLI, "-p", str(master.port), "--rdb", path], capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        other.start()
        self.assertEqual(normalized(other.client()), normalized(mc))
        self.assertEqual(other.client().dbsize(), 100)


if __name__ == "__main__":
    rcs.run_tests()
