"""Findings from checks, and the reporters that print them.

A ``Diagnostic`` is what ``validate`` and the write path report. Reporters are
interchangeable (text for people, JSON for scripts), as in check-jsonschema.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    file: str  # relative to the casebook root, with '/' separators
    line: int
    column: int
    path: str  # jq-style path of the offending key or item: .team[1].practitioner
    severity: str
    rule: str
    message: str

    def as_text(self) -> str:
        return (f"{self.file}:{self.line}:{self.column}: {self.severity}: "
                f"{self.path}: {self.message}")


def format_path(path) -> str:
    """A path tuple as jq writes it: ``('team', 1, 'practitioner')`` → ``.team[1].practitioner``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out or "."


def sort_key(d: Diagnostic):
    return (d.file, d.line, d.column, d.rule)


def count(diags, severity: str) -> int:
    return sum(1 for d in diags if d.severity == severity)


def summary(diags, files_checked: int) -> str:
    """The closing line of a text report."""
    errors, warnings = count(diags, ERROR), count(diags, WARNING)
    noun = "file" if files_checked == 1 else "files"
    if not (errors or warnings):
        return f"ok: {files_checked} {noun} checked, no problems"
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f"{', '.join(parts)} in {files_checked} {noun}"


def render_text(diags, files_checked: int) -> str:
    return "\n".join([*(d.as_text() for d in diags), summary(diags, files_checked)])


def render_json(diags) -> str:
    return json.dumps([asdict(d) for d in diags], indent=2, ensure_ascii=False)
