#!/usr/bin/python3
"""Manual failover and graceful handover of our own cluster (3 masters + 3 replicas, node timeout 2000 ms),
each under write load:
  - CLUSTER FAILOVER (coordinated): the master holds writes, the replica catches up to its exact offset and
    takes over: every write that was answered OK is on the new master (zero lost), the old master is a
    replica of it;
  - CLUSTER FAILOVER FORCE and TAKEOVER: the replica is master right after, cluster_state:ok everywhere;
  - SIGTERM of a master under a redis-py RedisCluster writer: the replica takes over before the master exits,
    the writer sees no error (redis-py only retries), every acknowledged write is readable; SHUTDOWN likewise.
Error cases answer as Redis does (CLUSTER FAILOVER on a master, bad option); CLUSTER LINKS lists each peer's
"to" link followed by its "from" link.

Ports: RCS_MANUAL_FAILOVER_BASE_PORT (default 13100) .. +5, bus ports +10000. Every process is stopped at the
end, also on failure; every wait and loop is bounded.
"""
import functools
import logging
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402
from rcs import all_ok, cluster_nodes, key_slot, role  # noqa: E402
info = functools.partial(rcs.fields, timeout=5)  # INFO/CLUSTER INFO fields; a stopped node fails fast

logging.getLogger("redis").setLevel(logging.CRITICAL)

BASE = int(os.environ.get("RCS_MANUAL_FAILOVER_BASE_PORT", "13100"))
PORTS = [BASE + i for i in range(6)]
NODE_TIMEOUT = 2000


def owner_of(nodes, slot):
    """The owner of `slot` in the view of the first running node."""
    live = [n for n in nodes if n.alive()]
    return rcs.slot_owner(cluster_nodes(live[0]), slot) if live else None


class PlainWriter(threading.Thread):
    """SETs {tag}:i on the slot's owner; follows MOVED; remembers every key answered OK."""

    def __init__(self, tag, by_port, nodes):
        super().__init__(daemon=True)
        self.tag, self.by_port, self.nodes = tag, by_port, nodes
        self.stop = threading.Event()
        self.acked = []
        self.moved = 0
        self.errors = []

    def run(self):
        import redis
        port = owner_of(self.nodes, key_slot(self.tag))
        client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=10)
        i = 0
        deadline = time.monotonic() + 120
        while not self.stop.is_set() and time.monotonic() < deadline:
            key = "%s:%d" % (self.tag, i)
            try:
                if client.set(key, str(i)):
                    self.acked.append(key)
                    i += 1
            except redis.exceptions.ResponseError as e:
                if str(e).startswith("MOVED"):
                    self.moved += 1
                    port = int(str(e).split()[2].rsplit(":", 1)[1])
                    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=10)
                else:
                    self.errors.append(str(e))
                    time.sleep(0.05)
            except redis.exceptions.RedisError as e:
                self.errors.append(repr(e))
                time.sleep(0.05)
                port = owner_of(self.nodes, key_slot(self.tag)) or port
                client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=10)


def shard(nodes, by_port, tag):
    """(master, replica) of the tag's slot, once the master's own view shows exactly one replica."""
    def find():
        mport = owner_of(nodes, key_slot(tag))
        master = by_port[mport]
        view = cluster_nodes(master)
        if "myself" not in view[mport][1] or "master" not in view[mport][1]:
            return None
        reps = [p for p, (_, _, mi, _) in view.items() if mi == view[mport][0]]
        return (master, by_port[reps[0]]) if len(reps) == 1 else None
    return rcs.wait_until(find, timeout=20, what="the shard of %s with one replica" % tag)


def wait_replica_synced(master, replica):
    rcs.wait_until(lambda: info(replica, "INFO", "replication").get("master_link_status") == "up" and
                   role(replica) == "slave", timeout=30, what="replica %d linked" % replica.port)


def main():
    # With the authenticated cluster bus on (cluster-bus-auth required): MFSTART, the paused offset and the votes
    # go over MAC'd links.
    cluster = rcs.Cluster(PORTS, node_timeout=NODE_TIMEOUT, config_file="nodes-%d.conf", bus_secret=True)
    nodes = cluster.nodes
    by_port = {n.port: n for n in nodes}
    with cluster:
        cluster.start()

        # CLUSTER LINKS: for each peer its "to" link, then its "from" link (as Redis lists them).
        def links_paired(n):
            raw = n.client().execute_command("CLUSTER", "LINKS")
            links = [dict(zip(l[0::2], l[1::2])) for l in raw]
            if len(links) != 10:
                return False
            for k in range(0, 10, 2):
                a, b = links[k], links[k + 1]
                assert a[b"direction"] == b"to" and b[b"direction"] == b"from" and a[b"node"] == b[b"node"], links
            return True
        for n in nodes:
            rcs.wait_until(lambda n=n: links_paired(n), timeout=20, what="CLUSTER LINKS to/from pairs on %d" % n.port)

        # Error replies as Redis words them.
        master, replica = shard(nodes, by_port, "{mf}")
        assert master.cli("CLUSTER", "FAILOVER", check=False).strip() == \
            "ERR You should send CLUSTER FAILOVER to a replica"
        assert replica.cli("CLUSTER", "FAILOVER", "sometimes", check=False).strip() == "ERR syntax error"

        # Plain CLUSTER FAILOVER under load: zero acknowledged writes lost.
        for rnd in range(2):
            master, replica = shard(nodes, by_port, "{mf}")
            wait_replica_synced(master, replica)
            w = PlainWriter("{mf}", by_port, nodes)
            w.start()
            rcs.wait_until(lambda: len(w.acked) > 300, timeout=20, what="writes before the failover")
            t0 = time.monotonic()
            assert replica.cli("CLUSTER", "FAILOVER").strip() == "OK"
            rcs.wait_until(lambda: role(replica) == "master", timeout=10, interval=0.02, what="manual failover")
            t_role = time.monotonic() - t0
            rcs.wait_until(lambda: role(master) == "slave", timeout=10, what="old master turned replica")
            rcs.wait_until(lambda: all_ok(nodes), timeout=20, what="cluster_state:ok after the manual failover")
            n_after = len(w.acked)
            rcs.wait_until(lambda: len(w.acked) > n_after + 100, timeout=20, what="writes on the new master")
            w.stop.set()
            w.join(timeout=15)
            client = replica.client()
            missing = [k for k in w.acked if client.get(k) is None]
            assert not missing, "manual failover lost %d acknowledged writes, e.g. %s" % (len(missing), missing[:5])
            assert not w.errors, w.errors[:5]
            print("CLUSTER FAILOVER round %d: replica master after %.3fs; %d writes acknowledged, none lost, "
                  "%d MOVED followed" % (rnd, t_role, len(w.acked), w.moved), flush=True)

        # FORCE and TAKEOVER under load: promoted at once, the cluster agrees.
        for opt in ("FORCE", "TAKEOVER"):
            # Masters do not vote twice for replicas of one master within 2 x node timeout (Redis's rule); the
            # previous rounds voted for replicas of this shard's masters.
            time.sleep(2 * NODE_TIMEOUT / 1000.0 + 0.3)
            master, replica = shard(nodes, by_port, "{mf}")
            wait_replica_synced(master, replica)
            w = PlainWriter("{mf}", by_port, nodes)
            w.start()
            rcs.wait_until(lambda: len(w.acked) > 100, timeout=20, what="writes before " + opt)
            t0 = time.monotonic()
            assert replica.cli("CLUSTER", "FAILOVER", opt).strip() == "OK"
            rcs.wait_until(lambda: role(replica) == "master", timeout=10, interval=0.02, what=opt)
            t_role = time.monotonic() - t0
            rcs.wait_until(lambda: role(master) == "slave", timeout=10, what="old master turned replica")
            rcs.wait_until(lambda: all_ok(nodes), timeout=20, what="cluster_state:ok after " + opt)
            w.stop.set()
            w.join(timeout=15)
            print("CLUSTER FAILOVER %s: replica master after %.3fs" % (opt, t_role), flush=True)

        # SIGTERM of a master under a RedisCluster writer: handover first, no error reaches the application.
        from redis.cluster import RedisCluster
        master, replica = shard(nodes, by_port, "{mf}")
        wait_replica_synced(master, replica)
        rc_client = RedisCluster(host="127.0.0.1", port=PORTS[0] if PORTS[0] != master.port else PORTS[1],
                                 socket_timeout=5)
        stop = threading.Event()
        acked, app_errors = [], []

        def cluster_writer():
            i = 0
            deadline = time.monotonic() + 60
            while not stop.is_set() and time.monotonic() < deadline:
                key = "{mf}:rc:%d" % i
                try:
                    rc_client.set(key, str(i))
                    acked.append(key)
                except Exception as e:  # noqa: BLE001 - what the application would see
                    app_errors.append(repr(e))
                    time.sleep(0.05)
                i += 1

        t = threading.Thread(target=cluster_writer, daemon=True)
        t.start()
        rcs.wait_until(lambda: len(acked) > 300, timeout=20, what="RedisCluster writes before SIGTERM")
        t0 = time.monotonic()
        master.proc.send_signal(signal.SIGTERM)
        master.proc.wait(timeout=15)
        t_exit = time.monotonic() - t0
        assert role(replica) == "master", "the replica did not take over before the master exited"
        rcs.wait_until(lambda: all_ok(nodes), timeout=20, what="cluster_state:ok after the SIGTERM handover")
        n_after = len(acked)
        rcs.wait_until(lambda: len(acked) > n_after + 100, timeout=20, what="RedisCluster writes after SIGTERM")
        stop.set()
        t.join(timeout=15)
        assert not app_errors, "the application saw errors: %s" % app_errors[:5]
        client = replica.client()
        missing = [k for k in acked if client.get(k) is None]
        assert not missing, "SIGTERM handover lost %d writes, e.g. %s" % (len(missing), missing[:5])
        assert "handing my slots over" in master.log(), master.log()
        print("SIGTERM handover: master exited %.3fs after SIGTERM with its replica promoted; %d writes, "
              "no application error, none lost" % (t_exit, len(acked)), flush=True)

        # SHUTDOWN goes through the same handover: the SIGTERM'ed node, restarted, rejoins as a replica; SHUTDOWN of
        # the master then promotes it before the master exits.
        master.start()
        rcs.wait_until(lambda: role(master) == "slave" and
                       info(master, "INFO", "replication").get("master_link_status") == "up", timeout=30,
                       what="restarted node linked as a replica")
        def seen_healthy(viewer):
            # The viewer's view of the restarted node: no failure flag, bus link connected, no ping waiting for a
            # pong, and the same currentEpoch as the viewer's.
            for line in viewer.cli("CLUSTER", "NODES").splitlines():
                f = line.split()
                if ":%d@" % master.port in f[1]:
                    healthy = "fail" not in f[2] and f[4] == "0" and f[7] == "connected"
                    return healthy and (info(viewer, "CLUSTER", "INFO")["cluster_current_epoch"] ==
                                        info(master, "CLUSTER", "INFO")["cluster_current_epoch"])
            return False
        # The handover needs the votes of the other masters too: a node restarted a moment ago may not have its
        # bus links to them yet (a rolling restart waits the same way between nodes).
        voters = [n for n in nodes if n is not master and n.proc is not None and n.proc.poll() is None and
                  role(n) == "master"]
        for v in voters:
            rcs.wait_until(lambda v=v: seen_healthy(v), timeout=20,
                           what="master %d sees the restarted node healthy" % v.port)
        client = replica.client()
        client.set("{mf}:before-shutdown", "1")
        assert client.execute_command("WAIT", 1, 2000) == 1
        t0 = time.monotonic()
        replica.cli("SHUTDOWN", check=False)
        replica.proc.wait(timeout=15)
        assert role(master) == "master", "SHUTDOWN did not hand the slots over first"
        assert master.client().get("{mf}:before-shutdown") == b"1"
        print("SHUTDOWN handover: master exited %.3fs after SHUTDOWN, its replica is master" % (time.monotonic() - t0))
        print("OK")


if __name__ == "__main__":
    main()
