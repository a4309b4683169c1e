"""A large fuzz run (issue 11): the mutator and checks of ``tests/test_fuzz.py`` over many
more mutations, with a summary of the distinct crash sites.

    python tests/benchmarks/fuzz.py --runs 5000 --seed 1            # about 0.3 s a mutation
    python tests/benchmarks/fuzz.py --runs 5000 --seed 1 --jobs 2   # one casebook per process
    python tests/benchmarks/fuzz.py --seed 11 --only 2               # one mutation, in detail
    python tests/benchmarks/fuzz.py --seed 11 --only 2 --save /tmp/m2  # ...and keep its casebook

Mutation ``N`` of seed ``S`` is the same on every machine (``tests/fuzzing.py``), as is the
choice of command variants and the write. Each mutation changes one file of the example
casebook (a retention rule added, so that ``retention`` has work); every reading command
runs on it, in one of its variants (``--all-variants``: all of them), then one write, all
in-process with click's CliRunner and ``LPCLI_TODAY=2026-11-20``.

The summary gives the runs, the commands run, the exit codes seen, and each distinct
problem: a crash grouped by (exception type, innermost lpcli file:line), or another broken
promise (a traceback, an undocumented exit code, JSON that does not parse, a write that did
not succeed but changed a file or moved HEAD, a file written outside the casebook), with how
many commands and mutations showed it, which commands, and the first mutation that did,
described (never the contents of a file). Exits 1 if any problem was found. Not part of the
test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/, for fuzzing.py

import fuzzing  # noqa: E402


_BOOK = None  # this process's casebook and mutator: (FuzzCasebook, Mutator, TemporaryDirectory)


def _setup() -> None:
    """A casebook of this process's own, in a temporary folder removed at exit."""
    global _BOOK
    os.umask(0o077)
    tmp = tempfile.TemporaryDirectory(prefix="lpcli-fuzz-")
    os.environ.update(fuzzing.git_env(Path(tmp.name) / "home"))
    for name in ("LPCLI_CASEBOOK", "LPCLI_AUTHOR", "EDITOR", "VISUAL"):
        os.environ.pop(name, None)
    book = fuzzing.FuzzCasebook.build(Path(tmp.name) / "work")
    _BOOK = (book, book.mutator(), tmp)


def _run(args) -> list[tuple]:
    """Mutations ``indices``: one row each (index, description, problems, commands run,
    exit codes)."""
    seed, indices, all_variants = args
    if _BOOK is None:
        _setup()
    book, mutator, _tmp = _BOOK
    rows = []
    for index in indices:
        mutation = mutator.mutation(seed, index, all_variants)
        outcome = book.run(mutation)
        rows.append((index, mutation.describe(), outcome.problems, outcome.commands,
                     outcome.exit_codes))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1000, help="mutations to run (1000)")
    parser.add_argument("--seed", type=int, default=1, help="which mutations (1)")
    parser.add_argument("--start", type=int, default=0, help="first mutation index (0)")
    parser.add_argument("--only", type=int, metavar="N",
                        help="run mutation N alone and list every problem")
    parser.add_argument("--save", type=Path, metavar="DIR",
                        help="with --only: copy the mutated casebook to DIR (not printed)")
    parser.add_argument("--all-variants", action="store_true",
                        help="every variant of every reading command on each mutation")
    parser.add_argument("--jobs", type=int, default=1, help="processes, each with its own "
                        "casebook (1)")
    opts = parser.parse_args(argv)
    if opts.save and opts.only is None:
        parser.error("--save needs --only")

    started = time.monotonic()
    if opts.only is not None:
        index, described, problems, commands, codes = _run((opts.seed, [opts.only],
                                                            opts.all_variants))[0]
        print(described)
        print(f"{commands} commands; exit codes: {_codes(codes)}")
        for p in problems:
            print(f"  {p}")
        if opts.save:
            shutil.copytree(_BOOK[0].root, opts.save, symlinks=True)
            print(f"the mutated casebook (committed) is in {opts.save}")
        return 1 if problems else 0

    indices = list(range(opts.start, opts.start + opts.runs))
    chunks = [(opts.seed, indices[i:i + 20], opts.all_variants)
              for i in range(0, len(indices), 20)]
    rows = []
    if opts.jobs > 1:
        import multiprocessing

        with multiprocessing.get_context("spawn").Pool(opts.jobs, initializer=_setup) as pool:
            for done in pool.imap_unordered(_run, chunks):
                rows += done
                _progress(len(rows), opts.runs, started)
    else:
        for chunk in chunks:
            rows += _run(chunk)
            _progress(len(rows), opts.runs, started)
    summarise(rows, opts, time.monotonic() - started)
    return 1 if any(r[2] for r in rows) else 0


def _progress(done: int, total: int, started: float) -> None:
    print(f"  {done}/{total} mutations, {time.monotonic() - started:.0f} s", file=sys.stderr,
          flush=True)


def _codes(codes: Counter) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(codes.items(), key=lambda kv: str(kv[0])))


def summarise(rows, opts, seconds: float) -> None:
    commands = sum(r[3] for r in rows)
    codes = Counter()
    groups: dict[tuple, dict] = {}
    for index, described, problems, _count, exit_codes in sorted(rows, key=lambda r: r[0]):
        codes.update(exit_codes)
        for p in problems:
            g = groups.setdefault(p.key(), {"problem": p, "first": described, "commands": 0,
                                            "mutations": set(), "names": Counter()})
            g["commands"] += 1
            g["mutations"].add(index)
            g["names"][_command_name(p.command)] += 1
    broken = {r[0] for r in rows if r[2]}
    print(f"fuzz: seed {opts.seed}, mutations {opts.start}..{opts.start + len(rows) - 1} "
          f"({len(rows)}), {commands} commands in {seconds:.0f} s"
          f"{' (all variants)' if opts.all_variants else ''}")
    print(f"exit codes: {_codes(codes)}")
    print(f"mutations with a problem: {len(broken)}; distinct problem sites: {len(groups)}")
    for n, (key, g) in enumerate(sorted(groups.items(), key=lambda kv: _site_order(kv[0])), 1):
        p = g["problem"]
        what = f"{p.exc_type} at {p.site}" if p.exc_type else p.kind
        if p.kind not in ("exception", "internal-error", "hang"):
            what = f"{p.kind}: {what}" if p.exc_type else what
        print(f"{n:3}. {what}: {g['commands']} commands in {len(g['mutations'])} mutations")
        print(f"     commands: {', '.join(f'{k} ({v})' for k, v in g['names'].most_common())}")
        print(f"     first: 'lpcli {p.command}' on {g['first']}")


def _site_order(key: tuple) -> tuple:
    kind, exc_type, site = key
    file, _, line = site.partition(":")
    return (file, int(line) if line.isdigit() else 0, kind, exc_type)


def _command_name(command: str) -> str:
    words = command.split()
    two = {"render", "action", "outcome"}
    return " ".join(words[:2]) if words and words[0] in two else words[0] if words else command


if __name__ == "__main__":
    sys.exit(main())
