"""Rules about the lead professional: who may lead (a team member; for a statutory case the
named practitioner), when one is needed and when not, and the agreements a nomination
needs."""

from __future__ import annotations

from lpcli.check.facts import (
    current_lead,
    get,
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
