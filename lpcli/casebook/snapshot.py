"""The snapshot of a list of case files (every ``lstat`` in one run), which the cache keeps
with a summary of their results so that a warm run answers without its index.

Stored by ``store.Store`` (``save`` writes it, ``snapshot`` reads it back and finds the few
files to read again, ``save_again`` writes it after them); made by ``scan``.
"""

from __future__ import annotations

import hashlib
import marshal
import stat as statmod

from lpcli.casebook import store
from lpcli.casebook.layout import CASES_DIR
from lpcli.casebook.store import (AGAIN_MAX, DIRPRINT, FINDINGS, LINKS, QUIET, STAT, STATUS,
                                  blocks_digest, pack, stat_block)


class Snapshot:
    """What ``lstat`` said of every file in a list, in one run: (ino, size, mtime_ns,
    ctime_ns, mode) each, or None.

    A run that finds every file as the stored snapshot of the same list says (and the same
    directory, and no write to the cache since) takes each file's results from the
    snapshot's summary, without the index, a comparison per file, or any check of which
    results hold: at 100,000 cases that is most of a warm run. It is written only when it
    holds: every file in the index, with this very stat or (a few, ``AGAIN_MAX``) racy and
    to be read again (``_smudge_racy``), and results confirmed against this directory. A
    write of the cache (results or index) is a new generation, and a snapshot holds for its
    own generation only; a run that finds a few files changed reads them again and writes
    it anew (``Store.save_again``)."""

    def __init__(self, names: list, stats: list, dirprint: str):
        self.names = names
        self.stats = stats
        self.dirprint = dirprint
        self.key = "snap:" + hashlib.blake2b(marshal.dumps(names), digest_size=8).hexdigest()
        # Each block of stats marshalled once: its digest now, its bytes if this run
        # writes the snapshot.
        self._packed_blocks, self.blocks = [], []
        for b in range(-(-len(stats) // store.STAT_BLOCK)):
            packed, digest = stat_block(stats, b)
            self._packed_blocks.append(packed)
            self.blocks.append(digest)
        self.digest = blocks_digest(self.blocks)
        self.racy: list = []  # positions of racy files, once ``packed``
        self._case_ids = None

    def rows(self, packed: bytes) -> list:
        """The meta rows of this snapshot: its summary (``packed``), read by every run, and
        its stats in blocks apart (``key:stats:N``), read only by a run that finds a few
        files changed, and only the blocks whose digest differs."""
        return [(self.key, packed)] + [(f"{self.key}:stats:{b}", block)
                                       for b, block in enumerate(self._packed_blocks)]

    def case_ids(self) -> set:
        """The case IDs among these files' names (``cases/ID.yaml``), found once, in one pass
        over every name (``ids_of_files``)."""
        if self._case_ids is None:
            from lpcli.core.caseid import ids_of_files

            prefix = f"{CASES_DIR}/"
            self._case_ids = set(ids_of_files([n[len(prefix):] for n in self.names
                                               if n.startswith(prefix)]))
        return self._case_ids

    def packed(self, index: dict, generation: int) -> bytes | None:
        """The snapshot to store, or None if it does not hold. Its summary: the status of
        each file (one byte each, in order), which have findings, which are not named by a
        valid case ID, the links of those that have any, and the quiet day of those closed
        for good."""
        statuses = bytearray(len(self.names))
        findings, links, odd, quiet, racy = [], {}, [], {}, []
        prefix = f"{CASES_DIR}/"
        cut = len(prefix)
        valid = self.case_ids()
        for i, (name, st) in enumerate(zip(self.names, self.stats)):
            entry = index.get(name)
            if entry is not None and entry[STAT] is None and st is not None:
                # Racy (just written): kept in the snapshot, to be read again each time
                # until a run finds it settled.
                racy.append(i)
                if len(racy) > AGAIN_MAX:
                    return None
            elif (entry is None or st is None or entry[STAT] != st[:4]):
                return None
            if entry[DIRPRINT] != self.dirprint or not statmod.S_ISREG(st[4]):
                return None
            statuses[i] = entry[STATUS]
            if entry[FINDINGS]:
                findings.append(i)
            if entry[LINKS]:
                links[i] = entry[LINKS]
            if entry[QUIET]:
                quiet[i] = entry[QUIET]
            if not (name.startswith(prefix) and name[cut:-5] in valid
                    and name.endswith(".yaml")):
                odd.append(i)
        self.racy = racy
        return pack((generation, self.digest, self.dirprint,
                     (bytes(statuses), findings, links, odd, quiet), racy, self.blocks))
