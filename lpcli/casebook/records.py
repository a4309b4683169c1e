"""The one safe write path, for any file of a casebook (a case, practitioners.yaml...).

Every command that changes a casebook file goes through ``update_file`` (cases through
``update_case``, new cases through ``create_case``):

0. refuse another user's casebook, or a git with no identity (``Session``);
1. take the casebook lock (so two lpcli processes never interleave a read and a write), and
   put right what an interrupted lpcli left: temporary files, a write journal;
2. check git is in a state where committing is right (``gitstore.check_writable``);
3. re-read the file under the lock, through the gate (a file with errors is refused), and
   apply the change to a round-trip copy, so comments, key order and untouched lines
   survive;
4. validate the result exactly as it will be written; refuse if it has errors;
5. write a journal of the change, then the file atomically (temporary file, fsync,
   rename) with owner-only permissions;
6. make one git commit holding only that file, message ``<SUBJECT>: <what happened>``
   (a case ID, or the file's name: never personal data).

If anything fails after the write (a hook, a full disk), the committed version is put
back, so a failed command leaves the casebook as it was. A command killed between the write
and the commit cannot put anything back itself: the next command to take the lock does it,
from the journal (``journal.recover_interrupted_write``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from lpcli import gitstore
from lpcli.casebook import journal
from lpcli.casebook.book import Casebook
from lpcli.casebook.layout import CASES_DIR, PRACTITIONERS_FILE, SETTINGS_FILE
from lpcli.casebook.lock import casebook_lock
from lpcli.check.gate import admit, check_loaded
from lpcli.core import dates
from lpcli.core.diagnostics import ERROR
from lpcli.core.errors import (
    CaseNotFound,
    EnvironmentProblem,
    InvalidRecord,
    LpcliError,
    RepositoryStateError,
)
from lpcli.files import loader, roundtrip
from lpcli.files.safeio import _test_crash, atomic_write_bytes, read_text_safely


@dataclass(frozen=True)
class Target:
    """A casebook file a change is written to: where, what kind (its schema), and the
    subject its commit messages and refusals name."""

    path: Path
    rel: str          # relative to the casebook, '/' separators
    kind: str         # 'case', 'practitioners' or 'settings'
    subject: str      # a case ID, or the file's name
    case_id: str | None = None

    @classmethod
    def case(cls, casebook: Casebook, case_id: str) -> "Target":
        return cls(casebook.case_path(case_id), f"{CASES_DIR}/{case_id}.yaml", "case",
                   case_id, case_id)

    @classmethod
    def practitioners(cls, casebook: Casebook) -> "Target":
        return cls(casebook.practitioners_path, PRACTITIONERS_FILE, "practitioners",
                   PRACTITIONERS_FILE)

    @classmethod
    def settings(cls, casebook: Casebook) -> "Target":
        return cls(casebook.settings_path, SETTINGS_FILE, "settings", SETTINGS_FILE)

    @property
    def fix_hint(self) -> str:
        return (f"lpcli edit {self.case_id}" if self.case_id else f"an editor on {self.rel}")


def validate_text(casebook: Casebook, target: Target, text: str, loaded=None) -> list:
    """Diagnostics for a file's would-be text, exactly as ``lpcli validate`` sees it
    (``loaded``: the text already read, so a hostile file is not parsed twice)."""
    loaded = loaded or loader.load(text)
    if target.kind == "case":
        return check_loaded(target.rel, "case", loaded, casebook.directory, target.case_id)
    diags = check_loaded(target.rel, target.kind, loaded)
    if target.kind == "practitioners":
        diags += _ids_kept(casebook, loaded)
    return diags


def _ids_kept(casebook: Casebook, loaded) -> list:
    """A practitioner ID, once in the directory, stays: cases refer to it for years (old
    leads, meetings, actions), so a practitioner who leaves is marked so, never removed.
    Checked here, on every write of the directory, so no case can be broken by one."""
    from lpcli.core.diagnostics import Diagnostic

    data = loaded.data if isinstance(loaded.data, dict) else {}
    new = {p.get("id") for p in data.get("practitioners") or [] if isinstance(p, dict)}
    gone = sorted(set(casebook.directory.by_id) - new)
    return [Diagnostic(PRACTITIONERS_FILE, 1, 1, ".practitioners", ERROR, "practitioner-removed",
                       f"practitioner '{pid}' would be removed; cases refer to practitioners "
                       "for as long as they are kept, so mark them as left instead "
                       f"('lpcli practitioner leave {pid}')") for pid in gone]


def refuse_if_invalid(casebook: Casebook, target: Target, text: str) -> list:
    diags = validate_text(casebook, target, text)
    errors = [d for d in diags if d.severity == ERROR]
    if errors:
        raise InvalidRecord(
            f"the change would leave {_broken(target, errors)} invalid, so nothing was written",
            diagnostics=errors,
            hint=f"fix the problems listed (for example with '{target.fix_hint}') and try "
                 "again")
    return diags


def _broken(target: Target, errors) -> str:
    files = sorted({d.file for d in errors})
    return ", ".join(files) if files else target.rel


def append_event(doc, event: str, date: dt.date, by: str, summary: str | None = None,
                 today: dt.date | None = None) -> None:
    """Add to the case's in-file event log (never personal data in ``summary``)."""
    entry = {"date": roundtrip.to_yaml_date(date)}
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
    subject: str      # the case ID, or the file's name
    commit: str
    message: str
    warnings: list
    notes: list = field(default_factory=list)  # what was recovered first, if anything

    @property
    def case_id(self) -> str:
        return self.subject


@dataclass
class ChangeContext:
    """What a change function sees: the file as plain data before the change (the same
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


def prepare(casebook: Casebook, session: Session) -> None:
    """First thing under the lock, before any write (here and in ``sync``): what an
    interrupted lpcli left behind is cleaned up."""
    note = journal.clean_up(casebook.cases_dir, session.repo)
    if note:
        session.notes.append(note)


def _write_failed(rel: str, exc: OSError) -> EnvironmentProblem:
    if exc.errno in journal.NO_SPACE:
        return EnvironmentProblem(
            f"the disk is full (or a size limit was reached), so {rel} was not changed",
            hint="free some space and run the command again; the previous version is intact")
    return EnvironmentProblem(
        f"{rel} could not be written ({journal.cause(exc)}), so it was not changed",
        hint="check the casebook folder's permissions and free space, then try again")


def update_file(casebook: Casebook, target: Target, change, *,
                author: str | None = None) -> Written:
    """Apply ``change(doc, ctx)`` to a casebook file and commit it.

    ``change`` mutates the round-trip document in place and returns the commit message's
    "what happened" part (IDs only). It may raise ``RuleViolation`` to refuse; then nothing
    is written. ``ctx`` is a ``ChangeContext``.
    """
    session = Session(casebook, author)
    with casebook_lock(session.repo):
        prepare(casebook, session)
        pending, what = _apply(casebook, session, target, change)
        return _commit_files(casebook, session, [pending], f"{target.subject}: {what}")


def _apply(casebook: Casebook, session: Session, target: Target, change):
    """Under the lock: the file re-read through the gate and ``change`` applied to a
    round-trip copy; (the change to write, what happened)."""
    if not target.path.exists():
        if target.case_id:
            raise CaseNotFound(f"no case {target.case_id} in this casebook",
                               hint="run 'lpcli list --status all' to see the case IDs")
        raise EnvironmentProblem(f"{target.rel} is missing from the casebook",
                                 hint="restore it with 'git checkout -- " + target.rel + "'")
    gitstore.check_writable(session.repo, [target.path])
    text, problem = read_text_safely(target.path)
    if problem is not None:
        raise InvalidRecord(f"{target.rel} cannot be read: {problem.message}")
    # The change functions trust the schema's shapes: a file that fails it is refused
    # here, before any of them sees it (FileHasErrors, exit 1).
    data = admit(target.rel, target.kind, loader.load(text))
    ctx = ChangeContext(casebook, session, data, dates.today(casebook.settings))
    rt = roundtrip.RoundTrip(text)
    what = change(rt.doc, ctx)
    new_text = rt.dump()
    if new_text == text:
        raise EnvironmentProblem(f"nothing to change: {target.rel} already says that")
    return Pending(target, text, new_text), what


def update_cases(casebook: Casebook, changes, *, author: str | None = None) -> Written:
    """``update_case`` for several cases changed together (a link written on both sides):
    ``changes`` is ``[(case_id, change)]``, each read, changed and validated under one lock,
    all written or none, in one commit named for the first (``<CASE-ID>: <what>``, the
    first change's words)."""
    session = Session(casebook, author)
    with casebook_lock(session.repo):
        prepare(casebook, session)
        pending, whats = [], []
        for case_id, change in changes:
            p, what = _apply(casebook, session, Target.case(casebook, case_id), change)
            pending.append(p)
            whats.append(what)
        return _commit_files(casebook, session, pending, f"{changes[0][0]}: {whats[0]}")


def update_case(casebook: Casebook, case_id: str, change, *, author: str | None = None) -> Written:
    """``update_file`` for a case."""
    return update_file(casebook, Target.case(casebook, case_id), change, author=author)


def replace_text(casebook: Casebook, target: Target, new_text: str, what: str,
                 *, expected_old: str | None = None, author: str | None = None) -> Written:
    """Write a whole new text for a file (``lpcli edit``), with the same checks.

    ``expected_old`` is the text the editor started from: if the file changed meanwhile,
    refuse rather than overwrite someone else's change.
    """
    session = Session(casebook, author)
    with casebook_lock(session.repo):
        prepare(casebook, session)
        gitstore.check_writable(session.repo, [target.path])
        text, problem = read_text_safely(target.path)
        if problem is not None:
            text = None
        if expected_old is not None and text != expected_old:
            raise RepositoryStateError(
                f"{target.rel} changed while you were editing it",
                hint=f"run '{target.fix_hint}' again to edit the new version")
        return _write_and_commit(casebook, session, target, text, new_text, what)


def create_case(casebook: Casebook, case_id: str, text, what: str,
                *, author: str | None = None, also=()) -> Written:
    """A new case file. ``text``: the file's text, or a function of the author's name
    giving it (the case's event log names who opened it). ``also``: ``[(case_id, change)]``
    for existing cases changed in the same commit (a new episode's link, on the earlier
    one)."""
    target = Target.case(casebook, case_id)
    session = Session(casebook, author)
    if callable(text):
        text = text(session.author_name)
    with casebook_lock(session.repo):
        prepare(casebook, session)
        gitstore.check_writable(session.repo)
        if target.path.exists() or target.path.is_symlink():
            raise EnvironmentProblem(f"case {case_id} already exists")
        others = [_apply(casebook, session, Target.case(casebook, other), change)[0]
                  for other, change in also]
        target.path.parent.mkdir(parents=True, exist_ok=True)
        return _commit_files(casebook, session, [Pending(target, None, text), *others],
                             f"{target.subject}: {what}")


@dataclass
class Pending:
    """One file of a change: its target, its text before (None: a new file) and after."""

    target: Target
    old_text: str | None
    new_text: str


def _write_and_commit(casebook, session, target: Target, old_text, new_text, what) -> Written:
    return _commit_files(casebook, session, [Pending(target, old_text, new_text)],
                         f"{target.subject}: {what}")


def _refuse_if_any_invalid(casebook: Casebook, pending: list) -> list:
    """Every file validated as it will be written; the warnings, or a refusal naming every
    error in every file."""
    diags = []
    for p in pending:
        diags += validate_text(casebook, p.target, p.new_text)
    errors = [d for d in diags if d.severity == ERROR]
    if errors:
        first = pending[0].target
        raise InvalidRecord(
            f"the change would leave {_broken(first, errors)} invalid, so nothing was written",
            diagnostics=errors,
            hint=f"fix the problems listed (for example with '{first.fix_hint}') and try "
                 "again")
    return diags


def _commit_files(casebook, session, pending: list, message: str) -> Written:
    """Validate, journal, write atomically and commit once: every file of ``pending``, or
    (on any failure) none, each put back as it was committed."""
    diags = _refuse_if_any_invalid(casebook, pending)
    repo = session.repo
    paths = [p.target.path for p in pending]
    rel = ", ".join(p.target.rel for p in pending)
    try:
        journal.write_journal(repo, [(p.target.path, None if p.old_text is None
                                      else p.old_text.encode("utf-8"),
                                      p.new_text.encode("utf-8")) for p in pending])
    except OSError as exc:
        raise _write_failed(rel, exc) from None  # nothing written yet
    backups = {path: journal.link_backup(path) for path in paths}
    try:
        _test_crash("after-journal")
        for p in pending:
            atomic_write_bytes(p.target.path, p.new_text.encode("utf-8"))
        _test_crash("after-rename")
        sha = gitstore.commit(repo, paths, message, session.env)
        _test_crash("after-commit")
    except BaseException as exc:
        # Put the casebook back exactly as it was (the committed versions, index unstaged),
        # by the same journal recovery a killed command gets on the next run.
        try:
            journal.recover_interrupted_write(repo, backups)
        except LpcliError as cleanup:
            # Still no space, say: the journal stays, and the next command finishes the job.
            raise EnvironmentProblem(
                f"the change failed ({journal.cause(exc)}); {cleanup.message}",
                hint=cleanup.hint) from exc
        if isinstance(exc, OSError):
            raise _write_failed(rel, exc) from None
        raise
    finally:
        for backup in backups.values():
            if backup is not None:
                with contextlib.suppress(OSError):
                    backup.unlink()
    with contextlib.suppress(OSError):  # the commit is made: a journal left is harmless
        journal.drop_journal(repo)
    if any(p.target.kind != "case" for p in pending):
        casebook.forget()  # the directory or settings just changed
    # A change to the directory changes what every case's diagnostics depend on: the cache
    # notices by itself (its context hashes practitioners.yaml).
    return Written(pending[0].target.subject, sha, message,
                   [d for d in diags if d.severity != ERROR], session.notes)
