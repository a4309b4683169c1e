"""Opening a new case for a child (``lpcli new``)."""

from __future__ import annotations

import datetime as dt

from lpcli.casebook import records
from lpcli.casebook.book import Casebook
from lpcli.core import dates
from lpcli.core.caseid import new_case_id
from lpcli.core.errors import EnvironmentProblem
from lpcli.files import roundtrip
from lpcli.workflow.common import Refusals

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


def open_case(casebook: Casebook, *, given: str, family: str, opened: dt.date | None = None,
              dob: dt.date | None = None, expected: dt.date | None = None,
              gender: str | None = None, school: str | None = None,
              opened_by: str | None = None, source: str | None = None,
              author: str | None = None):
    """Open a case for a child; the written result's subject is the new case ID."""
    today = dates.today(casebook.settings)
    opened = opened or today
    # Dates that cannot be right are a mistake on the command line (exit 2), as a date
    # that is not a date is.
    if opened > today:
        raise dates.BadDate("--date: the case cannot be opened in the future")
    if dob and dob > opened:
        raise dates.BadDate("--dob: the date of birth is after the case was opened")
    refusals = Refusals("opening a case")
    if opened_by and opened_by not in casebook.directory:
        refusals.add("unknown-practitioner", f"'{opened_by}' is not in practitioners.yaml (add "
                     f"them first: lpcli practitioner add {opened_by} ...)")
    refusals.raise_if_any()
    child = {"given_name": given, "family_name": family}
    if dob:
        child["date_of_birth"] = dob
    if expected:
        child["expected_date"] = expected
    if gender:
        child["gender"] = gender
    if school:
        child["school"] = {"name": school}
    case_id = allocate_id(casebook)
    data = {"id": case_id, "status": "open", "opened": opened}
    if opened_by:
        data["opened_by"] = opened_by
    if source:
        data["source"] = source
    data["child"] = child

    def text(author_name: str) -> str:
        records.append_event(data, "opened", opened, author_name, today=today)
        return HEADER.format(id=case_id) + roundtrip.dump_new(data)

    return records.create_case(casebook, case_id, text, "case opened", author=author)


def allocate_id(casebook: Casebook) -> str:
    prefix = casebook.settings.get("case_id_prefix") or "LP"
    return new_case_id(prefix, set(casebook.case_ids()))
