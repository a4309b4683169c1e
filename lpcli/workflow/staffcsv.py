"""A staff list from a spreadsheet into the directory: 'lpcli practitioner import staff.csv'.

A small agency keeps its staff list in a spreadsheet; saved as CSV, it comes in as one change:
every row is checked, and either every row is taken, in one commit, or none is and every
problem is listed by line and column. Spreadsheets save CSV in their own ways, so a UTF-8
byte order mark, CRLF line ends, a semicolon or tab separator and headers written as
'Agency type' are all understood. A problem names the line and the column, never the cell's
value: the cells are people's names, phone numbers and email addresses.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from lpcli.casebook import records
from lpcli.casebook.book import Casebook
from lpcli.core import vocabulary
from lpcli.core.caseid import is_practitioner_id
from lpcli.core.errors import EnvironmentProblem, RuleViolation
from lpcli.workflow.practitioners import (
    REQUIRED,
    Details,
    Problem,
    build,
    directory_list,
    find,
    known_people,
    sync_item,
    target,
    to_yaml,
)

MAX_BYTES = 10 * 1024 * 1024  # a staff list is kilobytes; this is not one
COLUMNS = vocabulary.PRACTITIONER_COLUMNS
READ_ONLY = vocabulary.ACTIVE_COLUMNS  # written by 'list --format csv'; changed by 'leave'
TRUE, FALSE = ("true", "yes", "y", "1"), ("false", "no", "n", "0")


@dataclass
class Row:
    line: int                    # where the row starts in the file (the header is line 1)
    cells: dict                  # column -> text (stripped); empty cells left out
    problems: list = field(default_factory=list)

    @property
    def pid(self) -> str | None:
        pid = self.cells.get("id")
        return pid if is_practitioner_id(pid) else None


class _NothingToChange(Exception):
    """Every row already says what the directory says: nothing to commit (not an error: a
    staff list imported again each month mostly is)."""


@dataclass
class Imported:
    written: records.Written | None  # None: nothing changed
    added: list
    updated: list
    unchanged: list

    def as_dict(self) -> dict:
        return {"commit": self.written.commit if self.written else None, "added": self.added, "updated": self.updated,
                "unchanged": self.unchanged}


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: where a spreadsheet shows the column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def header_name(text: str) -> str:
    """'Agency type', 'agency-type', ' AGENCY_TYPE ' -> 'agency_type'."""
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def decode(raw: bytes, label: str) -> str:
    if len(raw) > MAX_BYTES:
        raise RuleViolation(f"importing {label} refused; nothing was changed",
                            reasons=[f"csv-size: the file is larger than {MAX_BYTES // 2**20} "
                                     "MB; is it the staff list?"])
    try:
        return raw.decode("utf-8-sig")  # a spreadsheet's 'CSV UTF-8' starts with a BOM
    except UnicodeDecodeError:
        raise RuleViolation(
            f"importing {label} refused; nothing was changed",
            reasons=["csv-encoding: the file is not UTF-8 text"],
            hint="in the spreadsheet, save it again as 'CSV UTF-8 (comma delimited)'") from None


def read_rows(text: str, update: bool) -> tuple[list[Row], list[str]]:
    """The data rows, and the problems of the file as a whole (the header)."""
    first = text.split("\n", 1)[0]
    delimiter = "," if "," in first else ";" if ";" in first else "\t" if "\t" in first else ","
    # newline='': csv sees the CRLF line ends (and quoted line breaks) itself.
    # strict: a quote left open is an error, not the rest of the file read into one cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return [], ["csv-empty: the file is empty"]
    except csv.Error as exc:
        return [], [f"line {reader.line_num}: csv-syntax: {exc}"]
    names = [header_name(h) for h in header]
    problems = []
    for i, name in enumerate(names):
        if name and name not in COLUMNS and name not in READ_ONLY:
            # Not quoted: a file without a header row has a name or a phone number here.
            problems.append(f"line 1: unknown-column: column {column_letter(i)} of the header "
                            "is not a column lpcli knows (the columns: "
                            + ", ".join(COLUMNS) + ")")
        elif name and names.index(name) != i:
            problems.append(f"line 1: duplicate-column: column {column_letter(i)} repeats "
                            f"column {column_letter(names.index(name))} ({name})")
    needed = ("id",) if update else ("id", *REQUIRED)
    missing = [n for n in needed if n not in names]
    if missing:
        problems.append("line 1: missing-column: the header has no column "
                        + ", ".join(missing) + (" (a header row naming the columns comes "
                                                "first)" if "id" in missing else ""))
    if problems:
        return [], problems
    rows = []
    start = reader.line_num + 1
    try:
        for cells in reader:
            rows += _row(cells, names, start)
            start = reader.line_num + 1
    except csv.Error as exc:
        # csv's messages describe the syntax ("unexpected end of data"), never the cells.
        return [], [f"line {start}: csv-syntax: {exc}; nothing after it was read"]
    return rows, []


def _row(cells: list, names: list, line: int) -> list[Row]:
    """The row that starts on ``line``, or none for an empty one."""
    if not any(c.strip() for c in cells):
        return []  # the empty lines a spreadsheet leaves at the end
    row = Row(line, {n: c.strip() for n, c in zip(names, cells) if n and c.strip()})
    if len(cells) > len(names):
        row.problems.append(Problem("", "extra-cells", f"the row has {len(cells)} cells and "
                                    f"the header {len(names)}"))
    return [row]


def details(row: Row) -> Details:
    """The row's cells as the options of 'practitioner add' (empty cells: not given)."""
    c = row.cells
    out = Details(**{n: c.get(n) for n in ("name", "agency", "agency_type", "role", "phone",
                                           "email", "line_manager", "line_manager_phone",
                                           "line_manager_email")})
    if "capacity" in c:
        if re.fullmatch(r"[0-9]{1,3}", c["capacity"]):
            out.capacity = int(c["capacity"])
        else:
            row.problems.append(Problem("capacity", "capacity", "is not a whole number from "
                                        "0 to 200"))
    if "statutory_roles" in c:
        roles = [r for r in re.split(r"[\s;,]+", c["statutory_roles"]) if r]
        wrong = [i + 1 for i, r in enumerate(roles) if r not in vocabulary.STATUTORY_ROLES]
        for n in wrong:
            row.problems.append(Problem("statutory_roles", "statutory-role", f"role {n} is not "
                                        "one of " + ", ".join(vocabulary.STATUTORY_ROLES)))
        out.statutory_roles = tuple(roles) if not wrong else None
    if "lp_trained" in c:
        word = c["lp_trained"].lower()
        if word in TRUE + FALSE:
            out.lp_trained = word in TRUE
        else:
            row.problems.append(Problem("lp_trained", "lp-trained", "is not true/false or "
                                        "yes/no"))
    return out


def _read_only(row: Row, current: dict | None) -> None:
    """'active' and 'left' as 'list --format csv' wrote them are accepted unchanged; a
    change is refused: leaving is recorded by 'lpcli practitioner leave', with its list of
    the work to hand on."""
    active, left = row.cells.get("active"), row.cells.get("left")
    if active is None and left is None:
        return
    if active is not None and active.lower() not in TRUE + FALSE:
        row.problems.append(Problem("active", "active", "is not true/false"))
        return
    is_active = current is None or current.get("active") is not False
    if (active is not None and (active.lower() in TRUE) != is_active) or \
            (left is not None and left != (current or {}).get("left")):
        row.problems.append(Problem("active", "read-only", "and column left cannot be changed "
                                    "by an import: use 'lpcli practitioner leave ID'"))


def check_rows(rows: list[Row], data: dict, update: bool):
    """Every row against the directory (``data``) and the other rows: the records to write
    as (row, current record or None, new record), and the rows with problems."""
    known = known_people(data)
    planned = []
    first_line: dict[str, int] = {}
    # Line managers may be named by the ID of a practitioner further down the file.
    incoming = {r.pid: {"name": r.cells.get("name") or known.get(r.pid, {}).get("name", ""),
                        "active": True} for r in rows if r.pid}
    for row in rows:
        wanted = details(row)
        pid = row.pid
        current = known.get(pid) if pid else None
        if pid is None:
            row.problems.append(Problem("id", "practitioner-id", "is " + (
                "empty" if "id" not in row.cells else
                "not a practitioner ID: lower-case letters, digits and hyphens, at most 48")))
        elif pid in first_line:
            row.problems.append(Problem("", "duplicate-id", f"{pid} is also on line "
                                        f"{first_line[pid]}"))
        else:
            first_line[pid] = row.line
            if current is not None and not update:
                row.problems.append(Problem("", "practitioner-exists", f"{pid} is already in "
                                            "the directory"))
        # The rest of the row is checked whatever its ID, so one run lists every problem.
        _read_only(row, current)
        entry, problems, _ = build(pid or "", wanted, current, {**incoming, **known})
        row.problems.extend(p for p in problems if pid or p.field != "id")
        planned.append((row, current, entry))
    return planned


def refuse_rows(label: str, rows: list[Row]) -> None:
    reasons = [f"line {r.line}: {p.rule}: " + (f"column {p.field} " if p.field else "") + p.text
               for r in rows for p in r.problems]
    if reasons:
        exists = any(p.rule == "practitioner-exists" for r in rows for p in r.problems)
        raise RuleViolation(f"importing {label} refused: {len(reasons)} problem"
                            f"{'s' if len(reasons) != 1 else ''}; nothing was changed",
                            reasons=reasons,
                            hint="correct the file (in the spreadsheet, then save it as CSV "
                                 "again) and run the import again"
                                 + ("; to change practitioners already in the directory, add "
                                    "--update" if exists else ""))


def import_staff(casebook: Casebook, path: Path, *, update: bool = False,
                 author: str | None = None) -> Imported:
    """Every row of the CSV at ``path`` into the directory, in one commit, or nothing."""
    label = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise EnvironmentProblem(f"{label} cannot be read ({exc.strerror})") from None
    rows, problems = read_rows(decode(raw, label), update)
    if problems:
        raise RuleViolation(f"importing {label} refused; nothing was changed", reasons=problems,
                            hint="the first line names the columns: "
                                 + ",".join(COLUMNS[:5]) + ",..." if "-column: " in problems[0]
                            else "save it from the spreadsheet as CSV again: a quote left "
                                 "open in a cell, or a cell far too long, cannot be read")
    if not rows:
        raise RuleViolation(f"importing {label} refused; nothing was changed",
                            reasons=["csv-empty: the file has a header but no practitioners"])
    result = {"added": [], "updated": [], "unchanged": []}

    def change(doc, ctx):
        for r in rows:  # under the lock, against the directory as it is now
            r.problems = [p for p in r.problems if p.rule == "extra-cells"]
        planned = check_rows(rows, ctx.data, update)
        refuse_rows(label, rows)
        for row, current, entry in planned:
            if current is None:
                directory_list(doc).append({k: to_yaml(k, v) for k, v in entry.items()})
                result["added"].append(row.pid)
            elif entry != current:
                i, _ = find(ctx.data, row.pid)
                sync_item(doc["practitioners"][i], current, entry)
                result["updated"].append(row.pid)
            else:
                result["unchanged"].append(row.pid)
        if not (result["added"] or result["updated"]):
            raise _NothingToChange
        return commit_message(result["added"], result["updated"])

    try:
        written = records.update_file(casebook, target(casebook), change,
                                      author=author)
    except _NothingToChange:
        written = None
    return Imported(written, **result)


def commit_message(added: list, updated: list) -> str:
    """'import: 3 added, 1 updated' and, below it, the IDs (IDs only, as every message)."""
    counts = ", ".join(f"{len(ids)} {word}" for ids, word in ((added, "added"),
                                                              (updated, "updated")) if ids)
    body = "\n".join(f"{word}: {' '.join(ids)}" for ids, word in ((added, "added"),
                                                                  (updated, "updated")) if ids)
    return f"import: {counts}\n\n{body}"


def flatten(person: dict) -> dict:
    """A record as one CSV row of the import's columns (and 'active', 'left'), so a directory
    listed as CSV imports back with --update unchanged."""
    manager = person.get("line_manager") or {}
    return {"id": person.get("id"), "name": person.get("name"), "agency": person.get("agency"),
            "agency_type": person.get("agency_type"), "role": person.get("role"),
            "phone": person.get("phone"), "email": person.get("email"),
            "capacity": person.get("capacity"),
            "line_manager": manager.get("practitioner") or manager.get("name"),
            "line_manager_phone": manager.get("phone"),
            "line_manager_email": manager.get("email"),
            "statutory_roles": " ".join(person.get("statutory_roles") or []),
            "lp_trained": person.get("lp_trained"),
            "active": person.get("active") is not False, "left": person.get("left")}
