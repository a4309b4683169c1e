"""Nominating a lead professional at a multi-agency meeting, and suggesting candidates.

The guidance (``../shared/domain.md`` §2–4): a lead professional only when the assessment
found needs requiring an integrated response; chosen at a meeting after the assessment from
the practitioners already working with the child; with the family's and the line manager's
agreement; present, or explicitly agreed beforehand; and for a statutory case, the named
statutory practitioner and no one else. A meeting that cannot agree escalates to service
managers, and that unresolved state is recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from lpcli.casebook import records
from lpcli.casebook.book import Casebook
from lpcli.check import facts
from lpcli.check.facts import as_date
from lpcli.core import vocabulary
from lpcli.core.vocabulary import PRESENCES
from lpcli.files import roundtrip
from lpcli.workflow import meetings
from lpcli.workflow.common import Refusals, check_event_date, require_open, set_case_key


def check_candidate(refusals: Refusals, data: dict, pid: str, directory, *, on: dt.date,
                    family_agreed: bool, manager_agreed: bool, presence: str | None,
                    family_informed: bool = False, exception: bool = False,
                    joins_team: bool = False) -> None:
    """The rules any new lead professional must meet (nomination and handover alike).

    A nominated lead needs the family's and the line manager's agreement and was present or
    agreed beforehand. The named statutory practitioner is not chosen: statute (or the
    conference chair) names them, and the family is informed, not asked. Under a recorded
    safeguarding ``exception`` the family's agreement cannot be a condition either.
    ``joins_team``: the change itself adds them to the team (a step-up once the family has
    withdrawn consent, when 'team add' is refused), so not being in it yet is no refusal."""
    person = directory.get(pid)
    if person is None:
        refusals.add("unknown-practitioner", f"'{pid}' is not in practitioners.yaml")
    elif person.data.get("active") is False:
        refusals.add("practitioner-inactive", f"{pid} is marked as no longer active")
    if not joins_team and pid not in facts.team_members(data, on):
        refusals.add("lead-not-in-team",
                     f"{pid} is not working with the child (not in the team); the lead "
                     "professional is chosen from the practitioners already in the team "
                     f"(add them first: lpcli team add {data.get('id')} {pid} --role TEXT)")
    required = facts.statutory_lead(data)
    if required and pid != required:
        status = data["statutory"]["status"]
        refusals.add("statutory-lead",
                     f"the child is {vocabulary.STATUTORY_WORDS.get(status, status)}: the named "
                     f"statutory practitioner {required} ({directory.name(required)}) must "
                     "carry out the lead professional role")
    if required and pid == required:
        if not family_informed:
            refusals.add("family-informed", "a statutory lead is named, not chosen: the "
                         "family is told who leads (--family-informed)")
        return
    if not family_agreed and not exception:
        refusals.add("family-agreement", "the family's agreement is required (--family-agreed)")
    if not manager_agreed:
        refusals.add("manager-agreement",
                     "the practitioner's line manager's agreement is required (--manager-agreed)")
    if presence not in PRESENCES:
        refusals.add("presence", "the lead professional must be present at the meeting "
                     "(--present) or have explicitly agreed beforehand (--agreed-beforehand)")


def appointment_for(data: dict, pid: str, since: dt.date, *, family_agreed: bool,
                    manager_agreed: bool, presence: str | None,
                    family_informed: bool = True) -> dict:
    """The lead_professional record for a candidate who passed ``check_candidate``
    (``family_informed`` False only under a safeguarding exception that kept it from them)."""
    out = {"practitioner": pid, "since": roundtrip.to_yaml_date(since)}
    if facts.statutory_lead(data) == pid:
        out.update(agreement="statutory", family_informed=family_informed)
        if manager_agreed:
            out["manager_agreed"] = True
        return out
    out.update(family_agreed=bool(family_agreed), manager_agreed=True, agreement=presence)
    return out


def check_needs(refusals: Refusals, data: dict, meeting: dt.date) -> None:
    """Is a lead professional needed, and has the assessment that says so happened?"""
    assessment = data.get("assessment") if isinstance(data.get("assessment"), dict) else None
    statutory = facts.statutory_lead(data)
    if assessment is None:
        if not statutory:
            refusals.add("assessment-missing",
                         "no common assessment is recorded; the lead professional is nominated "
                         "at the multi-agency meeting held after the assessment (record it: "
                         f"lpcli assess {data.get('id')} --assessor PRACTITIONER --outcome ...)")
        return
    outcome = assessment.get("outcome")
    if not statutory and outcome == "no_additional_needs":
        refusals.add("no-lead-needed", "the assessment found no additional needs, so the "
                     "guidance says no lead professional is needed")
    elif not statutory and outcome == "single_agency":
        refusals.add("no-lead-needed", "the assessment found needs that one practitioner or "
                     "agency can meet, so the guidance says no lead professional is needed "
                     "(that practitioner simply carries on)")
    assessed = as_date(assessment.get("date"))
    if assessed and meeting < assessed:
        refusals.add("meeting-before-assessment",
                     f"the meeting ({meeting.isoformat()}) is before the common assessment "
                     f"({assessed.isoformat()}); nomination follows the assessment")


def _check_no_lead(refusals: Refusals, data: dict, case_id: str) -> None:
    lead = facts.current_lead(data)
    if lead:
        refusals.add("lead-in-place",
                     f"{lead} is already the lead professional; changing the lead "
                     f"professional is a handover: lpcli handover {case_id} NEW_PRACTITIONER "
                     "--reason TEXT --family-informed ...")


def nominate(casebook: Casebook, case_id: str, pid: str, *, meeting_date: dt.date,
             family_agreed: bool, manager_agreed: bool, presence: str | None,
             family_informed: bool = False,
             rationale: str | None = None, criteria=(), start: dt.date | None = None,
             meeting_kind: str = "team_around_the_family", venue: str | None = None,
             attendees=(), author: str | None = None):
    """Record the lead professional chosen at a meeting (and the meeting)."""
    directory = casebook.directory

    def change(doc, ctx):
        data = ctx.data
        require_open(data, "nomination", case_id)
        refusals = Refusals("nomination")
        _check_no_lead(refusals, data, case_id)
        check_needs(refusals, data, meeting_date)
        check_event_date(refusals, data, meeting_date, ctx.today, "the meeting date")
        since = start or meeting_date
        if since < meeting_date:
            refusals.add("date-order", "the lead professional cannot start before the meeting")
        check_event_date(refusals, data, since, ctx.today, "the start date")
        check_candidate(refusals, data, pid, directory, on=meeting_date,
                        family_agreed=family_agreed, manager_agreed=manager_agreed,
                        presence=presence, family_informed=family_informed)
        meetings.check_presence(refusals, meetings.on_date(data, meeting_date), pid, presence,
                                attendees)
        refusals.raise_if_any()
        mid = meetings.use_or_record(doc, data, meeting_date, kind=meeting_kind, venue=venue,
                                     attendees=attendees, outcome="lead_professional_agreed")
        appointment = appointment_for(data, pid, since, family_agreed=family_agreed,
                                      manager_agreed=manager_agreed, presence=presence)
        appointment["meeting"] = mid
        if criteria:
            appointment["criteria"] = roundtrip.flow_list(dict.fromkeys(criteria))
        if rationale:
            appointment["rationale"] = rationale
        set_case_key(doc, "lead_professional", appointment)
        if "unresolved_nomination" in doc:
            # The escalation is resolved; its meeting stays in 'meetings' as the record.
            del doc["unresolved_nomination"]
        ctx.event(doc, "nominated", since, f"lead professional {pid} at meeting {mid}")
        return f"lead professional {pid} nominated"

    return records.update_case(casebook, case_id, change, author=author)


def record_unresolved(casebook: Casebook, case_id: str, *, meeting_date: dt.date,
                      escalated_to: str, reason: str | None,
                      meeting_kind: str = "team_around_the_family", venue: str | None = None,
                      attendees=(), author: str | None = None):
    """The meeting could not agree who is best placed: record the escalation."""

    def change(doc, ctx):
        data = ctx.data
        require_open(data, "recording an unresolved nomination", case_id)
        refusals = Refusals("recording an unresolved nomination")
        _check_no_lead(refusals, data, case_id)
        check_needs(refusals, data, meeting_date)
        check_event_date(refusals, data, meeting_date, ctx.today, "the meeting date")
        if not escalated_to.strip():
            refusals.add("escalation", "say who the question was escalated to (--escalated-to)")
        refusals.raise_if_any()
        mid = meetings.use_or_record(doc, data, meeting_date, kind=meeting_kind, venue=venue,
                                     attendees=attendees, outcome="unresolved",
                                     escalated_to=escalated_to)
        record = {"date": roundtrip.to_yaml_date(meeting_date), "meeting": mid,
                  "escalated_to": escalated_to}
        if reason:
            record["reason"] = reason
        set_case_key(doc, "unresolved_nomination", record)
        ctx.event(doc, "nomination_unresolved", meeting_date, f"escalated after meeting {mid}")
        return "nomination unresolved, escalated"

    return records.update_case(casebook, case_id, change, author=author)


# -- suggestions --------------------------------------------------------------------------

@dataclass
class Reason:
    criterion: str
    points: int
    text: str


@dataclass
class Candidate:
    practitioner: str
    name: str
    agency: str
    agency_type: str
    eligible: bool = True
    score: int = 0
    headroom: int = 0
    reasons: list = field(default_factory=list)
    rank: int = 0

    def add(self, criterion: str, points: int, text: str) -> None:
        self.score += points
        self.reasons.append(Reason(criterion, points, text))

    def as_dict(self) -> dict:
        return asdict(self)


def lead_counts(casebook: Casebook, exclude: str | None = None) -> dict[str, list[str]]:
    """Open cases each practitioner leads, from the case files (``exclude``: one case ID)."""
    counts: dict[str, list[str]] = {}
    for cid, data in casebook.cases(status="open"):
        if cid == exclude:
            continue
        if data.get("status") == "open":
            lead = facts.current_lead(data)
            if lead:
                counts.setdefault(lead, []).append(cid)
    return counts


def _needs_by_agency(data: dict) -> tuple[dict, set]:
    """Agency types responsible for the predominant needs, and all agencies needed."""
    assessment = data.get("assessment") if isinstance(data.get("assessment"), dict) else {}
    domains = assessment.get("domains") if isinstance(assessment.get("domains"), dict) else {}
    predominant = {}
    for ref in assessment.get("predominant_needs") or []:
        domain, _, element = str(ref).partition(".")
        agency = ((domains.get(domain) or {}).get(element) or {}).get("agency")
        if agency:
            predominant.setdefault(agency, []).append(element)
    return predominant, set(assessment.get("agencies_needed") or [])


def whole_months(start: dt.date, end: dt.date) -> int:
    """Calendar months from ``start`` to ``end``, counting only whole ones (31 August to 30
    November is two, not three)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def suggest(casebook: Casebook, case_id: str, on: dt.date) -> list[Candidate]:
    """Rank the team as lead professional candidates against the published criteria, as on
    ``on`` (the meeting's date): who is in the team then, and how long they have known the
    child by then.

    Points are a reading aid, not a decision: the meeting decides, with the family. Each
    candidate carries the reasons behind their place.
    """
    data = casebook.read_case(case_id)
    directory = casebook.directory
    counts = lead_counts(casebook, exclude=case_id)
    predominant, needed = _needs_by_agency(data)
    required = facts.statutory_lead(data)
    preferred = (data.get("family_wishes") or {}).get("preferred_lead") \
        if isinstance(data.get("family_wishes"), dict) else None
    candidates = []
    for member in data.get("team") or []:
        joined, left = as_date(member.get("since")), as_date(member.get("until"))
        if (left and left < on) or (joined and joined > on):  # not in the team that day
            continue
        pid = member.get("practitioner")
        person = directory.get(pid)
        if person is None:
            continue
        c = Candidate(pid, person.name, member.get("agency") or person.agency, person.agency_type)
        if required:
            if pid == required:
                c.add("statutory_responsibility", 100,
                      "the named statutory practitioner: must carry out the role")
            else:
                c.eligible = False
                c.add("statutory_responsibility", 0,
                      f"not eligible: this statutory case is led by {required}")
        if person.data.get("active") is False:
            c.eligible = False
            c.add("capacity", 0, "not eligible: no longer active")
        if person.agency_type in predominant:
            elements = ", ".join(e.replace("_", " ") for e in predominant[person.agency_type])
            c.add("predominant_needs", 3,
                  f"their agency type ({person.agency_type}) has main responsibility for the "
                  f"predominant needs ({elements})")
        elif person.agency_type in needed:
            c.add("main_agency", 1, f"their agency type ({person.agency_type}) is one the "
                  "assessment says is needed")
        since = as_date(member.get("since"))
        if since:
            months = whole_months(since, on)
            if months >= 12:
                c.add("existing_relationship", 2, f"has worked with the child since "
                      f"{since.isoformat()} ({months // 12} year{'s' if months >= 24 else ''})")
            elif months >= 3:
                c.add("existing_relationship", 1, f"has worked with the child since "
                      f"{since.isoformat()} ({months} months)")
            else:
                c.add("existing_relationship", 0,
                      f"new to the child (since {since.isoformat()})")
        if person.data.get("lp_trained"):
            c.add("coordination_skills", 1, "trained for the lead professional role")
        else:
            c.add("coordination_skills", 0, "not trained for the lead professional role")
        leads = len(counts.get(pid, []))
        capacity = person.capacity
        c.headroom = capacity - leads
        if capacity == 0:
            c.add("capacity", -3, "cannot lead cases (capacity 0 in practitioners.yaml)")
        elif leads >= capacity:
            c.add("capacity", -3, f"over capacity: already leads {leads} open case"
                  f"{'s' if leads != 1 else ''}, capacity {capacity}" if leads > capacity else
                  f"at capacity: already leads {leads} of {capacity} open cases")
        else:
            c.add("capacity", 1, f"has capacity: leads {leads} of {capacity} open cases")
        if preferred and preferred == pid:
            c.add("family_wishes", 2, "the family's preferred lead professional")
        candidates.append(c)
    candidates.sort(key=lambda c: (not c.eligible, -c.score, -c.headroom, c.practitioner))
    for i, c in enumerate(candidates, 1):
        c.rank = i
    return candidates
