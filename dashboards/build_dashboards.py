#!/usr/bin/python3
"""Build the Grafana dashboards of redis-cluster-suite (dashboards/*.json) from this one description.

The JSON files are committed (Grafana provisions them as they are); this script is their source, so a
panel is one line here instead of 60 lines of JSON, and every panel of both dashboards is built the same
way. Edit here, run `dashboards/build_dashboards.py`, commit both; the unit test
`dashboards_up_to_date` fails when the JSON and this script disagree.

Conventions every panel follows (checked by tests/alerts/check_dashboards.py):
  - datasource is the template variable ${datasource} (type prometheus), on the panel and on each target;
  - the cluster is chosen by $job and $instance (one exporter target = one cluster), the node by $addr;
  - series are labelled by `addr` (and `role` where useful), never by `instance`, which is the exporter;
  - a panel that is legitimately empty while nothing is wrong starts its description with "Event panel:".

Usage: build_dashboards.py [--check]
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DS = {"type": "prometheus", "uid": "${datasource}"}
C = 'job="$job", instance="$instance"'          # the cluster
N = 'job="$job", instance="$instance", addr="$addr"'  # one node
EVENT = "Event panel: empty while nothing of the kind happens. "


# ------------------------------------------------------------------------------------------- panel kit
class Layout:
    """Places panels left to right in rows of 24 columns; row() starts a new Grafana row."""

    def __init__(self):
        self.panels, self.x, self.y, self.h, self.next_id = [], 0, 0, 0, 1

    def _id(self):
        self.next_id += 1
        return self.next_id - 1

    def row(self, title):
        if self.x:
            self.y += self.h
        self.panels.append({"id": self._id(), "type": "row", "title": title, "collapsed": False,
                            "gridPos": {"h": 1, "w": 24, "x": 0, "y": self.y}, "panels": []})
        self.x, self.h, self.y = 0, 0, self.y + 1

    def add(self, panel, w, h):
        if self.x + w > 24:
            self.x, self.y, self.h = 0, self.y + self.h, 0
        panel["id"] = self._id()
        panel["gridPos"] = {"h": h, "w": w, "x": self.x, "y": self.y}
        self.panels.append(panel)
        self.x += w
        self.h = max(self.h, h)


def target(expr, legend="", ref="A", instant=False, table=False):
    t = {"datasource": DS, "refId": ref, "expr": expr, "legendFormat": legend or "__auto",
         "range": not instant, "instant": instant}
    if table:
        t["format"] = "table"
    return t


def targets(queries, **kw):
    return [target(q[0], q[1] if len(q) > 1 else "", ref=chr(ord("A") + i), **kw) for i, q in enumerate(queries)]


def thresholds(steps):
    return {"mode": "absolute", "steps": [{"color": c, "value": v} for v, c in steps]}


GREEN_ABOVE_0 = thresholds([(None, "red"), (1, "green")])
RED_ABOVE_0 = thresholds([(None, "green"), (1, "red")])
ORANGE_ABOVE_0 = thresholds([(None, "green"), (1, "orange")])
OK_FAIL = [{"type": "value", "options": {"1": {"text": "OK", "color": "green", "index": 0},
                                          "0": {"text": "FAIL", "color": "red", "index": 1}}}]
UP_DOWN = [{"type": "value", "options": {"1": {"text": "UP", "color": "green", "index": 0},
                                          "0": {"text": "DOWN", "color": "red", "index": 1}}}]


def stat(title, queries, desc, unit="short", th=None, mappings=None, text_mode="auto", color_mode="background",
         instant=True):
    return {"type": "stat", "title": title, "description": desc, "datasource": DS,
            "targets": targets(queries, instant=instant),
            "fieldConfig": {"defaults": {"unit": unit, "mappings": mappings or [],
                                         "thresholds": th or thresholds([(None, "blue")]),
                                         "color": {"mode": "thresholds"}}, "overrides": []},
            "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                        "colorMode": color_mode, "graphMode": "none", "justifyMode": "auto",
                        "orientation": "auto", "textMode": text_mode, "wideLayout": True,
                        "showPercentChange": False}}


def ts(title, queries, desc, unit="short", stack=False, minv=None, maxv=None, overrides=None, draw="line"):
    custom = {"drawStyle": draw, "lineWidth": 1, "fillOpacity": 10 if not stack else 40, "showPoints": "never",
              "spanNulls": False, "stacking": {"mode": "normal" if stack else "none", "group": "A"},
              "axisSoftMin": 0}
    defaults = {"unit": unit, "custom": custom, "color": {"mode": "palette-classic"}}
    if minv is not None:
        defaults["min"] = minv
    if maxv is not None:
        defaults["max"] = maxv
    return {"type": "timeseries", "title": title, "description": desc, "datasource": DS,
            "targets": targets(queries),
            "fieldConfig": {"defaults": defaults, "overrides": overrides or []},
            "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
                        "tooltip": {"mode": "multi", "sort": "desc"}}}


def table(title, queries, desc, rename=None, units=None, hide=("Time",)):
    """Instant queries merged into one row per node (Grafana's merge transformation)."""
    overrides = [{"matcher": {"id": "byName", "options": col},
                  "properties": [{"id": "unit", "value": u}]} for col, u in (units or {}).items()]
    return {"type": "table", "title": title, "description": desc, "datasource": DS,
            "targets": targets(queries, instant=True, table=True),
            "transformations": [
                {"id": "merge", "options": {}},
                {"id": "organize", "options": {"excludeByName": {h: True for h in hide},
                                               "renameByName": rename or {}}}],
            "fieldConfig": {"defaults": {"custom": {"align": "auto"}}, "overrides": overrides},
            "options": {"showHeader": True, "cellHeight": "sm"}}


def dashed(regex):
    return {"matcher": {"id": "byRegexp", "options": regex},
            "properties": [{"id": "custom.lineStyle", "value": {"fill": "dash", "dash": [10, 10]}},
                           {"id": "custom.fillOpacity", "value": 0}]}


# ------------------------------------------------------------------------------------------- variables
def variables(node=False):
    v = [
        {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
         "current": {}, "hide": 0, "refresh": 1, "regex": "", "options": []},
        {"name": "job", "label": "Job", "type": "query", "datasource": DS,
         "query": {"query": "label_values(redis_exporter_build_info, job)", "refId": "job"},
         "definition": "label_values(redis_exporter_build_info, job)",
         "refresh": 2, "sort": 1, "current": {}, "hide": 0, "includeAll": False, "multi": False, "options": []},
        {"name": "instance", "label": "Cluster (exporter)", "type": "query", "datasource": DS,
         "query": {"query": 'label_values(redis_exporter_build_info{job="$job"}, instance)', "refId": "instance"},
         "definition": 'label_values(redis_exporter_build_info{job="$job"}, instance)',
         "refresh": 2, "sort": 1, "current": {}, "hide": 0, "includeAll": False, "multi": False, "options": []},
    ]
    if node:
        v.append({"name": "addr", "label": "Node", "type": "query", "datasource": DS,
                  "query": {"query": 'label_values(redis_up{job="$job", instance="$instance"}, addr)',
                            "refId": "addr"},
                  "definition": 'label_values(redis_up{job="$job", instance="$instance"}, addr)',
                  "refresh": 2, "sort": 1, "current": {}, "hide": 0, "includeAll": False, "multi": False,
                  "options": []})
    return v


def dashboard(uid, title, description, layout, node=False):
    return {
        "annotations": {"list": [
            {"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"}, "enable": True,
             "hide": True, "iconColor": "rgba(0, 211, 255, 1)", "name": "Annotations & Alerts",
             "type": "dashboard"},
            {"datasource": DS, "enable": True, "iconColor": "orange", "name": "Failovers",
             "expr": f"sum by (addr) (changes(redis_cluster_role_changes_total{{{C}}}[2m])) > 0",
             "step": "1m", "titleFormat": "Role change", "textFormat": "{{addr}} changed role",
             "useValueForTime": False},
        ]},
        "description": description,
        "editable": True,
        "fiscalYearStartMonth": 0,
        "graphTooltip": 1,
        "id": None,
        "links": [{"title": "Redis Cluster dashboards", "type": "dashboards", "tags": ["redis-cluster"],
                   "asDropdown": True, "includeVars": True, "keepTime": True}],
        "panels": layout.panels,
        "refresh": "30s",
        "schemaVersion": 39,
        "tags": ["redis", "redis-cluster"],
        "templating": {"list": variables(node)},
        "time": {"from": "now-1h", "to": "now"},
        "timepicker": {},
        "timezone": "",
        "title": title,
        "uid": uid,
        "version": 1,
        "weekStart": "",
    }


# ------------------------------------------------------------------------------------------- overview
def overview():
    L = Layout()
    L.row("Cluster state")
    L.add(stat("Cluster state", [(f"min(redis_cluster_state{{{C}}})",)],
               "Worst cluster_state reported by any reachable node (CLUSTER INFO). FAIL: some node refuses "
               "queries with CLUSTERDOWN.", mappings=OK_FAIL, th=GREEN_ABOVE_0), 3, 4)
    L.add(stat("Nodes reporting fail", [(f"count(redis_cluster_state{{{C}}} == 0) or vector(0)",)],
               "Reachable nodes whose own CLUSTER INFO says cluster_state:fail.", th=RED_ABOVE_0), 3, 4)
    L.add(stat("Slots", [(f"min(redis_cluster_slots_ok{{{C}}})", "ok"),
                         (f"max(redis_cluster_slots_pfail{{{C}}})", "pfail"),
                         (f"max(redis_cluster_slots_fail{{{C}}})", "fail"),
                         (f"max(redis_cluster_slots_unassigned{{{C}}})", "unassigned")],
               "Hash slots (of 16384): ok = lowest count any node reports; pfail/fail = highest; unassigned = "
               "not owned by any node in the seed's CLUSTER NODES.", text_mode="value_and_name",
               color_mode="value"), 6, 4)
    L.add(stat("Nodes up by role", [(f"count by (role) (redis_up{{{C}}} == 1)", "{{role}} up"),
                                    (f"count(redis_up{{{C}}} == 0) or vector(0)", "down")],
               "Nodes answering the exporter (redis_up), by current role, and nodes down.",
               text_mode="value_and_name", color_mode="value"), 4, 4)
    L.add(stat("Masters without a replica", [(f"max(redis_cluster_masters_without_replica{{{C}}})",)],
               "Masters owning slots with no attached, non-failed replica (seed's CLUSTER NODES). One more "
               "failure there loses slots.", th=ORANGE_ABOVE_0), 4, 4)
    L.add(stat("Current epoch", [(f"max(redis_cluster_current_epoch{{{C}}})", "max"),
                                 (f"min(redis_cluster_current_epoch{{{C}}})", "min")],
               "cluster_current_epoch, highest and lowest over the nodes. They differ for seconds after a "
               "failover; longer means a node does not get gossip.", text_mode="value_and_name",
               color_mode="value"), 4, 4)
    L.add(ts("Failovers (role changes)",
             [(f"sum by (addr) (increase(redis_cluster_role_changes_total{{{C}}}[$__rate_interval]))", "{{addr}}")],
             "Role changes the exporter observed per node: a promoted replica, a former master returning as "
             "replica. Also drawn as annotations.", draw="bars"), 8, 7)
    L.add(ts("Slots by state", [(f"min(redis_cluster_slots_ok{{{C}}})", "ok"),
                                (f"max(redis_cluster_slots_pfail{{{C}}})", "pfail"),
                                (f"max(redis_cluster_slots_fail{{{C}}})", "fail"),
                                (f"max(redis_cluster_slots_unassigned{{{C}}})", "unassigned")],
             "Hash slot states over time, worst node view."), 8, 7)
    L.add(ts("Nodes by role", [(f"max(redis_cluster_masters{{{C}}})", "masters"),
                               (f"max(redis_cluster_replicas{{{C}}})", "replicas"),
                               (f"max(redis_cluster_nodes_failed{{{C}}})", "failed"),
                               (f"max(redis_cluster_nodes_pfail{{{C}}})", "pfail")],
             "Seed's CLUSTER NODES: masters and replicas not flagged fail, nodes flagged fail / pfail."), 8, 7)
    L.add(table("Nodes", [
        (f"max by (addr, node_id, role, master_id) (redis_cluster_node_info{{{C}}})",),
        (f"max by (addr, node_id) (redis_up{{{C}}})",),
        (f"max by (addr, node_id) (redis_cluster_node_slots{{{C}}})",),
        (f"max by (addr, node_id) (redis_cluster_node_config_epoch{{{C}}})",),
        (f"max by (addr, node_id) (redis_cluster_node_flag{{{C}, flag=~\"fail|pfail\"}})",),
        (f"max by (addr, node_id) (redis_cluster_node_link_connected{{{C}}})",),
        (f"max by (addr, node_id) (redis_uptime_in_seconds{{{C}}})",)],
        "One row per node in the seed's CLUSTER NODES: role, master, up, slots owned, config epoch, "
        "fail/pfail flag, seed's bus link, uptime.",
        rename={"Value #A": "info", "Value #B": "up", "Value #C": "slots", "Value #D": "config epoch",
                "Value #E": "fail/pfail", "Value #F": "bus link", "Value #G": "uptime"},
        units={"uptime": "s"}, hide=("Time", "Value #A")), 24, 8)

    L.row("Throughput and latency")
    L.add(ts("Operations per second per node",
             [(f"sum by (addr, role) (rate(redis_commands_processed_total{{{C}}}[$__rate_interval]))",
               "{{addr}} ({{role}})")], "Commands processed per second (INFO total_commands_processed).",
             unit="ops"), 12, 8)
    L.add(ts("Keyspace hit ratio per node",
             [(f"sum by (addr) (rate(redis_keyspace_hits_total{{{C}}}[$__rate_interval])) / "
               f"(sum by (addr) (rate(redis_keyspace_hits_total{{{C}}}[$__rate_interval])) + "
               f"sum by (addr) (rate(redis_keyspace_misses_total{{{C}}}[$__rate_interval])))", "{{addr}}")],
             "Share of key lookups that found the key. No line while a node serves no reads.",
             unit="percentunit", minv=0, maxv=1), 12, 8)
    L.add(ts("Calls per second by command (top 10)",
             [(f"topk(10, sum by (cmd) (rate(redis_commands_total{{{C}}}[$__rate_interval])))", "{{cmd}}")],
             "Whole cluster, from INFO commandstats.", unit="ops"), 8, 8)
    L.add(ts("Average latency by command (top 10)",
             [(f"topk(10, sum by (cmd) (rate(redis_commands_duration_seconds_total{{{C}}}[$__rate_interval])) / "
               f"sum by (cmd) (rate(redis_commands_total{{{C}}}[$__rate_interval])))", "{{cmd}}")],
             "Server-side time per call (usec / calls), whole cluster.", unit="s"), 8, 8)
    L.add(ts("p99 latency by command (worst node, top 10)",
             [(f"topk(10, max by (cmd) (redis_latency_percentiles_seconds{{{C}, quantile=\"0.99\"}}))", "{{cmd}}"),
              ("vector(0.01)", "alert threshold")],
             "INFO latencystats p99 since the server started (or CONFIG RESETSTAT), highest over the nodes. "
             "Dashed: RedisCommandLatencyHigh's threshold (10 ms for 5m while the command is called).",
             unit="s", overrides=[dashed("alert threshold")]), 8, 8)
    L.add(ts("Latency spikes (LATENCY LATEST, last 5m)",
             [(f"max by (addr, event_name) (redis_latency_spike_duration_seconds{{{C}}} "
               f"and (time() - redis_latency_spike_last{{{C}}}) < 300)", "{{addr}} {{event_name}}")],
             EVENT + "Duration of each node's latest latency spike per event while it is less than 5 minutes "
             "old (needs latency-monitor-threshold on the nodes). Alert RedisLatencySpike from 100 ms.",
             unit="s", draw="bars"), 8, 7)
    L.add(ts("Failed and rejected calls per second",
             [(f"sum by (cmd) (rate(redis_commands_failed_calls_total{{{C}}}[$__rate_interval])) > 0",
               "failed {{cmd}}"),
              (f"sum by (cmd) (rate(redis_commands_rejected_calls_total{{{C}}}[$__rate_interval])) > 0",
               "rejected {{cmd}}")],
             EVENT + "Calls that failed during execution or were rejected before it (wrong arity, OOM, "
             "CLUSTERDOWN...).", unit="ops"), 8, 7)
    L.add(ts("Error replies per second by type",
             [(f"sum by (err) (rate(redis_errors_total{{{C}}}[$__rate_interval])) > 0", "{{err}}")],
             EVENT + "INFO errorstats: MOVED, ASK, CLUSTERDOWN, NOAUTH, OOM, ... replies per second.",
             unit="ops"), 8, 7)

    L.row("Slots (CLUSTER SLOT-STATS)")
    L.add(table("Hot slots (share of their shard's CPU, 5m)",
                [(f"topk(10, max by (addr, slot) (rate(redis_slot_cpu_seconds_total{{{C}, role=\"master\"}}[5m])) "
                  f"/ on (addr) group_left max by (addr) "
                  f"(rate(redis_slot_stats_cpu_seconds_total{{{C}, role=\"master\"}}[5m])))",)],
                "The busiest slots of the cluster: each master's top slots by CPU (exporter --slot-stats.top) as a "
                "share of the CPU that master spends on its slots over 5 minutes. Alert RedisHotSlot above 50% "
                "for 10m. Needs cluster-slot-stats-enabled yes (Valkey 8+, Redis 8.2+).",
                rename={"Value #A": "share of shard CPU"}, units={"share of shard CPU": "percentunit"}), 8, 8)
    L.add(ts("Shard CPU on slots",
             [(f"redis_shard:slot_cpu_seconds:rate5m{{{C}}}", "{{addr}}"),
              (f"2 * avg(redis_shard:slot_cpu_seconds:rate5m{{{C}}})", "2x average")],
             "CPU seconds per second each master spends on its slots (recording rule). Dashed: twice the "
             "average, RedisShardImbalance's threshold (15m).", unit="percentunit",
             overrides=[dashed("2x average")]), 8, 8)
    L.add(ts("Hottest slot's share of its shard (since start)",
             [(f"max by (addr, metric) (redis_slot_stats_hottest_slot_ratio{{{C}}})", "{{addr}} {{metric}}")],
             "Per master and metric (keys, cpu, net_input, net_output): the largest single slot's share of the "
             "shard's total since the server started.", unit="percentunit", minv=0, maxv=1), 8, 8)

    L.row("Memory and clients")
    L.add(ts("Memory used vs maxmemory",
             [(f"sum by (addr) (redis_memory_used_bytes{{{C}}})", "{{addr}} used"),
              (f"sum by (addr) (redis_memory_max_bytes{{{C}}}) > 0", "{{addr}} maxmemory")],
             "used_memory per node; dashed: maxmemory where set.", unit="bytes",
             overrides=[dashed(".*maxmemory")]), 12, 8)
    L.add(ts("Memory used / maxmemory",
             [(f"redis_node:memory_used:ratio_maxmemory{{{C}}}", "{{addr}} ({{role}})")],
             "Recording rule redis_node:memory_used:ratio_maxmemory (nodes with maxmemory set). Alert "
             "RedisMemoryNearMaxmemory at 90%.", unit="percentunit", minv=0, maxv=1), 12, 8)
    L.add(ts("Connected clients",
             [(f"sum by (addr) (redis_connected_clients{{{C}}})", "{{addr}}"),
              (f"max(redis_config_maxclients{{{C}}})", "maxclients")],
             "Client connections per node (not replicas); dashed: maxclients.",
             overrides=[dashed("maxclients")]), 8, 8)
    L.add(ts("Blocked clients",
             [(f"sum by (addr) (redis_blocked_clients{{{C}}})", "{{addr}}")],
             "Clients waiting in BLPOP, XREAD BLOCK, WAIT, ..."), 8, 8)
    L.add(ts("Rejected connections",
             [(f"sum by (addr) (increase(redis_rejected_connections_total{{{C}}}[$__rate_interval]))", "{{addr}}")],
             "Connections refused because maxclients was reached (alert RedisRejectedConnections).",
             draw="bars"), 8, 8)

    L.row("Network and keys")
    L.add(ts("Network input",
             [(f"sum by (addr) (rate(redis_net_input_bytes_total{{{C}}}[$__rate_interval]))", "{{addr}}")],
             "Bytes per second read from clients and replication links.", unit="Bps"), 12, 7)
    L.add(ts("Network output",
             [(f"sum by (addr) (rate(redis_net_output_bytes_total{{{C}}}[$__rate_interval]))", "{{addr}}")],
             "Bytes per second written to clients and replicas.", unit="Bps"), 12, 7)
    L.add(ts("Keys per node",
             [(f"sum by (addr, role) (redis_db_keys{{{C}}})", "{{addr}} ({{role}})")],
             "Keys per node (all databases). A replica should match its master."), 8, 8)
    L.add(table("Keys per slot-range owner", [
        (f"max by (addr, node_id) (redis_cluster_node_slots{{{C}, role=\"master\"}}) > 0",),
        (f"sum by (addr, node_id) (redis_db_keys{{{C}, role=\"master\"}})",),
        (f"max by (addr, node_id) (redis_cluster_node_replicas{{{C}}})",)],
        "Each master that owns slots: slots owned, keys it holds, healthy replicas. Uneven keys per slot "
        "point at hot hash tags.",
        rename={"Value #A": "slots", "Value #B": "keys", "Value #C": "replicas"}), 8, 8)
    L.add(ts("Expired and evicted keys per second",
             [(f"sum by (addr) (rate(redis_expired_keys_total{{{C}}}[$__rate_interval]))", "expired {{addr}}"),
              (f"sum by (addr) (rate(redis_evicted_keys_total{{{C}}}[$__rate_interval]))", "evicted {{addr}}")],
             "Evictions mean maxmemory is reached (expected only for a cache with an eviction policy).",
             unit="ops"), 8, 8)
    L.add(ts("Big keys",
             [(f"topk(10, max by (db, key) (redis_key_size{{{C}}}))", "{{key}} ({{db}})"),
              ("1e6", "RedisBigKey threshold")],
             "The 10 largest keys the exporter checks (--check-keys / --check-single-keys, off by default): "
             "elements of a list, set, zset, hash or stream, bytes of a string (redis_key_size has no type). "
             "Dashed: alert RedisBigKey's threshold (1,000,000 for 5m). Empty without --check-keys.",
             overrides=[dashed("RedisBigKey threshold")]), 12, 8)
    L.add(ts("Key size distribution (masters)",
             [(f"sum by (type, le) (redis_keysizes_bucket{{{C}, role=\"master\"}})", "{{type}} <= {{le}}")],
             "INFO keysizes (our node, Redis 8.2+): keys of each type whose size (string bytes, elements) is at "
             "most le, summed over the masters (cumulative: the line for le=+Inf is all keys of the type). A "
             "line that rises at a high le is a big key in the making. Empty for Redis 7."), 12, 8)

    L.row("Replication")
    L.add(ts("Replication lag per replica (bytes)",
             [(f"redis_replica:replication_lag:bytes{{{C}}}", "{{addr}}")],
             "Master's master_repl_offset minus the replica's slave_repl_offset (recording rule "
             "redis_replica:replication_lag:bytes; the pairing follows failovers). Alert above 16 MiB.",
             unit="bytes"), 8, 8)
    L.add(ts("Replica ACK lag (seconds), master side",
             [(f"max by (addr, slave_ip, slave_port) (redis_connected_slave_lag_seconds{{{C}}})",
               "{{addr}} -> {{slave_ip}}:{{slave_port}}")],
             "Seconds since each replica last acknowledged (INFO replication on the master). Replicas ACK "
             "every second.", unit="s"), 8, 8)
    L.add(ts("Replication links",
             [(f"sum by (addr) (redis_master_link_up{{{C}}})", "{{addr}} link up"),
              (f"sum by (addr) (redis_connected_slaves{{{C}, role=\"master\"}})", "{{addr}} replicas")],
             "Replicas: master link up (1/0). Masters: replicas connected."), 8, 8)

    L.row("Persistence")
    L.add(table("AOF and RDB state per node", [
        (f"max by (addr, role) (redis_aof_enabled{{{C}}})",),
        (f"max by (addr, role) (redis_aof_last_write_status{{{C}}})",),
        (f"max by (addr, role) (redis_aof_last_bgrewrite_status{{{C}}})",),
        (f"max by (addr, role) (redis_aof_rewrite_in_progress{{{C}}})",),
        (f"max by (addr, role) (redis_rdb_last_bgsave_status{{{C}}})",),
        (f"max by (addr, role) (redis_rdb_changes_since_last_save{{{C}}})",)],
        "AOF on (1/0); last AOF write, last rewrite and last RDB save: 1 ok, 0 error (alerts "
        "RedisAofWriteError, RedisAofRewriteFailed, RedisRdbSaveFailed); rewrite running; changes not "
        "yet in an RDB.",
        rename={"Value #A": "aof on", "Value #B": "aof last write", "Value #C": "aof last rewrite",
                "Value #D": "rewrite running", "Value #E": "rdb last save", "Value #F": "changes since save"}),
          12, 8)
    L.add(stat("AOF write status (worst node)", [(f"min(redis_aof_last_write_status{{{C}}})",)],
               "Lowest aof_last_write_status over the nodes. FAIL: a node refuses writes.",
               mappings=OK_FAIL, th=GREEN_ABOVE_0), 4, 8)
    L.add(stat("AOF rewrite status (worst node)", [(f"min(redis_aof_last_bgrewrite_status{{{C}}})",)],
               "Lowest aof_last_bgrewrite_status over the nodes.", mappings=OK_FAIL, th=GREEN_ABOVE_0), 4, 8)
    L.add(stat("RDB save status (worst node)", [(f"min(redis_rdb_last_bgsave_status{{{C}}})",)],
               "Lowest rdb_last_bgsave_status over the nodes.", mappings=OK_FAIL, th=GREEN_ABOVE_0), 4, 8)
    L.add(ts("Slowlog length per node",
             [(f"sum by (addr) (redis_slowlog_length{{{C}}})", "{{addr}}")],
             "Entries in SLOWLOG (commands slower than slowlog-log-slower-than)."), 12, 7)
    L.add(ts("AOF size per node",
             [(f"sum by (addr) (redis_aof_current_size_bytes{{{C}}})", "{{addr}}")],
             "Current AOF size; drops after a rewrite.", unit="bytes"), 12, 7)

    L.row("Exporter")
    L.add(stat("Exporter scrape", [(f"up{{{C}}}",)], "Prometheus can scrape the exporter (up).",
               mappings=UP_DOWN, th=GREEN_ABOVE_0), 4, 5)
    L.add(stat("Nodes discovered", [(f"redis_exporter_nodes_discovered{{{C}}}",)],
               "Nodes the exporter reported on in its last scrape."), 4, 5)
    L.add(ts("Scrape duration",
             [(f"redis_exporter_last_scrape_duration_seconds{{{C}}}", "last"),
              (f"histogram_quantile(0.99, sum by (le) (rate(redis_exporter_scrape_duration_seconds_bucket{{{C}}}"
               f"[$__rate_interval])))", "p99"),
              (f"scrape_duration_seconds{{{C}}}", "Prometheus scrape")],
             "Time the exporter needs to read the whole cluster; keep well under the scrape timeout.",
             unit="s"), 8, 5)
    L.add(ts("Collectors and node errors",
             [(f"min by (collector) (redis_exporter_collector_success{{{C}}})", "{{collector}} ok"),
              (f"sum by (addr) (increase(redis_exporter_node_scrape_errors_total{{{C}}}[$__rate_interval]))",
               "errors {{addr}}")],
             "Collector success (1/0; alert RedisExporterScrapeFailing) and per-node read errors."), 8, 5)
    return dashboard("redis-cluster-overview", "Redis Cluster / Overview",
                     "The whole cluster behind one redis-cluster-exporter: state, slots, failovers, traffic, "
                     "memory, replication, persistence, exporter health.", L)


# ------------------------------------------------------------------------------------------- node
def node():
    L = Layout()
    L.row("Node")
    L.add(stat("Up", [(f"max(redis_up{{{N}}})",)], "The exporter can read this node (redis_up).",
               mappings=UP_DOWN, th=GREEN_ABOVE_0), 3, 4)
    L.add(stat("Role", [(f"max by (role) (redis_up{{{N}}})", "{{role}}")],
               "Current role (changes on a failover).", text_mode="name", color_mode="none"), 3, 4)
    L.add(stat("Uptime", [(f"max(redis_uptime_in_seconds{{{N}}})",)], "Seconds since the server started.",
               unit="s", color_mode="none"), 3, 4)
    L.add(stat("Version", [(f"max by (redis_version) (redis_instance_info{{{N}}})", "{{redis_version}}")],
               "redis_version from INFO server.", text_mode="name", color_mode="none"), 3, 4)
    L.add(stat("Cluster state (this node's view)", [(f"max(redis_cluster_state{{{N}}})",)],
               "cluster_state from this node's CLUSTER INFO.", mappings=OK_FAIL, th=GREEN_ABOVE_0), 3, 4)
    L.add(stat("Slots owned", [(f"max(redis_cluster_node_slots{{{N}}})",)],
               "Hash slots this node owns in the seed's CLUSTER NODES (0 for a replica).", color_mode="none"), 3, 4)
    L.add(stat("Epochs", [(f"max(redis_cluster_node_config_epoch{{{N}}})", "config"),
                          (f"max(redis_cluster_current_epoch{{{N}}})", "current")],
               "Config epoch of the node (seed's view) and the current epoch this node knows.",
               text_mode="value_and_name", color_mode="none"), 3, 4)
    L.add(stat("Flagged fail / pfail", [(f"max(redis_cluster_node_flag{{{N}, flag=~\"fail|pfail\"}})",)],
               "1 when the seed flags this node fail or pfail.", th=RED_ABOVE_0), 3, 4)
    L.add(ts("Role changes",
             [(f"sum(increase(redis_cluster_role_changes_total{{{N}}}[$__rate_interval]))", "role changes")],
             "Failovers involving this node, as the exporter observed them.", draw="bars"), 12, 6)
    L.add(ts("Cluster bus messages per second",
             [(f"sum(rate(redis_cluster_messages_sent_total{{{N}}}[$__rate_interval]))", "sent"),
              (f"sum(rate(redis_cluster_messages_received_total{{{N}}}[$__rate_interval]))", "received")],
             "Gossip traffic of this node (CLUSTER INFO).", unit="ops"), 12, 6)

    L.row("Traffic")
    L.add(ts("Operations per second", [(f"sum(rate(redis_commands_processed_total{{{N}}}[$__rate_interval]))",
                                        "ops/s")], "Commands processed per second.", unit="ops"), 8, 7)
    L.add(ts("Keyspace hit ratio",
             [(f"sum(rate(redis_keyspace_hits_total{{{N}}}[$__rate_interval])) / "
               f"(sum(rate(redis_keyspace_hits_total{{{N}}}[$__rate_interval])) + "
               f"sum(rate(redis_keyspace_misses_total{{{N}}}[$__rate_interval])))", "hit ratio")],
             "Share of lookups that found the key; no line without reads.", unit="percentunit",
             minv=0, maxv=1), 8, 7)
    L.add(ts("Network", [(f"sum(rate(redis_net_input_bytes_total{{{N}}}[$__rate_interval]))", "in"),
                         (f"sum(rate(redis_net_output_bytes_total{{{N}}}[$__rate_interval]))", "out")],
             "Bytes per second in and out.", unit="Bps"), 8, 7)
    L.add(ts("Calls per second by command",
             [(f"sum by (cmd) (rate(redis_commands_total{{{N}}}[$__rate_interval]))", "{{cmd}}")],
             "INFO commandstats.", unit="ops"), 8, 8)
    L.add(ts("Average latency by command",
             [(f"sum by (cmd) (rate(redis_commands_duration_seconds_total{{{N}}}[$__rate_interval])) / "
               f"sum by (cmd) (rate(redis_commands_total{{{N}}}[$__rate_interval]))", "{{cmd}}")],
             "Server-side time per call.", unit="s"), 8, 8)
    L.add(ts("p50 / p99 latency by command",
             [(f"max by (cmd) (redis_latency_percentiles_seconds{{{N}, quantile=\"0.99\"}})", "p99 {{cmd}}"),
              (f"max by (cmd) (redis_latency_percentiles_seconds{{{N}, quantile=\"0.5\"}})", "p50 {{cmd}}")],
             "INFO latencystats since the server started.", unit="s"), 8, 8)
    L.add(ts("Errors per second by type",
             [(f"sum by (err) (rate(redis_errors_total{{{N}}}[$__rate_interval])) > 0", "{{err}}"),
              (f"sum by (cmd) (rate(redis_commands_failed_calls_total{{{N}}}[$__rate_interval])) > 0",
               "failed {{cmd}}"),
              (f"sum by (cmd) (rate(redis_commands_rejected_calls_total{{{N}}}[$__rate_interval])) > 0",
               "rejected {{cmd}}")],
             EVENT + "Error replies by prefix, failed and rejected calls.", unit="ops"), 8, 7)
    L.add(ts("Slowlog length", [(f"max(redis_slowlog_length{{{N}}})", "entries")],
             "Entries in SLOWLOG."), 8, 7)
    L.add(ts("Latency spikes (LATENCY LATEST, last 5m)",
             [(f"max by (event_name) (redis_latency_spike_duration_seconds{{{N}}} "
               f"and (time() - redis_latency_spike_last{{{N}}}) < 300)", "{{event_name}}")],
             EVENT + "Duration of this node's latest latency spike per event while less than 5 minutes old "
             "(needs latency-monitor-threshold). Alert RedisLatencySpike from 100 ms.", unit="s",
             draw="bars"), 8, 7)

    L.row("Memory and clients")
    L.add(ts("Memory", [(f"max(redis_memory_used_bytes{{{N}}})", "used"),
                        (f"max(redis_memory_used_rss_bytes{{{N}}})", "rss"),
                        (f"max(redis_memory_used_dataset_bytes{{{N}}})", "dataset"),
                        (f"max(redis_memory_max_bytes{{{N}}}) > 0", "maxmemory")],
             "used_memory, RSS, dataset part; dashed: maxmemory when set.", unit="bytes",
             overrides=[dashed("maxmemory")]), 12, 8)
    L.add(ts("Clients", [(f"max(redis_connected_clients{{{N}}})", "connected"),
                         (f"max(redis_blocked_clients{{{N}}})", "blocked"),
                         (f"max(redis_config_maxclients{{{N}}})", "maxclients"),
                         (f"sum(increase(redis_rejected_connections_total{{{N}}}[$__rate_interval]))", "rejected")],
             "Connected and blocked clients, maxclients (dashed), connections rejected.",
             overrides=[dashed("maxclients")]), 12, 8)

    L.row("Keys")
    L.add(ts("Keys", [(f"sum by (db) (redis_db_keys{{{N}}})", "{{db}} keys"),
                      (f"sum by (db) (redis_db_keys_expiring{{{N}}})", "{{db}} with expiry")],
             "Keys per database, and those with a TTL."), 12, 7)
    L.add(ts("Expired and evicted keys per second",
             [(f"sum(rate(redis_expired_keys_total{{{N}}}[$__rate_interval]))", "expired"),
              (f"sum(rate(redis_evicted_keys_total{{{N}}}[$__rate_interval]))", "evicted")],
             "Evictions mean maxmemory is reached.", unit="ops"), 12, 7)

    L.row("Replication")
    L.add(stat("Replication", [(f"max(redis_master_link_up{{{N}}})", "link to master"),
                               (f"max(redis_connected_slaves{{{N}}})", "replicas connected")],
               "A replica: its link to the master (1 up). A master: replicas connected.",
               text_mode="value_and_name", color_mode="none"), 6, 7)
    L.add(ts("Replication lag (this node as replica)",
             [(f"redis_replica:replication_lag:bytes{{{N}}}", "bytes behind"),
              (f"max(redis_master_last_io_seconds_ago{{{N}}})", "seconds since last I/O from master"),
              (f"max(redis_master_sync_in_progress{{{N}}})", "full sync running")],
             "Replica view: bytes behind its current master (recording rule), seconds since the master "
             "last talked, full sync in progress. Empty while the node is a master."), 9, 7)
    L.add(ts("Replicas of this node (this node as master)",
             [(f"max by (slave_ip, slave_port) (redis_connected_slave_lag_seconds{{{N}}})",
               "ack lag {{slave_ip}}:{{slave_port}}"),
              (f"max(redis_master_repl_offset{{{N}}}) - on () group_right () "
               f"max by (slave_ip, slave_port) (redis_connected_slave_offset_bytes{{{N}}})",
               "bytes behind {{slave_ip}}:{{slave_port}}")],
             "Master view: seconds since each replica's last ACK, and bytes each replica is behind. Empty "
             "while the node is a replica."), 9, 7)

    L.row("Persistence")
    L.add(stat("Persistence", [(f"max(redis_aof_enabled{{{N}}})", "aof on"),
                               (f"max(redis_aof_last_write_status{{{N}}})", "aof last write"),
                               (f"max(redis_aof_last_bgrewrite_status{{{N}}})", "aof last rewrite"),
                               (f"max(redis_rdb_last_bgsave_status{{{N}}})", "rdb last save")],
               "1 on / ok, 0 off / error.", text_mode="value_and_name",
               th=GREEN_ABOVE_0), 8, 6)
    L.add(ts("AOF", [(f"max(redis_aof_current_size_bytes{{{N}}})", "aof size"),
                     (f"max(redis_aof_base_size_bytes{{{N}}})", "size at last rewrite")],
             "AOF size now and after the last rewrite.", unit="bytes"), 8, 6)
    L.add(ts("Background work", [(f"max(redis_aof_rewrite_in_progress{{{N}}})", "aof rewrite"),
                                 (f"max(redis_rdb_bgsave_in_progress{{{N}}})", "rdb save"),
                                 (f"max(redis_rdb_changes_since_last_save{{{N}}})", "changes since save")],
             "AOF rewrite / RDB save running (1), changes not yet in an RDB."), 8, 6)
    return dashboard("redis-cluster-node", "Redis Cluster / Node",
                     "One node of the cluster, chosen by its address: role, traffic, memory, replication "
                     "and persistence.", L, node=True)


DASHBOARDS = {"redis-cluster-overview.json": overview, "redis-cluster-node.json": node}


def render():
    return {name: json.dumps(fn(), indent=2, sort_keys=False) + "\n" for name, fn in DASHBOARDS.items()}


def main():
    stale = []
    for name, text in render().items():
        path = os.path.join(HERE, name)
        if "--check" in sys.argv:
            if not os.path.exists(path) or open(path).read() != text:
                stale.append(name)
        else:
            with open(path, "w") as fh:
                fh.write(text)
            print(f"wrote {path}")
    if stale:
        print(f"out of date (run {sys.argv[0]}): {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
