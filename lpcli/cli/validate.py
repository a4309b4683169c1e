"""lpcli validate."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from lpcli.cli import output
from lpcli.cli.base import command, examples, pass_state
from lpcli.cli.options import format_option


@examples("lpcli validate", "lpcli validate cases/LP-4F7QK-9M2XA.yaml",
          "lpcli validate --format json > problems.json",
          "lpcli validate --staged              # what 'git commit' would commit")
@command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--staged", is_flag=True,
              help="Check the files as staged for the next commit (git's index), not as they "
                   "are on disk; the pre-commit hook uses it.")
@format_option()
@pass_state
def validate(state, paths, fmt, staged):
    """Check case files, practitioners.yaml and lpcli.yaml.

    Reads YAML strictly (no aliases, tags, merge keys or duplicate keys), checks each file
    against its schema and the rules of the guidance across files, and reports every
    problem as FILE:LINE:COL: SEVERITY: PATH: message. Exit 0 when there are no errors
    (warnings allowed), 1 when there are, 2 on a usage or environment problem.

    With --staged it checks what 'git commit' would commit: changes not yet added with
    'git add' are left out, and files git does not track are not checked.
    """
    from lpcli.casebook.book import Casebook
    from lpcli.casebook.checker import Checker

    if staged and paths:
        raise click.UsageError("--staged checks the whole casebook as staged; give no PATHS")
    if state.casebook_path or not paths:
        cb = state.casebook
    else:
        first = Path(paths[0]).resolve()
        cb = Casebook.find(None, first if first.is_dir() else first.parent)
    if staged:
        from lpcli.casebook.staged import staged_casebook

        checked = staged_casebook(cb)
    else:
        checked = contextlib.nullcontext(cb)
    with checked as target, output.progress("Validating") as bar:
        result = Checker(target, paths).run(progress=bar)
    if fmt == "json":
        click.echo(output.diagnostics_json(result.diagnostics))
    else:
        output.print_diagnostics(result.diagnostics, result.files_checked, cb.root,
                                 output.use_color(state.color))
    sys.exit(1 if result.errors else 0)
