"""One-line summaries of cases, for ``lpcli list``."""

from __future__ import annotations

from lpcli.check import facts
from lpcli.check.facts import next_review_due


def summarise(case: dict, settings: dict) -> dict:
    """The fields scripts rely on (see README: ``list --format json``). No personal data
    except under ``child_name``, which callers add only when asked (``--names``)."""
    due = next_review_due(case, settings)
    lead = facts.current_lead(case)
    return {
        "id": case.get("id"),
        "status": case.get("status"),
        "lead_professional": lead,
        "lead_professional_required": facts.needs_lead_professional(case),
        "nomination_unresolved": isinstance(case.get("unresolved_nomination"), dict)
        and not lead,
        "statutory_status": (case.get("statutory") or {}).get("status", "none")
        if isinstance(case.get("statutory"), dict) else "none",
        "next_review_due": due.isoformat() if due else None,
        "opened": case.get("opened"),
    }


def child_name(case: dict) -> str:
    child = case.get("child") if isinstance(case.get("child"), dict) else {}
    return " ".join(str(x) for x in (child.get("given_name"), child.get("family_name")) if x)


def rows(cases, settings: dict, *, status: str = "open", lead: str | None = None,
         names: bool = False) -> list[dict]:
    """A summary of each case with this status ('all' for any) and lead professional; the
    child's name only with ``names``."""
    out = []
    for _, data in cases:
        row = summarise(data, settings)
        if status != "all" and row["status"] != status:
            continue
        if lead and row["lead_professional"] != lead:
            continue
        if names:
            row["child_name"] = child_name(data)
        out.append(row)
    return out
