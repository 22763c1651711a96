"""Startup configuration errors, and limits that protect the server (ports 12050-12099)."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402


class ConfigTest(unittest.TestCase):
    def test_config_file_and_flags(self):
        d = tempfile.mkdtemp()
        conf = os.path.join(d, "node.conf")
        with open(conf, "w") as f:
            f.write("port 12050\nbind 127.0.0.1\nrequirepass filepass\nmaxmemory 64mb\nsave \"\"\n")
        p = subprocess.Popen([rcs.NODE_BIN, conf, "--maxmemory-policy", "allkeys-lru", "--dir", d],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            s = rcs.Server(12050, password="filepass", workdir=d)  # only its cli and ping: the node runs from d
            s.proc = p
            rcs.wait_until(s.ping, timeout=10, what="node started from a config file")
            self.assertEqual(s.cli("CONFIG", "GET", "maxmemory").split(), ["maxmemory", str(64 * 1024 * 1024)])
            self.assertEqual(s.cli("CONFIG", "GET", "maxmemory-policy").split(), ["maxmemory-policy", "allkeys-lru"])
        finally:
            p.terminate()
            p.wait(10)
            shutil.rmtree(d, ignore_errors=True)

    def test_bad_config_stops_startup_with_file_line_reason(self):
        d = tempfile.mkdtemp()
        conf = os.path.join(d, "bad.conf")
        with open(conf, "w") as f:
            f.write("port 12051\nmaxmemory lots\n")
        out = subprocess.run([rcs.NODE_BIN, conf], capture_output=True, text=True, timeout=10)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("at line 2", out.stderr)
        self.assertIn(">>> 'maxmemory lots'", out.stderr)
        self.assertIn("argument must be a memory value", out.stderr)
        out = subprocess.run([rcs.NODE_BIN, "--port", "12051", "--no-such-thing", "1"], capture_output=True,
                             text=True, timeout=10)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("Bad directive", out.stderr)
        shutil.rmtree(d, ignore_errors=True)

    def test_port_in_use_fails_clearly(self):
        with socket.socket() as blocker:
            blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            blocker.bind(("127.0.0.1", 12052))
            blocker.listen(1)
            out = subprocess.run([rcs.NODE_BIN, "--port", "12052", "--bind", "127.0.0.1"], capture_output=True,
                                 text=True, timeout=10)
            self.assertNotEqual(out.returncode, 0)
            self.assertIn("Could not create server TCP listening socket", out.stdout + out.stderr)


class LimitsTest(unittest.TestCase):
    def test_maxclients(self):
        s = rcs.Server(12060, args=["--maxclients", "2"]).start()
        try:
            conns = [socket.create_connection(("127.0.0.1", 12060), timeout=5) for _ in range(2)]
            for c in conns:
                c.sendall(b"PING\r\n")
                self.assertEqual(c.recv(100), b"+PONG\r\n")
            third = socket.create_connection(("127.0.0.1", 12060), timeout=5)
            self.assertEqual(third.recv(100), b"-ERR max number of clients reached\r\n")
            third.close()
            for c in conns:
                c.close()
            rcs.wait_until(lambda: "rejected_connections:1" in s.cli("INFO", "stats"), timeout=5,
                           what="the rejection to be counted")
        finally:
            s.stop()

    def test_proto_max_bulk_len_and_query_buffer_limit(self):
        s = rcs.Server(12061, args=["--proto-max-bulk-len", "1mb", "--client-query-buffer-limit", "1mb"]).start()
        try:
            data, closed = rcs.raw_exchange(12061, b"*2\r\n$4\r\nECHO\r\n$2000000\r\n")
            self.assertIn(b"-ERR Protocol error: invalid bulk length", data)
            self.assertTrue(closed)
            # A request that never ends (a bulk header, then more bytes than any limit allows) ends with an
            # error and a closed connection; the server keeps serving others.
            with socket.create_connection(("127.0.0.1", 12061), timeout=5) as c:
                c.sendall(b"*1\r\n$1000000\r\n")
                chunk = b"x" * 65536
                try:
                    for _ in range(40):
                        c.sendall(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                data, closed = b"", False
                c.settimeout(1)
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    try:
                        got = c.recv(65536)
                    except socket.timeout:
                        continue
                    except ConnectionResetError:
                        closed = True
                        break
                    if not got:
                        closed = True
                        break
                    data += got
                self.assertTrue(closed, data[:200])
                # The first 1,000,000 x's are the bulk argument (a command named xxx...: unknown), the rest an
                # inline request over the limit. The server replies to both and closes; the close can reset the
                # connection (the client is still sending) before the second reply is read, so that one may be
                # lost, but nothing else may arrive.
                if b"-ERR Protocol error: too big inline request" not in data:
                    self.assertTrue(data == b"" or (data.startswith(b"-ERR unknown command 'xxx")
                                                    and data.count(b"\r\n") == 1), data[:200])
            self.assertEqual(s.cli("PING").strip(), "PONG")
        finally:
            s.stop()

    def test_maxmemory_noeviction_answers_oom(self):
        s = rcs.Server(12062, args=["--maxmemory", "2mb", "--maxmemory-policy", "noeviction"]).start()
        try:
            r = s.client()
            import redis
            with self.assertRaises(redis.exceptions.ResponseError) as ctx:
                for i in range(100000):
                    r.set("k%d" % i, "x" * 100)
            self.assertIn("OOM command not allowed when used memory > 'maxmemory'.", str(ctx.exception))
            self.assertEqual(r.get("k0"), b"x" * 100)  # reads still work, nothing lost
        finally:
            s.stop()

    def test_maxmemory_allkeys_lru_evicts(self):
        s = rcs.Server(12063, args=["--maxmemory", "4mb", "--maxmemory-policy", "allkeys-lru"]).start()
        try:
            r = s.client()
            p = r.pipeline(transaction=False)
            for i in range(60000):
                p.set("k%d" % i, "x" * 100)
                if i % 1000 == 999:
                    p.execute()
            p.execute()
            info = r.info()
            self.assertGreater(info["evicted_keys"], 0)
            self.assertLessEqual(info["used_memory"], 4 * 1024 * 1024 + 512 * 1024)
        finally:
            s.stop()

    def test_sigterm_stops_cleanly(self):
        s = rcs.Server(12064).start()
        s.proc.terminate()
        self.assertEqual(s.proc.wait(10), 0)
        s.stop()


if __name__ == "__main__":
    rcs.run_tests()
