"""How the service is doing: the monthly report a board reads (``lpcli report``).

Every figure is counted from the cases' histories (``check/history.py``, kept in the cache)
for a period, with a written definition (``FIGURES``), a target from ``report_targets`` in
lpcli.yaml marked on target / close / off target (a shape and a word, so it prints in black
and white), and the direction since the previous period of the same length. Twelve months of
trend go with it, for the charts. No child can be identified: no names, no dates of birth,
and ``publish`` suppresses counts under five as published statistics do.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import asdict, dataclass, field

from lpcli.check import facts
from lpcli.check import history as H
from lpcli.check.facts import as_date
from lpcli.core import dates

SMALL = 5  # counts below this are suppressed in published figures


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    unit: str             # 'count', 'days' or '%'
    higher_is_better: bool | None   # None: a count with no better direction
    definition: str


FIGURES = (
    Definition("opened", "Cases opened", "count", None,
               "Cases whose 'opened' date is in the period."),
    Definition("closed", "Cases closed", "count", None,
               "Closures dated in the period, each case once per closure, by reason "
               "(closures later undone by a reopening included)."),
    Definition("open_at_end", "Open at the end", "count", None,
               "Cases opened by the last day of the period and not closed on it."),
    Definition("stepped_up", "Stepped up to social care", "count", False,
               "Cases handed over with the transition 'step_up', or closed as 'stepped up "
               "to social care', in the period (each case once)."),
    Definition("reopened_within_year", "Re-referrals within 12 months", "count", False,
               "Reopenings in the period of a case closed less than a year before."),
    Definition("days_to_assessment", "Days from opening to assessment", "days", False,
               "For cases first assessed in the period: days from opening to the first "
               "assessment; the median (and the 90th percentile in 'detail')."),
    Definition("days_to_lead", "Days from assessment to lead professional", "days", False,
               "For cases whose first lead professional was appointed in the period: days "
               "from the first assessment; the median (90th percentile in 'detail')."),
    Definition("days_to_plan", "Days from lead professional to plan", "days", False,
               "For plans agreed in the period: days from the first lead professional's "
               "appointment (0 for a plan agreed first); the median (90th percentile in "
               "'detail')."),
    Definition("nominations_in_grace", "Nominations within the grace period", "%", True,
               "Of first appointments in the period: the share made within "
               "nomination_grace_days of the first assessment."),
    Definition("unresolved_nominations", "Unresolved nominations", "count", False,
               "Open cases at the end of the period whose nomination is escalated and "
               "unresolved ('detail': the longest wait in days)."),
    Definition("reviews_on_time", "Reviews held on time", "%", True,
               "Of reviews held in the period: the share held on or before the date they "
               "were due (the previous review's next date, or the first review date)."),
    Definition("actions_on_time", "Actions done on time", "%", True,
               "Of actions marked done in the period: the share done on or before their "
               "due date."),
    Definition("families_satisfied", "Families satisfied", "%", True,
               "Of reviews in the period where the family was asked: the share 'satisfied' "
               "or 'very satisfied' ('detail': every answer)."),
    Definition("outcomes_progressing", "Outcomes with good progress", "%", True,
               "Of outcome ratings at reviews in the period: the share 'good progress' or "
               "'achieved' ('detail': every rating)."),
    Definition("supervision_on_time", "Lead professionals supervised on time", "%", True,
               "Of practitioners leading an open case now: the share whose supervision was not "
               "overdue on the last day of the period (every supervision_interval_weeks, "
               "counted from the last session, or from when they began leading)."),
)
BY_KEY = {d.key: d for d in FIGURES}


@dataclass
class Period:
    start: dt.date
    end: dt.date           # inclusive

    @property
    def label(self) -> str:
        if self.start.day == 1 and dates.add_months(self.start, 1) - dt.timedelta(days=1) \
                == self.end:
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    def __contains__(self, day) -> bool:
        day = as_date(day)
        return day is not None and self.start <= day <= self.end

    def before(self) -> "Period":
        """The period of the same length just before this one (a month before a month)."""
        if self.start.day == 1 and self.label == f"{self.start:%Y-%m}":
            return month(dates.add_months(self.start, -1))
        length = self.end - self.start
        end = self.start - dt.timedelta(days=1)
        return Period(end - length, end)


def month(day: dt.date) -> Period:
    start = day.replace(day=1)
    return Period(start, dates.add_months(start, 1) - dt.timedelta(days=1))


@dataclass
class Figure:
    key: str
    label: str
    unit: str
    value: float | int | None
    definition: str
    detail: dict = field(default_factory=dict)
    base: int | None = None          # how many it was counted over (for shares and days)
    suppressed: bool = False
    target: float | None = None
    mark: str | None = None          # 'on target', 'close', 'off target'
    previous: float | int | None = None
    change: str | None = None        # 'up', 'down', 'same'

    def as_dict(self) -> dict:
        return asdict(self)


# -- counting ----------------------------------------------------------------------------------

def _median_p90(values: list[int]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    ordered = sorted(values)
    p90 = ordered[math.ceil(0.9 * len(ordered)) - 1]  # nearest rank
    return statistics.median(ordered), p90


def _days(a, b) -> int | None:
    """Days waited from ``a`` to ``b``; never below 0. The records allow the second step to
    be dated first (a plan agreed at the meeting that named a lead whose role starts the
    next week): no wait, not a negative one, which would pull a median below what anyone
    waited."""
    a, b = as_date(a), as_date(b)
    return max(0, (b - a).days) if a and b else None


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


class _Days(dict):
    """``as_date`` remembered per spelling: a casebook kept for years has a few thousand
    days among a million dates, and a look-up costs a third of a parse."""

    def __missing__(self, value):
        day = self[value] = as_date(value)
        return day


def _day_reader():
    days = _Days()

    def day(value):
        try:
            return days[value]
        except TypeError:  # (not hashable: nothing a history holds, but never a crash)
            return as_date(value)
    return day


class _Dated:
    """A case's history with its dates read once (``as_date``: None for none or a bad one),
    not once per count: a report makes fourteen counts."""

    __slots__ = ("opened", "assessed", "lead_since", "plan_agreed", "unresolved",
                 "closures", "closure_days", "events", "reopenings", "step_ups", "reviews",
                 "actions")

    def __init__(self, h: dict, day=as_date):
        self.opened, self.assessed = day(h[H.OPENED]), day(h[H.ASSESSED])
        self.lead_since, self.plan_agreed = day(h[H.LEAD_SINCE]), day(h[H.PLAN_AGREED])
        self.unresolved = day(h[H.UNRESOLVED])
        self.closures = [(day(d), reason) for d, reason in h[H.CLOSURES]]
        self.closure_days = sorted(d for d, _ in self.closures if d)
        self.reopenings = [day(r) for r in h[H.REOPENINGS]]
        self.events = H.events(self.closures, self.reopenings)
        self.step_ups = [day(d) for d in h[H.STEP_UPS]]
        self.reviews = [(day(held), day(due), satisfied, marks)
                        for held, due, satisfied, marks in h[H.REVIEWS]]
        self.actions = [(day(due), day(done_on)) for due, done_on, _ in h[H.ACTIONS]]

    def closed_on(self, day: dt.date) -> bool:
        """``history.closed_on``, from the dates read once."""
        return H.closed_by(self.events, day)

    def reviews_due(self, first_weeks: dt.timedelta):
        """Each review as (held, due, satisfaction, ratings), the first one's due date from
        the plan's and the casebook's setting when the case records none."""
        first_due = self.plan_agreed + first_weeks if self.plan_agreed else None
        for i, (held, due, satisfied, marks) in enumerate(self.reviews):
            yield held, due or (first_due if i == 0 else None), satisfied, marks


def _first_weeks(settings: dict) -> dt.timedelta:
    return dt.timedelta(weeks=int(settings.get("first_review_weeks") or 6))


def _trend_months(period: Period) -> list:
    """The twelve months to the period's end, oldest first."""
    return [month(dates.add_months(period.end.replace(day=1), -i)) for i in range(11, -1, -1)]


class _Histories:
    """The cases' histories. A case closed for good before a period began counts for
    nothing in it (every figure is of events in the period, or of cases open at its end), so
    each of the report's fourteen counts skips it: in a casebook kept for years, most cases.
    (``history.QUIET`` keeps the day it fell quiet; the scan leaves out those quiet before
    the report's first period, unread: ``quiet_before``.)"""

    def __init__(self, histories):
        day = _day_reader()
        self.items = [(H.quiet_since(h), _Dated(h, day)) for h in histories]

    def for_period(self, period: Period) -> list:
        start = period.start.isoformat()
        return [h for quiet, h in self.items if quiet is None or quiet >= start]


def first_day(period: Period) -> dt.date:
    """The first day any count of the report for ``period`` looks at (its trend's first
    month, or the period before): a case quiet since before it counts in none."""
    return min(period.start, period.before().start, _trend_months(period)[0].start)


def count(histories, period: Period, settings: dict) -> dict[str, Figure]:
    """Every figure for one period, from the cases' histories (``history.history``'s
    records, or ``_Dated`` ones)."""
    grace = int(settings.get("nomination_grace_days") or 20)
    first_weeks = _first_weeks(settings)
    start, end = period.start, period.end

    def within(day) -> bool:
        return day is not None and start <= day <= end

    c = {k: 0 for k in ("opened", "closed", "open_at_end", "stepped_up", "reopened",
                        "unresolved")}
    reasons: dict[str, int] = {}
    waits = {"days_to_assessment": [], "days_to_lead": [], "days_to_plan": []}
    in_grace = leads = reviews = reviews_on_time = done = done_on_time = 0
    unresolved_wait = []
    satisfaction: dict[str, int] = {}
    ratings: dict[str, int] = {}
    for h in histories:
        if not isinstance(h, _Dated):
            h = _Dated(h)
        opened = h.opened
        if within(opened):
            c["opened"] += 1
        if opened and opened <= end and not h.closed_on(end):
            c["open_at_end"] += 1
            since = h.unresolved
            if since and since <= end:
                c["unresolved"] += 1
                unresolved_wait.append((end - since).days)
        for day, reason in h.closures:
            if within(day):
                c["closed"] += 1
                reasons[reason] = reasons.get(reason, 0) + 1
        if any(within(d) for d in h.step_ups) or any(
                within(d) and r == "stepped_up_to_social_care" for d, r in h.closures):
            c["stepped_up"] += 1
        for reopened in h.reopenings:
            if within(reopened):
                before = [d for d in h.closure_days if d <= reopened]
                if before and (reopened - before[-1]).days < 365:
                    c["reopened"] += 1
        if within(h.assessed):
            waits["days_to_assessment"].append(_days(h.opened, h.assessed))
        if within(h.lead_since) and h.assessed:
            days = _days(h.assessed, h.lead_since)
            waits["days_to_lead"].append(days)
            leads += 1
            in_grace += days <= grace
        if within(h.plan_agreed) and h.lead_since:
            waits["days_to_plan"].append(_days(h.lead_since, h.plan_agreed))
        for held, due, satisfied, marks in h.reviews_due(first_weeks):
            if not within(held):
                continue
            if due:
                reviews += 1
                reviews_on_time += held <= due
            if satisfied and satisfied != "not_asked":
                satisfaction[satisfied] = satisfaction.get(satisfied, 0) + 1
            for m in marks:
                ratings[m] = ratings.get(m, 0) + 1
        for due, done_on in h.actions:
            if within(done_on) and due:
                done += 1
                done_on_time += done_on <= due
    return _figures(c, reasons, waits, (in_grace, leads), (reviews_on_time, reviews),
                    (done_on_time, done), satisfaction, ratings, unresolved_wait)


def _figures(c, reasons, waits, grace, reviews, actions, satisfaction, ratings,
             unresolved_wait) -> dict[str, Figure]:
    def fig(key, value, base=None, **detail):
        d = BY_KEY[key]
        return Figure(key, d.label, d.unit, value, d.definition, detail, base)

    out = {
        "opened": fig("opened", c["opened"]),
        "closed": fig("closed", c["closed"], by_reason=dict(sorted(reasons.items()))),
        "open_at_end": fig("open_at_end", c["open_at_end"]),
        "stepped_up": fig("stepped_up", c["stepped_up"]),
        "reopened_within_year": fig("reopened_within_year", c["reopened"]),
    }
    for key, values in waits.items():
        values = [v for v in values if v is not None]
        median, p90 = _median_p90(values)
        out[key] = fig(key, median, len(values), p90=p90)
    out["nominations_in_grace"] = fig("nominations_in_grace", _share(*grace), grace[1])
    out["unresolved_nominations"] = fig("unresolved_nominations", c["unresolved"],
                                        longest_wait=max(unresolved_wait, default=None))
    out["reviews_on_time"] = fig("reviews_on_time", _share(*reviews), reviews[1])
    out["actions_on_time"] = fig("actions_on_time", _share(*actions), actions[1])
    asked = sum(satisfaction.values())
    happy = satisfaction.get("satisfied", 0) + satisfaction.get("very_satisfied", 0)
    out["families_satisfied"] = fig("families_satisfied", _share(happy, asked), asked,
                                    answers=dict(sorted(satisfaction.items())))
    rated = sum(ratings.values())
    good = ratings.get("good_progress", 0) + ratings.get("achieved", 0)
    out["outcomes_progressing"] = fig("outcomes_progressing", _share(good, rated), rated,
                                      ratings=dict(sorted(ratings.items())))
    return out


# -- marks, change and suppression ------------------------------------------------------------

def mark(figure: Figure, target: float | None) -> str | None:
    """On target, close (within a tenth of the target), or off target."""
    d = BY_KEY[figure.key]
    if target is None or figure.value is None or d.higher_is_better is None:
        return None
    good = figure.value >= target if d.higher_is_better else figure.value <= target
    if good:
        return "on target"
    near = abs(figure.value - target) <= abs(target) * 0.1
    return "close" if near else "off target"


def change(now, before) -> str | None:
    if now is None or before is None:
        return None
    return "up" if now > before else "down" if now < before else "same"


def suppress(figure: Figure) -> None:
    """Published figures hide small numbers, so that no child can be recognised."""
    small = figure.base if figure.unit != "count" else figure.value
    if small is not None and 0 < small < SMALL:
        figure.value, figure.suppressed, figure.detail = None, True, {}
    for name, values in list(figure.detail.items()):
        if isinstance(values, dict):
            figure.detail[name] = {k: (v if v >= SMALL else None) for k, v in values.items()}


# -- the report ---------------------------------------------------------------------------------

@dataclass
class Report:
    period: Period
    as_of: dt.date
    figures: list[Figure]
    trend: dict            # {'months': [...], 'series': {key: [value, ...]}}
    leads: list[dict]      # each lead's open cases against capacity
    published: bool

    def as_dict(self) -> dict:
        return {"period": {"label": self.period.label, "start": self.period.start.isoformat(),
                           "end": self.period.end.isoformat()},
                "as_of": self.as_of.isoformat(), "published": self.published,
                "figures": [f.as_dict() for f in self.figures], "trend": self.trend,
                "leads": self.leads}


TREND_KEYS = ("opened", "closed", "open_at_end", "reviews_on_time", "actions_on_time",
              "days_to_assessment")


def build(cases, settings: dict, directory, period: Period, as_of: dt.date, *,
          publish: bool = False) -> Report:
    """The report for ``period`` (as known on ``as_of``) and the twelve months to its end."""
    histories, leads, since = [], {}, {}
    for _, case in cases:
        h = case.get("history")
        if h is None:
            continue
        histories.append(h)
        if case.get("status") == "open" and h.get(H.LEAD):
            leads[h[H.LEAD]] = leads.get(h[H.LEAD], 0) + 1
            started = as_date((case.get("lead_professional") or {}).get("since"))
            if started:
                since[h[H.LEAD]] = min(started, since.get(h[H.LEAD], started))
    histories = _Histories(histories)
    targets = settings.get("report_targets") or {}
    now = count(histories.for_period(period), period, settings)
    before = count(histories.for_period(period.before()), period.before(), settings)
    for day, counted in ((period.end, now), (period.before().end, before)):
        counted["supervision_on_time"] = _supervision(leads, since, directory, settings, day)
    figures = []
    for d in FIGURES:
        f = now[d.key]
        f.previous, f.target = before[d.key].value, targets.get(d.key)
        f.mark, f.change = mark(f, f.target), change(f.value, f.previous)
        if publish:
            suppress(f)
        figures.append(f)
    return Report(period, as_of, figures, _trend(histories, period, settings, publish),
                  _capacity(leads, directory, publish), publish)


def _supervision(leads: dict, since: dict, directory, settings: dict, day: dt.date) -> Figure:
    """Of today's leads, how many were not overdue for supervision on ``day`` (sessions
    recorded after ``day`` do not count for it)."""
    on_time = base = 0
    for pid in leads:
        person = directory.get(pid)
        entry = dict(person.data) if person else {}
        entry["supervisions"] = [x for x in entry.get("supervisions") or []
                                 if (as_date(x.get("date")) or day) <= day]
        started = since.get(pid)
        if started and started > day:
            continue
        due = facts.supervision_due(entry, settings, started)
        base += 1
        on_time += bool(due and due >= day)
    d = BY_KEY["supervision_on_time"]
    return Figure(d.key, d.label, d.unit, _share(on_time, base), d.definition, {}, base)


def _trend(histories, period: Period, settings: dict, publish: bool) -> dict:
    """TREND_KEYS for each of the twelve months to the period's end: what ``count`` gives
    for each month, in one pass over the cases (each event counted in its month) rather
    than twelve."""
    months = _trend_months(period)
    first_weeks = _first_weeks(settings)
    base = months[0].start.year * 12 + months[0].start.month - 1
    size = len(months)
    ends = [m.end for m in months]

    def at(day) -> int | None:
        if day is None:
            return None
        i = day.year * 12 + day.month - 1 - base
        return i if 0 <= i < size else None

    opened, closed, open_at_end = [0] * size, [0] * size, [0] * size
    reasons = [{} for _ in months]
    assessed = [[] for _ in months]
    reviews, actions = [[0, 0] for _ in months], [[0, 0] for _ in months]  # on time, all
    # A case quiet since before the first month counts in none of them (_Histories).
    for h in histories.for_period(months[0]):
        i = at(h.opened)
        if i is not None:
            opened[i] += 1
        if h.opened:
            for j, end in enumerate(ends):
                if h.opened <= end and not h.closed_on(end):
                    open_at_end[j] += 1
        for day, reason in h.closures:
            i = at(day)
            if i is not None:
                closed[i] += 1
                reasons[i][reason] = reasons[i].get(reason, 0) + 1
        i = at(h.assessed)
        if i is not None:
            assessed[i].append(_days(h.opened, h.assessed))
        for held, due, _satisfied, _marks in h.reviews_due(first_weeks):
            i = at(held)
            if i is not None and due:
                reviews[i][0] += held <= due
                reviews[i][1] += 1
        for due, done_on in h.actions:
            i = at(done_on)
            if i is not None and due:
                actions[i][0] += done_on <= due
                actions[i][1] += 1
    series = {key: [] for key in TREND_KEYS}
    for i in range(size):
        c = {"opened": opened[i], "closed": closed[i], "open_at_end": open_at_end[i],
             "stepped_up": 0, "reopened": 0, "unresolved": 0}
        waits = {"days_to_assessment": assessed[i], "days_to_lead": [], "days_to_plan": []}
        counted = _figures(c, reasons[i], waits, (0, 0), tuple(reviews[i]), tuple(actions[i]),
                           {}, {}, [])
        for key in TREND_KEYS:
            f = counted[key]
            if publish:
                suppress(f)
            series[key].append(f.value)
    return {"months": [m.label for m in months], "series": series}


def _capacity(leads: dict, directory, publish: bool) -> list[dict]:
    out = []
    for pid, person in sorted(directory.by_id.items()):
        led = leads.get(pid, 0)
        if not led and (person.data.get("active") is False or not person.capacity):
            continue
        out.append({"practitioner": pid, "leads": led, "capacity": person.capacity,
                    "over_capacity": led > person.capacity})
    return out
