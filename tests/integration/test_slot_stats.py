#!/usr/bin/env python3
"""CLUSTER SLOT-STATS and INFO keysizes on live nodes (ports 10200-10202 and 20200-20202 for a cluster of three
masters, 10210-10211 for a standalone master and its replica).

Slot stats: the cluster's nodes answer for their own slots only; key-count follows what the test wrote per
slot; with cluster-slot-stats-enabled, network-bytes-in is exactly the bytes of the requests the test sent on
a slot's keys (RESP and inline), network-bytes-out exactly the bytes of the replies it read, cpu-usec rises for
the slots touched and stays 0 elsewhere; ORDERBY/LIMIT/ASC/DESC order (ties by slot), RESP3's map, the error
texts (Valkey 8.0's), CONFIG RESETSTAT, and the counters staying still while the setting is off.

Key sizes: after a seeded random write sequence the INFO keysizes lines equal the histogram computed by
scanning the keys (SCAN + STRLEN/LLEN/SCARD/ZCARD/HLEN), and still after DEBUG RELOAD (RDB load), a restart
from the AOF, active expiry, eviction, FLUSHALL and, on the replica, a full sync and the stream after it."""
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402

CLUSTER_PORTS = [10200, 10201, 10202]
MASTER, REPLICA = 10210, 10211
METRICS = ["key-count", "cpu-usec", "network-bytes-in", "network-bytes-out"]
TYPES = [("string", "STRLEN", "distrib_strings_sizes"), ("list", "LLEN", "distrib_lists_items"),
         ("set", "SCARD", "distrib_sets_items"), ("zset", "ZCARD", "distrib_zsets_items"),
         ("hash", "HLEN", "distrib_hashes_items")]


def tag_for_slot(slot):
    """A hash tag whose slot is `slot` (searching short names; bounded)."""
    for i in range(200000):
        t = "t%d" % i
        if rcs.key_slot(t) == slot:
            return t
    raise AssertionError("no tag found for slot %d" % slot)


def stats_of(reply):
    """[(slot, {metric: value})] of a parsed SLOT-STATS reply (RESP2 arrays or RESP3 maps alike)."""
    t, items = reply
    assert t == "*", reply
    return [(slot, dict(zip(body[0::2], body[1::2]))) for slot, body in items]


def label(low):
    for unit, size in (("P", 1 << 50), ("T", 1 << 40), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if low >= size:
            return "%d%s" % (low // size, unit)
    return str(low)


def scanned_keysizes(c):
    """The # Keysizes lines computed from the keys: SCAN, TYPE, then the length command of the type."""
    counts = {}
    cursor = "0"
    for _ in range(100000):
        _, (cursor, keys) = c.call("SCAN", cursor, "COUNT", "200")
        for k in keys:
            _, typ = c.call("TYPE", k)
            for name, cmd, line in TYPES:
                if typ == name:
                    _, n = c.call(cmd, k)
                    low = 0 if n == 0 else 1 << (n.bit_length() - 1)
                    counts.setdefault(line, {}).setdefault(low, 0)
                    counts[line][low] += 1
        if cursor == "0":
            break
    out = []
    for _, _, line in TYPES:
        if line in counts:
            bins = ",".join("%s=%d" % (label(low), n) for low, n in sorted(counts[line].items()))
            out.append("db0_%s:%s" % (line, bins))
    return out


def keysizes(c):
    _, text = c.call("INFO", "keysizes")
    lines = text.split("\r\n")
    assert lines[0] == "# Keysizes", text
    return [ln for ln in lines[1:] if ln]


def random_writes(c, rng, steps, prefix=""):
    def key(p):
        return "%s%s%d" % (prefix, p, rng.randrange(15))

    def member():
        return str(rng.randrange(400))
    for _ in range(steps):
        op = rng.randrange(14)
        if op == 0:
            cmd = ["SET", key("s"), "v" * rng.randrange(3000)]
        elif op == 1:
            cmd = ["APPEND", key("s"), "a" * rng.randrange(200)]
        elif op == 2:
            cmd = ["SETRANGE", key("s"), str(rng.randrange(5000)), "xy"]
        elif op == 3:
            cmd = ["RPUSH", key("l")] + [member() for _ in range(rng.randrange(1, 20))]
        elif op == 4:
            cmd = ["LPOP", key("l"), str(rng.randrange(1, 6))]
        elif op == 5:
            cmd = ["SADD", key("t")] + [member() for _ in range(rng.randrange(1, 30))]
        elif op == 6:
            cmd = ["SPOP", key("t"), str(rng.randrange(1, 4))]
        elif op == 7:
            cmd = ["ZADD", key("z"), str(rng.randrange(100)), member(), "1", member()]
        elif op == 8:
            cmd = ["ZREMRANGEBYRANK", key("z"), "0", str(rng.randrange(3))]
        elif op == 9:
            cmd = ["HSET", key("h"), member(), "v", member(), "w"]
        elif op == 10:
            cmd = ["HDEL", key("h"), member(), member(), member()]
        elif op == 11:
            cmd = ["DEL", key(rng.choice("sltzh"))]
        elif op == 12:
            cmd = ["SUNIONSTORE", key("t"), key("t"), key("t")]
        else:
            cmd = ["LMOVE", key("l"), key("l"), "LEFT", "RIGHT"]
        c.call(*cmd)


class SlotStatsTest(rcs.ServersTestCase):
    def test_slot_stats_on_a_cluster(self):
        cluster = rcs.Cluster(CLUSTER_PORTS, replicas=0, node_timeout=3000,
                              root=os.path.join(self.dir, "cluster"))
        self.addCleanup(cluster.stop)
        cluster.start()
        view = cluster.view()
        ranges = {port: [] for port in CLUSTER_PORTS}  # port -> the slots it serves
        for slot in range(rcs.SLOTS):
            ranges[rcs.slot_owner(view, slot)].append(slot)
        first, second = CLUSTER_PORTS[0], CLUSTER_PORTS[1]
        a_slots = ranges[first][:3]
        b_slots = ranges[second][:3]
        tags = {s: tag_for_slot(s) for s in a_slots + b_slots}

        with rcs.Resp(first) as a, rcs.Resp(second) as b:
            # key-count always; only this node's slots.
            writes = {a_slots[0]: 3, a_slots[1]: 1, a_slots[2]: 2}
            for slot, n in writes.items():
                for i in range(n):
                    self.assertEqual(a.call("SET", "{%s}k%d" % (tags[slot], i), "x"), ("+", "OK"))
            got = stats_of(a.call("CLUSTER", "SLOT-STATS", "SLOTSRANGE", a_slots[0], a_slots[2]))
            self.assertEqual(got, [(s, {"key-count": writes.get(s, 0)}) for s in range(a_slots[0], a_slots[2] + 1)])
            # A range across both nodes: each answers for its own slots only.
            edge = ranges[first][-1]
            across = stats_of(a.call("CLUSTER", "SLOT-STATS", "SLOTSRANGE", edge, edge + 5))
            self.assertEqual([s for s, _ in across], [s for s in range(edge, edge + 6) if s in set(ranges[first])])
            self.assertEqual(stats_of(b.call("CLUSTER", "SLOT-STATS", "SLOTSRANGE", a_slots[0], a_slots[0])), [])
            # ORDERBY key-count: DESC by default, ties by slot; ASC; LIMIT.
            top = stats_of(a.call("CLUSTER", "SLOT-STATS", "ORDERBY", "key-count", "LIMIT", "4"))
            expect = sorted(writes, key=lambda s: (-writes[s], s))
            zero = min(s for s in ranges[first] if s not in writes)
            self.assertEqual([s for s, _ in top], expect + [zero])
            low = stats_of(a.call("CLUSTER", "SLOT-STATS", "ORDERBY", "KEY-COUNT", "ASC", "LIMIT", "2"))
            self.assertEqual([s for s, _ in low], sorted(s for s in ranges[first] if s not in writes)[:2])
            whole = stats_of(a.call("CLUSTER", "SLOT-STATS", "ORDERBY", "key-count", "DESC"))
            self.assertEqual(len(whole), len(ranges[first]))
            self.assertEqual(a.call("CLUSTER", "SLOT-STATS", "ORDERBY", "cpu-usec"),
                             ("-", "ERR Unrecognized sort metric for ORDERBY."))
            # Errors, as Valkey 8.0 words them.
            for args, err in [
                (("SLOTSRANGE", "5", "1"), "ERR Start slot number 5 is greater than end slot number 1"),
                (("SLOTSRANGE", "0", "16384"), "ERR Invalid or out of range slot"),
                (("SLOTSRANGE", "x", "1"), "ERR Invalid or out of range slot"),
                (("ORDERBY", "bogus"), "ERR Unrecognized sort metric for ORDERBY."),
                (("ORDERBY", "key-count", "LIMIT", "0"),
                 "ERR Limit has to lie in between 1 and 16384 (maximum number of slots)."),
                (("ORDERBY", "key-count", "LIMIT", "99999"),
                 "ERR Limit has to lie in between 1 and 16384 (maximum number of slots)."),
                (("ORDERBY", "key-count", "ASC", "ASC"), "ERR Multiple filters of the same type are disallowed."),
                (("ORDERBY", "key-count", "nope"), "ERR syntax error"),
                (("SLOTSRANGE", "1"),
                 "ERR unknown subcommand or wrong number of arguments for 'SLOT-STATS'. Try CLUSTER HELP."),
                ((), "ERR wrong number of arguments for 'cluster|slot-stats' command"),
            ]:
                self.assertEqual(a.call("CLUSTER", "SLOT-STATS", *args), ("-", err), args)

            # Counters off: nothing counted.
            self.assertEqual(a.call("GET", "{%s}k0" % tags[a_slots[0]]), ("$", "x"))
            self.assertEqual(a.call("CONFIG", "SET", "cluster-slot-stats-enabled", "yes"), ("+", "OK"))
            self.assertEqual(b.call("CONFIG", "SET", "cluster-slot-stats-enabled", "yes"), ("+", "OK"))
            for s, body in stats_of(a.call("CLUSTER", "SLOT-STATS", "SLOTSRANGE", a_slots[0], a_slots[2])):
                self.assertEqual(list(body), METRICS)
                self.assertEqual([body[m] for m in METRICS[1:]], [0, 0, 0])

            # On: exact bytes in and out per slot, RESP and inline requests, a MULTI/EXEC, a pipeline.
            sent = {s: 0 for s in tags}
            recv = {s: 0 for s in tags}
            rng = random.Random(22)
            for step in range(300):
                slot = rng.choice(a_slots + b_slots)
                c = a if slot in a_slots else b
                key = "{%s}r%d" % (tags[slot], rng.randrange(5))
                cmd = rng.choice([["SET", key, "v" * rng.randrange(50)], ["GET", key], ["INCR", key + "n"],
                                  ["RPUSH", key + "l", "a", "b"], ["LRANGE", key + "l", "0", "3"], ["EXISTS", key]])
                req = rcs.encode(*cmd)
                c.send_raw(req)
                reply = c.read_raw()
                sent[slot] += len(req)
                recv[slot] += len(reply)
            inline = b"SET {%s}inline hello\r\n" % tags[a_slots[1]].encode()
            a.send_raw(inline)
            reply = a.read_raw()
            self.assertEqual(reply, b"+OK\r\n")
            sent[a_slots[1]] += len(inline)
            recv[a_slots[1]] += len(reply)
            # MULTI/EXEC, as Valkey: a queued command's request counts when queued, EXEC's request plus MULTI's 15
            # bytes and EXEC's reply for the queued commands' slot; MULTI's and the QUEUED replies count nowhere.
            self.assertEqual(a.call("MULTI"), ("+", "OK"))
            self.assertEqual(a.call("INCR", "{%s}m" % tags[a_slots[2]]), ("+", "QUEUED"))
            sent[a_slots[2]] += len(rcs.encode("INCR", "{%s}m" % tags[a_slots[2]]))
            exec_req = rcs.encode("EXEC")
            a.send_raw(exec_req)
            exec_reply = a.read_raw()
            sent[a_slots[2]] += len(exec_req) + 15
            recv[a_slots[2]] += len(exec_reply)
            # A pipeline of three requests in one write.
            pipe = [rcs.encode("SET", "{%s}p%d" % (tags[b_slots[2]], i), "x" * i) for i in range(3)]
            b.send_raw(b"".join(pipe))
            for _ in pipe:
                recv[b_slots[2]] += len(b.read_raw())
            sent[b_slots[2]] += sum(len(p) for p in pipe)

            for c, slots in ((a, a_slots), (b, b_slots)):
                for s, body in stats_of(c.call("CLUSTER", "SLOT-STATS", "SLOTSRANGE", min(slots), max(slots))):
                    if s not in slots:
                        self.assertEqual(body["network-bytes-in"], 0, s)
                        self.assertEqual(body["cpu-usec"], 0, s)
                        continue
                    self.assertEqual(body["network-bytes-in"], sent[s], s)
                    self.assertEqual(body["network-bytes-out"], recv[s], s)
                    self.assertGreater(body["cpu-usec"], 0, s)

            # ORDERBY a counter (DESC and ASC) agrees with the SLOTSRANGE values.
            by_out = stats_of(a.call("CLUSTER", "SLOT-STATS", "ORDERBY", "network-bytes-out", "LIMIT", "3"))
            self.assertEqual([s for s, _ in by_out], sorted(a_slots, key=lambda s: (-recv[s], s)))
            by_in_asc = stats_of(a.call("CLUSTER", "SLOT-STATS", "ORDERBY", "network-bytes-in", "ASC", "LIMIT", "16384"))
            values = [body["network-bytes-in"] for _, body in by_in_asc]
            self.assertEqual(values, sorted(values))
            self.assertEqual([s for s, _ in by_in_asc][-3:], sorted(a_slots, key=lambda s: (sent[s], s)))
            by_cpu = stats_of(a.call("CLUSTER", "SLOT-STATS", "ORDERBY", "cpu-usec", "LIMIT", "3"))
            self.assertEqual(sorted(s for s, _ in by_cpu), sorted(a_slots))

            # RESP3: the same as a map.
            self.assertEqual(a.call("HELLO", "3")[0], "%")
            t, items = a.call("CLUSTER", "SLOT-STATS", "SLOTSRANGE", a_slots[0], a_slots[0])
            self.assertEqual(t, "*")
            raw = a.call_raw("CLUSTER", "SLOT-STATS", "SLOTSRANGE", a_slots[0], a_slots[0])
            self.assertTrue(raw.startswith(b"*1\r\n*2\r\n:%d\r\n%%4\r\n$9\r\nkey-count\r\n" % a_slots[0]), raw)
            self.assertEqual(a.call("HELLO", "2")[0], "*")
            raw2 = a.call_raw("CLUSTER", "SLOT-STATS", "SLOTSRANGE", a_slots[0], a_slots[0])
            self.assertTrue(raw2.startswith(b"*1\r\n*2\r\n:%d\r\n*8\r\n$9\r\nkey-count\r\n" % a_slots[0]), raw2)

            # CONFIG RESETSTAT clears the counters, not key-count.
            self.assertEqual(a.call("CONFIG", "RESETSTAT"), ("+", "OK"))
            for s, body in stats_of(a.call("CLUSTER", "SLOT-STATS", "SLOTSRANGE", a_slots[0], a_slots[0])):
                self.assertEqual([body[m] for m in METRICS[1:]], [0, 0, 0])
                self.assertGreater(body["key-count"], 0)
            # Off: counters stop, replies are key-count only again.
            self.assertEqual(a.call("CONFIG", "SET", "cluster-slot-stats-enabled", "no"), ("+", "OK"))
            a.call("SET", "{%s}k0" % tags[a_slots[0]], "y")
            self.assertEqual(a.call("CONFIG", "SET", "cluster-slot-stats-enabled", "yes"), ("+", "OK"))
            for s, body in stats_of(a.call("CLUSTER", "SLOT-STATS", "SLOTSRANGE", a_slots[0], a_slots[0])):
                self.assertEqual([body[m] for m in METRICS[1:]], [0, 0, 0])

            # Key sizes on a cluster node: the keys it holds.
            self.assertEqual(keysizes(a), scanned_keysizes(a))
            self.assertTrue(any(ln.startswith("db0_distrib_strings_sizes:") for ln in keysizes(a)))

    def test_keysizes_follow_writes_loads_and_replication(self):
        master = self.server(MASTER, "master", args=["--enable-debug-command", "yes", "--appendonly", "yes"]).start()
        with rcs.Resp(MASTER) as c:
            self.assertEqual(keysizes(c), [])
            rng = random.Random(8)
            random_writes(c, rng, 3000)
            ks = keysizes(c)
            self.assertTrue(len(ks) == 5, ks)
            self.assertEqual(ks, scanned_keysizes(c))
            # RDB load.
            self.assertEqual(c.call("DEBUG", "RELOAD"), ("+", "OK"))
            self.assertEqual(keysizes(c), ks)
            # Replication: a full sync, then the stream.
            replica = self.server(REPLICA, "replica").start()
            with rcs.Resp(REPLICA) as r:
                self.assertEqual(r.call("REPLICAOF", "127.0.0.1", str(MASTER)), ("+", "OK"))
                rcs.wait_until(lambda: rcs.fields(replica, "INFO", "replication").get("master_link_status") == "up",
                               timeout=15, what="the replica's link")
                rcs.wait_until(lambda: keysizes(r) == ks, timeout=10, what="the replica's keysizes after the sync")
                random_writes(c, rng, 1000)
                ks = keysizes(c)
                self.assertEqual(ks, scanned_keysizes(c))
                rcs.wait_until(lambda: keysizes(r) == ks, timeout=10, what="the replica's keysizes after the stream")
            # Expiry (the active cycle, no lookups).
            before = keysizes(c)
            for i in range(10):
                c.call("RPUSH", "exp%d" % i, *range(i + 1))
                c.call("PEXPIRE", "exp%d" % i, "50")
            self.assertNotEqual(keysizes(c), before)
            time.sleep(0.1)
            rcs.wait_until(lambda: c.call("DBSIZE")[1] == len(c.call("KEYS", "*")[1]), timeout=10,
                           what="the active expiry cycle to delete the expired keys")
            self.assertEqual(keysizes(c), before)
            self.assertEqual(keysizes(c), scanned_keysizes(c))
            # AOF: a restart loads the AOF and rebuilds the same histogram.
            before = keysizes(c)
        master.stop()
        master.start()
        with rcs.Resp(MASTER) as c:
            rcs.wait_until(lambda: c.call("PING") == ("+", "PONG"), timeout=10, what="the master after its restart")
            self.assertEqual(keysizes(c), before)
            # Eviction.
            self.assertEqual(c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random"), ("+", "OK"))
            used = int(rcs.fields(master, "INFO", "memory")["used_memory"])
            self.assertEqual(c.call("CONFIG", "SET", "maxmemory", str(used - 20 * 1024)), ("+", "OK"))
            c.call("SET", "evict-trigger", "x")
            self.assertGreater(int(rcs.fields(master, "INFO", "stats")["evicted_keys"]), 0)
            self.assertEqual(c.call("CONFIG", "SET", "maxmemory", "0"), ("+", "OK"))
            self.assertEqual(keysizes(c), scanned_keysizes(c))
            self.assertEqual(c.call("FLUSHALL"), ("+", "OK"))
            self.assertEqual(keysizes(c), [])


if __name__ == "__main__":
    rcs.run_tests()
