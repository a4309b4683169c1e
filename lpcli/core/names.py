"""Comparing what people type with what a record holds: names (case, accents and a typo
aside), dates of birth typed the British way, and postcodes with or without their space.

``lpcli find`` searches with these, and ``lpcli new`` uses them to ask whether the child
is already known; both must agree on when two names are "the same".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# Letters NFKD does not take apart into a base letter and an accent.
_LETTERS = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d",
                          "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th",
                          "ð": "d", "Ð": "d", "ı": "i", "ħ": "h", "Ħ": "h"})
_APOSTROPHES = re.compile(r"['’‘`ʼ]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, accents off, apostrophes dropped, any other punctuation a space:
    "Zoë O'Brien-Łukasz" → "zoe obrien lukasz"."""
    text = unicodedata.normalize("NFKD", str(text).translate(_LETTERS))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _APOSTROPHES.sub("", text)
    return _NOT_WORD.sub(" ", text).strip()


def words(text) -> list[str]:
    return fold(text).split() if text else []


def typos_allowed(word: str) -> int:
    """Letters that may be wrong for a word still to count as the same: none in a short word
    (Leo, Ava: a changed letter is another name), one up to seven letters, then two."""
    n = len(word)
    return 0 if n < 4 else 1 if n < 8 else 2


def distance(a: str, b: str, limit: int) -> int:
    """Edits (a letter added, dropped, changed, or two swapped) from ``a`` to ``b``; any
    answer over ``limit`` is ``limit + 1`` (the work stops there)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def word_match(typed: str, held: str) -> str | None:
    """How a typed word matches a word of a record: 'exact', 'prefix' (the start of it, two
    letters or more), 'typo' (close enough, see ``typos_allowed``), or None."""
    if typed == held:
        return "exact"
    if len(typed) >= 2 and held.startswith(typed):
        return "prefix"
    limit = typos_allowed(min(typed, held, key=len))
    if limit and distance(typed, held, limit) <= limit:
        return "typo"
    return None


def same_word(a: str, b: str) -> bool:
    """The same name, a typo aside (never just the start of one)."""
    return word_match(a, b) in ("exact", "typo") or word_match(b, a) in ("exact", "typo")


def same_child_name(given: str, family: str, other: dict) -> bool:
    """Does a child's record (``other``: given_name, family_name, known_as) name the same
    child as ``given family``? The family names agree (a typo aside) and so does a given
    name, or the name the child is known by."""
    fam_a, fam_b = words(family), words(other.get("family_name"))
    if not fam_a or not fam_b:
        return False
    if not (any(same_word(a, b) for a in fam_a for b in fam_b)):
        return False
    mine = words(given)
    theirs = words(other.get("given_name")) + words(other.get("known_as"))
    return any(same_word(a, b) for a in mine for b in theirs)


# -- postcodes ---------------------------------------------------------------------------------

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_POSTCODE_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{1,2}[0-9][A-Za-z0-9]?)\s*([0-9][A-Za-z]{2})(?![A-Za-z0-9])")


def postcode(text) -> str | None:
    """A UK postcode with the spaces taken out and in capitals ('rv1 4qt' → 'RV14QT'), or
    None when it is not one."""
    squeezed = re.sub(r"\s+", "", str(text or "")).upper()
    return squeezed if _POSTCODE.match(squeezed) else None


def outward(code: str) -> str:
    """The district of a normalised postcode ('RV14QT' → 'RV1')."""
    return code[:-3]


def is_district(word: str) -> bool:
    return bool(_OUTWARD.match(word.upper()))


def postcodes_in(text: str) -> tuple[list[str], str]:
    """Whole postcodes found in a query, and the query without them."""
    found = [f"{a}{b}".upper() for a, b in _POSTCODE_IN_TEXT.findall(text)]
    return found, _POSTCODE_IN_TEXT.sub(" ", text)


# -- dates typed by people ---------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_BRITISH = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def looks_like_date(word: str) -> bool:
    return bool(_ISO.match(word) or _BRITISH.match(word))


def typed_date(word: str) -> dt.date | None:
    """A date as people type it: 2018-02-14, or the British 14/02/2018 (also 14.02.2018,
    14-02-2018, 14/2/2018). None when it is not a real date."""
    m = _ISO.match(word)
    if m:
        year, month, day = (int(g) for g in m.groups())
    else:
        m = _BRITISH.match(word)
        if not m:
            return None
        day, month, year = (int(g) for g in m.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
