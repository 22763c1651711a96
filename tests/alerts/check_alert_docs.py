#!/usr/bin/python3
"""Every alert is documented and actionable (ctest label: unit).

- labels.severity is critical or warning; annotations summary, description, runbook_url are present;
- runbook_url is docs/runbooks.md#<anchor> and docs/runbooks.md has a heading with that GitHub anchor;
- the runbook section says what to check and what to do ("Check" and "Act" paragraphs);
- docs/dashboards-and-alerts.md lists every alert and every recording rule.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import promql_names as P  # noqa: E402

RUNBOOKS = os.path.join(P.ROOT, "docs", "runbooks.md")
README_SECTION = os.path.join(P.ROOT, "docs", "dashboards-and-alerts.md")


def github_anchor(heading):
    a = heading.strip().lower()
    a = re.sub(r"[^\w\- ]", "", a)
    return a.replace(" ", "-")


def runbook_sections():
    with open(RUNBOOKS) as fh:
        text = fh.read()
    sections, current = {}, None
    for line in text.splitlines():
        m = re.match(r"^(#{2,3})\s+(.*)$", line)
        if m:
            current = github_anchor(m.group(2))
            sections[current] = []
        elif current:
            sections[current].append(line)
    return {k: "\n".join(v) for k, v in sections.items()}


def main():
    errors = []
    sections = runbook_sections()
    with open(README_SECTION) as fh:
        readme = fh.read()
    alerts = [(p, r) for p, r in P.rules() if "alert" in r]
    if not alerts:
        errors.append("no alerts found")
    for path, r in alerts:
        name = r["alert"]
        if r.get("labels", {}).get("severity") not in ("critical", "warning"):
            errors.append(f"{name}: severity must be critical or warning")
        ann = r.get("annotations", {})
        for k in ("summary", "description", "runbook_url"):
            if not (ann.get(k) or "").strip():
                errors.append(f"{name}: annotation {k} missing")
        url = ann.get("runbook_url", "")
        m = re.fullmatch(r"docs/runbooks\.md#([\w-]+)", url)
        if not m:
            errors.append(f"{name}: runbook_url {url!r} is not docs/runbooks.md#anchor")
            continue
        anchor = m.group(1)
        if anchor != name.lower():
            errors.append(f"{name}: runbook anchor {anchor} is not the alert name in lower case")
        body = sections.get(anchor)
        if body is None:
            errors.append(f"{name}: docs/runbooks.md has no heading for #{anchor}")
        else:
            for word in ("Check", "Act"):
                if not re.search(rf"\*\*{word}", body):
                    errors.append(f"{name}: runbook section has no **{word}...** paragraph")
        if f"`{name}`" not in readme:
            errors.append(f"{name}: not listed in docs/dashboards-and-alerts.md")
    for rec in sorted(P.recorded_names()):
        if f"`{rec}`" not in readme:
            errors.append(f"recording rule {rec}: not listed in docs/dashboards-and-alerts.md")
    return P.report(errors, f"ok: {len(alerts)} alerts with severity, summary, description and a runbook section")


if __name__ == "__main__":
    sys.exit(main())
