"""lpcli render: the documents families and colleagues receive."""

from __future__ import annotations

from pathlib import Path

import click

from lpcli.cli import output
from lpcli.cli.base import examples, group, pass_state, subcommand
from lpcli.cli.options import PRACTITIONER, as_of_option, case_argument, choice, opt_date
from lpcli.core import vocabulary


@group()
def render():
    """Write the documents families and colleagues receive: the plan and the handover.

    Templates come from the casebook's templates/ folder when it has one of the same name
    (plan.html.j2, plan.md.j2, handover.html.j2, handover.md.j2, base.html.j2; a logo.png
    there is printed on every document), else from lpcli's own.
    """


render.epilog = ("Examples:\n\n\b\n  lpcli render plan LP-4F7QK-9M2XA --format pdf\n"
                 "  lpcli render handover LP-RVKC0-XRF53 -o handover.html")


def _render_options(f):
    f = click.option("--format", "fmt", type=choice(vocabulary.DOCUMENT_FORMATS),
                     default="html", show_default=True,
                     help="html: one self-contained file that prints well from a browser; "
                          "pdf: needs lpcli[pdf]; md: Markdown for email.")(f)
    f = click.option("-o", "--output", "out_file",
                     type=click.Path(dir_okay=False, path_type=Path),
                     help="File to write (default: stdout for html and md; for pdf, "
                          "documents/CASE-DOCUMENT.pdf in the casebook, which git ignores).")(f)
    f = click.option("--large-print", is_flag=True,
                     help="16-point type or larger throughout, tables as stacked blocks.")(f)
    f = click.option("--language", metavar="CODE",
                     help="The language's catalogue of words, e.g. en or cy (default: "
                          "'language' in lpcli.yaml, else en).")(f)
    f = as_of_option("Print as on this date (default: today).")(f)
    return f


def _write_document(state, kind, case_id, fmt, out_file, large_print, as_of, language,
                    to=None):
    from lpcli.documents import catalogue
    from lpcli.documents import render as rd

    cb = state.casebook
    words = catalogue.load(cb, language)
    if words.from_english:
        shown = ", ".join(words.from_english[:5])
        more = f" and {len(words.from_english) - 5} more" if len(words.from_english) > 5 else ""
        output.warn(f"catalogue {words.code}: {len(words.from_english)} key(s) missing, printed "
                    f"in English: {shown}{more}")
    options = {"today": opt_date(as_of, "--as-of"), "large_print": large_print, "to": to,
               "words": words}
    if out_file is None and fmt == "pdf":
        from lpcli.casebook.setupfiles import documents_folder

        # Into the casebook's documents/ (git ignores it), wherever the command is run.
        out_file = documents_folder(cb.root) / f"{case_id}-{kind}.pdf"
    if out_file is None:
        click.echo(rd.render(cb, kind, case_id, fmt, **options), nl=False)
        return
    output.wrote(out_file, rd.write(cb, kind, case_id, fmt, out_file, **options))
    output.warn_if_tracked_by_accident(cb, out_file)


@examples("lpcli render plan LP-4F7QK-9M2XA > plan.html",
          "lpcli render plan LP-4F7QK-9M2XA --format pdf --large-print",
          "lpcli render plan LP-4F7QK-9M2XA --format md | mail -s 'Your plan' family@example.org")
@subcommand(render, "plan")
@case_argument()
@_render_options
@pass_state
def render_plan(state, case_id, fmt, out_file, large_print, language, as_of):
    """The family's copy of the plan: plain English, A4, page numbers, case ID and date in
    the footer. Contains the child's name and the family's words: hand it to the family."""
    _write_document(state, "plan", case_id, fmt, out_file, large_print, as_of, language)


@examples("lpcli render handover LP-RVKC0-XRF53 --format pdf",
          "lpcli render handover LP-4F7QK-9M2XA --to salt-evans -o planned-handover.html")
@subcommand(render, "handover")
@case_argument()
@click.option("--to", metavar="PRACTITIONER", type=PRACTITIONER,
              help="Prepare the document for a planned handover to this practitioner "
                   "(default: the latest recorded handover).")
@_render_options
@pass_state
def render_handover(state, case_id, to, fmt, out_file, large_print, language, as_of):
    """The handover document for the receiving lead professional or agency.

    Holds only what the family's consent allows for the receiving agency: an agency the
    family refused gets no document, and topics withheld from it (consent.withhold) are
    left out and named as left out.
    """
    _write_document(state, "handover", case_id, fmt, out_file, large_print, as_of, language,
                    to=to)
