"""The checker behind ``lpcli validate``: a whole casebook, or some of its files, in;
diagnostics out.

Each file goes through the gate (``check/gate.py``: read strictly, its schema, then for cases
the guidance's rules); cases are read through the cache (``scan``). Every problem is
reported, each at the line and column of the key or item it concerns.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from lpcli.casebook.book import Casebook, Directory
from lpcli.casebook.layout import CASES_DIR, PRACTITIONERS_FILE, SETTINGS_FILE
from lpcli.casebook.linkcheck import check_links
from lpcli.casebook.cache import diags_from_json, diags_to_json
from lpcli.casebook.scan import remembered, scan
from lpcli.check import permissions
from lpcli.check.gate import check, check_loaded
from lpcli.core.diagnostics import ERROR, Diagnostic, sort_key
from lpcli.core.errors import EnvironmentProblem
from lpcli.files.loader import load_file
from lpcli.gitstore import git_dir


@dataclass
class Result:
    diagnostics: list = field(default_factory=list)
    files_checked: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == ERROR)


def _mode(path) -> int | None:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return None


def _add(diags: list, diag: Diagnostic | None) -> None:
    if diag is not None:
        diags.append(diag)


def _case_findings(casebook, scanned, links: bool) -> list:
    """Each case file's diagnostics, its permissions, and (``links``: every case file was
    scanned) the links across cases."""
    found = []
    loose = permissions.LOOSE_FILE
    for file_result in scanned:
        if file_result.diagnostics:
            found += file_result.diagnostics
        # Outside the cached diagnostics: a chmod changes no content (permissions.py).
        # (The mode tested here first: a call per file is a tenth of a second at 100,000.)
        mode = file_result.mode
        if mode is not None and mode & loose:
            _add(found, permissions.check_file(file_result.name, mode))
    if links:
        # No slim copies: the check across cases reads each case's links, which the scan
        # gives from the cache's index (``FileResult.links``).
        found += check_links(casebook, scanned)
    return found


class Checker:
    """Validates a whole casebook, or the given paths within it."""

    def __init__(self, casebook: Casebook, paths=()):
        self.casebook = casebook
        self.paths = [Path(p) for p in paths]

    def _targets(self) -> tuple[list[Path], list[str]]:
        """Non-case files to check, and case file names (in cases/) to check."""
        cb = self.casebook
        whole = ([cb.settings_path, cb.practitioners_path], cb.case_file_names())
        if not self.paths:
            return whole
        others: list[Path] = []
        cases: list[str] = []
        for p in self.paths:
            full = Path(os.path.abspath(p))
            try:
                full.relative_to(cb.root)
            except ValueError:
                raise EnvironmentProblem(
                    f"{p} is outside the casebook at {cb.root}",
                    hint="pass files inside the casebook, or choose it with --casebook")
            if full.is_dir() and not full.is_symlink():
                if full == cb.root:
                    others += whole[0]
                    cases += whole[1]
                elif full == cb.cases_dir:
                    cases += whole[1]
                else:
                    raise EnvironmentProblem(
                        f"{cb.relative(full)} is not a casebook folder lpcli checks",
                        hint="pass the casebook root, cases/, or single files")
            elif not (full.exists() or full.is_symlink()):
                raise EnvironmentProblem(f"{p}: no such file",
                                         hint="check the path; 'lpcli list' shows case IDs")
            elif full.parent == cb.cases_dir and full.name.endswith(".yaml"):
                cases.append(full.name)
            else:
                others.append(full)
        return list(dict.fromkeys(others)), list(dict.fromkeys(cases))

    def _kind(self, path: Path) -> str | None:
        cb = self.casebook
        if path == cb.settings_path:
            return "settings"
        if path == cb.practitioners_path:
            return "practitioners"
        return None

    def run(self, progress=None) -> Result:
        cb = self.casebook
        result = Result()
        targets = self._targets()
        # The directory is needed for cross-file rules even when only cases are checked.
        practitioners = load_file(cb.practitioners_path)
        checked_practitioners = check(PRACTITIONERS_FILE, "practitioners", practitioners)
        directory = None
        if checked_practitioners.data is not None:
            directory = Directory(checked_practitioners.data.get("practitioners") or [])
        others, cases = targets
        for path in others:
            kind = self._kind(path)
            rel = cb.relative(path)
            if kind is None:
                result.diagnostics.append(Diagnostic(
                    rel, 1, 1, ".", ERROR, "not-a-casebook-file",
                    f"lpcli checks {SETTINGS_FILE}, {PRACTITIONERS_FILE} and "
                    f"{CASES_DIR}/<CASE-ID>.yaml only"))
                continue
            if kind == "practitioners":
                result.diagnostics += checked_practitioners.diagnostics
            else:
                result.diagnostics += check_loaded(rel, kind, load_file(path), directory)
            _add(result.diagnostics, permissions.check_file(rel, _mode(path)))
        if not self.paths:
            gd = git_dir(cb.root)
            if gd is not None:
                _add(result.diagnostics, permissions.check_git_dir(cb.relative(gd), _mode(gd)))
        if self.paths:
            result.diagnostics += _case_findings(cb, scan(cb, cases, directory, progress,
                                                          slims=False), links=False)
        else:
            # The whole casebook: remembered beside the snapshot of its case files, so a
            # warm run with nothing changed makes no result per file (``remembered``).
            result.diagnostics += diags_from_json(remembered(
                cb, cases, directory, progress, "validate",
                lambda scanned: diags_to_json(_case_findings(cb, scanned, links=True)),
                sparse=True))
        result.files_checked = len(others) + len(cases)
        if directory is None and cb.practitioners_path not in others:
            result.diagnostics.append(Diagnostic(
                PRACTITIONERS_FILE, 1, 1, ".", ERROR, "practitioners-unreadable",
                "practitioners.yaml has errors, so practitioner IDs in cases were not "
                f"checked; run 'lpcli validate {PRACTITIONERS_FILE}'"))
        result.diagnostics.sort(key=sort_key)
        return result
