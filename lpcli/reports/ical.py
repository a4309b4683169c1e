"""An iCalendar (RFC 5545) file of upcoming reviews, and optionally action due dates.

A review is an event at its time of day when one is recorded (``next_review_time``, the
plan's ``first_review_time``; an hour, in local time), else all day; an action's due date
is all day. UIDs are stable: a case's next review is the same event however
often it is exported (``<case>-review-<n>``, n = which review it will be), so re-importing
into Outlook, Google Calendar or Thunderbird updates the event instead of duplicating it,
and moving the review moves the event. Summaries carry the case ID and the lead
professional, never the child's name unless asked.
"""

from __future__ import annotations

import datetime as dt

from lpcli.casebook.book import Casebook
from lpcli.check import facts
from lpcli.check.facts import last_review, next_review_due
from lpcli.core.vocabulary import OPEN_ACTION_STATUSES
from lpcli.reports.listing import child_name

PRODID = "-//lpcli//lead professional casebook//EN"


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> list[str]:
    """Lines are at most 75 octets; longer ones continue on lines starting with a space."""
    out, current = [], ""
    for ch in line:
        limit = 75 if not out else 74
        if len((current + ch).encode("utf-8")) > limit:
            out.append(current)
            current = ch
        else:
            current += ch
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def events(casebook: Casebook, as_of: dt.date, *, lead: str | None = None,
           actions: bool = False, names: bool = False, cases=None) -> list[dict]:
    directory = casebook.directory
    out = []
    for case_id, data in (cases if cases is not None else casebook.cases(status="open")):
        if data.get("status") != "open":
            continue
        lp = facts.current_lead(data)
        if lead and lp != lead:
            continue
        lead_name = directory.name(lp) if lp else "no lead professional"
        who = f"{child_name(data)} ({case_id})" if names else case_id
        due = next_review_due(data, casebook.settings)
        if due and due >= as_of:
            number = len([r for r in data.get("reviews") or [] if isinstance(r, dict)]) + 1
            last = last_review(data)
            source = last if last else (data.get("plan") or {})
            venue = source.get("next_review_venue" if last else "first_review_venue")
            time = _time(source.get("next_review_time" if last else "first_review_time"))
            # A venue can be a family's home address: only with names.
            out.append({"uid": f"{case_id}-review-{number}", "date": due, "time": time,
                        "summary": f"Review {who}, lead {lead_name}",
                        "location": venue if names else None, "case": case_id})
        if actions:
            plan = data.get("plan") if isinstance(data.get("plan"), dict) else {}
            for a in plan.get("actions") or []:
                if not isinstance(a, dict) or a.get("status") not in OPEN_ACTION_STATUSES:
                    continue
                adue = facts.as_date(a.get("due"))
                if adue and adue >= as_of:
                    out.append({"uid": f"{case_id}-action-{a.get('id')}", "date": adue,
                                "summary": f"Action {a.get('id')} due, {who}, owner "
                                           f"{a.get('owner')}", "location": None,
                                "case": case_id})
    return sorted(out, key=lambda e: (e["date"], e["uid"]))


def _time(value) -> dt.time | None:
    """'HH:MM' as the schema keeps it (anything else: no time, an all-day event)."""
    try:
        return dt.time.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _when(e) -> list[str]:
    if e.get("time") is None:
        return [f"DTSTART;VALUE=DATE:{e['date']:%Y%m%d}",
                f"DTEND;VALUE=DATE:{e['date'] + dt.timedelta(days=1):%Y%m%d}"]
    # Floating local time (no time zone): the review is at that time wherever the
    # practitioner's calendar is, as the family's plan prints it.
    start = dt.datetime.combine(e["date"], e["time"])
    return [f"DTSTART:{start:%Y%m%dT%H%M%S}", "DURATION:PT1H"]


def to_ics(evts, stamp: dt.date) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:lpcli reviews"]
    for e in evts:
        lines += ["BEGIN:VEVENT", f"UID:{e['uid']}@lpcli",
                  # DTSTAMP from the report date (not the clock) keeps output reproducible.
                  f"DTSTAMP:{stamp:%Y%m%d}T000000Z",
                  *_when(e),
                  f"SUMMARY:{_escape(e['summary'])}",
                  "TRANSP:TRANSPARENT" if e.get("time") is None else "TRANSP:OPAQUE"]
        if e.get("location"):
            lines.append(f"LOCATION:{_escape(e['location'])}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))
