"""The casebook's git repository: state checks before writing, commits, history.

Everything goes through GitPython's ``Repo`` and its ``git`` command wrapper, so behaviour is
exactly git's own (hooks, config, identity). Git's stderr is never echoed wholesale: it can
quote file contents (a conflict, a hook's output), so messages are lpcli's own.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from lpcli.core.errors import EnvironmentProblem, RepositoryStateError

# Options that protect the data, set on every casebook lpcli creates (see README).
PROTECTIVE_CONFIG = {
    "core.fsync": "committed",       # fsync objects and refs before a commit is reported done
    "core.fsyncMethod": "fsync",
    "transfer.fsckObjects": "true",  # refuse corrupt objects when fetching or receiving
    "fetch.fsckObjects": "true",
    "receive.fsckObjects": "true",
    "core.autocrlf": "false",        # case files keep their bytes on every platform
}

# lpcli's note of a merge 'lpcli sync' started and waits to finish (see sync/pending.py).
SYNC_PENDING = "lpcli/sync-pending.json"

_AUTHOR = re.compile(r"^[^<>\n]+ <[^<>\n]*>$")


def _git():
    # Imported lazily: GitPython takes a noticeable time to import, and read-only commands
    # and --help should not pay it.
    import git

    return git


def open_repo(root: Path, *, write: bool = False):
    """The casebook's repository. ``write``: refuse one that belongs to another user (see
    ``check_owner``) before asking git anything."""
    git = _git()
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise EnvironmentProblem(
            f"the casebook at {root} is not inside a git repository",
            hint=f"run 'git init' in {root} (lpcli keeps every change as a git commit)")
    if write:
        check_owner(repo)
    owner = foreign_owner(repo.working_tree_dir, repo.git_dir)
    if owner is not None:
        # git refuses to work in another user's repository unless told it is safe
        # (safe.directory); ask it once, so that its refusal becomes a clear message here
        # instead of a failure, or a misleading one, in whatever git command comes first.
        try:
            repo.git.rev_parse("--git-dir")
        except git.GitCommandError as exc:
            if "dubious ownership" in str(exc.stderr):
                raise RepositoryStateError(
                    f"the casebook at {repo.working_tree_dir} belongs to another user "
                    f"({_user(owner)}), so git refuses to work in it",
                    hint=f"run lpcli as {_user(owner)}; or, only if you trust this casebook "
                         "and its owner, tell git it is safe: git config --global --add "
                         f"safe.directory {repo.working_tree_dir}")
            raise
    return repo


def foreign_owner(*paths) -> int | None:
    """The user ID owning these folders when it is not the user running lpcli, else None.

    A stat each: cheap enough to ask before every write and every cache save."""
    geteuid = getattr(os, "geteuid", None)
    if geteuid is None:  # pragma: no cover - no POSIX owners (Windows)
        return None
    me = geteuid()
    for path in paths:
        if path is None:
            continue
        try:
            uid = os.stat(path).st_uid
        except OSError:
            continue
        if uid != me:
            return uid
    return None


def _user(uid: int) -> str:
    try:
        import pwd

        return f"user '{pwd.getpwuid(uid).pw_name}'"
    except (ImportError, KeyError):
        return f"user ID {uid}"


def check_owner(repo) -> None:
    """Refuse to change a casebook that belongs to another user, before anything is written.

    git may have been told the repository is safe (safe.directory), but what lpcli writes
    (case files, git objects, its lock and journal) would belong to the user running it,
    private to them: the owner could no longer read their own casebook. Run as root, that
    is what 'sudo lpcli ...' would do.
    """
    owner = foreign_owner(repo.working_tree_dir, repo.git_dir)
    if owner is not None:
        raise RepositoryStateError(
            f"the casebook at {repo.working_tree_dir} belongs to another user "
            f"({_user(owner)}); lpcli changes a casebook only as its owner, so that every "
            "file it writes stays readable to them",
            hint=f"run the command as {_user(owner)} (for example with 'sudo -u'); nothing "
                 "was changed")


def init_repo(path: Path):
    git = _git()
    repo = git.Repo.init(path)
    with repo.config_writer() as cw:
        for key, value in PROTECTIVE_CONFIG.items():
            section, option = key.split(".", 1)
            cw.set_value(section, option, value)
    return repo


def rel_path(repo, path: Path) -> str:
    return Path(os.path.abspath(path)).relative_to(Path(repo.working_tree_dir).resolve()).as_posix()


def check_writable(repo, paths=()) -> None:
    """Refuse to write while git is in a state where a commit would be wrong or lost.

    Each refusal says how to recover. Nothing is changed here.
    """
    gitdir = Path(repo.git_dir)
    if (gitdir / "index.lock").exists():
        raise RepositoryStateError(
            "git's index is locked (.git/index.lock exists): another git command is running, "
            "or one crashed",
            hint="if no git command is running, delete .git/index.lock and try again")
    if (gitdir / "rebase-merge").exists() or (gitdir / "rebase-apply").exists():
        raise RepositoryStateError(
            "the casebook is in the middle of a rebase",
            hint="finish it ('git rebase --continue', or 'lpcli sync' if it started one) "
                 "or abandon it ('git rebase --abort'), then try again")
    if (gitdir / "MERGE_HEAD").exists() and (gitdir / SYNC_PENDING).exists():
        raise RepositoryStateError(
            "a sync is waiting for you to resolve cases changed here and in the shared "
            "casebook",
            hint="run 'lpcli sync' to see which; resolve each with 'lpcli edit CASE', then "
                 "'lpcli sync' (or 'lpcli sync --abort' to go back)")
    if (gitdir / "MERGE_HEAD").exists():
        raise RepositoryStateError(
            "the casebook is in the middle of a merge",
            hint="finish it with 'git commit' or abandon it with 'git merge --abort'")
    for marker, what in (("CHERRY_PICK_HEAD", "cherry-pick"), ("REVERT_HEAD", "revert")):
        if (gitdir / marker).exists():
            raise RepositoryStateError(
                f"the casebook is in the middle of a {what}",
                hint=f"finish it or run 'git {what} --abort', then try again")
    if repo.head.is_detached:
        raise RepositoryStateError(
            "the casebook's git HEAD is detached (not on a branch)",
            hint="switch back to your branch, for example 'git switch main'")
    unmerged = _run(repo, "check the casebook's state", "ls_files", "--unmerged")
    if unmerged:
        raise RepositoryStateError(
            "the casebook has unresolved git conflicts",
            hint="resolve them (see 'git status'), commit, and try again")
    for rel in _uncommitted(repo, [rel_path(repo, path) for path in paths])[:1]:
        raise RepositoryStateError(
            f"{rel} has changes that are not committed",
            hint=f"commit them ('git add {rel} && git commit'), or discard them "
                 f"('git checkout -- {rel}'), then try again")


def _uncommitted(repo, rels) -> list[str]:
    """Of these files, those 'git status' would list: changed from HEAD (staged or not), or
    there and untracked (not ignored). Asked as two quick questions of git's index rather
    than 'git status', which reads the whole folder for untracked files (a tenth of a
    second per file at 100,000 cases)."""
    if not rels:
        return []
    what = "check the casebook's state"
    changed = _run(repo, what, "status", "--porcelain", "-z", "--untracked-files=no", "--",
                   *rels)
    found = [entry[3:] for entry in changed.split("\0") if len(entry) > 3]
    tracked = set(_run(repo, what, "ls_files", "-z", "--", *rels).split("\0"))
    root = Path(repo.working_tree_dir)
    for rel in rels:
        if rel not in tracked and rel not in found and os.path.lexists(root / rel):
            try:
                repo.git.check_ignore("-q", "--", rel)  # ignored: 'git status' says nothing
            except _git().GitCommandError:
                found.append(rel)
    return [rel for rel in rels if rel in found]


def git_dir(root: Path) -> Path | None:
    """The repository's git directory, found without importing GitPython (reading
    commands use it for the cache and must stay fast)."""
    for folder in (root, *root.parents):
        dot = folder / ".git"
        if dot.is_dir():
            return dot
        if dot.is_file():  # a worktree or submodule: "gitdir: <path>"
            text = dot.read_text(errors="replace").strip()
            if text.startswith("gitdir:"):
                target = Path(text[len("gitdir:"):].strip())
                return target if target.is_absolute() else (folder / target).resolve()
    return None


def identity_for_new_repo(directory: Path, author: str | None, fallback: str | None = None):
    """Identity env for the first commit of a new repository (checked before creating it,
    so a machine with no git identity learns that before anything is made)."""
    import subprocess

    author = author or None
    known = subprocess.run(["git", "var", "GIT_COMMITTER_IDENT"], cwd=directory if
                           directory.exists() else None, capture_output=True).returncode == 0
    if author:
        name, email = author[:-1].split(" <", 1) if " <" in author else (author, "")
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email}
        if not known:
            env.update(GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email)
        if not _AUTHOR.match(author):
            raise EnvironmentProblem("--author must look like 'Name <email>'")
        return env
    if known:
        return {}
    if fallback:
        name, email = fallback[:-1].split(" <", 1)
        return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
                "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
    raise EnvironmentProblem(
        "git does not know who you are, so lpcli cannot record who made the change",
        hint="run: git config --global user.name 'Your Name' && "
             "git config --global user.email you@example.org (or give it before the "
             "command: lpcli --author 'Name <email>' COMMAND ...)")


def set_identity(root: Path, name: str, email: str) -> None:
    """Give one repository its own identity (the demo, on a machine with none)."""
    with open_repo(root).config_writer() as cw:
        cw.set_value("user", "name", name)
        cw.set_value("user", "email", email)


def has_head(repo) -> bool:
    try:
        repo.head.commit
    except ValueError:
        return False
    return True


def identity_env(repo, author: str | None) -> dict:
    """Environment for git so the commit has an author and committer.

    ``--author "Name <email>"`` wins; otherwise git config. When git has no identity at all
    and no --author is given, refuse before writing anything.
    """
    env = {}
    if author:
        if not _AUTHOR.match(author):
            raise EnvironmentProblem(
                "--author must look like 'Name <email>'",
                hint="for example --author 'Layla Ahmed <layla.ahmed@example.org>'")
        name, email = author[:-1].split(" <", 1)
        env.update(GIT_AUTHOR_NAME=name.strip(), GIT_AUTHOR_EMAIL=email)
    git = _git()
    try:
        repo.git.var("GIT_COMMITTER_IDENT")
    except git.GitCommandError:
        if not author:
            raise EnvironmentProblem(
                "git does not know who you are, so lpcli cannot record who made the change",
                hint="run: git config --global user.name 'Your Name' && "
                     "git config --global user.email you@example.org "
                     "(or give it before the command: lpcli --author 'Name <email>' "
                     "COMMAND ...)")
        env.update(GIT_COMMITTER_NAME=env["GIT_AUTHOR_NAME"],
                   GIT_COMMITTER_EMAIL=env["GIT_AUTHOR_EMAIL"])
    return env


def author_name(repo, author: str | None) -> str:
    if author and _AUTHOR.match(author):
        return author.split(" <", 1)[0].strip()
    try:
        return repo.git.var("GIT_AUTHOR_IDENT").rsplit(" <", 1)[0]
    except _git().GitCommandError:
        return ""


# Commits this process made, newest last: an unexpected error after one can say the change
# was saved (cli.report_internal_error) rather than "nothing was changed".
commits_made: list[str] = []


def commit(repo, paths, message: str, env: dict) -> str:
    """Commit exactly ``paths`` (other staged or modified files are left alone), byte for
    byte as they are on disk: lpcli validated those bytes, so a commit holding anything else
    (a clean filter, an 'eol' or 'ident' attribute rewriting them) is undone and refused."""
    rels = [rel_path(repo, p) for p in paths]
    before = repo.head.commit.hexsha if has_head(repo) else None
    alone = before is not None and not _staged_besides(repo, rels)
    _run(repo, "commit the change", "add", "--", *rels)
    if alone:
        # Nothing else staged: the index is HEAD and these files, a commit of it is the
        # same as one with --only, without --only's second index built from HEAD's tree
        # (half a second for a folder of 100,000 cases).
        _run(repo, "commit the change", "commit", "-q", "-m", message, env=env)
        if not set(_changed_since(repo, before)) <= set(rels):
            # Something was staged meanwhile (git in another terminal): the commit is
            # taken back, its changes left staged, and made again with --only.
            _run(repo, "commit the change", "reset", "-q", "--soft", before)
            alone = False
    if not alone:
        # --only with pathspecs: the commit holds these files and nothing else staged.
        _run(repo, "commit the change", "commit", "--only", "-q", "-m", message, "--",
             *rels, env=env)
    sha = repo.head.commit.hexsha
    commits_made.append(sha)
    stored = committed_blobs(repo, rels)
    for path, rel in zip(paths, rels):
        disk = _disk_bytes(path)
        if disk is None or stored.get(rel) != blob_id(disk):
            _undo_commit(repo, sha, before)
            raise RepositoryStateError(
                f"git stored {rel} differently from the bytes lpcli checked (a clean filter "
                "or another .gitattributes setting rewrites files as they are committed), so "
                "the commit was undone and nothing was changed",
                hint=f"see what applies with 'git check-attr -a -- {rel}'; remove that filter "
                     "or attribute for the casebook's files, then try again")
    return sha


def _staged_besides(repo, rels) -> bool:
    """Whether git's index differs from HEAD anywhere but these files (or git cannot say:
    then assume it does)."""
    try:
        # (Submodules too, whatever .gitmodules says: a plain commit would take them.)
        repo.git.diff_index("--cached", "--quiet", "--ignore-submodules=none", "HEAD", "--",
                            ".", *(f":(exclude,literal){rel}" for rel in rels))
    except _git().GitCommandError:
        return True
    return False


def _changed_since(repo, before: str) -> list[str]:
    """Paths the commit at HEAD changed from ``before``."""
    listed = repo.git.diff_tree("-r", "-z", "--name-only", "--no-renames",
                                "--ignore-submodules=none", before, "HEAD")
    return [name for name in listed.split("\0") if name]


def _disk_bytes(path) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def _undo_commit(repo, sha: str, before: str | None) -> None:
    """Take back the commit just made (only if it is still HEAD: the casebook lock is held,
    so it is), leaving the index for the caller to put back."""
    if repo.head.commit.hexsha != sha:
        return
    if before is None:
        _run(repo, "undo the commit", "update_ref", "-d", "HEAD")
    else:
        _run(repo, "undo the commit", "reset", "-q", "--soft", before)
    commits_made.remove(sha)


# How git's stderr says that a write failed for lack of space (or a file size limit).
_DISK_FULL = ("No space left on device", "Out of diskspace", "File too large",
              "Disk quota exceeded")


def _run(repo, what: str, command: str, *args, **kwargs) -> str:
    """``repo.git.<command>(*args)``, with git's failure turned into a clear refusal."""
    try:
        return getattr(repo.git, command)(*args, **kwargs)
    except _git().GitCommandError as exc:
        if any(s in str(exc.stderr) for s in _DISK_FULL):
            raise RepositoryStateError(
                f"git could not {what}: the disk is full",
                hint="free some space and run the command again; nothing was changed")
        raise RepositoryStateError(
            f"git could not {what} ({summarise_error(exc.stderr)})",
            hint="nothing was changed; check 'git status' and any git hooks, then try again")


def blob_id(raw: bytes) -> str:
    """The git blob ID of these bytes (what ``git hash-object`` prints)."""
    h = hashlib.sha1(b"blob %d\0" % len(raw), usedforsecurity=False)
    h.update(raw)
    return h.hexdigest()


def committed_blobs(repo, rels) -> dict:
    """rel -> blob ID at HEAD of these files (those HEAD holds as files). Git reads the
    trees: a folder of 100,000 cases is a tree of 100,000 entries, which GitPython would
    parse in Python (most of a second) for each file asked for."""
    if not has_head(repo) or not rels:
        return {}
    out = {}
    listed = repo.git.ls_tree("-z", "--full-tree", "HEAD", "--", *rels)
    for entry in listed.split("\0"):
        meta, _, name = entry.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob":
            out[name] = parts[2]
    return out


def committed_bytes(repo, path) -> bytes | None:
    """The file's content at HEAD, or None when HEAD does not hold it (or there is no HEAD)."""
    rel = rel_path(repo, path)
    sha = committed_blobs(repo, [rel]).get(rel)
    if sha is None:
        return None
    return repo.odb.stream(bytes.fromhex(sha)).read()


def unstage(repo, paths) -> bool:
    """Put the index back as HEAD has these paths, after a failed commit. False when git
    could not (a full disk, say): the caller decides whether that matters."""
    rels = [rel_path(repo, p) for p in paths]
    try:
        if has_head(repo):
            repo.git.reset("-q", "HEAD", "--", *rels)
        else:
            repo.git.rm("-q", "--cached", "--ignore-unmatch", "--", *rels)
    except _git().GitCommandError:
        return False
    return True


def safe_url(url: str) -> str:
    """A remote's address fit to print: a password in it (https://user:secret@host) removed."""
    return re.sub(r"(\w+://)[^/@\s]+@", r"\1", url)


def summarise_error(stderr) -> str:
    """Git's complaint in one short line, for an lpcli message.

    Only git's own 'fatal:' and 'error:' lines are quoted: anything else on git's stderr can
    be a hook's output, and a hook may print a record. GitPython wraps stderr as
    "stderr: '...'"; that wrapping is removed."""
    lines = [ln.strip().replace("stderr:", "", 1).strip(" '")
             for ln in str(stderr or "").splitlines()]
    own = [ln for ln in lines if ln.lower().startswith(("fatal:", "error:"))]
    if not own:
        return "git gave no reason of its own; a git hook may have stopped it"
    return safe_url(re.sub(r"^(fatal|error):\s*", "", own[0], flags=re.I))[:200]


@dataclass
class HistoryEntry:
    commit: str
    date: str
    author: str
    message: str


def history(repo, path: Path) -> list[HistoryEntry]:
    rel = rel_path(repo, path)
    if not has_head(repo):
        return []
    out = _run(repo, "read the history", "log", "--follow",
               "--format=%H%x1f%aI%x1f%an%x1f%s", "--", rel)
    entries = []
    for line in out.splitlines():
        parts = line.split("\x1f")
        if len(parts) == 4:
            entries.append(HistoryEntry(*parts))
    return entries


