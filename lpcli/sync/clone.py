"""``lpcli init --clone``: a practitioner's own copy of a shared casebook."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from lpcli import gitstore
from lpcli.casebook.layout import SETTINGS_FILE
from lpcli.core.errors import EnvironmentProblem
from lpcli.gitstore import remote


def clone(url: str, directory: Path | None) -> Path:
    """``lpcli init --clone URL [DIR]``: a practitioner's own copy of a shared casebook, with
    the protective git options set. On any failure nothing is left behind."""
    if directory is None:
        name = re.sub(r"\.git$", "", url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1])
        directory = Path(name or "casebook")
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise EnvironmentProblem(f"{directory} already exists and is not empty",
                                 hint="choose a new folder for your copy of the casebook")
    created = not directory.exists()
    problem = remote.clone(url, directory)
    try:
        if problem is not None:
            raise EnvironmentProblem(
                f"could not clone {gitstore.safe_url(url)} ({problem})",
                hint="check the address (a path to a bare repository, or a git server URL) "
                     "and that you can reach it")
        remote.check_out_only_branch(directory)
        if not (directory / SETTINGS_FILE).is_file():
            raise EnvironmentProblem(
                f"{gitstore.safe_url(url)} is not an lpcli casebook (it has no "
                f"{SETTINGS_FILE})",
                hint="to share an existing casebook through an empty remote, run in that "
                     f"casebook: git remote add origin {gitstore.safe_url(url)} && lpcli sync")
    except BaseException:
        if created:
            shutil.rmtree(directory, ignore_errors=True)
        else:
            for child in directory.iterdir():
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() \
                    else child.unlink()
        raise
    return directory
