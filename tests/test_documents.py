"""Documents a family can use at a glance and anyone can read (issue 16): page 1 of the plan,
the next meeting never in the past, catalogues of words per language, tagged PDFs, large
print, phones, and Markdown that says what the HTML says."""

from __future__ import annotations

import html as htmllib
import math
import re

import pytest

from conftest import EXAMPLE
from lpcli.core import vocabulary
from lpcli.core.resources import catalogues_dir
from lpcli.documents.catalogue import LANGUAGE_CODE, segments
from lpcli.files.loader import load_file
from pseudo import PSEUDO, add_pseudo_catalogue

AS_OF = ["--as-of", "2026-11-20"]
PLAN_CASE = "LP-4F7QK-9M2XA"
HANDOVER_CASE = "LP-RVKC0-XRF53"
OVERDUE = ("LP-JH0F6-6AAVE", "LP-KHGQ2-5F0Q3")   # reviews due 2026-11-11 and 2026-10-28
ALL_CASES = sorted(p.stem for p in (EXAMPLE / "cases").glob("*.yaml"))
ENGLISH = load_file(catalogues_dir() / "en.yaml").data


def _pdf(book, tmp_path, *args, name="doc.pdf"):
    out = tmp_path / name
    result = book.run("render", *args, "--format", "pdf", "-o", str(out), *AS_OF)
    assert result.exit_code == 0, result.output
    from pypdf import PdfReader

    return PdfReader(str(out))


def _squash(text: str) -> str:
    return " ".join(text.split())


def html_text(html: str) -> str:
    html = re.sub(r"(?s)<style>.*?</style>", " ", html)
    return _squash(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)))


def md_text(md: str) -> str:
    return _squash(re.sub(r"\\(.)", r"\1", md))


# -- page 1 of the family's plan ---------------------------------------------------------------

def _next_meeting(book, case_id):
    from lpcli.casebook.book import Casebook
    from lpcli.documents.models import next_meeting
    import datetime as dt

    cb = Casebook(book.root)
    return next_meeting(cb.read_case(case_id), cb.settings, dt.date(2026, 11, 20))


@pytest.mark.parametrize("large", [False, True], ids=["print", "large-print"])
def test_page_one_says_who_to_call_and_when_we_next_meet(book, tmp_path, large):
    """On page 1 of every example plan: the main contact's phone, and the next meeting's
    date, time and place, or that it is being arranged and who will call."""
    directory = {p["id"]: p for p in book.json("practitioner", "list", "--all")}
    extra = ["--large-print"] if large else []
    for case_id in ALL_CASES:
        data = book.json("show", case_id)
        page1 = _squash(_pdf(book, tmp_path, "plan", case_id, *extra).pages[0].extract_text())
        lead = (data.get("lead_professional") or {}).get("practitioner")
        caller = directory[lead or data["opened_by"]]
        assert caller["name"] in page1, case_id
        if caller.get("phone"):
            assert caller["phone"] in page1, case_id
        meeting = _next_meeting(book, case_id)
        if meeting["state"] == "booked":
            from lpcli.documents.catalogue import load

            words = load(None)
            assert words.date(meeting["date"]) in page1, case_id
            assert f"Time: {words.time(meeting['time'])}" in page1, case_id
            assert f"Place: {meeting['venue']}" in page1, case_id
        elif meeting["state"] == "overdue":
            assert "We are arranging the next meeting" in page1, case_id
            assert f"{caller['name']} will call you" in page1, case_id
        if not large:
            assert "Who to call" in page1 and "When we next meet" in page1, case_id
            assert "What happens next" in page1, case_id


def test_every_example_plan_with_a_review_to_come_has_its_time_and_place(book):
    states = {c: _next_meeting(book, c) for c in ALL_CASES}
    booked = [c for c, m in states.items() if m["state"] == "booked"]
    assert len(booked) >= 5
    assert all(states[c]["time"] and states[c]["venue"] for c in booked)
    assert {c for c, m in states.items() if m["state"] == "overdue"} == set(OVERDUE)


@pytest.mark.parametrize("case_id", OVERDUE)
def test_an_overdue_review_is_never_printed_as_the_next(book, case_id):
    due = {"LP-JH0F6-6AAVE": "Wednesday 11 November 2026",
           "LP-KHGQ2-5F0Q3": "Wednesday 28 October 2026"}[case_id]
    for fmt in ("html", "md"):
        out = book.run("render", "plan", case_id, "--format", fmt, *AS_OF).output
        text = html_text(out) if fmt == "html" else md_text(out)
        assert due not in text
        assert "We are arranging the next meeting" in text
    lead = book.json("show", case_id)["lead_professional"]["practitioner"]
    handover = book.run("render", "handover", case_id, "--to", "fs-ahmed" if lead != "fs-ahmed"
                        else "hv-jones", "--format", "md", *AS_OF)
    assert handover.exit_code == 0, handover.output
    section = md_text(handover.output).split("## Next review")[1].split("##")[0]
    assert f"Overdue: it was due on {due} and has not been held" in section


def test_a_review_recorded_with_a_time_is_on_page_one(book, tmp_path):
    assert book.run("review", PLAN_CASE, "--date", "2026-11-20", "--progress", "Good",
                    "--next-review", "2027-01-13", "--next-review-time", "09:15",
                    "--next-review-venue", "Family room").exit_code == 0
    page1 = _squash(_pdf(book, tmp_path, "plan", PLAN_CASE).pages[0].extract_text())
    assert "Wednesday 13 January 2027" in page1 and "Time: 9:15am" in page1
    assert "Place: Family room" in page1


def test_a_plan_without_a_plan_yet_says_why_the_goals_are_empty(book):
    case_id = "LP-YAPSH-JPS2T"
    why = ENGLISH["plan"]["change_no_plan"]
    html = html_text(book.run("render", "plan", case_id, *AS_OF).output)
    md = md_text(book.run("render", "plan", case_id, "--format", "md", *AS_OF).output)
    assert why in html and why in md
    assert ENGLISH["plan"]["no_lead"] in md and "Until then, please call Megan Jones." in md


# -- Markdown and HTML say the same ------------------------------------------------------------

def _fragments(text: str):
    for kind, value in segments(text):
        if kind == "text" and len(value.strip(" .:,")) >= 15:
            yield value.strip(" .:,")


@pytest.mark.parametrize("case_id", ["LP-4F7QK-9M2XA", "LP-JH0F6-6AAVE", "LP-YAPSH-JPS2T",
                                     "LP-TX681-MBQS9", "LP-NYJ7Z-JD187", "LP-4T13D-MWNHN"])
def test_markdown_gives_the_same_explanations_as_html(book, case_id):
    html = html_text(book.run("render", "plan", case_id, *AS_OF).output)
    md = md_text(book.run("render", "plan", case_id, "--format", "md", *AS_OF).output)
    for key, sentence in ENGLISH["plan"].items():
        if key.startswith("col_") or key == "document_title":
            continue  # column headings: the Markdown has lists, not tables
        for fragment in _fragments(sentence):
            if fragment in html:
                assert fragment in md, (case_id, key)


def test_markdown_contact_block_is_a_list(book):
    md = book.run("render", "plan", PLAN_CASE, "--format", "md", *AS_OF).output
    block = md.split("## Who to call\n\n")[1].split("\n\n")[0].splitlines()
    assert block == ["- **Grace Okafor**, Learning mentor, Brookside Primary School",
                     "- Phone: **01632 960101**", "- Email: g.okafor@brookside.example.org"]
    # Every action is a list item of its own, its details a nested list (nothing runs on).
    plan = md.split("## What we want to change")[1].split("## At the last")[0]
    assert "- **Practise the speech cards at home three evenings a week.**\n" \
           "  - Who: Sarah Hart (mother)\n  - By when: Friday 18 December 2026\n" \
           "  - How it is going: Under way\n" in plan


# -- catalogues --------------------------------------------------------------------------------

def _case_strings(book, case_ids) -> list[str]:
    """Every text the records hold (case files, the directory, the agency): a document may
    print these, in whatever language they were typed."""
    codes = {v for t in vars(vocabulary).values() if isinstance(t, tuple) for v in t}
    found = {load_file(book.root / "lpcli.yaml").data["agency"]}

    def walk(node):
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str) and node not in codes:
            found.add(_squash(node))

    for case_id in case_ids:
        walk(book.json("show", case_id))
    walk(book.json("practitioner", "list", "--all"))
    return sorted(found, key=len, reverse=True)


def _english_left(text: str, strings: list[str]) -> list[str]:
    for s in strings:
        text = text.replace(s, " ")
    return re.findall(r"[A-Za-z]{2,}", text)


def test_a_second_catalogue_changes_every_word_of_every_document(book, tmp_path):
    """With the pseudo-language catalogue, what is left once the records' own text is taken
    out has no English word: every label, sentence, date and month came from the catalogue."""
    add_pseudo_catalogue(book)
    strings = _case_strings(book, ALL_CASES)
    docs = []
    for case_id in ALL_CASES:
        for fmt in ("html", "md"):
            result = book.run("render", "plan", case_id, "--format", fmt, "--language", PSEUDO,
                              *AS_OF)
            assert result.exit_code == 0, (case_id, result.output)
            docs.append((case_id, fmt, result.output))
    for args in (["--large-print"], ["--to", "fs-ahmed", "--format", "md"],
                 ["--format", "md"], []):
        result = book.run("render", "handover", HANDOVER_CASE, "--language", PSEUDO, *args,
                          *AS_OF)
        assert result.exit_code == 0, result.output
        docs.append((HANDOVER_CASE, "md" if "md" in args else "html", result.output))
    for case_id, fmt, out in docs:
        text = html_text(out) if fmt == "html" else md_text(out)
        assert not _english_left(text, strings), (case_id, fmt, _english_left(text, strings))
    for args in (["plan", PLAN_CASE], ["plan", PLAN_CASE, "--large-print"],
                 ["handover", HANDOVER_CASE]):
        reader = _pdf(book, tmp_path, *args, "--language", PSEUDO)
        text = _squash(" ".join(page.extract_text() for page in reader.pages))
        assert not _english_left(text, strings), (args, _english_left(text, strings))
        assert reader.trailer["/Root"]["/Lang"] == "qps-ploc"


def test_the_language_setting_chooses_the_catalogue(book):
    add_pseudo_catalogue(book)
    settings = book.root / "lpcli.yaml"
    settings.write_text(settings.read_text() + f"language: {PSEUDO}\n")
    out = book.run("render", "plan", PLAN_CASE, "--format", "md", *AS_OF).output
    assert "Ŵéďñéšďáý 16 Ďéçéṁƀéŕ 2026" in out and "Wednesday" not in out
    assert "<html lang=\"qps-ploc\"" in book.run("render", "plan", PLAN_CASE, *AS_OF).output
    english = book.run("render", "plan", PLAN_CASE, "--language", "en", "--format", "md",
                       *AS_OF).output
    assert "Wednesday 16 December 2026" in english


def test_the_language_setting_is_bounded(book):
    settings = book.root / "lpcli.yaml"
    original = settings.read_text()
    for bad in ("english language", "../etc/passwd", "x" * 40):
        settings.write_text(original + f"language: '{bad}'\n")
        result = book.run("validate")
        assert result.exit_code == 1 and "language" in result.output, bad
    from lpcli.check.schema import load_schema

    pattern = load_schema("settings")["properties"]["language"]["pattern"]
    assert pattern == f"^{LANGUAGE_CODE.pattern}$"


def test_a_council_rewords_english_with_a_partial_catalogue(book):
    (book.root / "catalogues").mkdir()
    (book.root / "catalogues" / "en.yaml").write_text(
        'plan:\n  call_heading: "Your key worker"\n')
    result = book.run("render", "plan", PLAN_CASE, "--format", "md", *AS_OF)
    assert result.exit_code == 0 and "## Your key worker" in result.output
    assert "warning" not in result.output


def test_a_new_language_missing_keys_is_completed_from_english_and_says_so(book):
    (book.root / "catalogues").mkdir()
    (book.root / "catalogues" / "cy.yaml").write_text(
        'meta:\n  language: cy\n  name: Cymraeg\n  direction: ltr\n'
        'plan:\n  call_heading: "Pwy i ffonio"\n')
    result = book.run("render", "plan", PLAN_CASE, "--format", "md", "--language", "cy", *AS_OF)
    assert result.exit_code == 0
    assert "## Pwy i ffonio" in result.stdout and "## When we next meet" in result.stdout
    assert "catalogue cy:" in result.stderr and "printed in English" in result.stderr
    assert "Amelia" not in result.stderr


@pytest.mark.parametrize("body, expect", [
    ('plan:\n  call_heading: "Pwy"\n  bogus: "x"\n', "3:3: plan.bogus: unknown key"),
    ('plan:\n  title: "{child_name}"\n', "plan.title: has {child_name}"),
    ("dates:\n  months: [Ionawr]\n", "dates.months: must be a list of 12 words"),
    ('plan:\n  title: "**{name}"\n', "odd number of **"),
    ("meta:\n  direction: upwards\n", "meta.direction: must be ltr or rtl"),
    ("plan: [\n", "catalogues/cy.yaml:"),
    ("- just a list\n", "must hold a mapping"),
])
def test_a_broken_catalogue_is_refused_with_its_place(book, body, expect):
    (book.root / "catalogues").mkdir()
    (book.root / "catalogues" / "cy.yaml").write_text(body)
    result = book.run("render", "plan", PLAN_CASE, "--language", "cy", *AS_OF)
    assert result.exit_code == 2 and expect in result.output, result.output
    assert "Traceback" not in result.output


def test_catalogues_are_read_like_templates(book, tmp_path):
    folder = book.root / "catalogues"
    folder.mkdir()
    secret = tmp_path / "secret.yaml"
    secret.write_text("plan:\n  title: secret\n")
    (folder / "cy.yaml").symlink_to(secret)
    result = book.run("render", "plan", PLAN_CASE, "--language", "cy")
    assert result.exit_code == 2 and "symbolic link" in result.output
    (folder / "cy.yaml").unlink()
    folder.rmdir()
    (book.root / "catalogues").symlink_to(tmp_path)
    result = book.run("render", "plan", PLAN_CASE, "--language", "cy")
    assert result.exit_code == 2 and "catalogues/ is a symbolic link" in result.output


@pytest.mark.parametrize("code, expect", [("xx", "no catalogue for the language 'xx'"),
                                          ("../en", "a language is named by its code")])
def test_an_unknown_language_is_a_clear_error(book, code, expect):
    result = book.run("render", "plan", PLAN_CASE, "--language", code)
    assert result.exit_code == 2 and expect in result.output
    assert "languages here: en" in result.output or "code" in result.output


def test_the_english_catalogue_has_words_for_every_code():
    labels = ENGLISH["labels"]
    assert tuple(labels["element"]) == vocabulary.ELEMENTS
    assert tuple(labels["domain"]) == vocabulary.DOMAINS
    assert tuple(labels["agency_type"]) == vocabulary.AGENCY_TYPES
    assert tuple(labels["action_status"]) == vocabulary.ACTION_STATUSES
    assert tuple(labels["statutory"]) == vocabulary.STATUTORY_STATUSES
    assert tuple(labels["sen_status"]) == vocabulary.SEN_STATUSES
    assert tuple(labels["transition"]) == vocabulary.TRANSITIONS
    assert set(labels["satisfaction"]) == set(vocabulary.SATISFACTION) - {"not_asked"}
    assert tuple(labels["topic"]) == vocabulary.OTHER_TOPICS
    assert tuple(labels["safeguarding"]) == vocabulary.SAFEGUARDING_GROUNDS
    assert len(ENGLISH["dates"]["months"]) == 12 and len(ENGLISH["dates"]["weekdays"]) == 7


def test_catalogue_text_is_escaped_like_case_text(book):
    (book.root / "catalogues").mkdir()
    (book.root / "catalogues" / "en.yaml").write_text(
        'plan:\n  lead_intro: "<script>x</script> [link](http://x) **{{ 7*7 }}** {name}"\n')
    html = book.run("render", "plan", PLAN_CASE, *AS_OF).output
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<strong>{{ 7*7 }}</strong>" in html
    md = book.run("render", "plan", PLAN_CASE, "--format", "md", *AS_OF).output
    assert r"\<script\>x\</script\> \[link\](http://x) **{{ 7\*7 }}**" in md


# -- accessible PDFs, large print, phones --------------------------------------------------------

def _structure(reader) -> list[str]:
    found = []

    def walk(node):
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if node.get("/S"):
            found.append(str(node["/S"]))
        kids = node.get("/K")
        if kids is None:
            return
        kids = kids.get_object()
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.mark.parametrize("kind, case_id", [("plan", PLAN_CASE), ("handover", HANDOVER_CASE)])
def test_pdf_is_tagged_with_language_title_headings_and_table_headers(book, tmp_path, kind,
                                                                      case_id):
    reader = _pdf(book, tmp_path, kind, case_id)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    assert reader.metadata.title == ("Millie's plan" if kind == "plan"
                                     else f"Handover: case {case_id}")
    assert b'pdfuaid:part="1"' in reader.xmp_metadata.stream.get_data()   # PDF/UA-1
    tags = _structure(reader)
    assert tags.count("/H1") == 1 and tags.count("/H2") >= 5
    assert {"/Table", "/TH", "/TD", "/TR", "/L", "/LI", "/P", "/Link"} <= set(tags)


def _text_sizes(reader) -> dict[float, list[str]]:
    sizes = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
            sizes.setdefault(round(size * scale, 1), []).append(text.strip())

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return sizes


def test_large_print_is_16pt_or_more_everywhere_and_reflows(book, tmp_path):
    reader = _pdf(book, tmp_path, "plan", PLAN_CASE, "--large-print")
    sizes = _text_sizes(reader)
    assert min(sizes) >= 16, {k: v[:3] for k, v in sizes.items() if k < 16}
    text = _squash(" ".join(page.extract_text() for page in reader.pages))
    assert "Page 1 of" in text and f"Case {PLAN_CASE}" in text   # the footer, at 16pt too
    for action in book.json("show", PLAN_CASE)["plan"]["actions"]:
        assert action["text"] in text        # every action's text whole, in one block
    assert "/Table" not in _structure(reader)   # stacked blocks, not squeezed columns
    handover = _pdf(book, tmp_path, "handover", HANDOVER_CASE, "--large-print", name="h.pdf")
    assert min(_text_sizes(handover)) >= 16
    ordinary = _text_sizes(_pdf(book, tmp_path, "plan", PLAN_CASE, name="o.pdf"))
    assert min(ordinary) < 16     # the check can tell


def test_html_works_on_a_phone_and_prints_on_a4(book):
    html = book.run("render", "plan", PLAN_CASE, *AS_OF).output
    assert 'href="tel:01632960101"' in html
    assert 'href="mailto:g.okafor@brookside.example.org"' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "@media screen and (max-width: 40em)" in html and "content: attr(data-label)" in html
    assert 'data-label="Phone"' in html and '<th scope="col">' in html
    assert "size: A4" in html and "@media print" in html


def test_html_on_a_phone_width_cuts_nothing_off(book, tmp_path):
    """Laid out as a phone's browser would (screen media, 360 pixels wide), no box is wider
    than the screen."""
    for kind, case_id in (("handover", HANDOVER_CASE), ("plan", PLAN_CASE)):
        html = book.run("render", kind, case_id, *AS_OF).output
        _laid_out_on_a_phone(html)


def _laid_out_on_a_phone(html):
    from weasyprint import CSS, HTML

    # WeasyPrint takes media types but not media features, so the phone's rules (the block
    # under '@media screen and (max-width: 40em)') are added at the end of the page's own.
    phone = html.split("@media screen and (max-width: 40em) {", 1)[1].split("\n  }\n", 1)[0]
    html = html.replace("</style>", phone + "\n</style>", 1)
    doc = HTML(string=html, media_type="screen").render(stylesheets=[CSS(string=(
        "@page { size: 360px 4000px !important; margin: 0 !important }"))])
    widest = []

    def walk(box):
        widest.append((box.position_x + box.margin_width(), getattr(box, "element_tag", "")))
        for child in getattr(box, "children", []):
            walk(child)

    for page in doc.pages:
        for child in page._page_box.children:
            walk(child)
    too_wide = [(round(x), tag) for x, tag in widest if x > 360.5]
    assert not too_wide, too_wide[:5]


def test_every_part_of_a_review_prints_in_the_handover(book):
    assert book.run("review", PLAN_CASE, "--date", "2026-11-20", "--progress", "Steady",
                    "--changed-circumstances", "New flat", "--plan-changes", "Fewer visits",
                    "--signposting", "Parenting course", "--family-view", "Happier").exit_code == 0
    for fmt, text in (("html", html_text), ("md", md_text)):
        result = book.run("render", "handover", PLAN_CASE, "--to", "salt-evans", "--format", fmt,
                          *AS_OF)
        assert result.exit_code == 0, result.output
        out = text(result.output)
        for words in ("Steady New flat", "Fewer visits", "Signposting: Parenting course",
                      "“Happier”" if fmt == "md" else "Happier"):
            assert words in out, (fmt, words)


def test_a_first_review_booked_in_the_plan_is_on_page_one(book):
    case = book.case("LP-JH0F6-6AAVE")
    case.write_text(case.read_text().replace(
        "  first_review_venue: Riverside Family Hub\n",
        "  first_review: 2026-12-02\n  first_review_time: '10:00'\n"
        "  first_review_venue: Riverside Family Hub\n", 1))
    book.commit_all()
    assert book.run("validate", str(case)).exit_code == 0
    md = md_text(book.run("render", "plan", "LP-JH0F6-6AAVE", "--format", "md", *AS_OF).output)
    meeting = md.split("## When we next meet")[1].split("##")[0]
    assert "**Wednesday 2 December 2026** - Time: 10am - Place: Riverside Family Hub" in meeting
    assert "arranging" not in meeting


def test_a_closed_case_says_the_work_has_ended(book):
    md = md_text(book.run("render", "plan", "LP-VBTYV-7SAWT", "--format", "md", *AS_OF).output)
    assert ENGLISH["plan"]["meeting_closed"] in md and ENGLISH["plan"]["next_closed"] in md
    assert "Our work together has ended. If you need help again, please call" in md
    assert ENGLISH["plan"]["no_lead"] not in md
