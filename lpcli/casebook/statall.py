"""The ``lstat`` of every case file in a list, as fast as this machine allows: a warm run
over 100,000 cases is little else (``snapshot.Snapshot`` compares them with the cache's)."""

from __future__ import annotations

import contextlib
import marshal
import os


# From this many files the stat of each is split with a second process (os.fork): at 100,000
# files the system calls alone take half a second, and a warm run is little else.
STAT_SPLIT_MIN = 20_000


def stat_all(folder: str, file_names: list) -> list:
    """(ino, size, mtime_ns, ctime_ns, mode) of each file, without following a link; None
    for one that cannot be stat-ed (gone: the read says what). Many files: half of them in a
    forked process, when the machine has a second core."""
    count = len(file_names)
    if count < STAT_SPLIT_MIN or (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"):
        return stat_some(folder, file_names)
    half = count // 2
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return stat_some(folder, file_names)
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return stat_some(folder, file_names)
    if pid == 0:  # the second process: its half, packed down the pipe, and gone at once
        try:
            os.close(read_end)
            view = memoryview(marshal.dumps(stat_some(folder, file_names[half:])))
            while view:
                view = view[os.write(write_end, view):]
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        first = stat_some(folder, file_names[:half])
        with os.fdopen(read_end, "rb") as pipe:
            packed = pipe.read()
    finally:
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)
    try:
        second = marshal.loads(packed)
    except (EOFError, ValueError, TypeError):
        second = None
    if not isinstance(second, list) or len(second) != count - half:
        second = stat_some(folder, file_names[half:])  # it failed: do its half here
    return first + second


def stat_some(folder: str, file_names) -> list:
    # Each name looked up in the open folder (one path component, not the casebook's
    # whole path: a tenth less time), where the system allows it.
    try:
        if os.stat not in os.supports_dir_fd:
            raise OSError
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return _stat_by_path(folder, file_names)
    try:
        stat = os.stat
        out = []
        append = out.append
        for file_name in file_names:
            try:
                st = stat(file_name, dir_fd=fd, follow_symlinks=False)
            except (OSError, ValueError):
                append(None)
                continue
            append((st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode))
        return out
    finally:
        os.close(fd)


def _stat_by_path(folder: str, file_names) -> list:
    lstat = os.lstat
    out = []
    append = out.append
    for file_name in file_names:
        try:
            st = lstat(f"{folder}/{file_name}")
        except (OSError, ValueError):
            append(None)
            continue
        append((st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode))
    return out
