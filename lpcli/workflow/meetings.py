"""Multi-agency meetings: the team around the child or family, reviews, handovers.

A meeting is recorded once, by whoever holds the record, with the practitioners and family
members present; what it decided (a lead professional, an escalation, a handover) then
refers to it. So a nomination or a handover made for a date that already has a meeting uses
that meeting instead of inventing a second, empty one, and "present" is checked against who
was recorded there.
"""

from __future__ import annotations

import datetime as dt

from lpcli.casebook import records
from lpcli.casebook.book import Casebook
from lpcli.check import facts
from lpcli.files import roundtrip
from lpcli.workflow.common import (
    Refusals,
    case_list,
    check_consent_not_withdrawn,
    check_event_date,
    next_id,
    require_open,
)
from lpcli.workflow.consent import unknown_members


def on_date(data: dict, day: dt.date) -> dict | None:
    """The meeting recorded on ``day`` (the latest, if there were several)."""
    found = [m for m in data.get("meetings") or [] if facts.as_date(m.get("date")) == day]
    return found[-1] if found else None


def check_presence(refusals: Refusals, meeting: dict | None, pid: str,
                   presence: str | None, attendees=()) -> None:
    """'Present' means recorded among the meeting's attendees, when any are recorded."""
    if presence != "present":
        return
    listed = set((meeting or {}).get("attendees") or []) | set(attendees)
    if facts.missing_from_meeting(listed, pid):
        where = f"meeting {meeting['id']}" if meeting else "the meeting"
        refusals.add("presence-not-recorded",
                     f"{pid} is not among the attendees of {where}; add them (--attendee "
                     f"{pid}) or, if they agreed beforehand, say so (--agreed-beforehand)")


def use_or_record(doc, data: dict, day: dt.date, *, kind: str, outcome: str,
                  venue: str | None = None, attendees=(), escalated_to: str | None = None) -> str:
    """The ID of the meeting on ``day`` (recorded with 'lpcli meeting'), given the outcome
    and any further attendees; or a new meeting if there was none."""
    existing = on_date(data, day)
    if existing is None:
        mid = next_id(data.get("meetings"), "M")
        entry = {"id": mid, "date": roundtrip.to_yaml_date(day), "kind": kind}
        if venue:
            entry["venue"] = venue
        if attendees:
            entry["attendees"] = roundtrip.flow_list(dict.fromkeys(attendees))
        entry["outcome"] = outcome
        if escalated_to:
            entry["escalated_to"] = escalated_to
        case_list(doc, "meetings").append(entry)
        return mid
    entry = next(m for m in doc["meetings"] if m.get("id") == existing["id"])
    more = [a for a in attendees if a not in (entry.get("attendees") or [])]
    if more:
        entry["attendees"] = roundtrip.flow_list([*(entry.get("attendees") or []), *more])
    if venue and not entry.get("venue"):
        entry["venue"] = venue
    entry["outcome"] = outcome
    if escalated_to:
        entry["escalated_to"] = escalated_to
    return existing["id"]


def record(casebook: Casebook, case_id: str, *, kind: str, date: dt.date | None = None,
           attendees=(), family_attendees=(), venue: str | None = None,
           notes: str | None = None, author: str | None = None):
    """Record a meeting; returns (written, meeting ID)."""
    directory = casebook.directory
    made = {}

    def change(doc, ctx):
        data = ctx.data
        require_open(data, "recording a meeting", case_id)
        when = date or ctx.today
        refusals = Refusals("recording a meeting")
        check_event_date(refusals, data, when, ctx.today, "the meeting date")
        lead = facts.current_lead(data)
        if any(pid != lead for pid in attendees):
            check_consent_not_withdrawn(refusals, data, case_id, "a multi-agency meeting")
        if not attendees:
            refusals.add("attendees", "a multi-agency meeting has practitioners at it "
                         "(--attendee PRACTITIONER, repeatable)")
        if any(pid not in directory for pid in attendees):
            refusals.add("unknown-practitioner", "an --attendee is not a practitioner in "
                         "practitioners.yaml (see: lpcli practitioner list)")
        family = facts.family_ids(data) | {"child"}
        unknown = sum(1 for who in family_attendees if who not in family)
        if unknown:
            refusals.add("unknown-family-member", unknown_members(unknown, data, case_id))
        refusals.raise_if_any()
        mid = next_id(data.get("meetings"), "M")
        entry = {"id": mid, "date": roundtrip.to_yaml_date(when), "kind": kind}
        if venue:
            entry["venue"] = venue
        entry["attendees"] = roundtrip.flow_list(dict.fromkeys(attendees))
        if family_attendees:
            entry["family_attendees"] = roundtrip.flow_list(dict.fromkeys(family_attendees))
        if notes:
            entry["notes"] = notes
        case_list(doc, "meetings").append(entry)
        made["id"] = mid
        ctx.event(doc, "meeting", when, f"meeting {mid} ({kind})")
        return f"meeting {mid} recorded"

    written = records.update_case(casebook, case_id, change, author=author)
    return written, made["id"]
