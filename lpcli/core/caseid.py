"""Case IDs: opaque, safe as file names, and unique across clones that work offline.

An ID is a prefix and ten random Crockford base-32 characters in two groups of five
(``LP-4F7QK-9M2XA``). Fifty random bits make two offline clones picking the same ID
vanishingly unlikely (about one in 10^6 even after 100,000 cases), and ``new_case_id``
also checks the IDs already present. No part of an ID is derived from the child.
"""

from __future__ import annotations

import re

from lpcli.core.errors import InvalidCaseId

# Crockford's alphabet: no I, L, O or U, so IDs read aloud over the phone are unambiguous.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# The allow-list for any case ID, generated or hand-chosen: ASCII capitals and digits in
# hyphen-joined groups. Written out as explicit ranges (never \d or \w, which match other
# scripts' digits) and used with fullmatch (``$`` would accept a trailing newline).
CASE_ID = re.compile(r"[A-Z0-9]{1,12}(?:-[A-Z0-9]{1,12}){1,4}")
MAX_LEN = 40


def is_case_id(text: str) -> bool:
    return isinstance(text, str) and len(text) <= MAX_LEN and CASE_ID.fullmatch(text) is not None


# The same, as whole lines of file names (``ids_of_files``).
_ID_FILE = re.compile(r"^([A-Z0-9]{1,12}(?:-[A-Z0-9]{1,12}){1,4})\.yaml$", re.MULTILINE)


def ids_of_files(names: list[str]) -> list[str]:
    """The case IDs named by these file names (``ID.yaml``), in order, the others left
    out. One pass of the pattern over every name at once: at 100,000 cases a call per name
    is a tenth of a second of a report."""
    text = "\n".join(names)
    if text.count("\n") != max(len(names) - 1, 0):
        # A name with a newline in it: one at a time, or it could pass for two lines.
        return [n[:-5] for n in names if n.endswith(".yaml") and is_case_id(n[:-5])]
    return [found for found in _ID_FILE.findall(text) if len(found) <= MAX_LEN]


def check_case_id(text: str) -> str:
    """Return ``text`` if it is a valid case ID; otherwise raise without echoing it back.

    The argument may be a child's name typed by mistake, so the message does not repeat it.
    """
    if not is_case_id(text):
        raise InvalidCaseId(
            "that is not a case ID: case IDs are capital letters and digits in groups joined "
            "by hyphens, for example LP-4F7QK-9M2XA",
            hint="run 'lpcli list' to see the case IDs")
    return text


def new_case_id(prefix: str = "LP", taken=frozenset()) -> str:
    while True:
        import secrets  # here: its import is a hundredth of a second of every command

        chars = "".join(secrets.choice(ALPHABET) for _ in range(10))
        cid = f"{prefix}-{chars[:5]}-{chars[5:]}"
        if cid not in taken:
            return cid


# -- practitioner IDs --------------------------------------------------------------------------
# Chosen by people ('sw-adeyemi'), unlike case IDs, and used in case files for as long as a
# case is kept; the schema's pattern, written once here for the command line.
PRACTITIONER_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,47}")


def is_practitioner_id(text) -> bool:
    return isinstance(text, str) and PRACTITIONER_ID.fullmatch(text) is not None
