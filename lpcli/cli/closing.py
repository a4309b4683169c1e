"""lpcli close and lpcli reopen."""

from __future__ import annotations

import click

from lpcli.cli import output
from lpcli.cli.base import command, examples, pass_state
from lpcli.cli.options import case_argument, choice, date_option, opt_date
from lpcli.core import vocabulary


@examples("lpcli close LP-4F7QK-9M2XA --reason needs_met \\",
          "    --exit-strategy 'School continues reading support; family knows how to return'")
@command()
@case_argument()
@click.option("--reason", required=True,
              type=choice(vocabulary.CLOSURE_REASONS))
@click.option("--exit-strategy", required=True, help="How the family is supported after closure.")
@click.option("--closed-by", metavar="PRACTITIONER", help="Practitioner closing the case.")
@date_option("Date of closure (default: today).")
@pass_state
def close(state, case_id, reason, exit_strategy, closed_by, date_):
    """Close a case. A closed case refuses every change but 'lpcli reopen'."""
    from lpcli.workflow import closure

    output.done(state, closure.close(state.casebook, case_id, reason=reason,
                               exit_strategy=exit_strategy, closed_by=closed_by,
                               date=opt_date(date_, "--date"), author=state.author))


@examples("lpcli reopen LP-VBTYV-7SAWT --reason 'New concerns raised by school'")
@command()
@case_argument()
@click.option("--reason", required=True, help="Why the case is reopened.")
@date_option("Date of reopening (default: today).")
@pass_state
def reopen(state, case_id, reason, date_):
    """Reopen a closed case; the closure it undoes is kept in 'reopenings'."""
    from lpcli.workflow import closure

    output.done(state, closure.reopen(state.casebook, case_id, reason=reason,
                                date=opt_date(date_, "--date"), author=state.author))
