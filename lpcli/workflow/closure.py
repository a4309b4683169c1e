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
          settle: dict | None = None, signed_off_by: str | None = None,
          author: str | None = None):
    """Close a case. Every action still to do is settled first (``settle``: action ID, or
    'all', to 'done', 'dropped' or ('continues', SERVICE)): the guidance says open actions
    are finished, dropped or carried on by a named service. A review that fell due and was
    not held is noted, not hidden. Some councils want a manager's sign-off (a setting)."""
    settle = dict(settle or {})

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
        settlements = _settlements(refusals, data, settle, case_id)
        if casebook.settings.get("closure_sign_off") and not (signed_off_by or "").strip():
            refusals.add("sign-off", "this casebook asks for a manager's sign-off to close a "
                         "case (--signed-off-by NAME)")
        refusals.raise_if_any()
        _note_overdue_review(ctx, data, when, casebook.settings)
        for action in (doc.get("plan") or {}).get("actions") or []:
            if action.get("id") in settlements:
                _settle(action, settlements[action["id"]], when)
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
        if signed_off_by:
            closure["signed_off_by"] = signed_off_by
        set_case_key(doc, "closure", closure)
        ctx.event(doc, "closed", when, reason + (f"; {len(settlements)} open actions settled"
                                                 if settlements else ""))
        return f"closed ({reason})"

    return records.update_case(casebook, case_id, change, author=author)


def _settlements(refusals: Refusals, data: dict, settle: dict, case_id: str) -> dict:
    """Each open action's settlement, or a refusal naming those left and how to settle."""
    still = facts.outstanding(data)
    out = {}
    everything = settle.pop("all", None)
    unknown = sorted(set(settle) - set(still))
    if unknown:
        refusals.add("unknown-action", f"{', '.join(unknown)}: not an open action of "
                     f"{case_id} (open: {', '.join(still) or 'none'})")
    for aid in still:
        choice = settle.get(aid, everything)
        if choice is not None:
            out[aid] = choice
    left = [aid for aid in still if aid not in out]
    if left:
        refusals.add("open-actions", f"{', '.join(left)} still to do; settle each: "
                     f"--settle {left[0]}=done, --settle {left[0]}=dropped, or --settle "
                     f"{left[0]}=continues:SERVICE (a named service carries it on); "
                     "--settle all=dropped settles every one")
    return out


def _settle(action, settlement, when: dt.date) -> None:
    status, service = settlement if isinstance(settlement, tuple) else (settlement, None)
    action["status"] = status
    if service:
        action["continues_with"] = service
    history = action.get("history")
    if history is None:
        action["history"] = history = []
    history.append({"date": roundtrip.to_yaml_date(when), "status": status,
                    "note": "settled when the case closed"})


def _note_overdue_review(ctx, data: dict, when: dt.date, settings: dict) -> None:
    due = facts.next_review_due(data, settings)
    if due and due < when:
        ctx.session.notes.append(f"the review due {due.isoformat()} was not held "
                                 f"({(when - due).days} days overdue at closure)")


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
