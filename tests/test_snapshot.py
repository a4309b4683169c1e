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
from lpcli.casebook import store as storemod
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
    real = storemod._unpack_index
    monkeypatch.setattr(storemod, "_unpack_index", lambda packed: loads.append(1) or real(packed))
    return loads


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


def test_an_edit_misses_the_snapshot(book, settled, index_loads):
    validate(book)
    path = book.case(MODEL_CASE)
    path.write_text(path.read_text().replace("owner: ho-brennan", "owner: ho-brennaX", 1))
    index_loads.clear()
    assert "unknown-action-owner" in rules_of(validate(book), MODEL_CASE)
    assert index_loads  # the snapshot did not hold: the index decided


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
    stats = scanmod._stat_all(str(cb.cases_dir), cb.case_file_names())
    taken = storemod.Snapshot(names, stats, next(iter(index.values()))[storemod.DIRPRINT])
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
    serial = scanmod._stat_some(folder, names)
    monkeypatch.setattr(scanmod, "STAT_SPLIT_MIN", 1)
    assert scanmod._stat_all(folder, names) == serial
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
