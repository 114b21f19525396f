"""What the reports count (SPEC 3.3 and 5): plain facts about clients in, figures out.

Every figure is taken from the episodes of each client, "as of today": nobody is served after
``today`` (an episode that starts later does not count, an open one is cut at today). Residence,
legal status and age "in a month" (or period) are those on the client's last served day in it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mentorcli.core.clients import ROUTES
from mentorcli.core.dates import age_on, months_between
from mentorcli.core.eligibility import EXIT_REASONS, Episode
from mentorcli.core.legal import ASYLUM_SEEKER, LegalTimeline
from mentorcli.core.places import MUCENIEKI, RIGA

ADULT_AGE = 18
SOCIAL_WORKER, MENTOR = "social-worker", "mentor"
# Keys that are always present (zeros included) so that month-to-month sheets line up; rarer
# values (another municipality, temporary protection, a final refusal) appear when they occur.
USUAL_RESIDENCES = (MUCENIEKI, RIGA)
USUAL_STATUSES = (ASYLUM_SEEKER, "refugee", "alternative")
ACTIVE_KEYS = ("served", "by_residence", "by_route", "by_status")  # of ``active_at_end``
DECISIONS = ("refugee", "alternative", "refused", "court-positive", "court-negative", "final-refusal")


@dataclass(frozen=True)
class ClientFacts:
    """One client as the reports see it: no name, only what is counted."""

    code: str
    sex: str  # F | M
    born: date
    country: str
    route: str
    family: str | None
    residence: str  # on arrival
    moves: tuple[tuple[date, str], ...]  # (date, new residence), in date order
    legal: LegalTimeline
    episodes: tuple[Episode, ...]
    left_latvia: date | None = None  # the day of the first left-latvia exit: the last day in Latvia

    def residence_on(self, day: date) -> str:
        where = self.residence
        for moved, place in self.moves:
            if moved <= day:
                where = place
        return where

    def last_served(self, first: date, last: date, today: date) -> date | None:
        """The client's last served day in ``first..last``, or None when not served in it."""
        days = [min(e.last_day(today), last) for e in self.episodes if e.served_in(first, last, today)]
        return max(days, default=None)

    def served_on(self, day: date, today: date) -> bool:
        return any(e.served_on(day, today) for e in self.episodes)

    def ever_served_by(self, day: date, today: date) -> bool:
        return self.last_served(date.min, day, today) is not None

    def in_latvia_on(self, day: date) -> bool:
        """The exit day is still a day in Latvia, as it is a day served (SPEC 3.1)."""
        return self.left_latvia is None or day <= self.left_latvia

    @property
    def taken_over_on(self) -> date | None:
        """The first day this register served a client taken over from another provider."""
        return next((e.start for e in self.episodes if e.taken_over), None)

    def episodes_starting(self, first: date, last: date, today: date) -> list[Episode]:
        end = min(last, today)
        return [e for e in self.episodes if first <= e.start <= end]


@dataclass(frozen=True)
class StaffFacts:
    role: str  # social-worker | mentor
    active_from: date
    active_to: date | None


@dataclass(frozen=True)
class ActivityFacts:
    """Activities of one type on one day; ``count`` of them (the store adds them up in SQL)."""

    date: date
    type: str
    count: int = 1


def served(clients: Iterable[ClientFacts], first: date, last: date, today: date) -> dict[str, date]:
    """Code -> last served day in the period, for every client served in it."""
    out: dict[str, date] = {}
    for c in clients:
        day = c.last_served(first, last, today)
        if day is not None:
            out[c.code] = day
    return out


def _one_decimal(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _mean(total: int, n: int) -> float | None:
    return _one_decimal(Decimal(total) / Decimal(n)) if n else None


def _percent(part: int, whole: int) -> float | None:
    return _one_decimal(Decimal(100 * part) / Decimal(whole)) if whole else None


def _with_usual(counts: Counter[str], usual: Sequence[str]) -> dict[str, int]:
    out = dict.fromkeys(usual, 0)
    out.update(counts)
    return dict(sorted(out.items()))


# One served person as the counts see them, on their day: sex, age, country, route, residence, status.
Profile = tuple[str, int, str, str, str, str]


def profile(c: ClientFacts, day: date) -> Profile:
    return (c.sex, age_on(c.born, day), c.country, c.route, c.residence_on(day), c.legal.status_on(day))


def people(pairs: Sequence[tuple[ClientFacts, date]]) -> dict[str, Any]:
    """Who was served, each client taken on the given day (their last served day)."""
    return tally((profile(c, day), 1) for c, day in pairs)


def tally(groups: Iterable[tuple[Profile, int]]) -> dict[str, Any]:
    """``people`` of groups of ``n`` persons of one profile (the store counts them grouped in SQL)."""
    served = women = men = children = 0
    age_sum = {"F": 0, "M": 0}
    country: Counter[str] = Counter()
    residence: Counter[str] = Counter()
    route: Counter[str] = Counter()
    status: Counter[str] = Counter()
    for (sex, age, from_, by, where, legal), n in groups:
        served += n
        if age < ADULT_AGE:
            children += n
        else:
            age_sum[sex] += age * n
            if sex == "F":
                women += n
            else:
                men += n
        country[from_] += n
        residence[where] += n
        route[by] += n
        status[legal] += n
    return {
        "served": served,
        "women": women,
        "men": men,
        "children": children,
        "average_age": {"women": _mean(age_sum["F"], women), "men": _mean(age_sum["M"], men)},
        "by_country": dict(sorted(country.items())),
        "by_residence": _with_usual(residence, USUAL_RESIDENCES),
        "by_route": _with_usual(route, ROUTES),
        "by_status": _with_usual(status, USUAL_STATUSES),
    }


def _decision_key(event: str, value: str | None) -> str | None:
    if event == "granted":
        return value
    if event == "court":
        return f"court-{value}"
    if event in ("refused", "final-refusal"):
        return event
    return None  # an appeal is not a decision


def _decisions(counted: Sequence[ClientFacts], first: date, last: date) -> dict[str, int]:
    return decision_counts(
        (e.event, e.value, 1)
        for c in counted
        # Decided while an earlier provider served the client: history here (SPEC 10).
        for e in c.legal.events
        if max(first, c.taken_over_on or first) <= e.date <= last
    )


def decision_counts(rows: Iterable[tuple[str, str | None, int]]) -> dict[str, int]:
    """Decisions by kind from ``(event, value, n)``: ``n`` status events of the period."""
    counts: Counter[str] = Counter()
    for event, value, n in rows:
        if key := _decision_key(event, value):
            counts[key] += n
    return _with_usual(counts, DECISIONS)


def _ended_exits(c: ClientFacts, first: date, last: date, today: date) -> list[str]:
    """Exit reasons of the client's episodes that ended by an exit (not by eligibility) in the period."""
    end = min(last, today)
    return [e.end_reason for e in c.episodes if e.end and e.end_reason in EXIT_REASONS and first <= e.end <= end]


def _exits_by_route(counted: Sequence[ClientFacts], first: date, last: date, today: date) -> dict[str, dict[str, int]]:
    return exits_by_route((r, c.route, 1) for c in counted for r in _ended_exits(c, first, last, today))


def _staff(staff: Iterable[StaffFacts], first: date, last: date, today: date) -> dict[str, int]:
    end = min(last, today)
    on_duty = Counter(s.role for s in staff if s.active_from <= end and (s.active_to is None or s.active_to >= first))
    return {"social_workers": on_duty[SOCIAL_WORKER], "mentors": on_duty[MENTOR]}


def _staff_average(staff: Iterable[StaffFacts], first: date, last: date, today: date) -> dict[str, float]:
    """The mean over the period's days (up to today) of the staff active on each day.

    A staff member active on k of the n days adds k/n: the sum of days on duty over the days.
    """
    end = min(last, today)
    days = (end - first).days + 1
    on_duty: Counter[str] = Counter()
    for s in staff:
        lo, hi = max(s.active_from, first), min(s.active_to or end, end)
        if lo <= hi:
            on_duty[s.role] += (hi - lo).days + 1
    if days <= 0:
        return {"social_workers": 0.0, "mentors": 0.0}
    return {
        "social_workers": _one_decimal(Decimal(on_duty[SOCIAL_WORKER]) / days),
        "mentors": _one_decimal(Decimal(on_duty[MENTOR]) / days),
    }


def _shares(fig: Mapping[str, Any]) -> dict[str, float | None]:
    """Percent of the persons of the period, one decimal; null when nobody was served."""
    whole = fig["unique_persons"]
    parts = {k: fig[k] for k in ("children", "women", "men")} | {r: fig["by_route"][r] for r in ROUTES}
    return {k: _percent(n, whole) for k, n in parts.items()}


def _activities(activities: Iterable[ActivityFacts], types: Iterable[str], first: date, last: date) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for a in activities:
        if first <= a.date <= last:
            counts[a.type] += a.count
    return _with_usual(counts, tuple(types))


def start_kind(first: bool, taken_over: bool) -> str:
    """How a client's service began in a period, from the episodes starting in it: a first intake
    in it, else a takeover in it, else a resume."""
    return "new" if first else "taken_over" if taken_over else "resumed"


def _flow(counted: Sequence[ClientFacts], first: date, last: date, today: date) -> dict[str, int]:
    starts = (c.episodes_starting(first, last, today) for c in counted)
    return flow(
        len(counted), ((start_kind(any(e.first for e in s), any(e.taken_over for e in s)), 1) for s in starts if s)
    )


def flow(served: int, starts: Iterable[tuple[str, int]]) -> dict[str, int]:
    """served = new + resumed + continuing + taken_over (SPEC 10); ``starts``: (``start_kind``, n)."""
    kinds: Counter[str] = Counter()
    for kind, n in starts:
        kinds[kind] += n
    new, resumed, taken = kinds["new"], kinds["resumed"], kinds["taken_over"]
    return {"new": new, "resumed": resumed, "continuing": served - new - resumed - taken, "taken_over": taken}


def _families(counted: Sequence[ClientFacts]) -> dict[str, int]:
    return families(Counter(c.family for c in counted if c.family).values(), len(counted))


def families(sizes: Iterable[int], persons: int) -> dict[str, int]:
    """Families of two or more among ``persons``, from the number of them in each family named."""
    together = [n for n in sizes if n >= 2]
    return {"families": len(together), "individuals": persons - sum(together)}


def exits_by_route(rows: Iterable[tuple[str, str, int]]) -> dict[str, dict[str, int]]:
    """Exits of the period by reason and route, from ``(reason, route, n)``."""
    by_route: dict[str, Counter[str]] = {r: Counter() for r in EXIT_REASONS}
    for reason, route, n in rows:
        by_route[reason][route] += n
    return {r: _with_usual(by_route[r], ROUTES) for r in EXIT_REASONS}


@dataclass(frozen=True)
class Inputs:
    """Everything a report counts from, already narrowed to the clients served near the period."""

    clients: Sequence[ClientFacts]
    staff: Sequence[StaffFacts] = ()
    activities: Sequence[ActivityFacts] = ()
    activity_types: Sequence[str] = ()


@dataclass(frozen=True)
class Counted:
    """What the reports count of the persons served in a period: by ``count`` here over their
    facts, or by the store in grouped SQL (``store.reports.counted``), one definition for both."""

    people: dict[str, Any]  # ``people``, each person on their last served day
    flow: dict[str, int]
    decisions: dict[str, int]
    awaiting_court: int
    exits_by_route: dict[str, dict[str, int]]
    # The period's own (not the month's): None when not counted.
    monthly: dict[str, int] | None = None
    families: dict[str, int] | None = None
    active_at_end: dict[str, Any] | None = None  # ``people`` of those served on the last day


def count(clients: Sequence[ClientFacts], first: date, last: date, today: date, *, period: bool = False) -> Counted:
    """``Counted`` from the clients' facts; ``period``: also the period report's own counts."""
    days = served(clients, first, last, today)
    counted = [c for c in clients if c.code in days]
    everyone = people([(c, days[c.code]) for c in counted])
    common = (
        everyone,
        _flow(counted, first, last, today),
        _decisions(counted, first, min(last, today)),
        sum(1 for c in counted if c.legal.awaiting_court_on(last)),
        _exits_by_route(counted, first, last, today),
    )
    if not period:
        return Counted(*common)
    on_end = people([(c, last) for c in counted if c.served_on(last, today)])
    return Counted(*common, monthly(counted, first, last, today), _families(counted), on_end)


def figures(inp: Inputs, first: date, last: date, today: date, counted: Counted | None = None) -> dict[str, Any]:
    """The figures of the month report, for any period (SPEC 5)."""
    if counted is None:
        counted = count(inp.clients, first, last, today)
    out = dict(counted.people)
    out.update(counted.flow)
    out["decisions"] = counted.decisions
    out["awaiting_court"] = counted.awaiting_court
    out["exits"] = {r: sum(n.values()) for r, n in counted.exits_by_route.items()}
    out["staff"] = _staff(inp.staff, first, last, today)
    out["activities"] = _activities(inp.activities, inp.activity_types, first, last)
    return out


def month_report(inp: Inputs, first: date, last: date, today: date) -> dict[str, Any]:
    return {"month": first.strftime("%Y-%m"), **figures(inp, first, last, today)}


def period_report(inp: Inputs, first: date, last: date, today: date, counted: Counted | None = None) -> dict[str, Any]:
    """The month figures over a period, each person counted once, plus the period's own keys.

    ``counted``: the store's count of ``inp``'s clients in SQL (then ``inp`` holds no clients).
    """
    if counted is None:
        counted = count(inp.clients, first, last, today, period=True)
    assert counted.monthly is not None and counted.families is not None and counted.active_at_end is not None
    out = {"from": first, "to": last, **figures(inp, first, last, today, counted)}
    out["unique_persons"] = counted.people["served"]
    out["monthly"] = counted.monthly
    out.update(counted.families)
    out["exits_by_route"] = counted.exits_by_route
    out["active_at_end"] = {k: counted.active_at_end[k] for k in ACTIVE_KEYS}
    out["staff_average"] = _staff_average(inp.staff, first, last, today)
    out["shares"] = _shares(out)
    return out


def monthly(clients: Iterable[ClientFacts], first: date, last: date, today: date) -> dict[str, int]:
    """Clients served in each calendar month of the period, the first and last month cut to it."""
    end = min(last, today)

    def spans(c: ClientFacts) -> list[tuple[int, int]]:
        cut = ((max(e.start, first), min(e.last_day(today), end)) for e in c.episodes)
        return [(month_number(lo), month_number(hi)) for lo, hi in cut if lo <= hi]

    return month_counts(first, last, ((spans(c), 1) for c in clients))


def month_number(day: date) -> int:
    """Months since year 0: the store computes the same number in SQL."""
    return day.year * 12 + day.month - 1


def month_counts(first: date, last: date, groups: Iterable[tuple[Iterable[tuple[int, int]], int]]) -> dict[str, int]:
    """``n`` clients in each month of the period that one of their served spans meets, a client
    once per month. ``groups``: (spans as first and last ``month_number``, n)."""
    counts = {month_number(m): 0 for m, _ in months_between(first, last)}
    for spans, n in groups:
        seen: set[int] = set()
        for lo, hi in spans:
            seen.update(range(lo, hi + 1))
        for key in seen:
            counts[key] += n
    return {f"{k // 12:04d}-{k % 12 + 1:02d}": n for k, n in counts.items()}


def year_report(inp: Inputs, year: int, today: date) -> dict[str, Any]:
    return year_of(period_report(inp, date(year, 1, 1), date(year, 12, 31), today), year)


def year_of(period: Mapping[str, Any], year: int) -> dict[str, Any]:
    """The year report from the period report of that calendar year: plus first_time."""
    return {"year": year, **period, "first_time": period["new"]}


def population_report(clients: Iterable[ClientFacts], on: date, today: date) -> dict[str, Any]:
    """Everyone served up to ``on`` who has not left Latvia before it, where they live that day (seed 001).

    Served or not on the day: a person whose service ended stays in the population until they
    leave Latvia. Families are counted among the persons outside Mucenieki (SPEC 3.3). One pass,
    so that the whole history need not be held at once.
    """
    persons = now = 0
    residence: Counter[str] = Counter()
    status: Counter[str] = Counter()
    outside: list[ClientFacts] = []
    for c in clients:
        if not (c.ever_served_by(on, today) and c.in_latvia_on(on)):
            continue
        persons += 1
        where = c.residence_on(on)
        residence[where] += 1
        status[c.legal.status_on(on)] += 1
        now += c.served_on(on, today)
        if where != MUCENIEKI:
            outside.append(c)
    return {
        "on": on,
        "persons": persons,
        "by_residence": _with_usual(residence, USUAL_RESIDENCES),
        "outside_mucenieki": {"persons": len(outside), **_families(outside)},
        "by_status": _with_usual(status, USUAL_STATUSES),
        "served_now": now,
        "served_before": persons - now,
    }


# --- two years side by side (SPEC 10, ``report year --compare``) -----------------------------

# What names the report rather than counts in it: no change is computed for these.
IDENTITY_KEYS = frozenset({"year", "from", "to"})


def _month_of_year(fig: Mapping[str, Any]) -> dict[str, Any]:
    """``monthly`` keyed by the month of the year, so that January is set against January."""
    out = dict(fig)
    if "monthly" in out:
        out["monthly"] = {k[5:]: n for k, n in out["monthly"].items()}
    return out


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _minus(a: Any, b: Any) -> Any:
    """``a - b`` for numbers, exact in decimals (33.0 - 31.2 is 1.8); a count missing on one side is 0."""
    a = 0 if a is None and _number(b) and isinstance(b, int) else a
    b = 0 if b is None and _number(a) and isinstance(a, int) else b
    if not (_number(a) and _number(b)):
        return None
    if isinstance(a, int) and isinstance(b, int):
        return a - b
    return float(Decimal(str(a)) - Decimal(str(b)))


def _change(now: Mapping[str, Any], before: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in [*now, *(k for k in before if k not in now)]:
        a, b = now.get(k), before.get(k)
        if isinstance(a, Mapping) or isinstance(b, Mapping):
            out[k] = _change(a or {}, b or {})
        elif k not in IDENTITY_KEYS and (_number(a) or _number(b) or (a is None and b is None)):
            out[k] = _minus(a, b)
    return out


def year_comparison(year: Mapping[str, Any], compare: Mapping[str, Any]) -> dict[str, Any]:
    """Both year reports and, for every number, year minus compare (months set against the same month)."""
    return {
        "year": dict(year),
        "compare": dict(compare),
        "change": _change(_month_of_year(year), _month_of_year(compare)),
    }


def comparison_rows(cmp: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per figure, ``key, year, compare, change``; months as ``monthly.01`` … ``monthly.12``."""
    year, before = _flat(_month_of_year(cmp["year"])), _flat(_month_of_year(cmp["compare"]))
    change = _flat(cmp["change"])
    rows = []
    for k in [*year, *(k for k in before if k not in year)]:
        a, b = year.get(k), before.get(k)
        if k in change and change[k] is not None:
            a, b = a if a is not None else 0, b if b is not None else 0
        rows.append({"key": k, "year": a, "compare": b, "change": change.get(k)})
    return rows


# --- capacity (seed 003) ---------------------------------------------------------------------


@dataclass(frozen=True)
class WindowFacts:
    client: str
    start: date
    end: date | None


def eligible(windows: Iterable[WindowFacts], first: date, last: date, today: date) -> int:
    """Registered clients with an eligibility window overlapping the month (until today)."""
    end = min(last, today)
    return len({w.client for w in windows if w.start <= end and (w.end is None or w.end >= first)})


def capacity_report(
    windows: Iterable[WindowFacts],
    inp: Inputs,
    first: date,
    last: date,
    today: date,
    limits: Mapping[str, Any],
) -> dict[str, Any]:
    """Eligible vs served vs what the staff on duty can take at the caseload maximums in force.

    A client needs a social worker and a mentor, so the capacity is the smaller of the two.
    """
    n_eligible = eligible(windows, first, last, today)
    n_served = len(served(inp.clients, first, last, today))
    staff = _staff(inp.staff, first, last, today)
    max_sw, max_m = int(limits["caseload_max_social_worker"]), int(limits["caseload_max_mentor"])
    by_sw, by_m = staff["social_workers"] * max_sw, staff["mentors"] * max_m
    cap = min(by_sw, by_m)
    return {
        "month": first.strftime("%Y-%m"),
        "eligible": n_eligible,
        "served": n_served,
        "eligible_not_served": n_eligible - n_served,
        "staff": staff,
        "caseload_max_social_worker": max_sw,
        "caseload_max_mentor": max_m,
        "capacity_social_workers": by_sw,
        "capacity_mentors": by_m,
        "capacity": cap,
        "shortfall": max(0, n_eligible - cap),
        "spare": max(0, cap - n_served),
    }


# --- invoice (seed 004, "Finansējums") -------------------------------------------------------

CENT = Decimal("0.01")


def _money(d: Decimal) -> str:
    return str(d.quantize(CENT, rounding=ROUND_HALF_UP))


def invoice_report(
    inp: Inputs,
    complexity: Mapping[str, int],
    first: date,
    last: date,
    today: date,
    terms: Mapping[str, Any],
) -> dict[str, Any]:
    """The amount to invoice for a month under the payment rule in force.

    ``per-client``: served clients x rate. ``per-staff``: (social workers x their rate + mentors x
    theirs) x the mean complexity weight of the served clients; a client with no assessment on
    or before the month's end weighs as level 1.
    """
    counted = sorted(served(inp.clients, first, last, today))
    staff = _staff(inp.staff, first, last, today)
    weights = [Decimal(w) for w in terms["complexity_weights"]]
    levels: Counter[str] = Counter(str(complexity.get(code, 0)) for code in counted)
    rule = str(terms["invoice_rule"])
    rate_client = Decimal(terms["rate_per_client"])
    rate_sw, rate_m = Decimal(terms["rate_per_social_worker"]), Decimal(terms["rate_per_mentor"])
    if counted:
        total_weight = sum((weights[max(complexity.get(code, 1), 1) - 1] for code in counted), Decimal(0))
        factor = total_weight / len(counted)
    else:
        factor = Decimal(1)
    if rule == "per-client":
        amount = rate_client * len(counted)
    else:
        amount = (rate_sw * staff["social_workers"] + rate_m * staff["mentors"]) * factor
    return {
        "month": first.strftime("%Y-%m"),
        "rule": rule,
        "currency": "EUR",
        "served": len(counted),
        "staff": staff,
        "complexity": {
            "1": levels["1"],
            "2": levels["2"],
            "3": levels["3"],
            "unassessed": levels["0"],
        },
        "complexity_weights": {str(i + 1): str(w) for i, w in enumerate(weights)},
        "complexity_factor": str(factor.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)),
        "rates": {
            "per_client": _money(rate_client),
            "per_social_worker": _money(rate_sw),
            "per_mentor": _money(rate_m),
        },
        "amount": _money(amount),
    }


def diff(saved: Mapping[str, Any], now: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Figure by figure, what changed between a saved report and the same report now."""
    a, b = _flat(saved), _flat(now)
    return {k: {"saved": a.get(k), "now": b.get(k)} for k in sorted(a.keys() | b.keys()) if a.get(k) != b.get(k)}


def _flat(obj: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in obj.items():
        if isinstance(v, Mapping):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def monthly_people(inp: Inputs, first: date, last: date, today: date) -> dict[str, dict[str, Any]]:
    """``people`` for each calendar month of the period (cut to it), for charts."""
    out = {}
    for m_first, m_last in months_between(first, last):
        days = served(inp.clients, m_first, m_last, today)
        out[m_first.strftime("%Y-%m")] = people([(c, days[c.code]) for c in inp.clients if c.code in days])
    return out
