"""lpcli edit: a case in your editor, like 'crontab -e'."""

from __future__ import annotations

import sys

import click

from lpcli.cli import output
from lpcli.cli.base import command, examples, pass_state
from lpcli.cli.options import case_argument


@examples("lpcli edit LP-4F7QK-9M2XA", "EDITOR=nano lpcli edit LP-4F7QK-9M2XA")
@command()
@case_argument()
@pass_state
def edit(state, case_id):
    """Edit a case in your editor ($VISUAL or $EDITOR), like 'crontab -e'.

    On saving, the result is validated. An invalid edit is shown with its errors and you
    can edit again or abandon it; it is never committed. A valid one is committed as
    '<CASE-ID>: edited by hand'. Closing the editor without changes changes nothing.

    During a sync that stopped on this case, the file shows your version and the shared
    one between conflict marker lines: keep what is right, delete the marker lines, save.
    The result is checked the same way and marked resolved; 'lpcli sync' then finishes.
    """
    from lpcli.casebook import drafts, records
    from lpcli.core.errors import EnvironmentProblem
    from lpcli.files.safeio import read_text_safely
    from lpcli.sync.appends import YOURS
    from lpcli.sync.pending import pending_for
    from lpcli.sync.resolve import resolve_case

    cb = state.casebook
    target = records.Target.case(cb, case_id)
    records.Session(cb, state.author)  # refuse before the editor opens, not after the work
    original, problem = read_text_safely(target.path)
    if problem is not None:
        raise EnvironmentProblem(f"{target.rel} cannot be opened: {problem.message}")
    pending = pending_for(cb)
    resolving = pending is not None and target.rel in pending.paths
    if resolving:
        click.echo(f"{target.rel} was changed here and in the shared casebook. Where the "
                   f"changes conflict, the file shows both: yours after "
                   f"'<<<<<<< {YOURS}', the shared one after '======='. Keep what is "
                   "right (or combine them), delete the three marker lines, save and close.",
                   err=True)
    tmp = drafts.draft_path(cb, f"{case_id}.yaml")
    try:
        draft = _edit_until_valid(cb, target, original, tmp, resolving)
        if draft is None:
            return
        if resolving:
            left = resolve_case(cb, case_id, draft, expected_old=original)
            click.echo(f"Resolved {target.rel}. " + (
                f"Still to resolve: {', '.join(left)}." if left else
                "Every file is resolved: run 'lpcli sync' to finish."), err=True)
            return
        written = records.replace_text(cb, target, draft, "edited by hand",
                                       expected_old=original, author=state.author)
        output.notes(written)
        click.echo(f"Saved and committed: {written.message}", err=True)
        output.share_after_change(state)
    finally:
        tmp.unlink(missing_ok=True)


def _edit_until_valid(cb, target, original: str, tmp, resolving: bool) -> str | None:
    """The editor, again and again until the draft is valid or the person gives up (None:
    nothing to save). Unchanged is the end unless it resolves a sync: the merge git made may
    already be valid once, say, practitioners.yaml was fixed."""
    from lpcli.casebook import drafts, records
    from lpcli.core.diagnostics import ERROR

    draft = original
    while True:
        drafts.write_draft(tmp, draft)
        _open_editor(tmp)
        draft = drafts.read_draft(tmp)
        # Conflict markers left in a resolution are errors like any other.
        errors = [d for d in records.validate_text(cb, target, draft) if d.severity == ERROR]
        if draft == original and (errors or not resolving):
            click.echo(f"No changes; {target.rel} still waits to be resolved." if resolving
                       else "No changes; nothing was committed.", err=True)
            return None
        if not errors:
            return draft
        click.echo(f"The edited case has {len(errors)} error(s); it was not saved:", err=True)
        for d in errors:
            click.echo(f"  {d.as_text()}", err=True)
        if not output.is_terminal() or click.prompt(
                "(e)dit again or (a)bandon?", type=click.Choice(["e", "a"]), default="e",
                err=True) == "a":
            click.echo("Edit abandoned; the case is unchanged.", err=True)
            sys.exit(1)


def _open_editor(path) -> None:
    """$VISUAL or $EDITOR on the draft; an editor that cannot start is an environment
    problem (exit 2) with what to do, not click's bare 'Editing failed'."""
    from lpcli.core.errors import EnvironmentProblem

    try:
        click.edit(filename=str(path))
    except click.ClickException:
        raise EnvironmentProblem(
            "the editor could not be started or did not finish cleanly, so nothing was saved",
            hint="set VISUAL or EDITOR to an editor that works (for example EDITOR=nano), "
                 "or change the case with lpcli's commands instead") from None
