"""A plain git pre-commit hook that runs ``lpcli validate`` (for casebooks that do not use
the pre-commit framework; those use .pre-commit-hooks.yaml)."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from lpcli import gitstore
from lpcli.casebook.book import Casebook
from lpcli.core.errors import EnvironmentProblem

MARK = "# installed by 'lpcli hooks install'"


def hook_text(casebook: Casebook, repo_root: Path) -> str:
    # The interpreter that runs lpcli now, by absolute path: the hook then works from git
    # GUIs and editors that do not share the shell's PATH or virtualenv.
    python = shlex.quote(sys.executable)
    rel = os.path.relpath(casebook.root, repo_root)
    return ("#!/bin/sh\n"
            f"{MARK}: validate the casebook before each commit.\n"
            "# Skip once with 'git commit --no-verify'; remove with 'lpcli hooks uninstall'.\n"
            f"exec {python} -m lpcli -C {shlex.quote(rel)} validate --staged\n")


def hook_path(casebook: Casebook) -> tuple[Path, Path]:
    repo = gitstore.open_repo(casebook.root)
    hooks_dir = Path(repo.git.rev_parse("--git-path", "hooks"))
    if not hooks_dir.is_absolute():
        hooks_dir = Path(repo.working_tree_dir) / hooks_dir
    return hooks_dir / "pre-commit", Path(repo.working_tree_dir)


def install(casebook: Casebook, force: bool = False) -> Path:
    gitstore.open_repo(casebook.root, write=True)  # another user's casebook: refuse
    path, root = hook_path(casebook)
    if path.exists() and MARK not in path.read_text(errors="replace") and not force:
        raise EnvironmentProblem(
            f"{path} already exists and was not installed by lpcli",
            hint="add 'lpcli validate' to it yourself, or replace it with --force")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(hook_text(casebook, root))
    path.chmod(0o700)
    return path


def uninstall(casebook: Casebook) -> Path | None:
    path, _ = hook_path(casebook)
    if not path.exists():
        return None
    if MARK not in path.read_text(errors="replace"):
        raise EnvironmentProblem(f"{path} was not installed by lpcli; leaving it alone")
    path.unlink()
    return path
