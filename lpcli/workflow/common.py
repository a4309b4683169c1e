"""What every workflow command shares: collecting refusals, date and state guards, new IDs.

The workflow commands (``nominate``, ``reviews``, ``actions``, ``handover``, ``closure``)
check the guidance on the case's plain data, collect *every* failed rule, and refuse with all
of them at once; only when nothing failed do they change the round-trip document.
"""

from __future__ import annotations

import datetime as dt
import re

from lpcli.check.facts import as_date
from lpcli.core.errors import RuleViolation


class Refusals:
    """Failed rules, each as 'rule-name: message', reported together."""

    def __init__(self, what: str):
        self.what = what
        self.reasons: list[str] = []

    def add(self, rule: str, message: str) -> None:
        self.reasons.append(f"{rule}: {message}")

    def raise_if_any(self, hint: str | None = None) -> None:
        if self.reasons:
            raise RuleViolation(f"{self.what} refused; nothing was changed",
                                reasons=self.reasons, hint=hint)


def refuse(what: str, rule: str, message: str, hint: str | None = None):
    r = Refusals(what)
    r.add(rule, message)
    r.raise_if_any(hint)


def require_open(data: dict, what: str, case_id: str) -> None:
    """A closed case refuses every change but reopening."""
    if data.get("status") != "open":
        refuse(what, "case-closed", f"{case_id} is closed; a closed case can only be reopened",
               hint=f"reopen it first: lpcli reopen {case_id} --reason TEXT")


def check_event_date(refusals: Refusals, data: dict, when: dt.date, today: dt.date,
                     label: str = "the date") -> None:
    """An event cannot be in the future, nor before the case was opened."""
    if when > today:
        refusals.add("date-in-future", f"{label} ({when.isoformat()}) is in the future")
    opened = as_date(data.get("opened"))
    if opened and when < opened:
        refusals.add("date-before-opened",
                     f"{label} ({when.isoformat()}) is before the case was opened "
                     f"({opened.isoformat()})")


def next_id(items, prefix: str) -> str:
    """The next ID in a series such as M1, M2 ... (one past the highest number used)."""
    highest = 0
    for item in items or []:
        m = (re.fullmatch(rf"{prefix}(\d+)", str(item.get("id", "")))
             if hasattr(item, "get") else None)
        if m:
            highest = max(highest, int(m.group(1)))
    return f"{prefix}{highest + 1}"


def set_key(doc, key, value, after: tuple = ()):
    """Set ``doc[key]``; a new key goes after the last of ``after`` present, else at the end,
    so records keep the schema's reading order (lead professional before plan...)."""
    if key in doc:
        doc[key] = value
        return
    keys = list(doc.keys())
    anchor = max((keys.index(k) for k in after if k in doc), default=None)
    if anchor is None or not hasattr(doc, "insert"):
        doc[key] = value
    else:
        doc.insert(anchor + 1, key, value)


# The order of top-level keys in a case file, as the schema documents them.
CASE_ORDER = ("id", "status", "opened", "opened_by", "source", "child", "family",
              "family_wishes", "links", "consent", "consent_history", "assessment",
              "assessment_history", "statutory", "team", "meetings", "lead_professional",
              "lead_professional_history", "unresolved_nomination", "plan", "reviews",
              "handovers", "closure", "reopenings", "events")


def set_case_key(doc, key, value):
    before = CASE_ORDER[:CASE_ORDER.index(key)]
    set_key(doc, key, value, after=before)


def case_list(doc, key: str):
    """The top-level list ``doc[key]``, created in its schema place if missing."""
    if doc.get(key) is None:
        if key in doc:
            doc[key] = []
        else:
            set_case_key(doc, key, [])
    return doc[key]


def check_consent_not_withdrawn(refusals: Refusals, data: dict, case_id: str,
                                what: str) -> None:
    """Once the family has withdrawn consent, nothing new goes to other agencies: no new team
    member, no action for another agency, no multi-agency meeting or review. The case needs a
    decision instead, and the refusal says which ones the guidance allows."""
    withdrawn = (data.get("consent") or {}).get("withdrawn")
    if not isinstance(withdrawn, dict):
        return
    refusals.add("consent-withdrawn",
                 f"the family withdrew consent on {withdrawn.get('date')}, so {what} would "
                 "share information without it. Withdrawn consent usually ends multi-agency "
                 f"early help: close the case (lpcli close {case_id} --reason consent_withdrawn "
                 "--exit-strategy TEXT), or, where a child is at risk of significant harm, step "
                 f"up (lpcli handover {case_id} SOCIAL_WORKER --transition step_up "
                 "--without-consent ...)")


def load_prepared(path, part: tuple, *, what: str, example: str, command: str,
                  known_keys=None) -> dict:
    """A prepared record from ``--from-file``: one YAML mapping, read strictly and checked
    against its part of the case schema before anything uses it. Required keys may be left
    out (the command fills them in or asks); anything else wrong is refused with its place.
    """
    from lpcli.check import schema
    from lpcli.core.diagnostics import format_path
    from lpcli.core.errors import EnvironmentProblem
    from lpcli.files.loader import load_file

    loaded = load_file(path)
    if loaded.problems:
        p = loaded.problems[0]
        raise EnvironmentProblem(f"{path}:{p.line}:{p.column}: {p.message}")
    if not isinstance(loaded.data, dict):
        raise EnvironmentProblem(f"{path} must hold one mapping of {what} fields",
                                 hint=f"for example: {example}")
    unknown = sorted(set(loaded.data) - set(known_keys)) if known_keys else []
    if unknown:
        raise EnvironmentProblem(f"{path}: unknown {what} field(s): {', '.join(unknown)}",
                                 hint="fields: " + ", ".join(known_keys))
    for where, _, message in schema.part_messages("case", part, loaded.data):
        if where:  # a missing required key is for the command to fill in
            line, column = loaded.locate(where)
            raise EnvironmentProblem(f"{path}:{line}:{column}: {format_path(where)}: {message}",
                                     hint=f"see 'lpcli {command} --help' for the fields")
    return loaded.data
