"""lpcli's note of a merge it started and waits for a person to finish.

The note lives in ``.git/lpcli/`` and only says which files lpcli waits for; the merge
itself is git's. A note without git's merge state is stale (the merge was finished or
abandoned with git itself) and is dropped.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from lpcli import gitstore
from lpcli.casebook.book import Casebook
from lpcli.files.safeio import atomic_write
from lpcli.gitstore import merge


@dataclass
class Pending:
    """lpcli's note about a merge it started and is waiting to finish."""

    remote: str
    branch: str
    theirs: str                 # the shared commit being merged in
    paths: list                 # files that need a person: conflicts, invalid merges


def _pending_path(repo) -> Path:
    return Path(repo.git_dir) / gitstore.SYNC_PENDING


def read_pending(repo) -> Pending | None:
    """lpcli's note of a merge waiting for a person, if git is still mid-merge."""
    path = _pending_path(repo)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pending = Pending(data["remote"], data["branch"], data["theirs"], list(data["paths"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not merge.in_progress(repo.git_dir):
        # The merge was finished or abandoned with git itself: the note is stale.
        path.unlink(missing_ok=True)
        return None
    return pending


def pending_for(casebook: Casebook) -> Pending | None:
    """The unfinished sync of this casebook, if any (for ``lpcli edit`` and error hints)."""
    gd = gitstore.git_dir(casebook.root)
    if gd is None or not merge.in_progress(gd) or not (gd / gitstore.SYNC_PENDING).exists():
        return None
    return read_pending(gitstore.open_repo(casebook.root))


def write_pending(repo, pending: Pending) -> None:
    path = _pending_path(repo)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    atomic_write(path, json.dumps(asdict(pending), indent=2) + "\n")


def clear_pending(repo) -> None:
    _pending_path(repo).unlink(missing_ok=True)
