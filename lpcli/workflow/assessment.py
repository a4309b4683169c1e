"""Recording the common assessment (domain guide, §1–2 and "The assessment framework").

Needs and strengths are recorded against the three domains and their elements, with the
family's own words, the child's and the parents' views, and the outcome that decides
whether a lead professional is needed: no additional needs, needs one practitioner or
agency can meet, or needs that require an integrated response from more than one agency.

A later assessment does not overwrite the earlier one: it moves to ``assessment_history``
(oldest first), as ``lead_professional_history`` keeps earlier leads, and everything else
(``validate``, ``nominate`` and ``--suggest``, reports, documents) reads the current one.
"""

from __future__ import annotations

from lpcli.check.facts import as_date
from lpcli.core.vocabulary import (
    AGENCY_TYPES,
    ASSESSMENT_OUTCOMES,
    DOMAINS,
    ELEMENT_FIELDS,
    ELEMENTS,
)

# The keys of an assessment record, in the schema's order.
ASSESSMENT_KEYS = ("date", "assessor", "framework", "domains", "child_views", "parent_views",
                   "outcome", "agencies_needed", "predominant_needs")
LIST_KEYS = ("agencies_needed", "predominant_needs")
# The outcomes that say there are additional needs (so the needs are written down).
NEEDS_OUTCOMES = ("single_agency", "integrated_response")


# -- elements by name --------------------------------------------------------------------------

def short_name(ref: str) -> str:
    return ref.split(".", 1)[1]


def element_matches(name: str) -> list[str]:
    """The elements ``name`` may mean: the schema's 'domain.element', the element alone, or
    the start of either. One match is the element; none or several is for the caller to
    explain (with the choices)."""
    name = name.strip().lower().replace("-", "_")
    if not name:
        return []
    if name in ELEMENTS:
        return [name]
    # An element's own name wins over longer names it begins (no element is another's
    # prefix today; this keeps it so if one is added).
    exact = [ref for ref in ELEMENTS if short_name(ref) == name]
    if exact:
        return exact
    return [ref for ref in ELEMENTS if ref.startswith(name) or short_name(ref).startswith(name)]


def domain_elements(domain: str) -> list[str]:
    return [ref for ref in ELEMENTS if ref.startswith(domain + ".")]


def put(fields: dict, ref: str, key: str, value) -> None:
    """Set one part of one element ('needs' of 'development_of_child.health')."""
    domain, element = ref.split(".", 1)
    fields.setdefault("domains", {}).setdefault(domain, {}).setdefault(element, {})[key] = value


def element_entry(fields: dict, ref: str) -> dict:
    domain, element = ref.split(".", 1)
    entry = ((fields.get("domains") or {}).get(domain) or {}).get(element)
    return entry if isinstance(entry, dict) else {}


def with_needs(fields: dict) -> list[str]:
    """The elements for which needs are recorded, in the framework's order."""
    return [ref for ref in ELEMENTS if element_entry(fields, ref).get("needs")]


def element_agencies(fields: dict) -> list[str]:
    """The agency types given for the elements with needs (a natural 'agencies needed';
    only real agency types: what else was typed there is never repeated)."""
    found = []
    for ref in with_needs(fields):
        agency = element_entry(fields, ref).get("agency")
        if agency in AGENCY_TYPES and agency not in found:
            found.append(agency)
    return found


# -- a prepared assessment (--from-file) and the options on top of it --------------------------

def load_assessment_file(path) -> dict:
    """A prepared assessment (``--from-file``), checked against the schema's assessment."""
    from lpcli.workflow.common import load_prepared

    return load_prepared(path, ("definitions", "assessment"), what="assessment",
                         example="outcome: integrated_response, domains: ...", command="assess")


def combine(prepared: dict, given: dict) -> dict:
    """The prepared fields with the options' on top: an option replaces that one value
    (one part of one element, or a whole list), and leaves the rest of the file's."""
    fields = {k: v for k, v in prepared.items() if k != "domains"}
    for ref in ELEMENTS:
        for key, value in element_entry(prepared, ref).items():
            put(fields, ref, key, value)
    for key, value in given.items():
        if key == "domains":
            for ref in ELEMENTS:
                for part, text in element_entry(given, ref).items():
                    put(fields, ref, part, text)
        elif value not in (None, (), []):
            fields[key] = value
    return fields


# -- the rules ---------------------------------------------------------------------------------

def check_assessment(refusals, data: dict, fields: dict, when, directory) -> None:
    """Every rule a new assessment must meet (the dates are checked by the caller).

    The messages never repeat what was typed where an ID or a code was expected: a child's
    name typed in the wrong place must not reach a terminal log or a cron mail."""
    assessor = fields.get("assessor")
    if not assessor:
        refusals.add("assessor-missing", "who carried out the assessment is required (--assessor)")
    elif assessor not in directory:
        refusals.add("unknown-practitioner", "the assessor (--assessor) is not in "
                     "practitioners.yaml; use a practitioner's ID from there")
    current = data.get("assessment") if isinstance(data.get("assessment"), dict) else {}
    previous = as_date(current.get("date"))
    if previous and when < previous:
        refusals.add("date-order", f"a later assessment ({previous.isoformat()}) is already "
                     "recorded; the new assessment must be dated on or after it")
    _check_agencies(refusals, fields)
    _check_outcome(refusals, fields)


def _check_agencies(refusals, fields: dict) -> None:
    for ref in ELEMENTS:
        agency = element_entry(fields, ref).get("agency")
        if agency is not None and agency not in AGENCY_TYPES:
            refusals.add("unknown-agency-type", f"the agency given for {short_name(ref)} "
                         "(--agency) is not an agency type; agency types: "
                         + ", ".join(AGENCY_TYPES))
    for i, agency in enumerate(fields.get("agencies_needed") or [], 1):
        if agency not in AGENCY_TYPES:
            refusals.add("unknown-agency-type", f"agency needed number {i} (--agency-needed) "
                         "is not an agency type; agency types: " + ", ".join(AGENCY_TYPES))


def _check_outcome(refusals, fields: dict) -> None:
    outcome = fields.get("outcome")
    needs = with_needs(fields)
    if outcome not in ASSESSMENT_OUTCOMES:
        refusals.add("outcome-missing", "what the assessment found is required (--outcome "
                     + "|".join(ASSESSMENT_OUTCOMES) + ")")
    elif outcome in NEEDS_OUTCOMES and not needs:
        refusals.add("needs-missing", f"the outcome {outcome} says there are additional needs, "
                     "but none is recorded (--need ELEMENT=TEXT)")
    agencies = fields.get("agencies_needed") or []
    if outcome == "integrated_response" and len(set(agencies)) < 2:
        # The guidance defines an integrated response as one from more than one agency: a
        # record with fewer would be flagged by validate ('integrated-response') from the
        # day it was written, so the command asks for the agencies now.
        named = element_agencies(fields)
        refusals.add("integrated-response",
                     "an integrated response is from more than one agency, so name at least "
                     "two agencies needed (--agency-needed TYPE)"
                     + (f"; the elements name {', '.join(named)}" if named else ""))
    for ref in fields.get("predominant_needs") or []:
        if ref not in ELEMENTS:
            refusals.add("unknown-element", "a predominant need is not an element; elements: "
                         + ", ".join(ELEMENTS))
        elif ref not in needs:
            refusals.add("predominant-without-need",
                         f"{ref} is named a predominant need, but no needs are recorded for it "
                         f"(--need {short_name(ref)}=TEXT)")


# -- recording ---------------------------------------------------------------------------------

def build(fields: dict, when) -> dict:
    """The new assessment record, in the schema's order, without empty parts."""
    from lpcli.files import roundtrip

    record = {"date": roundtrip.to_yaml_date(when)}
    for key in ASSESSMENT_KEYS[1:]:
        if key == "domains":
            domains = _domains(fields)
            if domains:
                record["domains"] = domains
            continue
        value = fields.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "", [], ()):
            continue
        if key in LIST_KEYS:
            value = roundtrip.flow_list(list(dict.fromkeys(value)))  # once each, in order
        record[key] = value
    return record


def _domains(fields: dict) -> dict:
    domains: dict = {}
    for domain in DOMAINS:
        for ref in domain_elements(domain):
            given = element_entry(fields, ref)
            entry = {}
            for key in ELEMENT_FIELDS:
                value = given.get(key)
                value = value.strip() if isinstance(value, str) else value
                if value not in (None, ""):
                    entry[key] = value
            if entry:
                domains.setdefault(domain, {})[short_name(ref)] = entry
    return domains


def check_can_assess(casebook, case_id: str) -> None:
    """Before asking questions: the case exists, passes its schema and is open (the same
    checks run again, under the lock, when the assessment is recorded)."""
    from lpcli.workflow.common import require_open

    require_open(casebook.read_case(case_id), "assessment", case_id)


def record_assessment(casebook, case_id: str, fields: dict, *, author: str | None = None):
    """Record a common assessment. ``fields`` uses the assessment record's keys
    (``domains`` nested as in the file; ``date`` a ``datetime.date`` or an ISO string,
    default today). An assessment already recorded moves to ``assessment_history``."""
    from lpcli.casebook import records
    from lpcli.workflow.common import (
        Refusals,
        case_list,
        check_event_date,
        require_open,
        set_case_key,
    )

    def change(doc, ctx):
        data = ctx.data
        require_open(data, "assessment", case_id)
        refusals = Refusals("assessment")
        when = as_date(fields.get("date")) or ctx.today
        check_event_date(refusals, data, when, ctx.today, "the assessment date")
        check_assessment(refusals, data, fields, when, casebook.directory)
        refusals.raise_if_any()
        record = build(fields, when)
        earlier = isinstance(doc.get("assessment"), dict)
        if earlier:
            # The earlier assessment, comments and all, stays readable after the new one.
            case_list(doc, "assessment_history").append(doc["assessment"])
            doc["assessment"] = record
        else:
            set_case_key(doc, "assessment", record)
        outcome = record["outcome"]
        summary = f"outcome {outcome}"
        if record.get("agencies_needed"):
            summary += "; agencies needed " + ", ".join(record["agencies_needed"])
        if earlier:
            summary += "; the earlier assessment moved to assessment_history"
        ctx.event(doc, "assessed", when, summary)
        return f"assessment recorded ({outcome})" + (
            ", the earlier one kept in assessment_history" if earlier else "")

    return records.update_case(casebook, case_id, change, author=author)
