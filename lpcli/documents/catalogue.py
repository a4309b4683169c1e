"""The words documents print, one catalogue per language (issue 16).

A catalogue is a YAML file, ``catalogues/CODE.yaml``: lpcli's own (English is shipped), and a
casebook's ``catalogues/`` folder, read like its templates (regular files inside the
casebook, no symbolic links, the size limit of a case file). A casebook catalogue for a
language lpcli has changes only the keys it holds; one for a new language is completed from
English, key by key, and lpcli says which keys it took from English. Every catalogue is
checked against English: no unknown key, the same shape, and only the placeholders English
has for the key, so a template can always fill it.

Catalogue text is plain text with two marks: ``{name}`` where lpcli puts a value, and
``**bold**``. ``templates.py`` escapes it for the output format.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from lpcli.casebook.layout import CATALOGUES_DIR
from lpcli.core.resources import catalogues_dir
from lpcli.core.vocabulary import TEXT_DIRECTIONS
from lpcli.documents.casebook_files import RenderError, casebook_folder, read_casebook_file

DEFAULT_LANGUAGE = "en"
# A language's code, as a file name and as --language takes it (a BCP 47 tag's shape:
# 'cy', 'pl', 'pt-BR'). The settings schema spells the same pattern.
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}")
_MARKS = re.compile(r"(\*\*)|\{([a-z_][a-z0-9_]*)\}")
# Keys a catalogue may add: relationships are typed freely in case files.
_OPEN_GROUPS = {("labels", "relationship")}


@dataclass
class Catalogue:
    """One language's words: ``data`` is the merged catalogue (complete, as English)."""

    code: str
    data: dict
    from_english: list = field(default_factory=list)   # keys a casebook catalogue lacked

    @property
    def language(self) -> str:
        return self.data["meta"]["language"]

    @property
    def direction(self) -> str:
        return self.data["meta"]["direction"]

    def label(self, group: str, code, fallback=None) -> str:
        """The words for one of lpcli's codes (an element, a status...)."""
        labels = self.data["labels"][group]
        if code is None:
            return fallback or ""
        if group == "relationship":
            found = {k.casefold(): v for k, v in labels.items()}.get(str(code).casefold())
            return found if found is not None else str(code)
        found = labels.get(str(code))
        return found if found is not None else (fallback if fallback is not None
                                                else str(code))

    def date(self, d, style: str = "long") -> str:
        if d is None:
            return ""
        if isinstance(d, str):
            d = dt.date.fromisoformat(d)
        words = self.data["dates"]
        values = {"weekday": words["weekdays"][d.weekday()], "day": str(d.day),
                  "month": words["months"][d.month - 1],
                  "month_short": words["months_short"][d.month - 1], "year": str(d.year),
                  "month_number": f"{d.month:02d}", "day_padded": f"{d.day:02d}"}
        return plain(words[style], values)

    def time(self, hhmm) -> str:
        """'15:30' in the catalogue's words: '3:30pm' in English."""
        if not hhmm:
            return ""
        hour, minute = (int(x) for x in str(hhmm).split(":"))
        words = self.data["dates"]
        if minute == 0 and hour in (0, 12):
            return words["midnight" if hour == 0 else "midday"]
        values = {"hour12": str(hour % 12 or 12), "hour24": f"{hour:02d}",
                  "minute": f"{minute:02d}", "period": words["am" if hour < 12 else "pm"]}
        return plain(words["time_on_the_hour" if minute == 0 else "time"], values)

    def text(self, path: str, **values) -> str:
        """A sentence as plain text (no bold), its placeholders filled with plain values."""
        node = self.data
        for part in path.split("."):
            node = node[part]
        return plain(node, {k: "" if v is None else str(v) for k, v in values.items()})


def segments(text: str):
    """A catalogue string as ('text', s), ('bold', None) and ('field', name) parts."""
    at = 0
    for m in _MARKS.finditer(text):
        if m.start() > at:
            yield "text", text[at:m.start()]
        yield ("bold", None) if m.group(1) else ("field", m.group(2))
        at = m.end()
    if at < len(text):
        yield "text", text[at:]


def plain(text: str, values: dict) -> str:
    return "".join(v if kind == "text" else values.get(v, "") if kind == "field" else ""
                   for kind, v in segments(text))


def placeholders(text: str) -> set[str]:
    return {v for kind, v in segments(text) if kind == "field"}


# -- loading -----------------------------------------------------------------------------------

def check_code(code: str) -> str:
    if not isinstance(code, str) or not LANGUAGE_CODE.fullmatch(code):
        raise RenderError("a language is named by its code, such as en, cy or pt-BR",
                             hint="see 'Documents in other languages' in the README")
    return code


def available(casebook) -> list[str]:
    """The languages lpcli and the casebook have catalogues for."""
    codes = {p.stem for p in catalogues_dir().glob("*.yaml")}
    folder = _casebook_folder(casebook)
    if folder is not None:
        codes |= {p.stem for p in folder.glob("*.yaml") if LANGUAGE_CODE.fullmatch(p.stem)}
    return sorted(codes)


def load(casebook, code: str | None = None) -> Catalogue:
    """The catalogue for ``code`` (default: the casebook's ``language`` setting, else
    English): lpcli's, with the casebook's own on top."""
    if code is None:
        code = (casebook.settings.get("language") if casebook is not None else None) \
            or DEFAULT_LANGUAGE
    check_code(code)
    english = _read_own(DEFAULT_LANGUAGE)
    own = _read_own(code) if (catalogues_dir() / f"{code}.yaml").is_file() else None
    local = _read_casebook(casebook, code)
    if own is None and local is None:
        raise RenderError(f"there is no catalogue for the language '{code}'",
                             hint="languages here: " + ", ".join(available(casebook))
                                  + f"; a casebook adds one as {CATALOGUES_DIR}/{code}.yaml")
    merged = _merge(english, own or {})
    missing = []
    if local is not None:
        if own is None:  # a new language: what it lacks comes from English, and is named
            missing = sorted(_missing(english, local))
        merged = _merge(merged, local)
    return Catalogue(code, merged, missing)


def _read_own(code: str) -> dict:
    from lpcli.files.loader import load_file

    path = catalogues_dir() / f"{code}.yaml"
    loaded = load_file(path)
    if loaded.problems or not isinstance(loaded.data, dict):
        raise RenderError(f"lpcli's catalogue {code}.yaml cannot be read",
                             hint="reinstall lpcli")
    return loaded.data


def _casebook_folder(casebook):
    return casebook_folder(casebook, CATALOGUES_DIR)


def _read_casebook(casebook, code: str) -> dict | None:
    from lpcli.files import loader, yamlio

    folder = _casebook_folder(casebook)
    if folder is None:
        return None
    name = f"{CATALOGUES_DIR}/{code}.yaml"
    raw = read_casebook_file(folder, f"{code}.yaml", CATALOGUES_DIR)
    if raw is None:
        return None
    text, problem = yamlio.decode(raw)
    loaded = loader.load(text) if problem is None else yamlio.Loaded(problems=[problem])
    if loaded.problems:
        p = loaded.problems[0]
        raise RenderError(f"{name}:{p.line}:{p.column}: {p.message}",
                             hint="fix the file, or remove it to use lpcli's words")
    if not isinstance(loaded.data, dict):
        raise RenderError(f"{name} must hold a mapping of keys, as lpcli's en.yaml does")
    english = _read_own(DEFAULT_LANGUAGE)
    problems = list(_check(loaded.data, english, ()))
    if problems:
        where, message = problems[0]
        line, column = loaded.locate(where)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise RenderError(f"{name}:{line}:{column}: {'.'.join(map(str, where))}: "
                             f"{message}{more}",
                             hint="compare it with lpcli's catalogues/en.yaml, which has every "
                                  "key")
    return loaded.data


def _check(data: dict, english: dict, path: tuple):
    """Problems in a casebook catalogue, as (key path, message), checked against English."""
    for key, value in data.items():
        here = path + (key,)
        if key not in english:
            if path in _OPEN_GROUPS and isinstance(key, str) and isinstance(value, str):
                continue
            yield here, "unknown key (English has no such key; check the spelling)"
            continue
        model = english[key]
        if isinstance(model, dict):
            if not isinstance(value, dict):
                yield here, "must be a mapping of keys, as in English"
            else:
                yield from _check(value, model, here)
        elif isinstance(model, list):
            if not (isinstance(value, list) and len(value) == len(model)
                    and all(isinstance(v, str) and v for v in value)):
                yield here, f"must be a list of {len(model)} words, as in English"
        elif not isinstance(value, str):
            yield here, "must be text (put it in quotes)"
        elif extra := placeholders(value) - placeholders(model):
            yield here, ("has " + ", ".join("{" + x + "}" for x in sorted(extra))
                         + ", which lpcli does not fill here; English has "
                         + (", ".join("{" + x + "}" for x in sorted(placeholders(model)))
                            or "none"))
        elif value.count("**") % 2:
            yield here, "has an odd number of ** (bold marks come in pairs)"
    if path == ("meta",):
        if "direction" in data and data["direction"] not in TEXT_DIRECTIONS:
            yield path + ("direction",), "must be " + " or ".join(TEXT_DIRECTIONS)
        if "language" in data and not (isinstance(data["language"], str)
                                       and LANGUAGE_CODE.fullmatch(data["language"])):
            yield path + ("language",), "must be a language tag, such as cy or pt-BR"


def _missing(english: dict, data: dict, path: tuple = ()):
    for key, model in english.items():
        here = path + (key,)
        if key not in data:
            yield ".".join(here)
        elif isinstance(model, dict) and isinstance(data[key], dict):
            yield from _missing(model, data[key], here)


def _merge(base: dict, top: dict) -> dict:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out
