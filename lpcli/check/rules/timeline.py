"""Rules about dates: they follow the order of the process. Nothing before the case opened,
the assessment before the lead professional, reviews in order and each setting a later next
review at most three months on, periods that end after they start, consent withdrawn after
it was given."""

from __future__ import annotations

from lpcli.check.facts import as_date, dicts, first_assessed, get, items, too_far_apart
from lpcli.check.rules.finding import Finding
from lpcli.core.diagnostics import ERROR, WARNING


def nothing_before_opening(case, directory):
    """Every dated record of the case is on or after the day it was opened."""
    opened = as_date(case.get("opened"))
    if opened is None:
        return
    plan = case.get("plan") if isinstance(case.get("plan"), dict) else {}
    checks = [
        (("plan", "agreed"), plan.get("agreed"), "the plan's agreement date"),
        (("lead_professional", "since"), get(case, "lead_professional", "since"),
         "the lead professional's start"),
        (("closure", "date"), get(case, "closure", "date"), "the closure date"),
    ]
    for key, what in (("reviews", "this review"), ("handovers", "this handover"),
                      ("reopenings", "this reopening"), ("meetings", "this meeting")):
        for i, record in dicts(items(case, key)):
            checks.append(((key, i, "date"), record.get("date"), what))
    checks.append((("unresolved_nomination", "date"), get(case, "unresolved_nomination", "date"),
                   "the unresolved nomination"))
    for path, value, what in checks:
        d = as_date(value)
        if d and d < opened:
            yield Finding(path, ERROR, "date-order", f"{what} is before the case was opened")


def assessment_before_lead(case, directory):
    """The assessment comes first; nomination follows it."""
    opened = as_date(case.get("opened"))
    assessed = as_date(get(case, "assessment", "date"))
    if opened and assessed and assessed < opened:
        # Possible (an assessment done before the case reached this casebook), but usually
        # a typing slip: say so without refusing.
        yield Finding(("assessment", "date"), WARNING, "date-order",
                      "the assessment is dated before the case was opened")
    # Against the first assessment: a reassessment after the lead professional was
    # appointed (the earlier one kept in assessment_history) is the process working.
    first = first_assessed(case)
    lp_since = as_date(get(case, "lead_professional", "since"))
    if first and lp_since and lp_since < first:
        yield Finding(("lead_professional", "since"), ERROR, "date-order",
                      "the lead professional was appointed before the common assessment; "
                      "nomination follows the assessment")


def assessments_in_order(case, directory):
    """Earlier assessments are kept oldest first, and none is after the current one."""
    previous = None
    for i, a in dicts(items(case, "assessment_history")):
        d = as_date(a.get("date"))
        if d and previous and d < previous:
            yield Finding(("assessment_history", i, "date"), WARNING, "date-order",
                          "earlier assessments are not in date order; keep the oldest first")
        previous = d or previous
    current = as_date(get(case, "assessment", "date"))
    if current and previous and current < previous:
        yield Finding(("assessment", "date"), WARNING, "date-order",
                      "the current assessment is dated before one in assessment_history; the "
                      "current assessment is the latest")


def reviews_in_order(case, directory):
    """Reviews oldest first; each sets a next review after it and at most three months on;
    the latest review of an open case sets one."""
    previous = None
    reviews = dicts(items(case, "reviews"))
    if reviews and case.get("status") == "open" and reviews[-1][1].get("next_review") is None:
        yield Finding(("reviews", reviews[-1][0]), ERROR, "next-review-missing",
                      "the latest review of an open case must set the date of the next review")
    for i, r in reviews:
        d, nxt = as_date(r.get("date")), as_date(r.get("next_review"))
        if d and previous and d < previous:
            yield Finding(("reviews", i, "date"), WARNING, "date-order",
                          "reviews are not in date order; keep the oldest first")
        if d and nxt:
            if nxt <= d:
                yield Finding(("reviews", i, "next_review"), ERROR, "date-order",
                              "the next review must be after this review")
            elif too_far_apart(d, nxt):
                yield Finding(("reviews", i, "next_review"), WARNING, "review-interval",
                              "the next review is more than three months after this one; "
                              "the guidance says reviews are never more than three months apart")
        previous = d or previous


def periods_in_order(case, directory):
    """A time in the team or as lead professional ends after it starts; consent is withdrawn
    after it was given."""
    for key in ("team", "lead_professional_history"):
        for i, m in dicts(items(case, key)):
            since, until = as_date(m.get("since")), as_date(m.get("until"))
            if since and until and until < since:
                yield Finding((key, i, "until"), ERROR, "date-order",
                              "'until' is before 'since'")
    consent = case.get("consent") if isinstance(case.get("consent"), dict) else {}
    given, withdrawn = as_date(consent.get("date")), as_date(get(consent, "withdrawn", "date"))
    if given and withdrawn and withdrawn < given:
        yield Finding(("consent", "withdrawn", "date"), ERROR, "date-order",
                      "consent is withdrawn before it was given")
