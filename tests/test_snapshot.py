"""The snapshot of a whole casebook's stat (casebook/store.py ``Snapshot``): a warm run that
finds every file as it was takes its results without the index, and never a stale one —
after an edit, a chmod, a change of practitioners.yaml undone, a run on one file, or another
lpcli writing the cache in between. Also the split of the stats with a second process."""

from __future__ import annotations

import json
import os
import random
import shutil

import pytest

from conftest import MODEL_CASE
from lpcli.casebook import scan as scanmod
from lpcli.casebook import statall
from lpcli.casebook import store as storemod
from lpcli.casebook.snapshot import Snapshot
from lpcli.casebook.book import Casebook
from lpcli.core.caseid import ids_of_files, is_case_id

OTHER_CASE = "LP-RVKC0-XRF53"


@pytest.fixture
def settled(monkeypatch):
    monkeypatch.setattr(storemod, "RACY_NS", 0)


@pytest.fixture
def index_loads(monkeypatch):
    """How many times a run read the cache's whole index."""
    loads = []
    real = storemod.Store.index

    def index(self):
        if self._index is None:
            loads.append(1)
        return real.fget(self)

    monkeypatch.setattr(storemod.Store, "index", property(index, real.fset))
    return loads


@pytest.fixture
def counted(monkeypatch):
    """Names of the case files analysed (read and checked)."""
    seen = []
    real = scanmod.analyse_tracked
    monkeypatch.setattr(scanmod, "analyse_tracked",
                        lambda name, *a: seen.append(name) or real(name, *a))
    return seen


def edit(book, case_id, old, new):
    path = book.case(case_id)
    path.write_text(path.read_text().replace(old, new, 1))
    return path


def validate(book, *paths) -> list:
    result = book.run("validate", "--format", "json", *paths)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def rules_of(diags, case_id) -> set:
    return {d["rule"] for d in diags if d["file"] == f"cases/{case_id}.yaml"}


def from_scratch(book) -> list:
    shutil.rmtree(book.root / ".git" / "lpcli", ignore_errors=True)
    return validate(book)


def test_a_warm_run_answers_from_the_snapshot(book, settled, index_loads):
    cold = validate(book)
    listed = book.json("list", "--status", "all")
    overdue = book.json("overdue", "--as-of", "2027-06-01")
    index_loads.clear()
    assert validate(book) == cold
    assert book.json("list", "--status", "all") == listed
    assert book.json("overdue", "--as-of", "2027-06-01") == overdue
    assert index_loads == []


def test_an_edit_is_read_again_and_the_rest_taken_from_the_snapshot(book, settled,
                                                                    index_loads, counted):
    validate(book)
    book.json("list", "--status", "all")
    edit(book, MODEL_CASE, "owner: ho-brennan", "owner: ho-brennaX")
    index_loads.clear()
    counted.clear()
    found = validate(book)
    assert "unknown-action-owner" in rules_of(found, MODEL_CASE)
    assert counted == [f"cases/{MODEL_CASE}.yaml"] and index_loads == []
    # The next run takes it all from the snapshot; a report agrees with one from scratch.
    counted.clear()
    assert validate(book) == found and counted == [] and index_loads == []
    listed = book.json("list", "--status", "all")
    assert found == from_scratch(book)
    assert book.json("list", "--status", "all") == listed


def test_a_case_closed_by_hand_leaves_the_open_list(book, settled, index_loads):
    """A change of status read again: the snapshot's summary follows it (a report of open
    cases leaves the case out) without the index."""
    def open_ids():
        result = book.run("list", "--format", "json")
        return {c["id"] for c in json.loads(result.stdout)}

    assert MODEL_CASE in open_ids()
    edit(book, MODEL_CASE, "\nstatus: open", "\nstatus: closed")
    index_loads.clear()
    listed = open_ids()
    assert MODEL_CASE not in listed and index_loads == []
    shutil.rmtree(book.root / ".git" / "lpcli")
    assert listed == open_ids()


def test_a_touch_keeps_the_results_and_a_run_on_the_index_sees_the_patch(book, settled,
                                                                         counted,
                                                                         index_loads):
    first = validate(book)
    os.utime(book.case(OTHER_CASE))  # new mtime, same bytes
    counted.clear()
    assert validate(book) == first and counted == []
    edit(book, MODEL_CASE, "owner: ho-brennan", "owner: ho-brennaX")
    found = validate(book)
    counted.clear()
    index_loads.clear()
    # Another list of files (one case): no snapshot of it, so the index decides, with the
    # entries the runs above patched into it: nothing is analysed again.
    assert "unknown-action-owner" in rules_of(validate(book, str(book.case(MODEL_CASE))),
                                              MODEL_CASE)
    assert index_loads and counted == []
    assert validate(book) == found == from_scratch(book)


def test_a_file_changed_just_before_is_read_again_until_it_settles(book, monkeypatch,
                                                                   counted):
    monkeypatch.setattr(storemod, "RACY_NS", 0)
    first = validate(book)
    monkeypatch.setattr(storemod, "RACY_NS", 10**18)  # every stat from now on is racy
    os.utime(book.case(OTHER_CASE))
    assert validate(book) == first
    reads = []
    real = scanmod.read_raw
    monkeypatch.setattr(scanmod, "read_raw", lambda path, *a: reads.append(path) or
                        real(path, *a))
    # Same size, mtime put back: only the racy rule finds this edit.
    path = book.case(MODEL_CASE)
    st = os.stat(path)
    text = path.read_text()
    path.write_text(text.replace("owner: ho-brennan", "owner: ho-brennaX", 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    counted.clear()
    assert "unknown-action-owner" in rules_of(validate(book), MODEL_CASE)
    assert any(str(p).endswith(f"{OTHER_CASE}.yaml") for p in reads)  # still racy: read
    assert counted == [f"cases/{MODEL_CASE}.yaml"]
    monkeypatch.setattr(storemod, "RACY_NS", 0)
    reads.clear()
    validate(book)  # settled now: their stats kept
    reads.clear()
    counted.clear()
    assert "unknown-action-owner" in rules_of(validate(book), MODEL_CASE)
    assert reads == [] and counted == []


def test_many_runs_of_a_few_changes_agree_with_runs_from_scratch(book, settled,
                                                                 monkeypatch):
    """Seeded: edits, touches and chmods of a few files between runs, in blocks of stats of
    three files (a run rewrites the blocks of the files it read again)."""
    monkeypatch.setattr(storemod, "STAT_BLOCK", 3)
    rng = random.Random(18)
    validate(book)
    cases = sorted(book.root.glob("cases/*.yaml"))
    originals = {p: p.read_text() for p in cases}
    for _ in range(12):
        for path in rng.sample(cases, rng.randint(1, 3)):
            what = rng.choice(["edit", "undo", "touch", "chmod"])
            if what == "edit":
                path.write_text(path.read_text().replace("owner: ho-brennan",
                                                         "owner: ho-nobody", 1)
                                + f"# {rng.random()}\n")
            elif what == "undo":
                path.write_text(originals[path])
            elif what == "touch":
                os.utime(path)
            else:
                os.chmod(path, rng.choice([0o600, 0o640, 0o604]))
        warm = validate(book)
        listed = book.json("list", "--status", "all")
        assert warm == from_scratch(book)
        assert listed == book.json("list", "--status", "all")
        for path in cases:
            os.chmod(path, 0o600)


def test_a_chmod_is_seen(book, settled):
    validate(book)
    path = book.case(OTHER_CASE)
    os.chmod(path, 0o644)
    assert "file-permissions" in rules_of(validate(book), OTHER_CASE)
    os.chmod(path, 0o600)
    assert "file-permissions" not in rules_of(validate(book), OTHER_CASE)


def test_a_directory_change_undone_after_a_run_on_one_file(book, settled):
    """The stat of every case and the directory are as the snapshot found them, but the
    results of one case were written again meanwhile (for another directory): the cache's
    generation moved on, so the snapshot does not hold."""
    first = validate(book)
    pr = book.root / "practitioners.yaml"
    original = pr.read_bytes()
    pr.write_text(original.decode().replace("id: ho-brennan", "id: ho-brennan-old", 1))
    assert "unknown-practitioner" in rules_of(validate(book, str(book.case(MODEL_CASE))),
                                              MODEL_CASE)
    pr.write_bytes(original)
    assert validate(book) == first == from_scratch(book)


def test_no_snapshot_when_another_lpcli_wrote_the_cache_meanwhile(book, settled):
    validate(book)
    cb = Casebook(book.root)
    store = storemod.Store(cb)
    index = store.index  # read now, at this generation
    names = [f"cases/{n}" for n in cb.case_file_names()]
    stats = statall.stat_all(str(cb.cases_dir), cb.case_file_names())
    taken = Snapshot(names, stats, next(iter(index.values()))[storemod.DIRPRINT])
    # Another lpcli checks an edited case and writes the cache.
    path = book.case(MODEL_CASE)
    path.write_text(path.read_text().replace("owner: ho-brennan", "owner: ho-brennaX", 1))
    validate(book)
    store.save(snapshot=taken)
    row = store.db.execute("SELECT v FROM meta WHERE k = ?", (taken.key,)).fetchone()
    # The other run's snapshot (of the edited file), if any; never this one's.
    assert row is None or storemod.unpack(row[0])[1] != taken.digest
    store.close()
    assert "unknown-action-owner" in rules_of(validate(book), MODEL_CASE)


def test_stats_split_with_a_second_process_are_the_same(book, monkeypatch):
    cb = Casebook(book.root)
    names = cb.case_file_names() + ["LP-GONE0-GONE0.yaml"]
    folder = str(cb.cases_dir)
    serial = statall.stat_some(folder, names)
    monkeypatch.setattr(statall, "STAT_SPLIT_MIN", 1)
    assert statall.stat_all(folder, names) == serial
    assert serial[-1] is None and all(s is not None for s in serial[:-1])
    shutil.rmtree(book.root / ".git" / "lpcli", ignore_errors=True)
    assert validate(book) == (monkeypatch.undo() or from_scratch(book))


def test_case_ids_of_many_file_names_at_once_agree_with_one_at_a_time():
    rng = random.Random(7)
    alphabet = ["A", "B", "0", "9", "Z", "-", ".", "\n", "y", "a", "m", "l", "Ä", "LP-"]
    for _ in range(3000):
        names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
                 + rng.choice([".yaml", "", ".yml"]) for _ in range(rng.randint(0, 6))]
        expected = [n[:-5] for n in names if n.endswith(".yaml") and is_case_id(n[:-5])]
        assert ids_of_files(names) == expected, names
    assert ids_of_files(["LP-AAAAA-BBBBB.yaml", "x\nLP-CCCCC-DDDDD.yaml"]) == \
        ["LP-AAAAA-BBBBB"]


def test_validate_remembers_its_answer_beside_the_snapshot(book, settled, monkeypatch):
    from lpcli.casebook import checker

    cold = validate(book)
    derived = []
    real = checker._case_findings
    monkeypatch.setattr(checker, "_case_findings",
                        lambda *a, **k: derived.append(1) or real(*a, **k))
    assert validate(book) == cold and derived == []  # remembered
    # Anything written to the cache ends it: here a run on one file with another
    # practitioners.yaml, then undone (every case file and the directory as they were).
    pr = book.root / "practitioners.yaml"
    original = pr.read_bytes()
    pr.write_text(original.decode().replace("id: ho-brennan", "id: ho-brennan-old", 1))
    validate(book, str(book.case(MODEL_CASE)))
    pr.write_bytes(original)
    derived.clear()
    assert validate(book) == cold and derived == [1]
    assert validate(book) == cold and derived == [1]


def test_no_answer_is_remembered_when_another_lpcli_wrote_the_cache_meanwhile(book, settled):
    validate(book)
    cb = Casebook(book.root)
    run = scanmod._Scan(cb, cb.directory, None, None, False, True)
    taken = run.take(cb.case_file_names())
    run.run(cb.case_file_names(), True, taken)  # from the snapshot: it holds
    assert run.store.snapshot_holds
    path = book.case(MODEL_CASE)
    path.write_text(path.read_text().replace("owner: ho-brennan", "owner: ho-brennaX", 1))
    validate(book, str(path))  # another lpcli writes the cache: a new generation
    run.store.remember(taken, "validate", ["stale"])
    assert run.store.recall(taken, "validate") is None
    run.store.close()
    assert "unknown-action-owner" in rules_of(validate(book), MODEL_CASE)


def cache_meta(book, key):
    import sqlite3

    path = next((book.root / ".git" / "lpcli").glob("cache-*.sqlite3"))
    db = sqlite3.connect(path)
    try:
        row = db.execute("SELECT v FROM meta WHERE k = ?", (key,)).fetchone()
    finally:
        db.close()
    return None if row is None else row[0]


def test_a_cache_started_again_by_another_version_meanwhile_is_left_alone(book, settled,
                                                                          monkeypatch):
    """Another lpcli version resets the cache between this run's read of the snapshot and
    its write, and its generations start again at the same number: this run writes
    nothing over it (it would be the other version's, with this one's results)."""
    import sqlite3

    validate(book)
    edit(book, MODEL_CASE, "owner: ho-brennan", "owner: ho-brennaX")
    real = storemod.Store.save_again

    def another_version_first(self, *args):
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("DELETE FROM files")
        db.execute("DELETE FROM meta")
        db.execute("INSERT INTO meta VALUES ('context', 'another version')")
        db.execute("INSERT INTO meta VALUES ('generation', ?)", (self.generation,))
        db.close()
        return real(self, *args)

    monkeypatch.setattr(storemod.Store, "save_again", another_version_first)
    assert "unknown-action-owner" in rules_of(validate(book), MODEL_CASE)
    assert cache_meta(book, "context") == "another version"
    assert cache_meta(book, "patch") is None
    monkeypatch.setattr(storemod.Store, "save_again", real)
    found = validate(book)
    assert found == from_scratch(book)


def test_a_long_patch_sends_the_next_run_to_the_whole_index(book, settled, monkeypatch,
                                                            index_loads):
    monkeypatch.setattr(storemod, "PATCH_MAX", 2)
    validate(book)
    cases = sorted(book.root.glob("cases/*.yaml"))
    for path in cases[:2]:  # two runs, each reading one file again: a patch of two
        path.write_text(path.read_text() + "# edited\n")
        index_loads.clear()
        validate(book)
        assert index_loads == []
    assert cache_meta(book, "patch") is not None
    cases[2].write_text(cases[2].read_text() + "# edited\n")
    index_loads.clear()
    found = validate(book)
    assert index_loads and cache_meta(book, "patch") is None  # written whole, patch in it
    assert found == from_scratch(book)
