"""Validating casebook files as they stand in a commit or tree that is not on disk: a merged
result is checked before the working tree changes, and only a valid one is pushed."""

from __future__ import annotations

from lpcli.casebook.book import Directory
from lpcli.casebook.layout import PRACTITIONERS_FILE, SETTINGS_FILE
from lpcli.core.diagnostics import ERROR
from lpcli.files import loader, yamlio
from lpcli.gitstore import trees
from lpcli.sync.paths import case_file


def check_tree(repo, tree_sha: str, paths, casebook=None) -> list:
    """Errors in the casebook files among ``paths`` as they stand in a commit or tree.

    When practitioners.yaml or lpcli.yaml is among them every case is checked, because a
    case's validity depends on the directory (a practitioner removed on one side, named in
    a case on the other). A case file whose blob is the one ``casebook``'s cache holds for
    it takes the cached results, if the practitioners its checks looked up are the same in
    this tree (``casebook/depends.py``): a merge that touches practitioners.yaml re-checks
    only the cases it concerns, and reads no other.
    """
    from lpcli.casebook.cache import diags_from_json
    from lpcli.casebook.checker import check, check_loaded
    from lpcli.casebook.depends import dirprint, fingerprints
    from lpcli.casebook.scan import analyse_tracked
    from lpcli.core.diagnostics import Diagnostic

    paths = set(paths)
    # The whole tree only when every case is to be checked (the directory or settings
    # changed); else the changed paths and the directory.
    whole_tree = bool(paths & {PRACTITIONERS_FILE, SETTINGS_FILE})
    entries = trees.tree_entries(repo, tree_sha,
                                 None if whole_tree else paths | {PRACTITIONERS_FILE})

    def raw(path) -> bytes:
        return trees.blob_bytes(repo, entries[path][1])

    def load(path):
        text, problem = yamlio.decode(raw(path))
        if problem is not None:
            return yamlio.Loaded(problems=[problem], fatal=True)
        return loader.load(text)

    directory = None
    practitioners = load(PRACTITIONERS_FILE) if PRACTITIONERS_FILE in entries else None
    if practitioners is not None:
        admitted = check(PRACTITIONERS_FILE, "practitioners", practitioners).data
        if admitted is not None:
            directory = Directory(admitted.get("practitioners") or [])
    if whole_tree:
        paths |= {p for p in entries if case_file(p)}
    prints = fingerprints(directory)
    whole = dirprint(prints)
    cached = _cached(casebook, entries, sorted(p for p in paths if p in entries
                                               and case_file(p)), prints, whole)
    out = []
    for path in sorted(p for p in paths if p in entries):  # not there: deleted on this side
        if path == PRACTITIONERS_FILE:
            out += check_loaded(path, "practitioners", practitioners, directory)
        elif path == SETTINGS_FILE:
            out += check_loaded(path, "settings", load(path), directory)
        elif case_file(path):
            if entries[path][0] == trees.SYMLINK_MODE:
                out.append(Diagnostic(path, 1, 1, ".", ERROR, "symlink",
                                      "is a symbolic link; lpcli reads only regular files"))
            elif path in cached:
                out += [d for d in diags_from_json(cached[path]) if d.severity == ERROR]
            else:
                out += diags_from_json(analyse_tracked(path, raw(path), directory, prints,
                                                       whole)[1])
    return [d for d in out if d.severity == ERROR]


def _cached(casebook, entries, cases, prints, whole) -> dict:
    """path -> diagnostics (JSON lists) the cache holds for the case files whose blob in
    this tree it knows, when they hold for this tree's directory."""
    if casebook is None or not cases:
        return {}
    from lpcli.casebook import store as storemod
    from lpcli.casebook.depends import still_valid

    store = storemod.Store(casebook)
    try:
        cases = [p for p in cases if entries[p][0] != trees.SYMLINK_MODE]
        # A few cases: their rows are enough (each row's blob and what its checks looked
        # up); many: the index says at once which were checked against this directory.
        index = store.index if len(cases) > trees.FEW_PATHS else {}
        if index:
            cases = [p for p in cases if p in index
                     and index[p][storemod.BLOB] == entries[p][1]]
        rows = store.results(cases, slim=False, diags=True, deps=True,
                             of=len(index) if index else None, by_name=not index)
        out = {}
        for path in cases:
            row = rows.get(path)
            if row is None or row[0] != entries[path][1]:
                continue
            try:
                if (path in index and index[path][storemod.DIRPRINT] == whole) or \
                        still_valid(storemod.unpack(row[2]), prints, whole):
                    out[path] = storemod.unpack(row[1])
            except (ValueError, TypeError, EOFError):
                continue
        return out
    finally:
        store.close()
