"""What is late in open cases: reviews, actions, nominations, consent, leads who left or are
away, plans, and withdrawn consent waiting for a decision.

The rules (README, "What counts as overdue"), all counted from one ``as_of`` date so a run
can be reproduced:

* a **review** is due on the latest review's ``next_review``, or before any review on the
  plan's first-review date (``plan.first_review``, else ``plan.agreed`` + first_review_weeks);
* an **action** is due on its ``due`` date while it is ``open`` or ``in_progress``;
* a **nomination** is due ``nomination_grace_days`` after the assessment (or after the
  meeting that could not agree) for an open case that needs a lead professional and has none;
* **consent** is due to be revisited ``consent_review_months`` after it was given (only when
  the setting is on, and not once consent is withdrawn);
* a **lead** who left, or is away for longer than ``lead_absence_weeks``, is due on the last
  day they were there (``facts.lead_cover``): cover is needed from the next day;
* a **plan** is due ``plan_due_working_days`` working days after the lead was appointed,
  while the case has a lead and no plan;
* withdrawn consent (**consent_withdrawn**) is due on the day it was withdrawn: the decision
  it needs (close, or step up) is expected at once.

Something is *overdue* when its due date is strictly before ``as_of``: due today is not
overdue. With ``within`` days, what falls due from ``as_of`` to ``as_of + within`` inclusive
is reported too, marked ``upcoming``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lpcli.casebook.book import Casebook
from lpcli.check import facts
from lpcli.check.facts import as_date, next_review_due
from lpcli.core import dates
from lpcli.core.vocabulary import OPEN_ACTION_STATUSES, OVERDUE_KINDS

KINDS = OVERDUE_KINDS
COLUMNS = ("case", "kind", "item", "due", "days_overdue", "upcoming", "lead_professional",
           "lead_professional_name", "owner")


@dataclass
class Item:
    case: str
    kind: str
    item: str          # what exactly: 'review', an action ID, 'nomination', 'consent'
    due: dt.date
    days_overdue: int  # negative: due in that many days
    upcoming: bool
    lead_professional: str | None
    lead_professional_name: str | None
    owner: str | None = None
    child_name: str | None = None

    def as_dict(self, names: bool = False) -> dict:
        d = {c: getattr(self, c) for c in COLUMNS}
        d["due"] = self.due.isoformat()
        if names:
            d["child_name"] = self.child_name
        return d


def due_items(case: dict, settings: dict, directory=None):
    """Everything with a due date in one open case: (kind, item, due, owner, until).
    ``until`` is the last day of a lead's period away (else None): once it is past, ``find``
    drops the item, as no cover is needed any more."""
    if case.get("status") != "open":
        return []
    out = []
    review = next_review_due(case, settings)
    if review:
        out.append(("review", "review", review, None, None))
    plan = case.get("plan") if isinstance(case.get("plan"), dict) else {}
    for a in plan.get("actions") or []:
        if isinstance(a, dict) and a.get("status") in OPEN_ACTION_STATUSES:
            due = as_date(a.get("due"))
            if due:
                out.append(("action", str(a.get("id")), due, a.get("owner"), None))
    nomination = _nomination(case, settings)
    if nomination:
        out.append(nomination)
    months = settings.get("consent_review_months")
    consent = case.get("consent") if isinstance(case.get("consent"), dict) else None
    if months and consent and not isinstance(consent.get("withdrawn"), dict):
        given = as_date(consent.get("date"))
        if given:
            out.append(("consent", "consent", dates.add_months(given, int(months)), None,
                        None))
    out.extend(_lead_and_plan(case, settings, directory))
    withdrawn = facts.consent_decision_pending(case)
    if withdrawn:
        out.append(("consent_withdrawn", "consent_withdrawn", withdrawn, None, None))
    return out


def _nomination(case: dict, settings: dict):
    if not facts.needs_lead_professional(case) or facts.current_lead(case):
        return None
    unresolved = case.get("unresolved_nomination")
    start = as_date(unresolved.get("date")) if isinstance(unresolved, dict) else None
    start = start or as_date((case.get("assessment") or {}).get("date")) \
        or as_date(case.get("opened"))
    if not start:
        return None
    grace = int(settings.get("nomination_grace_days") or 0)
    label = "escalated, unresolved" if isinstance(unresolved, dict) else "nomination"
    return ("nomination", label, start + dt.timedelta(days=grace), None, None)


def _lead_and_plan(case: dict, settings: dict, directory):
    """The lead professional left or away too long (needs cover); a lead and no plan."""
    lead = facts.current_lead(case)
    if not lead:
        return []
    since = as_date(facts.get(case, "lead_professional", "since"))
    out = []
    person = directory.get(lead) if directory is not None else None
    if person is not None:
        weeks = int(settings.get("lead_absence_weeks") or 4)
        for due, until, what in facts.lead_cover(person.data, weeks, since):
            out.append(("lead", what, due, None, until))
    if not isinstance(case.get("plan"), dict) and since:
        days = int(settings.get("plan_due_working_days") or 15)
        out.append(("plan", "plan", dates.add_working_days(since, days), None, None))
    return out


def find(casebook: Casebook, as_of: dt.date, *, within: int | None = None, kinds=KINDS,
         lead: str | None = None, agency: str | None = None, owner: str | None = None,
         cases=None, names: bool = False) -> list[Item]:
    """Overdue (and, with ``within``, upcoming) items, sorted by lead professional then date.

    ``owner``: only that person's items — the actions they own, and the items that belong
    to a case rather than to one action (review, plan, consent...) in the cases they lead.
    ``cases`` is an iterable of (case_id, data); by default every readable case.
    """
    from lpcli.reports.listing import child_name

    directory = casebook.directory
    settings = casebook.settings
    horizon = as_of + dt.timedelta(days=within) if within is not None else None
    wanted_agency = agency.casefold() if agency else None
    items = []
    leading: dict[str, dt.date | None] = {}  # who leads an open case, and since when
    for case_id, data in (cases if cases is not None else casebook.cases(status="open")):
        lp = facts.current_lead(data)
        if lp and data.get("status") == "open":
            since = facts.as_date((data.get("lead_professional") or {}).get("since"))
            known = leading.get(lp)
            leading[lp] = min(d for d in (since, known) if d) if (since or known) else None
        if lead and lp != lead:
            continue
        person = directory.get(lp) if lp else None
        if wanted_agency and not (person and wanted_agency in
                                  (person.agency.casefold(), person.agency_type.casefold())):
            continue
        for kind, what, due, who, until in due_items(data, settings, directory):
            if kind not in kinds or (until is not None and until < as_of):
                continue  # (a period away already over needs no cover)
            if owner and owner != (who if who is not None else lp):
                continue
            overdue = due < as_of
            if not overdue and (horizon is None or due > horizon):
                continue
            items.append(Item(case_id, kind, what, due, (as_of - due).days, not overdue, lp,
                              person.name if person else None, who,
                              child_name(data) if names else None))
    if "supervision" in kinds:
        items += _supervision(casebook, leading, as_of, horizon, lead, wanted_agency, owner)
    items.sort(key=lambda i: (i.lead_professional is None, i.lead_professional or "",
                              i.due, i.case or "", i.item))
    return items


def _supervision(casebook, leading, as_of, horizon, lead, wanted_agency, owner) -> list[Item]:
    """A lead professional's supervision, due every supervision_interval_weeks (an item of
    the practitioner, not of a case: its case is None)."""
    out = []
    for pid, since in sorted(leading.items()):
        person = casebook.directory.get(pid)
        if (lead and pid != lead) or (owner and pid != owner) or (wanted_agency and not (
                person and wanted_agency in (person.agency.casefold(),
                                             person.agency_type.casefold()))):
            continue
        due = facts.supervision_due(person.data if person else {}, casebook.settings, since)
        if due is None or (due >= as_of and (horizon is None or due > horizon)):
            continue
        out.append(Item(None, "supervision", pid, due, (as_of - due).days, due >= as_of, pid,
                        person.name if person else None, pid))
    return out


# How the count at the end names a kind, one and many ('1 lead to cover', not '1 lead').
NOUNS = {"lead": ("lead to cover", "leads to cover"),
         "supervision": ("supervision", "supervisions"),
         "consent_withdrawn": ("consent withdrawn", "consents withdrawn")}
# What the text report adds to a line, after the due date: what needs doing.
NEXT_STEP = {"consent_withdrawn": "close, or step up"}


def summary(items) -> str:
    overdue = [i for i in items if not i.upcoming]
    parts = []
    for kind in KINDS:
        n = sum(1 for i in overdue if i.kind == kind)
        if n:
            one, many = NOUNS.get(kind, (kind, f"{kind}s"))
            parts.append(f"{n} {one if n == 1 else many}")
    text = f"{len(overdue)} overdue" + (f" ({', '.join(parts)})" if parts else "")
    upcoming = len(items) - len(overdue)
    if upcoming:
        text += f", {upcoming} upcoming"
    return text


def render_text(items, as_of: dt.date, names: bool = False) -> str:
    """Grouped by lead professional; one line per item; a count at the end."""
    lines = []
    current = object()
    width = max((len(f"{i.kind} {i.item}" if i.kind == "action" else i.kind) for i in items),
                default=10)
    for i in items:
        if i.lead_professional != current:
            current = i.lead_professional
            if lines:
                lines.append("")
            lines.append(f"{i.lead_professional} ({i.lead_professional_name})"
                         if i.lead_professional else "no lead professional")
        what = f"{i.kind} {i.item}" if i.kind == "action" else i.kind
        if i.kind == "nomination" and i.item != "nomination":
            what = "nomination"
        if i.upcoming:
            when = "due today" if i.days_overdue == 0 else \
                f"due in {-i.days_overdue} day{'s' if i.days_overdue != -1 else ''}"
        else:
            when = f"{i.days_overdue} day{'s' if i.days_overdue != 1 else ''} overdue"
        line = f"  {i.case or '-':<14}  {what.ljust(width)}  due {i.due.isoformat()}  {when}"
        if i.kind == "action" and i.owner and i.owner != i.lead_professional:
            line += f"  (owner {i.owner})"
        if (i.kind == "nomination" and i.item != "nomination") or i.kind == "lead":
            line += f"  ({i.item})"
        if i.kind in NEXT_STEP:
            line += f"  ({NEXT_STEP[i.kind]})"
        if names and i.child_name:
            line += f"  [{i.child_name}]"
        lines.append(line)
    lines.append(summary(items) + f" as of {as_of.isoformat()}")
    return "\n".join(lines)
