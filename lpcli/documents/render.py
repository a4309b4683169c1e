"""The documents families and colleagues receive: the family plan and the handover document.

Rendering has two steps: ``models`` turns a case into a plain view model (consent applied
there), then ``templates`` renders it with a sandboxed template; PDF is made from the HTML.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lpcli.casebook.book import Casebook
from lpcli.core import dates
from lpcli.core.errors import EnvironmentProblem
from lpcli.documents import catalogue
from lpcli.documents.catalogue import Catalogue
from lpcli.documents.models import handover_model, plan_model
from lpcli.documents.templates import render_template


def render(casebook: Casebook, kind: str, case_id: str, fmt: str, *,
           today: dt.date | None = None, large_print: bool = False,
           to: str | None = None, language: str | None = None,
           words: Catalogue | None = None) -> str | bytes:
    """The document as text (html, md) or bytes (pdf), in ``language`` (default: the
    casebook's ``language`` setting, else English)."""
    today = today or dates.today(casebook.settings)
    words = words or catalogue.load(casebook, language)
    model = (plan_model(casebook, case_id, today, words) if kind == "plan"
             else handover_model(casebook, case_id, today, words, to))
    model.update(large_print=large_print, document=kind, t=words.data,
                 lang=words.language, dir=words.direction)
    if fmt == "md":
        return render_template(casebook, f"{kind}.md.j2", "md", model, words)
    html = render_template(casebook, f"{kind}.html.j2", "html", model, words)
    if fmt == "html":
        return html
    return html_to_pdf(html)


def html_to_pdf(html: str) -> bytes:
    try:
        from weasyprint import HTML
    except ImportError:
        raise EnvironmentProblem(
            "PDF output needs WeasyPrint, which is not installed",
            hint="install it with: pip install 'lpcli[pdf]' (or use --format html and print "
                 "from a browser)")
    except OSError as exc:  # WeasyPrint is there but its system libraries (Pango) are not
        raise EnvironmentProblem(f"WeasyPrint cannot start: {exc}",
                                 hint="install Pango, e.g. 'apt-get install libpango-1.0-0 "
                                      "libpangoft2-1.0-0'")
    # No base URL and no fetching: the HTML is self-contained, and a casebook template must
    # not make WeasyPrint read local files or reach the network.

    def no_fetch(url, *args, **kwargs):
        if url.startswith("data:"):
            from weasyprint.urls import default_url_fetcher

            return default_url_fetcher(url, *args, **kwargs)
        raise ValueError("external resources are not loaded")

    # PDF/UA-1: a tagged PDF (headings, lists, tables with header cells) with the document's
    # language and title, which screen readers need.
    return HTML(string=html, url_fetcher=no_fetch).write_pdf(pdf_variant="pdf/ua-1")


def write(casebook: Casebook, kind: str, case_id: str, fmt: str, path: Path, **options) -> int:
    """Render a document into ``path``: its folder made if missing (a new casebook has no
    documents/ yet), written atomically and private to its owner. Returns its size."""
    from lpcli.files.safeio import atomic_write_bytes

    doc = render(casebook, kind, case_id, fmt, **options)
    data = doc if isinstance(doc, bytes) else doc.encode("utf-8")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(Path(path), data)
    return len(data)
