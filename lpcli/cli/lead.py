"""lpcli nominate and lpcli handover: the lead professional."""

from __future__ import annotations

import json

import click

from lpcli.cli import output
from lpcli.cli.base import command, examples, pass_state
from lpcli.cli.options import FORMAT_TEXT_JSON, case_argument, choice, date_option, opt_date
from lpcli.core import vocabulary


@examples("lpcli nominate LP-TX681-MBQS9 --suggest",
          "lpcli nominate LP-TX681-MBQS9 fs-ahmed --meeting-date 2026-11-19 --family-agreed \\",
          "    --manager-agreed --present --rationale 'Family support is the main need'",
          "lpcli nominate LP-6D7NE-43ZY4 --unresolved --meeting-date 2026-10-05 \\",
          "    --escalated-to 'Early help service manager' --reason 'No one clearly best placed'")
@command()
@case_argument()
@click.argument("practitioner", required=False)
@click.option("--suggest", is_flag=True, help="Rank the team as candidates, with reasons; "
              "changes nothing.")
@click.option("--unresolved", is_flag=True, help="Record that the meeting could not agree, "
              "and the escalation.")
@click.option("--meeting-date", metavar="YYYY-MM-DD", help="Date of the multi-agency meeting.")
@click.option("--family-agreed", is_flag=True, help="The family agreed to this lead professional.")
@click.option("--manager-agreed", is_flag=True, help="Their line manager agreed.")
@click.option("--present", "presence", flag_value="present",
              help="They were present at the meeting.")
@click.option("--agreed-beforehand", "presence", flag_value="agreed_beforehand",
              help="They were not present but explicitly agreed beforehand.")
@click.option("--rationale", help="Why this practitioner, against the criteria.")
@click.option("--criterion", "criteria", multiple=True,
              type=choice(vocabulary.CRITERIA),
              help="A criterion from the guidance this choice meets (repeatable).")
@click.option("--escalated-to", metavar="NAME", help="With --unresolved: who it was escalated to.")
@click.option("--reason", help="With --unresolved: why no one was clearly best placed.")
@click.option("--venue", help="Where the meeting was held.")
@click.option("--attendee", "attendees", multiple=True, metavar="PRACTITIONER",
              help="A practitioner at the meeting (repeatable).")
@click.option("--meeting-kind", type=choice(vocabulary.NOMINATION_MEETING_KINDS),
              default="team_around_the_family", show_default=True)
@date_option("Date the lead professional takes up the role (default: the meeting date).")
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON, default="text", show_default=True,
              help="With --suggest.")
@pass_state
def nominate(state, case_id, practitioner, suggest, unresolved, meeting_date, family_agreed,
             manager_agreed, presence, rationale, criteria, escalated_to, reason, venue,
             attendees, meeting_kind, date_, fmt):
    """Record the lead professional chosen at a multi-agency meeting.

    Enforces the guidance: a lead professional only when the assessment found needs that
    require an integrated response; the meeting after the assessment; a practitioner already
    in the team; the family's and the line manager's agreement; present or agreed
    beforehand; for a statutory case, the named statutory practitioner. Every failed rule is
    reported, and nothing is written (exit 1). When a lead professional is in place, use
    'lpcli handover'.
    """
    from lpcli.core import dates
    from lpcli.workflow import nominate as nom

    cb = state.casebook
    if suggest:
        if practitioner or unresolved:
            raise click.UsageError("--suggest takes only a CASE")
        _print_suggestions(cb, case_id, nom.suggest(cb, case_id, dates.today(cb.settings)), fmt)
        return
    if not meeting_date:
        raise click.UsageError("--meeting-date is required")
    meeting = dates.parse(meeting_date, "--meeting-date")
    if unresolved:
        if practitioner:
            raise click.UsageError("--unresolved records that no one was agreed: give no "
                                   "PRACTITIONER")
        if not escalated_to:
            raise click.UsageError("--unresolved needs --escalated-to NAME")
        output.done(state, nom.record_unresolved(cb, case_id, meeting_date=meeting,
                                           escalated_to=escalated_to, reason=reason,
                                           meeting_kind=meeting_kind, venue=venue,
                                           attendees=attendees, author=state.author))
        return
    if not practitioner:
        raise click.UsageError("give the PRACTITIONER to nominate (or --suggest, --unresolved)")
    if not rationale:
        raise click.UsageError("--rationale is required: why this practitioner, against the "
                               "criteria")
    output.done(state, nom.nominate(cb, case_id, practitioner, meeting_date=meeting,
                              family_agreed=family_agreed, manager_agreed=manager_agreed,
                              presence=presence, rationale=rationale, criteria=criteria,
                              start=opt_date(date_, "--date"), meeting_kind=meeting_kind,
                              venue=venue, attendees=attendees, author=state.author))


def _print_suggestions(cb, case_id, candidates, fmt):
    if fmt == "json":
        click.echo(json.dumps([c.as_dict() for c in candidates], indent=2, ensure_ascii=False))
        return
    if not candidates:
        click.echo(f"{case_id} has no current team members to suggest; add the practitioners "
                   f"working with the child: lpcli team add {case_id} PRACTITIONER --role TEXT")
        return
    click.echo(f"Lead professional candidates for {case_id} (the meeting decides, with the "
               "family):")
    for c in candidates:
        flag = "" if c.eligible else "  [not eligible]"
        click.echo(f"{c.rank}. {c.practitioner}  {c.name}, {c.agency}  "
                   f"(score {c.score}){flag}")
        for r in c.reasons:
            sign = "+" if r.points > 0 else "-" if r.points < 0 else " "
            click.echo(f"   {sign} {r.text}")


@examples("lpcli handover LP-RVKC0-XRF53 ed-quinn --reason 'Moving to Hillcrest Academy' \\",
          "    --transition school_change --family-informed --family-agreed --manager-agreed "
          "--present")
@command()
@case_argument()
@click.argument("new_practitioner", metavar="NEW_PRACTITIONER")
@click.option("--reason", required=True, help="Why the case is handed over.")
@click.option("--family-informed", is_flag=True, help="The family was told and involved.")
@click.option("--transition", type=choice(vocabulary.TRANSITIONS),
              default="other", show_default=True, help="The transition point.")
@click.option("--receiving-agency", metavar="NAME",
              help="The agency taking over (default: the new practitioner's agency).")
@click.option("--family-agreed", is_flag=True, help="The family agreed to the new lead.")
@click.option("--manager-agreed", is_flag=True, help="The new lead's line manager agreed.")
@click.option("--present", "presence", flag_value="present",
              help="The new lead was at the handover meeting.")
@click.option("--agreed-beforehand", "presence", flag_value="agreed_beforehand",
              help="The new lead explicitly agreed beforehand.")
@click.option("--notes", help="Notes for the receiving lead professional.")
@date_option("Date of the handover (default: today).")
@pass_state
def handover(state, case_id, new_practitioner, reason, family_informed, transition,
             receiving_agency, family_agreed, manager_agreed, presence, notes, date_):
    """Hand a case over to a new lead professional or agency at a transition point.

    The previous lead professional stays in the history; the actions outstanding at the time
    are listed in the handover record. The new lead must meet the same rules as a
    nomination, the family must be informed, and consent must allow sharing with the
    receiving agency: if the family said that agency may not receive information, the
    handover is refused.
    """
    from lpcli.workflow import handover as ho

    output.done(state, ho.handover(state.casebook, case_id, new_practitioner, reason=reason,
                             family_informed=family_informed, family_agreed=family_agreed,
                             manager_agreed=manager_agreed, presence=presence,
                             transition=transition, receiving_agency=receiving_agency,
                             notes=notes, date=opt_date(date_, "--date"), author=state.author))
