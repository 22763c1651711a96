"""The rest of redis-cli's cluster manager and the cluster clients against six (then eight) of our nodes:
redis-py's RedisCluster and ioredis's Cluster write and read 10,000 keys and keep working during a live
reshard (following MOVED and ASK); add-node as master and as replica, rebalance, del-node, fix of an open
slot, and redis-benchmark --cluster. Ports 13300-13307 (bus ports +10000)."""
import json
import os
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

PW = "tools-secret"
BASE = int(os.environ.get("RCS_CLUSTER_TOOLS_BASE_PORT", "13300"))
CLIENTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "clients")
nodes = []


def cluster_cli(*args, timeout=180):
    return rcs.cluster_cli(*args, password=PW, timeout=timeout)


# The authenticated cluster bus on (cluster-bus-auth required): add-node, reshard and rebalance over MAC'd links.
CLUSTER = rcs.Cluster([BASE + i for i in range(8)], password=PW, node_timeout=3000,  # 6 + 2 added by test_3
                      bus_secret=True)


def start_node(port):
    s = CLUSTER.node(port).start()
    nodes.append(s)
    return s


def dump_views():
    """Every node's CLUSTER NODES, for failure messages."""
    return "\n".join("--- %d\n%s" % (n.port, n.cli("CLUSTER", "NODES", check=False)) for n in nodes)


def node_id(s):
    return s.cli("CLUSTER", "MYID").strip()


def check_clean(test):
    code, out = cluster_cli("check", "127.0.0.1:%d" % BASE)
    test.assertEqual(code, 0, out)
    test.assertIn("[OK] All nodes agree about slots configuration.", out)
    test.assertIn("[OK] All 16384 slots covered.", out)
    test.assertNotIn("[WARNING]", out)
    return out


def wait_known_by_all(nid, timeout=30):
    """Gossip spreads a new node in a few seconds; redis-cli's check cannot see that (slot-less nodes are not
    in its configuration signature), so wait until every node lists it as connected."""
    def ok():
        for n in nodes:
            if n.proc.poll() is not None:
                continue
            lines = [l for l in n.cli("CLUSTER", "NODES").splitlines() if l.startswith(nid)]
            if not lines or "connected" not in lines[0].split()[7:8]:
                return False
        return True
    try:
        rcs.wait_until(ok, timeout=timeout, interval=0.2, what="node %s known by every node" % nid)
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, dump_views()))


def wait_converged(timeout=30):
    def ok():
        code, out = cluster_cli("check", "127.0.0.1:%d" % BASE, timeout=30)
        return code == 0 and "[WARNING]" not in out and "[ERR]" not in out
    rcs.wait_until(ok, timeout=timeout, interval=0.5, what="redis-cli --cluster check to be clean")


def ioredis(mode, arg, timeout=240):
    out = subprocess.run(["node", os.path.join(CLIENTS_DIR, "ioredis_cluster.js"), str(BASE), PW, mode, str(arg)],
                         capture_output=True, text=True, timeout=timeout, cwd=CLIENTS_DIR)
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    return json.loads(lines[-1]) if lines else {"ok": False, "error": out.stdout + out.stderr}


def setUpModule():
    try:
        for i in range(6):
            start_node(BASE + i)
        CLUSTER.create(nodes)
    except BaseException:
        CLUSTER.stop()  # unittest does not run tearDownModule after a failed setUpModule
        raise


def tearDownModule():
    CLUSTER.stop()


class ClusterToolsTest(unittest.TestCase):
    def test_1_clients_write_and_read_10000_keys(self):
        from redis.cluster import RedisCluster
        rc = RedisCluster(host="127.0.0.1", port=BASE, password=PW, socket_timeout=10)
        for i in range(10000):
            rc.set("py:%d" % i, i)
        self.assertEqual([rc.get("py:%d" % i) for i in range(0, 10000, 97)],
                         [str(i).encode() for i in range(0, 10000, 97)])
        slots = {rc.keyslot("py:%d" % i) for i in range(10000)}
        self.assertGreater(len(slots), 5000)  # keys spread over the slots of all three masters
        r = ioredis("write-read", 10000)
        self.assertTrue(r["ok"], r)
        total = sum(int(n.cli("DBSIZE").strip()) for n in nodes[:3])
        self.assertEqual(total, 20000)

    def test_2_clients_follow_moved_and_ask_during_a_live_reshard(self):
        from redis.cluster import RedisCluster
        rc = RedisCluster(host="127.0.0.1", port=BASE, password=PW, socket_timeout=10)
        py_result = {"errors": 0, "ops": 0}
        stop = threading.Event()

        def py_loop():
            i = 0
            deadline = time.monotonic() + 600  # bounded even if the test fails before it sets `stop`
            while not stop.is_set() and time.monotonic() < deadline:
                k = "pylive:%d" % (i % 5000)
                try:
                    rc.set(k, i)
                    if rc.get(k) != str(i).encode():
                        py_result["errors"] += 1
                    py_result["ops"] += 2
                except Exception as e:  # noqa: BLE001 - counted and reported
                    py_result["errors"] += 1
                    py_result["last"] = repr(e)
                i += 1

        t = threading.Thread(target=py_loop, daemon=True)
        t.start()
        io = {}
        tio = threading.Thread(target=lambda: io.update(ioredis("loop", 12)))
        tio.start()
        time.sleep(1)
        src, dst = node_id(nodes[0]), node_id(nodes[1])
        code, out = cluster_cli("reshard", "127.0.0.1:%d" % BASE, "--cluster-from", src, "--cluster-to", dst,
                                "--cluster-slots", "1500", "--cluster-yes", "--cluster-pipeline", "50")
        tio.join(120)
        stop.set()
        t.join(30)
        self.assertEqual(code, 0, out[-2000:])
        self.assertTrue(io.get("ok"), io)
        self.assertGreater(io["ops"], 100)
        self.assertEqual(py_result["errors"], 0, py_result)
        self.assertGreater(py_result["ops"], 100)
        wait_converged()
        check_clean(self)
        # Every key written before is still readable after the slots moved.
        self.assertEqual([rc.get("py:%d" % i) for i in range(0, 10000, 13)],
                         [str(i).encode() for i in range(0, 10000, 13)])

    def test_3_add_node_master_and_replica_rebalance_del_node(self):
        new_master = start_node(BASE + 6)
        code, out = cluster_cli("add-node", "127.0.0.1:%d" % (BASE + 6), "127.0.0.1:%d" % BASE)
        self.assertEqual(code, 0, out)
        self.assertIn("[OK] New node added correctly.", out)
        master_id = node_id(new_master)
        wait_known_by_all(master_id)
        wait_converged()
        new_replica = start_node(BASE + 7)
        code, out = cluster_cli("add-node", "127.0.0.1:%d" % (BASE + 7), "127.0.0.1:%d" % BASE, "--cluster-slave",
                                "--cluster-master-id", master_id)
        self.assertEqual(code, 0, out + dump_views())
        rcs.wait_until(lambda: ("slave " + master_id) in nodes[0].cli("CLUSTER", "NODES"), timeout=20,
                       what="the new replica to be known as a replica of the new master")
        wait_known_by_all(node_id(new_replica))
        code, out = cluster_cli("rebalance", "127.0.0.1:%d" % BASE, "--cluster-use-empty-masters",
                                "--cluster-pipeline", "50")
        self.assertEqual(code, 0, out[-2000:])
        wait_converged()
        slots = [l for l in nodes[0].cli("CLUSTER", "NODES").splitlines() if l.startswith(master_id)][0].split()[8:]
        self.assertTrue(slots, "the new master got slots from rebalance")
        rcs.wait_until(lambda: new_replica.cli("INFO", "replication").find("master_link_status:up") >= 0,
                       timeout=20, what="the new replica's link up")
        check_clean(self)
        # Empty the new master again (weight 0), then remove both new nodes.
        code, out = cluster_cli("rebalance", "127.0.0.1:%d" % BASE, "--cluster-weight", "%s=0" % master_id,
                                "--cluster-pipeline", "50")
        self.assertEqual(code, 0, out[-2000:])
        wait_converged()
        replica_id = node_id(new_replica)
        code, out = cluster_cli("del-node", "127.0.0.1:%d" % BASE, replica_id)
        self.assertEqual(code, 0, out)
        code, out = cluster_cli("del-node", "127.0.0.1:%d" % BASE, master_id)
        self.assertEqual(code, 0, out)
        # redis-cli 7.0's del-node resets the removed node (CLUSTER RESET SOFT): it knows only itself again.
        for gone in (new_master, new_replica):
            self.assertEqual(len(gone.cli("CLUSTER", "NODES").strip().splitlines()), 1)
            self.assertIn("cluster_known_nodes:1", gone.cli("CLUSTER", "INFO"))
            nodes.remove(gone)
            gone.stop()
        rcs.wait_until(lambda: master_id not in nodes[0].cli("CLUSTER", "NODES"), timeout=20,
                       what="the removed master to be forgotten")
        wait_converged()
        check_clean(self)

    def test_4_fix_closes_an_open_slot(self):
        owner = nodes[2]
        other = nodes[1]
        slot = None
        # Pick a slot the owner serves.
        for line in owner.cli("CLUSTER", "NODES").splitlines():
            if "myself" in line:
                first_range = line.split()[8]
                slot = int(first_range.split("-")[0])
        self.assertIsNotNone(slot)
        self.assertEqual(other.cli("CLUSTER", "SETSLOT", slot, "IMPORTING", node_id(owner)).strip(), "OK")
        code, out = cluster_cli("check", "127.0.0.1:%d" % BASE)
        self.assertIn("open slot", out.lower())
        code, out = cluster_cli("fix", "127.0.0.1:%d" % BASE, "--cluster-yes")
        self.assertEqual(code, 0, out[-2000:])
        wait_converged()
        check_clean(self)

    def test_5_redis_benchmark_cluster(self):
        cmd = [rcs.REDIS_BENCHMARK, "--cluster", "-h", "127.0.0.1", "-p", str(BASE), "-a", PW, "-n", "30000",
               "-c", "20", "-t", "set,get,incr,lpush,hset", "-q"]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        self.assertEqual(out.returncode, 0, out.stderr)
        lines = [l for l in out.stdout.replace("\r", "\n").splitlines() if "requests per second" in l]
        self.assertEqual(len(lines), 5, out.stdout[-2000:])
        self.assertNotIn("MOVED", out.stdout + out.stderr)


if __name__ == "__main__":
    rcs.run_tests()
