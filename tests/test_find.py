"""Is the child already known? 'lpcli find' by name, date of birth, postcode and school, and
'lpcli new' stopping a second case for the same child (issue 15).

Real casebooks (the example), real commands; the matching rules themselves (accents, typos,
postcodes, dates typed the British way) are checked directly in lpcli.core.names.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import MODEL_CASE
from lpcli.core import names

AMELIA = MODEL_CASE          # Amelia Hart, known as Millie, 2018-02-14, RV1 4QT, Brookside
IMOGEN = "LP-9FB4E-QAS5G"    # Imogen Price (Immy), closed, 2013-10-09, RV4 6PA
TODAY = "2026-11-20"


def found(book, *query) -> list[dict]:
    result = book.run("find", *query, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    rows = json.loads(result.stdout)
    assert (result.exit_code == 0) == bool(rows)
    return rows


def ids(rows) -> list[str]:
    return [r["case"] for r in rows]


# -- the matching rules -------------------------------------------------------------------------

@pytest.mark.parametrize("text, folded", [
    ("Zoë", "zoe"), ("O'Brien", "obrien"), ("Smith-Jones", "smith jones"),
    ("ŁUKASZ", "lukasz"), ("Søren", "soren"), ("Ægir", "aegir"), ("  Amelia\tHart ", "amelia hart"),
    ("José María", "jose maria"), ("Straße", "strasse"),
])
def test_names_fold_case_accents_and_punctuation(text, folded):
    assert names.fold(text) == folded


@pytest.mark.parametrize("typed, held, how", [
    ("hart", "hart", "exact"), ("ame", "amelia", "prefix"), ("hrat", "hart", "typo"),
    ("emelia", "amelia", "typo"), ("ameila", "amelia", "typo"), ("amelai", "amelia", "typo"),
    ("leo", "lea", None),  # three letters: a changed letter is another name
    ("a", "amelia", None),  # one letter is not enough
    ("gallager", "gallagher", "typo"), ("callaghen", "gallagher", "typo"),  # long: two
    ("smith", "jones", None),
])
def test_word_match(typed, held, how):
    assert names.word_match(typed, held) == how


def test_distance_stops_at_the_limit():
    assert names.distance("kitten", "sitting", 5) == 3
    assert names.distance("kitten", "sitting", 1) == 2  # 'more than 1'
    assert names.distance("abcd", "abdc", 1) == 1       # a swap is one edit


@pytest.mark.parametrize("typed, date", [
    ("2018-02-14", dt.date(2018, 2, 14)), ("14/02/2018", dt.date(2018, 2, 14)),
    ("14/2/2018", dt.date(2018, 2, 14)), ("14.02.2018", dt.date(2018, 2, 14)),
    ("14-02-2018", dt.date(2018, 2, 14)), ("31/02/2018", None), ("2018-13-01", None),
])
def test_dates_typed_the_british_way(typed, date):
    assert names.typed_date(typed) == date


def test_postcodes():
    assert names.postcode("rv1 4qt") == names.postcode("RV14QT") == "RV14QT"
    assert names.postcode(" SW1A  1AA ") == "SW1A1AA"
    assert names.postcode("Hart") is None and names.postcode(None) is None
    assert names.postcodes_in("Hart rv1 4qt 14/02/2018") == (["RV14QT"],
                                                           "Hart   14/02/2018")


def test_same_child_name():
    child = {"given_name": "Amelia Rose", "family_name": "Hart", "known_as": "Millie"}
    assert names.same_child_name("Amelia", "Hart", child)
    assert names.same_child_name("Millie", "hart", child)
    assert names.same_child_name("Amelia", "Heart", child)       # a typo
    assert not names.same_child_name("Am", "Hart", child)        # the start is not the name
    assert not names.same_child_name("Oscar", "Hart", child)
    assert not names.same_child_name("Amelia", "Pearce", child)


# -- lpcli find ---------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    ["Hart"], ["hart"], ["HART"], ["Amelia"], ["Millie"], ["amelia", "hart"], ["Amélia Härt"],
    ["Hrat"], ["Emelia"], ["Ame"], ["2018-02-14"], ["14/02/2018"], ["RV1 4QT"], ["rv14qt"],
    ["Hart", "14/02/2018"], ["Hart", "RV1"], ["millie", "brookside"],
])
def test_find_the_example_child(book, query):
    rows = found(book, *query)
    assert ids(rows)[0] == AMELIA, rows
    row = rows[0]
    assert row["child_name"] == "Amelia Hart" and row["known_as"] == "Millie"
    assert row["status"] == "open" and row["lead_professional"] == "ed-okafor"
    assert row["date_of_birth"] == "2018-02-14" and row["postcode"] == "RV1 4QT"
    assert row["matched"]


def test_find_says_what_matched_and_how(book):
    (row,) = found(book, "hrat", "14/02/2018")
    assert {(m["field"], m["how"]) for m in row["matched"]} == {
        ("family_name", "typo"), ("date_of_birth", "exact")}
    text = book.run("find", "hrat", "14/02/2018")
    assert text.exit_code == 0
    assert "family name Hart (close spelling)" in text.stdout
    assert "date of birth 2018-02-14" in text.stdout and "1 case found" in text.stdout


def test_find_closed_cases_too(book):
    (row,) = found(book, "Immy")
    assert row["case"] == IMOGEN and row["status"] == "closed"
    assert ids(found(book, "Price", "09/10/2013")) == [IMOGEN]


def test_find_by_school_and_district(book):
    brookside = ids(found(book, "Brookside"))
    assert AMELIA in brookside and len(brookside) >= 5
    assert all(r["school"] == "Brookside Primary School" for r in found(book, "Brookside"))
    district = found(book, "RV1")
    assert AMELIA in ids(district)
    assert all(r["postcode"].startswith("RV1 ") for r in district)


def test_every_part_must_match(book):
    assert found(book, "Hart", "2013-10-09") == []
    assert found(book, "Amelia", "Price") == []


def test_the_best_match_comes_first(book):
    rows = found(book, "Hart")  # exact beats a typo or a start (Harley Dawson: 'har...')
    assert rows[0]["case"] == AMELIA


def test_nothing_found_exits_1_without_repeating_the_query(book):
    result = book.run("find", "Zebedee")
    assert result.exit_code == 1 and result.stdout == ""
    assert "no case matches" in result.stderr and "Zebedee" not in result.stderr
    assert book.run("find", "Zebedee", "--format", "json").stdout.strip() == "[]"


@pytest.mark.parametrize("query", [["31/02/2018"], ["--", "-"], ["'", "!"]])
def test_a_query_that_cannot_be_searched_is_a_usage_error(book, query):
    result = book.run("find", *query)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "31/02" not in result.stderr


def test_find_needs_a_query(book):
    assert book.run("find").exit_code == 2


def test_find_leaves_out_broken_files_and_says_so(book):
    book.case(AMELIA).write_text("id: [\n")
    result = book.run("find", "Hart")
    assert result.exit_code == 1
    assert "1 case file has errors and was left out" in result.stderr
    assert "Hart" not in result.stderr


# -- lpcli new: is the child already known? ----------------------------------------------------

def new(book, *args):
    return book.run("new", *args, "--date", TODAY, "--no-input")


@pytest.mark.parametrize("args, why", [
    (["--name", "Amelia Hart", "--dob", "2018-02-14"], "same name and date of birth"),
    (["--name", "Millie Hart", "--dob", "2018-02-14"], "same name and date of birth"),
    (["--name", "Amelia Heart", "--dob", "2018-02-14"], "same name and date of birth"),
    (["--given", "AMELIA", "--family", "hart", "--dob", "2018-02-14"],
     "same name and date of birth"),
    (["--name", "Sam Jones", "--dob", "2018-02-14", "--postcode", "rv14qt"],
     "same date of birth and postcode"),
])
def test_new_stops_for_a_child_already_known(book, args, why):
    head = book.head()
    result = new(book, *args)
    assert result.exit_code == 1, result.output
    assert "child-already-known" in result.stderr and AMELIA in result.stderr
    assert why in result.stderr and "--different-child" in result.stderr
    assert f"lpcli show {AMELIA}" in result.stderr  # open: record on it
    # Nothing of the other child's record beyond the match: no name, date or postcode.
    for detail in ("Amelia", "Hart", "Millie", "2018-02-14", "RV1 4QT", "Brookside"):
        assert detail not in result.stderr
    assert result.stdout == "" and book.head() == head and book.status() == ""


def test_a_closed_case_offers_reopening_or_a_new_episode(book):
    result = new(book, "--name", "Imogen Price", "--dob", "2013-10-09")
    assert result.exit_code == 1
    assert f"lpcli reopen {IMOGEN}" in result.stderr
    assert f"--new-episode {IMOGEN}" in result.stderr


def test_same_date_of_birth_alone_is_not_the_same_child(book):
    result = new(book, "--name", "Sam Jones", "--dob", "2018-02-14", "--postcode", "RV9 9ZZ")
    assert result.exit_code == 0, result.output


def test_different_child_opens_it(book):
    result = new(book, "--name", "Amelia Hart", "--dob", "2018-02-14", "--different-child")
    assert result.exit_code == 0, result.output
    case_id = result.stdout.strip()
    assert book.git("log", "-1", "--format=%s").strip() == f"{case_id}: case opened"


def test_new_episode_links_both_cases_in_one_commit(book):
    head = book.head()
    result = new(book, "--name", "Imogen Price", "--dob", "2013-10-09", "--postcode", "rv4 6pa",
                 "--known-as", "Immy", "--new-episode", IMOGEN)
    assert result.exit_code == 0, result.output
    new_id = result.stdout.strip()
    assert book.git("rev-list", "--count", f"{head}..HEAD").strip() == "1"
    changed = sorted(book.git("show", "--name-only", "--format=", "HEAD").split())
    assert changed == sorted([f"cases/{new_id}.yaml", f"cases/{IMOGEN}.yaml"])
    assert book.git("log", "-1", "--format=%s").strip() == \
        f"{new_id}: case opened (new episode of {IMOGEN})"
    mine, old = book.json("show", new_id), book.json("show", IMOGEN)
    assert mine["links"] == [{"case": IMOGEN, "relationship": "previous_episode",
                              "date": TODAY}]
    assert old["links"] == [{"case": new_id, "relationship": "next_episode", "date": TODAY}]
    assert old["status"] == "closed"
    assert mine["child"]["address"] == {"postcode": "RV4 6PA"}
    assert mine["child"]["known_as"] == "Immy"
    rows = {r["case"]: r for r in found(book, "Immy")}
    assert rows[new_id]["links"] == [{"case": IMOGEN, "relationship": "previous_episode"}]
    assert book.run("validate").exit_code == 0
    assert book.status() == ""


def test_new_episode_of_an_open_case_is_refused(book):
    head = book.head()
    result = new(book, "--name", "Amelia Hart", "--dob", "2018-02-14", "--new-episode", AMELIA)
    assert result.exit_code == 1
    assert "episode-still-open" in result.stderr
    assert book.head() == head and book.status() == ""
    assert not [p for p in (book.root / "cases").iterdir() if p.name.startswith(".")]


def test_new_episode_of_no_case_and_both_options(book):
    result = new(book, "--name", "Imogen Price", "--dob", "2013-10-09", "--new-episode",
                 "LP-ZZZZZ-ZZZZZ")
    assert result.exit_code == 1 and "unknown-case" in result.stderr
    result = new(book, "--name", "Imogen Price", "--dob", "2013-10-09", "--new-episode",
                 IMOGEN, "--different-child")
    assert result.exit_code == 2


def test_the_check_reads_through_the_cache_and_sees_a_case_just_opened(book):
    first = new(book, "--name", "Nova Quince", "--dob", "2020-06-01")
    assert first.exit_code == 0
    again = new(book, "--name", "Nova Quince", "--dob", "2020-06-01")
    assert again.exit_code == 1 and first.stdout.strip() in again.stderr
