"""The family and carers of a child: who they are, how to reach them, who holds parental
responsibility. Their IDs are used as action owners, as the people who gave consent and as
meeting attendees, so a member still referred to cannot be removed."""

from __future__ import annotations

import datetime as dt
import re

from lpcli.casebook import records
from lpcli.casebook.book import Casebook
from lpcli.check import facts
from lpcli.workflow.common import (
    Refusals,
    case_list,
    check_event_date,
    refuse,
    require_open,
)

# What can be set on a family member, as the schema names it.
FIELDS = ("name", "relationship", "parental_responsibility", "lives_with_child", "phone",
          "email", "language", "interpreter_needed")
RESERVED = ("child",)  # means the child wherever a family member's ID is accepted
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


def new_member_id(relationship: str, taken: set[str]) -> str:
    """An ID from the relationship ('mother', 'foster-carer', 'mother-2'): short, readable
    in an action's owner, and never a name (a relationship is not one)."""
    base = re.sub(r"[^a-z0-9]+", "-", relationship.casefold()).strip("-")[:24] or "member"
    if not base[0].isalnum():
        base = "member"
    candidate, n = base, 1
    while candidate in taken or candidate in RESERVED:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def references(data: dict, member: str) -> list[str]:
    """Where a family member's ID is used in the case (the places, never values)."""
    found = []
    consent = data.get("consent") or {}
    if member in (consent.get("given_by") or []):
        found.append("consent (given by)")
    if (consent.get("withdrawn") or {}).get("by") == member:
        found.append("consent (withdrawn by)")
    for a in (data.get("plan") or {}).get("actions") or []:
        if a.get("owner") == member:
            found.append(f"action {a.get('id')} (owner)")
    for m in data.get("meetings") or []:
        if member in (m.get("family_attendees") or []):
            found.append(f"meeting {m.get('id')} (attended)")
    for i, r in enumerate(data.get("reviews") or [], 1):
        if member in (r.get("attendees") or []):
            found.append(f"review {i} (attended)")
    return found


def _set_fields(entry, fields: dict) -> None:
    for key in FIELDS:
        if key in fields and fields[key] is not None:
            entry[key] = fields[key]


def add_member(casebook: Casebook, case_id: str, fields: dict, *, member_id: str | None = None,
               date: dt.date | None = None, author: str | None = None):
    """Add a family member or carer; returns (written, their ID)."""
    chosen = {}
    directory = casebook.directory

    def change(doc, ctx):
        data = ctx.data
        require_open(data, "adding a family member", case_id)
        refusals = Refusals("adding a family member")
        check_event_date(refusals, data, date or ctx.today, ctx.today)
        taken = facts.family_ids(data) | set(directory.by_id)
        mid = member_id or new_member_id(fields.get("relationship") or "", taken)
        if not _ID.match(mid) or mid in RESERVED:
            refusals.add("member-id", "a family member's ID is letters, digits, '-' and '_' "
                         "(up to 32), and not 'child'")
        elif mid in facts.family_ids(data):
            refusals.add("duplicate-id", f"'{mid}' is already a family member of {case_id}")
        elif mid in directory:
            refusals.add("ambiguous-id", f"'{mid}' is a practitioner ID; choose another "
                         "(--id) so action owners are unambiguous")
        for key in ("name", "relationship"):
            if not (fields.get(key) or "").strip():
                refusals.add("missing", f"the family member's {key} is required (--{key})")
        refusals.raise_if_any()
        entry = {"id": mid}
        _set_fields(entry, fields)
        case_list(doc, "family").append(entry)
        chosen["id"] = mid
        ctx.event(doc, "family_member_added", date or ctx.today, f"family member {mid}")
        return "family member added"

    written = records.update_case(casebook, case_id, change, author=author)
    return written, chosen["id"]


def update_member(casebook: Casebook, case_id: str, member_id: str, fields: dict, *,
                  date: dt.date | None = None, author: str | None = None):
    """Change what is recorded about a family member (only the fields given)."""

    def change(doc, ctx):
        data = ctx.data
        require_open(data, "updating a family member", case_id)
        entry = _member(doc, member_id, case_id, "updating a family member")
        if not any(fields.get(k) is not None for k in FIELDS):
            refuse("updating a family member", "nothing-to-change",
                   "give at least one detail to change (see 'lpcli family update --help')")
        _set_fields(entry, fields)
        ctx.event(doc, "family_member_updated", date or ctx.today, f"family member {member_id}")
        return "family member updated"

    return records.update_case(casebook, case_id, change, author=author)


def remove_member(casebook: Casebook, case_id: str, member_id: str, *,
                  date: dt.date | None = None, author: str | None = None):
    """Remove a family member recorded in error; refused while the case refers to them."""

    def change(doc, ctx):
        data = ctx.data
        require_open(data, "removing a family member", case_id)
        _member(doc, member_id, case_id, "removing a family member")
        used = references(data, member_id)
        if used:
            refuse("removing a family member", "member-referenced",
                   f"{member_id} is referred to in {', '.join(used)}; a record that names "
                   "them must keep them", hint=f"change their details instead: lpcli family "
                   f"update {case_id} {member_id} ...")
        family = doc["family"]
        family.pop(next(i for i, m in enumerate(family) if m.get("id") == member_id))
        if not family:
            del doc["family"]
        ctx.event(doc, "family_member_removed", date or ctx.today, f"family member {member_id}")
        return "family member removed"

    return records.update_case(casebook, case_id, change, author=author)


def _member(doc, member_id: str, case_id: str, what: str):
    for entry in doc.get("family") or []:
        if entry.get("id") == member_id:
            return entry
    refuse(what, "unknown-family-member", f"{case_id} has no family member with that ID",
           hint=f"see the IDs with: lpcli show {case_id} (family), or add one: lpcli family "
                f"add {case_id} --name NAME --relationship RELATIONSHIP")
