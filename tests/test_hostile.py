"""Hostile and broken case files: every command that reads cases, against every vector.

Each file in ``tests/fixtures/hostile/`` has its expected verdict in ``verdicts.json``:
the rule ``validate`` must report (and the line, column and a part of the message, where
given), or null for a file that is valid despite looking odd. Every command must end with a
clear message (exit 0, 1 or 2), never a traceback or a hang, and must not print the planted
child's name or date of birth unless its job is to show the record. How fast each verdict
comes is measured by ``tests/benchmarks/hostile.py``, not asserted here.
"""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest

import lpcli_proc
from conftest import FIXTURES, MODEL_CASE

HOSTILE = FIXTURES / "hostile"
VERDICTS = json.loads((HOSTILE / "verdicts.json").read_text())
SENTINELS = ("Zephyrine", "Quillfeather", "2018-02-13", "Zéphyrine")
HANG_GUARD = 30  # seconds: a hang, not a timing target (the benchmark measures speed)

READERS = [  # commands that read cases and must not quote personal data
    ["validate"], ["validate", "--format", "json"], ["list"], ["list", "--format", "json"],
    ["overdue", "--as-of", "2026-11-20"], ["overdue", "--format", "csv"], ["caseload"],
    ["calendar", "--actions"], ["history", MODEL_CASE],
    ["nominate", MODEL_CASE, "--suggest"],
    ["review", MODEL_CASE, "--no-input", "--progress", "x"],
    ["action", "update", MODEL_CASE, "A3", "--status", "done"],
    ["close", MODEL_CASE, "--reason", "needs_met", "--exit-strategy", "x"],
]
SHOWERS = [  # their job is to show the record: personal data only when they succeed
    ["show", MODEL_CASE], ["show", MODEL_CASE, "--format", "json"],
    ["render", "plan", MODEL_CASE, "--format", "md"],
    ["render", "handover", MODEL_CASE, "--format", "md"],
    ["find", "Zephyrine"], ["find", "2018-02-13", "--format", "json"],
]
# An $EDITOR that needs no terminal: it adds a comment line to the file it is given.
EDITOR_SCRIPT = "import sys\nopen(sys.argv[1], 'a', encoding='utf-8').write('# checked\\n')\n"


def plant(book, source=None, data: bytes | None = None):
    target = book.case(MODEL_CASE)
    if target.exists() or target.is_symlink():
        target.unlink()
    if data is None:
        shutil.copyfile(source, target)
    else:
        target.write_bytes(data)
    book.git("add", "-A")
    book.git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "plant")


def run_validate(book):
    """validate in its own process, so that a hang fails the test instead of the suite, and
    a crash (LibYAML's, on deep nesting) fails it without taking pytest down."""
    return lpcli_proc.run(["-C", str(book.root), "validate", "--format", "json"],
                          timeout=HANG_GUARD)


def check_all_commands(book, expect_rule, tmp_path):
    head = book.head()
    editor = tmp_path / "editor.py"
    editor.write_text(EDITOR_SCRIPT)
    edit = (["edit", MODEL_CASE], {"EDITOR": f"{sys.executable} {editor}"})
    for args, env in [*((a, None) for a in READERS + SHOWERS), edit]:
        result = book.run(*args, env=env)
        out = result.output
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, out)
        assert "Traceback" not in out, (args, out)
        if args not in SHOWERS or result.exit_code != 0:
            for s in SENTINELS:
                assert s not in out, (args, s)
    # Refused or not, nothing changed except by a successful, valid write.
    if expect_rule is not None:
        assert book.head() == head
    assert book.status() == ""
    assert not list((book.root / "cases").glob(".*.tmp-*"))


@pytest.mark.parametrize("name", sorted(VERDICTS), ids=lambda n: n[:-5])
def test_hostile_vector(bare_book, name, tmp_path):
    verdict = VERDICTS[name]
    plant(bare_book, HOSTILE / name)
    proc = run_validate(bare_book)
    assert "Traceback" not in proc.stderr + proc.stdout
    diags = json.loads(proc.stdout)
    mine = [d for d in diags if d["file"] == f"cases/{MODEL_CASE}.yaml"]
    if verdict["rule"] is None:
        assert proc.returncode == 0, mine
        assert not [d for d in mine if d["severity"] == "error"]
    else:
        assert proc.returncode == 1
        rules = [d["rule"] for d in mine]
        assert verdict["rule"] in rules, (rules, proc.stderr)
        hits = [d for d in mine if d["rule"] == verdict["rule"]
                and all(d[k] == verdict[k] for k in ("line", "column") if k in verdict)]
        assert hits, mine
        if "message" in verdict:
            assert any(verdict["message"] in d["message"] for d in hits), hits
    for s in SENTINELS:
        assert s not in proc.stdout + proc.stderr
    shown = bare_book.run("show", MODEL_CASE)
    if shown.exit_code != 0:  # a file that cannot be read at all: where, and why
        fatal = [d for d in mine if d["rule"] == verdict["rule"]][0]
        where = f"cases/{MODEL_CASE}.yaml:{fatal['line']}:{fatal['column']}: cannot be read: "
        assert where in shown.output
        if not fatal["rule"].startswith("schema"):
            assert where + fatal["message"] in shown.output
    check_all_commands(bare_book, verdict["rule"], tmp_path)


def test_every_fixture_has_a_verdict():
    assert sorted(p.name for p in HOSTILE.glob("*.yaml")) == sorted(VERDICTS)


def test_yaml_1_1_words_stay_text(bare_book):
    """The Norway problem: in YAML 1.2, 'no', 'on' and 'y' are text, and stay text."""
    plant(bare_book, HOSTILE / "yaml11-norway.yaml")
    data = bare_book.json("show", MODEL_CASE)
    assert data["child"]["languages"] == ["English", "no", "on", "y"]
    phone = bare_book.json("show", MODEL_CASE)["family"][0]["phone"]
    assert phone == "07700 900123"  # quoted: text with its leading zero


def test_huge_file_is_refused_before_parsing(bare_book, tmp_path):
    big = b"id: LP-4F7QK-9M2XA\nnotes: '" + b"x" * (600 * 1024) + b"'\n"
    plant(bare_book, data=big)
    proc = run_validate(bare_book)
    assert proc.returncode == 1
    diags = json.loads(proc.stdout)
    assert [d["rule"] for d in diags] == ["file-too-large"]
    assert "limit" in diags[0]["message"]
    check_all_commands(bare_book, "file-too-large", tmp_path)


def test_symlinked_case_file_is_refused(bare_book, tmp_path):
    secret = tmp_path / "elsewhere.yaml"
    shutil.copyfile(HOSTILE / "bom.yaml", secret)
    target = bare_book.case(MODEL_CASE)
    os.symlink(secret, target)
    bare_book.git("add", "-A")
    bare_book.git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "l")
    proc = run_validate(bare_book)
    assert proc.returncode == 1
    assert [d["rule"] for d in json.loads(proc.stdout)] == ["symlink"]
    check_all_commands(bare_book, "symlink", tmp_path)
    assert secret.read_bytes() == (HOSTILE / "bom.yaml").read_bytes()


def test_fifo_case_file_does_not_hang(bare_book):
    """A named pipe where a case file belongs: opening it for reading would wait for a
    writer forever, so lpcli must refuse it without waiting."""
    os.mkfifo(bare_book.case(MODEL_CASE))
    proc = run_validate(bare_book)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    diags = json.loads(proc.stdout)
    assert [(d["file"], d["rule"]) for d in diags] == [(f"cases/{MODEL_CASE}.yaml",
                                                         "unreadable")]
    assert "not a regular file" in diags[0]["message"]
    show = lpcli_proc.run(["-C", str(bare_book.root), "show", MODEL_CASE], timeout=HANG_GUARD)
    assert show.returncode == 2 and "Traceback" not in show.stderr


def test_edit_keeps_windows_line_endings(bare_book):
    """An editor that changes nothing must not turn CRLF into LF and commit every line."""
    plant(bare_book, HOSTILE / "crlf.yaml")
    head, before = bare_book.head(), bare_book.case(MODEL_CASE).read_bytes()
    result = bare_book.run("edit", MODEL_CASE, env={"EDITOR": "true"})
    assert result.exit_code == 0 and "No changes" in result.output, result.output
    assert bare_book.head() == head and bare_book.case(MODEL_CASE).read_bytes() == before


def test_edit_that_saves_non_utf8_is_refused(bare_book, tmp_path):
    plant(bare_book, HOSTILE / "bom.yaml")
    head, before = bare_book.head(), bare_book.case(MODEL_CASE).read_bytes()
    editor = tmp_path / "latin1-editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'ab').write(b'# caf\\xe9\\n')\n")
    result = bare_book.run("edit", MODEL_CASE, env={"EDITOR": f"{sys.executable} {editor}"})
    assert result.exit_code == 2 and "not UTF-8" in result.output, result.output
    assert bare_book.head() == head and bare_book.case(MODEL_CASE).read_bytes() == before
    assert not list((bare_book.root / ".git" / "lpcli-edit").iterdir())


CASE_COMMANDS = [["show"], ["history"], ["edit"], ["render", "plan"], ["render", "handover"],
                 ["review"], ["nominate"], ["action", "add"], ["action", "update"],
                 ["outcome", "add"], ["handover"], ["close"], ["reopen"], ["link"]]


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "--output=x", "LP-\u0661\u0662\u0663-ABCDE",
                                 "LP-ABCDE-FGHJK\n", "LP-ABCDE-FGHJK/../..", ".", ""])
@pytest.mark.parametrize("command", CASE_COMMANDS, ids=" ".join)
def test_case_ids_that_attack_paths_or_options(book, bad, command):
    """Checked when the command line is parsed, before any other option is looked at."""
    head = book.head()
    result = book.run(*command, "--", bad)
    assert result.exit_code == 2, result.output
    assert "not a case ID" in result.output and "Traceback" not in result.output
    if len(bad.strip()) >= 4:
        assert bad.strip() not in result.output  # never echoed: it may be a child's name
    assert book.status() == "" and book.head() == head
