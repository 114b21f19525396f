"""Facts for the reports, read in a few set-wise queries, and reports saved as sent.

Only the clients with an episode overlapping the period are read (the ``episodes`` table is
derived and indexed on start and end); their events come in one query, not one per client.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from mentorcli.core import counting
from mentorcli.core.counting import ActivityFacts, ClientFacts, Counted, Inputs, StaffFacts, WindowFacts
from mentorcli.core.eligibility import EXIT_REASONS, Episode, not_served_in
from mentorcli.core.errors import InputError
from mentorcli.core.legal import ASYLUM_SEEKER, STATUS_EVENTS, LegalTimeline, StatusEvent
from mentorcli.core.messages import N_
from mentorcli.store.db import day_or_none, overlaps
from mentorcli.store.register import Register

# Clients whose episodes overlap the period, as far as it has happened by "today".
# No DISTINCT: ``IN`` needs none, and with it SQLite reads every episode in client order instead of
# searching the index on (end, start, client_id).
_SERVED = f"SELECT client_id FROM episodes WHERE {overlaps(':first', ':end')}"


def client_facts(reg: Register, first: date, last: date) -> list[ClientFacts]:
    params = {"first": first.isoformat(), "end": min(last, reg.today).isoformat()}
    return _facts(reg, _SERVED, params)


def served_up_to(reg: Register, last: date) -> list[ClientFacts]:
    """The facts of every client served on or before ``last`` (``funder extract``)."""
    return _facts(reg, "SELECT client_id FROM episodes WHERE start <= :end", {"end": min(last, reg.today).isoformat()})


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
        'SELECT client_id, start, "end", end_reason, first, taken_over FROM episodes WHERE start <= :end '
        "ORDER BY client_id, seq",
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
    return Episode(date.fromisoformat(r[1]), day_or_none(r[2]), r[3], bool(r[4]), bool(r[5]))


def _facts(reg: Register, clients: str, params: dict[str, str]) -> list[ClientFacts]:
    """The facts of the clients whose ids the query ``clients`` selects, in three set-wise reads."""
    conn = reg.conn
    episodes: dict[int, list[Episode]] = defaultdict(list)
    # Put in order here, not by SQL: with ORDER BY, SQLite would not fold the view that ``--as-of``
    # puts in front of the table into this query, and would read every episode (store/versions.py).
    spans = conn.execute(
        f'SELECT client_id, start, "end", end_reason, first, taken_over, seq FROM episodes WHERE client_id IN ({clients})',
        params,
    ).fetchall()
    for r in sorted(spans, key=itemgetter(0, 6)):
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
    return replace(others(reg, first, last), clients=client_facts(reg, first, last))


def others(reg: Register, first: date, last: date) -> Inputs:
    """What a report counts besides the clients: staff, activities."""
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
    return Inputs((), staff, activities, types)


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
    from mentorcli.store.clients import stored_spans  # here: the other reports need none of store.clients

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
        "  SELECT client_id, complexity, ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY date DESC, audit_id DESC, id DESC) AS n"
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


# --- the persons of a period counted in SQL ---------------------------------------------------
# ``core.counting.count`` said over the stored episodes and current events, for ``report period``
# and ``report year``: grouped rows go to the core's tallies (``tally``, ``flow``, ...), so each
# count keeps the core's one definition; tests/test_report_sql.py holds the SQL to the core on
# random registers. Not under ``--as-of`` (the CLI counts with the core there).

_MONTH = "CAST(substr({0}, 1, 4) AS INTEGER) * 12 + CAST(substr({0}, 6, 2) AS INTEGER) - 1"  # month_number

# Each client served in :first..:end (:end: the period's last day, or today if earlier), from one
# pass over their episodes that overlap it, with what the counts ask of them:
# - day: their last served day in the period (``Episode.served_in``, ``ClientFacts.last_served``);
# - lo, hi: the first and last month served (``counting.monthly``), and, when more than one
#   episode overlaps the period, each one's days (eps: start/end, ...; ``spans`` below makes
#   them months). A month number is computed once for each client, not for each episode: at a
#   million clients that was a tenth of the year report;
# - starts, new, taken: an episode starts in the period; a first one; a takeover (``_flow``);
# - exits: the reasons of the episodes ended by an exit in the period (``_ended_exits``: each is
#   an episode that overlaps it);
# - the client's own facts (read here once, for every query after).
_SERVED_IN = f"""
SELECT ep.client_id, MIN(MAX(COALESCE(ep."end", :end)), :end),
  {_MONTH.format("MAX(MIN(ep.start), :first)")}, {_MONTH.format('MIN(MAX(COALESCE(ep."end", :end)), :end)')},
  CASE WHEN COUNT(*) > 1 THEN group_concat(ep.start || '/' || COALESCE(ep."end", '')) END,
  MAX(ep.start >= :first), MAX(ep.start >= :first AND ep.first), MAX(ep.start >= :first AND ep.taken_over),
  group_concat(CASE WHEN ep.end_reason IN ({", ".join(repr(r) for r in EXIT_REASONS)}) AND ep."end" <= :end
    THEN ep.end_reason END),
  c.sex, c.born, c.country, c.route, c.residence, c.family
-- The clients first, from the index on (end, start, client_id), then their episodes: the pass
-- reads the period's clients, not the whole history.
FROM episodes ep CROSS JOIN clients c ON c.id = ep.client_id
WHERE ep.client_id IN (SELECT client_id FROM episodes WHERE {overlaps(":first", ":end")})
  AND {overlaps(":first", ":end", "ep.start", 'ep."end"')} AND COALESCE(ep."end", :today) >= :first AND :today >= :first
GROUP BY ep.client_id
"""

# Each served client on their day: ``counting.profile`` grouped, and whether the day is :on (the
# period's last day: served on it, for ``active_at_end``). A client's last move and last status
# decision by their day are their events' rows with the largest rowid (stored in entry order).
_PROFILES = """
WITH ev AS MATERIALIZED (
  SELECT e.client_id, e.event, e.value, MAX(e.rowid)  -- event and value come from that row
  FROM temp.report_events e
  WHERE (e.event = 'move' OR (e.event = 'granted' AND e.value <> '') OR e.event = 'final-refusal') AND e.date <= e.day
  GROUP BY e.client_id, e.event = 'move'
), latest AS (
  SELECT client_id, MAX(CASE event WHEN 'move' THEN value END) AS residence,
    MAX(CASE event WHEN 'granted' THEN value WHEN 'final-refusal' THEN 'final-refusal' END) AS status
  FROM ev GROUP BY client_id
)
SELECT s.sex,
  CAST(substr(s.day, 1, 4) AS INTEGER) - CAST(substr(s.born, 1, 4) AS INTEGER) - (substr(s.day, 6) < substr(s.born, 6)),
  s.country, s.route, COALESCE(l.residence, s.residence), COALESCE(l.status, :seeker), s.day = :on, COUNT(*)
FROM temp.report_served s LEFT JOIN latest l ON l.client_id = s.client_id
GROUP BY 1, 2, 3, 4, 5, 6, 7
"""


def counted(reg: Register, first: date, last: date) -> Counted:
    """``counting.count(..., period=True)`` of the clients served in the period, in grouped queries."""
    conn = reg.conn
    end = min(last, reg.today)
    p = {"first": first.isoformat(), "end": end.isoformat(), "today": reg.today.isoformat(), "last": last.isoformat()}
    conn.execute("DROP TABLE IF EXISTS temp.report_served")
    conn.execute("DROP TABLE IF EXISTS temp.report_events")
    conn.execute(
        "CREATE TEMP TABLE report_served (client_id INTEGER PRIMARY KEY, day TEXT NOT NULL, lo INTEGER, hi INTEGER, "
        "eps TEXT, starts INTEGER, new INTEGER, taken INTEGER, exits TEXT, sex TEXT, born TEXT, country TEXT, route TEXT, "
        "residence TEXT, family TEXT)"
    )
    conn.execute(f"INSERT INTO temp.report_served {_SERVED_IN}", p)
    statuses = ", ".join(f"'{e}'" for e in STATUS_EVENTS)
    conn.execute(
        "CREATE TEMP TABLE report_events AS SELECT e.client_id, e.date, e.event, e.value, s.day "
        "FROM temp.report_served s CROSS JOIN current_events e ON e.client_id = s.client_id "
        f"WHERE e.event IN ('move', {statuses}) AND e.date <= :last "
        # Rowids in each client's order of entry (as ``_facts`` reads them): a last event has the largest.
        "ORDER BY e.client_id, e.date, e.audit_id, e.id",
        p,
    )
    on = last.isoformat() if last <= reg.today else None  # nobody is served after today
    rows = conn.execute(_PROFILES, {"on": on, "seeker": ASYLUM_SEEKER}).fetchall()
    everyone = counting.tally((r[:6], r[7]) for r in rows)
    on_end = counting.tally((r[:6], r[7]) for r in rows if r[6])
    served = everyone["served"]
    starts = conn.execute("SELECT new, taken, COUNT(*) FROM temp.report_served WHERE starts GROUP BY 1, 2")
    flow = counting.flow(served, ((counting.start_kind(bool(f), bool(t)), n) for f, t, n in starts))
    decisions = counting.decision_counts(
        conn.execute(
            "SELECT e.event, e.value, COUNT(*) FROM temp.report_events e "
            "WHERE e.event IN ('granted', 'refused', 'court', 'final-refusal') AND e.date BETWEEN :first AND :end "
            # Decided while an earlier provider served the client: history here (SPEC 10).
            "AND e.date >= COALESCE((SELECT MIN(t.start) FROM episodes t WHERE t.client_id = e.client_id "
            "AND t.taken_over), '') GROUP BY 1, 2",
            p,
        )
    )
    awaiting = conn.execute(
        "SELECT COUNT(*) FROM (SELECT event, MAX(rowid) FROM temp.report_events "
        "WHERE event IN ('appealed', 'court') GROUP BY client_id) WHERE event = 'appealed'"
    ).fetchone()[0]
    exits = counting.exits_by_route(
        (reason, route, n)
        for reasons, route, n in conn.execute(
            "SELECT exits, route, COUNT(*) FROM temp.report_served WHERE exits IS NOT NULL GROUP BY 1, 2"
        )
        for reason in reasons.split(",")
    )
    sizes = conn.execute(
        "SELECT COUNT(*) FROM temp.report_served WHERE family IS NOT NULL AND family <> '' GROUP BY family"
    )
    families = counting.families((n for (n,) in sizes), served)

    def spans(lo: int, hi: int, eps: str | None) -> list[tuple[int, int]]:
        if eps is None:
            return [(lo, hi)]
        out = []
        for e in eps.split(","):
            start, _, stop = e.partition("/")
            span_end = min(date.fromisoformat(stop), end) if stop else end
            out.append((counting.month_number(max(date.fromisoformat(start), first)), counting.month_number(span_end)))
        return out

    months = conn.execute("SELECT lo, hi, eps, COUNT(*) FROM temp.report_served GROUP BY lo, hi, eps")
    monthly = counting.month_counts(first, last, ((spans(lo, hi, eps), n) for lo, hi, eps, n in months))
    return Counted(everyone, flow, decisions, awaiting, exits, monthly, families, on_end)
