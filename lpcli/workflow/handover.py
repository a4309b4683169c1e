"""Handover to a new lead professional or agency at a transition point (domain guide §7).

A planned handover: the family informed, the previous lead professional kept in the history,
the actions outstanding at the time listed, the same rules for the new lead professional as
for a nomination, and consent deciding whether the receiving agency may have the information.

Consent can be set aside only where the guidance allows: a child at risk of significant harm,
or to prevent or detect serious crime. Then the exception is recorded with the handover (the
ground, the concern, who authorised it, and whether the family was told, and if not why),
so a step-up to social care after the family withdrew consent is possible, and visible.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lpcli.casebook import records
from lpcli.casebook.book import Casebook
from lpcli.check import facts
from lpcli.core.vocabulary import OPEN_ACTION_STATUSES, SAFEGUARDING_GROUNDS
from lpcli.files import roundtrip
from lpcli.workflow import meetings
from lpcli.workflow.common import (
    Refusals,
    case_list,
    check_event_date,
    next_id,
    refuse,
    require_open,
    set_case_key,
)
from lpcli.workflow.nominate import appointment_for, check_candidate


@dataclass
class Safeguarding:
    """Why information goes to the receiving agency without the family's consent."""

    ground: str                          # one of SAFEGUARDING_GROUNDS
    reason: str                          # the concern (personal: kept in the case only)
    authorised_by: str                   # usually a manager
    family_told: bool
    not_told_because: str | None = None  # telling them would increase the risk

    def check(self, refusals: Refusals) -> None:
        if self.ground not in SAFEGUARDING_GROUNDS:
            refusals.add("safeguarding-ground", "information is shared without consent only "
                         "where a child is at risk of significant harm or to prevent or detect "
                         "serious crime (--safeguarding-ground significant_harm|serious_crime)")
        if not (self.reason or "").strip():
            refusals.add("safeguarding-reason", "record the safeguarding concern "
                         "(--safeguarding-reason TEXT)")
        if not (self.authorised_by or "").strip():
            refusals.add("safeguarding-authorised", "say who authorised sharing without consent "
                         "(--authorised-by NAME, usually a manager)")
        if not self.family_told and not (self.not_told_because or "").strip():
            refusals.add("safeguarding-family", "the family is told unless telling them would "
                         "increase the risk: say so (--family-told) or why not "
                         "(--family-not-told REASON)")

    def record(self) -> dict:
        out = {"ground": self.ground, "reason": self.reason,
               "authorised_by": self.authorised_by, "family_told": self.family_told}
        if not self.family_told:
            out["not_told_because"] = self.not_told_because
        return out


def handover(casebook: Casebook, case_id: str, new_pid: str, *, reason: str,
             family_informed: bool, family_agreed: bool, manager_agreed: bool,
             presence: str | None, transition: str = "other",
             receiving_agency: str | None = None, notes: str | None = None,
             date: dt.date | None = None, safeguarding: Safeguarding | None = None,
             school: str | None = None, reassign_actions: bool = False,
             statutory_status: str | None = None, author: str | None = None):
    """Hand the case to ``new_pid``. ``statutory_status``: the case steps up (a child
    protection plan, looked after...) with the new lead as its named practitioner, in the
    same change, so the statutory-lead rule holds before and after."""
    directory = casebook.directory

    def change(doc, ctx):
        data = ctx.data
        if statutory_status:
            # The rules below judge the case as it will be: statutory, led by its named one.
            data = {**data, "statutory": {"status": statutory_status, "practitioner": new_pid}}
        require_open(data, "handover", case_id)
        when = date or ctx.today
        old = facts.current_lead(data)
        if not old:
            refuse("handover", "no-lead", f"{case_id} has no lead professional to hand over "
                   "from", hint=f"nominate one: lpcli nominate {case_id} PRACTITIONER ...")
        not_told = safeguarding is not None and not safeguarding.family_told
        refusals = Refusals("handover")
        if new_pid == old:
            refusals.add("same-lead", f"{new_pid} is already the lead professional")
        check_event_date(refusals, data, when, ctx.today, "the handover date")
        since = facts.as_date((data.get("lead_professional") or {}).get("since"))
        if since and when < since:
            refusals.add("date-order", "the handover is before the current lead professional "
                         "started")
        if not family_informed and not not_told:
            refusals.add("family-informed", "the family must be informed of the handover "
                         "(--family-informed)")
        if not reason.strip():
            refusals.add("reason", "say why the case is handed over (--reason)")
        joins = _joins_team(data, new_pid, when, safeguarding)
        check_candidate(refusals, data, new_pid, directory, on=when,
                        family_agreed=family_agreed, manager_agreed=manager_agreed,
                        presence=presence, family_informed=family_informed or not_told,
                        exception=safeguarding is not None, joins_team=joins)
        meeting = meetings.on_date(data, when)
        meetings.check_presence(refusals, meeting, new_pid, presence)
        person = directory.get(new_pid)
        agency = receiving_agency or (person.agency if person else None)
        _check_consent(refusals, data, case_id, agency, person, safeguarding)
        refusals.raise_if_any()
        if joins:
            _join_team(doc, ctx, new_pid, when)
        hid = _record(doc, data, old, new_pid, when, receiving_agency=receiving_agency,
                      transition=transition, reason=reason, not_told=not_told,
                      reassign_actions=reassign_actions, school=school,
                      safeguarding=safeguarding, notes=notes)
        if statutory_status:
            set_case_key(doc, "statutory", {"status": statutory_status,
                                            "since": roundtrip.to_yaml_date(when),
                                            "practitioner": new_pid})
        previous = doc["lead_professional"]
        previous["until"] = roundtrip.to_yaml_date(when)
        previous["ended"] = "handover"
        previous["handover"] = hid
        case_list(doc, "lead_professional_history").append(previous)
        doc["lead_professional"] = appointment_for(
            data, new_pid, when, family_agreed=family_agreed, manager_agreed=manager_agreed,
            presence=presence, family_informed=not not_told)
        doc["lead_professional"]["rationale"] = reason
        if meeting is not None:
            doc["lead_professional"]["meeting"] = meeting["id"]
        if safeguarding is not None:
            ctx.event(doc, "shared_without_consent", when,
                      f"handover {hid}: {safeguarding.ground}")
        ctx.event(doc, "handed_over", when, f"handover {hid} from {old} to {new_pid}")
        return (f"handed over from {old} to {new_pid}"
                + (" without consent (safeguarding exception)" if safeguarding else ""))

    return records.update_case(casebook, case_id, change, author=author)


def _joins_team(data: dict, pid: str, when: dt.date, safeguarding) -> bool:
    """Does the incoming lead join the team with the handover? Once the family has withdrawn
    consent, 'team add' is refused (a new member would share without consent), so the social
    worker a child at risk is stepped up to joins with the handover that records the
    safeguarding exception; under any recorded exception, likewise. Otherwise the new lead
    comes from the team, as for a nomination."""
    if pid in facts.team_members(data, when):
        return False
    withdrawn = isinstance((data.get("consent") or {}).get("withdrawn"), dict)
    return safeguarding is not None or withdrawn


def _join_team(doc, ctx, pid: str, when: dt.date) -> None:
    case_list(doc, "team").append({"practitioner": pid, "since": roundtrip.to_yaml_date(when)})
    ctx.event(doc, "team_joined", when, f"{pid} joined the team at the handover")


def _record(doc, data, old: str, new: str, when: dt.date, *, receiving_agency, transition,
            reason, not_told: bool, reassign_actions: bool, school, safeguarding,
            notes) -> str:
    """The handover record (and what it changes besides: actions, the school); its ID."""
    hid = next_id(data.get("handovers"), "H")
    record = {"id": hid, "date": roundtrip.to_yaml_date(when), "from": old, "to": new}
    if receiving_agency:
        record["receiving_agency"] = receiving_agency
    record.update({"transition": transition, "reason": reason, "family_informed": not not_told,
                   "outstanding_actions": roundtrip.flow_list(facts.outstanding(data))})
    if reassign_actions:
        moved = _reassign(doc, old, new, hid, when)
        if moved:
            record["reassigned_actions"] = roundtrip.flow_list(moved)
    if school:
        record["school"] = school
        doc["child"]["school"] = {"name": school}  # the new school sets the year group
    if safeguarding is not None:
        record["safeguarding"] = safeguarding.record()
    if notes:
        record["notes"] = notes
    case_list(doc, "handovers").append(record)
    return hid


def _check_consent(refusals: Refusals, data: dict, case_id: str, agency, person,
                   safeguarding: Safeguarding | None) -> None:
    ok, why = facts.consent_allows(data, agency, person.agency_type if person else None)
    if safeguarding is not None:
        if ok:
            refusals.add("safeguarding-not-needed", "consent allows sharing with this agency, "
                         "so no exception is needed (leave out --without-consent)")
        safeguarding.check(refusals)
        return
    if not ok:
        refusals.add("consent", f"{why} ({agency or 'the receiving agency'}); the case cannot "
                     "be handed over to them without the family's consent (record what the "
                     f"family agreed: lpcli consent give {case_id} ...; where a child is at "
                     "risk of significant harm, or to prevent or detect serious crime, record "
                     "the exception: --without-consent --safeguarding-ground significant_harm "
                     "--safeguarding-reason TEXT --authorised-by NAME and --family-told or "
                     "--family-not-told REASON)")


def _reassign(doc, old: str, new: str, hid: str, when: dt.date) -> list[str]:
    """The outgoing lead's open actions go to the incoming lead, each with a history line."""
    moved = []
    for action in (doc.get("plan") or {}).get("actions") or []:
        if action.get("owner") == old and action.get("status") in OPEN_ACTION_STATUSES:
            action["owner"] = new
            history = action.get("history")
            if history is None:
                action["history"] = history = []
            history.append({"date": roundtrip.to_yaml_date(when), "status": action["status"],
                            "note": f"owner {old} to {new} at handover {hid}"})
            moved.append(action["id"])
    return moved
