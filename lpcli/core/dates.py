"""Dates: today's date for the casebook, parsing of --date and time options, date arithmetic.

Documents print dates in their language's words (``documents/catalogue.py``)."""

from __future__ import annotations

import datetime as dt
import os
import re

from lpcli.core.errors import LpcliError


class BadDate(LpcliError):
    exit_code = 2


def today(settings: dict | None = None) -> dt.date:
    """Today in the casebook's time zone (``timezone`` in lpcli.yaml), else local time.

    ``LPCLI_TODAY`` overrides it, for reproducing a report or a test on a fixed date.
    """
    fixed = os.environ.get("LPCLI_TODAY")
    if fixed:
        return parse(fixed, "LPCLI_TODAY")
    tz = (settings or {}).get("timezone")
    if tz:
        try:
            from zoneinfo import ZoneInfo

            return dt.datetime.now(ZoneInfo(tz)).date()
        except Exception:  # noqa: BLE001 - an unknown zone falls back to local time
            pass
    return dt.date.today()


# Every date lpcli reads, from a file (the schema's pattern) or an option, lies in these
# years, so that date arithmetic (a review interval, a retention age, --within days) can
# never run past the calendar's end.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def parse(text: str, what: str = "date") -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        day = dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise BadDate(f"{what} must be a real date written YYYY-MM-DD",
                      hint="for example 2026-03-03")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadDate(f"{what} must be a date between {FIRST_YEAR} and {LAST_YEAR}",
                      hint="for example 2026-03-03")
    return day


_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def parse_time(text: str, what: str = "time") -> str:
    """A time of day as lpcli stores it: 'HH:MM' on the 24-hour clock ('9:30' becomes
    '09:30'). Returned as text, the way case files hold it."""
    value = (text or "").strip()
    if re.fullmatch(r"[0-9]:[0-5][0-9]", value):
        value = "0" + value
    if not _TIME.fullmatch(value):
        raise BadDate(f"{what} must be a time of day written HH:MM on the 24-hour clock",
                      hint="for example 09:30 or 14:00")
    return value


def add_months(d: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months on (the month's last day when it is shorter:
    30 November + 3 months is 28 February, not 2 March)."""
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31,
            30, 31, 31, 30, 31, 30, 31][month - 1]
    return dt.date(year, month, min(d.day, days))


def add_weeks(d: dt.date, weeks: int) -> dt.date:
    return d + dt.timedelta(weeks=weeks)


def add_working_days(d: dt.date, days: int) -> dt.date:
    """The working day (Monday to Friday) ``days`` working days after ``d``: councils set
    timescales in working days. Bank holidays are not known, so they count as working days
    (a timescale comes out a day early at worst, never late)."""
    if d.weekday() >= 5:  # from a weekend, counting starts as from the Friday before
        d -= dt.timedelta(days=d.weekday() - 4)
    whole_weeks, rest = divmod(days, 5)
    day = d + dt.timedelta(weeks=whole_weeks)
    while rest:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            rest -= 1
    return day

