"""Review scheduling: when a case's next review is due.

The rule (domain guide, section 6): each review sets the date of the next one; before the
first review, it is due ``first_review_weeks`` after the plan was agreed (or on the plan's
own ``first_review`` date). A case with no plan, or a closed case, has no review due.
"""

from __future__ import annotations

import datetime as dt

from lpcli.rules import as_date


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
