"""The rules of the lead professional guidance, as checks over one case.

The schema says what a record may look like; these rules say what the guidance allows, across
fields and files (``../shared/domain.md``). Each rule is a small generator named for what it
enforces, yielding ``Finding``s with a path into the case; ``validate`` turns the paths into
line and column. The same predicates (``statutory_lead``, ``needs_lead_professional``...) are
used by the commands that change cases, so a command and ``validate`` never disagree.

Messages name keys, IDs and dates' roles, never the values of personal fields.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lpcli.diagnostics import ERROR, WARNING

# Statutory statuses where the named practitioner carries out the lead professional
# functions (guidance: looked after, child protection plan, key worker for complex disability
# or health needs, care leaver). A child in need is not on that list.
STATUTORY_LEAD_STATUSES = frozenset(
    {"looked_after", "child_protection_plan", "complex_needs_key_worker", "care_leaver"})

STATUTORY_WORDS = {
    "none": "no statutory status",
    "child_in_need": "a child in need",
    "child_protection_plan": "on a child protection plan",
    "looked_after": "looked after",
    "complex_needs_key_worker": "has a key worker for complex needs",
    "care_leaver": "a care leaver",
}

# Guidance: reviews never more than three months apart.
MAX_REVIEW_GAP_DAYS = 92


@dataclass(frozen=True)
class Finding:
    path: tuple
    severity: str
    rule: str
    message: str


def as_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _items(case, key):
    value = case.get(key)
    return value if isinstance(value, list) else []


def _dicts(seq):
    return [(i, x) for i, x in enumerate(seq) if isinstance(x, dict)]


def _get(d, *keys):
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
    return _get(case, "assessment", "outcome") == "integrated_response"


def current_lead(case: dict) -> str | None:
    lp = case.get("lead_professional")
    return lp.get("practitioner") if isinstance(lp, dict) else None


def team_members(case: dict, on: dt.date | None = None) -> set[str]:
    """Practitioners in the team: those with no 'until', or (with ``on``) still there then."""
    members = set()
    for _, m in _dicts(_items(case, "team")):
        until = as_date(m.get("until"))
        if until is None or (on is not None and until >= on):
            members.add(m.get("practitioner"))
    return members


def family_ids(case: dict) -> set[str]:
    return {m.get("id") for _, m in _dicts(_items(case, "family"))}


# -- the rules ----------------------------------------------------------------------------

def known_practitioners(case, directory):
    """Every practitioner ID in a case must be in practitioners.yaml."""
    if directory is None:
        return
    refs = [
        (("opened_by",), case.get("opened_by")),
        (("consent", "recorded_by"), _get(case, "consent", "recorded_by")),
        (("assessment", "assessor"), _get(case, "assessment", "assessor")),
        (("statutory", "practitioner"), _get(case, "statutory", "practitioner")),
        (("lead_professional", "practitioner"), _get(case, "lead_professional", "practitioner")),
        (("closure", "closed_by"), _get(case, "closure", "closed_by")),
        (("family_wishes", "preferred_lead"), _get(case, "family_wishes", "preferred_lead")),
    ]
    for i, m in _dicts(_items(case, "team")):
        refs.append((("team", i, "practitioner"), m.get("practitioner")))
    for i, m in _dicts(_items(case, "lead_professional_history")):
        refs.append((("lead_professional_history", i, "practitioner"), m.get("practitioner")))
    for i, m in _dicts(_items(case, "meetings")):
        for j, a in enumerate(m.get("attendees") or []):
            refs.append((("meetings", i, "attendees", j), a))
    for i, h in _dicts(_items(case, "handovers")):
        refs.append((("handovers", i, "from"), h.get("from")))
        refs.append((("handovers", i, "to"), h.get("to")))
    for path, pid in refs:
        if isinstance(pid, str) and pid not in directory:
            yield Finding(path, ERROR, "unknown-practitioner",
                          f"practitioner '{pid}' is not in practitioners.yaml")


def unique_ids(case, directory):
    """Family members, meetings, outcomes, actions and handovers each need a unique ID."""
    groups = [
        ("family", _items(case, "family")),
        ("meetings", _items(case, "meetings")),
        ("handovers", _items(case, "handovers")),
        ("plan.outcomes", _items(case.get("plan") or {}, "outcomes")),
        ("plan.actions", _items(case.get("plan") or {}, "actions")),
    ]
    for name, seq in groups:
        seen = {}
        prefix = tuple(name.split("."))
        for i, item in _dicts(seq):
            key = item.get("id")
            if key is None:
                continue
            if key in seen:
                yield Finding(prefix + (i, "id"), ERROR, "duplicate-id",
                              f"ID '{key}' is used twice in {name} (first as item {seen[key]})")
            else:
                seen[key] = i
    if directory is not None:
        for i, m in _dicts(_items(case, "family")):
            if m.get("id") in directory:
                yield Finding(("family", i, "id"), WARNING, "ambiguous-id",
                              f"family ID '{m.get('id')}' is also a practitioner ID; "
                              "choose another so action owners are unambiguous")


def action_owners(case, directory):
    """Each action has one owner: a practitioner, a member of the family, or the child."""
    family = family_ids(case) | {"child"}
    for i, a in _dicts(_items(case.get("plan") or {}, "actions")):
        owner = a.get("owner")
        if not isinstance(owner, str):
            continue
        if owner in family:
            continue
        if directory is None or owner in directory:
            continue
        yield Finding(("plan", "actions", i, "owner"), ERROR, "unknown-action-owner",
                      f"owner '{owner}' is neither a practitioner in practitioners.yaml nor a "
                      "family member's ID in this case (nor 'child')")


def references(case, directory):
    """Actions point at outcomes, records at meetings, handovers at actions, consent at
    family members — and each must exist in the case."""
    plan = case.get("plan") if isinstance(case.get("plan"), dict) else {}
    outcomes = {o.get("id") for _, o in _dicts(_items(plan, "outcomes"))}
    actions = {a.get("id") for _, a in _dicts(_items(plan, "actions"))}
    meetings = {m.get("id") for _, m in _dicts(_items(case, "meetings"))}
    family = family_ids(case) | {"child"}
    for i, a in _dicts(_items(plan, "actions")):
        if "outcome" in a and a["outcome"] not in outcomes:
            yield Finding(("plan", "actions", i, "outcome"), ERROR, "unknown-outcome",
                          f"outcome '{a['outcome']}' is not in plan.outcomes")
    meeting_refs = [(("lead_professional", "meeting"), _get(case, "lead_professional", "meeting")),
                    (("plan", "meeting"), plan.get("meeting")),
                    (("unresolved_nomination", "meeting"),
                     _get(case, "unresolved_nomination", "meeting"))]
    for i, r in _dicts(_items(case, "reviews")):
        meeting_refs.append((("reviews", i, "meeting"), r.get("meeting")))
        for j, o in _dicts(r.get("outcome_progress") or []):
            if o.get("outcome") not in outcomes:
                yield Finding(("reviews", i, "outcome_progress", j, "outcome"), ERROR,
                              "unknown-outcome", f"outcome '{o.get('outcome')}' is not in plan.outcomes")
    handovers = {h.get("id") for _, h in _dicts(_items(case, "handovers"))}
    for i, h in _dicts(_items(case, "lead_professional_history")):
        meeting_refs.append((("lead_professional_history", i, "meeting"), h.get("meeting")))
        if h.get("handover") is not None and h["handover"] not in handovers:
            yield Finding(("lead_professional_history", i, "handover"), ERROR,
                          "unknown-handover", f"handover '{h['handover']}' is not in handovers")
    for path, mid in meeting_refs:
        if mid is not None and mid not in meetings:
            yield Finding(path, ERROR, "unknown-meeting", f"meeting '{mid}' is not in meetings")
    for i, h in _dicts(_items(case, "handovers")):
        for j, aid in enumerate(h.get("outstanding_actions") or []):
            if aid not in actions:
                yield Finding(("handovers", i, "outstanding_actions", j), ERROR,
                              "unknown-action", f"action '{aid}' is not in plan.actions")
    consent = case.get("consent") if isinstance(case.get("consent"), dict) else {}
    for j, who in enumerate(consent.get("given_by") or []):
        if who not in family:
            yield Finding(("consent", "given_by", j), ERROR, "unknown-family-member",
                          f"'{who}' is not a family member's ID in this case (or 'child')")
    by = _get(consent, "withdrawn", "by")
    if by is not None and by not in family:
        yield Finding(("consent", "withdrawn", "by"), ERROR, "unknown-family-member",
                      f"'{by}' is not a family member's ID in this case (or 'child')")


def lead_in_team(case, directory):
    """The lead professional is chosen from the practitioners already working with the child."""
    lead = current_lead(case)
    if lead and lead not in team_members(case):
        yield Finding(("lead_professional", "practitioner"), ERROR, "lead-not-in-team",
                      f"lead professional '{lead}' is not a current member of the team; "
                      "add them to 'team' or choose a team member")


def statutory_lead_rule(case, directory):
    """A statutory case is led by its named statutory practitioner; anyone else is an error."""
    required = statutory_lead(case)
    status = _get(case, "statutory", "status")
    if not required:
        return
    lead = current_lead(case)
    if lead and lead != required:
        yield Finding(("lead_professional", "practitioner"), ERROR, "statutory-lead",
                      f"the child is {STATUTORY_WORDS.get(status, status)}: the named "
                      f"statutory practitioner '{required}' must be the lead professional, "
                      f"not '{lead}'")
    if required not in team_members(case):
        yield Finding(("statutory", "practitioner"), WARNING, "statutory-not-in-team",
                      f"the named statutory practitioner '{required}' is not in the team")


def lead_professional_needed(case, directory):
    """An open case whose needs require an integrated response needs a lead professional."""
    if case.get("status") != "open" or current_lead(case):
        return
    if not needs_lead_professional(case):
        return
    if isinstance(case.get("unresolved_nomination"), dict):
        yield Finding(("unresolved_nomination",), WARNING, "nomination-unresolved",
                      "no lead professional: the meeting could not agree and the question is "
                      "escalated; record the outcome with 'lpcli nominate'")
        return
    path = ("statutory",) if statutory_lead(case) else ("assessment", "outcome")
    yield Finding(path, WARNING, "lead-professional-missing",
                  "the assessment found needs that require an integrated response, but the "
                  "case has no lead professional; nominate one at a multi-agency meeting")


def lead_professional_not_needed(case, directory):
    """No lead professional when there are no additional needs or one agency can meet them."""
    outcome = _get(case, "assessment", "outcome")
    if current_lead(case) and outcome in ("no_additional_needs", "single_agency") \
            and not statutory_lead(case) and case.get("status") == "open":
        why = ("found no additional needs" if outcome == "no_additional_needs"
               else "found needs that one practitioner or agency can meet")
        yield Finding(("lead_professional",), WARNING, "lead-professional-not-needed",
                      f"the assessment {why}: the guidance says no lead professional is "
                      "needed")


def integrated_means_several_agencies(case, directory):
    agencies = _get(case, "assessment", "agencies_needed")
    if _get(case, "assessment", "outcome") == "integrated_response" \
            and isinstance(agencies, list) and len(agencies) < 2:
        yield Finding(("assessment", "agencies_needed"), WARNING, "integrated-response",
                      "an integrated response involves more than one agency, but fewer than "
                      "two are listed")


def lead_agreements(case, directory):
    """Both the family and the practitioner's line manager must agree to the nomination."""
    lp = case.get("lead_professional")
    if not isinstance(lp, dict) or lp.get("agreement") == "statutory":
        return
    if lp.get("family_agreed") is False:
        yield Finding(("lead_professional", "family_agreed"), ERROR, "family-agreement",
                      "the family must agree to the lead professional")
    if lp.get("manager_agreed") is False:
        yield Finding(("lead_professional", "manager_agreed"), ERROR, "manager-agreement",
                      "the practitioner's line manager must agree to the role")


def dates_coherent(case, directory):
    """Dates follow the order of the process: nothing before the case opened, reviews in
    order and each setting a later next review at most three months on, closure with
    a date and reason, appointments after the assessment."""
    opened = as_date(case.get("opened"))
    plan = case.get("plan") if isinstance(case.get("plan"), dict) else {}

    def not_before_opened(path, value, what):
        d = as_date(value)
        if opened and d and d < opened:
            return Finding(path, ERROR, "date-order", f"{what} is before the case was opened")
        return None

    checks = [
        (("plan", "agreed"), plan.get("agreed"), "the plan's agreement date"),
        (("lead_professional", "since"), _get(case, "lead_professional", "since"),
         "the lead professional's start"),
        (("closure", "date"), _get(case, "closure", "date"), "the closure date"),
    ]
    for i, r in _dicts(_items(case, "reviews")):
        checks.append((("reviews", i, "date"), r.get("date"), "this review"))
    for i, h in _dicts(_items(case, "handovers")):
        checks.append((("handovers", i, "date"), h.get("date"), "this handover"))
    for i, m in _dicts(_items(case, "reopenings")):
        checks.append((("reopenings", i, "date"), m.get("date"), "this reopening"))
    for i, m in _dicts(_items(case, "meetings")):
        checks.append((("meetings", i, "date"), m.get("date"), "this meeting"))
    checks.append((("unresolved_nomination", "date"), _get(case, "unresolved_nomination", "date"),
                   "the unresolved nomination"))
    for path, value, what in checks:
        f = not_before_opened(path, value, what)
        if f:
            yield f

    assessed = as_date(_get(case, "assessment", "date"))
    if opened and assessed and assessed < opened:
        # Possible (an assessment done before the case reached this casebook), but usually
        # a typing slip: say so without refusing.
        yield Finding(("assessment", "date"), WARNING, "date-order",
                      "the assessment is dated before the case was opened")
    lp_since = as_date(_get(case, "lead_professional", "since"))
    if assessed and lp_since and lp_since < assessed:
        yield Finding(("lead_professional", "since"), ERROR, "date-order",
                      "the lead professional was appointed before the common assessment; "
                      "nomination follows the assessment")

    previous = None
    reviews = _dicts(_items(case, "reviews"))
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
            elif (nxt - d).days > MAX_REVIEW_GAP_DAYS:
                yield Finding(("reviews", i, "next_review"), WARNING, "review-interval",
                              "the next review is more than three months after this one; "
                              "the guidance says reviews are never more than three months apart")
        previous = d or previous

    for i, m in _dicts(_items(case, "team")):
        since, until = as_date(m.get("since")), as_date(m.get("until"))
        if since and until and until < since:
            yield Finding(("team", i, "until"), ERROR, "date-order",
                          "'until' is before 'since'")
    for i, m in _dicts(_items(case, "lead_professional_history")):
        since, until = as_date(m.get("since")), as_date(m.get("until"))
        if since and until and until < since:
            yield Finding(("lead_professional_history", i, "until"), ERROR, "date-order",
                          "'until' is before 'since'")
    consent = case.get("consent") if isinstance(case.get("consent"), dict) else {}
    given, withdrawn = as_date(consent.get("date")), as_date(_get(consent, "withdrawn", "date"))
    if given and withdrawn and withdrawn < given:
        yield Finding(("consent", "withdrawn", "date"), ERROR, "date-order",
                      "consent is withdrawn before it was given")


def closed_case_consistency(case, directory):
    if case.get("status") == "closed" and current_lead(case):
        yield Finding(("lead_professional",), WARNING, "closed-with-lead",
                      "a closed case has no current lead professional; "
                      "move the appointment to lead_professional_history")
    if isinstance(case.get("unresolved_nomination"), dict) and current_lead(case):
        yield Finding(("unresolved_nomination",), WARNING, "nomination-unresolved",
                      "an unresolved nomination is recorded but a lead professional is in place; "
                      "remove 'unresolved_nomination'")


CASE_RULES = (
    known_practitioners,
    unique_ids,
    action_owners,
    references,
    lead_in_team,
    statutory_lead_rule,
    lead_professional_needed,
    lead_professional_not_needed,
    integrated_means_several_agencies,
    lead_agreements,
    dates_coherent,
    closed_case_consistency,
)


def check_case(case: dict, directory) -> list[Finding]:
    """Every rule's findings for one case (``directory`` None: practitioners unknown)."""
    findings = []
    for rule in CASE_RULES:
        findings.extend(rule(case, directory))
    return findings


def check_practitioners(data: dict) -> list[Finding]:
    findings = []
    items = data.get("practitioners") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return findings
    seen = {}
    ids = {p.get("id") for p in items if isinstance(p, dict)}
    for i, p in _dicts(items):
        pid = p.get("id")
        if pid in seen:
            findings.append(Finding(("practitioners", i, "id"), ERROR, "duplicate-id",
                                    f"practitioner ID '{pid}' is used twice "
                                    f"(first as item {seen[pid]})"))
        else:
            seen[pid] = i
        mgr = _get(p, "line_manager", "practitioner")
        if mgr is not None and mgr not in ids:
            findings.append(Finding(("practitioners", i, "line_manager", "practitioner"),
                                    WARNING, "unknown-practitioner",
                                    f"line manager '{mgr}' is not in practitioners.yaml"))
    return findings
