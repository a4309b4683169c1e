"""The pre-commit hook checks the whole casebook (issue 15), tested with the real pre-commit
framework (https://pre-commit.com) and with 'lpcli hooks install': renaming a practitioner
ID in practitioners.yaml alone breaks every case naming the old ID, and the commit must be
refused, though the commit holds no case file.

The framework is a test dependency ('pip install .[test]'); where it cannot be installed
these tests are skipped, saying so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import git

REPO = Path(__file__).resolve().parent.parent
HOOKS = REPO / ".pre-commit-hooks.yaml"


def pre_commit(cwd, *args, env=None):
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PRE_COMMIT_HOME": str(env["home"])}
                          if env else None)


@pytest.fixture
def framework():
    pytest.importorskip("pre_commit", reason="the pre-commit framework is not installed "
                                             "(pip install pre-commit)")


def rename_practitioner(book):
    pr = book.root / "practitioners.yaml"
    pr.write_text(pr.read_text().replace("id: ho-brennan", "id: ho-brennan-2"))
    git(book.root, "add", "practitioners.yaml")


def commit(book, message="rename a practitioner"):
    return subprocess.run(["git", "commit", "-qm", message], cwd=book.root,
                          capture_output=True, text=True, timeout=600)


def test_the_manifest_checks_the_whole_casebook():
    import yaml

    (hook,) = yaml.safe_load(HOOKS.read_text())
    assert hook["id"] == "lpcli-validate" and hook["pass_filenames"] is False
    assert hook["entry"] == "lpcli validate"


def test_pre_commit_framework_refuses_a_practitioner_rename(book, framework, tmp_path):
    """The manifest's own settings (files, pass_filenames, require_serial) under the real
    framework, with lpcli run from this environment (a local hook: no network needed)."""
    import yaml

    (hook,) = yaml.safe_load(HOOKS.read_text())
    local = {k: hook[k] for k in ("id", "name", "files", "pass_filenames", "require_serial")}
    local.update(language="system", entry=f"{sys.executable} -m lpcli validate")
    (book.root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(
        {"repos": [{"repo": "local", "hooks": [local]}]}))
    book.commit_all("use pre-commit")
    home = {"home": tmp_path / "pre-commit-home"}
    installed = pre_commit(book.root, "install", env=home)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    head = book.head()
    rename_practitioner(book)
    refused = commit(book)
    assert refused.returncode != 0, refused.stdout
    assert "lpcli validate" in refused.stdout + refused.stderr
    assert "unknown-practitioner" in refused.stdout + refused.stderr or \
        "is not in practitioners.yaml" in refused.stdout + refused.stderr
    assert book.head() == head
    # A change that keeps the casebook valid goes through.
    git(book.root, "reset", "-q")
    git(book.root, "checkout", "--", ".")
    pr = book.root / "practitioners.yaml"
    pr.write_text(pr.read_text() + "# a comment\n")
    git(book.root, "add", "practitioners.yaml")
    assert commit(book, "a comment").returncode == 0


def test_try_repo_installs_lpcli_from_this_repository(book, framework, tmp_path):
    """The manifest as users get it ('repo:' lpcli's repository, 'language: python'):
    pre-commit builds its own environment with lpcli in it. Needs the package index."""
    if not (REPO / ".git").exists() or shutil.which("git") is None:
        pytest.skip("lpcli's source is not a git checkout here")
    untracked = [ln for ln in git(REPO, "status", "--porcelain", "--untracked-files=all", "--",
                                  "lpcli", "schemas", "templates", "setup.cfg").splitlines()
                 if ln.startswith("??")]
    if untracked:
        pytest.skip("pre-commit try-repo leaves out untracked files, and lpcli's source has "
                    "some: commit or stash them first")
    home = {"home": tmp_path / "pre-commit-home"}
    rename_practitioner(book)
    result = pre_commit(book.root, "try-repo", str(REPO), "lpcli-validate", env=home)
    out = result.stdout + result.stderr
    if "An unexpected error has occurred" in out and ("pip" in out or "install" in out):
        pytest.skip("pre-commit could not install lpcli's dependencies here (no package "
                    "index?)")
    assert result.returncode == 1, out
    assert "is not in practitioners.yaml" in out


def test_lpcli_hooks_install_refuses_a_practitioner_rename(book):
    assert book.run("hooks", "install").exit_code == 0
    head = book.head()
    rename_practitioner(book)
    refused = commit(book)
    assert refused.returncode != 0
    assert "is not in practitioners.yaml" in refused.stdout + refused.stderr
    assert book.head() == head
