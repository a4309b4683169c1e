"""Fuzzing (issue 11): no input can crash lpcli or reach outside the casebook.

Each example is one seeded mutation of the example casebook (a case file, ``lpcli.yaml`` or
``practitioners.yaml``; the mutations are described in ``tests/fuzzing.py``). On it every
reading command runs (validate, list, show, history, overdue, caseload, calendar, retention,
render plan, render handover, nominate --suggest), each in one of its variants (text, JSON,
CSV, Markdown, HTML...) chosen by the seed, then one write on the case (action add, review,
outcome add or action update). Every command must end with exit 0, 1 or 2, with no exception
and no traceback; JSON output must parse whenever the exit code is 0 or 1. A write that does
not succeed must leave every file as it was and HEAD where it was; one that succeeds must
commit a valid case and leave nothing uncommitted. Nothing may be written beside the
casebook or in the current folder.

Environment:

    LPCLI_FUZZ_EXAMPLES=N        how many mutations (default 50: 10-15 s on 2 cores)
    LPCLI_FUZZ_SEED=S            which ones (default 11); a failure names its seed and index
    LPCLI_FUZZ_ALL_VARIANTS=1    every variant of every reading command on each mutation

A failure names the mutation (``seed S #N: file: what was done``) and, for each problem, the
exception and the innermost lpcli line. ``python tests/benchmarks/fuzz.py --seed S --only N``
runs that one mutation again; ``--runs 5000`` is a large run grouped by crash site.
"""

from __future__ import annotations

import os

import pytest

import fuzzing

EXAMPLES = int(os.environ.get("LPCLI_FUZZ_EXAMPLES", "50"))
SEED = int(os.environ.get("LPCLI_FUZZ_SEED", "11"))
ALL_VARIANTS = os.environ.get("LPCLI_FUZZ_ALL_VARIANTS", "") not in ("", "0")


@pytest.fixture(scope="module")
def fuzz_book(tmp_path_factory):
    """The example casebook with a retention rule, built once for the module; each example
    mutates it and the next one puts it back."""
    work = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in fuzzing.git_env(work / "home").items():
            mp.setenv(name, value)
        for name in ("LPCLI_CASEBOOK", "LPCLI_AUTHOR", "EDITOR", "VISUAL"):
            mp.delenv(name, raising=False)
        previous = os.umask(0o077)
        try:
            book = fuzzing.FuzzCasebook.build(work / "book")
        finally:
            os.umask(previous)
    return book


@pytest.fixture(scope="module")
def mutator(fuzz_book):
    return fuzz_book.mutator()


@pytest.mark.parametrize("index", range(EXAMPLES))
def test_mutated_casebook(fuzz_book, mutator, index):
    mutation = mutator.mutation(SEED, index, ALL_VARIANTS)
    outcome = fuzz_book.run(mutation)
    if outcome.problems:
        pytest.fail("\n".join([mutation.describe(), *(f"  {p}" for p in outcome.problems)]),
                    pytrace=False)


# -- the harness itself ---------------------------------------------------------------------------

def test_dumping_without_a_mutation_keeps_the_casebook_valid(fuzz_book, mutator):
    """Mutations are dumped by PyYAML: dumped unchanged, every file is still valid, so a
    finding is the mutation's doing, not the dumper's."""
    try:
        for name, tree in mutator.trees.items():
            (fuzz_book.root / name).write_bytes(fuzzing.dump(tree))
        fuzz_book.git("commit", "-q", "-a", "-m", "fuzz: every file dumped again")
        result = fuzz_book.invoke(["validate"])
        assert result.exit_code == 0, result.output
    finally:
        fuzz_book.restore()


def test_mutations_are_reproducible(mutator):
    for index in range(5):
        first, again = mutator.mutation(SEED, index), mutator.mutation(SEED, index)
        assert (first.data, first.describe(), first.reads, first.write) == (
            again.data, again.describe(), again.reads, again.write)
    assert mutator.mutation(SEED, 0).data != mutator.mutation(SEED + 1, 0).data


def personal_values(mutator) -> set[str]:
    keys = {"given_name", "family_name", "known_as", "name", "phone", "postcode", "lines",
            "date_of_birth", "expected_date", "email"}
    found = set()

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif key in keys and node is not None:
            found.add(str(node))
    for name, tree in mutator.trees.items():
        walk(tree)
    return {v for v in found if len(v) >= 3}


def test_descriptions_never_quote_a_file(mutator):
    """Descriptions are printed in failures and in the benchmark's summary: key paths,
    line numbers and kinds of values only."""
    personal = personal_values(mutator)
    assert "Amelia" in personal and "2018-02-14" in personal
    for index in range(150):
        text = mutator.mutation(SEED, index).describe()
        assert not [v for v in personal if v in text], index


def test_a_crash_is_found_and_placed(fuzz_book, mutator, monkeypatch):
    """The harness is not blind: an exception raised inside lpcli is a problem, with the
    innermost lpcli line, whether lpcli lets it out or reports it as an internal error."""
    import lpcli.core.dates

    def broken(*args, **kwargs):
        raise TypeError("planted")

    monkeypatch.setattr(lpcli.core.dates, "today", broken)
    outcome = fuzzing.Outcome()
    fuzz_book._check(["overdue", "--format", "json"], outcome)
    assert [p.exc_type for p in outcome.problems][:1] == ["TypeError"], outcome.problems
    assert outcome.problems[0].site.startswith("lpcli/"), outcome.problems[0]
