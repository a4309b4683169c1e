"""Documents: golden files, the PDF's text, escaping of hostile text, template overrides."""

from __future__ import annotations

import html as htmllib
import os
import re

import pytest

from conftest import FIXTURES
from pseudo import PSEUDO, add_pseudo_catalogue

PLAN_CASE = "LP-4F7QK-9M2XA"
HANDOVER_CASE = "LP-RVKC0-XRF53"   # handed over to Hillcrest Academy, which consent limits
AS_OF = ["--as-of", "2026-11-20"]
GOLDEN = FIXTURES.parent / "golden"
HOSTILE = "<script>alert(1)</script> {{ 7*7 }} & \"quotes\" 'x' \u202eRTL"


OVERDUE_CASE = "LP-JH0F6-6AAVE"   # first review was due 2026-11-11: overdue on 2026-11-20
NO_PLAN_CASE = "LP-YAPSH-JPS2T"   # no assessment, no lead professional, no plan
GOLDEN_DOCUMENTS = [
    *[(kind, case_id, fmt, language, extra)
      for kind, case_id in (("plan", PLAN_CASE), ("handover", HANDOVER_CASE))
      for fmt in ("html", "md") for language in ("en", PSEUDO) for extra in ((),)],
    ("plan", PLAN_CASE, "html", "en", ("--large-print",)),
    ("plan", OVERDUE_CASE, "md", "en", ()), ("plan", OVERDUE_CASE, "html", "en", ()),
    ("plan", NO_PLAN_CASE, "md", "en", ()), ("plan", NO_PLAN_CASE, "html", "en", ()),
]


def _golden_name(kind, case_id, fmt, language, extra) -> str:
    return f"{kind}-{case_id}{''.join(x.replace('--', '.') for x in extra)}.{language}.{fmt}"


@pytest.mark.parametrize("kind, case_id, fmt, language, extra", GOLDEN_DOCUMENTS,
                         ids=[_golden_name(*d) for d in GOLDEN_DOCUMENTS])
def test_golden_documents(book, kind, case_id, fmt, language, extra):
    """Rendered documents match the reviewed golden files, for each document and language
    (LPCLI_UPDATE_GOLDEN=1 rewrites them: review the diff)."""
    if language == PSEUDO:
        add_pseudo_catalogue(book)
    result = book.run("render", kind, case_id, "--format", fmt, "--language", language,
                      *extra, *AS_OF)
    assert result.exit_code == 0, result.output
    golden = GOLDEN / _golden_name(kind, case_id, fmt, language, extra)
    if os.environ.get("LPCLI_UPDATE_GOLDEN"):
        golden.write_text(result.output, encoding="utf-8")
    assert result.output == golden.read_text(encoding="utf-8")


def test_html_is_self_contained_with_print_stylesheet(book):
    html = book.run("render", "plan", PLAN_CASE, *AS_OF).output
    assert "<style>" in html and "@page" in html and "size: A4" in html
    assert "counter(page)" in html and f"Case {PLAN_CASE}" in html
    assert not re.search(r"""(src|href)=["'](?!data:|tel:|mailto:)""", html)  # nothing fetched
    large = book.run("render", "plan", PLAN_CASE, "--large-print", *AS_OF).output
    assert "font-size: 16pt" in large and "font-size: 16pt" not in html


def pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_plan_pdf_holds_what_the_family_needs(book, tmp_path):
    out = tmp_path / "plan.pdf"
    result = book.run("render", "plan", PLAN_CASE, "--format", "pdf", "-o", str(out), *AS_OF)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    text = " ".join(pdf_text(out).split())
    data = book.json("show", PLAN_CASE)
    assert "Amelia Hart" in text and "Millie" in text
    assert "Grace Okafor" in text and "01632 960101" in text
    for action in data["plan"]["actions"]:
        if action["status"] in ("open", "in_progress"):
            assert " ".join(action["text"].split()) in text
    assert "Wednesday 16 December 2026" in text          # the next review, British style
    assert "Page 1 of" in text and f"Case {PLAN_CASE}" in text
    assert "Printed Friday 20 November 2026" in text


def test_pdf_default_file_name(book, tmp_path, monkeypatch):
    """Into the casebook's documents/, which git ignores, wherever it is run from."""
    monkeypatch.chdir(tmp_path)
    assert book.run("render", "plan", PLAN_CASE, "--format", "pdf", *AS_OF).exit_code == 0
    assert (book.root / "documents" / f"{PLAN_CASE}-plan.pdf").exists()
    assert not (tmp_path / f"{PLAN_CASE}-plan.pdf").exists() and book.status() == ""


def test_missing_weasyprint_is_a_clear_error(book, monkeypatch, tmp_path):
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)   # import fails as if not installed
    result = book.run("render", "plan", PLAN_CASE, "--format", "pdf", "-o",
                      str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert "pip install 'lpcli[pdf]'" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_handover_leaves_out_what_consent_withholds(book):
    html = htmllib.unescape(book.run("render", "handover", HANDOVER_CASE, *AS_OF).output)
    assert "Dad left last year" not in html              # family history: withheld
    assert "behind on rent" not in html                  # money matters: withheld
    assert "Stomach aches" in html                       # emotional needs: shared
    assert "Left out at the family's request" in html
    assert "Family life, Home, work and money" in html
    md = book.run("render", "handover", HANDOVER_CASE, "--format", "md", *AS_OF).output
    assert "Dad left" not in md and "behind on rent" not in md


def test_handover_to_a_refused_agency_is_refused(book):
    case = book.case(HANDOVER_CASE)
    case.write_text(case.read_text().replace(
        "    since: 2026-06-24\n", "    since: 2026-06-24\n  - practitioner: po-harding\n"
        "    since: 2026-10-01\n", 1))
    book.commit_all()
    result = book.run("render", "handover", HANDOVER_CASE, "--to", "po-harding")
    assert result.exit_code == 1
    assert "consent:" in result.output and "may not receive information" in result.output
    assert "Ruby" not in result.output


def _hostile_review(book):
    result = book.run("review", PLAN_CASE, "--date", "2026-11-20", "--no-input",
                      "--progress", HOSTILE, "--family-view", HOSTILE,
                      env={"LPCLI_TODAY": "2026-11-20"})
    assert result.exit_code == 0, result.output


def test_hostile_text_renders_literally_in_html(book):
    _hostile_review(book)
    html = book.run("render", "plan", PLAN_CASE, *AS_OF).output
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} &amp; &#34;quotes&#34; &#39;x&#39;" \
        in html
    assert "49" not in html.split("At the last meeting")[1][:2000]
    assert "\u202e" not in html and "[U+202E]RTL" in html


def test_hostile_text_renders_literally_in_markdown(book):
    _hostile_review(book)
    md = book.run("render", "plan", PLAN_CASE, "--format", "md", *AS_OF).output
    assert r"\<script\>alert(1)\</script\> {{ 7\*7 }} \& " in md
    assert "<script>" not in md and "\u202e" not in md


def test_hostile_text_renders_literally_in_pdf(book, tmp_path):
    _hostile_review(book)
    out = tmp_path / "p.pdf"
    assert book.run("render", "plan", PLAN_CASE, "--format", "pdf", "-o", str(out),
                    *AS_OF).exit_code == 0
    text = pdf_text(out)
    assert "<script>alert(1)</script> {{ 7*7 }}" in text


def test_casebook_template_override_changes_output(book):
    templates = book.root / "templates"
    templates.mkdir()
    (templates / "plan.md.j2").write_text("Our own plan for {{ child.known_as }} "
                                          "({{ case_id }}), next review {{ next_review.date }}\n")
    out = book.run("render", "plan", PLAN_CASE, "--format", "md", *AS_OF).output
    assert out == f"Our own plan for Millie ({PLAN_CASE}), next review Wednesday 16 December 2026\n"
    # Overriding the base page changes every HTML document.
    (templates / "base.html.j2").write_text("<p>{{ agency }} custom</p>{% block content %}"
                                            "{% endblock %}")
    assert "Riverside Family Hub custom" in book.run("render", "plan", PLAN_CASE).output


@pytest.mark.parametrize("body, expect", [
    ("{{ ''.__class__.__mro__ }}", "unsafe"),
    ("{{ [].__class__.__base__.__subclasses__() }}", "unsafe"),
    ("{% for x in child.__class__.__subclasses__() %}{{ x }}{% endfor %}", "unsafe"),
    ("{{ cycler.__init__.__globals__ }}", "unsafe"),
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
     "longer than"),
    ("{% for i in range(99999) %}{{ 'x' * 99999 }}{% endfor %}", "more than"),
    ("{{ nonexistent_variable }}", "undefined"),
    ("{% if %}", "TemplateSyntaxError"),
])
def test_hostile_template_override_fails_clearly(book, body, expect, monkeypatch):
    monkeypatch.setenv("LPCLI_RENDER_SECONDS", "1")
    templates = book.root / "templates"
    templates.mkdir()
    (templates / "plan.md.j2").write_text("Line one\n" + body + "\n")
    result = book.run("render", "plan", PLAN_CASE, "--format", "md")
    assert result.exit_code == 2, result.output
    assert "plan.md.j2" in result.output and expect.lower() in result.output.lower()
    assert "Traceback" not in result.output
    if expect not in ("longer than", "more than"):
        assert "line 2" in result.output
    assert "casebook's own templates/plan.md.j2" in result.output
