"""lpcli meeting: a multi-agency meeting, recorded once."""

from __future__ import annotations

import click

from lpcli.cli import output
from lpcli.cli.base import command, examples, pass_state
from lpcli.cli.options import (
    FAMILY_OR_CHILD,
    PRACTITIONER,
    case_argument,
    choice,
    date_option,
    opt_date,
)
from lpcli.core import vocabulary


@examples("lpcli meeting LP-TX681-MBQS9 --kind team_around_the_family --date 2026-11-19 \\",
          "    --attendee fs-ahmed --attendee ed-okafor --family-attendee mother --venue "
          "'Family Hub'",
          "M=$(lpcli meeting LP-TX681-MBQS9 --kind team_around_the_child --attendee fs-ahmed)")
@command()
@case_argument()
@click.option("--kind", required=True, type=choice(vocabulary.MEETING_KINDS),
              help="Kind of meeting.")
@click.option("--attendee", "attendees", multiple=True, metavar="PRACTITIONER", type=PRACTITIONER,
              help="A practitioner present (repeatable).")
@click.option("--family-attendee", "family_attendees", multiple=True, metavar="ID",
              type=FAMILY_OR_CHILD,
              help="A family member present, or 'child' (repeatable).")
@click.option("--venue", help="Where it was held.")
@click.option("--notes", help="Notes (kept in the case, never in reports).")
@date_option("Date of the meeting (default: today).")
@pass_state
def meeting(state, case_id, kind, attendees, family_attendees, venue, notes, date_):
    """Record a multi-agency meeting and print its ID (alone on stdout).

    A nomination or handover made for the same date then refers to this meeting (no
    second, empty one is made), and 'present' is checked against its attendees.
    """
    from lpcli.workflow import meetings

    written, mid = meetings.record(state.casebook, case_id, kind=kind,
                                   date=opt_date(date_, "--date"), attendees=attendees,
                                   family_attendees=family_attendees, venue=venue, notes=notes,
                                   author=state.author)
    output.notes(written)
    click.echo(mid)
    click.echo(f"{written.message} (commit {written.commit[:8]})", err=True)
    output.share_after_change(state)
