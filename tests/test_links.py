"""Linked cases (issue 15): 'lpcli link' writes both sides in one commit, with the write
path's guarantees for two files (lock, validation of both, journal, atomic writes, one
commit, both put back on failure); validate checks links across the casebook; show, find and
the handover document list them (names only where the other child's consent allows)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from conftest import MODEL_CASE

AMELIA = MODEL_CASE          # consent: education, health, housing...; not police
OSCAR = "LP-KHGQ2-5F0Q3"     # open, led by ed-marsh
RUBY = "LP-RVKC0-XRF53"      # handed over to ed-quinn (Hillcrest Academy, education)
IMOGEN = "LP-9FB4E-QAS5G"    # closed
TODAY = "2026-11-20"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("LPCLI_TODAY", TODAY)


def links(book, case_id):
    return book.json("show", case_id).get("links")


def test_link_writes_both_sides_in_one_commit(book):
    head = book.head()
    result = book.run("link", AMELIA, OSCAR, "--relationship", "sibling")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{AMELIA}: linked to {OSCAR} (sibling) (commit ")
    assert book.git("rev-list", "--count", f"{head}..HEAD").strip() == "1"
    assert sorted(book.git("show", "--name-only", "--format=", "HEAD").split()) == sorted(
        [f"cases/{AMELIA}.yaml", f"cases/{OSCAR}.yaml"])
    assert links(book, AMELIA) == [{"case": OSCAR, "relationship": "sibling", "date": TODAY}]
    assert links(book, OSCAR) == [{"case": AMELIA, "relationship": "sibling", "date": TODAY}]
    events = book.json("show", OSCAR)["events"]
    assert events[-1]["event"] == "linked" and events[-1]["summary"] == \
        f"linked to {AMELIA} (sibling)"
    assert book.run("validate").exit_code == 0 and book.status() == ""
    # The key goes in its place (after the family), comments and other lines untouched.
    text = book.case(AMELIA).read_text()
    assert text.index("\nlinks:") < text.index("\nconsent:")
    diff = book.git("diff", "HEAD~1", "--", f"cases/{AMELIA}.yaml")
    assert not [ln for ln in diff.splitlines() if ln.startswith("-") and not
                ln.startswith("---")]


def test_a_new_episode_is_written_the_right_way_round(book):
    assert book.run("link", AMELIA, IMOGEN, "--relationship", "new_episode").exit_code == 0
    assert links(book, AMELIA)[0]["relationship"] == "previous_episode"
    assert links(book, IMOGEN)[0]["relationship"] == "next_episode"  # a closed case, linked
    rows = {r["case"]: r for r in book.json("find", "Immy")}
    assert rows[IMOGEN]["links"] == [{"case": AMELIA, "relationship": "next_episode"}]
    assert "later episode " + AMELIA in book.run("find", "Immy").stdout


@pytest.mark.parametrize("args, code, rule", [
    ([AMELIA, AMELIA, "--relationship", "sibling"], 2, "itself"),
    ([AMELIA, "LP-ZZZZZ-ZZZZZ", "--relationship", "sibling"], 2, "no case LP-ZZZZZ-ZZZZZ"),
    ([AMELIA, OSCAR], 2, "--relationship"),
    ([AMELIA, OSCAR, "--relationship", "sibling", "--remove"], 2, "--relationship"),
    ([AMELIA, OSCAR, "--relationship", "cousin"], 2, "cousin"),
    ([AMELIA, OSCAR, "--relationship", "sibling", "--date", "2030-01-01"], 1, "date-in-future"),
    ([AMELIA, OSCAR, "--remove"], 1, "not-linked"),
])
def test_link_refusals_change_nothing(book, args, code, rule):
    head = book.head()
    result = book.run("link", *args)
    assert result.exit_code == code, result.output
    assert rule in result.output
    assert book.head() == head and book.status() == ""


def test_linking_twice_is_refused_and_remove_takes_both_sides(book):
    assert book.run("link", AMELIA, OSCAR, "--relationship", "sibling").exit_code == 0
    again = book.run("link", OSCAR, AMELIA, "--relationship", "other")
    assert again.exit_code == 1 and "already-linked" in again.stderr
    removed = book.run("link", OSCAR, AMELIA, "--remove")
    assert removed.exit_code == 0, removed.output
    assert links(book, AMELIA) is None and links(book, OSCAR) is None
    assert book.git("show", "--name-only", "--format=", "HEAD").split().__len__() == 2
    assert book.run("validate").exit_code == 0


def test_validate_checks_links_across_the_casebook(book):
    assert book.run("link", AMELIA, OSCAR, "--relationship", "sibling").exit_code == 0
    oscar = book.case(OSCAR)
    text = oscar.read_text()
    # By hand: one side removed, the other made a mismatch, and a link to a case not there.
    start = text.index("links:\n")
    end = text.index("\nconsent:", start) + 1
    oscar.write_text(text[:start] + text[end:])
    amelia = book.case(AMELIA)
    amelia.write_text(amelia.read_text().replace(
        f"  - case: {OSCAR}\n    relationship: sibling\n",
        f"  - case: {OSCAR}\n    relationship: sibling\n"
        f"  - case: LP-ZZZZZ-ZZZZZ\n    relationship: other\n"))
    diags = json.loads(book.run("validate", "--format", "json").stdout)
    rules = {(d["file"], d["rule"], d["severity"]) for d in diags if "link" in d["rule"]}
    assert rules == {(f"cases/{AMELIA}.yaml", "link-not-returned", "warning"),
                     (f"cases/{AMELIA}.yaml", "link-to-missing-case", "warning")}
    missing = next(d for d in diags if d["rule"] == "link-to-missing-case")
    assert missing["path"] == ".links[1].case" and missing["line"] > 1
    # A link to itself, or the same case twice, is an error in the file itself.
    amelia.write_text(amelia.read_text().replace("case: LP-ZZZZZ-ZZZZZ", f"case: {OSCAR}"))
    rules = [d["rule"] for d in json.loads(book.run("validate", "--format",
                                                    "json").stdout)]
    assert "duplicate-link" in rules


def test_link_mismatch_is_a_warning(book):
    assert book.run("link", AMELIA, OSCAR, "--relationship", "new_episode").exit_code == 0
    oscar = book.case(OSCAR)
    oscar.write_text(oscar.read_text().replace("relationship: next_episode",
                                               "relationship: sibling"))
    diags = json.loads(book.run("validate", "--format", "json").stdout)
    assert {d["rule"] for d in diags if "link" in d["rule"]} == {"link-mismatch"}


def test_the_handover_document_names_a_linked_child_only_where_consent_allows(book):
    assert book.run("link", RUBY, AMELIA, "--relationship", "sibling").exit_code == 0
    doc = book.run("render", "handover", RUBY, "--format", "md").stdout
    assert f"sibling {AMELIA} (Amelia Hart)" in doc
    # Amelia's family withdraws consent: Ruby's receiving school sees the ID alone.
    amelia = book.case(AMELIA)
    amelia.write_text(amelia.read_text().replace("consent:\n", "consent:\n  withdrawn:\n"
                                                 f"    date: {TODAY}\n", 1))
    book.commit_all("consent withdrawn by hand")
    doc = book.run("render", "handover", RUBY, "--format", "md").stdout
    assert f"sibling {AMELIA}" in doc and "Amelia" not in doc
    html = book.run("render", "handover", RUBY).stdout
    assert AMELIA in html and "Amelia" not in html


# -- two files, one commit: failures put both back ------------------------------------------

def lpcli(root, *args, env=None):
    return subprocess.run([sys.executable, "-m", "lpcli", "-C", str(root), *args],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


def test_a_failed_commit_puts_both_files_back(book):
    hook = book.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o700)
    before = {c: book.case(c).read_bytes() for c in (AMELIA, OSCAR)}
    head = book.head()
    result = book.run("link", AMELIA, OSCAR, "--relationship", "sibling")
    assert result.exit_code == 2, result.output
    assert {c: book.case(c).read_bytes() for c in before} == before
    assert book.head() == head and book.status() == ""
    assert not (book.root / ".git" / "lpcli" / "journal.json").exists()


@pytest.mark.parametrize("point", ["after-journal", f"before-rename:{OSCAR}.yaml",
                                   "after-rename", "after-commit"])
def test_a_killed_two_file_write_is_finished_or_undone_by_the_next_command(book, point):
    before = {c: book.case(c).read_bytes() for c in (AMELIA, OSCAR)}
    head = book.head()
    killed = lpcli(book.root, "link", AMELIA, OSCAR, "--relationship", "sibling",
                   env={"LPCLI_TEST_CRASH": point})
    assert killed.returncode == -signal.SIGKILL
    journal = json.loads((book.root / ".git" / "lpcli" / "journal.json").read_text())
    assert journal["format"] == 2 and len(journal["files"]) == 2
    assert set(journal["files"][0]) == {"file", "old", "new"}  # hashes, never content
    after = lpcli(book.root, "outcome", "add", RUBY, "Next change")
    assert after.returncode == 0, after.stderr
    landed = point == "after-commit"
    assert book.git("rev-list", "--count", f"{head}..HEAD").strip() == ("2" if landed else "1")
    now = {c: book.case(c).read_bytes() for c in before}
    if landed:
        assert now != before and all(b"links:" in v for v in now.values())
    else:
        assert now == before
    if point == "after-rename":
        assert "put back as they were committed" in after.stderr
    assert book.status() == ""
    assert lpcli(book.root, "validate").returncode == 0
