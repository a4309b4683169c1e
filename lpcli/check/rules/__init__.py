"""The rules of the lead professional guidance, as checks over one case.

The schema says what a record may look like; these rules say what the guidance allows, across
fields and files (``../shared/domain.md``). Each rule is a small generator named for what it
enforces (``statutory_lead_rule`` in ``leads.py``, ``reviews_in_order`` in ``timeline.py``...),
yielding ``Finding``s with a path into the case; the checker turns paths into line and
column. The facts the rules stand on (``check/facts.py``: ``statutory_lead``,
``needs_lead_professional``...) are the ones the commands use, so a command and ``validate``
never disagree.

Rules only ever see data that passed the schema (``check/gate.py``). Messages name keys,
IDs and dates' roles, never the values of personal fields.
"""

from __future__ import annotations

from lpcli.check.rules import consent, leads, references, timeline
from lpcli.check.rules.finding import Finding
from lpcli.check.rules.practitioners import check_practitioners

CASE_RULES = (
    references.known_practitioners,
    references.unique_ids,
    references.action_owners,
    references.references,
    references.meeting_family_attendees,
    references.links_make_sense,
    leads.lead_in_team,
    leads.statutory_lead_rule,
    leads.lead_professional_needed,
    leads.lead_professional_not_needed,
    leads.integrated_means_several_agencies,
    leads.lead_agreements,
    leads.presence_recorded,
    leads.lead_not_left,
    leads.statutory_practitioner_not_left,
    timeline.nothing_before_opening,
    timeline.assessment_before_lead,
    timeline.assessments_in_order,
    timeline.reviews_in_order,
    timeline.periods_in_order,
    leads.closed_case_consistency,
    consent.consent_withdrawn_needs_decision,
    consent.shared_without_consent,
)


def check_case(case: dict, directory) -> list[Finding]:
    """Every rule's findings for one case (``directory`` None: practitioners unknown)."""
    findings = []
    for rule in CASE_RULES:
        findings.extend(rule(case, directory))
    return findings


__all__ = ["CASE_RULES", "Finding", "check_case", "check_practitioners"]
