"""Shell completion of IDs where each is expected (issue 15), through click's own protocol:
the _LPCLI_COMPLETE environment variable and COMP_WORDS/COMP_CWORD, as the bash and zsh
scripts click writes call lpcli, run in-process with CliRunner."""

from __future__ import annotations

import os
import time

import pytest
from click.testing import CliRunner

from conftest import MODEL_CASE
from lpcli.cli import cli


def complete(book, words: str, shell: str = "bash", cwd=None) -> list[str]:
    """The values the shell would offer for the last word of ``words`` (an empty last word
    when it ends with a space); ``-C`` names the casebook unless ``cwd`` is given."""
    prefix = "lpcli " if cwd else f"lpcli -C {book.root} "
    line = prefix + words
    parts = line.split(" ")
    env = {"_LPCLI_COMPLETE": f"{shell}_complete", "COMP_WORDS": line,
           "COMP_CWORD": str(len(parts) - 1)}
    runner = CliRunner()
    here = os.getcwd()
    os.chdir(cwd or here)
    try:
        result = runner.invoke(cli, [], env=env, prog_name="lpcli")
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output
    if shell == "bash":
        return [line.split(",", 1)[1] for line in result.output.splitlines() if line]
    lines = result.output.splitlines()
    return lines[1::3]  # zsh: type, value, help


def test_case_ids_complete_from_file_names(book):
    assert complete(book, "show LP-4") == [MODEL_CASE, "LP-4T13D-MWNHN"]
    assert complete(book, "show lp-4f") == [MODEL_CASE]  # IDs are capitals
    assert len(complete(book, "render plan ")) == 17
    assert complete(book, "link LP-4F7QK-9M2XA LP-KH") == ["LP-KHGQ2-5F0Q3"]
    assert complete(book, "new --name x --new-episode LP-9") == ["LP-9FB4E-QAS5G"]


def test_case_ids_complete_from_the_casebook_found_from_here(book):
    sub = book.root / "cases"
    assert MODEL_CASE in complete(book, "history LP-4F", cwd=sub)


@pytest.mark.parametrize("words, expected", [
    ("list --lead ed-", ["ed-okafor", "ed-marsh", "ed-quinn"]),
    ("overdue --lead hv", ["hv-jones"]),
    ("calendar --lead hv", ["hv-jones"]),
    ("new --opened-by fs", ["fs-ahmed", "fs-costa"]),
    (f"assess {MODEL_CASE} --assessor hv", ["hv-jones"]),
    (f"meeting {MODEL_CASE} --kind other --attendee salt", ["salt-evans"]),
    (f"nominate {MODEL_CASE} --attendee po", ["po-harding"]),
    (f"close {MODEL_CASE} --closed-by sw", ["sw-adeyemi"]),
    (f"consent give {MODEL_CASE} --recorded-by ed-o", ["ed-okafor"]),
    (f"render handover {MODEL_CASE} --to salt", ["salt-evans"]),
    ("practitioner show ho", ["ho-brennan"]),
    ("practitioner update fs-ahmed --line-manager fs-c", ["fs-costa"]),
    ("practitioner add ed", []),  # a new ID: nothing to offer
])
def test_practitioner_ids(book, words, expected):
    got = complete(book, words)
    typed = words.rsplit(" ", 1)[1]
    assert set(expected) <= set(got) and all(g.startswith(typed) for g in got)
    if not expected:
        assert got == []


def test_team_members_where_only_the_team_will_do(book):
    team = complete(book, f"team end {MODEL_CASE} ")
    assert set(team) == {"ed-okafor", "salt-evans", "ho-brennan"}
    assert set(complete(book, f"nominate {MODEL_CASE} ")) == set(team)
    everyone = complete(book, f"team add {MODEL_CASE} ")
    assert set(team) < set(everyone)


def test_family_action_and_outcome_ids_come_from_that_case(book):
    assert complete(book, f"family update {MODEL_CASE} ") == ["mum", "nan"]
    assert complete(book, f"family remove {MODEL_CASE} n") == ["nan"]
    assert complete(book, f"consent give {MODEL_CASE} --given-by ") == ["mum", "nan", "child"]
    assert complete(book, f"consent withdraw {MODEL_CASE} --by c") == ["child"]
    assert complete(book, f"meeting {MODEL_CASE} --family-attendee m") == ["mum"]
    assert complete(book, f"action update {MODEL_CASE} ") == ["A1", "A2", "A3", "A4"]
    assert complete(book, f"action add {MODEL_CASE} text --outcome ") == ["O1", "O2"]
    owners = complete(book, f"action add {MODEL_CASE} text --owner ")
    assert {"ed-okafor", "mum", "child"} <= set(owners)
    assert set(complete(book, f"review {MODEL_CASE} --attendee ")) == set(owners)
    assert complete(book, f"review {MODEL_CASE} --outcome-progress O1=g") == [
        "O1=good_progress"]
    settle = complete(book, f"close {MODEL_CASE} --settle A")
    assert "A3=done" in settle and "A3=continues" in settle and "A1=done" not in settle


def test_help_in_zsh_never_holds_a_childs_details(book):
    runner = CliRunner()
    line = f"lpcli -C {book.root} family update {MODEL_CASE} "
    result = runner.invoke(cli, [], prog_name="lpcli", env={
        "_LPCLI_COMPLETE": "zsh_complete", "COMP_WORDS": line,
        "COMP_CWORD": str(len(line.split(" ")) - 1)})
    assert "mum" in result.output and "mother" in result.output
    assert "Sarah" not in result.output and "Hart" not in result.output
    actions = runner.invoke(cli, [], prog_name="lpcli", env={
        "_LPCLI_COMPLETE": "zsh_complete",
        "COMP_WORDS": f"lpcli -C {book.root} action update {MODEL_CASE} ",
        "COMP_CWORD": "6"}).output
    assert "due 20" in actions and "Amelia" not in actions


def test_folders_complete_as_folders(book):
    runner = CliRunner()
    for words, cword in (("lpcli -C /tm", "2"), ("lpcli init /tm", "2"), ("lpcli demo x", "2")):
        result = runner.invoke(cli, [], prog_name="lpcli", env={
            "_LPCLI_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": cword})
        assert result.output.startswith("dir,"), (words, result.output)


def test_no_casebook_or_a_broken_file_completes_nothing(book, tmp_path):
    assert complete(book, f"-C {tmp_path} show LP-", cwd=tmp_path) == []
    book.case(MODEL_CASE).write_text("family: [\n")
    assert complete(book, f"action update {MODEL_CASE} ") == []
    (book.root / "practitioners.yaml").write_text("practitioners: {\n")
    assert complete(book, "list --lead ") == []
    book.case(MODEL_CASE).unlink()
    book.case(MODEL_CASE).symlink_to(tmp_path / "elsewhere.yaml")
    (tmp_path / "elsewhere.yaml").write_text("family:\n  - id: secret\n")
    assert complete(book, f"family update {MODEL_CASE} ") == []  # no link followed


def test_fast_on_ten_thousand_case_files(book):
    """Case IDs from the file names, a case's IDs from that one file: no more is read."""
    cases = book.root / "cases"
    model = book.case(MODEL_CASE).read_bytes()
    for i in range(10_000):
        (cases / f"LP-{i:05d}-XXXXX.yaml").write_bytes(model)
    start = time.perf_counter()
    got = complete(book, "show LP-0001")
    assert len(got) == 10
    assert complete(book, f"action update {MODEL_CASE} ") == ["A1", "A2", "A3", "A4"]
    assert time.perf_counter() - start < 2.0  # a hang guard on a busy machine; ~0.05 s
