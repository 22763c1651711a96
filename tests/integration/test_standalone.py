"""The node as a standalone server, driven by the real redis-cli, redis-benchmark and redis-py.

Ports 12000-12049 (bus ports are not used in standalone mode).
"""
import os
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

PASSWORD = "it-secret"
server = None


def setUpModule():
    global server
    server = rcs.Server(12000, password=PASSWORD).start()


def tearDownModule():
    server.stop()


class RedisCliTest(unittest.TestCase):
    def setUp(self):
        server.cli("FLUSHALL")

    def test_every_family_through_redis_cli(self):
        cli = server.cli
        self.assertEqual(cli("SET", "k", "v").strip(), "OK")
        self.assertEqual(cli("GET", "k").strip(), "v")
        self.assertEqual(cli("INCRBY", "n", "5").strip(), "5")
        self.assertEqual(cli("RPUSH", "l", "a", "b", "c").strip(), "3")
        self.assertEqual(cli("LRANGE", "l", "0", "-1").split(), ["a", "b", "c"])
        self.assertEqual(cli("HSET", "h", "f1", "v1", "f2", "v2").strip(), "2")
        self.assertEqual(sorted(cli("HGETALL", "h").split()), ["f1", "f2", "v1", "v2"])
        self.assertEqual(cli("SADD", "s", "x", "y").strip(), "2")
        self.assertEqual(sorted(cli("SMEMBERS", "s").split()), ["x", "y"])
        self.assertEqual(cli("ZADD", "z", "1", "one", "2", "two").strip(), "2")
        self.assertEqual(cli("ZRANGE", "z", "0", "-1", "WITHSCORES").split(), ["one", "1", "two", "2"])
        self.assertEqual(cli("EXPIRE", "k", "100").strip(), "1")
        ttl = int(cli("TTL", "k").strip())
        self.assertTrue(95 <= ttl <= 100, ttl)
        self.assertEqual(cli("DBSIZE").strip(), "6")
        self.assertEqual(cli("TYPE", "z").strip(), "zset")

    def test_resp3_through_redis_cli(self):
        server.cli("HSET", "h3", "a", "1")
        out = server.cli("HGETALL", "h3", extra=["-3", "--no-raw"])
        self.assertEqual(out.strip(), '1# "a" => "1"')  # a RESP3 map, as redis-cli prints it
        out = server.cli("SMEMBERS", "none", extra=["-3", "--no-raw"])
        self.assertEqual(out.strip(), "(empty set)")  # a RESP3 set

    def test_auth_errors(self):
        out = subprocess.run([rcs.REDIS_CLI, "-p", "12000", "PING"], capture_output=True, text=True, timeout=10)
        self.assertIn("NOAUTH Authentication required.", out.stdout + out.stderr)
        out = subprocess.run([rcs.REDIS_CLI, "-p", "12000", "-a", "wrong", "--no-auth-warning", "PING"],
                             capture_output=True, text=True, timeout=10)
        self.assertIn("WRONGPASS invalid username-password pair or user is disabled.", out.stdout + out.stderr)

    def test_malformed_frame_gets_protocol_error_and_close_and_loses_nothing(self):
        server.cli("SET", "keep", "me")
        data, closed = rcs.raw_exchange(12000, b"*1\r\n$abc\r\n", password=PASSWORD)
        self.assertIn(b"-ERR Protocol error: invalid bulk length", data)
        self.assertTrue(closed)
        data, closed = rcs.raw_exchange(12000, b"*2\r\n+PING\r\n", password=PASSWORD)
        self.assertIn(b"-ERR Protocol error: expected '$', got '+'", data)
        self.assertTrue(closed)
        self.assertEqual(server.cli("GET", "keep").strip(), "me")

    def test_pipelined_inline_and_multibulk(self):
        payload = b"PING\r\nECHO hi\r\n*3\r\n$3\r\nSET\r\n$1\r\np\r\n$1\r\nq\r\n*2\r\n$3\r\nGET\r\n$1\r\np\r\n"
        data, _ = rcs.raw_exchange(12000, payload, read_timeout=0.5, password=PASSWORD)
        self.assertEqual(data, b"+PONG\r\n$2\r\nhi\r\n+OK\r\n$1\r\nq\r\n")

    def test_commands_pipelined_behind_a_blocking_pop_run_when_it_ends(self):
        # The timeout path and the served path both resume the client's pipelined input at once.
        data, _ = rcs.raw_exchange(12000, b"BLPOP nothing 0.2\r\nPING\r\n", read_timeout=1.5, password=PASSWORD)
        self.assertEqual(data, b"*-1\r\n+PONG\r\n")
        import socket
        with socket.create_connection(("127.0.0.1", 12000), timeout=5) as s:
            s.sendall(b"AUTH %s\r\nBLPOP jobs 5\r\nECHO after\r\n" % PASSWORD.encode())
            self.assertEqual(s.recv(100), b"+OK\r\n")
            server.cli("RPUSH", "jobs", "j1")
            got = b""
            deadline = time.monotonic() + 3
            while len(got) < len(b"*2\r\n$4\r\njobs\r\n$2\r\nj1\r\n$5\r\nafter\r\n") and time.monotonic() < deadline:
                got += s.recv(100)
            self.assertEqual(got, b"*2\r\n$4\r\njobs\r\n$2\r\nj1\r\n$5\r\nafter\r\n")

    def test_redis_cli_pipe_bulk_load(self):
        lines = "".join("SET bulk:%d %d\r\n" % (i, i) for i in range(20000))
        cmd = [rcs.REDIS_CLI, "-p", "12000", "-a", PASSWORD, "--no-auth-warning", "--pipe"]
        out = subprocess.run(cmd, input=lines, capture_output=True, text=True, timeout=60)
        self.assertIn("errors: 0, replies: 20000", out.stdout)
        self.assertEqual(server.cli("DBSIZE").strip(), "20000")
        self.assertEqual(server.cli("GET", "bulk:12345").strip(), "12345")

    def test_blocking_pop_served_by_another_client(self):
        result = {}

        def blpop():
            result["out"] = server.cli("BLPOP", "queue", "5", timeout=10)

        t = threading.Thread(target=blpop)
        t.start()
        rcs.wait_until(lambda: "blocked_clients:1" in server.cli("INFO", "clients"), timeout=5,
                       what="the BLPOP client to block")
        server.cli("RPUSH", "queue", "job1")
        t.join(10)
        self.assertEqual(result["out"].split(), ["queue", "job1"])

    def test_active_expiry_removes_keys_nobody_reads(self):
        lines = "".join("SET exp:%d v PX 200\r\n" % i for i in range(5000))
        cmd = [rcs.REDIS_CLI, "-p", "12000", "-a", PASSWORD, "--no-auth-warning", "--pipe"]
        subprocess.run(cmd, input=lines, capture_output=True, text=True, timeout=60, check=True)
        rcs.wait_until(lambda: server.cli("DBSIZE").strip() == "0", timeout=10, what="active expiry")
        info = server.cli("INFO", "stats")
        self.assertIn("expired_keys:", info)


class RedisPyTest(unittest.TestCase):
    def test_redis_py_standalone(self):
        r = server.client()
        r.flushall()
        self.assertTrue(r.set("a", "1"))
        self.assertEqual(r.get("a"), b"1")
        self.assertEqual(r.incr("a"), 2)
        self.assertEqual(r.mget("a", "missing"), [b"2", None])
        p = r.pipeline(transaction=True)
        p.set("x", "1").incr("x").get("x")
        self.assertEqual(p.execute(), [True, 2, b"2"])
        r.hset("user:1", mapping={"name": "ada", "age": "36"})
        self.assertEqual(r.hgetall("user:1"), {b"name": b"ada", b"age": b"36"})
        r.zadd("board", {"a": 1.5, "b": 2.5})
        self.assertEqual(r.zrange("board", 0, -1, withscores=True), [(b"a", 1.5), (b"b", 2.5)])
        self.assertEqual(r.lpush("q", 1, 2, 3), 3)
        self.assertEqual(r.rpop("q"), b"1")
        self.assertEqual(r.sadd("tags", "x", "y"), 2)
        self.assertTrue(r.expire("a", 100))
        self.assertLessEqual(r.ttl("a"), 100)
        keys = set(r.scan_iter(match="*", count=2))
        self.assertEqual(keys, {b"a", b"x", b"user:1", b"board", b"q", b"tags"})
        info = r.info()
        self.assertIn("used_memory", info)
        self.assertEqual(info["db0"]["keys"], 6)

    def test_watch_conflict(self):
        import redis
        r = server.client()
        r.set("balance", 10)
        with r.pipeline() as p:
            p.watch("balance")
            server.client().set("balance", 11)
            p.multi()
            p.set("balance", 0)
            with self.assertRaises(redis.WatchError):
                p.execute()
        self.assertEqual(r.get("balance"), b"11")


class BenchmarkToolTest(unittest.TestCase):
    def test_redis_benchmark_runs_clean(self):
        cmd = [rcs.REDIS_BENCHMARK, "-p", "12000", "-a", PASSWORD, "-q", "-n", "20000", "-c", "10",
               "-t", "set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange,mset"]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        self.assertEqual(out.returncode, 0, out.stderr)
        lines = [l for l in out.stdout.replace("\r", "\n").splitlines() if "requests per second" in l]
        self.assertGreaterEqual(len(lines), 14, out.stdout)
        self.assertNotIn("ERR", out.stdout + out.stderr)
        out = subprocess.run(cmd[:-2] + ["-P", "16", "-t", "set,get"], capture_output=True, text=True, timeout=180)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(len([l for l in out.stdout.replace("\r", "\n").splitlines() if "requests per second" in l]), 2)


if __name__ == "__main__":
    rcs.run_tests()
