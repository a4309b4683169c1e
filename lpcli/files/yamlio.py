"""Reading and writing case files.

Two loaders, for two jobs:

* ``load_strict`` reads a file for checking and reporting. It builds plain JSON-compatible data
  from the parser's *events* rather than from a YAML constructor, so that it decides every
  value itself: YAML 1.2 core-schema scalars only, dates kept as ``YYYY-MM-DD`` strings,
  no anchors, aliases, tags, merge keys, directives or second documents, and every duplicate
  key reported. Working from events also gives a line and column for every key and list item,
  which is what lets ``validate`` point at the offending place. It never constructs arbitrary
  objects, so a hostile file cannot run code or expand an alias bomb.

* ``roundtrip.RoundTrip`` (in ``roundtrip.py``) loads a file for *edits*: comments, key
  order, quoting and the bytes of untouched lines survive, so a practitioner's hand-written
  notes in a file stay where they were.

Dates: written in files as plain YAML dates (``2026-03-03``) and always loaded as the ISO
string ``"2026-03-03"``; the schemas describe them as ``{"type": "string", "format": "date"}``.
A YAML date and a JSON Schema string would otherwise disagree.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

# Limits checked before and during parsing, so hostile files fail fast instead of hanging.
MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 50
MAX_INT_CHARS = 64  # a longer integer reads as infinite (resolve_plain)


@dataclass
class YamlProblem:
    """A problem found while reading YAML. ``line``/``column`` are 1-based."""

    rule: str
    message: str
    line: int
    column: int
    path: tuple = ()


@dataclass
class Loaded:
    """A file read by ``load_strict``: its data, where each key/item is, and any problems.

    ``positions`` maps a path (a tuple of keys and list indexes) to ``(line, column)``,
    1-based: for a mapping value it is where its key starts, for a list item where the item
    starts. ``fatal`` is set when the file could not be read at all (then ``data`` is None).
    """

    data: Any = None
    positions: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    fatal: bool = False

    def locate(self, path) -> tuple[int, int]:
        """Line and column of ``path``, or of its nearest ancestor that has a position."""
        path = tuple(path)
        while path:
            pos = self.positions.get(path)
            if pos:
                return pos
            path = path[:-1]
        return self.positions.get((), (1, 1))


# -- scalar resolution: the YAML 1.2 core schema, and nothing from YAML 1.1 -------------------
# (so ``no``/``on``/``yes`` are strings, and ``0123`` is not octal).
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT10 = re.compile(r"[-+]?[0-9]+")
_INT8 = re.compile(r"0o[0-7]+")
_INT16 = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.(nan|NaN|NAN)")


def resolve_plain(value: str):
    """The value of an untagged plain scalar under the YAML 1.2 core schema."""
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT10.fullmatch(value) or _INT8.fullmatch(value) or _INT16.fullmatch(value):
        if len(value) > MAX_INT_CHARS:
            # Python refuses to convert (or print) integers of thousands of digits; nothing
            # lpcli stores is near this long, so such a number reads as infinite, which every
            # schema then refuses with a message instead of a crash.
            return float("-inf") if value.startswith("-") else float("inf")
        if _INT10.fullmatch(value):
            return int(value)
        return int(value[2:], 8 if value.startswith("0o") else 16)
    if _FLOAT.fullmatch(value):
        return float(value)
    if _INF.fullmatch(value):
        return float("-inf") if value.startswith("-") else float("inf")
    if _NAN.fullmatch(value):
        return float("nan")
    return value


def decode(raw: bytes) -> tuple[str | None, YamlProblem | None]:
    """Bytes to text: UTF-8 only (a byte-order mark is allowed, as YAML allows it)."""
    if len(raw) > MAX_FILE_BYTES:
        return None, YamlProblem(
            "file-too-large",
            f"file is {len(raw)} bytes; case files are limited to {MAX_FILE_BYTES} bytes",
            1, 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, YamlProblem(
            "encoding", "file is not valid UTF-8 text; save it as UTF-8", line, col)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, None


def _mark(m) -> tuple[int, int]:
    return m.line + 1, m.column + 1


# YAML 1.2 (section 7.4) limits a key written without '?' to one line of at most 1024
# characters; a longer one is a syntax error, which the scanner reports only vaguely.
MAX_IMPLICIT_KEY = 1024


def _missing_colon(exc, text: str) -> YamlProblem | None:
    """A clear message for the scanner's "while scanning a simple key could not find
    expected ':'", at the start of the key (where the mistake is) rather than the line
    after. Counts characters only: the key's text is never quoted."""
    mark = getattr(exc, "context_mark", None)
    if getattr(exc, "problem", None) != "could not find expected ':'" or mark is None:
        return None
    line, col = _mark(mark)
    start = mark.index
    end = text.find("\n", start)
    rest = text[start:] if end < 0 else text[start:end]
    colon = re.search(r":(?:[ \t\r]|$)", rest)
    if colon is not None and colon.start() > MAX_IMPLICIT_KEY:
        return YamlProblem(
            "yaml-syntax",
            f"a key {colon.start()} characters long; YAML allows at most {MAX_IMPLICIT_KEY} "
            "characters in a key, and lpcli's keys are short names (see the schema)",
            line, col)
    return YamlProblem(
        "yaml-syntax",
        "expected 'key: value' here, but no ':' follows on this line (a missing colon, or a "
        "key or unquoted text running on to the next line)", line, col)


def _parser_problem(exc) -> YamlProblem:
    """Turn a ruamel parser/scanner/reader error into a problem without quoting the document.

    ``str(exc)`` would include a snippet of the file, which may hold personal data, so only
    the generic ``problem``/``context`` phrases and the position are used.
    """
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        line, col = _mark(mark)
    else:
        line, col = 1, 1
        pos = getattr(exc, "position", None)
        if pos is not None and hasattr(exc, "name"):
            line, col = 1, pos + 1
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if problem is None and hasattr(exc, "character"):
        # ReaderError: a character YAML does not allow (NUL, most control characters).
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        problem = f"a control character (code {code}) that YAML does not allow"
        # ReaderError only knows an offset; lines are counted by the caller.
        return YamlProblem("yaml-syntax", f"found {problem}", line, col)
    message = " ".join(str(p) for p in (context, problem) if p) or "not valid YAML"
    rule = "yaml-syntax"
    if "\\t" in message or "\t" in message or "tab" in message.lower():
        rule = "yaml-tab"
        message = "a tab character where YAML needs spaces; indent with spaces, not tabs"
    return YamlProblem(rule, message, line, col)


# Lines git writes into a file it could not merge. Matched at the start of a line only:
# indented, the same characters are ordinary text inside a block scalar.
_CONFLICT_MARKER = re.compile(r"^(?:<{7}|>{7}|\|{7})(?:[ \t].*)?\r?$|^={7}\r?$", re.M)


def conflict_markers(text: str) -> YamlProblem | None:
    """Unresolved git conflict markers, found before parsing.

    Such a file often still parses (a marker can read as part of a multi-line value), and
    then it would hold both sides of the conflict with a misleading message, or none. Said
    plainly, at the first marker, the fix is obvious.
    """
    first = _CONFLICT_MARKER.search(text)
    if first is None:
        return None
    count = len(_CONFLICT_MARKER.findall(text))
    line = text.count("\n", 0, first.start()) + 1
    return YamlProblem(
        "merge-conflict-markers",
        f"unresolved git merge conflict: {count} conflict marker line"
        f"{'s' if count != 1 else ''} ('<<<<<<<', '=======', '>>>>>>>'), the first here; "
        "keep the right version of each conflicting part and delete the marker lines "
        "('lpcli edit CASE' checks the result)", line, 1)


def _events(text: str):
    from ruamel.yaml import YAML

    # The pure-Python parser is used for now: it gives reliable marks for every event.
    return YAML(typ="safe", pure=True).parse(io.StringIO(text))


def load_strict(text: str, *, max_depth: int = MAX_DEPTH) -> Loaded:
    """Read one YAML document into plain data, positions and problems (see module doc)."""
    from ruamel.yaml.error import YAMLError

    out = Loaded()
    conflict = conflict_markers(text)
    if conflict is not None:
        out.problems.append(conflict)
        out.fatal = True
        return out
    builder = _Builder(out, max_depth)
    try:
        for event in _events(text):
            if not builder.feed(event):
                break
    except YAMLError as exc:
        out.problems.append(_located(_missing_colon(exc, text) or _parser_problem(exc), exc,
                                     text))
        out.fatal, out.data = True, None
        return out
    except RecursionError:
        out.problems.append(YamlProblem("yaml-too-deep", "nested too deeply", 1, 1))
        out.fatal, out.data = True, None
        return out
    if builder.too_deep:
        return out
    if not builder.root_set or out.data is None:
        out.problems.append(YamlProblem("empty", "the file holds no data", 1, 1))
        out.fatal = True
    return out


def _located(problem: YamlProblem, exc, text: str) -> YamlProblem:
    """A ReaderError gives a character offset, not a mark: turn it into line and column."""
    if getattr(exc, "problem_mark", None) is None and hasattr(exc, "position"):
        pos = exc.position
        problem.line = text.count("\n", 0, pos) + 1
        problem.column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return problem


class _Marker:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


_NO_KEY = _Marker("NO_KEY")    # a mapping waiting for its next key
_BAD_KEY = _Marker("BAD_KEY")  # the pending key was unusable (reported): drop its value
_ALIAS = _Marker("ALIAS")      # an alias where a key was expected


@dataclass
class _Open:
    """A mapping or list being built, and, for a mapping, the key waiting for its value."""

    container: dict | list
    path: tuple
    start: tuple
    key: Any = _NO_KEY
    key_pos: tuple | None = None
    merge_key: bool = False  # the pending key is a plain '<<'

    def expecting_key(self) -> bool:
        return isinstance(self.container, dict) and self.key is _NO_KEY

    def next_path(self) -> tuple:
        """The path the next value placed here will have."""
        if isinstance(self.container, list):
            return self.path + (len(self.container),)
        if self.key is not _NO_KEY and isinstance(self.key, str):
            return self.path + (self.key,)
        return self.path


class _Builder:
    """Plain data from parser events, recording every problem with its place."""

    def __init__(self, out: Loaded, max_depth: int):
        self.out = out
        self.max_depth = max_depth
        self.stack: list[_Open] = []
        self.root_set = False
        self.documents = 0
        self.too_deep = False

    def problem(self, rule, message, start, path=()) -> None:
        self.out.problems.append(YamlProblem(rule, message, *start, path))

    def path_here(self) -> tuple:
        return self.stack[-1].next_path() if self.stack else ()

    def expecting_key(self) -> bool:
        return bool(self.stack) and self.stack[-1].expecting_key()

    def feed(self, e) -> bool:
        """Take one event; False when reading must stop."""
        from ruamel.yaml import events as ev

        start = _mark(e.start_mark)
        if isinstance(e, ev.DocumentStartEvent):
            return self.document(e, start)
        if isinstance(e, (ev.StreamStartEvent, ev.StreamEndEvent, ev.DocumentEndEvent)):
            return True
        if isinstance(e, ev.AliasEvent):
            self.problem("yaml-alias", "aliases ('*name') are not allowed in lpcli files; "
                         "write the value out in full", start, self.path_here())
            self.place(_ALIAS if self.expecting_key() else None, start)
            return True
        if getattr(e, "anchor", None) is not None:
            self.problem("yaml-anchor", "anchors ('&name') are not allowed in lpcli files",
                         start, self.path_here())
        # The parser reports a tag only when the file wrote one ('!x', '!!str', '!').
        explicit_tag = getattr(e, "tag", None) is not None
        if explicit_tag:
            self.problem("yaml-tag", "YAML tags ('!name', '!!type') are not allowed in lpcli "
                         "files", start, self.path_here())
        if isinstance(e, ev.ScalarEvent):
            # Quoted, block and explicitly tagged scalars are text; plain ones are resolved.
            value = resolve_plain(e.value) if e.style is None and not explicit_tag else e.value
            if self.expecting_key():
                # Only a plain '<<' is a merge key; a quoted "<<" is ordinary text.
                self.stack[-1].merge_key = e.style is None and e.value == "<<"
            self.place(value, start)
        elif isinstance(e, (ev.MappingStartEvent, ev.SequenceStartEvent)):
            return self.open(isinstance(e, ev.MappingStartEvent), start)
        elif isinstance(e, (ev.MappingEndEvent, ev.SequenceEndEvent)):
            top = self.stack.pop()
            self.place(top.container, top.start)
        return True

    def document(self, e, start) -> bool:
        self.documents += 1
        if self.documents > 1:
            self.problem("yaml-multiple-documents", "more than one YAML document ('---'); a "
                         "file holds exactly one record", start)
            self.out.fatal = not self.root_set
            return False
        if e.version is not None or e.tags:
            self.problem("yaml-directive", "YAML directives ('%YAML', '%TAG') are not allowed "
                         "in lpcli files", start)
        return True

    def open(self, mapping: bool, start) -> bool:
        if len(self.stack) >= self.max_depth:
            self.problem("yaml-too-deep", f"nested more than {self.max_depth} levels deep",
                         start)
            self.out.fatal, self.out.data, self.too_deep = True, None, True
            return False
        if self.expecting_key():
            self.problem("yaml-complex-key", "a mapping or list used as a key; keys must be "
                         "plain text", start, self.path_here())
        self.stack.append(_Open({} if mapping else [], self.path_here(), start))
        return True

    def place(self, value, start):
        """Attach a finished value to the container on top of the stack (or the root)."""
        if not self.stack:
            self.out.data = value
            self.root_set = True
            self.out.positions[()] = start
            return
        top = self.stack[-1]
        if isinstance(top.container, list):
            self.out.positions[top.path + (len(top.container),)] = start
            top.container.append(value)
        elif top.key is _NO_KEY:
            self.take_key(top, value, start)
        else:
            self.take_value(top, value)

    def take_key(self, top: _Open, value, start) -> None:
        if isinstance(value, (dict, list)):
            self.problem("yaml-complex-key", "a mapping or list used as a key; keys must be "
                         "plain text", start, top.path)
            top.key = _BAD_KEY
        elif value is _ALIAS:
            top.key = _BAD_KEY
        else:
            top.key = value if isinstance(value, str) else key_text(value)
        top.key_pos = start

    def take_value(self, top: _Open, value) -> None:
        key, key_pos = top.key, top.key_pos
        top.key, top.key_pos = _NO_KEY, None
        if key is _BAD_KEY:
            return
        p = top.path + (key,)
        if key in top.container:
            self.problem("duplicate-key", f"duplicate key '{key}' (first at line "
                         f"{self.out.positions[p][0]}); keep one and delete the other",
                         key_pos, p)
            return
        if top.merge_key:
            self.problem("yaml-merge-key", "merge keys ('<<') are not allowed in lpcli files; "
                         "write the keys out in full", key_pos, p)
            return
        top.container[key] = value
        self.out.positions[p] = key_pos


def key_text(value) -> str:
    """Keys are text in lpcli files; a key YAML reads as a number or boolean is kept as text."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)
