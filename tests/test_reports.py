"""overdue, caseload, calendar and hooks, on the example casebook as on 2026-11-20."""

from __future__ import annotations

import datetime as dt

import csv
import io
import json
import subprocess


AS_OF = ["--as-of", "2026-11-20"]
# Exactly what casebook-example/README.md says is overdue on 2026-11-20.
EXPECTED = {
    ("LP-KHGQ2-5F0Q3", "review", "review", "2026-10-28"),
    ("LP-JH0F6-6AAVE", "review", "review", "2026-11-11"),
    ("LP-8JTNY-17M8T", "action", "A4", "2026-10-30"),
    ("LP-8JTNY-17M8T", "action", "A3", "2026-11-06"),
    ("LP-GRAYD-P6MNJ", "nomination", "nomination", "2026-10-07"),
    ("LP-6D7NE-43ZY4", "nomination", "escalated, unresolved", "2026-10-25"),
    ("LP-QE74Y-3GRJR", "consent", "consent", "2026-09-22"),
}
CLOSED = {"LP-9FB4E-QAS5G", "LP-VBTYV-7SAWT", "LP-BWXV6-YF1B2", "LP-NYJ7Z-JD187"}


def child_names(book):
    names = set()
    for row in book.json("list", "--status", "all", "--names"):
        names.update(row["child_name"].split())
    return names


def test_overdue_lists_exactly_what_the_example_describes(book):
    items = book.json("overdue", *AS_OF)
    assert {(i["case"], i["kind"], i["item"], i["due"]) for i in items} == EXPECTED
    assert all(i["upcoming"] is False and i["days_overdue"] > 0 for i in items)
    assert not CLOSED & {i["case"] for i in items}
    by_case = {(i["case"], i["item"]): i for i in items}
    assert by_case[("LP-KHGQ2-5F0Q3", "review")]["days_overdue"] == 23
    assert by_case[("LP-KHGQ2-5F0Q3", "review")]["lead_professional"] == "ed-marsh"
    assert by_case[("LP-GRAYD-P6MNJ", "nomination")]["lead_professional"] is None


def test_text_csv_and_json_carry_the_same_items(book):
    js = book.json("overdue", *AS_OF)
    rows = list(csv.DictReader(io.StringIO(book.run("overdue", *AS_OF, "--format", "csv").output)))
    assert [(r["case"], r["kind"], r["item"], r["due"], r["days_overdue"], r["upcoming"])
            for r in rows] == [(i["case"], i["kind"], i["item"], i["due"], str(i["days_overdue"]),
                                "false") for i in js]
    text = book.run("overdue", *AS_OF).output
    lines = [ln for ln in text.splitlines() if ln.startswith("  LP-")]
    assert len(lines) == len(js)
    for i in js:
        assert any(i["case"] in ln and i["due"] in ln and f"{i['days_overdue']} days overdue" in ln
                   for ln in lines)
    assert text.splitlines()[-1] == ("7 overdue (2 reviews, 2 actions, 2 nominations, "
                                     "1 consent) as of 2026-11-20")
    assert "ed-marsh (Tom Marsh)" in text and "no lead professional" in text


def test_due_today_is_upcoming_not_overdue(book):
    items = book.json("overdue", *AS_OF, "--within", "0", "--lead", "ed-marsh")
    a5 = [i for i in items if i["item"] == "A5"]
    assert a5 and a5[0]["upcoming"] is True and a5[0]["days_overdue"] == 0
    assert "due today" in book.run("overdue", *AS_OF, "--within", "0").output
    assert not [i for i in book.json("overdue", *AS_OF) if i["item"] == "A5"]


def test_within_marks_upcoming(book):
    items = book.json("overdue", *AS_OF, "--within", "7")
    upcoming = {(i["case"], i["item"]) for i in items if i["upcoming"]}
    assert ("LP-RVKC0-XRF53", "review") in upcoming            # due 2026-11-25
    assert ("LP-7VD05-B4V2C", "review") not in upcoming        # due 2026-12-03


def test_filters(book):
    assert {i["kind"] for i in book.json("overdue", *AS_OF, "--kind", "review")} == {"review"}
    assert {i["lead_professional"] for i in book.json("overdue", *AS_OF, "--lead", "hv-jones")} \
        == {"hv-jones"}
    by_agency = book.json("overdue", *AS_OF, "--agency", "Brookside Primary School")
    assert by_agency and {i["lead_professional"] for i in by_agency} == {"ed-marsh"}
    assert book.json("overdue", *AS_OF, "--agency", "health") == \
        book.json("overdue", *AS_OF, "--lead", "hv-jones")


def test_review_clears_an_overdue_review(book):
    assert book.run("review", "LP-KHGQ2-5F0Q3", "--date", "2026-11-20", "--no-input",
                    "--progress", "Going well", env={"LPCLI_TODAY": "2026-11-20"}).exit_code == 0
    cases = {(i["case"], i["kind"]) for i in book.json("overdue", *AS_OF)}
    assert ("LP-KHGQ2-5F0Q3", "review") not in cases


def test_two_years_later_every_open_case_review_is_overdue(book):
    later = ["--as-of", "2028-11-20"]
    items = book.json("overdue", *later, "--kind", "review")
    with_plan = {r["id"] for r in book.json("list") if r["next_review_due"]}
    assert {i["case"] for i in items} == with_plan and len(with_plan) == 8
    assert book.run("overdue", *later, "--exit-code").exit_code == 1
    assert book.run("overdue", *later).exit_code == 0


def test_nothing_overdue_exit_code_and_quiet(tmp_path):
    from click.testing import CliRunner

    from conftest import Book
    from lpcli.cli import cli

    root = tmp_path / "empty"
    assert CliRunner().invoke(cli, ["init", str(root), "--agency", "X"]).exit_code == 0
    book = Book(root)
    result = book.run("overdue", "--exit-code")
    assert result.exit_code == 0 and result.output.startswith("nothing overdue as of ")
    assert result.output.count("\n") == 1
    quiet = book.run("overdue", "--quiet", "--exit-code")
    assert quiet.exit_code == 0 and quiet.output == ""
    assert json.loads(book.run("overdue", "--format", "json").output) == []


def test_no_child_names_without_names_option(book):
    names = child_names(book)
    outputs = [book.run("overdue", *AS_OF, "--within", "60", "--format", f).output
               for f in ("text", "json", "csv")]
    outputs += [book.run("caseload", *AS_OF, "--format", f).output for f in ("text", "json", "csv")]
    outputs.append(book.run("calendar", *AS_OF, "--actions").output)
    for out in outputs:
        for name in names:
            assert name not in out.split() and f" {name} " not in out, name
    with_names = book.json("overdue", *AS_OF, "--names")
    assert all(i["child_name"] for i in with_names)
    assert any(n in book.run("overdue", *AS_OF, "--names").output for n in names)


def test_caseload(book):
    rows = {r["practitioner"]: r for r in book.json("caseload", *AS_OF)}
    marsh = rows["ed-marsh"]
    assert marsh["leads"] == 2 and marsh["capacity"] == 2 and marsh["over_capacity"] is False
    assert sorted(marsh["cases"]) == ["LP-8JTNY-17M8T", "LP-KHGQ2-5F0Q3"]
    assert rows["yw-santos"]["actions_overdue"] == 1          # A4 on LP-8JTNY-17M8T
    text = book.run("caseload", *AS_OF).output
    assert "at capacity" in text
    # Push ed-marsh over capacity: it stands out.
    pr = book.root / "practitioners.yaml"
    text = pr.read_text()
    start = text.index("  - id: ed-marsh")
    pr.write_text(text[:start] + text[start:].replace("    capacity: 2\n", "    capacity: 1\n", 1))
    book.commit_all()
    assert book.json("caseload", *AS_OF)[1]["over_capacity"] is True
    assert "OVER CAPACITY" in book.run("caseload", *AS_OF).output
    assert "\x1b[" in book.run("--color", "always", "caseload", *AS_OF).output


def test_calendar_parses_and_uids_are_stable(book, tmp_path):
    import icalendar

    out = tmp_path / "reviews.ics"
    assert book.run("calendar", *AS_OF, "-o", str(out)).exit_code == 0
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    events = cal.walk("VEVENT")
    upcoming = [r for r in book.json("list") if r["next_review_due"]
                and r["next_review_due"] >= "2026-11-20"]
    assert len(events) == len(upcoming) == 6
    for e in events:
        start = e.decoded("DTSTART")  # a datetime when the review has a time of day
        day = start.date() if isinstance(start, dt.datetime) else start
        assert day.isoformat() in {r["next_review_due"] for r in upcoming}
        assert str(e["SUMMARY"]).startswith("Review LP-")
    again = tmp_path / "again.ics"
    book.run("calendar", *AS_OF, "-o", str(again))
    assert again.read_bytes() == out.read_bytes()
    uids = {str(e["UID"]) for e in events}
    # A review moves the event: same UID series, the next one's number.
    book.run("review", "LP-4F7QK-9M2XA", "--date", "2026-11-20", "--no-input",
             "--progress", "Going well", "--next-review", "2027-01-08",
             env={"LPCLI_TODAY": "2026-11-20"})
    cal2 = icalendar.Calendar.from_ical(book.run("calendar", *AS_OF).output.encode())
    uids2 = {str(e["UID"]) for e in cal2.walk("VEVENT")}
    assert len(uids2 ^ uids) == 2 and "LP-4F7QK-9M2XA-review-5@lpcli" in uids2
    mine = icalendar.Calendar.from_ical(book.run("calendar", *AS_OF, "--lead", "ed-okafor")
                                        .output.encode()).walk("VEVENT")
    assert len(mine) == 1


def test_hooks_install_runs_validate_on_commit(book):
    assert book.run("hooks", "install").exit_code == 0
    hook = book.root / ".git" / "hooks" / "pre-commit"
    assert "validate" in hook.read_text()
    case = book.case("LP-4F7QK-9M2XA")
    case.write_text(case.read_text().replace("owner: mum", "owner: nobody"))
    book.git("add", "-A")
    bad = subprocess.run(["git", "commit", "-m", "x"], cwd=book.root, capture_output=True,
                         text=True)
    assert bad.returncode != 0 and "neither a practitioner" in bad.stdout + bad.stderr
    book.git("checkout", "HEAD", "--", ".")
    assert book.run("hooks", "uninstall").exit_code == 0 and not hook.exists()
    hook.write_text("#!/bin/sh\nexit 0\n")
    refused = book.run("hooks", "install")
    assert refused.exit_code == 2 and "--force" in refused.output


def test_pre_commit_hooks_file_is_valid():
    from ruamel.yaml import YAML

    from conftest import REPO

    hooks = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "lpcli-validate" and hooks[0]["entry"] == "lpcli validate --staged"


def test_a_review_with_a_time_of_day_is_a_timed_event(book):
    """The family's plan prints the next review's time; the lead's calendar holds it at
    that time (an hour, floating local time); without a time it stays all day."""
    import icalendar

    def review_event(case_id):
        cal = icalendar.Calendar.from_ical(book.run("calendar", *AS_OF).output.encode())
        return next(e for e in cal.walk("VEVENT") if str(e["UID"]).startswith(case_id))

    timed = review_event("LP-4F7QK-9M2XA")  # the example's next review: 15:30
    assert timed.decoded("DTSTART") == dt.datetime(2026, 12, 16, 15, 30)
    assert timed.decoded("DURATION") == dt.timedelta(hours=1)
    assert str(timed["TRANSP"]) == "OPAQUE"
    book.run("review", "LP-4F7QK-9M2XA", "--date", "2026-11-20", "--no-input",
             "--progress", "Going well", "--next-review", "2027-01-08",
             env={"LPCLI_TODAY": "2026-11-20"})
    whole_day = review_event("LP-4F7QK-9M2XA")
    assert whole_day.decoded("DTSTART") == dt.date(2027, 1, 8)
    assert str(whole_day["TRANSP"]) == "TRANSPARENT"
