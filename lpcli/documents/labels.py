"""The words documents use for lpcli's codes: plain English for families, no jargon (no
"CAF", "TAF", "outcome" or "exit strategy" on a family's page)."""

from __future__ import annotations

ELEMENT_LABELS = {
    "development_of_child.health": "Health",
    "development_of_child.emotional_social": "Feelings and getting on with others",
    "development_of_child.behavioural": "Behaviour",
    "development_of_child.identity": "Confidence and identity",
    "development_of_child.family_social_relationships": "Family and friends",
    "development_of_child.self_care": "Looking after themselves",
    "development_of_child.learning": "Learning and school",
    "parents_and_carers.basic_care_safety": "Everyday care and keeping safe",
    "parents_and_carers.emotional_warmth_stability": "Love, warmth and stability",
    "parents_and_carers.guidance_boundaries": "Routines, guidance and boundaries",
    "family_and_environment.family_history": "Family life",
    "family_and_environment.wider_family": "Wider family",
    "family_and_environment.housing_employment_finance": "Home, work and money",
    "family_and_environment.social_community": "Community and local support",
}
DOMAIN_LABELS = {
    "development_of_child": "The child's development",
    "parents_and_carers": "Parents and carers",
    "family_and_environment": "Family and environment",
}
AGENCY_TYPE_LABELS = {
    "education": "schools and colleges", "early_years": "nurseries and early years settings",
    "health": "health services", "mental_health": "mental health services",
    "social_care": "children's social care", "housing": "housing services",
    "police": "the police", "youth_justice": "youth justice services",
    "voluntary": "voluntary and community groups", "family_support": "family support services",
    "adult_services": "adult services", "other": "other services",
}
ACTION_STATUS = {"open": "Not started yet", "in_progress": "Under way", "done": "Done",
                 "dropped": "No longer needed"}
STATUTORY_LABELS = {
    "none": "None", "child_in_need": "Child in need", "child_protection_plan":
    "Child protection plan", "looked_after": "Looked after",
    "complex_needs_key_worker": "Key worker for complex needs", "care_leaver": "Care leaver",
}
TRANSITION_LABELS = {
    "school_change": "Change of school", "adult_services": "Move to adult services",
    "moved_area": "Moved to another area", "step_up": "Step up to social care",
    "step_down": "Step down to universal services",
    "lp_leaving_post": "Lead professional leaving post", "other": "Other",
}
SATISFACTION = {"very_satisfied": "very satisfied", "satisfied": "satisfied",
                "mixed": "had mixed feelings", "dissatisfied": "not satisfied"}
TOPIC_LABELS = {**ELEMENT_LABELS, **DOMAIN_LABELS, "address": "the address",
                "family_contacts": "family contact details",
                "views": "the child's and family's views", "reviews": "review records",
                "disability_sen": "disability and special educational needs"}

SAFEGUARDING_LABELS = {
    "significant_harm": "a child at risk of significant harm",
    "serious_crime": "to prevent or detect serious crime",
}
