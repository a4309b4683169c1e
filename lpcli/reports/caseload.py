"""Who carries what: the open cases each practitioner leads and the actions they own,
against their capacity in practitioners.yaml — the guidance's "who has capacity?" answered
from the records — and whether they are there to carry it: a lead who left, or is away
longer than ``lead_absence_weeks``, has cases that need cover (as 'overdue' reports them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lpcli.casebook.book import Casebook
from lpcli.check import facts
from lpcli.check.facts import as_date
from lpcli.core.vocabulary import OPEN_ACTION_STATUSES

COLUMNS = ("practitioner", "name", "agency", "leads", "capacity", "over_capacity",
           "actions_open", "actions_overdue", "cases", "availability", "left", "away_until",
           "needs_cover", "supervision_due", "supervision_overdue")


@dataclass
class Load:
    practitioner: str
    name: str
    agency: str
    capacity: int
    cases: list = field(default_factory=list)
    actions_open: int = 0
    actions_overdue: int = 0
    availability: str = "available"   # AVAILABILITY, on the as-of date
    left: str | None = None           # the leaving date, when recorded
    away_until: str | None = None     # the last day of the period away the as-of date is in
    cover: bool = False               # left, or away longer than lead_absence_weeks
    supervision_due: str | None = None   # for those leading a case
    supervision_overdue: bool = False

    @property
    def needs_cover(self) -> int:
        """Open cases they lead that need someone else."""
        return self.leads if self.cover else 0

    @property
    def leads(self) -> int:
        return len(self.cases)

    @property
    def over_capacity(self) -> bool:
        return self.leads > self.capacity

    @property
    def at_capacity(self) -> bool:
        return self.leads >= self.capacity

    def as_dict(self) -> dict:
        return {"practitioner": self.practitioner, "name": self.name, "agency": self.agency,
                "leads": self.leads, "capacity": self.capacity,
                "over_capacity": self.over_capacity, "actions_open": self.actions_open,
                "actions_overdue": self.actions_overdue, "cases": list(self.cases),
                "availability": self.availability, "left": self.left,
                "away_until": self.away_until, "needs_cover": self.needs_cover,
                "supervision_due": self.supervision_due,
                "supervision_overdue": self.supervision_overdue}


def caseloads(casebook: Casebook, as_of: dt.date, cases=None, everyone: bool = True) -> list[Load]:
    """One row per practitioner (active ones, and anyone still carrying work)."""
    directory = casebook.directory
    weeks = int(casebook.settings.get("lead_absence_weeks") or 4)
    loads = {pid: _present(Load(pid, p.name, p.agency, p.capacity), p.data, as_of, weeks)
             for pid, p in directory.by_id.items()}
    started: dict[str, list] = {}
    for case_id, data in (cases if cases is not None else casebook.cases(status="open")):
        if data.get("status") != "open":
            continue
        lead = facts.current_lead(data)
        if lead in loads:
            loads[lead].cases.append(case_id)
            since = as_date((data.get("lead_professional") or {}).get("since"))
            if since:
                started.setdefault(lead, []).append(since)
        plan = data.get("plan") if isinstance(data.get("plan"), dict) else {}
        for a in plan.get("actions") or []:
            if not isinstance(a, dict) or a.get("owner") not in loads:
                continue
            if a.get("status") in OPEN_ACTION_STATUSES:
                load = loads[a["owner"]]
                load.actions_open += 1
                due = as_date(a.get("due"))
                if due and due < as_of:
                    load.actions_overdue += 1
    for pid, load in loads.items():
        if load.cases:
            due = facts.supervision_due(directory.get(pid).data, casebook.settings,
                                        min(started.get(pid) or [None], key=lambda d: d or as_of))
            load.supervision_due = due.isoformat() if due else None
            load.supervision_overdue = bool(due and due < as_of)
    rows = []
    for pid, load in loads.items():
        active = directory.get(pid).data.get("active", True)
        if everyone and (active or load.cases or load.actions_open):
            rows.append(load)
        elif not everyone and (load.cases or load.actions_open):
            rows.append(load)
    return sorted(rows, key=lambda r: r.practitioner)


def _present(load: Load, person: dict, as_of: dt.date, weeks: int) -> Load:
    """Whether they are there on ``as_of``: left (whatever the date: the directory says so),
    away (a period away ``as_of`` falls in), or available."""
    if facts.has_left(person):
        load.availability, load.cover = "left", True
        left = as_date(person.get("left"))
        load.left = left.isoformat() if left else None
        return load
    span = facts.away_on(person, as_of)
    if span is not None:
        load.availability, load.away_until = "away", span[1].isoformat()
        load.cover = facts.long_absence(span, weeks)
    return load
