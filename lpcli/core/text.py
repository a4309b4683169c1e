"""Plain text for terminals and cron mail: aligned tables."""

from __future__ import annotations


def table(rows: list[list]) -> list[str]:
    """Rows of cells (the first a header) as aligned lines, trailing spaces trimmed."""
    rows = [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
