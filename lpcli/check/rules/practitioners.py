"""Rules for practitioners.yaml: unique IDs, line managers in the directory, a leaving date
only for someone marked as left, absences that end after they start."""

from __future__ import annotations

from lpcli.check.facts import as_date, dicts, get
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
        findings.extend(_left_and_away(i, p))
    return findings


def _left_and_away(i: int, p: dict) -> list[Finding]:
    """'left' says when someone stopped working here: with 'active' still true (or unset)
    the record says both, and a reader could not tell whether their cases need someone."""
    findings = []
    if "left" in p and p.get("active") is not False:
        findings.append(Finding(("practitioners", i, "left"), ERROR, "left-but-active",
                                f"practitioner '{p.get('id')}' has a leaving date but is not "
                                "marked 'active: false'"))
    for j, absence in dicts(p.get("absences") or []):
        start, end = as_date(absence.get("from")), as_date(absence.get("to"))
        if start and end and end < start:
            findings.append(Finding(("practitioners", i, "absences", j, "to"), ERROR,
                                    "absence-dates", f"an absence of practitioner "
                                    f"'{p.get('id')}' ends before it starts"))
    return findings
