"""lpcli team: the practitioners working with the child."""

from __future__ import annotations

import click

from lpcli.cli import output
from lpcli.cli.base import examples, group, pass_state, subcommand
from lpcli.cli.options import NOMINEE, TEAM_MEMBER, case_argument, opt_date


@group()
def team():
    """The team around the child: the practitioners working with the child. The lead
    professional is chosen from them."""


team.epilog = ("Examples:\n\n\b\n  lpcli team add LP-TX681-MBQS9 salt-evans --role "
               "'speech and language therapy'\n  lpcli team end LP-TX681-MBQS9 salt-evans")


@examples("lpcli team add LP-TX681-MBQS9 salt-evans --role 'speech and language therapy'",
          "lpcli team add LP-TX681-MBQS9 ho-brennan --since 2026-10-01")
@subcommand(team, "add")
@case_argument()
@click.argument("practitioner", metavar="PRACTITIONER", type=NOMINEE)
@click.option("--role", help="What they do for this child.")
@click.option("--agency", help="Their agency, when different from practitioners.yaml.")
@click.option("--since", metavar="YYYY-MM-DD", help="Since when (default: today).")
@pass_state
def team_add(state, case_id, practitioner, role, agency, since):
    """Add a practitioner from practitioners.yaml to the team around the child."""
    from lpcli.workflow import team as tm

    output.done(state, tm.add(state.casebook, case_id, practitioner, role=role, agency=agency,
                              since=opt_date(since, "--since"), author=state.author))


@examples("lpcli team end LP-TX681-MBQS9 salt-evans --date 2026-11-20")
@subcommand(team, "end")
@case_argument()
@click.argument("practitioner", metavar="PRACTITIONER", type=TEAM_MEMBER)
@click.option("--date", "date_", metavar="YYYY-MM-DD",
              help="The last day they worked with the child (default: today).")
@pass_state
def team_end(state, case_id, practitioner, date_):
    """A practitioner stops working with the child (their time in the team stays on record).
    Refused for the lead professional: hand the case over first."""
    from lpcli.workflow import team as tm

    output.done(state, tm.end(state.casebook, case_id, practitioner,
                              until=opt_date(date_, "--date"), author=state.author))
