"""Reading many case files at once: through the cache, and on every core when cold.

``validate`` and every report go through ``scan``. Each file is ``lstat``-ed; one whose stat
matches the cache's (``store.py``: inode, size, mtime and ctime, with git's rule for racy
timestamps) is not read at all, and its cached results are used if the practitioners it
names are as they were (``depends.py``). A file whose stat changed is read and its blob ID
compared: the same bytes keep their results. The rest are analysed — read (the quick path,
``quickyaml``, for files with no finding; else ``loader.load``, which gives positions),
checked against the schema and the rules (``check/gate.py``) — on every core when there
are many. The result per file is its diagnostics and the slim copy reports use, each read
from the cache only when asked for.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat as statmod
from dataclasses import dataclass

from lpcli.casebook import cache as cachemod
from lpcli.casebook import depends
from lpcli.casebook import store as storemod
from lpcli.casebook.layout import CASES_DIR
from lpcli.casebook.snapshot import Snapshot
from lpcli.casebook.statall import stat_all
from lpcli.casebook.store import (BLOB, CLOSED, DIRPRINT, FINDINGS, LINKS, NO_SLIM, OPEN,
                                  OTHER, QUIET, STAT, STATUS)
from lpcli.check.gate import check
from lpcli.check.permissions import LOOSE_FILE
from lpcli.core.caseid import is_case_id
from lpcli.core.diagnostics import ERROR, Diagnostic
from lpcli.files import fastyaml, loader, yamlio
from lpcli.files.safeio import read_raw


@dataclass(slots=True)
class FileResult:
    name: str               # relative to the casebook, 'cases/LP-....yaml'
    case_id: str | None     # None when the file name is not a valid case ID
    diagnostics: list | None
    slim: dict | None       # None when the file failed the gate (YAML or schema errors)
    # st_mode from this run's own stat of the file, never cached: a chmod changes no
    # content, so the permission check (validate's file-permissions) is made on every run.
    mode: int | None = None
    # The case's links (``cache.links``): None when the file failed the gate. Always given,
    # even when ``slim`` is not asked for: validate checks links across every case.
    links: list | None = None


def analyse(name: str, raw: bytes, directory) -> tuple[dict | None, list]:
    """Slim case and diagnostics (as JSON lists) for one case file's bytes."""
    prints = depends.fingerprints(directory)
    slim, diags, _ = analyse_tracked(name, raw, directory, prints, depends.dirprint(prints))
    return slim, diags


def analyse_tracked(name: str, raw: bytes, directory, prints, whole):
    """``analyse``, and what its checks read from the directory (``depends.recorded``)."""
    stem = name.rsplit("/", 1)[-1][:-len(".yaml")]
    case_id = stem if is_case_id(stem) else None
    diags = []
    if case_id is None:
        diags.append(Diagnostic(name, 1, 1, ".", ERROR, "case-file-name",
                                "the file name is not a valid case ID (capital letters and "
                                "digits in groups joined by hyphens, then .yaml)"))
    text, problem = yamlio.decode(raw)
    watched = depends.Watched(directory, prints) if directory is not None else None
    if problem is not None:
        checked = check(name, "case", yamlio.Loaded(problems=[problem], fatal=True), watched,
                        case_id)
    else:
        # Positions are only for pointing at findings: a file is read without them, and
        # read again for them only if something is found (its checks are not run twice).
        # Imported here: its patterns take a hundredth of a second to compile, and a warm
        # run analyses no file.
        from lpcli.files import quickyaml

        quick = quickyaml.load(text) if not diags else None
        if quick is not None:
            quick = _Positioned(quick.data, text)
            checked = check(name, "case", quick, watched, case_id)
        if quick is None or not quick.same_reading():
            watched = depends.Watched(directory, prints) if directory is not None else None
            checked = check(name, "case", loader.load(text), watched, case_id)
    diags += checked.diagnostics
    # Only a case that passed the gate has a slim copy: reports never see the others.
    slim = cachemod.slim(checked.data) if checked.data is not None else None
    return slim, cachemod.diags_to_json(diags), depends.recorded(watched, whole)


class _Positioned(yamlio.Loaded):
    """A file read by the quick path (data, no positions): the first finding to be located
    reads it again with ``loader.load`` for the positions (where a file with findings spends
    most of its time), once."""

    def __init__(self, data, text: str):
        super().__init__(data=data)
        self._text = text
        self._full = None

    def locate(self, path) -> tuple[int, int]:
        if self._full is None:
            # Positions only (the data is the quick path's), else the whole reading.
            self._full = fastyaml.positions(self._text) or loader.load(self._text)
            self.positions = self._full.positions
        return super().locate(path)

    def same_reading(self) -> bool:
        """False if the reading for positions found a problem the quick path did not (the
        differential tests say it never does): then the file is checked again from it."""
        full = self._full
        return full is None or not (full.problems or full.fatal)


_WORKER = None  # (casebook folder, directory, prints, whole), inherited by forked workers


def _work(name):
    return _read_and_analyse(*_WORKER[:1], name, *_WORKER[1:])


def _read_and_analyse(folder: str, name: str, directory, prints, whole):
    """(stat, mode, blob, slim, status, diags, deps, links, quiet) for one case file, read here so
    that the parent process never holds every file's bytes at once. ``slim`` packed for the
    cache; ``blob`` None when the file could not be read (never cached)."""
    seen = []
    raw, problem = read_raw(os.path.join(folder, name.rsplit("/", 1)[-1]), seen.append)
    st = seen[0] if seen else None
    mode = st.st_mode if st is not None else None
    if problem is not None:
        return None, mode, None, None, storemod.NO_SLIM, cachemod.diags_to_json([Diagnostic(
            name, problem.line, problem.column, ".", ERROR, problem.rule, problem.message)]), \
            None, None, None
    slim, diags, deps = analyse_tracked(name, raw, directory, prints, whole)
    key = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return (key, mode, storemod.blob_id(raw), storemod.pack(slim), storemod.status_code(slim),
            diags, deps, cachemod.links(slim), storemod.quiet_of(slim))


def workers_for(files: int) -> int:
    """How many processes analyse this many files (one below PARALLEL_MIN)."""
    cores = min(os.cpu_count() or 1, 8)
    return cores if files >= cachemod.PARALLEL_MIN and cores > 1 else 1


def _analyse_all(folder, todo, directory, prints, whole, progress):
    """[name] → [``_read_and_analyse``'s answer], on every core when it is worth it."""
    global _WORKER
    workers = workers_for(len(todo))
    if workers > 1:
        try:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            ctx = multiprocessing.get_context("fork")
        except (ImportError, ValueError):
            ctx = None
        if ctx is not None:
            _WORKER = (folder, directory, prints, whole)
            try:
                with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                    out = []
                    for result in pool.map(_work, todo, chunksize=200):
                        out.append(result)
                        if progress:
                            progress(1)
                    return out
            except (OSError, RuntimeError):
                pass  # no processes here (a sandbox, a limit): do it in this one
            finally:
                _WORKER = None
    out = []
    for name in todo:
        out.append(_read_and_analyse(folder, name, directory, prints, whole))
        if progress:
            progress(1)
    return out


class Sparse(list):
    """Results that leave out the files with nothing to say (``scan``'s ``sparse``)."""

    present: "_Present"  # the case IDs of every file scanned, left out or not


class _Present:
    """``case_id in present``: is there a file of that case among these names? Asked only
    of the few cases linked to, so the set of names is made only if one is asked."""

    def __init__(self, names):
        self.names = names
        self._set = None

    def __contains__(self, case_id) -> bool:
        if not (isinstance(case_id, str) and is_case_id(case_id)):
            return False
        if self._set is None:
            self._set = set(self.names)
        return f"{CASES_DIR}/{case_id}.yaml" in self._set


def scan(casebook, file_names, directory, progress=None, prune: bool = False, *,
         status: str | None = None, slims: bool = True,
         diagnostics: bool = True, quiet_before: str | None = None,
         packed: bool = False, sparse: bool = False) -> list[FileResult]:
    """Results for case files named in cases/ (``LP-....yaml``), in order. ``prune``: these
    are all the case files, so the cache may forget any other. ``status`` ('open',
    'closed'): leave out cases that passed the gate with another status; ``quiet_before``
    (an ISO date): those closed for good and quiet since before it (a file that failed
    it is always there, with no slim copy). ``slims``/``diagnostics`` False: leave them
    None (not read from the cache). ``sparse`` (with ``slims`` False): the results may
    leave out files that passed the gate with no finding, no link and a private mode, as a
    ``Sparse`` list that says which case IDs there are (validate's check across cases).

    ``progress(files, workers)``, when given, is told how many files need analysing (not in
    the cache, or changed) and on how many processes, once that is known (after the stat of
    every file, and a read and blob ID of those whose stat changed); it returns a function to
    call with the number of files done as they are, or None (a run too short for a progress
    bar)."""
    with _no_collector():
        return _Scan(casebook, directory, progress, status, slims, diagnostics,
                     quiet_before, packed, sparse).run(file_names, prune)


@contextlib.contextmanager
def _no_collector():
    """Tens of thousands of small objects are made and kept by a scan; the cyclic garbage
    collector would walk them again and again for nothing (about a fifth of a warm run)."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def remembered(casebook, file_names, directory, progress, kind: str, derive,
               sparse: bool = False) -> list:
    """``derive(results)`` (a JSON-ready list) for a scan of every case file (as ``scan``
    with ``prune``, no slim copies), remembered beside the snapshot of these files: a run
    that finds them all as the snapshot says, in the same generation of the cache, takes
    the answer without a result per file (validate's findings across 100,000 cases: a
    third of its warm run). Only an answer from results that are all of one generation,
    for files none of which was in the racy window, is kept (``Store.remember``)."""
    with _no_collector():
        run = _Scan(casebook, directory, progress, None, False, True, sparse=sparse)
        taken = run.take(file_names)
        answer = run.store.recall(taken, kind)
        if answer is not None:
            return answer
        answer = derive(run.run(file_names, True, taken))
        run.store.remember(taken, kind, answer)
        return answer


class _Scan:
    def __init__(self, casebook, directory, progress, status, slims, diagnostics,
                 quiet_before=None, packed=False, sparse=False):
        self.sparse = sparse and not slims
        self.casebook = casebook
        self.directory = directory
        self.progress = progress
        self.want = storemod.status_code({"status": status}) if status else None
        self.quiet_before = quiet_before
        # Slim copies left packed (``store.unpack``), for a caller that unpacks one at a
        # time: a report over 100,000 cases never holds them all unpacked.
        self.unpack = (lambda packed: packed) if packed else storemod.unpack
        self.slims = slims
        self.diagnostics = diagnostics
        self.prints = depends.fingerprints(directory)
        self.whole = depends.dirprint(self.prints)
        self.store = storemod.Store(casebook)
        self.folder = str(casebook.cases_dir)

    def take(self, file_names) -> Snapshot:
        """The stat of every file, as a snapshot (``snapshot.Snapshot``) to compare with the
        stored one."""
        order = [f"{CASES_DIR}/{file_name}" for file_name in file_names]
        return Snapshot(order, stat_all(self.folder, file_names), self.whole)

    def run(self, file_names, prune, taken=None) -> list[FileResult]:
        store = self.store
        taken = taken or self.take(file_names)
        order, stats = taken.names, taken.stats
        fast = self._from_snapshot(order, stats, taken)
        if fast is not None:
            return fast
        modes = {}
        hits, stale, todo = [], [], []   # cached and current / directory changed / to read
        changed = []                     # stat changed: read, and compare the blob
        index = store.index
        regular = statmod.S_ISREG
        for name, st in zip(order, stats):
            entry = index.get(name)
            if entry is None or st is None:
                todo.append(name)  # nothing cached, or gone, unreadable: the read says what
                continue
            modes[name] = st[4]
            if not regular(st[4]) or entry[STAT] != st[:4]:
                changed.append(name)
            elif entry[DIRPRINT] != self.whole:
                stale.append(name)
            else:
                hits.append(name)
        done: dict[str, tuple] = {}      # name -> (mode, slim packed, status, diags, links)
        hits += self._verify(changed, todo, modes)
        hits += self._confirm(stale, todo)
        self._analyse(todo, done)
        store.save(present=set(order) if prune else None, snapshot=taken)
        return self._results(taken, hits, done, modes)

    def _left_out(self, status, quiet) -> bool:
        """A file not asked for: another status, or closed for good and quiet since before
        ``quiet_before``. One that failed the gate is always there (its case is 'left out'
        with a warning: validate says why)."""
        if status == NO_SLIM:
            return False
        if self.want is not None and status != self.want:
            return True
        return quiet is not None and self.quiet_before is not None and \
            quiet < self.quiet_before

    def _kept(self, statuses: bytes, quiet: dict):
        """Positions of the files asked for (``_left_out``), found with byte searches: a
        report of the 7,800 open cases among 100,000 looks at no other."""
        if self.want is None and self.quiet_before is None:
            return range(len(statuses))
        codes = [NO_SLIM] + ([self.want] if self.want is not None
                             else [OPEN, CLOSED, OTHER])
        kept = [m.start() for code in codes
                for m in re.finditer(re.escape(bytes([code])), statuses)]
        if self.quiet_before is not None:
            gone = {i for i, day in quiet.items() if day < self.quiet_before}
            kept = [i for i in kept if i not in gone or statuses[i] == NO_SLIM]
        kept.sort()
        return kept

    def _from_snapshot(self, order, stats, taken) -> list[FileResult] | None:
        """Every file as the snapshot of this list found it: the results from its summary
        (``snapshot.Snapshot``), reading only the rows asked for. None: no such snapshot."""
        slims, diagnostics = self.slims, self.diagnostics

        first_kept = []

        def rows_for(summary, again):
            statuses, findings, _links, _odd, quiet = summary
            first_kept[:] = self._kept(statuses, quiet)
            wanted = set(findings) if diagnostics else set()
            if slims:
                wanted.update(i for i in first_kept if statuses[i] != NO_SLIM)
            return [order[i] for i in sorted(wanted)], {"slim": slims, "diags": diagnostics,
                                                        "of": len(order)}

        got = self.store.snapshot(taken, rows_for)
        if got is None:
            return None
        summary, rows, again = got
        if again:
            summary = self._again(taken, summary, again, rows)
            if summary is None:
                return None
        statuses, findings, links, odd, quiet = summary
        # (Files read again may have changed status: then the files asked for again.)
        kept = self._kept(statuses, quiet) if again else first_kept
        findings, odd = set(findings), set(odd)
        if self.sparse:
            # Only the files with something to say: a finding, a link, a failed gate, a
            # name that is no case ID, or a mode others can read (permissions.py).
            loose = LOOSE_FILE
            telling = findings | odd | set(links)
            telling.update(m.start() for m in re.finditer(bytes([NO_SLIM]), statuses))
            telling.update(i for i, st in enumerate(stats) if st and st[4] & loose)
            kept = sorted(telling.intersection(kept))
        cut = len(CASES_DIR) + 1
        unpack, from_json, slim_of = storemod.unpack, cachemod.diags_from_json, self.unpack
        out = []
        for i in kept:
            name, status = order[i], statuses[i]
            row = rows.get(name)
            slim = slim_of(row[1]) if slims and status != NO_SLIM else None
            if not diagnostics:
                diags = None
            elif i in findings:
                diags = from_json(unpack(row[-1]))
            else:
                diags = []
            out.append(FileResult(name, None if i in odd else name[cut:-5], diags, slim,
                                  stats[i][4],
                                  None if status == NO_SLIM else links.get(i) or []))
        if self.sparse:
            out = Sparse(out)
            out.present = _Present(taken.names)
        return out

    def _again(self, taken, summary, again, rows) -> tuple | None:
        """The snapshot's summary with the files in ``again`` read again (their stat changed
        since it was taken, or was racy then): the same blob keeps its results, another is
        analysed (``rows`` given its new row). The new stats, rows and index entries are
        saved with the new summary (``Store.save_again``). None: one cannot be read as a
        regular file (the whole run then says why)."""
        statuses, findings, links, odd, quiet = summary
        statuses, findings, links, quiet = (bytearray(statuses), set(findings), dict(links),
                                             dict(quiet))
        stored = self.store.again_rows
        stats, changed = {}, []
        for i in again:
            name = taken.names[i]
            seen = []
            raw, problem = read_raw(os.path.join(self.folder, name.rsplit("/", 1)[-1]),
                                    seen.append)
            if problem is not None or not seen:
                return None  # the whole run decides, from the index, and says why
            st = seen[0]
            stats[i] = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode)
            blob = storemod.blob_id(raw)
            row = rows.get(name) or stored.get(name)
            if row is None or row[0] != blob:
                changed.append((i, raw, blob))
            # (Else the same bytes: the results hold, and the row is among ``rows`` if
            # this run needs it.)
        tick = self.progress(len(changed), 1) if self.progress and changed else None
        blobs = {}
        for i, raw, blob in changed:
            name = taken.names[i]
            slim, diags, deps = analyse_tracked(name, raw, self.directory, self.prints,
                                                self.whole)
            statuses[i] = storemod.status_code(slim)
            findings.discard(i)
            if diags:
                findings.add(i)
            links.pop(i, None)
            if cachemod.links(slim):
                links[i] = cachemod.links(slim)
            quiet.pop(i, None)
            if storemod.quiet_of(slim):
                quiet[i] = storemod.quiet_of(slim)
            slim, diags = storemod.pack(slim), storemod.pack(diags)
            self.store.put_row(name, blob, slim, diags, deps)
            rows[name] = (blob, *((slim,) if self.slims else ()),
                          *((diags,) if self.diagnostics else ()))
            blobs[i] = blob
            if tick:
                tick(1)
        entries = {}
        for i in again:
            name, status = taken.names[i], statuses[i]
            blob = blobs.get(i) or (rows.get(name) or stored.get(name))[0]
            entries[name] = [None, blob, status, self.whole,
                             None if status == NO_SLIM else links.get(i, []), i in findings,
                             quiet.get(i)]
        summary = (bytes(statuses), sorted(findings), links, odd, quiet)
        self.store.save_again(taken, summary, stats, entries)
        return summary

    def _verify(self, changed, todo, modes) -> list:
        """Files whose stat changed: the same blob keeps its results (a touch, a checkout
        of the same content, a copy); the rest are analysed."""
        kept, stale = [], []
        for name in changed:
            seen = []
            raw, problem = read_raw(os.path.join(self.folder, name.rsplit("/", 1)[-1]),
                                    seen.append)
            entry = self.store.index[name]
            if problem is not None or storemod.blob_id(raw) != entry[BLOB]:
                todo.append(name)
                continue
            st = seen[0]
            modes[name] = st.st_mode
            self.store.confirm(name, stat=(st.st_ino, st.st_size, st.st_mtime_ns,
                                           st.st_ctime_ns))
            (kept if entry[DIRPRINT] == self.whole else stale).append(name)
        return kept + self._confirm(stale, todo)

    def _confirm(self, stale, todo) -> list:
        """Files unchanged since checked with another practitioners.yaml: their results hold
        if nothing they looked up in the directory changed."""
        if not stale:
            return []
        rows = self.store.results(stale, slim=False, diags=False, deps=True)
        kept = []
        for name in stale:
            row = rows.get(name)
            entry = self.store.index[name]
            try:
                valid = row is not None and row[0] == entry[BLOB] and depends.still_valid(
                    storemod.unpack(row[1]), self.prints, self.whole)
            except (ValueError, TypeError, EOFError):
                valid = False
            if valid:
                self.store.confirm(name, dirprint=self.whole)
                kept.append(name)
            else:
                todo.append(name)
        return kept

    def _analyse(self, todo, done) -> None:
        # The bar (if any) counts only the files analysed now: the estimate is from those.
        tick = self.progress(len(todo), workers_for(len(todo))) \
            if self.progress and todo else None
        results = _analyse_all(self.folder, todo, self.directory, self.prints, self.whole,
                               tick)
        for name, (key, mode, blob, slim, status, diags, deps, links, quiet) in zip(todo,
                                                                                    results):
            if blob is not None:
                self.store.put(name, key, blob, slim, status, diags, deps, self.whole, links,
                               quiet)
            done[name] = (mode, slim, status, diags, links, quiet)

    def _results(self, taken, hits, done, modes) -> list[FileResult]:
        index, left_out = self.store.index, self._left_out
        slims, diagnostics = self.slims, self.diagnostics
        order, valid, cut = taken.names, taken.case_ids(), len(CASES_DIR) + 1

        def case_id(name):
            stem = name[cut:-5]
            return stem if stem in valid else None

        def needs_row(entry) -> bool:
            # A row holds a slim copy (only a file that passed the gate has one) and the
            # diagnostics (the index says whether there are any): read only for those.
            return bool((slims and entry[STATUS] != NO_SLIM)
                        or (diagnostics and entry[FINDINGS]))

        filtered = self.want is not None or self.quiet_before is not None
        asked = [n for n in hits if needs_row(index[n]) and not (
            filtered and left_out(index[n][STATUS], index[n][QUIET]))]
        rows = self.store.results(asked, slim=slims, diags=diagnostics)
        out = []
        for name in order:
            if name in done:
                mode, slim, status, diags, links, quiet = done[name]
                if left_out(status, quiet):
                    continue
                # (A file that failed the gate has None packed: no slim copy.)
                slim = self.unpack(slim) if slims and status != NO_SLIM else None
                out.append(FileResult(name, case_id(name),
                                      cachemod.diags_from_json(diags) if diagnostics
                                      else None, slim, mode, links))
                continue
            entry = index[name]
            if filtered and left_out(entry[STATUS], entry[QUIET]):
                continue
            slim = None
            diags = [] if diagnostics else None
            if needs_row(entry):
                row = rows.get(name)
                if row is None or row[0] != entry[BLOB]:
                    # Changed under us (another lpcli wrote the cache): analyse it now.
                    self.store.tainted = True  # these results are not all of one generation
                    mode, slim, diags, links = self._one(name)
                    out.append(FileResult(name, case_id(name), diags, slim, mode, links))
                    continue
                if slims and entry[STATUS] != NO_SLIM:
                    slim = self.unpack(row[1])
                if diagnostics and entry[FINDINGS]:
                    diags = cachemod.diags_from_json(storemod.unpack(
                        row[2] if slims else row[1]))
            out.append(FileResult(name, case_id(name), diags, slim, modes.get(name),
                                  entry[LINKS]))
        return out

    def _one(self, name):
        key, mode, blob, slim, status, diags, deps, links, _quiet = _read_and_analyse(
            self.folder, name, self.directory, self.prints, self.whole)
        return (mode, self.unpack(slim) if status != NO_SLIM else None,
                cachemod.diags_from_json(diags), links)
