"""The one safe write path for case files.

Every command that changes a case goes through ``update_case`` (or ``create_case``):

0. refuse another user's casebook, or a git with no identity (``Session``);
1. take the casebook lock (so two lpcli processes never interleave a read and a write), and
   put right what an interrupted lpcli left: temporary files, a write journal;
2. check git is in a state where committing is right (``gitstore.check_writable``);
3. re-read the file under the lock, and apply the change to a round-trip copy, so comments,
   key order and untouched lines survive;
4. validate the result exactly as it will be written; refuse if it has errors;
5. write a journal of the change, then the file atomically (temporary file, fsync,
   rename) with owner-only permissions;
6. make one git commit holding only that file, message ``<CASE-ID>: <what happened>``.

If anything fails after the write (a hook, a full disk), the committed version is put
back, so a failed command leaves the casebook as it was. A command killed between the write
and the commit cannot put anything back itself: the next command to take the lock does it,
from the journal (see ``recover_interrupted_write``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import secrets
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from lpcli import gitstore, yamlio
from lpcli.casebook import CASES_DIR, Casebook, read_raw, read_text_safely
from lpcli.diagnostics import ERROR
from lpcli.errors import (CasebookBusy, EnvironmentProblem, InvalidRecord, LpcliError,
                          RepositoryStateError)

LOCK_NAME = "lpcli.lock"
TMP_MARK = ".tmp-"
DEFAULT_LOCK_TIMEOUT = 30.0
JOURNAL = Path("lpcli") / "journal.json"  # in the git directory: never committed

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
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        raise EnvironmentProblem(
            "you can read this casebook but not change it (its git folder is not writable "
            "for you, or the disk is read-only), so nothing was changed",
            hint="ask the casebook's owner for write access, or make your own copy with "
                 "'lpcli init --clone'") from None
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


def _test_crash(point: str) -> None:
    """For the tests only: ``LPCLI_TEST_CRASH=<point>`` kills lpcli at that point of a write
    with SIGKILL, as a power cut or 'kill -9' would, so that recovery is tested for real."""
    if os.environ.get("LPCLI_TEST_CRASH") == point:
        os.kill(os.getpid(), signal.SIGKILL)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}{TMP_MARK}{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _test_crash(f"before-rename:{path.name}")
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


def clean_stray_temporaries(folder: Path, prefix: str = ".") -> int:
    """Remove temporary files a killed lpcli left behind (call under the lock).

    Only files named as ``atomic_write`` names them, starting with ``prefix``."""
    removed = 0
    if folder.is_dir():
        for p in folder.iterdir():
            if p.name.startswith(prefix) and TMP_MARK in p.name:
                with contextlib.suppress(OSError):
                    p.unlink()
                    removed += 1
    return removed


def validate_text(casebook: Casebook, case_id: str, text: str, loaded=None):
    """Diagnostics for a case file's would-be text, exactly as ``lpcli validate`` sees it
    (``loaded``: the text already read, so a hostile file is not parsed twice)."""
    from lpcli.validate import check_loaded

    rel = f"{CASES_DIR}/{case_id}.yaml"
    return check_loaded(rel, "case", loaded or yamlio.load(text), casebook.directory, case_id)


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
    notes: list = field(default_factory=list)  # what was recovered first, if anything


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
        self.notes: list[str] = []  # what recovery did, for the user to read


# -- the write-ahead journal ---------------------------------------------------------------
#
# The atomic rename makes the *file* safe: it is the old or the new version, never half of
# one. But the change is two steps, the rename and the git commit, and a process killed
# between them (a power cut, kill -9, the OOM killer) leaves the new text in the file,
# uncommitted: every later command would refuse the file as "changed but not committed",
# and a person might commit it without knowing whether it was ever checked. So before the
# rename, lpcli writes down what it is about to do: the file, and hashes of its content
# before and after. The journal is removed once the commit is made. A journal still there
# when the next command takes the lock means a write was interrupted, and what it holds is
# enough to tell, without guessing, whether the file is the interrupted write (put the
# committed version back), the commit landed (nothing to do), or something else changed
# the file since (leave it alone and say so). Content is never written to the journal: it
# holds hashes, so no personal data ends up anywhere new.

def _sha256(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _journal_path(repo) -> Path:
    return Path(repo.git_dir) / JOURNAL


def _write_journal(repo, path: Path, old: bytes | None, new: bytes) -> None:
    journal = _journal_path(repo)
    journal.parent.mkdir(mode=0o700, exist_ok=True)
    record = {"format": 1, "file": gitstore._rel(repo, path), "old": _sha256(old),
              "new": _sha256(new)}
    atomic_write_bytes(journal, json.dumps(record).encode("utf-8"))


def _drop_journal(repo) -> None:
    journal = _journal_path(repo)
    with contextlib.suppress(FileNotFoundError):
        journal.unlink()
    _fsync_dir(journal.parent)


def _read_current(path: Path) -> bytes | None:
    """The file's bytes now (None if absent). Anything but a regular file (a symlink, a
    pipe) reads as content that matches nothing, so recovery leaves it alone."""
    raw, problem = read_raw(path)
    if problem is None:
        return raw
    return None if problem.rule == "missing" else b"\0not a regular file"


def recover_interrupted_write(repo, backup: Path | None = None) -> str | None:
    """Finish what an interrupted write left, from its journal. Call under the lock.

    Returns a note for the user when something was put back, else None. Refuses (and keeps
    the journal) when the file holds content that is neither the committed version nor the
    interrupted write: that is someone's work, and lpcli does not guess. ``backup`` is a
    hard link to the file as it was, when the failing command made one.
    """
    journal = _journal_path(repo)
    try:
        record = json.loads(journal.read_bytes())
        rel, new_hash = record["file"], record["new"]
        if not isinstance(rel, str) or ".." in Path(rel).parts or Path(rel).is_absolute():
            raise ValueError(rel)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        raise RepositoryStateError(
            f"lpcli's write journal (.git/{JOURNAL.as_posix()}) cannot be read",
            hint="check 'git status' and 'git log -1' look right, then delete that file")
    if (Path(repo.git_dir) / "index.lock").exists():
        raise RepositoryStateError(
            f"an lpcli command was interrupted while changing {rel}, and git's index is "
            "locked (.git/index.lock exists), so it cannot be put back yet",
            hint="if no git command is running, delete .git/index.lock and run the command "
                 "again: lpcli then puts the file back as it was committed")
    path = Path(repo.working_tree_dir) / rel
    committed = gitstore.committed_bytes(repo, path)
    current = _read_current(path)
    note = None
    if _sha256(committed) == new_hash:
        pass  # the commit landed before the process died: only the journal is left
    elif current == committed:
        _unstage(repo, path, rel)  # never written, or already put back
    elif _sha256(current) == new_hash:
        # The interrupted write: it was never committed, and the command that made it never
        # said it had succeeded. Put back the committed version, the way a failed command
        # leaves things.
        try:
            _put_back(path, committed, backup)
        except OSError as exc:
            raise RepositoryStateError(
                f"{rel} holds the change of an lpcli command that failed or was interrupted, "
                f"not committed, and it could not be put back yet ({_cause(exc)})",
                hint="free some space if the disk is full, then run the command again: "
                     "lpcli puts the committed version back first")
        _unstage(repo, path, rel)
        note = (f"an earlier lpcli command was interrupted before it committed {rel}; "
                "the file was put back as it was committed")
    else:
        raise RepositoryStateError(
            f"an lpcli command was interrupted while changing {rel}, and the file has been "
            "changed again since; lpcli has left it as it is",
            hint=f"look at it ('git diff -- {rel}'), commit or discard that change, then "
                 f"delete .git/{JOURNAL.as_posix()} and try again")
    _drop_journal(repo)
    return note


def _put_back(path: Path, committed: bytes | None, backup: Path | None) -> None:
    """Make the file the committed version again. From the hard link to the old file when
    there is one: a rename needs no free space, so this works on a full disk too."""
    if committed is None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    elif backup is not None and _read_current(backup) == committed:
        os.replace(backup, path)
    else:
        atomic_write_bytes(path, committed)
        return
    _fsync_dir(path.parent)


def _unstage(repo, path: Path, rel: str) -> None:
    if not gitstore.unstage(repo, [path]):
        raise RepositoryStateError(
            f"{rel} is as it was committed, but git's index still holds the change of an lpcli "
            "command that failed or was interrupted (git could not update the index)",
            hint="free some space if the disk is full, then run the command again: lpcli "
                 "finishes putting things back first")


def _link_backup(path: Path) -> Path | None:
    """A hard link to the file as it is, so a failed write can put it back without needing
    space. Named as a temporary file: one left by a killed process is cleaned next run."""
    if not path.exists():
        return None
    backup = path.with_name(f".{path.name}{TMP_MARK}old-{secrets.token_hex(4)}")
    try:
        os.link(path, backup)
    except OSError:  # a file system without hard links, or no room for one: write instead
        return None
    return backup


def prepare(casebook: Casebook, session: Session) -> None:
    """First thing under the lock, before any write (here and in ``sync``): what an
    interrupted lpcli left behind is cleaned up."""
    clean_stray_temporaries(casebook.cases_dir)
    journal = _journal_path(session.repo)
    clean_stray_temporaries(journal.parent, prefix=f".{journal.name}")
    note = recover_interrupted_write(session.repo)
    if note:
        session.notes.append(note)


# Errors that mean the disk is full, or a quota or file size limit was reached.
_NO_SPACE = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _cause(exc: BaseException) -> str:
    """Why a write failed, in a few words (never file content)."""
    if isinstance(exc, OSError):
        return ("the disk is full, or a size limit was reached" if exc.errno in _NO_SPACE
                else exc.strerror or "a file system error")
    if isinstance(exc, LpcliError):
        return exc.message
    return "interrupted" if isinstance(exc, KeyboardInterrupt) else type(exc).__name__


def _write_failed(rel: str, exc: OSError) -> EnvironmentProblem:
    if exc.errno in _NO_SPACE:
        return EnvironmentProblem(
            f"the disk is full (or a size limit was reached), so {rel} was not changed",
            hint="free some space and run the command again; the previous version is intact")
    return EnvironmentProblem(
        f"{rel} could not be written ({_cause(exc)}), so it was not changed",
        hint="check the casebook folder's permissions and free space, then try again")


def update_case(casebook: Casebook, case_id: str, change, *, author: str | None = None) -> Written:
    """Apply ``change(doc, ctx)`` to a case and commit it.

    ``change`` mutates the round-trip document in place and returns the commit message's
    "what happened" part (IDs only). It may raise ``RuleViolation`` to refuse; then nothing
    is written. ``ctx`` is a ``ChangeContext``.
    """
    path = casebook.case_path(case_id)
    session = Session(casebook, author)
    with casebook_lock(session.repo):
        prepare(casebook, session)
        if not path.exists():
            from lpcli.errors import CaseNotFound

            raise CaseNotFound(f"no case {case_id} in this casebook",
                               hint="run 'lpcli list --status all' to see the case IDs")
        gitstore.check_writable(session.repo, [path])
        text, problem = read_text_safely(path)
        if problem is not None:
            raise InvalidRecord(f"{CASES_DIR}/{case_id}.yaml cannot be read: {problem.message}")
        from lpcli import dates
        from lpcli.validate import admit

        # The change functions trust the schema's shapes: a file that fails it is refused
        # here, before any of them sees it (FileHasErrors, exit 1).
        data = admit(f"{CASES_DIR}/{case_id}.yaml", "case", yamlio.load(text))
        ctx = ChangeContext(casebook, session, data, dates.today(casebook.settings))
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
        prepare(casebook, session)
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
        prepare(casebook, session)
        gitstore.check_writable(session.repo)
        if path.exists() or path.is_symlink():
            raise EnvironmentProblem(f"case {case_id} already exists")
        path.parent.mkdir(parents=True, exist_ok=True)
        return _write_and_commit(casebook, session, case_id, path, None, text, what)


def _write_and_commit(casebook, session, case_id, path, old_text, new_text, what) -> Written:
    diags = refuse_if_invalid(casebook, case_id, new_text)
    message = f"{case_id}: {what}"
    rel = f"{CASES_DIR}/{case_id}.yaml"
    repo = session.repo
    new = new_text.encode("utf-8")
    try:
        _write_journal(repo, path, None if old_text is None else old_text.encode("utf-8"), new)
    except OSError as exc:
        raise _write_failed(rel, exc) from None  # nothing written yet
    backup = _link_backup(path)
    try:
        _test_crash("after-journal")
        atomic_write_bytes(path, new)
        _test_crash("after-rename")
        sha = gitstore.commit(repo, [path], message, session.env)
        _test_crash("after-commit")
    except BaseException as exc:
        # Put the casebook back exactly as it was (the committed version, index unstaged),
        # by the same journal recovery a killed command gets on the next run.
        try:
            recover_interrupted_write(repo, backup)
        except LpcliError as cleanup:
            # Still no space, say: the journal stays, and the next command finishes the job.
            raise EnvironmentProblem(f"the change failed ({_cause(exc)}); {cleanup.message}",
                                     hint=cleanup.hint) from exc
        if isinstance(exc, OSError):
            raise _write_failed(rel, exc) from None
        raise
    finally:
        if backup is not None:
            with contextlib.suppress(OSError):
                backup.unlink()
    with contextlib.suppress(OSError):  # the commit is made: a journal left is harmless
        _drop_journal(repo)
    return Written(case_id, sha, message, [d for d in diags if d.severity != ERROR],
                   session.notes)
