"""The one safe write path for case files.

Every command that changes a case goes through ``update_case`` (or ``create_case``):

1. take the casebook lock (so two lpcli processes never interleave a read and a write);
2. check git is in a state where committing is right (``gitstore.check_writable``);
3. re-read the file under the lock, and apply the change to a round-trip copy, so comments,
   key order and untouched lines survive;
4. validate the result exactly as it will be written; refuse if it has errors;
5. write atomically (temporary file, fsync, rename) with owner-only permissions;
6. make one git commit holding only that file, message ``<CASE-ID>: <what happened>``.

If anything fails after the write, the previous bytes are put back, so a failed command
leaves the casebook as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from lpcli import gitstore, yamlio
from lpcli.casebook import CASES_DIR, Casebook, read_text_safely
from lpcli.diagnostics import ERROR
from lpcli.errors import CasebookBusy, EnvironmentProblem, InvalidRecord, RepositoryStateError

LOCK_NAME = "lpcli.lock"
TMP_MARK = ".tmp-"
DEFAULT_LOCK_TIMEOUT = 30.0

# Files and folders lpcli creates are for their owner only: these are children's records.
PRIVATE_UMASK = 0o077


def set_private_umask() -> None:
    os.umask(PRIVATE_UMASK)


@contextlib.contextmanager
def casebook_lock(repo, timeout: float | None = None):
    """An exclusive lock on the casebook, held in the git directory (never committed).

    ``flock`` is released by the kernel when a process dies, so a lock left by a killed
    process never blocks the next run.
    """
    if timeout is None:
        timeout = float(os.environ.get("LPCLI_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT))
    path = Path(repo.git_dir) / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - non-POSIX systems: best effort, no lock
            yield
            return
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise CasebookBusy(
                        f"the casebook is busy: another lpcli command has held its lock for "
                        f"{timeout:.0f} seconds",
                        hint="wait for it to finish and try again "
                             "(LPCLI_LOCK_TIMEOUT sets how long to wait)")
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def atomic_write(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that a crash leaves either the old or the new file."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}{TMP_MARK}{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def clean_stray_temporaries(folder: Path) -> int:
    """Remove temporary files a killed lpcli left behind (call under the lock)."""
    removed = 0
    if folder.is_dir():
        for p in folder.iterdir():
            if p.name.startswith(".") and TMP_MARK in p.name:
                with contextlib.suppress(OSError):
                    p.unlink()
                    removed += 1
    return removed


def validate_text(casebook: Casebook, case_id: str, text: str):
    """Diagnostics for a case file's would-be text, exactly as ``lpcli validate`` sees it."""
    from lpcli.validate import check_loaded

    rel = f"{CASES_DIR}/{case_id}.yaml"
    return check_loaded(rel, "case", yamlio.load(text), casebook.directory, case_id)


def refuse_if_invalid(casebook: Casebook, case_id: str, text: str) -> list:
    diags = validate_text(casebook, case_id, text)
    errors = [d for d in diags if d.severity == ERROR]
    if errors:
        raise InvalidRecord(
            f"the change would leave {CASES_DIR}/{case_id}.yaml invalid, so nothing was written",
            diagnostics=errors,
            hint=f"fix the problems listed (for example with 'lpcli edit {case_id}') "
                 "and try again")
    return diags


def append_event(doc, event: str, date: dt.date, by: str, summary: str | None = None,
                 today: dt.date | None = None) -> None:
    """Add to the case's in-file event log (never personal data in ``summary``)."""
    entry = {"date": yamlio.to_yaml_date(date)}
    today = today or dt.date.today()
    if date != today:
        entry["recorded"] = today
    entry["event"] = event
    if by:
        entry["by"] = by
    if summary:
        entry["summary"] = summary
    if "events" not in doc or doc["events"] is None:
        doc["events"] = []
    doc["events"].append(entry)


@dataclass
class Written:
    case_id: str
    commit: str
    message: str
    warnings: list


@dataclass
class ChangeContext:
    """What a change function sees: the case as plain data before the change (the same
    values ``validate`` checks, dates as strings), the casebook, the session and today."""

    casebook: Casebook
    session: "Session"
    data: dict
    today: dt.date

    def event(self, doc, event: str, date: dt.date, summary: str | None = None) -> None:
        append_event(doc, event, date, self.session.author_name, summary, self.today)


class Session:
    """What a write needs: the casebook, its repository and the commit identity.

    Refuses, before anything is written, a casebook that belongs to another user and a
    git without an identity."""

    def __init__(self, casebook: Casebook, author: str | None = None):
        self.casebook = casebook
        self.repo = gitstore.open_repo(casebook.root, write=True)
        self.env = gitstore.identity_env(self.repo, author)
        self.author_name = gitstore.author_name(self.repo, author)


def update_case(casebook: Casebook, case_id: str, change, *, author: str | None = None) -> Written:
    """Apply ``change(doc, ctx)`` to a case and commit it.

    ``change`` mutates the round-trip document in place and returns the commit message's
    "what happened" part (IDs only). It may raise ``RuleViolation`` to refuse; then nothing
    is written. ``ctx`` is a ``ChangeContext``.
    """
    path = casebook.case_path(case_id)
    session = Session(casebook, author)
    with casebook_lock(session.repo):
        clean_stray_temporaries(casebook.cases_dir)
        if not path.exists():
            from lpcli.errors import CaseNotFound

            raise CaseNotFound(f"no case {case_id} in this casebook",
                               hint="run 'lpcli list --status all' to see the case IDs")
        gitstore.check_writable(session.repo, [path])
        text, problem = read_text_safely(path)
        if problem is not None:
            raise InvalidRecord(f"{CASES_DIR}/{case_id}.yaml cannot be read: {problem.message}")
        before = yamlio.load(text)
        if before.problems or not isinstance(before.data, dict):
            raise InvalidRecord(
                f"{CASES_DIR}/{case_id}.yaml is not valid YAML for lpcli, so it was not changed",
                diagnostics=[d for d in validate_text(casebook, case_id, text)
                             if d.severity == ERROR],
                hint=f"fix it with 'lpcli edit {case_id}' first")
        from lpcli import dates

        ctx = ChangeContext(casebook, session, before.data, dates.today(casebook.settings))
        rt = yamlio.RoundTrip(text)
        what = change(rt.doc, ctx)
        new_text = rt.dump()
        if new_text == text:
            raise EnvironmentProblem("nothing to change: the case already says that")
        return _write_and_commit(casebook, session, case_id, path, text, new_text, what)


def replace_case_text(casebook: Casebook, case_id: str, new_text: str, what: str,
                      *, expected_old: str | None = None, author: str | None = None) -> Written:
    """Write a whole new text for a case (``lpcli edit``), with the same checks.

    ``expected_old`` is the text the editor started from: if the file changed meanwhile,
    refuse rather than overwrite someone else's change.
    """
    path = casebook.case_path(case_id)
    session = Session(casebook, author)
    with casebook_lock(session.repo):
        gitstore.check_writable(session.repo, [path])
        text, problem = read_text_safely(path)
        if problem is not None:
            text = None
        if expected_old is not None and text != expected_old:
            raise RepositoryStateError(
                f"{CASES_DIR}/{case_id}.yaml changed while you were editing it",
                hint=f"run 'lpcli edit {case_id}' again to edit the new version")
        return _write_and_commit(casebook, session, case_id, path, text, new_text, what)


def create_case(casebook: Casebook, case_id: str, text: str, what: str,
                *, author: str | None = None) -> Written:
    path = casebook.case_path(case_id)
    session = Session(casebook, author)
    with casebook_lock(session.repo):
        clean_stray_temporaries(casebook.cases_dir)
        gitstore.check_writable(session.repo)
        if path.exists() or path.is_symlink():
            raise EnvironmentProblem(f"case {case_id} already exists")
        path.parent.mkdir(parents=True, exist_ok=True)
        return _write_and_commit(casebook, session, case_id, path, None, text, what)


def _write_and_commit(casebook, session, case_id, path, old_text, new_text, what) -> Written:
    diags = refuse_if_invalid(casebook, case_id, new_text)
    message = f"{case_id}: {what}"
    atomic_write(path, new_text)
    try:
        sha = gitstore.commit(session.repo, [path], message, session.env)
    except BaseException:
        # Put the casebook back exactly as it was: old bytes (or no file), index unstaged.
        if old_text is None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        else:
            atomic_write(path, old_text)
        gitstore.unstage(session.repo, [path])
        raise
    return Written(case_id, sha, message, [d for d in diags if d.severity != ERROR])
