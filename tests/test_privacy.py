"""Personal data on disk: what lpcli creates is its owner's only, and validate says when
casebook files can be read by others."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

from conftest import MODEL_CASE


def lpcli(*args, cwd=None, env=None):
    """lpcli in its own process, started with a permissive umask (022) as a login shell
    usually has: lpcli must not inherit it."""
    return subprocess.run([sys.executable, "-m", "lpcli", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, **(env or {})},
                          preexec_fn=lambda: os.umask(0o022), timeout=120)


def open_to_others(root):
    found = []
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            if not os.path.islink(path) and os.lstat(path).st_mode & 0o077:
                found.append(os.path.relpath(path, root))
    return found


def test_everything_lpcli_creates_is_owner_only(tmp_path):
    book = tmp_path / "book"
    assert lpcli("init", str(book), "--agency", "Test Hub").returncode == 0
    made = lpcli("-C", str(book), "new", "--name", "Test Child", "--dob", "2020-01-01")
    assert made.returncode == 0, made.stderr
    demo = tmp_path / "demo"
    assert lpcli("demo", str(demo)).returncode == 0
    docs = tmp_path / "out"
    docs.mkdir(mode=0o700)
    for args in (["render", "plan", MODEL_CASE, "-o", str(docs / "plan.html")],
                 ["calendar", "-o", str(docs / "reviews.ics")],
                 ["validate"], ["list"],
                 ["outcome", "add", MODEL_CASE, "Made under umask 022"]):
        result = lpcli("-C", str(demo), *args)
        assert result.returncode == 0, (args, result.stderr)
    assert lpcli("-C", str(demo), "edit", MODEL_CASE, env={"EDITOR": "true"}).returncode == 0
    assert (demo / ".git" / "lpcli").is_dir()          # the cache
    assert (demo / ".git" / "lpcli-edit").is_dir()     # edit drafts
    assert (demo / "documents").is_dir()               # the demo's rendered plan
    for root in (book, demo, docs):
        assert stat.S_IMODE(os.stat(root).st_mode) in (0o700,)
        assert open_to_others(root) == [], root


def test_validate_warns_when_others_can_read_case_files(book):
    os.chmod(book.root, 0o755)
    os.chmod(book.root / "cases", 0o755)
    os.chmod(book.case(MODEL_CASE), 0o644)
    for _ in range(2):  # cold, then from the cache: a chmod changes no content
        result = book.run("validate", "--format", "json")
        assert result.exit_code == 0  # a warning, not an error
        found = [d for d in json.loads(result.output) if d["rule"] == "file-permissions"]
        assert [(d["file"], d["severity"]) for d in found] == \
            [(f"cases/{MODEL_CASE}.yaml", "warning")]
        assert "chmod -R go-rwx" in found[0]["message"]
    # Closing the casebook folder protects everything in it.
    os.chmod(book.root, 0o700)
    assert "file-permissions" not in book.run("validate", "--format", "json").output


def test_a_casebook_opened_to_everyone_is_one_short_warning_in_text(book):
    for folder, dirs, files in os.walk(book.root):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    diags = json.loads(book.run("validate", "--format", "json").output)
    rules = [d for d in diags if d["rule"] == "file-permissions"]
    files = {d["file"] for d in rules}
    assert {".git", "lpcli.yaml", "practitioners.yaml", f"cases/{MODEL_CASE}.yaml"} <= files
    text = book.run("validate").output
    assert text.count("file-permissions") == 1
    assert f"... and {len(rules) - 3} more warnings of the same kind (file-permissions)" in text
