"""Linked cases (``lpcli link``): siblings (the team around the family), a child's earlier and
later episodes, and other links between cases.

A link is written in both cases, in one commit (``records.update_cases``): each case's
``links`` names the other case and what it is to this one. Links carry IDs only; what a
linked case holds stays in that case, under its own consent.
"""

from __future__ import annotations

import datetime as dt

from lpcli.casebook import records
from lpcli.casebook.book import Casebook
from lpcli.core.errors import CaseNotFound, EnvironmentProblem
from lpcli.files import roundtrip
from lpcli.workflow.common import Refusals, case_list, check_event_date

# What the other case is to each side, for each kind of link 'lpcli link CASE OTHER' makes
# (CASE is the new episode of OTHER: OTHER is CASE's previous episode).
SIDES = {"sibling": ("sibling", "sibling"),
         "new_episode": ("previous_episode", "next_episode"),
         "other": ("other", "other")}


def linked(data: dict) -> list[dict]:
    """The case's links, as ``{case, relationship}`` (IDs only)."""
    return [{"case": x.get("case"), "relationship": x.get("relationship")}
            for x in data.get("links") or [] if isinstance(x, dict)]


def _existing(data: dict, other: str):
    return next((x for x in data.get("links") or []
                 if isinstance(x, dict) and x.get("case") == other), None)


def _adder(case_id: str, other: str, relationship: str, when: dt.date | None, what: str):
    def change(doc, ctx):
        data = ctx.data
        refusals = Refusals("linking the cases")
        day = when or ctx.today
        check_event_date(refusals, data, day, ctx.today, "the date")
        current = _existing(data, other)
        if current is not None:
            refusals.add("already-linked",
                         f"{case_id} is already linked to {other} ({current.get('relationship')}); "
                         f"to change the relationship, remove the link first: lpcli link "
                         f"{case_id} {other} --remove")
        refusals.raise_if_any()
        case_list(doc, "links").append({"case": other, "relationship": relationship,
                                        "date": roundtrip.to_yaml_date(day)})
        ctx.event(doc, "linked", day, f"linked to {other} ({relationship})")
        return what
    return change


def _remover(case_id: str, other: str, what: str):
    def change(doc, ctx):
        links = doc.get("links") or []
        index = next((i for i, x in enumerate(links) if x.get("case") == other), None)
        if index is None:
            refusals = Refusals("removing the link")
            refusals.add("not-linked", f"{case_id} is not linked to {other}")
            refusals.raise_if_any()
        del links[index]
        if not links:
            del doc["links"]
        ctx.event(doc, "unlinked", ctx.today, f"link to {other} removed")
        return what
    return change


def new_episode_change(new_id: str, opened: dt.date):
    """For ``lpcli new --new-episode OLD``: the earlier case's side of the link, changed in
    the commit that opens the new case."""
    return _adder("", new_id, "next_episode", opened, "")


def link(casebook: Casebook, case_id: str, other: str, kind: str, *,
         when: dt.date | None = None, author: str | None = None):
    """Link two cases, both sides in one commit."""
    if case_id == other:
        raise EnvironmentProblem("a case cannot be linked to itself: give two different case IDs")
    for cid in (case_id, other):
        if not casebook.case_path(cid).exists():
            raise CaseNotFound(f"no case {cid} in this casebook",
                               hint="run 'lpcli find NAME' or 'lpcli list --status all'")
    mine, theirs = SIDES[kind]
    what = f"linked to {other} ({mine})"
    return records.update_cases(casebook, [
        (case_id, _adder(case_id, other, mine, when, what)),
        (other, _adder(other, case_id, theirs, when, what)),
    ], author=author)


def unlink(casebook: Casebook, case_id: str, other: str, *, author: str | None = None):
    """Remove the link from both cases in one commit; from this case alone when the other is
    no longer in the casebook (removed for good, say)."""
    what = f"link to {other} removed"
    changes = [(case_id, _remover(case_id, other, what))]
    if casebook.case_path(other).exists() and _existing(casebook.read_case(other), case_id):
        changes.append((other, _remover(other, case_id, what)))
    return records.update_cases(casebook, changes, author=author)
