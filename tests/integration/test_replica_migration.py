#!/usr/bin/python3
"""Replica migration on our own cluster: 3 masters, master B with two replicas, A and C with one (node timeout
2000 ms, cluster-migration-barrier 1). kill -9 of A's only replica leaves A orphaned: after the migration
delay one of B's replicas (the one with the smallest id) becomes A's replica and syncs from it; B keeps one.
Then the killed replica rejoins A (two replicas), and with cluster-allow-replica-migration no on every node,
orphaning C moves nobody.

Ports: RCS_MIGRATION_BASE_PORT (default 13500) .. +6, bus ports +10000. Every process is stopped at the end,
also on failure; every wait is bounded.
"""
import functools
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402
from rcs import all_ok, cluster_nodes  # noqa: E402
info = functools.partial(rcs.fields, timeout=5)  # INFO/CLUSTER INFO fields; a stopped node fails fast

BASE = int(os.environ.get("RCS_MIGRATION_BASE_PORT", "13500"))
PORTS = [BASE + i for i in range(7)]
NODE_TIMEOUT = 2000


def replicas_of(view, master_id):
    return sorted(p for p, (_, flags, mi, _) in view.items() if mi == master_id and "fail" not in flags)


def main():
    cluster = rcs.Cluster(PORTS, node_timeout=NODE_TIMEOUT, config_file="nodes-%d.conf")
    nodes = cluster.nodes
    by_port = {n.port: n for n in nodes}
    with cluster:
        cluster.start(create=False)
        cluster.create(nodes[:6])
        view = cluster_nodes(nodes[0])
        masters = sorted((p, v[0]) for p, v in view.items() if "master" in v[1] and v[3])
        (a_port, a_id), (b_port, b_id), (c_port, c_id) = masters
        extra = nodes[6]
        rc, out = rcs.cluster_cli("add-node", "127.0.0.1:%d" % extra.port, "127.0.0.1:%d" % PORTS[0],
                                  "--cluster-slave", "--cluster-master-id", b_id, timeout=60)
        assert rc == 0, out
        rcs.wait_until(lambda: all(len(replicas_of(cluster_nodes(n), b_id)) == 2 for n in nodes), timeout=30,
                       what="B has two replicas in every view")
        rcs.wait_until(lambda: all_ok(nodes), timeout=30, what="cluster_state:ok with seven nodes")
        b_replicas = replicas_of(cluster_nodes(by_port[b_port]), b_id)
        [a_replica] = replicas_of(cluster_nodes(by_port[a_port]), a_id)
        # The replica that moves: the smallest id among B's replicas.
        ids = {p: cluster_nodes(by_port[p])[p][0] for p in b_replicas}
        mover = min(b_replicas, key=lambda p: ids[p])

        t0 = time.monotonic()
        by_port[a_replica].kill(signal.SIGKILL)
        rcs.wait_until(lambda: replicas_of(cluster_nodes(by_port[a_port]), a_id) == [mover] and
                       info(by_port[mover], "INFO", "replication").get("master_port") == str(a_port) and
                       info(by_port[mover], "INFO", "replication").get("master_link_status") == "up",
                       timeout=40, what="one of B's replicas migrated to orphaned A")
        t_moved = time.monotonic() - t0
        view = cluster_nodes(by_port[b_port])
        assert len(replicas_of(view, b_id)) == 1, view
        assert "Migrating to orphaned master" in by_port[mover].log(), by_port[mover].log()
        print("replica migration: %d moved from B to orphaned A %.1fs after A's replica was killed" % (mover, t_moved))

        # The killed replica comes back (its nodes.conf says: replica of A): A has two replicas now. With
        # cluster-allow-replica-migration no everywhere, orphaning C moves none of them.
        by_port[a_replica].start()
        rcs.wait_until(lambda: len(replicas_of(cluster_nodes(by_port[a_port]), a_id)) == 2, timeout=30,
                       what="A has two replicas again")
        live = [n for n in nodes if n.proc is not None and n.proc.poll() is None]
        for n in live:
            assert n.cli("CONFIG", "SET", "cluster-allow-replica-migration", "no").strip() == "OK"
        [c_replica] = replicas_of(cluster_nodes(by_port[c_port]), c_id)
        before = sorted(replicas_of(cluster_nodes(by_port[a_port]), a_id))
        by_port[c_replica].kill(signal.SIGKILL)
        rcs.wait_until(lambda: "fail" in cluster_nodes(by_port[c_port])[c_replica][1], timeout=20,
                       what="C's replica FAIL")
        time.sleep(6)  # longer than the migration delay (5 s)
        assert sorted(replicas_of(cluster_nodes(by_port[a_port]), a_id)) == before
        assert not replicas_of(cluster_nodes(by_port[c_port]), c_id)
        print("cluster-allow-replica-migration no: no replica moved to orphaned C")
        print("OK")


if __name__ == "__main__":
    main()
