"""What a rule reports: a path into the file, a severity, the rule's name and a message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    path: tuple
    severity: str
    rule: str
    message: str
