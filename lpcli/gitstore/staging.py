"""What the next commit will hold: git's index against the files on disk (for 'lpcli
validate --staged', which the pre-commit hooks run)."""

from __future__ import annotations

import os
from pathlib import Path

from lpcli.gitstore.command import Git

HINT = "check 'git status' (a merge in progress?), then commit again"


def staged_matches_working(repo, specs: list[str]) -> bool:
    """Whether the files under ``specs`` that a commit would hold (the index) are the files
    on disk: nothing changed but not staged, and nothing there that git does not track."""
    git = Git(repo)
    if git.run("diff", "--quiet", "--", *specs, check=False)[0] != 0:
        return False  # 1: a working file differs from the index (or git failed: same answer)
    return not git.raw("ls-files", "-z", "--others", "--exclude-standard", "--", *specs,
                       what="list the files git does not track", hint=HINT)[1]


def export_staged(repo, specs: list[str], dest: Path) -> None:
    """Write the index's copy of the files under ``specs`` below ``dest`` (by their paths
    in the repository). checkout-index's --prefix is a string prefix: the trailing
    separator makes it a folder. Unmerged entries are left out (git refuses that commit
    anyway). Names go from one git command to the next as bytes, whatever their encoding."""
    git = Git(repo)
    names = git.raw("ls-files", "-z", "--cached", "--", *specs,
                    what="list the staged files", hint=HINT)[1]
    if names:
        git.raw("checkout-index", "-z", "--stdin", f"--prefix={os.fsdecode(dest)}{os.sep}",
                data=names, what="copy the staged files", hint=HINT)
