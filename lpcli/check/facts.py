"""Facts about one case that the rules, the commands, the reports and the documents share.

Who leads, who is in the team, whether the case is statutory, when the next review is due,
whether consent lets information go to an agency, what is still to do. Each is worked out
here once, so ``validate``, a command refusing a change and a report never disagree. They
read data that passed the schema (the gate); optional parts may be absent.
"""

from __future__ import annotations

import datetime as dt

from lpcli.core import dates
from lpcli.core.vocabulary import OPEN_ACTION_STATUSES, STATUTORY_LEAD_STATUSES

# Guidance: reviews never more than three months apart, counted in calendar months.
MAX_REVIEW_GAP_MONTHS = 3


def as_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def items(case, key):
    value = case.get(key)
    return value if isinstance(value, list) else []


def dicts(seq):
    return [(i, x) for i, x in enumerate(seq) if isinstance(x, dict)]


def get(d, *keys):
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


# -- predicates shared with the commands ------------------------------------------------------

def statutory_lead(case: dict) -> str | None:
    """The practitioner who must lead because of the child's statutory status, if any."""
    st = case.get("statutory")
    if isinstance(st, dict) and st.get("status") in STATUTORY_LEAD_STATUSES:
        return st.get("practitioner")
    return None


def needs_lead_professional(case: dict) -> bool:
    """An open case whose assessment found needs requiring an integrated response, or a
    statutory case whose named practitioner must lead."""
    if case.get("status") != "open":
        return False
    if statutory_lead(case):
        return True
    return get(case, "assessment", "outcome") == "integrated_response"


def first_assessed(case: dict) -> dt.date | None:
    """The date of the case's first common assessment: the oldest in 'assessment_history'
    (a later assessment moves the one before it there), else the current one's."""
    dates = [as_date(a.get("date")) for _, a in dicts(items(case, "assessment_history"))]
    dates.append(as_date(get(case, "assessment", "date")))
    dates = [d for d in dates if d]
    return min(dates) if dates else None


def current_lead(case: dict) -> str | None:
    lp = case.get("lead_professional")
    return lp.get("practitioner") if isinstance(lp, dict) else None


def team_members(case: dict, on: dt.date | None = None) -> set[str]:
    """Practitioners in the team: those with no 'until', or (with ``on``) still there then."""
    members = set()
    for _, m in dicts(items(case, "team")):
        until = as_date(m.get("until"))
        if until is None or (on is not None and until >= on):
            members.add(m.get("practitioner"))
    return members


def family_ids(case: dict) -> set[str]:
    return {m.get("id") for _, m in dicts(items(case, "family"))}


def missing_from_meeting(attendees, pid) -> bool:
    """A lead 'present' at a meeting whose attendees are recorded, but not among them. (A
    meeting with no attendees recorded says nothing either way.)"""
    return bool(attendees) and pid not in set(attendees)


# -- the review schedule (domain guide, section 6) --------------------------------------------

def too_far_apart(review: dt.date, next_review: dt.date) -> bool:
    """More than three calendar months between a review and the next (guidance)."""
    return next_review > dates.add_months(review, MAX_REVIEW_GAP_MONTHS)


def last_review(case: dict) -> dict | None:
    reviews = [r for r in (case.get("reviews") or []) if isinstance(r, dict)
               and as_date(r.get("date"))]
    if not reviews:
        return None
    return max(reviews, key=lambda r: as_date(r["date"]))


def first_review_due(case: dict, settings: dict) -> dt.date | None:
    plan = case.get("plan")
    if not isinstance(plan, dict):
        return None
    explicit = as_date(plan.get("first_review"))
    if explicit:
        return explicit
    agreed = as_date(plan.get("agreed"))
    if not agreed:
        return None
    return agreed + dt.timedelta(weeks=int(settings.get("first_review_weeks") or 6))


def next_review_due(case: dict, settings: dict) -> dt.date | None:
    if case.get("status") != "open":
        return None
    last = last_review(case)
    if last is not None:
        return as_date(last.get("next_review"))
    return first_review_due(case, settings)


def interval_weeks(case: dict, settings: dict) -> int:
    plan = case.get("plan") if isinstance(case.get("plan"), dict) else {}
    return int(plan.get("review_interval_weeks") or settings.get("review_interval_weeks") or 6)


# -- consent and the work still to do --------------------------------------------------------

def consent_allows(data: dict, agency: str | None, agency_type: str | None) -> tuple[bool, str]:
    """May information go to this agency? ``do_not_share_with`` wins over ``share_with``;
    names and types match case-insensitively. Withdrawn consent allows nothing."""
    consent = data.get("consent") if isinstance(data.get("consent"), dict) else None
    if consent is None:
        return False, "no consent to share information is recorded"
    if isinstance(consent.get("withdrawn"), dict):
        return False, "the family has withdrawn consent to share information"
    wanted = {x.casefold() for x in (agency, agency_type) if x}
    refused = {str(x).casefold() for x in consent.get("do_not_share_with") or []}
    if wanted & refused:
        return False, "the family has said this agency may not receive information"
    allowed = {str(x).casefold() for x in consent.get("share_with") or []}
    if allowed and not wanted & allowed:
        return False, "this agency is not among those the family agreed may receive information"
    return True, "consent allows sharing with this agency"


def outstanding(data: dict) -> list[str]:
    """The IDs of the plan's actions still to do."""
    plan = data.get("plan") if isinstance(data.get("plan"), dict) else {}
    return [a["id"] for a in plan.get("actions") or []
            if isinstance(a, dict) and a.get("status") in OPEN_ACTION_STATUSES]


def consent_withdrawn(case: dict) -> dt.date | None:
    """When the family withdrew consent, if they have (and not given it again since)."""
    withdrawn = (case.get("consent") or {}).get("withdrawn")
    return as_date(withdrawn.get("date")) if isinstance(withdrawn, dict) else None


def consent_decision_pending(case: dict) -> dt.date | None:
    """The withdrawal date while an open case still waits for the decision withdrawn consent
    needs: closing it, or a step-up to social care (guidance: withdrawn consent usually ends
    multi-agency early help). None once decided, or when consent stands."""
    withdrawn = consent_withdrawn(case)
    if withdrawn is None or case.get("status") != "open":
        return None
    for h in case.get("handovers") or []:
        if isinstance(h, dict) and h.get("transition") == "step_up" \
                and (as_date(h.get("date")) or dt.date.min) >= withdrawn:
            return None
    return withdrawn


# -- a lead who leaves or is away (practitioners.yaml) ----------------------------------------
# Guidance: the manager makes sure the lead functions are covered when the lead is
# unavailable for more than four weeks (a setting); cases never sit with someone who left.

def has_left(person: dict | None) -> bool:
    """Marked as left in the directory: 'active: false', or a leaving date (a record with a
    date but 'active' still true is an error of its own, 'left-but-active')."""
    return isinstance(person, dict) and (person.get("active") is False or "left" in person)


def absence_spans(person: dict | None) -> list[tuple[dt.date, dt.date]]:
    """The practitioner's absences as periods away, first day to last, in order. Records
    that overlap or follow each other without a day between are one period: three weeks'
    leave then two of sickness is five weeks away."""
    spans = []
    for a in (person or {}).get("absences") or []:
        start, end = as_date(get(a, "from")), as_date(get(a, "to"))
        if start and end and end >= start:
            spans.append((start, end))
    merged: list[tuple[dt.date, dt.date]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def away_on(person: dict | None, day: dt.date) -> tuple[dt.date, dt.date] | None:
    """The period away that ``day`` falls in, if any."""
    return next(((s, e) for s, e in absence_spans(person) if s <= day <= e), None)


def long_absence(span: tuple[dt.date, dt.date], weeks: int) -> bool:
    """Away for more than ``weeks`` weeks (both ends counted): four weeks is 28 days, so an
    absence of 28 days is not 'more than four weeks' and one of 29 is."""
    return (span[1] - span[0]).days + 1 > 7 * weeks


def lead_cover(person: dict | None, weeks: int, since: dt.date | None = None):
    """When a lead's cases need someone else: [(due, until, what)].

    ``due`` is the last day the lead was there — the leaving date, or the day before a
    period away longer than ``weeks`` weeks starts — so the case is overdue from the first
    day they are not (the day after ``due``, as for everything 'overdue' reports); never
    before the lead took the case on (``since``). ``until`` is the last day of the absence
    (None: for good). A leaver with no leaving date recorded counts from ``since``: they
    left at some day after it, and the case may have sat with them since.
    """
    if has_left(person):
        left = as_date(person.get("left"))
        due = left or since
        if due is None:
            return []
        what = f"left {left.isoformat()}" if left else "left, date not recorded"
        return [(max(due, since) if since else due, None, what)]
    out = []
    for start, end in absence_spans(person):
        if long_absence((start, end), weeks):
            due = start - dt.timedelta(days=1)
            out.append((max(due, since) if since else due, end,
                        f"away {start.isoformat()} to {end.isoformat()}"))
    return out


# -- supervision of lead professionals ----------------------------------------------------------

DEFAULT_SUPERVISION_WEEKS = 6


def last_supervision(person: dict) -> dt.date | None:
    """The latest supervision session recorded for a practitioner (their directory entry)."""
    held = [as_date(s.get("date")) for s in person.get("supervisions") or []]
    return max((d for d in held if d), default=None)


def supervision_due(person: dict, settings: dict,
                    leads_since: dt.date | None = None) -> dt.date | None:
    """When the next supervision is due: an interval after the last session, or after they
    began leading a case if they have never been supervised (None: neither is known)."""
    weeks = int(settings.get("supervision_interval_weeks") or DEFAULT_SUPERVISION_WEEKS)
    start = last_supervision(person) or leads_since
    return start + dt.timedelta(weeks=weeks) if start else None
