"""Handover to a new lead professional or agency at a transition point (domain guide §7).

A planned handover: the family informed, the previous lead professional kept in the history,
the actions outstanding at the time listed, the same rules for the new lead professional as
for a nomination, and consent deciding whether the receiving agency may have the information.
"""

from __future__ import annotations

import datetime as dt

from lpcli.casebook import records
from lpcli.casebook.book import Casebook
from lpcli.check import facts
from lpcli.files import roundtrip
from lpcli.workflow import meetings
from lpcli.workflow.common import (
    Refusals,
    case_list,
    check_event_date,
    next_id,
    refuse,
    require_open,
)
from lpcli.workflow.nominate import check_candidate


def handover(casebook: Casebook, case_id: str, new_pid: str, *, reason: str,
             family_informed: bool, family_agreed: bool, manager_agreed: bool,
             presence: str | None, transition: str = "other",
             receiving_agency: str | None = None, notes: str | None = None,
             date: dt.date | None = None, author: str | None = None):
    directory = casebook.directory

    def change(doc, ctx):
        data = ctx.data
        require_open(data, "handover", case_id)
        when = date or ctx.today
        old = facts.current_lead(data)
        if not old:
            refuse("handover", "no-lead", f"{case_id} has no lead professional to hand over "
                   "from", hint=f"nominate one: lpcli nominate {case_id} PRACTITIONER ...")
        refusals = Refusals("handover")
        if new_pid == old:
            refusals.add("same-lead", f"{new_pid} is already the lead professional")
        check_event_date(refusals, data, when, ctx.today, "the handover date")
        since = facts.as_date((data.get("lead_professional") or {}).get("since"))
        if since and when < since:
            refusals.add("date-order", "the handover is before the current lead professional "
                         "started")
        if not family_informed:
            refusals.add("family-informed", "the family must be informed of the handover "
                         "(--family-informed)")
        if not reason.strip():
            refusals.add("reason", "say why the case is handed over (--reason)")
        check_candidate(refusals, data, new_pid, directory, on=when,
                        family_agreed=family_agreed, manager_agreed=manager_agreed,
                        presence=presence)
        meeting = meetings.on_date(data, when)
        meetings.check_presence(refusals, meeting, new_pid, presence)
        person = directory.get(new_pid)
        agency = receiving_agency or (person.agency if person else None)
        ok, why = facts.consent_allows(data, agency, person.agency_type if person else None)
        if not ok:
            refusals.add("consent", f"{why} ({agency or new_pid}); the case cannot be handed "
                         "over to them without the family's consent (record what the family "
                         f"agreed: lpcli consent give {case_id} --given-by ID --share-with ...)")
        refusals.raise_if_any()

        hid = next_id(data.get("handovers"), "H")
        record = {"id": hid, "date": roundtrip.to_yaml_date(when), "from": old, "to": new_pid}
        if receiving_agency:
            record["receiving_agency"] = receiving_agency
        record.update({"transition": transition, "reason": reason, "family_informed": True,
                       "outstanding_actions": roundtrip.flow_list(facts.outstanding(data))})
        if notes:
            record["notes"] = notes
        previous = doc["lead_professional"]
        previous["until"] = roundtrip.to_yaml_date(when)
        previous["ended"] = "handover"
        previous["handover"] = hid
        case_list(doc, "lead_professional_history").append(previous)
        doc["lead_professional"] = {
            "practitioner": new_pid, "since": roundtrip.to_yaml_date(when), "family_agreed": True,
            "manager_agreed": True, "agreement": presence, "rationale": reason}
        if meeting is not None:
            doc["lead_professional"]["meeting"] = meeting["id"]
        case_list(doc, "handovers").append(record)
        ctx.event(doc, "handed_over", when, f"handover {hid} from {old} to {new_pid}")
        return f"handed over from {old} to {new_pid}"

    return records.update_case(casebook, case_id, change, author=author)
