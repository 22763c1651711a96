#!/usr/bin/python3
"""Automatic failover of our own cluster: six nodes (3 masters + 3 replicas, node timeout 2000 ms) formed by
Debian's redis-cli. Each round kills (kill -9) the master of one shard while a writer confirms every write
to that shard with `WAIT 1 <timeout>`; then:
  - the shard's replica is promoted (ROLE master) and every live node reports cluster_state:ok;
  - no confirmed write is missing on the new master;
  - the killed node, restarted with its nodes.conf, rejoins as a replica of the new master and gets the data
    (a full sync: it restarts without data, there is no persistence yet).
Through the kill rounds (ten by default, RCS_FAILOVER_ROUNDS) one redis-py RedisCluster and one ioredis Cluster
object write and read across all shards: each must keep working after the last round without being recreated.
A last round SIGSTOPs a master for longer than the node timeout and SIGCONTs it after the promotion: the old
master becomes a replica and resumes with a partial resync (sync_partial_ok on the new master).
Prints the measured times (kill -> ROLE master, kill -> cluster_state:ok everywhere, restart -> link up).

Ports: RCS_FAILOVER_BASE_PORT (default 13000) .. +5, bus ports +10000. Every process is stopped at the end,
also on failure; every wait and loop is bounded.
"""
import functools
import logging
import os
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402
from rcs import all_ok, cluster_nodes, key_slot, role  # noqa: E402
info = functools.partial(rcs.fields, timeout=5)  # INFO/CLUSTER INFO fields; a stopped node fails fast

BASE = int(os.environ.get("RCS_FAILOVER_BASE_PORT", "13000"))
PORTS = [BASE + i for i in range(6)]
NODE_TIMEOUT = 2000
KILL_ROUNDS = int(os.environ.get("RCS_FAILOVER_ROUNDS", "10"))
CLIENTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "clients")
# redis-py's RedisCluster logs every retried MOVED/connection error with a traceback: expected here.
logging.getLogger("redis").setLevel(logging.CRITICAL)


class Writer(threading.Thread):
    """Writes {tag}:i to the owner of the tag's slot and keeps the writes `WAIT 1` confirmed."""

    def __init__(self, nodes, tag):
        super().__init__(daemon=True)
        self.nodes = nodes
        self.tag = tag
        self.slot = key_slot(tag)
        self.stop = threading.Event()
        self.confirmed = []
        self.attempted = 0
        self.errors = 0
        self.last_error = None
        self.error_log = []
        self.i = 0

    def owner_port(self):
        for n in self.nodes:
            if not n.alive():
                continue
            try:
                port = rcs.slot_owner(cluster_nodes(n), self.slot)
            except Exception:  # noqa: BLE001 - the node may be going away
                continue
            if port is not None:
                return port
        return None

    def run(self):
        import redis
        client = None
        deadline = time.monotonic() + 300
        while not self.stop.is_set() and time.monotonic() < deadline:
            try:
                if client is None:
                    port = self.owner_port()
                    if port is None:
                        time.sleep(0.05)
                        continue
                    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=3, socket_connect_timeout=1)
                key = "%s:%d" % (self.tag, self.i)
                self.i += 1
                self.attempted += 1
                client.set(key, str(self.i))
                if client.execute_command("WAIT", 1, 1000) >= 1:
                    self.confirmed.append(key)
            except Exception as e:  # noqa: BLE001 - MOVED, CLUSTERDOWN, connection refused: find the owner again
                self.errors += 1
                self.last_error = repr(e)
                self.error_log.append("%.2f %s" % (time.monotonic(), repr(e)[:160]))
                client = None
                time.sleep(0.05)


class ClusterClientLoop(threading.Thread):
    """One redis-py RedisCluster object writing and reading across all shards through every round: it must find
    the promoted masters by itself (errors while a shard has no master are counted, not fatal)."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.stop = threading.Event()
        self.ops = 0
        self.errors = 0
        self.ops_after_last_error = 0
        self.last_error = None

    def run(self):
        from redis.cluster import RedisCluster
        client = RedisCluster(host="127.0.0.1", port=self.port, socket_timeout=2, socket_connect_timeout=1)
        i = 0
        deadline = time.monotonic() + 600
        while not self.stop.is_set() and time.monotonic() < deadline:
            key = "rc:{r%d}:%d" % (i % 64, i)
            i += 1
            try:
                client.set(key, i)
                client.get(key)
                self.ops += 2
                self.ops_after_last_error += 2
            except Exception as e:  # noqa: BLE001 - ConnectionError/ClusterDownError during the FAIL window
                self.errors += 1
                self.ops_after_last_error = 0
                self.last_error = repr(e)[:200]
                time.sleep(0.02)


def main():
    # With the authenticated cluster bus on (cluster-bus-auth required): elections, votes and FAIL go over MAC'd links.
    cluster = rcs.Cluster(PORTS, node_timeout=NODE_TIMEOUT, config_file="nodes-%d.conf", bus_secret=True)
    nodes = cluster.nodes
    by_port = {n.port: n for n in nodes}
    results = []
    rc_loop = io_proc = None
    try:
        cluster.start()

        # One tag per shard: the tag's slot tells which master serves it.
        tags = {}
        view = cluster_nodes(nodes[0])
        for i in range(200):
            tag = "{fo%d}" % i
            s = key_slot(tag)
            for port, (_, flags, _, slots) in view.items():
                if "master" in flags and any(int(r.partition("-")[0]) <= s <= int(r.partition("-")[2] or r)
                                             for r in slots if not r.startswith("[")):
                    tags.setdefault(port, tag)
        assert len(tags) == 3, tags
        shard_tags = list(tags.values())
        all_confirmed = []

        def master_of_tag(tag):
            w = Writer(nodes, tag)
            return w.owner_port()

        # Real cluster clients run through all rounds, each one client object from start to end.
        rc_loop = ClusterClientLoop(PORTS[0])
        rc_loop.start()
        io_stop = os.path.join(nodes[0].dir, "ioredis.stop")
        io_proc = subprocess.Popen(["node", os.path.join(CLIENTS_DIR, "ioredis_cluster.js"), str(PORTS[0]), "",
                                    "resume", io_stop], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, stdin=subprocess.DEVNULL)
        rcs.wait_until(lambda: rc_loop.ops > 100, timeout=20, what="the RedisCluster client working before round 0")

        rounds = [("kill", shard_tags[r % 3]) for r in range(KILL_ROUNDS)] + [("stop", shard_tags[KILL_ROUNDS % 3])]
        def finish_cluster_clients():
            """Both cluster clients kept working after the last kill round, with the objects they started with.
            They stop before the SIGSTOP round, which needs the frozen master's shard quiet."""
            # Both cluster clients kept working after the last failover, with the objects they started with.
            rcs.wait_until(lambda: rc_loop.ops_after_last_error >= 100, timeout=20,
                           what="RedisCluster working again after the last round (last error %s)" % rc_loop.last_error)
            rc_loop.stop.set()
            rc_loop.join(timeout=10)
            open(io_stop, "w").close()
            try:
                io_out, _ = io_proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                io_proc.kill()
                io_out, _ = io_proc.communicate()
            print("RedisCluster through %d rounds: %d ops, %d errors, %d ops after its last error" % (
                KILL_ROUNDS, rc_loop.ops, rc_loop.errors, rc_loop.ops_after_last_error))
            print("ioredis Cluster through %d rounds: %s" % (KILL_ROUNDS, io_out.strip()))
            assert io_proc.returncode == 0, "ioredis did not resume by itself: " + io_out

        for rnd, (mode, tag) in enumerate(rounds):
            if mode == "stop":
                finish_cluster_clients()
            mport = master_of_tag(tag)
            assert mport is not None
            master = by_port[mport]
            mid = cluster_nodes(master)[mport][0]
            replicas = [p for p, (_, flags, mi, _) in cluster_nodes(master).items() if mi == mid]
            assert len(replicas) == 1, replicas
            replica = by_port[replicas[0]]
            rcs.wait_until(lambda: info(replica, "INFO", "replication").get("master_link_status") == "up",
                           timeout=30, what="replica link up before the round")
            partial_before = int(info(replica, "INFO", "stats").get("sync_partial_ok", "0"))
            writer = Writer(nodes, tag)
            writer.start()
            rcs.wait_until(lambda: len(writer.confirmed) >= 50, timeout=20, what="confirmed writes before the kill")
            if mode == "stop":
                # A partial resync needs the old master to have nothing the replica lacks: quiesce first (a write
                # in flight when the master stops would make its history longer, and a full sync correct).
                writer.stop.set()
                writer.join(timeout=10)
                rcs.wait_until(lambda: info(master, "INFO", "replication")["master_repl_offset"] ==
                               info(replica, "INFO", "replication")["master_repl_offset"], timeout=10,
                               what="replica caught up before SIGSTOP")
                first = writer
                writer = Writer(nodes, tag)
                writer.confirmed = list(first.confirmed)
                writer.attempted = first.attempted
            t0 = time.monotonic()
            if mode == "kill":
                master.kill(signal.SIGKILL)
            else:
                master.proc.send_signal(signal.SIGSTOP)
            try:
                rcs.wait_until(lambda: role(replica) == "master", timeout=30, interval=0.02,
                               what="replica %d promoted" % replica.port)
                t_role = time.monotonic() - t0
                if mode == "stop":
                    # Only now: a write sent to the stopped master would wait in its socket and be applied when it
                    # resumes (unconfirmed, so allowed to be lost), making its history longer than the new one.
                    writer.start()
                rcs.wait_until(lambda: all_ok([n for n in nodes if n is not master]), timeout=30, interval=0.05,
                               what="cluster_state:ok on every live node")
                t_ok = time.monotonic() - t0
                n_before = len(writer.confirmed)
                a_before = writer.attempted
                # The writer reaches the new master (WAIT 1 confirms nothing until the old master rejoins).
                try:
                    rcs.wait_until(lambda: writer.attempted > a_before + 3, timeout=20, what="writes to the new master")
                except AssertionError:
                    print("now %.2f kill at %.2f; writer attempted %d, errors:\n%s" % (
                        time.monotonic(), t0, writer.attempted, "\n".join(writer.error_log[-15:])))
                    raise
            finally:
                if mode == "stop":
                    master.proc.send_signal(signal.SIGCONT)
            t1 = time.monotonic()
            if mode == "kill":
                master.start()
            rcs.wait_until(lambda: role(master) == "slave" and
                           info(master, "INFO", "replication").get("master_port") == str(replica.port) and
                           info(master, "INFO", "replication").get("master_link_status") == "up",
                           timeout=40, what="old master %d rejoins as a replica of %d" % (master.port, replica.port))
            t_rejoin = time.monotonic() - t1
            rcs.wait_until(lambda: len(writer.confirmed) > n_before + 20, timeout=20,
                           what="writes confirmed again once the old master is a replica")
            writer.stop.set()
            writer.join(timeout=10)
            # Every confirmed write is on the new master.
            client = replica.client()
            missing = [k for k in writer.confirmed if client.get(k) is None]
            assert not missing, "round %d: %d confirmed writes missing, e.g. %s" % (rnd, len(missing), missing[:5])
            all_confirmed += writer.confirmed
            partial_after = int(info(replica, "INFO", "stats").get("sync_partial_ok", "0"))
            if mode == "stop":
                assert partial_after > partial_before, "the SIGCONT'ed old master did a full sync; its log:\n" + master.log()
            rcs.wait_until(lambda: all_ok(nodes), timeout=30, what="cluster_state:ok everywhere after the rejoin")
            results.append((mode, t_role, t_ok, t_rejoin, len(writer.confirmed), writer.attempted, partial_after - partial_before))
            print("round %d (%s %d): kill->ROLE master %.2fs, ->cluster_state:ok everywhere %.2fs, "
                  "restart->replica link up %.2fs; %d confirmed of %d writes, none lost; partial resyncs %d"
                  % (rnd, mode, mport, t_role, t_ok, t_rejoin, len(writer.confirmed), writer.attempted,
                     partial_after - partial_before), flush=True)

        # Every confirmed write of every round is still readable through a cluster client.
        from redis.cluster import RedisCluster
        rc_client = RedisCluster(host="127.0.0.1", port=PORTS[0], socket_timeout=10)
        missing = [k for k in all_confirmed if rc_client.get(k) is None]
        assert not missing, "%d confirmed writes missing at the end, e.g. %s" % (len(missing), missing[:5])
        # Exactly three masters serve slots, each with one replica.
        view = cluster_nodes(nodes[0])
        masters = [p for p, (_, f, _, s) in view.items() if "master" in f and s]
        assert len(masters) == 3, view
        kills = [r for r in results if r[0] == "kill"]
        print("promotion: kill->ROLE master median %.2fs max %.2fs; ->cluster_state:ok median %.2fs max %.2fs "
              "(node timeout %d ms)" % (sorted(r[1] for r in kills)[len(kills) // 2], max(r[1] for r in kills),
                                        sorted(r[2] for r in kills)[len(kills) // 2], max(r[2] for r in kills),
                                        NODE_TIMEOUT))
        print("OK")
    finally:
        if rc_loop is not None:
            rc_loop.stop.set()
        if io_proc is not None and io_proc.poll() is None:
            io_proc.kill()
            io_proc.communicate()
        cluster.stop()


if __name__ == "__main__":
    main()
