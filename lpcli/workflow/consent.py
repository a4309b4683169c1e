"""Consent to share information (domain guide: "Consent and safety").

Early help is voluntary: with the family's informed consent, information goes to the
agencies they agree to, never to those they refuse, and topics they hold back from an
agency stay out of what it receives. Consent can be withdrawn; a consent given again later
keeps the earlier one (and its withdrawal) in ``consent_history``.
"""

from __future__ import annotations

import datetime as dt

from lpcli.casebook import records
from lpcli.casebook.book import Casebook
from lpcli.check import facts
from lpcli.core import vocabulary
from lpcli.files import roundtrip
from lpcli.workflow.common import (
    Refusals,
    case_list,
    check_event_date,
    refuse,
    require_open,
    set_case_key,
)


def known_agencies(directory) -> dict[str, str]:
    """Every agency consent may name: the agency names in the directory and the agency
    types, by their case-folded form, to the spelling to record."""
    known = {t.casefold(): t for t in vocabulary.AGENCY_TYPES}
    for p in directory.by_id.values():
        if p.agency:
            known.setdefault(p.agency.casefold(), p.agency)
    return known


def resolve_topic(topic: str) -> str | None:
    """A topic as the schema spells it: a domain, 'domain.element', the element alone when
    only one domain has it, or one of the other topics."""
    if topic in vocabulary.TOPICS:
        return topic
    matches = [e for e in vocabulary.ELEMENTS if e.split(".", 1)[1] == topic]
    return matches[0] if len(matches) == 1 else None


def give(casebook: Casebook, case_id: str, *, given_by, share_with=(), not_with=(),
         withhold=(), recorded_by: str | None = None, notes: str | None = None,
         date: dt.date | None = None, author: str | None = None):
    """Record consent. ``withhold``: (agency, topic) pairs."""
    directory = casebook.directory

    def change(doc, ctx):
        data = ctx.data
        require_open(data, "recording consent", case_id)
        when = date or ctx.today
        refusals = Refusals("recording consent")
        check_event_date(refusals, data, when, ctx.today, "the consent date")
        _check_people(refusals, data, given_by, case_id)
        agencies = known_agencies(directory)
        share = _agencies(refusals, agencies, share_with, "--share-with")
        refused = _agencies(refusals, agencies, not_with, "--not-with")
        both = sorted(set(share) & set(refused))
        if both:
            refusals.add("consent-contradicts", f"{', '.join(both)} is both allowed and refused")
        held = _withheld(refusals, agencies, withhold)
        if recorded_by and recorded_by not in directory:
            refusals.add("unknown-practitioner", "--recorded-by is not a practitioner in "
                         "practitioners.yaml (see: lpcli practitioner list)")
        refusals.raise_if_any()
        if isinstance(data.get("consent"), dict):  # consent given again: keep the earlier
            case_list(doc, "consent_history").append(doc["consent"])
        record = {"given_by": roundtrip.flow_list(dict.fromkeys(given_by)),
                  "date": roundtrip.to_yaml_date(when)}
        if recorded_by:
            record["recorded_by"] = recorded_by
        if share:
            record["share_with"] = roundtrip.flow_list(share)
        if refused:
            record["do_not_share_with"] = roundtrip.flow_list(refused)
        if held:
            record["withhold"] = [{"agency": a, "topics": roundtrip.flow_list(t)}
                                  for a, t in held.items()]
        if notes:
            record["notes"] = notes
        set_case_key(doc, "consent", record)
        ctx.event(doc, "consent_given", when,
                  f"consent: {len(share)} agencies allowed, {len(refused)} refused")
        return "consent recorded"

    return records.update_case(casebook, case_id, change, author=author)


def withdraw(casebook: Casebook, case_id: str, *, by: str | None = None,
             reason: str | None = None, date: dt.date | None = None,
             author: str | None = None):
    """The family withdraws consent: from that date no information is shared."""

    def change(doc, ctx):
        data = ctx.data
        require_open(data, "withdrawing consent", case_id)
        consent = data.get("consent")
        if not isinstance(consent, dict):
            refuse("withdrawing consent", "no-consent", f"{case_id} has no consent recorded")
        if isinstance(consent.get("withdrawn"), dict):
            refuse("withdrawing consent", "already-withdrawn",
                   f"consent for {case_id} is already withdrawn")
        when = date or ctx.today
        refusals = Refusals("withdrawing consent")
        check_event_date(refusals, data, when, ctx.today, "the withdrawal date")
        given = facts.as_date(consent.get("date"))
        if given and when < given:
            refusals.add("date-order", "consent cannot be withdrawn before it was given")
        if by is not None:
            _check_people(refusals, data, [by], case_id)
        refusals.raise_if_any()
        withdrawn = {"date": roundtrip.to_yaml_date(when)}
        if by:
            withdrawn["by"] = by
        if reason:
            withdrawn["notes"] = reason
        doc["consent"]["withdrawn"] = withdrawn
        ctx.event(doc, "consent_withdrawn", when, "consent withdrawn")
        return "consent withdrawn"

    return records.update_case(casebook, case_id, change, author=author)


def unknown_members(count: int, data: dict, case_id: str) -> str:
    """The refusal for IDs that are not family members: which IDs are, never the ones
    given (a name typed where an ID belongs must not be echoed)."""
    ids = ", ".join(sorted(facts.family_ids(data))) or "none yet"
    return (f"{'an ID given is' if count == 1 else f'{count} IDs given are'} not a family "
            f"member of {case_id} (its family members: {ids}; or 'child'); add one with: "
            f"lpcli family add {case_id} --name NAME --relationship RELATIONSHIP")


def _check_people(refusals: Refusals, data: dict, people, case_id: str) -> None:
    if not people:
        refusals.add("consent-given-by", "say who gave consent (--given-by: a family member's "
                     "ID, or 'child')")
    known = facts.family_ids(data) | {"child"}
    unknown = sum(1 for who in people if who not in known)
    if unknown:
        # Never echoed: a name typed where an ID belongs would end up in a terminal or log.
        refusals.add("unknown-family-member", unknown_members(unknown, data, case_id))


def _agencies(refusals: Refusals, agencies: dict, given, option: str) -> list[str]:
    out = []
    given = list(given)
    for number, name in enumerate(given, 1):
        spelled = agencies.get(name.strip().casefold())
        if spelled is None:
            # Which one by its place, not its text: what was typed is never echoed.
            which = f" (agency number {number} of {len(given)})" if len(given) > 1 else ""
            refusals.add("unknown-agency",
                         f"{option}{which}: not an agency in practitioners.yaml nor an agency "
                         "type; agency types are " + ", ".join(vocabulary.AGENCY_TYPES))
        elif spelled not in out:
            out.append(spelled)
    return out


def _withheld(refusals: Refusals, agencies: dict, pairs) -> dict[str, list[str]]:
    held: dict[str, list[str]] = {}
    for agency, topic in pairs:
        spelled = agencies.get(agency.strip().casefold())
        resolved = resolve_topic(topic.strip())
        if spelled is None:
            refusals.add("unknown-agency", "--withhold: not an agency in practitioners.yaml "
                         "nor an agency type")
        if resolved is None:
            refusals.add("unknown-topic", "--withhold: the topic is not one of "
                         + ", ".join(vocabulary.TOPICS))
        if spelled and resolved and resolved not in held.setdefault(spelled, []):
            held[spelled].append(resolved)
    return held
