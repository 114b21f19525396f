"""Staff, assignments, plans and activities: the words and lists of the casework."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from mentorcli.core.dates import Period as Period  # the casework's periods are the one date-range type
from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_
from mentorcli.core.numbers import MINUTES, parse_int
from mentorcli.core.policy import PolicyHistory

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

SOCIAL_WORKER, MENTOR = ROLES
# A role as a message names it (its CLI spelling in English).
ROLE_WORDS = {SOCIAL_WORKER: N_("social-worker"), MENTOR: N_("mentor")}
# The policy keys of each role's caseload limits.
MAXIMUM_KEY = {SOCIAL_WORKER: "caseload_max_social_worker", MENTOR: "caseload_max_mentor"}
MINIMUM_KEY = {SOCIAL_WORKER: "caseload_min_social_worker", MENTOR: "caseload_min_mentor"}
OK, OVER_MAXIMUM, UNDER_MINIMUM = "ok", "over-maximum", "under-minimum"
MAX_NAME = 80
_TYPE_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Overload:
    """The first day a staff member would serve more clients than the maximum."""

    role: str
    day: date
    load: int
    maximum: int


def check_name(text: str, field: str = "name") -> str:
    """A staff member's name as typed, Latvian letters and all, in one Unicode spelling.

    NFC: ``ā`` typed as ``a`` + combining macron and ``ā`` typed as one letter are the same name.
    """
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if not name:
        raise InputError(N_("a name is needed"), field=field)
    if len(name) > MAX_NAME or not all(c.isalpha() or c in " .'-" for c in name):
        raise InputError(
            N_("'{value}' is not a name (letters, spaces, . ' -; at most {n})", value=text, n=MAX_NAME), field=field
        )
    return name


def check_role(text: str, field: str = "role") -> str:
    role = text.strip().lower()
    if role not in ROLES:
        raise InputError(N_("'{value}' is not one of {choices}", value=text, choices=", ".join(ROLES)), field=field)
    return role


def check_complexity(text: str) -> int:
    return parse_int(text, "level", (COMPLEXITY_LEVELS[0], COMPLEXITY_LEVELS[-1]))


def check_area(text: str) -> str:
    area = text.strip().lower()
    if area not in PLAN_AREAS:
        raise InputError(
            N_("'{value}' is not one of {choices}", value=text, choices=", ".join(PLAN_AREAS)), field="area"
        )
    return area


def check_text(text: str, field: str = "text") -> str:
    value = text.strip()
    if not value:
        raise InputError(N_("the text is empty"), field=field)
    return value


def check_type_name(text: str, field: str = "type") -> str:
    name = text.strip()
    if not _TYPE_NAME.match(name) or len(name) > 40:
        raise InputError(
            N_("'{value}' is not a type name (lower-case words joined by '-', e.g. job-fair)", value=text), field=field
        )
    return name


def check_minutes(text: str | None, field: str = "minutes") -> int | None:
    if text is None or text == "":
        return None
    return parse_int(text, field, MINUTES)


def check_language(text: str | None, field: str = "interpreter") -> str | None:
    """An interpreter's language as its ISO 639 code; empty: no interpreter."""
    if text is None or not text.strip():
        return None
    from mentorcli.core.languages import parse_language  # its tables load only for an interpreter

    return parse_language(text, field)


def caseload_state(load: int, minimum: int, maximum: int) -> str:
    if load > maximum:
        return OVER_MAXIMUM
    if load < minimum:
        return UNDER_MINIMUM
    return OK


def in_effect(assignment: Period, episode: Period) -> Period:
    """An assignment as it is in effect: cut at the end of the client's episode that contains its start."""
    if assignment.end is None or (episode.end is not None and episode.end < assignment.end):
        return Period(assignment.start, episode.end)
    return assignment


class Caseload:
    """One staff member's assignments in effect; the load on a day counts those that contain it.

    This is the one caseload count: ``assign`` checks it, ``due`` and ``report caseload`` show it,
    ``db check`` tests the file against it.
    """

    def __init__(self, periods: Iterable[Period]) -> None:
        spans = list(periods)
        self._starts = sorted(p.start for p in spans)
        # A period that ends before a day also started before it, so load = started - ended.
        self._ends = sorted(p.end for p in spans if p.end is not None)

    @classmethod
    def of_days(cls, starts: Iterable[date], ends: Iterable[date]) -> Caseload:
        """The caseload of periods given as their first days and their known last days: ``db check``
        counts every assignment of every staff member, and a ``Period`` each is a third of that."""
        load = cls(())
        load._starts, load._ends = sorted(starts), sorted(ends)
        return load

    def on(self, day: date) -> int:
        return bisect_right(self._starts, day) - bisect_left(self._ends, day)

    def over_maximum(self, role: str, policies: PolicyHistory, within: Period | None = None) -> Iterator[Overload]:
        """Each day (of ``within``, if given) on which the load exceeds the maximum, in order.

        The load only rises where a period starts and the maximum only changes where a policy
        version starts, so those days (and the first day of ``within``) are the only ones checked.
        """
        key = MAXIMUM_KEY[role]
        changes = sorted({v.valid_from for v in policies.versions() if v.key == key})
        limits = [int(policies.on(day)[key]) for day in changes]
        before = int(policies.on(date.min)[key])
        days = set(self._starts) | set(changes)
        if within is not None:
            days = {d for d in days if within.contains(d)} | {within.start}
        for day in sorted(days):
            i = bisect_right(changes, day) - 1
            load, maximum = self.on(day), limits[i] if i >= 0 else before
            if load > maximum:
                yield Overload(role, day, load, maximum)


def first_overload(role: str, new: Period, others: Sequence[Period], policies: PolicyHistory) -> Overload | None:
    """The first day of ``new`` on which the staff member would serve more than the maximum."""
    return next(Caseload([*others, new]).over_maximum(role, policies, within=new), None)
