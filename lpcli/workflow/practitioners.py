"""The practitioner directory, practitioners.yaml: adding and changing practitioners,
recording that one left or will be away, and finding the work a leaver leaves behind.

Every change goes through ``records.update_file`` (lock, re-read, round-trip edit, validation,
atomic write, one commit named ``practitioners.yaml: <IDs and what happened>``). A
practitioner is never removed: cases refer to their ID for as long as the cases are kept
(``records`` refuses a removal), so one who leaves is marked ``active: false`` with the date.

Refusals name options (or, for an import, CSV columns) and say what is wrong in words; they
never quote a value given, which may be someone's name or phone number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lpcli.casebook import records
from lpcli.casebook.book import Casebook
from lpcli.check import facts, schema
from lpcli.core import vocabulary
from lpcli.core.caseid import is_practitioner_id
from lpcli.core.errors import PractitionerNotFound
from lpcli.files import roundtrip
from lpcli.workflow.common import Refusals, set_key

# A practitioner's keys in the order the schema documents them: a key added to a record goes
# in its place, so records written by lpcli and by hand read alike.
ORDER = ("id", "name", "agency", "agency_type", "role", "phone", "email", "line_manager",
         "capacity", "statutory_roles", "lp_trained", "active", "left", "absences")
MANAGER_ORDER = ("name", "practitioner", "phone", "email")
REQUIRED = ("name", "agency", "agency_type", "role")
TEXT_FIELDS = ("name", "agency", "agency_type", "role", "phone", "email")
ITEM = ("properties", "practitioners", "items")  # a practitioner's part of the schema

# The schema's patterns, in words for people (its own descriptions are written for editors).
_PHONE = ("is not a phone number: digits, spaces, brackets and hyphens, 6 to 25 characters, "
          "optionally starting with +")
_EMAIL = "is not an email address (name@agency.example.org)"
FORMS = {"id": "is not a practitioner ID: lower-case letters, digits and hyphens, at most 48, "
               "for example hv-jones",
         "phone": _PHONE, "line_manager_phone": _PHONE,
         "email": _EMAIL, "line_manager_email": _EMAIL}


@dataclass
class Details:
    """What was given for a practitioner. None: not given, so an update leaves it as it is."""

    name: str | None = None
    agency: str | None = None
    agency_type: str | None = None
    role: str | None = None
    phone: str | None = None
    email: str | None = None
    capacity: int | None = None
    line_manager: str | None = None        # a practitioner ID in the directory, or a name
    line_manager_phone: str | None = None
    line_manager_email: str | None = None
    statutory_roles: tuple | None = None
    lp_trained: bool | None = None
    clear: tuple = ()                      # optional details to remove (PRACTITIONER_CLEARABLE)

    def anything(self) -> bool:
        return bool(self.clear) or any(getattr(self, f) is not None for f in (
            *TEXT_FIELDS, "capacity", "line_manager", "line_manager_phone",
            "line_manager_email", "statutory_roles", "lp_trained"))


@dataclass(frozen=True)
class Problem:
    """One failed rule about one field: ``text`` follows the field's label ('--phone', or
    'column phone' in an import), so the same check reads right in both."""

    field: str
    rule: str
    text: str


def option_label(name: str) -> str:
    if name == "id":
        return "ID"
    if name == "statutory_roles":
        return "--statutory-role"
    return "--" + name.replace("_", "-")


def refuse_problems(what: str, problems: list[Problem], hint: str | None = None) -> None:
    refusals = Refusals(what)
    for p in problems:
        refusals.add(p.rule, f"{option_label(p.field)} {p.text}")
    refusals.raise_if_any(hint)


# -- reading the directory ----------------------------------------------------------------------

def entries(data: dict) -> list[dict]:
    return [p for p in data.get("practitioners") or [] if isinstance(p, dict)]


def find(data: dict, pid: str) -> tuple[int, dict]:
    """(index, record) of practitioner ``pid`` in the directory's plain data."""
    for i, p in enumerate(data.get("practitioners") or []):
        if isinstance(p, dict) and p.get("id") == pid:
            return i, p
    raise PractitionerNotFound(f"no practitioner {pid} in practitioners.yaml",
                               hint="run 'lpcli practitioner list --all' to see the IDs")


def record(casebook: Casebook, pid: str) -> dict:
    """One practitioner's record, as the file holds it (dates as YYYY-MM-DD)."""
    person = casebook.directory.get(pid)
    if person is None:
        raise PractitionerNotFound(f"no practitioner {pid} in practitioners.yaml",
                                   hint="run 'lpcli practitioner list --all' to see the IDs")
    return dict(person.data)


def listing(casebook: Casebook, everyone: bool = False) -> list[dict]:
    """The directory's records in file order; without ``everyone``, only those still active."""
    return [dict(p.data) for p in casebook.directory.by_id.values()
            if everyone or p.data.get("active") is not False]


def absence_on(person: dict, day: dt.date) -> dict | None:
    """The absence ``day`` falls in, if any."""
    for a in person.get("absences") or []:
        start, end = facts.as_date(a.get("from")), facts.as_date(a.get("to"))
        if start and end and start <= day <= end:
            return a
    return None


def status_note(person: dict, day: dt.date) -> str:
    """'left 2026-11-20', 'away until 2026-12-24', 'away from 2027-01-04', or ''."""
    if person.get("active") is False:
        return f"left {person['left']}" if person.get("left") else "left"
    now = absence_on(person, day)
    if now is not None:
        return f"away until {now['to']}"
    coming = sorted(str(a["from"]) for a in person.get("absences") or []
                    if (facts.as_date(a.get("from")) or day) > day)
    return f"away from {coming[0]}" if coming else ""


# -- building a record ----------------------------------------------------------------------------

def build(pid: str, details: Details, current: dict | None, known: dict[str, dict]):
    """The practitioner's record after the change (``current`` None: a new practitioner),
    the problems found, and notes for the user. ``known``: every practitioner by ID (the
    directory, and the other rows of an import), to resolve a line manager given by ID."""
    entry = dict(current) if current else {"id": pid}
    problems: list[Problem] = []
    notes: list[str] = []
    for name in details.clear:
        if _given(details, name):
            problems.append(Problem(name, "given-and-cleared",
                                    "is both given and cleared (--clear); choose one"))
    for name in (*TEXT_FIELDS, "line_manager", "line_manager_phone", "line_manager_email"):
        if has_control(getattr(details, name)):
            problems.append(Problem(name, "control-character", CONTROL))
    for name in TEXT_FIELDS:
        value = getattr(details, name)
        if value is not None:
            value = value.strip()
            if value:
                entry[name] = value
            else:
                problems.append(Problem(name, "empty", "is empty"
                                        + ("" if name in REQUIRED else
                                           "; to remove it, use --clear " + name)))
    if details.capacity is not None:
        entry["capacity"] = details.capacity
    if details.statutory_roles is not None:
        entry["statutory_roles"] = list(dict.fromkeys(details.statutory_roles))
    if details.lp_trained is not None:
        entry["lp_trained"] = details.lp_trained
    _clear(entry, details.clear)
    _line_manager(entry, pid, details, known, problems)
    if current is None:
        problems += [Problem(name, "required", "is required for a new practitioner")
                     for name in REQUIRED if name not in entry and not _given(details, name)]
        if "capacity" not in entry:
            entry["capacity"] = 0
            notes.append(f"{pid} has capacity 0, so cannot lead cases; when they can, run "
                         f"'lpcli practitioner update {pid} --capacity N'")
        entry.setdefault("lp_trained", False)
    if not entry.get("statutory_roles"):
        entry.pop("statutory_roles", None)
    problems += _schema_problems(entry, {p.field for p in problems})
    return {k: entry[k] for k in sorted(entry, key=_rank)}, problems, notes


CONTROL = "holds a control character (a line break, a tab, a NUL...); write it on one line"


def has_control(text) -> bool:
    """A line break, tab, NUL or other control character: a copy-and-paste slip in a name or
    a number, which would print badly on every document and report."""
    import unicodedata

    return isinstance(text, str) and any(unicodedata.category(c) == "Cc" for c in text)


def _given(details: Details, name: str) -> bool:
    return getattr(details, name, None) is not None


def _rank(key: str) -> int:
    return ORDER.index(key) if key in ORDER else len(ORDER)


def _clear(entry: dict, clear) -> None:
    for name in clear:
        if name.startswith("line_manager_"):
            manager = dict(entry.get("line_manager") or {})
            manager.pop(name[len("line_manager_"):], None)
            if manager:
                entry["line_manager"] = manager
        else:
            entry.pop(name, None)


def _line_manager(entry: dict, pid: str, details: Details, known: dict, problems: list) -> None:
    """A line manager given as the ID of a practitioner in the directory is stored with
    their name and ID (so their agreement can be traced to them); anything else is a name.
    Contact details belong to the manager: a new manager starts without the old one's."""
    manager = entry.get("line_manager")
    given = details.line_manager
    if given is not None:
        given = given.strip()
        if not given:
            problems.append(Problem("line_manager", "empty", "is empty; to remove it, use "
                                    "--clear line_manager"))
            return
        if given == pid:
            problems.append(Problem("line_manager", "line-manager-self",
                                    "names the practitioner themselves"))
            manager = {"name": given}
        elif given in known:
            other = known[given]
            if other.get("active") is False:
                problems.append(Problem("line_manager", "line-manager-left",
                                        f"names {given}, who has left"))
            manager = _same_or_new(manager, {"name": other.get("name", given),
                                             "practitioner": given})
        elif is_practitioner_id(given) and "-" in given:
            # 'fs-costa' is an ID typed before its practitioner was added, not a name: kept
            # as a name it would never link up. (Not quoted: it might be a name after all.)
            problems.append(Problem("line_manager", "unknown-line-manager",
                                    "looks like a practitioner ID, but no practitioner has "
                                    "it; add them first, or give the manager's full name"))
            manager = {"name": given}  # refused above; kept so its phone, email are checked
        else:
            manager = _same_or_new(manager, {"name": given})
    for part in ("phone", "email"):
        value = getattr(details, f"line_manager_{part}")
        if value is None:
            continue
        if manager is None:
            problems.append(Problem(f"line_manager_{part}", "line-manager-missing",
                                    "needs a line manager: give their name or ID too "
                                    "(--line-manager, or the line_manager column)"))
            continue
        manager = dict(manager)
        manager[part] = value.strip()
    if manager is not None:
        entry["line_manager"] = {k: manager[k] for k in MANAGER_ORDER if k in manager}


def field_problem(name: str, value: str) -> str | None:
    """What is wrong with one text detail on its own (for a question in a terminal, asked
    again at once rather than refusing everything typed at the end), or None."""
    entry = {"id": "x", "name": "x", "agency": "x", "agency_type": "other", "role": "x",
             "capacity": 0}
    if name.startswith("line_manager_"):
        entry["line_manager"] = {"name": "x", name[len("line_manager_"):]: value}
    else:
        entry[name] = value
    problems = _schema_problems(entry, set())
    return problems[0].text if problems else None


def _same_or_new(old: dict | None, new: dict) -> dict:
    """The manager given; if it is the one already recorded, with the contact details
    recorded for them."""
    if old and all(old.get(k) == new.get(k) for k in ("name", "practitioner")):
        return {**old, **new}
    return new


def _schema_problems(entry: dict, already: set) -> list[Problem]:
    """The schema's verdict on the one record, by field (a field already refused above is
    not refused twice; the 'required' ones are reported above, by option)."""
    out = []
    for path, rule, message in schema.part_messages("practitioners", ITEM, entry):
        if rule == "schema-required" or not path:
            continue
        name = path[0]
        if name == "line_manager" and len(path) > 1:
            name = "line_manager" if path[1] == "name" else f"line_manager_{path[1]}"
        if name in already:
            continue
        already = already | {name}
        text = FORMS.get(name) if rule == "schema-format" else None
        out.append(Problem(name, name.replace("_", "-"), text or message))
    return out


# -- writing ---------------------------------------------------------------------------------------

def target(casebook: Casebook) -> records.Target:
    """practitioners.yaml as a write target. Read through the casebook first: a directory
    that fails its schema stops every command (exit 2, saying how to fix it), as the
    casebook's set-up, not as one record refused."""
    casebook.directory  # noqa: B018 - raises EnvironmentProblem when it is not valid
    return records.Target.practitioners(casebook)


def to_yaml(key: str, value):
    """A plain value as the round-trip document should write it: phone numbers quoted, role
    lists on one line, dates as dates."""
    if key == "phone":
        return roundtrip.quoted(value)
    if key == "line_manager":
        return {k: roundtrip.quoted(v) if k == "phone" else v for k, v in value.items()}
    if key == "statutory_roles":
        return roundtrip.flow_list(value)
    if key == "left":
        return roundtrip.to_yaml_date(value)
    if key == "absences":
        return [{k: roundtrip.to_yaml_date(v) if k in ("from", "to") else v
                 for k, v in a.items()} for a in value]
    if key == "supervisions":
        return [{k: roundtrip.to_yaml_date(v) if k == "date" else
                 roundtrip.flow_list(v) if k == "cases" else v for k, v in x.items()}
                for x in value]
    return value


def sync_item(item, before: dict, after: dict) -> None:
    """Make the round-trip mapping ``item`` say ``after``, touching only the keys that
    changed (so comments on the others stay)."""
    for key in list(item.keys()):
        if key not in after:
            del item[key]
    for key, value in after.items():
        if key not in before or before[key] != value:
            set_key(item, key, to_yaml(key, value), after=ORDER[:_rank(key)])


def directory_list(doc):
    """``doc['practitioners']``, ready to append to. The empty ``[]`` 'lpcli init' writes
    would keep its one-line style, putting every practitioner on a line: start a block list."""
    from ruamel.yaml.comments import CommentedSeq

    seq = doc.get("practitioners")
    if seq is None or len(seq) == 0:
        doc["practitioners"] = seq = CommentedSeq()
    return seq


def known_people(data: dict) -> dict[str, dict]:
    return {p["id"]: p for p in entries(data) if isinstance(p.get("id"), str)}


@dataclass
class Changed:
    written: records.Written
    notes: list = field(default_factory=list)


def add(casebook: Casebook, pid: str, details: Details, *, author: str | None = None) -> Changed:
    """Add a practitioner to the directory; refused for an ID already there."""
    notes: list[str] = []

    def change(doc, ctx):
        known = known_people(ctx.data)
        entry, problems, said = build(pid, details, None, known)
        if pid in known:
            problems.insert(0, Problem("id", "duplicate-id", f"{pid} is already in the "
                                       "directory"))
        refuse_problems(f"adding practitioner {pid}", problems,
                        hint=f"to change their details: lpcli practitioner update {pid} ..."
                        if pid in known else None)
        notes.extend(said)
        directory_list(doc).append({k: to_yaml(k, v) for k, v in entry.items()})
        return f"{pid} added"

    written = records.update_file(casebook, target(casebook), change,
                                  author=author)
    return Changed(written, notes)


def update(casebook: Casebook, pid: str, details: Details, *,
           author: str | None = None) -> Changed:
    """Change what ``details`` gives (and remove what it clears); the rest, and the ID, stay."""

    def change(doc, ctx):
        i, current = find(ctx.data, pid)
        entry, problems, _ = build(pid, details, current, known_people(ctx.data))
        refuse_problems(f"updating practitioner {pid}", problems)
        sync_item(doc["practitioners"][i], current, entry)
        return f"{pid} updated"

    return Changed(records.update_file(casebook, target(casebook), change,
                                       author=author))


# -- leaving and absences -------------------------------------------------------------------------

def leave(casebook: Casebook, pid: str, *, date: dt.date | None = None,
          author: str | None = None) -> tuple[records.Written, dt.date]:
    """Mark a practitioner as left on ``date`` (default today): 'active: false' and 'left'.
    Refused twice, and for a date to come (record it on the day: until then they work here)."""
    when = {}

    def change(doc, ctx):
        i, current = find(ctx.data, pid)
        day = when["left"] = date or ctx.today
        refusals = Refusals(f"recording that {pid} left")
        if current.get("active") is False:
            refusals.add("already-left", f"{pid} is already marked as left"
                         + (f" (on {current['left']})" if current.get("left") else ""))
        if day > ctx.today:
            refusals.add("date-in-future", f"the leaving date ({day.isoformat()}) is in the "
                         "future; record it on the day they leave, and plan the handovers "
                         f"before (lpcli list --lead {pid})")
        refusals.raise_if_any()
        item = doc["practitioners"][i]
        sync_item(item, current, {**current, "active": False, "left": day.isoformat()})
        return f"{pid} left"

    written = records.update_file(casebook, target(casebook), change,
                                  author=author)
    return written, when["left"]


def away(casebook: Casebook, pid: str, *, start: dt.date, end: dt.date,
         reason: str | None = None, author: str | None = None) -> records.Written:
    """Record an absence, from ``start`` to ``end`` inclusive (past, present or planned)."""

    def change(doc, ctx):
        i, current = find(ctx.data, pid)
        refusals = Refusals(f"recording an absence of {pid}")
        if end < start:
            refusals.add("absence-dates", "--to is before --from")
        if reason is not None and not reason.strip():
            refusals.add("empty", "--reason is empty; leave it out instead")
        if has_control(reason):
            refusals.add("control-character", f"--reason {CONTROL}")
        if current.get("active") is False:
            left = facts.as_date(current.get("left"))
            if left is None or start > left:
                refusals.add("practitioner-left", f"{pid} has left"
                             + (f" (on {left.isoformat()})" if left else "")
                             + "; an absence after that is not theirs to record")
        for a in current.get("absences") or []:
            other_from, other_to = facts.as_date(a.get("from")), facts.as_date(a.get("to"))
            if other_from and other_to and start <= other_to and other_from <= end:
                refusals.add("absence-overlap", f"it overlaps the absence recorded from "
                             f"{other_from.isoformat()} to {other_to.isoformat()}")
        refusals.raise_if_any()
        absence = {"from": start.isoformat(), "to": end.isoformat()}
        if reason:
            absence["reason"] = reason.strip()
        after = {**current, "absences": [*(current.get("absences") or []), absence]}
        item = doc["practitioners"][i]
        if item.get("absences") is None:
            sync_item(item, current, after)
        else:  # append, so the absences already there keep their lines and comments
            item["absences"].append(to_yaml("absences", [absence])[0])
        return f"{pid} absence recorded"

    return records.update_file(casebook, target(casebook), change,
                               author=author)


@dataclass
class WorkLeft:
    """What a practitioner carries in open cases: cases they lead, cases where they are the
    named statutory practitioner, and actions they own that are still to do."""

    practitioner: str
    cases_led: list = field(default_factory=list)
    statutory_cases: list = field(default_factory=list)
    actions: list = field(default_factory=list)  # {'case', 'action', 'due'}

    def as_dict(self) -> dict:
        return {"cases_led": self.cases_led, "statutory_cases": self.statutory_cases,
                "actions": self.actions}

    def __bool__(self) -> bool:
        return bool(self.cases_led or self.statutory_cases or self.actions)


def work_left(pid: str, cases) -> WorkLeft:
    """From ``cases`` ((case_id, data) pairs, slim copies will do): ``pid``'s open work."""
    work = WorkLeft(pid)
    for case_id, data in cases:
        if data.get("status") != "open":
            continue
        if facts.current_lead(data) == pid:
            work.cases_led.append(case_id)
        if facts.get(data, "statutory", "practitioner") == pid and facts.statutory_lead(data):
            work.statutory_cases.append(case_id)
        plan = data.get("plan") if isinstance(data.get("plan"), dict) else {}
        for a in plan.get("actions") or []:
            if (isinstance(a, dict) and a.get("owner") == pid
                    and a.get("status") in vocabulary.OPEN_ACTION_STATUSES):
                work.actions.append({"case": case_id, "action": a.get("id"),
                                     "due": a.get("due")})
    work.cases_led.sort()
    work.statutory_cases.sort()
    work.actions.sort(key=lambda a: (a["case"], str(a["action"])))
    return work
