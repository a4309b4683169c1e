"""Findings from checks: what ``validate`` and the write path report.

The reporters that print them (text for people, JSON for scripts) are in ``cli/output.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

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
