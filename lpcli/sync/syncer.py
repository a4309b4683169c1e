"""One ``lpcli sync``: fetch, integrate the shared changes, check, push; again if someone
pushed in the meantime. Also finishing (or abandoning) a merge that stopped for a person.

The merge is worked out with ``git merge-tree`` and validated before the working tree
changes; only a merge that needs a person is left in git's own merge state (see
``lpcli.sync``). The git commands themselves are in ``lpcli.gitstore``.
"""

from __future__ import annotations

from lpcli import gitstore
from lpcli.casebook import records
from lpcli.casebook.book import Casebook
from lpcli.casebook.lock import casebook_lock
from lpcli.core.diagnostics import ERROR
from lpcli.core.errors import EnvironmentProblem, RepositoryStateError
from lpcli.files import yamlio
from lpcli.files.safeio import atomic_write
from lpcli.gitstore import merge, remote, trees
from lpcli.gitstore.command import Git
from lpcli.sync.appends import resolve_appends
from lpcli.sync.check import check_tree
from lpcli.sync.paths import case_id_of
from lpcli.sync.pending import Pending, clear_pending, read_pending, write_pending
from lpcli.sync.report import Report, count_cases

DEFAULT_REMOTE = "origin"
ATTEMPTS = 3  # fetch-merge-push rounds before giving up on a remote that keeps moving
# What integrating the shared changes leaves to do.
STOPPED, NOTHING_TO_PUSH, PUSH = "stopped", "nothing to push", "push"


class Sync:
    """One ``lpcli sync`` (or the automatic share after a change)."""

    def __init__(self, casebook: Casebook, *, author: str | None = None, prompt: bool = False):
        self.casebook = casebook
        self.session = records.Session(casebook, author)
        self.repo = self.session.repo
        self.git = Git(self.repo, self.session.env, prompt)

    # -- where to -----------------------------------------------------------------------
    def target(self) -> tuple[str, str]:
        """(remote, branch): the branch's upstream if set, else lpcli.yaml's remote (default
        origin) and a branch of the same name."""
        branch = remote.current_branch(self.repo)
        if branch is None:
            raise RepositoryStateError(
                "the casebook's git HEAD is detached (not on a branch)",
                hint="switch back to your branch, for example 'git switch main'")
        tracked = remote.upstream(self.repo, branch)
        if tracked is not None:
            return tracked
        settings = self.casebook.settings.get("sync") or {}
        name = settings.get("remote") or DEFAULT_REMOTE
        if name not in remote.remote_names(self.repo):
            raise EnvironmentProblem(
                f"this casebook has no git remote called '{name}' to sync with",
                hint="add the shared casebook once: git remote add origin URL "
                     "(a bare repository made with 'git init --bare /shared/casebook.git', "
                     "or a git server); then run 'lpcli sync'")
        return name, branch

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
            name, branch = self.target()
            return self._cycle(Report(name, branch, dry_run=dry_run), dry_run=dry_run,
                               auto=auto)

    def _cycle(self, report: Report, *, dry_run: bool, auto: bool) -> Report:
        """Fetch, integrate, check, push; again if someone pushed in the meantime."""
        tracking = f"refs/remotes/{report.remote}/{report.branch}"
        for _ in range(ATTEMPTS):
            before = self.git.rev(tracking)
            remote.fetch(self.git, report.remote)
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
            if remote.push(self.git, report.remote, report.branch, first=theirs is None):
                report.pushed = True
                if report.action == "up-to-date":
                    report.action = "pushed"
                return report
        raise EnvironmentProblem(
            f"{report.remote} kept changing while lpcli was syncing, so nothing was pushed",
            hint="run 'lpcli sync' again in a moment")

    # -- steps ----------------------------------------------------------------------------
    def _refuse_uncommitted(self) -> None:
        dirty = merge.uncommitted(self.git)
        if dirty:
            shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
            raise RepositoryStateError(
                f"the casebook has changes that are not committed ({shown}), so it was not "
                "synced",
                hint="commit them ('lpcli edit CASE' commits a case; 'git add FILE && git "
                     "commit' any other file) or discard them ('git checkout -- FILE'), "
                     "then run 'lpcli sync' again")

    def _refuse_rewritten_history(self, report: Report, before: str | None,
                                  after: str | None) -> None:
        """The shared branch no longer holds what it held: its history was rewritten, which
        is how a case is removed for good (README). Merging would bring the removed case
        back from this copy, so refuse; this copy must be replaced."""
        if before is None or before == after:
            return
        if after is not None and trees.is_ancestor(self.git, before, after):
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
        others = remote.tracking_branches(self.git, report.remote)
        if others:
            raise EnvironmentProblem(
                f"{report.remote} has no branch '{report.branch}' (it has: "
                f"{', '.join(sorted(others)[:5])})",
                hint=f"sync with one of them: git branch --set-upstream-to="
                     f"{report.remote}/{sorted(others)[0]}; or, to publish this casebook as "
                     f"a new branch there, git push -u {report.remote} {report.branch}")

    def _cases_in(self, a: str | None, b: str, changed=None) -> list[str]:
        """Case IDs of the files that differ from a to b (``changed``: those paths, if
        already listed: at 100,000 cases each listing is a twentieth of a second)."""
        paths = trees.changed(self.git, a, b) if changed is None else changed
        return sorted({cid for p in paths if (cid := case_id_of(p))})

    def _changed_by_merge(self, ours: str, theirs: str, tree: str) -> set[str]:
        """Paths where the merged tree differs from either side."""
        return set(trees.changed(self.git, ours, tree)) | set(
            trees.changed(self.git, theirs, tree))

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
            self._fast_forward(report, ours, theirs, dry_run=dry_run)
            return NOTHING_TO_PUSH
        tree, conflicts = trees.merge_tree(self.git, ours, theirs)
        texts, unresolved = self._resolve_conflicts(tree, conflicts, f"shared casebook ({label})")
        auto = {p: text for p, text in texts.items() if p not in unresolved}
        if auto:
            tree = trees.replace_in_tree(self.git, tree, auto)
        changed = self._changed_by_merge(ours, theirs, tree)
        invalid = [] if unresolved else check_tree(self.repo, tree, changed, self.casebook)
        if not unresolved and not invalid:
            report.action = "merged"
            if not dry_run:
                commit = trees.commit_tree(self.git, tree, [ours, theirs],
                                           f"sync: merged changes from {label}")
                merge.fast_forward(self.git, commit)
            return PUSH
        # A person is needed: the same part of a case changed on both sides, or a merge git
        # calls clean left a file invalid.
        report.unresolved = sorted(set(unresolved) | {d.file for d in invalid})
        report.errors += invalid
        report.action = "stopped"
        if auto:
            report.notes.append(f"kept both sides' additions to the event log of "
                                f"{count_cases(len(auto))}")
        if auto_mode:
            report.notes.append("not shared: the shared casebook has changes to the same "
                                "cases; run 'lpcli sync' to combine them")
            return STOPPED
        if dry_run:
            report.notes.append("would stop for you to resolve the files listed")
            return STOPPED
        self._start_merge(report, theirs, texts)
        return STOPPED

    def _fast_forward(self, report: Report, ours: str | None, theirs: str, *,
                      dry_run: bool) -> None:
        """Only shared changes: move forward. What others pushed is checked and reported,
        not refused: refusing would leave this copy behind for good, and the fix (lpcli
        edit) is then a normal change that sync pushes."""
        errors = check_tree(self.repo, theirs, trees.changed(self.git, ours, theirs),
                            self.casebook)
        report.errors += errors
        if errors:
            report.notes.append(f"{report.remote}/{report.branch} holds cases that are not "
                                "valid; fix them with 'lpcli edit CASE', then run 'lpcli sync'")
        if report.action == "up-to-date":
            report.action = "fast-forward"
        if not dry_run:
            merge.fast_forward(self.git, theirs)

    def _resolve_conflicts(self, tree: str, conflicts, shared: str) -> tuple[dict, list]:
        """What to put in place of git's conflicted files (appended events kept from both
        sides, other conflicts labelled in plain words), and the files left for a person."""
        texts, unresolved = {}, []
        for path in conflicts:
            merged = trees.blob_text(self.git, tree, path)
            fixed = resolve_appends(merged, shared) if merged is not None else None
            if fixed is None:
                unresolved.append(path)  # deleted on one side, or unreadable markers
                continue
            texts[path] = fixed[0]
            if fixed[1]:
                unresolved.append(path)
        return texts, unresolved

    def _merge_base(self, ours, theirs) -> str | None:
        if ours is None:
            return None
        base = trees.merge_base(self.git, ours, theirs)
        if base is None:
            raise EnvironmentProblem(
                "the remote holds a different casebook (it shares no history with this one), "
                "so nothing was synced",
                hint="check the remote's address with 'git remote -v'; to work on the shared "
                     "casebook, clone it with 'lpcli init --clone URL DIR'")
        return base

    def _start_merge(self, report: Report, theirs: str, texts: dict) -> None:
        """Leave the casebook in git's merge state for a person: files resolved on their own
        are staged, the others show two versions with plain-word labels."""
        ours_sha = self.git.rev("HEAD")
        # The note goes first: killed after it but before git starts, the note is stale and
        # dropped (read_pending); killed after git starts, lpcli still knows the merge is its
        # own and 'lpcli sync' carries on with it.
        write_pending(self.repo, Pending(report.remote, report.branch, theirs,
                                         report.unresolved))
        problem = merge.start(self.git, theirs,
                              f"sync: merged changes from {report.remote}/{report.branch}")
        if problem is not None:
            # git refused before starting (an untracked file in the way...): nothing changed.
            clear_pending(self.repo)
            raise RepositoryStateError(f"git could not start the merge ({problem})",
                                       hint="nothing was changed; see 'git status'")
        for path, text in texts.items():
            atomic_write(self.casebook.root / path, text)
        resolved = [p for p in texts if p not in report.unresolved]
        if resolved:
            merge.stage(self.git, resolved, what="mark files resolved")
        # git's own list of conflicts wins if it differs from what merge-tree predicted.
        report.unresolved = sorted(set(report.unresolved) | (
            set(merge.unmerged(self.git)) - set(resolved)))
        write_pending(self.repo, Pending(report.remote, report.branch, theirs,
                                         report.unresolved))
        report.notes.append(f"both versions are kept: yours in HEAD ({ours_sha[:8]}), the "
                            f"shared one in {report.remote}/{report.branch}")

    def _continue(self, pending: Pending, dry_run: bool) -> Report:
        """Finish a merge lpcli started, once every file it listed is resolved and valid."""
        report = Report(pending.remote, pending.branch, action="stopped", dry_run=dry_run)
        still, to_stage = self._resolved_files(pending, report)
        if still:
            report.unresolved = still
            return report
        if dry_run:
            report.notes.append("every file is resolved: would finish the merge")
            return report
        if to_stage:
            merge.stage(self.git, to_stage, what="mark the files resolved")
        self._refuse_unstaged()
        tree = merge.index_tree(self.git)
        ours = self.git.rev("HEAD")
        errors = check_tree(self.repo, tree, self._changed_by_merge(ours, pending.theirs, tree),
                            self.casebook)
        if errors:
            report.errors = errors
            report.unresolved = sorted({d.file for d in errors})
            write_pending(self.repo, Pending(pending.remote, pending.branch, pending.theirs,
                                             report.unresolved))
            return report
        merge.commit(self.git)
        clear_pending(self.repo)
        report.action = "merged"
        report.received = self._cases_in(self._merge_base(ours, pending.theirs),
                                         pending.theirs)
        report.notes.append("finished the merge: every changed file is valid")
        return report

    def _resolved_files(self, pending: Pending, report: Report) -> tuple[list, list]:
        """(files still waiting for a person, files resolved and valid to stage). Errors in
        a resolved case go into the report."""
        unmerged = set(merge.unmerged(self.git))
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
            if text is not None and (cid := case_id_of(path)):
                errors = [d for d in records.validate_text(
                    self.casebook, records.Target.case(self.casebook, cid), text)
                    if d.severity == ERROR]
                if errors:
                    report.errors += errors
                    still.append(path)
                    continue
            if path in unmerged and text is None:
                still.append(path)  # deleted on one side: a person must say which
                continue
            to_stage.append(path)
        return still, to_stage

    def _refuse_unstaged(self) -> None:
        dirty = merge.unstaged(self.git)
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
            merge.abort(self.git)
            clear_pending(self.repo)
        report.notes.append("the casebook is back as it was before the sync; your changes "
                            "are still here, not yet shared")
        return report

    def _check_outgoing(self, report: Report, theirs: str | None) -> bool:
        """Only a valid result is pushed: check every file that would be published."""
        ours = self.git.rev("HEAD")
        # From the merge base, not the remote's tip: after a real merge they are the same
        # commit; in a dry run HEAD has not moved and the base is where our changes start.
        since = None if theirs is None else self._merge_base(ours, theirs)
        changed = trees.changed(self.git, since, ours)
        report.sent = sorted(set(report.sent) | set(self._cases_in(since, ours, changed)))
        errors = check_tree(self.repo, ours, changed, self.casebook)
        if errors:
            report.errors += errors
            report.action = "stopped"
            report.notes.append("nothing was pushed: fix the files listed with 'lpcli edit "
                                "CASE' (or in an editor, then commit), and run 'lpcli sync'")
            return False
        return True
