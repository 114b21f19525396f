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

from bisect import bisect_left, bisect_right
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
    ends = {id(s): sorted(p.end for p in s.assignments if p.end) for s in staff}
    mondays = [monday_of(today) + k * WEEK for k in range(weeks)]
    waiting = _waiting(clients, mondays)
    out: list[dict[str, Any]] = []
    first_fit: date | None = None
    for k, monday in enumerate(mondays):
        sunday = monday + timedelta(days=6)
        policy = policies.on(monday)
        on_duty = [s for s in staff if s.active.contains(monday)]
        free: dict[str, int] = {}
        freed: dict[str, dict[str, int]] = {key: {} for key in ROLE_KEYS.values()}
        total = dict.fromkeys(ROLE_KEYS.values(), 0)
        for s in on_duty:
            free[s.name] = max(0, int(policy[MAXIMUM_KEY[s.role]]) - loads[id(s)].on(monday))
            freed[ROLE_KEYS[s.role]][s.name] = bisect_right(ends[id(s)], sunday) - bisect_left(ends[id(s)], monday)
            total[ROLE_KEYS[s.role]] += free[s.name]
        if first_fit is None and _fits(on_duty, free, monday, family):
            first_fit = monday
        out.append(
            {
                "week_start": monday,
                "freed": freed,
                "free_places": total,
                "waiting": waiting[k],
            }
        )
    return {"weeks": out, "first_week_for_family": first_fit}


def _waiting(clients: Sequence[tuple[Sequence[Window], Sequence[Episode]]], mondays: Sequence[date]) -> list[int]:
    """Per Monday, the clients eligible and not served (``not_served_on`` decides).

    Asked only on the Mondays that a window covers and no episode does: at national scale, asking
    every client on every Monday took seconds.
    """
    counts = [0] * len(mondays)
    for wins, eps in clients:
        weeks: set[int] = set()
        for w in wins:
            weeks.update(_covered(mondays, w.start, w.end))
        for e in eps:
            weeks.difference_update(_covered(mondays, e.start, e.end))
        for k in weeks:
            if not_served_on(mondays[k], wins, eps):
                counts[k] += 1
    return counts


def _covered(mondays: Sequence[date], start: date, end: date | None) -> range:
    """The indices of the Mondays from ``start`` to ``end`` (both included; None: no end)."""
    return range(bisect_left(mondays, start), len(mondays) if end is None else bisect_right(mondays, end))


def _fits(on_duty: Sequence[Member], free: Mapping[str, int], day: date, family: int) -> bool:
    """One social worker and one mentor of that worker's team each have ``family`` free places."""
    workers = {s.name for s in on_duty if s.role == SOCIAL_WORKER and free[s.name] >= family}
    return any(s.role == MENTOR and free[s.name] >= family and s.team_on(day) in workers for s in on_duty)
