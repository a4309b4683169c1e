"""Actions in the multi-agency plan: each has one owner, a due date and a status.

The owner is a practitioner in the team, a family member, or the child: the lead professional
coordinates but owns only their own actions. An action done or dropped keeps its history.
"""

from __future__ import annotations

import datetime as dt

from lpcli.casebook import records
from lpcli.casebook.book import Casebook
from lpcli.check import facts
from lpcli.files import roundtrip
from lpcli.workflow.common import (
    Refusals,
    check_consent_not_withdrawn,
    check_event_date,
    next_id,
    refuse,
    require_open,
    set_case_key,
)


def add_action(casebook: Casebook, case_id: str, *, owner: str, due: dt.date, text: str,
               outcome: str | None = None, date: dt.date | None = None,
               author: str | None = None):
    """Add an action. The first action of a case without a plan starts the plan, agreed on
    ``date``; its first review then falls due by the casebook's first-review rule."""

    def change(doc, ctx):
        data = ctx.data
        require_open(data, "adding an action", case_id)
        when = date or ctx.today
        refusals = Refusals("adding an action")
        check_event_date(refusals, data, when, ctx.today)
        if not text.strip():
            refusals.add("action-text", "say what will be done")
        family = facts.family_ids(data) | {"child"}
        if owner not in family and owner not in facts.team_members(data, when):
            refusals.add("unknown-action-owner",
                         f"owner '{owner}' is neither in the team nor a family member's ID in "
                         f"this case (nor 'child'); add them first: lpcli team add {case_id} "
                         f"{owner}, or lpcli family add {case_id} --name NAME --relationship "
                         "RELATIONSHIP (see their IDs: lpcli show " + case_id + ")")
        if owner not in family and owner != facts.current_lead(data):
            check_consent_not_withdrawn(refusals, data, case_id, "an action for another agency")
        if due < when:
            refusals.add("date-order", "the due date is before the action was agreed")
        plan = data.get("plan") if isinstance(data.get("plan"), dict) else None
        outcomes = {o.get("id") for o in (plan or {}).get("outcomes") or [] if isinstance(o, dict)}
        if outcome is not None and outcome not in outcomes:
            known = ", ".join(sorted(o for o in outcomes if isinstance(o, str))) or "none yet"
            refusals.add("unknown-outcome", f"outcome '{outcome}' is not in the plan (its "
                         f"outcomes: {known}); add one with: lpcli outcome add {case_id} TEXT")
        refusals.raise_if_any()
        if plan is None:
            set_case_key(doc, "plan", {"agreed": roundtrip.to_yaml_date(when)})
        if doc["plan"].get("actions") is None:
            doc["plan"]["actions"] = []
        aid = next_id((plan or {}).get("actions"), "A")
        entry = {"id": aid}
        if outcome:
            entry["outcome"] = outcome
        entry.update({"owner": owner, "text": text, "due": roundtrip.to_yaml_date(due),
                      "status": "open"})
        doc["plan"]["actions"].append(entry)
        ctx.event(doc, "action_added", when, f"action {aid} owner {owner}")
        return f"action {aid} added" + ("" if plan else " (plan started)")

    return records.update_case(casebook, case_id, change, author=author)


def add_outcome(casebook: Casebook, case_id: str, text: str, *, measure: str | None = None,
                date: dt.date | None = None, author: str | None = None):
    """Add an outcome (what we want to change) to the plan, starting the plan if needed."""

    def change(doc, ctx):
        data = ctx.data
        require_open(data, "adding an outcome", case_id)
        when = date or ctx.today
        refusals = Refusals("adding an outcome")
        check_event_date(refusals, data, when, ctx.today)
        if not text.strip():
            refusals.add("outcome-text", "say what the outcome is")
        refusals.raise_if_any()
        plan = data.get("plan") if isinstance(data.get("plan"), dict) else None
        if plan is None:
            set_case_key(doc, "plan", {"agreed": roundtrip.to_yaml_date(when)})
        if doc["plan"].get("outcomes") is None:
            if "actions" in doc["plan"] and hasattr(doc["plan"], "insert"):
                doc["plan"].insert(list(doc["plan"]).index("actions"), "outcomes", [])
            else:
                doc["plan"]["outcomes"] = []
        oid = next_id((plan or {}).get("outcomes"), "O")
        entry = {"id": oid, "text": text}
        if measure:
            entry["measure"] = measure
        doc["plan"]["outcomes"].append(entry)
        ctx.event(doc, "outcome_added", when, f"outcome {oid}")
        return f"outcome {oid} added"

    return records.update_case(casebook, case_id, change, author=author)


def update_action(casebook: Casebook, case_id: str, action_id: str, *, status: str,
                  note: str | None = None, date: dt.date | None = None,
                  author: str | None = None):
    """Change an action's status, keeping the change (and any note) in its history."""

    def change(doc, ctx):
        data = ctx.data
        require_open(data, "updating an action", case_id)
        when = date or ctx.today
        actions = ((data.get("plan") or {}).get("actions") or []) \
            if isinstance(data.get("plan"), dict) else []
        index = next((i for i, a in enumerate(actions)
                      if isinstance(a, dict) and a.get("id") == action_id), None)
        if index is None:
            refuse("updating an action", "unknown-action",
                   f"{case_id} has no action '{action_id}'",
                   hint=f"see the actions with: lpcli show {case_id}")
        refusals = Refusals("updating an action")
        check_event_date(refusals, data, when, ctx.today)
        if actions[index].get("status") == status:
            refusals.add("no-change", f"action {action_id} is already {status}")
        refusals.raise_if_any()
        action = doc["plan"]["actions"][index]
        action["status"] = status
        entry = {"date": roundtrip.to_yaml_date(when), "status": status}
        if note:
            entry["note"] = note
        if action.get("history") is None:
            action["history"] = []
        action["history"].append(entry)
        ctx.event(doc, "action_updated", when, f"action {action_id} {status}")
        return f"action {action_id} {status.replace('_', ' ')}"

    return records.update_case(casebook, case_id, change, author=author)
