"""Facts for the reports, read in a few set-wise queries, and reports saved as sent.

Only the clients with an episode overlapping the period are read (the ``episodes`` table is
derived and indexed on start and end); their events come in one query, not one per client.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from mentorcli.core import counting
from mentorcli.core.clients import ROUTES
from mentorcli.core.counting import ADULT_AGE, ActivityFacts, ClientFacts, Inputs, StaffFacts, WindowFacts
from mentorcli.core.dates import months_between
from mentorcli.core.eligibility import EXIT_REASONS, Episode, not_served_in
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
    rest = inputs_without_clients(reg, first, last)
    return Inputs(client_facts(reg, first, last), rest.staff, rest.activities, rest.activity_types)


def inputs_without_clients(reg: Register, first: date, last: date) -> Inputs:
    """Staff and activities of the period: what the reports count besides clients."""
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


# --- the period and year reports, counted in SQL ------------------------------------------------
# Each count below is the core's definition (``core.counting``) said over the stored episodes and
# current events; tests/test_report_sql.py checks them against the core on random registers. A
# client's events of one day are in the order of entry: audit entry, then id (store.clients).

# Clients served in :first..:end (:end = the period's last day, or today if earlier), each with
# their last served day in it (``Episode.served_in``, ``ClientFacts.last_served``).
SERVED_DAYS = """
SELECT client_id, MAX(MIN(COALESCE("end", :end), :end)) AS day
FROM episodes
WHERE start <= :end AND COALESCE("end", :today) >= :first AND :today >= :first
GROUP BY client_id
"""

# Each served client on their day: the facts ``counting.people`` counts, grouped, and whether
# that day is :on (the period's last day, for ``active_at_end``).
_PEOPLE = """
WITH ev AS MATERIALIZED (  -- the last move and the last status decision of each client by their day
  SELECT e.client_id, e.event, e.value, MAX(e.rowid)  -- the other columns come from that row
  FROM {served}_events e JOIN {served} s USING (client_id)
  WHERE e.event IN ('move', 'granted', 'final-refusal') AND e.date <= s.day
  GROUP BY e.client_id, e.event = 'move'
), latest AS (
  SELECT client_id, MAX(CASE event WHEN 'move' THEN value END) AS residence,
    MAX(CASE event WHEN 'granted' THEN value WHEN 'final-refusal' THEN 'final-refusal' END) AS status
  FROM ev GROUP BY client_id
)
SELECT c.sex,
  CAST(substr(s.day, 1, 4) AS INTEGER) - CAST(substr(c.born, 1, 4) AS INTEGER) - (substr(s.day, 6) < substr(c.born, 6)),
  c.country, c.route, COALESCE(l.residence, c.residence), COALESCE(l.status, 'asylum-seeker'), s.day = :on, COUNT(*)
FROM {served} s CROSS JOIN clients c ON c.id = s.client_id  -- the few served, not every client
LEFT JOIN latest l ON l.client_id = s.client_id
GROUP BY 1, 2, 3, 4, 5, 6, 7
"""


def _params(reg: Register, first: date, last: date) -> dict[str, str]:
    return {"first": first.isoformat(), "end": min(last, reg.today).isoformat(), "today": reg.today.isoformat()}


def _served(reg: Register, name: str, first: date, last: date) -> str:
    """A temporary table of the clients served in the period with their last served day, and one
    of their current status events and moves up to the period's last day (read once: the reports
    ask three things of them); the first table's name."""
    conn = reg.conn
    conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
    conn.execute(f"DROP TABLE IF EXISTS temp.{name}_events")
    conn.execute(f"CREATE TEMP TABLE {name} (client_id INTEGER PRIMARY KEY, day TEXT NOT NULL)")
    conn.execute(f"INSERT INTO temp.{name} {SERVED_DAYS}", _params(reg, first, last))
    conn.execute(
        f"CREATE TEMP TABLE {name}_events AS SELECT e.client_id, e.date, e.event, e.value, e.audit_id, e.id "
        f"FROM temp.{name} s CROSS JOIN current_events e ON e.client_id = s.client_id "
        f"WHERE e.event IN ('move', {', '.join(repr(e) for e in STATUS_EVENTS)}) AND e.date <= ? "
        # Its rowids in each client's order of entry: a last event is the one with the largest.
        "ORDER BY e.client_id, e.date, e.audit_id, e.id",
        (last.isoformat(),),
    )
    return f"temp.{name}"


def people(reg: Register, served: str, on: date | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """``counting.people`` of the clients of a ``_served`` table, each on their day; and of those
    whose day is ``on``."""
    rows = reg.conn.execute(_PEOPLE.format(served=served), {"on": on.isoformat() if on else None}).fetchall()
    return _people(rows), _people([r for r in rows if r[6]])


def _people(rows: Iterable[Sequence[Any]]) -> dict[str, Any]:
    women = men = children = 0
    ages: dict[str, list[int]] = {"F": [], "M": []}
    by: dict[str, Counter[str]] = {k: Counter() for k in ("country", "route", "residence", "status")}
    for sex, age, country, route, residence, status, _, n in rows:
        if age < ADULT_AGE:
            children += n
        else:
            ages[sex] += [age] * n
            women, men = (women + n, men) if sex == "F" else (women, men + n)
        for key, value in (("country", country), ("route", route), ("residence", residence), ("status", status)):
            by[key][value] += n
    return {
        "served": women + men + children,
        "women": women,
        "men": men,
        "children": children,
        "average_age": {"women": counting._mean(ages["F"]), "men": counting._mean(ages["M"])},
        "by_country": dict(sorted(by["country"].items())),
        "by_residence": counting._with_usual(by["residence"], counting.USUAL_RESIDENCES),
        "by_route": counting._with_usual(by["route"], ROUTES),
        "by_status": counting._with_usual(by["status"], counting.USUAL_STATUSES),
    }


def period_figures(reg: Register, first: date, last: date) -> dict[str, Any]:
    """``counting.period_report`` over the stored episodes, in a few grouped queries."""
    conn, p = reg.conn, _params(reg, first, last)
    served = _served(reg, "report_served", first, last)
    # Served on the period's last day (nobody, if it is after today): their last served day is it.
    everyone, on_end = people(reg, served, last if last <= reg.today else None)
    out: dict[str, Any] = {"from": first, "to": last, **everyone}
    new, resumed = conn.execute(
        "SELECT COALESCE(SUM(firsts > 0), 0), COALESCE(SUM(firsts = 0), 0) FROM ("
        "  SELECT SUM(first) AS firsts FROM episodes WHERE start BETWEEN :first AND :end GROUP BY client_id)",
        p,
    ).fetchone()
    out.update(new=new, resumed=resumed, continuing=out["served"] - new - resumed)
    decisions: Counter[str] = Counter()
    for event, value, n in conn.execute(
        f"SELECT event, value, COUNT(*) FROM {served}_events "
        "WHERE event IN ('granted', 'refused', 'court', 'final-refusal') AND date BETWEEN :first AND :end "
        "GROUP BY event, value",
        p,
    ):
        if key := counting._decision_key(event, value):
            decisions[key] += n
    out["decisions"] = counting._with_usual(decisions, counting.DECISIONS)
    out["awaiting_court"] = conn.execute(
        f"SELECT COUNT(*) FROM (SELECT event, MAX(rowid) FROM {served}_events WHERE event IN ('appealed', 'court') "
        "GROUP BY client_id) WHERE event = 'appealed'"
    ).fetchone()[0]
    exits = {r: Counter[str]() for r in EXIT_REASONS}
    reasons = ", ".join(f"'{r}'" for r in EXIT_REASONS)
    for reason, route, n in conn.execute(
        "SELECT e.end_reason, c.route, COUNT(*) FROM episodes e JOIN clients c ON c.id = e.client_id "
        f'WHERE e.end_reason IN ({reasons}) AND e."end" BETWEEN :first AND :end GROUP BY 1, 2',
        p,
    ):
        exits[reason][route] += n
    out["exits"] = {r: sum(exits[r].values()) for r in EXIT_REASONS}
    rest = inputs_without_clients(reg, first, last)
    others = counting.figures(rest, first, last, reg.today, {})
    out["staff"], out["activities"] = others["staff"], others["activities"]
    out["unique_persons"] = out["served"]
    out["monthly"] = monthly(reg, first, last, served)
    members = families = 0
    for (n,) in conn.execute(
        f"SELECT COUNT(*) FROM {served} s JOIN clients c ON c.id = s.client_id WHERE c.family IS NOT NULL "
        "GROUP BY c.family HAVING COUNT(*) >= 2"
    ):
        families, members = families + 1, members + n
    out.update(families=families, individuals=out["served"] - members)
    out["exits_by_route"] = {r: counting._with_usual(exits[r], ROUTES) for r in EXIT_REASONS}
    out["active_at_end"] = {k: on_end[k] for k in ("served", "by_residence", "by_route", "by_status")}
    out["staff_average"] = counting._staff_average(rest.staff, first, last, reg.today)
    out["shares"] = counting._shares(out)
    return out


def year_figures(reg: Register, year: int) -> dict[str, Any]:
    """``counting.year_report`` over the stored episodes."""
    out = {"year": year, **period_figures(reg, date(year, 1, 1), date(year, 12, 31))}
    out["first_time"] = out["new"]
    return out


def monthly(reg: Register, first: date, last: date, served: str) -> dict[str, int]:
    """``counting.monthly``: clients served in each calendar month of the period, cut to it.

    ``served`` is the period's ``_served`` table: only its clients' episodes are read, as the
    first and last month of their served days in the period. Most clients have one episode in a
    period: they are counted in SQL by (first, last) month; the months of the others (``eps``: each
    episode's) are put together here.
    """
    months = [m.year * 12 + m.month - 1 for m, _ in months_between(first, last)]
    month = "CAST(substr({0}, 1, 4) AS INTEGER) * 12 + CAST(substr({0}, 6, 2) AS INTEGER) - 1"
    lo, hi = month.format("MAX(start, :first)"), month.format('MIN(COALESCE("end", :end), :end)')
    rows = reg.conn.execute(
        f"WITH ep AS (SELECT client_id, {lo} AS lo, {hi} AS hi FROM {served} CROSS JOIN episodes USING (client_id) "
        '  WHERE start <= :end AND COALESCE("end", :today) >= :first), '
        "per AS (SELECT MIN(lo) AS lo, MAX(hi) AS hi, "
        "  CASE WHEN COUNT(*) > 1 THEN group_concat(lo || ':' || hi) END AS eps FROM ep GROUP BY client_id) "
        "SELECT lo, hi, eps, COUNT(*) FROM per GROUP BY lo, hi, eps",
        _params(reg, first, last),
    )
    counts: Counter[int] = Counter()
    for a, b, eps, n in rows:
        spans = [tuple(map(int, e.split(":"))) for e in eps.split(",")] if eps else [(a, b)]
        for m in {m for x, y in spans for m in range(x, y + 1)}:
            counts[m] += n
    return {f"{m // 12:04d}-{m % 12 + 1:02d}": counts[m] for m in months}
