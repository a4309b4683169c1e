"""lpcli overdue, caseload, retention and calendar: what a coordinator reads, often from cron."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lpcli.cli import output
from lpcli.cli.base import command, examples, pass_state
from lpcli.cli.options import PRACTITIONER, as_of_date, as_of_option, choice, format_option
from lpcli.core import vocabulary
from lpcli.core.text import table


@examples("lpcli overdue", "lpcli overdue --within 14 --lead ed-marsh",
          "lpcli overdue --owner hv-jones --within 14    # one practitioner's own list",
          "lpcli overdue --as-of 2026-11-20 --format json",
          "lpcli overdue --quiet --exit-code    # for cron: silent unless something is late")
@command()
@as_of_option()
@click.option("--within", type=click.IntRange(0, 3650), metavar="DAYS",
              help="Also list what falls due in the next DAYS days, marked upcoming.")
@click.option("--lead", metavar="PRACTITIONER", type=PRACTITIONER,
              help="Only cases led by this practitioner.")
@click.option("--agency", metavar="NAME", help="Only cases whose lead professional works for "
              "this agency (name or agency type).")
@click.option("--owner", metavar="ID", type=PRACTITIONER,
              help="Only this person's items: the actions they own "
              "(a practitioner, a family member's ID, or 'child'), and the reviews, plans and "
              "other items of the cases they lead.")
@click.option("--kind", "kinds", multiple=True, type=choice(vocabulary.OVERDUE_KINDS),
              help="Only this kind (repeatable).")
@format_option(vocabulary.TEXT_JSON_CSV)
@click.option("--names", is_flag=True, help="Add children's names (for use at a desk, not in "
              "mail).")
@click.option("--exit-code", is_flag=True, help="Exit 1 when anything is overdue (as 'git diff "
              "--exit-code'), else 0.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when nothing is overdue.")
@pass_state
def overdue(state, as_of, within, lead, agency, owner, kinds, fmt, names, exit_code, quiet):
    """List what is overdue in open cases: reviews, actions, nominations, consent to
    revisit, leads who left or are away (lead), plans not made (plan), and withdrawn
    consent waiting for a decision (consent_withdrawn).

    Due today is not overdue. The text report groups by lead professional, one line per
    item (case ID, kind, due date, days overdue) and a count at the end, or a single
    'nothing overdue' line. Children's names appear only with --names, because reports are
    often mailed. JSON is one array of objects (case, kind, item, due, days_overdue,
    upcoming, lead_professional, lead_professional_name, owner); CSV has the same columns.
    """
    from lpcli.reports import overdue as od

    cb = state.casebook
    day = as_of_date(as_of, cb)
    items = od.find(cb, day, within=within, kinds=kinds or od.KINDS, lead=lead, agency=agency,
                    owner=owner, cases=output.iter_cases(cb, "open"), names=names)
    late = [i for i in items if not i.upcoming]
    columns = list(od.COLUMNS) + (["child_name"] if names else [])
    if fmt != "text" or items or not quiet:
        output.print_report(lambda: [i.as_dict(names) for i in items], fmt, columns=columns,
                            text=lambda: od.render_text(items, day, names) if items
                            else f"nothing overdue as of {day.isoformat()}")
    sys.exit(1 if exit_code and late else 0)


@examples("lpcli caseload", "lpcli caseload --format csv > caseload.csv")
@command()
@as_of_option("Count overdue actions from this date (default: today).")
@format_option(vocabulary.TEXT_JSON_CSV)
@pass_state
def caseload(state, as_of, fmt):
    """Who carries what: open cases each practitioner leads, the open and overdue actions
    they own, and their capacity from practitioners.yaml (over capacity stands out); who
    has left or is away on the as-of date, and how many of their cases need cover (left, or
    away longer than lead_absence_weeks).

    JSON and CSV add availability (available, away, left), left (the leaving date),
    away_until and needs_cover to the columns.
    """
    from lpcli.reports import caseload as cl

    cb = state.casebook
    rows = cl.caseloads(cb, as_of_date(as_of, cb), cases=output.iter_cases(cb, "open"))
    if fmt == "csv":
        output.print_report(lambda: [{**r.as_dict(), "cases": " ".join(r.cases)}
                                     for r in rows], fmt,
                            columns=list(cl.COLUMNS), text=None)
        return
    color = output.use_color(state.color)
    output.print_report(lambda: [r.as_dict() for r in rows], fmt, columns=list(cl.COLUMNS),
                        text=lambda: _caseload_text(rows, color), color=color)


def _caseload_text(rows, color: bool) -> str:
    cells = [["PRACTITIONER", "NAME", "AGENCY", "LEADS", "ACTIONS", "OVERDUE", ""]]
    for r in rows:
        agency = r.agency if len(r.agency) <= 24 else r.agency[:23] + "\u2026"
        cells.append([r.practitioner, r.name, agency, f"{r.leads}/{r.capacity}",
                      str(r.actions_open), str(r.actions_overdue), _caseload_flags(r)])
    lines = table(cells)
    if color:  # what needs a manager stands out (click strips the escapes off a terminal)
        lines = [lines[0]] + [click.style(ln, fg="red", bold=True)
                              if r.over_capacity or r.needs_cover else ln
                              for ln, r in zip(lines[1:], rows)]
    over = sum(1 for r in rows if r.over_capacity and r.availability != "left")
    cover = sum(r.needs_cover for r in rows)
    led = sum(r.leads for r in rows)
    lines.append(f"{len(rows)} practitioner{'s' if len(rows) != 1 else ''}, {led} open "
                 f"case{'s' if led != 1 else ''} led"
                 + (f", {over} over capacity" if over else "")
                 + (f", {cover} case{'s' if cover != 1 else ''} need{'s' if cover == 1 else ''}"
                    " cover" if cover else ""))
    return "\n".join(lines)


def _caseload_flags(r) -> str:
    """'LEFT 2026-11-30: 2 cases need cover', 'AWAY until 2027-01-10: ...' (away longer than
    lead_absence_weeks), 'away until ...' (shorter: no cover needed), then capacity."""
    flags = []
    if r.availability == "left":
        flags.append("LEFT" + (f" {r.left}" if r.left else ""))
    elif r.availability == "away":
        flags.append(("AWAY" if r.cover else "away") + f" until {r.away_until}")
    if r.needs_cover:
        flags[-1] += f": {r.needs_cover} case{'s need' if r.needs_cover != 1 else ' needs'} cover"
    if r.availability != "left":
        capacity = ("OVER CAPACITY" if r.over_capacity else "cannot lead" if r.capacity == 0
                    else "at capacity" if r.at_capacity else "")
        flags += [capacity] if capacity else []
    if r.supervision_overdue:
        flags.append(f"SUPERVISION OVERDUE (due {r.supervision_due})")
    return "; ".join(flags)


@examples("lpcli retention", "lpcli retention --as-of 2032-04-01 --format csv > past.csv",
          "lpcli retention --quiet --exit-code    # monthly in cron: silent unless any is past")
@command()
@as_of_option()
@format_option(vocabulary.TEXT_JSON_CSV)
@click.option("--exact-dates", is_flag=True, help="Print the end date and days past where "
              "they come from a birthday too (they give away the date of birth: for use at a "
              "desk, not in mail).")
@click.option("--exit-code", is_flag=True, help="Exit 1 when any closed case is past "
              "retention, else 0.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when no case is past retention.")
@pass_state
def retention(state, as_of, fmt, exact_dates, exit_code, quiet):
    """List closed cases kept longer than the retention rule in lpcli.yaml allows.

    The rule is 'retention:' in lpcli.yaml: years_after_closure, until_age (a birthday), or
    both (then whichever ends later). Open and reopened cases are never listed. Each line:
    case ID, closure date and reason, when retention ended and how many days ago. Where a
    birthday rule decided, that date would give away the child's date of birth, so it is
    withheld unless --exact-dates. JSON is an array of objects (case, closed, reason,
    retention_ended, basis, days_past; null where withheld); CSV has the same columns.
    README 'Removing a case for good' says how to delete a case from git's history.
    """
    from lpcli.reports import retention as rt

    cb = state.casebook
    day = as_of_date(as_of, cb)
    rt.rules(cb.settings)  # no rule: say so before reading any case
    report = rt.find(output.iter_cases(cb, "closed"), cb.settings, day)
    rows = [e.as_dict(exact_dates) for e in report.expired]
    if fmt != "text" or report.expired or not quiet:
        output.print_report(rows, fmt, columns=list(rt.COLUMNS),
                            text=lambda: rt.render_text(report, exact_dates))
    sys.exit(1 if exit_code and report.expired else 0)


@examples("lpcli calendar -o reviews.ics", "lpcli calendar --lead ed-okafor --actions -o mine.ics")
@command()
@click.option("-o", "--output", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: stdout). A relative path is from the current "
                   "folder; in a casebook, git ignores *.ics files.")
@click.option("--lead", metavar="PRACTITIONER", type=PRACTITIONER,
              help="Only this practitioner's cases.")
@click.option("--actions", is_flag=True, help="Also the due dates of open actions.")
@click.option("--names", is_flag=True, help="Children's names and review venues in events "
              "(off by default: calendars are shared and synced).")
@as_of_option("Events from this date on (default: today).")
@pass_state
def calendar(state, out_file, lead, actions, names, as_of):
    """Write an iCalendar file of upcoming reviews for Outlook, Google Calendar, Thunderbird.

    One all-day event per review, with a stable UID per case and review so that importing
    again updates events instead of duplicating them. Summaries carry the case ID and the
    lead professional.
    """
    from lpcli.files.safeio import atomic_write
    from lpcli.reports import ical

    cb = state.casebook
    day = as_of_date(as_of, cb)
    evts = ical.events(cb, day, lead=lead, actions=actions, names=names,
                       cases=output.iter_cases(cb, "open"))
    text = ical.to_ics(evts, day)
    if out_file is None:
        click.echo(text, nl=False)
    else:
        atomic_write(out_file, text)
        output.wrote(out_file, len(text), f": {len(evts)} event{'s' if len(evts) != 1 else ''}")
        output.warn_if_tracked_by_accident(cb, out_file)
