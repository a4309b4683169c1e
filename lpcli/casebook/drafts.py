"""Drafts of hand edits ('lpcli edit'): kept inside the git folder, private to the owner,
never committed and never in /tmp where others could read them."""

from __future__ import annotations

import os
from pathlib import Path

from lpcli import gitstore
from lpcli.core.errors import EnvironmentProblem

DRAFTS = "lpcli-edit"


def draft_path(casebook, name: str) -> Path:
    """Where the draft of ``name`` lives, its private folder made if missing."""
    folder = Path(gitstore.open_repo(casebook.root).git_dir) / DRAFTS
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder / name


def write_draft(path: Path, text: str) -> None:
    # newline="": the file's own line endings both ways, so that an editor that changes
    # nothing in a CRLF file changes nothing (not every line).
    path.write_text(text, encoding="utf-8", newline="")
    os.chmod(path, 0o600)


def read_draft(path: Path) -> str:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return fh.read()
    except UnicodeDecodeError:
        raise EnvironmentProblem(
            "the edited case is not UTF-8 text, so it was not saved",
            hint="set your editor to save files as UTF-8 and edit again") from None
