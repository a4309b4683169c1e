"""What ``lpcli doctor`` asks git: its version, who the user is, whether a path is ignored,
the casebook's git settings, and whether a remote answers.

Each answer is a plain value (None: git could not say); nothing here raises for a problem
it finds, and nothing ever waits for a password: a remote is asked with prompts off, with
no terminal to prompt on, and a time limit.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from lpcli.gitstore import PROTECTIVE_CONFIG, safe_url, summarise_error


def _git(args, cwd=None, timeout: float = 10, env: dict | None = None):
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL,
                              env={**os.environ, **(env or {})}, errors="replace")
    except (OSError, subprocess.SubprocessError):
        return None


def version() -> tuple[int, ...] | None:
    """git's version (2, 43, 0), or None when git cannot be run."""
    proc = _git(["--version"])
    if proc is None or proc.returncode != 0:
        return None
    m = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", proc.stdout)
    return tuple(int(g) for g in m.groups() if g is not None) if m else None


def identity(root: Path | None) -> str | None:
    """'Name <email>' git would commit as here, or None when it does not know."""
    proc = _git(["var", "GIT_COMMITTER_IDENT"], cwd=root)
    if proc is None or proc.returncode != 0:
        return None
    return proc.stdout.strip().rsplit(">", 1)[0] + ">"


def ignored(root: Path, rel: str) -> bool | None:
    """Does git ignore this path of the work tree? None when git could not say."""
    proc = _git(["check-ignore", "-q", "--", rel], cwd=root)
    if proc is None or proc.returncode not in (0, 1):
        return None
    return proc.returncode == 0


def tracked(root: Path, rel: str) -> bool:
    proc = _git(["ls-files", "--error-unmatch", "--", rel], cwd=root)
    return proc is not None and proc.returncode == 0


def missing_protective_config(root: Path) -> list[str]:
    """The protective settings (README) this casebook does not have."""
    missing = []
    for key, value in PROTECTIVE_CONFIG.items():
        proc = _git(["config", "--get", key], cwd=root)
        if proc is None or proc.stdout.strip().lower() != value:
            missing.append(key)
    return missing


def set_protective_config(root: Path) -> None:
    for key, value in PROTECTIVE_CONFIG.items():
        _git(["config", key, value], cwd=root)


def remote_url(root: Path, remote: str) -> str | None:
    proc = _git(["remote", "get-url", "--", remote], cwd=root)
    if proc is None or proc.returncode != 0:
        return None
    return proc.stdout.strip()


def reach(root: Path, remote: str, timeout: float = 10) -> str | None:
    """None when the remote answers; else why not, in a few words (its address without a
    password, never git's whole stderr). Prompts are off and there is no terminal to ask on
    (a new session), so a remote that wants a password fails rather than waits."""
    env = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": "",
           "GIT_SSH_COMMAND": "ssh -o BatchMode=yes -o ConnectTimeout=5"}
    try:
        proc = subprocess.run(["git", "ls-remote", "--heads", "--", remote], cwd=root,
                              capture_output=True, text=True, timeout=timeout, env={
                                  **os.environ, **env}, stdin=subprocess.DEVNULL,
                              start_new_session=True, errors="replace")
    except subprocess.TimeoutExpired:
        return f"no answer within {timeout:g} seconds"
    except (OSError, subprocess.SubprocessError) as exc:
        return f"git could not be run ({type(exc).__name__})"
    if proc.returncode == 0:
        return None
    return safe_url(summarise_error(proc.stderr))


def hook_file(root: Path) -> Path | None:
    """The pre-commit hook git would run here (core.hooksPath honoured), or None."""
    proc = _git(["rev-parse", "--git-path", "hooks"], cwd=root)
    if proc is None or proc.returncode != 0:
        return None
    hooks = Path(proc.stdout.strip())
    return (hooks if hooks.is_absolute() else Path(root) / hooks) / "pre-commit"
