"""Sharing a casebook through a git remote: ``lpcli sync`` and ``lpcli init --clone``.

Git is the engine; this module makes it safe for people who are not git experts.

* Local and shared changes are combined with a **merge**, never by rewriting history, so
  neither side can be lost. (A rebase would replay each local commit in turn: three local
  changes to a case that someone else also changed would ask for three resolutions of the
  same conflict. A merge asks once per case.)
* The merged result is worked out with ``git merge-tree`` and **validated before the working
  tree changes**: a merge that git calls clean can still produce an invalid case (the same
  key added in two places of one file), and it is caught before anything is committed or
  pushed.
* A conflict, or a clean merge that is invalid, stops in git's own merge state: both
  versions are kept (yours in HEAD, the shared one in the remote-tracking branch, both in
  git's index), and each conflicted case shows both versions between marker lines labelled
  in plain words. ``lpcli edit CASE`` resolves one (validated before it is accepted), ``lpcli
  sync`` finishes the merge and pushes, ``lpcli sync --abort`` returns to where you were. A
  small note in ``.git/lpcli/`` says which cases lpcli is waiting for.
* Only a valid result is pushed.

Messages carry case IDs and file paths, never case contents; git's own error output can
quote URLs with passwords or file contents, so it is summarised, not echoed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lpcli import gitstore
from lpcli.casebook import records
from lpcli.casebook.book import Casebook, Directory
from lpcli.casebook.layout import CASES_DIR, PRACTITIONERS_FILE, SETTINGS_FILE
from lpcli.casebook.lock import casebook_lock
from lpcli.core.caseid import is_case_id
from lpcli.core.diagnostics import ERROR
from lpcli.core.errors import EnvironmentProblem, RepositoryStateError
from lpcli.files import loader, yamlio
from lpcli.files.safeio import atomic_write

DEFAULT_REMOTE = "origin"
ATTEMPTS = 3  # fetch-merge-push rounds before giving up on a remote that keeps moving
# What integrating the shared changes leaves to do.
STOPPED, NOTHING_TO_PUSH, PUSH = "stopped", "nothing to push", "push"

YOURS = "yours (this computer)"
_SYMLINK_MODE = 0o120000


# -- what happened ---------------------------------------------------------------------------

@dataclass
class Report:
    """What a sync did, or would do with ``--dry-run``. Paths and IDs only."""

    remote: str
    branch: str
    action: str = "up-to-date"  # up-to-date, pushed, fast-forward, merged, stopped, aborted
    dry_run: bool = False
    received: list = field(default_factory=list)   # case IDs changed by the shared side
    sent: list = field(default_factory=list)       # case IDs changed here, published
    unresolved: list = field(default_factory=list)  # paths waiting for a person
    errors: list = field(default_factory=list)     # Diagnostics (errors) found on the way
    pushed: bool = False
    notes: list = field(default_factory=list)      # plain sentences for the reporter

    @property
    def ok(self) -> bool:
        return not self.unresolved and not self.errors

    def as_json(self) -> dict:
        out = asdict(self)
        out["errors"] = [asdict(d) for d in self.errors]
        out["ok"] = self.ok
        return out


@dataclass
class Pending:
    """lpcli's note about a merge it started and is waiting to finish."""

    remote: str
    branch: str
    theirs: str                 # the shared commit being merged in
    paths: list                 # files that need a person: conflicts, invalid merges


def _case_id_of(path: str) -> str | None:
    if _case_file(path):
        stem = path[len(CASES_DIR) + 1:-len(".yaml")]
        return stem if is_case_id(stem) else None
    return None


# -- conflicted files --------------------------------------------------------------------------

_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
EVENTS_KEY = "events"


@dataclass
class _Hunk:
    ours: list
    base: list
    theirs: list


def _parse_diff3(text: str) -> list | None:
    """A file git merged in diff3 style, as plain lines and conflict hunks; None if the
    markers are not as git writes them."""
    out, lines, i = [], text.splitlines(keepends=True), 0
    while i < len(lines):
        if not lines[i].startswith("<<<<<<<"):
            out.append(lines[i])
            i += 1
            continue
        hunk, part, i = _Hunk([], [], []), "ours", i + 1
        while i < len(lines):
            bare = lines[i].rstrip("\r\n")
            if part == "ours" and bare.startswith("|||||||"):
                part = "base"
            elif part in ("ours", "base") and bare == "=======":
                part = "theirs"
            elif part == "theirs" and bare.startswith(">>>>>>>"):
                break
            else:
                getattr(hunk, part).append(lines[i])
            i += 1
        else:
            return None  # an unterminated conflict: leave the file to a person
        out.append(hunk)
        i += 1
    return out


def _only_nested(lines) -> bool:
    """No line starts a new top-level key (it is all list items, indented text, comments)."""
    return not any(_TOP_KEY.match(ln) for ln in lines)


def resolve_appends(text: str, shared_label: str) -> tuple[str, int] | None:
    """Keep both sides where each only appended entries to the case's ``events`` log at the
    same place — every lpcli change appends one, so two unrelated changes to one case would
    otherwise always conflict there. The log is append-only history, so keeping both (ours,
    then theirs) loses nothing and invents nothing. Every other conflict stays for a person,
    shown as two versions with plain-word labels. Returns (text, conflicts left), or None
    when the file's markers cannot be read."""
    parts = _parse_diff3(text)
    if parts is None:
        return None
    out, left, section = [], 0, None
    for part in parts:
        if isinstance(part, str):
            if _TOP_KEY.match(part):
                section = part.split(":", 1)[0].strip()
            out.append(part)
            continue
        if section == EVENTS_KEY and not part.base and _only_nested(part.ours) \
                and _only_nested(part.theirs):
            out += part.ours + part.theirs
            continue
        left += 1
        out.append(f"<<<<<<< {YOURS}\n")
        out += part.ours
        out.append("=======\n")
        out += part.theirs
        out.append(f">>>>>>> {shared_label}\n")
    return "".join(out), left


# -- git plumbing ----------------------------------------------------------------------------

class _Git:
    """Git commands for one repository, with lpcli's error handling and environment."""

    def __init__(self, repo, env: dict | None = None, prompt: bool = False):
        self.repo = repo
        self.env = dict(env or {})
        if not prompt:
            # From cron or a script there is nobody to type a password: fail, do not hang.
            self.env["GIT_TERMINAL_PROMPT"] = "0"
            self.env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")

    def run(self, *args, check: bool = True, what: str | None = None, env: dict | None = None,
            data: bytes | None = None) -> tuple[int, str, str]:
        proc = subprocess.run(["git", *args], cwd=self.repo.working_tree_dir, input=data,
                              capture_output=True, env={**os.environ, **self.env, **(env or {})})
        status = proc.returncode
        out = proc.stdout.decode("utf-8", errors="replace")
        err = proc.stderr.decode("utf-8", errors="replace")
        if check and status != 0:
            raise RepositoryStateError(
                f"git could not {what or args[0]} ({gitstore.summarise_error(err)})",
                hint="nothing was changed; check the remote's address with 'git remote -v' "
                     "and your network, then run 'lpcli sync' again")
        return status, out, err

    def out(self, *args, what: str | None = None, env: dict | None = None) -> str:
        return self.run(*args, what=what, env=env)[1]

    def rev(self, ref: str) -> str | None:
        status, out, _ = self.run("rev-parse", "--verify", "-q", f"{ref}^{{commit}}",
                                  check=False)
        return out.strip() if status == 0 else None

    def names(self, *args) -> list[str]:
        return [p for p in self.out(*args).split("\0") if p]

    def changed(self, a: str | None, b: str) -> list[str]:
        """Paths that differ between two commits or trees (all of b's when a is None)."""
        if a is None:
            return self.names("ls-tree", "-r", "-z", "--name-only", b)
        return self.names("diff", "--name-only", "-z", "--no-renames", a, b)


# -- the pending note ------------------------------------------------------------------------

def _pending_path(repo) -> Path:
    return Path(repo.git_dir) / gitstore.SYNC_PENDING


def read_pending(repo) -> Pending | None:
    """lpcli's note of a merge waiting for a person, if git is still mid-merge."""
    path = _pending_path(repo)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pending = Pending(data["remote"], data["branch"], data["theirs"], list(data["paths"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not (Path(repo.git_dir) / "MERGE_HEAD").exists():
        # The merge was finished or abandoned with git itself: the note is stale.
        path.unlink(missing_ok=True)
        return None
    return pending


def pending_for(casebook: Casebook) -> Pending | None:
    """The unfinished sync of this casebook, if any (for ``lpcli edit`` and error hints)."""
    gd = _git_dir(casebook)
    if gd is None or not (gd / "MERGE_HEAD").exists() or not (gd / gitstore.SYNC_PENDING).exists():
        return None
    return read_pending(gitstore.open_repo(casebook.root))


def _git_dir(casebook: Casebook) -> Path | None:
    return gitstore.git_dir(casebook.root)


def _write_pending(repo, pending: Pending) -> None:
    path = _pending_path(repo)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    atomic_write(path, json.dumps(asdict(pending), indent=2) + "\n")


def _clear_pending(repo) -> None:
    _pending_path(repo).unlink(missing_ok=True)


# -- validation of trees that are not on disk ------------------------------------------------

def check_tree(repo, tree_sha: str, paths) -> list:
    """Errors in the casebook files among ``paths`` as they stand in a commit or tree.

    When practitioners.yaml or lpcli.yaml is among them every case is checked, because a
    case's validity depends on the directory (a practitioner removed on one side, named in
    a case on the other).
    """
    from lpcli.casebook.cache import diags_from_json
    from lpcli.casebook.checker import check, check_loaded
    from lpcli.casebook.scan import analyse
    from lpcli.core.diagnostics import Diagnostic
    from lpcli.files import yamlio

    # path → (mode, object id) for every file in the tree
    entries = {}
    listing = repo.git.execute(["git", "ls-tree", "-r", "-z", "--full-tree", tree_sha],
                               strip_newline_in_stdout=False)
    for item in listing.split("\0"):
        if item:
            meta, path = item.split("\t", 1)
            mode, _, sha = meta.split(" ")
            entries[path] = (int(mode, 8), sha)

    def raw(path) -> bytes:
        return repo.odb.stream(bytes.fromhex(entries[path][1])).read()

    def load(path):
        text, problem = yamlio.decode(raw(path))
        if problem is not None:
            return yamlio.Loaded(problems=[problem], fatal=True)
        return loader.load(text)

    directory = None
    practitioners = load(PRACTITIONERS_FILE) if PRACTITIONERS_FILE in entries else None
    if practitioners is not None:
        admitted = check(PRACTITIONERS_FILE, "practitioners", practitioners).data
        if admitted is not None:
            directory = Directory(admitted.get("practitioners") or [])
    paths = set(paths)
    if paths & {PRACTITIONERS_FILE, SETTINGS_FILE}:
        paths |= {p for p in entries if _case_file(p)}
    out = []
    for path in sorted(p for p in paths if p in entries):  # not there: deleted on this side
        if path == PRACTITIONERS_FILE:
            out += check_loaded(path, "practitioners", practitioners, directory)
        elif path == SETTINGS_FILE:
            out += check_loaded(path, "settings", load(path), directory)
        elif _case_file(path):
            if entries[path][0] == _SYMLINK_MODE:
                out.append(Diagnostic(path, 1, 1, ".", ERROR, "symlink",
                                      "is a symbolic link; lpcli reads only regular files"))
                continue
            out += diags_from_json(analyse(path, raw(path), directory)[1])
    return [d for d in out if d.severity == ERROR]


def _case_file(path: str) -> bool:
    return path.startswith(f"{CASES_DIR}/") and path.endswith(".yaml") and path.count("/") == 1


# -- the sync --------------------------------------------------------------------------------

class Sync:
    """One ``lpcli sync`` (or the automatic share after a change)."""

    def __init__(self, casebook: Casebook, *, author: str | None = None, prompt: bool = False):
        self.casebook = casebook
        self.session = records.Session(casebook, author)
        self.repo = self.session.repo
        self.git = _Git(self.repo, self.session.env, prompt)

    # -- where to -----------------------------------------------------------------------
    def target(self) -> tuple[str, str]:
        """(remote, branch): the branch's upstream if set, else lpcli.yaml's remote (default
        origin) and a branch of the same name."""
        if self.repo.head.is_detached:
            raise RepositoryStateError(
                "the casebook's git HEAD is detached (not on a branch)",
                hint="switch back to your branch, for example 'git switch main'")
        branch = self.repo.active_branch.name
        reader = self.repo.config_reader()
        remote = reader.get_value(f'branch "{branch}"', "remote", default="") or ""
        merge = reader.get_value(f'branch "{branch}"', "merge", default="") or ""
        if remote and remote != "." and merge.startswith("refs/heads/"):
            return remote, merge[len("refs/heads/"):]
        settings = self.casebook.settings.get("sync") or {}
        remote = settings.get("remote") or DEFAULT_REMOTE
        if remote not in [r.name for r in self.repo.remotes]:
            raise EnvironmentProblem(
                f"this casebook has no git remote called '{remote}' to sync with",
                hint="add the shared casebook once: git remote add origin URL "
                     "(a bare repository made with 'git init --bare /shared/casebook.git', "
                     "or a git server); then run 'lpcli sync'")
        return remote, branch

    # -- entry points -------------------------------------------------------------------
    def run(self, *, dry_run: bool = False, abort: bool = False, auto: bool = False) -> Report:
        with casebook_lock(self.repo):
            records.prepare(self.casebook, self.session)
            pending = read_pending(self.repo)
            if abort:
                return self._abort(pending, dry_run)
            if pending is not None:
                report = self._continue(pending, dry_run)
                if not report.ok or dry_run:
                    return report
                return self._cycle(report, dry_run=False, auto=auto)
            gitstore.check_writable(self.repo)
            self._refuse_uncommitted()
            remote, branch = self.target()
            return self._cycle(Report(remote, branch, dry_run=dry_run), dry_run=dry_run,
                               auto=auto)

    def _cycle(self, report: Report, *, dry_run: bool, auto: bool) -> Report:
        """Fetch, integrate, check, push; again if someone pushed in the meantime."""
        tracking = f"refs/remotes/{report.remote}/{report.branch}"
        for _ in range(ATTEMPTS):
            before = self.git.rev(tracking)
            self._fetch(report.remote)
            theirs = self.git.rev(tracking)
            self._refuse_rewritten_history(report, before, theirs)
            if theirs is None:
                self._refuse_other_branches(report)
            outcome = self._integrate(report, theirs, dry_run=dry_run, auto_mode=auto)
            if outcome != PUSH or not self._check_outgoing(report, theirs):
                return report
            if dry_run:
                report.notes.append(f"would push to {report.remote}/{report.branch}")
                return report
            if self._push(report, first=theirs is None):
                report.pushed = True
                if report.action == "up-to-date":
                    report.action = "pushed"
                return report
        raise EnvironmentProblem(
            f"{report.remote} kept changing while lpcli was syncing, so nothing was pushed",
            hint="run 'lpcli sync' again in a moment")

    # -- steps ----------------------------------------------------------------------------
    def _refuse_uncommitted(self) -> None:
        dirty = [ln[3:] for ln in self.git.out(
            "status", "--porcelain", "--untracked-files=no").splitlines() if ln.strip()]
        if dirty:
            shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
            raise RepositoryStateError(
                f"the casebook has changes that are not committed ({shown}), so it was not "
                "synced",
                hint="commit them ('lpcli edit CASE' commits a case; 'git add FILE && git "
                     "commit' any other file) or discard them ('git checkout -- FILE'), "
                     "then run 'lpcli sync' again")

    def _fetch(self, remote: str) -> None:
        self.git.run("fetch", "--quiet", "--prune", remote, what=f"fetch from {remote}")

    def _refuse_rewritten_history(self, report: Report, before: str | None,
                                  after: str | None) -> None:
        """The shared branch no longer holds what it held: its history was rewritten, which
        is how a case is removed for good (README). Merging would bring the removed case
        back from this copy, so refuse; this copy must be replaced."""
        if before is None or before == after:
            return
        if after is not None and self.git.run("merge-base", "--is-ancestor", before, after,
                                              check=False)[0] == 0:
            return
        raise EnvironmentProblem(
            f"the history of {report.remote}/{report.branch} was rewritten (a case removed "
            "for good, perhaps), so this copy was not synced: it would bring back what was "
            "removed",
            hint="share any change of yours that is not there yet with whoever rewrote it, "
                 "then replace this copy: move this folder away and run 'lpcli init --clone "
                 "URL DIR' (see README, Removing a case for good)")

    def _refuse_other_branches(self, report: Report) -> None:
        """An empty remote is fine (the first push creates the branch); a remote whose
        casebook lives on another branch would otherwise silently split in two."""
        prefix = f"refs/remotes/{report.remote}/"
        others = [r[len(prefix):] for r in self.git.out(
            "for-each-ref", "--format=%(refname)", prefix).split() if not r.endswith("/HEAD")]
        if others:
            raise EnvironmentProblem(
                f"{report.remote} has no branch '{report.branch}' (it has: "
                f"{', '.join(sorted(others)[:5])})",
                hint=f"sync with one of them: git branch --set-upstream-to="
                     f"{report.remote}/{sorted(others)[0]}; or, to publish this casebook as "
                     f"a new branch there, git push -u {report.remote} {report.branch}")

    def _cases_in(self, a: str | None, b: str) -> list[str]:
        return sorted({cid for p in self.git.changed(a, b) if (cid := _case_id_of(p))})

    def _integrate(self, report: Report, theirs: str | None, *, dry_run: bool,
                   auto_mode: bool) -> str:
        """Bring the shared changes in; say what is left to do."""
        ours = self.git.rev("HEAD")
        if ours == theirs:
            return NOTHING_TO_PUSH
        if theirs is None:
            return PUSH  # an empty remote: the first push creates the branch
        base = self._merge_base(ours, theirs)
        if base == theirs:
            return PUSH  # only local changes: nothing to bring in
        label = f"{report.remote}/{report.branch}"
        report.received = sorted(set(report.received) | set(self._cases_in(base, theirs)))
        if base == ours or ours is None:
            # Only shared changes: move forward. What others pushed is checked and reported,
            # not refused: refusing would leave this copy behind for good, and the fix
            # (lpcli edit) is then a normal change that sync pushes.
            errors = check_tree(self.repo, theirs, self.git.changed(ours, theirs))
            report.errors += errors
            if errors:
                report.notes.append(f"{label} holds cases that are not valid; fix them with "
                                    "'lpcli edit CASE', then run 'lpcli sync'")
            if report.action == "up-to-date":
                report.action = "fast-forward"
            if not dry_run:
                self.git.run("merge", "--ff-only", "--quiet", theirs, what="update the casebook")
            return NOTHING_TO_PUSH
        tree, conflicts = self._merge_tree(ours, theirs)
        shared = f"shared casebook ({label})"
        texts, unresolved = {}, []  # what to put in place of git's conflicted files
        for path in conflicts:
            merged = self._blob_text(tree, path)
            fixed = resolve_appends(merged, shared) if merged is not None else None
            if fixed is None:
                unresolved.append(path)  # deleted on one side, or unreadable markers
                continue
            texts[path] = fixed[0]
            if fixed[1]:
                unresolved.append(path)
        auto = {p: text for p, text in texts.items() if p not in unresolved}
        if auto:
            tree = self._replace_in_tree(tree, auto)
        changed = set(self.git.changed(ours, tree)) | set(self.git.changed(theirs, tree))
        invalid = [] if unresolved else check_tree(self.repo, tree, changed)
        if not unresolved and not invalid:
            report.action = "merged"
            if not dry_run:
                message = f"sync: merged changes from {label}"
                commit = self.git.out("commit-tree", tree, "-p", ours, "-p", theirs, "-m",
                                      message, what="record the merge").strip()
                self.git.run("merge", "--ff-only", "--quiet", commit, what="update the casebook")
            return PUSH
        # A person is needed: the same part of a case changed on both sides, or a merge git
        # calls clean left a file invalid.
        report.unresolved = sorted(set(unresolved) | {d.file for d in invalid})
        report.errors += invalid
        report.action = "stopped"
        if auto:
            report.notes.append(f"kept both sides' additions to the event log of "
                                f"{_cases(len(auto))}")
        if auto_mode:
            report.notes.append("not shared: the shared casebook has changes to the same "
                                "cases; run 'lpcli sync' to combine them")
            return STOPPED
        if dry_run:
            report.notes.append("would stop for you to resolve the files listed")
            return STOPPED
        self._start_merge(report, theirs, texts)
        return STOPPED

    def _blob_text(self, tree: str, path: str) -> str | None:
        status, out, _ = self.git.run("cat-file", "blob", f"{tree}:{path}", check=False)
        return out if status == 0 else None

    def _replace_in_tree(self, tree: str, texts: dict) -> str:
        """``tree`` with some files' contents replaced, built in a private temporary index
        so that neither the casebook's index nor its files are touched."""
        index = Path(self.repo.git_dir) / "lpcli" / f"sync-index-{os.getpid()}"
        index.parent.mkdir(mode=0o700, exist_ok=True)
        env = {"GIT_INDEX_FILE": str(index)}
        what = "prepare the merge"
        try:
            self.git.run("read-tree", tree, env=env, what=what)
            for path, text in texts.items():
                _, sha, _ = self.git.run("hash-object", "-w", "--stdin", f"--path={path}",
                                         env=env, data=text.encode("utf-8"), what=what)
                self.git.run("update-index", "--cacheinfo", f"100644,{sha.strip()},{path}",
                             env=env, what=what)
            return self.git.out("write-tree", env=env, what=what).strip()
        finally:
            index.unlink(missing_ok=True)

    def _merge_base(self, ours, theirs) -> str | None:
        if ours is None:
            return None
        status, out, _ = self.git.run("merge-base", ours, theirs, check=False)
        if status == 1:
            raise EnvironmentProblem(
                "the remote holds a different casebook (it shares no history with this one), "
                "so nothing was synced",
                hint="check the remote's address with 'git remote -v'; to work on the shared "
                     "casebook, clone it with 'lpcli init --clone URL DIR'")
        if status != 0:
            raise RepositoryStateError("git could not compare this casebook with the remote")
        return out.strip()

    def _merge_tree(self, ours, theirs) -> tuple[str, list[str]]:
        """The merged tree, worked out without touching the casebook, and its conflicts."""
        status, out, err = self.git.run(
            # diff3: a hunk whose base part is empty is one where both sides only added
            # lines, which resolve_appends can recognise.
            "-c", "merge.conflictStyle=diff3", "merge-tree", "--write-tree", "-z",
            "--name-only", ours, theirs, check=False)
        if status not in (0, 1):
            raise RepositoryStateError(
                f"git could not work out the merge ({gitstore.summarise_error(err)})",
                hint="nothing was changed; git 2.38 or newer is needed for 'lpcli sync'")
        parts = out.split("\0")
        conflicts = []
        for name in parts[1:]:
            if not name:
                break
            conflicts.append(name)
        return parts[0].strip(), sorted(set(conflicts)) if status == 1 else []

    def _start_merge(self, report: Report, theirs: str, texts: dict) -> None:
        """Leave the casebook in git's merge state for a person: files resolved on their own
        are staged, the others show two versions with plain-word labels."""
        ours_sha = self.git.rev("HEAD")
        # The note goes first: killed after it but before git starts, the note is stale and
        # dropped (read_pending); killed after git starts, lpcli still knows the merge is its
        # own and 'lpcli sync' carries on with it.
        _write_pending(self.repo, Pending(report.remote, report.branch, theirs,
                                          report.unresolved))
        _, _, err = self.git.run(
            "merge", "--no-ff", "--no-commit", "--quiet",
            "-m", f"sync: merged changes from {report.remote}/{report.branch}", theirs,
            check=False)
        if not (Path(self.repo.git_dir) / "MERGE_HEAD").exists():
            # git refused before starting (an untracked file in the way...): nothing changed.
            _clear_pending(self.repo)
            raise RepositoryStateError(
                f"git could not start the merge ({gitstore.summarise_error(err)})",
                hint="nothing was changed; see 'git status'")
        for path, text in texts.items():
            atomic_write(self.casebook.root / path, text)
        resolved = [p for p in texts if p not in report.unresolved]
        if resolved:
            self.git.run("add", "--", *resolved, what="mark files resolved")
        # git's own list of conflicts wins if it differs from what merge-tree predicted.
        report.unresolved = sorted(set(report.unresolved) | (set(
            self.git.names("diff", "--name-only", "-z", "--diff-filter=U")) - set(resolved)))
        _write_pending(self.repo, Pending(report.remote, report.branch, theirs,
                                          report.unresolved))
        report.notes.append(f"both versions are kept: yours in HEAD ({ours_sha[:8]}), the "
                            f"shared one in {report.remote}/{report.branch}")

    def _continue(self, pending: Pending, dry_run: bool) -> Report:
        """Finish a merge lpcli started, once every file it listed is resolved and valid."""
        report = Report(pending.remote, pending.branch, action="stopped", dry_run=dry_run)
        unmerged = set(self.git.names("diff", "--name-only", "-z", "--diff-filter=U"))
        still, to_stage = [], []
        for path in sorted(set(pending.paths) | unmerged):
            full = self.casebook.root / path
            text = None
            try:
                text = full.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                pass
            if text is not None and yamlio.conflict_markers(text) is not None:
                still.append(path)
                continue
            if text is not None and (cid := _case_id_of(path)):
                errors = [d for d in records.validate_text(self.casebook, records.Target.case(self.casebook, cid), text)
                          if d.severity == ERROR]
                if errors:
                    report.errors += errors
                    still.append(path)
                    continue
            if path in unmerged and text is None:
                still.append(path)  # deleted on one side: a person must say which
                continue
            to_stage.append(path)
        if still:
            report.unresolved = still
            return report
        if dry_run:
            report.notes.append("every file is resolved: would finish the merge")
            return report
        if to_stage:
            self.git.run("add", "--", *to_stage, what="mark the files resolved")
        self._refuse_unstaged()
        tree = self.git.out("write-tree", what="record the merge").strip()
        ours = self.git.rev("HEAD")
        changed = set(self.git.changed(ours, tree)) | set(self.git.changed(pending.theirs, tree))
        errors = check_tree(self.repo, tree, changed)
        if errors:
            report.errors = errors
            report.unresolved = sorted({d.file for d in errors})
            _write_pending(self.repo, Pending(pending.remote, pending.branch, pending.theirs,
                                              report.unresolved))
            return report
        self.git.run("commit", "--no-edit", "--quiet", what="record the merge")
        _clear_pending(self.repo)
        report.action = "merged"
        report.received = self._cases_in(self._merge_base(ours, pending.theirs),
                                          pending.theirs)
        report.notes.append("finished the merge: every changed file is valid")
        return report

    def _refuse_unstaged(self) -> None:
        dirty = self.git.names("diff", "--name-only", "-z")
        if dirty:
            raise RepositoryStateError(
                f"files changed during the sync that are not part of it: {', '.join(dirty[:5])}",
                hint="discard those changes ('git checkout -- FILE') or finish the sync "
                     "first, then run 'lpcli sync' again")

    def _abort(self, pending: Pending | None, dry_run: bool) -> Report:
        if pending is None:
            raise EnvironmentProblem("there is no unfinished sync to abandon",
                                     hint="'lpcli sync --dry-run' shows what a sync would do")
        report = Report(pending.remote, pending.branch, action="aborted", dry_run=dry_run)
        if not dry_run:
            self.git.run("merge", "--abort", what="abandon the merge")
            _clear_pending(self.repo)
        report.notes.append("the casebook is back as it was before the sync; your changes "
                            "are still here, not yet shared")
        return report

    def _check_outgoing(self, report: Report, theirs: str | None) -> bool:
        """Only a valid result is pushed: check every file that would be published."""
        ours = self.git.rev("HEAD")
        # From the merge base, not the remote's tip: after a real merge they are the same
        # commit; in a dry run HEAD has not moved and the base is where our changes start.
        since = None if theirs is None else self._merge_base(ours, theirs)
        changed = self.git.changed(since, ours)
        report.sent = sorted(set(report.sent) | set(self._cases_in(since, ours)))
        errors = check_tree(self.repo, ours, changed)
        if errors:
            report.errors += errors
            report.action = "stopped"
            report.notes.append("nothing was pushed: fix the files listed with 'lpcli edit "
                                "CASE' (or in an editor, then commit), and run 'lpcli sync'")
            return False
        return True

    def _push(self, report: Report, first: bool) -> bool:
        args = ["push", "--quiet", "--porcelain"]
        if first:
            args.append("--set-upstream")
        status, out, err = self.git.run(*args, report.remote,
                                        f"HEAD:refs/heads/{report.branch}", check=False)
        if status == 0:
            return True
        text = (out + "\n" + err).lower()
        if "[rejected]" in text or "non-fast-forward" in text or "fetch first" in text:
            return False  # someone pushed in between: fetch and merge again
        raise RepositoryStateError(
            f"git could not push to {report.remote} ({gitstore.summarise_error(err)})",
            hint="your changes are committed here and were not shared; check the remote "
                 "with 'git remote -v' and run 'lpcli sync' again")


# -- resolving one case during an unfinished sync (lpcli edit) ---------------------------------

def resolve_case(casebook: Casebook, case_id: str, text: str, *, expected_old: str) -> list:
    """Accept a resolved case during an unfinished sync: write it and mark it resolved in
    git's index (no commit: ``lpcli sync`` makes the merge commit). Returns the paths still
    waiting."""
    rel = f"{CASES_DIR}/{case_id}.yaml"
    session = records.Session(casebook)
    repo = session.repo
    with casebook_lock(repo):
        records.prepare(casebook, session)
        pending = read_pending(repo)
        if pending is None or rel not in pending.paths:
            raise RepositoryStateError(f"{rel} is not waiting to be resolved",
                                       hint="run 'lpcli sync' to see the state of the sync")
        path = casebook.case_path(case_id)
        if path.read_text(encoding="utf-8") != expected_old:
            raise RepositoryStateError(f"{rel} changed while you were editing it",
                                       hint=f"run 'lpcli edit {case_id}' again")
        # Marker lines left are errors too: the strict loader reports them.
        records.refuse_if_invalid(casebook, records.Target.case(casebook, case_id), text)
        atomic_write(path, text)
        _Git(repo).run("add", "--", rel, what="mark the case resolved")
        pending.paths = [p for p in pending.paths if p != rel]
        _write_pending(repo, pending)
        return pending.paths


# -- automatic sharing after a change --------------------------------------------------------

def auto_push_enabled(casebook: Casebook) -> bool:
    return bool((casebook.settings.get("sync") or {}).get("auto_push"))


def share_after_change(casebook: Casebook, author: str | None = None) -> str:
    """With ``sync: {auto_push: true}``: push the change just committed. Never starts a merge
    that needs a person, and never fails the command that made the change: the answer is a
    sentence for stderr."""
    try:
        report = Sync(casebook, author=author).run(auto=True)
    except EnvironmentProblem as exc:
        return f"committed here but not shared: {exc.message}; run 'lpcli sync' later"
    if report.pushed:
        return f"shared with {report.remote}/{report.branch}"
    if not report.ok:
        return ("committed here but not shared: " + (report.notes[-1] if report.notes else
                "run 'lpcli sync'"))
    return f"already shared with {report.remote}/{report.branch}"


# -- a practitioner's copy -------------------------------------------------------------------

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
    args = ["git", "clone", "--quiet", "--no-hardlinks"]
    for key, value in gitstore.PROTECTIVE_CONFIG.items():
        args += ["-c", f"{key}={value}"]
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
    proc = subprocess.run([*args, "--", url, str(directory)], capture_output=True, text=True,
                          env=env)
    try:
        if proc.returncode != 0:
            raise EnvironmentProblem(
                f"could not clone {gitstore.safe_url(url)} "
                f"({gitstore.summarise_error(proc.stderr)})",
                hint="check the address (a path to a bare repository, or a git server URL) "
                     "and that you can reach it")
        _check_out_only_branch(directory)
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


def _check_out_only_branch(directory: Path) -> None:
    """A bare repository whose HEAD names a branch that was never pushed (git init --bare
    says 'master', the casebook pushed 'main') clones with nothing checked out: if the
    remote has exactly one branch, use it."""
    repo = gitstore.open_repo(directory)
    if gitstore.has_head(repo):
        return
    branches = [r.remote_head for r in repo.remotes.origin.refs if r.remote_head != "HEAD"]
    if len(branches) == 1:
        repo.git.checkout("-q", "-b", branches[0], "--track", f"origin/{branches[0]}")


# -- reporting ---------------------------------------------------------------------------------

def _ids(items, limit: int = 8) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _cases(n: int) -> str:
    return f"{n} case{'s' if n != 1 else ''}"


def render_text(r: Report) -> str:
    """What happened, for a person or a cron mail: IDs and paths, never contents."""
    where = f"{r.remote}/{r.branch}"
    out = []
    if r.dry_run:
        out.append(f"Dry run: nothing here was changed (only {r.remote}'s tracking "
                   "branches were fetched).")
    if r.action == "aborted":
        out.append(f"Sync abandoned: {r.notes[-1]}.")
        return "\n".join(out)
    if r.received:
        verb = "would bring in" if r.dry_run else "brought in"
        out.append(f"From {where}: {verb} changes to {_cases(len(r.received))} "
                   f"({_ids(r.received)}).")
    if r.action == "merged":
        out.append(("Would merge" if r.dry_run else "Merged") + " them with your changes "
                   "here; every changed file is valid.")
    if r.pushed:
        out.append(f"To {where}: pushed changes to {_cases(len(r.sent))}"
                   + (f" ({_ids(r.sent)})." if r.sent else "."))
    elif r.sent and r.ok:
        out.append(f"To {where}: would push changes to {_cases(len(r.sent))} "
                   f"({_ids(r.sent)}).")
    if r.ok and not (r.received or r.sent or r.pushed or r.action == "merged"):
        out.append(f"Already up to date with {where}.")
    for d in r.errors:
        out.append(f"  {d.as_text()}")
    if r.unresolved:
        n = len(r.unresolved)
        verb = "would stop" if r.dry_run else "stopped"
        out.append(f"Sync {verb}: {n} file{'s' if n != 1 else ''} changed here and in "
                   f"{where} need{'s' if n == 1 else ''} you:")
        out += [f"  {p}" for p in r.unresolved]
        if not r.dry_run:
            out.append(f"Both versions are kept (yours in HEAD, the shared one in {where}); a "
                       f"file changed in conflicting ways shows both, between "
                       f"'<<<<<<< {YOURS}' and '>>>>>>>' lines.")
            out.append("To resolve:")
            for p in r.unresolved:
                cid = _case_id_of(p)
                out.append(f"  lpcli edit {cid}" if cid else
                           f"  edit {p} in an editor (keep the right version, delete the "
                           "marker lines)")
            out.append("  lpcli sync                      # finishes the merge and pushes")
            out.append("To go back to where you were instead: lpcli sync --abort")
    elif not r.ok:
        out += [f"{n[0].upper()}{n[1:]}." for n in r.notes[-1:]]
    return "\n".join(out)
