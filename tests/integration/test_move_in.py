"""Moving in from Debian's redis-server 7.0.15, the three ways the README's "Moving in from Redis" shows, each
with the README's commands (ports 20850-20874, 21000-21005).

Keep the volumes
- cluster (20850-20852): a 3-master redis-server cluster with appendonly yes and otherwise default persistence
  (so each directory has nodes.conf, appendonlydir/ with an RDB base written by BGREWRITEAOF and an incremental
  AOF with the writes after it, and the dump.rdb of the save points); its nodes are replaced one by one by ours
  on the same directories and ports. Each of ours keeps the node ID and slots of nodes.conf and every key of its
  AOF; once all three are ours the cluster is ok and every key reads the same through `redis-cli -c`; new writes
  go to the incremental AOF, and a node restarted on its own comes back with all of its keys (and REPLICAOF is
  refused in cluster mode, as the README says).
- cluster with replicas (21000-21005): a 3+3 redis-server cluster all stopped, then all started as ours: every
  node keeps its ID, role and master, the replicas link again, every key.
- standalone (20853): dump.rdb only (appendonly no): our node loads it, and saves it again at shutdown.
Backups (20857): BGSAVE and `redis-cli --rdb FILE`, each restored as dump.rdb; a dump.rdb into an appendonly node
  (CONFIG SET appendonly yes); a copy of appendonlydir/.
Replicate (20855, 20856): our node REPLICAOF a redis-server master with data of every type while writes keep
  flowing, then REPLICAOF NO ONE: every key, and it takes writes.
Import (20860-20863): `redis-cli --cluster import` from a redis-server standalone node into our 3-master cluster
  with --cluster-copy, again with --cluster-replace, then without --cluster-copy (the keys move).
MIGRATE (20870-20873): a sequence of MIGRATE forms (single key, KEYS, COPY, REPLACE, AUTH, AUTH2, NOKEY, BUSYKEY,
  wrong password, nothing listening) run redis-server -> redis-server, ours -> redis-server and
  redis-server -> ours; the replies and the keys on both sides compared."""
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
sys.path.insert(0, os.path.dirname(__file__))
import rcs  # noqa: E402
from test_replicate_redis import Writer  # noqa: E402

logging.getLogger("redis").setLevel(logging.CRITICAL)

VOLUME_PORTS = [20850, 20851, 20852]
REPLICA_PORTS = [21000 + i for i in range(6)]  # 3 masters + 3 replicas
STANDALONE = 20853
REPL_MASTER, REPL_OURS = 20855, 20856
BACKUP_PORT = 20857
IMPORT_PORTS, IMPORT_SOURCE = [20860, 20861, 20862], 20863
MIG_REDIS_SRC, MIG_REDIS_DST, MIG_OURS_SRC, MIG_OURS_DST = 20870, 20871, 20872, 20873
MIG_NOTHING = 20874  # nothing listens here
DEFAULT_SAVE = "3600 1 300 100 60 10000"  # redis-server's save points when no configuration file sets them
NKEYS = 1500


def populate(client, prefix="k", n=NKEYS):
    """`n` keys of every type (strings, lists, hashes, sets, sorted sets), every 50th one past the small
    encodings' limits, every 7th one with a TTL of an hour. `client` may be a redis.Redis or a RedisCluster."""
    pipe = client.pipeline(transaction=False)
    for i in range(n):
        kind = i % 5
        big = i % 50 == 0
        m = 300 if big else 1 + i % 6
        key = "%s:%d:%d" % (prefix, kind, i)
        if kind == 0:
            pipe.set(key, ("v%d-" % i) * (100 if big else 1) if i % 2 else str(i * 7919))
        elif kind == 1:
            pipe.rpush(key, *["e%d" % j for j in range(m)])
        elif kind == 2:
            pipe.hset(key, mapping={"f%d" % j: "x%d" % (i + j) for j in range(m)})
        elif kind == 3:
            pipe.sadd(key, *([j * 3 for j in range(m)] if i % 2 else ["m%d" % j for j in range(m)]))
        else:
            pipe.zadd(key, {"z%d" % j: j * 1.5 - i for j in range(m)})
        if i % 7 == 0:
            pipe.expire(key, 3600)
        if i % 300 == 299:
            pipe.execute()
    pipe.execute()


def all_keys(nodes):
    keys = []
    for n in nodes:
        keys += [k.decode() for k in n.client().scan_iter(count=1000)]
    return sorted(keys)


def snapshot(client, keys):
    """{key: ((type, value), has a TTL)}."""
    return {k: (rcs.key_contents(client, k), client.ttl(k) > 0) for k in keys}


def topology(node):
    """{port: (node id, "master" or "slave", master id)} in `node`'s CLUSTER NODES."""
    return {p: (v[0], "master" if "master" in v[1].split(",") else "slave", v[2])
            for p, v in rcs.cluster_nodes(node).items()}


def cluster_client(port):
    from redis.cluster import RedisCluster
    return RedisCluster(host="127.0.0.1", port=port, socket_timeout=10)


def redis_cli_c_exists(port, keys):
    """EXISTS of every key through `redis-cli -c` (following -MOVED), one command a line on its stdin: how many
    answered 1."""
    out = subprocess.run([rcs.REDIS_CLI, "-c", "-p", str(port)], input="".join("EXISTS %s\n" % k for k in keys),
                         capture_output=True, text=True, timeout=60)
    return out.stdout.split().count("1")


def shutdown(server):
    """`redis-cli SHUTDOWN` (redis-server and ours save dump.rdb when there are save points, and flush the AOF),
    then waits for the process to exit; the directory is kept."""
    server.cli("SHUTDOWN", check=False)
    try:
        server.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        raise AssertionError("node %d did not exit after SHUTDOWN:\n%s" % (server.port, server.log_tail()))
    server.stop()


def wait_rewritten(server):
    """Waits until redis-server's BGREWRITEAOF is over and its manifest names a new RDB base."""
    def done():
        if rcs.info(server, "persistence").get("aof_rewrite_in_progress") != "0":
            return False
        with open(os.path.join(server.dir, "appendonlydir", "appendonly.aof.manifest")) as f:
            return any(".base.rdb" in line and " seq 1 " not in line for line in f)
    rcs.wait_until(done, timeout=30, what="BGREWRITEAOF of %d" % server.port)


def incr_aof(server):
    """The incremental AOF file its manifest names (its path)."""
    d = os.path.join(server.dir, "appendonlydir")
    with open(os.path.join(d, "appendonly.aof.manifest")) as f:
        for line in f:
            parts = line.split()
            if parts[-1] == "i":
                return os.path.join(d, parts[1])
    raise AssertionError("no incremental AOF in the manifest of %d" % server.port)


class KeepTheVolumesTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="rcs-move-in-")
        self.started = []

    def tearDown(self):
        for s in self.started:
            s.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def test_cluster_nodes_replaced_one_by_one_on_their_directories(self):
        args = ["--appendonly", "yes", "--save", DEFAULT_SAVE]
        theirs = rcs.Cluster(VOLUME_PORTS, binary=rcs.REDIS_SERVER, replicas=0, node_timeout=2000, args=args,
                             root=self.root)
        self.started += theirs.nodes
        theirs.start()
        c = cluster_client(VOLUME_PORTS[0])
        populate(c)
        for n in theirs.nodes:
            n.cli("BGREWRITEAOF")
        for n in theirs.nodes:
            wait_rewritten(n)
        # Writes after the rewrite: only in the incremental AOF.
        for i in range(0, NKEYS, 10):
            c.incrby("k:0:%d" % i, 1000)  # k:0:<even> hold integers
            c.hset("k:2:%d" % (i + 2), "after", "rewrite")
        for i in range(0, 100):
            c.delete("k:1:%d" % (i * 5 + 1))
            c.set("late:%d" % i, i, ex=7200 if i % 2 else None)
        c.close()
        keys = all_keys(theirs.nodes)
        self.assertEqual(len(keys), NKEYS)  # 100 deleted, 100 added
        want = snapshot(cluster_client(VOLUME_PORTS[0]), keys)
        ids = {n.port: n.cli("CLUSTER", "MYID").strip() for n in theirs.nodes}
        slots = {n.port: rcs.cluster_nodes(n)[n.port][3] for n in theirs.nodes}
        sizes = {n.port: n.client().dbsize() for n in theirs.nodes}

        # One by one: stop redis-server, start ours on its directory and ports (the same command line).
        ours = []
        for n in theirs.nodes:
            shutdown(n)
            for name in ("nodes.conf", "dump.rdb", "appendonlydir"):
                self.assertTrue(os.path.exists(os.path.join(n.dir, name)), name)
            o = rcs.Server(n.port, args=["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                                         "--cluster-node-timeout", "2000"] + args, workdir=n.dir)
            self.started.append(o)
            log_start = os.path.getsize(o.log_path)
            ours.append(o.start())
            with open(o.log_path, errors="replace") as f:
                f.seek(log_start)
                log = f.read()
            self.assertIn("RDB is base AOF", log)  # appendonlydir/, not dump.rdb
            self.assertIn("DB loaded from append only file", log)
            self.assertEqual(o.cli("CLUSTER", "MYID").strip(), ids[o.port])
            self.assertEqual(rcs.cluster_nodes(o)[o.port][3], slots[o.port])
            self.assertEqual(o.client().dbsize(), sizes[o.port])
        t0 = time.monotonic()
        rcs.wait_cluster_ok(ours, timeout=30, known=3)
        print("\ncluster_state:ok on all three %.1f s after the last one started" % (time.monotonic() - t0),
              file=sys.stderr)
        self.assertIn("REPLICAOF not allowed in cluster mode", ours[0].cli("REPLICAOF", "127.0.0.1", REPL_MASTER))
        self.assertEqual(redis_cli_c_exists(VOLUME_PORTS[0], keys), len(keys))
        c = cluster_client(VOLUME_PORTS[1])
        got = snapshot(c, keys)
        self.assertEqual([k for k in keys if got[k] != want[k]][:5], [])

        # New writes are appended to the incremental AOF redis-server started.
        before = {o.port: os.path.getsize(incr_aof(o)) for o in ours}
        for i in range(300):
            c.set("new:%d" % i, "ours-%d" % i)
        for o in ours:
            self.assertGreater(os.path.getsize(incr_aof(o)), before[o.port])
            with open(incr_aof(o), "rb") as f:
                self.assertIn(b"ours-", f.read())
        c.close()

        # Each node restarted on its own comes back with its keys, the cluster ok again.
        for o in ours:
            n_before = o.client().dbsize()
            shutdown(o)
            o.start()
            self.assertEqual(o.client().dbsize(), n_before)
            rcs.wait_cluster_ok(ours, timeout=30, known=3)
        c = cluster_client(VOLUME_PORTS[2])
        got = snapshot(c, keys)
        self.assertEqual([k for k in keys if got[k] != want[k]][:5], [])
        self.assertEqual([c.get("new:%d" % i) for i in range(300)], [b"ours-%d" % i for i in range(300)])
        self.assertEqual(redis_cli_c_exists(VOLUME_PORTS[2], ["new:%d" % i for i in range(300)]), 300)
        c.close()

    def test_cluster_with_replicas_stopped_and_started_together(self):
        args = ["--appendonly", "yes", "--save", DEFAULT_SAVE]
        theirs = rcs.Cluster(REPLICA_PORTS, binary=rcs.REDIS_SERVER, replicas=1, node_timeout=2000, args=args,
                             root=self.root)
        self.started += theirs.nodes
        theirs.start(linked=True)
        c = cluster_client(REPLICA_PORTS[0])
        populate(c)
        c.close()
        keys = all_keys(theirs.masters())
        self.assertEqual(len(keys), NKEYS)
        rcs.wait_until(lambda: sum(n.client().dbsize() for n in theirs.nodes) == 2 * NKEYS, timeout=30,
                       what="the replicas to hold every key")
        want = snapshot(cluster_client(REPLICA_PORTS[0]), keys)
        topology_before = topology(theirs.nodes[0])
        # The replicas first: none of them can then take over a master that is already stopped.
        for n in sorted(theirs.nodes, key=lambda n: topology_before[n.port][1] == "master"):
            shutdown(n)
        ours = []
        for n in theirs.nodes:
            o = rcs.Server(n.port, args=["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                                         "--cluster-node-timeout", "2000"] + args, workdir=n.dir)
            self.started.append(o)
            ours.append(o.start())
        rcs.wait_cluster_ok(ours, timeout=30, known=6)
        for o in ours:
            if topology_before[o.port][1] == "slave":
                rcs.wait_until(lambda o=o: rcs.info(o, "replication").get("master_link_status") == "up",
                               timeout=30, what="replica %d's link to its master" % o.port)
        # Every node keeps its ID, its role and its master.
        self.assertEqual(topology(ours[0]), topology_before)
        got = snapshot(cluster_client(REPLICA_PORTS[3]), keys)
        self.assertEqual([k for k in keys if got[k] != want[k]][:5], [])
        rcs.wait_until(lambda: sum(o.client().dbsize() for o in ours) == 2 * NKEYS, timeout=30,
                       what="our replicas to hold every key")

    def test_standalone_dump_rdb(self):
        d = os.path.join(self.root, "standalone")
        os.makedirs(d)
        theirs = rcs.Server(STANDALONE, binary=rcs.REDIS_SERVER, args=["--save", DEFAULT_SAVE], workdir=d)
        self.started.append(theirs)
        theirs.start()
        populate(theirs.client())
        keys = all_keys([theirs])
        want = snapshot(theirs.client(), keys)
        shutdown(theirs)  # saves dump.rdb (there are save points)
        self.assertEqual(sorted(os.listdir(d)), ["dump.rdb", "server.log"])

        ours = rcs.Server(STANDALONE, args=["--save", DEFAULT_SAVE], workdir=d)
        self.started.append(ours)
        ours.start()
        oc = ours.client()
        self.assertEqual(oc.dbsize(), NKEYS)
        self.assertEqual(snapshot(oc, keys), want)
        oc.set("new", "ours")
        shutdown(ours)  # saves dump.rdb too
        ours.start()
        oc = ours.client()
        self.assertEqual(oc.get("new"), b"ours")
        self.assertEqual(snapshot(oc, keys), want)


class BackupRestoreTest(unittest.TestCase):
    """The README's backups (BGSAVE, redis-cli --rdb) and restores (dump.rdb or appendonlydir/ put into a stopped
    node's directory), on our node."""

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="rcs-backup-")
        self.started = []

    def tearDown(self):
        for s in self.started:
            s.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def node(self, name, *args):
        d = os.path.join(self.root, name)
        os.makedirs(d, exist_ok=True)
        s = rcs.Server(BACKUP_PORT, args=list(args), workdir=d)
        self.started.append(s)
        return s

    def test_bgsave_and_rdb_backups_and_their_restores(self):
        live = self.node("live", "--appendonly", "yes").start()
        populate(live.client())
        keys = all_keys([live])
        want = snapshot(live.client(), keys)
        before = int(live.cli("LASTSAVE"))
        self.assertEqual(live.cli("BGSAVE").strip(), "Background saving started")
        rcs.wait_until(lambda: rcs.info(live, "persistence").get("rdb_bgsave_in_progress") == "0" and
                       int(live.cli("LASTSAVE")) >= before and
                       os.path.exists(os.path.join(live.dir, "dump.rdb")), timeout=30, what="BGSAVE to finish")
        self.assertEqual(rcs.info(live, "persistence").get("rdb_last_bgsave_status"), "ok")
        copy = os.path.join(self.root, "copy.rdb")
        out = subprocess.run([rcs.REDIS_CLI, "-p", str(BACKUP_PORT), "--rdb", copy], capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("Transfer finished with success", out.stderr)
        rcs.check_rdb(copy)
        shutdown(live)

        # Each file as dump.rdb in a stopped node's directory (appendonly no): every key.
        for name, path in (("from-bgsave", os.path.join(live.dir, "dump.rdb")), ("from-rdb", copy)):
            n = self.node(name)
            shutil.copy(path, os.path.join(n.dir, "dump.rdb"))
            n.start()
            self.assertEqual(snapshot(n.client(), keys), want, name)
            if name == "from-rdb":
                # Into an appendonly node: switch the AOF on at run time (it writes a base of the data), then
                # restart with appendonly yes.
                self.assertEqual(n.cli("CONFIG", "SET", "appendonly", "yes").strip(), "OK")
                rcs.wait_until(lambda: rcs.info(n, "persistence").get("aof_rewrite_in_progress") == "0" and
                               rcs.info(n, "persistence").get("aof_rewrite_scheduled") == "0" and
                               rcs.info(n, "persistence").get("aof_enabled") == "1", timeout=30,
                               what="the AOF base after CONFIG SET appendonly yes")
            shutdown(n)
        n = self.node("from-rdb", "--appendonly", "yes")
        os.remove(os.path.join(n.dir, "dump.rdb"))  # the data comes from appendonlydir/ alone
        n.start()
        self.assertEqual(snapshot(n.client(), keys), want)
        shutdown(n)

        # A copy of the stopped node's appendonlydir/ (appendonly yes).
        n = self.node("from-aof", "--appendonly", "yes")
        shutil.copytree(os.path.join(live.dir, "appendonlydir"), os.path.join(n.dir, "appendonlydir"))
        n.start()
        self.assertEqual(snapshot(n.client(), keys), want)


class ReplicateTest(unittest.TestCase):
    def test_replicaof_redis_then_promote(self):
        master = rcs.Server(REPL_MASTER, binary=rcs.REDIS_SERVER, args=["--repl-diskless-sync-delay", "1"])
        ours = rcs.Server(REPL_OURS)
        try:
            master.start()
            mc = master.client()
            populate(mc)
            ours.start()
            oc = ours.client()
            writer = Writer(master.client(), "flow")
            writer.start()
            self.assertEqual(oc.execute_command("REPLICAOF", "127.0.0.1", REPL_MASTER), b"OK")
            rcs.wait_until(lambda: rcs.info(ours, "replication").get("master_link_status") == "up",
                           timeout=30, what="our node's link to the redis-server master")
            written = writer.finish()
            rcs.wait_until(lambda: rcs.info(ours, "replication").get("master_repl_offset") ==
                           rcs.info(master, "replication").get("master_repl_offset"),
                           timeout=30, what="our node to reach the master's offset")
            keys = [k for k in all_keys([master]) if k.startswith("k:")]
            self.assertEqual(len(keys), NKEYS)
            self.assertEqual(mc.dbsize(), NKEYS + written)
            want = snapshot(mc, keys)
            self.assertEqual(oc.execute_command("REPLICAOF", "NO", "ONE"), b"OK")
            self.assertEqual(rcs.info(ours, "replication").get("role"), "master")
            got = snapshot(oc, keys)
            self.assertEqual([k for k in keys if got[k] != want[k]][:5], [])
            self.assertEqual(oc.dbsize(), NKEYS + written)
            for start in range(0, written, 1000):  # the writer's keys, flow:<n> = n
                n = range(start, min(written, start + 1000))
                self.assertEqual(oc.mget(["flow:%d" % i for i in n]), [str(i).encode() for i in n])
            self.assertTrue(oc.set("after-promotion", "1"))
        finally:
            ours.stop()
            master.stop()


class ImportTest(unittest.TestCase):
    def test_cluster_import_from_a_redis_server(self):
        source = rcs.Server(IMPORT_SOURCE, binary=rcs.REDIS_SERVER)
        with rcs.Cluster(IMPORT_PORTS, replicas=0) as ours:
            try:
                ours.start()
                source.start()
                sc = source.client()
                populate(sc)
                keys = all_keys([source])
                want = snapshot(sc, keys)
                target = "127.0.0.1:%d" % IMPORT_PORTS[0]
                frm = "127.0.0.1:%d" % IMPORT_SOURCE

                rc, out = rcs.cluster_cli("import", target, "--cluster-from", frm, "--cluster-copy")
                self.assertEqual((rc, migrated(out)), (0, NKEYS), out[-2000:])
                c = cluster_client(IMPORT_PORTS[0])
                got = snapshot(c, keys)
                self.assertEqual([k for k in keys if got[k] != want[k]][:5], [])
                self.assertEqual(sc.dbsize(), NKEYS)  # copied: still there

                # Changed at the source: a second import is refused key by key (BUSYKEY), --cluster-replace
                # overwrites.
                sc.set("k:0:10", "changed")
                sc.rpush("k:1:6", "more")
                rc, out = rcs.cluster_cli("import", target, "--cluster-from", frm, "--cluster-copy")
                self.assertIn("BUSYKEY Target key name already exists.", out)
                self.assertEqual(c.get("k:0:10"), str(10 * 7919).encode())
                rc, out = rcs.cluster_cli("import", target, "--cluster-from", frm, "--cluster-copy",
                                          "--cluster-replace")
                self.assertEqual((rc, migrated(out)), (0, NKEYS), out[-2000:])
                self.assertEqual(c.get("k:0:10"), b"changed")
                self.assertEqual(c.lrange("k:1:6", -1, -1), [b"more"])

                # Without --cluster-copy the keys move.
                sc.set("moved", "yes")
                rc, out = rcs.cluster_cli("import", target, "--cluster-from", frm, "--cluster-replace")
                self.assertEqual((rc, migrated(out)), (0, NKEYS + 1), out[-2000:])
                self.assertEqual(sc.dbsize(), 0)
                self.assertEqual(c.get("moved"), b"yes")
                self.assertEqual(sum(m.client().dbsize() for m in ours.nodes), NKEYS + 1)
                c.close()
            finally:
                source.stop()


MIGRATE_DATA = [
    ["SET", "s1", "one"], ["SET", "s2", "two"], ["SET", "s3", "three", "PX", "3600000"],
    ["RPUSH", "l1", "a", "b", "c"], ["HSET", "h1", "f", "v", "g", "w"], ["SADD", "set1", "x", "y"],
    ["ZADD", "z1", "1", "a", "2.5", "b"], ["SET", "big", "x" * 5000], ["RPUSH", "l2"] + [str(i) for i in range(500)],
]
TARGET_DATA = [["SET", "s2", "already-there"], ["SET", "l1", "already-there"]]
PASSWORD = "s3cret"


def migrate_sequence(port):
    """MIGRATE commands to 127.0.0.1:`port` (a target with requirepass PASSWORD), the keys each one touches."""
    h, p = "127.0.0.1", str(port)
    return [
        (["MIGRATE", h, p, "s1", "0", "5000"], ["s1"]),  # no AUTH: the target's NOAUTH
        (["MIGRATE", h, p, "s1", "0", "5000", "AUTH", "wrong"], ["s1"]),
        (["MIGRATE", h, p, "s1", "0", "5000", "AUTH", PASSWORD], ["s1"]),
        (["MIGRATE", h, p, "s1", "0", "5000", "AUTH", PASSWORD], ["s1"]),  # NOKEY
        (["MIGRATE", h, p, "s2", "0", "5000", "AUTH", PASSWORD], ["s2"]),  # BUSYKEY
        (["MIGRATE", h, p, "s2", "0", "5000", "COPY", "AUTH", PASSWORD], ["s2"]),
        (["MIGRATE", h, p, "s2", "0", "5000", "COPY", "REPLACE", "AUTH", PASSWORD], ["s2"]),
        (["MIGRATE", h, p, "s3", "0", "5000", "AUTH2", "default", PASSWORD], ["s3"]),
        (["MIGRATE", h, p, "", "0", "5000", "AUTH", PASSWORD, "KEYS", "h1", "nosuch", "set1"],
         ["h1", "nosuch", "set1"]),
        (["MIGRATE", h, p, "", "0", "5000", "AUTH", PASSWORD, "KEYS", "nosuch", "nosuch2"], ["nosuch"]),
        (["MIGRATE", h, p, "", "0", "5000", "AUTH", PASSWORD, "KEYS", "l1", "z1"], ["l1", "z1"]),  # l1: BUSYKEY
        (["MIGRATE", h, p, "", "0", "5000", "COPY", "REPLACE", "AUTH", PASSWORD, "KEYS", "l1", "s2"], ["l1", "s2"]),
        (["MIGRATE", h, p, "", "0", "5000", "REPLACE", "AUTH", PASSWORD, "KEYS", "l1", "big", "l2"],
         ["l1", "big", "l2"]),
        # s2 is still at the source (copied):
        (["MIGRATE", h, p, "s2", "0", "5000", "AUTH", PASSWORD, "KEYS", "s2"], ["s2"]),  # a key and KEYS
        (["MIGRATE", h, p, "s2", "0", "5000", "BOGUS"], ["s2"]),
        (["MIGRATE", h, str(MIG_NOTHING), "s2", "0", "1000"], ["s2"]),  # nothing listens
    ]


def migrated(out):
    """How many keys `redis-cli --cluster import` reports as moved ("Migrating <key> to <addr>: OK")."""
    return len(re.findall(r"Migrating \S+ to \S+: \S*OK", out))


def reply_of(client, cmd):
    try:
        return client.execute_command(*cmd)
    except Exception as e:  # noqa: BLE001 - the error reply is what is compared
        return "error: %s" % e


class MigrateTest(unittest.TestCase):
    def run_pair(self, src, dst):
        """Every MIGRATE of migrate_sequence from `src` to `dst` (fresh data): [(reply, keys on src, keys on
        dst)]."""
        sc, dc = src.client(), dst.client()
        sc.flushall()
        dc.flushall()
        for cmd in MIGRATE_DATA:
            sc.execute_command(*cmd)
        for cmd in TARGET_DATA:
            dc.execute_command(*cmd)
        out = []
        for cmd, keys in migrate_sequence(dst.port):
            reply = reply_of(sc, cmd)
            out.append((cmd, reply, [(rcs.key_contents(sc, k), sc.ttl(k) > 0) for k in keys],
                        [(rcs.key_contents(dc, k), dc.ttl(k) > 0) for k in keys]))
        return out

    def test_migrate_replies_and_keys_as_between_two_redis_servers(self):
        servers = [rcs.Server(MIG_REDIS_SRC, binary=rcs.REDIS_SERVER),
                   rcs.Server(MIG_REDIS_DST, binary=rcs.REDIS_SERVER, password=PASSWORD),
                   rcs.Server(MIG_OURS_SRC), rcs.Server(MIG_OURS_DST, password=PASSWORD)]
        try:
            for s in servers:
                s.start()
            rsrc, rdst, osrc, odst = servers
            want = self.run_pair(rsrc, rdst)
            # The ports differ between the pairs: compare with the target's port written out of the commands.
            for name, (src, dst) in (("ours -> redis-server", (osrc, rdst)), ("redis-server -> ours", (rsrc, odst))):
                got = self.run_pair(src, dst)
                for (cmd, *w), (_, *g) in zip(want, got):
                    with self.subTest(pair=name, cmd=" ".join(cmd[3:])):
                        self.assertEqual(g, w)
        finally:
            for s in servers:
                s.stop()


if __name__ == "__main__":
    rcs.run_tests()
