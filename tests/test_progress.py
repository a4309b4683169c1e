"""The progress bar (issue 15): shown only for a run estimated at over a second, estimated
from the files not in the cache (never the total), and never mixed with warnings."""

from __future__ import annotations

import shutil

import pytest

from conftest import MODEL_CASE
from lpcli.cli import output


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(output, "stderr_is_terminal", lambda: True)


def test_the_estimate_decides(terminal):
    bar = output.Progress("Reading")
    assert bar(100, 1) is None                     # 0.3 s: no bar
    assert bar(5000, 8) is not None                # ~2 s even on 8 cores
    assert bar.left().startswith("about ")
    bar.close()
    assert output.Progress("Reading")(int(2 / output.SECONDS_PER_FILE), 2) is None


def test_no_bar_off_a_terminal(monkeypatch):
    monkeypatch.setattr(output, "stderr_is_terminal", lambda: False)
    assert output.Progress("Reading")(100_000, 1) is None


def test_a_cached_run_shows_no_bar(book, terminal, monkeypatch):
    monkeypatch.setattr(output, "SECONDS_PER_FILE", 1.0)  # any file to analyse: a bar
    shutil.rmtree(book.root / ".git" / "lpcli")
    cold = book.run("list")
    assert "Reading 17 case files" in cold.stderr
    book.case(MODEL_CASE).write_text(book.case(MODEL_CASE).read_text() + "# edited\n")
    one = book.run("list")
    assert "Reading 1 case file\n" in one.stderr  # the one file not in the cache, not 17
    warm = book.run("list")
    assert warm.stderr == ""
    assert book.run("validate").stderr == ""


def test_warnings_come_after_the_bar(book, terminal, monkeypatch):
    book.run("list")  # a copy starts with no cache (conftest): warm it, then break one file
    monkeypatch.setattr(output, "SECONDS_PER_FILE", 1.0)
    book.case(MODEL_CASE).write_text("id: [\n")
    result = book.run("overdue", "--as-of", "2026-11-20")
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Reading 1 case file")
    assert lines[-1] == ("lpcli: warning: 1 case file has errors and was left out: run "
                         "'lpcli validate'")
