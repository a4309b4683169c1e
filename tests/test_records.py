"""Commands that change records: one commit each, nothing invalid, refusals change nothing."""

from __future__ import annotations

import os
import stat
import sys
import textwrap

import pytest

from conftest import MODEL_CASE
from lpcli.casebook.book import Casebook
from lpcli.casebook import records
from lpcli.core.errors import InvalidRecord, RepositoryStateError

NAME, DOB = "Zebedee Quarrington", "2019-07-23"


def new_case(book, *extra):
    result = book.run("new", "--name", NAME, "--dob", DOB, *extra)
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_new_show_list_and_one_clean_commit(book):
    before = book.head()
    case_id = new_case(book, "--opened-by", "fs-ahmed", "--date", "2026-11-20")
    assert book.case(case_id).exists()
    data = book.json("show", case_id)
    assert data["id"] == case_id and data["status"] == "open"
    assert data["child"] == {"given_name": "Zebedee", "family_name": "Quarrington",
                             "date_of_birth": DOB}
    listed = {row["id"]: row for row in book.json("list")}
    assert listed[case_id] == {
        "id": case_id, "status": "open", "lead_professional": None,
        "lead_professional_required": False, "nomination_unresolved": False,
        "statutory_status": "none", "next_review_due": None, "opened": "2026-11-20"}
    # Exactly one commit, holding only the new file, with the ID and no personal data.
    assert book.git("rev-list", f"{before}..HEAD").count("\n") == 1
    message = book.git("log", "-1", "--format=%B").strip()
    assert message == f"{case_id}: case opened"
    files = book.git("show", "--name-only", "--format=", "HEAD").split()
    assert files == [f"cases/{case_id}.yaml"]
    log = book.git("log", "--format=%an %ae %s %b")
    for secret in ("Zebedee", "Quarrington", DOB):
        assert secret not in log
    assert book.status() == ""
    # The file is private to its owner.
    assert stat.S_IMODE(os.stat(book.case(case_id)).st_mode) == 0o600


def test_new_ids_are_opaque_and_allow_listed(book):
    from lpcli.core.caseid import is_case_id

    ids = {new_case(book, "--different-child") for _ in range(3)}  # one name, three children
    assert len(ids) == 3
    for case_id in ids:
        assert is_case_id(case_id) and case_id.startswith("LP-")
        assert len(case_id) == len("LP-XXXXX-XXXXX")


def test_new_requires_name_and_dob_without_a_terminal(book):
    before = book.head()
    result = book.run("new", "--name", NAME)
    assert result.exit_code == 2 and "date of birth is required" in result.output
    assert book.head() == before and book.status() == ""


def test_new_refuses_unknown_practitioner_and_writes_nothing(book):
    before = book.head()
    result = book.run("new", "--name", NAME, "--dob", DOB, "--opened-by", "nobody-here")
    assert result.exit_code == 1
    assert "unknown-practitioner" in result.output or "not in practitioners.yaml" in result.output
    assert book.head() == before and book.status() == ""
    assert NAME.split()[0] not in result.output


def test_history_lists_commits(book):
    case_id = new_case(book)
    out = book.run("history", case_id).output
    assert f"{case_id}: case opened" in out and "Test Practitioner" in out
    entries = book.json("history", case_id)
    assert entries[0]["message"] == f"{case_id}: case opened"


def test_author_option_sets_commit_author(book):
    result = book.run("--author", "Layla Ahmed <layla@example.org>", "new", "--name", NAME,
                      "--dob", DOB)
    assert result.exit_code == 0
    assert book.git("log", "-1", "--format=%an <%ae>").strip() == "Layla Ahmed <layla@example.org>"


def test_list_filters_and_names(book):
    rows = book.json("list", "--status", "all")
    assert {r["status"] for r in rows} == {"open", "closed"}
    led = book.json("list", "--lead", "ed-okafor")
    assert led and all(r["lead_professional"] == "ed-okafor" for r in led)
    text = book.run("list").output
    assert "Hart" not in text
    assert "Amelia Hart" in book.run("list", "--names").output


def test_show_yaml_is_the_file(book):
    out = book.run("show", MODEL_CASE).output
    assert out == book.case(MODEL_CASE).read_text(encoding="utf-8")


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "--output=x", "LP-１２３", "LP-ABC\n",
                                 "lp-abcde-fghij", "Amelia Hart"])
def test_hostile_case_ids_are_refused_without_echo(book, bad):
    result = book.run("show", "--", bad) if bad.startswith("-") else book.run("show", bad)
    assert result.exit_code == 2
    assert "not a case ID" in result.output
    if len(bad) > 4:
        assert bad.strip() not in result.output


# -- the safe write path --------------------------------------------------------------------

def mark_done(doc, ctx):
    doc["plan"]["actions"][2]["status"] = "done"
    return "action A3 done"


def test_update_case_commits_minimal_change(book):
    cb = Casebook(book.root)
    before_text = book.case(MODEL_CASE).read_text()
    written = records.update_case(cb, MODEL_CASE, mark_done)
    assert written.message == f"{MODEL_CASE}: action A3 done"
    diff = book.git("diff", "HEAD~1", "--unified=0", "--", f"cases/{MODEL_CASE}.yaml")
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---")]
    assert changed == ["-      status: in_progress", "+      status: done"]
    assert before_text.count("#") == book.case(MODEL_CASE).read_text().count("#")
    assert book.status() == ""


def test_update_refuses_invalid_result(book):
    cb = Casebook(book.root)
    before, text = book.head(), book.case(MODEL_CASE).read_bytes()

    def break_it(doc, ctx):
        doc["plan"]["actions"][0]["owner"] = "nobody"
        return "broken"

    with pytest.raises(InvalidRecord) as info:
        records.update_case(cb, MODEL_CASE, break_it)
    assert any(d.rule == "unknown-action-owner" for d in info.value.diagnostics)
    assert book.head() == before and book.case(MODEL_CASE).read_bytes() == text
    assert book.status() == ""


def _refused(book, expect):
    cb = Casebook(book.root)
    before = book.head()
    with pytest.raises(RepositoryStateError) as info:
        records.update_case(cb, MODEL_CASE, mark_done)
    assert expect in info.value.message
    assert book.head() == before
    return info.value


def test_refuses_uncommitted_edits_to_the_case(book):
    path = book.case(MODEL_CASE)
    path.write_text(path.read_text() + "# a note not yet committed\n")
    err = _refused(book, "not committed")
    assert "git checkout" in err.hint
    assert path.read_text().endswith("# a note not yet committed\n")


def test_refuses_index_lock(book):
    (book.root / ".git" / "index.lock").write_text("")
    _refused(book, "index.lock")


def test_refuses_mid_merge(book):
    (book.root / ".git" / "MERGE_HEAD").write_text(book.head() + "\n")
    _refused(book, "middle of a merge")


def test_refuses_mid_rebase(book):
    (book.root / ".git" / "rebase-merge").mkdir()
    _refused(book, "middle of a rebase")


def test_refuses_detached_head(book):
    book.git("checkout", "-q", "--detach")
    _refused(book, "detached")


def test_failed_commit_leaves_casebook_as_it_was(book):
    hook = book.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    text = book.case(MODEL_CASE).read_bytes()
    _refused(book, "could not commit")
    assert book.case(MODEL_CASE).read_bytes() == text
    assert book.status() == ""


def test_no_identity_is_a_clear_error(book, git_identity):
    # useConfigOnly: git must not guess an identity from the machine's user and host name.
    git_identity.write_text("[user]\n\tuseConfigOnly = true\n")
    before = book.head()
    result = book.run("new", "--name", NAME, "--dob", DOB)
    assert result.exit_code == 2, result.output
    assert "git does not know who you are" in result.output
    assert book.head() == before and book.status() == ""
    ok = book.run("--author", "A B <a@example.org>", "new", "--name", NAME, "--dob", DOB)
    assert ok.exit_code == 0, ok.output
    assert book.git("log", "-1", "--format=%an|%cn").strip() == "A B|A B"


# -- edit -----------------------------------------------------------------------------------

def editor(tmp_path, script):
    """An $EDITOR that runs a Python snippet on the file it is given."""
    path = tmp_path / "editor.py"
    path.write_text("import sys\np = sys.argv[1]\nt = open(p).read()\n" + textwrap.dedent(script))
    return f"{sys.executable} {path}"


def test_edit_valid_change_is_committed(book, tmp_path):
    ed = editor(tmp_path, "open(p, 'w').write(t.replace('status: in_progress', 'status: done', 1))")
    before = book.head()
    result = book.run("edit", MODEL_CASE, env={"EDITOR": ed})
    assert result.exit_code == 0, result.output
    assert book.git("log", "-1", "--format=%s").strip() == f"{MODEL_CASE}: edited by hand"
    assert book.head() != before and book.status() == ""


def test_edit_invalid_change_is_never_committed(book, tmp_path):
    ed = editor(tmp_path, "open(p, 'w').write(t.replace('owner: mum', 'owner: nobody', 1))")
    before, text = book.head(), book.case(MODEL_CASE).read_bytes()
    result = book.run("edit", MODEL_CASE, env={"EDITOR": ed})
    assert result.exit_code == 1
    assert "owner 'nobody' is neither a practitioner" in result.output
    assert "abandoned" in result.output
    assert book.head() == before and book.case(MODEL_CASE).read_bytes() == text
    assert book.status() == ""
    assert not list((book.root / ".git" / "lpcli-edit").glob("*"))


def test_edit_without_changes_commits_nothing(book, tmp_path):
    ed = editor(tmp_path, "pass")
    before = book.head()
    result = book.run("edit", MODEL_CASE, env={"EDITOR": ed})
    assert result.exit_code == 0 and "No changes" in result.output
    assert book.head() == before
