"""lpcli init (a new casebook, or your copy of a shared one) and lpcli demo."""

from __future__ import annotations

from pathlib import Path

import click

from lpcli.cli import output
from lpcli.cli.base import command, examples, pass_state

DEMO_AUTHOR = "lpcli demo <demo@example.invalid>"
DEMO_DATE = "2026-11-20"   # the date the example casebook is written against
DEMO_CASE = "LP-4F7QK-9M2XA"


@examples("lpcli init ~/casebook --agency 'Riverside Family Hub'", "cd ~/casebook && lpcli validate",
          "lpcli init --clone /mnt/shared/casebook.git ~/casebook",
          "lpcli init --clone ssh://git.example.org/family-hub/casebook.git")
@command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--agency", help="Name of your agency (printed on documents).")
@click.option("--clone", "clone_url", metavar="URL",
              help="Make your own copy of a shared casebook (a bare repository on a shared "
                   "drive, or a git server) instead of a new one.")
@pass_state
def init(state, directory, agency, clone_url):
    """Create a new casebook in DIRECTORY (default: the current folder), or copy a shared one.

    Makes a git repository with lpcli.yaml, an empty practitioners.yaml and a cases/
    folder, sets git options that protect the data, and commits them.

    With --clone URL, DIRECTORY (default: named after the URL) becomes your own copy of the
    shared casebook, with the same protective git options; 'lpcli sync' then shares changes
    both ways.
    """
    from lpcli import gitstore
    from lpcli.casebook import scaffold

    if clone_url:
        _init_clone(clone_url, directory, agency)
        return
    directory = directory or Path(".")
    if not agency:
        if output.is_terminal():
            agency = click.prompt("Agency name")
        else:
            raise click.UsageError("--agency is required when not run in a terminal")
    env = gitstore.identity_for_new_repo(directory, state.author)
    path = scaffold.init_casebook(directory, agency, env)
    click.echo(f"Created an lpcli casebook in {path}")
    click.echo("Next: add your practitioners ('lpcli practitioner add ID --name ...', or "
               "'lpcli practitioner import staff.csv'), then open a case: 'lpcli new --name "
               "... --dob ...'")


def _init_clone(url, directory, agency) -> None:
    from lpcli import gitstore
    from lpcli.casebook.book import Casebook
    from lpcli.casebook.checker import Checker
    from lpcli.core.diagnostics import ERROR, count
    from lpcli.sync.clone import clone

    if agency:
        raise click.UsageError("--agency comes from the shared casebook; leave it out with --clone")
    path = clone(url, directory)
    from lpcli.casebook.setupfiles import documents_folder

    documents_folder(path)  # rendered documents' place, ignored by git, never shared
    cb = Casebook(path)
    result = Checker(cb).run()
    click.echo(f"Cloned the casebook from {gitstore.safe_url(url)} into {path}: "
               f"{len(cb.case_ids())} cases.")
    errors = count(result.diagnostics, ERROR)
    if errors:
        click.echo(f"lpcli: warning: it has {errors} validation error(s); run "
                   f"'lpcli -C {path} validate' to see them", err=True)
    click.echo(f"Next: cd {path}; changes you make are committed there, and 'lpcli sync' "
               "shares them with the others.")


@examples("lpcli demo ~/lpcli-demo", "cd ~/lpcli-demo && lpcli list")
@command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@pass_state
def demo(state, directory):
    """Copy the example casebook into a new git casebook at DIRECTORY and try lpcli on it.

    Runs validate and list on the example (written against 2026-11-20, see its README)
    and writes one family plan as HTML into DIRECTORY/documents/ (ignored by git), printing
    real output. The copy is yours to experiment with.
    """
    from lpcli import gitstore
    from lpcli.casebook import scaffold
    from lpcli.casebook.book import Casebook
    from lpcli.casebook.checker import Checker
    from lpcli.cli.cases import list_text
    from lpcli.core import dates
    from lpcli.documents import render as rd
    from lpcli.reports import listing

    env = gitstore.identity_for_new_repo(directory, state.author, fallback=DEMO_AUTHOR)
    path = scaffold.copy_example(directory, env)
    if env.get("GIT_COMMITTER_NAME") and not state.author:
        # No git identity on this machine: give the demo repository its own, so that the
        # commands suggested below work in it.
        gitstore.set_identity(path, "lpcli demo", "demo@example.invalid")
    cb = Casebook(path)
    out = click.echo
    out(f"Copied the example casebook to {path} (a git repository; see README.md there).\n")
    out(f"$ lpcli -C {path} validate")
    result = Checker(cb).run()
    output.print_diagnostics(result.diagnostics, result.files_checked, cb.root)
    out("")
    out(f"$ lpcli -C {path} list")
    out(list_text(listing.rows(cb.cases(status="open"), cb.settings), "open"))
    out("")
    plan_file = path / "documents" / f"{DEMO_CASE}-plan.html"
    rd.write(cb, "plan", DEMO_CASE, "html", plan_file, today=dates.parse(DEMO_DATE))
    out(f"$ lpcli -C {path} render plan {DEMO_CASE} --as-of {DEMO_DATE} -o {plan_file}")
    out(f"Wrote the family's plan for {DEMO_CASE}: open {plan_file} in a browser and print it,")
    out("or add --format pdf (after: pip install 'lpcli[pdf]').")
    out("")
    out("Next, try:")
    out(f"  cd {path}")
    out(f"  lpcli show {DEMO_CASE} --format json")
    out("  lpcli find Hart                 # is a child already known? (name, date of birth, "
        "postcode)")
    out("  lpcli nominate LP-TX681-MBQS9 --suggest")
    out("  lpcli render handover LP-RVKC0-XRF53 --format md")
    out("  lpcli new --name 'Test Child' --dob 2020-01-01")
    out("  lpcli history LP-4F7QK-9M2XA")
    out("  git log --oneline")
