"""Editing YAML files without disturbing them: ruamel.yaml's round-trip mode.

A case file loaded for editing keeps its comments, key order, quoting and the bytes of every
line the edit does not touch, so a practitioner's hand-written notes stay where they were.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import io
import re

# lpcli's own style: 2-space mappings, list items indented under their key ("  - id: x").
CANONICAL_INDENT = (2, 4, 2)


def _round_trip_yaml(indent=CANONICAL_INDENT):
    from ruamel.yaml import YAML

    y = YAML(typ="rt", pure=True)
    y.Constructor = _constructor()
    y.preserve_quotes = True
    y.width = 4096  # never fold long text lines: a re-wrapped note is a spurious diff
    mapping, sequence, offset = indent
    y.indent(mapping=mapping, sequence=sequence, offset=offset)
    # lpcli never writes anchors/aliases: the strict loader would reject its own output.
    y.representer.ignore_aliases = lambda *args: True
    return y


def _constructor():
    """ruamel's round-trip constructor, except that text that only looks like a date
    ('2026-13-45', '0000-00-00') stays text. lpcli reads dates as text and checks them with
    the schema; ruamel would raise on them and no edit of such a file could be made."""
    from ruamel.yaml.constructor import RoundTripConstructor

    class Constructor(RoundTripConstructor):
        def construct_yaml_timestamp(self, node, values=None):
            try:
                return super().construct_yaml_timestamp(node, values)
            except (ValueError, OverflowError):
                return self.construct_scalar(node)

    Constructor.add_constructor("tag:yaml.org,2002:timestamp",
                                Constructor.construct_yaml_timestamp)
    return Constructor


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


def quoted(text: str):
    """Text written in single quotes, as people write phone numbers in YAML ('01632 960101'):
    it reads as text whatever its digits look like."""
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    return SingleQuotedScalarString(text)
