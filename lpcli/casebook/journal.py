"""The write-ahead journal: a write killed half-way is finished or undone by the next one."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
from pathlib import Path

from lpcli import gitstore
from lpcli.core.errors import LpcliError, RepositoryStateError
from lpcli.files.safeio import TMP_MARK, atomic_write_bytes, fsync_dir, read_raw

JOURNAL = Path("lpcli") / "journal.json"  # in the git directory: never committed


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


def journal_path(repo) -> Path:
    return Path(repo.git_dir) / JOURNAL


def write_journal(repo, changes) -> None:
    """Note the files about to change: ``changes`` is ``[(path, old bytes or None, new
    bytes)]``, one file or several committed together (``records.update_cases``)."""
    journal = journal_path(repo)
    journal.parent.mkdir(mode=0o700, exist_ok=True)
    files = [{"file": gitstore.rel_path(repo, path), "old": _sha256(old), "new": _sha256(new)}
             for path, old, new in changes]
    # One file: format 1, as before several files could change in one commit.
    record = {"format": 1, **files[0]} if len(files) == 1 else {"format": 2, "files": files}
    atomic_write_bytes(journal, json.dumps(record).encode("utf-8"))


def _entries(record) -> list[tuple[str, str]]:
    """(file, hash of its new content) for each file a journal names; format 1 (one file,
    before several could change in one commit) is read too."""
    files = record["files"] if record.get("format") == 2 else [record]
    out = []
    for entry in files:
        rel, new_hash = entry["file"], entry["new"]
        if not isinstance(rel, str) or ".." in Path(rel).parts or Path(rel).is_absolute():
            raise ValueError(rel)
        out.append((rel, new_hash))
    if not out:
        raise ValueError("no files")
    return out


def drop_journal(repo) -> None:
    journal = journal_path(repo)
    with contextlib.suppress(FileNotFoundError):
        journal.unlink()
    fsync_dir(journal.parent)


def _read_current(path: Path) -> bytes | None:
    """The file's bytes now (None if absent). Anything but a regular file (a symlink, a
    pipe) reads as content that matches nothing, so recovery leaves it alone."""
    raw, problem = read_raw(path)
    if problem is None:
        return raw
    return None if problem.rule == "missing" else b"\0not a regular file"


def recover_interrupted_write(repo, backups: dict | None = None) -> str | None:
    """Finish what an interrupted write left, from its journal. Call under the lock.

    Returns a note for the user when something was put back, else None. Refuses (and keeps
    the journal) when a file holds content that is neither the committed version nor the
    interrupted write: that is someone's work, and lpcli does not guess. ``backups`` maps a
    file's path to a hard link to it as it was, when the failing command made one. A write
    of several files is one commit: they are put back together, or (one changed since) none.
    """
    journal = journal_path(repo)
    try:
        entries = _entries(json.loads(journal.read_bytes()))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise RepositoryStateError(
            f"lpcli's write journal (.git/{JOURNAL.as_posix()}) cannot be read",
            hint="check 'git status' and 'git log -1' look right, then delete that file")
    names = ", ".join(rel for rel, _ in entries)
    if (Path(repo.git_dir) / "index.lock").exists():
        raise RepositoryStateError(
            f"an lpcli command was interrupted while changing {names}, and git's index is "
            "locked (.git/index.lock exists), so it cannot be put back yet",
            hint="if no git command is running, delete .git/index.lock and run the command "
                 "again: lpcli then puts the file back as it was committed")
    states = []
    for rel, new_hash in entries:
        path = Path(repo.working_tree_dir) / rel
        committed = gitstore.committed_bytes(repo, path)
        current = _read_current(path)
        if _sha256(committed) == new_hash:
            state = "landed"  # the commit landed before the process died
        elif current == committed:
            state = "unstage"  # never written, or already put back
        elif _sha256(current) == new_hash:
            state = "put back"
        else:
            raise RepositoryStateError(
                f"an lpcli command was interrupted while changing {rel}, and the file has "
                "been changed again since; lpcli has left it as it is",
                hint=f"look at it ('git diff -- {rel}'), commit or discard that change, then "
                     f"delete .git/{JOURNAL.as_posix()} and try again")
        states.append((rel, path, committed, state))
    put_back = []
    for rel, path, committed, state in states:
        if state == "landed":
            continue
        if state == "put back":
            _restore(rel, path, committed, (backups or {}).get(path))
            put_back.append(rel)
        _unstage(repo, path, rel)
    drop_journal(repo)
    if not put_back:
        return None
    if len(put_back) == 1:
        return (f"an earlier lpcli command was interrupted before it committed {put_back[0]}; "
                "the file was put back as it was committed")
    return (f"an earlier lpcli command was interrupted before it committed "
            f"{', '.join(put_back)}; the files were put back as they were committed")


def _restore(rel: str, path: Path, committed: bytes | None, backup: Path | None) -> None:
    """The interrupted write: it was never committed, and the command that made it never
    said it had succeeded. Put back the committed version, the way a failed command leaves
    things."""
    try:
        _put_back(path, committed, backup)
    except OSError as exc:
        raise RepositoryStateError(
            f"{rel} holds the change of an lpcli command that failed or was interrupted, "
            f"not committed, and it could not be put back yet ({cause(exc)})",
            hint="free some space if the disk is full, then run the command again: "
                 "lpcli puts the committed version back first")


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
    fsync_dir(path.parent)


def _unstage(repo, path: Path, rel: str) -> None:
    if not gitstore.unstage(repo, [path]):
        raise RepositoryStateError(
            f"{rel} is as it was committed, but git's index still holds the change of an lpcli "
            "command that failed or was interrupted (git could not update the index)",
            hint="free some space if the disk is full, then run the command again: lpcli "
                 "finishes putting things back first")


def link_backup(path: Path) -> Path | None:
    """A hard link to the file as it is, so a failed write can put it back without needing
    space. Named as a temporary file: one left by a killed process is cleaned next run."""
    if not path.exists():
        return None
    backup = path.with_name(f".{path.name}{TMP_MARK}old-{os.urandom(4).hex()}")
    try:
        os.link(path, backup)
    except OSError:  # a file system without hard links, or no room for one: write instead
        return None
    return backup


# Errors that mean the disk is full, or a quota or file size limit was reached.
NO_SPACE = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def cause(exc: BaseException) -> str:
    """Why a write failed, in a few words (never file content)."""
    if isinstance(exc, OSError):
        return ("the disk is full, or a size limit was reached" if exc.errno in NO_SPACE
                else exc.strerror or "a file system error")
    if isinstance(exc, LpcliError):
        return exc.message
    return "interrupted" if isinstance(exc, KeyboardInterrupt) else type(exc).__name__


def clean_up(cases_dir: Path, repo) -> str | None:
    """What an interrupted lpcli left behind, put right (call under the lock, before any
    write): stray temporary files, and a write its journal says was cut short. Returns a
    note for the user when something was put back."""
    from lpcli.files.safeio import clean_stray_temporaries

    clean_stray_temporaries(cases_dir)
    clean_stray_temporaries(Path(repo.working_tree_dir))  # practitioners.yaml, lpcli.yaml
    journal = journal_path(repo)
    clean_stray_temporaries(journal.parent, prefix=f".{journal.name}")
    return recover_interrupted_write(repo)
