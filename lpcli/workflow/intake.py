"""Opening a new case for a child (``lpcli new``)."""

from __future__ import annotations

import datetime as dt

from lpcli.files import roundtrip
from lpcli.core.caseid import new_case_id
from lpcli.casebook.book import Casebook
from lpcli.core.errors import EnvironmentProblem

HEADER = ("# lpcli case file. Change it with lpcli commands or 'lpcli edit {id}';\n"
          "# 'lpcli validate' checks it. Dates are written YYYY-MM-DD.\n")


def split_name(full: str) -> tuple[str, str]:
    """'Amelia Rose Hart' → ('Amelia Rose', 'Hart'). Use --given/--family when that is wrong."""
    parts = full.split()
    if len(parts) < 2:
        raise EnvironmentProblem(
            "--name needs a given name and a family name",
            hint="for example --name 'Amelia Hart', or use --given and --family")
    return " ".join(parts[:-1]), parts[-1]


def build_case(case_id: str, *, given: str, family: str, opened: dt.date,
               dob: dt.date | None = None, expected: dt.date | None = None,
               gender: str | None = None, school: str | None = None,
               opened_by: str | None = None, source: str | None = None,
               by: str = "", today: dt.date | None = None) -> str:
    """The text of a new case file, in lpcli's canonical style."""
    child = {"given_name": given, "family_name": family}
    if dob:
        child["date_of_birth"] = dob
    if expected:
        child["expected_date"] = expected
    if gender:
        child["gender"] = gender
    if school:
        child["school"] = {"name": school}
    data = {"id": case_id, "status": "open", "opened": opened}
    if opened_by:
        data["opened_by"] = opened_by
    if source:
        data["source"] = source
    data["child"] = child
    event = {"date": opened}
    if today and today != opened:
        event["recorded"] = today
    event["event"] = "opened"
    if by:
        event["by"] = by
    data["events"] = [event]
    return HEADER.format(id=case_id) + roundtrip.dump_new(data)


def allocate_id(casebook: Casebook) -> str:
    prefix = casebook.settings.get("case_id_prefix") or "LP"
    return new_case_id(prefix, set(casebook.case_ids()))
