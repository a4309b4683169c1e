"""The service report as a document: HTML with charts, or PDF, for a board pack."""

from __future__ import annotations

from lpcli.documents import catalogue, charts
from lpcli.documents.render import html_to_pdf
from lpcli.documents.templates import render_template

CHARTS = (  # (figure, title, kind)
    ("opened", "Cases opened each month", "columns"),
    ("closed", "Cases closed each month", "columns"),
    ("open_at_end", "Open cases at the end of each month", "line"),
    ("reviews_on_time", "Reviews held on time (%)", "line"),
    ("actions_on_time", "Actions done on time (%)", "line"),
    ("days_to_assessment", "Median days from opening to assessment", "line"),
)


def render(casebook, report, fmt: str, agency: str) -> str | bytes:
    """``report`` (reports.service.Report) as 'html' or 'pdf'."""
    targets = {f.key: f.target for f in report.figures}
    months, series = report.trend["months"], report.trend["series"]
    drawn = []
    for key, title, kind in CHARTS:
        values = series.get(key) or []
        svg = (charts.columns(title, months, values) if kind == "columns"
               else charts.line(title, months, values, targets.get(key)))
        drawn.append({"title": title, "svg": svg,
                      "table": list(zip(months, values))})
    model = {"agency": agency, "report": report.as_dict(), "charts": drawn,
             "figures": report.figures}
    # The report is for the service's own board, in English whatever the families' language
    # (its figures' definitions live in reports/service.py, not in a catalogue).
    html = render_template(casebook, "report.html.j2", "html", model,
                           catalogue.load(casebook, "en"))
    return html if fmt == "html" else html_to_pdf(html)
