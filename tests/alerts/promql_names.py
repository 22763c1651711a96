"""Shared helpers of the alert/dashboard checks: the queries of our dashboards and rules, the metric names
they use, and the names the exporter documents in docs/metrics.md."""
import json
import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DASHBOARD_DIR = os.path.join(ROOT, "dashboards")
ALERTS_DIR = os.path.join(ROOT, "alerts")
METRICS_DOC = os.path.join(ROOT, "docs", "metrics.md")
# Series Prometheus itself writes for every target.
PROMETHEUS_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan", "by", "without", "on", "ignoring",
            "group_left", "group_right"}


def duration_seconds(spec):
    """Prometheus duration as used here ('2m45s', '30s', '1m') -> seconds."""
    m = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", spec)
    if not m or not spec:
        raise ValueError(f"unsupported duration {spec!r}")
    return int(m.group(1) or 0) * 60 + int(m.group(2) or 0)


def dashboard_files():
    return sorted(os.path.join(DASHBOARD_DIR, f) for f in os.listdir(DASHBOARD_DIR) if f.endswith(".json"))


def rule_files():
    return sorted(os.path.join(ALERTS_DIR, f) for f in os.listdir(ALERTS_DIR) if f.endswith(".rules.yml"))


def load_dashboard(path):
    with open(path) as fh:
        return json.load(fh)


def panels(dash):
    """Every panel, including those nested in collapsed rows."""
    for p in dash.get("panels", []):
        yield p
        for q in p.get("panels", []):
            yield q


def dashboard_queries(dash):
    """(where, expr, is_event_panel, kind) for every panel target, annotation and variable query."""
    for p in panels(dash):
        event = (p.get("description") or "").startswith("Event panel:")
        for t in p.get("targets", []):
            yield (f'panel {p.get("id")} "{p.get("title")}" ref {t.get("refId")}', t.get("expr"), event,
                   p.get("type"))
    for a in dash.get("annotations", {}).get("list", []):
        if "expr" in a:
            yield (f'annotation "{a["name"]}"', a["expr"], True, "annotation")
    for v in dash.get("templating", {}).get("list", []):
        if v.get("type") == "query":
            q = v["query"]["query"] if isinstance(v["query"], dict) else v["query"]
            yield (f'variable ${v["name"]}', q, False, "variable")


def rules():
    for path in rule_files():
        with open(path) as fh:
            for g in yaml.safe_load(fh)["groups"]:
                for r in g["rules"]:
                    yield path, r


def substitute(expr, values):
    """Grafana's template variables -> concrete values, longest names first."""
    for k in sorted(values, key=len, reverse=True):
        expr = expr.replace("${" + k + "}", values[k]).replace("$" + k, values[k])
    return expr


def label_values(expr):
    """Grafana's `label_values(selector, label)` -> (selector, label); None for a plain PromQL query."""
    m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\s*\)\s*", expr)
    return (m.group(1), m.group(2)) if m else None


def metric_names(expr):
    """Metric names an expression selects (string literals, matchers, ranges, grouping removed)."""
    lv = label_values(expr)
    if lv:
        expr = lv[0]
    s = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    s = re.sub(r"\{[^}]*\}", "", s)
    s = re.sub(r"\[[^\]]*\]", "", s)
    s = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", s)
    names = set()
    for m in re.finditer(r"(?<![\w.$])[a-zA-Z_:][\w:]*", s):
        tail = s[m.end():].lstrip()
        if tail.startswith("("):
            continue  # a function
        if m.group(0) in KEYWORDS:
            continue
        names.add(m.group(0))
    return names


def documented_metrics():
    """Metric names in docs/metrics.md (the exporter's contract)."""
    with open(METRICS_DOC) as fh:
        text = fh.read()
    return set(re.findall(r"`(redis_[a-z0-9_]+)", text))


def recorded_names():
    return {r["record"] for _, r in rules() if "record" in r}


def known(name, documented, recorded):
    if name in documented or name in recorded or name in PROMETHEUS_SERIES:
        return True
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix) and name[: -len(suffix)] in documented:
            return True
    return False


def report(errors, ok_message):
    """The end of a check script: prints the problems and returns 1, or prints ok_message and returns 0."""
    if errors:
        print("\n".join(errors))
        print(f"FAILED: {len(errors)} problem(s)")
        return 1
    print(ok_message)
    return 0
