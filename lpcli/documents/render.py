"""The documents families and colleagues receive: the family plan and the handover document.

Rendering has two steps. ``plan_model`` / ``handover_model`` turn a case into a plain *view
model*: friendly labels, names resolved from the directory, dates as ``datetime.date``, and
consent applied (what the receiving agency may not have is never in the model, so no template
— not even a casebook's own — can print it). Then a template renders the model.

Templates come from the casebook's ``templates/`` folder first, then lpcli's. Casebook
templates are untrusted: they run in Jinja2's immutable sandbox, with strict undefined
variables, a time limit and an output size limit, and every value is escaped for the output
format. Right-to-left and other bidirectional control characters in case text are shown as
visible codes, so they cannot reorder what the page says.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

from lpcli.core import dates
from lpcli.check import facts
from lpcli.core.vocabulary import OPEN_ACTION_STATUSES
from lpcli.casebook.book import Casebook
from lpcli.core.errors import EnvironmentProblem, LpcliError
from lpcli.check.facts import consent_allows
from lpcli.core.resources import templates_dir
from lpcli.check.facts import last_review, next_review_due

FORMATS = ("html", "pdf", "md")
RENDER_SECONDS = 10
MAX_OUTPUT = 5 * 1024 * 1024

ELEMENT_LABELS = {
    "development_of_child.health": "Health",
    "development_of_child.emotional_social": "Feelings and getting on with others",
    "development_of_child.behavioural": "Behaviour",
    "development_of_child.identity": "Confidence and identity",
    "development_of_child.family_social_relationships": "Family and friends",
    "development_of_child.self_care": "Looking after themselves",
    "development_of_child.learning": "Learning and school",
    "parents_and_carers.basic_care_safety": "Everyday care and keeping safe",
    "parents_and_carers.emotional_warmth_stability": "Love, warmth and stability",
    "parents_and_carers.guidance_boundaries": "Routines, guidance and boundaries",
    "family_and_environment.family_history": "Family life",
    "family_and_environment.wider_family": "Wider family",
    "family_and_environment.housing_employment_finance": "Home, work and money",
    "family_and_environment.social_community": "Community and local support",
}
DOMAIN_LABELS = {
    "development_of_child": "The child's development",
    "parents_and_carers": "Parents and carers",
    "family_and_environment": "Family and environment",
}
AGENCY_TYPE_LABELS = {
    "education": "schools and colleges", "early_years": "nurseries and early years settings",
    "health": "health services", "mental_health": "mental health services",
    "social_care": "children's social care", "housing": "housing services",
    "police": "the police", "youth_justice": "youth justice services",
    "voluntary": "voluntary and community groups", "family_support": "family support services",
    "adult_services": "adult services", "other": "other services",
}
ACTION_STATUS = {"open": "Not started yet", "in_progress": "Under way", "done": "Done",
                 "dropped": "No longer needed"}
STATUTORY_LABELS = {
    "none": "None", "child_in_need": "Child in need", "child_protection_plan":
    "Child protection plan", "looked_after": "Looked after",
    "complex_needs_key_worker": "Key worker for complex needs", "care_leaver": "Care leaver",
}
TRANSITION_LABELS = {
    "school_change": "Change of school", "adult_services": "Move to adult services",
    "moved_area": "Moved to another area", "step_up": "Step up to social care",
    "step_down": "Step down to universal services",
    "lp_leaving_post": "Lead professional leaving post", "other": "Other",
}
SATISFACTION = {"very_satisfied": "very satisfied", "satisfied": "satisfied",
                "mixed": "had mixed feelings", "dissatisfied": "not satisfied"}
TOPIC_LABELS = {**ELEMENT_LABELS, **DOMAIN_LABELS, "address": "the address",
                "family_contacts": "family contact details",
                "views": "the child's and family's views", "reviews": "review records",
                "disability_sen": "disability and special educational needs"}


class RenderError(LpcliError):
    """A template failed: bad syntax, a sandbox violation, an unknown variable, too slow."""

    exit_code = 2


# -- view models ------------------------------------------------------------------------------

def _d(value):
    return facts.as_date(value)


def _child(data) -> dict:
    child = data.get("child") or {}
    given, family = child.get("given_name", ""), child.get("family_name", "")
    return {"name": f"{given} {family}".strip(), "given_name": given, "family_name": family,
            "known_as": child.get("known_as") or given,
            "date_of_birth": _d(child.get("date_of_birth")),
            "expected_date": _d(child.get("expected_date")),
            "school": (child.get("school") or {}).get("name"),
            "year_group": (child.get("school") or {}).get("year_group"),
            "address": _address(child.get("address")),
            "languages": child.get("languages") or [],
            "disability_sen": _sen(child.get("disability_sen"))}


# The view model gives every optional field a value (None when absent), so that templates,
# which run with strict undefined variables, need no 'is defined' tests.
def _address(a):
    if not isinstance(a, dict):
        return None
    return {"lines": a.get("lines") or [], "postcode": a.get("postcode")}


def _sen(s):
    if not isinstance(s, dict):
        return None
    return {"sen_status": s.get("sen_status"), "disability": s.get("disability"),
            "details": s.get("details")}


def _person(directory, pid, team_role=None) -> dict:
    p = directory.get(pid)
    if p is None:
        return {"id": pid, "name": pid, "role": team_role or "", "agency": "", "phone": None,
                "email": None}
    return {"id": pid, "name": p.name, "role": team_role or p.data.get("role", ""),
            "job_title": p.data.get("role", ""), "agency": p.agency,
            "agency_type": p.agency_type, "phone": p.data.get("phone"),
            "email": p.data.get("email")}


def _owner(data, directory, owner, child) -> str:
    family = {m.get("id"): m for m in data.get("family") or [] if isinstance(m, dict)}
    if owner == "child":
        return child["known_as"]
    if owner in family:
        m = family[owner]
        return f"{m.get('name')} ({m.get('relationship')})"
    p = directory.get(owner)
    return f"{p.name} ({p.data.get('role', '')})" if p else owner


def _needs(data, withheld=frozenset()) -> dict:
    """Strengths and worries by area, with the family's words where recorded."""
    domains = ((data.get("assessment") or {}).get("domains") or {})
    going_well, worries, by_domain = [], [], []
    for domain, elements in domains.items():
        if domain in withheld or not isinstance(elements, dict):
            continue
        rows = []
        for element, entry in elements.items():
            ref = f"{domain}.{element}"
            if ref in withheld or not isinstance(entry, dict):
                continue
            label = ELEMENT_LABELS.get(ref, element.replace("_", " ").capitalize())
            if entry.get("strengths"):
                going_well.append({"area": label, "text": entry["strengths"]})
            if entry.get("needs"):
                worries.append({"area": label, "text": entry["needs"],
                                "family_words": entry.get("family_words")})
            rows.append({"area": label, "strengths": entry.get("strengths"),
                         "needs": entry.get("needs"), "family_words": entry.get("family_words"),
                         "agency": entry.get("agency")})
        if rows:
            by_domain.append({"domain": DOMAIN_LABELS.get(domain, domain), "elements": rows})
    return {"going_well": going_well, "worries": worries, "by_domain": by_domain}


def _agency_words(refs) -> list[str]:
    return [AGENCY_TYPE_LABELS.get(str(r), str(r)) for r in refs or []]


def _plan(data, directory, child, today) -> dict:
    plan = data.get("plan") if isinstance(data.get("plan"), dict) else {}
    actions = []
    for a in plan.get("actions") or []:
        if not isinstance(a, dict):
            continue
        due = _d(a.get("due"))
        actions.append({"id": a.get("id"), "outcome": a.get("outcome"), "text": a.get("text"),
                        "owner": _owner(data, directory, a.get("owner"), child),
                        "owner_id": a.get("owner"), "due": due,
                        "status": a.get("status"),
                        "status_label": ACTION_STATUS.get(a.get("status"), a.get("status")),
                        "open": a.get("status") in OPEN_ACTION_STATUSES,
                        "late": a.get("status") in OPEN_ACTION_STATUSES and due is not None
                        and due < today})
    outcomes = []
    for o in plan.get("outcomes") or []:
        if isinstance(o, dict):
            outcomes.append({"id": o.get("id"), "text": o.get("text"),
                             "measure": o.get("measure"),
                             "actions": [a for a in actions if a["outcome"] == o.get("id")]})
    loose = [a for a in actions if a["outcome"] not in {o["id"] for o in outcomes}]
    return {"agreed": _d(plan.get("agreed")), "outcomes": outcomes, "actions": actions,
            "other_actions": loose, "open_actions": [a for a in actions if a["open"]]}


def _review(r, directory, data, child) -> dict:
    return {"date": _d(r.get("date")), "progress": r.get("progress"),
            "changed_circumstances": r.get("changed_circumstances"),
            "plan_changes": r.get("plan_changes"), "family_view": r.get("family_view"),
            "child_view": r.get("child_view"),
            "practitioner_views": r.get("practitioner_views"),
            "signposting": r.get("signposting"), "exit_strategy": r.get("exit_strategy"),
            "family_satisfaction": SATISFACTION.get(r.get("family_satisfaction")),
            "within_timescales": r.get("within_timescales"),
            "next_review": _d(r.get("next_review")),
            "attendees": [_owner(data, directory, x, child) for x in r.get("attendees") or []]}


def _common(casebook: Casebook, data: dict, today: dt.date) -> dict:
    settings = casebook.settings
    directory = casebook.directory
    child = _child(data)
    lead_id = facts.current_lead(data)
    team = []
    for m in data.get("team") or []:
        if isinstance(m, dict) and not _d(m.get("until")) and m.get("practitioner") != lead_id:
            person = _person(directory, m.get("practitioner"), m.get("role"))
            if m.get("agency"):
                person["agency"] = m["agency"]
            team.append(person)
    lead = None
    if lead_id:
        role = next((m.get("role") for m in data.get("team") or []
                     if isinstance(m, dict) and m.get("practitioner") == lead_id), None)
        lead = _person(directory, lead_id, role)
    return {"case_id": data.get("id"), "agency": settings.get("agency", ""),
            "logo": _logo(casebook), "printed_on": today, "child": child, "lead": lead,
            "team": team, "directory": directory}


def _logo(casebook: Casebook) -> str | None:
    """The casebook's logo (templates/logo.png, .jpg or .svg) as a data URI, so the HTML
    stays one self-contained file. Read as case files are (``_read_casebook_file``)."""
    folder = casebook_templates(casebook)
    if folder is None:
        return None
    for name, mime in (("logo.png", "image/png"), ("logo.jpg", "image/jpeg"),
                       ("logo.svg", "image/svg+xml")):
        raw = _read_casebook_file(folder, name)
        if raw is not None:
            return f"data:{mime};base64," + base64.b64encode(raw).decode()
    return None


# -- the casebook's own templates: read like case files ----------------------------------------
#
# A casebook is shared through git, and git stores symbolic links: anyone who can push could
# commit templates/plan.md.j2 as a link to ~/.ssh/id_rsa, and a colleague's 'render' would
# print it. So the casebook's templates/ folder and everything read from it must be real
# folders and regular files inside the casebook, within the size limit of a case file.

TEMPLATES_DIR = "templates"


def casebook_templates(casebook: Casebook | None) -> Path | None:
    """The casebook's templates/ folder, or None; a symbolic link there is refused."""
    if casebook is None:
        return None
    folder = casebook.root / TEMPLATES_DIR
    if folder.is_symlink():
        raise RenderError(f"{TEMPLATES_DIR}/ is a symbolic link; lpcli reads templates only "
                          "from a real folder inside the casebook",
                          hint=f"replace the link with a folder, or remove {TEMPLATES_DIR}/ "
                               "to use lpcli's own templates")
    return folder if folder.is_dir() else None


def _read_casebook_file(folder: Path, name: str) -> bytes | None:
    """A file's bytes from the casebook's templates/ (None when there is no such file).

    ``name`` may name sub-folders ('parts/footer.html.j2'), but no '..', no absolute path,
    and no symbolic link anywhere on the way (each step is checked with lstat; the file is
    opened with O_NOFOLLOW by ``read_raw``)."""
    import os
    import stat

    from lpcli.files.safeio import read_raw

    parts = name.replace("\\", "/").split("/")
    if name.startswith("/") or any(p in ("", ".", "..") or "\0" in p for p in parts):
        raise RenderError(f"template name '{_printable(name)}' is not a file inside "
                          f"{TEMPLATES_DIR}/ (no '..', no absolute paths)",
                          hint=f"name templates by their path inside {TEMPLATES_DIR}/")
    here = folder
    for part in parts[:-1]:
        here = here / part
        try:
            mode = os.lstat(here).st_mode
        except OSError:
            return None
        if not stat.S_ISDIR(mode):
            raise RenderError(f"{TEMPLATES_DIR}/{'/'.join(parts)}: a step on the way is a "
                              "symbolic link or not a folder; lpcli reads templates only from "
                              "real folders inside the casebook")
    raw, problem = read_raw(here / parts[-1])
    if problem is None:
        return raw
    if problem.rule == "missing":
        return None
    raise RenderError(f"{TEMPLATES_DIR}/{'/'.join(parts)} {problem.message}",
                      hint=f"make it a regular file inside {TEMPLATES_DIR}/, or remove it to "
                           "use lpcli's own")


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)[:80]


def _casebook_loader(folder: Path):
    from jinja2 import BaseLoader, TemplateNotFound

    class CasebookTemplates(BaseLoader):
        """The casebook's templates/, read by ``_read_casebook_file``."""

        def get_source(self, environment, template):
            raw = _read_casebook_file(folder, template)
            if raw is None:
                raise TemplateNotFound(template)  # lpcli's own template is used instead
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise RenderError(f"{TEMPLATES_DIR}/{template} is not UTF-8 text",
                                  hint="save it as UTF-8") from None
            return text, str(folder / template), lambda: False

    return CasebookTemplates()


def plan_model(casebook: Casebook, case_id: str, today: dt.date) -> dict:
    data = casebook.read_case(case_id)
    model = _common(casebook, data, today)
    child = model.pop("child")
    directory = model.pop("directory")
    assessment = data.get("assessment") or {}
    last = last_review(data)
    venue = None
    if last is not None:
        venue = last.get("next_review_venue")
    elif isinstance(data.get("plan"), dict):
        venue = data["plan"].get("first_review_venue")
    consent = data.get("consent") if isinstance(data.get("consent"), dict) else {}
    model.update({
        "child": child,
        "status": data.get("status"),
        **_needs(data),
        "child_views": assessment.get("child_views"),
        "parent_views": assessment.get("parent_views"),
        "plan": _plan(data, directory, child, today),
        "last_review": _review(last, directory, data, child) if last else None,
        "next_review": {"date": next_review_due(data, casebook.settings), "venue": venue},
        "consent": {"recorded": bool(consent), "date": _d(consent.get("date")),
                    "share_with": _agency_words(consent.get("share_with")),
                    "do_not_share_with": _agency_words(consent.get("do_not_share_with")),
                    "withdrawn": _d((consent.get("withdrawn") or {}).get("date"))},
    })
    return model


def handover_model(casebook: Casebook, case_id: str, today: dt.date,
                   to: str | None = None) -> dict:
    """The handover document's model for the latest handover (or a planned one ``to``)."""
    data = casebook.read_case(case_id)
    directory = casebook.directory
    handovers = [h for h in data.get("handovers") or [] if isinstance(h, dict)]
    if to:
        record = {"date": today, "from": facts.current_lead(data), "to": to,
                  "transition": "other", "planned": True,
                  "outstanding_actions": [a.get("id") for a in
                                          (data.get("plan") or {}).get("actions") or []
                                          if isinstance(a, dict)
                                          and a.get("status") in OPEN_ACTION_STATUSES]}
    elif handovers:
        record = dict(handovers[-1])
        record["date"] = _d(record.get("date"))
    else:
        raise EnvironmentProblem(
            f"{case_id} has no handover recorded",
            hint=f"record it with 'lpcli handover {case_id} ...', or prepare the document for "
                 "a planned one with --to PRACTITIONER")
    receiver = directory.get(record.get("to"))
    agency = record.get("receiving_agency") or (receiver.agency if receiver else None)
    agency_type = receiver.agency_type if receiver else None
    ok, why = consent_allows(data, agency, agency_type)
    if not ok:
        from lpcli.workflow.common import refuse

        refuse("the handover document", "consent",
               f"{why} ({agency or record.get('to')})",
               hint="nothing was written; check the case's consent with the family first")
    withheld = _withheld(data, agency, agency_type)
    model = _common(casebook, data, today)
    child = model.pop("child")
    model.pop("directory")
    if "address" in withheld:
        child["address"] = None
    if "disability_sen" in withheld:
        child["disability_sen"] = None
    family = []
    for m in data.get("family") or []:
        if isinstance(m, dict):
            entry = {"name": m.get("name"), "relationship": m.get("relationship"),
                     "parental_responsibility": m.get("parental_responsibility"),
                     "lives_with_child": m.get("lives_with_child")}
            if "family_contacts" not in withheld:
                entry.update(phone=m.get("phone"), email=m.get("email"))
            family.append(entry)
    statutory = data.get("statutory") if isinstance(data.get("statutory"), dict) else {}
    reviews = [] if "reviews" in withheld else [
        _review(r, directory, data, child) for r in data.get("reviews") or []
        if isinstance(r, dict)]
    assessment = data.get("assessment") or {}
    plan = _plan(data, directory, child, today)
    outstanding = set(record.get("outstanding_actions") or [])
    model.update({
        "child": child, "family": family,
        "statutory": {"status": STATUTORY_LABELS.get(statutory.get("status", "none")),
                      "since": _d(statutory.get("since")),
                      "practitioner": _person(directory, statutory["practitioner"])
                      if statutory.get("practitioner") else None},
        **_needs(data, withheld),
        "assessment_date": _d(assessment.get("date")),
        "child_views": None if "views" in withheld else assessment.get("child_views"),
        "parent_views": None if "views" in withheld else assessment.get("parent_views"),
        "plan": plan,
        "outstanding_actions": [a for a in plan["actions"] if a["id"] in outstanding
                                or (record.get("planned") and a["open"])],
        "reviews": reviews,
        "handover": {"date": record.get("date"), "planned": bool(record.get("planned")),
                     "from": _person(directory, record["from"]) if record.get("from") else None,
                     "to": _person(directory, record.get("to")),
                     "receiving_agency": agency,
                     "transition": TRANSITION_LABELS.get(record.get("transition"), "Other"),
                     "reason": record.get("reason"), "notes": record.get("notes")},
        "withheld": [TOPIC_LABELS.get(t, t) for t in sorted(withheld)],
        "next_review": {"date": next_review_due(data, casebook.settings)},
    })
    return model


def _withheld(data, agency, agency_type) -> set[str]:
    consent = data.get("consent") if isinstance(data.get("consent"), dict) else {}
    names = {x.casefold() for x in (agency, agency_type) if x}
    out = set()
    for w in consent.get("withhold") or []:
        if isinstance(w, dict) and str(w.get("agency", "")).casefold() in names:
            out.update(w.get("topics") or [])
    return out


# -- safe rendering --------------------------------------------------------------------------

# Bidirectional controls and other invisible format characters: shown as [U+202E] so that text
# typed into a case cannot reverse or hide what the printed page says.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c]")


def visible(text: str) -> str:
    return _INVISIBLE.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


# What Markdown would read as markup, HTML or an entity. With '[' and ']' escaped no link can
# form, so '(' and ')' stay as they are and the text reads naturally in a plain mail.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&])")


def md_escape(text: str) -> str:
    """Backslash-escape what Markdown would otherwise read as markup (CommonMark)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _environment(casebook: Casebook | None, fmt: str):
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from markupsafe import Markup

    search = []
    folder = casebook_templates(casebook)
    if folder is not None:
        search.append(_casebook_loader(folder))
    search.append(FileSystemLoader(str(templates_dir())))  # lpcli's own, trusted

    def finalize(value):
        # Every printed value passes here first: make format characters visible and, for
        # Markdown, escape markup (HTML is escaped by autoescape after this).
        if isinstance(value, Markup):
            return value
        if isinstance(value, dt.date):
            return dates.british(value)
        if value is None:
            return ""
        text = visible(str(value))
        return md_escape(text) if fmt == "md" else text

    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader(search), undefined=StrictUndefined, autoescape=(fmt == "html"),
        finalize=finalize, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["long_date"] = lambda d: dates.british(d) if d else ""
    env.filters["short_date"] = lambda d: f"{d.day} {d:%b %Y}" if d else ""
    return env


class _TooSlow(Exception):
    """Raised inside the template's own code by the alarm, so the traceback shows where."""


@contextmanager
def _time_limit(seconds: float):
    """Stop a template that runs too long (a hostile loop). SIGALRM works only in the main
    thread; elsewhere the output size limit still applies."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal,
                                                                                  "setitimer"):
        yield
        return

    def stop(signum, frame):
        raise _TooSlow(seconds)

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _template_location(exc) -> str:
    """'plan.html.j2, line 12' from a template error or the traceback Jinja rewrote."""
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    if name and line:
        return f"{Path(name).name}, line {line}"
    tb = exc.__traceback__
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = f"{Path(filename).name}, line {tb.tb_lineno}"
        tb = tb.tb_next
    return found or "a template"


def _whose(casebook, where: str) -> str:
    name = where.split(",")[0]
    if casebook is not None and (casebook.root / "templates" / name).is_file():
        return (f"the casebook's own templates/{name} has the error: fix it, or delete it to "
                "use lpcli's")
    return "this is a fault in lpcli's own template; please report it"


def render_template(casebook: Casebook | None, name: str, fmt: str, model: dict,
                    seconds: float | None = None) -> str:
    import os

    from jinja2 import TemplateError
    from jinja2.exceptions import TemplateNotFound

    if seconds is None:
        seconds = float(os.environ.get("LPCLI_RENDER_SECONDS", RENDER_SECONDS))
    env = _environment(casebook, fmt)
    try:
        with _time_limit(seconds):
            template = env.get_template(name)
            parts, size = [], 0
            for chunk in template.generate(**model):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise RenderError(f"template {name} produced more than "
                                      f"{MAX_OUTPUT // 1024 // 1024} MB and was stopped",
                                      hint=_whose(casebook, name))
                parts.append(chunk)
    except RenderError:
        raise
    except _TooSlow as exc:
        where = _template_location(exc)
        if where == "a template":
            where = name
        raise RenderError(f"template {where} took longer than {exc.args[0]:g} seconds and was "
                          "stopped", hint=_whose(casebook, where))
    except TemplateNotFound as exc:
        raise RenderError(f"template not found: {exc.name}")
    except TemplateError as exc:
        # SecurityError, UndefinedError and syntax errors are all TemplateErrors. Their
        # messages name attributes and template variables, never case values.
        where = _template_location(exc)
        raise RenderError(f"template error in {where}: {type(exc).__name__}: "
                          f"{exc.message or exc}", hint=_whose(casebook, where))
    except (ArithmeticError, TypeError, ValueError, OverflowError, MemoryError,
            RecursionError) as exc:
        where = _template_location(exc)
        raise RenderError(f"template error in {where}: {type(exc).__name__}",
                          hint=_whose(casebook, where))
    return "".join(parts)


def render(casebook: Casebook, kind: str, case_id: str, fmt: str, *,
           today: dt.date | None = None, large_print: bool = False,
           to: str | None = None) -> str | bytes:
    """The document as text (html, md) or bytes (pdf)."""
    today = today or dates.today(casebook.settings)
    model = (plan_model(casebook, case_id, today) if kind == "plan"
             else handover_model(casebook, case_id, today, to))
    model["large_print"] = large_print
    model["document"] = kind
    if fmt == "md":
        return render_template(casebook, f"{kind}.md.j2", "md", model)
    html = render_template(casebook, f"{kind}.html.j2", "html", model)
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

    return HTML(string=html, url_fetcher=no_fetch).write_pdf()
