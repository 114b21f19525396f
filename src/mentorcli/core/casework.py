"""Staff, assignments, plans and activities: the words and lists of the casework."""

from __future__ import annotations

ROLES = ("social-worker", "mentor")
PLAN_AREAS = (
    "documents",
    "housing",
    "employment",
    "language",
    "health",
    "education",
    "social-benefits",
    "family-reunification",
    "other",
)
GOAL_STATES = ("open", "done", "dropped")
COMPLEXITY_LEVELS = (1, 2, 3)
# The kinds of support named in seeds 002 and 004; the coordinator can add more.
BUILTIN_ACTIVITY_TYPES = (
    "accompany-medical",
    "documents-pmlp",
    "housing-search",
    "residence-declaration",
    "nva-registration",
    "bank-account",
    "school-enrolment",
    "family-doctor-registration",
    "social-service",
    "psychologist",
    "humanitarian-aid",
    "family-reunification",
    "language-course",
    "cultural-activity",
    "interpreter",
)
