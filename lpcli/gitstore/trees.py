"""Commits and trees that are not on disk: what changed between two, their common history,
a merge worked out without touching the working tree, a tree with some files replaced.

This is what lets ``lpcli sync`` validate a merged result before the casebook changes.
``git`` arguments are ``command.Git`` runners: the repository with lpcli's environment.
"""

from __future__ import annotations

import os
from pathlib import Path

from lpcli.core.errors import RepositoryStateError
from lpcli.gitstore import summarise_error

SYMLINK_MODE = 0o120000


def changed(git, a: str | None, b: str) -> list[str]:
    """Paths that differ between two commits or trees (all of b's when a is None)."""
    if a is None:
        return git.names("ls-tree", "-r", "-z", "--name-only", b)
    return git.names("diff", "--name-only", "-z", "--no-renames", a, b)


# Up to this many paths are asked for by name; more, and the whole tree is listed.
FEW_PATHS = 1000


def tree_entries(repo, tree: str, only=None) -> dict[str, tuple[int, str]]:
    """path → (mode, object id) for every file in a commit or tree; ``only``: for these
    paths at least (a tree of 100,000 case files is listed in half a second; a few paths
    in a hundredth)."""
    entries = {}
    args = ["git", "--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", tree]
    if only is not None and len(only) <= FEW_PATHS:
        args += ["--", *sorted(only)]
    listing = repo.git.execute(args, strip_newline_in_stdout=False)
    for item in listing.split("\0"):
        if item:
            meta, path = item.split("\t", 1)
            mode, _, sha = meta.split(" ")
            entries[path] = (int(mode, 8), sha)
    return entries


def blob_bytes(repo, sha: str) -> bytes:
    return repo.odb.stream(bytes.fromhex(sha)).read()


def blob_text(git, tree: str, path: str) -> str | None:
    """A file's text in a tree; None when the tree does not hold it."""
    status, out, _ = git.run("cat-file", "blob", f"{tree}:{path}", check=False)
    return out if status == 0 else None


def is_ancestor(git, a: str, b: str) -> bool:
    return git.run("merge-base", "--is-ancestor", a, b, check=False)[0] == 0


def merge_base(git, a: str, b: str) -> str | None:
    """The commit two histories share; None when they share none."""
    status, out, _ = git.run("merge-base", a, b, check=False)
    if status == 1:
        return None
    if status != 0:
        raise RepositoryStateError("git could not compare this casebook with the remote")
    return out.strip()


def merge_tree(git, ours: str, theirs: str) -> tuple[str, list[str]]:
    """The merged tree, worked out without touching the casebook, and its conflicts."""
    status, out, err = git.run(
        # diff3: a hunk whose base part is empty is one where both sides only added
        # lines, which lpcli.sync.appends can recognise.
        "-c", "merge.conflictStyle=diff3", "merge-tree", "--write-tree", "-z",
        "--name-only", ours, theirs, check=False)
    if status not in (0, 1):
        raise RepositoryStateError(
            f"git could not work out the merge ({summarise_error(err)})",
            hint="nothing was changed; git 2.38 or newer is needed for 'lpcli sync'")
    parts = out.split("\0")
    conflicts = []
    for name in parts[1:]:
        if not name:
            break
        conflicts.append(name)
    return parts[0].strip(), sorted(set(conflicts)) if status == 1 else []


def replace_in_tree(git, tree: str, texts: dict) -> str:
    """``tree`` with some files' contents replaced, built in a private temporary index
    so that neither the casebook's index nor its files are touched."""
    index = Path(git.repo.git_dir) / "lpcli" / f"sync-index-{os.getpid()}"
    index.parent.mkdir(mode=0o700, exist_ok=True)
    env = {"GIT_INDEX_FILE": str(index)}
    what = "prepare the merge"
    try:
        git.run("read-tree", tree, env=env, what=what)
        for path, text in texts.items():
            _, sha, _ = git.run("hash-object", "-w", "--stdin", f"--path={path}",
                                env=env, data=text.encode("utf-8"), what=what)
            git.run("update-index", "--cacheinfo", f"100644,{sha.strip()},{path}",
                    env=env, what=what)
        return git.out("write-tree", env=env, what=what).strip()
    finally:
        index.unlink(missing_ok=True)


def commit_tree(git, tree: str, parents, message: str) -> str:
    """A commit of ``tree`` (no branch moves: see ``merge.fast_forward``)."""
    args = [a for p in parents for a in ("-p", p)]
    return git.out("commit-tree", tree, *args, "-m", message, what="record the merge").strip()
