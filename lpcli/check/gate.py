"""The one gate between files and the domain.

A file is read (``files.loader``), checked against its schema and, when it passes, against
the guidance's rules. Only then is its data handed on: rules, reports, documents and write
commands never see a file that failed, so none of them has to guard against a value of the
wrong shape. A file that fails is explained (every problem, with line and column) instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from lpcli.check import rules, schema
from lpcli.core.diagnostics import ERROR, Diagnostic, format_path
from lpcli.core.errors import FileHasErrors


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


def check(rel: str, kind: str, loaded, directory=None,
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


def check_loaded(rel: str, kind: str, loaded, directory=None,
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
