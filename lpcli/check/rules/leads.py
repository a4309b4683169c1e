"""Rules about the lead professional: who may lead (a team member; for a statutory case the
named practitioner), when one is needed and when not, and the agreements a nomination
needs."""

from __future__ import annotations

from lpcli.check.facts import (
    current_lead,
    dicts,
    get,
    has_left,
    items,
    missing_from_meeting,
    needs_lead_professional,
    statutory_lead,
    team_members,
)
from lpcli.check.rules.finding import Finding
from lpcli.core.diagnostics import ERROR, WARNING
from lpcli.core.vocabulary import STATUTORY_WORDS


def lead_in_team(case, directory):
    """The lead professional is chosen from the practitioners already working with the child."""
    lead = current_lead(case)
    if lead and lead not in team_members(case):
        yield Finding(("lead_professional", "practitioner"), ERROR, "lead-not-in-team",
                      f"lead professional '{lead}' is not a current member of the team; add "
                      f"them (lpcli team add {case.get('id')} {lead}) or choose a team member")


def statutory_lead_rule(case, directory):
    """A statutory case is led by its named statutory practitioner; anyone else is an error."""
    required = statutory_lead(case)
    status = get(case, "statutory", "status")
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
    outcome = get(case, "assessment", "outcome")
    if current_lead(case) and outcome in ("no_additional_needs", "single_agency") \
            and not statutory_lead(case) and case.get("status") == "open":
        why = ("found no additional needs" if outcome == "no_additional_needs"
               else "found needs that one practitioner or agency can meet")
        yield Finding(("lead_professional",), WARNING, "lead-professional-not-needed",
                      f"the assessment {why}: the guidance says no lead professional is "
                      "needed")


def integrated_means_several_agencies(case, directory):
    agencies = get(case, "assessment", "agencies_needed")
    if get(case, "assessment", "outcome") == "integrated_response" \
            and isinstance(agencies, list) and len(agencies) < 2:
        yield Finding(("assessment", "agencies_needed"), WARNING, "integrated-response",
                      "an integrated response involves more than one agency, but fewer than "
                      "two are listed")


def lead_agreements(case, directory):
    """A nominated lead needs the family's and their line manager's agreement. A statutory
    lead is named, and the family informed; a lead who took over under a recorded
    safeguarding exception (consent set aside) cannot have needed the family's agreement."""
    lp = case.get("lead_professional")
    if not isinstance(lp, dict):
        return
    if lp.get("agreement") == "statutory":
        # (an older record saying the family agreed says they were told, too)
        if lp.get("family_informed") is not True and lp.get("family_agreed") is not True \
                and not _taken_over_by_exception(case, lp):
            yield Finding(("lead_professional",), ERROR, "family-informed",
                          "the family must be told who the statutory lead is "
                          "(family_informed: true)")
        return
    if lp.get("family_agreed") is not True and not _taken_over_by_exception(case, lp):
        yield Finding(("lead_professional", "family_agreed"), ERROR, "family-agreement",
                      "the family must agree to the lead professional")
    if lp.get("manager_agreed") is not True:
        yield Finding(("lead_professional", "manager_agreed"), ERROR, "manager-agreement",
                      "the practitioner's line manager must agree to the role")


def _taken_over_by_exception(case, lp) -> bool:
    handovers = [h for h in case.get("handovers") or [] if isinstance(h, dict)]
    return bool(handovers) and handovers[-1].get("to") == lp.get("practitioner") \
        and isinstance(handovers[-1].get("safeguarding"), dict)


def closed_case_consistency(case, directory):
    if case.get("status") == "closed" and current_lead(case):
        yield Finding(("lead_professional",), WARNING, "closed-with-lead",
                      "a closed case has no current lead professional; "
                      "move the appointment to lead_professional_history")
    if isinstance(case.get("unresolved_nomination"), dict) and current_lead(case):
        yield Finding(("unresolved_nomination",), WARNING, "nomination-unresolved",
                      "an unresolved nomination is recorded but a lead professional is in place; "
                      "remove 'unresolved_nomination'")


def lead_not_left(case, directory):
    """Cases must never sit with someone who has left (guidance): an open case whose lead
    professional is marked as left in practitioners.yaml needs a handover. (Whether a lead
    is away is a matter of dates, so 'overdue' reports it: validate never reads the clock.)"""
    lead = current_lead(case)
    if case.get("status") != "open" or not lead or not _left(directory, lead):
        return
    cid = case.get("id")
    first = (f"record the new named statutory practitioner (lpcli edit {cid}), then "
             if statutory_lead(case) == lead else "")
    yield Finding(("lead_professional", "practitioner"), WARNING, "lead-left",
                  f"the lead professional '{lead}' has left (practitioners.yaml); {first}hand "
                  f"the case over: lpcli handover {cid} NEW_LEAD --transition lp_leaving_post "
                  "...")


def statutory_practitioner_not_left(case, directory):
    """The named statutory practitioner of an open statutory case is someone still here.
    (When they also lead, 'lead-left' says it once.)"""
    named = statutory_lead(case)
    if case.get("status") != "open" or not named or named == current_lead(case) \
            or not _left(directory, named):
        return
    yield Finding(("statutory", "practitioner"), WARNING, "statutory-practitioner-left",
                  f"the named statutory practitioner '{named}' has left (practitioners.yaml); "
                  f"record who now holds the role (lpcli edit {case.get('id')})")


def _left(directory, pid) -> bool:
    person = directory.get(pid) if directory is not None else None
    return person is not None and has_left(person.data)


def presence_recorded(case, directory):
    """A lead who agreed by being present at the meeting is among its attendees, when the
    meeting lists any (the commands check the same, workflow/meetings.check_presence)."""
    meetings = {m.get("id"): m for _, m in dicts(items(case, "meetings"))}
    appointments = [(("lead_professional",), case.get("lead_professional"))]
    appointments += [(("lead_professional_history", i), a)
                     for i, a in dicts(items(case, "lead_professional_history"))]
    for path, lp in appointments:
        if not isinstance(lp, dict) or lp.get("agreement") != "present":
            continue
        meeting = meetings.get(lp.get("meeting"))
        if missing_from_meeting((meeting or {}).get("attendees"), lp.get("practitioner")):
            yield Finding(path + ("agreement",), ERROR, "presence-not-recorded",
                          f"'{lp.get('practitioner')}' is recorded as present at meeting "
                          f"{lp.get('meeting')}, but is not among its attendees; add them to "
                          "the meeting's attendees or, if they agreed beforehand, say so "
                          "(agreement: agreed_beforehand)")
