"""Issue 11: one gate between files and the domain, and a last line of defence.

A case file that fails its schema is explained by ``validate`` and never reaches the rules,
the reports, the documents or a write; settings and the directory are gated the same way;
templates are read like case files; an unexpected exception is one line, never a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from conftest import MODEL_CASE, Book

BROKEN = {  # the reproductions from the issue, each breaking the schema of the model case
    "meeting-mapping": ("  meeting: M1\n", "  meeting: {x: M1}\n"),
    "reviews-int": ("reviews:\n", "reviews: 7\nold_reviews:\n"),
    "given-by-nested": ("  given_by: [mum]\n", "  given_by: [[mum]]\n"),
    "school-list": ("  school:\n    name: Brookside Primary School\n    year_group: Year 4\n",
                    "  school: [a, b]\n"),
    "agencies-int": ("  agencies_needed: [education, health, housing]\n",
                     "  agencies_needed: 3\n"),
    "id-list": ("id: LP-4F7QK-9M2XA\n", "id: [LP-4F7QK-9M2XA]\n"),
    "far-date": ("opened: 2026-06-08\n", "opened: 9999-12-31\n"),
}

REPORTS = [["list", "--format", "json"], ["overdue", "--format", "json"],
           ["caseload", "--format", "json"], ["nominate", "LP-TX681-MBQS9", "--suggest",
                                              "--format", "json"]]


def _break(book: Book, how: str) -> bytes:
    path = book.case(MODEL_CASE)
    old, new = BROKEN[how]
    text = path.read_text()
    assert old in text, how
    path.write_text(text.replace(old, new, 1))
    book.commit_all(f"{MODEL_CASE}: broken for a test")
    return path.read_bytes()


@pytest.mark.parametrize("how", sorted(BROKEN))
def test_a_file_that_fails_the_schema_is_explained_and_never_used(book, how):
    before = _break(book, how)
    head = book.head()
    result = book.run("validate", "--format", "json")
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    mine = [d for d in found if d["file"] == f"cases/{MODEL_CASE}.yaml"]
    assert mine and all(d["rule"].startswith(("schema", "yaml")) for d in mine), mine
    for args in REPORTS:
        result = book.run(*args)
        assert result.exit_code == 0, (args, result.output)
        rows = json.loads(result.stdout)  # stays valid JSON
        assert MODEL_CASE not in json.dumps(rows) or args[0] == "nominate", args
        if args[0] != "nominate":
            assert result.stderr.strip() == ("lpcli: warning: 1 case file has errors and was "
                                             "left out: run 'lpcli validate'"), args
    for args in (["show", MODEL_CASE, "--format", "json"],
                 ["render", "plan", MODEL_CASE, "--format", "md"],
                 ["action", "add", MODEL_CASE, "--owner", "mum", "--due", "2026-12-30", "x"],
                 ["outcome", "add", MODEL_CASE, "x"],
                 ["review", MODEL_CASE, "--no-input", "--progress", "x"],
                 ["close", MODEL_CASE, "--reason", "needs_met", "--exit-strategy", "x"]):
        result = book.run(*args, env={"LPCLI_TODAY": "2026-11-20"})
        assert result.exit_code == 1, (args, result.output)
        assert f"cases/{MODEL_CASE}.yaml:" in result.stderr
        assert "lpcli will not use it" in result.stderr
        assert f"lpcli validate cases/{MODEL_CASE}.yaml" in result.stderr
        assert "Traceback" not in result.output and not result.stdout
        assert book.case(MODEL_CASE).read_bytes() == before and book.head() == head
        assert not book.status()
    shown = book.run("show", MODEL_CASE)  # the file as it is: where validate points
    assert shown.exit_code == 0 and shown.stdout.encode() == before


def test_rules_run_once_the_schema_passes(book):
    _break(book, "school-list")
    diags = json.loads(book.run("validate", "--format", "json").stdout)
    assert not any(d["rule"] == "lead-not-in-team" for d in diags)
    path = book.case(MODEL_CASE)
    path.write_text(path.read_text().replace("  school: [a, b]\n", "")
                    .replace("  - practitioner: ed-okafor\n    role: learning mentor\n"
                             "    since: 2025-09-03\n", ""))
    diags = json.loads(book.run("validate", "--format", "json").stdout)
    assert any(d["rule"] == "lead-not-in-team" for d in diags)


@pytest.mark.parametrize("setting", [
    "nomination_grace_days: 1000000000", "consent_review_months: 100000000",
    "retention: {years_after_closure: 100000}", "review_interval_weeks: -3",
    "timezone: [Europe/London]"])
def test_settings_outside_the_schema_stop_every_command_but_validate(book, setting):
    settings = book.root / "lpcli.yaml"
    settings.write_text(settings.read_text() + setting + "\n")
    book.commit_all()
    for args in (["overdue"], ["retention"], ["list"], ["caseload"], ["calendar"],
                 ["render", "plan", MODEL_CASE], ["outcome", "add", MODEL_CASE, "x"]):
        result = book.run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "lpcli.yaml:" in result.stderr and "not valid" in result.stderr, args
        assert "lpcli validate lpcli.yaml" in result.stderr
        assert not result.stdout and "Traceback" not in result.output
    result = book.run("validate", "--format", "json")
    assert result.exit_code == 1
    assert any(d["file"] == "lpcli.yaml" for d in json.loads(result.stdout))


def test_a_practitioners_file_that_fails_its_schema_is_not_used(book):
    path = book.root / "practitioners.yaml"
    path.write_text(path.read_text().replace("capacity: 4", "capacity: lots", 1))
    book.commit_all()
    assert "capacity: lots" in path.read_text()
    result = book.run("caseload", "--format", "json")
    assert result.exit_code == 2 and "practitioners.yaml" in result.stderr
    diags = json.loads(book.run("validate", "--format", "json").stdout)
    assert [d["rule"] for d in diags if d["severity"] == "error"] == ["schema-type"]
    diags = json.loads(book.run("validate", str(book.root / "cases"), "--format",
                                "json").stdout)
    assert [d["rule"] for d in diags if d["severity"] == "error"] == \
        ["practitioners-unreadable"]


def test_dates_outside_the_supported_years_are_refused_on_the_command_line(book):
    for args in (["overdue", "--as-of", "9999-12-25", "--within", "3650"],
                 ["retention", "--as-of", "0001-01-01"]):
        result = book.run(*args)
        assert result.exit_code == 2 and "between 1900 and 2199" in result.stderr, args


# -- the last line of defence ------------------------------------------------------------------

def test_an_unexpected_exception_is_one_line_without_the_data(book, monkeypatch):
    from lpcli.reports import overdue

    def boom(*args, **kwargs):
        raise TypeError("Amelia Hart 2018-02-14")  # as if an exception quoted a record

    monkeypatch.setattr(overdue, "find", boom)
    result = book.run("overdue", "--format", "json")
    assert result.exit_code == 3
    assert not result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("lpcli: internal error: TypeError in lpcli/")
    assert "nothing was changed" in lines[0] and "LPCLI_DEBUG=1" in lines[0]
    assert "Amelia" not in result.stderr and "Traceback" not in result.stderr
    monkeypatch.setenv("LPCLI_DEBUG", "1")
    with pytest.raises(TypeError):
        book.run("overdue")


def test_an_exception_after_a_commit_says_the_change_was_committed(book, monkeypatch):
    from lpcli.cli import output

    def boom(state):
        raise ValueError("after the commit")

    monkeypatch.setattr(output, "share_after_change", boom)
    head = book.head()
    result = book.run("outcome", "add", MODEL_CASE, "A new outcome")
    assert result.exit_code == 3
    assert book.head() != head
    assert f"the change was committed first (commit {book.head()[:8]})" in result.stderr


# -- templates and the logo are read like case files -------------------------------------------

@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "outside-secret.txt"
    path.write_text("OUTSIDE-THE-CASEBOOK\n")
    return path


def test_a_symlinked_template_is_refused(book, secret):
    templates = book.root / "templates"
    templates.mkdir()
    (templates / "plan.md.j2").symlink_to(secret)
    result = book.run("render", "plan", MODEL_CASE, "--format", "md")
    assert result.exit_code == 2
    assert "templates/plan.md.j2 is a symbolic link" in result.stderr
    assert "OUTSIDE" not in result.output


def test_a_symlinked_templates_folder_is_refused(book, secret):
    (book.root / "templates").symlink_to(secret.parent)
    result = book.run("render", "plan", MODEL_CASE, "--format", "md")
    assert result.exit_code == 2 and "templates/ is a symbolic link" in result.stderr


@pytest.mark.parametrize("name", ["../../outside-secret.txt", "/etc/passwd", "./x.j2"])
def test_a_template_cannot_include_from_outside(book, secret, name):
    templates = book.root / "templates"
    templates.mkdir()
    (templates / "plan.md.j2").write_text("{% include '" + name + "' %}\n")
    result = book.run("render", "plan", MODEL_CASE, "--format", "md")
    assert result.exit_code == 2 and "is not a file inside templates/" in result.stderr
    assert "OUTSIDE" not in result.output and "root:" not in result.output


def test_templates_in_a_sub_folder_and_the_logo_are_read(book, secret):
    parts = book.root / "templates" / "parts"
    parts.mkdir(parents=True)
    (parts / "hello.j2").write_text("Hello from a part\n")
    (book.root / "templates" / "plan.md.j2").write_text("{% include 'parts/hello.j2' %}")
    result = book.run("render", "plan", MODEL_CASE, "--format", "md")
    assert result.exit_code == 0 and result.stdout == "Hello from a part\n"
    (book.root / "templates" / "plan.md.j2").unlink()
    (book.root / "templates" / "logo.png").symlink_to(secret)
    result = book.run("render", "plan", MODEL_CASE)
    assert result.exit_code == 2 and "logo.png is a symbolic link" in result.stderr


# -- the file system ---------------------------------------------------------------------------

def test_a_casebook_path_that_is_not_utf8_works(tmp_path):
    root = os.fsdecode(os.fsencode(str(tmp_path)) + b"/case\xffbook")
    book = Book(root)
    assert book.run("demo", root).exit_code == 0
    assert book.run("validate").exit_code == 0
    new = book.run("new", "--name", "Test Child", "--dob", "2020-01-01")
    assert new.exit_code == 0, new.output
    assert json.loads(book.run("list", "--format", "json").stdout)


def _read_only_mount_works() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _read_only_mount_works(), reason="needs root and mount namespaces")
def test_a_read_only_casebook_exits_2_and_reading_still_works(book):
    import sys

    lpcli = [sys.executable, "-m", "lpcli"]
    script = (f"mount --bind {book.root} {book.root} && "
              f"mount -o remount,bind,ro {book.root} && cd {book.root} && ")
    for args, code in ((["review", MODEL_CASE, "--no-input", "--progress", "x"], 2),
                       (["new", "--name", "Test Child", "--dob", "2020-01-01"], 2),
                       (["outcome", "add", MODEL_CASE, "x"], 2),
                       (["render", "plan", MODEL_CASE, "--format", "pdf"], 2),
                       (["validate"], 0), (["overdue", "--as-of", "2026-11-20"], 0)):
        cmd = " ".join(f"'{a}'" for a in [*lpcli, *args])
        proc = subprocess.run(["unshare", "-m", "sh", "-c", script + cmd], capture_output=True,
                              text=True, env={**os.environ, "LPCLI_TODAY": "2026-11-20"})
        assert proc.returncode == code, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
        if code == 2 and args[0] != "render":
            assert "not change it" in proc.stderr


# -- what is committed is what was checked -----------------------------------------------------

def test_a_clean_filter_that_rewrites_a_case_is_caught_and_undone(book, tmp_path):
    rewrite = tmp_path / "rewrite.py"
    rewrite.write_text("import sys\nt = sys.stdin.read()\n"
                       "sys.stdout.write(t.replace('status: open', 'status: bogus', 1) "
                       "if 'Filtered outcome' in t else t)\n")
    (book.root / ".git" / "info" / "attributes").write_text("cases/*.yaml filter=rewrite\n")
    import sys

    book.git("config", "filter.rewrite.clean", f"{sys.executable} {rewrite}")
    head, before = book.head(), book.case(MODEL_CASE).read_bytes()
    result = book.run("outcome", "add", MODEL_CASE, "Filtered outcome")
    assert result.exit_code == 2
    assert "git stored" in result.stderr and "the commit was undone" in result.stderr
    assert book.head() == head and book.case(MODEL_CASE).read_bytes() == before
    assert not book.status()
    assert "bogus" not in book.git("show", f"HEAD:cases/{MODEL_CASE}.yaml")


def test_schemas_have_no_duplicate_keys():
    from lpcli.core.resources import schemas_dir

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
        return dict(pairs)

    for path in schemas_dir().glob("*.json"):
        json.loads(path.read_text(), object_pairs_hook=no_duplicates)
