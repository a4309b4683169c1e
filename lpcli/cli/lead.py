"""lpcli nominate and lpcli handover: the lead professional."""

from __future__ import annotations

import json

import click

from lpcli.cli import output
from lpcli.cli.base import command, examples, pass_state
from lpcli.cli.options import (
    FORMAT_TEXT_JSON,
    NOMINEE,
    PRACTITIONER,
    TEAM_MEMBER,
    case_argument,
    choice,
    date_option,
    opt_date,
)
from lpcli.core import vocabulary


@examples("lpcli nominate LP-TX681-MBQS9 --suggest",
          "lpcli nominate LP-TX681-MBQS9 fs-ahmed --meeting-date 2026-11-19 --family-agreed \\",
          "    --manager-agreed --present --rationale 'Family support is the main need'",
          "lpcli nominate LP-6D7NE-43ZY4 --unresolved --meeting-date 2026-10-05 \\",
          "    --escalated-to 'Early help service manager' --reason 'No one clearly best placed'")
@command()
@case_argument()
@click.argument("practitioner", required=False, type=TEAM_MEMBER)
@click.option("--suggest", is_flag=True, help="Rank the team as candidates, with reasons; "
              "changes nothing.")
@click.option("--unresolved", is_flag=True, help="Record that the meeting could not agree, "
              "and the escalation.")
@click.option("--meeting-date", metavar="YYYY-MM-DD", help="Date of the multi-agency meeting.")
@click.option("--family-agreed", is_flag=True, help="The family agreed to this lead professional.")
@click.option("--family-informed", is_flag=True,
              help="For the named statutory practitioner: the family was told (a statutory "
                   "lead is named, not agreed).")
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
@click.option("--attendee", "attendees", multiple=True, metavar="PRACTITIONER", type=PRACTITIONER,
              help="A practitioner at the meeting (repeatable).")
@click.option("--meeting-kind", type=choice(vocabulary.NOMINATION_MEETING_KINDS),
              default="team_around_the_family", show_default=True)
@date_option("Date the lead professional takes up the role (default: the meeting date).")
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON, default="text", show_default=True,
              help="With --suggest.")
@pass_state
def nominate(state, case_id, practitioner, suggest, unresolved, meeting_date, family_agreed,
             family_informed, manager_agreed, presence, rationale, criteria, escalated_to, reason, venue,
             attendees, meeting_kind, date_, fmt):
    """Record the lead professional chosen at a multi-agency meeting.

    Enforces the guidance: a lead professional only when the assessment found needs that
    require an integrated response; the meeting after the assessment; a practitioner already
    in the team; the family's and the line manager's agreement; present or agreed
    beforehand; for a statutory case, the named statutory practitioner, with the family
    informed (--family-informed) rather than asked. Every failed rule is reported, and nothing
    is written (exit 1). When a lead professional is in place, use 'lpcli handover'.

    With --suggest, how long each candidate has known the child is counted up to
    --meeting-date when given (the meeting being prepared for), else today.
    """
    from lpcli.core import dates
    from lpcli.workflow import nominate as nom

    cb = state.casebook
    if suggest:
        if practitioner or unresolved:
            raise click.UsageError("--suggest takes only a CASE")
        on = (dates.parse(meeting_date, "--meeting-date") if meeting_date
              else dates.today(cb.settings))
        _print_suggestions(cb, case_id, nom.suggest(cb, case_id, on), fmt)
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
                              family_informed=family_informed,
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
          "    --transition school_change --school 'Hillcrest Academy' --reassign-actions \\",
          "    --family-informed --family-agreed --manager-agreed --present",
          "lpcli handover LP-NYJ7Z-JD187 sw-adeyemi --transition step_up \\",
          "    --statutory-status child_protection_plan --reason 'Section 47 enquiry' \\",
          "    --family-informed --manager-agreed \\",
          "    --without-consent --safeguarding-ground significant_harm \\",
          "    --safeguarding-reason 'Bruising seen at school' --authorised-by 'J Patel, manager'")
@command()
@case_argument()
@click.argument("new_practitioner", metavar="NEW_PRACTITIONER", type=NOMINEE)
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
@click.option("--school", metavar="NAME",
              help="A school change: the school the child moves to (the record says it from "
                   "the handover on).")
@click.option("--reassign-actions", is_flag=True,
              help="Give the outgoing lead's open actions to the new lead.")
@click.option("--statutory-status", type=choice(vocabulary.STATUTORY_LEAD_STATUSES),
              help="A step-up: the child's new statutory status, with the new lead as its "
                   "named practitioner (recorded with the handover, in one change).")
@click.option("--without-consent", is_flag=True,
              help="Hand over although consent does not allow it: only where a child is at "
                   "risk of significant harm, or to prevent or detect serious crime. Needs the "
                   "three options below and --family-told or --family-not-told.")
@click.option("--safeguarding-ground", type=choice(vocabulary.SAFEGUARDING_GROUNDS),
              help="With --without-consent: the ground.")
@click.option("--safeguarding-reason", metavar="TEXT",
              help="With --without-consent: the concern (kept in the case, never in reports).")
@click.option("--authorised-by", metavar="NAME",
              help="With --without-consent: who authorised it (usually a manager).")
@click.option("--family-told", "family_told", flag_value="told",
              help="With --without-consent: the family was told information was shared.")
@click.option("--family-not-told", "not_told_because", metavar="REASON",
              help="With --without-consent: why the family was not told (telling them would "
                   "increase the risk).")
@click.option("--notes", help="Notes for the receiving lead professional.")
@date_option("Date of the handover (default: today).")
@pass_state
def handover(state, case_id, new_practitioner, reason, family_informed, transition,
             receiving_agency, family_agreed, manager_agreed, presence, school,
             reassign_actions, statutory_status, without_consent, safeguarding_ground,
             safeguarding_reason, authorised_by, family_told, not_told_because, notes, date_):
    """Hand a case over to a new lead professional or agency at a transition point.

    The previous lead professional stays in the history; the actions outstanding at the time
    are listed in the handover record (--reassign-actions gives the outgoing lead's to the
    new one). The new lead must meet the same rules as a nomination, the family must be
    informed, and consent must allow sharing with the receiving agency. Where it does not
    and a child is at risk of significant harm (or to prevent or detect serious crime), the
    guidance allows sharing without consent: --without-consent records the exception, who
    authorised it and whether the family was told, and the handover document states it.
    A step-up to a statutory plan (--statutory-status) names the new lead as the statutory
    practitioner in the same change.
    """
    from lpcli.workflow import handover as ho

    exception_options = (safeguarding_ground, safeguarding_reason, authorised_by, family_told,
                         not_told_because)
    safeguarding = None
    if without_consent:
        safeguarding = ho.Safeguarding(
            ground=safeguarding_ground or "", reason=safeguarding_reason or "",
            authorised_by=authorised_by or "", family_told=family_told == "told",
            not_told_because=not_told_because)
    elif any(exception_options):
        raise click.UsageError("the safeguarding options go with --without-consent")
    output.done(state, ho.handover(
        state.casebook, case_id, new_practitioner, reason=reason,
        family_informed=family_informed, family_agreed=family_agreed,
        manager_agreed=manager_agreed, presence=presence, transition=transition,
        receiving_agency=receiving_agency, notes=notes, date=opt_date(date_, "--date"),
        safeguarding=safeguarding, school=school, reassign_actions=reassign_actions,
        statutory_status=statutory_status, author=state.author))
