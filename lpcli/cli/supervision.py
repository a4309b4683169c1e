"""lpcli supervision: professional supervision of lead professionals."""

from __future__ import annotations

import click

from lpcli.cli import output
from lpcli.cli.base import examples, group, pass_state, subcommand
from lpcli.cli.options import (
    CASE,
    PRACTITIONER,
    as_of_date,
    as_of_option,
    date_option,
    format_option,
    opt_date,
)
from lpcli.core import vocabulary


@group()
def supervision():
    """Record professional supervision of lead professionals, and see who is due.

    Each session is kept in practitioners.yaml: the date, the supervisor and the cases
    discussed, by ID; never notes about a child. Supervision is due every
    supervision_interval_weeks (lpcli.yaml, default 6) for anyone leading a case;
    'lpcli overdue' and 'lpcli report' show it.
    """


supervision.epilog = ("Examples:\n\n\b\n  lpcli supervision add fs-ahmed --supervisor "
                      "'Jo Patel' --cases LP-4F7QK-9M2XA\n  lpcli supervision list")


@examples("lpcli supervision add fs-ahmed --supervisor 'Jo Patel' --cases LP-4F7QK-9M2XA "
          "--cases LP-TX681-MBQS9",
          "lpcli supervision add ed-okafor --supervisor hm-clarke --date 2026-11-18")
@subcommand(supervision, "add")
@click.argument("practitioner", metavar="PRACTITIONER", type=PRACTITIONER)
@click.option("--supervisor", required=True, metavar="NAME_OR_ID", type=PRACTITIONER,
              help="Who supervised.")
@click.option("--cases", "cases", multiple=True, metavar="CASE", type=CASE,
              help="A case discussed, by ID (repeatable; never notes about the child).")
@date_option("Date of the session (default: today).")
@pass_state
def supervision_add(state, practitioner, supervisor, cases, date_):
    """Record a supervision session with a practitioner."""
    from lpcli.workflow import supervision as sv

    output.done(state, sv.add(state.casebook, practitioner, supervisor=supervisor,
                              cases=cases, date=opt_date(date_, "--date"),
                              author=state.author))


@examples("lpcli supervision list", "lpcli supervision list --format csv > supervision.csv")
@subcommand(supervision, "list")
@as_of_option("Count due dates from this date (default: today).")
@format_option(vocabulary.TEXT_JSON_CSV)
@pass_state
def supervision_list(state, as_of, fmt):
    """Each practitioner leading a case: last supervision, when the next is due, and
    whether it is overdue."""
    from lpcli.core.text import table
    from lpcli.reports import supervision as report

    cb = state.casebook
    day = as_of_date(as_of, cb)
    rows = report.rows(cb, output.iter_cases(cb, "open"), day)

    def text() -> str:
        if not rows:
            return "no one leads a case"
        lines = table([["PRACTITIONER", "LEADS", "LAST", "NEXT DUE", ""]] + [
            [r["practitioner"], r["leads"], r["last"] or "never", r["due"] or "-",
             "OVERDUE" if r["overdue"] else ""] for r in rows])
        late = sum(r["overdue"] for r in rows)
        return "\n".join(lines + [f"{len(rows)} lead professionals, {late} overdue"])

    output.print_report(rows, fmt, columns=list(report.COLUMNS), text=text)
