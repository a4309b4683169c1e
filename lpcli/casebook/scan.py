"""Reading many case files at once: through the cache, and on every core when cold.

``validate`` and every report go through ``scan``. Each file's bytes are read and hashed;
a cache hit costs nothing more. The rest are analysed — read (fast path, else strict),
checked against the schema and the rules — on all cores when there are many, and the cache
is updated. The result per file is its diagnostics and the slim copy the reports use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from lpcli.casebook import cache as cachemod
from lpcli.casebook.layout import CASES_DIR
from lpcli.check.gate import check
from lpcli.core.caseid import is_case_id
from lpcli.core.diagnostics import ERROR, Diagnostic
from lpcli.files import loader, yamlio
from lpcli.files.safeio import read_raw


@dataclass
class FileResult:
    name: str               # relative to the casebook, 'cases/LP-....yaml'
    case_id: str | None     # None when the file name is not a valid case ID
    diagnostics: list | None
    slim: dict | None       # None when the file failed the gate (YAML or schema errors)
    # st_mode from the read's own fstat, never cached: a chmod changes no content, so the
    # permission check (validate's file-permissions) is made on every run from this.
    mode: int | None = None


def analyse(name: str, raw: bytes, directory) -> tuple[dict | None, list]:
    """Slim case and diagnostics (as JSON lists) for one case file's bytes."""
    stem = name.rsplit("/", 1)[-1][:-len(".yaml")]
    case_id = stem if is_case_id(stem) else None
    diags = []
    if case_id is None:
        diags.append(Diagnostic(name, 1, 1, ".", ERROR, "case-file-name",
                                "the file name is not a valid case ID (capital letters and "
                                "digits in groups joined by hyphens, then .yaml)"))
    text, problem = yamlio.decode(raw)
    if problem is not None:
        loaded = yamlio.Loaded(problems=[problem], fatal=True)
    else:
        loaded = loader.load(text)
    checked = check(name, "case", loaded, directory, case_id)
    diags += checked.diagnostics
    # Only a case that passed the gate has a slim copy: reports never see the others.
    slim = cachemod.slim(checked.data) if checked.data is not None else None
    return slim, cachemod.diags_to_json(diags)


_WORKER = None  # (casebook folder, directory), inherited by forked workers


def _work(name):
    folder, directory = _WORKER
    return _read_and_analyse(folder, name, directory)


def _read_and_analyse(folder: str, name: str, directory):
    """(sha, slim, diags, mode) for one case file, read here so that the parent process
    never holds every file's bytes at once."""
    seen = []
    raw, problem = read_raw(os.path.join(folder, name.rsplit("/", 1)[-1]), seen.append)
    mode = seen[0].st_mode if seen else None
    if problem is not None:
        return None, None, cachemod.diags_to_json([Diagnostic(
            name, problem.line, problem.column, ".", ERROR, problem.rule, problem.message)]), mode
    return (cachemod.digest(raw), *analyse(name, raw, directory), mode)


def workers_for(files: int) -> int:
    """How many processes analyse this many files (one below PARALLEL_MIN)."""
    cores = min(os.cpu_count() or 1, 8)
    return cores if files >= cachemod.PARALLEL_MIN and cores > 1 else 1


def _analyse_all(folder, todo, directory, progress):
    """[name] → [(sha, slim, diags, mode)], on every core when it is worth it."""
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
            _WORKER = (folder, directory)
            try:
                with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                    out = []
                    for result in pool.map(_work, todo, chunksize=100):
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
        out.append(_read_and_analyse(folder, name, directory))
        if progress:
            progress(1)
    return out


def scan(casebook, file_names, directory, progress=None,
         prune: bool = False) -> list[FileResult]:
    """Results for case files named in cases/ (``LP-....yaml``), in order. ``prune``: these
    are all the case files, so the cache may forget any other.

    ``progress(files, workers)``, when given, is told how many files need analysing (not in
    the cache) and on how many processes, once that is known (after every file was read and
    hashed, a tenth of a second for 10,000); it returns a function to call with the number
    of files done as they are, or None (a run too short for a progress bar)."""
    import gc

    # Tens of thousands of small objects are made and kept here; the collector would walk
    # them again and again for nothing (about a fifth of a warm run).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _scan(casebook, file_names, directory, progress, prune)
    finally:
        if was_enabled:
            gc.enable()


def _case_id(name: str) -> str | None:
    stem = name.rsplit("/", 1)[-1][:-len(".yaml")]
    return stem if is_case_id(stem) else None


def _scan(casebook, file_names, directory, progress, prune):
    store = cachemod.Cache(casebook)
    results: dict[str, FileResult] = {}
    order, todo = [], []
    folder = str(casebook.cases_dir)
    for file_name in file_names:
        name = f"{CASES_DIR}/{file_name}"
        order.append(name)
        if name not in store.entries:
            todo.append(name)  # nothing cached: the analysis reads it
            continue
        seen = []
        raw, problem = read_raw(os.path.join(folder, file_name), seen.append)
        mode = seen[0].st_mode if seen else None
        if problem is not None:
            results[name] = FileResult(name, _case_id(name), [Diagnostic(
                name, problem.line, problem.column, ".", ERROR, problem.rule,
                problem.message)], None, mode)
            continue
        hit = store.get(name, cachemod.digest(raw))
        if hit is not None and hit[2] is not None:
            results[name] = FileResult(name, _case_id(name), cachemod.diags_from_json(hit[2]),
                                       hit[1], mode)
            continue
        todo.append(name)
    tick = progress(len(todo), workers_for(len(todo))) if progress and todo else None
    for name, (sha, slim, diags, mode) in zip(todo, _analyse_all(folder, todo, directory,
                                                                 tick)):
        if sha is not None:
            store.put(name, sha, slim, diags)
        results[name] = FileResult(name, _case_id(name), cachemod.diags_from_json(diags), slim,
                                   mode)
    store.save(present=set(order) if prune else None)
    return [results[name] for name in order]
