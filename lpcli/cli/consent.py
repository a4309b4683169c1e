"""lpcli consent: what the family agreed may be shared, and its withdrawal."""

from __future__ import annotations

import click

from lpcli.cli import output
from lpcli.cli.base import examples, group, pass_state, subcommand
from lpcli.cli.options import FAMILY_OR_CHILD, PRACTITIONER, case_argument, date_option, opt_date


@group()
def consent():
    """Record the family's informed consent to share information, or its withdrawal.

    Agencies are named as in practitioners.yaml (the agency's name) or by agency type
    (education, health, housing, police...). An agency the family refuses never receives
    anything; topics withheld from an agency are left out of what it receives.
    """


consent.epilog = ("Examples:\n\n\b\n  lpcli consent give LP-TX681-MBQS9 --given-by mother "
                  "--share-with education --share-with health --not-with police\n"
                  "  lpcli consent withdraw LP-TX681-MBQS9 --by mother")


def split_list(values) -> list[str]:
    """Repeated options, each possibly a comma-separated list."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@examples("lpcli consent give LP-TX681-MBQS9 --given-by mother --share-with education \\",
          "    --share-with health --not-with police --withhold education=address",
          "lpcli consent give LP-TX681-MBQS9 --given-by mother,child --share-with "
          "'Riverside Family Hub' --date 2026-11-18")
@subcommand(consent, "give")
@case_argument()
@click.option("--given-by", "given_by", multiple=True, metavar="ID", type=FAMILY_OR_CHILD,
              help="Who gave consent: a family member's ID, or 'child' (repeatable).")
@click.option("--share-with", multiple=True, metavar="AGENCY",
              help="An agency (name or type) that may receive information (repeatable).")
@click.option("--not-with", multiple=True, metavar="AGENCY",
              help="An agency that may NOT receive information (repeatable); wins over "
                   "--share-with.")
@click.option("--withhold", multiple=True, metavar="AGENCY=TOPIC",
              help="A topic an agency may not receive, e.g. education=address or "
                   "health=housing_employment_finance (repeatable).")
@click.option("--recorded-by", metavar="PRACTITIONER", type=PRACTITIONER,
              help="Who recorded consent.")
@click.option("--notes", help="Anything the family asked about sharing.")
@date_option("Date consent was given (default: today).")
@click.option("--no-input", is_flag=True, help="Never ask questions, even in a terminal.")
@pass_state
def consent_give(state, case_id, given_by, share_with, not_with, withhold, recorded_by, notes,
                 date_, no_input):
    """Record consent to share information. Given again later, it replaces the earlier
    consent, which is kept in the case's consent history."""
    from lpcli.workflow import consent as cons

    given, share, refuse = split_list(given_by), split_list(share_with), split_list(not_with)
    if output.is_terminal() and not no_input:
        given = given or split_list([click.prompt("Who gave consent (family member IDs, or "
                                              "'child'; commas between)", err=True)])
        if not share and not refuse:
            share = split_list([click.prompt("Agencies that may receive information (names or "
                                         "types; commas between; Enter for none)", default="",
                                         show_default=False, err=True)])
            refuse = split_list([click.prompt("Agencies that may NOT (Enter for none)", default="",
                                          show_default=False, err=True)])
    pairs = []
    for spec in withhold:
        agency, sep, topic = spec.partition("=")
        if not sep or not agency.strip() or not topic.strip():
            raise click.BadParameter("write AGENCY=TOPIC, e.g. education=address",
                                     param_hint="--withhold")
        pairs.append((agency, topic))
    output.done(state, cons.give(state.casebook, case_id, given_by=given, share_with=share,
                                 not_with=refuse, withhold=pairs, recorded_by=recorded_by,
                                 notes=notes, date=opt_date(date_, "--date"),
                                 author=state.author))


@examples("lpcli consent withdraw LP-TX681-MBQS9 --by mother --date 2026-11-19")
@subcommand(consent, "withdraw")
@case_argument()
@click.option("--by", metavar="ID", type=FAMILY_OR_CHILD,
              help="Who withdrew it: a family member's ID, or 'child'.")
@click.option("--reason", help="What the family said (kept in the case, never in reports).")
@date_option("Date consent was withdrawn (default: today).")
@pass_state
def consent_withdraw(state, case_id, by, reason, date_):
    """Record that the family withdrew consent: from that date nothing is shared."""
    from lpcli.workflow import consent as cons

    output.done(state, cons.withdraw(state.casebook, case_id, by=by, reason=reason,
                                     date=opt_date(date_, "--date"), author=state.author))
