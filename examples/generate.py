"""Write the example caseload: clients.csv, events.csv, staff.csv, assignments.csv, activities.csv.

ENTIRELY SYNTHETIC: no real person is in these files. Codes start with EX-, names are left
empty, staff names are common Latvian names chosen at random. The shape follows the seeds (an
asylum-seeker centre in Mucenieki, 2 social workers and 11 mentors, families and individuals,
every path of the asylum procedure). Deterministic: the same files on every run.

    python examples/generate.py        (from a checkout with mentorcli installed)
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from mentorcli.core.dates import ONE_DAY, add_months
from mentorcli.core.eligibility import Episode, ServiceEvent, compute
from mentorcli.core.errors import InputError
from mentorcli.core.legal import StatusEvent
from mentorcli.core.policy import DEFAULTS, PolicyHistory

TODAY = date(2021, 12, 31)  # everything recorded happened before 2022
FIRST_ARRIVAL = date(2019, 1, 2)
HERE = Path(__file__).parent
SEED = 20191231
rng = random.Random(SEED)
POLICY = PolicyHistory.default()

COUNTRIES: dict[str | None, int] = {
    "SY": 14,
    "AF": 14,
    "IQ": 14,
    "RU": 8,
    "BY": 5,
    "IR": 5,
    "TJ": 5,
    "YE": 4,
    "ER": 4,
    "VN": 4,
    "TR": 4,
}
COUNTRIES |= {"CM": 3, "PK": 3, "GE": 3, "NG": 2, "IN": 2}
INTERPRETER = {"SY": "ar", "IQ": "ar", "YE": "ar", "AF": "fa", "IR": "fa", "TJ": "tg", "ER": "ti", "VN": "vi"}
TOWNS = ["jelgava", "liepaja", "valmiera", "ventspils", "cesis", "daugavpils"]
# A path through the asylum procedure, and how often it is taken.
PATHS: dict[str | None, int] = {
    "granted-in-window": 26,
    "granted-after-window": 20,
    "refused-final": 8,
    "court-negative": 10,
    "court-positive": 8,
    "pending": 8,
}
EXITS: dict[str | None, int] = {None: 70, "left-latvia": 18, "declined": 6, "non-compliance": 6}
SOCIAL_WORKERS = ["Ilze Krūmiņa", "Edgars Liepiņš"]
MENTORS = [
    "Anna Bērziņa",
    "Jānis Ozoliņš",
    "Līga Kalniņa",
    "Pēteris Zariņš",
    "Marta Vītola",
    "Kristaps Jansons",
    "Laura Ozola",
    "Andris Kļaviņš",
    "Inese Eglīte",
    "Rūdolfs Celmiņš",
    "Santa Lāce",
]
# Mentor -> (first day, last day or None); the rest work from the first day of the examples.
MENTOR_PERIODS = {"Rūdolfs Celmiņš": (date(2019, 9, 1), None), "Santa Lāce": (date(2019, 1, 1), date(2021, 8, 31))}
ASYLUM_ACTIVITIES = ["accompany-medical", "documents-pmlp", "humanitarian-aid", "interpreter", "psychologist"]
ASYLUM_ACTIVITIES += ["language-course", "cultural-activity"]
STATUS_ACTIVITIES = ["housing-search", "residence-declaration", "nva-registration", "bank-account"]
STATUS_ACTIVITIES += ["family-doctor-registration", "social-service", "family-reunification", "language-course"]
STATUS_ACTIVITIES += ["school-enrolment"]


def pick(weights: dict[str | None, int]) -> str | None:
    return rng.choices(list(weights), list(weights.values()))[0]


def days(d: date, lo: int, hi: int) -> date:
    return d + timedelta(days=rng.randint(lo, hi))


@dataclass
class Client:
    code: str
    sex: str
    born: str
    country: str
    arrived: date
    route: str
    residence: str
    family: str
    intake: date | None
    events: list[tuple[date, str, str]] = field(default_factory=list)
    episodes: tuple[Episode, ...] = ()


@dataclass
class Case:
    """A family or an individual: they arrive together and share every decision and date."""

    arrived: date
    country: str
    events: list[tuple[date, str, str]]
    intake: date | None
    members: list[Client] = field(default_factory=list)


def timeline(arrived: date, events: list[tuple[date, str, str]], intake: date | None) -> tuple[Episode, ...]:
    """The episodes the rules derive; raises if the history is impossible (a bug here)."""
    status = [StatusEvent(d, e, v or None) for d, e, v in events if e not in ("resume", "exit", "move")]
    service = [ServiceEvent(d, e, v or None) for d, e, v in events if e in ("resume", "exit")]
    if intake:
        service.insert(0, ServiceEvent(intake, "intake"))
    return compute(arrived, sorted(status, key=lambda s: s.date), service, POLICY).episodes


def procedure(arrived: date, path: str) -> list[tuple[date, str, str]]:
    """The decisions on one application, from arrival."""
    window_end = add_months(arrived, DEFAULTS["asylum_seeker_months"])
    status = rng.choice(["refugee", "alternative", "alternative"])
    if path == "granted-in-window":
        return [(days(arrived, 30, (window_end - arrived).days), "granted", status)]
    if path == "granted-after-window":
        return [(days(window_end, 5, 240), "granted", status)]
    if path == "pending":
        return []
    refused = days(arrived, 40, 85)
    if path == "refused-final":
        return [(refused, "refused", ""), (days(refused, 25, 45), "final-refusal", "")]
    appealed = days(refused, 3, 20)
    court = days(appealed, 60, 240)
    last = (days(court, 10, 30), "final-refusal", "")
    if path == "court-positive":
        last = (days(court, 30, 120), "granted", status)
    outcome = "positive" if path == "court-positive" else "negative"
    return [(refused, "refused", ""), (appealed, "appealed", ""), (court, "court", outcome), last]


def make_case(arrived: date) -> Case:
    """A case whose history the rules accept; a draw they refuse (an exit on the day of a final
    refusal, say) is drawn again."""
    while True:
        try:
            return _draw_case(arrived)
        except InputError:
            pass


def _draw_case(arrived: date) -> Case:
    events = procedure(arrived, str(pick(PATHS)))
    registered_only = rng.random() < 0.06
    intake = None if registered_only else min(days(arrived, 0, 10), TODAY)
    grant = next((d for d, e, _ in events if e == "granted"), None)
    if grant and not registered_only:
        eps = timeline(arrived, events, intake)
        if eps[-1].end is not None and eps[-1].end + ONE_DAY < grant:  # a gap: taken in again
            events.append((days(grant, 0, 21), "resume", ""))
    if grant and rng.random() < 0.85:
        events.append((days(grant, 3, 15), "move", "riga" if rng.random() < 0.6 else rng.choice(TOWNS)))
    exit_reason = pick(EXITS)
    if exit_reason and intake:
        served = [e for e in timeline(arrived, events, intake) if e.start <= TODAY]
        ep = rng.choice(served)
        last = min(ep.end or TODAY, TODAY)
        exit_day = ep.start + timedelta(days=rng.randint(0, (last - ep.start).days))
        # The service ends there: no later resume; after leaving Latvia, nothing at all.
        events = [
            ev
            for ev in events
            if ev[0] < exit_day or (ev[1] not in ("resume", "move") and exit_reason != "left-latvia")
        ]
        events.append((exit_day, "exit", str(exit_reason)))
    events = sorted((ev for ev in events if ev[0] <= TODAY), key=lambda ev: ev[0])
    timeline(arrived, events, intake)
    return Case(arrived, str(pick(COUNTRIES)), events, intake)


def birth(on: date, lo: int, hi: int) -> str:
    born = on - timedelta(days=rng.randint(lo * 365, hi * 365))
    return str(born.year) if rng.random() < 0.05 else born.isoformat()  # sometimes only the year is known


def members(case: Case, n_family: int) -> list[tuple[str, str]]:
    """(sex, born) of each member: one adult, or parents and children."""
    if rng.random() < 0.62:
        return [("M" if rng.random() < 0.8 else "F", birth(case.arrived, 18, 55))]
    people = [("F", birth(case.arrived, 22, 45))]
    if rng.random() < 0.8:
        people.append(("M", birth(case.arrived, 24, 50)))
    people += [(rng.choice("FM"), birth(case.arrived, 0, 17)) for _ in range(rng.randint(1, 4))]
    return people


def caseload() -> list[Case]:
    cases: list[Case] = []
    month = FIRST_ARRIVAL
    families = 0
    seq: dict[int, int] = defaultdict(int)
    while month <= date(2021, 11, 30):
        # The autumn of 2021 brought more arrivals across the Belarus border.
        n = rng.randint(3, 6) + (4 if (month.year, month.month) >= (2021, 8) else 0)
        for _ in range(n):
            arrived = month.replace(day=rng.randint(1, 28))
            case = make_case(arrived)
            people = members(case, families)
            family = ""
            if len(people) > 1:
                families += 1
                family = f"FAM-{arrived.year}-{families:03d}"
            route = "relocation" if arrived.year == 2019 and rng.random() < 0.25 else "independent"
            residence = "mucenieki" if rng.random() < 0.88 else rng.choice(["riga", "riga", *TOWNS])
            for sex, born in people:
                seq[arrived.year] += 1
                code = f"EX-{arrived.year}-{seq[arrived.year]:04d}"
                c = Client(code, sex, born, case.country, arrived, route, residence, family, case.intake)
                c.events = list(case.events)
                c.episodes = timeline(arrived, c.events, c.intake)
                case.members.append(c)
            cases.append(case)
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return cases


class Staff:
    """Who works when, in which team, and how many clients each serves on every day."""

    def __init__(self) -> None:
        start = date(2019, 1, 1)
        self.period: dict[str, tuple[date, date | None]] = {s: (start, None) for s in SOCIAL_WORKERS + MENTORS}
        self.period |= MENTOR_PERIODS
        self.team = {m: SOCIAL_WORKERS[i % 2] for i, m in enumerate(MENTORS)}
        self.load: dict[str, dict[date, int]] = {s: defaultdict(int) for s in self.period}
        self.limit: dict[str, int] = {w: DEFAULTS["caseload_max_social_worker"] for w in SOCIAL_WORKERS}
        self.limit |= {m: DEFAULTS["caseload_max_mentor"] for m in MENTORS}

    def active(self, name: str, first: date, last: date) -> bool:
        start, end = self.period[name]
        return start <= first and (end is None or last <= end)

    def room(self, name: str, first: date, last: date, n: int) -> int:
        """How many clients more ``name`` could take; negative when ``n`` more would be too many."""
        busiest = max(self.load[name][first + timedelta(days=i)] for i in range((last - first).days + 1))
        return self.limit[name] - busiest - n

    def assign(self, first: date, last: date, n: int) -> tuple[str, str] | None:
        """The mentor with the most room who can serve ``n`` clients over the days, and their worker."""
        able = [
            m
            for m in MENTORS
            if self.active(m, first, last) and self.room(m, first, last, n) >= 0
            if self.room(self.team[m], first, last, n) >= 0
        ]
        if not able:
            return None
        mentor = max(able, key=lambda m: (self.room(m, first, last, n), rng.random()))
        for name in (mentor, self.team[mentor]):
            for i in range((last - first).days + 1):
                self.load[name][first + timedelta(days=i)] += n
        return self.team[mentor], mentor


def assignments_and_activities(cases: list[Case], staff: Staff) -> tuple[list[list[str]], list[list[str]]]:
    assignments: list[list[str]] = []
    activities: list[list[str]] = []
    for case in cases:
        first_member = case.members[0]
        for k, ep in enumerate(first_member.episodes):
            if ep.start > TODAY:
                continue
            last = min(ep.end or TODAY, TODAY)
            served = [m for m in case.members if k < len(m.episodes)]
            who = staff.assign(ep.start, last, len(served))
            if who is None:
                print(f"{first_member.code}: no room in any team from {ep.start}: left unassigned")
                continue
            worker, mentor = who
            to = "" if ep.end is None or ep.end > TODAY else ep.end.isoformat()
            for m in served:
                assignments.append([m.code, worker, mentor, ep.start.isoformat(), to])
            kinds = ASYLUM_ACTIVITIES if not any(e == "granted" and d <= ep.start for d, e, _ in case.events) else []
            kinds = kinds or STATUS_ACTIVITIES
            for _ in range(max(1, (last - ep.start).days // 30)):
                day = ep.start + timedelta(days=rng.randint(0, (last - ep.start).days))
                kind = rng.choice(kinds)
                by = worker if kind in ("social-service", "documents-pmlp") and rng.random() < 0.5 else mentor
                minutes = str(rng.choice([30, 45, 60, 90, 120, 180])) if rng.random() < 0.9 else ""
                lang = INTERPRETER.get(case.country, "") if rng.random() < 0.4 else ""
                # A family goes together (one row per member); otherwise one member.
                for m in served if rng.random() < 0.5 else [rng.choice(served)]:
                    activities.append([m.code, day.isoformat(), kind, by, minutes, lang, ""])
    activities.sort(key=lambda a: (a[1], a[0]))
    return sorted(assignments, key=lambda a: (a[0], a[3])), activities


def iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def write(out: Path, name: str, header: str, rows: list[list[str]]) -> None:
    with (out / name).open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header.split(","))
        w.writerows(rows)


def main(out: Path = HERE) -> None:
    rng.seed(SEED)
    cases = caseload()
    clients = sorted((m for c in cases for m in c.members), key=lambda m: m.code)
    write(
        out,
        "clients.csv",
        "code,name,sex,born,country,arrived,route,residence,family,intake,consent",
        [
            # Consent is asked for at intake.
            [c.code, "", c.sex, c.born, c.country, iso(c.arrived), c.route, c.residence, c.family, *[iso(c.intake)] * 2]
            for c in clients
        ],
    )
    write(
        out,
        "events.csv",
        "code,date,event,value",
        [[c.code, d.isoformat(), e, v] for c in clients for d, e, v in sorted(c.events, key=lambda ev: ev[0])],
    )
    staff = Staff()
    write(
        out,
        "staff.csv",
        "name,role,team,from,to",
        [[w, "social-worker", "", staff.period[w][0].isoformat(), ""] for w in sorted(SOCIAL_WORKERS)]
        + [[m, "mentor", staff.team[m], *map(iso, staff.period[m])] for m in sorted(MENTORS)],
    )
    assignments, activities = assignments_and_activities(cases, staff)
    write(out, "assignments.csv", "code,worker,mentor,from,to", assignments)
    write(out, "activities.csv", "code,date,type,staff,minutes,interpreter,note", activities)
    print(f"{len(clients)} clients in {len(cases)} cases, {len(assignments)} assignments, {len(activities)} activities")


if __name__ == "__main__":
    main()
