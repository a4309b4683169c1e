"""Rules about what a case refers to: practitioners in the directory, unique IDs, action
owners, and references to outcomes, meetings, actions, handovers and family members that
must exist in the case."""

from __future__ import annotations

from lpcli.check.facts import dicts, family_ids, get, items
from lpcli.check.rules.finding import Finding
from lpcli.core.diagnostics import ERROR, WARNING


def known_practitioners(case, directory):
    """Every practitioner ID in a case must be in practitioners.yaml."""
    if directory is None:
        return
    refs = [
        (("opened_by",), case.get("opened_by")),
        (("consent", "recorded_by"), get(case, "consent", "recorded_by")),
        (("assessment", "assessor"), get(case, "assessment", "assessor")),
        (("statutory", "practitioner"), get(case, "statutory", "practitioner")),
        (("lead_professional", "practitioner"), get(case, "lead_professional", "practitioner")),
        (("closure", "closed_by"), get(case, "closure", "closed_by")),
        (("family_wishes", "preferred_lead"), get(case, "family_wishes", "preferred_lead")),
    ]
    for i, m in dicts(items(case, "team")):
        refs.append((("team", i, "practitioner"), m.get("practitioner")))
    for i, a in dicts(items(case, "assessment_history")):
        refs.append((("assessment_history", i, "assessor"), a.get("assessor")))
    for i, m in dicts(items(case, "lead_professional_history")):
        refs.append((("lead_professional_history", i, "practitioner"), m.get("practitioner")))
    for i, m in dicts(items(case, "meetings")):
        for j, a in enumerate(m.get("attendees") or []):
            refs.append((("meetings", i, "attendees", j), a))
    for i, h in dicts(items(case, "handovers")):
        refs.append((("handovers", i, "from"), h.get("from")))
        refs.append((("handovers", i, "to"), h.get("to")))
    for path, pid in refs:
        if isinstance(pid, str) and pid not in directory:
            yield Finding(path, ERROR, "unknown-practitioner",
                          f"practitioner '{pid}' is not in practitioners.yaml")


def unique_ids(case, directory):
    """Family members, meetings, outcomes, actions and handovers each need a unique ID."""
    groups = [
        ("family", items(case, "family")),
        ("meetings", items(case, "meetings")),
        ("handovers", items(case, "handovers")),
        ("plan.outcomes", items(case.get("plan") or {}, "outcomes")),
        ("plan.actions", items(case.get("plan") or {}, "actions")),
    ]
    for name, seq in groups:
        seen = {}
        prefix = tuple(name.split("."))
        for i, item in dicts(seq):
            key = item.get("id")
            if key is None:
                continue
            if key in seen:
                yield Finding(prefix + (i, "id"), ERROR, "duplicate-id",
                              f"ID '{key}' is used twice in {name} (first as item {seen[key]})")
            else:
                seen[key] = i
    if directory is not None:
        for i, m in dicts(items(case, "family")):
            if m.get("id") in directory:
                yield Finding(("family", i, "id"), WARNING, "ambiguous-id",
                              f"family ID '{m.get('id')}' is also a practitioner ID; "
                              "choose another so action owners are unambiguous")


def action_owners(case, directory):
    """Each action has one owner: a practitioner, a member of the family, or the child."""
    family = family_ids(case) | {"child"}
    for i, a in dicts(items(case.get("plan") or {}, "actions")):
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
    outcomes = {o.get("id") for _, o in dicts(items(plan, "outcomes"))}
    actions = {a.get("id") for _, a in dicts(items(plan, "actions"))}
    meetings = {m.get("id") for _, m in dicts(items(case, "meetings"))}
    family = family_ids(case) | {"child"}
    for i, a in dicts(items(plan, "actions")):
        if "outcome" in a and a["outcome"] not in outcomes:
            yield Finding(("plan", "actions", i, "outcome"), ERROR, "unknown-outcome",
                          f"outcome '{a['outcome']}' is not in plan.outcomes")
    meeting_refs = [(("lead_professional", "meeting"), get(case, "lead_professional", "meeting")),
                    (("plan", "meeting"), plan.get("meeting")),
                    (("unresolved_nomination", "meeting"),
                     get(case, "unresolved_nomination", "meeting"))]
    for i, r in dicts(items(case, "reviews")):
        meeting_refs.append((("reviews", i, "meeting"), r.get("meeting")))
        for j, o in dicts(r.get("outcome_progress") or []):
            if o.get("outcome") not in outcomes:
                yield Finding(("reviews", i, "outcome_progress", j, "outcome"), ERROR,
                              "unknown-outcome", f"outcome '{o.get('outcome')}' is not in plan.outcomes")
    handovers = {h.get("id") for _, h in dicts(items(case, "handovers"))}
    for i, h in dicts(items(case, "lead_professional_history")):
        meeting_refs.append((("lead_professional_history", i, "meeting"), h.get("meeting")))
        if h.get("handover") is not None and h["handover"] not in handovers:
            yield Finding(("lead_professional_history", i, "handover"), ERROR,
                          "unknown-handover", f"handover '{h['handover']}' is not in handovers")
    for path, mid in meeting_refs:
        if mid is not None and mid not in meetings:
            yield Finding(path, ERROR, "unknown-meeting", f"meeting '{mid}' is not in meetings")
    for i, h in dicts(items(case, "handovers")):
        for j, aid in enumerate(h.get("outstanding_actions") or []):
            if aid not in actions:
                yield Finding(("handovers", i, "outstanding_actions", j), ERROR,
                              "unknown-action", f"action '{aid}' is not in plan.actions")
    consent = case.get("consent") if isinstance(case.get("consent"), dict) else {}
    for j, who in enumerate(consent.get("given_by") or []):
        if who not in family:
            yield Finding(("consent", "given_by", j), ERROR, "unknown-family-member",
                          f"'{who}' is not a family member's ID in this case (or 'child')")
    by = get(consent, "withdrawn", "by")
    if by is not None and by not in family:
        yield Finding(("consent", "withdrawn", "by"), ERROR, "unknown-family-member",
                      f"'{by}' is not a family member's ID in this case (or 'child')")


def meeting_family_attendees(case, directory):
    """A meeting's family attendees are members of this child's family, or the child (the
    'meeting' command refuses anyone else, by the same rule name)."""
    family = family_ids(case) | {"child"}
    for i, m in dicts(items(case, "meetings")):
        for j, who in enumerate(m.get("family_attendees") or []):
            if who not in family:
                yield Finding(("meetings", i, "family_attendees", j), ERROR,
                              "unknown-family-member", f"'{who}' is not a family member's ID "
                              "in this case (or 'child')")


def links_make_sense(case, directory):
    """A case is not linked to itself, and to another case once (one relationship each).
    Whether the other case exists and links back is a question about the whole casebook:
    'lpcli validate' asks it of every case at once (casebook/links.py)."""
    seen = set()
    for i, link in dicts(items(case, "links")):
        other = link.get("case")
        if other == case.get("id"):
            yield Finding(("links", i, "case"), ERROR, "link-to-itself",
                          "a case cannot be linked to itself")
        elif other in seen:
            yield Finding(("links", i, "case"), ERROR, "duplicate-link",
                          f"{other} is linked more than once; keep one relationship")
        seen.add(other)
