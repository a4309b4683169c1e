"""Conflicted case files: appended events kept from both sides, every other conflict shown
to a person as two versions labelled in plain words."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The label of this computer's side of a conflict (the shared side names its remote).
YOURS = "yours (this computer)"

_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
EVENTS_KEY = "events"


@dataclass
class _Hunk:
    ours: list
    base: list
    theirs: list


def _parse_diff3(text: str) -> list | None:
    """A file git merged in diff3 style, as plain lines and conflict hunks; None if the
    markers are not as git writes them."""
    out, lines, i = [], text.splitlines(keepends=True), 0
    while i < len(lines):
        if not lines[i].startswith("<<<<<<<"):
            out.append(lines[i])
            i += 1
            continue
        hunk, part, i = _Hunk([], [], []), "ours", i + 1
        while i < len(lines):
            bare = lines[i].rstrip("\r\n")
            if part == "ours" and bare.startswith("|||||||"):
                part = "base"
            elif part in ("ours", "base") and bare == "=======":
                part = "theirs"
            elif part == "theirs" and bare.startswith(">>>>>>>"):
                break
            else:
                getattr(hunk, part).append(lines[i])
            i += 1
        else:
            return None  # an unterminated conflict: leave the file to a person
        out.append(hunk)
        i += 1
    return out


def _only_nested(lines) -> bool:
    """No line starts a new top-level key (it is all list items, indented text, comments)."""
    return not any(_TOP_KEY.match(ln) for ln in lines)


def resolve_appends(text: str, shared_label: str) -> tuple[str, int] | None:
    """Keep both sides where each only appended entries to the case's ``events`` log at the
    same place — every lpcli change appends one, so two unrelated changes to one case would
    otherwise always conflict there. The log is append-only history, so keeping both (ours,
    then theirs) loses nothing and invents nothing. Every other conflict stays for a person,
    shown as two versions with plain-word labels. Returns (text, conflicts left), or None
    when the file's markers cannot be read."""
    parts = _parse_diff3(text)
    if parts is None:
        return None
    out, left, section = [], 0, None
    for part in parts:
        if isinstance(part, str):
            if _TOP_KEY.match(part):
                section = part.split(":", 1)[0].strip()
            out.append(part)
            continue
        if section == EVENTS_KEY and not part.base and _only_nested(part.ours) \
                and _only_nested(part.theirs):
            out += part.ours + part.theirs
            continue
        left += 1
        out.append(f"<<<<<<< {YOURS}\n")
        out += part.ours
        out.append("=======\n")
        out += part.theirs
        out.append(f">>>>>>> {shared_label}\n")
    return "".join(out), left
