"""lpcli retention: closed cases past the retention rule in lpcli.yaml (issue 7).

The example casebook has four closed cases (casebook-example/README.md):

    case            closed      reason                      child born
    LP-NYJ7Z-JD187  2026-09-04  consent_withdrawn           2018-10-30
    LP-9FB4E-QAS5G  2026-10-02  stepped_down_to_universal   2013-10-09
    LP-VBTYV-7SAWT  2026-10-23  needs_met                   2021-02-05
    LP-BWXV6-YF1B2  2026-11-03  stepped_up_to_social_care   2013-02-11
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from lpcli.reports import retention

CLOSED = {"LP-NYJ7Z-JD187": ("2026-09-04", "consent_withdrawn", "2018-10-30"),
          "LP-9FB4E-QAS5G": ("2026-10-02", "stepped_down_to_universal", "2013-10-09"),
          "LP-VBTYV-7SAWT": ("2026-10-23", "needs_met", "2021-02-05"),
          "LP-BWXV6-YF1B2": ("2026-11-03", "stepped_up_to_social_care", "2013-02-11")}
FAR = "2100-01-01"


def set_retention(book, text):
    settings = book.root / "lpcli.yaml"
    settings.write_text(settings.read_text() + text)
    book.commit_all("retention rule")


def listed(book, *args):
    return {r["case"]: r for r in book.json("retention", *args)}


def test_no_rule_is_exit_2_with_a_hint(book):
    result = book.run("retention")
    assert result.exit_code == 2
    assert "no retention rule is set in lpcli.yaml" in result.stderr
    assert "years_after_closure: 6" in result.stderr and result.stdout == ""
    set_retention(book, "retention: {}\n")
    empty = book.run("retention")
    assert empty.exit_code == 2 and "sets no rule" in empty.stderr


def test_an_invalid_rule_is_refused_not_guessed(book):
    set_retention(book, "retention:\n  years_after_closure: six\n")
    result = book.run("retention")
    assert result.exit_code == 2 and "not valid" in result.stderr
    assert "lpcli validate lpcli.yaml" in result.stderr
    found = json.loads(book.run("validate", "--format", "json").stdout)
    assert any(d["file"] == "lpcli.yaml" and d["path"] == ".retention.years_after_closure"
               for d in found)


def test_years_after_closure_counts_from_the_closure_date(book):
    set_retention(book, "retention:\n  years_after_closure: 6\n")
    # The last day of retention is still a day to keep the case.
    assert listed(book, "--as-of", "2032-09-04") == {}
    rows = listed(book, "--as-of", "2032-10-03")
    assert rows == {
        "LP-NYJ7Z-JD187": {"case": "LP-NYJ7Z-JD187", "closed": "2026-09-04",
                           "reason": "consent_withdrawn", "retention_ended": "2032-09-04",
                           "basis": "years_after_closure", "days_past": 29},
        "LP-9FB4E-QAS5G": {"case": "LP-9FB4E-QAS5G", "closed": "2026-10-02",
                           "reason": "stepped_down_to_universal",
                           "retention_ended": "2032-10-02", "basis": "years_after_closure",
                           "days_past": 1}}
    text = book.run("retention", "--as-of", "2032-10-03")
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["CASE", "CLOSED", "REASON", "RETENTION", "ENDED", "DAYS",
                                "PAST"]
    assert lines[1].split() == ["LP-NYJ7Z-JD187", "2026-09-04", "consent_withdrawn",
                                "2032-09-04", "(6", "years", "after", "closure)", "29"]
    assert lines[2].split()[0] == "LP-9FB4E-QAS5G" and lines[2].split()[-1] == "1"
    assert lines[3].startswith("2 of 4 closed cases past retention as of 2032-10-03")
    # Far in the future: every closed case, and never an open one.
    closed_ids = {r["id"] for r in book.json("list", "--status", "closed")}
    assert closed_ids == set(CLOSED)
    assert set(listed(book, "--as-of", FAR)) == closed_ids


def test_text_json_and_csv_carry_the_same_rows(book):
    set_retention(book, "retention:\n  years_after_closure: 2\n")
    rows = book.json("retention", "--as-of", FAR)
    csv_rows = list(csv.DictReader(io.StringIO(
        book.run("retention", "--as-of", FAR, "--format", "csv").stdout)))
    assert [list(r) for r in csv_rows] == [list(retention.COLUMNS)] * 4
    assert [{k: str(v) for k, v in r.items()} for r in rows] == csv_rows
    text = book.run("retention", "--as-of", FAR).stdout
    for r in rows:
        assert f"{r['case']}  {r['closed']}  {r['reason']}" in text
    # Oldest closure first.
    assert [r["case"] for r in rows] == sorted(CLOSED, key=lambda c: CLOSED[c][0])


def test_a_birthday_end_is_withheld_unless_asked_for(book):
    set_retention(book, "retention:\n  until_age: 25\n")
    as_of = "2045-01-01"  # 2045 - 25 = 2020: three children were born before
    rows = listed(book, "--as-of", as_of)
    assert set(rows) == {"LP-NYJ7Z-JD187", "LP-9FB4E-QAS5G", "LP-BWXV6-YF1B2"}
    for case, row in rows.items():
        assert row["basis"] == "until_age"
        assert row["retention_ended"] is None and row["days_past"] is None
    outputs = [book.run("retention", "--as-of", as_of, "--format", f).stdout
               for f in ("text", "json", "csv")]
    assert "on the 25th birthday (date withheld)" in outputs[0]
    for case in rows:
        born = CLOSED[case][2]
        day, month = born[8:], born[5:7]
        for out in outputs:
            # Neither the date of birth nor any anniversary of it.
            assert f"-{month}-{day}" not in out, (case, out)
    exact = listed(book, "--as-of", as_of, "--exact-dates")
    assert exact["LP-9FB4E-QAS5G"]["retention_ended"] == "2038-10-09"
    assert exact["LP-9FB4E-QAS5G"]["days_past"] == (dt.date(2045, 1, 1)
                                                     - dt.date(2038, 10, 9)).days
    assert "2038-10-09 (25th birthday)" in book.run("retention", "--as-of", as_of,
                                                    "--exact-dates").stdout


def test_with_both_rules_the_later_end_decides(book):
    set_retention(book, "retention:\n  years_after_closure: 6\n  until_age: 18\n")
    # LP-9FB4E-QAS5G: 18th birthday 2031-10-09, six years after closure 2032-10-02.
    assert "LP-9FB4E-QAS5G" not in listed(book, "--as-of", "2032-01-01")
    row = listed(book, "--as-of", "2032-10-03")["LP-9FB4E-QAS5G"]
    assert row["basis"] == "years_after_closure" and row["retention_ended"] == "2032-10-02"
    # LP-NYJ7Z-JD187: six years after closure 2032-09-04, 18th birthday 2036-10-30 (withheld).
    assert "LP-NYJ7Z-JD187" not in listed(book, "--as-of", "2036-10-30")
    row = listed(book, "--as-of", "2036-10-31")["LP-NYJ7Z-JD187"]
    assert row["basis"] == "until_age" and row["retention_ended"] is None
    assert listed(book, "--as-of", "2036-10-31", "--exact-dates")["LP-NYJ7Z-JD187"][
        "retention_ended"] == "2036-10-30"


def test_a_reopened_case_is_open_and_a_second_closure_counts_from_its_own_date(
        book, monkeypatch):
    set_retention(book, "retention:\n  years_after_closure: 1\n")
    monkeypatch.setenv("LPCLI_TODAY", "2026-11-20")
    assert book.run("reopen", "LP-VBTYV-7SAWT", "--reason", "New concerns").exit_code == 0
    assert "LP-VBTYV-7SAWT" not in listed(book, "--as-of", FAR)
    assert book.run("close", "LP-VBTYV-7SAWT", "--reason", "needs_met", "--exit-strategy",
                    "Universal services").exit_code == 0
    # The first closure (2026-10-23) is kept in 'reopenings' and no longer counts.
    assert "LP-VBTYV-7SAWT" not in listed(book, "--as-of", "2027-11-20")
    row = listed(book, "--as-of", "2027-11-21")["LP-VBTYV-7SAWT"]
    assert row["closed"] == "2026-11-20" and row["retention_ended"] == "2027-11-20"


def test_an_unborn_childs_expected_date_stands_for_the_birthday(book, monkeypatch):
    set_retention(book, "retention:\n  until_age: 18\n")
    monkeypatch.setenv("LPCLI_TODAY", "2026-11-20")
    unborn = "LP-YAPSH-JPS2T"  # expected 2027-01-22
    assert book.run("close", unborn, "--reason", "moved_out_of_area", "--exit-strategy",
                    "Referred to the new area's health visiting team").exit_code == 0
    assert unborn not in listed(book, "--as-of", "2045-01-22")
    assert listed(book, "--as-of", "2045-01-23", "--exact-dates")[unborn][
        "retention_ended"] == "2045-01-22"


def test_exit_code_and_quiet_for_cron(book):
    set_retention(book, "retention:\n  years_after_closure: 6\n")
    quiet = book.run("retention", "--as-of", "2027-01-01", "--quiet", "--exit-code")
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""
    plain = book.run("retention", "--as-of", "2027-01-01")
    assert plain.exit_code == 0
    assert plain.stdout == "0 of 4 closed cases past retention as of 2027-01-01\n"
    assert book.run("retention", "--as-of", FAR, "--exit-code").exit_code == 1
    assert book.run("retention", "--as-of", FAR).exit_code == 0
    assert book.run("retention", "--as-of", "2032-13-01").exit_code == 2


def test_a_case_whose_end_cannot_be_worked_out_is_left_out_and_said_so(book):
    # A closed case without a closure date fails the schema, so the gate leaves it out of
    # every report, with one line saying so (never its ID or name: the mail may go anywhere).
    set_retention(book, "retention:\n  years_after_closure: 6\n")
    case = book.case("LP-9FB4E-QAS5G")
    text = case.read_text()
    start = text.index("closure:")
    case.write_text(text[:start] + text[start:].replace("  date: 2026-10-02\n", "", 1))
    result = book.run("retention", "--as-of", FAR)
    assert result.exit_code == 0
    assert ("lpcli: warning: 1 case file has errors and was left out: run 'lpcli validate'"
            in result.stderr)
    assert "LP-9FB4E-QAS5G" not in result.stdout
    assert result.stdout.splitlines()[-1].startswith("3 of 3 closed cases past retention")


@pytest.mark.parametrize("born, years, expected", [
    ("2016-02-29", 25, "2041-03-01"),   # never a day early
    ("2016-02-29", 4, "2020-02-29"),
    ("2013-10-09", 25, "2038-10-09"),
])
def test_anniversaries(born, years, expected):
    assert retention.anniversary(dt.date.fromisoformat(born), years).isoformat() == expected


def test_ordinals():
    assert [retention.ordinal(n) for n in (1, 2, 3, 11, 12, 13, 18, 21, 22, 25, 101, 111)] == \
        ["1st", "2nd", "3rd", "11th", "12th", "13th", "18th", "21st", "22nd", "25th", "101st",
         "111th"]
