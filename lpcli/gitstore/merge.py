"""The casebook's working tree and index during a sync: what is not committed, moving the
branch forward, and git's own merge state (started, files staged, finished, abandoned).

A merge left for a person is git's, not lpcli's: both versions stay in git (HEAD, the
remote-tracking branch, the index), so plain git commands can finish or abandon it too.
``git`` arguments are ``command.Git`` runners.
"""

from __future__ import annotations

from pathlib import Path

from lpcli.gitstore import summarise_error


def in_progress(git_dir) -> bool:
    """Git is in the middle of a merge (started by lpcli or by hand)."""
    return (Path(git_dir) / "MERGE_HEAD").exists()


def uncommitted(git) -> list[str]:
    """Tracked files with changes not committed (untracked files do not count)."""
    return [ln[3:] for ln in git.out(
        "status", "--porcelain", "--untracked-files=no").splitlines() if ln.strip()]


def fast_forward(git, commit: str) -> None:
    git.run("merge", "--ff-only", "--quiet", commit, what="update the casebook")


def start(git, theirs: str, message: str) -> str | None:
    """Start merging ``theirs`` into HEAD and stop before committing, conflicts and all.
    None once git is in its merge state; else git's reason for refusing, summarised."""
    _, _, err = git.run("merge", "--no-ff", "--no-commit", "--quiet", "-m", message, theirs,
                        check=False)
    # The exit status cannot tell: a merge that stopped for conflicts also fails.
    if in_progress(git.repo.git_dir):
        return None
    return summarise_error(err)


def stage(git, paths, what: str) -> None:
    git.run("add", "--", *paths, what=what)


def unmerged(git) -> list[str]:
    """Files git still holds as conflicted."""
    return git.names("diff", "--name-only", "-z", "--diff-filter=U")


def unstaged(git) -> list[str]:
    return git.names("diff", "--name-only", "-z")


def index_tree(git) -> str:
    """The index as a tree: what the merge commit would hold."""
    return git.out("write-tree", what="record the merge").strip()


def commit(git) -> None:
    git.run("commit", "--no-edit", "--quiet", what="record the merge")


def abort(git) -> None:
    git.run("merge", "--abort", what="abandon the merge")
