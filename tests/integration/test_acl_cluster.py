"""masteruser: a replica (port 21231) of our master (21230) authenticates as an ACL user that may only replicate;
without +psync it cannot, and the master's ACL LOG says so.

ACL users on our 3+3 cluster (ports 21220-21225) with real cluster clients: every node has the users from
`user` lines in its configuration; redis-py's RedisCluster and ioredis's Cluster connect as user `app`
(username and password) and follow MOVED to every master with those credentials; the user's key patterns,
categories and channels are enforced on every node (-NOPERM as redis-py's NoPermissionError), and a user
without a password cannot log in.
"""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402
import redis  # noqa: E402
from redis.cluster import RedisCluster  # noqa: E402

PORTS = list(range(21220, 21226))
CLIENTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "clients")
USERS = [
    "--user", "app", "on", ">app-pw", "~app:*", "~io:*", "&app:*", "+@all", "-@dangerous", "+info",
    "--user", "reader", "on", ">reader-pw", "~*", "-@all", "+@read", "+cluster|slots", "+cluster|shards",
    "+command", "+ping", "+hello", "+client|setname", "+readonly", "+info",
]


class AclClusterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = rcs.Cluster(PORTS, node_timeout=5000, args=USERS)
        cls.nodes = cls.cluster.start(linked=True).nodes

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stop()

    def test_users_on_every_node(self):
        for n in self.nodes:
            with rcs.Resp(n.port) as c:
                users = c.call("ACL", "USERS")[1]
                self.assertEqual(users, ["app", "default", "reader"], n.port)
                self.assertEqual(c.call("AUTH", "app", "app-pw"), ("+", "OK"))
                self.assertEqual(c.call("ACL", "WHOAMI"), ("$", "app"))
                self.assertEqual(c.call("AUTH", "app", "wrong")[1],
                                 "WRONGPASS invalid username-password pair or user is disabled.")

    def test_redis_py_cluster_as_user(self):
        rc = RedisCluster(host="127.0.0.1", port=PORTS[0], username="app", password="app-pw", socket_timeout=10)
        try:
            for i in range(300):
                rc.set("app:%d" % i, "v%d" % i)
            for i in range(300):
                self.assertEqual(rc.get("app:%d" % i), b"v%d" % i)
            # The keys spread over every master: the client followed MOVED as `app` on each of them.
            owners = {rcs.slot_owner(self.cluster.view(), rcs.key_slot("app:%d" % i)) for i in range(300)}
            self.assertEqual(len(owners), 3)
            with self.assertRaises(redis.exceptions.NoPermissionError) as e:
                rc.set("other:1", "v")
            self.assertIn("no permissions to access one of the keys", str(e.exception))
            with self.assertRaises(redis.exceptions.NoPermissionError):
                rc.execute_command("FLUSHALL", target_nodes=RedisCluster.PRIMARIES)
            self.assertEqual(rc.publish("app:news", "hello"), 0)
            with self.assertRaises(redis.exceptions.NoPermissionError):
                rc.publish("other", "hello")
        finally:
            rc.close()
        reader = RedisCluster(host="127.0.0.1", port=PORTS[1], username="reader", password="reader-pw",
                              socket_timeout=10)
        try:
            self.assertEqual(reader.get("app:7"), b"v7")
            with self.assertRaises(redis.exceptions.NoPermissionError) as e:
                reader.set("app:7", "x")
            self.assertIn("no permissions to run the 'set' command", str(e.exception))
        finally:
            reader.close()

    def test_ioredis_cluster_as_user(self):
        env = dict(os.environ, RCS_USERNAME="app")
        out = subprocess.run(["node", os.path.join(CLIENTS_DIR, "ioredis_cluster.js"), str(PORTS[0]), "app-pw",
                              "write-read", "500"], capture_output=True, text=True, timeout=120, env=env, cwd=CLIENTS_DIR)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertTrue(json.loads(out.stdout.strip().splitlines()[-1])["ok"], out.stdout)
        with rcs.Resp(PORTS[0]) as c:
            self.assertEqual(c.call("AUTH", "app", "bad")[0], "-")
            log = c.call("ACL", "LOG", "50")[1]
            entries = [dict(zip(e[0::2], e[1::2])) for e in log]
            self.assertIn(("auth", "app"), {(e["reason"], e["username"]) for e in entries})

class MasterUserTest(rcs.ServersTestCase):
    def test_replica_authenticates_as_masteruser(self):
        master = self.server(21230, "master", args=[
            "--user", "default", "on", ">admin-pw", "~*", "&*", "+@all",
            "--user", "repl", "on", ">repl-pw", "-@all", "+psync", "+replconf", "+ping"]).start(wait=False)
        # The default user has a password: wait for the port rather than for an unauthenticated PING.
        rcs.wait_until(lambda: not rcs.port_free(21230), timeout=10, what="the master to listen on 21230")
        replica = self.server(21231, "replica", args=["--masteruser", "repl", "--masterauth", "repl-pw",
                                                      "--replicaof", "127.0.0.1", "21230"]).start()
        with rcs.Resp(21230, password="admin-pw") as m, rcs.Resp(21231) as r:
            self.assertEqual(m.call("SET", "k", "v"), ("+", "OK"))
            rcs.wait_until(lambda: r.call("GET", "k") == ("$", "v"), timeout=20,
                           what="the replica to sync as user repl")
            clients = m.call("CLIENT", "LIST")[1]
            self.assertIn("user=repl", clients)
            # Without PSYNC the user cannot replicate: the link stays down and the denial is logged.
            self.assertEqual(m.call("ACL", "SETUSER", "repl", "-psync"), ("+", "OK"))
            self.assertEqual(m.call("CLIENT", "KILL", "USER", "repl")[0], ":")
            rcs.wait_until(lambda: any(dict(zip(e[0::2], e[1::2]))["object"] == "psync"
                                       for e in m.call("ACL", "LOG")[1]),
                           timeout=20, what="the master to log the refused PSYNC")
            self.assertIn("master_link_status:down", r.call("INFO", "replication")[1])


if __name__ == "__main__":
    rcs.run_tests()
