"""Facts for the reports, read in a few set-wise queries, and reports saved as sent.

Only the clients with an episode overlapping the period are read (the ``episodes`` table is
derived and indexed on start and end); their events come in one query, not one per client.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from mentorcli.core.counting import ActivityFacts, ClientFacts, Inputs, StaffFacts, WindowFacts
from mentorcli.core.eligibility import Episode, not_served_in
from mentorcli.core.errors import InputError
from mentorcli.core.legal import STATUS_EVENTS, LegalTimeline, StatusEvent
from mentorcli.core.messages import N_
from mentorcli.store.clients import stored_spans
from mentorcli.store.db import day_or_none, overlaps
from mentorcli.store.register import Register

# Clients whose episodes overlap the period, as far as it has happened by "today".
# No DISTINCT: ``IN`` needs none, and with it SQLite reads every episode in client order instead of
# searching the index on (end, start, client_id).
_SERVED = f"SELECT client_id FROM episodes WHERE {overlaps(':first', ':end')}"


def client_facts(reg: Register, first: date, last: date) -> list[ClientFacts]:
    params = {"first": first.isoformat(), "end": min(last, reg.today).isoformat()}
    return _facts(reg, _SERVED, params)


_FACT_EVENTS = "event IN ('granted', 'refused', 'appealed', 'court', 'final-refusal', 'move')"
_LEFT_LATVIA = "(event = 'exit' AND value = 'left-latvia')"
_CLIENT_COLUMNS = "id, code, sex, born, country, route, family, residence, arrived"


def population_facts(reg: Register, on: date) -> Iterator[ClientFacts]:
    """Every client taken in by the day, one at a time, for ``report population`` (the core decides
    who still counts on the day).

    The population spans the whole history: the three tables are read side by side in client
    order, so no client's facts outlive the counting of that client. Events after the day cannot
    change a status or a residence on it.
    """
    conn = reg.conn
    params = {"on": on.isoformat(), "end": min(on, reg.today).isoformat()}
    episodes = conn.execute(
        'SELECT client_id, start, "end", end_reason, first FROM episodes WHERE start <= :end ORDER BY client_id, seq',
        params,
    )
    events = groupby(
        conn.execute(
            f"SELECT client_id, date, event, value FROM current_events WHERE date <= :on AND ({_FACT_EVENTS} OR {_LEFT_LATVIA}) "
            "ORDER BY client_id, date, audit_id, id",
            params,
        ),
        key=itemgetter(0),
    )
    clients = conn.execute(f"SELECT {_CLIENT_COLUMNS} FROM clients ORDER BY id")
    ev_id, ev_rows = next(events, (None, iter(())))
    for cid, eps in groupby(episodes, key=itemgetter(0)):
        row = next(r for r in clients if r[0] == cid)
        while ev_id is not None and ev_id < cid:
            ev_id, ev_rows = next(events, (None, iter(())))
        yield _client(row, [_episode(r) for r in eps], list(ev_rows) if ev_id == cid else [])


def _episode(r: Sequence[Any]) -> Episode:
    return Episode(date.fromisoformat(r[1]), day_or_none(r[2]), r[3], bool(r[4]))


def _facts(reg: Register, clients: str, params: dict[str, str]) -> list[ClientFacts]:
    """The facts of the clients whose ids the query ``clients`` selects, in three set-wise reads."""
    conn = reg.conn
    episodes: dict[int, list[Episode]] = defaultdict(list)
    for r in conn.execute(
        f'SELECT client_id, start, "end", end_reason, first FROM episodes WHERE client_id IN ({clients}) '
        "ORDER BY client_id, seq",
        params,
    ):
        episodes[r[0]].append(_episode(r))
    events: dict[int, list[Sequence[Any]]] = defaultdict(list)
    for r in conn.execute(
        f"SELECT client_id, date, event, value FROM current_events WHERE client_id IN ({clients}) "
        f"AND ({_FACT_EVENTS} OR {_LEFT_LATVIA}) ORDER BY client_id, date, audit_id, id",
        params,
    ):
        events[r[0]].append(r)
    rows = conn.execute(f"SELECT {_CLIENT_COLUMNS} FROM clients WHERE id IN ({clients}) ORDER BY code", params)
    return [_client(r, episodes[r[0]], events[r[0]]) for r in rows]


def _client(row: Sequence[Any], episodes: list[Episode], events: Iterable[Sequence[Any]]) -> ClientFacts:
    """One client's facts from its row, its episodes and its events in date order."""
    status: list[StatusEvent] = []
    moves: list[tuple[date, str]] = []
    left: date | None = None
    for _, text, event, value in events:
        day = date.fromisoformat(text)
        if event in STATUS_EVENTS:
            status.append(StatusEvent(day, event, value))
        elif event == "move":
            moves.append((day, value))
        elif left is None:
            left = day
    _, code, sex, born, country, route, family, residence, arrived = row
    return ClientFacts(
        code=code,
        sex=sex,
        born=date.fromisoformat(born),
        country=country,
        route=route,
        family=family,
        residence=residence,
        moves=tuple(moves),
        legal=LegalTimeline(date.fromisoformat(arrived), tuple(status)),
        episodes=tuple(episodes),
        left_latvia=left,
    )


def inputs(reg: Register, first: date, last: date) -> Inputs:
    conn = reg.conn
    staff = [
        StaffFacts(r[0], date.fromisoformat(r[1]), day_or_none(r[2]))
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
        WindowFacts(str(r[0]), date.fromisoformat(r[1]), day_or_none(r[2]))
        for r in reg.conn.execute(
            f'SELECT client_id, start, "end" FROM windows WHERE {overlaps(":first", ":end")}',
            {"first": first.isoformat(), "end": end},
        )
    ]


def not_served(reg: Register, first: date, last: date) -> list[dict[str, Any]]:
    """Clients eligible in the period and served on none of its days (codes only, never names)."""
    end = min(last, reg.today)
    ids = {int(w.client) for w in windows(reg, first, last)}
    codes = _codes(reg, ids)
    out = []
    for cid, (wins, eps) in stored_spans(reg, ids).items():
        if left := not_served_in(first, end, wins, eps):
            out.append({"code": codes[cid], "window": left.window, "since": left.since, "until": left.until})
    return sorted(out, key=lambda r: r["code"])


def _codes(reg: Register, ids: set[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    wanted = sorted(ids)
    for chunk in (wanted[i : i + 500] for i in range(0, len(wanted), 500)):
        marks = ",".join("?" * len(chunk))
        found.update(reg.conn.execute(f"SELECT id, code FROM clients WHERE id IN ({marks})", chunk).fetchall())
    return found


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


def saved_months_now(reg: Register) -> dict[str, dict[str, Any]]:
    """The figures of every month saved as sent, as the register gives them now.

    Taken before and after a correction, they tell which sent months it moves.
    """
    from mentorcli.core import counting
    from mentorcli.core.dates import parse_month

    out: dict[str, dict[str, Any]] = {}
    for (period,) in reg.conn.execute("SELECT DISTINCT period FROM saved_reports WHERE kind = 'month' ORDER BY period"):
        first, last = parse_month(period)
        out[period] = counting.month_report(inputs(reg, first, last), first, last, reg.today)
    return out


def last_saved(reg: Register, kind: str, period: str) -> tuple[str, dict[str, Any]]:
    row = reg.conn.execute(
        "SELECT saved_at, figures FROM saved_reports WHERE kind = ? AND period = ? ORDER BY id DESC LIMIT 1",
        (kind, period),
    ).fetchone()
    if row is None:
        raise InputError(
            N_("no {kind} report for {period} was saved (report {kind} {period} --save)", kind=kind, period=period),
            field="month",
        )
    return row[0], json.loads(row[1])
