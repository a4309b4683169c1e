"""Global conventions: help with examples, version, casebook discovery, init, demo, colour."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from conftest import MODEL_CASE, Book, git
from lpcli import __version__
from lpcli.cli import cli


def all_commands(group=cli, prefix=()):
    for name, cmd in group.commands.items():
        yield prefix + (name,)
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, prefix + (name,))


@pytest.mark.parametrize("command", list(all_commands()), ids=" ".join)
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(cli, [*command, "-h"])
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert f"lpcli {command[0]}" in result.output


def test_version_and_top_level_help():
    assert CliRunner().invoke(cli, ["--version"]).output.strip() == f"lpcli {__version__}"
    out = CliRunner().invoke(cli, ["--help"]).output
    assert "Examples:" in out and "validate" in out


def test_no_casebook_is_exit_2_with_a_hint(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 2
    assert "not inside an lpcli casebook" in result.output and "lpcli init" in result.output


def test_unknown_option_is_exit_2():
    assert CliRunner().invoke(cli, ["list", "--bogus"]).exit_code == 2


def test_casebook_found_from_subfolder_and_env(book, monkeypatch):
    monkeypatch.chdir(book.root / "cases")
    assert CliRunner().invoke(cli, ["validate"]).exit_code == 0
    monkeypatch.chdir(book.root.parent)
    monkeypatch.setenv("LPCLI_CASEBOOK", str(book.root))
    result = CliRunner().invoke(cli, ["show", MODEL_CASE, "--format", "json"])
    assert json.loads(result.output)["id"] == MODEL_CASE


def test_init_makes_a_valid_committed_casebook(tmp_path):
    root = tmp_path / "new-book"
    result = CliRunner().invoke(cli, ["init", str(root), "--agency", "Test Hub"])
    assert result.exit_code == 0, result.output
    book = Book(root)
    assert book.status() == ""
    assert book.git("log", "--format=%s").strip() == "casebook created"
    assert book.git("config", "transfer.fsckObjects").strip() == "true"
    assert book.run("validate").exit_code == 0
    assert book.run("list").output.strip() == "no open cases"
    again = CliRunner().invoke(cli, ["init", str(root), "--agency", "X"])
    assert again.exit_code == 2 and "already" in again.output


def test_init_without_agency_off_terminal_is_usage_error(tmp_path):
    assert CliRunner().invoke(cli, ["init", str(tmp_path / "b")]).exit_code == 2


def test_demo_prints_real_output(tmp_path):
    result = CliRunner().invoke(cli, ["demo", str(tmp_path / "d")])
    assert result.exit_code == 0
    assert "ok:" in result.output or "warning" in result.output
    assert MODEL_CASE in result.output
    assert "Amelia" not in result.output  # no child names in default output
    assert git(tmp_path / "d", "status", "--porcelain") == ""
    plan = tmp_path / "d" / "documents" / f"{MODEL_CASE}-plan.html"
    assert "Millie" in plan.read_text()
    import stat

    for p in [tmp_path / "d", *(tmp_path / "d").rglob("*")]:
        if ".git" not in p.parts:
            assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, p
    refuse = CliRunner().invoke(cli, ["demo", str(tmp_path / "d")])
    assert refuse.exit_code == 2 and "not empty" in refuse.output


def test_color_always_and_no_color(tmp_path, book):
    broken = book.case(MODEL_CASE)
    broken.write_text(broken.read_text().replace("owner: mum", "owner: nobody"))
    always = book.run("--color", "always", "validate")
    assert "\x1b[" in always.output
    assert "\x1b[" not in book.run("validate").output
    assert "\x1b[" not in book.run("validate", env={"NO_COLOR": "1"}).output


@pytest.mark.parametrize("args", [
    ["consent", "withdraw", MODEL_CASE, "--reason", "bad \udcff bytes"],
    ["outcome", "add", MODEL_CASE, "Reads \udcfe\udcff at home"],
    ["family", "add", MODEL_CASE, "--name", "Kim \udcff", "--relationship", "aunt",
     "--no-input"],
    ["find", "H\udcffrt"],
])
def test_text_that_is_not_utf8_is_a_usage_error_and_nothing_is_written(book, args):
    """Bytes that are not UTF-8 reach Python as lone surrogates; written into a record they
    came back out of 'show --format json' as bytes no strict JSON parser reads."""
    head = book.head()
    result = book.run(*args)
    assert result.exit_code == 2, result.output
    assert "not UTF-8" in result.stderr
    assert book.head() == head and not book.status()


def test_a_file_name_that_is_not_utf8_is_still_a_file_name(book, tmp_path):
    out = tmp_path / "reviews-\udcff.ics"
    result = book.run("calendar", "--as-of", "2026-11-20", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.exists()


def _leaves(group, prefix=()):
    import click

    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from _leaves(cmd, (*prefix, name))
        else:
            yield (*prefix, name)


def test_every_command_takes_no_input():
    """A script passes --no-input to every command it runs: none may refuse the option."""
    for path in _leaves(cli):
        result = CliRunner().invoke(cli, [*path, "--no-input", "-h"])
        assert result.exit_code == 0, (path, result.output)
    assert "--no-input" not in CliRunner().invoke(cli, ["list", "-h"]).output  # hidden
