"""The command line: small click commands over the lpcli library, one module per group of
commands (as pip-tools keeps one per command), registered on the ``cli`` group here.

Commands parse options, call the library and hand results to ``output``; ``base`` turns
domain errors into messages and exit codes. This package is the only place that imports
click. Command modules import the library inside each command, so that ``lpcli --help``
and ``--version`` load click and little else.
"""

from __future__ import annotations

import os
import sys

import click

from lpcli import __version__
from lpcli.cli import (
    assess,
    cases,
    closing,
    consent,
    doctor,
    documents,
    edit,
    family,
    find,
    init,
    lead,
    meeting,
    output,
    plan,
    practitioner,
    report,
    reports,
    sharing,
    supervision,
    team,
    validate,
)
from lpcli.cli.base import CONTEXT, INTERNAL_ERROR, LpcliGroup, State, accept_no_input
from lpcli.cli.options import choice
from lpcli.core import vocabulary


@click.group(cls=LpcliGroup, context_settings=CONTEXT,
             epilog="Examples:\n\n\b\n  lpcli demo ~/lpcli-demo\n  lpcli -C ~/casebook validate\n"
                    "  lpcli list --format json\n\n"
                    "Run 'lpcli COMMAND --help' for a command's options and examples.")
@click.option("-C", "--casebook", "casebook_path", metavar="PATH", envvar="LPCLI_CASEBOOK",
              type=click.Path(file_okay=False),
              help="The casebook to use (default: the folder holding lpcli.yaml, from the "
                   "current folder upwards). Also LPCLI_CASEBOOK.")
@click.option("--author", metavar="'NAME <EMAIL>'", envvar="LPCLI_AUTHOR",
              help="Author of the commits this command makes (default: git config).")
@click.option("--color", type=choice(vocabulary.COLOR_MODES), default="auto",
              show_default=True, help="Colour in output; NO_COLOR turns it off in auto mode.")
@click.version_option(__version__, "--version", prog_name="lpcli",
                      message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx, casebook_path, author, color):
    """lpcli: lead professional casebooks for children's services, kept in git.

    A casebook is a git repository of YAML files: lpcli.yaml (settings), practitioners.yaml
    (the directory) and cases/<CASE-ID>.yaml (one file per child). Every change lpcli makes
    is validated and committed; case IDs, never names, appear in commits and reports.
    """
    from lpcli.files.safeio import set_private_umask
    from lpcli.gitstore import commits_made

    set_private_umask()
    output.paths_print_as_bytes()
    commits_made.clear()  # this command's commits (one process may run several, in tests)
    ctx.obj = State(casebook_path, author, color)


for _command in (
        validate.validate, init.init, init.demo,
        cases.new, find.find, cases.list_, cases.show, cases.history, edit.edit, find.link,
        family.family, consent.consent, team.team, meeting.meeting,
        assess.assess, lead.nominate, plan.review, plan.action, plan.outcome, lead.handover,
        closing.close, closing.reopen, practitioner.practitioner, supervision.supervision,
        documents.render,
        report.report, reports.overdue, reports.caseload, reports.retention,
        reports.calendar,
        sharing.sync, sharing.hooks, doctor.doctor):
    accept_no_input(_command)
    cli.add_command(_command)


def main():
    # No cyclic garbage collector in a command run from the shell: it lasts seconds and its
    # objects are freed by reference counting, while the collector would walk every case's
    # slim copy again and again as reports build their rows (a third of a warm 'list' at
    # 10,000 cases). Tests run commands in one long process (CliRunner): not through here.
    import gc

    gc.disable()
    try:
        cli(prog_name="lpcli")
    except Exception as exc:  # noqa: BLE001 - outside a command (completion, start-up)
        if os.environ.get("LPCLI_DEBUG"):
            raise
        output.report_internal_error(exc)
        sys.exit(INTERNAL_ERROR)
