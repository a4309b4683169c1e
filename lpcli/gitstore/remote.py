"""Talking to a git remote: which branch a casebook shares and where, fetch, push, clone.

Nothing here waits for a password nobody can type (see ``command.Git``), and no message
quotes git's stderr wholesale or a URL with a password in it (``summarise_error``,
``safe_url``). ``git`` arguments are ``command.Git`` runners.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from lpcli.core.errors import RepositoryStateError
from lpcli.gitstore import PROTECTIVE_CONFIG, has_head, open_repo, summarise_error


def current_branch(repo) -> str | None:
    """The branch checked out; None when HEAD is detached."""
    if repo.head.is_detached:
        return None
    return repo.active_branch.name


def upstream(repo, branch: str) -> tuple[str, str] | None:
    """(remote, branch there) that ``branch`` tracks, if it tracks a remote's branch."""
    reader = repo.config_reader()
    remote = reader.get_value(f'branch "{branch}"', "remote", default="") or ""
    merge = reader.get_value(f'branch "{branch}"', "merge", default="") or ""
    if remote and remote != "." and merge.startswith("refs/heads/"):
        return remote, merge[len("refs/heads/"):]
    return None


def remote_names(repo) -> list[str]:
    return [r.name for r in repo.remotes]


def fetch(git, remote: str) -> None:
    git.run("fetch", "--quiet", "--prune", remote, what=f"fetch from {remote}")


def tracking_branches(git, remote: str) -> list[str]:
    """The remote's branches as last fetched (its HEAD alias left out)."""
    prefix = f"refs/remotes/{remote}/"
    return [r[len(prefix):] for r in git.out(
        "for-each-ref", "--format=%(refname)", prefix).split() if not r.endswith("/HEAD")]


def push(git, remote: str, branch: str, *, first: bool) -> bool:
    """Push HEAD to ``branch`` of ``remote`` (``first``: and track it). False when the remote
    moved on since the fetch (fetch and merge again); any other refusal raises."""
    args = ["push", "--quiet", "--porcelain"]
    if first:
        args.append("--set-upstream")
    status, out, err = git.run(*args, remote, f"HEAD:refs/heads/{branch}", check=False)
    if status == 0:
        return True
    text = (out + "\n" + err).lower()
    if "[rejected]" in text or "non-fast-forward" in text or "fetch first" in text:
        return False  # someone pushed in between: fetch and merge again
    raise RepositoryStateError(
        f"git could not push to {remote} ({summarise_error(err)})",
        hint="your changes are committed here and were not shared; check the remote "
             "with 'git remote -v' and run 'lpcli sync' again")


def clone(url: str, directory: Path) -> str | None:
    """Clone ``url`` into ``directory`` with the protective git options set. None when done;
    else git's reason, summarised (clearing what git left in ``directory`` is the caller's
    part, as is ``check_out_only_branch``)."""
    args = ["git", "clone", "--quiet", "--no-hardlinks"]
    for key, value in PROTECTIVE_CONFIG.items():
        args += ["-c", f"{key}={value}"]
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
    proc = subprocess.run([*args, "--", url, str(directory)], capture_output=True, text=True,
                          env=env)
    if proc.returncode != 0:
        return summarise_error(proc.stderr)
    return None


def check_out_only_branch(directory: Path) -> None:
    """A bare repository whose HEAD names a branch that was never pushed (git init --bare
    says 'master', the casebook pushed 'main') clones with nothing checked out: if the
    remote has exactly one branch, use it."""
    repo = open_repo(directory)
    if has_head(repo):
        return
    branches = [r.remote_head for r in repo.remotes.origin.refs if r.remote_head != "HEAD"]
    if len(branches) == 1:
        repo.git.checkout("-q", "-b", branches[0], "--track", f"origin/{branches[0]}")
