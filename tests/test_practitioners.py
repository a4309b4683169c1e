"""lpcli practitioner: the directory by command, on real casebooks (issue 13).

Each change is one commit of practitioners.yaml alone, named by IDs; a refusal lists every
failed rule, exits 1 and leaves the casebook as it was; no refusal or commit message quotes a
name, phone number or email address.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from conftest import Book
from lpcli.cli import cli

TODAY = "2026-11-20"
NAME, PHONE, EMAIL = "Wilhelmina Strand", "01632 960777", "w.strand@hub.example.org"
MANAGER = "Ottoline Vance"
PERSONAL = [NAME, "Wilhelmina", "Strand", PHONE, EMAIL, MANAGER, "Vance"]
NEW = ["--name", NAME, "--agency", "Riverside Family Hub", "--agency-type", "family_support",
       "--role", "Family support worker"]
HEADER = ("id,name,agency,agency_type,role,phone,email,capacity,line_manager,statutory_roles,"
          "lp_trained")


@pytest.fixture(autouse=True)
def example_day(monkeypatch):
    monkeypatch.setenv("LPCLI_TODAY", TODAY)


@pytest.fixture
def empty(tmp_path) -> Book:
    """A new casebook, as 'lpcli init' makes it: no practitioners yet."""
    root = tmp_path / "new"
    result = CliRunner().invoke(cli, ["init", str(root), "--agency", "Test Hub"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return Book(root)


def directory(book: Book) -> dict:
    return {p["id"]: p for p in book.json("practitioner", "list", "--all")}


def committed_once(book: Book, head: str, message: str) -> None:
    """Exactly one new commit, holding practitioners.yaml alone, and nothing left over."""
    assert book.git("rev-list", "--count", f"{head}..HEAD").strip() == "1"
    assert book.git("log", "-1", "--format=%s").strip() == f"practitioners.yaml: {message}"
    assert book.git("show", "--name-only", "--format=", "HEAD").split() == ["practitioners.yaml"]
    assert book.status() == ""


def refused(book: Book, *args, rules=(), code=1) -> str:
    head, text = book.head(), (book.root / "practitioners.yaml").read_bytes()
    result = book.run(*args)
    assert result.exit_code == code, result.output
    for rule in rules:
        assert f"{rule}:" in result.output, (rule, result.output)
    assert book.head() == head and book.status() == ""
    assert (book.root / "practitioners.yaml").read_bytes() == text
    assert not [p for p in PERSONAL if p in result.output], result.output
    return result.output


def no_personal_data_in_history(book: Book) -> None:
    log = book.git("log", "--all", "--format=%B")
    assert not [p for p in PERSONAL if p in log], log


# -- add ---------------------------------------------------------------------------------------

def test_add_to_a_new_casebook_is_one_commit_and_a_valid_directory(empty):
    head = empty.head()
    result = empty.run("practitioner", "add", "fs-strand", *NEW, "--phone", PHONE, "--email",
                       EMAIL, "--capacity", "4", "--line-manager", MANAGER,
                       "--line-manager-phone", "01632 960778", "--statutory-role", "key_worker",
                       "--lp-trained")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("practitioners.yaml: fs-strand added (commit ")
    committed_once(empty, head, "fs-strand added")
    text = (empty.root / "practitioners.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=.lpcli/schemas/practitioners"
                           ".schema.json\n# Practitioners who work with children")  # comments
    assert "practitioners:\n  - id: fs-strand\n" in text  # a block list, not [{...}]
    assert f"    phone: '{PHONE}'\n" in text and "statutory_roles: [key_worker]" in text
    assert directory(empty)["fs-strand"] == {
        "id": "fs-strand", "name": NAME, "agency": "Riverside Family Hub",
        "agency_type": "family_support", "role": "Family support worker", "phone": PHONE,
        "email": EMAIL, "line_manager": {"name": MANAGER, "phone": "01632 960778"},
        "capacity": 4, "statutory_roles": ["key_worker"], "lp_trained": True}
    assert empty.run("validate").exit_code == 0
    no_personal_data_in_history(empty)


def test_a_line_manager_given_by_id_is_linked_and_capacity_defaults_to_none(book):
    result = book.run("practitioner", "add", "fs-strand", *NEW, "--line-manager", "fs-costa")
    assert result.exit_code == 0, result.output
    assert "capacity 0, so cannot lead cases" in result.stderr
    added = directory(book)["fs-strand"]
    assert added["line_manager"] == {"name": "Nadia Costa", "practitioner": "fs-costa"}
    assert added["capacity"] == 0 and added["lp_trained"] is False
    assert book.run("validate").exit_code == 0


def test_add_refuses_with_every_failed_rule_and_quotes_no_value(book):
    out = refused(book, "practitioner", "add", "fs-ahmed", *NEW, "--phone", "ring " + NAME,
                  "--email", NAME, "--capacity", "201", "--line-manager", "fs-nobody",
                  rules=["duplicate-id", "phone", "email", "capacity", "unknown-line-manager"])
    assert "lpcli practitioner update fs-ahmed" in out
    refused(book, "practitioner", "add", "fs-new", *NEW, "--line-manager", "fs-new",
            "--line-manager-email", "not an address", "--name", " ",
            rules=["line-manager-self", "line-manager-email", "empty"])
    refused(book, "practitioner", "add", "fs-new", *NEW, "--line-manager", "po-harding",
            "--capacity", "-1", rules=["capacity"])
    book.run("practitioner", "leave", "po-harding")
    refused(book, "practitioner", "add", "fs-new", *NEW, "--line-manager", "po-harding",
            "--role", "Worker\nand more", rules=["line-manager-left", "control-character"])


def test_add_without_a_terminal_names_what_is_missing(book):
    out = refused(book, "practitioner", "add", "fs-new", "--name", NAME, "--no-input", code=2)
    assert "missing: --agency, --agency-type, --role" in out
    out = refused(book, "practitioner", "add", "--agency", "X", code=2)
    assert "missing: ID, --name" in out
    out = refused(book, "practitioner", "add", NAME, *NEW, code=2)  # a name where the ID goes
    assert "not a practitioner ID" in out
    refused(book, "practitioner", "add", "fs-new", *NEW[:-2], "--agency-type", "hospital",
            code=2)


# -- update ------------------------------------------------------------------------------------

def test_update_changes_only_what_is_given_and_keeps_comments(book):
    path = book.root / "practitioners.yaml"
    path.write_text(path.read_text().replace("    role: Health visitor\n",
                                             "    role: Health visitor  # term time only\n"))
    book.commit_all("a comment by hand")
    before = directory(book)["hv-jones"]
    head = book.head()
    result = book.run("practitioner", "update", "hv-jones", "--phone", PHONE, "--capacity", "5",
                      "--statutory-role", "key_worker")
    assert result.exit_code == 0, result.output
    committed_once(book, head, "hv-jones updated")
    after = directory(book)["hv-jones"]
    assert after == {**before, "phone": PHONE, "capacity": 5, "statutory_roles": ["key_worker"]}
    assert "    role: Health visitor  # term time only\n" in path.read_text()
    diff = book.git("diff", "HEAD~1", "--", "practitioners.yaml")
    assert len([ln for ln in diff.splitlines() if ln[:1] in "+-" and ln[:3] not in "+++---"]) == 5
    no_personal_data_in_history(book)


def test_update_line_manager_and_clear(book):
    assert book.run("practitioner", "update", "ed-okafor", "--line-manager", "fs-costa",
                    "--not-lp-trained").exit_code == 0
    person = directory(book)["ed-okafor"]
    # A new manager: the old one's email goes with them.
    assert person["line_manager"] == {"name": "Nadia Costa", "practitioner": "fs-costa"}
    assert person["lp_trained"] is False
    assert book.run("practitioner", "update", "ed-okafor", "--line-manager-email",
                    "n.costa@hub.example.org").exit_code == 0
    assert book.run("practitioner", "update", "ed-okafor", "--line-manager", "fs-costa",
                    "--capacity", "3").exit_code == 0  # the same manager keeps their email
    assert directory(book)["ed-okafor"]["line_manager"]["email"] == "n.costa@hub.example.org"
    head = book.head()
    assert book.run("practitioner", "update", "ed-okafor", "--clear", "phone", "--clear",
                    "line_manager_email", "--clear", "statutory_roles").exit_code == 0
    committed_once(book, head, "ed-okafor updated")
    person = directory(book)["ed-okafor"]
    assert "phone" not in person and "email" not in person["line_manager"]
    assert book.run("validate").exit_code == 0


def test_update_refusals(book):
    refused(book, "practitioner", "update", "hv-jones", code=2)  # nothing given
    out = refused(book, "practitioner", "update", "nobody-here", "--capacity", "2", code=2)
    assert "no practitioner nobody-here" in out
    refused(book, "practitioner", "update", "hv-jones", "--phone", PHONE, "--clear", "phone",
            "--email", "nope", rules=["given-and-cleared", "email"])
    refused(book, "practitioner", "update", "hv-jones", "--clear", "line_manager",
            "--line-manager-phone", PHONE, rules=["line-manager-missing"])
    refused(book, "practitioner", "update", "hv-jones", "--capacity", "3", code=2)  # as it is
    refused(book, "practitioner", "update", "hv-jones", "--name", "", rules=["empty"])


# -- list and show -----------------------------------------------------------------------------

def test_list_and_show(book):
    text = book.run("practitioner", "list").stdout
    assert text.splitlines()[0].split() == ["ID", "NAME", "AGENCY", "TYPE", "ROLE", "CAPACITY",
                                            "NOTE"]
    assert text.rstrip().endswith("14 practitioners (active)")
    rows = book.json("practitioner", "list")
    assert len(rows) == 14 and rows[0]["id"] == "ed-okafor"
    out = book.run("practitioner", "list", "--format", "csv").stdout
    table = list(csv.DictReader(io.StringIO(out)))
    assert len(table) == 14
    sw = next(r for r in table if r["id"] == "sw-adeyemi")
    assert sw["statutory_roles"] == "social_worker" and sw["lp_trained"] == "true"
    assert next(r for r in table if r["id"] == "fs-ahmed")["line_manager"] == "fs-costa"
    show = book.run("practitioner", "show", "fs-ahmed").stdout
    assert "line manager:    Nadia Costa (fs-costa)" in show and "status:          active" in show
    assert book.json("practitioner", "show", "fs-ahmed")["capacity"] == 5
    refused(book, "practitioner", "show", "nobody", code=2)


def test_list_of_a_new_casebook_says_how_to_start(empty):
    out = empty.run("practitioner", "list").stdout
    assert "lpcli practitioner add" in out and "lpcli practitioner import" in out
    assert empty.json("practitioner", "list") == []


# -- leave ---------------------------------------------------------------------------------------

def test_leave_marks_inactive_and_lists_the_work_to_hand_on(book):
    head = book.head()
    result = book.run("practitioner", "leave", "ed-marsh")
    assert result.exit_code == 0, result.output
    committed_once(book, head, "ed-marsh left")
    person = directory(book)["ed-marsh"]
    assert person["active"] is False and person["left"] == TODAY
    out = result.stdout
    assert "lpcli handover LP-KHGQ2-5F0Q3 NEW_LEAD --transition lp_leaving_post" in out
    assert "lpcli handover LP-8JTNY-17M8T NEW_LEAD" in out
    assert "lpcli action update LP-KHGQ2-5F0Q3 A3 --status dropped" in out
    assert "Tom Marsh" not in result.output  # IDs only
    assert "ed-marsh" not in [r["id"] for r in book.json("practitioner", "list")]
    assert book.run("validate").exit_code == 0
    # Someone who left is never nominated.
    nominate = book.run("nominate", "LP-TX681-MBQS9", "ed-marsh", "--meeting-date",
                        "2026-11-19", "--family-agreed", "--manager-agreed", "--present",
                        "--rationale", "x")
    assert nominate.exit_code == 1 and "practitioner-inactive" in nominate.output


def test_leave_json_names_the_statutory_cases(book):
    result = book.run("practitioner", "leave", "sw-adeyemi", "--date", "2026-11-18",
                      "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["practitioner"] == "sw-adeyemi" and data["left"] == "2026-11-18"
    assert data["commit"] == book.head()
    assert data["cases_led"] == data["statutory_cases"] == ["LP-7VD05-B4V2C"]
    assert data["actions"] == [{"case": "LP-7VD05-B4V2C", "action": "A1",
                                "due": "2027-02-19"}]


def test_leave_refusals(book):
    refused(book, "practitioner", "leave", "ed-marsh", "--date", "2026-11-21",
            rules=["date-in-future"])
    refused(book, "practitioner", "leave", "ed-marsh", "--date", "20/11/2026", code=2)
    refused(book, "practitioner", "leave", "nobody", code=2)
    out = book.run("practitioner", "leave", "po-harding").stdout
    assert "leads no open case and owns no open action" in out
    refused(book, "practitioner", "leave", "po-harding", rules=["already-left"])


# -- away ----------------------------------------------------------------------------------------

def test_away_records_an_absence_shown_by_show_and_list(book):
    head = book.head()
    result = book.run("practitioner", "away", "ed-okafor", "--from", "2026-11-16", "--to",
                      "2026-12-24", "--reason", "Sick leave")
    assert result.exit_code == 0, result.output
    committed_once(book, head, "ed-okafor absence recorded")
    assert "Sick leave" not in book.git("log", "-1", "--format=%B")
    assert "LP-4F7QK-9M2XA" in result.stdout  # the case they lead needs cover
    assert book.run("practitioner", "away", "ed-okafor", "--from", "2027-01-04", "--to",
                    "2027-01-08").exit_code == 0
    assert directory(book)["ed-okafor"]["absences"] == [
        {"from": "2026-11-16", "to": "2026-12-24", "reason": "Sick leave"},
        {"from": "2027-01-04", "to": "2027-01-08"}]
    show = book.run("practitioner", "show", "ed-okafor").stdout
    assert "2026-11-16 to 2026-12-24  Sick leave" in show
    assert "active, away until 2026-12-24" in show
    assert "away until 2026-12-24" in book.run("practitioner", "list").stdout
    assert book.run("validate").exit_code == 0


def test_away_refusals(book):
    book.run("practitioner", "away", "hv-jones", "--from", "2026-12-01", "--to", "2026-12-10")
    refused(book, "practitioner", "away", "hv-jones", "--from", "2026-12-09", "--to",
            "2026-12-08", "--reason", " ", rules=["absence-dates", "absence-overlap", "empty"])
    refused(book, "practitioner", "away", "hv-jones", "--from", "2026-12-09", code=2)
    book.run("practitioner", "leave", "po-harding")
    refused(book, "practitioner", "away", "po-harding", "--from", "2026-12-01", "--to",
            "2026-12-02", rules=["practitioner-left"])


def test_validate_checks_left_and_absences_written_by_hand(book):
    path = book.root / "practitioners.yaml"
    path.write_text(path.read_text().replace(
        "    capacity: 1\n    lp_trained: true\n  - id: camhs-roberts",
        "    capacity: 1\n    lp_trained: true\n    left: 2026-11-01\n    absences:\n"
        "      - from: 2026-12-10\n        to: 2026-12-01\n  - id: camhs-roberts"))
    result = book.run("validate", str(path), "--format", "json")
    assert result.exit_code == 1
    assert {d["rule"] for d in json.loads(result.stdout)} == {"left-but-active", "absence-dates"}


# -- import --------------------------------------------------------------------------------------

def write(path, text: str, *, bom=False, crlf=False):
    data = text.replace("\n", "\r\n") if crlf else text
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"))
    return str(path)


STAFF = (f"{HEADER}\n"
         f"fs-strand,{NAME},Riverside Family Hub,family_support,Family support worker,{PHONE},"
         f"{EMAIL},4,fs-vance,key_worker; personal_adviser,yes\n"
         f"fs-vance,{MANAGER},Riverside Family Hub,family_support,Manager,,,1,"
         "Head of Early Help,,no\n"
         ",,,,,,,,,,\n")


def test_import_a_spreadsheet_csv_with_bom_and_crlf(empty, tmp_path):
    head = empty.head()
    staff = write(tmp_path / "staff.csv", STAFF.replace("Family support worker",
                                                        '"Family support worker, part-time"'),
                  bom=True, crlf=True)
    result = empty.run("practitioner", "import", staff)
    assert result.exit_code == 0, result.output
    committed_once(empty, head, "import: 2 added")
    assert empty.git("log", "-1", "--format=%b").strip() == "added: fs-strand fs-vance"
    people = directory(empty)
    assert people["fs-strand"]["role"] == "Family support worker, part-time"
    assert people["fs-strand"]["line_manager"] == {"name": MANAGER, "practitioner": "fs-vance"}
    assert people["fs-strand"]["statutory_roles"] == ["key_worker", "personal_adviser"]
    assert people["fs-strand"]["lp_trained"] is True and people["fs-vance"]["lp_trained"] is False
    assert people["fs-strand"]["phone"] == PHONE  # no trailing \r from the CRLF
    assert empty.run("validate").exit_code == 0
    no_personal_data_in_history(empty)


def test_import_with_a_bad_row_writes_nothing_and_lists_every_problem(empty, tmp_path):
    bad = (f"{HEADER}\n"
           f"fs-strand,{NAME},Hub,family_support,Worker,{PHONE},{EMAIL},4,,,yes\n"
           f"fs-two,{NAME},Hub,hospital,Worker,call {NAME},{NAME},lots,fs-nobody,wizard,maybe\n"
           f"{NAME},{NAME},Hub,health,,,,,,,\n"
           f"fs-strand,{NAME},Hub,health,Worker,,,,,,\n"
           f"fs-three,{NAME},Hub,health,Worker,,,,,,,{PHONE}\n")
    out = refused(empty, "practitioner", "import", write(tmp_path / "staff.csv", bad))
    for line, rule in [(3, "agency-type"), (3, "phone"), (3, "email"), (3, "capacity"),
                       (3, "unknown-line-manager"), (3, "statutory-role"), (3, "lp-trained"),
                       (4, "practitioner-id"), (4, "required"), (5, "duplicate-id"),
                       (6, "extra-cells")]:
        assert f"line {line}: {rule}:" in out, (line, rule, out)
    assert "line 2:" not in out
    assert "refused: 11 problems; nothing was changed" in out


def test_import_header_and_file_problems(empty, tmp_path):
    out = refused(empty, "practitioner", "import", write(tmp_path / "a.csv",
                  f"fs-strand,{NAME},Hub,health,Worker\n"))  # no header row
    assert "unknown-column: column B of the header" in out and "missing-column" in out
    refused(empty, "practitioner", "import", write(tmp_path / "b.csv", f"{HEADER}\n"),
            rules=["csv-empty"])
    latin = tmp_path / "c.csv"
    latin.write_bytes(b"id,name,agency,agency_type,role\nx-1,J\xe9r\xf4me,A,health,R\n")
    out = refused(empty, "practitioner", "import", str(latin), rules=["csv-encoding"])
    assert "CSV UTF-8" in out
    refused(empty, "practitioner", "import", str(tmp_path / "missing.csv"), code=2)
    out = refused(empty, "practitioner", "import", write(tmp_path / "d.csv",
                  f"{HEADER}\nfs-x,\"{NAME},Hub,health,Worker,,,,,,\n"), rules=["csv-syntax"])
    assert "line 2: csv-syntax: unexpected end of data" in out
    refused(empty, "practitioner", "import", write(tmp_path / "e.csv", f"{HEADER}\nfs-x,"
            + "x" * 200_000 + ",Hub,health,Worker,,,,,,\n"), rules=["csv-syntax"])
    out = refused(empty, "practitioner", "import", write(tmp_path / "f.csv",
                  f"{HEADER}\nfs-x,A\x00B,Hub,health,Worker,,,,,,\n"))
    assert "line 2: control-character: column name" in out


def test_import_semicolons_and_headers_as_people_write_them(empty, tmp_path):
    text = ("ID;Name;Agency;Agency type;Role;Statutory roles\n"
            f'kw-one;{NAME};Disability Team;social_care;Key worker;"key_worker;personal_adviser"\n')
    result = empty.run("practitioner", "import", write(tmp_path / "s.csv", text),
                       "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"commit": empty.head(), "added": ["kw-one"],
                                         "updated": [], "unchanged": []}
    assert directory(empty)["kw-one"]["statutory_roles"] == ["key_worker", "personal_adviser"]


def test_import_existing_ids_refused_unless_update(book, tmp_path):
    exported = book.run("practitioner", "list", "--all", "--format", "csv").stdout
    staff = write(tmp_path / "staff.csv", exported)
    out = refused(book, "practitioner", "import", staff, rules=["practitioner-exists"])
    assert "--update" in out
    result = book.run("practitioner", "import", staff, "--update")  # the round trip
    assert result.exit_code == 0 and "nothing to change" in result.stdout
    rows = list(csv.DictReader(io.StringIO(exported)))
    for r in rows:
        if r["id"] == "hv-jones":
            r["capacity"], r["phone"] = "6", ""
    rows.append({**rows[0], "id": "fs-strand", "name": NAME, "phone": PHONE, "email": EMAIL,
                 "line_manager": "", "line_manager_email": "", "active": "", "left": ""})
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    head = book.head()
    result = book.run("practitioner", "import", write(tmp_path / "staff2.csv", buf.getvalue()),
                      "--update")
    assert result.exit_code == 0, result.output
    committed_once(book, head, "import: 1 added, 1 updated")
    people = directory(book)
    assert people["hv-jones"]["capacity"] == 6
    assert people["hv-jones"]["phone"] == "01632 960210"  # an empty cell changes nothing
    assert people["fs-strand"]["name"] == NAME
    no_personal_data_in_history(book)


def test_import_cannot_mark_anyone_as_left(book, tmp_path):
    exported = book.run("practitioner", "list", "--format", "csv").stdout
    rows = exported.splitlines()
    rows[1] = rows[1].rsplit(",", 2)[0] + ",false,2026-11-20"
    refused(book, "practitioner", "import", write(tmp_path / "s.csv", "\n".join(rows) + "\n"),
            "--update", rules=["read-only"])


# -- questions in a terminal, and a directory that fails its schema ------------------------------

@pytest.fixture
def terminal(monkeypatch):
    """The commands see a terminal (CliRunner's input stands in for the keyboard)."""
    from types import SimpleNamespace

    import lpcli.cli.practitioner as module

    monkeypatch.setattr(module, "sys", SimpleNamespace(stdin=SimpleNamespace(isatty=lambda: True)))


def test_add_in_a_terminal_asks_for_what_is_missing(empty, terminal):
    answers = ["Not An ID", "fs-strand", NAME, "Riverside Family Hub", "hospital",
               "family_support", "Family support worker", "call me", PHONE, "", MANAGER, "3",
               "wizard", "key_worker", "y"]
    result = empty.run("practitioner", "add", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "That is not a practitioner ID." in result.stderr
    assert "that is not a phone number" in result.stderr
    person = directory(empty)["fs-strand"]
    assert person == {"id": "fs-strand", "name": NAME, "agency": "Riverside Family Hub",
                      "agency_type": "family_support", "role": "Family support worker",
                      "phone": PHONE, "line_manager": {"name": MANAGER}, "capacity": 3,
                      "statutory_roles": ["key_worker"], "lp_trained": True}
    assert empty.status() == ""
    # --no-input never asks, even in a terminal.
    refused(empty, "practitioner", "add", "fs-other", "--no-input", code=2)


def test_away_in_a_terminal_asks_for_the_dates(book, terminal):
    result = book.run("practitioner", "away", "hv-jones",
                      input="2026-12-01\n2026-12-05\nTraining\n")
    assert result.exit_code == 0, result.output
    assert directory(book)["hv-jones"]["absences"] == [
        {"from": "2026-12-01", "to": "2026-12-05", "reason": "Training"}]


def test_a_directory_that_fails_its_schema_stops_every_practitioner_change(book, tmp_path):
    path = book.root / "practitioners.yaml"
    path.write_text(path.read_text().replace("capacity: 12", "capacity: twelve"))
    book.commit_all("broken by hand")
    staff = write(tmp_path / "s.csv", f"{HEADER}\nfs-x,{NAME},Hub,health,Worker,,,,,,\n")
    for args in (["update", "hv-jones", "--capacity", "2"], ["add", "fs-x", *NEW],
                 ["leave", "hv-jones"], ["away", "hv-jones", "--from", TODAY, "--to", TODAY],
                 ["import", staff], ["list"]):
        out = refused(book, "practitioner", *args, code=2)
        assert "practitioners.yaml is not valid" in out and "lpcli validate" in out
