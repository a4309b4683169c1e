"""Several practitioners, one casebook: ``lpcli sync`` and ``lpcli init --clone`` over a real
bare remote, with real clones (no mocked git).

The scenario of the issue's acceptance: two clones of one bare remote; each changes
different cases and syncs; both change the same case, the second sync stops and explains,
``lpcli edit`` and ``lpcli sync`` resolve it with both changes present and valid; a merge git
calls clean that yields a duplicate key is caught before it is pushed.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from conftest import MODEL_CASE, Book, git
from lpcli.cli import cli

OTHER_CASE = "LP-RVKC0-XRF53"
PERSONAL = ("Amelia", "Hart", "2018-02-14", "Millie")  # the model case's child


def clone(remote, dest) -> Book:
    result = CliRunner().invoke(cli, ["init", "--clone", str(remote), str(dest)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return Book(dest)


@pytest.fixture
def shared(book, tmp_path):
    """The demo casebook published to a bare remote, and two practitioners' clones."""
    remote = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    book.git("remote", "add", "origin", str(remote))
    first = book.run("sync")
    assert first.exit_code == 0, first.output
    assert "pushed" in first.output
    return SimpleNamespace(remote=remote, origin=book, alice=clone(remote, tmp_path / "alice"),
                           bob=clone(remote, tmp_path / "bob"))


def remote_head(s) -> str:
    return git(s.remote, "rev-parse", "main").strip()


def editor(tmp_path, name, code) -> dict:
    """An EDITOR that runs ``code`` on the file (``text`` in, ``text`` out)."""
    script = tmp_path / f"{name}.py"
    script.write_text("import re, sys\np = sys.argv[1]\ntext = open(p).read()\n" + code +
                      "\nopen(p, 'w').write(text)\n")
    return {"EDITOR": f"{sys.executable} {script}"}


KEEP_BOTH = r"""
text = re.sub(r"^<<<<<<< .*\n((?:.*\n)*?)=======\n((?:.*\n)*?)>>>>>>> .*\n", r"\1\2", text,
              flags=re.M)
"""
KEEP_YOURS = r"""
text = re.sub(r"^<<<<<<< .*\n((?:.*\n)*?)=======\n(?:.*\n)*?>>>>>>> .*\n", r"\1", text,
              flags=re.M)
"""


def assert_no_personal_data(text):
    for word in PERSONAL:
        assert word not in text, word


# -- the acceptance scenario -------------------------------------------------------------------

def test_different_cases_both_see_everything(shared):
    a, b = shared.alice, shared.bob
    assert a.run("action", "update", MODEL_CASE, "A3", "--status", "done").exit_code == 0
    assert b.run("outcome", "add", OTHER_CASE, "Settled in the new school").exit_code == 0
    first = a.run("sync")
    assert first.exit_code == 0 and "pushed" in first.output
    second = b.run("sync")
    assert second.exit_code == 0, second.output
    assert f"brought in changes to 1 case ({MODEL_CASE})" in second.output
    assert "pushed changes to 1 case" in second.output
    third = a.run("sync")
    assert third.exit_code == 0 and OTHER_CASE in third.output
    assert a.head() == b.head() == remote_head(shared)
    for book in (a, b):
        assert "status: done" in book.case(MODEL_CASE).read_text()
        assert "Settled in the new school" in book.case(OTHER_CASE).read_text()
        assert book.run("validate").exit_code == 0
        assert book.status() == ""
    # A merge, not a rewrite: both original commits are in the history.
    log = a.git("log", "--format=%s")
    assert f"{MODEL_CASE}: action A3 done" in log and "sync: merged changes from origin/main" in log


def test_unrelated_changes_to_one_case_merge_without_asking(shared):
    """Every change appends to the case's event log, so two unrelated changes always meet
    there; both entries are kept and nobody is asked."""
    a, b = shared.alice, shared.bob
    assert a.run("action", "update", MODEL_CASE, "A3", "--status", "done").exit_code == 0
    assert a.run("sync").exit_code == 0
    assert b.run("outcome", "add", MODEL_CASE, "Millie joins a club").exit_code == 0
    result = b.run("sync")
    assert result.exit_code == 0, result.output
    assert a.run("sync").exit_code == 0
    text = a.case(MODEL_CASE).read_text()
    assert "status: done" in text and "Millie joins a club" in text
    assert "summary: action A3 done\n" in text and "summary: outcome O3\n" in text
    assert "<<<<<<<" not in text
    assert a.run("validate").exit_code == 0 and a.head() == b.head()


def test_same_case_conflict_stops_explains_and_resolves_with_edit(shared, tmp_path):
    a, b = shared.alice, shared.bob
    # Both add an action to the same plan: both become A5, in the same place.
    assert a.run("action", "add", MODEL_CASE, "--owner", "ed-okafor", "--due", "2027-01-15",
                 "Alice: phonics group").exit_code == 0
    assert a.run("sync").exit_code == 0
    shared_before = remote_head(shared)
    assert b.run("action", "add", MODEL_CASE, "--owner", "salt-evans", "--due", "2027-01-20",
                 "Bob: speech review").exit_code == 0
    bob_head = b.head()

    stopped = b.run("sync")
    assert stopped.exit_code == 1
    out = stopped.output
    assert f"cases/{MODEL_CASE}.yaml" in out
    assert f"lpcli edit {MODEL_CASE}" in out and "lpcli sync --abort" in out
    assert_no_personal_data(out)
    # Safe: nothing pushed, git's merge state, both versions preserved.
    assert remote_head(shared) == shared_before
    assert (b.root / ".git" / "MERGE_HEAD").exists()
    assert b.head() == bob_head
    stages = b.git("ls-files", "-u", f"cases/{MODEL_CASE}.yaml")
    assert {line.split()[2] for line in stages.splitlines()} == {"1", "2", "3"}
    text = b.case(MODEL_CASE).read_text()
    assert "<<<<<<< yours (this computer)" in text
    assert ">>>>>>> shared casebook (origin/main)" in text
    assert "Alice: phonics group" in text and "Bob: speech review" in text

    # Meanwhile: other changes are refused with a pointer to the sync; reports still run.
    refused = b.run("action", "update", MODEL_CASE, "A4", "--status", "done")
    assert refused.exit_code == 2 and "a sync is waiting" in refused.output
    assert b.run("list").exit_code == 0
    again = b.run("sync")
    assert again.exit_code == 1 and f"lpcli edit {MODEL_CASE}" in again.output

    # An edit that leaves markers is refused; one that keeps both actions (the second
    # renumbered A6) is accepted and staged, not committed.
    assert b.run("edit", MODEL_CASE, env=editor(tmp_path, "noop", "")).exit_code == 0
    renumber = KEEP_BOTH + r"""
first = text.index("Alice: phonics group")
second = text.index("Bob: speech review")
later = max(first, second)
head, tail = text[:later], text[later:]
head = head[::-1].replace("id: A5"[::-1], "id: A6"[::-1], 1)[::-1]
text = head + tail
"""
    resolved = b.run("edit", MODEL_CASE, env=editor(tmp_path, "both", renumber))
    assert resolved.exit_code == 0, resolved.output
    assert "Every file is resolved" in resolved.output
    assert b.head() == bob_head  # the merge is not committed until sync

    finished = b.run("sync")
    assert finished.exit_code == 0, finished.output
    assert "pushed" in finished.output
    assert not (b.root / ".git" / "MERGE_HEAD").exists()
    assert a.run("sync").exit_code == 0
    for book in (a, b):
        text = book.case(MODEL_CASE).read_text()
        assert "Alice: phonics group" in text and "Bob: speech review" in text
        assert "<<<<<<<" not in text
        assert book.run("validate").exit_code == 0
        assert book.status() == ""
    assert a.head() == b.head() == remote_head(shared)
    parents = b.git("log", "-1", "--format=%P").split()
    assert len(parents) == 2 and bob_head in parents


def test_clean_merge_with_a_duplicate_key_is_caught_before_push(shared, tmp_path):
    """Git merges these cleanly (different places in the file); the result has the same
    key twice. It must never reach the shared casebook."""
    a, b = shared.alice, shared.bob
    path_a, path_b = a.case(MODEL_CASE), b.case(MODEL_CASE)
    path_a.write_text(path_a.read_text().replace(
        "  known_as: Millie\n", "  known_as: Millie\n  interpreter_needed: false\n", 1))
    a.commit_all("hand edit: interpreter")
    assert a.run("sync").exit_code == 0
    path_b.write_text(path_b.read_text().replace(
        "  languages: [English]\n", "  languages: [English]\n  interpreter_needed: true\n", 1))
    b.commit_all("hand edit: interpreter")
    before = remote_head(shared)

    preview = b.run("sync", "--dry-run")
    assert preview.exit_code == 1 and "duplicate key" in preview.output
    assert not (b.root / ".git" / "MERGE_HEAD").exists()

    stopped = b.run("sync", "--format", "json")
    assert stopped.exit_code == 1
    report = json.loads(stopped.output)
    assert report["unresolved"] == [f"cases/{MODEL_CASE}.yaml"]
    assert [e["rule"] for e in report["errors"]] == ["duplicate-key"]
    assert report["errors"][0]["line"] > 0 and not report["pushed"]
    assert remote_head(shared) == before

    fix = r"""
text = text.replace("  interpreter_needed: true\n", "", 1)
"""
    assert b.run("edit", MODEL_CASE, env=editor(tmp_path, "dedupe", fix)).exit_code == 0
    done = b.run("sync")
    assert done.exit_code == 0, done.output
    assert remote_head(shared) == b.head()
    assert b.case(MODEL_CASE).read_text().count("interpreter_needed") == 1


def test_abort_returns_to_where_you_were(shared, tmp_path):
    a, b = shared.alice, shared.bob
    for book, text in ((a, "Alice: one"), (b, "Bob: two")):
        assert book.run("review", MODEL_CASE, "--date", "2026-11-20", "--no-input",
                        "--progress", text, "--next-review", "2026-12-18").exit_code == 0
    assert a.run("sync").exit_code == 0
    head = b.head()
    assert b.run("sync").exit_code == 1
    aborted = b.run("sync", "--abort")
    assert aborted.exit_code == 0 and "back as it was" in aborted.output
    assert b.head() == head and b.status() == ""
    assert not (b.root / ".git" / "MERGE_HEAD").exists()
    assert "Bob: two" in b.case(MODEL_CASE).read_text()
    # And nothing to abort now.
    assert b.run("sync", "--abort").exit_code == 2
    # The review conflicts again; resolved by keeping this side's version.
    assert b.run("sync").exit_code == 1
    assert b.run("edit", MODEL_CASE, env=editor(tmp_path, "yours", KEEP_YOURS)).exit_code == 0
    assert b.run("sync").exit_code == 0


def test_dry_run_changes_nothing(shared):
    a, b = shared.alice, shared.bob
    assert a.run("outcome", "add", OTHER_CASE, "Alice outcome").exit_code == 0
    assert a.run("sync").exit_code == 0
    assert b.run("outcome", "add", MODEL_CASE, "Bob outcome").exit_code == 0
    head, before = b.head(), remote_head(shared)
    preview = b.run("sync", "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert "would bring in" in preview.output and OTHER_CASE in preview.output
    assert "would push" in preview.output.lower() and MODEL_CASE in preview.output
    assert b.head() == head and b.status() == "" and remote_head(shared) == before
    report = json.loads(b.run("sync", "--dry-run", "--format", "json").output)
    assert report["dry_run"] and report["received"] == [OTHER_CASE]
    assert report["sent"] == [MODEL_CASE] and not report["pushed"]


# -- what sync refuses ---------------------------------------------------------------------------

def test_no_remote_is_explained(book):
    result = book.run("sync")
    assert result.exit_code == 2
    assert "no git remote" in result.output and "git remote add origin" in result.output


def test_uncommitted_changes_are_not_synced(shared):
    a = shared.alice
    path = a.case(MODEL_CASE)
    path.write_text(path.read_text() + "# a note\n")
    result = a.run("sync")
    assert result.exit_code == 2 and f"cases/{MODEL_CASE}.yaml" in result.output
    assert "not committed" in result.output


def test_unreachable_remote_never_shows_a_password(shared):
    a = shared.alice
    a.git("remote", "set-url", "origin", "https://user:s3cret@127.0.0.1:9/casebook.git")
    result = a.run("sync")
    assert result.exit_code == 2
    assert "s3cret" not in result.output and "Traceback" not in result.output
    assert "could not fetch" in result.output


def test_invalid_changes_are_never_pushed(shared):
    a = shared.alice
    path = a.case(MODEL_CASE)
    path.write_text(path.read_text().replace("owner: ed-okafor", "owner: nobody", 1))
    a.git("commit", "-qam", "hand edit")  # plain git: lpcli's checks were not asked
    before = remote_head(shared)
    result = a.run("sync")
    assert result.exit_code == 1
    assert "nothing was pushed" in result.output.lower()
    assert f"cases/{MODEL_CASE}.yaml" in result.output
    assert remote_head(shared) == before


def test_invalid_cases_received_are_reported(shared):
    """Someone pushed an invalid case with plain git: this copy still moves forward (it
    would otherwise be stuck), and says what is wrong."""
    a, b = shared.alice, shared.bob
    path = a.case(MODEL_CASE)
    path.write_text(path.read_text().replace("owner: ed-okafor", "owner: nobody", 1))
    a.git("commit", "-qam", "hand edit")
    a.git("push", "-q", "origin", "HEAD:main")
    result = b.run("sync")
    assert result.exit_code == 1
    assert re.search(rf"cases/{MODEL_CASE}.yaml:\d+:\d+: error: ", result.output)
    assert "not valid" in result.output and "lpcli edit" in result.output
    assert b.head() == a.head()


def test_remote_moved_on_another_branch_is_refused(book, tmp_path):
    remote = tmp_path / "other.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    book.git("remote", "add", "origin", str(remote))
    book.git("push", "-q", "origin", "HEAD:refs/heads/trunk")
    result = book.run("sync")
    assert result.exit_code == 2
    assert "no branch 'main'" in result.output and "trunk" in result.output


def test_unrelated_history_is_refused(shared, tmp_path):
    stranger = tmp_path / "stranger"
    made = CliRunner().invoke(cli, ["init", str(stranger), "--agency", "Another Hub"],
                              catch_exceptions=False)
    assert made.exit_code == 0
    s = Book(stranger)
    s.git("remote", "add", "origin", str(shared.remote))
    result = s.run("sync")
    assert result.exit_code == 2 and "shares no history" in result.output


# -- auto push -----------------------------------------------------------------------------------

def _auto_push(book):
    settings = book.root / "lpcli.yaml"
    settings.write_text(settings.read_text() + "sync:\n  auto_push: true\n")
    book.commit_all("settings: auto push")


def test_auto_push_shares_each_change(shared):
    a = shared.alice
    _auto_push(a)
    result = a.run("outcome", "add", MODEL_CASE, "Auto shared")
    assert result.exit_code == 0
    assert "shared with origin/main" in result.output
    assert remote_head(shared) == a.head()


def test_auto_push_never_stops_a_change_for_a_conflict(shared):
    a, b = shared.alice, shared.bob
    assert a.run("action", "update", MODEL_CASE, "A3", "--status", "done").exit_code == 0
    assert a.run("sync").exit_code == 0
    _auto_push(b)
    before = remote_head(shared)
    result = b.run("action", "update", MODEL_CASE, "A3", "--status", "dropped")
    assert result.exit_code == 0  # the change itself is committed here
    assert "not shared" in result.output and "lpcli sync" in result.output
    assert not (b.root / ".git" / "MERGE_HEAD").exists() and b.status() == ""
    assert remote_head(shared) == before


def test_auto_push_offline_keeps_the_change(shared):
    a = shared.alice
    _auto_push(a)
    a.git("remote", "set-url", "origin", str(shared.remote) + "-gone")
    result = a.run("outcome", "add", MODEL_CASE, "Offline")
    assert result.exit_code == 0 and "not shared" in result.output
    assert "Offline" in a.case(MODEL_CASE).read_text()


# -- init --clone --------------------------------------------------------------------------------

def test_clone_is_private_and_protected(shared):
    root = shared.alice.root
    assert stat.S_IMODE(os.stat(root).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(root / "cases" / f"{MODEL_CASE}.yaml").st_mode) == 0o600
    for key in ("core.fsync", "transfer.fsckObjects", "fetch.fsckObjects"):
        assert shared.alice.git("config", "--get", key).strip(), key
    assert shared.alice.git("rev-parse", "--abbrev-ref", "@{u}").strip() == "origin/main"


def test_clone_of_something_that_is_not_a_casebook_leaves_nothing(tmp_path):
    remote = tmp_path / "empty.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    dest = tmp_path / "copy"
    result = CliRunner().invoke(cli, ["init", "--clone", str(remote), str(dest)])
    assert result.exit_code == 2 and "not an lpcli casebook" in result.output
    assert not dest.exists()
    missing = CliRunner().invoke(cli, ["init", "--clone", str(tmp_path / "nowhere.git"),
                                       str(dest)])
    assert missing.exit_code == 2 and "could not clone" in missing.output
    assert not dest.exists()


def test_clone_refuses_a_folder_in_use(shared, tmp_path):
    dest = tmp_path / "busy"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    result = CliRunner().invoke(cli, ["init", "--clone", str(shared.remote), str(dest)])
    assert result.exit_code == 2 and "not empty" in result.output
    assert (dest / "notes.txt").read_text() == "mine"


def test_clone_when_the_remote_head_names_another_branch(book, tmp_path):
    """'git init --bare' may point HEAD at a branch that was never pushed."""
    remote = tmp_path / "odd.git"
    git(tmp_path, "init", "-q", "--bare", "--initial-branch=master", str(remote))
    book.git("remote", "add", "origin", str(remote))
    assert book.run("sync").exit_code == 0
    copy = clone(remote, tmp_path / "copy")
    assert copy.case(MODEL_CASE).exists()
    assert re.match(r"^main$", copy.git("branch", "--show-current").strip())


def test_conflict_outside_cases_is_resolved_in_any_editor(shared):
    """practitioners.yaml is not a case: edit it by hand, then lpcli sync accepts it when no
    marker is left and it is valid."""
    a, b = shared.alice, shared.bob
    entry = ("  - id: {id}\n    name: {name}\n    agency: Riverside Family Hub\n"
             "    agency_type: family_support\n    role: Family support worker\n"
             "    capacity: 3\n")
    for book, pid, name in ((a, "fs-new-a", "Worker A"), (b, "fs-new-b", "Worker B")):
        path = book.root / "practitioners.yaml"
        path.write_text(path.read_text() + entry.format(id=pid, name=name))
        book.commit_all("practitioners: one more")
    assert a.run("sync").exit_code == 0
    stopped = b.run("sync")
    assert stopped.exit_code == 1 and "practitioners.yaml" in stopped.output
    assert "edit practitioners.yaml in an editor" in stopped.output
    path = b.root / "practitioners.yaml"
    path.write_text(re.sub(r"^<<<<<<< .*\n((?:.*\n)*?)=======\n((?:.*\n)*?)>>>>>>> .*\n",
                           r"\1\2", path.read_text(), flags=re.M))
    done = b.run("sync")
    assert done.exit_code == 0, done.output
    assert a.run("sync").exit_code == 0
    text = a.root.joinpath("practitioners.yaml").read_text()
    assert "fs-new-a" in text and "fs-new-b" in text
    assert a.run("validate").exit_code == 0


def test_a_sync_killed_before_git_started_the_merge_is_forgotten(shared):
    from lpcli import gitstore

    b = shared.bob
    note = b.root / ".git" / gitstore.SYNC_PENDING
    note.parent.mkdir(exist_ok=True)
    note.write_text(json.dumps({"remote": "origin", "branch": "main", "theirs": b.head(),
                                "paths": [f"cases/{MODEL_CASE}.yaml"]}))
    # A note without git's merge state blocks nothing, and the next sync drops it.
    assert b.run("outcome", "add", MODEL_CASE, "After a crash").exit_code == 0
    assert b.run("sync").exit_code == 0
    assert not note.exists()


def test_a_rewritten_shared_history_is_not_merged_back(shared, monkeypatch):
    """A case removed for good (history rewritten, force-pushed) must not come back from a
    copy that still holds it."""
    monkeypatch.setenv("FILTER_BRANCH_SQUELCH_WARNING", "1")
    a, b = shared.alice, shared.bob
    gone = "LP-VBTYV-7SAWT"
    a.git("-c", "advice.detachedHead=false", "filter-branch", "-f", "--index-filter",
          f"git rm -q --cached --ignore-unmatch cases/{gone}.yaml", "--prune-empty", "--",
          "--all")
    a.git("push", "-q", "--force", "origin", "HEAD:main")
    assert not a.case(gone).exists()
    result = b.run("sync")
    assert result.exit_code == 2 and "was rewritten" in result.output
    assert "lpcli init --clone" in result.output
    assert gone not in git(shared.remote, "ls-tree", "-r", "--name-only", "main")
