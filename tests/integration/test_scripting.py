"""Lua scripting and functions with real clients.

Cluster (ports 18420-18425, 3 masters + 3 replicas formed by redis-cli --cluster create, appendonly yes):
  - redis-py RedisCluster: register_script runs on keys of every shard; Lock (its release/extend are Lua)
    excludes a second holder and is released;
  - a script's writes (two commands: propagated in MULTI/EXEC) show up on the shard's replica;
  - EVAL with keys of two slots gets CROSSSLOT; a script touching a key another master serves gets
    "Script attempted to access a non local key in a cluster node script: ...";
  - ioredis defineCommand on a Cluster (EVALSHA with EVAL fallback) on keys of every slot range;
  - a long script makes another client get -BUSY, SCRIPT KILL ends it with Redis's error to its caller;
  - FUNCTION LOAD reaches the replica, survives a kill -9 restart of the master (AOF) and FCALL works.
Standalone (ports 18430-18431): functions survive an AOF rewrite + restart, and a new replica gets them
through its full sync.
"""
import logging
import os
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

import redis  # noqa: E402
from redis.cluster import RedisCluster  # noqa: E402

logging.getLogger("redis").setLevel(logging.CRITICAL)  # redis-py logs the expected NOSCRIPT fallbacks
PORTS = [18420 + i for i in range(6)]
CLIENTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "clients")
LONG_SCRIPT = "local i = 0 while true do i = i + 1 end"
LIB = ("#!lua name=counters\n"
       "redis.register_function('bump', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)\n"
       "redis.register_function{function_name='peek', callback=function(keys) return redis.call('GET', keys[1]) end,"
       " flags={'no-writes'}}\n")


class ClusterScriptingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = rcs.Cluster(PORTS, node_timeout=5000,
                                  args=["--appendonly", "yes", "--appendfsync", "always"])
        cls.nodes = cls.cluster.start(linked=True).nodes
        cls.masters = cls.cluster.masters()
        assert len(cls.masters) == 3

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stop()

    def cluster_client(self):
        return RedisCluster(host="127.0.0.1", port=PORTS[0], socket_timeout=10)

    def test_register_script_and_lock(self):
        c = self.cluster_client()
        try:
            script = c.register_script("redis.call('SET', KEYS[1], ARGV[1]) return redis.call('INCR', KEYS[2])")
            shards = set()
            for i in range(30):
                key = "rs:%d" % i
                self.assertEqual(script(keys=["{%s}a" % key, "{%s}b" % key], args=["v%d" % i]), 1)
                self.assertEqual(c.get("{%s}a" % key), b"v%d" % i)
                shards.add(self.cluster.master_for(key).port)
            self.assertEqual(len(shards), 3)
            lock = c.lock("rs:lock", timeout=10, blocking_timeout=0.2)
            self.assertTrue(lock.acquire())
            other = c.lock("rs:lock", timeout=10, blocking_timeout=0.2)
            self.assertFalse(other.acquire())
            self.assertTrue(lock.extend(5))
            self.assertTrue(lock.locked())
            lock.release()
            self.assertFalse(lock.locked())
            self.assertTrue(other.acquire())
            other.release()
        finally:
            c.close()

    def test_script_writes_reach_the_replica(self):
        master = self.cluster.master_for("repl:{x}")
        replica = self.cluster.replicas_of(master)[0]
        out = master.cli("EVAL", "redis.call('SET', KEYS[1], 'one') redis.call('RPUSH', KEYS[2], 'a', 'b') "
                         "return redis.call('LLEN', KEYS[2])", 2, "repl:{x}", "repl:{x}:list").strip()
        self.assertEqual(out, "2")
        rc = redis.Redis(host="127.0.0.1", port=replica.port, socket_timeout=10)
        try:
            rc.execute_command("READONLY")
            rcs.wait_until(lambda: rc.lrange("repl:{x}:list", 0, -1) == [b"a", b"b"], timeout=10,
                           what="the script's RPUSH on the replica")
            self.assertEqual(rc.get("repl:{x}"), b"one")
        finally:
            rc.close()

    def test_cluster_key_errors(self):
        m = self.cluster.master_for("a")
        other = next(k for k in ("b", "c", "d", "e", "f", "g") if self.cluster.master_for(k) is not m)
        out = m.cli("EVAL", "return 1", 2, "a", other)
        self.assertIn("CROSSSLOT Keys in request don't hash to the same slot", out)
        out = m.cli("EVAL", "return redis.call('GET', '%s')" % other, 0)
        self.assertTrue(out.startswith("ERR Script attempted to access a non local key in a cluster node script: "),
                        out)
        out = m.cli("EVAL", "return redis.pcall('GET', '%s')" % other, 0)
        self.assertEqual(out.strip(), "ERR Script attempted to access a non local key in a cluster node")
        # A declared-keys script (shebang) may not wander to another slot, even a local one.
        local_other = next(k for k in ("k%d" % i for i in range(200))
                           if self.cluster.master_for(k) is m and
                           m.cli("CLUSTER", "KEYSLOT", k).strip() != m.cli("CLUSTER", "KEYSLOT", "a").strip())
        out = m.cli("EVAL", "#!lua\nreturn redis.call('GET', '%s')" % local_other, 1, "a")
        self.assertTrue(out.startswith("ERR Script attempted to access keys that do not hash to the same slot"),
                        out)
        out = m.cli("EVAL", "#!lua flags=no-cluster\nreturn 1", 0)
        self.assertEqual(out.strip(), "ERR Can not run script on cluster, 'no-cluster' flag is set.")

    def test_ioredis_define_command(self):
        out = subprocess.run(["node", os.path.join(CLIENTS_DIR, "ioredis_scripts.js"), str(PORTS[0]), "60"],
                             capture_output=True, text=True, timeout=150, cwd=CLIENTS_DIR)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn('"ok":true', out.stdout)

    def test_busy_script_and_script_kill(self):
        m = self.masters[0]
        m.cli("CONFIG", "SET", "busy-reply-threshold", "100")
        result = {}

        def run_long():
            c = m.client()
            try:
                c.eval(LONG_SCRIPT, 0)
                result["reply"] = "no error"
            except redis.ResponseError as e:
                result["reply"] = str(e)
            finally:
                c.close()

        t = threading.Thread(target=run_long)
        t.start()
        try:
            other = m.client()
            busy = None
            for _ in range(100):
                try:
                    other.ping()
                except redis.exceptions.BusyLoadingError:
                    raise
                except redis.ResponseError as e:
                    busy = str(e)
                    break
                time.sleep(0.05)
            self.assertIsNotNone(busy, "no BUSY reply while the script ran")
            self.assertTrue(busy.startswith("BUSY Redis is busy running a script. You can only call SCRIPT KILL"),
                            busy)
            self.assertEqual(other.execute_command("SCRIPT", "KILL"), b"OK")
            t.join(timeout=20)
            self.assertFalse(t.is_alive())
            self.assertTrue(result["reply"].startswith("Script killed by user with SCRIPT KILL..."), result)
            self.assertTrue(other.ping())
            other.close()
        finally:
            if t.is_alive():
                m.cli("SCRIPT", "KILL", check=False)
                t.join(timeout=20)
            m.cli("CONFIG", "SET", "busy-reply-threshold", "5000")

    def test_functions_replicate_and_survive_restart(self):
        m = self.cluster.master_for("fn:{1}")
        replica = self.cluster.replicas_of(m)[0]
        self.assertEqual(m.cli("FUNCTION", "LOAD", "REPLACE", LIB).strip(), "counters")
        self.assertEqual(m.cli("FCALL", "bump", 1, "fn:{1}", 5).strip(), "5")
        rcs.wait_until(lambda: "counters" in replica.cli("FUNCTION", "LIST"), timeout=10,
                       what="the library on the replica")
        rc = redis.Redis(host="127.0.0.1", port=replica.port, socket_timeout=10)
        try:
            rc.execute_command("READONLY")
            rcs.wait_until(lambda: rc.execute_command("FCALL_RO", "peek", 1, "fn:{1}") == b"5", timeout=10,
                           what="FCALL_RO on the replica")
        finally:
            rc.close()
        m.kill()
        m.start()
        rcs.wait_until(lambda: rcs.fields(m, "CLUSTER", "INFO").get("cluster_state") == "ok", timeout=60,
                       what="cluster ok after the restart")
        self.assertIn("counters", m.cli("FUNCTION", "LIST"))
        self.assertEqual(m.cli("FCALL", "bump", 1, "fn:{1}", 1).strip(), "6")


class StandaloneFunctionsTest(unittest.TestCase):
    def setUp(self):
        self.nodes = []

    def tearDown(self):
        for n in self.nodes:
            n.stop()

    def test_aof_rewrite_and_full_sync_carry_functions(self):
        master = rcs.Server(18430, args=["--appendonly", "yes"])
        self.nodes.append(master)
        master.start()
        self.assertEqual(master.cli("FUNCTION", "LOAD", LIB).strip(), "counters")
        self.assertEqual(master.cli("FCALL", "bump", 1, "k", 2).strip(), "2")
        master.cli("BGREWRITEAOF")
        rcs.wait_until(lambda: rcs.info(master, "persistence").get("aof_rewrite_in_progress") == "0" and
                       int(rcs.info(master, "persistence").get("aof_rewrites", "0")) >= 1, timeout=30,
                       what="the AOF rewrite")
        master.kill()
        master.start()
        self.assertIn("counters", master.cli("FUNCTION", "LIST"))
        self.assertEqual(master.cli("FCALL", "bump", 1, "k", 2).strip(), "4")
        replica = rcs.Server(18431, args=["--replicaof", "127.0.0.1", "18430"])
        self.nodes.append(replica)
        replica.start()
        rcs.wait_until(lambda: rcs.info(replica, "replication").get("master_link_status") == "up", timeout=30,
                       what="the replica's full sync")
        rcs.wait_until(lambda: "counters" in replica.cli("FUNCTION", "LIST"), timeout=10,
                       what="the library on the new replica")
        self.assertEqual(replica.cli("FCALL_RO", "peek", 1, "k").strip(), "4")


if __name__ == "__main__":
    rcs.run_tests()
