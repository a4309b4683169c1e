"""A cache of checked case files, so an unchanged case is never parsed twice.

For each case file it keeps, under the SHA-1 of the file's bytes (as git names content;
hardware-accelerated, twice as fast as blake2b here): the diagnostics
``validate`` found and a *slim* copy of the case holding just what the reports read (status,
lead professional, due dates...). A run reads every file's bytes and hashes them — about a
tenth of a second for 10,000 cases — so the cache can never give a stale answer, whatever
happened to sizes or timestamps. Diagnostics also depend on practitioners.yaml, lpcli.yaml,
the schema and lpcli's version; when any of those change, they are recomputed.

It lives in the git directory (``.git/lpcli/``): never tracked, never committed, one per
clone. A missing, corrupt or unwritable cache only means a full run.
"""

from __future__ import annotations

import hashlib
import json
import os

from lpcli import __version__, gitstore
from lpcli.check.history import history
from lpcli.core.diagnostics import Diagnostic

FORMAT = 9  # 9: the report's history, the lead's start, handovers (issues 14 and 17)
           # and what 'lpcli find' reads (known_as, postcode, school name, links; issue 15)
PARALLEL_MIN = 400  # below this many files to analyse, starting processes costs more


def digest(raw: bytes) -> str:
    return hashlib.sha1(raw, usedforsecurity=False).hexdigest()


# What the reports read from a case (listing, overdue, caseload, calendar, suggestions,
# retention; the lead's start date for a plan due after appointment, handovers for a step-up
# after consent was withdrawn; find). The differential test checks every report gives the same
# answer from this as from the case. (The dates of birth are for retention's until_age rule,
# and with the known-as name, postcode and school for 'lpcli find' and the check 'lpcli new'
# makes; the cache holds nothing .git/objects does not, and README says to delete it with a
# case.)
_SLIM = {
    "id": None, "status": None, "opened": None,
    "child": ("given_name", "family_name", "known_as", "date_of_birth", "expected_date",
              "address", "school"),
    "links": None,
    "closure": ("date", "reason"),
    "assessment": ("date", "outcome"),
    "statutory": ("status", "practitioner"),
    "lead_professional": ("practitioner", "since"),
    "unresolved_nomination": ("date",),
    "consent": ("date", "withdrawn"),
}


def slim(case: dict) -> dict:
    out = {}
    for key, keep in _SLIM.items():
        if key not in case:
            continue
        value = case[key]
        out[key] = {k: value[k] for k in keep if k in value} \
            if keep and isinstance(value, dict) else value
    plan = case.get("plan")
    if isinstance(plan, dict):
        p = {k: plan[k] for k in ("agreed", "first_review", "first_review_venue",
                                  "review_interval_weeks") if k in plan}
        actions = plan.get("actions")
        if isinstance(actions, list):
            p["actions"] = [{k: a[k] for k in ("id", "owner", "due", "status") if k in a}
                            if isinstance(a, dict) else a for a in actions]
        out["plan"] = p
    elif "plan" in case:
        out["plan"] = plan
    _slim_child(out)
    withdrawn = (case.get("consent") or {}).get("withdrawn")
    if isinstance(withdrawn, dict):  # its notes are the family's words: only the date
        out["consent"]["withdrawn"] = {k: withdrawn[k] for k in ("date",) if k in withdrawn}
    reviews = case.get("reviews")
    if isinstance(reviews, list):
        out["reviews"] = [{k: r[k] for k in ("date", "next_review", "next_review_venue")
                           if k in r} if isinstance(r, dict) else r for r in reviews]
    elif "reviews" in case:
        out["reviews"] = reviews
    handovers = case.get("handovers")
    if isinstance(handovers, list):  # a step-up decides withdrawn consent (overdue)
        out["handovers"] = [{k: h[k] for k in ("date", "transition") if k in h}
                            if isinstance(h, dict) else h for h in handovers]
    out["history"] = history(case)  # what the service report counts (check/history.py)
    return out


def _slim_child(out: dict) -> None:
    """Of the address only the postcode, of the school only its name (for 'lpcli find')."""
    child = out.get("child")
    if not isinstance(child, dict):
        return
    for key, keep in (("address", "postcode"), ("school", "name")):
        value = child.get(key)
        if isinstance(value, dict):
            if keep in value:
                child[key] = {keep: value[keep]}
            else:
                del child[key]


class Cache:
    def __init__(self, casebook):
        self.casebook = casebook
        gd = gitstore.git_dir(casebook.root)
        tag = hashlib.blake2b(os.fsencode(casebook.root), digest_size=6).hexdigest()
        # No cache in another user's casebook (root running 'lpcli validate', say): the file
        # and folder made here would be this user's, private, and in the owner's way.
        if gd is not None and gitstore.foreign_owner(gd) is not None:
            gd = None
        self.path = gd / "lpcli" / f"cache-{tag}.json" if gd else None
        self.context = self._context()
        self.entries: dict[str, list] = {}
        self.dirty = False
        self._load()

    def _context(self) -> str:
        from lpcli.core.resources import schemas_dir

        h = hashlib.blake2b(digest_size=16)
        h.update(f"{FORMAT}:{__version__}".encode())
        for path in (schemas_dir() / "case.schema.json", self.casebook.practitioners_path,
                     self.casebook.settings_path):
            try:
                h.update(path.read_bytes())
            except OSError:
                h.update(b"-")
        return h.hexdigest()

    def _load(self) -> None:
        if self.path is None:
            return
        try:
            with open(self.path, encoding="utf-8") as fh:
                saved = json.load(fh)
            if saved.get("format") != FORMAT or saved.get("lpcli") != __version__:
                return
            entries = saved["files"]
            if not isinstance(entries, dict):
                return
            if saved.get("context") != self.context:
                # Diagnostics depend on the directory, settings and schema: recompute them.
                for entry in entries.values():
                    entry[2] = None
            self.entries = entries
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.entries = {}

    def get(self, name: str, sha: str):
        entry = self.entries.get(name)
        if isinstance(entry, list) and len(entry) == 3 and entry[0] == sha:
            return entry
        return None

    def put(self, name: str, sha: str, slim_case, diags) -> None:
        self.entries[name] = [sha, slim_case, diags]
        self.dirty = True

    def save(self, present=None) -> None:
        """Write the cache if it changed; forget files no longer there. Never fails."""
        if self.path is None or not self.dirty:
            return
        if present is not None:
            self.entries = {k: v for k, v in self.entries.items() if k in present}
        payload = {"format": FORMAT, "lpcli": __version__, "context": self.context,
                   "files": self.entries}
        try:
            self.path.parent.mkdir(mode=0o700, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            # json.dumps, not json.dump: dump streams through the pure-Python encoder, which
            # is five times slower on a cache of 10,000 entries.
            text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except (OSError, TypeError, ValueError):
            try:
                tmp.unlink()
            except (OSError, UnboundLocalError):
                pass


def diags_to_json(diags) -> list:
    return [[d.file, d.line, d.column, d.path, d.severity, d.rule, d.message] for d in diags]


def diags_from_json(items) -> list:
    return [Diagnostic(*item) for item in items]
