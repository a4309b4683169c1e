"""Safe reading and writing of files: the only way lpcli touches a casebook's files.

Reading refuses what a shared casebook could be made to hold against its users: symbolic
links (git stores them, so anyone who can push could point one at a colleague's private
files), named pipes (a read would wait forever), devices, and files over the size limit,
all checked with one open (O_NOFOLLOW) and one fstat before a byte is read. Writing is
atomic (a temporary file, fsync, rename) and private to the owner.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
from pathlib import Path

from lpcli.files.yamlio import MAX_FILE_BYTES, YamlProblem, decode

TMP_MARK = ".tmp-"

# Files and folders lpcli creates are for their owner only: these are children's records.
PRIVATE_UMASK = 0o077


def set_private_umask() -> None:
    os.umask(PRIVATE_UMASK)


def read_text_safely(path: Path) -> tuple[str | None, YamlProblem | None]:
    """Read a file's text, refusing symlinks and over-large files before parsing."""
    raw, problem = read_raw(path)
    if problem is not None:
        return None, problem
    return decode(raw)


def read_raw(path, on_stat=None) -> tuple[bytes | None, YamlProblem | None]:
    """A file's bytes, refusing symlinks and over-large files before reading them.

    One open with O_NOFOLLOW and one fstat: this runs once per case on every report.
    ``on_stat(stat_result)`` is given that fstat's result (validate checks permissions with
    it, so 10,000 files cost no extra system call)."""
    if not _NOFOLLOW and os.path.islink(path):
        return None, YamlProblem(
            "symlink", "is a symbolic link; lpcli reads only regular files in a casebook", 1, 1)
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
    except FileNotFoundError:
        return None, YamlProblem("missing", "file not found", 1, 1)
    except OSError as exc:
        if os.path.islink(path):
            return None, YamlProblem(
                "symlink", "is a symbolic link; lpcli reads only regular files in a casebook",
                1, 1)
        return None, YamlProblem("unreadable", f"cannot be read ({exc.strerror})", 1, 1)
    try:
        st = os.fstat(fd)
        if on_stat is not None:
            on_stat(st)
        if not stat.S_ISREG(st.st_mode):
            return None, YamlProblem("unreadable", "is not a regular file", 1, 1)
        if st.st_size > MAX_FILE_BYTES:
            return None, YamlProblem(
                "file-too-large",
                f"file is {st.st_size} bytes; the limit is {MAX_FILE_BYTES} bytes", 1, 1)
        raw = os.read(fd, MAX_FILE_BYTES + 1)
        while len(raw) < st.st_size:  # a short read (network file systems): keep going
            more = os.read(fd, MAX_FILE_BYTES + 1 - len(raw))
            if not more:
                break
            raw += more
    finally:
        os.close(fd)
    if len(raw) > MAX_FILE_BYTES:
        return None, YamlProblem(
            "file-too-large", f"file is over the limit of {MAX_FILE_BYTES} bytes", 1, 1)
    return raw, None


# Without O_NOFOLLOW (non-POSIX systems) symlinks are caught by an islink check first.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# Opening a named pipe for reading waits for a writer, forever: O_NONBLOCK returns at once,
# and fstat then refuses it. (For regular files the flag changes nothing.)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


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
    tmp = path.with_name(f".{path.name}{TMP_MARK}{os.urandom(4).hex()}")
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
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
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
    try:
        # Names as plain strings: a Path for each of 100,000 case files is a tenth of a
        # second of every write.
        names = os.listdir(folder)
    except OSError:  # no such folder (yet), or not one
        return 0
    for name in names:
        if name.startswith(prefix) and TMP_MARK in name:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))
                removed += 1
    return removed
