"""What falls due soon (SPEC section 4, ``due``): computed from plain facts and "today".

The store gathers the facts; this module decides which of them are due and orders them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from mentorcli.core.casework import OVER_MAXIMUM, UNDER_MINIMUM, caseload_state
from mentorcli.core.eligibility import NotServed
from mentorcli.core.places import MUCENIEKI
from mentorcli.core.policy import PolicyHistory

ELIGIBILITY_END = "eligibility-end"
MUCENIEKI_EXIT = "mucenieki-exit"
UNASSIGNED = "unassigned"
GOAL_OVERDUE = "goal-overdue"
ELIGIBLE_NOT_SERVED = "eligible-not-served"
CONSENT_MISSING = "consent-missing"
DEFAULT_WITHIN = 14


@dataclass(frozen=True)
class ClientFacts:
    """One client as the due list needs it, on "today"."""

    code: str
    window_ends: tuple[date, ...]  # the last day of each eligibility window that has one
    served_today: bool
    eligible_today: bool
    assigned_today: bool  # an active assignment with both a social worker and a mentor
    grant: date | None = None  # the day a status was granted
    residence_on_grant: str | None = None
    residence_today: str | None = None
    not_served: NotServed | None = None  # eligible today with no episode open
    consent: bool = True  # consent to processing holds today (SPEC 10: never assumed, so asked for)


@dataclass(frozen=True)
class OpenGoal:
    id: int
    code: str
    area: str
    due: date


@dataclass(frozen=True)
class StaffLoad:
    name: str
    role: str
    load: int
    minimum: int
    maximum: int


def mucenieki_last_day(grant: date, policies: PolicyHistory) -> date:
    """Seed 004: a status holder may stay in Mucenieki 15 days after the decision (20.03 -> 04.04)."""
    return grant + timedelta(days=int(policies.on(grant)["mucenieki_stay_days"]))


def due_items(
    today: date,
    within: int,
    clients: Iterable[ClientFacts],
    goals: Iterable[OpenGoal],
    staff: Iterable[StaffLoad],
    policies: PolicyHistory,
) -> list[dict[str, Any]]:
    """Items from today to today + ``within`` inclusive, and every overdue goal; sorted."""
    last = today + timedelta(days=within)
    items: list[dict[str, Any]] = []
    for c in clients:
        if c.served_today or c.eligible_today:
            items += [
                {"date": end, "kind": ELIGIBILITY_END, "code": c.code} for end in c.window_ends if today <= end <= last
            ]
        if c.grant and c.residence_on_grant == MUCENIEKI and c.residence_today == MUCENIEKI:
            leave = mucenieki_last_day(c.grant, policies)
            if today <= leave <= last:
                items.append({"date": leave, "kind": MUCENIEKI_EXIT, "code": c.code})
        if c.served_today and not c.assigned_today:
            items.append({"date": today, "kind": UNASSIGNED, "code": c.code})
        if c.served_today and not c.consent:
            items.append({"date": today, "kind": CONSENT_MISSING, "code": c.code})
        if c.not_served:
            n = c.not_served
            items.append(
                {
                    "date": today,
                    "kind": ELIGIBLE_NOT_SERVED,
                    "code": c.code,
                    "window": n.window,
                    "since": n.since,
                    "until": n.until,
                }
            )
    items += [
        {"date": g.due, "kind": GOAL_OVERDUE, "code": g.code, "goal": g.id, "area": g.area}
        for g in goals
        if g.due < today
    ]
    for s in staff:
        state = caseload_state(s.load, s.minimum, s.maximum)
        if state in (OVER_MAXIMUM, UNDER_MINIMUM):
            limit = s.maximum if state == OVER_MAXIMUM else s.minimum
            items.append(
                {"date": today, "kind": state, "staff": s.name, "role": s.role, "load": s.load, "limit": limit}
            )
    items.sort(key=lambda i: (i["date"], i["kind"], i.get("code") or i.get("staff") or "", i.get("goal", 0)))
    return items
