"""Shared fixtures: an isolated git identity, and real casebooks in temporary git repos."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from lpcli.cli import cli

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "casebook-example"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MODEL_CASE = "LP-4F7QK-9M2XA"  # the example's nominated case, base of the fixtures


def isolate_git(home: Path, monkeypatch) -> Path:
    """A git config of its own under ``home``: a known identity, no system or user config,
    and none of the variables that would steer lpcli or git from outside."""
    cfg = home / ".gitconfig"
    cfg.write_text("[user]\n\tname = Test Practitioner\n\temail = test@example.org\n"
                   "[init]\n\tdefaultBranch = main\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(cfg))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("LPCLI_CASEBOOK", "LPCLI_AUTHOR", "LPCLI_TODAY", "NO_COLOR", "EDITOR", "VISUAL",
                "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LPCLI_LOCK_TIMEOUT", "5")
    return cfg


@pytest.fixture(autouse=True)
def git_identity(tmp_path_factory, monkeypatch):
    """Every test gets its own git config: a known identity, no system or user config."""
    return isolate_git(tmp_path_factory.mktemp("home"), monkeypatch)


@pytest.fixture(autouse=True)
def private_umask():
    """Tests run under lpcli's own umask whatever the shell's (lpcli sets it in-process on
    its first command anyway): files a test writes are then private as lpcli's are, and
    validate's file-permissions warning appears only where a test means it to."""
    previous = os.umask(0o077)
    yield
    os.umask(previous)


def git(cwd, *args) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


class Book:
    """A real casebook in a temporary git repository, with helpers to run lpcli on it."""

    def __init__(self, root: Path):
        self.root = root

    def run(self, *args, input=None, env=None):
        runner = CliRunner()
        return runner.invoke(cli, ["-C", str(self.root), *args], input=input, env=env,
                             catch_exceptions=False)

    def json(self, *args):
        result = self.run(*args, "--format", "json")
        return json.loads(result.output)

    def git(self, *args) -> str:
        return git(self.root, *args)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def status(self) -> str:
        return self.git("status", "--porcelain")

    def case(self, case_id) -> Path:
        return self.root / "cases" / f"{case_id}.yaml"

    def commit_all(self, message="test setup"):
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)


@pytest.fixture(scope="session")
def demo_casebook(tmp_path_factory) -> Path:
    """What ``lpcli demo`` makes, made once per test process (under xdist, once per worker)
    in the conditions every test runs in: the isolated git identity and lpcli's umask.
    Tests never use it directly: ``book`` gives each test its own copy."""
    home = tmp_path_factory.mktemp("demo-home")
    root = tmp_path_factory.mktemp("demo") / "casebook"
    previous = os.umask(0o077)
    try:
        with pytest.MonkeyPatch.context() as mp:
            isolate_git(home, mp)
            result = CliRunner().invoke(cli, ["demo", str(root)], catch_exceptions=False)
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    return root


def _leave_out_cache(folder, names):
    """lpcli's cache is named after the casebook's path, so a copy would carry a stale one
    beside its own: each copy starts without it, as a casebook cloned or moved does."""
    if Path(folder).name == "lpcli" and Path(folder).parent.name == ".git":
        return [n for n in names if n.startswith("cache-")]
    return []


@pytest.fixture
def book(tmp_path, demo_casebook) -> Book:
    """A copy of the example casebook, committed in a fresh git repository: the demo
    casebook copied whole (work tree, .git, file modes and times) into this test's own
    folder, which is much faster than running ``lpcli demo`` for every test."""
    root = tmp_path / "casebook"
    shutil.copytree(demo_casebook, root, symlinks=True, ignore=_leave_out_cache)
    return Book(root)


@pytest.fixture
def bare_book(tmp_path) -> Book:
    """The example's settings and practitioners, with no cases (for fixture files)."""
    root = tmp_path / "fx"
    (root / "cases").mkdir(parents=True)
    for name in ("lpcli.yaml", "practitioners.yaml"):
        shutil.copyfile(EXAMPLE / name, root / name)  # not the source tree's mode
    git(root, "init", "-q")
    return Book(root)
