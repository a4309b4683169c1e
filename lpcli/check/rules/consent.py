"""Rules about consent: a withdrawal is a state that needs a decision, and information
shared without consent is an exception that stays visible."""

from __future__ import annotations

from lpcli.check.facts import consent_decision_pending, dicts, items
from lpcli.check.rules.finding import Finding
from lpcli.core.diagnostics import WARNING


def consent_withdrawn_needs_decision(case, directory):
    """Withdrawn consent usually ends multi-agency early help: the case is closed, or steps
    up to social care where there is risk. Until then it is reported."""
    withdrawn = consent_decision_pending(case)
    if withdrawn is not None:
        yield Finding(("consent", "withdrawn"), WARNING, "consent-withdrawn",
                      f"the family withdrew consent on {withdrawn.isoformat()} and the case is "
                      f"still open: close it (lpcli close {case.get('id')} --reason "
                      "consent_withdrawn ...) or, where a child is at risk, step up (lpcli "
                      "handover ... --transition step_up --without-consent ...)")


def shared_without_consent(case, directory):
    """A safeguarding exception to consent is recorded, and stays in sight."""
    for i, h in dicts(items(case, "handovers")):
        exception = h.get("safeguarding")
        if isinstance(exception, dict):
            told = "was told" if exception.get("family_told") else "was not told"
            yield Finding(("handovers", i, "safeguarding"), WARNING, "shared-without-consent",
                          f"handover {h.get('id')} shared information without the family's "
                          f"consent ({exception.get('ground', '').replace('_', ' ')}); the "
                          f"family {told}")
