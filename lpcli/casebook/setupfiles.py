"""The files lpcli keeps in a casebook for editors and for git, beside the records:

* ``.lpcli/schemas/*.schema.json`` — copies of lpcli's schemas, committed, so that an editor
  with YAML language support (VS Code's YAML extension, or any editor running
  yaml-language-server) completes and checks case files with no set-up, in every clone,
  whatever happens to the lpcli installation. Case files lpcli writes start with a
  ``# yaml-language-server: $schema=../.lpcli/schemas/case.schema.json`` line (a path
  relative to the file, so it works wherever the casebook is);
* ``.vscode/settings.json`` — ``yaml.schemas`` mapping the same schemas onto ``cases/*.yaml``,
  ``practitioners.yaml`` and ``lpcli.yaml``, for files without that line (hand-made, older);
* ``.gitignore`` — what lpcli writes that must never be committed: temporary files, and
  rendered documents (``documents/``, and PDF, HTML, calendar and CSV files anywhere).

``lpcli init`` and ``lpcli demo`` write them; ``lpcli doctor`` says when they are missing or
older than this lpcli's, and ``lpcli doctor --fix`` brings them up to date in one commit.
Nothing here follows a symbolic link: a casebook shared by others is untrusted input.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from lpcli.core.resources import schemas_dir
from lpcli.files.safeio import atomic_write_bytes, read_raw

SCHEMAS_DIR = ".lpcli/schemas"
KINDS = ("case", "practitioners", "settings")
VSCODE_SETTINGS = ".vscode/settings.json"
GITIGNORE_FILE = ".gitignore"
# Which files each schema describes, for editors' settings (globs from the casebook's root).
SCHEMA_FILES = {"case": "cases/*.yaml", "practitioners": "practitioners.yaml",
                "settings": "lpcli.yaml"}

GITIGNORE_LINES = (".*.tmp-*", ".lpcli-cache/", "documents/", "*.pdf", "*.html", "*.ics",
                   "*.csv")
GITIGNORE = (
    "# lpcli: temporary files from interrupted writes, local caches, and rendered documents\n"
    "# (copies of personal data for printing or sending: documents/, PDF, HTML, calendars,\n"
    "# CSV reports) are never committed. 'git add -f FILE' if you really mean to.\n"
    + "".join(f"{line}\n" for line in GITIGNORE_LINES))


def schema_rel(kind: str) -> str:
    return f"{SCHEMAS_DIR}/{kind}.schema.json"


def modeline(kind: str) -> str:
    """The first line of a file lpcli writes, naming its schema for yaml-language-server, by
    a path relative to the file (case files are one folder down)."""
    prefix = "../" if kind == "case" else ""
    return f"# yaml-language-server: $schema={prefix}{schema_rel(kind)}\n"


def case_modeline(casebook) -> str:
    """The schema line for a new case file, when the casebook has the schema it names (an
    older casebook gets it from 'lpcli doctor --fix'); else nothing, so the line never
    points at a file that is not there."""
    path = casebook.root / schema_rel("case")
    try:
        return modeline("case") if stat.S_ISREG(os.lstat(path).st_mode) else ""
    except OSError:
        return ""


@dataclass
class Problem:
    rel: str            # the file, relative to the casebook
    why: str            # 'missing', 'out of date', 'cannot be merged' ...
    fixable: bool = True


def _current(root: Path, rel: str) -> tuple[bytes | None, str | None]:
    """A set-up file's bytes (None when absent), or why it cannot be used: a symbolic link
    anywhere on its path, or something that is not a regular file."""
    folder = root
    for part in Path(rel).parent.parts:
        folder = folder / part
        if folder.is_symlink():
            return None, f"{root_rel(root, folder)} is a symbolic link"
        if folder.exists() and not folder.is_dir():
            return None, f"{root_rel(root, folder)} is not a folder"
    raw, problem = read_raw(root / rel)
    if problem is None:
        return raw, None
    if problem.rule == "missing":
        return None, None
    return None, f"{rel} {problem.message}"


def root_rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _vscode(current: bytes | None) -> bytes | None:
    """VS Code's settings with lpcli's schemas mapped; the settings already there are kept.
    None when they cannot be read as JSON (VS Code allows comments: lpcli leaves such a
    file alone, and doctor says what to add)."""
    settings = {}
    if current is not None:
        try:
            settings = json.loads(current.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None
        if not isinstance(settings, dict):
            return None
    mapping = settings.get("yaml.schemas")
    mapping = dict(mapping) if isinstance(mapping, dict) else {}
    for kind in KINDS:
        mapping[f"./{schema_rel(kind)}"] = SCHEMA_FILES[kind]
    settings["yaml.schemas"] = mapping
    return (json.dumps(settings, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _gitignore(current: bytes | None) -> bytes:
    if current is None:
        return GITIGNORE.encode("utf-8")
    text = current.decode("utf-8", "replace")
    have = {line.strip() for line in text.splitlines()}
    missing = [line for line in GITIGNORE_LINES if line not in have]
    if not missing:
        return current
    if text and not text.endswith("\n"):
        text += "\n"
    text += "# lpcli: never committed (see 'lpcli doctor')\n" + "".join(
        f"{line}\n" for line in missing)
    return text.encode("utf-8")


def plan(root: Path) -> tuple[dict[str, bytes], list[Problem]]:
    """What the set-up files should hold, for those that differ from the casebook's (rel →
    bytes), and the problems found (each file that is missing, out of date, or cannot be
    changed safely)."""
    root = Path(root)
    changes: dict[str, bytes] = {}
    problems: list[Problem] = []
    wanted = {schema_rel(kind): (schemas_dir() / f"{kind}.schema.json").read_bytes()
              for kind in KINDS}
    for rel in (*wanted, VSCODE_SETTINGS, GITIGNORE_FILE):
        current, unusable = _current(root, rel)
        if unusable:
            problems.append(Problem(rel, f"{unusable}; lpcli does not follow or replace it "
                                         "(move it away, then run 'lpcli doctor --fix')",
                                    fixable=False))
            continue
        if rel == VSCODE_SETTINGS:
            new = _vscode(current)
            if new is None:
                problems.append(Problem(rel, "is not plain JSON, so lpcli cannot add its "
                                             "schemas to it; add a \"yaml.schemas\" entry "
                                             "mapping each of .lpcli/schemas/*.schema.json to "
                                             "its files", fixable=False))
                continue
            if current is not None and json.loads(new) == json.loads(current):
                continue
        elif rel == GITIGNORE_FILE:
            new = _gitignore(current)
        else:
            new = wanted[rel]
        if new != current:
            changes[rel] = new
            why = "missing" if current is None else (
                "does not ignore everything lpcli writes" if rel == GITIGNORE_FILE
                else "older than this lpcli's" if rel.startswith(SCHEMAS_DIR)
                else "does not map lpcli's schemas")
            problems.append(Problem(rel, why))
    return changes, problems


def write(root: Path, changes: dict[str, bytes]) -> list[Path]:
    """Write the set-up files (owner-only, atomically); the paths written. Folders are made
    as needed; ``plan`` has already refused symbolic links on the way."""
    root = Path(root)
    written = []
    for rel, data in changes.items():
        path = root / rel
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
        written.append(path)
    return written


def documents_folder(root: Path) -> Path:
    """The casebook's documents/ folder (ignored by git), made owner-only if missing; a
    symbolic link or a file there is refused, as anywhere in a casebook."""
    from lpcli.casebook.layout import DOCUMENTS_DIR
    from lpcli.core.errors import EnvironmentProblem

    folder = Path(root) / DOCUMENTS_DIR
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise EnvironmentProblem(
            f"{DOCUMENTS_DIR} in the casebook is not a folder (a symbolic link or a file), "
            "so lpcli will not write documents there",
            hint=f"move it away (lpcli makes {DOCUMENTS_DIR}/ itself), or give -o FILE")
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def refresh(casebook, author: str | None = None):
    """Bring the set-up files up to date in one commit (``lpcli doctor --fix``), with the
    same care as every change: the casebook lock, git in a state to commit, none of these
    files with uncommitted edits of their own (they would be overwritten), and the files
    put back if the commit fails. Returns (commit or None, the files changed, the problems
    left for a person)."""
    from lpcli import gitstore
    from lpcli.casebook.lock import casebook_lock
    from lpcli.casebook.records import Session, prepare

    session = Session(casebook, author)
    with casebook_lock(session.repo):
        prepare(casebook, session)
        changes, problems = plan(casebook.root)
        left = [p for p in problems if not p.fixable]
        if not changes:
            return None, [], left
        paths = [casebook.root / rel for rel in changes]
        gitstore.check_writable(session.repo, paths)
        before = {p: read_raw(p)[0] for p in paths}
        try:
            write(casebook.root, changes)
            sha = gitstore.commit(session.repo, paths, "casebook: editor schemas and git "
                                  "ignores brought up to date", session.env)
        except BaseException:
            for path, old in before.items():
                if old is None:
                    path.unlink(missing_ok=True)
                else:
                    atomic_write_bytes(path, old)
            gitstore.unstage(session.repo, paths)
            raise
        return sha, sorted(changes), left
