"""lpcli sync (sharing a casebook) and lpcli hooks (validation before every commit)."""

from __future__ import annotations

import json
import sys

import click

from lpcli.cli import output
from lpcli.cli.base import command, examples, group, pass_state, subcommand
from lpcli.cli.options import FORMAT_TEXT_JSON


@examples("lpcli sync", "lpcli sync --dry-run", "lpcli sync --abort",
          "lpcli sync --format json | jq .unresolved")
@command()
@click.option("--dry-run", is_flag=True,
              help="Say what would happen; change nothing here (the remote's tracking "
                   "branches are fetched).")
@click.option("--abort", is_flag=True,
              help="Abandon a sync that stopped for conflicts: back to where you were.")
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON, default="text", show_default=True)
@pass_state
def sync(state, dry_run, abort, fmt):
    """Share changes with the other copies of the casebook through its git remote.

    Fetches the shared casebook, merges its changes with yours (history is never
    rewritten, so neither side is lost), re-validates every file that changed, and pushes
    only a valid result. When the same case was changed here and there in ways that
    conflict, or a merge leaves a case invalid, it stops with both versions kept and says
    how to resolve: 'lpcli edit CASE' for each case listed, then 'lpcli sync' again.

    The remote is the branch's upstream, else 'sync: remote:' in lpcli.yaml (default
    origin). Set 'sync: auto_push: true' there to share each change as it is made.

    Exit 0 when in step, 1 when it stopped for you or found invalid files, 2 when the
    remote cannot be reached or git is in a state where syncing is unsafe.
    """
    from lpcli.sync.report import render_text
    from lpcli.sync.syncer import Sync

    syncer = Sync(state.casebook, author=state.author, prompt=output.is_terminal())
    report = syncer.run(dry_run=dry_run, abort=abort)
    for note in syncer.session.notes:
        click.echo(f"lpcli: note: {note}", err=True)
    if fmt == "json":
        click.echo(json.dumps(report.as_json(), indent=2))
    else:
        click.echo(render_text(report))
    if not report.ok:
        sys.exit(1)


@group()
def hooks():
    """Install a git pre-commit hook that runs 'lpcli validate' before every commit."""


hooks.epilog = "Examples:\n\n\b\n  lpcli hooks install\n  lpcli hooks uninstall"


@examples("lpcli hooks install", "lpcli hooks install --force")
@subcommand(hooks, "install")
@click.option("--force", is_flag=True, help="Replace a pre-commit hook lpcli did not install.")
@pass_state
def hooks_install(state, force):
    """Install .git/hooks/pre-commit running 'lpcli validate' (for casebooks that do not use
    the pre-commit framework; those can use lpcli's .pre-commit-hooks.yaml)."""
    from lpcli.casebook import hooks as hk

    path = hk.install(state.casebook, force=force)
    click.echo(f"installed {path}: commits now run 'lpcli validate' first")


@examples("lpcli hooks uninstall")
@subcommand(hooks, "uninstall")
@pass_state
def hooks_uninstall(state):
    """Remove the pre-commit hook that 'lpcli hooks install' put there."""
    from lpcli.casebook import hooks as hk

    path = hk.uninstall(state.casebook)
    click.echo(f"removed {path}" if path else "no pre-commit hook installed")
