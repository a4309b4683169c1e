"""lpcli close and lpcli reopen."""

from __future__ import annotations

import click

from lpcli.cli import output
from lpcli.cli.base import command, examples, pass_state
from lpcli.cli.options import PRACTITIONER, SETTLEMENT, case_argument, choice, date_option, opt_date
from lpcli.core import vocabulary


@examples("lpcli close LP-4F7QK-9M2XA --reason needs_met \\",
          "    --exit-strategy 'School continues reading support; family knows how to return' \\",
          "    --settle A3=done --settle A4=continues:'Brookside Primary School'",
          "lpcli close LP-NYJ7Z-JD187 --reason consent_withdrawn --exit-strategy TEXT "
          "--settle all=dropped")
@command()
@case_argument()
@click.option("--reason", required=True,
              type=choice(vocabulary.CLOSURE_REASONS))
@click.option("--exit-strategy", required=True, help="How the family is supported after closure.")
@click.option("--settle", "settlements", multiple=True, metavar="ACTION=HOW", type=SETTLEMENT,
              help="Settle an action still to do: A3=done, A3=dropped, or "
                   "A3=continues:SERVICE (a named service carries it on); 'all=dropped' for "
                   "every one (repeatable).")
@click.option("--signed-off-by", metavar="NAME",
              help="The manager signing the closure off (required when lpcli.yaml sets "
                   "closure_sign_off).")
@click.option("--closed-by", metavar="PRACTITIONER", type=PRACTITIONER,
              help="Practitioner closing the case.")
@date_option("Date of closure (default: today).")
@pass_state
def close(state, case_id, reason, exit_strategy, settlements, signed_off_by, closed_by, date_):
    """Close a case. A closed case refuses every change but 'lpcli reopen'.

    Every action still to do must be settled (--settle): done, dropped, or carried on by a
    named service after closure. A review that fell due and was not held is noted.
    """
    from lpcli.workflow import closure

    output.done(state, closure.close(state.casebook, case_id, reason=reason,
                                     exit_strategy=exit_strategy, closed_by=closed_by,
                                     settle=_settlements(settlements),
                                     signed_off_by=signed_off_by,
                                     date=opt_date(date_, "--date"), author=state.author))


def _settlements(specs) -> dict:
    out = {}
    for spec in specs:
        aid, sep, how = spec.partition("=")
        status, _, service = how.partition(":")
        if (not sep or not aid.strip() or status not in vocabulary.SETTLEMENTS
                or (status == "continues") != bool(service.strip())):
            raise click.BadParameter("write ACTION=done, ACTION=dropped or "
                                     "ACTION=continues:SERVICE (ACTION may be 'all')",
                                     param_hint="--settle")
        out[aid.strip()] = (status, service.strip()) if service.strip() else status
    return out


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
