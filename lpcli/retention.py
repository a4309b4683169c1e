"""Data retention: which closed cases have been kept as long as the casebook's rules allow.

Councils set how long early-help records are kept after the work ends; common rules are a
number of years after closure, or until the child's 18th or 25th birthday. ``lpcli.yaml``
holds the casebook's rule::

    retention:
      years_after_closure: 6   # kept six years after the case closed
      until_age: 25            # ... and until the child's 25th birthday
      keep_until: later        # both must have passed (the default); 'earlier': either

``lpcli retention`` lists closed cases past that point; removing them (from the casebook and
its history) is a person's decision, made as the README describes.

Dates derived from a date of birth would reveal it (the 25th birthday is the birthday), so
reports give the end of retention to the month, never to the day.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass

from lpcli.casebook import Casebook
from lpcli.errors import EnvironmentProblem
from lpcli.rules import as_date

LATER, EARLIER = "later", "earlier"
COLUMNS = ("case", "closed", "reason", "retained_until", "basis")


@dataclass(frozen=True)
class Policy:
    years_after_closure: int | None
    until_age: int | None
    keep_until: str = LATER

    def describe(self) -> str:
        parts = []
        if self.years_after_closure is not None:
            parts.append(f"{self.years_after_closure} years after closure")
        if self.until_age is not None:
            parts.append(f"the {_ordinal(self.until_age)} birthday")
        if len(parts) == 2:
            return f"{parts[0]} and {parts[1]}, whichever is {self.keep_until}"
        return parts[0]


@dataclass(frozen=True)
class Expired:
    """A closed case past retention. ``retained_until`` is a month: see the module doc."""

    case: str
    closed: str
    reason: str | None
    retained_until: str   # YYYY-MM
    basis: str            # years_after_closure, until_age

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Result:
    policy: Policy
    as_of: dt.date
    expired: list
    undecidable: list     # closed cases whose retention cannot be worked out (IDs)


def policy(settings: dict) -> Policy:
    rule = settings.get("retention")
    if not isinstance(rule, dict) or (rule.get("years_after_closure") is None
                                      and rule.get("until_age") is None):
        raise EnvironmentProblem(
            "lpcli.yaml has no retention rule, so lpcli cannot tell which cases are past it",
            hint="add one, for example: 'retention: {years_after_closure: 6, until_age: 25}' "
                 "(see README, Data retention)")
    return Policy(rule.get("years_after_closure"), rule.get("until_age"),
                  rule.get("keep_until") or LATER)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February becomes 1 March, as ages are reckoned in
    England and Wales."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def retained_until(case: dict, pol: Policy) -> tuple[dt.date, str] | None:
    """The last day a closed case is to be kept, and which rule decides; None when it cannot
    be worked out (no closure date; no date of birth for an age rule)."""
    closed = as_date((case.get("closure") or {}).get("date"))
    child = case.get("child") if isinstance(case.get("child"), dict) else {}
    born = as_date(child.get("date_of_birth")) or as_date(child.get("expected_date"))
    ends = {}
    if pol.years_after_closure is not None:
        if closed is None:
            return None
        ends["years_after_closure"] = add_years(closed, pol.years_after_closure)
    if pol.until_age is not None:
        if born is not None:
            ends["until_age"] = add_years(born, pol.until_age)
        elif pol.keep_until == LATER or not ends:
            return None  # the later of a known and an unknown date is unknown
    basis = (max if pol.keep_until == LATER else min)(ends, key=ends.get)
    return ends[basis], basis


def find(casebook: Casebook, as_of: dt.date, cases=None) -> Result:
    """Closed cases past retention on ``as_of``, the longest past first. Reopened cases are
    open again and never listed. ``cases``: (case_id, data) pairs, by default every case."""
    pol = policy(casebook.settings)
    expired, undecidable = [], []
    for case_id, data in (cases if cases is not None else casebook.cases()):
        if data.get("status") != "closed":
            continue
        found = retained_until(data, pol)
        if found is None:
            undecidable.append(case_id)
            continue
        until, basis = found
        if until < as_of:
            closure = data.get("closure") or {}
            expired.append((until, Expired(case_id, str(closure.get("date")),
                                           closure.get("reason"), until.strftime("%Y-%m"),
                                           basis)))
    expired.sort(key=lambda pair: (pair[0], pair[1].case))
    return Result(pol, as_of, [e for _, e in expired], sorted(undecidable))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def render_text(result: Result) -> str:
    lines, pol = [], result.policy
    for e in result.expired:
        why = (f"{pol.years_after_closure} years after closure"
               if e.basis == "years_after_closure" else f"{_ordinal(pol.until_age)} birthday")
        lines.append(f"{e.case}  closed {e.closed}  {e.reason or '-':<29}  "
                     f"kept until {e.retained_until} ({why})")
    n = len(result.expired)
    lines.append(f"{n} closed case{'s' if n != 1 else ''} past retention on "
                 f"{result.as_of.isoformat()} (rule: {result.policy.describe()})")
    if n:
        lines.append("To remove a case for good, see the README: 'Removing a case for good'.")
    return "\n".join(lines)


def render_json(result: Result) -> str:
    return json.dumps([e.as_dict() for e in result.expired], indent=2)
