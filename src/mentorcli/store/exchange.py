"""What travels between two copies of one register (``db bundle``, ``db merge``).

Only the tables of ``TRAVELLING`` travel. Derived tables (windows, episodes) are derived again
where they arrive; local ones (audit, saved_reports, settings, migrations) stay with their copy:
each copy keeps its own hash chain (SPEC 10).
"""

from __future__ import annotations

# Each table that travels, and the tables its rows' audit entries name (``audit.tbl``): a row's
# ``audit_id`` is the entry of its last change. Rows of the tables with an ``id`` get it from
# ``store.ids.new_id``; the others are keyed by the record they belong to.
TRAVELLING: dict[str, tuple[str, ...]] = {
    "clients": ("clients",),
    "personal_clients": ("clients",),
    "events": ("events",),
    "staff": ("staff",),
    "teams": ("teams", "staff"),  # a staff member's end ends their team too
    "assignments": ("assignments",),
    "plan_assessments": ("plan_assessments",),
    "goals": ("goals",),
    "personal_goals": ("goals",),
    "activity_types": ("activity_types",),
    "activities": ("activities",),
    "activity_clients": ("activities",),
    "personal_activities": ("activities",),
    "policy": ("policy",),
}
