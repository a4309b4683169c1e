"""What a commit will hold: the casebook as staged in git's index, for the pre-commit hook.

'lpcli validate' reads the files on disk. Before a commit that is not always what is being
committed: a broken file staged and then put right without 'git add' would pass, and a
broken file never added would stop a good commit. ``staged_casebook`` gives the casebook to
check: itself when the index holds exactly the files on disk (the usual case, and the
cache then makes the check fast), else a private copy of the staged files, deleted after.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from lpcli import gitstore
from lpcli.gitstore import staging
from lpcli.casebook.book import Casebook
from lpcli.casebook.layout import CASES_DIR, PRACTITIONERS_FILE, SETTINGS_FILE


@contextlib.contextmanager
def staged_casebook(casebook: Casebook):
    """Yield the casebook to check: this one, or a copy of what its index holds."""
    repo = gitstore.open_repo(casebook.root)
    rel = Path(os.path.relpath(casebook.root, repo.working_tree_dir))
    specs = [os.fsdecode(rel / name) for name in (CASES_DIR, PRACTITIONERS_FILE,
                                                    SETTINGS_FILE)]
    if staging.staged_matches_working(repo, specs):
        yield casebook
        return
    # Outside the casebook (no .git above it, so no cache is made for a throw-away copy),
    # readable by this user only, and removed however the check ends.
    tmp = Path(tempfile.mkdtemp(prefix="lpcli-staged-"))
    try:
        staging.export_staged(repo, specs, tmp)
        root = tmp / rel
        (root / CASES_DIR).mkdir(parents=True, exist_ok=True)
        yield Casebook(root)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
