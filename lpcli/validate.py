"""The checker behind ``lpcli validate``: files in, diagnostics out.

Each file is read strictly (``yamlio``), checked against its schema (``schema``) and, for
cases, against the guidance's rules (``rules``). Every problem is reported, each at the line
and column of the key or item it concerns.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from lpcli import permissions, rules, schema
from lpcli.cache import git_dir
from lpcli.casebook import (CASES_DIR, PRACTITIONERS_FILE, SETTINGS_FILE, Casebook, Directory,
                            load_file)
from lpcli.diagnostics import ERROR, Diagnostic, format_path, sort_key
from lpcli.errors import EnvironmentProblem, FileHasErrors


@dataclass
class Result:
    diagnostics: list = field(default_factory=list)
    files_checked: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == ERROR)


def _suppressed(path: tuple, yaml_paths: list) -> bool:
    """Schema/rule findings at or under a place the YAML reader already complained about
    are noise (an alias read as null, a tagged value...): report the cause only."""
    return any(path[:len(p)] == p for p in yaml_paths)


@dataclass
class Checked:
    """One file after the gate: every diagnostic, and the data only if it may be used.

    This is the one gate between files and the domain. ``data`` is set only when the file
    was read without a YAML problem and passed its schema; rules, reports, documents and
    write commands only ever see such data, so a broken file can be explained (here, with
    line and column) but never crash the code that trusts the schema's shapes."""

    diagnostics: list
    data: dict | None


def check(rel: str, kind: str, loaded, directory: Directory | None = None,
          case_id: str | None = None) -> Checked:
    """All diagnostics for one file already read by the strict loader, and its admitted data."""
    out: list[Diagnostic] = []

    def add(path, severity, rule, message, pos=None):
        line, col = pos or loaded.locate(path)
        out.append(Diagnostic(rel, line, col, format_path(path), severity, rule, message))

    yaml_paths = []
    for p in loaded.problems:
        add(p.path, ERROR, p.rule, p.message, (p.line, p.column))
        if p.path:
            # A dropped merge key changes its whole mapping; other problems just their value.
            yaml_paths.append(tuple(p.path[:-1] if p.rule == "yaml-merge-key" else p.path))
    if loaded.fatal:
        return Checked(out, None)
    schema_failed = False
    for path, rule, message in schema.messages(kind, loaded.data):
        schema_failed = True
        if not _suppressed(path, yaml_paths):
            add(path, ERROR, rule, message)
    out = list(dict.fromkeys(out))  # the same finding via two schema branches: once
    if loaded.problems or schema_failed or not isinstance(loaded.data, dict):
        # Past the gate only what has the schema's shape: the rules below (and every
        # command) may then index, iterate and compare without guarding each value.
        return Checked(out, None)
    data = loaded.data
    if kind == "case":
        if case_id is not None and data.get("id") != case_id:
            add(("id",), ERROR, "id-mismatch",
                f"the case ID inside the file differs from the file name ({case_id}.yaml); "
                "they must be the same")
        for f in rules.check_case(data, directory):
            add(f.path, f.severity, f.rule, f.message)
    elif kind == "practitioners":
        for f in rules.check_practitioners(data):
            add(f.path, f.severity, f.rule, f.message)
    return Checked(out, data)


def check_loaded(rel: str, kind: str, loaded, directory: Directory | None = None,
                 case_id: str | None = None) -> list[Diagnostic]:
    """All diagnostics for one file already read by the strict loader."""
    return check(rel, kind, loaded, directory, case_id).diagnostics


def admit(rel: str, kind: str, loaded) -> dict:
    """The file's data if it passes the gate, else ``FileHasErrors`` naming the first
    problem and the command that shows them all."""
    checked = check(rel, kind, loaded)
    if checked.data is not None:
        return checked.data
    errors = [d for d in checked.diagnostics if d.severity == ERROR]
    raise FileHasErrors(rel, errors)


def _mode(path) -> int | None:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return None


def _add(diags: list, diag: Diagnostic | None) -> None:
    if diag is not None:
        diags.append(diag)


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
        from lpcli.scan import scan

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
            if progress:
                progress(path)
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
        tick = (lambda n: progress(None)) if progress else None
        for file_result in scan(cb, cases, directory, tick, prune=not self.paths):
            result.diagnostics += file_result.diagnostics
            # Outside the cached diagnostics: a chmod changes no content (permissions.py).
            _add(result.diagnostics, permissions.check_file(file_result.name, file_result.mode))
        result.files_checked = len(others) + len(cases)
        if directory is None and cb.practitioners_path not in others:
            result.diagnostics.append(Diagnostic(
                PRACTITIONERS_FILE, 1, 1, ".", ERROR, "practitioners-unreadable",
                "practitioners.yaml has errors, so practitioner IDs in cases were not "
                f"checked; run 'lpcli validate {PRACTITIONERS_FILE}'"))
        result.diagnostics.sort(key=sort_key)
        return result
