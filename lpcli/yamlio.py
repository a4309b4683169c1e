"""Reading and writing case files.

Two loaders, for two jobs:

* ``load_strict`` reads a file for checking and reporting. It builds plain JSON-compatible data
  from the parser's *events* rather than from a YAML constructor, so that it decides every
  value itself: YAML 1.2 core-schema scalars only, dates kept as ``YYYY-MM-DD`` strings,
  no anchors, aliases, tags, merge keys, directives or second documents, and every duplicate
  key reported. Working from events also gives a line and column for every key and list item,
  which is what lets ``validate`` point at the offending place. It never constructs arbitrary
  objects, so a hostile file cannot run code or expand an alias bomb.

* ``RoundTrip`` loads a file with ruamel.yaml's round-trip mode for *edits*: comments, key
  order, quoting and the bytes of untouched lines survive, so a practitioner's hand-written
  notes in a file stay where they were.

Dates: written in files as plain YAML dates (``2026-03-03``) and always loaded as the ISO
string ``"2026-03-03"``; the schemas describe them as ``{"type": "string", "format": "date"}``.
A YAML date and a JSON Schema string would otherwise disagree.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import io
import re
from dataclasses import dataclass, field
from typing import Any

# Limits checked before and during parsing, so hostile files fail fast instead of hanging.
MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 50


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
    if _INT10.fullmatch(value):
        return int(value)
    if _INT8.fullmatch(value):
        return int(value[2:], 8)
    if _INT16.fullmatch(value):
        return int(value[2:], 16)
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
        problem = f"a control character (code {ord(exc.character) if isinstance(exc.character, str) else exc.character}) that YAML does not allow"
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


def load(text: str) -> Loaded:
    """Read a file for checking: the fast path when it is certain, else the strict loader."""
    from lpcli import fastyaml

    return fastyaml.load(text) or load_strict(text)


def _events(text: str):
    from ruamel.yaml import YAML

    # The pure-Python parser is used for now: it gives reliable marks for every event.
    return YAML(typ="safe", pure=True).parse(io.StringIO(text))


def load_strict(text: str, *, max_depth: int = MAX_DEPTH) -> Loaded:
    """Read one YAML document into plain data, positions and problems (see module doc)."""
    from ruamel.yaml import events as ev
    from ruamel.yaml.error import YAMLError

    out = Loaded()
    conflict = conflict_markers(text)
    if conflict is not None:
        out.problems.append(conflict)
        out.fatal = True
        return out
    problems = out.problems
    positions = out.positions
    # Stack of containers being built:
    # [container, path, pending key, pending key's position, pending key is '<<', start].
    stack: list[list] = []
    root_set = False
    documents = 0

    def place(value, start):
        """Attach a finished value to the container on top of the stack (or the root)."""
        nonlocal root_set
        if not stack:
            out.data = value
            root_set = True
            positions[()] = start
            return ()
        top = stack[-1]
        container, path = top[0], top[1]
        if isinstance(container, list):
            p = path + (len(container),)
            container.append(value)
            positions[p] = start
            return p
        # Mapping: this value is either a key or the value of the pending key.
        if top[2] is _NO_KEY:
            if isinstance(value, (dict, list)):
                problems.append(YamlProblem(
                    "yaml-complex-key", "a mapping or list used as a key; keys must be plain text",
                    *start, path))
                top[2] = _BAD_KEY
            elif value is _ALIAS:
                top[2] = _BAD_KEY
            else:
                key = value if isinstance(value, str) else _key_text(value)
                top[2] = key
            top[3] = start
            return None
        key, key_pos = top[2], top[3]
        top[2], top[3] = _NO_KEY, None
        if key is _BAD_KEY:
            return None
        p = path + (key,)
        if key in container:
            problems.append(YamlProblem(
                "duplicate-key",
                f"duplicate key '{key}' (first at line {positions[p][0]}); "
                "keep one and delete the other",
                *key_pos, p))
            return None
        if top[4]:
            problems.append(YamlProblem(
                "yaml-merge-key", "merge keys ('<<') are not allowed in lpcli files; "
                "write the keys out in full", *key_pos, p))
            return None
        container[key] = value
        positions[p] = key_pos
        return p

    try:
        for e in _events(text):
            start = _mark(e.start_mark)
            if isinstance(e, ev.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    problems.append(YamlProblem(
                        "yaml-multiple-documents",
                        "more than one YAML document ('---'); a file holds exactly one record",
                        *start))
                    out.fatal = not root_set
                    break
                if e.version is not None or e.tags:
                    problems.append(YamlProblem(
                        "yaml-directive",
                        "YAML directives ('%YAML', '%TAG') are not allowed in lpcli files",
                        *start))
                continue
            if isinstance(e, (ev.StreamStartEvent, ev.StreamEndEvent, ev.DocumentEndEvent)):
                continue
            if isinstance(e, ev.AliasEvent):
                problems.append(YamlProblem(
                    "yaml-alias", "aliases ('*name') are not allowed in lpcli files; "
                    "write the value out in full", *start, _current_path(stack)))
                place(_ALIAS if _expecting_key(stack) else None, start)
                continue
            anchor = getattr(e, "anchor", None)
            if anchor is not None:
                problems.append(YamlProblem(
                    "yaml-anchor", "anchors ('&name') are not allowed in lpcli files",
                    *start, _current_path(stack)))
            # The parser reports a tag only when the file wrote one ('!x', '!!str', '!').
            explicit_tag = getattr(e, "tag", None) is not None
            if explicit_tag:
                problems.append(YamlProblem(
                    "yaml-tag", "YAML tags ('!name', '!!type') are not allowed in lpcli files",
                    *start, _current_path(stack)))
            if isinstance(e, ev.ScalarEvent):
                # Quoted, block and explicitly tagged scalars are text; plain ones are resolved.
                value = resolve_plain(e.value) if e.style is None and not explicit_tag else e.value
                if _expecting_key(stack):
                    # Only a plain '<<' is a merge key; a quoted "<<" is ordinary text.
                    stack[-1][4] = e.style is None and e.value == "<<"
                place(value, start)
            elif isinstance(e, (ev.MappingStartEvent, ev.SequenceStartEvent)):
                if len(stack) >= max_depth:
                    problems.append(YamlProblem(
                        "yaml-too-deep", f"nested more than {max_depth} levels deep", *start))
                    out.fatal = True
                    out.data = None
                    return out
                container = {} if isinstance(e, ev.MappingStartEvent) else []
                if stack and _expecting_key(stack):
                    problems.append(YamlProblem(
                        "yaml-complex-key",
                        "a mapping or list used as a key; keys must be plain text",
                        *start, _current_path(stack)))
                path = _child_path(stack)
                stack.append([container, path, _NO_KEY, None, False, start])
            elif isinstance(e, (ev.MappingEndEvent, ev.SequenceEndEvent)):
                top = stack.pop()
                place(top[0], top[5])
    except YAMLError as exc:
        problems.append(_missing_colon(exc, text) or _parser_problem(exc))
        if getattr(exc, "problem_mark", None) is None and hasattr(exc, "position"):
            # ReaderError gives a character offset: turn it into line and column.
            pos = exc.position
            line = text.count("\n", 0, pos) + 1
            col = pos - (text.rfind("\n", 0, pos) + 1) + 1
            problems[-1].line, problems[-1].column = line, col
        out.fatal = True
        out.data = None
        return out
    except RecursionError:
        problems.append(YamlProblem("yaml-too-deep", "nested too deeply", 1, 1))
        out.fatal = True
        out.data = None
        return out
    if not root_set or out.data is None:
        problems.append(YamlProblem("empty", "the file holds no data", 1, 1))
        out.fatal = True
    return out


class _Marker:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


_NO_KEY = _Marker("NO_KEY")
_BAD_KEY = _Marker("BAD_KEY")
_ALIAS = _Marker("ALIAS")


def _key_text(value) -> str:
    """Keys are text in lpcli files; a key YAML reads as a number or boolean is kept as text."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _expecting_key(stack) -> bool:
    return bool(stack) and isinstance(stack[-1][0], dict) and stack[-1][2] is _NO_KEY


def _current_path(stack) -> tuple:
    if not stack:
        return ()
    top = stack[-1]
    if isinstance(top[0], list):
        return top[1] + (len(top[0]),)
    if top[2] is not _NO_KEY and isinstance(top[2], str):
        return top[1] + (top[2],)
    return top[1]


def _child_path(stack) -> tuple:
    return _current_path(stack)


# -- round trip, for edits --------------------------------------------------------------------

# lpcli's own style: 2-space mappings, list items indented under their key ("  - id: x").
CANONICAL_INDENT = (2, 4, 2)


def _round_trip_yaml(indent=CANONICAL_INDENT):
    from ruamel.yaml import YAML

    y = YAML(typ="rt", pure=True)
    y.preserve_quotes = True
    y.width = 4096  # never fold long text lines: a re-wrapped note is a spurious diff
    mapping, sequence, offset = indent
    y.indent(mapping=mapping, sequence=sequence, offset=offset)
    # lpcli never writes anchors/aliases: the strict loader would reject its own output.
    y.representer.ignore_aliases = lambda *args: True
    return y


_KEY_LINE = re.compile(r"^( *)[^\s#-][^:#]*:\s*(#.*)?$")
_ITEM_LINE = re.compile(r"^( *)- ")
_CONTENT_LINE = re.compile(r"^( *)[^\s#]")


def _guess_indent(text: str) -> tuple[int, int, int]:
    """The (mapping, sequence, offset) indentation the file already uses, so that lines an
    edit adds look like their neighbours. Read from the first nested mapping and the first
    block list found under a key; lpcli's canonical style where the file shows neither."""
    mapping = seq_offset = None
    lines = text.splitlines()
    for i, line in enumerate(lines[:-1]):
        m = _KEY_LINE.match(line)
        if not m:
            continue
        parent = len(m.group(1))
        nxt = next((ln for ln in lines[i + 1:] if _CONTENT_LINE.match(ln)), None)
        if nxt is None:
            continue
        item = _ITEM_LINE.match(nxt)
        if item and seq_offset is None:
            seq_offset = len(item.group(1)) - parent
        elif not item and mapping is None:
            child = len(_CONTENT_LINE.match(nxt).group(1))
            if child > parent:
                mapping = child - parent
        if mapping is not None and seq_offset is not None:
            break
    mapping = mapping or CANONICAL_INDENT[0]
    offset = CANONICAL_INDENT[2] if seq_offset is None else seq_offset
    # ruamel's "sequence" indent is where the item's content starts: after the "- ".
    return (mapping, offset + 2, offset)


class RoundTrip:
    """A case file loaded for editing. ``doc`` is ruamel's CommentedMap; ``dump()`` the text.

    Saving an untouched document gives back the original bytes exactly, and an edit changes
    only the lines it must: ruamel's own output is used only for the lines the change touched
    (see ``dump``), so a file whose formatting ruamel would normalise keeps that formatting.
    """

    def __init__(self, text: str):
        self.original = text
        self.indent = _guess_indent(text)
        self._yaml = _round_trip_yaml(self.indent)
        self.doc = self._yaml.load(text)
        # ruamel's rendering of the file as loaded: the base of the three-way merge in dump().
        self._baseline = self._render(self._yaml.load(text))

    def _render(self, doc) -> str:
        buf = io.StringIO()
        self._yaml.dump(doc, buf)
        return buf.getvalue()

    def dump(self) -> str:
        new = self._render(self.doc)
        if new == self._baseline:
            return self.original
        if self._baseline == self.original:
            return new
        return _three_way(self.original, self._baseline, new)


def _three_way(original: str, base: str, new: str) -> str:
    """Apply the change base→new to ``original``, where ``base`` is ruamel's rendering of it.

    Regions the change did not touch are copied from ``original`` (so hand formatting that
    ruamel would normalise survives); changed regions take ruamel's new lines. When a change
    starts or ends in the middle of a region ruamel re-rendered, the mapping is ambiguous and
    ruamel's whole output is used instead (correct, if less minimal).
    """
    o_lines = original.splitlines(keepends=True)
    b_lines = base.splitlines(keepends=True)
    n_lines = new.splitlines(keepends=True)
    b_to_o = difflib.SequenceMatcher(a=b_lines, b=o_lines, autojunk=False).get_opcodes()

    def to_original(i: int) -> int | None:
        """The line boundary in ``original`` that matches boundary ``i`` of ``base``."""
        for tag, b1, b2, o1, o2 in b_to_o:
            if b1 <= i <= b2:
                if tag == "equal":
                    return o1 + (i - b1)
                if i == b1:
                    return o1
                if i == b2:
                    return o2
                return None
        return None

    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
            a=b_lines, b=n_lines, autojunk=False).get_opcodes():
        start, stop = to_original(i1), to_original(i2)
        if start is None or stop is None:
            return new
        out.extend(o_lines[start:stop] if tag == "equal" else n_lines[j1:j2])
    return "".join(out)


def to_yaml_date(value) -> _dt.date:
    """A date to put into a round-trip document, so it is written as a plain YAML date."""
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(value)


def dump_new(data: dict) -> str:
    """Text for a brand-new record in lpcli's canonical style (2-space indent, lists flush)."""
    y = _round_trip_yaml()
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue()


def flow_list(items) -> list:
    """A short list of IDs written on one line (``[A3, A4]``), as people write them by hand."""
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq
