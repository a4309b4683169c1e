"""Where the cache of checked case files is kept: one SQLite file in the git directory.

Per case file (``cases/ID.yaml``) it keeps:

* what ``stat`` said when the file was last read (inode, size, mtime and ctime in
  nanoseconds), so that an unchanged file is not read again. The rule is git's: an entry
  counts only if the file's timestamps are older than the moment the cache was written
  (else a change in the same tick could keep them), so a file changed just before, or
  while, lpcli read it is stored without its stat and read again (and its content hash
  compared) next time. Whatever else changes, the ctime does: the kernel sets it on every
  write, ``touch`` and ``chmod``, and no one can set it back; a copy (``cp -a``, a clone, a
  checkout) is a new inode;
* the git blob ID of its bytes (SHA-1 of ``blob <size>\\0`` and the bytes): what the
  results below are for, so that ``lpcli sync`` can use them for a file as it stands in a
  commit (``sync/check.py``);
* its results: the diagnostics, the slim copy reports read (``cache.slim``; none when the
  file failed the gate) and its status (open, closed), so that a report reads only the
  slim copies it needs;
* which practitioners its rules looked up, and what each one's directory entry was
  (``depends.py``): an edit of practitioners.yaml re-checks only the cases it concerns.

The index of every file (names, stat, blob, status) is one small row read at once; the
results are rows read only for the files asked for. A missing, corrupt, locked or
unwritable cache only means more work, never a wrong answer: every failure falls back to
reading the files. Concurrent readers are safe (SQLite, with its rollback journal: the
write-ahead log needs shared memory, which a network file system does not give); a second
writer waits a moment, then gives up quietly.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sqlite3
import stat as statmod
import sys
import time

from lpcli import __version__, gitstore
from lpcli.casebook import cache as cachemod
from lpcli.casebook.layout import CASES_DIR
from lpcli.check.history import quiet_since

# The layout of this file; cache.FORMAT is what the slim copy holds. 3: each entry keeps
# the case's links (issue 15), which validate checks across every case, and whether the
# file has findings. 4: the day a case closed for good fell quiet (a report skips it).
FORMAT = 4
# A file whose mtime or ctime is this close to the moment the cache is written may change
# again within the same timestamp tick (two seconds: FAT's, and slack for a coarse clock).
RACY_NS = 2_000_000_000
# At most this many files read again against a snapshot (changed since, or racy when it was
# taken) before a run falls back to the whole index; and the most entries a patch of the
# index (``save_again``) holds before the index is written whole again.
AGAIN_MAX = 64
PATCH_MAX = 2_000
# A snapshot keeps every file's stat in blocks of this many files, each with its digest: a
# run finds the few files changed from the blocks whose digest differs, and a run that read
# them again rewrites those blocks only.
STAT_BLOCK = 1000
# Status of a case in the index: the slim copy's 'status', or none (the file failed the gate).
NO_SLIM, OPEN, CLOSED, OTHER = 0, 1, 2, 3
_STATUS = {"open": OPEN, "closed": CLOSED}


def status_code(slim) -> int:
    if slim is None:
        return NO_SLIM
    return _STATUS.get(slim.get("status"), OTHER)


def quiet_of(slim) -> str | None:
    """The day a case closed for good fell quiet (``history.QUIET``), or None."""
    return quiet_since(slim.get("history")) if isinstance(slim, dict) else None


blob_id = gitstore.blob_id  # what a file's results are for: its bytes' git blob ID


# An entry of the index: [stat, blob, status, dirprint, links, findings, quiet]. ``stat`` is (ino,
# size, mtime_ns, ctime_ns), or None when the file must be read again; ``dirprint`` the
# fingerprint of the directory its results were last confirmed against (``depends.py``);
# ``links`` the case's links to other cases (``cache.links``), so that validate checks them
# across the casebook without reading every slim copy (almost every case has none);
# ``findings`` whether its diagnostics are not empty, so that validate reads the rows of
# those files only; ``quiet`` the day a case closed for good fell quiet (``history.QUIET``),
# so that a report over later periods reads none of them. Plain lists, not objects: a
# hundred thousand of them are read on every run.
STAT, BLOB, STATUS, DIRPRINT, LINKS, FINDINGS, QUIET = range(7)


class Store:
    def __init__(self, casebook):
        self.casebook = casebook
        self.db = None
        self._index: dict[str, list] | None = None
        # Bumped by every write of the index or of results: a snapshot holds for the
        # generation it was written at, and only while the index read was the latest.
        self.generation = None
        # The snapshot of this run's files holds for ``generation`` (found, or written by
        # ``save``); ``tainted``: some results came from another lpcli's write meanwhile.
        self.snapshot_holds = False
        self.tainted = False
        self.dirty_index = False
        self.pending: dict[str, tuple] = {}  # name -> row of results to write
        self.again_rows: dict[str, tuple] = {}  # rows of the files a snapshot reads again
        self.touched: set[str] = set()       # names whose entry to re-check for racy stat
        self.path = self._path()
        self.context = self._context()
        self._open()

    # -- where, and for what ----------------------------------------------------------------
    def _path(self):
        gd = gitstore.git_dir(self.casebook.root)
        # No cache in another user's casebook (root running 'lpcli validate', say): the file
        # and folder made here would be this user's, private, and in the owner's way.
        if gd is None or gitstore.foreign_owner(gd) is not None:
            return None
        tag = hashlib.blake2b(os.fsencode(self.casebook.root), digest_size=6).hexdigest()
        return gd / "lpcli" / f"cache-{tag}.sqlite3"

    @staticmethod
    def _context() -> str:
        """What every result depends on besides the file and the directory: lpcli, the case
        schema, and the format of the slim copy and of this file. (A case's checks read no
        settings: ``gate.check`` is given none; the directory is tracked per case.)"""
        from lpcli.core.resources import schemas_dir

        h = hashlib.blake2b(digest_size=16)
        h.update(f"{FORMAT}:{cachemod.FORMAT}:{__version__}:{sys.version_info[:2]}:"
                 f"{marshal.version}".encode())
        try:
            h.update((schemas_dir() / "case.schema.json").read_bytes())
        except OSError:
            h.update(b"-")
        return h.hexdigest()

    def _open(self) -> None:
        if self.path is None:
            return
        try:
            if not self.path.parent.is_dir():
                self.path.parent.mkdir(mode=0o700, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0),
                         0o600)
            os.close(fd)
            db = sqlite3.connect(self.path, timeout=2, isolation_level=None,
                                 check_same_thread=False)
            db.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v)")
            db.execute("CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, blob TEXT, "
                       "slim BLOB, diags BLOB, deps BLOB) WITHOUT ROWID")
            self.db = db
            # The index (megabytes at 100,000 cases) is read only when needed: a run that
            # finds every file as its snapshot left it does without (``snapshot``).
            if self._meta("context") != self.context:
                self._reset()
        except (OSError, sqlite3.Error, ValueError, TypeError, EOFError):
            self._give_up()
            self._recreate()

    def _meta(self, key):
        row = self.db.execute("SELECT v FROM meta WHERE k = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def index(self) -> dict[str, list]:
        if self._index is None:
            self._index = {}
            if self.db is not None:
                try:
                    # The index and its generation are read together (one transaction).
                    self.db.execute("BEGIN")
                    try:
                        self.generation = self._meta("generation") or 0
                        self._index = _unpack_index(self._meta("index"))
                        self._index.update(_unpack_index(self._meta("patch")))
                    finally:
                        self.db.execute("COMMIT")
                except (sqlite3.Error, ValueError, TypeError, EOFError):
                    self._give_up()
        return self._index

    @index.setter
    def index(self, value) -> None:
        self._index = value

    def _recreate(self) -> None:
        """A damaged file (not a database, truncated...): start again with a new one."""
        if self.path is None:
            return
        for suffix in ("", "-journal"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL
                         | getattr(os, "O_NOFOLLOW", 0), 0o600)
            os.close(fd)
            db = sqlite3.connect(self.path, timeout=2, isolation_level=None,
                                 check_same_thread=False)
            db.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, v)")
            db.execute("CREATE TABLE files (name TEXT PRIMARY KEY, blob TEXT, slim BLOB, "
                       "diags BLOB, deps BLOB) WITHOUT ROWID")
            self.db = db
            self._reset()
        except (OSError, sqlite3.Error):
            self._give_up()

    def _reset(self) -> None:
        self.index = {}
        self.generation = 0
        self.dirty_index = True
        try:
            self.db.execute("DELETE FROM files")
            self.db.execute("DELETE FROM meta")
            # Whose it is now, at once: a run of another version still going sees its
            # generations are not this cache's (``_still_ours``).
            self.db.execute("INSERT INTO meta VALUES ('context', ?)", (self.context,))
        except sqlite3.Error:
            self._give_up()

    def _give_up(self) -> None:
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
        self.db = None
        self.index = {}
        self.generation = None

    # -- reading ------------------------------------------------------------------------------
    def results(self, names, *, slim=True, diags=True, deps=False, of=None,
                by_name=False) -> dict:
        """name -> (blob, then slim, diags and deps as asked), packed (see ``unpack``), for
        these names. Names not stored are missing from the answer. The blob is there to be
        compared with the index's: another lpcli may have written in between. ``of``: how
        many files there are (else the index's count)."""
        if self.db is None or not names:
            return {}
        cols = "".join(f", {c}" for c, wanted in (("slim", slim), ("diags", diags),
                                                   ("deps", deps)) if wanted)
        out = {}
        try:
            names = list(names)
            # Most of the files (``of``: how many there are): one pass over the table.
            # ``by_name``: a few, asked for by name (no count of the files needed).
            if not by_name and len(names) > (len(self.index) if of is None else of) // 4:
                wanted = set(names)
                for row in self.db.execute(f"SELECT name, blob{cols} FROM files"):
                    if row[0] in wanted:
                        out[row[0]] = row[1:]
            else:
                for i in range(0, len(names), 500):
                    chunk = names[i:i + 500]
                    marks = ",".join("?" * len(chunk))
                    for row in self.db.execute(
                            f"SELECT name, blob{cols} FROM files WHERE name IN ({marks})", chunk):
                        out[row[0]] = row[1:]
        except sqlite3.Error:
            return {}
        return out

    # -- writing ------------------------------------------------------------------------------
    def put(self, name, stat, blob, slim, status, diags, deps, dirprint, links,
            quiet) -> None:
        """Record a file just analysed (``slim`` packed). ``stat`` is the fstat of the read
        that gave these bytes; it is kept only if not racy (``save``)."""
        self.index[name] = [stat, blob, status, dirprint, links, bool(diags), quiet]
        self.put_row(name, blob, slim, pack(diags), deps)
        self.touched.add(name)
        self.dirty_index = True

    def put_row(self, name, blob, slim, diags, deps) -> None:
        """A file's row of results to write (``slim`` and ``diags`` packed), its index entry
        left to the caller (``save_again`` patches it)."""
        self.pending[name] = (name, blob, slim, diags, pack(deps))

    def confirm(self, name, stat=None, dirprint=None) -> None:
        """The stored results hold for this file: its stat now (after reading it and finding
        the same blob) and/or the directory they were confirmed against."""
        entry = self.index[name]
        if stat is not None:
            entry[STAT] = stat
            self.touched.add(name)
        if dirprint is not None:
            entry[DIRPRINT] = dirprint
        self.dirty_index = True

    def save(self, present=None, snapshot=None) -> None:
        """Write what changed; forget files no longer there (``present``: every name); and,
        given ``snapshot`` (``Snapshot.taken``), this run's snapshot if it qualifies.
        Never fails: a cache that cannot be written just means more work next time."""
        if self.db is None:
            return
        index = self.index
        if present is not None:
            gone = [n for n in index if n not in present]
            for name in gone:
                del index[name]
                self.pending.pop(name, None)
            if gone:
                self.dirty_index = True
        else:
            gone = []
        changed = self.dirty_index or self.pending
        if not changed and snapshot is None:
            return
        self._smudge_racy()
        try:
            db = self.db
            with self._writing():
                generation = self._meta("generation") or 0
                # Another lpcli wrote since this one read the index (or started the cache
                # again for another version): its rows may not be what this index says
                # (the blob check per row copes), so no snapshot.
                latest = self._still_ours(generation)
                if changed:
                    if self.pending:
                        db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                                       self.pending.values())
                    if gone:
                        db.executemany("DELETE FROM files WHERE name = ?",
                                       [(n,) for n in gone])
                    generation += 1
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('context', ?)",
                               (self.context,))
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('index', ?)",
                               (_pack_index(index),))
                    db.execute("DELETE FROM meta WHERE k = 'patch'")  # in the index now
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)",
                               (generation,))
                    # Every snapshot and answer is of an earlier generation now: gone.
                    db.execute("DELETE FROM meta WHERE k LIKE 'snap:%' OR k LIKE 'memo:%'")
                if not latest:
                    self.tainted = True
                packed = snapshot.packed(index, generation) if snapshot and latest else None
                if packed is not None:
                    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                   snapshot.rows(packed))
            # (A snapshot naming racy files to read again does not hold by itself.)
            self.snapshot_holds = packed is not None and not snapshot.racy
            self.pending.clear()
            self.dirty_index = False
            self.generation = generation
        except sqlite3.Error:
            pass  # locked by another writer, read-only, full: next time

    def snapshot(self, taken, rows_for) -> tuple | None:
        """``(summary, rows, again)`` when the snapshot stored for this list of files holds
        for the state ``taken`` found (``Snapshot``), else None. ``again``: positions of the
        few files to read again, their stat changed since (an edit, a touch) or racy then;
        the blob of those not among the rows asked for in ``again_rows``. ``rows_for(summary,
        again)`` says which rows to read (``results``' arguments), in the same
        transaction: no other lpcli can write between the snapshot and its rows."""
        if self.db is None:
            return None
        try:
            self.db.execute("BEGIN")
            try:
                held = self._holding(taken.key, taken, exact=False)
                if held is None:
                    return None
                generation, summary, again = held
                names, kwargs = rows_for(summary, again)
                rows = self.results(names, **kwargs)
                if len(rows) != len(names):
                    return None
                # The blob of each file read again, to compare (the rest of its row is
                # among ``rows`` if the report asked for it).
                asked = set(names)
                self.again_rows = self.results(
                    [taken.names[i] for i in again if taken.names[i] not in asked],
                    slim=False, diags=False, by_name=True)
                self.generation = generation
                self.snapshot_holds = not again
                return summary, rows, again
            finally:
                self.db.execute("COMMIT")
        except (sqlite3.Error, ValueError, TypeError, EOFError):
            return None

    def _holding(self, key: str, taken, exact: bool = True) -> tuple | None:
        """What is stored under ``key`` (a snapshot, a remembered answer) if it holds for
        ``taken``: the same stats, the same directory, and no write of the cache since (its
        generation): ``(generation, value)``. Call inside a read transaction.

        ``exact`` False (a snapshot): ``(generation, value, again)``, where ``again`` lists
        the few files (at most ``AGAIN_MAX``) whose stat is not what the snapshot kept, or
        was racy when it was taken: each is read again (its blob compared, analysed if it
        changed) and the rest taken from the summary, instead of the whole index."""
        packed = self._meta(key)
        if packed is None:
            return None
        generation, digest, dirprint, value, racy, blocks = unpack(packed)
        if generation != (self._meta("generation") or 0) or dirprint != taken.dirprint:
            return None
        if digest == taken.digest and not racy:
            return (generation, value) if exact else (generation, value, [])
        if exact or len(blocks) != len(taken.blocks):
            return None
        if len(_unpack_index(self._meta("patch"))) >= PATCH_MAX:
            return None  # time the whole index was written again (``save``)
        # The blocks of stats whose digest differs, then the files in them that differ.
        again = set(racy)
        for b, (now, then) in enumerate(zip(taken.blocks, blocks)):
            if now == then:
                continue
            kept = self._meta(f"{key}:stats:{b}")
            kept = unpack(kept) if isinstance(kept, bytes) else None
            start = b * STAT_BLOCK
            block = taken.stats[start:start + STAT_BLOCK]
            if not isinstance(kept, list) or len(kept) != len(block):
                return None
            again.update(start + i for i, (st_now, st_then) in enumerate(zip(block, kept))
                         if st_now != st_then)
            if len(again) > AGAIN_MAX:
                return None
        return generation, value, sorted(again)

    def save_again(self, taken, summary, stats: dict, entries: dict) -> None:
        """After a run that read again the few files a snapshot named (``snapshot``): their
        new rows (``put`` already pending), their entries as a patch of the index (so the
        index of 100,000 files is not rewritten for one), and the snapshot with their new
        stat and summary. ``stats``: position -> stat now (None: racy, read again next
        time); ``entries``: name -> index entry. Written only if no other lpcli wrote since
        the snapshot was read; never fails."""
        if self.db is None:
            return
        limit = self._racy_limit()
        for i, st in list(stats.items()):
            if st is not None and (st[2] >= limit or st[3] >= limit):
                stats[i] = None
                entries[taken.names[i]][STAT] = None
            elif st is not None:
                entries[taken.names[i]][STAT] = st[:4]
        try:
            db = self.db
            with self._writing():
                generation = self._meta("generation") or 0
                patch = _unpack_index(self._meta("patch"))
                patch.update(entries)
                if not self._still_ours(generation) or len(patch) > PATCH_MAX:
                    # Another lpcli wrote meanwhile (or started the cache again for
                    # another version); or the patch is long enough that the whole index
                    # should be written (``snapshot`` then sends the next run to it).
                    self.tainted = True
                    return
                if self.pending:
                    db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                                   self.pending.values())
                generation += 1
                db.execute("INSERT OR REPLACE INTO meta VALUES ('patch', ?)",
                           (_pack_index(patch),))
                db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)",
                           (generation,))
                # Every other snapshot and answer is of an earlier generation now: gone.
                # This one's blocks of stats stay, those with a file read again rewritten.
                db.execute("DELETE FROM meta WHERE (k LIKE 'snap:%' AND k != ? AND k NOT "
                           "LIKE ?) OR k LIKE 'memo:%'", (taken.key, taken.key + ":stats:%"))
                now = list(taken.stats)
                for i, st in stats.items():
                    if st is not None:
                        now[i] = st
                racy = sorted(i for i, st in stats.items() if st is None)
                blocks = list(taken.blocks)
                rows = []
                for b in sorted({i // STAT_BLOCK for i in stats}):
                    packed, blocks[b] = stat_block(now, b)
                    rows.append((f"{taken.key}:stats:{b}", packed))
                rows.append((taken.key, pack((generation, blocks_digest(blocks),
                                              taken.dirprint, summary, racy, blocks))))
                db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", rows)
            self.pending.clear()
            self.generation = generation
            self.snapshot_holds = not racy
        except sqlite3.Error:
            pass  # locked by another writer, read-only, full: next time

    def recall(self, taken, kind: str):
        """The answer ``remember``-ed for ``kind`` over the files of ``taken``, if they are
        all as it found them, the directory too, and nothing was written to the cache since
        (its generation); else None. Read as the snapshot is, with the generation."""
        if self.db is None:
            return None
        try:
            self.db.execute("BEGIN")
            try:
                held = self._holding(f"memo:{kind}:{taken.key}", taken)
                return None if held is None else held[1]
            finally:
                self.db.execute("COMMIT")
        except (sqlite3.Error, ValueError, TypeError, EOFError):
            return None

    def remember(self, taken, kind: str, answer) -> None:
        """Keep ``answer`` (marshal-able) for ``recall``: only when this run's snapshot held
        (every file out of the racy window, results confirmed against this directory), no
        result came from another lpcli's write, and the cache is still at the generation
        they were all read or written at. Never fails."""
        if self.db is None or not self.snapshot_holds or self.tainted:
            return
        try:
            with self._writing():
                generation = self._meta("generation") or 0
                if self._still_ours(generation):
                    self.db.execute(
                        "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                        (f"memo:{kind}:{taken.key}",
                         pack((generation, taken.digest, taken.dirprint, answer, [], []))))
        except (sqlite3.Error, ValueError):
            pass

    def _smudge_racy(self) -> None:
        """Git's racy rule: a stat taken in the same tick as a change cannot tell the two
        apart, so an entry whose file changed less than RACY_NS before now keeps no stat and
        is read again (and its blob compared) next time. 'now' is the later of this clock
        and the file system's own (the cache folder's mtime, after touching it), in case
        the two disagree (a network file system)."""
        if not self.touched:
            return
        limit = self._racy_limit()
        for name in self.touched:
            entry = self.index.get(name)
            stat = entry[STAT] if entry is not None else None
            if stat is not None and (stat[2] >= limit or stat[3] >= limit):
                entry[STAT] = None
        self.touched.clear()

    def _still_ours(self, generation) -> bool:
        """Inside a write: the cache is at the generation this run read, and still for
        this lpcli (another version resets it, and its generations start again)."""
        return generation == self.generation and self._meta("context") == self.context

    @contextlib.contextmanager
    def _writing(self):
        """A write transaction (taken at once: a second writer waits, then gives up),
        committed at the end of the block, rolled back if it raises."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
            # (Inside: a COMMIT refused, the database locked by a long reader, leaves the
            # transaction open, holding its lock until this process ends.)
            self.db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            raise

    def _racy_limit(self) -> int:
        """A stat with an mtime or ctime from this moment on is racy (``_smudge_racy``)."""
        now = time.time_ns()
        with contextlib.suppress(OSError):
            os.utime(self.path.parent)
            now = max(now, os.stat(self.path.parent).st_mtime_ns)
        return now - RACY_NS

    def close(self) -> None:
        self._give_up()


def stat_block(stats: list, b: int) -> tuple[bytes, bytes]:
    """Block ``b`` of a snapshot's stats, marshalled without references (equal stats give
    equal bytes, whichever objects hold them), and its digest."""
    packed = marshal.dumps(stats[b * STAT_BLOCK:(b + 1) * STAT_BLOCK], 2)
    return packed, hashlib.blake2b(packed, digest_size=8).digest()


def blocks_digest(blocks: list) -> bytes:
    """The digest of every stat of a snapshot, from its blocks' digests."""
    return hashlib.blake2b(b"".join(blocks), digest_size=16).digest()


def pack(value) -> bytes:
    return marshal.dumps(value)


def unpack(packed):
    """A stored value back (slim copy, diagnostics or dependencies)."""
    return marshal.loads(packed)


def _pack_index(index: dict) -> bytes:
    return marshal.dumps(index)


def _unpack_index(packed) -> dict:
    if packed is None:
        return {}
    index = marshal.loads(packed)
    if not isinstance(index, dict) or not all(
            isinstance(e, list) and len(e) == 7 for e in index.values()):
        raise ValueError("not an index")
    return index
