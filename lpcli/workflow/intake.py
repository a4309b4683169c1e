"""Opening a new case for a child (``lpcli new``)."""

from __future__ import annotations

import datetime as dt

from dataclasses import dataclass

from lpcli.casebook import records
from lpcli.casebook.book import Casebook
from lpcli.casebook.setupfiles import case_modeline
from lpcli.core import dates, names
from lpcli.core.caseid import new_case_id
from lpcli.core.errors import EnvironmentProblem
from lpcli.files import roundtrip
from lpcli.workflow import links
from lpcli.workflow.common import Refusals, refuse

HEADER = ("{modeline}"
          "# lpcli case file. Change it with lpcli commands or 'lpcli edit {id}';\n"
          "# 'lpcli validate' checks it. Dates are written YYYY-MM-DD.\n")


def split_name(full: str) -> tuple[str, str]:
    """'Amelia Rose Hart' → ('Amelia Rose', 'Hart'). Use --given/--family when that is wrong."""
    parts = full.split()
    if len(parts) < 2:
        raise EnvironmentProblem(
            "--name needs a given name and a family name",
            hint="for example --name 'Amelia Hart', or use --given and --family")
    return " ".join(parts[:-1]), parts[-1]


@dataclass
class Known:
    """A case that may be the same child's: its ID, status and what agreed (never the
    child's details: the check must not show another child's record)."""

    case_id: str
    status: str
    why: str  # 'name and date of birth' or 'date of birth and postcode'


def already_known(cases, *, given: str, family: str, dob: dt.date | None,
                  expected: dt.date | None = None, postcode: str | None = None) -> list[Known]:
    """Cases (``(case_id, slim case)``, open or closed) that may be this child's: the same
    name (a typo aside) and date of birth, or the same date of birth and postcode. The
    guidance's enquiry before a new assessment: is the child already known?"""
    born = (dob or expected).isoformat() if (dob or expected) else None
    code = names.postcode(postcode)
    found = []
    for case_id, data in cases:
        child = data.get("child") if isinstance(data.get("child"), dict) else {}
        if born is None or born not in (child.get("date_of_birth"), child.get("expected_date")):
            continue
        if names.same_child_name(given, family, child):
            found.append(Known(case_id, str(data.get("status")), "name and date of birth"))
        elif code and code == names.postcode((child.get("address") or {}).get("postcode")):
            found.append(Known(case_id, str(data.get("status")), "date of birth and postcode"))
    return found


def refuse_if_known(known: list[Known]) -> None:
    """Stop a new case for a child who may have one: each case by ID, with what to do."""
    if not known:
        return
    refusals = Refusals("opening a case")
    for k in known:
        if k.status == "closed":
            todo = (f"if it is this child, reopen it (lpcli reopen {k.case_id} --reason TEXT) "
                    f"or open a new episode linked to it (the same command with --new-episode "
                    f"{k.case_id})")
        else:
            todo = f"if it is this child, record on it (lpcli show {k.case_id})"
        refusals.add("child-already-known",
                     f"{k.case_id} ({k.status}) has the same {k.why}; {todo}")
    refusals.raise_if_any(hint="if it is a different child, run the same command with "
                               "--different-child")


def open_case(casebook: Casebook, *, given: str, family: str, opened: dt.date | None = None,
              dob: dt.date | None = None, expected: dt.date | None = None,
              gender: str | None = None, school: str | None = None,
              postcode: str | None = None, known_as: str | None = None,
              opened_by: str | None = None, source: str | None = None,
              new_episode: str | None = None, author: str | None = None):
    """Open a case for a child; the written result's subject is the new case ID.
    ``new_episode``: the child's earlier, closed case, linked both ways in the same commit.
    (The check that the child is not already known is the caller's: ``already_known``.)"""
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
    if new_episode and not casebook.case_path(new_episode).exists():
        refusals.add("unknown-case", f"there is no case {new_episode} in this casebook "
                     "(--new-episode names the child's earlier case)")
    refusals.raise_if_any()
    child = {"given_name": given, "family_name": family}
    if known_as:
        child["known_as"] = known_as
    if dob:
        child["date_of_birth"] = dob
    if expected:
        child["expected_date"] = expected
    if gender:
        child["gender"] = gender
    if postcode:
        child["address"] = {"postcode": postcode}
    if school:
        child["school"] = {"name": school}
    case_id = allocate_id(casebook)
    data = {"id": case_id, "status": "open", "opened": opened}
    if opened_by:
        data["opened_by"] = opened_by
    if source:
        data["source"] = source
    data["child"] = child
    also, what, summary = [], "case opened", None
    if new_episode:
        data["links"] = [{"case": new_episode, "relationship": "previous_episode",
                          "date": opened}]
        also = [(new_episode, _earlier_episode(new_episode, case_id, opened))]
        what = summary = f"case opened (new episode of {new_episode})"

    def text(author_name: str) -> str:
        records.append_event(data, "opened", opened, author_name, summary, today=today)
        return (HEADER.format(id=case_id, modeline=case_modeline(casebook))
                + roundtrip.dump_new(data))

    return records.create_case(casebook, case_id, text, what, author=author, also=also)


def _earlier_episode(old_id: str, new_id: str, opened: dt.date):
    """The earlier case's side of a new episode: closed (an open case is where to record,
    not a reason for a second), and linked to the new one."""
    add_link = links.new_episode_change(new_id, opened)

    def change(doc, ctx):
        if ctx.data.get("status") != "closed":
            refuse("opening a new episode", "episode-still-open",
                   f"{old_id} is still open: record on it, or close it first "
                   f"(lpcli close {old_id} --reason REASON --exit-strategy TEXT)")
        add_link(doc, ctx)
        return ""

    return change


def allocate_id(casebook: Casebook) -> str:
    prefix = casebook.settings.get("case_id_prefix") or "LP"
    return new_case_id(prefix, set(casebook.case_ids()))
