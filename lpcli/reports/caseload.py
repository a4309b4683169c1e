"""Who carries what: the open cases each practitioner leads and the actions they own,
against their capacity in practitioners.yaml — the guidance's "who has capacity?" answered
from the records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lpcli.casebook.book import Casebook
from lpcli.check import facts
from lpcli.check.facts import as_date
from lpcli.core.vocabulary import OPEN_ACTION_STATUSES

COLUMNS = ("practitioner", "name", "agency", "leads", "capacity", "over_capacity",
           "actions_open", "actions_overdue", "cases")


@dataclass
class Load:
    practitioner: str
    name: str
    agency: str
    capacity: int
    cases: list = field(default_factory=list)
    actions_open: int = 0
    actions_overdue: int = 0

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
                "actions_overdue": self.actions_overdue, "cases": list(self.cases)}


def caseloads(casebook: Casebook, as_of: dt.date, cases=None, everyone: bool = True) -> list[Load]:
    """One row per practitioner (active ones, and anyone still carrying work)."""
    directory = casebook.directory
    loads = {pid: Load(pid, p.name, p.agency, p.capacity)
             for pid, p in directory.by_id.items()}
    for case_id, data in (cases if cases is not None else casebook.cases()):
        if data.get("status") != "open":
            continue
        lead = facts.current_lead(data)
        if lead in loads:
            loads[lead].cases.append(case_id)
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
    rows = []
    for pid, load in loads.items():
        active = directory.get(pid).data.get("active", True)
        if everyone and (active or load.cases or load.actions_open):
            rows.append(load)
        elif not everyone and (load.cases or load.actions_open):
            rows.append(load)
    return sorted(rows, key=lambda r: r.practitioner)
