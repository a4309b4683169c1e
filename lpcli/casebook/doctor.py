"""``lpcli doctor``: is this machine, and this casebook, set up right?

A small agency has no IT department: each check here says what it found and, when it is
not right, the one thing to do about it. ``fail`` needs fixing (``doctor`` exits 1);
``warn`` is worth knowing (PDF documents unavailable, no pre-commit hook, the remote not
answering from an offline laptop); ``skip`` could not be checked here. Nothing here changes
anything but ``fix``, which does only what is safe to do without asking: the editor schemas
and git ignores (one commit), the protective git settings, the documents/ folder.

Messages name files, settings and programs, never anything from a case.
"""

from __future__ import annotations

import os
import shlex
import stat
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from lpcli.casebook import setupfiles
from lpcli.casebook.hooks import MARK
from lpcli.casebook.layout import DOCUMENTS_DIR, PRACTITIONERS_FILE, SETTINGS_FILE
from lpcli.core.errors import LpcliError
from lpcli.gitstore import environment

SYNC_GIT = (2, 38)   # lpcli sync needs git merge-tree --write-tree
MIN_PYTHON = (3, 10)
FIX = "lpcli doctor --fix"


@dataclass
class Check:
    check: str          # a short name: 'git-identity'
    status: str         # vocabulary.DOCTOR_STATUSES
    message: str
    fix: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _version(v) -> str:
    return ".".join(str(x) for x in v)


# -- the machine -------------------------------------------------------------------------------

def check_python() -> Check:
    v = sys.version_info[:3]
    if v < MIN_PYTHON:
        return Check("python", "fail", f"Python {_version(v)} is older than lpcli needs "
                     f"({_version(MIN_PYTHON)})", "install a newer Python and lpcli in it")
    return Check("python", "ok", f"Python {_version(v)} ({sys.executable})")


def check_git() -> Check:
    v = environment.version()
    if v is None:
        return Check("git", "fail", "git cannot be run: lpcli keeps every change as a git "
                     "commit", "install git (for example 'apt-get install git') and make sure "
                     "it is on PATH")
    if v < SYNC_GIT:
        return Check("git", "warn", f"git {_version(v)}: everything works but 'lpcli sync', "
                     f"which needs git {_version(SYNC_GIT)} or newer",
                     "install a newer git if you share the casebook")
    return Check("git", "ok", f"git {_version(v)}")


def check_identity(root: Path | None) -> Check:
    who = environment.identity(root)
    if who is None:
        return Check("git-identity", "fail", "git does not know who you are, so lpcli cannot "
                     "record who made a change",
                     "git config --global user.name 'Your Name' && "
                     "git config --global user.email you@example.org")
    return Check("git-identity", "ok", f"changes are recorded as made by {who}")


def check_pdf() -> Check:
    try:
        import weasyprint
    except ImportError:
        return Check("pdf", "warn", "PDF documents are not available (WeasyPrint is not "
                     "installed); HTML and Markdown documents work",
                     "pip install 'lpcli[pdf]' in the environment lpcli is installed in")
    except OSError:
        return Check("pdf", "warn", "PDF documents are not available: WeasyPrint is installed "
                     "but cannot find the Pango library it draws text with",
                     "apt-get install libpango-1.0-0 libpangoft2-1.0-0 (or your system's "
                     "Pango package)")
    return Check("pdf", "ok", f"PDF documents: WeasyPrint {weasyprint.__version__}")


# -- the casebook ------------------------------------------------------------------------------

def check_settings(casebook) -> list[Check]:
    out = []
    for name, read in ((SETTINGS_FILE, lambda: casebook.settings),
                       (PRACTITIONERS_FILE, lambda: casebook.directory)):
        try:
            read()
        except LpcliError as exc:
            out.append(Check(name, "fail", f"{name} is not valid, so no command but "
                             "'validate' will run", exc.hint or f"lpcli validate {name}"))
        else:
            out.append(Check(name, "ok", f"{name} is valid"))
    return out


def check_owner(casebook) -> Check:
    from lpcli import gitstore

    gd = gitstore.git_dir(casebook.root)
    owner = gitstore.foreign_owner(casebook.root, gd)
    if owner is not None:
        return Check("owner", "fail", "the casebook belongs to another user: lpcli reads it "
                     "but will not change it", "run lpcli as the user who owns it")
    return Check("owner", "ok", "the casebook is yours")


def loose_files(root: Path, limit: int = 100_000) -> tuple[int, int]:
    """(files, folders) in the casebook that the group or others may read or write (or enter
    and list, for folders), its git folder included. Symbolic links are not followed."""
    files = folders = seen = 0
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            seen += 1
            if seen > limit:
                return files, folders
            try:
                mode = os.lstat(os.path.join(folder, name)).st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode) and mode & 0o077:
                folders += 1
            elif stat.S_ISREG(mode) and mode & 0o066:
                files += 1
    return files, folders


def check_permissions(casebook) -> Check:
    if os.name != "posix":
        return Check("permissions", "skip", "file permissions are not checked on this system")
    files, folders = loose_files(casebook.root)
    try:
        top = os.lstat(casebook.root).st_mode & 0o077
    except OSError:
        top = 0
    if files or folders or top:
        what = ", ".join(x for x in (f"{files} files" if files else "",
                                     f"{folders} folders" if folders or top else "") if x)
        return Check("permissions", "fail", f"{what} in the casebook can be read by other users "
                     "of this machine (git does not keep permissions: a clone or copy gets "
                     "the umask of whoever made it)",
                     f"chmod -R go-rwx {shlex.quote(str(casebook.root))}")
    return Check("permissions", "ok", "only you can read the casebook's files")


def check_git_state(casebook) -> list[Check]:
    from lpcli import gitstore

    out = []
    try:
        repo = gitstore.open_repo(casebook.root)
        gitstore.check_writable(repo)
    except LpcliError as exc:
        return [Check("git-state", "fail", exc.message, exc.hint)]
    out.append(Check("git-state", "ok", "git is ready for lpcli's commits"))
    missing = environment.missing_protective_config(Path(repo.working_tree_dir))
    if missing:
        out.append(Check("git-settings", "warn", "protective git settings are not set: "
                         + ", ".join(missing), FIX))
    else:
        out.append(Check("git-settings", "ok", "protective git settings are set"))
    journal = Path(repo.git_dir) / "lpcli" / "journal.json"
    if journal.exists():
        out.append(Check("interrupted", "warn", "an lpcli command was interrupted while "
                         "changing the casebook", "run any lpcli command that records "
                         "something: it finishes the job first, and says what it did"))
    return out


def check_remote(casebook) -> Check:
    remote = ((casebook.settings.get("sync") or {}).get("remote")) or "origin"
    url = environment.remote_url(casebook.root, remote)
    if url is None:
        return Check("remote", "skip", f"no git remote '{remote}': the casebook is not shared "
                     "(see README 'Sharing a casebook')")
    from lpcli.gitstore import safe_url

    why = environment.reach(casebook.root, remote)
    if why is not None:
        return Check("remote", "warn", f"the shared casebook '{remote}' ({safe_url(url)}) did "
                     f"not answer: {why}", "check the network (an offline laptop syncs later), "
                     "the address ('git remote -v'), and that git can reach it without a "
                     "password prompt (SSH keys or a credential helper)")
    return Check("remote", "ok", f"the shared casebook '{remote}' ({safe_url(url)}) answers")


def check_hook(casebook) -> Check:
    path = environment.hook_file(casebook.root)
    text = ""
    if path is not None and path.is_file() and not path.is_symlink():
        text = path.read_text(errors="replace")
    if MARK in text:
        python = _hook_python(text)
        if python and not Path(python).exists():
            return Check("hook", "fail", "the pre-commit hook runs a Python that is no longer "
                         "there (lpcli was reinstalled elsewhere)", "lpcli hooks install")
        return Check("hook", "ok", "commits run 'lpcli validate' first (lpcli hooks install)")
    if "pre-commit" in text and "lpcli-validate" in _read(casebook.root /
                                                          ".pre-commit-config.yaml"):
        return Check("hook", "ok", "commits run 'lpcli validate' first (the pre-commit "
                     "framework)")
    if text:
        return Check("hook", "warn", "a pre-commit hook is installed, but not lpcli's: "
                     "commits made by hand are not validated first",
                     "add 'lpcli validate' to it, or replace it: lpcli hooks install --force")
    return Check("hook", "warn", "no pre-commit hook: a commit made by hand (a file edited in "
                 "an editor) is not validated first", "lpcli hooks install")


def _hook_python(text: str) -> str | None:
    for line in text.splitlines():
        if line.startswith("exec "):
            try:
                return shlex.split(line)[1]
            except (ValueError, IndexError):
                return None
    return None


def _read(path: Path) -> str:
    from lpcli.files.safeio import read_raw

    raw, _ = read_raw(path)
    return raw.decode("utf-8", "replace") if raw else ""


_SETUP_NAMES = {setupfiles.VSCODE_SETTINGS: ("vscode", "VS Code settings map lpcli's schemas"),
                setupfiles.GITIGNORE_FILE: ("gitignore", "git ignores rendered documents and "
                                                         "lpcli's temporary files")}


def check_setup_files(casebook) -> list[Check]:
    _, problems = setupfiles.plan(casebook.root)
    by_rel = {p.rel: p for p in problems}
    out = []
    schemas = [p for p in problems if p.rel.startswith(setupfiles.SCHEMAS_DIR)]
    if schemas:
        fixable = all(p.fixable for p in schemas)
        out.append(Check("editor-schemas", "fail",
                         "; ".join(f"{p.rel} {p.why}" if p.fixable else p.why for p in schemas),
                         FIX if fixable else None))
    else:
        out.append(Check("editor-schemas", "ok", f"editors find the schemas in "
                         f"{setupfiles.SCHEMAS_DIR}/"))
    for rel, (name, good) in _SETUP_NAMES.items():
        p = by_rel.get(rel)
        if p is None:
            out.append(Check(name, "ok", good))
        else:
            out.append(Check(name, "fail", f"{rel} {p.why}" if p.fixable else p.why,
                             FIX if p.fixable else None))
    documents = casebook.root / DOCUMENTS_DIR
    if environment.ignored(casebook.root, f"{DOCUMENTS_DIR}/plan.pdf") is False:
        out.append(Check("documents", "fail", f"git does not ignore {DOCUMENTS_DIR}/: a "
                         "rendered plan could be committed by accident", FIX))
    elif documents.is_symlink() or (documents.exists() and not documents.is_dir()):
        out.append(Check("documents", "fail", f"{DOCUMENTS_DIR} is not a folder (a symbolic "
                         "link or a file)", f"move it away, then: {FIX}"))
    elif not documents.exists():
        out.append(Check("documents", "warn", f"there is no {DOCUMENTS_DIR}/ folder for "
                         "rendered documents (lpcli makes it when it first writes one)", FIX))
    else:
        out.append(Check("documents", "ok", f"rendered documents go to {DOCUMENTS_DIR}/, "
                         "which git ignores"))
    return out


# -- all of it ---------------------------------------------------------------------------------

def run(casebook=None, find_error: LpcliError | None = None, remote: bool = True) -> list[Check]:
    """Every check, in the order a person would fix them. ``casebook`` None: not in one
    (``find_error`` says why), and only the machine is checked."""
    checks = [check_python(), check_git(),
              check_identity(casebook.root if casebook else None), check_pdf()]
    if casebook is None:
        message = find_error.message if find_error else "no casebook here"
        checks.append(Check("casebook", "skip", message, "cd into a casebook, or "
                            "'lpcli -C DIR doctor'; to make one: lpcli init DIR --agency NAME"))
        return checks
    checks.append(Check("casebook", "ok", f"casebook at {casebook.root}"))
    checks += check_settings(casebook)
    checks.append(check_owner(casebook))
    checks.append(check_permissions(casebook))
    checks += check_git_state(casebook)
    checks += check_setup_files(casebook)
    checks.append(check_hook(casebook))
    if remote and all(c.status == "ok" for c in checks if c.check == SETTINGS_FILE):
        checks.append(check_remote(casebook))
    return checks


def fix(casebook, author: str | None = None) -> list[str]:
    """What is safe to put right without asking, each said in a line: the editor schemas,
    VS Code settings and git ignores (one commit), the protective git settings, and the
    documents/ folder."""
    done = []
    sha, changed, _ = setupfiles.refresh(casebook, author)
    if sha:
        done.append(f"updated {', '.join(changed)} (commit {sha[:8]})")
    if environment.missing_protective_config(casebook.root):
        environment.set_protective_config(casebook.root)
        done.append("set the protective git settings")
    documents = casebook.root / DOCUMENTS_DIR
    if not documents.exists() and not documents.is_symlink():
        setupfiles.documents_folder(casebook.root)
        done.append(f"made {DOCUMENTS_DIR}/ (owner-only, ignored by git)")
    return done
