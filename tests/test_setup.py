"""A casebook that fits the tools people already use (issue 15): schemas for editors inside
the casebook and VS Code's settings, the comments in the files lpcli writes pointing at them,
documents where git cannot commit them, and 'lpcli doctor' checking all of it."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MODEL_CASE, Book, git
from lpcli.cli import cli
from lpcli.core.resources import schemas_dir

SCHEMAS = ("case", "practitioners", "settings")


@pytest.fixture
def fresh(tmp_path) -> Book:
    root = tmp_path / "casebook"
    result = CliRunner().invoke(cli, ["init", str(root), "--agency", "Test Hub"])
    assert result.exit_code == 0, result.output
    return Book(root)


def modeline_target(path: Path) -> Path | None:
    first = path.read_text().splitlines()[0]
    m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    return (path.parent / m.group(1)).resolve() if m else None


def test_init_writes_the_schemas_editor_settings_and_ignores(fresh):
    root = fresh.root
    for kind in SCHEMAS:
        copy = root / ".lpcli" / "schemas" / f"{kind}.schema.json"
        assert copy.read_bytes() == (schemas_dir() / f"{kind}.schema.json").read_bytes()
    tracked = fresh.git("ls-files").split()
    assert ".lpcli/schemas/case.schema.json" in tracked and ".vscode/settings.json" in tracked
    settings = json.loads((root / ".vscode" / "settings.json").read_text())
    for pattern, files in settings["yaml.schemas"].items():
        assert (root / pattern).is_file()
    assert set(settings["yaml.schemas"].values()) == {"cases/*.yaml", "practitioners.yaml",
                                                      "lpcli.yaml"}
    assert (root / "documents").is_dir() and oct((root / "documents").stat().st_mode)[-3:] == \
        "700"
    assert fresh.status() == ""


def test_every_schema_comment_points_at_something_that_exists(fresh):
    root = fresh.root
    for name, kind in (("lpcli.yaml", "settings"), ("practitioners.yaml", "practitioners")):
        text = (root / name).read_text()
        assert modeline_target(root / name) == (root / ".lpcli/schemas" /
                                                f"{kind}.schema.json").resolve()
        for mentioned in re.findall(r"[\w./-]+\.schema\.json", text):
            assert (root / mentioned).is_file() or (root / name).parent.joinpath(
                mentioned).resolve().is_file(), mentioned
    result = fresh.run("new", "--name", "Test Child", "--dob", "2020-01-01", "--no-input")
    case = fresh.case(result.stdout.strip())
    assert modeline_target(case) == (root / ".lpcli/schemas/case.schema.json").resolve()
    assert fresh.run("validate").exit_code == 0


def test_the_schema_line_keeps_working_in_a_clone_elsewhere(fresh, tmp_path):
    fresh.run("new", "--name", "Test Child", "--dob", "2020-01-01", "--no-input")
    clone = tmp_path / "elsewhere" / "copy"
    git(tmp_path, "clone", "-q", str(fresh.root), str(clone))
    case = next((clone / "cases").glob("LP-*.yaml"))
    assert modeline_target(case).is_file()
    assert modeline_target(case).is_relative_to(clone)


def test_a_casebook_without_the_schemas_gets_no_dangling_line(book):
    """An older casebook: no line until 'doctor --fix' puts the schemas there."""
    import shutil

    shutil.rmtree(book.root / ".lpcli")
    book.commit_all("an older casebook")
    result = book.run("new", "--name", "Test Child", "--dob", "2020-01-01", "--no-input")
    assert modeline_target(book.case(result.stdout.strip())) is None


def test_validate_does_not_take_the_schemas_for_cases(book):
    result = book.run("validate")
    assert result.exit_code == 0 and "19 files" in result.stdout
    named = book.run("validate", str(book.root / ".lpcli" / "schemas" / "case.schema.json"))
    assert named.exit_code == 1 and "lpcli checks lpcli.yaml" in named.stdout


# -- documents never tracked by accident --------------------------------------------------------

def test_render_pdf_goes_to_documents_and_git_ignores_it(book, tmp_path, monkeypatch):
    pytest.importorskip("weasyprint")
    monkeypatch.chdir(tmp_path)  # wherever it is run from
    result = book.run("render", "plan", MODEL_CASE, "--format", "pdf")
    assert result.exit_code == 0, result.output
    pdf = book.root / "documents" / f"{MODEL_CASE}-plan.pdf"
    assert pdf.is_file() and f"wrote {pdf}" in result.stderr
    assert not list(tmp_path.glob("*.pdf"))
    assert book.status() == "" and "warning" not in result.stderr


def test_render_into_an_unignored_place_in_the_casebook_warns(book):
    out = book.root / "notes" / "plan.md"
    out.parent.mkdir()
    result = book.run("render", "plan", MODEL_CASE, "--format", "md", "-o", str(out))
    assert result.exit_code == 0
    assert "notes/plan.md is inside the casebook and git does not ignore it" in result.stderr
    ignored = book.run("render", "plan", MODEL_CASE, "-o", str(book.root / "plan.html"))
    assert "warning" not in ignored.stderr  # *.html is ignored
    calendar = book.run("calendar", "-o", str(book.root / "reviews.ics"))
    assert "warning" not in calendar.stderr
    assert book.status() == "?? notes/\n"


def test_a_documents_symlink_is_not_followed(book, tmp_path):
    pytest.importorskip("weasyprint")
    import shutil

    shutil.rmtree(book.root / "documents")
    outside = tmp_path / "outside"
    outside.mkdir()
    (book.root / "documents").symlink_to(outside)
    result = book.run("render", "plan", MODEL_CASE, "--format", "pdf")
    assert result.exit_code == 2 and "not a folder" in result.stderr
    assert not list(outside.iterdir())


# -- doctor ------------------------------------------------------------------------------------

def doctor(book, *args):
    result = book.run("doctor", "--no-remote", "--format", "json", *args)
    checks = {c["check"]: c for c in json.loads(result.stdout)}
    return result.exit_code, checks


def test_doctor_passes_on_a_good_casebook(fresh):
    code, checks = doctor(fresh)
    assert code == 0, checks
    assert {c["status"] for c in checks.values()} <= {"ok", "warn", "skip"}
    for name in ("python", "git", "git-identity", "lpcli.yaml", "practitioners.yaml",
                 "permissions", "git-state", "git-settings", "editor-schemas", "vscode",
                 "gitignore", "documents"):
        assert checks[name]["status"] == "ok", checks[name]
    assert checks["hook"]["status"] == "warn" and checks["hook"]["fix"] == "lpcli hooks install"
    assert fresh.run("hooks", "install").exit_code == 0
    assert doctor(fresh)[1]["hook"]["status"] == "ok"
    text = fresh.run("doctor", "--no-remote")
    assert text.exit_code == 0 and text.stdout.endswith("everything is set up\n")


def test_doctor_names_the_fix_and_fix_puts_it_right(fresh):
    root = fresh.root
    (root / ".lpcli" / "schemas" / "case.schema.json").write_text("{}\n")
    (root / ".vscode" / "settings.json").unlink()
    (root / ".gitignore").write_text("*.pyc\n")
    fresh.commit_all("broken set-up")
    os.chmod(root / "lpcli.yaml", 0o644)
    git(root, "config", "core.autocrlf", "true")
    code, checks = doctor(fresh)
    assert code == 1
    assert checks["editor-schemas"]["status"] == "fail"
    assert "older than" in checks["editor-schemas"]["message"]
    assert checks["vscode"]["status"] == "fail" and "missing" in checks["vscode"]["message"]
    assert checks["gitignore"]["status"] == "fail" and checks["documents"]["status"] == "fail"
    assert checks["permissions"]["status"] == "fail"
    assert checks["permissions"]["fix"].startswith("chmod -R go-rwx")
    assert checks["git-settings"]["status"] == "warn"
    text = fresh.run("doctor", "--no-remote")
    assert "FAIL" in text.stdout and "fix: lpcli doctor --fix" in text.stdout
    head = fresh.head()
    fixed = fresh.run("doctor", "--no-remote", "--fix")
    assert "updated .gitignore, .lpcli/schemas/case.schema.json, .vscode/settings.json" in \
        fixed.stderr
    assert fresh.git("rev-list", "--count", f"{head}..HEAD").strip() == "1"
    assert fresh.git("log", "-1", "--format=%s").strip().startswith("casebook: ")
    assert "*.pyc" in (root / ".gitignore").read_text()  # kept, lines added
    code, checks = doctor(fresh)
    assert [c for c in checks.values() if c["status"] == "fail"] == [checks["permissions"]]
    os.chmod(root / "lpcli.yaml", 0o600)
    assert doctor(fresh)[0] == 0
    assert fresh.status() == ""


def test_doctor_keeps_a_users_own_editor_settings(fresh):
    vscode = fresh.root / ".vscode" / "settings.json"
    vscode.write_text('{"editor.tabSize": 2, "yaml.schemas": {"mine.json": "x.yaml"}}\n')
    fresh.commit_all("my settings")
    assert doctor(fresh)[1]["vscode"]["status"] == "fail"
    fresh.run("doctor", "--no-remote", "--fix")
    settings = json.loads(vscode.read_text())
    assert settings["editor.tabSize"] == 2 and settings["yaml.schemas"]["mine.json"] == "x.yaml"
    assert len(settings["yaml.schemas"]) == 4
    vscode.write_text('{\n  // a comment, as VS Code allows\n}\n')
    fresh.commit_all("jsonc")
    code, checks = doctor(fresh)
    assert checks["vscode"]["status"] == "fail" and checks["vscode"]["fix"] is None
    assert "yaml.schemas" in checks["vscode"]["message"]
    fresh.run("doctor", "--no-remote", "--fix")
    assert "a comment" in vscode.read_text()  # left alone


def test_doctor_refuses_to_follow_a_symlinked_schema_folder(fresh, tmp_path):
    import shutil

    shutil.rmtree(fresh.root / ".lpcli")
    outside = tmp_path / "outside"
    outside.mkdir()
    (fresh.root / ".lpcli").symlink_to(outside)
    code, checks = doctor(fresh)
    assert code == 1 and "symbolic link" in checks["editor-schemas"]["message"]
    fresh.run("doctor", "--no-remote", "--fix")
    assert not list(outside.iterdir())
    result = fresh.run("new", "--name", "Test Child", "--dob", "2020-01-01", "--no-input")
    assert modeline_target(fresh.case(result.stdout.strip())) is None  # nothing through it


def test_doctor_outside_a_casebook_checks_the_machine(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["doctor", "--format", "json"])
    checks = {c["check"]: c for c in json.loads(result.stdout)}
    assert checks["casebook"]["status"] == "skip" and "lpcli init" in checks["casebook"]["fix"]
    assert result.exit_code == 0
    assert CliRunner().invoke(cli, ["doctor", "--fix"]).exit_code == 2


def test_doctor_without_a_git_identity(fresh, monkeypatch, tmp_path):
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "")
    monkeypatch.setenv("EMAIL", "")
    code, checks = doctor(fresh)
    if checks["git-identity"]["status"] == "ok":
        pytest.skip("git works out an identity on this machine without config")
    assert code == 1 and "git config --global user.name" in checks["git-identity"]["fix"]


def test_doctor_asks_the_remote_without_waiting_for_a_password(fresh, tmp_path):
    shared = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", str(shared))
    fresh.git("remote", "add", "origin", str(shared))
    result = fresh.run("doctor", "--format", "json")
    remote = next(c for c in json.loads(result.stdout) if c["check"] == "remote")
    assert remote["status"] == "ok"
    fresh.git("remote", "set-url", "origin", "https://user:secret@127.0.0.1:9/none.git")
    result = fresh.run("doctor", "--format", "json")
    remote = next(c for c in json.loads(result.stdout) if c["check"] == "remote")
    assert remote["status"] == "warn" and "secret" not in result.stdout
    assert result.exit_code == 0  # an offline laptop is not a broken set-up


def test_doctor_notices_a_hook_whose_python_is_gone(fresh):
    fresh.run("hooks", "install")
    hook = fresh.root / ".git" / "hooks" / "pre-commit"
    hook.write_text(re.sub(r"exec \S+", "exec /nonexistent/python", hook.read_text()))
    code, checks = doctor(fresh)
    assert code == 1 and checks["hook"]["fix"] == "lpcli hooks install"
