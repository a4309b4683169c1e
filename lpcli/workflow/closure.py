"""Closing and reopening a case (domain guide §8).

A closed case refuses every change but reopening. Closing ends the current lead
professional's appointment (kept in the history); reopening keeps the closure it undid.
"""

from __future__ import annotations

import datetime as dt

from lpcli.casebook import records
from lpcli.casebook.book import Casebook
from lpcli.check import facts
from lpcli.core.vocabulary import CLOSURE_REASONS
from lpcli.files import roundtrip
from lpcli.workflow.common import (
    Refusals,
    case_list,
    check_event_date,
    refuse,
    require_open,
    set_case_key,
)


def close(casebook: Casebook, case_id: str, *, reason: str, exit_strategy: str,
          closed_by: str | None = None, date: dt.date | None = None,
          author: str | None = None):
    def change(doc, ctx):
        data = ctx.data
        require_open(data, "closing", case_id)
        when = date or ctx.today
        refusals = Refusals("closing")
        check_event_date(refusals, data, when, ctx.today, "the closure date")
        if reason not in CLOSURE_REASONS:
            refusals.add("closure-reason",
                         "the reason must be one of: " + ", ".join(CLOSURE_REASONS))
        if not exit_strategy.strip():
            refusals.add("exit-strategy", "record the exit strategy (--exit-strategy)")
        last = max((facts.as_date(r.get("date")) for r in data.get("reviews") or []
                    if isinstance(r, dict) and facts.as_date(r.get("date"))), default=None)
        if last and when < last:
            refusals.add("date-order", "the closure is before the last review")
        refusals.raise_if_any()
        doc["status"] = "closed"
        lead = doc.get("lead_professional")
        if lead:
            lead["until"] = roundtrip.to_yaml_date(when)
            lead["ended"] = "case_closed"
            case_list(doc, "lead_professional_history").append(lead)
            del doc["lead_professional"]
        if "unresolved_nomination" in doc:
            del doc["unresolved_nomination"]
        closure = {"date": roundtrip.to_yaml_date(when), "reason": reason,
                   "exit_strategy": exit_strategy}
        if closed_by:
            closure["closed_by"] = closed_by
        set_case_key(doc, "closure", closure)
        ctx.event(doc, "closed", when, reason)
        return f"closed ({reason})"

    return records.update_case(casebook, case_id, change, author=author)


def reopen(casebook: Casebook, case_id: str, *, reason: str, date: dt.date | None = None,
           author: str | None = None):
    def change(doc, ctx):
        data = ctx.data
        if data.get("status") != "closed":
            refuse("reopening", "case-open", f"{case_id} is already open")
        when = date or ctx.today
        refusals = Refusals("reopening")
        check_event_date(refusals, data, when, ctx.today, "the reopening date")
        closed_on = facts.as_date((data.get("closure") or {}).get("date"))
        if closed_on and when < closed_on:
            refusals.add("date-order", "the case cannot be reopened before it was closed")
        if not reason.strip():
            refusals.add("reason", "say why the case is reopened (--reason)")
        refusals.raise_if_any()
        doc["status"] = "open"
        previous = doc.get("closure")
        entry = {"date": roundtrip.to_yaml_date(when), "reason": reason}
        if previous is not None:
            entry["previous_closure"] = previous
            del doc["closure"]
        case_list(doc, "reopenings").append(entry)
        ctx.event(doc, "reopened", when)
        return "reopened"

    return records.update_case(casebook, case_id, change, author=author)
