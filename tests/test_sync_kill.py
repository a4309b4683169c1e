"""``lpcli sync`` killed with SIGKILL at random moments (issue 11): the next sync finishes,
the shared repository stays valid, and no committed change from either side is lost.

Two clones of one bare repository take turns: one commits a change and shares it; the other
commits a change of its own (to another case) and runs ``lpcli sync`` as a real process,
killed after a seeded delay — before the fetch, during the merge or the push, or not at all
when it was quicker. The git it started is left to finish, as after ``kill -9``. Then that
clone syncs again (exit 0), the first one syncs too, and both commits must be on the shared
branch, ``git fsck`` must pass on the bare repository, and at the end a fresh clone must
validate with both sides' every change in it. No duration is asserted: the delays are
calibrated on an unkilled sync and steered as in test_faults.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Book, git
from test_faults import kill_now
from test_sync import clone

SEED = 11
TRIALS = 6
# Open cases of the example, one set per side, so that the two sides never conflict.
CASES = {"alice": ["LP-4F7QK-9M2XA", "LP-4T13D-MWNHN", "LP-6D7NE-43ZY4"],
         "bob": ["LP-RVKC0-XRF53", "LP-TX681-MBQS9", "LP-KHGQ2-5F0Q3"]}


def run_ok(book: Book, *args):
    result = book.run(*args)
    assert result.exit_code == 0, (args, result.output)
    return result


def change(book: Book, side: str, trial: int) -> tuple[str, str, str]:
    """One committed change: (case, text, commit)."""
    case = CASES[side][trial % len(CASES[side])]
    text = f"Outcome from {side} in trial {trial}"
    run_ok(book, "outcome", "add", case, text)
    return case, text, book.head()


def on_shared(remote: Path, commit: str) -> bool:
    return subprocess.run(["git", "merge-base", "--is-ancestor", commit, "main"], cwd=remote,
                          capture_output=True).returncode == 0


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_sync_killed_at_random_moments_loses_nothing(book, tmp_path):
    remote = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    book.git("remote", "add", "origin", str(remote))
    run_ok(book, "sync")
    sides = {"alice": clone(remote, tmp_path / "alice"), "bob": clone(remote, tmp_path / "bob")}
    rng = random.Random(SEED)
    made = []       # (case, text, commit) of every change, from both sides
    seen = []       # what each kill met, for the failure message
    delay = None    # seconds: the first trial runs to the end and sets it
    for trial in range(TRIALS + 1):
        killed_side, other_side = ("bob", "alice") if trial % 2 == 0 else ("alice", "bob")
        killed, other = sides[killed_side], sides[other_side]
        made.append(change(other, other_side, trial))
        run_ok(other, "sync")
        made.append(change(killed, killed_side, trial))
        before = (killed.head(), git(remote, "rev-parse", "main").strip())

        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "lpcli", "-C", str(killed.root), "sync"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if delay is None:
            assert proc.wait(timeout=60) == 0
            delay = time.monotonic() - started
            finished = True
        else:
            time.sleep(delay * rng.uniform(0.5, 1.05))
            finished = proc.poll() is not None
            if not finished:
                kill_now(proc)
        after = (killed.head(), git(remote, "rev-parse", "main").strip())
        untouched = after == before
        seen.append("finished" if finished else "killed, nothing changed yet" if untouched
                    else "killed, local merge made" if after[1] == before[1]
                    else "killed, pushed")

        again = run_ok(killed, "sync")
        run_ok(other, "sync")
        context = (trial, seen, again.output)
        assert not (killed.root / ".git" / "MERGE_HEAD").exists(), context
        assert killed.status() == "" and other.status() == "", context
        assert not (killed.root / ".git" / "lpcli" / "journal.json").exists(), context
        main = git(remote, "rev-parse", "main").strip()
        assert killed.head() == other.head() == main, context
        lost = [(case, commit) for case, _, commit in made if not on_shared(remote, commit)]
        assert not lost, context
        fsck = subprocess.run(["git", "fsck", "--strict", "--no-dangling"], cwd=remote,
                              capture_output=True, text=True)
        assert fsck.returncode == 0, (context, fsck.stdout + fsck.stderr)
        assert killed.run("validate").exit_code == 0, context
        # Steer the next kill: earlier if this sync had finished, later if it had not begun.
        if trial:
            delay *= 0.85 if finished else 1.15 if untouched else 1.0

    fresh = clone(remote, tmp_path / "fresh")
    result = fresh.run("validate")
    assert result.exit_code == 0, result.output
    for case, text, _ in made:
        assert text in fresh.case(case).read_text(), (case, text, seen)
