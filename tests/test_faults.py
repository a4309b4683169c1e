"""Nothing lost under faults: concurrent processes, kills at every step of a write, a full
disk, a casebook git is not ready to commit to, and another user's casebook.

lpcli runs here as real processes (``python -m lpcli``, most of them forked from one that has
imported lpcli already: see lpcli_proc), killed with real signals, on real git
repositories; nothing of git or the file system is mocked. No test asserts a duration:
timeouts are hang guards only.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import lpcli_proc
from conftest import MODEL_CASE, Book

OTHER_CASE = "LP-TX681-MBQS9"  # another open case of the example
HANG_GUARD = 60  # seconds
SENTINELS = ("Amelia", "Hart", "2018-02-14")  # the model case's child


def lpcli(root, *args, env=None, preexec_fn=None, fresh=False):
    """``python -m lpcli -C ROOT ARGS...`` as a process of its own: forked from a process
    that has imported lpcli already (see lpcli_proc), or, ``fresh``, a new Python that
    starts and imports everything first (as a user's command does)."""
    env = {**os.environ, **(env or {})}
    if preexec_fn is None and not fresh:
        return lpcli_proc.run(["-C", str(root), *args], env=env, timeout=HANG_GUARD)
    return subprocess.run([sys.executable, "-m", "lpcli", "-C", str(root), *args],
                          capture_output=True, text=True, timeout=HANG_GUARD, env=env,
                          preexec_fn=preexec_fn)


def add_outcome(root, text, case=MODEL_CASE, **kw):
    return lpcli(root, "outcome", "add", case, text, **kw)


def temporaries(root: Path) -> list[str]:
    return sorted(p.name for folder in (root / "cases", root / ".git" / "lpcli")
                  if folder.is_dir() for p in folder.iterdir() if ".tmp-" in p.name)


def journal(root: Path) -> Path:
    return root / ".git" / "lpcli" / "journal.json"


def assert_clean(book: Book):
    """The casebook as lpcli promises to leave it: committed, valid, nothing temporary."""
    assert book.status() == ""
    assert temporaries(book.root) == []
    assert not journal(book.root).exists()
    assert not [f for f in book.git("ls-files").splitlines() if ".tmp-" in f]
    assert lpcli(book.root, "validate").returncode == 0


def messages_since(book: Book, base: str) -> list[str]:
    return book.git("log", "--format=%s", f"{base}..HEAD").splitlines()


# -- two processes at once ------------------------------------------------------------------

DRIVER = """
import sys
from click.testing import CliRunner
from lpcli.cli import cli

root, case, tag, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
failed = 0
for i in range(count):
    result = CliRunner().invoke(cli, ["-C", root, "outcome", "add", case, f"Outcome {tag}-{i}"])
    if result.exit_code != 0:
        failed += 1
        print(result.output)
sys.exit(1 if failed else 0)
"""


CHANGES_EACH = 15  # enough for the two to contend for the lock many times over


def test_two_processes_changing_one_case_lose_nothing(book, tmp_path):
    """Two processes (two cron jobs, a person and cron) each make 15 changes to the same
    case file at the same time: every change lands, each in its own commit."""
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    base = book.head()
    env = {**os.environ, "LPCLI_LOCK_TIMEOUT": "60"}
    procs = [subprocess.Popen([sys.executable, str(driver), str(book.root), MODEL_CASE, tag,
                               str(CHANGES_EACH)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, env=env)
             for tag in ("A", "B")]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    messages = messages_since(book, base)
    assert len(messages) == 2 * CHANGES_EACH
    assert all(m.startswith(f"{MODEL_CASE}: outcome O") for m in messages)
    data = book.json("show", MODEL_CASE)
    texts = [o["text"] for o in data["plan"]["outcomes"]]
    for tag in ("A", "B"):
        for i in range(CHANGES_EACH):
            assert texts.count(f"Outcome {tag}-{i}") == 1, (tag, i)
    ids = [o["id"] for o in data["plan"]["outcomes"]]
    assert len(ids) == len(set(ids))
    # Each commit changed that one file, and holds one change.
    assert book.git("log", "--format=", "--name-only", f"{base}..HEAD").split() == [
        f"cases/{MODEL_CASE}.yaml"] * (2 * CHANGES_EACH)
    assert_clean(book)


HOLDER = """
import sys, time
from lpcli import gitstore
from lpcli.casebook import lock
with lock.casebook_lock(gitstore.open_repo(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(120)
"""


def hold_lock(book, tmp_path) -> subprocess.Popen:
    script = tmp_path / "holder.py"
    script.write_text(HOLDER)
    proc = subprocess.Popen([sys.executable, str(script), str(book.root)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_busy_casebook_says_so_and_changes_nothing(book, tmp_path):
    holder = hold_lock(book, tmp_path)
    try:
        before, text = book.head(), book.case(MODEL_CASE).read_bytes()
        result = add_outcome(book.root, "Waits, then gives up", env={"LPCLI_LOCK_TIMEOUT": "1"})
        assert result.returncode == 2, result.stderr
        assert "the casebook is busy" in result.stderr and "LPCLI_LOCK_TIMEOUT" in result.stderr
        assert "Traceback" not in result.stderr
        assert book.head() == before and book.case(MODEL_CASE).read_bytes() == text
    finally:
        holder.kill()
        holder.wait()


def test_lock_left_by_a_killed_process_does_not_block(book, tmp_path):
    holder = hold_lock(book, tmp_path)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    result = add_outcome(book.root, "After the holder died", env={"LPCLI_LOCK_TIMEOUT": "5"})
    assert result.returncode == 0, result.stderr
    assert_clean(book)


# -- killed at every step of a write ----------------------------------------------------------

def expected_after(book: Book, tmp_path: Path, text: str) -> bytes:
    """The file as the change makes it, from the same change run to the end on a copy."""
    copy = tmp_path / "reference"
    shutil.copytree(book.root, copy, symlinks=True)
    assert add_outcome(copy, text).returncode == 0
    return (copy / "cases" / f"{MODEL_CASE}.yaml").read_bytes()


@pytest.mark.parametrize("point, lands", [
    ("after-journal", False),                       # journal written, file not yet
    (f"before-rename:{MODEL_CASE}.yaml", False),    # new text in a temporary file
    ("before-rename:journal.json", False),          # the journal itself half made
    ("after-rename", False),                        # new text in place, not committed
    ("after-commit", True),                         # committed, journal not yet removed
])
def test_killed_write_leaves_old_or_new_and_the_next_command_cleans_up(book, tmp_path, point,
                                                                     lands):
    old = book.case(MODEL_CASE).read_bytes()
    new = expected_after(book, tmp_path, "Outcome interrupted")
    base = book.head()
    killed = add_outcome(book.root, "Outcome interrupted", env={"LPCLI_TEST_CRASH": point})
    assert killed.returncode == -signal.SIGKILL
    now = book.case(MODEL_CASE).read_bytes()
    assert now in (old, new)  # never a partial file
    assert not [f for f in book.git("ls-files").splitlines() if ".tmp-" in f]
    if journal(book.root).exists():
        # Private, and only hashes: no personal data is copied anywhere new.
        assert stat.S_IMODE(journal(book.root).stat().st_mode) == 0o600
        assert stat.S_IMODE(journal(book.root).parent.stat().st_mode) == 0o700
        record = json.loads(journal(book.root).read_text())
        assert record["file"] == f"cases/{MODEL_CASE}.yaml" and set(record) == {
            "format", "file", "old", "new"}

    after = add_outcome(book.root, "Next change", case=OTHER_CASE)
    assert after.returncode == 0, after.stderr
    assert ("put back as it was committed" in after.stderr) == (now == new and not lands)
    expected_messages = [f"{OTHER_CASE}: outcome O1 added"]
    if lands:
        expected_messages.append(f"{MODEL_CASE}: outcome O3 added")
    assert messages_since(book, base) == expected_messages
    assert book.case(MODEL_CASE).read_bytes() == (new if lands else old)
    assert_clean(book)


def _alive(pid: int) -> bool:
    """Still running (a zombie nobody reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        p = stack.pop()
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    kids = [int(k) for k in fh.read().split()]
            except OSError:
                continue
            found += kids
            stack += kids
    return found


def wait_until_gone(pids) -> None:
    """Wait for processes lpcli started (a git it left running) to finish: the next command
    must meet what they leave, not race them. A hang guard, not a timing assertion."""
    deadline = time.monotonic() + HANG_GUARD
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.01)


def kill_now(proc: subprocess.Popen) -> None:
    """SIGKILL, as a power cut would; then let any git it started run to its end."""
    proc.send_signal(signal.SIGSTOP)  # stopped, it starts nothing new while we look
    children = _descendants(proc.pid)
    proc.kill()
    proc.wait(timeout=HANG_GUARD)
    wait_until_gone(children)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_random_kills_never_leave_a_partial_file(book, tmp_path):
    """SIGKILL at varied moments, steered towards the end of the run where the writing is,
    and inside git too: before the next command, the file is the old or the new version;
    after it, the casebook is clean and holds the change once or not at all."""
    new = expected_after(book, tmp_path, "Outcome raced")
    old = book.case(MODEL_CASE).read_bytes()
    start = time.monotonic()
    # Timed on a fresh process, as the ones killed below are.
    assert add_outcome(tmp_path / "reference", "Calibration", case=OTHER_CASE,
                       fresh=True).returncode == 0
    delay = time.monotonic() - start  # where to start killing; nothing is asserted on time
    rng = random.Random(7)
    for i in range(10):
        work = tmp_path / f"kill-{i}"
        shutil.copytree(book.root, work, symlinks=True)
        w = Book(work)
        proc = subprocess.Popen([sys.executable, "-m", "lpcli", "-C", str(work), "outcome",
                                 "add", MODEL_CASE, "Outcome raced"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay * rng.uniform(0.9, 1.1))
        finished = proc.poll() is not None
        if not finished:
            kill_now(proc)
        before_recovery = w.case(MODEL_CASE).read_bytes()
        assert before_recovery in (old, new), i
        untouched = before_recovery == old and not journal(work).exists()
        assert add_outcome(work, "Next change", case=OTHER_CASE).returncode == 0
        landed = f"{MODEL_CASE}: outcome O3 added" in messages_since(w, book.head())
        assert w.case(MODEL_CASE).read_bytes() == (new if landed else old), i
        assert_clean(w)
        shutil.rmtree(work)
        # Steer the next kill: later if this one came before any writing, earlier if the
        # run had finished.
        delay *= 0.85 if finished else 1.15 if untouched else 1.0


KILL_LPCLI_HOOK = """#!{python}
# Runs inside 'git commit': kills lpcli (git's parent) as a power cut would, then lets the
# commit {outcome}. Leaves git's process ID for the test to wait on.
import os, signal, sys
with open(f"/proc/{{os.getppid()}}/stat") as fh:
    lpcli = int(fh.read().rsplit(")", 1)[1].split()[1])
with open({pidfile!r}, "w") as fh:
    fh.write(str(os.getppid()))
os.kill(lpcli, signal.SIGKILL)
sys.exit({code})
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("lands", [True, False], ids=["commit-lands", "commit-fails"])
def test_killed_while_git_commits(book, tmp_path, lands):
    """lpcli killed while git is committing: git may finish the commit after lpcli died, or
    not. The next command tells which from the journal and git, and cleans up either way."""
    old = book.case(MODEL_CASE).read_bytes()
    new = expected_after(book, tmp_path, "Outcome during commit")
    base = book.head()
    hook = book.root / ".git" / "hooks" / "pre-commit"
    pidfile = tmp_path / "git.pid"
    hook.write_text(KILL_LPCLI_HOOK.format(python=sys.executable, code=0 if lands else 1,
                                           outcome="finish" if lands else "fail",
                                           pidfile=str(pidfile)))
    hook.chmod(0o755)
    killed = add_outcome(book.root, "Outcome during commit")
    assert killed.returncode == -signal.SIGKILL
    wait_until_gone([int(pidfile.read_text())])  # git, orphaned, finishes its commit or not
    hook.unlink()
    assert book.case(MODEL_CASE).read_bytes() == new
    after = add_outcome(book.root, "Next change", case=OTHER_CASE)
    assert after.returncode == 0, after.stderr
    assert book.case(MODEL_CASE).read_bytes() == (new if lands else old)
    assert (f"{MODEL_CASE}: outcome O3 added" in messages_since(book, base)) == lands
    assert_clean(book)


def test_recovery_never_overwrites_a_change_made_after_the_crash(book):
    old = book.case(MODEL_CASE).read_bytes()
    killed = add_outcome(book.root, "Outcome interrupted", env={"LPCLI_TEST_CRASH": "after-rename"})
    assert killed.returncode == -signal.SIGKILL
    # Someone edits the file before lpcli runs again.
    path = book.case(MODEL_CASE)
    path.write_bytes(path.read_bytes() + b"# a note typed by hand\n")
    mine = path.read_bytes()
    base = book.head()
    result = add_outcome(book.root, "Next change", case=OTHER_CASE)
    assert result.returncode == 2
    assert "changed again since" in result.stderr and "journal.json" in result.stderr
    assert path.read_bytes() == mine and book.head() == base and journal(book.root).exists()
    assert mine != old


# -- a full disk --------------------------------------------------------------------------------

def file_size_limit(limit: int):
    """For preexec_fn: writes past ``limit`` bytes fail with EFBIG, as on a full disk.
    (SIGXFSZ, which would kill the process instead, is ignored.)"""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_full_disk_changes_nothing_and_says_so(book):
    limit = 4096  # above git's own small writes (the index), below the case file
    path = book.case(MODEL_CASE)
    assert path.stat().st_size > limit
    before, text = book.head(), path.read_bytes()
    result = add_outcome(book.root, "Does not fit", preexec_fn=file_size_limit(limit))
    assert result.returncode == 2, result.stderr
    assert "the disk is full" in result.stderr and "Traceback" not in result.stderr
    assert f"cases/{MODEL_CASE}.yaml was not changed" in result.stderr
    assert path.read_bytes() == text and book.head() == before
    assert_clean(book)
    assert add_outcome(book.root, "Fits now").returncode == 0


@pytest.fixture
def small_disk(tmp_path):
    """A 16 MB tmpfs, where the disk can really fill up (root only)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs",
                           str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk: Path) -> None:
    # Unbuffered: with a buffer, the bytes that did not fit are written again on close,
    # which raises ENOSPC a second time outside the try.
    with open(disk / "filler", "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
        except OSError:
            pass


FILL_HOOK = """#!/bin/sh
# Fills the disk while 'git commit' runs: git then cannot write its objects.
cat /dev/zero > {filler} 2>/dev/null
exit 0
"""


@pytest.mark.parametrize("when", ["before", "during-commit"])
def test_really_full_disk(book, small_disk, when):
    root = small_disk / "casebook"
    shutil.copytree(book.root, root, symlinks=True)
    b = Book(root)
    path = b.case(MODEL_CASE)
    before, text = b.head(), path.read_bytes()
    if when == "before":
        fill(small_disk)
    else:
        hook = root / ".git" / "hooks" / "pre-commit"
        hook.write_text(FILL_HOOK.format(filler=small_disk / "filler"))
        hook.chmod(0o755)
    result = add_outcome(root, "No room")
    assert result.returncode == 2, result.stderr
    assert "disk is full" in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == text and b.head() == before  # even with no room to write
    (small_disk / "filler").unlink()
    (root / ".git" / "hooks" / "pre-commit").unlink(missing_ok=True)
    assert_clean(b)
    assert add_outcome(root, "Room again").returncode == 0
    assert_clean(b)


# -- git not in a state to commit to ---------------------------------------------------------

def make_conflict(book: Book, keep_merge_head: bool = True) -> None:
    """A real merge conflict on the case file; without MERGE_HEAD it is what a conflicting
    'git stash pop' leaves: unmerged paths and no merge in progress."""
    path, ident = book.case(MODEL_CASE), ["-c", "user.name=t", "-c", "user.email=t@e.org"]
    book.git("checkout", "-q", "-b", "other")
    path.write_text(path.read_text().replace("status: open", "status: open # other", 1))
    book.git(*ident, "commit", "-qam", "other")
    book.git("checkout", "-q", "main")
    path.write_text(path.read_text().replace("status: open", "status: open # main", 1))
    book.git(*ident, "commit", "-qam", "main")
    subprocess.run(["git", "merge", "-q", "other"], cwd=book.root, capture_output=True)
    assert f"UU cases/{MODEL_CASE}.yaml" in book.status()
    if not keep_merge_head:
        (book.root / ".git" / "MERGE_HEAD").unlink()


STATES = {
    "index-lock": (lambda b: (b.root / ".git" / "index.lock").write_text(""), "index.lock"),
    "mid-merge": (lambda b: (b.root / ".git" / "MERGE_HEAD").write_text(b.head() + "\n"),
                  "middle of a merge"),
    "mid-rebase": (lambda b: (b.root / ".git" / "rebase-merge").mkdir(), "middle of a rebase"),
    "mid-rebase-apply": (lambda b: (b.root / ".git" / "rebase-apply").mkdir(),
                         "middle of a rebase"),
    "mid-cherry-pick": (lambda b: (b.root / ".git" / "CHERRY_PICK_HEAD").write_text(
        b.head() + "\n"), "middle of a cherry-pick"),
    "mid-revert": (lambda b: (b.root / ".git" / "REVERT_HEAD").write_text(b.head() + "\n"),
                   "middle of a revert"),
    "detached-head": (lambda b: b.git("checkout", "-q", "--detach"), "detached"),
    "uncommitted-edit": (lambda b: b.case(MODEL_CASE).write_bytes(
        b.case(MODEL_CASE).read_bytes() + b"# not committed\n"), "not committed"),
    "staged-edit": (lambda b: (b.case(MODEL_CASE).write_bytes(
        b.case(MODEL_CASE).read_bytes() + b"# staged\n"), b.git("add", "-A")), "not committed"),
    "conflict-mid-merge": (make_conflict, "middle of a merge"),
    "unmerged-paths": (lambda b: make_conflict(b, keep_merge_head=False),
                       "unresolved git conflicts"),
}


def worktree(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}


@pytest.mark.parametrize("state", sorted(STATES))
@pytest.mark.parametrize("command", [
    ["outcome", "add", MODEL_CASE, "x"],
    ["new", "--name", "Test Child", "--dob", "2020-01-01"],
], ids=["change", "new-case"])
def test_git_states_where_writing_is_unsafe_are_refused(book, state, command):
    setup, expect = STATES[state]
    setup(book)
    if command[0] == "new" and state in ("uncommitted-edit", "staged-edit"):
        expect = None  # another case's edits do not stop a new case being opened
    before_files, before_head = worktree(book.root), book.git("rev-parse", "HEAD").strip()
    before_status = book.status()
    result = lpcli(book.root, *command)
    if expect is None:
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode == 2, result.stderr
    assert expect in result.stderr and "hint:" in result.stderr
    assert "Traceback" not in result.stderr
    assert worktree(book.root) == before_files
    assert book.git("rev-parse", "HEAD").strip() == before_head
    assert book.status() == before_status
    assert temporaries(book.root) == [] and not journal(book.root).exists()


# -- another user's casebook --------------------------------------------------------------------

NOBODY = 65534


def everything(root: Path) -> dict:
    """Every path with its owner, mode and content: to show that nothing at all changed."""
    out = {}
    for p in sorted(root.rglob("*")):
        st = p.lstat()
        body = p.read_bytes() if stat.S_ISREG(st.st_mode) else None
        out[p.relative_to(root).as_posix()] = (st.st_uid, stat.S_IMODE(st.st_mode), body)
    return out


@pytest.fixture
def foreign_book(book, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("making a casebook that belongs to another user needs root")
    root = tmp_path / "theirs"
    shutil.copytree(book.root, root, symlinks=True)
    subprocess.run(["chown", "-R", str(NOBODY), str(root)], check=True)
    return Book(root)


WRITERS = [["outcome", "add", MODEL_CASE, "x"], ["new", "--name", "Test Child", "--dob",
                                                 "2020-01-01"],
           ["review", MODEL_CASE, "--no-input", "--progress", "x"],
           ["close", MODEL_CASE, "--reason", "needs_met", "--exit-strategy", "x"],
           ["edit", MODEL_CASE], ["hooks", "install"]]
READERS = [["validate"], ["list"], ["show", MODEL_CASE], ["history", MODEL_CASE],
           ["overdue", "--as-of", "2026-11-20"], ["caseload"], ["calendar"],
           ["render", "plan", MODEL_CASE, "--format", "md"], ["nominate", OTHER_CASE, "--suggest"]]


def test_another_users_casebook_is_never_changed(foreign_book, git_identity):
    snap = everything(foreign_book.root)
    for args in WRITERS:
        result = lpcli(foreign_book.root, *args, env={"EDITOR": "true"})
        assert result.returncode == 2, (args, result.stderr)
        assert "belongs to another user" in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert everything(foreign_book.root) == snap, args
    for args in READERS:
        result = lpcli(foreign_book.root, *args)
        assert result.returncode in (0, 1, 2), (args, result.stderr)
        assert "Traceback" not in result.stderr, args
        if result.returncode == 2:
            assert "belongs to another user" in result.stderr, (args, result.stderr)
            assert "safe.directory" in result.stderr
        for s in SENTINELS if args[0] not in ("show", "render") else ():
            assert s not in result.stdout + result.stderr
        assert everything(foreign_book.root) == snap, args  # not even a cache file
    # Told that the casebook is safe, git reads it; lpcli still changes nothing in it.
    with open(git_identity, "a") as fh:
        fh.write(f"[safe]\n\tdirectory = {foreign_book.root}\n")
    assert lpcli(foreign_book.root, "history", MODEL_CASE).returncode == 0
    result = lpcli(foreign_book.root, "outcome", "add", MODEL_CASE, "x")
    assert result.returncode == 2 and "belongs to another user" in result.stderr
    assert everything(foreign_book.root) == snap
