"""Facts for the reports, read in a few set-wise queries, and reports saved as sent.

Only the clients with an episode overlapping the period are read (the ``episodes`` table is
derived and indexed on start and end); their events come in one query, not one per client.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from mentorcli.core.counting import ActivityFacts, ClientFacts, Inputs, StaffFacts, WindowFacts
from mentorcli.core.eligibility import Episode
from mentorcli.core.errors import InputError
from mentorcli.core.legal import STATUS_EVENTS, LegalTimeline, StatusEvent
from mentorcli.store.register import Register

# Clients whose episodes overlap the period, as far as it has happened by "today".
# No DISTINCT: ``IN`` needs none, and with it SQLite reads every episode in client order instead of
# searching the index on (end, start, client_id).
_SERVED = 'SELECT client_id FROM episodes WHERE start <= :end AND ("end" IS NULL OR "end" >= :first)'


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def client_facts(reg: Register, first: date, last: date) -> list[ClientFacts]:
    params = {"first": first.isoformat(), "end": min(last, reg.today).isoformat()}
    conn = reg.conn
    episodes: dict[int, list[Episode]] = defaultdict(list)
    for r in conn.execute(
        f'SELECT client_id, start, "end", end_reason, first FROM episodes WHERE client_id IN ({_SERVED}) '
        "ORDER BY client_id, seq",
        params,
    ):
        episodes[r[0]].append(Episode(date.fromisoformat(r[1]), _day(r[2]), r[3], bool(r[4])))
    status: dict[int, list[StatusEvent]] = defaultdict(list)
    moves: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for r in conn.execute(
        f"SELECT client_id, date, event, value FROM events WHERE client_id IN ({_SERVED}) "
        "AND event IN ('granted', 'refused', 'appealed', 'court', 'final-refusal', 'move') "
        "ORDER BY client_id, date, id",
        params,
    ):
        day = date.fromisoformat(r[1])
        if r[2] in STATUS_EVENTS:
            status[r[0]].append(StatusEvent(day, r[2], r[3]))
        else:
            moves[r[0]].append((day, r[3]))
    facts = []
    for r in conn.execute(
        "SELECT id, code, sex, born, country, route, family, residence, arrived FROM clients "
        f"WHERE id IN ({_SERVED}) ORDER BY code",
        params,
    ):
        cid = r["id"]
        facts.append(
            ClientFacts(
                code=r["code"],
                sex=r["sex"],
                born=date.fromisoformat(r["born"]),
                country=r["country"],
                route=r["route"],
                family=r["family"],
                residence=r["residence"],
                moves=tuple(moves[cid]),
                legal=LegalTimeline(date.fromisoformat(r["arrived"]), tuple(status[cid])),
                episodes=tuple(episodes[cid]),
            )
        )
    return facts


def inputs(reg: Register, first: date, last: date) -> Inputs:
    conn = reg.conn
    staff = [
        StaffFacts(r[0], date.fromisoformat(r[1]), _day(r[2]))
        for r in conn.execute(
            "SELECT role, active_from, active_to FROM staff WHERE active_from <= ? AND (active_to IS NULL OR active_to >= ?)",
            (last.isoformat(), first.isoformat()),
        )
    ]
    activities = [
        ActivityFacts(date.fromisoformat(r[0]), r[1], r[2])
        for r in conn.execute(
            "SELECT date, type, COUNT(*) FROM activities WHERE date BETWEEN ? AND ? GROUP BY date, type",
            (first.isoformat(), last.isoformat()),
        )
    ]
    types = [r[0] for r in conn.execute("SELECT name FROM activity_types ORDER BY name")]
    return Inputs(client_facts(reg, first, last), staff, activities, types)


def windows(reg: Register, first: date, last: date) -> list[WindowFacts]:
    """Eligibility windows overlapping the period (one client may have several)."""
    end = min(last, reg.today).isoformat()
    return [
        WindowFacts(str(r[0]), date.fromisoformat(r[1]), _day(r[2]))
        for r in reg.conn.execute(
            'SELECT client_id, start, "end" FROM windows WHERE start <= ? AND ("end" IS NULL OR "end" >= ?)',
            (end, first.isoformat()),
        )
    ]


def complexity(reg: Register, first: date, last: date) -> dict[str, int]:
    """The latest complexity level, on or before ``last``, of each client served in the period."""
    params = {"first": first.isoformat(), "end": min(last, reg.today).isoformat(), "last": last.isoformat()}
    rows = reg.conn.execute(
        "SELECT c.code, p.complexity FROM clients c JOIN ("
        "  SELECT client_id, complexity, ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY date DESC, id DESC) AS n"
        f"  FROM plan_assessments WHERE date <= :last AND client_id IN ({_SERVED})"
        ") p ON p.client_id = c.id WHERE p.n = 1",
        params,
    )
    return {code: int(level) for code, level in rows}


def save(reg: Register, kind: str, period: str, figures: dict[str, Any]) -> None:
    """Keep the figures as sent, so late corrections can be shown against them."""
    text = json.dumps(figures, sort_keys=True, ensure_ascii=False, default=str)
    at = datetime.now(UTC).isoformat(timespec="seconds")
    reg.conn.execute(
        "INSERT INTO saved_reports (kind, period, saved_at, figures) VALUES (?, ?, ?, ?)", (kind, period, at, text)
    )
    reg.audit("save", "saved_reports", f"{kind} {period}", {"saved_at": at})


def last_saved(reg: Register, kind: str, period: str) -> tuple[str, dict[str, Any]]:
    row = reg.conn.execute(
        "SELECT saved_at, figures FROM saved_reports WHERE kind = ? AND period = ? ORDER BY id DESC LIMIT 1",
        (kind, period),
    ).fetchone()
    if row is None:
        raise InputError(f"month: no {kind} report for {period} was saved (report {kind} {period} --save)")
    return row[0], json.loads(row[1])
