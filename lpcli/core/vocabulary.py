"""Every fixed list of words lpcli knows, in one place.

The schemas spell the same lists for editors and for validation; ``tests/test_structure.py``
checks that every enum in a schema is one of these tuples (``SCHEMA_ENUMS``) and that every
choice the command line offers is one of them, so a new word is added here first.
"""

from __future__ import annotations

# -- a case ------------------------------------------------------------------------------------

CASE_STATUSES = ("open", "closed")
LIST_STATUSES = (*CASE_STATUSES, "all")  # 'lpcli list --status'

# Statutory statuses. Where the child is looked after, on a child protection plan, has a
# key worker for complex needs, or is a care leaver, the named practitioner carries out the
# lead professional functions (guidance); a child in need is not on that list.
STATUTORY_STATUSES = ("none", "child_in_need", "child_protection_plan", "looked_after",
                      "complex_needs_key_worker", "care_leaver")
STATUTORY_LEAD_STATUSES = ("child_protection_plan", "looked_after", "complex_needs_key_worker",
                           "care_leaver")
STATUTORY_WORDS = {
    "none": "no statutory status",
    "child_in_need": "a child in need",
    "child_protection_plan": "on a child protection plan",
    "looked_after": "looked after",
    "complex_needs_key_worker": "has a key worker for complex needs",
    "care_leaver": "a care leaver",
}
STATUTORY_ROLES = ("social_worker", "key_worker", "personal_adviser")

SEN_STATUSES = ("none", "sen_support", "ehc_assessment_requested", "ehc_plan")

AGENCY_TYPES = ("education", "early_years", "health", "mental_health", "social_care", "housing",
                "police", "youth_justice", "voluntary", "family_support", "adult_services",
                "other")

# -- the common assessment (the "triangle": three domains and their elements) -------------------

ASSESSMENT_FRAMEWORKS = ("caf", "early_help_assessment", "other")
ASSESSMENT_OUTCOMES = ("no_additional_needs", "single_agency", "integrated_response")
DOMAINS = ("development_of_child", "parents_and_carers", "family_and_environment")
ELEMENTS = (
    "development_of_child.health",
    "development_of_child.emotional_social",
    "development_of_child.behavioural",
    "development_of_child.identity",
    "development_of_child.family_social_relationships",
    "development_of_child.self_care",
    "development_of_child.learning",
    "parents_and_carers.basic_care_safety",
    "parents_and_carers.emotional_warmth_stability",
    "parents_and_carers.guidance_boundaries",
    "family_and_environment.family_history",
    "family_and_environment.wider_family",
    "family_and_environment.housing_employment_finance",
    "family_and_environment.social_community",
)
# The words 'lpcli assess' shows for the domains and elements (its --help, its questions and
# shell completion), as the guidance names them; the schema describes each element with the
# same words (tests/test_structure.py checks they agree).
DOMAIN_WORDS = {
    "development_of_child": "Development of the child",
    "parents_and_carers": "Parents and carers",
    "family_and_environment": "Family and environment",
}
ELEMENT_WORDS = {
    "development_of_child.health": "health: general, physical, speech, language and communication",
    "development_of_child.emotional_social": "emotional and social development",
    "development_of_child.behavioural": "behavioural development",
    "development_of_child.identity": "identity: self-esteem, self-image and social presentation",
    "development_of_child.family_social_relationships": "family and social relationships",
    "development_of_child.self_care": "self-care skills and independence",
    "development_of_child.learning": "learning: understanding, reasoning, progress and achievement",
    "parents_and_carers.basic_care_safety": "basic care, ensuring safety and protection",
    "parents_and_carers.emotional_warmth_stability": "emotional warmth and stability",
    "parents_and_carers.guidance_boundaries": "guidance, boundaries and stimulation",
    "family_and_environment.family_history": "family history, functioning and well-being",
    "family_and_environment.wider_family": "wider family",
    "family_and_environment.housing_employment_finance":
        "housing, employment and financial considerations",
    "family_and_environment.social_community":
        "social and community elements and resources, including education",
}
# What each outcome means; only an integrated response calls for a lead professional.
ASSESSMENT_OUTCOME_WORDS = {
    "no_additional_needs": "no additional needs",
    "single_agency": "needs one practitioner or agency can meet",
    "integrated_response": "needs that require an integrated response from more than one agency",
}
# One element's record in the assessment, in the schema's order.
ELEMENT_FIELDS = ("strengths", "needs", "family_words", "agency")
# What consent may withhold from an agency: a domain, an element, or one of these.
OTHER_TOPICS = ("address", "family_contacts", "views", "reviews", "disability_sen")
TOPICS = (*DOMAINS, *ELEMENTS, *OTHER_TOPICS)

# -- meetings and the lead professional --------------------------------------------------------

MEETING_KINDS = ("team_around_the_child", "team_around_the_family", "review", "handover",
                 "other")
NOMINATION_MEETING_KINDS = ("team_around_the_child", "team_around_the_family", "other")
MEETING_OUTCOMES = ("lead_professional_agreed", "unresolved", "plan_agreed", "reviewed", "other")
AGREEMENTS = ("present", "agreed_beforehand", "statutory")
PRESENCES = ("present", "agreed_beforehand")  # how a nominated lead agreed: not "statutory"
CRITERIA = ("predominant_needs", "main_agency", "existing_relationship",
            "statutory_responsibility", "coordination_skills", "draws_in_services",
            "knows_local_support", "capacity", "family_wishes")
APPOINTMENT_ENDINGS = ("handover", "case_closed", "statutory_change", "other")
TRANSITIONS = ("school_change", "adult_services", "moved_area", "step_up", "step_down",
               "lp_leaving_post", "other")

# -- the plan and reviews ----------------------------------------------------------------------

ACTION_STATUSES = ("open", "in_progress", "done", "dropped", "continues")
OPEN_ACTION_STATUSES = ("open", "in_progress")  # still to do
# How closing settles an action still to do: 'continues' names a service carrying it on.
SETTLEMENTS = ("done", "dropped", "continues")
UPDATE_STATUSES = ("open", "in_progress", "done", "dropped")  # 'lpcli action update'

# Sharing without consent: only where a child is at risk of significant harm, or to
# prevent or detect serious crime (guidance); anything else needs the family's consent.
SAFEGUARDING_GROUNDS = ("significant_harm", "serious_crime")
RATINGS = ("not_started", "some_progress", "good_progress", "achieved", "worse")
SATISFACTION = ("very_satisfied", "satisfied", "mixed", "dissatisfied", "not_asked")

# -- closing -----------------------------------------------------------------------------------

CLOSURE_REASONS = ("needs_met", "family_disengaged", "consent_withdrawn", "moved_out_of_area",
                   "stepped_up_to_social_care", "stepped_down_to_universal",
                   "stepped_down_to_single_agency", "other")

# -- linked cases (siblings, a child's episodes) -----------------------------------------------

# What 'lpcli link CASE OTHER --relationship' says CASE is to OTHER ...
LINK_KINDS = ("sibling", "new_episode", "other")
# ... and what each case's 'links' records about the other: a new episode links to its
# previous episode, which links to its next one. (Siblings and 'other' read the same both ways.)
LINK_RELATIONSHIPS = ("sibling", "previous_episode", "next_episode", "other")
LINK_INVERSE = {"sibling": "sibling", "previous_episode": "next_episode",
                "next_episode": "previous_episode", "other": "other"}
LINK_WORDS = {"sibling": "sibling", "previous_episode": "earlier episode",
              "next_episode": "later episode", "other": "linked"}

# -- reports and output ------------------------------------------------------------------------

# What 'lpcli overdue' reports (README, "What counts as overdue"): 'consent' is consent due
# to be revisited; 'consent_withdrawn' an open case waiting for the decision withdrawn
# consent needs; 'lead' a lead professional who left or is away too long; 'plan' a lead
# with no plan.
OVERDUE_KINDS = ("review", "action", "nomination", "consent", "lead", "plan",
                 "consent_withdrawn", "supervision")
# A practitioner on a given day, as 'lpcli caseload' reports them.
AVAILABILITY = ("available", "away", "left")
COLOR_MODES = ("auto", "always", "never")
TEXT_JSON = ("text", "json")
TEXT_JSON_CSV = ("text", "json", "csv")
SHOW_FORMATS = ("yaml", "json")
# What 'lpcli find' matches a query against (its JSON 'matched' items name these).
FIND_FIELDS = ("given_name", "family_name", "known_as", "date_of_birth", "expected_date",
               "postcode", "school")
# How a word matched: the whole word, the start of one, or one with a typo.
FIND_HOW = ("exact", "prefix", "typo")
# A 'lpcli doctor' check's verdict: 'fail' makes it exit 1; 'warn' is worth knowing; 'skip'
# could not be checked here (no casebook, no remote).
DOCTOR_STATUSES = ("ok", "warn", "fail", "skip")

# -- the practitioner directory ----------------------------------------------------------------

# The columns 'lpcli practitioner import' reads, named as the options of 'practitioner add';
# 'practitioner list --format csv' writes them (and ACTIVE_COLUMNS), so a directory can go
# out to a spreadsheet and come back with 'import --update'.
PRACTITIONER_COLUMNS = ("id", "name", "agency", "agency_type", "role", "phone", "email",
                        "capacity", "line_manager", "line_manager_phone", "line_manager_email",
                        "statutory_roles", "lp_trained")
ACTIVE_COLUMNS = ("active", "left")
# What 'practitioner update --clear' may remove: the optional details (never an ID, and never
# a required field: the schema needs those).
PRACTITIONER_CLEARABLE = ("phone", "email", "line_manager", "line_manager_phone",
                          "line_manager_email", "statutory_roles")
DOCUMENT_FORMATS = ("html", "pdf", "md")
REPORT_FORMATS = ("text", "json", "csv", "html", "pdf")
TEXT_DIRECTIONS = ("ltr", "rtl")  # a document catalogue's meta.direction

# Each schema enum, by its place in the schema, and the tuple above that spells it.
SCHEMA_ENUMS = {
    "CASE_STATUSES": CASE_STATUSES, "SEN_STATUSES": SEN_STATUSES, "TOPICS": TOPICS,
    "ASSESSMENT_FRAMEWORKS": ASSESSMENT_FRAMEWORKS, "ASSESSMENT_OUTCOMES": ASSESSMENT_OUTCOMES,
    "STATUTORY_STATUSES": STATUTORY_STATUSES, "STATUTORY_LEAD_STATUSES": STATUTORY_LEAD_STATUSES,
    "MEETING_KINDS": MEETING_KINDS, "MEETING_OUTCOMES": MEETING_OUTCOMES,
    "ACTION_STATUSES": ACTION_STATUSES, "RATINGS": RATINGS, "SATISFACTION": SATISFACTION,
    "TRANSITIONS": TRANSITIONS, "CLOSURE_REASONS": CLOSURE_REASONS,
    "AGENCY_TYPES": AGENCY_TYPES, "ELEMENTS": ELEMENTS, "AGREEMENTS": AGREEMENTS,
    "CRITERIA": CRITERIA, "APPOINTMENT_ENDINGS": APPOINTMENT_ENDINGS,
    "STATUTORY_ROLES": STATUTORY_ROLES, "SAFEGUARDING_GROUNDS": SAFEGUARDING_GROUNDS,
    "LINK_RELATIONSHIPS": LINK_RELATIONSHIPS,
}
SCHEMA_ENUM_PATHS = {
    "case/properties/status": "CASE_STATUSES",
    "case/properties/child/properties/disability_sen/properties/sen_status": "SEN_STATUSES",
    "case/definitions/consent/properties/withhold/items/properties/topics/items": "TOPICS",
    "case/definitions/assessment/properties/framework": "ASSESSMENT_FRAMEWORKS",
    "case/definitions/assessment/properties/outcome": "ASSESSMENT_OUTCOMES",
    "case/properties/statutory/properties/status": "STATUTORY_STATUSES",
    "case/properties/statutory/if/properties/status": "STATUTORY_LEAD_STATUSES",
    "case/properties/meetings/items/properties/kind": "MEETING_KINDS",
    "case/properties/meetings/items/properties/outcome": "MEETING_OUTCOMES",
    "case/properties/plan/properties/actions/items/properties/status": "ACTION_STATUSES",
    "case/properties/plan/properties/actions/items/properties/history/items/properties/status":
        "ACTION_STATUSES",
    "case/properties/reviews/items/properties/outcome_progress/items/properties/rating":
        "RATINGS",
    "case/properties/reviews/items/properties/family_satisfaction": "SATISFACTION",
    "case/properties/handovers/items/properties/transition": "TRANSITIONS",
    "case/properties/closure/properties/reason": "CLOSURE_REASONS",
    "case/properties/handovers/items/properties/safeguarding/properties/ground":
        "SAFEGUARDING_GROUNDS",
    "case/definitions/agencyType": "AGENCY_TYPES",
    "case/definitions/elementRef": "ELEMENTS",
    "case/definitions/appointment/properties/agreement": "AGREEMENTS",
    "case/definitions/appointment/properties/criteria/items": "CRITERIA",
    "case/definitions/appointment/properties/ended": "APPOINTMENT_ENDINGS",
    "case/properties/links/items/properties/relationship": "LINK_RELATIONSHIPS",
    "practitioners/properties/practitioners/items/properties/agency_type": "AGENCY_TYPES",
    "practitioners/properties/practitioners/items/properties/statutory_roles/items":
        "STATUTORY_ROLES",
}
