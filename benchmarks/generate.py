"""A synthetic national-scale database: N clients over ten years, their events, staff, assignments, activities.

Deterministic (fixed seed). Every history passes the same core checks as the commands, the derived
windows and episodes are computed by the same core, and no staff member serves more clients than the
policy's maximum on any day: `db check` passes on the file, and reports over it mean what they mean in use.

    python benchmarks/generate.py --clients 100000 --out /tmp/bench-100k.db [--csv-dir DIR]
"""

from __future__ import annotations

import argparse
import csv
import heapq
import math
import random
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path

from mentorcli.core.casework import MAXIMUM_KEY
from mentorcli.core.eligibility import ServiceEvent, compute
from mentorcli.core.legal import StatusEvent
from mentorcli.core.policy import PolicyHistory
from mentorcli.store import chain, stamps
from mentorcli.store.db import connect

COUNTRIES = ["SY", "AF", "IQ", "ER", "IN", "RU", "BY", "TJ", "VN", "UZ", "CM", "CD", "YE", "PK", "NP", "GE", "AM", "TR"]
TYPES = [
    "accompany-medical",
    "documents-pmlp",
    "housing-search",
    "humanitarian-aid",
    "social-service",
    "language-course",
]
START = date(2016, 4, 6)
YEARS = 10


def history(rng: random.Random, arrival: date) -> tuple[list[StatusEvent], list[ServiceEvent]]:
    """One plausible path through the procedure, with the service events that go with it."""
    intake = arrival + timedelta(days=rng.randint(0, 20))
    status: list[StatusEvent] = []
    service = [ServiceEvent(intake, "intake")]
    path = rng.random()
    if path < 0.45:  # status inside the window, or soon after it with a resume
        grant = arrival + timedelta(days=rng.randint(30, 130))
        status.append(StatusEvent(grant, "granted", rng.choice(["refugee", "alternative"])))
        if grant > intake + timedelta(days=95):
            service.append(ServiceEvent(grant + timedelta(days=rng.randint(0, 10)), "resume"))
        if rng.random() < 0.3:
            service.append(ServiceEvent(grant + timedelta(days=rng.randint(15, 300)), "exit", "left-latvia"))
    elif path < 0.75:  # refused, appealed, court, final
        refused = arrival + timedelta(days=rng.randint(20, 80))
        status.append(StatusEvent(refused, "refused"))
        if rng.random() < 0.6:
            status.append(StatusEvent(refused + timedelta(days=10), "appealed"))
            status.append(StatusEvent(refused + timedelta(days=rng.randint(40, 200)), "court", "negative"))
        status.append(StatusEvent(status[-1].date + timedelta(days=rng.randint(1, 30)), "final-refusal"))
    elif path < 0.9:
        service.append(ServiceEvent(intake + timedelta(days=rng.randint(1, 80)), "exit", "left-latvia"))
    return status, service


def _recorded(rng: random.Random, day: date) -> str:
    """The day an event entered the register: mostly the day it happened, one in twenty late."""
    late = rng.randint(1, 40) if rng.random() < 0.05 else 0
    return (day + timedelta(days=late)).isoformat()


def generate(n: int, out: Path, csv_dir: Path | None, seed: int = 2016) -> None:
    rng = random.Random(seed)
    late = random.Random(seed + 1)  # apart, so the rest of the file is what it was before recorded days
    out.unlink(missing_ok=True)
    conn = connect(out, create=True)
    conn.execute("PRAGMA synchronous = OFF")
    policies = PolicyHistory.default()
    last_day = START + timedelta(days=365 * YEARS - 120)
    span = (last_day - START).days
    conn.execute("BEGIN")
    clients, events, windows, episodes = [], [], [], []
    for i in range(1, n + 1):
        arrival = START + timedelta(days=rng.randrange(span))
        status, service = history(rng, arrival)
        tl = compute(arrival, status, service, policies)
        family = f"F{i // 3:06d}" if rng.random() < 0.5 else None
        born = min(arrival, date(arrival.year - rng.randint(0, 60), rng.randint(1, 12), rng.randint(1, 28)))
        code = f"N-{i:07d}"
        clients.append(
            (
                i,
                code,
                rng.choice("FM"),
                born.isoformat(),
                rng.choice(COUNTRIES),
                arrival.isoformat(),
                rng.choice(["relocation", "independent"]),
                rng.choice(["mucenieki", "mucenieki", "riga"]),
                family,
                arrival.isoformat(),
            )
        )
        for day, event, value in [(e.date, e.event, e.value) for e in status] + [
            (s.date, s.event, s.reason) for s in service
        ]:
            events.append((i, day.isoformat(), event, value, _recorded(late, day)))
        for k, w in enumerate(tl.windows):
            windows.append((i, k, w.kind, w.start.isoformat(), w.end.isoformat() if w.end else None, w.ended_by))
        for k, ep in enumerate(tl.episodes):
            end = ep.end.isoformat() if ep.end else None
            episodes.append((i, k, ep.start.isoformat(), end, ep.end_reason, int(ep.first)))
    now = "2026-01-01T00:00:00+00:00"
    # As the bulk import writes: without the stamp triggers, which cost every indexed insert.
    with stamps.lifted(conn):
        conn.executemany(
            "INSERT INTO clients (id, code, sex, born, country, arrived, route, residence, family, recorded_on, created, "
            f"born_year_only) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{now}', 0)",
            clients,
        )
        # Each event an identity of its own, as store.clients.insert_events gives it (SPEC 10).
        conn.executemany(
            "INSERT INTO events (client_id, date, event, value, recorded_on, recorded, recorded_at, uid) "
            f"VALUES (?, ?, ?, ?, ?, '{now}', '{now}', lower(hex(randomblob(16))))",
            events,
        )
        conn.executemany("INSERT INTO windows VALUES (?, ?, ?, ?, ?, ?)", windows)
        conn.executemany(
            'INSERT INTO episodes (client_id, seq, start, "end", end_reason, first) VALUES (?, ?, ?, ?, ?, ?)', episodes
        )
        staff_ids = _staff(conn, episodes, policies)
        assignments = _assignments(rng, episodes, staff_ids, policies)
        conn.executemany(
            'INSERT INTO assignments (client_id, worker_id, mentor_id, start, "end", forced) VALUES (?, ?, ?, ?, ?, 0)',
            assignments,
        )
        _activities(conn, rng, episodes, staff_ids, target=10 * n)
        # Every row names the entry of its last change, as after an import (audit verify checks it).
        entry = chain.append(conn, "generate", "import", "*", out.name, "{}")
        for table in chain.audited_tables(conn):
            conn.execute(f'UPDATE "{table}" SET audit_id = ?', (entry,))
        # Each client derived as the commands derive it, and stamped as they stamp it.
        stamps.stamp(conn, range(1, n + 1))
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    if csv_dir:
        _csv(csv_dir, clients, events)


def _staff(conn: sqlite3.Connection, episodes: list[tuple], policies: PolicyHistory) -> dict[str, list[int]]:
    """Staff enough for the busiest day: a quarter more than the maxima need, so nobody is over it."""
    policy = policies.on(START)
    peak = _peak(episodes)
    ids: dict[str, list[int]] = {"social-worker": [], "mentor": []}
    for role in ids:
        count = math.ceil(peak * 1.25 / int(policy[MAXIMUM_KEY[role]])) + 1
        for k in range(count):
            cur = conn.execute(
                "INSERT INTO staff (name, role, active_from) VALUES (?, ?, ?)",
                (f"{role} {k:03d}", role, START.isoformat()),
            )
            ids[role].append(int(cur.lastrowid or 0))
    return ids


def _peak(episodes: list[tuple]) -> int:
    """The most episodes open on one day."""
    changes: dict[str, int] = {}
    for _, _, start, end, _, _ in episodes:
        changes[start] = changes.get(start, 0) + 1
        if end:
            after = (date.fromisoformat(end) + timedelta(days=1)).isoformat()
            changes[after] = changes.get(after, 0) - 1
    load = peak = 0
    for day in sorted(changes):
        load += changes[day]
        peak = max(peak, load)
    return peak


def _assignments(
    rng: random.Random, episodes: list[tuple], staff: dict[str, list[int]], policies: PolicyHistory
) -> list[tuple]:
    """One social worker and one mentor per episode, each within the maximum on every day.

    Episodes are taken in order of their start, so a staff member's load within an episode is
    highest on its first day: whoever has a free place on that day has one on every later day.
    """
    policy = policies.on(START)
    open_ends: dict[int, list[str]] = {sid: [] for ids in staff.values() for sid in ids}

    def pick(role: str, start: str) -> int:
        maximum = int(policy[MAXIMUM_KEY[role]])
        while True:
            sid = rng.choice(staff[role])
            ends = open_ends[sid]
            while ends and ends[0] < start:
                heapq.heappop(ends)
            if len(ends) < maximum:
                return sid

    out = []
    for cid, _, start, end, _, _ in sorted(episodes, key=lambda e: e[2]):
        worker, mentor = pick("social-worker", start), pick("mentor", start)
        for sid in (worker, mentor):
            heapq.heappush(open_ends[sid], end or "9999-12-31")
        out.append((cid, worker, mentor, start, end))
    return out


def _activities(
    conn: sqlite3.Connection, rng: random.Random, episodes: list[tuple], staff: dict[str, list[int]], target: int
) -> None:
    per = max(1, target // max(1, len(episodes)))
    rows, links = [], []
    aid = 0
    for cid, _, start, end, _, _ in episodes:
        first = date.fromisoformat(start)
        last = date.fromisoformat(end) if end else first + timedelta(days=90)
        days = max(0, (last - first).days)
        for _ in range(per):
            aid += 1
            day = first + timedelta(days=rng.randint(0, days))
            rows.append(
                (aid, day.isoformat(), rng.choice(TYPES), rng.choice(staff["mentor"]), rng.choice([30, 60, 90]))
            )
            links.append((aid, cid))
    conn.executemany("INSERT INTO activities (id, date, type, staff_id, minutes) VALUES (?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO activity_clients (activity_id, client_id) VALUES (?, ?)", links)


def _csv(folder: Path, clients: list[tuple], events: list[tuple]) -> None:
    """clients.csv and events.csv in the import format, for the import benchmark."""
    folder.mkdir(parents=True, exist_ok=True)
    codes = {c[0]: c[1] for c in clients}
    with (folder / "clients.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "sex", "born", "country", "arrived", "route", "residence", "family", "intake"])
        intake = {e[0]: e[1] for e in events if e[2] == "intake"}
        for c in clients:
            w.writerow([c[1], "", c[2], c[3], c[4], c[5], c[6], c[7], c[8] or "", intake.get(c[0], "")])
    with (folder / "events.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "date", "event", "value"])
        for e in events:
            if e[2] != "intake":
                w.writerow([codes[e[0]], e[1], e[2], e[3] or ""])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--clients", type=int, default=100_000)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--csv-dir", type=Path)
    args = ap.parse_args()
    t = time.perf_counter()
    generate(args.clients, args.out, args.csv_dir)
    print(f"{args.out}: {args.clients} clients in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
