"""Who else may read a casebook: validate's ``file-permissions`` warning.

lpcli writes every file with owner-only permissions (umask 077), but it does not make every
file in a casebook: git does not record read permissions, so a clone, a ``git pull`` or a
copy gets whatever umask the person running it had — usually one that lets everyone on the
machine read it. ``validate`` therefore looks at each file's mode (from the fstat it makes
anyway to read the file: no extra system call) and warns when the group or others may read
or write it. The check is never cached: a chmod changes no content, and the cache is keyed
by content.

A casebook cloned with a loose umask has *every* file loose, so the text report folds
them: a cron mail that lists 10,000 identical lines buries the one real error among them.
The JSON report keeps every warning, for scripts.
"""

from __future__ import annotations

import os
import shlex
import stat

from lpcli.core.diagnostics import WARNING, Diagnostic

RULE = "file-permissions"
# Read or write for the group or others. Execute alone exposes nothing in a data file.
LOOSE_FILE = _LOOSE_FILE = 0o066
# A folder others can enter or list: .git holds every version of every case.
_LOOSE_DIR = 0o077

# Text reports list at most this many permission warnings one by one...
SHOW_ALL_UP_TO = 5
# ...and beyond that the first few, then one line with the count and the fix.
SHOW_WHEN_FOLDED = 3

# Mode bits mean nothing on Windows: no warning there.
CHECKED = os.name == "posix"


def _whom(mode: int) -> str:
    group, other = bool(mode & 0o070), bool(mode & 0o007)
    return "its group and others" if group and other else "its group" if group else "others"


def _file_access(mode: int) -> str:
    read, write = bool(mode & 0o044), bool(mode & 0o022)
    what = "read and written" if read and write else "read" if read else "written"
    return f"can be {what} by {_whom(mode & _LOOSE_FILE)}"


def check_file(rel: str, mode: int | None) -> Diagnostic | None:
    """The warning for one casebook file with this st_mode, or None."""
    if not CHECKED or mode is None or not stat.S_ISREG(mode) or not mode & _LOOSE_FILE:
        return None
    return Diagnostic(
        rel, 1, 1, ".", WARNING, RULE,
        f"{_file_access(mode)} (mode {stat.S_IMODE(mode):04o}); a casebook's files are "
        f"for their owner only: run 'chmod 600 {shlex.quote(rel)}'")


def check_git_dir(rel: str, mode: int | None) -> Diagnostic | None:
    """The warning for the repository's git folder, which holds every version of every case
    (a fresh clone's objects are world-readable under a usual umask), or None."""
    if not CHECKED or mode is None or not stat.S_ISDIR(mode) or not mode & _LOOSE_DIR:
        return None
    return Diagnostic(
        rel, 1, 1, ".", WARNING, RULE,
        f"the git folder holds every version of every case and can be opened by "
        f"{_whom(mode)} (mode {stat.S_IMODE(mode):04o}): run 'chmod -R go-rwx .' in the "
        "casebook")


def fold(diags: list) -> tuple[list, int]:
    """The diagnostics a text report prints one by one, and how many permission warnings it
    leaves out (0: none). Everything but permission warnings is always printed."""
    loose = [d for d in diags if d.rule == RULE]
    if len(loose) <= SHOW_ALL_UP_TO:
        return list(diags), 0
    hidden = {id(d) for d in loose[SHOW_WHEN_FOLDED:]}
    return [d for d in diags if id(d) not in hidden], len(hidden)


def folded_line(hidden: int, root) -> str:
    """The one line standing for the permission warnings a text report left out."""
    return (f"warning: {RULE}: {hidden} more files can be read or written by people other "
            f"than their owner ('lpcli validate --format json' lists every one); fix them "
            f"all with: chmod -R go-rwx {shlex.quote(str(root))}")
