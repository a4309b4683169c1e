"""The quickest path for reading a case file: data only, no positions (yaml-rs, in Rust).

A valid case file needs no positions: they are only for pointing at a problem. So a file is
first read here, about ten times faster than LibYAML's node tree (``fastyaml``), and checked;
only a file with any finding is read again by ``loader.load`` (``fastyaml``, else the strict
loader) for the line and column of each. ``load`` gives exactly what ``yamlio.load_strict``
gives as data, or None when the other loaders must decide. It is never less strict:

* the same textual screen as ``fastyaml`` sends to the strict loader every file that could
  hold an anchor, alias, tag, merge key, directive, document marker, tab or conflict marker,
  and every file that could nest deeply;
* characters YAML does not allow (control characters, NUL, surrogates) hand the file over
  (the strict loader's reader refuses them);
* yaml-rs resolves plain scalars by the YAML 1.2 core schema, as lpcli does, plus a few
  spellings lpcli reads as text (``0b101``, ``0X1F``, ``0O17``, ``1_000``, ``-0x1F``) and
  integers longer than lpcli reads as numbers: any file holding one of those spellings is
  handed over. Dates stay text (``parse_datetime=False``);
* a block scalar header on the last line (yaml-rs reads the empty scalar as a line break);
* a duplicate key (yaml-rs refuses it), a key yaml-rs read as a number or boolean that then
  collides with another, a complex key, an empty document, a root that is not a mapping,
  or any parser error hands the file back.

``tests/test_fastpath.py`` checks this loader agrees with the strict one over every fixture,
the hostile corpus, generated casebooks and random documents; without yaml-rs installed
``load`` always hands over, and lpcli reads every file the strict way.
"""

from __future__ import annotations

import re

from lpcli.files.fastyaml import _may_nest_deep, suspect
from lpcli.files.yamlio import MAX_DEPTH, MAX_INT_CHARS, Loaded, key_text

try:  # yaml-rs; without it lpcli is slower, not different.
    import yaml_rs
except ImportError:  # pragma: no cover - depends on the installation
    yaml_rs = None

# Spellings yaml-rs reads as numbers and lpcli reads as text (or as infinite): binary,
# upper-case octal and hexadecimal prefixes and underscores ('_1', '1_000', '0x_1', '1e_3'...)
# in a word that starts like a number (a scalar starts after a space or a line break: flow
# collections hand over); and runs of digits longer than lpcli reads as numbers, anywhere.
# Each is found by a fast pattern that starts with its literal, then the text before it back
# to the start of its word (a space, a line break or the start of the text) is checked.
_PREFIXED = re.compile(r"0[bBoOxX]")
_UNDERSCORE = re.compile(r"_(?<![^\s0-9.+eE-]_)")
_NUMBER_SO_FAR = re.compile(r"[-+]?(?:[0-9.][-+0-9.eE]*)?")
# Digits to '0', everything else to ' ' (bytes: UTF-8 never uses ASCII bytes inside another
# character), so that a long run of digits is found at memory speed.
_DIGITS = bytes.maketrans(b"0123456789" + bytes(x for x in range(256) if not 48 <= x <= 57),
                          b"0" * 10 + b" " * 246)
_LONG_NUMBER = b"0" * (MAX_INT_CHARS - 1)
# Characters the two parsers read differently: what ruamel's reader refuses (yamlio's strict
# loader: anything but tab, line feed, carriage return, printable ASCII, NEL and the
# printable planes), and NEL, the line and paragraph separators (line breaks to it, text to
# yaml-rs) and a byte order mark inside the text. One scan: the allowed ranges, less those.
_ODD_CHARACTER = re.compile(
    "[^\x09\x0A\x0D\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD"
    "\U00010000-\U0010FFFF]")
# Inside a flow collection 'a:' and '?a' are read differently; case files hold none but '[]'
# and '{}', so a file with any other hands over.
_FLOW = re.compile(r"[\[{](?![\]}])")
# A line of spaces only: in a block scalar it can be an error yaml-rs lets pass ("more
# indented follow up line than first in a block scalar").
_BLANK_WITH_SPACES = re.compile(r"(?m:^ +\r?$)")
# A block scalar header on the last line: yaml-rs reads the empty scalar as a line break
# where YAML (and the strict loader) read nothing.
_HEADER_AT_END = re.compile(r"[|>][-+0-9]*[ ]*(?:#.*)?$")


def _word_before(text: str, at: int) -> str:
    start = max(text.rfind(" ", 0, at), text.rfind("\n", 0, at), text.rfind("\r", 0, at))
    return text[start + 1:at]


def _numberish(text: str) -> bool:
    """A number written in one of the spellings above (or something close to one)."""
    for m in _PREFIXED.finditer(text):
        if _word_before(text, m.start()) in ("", "-", "+"):
            return True
    for m in _UNDERSCORE.finditer(text):
        if _NUMBER_SO_FAR.fullmatch(_word_before(text, m.start())):
            return True
    return _LONG_NUMBER in text.encode("utf-8", "surrogatepass").translate(_DIGITS)


def _different(text: str) -> bool:
    """True when the two parsers might read ``text`` differently (see the module doc)."""
    if _ODD_CHARACTER.search(text) or _numberish(text):
        return True
    if ("[" in text or "{" in text) and _FLOW.search(text):
        return True
    if _HEADER_AT_END.search(text.rstrip().rsplit("\n", 1)[-1]):
        return True
    return (" \n" in text or " \r" in text or text.endswith(" ")) \
        and _BLANK_WITH_SPACES.search(text) is not None


def available() -> bool:
    return yaml_rs is not None


def load(text: str) -> Loaded | None:
    """The file's data, without positions; None when the other loaders must decide."""
    if yaml_rs is None or suspect(text) or _different(text) or _may_nest_deep(text):
        return None
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except Exception:  # noqa: BLE001 - any parser complaint: the strict loader explains it
        return None
    if not isinstance(data, dict) or not data:
        return None
    try:
        return Loaded(data=_plain(data, 0))
    except (_Fallback, RecursionError):
        return None


class _Fallback(Exception):
    pass


_SCALAR_TYPES = frozenset((str, int, float, bool, type(None)))
_CONTAINERS = (dict, list)


def _plain(value, depth):
    """The data as the strict loader builds it: keys as text, nothing deeper than it reads,
    nothing but what JSON holds. Walks the containers only (the scalars' types are taken
    all at once): this runs on every case file."""
    if depth >= MAX_DEPTH:
        raise _Fallback
    if type(value) is dict:
        if set(map(type, value)) != {str}:
            converted = _text_keys(value)
            value.clear()  # in place: the container holding it keeps it
            value.update(converted)
        items = value.values()
    else:
        items = value
    types = set(map(type, items))
    if not types <= _SCALAR_TYPES:
        if not types <= _SCALAR_TYPES | {dict, list}:
            raise _Fallback  # a type lpcli's loaders never make (a date, bytes...)
        for item in items:
            if type(item) in _CONTAINERS:
                _plain(item, depth + 1)
    return value


def _text_keys(value: dict) -> dict:
    """Keys yaml-rs read as numbers, booleans or null, as the strict loader keeps them."""
    out = {}
    for key, item in value.items():
        if not isinstance(key, str):
            if key is not None and not isinstance(key, (bool, int, float)):
                raise _Fallback  # a complex key: the strict loader explains it
            key = key_text(key)
            if key in value or key in out:
                raise _Fallback  # '1: a' beside "'1': b": a duplicate for lpcli
        out[key] = item
    return out
