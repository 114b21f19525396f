"""The weeks ahead (issue 15, SPEC 10 "Forecast"): places that free up, who waits, when a family fits.

Weeks start on Monday; the first is the week of "today" (its Monday is on or before today). Each
week is taken as it stands on its Monday: a staff member's free places are the maximum in force
that day less their caseload that day (``Caseload``, the one count), and ``waiting`` counts the
clients eligible and not served that day (``not_served_on``). ``freed`` counts the assignments whose
last day falls in the week: those places are free from the next week's Monday on, so each week's
free places are the last week's plus what it freed (while staff and limits stay).

What ends an assignment in the future is only what the register knows: the end of the client's
eligibility window (an episode is stored up to it) or an end recorded on the assignment; events
dated after today are refused, so no exit is foreseen that was not recorded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from mentorcli.core.casework import MAXIMUM_KEY, MENTOR, SOCIAL_WORKER, Caseload
from mentorcli.core.dates import Period
from mentorcli.core.eligibility import Episode, Window, not_served_on
from mentorcli.core.policy import PolicyHistory

WEEK = timedelta(days=7)
# JSON keys of the roles: structural keys are snake_case (SPEC 5).
ROLE_KEYS = {SOCIAL_WORKER: "social_worker", MENTOR: "mentor"}


@dataclass(frozen=True)
class Member:
    """A staff member as the forecast needs them."""

    name: str
    role: str
    active: Period
    assignments: Sequence[Period]  # in effect: cut at the end of the client's episode
    teams: Sequence[tuple[Period, str]] = field(default_factory=tuple)  # a mentor's: (when, the social worker)

    def team_on(self, day: date) -> str | None:
        return next((worker for when, worker in self.teams if when.contains(day)), None)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def forecast(
    staff: Sequence[Member],
    clients: Sequence[tuple[Sequence[Window], Sequence[Episode]]],
    policies: PolicyHistory,
    today: date,
    weeks: int,
    family: int,
) -> dict[str, Any]:
    """``weeks`` weeks from the week of ``today``, and the first in which a family of ``family`` fits."""
    loads = {id(s): Caseload(s.assignments) for s in staff}
    out: list[dict[str, Any]] = []
    first_fit: date | None = None
    for k in range(weeks):
        monday = monday_of(today) + k * WEEK
        sunday = monday + timedelta(days=6)
        policy = policies.on(monday)
        on_duty = [s for s in staff if s.active.contains(monday)]
        free: dict[str, int] = {}
        freed: dict[str, dict[str, int]] = {key: {} for key in ROLE_KEYS.values()}
        total = dict.fromkeys(ROLE_KEYS.values(), 0)
        for s in on_duty:
            free[s.name] = max(0, int(policy[MAXIMUM_KEY[s.role]]) - loads[id(s)].on(monday))
            freed[ROLE_KEYS[s.role]][s.name] = sum(1 for p in s.assignments if p.end and monday <= p.end <= sunday)
            total[ROLE_KEYS[s.role]] += free[s.name]
        if first_fit is None and _fits(on_duty, free, monday, family):
            first_fit = monday
        out.append(
            {
                "week_start": monday,
                "freed": freed,
                "free_places": total,
                "waiting": sum(1 for wins, eps in clients if not_served_on(monday, wins, eps)),
            }
        )
    return {"weeks": out, "first_week_for_family": first_fit}


def _fits(on_duty: Sequence[Member], free: Mapping[str, int], day: date, family: int) -> bool:
    """One social worker and one mentor of that worker's team each have ``family`` free places."""
    workers = {s.name for s in on_duty if s.role == SOCIAL_WORKER and free[s.name] >= family}
    return any(s.role == MENTOR and free[s.name] >= family and s.team_on(day) in workers for s in on_duty)
