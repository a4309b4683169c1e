"""Personal data (issue 7): owner-only files, and permission warnings from validate."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
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
    assert list((demo / ".git" / "lpcli").glob("cache-*.sqlite3"))

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


# -- validate: file-permissions -------------------------------------------------------------

def permission_warnings(book, *args):
    result = book.run("validate", *args, "--format", "json")
    return result.exit_code, {d["file"]: d for d in json.loads(result.stdout)
                              if d["rule"] == "file-permissions"}


def test_validate_warns_when_others_can_read_a_case_even_with_a_warm_cache(book):
    case = book.case(MODEL_CASE)
    assert book.run("validate").exit_code == 0  # the cache now holds every case's verdict
    assert permission_warnings(book) == (0, {})
    case.chmod(0o644)  # no byte of the file changes: the cache must not hide this
    code, found = permission_warnings(book)
    assert code == 0 and set(found) == {f"cases/{MODEL_CASE}.yaml"}
    warning = found[f"cases/{MODEL_CASE}.yaml"]
    assert warning["severity"] == "warning" and warning["path"] == "."
    assert "mode 0644" in warning["message"]
    text = book.run("validate")
    assert text.exit_code == 0
    assert (f"cases/{MODEL_CASE}.yaml:1:1: warning: .: can be read by its group and others "
            f"(mode 0644)") in text.stdout
    assert f"run 'chmod 600 cases/{MODEL_CASE}.yaml'" in text.stdout
    assert text.stdout.strip().endswith("4 warnings in 19 files")  # the example's 3, and this
    # Only the named file is checked when files are named.
    assert permission_warnings(book, str(case))[1].keys() == {f"cases/{MODEL_CASE}.yaml"}
    assert permission_warnings(book, str(book.case("LP-KHGQ2-5F0Q3")))[1] == {}
    case.chmod(0o600)
    assert permission_warnings(book) == (0, {})


def test_validate_warns_for_settings_directory_and_writable_files(book):
    (book.root / "practitioners.yaml").chmod(0o620)
    (book.root / "lpcli.yaml").chmod(0o604)
    book.case("LP-KHGQ2-5F0Q3").chmod(0o602)
    book.case("LP-8JTNY-17M8T").chmod(0o700)  # executable by its owner: nobody else reads it
    _, found = permission_warnings(book)
    assert set(found) == {"practitioners.yaml", "lpcli.yaml", "cases/LP-KHGQ2-5F0Q3.yaml"}
    assert "can be written by its group (mode 0620)" in found["practitioners.yaml"]["message"]
    assert "can be read by others (mode 0604)" in found["lpcli.yaml"]["message"]
    assert "can be written by others" in found["cases/LP-KHGQ2-5F0Q3.yaml"]["message"]


def test_validate_findings_keep_their_exit_code_alongside_permission_warnings(book):
    case = book.case(MODEL_CASE)
    case.write_text(case.read_text().replace("owner: mum", "owner: nobody"))
    case.chmod(0o644)
    result = book.run("validate")
    assert result.exit_code == 1
    assert "owner 'nobody'" in result.stdout and "mode 0644" in result.stdout


def test_a_loosely_cloned_casebook_gets_a_few_lines_and_one_fix_not_one_line_per_file(
        book, tmp_path):
    # A clone under a usual umask: git records no read permission, so all is readable.
    clone = tmp_path / "clone"
    previous = os.umask(0o022)
    try:
        subprocess.run(["git", "clone", "-q", str(book.root), str(clone)], check=True)
    finally:
        os.umask(previous)
    assert stat.S_IMODE((clone / "cases" / f"{MODEL_CASE}.yaml").stat().st_mode) == 0o644
    cloned = Book(clone)
    result = cloned.run("validate")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    per_file = [ln for ln in lines if "can be read by its group and others" in ln
                or "the git folder" in ln]
    assert len(per_file) == 3  # the git folder first, then the first two files
    assert lines[0].startswith(".git:1:1: warning: .: the git folder holds every version")
    # The example's three warnings are all still there, not folded away.
    assert sum(": warning: .assessment.outcome:" in ln or ".unresolved_nomination" in ln
               for ln in lines) == 3
    total = 17 + 2 + 1  # cases, lpcli.yaml and practitioners.yaml, the git folder
    assert lines[-2] == (f"warning: file-permissions: {total - 3} more files can be read or "
                         "written by people other than their owner ('lpcli validate --format "
                         f"json' lists every one); fix them all with: chmod -R go-rwx {clone}")
    assert lines[-1] == f"{total + 3} warnings in 19 files"
    code, found = permission_warnings(cloned)
    assert code == 0 and len(found) == total and ".git" in found
    # The fix it gives works.
    subprocess.run(["chmod", "-R", "go-rwx", str(clone)], check=True)
    assert permission_warnings(cloned) == (0, {})
