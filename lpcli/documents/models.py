"""View models: a case turned into what a document shows.

Labels in the chosen language's words (``catalogue``), names resolved from the directory,
dates as ``datetime.date``, and consent applied: what the receiving agency may not have is
never in the model, so no template (not even a casebook's own) can print it.
"""

from __future__ import annotations

import datetime as dt

from lpcli.casebook.book import Casebook
from lpcli.check import facts
from lpcli.check.facts import consent_allows, first_review_due, last_review
from lpcli.core.errors import EnvironmentProblem
from lpcli.core.vocabulary import DOMAINS, OPEN_ACTION_STATUSES
from lpcli.documents.catalogue import Catalogue
from lpcli.documents.templates import logo

# How many of the soonest actions page 1 of the family's plan lists under "what happens next".
NEXT_STEPS = 3


def _d(value):
    return facts.as_date(value)


def _child(data, words: Catalogue) -> dict:
    child = data.get("child") or {}
    given, family = child.get("given_name", ""), child.get("family_name", "")
    return {"name": f"{given} {family}".strip(), "given_name": given, "family_name": family,
            "known_as": child.get("known_as") or given,
            "date_of_birth": _d(child.get("date_of_birth")),
            "expected_date": _d(child.get("expected_date")),
            "school": (child.get("school") or {}).get("name"),
            "year_group": (child.get("school") or {}).get("year_group"),
            "address": _address(child.get("address")),
            "languages": child.get("languages") or [],
            "disability_sen": _sen(child.get("disability_sen"), words)}


# The view model gives every optional field a value (None when absent), so that templates,
# which run with strict undefined variables, need no 'is defined' tests.
def _address(a):
    if not isinstance(a, dict):
        return None
    return {"lines": a.get("lines") or [], "postcode": a.get("postcode")}


def _sen(s, words: Catalogue):
    if not isinstance(s, dict):
        return None
    status = s.get("sen_status")
    return {"sen_status": status,
            "sen_status_label": words.label("sen_status", status) if status else None,
            "disability": s.get("disability"), "details": s.get("details")}


def _person(directory, pid, team_role=None) -> dict:
    p = directory.get(pid)
    if p is None:
        return {"id": pid, "name": pid, "role": team_role or "", "job_title": "",
                "agency": "", "agency_type": None, "phone": None, "email": None}
    return {"id": pid, "name": p.name, "role": team_role or p.data.get("role", ""),
            "job_title": p.data.get("role", ""), "agency": p.agency,
            "agency_type": p.agency_type, "phone": p.data.get("phone"),
            "email": p.data.get("email")}


def _owner(data, directory, owner, child, words: Catalogue) -> str:
    family = {m.get("id"): m for m in data.get("family") or [] if isinstance(m, dict)}
    if owner == "child":
        return child["known_as"]
    if owner in family:
        m = family[owner]
        return f"{m.get('name')} ({words.label('relationship', m.get('relationship'))})"
    p = directory.get(owner)
    return f"{p.name} ({p.data.get('role', '')})" if p else owner


def _needs(data, words: Catalogue, withheld=frozenset()) -> dict:
    """Strengths and worries by area, with the family's words where recorded."""
    domains = ((data.get("assessment") or {}).get("domains") or {})
    going_well, worries, by_domain = [], [], []
    for domain, elements in domains.items():
        if domain in withheld or not isinstance(elements, dict):
            continue
        rows = []
        for element, entry in elements.items():
            ref = f"{domain}.{element}"
            if ref in withheld or not isinstance(entry, dict):
                continue
            label = words.label("element", ref, element.replace("_", " ").capitalize())
            if entry.get("strengths"):
                going_well.append({"area": label, "text": entry["strengths"]})
            if entry.get("needs"):
                worries.append({"area": label, "text": entry["needs"],
                                "family_words": entry.get("family_words")})
            rows.append({"area": label, "strengths": entry.get("strengths"),
                         "needs": entry.get("needs"), "family_words": entry.get("family_words"),
                         "agency": entry.get("agency")})
        if rows:
            by_domain.append({"domain": words.label("domain", domain), "elements": rows})
    return {"going_well": going_well, "worries": worries, "by_domain": by_domain}


def _agency_words(refs, words: Catalogue) -> list[str]:
    return [words.label("agency_type", str(r)) for r in refs or []]


def _topic(topic, words: Catalogue) -> str:
    if topic in DOMAINS:
        return words.label("domain", topic)
    if "." in str(topic):
        return words.label("element", topic)
    return words.label("topic", topic)


def _plan(data, directory, child, today, words: Catalogue) -> dict:
    plan = data.get("plan") if isinstance(data.get("plan"), dict) else {}
    actions = []
    for a in plan.get("actions") or []:
        if not isinstance(a, dict):
            continue
        due = _d(a.get("due"))
        actions.append({"id": a.get("id"), "outcome": a.get("outcome"), "text": a.get("text"),
                        "owner": _owner(data, directory, a.get("owner"), child, words),
                        "owner_id": a.get("owner"), "due": due,
                        "status": a.get("status"),
                        "status_label": words.label("action_status", a.get("status")),
                        "open": a.get("status") in OPEN_ACTION_STATUSES,
                        "late": a.get("status") in OPEN_ACTION_STATUSES and due is not None
                        and due < today})
    outcomes = []
    for o in plan.get("outcomes") or []:
        if isinstance(o, dict):
            outcomes.append({"id": o.get("id"), "text": o.get("text"),
                             "measure": o.get("measure"),
                             "actions": [a for a in actions if a["outcome"] == o.get("id")]})
    loose = [a for a in actions if a["outcome"] not in {o["id"] for o in outcomes}]
    return {"exists": bool(plan), "agreed": _d(plan.get("agreed")), "outcomes": outcomes,
            "actions": actions, "other_actions": loose,
            "open_actions": [a for a in actions if a["open"]]}


def _review(r, directory, data, child, words: Catalogue) -> dict:
    satisfaction = r.get("family_satisfaction")
    return {"date": _d(r.get("date")), "progress": r.get("progress"),
            "changed_circumstances": r.get("changed_circumstances"),
            "plan_changes": r.get("plan_changes"), "family_view": r.get("family_view"),
            "child_view": r.get("child_view"),
            "practitioner_views": r.get("practitioner_views"),
            "signposting": r.get("signposting"), "exit_strategy": r.get("exit_strategy"),
            "family_satisfaction": words.data["labels"]["satisfaction"].get(satisfaction),
            "within_timescales": r.get("within_timescales"),
            "next_review": _d(r.get("next_review")),
            "attendees": [_owner(data, directory, x, child, words)
                          for x in r.get("attendees") or []]}


def next_meeting(data: dict, settings: dict, today: dt.date) -> dict:
    """When and where the next review meets, and what a document may say about it.

    ``state`` is one of: ``booked`` (a date set at the last review, or a first review date
    the plan sets), ``due_by`` (no date set: the first review's deadline), ``overdue`` (the
    date has passed: never printed as "next"), ``not_set``, ``no_plan``, ``closed``."""
    out = {"state": "not_set", "date": None, "time": None, "venue": None}
    if data.get("status") != "open":
        return dict(out, state="closed")
    plan = data.get("plan") if isinstance(data.get("plan"), dict) else None
    if plan is None:
        return dict(out, state="no_plan")
    last = last_review(data)
    if last is not None:
        when, time, venue = (_d(last.get("next_review")), last.get("next_review_time"),
                             last.get("next_review_venue"))
        booked = when is not None
    else:
        when, time, venue = (first_review_due(data, settings), plan.get("first_review_time"),
                             plan.get("first_review_venue"))
        booked = _d(plan.get("first_review")) is not None
    if when is None:
        return out
    if when < today:
        return dict(out, state="overdue", date=when)
    return {"state": "booked" if booked else "due_by", "date": when, "time": time,
            "venue": venue}


def _next_steps(plan: dict) -> list[dict]:
    """The open actions due soonest, late ones first: page 1's "what happens next"."""
    return sorted(plan["open_actions"],
                  key=lambda a: (a["due"] or dt.date.max, a["id"] or ""))[:NEXT_STEPS]


def _common(casebook: Casebook, data: dict, today: dt.date, words: Catalogue) -> dict:
    settings = casebook.settings
    directory = casebook.directory
    child = _child(data, words)
    lead_id = facts.current_lead(data)
    team = []
    for m in data.get("team") or []:
        if isinstance(m, dict) and not _d(m.get("until")) and m.get("practitioner") != lead_id:
            person = _person(directory, m.get("practitioner"), m.get("role"))
            if m.get("agency"):
                person["agency"] = m["agency"]
            team.append(person)
    lead = None
    if lead_id:
        role = next((m.get("role") for m in data.get("team") or []
                     if isinstance(m, dict) and m.get("practitioner") == lead_id), None)
        lead = _person(directory, lead_id, role)
    return {"case_id": data.get("id"), "agency": settings.get("agency", ""),
            "logo": logo(casebook), "printed_on": today, "child": child, "lead": lead,
            "team": team, "directory": directory,
            "next_review": next_meeting(data, settings, today)}


def _interim_contact(data, directory):
    """Who the family calls while no lead professional is agreed: the practitioner who opened
    the case, while they are still in post."""
    p = directory.get(data.get("opened_by"))
    if p is None or p.data.get("active") is False:
        return None
    return _person(directory, p.id)


def _consent(data, words: Catalogue) -> dict:
    consent = data.get("consent") if isinstance(data.get("consent"), dict) else {}
    return {"recorded": bool(consent), "date": _d(consent.get("date")),
            "share_with": _agency_words(consent.get("share_with"), words),
            "do_not_share_with": _agency_words(consent.get("do_not_share_with"), words),
            "withdrawn": _d((consent.get("withdrawn") or {}).get("date"))}


def plan_model(casebook: Casebook, case_id: str, today: dt.date, words: Catalogue) -> dict:
    data = casebook.read_case(case_id)
    model = _common(casebook, data, today, words)
    child = model.pop("child")
    directory = model.pop("directory")
    assessment = data.get("assessment") or {}
    last = last_review(data)
    plan = _plan(data, directory, child, today, words)
    lead = model["lead"]
    interim = None if lead else _interim_contact(data, directory)
    caller = lead or interim
    model.update({
        "child": child,
        "status": data.get("status"),
        "interim_contact": interim,
        # The name page 1's sentences give as the one who calls: the lead, else the interim
        # contact, else the agency.
        "caller": caller["name"] if caller else model["agency"],
        **_needs(data, words),
        "child_views": assessment.get("child_views"),
        "parent_views": assessment.get("parent_views"),
        "plan": plan,
        "next_steps": _next_steps(plan),
        "more_steps": len(plan["actions"]) > len(_next_steps(plan)),
        "last_review": _review(last, directory, data, child, words) if last else None,
        "consent": _consent(data, words),
    })
    return model


def _handover_record(data: dict, case_id: str, today: dt.date, to: str | None) -> dict:
    """The latest recorded handover, or a planned one to ``to`` as of ``today``."""
    if to:
        return {"date": today, "from": facts.current_lead(data), "to": to,
                "transition": "other", "planned": True,
                "outstanding_actions": facts.outstanding(data)}
    handovers = [h for h in data.get("handovers") or [] if isinstance(h, dict)]
    if not handovers:
        raise EnvironmentProblem(
            f"{case_id} has no handover recorded",
            hint=f"record it with 'lpcli handover {case_id} ...', or prepare the document for "
                 "a planned one with --to PRACTITIONER")
    record = dict(handovers[-1])
    record["date"] = _d(record.get("date"))
    return record


def _check_consent(data, record, agency, agency_type):
    ok, why = consent_allows(data, agency, agency_type)
    exception = record.get("safeguarding") if isinstance(record.get("safeguarding"), dict) \
        else None
    if not ok and exception is None:
        from lpcli.workflow.common import refuse

        refuse("the handover document", "consent",
               f"{why} ({agency or record.get('to')})",
               hint="nothing was written; check the case's consent with the family first, or, "
                    "where the guidance allows sharing without consent, record the handover "
                    "with the exception (lpcli handover ... --without-consent ...)")
    return exception


def _family(data, withheld, words: Catalogue) -> list[dict]:
    family = []
    for m in data.get("family") or []:
        if isinstance(m, dict):
            entry = {"name": m.get("name"), "relationship": m.get("relationship"),
                     "relationship_label": words.label("relationship", m.get("relationship")),
                     "parental_responsibility": m.get("parental_responsibility"),
                     "lives_with_child": m.get("lives_with_child"), "phone": None,
                     "email": None}
            if "family_contacts" not in withheld:
                entry.update(phone=m.get("phone"), email=m.get("email"))
            family.append(entry)
    return family


def handover_model(casebook: Casebook, case_id: str, today: dt.date, words: Catalogue,
                   to: str | None = None) -> dict:
    """The handover document's model for the latest handover (or a planned one ``to``)."""
    data = casebook.read_case(case_id)
    directory = casebook.directory
    record = _handover_record(data, case_id, today, to)
    receiver = directory.get(record.get("to"))
    agency = record.get("receiving_agency") or (receiver.agency if receiver else None)
    agency_type = receiver.agency_type if receiver else None
    exception = _check_consent(data, record, agency, agency_type)
    withheld = _withheld(data, agency, agency_type)
    model = _common(casebook, data, today, words)
    child = model.pop("child")
    model.pop("directory")
    if "address" in withheld:
        child["address"] = None
    if "disability_sen" in withheld:
        child["disability_sen"] = None
    statutory = data.get("statutory") if isinstance(data.get("statutory"), dict) else {}
    reviews = [] if "reviews" in withheld else [
        _review(r, directory, data, child, words) for r in data.get("reviews") or []
        if isinstance(r, dict)]
    assessment = data.get("assessment") or {}
    plan = _plan(data, directory, child, today, words)
    handing = _person(directory, record["from"]) if record.get("from") else None
    model.update({
        "child": child, "family": _family(data, withheld, words),
        "family_contacts_withheld": "family_contacts" in withheld,
        "statutory": {"status": words.label("statutory", statutory.get("status", "none")),
                      "since": _d(statutory.get("since")),
                      "practitioner": _person(directory, statutory["practitioner"])
                      if statutory.get("practitioner") else None},
        **_needs(data, words, withheld),
        "assessment_date": _d(assessment.get("date")),
        "child_views": None if "views" in withheld else assessment.get("child_views"),
        "parent_views": None if "views" in withheld else assessment.get("parent_views"),
        "plan": plan,
        # What the receiver takes on: every action still to do (those outstanding at the
        # handover and not settled since, and any added after it).
        "outstanding_actions": plan["open_actions"],
        "reviews": reviews,
        "handover": {"date": record.get("date"), "planned": bool(record.get("planned")),
                     "from": handing, "to": _person(directory, record.get("to")),
                     "receiving_agency": agency,
                     "transition": words.label("transition", record.get("transition"),
                                               words.label("transition", "other")),
                     "reason": record.get("reason"), "notes": record.get("notes")},
        "from_in_contacts": bool(handing) and handing["id"] not in
        {p["id"] for p in model["team"]} | {(model["lead"] or {}).get("id")},
        "withheld": [_topic(t, words) for t in sorted(withheld)],
        "sharing": _sharing(data, withheld, exception, record.get("date"), words),
        "linked": _linked(casebook, data, agency, agency_type, withheld, words),
    })
    return model


def _linked(casebook, data, agency, agency_type, withheld, words: Catalogue) -> list[dict]:
    """Linked cases (issue 15), by ID and relationship; the other child's name only where
    that child's own consent allows sharing with the receiving agency (and this family has
    not withheld its contacts): otherwise the ID alone."""
    from lpcli.core.errors import LpcliError

    out = []
    for link in data.get("links") or []:
        entry = {"case": link.get("case"), "name": None,
                 "relationship": words.label("link", link.get("relationship"),
                                                 words.label("link", "other"))}
        try:
            other = casebook.read_case(link.get("case"))
        except LpcliError:
            other = None  # not in this casebook, or a file with errors: the ID is enough
        if other and "family_contacts" not in withheld and \
                consent_allows(other, agency, agency_type)[0]:
            child = other.get("child") or {}
            entry["name"] = f"{child.get('given_name', '')} {child.get('family_name', '')}".strip()
        out.append(entry)
    return out


def _sharing(data, withheld, exception, when, words: Catalogue) -> dict:
    """What the receiving practitioner may pass on, and to whom: the family's consent as it
    stands, what is held back from them, and any recorded exception to consent."""
    out = dict(_consent(data, words), withheld=[_topic(t, words) for t in sorted(withheld)],
               exception=None)
    if exception:
        out["exception"] = {
            "ground": words.label("safeguarding", exception.get("ground")),
            "reason": exception.get("reason"), "authorised_by": exception.get("authorised_by"),
            "date": when, "family_told": exception.get("family_told"),
            "not_told_because": exception.get("not_told_because")}
    return out


def _withheld(data, agency, agency_type) -> set[str]:
    consent = data.get("consent") if isinstance(data.get("consent"), dict) else {}
    names = {x.casefold() for x in (agency, agency_type) if x}
    out = set()
    for w in consent.get("withhold") or []:
        if isinstance(w, dict) and str(w.get("agency", "")).casefold() in names:
            out.update(w.get("topics") or [])
    return out
