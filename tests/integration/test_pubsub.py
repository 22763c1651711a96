#!/usr/bin/env python3
"""Pub/sub against real processes. Ports 18210-18215 (a 3 master + 3 replica cluster, bus ports +10000) and
18220 (standalone).

Standalone: redis-py PubSub (RESP2), a raw RESP3 connection (HELLO 3, `>` push frames), redis-cli SUBSCRIBE,
a slow subscriber disconnected by client-output-buffer-limit pubsub (and logged), keyspace notifications.
Cluster: PUBLISH on one node reaches a subscriber on each of the six nodes exactly once; redis-py's
RedisCluster.pubsub(); ioredis Cluster subscribe/ssubscribe/spublish (clients/ioredis_pubsub.js) and the npm
`redis` package's cluster sSubscribe/sPublish (clients/node_redis_pubsub.js); sharded pub/sub (SSUBSCRIBE on the slot's master and on its replica, MOVED elsewhere,
SPUBLISH messages stay within the shard: no PUBLISHSHARD bus message reaches the other shards); moving the
slot to another master with CLUSTER SETSLOT sends sunsubscribe to the old shard's subscribers.
Replication (ports 18230-18233): standalone, a PUBLISH on the master (direct and from EVAL) reaches a
subscriber on its REPLICAOF replica exactly once and is not written to either AOF; run against our node and, as the reference, against
Debian's redis-server when it is installed (same assertions).
"""
import json
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

CLUSTER_PORTS = list(range(18210, 18216))
STANDALONE_PORT = 18220


Resp = rcs.Resp


def counter_of(node, name):
    return int(rcs.fields(node, "CLUSTER", "INFO").get(name, "0"))


class Standalone(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.node = rcs.Server(STANDALONE_PORT).start()

    @classmethod
    def tearDownClass(cls):
        cls.node.stop()

    def test_redis_py_pubsub_resp2(self):
        r = self.node.client()
        p = r.pubsub()
        p.subscribe("news")
        p.psubscribe("ne*")
        got = [p.get_message(timeout=5) for _ in range(2)]
        self.assertEqual([(m["type"], m["channel"], m["data"]) for m in got],
                         [("subscribe", b"news", 1), ("psubscribe", b"ne*", 2)])
        self.assertEqual(r.publish("news", "hello"), 2)
        msgs = [p.get_message(timeout=5) for _ in range(2)]
        self.assertEqual(sorted((m["type"], m["channel"], m["data"]) for m in msgs),
                         [("message", b"news", b"hello"), ("pmessage", b"news", b"hello")])
        self.assertEqual(r.pubsub_numsub("news"), [(b"news", 1)])
        self.assertEqual(r.pubsub_numpat(), 1)
        self.assertEqual(rcs.info(self.node, "stats")["pubsub_channels"], "1")
        p.close()
        rcs.wait_until(lambda: r.pubsub_numpat() == 0, timeout=10, what="the closed subscriber to be gone")
        r.close()

    def test_resp3_push_and_subscribe_mode(self):
        c2 = Resp(STANDALONE_PORT)
        self.assertEqual(c2.call("SUBSCRIBE", "a"), ("*", ["subscribe", "a", 1]))
        self.assertEqual(c2.call("GET", "x")[0], "-")
        self.assertEqual(c2.call("PING"), ("*", ["pong", ""]))
        c3 = Resp(STANDALONE_PORT)
        self.assertEqual(c3.call("HELLO", "3")[0], "%")
        self.assertEqual(c3.call("SUBSCRIBE", "a"), (">", ["subscribe", "a", 1]))
        self.assertEqual(c3.call("SET", "k", "v"), ("+", "OK"))  # RESP3: no subscribe-mode limits
        pub = self.node.client()
        self.assertEqual(pub.publish("a", "m"), 2)
        self.assertEqual(c3.read(), (">", ["message", "a", "m"]))
        self.assertEqual(c2.read(), ("*", ["message", "a", "m"]))
        self.assertEqual(c3.call("RESET"), ("+", "RESET"))
        self.assertEqual(c2.call("UNSUBSCRIBE"), ("*", ["unsubscribe", "a", 0]))
        self.assertEqual(pub.publish("a", "m"), 0)
        for c in (c2, c3):
            c.close()
        pub.close()

    def test_redis_cli_subscribe(self):
        proc = subprocess.Popen([rcs.REDIS_CLI, "-p", str(STANDALONE_PORT), "SUBSCRIBE", "cli-ch"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            r = self.node.client()
            rcs.wait_until(lambda: r.pubsub_numsub("cli-ch") == [(b"cli-ch", 1)], timeout=10,
                           what="redis-cli to subscribe")
            self.assertEqual(r.publish("cli-ch", "from-py"), 1)
            lines = []
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and "from-py" not in lines:
                lines.append(proc.stdout.readline().decode().strip())
            self.assertEqual(lines[-3:], ["message", "cli-ch", "from-py"])
            r.close()
        finally:
            proc.kill()
            proc.wait(timeout=10)

    def test_output_buffer_limit_disconnects_slow_subscriber(self):
        r = self.node.client()
        r.config_set("client-output-buffer-limit", "pubsub 256kb 128kb 60")
        try:
            slow = Resp(STANDALONE_PORT, rcvbuf=4096)
            self.assertEqual(slow.call("CLIENT", "SETNAME", "slow-reader")[0], "+")
            self.assertEqual(slow.call("SUBSCRIBE", "flood"), ("*", ["subscribe", "flood", 1]))
            fast = r.pubsub()
            fast.subscribe("flood")
            fast.get_message(timeout=5)
            payload = "x" * 16384
            # The slow one never reads: the kernel buffers fill, then its output buffer passes 256kb.
            for _ in range(2000):
                r.publish("flood", payload)
                if "slow-reader" not in r.execute_command("CLIENT", "LIST").decode():
                    break
                m = fast.get_message(timeout=0)
                while m is not None:
                    m = fast.get_message(timeout=0)
            self.assertNotIn("slow-reader", r.execute_command("CLIENT", "LIST").decode())
            self.assertEqual(r.pubsub_numsub("flood"), [(b"flood", 1)])  # the reading one stays
            rcs.wait_until(lambda: "overcoming of output buffer limits" in self.node.log(), timeout=10,
                           what="the disconnection to be logged")
            fast.close()
            slow.close()
        finally:
            r.config_set("client-output-buffer-limit", "pubsub 32mb 8mb 60")
            r.close()

    def test_keyspace_notifications(self):
        r = self.node.client()
        r.config_set("notify-keyspace-events", "KEA")
        try:
            self.assertEqual(r.config_get("notify-keyspace-events"), {"notify-keyspace-events": "AKE"})
            p = r.pubsub()
            p.psubscribe("__key*__:*")
            p.get_message(timeout=5)
            r.set("nk", "1")
            r.expire("nk", 100)
            r.delete("nk")
            r.lpush("nl", "a")
            r.hset("nh", "f", "v")
            r.sadd("ns", "m")
            r.zadd("nz", {"m": 1})
            r.incr("ni")
            r.delete("nl", "nh", "ns", "nz", "ni")
            expected = [(b"__keyspace@0__:nk", b"set"), (b"__keyevent@0__:set", b"nk"),
                        (b"__keyspace@0__:nk", b"expire"), (b"__keyevent@0__:expire", b"nk"),
                        (b"__keyspace@0__:nk", b"del"), (b"__keyevent@0__:del", b"nk"),
                        (b"__keyspace@0__:nl", b"lpush"), (b"__keyevent@0__:lpush", b"nl"),
                        (b"__keyspace@0__:nh", b"hset"), (b"__keyevent@0__:hset", b"nh"),
                        (b"__keyspace@0__:ns", b"sadd"), (b"__keyevent@0__:sadd", b"ns"),
                        (b"__keyspace@0__:nz", b"zadd"), (b"__keyevent@0__:zadd", b"nz"),
                        (b"__keyspace@0__:ni", b"incrby"), (b"__keyevent@0__:incrby", b"ni")]
            got = []
            deadline = time.monotonic() + 10
            while len(got) < len(expected) and time.monotonic() < deadline:
                m = p.get_message(timeout=1)
                if m and m["type"] == "pmessage":
                    got.append((m["channel"], m["data"]))
            self.assertEqual(got, expected)
            # Expiry fires "expired" from the node itself.
            r.set("soon", "1", px=50)
            deadline = time.monotonic() + 10
            seen = []
            while time.monotonic() < deadline and (b"__keyevent@0__:expired", b"soon") not in seen:
                m = p.get_message(timeout=1)
                if m and m["type"] == "pmessage":
                    seen.append((m["channel"], m["data"]))
            self.assertIn((b"__keyevent@0__:expired", b"soon"), seen)
            p.close()
        finally:
            r.config_set("notify-keyspace-events", "")
            r.close()


class PublishReplication(unittest.TestCase):
    """Standalone PUBLISH goes down the replication stream (Redis's forceCommandPropagation(REPL)), not the AOF."""

    def run_case(self, binary, master_port, replica_port):
        aof = ["--appendonly", "yes", "--appendfsync", "always"]
        master = rcs.Server(master_port, args=aof, binary=binary)
        replica = rcs.Server(replica_port, args=aof + ["--replicaof", "127.0.0.1", str(master_port)], binary=binary)
        subs = []
        try:
            master.start()
            replica.start()
            rcs.wait_until(lambda: rcs.info(replica, "replication").get("master_link_status") == "up",
                           timeout=20, what="replica link up")
            for node in (replica, master):
                ps = node.client().pubsub()
                ps.subscribe("news")
                self.assertEqual(ps.get_message(timeout=5)["type"], "subscribe")
                subs.append(ps)
            self.assertEqual(master.client().publish("news", "hello"), 1)  # the master's own subscriber
            # From a script too (Redisson's unlock script publishes).
            self.assertEqual(master.client().eval("return redis.call('publish', 'news', 'lua')", 0), 1)
            # A write after it: once the replica has it, the PUBLISH before it was applied too.
            master.client().set("marker", "1")
            rcs.wait_until(lambda: replica.client().get("marker") == b"1", what="marker on the replica")
            for ps in subs:
                got = []
                deadline = time.monotonic() + 1.0
                while time.monotonic() < deadline:
                    m = ps.get_message(timeout=0.2)
                    if m is not None:
                        got.append((m["type"], m["channel"], m["data"]))
                self.assertEqual(got, [("message", b"news", b"hello"), ("message", b"news", b"lua")])
            for node in (master, replica):
                def aof_text(node=node):
                    d = os.path.join(node.dir, "appendonlydir")
                    text = b""
                    for name in sorted(os.listdir(d)):
                        if name.endswith(".aof"):
                            with open(os.path.join(d, name), "rb") as f:
                                text += f.read()
                    return text
                rcs.wait_until(lambda: b"marker" in aof_text(), what="marker in the AOF of %d" % node.port)
                self.assertNotIn(b"publish", aof_text().lower())
        finally:
            for ps in subs:
                ps.close()
            replica.stop()
            master.stop()

    def test_publish_reaches_replica_subscriber_once_and_not_the_aof(self):
        self.run_case(None, 18230, 18231)

    @unittest.skipUnless(os.path.exists("/usr/bin/redis-server"), "reference redis-server not installed")
    def test_reference_redis_server_behaves_the_same(self):
        self.run_case("/usr/bin/redis-server", 18232, 18233)


class Cluster(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = rcs.Cluster(CLUSTER_PORTS, node_timeout=3000).start()
        cls.nodes = cls.cluster.nodes
        try:
            # Every node must have its links up before counting bus messages.
            rcs.wait_until(lambda: all(n.cli("CLUSTER", "NODES").count("connected") == 6 for n in cls.nodes),
                           timeout=30, what="every bus link connected")
        except BaseException:
            cls.cluster.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stop()

    def shard_of(self, channel):
        """(master, replica, slot): the Server objects serving the channel's slot, from CLUSTER SLOTS."""
        slot = int(self.nodes[0].cli("CLUSTER", "KEYSLOT", channel).strip())
        c = Resp(self.nodes[0].port)
        ranges = c.call("CLUSTER", "SLOTS")[1]
        c.close()
        by_port = {n.port: n for n in self.nodes}
        for r in ranges:
            if int(r[0]) <= slot <= int(r[1]):
                return by_port[int(r[2][1])], by_port[int(r[3][1])], slot
        raise AssertionError("no master for slot %d" % slot)

    def test_publish_reaches_all_six_once(self):
        subs = [Resp(n.port) for n in self.nodes]
        for s in subs:
            self.assertEqual(s.call("SUBSCRIBE", "all"), ("*", ["subscribe", "all", 1]))
        sent0 = counter_of(self.nodes[0], "cluster_stats_messages_publish_sent")
        received = sum(counter_of(n, "cluster_stats_messages_publish_received") for n in self.nodes)
        # Each publisher ends with its own marker: messages from one publisher arrive in order on one link.
        self.assertEqual(self.nodes[0].client().publish("all", "one"), 1)  # local receivers only
        self.assertEqual(self.nodes[3].client().publish("all", "two"), 1)
        self.assertEqual(self.nodes[0].client().publish("all", "end0"), 1)
        self.assertEqual(self.nodes[3].client().publish("all", "end3"), 1)
        for i, s in enumerate(subs):
            got = []
            while "end0" not in got or "end3" not in got:
                t, v = s.read()
                self.assertEqual(t, "*")
                self.assertEqual(v[:2], ["message", "all"])
                got.append(v[2])
            self.assertEqual(sorted(got), ["end0", "end3", "one", "two"], "node %d" % i)
        # On the bus: each PUBLISH went once to each of the five other nodes, and nobody forwarded it.
        self.assertEqual(counter_of(self.nodes[0], "cluster_stats_messages_publish_sent") - sent0, 10)
        rcs.wait_until(lambda: sum(counter_of(n, "cluster_stats_messages_publish_received")
                                   for n in self.nodes) - received == 20, timeout=10,
                       what="4 PUBLISH x 5 receivers on the bus")
        for s in subs:
            s.close()

    def test_redis_py_cluster_pubsub(self):
        from redis.cluster import RedisCluster
        rc = RedisCluster(host="127.0.0.1", port=CLUSTER_PORTS[0], socket_timeout=10)
        p = rc.pubsub()
        p.subscribe("rc-news")
        self.assertEqual(p.get_message(timeout=5)["type"], "subscribe")
        rcs.wait_until(lambda: sum(n.client().pubsub_numsub("rc-news")[0][1] for n in self.nodes) == 1,
                       timeout=10, what="the subscription")
        for n in self.nodes:  # whichever node publishes, the subscriber hears it once
            n.client().publish("rc-news", "via-%d" % n.port)
        got = []
        deadline = time.monotonic() + 10
        while len(got) < 6 and time.monotonic() < deadline:
            m = p.get_message(timeout=1)
            if m and m["type"] == "message":
                got.append(m["data"].decode())
        self.assertEqual(sorted(got), sorted("via-%d" % n.port for n in self.nodes))
        self.assertIsNone(p.get_message(timeout=0.5))
        p.close()
        rc.close()

    def run_node_client(self, module, script):
        clients = os.path.join(os.path.dirname(os.path.abspath(__file__)), "clients")
        if not os.path.isdir(os.path.join(clients, "node_modules", module)):
            self.skipTest("%s is not installed (cd tests/integration/clients && npm ci)" % module)
        out = subprocess.run(["node", os.path.join(clients, script), ",".join(map(str, CLUSTER_PORTS))],
                             capture_output=True, text=True, timeout=120, cwd=clients)
        lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
        self.assertTrue(lines, out.stdout + out.stderr)
        r = json.loads(lines[-1])
        self.assertTrue(r["ok"], r)
        self.assertEqual(r["plain"], sorted("via-%d" % p for p in CLUSTER_PORTS))
        self.assertEqual(r["sharded"], ["s1"])

    def test_ioredis_cluster_pubsub(self):
        self.run_node_client("ioredis", "ioredis_pubsub.js")

    def test_node_redis_cluster_ssubscribe_spublish(self):
        self.run_node_client("redis", "node_redis_pubsub.js")

    def test_sharded_pubsub_stays_in_shard_and_moves_with_slot(self):
        channel = "shard-news"
        master, replica, slot = self.shard_of(channel)
        others = [n for n in self.nodes if n not in (master, replica)]
        on_master, on_replica = Resp(master.port), Resp(replica.port)
        self.assertEqual(on_master.call("SSUBSCRIBE", channel), ("*", ["ssubscribe", channel, 1]))
        # A replica of the slot's master serves shard channels without READONLY (as Redis).
        self.assertEqual(on_replica.call("SSUBSCRIBE", channel), ("*", ["ssubscribe", channel, 1]))
        wrong = Resp(others[0].port)
        t, err = wrong.call("SSUBSCRIBE", channel)
        self.assertEqual(t, "-")
        self.assertTrue(err.startswith("MOVED %d 127.0.0.1:%d" % (slot, master.port)), err)
        self.assertEqual(wrong.call("SSUBSCRIBE", channel, "other-slot-{x}")[1],
                         "CROSSSLOT Keys in request don't hash to the same slot")
        wrong.close()
        before = {n.port: counter_of(n, "cluster_stats_messages_publishshard_received") for n in others}
        self.assertEqual(master.client().execute_command("SPUBLISH", channel, "s1"), 1)
        self.assertEqual(replica.client().execute_command("SPUBLISH", channel, "s2"), 1)
        for s in (on_master, on_replica):
            self.assertEqual(sorted(s.read()[1][2] for _ in range(2)), ["s1", "s2"])
        self.assertEqual({n.port: counter_of(n, "cluster_stats_messages_publishshard_received") for n in others},
                         before)

        # Move the (empty) slot to another master as redis-cli --cluster reshard does (IMPORTING, MIGRATING, then
        # NODE on the target, which bumps its epoch, and on the source): the old shard's subscribers get
        # sunsubscribe, the master when it gives the slot away, its replica when it learns of it.
        target = next(n for n in others if "master" in rcs.info(n, "replication")["role"])
        target_id = target.cli("CLUSTER", "MYID").strip()
        master_id = master.cli("CLUSTER", "MYID").strip()
        self.assertEqual(target.cli("CLUSTER", "SETSLOT", slot, "IMPORTING", master_id).strip(), "OK")
        self.assertEqual(master.cli("CLUSTER", "SETSLOT", slot, "MIGRATING", target_id).strip(), "OK")
        for n in (target, master):
            self.assertEqual(n.cli("CLUSTER", "SETSLOT", slot, "NODE", target_id).strip(), "OK")
        for s in (on_master, on_replica):
            self.assertEqual(s.read(), ("*", ["sunsubscribe", channel, 0]))
        self.assertEqual(master.client().execute_command("PUBSUB", "SHARDCHANNELS"), [])
        on_master.close()
        on_replica.close()


if __name__ == "__main__":
    rcs.run_tests()
