"""Recording a review of the multi-agency plan (domain guide, section 6).

Each review sets the date of the next one (``check/facts.py`` works out when a review is
due); the next review is after the review and at most three months on.
"""

from __future__ import annotations

import datetime as dt

from lpcli.casebook import records
from lpcli.check import facts
from lpcli.check.facts import as_date, interval_weeks, last_review, too_far_apart
from lpcli.files import roundtrip
from lpcli.workflow.common import (
    Refusals,
    case_list,
    check_consent_not_withdrawn,
    check_event_date,
    require_open,
)

# -- recording a review ----------------------------------------------------------------------

# What a review weighs (domain guide §6), as the keys of a review record.
TEXT_FIELDS = ("changed_circumstances", "progress", "family_view", "child_view",
               "practitioner_views", "plan_changes", "signposting", "exit_strategy")
REVIEW_KEYS = ("date", "meeting", "attendees", "changed_circumstances", "progress",
               "outcome_progress", "family_satisfaction", "family_view", "child_view",
               "practitioner_views", "plan_changes", "signposting", "exit_strategy",
               "within_timescales", "next_review", "next_review_time", "next_review_venue")


def load_review_file(path) -> dict:
    """A prepared review (``--from-file``), checked against the review record's schema."""
    from lpcli.workflow.common import load_prepared

    return load_prepared(path, ("properties", "reviews", "items"), what="review",
                         example="progress: ..., next_review: 2027-01-15", command="review",
                         known_keys=REVIEW_KEYS)


def record_review(casebook, case_id: str, fields: dict, *, author: str | None = None):
    """Log a review of the plan. ``fields`` uses the review record's keys; ``date`` and
    ``next_review`` are ``datetime.date`` or ISO strings (defaults: today, and the date plus
    the case's review interval)."""
    def change(doc, ctx):
        data = ctx.data
        require_open(data, "review", case_id)
        refusals = Refusals("review")
        when = as_date(fields.get("date")) or ctx.today
        check_event_date(refusals, data, when, ctx.today, "the review date")
        if not isinstance(data.get("plan"), dict):
            refusals.add("no-plan", "the case has no multi-agency plan to review; add the "
                         "plan's actions first (lpcli action add)")
        last = last_review(data)
        if last is not None and as_date(last["date"]) > when:
            refusals.add("date-order", f"a later review ({last['date']}) is already recorded")
        nxt = as_date(fields.get("next_review")) or (
            when + dt.timedelta(weeks=interval_weeks(data, casebook.settings)))
        if nxt <= when:
            refusals.add("date-order", "the next review must be after this review")
        elif too_far_apart(when, nxt):
            refusals.add("review-interval", "the next review is more than three months away; "
                         "the guidance says reviews are never more than three months apart")
        outcomes = {o.get("id") for o in ((data.get("plan") or {}).get("outcomes") or [])
                    if isinstance(o, dict)} if isinstance(data.get("plan"), dict) else set()
        for item in fields.get("outcome_progress") or []:
            if isinstance(item, dict) and item.get("outcome") not in outcomes:
                refusals.add("unknown-outcome",
                             f"outcome '{item.get('outcome')}' is not in the plan")
        family = facts.family_ids(data) | {"child"}
        lead = facts.current_lead(data)
        others = [a for a in fields.get("attendees") or [] if a not in family and a != lead]
        if others or fields.get("practitioner_views"):
            check_consent_not_withdrawn(refusals, data, case_id, "a multi-agency review")
        refusals.raise_if_any()
        review = {"date": when}
        for key in REVIEW_KEYS[1:]:
            value = fields.get(key)
            if value in (None, "", []):
                continue
            review[key] = roundtrip.flow_list(value) if key == "attendees" else value
        review["next_review"] = nxt
        review = {k: review[k] for k in REVIEW_KEYS if k in review}
        case_list(doc, "reviews").append(review)
        ctx.event(doc, "reviewed", when, f"next review {nxt.isoformat()}")
        return f"review recorded, next review {nxt.isoformat()}"

    return records.update_case(casebook, case_id, change, author=author)
