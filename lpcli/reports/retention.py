"""How long closed cases are kept: the ``retention`` setting and ``lpcli retention``.

``lpcli.yaml`` sets one rule or both (README, "Retention")::

    retention:
      years_after_closure: 6   # keep until 6 years after the closure date
      until_age: 25            # keep until the child's 25th birthday

With both, a case is kept until both have passed: retention ends on the *later* date. That
is how council retention schedules word it ("25th birthday or 6 years after closure,
whichever is later"), and the safe way round: reading the rules the other way would destroy
a record that one of them still requires.

A case is past retention when the as-of date is *after* the day retention ends (the last
day of retention is still a day to keep it, as due today is not overdue). Only closed cases
count: an open case, and a closed case that was reopened, are always kept. A 29 February
anniversary falls on 1 March in other years — never a day early.

**A date derived from the date of birth identifies the child.** "Retention ended 2038-10-09
(25th birthday)" is the date of birth with 25 added to the year; so is the number of days
past, given the as-of date. Where the birthday rule decides, reports leave both out unless
asked (``exact=True``, ``lpcli retention --exact-dates``) and say which rule decided.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lpcli.check.facts import as_date
from lpcli.core.errors import EnvironmentProblem
from lpcli.core.text import table

COLUMNS = ("case", "closed", "reason", "retention_ended", "basis", "days_past")
AFTER_CLOSURE = "years_after_closure"
UNTIL_AGE = "until_age"

EXAMPLE_SETTING = "    retention:\n      years_after_closure: 6\n      until_age: 25"


@dataclass(frozen=True)
class Rules:
    years_after_closure: int | None
    until_age: int | None


def rules(settings: dict) -> Rules:
    """The retention rules in the settings; refuses (exit 2) when there are none."""
    value = settings.get("retention")
    hint = ("add a rule from your council's retention schedule to lpcli.yaml, for example:\n"
            + EXAMPLE_SETTING)
    if value is None:
        raise EnvironmentProblem("no retention rule is set in lpcli.yaml", hint=hint)

    def number(key):
        n = value.get(key)
        if n is None or (isinstance(n, int) and not isinstance(n, bool) and n >= 1):
            return n
        raise ValueError(key)

    try:
        if not isinstance(value, dict):
            raise ValueError
        found = Rules(number(AFTER_CLOSURE), number(UNTIL_AGE))
    except ValueError:
        # validate explains exactly what is wrong; guessing here could end retention early.
        raise EnvironmentProblem("the retention setting in lpcli.yaml is not valid",
                                 hint="run 'lpcli validate lpcli.yaml' to see why")
    if found.years_after_closure is None and found.until_age is None:
        raise EnvironmentProblem("the retention setting in lpcli.yaml sets no rule", hint=hint)
    return found


def anniversary(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February becomes 1 March in a common year (never
    earlier than the rule says)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass
class Expired:
    """A closed case past retention."""

    case: str
    closed: dt.date
    reason: str | None
    ended: dt.date   # the last day of retention
    basis: str       # the rule that ended last: AFTER_CLOSURE or UNTIL_AGE
    days_past: int
    rule_text: str   # '6 years after closure', '25th birthday'

    @property
    def from_birthday(self) -> bool:
        return self.basis == UNTIL_AGE

    def as_dict(self, exact: bool = False) -> dict:
        withheld = self.from_birthday and not exact
        return {"case": self.case, "closed": self.closed.isoformat(), "reason": self.reason,
                "retention_ended": None if withheld else self.ended.isoformat(),
                "basis": self.basis, "days_past": None if withheld else self.days_past}


@dataclass
class Report:
    as_of: dt.date
    expired: list = field(default_factory=list)
    closed: int = 0   # closed cases looked at


def end_of_retention(case: dict, closed: dt.date, found: Rules) -> tuple[dt.date, str, str]:
    """(last day of retention, basis, rule text) for a case closed on ``closed``. The case
    passed the schema (the gate), so it has a date of birth or an expected date."""
    ends = []
    if found.years_after_closure:
        years = found.years_after_closure
        ends.append((anniversary(closed, years), AFTER_CLOSURE,
                     f"{years} year{'s' if years != 1 else ''} after closure"))
    if found.until_age:
        child = case["child"]
        born = as_date(child.get("date_of_birth")) or as_date(child.get("expected_date"))
        ends.append((anniversary(born, found.until_age), UNTIL_AGE,
                     f"{ordinal(found.until_age)} birthday"))
    # The later end wins; on a tie, the closure rule, so that no birthday is withheld or
    # printed for nothing.
    return max(ends, key=lambda e: (e[0], e[1] == AFTER_CLOSURE))


def find(cases, settings: dict, as_of: dt.date) -> Report:
    """Closed cases past retention on ``as_of``, oldest closure first (an order that never
    depends on a date of birth).

    ``cases`` is an iterable of (case_id, data), as ``Casebook.cases()`` gives."""
    found = rules(settings)
    report = Report(as_of)
    for case_id, data in cases:
        if data.get("status") != "closed":
            continue  # open, or reopened: kept
        report.closed += 1
        closure = data["closure"]  # the schema requires it, with a date, of a closed case
        closed = as_date(closure["date"])
        ended, basis, text = end_of_retention(data, closed, found)
        if as_of > ended:
            report.expired.append(Expired(case_id, closed, closure.get("reason"), ended, basis,
                                          (as_of - ended).days, text))
    report.expired.sort(key=lambda e: (e.closed, e.case))
    return report


def render_text(report: Report, exact: bool = False) -> str:
    """A table of the cases past retention and a count; birthday dates only when exact.
    With none past, the count alone (a header over no rows says nothing)."""
    if not report.expired:
        return summary(report)
    rows = [("CASE", "CLOSED", "REASON", "RETENTION ENDED", "DAYS PAST")]
    for e in report.expired:
        if e.from_birthday and not exact:
            ended, days = f"on the {e.rule_text} (date withheld)", "-"
        else:
            ended, days = f"{e.ended.isoformat()} ({e.rule_text})", str(e.days_past)
        rows.append((e.case, e.closed.isoformat(), e.reason or "-", ended, days))
    lines = table(rows)
    lines.append(summary(report))
    return "\n".join(lines)


def summary(report: Report) -> str:
    n = len(report.expired)
    return (f"{n} of {report.closed} closed case{'s' if report.closed != 1 else ''} past "
            f"retention as of {report.as_of.isoformat()}"
            + ("; to remove a case for good, see README 'Removing a case for good'"
               if n else ""))
