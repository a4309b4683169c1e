"""Rendering a view model with a template, safely.

Templates come from the casebook's ``templates/`` folder first, then lpcli's. Casebook
templates are untrusted: they are read like case files (regular files inside the casebook,
no symlinks, a size limit), run in Jinja2's immutable sandbox with strict undefined
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

from lpcli.casebook.layout import TEMPLATES_DIR
from lpcli.core.resources import templates_dir
from lpcli.documents.casebook_files import (  # noqa: F401 - RenderError is used by callers
    RenderError,
    casebook_folder,
    read_casebook_file,
)

RENDER_SECONDS = 10
MAX_OUTPUT = 5 * 1024 * 1024


def logo(casebook) -> str | None:
    """The casebook's logo (templates/logo.png, .jpg or .svg) as a data URI, so the HTML
    stays one self-contained file. Read as case files are (``read_casebook_file``)."""
    folder = casebook_templates(casebook)
    if folder is None:
        return None
    for name, mime in (("logo.png", "image/png"), ("logo.jpg", "image/jpeg"),
                       ("logo.svg", "image/svg+xml")):
        raw = read_casebook_file(folder, name)
        if raw is not None:
            return f"data:{mime};base64," + base64.b64encode(raw).decode()
    return None


def casebook_templates(casebook) -> Path | None:
    return casebook_folder(casebook, TEMPLATES_DIR)


def _casebook_loader(folder: Path):
    from jinja2 import BaseLoader, TemplateNotFound

    class CasebookTemplates(BaseLoader):
        """The casebook's templates/, read by ``read_casebook_file``."""

        def get_source(self, environment, template):
            raw = read_casebook_file(folder, template)
            if raw is None:
                raise TemplateNotFound(template)  # lpcli's own template is used instead
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise RenderError(f"{TEMPLATES_DIR}/{template} is not UTF-8 text",
                                  hint="save it as UTF-8") from None
            return text, str(folder / template), lambda: False

    return CasebookTemplates()


_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c]")


def visible(text: str) -> str:
    return _INVISIBLE.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


# What Markdown would read as markup, HTML or an entity. With '[' and ']' escaped no link can
# form, so '(' and ')' stay as they are and the text reads naturally in a plain mail.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&])")


def md_escape(text: str) -> str:
    """Backslash-escape what Markdown would otherwise read as markup (CommonMark)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _environment(casebook, fmt: str, words):
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
            value = words.date(value)
        if value is None:
            return ""
        text = visible(str(value))
        return md_escape(text) if fmt == "md" else text

    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader(search), undefined=StrictUndefined, autoescape=(fmt == "html"),
        finalize=finalize, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["long_date"] = lambda d: words.date(d) if d else ""
    env.filters["short_date"] = lambda d: words.date(d, "short") if d else ""
    env.filters["time"] = lambda t: words.time(t) if t else ""
    # (The sentence is positional-only: a placeholder may be called anything, even 'text'.)
    env.filters["fill"] = lambda sentence, /, **values: fill(sentence, fmt, values, words)
    env.filters["css_content"] = lambda sentence, /, **values: css_content(sentence, values,
                                                                            words)
    env.filters["tel"] = tel_href
    env.filters["mailto"] = mailto_href
    return env


def _value_text(value, fmt: str, words) -> str:
    """A value put into a catalogue sentence, escaped for the format (as ``finalize``)."""
    from markupsafe import Markup, escape

    if isinstance(value, Markup):
        return str(value)
    if isinstance(value, dt.date):
        value = words.date(value)
    text = visible("" if value is None else str(value))
    return str(escape(text)) if fmt == "html" else md_escape(text)


def fill(text, fmt: str, values: dict, words):
    """A catalogue sentence with its {placeholders} filled and **bold** marked, everything
    escaped for the format: catalogue text is data too (a casebook may bring its own)."""
    from markupsafe import Markup, escape

    from lpcli.documents.catalogue import segments

    out, bold = [], False
    for kind, value in segments(str(text)):
        if kind == "text":
            text_part = visible(value)
            out.append(str(escape(text_part)) if fmt == "html" else md_escape(text_part))
        elif kind == "bold":
            out.append(("</strong>" if bold else "<strong>") if fmt == "html" else "**")
            bold = not bold
        else:
            out.append(_value_text(values.get(value), fmt, words))
    if bold:
        out.append("</strong>" if fmt == "html" else "**")
    return Markup("".join(out))


def _css_string(text: str) -> str:
    """A CSS string: everything but ASCII letters and digits as a hex escape, so nothing in
    it can end the string or the style sheet. Each escape ends with the one space CSS reads
    as its end (a space after an escape would otherwise be swallowed)."""
    return '"' + "".join(c if c.isalnum() and c.isascii() else f"\\{ord(c):06x} "
                         for c in text) + '"'


def css_content(text, values: dict, words):
    """A catalogue sentence as a CSS 'content' value for the page's margins: {page} and
    {pages} become the page counters, other values quoted strings."""
    from markupsafe import Markup

    from lpcli.documents.catalogue import segments

    out = []
    for kind, value in segments(str(text)):
        if kind == "text":
            out.append(_css_string(visible(value)))
        elif kind == "field" and value in ("page", "pages"):
            out.append(f"counter({value})")
        elif kind == "field":
            item = values.get(value)
            item = words.date(item) if isinstance(item, dt.date) else item
            out.append(_css_string(visible("" if item is None else str(item))))
    return Markup(" ".join(out) or '""')


def tel_href(phone) -> str:
    """'tel:01632960101' for a phone number as typed: digits and a leading +."""
    text = str(phone or "").strip()
    digits = re.sub(r"[^0-9]", "", text)
    return ("tel:+" if text.startswith("+") else "tel:") + digits if digits else ""


def mailto_href(email) -> str:
    from urllib.parse import quote

    return "mailto:" + quote(str(email or "").strip(), safe="@.+-_") if email else ""


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


def render_template(casebook, name: str, fmt: str, model: dict, words,
                    seconds: float | None = None) -> str:
    import os

    from jinja2 import TemplateError
    from jinja2.exceptions import TemplateNotFound

    if seconds is None:
        seconds = float(os.environ.get("LPCLI_RENDER_SECONDS", RENDER_SECONDS))
    env = _environment(casebook, fmt, words)
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
