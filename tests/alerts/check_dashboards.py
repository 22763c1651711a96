#!/usr/bin/python3
"""Static checks of dashboards/*.json and the Grafana provisioning files (ctest label: unit).

- current schema: schemaVersion >= 39, a `datasource` variable of type datasource (prometheus) used as
  ${datasource} by every panel and every target;
- unique panel ids, unique uids/titles across dashboards, gridPos inside 24 columns, no two panels overlap;
- every target has an expr, refIds unique per panel, every $variable used is defined;
- every query parses (promtool check rules on the queries with the variables substituted);
- every metric name used is served by the exporter (docs/metrics.md), a recording rule of alerts/, or a
  series Prometheus writes itself;
- the provisioning files point Grafana at a Prometheus datasource and at this folder.
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import promql_names as P  # noqa: E402

GRAFANA_VARS = {"__rate_interval": "1m", "__interval": "15s", "__range": "1h", "__range_s": "3600"}
EXAMPLE = {"datasource": "prometheus", "job": "redis-cluster", "instance": "exporter:9121",
           "addr": "10.0.0.1:6379", **GRAFANA_VARS}


def check_dashboard(path, errors, seen_uids, seen_titles, queries):
    d = P.load_dashboard(path)
    name = os.path.basename(path)

    def err(msg):
        errors.append(f"{name}: {msg}")

    if not isinstance(d.get("schemaVersion"), int) or d["schemaVersion"] < 39:
        err(f"schemaVersion {d.get('schemaVersion')} < 39")
    for key in ("uid", "title"):
        if not d.get(key):
            err(f"missing {key}")
    if d.get("uid") in seen_uids:
        err(f"uid {d.get('uid')} used twice")
    if d.get("title") in seen_titles:
        err(f"title {d.get('title')} used twice")
    seen_uids.add(d.get("uid"))
    seen_titles.add(d.get("title"))
    if d.get("id") is not None:
        err("dashboard id must be null for provisioning")

    variables = {v["name"]: v for v in d.get("templating", {}).get("list", [])}
    ds = variables.get("datasource")
    if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
        err("no template variable `datasource` of type datasource / prometheus")
    for v in variables.values():
        if v.get("type") == "query" and v.get("datasource") != {"type": "prometheus", "uid": "${datasource}"}:
            err(f"variable {v['name']}: datasource is not ${{datasource}}")

    ids, boxes = set(), []
    for p in P.panels(d):
        pid = p.get("id")
        if not isinstance(pid, int):
            err(f"panel {p.get('title')!r} has no integer id")
        if pid in ids:
            err(f"panel id {pid} used twice")
        ids.add(pid)
        g = p.get("gridPos") or {}
        if not all(isinstance(g.get(k), int) for k in ("h", "w", "x", "y")):
            err(f"panel {pid}: gridPos incomplete: {g}")
            continue
        if g["x"] < 0 or g["w"] < 1 or g["x"] + g["w"] > 24 or g["h"] < 1:
            err(f"panel {pid}: gridPos outside the 24-column grid: {g}")
        for (oid, og) in boxes:
            if (g["x"] < og["x"] + og["w"] and og["x"] < g["x"] + g["w"]
                    and g["y"] < og["y"] + og["h"] and og["y"] < g["y"] + g["h"]):
                err(f"panel {pid} overlaps panel {oid}")
        boxes.append((pid, g))
        if p.get("type") == "row":
            continue
        if not p.get("title"):
            err(f"panel {pid}: no title")
        if not p.get("description"):
            err(f"panel {pid} {p.get('title')!r}: no description")
        if p.get("datasource") != {"type": "prometheus", "uid": "${datasource}"}:
            err(f"panel {pid}: datasource is not ${{datasource}}: {p.get('datasource')}")
        ts = p.get("targets") or []
        if not ts:
            err(f"panel {pid} {p.get('title')!r}: no targets")
        refs = [t.get("refId") for t in ts]
        if len(set(refs)) != len(refs):
            err(f"panel {pid}: duplicate refIds {refs}")
        for t in ts:
            if not (t.get("expr") or "").strip():
                err(f"panel {pid} ref {t.get('refId')}: target without expr")
            if t.get("datasource") != {"type": "prometheus", "uid": "${datasource}"}:
                err(f"panel {pid} ref {t.get('refId')}: target datasource is not ${{datasource}}")

    for where, expr, _event, _kind in P.dashboard_queries(d):
        for var in re.findall(r"\$\{?(\w+)", expr or ""):
            if var not in variables and var not in GRAFANA_VARS:
                err(f"{where}: undefined variable ${var}")
        queries.append((f"{name} {where}", expr))


def check_parse(queries, errors):
    """promtool parses every query (as a recording rule) after the variables are substituted."""
    rules = []
    for i, (where, expr) in enumerate(queries):
        lv = P.label_values(expr)
        e = P.substitute(lv[0] if lv else expr, EXAMPLE)
        rules.append({"record": f"dashboard_query_{i}", "expr": e})
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as fh:
        yaml.safe_dump({"groups": [{"name": "dashboard-queries", "rules": rules}]}, fh)
        tmp = fh.name
    try:
        r = subprocess.run(["promtool", "check", "rules", tmp], capture_output=True, text=True)
    finally:
        os.unlink(tmp)
    if r.returncode != 0:
        errors.append("promtool rejects a dashboard query (dashboard_query_N is the N-th query, 0-based):\n"
                      + r.stdout + r.stderr + "\n".join(f"  {i}: {w}" for i, (w, _) in enumerate(queries)))
    return len(rules)


def check_names(queries, errors):
    documented, recorded = P.documented_metrics(), P.recorded_names()
    used = set()
    for where, expr in queries:
        for n in P.metric_names(expr):
            used.add(n)
            if not P.known(n, documented, recorded):
                errors.append(f"{where}: metric {n} is neither in docs/metrics.md nor a recording rule")
    for path, r in P.rules():
        for n in P.metric_names(r["expr"]):
            used.add(n)
            if not P.known(n, documented, recorded):
                errors.append(f"{os.path.basename(path)} {r.get('alert') or r.get('record')}: metric {n} "
                              "is neither in docs/metrics.md nor a recording rule")
    return used


def check_provisioning(errors):
    base = os.path.join(P.DASHBOARD_DIR, "provisioning")
    try:
        with open(os.path.join(base, "datasources", "prometheus.yml")) as fh:
            dsp = yaml.safe_load(fh)
        with open(os.path.join(base, "dashboards", "redis-cluster.yml")) as fh:
            dbp = yaml.safe_load(fh)
    except OSError as e:
        errors.append(f"provisioning: {e}")
        return
    dss = dsp.get("datasources") or []
    if not any(d.get("type") == "prometheus" and d.get("url") for d in dss):
        errors.append("provisioning: no prometheus datasource with a url")
    provs = dbp.get("providers") or []
    if not provs or not all(p.get("type") == "file" and (p.get("options") or {}).get("path") for p in provs):
        errors.append("provisioning: dashboards provider must be type file with options.path")


def main():
    errors, uids, titles, queries = [], set(), set(), []
    files = P.dashboard_files()
    if len(files) < 2:
        errors.append(f"expected the overview and node dashboards, found {files}")
    for f in files:
        check_dashboard(f, errors, uids, titles, queries)
    n = check_parse(queries, errors)
    used = check_names(queries, errors)
    check_provisioning(errors)
    return P.report(errors, f"ok: {len(files)} dashboards, {n} queries parse, {len(used)} metric names all known")


if __name__ == "__main__":
    sys.exit(main())
