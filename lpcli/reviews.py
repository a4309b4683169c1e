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


# -- recording a review ----------------------------------------------------------------------

# What a review weighs (domain guide §6), as the keys of a review record.
TEXT_FIELDS = ("changed_circumstances", "progress", "family_view", "child_view",
               "practitioner_views", "plan_changes", "signposting", "exit_strategy")
SATISFACTION = ("very_satisfied", "satisfied", "mixed", "dissatisfied", "not_asked")
RATINGS = ("not_started", "some_progress", "good_progress", "achieved", "worse")
REVIEW_KEYS = ("date", "meeting", "attendees", "changed_circumstances", "progress",
               "outcome_progress", "family_satisfaction", "family_view", "child_view",
               "practitioner_views", "plan_changes", "signposting", "exit_strategy",
               "within_timescales", "next_review", "next_review_venue")


def load_review_file(path) -> dict:
    """A prepared review (``--from-file``): one YAML mapping of review fields, read strictly."""
    from lpcli.casebook import load_file
    from lpcli.errors import EnvironmentProblem

    loaded = load_file(path)
    if loaded.problems:
        p = loaded.problems[0]
        raise EnvironmentProblem(f"{path}:{p.line}:{p.column}: {p.message}")
    if not isinstance(loaded.data, dict):
        raise EnvironmentProblem(f"{path} must hold one mapping of review fields",
                                 hint="for example: progress: ..., next_review: 2027-01-15")
    unknown = sorted(set(loaded.data) - set(REVIEW_KEYS))
    if unknown:
        raise EnvironmentProblem(f"{path}: unknown review field(s): {', '.join(unknown)}",
                                 hint="fields: " + ", ".join(REVIEW_KEYS))
    # Checked against the review record's schema before anything uses it (every part may be
    # left out here: the command fills in the date and the next review).
    from lpcli import schema
    from lpcli.diagnostics import format_path

    for where, _, message in schema.part_messages("case", ("properties", "reviews", "items"),
                                                  loaded.data):
        if where:  # a missing required key is for the command to fill in
            line, column = loaded.locate(where)
            raise EnvironmentProblem(f"{path}:{line}:{column}: {format_path(where)}: {message}",
                                     hint="see 'lpcli review --help' for the review fields")
    return loaded.data


def record_review(casebook, case_id: str, fields: dict, *, author: str | None = None):
    """Log a review of the plan. ``fields`` uses the review record's keys; ``date`` and
    ``next_review`` are ``datetime.date`` or ISO strings (defaults: today, and the date plus
    the case's review interval)."""
    from lpcli import records, yamlio
    from lpcli.workflow import Refusals, case_list, check_event_date, require_open

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
        elif (nxt - when).days > 92:
            refusals.add("review-interval", "the next review is more than three months away; "
                         "the guidance says reviews are never more than three months apart")
        outcomes = {o.get("id") for o in ((data.get("plan") or {}).get("outcomes") or [])
                    if isinstance(o, dict)} if isinstance(data.get("plan"), dict) else set()
        for item in fields.get("outcome_progress") or []:
            if isinstance(item, dict) and item.get("outcome") not in outcomes:
                refusals.add("unknown-outcome",
                             f"outcome '{item.get('outcome')}' is not in the plan")
        refusals.raise_if_any()
        review = {"date": when}
        for key in REVIEW_KEYS[1:]:
            value = fields.get(key)
            if value in (None, "", []):
                continue
            review[key] = yamlio.flow_list(value) if key == "attendees" else value
        review["next_review"] = nxt
        review = {k: review[k] for k in REVIEW_KEYS if k in review}
        case_list(doc, "reviews").append(review)
        ctx.event(doc, "reviewed", when, f"next review {nxt.isoformat()}")
        return f"review recorded, next review {nxt.isoformat()}"

    return records.update_case(casebook, case_id, change, author=author)
