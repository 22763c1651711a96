#!/usr/bin/python3
"""Generate alerts/tests/redis-cluster.test.yml, the promtool unit tests of alerts/*.rules.yml.

Why a generator: every scenario needs the whole six-node cluster as input series (about 30 series per
node), and a scenario is a story ("m1 dies at 2m, r1 is promoted at 2m45, m1 comes back as a replica at
10m"). Writing that by hand per alert would be thousands of lines that nobody could check. Here a small
model of the cluster and of what redis-cluster-exporter exports from it (names and labels as in
docs/metrics.md) is advanced through each story, sampled every 15s like a scrape, and turned into promtool
input series. Series that disappear get a staleness marker, exactly as Prometheus writes one when a
label set vanishes from a scrape (a failover changes `role`) or when the scrape fails.

At every check time of a scenario EVERY alert of the rule files is checked: the ones listed as expected
must fire with exactly those labels and annotations, all others must be silent. So each scenario is also
a "must not misfire" case for all other alerts, and the healthy scenario checks that a healthy 3-master,
3-replica cluster fires nothing.

Usage:  gen_rule_tests.py [--check]     (--check: exit 1 if the committed file is not up to date)
"""
import hashlib
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import promql_names as P  # noqa: E402

ALERTS_DIR = P.ALERTS_DIR
OUT = os.path.join(ALERTS_DIR, "tests", "redis-cluster.test.yml")
RULE_FILES = ["redis-cluster-recording.rules.yml", "redis-cluster-alerts.rules.yml"]

STEP = 15  # seconds between samples, also the evaluation interval
JOB = "redis-cluster"
INSTANCE = "exporter:9121"
MIB = 1024 * 1024
COLLECTORS = ["info", "cluster_info", "cluster_nodes"]
FLAGS = ["fail", "pfail", "handshake", "noaddr", "nofailover"]


T = P.duration_seconds


def fmt_t(sec):
    m, s = divmod(sec, 60)
    return (f"{m}m" if m else "") + (f"{s}s" if s or not m else "")


# --------------------------------------------------------------------------------------------- the model
class Node:
    def __init__(self, name, ip, role, master=None, slots=0):
        self.name = name
        self.addr = f"{ip}:6379"
        self.node_id = hashlib.sha1(name.encode()).hexdigest()
        self.role = role
        self.master = master          # Node, for replicas
        self.slots = slots
        self.alive = True
        self.flags = set()            # the cluster's view of this node (fail, pfail, ...)
        self.role_changes = 0         # what the exporter counted
        self.offset = 1_000_000       # replication offset processed by this node
        self.lag_bytes = 512          # replicas: how far behind their master they are
        self.link_up = True
        self.sync_in_progress = False
        self.info = {                 # INFO fields that scenarios change
            "redis_memory_used_bytes": 100 * MIB,
            "redis_memory_max_bytes": 1024 * MIB,
            "redis_connected_clients": 50,
            "redis_config_maxclients": 10000,
            "redis_rejected_connections_total": 7,
            "redis_aof_enabled": 1,
            "redis_aof_last_write_status": 1,
            "redis_aof_last_bgrewrite_status": 1,
            "redis_rdb_last_bgsave_status": 1,
        }
        self.cluster_info = {}        # per-node CLUSTER INFO overrides (a node's own, possibly odd, view)
        # INFO latencystats / commandstats: per command its p50 and p99 (seconds, cumulative since start, as
        # the server prints them) and whether clients are calling it (its call counter grows every sample).
        self.latency = {"get": {"0.5": 0.00005, "0.99": 0.0002}, "set": {"0.5": 0.00006, "0.99": 0.0003}}
        self.calling = {"get": True, "set": True}
        self.calls = {"get": 1000, "set": 1000}
        self.spikes = {}              # LATENCY LATEST: event -> (unix time of the latest spike, seconds)
        # CLUSTER SLOT-STATS (masters): CPU seconds per second on the shard's slots, the top slots' shares
        # of it, and the counters the exporter serves (the shard total and each top slot's).
        self.slot_cpu_rate = 0.2
        self.slot_shares = {"100": 0.1, "200": 0.1, "300": 0.1}
        self.slot_cpu_total = 50.0
        self.slot_cpu = {k: 5.0 for k in self.slot_shares}

    def labels(self):
        return {"addr": self.addr, "node_id": self.node_id, "role": self.role}


class Cluster:
    def __init__(self):
        m1 = Node("m1", "10.0.0.1", "master", slots=5461)
        m2 = Node("m2", "10.0.0.2", "master", slots=5462)
        m3 = Node("m3", "10.0.0.3", "master", slots=5461)
        r1 = Node("r1", "10.0.0.4", "replica", master=m1)
        r2 = Node("r2", "10.0.0.5", "replica", master=m2)
        r3 = Node("r3", "10.0.0.6", "replica", master=m3)
        self.nodes = [m1, m2, m3, r1, r2, r3]
        self.by_name = {n.name: n for n in self.nodes}
        self.current_epoch = 6
        self.write_rate = 4096        # bytes per sample written on every master
        self.exporter_up = True
        self.scrape_error = 0
        self.collector_ok = {c: 1 for c in COLLECTORS}
        self.key_sizes = {}           # (db, key) -> redis_key_size, the exporter's --check-keys series
        self.now = 0                  # seconds since the start of the scenario (promtool's time() origin)

    def __getitem__(self, name):
        return self.by_name[name]

    # ---- derived views
    def masters(self):
        return [n for n in self.nodes if n.role == "master"]

    def unassigned(self):
        return 16384 - sum(n.slots for n in self.masters())

    def healthy_replicas(self, master):
        return sum(1 for n in self.nodes if n.role == "replica" and n.master is master and "fail" not in n.flags)

    def tick(self):
        for n in self.nodes:
            for cmd, on in n.calling.items():
                if on and n.alive:
                    n.calls[cmd] += 150
        for m in self.masters():
            if m.alive:
                m.offset += self.write_rate
                m.slot_cpu_total += m.slot_cpu_rate * STEP
                for slot, share in m.slot_shares.items():
                    m.slot_cpu[slot] = m.slot_cpu.get(slot, 0.0) + share * m.slot_cpu_rate * STEP
        for r in self.nodes:
            if r.role == "replica" and r.alive and r.link_up and not r.sync_in_progress:
                r.offset = r.master.offset - r.lag_bytes

    def snapshot(self):
        """The series one scrape of the exporter yields: {(name, labels-tuple): value}."""
        out = {}

        def put(name, labels, value):
            labels = dict(labels, job=JOB, instance=INSTANCE)
            out[(name, tuple(sorted(labels.items())))] = value

        put("up", {}, 1 if self.exporter_up else 0)
        if not self.exporter_up:
            return out
        put("redis_exporter_last_scrape_error", {}, self.scrape_error)
        for c, ok in self.collector_ok.items():
            put("redis_exporter_collector_success", {"collector": c}, ok)
        for (db, key), size in self.key_sizes.items():
            put("redis_key_size", {"db": db, "key": key}, size)

        slots_fail = sum(m.slots for m in self.masters() if "fail" in m.flags)
        slots_pfail = sum(m.slots for m in self.masters() if "pfail" in m.flags)
        unassigned = self.unassigned()
        for n in self.nodes:
            lb = n.labels()
            put("redis_up", lb, 1 if n.alive else 0)
            # the seed's CLUSTER NODES
            put("redis_cluster_node_info", dict(lb, hostname="", master_id=n.master.node_id if n.master else ""), 1)
            put("redis_cluster_node_slots", lb, n.slots)
            for f in FLAGS:
                put("redis_cluster_node_flag", dict(lb, flag=f), 1 if f in n.flags else 0)
            if n.role == "master":
                put("redis_cluster_node_replicas", {"addr": n.addr, "node_id": n.node_id}, self.healthy_replicas(n))
            put("redis_cluster_role_changes_total", {"addr": n.addr, "node_id": n.node_id}, n.role_changes)
            if not n.alive:
                continue
            # the node's own INFO
            for k, v in n.info.items():
                put(k, lb, v)
            put("redis_master_repl_offset", lb, n.offset)
            for cmd, qs in n.latency.items():
                put("redis_commands_total", dict(lb, cmd=cmd), n.calls[cmd])
                for q, v in qs.items():
                    put("redis_latency_percentiles_seconds", dict(lb, cmd=cmd, quantile=q), v)
            if n.role == "master":
                put("redis_slot_stats_cpu_seconds_total", lb, round(n.slot_cpu_total, 6))
                for slot in n.slot_shares:
                    put("redis_slot_cpu_seconds_total", dict(lb, slot=slot), round(n.slot_cpu[slot], 6))
            for event, (last, seconds) in n.spikes.items():
                put("redis_latency_spike_last", dict(lb, event_name=event), last)
                put("redis_latency_spike_duration_seconds", dict(lb, event_name=event), seconds)
            if n.role == "replica":
                put("redis_master_link_up", lb, 1 if n.link_up else 0)
                put("redis_master_sync_in_progress", lb, 1 if n.sync_in_progress else 0)
                put("redis_slave_repl_offset", lb, n.offset)
            # the node's own CLUSTER INFO
            ci = {
                "redis_cluster_state": 1 if slots_fail == 0 and unassigned == 0 else 0,
                "redis_cluster_slots_assigned": 16384 - unassigned,
                "redis_cluster_slots_ok": 16384 - unassigned - slots_fail - slots_pfail,
                "redis_cluster_slots_pfail": slots_pfail,
                "redis_cluster_slots_fail": slots_fail,
                "redis_cluster_current_epoch": self.current_epoch,
                "redis_cluster_known_nodes": len(self.nodes),
            }
            ci.update(n.cluster_info)
            for k, v in ci.items():
                put(k, lb, v)
        put("redis_cluster_slots_unassigned", {}, unassigned)
        put("redis_cluster_masters_without_replica", {},
            sum(1 for m in self.masters() if m.slots > 0 and self.healthy_replicas(m) == 0))
        return out


# ---- events (things that happen to the cluster), each a function of the cluster
def kill(*names):
    def f(c):
        for n in names:
            c[n].alive = False
    return f


def flag(names, add=(), remove=()):
    def f(c):
        for n in names:
            c[n].flags |= set(add)
            c[n].flags -= set(remove)
    return f


def promote(replica_name, lagging=()):
    """The replica wins the election: takes the slots, the epoch is bumped (some nodes see it later)."""
    def f(c):
        r = c[replica_name]
        old = r.master
        r.role, r.master, r.slots, old.slots = "master", None, old.slots, 0
        r.role_changes += 1
        for n in c.nodes:
            if n.role == "replica" and n.master is old and n is not r:
                n.master = r
        c.current_epoch += 1
        for n in lagging:
            c[n].cluster_info["redis_cluster_current_epoch"] = c.current_epoch - 1
    return f


def rejoin_as_replica(name, of):
    def f(c):
        n = c[name]
        n.alive, n.flags = True, set()
        if n.role != "replica":
            n.role_changes += 1
        n.role, n.master, n.slots = "replica", c[of], 0
        n.offset = c[of].offset - n.lag_bytes
    return f


def manual_failover(replica_name):
    """CLUSTER FAILOVER on a replica: replica and master swap roles at once."""
    def f(c):
        r = c[replica_name]
        old = r.master
        promote(replica_name)(c)
        old.role, old.master = "replica", r
        old.role_changes += 1
    return f


def restore(*names):
    def f(c):
        for n in names:
            c[n].alive, c[n].flags = True, set()
    return f


def set_attr(name, **kv):
    def f(c):
        for k, v in kv.items():
            setattr(c[name], k, v)
    return f


def set_info(name, **kv):
    def f(c):
        c[name].info.update(kv)
    return f


def set_cluster_info(name, **kv):
    """Override a node's own CLUSTER INFO (None removes the override)."""
    def f(c):
        for k, v in kv.items():
            if v is None:
                c[name].cluster_info.pop(k, None)
            else:
                c[name].cluster_info[k] = v
    return f


def set_latency(name, cmd, p99=None, calling=None):
    def f(c):
        n = c[name]
        n.latency.setdefault(cmd, {"0.5": 0.0001, "0.99": 0.0002})
        n.calls.setdefault(cmd, 10)
        n.calling.setdefault(cmd, False)
        if p99 is not None:
            n.latency[cmd]["0.99"] = p99
        if calling is not None:
            n.calling[cmd] = calling
    return f


def slot_load(name, rate=None, **shares):
    """A master's CPU rate on its slots and the share of named slots (slot_<n>=share)."""
    def f(c):
        n = c[name]
        if rate is not None:
            n.slot_cpu_rate = rate
        for k, v in shares.items():
            n.slot_shares[k.removeprefix("slot_")] = v
    return f


def key_size(key, size, db="db0"):
    """A checked key's redis_key_size (None: the key is no longer served)."""
    def f(c):
        if size is None:
            c.key_sizes.pop((db, key), None)
        else:
            c.key_sizes[(db, key)] = size
    return f


def latency_spike(name, event, seconds):
    """LATENCY LATEST gets a new latest spike of `event` now (the node's clock is the test's clock)."""
    def f(c):
        c[name].spikes[event] = (c.now, seconds)
    return f


def cluster_attr(**kv):
    def f(c):
        for k, v in kv.items():
            setattr(c, k, v)
    return f


def seq(*fs):
    def f(c):
        for g in fs:
            g(c)
    return f


# --------------------------------------------------------------------------------------------- scenarios
# Each: name, duration, {time: event}, {check time: {alertname: [ (labels, value) ... ]}}; at a check time
# every alert not listed must be silent. Labels are the alert's labels without alertname/severity.
C = {"job": JOB, "instance": INSTANCE}
_ref = Cluster()


def node(name, **extra):
    n = _ref[name]
    return dict(C, addr=n.addr, node_id=n.node_id, **extra)


def replica_lag(name, master):
    return node(name, master_id=_ref[master].node_id)


SCENARIOS = [
    ("healthy 3 masters + 3 replicas: nothing fires", "30m", {},
     {t: {} for t in ["1m", "5m", "10m", "20m", "30m"]}),

    ("master m1 dies, r1 is promoted, m1 returns as replica", "25m", {
        "2m": seq(kill("m1"), set_attr("r1", link_up=False)),
        "2m15s": flag(["m1"], add=["pfail"]),
        "2m30s": flag(["m1"], add=["fail"], remove=["pfail"]),
        "2m45s": promote("r1", lagging=["r3"]),
        "3m": set_cluster_info("r3", redis_cluster_current_epoch=None),
        "10m": rejoin_as_replica("m1", of="r1"),
     }, {
        "2m45s": {},                                     # all pending at most: the failover is in progress
        "3m": {"RedisNodeDown": [node("m1")]},           # down since 2m, for 1m
        "3m15s": {"RedisNodeDown": [node("m1")], "RedisClusterFailover": [node("r1")]},
        "7m": {"RedisNodeDown": [node("m1")], "RedisClusterFailover": [node("r1")]},
        "7m30s": {"RedisNodeDown": [node("m1")], "RedisClusterFailover": [node("r1")]},
        "8m": {"RedisNodeDown": [node("m1")], "RedisClusterMasterWithoutReplica": [node("r1")]},
        "9m45s": {"RedisNodeDown": [node("m1")], "RedisClusterMasterWithoutReplica": [node("r1")]},
        "10m15s": {},
        "11m": {"RedisClusterFailover": [node("m1")]},
        "16m": {},
        "25m": {},
     }),

    ("m2 dies; after the failover the seed lists the dead m2 as a replica (role label flips while down)", "8m", {
        "2m": kill("m2"),
        "2m15s": flag(["m2"], add=["fail"]),
        "2m30s": seq(promote("r2"), set_attr("m2", role="replica"), lambda c: setattr(c["m2"], "master", c["r2"])),
     }, {
        "2m45s": {},
        "3m": {"RedisNodeDown": [node("m2")], "RedisClusterFailover": [node("r2")]},   # timer not reset at 2m30
     }),

    ("a whole shard (m2 + r2) dies, then comes back", "15m", {
        "2m": kill("m2", "r2"),
        "2m15s": flag(["m2", "r2"], add=["pfail"]),
        "2m30s": flag(["m2", "r2"], add=["fail"], remove=["pfail"]),
        "8m": restore("m2", "r2"),
     }, {
        "2m45s": {},
        "3m15s": {"RedisClusterStateFail": [(C, 4)], "RedisClusterSlotsFail": [(C, 5462)],
                  "RedisNodeDown": [node("m2"), node("r2")]},
        "7m45s": {"RedisClusterStateFail": [(C, 4)], "RedisClusterSlotsFail": [(C, 5462)],
                  "RedisNodeDown": [node("m2"), node("r2")], "RedisClusterMasterWithoutReplica": [node("m2")]},
        "8m15s": {},
        "15m": {},
     }),

    ("one node reports cluster_state:fail on its own", "10m", {
        "2m": set_cluster_info("m3", redis_cluster_state=0),
        "6m": set_cluster_info("m3", redis_cluster_state=None),
        "7m": set_cluster_info("r1", redis_cluster_state=0),     # a 20 s blip: nothing fires
        "7m30s": set_cluster_info("r1", redis_cluster_state=None),
     }, {
        "2m15s": {},
        "2m45s": {"RedisClusterStateFail": [(C, 1)]},
        "3m15s": {"RedisClusterStateFail": [(C, 1)], "RedisClusterStateDisagreement": [C]},
        "6m15s": {},
        "7m15s": {},
        "8m": {},
     }),

    ("one node stays behind on current_epoch", "12m", {
        "2m": seq(cluster_attr(current_epoch=7), set_cluster_info("r3", redis_cluster_current_epoch=6)),
        "5m": set_cluster_info("r3", redis_cluster_current_epoch=None),
        "8m": seq(cluster_attr(current_epoch=8), set_cluster_info("r2", redis_cluster_current_epoch=7)),
        "8m45s": set_cluster_info("r2", redis_cluster_current_epoch=None),   # normal propagation delay
     }, {
        "3m45s": {},
        "4m15s": {"RedisClusterEpochDisagreement": [(C, 1)]},
        "5m15s": {},
        "8m30s": {},
        "9m30s": {},
     }),

    ("one node sees slots in PFAIL", "10m", {
        "2m": set_cluster_info("r3", redis_cluster_slots_pfail=5461),
        "5m": set_cluster_info("r3", redis_cluster_slots_pfail=None),
        "7m": set_cluster_info("r2", redis_cluster_slots_pfail=5462),        # node timeout, then FAIL/ok
        "7m30s": set_cluster_info("r2", redis_cluster_slots_pfail=None),
     }, {
        "3m45s": {},
        "4m15s": {"RedisClusterSlotsPfail": [(C, 5461)]},
        "5m15s": {},
        "8m": {},
     }),

    ("100 slots lose their owner (CLUSTER DELSLOTS)", "8m", {
        "2m": set_attr("m3", slots=5361),
        "5m": set_attr("m3", slots=5461),
     }, {
        "2m15s": {},
        "2m45s": {"RedisClusterStateFail": [(C, 6)]},
        "3m15s": {"RedisClusterStateFail": [(C, 6)], "RedisClusterSlotsUnassigned": [(C, 100)]},
        "5m30s": {},
     }),

    ("the exporter is down: only up == 0, every other series stale", "8m", {
        "2m": cluster_attr(exporter_up=False),
        "6m": cluster_attr(exporter_up=True),
     }, {
        "2m45s": {},
        "3m15s": {"RedisExporterDown": [C]},
        "5m45s": {"RedisExporterDown": [C]},
        "6m15s": {},
     }),

    ("the exporter answers but a collector fails (a node being down is not that)", "12m", {
        "2m": cluster_attr(scrape_error=1),                          # e.g. one node down: NodeDown's job
        "4m": cluster_attr(collector_ok={"info": 1, "cluster_info": 1, "cluster_nodes": 0}),
        "5m": cluster_attr(scrape_error=0),
        "6m30s": cluster_attr(collector_ok={c: 1 for c in COLLECTORS}),
        "7m": cluster_attr(collector_ok={"info": 1, "cluster_info": 0, "cluster_nodes": 1}),  # 45s blip
        "7m45s": cluster_attr(collector_ok={c: 1 for c in COLLECTORS}),
        "8m15s": cluster_attr(collector_ok={"info": 0, "cluster_info": 1, "cluster_nodes": 1}),
     }, {
        "3m45s": {},
        "5m45s": {},
        "6m15s": {"RedisExporterScrapeFailing": [(C, 1)]},
        "6m45s": {},
        "7m45s": {},
        "9m45s": {},
        "10m15s": {"RedisExporterScrapeFailing": [(C, 1)]},
     }),

    ("replication link down; a long full sync", "25m", {
        "2m": set_attr("r3", link_up=False),
        "5m": set_attr("r3", link_up=True),
        "6m": set_attr("r2", link_up=False, sync_in_progress=True),
     }, {
        "2m45s": {},
        "3m15s": {"RedisReplicationLinkDown": [node("r3")]},
        "5m15s": {},
        "8m": {},
        "20m45s": {},
        "21m15s": {"RedisReplicaSyncStuck": [node("r2")]},
     }),

    ("a replica falls 32 MiB behind its master", "10m", {
        "0s": set_attr("r2", lag_bytes=1 * MIB),                     # small steady lag: fine
        "2m": set_attr("r1", lag_bytes=32 * MIB),
        "6m": set_attr("r1", lag_bytes=512),
        "7m": set_attr("r3", lag_bytes=32 * MIB),                    # one minute behind: fine
        "8m": set_attr("r3", lag_bytes=512),
     }, {
        "3m45s": {},
        "4m15s": {"RedisReplicationLag": [(replica_lag("r1", "m1"), 32 * MIB)]},
        "6m15s": {},
        "8m": {},
     }),

    ("memory near maxmemory, through a failover of that node (and a node without maxmemory)", "16m", {
        "0s": set_info("r3", redis_memory_max_bytes=0, redis_memory_used_bytes=10 * 1024 * MIB),
        "2m": set_info("m2", redis_memory_used_bytes=int(0.95 * 1024 * MIB)),
        "4m": manual_failover("r2"),      # m2's role label changes: the for: timer must not restart
        "9m30s": set_info("m2", redis_memory_used_bytes=100 * MIB),
     }, {
        "6m45s": {"RedisClusterFailover": [node("r2"), node("m2")]},
        "7m15s": {"RedisMemoryNearMaxmemory": [(node("m2"), 0.95)],
                  "RedisClusterFailover": [node("r2"), node("m2")]},
        "9m15s": {"RedisMemoryNearMaxmemory": [(node("m2"), 0.95)]},
        "9m45s": {},
        "16m": {},
     }),

    ("clients near maxclients", "12m", {
        "0s": set_info("m1", redis_connected_clients=5000),
        "2m": set_info("r1", redis_connected_clients=9000),
        "9m": set_info("r1", redis_connected_clients=50),
     }, {
        "6m45s": {},
        "7m15s": {"RedisClientsNearMaxclients": [(node("r1"), 0.9)]},
        "9m15s": {},
     }),

    ("rejected connections; a restart resets the counter", "15m", {
        "6m": set_info("m3", redis_rejected_connections_total=10),   # 7 -> 10
        "8m": set_info("m1", redis_rejected_connections_total=0),    # restart: reset, not rejections
     }, {
        "5m45s": {},
        "6m": {"RedisRejectedConnections": [(node("m3"), 3)]},
        "8m30s": {"RedisRejectedConnections": [(node("m3"), 3)]},
        "11m15s": {},
     }),

    ("AOF write error", "6m", {
        "2m": set_info("m1", redis_aof_last_write_status=0),
        "4m": set_info("m1", redis_aof_last_write_status=1),
        "4m15s": set_info("r2", redis_aof_last_write_status=0),      # one failed write, then ok
        "4m30s": set_info("r2", redis_aof_last_write_status=1),
     }, {
        "2m15s": {},
        "2m45s": {"RedisAofWriteError": [node("m1")]},
        "4m15s": {},
        "5m": {},
     }),

    ("AOF rewrite failed", "5m", {
        "2m": set_info("r3", redis_aof_last_bgrewrite_status=0),
        "4m": set_info("r3", redis_aof_last_bgrewrite_status=1),
     }, {
        "2m45s": {},
        "3m15s": {"RedisAofRewriteFailed": [node("r3")]},
        "4m15s": {},
     }),

    ("RDB save failed", "5m", {
        "2m": set_info("m2", redis_rdb_last_bgsave_status=0),
        "4m": set_info("m2", redis_rdb_last_bgsave_status=1),
     }, {
        "2m45s": {},
        "3m15s": {"RedisRdbSaveFailed": [node("m2")]},
        "4m15s": {},
     }),

    ("a reachable node is flagged FAIL by the cluster (bus cut)", "8m", {
        "2m": flag(["r3"], add=["fail"]),
        "5m": flag(["r3"], remove=["fail"]),
     }, {
        "2m45s": {},
        "3m15s": {"RedisClusterNodeMarkedFailed": [node("r3")]},
        "5m15s": {},
     }),

    ("a command's p99 above 10 ms for 5m; an old slow command nobody calls any more; a short slow phase", "16m", {
        "0s": set_latency("m2", "keys", p99=0.05, calling=False),   # slow once, not called since: silent
        "2m": set_latency("m1", "get", p99=0.02),
        "9m": set_latency("m1", "get", p99=0.0002),
        "10m": set_latency("r1", "set", p99=0.02),                  # 3 minutes only: silent
        "13m": set_latency("r1", "set", p99=0.0003),
     }, {
        "6m45s": {},
        "7m15s": {"RedisCommandLatencyHigh": [(node("m1", cmd="get"), 0.02)]},
        "8m45s": {"RedisCommandLatencyHigh": [(node("m1", cmd="get"), 0.02)]},
        "9m15s": {},
        "12m45s": {},
        "16m": {},
     }),

    ("latency spikes: a 250 ms command spike fires for 5 minutes, a 50 ms fork spike does not", "10m", {
        "2m": latency_spike("m3", "command", 0.25),
        "3m": latency_spike("r2", "fork", 0.05),
     }, {
        "1m45s": {},
        "2m": {"RedisLatencySpike": [(node("m3", event_name="command"), 0.25)]},
        "6m45s": {"RedisLatencySpike": [(node("m3", event_name="command"), 0.25)]},
        "7m15s": {},
        "10m": {},
     }),

    ("a big key: queue:jobs grows to 3,000,000 elements for 8 minutes; a 900,000-element key does not fire", "15m", {
        "0s": seq(key_size("queue:jobs", 1000), key_size("set:members", 900000)),
        "2m": key_size("queue:jobs", 3000000),
        "10m": key_size("queue:jobs", 500),
        "12m": key_size("set:members", None),
     }, {
        "6m45s": {},
        "7m15s": {"RedisBigKey": [(dict(C, db="db0", key="queue:jobs"), 3000000)]},
        "9m45s": {"RedisBigKey": [(dict(C, db="db0", key="queue:jobs"), 3000000)]},
        "10m30s": {},
        "15m": {},
     }),

    ("a hot slot: slot 100 takes 80% of m1's CPU; an idle shard's only busy slot does not count", "20m", {
        "0s": seq(slot_load("m3", rate=0.01, slot_100=0.9)),     # idle shard: 1% of a core
        "2m": slot_load("m1", slot_100=0.8),
        "17m": slot_load("m1", slot_100=0.1),
     }, {
        "12m": {},
        "15m": {"RedisHotSlot": [(node("m1", slot="100"), 0.8)]},
        "16m45s": {"RedisHotSlot": [(node("m1", slot="100"), 0.8)]},
        "20m": {},
     }),

    ("shard imbalance: m2 does 5x the others' CPU for 20 minutes; a 10-minute burst does not fire", "40m", {
        "2m": slot_load("m2", rate=1.0),
        "25m": slot_load("m2", rate=0.2),
        "27m": slot_load("m3", rate=1.0),
        "37m": slot_load("m3", rate=0.2),
     }, {
        "17m": {},
        "23m": {"RedisShardImbalance": [(node("m2"), 1.0 / (1.4 / 3))]},
        "31m": {},
        "40m": {},
     }),

    ("manual failover (both nodes change role at once); then the exporter restarts (counters reset)", "15m", {
        "2m": manual_failover("r3"),
        "9m": cluster_attr(exporter_up=False),
        "9m15s": seq(cluster_attr(exporter_up=True),
                     *[set_attr(n, role_changes=0) for n in ["m1", "m2", "m3", "r1", "r2", "r3"]]),
     }, {
        "2m15s": {},
        "2m45s": {"RedisClusterFailover": [node("r3"), node("m3")]},
        "6m30s": {"RedisClusterFailover": [node("r3"), node("m3")]},
        "7m30s": {},
        "9m30s": {},
        "11m": {},
     }),
]


# --------------------------------------------------------------------------------------------- rendering
def series_name(key):
    name, labels = key
    return name + "{" + ",".join(f'{k}="{v}"' for k, v in labels) + "}"


def fmt_num(v):
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def compress(values):
    """Sample list (numbers, None = no sample, 'stale') -> promtool expanding notation."""
    out, i = [], 0
    while i < len(values):
        v = values[i]
        if v == "stale":
            out.append("stale")
            i += 1
            continue
        j = i
        if v is None:
            while j + 1 < len(values) and values[j + 1] is None:
                j += 1
            out.append(f"_x{j - i + 1}" if j > i else "_")   # "_xN" is N samples, "vxN" is N + 1
        else:
            step = values[i + 1] - v if i + 1 < len(values) and isinstance(values[i + 1], (int, float)) else 0
            while (j + 1 < len(values) and isinstance(values[j + 1], (int, float))
                   and values[j + 1] - values[j] == step):
                j += 1
            if j == i:
                out.append(fmt_num(v))
            elif step == 0:
                out.append(f"{fmt_num(v)}x{j - i}")
            else:
                out.append(f"{fmt_num(v)}{'+' if step > 0 else '-'}{fmt_num(abs(step))}x{j - i}")
        i = j + 1
    return " ".join(out)


def run_scenario(duration, events):
    c = Cluster()
    n = T(duration) // STEP + 1
    events = {T(k): v for k, v in events.items()}
    samples = []
    for i in range(n):
        c.now = i * STEP
        if i * STEP in events:
            events[i * STEP](c)
        c.tick()
        samples.append(c.snapshot())
    keys = sorted({k for s in samples for k in s}, key=series_name)
    series = []
    for k in keys:
        vals, present = [], False
        for s in samples:
            if k in s:
                vals.append(s[k])
                present = True
            else:
                vals.append("stale" if present else None)
                present = False
        while vals and vals[-1] is None:
            vals.pop()
        series.append({"series": series_name(k), "values": compress(vals)})
    return series


# Go template subset used in the annotations; anything else is an error, not a silent mismatch.
def go_value(v):
    if float(v).is_integer() and abs(v) < 1e21:
        return str(int(v))
    r = repr(float(v))
    if "e" in r:
        raise ValueError(f"{v}: Go would print an exponent here; use humanize or printf in the template")
    return r


def humanize1024(v):
    if abs(v) <= 1:
        return "%.4g" % v
    prefix = ""
    for p in ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"]:
        if abs(v) < 1024:
            break
        prefix, v = p, v / 1024
    return "%.4g%s" % (v, prefix)


def render(template, labels, value):
    def one(m):
        expr = m.group(1).strip()
        if expr.startswith("$labels."):
            return labels[expr[len("$labels."):]]
        if value is None:
            raise ValueError(f"template needs $value: {template!r}")
        if expr == "$value":
            return go_value(value)
        if expr == "$value | humanize1024":
            return humanize1024(value)
        if expr == "$value | humanizePercentage":
            return "%.4g%%" % (value * 100)
        m2 = re.fullmatch(r'printf "(%\.\d+f)" \$value', expr)
        if m2:
            return m2.group(1) % value
        raise ValueError(f"unsupported template action {expr!r}")
    return re.sub(r"\{\{(.*?)\}\}", one, template)


def load_alerts():
    alerts = {}
    for f in RULE_FILES:
        with open(os.path.join(ALERTS_DIR, f)) as fh:
            for g in yaml.safe_load(fh)["groups"]:
                for r in g["rules"]:
                    if "alert" in r:
                        alerts[r["alert"]] = r
    return alerts


def expected(rule, item):
    labels, value = item if isinstance(item, tuple) else (item, None)
    labels = dict(labels, **rule.get("labels", {}))
    return {"exp_labels": labels,
            "exp_annotations": {k: render(v, labels, value) for k, v in rule.get("annotations", {}).items()}}


def lag_test(at, pairs):
    """redis_replica:replication_lag:bytes at `at`: 512 bytes for each (replica, its master) pair."""
    rule = "redis_replica:replication_lag:bytes"
    return {"expr": rule, "eval_time": at, "exp_samples": [
        {"labels": rule + "{" + ",".join(f'{k}="{v}"' for k, v in sorted(replica_lag(x, m).items())) + "}",
         "value": 512} for x, m in pairs]}


def build():
    alerts = load_alerts()
    tests = []
    covered_firing = set()
    for name, duration, events, checks in SCENARIOS:
        art = []
        for t in sorted(checks, key=T):
            if T(t) > T(duration):
                raise ValueError(f"{name}: check at {t} after the end")
            for alertname in alerts:
                items = checks[t].get(alertname, [])
                if items:
                    covered_firing.add(alertname)
                art.append({"eval_time": fmt_t(T(t)), "alertname": alertname,
                            "exp_alerts": [expected(alerts[alertname], i) for i in items]})
        for t in checks:
            unknown = set(checks[t]) - set(alerts)
            if unknown:
                raise ValueError(f"{name}: unknown alerts {unknown}")
        tests.append({"name": name, "interval": f"{STEP}s",
                      "input_series": run_scenario(duration, events), "alert_rule_test": art})
    missing = set(alerts) - covered_firing
    if missing:
        raise SystemExit(f"alerts without a firing case: {sorted(missing)}")
    # Recording rules on the healthy cluster: the replica -> master join and the cluster-wide minimum.
    r = _ref
    tests[0]["promql_expr_test"] = [
        lag_test("10m", [("r1", "m1"), ("r2", "m2"), ("r3", "m3")]),
        {"expr": "redis_cluster:state:min", "eval_time": "10m",
         "exp_samples": [{"labels": f'redis_cluster:state:min{{instance="{INSTANCE}",job="{JOB}"}}', "value": 1}]},
        {"expr": "redis_node:memory_used:ratio_maxmemory", "eval_time": "10m",
         "exp_samples": [{"labels": "redis_node:memory_used:ratio_maxmemory{" + ",".join(f'{k}="{v}"' for k, v in sorted(
             dict(C, addr=n.addr, node_id=n.node_id, role=n.role).items())) + "}", "value": 100 / 1024}
             for n in r.nodes]},
    ]
    # After the failover the replica -> master pairing follows the new roles: m1 is now r1's replica.
    failover = next(t for t in tests if t["name"].startswith("master m1 dies"))
    failover["promql_expr_test"] = [lag_test("12m", [("m1", "r1"), ("r2", "m2"), ("r3", "m3")])]
    doc = {"rule_files": ["../" + f for f in RULE_FILES], "evaluation_interval": f"{STEP}s", "tests": tests}
    header = ("# GENERATED by tests/alerts/gen_rule_tests.py -- edit the scenarios there, then run it.\n"
              "# promtool test rules alerts/tests/redis-cluster.test.yml\n")
    return header + yaml.safe_dump(doc, sort_keys=False, width=120)


def main():
    text = build()
    if "--check" in sys.argv:
        with open(OUT) as fh:
            if fh.read() != text:
                print(f"{OUT} is out of date: run {sys.argv[0]}", file=sys.stderr)
                return 1
        print(f"{OUT} is up to date")
        return 0
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        fh.write(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
