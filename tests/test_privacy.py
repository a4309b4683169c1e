"""Personal data (issue 7): owner-only files, and permission warnings from validate."""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MODEL_CASE, Book
from lpcli.cli import cli

AS_OF = "2026-11-20"


@pytest.fixture
def shared_umask():
    """A permissive umask, as a user's shell often has: lpcli must not rely on it."""
    previous = os.umask(0o002)
    yield
    os.umask(previous)


def run_loosely(args, env=None):
    """Run lpcli as from a shell whose umask lets the group and others read new files."""
    os.umask(0o002)
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def group_or_other_access(root: Path) -> list[str]:
    """Every file or folder under ``root`` (itself included, .git too) that the group or
    others may read, write or enter."""
    loose = []
    for p in [root, *root.rglob("*")]:
        if p.is_symlink():
            continue
        if stat.S_IMODE(p.lstat().st_mode) & 0o077:
            loose.append(f"{p.relative_to(root.parent)} {oct(stat.S_IMODE(p.lstat().st_mode))}")
    return loose


def test_everything_lpcli_creates_is_for_its_owner_only(tmp_path, shared_umask):
    # init: the casebook, its git repository (objects, refs, hooks samples, logs...).
    fresh = tmp_path / "fresh"
    assert run_loosely(["init", str(fresh), "--agency", "Test Hub"]).exit_code == 0
    assert group_or_other_access(fresh) == []

    # demo: the example copied from the installed package, plus documents/.
    demo = tmp_path / "demo"
    assert run_loosely(["demo", str(demo)]).exit_code == 0
    assert (demo / "documents").is_dir()
    assert group_or_other_access(demo) == []
    book = Book(demo)
    c = ["-C", str(demo)]

    # new: the case file, and the git objects and refs of its commit.
    new = run_loosely([*c, "new", "--name", "Test Child", "--dob", "2020-01-01"])
    assert new.exit_code == 0, new.output
    new_id = new.stdout.strip()
    assert book.case(new_id).is_file()

    # render -o and calendar -o, to a new folder's files (and a file the demo did not make).
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    assert run_loosely([*c, "render", "plan", MODEL_CASE, "--as-of", AS_OF,
                        "-o", str(out / "plan.html")]).exit_code == 0
    assert run_loosely([*c, "render", "plan", MODEL_CASE, "--format", "md",
                        "-o", str(demo / "documents" / "plan.md")]).exit_code == 0
    assert run_loosely([*c, "calendar", "--as-of", AS_OF, "-o", str(out / "r.ics")]).exit_code == 0
    assert group_or_other_access(out) == []

    # The cache in .git/lpcli/, written by validate and by every report.
    shutil.rmtree(demo / ".git" / "lpcli", ignore_errors=True)
    assert run_loosely([*c, "validate"]).exit_code == 0
    assert run_loosely([*c, "overdue", "--as-of", AS_OF]).exit_code == 0
    assert list((demo / ".git" / "lpcli").glob("cache-*.json"))

    # The pre-commit hook, and a commit made through it (the hook runs lpcli in a child).
    assert run_loosely([*c, "hooks", "install"]).exit_code == 0
    assert run_loosely([*c, "action", "update", MODEL_CASE, "A3", "--status", "done",
                        "--date", AS_OF]).exit_code == 0

    # edit: the draft and its folder, seen by the editor while it is open.
    seen = tmp_path / "seen.json"
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import json, os, stat, sys\n"
        "p = sys.argv[1]\n"
        "modes = {'draft': stat.S_IMODE(os.stat(p).st_mode),\n"
        "         'folder': stat.S_IMODE(os.stat(os.path.dirname(p)).st_mode)}\n"
        f"json.dump(modes, open({str(seen)!r}, 'w'))\n"
        "t = open(p).read()\n"
        "open(p, 'w').write(t.replace('status: in_progress', 'status: done', 1))\n")
    result = run_loosely([*c, "edit", "LP-8JTNY-17M8T"],
                         env={"EDITOR": f"{sys.executable} {editor}"})
    assert result.exit_code == 0, result.output
    assert json.loads(seen.read_text()) == {"draft": 0o600, "folder": 0o700}

    assert group_or_other_access(demo) == []
    assert book.status() == ""
