"""Supervision of lead professionals (guidance: "it is vital that lead professionals have
access to professional supervision and management support").

Each session is recorded against the practitioner in practitioners.yaml: the date, who
supervised, and which cases were discussed, by ID. Nothing about the children: those notes
belong in the case, and a directory is read by everyone. How often supervision is due is a
setting (``supervision_interval_weeks``, default 6).
"""

from __future__ import annotations

import datetime as dt

from lpcli.casebook import records
from lpcli.casebook.book import Casebook
from lpcli.check import facts
from lpcli.core.caseid import is_case_id
from lpcli.workflow.common import Refusals, refuse
from lpcli.workflow.practitioners import CONTROL, find, has_control, target, to_yaml


def add(casebook: Casebook, pid: str, *, supervisor: str, cases=(), date: dt.date | None = None,
        author: str | None = None) -> records.Written:
    """Record a supervision session held with ``pid``."""
    known_cases = set(casebook.case_ids())

    def change(doc, ctx):
        i, current = find(ctx.data, pid)
        when = date or ctx.today
        refusals = Refusals(f"recording supervision of {pid}")
        if when > ctx.today:
            refusals.add("date-in-future", f"the session ({when.isoformat()}) is in the future")
        if not supervisor.strip() or has_control(supervisor):
            refusals.add("supervisor", "say who supervised (--supervisor NAME or ID)"
                         + ("" if not has_control(supervisor) else f"; it {CONTROL}"))
        if supervisor.strip() == pid:
            refusals.add("supervisor", "a practitioner does not supervise themselves")
        bad = [c for c in cases if not is_case_id(c)]
        missing = [c for c in cases if is_case_id(c) and c not in known_cases]
        if bad:
            # never echoed: a name typed where a case ID goes must not reach a terminal log
            refusals.add("case-id", f"{len(bad)} of --cases is not a case ID")
        if missing:
            refusals.add("unknown-case", f"no such case: {', '.join(missing)}")
        left = facts.as_date(current.get("left"))
        if current.get("active") is False and (left is None or when > left):
            refusals.add("practitioner-left", f"{pid} has left; a session after that is not "
                         "theirs to record")
        refusals.raise_if_any()
        session = {"date": when.isoformat(), "supervisor": supervisor.strip()}
        if cases:
            session["cases"] = list(dict.fromkeys(cases))
        item = doc["practitioners"][i]
        if item.get("supervisions") is None:
            item["supervisions"] = to_yaml("supervisions", [session])
        else:  # appended, so sessions already there keep their lines and comments
            item["supervisions"].append(to_yaml("supervisions", [session])[0])
        return f"{pid} supervision recorded"

    if not casebook.directory.get(pid):
        refuse(f"recording supervision of {pid}", "unknown-practitioner",
               "that is not a practitioner in practitioners.yaml (see: lpcli practitioner list)")
    return records.update_file(casebook, target(casebook), change, author=author)
