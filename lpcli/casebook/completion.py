"""What the shell completes where an ID is expected: case IDs (from the file names in
cases/, no file read), practitioner IDs (from practitioners.yaml), and a case's own family
member, action, outcome and meeting IDs (from that one case file). Fast on 10,000 cases:
nothing else is read, and nothing is checked beyond what reading safely needs (no symbolic
links, a size limit, strict YAML). Each answer is a list of (value, help); the help never
holds a child's details (it is printed on the terminal as the user types).

Completion must never fail: any problem (no casebook, a broken file) completes nothing.
"""

from __future__ import annotations

from pathlib import Path

from lpcli.casebook.book import Casebook
from lpcli.core.caseid import is_case_id
from lpcli.core.vocabulary import OPEN_ACTION_STATUSES

Items = list[tuple[str, str]]


def casebook(explicit: str | None) -> Casebook | None:
    """The casebook the command line names (-C), else the one found from here; or None."""
    try:
        return Casebook.find(explicit)
    except Exception:  # noqa: BLE001 - completion completes nothing rather than fail
        return None


def case_ids(cb: Casebook, incomplete: str) -> Items:
    """Case IDs starting with what was typed (in capitals: IDs are upper case)."""
    start = incomplete.upper()
    return [(cid, "") for cid in cb.case_ids() if cid.startswith(start)]


def _data(path: Path) -> dict:
    from lpcli.files.loader import load_file

    try:
        loaded = load_file(path)
    except Exception:  # noqa: BLE001 - a file that cannot be read completes nothing
        return {}
    return loaded.data if not loaded.fatal and isinstance(loaded.data, dict) else {}


def practitioners(cb: Casebook, incomplete: str, active_only: bool = False) -> Items:
    """Practitioner IDs, with their name and role as help; those who left last (or not at
    all with ``active_only``)."""
    items = _data(cb.practitioners_path).get("practitioners")
    out, left = [], []
    for p in items if isinstance(items, list) else []:
        if not isinstance(p, dict) or not isinstance(p.get("id"), str):
            continue
        if not p["id"].startswith(incomplete):
            continue
        help_text = ", ".join(str(p[k]) for k in ("name", "role") if isinstance(p.get(k), str))
        if p.get("active") is False:
            if not active_only:
                left.append((p["id"], f"{help_text} (left)"))
        else:
            out.append((p["id"], help_text))
    return out + left


def _case(cb: Casebook, case_id: str | None) -> dict:
    if not case_id or not is_case_id(case_id):
        return {}
    return _data(cb.case_path(case_id))


def _dicts(value) -> list[dict]:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def family(cb: Casebook, case_id: str | None, incomplete: str, child: bool = False) -> Items:
    """The case's family member IDs, with their relationship as help (never their name);
    'child' too where the child may be named."""
    out = [(m["id"], str(m.get("relationship", ""))) for m in _dicts(_case(cb, case_id).get(
        "family")) if isinstance(m.get("id"), str) and m["id"].startswith(incomplete)]
    if child and "child".startswith(incomplete):
        out.append(("child", "the child"))
    return out


def team(cb: Casebook, case_id: str | None, incomplete: str) -> Items:
    """Practitioners in the case's team now."""
    return [(m["practitioner"], str(m.get("role", ""))) for m in _dicts(_case(cb, case_id).get(
        "team")) if isinstance(m.get("practitioner"), str) and not m.get("until")
        and m["practitioner"].startswith(incomplete)]


def plan_items(cb: Casebook, case_id: str | None, kind: str, incomplete: str,
               open_only: bool = False) -> Items:
    """Action or outcome IDs of the case's plan (``kind``: 'actions' or 'outcomes'), with
    their status and due date as help (never their text: it may name the family)."""
    plan = _case(cb, case_id).get("plan")
    out = []
    for item in _dicts(plan.get(kind) if isinstance(plan, dict) else None):
        iid = item.get("id")
        if not isinstance(iid, str) or not iid.startswith(incomplete):
            continue
        status = item.get("status")
        if open_only and status not in OPEN_ACTION_STATUSES:
            continue
        bits = [str(status)] if status else []
        if item.get("due"):
            bits.append(f"due {item['due']}")
        out.append((iid, ", ".join(bits)))
    return out
