"""The casebook lock: two lpcli processes never interleave a read and a write."""

from __future__ import annotations

import contextlib
import errno
import os
import time
from pathlib import Path

from lpcli.core.errors import CasebookBusy, EnvironmentProblem

LOCK_NAME = "lpcli.lock"
DEFAULT_LOCK_TIMEOUT = 30.0


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
