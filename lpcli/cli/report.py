"""lpcli report: how the service is doing, for a month or any period."""

from __future__ import annotations

from pathlib import Path

import click

from lpcli.cli import output
from lpcli.cli.base import LpcliCommand, command, examples, pass_state
from lpcli.cli.options import as_of_date, as_of_option, choice
from lpcli.core import vocabulary

COLUMNS = ("key", "label", "value", "unit", "base", "target", "mark", "previous", "change",
           "suppressed")


class _ReportCommand(LpcliCommand):
    """The figures' definitions are added to --help only when help is shown: they come from
    the report module, which the rest of lpcli's start-up need not load."""

    def format_help_text(self, ctx, formatter):
        from lpcli.reports.service import FIGURES

        super().format_help_text(ctx, formatter)
        with formatter.section("Figures"):
            formatter.write_dl([(d.key, d.definition) for d in FIGURES])


@examples("lpcli report                       # last month",
          "lpcli report --month 2026-10 --format html -o documents/report-2026-10.html",
          "lpcli report --from 2026-04-01 --to 2026-09-30 --format csv > half-year.csv",
          "lpcli report --month 2026-10 --publish --format pdf -o report.pdf")
@command(cls=_ReportCommand)
@click.option("--month", metavar="YYYY-MM", help="The month to report (default: last month).")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="Start of a period (with --to).")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="End of a period (with --from).")
@as_of_option("What 'last month' and the figures at the end are counted from (default: "
              "today); the period cannot end after it.")
@click.option("--format", "fmt", type=choice(vocabulary.REPORT_FORMATS), default="text",
              show_default=True, help="html and pdf draw the twelve months' charts.")
@click.option("-o", "--output", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: stdout; a pdf goes to documents/).")
@click.option("--publish", is_flag=True,
              help="Suppress counts under five, as published statistics do.")
@pass_state
def report(state, month, start, end, as_of, fmt, out_file, publish):
    """How the service is doing: cases opened, closed and open; time to assessment, to a
    lead professional and to a plan; reviews and actions on time; families' satisfaction;
    each lead's cases against capacity; and twelve months of trend.

    Each figure is marked against its target in lpcli.yaml (report_targets), with the
    change since the period before. No child's name or date of birth is in any of it.
    The figures are defined below (and in README 'The service report').
    """
    from lpcli.core import dates
    from lpcli.reports import service

    cb = state.casebook
    day = as_of_date(as_of, cb)
    period = _period(month, start, end, day, dates, service)
    # Cases closed for good and quiet since before the first month counted are not read.
    cases = output.iter_cases(cb, quiet_before=service.first_day(period))
    built = service.build(cases, cb.settings, cb.directory, period, day, publish=publish)
    if fmt in ("html", "pdf"):
        from lpcli.documents import report as doc

        data = doc.render(cb, built, fmt, cb.settings.get("agency", ""))
        if out_file is None and fmt == "pdf":
            out_file = cb.root / "documents" / f"report-{period.label.replace(' ', '_')}.pdf"
    else:
        rows = [{k: v for k, v in f.as_dict().items() if k in COLUMNS} for f in built.figures]
        if out_file is None:
            if fmt == "json":
                output.print_json(built.as_dict())
            else:
                output.print_report(rows, fmt, columns=list(COLUMNS),
                                    text=lambda: _text(built))
            return
        # -o with text, json or csv: the same words, to the file (never to the terminal).
        data = (output.as_json(built.as_dict()) + "\n" if fmt == "json"
                else output.as_csv(rows, list(COLUMNS)) if fmt == "csv"
                else _text(built) + "\n")
    if out_file is None:
        click.echo(data, nl=False)
    else:
        from lpcli.files.safeio import atomic_write_bytes

        Path(out_file).parent.mkdir(parents=True, exist_ok=True)
        raw = data if isinstance(data, bytes) else data.encode("utf-8")
        atomic_write_bytes(Path(out_file), raw)
        output.wrote(out_file, len(raw))




def _period(month, start, end, day, dates, service):
    if month and (start or end):
        raise click.UsageError("use --month or --from/--to, not both")
    if bool(start) != bool(end):
        raise click.UsageError("--from and --to go together")
    if month:
        try:
            first = dates.parse(f"{month}-01", "--month")
        except dates.BadDate:
            raise click.BadParameter("write the month as YYYY-MM", param_hint="--month")
        period = service.month(first)
    elif start:
        period = service.Period(dates.parse(start, "--from"), dates.parse(end, "--to"))
        if period.end < period.start:
            raise click.BadParameter("the period ends before it starts", param_hint="--to")
    else:
        period = service.month(dates.add_months(day.replace(day=1), -1))
    if period.end > day:
        raise click.BadParameter(f"the period ends after {day.isoformat()} (--as-of); "
                                 "figures for days not yet over would mislead",
                                 param_hint="--month/--to")
    return period


def _text(built) -> str:
    from lpcli.core.text import table

    marks = {"on target": "* on target", "close": "~ close", "off target": "! off target"}
    rows = [["FIGURE", "VALUE", "TARGET", "MARK", "PREVIOUS", "CHANGE"]]
    for f in built.figures:
        unit = "%" if f.unit == "%" else " days" if f.unit == "days" else ""
        value = ("<5" if f.suppressed else "-" if f.value is None else f"{f.value}{unit}")
        rows.append([f.label, value, "" if f.target is None else f.target,
                     marks.get(f.mark, ""), "" if f.previous is None else f.previous,
                     f.change or ""])
    lines = [f"Service report {built.period.label} (as of {built.as_of.isoformat()})", ""]
    lines += table(rows)
    closed = next(f for f in built.figures if f.key == "closed")
    if closed.detail.get("by_reason"):
        lines += ["", "Closed by reason: " + ", ".join(
            f"{r.replace('_', ' ')} {'<5' if n is None else n}"
            for r, n in closed.detail["by_reason"].items())]
    over = [lead["practitioner"] for lead in built.leads if lead["over_capacity"]]
    lines += ["", f"{len(built.leads)} lead professionals"
              + (f"; over capacity: {', '.join(over)}" if over else "; none over capacity"),
              "Definitions: lpcli report --help. Charts: --format html or pdf."]
    return "\n".join(lines)
