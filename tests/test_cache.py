"""The cache of checked case files (casebook/store.py) never gives a stale answer, and is
used: unchanged files are not read, reports read only the cases they need, a change to
practitioners.yaml re-checks only the cases it concerns, and ``lpcli sync`` takes cached
results for the blobs it knows.

(The older stale-cache tests, with the differential tests of the fast paths, are in
``test_fastpath.py``.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from conftest import MODEL_CASE, Book, git
from lpcli.casebook import scan as scanmod
from lpcli.casebook import store as storemod
from lpcli.casebook.book import Casebook

OTHER_CASE = "LP-RVKC0-XRF53"
NEW_PRACTITIONER = ("practitioners:\n  - id: zz-new\n    name: New Person\n    agency: Somewhere\n"
                    "    agency_type: education\n    role: Mentor\n    capacity: 2\n")


def validate(book) -> list:
    result = book.run("validate", "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def rules_of(diags, case_id) -> set:
    return {d["rule"] for d in diags if d["file"] == f"cases/{case_id}.yaml"}


@pytest.fixture
def counted(monkeypatch):
    """Names of the case files analysed (read and checked) during a test."""
    seen = []
    real = scanmod.analyse_tracked

    def counting(name, *args):
        seen.append(name)
        return real(name, *args)

    monkeypatch.setattr(scanmod, "analyse_tracked", counting)
    return seen


@pytest.fixture
def settled(monkeypatch):
    """No racy window: a file's stat counts as soon as the cache is written (the tests
    cannot wait the two seconds a file changed just before must be read again)."""
    monkeypatch.setattr(storemod, "RACY_NS", 0)


@pytest.fixture
def reads(monkeypatch):
    """Paths of the case files read during a test."""
    seen = []
    real = scanmod.read_raw
    monkeypatch.setattr(scanmod, "read_raw",
                        lambda path, *a: seen.append(str(path)) or real(path, *a))
    return seen


def test_unchanged_files_are_not_read_again(book, settled, counted, reads):
    first = validate(book)
    assert len(counted) == len(list((book.root / "cases").glob("*.yaml")))
    counted.clear()
    reads.clear()
    assert validate(book) == first
    assert book.json("list") and counted == [] and reads == []


def test_files_changed_just_before_are_read_again_but_not_rechecked(book, counted, reads):
    first = validate(book)  # every file was copied a moment ago: all in the racy window
    counted.clear()
    reads.clear()
    assert validate(book) == first
    assert counted == [] and reads  # read, and their blob compared


def test_an_edit_keeping_size_mtime_and_inode_is_seen(book, settled):
    validate(book)  # the cache now holds every file's stat
    path = book.case(MODEL_CASE)
    st = os.stat(path)
    text = path.read_text()
    edited = text.replace("owner: ho-brennan", "owner: ho-brennaX", 1)
    assert len(edited) == len(text)
    with open(path, "r+") as fh:  # in place: the same inode
        fh.write(edited)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == \
        (st.st_ino, st.st_size, st.st_mtime_ns)
    assert "unknown-action-owner" in rules_of(validate(book), MODEL_CASE)


@pytest.mark.parametrize("racy", [True, False], ids=["racy", "settled"])
def test_git_checkout_of_other_versions_is_seen(book, racy, monkeypatch):
    if not racy:  # every stat trusted at once: only the stat itself tells the versions apart
        monkeypatch.setattr(storemod, "RACY_NS", 0)
    validate(book)
    before = book.head()
    assert book.run("action", "update", MODEL_CASE, "A3", "--status", "done").exit_code == 0
    path = book.case(MODEL_CASE)
    path.write_text(path.read_text().replace("owner: ho-brennan", "owner: nobody-at-all", 1))
    book.commit_all("an invalid version")
    bad = book.head()
    assert "unknown-action-owner" in rules_of(validate(book), MODEL_CASE)
    for commit, broken in ((before, False), (bad, True), (before, False)):
        book.git("checkout", "-q", commit)
        assert ("unknown-action-owner" in rules_of(validate(book), MODEL_CASE)) is broken
        # Reports too: A3 is done in the later version.
        items = book.json("overdue", "--as-of", "2027-06-01")
        assert ((MODEL_CASE, "A3") in {(i["case"], i["item"]) for i in items}) is not broken


def test_a_copy_made_with_cp_a_is_read_afresh(book, settled, tmp_path):
    validate(book)
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-a", str(book.root), str(copy)], check=True)
    other = Book(copy)
    # The copy's cache is named after its own path; give it the original's, as if the
    # casebook had been moved: same sizes and mtimes, new inodes and ctimes.
    mine = storemod.Store(Casebook(copy)).path
    for cache in (copy / ".git" / "lpcli").glob("cache-*"):
        if cache != mine:
            cache.replace(mine)
    path = other.case(MODEL_CASE)
    st = os.stat(path)
    text = path.read_text()
    path.write_text(text.replace("owner: ho-brennan", "owner: ho-brennaX", 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert "unknown-action-owner" in rules_of(validate(other), MODEL_CASE)
    assert "unknown-action-owner" not in rules_of(validate(book), MODEL_CASE)


def test_a_file_changed_within_the_racy_window_is_read_again(book):
    validate(book)
    path = book.case(MODEL_CASE)
    path.write_text(path.read_text().replace("owner: ho-brennan", "owner: ho-brennaX", 1))
    assert "unknown-action-owner" in rules_of(validate(book), MODEL_CASE)
    # Changed again at once, same size, same mtime: the entry was stored without its stat
    # (racy), so the file is read and its blob compared.
    st = os.stat(path)
    path.write_text(path.read_text().replace("owner: ho-brennaX", "owner: ho-brennan", 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert "unknown-action-owner" not in rules_of(validate(book), MODEL_CASE)


def test_reports_read_only_the_cases_they_need(book, monkeypatch):
    validate(book)
    asked = []
    real = storemod.Store.results

    def results(self, names, **kw):
        names = list(names)
        if kw.get("slim", True):
            asked.extend(names)
        return real(self, names, **kw)

    monkeypatch.setattr(storemod.Store, "results", results)
    cb = Casebook(book.root)
    open_ids = [cid for cid, _ in cb.cases(status="open")]
    closed_ids = {n.rsplit("/", 1)[-1][:-5] for n in asked} - set(open_ids)
    assert open_ids and not closed_ids
    everything = dict(Casebook(book.root).cases())
    assert [c for c in everything if everything[c]["status"] == "open"] == open_ids
    assert {cid for cid, _ in Casebook(book.root).cases(status="closed")} == \
        {c for c in everything if everything[c]["status"] == "closed"}


def test_a_broken_file_is_reported_whatever_status_is_asked(book):
    validate(book)
    path = book.case(OTHER_CASE)
    path.write_text(path.read_text() + "status: open\n")  # a duplicate key
    for status in ("open", "closed", None):
        left_out = []
        ids = [cid for cid, _ in Casebook(book.root).cases(unreadable=left_out.append,
                                                           status=status)]
        assert left_out == [OTHER_CASE] and OTHER_CASE not in ids


def test_a_directory_change_rechecks_only_the_cases_it_concerns(book, counted):
    validate(book)
    counted.clear()
    pr = book.root / "practitioners.yaml"
    # A new practitioner, and a phone number changed for someone: only cases naming them
    # are checked again.
    text = pr.read_text()
    pr.write_text(text.replace("practitioners:\n", NEW_PRACTITIONER, 1))
    assert validate(book) == validate(book)
    assert counted == []
    named = [p.stem for p in (book.root / "cases").glob("*.yaml")
             if "ho-brennan" in p.read_text()]
    pr.write_text(pr.read_text().replace("id: ho-brennan", "id: ho-brennan-old", 1))
    found = validate(book)
    assert sorted(n.rsplit("/", 1)[-1][:-5] for n in counted) == sorted(named)
    assert "unknown-practitioner" in rules_of(found, MODEL_CASE)
    # And the same answers as from scratch.
    shutil.rmtree(book.root / ".git" / "lpcli")
    assert validate(book) == found


def test_sync_merging_practitioners_takes_cached_results(book, tmp_path, counted):
    remote = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    book.git("remote", "add", "origin", str(remote))
    assert book.run("sync").exit_code == 0
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    pr = other / "practitioners.yaml"
    pr.write_text(pr.read_text().replace("practitioners:\n", NEW_PRACTITIONER, 1))
    git(other, "commit", "-qam", "practitioners.yaml: zz-new added")
    git(other, "push", "-q")
    assert book.run("action", "update", MODEL_CASE, "A3", "--status", "done").exit_code == 0
    validate(book)
    counted.clear()
    result = book.run("sync")
    assert result.exit_code == 0, result.output
    assert "Merged" in result.output
    # Every case was checked against the merged directory, none read from its blob.
    assert counted == []
    # A removed practitioner still named in a case stops the merge, found without the cache.
    git(other, "pull", "-q", "--no-rebase")
    pr.write_text(pr.read_text().replace("id: ho-brennan", "id: ho-brennan-old", 1))
    git(other, "commit", "-qam", "practitioners.yaml: renamed")
    git(other, "push", "-q")
    assert book.run("outcome", "add", OTHER_CASE, "Another outcome").exit_code == 0
    validate(book)
    stopped = book.run("sync")
    assert stopped.exit_code != 0 and MODEL_CASE in stopped.output


def test_links_across_cases_are_checked_from_the_cache(book, settled, counted):
    """validate's check of links across cases (issue 15) takes each case's links from the
    cache's index: a warm run analyses nothing and finds what a cold one finds, and a
    linked case removed is noticed without reading the case that links to it."""
    assert book.run("link", MODEL_CASE, OTHER_CASE, "--relationship", "sibling",
                    "--date", "2026-11-20").exit_code == 0
    shutil.rmtree(book.root / ".git" / "lpcli")
    cold = validate(book)
    counted.clear()
    assert validate(book) == cold and counted == []
    assert not [d for d in cold if "link" in d["rule"]]
    book.case(OTHER_CASE).unlink()
    found = validate(book)
    assert counted == []
    assert {(d["file"], d["rule"]) for d in found if "link" in d["rule"]} == \
        {(f"cases/{MODEL_CASE}.yaml", "link-to-missing-case")}
    shutil.rmtree(book.root / ".git" / "lpcli")
    assert validate(book) == found


def test_validate_reads_the_results_of_files_with_findings_only(book, settled, monkeypatch):
    path = book.case(OTHER_CASE)
    path.write_text(path.read_text().replace("owner: ", "owner: nobody-", 1))
    cold = validate(book)
    with_findings = {d["file"] for d in cold if d["rule"] != "file-permissions"}
    assert f"cases/{OTHER_CASE}.yaml" in with_findings
    asked = []
    real = storemod.Store.results

    def results(self, names, **kw):
        names = list(names)
        asked.extend(names)
        return real(self, names, **kw)

    monkeypatch.setattr(storemod.Store, "results", results)
    assert validate(book) == cold
    assert asked == []  # the answer remembered beside the snapshot: no row read at all
    monkeypatch.setattr(storemod.Store, "recall", lambda *a: None)
    assert validate(book) == cold
    # Case files only (practitioners.yaml and lpcli.yaml are not in the cache).
    assert f"cases/{OTHER_CASE}.yaml" in asked and set(asked) <= with_findings


def test_sync_of_one_change_takes_its_cached_result_without_the_index(book, tmp_path, counted,
                                                                        monkeypatch):
    """A sync that pushes a few changed cases checks them from their rows in the cache
    (blob and what their checks looked up), and lists only those paths of the tree."""
    from lpcli.gitstore import trees

    remote = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    book.git("remote", "add", "origin", str(remote))
    assert book.run("sync").exit_code == 0
    assert book.run("action", "update", MODEL_CASE, "A3", "--status", "done").exit_code == 0
    validate(book)
    counted.clear()
    loads, listed = [], []
    real_unpack, real_entries = storemod._unpack_index, trees.tree_entries
    monkeypatch.setattr(storemod, "_unpack_index", lambda p: loads.append(1) or real_unpack(p))
    monkeypatch.setattr(trees, "tree_entries",
                        lambda repo, tree, only=None: listed.append(only) or
                        real_entries(repo, tree, only))
    result = book.run("sync")
    assert result.exit_code == 0, result.output
    assert counted == [] and loads == []
    assert listed and all(only is not None and f"cases/{MODEL_CASE}.yaml" in only
                          for only in listed)
