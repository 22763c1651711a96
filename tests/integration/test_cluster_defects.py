#!/usr/bin/python3
"""Cluster behaviours checked against Debian's redis-server 7.0.15, on a small cluster of our nodes: masters A, B,
D (slots split in three) and C, a replica of A started with cluster-replica-no-failover yes; every node announces
a hostname; node timeout 1000 ms.
  - the nofailover flag is gossiped: B and D show C as "slave,nofailover" in CLUSTER NODES, and drop the flag
    when C's setting changes with CONFIG SET (and learn it again);
  - CLUSTER SHARDS lists every node with the fields redis-server gives it, in its order, hostname included (also
    one announced at run time with CONFIG SET);
  - a slot MIGRATING on A: a multi-key command with some keys here and some missing answers TRYAGAIN, with every
    key missing ASK; on the importing side after ASKING, several keys with some missing answer TRYAGAIN;
  - SHUTDOWN, then (after a restart) SIGTERM, of A: no handover to the nofailover replica; A's slots stay with
    A, the cluster goes fail, and after the node timeout and more C is still a replica.

Ports: RCS_CLUSTER_DEFECTS_BASE_PORT (default 19000) .. +3, bus ports +10000. Every process is stopped at the
end, also on failure; every wait and loop is bounded.
"""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402
from rcs import all_ok, cluster_nodes, key_slot, role  # noqa: E402

BASE = int(os.environ.get("RCS_CLUSTER_DEFECTS_BASE_PORT", "19000"))
NODE_TIMEOUT = 1000
# What redis-server 7.0.15 puts in each node's map of CLUSTER SHARDS, in its order, for a node that announces a
# hostname (no TLS port).
SHARD_NODE_FIELDS = ["id", "port", "ip", "endpoint", "hostname", "role", "replication-offset", "health"]


def start(port, extra=()):
    n = rcs.Server(port, args=["--cluster-enabled", "yes", "--cluster-node-timeout", str(NODE_TIMEOUT),
                               "--cluster-config-file", "nodes-%d.conf" % port,
                               "--cluster-announce-hostname", "host-%d.example" % port] + list(extra))
    return n.start()


def expect(got, want):
    assert got == want, "got %r, want %r" % (got, want)


def myid(n):
    return n.cli("CLUSTER", "MYID").strip()


def flags_of(viewer, port):
    view = cluster_nodes(viewer)
    return view[port][1] if port in view else ""


def check_nofailover_gossip(a, b, c, d):
    for viewer in (a, b, d):
        rcs.wait_until(lambda v=viewer: "nofailover" in flags_of(v, c.port).split(","), timeout=10,
                       what="node %d to show the replica as nofailover" % viewer.port)
    assert c.cli("CONFIG", "SET", "cluster-replica-no-failover", "no").strip() == "OK"
    for viewer in (a, b, d):
        rcs.wait_until(lambda v=viewer: flags_of(v, c.port).split(",") == ["slave"], timeout=10,
                       what="node %d to drop nofailover after CONFIG SET no" % viewer.port)
    assert c.cli("CONFIG", "SET", "cluster-replica-no-failover", "yes").strip() == "OK"
    for viewer in (a, b, d):
        rcs.wait_until(lambda v=viewer: flags_of(v, c.port).split(",") == ["slave", "nofailover"], timeout=10,
                       what="node %d to show nofailover again after CONFIG SET yes" % viewer.port)


def shard_hostnames(nodes):
    """{port: hostname} from B's CLUSTER SHARDS, every node's map checked for redis-server's fields and order."""
    import redis
    conn = redis.Connection(host="127.0.0.1", port=nodes[1].port, socket_timeout=10)
    try:
        conn.send_command("CLUSTER", "SHARDS")
        shards = conn.read_response()
    finally:
        conn.disconnect()
    seen = {}
    for shard in shards:
        assert shard[0] == b"slots" and shard[2] == b"nodes", shard
        for node in shard[3]:
            keys = [node[i].decode() for i in range(0, len(node), 2)]
            values = {node[i].decode(): node[i + 1] for i in range(0, len(node), 2)}
            assert keys == SHARD_NODE_FIELDS, keys
            seen[values["port"]] = values["hostname"].decode()
    return seen


def check_shards_fields(nodes):
    want = {n.port: "host-%d.example" % n.port for n in nodes}
    expect(shard_hostnames(nodes), want)
    # A hostname announced at run time (CONFIG SET) reaches the peers' CLUSTER SHARDS too.
    d = nodes[3]
    assert d.cli("CONFIG", "SET", "cluster-announce-hostname", "renamed.example").strip() == "OK"
    want[d.port] = "renamed.example"
    rcs.wait_until(lambda: shard_hostnames(nodes) == want, timeout=10, what="the new hostname in B's CLUSTER SHARDS")


def check_migrating_multikey(a, b):
    tag = next("{k%d}" % i for i in range(100) if key_slot("{k%d}" % i) <= 5460)  # a slot of A's
    slot = key_slot(tag)
    assert a.cli("SET", tag + "x", "1").strip() == "OK"
    assert b.cli("CLUSTER", "SETSLOT", slot, "IMPORTING", myid(a)).strip() == "OK"
    assert a.cli("CLUSTER", "SETSLOT", slot, "MIGRATING", myid(b)).strip() == "OK"
    ask = "ASK %d 127.0.0.1:%d" % (slot, b.port)
    tryagain = "TRYAGAIN Multiple keys request during rehashing of slot"
    try:
        expect(a.cli("MSET", tag + "x", "v", tag + "y", "v2").strip(), tryagain)
        expect(a.cli("MGET", tag + "x", tag + "y").strip(), tryagain)
        expect(a.cli("MGET", tag + "y", tag + "z").strip(), ask)
        expect(a.cli("GET", tag + "y").strip(), ask)
        expect(a.cli("MGET", tag + "x", tag + "x").split(), ["1", "1"])
        # The importing side serves after ASKING unless several keys are named and some are missing.
        t = tag.encode()
        data, _ = rcs.raw_exchange(b.port, b"ASKING\r\nMSET %sp 1 %sq 2\r\nASKING\r\nSET %sp 1\r\n"
                                           b"ASKING\r\nMGET %sp %sp\r\n" % (t, t, t, t, t))
        assert data == b"+OK\r\n-" + tryagain.encode() + b"\r\n+OK\r\n+OK\r\n+OK\r\n*2\r\n$1\r\n1\r\n$1\r\n1\r\n", data
    finally:
        rcs.raw_exchange(b.port, b"ASKING\r\nDEL %sp\r\n" % tag.encode(), read_timeout=0.5)
        a.cli("CLUSTER", "SETSLOT", slot, "STABLE")
        b.cli("CLUSTER", "SETSLOT", slot, "STABLE")


def check_no_handover(a, c, others, how):
    a_id = myid(a)
    a_slots = cluster_nodes(others[0])[a.port][3]
    if how == "SHUTDOWN":
        a.cli("SHUTDOWN", check=False)
        rcs.wait_until(lambda: not a.alive(), timeout=10, what="A to exit after SHUTDOWN")
    else:
        a.kill(signal.SIGTERM)
    assert "Shutdown: handing my slots over" not in a.log(), a.log()
    for o in others:
        rcs.wait_until(lambda o=o: "fail" in flags_of(o, a.port).split(","), timeout=10,
                       what="node %d to mark A failed after %s" % (o.port, how))
        rcs.wait_until(lambda o=o: rcs.fields(o, "CLUSTER", "INFO").get("cluster_state") == "fail", timeout=10,
                       what="cluster_state:fail on %d after %s" % (o.port, how))
    # Well past the earliest election a failover-capable replica would hold (500 ms + up to 500 ms + rank).
    time.sleep(3 * NODE_TIMEOUT / 1000)
    assert role(c) == "slave", role(c)
    for o in others + [c]:
        view = cluster_nodes(o)
        assert view[a.port][0] == a_id and view[a.port][3] == a_slots, (o.port, view[a.port], a_slots)
        assert "master" not in view[c.port][1], (o.port, view[c.port])


def main():
    a = start(BASE)
    b = start(BASE + 1)
    d = start(BASE + 3)
    c = start(BASE + 2, ["--cluster-replica-no-failover", "yes"])
    nodes = [a, b, c, d]
    # A failure prints every node's last log lines (the test library's hook); the nodes stop in any case.
    try:
        assert a.cli("CLUSTER", "ADDSLOTSRANGE", 0, 5460).strip() == "OK"
        assert b.cli("CLUSTER", "ADDSLOTSRANGE", 5461, 10922).strip() == "OK"
        assert d.cli("CLUSTER", "ADDSLOTSRANGE", 10923, 16383).strip() == "OK"
        for n in (b, c, d):
            assert a.cli("CLUSTER", "MEET", "127.0.0.1", n.port).strip() == "OK"
        for n in nodes:
            rcs.wait_until(lambda n=n: len(cluster_nodes(n)) == 4, timeout=15, what="node %d to know all" % n.port)
        assert c.cli("CLUSTER", "REPLICATE", myid(a)).strip() == "OK"
        rcs.wait_until(lambda: all_ok(nodes), timeout=20, what="cluster_state:ok everywhere")
        rcs.wait_until(lambda: rcs.info(c, "replication").get("master_link_status") == "up", timeout=15,
                       what="the replica's link to A")

        check_nofailover_gossip(a, b, c, d)
        check_shards_fields(nodes)
        check_migrating_multikey(a, b)
        t0 = time.monotonic()
        check_no_handover(a, c, [b, d], "SHUTDOWN")
        # A restarts with its nodes.conf and takes its slots back; then SIGTERM.
        a.start()
        rcs.wait_until(lambda: all_ok(nodes), timeout=20, what="cluster_state:ok after A restarted")
        rcs.wait_until(lambda: flags_of(a, c.port).split(",") == ["slave", "nofailover"], timeout=10,
                       what="A to know its replica's nofailover flag again")
        check_no_handover(a, c, [b, d], "SIGTERM")
        print("no handover to a nofailover replica on SHUTDOWN and SIGTERM (%.1fs)" % (time.monotonic() - t0))
    finally:
        for n in nodes:
            n.stop()
    print("OK")


if __name__ == "__main__":
    main()
