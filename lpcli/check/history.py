"""A case's history as dates and codes: what the service report counts.

``history(case)`` reduces a case (that passed the gate) to a small JSON-ready record of
when things happened: opened, assessed, lead appointed, plan agreed, each review against
the date it was due, each action against its due date, closures and reopenings, step-ups.
No names, no notes, no dates of birth: the report never needs them, and this record is kept
in the cache beside every case (``casebook/cache.py``), so a monthly report over ten
thousand cases reads no case file.
"""

from __future__ import annotations

import datetime as dt

from lpcli.check.facts import as_date

# Keys of the record, short because ten thousand of them are kept in the cache.
OPENED, STATUS = "o", "s"
ASSESSED, LEAD_SINCE, PLAN_AGREED = "a", "l", "p"
UNRESOLVED = "u"            # date an escalated nomination has waited since (still open)
CLOSURES = "c"              # [[date, reason], ...] every closure, undone ones too
REOPENINGS = "r"            # [date, ...]
STEP_UPS = "su"             # [date, ...] handovers stepping up to social care
REVIEWS = "rv"              # [[held, due, satisfaction, [rating, ...]], ...]
ACTIONS = "ac"              # [[due, done date or None, status], ...]
LEAD = "lp"                 # the current lead professional (a practitioner ID)
# For a case closed for good (no reopening after its last closure), the last day anything
# happened in it; else None. A report over periods that begin after it counts nothing of the
# case, and leaves it unread (``quiet_since``).
QUIET = "q"


def _first(values):
    found = sorted(v for v in values if v)
    return found[0] if found else None


def history(case: dict) -> dict:
    """The dated events of one case, in the short form above (dates as ISO strings)."""
    out = {OPENED: case.get("opened"), STATUS: case.get("status")}
    assessments = [case.get("assessment") or {}, *(case.get("assessment_history") or [])]
    out[ASSESSED] = _first(a.get("date") for a in assessments)
    leads = [case.get("lead_professional") or {}, *(case.get("lead_professional_history") or [])]
    out[LEAD_SINCE] = _first(lp.get("since") for lp in leads)
    out[LEAD] = (case.get("lead_professional") or {}).get("practitioner")
    out[PLAN_AGREED] = (case.get("plan") or {}).get("agreed")
    unresolved = case.get("unresolved_nomination")
    out[UNRESOLVED] = unresolved.get("date") if isinstance(unresolved, dict) else None
    closures = [[(r.get("previous_closure") or {}).get("date"),
                 (r.get("previous_closure") or {}).get("reason")]
                for r in case.get("reopenings") or []]
    if case.get("status") == "closed" and isinstance(case.get("closure"), dict):
        closures.append([case["closure"].get("date"), case["closure"].get("reason")])
    out[CLOSURES] = [c for c in closures if c[0]]
    out[REOPENINGS] = [r.get("date") for r in case.get("reopenings") or [] if r.get("date")]
    out[STEP_UPS] = [h.get("date") for h in case.get("handovers") or []
                     if h.get("transition") == "step_up" and h.get("date")]
    out[REVIEWS] = _reviews(case)
    out[ACTIONS] = [[a.get("due"), _done_on(a), a.get("status")]
                    for a in (case.get("plan") or {}).get("actions") or []]
    last = last_day(out)
    out[QUIET] = last.isoformat() if last is not None and closed_on(out, dt.date.max) \
        else None
    return out


def closed_on(h: dict, day: dt.date) -> bool:
    """Was the case closed on ``day``: a closure on or before it not undone by then."""
    return closed_by(events(h[CLOSURES], h[REOPENINGS]), day)


def events(closures, reopenings) -> list:
    """Closures and reopenings in date order, as (date, 'c' or 'r'); undated ones left out.
    Dates as text or dates: each is read with ``as_date``."""
    found = [(as_date(c[0]), "c") for c in closures] + [(as_date(r), "r") for r in reopenings]
    return sorted(e for e in found if e[0])


def closed_by(ordered: list, day: dt.date) -> bool:
    """Closed on ``day``, from ``events``: the last of them by then is a closure."""
    state = False
    for when, what in ordered:
        if when > day:
            break
        state = what == "c"
    return state


def last_day(h: dict) -> dt.date | None:
    """The last date anything happened in the case (of the dates this record keeps)."""
    days = [h[OPENED], h[ASSESSED], h[LEAD_SINCE], h[PLAN_AGREED], h[UNRESOLVED],
            *(c[0] for c in h[CLOSURES]), *h[REOPENINGS], *h[STEP_UPS]]
    for held, due, _satisfied, _marks in h[REVIEWS]:
        days += [held, due]
    for due, done_on, _status in h[ACTIONS]:
        days += [due, done_on]
    parsed = [d for d in map(as_date, days) if d is not None]
    return max(parsed, default=None)


def quiet_since(h) -> str | None:
    """``QUIET`` of a record (ISO date), None for a record without it."""
    return h.get(QUIET) if isinstance(h, dict) else None


def _reviews(case: dict) -> list:
    """Each review held, with the date it was due: the previous review's next date; for the
    first, the plan's own first review date, or None when it follows from the plan's date
    and the casebook's setting (which the report applies: settings are not the case's)."""
    due = (case.get("plan") or {}).get("first_review")
    out = []
    for r in sorted(case.get("reviews") or [], key=lambda r: r.get("date") or ""):
        ratings = [o.get("rating") for o in r.get("outcome_progress") or [] if o.get("rating")]
        out.append([r.get("date"), due, r.get("family_satisfaction"), ratings])
        due = r.get("next_review")
    return out


def _done_on(action: dict) -> str | None:
    """When an action was done: its history's 'done' entry (the last, if several)."""
    if action.get("status") != "done":
        return None
    done = [h.get("date") for h in action.get("history") or [] if h.get("status") == "done"]
    return done[-1] if done else None
