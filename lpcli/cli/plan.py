"""lpcli review, lpcli action and lpcli outcome: the plan and its reviews."""

from __future__ import annotations

from pathlib import Path

import click

from lpcli.cli import output
from lpcli.cli.base import command, examples, group, pass_state, subcommand
from lpcli.cli.options import (
    ACTION,
    ATTENDEE,
    OUTCOME,
    OUTCOME_RATING,
    OWNER,
    case_argument,
    checked_date,
    checked_time,
    choice,
    date_option,
    opt_date,
    opt_time,
)
from lpcli.core import vocabulary


@examples("lpcli review LP-4F7QK-9M2XA --date 2026-11-20 --progress 'Reading improving' \\",
          "    --family-view 'Happy with school support' --next-review 2027-01-08",
          "lpcli review LP-4F7QK-9M2XA --from-file review.yaml",
          "lpcli review LP-4F7QK-9M2XA   # asks for each part in a terminal")
@command()
@case_argument()
@date_option("Date of the review, YYYY-MM-DD (default: today).")
@click.option("--progress", help="Overall progress towards the outcomes.")
@click.option("--outcome-progress", "outcome_progress", multiple=True, metavar="ID=RATING",
              type=OUTCOME_RATING,
              help="Progress on one outcome, e.g. O1=good_progress (not_started, "
                   "some_progress, good_progress, achieved, worse). Repeatable.")
@click.option("--changed-circumstances", help="Changes in circumstances and needs.")
@click.option("--family-view", help="What the family said, in their words.")
@click.option("--child-view", help="What the child said, in their words.")
@click.option("--family-satisfaction", type=choice(vocabulary.SATISFACTION))
@click.option("--practitioner-views", help="Other practitioners' views.")
@click.option("--plan-changes", help="Changes made to the plan.")
@click.option("--signposting", help="Signposting or referral to other services.")
@click.option("--exit-strategy", help="Progress of the exit strategy.")
@click.option("--within-timescales/--not-within-timescales", default=None,
              help="Whether the work is within timescales.")
@click.option("--attendee", "attendees", multiple=True, metavar="ID", type=ATTENDEE,
              help="Who took part: practitioner or family member ID (repeatable).")
@click.option("--next-review", metavar="YYYY-MM-DD",
              help="Date of the next review (default: this review + the case's interval).")
@click.option("--next-review-time", metavar="HH:MM",
              help="Time of day the next review starts, on the 24-hour clock (e.g. 09:30); "
                   "printed on the family's plan.")
@click.option("--next-review-venue", help="Where the next review will be held.")
@click.option("--from-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A YAML file of review fields (options given on the command line win).")
@click.option("--no-input", is_flag=True, help="Never ask questions, even in a terminal.")
@pass_state
def review(state, case_id, date_, progress, outcome_progress, changed_circumstances,
           family_view, child_view, family_satisfaction, practitioner_views, plan_changes,
           signposting, exit_strategy, within_timescales, attendees, next_review,
           next_review_time, next_review_venue, from_file, no_input):
    """Log a review of the multi-agency plan.

    Records what the guidance says a review weighs: changed circumstances, progress towards
    each outcome, the family's satisfaction and views (and the child's), other
    practitioners' views, changes to the plan, signposting, the exit strategy, timescales,
    who attended, and the date of the next review. In a terminal, parts not given as options
    are asked for (Enter skips one). A closed case refuses a review.
    """
    from lpcli.workflow import reviews

    cb = state.casebook
    fields = reviews.load_review_file(from_file) if from_file else {}
    given = {
        "date": opt_date(date_, "--date"), "progress": progress,
        "changed_circumstances": changed_circumstances, "family_view": family_view,
        "child_view": child_view, "family_satisfaction": family_satisfaction,
        "practitioner_views": practitioner_views, "plan_changes": plan_changes,
        "signposting": signposting, "exit_strategy": exit_strategy,
        "within_timescales": within_timescales, "attendees": list(attendees) or None,
        "next_review": opt_date(next_review, "--next-review"),
        "next_review_time": opt_time(next_review_time, "--next-review-time"),
        "next_review_venue": next_review_venue,
    }
    if outcome_progress:
        items = []
        for spec in outcome_progress:
            oid, _, rating = spec.partition("=")
            if rating not in vocabulary.RATINGS:
                raise click.BadParameter(f"'{spec}': write ID=RATING with RATING one of "
                                         + ", ".join(vocabulary.RATINGS),
                                         param_hint="--outcome-progress")
            items.append({"outcome": oid, "rating": rating})
        given["outcome_progress"] = items
    fields.update({k: v for k, v in given.items() if v is not None})
    if output.is_terminal() and not no_input:
        _ask_review(fields)
    output.done(state, reviews.record_review(cb, case_id, fields, author=state.author))


REVIEW_QUESTIONS = (
    ("changed_circumstances", "Changes in circumstances or needs"),
    ("progress", "Progress towards the outcomes"),
    ("family_view", "What the family said"),
    ("child_view", "What the child said"),
    ("practitioner_views", "Other practitioners' views"),
    ("plan_changes", "Changes to the plan"),
    ("signposting", "Signposting or referrals"),
    ("exit_strategy", "Exit strategy"),
)


def _ask_review(fields: dict) -> None:
    click.echo("Press Enter to skip a question.", err=True)
    for key, label in REVIEW_QUESTIONS:
        if key not in fields:
            answer = click.prompt(label, default="", show_default=False, err=True).strip()
            if answer:
                fields[key] = answer
    if "family_satisfaction" not in fields:
        answer = click.prompt("Family satisfaction", default="not_asked", err=True,
                              type=choice(vocabulary.SATISFACTION))
        fields["family_satisfaction"] = answer
    if "within_timescales" not in fields:
        fields["within_timescales"] = click.confirm("Is the work within timescales?",
                                                    default=True, err=True)
    if "next_review" not in fields:
        answer = click.prompt("Next review date (Enter: the case's usual interval)", default="",
                              show_default=False, err=True,
                              value_proc=lambda t: checked_date(t) if t.strip() else "")
        if answer:
            fields["next_review"] = answer
    if "next_review" in fields and "next_review_time" not in fields:
        answer = click.prompt("Time it starts, HH:MM (Enter: not set yet)", default="",
                              show_default=False, err=True,
                              value_proc=checked_time)
        if answer:
            fields["next_review_time"] = answer
    if "next_review" in fields and "next_review_venue" not in fields:
        answer = click.prompt("Where (Enter: not set yet)", default="", show_default=False,
                              err=True).strip()
        if answer:
            fields["next_review_venue"] = answer


@group()
def action():
    """Add actions to a case's plan and change their status."""


action.epilog = ("Examples:\n\n\b\n  lpcli action add LP-4F7QK-9M2XA --owner salt-evans --due "
                 "2027-01-15 'Review speech targets'\n"
                 "  lpcli action update LP-4F7QK-9M2XA A3 --status done --note 'Finished'")


@examples("lpcli action add LP-4F7QK-9M2XA --owner salt-evans --due 2027-01-15 "
          "'Review speech targets'",
          "lpcli action add LP-4F7QK-9M2XA --owner mum --outcome O1 --due 2026-12-18 "
          "'Read together each evening'")
@subcommand(action, "add")
@case_argument()
@click.argument("text")
@click.option("--owner", required=True, metavar="ID", type=OWNER,
              help="Who owns it: a practitioner in the team, a family member's ID, or 'child'.")
@click.option("--due", required=True, metavar="YYYY-MM-DD", help="By when.")
@click.option("--outcome", metavar="ID", type=OUTCOME, help="The outcome it serves (e.g. O1).")
@date_option("Date the action was agreed (default: today).")
@pass_state
def action_add(state, case_id, text, owner, due, outcome, date_):
    """Add an action with one owner to a case's plan.

    The first action of a case without a plan starts the plan, agreed on --date; the first
    review then falls due after the casebook's first-review interval.
    """
    from lpcli.core import dates
    from lpcli.workflow import actions

    output.done(state, actions.add_action(state.casebook, case_id, owner=owner,
                                    due=dates.parse(due, "--due"), text=text, outcome=outcome,
                                    date=opt_date(date_, "--date"), author=state.author))


@examples("lpcli action update LP-4F7QK-9M2XA A3 --status in_progress",
          "lpcli action update LP-4F7QK-9M2XA A3 --status done --note 'Finished' --date 2026-11-20")
@subcommand(action, "update")
@case_argument()
@click.argument("action_id", metavar="ACTION", type=ACTION)
@click.option("--status", required=True, type=choice(vocabulary.UPDATE_STATUSES))
@click.option("--note", help="Why, or what happened.")
@date_option("Date of the change (default: today).")
@pass_state
def action_update(state, case_id, action_id, status, note, date_):
    """Change an action's status; the change is kept in the action's history."""
    from lpcli.workflow import actions

    output.done(state, actions.update_action(state.casebook, case_id, action_id, status=status,
                                       note=note, date=opt_date(date_, "--date"),
                                       author=state.author))


@group()
def outcome():
    """Add outcomes (what we want to change) to a case's plan."""


outcome.epilog = ("Examples:\n\n\b\n  lpcli outcome add LP-4F7QK-9M2XA "
                  "'Millie sleeps through the night'")


@examples("lpcli outcome add LP-4F7QK-9M2XA 'Millie sleeps through the night'",
          "lpcli outcome add LP-4F7QK-9M2XA 'Attendance above 95%' --measure 'School register'")
@subcommand(outcome, "add")
@case_argument()
@click.argument("text")
@click.option("--measure", help="How we will know it has been reached.")
@date_option("Date it was agreed (default: today).")
@pass_state
def outcome_add(state, case_id, text, measure, date_):
    """Add an outcome to a case's plan (starting the plan if there is none)."""
    from lpcli.workflow import actions

    output.done(state, actions.add_outcome(state.casebook, case_id, text, measure=measure,
                                     date=opt_date(date_, "--date"), author=state.author))
