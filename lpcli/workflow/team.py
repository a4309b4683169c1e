"""The team around the child: the practitioners working with the child, from whom the lead
professional is chosen (domain guide §3)."""

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
    refuse,
    require_open,
)


def add(casebook: Casebook, case_id: str, pid: str, *, role: str | None = None,
        since: dt.date | None = None, agency: str | None = None, author: str | None = None):
    """A practitioner starts working with the child."""
    directory = casebook.directory

    def change(doc, ctx):
        data = ctx.data
        require_open(data, "adding to the team", case_id)
        when = since or ctx.today
        refusals = Refusals("adding to the team")
        check_event_date(refusals, data, when, ctx.today, "the start date")
        person = directory.get(pid)
        if person is None:
            refusals.add("unknown-practitioner", "that is not a practitioner in "
                         "practitioners.yaml (see 'lpcli practitioner list'; add one with "
                         "'lpcli practitioner add ID --name ...')")
        elif person.data.get("active") is False:
            refusals.add("practitioner-inactive", f"{pid} has left (practitioners.yaml)")
        if pid in facts.team_members(data):
            refusals.add("already-in-team", f"{pid} is already in the team of {case_id}")
        check_consent_not_withdrawn(refusals, data, case_id, "a new member of the team")
        refusals.raise_if_any()
        entry = {"practitioner": pid}
        if agency:
            entry["agency"] = agency
        if role:
            entry["role"] = role
        entry["since"] = roundtrip.to_yaml_date(when)
        case_list(doc, "team").append(entry)
        ctx.event(doc, "team_joined", when, f"{pid} joined the team")
        return f"{pid} joined the team"

    return records.update_case(casebook, case_id, change, author=author)


def end(casebook: Casebook, case_id: str, pid: str, *, until: dt.date | None = None,
        author: str | None = None):
    """A practitioner stops working with the child; their time in the team stays recorded."""

    def change(doc, ctx):
        data = ctx.data
        require_open(data, "ending a team membership", case_id)
        when = until or ctx.today
        if pid not in facts.team_members(data):
            refuse("ending a team membership", "not-in-team",
                   f"that is not a current member of the team of {case_id} (see: lpcli show "
                   f"{case_id})")
        refusals = Refusals("ending a team membership")
        if facts.current_lead(data) == pid:
            refusals.add("lead-in-team", f"{pid} is the lead professional; hand the case over "
                         f"first: lpcli handover {case_id} NEW_PRACTITIONER --reason TEXT ...")
        check_event_date(refusals, data, when, ctx.today, "the end date")
        entry = next(m for m in doc["team"]
                     if m.get("practitioner") == pid and m.get("until") is None)
        since = facts.as_date(entry.get("since"))
        if since and when < since:
            refusals.add("date-order", "the end date is before they joined the team")
        refusals.raise_if_any()
        entry["until"] = roundtrip.to_yaml_date(when)
        ctx.event(doc, "team_left", when, f"{pid} left the team")
        return f"{pid} left the team"

    return records.update_case(casebook, case_id, change, author=author)
