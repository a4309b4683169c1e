"""Supervision of lead professionals: who leads cases, when they were last supervised, when
the next session is due (``supervision_interval_weeks`` after the last, or after they began
leading a case if never), and whether it is overdue."""

from __future__ import annotations

import datetime as dt

from lpcli.check import facts

COLUMNS = ("practitioner", "leads", "last", "due", "overdue")


def rows(casebook, cases, as_of: dt.date) -> list[dict]:
    """One row per practitioner leading an open case, by practitioner ID (IDs only)."""
    leading: dict[str, list] = {}
    for _, case in cases:
        if case.get("status") != "open":
            continue
        lead = facts.current_lead(case)
        if lead:
            since = facts.as_date((case.get("lead_professional") or {}).get("since"))
            leading.setdefault(lead, []).append(since)
    out = []
    for pid in sorted(leading):
        person = casebook.directory.get(pid)
        entry = person.data if person else {}
        started = min((d for d in leading[pid] if d), default=None)
        due = facts.supervision_due(entry, casebook.settings, started)
        last = facts.last_supervision(entry)
        out.append({"practitioner": pid, "leads": len(leading[pid]),
                    "last": last.isoformat() if last else None,
                    "due": due.isoformat() if due else None,
                    "overdue": bool(due and due < as_of)})
    return out
