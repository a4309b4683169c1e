"""Data retention: the rule in lpcli.yaml and ``lpcli retention`` on the example casebook.

The example's closed cases (see casebook-example/README.md) closed in autumn 2026; their
children were born between 2013 and 2021.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from lpcli import retention as rt

CLOSED = {"LP-BWXV6-YF1B2", "LP-9FB4E-QAS5G", "LP-NYJ7Z-JD187", "LP-VBTYV-7SAWT"}
BIRTHS = ("2013-10-09", "2013-02-11", "2018-10-30", "2021-02-05")


def set_rule(book, rule: str):
    settings = book.root / "lpcli.yaml"
    settings.write_text(settings.read_text() + rule)
    book.commit_all("settings: retention")


def test_without_a_rule_it_says_how_to_set_one(book):
    result = book.run("retention")
    assert result.exit_code == 2
    assert "no retention rule" in result.output and "years_after_closure" in result.output


def test_whichever_is_later_by_default(book):
    set_rule(book, "retention:\n  years_after_closure: 6\n  until_age: 25\n")
    # Six years after closure (2032) has passed, but no child is 25 yet in 2033.
    none = book.run("retention", "--as-of", "2033-01-01")
    assert none.exit_code == 0 and "0 closed cases past retention" in none.output
    rows = book.json("retention", "--as-of", "2047-01-01")
    assert {r["case"] for r in rows} == CLOSED
    assert [r["retained_until"] for r in rows] == sorted(r["retained_until"] for r in rows)
    assert {r["basis"] for r in rows} == {"until_age"}
    assert rows[0] == {"case": "LP-BWXV6-YF1B2", "closed": "2026-11-03",
                       "reason": "stepped_up_to_social_care", "retained_until": "2038-02",
                       "basis": "until_age"}


def test_whichever_is_earlier(book):
    set_rule(book, "retention:\n  years_after_closure: 6\n  until_age: 25\n"
                   "  keep_until: earlier\n")
    rows = book.json("retention", "--as-of", "2033-01-01")
    assert {r["case"] for r in rows} == CLOSED
    assert {r["basis"] for r in rows} == {"years_after_closure"}
    assert book.json("retention", "--as-of", "2032-09-01") == []  # first closed 2026-09-04


def test_reports_never_give_a_date_of_birth(book):
    set_rule(book, "retention:\n  until_age: 18\n")
    for args in (["retention", "--as-of", "2047-01-01"],
                 ["retention", "--as-of", "2047-01-01", "--format", "json"],
                 ["retention", "--as-of", "2047-01-01", "--format", "csv"]):
        out = book.run(*args).output
        assert "LP-VBTYV-7SAWT" in out
        for born in BIRTHS:
            assert born not in out and born.replace("2013", "2031") not in out
        assert "2039-02-05" not in out  # the 18th birthday, to the day
    text = book.run("retention", "--as-of", "2047-01-01").output
    assert "kept until 2039-02 (18th birthday)" in text


def test_reopened_cases_are_open_and_never_listed(book):
    set_rule(book, "retention:\n  years_after_closure: 1\n")
    assert book.run("reopen", "LP-VBTYV-7SAWT", "--reason", "New concerns").exit_code == 0
    rows = book.json("retention", "--as-of", "2030-01-01")
    assert {r["case"] for r in rows} == CLOSED - {"LP-VBTYV-7SAWT"}


def test_exit_code_and_quiet_for_cron(book):
    set_rule(book, "retention:\n  years_after_closure: 6\n")
    quiet = book.run("retention", "--as-of", "2027-01-01", "--quiet", "--exit-code")
    assert quiet.exit_code == 0 and quiet.output == ""
    due = book.run("retention", "--as-of", "2034-01-01", "--quiet", "--exit-code")
    assert due.exit_code == 1 and "4 closed cases past retention" in due.output
    rows = list(csv.DictReader(io.StringIO(
        book.run("retention", "--as-of", "2034-01-01", "--format", "csv").output)))
    assert list(rows[0]) == list(rt.COLUMNS) and len(rows) == 4


def test_an_invalid_rule_is_reported_by_validate(book):
    set_rule(book, "retention:\n  years_after_closure: -1\n  keep_until: never\n")
    result = book.json("validate")
    assert {d["file"] for d in result if d["severity"] == "error"} == {"lpcli.yaml"}


@pytest.mark.parametrize("born, years, expected", [
    ("2008-02-29", 18, "2026-03-01"),   # no 29 February in 2026
    ("2008-02-29", 16, "2024-02-29"),
    ("2010-06-15", 25, "2035-06-15"),
])
def test_birthdays(born, years, expected):
    assert rt.add_years(dt.date.fromisoformat(born), years).isoformat() == expected


def test_retention_cannot_be_worked_out_without_the_dates():
    pol = rt.Policy(years_after_closure=None, until_age=25)
    case = {"status": "closed", "closure": {"date": "2026-01-01"}, "child": {}}
    assert rt.retained_until(case, pol) is None
    later = rt.Policy(years_after_closure=6, until_age=25)
    assert rt.retained_until(case, later) is None
    earlier = rt.Policy(years_after_closure=6, until_age=25, keep_until="earlier")
    assert rt.retained_until(case, earlier) == (dt.date(2032, 1, 1), "years_after_closure")
