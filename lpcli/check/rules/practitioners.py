"""Rules for practitioners.yaml: unique IDs, line managers in the directory."""

from __future__ import annotations

from lpcli.check.facts import dicts, get
from lpcli.check.rules.finding import Finding
from lpcli.core.diagnostics import ERROR, WARNING


def check_practitioners(data: dict) -> list[Finding]:
    findings = []
    items = data.get("practitioners") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return findings
    seen = {}
    ids = {p.get("id") for p in items if isinstance(p, dict)}
    for i, p in dicts(items):
        pid = p.get("id")
        if pid in seen:
            findings.append(Finding(("practitioners", i, "id"), ERROR, "duplicate-id",
                                    f"practitioner ID '{pid}' is used twice "
                                    f"(first as item {seen[pid]})"))
        else:
            seen[pid] = i
        mgr = get(p, "line_manager", "practitioner")
        if mgr is not None and mgr not in ids:
            findings.append(Finding(("practitioners", i, "line_manager", "practitioner"),
                                    WARNING, "unknown-practitioner",
                                    f"line manager '{mgr}' is not in practitioners.yaml"))
    return findings
