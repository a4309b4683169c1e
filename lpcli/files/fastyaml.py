"""The fast path for reading case files: LibYAML's C parser, lpcli's own rules.

``load`` gives exactly what ``yamlio.load_strict`` gives — the same data, the same positions,
no problems — for the files people normally write, about fifteen times faster. Anything it
is not certain about it does not decide: it returns None and the strict loader reads the
file and reports what is wrong. It is never less strict, because:

* a textual screen sends to the strict loader every file that could hold an anchor, alias,
  tag, merge key, directive, document marker or tab;
* scalars are resolved by ``yamlio.resolve_plain`` (YAML 1.2 core), not by PyYAML's YAML 1.1
  resolver, so ``no`` is text, ``0770`` is 770 and dates stay strings;
* a duplicate key, a complex key, an empty document, deep nesting or any parser error hands
  the file back, and a file that could nest thousands deep never reaches LibYAML at all.

``tests/test_fastpath.py`` checks both loaders agree over every fixture, the example and
generated casebooks.
"""

from __future__ import annotations

import re

from lpcli.files.yamlio import MAX_DEPTH, Loaded, key_text, resolve_plain

# PyYAML with LibYAML, imported at the first file read this way (a warm run reads none, and
# the import is a twentieth of a second); without it lpcli is slower, not different.
_LOADER = None  # the loader class, or False without LibYAML
MappingNode = ScalarNode = SequenceNode = None

# Anything that might be YAML syntax lpcli rejects or treats specially. Over-matching is
# harmless (the strict loader then decides); under-matching is what the tests guard.
# Git conflict markers: '<<<<<<<' is caught by '<<'; '=======' and '>>>>>>>' (left behind
# when only part of a conflict was cleaned up) by the last alternative.
_SUSPECT = re.compile(r"(?:^|[\s\[\{,])[&*!]|<<|^%|^---|^\.\.\.|\t|^(?:={7}|>{7}|\|{7})",
                      re.M)
# The same test, made fast: substring searches run at memory speed, and a regular expression
# only where one of its characters is there at all (``_SUSPECT`` costs more than parsing).
# ``tests/test_fastpath.py`` checks the two agree.
_MARKER = re.compile(r"(?<![^\s\[{,])[&*!]")
_LINE_STARTS = ("%", "---", "...", "=" * 7, ">" * 7, "|" * 7)
_AFTER_NEWLINE = tuple("\n" + s for s in _LINE_STARTS)


def suspect(text: str) -> bool:
    """True when ``text`` might hold YAML syntax lpcli rejects or treats specially."""
    if "\t" in text or "<<" in text or text.startswith(_LINE_STARTS):
        return True
    if any(s in text for s in _AFTER_NEWLINE):
        return True
    return ("&" in text or "*" in text or "!" in text) and _MARKER.search(text) is not None

_PLAIN = "tag:lpcli:plain"
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Fallback(Exception):
    pass


def _loader():
    global _LOADER, MappingNode, ScalarNode, SequenceNode
    if _LOADER is None:
        try:
            from yaml import CSafeLoader
            from yaml.nodes import MappingNode, ScalarNode, SequenceNode
        except ImportError:  # pragma: no cover - depends on the installation
            _LOADER = False
            return _LOADER

        class _Loader(CSafeLoader):
            def resolve(self, kind, value, implicit):
                # Plain scalars get lpcli's own resolution below; quoted ones are text.
                if kind is ScalarNode:
                    return _PLAIN if implicit[0] else _STR
                return _MAP if kind is MappingNode else _SEQ

        _LOADER = _Loader
    return _LOADER


def available() -> bool:
    return bool(_loader())


# LibYAML builds its node tree recursively, before lpcli can count the depth: a 50 KB file
# of '[' (or of '- - - ...') nested 50,000 deep crashes the whole process (a C stack
# overflow, not an exception), and thousands deep takes seconds. Every collection starts
# at one of these characters ('[', '{', a '-' entry, a '?' or ':' key), so their count
# bounds the depth; a file with more than this goes to the strict loader, which stops at
# MAX_DEPTH. Case files hold a few hundred; the count itself costs microseconds.
_OPENERS = "[{-?:"
MAX_OPENERS = 5000


def _may_nest_deep(text: str) -> bool:
    return sum(text.count(c) for c in _OPENERS) > MAX_OPENERS


def _root(text: str):
    """The document's root node when it is a mapping LibYAML reads without complaint, else
    None (the strict loader then decides, and explains)."""
    if suspect(text) or _may_nest_deep(text) or not _loader():
        return None
    try:
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except Exception:  # noqa: BLE001 - any parser complaint: the strict loader explains it
        return None
    # lpcli's files are mappings; anything else gets the strict loader's message.
    return node if node is not None and isinstance(node, MappingNode) else None


def load(text: str, positions: bool = True) -> Loaded | None:
    """The file's data and positions, or None when the strict loader must decide."""
    node = _root(text)
    if node is None:
        return None
    out = Loaded()
    pos = out.positions if positions else None
    try:
        out.data = _build(node, (), pos, 0)
    except (_Fallback, RecursionError):
        return None
    if pos is not None:
        # Where the root mapping starts: its first key, or the '{' of a flow mapping.
        pos[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
    return out


def positions(text: str) -> Loaded | None:
    """The positions of every key and item (``Loaded.positions``; its data empty), or None
    when the strict loader must decide: for a file whose data the quick path read, and
    which has findings to point at. Half the work of ``load``: no value is resolved or
    built, only keys (for the same duplicate check)."""
    node = _root(text)
    if node is None:
        return None
    out = Loaded()
    try:
        _mark(node, (), out.positions, 0)
    except (_Fallback, RecursionError):
        return None
    out.positions[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
    return out


def _mark(node, path, pos, depth):
    """``_build``'s positions and refusals, without building the data."""
    if depth >= MAX_DEPTH:
        raise _Fallback
    if isinstance(node, ScalarNode):
        if node.tag != _PLAIN and node.tag != _STR:
            raise _Fallback
        return
    if isinstance(node, SequenceNode):
        for i, child in enumerate(node.value):
            m = child.start_mark
            pos[path + (i,)] = (m.line + 1, m.column + 1)
            _mark(child, path + (i,), pos, depth + 1)
        return
    seen = set()
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            raise _Fallback
        if key_node.tag == _STR:
            key = key_node.value
        elif key_node.tag == _PLAIN:
            key = resolve_plain(key_node.value)
            if not isinstance(key, str):
                key = key_text(key)
        else:
            raise _Fallback
        if key in seen:
            raise _Fallback
        seen.add(key)
        p = path + (key,)
        m = key_node.start_mark
        pos[p] = (m.line + 1, m.column + 1)
        _mark(value_node, p, pos, depth + 1)


def _build(node, path, pos, depth):
    if depth >= MAX_DEPTH:
        raise _Fallback
    if isinstance(node, ScalarNode):
        if node.tag == _PLAIN:
            return resolve_plain(node.value)
        if node.tag == _STR:
            return node.value
        raise _Fallback
    if isinstance(node, SequenceNode):
        items = []
        for i, child in enumerate(node.value):
            p = path + (i,)
            if pos is not None:
                m = child.start_mark
                pos[p] = (m.line + 1, m.column + 1)
            items.append(_build(child, p, pos, depth + 1))
        return items
    result = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            raise _Fallback
        key = _build(key_node, path, None, depth + 1)
        if not isinstance(key, str):
            key = key_text(key)
        if key in result:
            raise _Fallback
        p = path + (key,)
        if pos is not None:
            m = key_node.start_mark
            pos[p] = (m.line + 1, m.column + 1)
        result[key] = _build(value_node, p, pos, depth + 1)
    return result
