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
from lpcli.core import dates
from lpcli.core.errors import LpcliError
from lpcli.core.resources import templates_dir

RENDER_SECONDS = 10
MAX_OUTPUT = 5 * 1024 * 1024


class RenderError(LpcliError):
    """A template failed: bad syntax, a sandbox violation, an unknown variable, too slow."""

    exit_code = 2


def logo(casebook) -> str | None:
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

def casebook_templates(casebook) -> Path | None:
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


_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c]")


def visible(text: str) -> str:
    return _INVISIBLE.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


# What Markdown would read as markup, HTML or an entity. With '[' and ']' escaped no link can
# form, so '(' and ')' stay as they are and the text reads naturally in a plain mail.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&])")


def md_escape(text: str) -> str:
    """Backslash-escape what Markdown would otherwise read as markup (CommonMark)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _environment(casebook, fmt: str):
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


def render_template(casebook, name: str, fmt: str, model: dict,
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
