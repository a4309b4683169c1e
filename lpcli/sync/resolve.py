"""Resolving one case during an unfinished sync (``lpcli edit``)."""

from __future__ import annotations

from lpcli.casebook import records
from lpcli.casebook.book import Casebook
from lpcli.casebook.layout import CASES_DIR
from lpcli.casebook.lock import casebook_lock
from lpcli.core.errors import RepositoryStateError
from lpcli.files.safeio import atomic_write
from lpcli.gitstore import merge
from lpcli.gitstore.command import Git
from lpcli.sync.pending import read_pending, write_pending


def resolve_case(casebook: Casebook, case_id: str, text: str, *, expected_old: str) -> list:
    """Accept a resolved case during an unfinished sync: write it and mark it resolved in
    git's index (no commit: ``lpcli sync`` makes the merge commit). Returns the paths still
    waiting."""
    rel = f"{CASES_DIR}/{case_id}.yaml"
    session = records.Session(casebook)
    repo = session.repo
    with casebook_lock(repo):
        records.prepare(casebook, session)
        pending = read_pending(repo)
        if pending is None or rel not in pending.paths:
            raise RepositoryStateError(f"{rel} is not waiting to be resolved",
                                       hint="run 'lpcli sync' to see the state of the sync")
        path = casebook.case_path(case_id)
        if path.read_text(encoding="utf-8") != expected_old:
            raise RepositoryStateError(f"{rel} changed while you were editing it",
                                       hint=f"run 'lpcli edit {case_id}' again")
        # Marker lines left are errors too: the strict loader reports them.
        records.refuse_if_invalid(casebook, records.Target.case(casebook, case_id), text)
        atomic_write(path, text)
        merge.stage(Git(repo), [rel], what="mark the case resolved")
        pending.paths = [p for p in pending.paths if p != rel]
        write_pending(repo, pending)
        return pending.paths
