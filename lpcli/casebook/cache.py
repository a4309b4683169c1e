"""What the cache of checked case files keeps, so an unchanged case is never parsed twice.

For each case file: the diagnostics ``validate`` found and a *slim* copy of the case holding
just what the reports read (status, lead professional, due dates...). Where and how it is
kept, and how a change is noticed, is ``store.py``; ``scan.py`` reads through it.

It lives in the git directory (``.git/lpcli/``): never tracked, never committed, one per
clone. A missing, corrupt or unwritable cache only means a full run.
"""

from __future__ import annotations

from lpcli.check.history import history
from lpcli.core.diagnostics import Diagnostic

# 10: one more than either side of the issue 18 merge (main's 9, issue18-perf's 8), so that
# no cache written by either is read as the other: the report's history, the lead's start,
# handovers (issues 14 and 17), what 'lpcli find' reads (known_as, postcode, school name,
# links; issue 15), kept in SQLite (issue 18). 11: the next review's time of day (calendar).
# 12: the history's QUIET day (a report leaves out cases quiet before its first period).
FORMAT = 12
PARALLEL_MIN = 400  # below this many files to analyse, starting processes costs more


# What the reports read from a case (listing, overdue, caseload, calendar, suggestions,
# retention; the lead's start date for a plan due after appointment, handovers for a step-up
# after consent was withdrawn; find). The differential test checks every report gives the same
# answer from this as from the case. (The dates of birth are for retention's until_age rule,
# and with the known-as name, postcode and school for 'lpcli find' and the check 'lpcli new'
# makes; the cache holds nothing .git/objects does not, and README says to delete it with a
# case.)
_SLIM = {
    "id": None, "status": None, "opened": None,
    "child": ("given_name", "family_name", "known_as", "date_of_birth", "expected_date",
              "address", "school"),
    "links": None,
    "closure": ("date", "reason"),
    "assessment": ("date", "outcome"),
    "statutory": ("status", "practitioner"),
    "lead_professional": ("practitioner", "since"),
    "unresolved_nomination": ("date",),
    "consent": ("date", "withdrawn"),
}


def slim(case: dict) -> dict:
    out = {}
    for key, keep in _SLIM.items():
        if key not in case:
            continue
        value = case[key]
        out[key] = {k: value[k] for k in keep if k in value} \
            if keep and isinstance(value, dict) else value
    plan = case.get("plan")
    if isinstance(plan, dict):
        p = {k: plan[k] for k in ("agreed", "first_review", "first_review_venue",
                                  "first_review_time",
                                  "review_interval_weeks") if k in plan}
        actions = plan.get("actions")
        if isinstance(actions, list):
            p["actions"] = [{k: a[k] for k in ("id", "owner", "due", "status") if k in a}
                            if isinstance(a, dict) else a for a in actions]
        out["plan"] = p
    elif "plan" in case:
        out["plan"] = plan
    _slim_child(out)
    withdrawn = (case.get("consent") or {}).get("withdrawn")
    if isinstance(withdrawn, dict):  # its notes are the family's words: only the date
        out["consent"]["withdrawn"] = {k: withdrawn[k] for k in ("date",) if k in withdrawn}
    reviews = case.get("reviews")
    if isinstance(reviews, list):
        out["reviews"] = [{k: r[k] for k in ("date", "next_review", "next_review_venue",
                                             "next_review_time")
                           if k in r} if isinstance(r, dict) else r for r in reviews]
    elif "reviews" in case:
        out["reviews"] = reviews
    handovers = case.get("handovers")
    if isinstance(handovers, list):  # a step-up decides withdrawn consent (overdue)
        out["handovers"] = [{k: h[k] for k in ("date", "transition") if k in h}
                            if isinstance(h, dict) else h for h in handovers]
    out["history"] = history(case)  # what the service report counts (check/history.py)
    return out


def _slim_child(out: dict) -> None:
    """Of the address only the postcode, of the school only its name (for 'lpcli find')."""
    child = out.get("child")
    if not isinstance(child, dict):
        return
    for key, keep in (("address", "postcode"), ("school", "name")):
        value = child.get(key)
        if isinstance(value, dict):
            if keep in value:
                child[key] = {keep: value[keep]}
            else:
                del child[key]


def links(slim: dict | None) -> list | None:
    """What validate's check across cases reads of a case's links (``linkcheck.py``): None
    for a file that failed the gate, else the links (case and relationship), often none."""
    if slim is None:
        return None
    found = slim.get("links")
    if not isinstance(found, list):
        return []
    return [{k: x[k] for k in ("case", "relationship") if k in x}
            for x in found if isinstance(x, dict)]


def diags_to_json(diags) -> list:
    return [[d.file, d.line, d.column, d.path, d.severity, d.rule, d.message] for d in diags]


def diags_from_json(items) -> list:
    return [Diagnostic(*item) for item in items]
