"""Validating casebook files as they stand in a commit or tree that is not on disk: a merged
result is checked before the working tree changes, and only a valid one is pushed."""

from __future__ import annotations

from lpcli.casebook.book import Directory
from lpcli.casebook.layout import PRACTITIONERS_FILE, SETTINGS_FILE
from lpcli.core.diagnostics import ERROR
from lpcli.files import loader, yamlio
from lpcli.gitstore import trees
from lpcli.sync.paths import case_file


def check_tree(repo, tree_sha: str, paths) -> list:
    """Errors in the casebook files among ``paths`` as they stand in a commit or tree.

    When practitioners.yaml or lpcli.yaml is among them every case is checked, because a
    case's validity depends on the directory (a practitioner removed on one side, named in
    a case on the other).
    """
    from lpcli.casebook.cache import diags_from_json
    from lpcli.casebook.checker import check, check_loaded
    from lpcli.casebook.scan import analyse
    from lpcli.core.diagnostics import Diagnostic

    entries = trees.tree_entries(repo, tree_sha)

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
    paths = set(paths)
    if paths & {PRACTITIONERS_FILE, SETTINGS_FILE}:
        paths |= {p for p in entries if case_file(p)}
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
                continue
            out += diags_from_json(analyse(path, raw(path), directory)[1])
    return [d for d in out if d.severity == ERROR]
